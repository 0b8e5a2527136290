//! `+` as space, as in `application/x-www-form-urlencoded`.

use std::borrow::Cow;

/// Replaces every `+` with a space.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'+', input).is_none() {
        return Cow::Borrowed(input);
    }
    Cow::Owned(
        input
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn table() {
        for (input, want) in [(&b"a+b"[..], &b"a b"[..]), (b"ab", b"ab"), (b"++", b"  ")] {
            assert_eq!(&super::decode(input)[..], want);
        }
    }
}
