//! Remote file inclusion: a URL to code or text on another host, written
//! the way include-style parameters are attacked.
//!
//! Rule ids:
//! - `rfi.truncation`: a remote URL to a code or text file followed by an
//!   empty query (`http://evil/shell.txt?`) or a NUL (`%00`) that cuts off
//!   the suffix the application appends, 10; any remote URL whose query is
//!   only a file extension (`http://evil/x?.jpg`, which passes an
//!   extension check and is dropped by the server that answers), 8 (10 to
//!   a code file).
//! - `rfi.ip_host`: a remote URL whose host is a public IP literal, 6; 10
//!   when it points at a code or text file.
//! - `rfi.code_file`: a remote URL to a plain script or text file
//!   (`.txt`, `.inc`, `.sh`, `.pl`, `.py`, ...) without a query, 6.
//! - `rfi.ftp`: an `ftp://` or `ftps://` URL in a parameter, 5.
//! - `rfi.data_php`: a `data:` URI carrying PHP (`<?php`, base64
//!   `PD9w...`), 10; `rfi.data_wrapper`: PHP's `data://` wrapper, 8.
//! - `rfi.scheme_trick`: a remote URL to a public host written with
//!   backslashes for slashes (`http:\\host`, `http:/\host`) to slip past
//!   a filter for `http://`, 6. JSON's `\/` is an escaped slash, not a
//!   trick. (Letter case is no signal: case changes no verdict, so
//!   `hTtP://` to a plain page stays a plain link.)
//! - `rfi.unc`: a value that is a Windows UNC path (`\\host\share\x`),
//!   which PHP on Windows includes over SMB even with `allow_url_include`
//!   off: 10 to a code or text file on a public host, 8 to any path on a
//!   public IP literal (also how NTLM hashes are phished); intranet file
//!   servers (single-label and private names) pass.
//!
//! Plain links to pages, redirect and tracking URLs pass. Header values are
//! not judged (no application includes its Referer).

use super::host::{self, Kind};
use super::{is_url_end, urls, Url};
use crate::detect::{Ctx, Hit};
use crate::search;
use crate::search::find_ci;
use crate::verdict::Part;

/// Judges one value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if ctx.part == Part::Header {
        return None;
    }
    if memchr::memchr(b':', value).is_none() {
        return unc(value);
    }
    let mut best: Option<Hit> = None;
    for u in urls(value) {
        if let Some(h) = judge(&u, value) {
            let done = h.score >= 10;
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
            if done {
                break;
            }
        }
    }
    best.or_else(|| unc(value))
}

fn hit(rule: &'static str, score: u32, u: &Url<'_>) -> Hit {
    Hit {
        rule,
        score,
        span: u.span.clone(),
    }
}

/// Extensions of files an include would run or print.
const CODE: &[&[u8]] = &[
    b"php", b"php3", b"php4", b"php5", b"php7", b"phtml", b"phps", b"pht", b"inc", b"txt", b"sh",
    b"bash", b"pl", b"py", b"rb", b"cgi", b"asp", b"aspx", b"jsp", b"jspx", b"cfm",
];
/// The last segment of `path` has a [`CODE`] extension.
pub(crate) fn code_path(path: &[u8]) -> bool {
    let last = path
        .rsplit(|&b| b == b'/' || b == b'\\')
        .next()
        .unwrap_or(path);
    last.iter()
        .rposition(|&b| b == b'.')
        .is_some_and(|d| CODE.iter().any(|e| last[d + 1..].eq_ignore_ascii_case(e)))
}

/// Of those, the ones a web page is never served as.
const PLAIN: &[&[u8]] = &[b"phps", b"inc", b"txt", b"sh", b"bash", b"pl", b"py", b"rb"];

fn judge(u: &Url<'_>, value: &[u8]) -> Option<Hit> {
    if u.is(b"data") {
        let from = (u.span.start + u.scheme.len() + 1).min(value.len());
        let payload = &value[from..value.len().min(from + 1024)];
        if find_ci(payload, b"<?php").is_some()
            || find_ci(payload, b"<?=").is_some()
            || payload.windows(4).any(|w| w == b"PD9w" || w == b"PD89")
        {
            return Some(hit("rfi.data_php", 10, u));
        }
        if u.slashes > 0 {
            return Some(hit("rfi.data_wrapper", 8, u));
        }
        return None;
    }
    let remote = u.is(b"http") || u.is(b"https") || u.is(b"ftp") || u.is(b"ftps");
    if !remote || u.host.is_empty() {
        return None;
    }
    let h = host::classify(u.host);
    if h.kind.internal() || h.kind == Kind::Metadata || h.kind == Kind::None {
        return None;
    }
    let public = matches!(h.kind, Kind::Name | Kind::PublicIp);
    let path = u.path();
    let last = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let ext = last
        .iter()
        .rposition(|&b| b == b'.')
        .map(|d| &last[d + 1..])
        .unwrap_or(&last[..0]);
    let code = CODE.iter().any(|e| ext.eq_ignore_ascii_case(e));
    let plain = PLAIN.iter().any(|e| ext.eq_ignore_ascii_case(e));
    let truncated_query = u.query().is_some_and(|q| q.iter().all(|&b| b == b'?'));
    // A NUL right after the URL, or still percent-encoded inside it.
    let nul = value.get(u.span.end) == Some(&0) || search::find(u.rest, b"%00").is_some();
    if nul || (code && truncated_query) {
        return Some(hit("rfi.truncation", 10, u));
    }
    // `http://evil/shell.txt?.jpg`: a query that is only a file extension
    // passes an application's "ends with .jpg" check and is dropped by the
    // server that answers. No link has one.
    if u.query().is_some_and(extension_only) {
        return Some(hit("rfi.truncation", if code { 10 } else { 8 }, u));
    }
    // An include opens the whole value: a URL that words come before (`the
    // tarballs are at ftp://...`, `see readme.txt <https://...>`) is a
    // sentence's link, which no include could open.
    let in_sentence = value[u.span.start.saturating_sub(256)..u.span.start]
        .split(u8::is_ascii_whitespace)
        .filter(|w| w.len() > 1 && w.iter().any(u8::is_ascii_alphabetic))
        .take(2)
        .count()
        >= 2;
    if h.ip && h.kind == Kind::PublicIp {
        if in_sentence && !code {
            return None;
        }
        return Some(hit("rfi.ip_host", if code { 10 } else { 6 }, u));
    }
    if plain && u.query().is_none() && !in_sentence {
        return Some(hit("rfi.code_file", 6, u));
    }
    if public && backslashed(value, u) {
        return Some(hit("rfi.scheme_trick", 6, u));
    }
    if (u.is(b"ftp") || u.is(b"ftps")) && !in_sentence {
        return Some(hit("rfi.ftp", 5, u));
    }
    None
}

/// `.jpg`, `?.php`: question marks, a dot, one to five letters or digits.
fn extension_only(q: &[u8]) -> bool {
    let q = &q[q.iter().take_while(|&&b| b == b'?').count()..];
    q.len() >= 2 && q.len() <= 6 && q[0] == b'.' && q[1..].iter().all(u8::is_ascii_alphanumeric)
}

/// The slashes after `scheme:` hold backslashes that are not JSON's
/// escaped slashes: `http:\\host`, `http:/\host`.
fn backslashed(value: &[u8], u: &Url<'_>) -> bool {
    let from = u.span.start + u.scheme.len() + 1;
    let Some(run) = value.get(from..from + u.slashes) else {
        return false;
    };
    run.windows(2).any(|w| w == b"\\\\") || run.last() == Some(&b'\\')
}

/// A value that is a UNC path: `\\host\share\file`.
fn unc(value: &[u8]) -> Option<Hit> {
    let v = value.trim_ascii_start();
    let off = value.len() - v.len();
    let rest = v.strip_prefix(b"\\\\")?;
    let end = rest.iter().position(|&b| b == b'\\' || b == b'/')?;
    let name = &rest[..end];
    if name.is_empty()
        || !name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    {
        return None;
    }
    let path = &rest[end..];
    let stop = path
        .iter()
        .position(|&b| is_url_end(b) && b != b' ')
        .unwrap_or(path.len());
    let path = &path[..stop];
    let h = host::classify(name);
    let last = path
        .rsplit(|&b| b == b'\\' || b == b'/')
        .next()
        .unwrap_or(path);
    let ext = last
        .iter()
        .rposition(|&b| b == b'.')
        .map_or(&last[..0], |d| &last[d + 1..]);
    let span = off..off + 2 + end + stop;
    let code = CODE.iter().any(|e| ext.eq_ignore_ascii_case(e));
    // A single-label name (`\\fs01\share`) is an intranet file server.
    let public = h.kind == Kind::PublicIp || h.kind == Kind::Name && name.contains(&b'.');
    let score = if code && public {
        10
    } else if h.ip && h.kind == Kind::PublicIp {
        8
    } else {
        return None;
    };
    Some(Hit {
        rule: "rfi.unc",
        score,
        span,
    })
}
