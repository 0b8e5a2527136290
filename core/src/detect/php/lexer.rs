//! A small PHP tokenizer: identifiers, variables, strings (escapes decoded),
//! numbers and punctuation; whitespace and comments (`/* */`, `//`, `#`)
//! dropped, as PHP drops them between a function name and its `(`.

use crate::search;
use std::ops::Range;

/// Longest string literal kept, decoded.
const MAX_STR: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare name (`system`, `sy`), span in the value.
    Ident(Range<usize>),
    /// `$name`; `$` followed by something else is `Punct(b'$')`.
    Var(Range<usize>),
    /// A string literal, decoded (`"\x73ystem"` is `system`).
    Str(Vec<u8>, Range<usize>),
    Num(Range<usize>),
    Punct(u8, usize),
}

impl Tok {
    pub(crate) fn start(&self) -> usize {
        match self {
            Tok::Ident(r) | Tok::Var(r) | Tok::Str(_, r) | Tok::Num(r) => r.start,
            Tok::Punct(_, at) => *at,
        }
    }
    pub(crate) fn end(&self) -> usize {
        match self {
            Tok::Ident(r) | Tok::Var(r) | Tok::Str(_, r) | Tok::Num(r) => r.end,
            Tok::Punct(_, at) => at + 1,
        }
    }
    pub(crate) fn is(&self, p: u8) -> bool {
        matches!(self, Tok::Punct(c, _) if *c == p)
    }
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Tokenizes `v`, at most `max` tokens.
pub(crate) fn lex(v: &[u8], max: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() && out.len() < max {
        let b = v[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Comments.
        if b == b'/' && v.get(i + 1) == Some(&b'*') {
            i = search::find(&v[i + 2..], b"*/").map_or(v.len(), |p| i + 2 + p + 2);
            continue;
        }
        if (b == b'/' && v.get(i + 1) == Some(&b'/')) || b == b'#' {
            while i < v.len() && v[i] != b'\n' && v[i] != b'\r' {
                i += 1;
            }
            continue;
        }
        let s = i;
        if ident_start(b) {
            while i < v.len() && ident(v[i]) {
                i += 1;
            }
            // Namespaced names: `\system`, `a\b`.
            out.push(Tok::Ident(s..i));
        } else if b == b'$' && v.get(i + 1).is_some_and(|&c| ident_start(c)) {
            i += 1;
            while i < v.len() && ident(v[i]) {
                i += 1;
            }
            out.push(Tok::Var(s..i));
        } else if b.is_ascii_digit() {
            while i < v.len() && (v[i].is_ascii_alphanumeric() || v[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Num(s..i));
        } else if b == b'\'' || b == b'"' {
            let (text, end) = string(v, i);
            i = end;
            out.push(Tok::Str(text, s..i));
        } else if b == b'\\' && v.get(i + 1).is_some_and(|&c| ident_start(c)) {
            // A namespace separator before a name.
            i += 1;
        } else {
            i += 1;
            out.push(Tok::Punct(b, s));
        }
    }
    out
}

/// Decodes the string literal opening at `v[i]`; returns it and the index
/// after its closing quote.
fn string(v: &[u8], i: usize) -> (Vec<u8>, usize) {
    let q = v[i];
    let mut j = i + 1;
    let mut out = Vec::new();
    while j < v.len() && v[j] != q {
        let c = v[j];
        if c == b'\\' && j + 1 < v.len() {
            let e = v[j + 1];
            if q == b'\'' {
                if e == b'\'' || e == b'\\' {
                    push(&mut out, e);
                    j += 2;
                } else {
                    push(&mut out, c);
                    j += 1;
                }
                continue;
            }
            match e {
                b'x' => {
                    let mut val = 0u8;
                    let mut k = j + 2;
                    while k < v.len() && k < j + 4 && v[k].is_ascii_hexdigit() {
                        val = val.wrapping_mul(16).wrapping_add(hexval(v[k]));
                        k += 1;
                    }
                    push(&mut out, val);
                    j = k;
                }
                b'0'..=b'7' => {
                    let mut val = 0u8;
                    let mut k = j + 1;
                    while k < v.len() && k < j + 4 && (b'0'..=b'7').contains(&v[k]) {
                        val = val.wrapping_mul(8).wrapping_add(v[k] - b'0');
                        k += 1;
                    }
                    push(&mut out, val);
                    j = k;
                }
                b'n' => {
                    push(&mut out, b'\n');
                    j += 2;
                }
                b't' => {
                    push(&mut out, b'\t');
                    j += 2;
                }
                _ => {
                    push(&mut out, e);
                    j += 2;
                }
            }
            continue;
        }
        push(&mut out, c);
        j += 1;
    }
    (out, (j + 1).min(v.len()))
}

fn push(out: &mut Vec<u8>, b: u8) {
    if out.len() < MAX_STR {
        out.push(b);
    }
}

fn hexval(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b.wrapping_sub(b'A').wrapping_add(10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(v: &str) -> String {
        lex(v.as_bytes(), 1000)
            .iter()
            .map(|t| match t {
                Tok::Ident(r) | Tok::Var(r) | Tok::Num(r) => v[r.clone()].to_string(),
                Tok::Str(s, _) => format!("'{}'", String::from_utf8_lossy(s)),
                Tok::Punct(c, _) => (*c as char).to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn golden_tokens() {
        assert_eq!(render("system('id');"), "system ( 'id' ) ;");
        assert_eq!(render("\"\\x73y\\x73tem\"(ls)"), "'system' ( ls )");
        assert_eq!(render("exec /*c*/ (x) // y"), "exec ( x )");
        assert_eq!(
            render("$a='sys'.'tem';$a('id')"),
            "$a = 'sys' . 'tem' ; $a ( 'id' )"
        );
        assert_eq!(render("$__[@o](4)"), "$__ [ @ o ] ( 4 )");
        assert_eq!(render("'unterminated"), "'unterminated'");
    }
}
