//! UTF-7 (RFC 2152), for documents that declare it (`<?xml version="1.0"
//! encoding="UTF-7"?>`): a parser honouring the declaration reads
//! `+ADwAIQ-DOCTYPE` as `<!DOCTYPE`, while a filter reading the bytes sees
//! letters. Decoded only on such a declaration: `+` followed by letters is
//! everyday text elsewhere.

/// The UTF-8 text of UTF-7 `input`; `None` when it has no shifted run
/// (nothing to decode) or a shifted run holds a lone surrogate.
pub(crate) fn decode(input: &[u8]) -> Option<Vec<u8>> {
    memchr::memchr(b'+', input)?;
    let mut out = Vec::with_capacity(input.len());
    let mut changed = false;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b != b'+' {
            out.push(b);
            i += 1;
            continue;
        }
        i += 1;
        // `+-` is a literal `+`.
        if input.get(i) == Some(&b'-') {
            out.push(b'+');
            i += 1;
            continue;
        }
        let (mut bits, mut nbits, mut high) = (0u32, 0u32, None::<u16>);
        while let Some(v) = input.get(i).and_then(|&c| sextet(c)) {
            bits = (bits << 6) | u32::from(v);
            nbits += 6;
            if nbits >= 16 {
                nbits -= 16;
                let unit = (bits >> nbits) as u16;
                bits &= (1 << nbits) - 1;
                match (high.take(), unit) {
                    (None, 0xD800..=0xDBFF) => high = Some(unit),
                    (None, 0xDC00..=0xDFFF) => return None,
                    (None, u) => push_char(&mut out, u32::from(u))?,
                    (Some(h), 0xDC00..=0xDFFF) => {
                        let cp =
                            0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                        push_char(&mut out, cp)?;
                    }
                    (Some(_), _) => return None,
                }
                changed = true;
            }
            i += 1;
        }
        if high.is_some() {
            return None;
        }
        // The run's terminating `-` is absorbed.
        if input.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    changed.then_some(out)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn push_char(out: &mut Vec<u8>, cp: u32) -> Option<()> {
    let c = char::from_u32(cp)?;
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    Some(())
}

/// Whether an XML declaration at the document's start names UTF-7.
pub(crate) fn declared_in_xml(doc: &[u8]) -> bool {
    let t = doc.trim_ascii_start();
    if t.len() < 5 || !t[..5].eq_ignore_ascii_case(b"<?xml") {
        return false;
    }
    let end = memchr::memmem::find(&t[..t.len().min(256)], b"?>").unwrap_or(0);
    let decl = &t[..end];
    let Some(at) = decl
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"encoding"))
    else {
        return false;
    };
    let rest = decl[at + 8..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=").unwrap_or(rest).trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let name_len = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    name.eq_ignore_ascii_case(b"utf-7") || name.eq_ignore_ascii_case(b"utf7")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_runs() {
        assert_eq!(decode(b"+ADwAIQ-DOCTYPE x").unwrap(), b"<!DOCTYPE x");
        assert_eq!(decode(b"+ADw-foo+AD4").unwrap(), b"<foo>");
        // Only a literal `+`: nothing was shifted.
        assert_eq!(decode(b"1 +- 1"), None);
        assert_eq!(
            decode(b"Hi Mom -+Jjo--!").unwrap(),
            "Hi Mom -\u{263A}-!".as_bytes()
        );
        assert_eq!(decode(b"plain text"), None);
        // A lone surrogate is no text.
        assert_eq!(decode(b"+2D0-"), None);
    }

    #[test]
    fn declaration() {
        assert!(declared_in_xml(
            b"<?xml version=\"1.0\" encoding=\"UTF-7\"?><a/>"
        ));
        assert!(declared_in_xml(b"  <?xml encoding='utf-7' ?>"));
        assert!(!declared_in_xml(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        ));
        assert!(!declared_in_xml(b"<a>encoding=\"UTF-7\"</a>"));
    }
}
