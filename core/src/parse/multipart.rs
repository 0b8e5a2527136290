//! `multipart/form-data` bodies (RFC 7578, RFC 2046 framing).
//!
//! Names, for a part whose field name is `F`:
//! - `F`: the field value (a file's content when it looks like text), and,
//!   when `F` is not a plain word, `F` itself as a key;
//! - `F.filename`: the `filename=` parameter as sent and the `filename*=`
//!   parameter percent-decoded (each distinct one, when there are several);
//! - `F.<header>`: other part headers, header name lower-cased
//!   (`F.content-type`), except a plain `type/subtype` Content-Type, which
//!   holds nothing to judge.
//!
//! A part without a `name=` has the field name `""`. Values are slices of
//! the body except for a decoded `filename*`.

use std::borrow::Cow;

use memchr::memmem;

use super::{Name, Sink};
use crate::config::Limits;

/// Bytes of a file looked at to decide whether it is text.
const SNIFF_BYTES: usize = 4096;

/// Part headers read per part; more is a flood, not a form.
const MAX_PART_HEADERS: usize = 32;

/// File names kept per part (repeated `filename` parameters).
const MAX_FILENAMES: usize = 4;

/// RFC 2046 allows 70; some clients send more.
const MAX_BOUNDARY: usize = 200;

/// The `boundary` parameter of a multipart Content-Type, quoted or not.
pub(crate) fn boundary(content_type: &[u8]) -> Option<&[u8]> {
    let semi = memchr::memchr(b';', content_type)?;
    let mut rest = &content_type[semi + 1..];
    while let Some((name, value, next)) = next_param(rest) {
        if name.eq_ignore_ascii_case(b"boundary") {
            return (1..=MAX_BOUNDARY).contains(&value.len()).then_some(value);
        }
        rest = next;
    }
    None
}

/// One `name=value` parameter from a `;`-separated list: the name, the
/// value (inside the quotes when quoted, backslashes kept) and the rest
/// after the next `;`. A parameter without `=` has an empty value.
fn next_param(s: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let s = s.trim_ascii_start();
    if s.is_empty() {
        return None;
    }
    let stop = memchr::memchr2(b'=', b';', s).unwrap_or(s.len());
    let name = s[..stop].trim_ascii();
    if stop == s.len() || s[stop] == b';' {
        let rest = s.get(stop + 1..).unwrap_or_default();
        return Some((name, b"", rest));
    }
    let v = s[stop + 1..].trim_ascii_start();
    if v.first() == Some(&b'"') {
        let mut i = 1;
        while i < v.len() && v[i] != b'"' {
            i += if v[i] == b'\\' { 2 } else { 1 };
        }
        let end = i.min(v.len());
        let value = &v[1..end];
        let after = v.get(end + 1..).unwrap_or_default();
        let rest = memchr::memchr(b';', after).map_or(&b""[..], |k| &after[k + 1..]);
        Some((name, value, rest))
    } else {
        let end = memchr::memchr(b';', v).unwrap_or(v.len());
        let rest = v.get(end + 1..).unwrap_or_default();
        Some((name, v[..end].trim_ascii(), rest))
    }
}

/// Splits `body` on `--boundary` lines and emits each part's field name,
/// file name, unusual headers and value. False when no boundary line is
/// found, so the caller falls back to sniffing the body.
pub(crate) fn parse<'a>(
    body: &'a [u8],
    boundary: &[u8],
    _limits: &Limits,
    sink: &mut Sink<'_, 'a>,
) -> bool {
    if boundary.is_empty() {
        return false;
    }
    let mut delim = Vec::with_capacity(boundary.len() + 2);
    delim.extend_from_slice(b"--");
    delim.extend_from_slice(boundary);
    let finder = memmem::Finder::new(&delim);
    let Some(mut d) = next_delimiter(body, 0, &finder) else {
        return false;
    };
    loop {
        let mut p = d + delim.len();
        if body[p..].starts_with(b"--") {
            break;
        }
        p = after_line_break(body, p);
        let next = next_delimiter(body, p, &finder);
        let end = match next {
            Some(next) => strip_line_break(body, p, next),
            // No closing delimiter: the part runs to the end.
            None => strip_line_break(body, p, body.len()),
        };
        if !part(&body[p..end], sink) {
            return true;
        }
        match next {
            Some(next) => d = next,
            None => break,
        }
    }
    true
}

/// The next delimiter at or after `from`: at the start of a line and
/// followed by `--`, the end of the line, or the end of the body (a
/// boundary that merely starts a longer one is not a delimiter).
fn next_delimiter(body: &[u8], mut from: usize, finder: &memmem::Finder<'_>) -> Option<usize> {
    let len = finder.needle().len();
    while let Some(k) = finder.find(&body[from..]) {
        let at = from + k;
        let line_start = at == 0 || body[at - 1] == b'\n';
        let after = &body[at + len..];
        let ws = after
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let ends = after.starts_with(b"--") || matches!(after.get(ws), None | Some(b'\r' | b'\n'));
        if line_start && ends {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Past transport padding and the line break ending a delimiter line.
fn after_line_break(body: &[u8], mut p: usize) -> usize {
    while p < body.len() && (body[p] == b' ' || body[p] == b'\t') {
        p += 1;
    }
    if body[p..].starts_with(b"\r\n") {
        p + 2
    } else if body[p..].starts_with(b"\n") {
        p + 1
    } else {
        p
    }
}

/// The end of a part's content: before the line break that precedes the
/// next delimiter (or the end of a body missing its last delimiter) at
/// `next`; that line break belongs to the delimiter.
fn strip_line_break(body: &[u8], start: usize, next: usize) -> usize {
    let mut end = next;
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}

/// One part: headers, a blank line, content. False when the inputs are full.
fn part<'a>(part: &'a [u8], sink: &mut Sink<'_, 'a>) -> bool {
    let mut disposition: Option<&'a [u8]> = None;
    let mut others: Vec<(&'a [u8], &'a [u8])> = Vec::new();
    let mut i = 0;
    let content = loop {
        let Some(k) = memchr::memchr(b'\n', &part[i..]) else {
            // No blank line: not a well-formed part, but what a lenient
            // server might still read. Judge it whole.
            if part.trim_ascii().is_empty() {
                return true;
            }
            return sink.emit(Name::Borrowed(b""), Cow::Borrowed(part), false);
        };
        let raw = &part[i..i + k];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        i += k + 1;
        if line.is_empty() {
            break &part[i..];
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        let value = line[colon + 1..].trim_ascii();
        if name.eq_ignore_ascii_case(b"content-disposition") {
            disposition.get_or_insert(value);
        } else if others.len() < MAX_PART_HEADERS {
            others.push((name, value));
        }
    };

    let mut field: &'a [u8] = b"";
    let mut other_name: Option<&'a [u8]> = None;
    // Repeated `filename` parameters are kept too: which one an upload
    // handler uses varies, and the one it checks may not be the one it saves.
    let mut filenames: Vec<Cow<'a, [u8]>> = Vec::new();
    if let Some(d) = disposition {
        // Skip the disposition type (`form-data`).
        let mut rest = memchr::memchr(b';', d).map_or(&b""[..], |k| &d[k + 1..]);
        while let Some((name, value, next)) = next_param(rest) {
            rest = next;
            if name.eq_ignore_ascii_case(b"name") {
                if field.is_empty() {
                    field = value;
                } else if value != field {
                    // Parsers disagree on which of two names wins; an
                    // exclusion on one must not hide the value from the other.
                    other_name = Some(value);
                }
                continue;
            }
            let filename = if name.eq_ignore_ascii_case(b"filename") {
                Cow::Borrowed(value)
            } else if name.eq_ignore_ascii_case(b"filename*") {
                Cow::Owned(ext_value(value))
            } else {
                continue;
            };
            if filenames.len() < MAX_FILENAMES && !filenames.contains(&filename) {
                filenames.push(filename);
            }
        }
    }

    if !super::is_plain_name(field) && !sink.emit(Cow::Borrowed(field), Cow::Borrowed(field), true)
    {
        return false;
    }
    let is_file = !filenames.is_empty();
    for f in filenames {
        if !sink.emit(Cow::Owned(suffixed(field, b"filename")), f, false) {
            return false;
        }
    }
    for (name, value) in others {
        if name.eq_ignore_ascii_case(b"content-type") && is_plain_media_type(value) {
            continue;
        }
        let name = suffixed(field, &name.to_ascii_lowercase());
        if !sink.emit(Cow::Owned(name), Cow::Borrowed(value), false) {
            return false;
        }
    }

    // A text file is judged whole, like a field: a payload padded past
    // any fixed cap would walk around it. The body limit bounds the work.
    if is_file && !looks_textual(content) {
        return true;
    }
    let value = content;
    if !sink.emit(Cow::Borrowed(field), Cow::Borrowed(value), false) {
        return false;
    }
    match other_name {
        Some(other) => sink.emit(Cow::Borrowed(other), Cow::Borrowed(value), false),
        None => true,
    }
}

/// `field` + `.` + `suffix`.
fn suffixed(field: &[u8], suffix: &[u8]) -> Vec<u8> {
    let mut name = Vec::with_capacity(field.len() + suffix.len() + 1);
    name.extend_from_slice(field);
    name.push(b'.');
    name.extend_from_slice(suffix);
    name
}

/// Field names like `user`, `files[]` or `a.b` hold nothing to judge.
/// `image/png`, `application/vnd.api+json`: nothing but a media type.
fn is_plain_media_type(v: &[u8]) -> bool {
    let ok = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_'))
    };
    match memchr::memchr(b'/', v) {
        Some(k) => ok(&v[..k]) && ok(&v[k + 1..]),
        None => false,
    }
}

/// An RFC 5987 `charset'language'percent-encoded` value, decoded. The
/// charset is not applied: the bytes are what the app gets for UTF-8, and
/// the decoders downstream handle the rest.
fn ext_value(v: &[u8]) -> Vec<u8> {
    let mut quotes = memchr::memchr_iter(b'\'', v);
    let start = match (quotes.next(), quotes.next()) {
        (Some(_), Some(second)) => second + 1,
        _ => 0,
    };
    percent_decode(&v[start..])
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Text, not an image or an archive: no NUL and few control bytes in the
/// first few KiB; bytes above 0x7f count as text when they are UTF-8.
fn looks_textual(content: &[u8]) -> bool {
    let sample = &content[..content.len().min(SNIFF_BYTES)];
    if sample.is_empty() {
        return true;
    }
    if memchr::memchr(0, sample).is_some() {
        return false;
    }
    let mut bad = 0usize;
    for chunk in sample.utf8_chunks() {
        bad += chunk
            .valid()
            .bytes()
            .filter(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
            .count();
        bad += chunk.invalid().len();
    }
    // A sample cut in the middle of a UTF-8 sequence ends in an invalid run.
    bad.saturating_sub(3) * 20 <= sample.len()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{cases, render, sink};
    use super::*;
    use crate::parse::Inputs;
    use crate::verdict::Part;

    fn run<'a>(body: &'a [u8], boundary: &[u8], limits: &Limits) -> (bool, Inputs<'a>) {
        let mut inputs = Inputs::new(limits.max_inputs);
        let ok = parse(
            body,
            boundary,
            limits,
            &mut sink(&mut inputs, Part::Multipart),
        );
        (ok, inputs)
    }

    /// Data cases: the first input line is the Content-Type header value,
    /// the rest is the body.
    #[test]
    fn parse_multipart_data_file() {
        let limits = Limits::default();
        let all = cases(include_str!("../../testdata/parse/multipart.txt"));
        assert!(all.len() > 10);
        for case in all {
            let nl = memchr::memchr(b'\n', &case.input).expect("content type line");
            let ct = case.input[..nl]
                .strip_suffix(b"\r")
                .unwrap_or(&case.input[..nl]);
            let body = &case.input[nl + 1..];
            let mut got = Vec::new();
            match boundary(ct) {
                Some(b) => {
                    let (ok, inputs) = run(body, b, &limits);
                    got = render(&inputs);
                    if !ok {
                        got.push("returns false".into());
                    }
                }
                None => got.push("no boundary".into()),
            }
            assert_eq!(got, case.expected, "case: {}", case.title);
        }
    }

    #[test]
    fn multipart_boundary() {
        let b = |ct: &'static str| {
            boundary(ct.as_bytes()).map(|b| String::from_utf8_lossy(b).into_owned())
        };
        assert_eq!(b("multipart/form-data; boundary=abc"), Some("abc".into()));
        assert_eq!(
            b("multipart/form-data;boundary=\"a b;c\""),
            Some("a b;c".into())
        );
        assert_eq!(
            b("multipart/form-data; charset=utf-8; BOUNDARY = x1 ; y=z"),
            Some("x1".into())
        );
        assert_eq!(
            b("multipart/form-data; xboundary=no; boundary=yes"),
            Some("yes".into())
        );
        assert_eq!(
            b("multipart/form-data; name=\"x;boundary=no\"; boundary=yes"),
            Some("yes".into())
        );
        assert_eq!(b("multipart/form-data; boundary="), None);
        assert_eq!(b("multipart/form-data; boundary=\"\""), None);
        assert_eq!(b("multipart/form-data"), None);
        assert_eq!(
            b("multipart/form-data; boundary=\"unterminated"),
            Some("unterminated".into())
        );
        let long = format!("multipart/form-data; boundary={}", "x".repeat(201));
        assert_eq!(boundary(long.as_bytes()), None);
        let ok = format!("multipart/form-data; boundary={}", "x".repeat(200));
        assert_eq!(boundary(ok.as_bytes()).map(<[u8]>::len), Some(200));
    }

    #[test]
    fn parse_multipart_stops_at_max_inputs() {
        let mut body = Vec::new();
        for i in 0..100_000 {
            body.extend_from_slice(
                format!("--b\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv{i}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(b"--b--\r\n");
        let limits = Limits {
            max_inputs: 4096,
            ..Limits::default()
        };
        let start = std::time::Instant::now();
        let (ok, inputs) = run(&body, b"b", &limits);
        assert!(ok && inputs.truncated);
        assert_eq!(inputs.items.len(), 4096);
        assert_eq!(&*inputs.items[4095].value, b"v4095");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn parse_multipart_files() {
        let mut body = b"--b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--b\r\n".to_vec();
        body.extend_from_slice(
            b"Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\n",
        );
        body.extend_from_slice(&b"line of text\n".repeat(30_000));
        body.extend_from_slice(b"\r\n--b--\r\n");
        let (ok, inputs) = run(&body, b"b", &Limits::default());
        assert!(ok);
        let names: Vec<&[u8]> = inputs.items.iter().map(|i| &*i.name).collect();
        assert_eq!(names, [&b"img.filename"[..], b"doc.filename", b"doc"]);
        // Text files are judged whole, so padding cannot push a payload out.
        assert_eq!(inputs.items[2].value.len(), 30_000 * 13);
    }

    #[test]
    fn multipart_text_sniffing() {
        assert!(looks_textual(b"GIF89a;<?php system($_GET['c']); ?>"));
        assert!(looks_textual("héllo wörld\r\n\ttabs".as_bytes()));
        assert!(looks_textual(b""));
        assert!(!looks_textual(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_textual(b"\xff\xd8\xff\xe0\x10JFIF\x01\x01\x01\x48\x48\xff\xdb\x43\x08\x06\x06\x07\x06\x05\x08\x07\x07\x07\x09\x09\x08\x0a\x0c\x14\x0d\x0c\x0b\x0b\x0c\x19\x12\x13\x0f\x14\x1d\x1a\x1f\x1e\x1d\x1a\x1c\x1c\x20\x24\x2e\x27\x20\x22\x2c\x23\x1c\x1c\x28\x37\x29\x2c\x30\x31\x34\x34\x34\x1f\x27\x39\x3d\x38\x32\x3c\x2e\x33\x34\x32"));
    }

    #[test]
    fn parse_multipart_random_inputs() {
        let alphabet: [&[u8]; 14] = [
            b"--b",
            b"--",
            b"\r\n",
            b"\n",
            b"Content-Disposition: form-data",
            b"; name=",
            b"\"",
            b"x",
            b"; filename*=UTF-8''%",
            b"Content-Type: a/b",
            b":",
            b" ",
            b"\0",
            b"; filename=",
        ];
        let limits = Limits {
            max_inputs: 50,
            ..Limits::default()
        };
        for body in super::super::testkit::random_inputs(&alphabet, 20_000, 40) {
            let (_, inputs) = run(&body, b"b", &limits);
            assert!(inputs.items.len() <= 50);
            let _ = boundary(&body);
        }
    }

    #[test]
    fn parse_multipart_never_panics_on_prefixes() {
        let body = b"pre\r\n--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%e2%82\r\nX: y\r\n\r\nv\r\n--b\n\nraw\n--b--";
        for end in 0..=body.len() {
            let _ = run(&body[..end], b"b", &Limits::default());
            let _ = run(&body[end..], b"b", &Limits::default());
        }
    }
}
