//! Raw HTTP/1.x requests, for callers that hold wire bytes (captures,
//! proxies, tests).
//!
//! Strict where a lenient reading would let two parties disagree on where a
//! request ends (request smuggling), lenient elsewhere:
//! - lines may end in CRLF or a lone LF; up to eight empty lines before the
//!   request line are skipped (RFC 9112 section 2.2); a bare CR inside a
//!   line is an error;
//! - the target is everything between the first and the last space of the
//!   request line, trimmed, so a target with a raw space is still analyzed;
//! - header names must be tokens (no space before the colon); obs-fold
//!   continuation lines are rejected, as RFC 9112 section 5.2 allows: joining
//!   them would need owned header values, and their only use today is
//!   evasion; a NUL in a header value is rejected;
//! - the body is framed by `Transfer-Encoding` when present (the final
//!   coding must be `chunked`; `Content-Length` is then ignored, as RFC 9112
//!   section 6.3 says), else by `Content-Length` (digits only; repeated or
//!   comma-listed values must agree), else it is whatever follows the
//!   headers, since a request with stray bytes still deserves analysis.
//!   Bytes after a framed body (a pipelined request) are ignored.

use std::borrow::Cow;

use crate::error::Error;
use crate::request::Request;

/// More headers than any real client sends.
const MAX_HEADERS: usize = 1000;
const MAX_METHOD: usize = 64;
const MAX_TARGET: usize = 256 * 1024;
/// Empty lines skipped before the request line.
const MAX_LEADING_EMPTY: usize = 8;

/// Parses one request from `raw`. See the module documentation for what is
/// accepted.
pub(crate) fn parse(raw: &[u8]) -> Result<Request<'_>, Error> {
    let mut p = 0;
    for _ in 0..MAX_LEADING_EMPTY {
        match line_at(raw, p) {
            Some(([], next)) => p = next,
            _ => break,
        }
    }
    let (line, next) =
        line_at(raw, p).ok_or_else(|| Error::http("incomplete request line (no line break)"))?;
    let (method, target, version) = request_line(line)?;
    p = next;

    let mut headers: Vec<(&[u8], &[u8])> = Vec::with_capacity(16);
    loop {
        let (line, next) = line_at(raw, p).ok_or_else(|| {
            Error::http("incomplete header section (no empty line after the headers)")
        })?;
        p = next;
        if line.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(Error::http(format!("more than {MAX_HEADERS} headers")));
        }
        headers.push(header_line(line)?);
    }

    let body = body(&headers, &raw[p..])?;
    Ok(Request::from_parts(method, target, version, headers, body))
}

/// The line starting at `p` without its line break, and the position after
/// the break; None when no line break follows.
fn line_at(raw: &[u8], p: usize) -> Option<(&[u8], usize)> {
    let rest = raw.get(p..)?;
    let nl = memchr::memchr(b'\n', rest)?;
    let line = &rest[..nl];
    Some((line.strip_suffix(b"\r").unwrap_or(line), p + nl + 1))
}

/// Method, target and version.
type RequestLine<'a> = (&'a [u8], &'a [u8], &'a [u8]);

fn request_line(line: &[u8]) -> Result<RequestLine<'_>, Error> {
    if memchr::memchr(b'\r', line).is_some() {
        return Err(Error::http("bare CR in the request line"));
    }
    let sp = memchr::memchr(b' ', line)
        .ok_or_else(|| Error::http(format!("request line without spaces: {}", quote(line))))?;
    let method = &line[..sp];
    if method.is_empty() || method.len() > MAX_METHOD || !method.iter().all(|&b| is_tchar(b)) {
        return Err(Error::http(format!("invalid method: {}", quote(method))));
    }
    let rest = &line[sp + 1..];
    let last = memchr::memrchr(b' ', rest)
        .ok_or_else(|| Error::http("missing HTTP version in the request line"))?;
    let target = rest[..last].trim_ascii();
    let version = &rest[last + 1..];
    if target.is_empty() {
        return Err(Error::http("missing request target"));
    }
    if target.len() > MAX_TARGET {
        return Err(Error::http(format!(
            "request target of {} bytes (limit {MAX_TARGET})",
            target.len()
        )));
    }
    let valid_version = version.len() == 8
        && version.starts_with(b"HTTP/")
        && version[5].is_ascii_digit()
        && version[6] == b'.'
        && version[7].is_ascii_digit();
    if !valid_version {
        return Err(Error::http(format!(
            "invalid HTTP version: {}",
            quote(version)
        )));
    }
    Ok((method, target, version))
}

fn header_line(line: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    if line[0] == b' ' || line[0] == b'\t' {
        return Err(Error::http(
            "obsolete line folding (a header line starting with whitespace) is not accepted",
        ));
    }
    let colon = memchr::memchr(b':', line)
        .ok_or_else(|| Error::http(format!("header line without ':': {}", quote(line))))?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(Error::http(format!("invalid header name: {}", quote(name))));
    }
    let value = trim_ows(&line[colon + 1..]);
    if let Some(&b) = value.iter().find(|&&b| b == b'\r' || b == 0) {
        let what = if b == 0 { "NUL" } else { "bare CR" };
        return Err(Error::http(format!(
            "{what} in the value of header {}",
            quote(name)
        )));
    }
    Ok((name, value))
}

fn body<'a>(headers: &[(&'a [u8], &'a [u8])], rest: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
    let named = |n: &'static [u8]| {
        headers
            .iter()
            .filter(move |(name, _)| name.eq_ignore_ascii_case(n))
            .map(|(_, v)| *v)
    };
    let mut codings = named(b"transfer-encoding")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(trim_ows)
        .filter(|c| !c.is_empty())
        .peekable();
    if codings.peek().is_some() {
        return match codings.last() {
            Some(c) if c.eq_ignore_ascii_case(b"chunked") => dechunk(rest).map(Cow::Owned),
            _ => Err(Error::http(
                "Transfer-Encoding does not end in chunked: the body length is unknown",
            )),
        };
    }
    let mut length: Option<u64> = None;
    for v in named(b"content-length").flat_map(|v| v.split(|&b| b == b',')) {
        let v = trim_ows(v);
        if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
            return Err(Error::http(format!("invalid Content-Length: {}", quote(v))));
        }
        let n: u64 = v
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
        match length {
            Some(prev) if prev != n => {
                return Err(Error::http(format!(
                    "conflicting Content-Length values: {prev} and {n}"
                )))
            }
            _ => length = Some(n),
        }
    }
    match length {
        Some(n) => match usize::try_from(n) {
            Ok(n) if n <= rest.len() => Ok(Cow::Borrowed(&rest[..n])),
            _ => Err(Error::http(format!(
                "truncated body: declared {n}, got {}",
                rest.len()
            ))),
        },
        None => Ok(Cow::Borrowed(rest)),
    }
}

/// Decodes a chunked body; chunk extensions and trailers are ignored.
fn dechunk(rest: &[u8]) -> Result<Vec<u8>, Error> {
    // The decoded body is never longer than its encoding.
    let mut out = Vec::with_capacity(rest.len().min(1 << 16));
    let mut p = 0;
    loop {
        let (line, next) = match line_at(rest, p) {
            Some(l) => l,
            // A last chunk `0` without its line break is still a last chunk.
            None if rest.len() > p => (&rest[p..], rest.len()),
            None => return Err(Error::http("truncated chunked body: no last chunk")),
        };
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let after = line[digits..].trim_ascii_start();
        if digits == 0 || !(after.is_empty() || after[0] == b';') {
            return Err(Error::http(format!("bad chunk size: {}", quote(line))));
        }
        let size = line[..digits].iter().try_fold(0usize, |acc, &d| {
            let v = (d as char).to_digit(16).unwrap_or(0) as usize;
            acc.checked_mul(16)?.checked_add(v)
        });
        let Some(size) = size else {
            return Err(Error::http(format!(
                "chunk size too large: {}",
                quote(line)
            )));
        };
        p = next;
        if size == 0 {
            // Trailer fields, up to the empty line (or the end), are not body.
            while let Some((line, next)) = line_at(rest, p) {
                p = next;
                if line.is_empty() {
                    break;
                }
            }
            return Ok(out);
        }
        let available = rest.len() - p;
        if available < size {
            return Err(Error::http(format!(
                "truncated chunk: declared {size}, got {available}"
            )));
        }
        out.extend_from_slice(&rest[p..p + size]);
        p += size;
        if rest[p..].starts_with(b"\r\n") {
            p += 2;
        } else if rest[p..].starts_with(b"\n") {
            p += 1;
        } else if p == rest.len() {
            return Err(Error::http("truncated chunked body: no last chunk"));
        } else {
            return Err(Error::http("chunk data longer than its declared size"));
        }
    }
}

/// RFC 9110 token characters (`tchar`): header names and methods are made
/// of them.
pub(crate) fn is_tchar(b: u8) -> bool {
    static TCHAR: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            t[i] = b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                );
            i += 1;
        }
        t
    };
    TCHAR[b as usize]
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |e| e + 1);
    &v[start..end]
}

/// Bytes for an error message: at most 64, escaped.
fn quote(b: &[u8]) -> String {
    let cut = &b[..b.len().min(64)];
    let mut s = format!("\"{}\"", cut.escape_ascii());
    if b.len() > cut.len() {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{cases, show};
    use super::*;

    fn render(raw: &[u8]) -> Vec<String> {
        match parse(raw) {
            Ok(req) => {
                let mut out = vec![
                    format!("method {}", show(req.method())),
                    format!("target {}", show(req.uri())),
                    format!("version {}", show(req.version())),
                ];
                for (n, v) in req.headers() {
                    let line = format!("header {} => {}", show(n), show(v));
                    out.push(line.trim_end().to_string());
                }
                if !req.body().is_empty() {
                    out.push(format!("body {}", show(req.body())));
                }
                out
            }
            Err(e) => {
                assert!(e.is_http());
                vec![format!("error {e}")]
            }
        }
    }

    #[test]
    fn parse_http1_data_file() {
        let all = cases(include_str!("../../testdata/parse/http1.txt"));
        assert!(all.len() > 10);
        for case in all {
            assert_eq!(render(&case.input), case.expected, "case: {}", case.title);
        }
    }

    #[test]
    fn parse_http1_bodies() {
        let req = parse(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!(req.body(), b"abc");
        let req =
            parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                .unwrap();
        assert_eq!(req.body(), b"abc");
        assert_eq!(req.path(), b"/");
    }

    #[test]
    fn parse_http1_limits() {
        let mut raw = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..1001 {
            raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        let err = parse(&raw).unwrap_err();
        assert!(err.to_string().contains("more than 1000 headers"), "{err}");
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET));
        assert!(parse(long.as_bytes()).is_err());
        let long = format!("{} / HTTP/1.1\r\n\r\n", "A".repeat(65));
        assert!(parse(long.as_bytes()).is_err());
    }

    #[test]
    fn parse_http1_random_inputs() {
        let alphabet: [&[u8]; 16] = [
            b"GET / HTTP/1.1",
            b"\r\n",
            b"\n",
            b"\r",
            b" ",
            b"Transfer-Encoding: chunked",
            b"Content-Length: ",
            b"3",
            b"a",
            b"0",
            b";",
            b":",
            b"\t",
            b"X: y",
            b"ff",
            b",",
        ];
        for raw in super::super::testkit::random_inputs(&alphabet, 20_000, 30) {
            if let Ok(req) = parse(&raw) {
                assert!(req.body().len() <= raw.len());
            }
        }
    }

    /// The raw parser and the body parsers together, as the engine runs them.
    #[test]
    fn parse_http1_then_inputs() {
        let body =
            b"--zz\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n' OR 1=1--\r\n--zz--\r\n";
        let mut raw = b"POST /up HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=\"zz\"\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for chunk in body.chunks(7) {
            raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            raw.extend_from_slice(chunk);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"0\r\n\r\n");
        let req = parse(&raw).unwrap();
        assert_eq!(req.body(), body);
        let mut inputs = crate::parse::Inputs::new(100);
        crate::parse::request(&req, &crate::Limits::default(), &mut inputs);
        let found = inputs.items.iter().any(|i| {
            i.part == crate::Part::Multipart && &*i.name == b"q" && &*i.value == b"' OR 1=1--"
        });
        assert!(found, "{:?}", inputs.items);
    }

    #[test]
    fn parse_http1_never_panics_on_prefixes() {
        let raw = b"\r\nPOST http://h/a?b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 1\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n";
        for end in 0..=raw.len() {
            let _ = parse(&raw[..end]);
            let _ = parse(&raw[end..]);
        }
        for b in [b'\r', b'\n', b' ', b':', b'0', b'f', b';', 0] {
            let mut v = raw.to_vec();
            for i in 0..v.len() {
                let old = v[i];
                v[i] = b;
                let _ = parse(&v);
                v[i] = old;
            }
        }
    }
}
