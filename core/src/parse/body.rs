//! The body, by Content-Type, and by what it looks like when the type is
//! missing or lies.

use std::borrow::Cow;

use super::{json, multipart, protobuf, urlencoded, xml, Encoding, Inputs, Name, Sink};
use crate::config::Limits;
use crate::decode::Chain;
use crate::verdict::Part;

/// The format a body is parsed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Form,
    Multipart,
    Json,
    Xml,
    Raw,
}

/// Parses `body` by its declared type, falling back to sniffing: a JSON body
/// sent as `text/plain` or a form sent as JSON is still read for what it is.
pub(crate) fn parse<'a>(
    body: &'a [u8],
    content_type: Option<&'a [u8]>,
    limits: &Limits,
    out: &mut Inputs<'a>,
) {
    let declared = content_type.map(declared_format);
    if declared == Some(Format::Multipart) {
        if let Some(boundary) = content_type.and_then(multipart::boundary) {
            let mut sink = Sink {
                inputs: out,
                part: Part::Multipart,
                prefix: b"",
                encoding: Encoding::Plain,
                chain: Chain::EMPTY,
                depth: 0,
            };
            if multipart::parse(body, boundary, limits, &mut sink) {
                return;
            }
        }
    }
    // gRPC and protobuf: the text fields, and the raw body as well (for
    // what the framing hides from a field walk: compressed or odd frames).
    if content_type.is_some_and(protobuf::is_protobuf_type) {
        let mut sink = Sink {
            inputs: out,
            part: Part::Body,
            prefix: b"",
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        };
        protobuf::parse(body, &mut sink);
        sink.emit(Name::Borrowed(b""), Cow::Borrowed(body), false);
        return;
    }
    let sniffed = sniff(body);
    let format = match declared {
        Some(f @ (Format::Json | Format::Xml | Format::Form)) if f == sniffed => f,
        // Sniffing takes `<a ...>` for HTML; declared XML over markup is
        // XML whatever its root element is called.
        Some(Format::Xml) if body.trim_ascii_start().first() == Some(&b'<') => Format::Xml,
        // The declared type lies, or says nothing useful: trust the bytes.
        _ => sniffed,
    };
    parse_as(format, body, Part::Body, b"", Chain::EMPTY, 0, limits, out);
    // Sent as plain text (or untyped), the body reaches the app as it is,
    // not split into fields: a form- or XML-looking text is judged whole
    // too (`1=1`, `a'+'b`, `<?xml :system('ls');`).
    if matches!(declared, None | Some(Format::Raw)) && matches!(format, Format::Form | Format::Xml)
    {
        let mut sink = Sink {
            inputs: out,
            part: Part::Body,
            prefix: b"",
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        };
        sink.emit(Name::Borrowed(b""), Cow::Borrowed(body), false);
    }
}

/// Parses `bytes` as `format`, emitting into `out`. Used for bodies and for
/// nested formats found inside a decoded value (JSON in a form field).
#[allow(clippy::too_many_arguments)]
pub(crate) fn parse_as<'a>(
    format: Format,
    bytes: &'a [u8],
    raw_part: Part,
    prefix: &[u8],
    chain: Chain,
    depth: u8,
    limits: &Limits,
    out: &mut Inputs<'a>,
) {
    let part = match format {
        Format::Form => Part::Form,
        Format::Json => Part::Json,
        Format::Xml => Part::Xml,
        Format::Multipart | Format::Raw => raw_part,
    };
    // Nested values keep their outer part, named by the outer name, even
    // when that name is empty (the whole path, an unnamed part): a JSON
    // path is not a JSON body.
    let part = if prefix.is_empty() && depth == 0 {
        part
    } else {
        raw_part
    };
    let mut sink = Sink {
        inputs: out,
        part,
        prefix,
        encoding: Encoding::Plain,
        chain,
        depth,
    };
    let parsed = match format {
        Format::Json => json::parse(bytes, limits, &mut sink),
        Format::Xml => xml::parse(bytes, limits, &mut sink),
        Format::Form => {
            sink.encoding = Encoding::Form;
            if prefix.is_empty() && depth == 0 {
                urlencoded::parse(bytes, Part::Form, sink.inputs);
                true
            } else {
                false
            }
        }
        Format::Multipart | Format::Raw => false,
    };
    // Unreadable as `format`: a body is judged raw. A nested value was
    // judged already, as itself: emitting it again would judge it once more
    // per decoding round (`{{...` sniffs as JSON at every depth).
    if !parsed && depth == 0 {
        sink.emit(Name::Borrowed(b""), Cow::Borrowed(bytes), false);
    }
}

fn declared_format(ct: &[u8]) -> Format {
    let ct = ct.trim_ascii();
    let essence = ct.split(|&b| b == b';').next().unwrap_or(b"").trim_ascii();
    let has = |needle: &[u8]| {
        essence
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if has(b"multipart/") {
        Format::Multipart
    } else if has(b"x-www-form-urlencoded") {
        Format::Form
    } else if has(b"json") {
        Format::Json
    } else if has(b"xml") {
        Format::Xml
    } else {
        Format::Raw
    }
}

/// What the bytes look like.
pub(crate) fn sniff(body: &[u8]) -> Format {
    let t = body.trim_ascii_start();
    match t.first() {
        Some(b'{') | Some(b'[') if json::looks_like(t) => Format::Json,
        Some(b'<') if xml::looks_like(t) => Format::Xml,
        Some(_) if looks_like_form(t) => Format::Form,
        _ => Format::Raw,
    }
}

/// `a=b&c=d`: no whitespace or control bytes, a `=` in the first pair, and
/// names made of name characters.
fn looks_like_form(t: &[u8]) -> bool {
    let Some(eq) = memchr::memchr(b'=', t) else {
        return false;
    };
    eq > 0
        && t[..eq].iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']' | b'%')
        })
        && !t.iter().any(|&b| b.is_ascii_whitespace() || b < 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_formats() {
        assert_eq!(
            declared_format(b"application/json; charset=utf-8"),
            Format::Json
        );
        assert_eq!(declared_format(b"application/vnd.api+json"), Format::Json);
        assert_eq!(declared_format(b"text/xml"), Format::Xml);
        assert_eq!(
            declared_format(b"multipart/form-data; boundary=x"),
            Format::Multipart
        );
        assert_eq!(
            declared_format(b"Application/X-WWW-Form-Urlencoded"),
            Format::Form
        );
        assert_eq!(declared_format(b"text/plain"), Format::Raw);
    }

    #[test]
    fn unreadable_values_are_raw_only_at_the_top() {
        let limits = Limits::default();
        for depth in [0u8, 1] {
            let mut out = Inputs::new(100);
            let bytes = b"{{${not json";
            parse_as(
                Format::Json,
                bytes,
                Part::Form,
                b"q",
                Chain::EMPTY,
                depth,
                &limits,
                &mut out,
            );
            // The nested value is its parent, judged already.
            let expected = if depth == 0 { 1 } else { 0 };
            assert_eq!(out.items.len(), expected, "depth {depth}");
        }
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(br#" {"a": 1}"#), Format::Json);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><a/>"), Format::Xml);
        assert_eq!(sniff(b"a=1&b=2"), Format::Form);
        assert_eq!(sniff(b"hello world"), Format::Raw);
        assert_eq!(sniff(b"x = 1"), Format::Raw);
    }
}
