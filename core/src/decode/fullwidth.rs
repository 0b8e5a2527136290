//! Full-width and other compatibility forms of ASCII punctuation and letters
//! (`＜ｓｃｒｉｐｔ＞`). Browsers do not read them as syntax, but back ends
//! that apply Unicode compatibility normalization (NFKC: Python, Java's
//! `Normalizer`, .NET, many ORMs and filename sanitizers) or a "best fit"
//! conversion to a legacy code page turn them into the ASCII they resemble,
//! after the filter has looked.

use std::borrow::Cow;

/// Folds, to the ASCII that NFKC gives for them:
/// - U+FF01..U+FF5E, the full-width forms of `!`..`~`;
/// - U+3000, the ideographic space;
/// - U+FE50..U+FE6B, the "small form" punctuation (`﹤script﹥`);
/// - U+2024 and U+2025, the one- and two-dot leaders (`‥/‥/etc/passwd`);
/// - and, not an NFKC fold, U+FEFF (the byte-order mark, "zero-width
///   no-break space") to a space: JavaScript reads it as whitespace, so
///   `javascript:\u{FEFF}alert(1)` runs while a filter sees no `:alert`.
///
/// Deliberately not folded: curly quotes (U+2018/U+2019/U+201C/U+201D) and
/// the ellipsis, which fill benign prose and which neither browsers nor
/// databases treat as syntax; `‹ ›` (U+2039/U+203A), which NFKC keeps and
/// which become `< >` only in some Windows best-fit tables, not in browsers;
/// and U+00A0, which is ordinary in text and which tokenizers already treat
/// as the whitespace substitute it is.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr3(0xEF, 0xE3, 0xE2, input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    let mut changed = false;
    while i < input.len() {
        if let Some(ascii) = fold(&input[i..]) {
            out.extend_from_slice(ascii);
            i += 3;
            changed = true;
            continue;
        }
        // Copy up to the next possible lead byte (all three sequences are
        // three bytes long and lead bytes are never continuation bytes).
        let next =
            memchr::memchr3(0xEF, 0xE3, 0xE2, &input[i + 1..]).map_or(input.len(), |p| i + 1 + p);
        out.extend_from_slice(&input[i..next]);
        i = next;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(input)
    }
}

/// The ASCII for the 3-byte sequence at the start of `s`, if it is one of the
/// folded characters.
fn fold(s: &[u8]) -> Option<&'static [u8]> {
    let [b0, b1, b2] = *s.get(..3)? else {
        return None;
    };
    if b0 & 0xF0 != 0xE0 || b1 & 0xC0 != 0x80 || b2 & 0xC0 != 0x80 {
        return None;
    }
    let cp = u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
    match cp {
        0xFF01..=0xFF5E => {
            let i = (cp - 0xFF01 + 0x21) as usize;
            Some(&ASCII[i..=i])
        }
        0x3000 => Some(b" "),
        0xFE50..=0xFE6B => match SMALL_FORMS[(cp - 0xFE50) as usize] {
            0 => None,
            a => {
                let i = usize::from(a);
                Some(&ASCII[i..=i])
            }
        },
        0x2024 => Some(b"."),
        0x2025 => Some(b".."),
        0xFEFF => Some(b" "),
        _ => None,
    }
}

/// Every byte value below 0x80, so one-byte folds can borrow a slice.
static ASCII: [u8; 128] = {
    let mut t = [0; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = i as u8;
        i += 1;
    }
    t
};

/// NFKC of U+FE50..U+FE6B; 0 where it is not ASCII (or unassigned).
const SMALL_FORMS: [u8; 28] = [
    b',', 0, b'.', 0, b';', b':', b'?', b'!', 0, b'(', b')', b'{', b'}', 0, 0, b'#', b'&', b'*',
    b'+', b'-', b'<', b'>', b'=', 0, b'\\', b'$', b'%', b'@',
];

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(
            include_str!("../../testdata/decode/fullwidth.txt"),
            super::decode,
        );
    }

    #[test]
    fn full_range() {
        for c in '\u{FF01}'..='\u{FF5E}' {
            let s = c.to_string();
            let want = [(u32::from(c) - 0xFF01 + 0x21) as u8];
            assert_eq!(&super::decode(s.as_bytes())[..], &want[..], "{c}");
        }
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"\xEF",
                b"\xE3",
                b"\xE2",
                b"\xBC",
                b"\xBD",
                b"\x80",
                b"\xEF\xBC\x9C",
                b"\xE3\x80\x80",
                b"\xEF\xB9\xA4",
                b"\xE2\x80\xA5",
                b"\xEF\xBC",
                b"\xC3\xA9",
            ],
            super::decode,
        );
    }
}
