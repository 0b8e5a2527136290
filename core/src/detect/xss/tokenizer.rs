//! A lenient HTML tokenizer over bytes, modelled on the WHATWG tokenizer's
//! data, tag, attribute and comment states. An attacker's markup only has to
//! be accepted by a browser, so this accepts what browsers accept: any
//! case, `/` between attributes (`<svg/onload=...>`), attributes glued to
//! a closing quote, tags missing their `>` (the page supplies one later),
//! `--!>` closing a comment, `<?...>` and `<!...>` as bogus comments.
//!
//! It never allocates: tags carry the byte range of their attribute list and
//! [`Attrs`] walks it on demand. Every state consumes at least one byte, so
//! a pass is linear in the input.

use std::ops::Range;

/// One token of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// Character data, including a `<` that starts no tag (`a < b`, `<3`).
    Text(Range<usize>),
    /// A start or end tag.
    Tag(Tag),
    /// `<!-- ... -->`; the range is the comment's interior.
    Comment(Range<usize>),
    /// `<!...>`, `<?...>`, `</ ...>`: bogus comments and declarations; the
    /// range is the interior.
    Bogus(Range<usize>),
}

/// A start tag (`<img ...>`) or end tag (`</script>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tag {
    /// The whole tag, from `<` to `>` inclusive (or to the end of input).
    pub span: Range<usize>,
    /// The tag name as written (compare with [`eq_ci`]).
    pub name: Range<usize>,
    /// `</name>`.
    pub end: bool,
    /// The bytes between the name and `>`; walk them with [`Attrs`].
    pub attrs: Range<usize>,
    /// Whether a `>` ended the tag (false when the input ran out first).
    pub closed: bool,
}

/// One attribute of a tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attr {
    pub name: Range<usize>,
    /// The raw value (entities not decoded), without its quotes.
    pub value: Option<Range<usize>>,
}

/// HTML's whitespace: tab, LF, FF, CR, space; and vertical tab, which old
/// Internet Explorer also took as a separator (`<img src=x\x0bonerror=...>`).
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

/// ASCII case-insensitive equality of `src[r]` with the lower-case `lit`.
pub(crate) fn eq_ci(src: &[u8], r: &Range<usize>, lit: &[u8]) -> bool {
    src.get(r.clone())
        .is_some_and(|s| s.eq_ignore_ascii_case(lit))
}

/// Iterator over the tokens of `src`.
#[derive(Debug)]
pub(crate) struct Tokenizer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(src: &'a [u8]) -> Self {
        Tokenizer { src, pos: 0 }
    }

    /// Starts at `start` within `src`, so ranges stay relative to `src`.
    pub(crate) fn at(src: &'a [u8], start: usize) -> Self {
        Tokenizer {
            src,
            pos: start.min(src.len()),
        }
    }

    fn tag(&mut self, lt: usize, end: bool) -> Token {
        let src = self.src;
        let name_start = lt + if end { 2 } else { 1 };
        let mut p = name_start;
        while p < src.len() && !is_ws(src[p]) && src[p] != b'/' && src[p] != b'>' {
            p += 1;
        }
        let name = name_start..p;
        let (attrs_end, closed) = scan_attrs(src, p);
        let stop = if closed { attrs_end + 1 } else { attrs_end };
        self.pos = stop;
        Token::Tag(Tag {
            span: lt..stop,
            name,
            end,
            attrs: p..attrs_end,
            closed,
        })
    }

    /// A bogus comment: everything up to the next `>`.
    fn bogus(&mut self, interior: usize) -> Token {
        let src = self.src;
        let end = memchr::memchr(b'>', &src[interior..]).map_or(src.len(), |i| interior + i);
        self.pos = (end + 1).min(src.len());
        Token::Bogus(interior..end)
    }

    /// `<!--` seen at `lt`: the comment ends at `-->` or `--!>`, or at once
    /// for `<!-->` and `<!--->`.
    fn comment(&mut self, lt: usize) -> Token {
        let src = self.src;
        let start = lt + 4;
        for abrupt in [&b">"[..], b"->"] {
            if src[start..].starts_with(abrupt) {
                self.pos = start + abrupt.len();
                return Token::Comment(start..start);
            }
        }
        let mut p = start;
        while let Some(i) = memchr::memchr(b'-', &src[p..]) {
            let d = p + i;
            if src[d..].starts_with(b"-->") {
                self.pos = d + 3;
                return Token::Comment(start..d);
            }
            if src[d..].starts_with(b"--!>") {
                self.pos = d + 4;
                return Token::Comment(start..d);
            }
            p = d + 1;
        }
        self.pos = src.len();
        Token::Comment(start..src.len())
    }
}

impl Iterator for Tokenizer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let src = self.src;
        let start = self.pos;
        if start >= src.len() {
            return None;
        }
        if src[start] != b'<' {
            let end = memchr::memchr(b'<', &src[start..]).map_or(src.len(), |i| start + i);
            self.pos = end;
            return Some(Token::Text(start..end));
        }
        let next = src.get(start + 1).copied();
        let token = match next {
            Some(b) if b.is_ascii_alphabetic() => self.tag(start, false),
            // `<:vmlframe>`: old Internet Explorer read a colon before the
            // name as an empty namespace prefix; the name after it is the
            // element (`:)` and `<:-)` stay text).
            Some(b':') if src.get(start + 2).is_some_and(u8::is_ascii_alphabetic) => {
                self.tag(start, false)
            }
            Some(b'/') => match src.get(start + 2).copied() {
                Some(b) if b.is_ascii_alphabetic() => self.tag(start, true),
                // `</>` is dropped by browsers; anything else is a bogus comment.
                Some(b'>') => {
                    self.pos = start + 3;
                    Token::Bogus(start + 2..start + 2)
                }
                Some(_) => self.bogus(start + 2),
                None => {
                    self.pos = start + 2;
                    Token::Text(start..start + 2)
                }
            },
            Some(b'!') if src[start..].starts_with(b"<!--") => self.comment(start),
            Some(b'!') | Some(b'?') => self.bogus(start + 2),
            _ => {
                // A `<` that opens nothing is text, as in `a < b` or `<3`.
                self.pos = start + 1;
                Token::Text(start..start + 1)
            }
        };
        Some(token)
    }
}

/// Walks the attribute states from `p` to the `>` that ends the tag.
/// Returns the position of that `>` (or the input's end) and whether it was
/// found.
fn scan_attrs(src: &[u8], p: usize) -> (usize, bool) {
    let mut it = Attrs::new(src, p..src.len());
    while it.next().is_some() {}
    match it.stopped_at {
        Some(gt) => (gt, true),
        None => (src.len(), false),
    }
}

/// Iterator over the attributes in a byte range, with the attribute states of
/// the HTML tokenizer. Stops at the `>` that ends the tag.
#[derive(Debug)]
pub(crate) struct Attrs<'a> {
    src: &'a [u8],
    pos: usize,
    end: usize,
    /// The position of the `>` that ended the tag, once seen.
    pub stopped_at: Option<usize>,
}

impl<'a> Attrs<'a> {
    pub(crate) fn new(src: &'a [u8], range: Range<usize>) -> Self {
        let end = range.end.min(src.len());
        Attrs {
            src,
            pos: range.start.min(end),
            end,
            stopped_at: None,
        }
    }
}

impl Iterator for Attrs<'_> {
    type Item = Attr;

    fn next(&mut self) -> Option<Attr> {
        let (src, end) = (self.src, self.end);
        let mut p = self.pos;
        // Before an attribute name: whitespace and `/` are separators.
        while p < end && (is_ws(src[p]) || src[p] == b'/') {
            p += 1;
        }
        if p >= end {
            self.pos = end;
            return None;
        }
        if src[p] == b'>' {
            self.pos = p;
            self.stopped_at = Some(p);
            return None;
        }
        // The name: the first byte is taken even when it is `=`.
        let name_start = p;
        p += 1;
        while p < end && !is_ws(src[p]) && !matches!(src[p], b'/' | b'>' | b'=') {
            p += 1;
        }
        let name = name_start..p;
        let mut q = p;
        while q < end && is_ws(src[q]) {
            q += 1;
        }
        if q >= end || src[q] != b'=' {
            // No value: the next attribute starts after the whitespace.
            self.pos = p;
            return Some(Attr { name, value: None });
        }
        q += 1;
        while q < end && is_ws(src[q]) {
            q += 1;
        }
        let value = match src.get(q).copied() {
            _ if q >= end => q..q,
            // Old Internet Explorer also took a backtick as a quote.
            Some(quote @ (b'"' | b'\'' | b'`')) => {
                let vstart = q + 1;
                let vend = memchr::memchr(quote, &src[vstart..end]).map_or(end, |i| vstart + i);
                q = (vend + 1).min(end);
                vstart..vend
            }
            // `<x a=>` has an empty value and the tag ends.
            Some(b'>') => q..q,
            _ => {
                let vstart = q;
                while q < end && !is_ws(src[q]) && src[q] != b'>' {
                    q += 1;
                }
                vstart..q
            }
        };
        self.pos = q;
        Some(Attr {
            name,
            value: Some(value),
        })
    }
}
