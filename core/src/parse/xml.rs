//! XML (and SOAP) bodies: element text, attribute values, processing
//! instructions and the DOCTYPE declaration.
//!
//! Names: element text is named by the slash path of element names as
//! written, prefixes kept (`/soap:Envelope/soap:Body/login/user`); an
//! attribute by its element's path and `/@name` (`/a/b/@id`); a processing
//! instruction by `?target`; the DOCTYPE declaration, emitted whole so an
//! XXE detector sees its `<!ENTITY ... SYSTEM ...>`, by `!DOCTYPE` (other
//! `<!WORD ...>` declarations by `!WORD`). Text outside the root element is
//! named by the empty string.
//!
//! An element a browser would act on (`script`, `img`, `svg`, `iframe`...)
//! or one with an `on*` attribute or a `javascript:` value is also emitted
//! as its raw start tag, named by its path: parsed as XML its markup would
//! be lost, and the markup is what an XSS detector judges.
//!
//! Text of one element is joined across comments, CDATA sections and
//! processing instructions (`' OR <!-- -->1=1` is what the application
//! reads) and emitted when a child element starts or the element ends.
//! Entity references are left for the pipeline's HTML decoder; CDATA
//! content is raw. Whitespace-only text is skipped.
//!
//! A lenient tokenizer rather than a validating parser: unclosed and
//! mismatched tags are tolerated, a stray `<` is text. Nesting is an
//! explicit stack capped at `limits.max_json_depth`; deeper elements are
//! counted, not kept, and their content is skipped.

use std::borrow::Cow;

use super::{owned_name, Name, Sink};
use crate::config::Limits;
use crate::search;

/// How far down the open elements an end tag is matched; beyond, a stray
/// end tag is ignored, keeping hostile inputs linear.
const END_TAG_SEARCH: usize = 16;

/// Starts like XML: a declaration, a DOCTYPE, or an element whose end tag
/// (or an empty-element tag) appears somewhere.
pub(crate) fn looks_like(t: &[u8]) -> bool {
    let t = t.trim_ascii_start();
    if search::starts_ci(t, b"<?xml") || search::starts_ci(t, b"<!doctype") {
        return true;
    }
    if t.first() != Some(&b'<') {
        return false;
    }
    let name = name_at(t, 1);
    if name.is_empty() || !name.iter().all(|&b| is_name_char(b)) || is_html_tag(name) {
        return false;
    }
    let mut close = Vec::with_capacity(name.len() + 2);
    close.extend_from_slice(b"</");
    close.extend_from_slice(name);
    search::find(t, &close).is_some() || search::find(t, b"/>").is_some()
}

/// Emits element text, attribute values, processing instructions and
/// declarations. False when no markup was found, so the caller falls back to
/// the raw body.
pub(crate) fn parse<'a>(body: &'a [u8], limits: &Limits, sink: &mut Sink<'_, 'a>) -> bool {
    // A document declaring UTF-7 is what its parser reads after decoding
    // (`+ADwAIQ-DOCTYPE` is `<!DOCTYPE`): the decoded document is emitted
    // whole, named `?utf-7`, for the detectors to judge its markup.
    if declares_utf7(body) {
        if let Cow::Owned(text) = crate::decode::utf7::decode(body) {
            if !sink.emit(Name::Borrowed(b"?utf-7"), Cow::Owned(text), false) {
                return true;
            }
        }
    }
    let mut p = Parser {
        body,
        sink,
        max_depth: limits.max_json_depth.max(1),
        path: Vec::new(),
        open: Vec::new(),
        overflow: 0,
        text: Vec::new(),
        markup: false,
    };
    // `Err` means the inputs are full: stop, keeping what was emitted.
    let _ = p.run();
    p.markup
}

struct Full;

struct Parser<'p, 's, 'a> {
    body: &'a [u8],
    sink: &'p mut Sink<'s, 'a>,
    max_depth: usize,
    /// Path of the innermost kept element.
    path: Vec<u8>,
    /// For each kept open element, the length of `path` before it.
    open: Vec<usize>,
    /// Open elements past the depth limit, counted and not kept.
    overflow: usize,
    /// Text of the current element not yet emitted, as ranges of `body`.
    text: Vec<(usize, usize)>,
    markup: bool,
}

impl<'a> Parser<'_, '_, 'a> {
    fn run(&mut self) -> Result<(), Full> {
        let body = self.body;
        let n = body.len();
        let mut p = 0;
        while p < n {
            let Some(k) = memchr::memchr(b'<', &body[p..]) else {
                self.add_text(p, n)?;
                break;
            };
            let lt = p + k;
            if lt > p {
                self.add_text(p, lt)?;
            }
            let rest = &body[lt..];
            if rest.starts_with(b"<!--") {
                self.markup = true;
                p = find_after(body, lt + 4, b"-->");
            } else if rest.starts_with(b"<![CDATA[") {
                self.markup = true;
                let start = lt + 9;
                let end = search::find(&body[start..], b"]]>").map_or(n, |e| start + e);
                self.add_text(start, end)?;
                p = (end + 3).min(n);
            } else if rest.starts_with(b"<?") {
                self.markup = true;
                p = self.instruction(lt)?;
            } else if rest.starts_with(b"<!") {
                self.markup = true;
                p = self.declaration(lt)?;
            } else if rest.starts_with(b"</") {
                self.markup = true;
                self.flush()?;
                let name = name_at(body, lt + 2);
                self.end_tag(name);
                p = memchr::memchr(b'>', &body[lt..]).map_or(n, |e| lt + e + 1);
            } else if rest.len() > 1 && is_name_start(rest[1]) {
                self.markup = true;
                self.flush()?;
                p = self.start_tag(lt)?;
            } else {
                // `1 < 2`: a lone `<` is text.
                self.add_text(lt, lt + 1)?;
                p = lt + 1;
            }
        }
        if !self.markup {
            // Not XML: the caller judges the raw body instead.
            return Ok(());
        }
        self.flush()
    }

    fn emit(&mut self, name: Name<'a>, value: Cow<'a, [u8]>) -> Result<(), Full> {
        if self.sink.emit(name, value, false) {
            Ok(())
        } else {
            Err(Full)
        }
    }

    fn add_text(&mut self, start: usize, end: usize) -> Result<(), Full> {
        // Past the depth limit content is skipped.
        if self.overflow > 0 || start >= end {
            return Ok(());
        }
        if let Some(last) = self.text.last_mut() {
            if last.1 == start {
                last.1 = end;
                return Ok(());
            }
        }
        // A flood of comments between text bits must not grow the list
        // without bound: emit what was gathered and start over.
        if self.text.len() >= 1024 {
            self.flush()?;
        }
        self.text.push((start, end));
        Ok(())
    }

    /// Emits the gathered text of the current element.
    fn flush(&mut self) -> Result<(), Full> {
        let body = self.body;
        let blank = self
            .text
            .iter()
            .all(|&(s, e)| body[s..e].trim_ascii().is_empty());
        if blank {
            self.text.clear();
            return Ok(());
        }
        let value = match self.text[..] {
            [(s, e)] => Cow::Borrowed(&body[s..e]),
            _ => Cow::Owned(
                self.text
                    .iter()
                    .flat_map(|&(s, e)| &body[s..e])
                    .copied()
                    .collect(),
            ),
        };
        self.text.clear();
        self.emit(owned_name(&[&self.path]), value)
    }

    /// `<?target content?>`; the XML declaration itself holds nothing.
    fn instruction(&mut self, lt: usize) -> Result<usize, Full> {
        let body = self.body;
        let n = body.len();
        let start = lt + 2;
        let end = search::find(&body[start..], b"?>").map_or(n, |e| start + e);
        let inner = &body[start..end];
        let target_len = inner
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let (target, content) = inner.split_at(target_len);
        if !target.eq_ignore_ascii_case(b"xml") && self.overflow == 0 {
            let name = owned_name(&[b"?", target]);
            self.emit(name, Cow::Borrowed(content.trim_ascii()))?;
        }
        Ok((end + 2).min(n))
    }

    /// `<!DOCTYPE ...[ internal subset ]>` and other declarations, whole.
    fn declaration(&mut self, lt: usize) -> Result<usize, Full> {
        let body = self.body;
        let word = name_at(body, lt + 2);
        let end = declaration_end(body, lt + 2);
        if self.overflow == 0 {
            let name = if word.eq_ignore_ascii_case(b"DOCTYPE") {
                Name::Borrowed(b"!DOCTYPE")
            } else {
                owned_name(&[b"!", word])
            };
            self.emit(name, Cow::Borrowed(&body[lt..end]))?;
        }
        Ok(end)
    }

    /// A start or empty-element tag at `lt`; returns the position after it.
    fn start_tag(&mut self, lt: usize) -> Result<usize, Full> {
        let body = self.body;
        let n = body.len();
        let name = name_at(body, lt + 1);
        let keep = self.overflow == 0 && self.open.len() < self.max_depth;
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        let mut active = is_active_tag(local);
        if keep {
            self.open.push(self.path.len());
            self.path.push(b'/');
            self.path.extend_from_slice(name);
        }
        let mut p = lt + 1 + name.len();
        let mut empty = false;
        loop {
            while p < n && body[p].is_ascii_whitespace() {
                p += 1;
            }
            if p >= n {
                break;
            }
            match body[p] {
                b'>' => {
                    p += 1;
                    break;
                }
                b'/' if body.get(p + 1) == Some(&b'>') => {
                    empty = true;
                    p += 2;
                    break;
                }
                // A broken tag: `<a <b>` starts over at the `<`.
                b'<' => break,
                _ => {}
            }
            let attr_start = p;
            while p < n
                && !matches!(body[p], b'=' | b'>' | b'/' | b'<')
                && !body[p].is_ascii_whitespace()
            {
                p += 1;
            }
            let attr = &body[attr_start..p];
            if attr.is_empty() {
                // A stray `/` or `=`: skip it.
                p += 1;
                continue;
            }
            while p < n && body[p].is_ascii_whitespace() {
                p += 1;
            }
            if body.get(p) != Some(&b'=') {
                continue;
            }
            p += 1;
            while p < n && body[p].is_ascii_whitespace() {
                p += 1;
            }
            let value = match body.get(p) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = p + 1;
                    let end = memchr::memchr(q, &body[start..]).map_or(n, |e| start + e);
                    p = (end + 1).min(n);
                    &body[start..end]
                }
                _ => {
                    let start = p;
                    while p < n && body[p] != b'>' && !body[p].is_ascii_whitespace() {
                        p += 1;
                    }
                    &body[start..p]
                }
            };
            active |= attr.len() > 2 && attr[..2].eq_ignore_ascii_case(b"on")
                || search::starts_ci(value.trim_ascii_start(), b"javascript:");
            if keep && !value.is_empty() {
                let name = owned_name(&[&self.path, b"/@", attr]);
                self.emit(name, Cow::Borrowed(value))?;
            }
        }
        if keep && active {
            // Read as XML, `<img src=x onerror=alert(1)>` is two harmless
            // looking attribute values; an application that echoes the
            // markup serves the tag itself, so judge the tag too.
            self.emit(owned_name(&[&self.path]), Cow::Borrowed(&body[lt..p]))?;
        }
        if keep {
            if empty {
                self.pop_to(self.open.len() - 1);
            }
        } else {
            self.sink.depth_limited();
            if !empty {
                self.overflow += 1;
            }
        }
        Ok(p)
    }

    fn end_tag(&mut self, name: &[u8]) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        let len = self.open.len();
        for i in (len.saturating_sub(END_TAG_SEARCH)..len).rev() {
            let end = self.open.get(i + 1).copied().unwrap_or(self.path.len());
            if &self.path[self.open[i] + 1..end] == name {
                self.pop_to(i);
                return;
            }
        }
    }

    /// Closes the open element at `i` and every element inside it.
    fn pop_to(&mut self, i: usize) {
        self.path.truncate(self.open[i]);
        self.open.truncate(i);
    }
}

/// HTML, not XML: read as XML its tags would be lost, and the tags are
/// what an XSS detector needs to see. Such bodies are judged raw instead.
/// Whether an XML declaration at the document's start names UTF-7.
fn declares_utf7(doc: &[u8]) -> bool {
    let t = doc.trim_ascii_start();
    if !search::starts_ci(t, b"<?xml") {
        return false;
    }
    let end = search::find(&t[..t.len().min(256)], b"?>").unwrap_or(0);
    let decl = &t[..end];
    let Some(at) = search::find_ci(decl, b"encoding") else {
        return false;
    };
    let rest = decl[at + 8..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=").unwrap_or(rest).trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let name_len = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    name.eq_ignore_ascii_case(b"utf-7") || name.eq_ignore_ascii_case(b"utf7")
}

fn is_html_tag(name: &[u8]) -> bool {
    const HTML: [&[u8]; 40] = [
        b"a",
        b"audio",
        b"b",
        b"base",
        b"body",
        b"br",
        b"button",
        b"details",
        b"div",
        b"embed",
        b"form",
        b"frame",
        b"frameset",
        b"h1",
        b"head",
        b"hr",
        b"html",
        b"i",
        b"iframe",
        b"img",
        b"input",
        b"isindex",
        b"li",
        b"link",
        b"marquee",
        b"math",
        b"meta",
        b"noscript",
        b"object",
        b"p",
        b"script",
        b"select",
        b"span",
        b"style",
        b"svg",
        b"table",
        b"template",
        b"textarea",
        b"title",
        b"video",
    ];
    HTML.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Elements that run script or load content when a browser renders them,
/// namespace prefix removed.
fn is_active_tag(local: &[u8]) -> bool {
    const ACTIVE: [&[u8]; 21] = [
        b"animate",
        b"applet",
        b"audio",
        b"base",
        b"details",
        b"embed",
        b"form",
        b"frame",
        b"frameset",
        b"html",
        b"iframe",
        b"img",
        b"input",
        b"isindex",
        b"marquee",
        b"math",
        b"object",
        b"script",
        b"style",
        b"svg",
        b"video",
    ];
    ACTIVE.iter().any(|a| a.eq_ignore_ascii_case(local))
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

fn is_name_char(b: u8) -> bool {
    is_name_start(b) || b.is_ascii_digit() || b == b'-' || b == b'.'
}

/// The name at `at`: bytes up to whitespace, `/`, `>` or another `<`.
fn name_at(body: &[u8], at: usize) -> &[u8] {
    let rest = body.get(at..).unwrap_or_default();
    let len = rest
        .iter()
        .position(|&b| {
            b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'<' | b'[' | b'"' | b'\'')
        })
        .unwrap_or(rest.len());
    &rest[..len]
}

/// The position after `needle` searched from `from`, or the end.
fn find_after(body: &[u8], from: usize, needle: &[u8]) -> usize {
    let from = from.min(body.len());
    search::find(&body[from..], needle).map_or(body.len(), |e| from + e + needle.len())
}

/// The position after the `>` ending a declaration, skipping quoted
/// strings, comments and the bracketed internal subset.
fn declaration_end(body: &[u8], mut p: usize) -> usize {
    let n = body.len();
    let mut brackets = 0usize;
    while p < n {
        match body[p] {
            q @ (b'"' | b'\'') => {
                p = memchr::memchr(q, &body[p + 1..]).map_or(n, |e| p + 1 + e);
            }
            b'<' if body[p..].starts_with(b"<!--") => {
                p = find_after(body, p + 4, b"-->");
                continue;
            }
            b'[' => brackets += 1,
            b']' => brackets = brackets.saturating_sub(1),
            b'>' if brackets == 0 => return p + 1,
            _ => {}
        }
        p += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{render, sink};
    use super::*;
    use crate::parse::Inputs;
    use crate::verdict::Part;
    use std::time::{Duration, Instant};

    fn run<'a>(body: &'a [u8], limits: &Limits) -> (bool, Inputs<'a>) {
        let mut inputs = Inputs::new(limits.max_inputs);
        let ok = parse(body, limits, &mut sink(&mut inputs, Part::Xml));
        (ok, inputs)
    }

    #[test]
    fn parse_xml_data_file() {
        super::super::testkit::check_data_file(
            include_str!("../../testdata/parse/xml.txt"),
            Part::Xml,
            parse,
        );
    }

    #[test]
    fn parse_xml_deep_nesting_is_bounded() {
        let limits = Limits::default();
        for body in [
            "<a>".repeat(100_000),
            format!("{}x{}", "<a>".repeat(10_000), "</a>".repeat(10_000)),
            "</a>".repeat(100_000),
            "<a><!---->".repeat(100_000),
        ] {
            let start = Instant::now();
            let (ok, _) = run(body.as_bytes(), &limits);
            assert!(ok);
            assert!(start.elapsed() < Duration::from_secs(2));
        }
        let body = format!(
            "<r>{}x{}<b>after</b></r>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        let (_, inputs) = run(body.as_bytes(), &limits);
        assert!(inputs.depth_limited);
        assert_eq!(render(&inputs), ["val /r/b => after"]);
    }

    #[test]
    fn parse_xml_stops_when_inputs_are_full() {
        let body = "<a x='1'>t</a>".repeat(100_000);
        let limits = Limits {
            max_inputs: 10,
            ..Limits::default()
        };
        let (ok, inputs) = run(body.as_bytes(), &limits);
        assert!(ok && inputs.truncated);
        assert_eq!(inputs.items.len(), 10);
    }

    #[test]
    fn parse_xml_never_panics_on_prefixes() {
        let body = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "f">]><a b='c' d=e f><![CDATA[x]]><!--c--><?pi z?><b/>&x;</a>"#;
        for end in 0..=body.len() {
            let _ = run(&body[..end], &Limits::default());
            let _ = run(&body[end..], &Limits::default());
        }
        for b in [
            b'<', b'>', b'/', b'"', b'\'', b'[', b']', b'?', b'!', b'-', b'=', 0xff,
        ] {
            let mut v = body.to_vec();
            for i in 0..v.len() {
                let old = v[i];
                v[i] = b;
                let _ = run(&v, &Limits::default());
                v[i] = old;
            }
        }
    }

    #[test]
    fn parse_xml_random_inputs() {
        let alphabet: [&[u8]; 18] = [
            b"<",
            b">",
            b"</",
            b"/>",
            b"a",
            b"b:c",
            b" x=",
            b"'",
            b"\"",
            b"<!--",
            b"-->",
            b"<![CDATA[",
            b"]]>",
            b"<?",
            b"?>",
            b"<!DOCTYPE [",
            b"]",
            b"\xff",
        ];
        let limits = Limits {
            max_json_depth: 3,
            max_inputs: 50,
            ..Limits::default()
        };
        for body in super::super::testkit::random_inputs(&alphabet, 20_000, 40) {
            let (_, inputs) = run(&body, &limits);
            assert!(inputs.items.len() <= 50);
            let _ = looks_like(&body);
        }
    }

    #[test]
    fn parse_xml_borrows_unless_joined() {
        let (_, inputs) = run(b"<a>1 < 2</a><b>x<!-- -->y</b>", &Limits::default());
        assert!(matches!(inputs.items[0].value, Cow::Borrowed(b"1 < 2")));
        assert!(matches!(&inputs.items[1].value, Cow::Owned(v) if v == b"xy"));
    }

    #[test]
    fn parse_xml_declared_utf7_is_decoded() {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n+ADwAIQ-DOCTYPE a+AD4APA-a+AD4-x+ADw-/a+AD4";
        let (_, inputs) = run(doc, &Limits::default());
        let utf7 = inputs
            .items
            .iter()
            .find(|i| &i.name[..] == b"?utf-7")
            .unwrap();
        assert!(utf7.value.ends_with(b"<!DOCTYPE a><a>x</a>"));
        // Declared UTF-8, the same bytes are text.
        let (_, plain) = run(b"<?xml version=\"1.0\"?><a>+ADw-b</a>", &Limits::default());
        assert!(plain.items.iter().all(|i| &i.name[..] != b"?utf-7"));
    }

    #[test]
    fn utf7_declaration() {
        assert!(declares_utf7(
            b"<?xml version=\"1.0\" encoding=\"UTF-7\"?><a/>"
        ));
        assert!(declares_utf7(b"  <?xml encoding='utf-7' ?>"));
        assert!(!declares_utf7(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        ));
        assert!(!declares_utf7(b"<a>encoding=\"UTF-7\"</a>"));
    }

    #[test]
    fn xml_looks_like() {
        assert!(looks_like(b"<?xml version='1.0'?><a/>"));
        assert!(looks_like(b"  <!DOCTYPE foo>"));
        assert!(looks_like(b"<user><name>x</name></user>"));
        assert!(looks_like(
            b"<soap:Envelope xmlns:soap='x'></soap:Envelope>"
        ));
        assert!(looks_like(b"<item/>"));
        assert!(!looks_like(b"<script>alert(1)"));
        assert!(!looks_like(b"<script>alert(1)</script>"));
        assert!(!looks_like(b"<IMG src=x onerror=alert(1)/>"));
        assert!(!looks_like(b"<html><body>x</body></html>"));
        assert!(looks_like(b"<?xml version='1.0'?><svg onload='alert(1)'/>"));
        assert!(!looks_like(b"< a >"));
        assert!(!looks_like(b"<1>"));
        assert!(!looks_like(b"hello <b>"));
    }
}
