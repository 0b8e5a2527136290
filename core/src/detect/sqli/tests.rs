//! Data-driven tests: every line of `testdata/sqli/attacks.txt` must be
//! detected, no line of `benign.txt` may be. The files hold one value per
//! line (`#` lines are comments, `\t` and `\n` escapes allowed).

use super::*;
use crate::verdict::Part;

fn ctx() -> Ctx {
    Ctx {
        part: Part::Query,
        key: false,
        sensitivity: Sensitivity::Default,
    }
}

fn lines(data: &str) -> impl Iterator<Item = String> + '_ {
    data.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(|l| l.replace("\\t", "\t").replace("\\n", "\n"))
}

#[test]
fn attacks_are_detected() {
    let mut missed = Vec::new();
    for v in lines(include_str!("../../../testdata/sqli/attacks.txt")) {
        match detect(v.as_bytes(), &ctx()) {
            Some(h) if h.score >= 5 => {}
            other => missed.push(format!("{v:?} -> {other:?}")),
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn benign_values_pass() {
    let mut flagged = Vec::new();
    for v in lines(include_str!("../../../testdata/sqli/benign.txt")) {
        if let Some(h) = detect(v.as_bytes(), &ctx()) {
            if h.score >= 5 {
                flagged.push(format!("{v:?} -> {h:?}"));
            }
        }
    }
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}

#[test]
fn rule_ids_and_spans() {
    let cases: [(&str, &str); 9] = [
        ("admin'--", "sqli.comment_truncation"),
        ("' OR 1=1--", "sqli.tautology"),
        ("1 AND 1=2", "sqli.boolean"),
        ("-1 UNION SELECT 1,2,3", "sqli.union"),
        ("1; DROP TABLE users", "sqli.stacked"),
        ("1 AND SLEEP(5)", "sqli.blind"),
        (
            "1 AND extractvalue(1,concat(0x7e,version()))",
            "sqli.error_based",
        ),
        ("' union select load_file('/etc/passwd')#", "sqli.system"),
        ("' ORDER BY 3--", "sqli.clause"),
    ];
    for (v, rule) in cases {
        let h = detect(v.as_bytes(), &ctx()).unwrap_or_else(|| panic!("{v}"));
        assert_eq!(h.rule, rule, "{v}");
        assert!(
            h.span.start < h.span.end && h.span.end <= v.len(),
            "{v}: {h:?}"
        );
    }
}

#[test]
fn keys_holding_pairs_are_split() {
    let mut c = ctx();
    c.key = true;
    let h = detect(b"pay=OR (7319=8742)", &c).expect("hit in the value half");
    assert!(h.span.start >= 4, "{h:?}");
    c.key = false;
    assert_eq!(detect(b"pay=OR (7319=8742)", &c), None);
}

#[test]
fn pairs_inside_a_key_are_split_on_ampersands() {
    let mut c = ctx();
    c.key = true;
    let v = b"f=plain&g[@h]=(select";
    let h = detect(v, &c).expect("hit in the second pair");
    assert!(h.span.start >= 14, "{h:?}");
    assert_eq!(detect(b"f=plain&g=select", &c), None);
    assert_eq!(detect(b"f=plain&@g=(select", &c), None);
}

#[test]
fn weak_hits_follow_sensitivity() {
    let mut c = ctx();
    let h = detect(b"5 and 6", &c).expect("weak hit");
    assert!(h.score < 5);
    c.sensitivity = Sensitivity::Low;
    assert_eq!(detect(b"5 and 6", &c), None);
}

#[test]
fn huge_and_binary_values_are_fine() {
    let mut v = vec![b'a'; 1 << 20];
    v.extend_from_slice(b"' or 1=1--");
    let _ = detect(&v, &ctx());
    let junk: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let _ = detect(&junk, &ctx());
    let quotes = "'\"".repeat(50_000);
    let _ = detect(quotes.as_bytes(), &ctx());
    // Shapes that could make a careless lexer or parser quadratic.
    for piece in [
        "a/*",
        "((",
        "f(",
        "union select ",
        ";",
        "'a' ",
        "1 or ",
        "x.",
        "case when ",
    ] {
        let v = piece.repeat((1 << 18) / piece.len());
        let _ = detect(v.as_bytes(), &ctx());
    }
    // Padding with harmless words does not hide a payload.
    let mut padded = "lorem ipsum ".repeat(20_000);
    padded.push_str("; DROP TABLE users");
    assert_eq!(
        detect(padded.as_bytes(), &ctx()).map(|h| h.rule),
        Some("sqli.stacked")
    );
}

const LOG_LINE: &str = "2024-05-01 12:00:00 INFO request served in 12 ms, status 200, bytes 5120\n";

#[test]
fn windows_without_a_trigger_are_skipped() {
    let log = LOG_LINE.repeat(2000);
    assert_eq!(anywhere_trigger(log.as_bytes()), None);
    for (text, at) in [
        ("served; x", 6),
        ("a UNION b", 2),
        ("sel<b>ect", 3),
        ("un/**/ion", 2),
        ("x=@@version", 2),
        ("BENCHMARK(1,2)", 0),
        ("x xp_cmdshell", 2),
    ] {
        assert_eq!(anywhere_trigger(text.as_bytes()), Some(at), "{text}");
    }
}

#[test]
fn payloads_past_the_first_window_are_found() {
    // Each rule that holds anywhere, after more log text than one window.
    for payload in [
        "1 union select password from users",
        "x'; DROP TABLE users",
        "1 and 1=@@version",
        "1 UN/**/ION SEL/**/ECT password FROM users",
        "1 and sleep(5)",
        "1 into outfile '/var/www/x.php'",
        "1; waitfor delay '0:0:5'",
    ] {
        let v = format!("{}{payload}", LOG_LINE.repeat(50));
        let hit = detect(v.as_bytes(), &ctx());
        assert!(hit.is_some_and(|h| h.score >= SURE), "{payload}");
    }
}

/// Debugging aid: `SQLI_DEBUG='value' cargo test -p mirrorguard sqli::tests::explain
/// -- --ignored --nocapture` prints each context's fingerprint and the hit.
#[test]
#[ignore]
fn explain() {
    let Ok(v) = std::env::var("SQLI_DEBUG") else {
        return;
    };
    for line in v.lines() {
        for start in [Start::Bare, Start::Single, Start::Double] {
            println!("{start:?}: {}", lexer::fingerprint(line.as_bytes(), start));
        }
        println!("{line:?} => {:?}", detect(line.as_bytes(), &ctx()));
    }
}

/// Random mixes of SQL fragments and bytes: the detector must never panic
/// and must stay within the value for its span.
#[test]
fn random_inputs_never_panic() {
    const PIECES: [&str; 40] = [
        "'", "\"", "`", "(", ")", ";", "--", "#", "/*", "*/", "/*!", "1", "0x", "union", "select",
        " ", "or", "and", "=", "||", "@@", "@", "sleep(", "case", "when", "end", "\\", "$$", "q'[",
        "N'", "::", "<@", "#>", "[", "]", "+", "from", "if", "exec", "\u{e9}",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..20_000 {
        let mut v = Vec::new();
        for _ in 0..(next() % 24) {
            if round % 3 == 0 {
                v.push((next() & 0xff) as u8);
            } else {
                v.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize].as_bytes());
            }
        }
        for key in [false, true] {
            let mut c = ctx();
            c.key = key;
            c.part = if round % 2 == 0 {
                Part::Body
            } else {
                Part::Query
            };
            if let Some(h) = detect(&v, &c) {
                assert!(
                    h.span.start <= h.span.end && h.span.end <= v.len(),
                    "{v:?} {h:?}"
                );
            }
        }
    }
}

#[test]
#[ignore]
fn explain_request() {
    let Ok(v) = std::env::var("SQLI_BODY") else {
        return;
    };
    let req = crate::Request::builder()
        .method("POST")
        .uri("/post")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(v.as_bytes())
        .build();
    println!("{:?}", crate::analyze(&req));
    let c = Ctx {
        part: Part::Body,
        key: false,
        sensitivity: Sensitivity::Default,
    };
    println!("{:?}", detect(v.as_bytes(), &c));
}

#[test]
fn typographic_quotes_keep_spans_and_odd_bytes() {
    let v = "5’ OR ’a’=’a’--";
    let h = detect(v.as_bytes(), &ctx()).expect("folded quotes");
    assert!(h.score >= SURE && h.span.end <= v.len(), "{h:?}");
    // Cut sequences and a lone lead byte are no quotes.
    for odd in [&b"1\xe2\x80"[..], b"\xe2", b"\xca", b"x\xc2 or 1=1"] {
        let _ = detect(odd, &ctx());
    }
}
