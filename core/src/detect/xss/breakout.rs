//! Break-outs without markup: the value lands inside an attribute or a
//! script string, closes it with a quote, and continues in the enclosing
//! language. Each candidate quote is tried as that context's end and what
//! follows is parsed as the language behind it (attributes, or script).

use super::html;
use super::js::{self, Mode};
use super::tokenizer::{is_ws, Attrs};
use super::value::{decode_refs, script_url};
use super::{keep, Found};

/// Bytes of the value read after one candidate quote: a break-out puts its
/// payload right behind the quote. Small, so a value made of quotes costs
/// linear time with a small constant.
const WINDOW: usize = 256;
/// The same for script break-outs, whose payloads are shorter still.
const JS_WINDOW: usize = 160;
/// Attributes read after one candidate quote (`" autofocus onfocus=...`).
const MAX_ATTRS: usize = 6;

/// Positions where a quoted context could end: after each quote.
fn candidates(src: &[u8]) -> impl Iterator<Item = usize> + '_ {
    src.iter()
        .enumerate()
        .filter(|(_, &b)| matches!(b, b'"' | b'\'' | b'`'))
        .map(|(i, _)| i + 1)
}

/// `" onmouseover=alert(1) x="`, `' autofocus onfocus='alert(1)`,
/// `" style=x:expression(alert(1))`: attributes that follow the end of a
/// quoted value.
pub(crate) fn attribute(src: &[u8]) -> Option<Found> {
    let mut best: Option<Found> = None;
    // Markup of its own is judged as markup; a break-out has none.
    let bare = memchr::memchr(b'<', src).is_none();
    for start in candidates(src) {
        let end = (start + WINDOW).min(src.len());
        for attr in Attrs::new(src, start..end).take(MAX_ATTRS) {
            let Some(vr) = attr.value.clone() else {
                continue;
            };
            let name = &src[attr.name.clone()];
            let span = attr.name.start..vr.end;
            let v = decode_refs(&src[vr.clone()]);
            let found = if is_handler(name) {
                let score = if js::hostile(&v, 0..v.len(), Mode::Strict).is_some() {
                    10
                } else {
                    // `"onzoom=`: a quote, then a handler: still a probe for
                    // the break-out, weaker without a payload.
                    6
                };
                Some(Found::new("xss.attr_breakout", score, span))
            } else if directive(name) {
                // `" @click="alert(1)`: a framework binding the app compiles.
                js::hostile(&v, 0..v.len(), Mode::Strict)
                    .or_else(|| super::scope_eval(&v, 0..v.len()))
                    .map(|_| Found::new("xss.attr_breakout", 10, span))
            } else if name.eq_ignore_ascii_case(b"style") {
                html::css_active(&v, html::CSS_ACTIVE_STRICT)
                    .or_else(|| html::css_active(&v, &[b"expression("]))
                    .map(|_| Found::new("xss.attr_breakout", 10, span))
            } else if is_url_attr(name) {
                script_url(&v)
                    .filter(|&rest| js::hostile(&v, rest..v.len(), Mode::Loose).is_some())
                    .map(|_| Found::new("xss.attr_breakout", 10, span.clone()))
                    .or_else(|| {
                        // `" formaction=//evil.example`: the page's form now
                        // posts what the user types to the sender. No value
                        // but a break-out sets `formaction` after a quote;
                        // without a target it is the probe for it.
                        let hijack = bare && name.eq_ignore_ascii_case(b"formaction");
                        hijack.then(|| {
                            let score = if v.is_empty() { 5 } else { 6 };
                            Found::new("xss.attr_breakout", score, span)
                        })
                    })
            } else {
                None
            };
            if keep(&mut best, found) {
                return best;
            }
        }
    }
    best
}

/// `on` and letters: an event-handler attribute name (prefix `x:` allowed).
fn is_handler(name: &[u8]) -> bool {
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    local.len() > 4
        && local[..2].eq_ignore_ascii_case(b"on")
        && local[2..].iter().all(u8::is_ascii_alphabetic)
}

/// [`html::is_directive`] on a name as written.
fn directive(name: &[u8]) -> bool {
    let mut buf = [0u8; 24];
    if name.len() > buf.len() {
        return false;
    }
    for (d, b) in buf.iter_mut().zip(name) {
        *d = b.to_ascii_lowercase();
    }
    html::is_directive(&buf[..name.len()])
}

fn is_url_attr(name: &[u8]) -> bool {
    [
        &b"href"[..],
        b"src",
        b"formaction",
        b"action",
        b"xlink:href",
        b"data",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// `test;onfocus=eval(...)`, `x onerror=alert(1)`: a handler assignment
/// anywhere in the value, not after a quote (an unquoted attribute value
/// ends at a space; other separators show up in URLs). Without a quote the
/// text may be prose, so only a hostile call counts.
pub(crate) fn handler_anywhere(src: &[u8]) -> Option<Found> {
    let mut weak = None;
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'o', b'O', &src[from..]) {
        let at = from + i;
        from = at + 1;
        if at > 0 && (src[at - 1].is_ascii_alphanumeric() || src[at - 1] == b'_') {
            continue;
        }
        if !src
            .get(at + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'n'))
        {
            continue;
        }
        let mut p = at + 2;
        while p < src.len() && src[p].is_ascii_alphabetic() {
            p += 1;
        }
        if p - at < 5 {
            continue;
        }
        let end = (at + WINDOW).min(src.len());
        let Some(attr) = Attrs::new(src, at..end).next() else {
            continue;
        };
        let Some(vr) = attr.value else {
            continue;
        };
        if attr.name.end != p {
            continue;
        }
        let v = decode_refs(&src[vr.clone()]);
        if js::hostile(&v, 0..v.len(), Mode::Strict).is_some() {
            return Some(Found::new("xss.attr_breakout", 8, at..vr.end));
        }
        // ` onload=`: a space, then a handler being set: an attribute
        // injection probe even without a payload. Inside an open `(` on its
        // line it is a keyword argument (`walk(top, onerror=None)`).
        let from = at.saturating_sub(WINDOW);
        let line = src[from..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(from, |p| from + p + 1);
        let opens = src[line..at].iter().filter(|&&b| b == b'(').count();
        let closes = src[line..at].iter().filter(|&&b| b == b')').count();
        if at > 0 && is_ws(src[at - 1]) && weak.is_none() && opens <= closes {
            weak = Some(Found::new("xss.attr_breakout", 5, at..vr.end));
        }
    }
    weak
}

/// `';alert(1)//`, `"-alert(1)-"`, `\";alert(1);//`, `'});alert(1);//`:
/// a quote closes a script string, an operator or `;` continues the
/// expression, and a hostile call follows.
///
/// A finding needs a trigger word (`alert`, `document`, `top`, ...) within
/// [`JS_WINDOW`] bytes after the quote, so only the few quotes just before
/// each trigger word are tried: linear time however many quotes there are.
pub(crate) fn script(src: &[u8]) -> Option<Found> {
    const QUOTES_PER_WORD: usize = 4;
    let quotes: Vec<usize> = candidates(src).collect();
    if quotes.is_empty() {
        return None;
    }
    let mut tried = vec![false; quotes.len()];
    let mut i = 0;
    while i < src.len() {
        // A `\u` escape outside a string may hide any name (see
        // [`escaped_identifier`]): it is tried as a trigger word is.
        let escape = src[i] == b'\\' && src.get(i + 1) == Some(&b'u');
        if !src[i].is_ascii_alphabetic() && !escape {
            i += 1;
            continue;
        }
        let w = i;
        if escape {
            i += 2;
        }
        while i < src.len() && src[i].is_ascii_alphabetic() {
            i += 1;
        }
        if !escape && !js::is_trigger(&src[w..i]) {
            continue;
        }
        // Quotes before the word and close enough for it to be in their
        // window, nearest first.
        let before = quotes.partition_point(|&q| q <= w);
        for k in (0..before).rev().take(QUOTES_PER_WORD) {
            if w - quotes[k] > JS_WINDOW || tried[k] {
                continue;
            }
            tried[k] = true;
            if let Some(found) = after_quote(src, quotes[k]) {
                return Some(found);
            }
        }
    }
    None
}

/// Tries the quote ending at `start` as the end of a script string.
fn after_quote(src: &[u8], start: usize) -> Option<Found> {
    let mut p = start;
    let mut closers = false;
    // After the last closer: a line break (where script inserts the `;`
    // a statement lacks), and whether the last closer was a `}`.
    let mut line_break = false;
    let mut brace = false;
    while p < src.len() && (is_ws(src[p]) || matches!(src[p], b')' | b']' | b'}')) {
        if !is_ws(src[p]) {
            closers = true;
            brace = src[p] == b'}';
            line_break = false;
        } else if matches!(src[p], b'\n' | b'\r') {
            line_break = true;
        }
        p += 1;
    }
    let op = *src.get(p)?;
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
    // `'in alert(1)//`: the binary operators spelled as words.
    let word_op = ["in", "instanceof"].iter().any(|w| {
        src[p..].starts_with(w.as_bytes())
            && !src
                .get(p + w.len())
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    });
    // `'//` after a quote is a comment, not division: not a break-out.
    if !operator && !closers && !word_op || src[p..].starts_with(b"//") {
        return None;
    }
    // `'x') print(y)`, `f('a') where ...`: after `)` or `]` a statement
    // goes on only behind an operator, a `;` or a line break; on the same
    // line a word there is a syntax error, and prose or Python.
    let bare_closers = closers && !operator && !word_op;
    if bare_closers && !brace && !line_break {
        return None;
    }
    let end = (p + JS_WINDOW).min(src.len());
    if let Some(id) = escaped_identifier(src, p, word_op) {
        return Some(Found::new("xss.js_breakout", 10, start - 1..id));
    }
    let span = js::hostile(src, p..end, Mode::Strict)?;
    // Callees that are everyday words and methods (`print`, `open`,
    // `write`, `import`) are a payload only right behind the break-out
    // (`';print()//`, `'-open(x)-'`); further on they are the calls of the
    // code or prose the quote belongs to (Python's `'): print(x)`, a REPL's
    // `')\n>>> print(`).
    if js::wordy_at(src, span.start) {
        let gap = &src[(p + 1).min(span.start)..span.start];
        let immediate = (operator || bare_closers)
            && gap
                .iter()
                .all(|&b| is_ws(b) || matches!(b, b'(' | b'!' | b'~' | b'+' | b'-'))
            && !(op == b':' && closers);
        let immediate = immediate || (bare_closers && span.start == p);
        if !immediate {
            return None;
        }
    }
    Some(Found::new("xss.js_breakout", 10, start - 1..span.end))
}

/// `"in \u0076alueOf=`, `'+\u0061lert(1)+'`: after a string's end and an
/// operator, an identifier spelled with `\u` escapes of ASCII letters. In
/// script that is the same name as the letters; only a writer hiding the
/// name from a filter spells it so. Returns the end of the identifier.
fn escaped_identifier(src: &[u8], op: usize, word_op: bool) -> Option<usize> {
    let mut p = op;
    if word_op {
        while p < src.len() && src[p].is_ascii_alphabetic() {
            p += 1;
        }
    } else {
        p += 1;
    }
    while p < src.len() && is_ws(src[p]) {
        p += 1;
    }
    let start = p;
    let mut escaped = false;
    loop {
        match src.get(p..p + 6) {
            Some([b'\\', b'u', h @ ..]) if h.iter().all(u8::is_ascii_hexdigit) => {
                let n = h
                    .iter()
                    .fold(0u32, |n, &b| n * 16 + (b as char).to_digit(16).unwrap_or(0));
                if !char::from_u32(n)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                {
                    return None;
                }
                escaped = true;
                p += 6;
            }
            _ if src
                .get(p)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$') =>
            {
                p += 1
            }
            _ => break,
        }
    }
    (escaped && p - start >= 8).then_some(p)
}
