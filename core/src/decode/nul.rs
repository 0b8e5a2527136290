//! NUL bytes, which C-based parsers and some databases skip or stop at, so an
//! attacker can split a keyword with one (`SEL%00ECT`).

use std::borrow::Cow;

/// Removes every NUL byte.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(0, input).is_none() {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    for part in input.split(|&b| b == 0) {
        out.extend_from_slice(part);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(include_str!("../../testdata/decode/nul.txt"), super::decode);
    }

    #[test]
    fn properties() {
        table::properties(&[b"\0", b"a", b"\0\0\0"], super::decode);
    }
}
