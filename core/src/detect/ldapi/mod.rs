//! LDAP filter injection.
//!
//! An app builds a filter such as `(&(uid=USER)(pass=PASS))`; the attacker's
//! value must close the filter component it sits in (a `)` the value never
//! opened) and continue with filter syntax: another component `(attr=...)`,
//! or an operator `(&`, `(|`, `(!`. A small tokenizer tracks parenthesis depth
//! from the start of the value and judges what follows each unbalanced `)`.
//!
//! Rules:
//! - `ldapi.filter_break`: an unbalanced `)` followed by `(attr<op>value`
//!   where `<op>` is `=`, `~=`, `>=`, `<=` (optionally with an `&|!`
//!   operator in between: `)(|(uid=*`, `)&(cn=`).
//! - `ldapi.operator_break`: an unbalanced `)` followed by `(` and a bare
//!   `&`, `|` or `!` (`admin)(&)`, `admin)(|`).
//!
//! - `ldapi.filter_injection`: a whole composite filter where a value was
//!   expected: `*(|(mail=*))`, `x(&(uid=a)(cn=*))`.
//!
//! Balanced text such as `(see above)`, `f(x)(y=2)` or `(m=1)(mh=2)` never
//! closes more than it opened and passes.

use super::{Ctx, Hit};

pub(crate) fn detect(value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    let first = memchr::memchr(b')', value)?;
    if let Some(h) = composite(value) {
        return Some(h);
    }
    memchr::memchr(b'(', &value[first..])?;
    let mut depth: i64 = 0;
    for (i, &c) in value.iter().enumerate() {
        match c {
            b'(' => depth += 1,
            // A smiley, `:)`, `;-)`, closes nothing.
            b')' if i > 0 && matches!(value[i - 1], b':' | b';' | b'-' | b'^') => {}
            b')' => {
                depth -= 1;
                if depth < 0 {
                    if let Some(h) = after_close(value, i) {
                        return Some(h);
                    }
                    depth = 0;
                }
            }
            _ => {}
        }
    }
    None
}

/// A composite filter injected after a value:
/// `*(|(mail=*))`, `x(&(uid=a)(cn=*))`: `(`, an operator, `(` and a
/// component, with a wildcard or a second component, so that a formula
/// such as `(|(x=1)` in prose needs more than a parenthesis to fire.
fn composite(v: &[u8]) -> Option<Hit> {
    for open in memchr::memchr_iter(b'(', v) {
        // A filter that is the whole value is a search form's filter, not
        // an injection: the attacker's filter follows a value (`*(|(`).
        if v[..open].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let i = skip_ws(v, open + 1);
        if !matches!(v.get(i), Some(b'&' | b'|' | b'!')) {
            continue;
        }
        let j = skip_ws(v, i + 1);
        if v.get(j) != Some(&b'(') {
            continue;
        }
        let Some(end) = attr_op(v, skip_ws(v, j + 1)) else {
            continue;
        };
        let component = &v[j..end];
        let next = skip_ws(v, end + 1);
        if component.contains(&b'*') || v.get(end) == Some(&b')') && v.get(next) == Some(&b'(') {
            return Some(Hit {
                rule: "ldapi.filter_injection",
                score: 10,
                span: open..end,
            });
        }
    }
    None
}

fn skip_ws(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && matches!(v[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    i
}

fn is_attr_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b';' | b'_')
}

/// Judges what follows the unbalanced `)` at `close`.
fn after_close(v: &[u8], close: usize) -> Option<Hit> {
    let mut i = skip_ws(v, close + 1);
    // Further closes: `*))(|(uid=*`.
    while v.get(i) == Some(&b')') {
        i = skip_ws(v, i + 1);
    }
    // `)&(cn=`, `)!(sn=`.
    let mut joined_by_op = false;
    if matches!(v.get(i), Some(b'&' | b'|' | b'!')) {
        joined_by_op = true;
        i = skip_ws(v, i + 1);
    }
    if v.get(i) != Some(&b'(') {
        return None;
    }
    i = skip_ws(v, i + 1);
    // `((|userPassword=*)`.
    while v.get(i) == Some(&b'(') {
        i = skip_ws(v, i + 1);
    }
    let hit = |rule: &'static str, end: usize| {
        Some(Hit {
            rule,
            score: 10,
            span: close..end.min(v.len()),
        })
    };
    if matches!(v.get(i), Some(b'&' | b'|' | b'!')) {
        let op_end = i + 1;
        let j = skip_ws(v, op_end);
        return match v.get(j) {
            // `(&)`, `(|` at the end, `(|(uid=*`, `(!(sn=*`.
            None | Some(b')') => {
                if joined_by_op {
                    None
                } else {
                    hit("ldapi.operator_break", j + 1)
                }
            }
            Some(b'(') => match attr_op(v, skip_ws(v, j + 1)) {
                Some(e) => hit("ldapi.filter_break", e),
                // `(|(` then something that is not a component.
                None => hit("ldapi.operator_break", j + 1),
            },
            _ => attr_op(v, j).and_then(|e| hit("ldapi.filter_break", e)),
        };
    }
    attr_op(v, i).and_then(|e| hit("ldapi.filter_break", e))
}

/// `attr=value`, `attr~=`, `attr>=`, `attr<=`, `attr:dn:=` at `i`, the
/// attribute starting with a letter; returns the end of the operator and
/// the start of the value when the value looks like an assertion value.
fn attr_op(v: &[u8], i: usize) -> Option<usize> {
    if !v.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let lim = v.len().min(i + 128);
    let mut j = i;
    while j < lim && is_attr_byte(v[j]) {
        j += 1;
    }
    // Extensible match: `cn:dn:=`, `uid:caseExactMatch:=`.
    while j < lim && v[j] == b':' {
        j += 1;
        while j < lim && is_attr_byte(v[j]) {
            j += 1;
        }
    }
    j = skip_ws(v, j);
    let op_end = match (v.get(j), v.get(j + 1)) {
        (Some(b'='), _) => j + 1,
        (Some(b'~' | b'>' | b'<'), Some(b'=')) => j + 2,
        _ => return None,
    };
    // The assertion value: up to `)` or the end; no spaces-only prose
    // continuation like "a=b and then".
    // Assertion values are short; a bounded look keeps scans linear.
    let rest = &v[op_end..v.len().min(op_end + 256)];
    let end = memchr::memchr(b')', rest).unwrap_or(rest.len());
    let val = &rest[..end];
    if val.contains(&b'(') || val.contains(&b'&') && !val.starts_with(b"*") {
        return None;
    }
    Some(op_end + end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "ldapi.",
            include_str!("../../../testdata/ldapi/attacks.txt"),
            include_str!("../../../testdata/ldapi/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
