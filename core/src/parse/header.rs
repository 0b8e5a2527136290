//! Header values; the Cookie header split into cookies.

use std::borrow::Cow;

use super::{cookie, Encoding, Input, Inputs};
use crate::decode::Chain;
use crate::verdict::Part;

/// Emits every header value by name, except `Cookie`, whose cookies are
/// emitted one by one.
pub(crate) fn parse<'a>(headers: &[(&'a [u8], &'a [u8])], out: &mut Inputs<'a>) {
    for &(name, value) in headers {
        if name.eq_ignore_ascii_case(b"cookie") {
            cookie::parse(value, out);
            continue;
        }
        let pushed = out.push(Input {
            part: Part::Header,
            name: Cow::Borrowed(name),
            value: Cow::Borrowed(value),
            key: false,
            encoding: Encoding::Plain,
            chain: Chain::EMPTY,
            depth: 0,
        });
        if !pushed {
            return;
        }
    }
}
