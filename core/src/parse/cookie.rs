//! `Cookie: a=1; b=2`.

use std::borrow::Cow;

use super::{Encoding, Input, Inputs, Name};
use crate::decode::Chain;
use crate::verdict::Part;

/// Emits each cookie's value by name, percent-encoded as frameworks read
/// them; a name that is not a plain token is emitted as a key too.
pub(crate) fn parse<'a>(header: &'a [u8], out: &mut Inputs<'a>) {
    for pair in header.split(|&b| b == b';') {
        let pair = pair.trim_ascii();
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(eq) => (pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii()),
            None => (&b""[..], pair),
        };
        let value = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .unwrap_or(value);
        let plain = super::is_plain_name(name);
        let mut push = |value: &'a [u8], key: bool| {
            out.push(Input {
                part: Part::Cookie,
                name: Name::Borrowed(name),
                value: Cow::Borrowed(value),
                key,
                encoding: Encoding::Percent,
                chain: Chain::EMPTY,
                depth: 0,
            })
        };
        if (!plain && !push(name, true)) || !push(value, false) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cookies() {
        let mut inputs = Inputs::new(10);
        parse(b"a=1; b=\"x y\";c; d=e=f", &mut inputs);
        let got: Vec<(&[u8], &[u8])> = inputs
            .items
            .iter()
            .map(|i| (&i.name[..], &i.value[..]))
            .collect();
        assert_eq!(
            got,
            [
                (&b"a"[..], &b"1"[..]),
                (b"b", b"x y"),
                (b"", b"c"),
                (b"d", b"e=f")
            ]
        );
    }
}
