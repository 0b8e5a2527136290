//! Seven-bit folding: servers and browsers that read a page as US-ASCII
//! drop the high bit of every byte, so `\xBCscript\xBE` is `<script>` to
//! them while a filter sees two Latin-1 characters (`¼script¾`).
//!
//! Only markup is known to be exploited this way, and Latin-1 text (`Yazm\xEDn`,
//! `d\xE9j\xE0`) is common in real traffic: so the fold needs a stray `\xBC`
//! (a seven-bit `<`), and touches only the stray bytes `A0`..`BF`, whose
//! seven-bit images are punctuation; Latin-1 letters are kept.

use std::borrow::Cow;

/// Masks to seven bits the stray punctuation bytes (not part of valid
/// UTF-8) of a value that is otherwise printable text and holds a stray
/// seven-bit `<`.
///
/// Valid UTF-8 is kept: it means what it says in every modern stack. A
/// value with control bytes, or where more than a quarter of the bytes are
/// stray, is binary (a base64 layer, a compressed cookie) or a legacy
/// 8-bit text, where folding would only invent punctuation.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_ascii() {
        return Cow::Borrowed(input);
    }
    let mut stray = 0usize;
    let mut lt = false;
    for chunk in input.utf8_chunks() {
        if chunk
            .valid()
            .bytes()
            .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n') || b == 0x7f)
        {
            return Cow::Borrowed(input);
        }
        stray += chunk.invalid().len();
        lt |= chunk.invalid().contains(&0xBC);
    }
    if !lt || stray * 4 > input.len() {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    for chunk in input.utf8_chunks() {
        out.extend_from_slice(chunk.valid().as_bytes());
        out.extend(chunk.invalid().iter().map(|&b| {
            if (0xA0..=0xBF).contains(&b) {
                b & 0x7f
            } else {
                b
            }
        }));
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(
            include_str!("../../testdata/decode/sevenbit.txt"),
            super::decode,
        );
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"\xBC",
                b"a\xBCb",
                b"\xC3\xA9",
                b"\xBCscript\xBE",
                b"\xFF\xFE",
            ],
            super::decode,
        );
    }
}
