//! Server-side request forgery: URLs (and bare host values) that make the
//! server talk to itself, its private network or its cloud metadata
//! service, or speak a protocol other than HTTP.
//!
//! Rule ids:
//! - `ssrf.metadata`: a cloud metadata service (`169.254.169.254` in any
//!   spelling, `metadata.google.internal`, `100.100.100.200`, ...), 10.
//! - `ssrf.scheme`: a scheme that smuggles raw bytes or reads local
//!   resources (`gopher://`, `dict://`, `file://`, `ldap://`, `tftp://`,
//!   `jar:`, `netdoc:`, `local_file://`), 10.
//! - `ssrf.obfuscated_host`: an address written to hide it (decimal, hex,
//!   octal, short forms, overflowing parts, IPv4-mapped IPv6, circled or
//!   full-width characters, backslashes in the host), 10 when it reaches
//!   an internal or numeric address, 6 for a disguised public name.
//! - `ssrf.internal_host`: loopback, `0.0.0.0`, link-local, `localhost`
//!   and aliases, names that always resolve to loopback or that carry an
//!   internal address (`127.0.0.1.nip.io`), container and cluster names,
//!   10. A `localhost:port` origin alone (a development redirect target)
//!   and any finding in a header (Referer/Origin during development) are
//!   weak, 4.
//! - `ssrf.reserved_ip`: reserved or unallocated addresses (`[a::]`), 8.
//! - `ssrf.rebinding_host`: a wildcard-DNS rebinding service, 6.
//! - `ssrf.private_ip`: RFC 1918 and unique-local addresses, weak (4):
//!   configuration APIs legitimately carry them.
//! - `ssrf.authority_confusion`: URL parsers disagree on the host
//!   (`http://expected.com@evil`, `http://evil#@expected`,
//!   `http://a.com/:x@b.com`), 7; 10 when one reading is internal.

use super::host::{self, Host, Kind};
use super::{is_url_end, urls, Url};
use crate::detect::{Ctx, Hit};
use crate::search::find_ci;
use crate::verdict::Part;

/// Judges one value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if value.len() < 3 {
        return None;
    }
    let mut best: Option<Hit> = None;
    let mut keep = |h: Hit| {
        if best.as_ref().is_none_or(|b| h.score > b.score) {
            best = Some(h);
        }
    };
    if memchr::memchr(b':', value).is_some() || value.starts_with(b"//") {
        for u in urls(value) {
            if let Some(h) = judge(&u, value, ctx) {
                let done = h.score >= 10;
                keep(h);
                if done {
                    return best;
                }
            }
        }
    }
    if let Some(h) = schemeless(value, ctx) {
        keep(h);
    }
    best
}

fn hit(rule: &'static str, score: u32, u: &Url<'_>) -> Hit {
    Hit {
        rule,
        score,
        span: u.span.clone(),
    }
}

/// Schemes dangerous whatever the host.
fn dangerous_scheme(u: &Url<'_>) -> bool {
    const WITH_SLASHES: &[&[u8]] = &[
        b"gopher",
        b"dict",
        b"file",
        b"ldap",
        b"ldaps",
        b"ldapi",
        b"tftp",
        b"netdoc",
        b"local_file",
        b"jar",
        b"phar",
        b"expect",
    ];
    if u.slashes > 0 {
        return WITH_SLASHES.iter().any(|s| u.is(s));
    }
    let o = u.opaque;
    if u.is(b"jar") {
        // jar:<url>!/entry
        let n = o.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        return n >= 2 && o.get(n) == Some(&b':');
    }
    if u.is(b"netdoc") || u.is(b"local_file") || u.is(b"file") {
        return matches!(o.first(), Some(b'/' | b'\\'));
    }
    if u.is(b"gopher") || u.is(b"dict") || u.is(b"ldap") || u.is(b"tftp") {
        // `gopher:host` at the start of a value is parsed with an authority.
        return false;
    }
    false
}

/// The score of reaching `h`, as the host of a URL.
fn host_score(h: Host, u: &Url<'_>, header: bool) -> Option<(&'static str, u32)> {
    let cap = |s: u32| if header { s.min(4) } else { s };
    Some(match h.kind {
        Kind::None => return None,
        Kind::Metadata => ("ssrf.metadata", 10),
        k if h.obfuscated && (h.ip || k.internal()) => ("ssrf.obfuscated_host", 10),
        k if k.internal() => {
            // Written plainly, as a developer writes it.
            let dev_origin = u.host == b"localhost"
                && u.scheme.iter().all(u8::is_ascii_lowercase)
                && u.port.is_some_and(|p| !p.is_empty())
                && matches!(u.path(), b"" | b"/")
                && u.query().is_none();
            if dev_origin {
                ("ssrf.internal_host", 4)
            } else {
                ("ssrf.internal_host", cap(10))
            }
        }
        Kind::Reserved => ("ssrf.reserved_ip", cap(8)),
        Kind::Rebinding => ("ssrf.rebinding_host", cap(6)),
        Kind::Private => ("ssrf.private_ip", 4),
        Kind::Name if h.obfuscated => ("ssrf.obfuscated_host", cap(6)),
        Kind::Name | Kind::PublicIp => return None,
        _ => return None,
    })
}

/// Offset of `inner` (a subslice) in `outer`.
fn offset(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

fn judge(u: &Url<'_>, value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let header = ctx.part == Part::Header;
    if dangerous_scheme(u) {
        // `file:` with no host reads local files: the path detector judges
        // where it points. A host in it reaches out over SMB (UNC paths).
        let local_file = u.is(b"file")
            && (u.slashes == 3 || u.slashes == 1 || u.host.eq_ignore_ascii_case(b"localhost"));
        if local_file {
            return None;
        }
        return Some(hit("ssrf.scheme", 10, u));
    }
    if u.slashes == 0 && u.host.is_empty() {
        return None;
    }
    let mut best: Option<(&'static str, u32)> = None;
    let mut keep = |c: Option<(&'static str, u32)>| {
        if let Some(c) = c {
            if best.is_none_or(|b| c.1 > b.1) {
                best = Some(c);
            }
        }
    };
    let h = host::classify(u.host);
    keep(host_score(h, u, header));

    // A host cut short by a backslash: `http://\l\o\c\a\l\h\o\s\t/`.
    if u.rest.first() == Some(&b'\\') {
        let start = offset(value, u.host);
        let ext = &value[start..u.span.end.max(start).min(start + 512)];
        let end = ext
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(ext.len());
        let ext = &ext[..end];
        let ext = match ext.iter().rposition(|&b| b == b'@') {
            Some(a) => &ext[a + 1..],
            None => ext,
        };
        let hx = host::classify(ext);
        let hx = Host {
            obfuscated: true,
            ..hx
        };
        keep(host_score(hx, u, header));
    }

    // Userinfo that reads as a host: `http://expected.com@evil/`.
    if let Some(ui) = u.userinfo {
        let user = ui.split(|&b| b == b':').next().unwrap_or(ui);
        if looks_like_domain(user) || find_ci(ui, b"%2f").is_some() {
            keep(Some(("ssrf.authority_confusion", cap_header(7, header))));
        }
    }
    // `#@host`, `?@host`, `/:x@host` right after the authority. (`/@name`
    // alone is a profile link: `https://medium.com/@john.smith`.)
    if let [d @ (b'/' | b'?' | b'#' | b'\\'), seg @ ..] = u.rest {
        let end = seg
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
            .unwrap_or(seg.len());
        let seg = &seg[..end];
        let userinfo_like = match seg.first() {
            Some(b':') => true,
            Some(b'@') => matches!(d, b'?' | b'#'),
            _ => false,
        };
        if userinfo_like {
            if let Some(at) = seg.iter().rposition(|&b| b == b'@') {
                let after = &seg[at + 1..];
                let hostpart = after.split(|&b| b == b':').next().unwrap_or(after);
                if looks_like_domain(hostpart) || host::classify(hostpart).ip {
                    keep(Some(("ssrf.authority_confusion", cap_header(7, header))));
                }
            }
        }
    }
    // Every host a parser could read after an `@` (Orange Tsai's
    // `http://a.com:80 &@b.com:80# @127.0.0.1:22/`).
    let start = offset(value, u.host).min(value.len());
    let window = &value[start..value.len().min(start + 256)];
    let window_end = window
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(window.len());
    let window = &window[..window_end];
    let mut i = 0;
    let mut seen = 0;
    while let Some(at) = memchr::memchr(b'@', &window[i..]) {
        seen += 1;
        if seen > 8 {
            break;
        }
        let from = i + at + 1;
        let cand = &window[from..];
        let end = cand
            .iter()
            .position(|&b| {
                matches!(b, b'/' | b'?' | b'#' | b'\\' | b'@' | b'&' | b':') || is_url_end(b)
            })
            .unwrap_or(cand.len());
        let hc = host::classify(&cand[..end]);
        if hc.kind.internal() || hc.kind == Kind::Metadata {
            keep(host_score(hc, u, header).map(|(r, s)| {
                if r == "ssrf.internal_host" {
                    ("ssrf.authority_confusion", s)
                } else {
                    (r, s)
                }
            }));
        }
        i = from;
    }
    best.map(|(rule, score)| hit(rule, score, u))
}

fn cap_header(s: u32, header: bool) -> u32 {
    if header {
        s.min(4)
    } else {
        s
    }
}

/// `label.label.tld`: a dot, and a last label of two or more letters.
fn looks_like_domain(s: &[u8]) -> bool {
    let Some(dot) = s.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let tld = &s[dot + 1..];
    dot > 0
        && tld.len() >= 2
        && tld.iter().all(u8::is_ascii_alphabetic)
        && s[..dot]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// A value that is a host without a scheme: `localhost/`,
/// `host.docker.internal/`, `169.254.169.254/latest`, `127.0.0.1:8080`.
fn schemeless(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    // Header values are hosts by design (Host, X-Forwarded-Host); path
    // segments are names, not hosts.
    if matches!(ctx.part, Part::Header | Part::Path) || ctx.key {
        return None;
    }
    let start = value.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = value
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    let v = &value[start..end];
    if v.len() > 300 || v.iter().any(u8::is_ascii_whitespace) {
        return None;
    }
    let first = *v.first()?;
    if !(first.is_ascii_alphanumeric() || first == b'[' || first >= 0x80) {
        return None;
    }
    let host_end = if first == b'[' {
        v.iter().position(|&b| b == b']').map(|e| e + 1)?
    } else {
        v.iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#' | b':' | b'\\'))
            .unwrap_or(v.len())
    };
    let host = &v[..host_end];
    let after = &v[host_end..];
    let slash = after.first() == Some(&b'/');
    let port = after.first() == Some(&b':')
        && after.len() > 1
        && after[1..]
            .iter()
            .take_while(|&&b| b != b'/')
            .all(u8::is_ascii_digit);
    let cidr = slash && after.len() > 1 && after[1..].iter().all(u8::is_ascii_digit);
    if !after.is_empty() && !slash && !port {
        return None;
    }
    if cidr {
        return None;
    }
    let digits_only = host.iter().all(u8::is_ascii_digit);
    let h = host::classify(host);
    if h.ip && (!(slash || port) || digits_only) {
        return None;
    }
    let span = start..end;
    let (rule, score) = match h.kind {
        Kind::Metadata if slash => ("ssrf.metadata", 10),
        Kind::Metadata if h.ip || port => ("ssrf.metadata", 6),
        Kind::Metadata => ("ssrf.metadata", 3),
        k if k.internal() && (slash || (port && h.ip)) => ("ssrf.internal_host", 10),
        k if k.internal() => ("ssrf.internal_host", 4),
        Kind::Private => ("ssrf.private_ip", 3),
        _ => return None,
    };
    Some(Hit { rule, score, span })
}
