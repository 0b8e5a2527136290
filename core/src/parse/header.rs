//! Header values; the Cookie header split into cookies.

use std::borrow::Cow;

use super::{cookie, urlencoded, Encoding, Input, Inputs, Name};
use crate::decode::Chain;
use crate::verdict::Part;

/// Emits every header value by name, except `Cookie`, whose cookies are
/// emitted one by one, and negotiation headers whose value is exactly what
/// their grammar allows (nothing in them can break out of anything). The
/// query arguments of a URL-valued header (`Referer`, `X-Original-URL`...)
/// are emitted too, named `<header>?<argument>`.
pub(crate) fn parse<'a>(headers: &[(&'a [u8], &'a [u8])], out: &mut Inputs<'a>) {
    for &(name, value) in headers {
        if name.eq_ignore_ascii_case(b"cookie") {
            cookie::parse(value, out);
            continue;
        }
        if is_list_header(name) && is_well_formed_list(value) {
            continue;
        }
        let pushed = out.push(Input {
            part: Part::Header,
            name: Name::Borrowed(name),
            value: Cow::Borrowed(value),
            key: false,
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        });
        if !pushed {
            return;
        }
        if is_url_header(name) {
            url_query(name, value, out);
            if out.truncated {
                return;
            }
        }
    }
}

/// Headers holding a URL or request target that apps parse again:
/// analytics and logs read the referring page's query, and frameworks
/// route by the rewrite headers (`X-Original-URL` is IIS's and Symfony's).
fn is_url_header(name: &[u8]) -> bool {
    const NAMES: [&[u8]; 5] = [
        b"referer",
        b"x-original-url",
        b"x-rewrite-url",
        b"x-original-uri",
        b"x-forwarded-uri",
    ];
    NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// Emits the query arguments of the URL in header `name` as its own query
/// string would be read: the attack in `Referer: https://a/?q=';DROP...`
/// is a query value of that page, which the whole header hides among a
/// scheme, a host and its other arguments.
fn url_query<'a>(name: &[u8], value: &'a [u8], out: &mut Inputs<'a>) {
    let Some(q) = memchr::memchr(b'?', value) else {
        return;
    };
    let query = &value[q + 1..];
    let query = &query[..memchr::memchr(b'#', query).unwrap_or(query.len())];
    let first = out.items.len();
    urlencoded::parse(query, Part::Header, out);
    for input in &mut out.items[first..] {
        input.name = super::owned_name(&[name, b"?", &input.name]);
    }
}

/// Headers whose value is a list of `token[/token]` items with `;name=value`
/// parameters (RFC 9110 `Accept`, `Accept-Encoding`, `Accept-Language`,
/// `Connection`, `Cache-Control`, fetch metadata).
fn is_list_header(name: &[u8]) -> bool {
    const NAMES: [&[u8]; 9] = [
        b"accept",
        b"accept-encoding",
        b"accept-language",
        b"connection",
        b"cache-control",
        b"pragma",
        b"upgrade-insecure-requests",
        b"dnt",
        b"te",
    ];
    NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
        || (name.len() > 10 && name[..10].eq_ignore_ascii_case(b"sec-fetch-"))
}

/// `text/html,application/xml;q=0.9, */*;q=0.8`, `en-US,en;q=0.5`,
/// `gzip, deflate, br`, `max-age=0`: comma-separated items, each a token
/// (or `type/subtype`) with `;name=value` parameters whose values are tokens
/// or numbers. Spaces only around separators; tokens short; no quotes.
fn is_well_formed_list(value: &[u8]) -> bool {
    if value.len() > 512 {
        return false;
    }
    // One pass: these headers are on every browser request.
    let n = value.len();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < n && value[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let token = |i: &mut usize| {
        let start = *i;
        while *i < n && is_token_byte(value[*i]) {
            *i += 1;
        }
        (1..=64).contains(&(*i - start))
    };
    loop {
        // The item's head: empty, `token`, `type/subtype` or `name=value`.
        skip_ws(&mut i);
        if i < n && is_token_byte(value[i]) {
            if !token(&mut i) {
                return false;
            }
            if i < n && matches!(value[i], b'/' | b'=') {
                i += 1;
                if !token(&mut i) {
                    return false;
                }
            }
            skip_ws(&mut i);
        }
        // `;name=value` parameters. A charset parameter is left to the
        // detectors: exotic charsets (IBM037, UTF-7) are an evasion in
        // themselves.
        while i < n && value[i] == b';' {
            i += 1;
            skip_ws(&mut i);
            let name = i;
            if !token(&mut i) || value[name..i].eq_ignore_ascii_case(b"charset") {
                return false;
            }
            skip_ws(&mut i);
            if i >= n || value[i] != b'=' {
                return false;
            }
            i += 1;
            skip_ws(&mut i);
            if !token(&mut i) {
                return false;
            }
            skip_ws(&mut i);
        }
        if i == n {
            return true;
        }
        if value[i] != b',' {
            return false;
        }
        i += 1;
    }
}

/// A byte of a header token as they are in practice: letters, digits and
/// `-._*+` (RFC 9110 allows more, but nothing legitimate here needs it).
fn is_token_byte(b: u8) -> bool {
    // A table: this runs on every byte of every negotiation header.
    static TOKEN: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            t[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*' | b'+');
            i += 1;
        }
        t
    };
    TOKEN[b as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_lists_are_recognized() {
        for v in [
            &b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"[..],
            b"en-US,en;q=0.5",
            b"gzip, deflate, br, zstd",
            b"keep-alive",
            b"max-age=0",
            b"no-cache",
            b"*/*",
            b"",
            b"en ; q = 0.5 , fr",
            b"gzip,,br",
            b";q=1",
        ] {
            assert!(is_well_formed_list(v), "{}", String::from_utf8_lossy(v));
        }
        for v in [
            &b"en;drop table users"[..],
            b"en;q=1 or 1=1",
            b"text/html' OR '1'='1",
            b"<script>alert(1)</script>",
            b"${jndi:ldap://x/a}",
            b"gzip;q=0.5 sleep 5",
            b"../../etc/passwd",
            b"text/html; charset=IBM037",
            b"a\r\nSet-Cookie: x=y",
            b"text / html",
            b"max-age = 0",
            b"a/b/c",
            b"a=b=c",
            b"text/",
            b"/html",
            b"en;q",
            b"en;q=",
            b"en;=1",
            b"gzip;q=0.5=1",
            b"gzip x",
        ] {
            assert!(!is_well_formed_list(v), "{}", String::from_utf8_lossy(v));
        }
    }

    #[test]
    fn well_formed_negotiation_headers_are_not_inputs() {
        let headers: [(&[u8], &[u8]); 3] = [
            (b"Accept", b"text/html,*/*;q=0.8"),
            (b"Accept-Language", b"en;q=1 or 1=1"),
            (b"User-Agent", b"curl/8.0"),
        ];
        let mut inputs = Inputs::new(10);
        parse(&headers, &mut inputs);
        let names: Vec<&[u8]> = inputs.items.iter().map(|i| &i.name[..]).collect();
        assert_eq!(names, [&b"Accept-Language"[..], b"User-Agent"]);
    }

    #[test]
    fn url_headers_emit_their_query_arguments() {
        let headers: [(&[u8], &[u8]); 3] = [
            (b"Referer", b"https://shop.example/find?q=a%27b&page=2#top"),
            (b"Origin", b"https://shop.example?x=1"),
            (b"X-Original-URL", b"/admin?id=1"),
        ];
        let mut inputs = Inputs::new(10);
        parse(&headers, &mut inputs);
        let got: Vec<(&[u8], &[u8], Part, Encoding)> = inputs
            .items
            .iter()
            .map(|i| (&i.name[..], &i.value[..], i.part, i.encoding))
            .collect();
        assert_eq!(
            got,
            [
                (
                    &b"Referer"[..],
                    &b"https://shop.example/find?q=a%27b&page=2#top"[..],
                    Part::Header,
                    Encoding::Plain
                ),
                (b"Referer?q", b"a%27b", Part::Header, Encoding::Form),
                (b"Referer?page", b"2", Part::Header, Encoding::Form),
                (
                    b"Origin",
                    b"https://shop.example?x=1",
                    Part::Header,
                    Encoding::Plain
                ),
                (
                    b"X-Original-URL",
                    b"/admin?id=1",
                    Part::Header,
                    Encoding::Plain
                ),
                (b"X-Original-URL?id", b"1", Part::Header, Encoding::Form),
            ]
        );
    }
}
