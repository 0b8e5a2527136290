//! `%XX` and IIS's `%uXXXX`.

use std::borrow::Cow;

/// Decodes one level of `%XX` and `%uXXXX` (as UTF-8). Malformed escapes are
/// kept as they are, as servers keep them.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'%', input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    let mut changed = false;
    while i < input.len() {
        let b = input[i];
        if b == b'%' {
            if let (Some(h), Some(l)) = (hex(input.get(i + 1)), hex(input.get(i + 2))) {
                out.push(h << 4 | l);
                i += 3;
                changed = true;
                continue;
            }
            if matches!(input.get(i + 1), Some(b'u' | b'U')) {
                let digits: Option<Vec<u8>> = (2..6).map(|k| hex(input.get(i + k))).collect();
                if let Some(d) = digits {
                    let cp = d.iter().fold(0u32, |acc, &x| acc << 4 | u32::from(x));
                    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    i += 6;
                    changed = true;
                    continue;
                }
            }
        }
        out.push(b);
        i += 1;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(input)
    }
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    #[test]
    fn table() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"abc", b"abc"),
            (b"%27", b"'"),
            (b"%2527", b"%27"),
            (b"%u0027x", b"'x"),
            (b"%uFF1C", "\u{FF1C}".as_bytes()),
            (b"100%", b"100%"),
            (b"%zz%4", b"%zz%4"),
            (b"%00a", b"\0a"),
            (b"a%2fb%2F", b"a/b/"),
        ];
        for (input, want) in cases {
            assert_eq!(&super::decode(input)[..], *want, "{:?}", input);
        }
    }

    #[test]
    fn unchanged_is_borrowed() {
        assert!(matches!(super::decode(b"50% off"), Cow::Borrowed(_)));
    }
}
