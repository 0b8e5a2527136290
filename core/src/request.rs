//! [`Request`]: a borrowed view of one HTTP request, as bytes.

use std::borrow::Cow;

use crate::error::Error;

/// One HTTP request, borrowed from the caller's buffers.
///
/// Everything is bytes: what arrives on the wire is not always UTF-8, and an
/// attacker counts on engines that assume it is.
///
/// ```
/// use mirrorguard::Request;
/// let req = Request::builder()
///     .method("POST")
///     .uri("/login?next=%2F")
///     .header("Content-Type", "application/json")
///     .body(br#"{"user":"admin"}"#)
///     .client("203.0.113.9")
///     .build();
/// assert_eq!(req.method(), b"POST");
/// assert_eq!(req.header(b"content-type"), Some(&b"application/json"[..]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request<'a> {
    method: &'a [u8],
    uri: &'a [u8],
    version: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    body: Cow<'a, [u8]>,
    client: Option<&'a [u8]>,
    request_id: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    /// Starts a request: `GET /` over HTTP/1.1 with no headers or body.
    pub fn builder() -> RequestBuilder<'a> {
        RequestBuilder {
            req: Request {
                method: b"GET",
                uri: b"/",
                version: b"HTTP/1.1",
                ..Request::default()
            },
        }
    }

    /// Parses a raw HTTP/1.x request: request line, headers, and the body by
    /// `Content-Length` or chunked transfer encoding. Bytes after a framed
    /// body (a pipelined request) are ignored; with no framing, the bytes
    /// after the headers are the body. Folded (obs-fold) header lines are
    /// rejected.
    ///
    /// ```
    /// use mirrorguard::Request;
    /// let raw = b"POST /a?b=c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    /// let req = Request::parse_http1(raw).unwrap();
    /// assert_eq!(req.uri(), b"/a?b=c");
    /// assert_eq!(req.body(), b"abc");
    /// assert!(Request::parse_http1(b"GARBAGE").is_err());
    /// ```
    ///
    /// # Errors
    /// A malformed request line, header, or chunked body, described.
    pub fn parse_http1(raw: &'a [u8]) -> Result<Request<'a>, Error> {
        crate::parse::http1::parse(raw)
    }

    pub(crate) fn from_parts(
        method: &'a [u8],
        uri: &'a [u8],
        version: &'a [u8],
        headers: Vec<(&'a [u8], &'a [u8])>,
        body: Cow<'a, [u8]>,
    ) -> Request<'a> {
        Request {
            method,
            uri,
            version,
            headers,
            body,
            client: None,
            request_id: None,
        }
    }

    /// The method, as sent.
    pub fn method(&self) -> &[u8] {
        self.method
    }

    /// The request target exactly as on the wire (usually still percent-encoded).
    pub fn uri(&self) -> &[u8] {
        self.uri
    }

    /// The protocol version, such as `HTTP/1.1`.
    pub fn version(&self) -> &[u8] {
        self.version
    }

    /// Headers in order, repeated names kept, names as sent.
    pub fn headers(&self) -> &[(&'a [u8], &'a [u8])] {
        &self.headers
    }

    /// The first header with this name (ASCII case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The body (de-chunked when parsed from chunked wire bytes).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The original client's address, when the caller knows it.
    pub fn client(&self) -> Option<&'a [u8]> {
        self.client
    }

    /// The request id, when the caller knows it.
    pub fn request_id(&self) -> Option<&'a [u8]> {
        self.request_id
    }

    /// The path: the target up to `?` or `#`, without scheme and authority
    /// for absolute-form targets.
    pub fn path(&self) -> &'a [u8] {
        let target = strip_authority(self.uri);
        let end = memchr::memchr2(b'?', b'#', target).unwrap_or(target.len());
        &target[..end]
    }

    /// The query string after `?`, without the fragment.
    pub fn query(&self) -> Option<&'a [u8]> {
        let q = memchr::memchr(b'?', self.uri)?;
        let rest = &self.uri[q + 1..];
        let end = memchr::memchr(b'#', rest).unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// `http://host:port/path` -> `/path`; origin-form targets are unchanged.
fn strip_authority(uri: &[u8]) -> &[u8] {
    if uri.first() == Some(&b'/') {
        return uri;
    }
    let lower_start = |p: &[u8]| uri.len() >= p.len() && uri[..p.len()].eq_ignore_ascii_case(p);
    for scheme in [&b"http://"[..], b"https://"] {
        if lower_start(scheme) {
            let rest = &uri[scheme.len()..];
            let slash = memchr::memchr3(b'/', b'?', b'#', rest).unwrap_or(rest.len());
            return &rest[slash..];
        }
    }
    uri
}

/// Builds a [`Request`]; see [`Request::builder`].
///
/// Every setter takes anything that views as bytes (`&str`, `&[u8]`,
/// `&Vec<u8>`, `&String`).
#[derive(Clone, Debug)]
pub struct RequestBuilder<'a> {
    req: Request<'a>,
}

impl<'a> RequestBuilder<'a> {
    /// The method.
    pub fn method<B: AsRef<[u8]> + ?Sized>(mut self, method: &'a B) -> Self {
        self.req.method = method.as_ref();
        self
    }

    /// The request target as on the wire.
    pub fn uri<B: AsRef<[u8]> + ?Sized>(mut self, uri: &'a B) -> Self {
        self.req.uri = uri.as_ref();
        self
    }

    /// The protocol version.
    pub fn version<B: AsRef<[u8]> + ?Sized>(mut self, version: &'a B) -> Self {
        self.req.version = version.as_ref();
        self
    }

    /// Appends a header.
    pub fn header<N, V>(mut self, name: &'a N, value: &'a V) -> Self
    where
        N: AsRef<[u8]> + ?Sized,
        V: AsRef<[u8]> + ?Sized,
    {
        self.req.headers.push((name.as_ref(), value.as_ref()));
        self
    }

    /// The body.
    pub fn body<B: AsRef<[u8]> + ?Sized>(mut self, body: &'a B) -> Self {
        self.req.body = Cow::Borrowed(body.as_ref());
        self
    }

    /// The original client's address.
    pub fn client<B: AsRef<[u8]> + ?Sized>(mut self, client: &'a B) -> Self {
        self.req.client = Some(client.as_ref());
        self
    }

    /// The request id.
    pub fn request_id<B: AsRef<[u8]> + ?Sized>(mut self, id: &'a B) -> Self {
        self.req.request_id = Some(id.as_ref());
        self
    }

    /// The request.
    pub fn build(self) -> Request<'a> {
        self.req
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query() {
        let r = Request::builder().uri("/a/b?x=1&y=2#frag").build();
        assert_eq!(r.path(), b"/a/b");
        assert_eq!(r.query(), Some(&b"x=1&y=2"[..]));
        let r = Request::builder().uri("http://h.example:80/p?q").build();
        assert_eq!(r.path(), b"/p");
        assert_eq!(r.query(), Some(&b"q"[..]));
        let r = Request::builder().uri("*").build();
        assert_eq!(r.path(), b"*");
        assert_eq!(r.query(), None);
    }
}
