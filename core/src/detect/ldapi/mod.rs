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
//!   expected: `*(|(mail=*))`, `x(&(uid=a)(cn=*))`; or a filter, even the
//!   whole value, with an operator nested in another
//!   (`(&(uid=admin)(!(&(1=0)(userPassword=q))))`): a search form's own
//!   filter is flat, a filter built to bypass one nests its logic.
//! - `ldapi.extensible_match`: an extensible-match assertion naming its
//!   matching rule, `attr:2.5.13.18:=value`, `cn:dn:caseExactMatch:=x`, where
//!   only a filter component was expected (no prose writes `:oid:=`).
//!
//! Balanced text such as `(see above)`, `f(x)(y=2)` or `(m=1)(mh=2)` never
//! closes more than it opened and passes.

use super::{Ctx, Hit};
use crate::search;

pub(crate) fn detect(value: &[u8], _ctx: &Ctx) -> Option<Hit> {
    let Some(first) = memchr::memchr(b')', value) else {
        return extensible(value);
    };
    if let Some(h) = composite(value).or_else(|| nested_operator(value)) {
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

/// An operator group opened directly inside another operator group:
/// `(&(uid=a)(!(&(x=1)...` or `(|(&(cn=*)...`, whose inner group starts with
/// a component. The stack of open groups lives in a bit set, so depth past
/// 64 stops the scan (no filter nests that deep).
fn nested_operator(v: &[u8]) -> Option<Hit> {
    let (mut ops, mut depth) = (0u64, 0u32);
    for (i, &c) in v.iter().enumerate() {
        match c {
            b'(' => {
                if depth >= 64 {
                    return None;
                }
                let j = skip_ws(v, i + 1);
                let is_op = matches!(v.get(j), Some(b'&' | b'|' | b'!'));
                if is_op && depth > 0 && ops & (1 << (depth - 1)) != 0 {
                    let k = skip_ws(v, j + 1);
                    if v.get(k) == Some(&b'(') {
                        if let Some(end) = attr_op_in(v, skip_ws(v, k + 1), true) {
                            return Some(Hit {
                                rule: "ldapi.filter_injection",
                                score: 10,
                                span: i..end,
                            });
                        }
                    }
                }
                ops = (ops & !(1 << depth)) | (u64::from(is_op) << depth);
                depth += 1;
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// `attr:2.5.13.18:=`, `attr:dn:caseExactMatch:=`, `:1.2.3:=`: the
/// extensible-match form that names a matching rule, by a numeric OID (two
/// dots at least) or by a rule name ending in `Match`.
fn extensible(v: &[u8]) -> Option<Hit> {
    for at in search::find_iter(v, b":=") {
        // The matching rule just before `:=`, back to its `:`.
        let mut s = at;
        while s > 0 && (v[s - 1].is_ascii_alphanumeric() || v[s - 1] == b'.') && at - s < 64 {
            s -= 1;
        }
        if s == 0 || v[s - 1] != b':' || s == at {
            continue;
        }
        let rule = &v[s..at];
        let oid = rule[0].is_ascii_digit()
            && rule.iter().all(|&b| b.is_ascii_digit() || b == b'.')
            && rule.iter().filter(|&&b| b == b'.').count() >= 2
            && !rule.ends_with(b".")
            && !rule.windows(2).any(|w| w == b"..");
        let named = rule.len() > 5
            && rule[0].is_ascii_alphabetic()
            && rule.iter().all(u8::is_ascii_alphanumeric)
            && rule.ends_with(b"Match");
        if !(oid || named) {
            continue;
        }
        // Before it: `attr:`, `attr:dn:` or nothing (`:oid:=`), starting
        // the value or after a non-word byte.
        let mut a = s - 1;
        if a >= 3 && v[a - 3..a].eq_ignore_ascii_case(b":dn") {
            a -= 3;
        }
        let mut b = a;
        while b > 0 && is_attr_byte(v[b - 1]) && a - b < 128 {
            b -= 1;
        }
        let attr_ok = b == a || v[b].is_ascii_alphabetic();
        if attr_ok && (b == 0 || !is_attr_byte(v[b - 1])) {
            return Some(Hit {
                rule: "ldapi.extensible_match",
                score: 10,
                span: b..at + 2,
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
    attr_op_in(v, i, false)
}

/// [`attr_op`]; the attribute is a name or a numeric OID (`2.5.4.3=x`). A
/// short number (`(1=0)`, an always-false component) counts only when
/// `short_oid`: inside nested filter logic, not after a `)` in prose
/// (`see 1) (2=yes)`).
fn attr_op_in(v: &[u8], i: usize, short_oid: bool) -> Option<usize> {
    if !v.get(i)?.is_ascii_alphanumeric() {
        return None;
    }
    let lim = v.len().min(i + 128);
    let mut j = i;
    while j < lim && is_attr_byte(v[j]) {
        j += 1;
    }
    if v[i].is_ascii_digit()
        && (!v[i..j].iter().all(|&b| b.is_ascii_digit() || b == b'.')
            || !short_oid && v[i..j].iter().filter(|&&b| b == b'.').count() < 2)
    {
        return None;
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
