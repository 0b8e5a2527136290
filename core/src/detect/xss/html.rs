//! Judgement of markup: which tags and attributes make a browser run script,
//! load active content or navigate. Formatting markup (`<b>`, `<p>`,
//! `<a href="https://...">`, `<img src="photo.jpg">`) passes.

use std::ops::Range;

use super::js::{self, Mode};
use super::tokenizer::{eq_ci, Attrs, Tag, Token, Tokenizer};
use super::value::{self, decode_refs};
use super::Found;

/// Tags that load and run active content from their attributes.
const EMBEDDING: &[&[u8]] = &[
    b"iframe",
    b"frame",
    b"frameset",
    b"object",
    b"embed",
    b"applet",
    b"portal",
    b"bgsound",
    b"layer",
    b"ilayer",
    b"vmlframe",
    b"import",
];

/// Event-handler attributes common enough to judge on name alone: a value
/// that is not obviously script still runs as script.
const EVENTS: &[&[u8]] = &[
    b"onload",
    b"onerror",
    b"onclick",
    b"onmouseover",
    b"onmouseenter",
    b"onmouseout",
    b"onmousemove",
    b"onmousedown",
    b"onmouseup",
    b"onfocus",
    b"onblur",
    b"onfocusin",
    b"onchange",
    b"oninput",
    b"onsubmit",
    b"onkeydown",
    b"onkeyup",
    b"onkeypress",
    b"onanimationstart",
    b"onanimationend",
    b"ontransitionend",
    b"onbegin",
    b"onend",
    b"onpageshow",
    b"onhashchange",
    b"onscroll",
    b"ontoggle",
    b"onwheel",
    b"onbeforeunload",
    b"onunload",
    b"onresize",
    b"onstart",
    b"onfinish",
    b"onpointerover",
    b"onauxclick",
    b"ondblclick",
    b"oncontextmenu",
    b"ondrag",
    b"ondrop",
    b"onpaste",
    b"oncopy",
    b"oncut",
    b"onreadystatechange",
    b"onpropertychange",
    b"onmessage",
    b"onpopstate",
    b"onselect",
    b"oninvalid",
    b"onreset",
    b"onsearch",
    b"onplay",
    b"oncanplay",
    b"onloadstart",
    b"onactivate",
    b"onbeforeactivate",
    b"onfilterchange",
    b"onforminput",
];

/// Attributes whose value is a URL that may be navigated to or loaded.
const URL_ATTRS: &[&[u8]] = &[
    b"href",
    b"src",
    b"action",
    b"formaction",
    b"data",
    b"xlink:href",
    b"background",
    b"lowsrc",
    b"dynsrc",
    b"poster",
    b"code",
    b"codebase",
    b"archive",
    b"cite",
    b"longdesc",
    b"usemap",
    b"profile",
    b"classid",
    b"icon",
    b"manifest",
    b"ping",
    b"srcset",
    b"value",
    b"from",
    b"to",
    b"by",
    b"values",
    b"content",
    b"folder",
    b"datasrc",
    b"implementation",
];

/// Lower-cases `s` into a small fixed buffer; longer names are cut (no
/// name worth matching is longer).
fn lower(src: &[u8], r: &Range<usize>) -> ([u8; 24], usize) {
    let mut buf = [0u8; 24];
    let s = src.get(r.clone()).unwrap_or(&[]);
    let n = s.len().min(buf.len());
    for (d, b) in buf.iter_mut().zip(s) {
        *d = b.to_ascii_lowercase();
    }
    (buf, if s.len() > buf.len() { 0 } else { n })
}

fn is_in(set: &[&[u8]], name: &[u8]) -> bool {
    set.contains(&name)
}

/// Whether the name is an event handler: `on` and letters (`onboarding` is
/// one too, so the value must also look like script).
fn is_handler_name(name: &[u8]) -> bool {
    name.len() > 4 && name.starts_with(b"on") && name[2..].iter().all(u8::is_ascii_alphabetic)
}

/// The bytes after a value's references are decoded and CSS escapes and
/// comments removed: what a CSS parser in an old browser would read.
fn css_active(v: &[u8]) -> Option<usize> {
    let v = decode_refs(v);
    let mut clean = Vec::with_capacity(v.len().min(4096));
    let mut i = 0;
    while i < v.len() && clean.len() < 8192 {
        match v[i] {
            b'\\' => {
                // `\65` is `e`, `\e` is `e`: drop the escape.
                i += 1;
                let hex = v[i..]
                    .iter()
                    .take(6)
                    .take_while(|b| b.is_ascii_hexdigit())
                    .count();
                if hex > 0 {
                    let n = std::str::from_utf8(&v[i..i + hex])
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .unwrap_or(0);
                    if (0x20..0x7f).contains(&n) {
                        clean.push((n as u8).to_ascii_lowercase());
                    }
                    i += hex;
                }
                continue;
            }
            b'/' if v[i..].starts_with(b"/*") => {
                i = memchr::memmem::find(&v[i + 2..], b"*/").map_or(v.len(), |e| i + 2 + e + 2);
                continue;
            }
            b if b.is_ascii_whitespace() => {}
            b => clean.push(b.to_ascii_lowercase()),
        }
        i += 1;
    }
    [
        &b"expression("[..],
        b"behavior:",
        b"-moz-binding",
        b"javascript:",
        b"vbscript:",
        b"@import",
    ]
    .iter()
    .find_map(|n| value::find(&clean, n))
}

/// Judges the tokens of `src`; `depth` bounds recursion into comments and
/// `srcdoc`.
pub(crate) fn judge(src: &[u8], depth: u8) -> Option<Found> {
    judge_from(Tokenizer::new(src), src, depth)
}

fn judge_from(tokens: Tokenizer<'_>, src: &[u8], depth: u8) -> Option<Found> {
    for tok in tokens {
        let found = match tok {
            Token::Tag(tag) if tag.end => {
                // `</script>` ends the script block the value sits in.
                (eq_ci(src, &tag.name, b"script"))
                    .then(|| Found::new("xss.js_breakout", 10, tag.span))
            }
            Token::Tag(tag) => start_tag(src, &tag, depth),
            // Conditional comments and comment tricks: what is inside may be
            // live in some parser, and no benign value hides active markup
            // in a comment.
            Token::Comment(r) | Token::Bogus(r) if depth > 0 && !r.is_empty() => judge_from(
                Tokenizer::at(&src[..r.end], r.start),
                &src[..r.end],
                depth - 1,
            ),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn start_tag(src: &[u8], tag: &Tag, depth: u8) -> Option<Found> {
    let (nbuf, nlen) = lower(src, &tag.name);
    let name = &nbuf[..nlen];
    // `<svg:script>`, `<x:script>`: namespaced in XML-ish documents.
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    if local == b"script" {
        return Some(Found::new("xss.script_tag", 10, tag.span.clone()));
    }
    let mut attr_count = 0;
    let mut http_equiv = false;
    let mut rel_import = false;
    for attr in Attrs::new(src, tag.attrs.clone()) {
        attr_count += 1;
        let (abuf, alen) = lower(src, &attr.name);
        let aname = &abuf[..alen];
        let Some(vr) = attr.value.clone() else {
            continue;
        };
        let raw = &src[vr.clone()];
        let span = attr.name.start..vr.end;
        if is_handler_name(aname) {
            let v = decode_refs(raw);
            let trimmed = v.iter().any(|b| !b.is_ascii_whitespace());
            if js::hostile(&v, 0..v.len(), Mode::Loose).is_some() {
                return Some(Found::new("xss.event_handler", 10, span));
            }
            if trimmed && is_in(EVENTS, aname) {
                return Some(Found::new("xss.event_handler", 6, span));
            }
        }
        if aname == b"style" {
            if css_active(raw).is_some() {
                return Some(Found::new("xss.style", 10, span));
            }
            continue;
        }
        if aname == b"srcdoc" && depth > 0 {
            let v = decode_refs(raw);
            if judge(&v, depth - 1).is_some() {
                return Some(Found::new("xss.dangerous_tag", 10, span));
            }
        }
        if aname == b"http-equiv" {
            http_equiv = true;
        }
        if aname == b"rel" && value::contains(raw, b"import") {
            rel_import = true;
        }
        let url_attr = is_in(URL_ATTRS, aname);
        let v = decode_refs(raw);
        if let Some(rest) = value::script_url(&v) {
            if url_attr || js::hostile(&v, rest..v.len(), Mode::Loose).is_some() {
                return Some(Found::new("xss.js_url", 10, span));
            }
        }
        // `content="0;url=javascript:..."`, `values="a;javascript:..."`.
        if url_attr && !v.is_empty() {
            let folded: Vec<u8> = v
                .iter()
                .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
                .map(u8::to_ascii_lowercase)
                .collect();
            for scheme in [&b"javascript:"[..], b"vbscript:"] {
                if let Some(at) = value::find(&folded, scheme) {
                    let boundary = at == 0 || !folded[at - 1].is_ascii_alphanumeric();
                    let rest = at + scheme.len()..folded.len();
                    if boundary && js::hostile(&folded, rest, Mode::Loose).is_some() {
                        return Some(Found::new("xss.js_url", 10, span));
                    }
                }
            }
        }
    }
    let dangerous = match local {
        n if is_in(EMBEDDING, n) => Some(if attr_count > 0 { 10 } else { 4 }),
        b"base" if attr_count > 0 => Some(10),
        b"meta" if http_equiv => Some(10),
        b"link" if rel_import => Some(10),
        b"style" => {
            // The style sheet runs to `</style`.
            let body_end = value::find(&src[tag.span.end..], b"</style")
                .map_or(src.len(), |i| tag.span.end + i);
            css_active(&src[tag.span.end..body_end]).map(|_| 10)
        }
        _ => None,
    };
    dangerous.map(|score| Found::new("xss.dangerous_tag", score, tag.span.clone()))
}
