//! Tests over the data files in `core/testdata/xss/`, and an ignored
//! harness that measures a corpus extracted outside the repository.

use super::*;
use crate::detect::Ctx;
use crate::verdict::Part;

fn ctx(sensitivity: Sensitivity) -> Ctx {
    Ctx {
        part: Part::Query,
        key: false,
        sensitivity,
    }
}

/// Lines that are not comments, with `{TAB}`, `{NL}`, `{VT}`, `{NUL}`,
/// `{ESC}` standing for bytes a line cannot hold.
fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("##"))
        .map(|l| {
            l.replace("{TAB}", "\t")
                .replace("{NL}", "\n")
                .replace("{VT}", "\x0b")
                .replace("{NUL}", "\0")
                .replace("{ESC}", "\x1b")
        })
}

#[test]
fn attacks_are_detected() {
    let mut missed = Vec::new();
    for line in lines(include_str!("../../../testdata/xss/attacks.txt")) {
        match detect(line.as_bytes(), &ctx(Sensitivity::Default)) {
            Some(hit) if hit.score >= 5 => {}
            other => missed.push(format!("{line:?} => {other:?}")),
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn benign_values_pass() {
    let mut flagged = Vec::new();
    for line in lines(include_str!("../../../testdata/xss/benign.txt")) {
        if let Some(hit) = detect(line.as_bytes(), &ctx(Sensitivity::Default)) {
            if hit.score >= 5 {
                flagged.push(format!("{line:?} => {hit:?}"));
            }
        }
    }
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}

/// Measures a corpus extracted by a scratch script (lines of
/// `label \t class \t id \t part \t hex(value)`), named by `MG_XSS_TSV`.
#[test]
#[ignore]
fn corpus() {
    let Ok(path) = std::env::var("MG_XSS_TSV") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("corpus file");
    let mut attack_ids = std::collections::BTreeMap::<String, bool>::new();
    let mut benign_ids = std::collections::BTreeMap::<String, bool>::new();
    let mut flagged_other = std::collections::BTreeSet::<String>::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 5 {
            continue;
        }
        let value: Vec<u8> = (0..f[4].len() / 2)
            .filter_map(|i| u8::from_str_radix(&f[4][2 * i..2 * i + 2], 16).ok())
            .collect();
        let hit = detect(&value, &ctx(Sensitivity::Default)).filter(|h| h.score >= 5);
        let id = f[2].to_string();
        if f[0] == "benign" {
            let e = benign_ids.entry(id.clone()).or_default();
            if let Some(h) = &hit {
                *e = true;
                println!(
                    "FP\t{id}\t{}\t{}\t{:?}",
                    f[3],
                    h.rule,
                    String::from_utf8_lossy(&value)
                        .chars()
                        .take(300)
                        .collect::<String>()
                );
            }
        } else if f[1] == "xss" {
            let e = attack_ids.entry(id.clone()).or_default();
            *e |= hit.is_some();
        } else if hit.is_some() {
            flagged_other.insert(format!("{}:{id}", f[1]));
        }
    }
    let caught = attack_ids.values().filter(|&&v| v).count();
    let fps = benign_ids.values().filter(|&&v| v).count();
    for (id, c) in &attack_ids {
        if !c {
            println!("MISS\t{id}");
        }
    }
    println!(
        "xss attacks {caught}/{} ; benign flagged {fps}/{} ; other-class flagged {}",
        attack_ids.len(),
        benign_ids.len(),
        flagged_other.len()
    );
}

/// Renders tokens for the golden file: `text(..)`, `<name a=v b>`,
/// `</name>`, a trailing `…` on a tag the input ended inside,
/// `comment(..)`, `bogus(..)`.
fn render(src: &[u8]) -> String {
    use super::tokenizer::{Attrs, Token, Tokenizer};
    let s = |r: std::ops::Range<usize>| String::from_utf8_lossy(&src[r]).into_owned();
    let mut out = Vec::new();
    for tok in Tokenizer::new(src) {
        out.push(match tok {
            Token::Text(r) => format!("text({})", s(r)),
            Token::Comment(r) => format!("comment({})", s(r)),
            Token::Bogus(r) => format!("bogus({})", s(r)),
            Token::Tag(t) => {
                let mut x = format!("<{}{}", if t.end { "/" } else { "" }, s(t.name.clone()));
                for a in Attrs::new(src, t.attrs.clone()) {
                    x.push(' ');
                    x.push_str(&s(a.name));
                    if let Some(v) = a.value {
                        x.push('=');
                        x.push_str(&s(v));
                    }
                }
                x.push_str(if t.closed { ">" } else { "…" });
                x
            }
        });
    }
    out.join(" ")
}

#[test]
fn tokenizer_golden() {
    let mut bad = Vec::new();
    for line in lines(include_str!("../../../testdata/xss/tokens.txt")) {
        let Some((input, want)) = line.split_once(" => ") else {
            continue;
        };
        let got = render(input.as_bytes());
        if got != want {
            bad.push(format!("{input:?}\n  want {want}\n  got  {got}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Prints the rendering of `MG_XSS_RENDER` lines, to write golden lines.
#[test]
#[ignore]
fn tokenizer_render() {
    if let Ok(text) = std::env::var("MG_XSS_RENDER") {
        for line in lines(&text) {
            println!("{line} => {}", render(line.as_bytes()));
            println!(
                "  {:?}",
                detect(line.as_bytes(), &ctx(Sensitivity::Default))
            );
        }
    }
}

#[test]
fn never_panics_on_odd_bytes() {
    let mut seed = 0x2545_f491_u32;
    let alphabet = b"<>/=\"'`!?-:;()[]{}&#x0aAjs \t\nonerror script javascript";
    for len in 0..400 {
        let v: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                match seed % 7 {
                    0 => (seed >> 8) as u8,
                    _ => alphabet[(seed >> 8) as usize % alphabet.len()],
                }
            })
            .collect();
        for s in [
            Sensitivity::Low,
            Sensitivity::Default,
            Sensitivity::Paranoid,
        ] {
            let _ = detect(&v, &ctx(s));
        }
        let _ = render(&v);
    }
}

/// Pathological repetitions complete (speed itself is for the benchmarks).
#[test]
fn long_repetitive_values_complete() {
    for unit in [
        &b"'"[..],
        b"';",
        b"<a ",
        b"\" onx=",
        b"<!--",
        b"javascript:",
        b"`${",
        b"[",
        b"on",
        b"';alert",
        b"<x onclick=x ",
        b"<!--<",
        b"<style>",
        b"&#106;",
        b"document.",
        b"a(",
        b"['al'+",
        b"<x style=",
        b"top[",
    ] {
        let v: Vec<u8> = unit.iter().copied().cycle().take(1 << 16).collect();
        let _ = detect(&v, &ctx(Sensitivity::Default));
    }
}

#[test]
fn sensitivity_scales_weak_findings() {
    let weak = b"alert(document.cookie)";
    let strong = b"<img src=x onerror=alert(1)>";
    assert!(detect(weak, &ctx(Sensitivity::Low)).is_none());
    assert_eq!(
        detect(weak, &ctx(Sensitivity::Default)).map(|h| h.score),
        Some(5)
    );
    assert_eq!(
        detect(strong, &ctx(Sensitivity::Low)).map(|h| h.score),
        Some(10)
    );
    let hit = detect(strong, &ctx(Sensitivity::Default)).expect("hit");
    assert_eq!(hit.rule, "xss.event_handler");
    assert_eq!(&strong[hit.span], b"onerror=alert(1)");
}

#[test]
fn seven_bit_span_is_in_the_value() {
    let v = "ab \u{bc}script\u{be}alert(1)".as_bytes();
    let f = judge(v, Sensitivity::Default).expect("flagged");
    assert_eq!(f.rule, "xss.script_tag");
    assert_eq!(&v[f.span.clone()], "\u{bc}script\u{be}".as_bytes());
}
