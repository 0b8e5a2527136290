//! Data-file test tables shared by the path and URL detectors' tests.
//!
//! A table has one case a line: `<part> <value>`, where `<part>` is a part
//! name (`query`, `path`, `header`, `cookie`, `form`, `multipart`, `json`,
//! `xml`, `body`) and the value is written as on the wire (percent-encoded
//! for query, path, form and cookie). Blank lines and `#` comments are
//! skipped. A case is judged as the engine judges it: the value as the app
//! reads it, then fully decoded.

use std::borrow::Cow;

use crate::config::Sensitivity;
use crate::decode::{self, Chain};
use crate::detect::{Ctx, Hit};
use crate::verdict::Part;

/// The cases of a table: (line, part, value).
pub(crate) fn cases(table: &str) -> Vec<(usize, Part, &str)> {
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let (part, value) = l.split_once(' ').unwrap_or((l, ""));
            let part = Part::ALL
                .into_iter()
                .find(|p| p.as_str() == part)
                .unwrap_or_else(|| panic!("line {}: unknown part {part:?}", n + 1));
            (n + 1, part, value)
        })
        .collect()
}

/// The highest-scoring hit over the app's view and the decoded view.
pub(crate) fn judge(
    part: Part,
    value: &str,
    detect: fn(&[u8], &Ctx) -> Option<Hit>,
) -> Option<Hit> {
    let ctx = Ctx {
        part,
        key: false,
        sensitivity: Sensitivity::Default,
    };
    let raw = value.as_bytes();
    let app: Cow<'_, [u8]> = match part {
        Part::Query | Part::Path | Part::Cookie => decode::percent::decode(raw),
        Part::Form => decode::form(raw),
        _ => Cow::Borrowed(raw),
    };
    let mut chain = Chain::EMPTY;
    let (norm, _) = decode::normalize(Cow::Borrowed(&app[..]), &mut chain, 6);
    let a = detect(&app, &ctx);
    let b = detect(&norm, &ctx);
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Checks that every case of `attacks` scores at least `min` and every case
/// of `benign` stays below the default threshold of 5.
pub(crate) fn check(
    attacks: &str,
    benign: &str,
    prefix: &str,
    detect: fn(&[u8], &Ctx) -> Option<Hit>,
) {
    let mut failures = Vec::new();
    for (n, part, v) in cases(attacks) {
        match judge(part, v, detect) {
            Some(h) if h.score >= 5 && h.rule.starts_with(prefix) => {}
            other => failures.push(format!("attack line {n}: {v:?} -> {other:?}")),
        }
    }
    for (n, part, v) in cases(benign) {
        if let Some(h) = judge(part, v, detect) {
            if h.score >= 5 {
                failures.push(format!("benign line {n}: {v:?} -> {h:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
