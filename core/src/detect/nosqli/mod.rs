//! NoSQL (MongoDB) injection.
//!
//! The attacker must speak MongoDB's query language: an operator object
//! where the app expects a scalar (`{"$ne": null}`, `user[$ne]=`), or
//! JavaScript that breaks out of a `$where` string.
//!
//! Rules:
//! - `nosqli.operator_key`: a name (JSON key, bracketed query/form name)
//!   that is a query operator (`$ne`, `$gt`, `$regex`, `$where`, `$expr`...).
//! - `nosqli.operator`: an operator in object or bracket syntax inside a
//!   value (`{"$gt": ""}`, `[$ne]=1`).
//! - `nosqli.js`: server-side JavaScript for `$where`/`mapReduce`:
//!   `this.<field>` tests, a quote break followed by `;return`/`sleep(`, a
//!   JS tautology (`'||'1'=='1`), `db.<collection>.<method>(`; a quote
//!   break, `+`/`||`/`&&` (or nothing: a call), a function expression
//!   invoked in place and the string reopened at the end of the value
//!   (`"+(function(){...while(b-a<20000)...}())+"`), the timing probe.
//!   JavaScript evaluated inside a string, as `$where` and `eval` run it.

use super::{Ctx, Hit};
use crate::search::starts_ci_at;

/// Query, update and aggregation operators an attacker injects. Names that
/// other JSON dialects use (`$ref`, `$id`, `$schema`, `$type`, OData's
/// `$filter`/`$search`/`$top`...) are left out on purpose.
const OPERATORS: &[&[u8]] = &[
    b"ne",
    b"eq",
    b"gt",
    b"gte",
    b"lt",
    b"lte",
    b"in",
    b"nin",
    b"regex",
    b"where",
    b"expr",
    b"function",
    b"accumulator",
    b"exists",
    b"elemmatch",
    b"jsonschema",
    b"not",
    b"nor",
    b"or",
    b"and",
    b"all",
    b"size",
    b"mod",
    b"lookup",
    b"graphlookup",
    b"unionwith",
    b"where",
    b"options",
    b"text",
    b"match",
    b"group",
    b"project",
    b"out",
    b"merge",
    b"function",
];

/// Methods of a `db.<collection>` handle an injected script calls.
const DB_METHODS: &[&[u8]] = &[
    b"find",
    b"findone",
    b"insert",
    b"insertone",
    b"remove",
    b"drop",
    b"update",
    b"updateone",
    b"aggregate",
    b"getcollection",
    b"getcollectionnames",
    b"runcommand",
    b"eval",
    b"dropdatabase",
    b"deletemany",
    b"count",
    b"mapreduce",
];

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let has_dollar = memchr::memchr(b'$', value).is_some();
    if has_dollar {
        if let Some(h) = operator(value, ctx) {
            return Some(h);
        }
    }
    if memchr::memchr3(b'.', b';', b'|', value).is_none() && reopened_tail(value).is_none() {
        return None;
    }
    js(value)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn ident_end(v: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < v.len() && is_ident(v[i]) {
        i += 1;
    }
    i
}

fn in_list(word: &[u8], list: &[&[u8]]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn skip_ws(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && v[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn skip_ws_back(v: &[u8], mut i: usize) -> usize {
    // Returns the index just past the last non-space byte before `i`.
    while i > 0 && v[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    i
}

fn operator(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    for d in memchr::memchr_iter(b'$', value) {
        let end = ident_end(value, d + 1);
        let word = &value[d + 1..end];
        if word.is_empty() || !in_list(word, OPERATORS) {
            continue;
        }
        let after = value.get(end).copied();
        let before = value[..skip_ws_back(value, d)].last().copied();
        if ctx.key {
            // `$ne`, `"$ne"`, `user[$ne]`, `a.$gt`.
            let at_start = value[..d]
                .iter()
                .all(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'');
            let bracketed = matches!(before, Some(b'[' | b'.'));
            let ends = matches!(
                after,
                None | Some(b']' | b'"' | b'\'' | b'.' | b'[' | b' ' | b':')
            );
            if (at_start || bracketed) && ends {
                return Some(Hit {
                    rule: "nosqli.operator_key",
                    score: 10,
                    span: d..end,
                });
            }
            continue;
        }
        // In a value: `{"$ne": 1}`, `{$gt: ''}`, `[$regex]=.*`, `,"$or":[`.
        let mut b = skip_ws_back(value, d);
        let mut quoted = false;
        if b > 0 && matches!(value[b - 1], b'"' | b'\'') {
            quoted = true;
            b = skip_ws_back(value, b - 1);
        }
        // `{`, `,`, `[` before, or nothing (`$where: '1 == 1'` as the whole
        // value).
        let opener = b == 0 || matches!(value[b - 1], b'{' | b',' | b'[');
        let mut a = end;
        if quoted && a < value.len() && matches!(value[a], b'"' | b'\'') {
            a += 1;
        }
        a = skip_ws(value, a);
        let closer = match value.get(a) {
            Some(b':') => true,
            Some(b']') => b > 0 && value[b - 1] == b'[',
            _ => false,
        };
        if opener && closer {
            return Some(Hit {
                rule: "nosqli.operator",
                score: 10,
                span: d..end,
            });
        }
    }
    None
}

fn js(value: &[u8]) -> Option<Hit> {
    let tail = reopened_tail(value);
    let mut i = 0;
    while i < value.len() {
        let c = value[i];
        match c {
            b't' | b'T'
                if starts_ci_at(value, i, b"this.") && (i == 0 || !is_ident(value[i - 1])) =>
            {
                if let Some(end) = this_test(value, i + 5) {
                    return Some(Hit {
                        rule: "nosqli.js",
                        score: 10,
                        span: i..end,
                    });
                }
            }
            b'd' | b'D'
                if starts_ci_at(value, i, b"db.") && (i == 0 || !is_ident(value[i - 1])) =>
            {
                if let Some(end) = db_call(value, i + 3) {
                    return Some(Hit {
                        rule: "nosqli.js",
                        score: 10,
                        span: i..end,
                    });
                }
            }
            b'\'' | b'"' => {
                if let Some(end) = quote_break(value, i).or_else(|| iife_break(value, i, tail)) {
                    return Some(Hit {
                        rule: "nosqli.js",
                        score: 10,
                        span: i..end,
                    });
                }
            }
            // Outside a string, `$where` code ends an operand (`1; return
            // true`); after more than one word, the `;` ends a sentence or a
            // line of code.
            b';' if !value[..i].trim_ascii().contains(&b' ') => {
                if let Some(end) = statement(value, skip_ws(value, i + 1)) {
                    return Some(Hit {
                        rule: "nosqli.js",
                        score: 10,
                        span: i..end,
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// After `this.`: a field chain followed by a test or a call.
fn this_test(v: &[u8], mut i: usize) -> Option<usize> {
    // A bounded member chain keeps `this.this.this...` linear.
    for _ in 0..16 {
        let e = ident_end(v, i);
        if e == i {
            return None;
        }
        i = e;
        if v.get(i) == Some(&b'.') {
            let m = i + 1;
            let me = ident_end(v, m);
            let method = &v[m..me];
            if in_list(
                method,
                &[
                    b"match",
                    b"test",
                    b"indexof",
                    b"startswith",
                    b"endswith",
                    b"includes",
                    b"charat",
                    b"substr",
                    b"substring",
                ],
            ) && v.get(me) == Some(&b'(')
            {
                return Some(me + 1);
            }
            if method.eq_ignore_ascii_case(b"length") {
                let k = skip_ws(v, me);
                if matches!(v.get(k), Some(b'=' | b'>' | b'<' | b'!')) {
                    return Some(k + 1);
                }
            }
            i = m;
            continue;
        }
        let k = skip_ws(v, i);
        return match (v.get(k), v.get(k + 1)) {
            (Some(b'='), Some(b'=')) | (Some(b'!'), Some(b'=')) => Some(k + 2),
            (Some(b'>' | b'<'), _) => Some(k + 1),
            (Some(b'['), _) => Some(k + 1),
            _ => None,
        };
    }
    None
}

/// After `db.`: `db.<method>(` or `db.<collection>.<method>(`.
fn db_call(v: &[u8], i: usize) -> Option<usize> {
    let e = ident_end(v, i);
    if e == i {
        return None;
    }
    if v.get(e) == Some(&b'(') && in_list(&v[i..e], DB_METHODS) {
        return Some(e + 1);
    }
    if v.get(e) == Some(&b'.') {
        let m = e + 1;
        let me = ident_end(v, m);
        if v.get(me) == Some(&b'(') && in_list(&v[m..me], DB_METHODS) {
            return Some(me + 1);
        }
    }
    None
}

/// A JS statement an injection runs: `return true`, `sleep(5000)`,
/// `while(true)`, `db.x.drop()`, `this.x...`.
fn statement(v: &[u8], j: usize) -> Option<usize> {
    if starts_ci_at(v, j, b"return") {
        let k = skip_ws(v, j + 6);
        if k == j + 6 && !matches!(v.get(k), Some(b'(' | b'!')) {
            return None;
        }
        // `return(`, `return !`, `return '' == '`.
        if matches!(v.get(k), Some(b'(' | b'!' | b'\'' | b'"')) {
            return Some(k + 1);
        }
        let e = ident_end(v, k);
        let w = &v[k..e];
        return in_list(
            w,
            &[
                b"true", b"false", b"1", b"0", b"this", b"db", b"sleep", b"process",
            ],
        )
        .then_some(e);
    }
    for kw in [&b"sleep("[..], b"while(", b"db.", b"this."] {
        if starts_ci_at(v, j, kw) {
            return Some(j + kw.len());
        }
    }
    None
}

/// A quote that ends a JS string, followed by a statement or a tautology.
fn quote_break(v: &[u8], q: usize) -> Option<usize> {
    let i = skip_ws(v, q + 1);
    if v.get(i) == Some(&b';') {
        return statement(v, skip_ws(v, i + 1));
    }
    let op = match (v.get(i), v.get(i + 1)) {
        (Some(b'|'), Some(b'|')) | (Some(b'&'), Some(b'&')) => i + 2,
        _ => return None,
    };
    let j = skip_ws(v, op);
    if starts_ci_at(v, j, b"true") || starts_ci_at(v, j, b"this.") || starts_ci_at(v, j, b"sleep(")
    {
        return Some(j + 4);
    }
    // `'1'=='1`, `1==1`, `"a"==="a`.
    let (lhs, k) = literal(v, j)?;
    let k = skip_ws(v, k);
    if v.get(k) != Some(&b'=') || v.get(k + 1) != Some(&b'=') {
        return None;
    }
    let mut k = k + 2;
    if v.get(k) == Some(&b'=') {
        k += 1;
    }
    let k = skip_ws(v, k);
    let rhs_start = if matches!(v.get(k), Some(b'\'' | b'"')) {
        k + 1
    } else {
        k
    };
    let re = rhs_start + lhs.len();
    if re <= v.len() && v[rhs_start..re] == *lhs {
        return Some(re);
    }
    None
}

/// Where a value ends by calling something and concatenating the app's
/// string again (`...}())+"`, `...})() || '`): the quote and the start of
/// the operator. Read once per value, so each quote costs O(1).
fn reopened_tail(v: &[u8]) -> Option<(u8, usize)> {
    let end = skip_ws_back(v, v.len());
    let q = *v.get(end.checked_sub(1)?)?;
    if !matches!(q, b'\'' | b'"') {
        return None;
    }
    let op_end = skip_ws_back(v, end - 1);
    // No operator is a call: `'x' (function(){...}()) '` calls the string,
    // and JS evaluates the argument before the call fails.
    let op = match v[..op_end] {
        [.., b'|', b'|'] | [.., b'&', b'&'] => op_end - 2,
        [.., b'+'] => op_end - 1,
        _ => op_end,
    };
    let call_end = skip_ws_back(v, op);
    matches!(
        v[..call_end],
        [.., b'(', b')', b')'] | [.., b')', b'(', b')']
    )
    .then_some((q, op))
}

/// `"+(function(){...}())+"`, `'||(()=>{...})()||'`: a quote that ends
/// the app's JS string, an operator (or none: a call of the string), a
/// function expression invoked in place, and the string reopened for the app's closing quote: code run
/// inside a server-side string (`$where`, `eval`), as timing probes do
/// with a busy loop. Code quoted in prose keeps text after its last quote.
fn iife_break(v: &[u8], q: usize, tail: Option<(u8, usize)>) -> Option<usize> {
    let (tq, tail_op) = tail?;
    if tq != v[q] {
        return None;
    }
    let i = skip_ws(v, q + 1);
    let op = match (v.get(i), v.get(i + 1)) {
        (Some(b'|'), Some(b'|')) | (Some(b'&'), Some(b'&')) => i + 2,
        (Some(b'+'), _) => i + 1,
        _ => i,
    };
    let mut j = skip_ws(v, op);
    let mut parens = 0;
    // `((function`, `(()=>`: the arrow's own `()` is not a grouping.
    while parens < 2 && v.get(j) == Some(&b'(') && v.get(skip_ws(v, j + 1)) != Some(&b')') {
        j = skip_ws(v, j + 1);
        parens += 1;
    }
    if parens == 0 {
        return None;
    }
    if starts_ci_at(v, j, b"async") && v.get(j + 5).is_some_and(u8::is_ascii_whitespace) {
        j = skip_ws(v, j + 5);
    }
    let function = starts_ci_at(v, j, b"function") && !v.get(j + 8).is_some_and(|&b| is_ident(b));
    let arrow = v.get(j) == Some(&b'(') && {
        let k = skip_ws(v, j + 1);
        let k = if v.get(k) == Some(&b')') {
            skip_ws(v, k + 1)
        } else {
            k
        };
        v.get(k) == Some(&b'=') && v.get(k + 1) == Some(&b'>')
    };
    ((function || arrow) && j < tail_op).then_some(tail_op)
}

/// A JS string or number literal at `i` (the closing quote optional);
/// returns its content and the index after it.
fn literal(v: &[u8], i: usize) -> Option<(&[u8], usize)> {
    match v.get(i)? {
        q @ (b'\'' | b'"') => {
            let s = i + 1;
            let e = s + memchr::memchr(*q, &v[s..])?;
            Some((&v[s..e], e + 1))
        }
        b'0'..=b'9' => {
            let e = i + v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            Some((&v[i..e], e))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "nosqli.",
            include_str!("../../../testdata/nosqli/attacks.txt"),
            include_str!("../../../testdata/nosqli/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
