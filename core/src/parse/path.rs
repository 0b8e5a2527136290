//! The path, whole and by segment.

use std::borrow::Cow;

use super::{owned_name, Encoding, Input, Inputs, Name};
use crate::decode::Chain;
use crate::verdict::Part;

/// Emits the whole path (name empty) and each non-empty segment (name: its
/// 1-based index). Matrix parameters (`;a=b`) stay in their segment.
/// Names of the first path segments, without allocating.
const SEGMENT_NAMES: [&[u8]; 16] = [
    b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8", b"9", b"10", b"11", b"12", b"13", b"14", b"15",
    b"16",
];

pub(crate) fn parse<'a>(path: &'a [u8], out: &mut Inputs<'a>) {
    let mut push = |name: Name<'a>, value: &'a [u8]| {
        out.push(Input {
            part: Part::Path,
            name,
            value: Cow::Borrowed(value),
            key: false,
            encoding: Encoding::Percent,
            chain: Chain::EMPTY,
            depth: 0,
        })
    };
    if !push(Name::Borrowed(b""), path) {
        return;
    }
    let segments = path.split(|&b| b == b'/').filter(|s| !s.is_empty());
    // A one-segment path is still a segment: without its leading `/` it is
    // the value the app routes on (`/javascript:alert(1)`, `/1' OR '1'='1`
    // behind a catch-all route), and what a detector anchored at the
    // value's start must see.
    for (i, seg) in segments.enumerate() {
        let name = match SEGMENT_NAMES.get(i) {
            Some(&n) => Name::Borrowed(n),
            None => owned_name(&[(i + 1).to_string().as_bytes()]),
        };
        if !push(name, seg) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_segment_is_a_segment_too() {
        let mut inputs = Inputs::new(100);
        parse(b"/x%27", &mut inputs);
        let got: Vec<(&[u8], &[u8])> = inputs
            .items
            .iter()
            .map(|i| (&i.name[..], &i.value[..]))
            .collect();
        assert_eq!(got, [(&b""[..], &b"/x%27"[..]), (b"1", b"x%27")]);
        let mut root = Inputs::new(100);
        parse(b"/", &mut root);
        assert_eq!(root.items.len(), 1);
    }

    #[test]
    fn whole_and_segments() {
        let mut inputs = Inputs::new(100);
        parse(b"/api/users/1%27", &mut inputs);
        let got: Vec<(&[u8], &[u8])> = inputs
            .items
            .iter()
            .map(|i| (&i.name[..], &i.value[..]))
            .collect();
        assert_eq!(
            got,
            [
                (&b""[..], &b"/api/users/1%27"[..]),
                (b"1", b"api"),
                (b"2", b"users"),
                (b"3", b"1%27")
            ]
        );
    }
}
