//! Data-file test tables shared by the detectors of this area.
//!
//! One case per line; `#` starts a comment line; blank lines are skipped.
//! A line may start with a context prefix `part:` (`query`, `form`, `json`,
//! `xml`, `header`, `cookie`, `path`, `method`, `body`, `multipart`) and/or
//! `key:` (the value is a name). Escapes: `\r`, `\n`, `\t`, `\0`, `\\`,
//! `\xHH`.

use crate::config::Sensitivity;
use crate::detect::{Ctx, Hit};
use crate::verdict::Part;

/// Parses a table into (context, value) cases.
pub(crate) fn parse(table: &str) -> Vec<(Ctx, Vec<u8>, String)> {
    let mut out = Vec::new();
    for line in table.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        let mut part = Part::Query;
        let mut key = false;
        while let Some((p, r)) = rest.split_once(':') {
            match p {
                "key" => key = true,
                "query" => part = Part::Query,
                "form" => part = Part::Form,
                "json" => part = Part::Json,
                "xml" => part = Part::Xml,
                "header" => part = Part::Header,
                "cookie" => part = Part::Cookie,
                "path" => part = Part::Path,
                "method" => part = Part::Method,
                "body" => part = Part::Body,
                "multipart" => part = Part::Multipart,
                _ => break,
            }
            rest = r;
        }
        let ctx = Ctx {
            part,
            key,
            sensitivity: Sensitivity::Default,
        };
        out.push((ctx, unescape(rest), line.to_string()));
    }
    out
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'0' => out.push(0),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < b.len() => {
                    let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("zz");
                    match u8::from_str_radix(h, 16) {
                        Ok(v) => out.push(v),
                        Err(_) => out.extend_from_slice(&b[i..i + 4]),
                    }
                    i += 4;
                    continue;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                    continue;
                }
            }
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Asserts every attack fires (score >= 5, rule of `class`) and no benign
/// case reaches the threshold.
pub(crate) fn check(
    class: &str,
    attacks: &str,
    benign: &str,
    detect: fn(&[u8], &Ctx) -> Option<Hit>,
) {
    let mut failures = Vec::new();
    for (ctx, v, line) in parse(attacks) {
        match detect(&v, &ctx) {
            Some(h) if h.score >= 5 && h.rule.starts_with(class) => {
                assert!(
                    h.span.start <= h.span.end && h.span.end <= v.len(),
                    "{line}"
                );
            }
            other => failures.push(format!("missed attack: {line} -> {other:?}")),
        }
    }
    for (ctx, v, line) in parse(benign) {
        if let Some(h) = detect(&v, &ctx) {
            if h.score >= 5 {
                failures.push(format!("benign flagged: {line} -> {h:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Detectors must not panic or take quadratic time on large odd values.
pub(crate) fn stress(detect: fn(&[u8], &Ctx) -> Option<Hit>) {
    let ctx = Ctx {
        part: Part::Query,
        key: false,
        sensitivity: Sensitivity::Default,
    };
    let patterns: [&[u8]; 24] = [
        b")(",
        b"\r\n",
        b"<!ENTITY % a SYSTEM ",
        b"<!ENTITY a \"",
        b"<!DOCTYPE a SYSTEM \"",
        b"$ne[",
        b"__proto__",
        b"while(",
        b"@{[",
        b"a",
        b"this.",
        b"(|(a=",
        b")(a=",
        b"'||'",
        b"require(",
        b"process.",
        b"constructor",
        b"http-equiv",
        b"\nX",
        b"GET ",
        b"charset=",
        b"chunked",
        b"%x{",
        b"(",
    ];
    for p in patterns {
        // 1 MiB in release; 64 KiB in debug builds, still enough for
        // quadratic work to show.
        let len = if cfg!(debug_assertions) {
            1 << 18
        } else {
            1 << 20
        };
        let v: Vec<u8> = p.iter().copied().cycle().take(len).collect();
        for part in [
            Part::Query,
            Part::Header,
            Part::Xml,
            Part::Path,
            Part::Method,
        ] {
            let c = Ctx { part, ..ctx };
            let t = std::time::Instant::now();
            let _ = detect(&v, &c);
            // Generous even for debug builds; quadratic work takes minutes.
            assert!(
                t.elapsed() < std::time::Duration::from_secs(20),
                "slow on {:?} in {part:?}",
                String::from_utf8_lossy(p)
            );
        }
    }
    // Short values over an alphabet of the bytes the detectors branch on,
    // from a fixed-seed generator: no panics, spans inside the value.
    let alphabet: &[u8] =
        b"()&|!*=<>~:;'\"`$[]{}.,_-/\\ %@#?\r\n\t\0aAxX19eEnNtThHsS\xc4\x8a\xe5\x98";
    let words: [&[u8]; 12] = [
        b"<!ENTITY",
        b"<!DOCTYPE",
        b"SYSTEM",
        b"__proto__",
        b"constructor",
        b"require",
        b"process",
        b"while",
        b"this.",
        b"charset=",
        b"HTTP/1.1",
        b"Set-Cookie",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let rounds = if cfg!(debug_assertions) {
        4_000
    } else {
        20_000
    };
    for _ in 0..rounds {
        let len = (next() % 48) as usize;
        let mut v = Vec::with_capacity(len + 16);
        while v.len() < len {
            let r = next();
            if r % 7 == 0 {
                v.extend_from_slice(words[(r >> 8) as usize % words.len()]);
            } else {
                v.push(alphabet[(r >> 8) as usize % alphabet.len()]);
            }
        }
        for part in [
            Part::Query,
            Part::Header,
            Part::Xml,
            Part::Path,
            Part::Method,
            Part::Json,
        ] {
            for key in [false, true] {
                let c = Ctx { part, key, ..ctx };
                if let Some(h) = detect(&v, &c) {
                    assert!(
                        h.span.start <= h.span.end && h.span.end <= v.len(),
                        "{v:?} {h:?}"
                    );
                }
            }
        }
    }
}
