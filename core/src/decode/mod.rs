//! Decoders: pure functions from bytes to bytes, returning borrowed data when
//! nothing changes, and the pipeline that applies them to a fixpoint.

use std::borrow::Cow;

use crate::parse::Encoding;
use crate::search;
use crate::verdict::Decoder;

pub(crate) mod base64;
pub(crate) mod fullwidth;
pub(crate) mod html;
pub(crate) mod js;
pub(crate) mod nul;
pub(crate) mod percent;
pub(crate) mod plus;
pub(crate) mod sevenbit;
#[cfg(test)]
mod testutil;
pub(crate) mod utf7;
pub(crate) mod utf8;

/// The decoders applied to an input, in order; a small copyable list so the
/// benign path never allocates for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Chain {
    items: [Option<Decoder>; Chain::CAP],
    len: u8,
}

impl Chain {
    const CAP: usize = 12;
    pub(crate) const EMPTY: Chain = Chain {
        items: [None; Chain::CAP],
        len: 0,
    };

    /// This chain and then `d` (a full chain keeps its first decoders).
    pub(crate) fn with(mut self, d: Decoder) -> Chain {
        if (self.len as usize) < Chain::CAP {
            self.items[self.len as usize] = Some(d);
            self.len += 1;
        }
        self
    }

    /// Whether `d` is in the chain.
    pub(crate) fn contains(&self, d: Decoder) -> bool {
        self.items[..self.len as usize].contains(&Some(d))
    }

    pub(crate) fn to_vec(self) -> Vec<Decoder> {
        self.items.iter().flatten().copied().collect()
    }
}

/// `+` as space, then percent: how a framework reads a query or form value.
pub(crate) fn form(input: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr2(b'+', b'%', input).is_none() {
        return Cow::Borrowed(input);
    }
    match plus::decode(input) {
        Cow::Borrowed(b) => percent::decode(b),
        Cow::Owned(o) => Cow::Owned(percent::decode(&o).into_owned()),
    }
}

/// A decoder: one level of decoding, borrowed when nothing changed.
type DecodeFn = fn(&[u8]) -> Cow<'_, [u8]>;

/// Applies `f` to `cur` and records `d` in `chain` when it changed anything.
fn step<'v>(
    cur: Cow<'v, [u8]>,
    chain: &mut Chain,
    d: Decoder,
    f: DecodeFn,
) -> (Cow<'v, [u8]>, bool) {
    let next = match &cur {
        Cow::Borrowed(b) => f(b),
        Cow::Owned(o) => match f(o) {
            Cow::Borrowed(_) => return (cur, false),
            Cow::Owned(n) => Cow::Owned(n),
        },
    };
    match next {
        Cow::Borrowed(_) => (cur, false),
        Cow::Owned(n) => {
            *chain = chain.with(d);
            (Cow::Owned(n), true)
        }
    }
}

/// The value as the application reads it: the framework's own decoding.
pub(crate) fn app_value<'v>(
    value: &'v [u8],
    encoding: Encoding,
    chain: &mut Chain,
) -> Cow<'v, [u8]> {
    let cur = Cow::Borrowed(value);
    match encoding {
        Encoding::Plain => cur,
        Encoding::Percent => step(cur, chain, Decoder::Percent, percent::decode).0,
        Encoding::Form => {
            let (cur, _) = step(cur, chain, Decoder::Plus, plus::decode);
            step(cur, chain, Decoder::Percent, percent::decode).0
        }
    }
}

/// Where attacker decoding starts: the app's value, or, for a path (whose
/// `+` the server keeps), the raw value read as a form when it is
/// form-escaped: `/%3C%21--%23echo+var...` is `url.QueryEscape` output,
/// its `+` spaces (the percent layer alone leaves no `%` for
/// [`normalize`] to recognise it by).
pub(crate) fn attacker_start<'a>(
    raw: &'a [u8],
    app: &'a [u8],
    encoding: Encoding,
    base: Chain,
    chain: &mut Chain,
) -> Cow<'a, [u8]> {
    if encoding == Encoding::Percent && form_escaped(raw) {
        *chain = base.with(Decoder::Plus).with(Decoder::Percent);
        return form(raw);
    }
    Cow::Borrowed(app)
}

/// Decodes what an attacker may have layered on top of the application's
/// decoding (double percent, entities, escapes, overlong UTF-8, full-width
/// forms, NULs), round after round until nothing changes or `max_rounds`.
/// Returns the value and whether the depth limit stopped decoding.
pub(crate) fn normalize<'v>(
    value: Cow<'v, [u8]>,
    chain: &mut Chain,
    max_rounds: usize,
) -> (Cow<'v, [u8]>, bool) {
    let mut cur = value;
    // A value percent-encoded the way a form or query is (`url.QueryEscape`,
    // `encodeURIComponent` plus `+`) but placed where the framework does not
    // decode `+` (a JSON string, a multipart field, a header, a raw body):
    // the `+` are its spaces. Only when it has no space of its own, so that
    // a literal `+` in text (`C++ and %20`) is kept.
    // Checked at every layer (a payload form-escaped twice shows its `+`
    // only under the outer escaping), and read once.
    let mut plus_read = chain.contains(Decoder::Plus);
    for _ in 0..max_rounds {
        if !plus_read && form_escaped(&cur) {
            cur = step(cur, chain, Decoder::Plus, plus::decode).0;
            plus_read = true;
        }
        if !needs_decoding(&cur) {
            return (cur, false);
        }
        let mut changed = false;
        let steps: [(Decoder, DecodeFn); 8] = [
            (Decoder::Percent, percent::decode),
            // After percent: `%2BADw-` is how UTF-7 survives a form.
            (Decoder::Utf7, utf7::decode),
            (Decoder::Html, html::decode),
            (Decoder::Js, js::decode),
            (Decoder::Utf8, utf8::decode),
            (Decoder::FullWidth, fullwidth::decode),
            (Decoder::Nul, nul::decode),
            (Decoder::SevenBit, sevenbit::decode),
        ];
        for (d, f) in steps {
            let (next, c) = step(cur, chain, d, f);
            cur = next;
            changed |= c;
        }
        if !changed {
            return (cur, false);
        }
    }
    let limited = needs_decoding(&cur) && {
        let mut probe = *chain;
        let (once, _) = normalize(Cow::Borrowed(&cur[..]), &mut probe, 1);
        once[..] != cur[..]
    };
    (cur, limited)
}

/// The value under its percent layers alone (with `+` for spaces, as in
/// [`normalize`]): what a server that decodes its input twice reads. Past
/// them, `normalize` reads a backslash escape as JS does (`\"` is `"`, `\N`
/// is `N`), which SQL does not: `%255C%2522` is `\"` to a MySQL string.
/// `None` when there is no percent layer to take off.
pub(crate) fn percent_layers(
    value: &[u8],
    chain: &mut Chain,
    max_rounds: usize,
) -> Option<Vec<u8>> {
    let mut cur = Cow::Borrowed(value);
    let mut plus_read = chain.contains(Decoder::Plus);
    for _ in 0..max_rounds {
        if !plus_read && form_escaped(&cur) {
            cur = step(cur, chain, Decoder::Plus, plus::decode).0;
            plus_read = true;
        }
        let (next, changed) = step(cur, chain, Decoder::Percent, percent::decode);
        cur = next;
        if !changed {
            break;
        }
    }
    match cur {
        Cow::Owned(v) => Some(v),
        Cow::Borrowed(_) => None,
    }
}

/// `+` for spaces and at least one valid `%XX` escape, and no space.
fn form_escaped(v: &[u8]) -> bool {
    memchr::memchr(b'+', v).is_some()
        && memchr::memchr(b' ', v).is_none()
        && memchr::memchr_iter(b'%', v).any(|i| {
            v.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && v.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        })
}

/// Cheap test: can any decoder change these bytes? (`+A` starts every
/// UTF-7 run of ASCII.)
fn needs_decoding(v: &[u8]) -> bool {
    let special = |b: u8| matches!(b, b'%' | b'&' | b'\\' | 0) || b >= 0x80;
    // A long value in vector scans: this runs on every byte of every value.
    let decodable = if v.len() < 64 {
        v.iter().any(|&b| special(b))
    } else {
        !v.is_ascii()
            || memchr::memchr3(b'%', b'&', b'\\', v).is_some()
            || memchr::memchr(0, v).is_some()
    };
    decodable || search::find(v, b"+A").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &[u8]) -> (String, Vec<&'static str>) {
        let mut chain = Chain::EMPTY;
        let (v, _) = normalize(Cow::Borrowed(s), &mut chain, 6);
        (
            String::from_utf8_lossy(&v).into_owned(),
            chain.to_vec().iter().map(|d| d.as_str()).collect(),
        )
    }

    #[test]
    fn plain_values_are_borrowed() {
        let mut chain = Chain::EMPTY;
        let (v, limited) = normalize(Cow::Borrowed(b"hello world"), &mut chain, 6);
        assert!(matches!(v, Cow::Borrowed(_)));
        assert!(!limited);
        assert_eq!(chain, Chain::EMPTY);
    }

    #[test]
    fn layered_percent() {
        assert_eq!(norm(b"%252527").0, "'");
    }

    #[test]
    fn depth_limit_is_reported() {
        let mut chain = Chain::EMPTY;
        let (v, limited) = normalize(Cow::Borrowed(b"%25252527"), &mut chain, 2);
        assert_eq!(&v[..], b"%2527");
        assert!(limited);
    }

    #[test]
    fn form_escaped_outside_a_form() {
        // `+` as space where the framework left it (JSON, multipart).
        let (v, chain) = norm(b"true%2C+%24where%3A+%2799+%3D%3D+88%27");
        assert_eq!(v, "true, $where: '99 == 88'");
        assert_eq!(chain, ["plus", "percent"]);
        // A literal plus beside a space, or with no escape, is kept.
        assert_eq!(norm(b"C++ and %41").0, "C++ and A");
        assert_eq!(norm(b"a+b").0, "a+b");
        // Escaped twice: the `+` appear under the outer layer.
        assert_eq!(norm(b"1%2B%2527x%2527%2B--").0, "1 'x' --");
    }

    #[test]
    fn form_escaped_path() {
        let raw = b"/%3C%21--%23echo+var%3D%22X%22+--%3E";
        let app = percent::decode(raw);
        let mut chain = Chain::EMPTY.with(Decoder::Percent);
        let v = attacker_start(raw, &app, Encoding::Percent, Chain::EMPTY, &mut chain);
        assert_eq!(&v[..], b"/<!--#echo var=\"X\" -->");
        assert_eq!(
            chain,
            Chain::EMPTY.with(Decoder::Plus).with(Decoder::Percent)
        );
        // A path with a literal `+` and no escape stays as the app reads it.
        let mut chain = Chain::EMPTY;
        let v = attacker_start(
            b"/c++/intro",
            b"/c++/intro",
            Encoding::Percent,
            Chain::EMPTY,
            &mut chain,
        );
        assert_eq!(&v[..], b"/c++/intro");
        assert_eq!(chain, Chain::EMPTY);
    }

    #[test]
    fn form_value() {
        assert_eq!(&form(b"a+b%2Bc")[..], b"a b+c");
    }
}
