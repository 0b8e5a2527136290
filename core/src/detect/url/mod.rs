//! URLs in values: one lenient parser shared by the remote file inclusion
//! ([`rfi`]) and server-side request forgery ([`ssrf`]) detectors.
//!
//! The parser reads URLs the way curl, browsers and language libraries
//! accept them: mixed-case schemes, any number of `/` or `\` after the
//! scheme (`http:\\host`, `http:/host`, `http:host` at the start of a
//! value), `//host` at the start of a value, userinfo, bracketed and bare
//! IPv6, ports, path, query. Hosts are folded like IDNA folds them (full-
//! width and circled letters and digits, ideographic full stops) and
//! numeric hosts are read like `inet_aton` reads them (decimal, octal,
//! hex, one to four parts, overflowing parts cut to their low bits).
//!
//! [`check_request`] judges what no single value shows: a remote URL in an
//! argument whose name says the application includes it (`rfi.include_param`).

use std::ops::Range;

pub(crate) mod host;
mod request;
pub(crate) mod rfi;
pub(crate) mod ssrf;

pub(crate) use request::check_request;
pub(crate) use rfi::detect as rfi;
pub(crate) use ssrf::detect as ssrf;

/// One URL found in a value. Slices borrow the value.
#[derive(Debug)]
pub(crate) struct Url<'a> {
    /// Where the URL starts and its authority (or opaque part) ends.
    pub span: Range<usize>,
    /// The scheme as written (compare without case).
    pub scheme: &'a [u8],
    /// `/` or `\` after `scheme:`; `http:host` has none.
    pub slashes: usize,
    /// Userinfo, before the last `@` of the authority.
    pub userinfo: Option<&'a [u8]>,
    /// The host as written (brackets kept for IPv6).
    pub host: &'a [u8],
    /// The port digits, when there is a `:port`.
    pub port: Option<&'a [u8]>,
    /// From the end of the authority to the end of the URL.
    pub rest: &'a [u8],
    /// Everything after `scheme:` for schemes without an authority.
    pub opaque: &'a [u8],
}

impl Url<'_> {
    /// The scheme is `s` (lower case), ignoring case.
    pub fn is(&self, s: &[u8]) -> bool {
        self.scheme.eq_ignore_ascii_case(s)
    }

    /// Path, without query and fragment.
    pub fn path(&self) -> &[u8] {
        let end = memchr::memchr2(b'?', b'#', self.rest).unwrap_or(self.rest.len());
        &self.rest[..end]
    }

    /// The query (without `?`), when there is one.
    pub fn query(&self) -> Option<&[u8]> {
        let q = memchr::memchr(b'?', self.rest)?;
        let q = &self.rest[q + 1..];
        let end = memchr::memchr(b'#', q).unwrap_or(q.len());
        Some(&q[..end])
    }
}

/// Longest scheme considered.
const MAX_SCHEME: usize = 32;
/// Longest authority considered; longer runs end there.
const MAX_AUTHORITY: usize = 1024;
/// Longest path, query and fragment considered.
const MAX_REST: usize = 2048;
/// Longest opaque part (`jar:...`, `data:...`) considered.
const MAX_OPAQUE: usize = 1024;

fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_')
}

/// Bytes that end a URL.
pub(crate) fn is_url_end(b: u8) -> bool {
    b.is_ascii_whitespace()
        || b.is_ascii_control()
        || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'{' | b'}' | b'|')
}

/// Schemes that reach a host even when written `scheme:host`.
fn network_scheme(s: &[u8]) -> bool {
    [
        &b"http"[..],
        b"https",
        b"ftp",
        b"ftps",
        b"gopher",
        b"dict",
        b"ldap",
        b"ldaps",
        b"tftp",
        b"sftp",
        b"ssh",
        b"telnet",
    ]
    .iter()
    .any(|k| s.eq_ignore_ascii_case(k))
}

/// Every URL in `value`, in order. No allocation; linear in the value.
pub(crate) fn urls(value: &[u8]) -> impl Iterator<Item = Url<'_>> + '_ {
    let first = value
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(value.len());
    let mut ends = Ends::default();
    let leading = parse_protocol_relative(value, first, &mut ends);
    let mut colon = 0;
    let rest = std::iter::from_fn(move || {
        while colon < value.len() {
            let c = match memchr::memchr(b':', &value[colon..]) {
                Some(c) => colon + c,
                None => {
                    colon = value.len();
                    return None;
                }
            };
            colon = c + 1;
            if let Some(u) = parse_at(value, c, first, &mut ends) {
                return Some(u);
            }
        }
        None
    });
    leading.into_iter().chain(rest)
}

/// The end of the URL running from a position: the next byte that ends a
/// URL, remembered so that URLs sharing a run are scanned once.
#[derive(Default)]
struct Ends {
    from: usize,
    end: usize,
}

impl Ends {
    fn after(&mut self, value: &[u8], from: usize) -> usize {
        if from >= self.from && from <= self.end && self.end > 0 {
            return self.end;
        }
        let end = value[from..]
            .iter()
            .position(|&b| is_url_end(b))
            .map_or(value.len(), |e| from + e);
        self.from = from;
        self.end = end;
        end
    }
}

/// `//host/...` at the start of a value.
fn parse_protocol_relative<'a>(value: &'a [u8], first: usize, ends: &mut Ends) -> Option<Url<'a>> {
    let v = &value[first..];
    if v.len() > 2 && v[0] == b'/' && v[1] == b'/' && v[2] != b'/' {
        return Some(authority(
            value,
            first,
            &value[first..first],
            2,
            first + 2,
            ends,
        ));
    }
    None
}

/// The URL whose scheme ends at the `:` at `colon`, if any.
fn parse_at<'a>(value: &'a [u8], colon: usize, first: usize, ends: &mut Ends) -> Option<Url<'a>> {
    let mut s = colon;
    while s > 0 && colon - s < MAX_SCHEME && is_scheme_byte(value[s - 1]) {
        s -= 1;
    }
    if s > 0 && is_scheme_byte(value[s - 1]) {
        return None;
    }
    // Dots and dashes may precede a scheme in text: skip them.
    while s < colon && !value[s].is_ascii_alphabetic() {
        if value[s].is_ascii_digit() {
            return None;
        }
        s += 1;
    }
    let scheme = &value[s..colon];
    if scheme.len() < 2 {
        return None;
    }
    let mut p = colon + 1;
    while p < value.len() && matches!(value[p], b'/' | b'\\') {
        p += 1;
    }
    let slashes = p - colon - 1;
    if slashes > 0 || (s == first && network_scheme(scheme) && p < value.len()) {
        return Some(authority(value, s, scheme, slashes, p, ends));
    }
    // Opaque: `jar:`, `data:`, `url:`, `netdoc:`, `mailto:`...
    let end = ends.after(value, colon + 1).min(colon + 1 + MAX_OPAQUE);
    Some(Url {
        span: s..end,
        scheme,
        slashes: 0,
        userinfo: None,
        host: &value[p..p],
        port: None,
        rest: &value[p..p],
        opaque: &value[colon + 1..end],
    })
}

/// Parses the authority starting at `p` and the rest of the URL.
fn authority<'a>(
    value: &'a [u8],
    s: usize,
    scheme: &'a [u8],
    slashes: usize,
    p: usize,
    ends: &mut Ends,
) -> Url<'a> {
    let limit = value.len().min(p + MAX_AUTHORITY);
    let mut a = p;
    while a < limit && !matches!(value[a], b'/' | b'\\' | b'?' | b'#') && !is_url_end(value[a]) {
        a += 1;
    }
    let auth = &value[p..a];
    let (userinfo, hostport) = match auth.iter().rposition(|&b| b == b'@') {
        Some(at) => (Some(&auth[..at]), &auth[at + 1..]),
        None => (None, auth),
    };
    let (host, port) = split_host_port(hostport);
    let end = ends.after(value, a).min(a + MAX_REST);
    Url {
        span: s..end,
        scheme,
        slashes,
        userinfo,
        host,
        port,
        rest: &value[a..end],
        opaque: &value[p..p],
    }
}

fn split_host_port(hp: &[u8]) -> (&[u8], Option<&[u8]>) {
    if hp.first() == Some(&b'[') {
        if let Some(close) = hp.iter().position(|&b| b == b']') {
            let after = &hp[close + 1..];
            let port = after.strip_prefix(b":");
            return (&hp[..=close], port);
        }
        return (hp, None);
    }
    let colons = hp.iter().filter(|&&b| b == b':').count();
    if colons >= 2 {
        // A bare IPv6 address.
        return (hp, None);
    }
    match hp.iter().position(|&b| b == b':') {
        Some(c) => (&hp[..c], Some(&hp[c + 1..])),
        None => (hp, None),
    }
}

#[cfg(test)]
mod tests;
