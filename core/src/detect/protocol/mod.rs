//! HTTP protocol abuse: request smuggling and framing tricks, bytes no
//! client sends, charsets that hide payloads, method override abuse.
//!
//! Ordinary clients are never flagged: a missing Accept, a numeric Host, a
//! Range header, PUT/PATCH/DELETE, WebDAV and other valid methods pass or
//! score weakly (below the default threshold). What is flagged is what
//! desynchronizes a proxy from a server or smuggles bytes past a parser.
//!
//! Per-value rules ([`detect`]):
//! - `protocol.method`: a method with bytes outside the HTTP token set
//!   (`|GET`) (10); an unknown but valid method, TRACE/TRACK (3-4).
//! - `protocol.nul`: a NUL byte in the path, a query, form or cookie value
//!   as the app reads it, or `%00` in a header value (10).
//! - `protocol.control_char`: other C0 control bytes where no client puts
//!   them (3: beacons use them as separators).
//! - `protocol.charset`: a `charset=` naming UTF-7 or an EBCDIC code page
//!   (`ibm037`, `cp500`...) in a header or multipart part header, or two
//!   different charsets in one value (10); UTF-16/32 (4).
//! - `protocol.content_type_confusion`: a non-multipart media type with a
//!   `boundary` parameter that is itself a media type (10).
//! - `protocol.transfer_encoding`: an obfuscated `chunked` (`xchunked`,
//!   `chunked;x`, control bytes around it) in a header value (10).
//! - `protocol.multipart_name`: a multipart field name holding `;`, `=`,
//!   `"` or `\` that parsers split differently (10).
//! - `protocol.proxy_unix_socket`: `unix:/socket|http://...`, the mod_proxy
//!   SSRF (CVE-2021-40438), in any value (10).
//!
//! Whole-request rules ([`check_request`]):
//! - `protocol.smuggling`: Content-Length with Transfer-Encoding; several
//!   Content-Length or Transfer-Encoding headers; a non-numeric
//!   Content-Length; a Transfer-Encoding other than a clean coding list
//!   ending in `chunked`; Transfer-Encoding in HTTP/1.0 or on GET/HEAD.
//! - `protocol.header_name`: a header name with bytes outside the token set.
//! - `protocol.header_value`: CR, LF or NUL inside a header value.
//! - `protocol.header_count`: more than 100 headers.
//! - `protocol.host`: several Host headers, or a Host with bytes no host
//!   name has.
//! - `protocol.range`: a Range / Request-Range with more than 10 ranges (the
//!   Apache Killer) (10), 6-10 ranges (5), a Request-Range at all (3).
//! - `protocol.method_override`: `_method=` / `X-HTTP-Method-Override` that
//!   is not a token (10), asks for TRACE/TRACK/CONNECT/DEBUG (6), or turns a
//!   GET into a state-changing method (6); a POST form overriding to
//!   PUT/PATCH/DELETE, as Rails and Laravel forms do, scores 3.
//! - `protocol.version`: a malformed HTTP version (10) or an unknown one
//!   such as `HTTP/1.2` (6).
//! - `protocol.get_body`: a GET or HEAD with a body (3).

use super::{Ctx, Hit};
use crate::parse::http1::is_tchar;
use crate::search;
use crate::search::{find_ci, starts_ci_at};
use crate::verdict::Part;

/// Methods ordinary clients and WebDAV/UPnP/cache tools send.
const KNOWN_METHODS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"OPTIONS",
    b"PATCH",
    b"CONNECT",
    b"PROPFIND",
    b"PROPPATCH",
    b"MKCOL",
    b"COPY",
    b"MOVE",
    b"LOCK",
    b"UNLOCK",
    b"SEARCH",
    b"REPORT",
    b"MKACTIVITY",
    b"CHECKOUT",
    b"MERGE",
    b"M-SEARCH",
    b"NOTIFY",
    b"SUBSCRIBE",
    b"UNSUBSCRIBE",
    b"PURGE",
    b"LINK",
    b"UNLINK",
    b"QUERY",
    b"BIND",
    b"REBIND",
    b"UNBIND",
    b"ACL",
    b"MKCALENDAR",
    b"VERSION-CONTROL",
    b"BASELINE-CONTROL",
    b"LABEL",
    b"UPDATE",
    b"ORDERPATCH",
    b"PRI",
];

/// Charsets that let a payload pass a filter and decode to markup later.
const EVIL_CHARSETS: &[&[u8]] = &[
    b"utf-7",
    b"utf7",
    b"x-utf-7",
    b"unicode-1-1-utf-7",
    b"csunicode11utf7",
    b"utf-7-imap",
];

fn hit(rule: &'static str, score: u32, s: usize, e: usize) -> Option<Hit> {
    Some(Hit {
        rule,
        score,
        span: s..e,
    })
}

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if let Some(h) = unix_socket(value) {
        return Some(h);
    }
    if ctx.part == Part::Multipart && ctx.key {
        return multipart_name(value);
    }
    match ctx.part {
        Part::Method => method(value),
        Part::Path | Part::Query | Part::Form | Part::Cookie => control(value, ctx),
        Part::Header => {
            if let Some(p) = search::find(value, b"%00") {
                return hit("protocol.nul", 10, p, p + 3);
            }
            chunked(value)
                .or_else(|| charset(value))
                .or_else(|| boundary_confusion(value))
                .or_else(|| control(value, ctx))
        }
        Part::Multipart => charset(value),
        _ => None,
    }
}

/// Apache mod_proxy's `unix:/path|http://backend` target (CVE-2021-40438):
/// a value naming a Unix socket then a back-end URL makes the proxy fetch
/// any URL.
fn unix_socket(v: &[u8]) -> Option<Hit> {
    let at = find_ci(v, b"unix:")?;
    let pipe = at + memchr::memchr(b'|', &v[at..])?;
    let scheme = v[pipe + 1..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let s = pipe + 1 + scheme;
    (scheme >= 2 && v.get(s..s + 3) == Some(b"://")).then_some(Hit {
        rule: "protocol.proxy_unix_socket",
        score: 10,
        span: at..s + 3,
    })
}

/// A multipart field name with bytes that `Content-Disposition` parsers
/// split differently (`name="a;b"`, `name="x=y"`, backslash escapes): one
/// parser sees the field the other misses.
fn multipart_name(name: &[u8]) -> Option<Hit> {
    let p = name
        .iter()
        .position(|&b| matches!(b, b';' | b'"' | b'\\' | b'=' | b'\r' | b'\n'))?;
    hit("protocol.multipart_name", 10, p, p + 1)
}

fn method(m: &[u8]) -> Option<Hit> {
    if let Some(p) = m.iter().position(|&b| !is_tchar(b)) {
        return hit("protocol.method", 10, p, p + 1);
    }
    if KNOWN_METHODS.contains(&m) {
        return None;
    }
    // Tokens may hold `|`, `!`, `'`...; methods are letters and `-`.
    if let Some(p) = m
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return hit("protocol.method", 6, p, p + 1);
    }
    if m == b"TRACE" || m == b"TRACK" || m == b"DEBUG" {
        return hit("protocol.method", 4, 0, m.len());
    }
    hit("protocol.method", 3, 0, m.len())
}

/// NUL and other C0 controls (not tab, CR, LF: those are crlf's).
fn control(v: &[u8], ctx: &Ctx) -> Option<Hit> {
    let p = v
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f)?;
    if v[p] == 0 {
        return hit("protocol.nul", 10, p, p + 1);
    }
    // A value that is mostly binary came from a base64 layer or a binary
    // cookie, not from a client that smuggles one control byte.
    let controls = v
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 2 && controls * 8 > v.len() || v.iter().any(|&b| b >= 0x80) {
        return None;
    }
    let _ = ctx;
    // Analytics beacons (Yahoo, Flickr) use C0 bytes as field separators:
    // a weak signal only.
    hit("protocol.control_char", 3, p, p + 1)
}

/// `charset=` parameters: UTF-7 / EBCDIC, or two different ones.
fn charset(v: &[u8]) -> Option<Hit> {
    let mut first: Option<&[u8]> = None;
    let mut from = 0;
    while let Some(o) = find_ci(&v[from..], b"charset") {
        let at = from + o;
        from = at + 7;
        let mut i = from;
        while i < v.len() && matches!(v[i], b' ' | b'\t') {
            i += 1;
        }
        if v.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < v.len() && matches!(v[i], b' ' | b'\t' | b'"' | b'\'') {
            i += 1;
        }
        let s = i;
        while i < v.len()
            && (v[i].is_ascii_alphanumeric() || matches!(v[i], b'-' | b'_' | b'.' | b':'))
        {
            i += 1;
        }
        let name = &v[s..i];
        if name.is_empty() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let ebcdic = lower.starts_with(b"ibm")
            || lower.starts_with(b"cp0")
            || lower.starts_with(b"cp1") && lower.len() == 6 && !lower.starts_with(b"cp125")
            || lower.starts_with(b"cp5")
            || lower.starts_with(b"cp87")
            || lower.starts_with(b"ebcdic")
            || lower.starts_with(b"x-ebcdic");
        if EVIL_CHARSETS.contains(&lower.as_slice()) || ebcdic {
            return hit("protocol.charset", 10, at, i);
        }
        if let Some(f) = first {
            if !f.eq_ignore_ascii_case(name) {
                return hit("protocol.charset", 10, at, i);
            }
        }
        first = Some(name);
        if lower.starts_with(b"utf-16") || lower.starts_with(b"utf-32") {
            return hit("protocol.charset", 4, at, i);
        }
    }
    None
}

/// `application/x-www-form-urlencoded; boundary="application/json"`: a
/// boundary on a type that has none, naming another type, so that parsers
/// disagree on what the body is.
fn boundary_confusion(v: &[u8]) -> Option<Hit> {
    let semi = memchr::memchr(b';', v)?;
    let media = v[..semi].trim_ascii();
    let slash = memchr::memchr(b'/', media)?;
    if !media[..slash].iter().all(|&b| is_tchar(b)) || media[..slash].is_empty() {
        return None;
    }
    if starts_ci_at(media, 0, b"multipart/") {
        return None;
    }
    let at = find_ci(&v[semi..], b"boundary")? + semi;
    let mut i = at + 8;
    while i < v.len() && matches!(v[i], b' ' | b'\t' | b'=' | b'"') {
        i += 1;
    }
    let s = i;
    while i < v.len() && !matches!(v[i], b'"' | b';' | b',' | b' ') {
        i += 1;
    }
    let b = &v[s..i];
    let typed = memchr::memchr(b'/', b).is_some_and(|p| {
        p > 0
            && b[..p]
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'-')
    });
    if typed {
        return hit("protocol.content_type_confusion", 10, at, i);
    }
    None
}

/// An obfuscated `chunked` inside a header value.
fn chunked(v: &[u8]) -> Option<Hit> {
    let at = find_ci(v, b"chunked")?;
    let end = at + 7;
    let before = v[..at].last().copied();
    let after = v.get(end).copied();
    let clean_sep = |b: Option<u8>| b.is_none_or(|c| matches!(c, b' ' | b','));
    // Only values that are a coding list: `gzip, chunked`, not prose.
    let list = v.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b',' | b'-' | b';' | b'=' | b'\t' | 0x0b | 0x0c | b'"' | b'\''
            )
    }) && v
        .split(|&b| b == b',')
        .all(|c| !c.trim_ascii().contains(&b' '));
    if !list {
        return None;
    }
    let odd = v
        .iter()
        .any(|&b| matches!(b, b'\t' | 0x0b | 0x0c | b'"' | b'\''));
    if !clean_sep(before) || !clean_sep(after) || odd {
        return hit("protocol.transfer_encoding", 10, at, end);
    }
    None
}

mod request;
pub(crate) use request::check_request;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "protocol.",
            include_str!("../../../testdata/protocol/attacks.txt"),
            include_str!("../../../testdata/protocol/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
