//! CRLF injection: HTTP header injection, response splitting, request
//! smuggling through reflected values, and mail (SMTP) header injection.
//!
//! A value that an app copies into a response header (a redirect target, a
//! cookie) or a mail header must carry a line break (decoded by the engine
//! from `%0d%0a`, entities, JS escapes...) followed by what the receiving
//! protocol reads as a new line: a header `Name: value`, a status or request
//! line, or a body after a blank line. Multi-line prose passes: a line that
//! starts with an ordinary word and a colon ("Note: see below") is not a
//! header unless the word is a header name that prose does not use, or the
//! rest of the line reads like that header's value.
//!
//! Rules:
//! - `crlf.header_injection`: a line break then a header (`Set-Cookie:`,
//!   `Location: http://...`, `Content-Length:`, `X-Anything:`...).
//! - `crlf.response_splitting`: a line break then a status line
//!   (`HTTP/1.1 200 OK`), or a blank line then HTML.
//! - `crlf.http_message`: a request line (`GET /x HTTP/1.1`) at the start of
//!   a value or after a line break: a second request smuggled in.
//! - `crlf.mail`: a line break then a mail header with an address (`Bcc:`,
//!   `Cc:`, `To:`, `Reply-To:`...), an SMTP command (`RCPT TO:`,
//!   `MAIL FROM:`, `HELO x`, `DATA`) or a tagged IMAP command
//!   (`A1 FETCH 1:*`).
//!
//! Line breaks include the characters that Latin-1-truncating servers turn
//! into CR/LF (`%E5%98%8A`, `%C4%8A`).
//! - `crlf.meta_header`: `<meta http-equiv="Refresh|Set-Cookie">`, a header
//!   set from inside the HTML page a value is reflected into.
//! - `crlf.name`: a line break inside an argument or cookie name.
//! - `crlf.path`: a line break in the request path.
//! - `crlf.param_injection` (5): in a query value, a line break then
//!   `name=`, a parameter smuggled into a back-end request.

use super::{Ctx, Hit};
use crate::search;
use crate::search::{find_ci, starts_ci_at};
use crate::verdict::Part;

/// Header names no prose line starts with.
const HEADERS: &[&[u8]] = &[
    b"set-cookie",
    b"set-cookie2",
    b"content-length",
    b"content-type",
    b"content-disposition",
    b"content-encoding",
    b"content-language",
    b"content-location",
    b"content-range",
    b"content-security-policy",
    b"content-security-policy-report-only",
    b"content-transfer-encoding",
    b"content-md5",
    b"transfer-encoding",
    b"access-control-allow-origin",
    b"access-control-allow-credentials",
    b"access-control-allow-headers",
    b"access-control-allow-methods",
    b"access-control-expose-headers",
    b"www-authenticate",
    b"proxy-authorization",
    b"proxy-authenticate",
    b"proxy-connection",
    b"user-agent",
    b"etag",
    b"keep-alive",
    b"strict-transport-security",
    b"last-modified",
    b"if-modified-since",
    b"if-none-match",
    b"remote-addr",
    b"true-client-ip",
    b"referrer-policy",
    b"permissions-policy",
    b"cross-origin-opener-policy",
    b"cross-origin-resource-policy",
    b"cross-origin-embedder-policy",
    b"timing-allow-origin",
    b"clear-site-data",
    b"retry-after",
    b"accept-encoding",
    b"accept-language",
    b"accept-ranges",
    b"mime-version",
    b"p3p",
    b"set-cookie",
];

/// Header names that are also ordinary words: a line "Location: Paris" is
/// prose, "Location: http://evil" a header.
const AMBIGUOUS: &[&[u8]] = &[
    b"location",
    b"refresh",
    b"host",
    b"cookie",
    b"status",
    b"server",
    b"range",
    b"age",
    b"allow",
    b"expect",
    b"accept",
    b"via",
    b"origin",
    b"link",
    b"expires",
    b"connection",
    b"vary",
    b"pragma",
    b"authorization",
    b"forwarded",
    b"trailer",
    b"upgrade",
    b"referer",
    b"te",
    b"date",
    b"warning",
];

/// Mail headers that route a message.
const MAIL_HEADERS: &[&[u8]] = &[
    b"bcc",
    b"cc",
    b"to",
    b"from",
    b"reply-to",
    b"sender",
    b"return-path",
    b"delivered-to",
    b"errors-to",
    b"resent-to",
    b"resent-cc",
    b"resent-bcc",
];

/// Methods of a smuggled request line.
const METHODS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"OPTIONS",
    b"TRACE",
    b"CONNECT",
    b"PATCH",
    b"PROPFIND",
    b"TRACK",
];

/// Tags that start a smuggled response body.
const BODY_TAGS: &[&[u8]] = &[
    b"<html",
    b"<script",
    b"<!doctype",
    b"<body",
    b"<head",
    b"<meta",
    b"<title",
    b"<svg",
    b"<iframe",
    b"<img",
];

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if let Some(h) = meta_header(value) {
        return Some(h);
    }
    if memchr::memchr2(0xc4, 0xe5, value).is_some() {
        if let Some(folded) = fold_truncated_breaks(value) {
            return lines(&folded, ctx);
        }
    }
    lines(value, ctx)
}

/// Characters that servers truncating to Latin-1 turn into CR and LF
/// (Node.js before 2018, some Java stacks): U+010D/U+010A (`č`, `Ċ`) and
/// U+560D/U+560A (`嘍`, `嘊`). Returns the value with them folded, if any.
fn fold_truncated_breaks(v: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(v.len());
    let mut changed = false;
    let mut i = 0;
    while i < v.len() {
        match (v[i], v.get(i + 1), v.get(i + 2)) {
            (0xc4, Some(0x8a), _) | (0xc4, Some(0x8d), _) => {
                out.push(if v[i + 1] == 0x8a { b'\n' } else { b'\r' });
                i += 2;
                changed = true;
            }
            (0xe5, Some(0x98), Some(0x8a | 0x8d)) => {
                out.push(if v[i + 2] == 0x8a { b'\n' } else { b'\r' });
                i += 3;
                changed = true;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

fn lines(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let Some(first) = memchr::memchr2(b'\r', b'\n', value) else {
        return request_line(value, 0);
    };
    if ctx.part == Part::Path || ctx.key && ctx.part != Part::Json {
        // Line breaks between words of clean text, not in bytes that a
        // base64 layer turned into noise.
        let clean = value
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || matches!(b, b'\r' | b'\n' | b'\t'));
        let worded = (0..value.len()).any(|i| {
            matches!(value[i], b'\r' | b'\n')
                && value
                    .get(i + 1)
                    .is_none_or(|b| b.is_ascii_alphanumeric() || matches!(b, b'\r' | b'\n'))
        });
        // Names never hold line breaks; paths get the stricter test.
        if !clean || ctx.part == Part::Path && !worded {
            return None;
        }
        let rule = if ctx.part == Part::Path {
            "crlf.path"
        } else {
            "crlf.name"
        };
        return Some(hit(rule, 10, first, first + 1));
    }
    let mut best: Option<Hit> = request_line(value, 0);
    let mut i = first;
    while i < value.len() {
        // A run of line breaks; a blank line when it holds two newlines.
        let brk = i;
        let mut newlines = 0;
        while i < value.len() && matches!(value[i], b'\r' | b'\n') {
            if value[i] == b'\n' || (value[i] == b'\r' && value.get(i + 1) != Some(&b'\n')) {
                newlines += 1;
            }
            i += 1;
        }
        let start = i;
        let h = line(value, brk, start, newlines >= 2, ctx);
        if let Some(h) = h {
            if h.score >= 10 {
                return Some(h);
            }
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
        i = match memchr::memchr2(b'\r', b'\n', &value[start..]) {
            Some(o) => start + o,
            None => value.len(),
        };
    }
    best
}

fn hit(rule: &'static str, score: u32, start: usize, end: usize) -> Hit {
    Hit {
        rule,
        score,
        span: start..end,
    }
}

fn in_list(word: &[u8], list: &[&[u8]]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn line_end(v: &[u8], i: usize) -> usize {
    memchr::memchr2(b'\r', b'\n', &v[i..]).map_or(v.len(), |o| i + o)
}

/// Judges the line that starts at `s`, after a line break at `brk`.
fn line(v: &[u8], brk: usize, s: usize, blank: bool, ctx: &Ctx) -> Option<Hit> {
    // Header folding and sloppy parsers: leading blanks are skipped.
    let mut s = s;
    while s < v.len() && matches!(v[s], b' ' | b'\t') {
        s += 1;
    }
    if s >= v.len() {
        return None;
    }
    let end = line_end(v, s);
    if blank && BODY_TAGS.iter().any(|t| starts_ci_at(v, s, t)) {
        return Some(hit("crlf.response_splitting", 10, brk, end));
    }
    if starts_ci_at(v, s, b"HTTP/")
        && v.get(s + 5).is_some_and(u8::is_ascii_digit)
        && v[s + 5..end]
            .iter()
            .position(|&b| b == b' ')
            .is_some_and(|p| {
                let c = s + 5 + p + 1;
                v.len() >= c + 3 && v[c..c + 3].iter().all(u8::is_ascii_digit)
            })
    {
        return Some(hit("crlf.response_splitting", 10, brk, end));
    }
    if let Some(h) = request_line(v, s) {
        return Some(Hit {
            span: brk..end,
            ..h
        });
    }
    // SMTP commands.
    if starts_ci_at(v, s, b"RCPT TO:") || starts_ci_at(v, s, b"MAIL FROM:") {
        return Some(hit("crlf.mail", 10, brk, end));
    }
    if let Some(score) = mail_command(&v[s..end]) {
        return Some(hit("crlf.mail", score, brk, end));
    }
    // `name:` with optional blanks (and stray CRs) before the colon.
    let mut n = s;
    while n < end && (v[n].is_ascii_alphanumeric() || matches!(v[n], b'-' | b'_')) {
        n += 1;
    }
    let name = &v[s..n];
    if name.is_empty() || name.len() > 64 || !name[0].is_ascii_alphabetic() {
        return param(v, brk, s, n, end, ctx);
    }
    let mut c = n;
    while c < v.len() && matches!(v[c], b' ' | b'\t' | b'\r') {
        c += 1;
    }
    if v.get(c) != Some(&b':') {
        return param(v, brk, s, n, end, ctx);
    }
    let val_start = c + 1;
    let val_end = line_end(v, val_start);
    let val = trim(&v[val_start..val_end]);
    if in_list(name, MAIL_HEADERS) {
        let address = memchr::memchr(b'@', val).is_some();
        let score = if address { 10 } else { 4 };
        return Some(hit("crlf.mail", score, brk, val_end));
    }
    if name.eq_ignore_ascii_case(b"subject") {
        // After an address that the field held alone (`a@b.example\nSubject:`)
        // or at the very start, it is a header; after prose, a line of text.
        let first = &v[..memchr::memchr2(b'\r', b'\n', v).unwrap_or(v.len())];
        let first = trim(first);
        let address = first.is_empty() || first.contains(&b'@') && !first.contains(&b' ');
        return address.then(|| hit("crlf.mail", 10, brk, val_end));
    }
    let score = if in_list(name, HEADERS) || starts_ci_at(name, 0, b"x-") && name.len() > 2 {
        10
    } else if in_list(name, AMBIGUOUS) {
        if header_like_value(name, val) {
            10
        } else {
            3
        }
    } else if looks_like_header_name(name)
        // `Type::method`: a path in code; `ValueError: bad input`: the last
        // line of a traceback pasted into a ticket.
        && v.get(c + 1) != Some(&b':')
        && !exception_name(name)
    {
        6
    } else {
        0
    };
    (score > 0).then(|| hit("crlf.header_injection", score, brk, val_end))
}

/// An SMTP command line (`DATA`, `HELO host`, `VRFY user`) or a tagged
/// IMAP command (`A1 LOGIN`, `V100 FETCH 1:*`), upper case as clients send
/// them.
fn mail_command(l: &[u8]) -> Option<u32> {
    let l = trim(l);
    if matches!(l, b"DATA" | b"QUIT" | b"RSET" | b"STARTTLS") {
        return Some(6);
    }
    let (first, rest) = match memchr::memchr(b' ', l) {
        Some(p) => (&l[..p], trim(&l[p + 1..])),
        None => (l, &b""[..]),
    };
    if matches!(first, b"HELO" | b"EHLO" | b"VRFY" | b"EXPN")
        && !rest.is_empty()
        && !rest.contains(&b' ')
    {
        return Some(10);
    }
    // IMAP: a tag, then a command.
    if first.is_empty() || first.len() > 12 || !first.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let cmd_end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    let cmd = &rest[..cmd_end];
    const IMAP: &[&[u8]] = &[
        b"CAPABILITY",
        b"LOGIN",
        b"SELECT",
        b"EXAMINE",
        b"FETCH",
        b"STORE",
        b"LSUB",
        b"RENAME",
        b"APPEND",
        b"LOGOUT",
        b"AUTHENTICATE",
        b"EXPUNGE",
        b"UID",
    ];
    IMAP.contains(&cmd).then_some(10)
}

/// `name=value` at a line start of a query value.
fn param(v: &[u8], brk: usize, s: usize, n: usize, end: usize, ctx: &Ctx) -> Option<Hit> {
    // A back end splitting lines reads a parameter at the line's start; an
    // indented `NAME=value` is a config or code sample's line (`\n
    // CONFIG_X=n`, `\n    headers={...}`).
    let indented = s > 0 && matches!(v[s - 1], b' ' | b'\t');
    if ctx.part == Part::Query && n > s && v.get(n) == Some(&b'=') && !indented {
        return Some(hit("crlf.param_injection", 5, brk, end));
    }
    None
}

fn trim(v: &[u8]) -> &[u8] {
    let s = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let e = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(s, |e| e + 1);
    &v[s..e]
}

/// The value of an ambiguous header reads like a header's, not prose: a
/// URL, a number where one belongs, a token, `name=value`.
fn header_like_value(name: &[u8], val: &[u8]) -> bool {
    if val.is_empty() {
        return false;
    }
    let has = |n: &[u8]| search::find(val, n).is_some();
    if has(b"://") || val[0] == b'/' || val[0] == b'<' {
        return true;
    }
    let numeric = in_list(name, &[b"refresh", b"status"]);
    if numeric && val[0].is_ascii_digit() {
        return true;
    }
    let spaces = val.iter().filter(|&&b| b == b' ').count();
    spaces == 0 && (val.contains(&b'=') || val.contains(&b'.') || val.contains(&b';'))
}

/// `Injected-Header`, `InjectedHeader`: capitalized parts joined by `-`,
/// or an inner capital, as header names are written and prose words are
/// not.
fn looks_like_header_name(name: &[u8]) -> bool {
    if name.contains(&b'-') {
        return name
            .split(|&b| b == b'-')
            .all(|p| p.first().is_some_and(u8::is_ascii_uppercase));
    }
    // CamelCase: a lower-case letter followed by an upper-case one.
    name.windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        && name[0].is_ascii_uppercase()
}

/// A class name that names an exception (`KeyError`, `IOException`,
/// `DeprecationWarning`): no header is named so.
fn exception_name(name: &[u8]) -> bool {
    [&b"Error"[..], b"Exception", b"Warning"]
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// `<meta http-equiv="Refresh|Set-Cookie|Location" ...>`: a header set from
/// inside an HTML page the value is reflected into.
fn meta_header(v: &[u8]) -> Option<Hit> {
    let mut from = 0;
    loop {
        let at = from + find_ci(v.get(from..)?, b"http-equiv")?;
        from = at + 10;
        let lo = at.saturating_sub(256);
        let Some(tag) = v[lo..at].iter().rposition(|&b| b == b'<').map(|t| lo + t) else {
            continue;
        };
        if !starts_ci_at(v, tag + 1, b"meta") || v[tag..at].contains(&b'>') {
            continue;
        }
        let mut i = from;
        while i < v.len()
            && matches!(
                v[i],
                b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'"' | b'\'' | b'\\'
            )
        {
            i += 1;
        }
        for name in [
            &b"refresh"[..],
            b"set-cookie",
            b"location",
            b"content-security-policy",
        ] {
            if starts_ci_at(v, i, name) {
                return Some(hit("crlf.meta_header", 10, tag, i + name.len()));
            }
        }
    }
}

/// A request line `METHOD target HTTP/d` at `s` (a value's start, or a
/// line's).
fn request_line(v: &[u8], s: usize) -> Option<Hit> {
    let sp = s + v[s..].iter().take(10).position(|&b| b == b' ')?;
    if !in_list(&v[s..sp], METHODS) || !v[s..sp].iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let end = line_end(v, sp);
    let line = &v[sp + 1..end];
    let t = line.iter().position(|&b| b == b' ')?;
    let target = &line[..t];
    if target.is_empty() || !(target[0] == b'/' || target.contains(&b':') || target == b"*") {
        return None;
    }
    let rest = &line[t + 1..];
    if !(rest.len() >= 6 && rest[..5].eq_ignore_ascii_case(b"HTTP/") && rest[5].is_ascii_digit()) {
        return None;
    }
    Some(hit("crlf.http_message", 10, s, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "crlf.",
            include_str!("../../../testdata/crlf/attacks.txt"),
            include_str!("../../../testdata/crlf/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
