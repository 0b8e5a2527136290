//! Splitting a request into [`Input`]s: every value a server might read,
//! each with the part and name it came from.

use std::borrow::Cow;

use crate::config::Limits;
use crate::decode::Chain;
use crate::request::Request;
use crate::verdict::Part;

pub(crate) mod body;
pub(crate) mod cookie;
pub(crate) mod graphql;
pub(crate) mod header;
pub(crate) mod http1;
pub(crate) mod json;
pub(crate) mod multipart;
pub(crate) mod params;
pub(crate) mod path;
pub(crate) mod protobuf;
#[cfg(test)]
mod testkit;
pub(crate) mod urlencoded;
pub(crate) mod xml;

/// How a value is still encoded when the parser hands it over, that is, what
/// the application's framework would undo before the app reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Encoding {
    /// As the app reads it.
    Plain,
    /// Percent-encoded (path segments, cookies).
    Percent,
    /// Percent-encoded with `+` for space (query strings, urlencoded forms).
    Form,
}

/// Names like `id`, `page_size` or `a[b][c]` hold nothing to analyze, so
/// they are not emitted as inputs. Anything else is: upper case (base64,
/// Java class names), dots (`document.cookie`), `__` (`__proto__`, ORM
/// lookups like `password__startswith`), and long names.
pub(crate) fn is_plain_name(name: &[u8]) -> bool {
    name.len() <= 24
        && name.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'[' | b']')
        })
        && !name.windows(2).any(|w| w == b"__")
}

/// Names (JSON pointers, XML paths, prefixed nested names) are cut to this
/// many bytes. A name is for reporting, and a full copy of a long path for
/// every value under it would make memory quadratic in the body: a 500 KB
/// key over 100,000 array items.
pub(crate) const MAX_NAME: usize = 256;

/// `parts` joined into a name, cut at [`MAX_NAME`] bytes.
pub(crate) fn owned_name<'a>(parts: &[&[u8]]) -> Name<'a> {
    let len = parts.iter().map(|p| p.len()).sum::<usize>().min(MAX_NAME);
    if len <= INLINE {
        let mut bytes = [0; INLINE];
        let mut at = 0;
        for part in parts {
            bytes[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        return Name::Inline {
            len: len as u8,
            bytes,
        };
    }
    let mut name = Vec::with_capacity(len);
    for part in parts {
        let room = MAX_NAME - name.len();
        name.extend_from_slice(&part[..part.len().min(room)]);
    }
    Name::Heap(name.into_boxed_slice())
}

/// Bytes of a built name kept inside the [`Name`] itself.
const INLINE: usize = 38;

/// An input's name: borrowed from the request (a query argument, a
/// header), or built (a JSON pointer, an XML path, a prefixed nested
/// name). Built names are mostly short, and a body names every value: up
/// to [`INLINE`] bytes are kept inline, so naming costs no allocation.
#[derive(Clone)]
pub(crate) enum Name<'a> {
    Borrowed(&'a [u8]),
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Name<'_> {
    pub(crate) fn into_owned(self) -> Name<'static> {
        match self {
            Name::Borrowed(b) if b.len() <= INLINE => owned_name(&[b]),
            Name::Borrowed(b) => Name::Heap(b.into()),
            Name::Inline { len, bytes } => Name::Inline { len, bytes },
            Name::Heap(h) => Name::Heap(h),
        }
    }
}

impl std::ops::Deref for Name<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Name::Borrowed(b) => b,
            Name::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Name::Heap(h) => h,
        }
    }
}

impl std::fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Name<'_> {}

impl<'a> From<Cow<'a, [u8]>> for Name<'a> {
    fn from(c: Cow<'a, [u8]>) -> Name<'a> {
        match c {
            Cow::Borrowed(b) => Name::Borrowed(b),
            Cow::Owned(o) => Name::Heap(o.into_boxed_slice()),
        }
    }
}

impl<'a> From<&'a [u8]> for Name<'a> {
    fn from(b: &'a [u8]) -> Name<'a> {
        Name::Borrowed(b)
    }
}

/// One value to analyze.
#[derive(Clone, Debug)]
pub(crate) struct Input<'a> {
    pub part: Part,
    pub name: Name<'a>,
    pub value: Cow<'a, [u8]>,
    /// The value is a name (query argument name, JSON key...).
    pub key: bool,
    pub encoding: Encoding,
    /// Decoders applied before this input was made (for nested inputs).
    pub chain: Chain,
    /// Nesting depth: 0 for inputs parsed from the request itself.
    pub depth: u8,
}

impl Input<'_> {
    pub(crate) fn into_owned(self) -> Input<'static> {
        Input {
            part: self.part,
            name: self.name.into_owned(),
            value: Cow::Owned(self.value.into_owned()),
            key: self.key,
            encoding: self.encoding,
            chain: self.chain,
            depth: self.depth,
        }
    }
}

/// The inputs of one request, bounded by `max_inputs`.
#[derive(Debug)]
pub(crate) struct Inputs<'a> {
    pub items: Vec<Input<'a>>,
    max: usize,
    pub truncated: bool,
    pub depth_limited: bool,
    /// The keys of a JSON body the parser read whole (see [`params`]).
    pub json_args: Option<params::JsonArgs<'a>>,
    /// Whether to record `json_args`: some enabled class reads them.
    pub want_args: bool,
}

impl<'a> Inputs<'a> {
    pub(crate) fn new(max: usize) -> Inputs<'a> {
        Inputs {
            // A typical request has a few dozen inputs: one allocation.
            items: Vec::with_capacity(max.min(64)),
            max,
            truncated: false,
            depth_limited: false,
            json_args: None,
            want_args: true,
        }
    }

    /// Adds an input; false (and the truncated flag) once full, so parsers
    /// can stop early.
    pub(crate) fn push(&mut self, input: Input<'a>) -> bool {
        if self.items.len() >= self.max {
            self.truncated = true;
            return false;
        }
        self.items.push(input);
        true
    }
}

/// What a structured-body parser emits into: it fixes the part, a name
/// prefix, the encoding and the decode chain for every value emitted.
#[derive(Debug)]
pub(crate) struct Sink<'s, 'a> {
    pub inputs: &'s mut Inputs<'a>,
    pub part: Part,
    /// Prepended to every emitted name (the outer name of a nested format).
    pub prefix: &'s [u8],
    pub encoding: Encoding,
    pub chain: Chain,
    pub depth: u8,
}

impl<'a> Sink<'_, 'a> {
    /// Emits one value (or key, when `key`); false when inputs are full.
    pub(crate) fn emit(
        &mut self,
        name: impl Into<Name<'a>>,
        value: Cow<'a, [u8]>,
        key: bool,
    ) -> bool {
        let name = name.into();
        let name = if self.prefix.is_empty() {
            name
        } else {
            owned_name(&[self.prefix, &name])
        };
        self.inputs.push(Input {
            part: self.part,
            name,
            value,
            key,
            encoding: self.encoding,
            chain: self.chain,
            depth: self.depth,
        })
    }

    /// Marks that a nesting limit stopped parsing.
    pub(crate) fn depth_limited(&mut self) {
        self.inputs.depth_limited = true;
    }
}

/// Splits a request into inputs. Returns true when the body was longer than
/// `limits.max_body_bytes`.
pub(crate) fn request<'a>(req: &'a Request<'a>, limits: &Limits, out: &mut Inputs<'a>) -> bool {
    let method = req.method();
    out.push(Input {
        part: Part::Method,
        name: Name::Borrowed(b""),
        value: Cow::Borrowed(method),
        key: false,
        encoding: Encoding::Plain,
        chain: Chain::EMPTY,
        depth: 0,
    });
    path::parse(req.path(), out);
    if let Some(q) = req.query() {
        urlencoded::parse(q, Part::Query, out);
    }
    header::parse(req.headers(), out);
    let body = req.body();
    let truncated = body.len() > limits.max_body_bytes;
    let body = &body[..body.len().min(limits.max_body_bytes)];
    if !body.is_empty() {
        body::parse(body, req.header(b"content-type"), limits, out);
    }
    truncated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_names_join_their_parts_inline_or_not_and_are_cut() {
        for len in [0, 1, INLINE - 1, INLINE, INLINE + 1, MAX_NAME, MAX_NAME + 7] {
            let whole: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let (a, b) = whole.split_at(len / 3);
            let name = owned_name(&[a, b]);
            assert_eq!(&*name, &whole[..len.min(MAX_NAME)], "length {len}");
            assert_eq!(matches!(name, Name::Inline { .. }), len <= INLINE);
            assert_eq!(&*name.clone().into_owned(), &*name);
        }
        let borrowed = Name::Borrowed(b"/a/b");
        assert_eq!(borrowed, owned_name(&[b"/a", b"/b"]));
        assert_eq!(&*borrowed.into_owned(), b"/a/b");
    }
}
