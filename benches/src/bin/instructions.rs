//! Analyzes one request shape of the speed benchmarks `N` times, for
//! counting instructions under callgrind (deterministic, unlike wall-clock
//! time on a shared machine). `benches/instructions.sh` runs it at two
//! counts and prints the difference per request.
//!
//! ```text
//! instructions SHAPE N [cold]
//! ```
//!
//! SHAPE: `benign_get`, `attack_get`, or `benign_`/`attack_` followed by
//! `json_post_2k`, `json_post_64k`, `form_post_2k`, `multipart_upload_1m`.
//! `cold`: an engine that remembers no value across requests.

use std::process::ExitCode;

use mirrorguard::{Config, Engine};
use mirrorguard_benches::shapes::{api_post, browser_get, shapes, ATTACK_URI, GET_URI};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(Ok(n))) = (args.first(), args.get(1).map(|s| s.parse::<usize>())) else {
        eprintln!("usage: instructions SHAPE N [cold]");
        return ExitCode::FAILURE;
    };
    let mut config = Config::default();
    if args.get(2).map(String::as_str) == Some("cold") {
        config.limits.value_cache = 0;
    }
    let engine = Engine::new(config).expect("default config");
    let body = shapes().into_iter().find_map(|s| {
        let (kind, rest) = name.split_once('_')?;
        (rest == s.name).then(|| {
            let body = if kind == "attack" { s.attack } else { s.benign };
            (s.content_type, body)
        })
    });
    let mut flagged = 0;
    for _ in 0..n {
        let verdict = match (name.as_str(), &body) {
            ("benign_get", _) => engine.analyze(&browser_get(GET_URI)),
            ("attack_get", _) => engine.analyze(&browser_get(ATTACK_URI)),
            (_, Some((ct, body))) => engine.analyze(&api_post(ct, body)),
            _ => {
                eprintln!("unknown shape {name}");
                return ExitCode::FAILURE;
            }
        };
        flagged += usize::from(verdict.is_attack());
    }
    println!("{name}: {flagged} of {n} flagged");
    ExitCode::SUCCESS
}
