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
            if let Some(mut cp) = percent_u(&input[i..]) {
                let mut used = 6;
                // `%uD83D%uDE00` is one character: IIS read UTF-16 code units.
                if (0xD800..0xDC00).contains(&cp) {
                    if let Some(lo @ 0xDC00..=0xDFFF) = percent_u(&input[i + 6..]) {
                        cp = 0x1_0000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        used = 12;
                    }
                }
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += used;
                changed = true;
                continue;
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

/// The code unit of a `%uXXXX` at the start of `s`.
fn percent_u(s: &[u8]) -> Option<u32> {
    if s.first() != Some(&b'%') || !matches!(s.get(1), Some(b'u' | b'U')) {
        return None;
    }
    (2..6).try_fold(0u32, |acc, k| Some(acc << 4 | u32::from(hex(s.get(k))?)))
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
            (b"%uD83D%uDE00", "\u{1F600}".as_bytes()),
            (b"%ud83d%UDE00!", "\u{1F600}!".as_bytes()),
            (b"%uD83Dx", "\u{FFFD}x".as_bytes()),
            (b"%uD83D%u0041", "\u{FFFD}A".as_bytes()),
            (b"%uDE00%uD83D", "\u{FFFD}\u{FFFD}".as_bytes()),
            (b"%u00", b"%u00"),
        ];
        for (input, want) in cases {
            assert_eq!(&super::decode(input)[..], *want, "{:?}", input);
        }
    }

    #[test]
    fn unchanged_is_borrowed() {
        assert!(matches!(super::decode(b"50% off"), Cow::Borrowed(_)));
    }

    #[test]
    fn properties() {
        super::super::testutil::properties(
            &[
                b"%", b"%2", b"%25", b"%u", b"%uD83D", b"%uDE00", b"%u0041", b"%%", b"%zz",
            ],
            super::decode,
        );
    }
}
