//! Shared by the benchmark binaries: the labelled corpus format (see
//! `../shared/corpus/README.md`) and its conversion to [`mirrorguard::Request`].

pub mod shapes;
use serde::Deserialize;

/// One labelled request of a corpus file (one JSON line).
#[derive(Debug, Deserialize)]
pub struct Labelled {
    /// Unique id within the file.
    #[serde(default)]
    pub id: String,
    /// `attack` or `benign`.
    pub label: String,
    /// Attack class, or `benign`.
    pub class: String,
    /// The method.
    pub method: String,
    /// The request target as on the wire.
    pub uri: String,
    /// Ordered header pairs.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as text.
    #[serde(default)]
    pub body: Option<String>,
    /// The body as base64, when it is not UTF-8.
    #[serde(default)]
    pub body_b64: Option<String>,
    /// `HTTP/1.0` and the like, when not HTTP/1.1.
    #[serde(default)]
    pub http_version: Option<String>,
}

impl Labelled {
    /// Parses one line.
    ///
    /// # Errors
    /// The line is not a corpus record.
    pub fn from_line(line: &str) -> Result<Labelled, serde_json::Error> {
        serde_json::from_str(line)
    }

    /// The body bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body_b64, &self.body) {
            (Some(b64), _) => base64_decode(b64),
            (None, Some(text)) => text.clone().into_bytes(),
            (None, None) => Vec::new(),
        }
    }

    /// A request borrowing this record and `body`.
    pub fn request<'a>(&'a self, body: &'a [u8]) -> mirrorguard::Request<'a> {
        let mut b = mirrorguard::Request::builder()
            .method(self.method.as_str())
            .uri(self.uri.as_str())
            .body(body);
        if let Some(v) = &self.http_version {
            b = b.version(v.as_str());
        }
        for (n, v) in &self.headers {
            b = b.header(n.as_str(), v.as_str());
        }
        b.build()
    }
}

/// Standard base64 (padding optional); invalid characters are skipped.
fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(super::base64_decode("aGVsbG8="), b"hello");
        assert_eq!(super::base64_decode("aGk"), b"hi");
    }
}
