//! Whole-request protocol checks; see the rules listed in `mod.rs`.

use super::hit;
use crate::detect::Hit;
use crate::parse::http1::is_tchar;
use crate::request::Request;
use crate::search::starts_ci;

/// Checks that need the whole request: framing (smuggling), header names
/// and counts, Host, Range, method override, version.
///
/// The engine calls this once per request and adds the hit as a finding of
/// class `protocol`, part `header` (or `method`), name from the rule.
pub(crate) fn check_request(req: &Request<'_>) -> Option<Hit> {
    let h = Headers::of(req);
    let mut best: Option<Hit> = None;
    let mut keep = |h: Option<Hit>| {
        if let Some(h) = h {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
    };
    keep(framing(req, &h));
    keep(h.malformed.clone());
    keep(host(&h.host));
    keep(h.range.clone());
    keep(override_method(req, &h));
    keep(version(req.version()));
    let m = req.method();
    if (m == b"GET" || m == b"HEAD") && !req.body().is_empty() {
        keep(hit("protocol.get_body", 3, 0, 0));
    }
    best
}

/// A header the checks count: its first value and how many times it came.
#[derive(Default)]
struct Counted<'a> {
    first: Option<&'a [u8]>,
    n: usize,
}

impl<'a> Counted<'a> {
    fn add(&mut self, v: &'a [u8]) {
        self.first.get_or_insert(v);
        self.n += 1;
    }
}

/// What the checks read from the headers, gathered in one pass over them
/// (a request has a handful of headers, and each check used to walk them
/// all again).
#[derive(Default)]
struct Headers<'a> {
    content_length: Counted<'a>,
    transfer_encoding: Counted<'a>,
    host: Counted<'a>,
    content_type: Option<&'a [u8]>,
    /// `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`:
    /// the first value of each; the last of them present wins.
    overrides: [Option<&'a [u8]>; 3],
    /// The first header with an illegal name or value; too many headers.
    malformed: Option<Hit>,
    /// The strongest `Range` / `Request-Range` finding.
    range: Option<Hit>,
}

impl<'a> Headers<'a> {
    fn of(req: &Request<'a>) -> Headers<'a> {
        let mut h = Headers::default();
        let hs = req.headers();
        for &(n, v) in hs {
            if h.malformed.is_none() {
                if n.is_empty() || !n.iter().all(|&b| is_tchar(b)) {
                    h.malformed = hit("protocol.header_name", 10, 0, 0);
                } else if memchr::memchr3(b'\r', b'\n', 0, v).is_some() {
                    h.malformed = hit("protocol.header_value", 10, 0, 0);
                }
            }
            let is = |name: &[u8]| n.eq_ignore_ascii_case(name);
            match n.len() {
                4 if is(b"host") => h.host.add(v),
                5 if is(b"range") => h.range(v, false),
                12 if is(b"content-type") => {
                    h.content_type.get_or_insert(v);
                }
                13 if is(b"request-range") => h.range(v, true),
                13 if is(b"x-http-method") => {
                    h.overrides[1].get_or_insert(v);
                }
                14 if is(b"content-length") => h.content_length.add(v),
                17 if is(b"transfer-encoding") => h.transfer_encoding.add(v),
                17 if is(b"x-method-override") => {
                    h.overrides[2].get_or_insert(v);
                }
                22 if is(b"x-http-method-override") => {
                    h.overrides[0].get_or_insert(v);
                }
                _ => {}
            }
        }
        if h.malformed.is_none() && hs.len() > 100 {
            h.malformed = hit("protocol.header_count", 10, 0, 0);
        }
        h
    }

    fn range(&mut self, v: &[u8], request_range: bool) {
        let ranges = v.iter().filter(|&&b| b == b',').count() + 1;
        let score = if ranges > 10 {
            10
        } else if ranges > 5 {
            5
        } else if request_range {
            3
        } else {
            0
        };
        if score > 0 && self.range.as_ref().is_none_or(|b| score > b.score) {
            self.range = hit("protocol.range", score, 0, 0);
        }
    }
}

fn trim(v: &[u8]) -> &[u8] {
    v.trim_ascii()
}

fn framing(req: &Request<'_>, h: &Headers<'_>) -> Option<Hit> {
    let (cl, te) = (&h.content_length, &h.transfer_encoding);
    let smuggling = |s| hit("protocol.smuggling", s, 0, 0);
    if cl.n > 0 && te.n > 0 {
        return smuggling(10);
    }
    if cl.n > 1 {
        return smuggling(10);
    }
    if let Some(c) = cl.first {
        let c = trim(c);
        if c.is_empty() || !c.iter().all(u8::is_ascii_digit) {
            return smuggling(10);
        }
    }
    if te.n > 1 {
        return smuggling(10);
    }
    if let Some(t) = te.first {
        if !clean_te(t) {
            return smuggling(10);
        }
        let m = req.method();
        if req.version().eq_ignore_ascii_case(b"HTTP/1.0") || m == b"GET" || m == b"HEAD" {
            return smuggling(10);
        }
    }
    None
}

/// `chunked`, `gzip, chunked`: known codings, comma-separated, `chunked`
/// last, nothing else.
fn clean_te(v: &[u8]) -> bool {
    let codings: Vec<&[u8]> = v.split(|&b| b == b',').map(|c| c.trim_ascii()).collect();
    let known = [
        &b"chunked"[..],
        b"gzip",
        b"x-gzip",
        b"deflate",
        b"compress",
        b"br",
        b"identity",
        b"zstd",
    ];
    codings.iter().all(|c| {
        known.iter().any(|k| k.eq_ignore_ascii_case(c))
            && c.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
    }) && codings
        .last()
        .is_some_and(|c| c.eq_ignore_ascii_case(b"chunked"))
        && codings
            .iter()
            .filter(|c| c.eq_ignore_ascii_case(b"chunked"))
            .count()
            == 1
        && v.iter().all(|&b| b.is_ascii_graphic() || b == b' ')
}

fn host(hosts: &Counted<'_>) -> Option<Hit> {
    if hosts.n > 1 {
        return hit("protocol.host", 10, 0, 0);
    }
    let h = trim(hosts.first?);
    let ok = h.iter().all(|&b| {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']' | b'%')
    });
    (!ok).then_some(Hit {
        rule: "protocol.host",
        score: 10,
        span: 0..0,
    })
}

fn override_method(req: &Request<'_>, h: &Headers<'_>) -> Option<Hit> {
    let mut target: Option<Vec<u8>> = h
        .overrides
        .iter()
        .rev()
        .find_map(|v| v.map(|v| trim(v).to_vec()));
    if target.is_none() {
        let form = h.content_type.is_some_and(|ct| {
            starts_ci(ct.trim_ascii_start(), b"application/x-www-form-urlencoded")
        });
        let body = if form { Some(req.body()) } else { None };
        'src: for src in [req.query(), body].into_iter().flatten() {
            for pair in src.split(|&b| b == b'&') {
                if let Some(v) = pair.strip_prefix(b"_method=") {
                    target = Some(crate::decode::form(v).into_owned());
                    break 'src;
                }
            }
        }
    }
    let t = target?;
    let upper = t.to_ascii_uppercase();
    if t.is_empty() || !t.iter().all(|&b| is_tchar(b)) {
        return hit("protocol.method_override", 10, 0, 0);
    }
    if [&b"TRACE"[..], b"TRACK", b"CONNECT", b"DEBUG"].contains(&upper.as_slice()) {
        return hit("protocol.method_override", 6, 0, 0);
    }
    let m = req.method();
    if (m == b"GET" || m == b"HEAD") && upper != b"GET" && upper != b"HEAD" {
        return hit("protocol.method_override", 6, 0, 0);
    }
    hit("protocol.method_override", 3, 0, 0)
}

fn version(v: &[u8]) -> Option<Hit> {
    let known = [
        &b"HTTP/1.1"[..],
        b"HTTP/1.0",
        b"HTTP/2",
        b"HTTP/2.0",
        b"HTTP/3",
        b"HTTP/3.0",
        b"HTTP/0.9",
    ];
    if v.is_empty() || known.contains(&v) {
        return None;
    }
    let shaped = v.len() == 8
        && v.starts_with(b"HTTP/")
        && v[5].is_ascii_digit()
        && v[6] == b'.'
        && v[7].is_ascii_digit();
    hit("protocol.version", if shaped { 6 } else { 10 }, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(req: &Request<'_>) -> u32 {
        check_request(req).map_or(0, |h| h.score)
    }

    #[test]
    fn smuggling() {
        let r = Request::builder()
            .method("POST")
            .header("Host", "a.example")
            .header("Content-Length", "4")
            .header("Transfer-Encoding", "chunked")
            .build();
        assert_eq!(check_request(&r).unwrap().rule, "protocol.smuggling");
        let r = Request::builder()
            .method("POST")
            .header("Content-Length", "4")
            .header("Content-Length", "5")
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .header("Content-Length", "4, 4")
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .header("Content-Length", "-1")
            .build();
        assert_eq!(score(&r), 10);
        for te in [
            "chunked, identity",
            "xchunked",
            "chunked\x0b",
            "Chunked",
            "chunked;q=1",
            "identity",
            " chunked , chunked",
            "gzip",
        ] {
            let r = Request::builder()
                .method("POST")
                .header("Transfer-Encoding", te)
                .build();
            assert_eq!(score(&r), 10, "{te:?}");
        }
        let r = Request::builder()
            .method("POST")
            .header("Transfer-Encoding", "chunked")
            .header("Transfer-Encoding", "chunked")
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .version("HTTP/1.0")
            .header("Transfer-Encoding", "chunked")
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("GET")
            .header("Transfer-Encoding", "chunked")
            .build();
        assert_eq!(score(&r), 10);
    }

    #[test]
    fn illegal_bytes_and_counts() {
        let r = Request::builder().header("Content Length", "1").build();
        assert_eq!(check_request(&r).unwrap().rule, "protocol.header_name");
        let r = Request::builder().header("X-A\x01", "1").build();
        assert_eq!(score(&r), 10);
        let r = Request::builder().header("X-A", "a\r\nX-B: b").build();
        assert_eq!(check_request(&r).unwrap().rule, "protocol.header_value");
        let names: Vec<String> = (0..150).map(|i| format!("X-H{i}")).collect();
        let mut b = Request::builder();
        for n in &names {
            b = b.header(n, "1");
        }
        assert_eq!(
            check_request(&b.build()).unwrap().rule,
            "protocol.header_count"
        );
        let r = Request::builder()
            .header("Host", "a.example")
            .header("Host", "b.example")
            .build();
        assert_eq!(check_request(&r).unwrap().rule, "protocol.host");
        let r = Request::builder().header("Host", "a.example/evil").build();
        assert_eq!(score(&r), 10);
        let ranges: String = (0..20).map(|i| format!("{i}-{},", i + 1)).collect();
        let range = format!("bytes={ranges}");
        let r = Request::builder().header("Range", &range).build();
        assert_eq!(check_request(&r).unwrap().rule, "protocol.range");
        assert_eq!(score(&Request::builder().version("HTTP/1.2").build()), 6);
        assert_eq!(score(&Request::builder().version("HTTP/x").build()), 10);
    }

    #[test]
    fn method_override() {
        let r = Request::builder()
            .uri("/transfer?amount=1&_method=DELETE")
            .build();
        assert_eq!(score(&r), 6);
        let r = Request::builder()
            .method("POST")
            .uri("/a?_method=TRACE")
            .build();
        assert_eq!(score(&r), 6);
        let r = Request::builder()
            .method("POST")
            .header("X-HTTP-Method-Override", "PU T")
            .build();
        assert_eq!(score(&r), 10);
        let r = Request::builder()
            .method("POST")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("_method=PUT&name=x")
            .build();
        assert_eq!(score(&r), 3);
    }

    #[test]
    fn ordinary_clients_pass() {
        let reqs = [
            Request::builder().header("Host", "127.0.0.1").build(),
            Request::builder().header("Host", "[::1]:8080").build(),
            Request::builder()
                .header("Host", "shop.example:443")
                .header("Range", "bytes=0-1023")
                .build(),
            Request::builder()
                .method("PUT")
                .header("Content-Length", "10")
                .body("0123456789")
                .build(),
            Request::builder().method("DELETE").uri("/api/x/1").build(),
            Request::builder()
                .method("PATCH")
                .header("Content-Length", " 2 ")
                .body("{}")
                .build(),
            Request::builder()
                .method("POST")
                .header("Transfer-Encoding", "chunked")
                .build(),
            Request::builder()
                .method("POST")
                .header("Transfer-Encoding", "gzip, chunked")
                .build(),
            Request::builder().version("HTTP/2").build(),
            Request::builder().version("HTTP/1.0").build(),
            Request::builder().method("PROPFIND").build(),
            Request::builder().build(),
        ];
        for r in &reqs {
            assert!(score(r) < 5, "{r:?}");
        }
    }
}
