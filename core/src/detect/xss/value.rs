//! Attribute values as the browser sees them: character references decoded
//! (the browser does this before the URL or script parser sees the value),
//! and URL scheme normalization (leading controls stripped, tab and newline
//! removed anywhere, case folded).

use std::borrow::Cow;

use crate::search::contains_ci;

/// Named references an attacker uses to hide the bytes a detector looks for
/// (`java&Tab;script&colon;`, `alert&lpar;1&rpar;`). Browsers know some two
/// thousand; the ones that map to ASCII punctuation are what matter here.
const NAMED: &[(&[u8], u8)] = &[
    (b"tab", b'\t'),
    (b"newline", b'\n'),
    (b"colon", b':'),
    (b"semi", b';'),
    (b"lpar", b'('),
    (b"rpar", b')'),
    (b"quot", b'"'),
    (b"apos", b'\''),
    (b"amp", b'&'),
    (b"lt", b'<'),
    (b"gt", b'>'),
    (b"sol", b'/'),
    (b"bsol", b'\\'),
    (b"period", b'.'),
    (b"comma", b','),
    (b"excl", b'!'),
    (b"num", b'#'),
    (b"equals", b'='),
    (b"plus", b'+'),
    (b"lsqb", b'['),
    (b"lbrack", b'['),
    (b"rsqb", b']'),
    (b"rbrack", b']'),
    (b"lcub", b'{'),
    (b"lbrace", b'{'),
    (b"rcub", b'}'),
    (b"rbrace", b'}'),
    (b"grave", b'`'),
    (b"lowbar", b'_'),
    (b"percnt", b'%'),
    (b"dollar", b'$'),
    (b"quest", b'?'),
    (b"ast", b'*'),
    (b"vert", b'|'),
    (b"nbsp", b' '),
];

/// Decodes character references: `&#106;`, `&#x6A;`, `&#0000106` (with or
/// without `;`, any number of leading zeros), and the names above
/// (case-insensitive, `;` optional). Non-ASCII code points become `?`:
/// nothing here needs them.
pub(crate) fn decode_refs(v: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'&', v) else {
        return Cow::Borrowed(v);
    };
    let mut out = Vec::with_capacity(v.len());
    out.extend_from_slice(&v[..first]);
    let mut i = first;
    while i < v.len() {
        if v[i] != b'&' {
            out.push(v[i]);
            i += 1;
            continue;
        }
        match reference(&v[i + 1..]) {
            Some((byte, used)) => {
                // `&#0;` was dropped by old parsers: `j&#0;avascript:`.
                if byte != 0 {
                    out.push(byte);
                }
                i += 1 + used;
            }
            None => {
                out.push(b'&');
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The byte a reference after `&` stands for, and the bytes it used.
fn reference(r: &[u8]) -> Option<(u8, usize)> {
    if r.first() == Some(&b'#') {
        let hex = matches!(r.get(1), Some(b'x' | b'X'));
        let start = if hex { 2 } else { 1 };
        let mut n: u32 = 0;
        let mut p = start;
        while let Some(&b) = r.get(p) {
            let d = if hex {
                (b as char).to_digit(16)
            } else {
                (b as char).to_digit(10)
            };
            let Some(d) = d else { break };
            n = n
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
            p += 1;
        }
        if p == start {
            return None;
        }
        if r.get(p) == Some(&b';') {
            p += 1;
        }
        let byte = match n {
            0..=0x7f => n as u8,
            _ => b'?',
        };
        return Some((byte, p));
    }
    let len = r
        .iter()
        .take(8)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if len == 0 {
        return None;
    }
    let name = &r[..len];
    let &(_, byte) = NAMED.iter().find(|(n, _)| name.eq_ignore_ascii_case(n))?;
    let used = if r.get(len) == Some(&b';') {
        len + 1
    } else {
        len
    };
    Some((byte, used))
}

/// The scheme of a URL the way a browser's URL parser finds it: leading
/// C0 controls and spaces skipped, tab/LF/CR removed anywhere, lower-cased.
/// Returns the scheme and the offset in `v` where the rest begins, or None
/// when `v` does not start with a scheme.
pub(crate) fn scheme(v: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut i = 0;
    while i < v.len() && v[i] <= b' ' {
        i += 1;
    }
    let mut s = Vec::new();
    while i < v.len() {
        let b = v[i];
        i += 1;
        match b {
            b'\t' | b'\n' | b'\r' => continue,
            b':' => return (!s.is_empty()).then_some((s, i)),
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => {
                if s.len() >= 16 {
                    return None;
                }
                s.push(b.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

/// Whether a URL (references already decoded) runs script when loaded or
/// followed: `javascript:`, `vbscript:`, `livescript:`, or a `data:` URL whose
/// type is a document or script (`data:text/html`, `data:image/svg+xml`).
/// Returns the offset where the dangerous part ends.
pub(crate) fn script_url(v: &[u8]) -> Option<usize> {
    let (s, rest) = scheme(v)?;
    match &s[..] {
        b"javascript" | b"vbscript" | b"livescript" | b"mocha" => Some(rest),
        b"data" => {
            let mime: Vec<u8> = v[rest..]
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .take(40)
                .take_while(|&&b| b != b',' && b != b';')
                .map(u8::to_ascii_lowercase)
                .collect();
            // A document type, or markup in the data of an untyped URL.
            let active = [&b"html"[..], b"svg", b"xml", b"javascript", b"ecmascript"]
                .iter()
                .any(|t| contains_ci(&mime, t))
                || mime.is_empty() && memchr::memchr(b'<', &v[rest..]).is_some();
            active.then_some(rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            &decode_refs(b"&#106;ava&#x73;cript&colon;")[..],
            b"javascript:"
        );
        assert_eq!(&decode_refs(b"java&Tab;script")[..], b"java\tscript");
        assert_eq!(&decode_refs(b"&#0000106&#0000097")[..], b"ja");
        assert_eq!(&decode_refs(b"a & b &amp c")[..], b"a & b & c");
        assert_eq!(&decode_refs(b"&#x;&#;&")[..], b"&#x;&#;&");
        assert_eq!(&decode_refs(b"&#99999999999999999999;")[..], b"?");
        assert_eq!(&decode_refs(b"j&#0;a")[..], b"ja");
    }

    #[test]
    fn schemes() {
        assert!(script_url(b"  java\tscript:alert(1)").is_some());
        assert!(script_url(b"\x01JaVaScRiPt:x").is_some());
        assert!(script_url(b"data:text/html;base64,PHN2Zz4=").is_some());
        assert!(script_url(b"data:image/png;base64,iVBOR").is_none());
        assert!(script_url(b"https://example.com/javascript:").is_none());
        assert!(script_url(b"java script:x").is_none());
    }
}
