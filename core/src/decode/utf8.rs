//! Overlong UTF-8: a character encoded in more bytes than it needs
//! (`C0 AF` for `/`). Strict decoders reject these, but IIS, old Java and
//! many hand-written parsers accepted them, which made `%C0%AE%C0%AE%C0%AF`
//! a classic way past filters that only look for `../`.

use std::borrow::Cow;

/// Folds every overlong sequence (2 to 6 bytes) to the shortest UTF-8 of the
/// character it encodes.
///
/// Everything else is kept byte for byte: valid UTF-8 is already canonical,
/// and other invalid bytes (stray continuation bytes, truncated sequences,
/// Latin-1 or binary data) have no single meaning a server would agree on,
/// so replacing them with U+FFFD would only erase what other detectors read.
/// Overlong forms of surrogates and of values past U+10FFFF are kept too:
/// they decode to no character.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = input.iter().position(|&b| is_overlong_lead(b)) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    let mut changed = false;
    while i < input.len() {
        let b = input[i];
        if is_overlong_lead(b) {
            if let Some((c, len)) = overlong(&input[i..]) {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += len;
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

/// The lead bytes that can start an overlong form: `C0`/`C1` always do;
/// `E0`, `F0`, `F8` and `FC` do when the value fits in fewer bytes.
/// (`F9`..`FB` and `FD` start values past U+10FFFF, never a character.)
fn is_overlong_lead(b: u8) -> bool {
    matches!(b, 0xC0 | 0xC1 | 0xE0 | 0xF0 | 0xF8 | 0xFC)
}

/// The character an overlong sequence at the start of `s` encodes, and the
/// sequence's length; `None` when it is not an overlong form of a character.
fn overlong(s: &[u8]) -> Option<(char, usize)> {
    let (len, min, mut cp) = match s[0] {
        0xC0 | 0xC1 => (2, 0x80, u32::from(s[0] & 0x1F)),
        0xE0 => (3, 0x800, 0),
        0xF0 => (4, 0x1_0000, 0),
        0xF8 => (5, 0x20_0000, 0),
        0xFC => (6, 0x400_0000, 0),
        _ => return None,
    };
    let tail = s.get(1..len)?;
    for &b in tail {
        if b & 0xC0 != 0x80 {
            return None;
        }
        cp = cp << 6 | u32::from(b & 0x3F);
    }
    if cp >= min {
        return None;
    }
    char::from_u32(cp).map(|c| (c, len))
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(
            include_str!("../../testdata/decode/utf8.txt"),
            super::decode,
        );
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"\xC0",
                b"\xC1",
                b"\xE0",
                b"\xF0",
                b"\xF8",
                b"\xFC",
                b"\x80",
                b"\xAF",
                b"\xBF",
                b"\xC0\xAF",
                b"\xE0\x80\xAF",
                b"\xF0\x80\x80\xAF",
                b"\xC3\xA9",
            ],
            super::decode,
        );
    }
}
