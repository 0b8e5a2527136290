//! Golden verdicts: every request of `core/testdata/golden/requests.jsonl`
//! (the corpus format) must give exactly the verdict JSON on the same line
//! of `verdicts.jsonl`. The C, Python and Node bindings check the same files,
//! so the JSON must be byte-for-byte deterministic.
//!
//! After an intended change of behaviour, regenerate with
//! `MIRRORGUARD_BLESS=1 cargo test -p mirrorguard-benches --test golden`
//! and review the diff.

use mirrorguard::Engine;
use mirrorguard_benches::Labelled;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/testdata/golden");

#[test]
fn golden_verdicts() {
    let requests = std::fs::read_to_string(format!("{DIR}/requests.jsonl")).unwrap();
    let engine = Engine::new(mirrorguard::Config::default()).unwrap();
    let mut got = String::new();
    for line in requests.lines() {
        let rec = Labelled::from_line(line).unwrap();
        let body = rec.body_bytes();
        let verdict = engine.analyze(&rec.request(&body));
        let json = verdict.to_json();
        got.push_str(&format!("{{\"id\":{:?},\"verdict\":{json}}}\n", rec.id));
        let attack = rec.label == "attack";
        assert_eq!(verdict.is_attack(), attack, "{}: {json}", rec.id);
        if attack {
            assert!(
                verdict
                    .findings()
                    .iter()
                    .any(|f| f.class.as_str() == rec.class),
                "{}: expected a {} finding: {json}",
                rec.id,
                rec.class
            );
        }
    }
    let path = format!("{DIR}/verdicts.jsonl");
    if std::env::var_os("MIRRORGUARD_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap();
    for (g, w) in got.lines().zip(want.lines()) {
        assert_eq!(g, w);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}
