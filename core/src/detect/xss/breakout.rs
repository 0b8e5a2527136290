//! Break-outs without markup: the value lands inside an attribute or a
//! script string, closes it with a quote, and continues in the enclosing
//! language. Each candidate quote is tried as that context's end and what
//! follows is parsed as the language behind it (attributes, or script).

use super::js::{self, Mode};
use super::tokenizer::{is_ws, Attrs};
use super::value::{decode_refs, script_url};
use super::Found;

/// Bytes of the value read after one candidate quote: a break-out puts its
/// payload right behind the quote. Small, so a value made of quotes costs
/// linear time with a small constant.
const WINDOW: usize = 256;
/// The same for script break-outs, whose payloads are shorter still.
const JS_WINDOW: usize = 160;
/// Attributes read after one candidate quote (`" autofocus onfocus=...`).
const MAX_ATTRS: usize = 6;

/// Positions where a context could end: after each quote, and the start of
/// the value (an unquoted attribute or a bare script context).
fn candidates(src: &[u8]) -> impl Iterator<Item = (usize, bool)> + '_ {
    std::iter::once((0, false)).chain(
        src.iter()
            .enumerate()
            .filter(|(_, &b)| matches!(b, b'"' | b'\'' | b'`'))
            .map(|(i, _)| (i + 1, true)),
    )
}

/// `" onmouseover=alert(1) x="`, `' autofocus onfocus='alert(1)`,
/// `x onerror=alert(1)`: attributes that follow the end of a value.
pub(crate) fn attribute(src: &[u8]) -> Option<Found> {
    for (start, quoted) in candidates(src) {
        let end = (start + WINDOW).min(src.len());
        for attr in Attrs::new(src, start..end).take(MAX_ATTRS) {
            let Some(vr) = attr.value.clone() else {
                continue;
            };
            let name = &src[attr.name.clone()];
            let span = attr.name.start..vr.end;
            let handler = name.len() > 4
                && name[..2].eq_ignore_ascii_case(b"on")
                && name[2..].iter().all(u8::is_ascii_alphabetic);
            if handler {
                let v = decode_refs(&src[vr.clone()]);
                // Without a quote the value may be prose: demand a hostile
                // call, not just any call.
                if js::hostile(&v, 0..v.len(), Mode::Strict).is_some() {
                    let score = if quoted { 10 } else { 8 };
                    return Some(Found::new("xss.attr_breakout", score, span));
                }
            }
            let url_attr = [
                &b"href"[..],
                b"src",
                b"formaction",
                b"action",
                b"xlink:href",
            ]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
            if quoted && url_attr {
                let v = decode_refs(&src[vr.clone()]);
                if let Some(rest) = script_url(&v) {
                    if js::hostile(&v, rest..v.len(), Mode::Loose).is_some() {
                        return Some(Found::new("xss.attr_breakout", 10, span));
                    }
                }
            }
        }
    }
    None
}

/// `';alert(1)//`, `"-alert(1)-"`, `\";alert(1);//`, `'});alert(1);//`:
/// a quote closes a script string, an operator or `;` continues the
/// expression, and a hostile call follows.
pub(crate) fn script(src: &[u8]) -> Option<Found> {
    for (start, quoted) in candidates(src) {
        if !quoted {
            continue;
        }
        let mut p = start;
        let mut closers = false;
        while p < src.len() && (is_ws(src[p]) || matches!(src[p], b')' | b']' | b'}')) {
            closers |= !is_ws(src[p]);
            p += 1;
        }
        let Some(&op) = src.get(p) else {
            continue;
        };
        let operator = matches!(
            op,
            b';' | b','
                | b'+'
                | b'-'
                | b'*'
                | b'/'
                | b'%'
                | b'|'
                | b'&'
                | b'^'
                | b'?'
                | b':'
                | b'<'
                | b'>'
                | b'='
                | b'!'
                | b'~'
                | b'\n'
        );
        if !operator && !closers {
            continue;
        }
        // `'//` after a quote is a comment, not division: not a break-out.
        if src[p..].starts_with(b"//") {
            continue;
        }
        let end = (p + JS_WINDOW).min(src.len());
        if let Some(span) = js::hostile(src, p..end, Mode::Strict) {
            return Some(Found::new("xss.js_breakout", 10, start - 1..span.end));
        }
    }
    None
}
