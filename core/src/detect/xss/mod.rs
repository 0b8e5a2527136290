//! Cross-site scripting: does this value, placed in an HTML page or a
//! script, make the browser run the sender's code?
//!
//! The value is parsed, not grepped: [`tokenizer`] reads it as a lenient
//! browser reads HTML, [`js`] reads script, [`value`] decodes attribute
//! values and URL schemes the way the browser does before using them.
//! [`html`] judges markup, [`breakout`] judges values that close an
//! attribute or a script string and continue in that language.
//!
//! Rule ids (stable):
//! - `xss.script_tag`: a `<script` start tag.
//! - `xss.event_handler`: an `on*` attribute on a tag, whose value is script
//!   (10), or a well-known handler with any value (6); or declared as a
//!   DTD default whose value is script (`<!ATTLIST img onerror CDATA ...>`).
//! - `xss.directive`: a client-side framework's script attribute (Vue
//!   `@click`/`v-on:`, Alpine `x-init`, AngularJS `ng-*`, htmx `hx-on`,
//!   Knockout `data-bind`) whose value makes a hostile call or touches a
//!   sink: the app runs it when it mounts the markup.
//! - `xss.js_url`: `javascript:`, `vbscript:`, `data:text/html` (and other
//!   active `data:` types) in a URL attribute, as the whole value
//!   followed by script or by an escape (`javascript:\u0061lert`), or as
//!   a Markdown link's target (`[a](javascript:alert(1))`).
//! - `xss.dangerous_tag`: tags that embed active content (iframe, frame,
//!   object, embed, applet, ...), `<base href>`, `<meta http-equiv>`,
//!   `<link rel=import>`, `<style>` with script or an escaped at-rule
//!   (`@\69mport`), `srcdoc` holding markup.
//! - `xss.style`: a `style` attribute with `expression(`, `behavior:`,
//!   `-moz-binding`, `javascript:` or `@import`; a style sheet whose rules
//!   match an input by part of its value and load a URL from another host
//!   (CSS exfiltration: 10 in `<style>`, 6 as a bare value).
//! - `xss.xslt`: an XSLT program in the value: an `xml-stylesheet` of an
//!   XSL type, an element in the XSLT namespace (or one binding a prefix to
//!   Xalan, PHP or MSXML script), an `xsl:` expression that reads files or
//!   probes the processor (`document(`, `system-property(`).
//! - `xss.attr_breakout`: a quote followed by attributes that run script
//!   (`" onmouseover=alert(1) x="`), without a new tag; or that hijack the
//!   form (`" formaction=//evil`, 6; 5 without a target).
//! - `xss.dangling_markup`: after an attribute break-out (`">`), a tag whose
//!   quoted URL to another host is left open to the end of the value, so
//!   the page up to its next quote is sent there, or a form posting to
//!   another host (6).
//! - `xss.js_breakout`: a quote, an operator (`in` and `instanceof` too)
//!   and a hostile call (`';alert(1)//`, `"-alert(1)-"`), or `</script>`.
//! - `xss.template_literal`, `xss.template_injection`: a hostile call
//!   inside `${...}`, `&{...}` or `{{...}}`, or a prototype write inside
//!   `{{...}}` (the AngularJS sandbox escape).
//! - `xss.comment_breakout`: a value opening with `-->` (5).
//! - `xss.jsfuck`: script written only with `[]()!+`.
//! - `xss.dom_sink`: a hostile call or sensitive property as the whole
//!   value (`alert(document.cookie)`, a JSONP callback, `self["\x24"]`):
//!   weaker, 5 by default.
//!
//! Markup written in the Latin-1 characters a US-ASCII reader folds to
//! punctuation (`¼script¾`), or in characters whose code point's low byte
//! is `<` or `>` (`мscriptо`, read by a server that truncates each
//! character to a byte), or split by the ISO-2022-JP escapes a
//! decoder drops (`<scr ESC ( B ipt>`), is judged as the markup a browser
//! reading the page in that charset sees, under the rule that markup fires.

mod breakout;
mod html;
pub(crate) mod js;
pub(crate) mod tokenizer;
mod value;

#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::{Ctx, Hit};
use crate::config::Sensitivity;
use crate::search;

/// A rule that fired, before sensitivity is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    rule: &'static str,
    score: u32,
    span: Range<usize>,
}

impl Found {
    fn new(rule: &'static str, score: u32, span: Range<usize>) -> Self {
        Found { rule, score, span }
    }
}

/// Keeps the higher-scoring of `best` and `f`; true once the kept finding
/// is unambiguous, so callers can stop looking.
fn keep(best: &mut Option<Found>, f: Option<Found>) -> bool {
    if let Some(f) = f {
        let better = match best {
            Some(b) => f.score > b.score,
            None => true,
        };
        if better {
            *best = Some(f);
        }
    }
    best.as_ref().is_some_and(|b| b.score >= 10)
}

/// Markup is only judged this deep into comments and `srcdoc`.
const MAX_DEPTH: u8 = 2;

/// Judges one decoded value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let found = judge(value, ctx.sensitivity)?;
    let score = match ctx.sensitivity {
        // Only unambiguous findings at low sensitivity.
        Sensitivity::Low if found.score < 10 => return None,
        // Weak signals reach the default threshold when asked for.
        Sensitivity::High if found.score >= 4 => found.score.max(5),
        Sensitivity::Paranoid => found.score.max(5),
        _ => found.score,
    };
    Some(Hit {
        rule: found.rule,
        score,
        span: found.span,
    })
}

/// Bytes without which no rule can fire: markup, quotes, a scheme's colon,
/// a call's parenthesis or backtick, an assignment.
fn may_fire(value: &[u8]) -> bool {
    value
        .iter()
        .any(|&b| matches!(b, b'<' | b'"' | b'\'' | b'`' | b':' | b'(' | b'='))
}

/// A member access on the DOM needs none of those bytes:
/// `document /**/ . cookie`, `window.location`.
fn may_touch_dom(value: &[u8]) -> bool {
    memchr::memchr(b'.', value).is_some()
        && [&b"document"[..], b"window", b"location", b"innerhtml"]
            .iter()
            .any(|w| search::contains_ci(value, w))
}

fn judge(value: &[u8], sensitivity: Sensitivity) -> Option<Found> {
    if let Some(found) = seven_bit(value) {
        return Some(found);
    }
    if let Some(found) = truncated(value) {
        return Some(found);
    }
    if let Some(found) = iso2022(value, sensitivity) {
        return Some(found);
    }
    judge_plain(value, sensitivity)
}

/// [`judge`] without re-reading the value in another charset.
fn judge_plain(value: &[u8], sensitivity: Sensitivity) -> Option<Found> {
    if !may_fire(value) {
        // `+!![]` needs none of those bytes either.
        if let Some(found) = jsfuck(value) {
            return Some(found);
        }
        if may_touch_dom(value) {
            return dom_sink(value, sensitivity);
        }
        return comment_end(value);
    }
    let has = |b: u8| memchr::memchr(b, value).is_some();
    let mut best: Option<Found> = None;
    let mut consider = |f: Option<Found>| keep(&mut best, f);
    if has(b'<') && consider(html::judge(value, MAX_DEPTH)) {
        return best;
    }
    if has(b':') && (consider(url_value(value)) || consider(markdown_link(value))) {
        return best;
    }
    let quoted = has(b'"') || has(b'\'') || has(b'`');
    if quoted && consider(breakout::script(value)) {
        return best;
    }
    if has(b'=') {
        if quoted && consider(breakout::attribute(value)) {
            return best;
        }
        if consider(breakout::handler_anywhere(value)) {
            return best;
        }
    }
    if consider(style_value(value))
        || consider(jsfuck(value))
        || consider(comment_end(value))
        || consider(template(value))
    {
        return best;
    }
    if best.is_none() {
        best = dom_sink(value, sensitivity);
    }
    best
}

/// Markup spelled with the Latin-1 characters whose low seven bits are
/// punctuation: `¼script¾` is `<script>` on a page written out in Latin-1
/// and read by a browser as US-ASCII, which drops the high bit (the decoder
/// `sevenbit` folds such stray bytes; this is the same text after an
/// escape layer or the application made it a character, as `\xbc` is).
/// Only markup that runs script counts: `¼ cup` folds to text.
fn seven_bit(value: &[u8]) -> Option<Found> {
    const QUARTER: &[u8] = "\u{bc}".as_bytes();
    search::find(value, QUARTER)?;
    /// The folded byte at `value[i..]` and the bytes it used.
    fn fold(rest: &[u8]) -> (u8, usize) {
        match rest {
            [0xC2, b @ 0xA0..=0xBF, ..] => (b & 0x7f, 2),
            [b, ..] => (*b, 1),
            [] => (0, 1),
        }
    }
    refold(value, fold)
}

/// Markup spelled with characters whose code point ends in the byte of
/// `<` or `>` (`мscriptо` is U+043C, `script`, U+043E): a server that
/// keeps only the low byte of each character (a cast to `byte`, a
/// single-byte charset written without a mapping) turns them into a tag.
/// Text in Cyrillic or Latin Extended is full of such letters but never
/// glues one to an ASCII word, so only a `<`-letter followed by an ASCII
/// letter or `/` is read again; only markup that runs script counts.
fn truncated(value: &[u8]) -> Option<Found> {
    /// The low byte of the code point at `rest` (two-byte UTF-8 only).
    fn fold(rest: &[u8]) -> (u8, usize) {
        match rest {
            [lead @ 0xC4..=0xDF, cont @ 0x80..=0xBF, ..] => {
                (((lead & 0x03) << 6) | (cont & 0x3f), 2)
            }
            [b, ..] => (*b, 1),
            [] => (0, 1),
        }
    }
    let opener = memchr::memchr_iter(0xBC, value).any(|i| {
        i > 0
            && matches!(value[i - 1], 0xC4 | 0xC8 | 0xCC | 0xD0 | 0xD4 | 0xD8 | 0xDC)
            && value
                .get(i + 1)
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/')
    });
    if !opener {
        return None;
    }
    refold(value, fold)
}

/// Judges `value` as read through `fold` (a folded byte and the bytes it
/// used); only markup that runs script counts, and the span is mapped back.
fn refold(value: &[u8], fold: fn(&[u8]) -> (u8, usize)) -> Option<Found> {
    let mut folded = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let (b, used) = fold(&value[i..]);
        folded.push(b);
        i += used;
    }
    let found = html::judge(&folded, MAX_DEPTH).filter(|f| f.score >= 10)?;
    // Offsets in `value` of the folded span, walking the fold again.
    let (mut start, mut end) = (value.len(), value.len());
    let (mut i, mut k) = (0, 0);
    while i < value.len() {
        if k == found.span.start {
            start = i;
        }
        if k == found.span.end {
            end = i;
            break;
        }
        i += fold(&value[i..]).1;
        k += 1;
    }
    Some(Found::new(found.rule, found.score, start.min(end)..end))
}

/// The value as an ISO-2022-JP decoder reads it: the escape sequences that
/// switch character sets (`ESC ( B`, `ESC ( J`, `ESC $ @`, `ESC $ B`) are
/// dropped, so `<scr\x1b(Bipt>` is `<script>` on a page a browser decodes
/// as ISO-2022-JP (one without a declared charset can be detected as it).
/// Text has no reason to switch to ASCII inside a word; only a value that
/// holds such a sequence is read again.
fn iso2022(value: &[u8], sensitivity: Sensitivity) -> Option<Found> {
    memchr::memchr(0x1b, value)?;
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    let mut dropped = false;
    while i < value.len() {
        let seq = match value[i..] {
            [0x1b, b'(', b'B' | b'J', ..] | [0x1b, b'$', b'@' | b'B', ..] => 3,
            _ => 0,
        };
        if seq > 0 {
            dropped = true;
            i += seq;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    if !dropped {
        return None;
    }
    // One pass: a decoder drops each sequence once.
    let found = judge_plain(&out, sensitivity)?;
    Some(Found::new(found.rule, found.score, 0..value.len().min(64)))
}

/// A hostile call or DOM access as the whole value: what a JSONP callback
/// or a value evaluated by the page carries. Prose rarely calls `alert(`,
/// but the value may be a search for it, hence a middling score.
fn dom_sink(value: &[u8], sensitivity: Sensitivity) -> Option<Found> {
    let score = match sensitivity {
        Sensitivity::Low => return None,
        Sensitivity::Default => 5,
        Sensitivity::High | Sensitivity::Paranoid => 6,
    };
    let span = js::hostile(value, 0..value.len(), js::Mode::Bare)?;
    // `confirm(by Friday)`: words as arguments are prose in parentheses.
    let args = &value[span.end.min(value.len())..];
    let args = &args[..args
        .iter()
        .take(80)
        .position(|&b| b == b')')
        .unwrap_or(args.len().min(80))];
    // Words before the call on its line make it a mention in text (``the
    // timer in `setTimeout(0)` ``), not a value the page evaluates.
    let before = &value[..span.start.min(value.len())];
    let line = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    if prose(args) || prose(&before[line..]) {
        return None;
    }
    Some(Found::new("xss.dom_sink", score, span))
}

/// Two words of letters separated by a space: natural language.
fn prose(s: &[u8]) -> bool {
    s.split(|&b| b == b' ')
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            w.iter()
                .all(|x| x.len() >= 2 && x.iter().all(u8::is_ascii_alphabetic))
        })
}

/// CSS that runs script, outside any tag: `x:expression(alert(1))`,
/// `-moz-binding:url(...)`, `background:url(javascript:...)`.
fn style_value(value: &[u8]) -> Option<Found> {
    let hint = [&b"expression"[..], b"binding", b"behavio", b"url"]
        .iter()
        .any(|w| search::contains_ci(value, w));
    if !hint {
        return None;
    }
    if html::css_active(value, html::CSS_ACTIVE_STRICT).is_some() {
        return Some(Found::new("xss.style", 10, 0..value.len().min(64)));
    }
    // Rules that read a field's value out, injected into a style sheet.
    html::css_exfiltration(value).then(|| Found::new("xss.style", 6, 0..value.len().min(64)))
}

/// Script inside template delimiters: `${alert(1)}` in a JavaScript
/// template literal, `{{constructor.constructor('alert(1)')()}}` in an
/// AngularJS or Vue template, `&{alert(1)};` (Netscape's script entity).
/// A plain `{{name}}` or `${price}` calls nothing and passes.
fn template(value: &[u8]) -> Option<Found> {
    type Pair = (Finder<'static>, Finder<'static>, &'static str);
    static PAIRS: LazyLock<[Pair; 3]> = LazyLock::new(|| {
        [
            (&b"${"[..], &b"}"[..], "xss.template_literal"),
            (b"{{", b"}}", "xss.template_injection"),
            (b"&{", b"}", "xss.template_literal"),
        ]
        .map(|(o, c, r)| (Finder::new(o).into_owned(), Finder::new(c).into_owned(), r))
    });
    for (open, close, rule) in &*PAIRS {
        let rule = *rule;
        let mut from = 0;
        while let Some(i) = open.find(&value[from..]) {
            let start = from + i + open.needle().len();
            let end = close
                .find(&value[start..])
                .map_or(value.len(), |e| start + e);
            let found = js::hostile(value, start..end, js::Mode::Strict).or_else(|| {
                (rule == "xss.template_injection")
                    .then(|| {
                        js::prototype_write(value, start..end)
                            .or_else(|| scope_eval(value, start..end))
                    })
                    .flatten()
            });
            if let Some(span) = found {
                return Some(Found::new(rule, 10, from + i..span.end.max(end)));
            }
            from = end.max(start);
        }
    }
    None
}

/// `{{$eval('alert(1)')}}`, `x|orderBy:'(z=alert)(1)'`: AngularJS
/// compiles the string argument of its scope evaluator and of the
/// `orderBy` filter as an expression (the filter is the way out of a
/// CSP-mode sandbox), so the string is script: judged as such, not as a
/// string.
pub(crate) fn scope_eval(value: &[u8], range: Range<usize>) -> Option<Range<usize>> {
    [&b"$eval("[..], b"orderby:"].iter().find_map(|opener| {
        let at = range.start + search::find_ci(&value[range.clone()], opener)?;
        let mut arg = at + opener.len();
        let mut quote = None;
        while arg < range.end && (value[arg].is_ascii_whitespace() || b"'\"`".contains(&value[arg]))
        {
            quote = quote.or(Some(value[arg]).filter(|b| !b.is_ascii_whitespace()));
            arg += 1;
        }
        // The compiled expression ends where its string does: what
        // follows the closing quote is the outer expression's.
        let end = quote
            .and_then(|q| memchr::memchr(q, &value[arg..range.end]))
            .map_or(range.end, |e| arg + e);
        js::hostile(value, arg..end, js::Mode::Strict).map(|s| at..s.end)
    })
}

/// `-->` opening the value: it closes the HTML comment the value was
/// reflected into, so what follows is live markup. Weak alone.
fn comment_end(value: &[u8]) -> Option<Found> {
    let start = value
        .iter()
        .position(|&b| !(b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`')))?;
    value[start..]
        .starts_with(b"-->")
        .then(|| Found::new("xss.comment_breakout", 5, start..start + 3))
}

/// JSFuck and its relatives: script written with `[]()!+` only, such as
/// `(![]+[])[+!+[]]`. No text is made of these but script.
fn jsfuck(value: &[u8]) -> Option<Found> {
    static CORES: LazyLock<[Finder<'static>; 2]> = LazyLock::new(|| {
        [
            Finder::new(b"![]").into_owned(),
            Finder::new(b"+[]").into_owned(),
        ]
    });
    // Two searches before counting every byte: text has neither core.
    if CORES[0].find(value).is_none() && CORES[1].find(value).is_none() {
        return None;
    }
    let mut symbols = 0usize;
    let mut other = 0usize;
    for &b in value {
        match b {
            b'[' | b']' | b'(' | b')' | b'!' | b'+' => symbols += 1,
            b if b.is_ascii_whitespace() => {}
            _ => other += 1,
        }
    }
    if symbols >= 12 && other * 10 <= symbols {
        return Some(Found::new("xss.jsfuck", 10, 0..value.len().min(64)));
    }
    // `+!![]`, `!![]+!![]`: a short value of nothing but these symbols is
    // the probe for it, once an operator is applied to an array (a
    // Markdown image `![]()` applies none).
    let applied = [&b"!!"[..], b"+!", b"+[", b"[+", b"]+"]
        .iter()
        .any(|w| search::find(value, w).is_some());
    (symbols >= 4 && other == 0 && applied)
        .then(|| Found::new("xss.jsfuck", 5, 0..value.len().min(64)))
}

/// A script body that opens with a backslash: outside a string that is an
/// escaped identifier (`\u0061lert(1)` runs `alert(1)`), the way to hide a
/// name from a filter; no `javascript:` link a page writes starts so.
fn escaped(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'\\')
}

/// `[text](javascript:alert(1))`, `![x](data:text/html;base64,...)`: a
/// Markdown link or image whose target is a URL that runs script, judged
/// as a whole-value URL; the renderer writes it into `href` or `src`.
fn markdown_link(value: &[u8]) -> Option<Found> {
    static OPEN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"](").into_owned());
    // Targets read, and bytes of each: a link's payload is short, and a
    // value of many links stays linear.
    const TARGETS: usize = 32;
    const TARGET_BYTES: usize = 256;
    let mut from = 0;
    let mut tried = 0;
    while let Some(i) = OPEN.find(&value[from..]) {
        let start = from + i + 2;
        from = start;
        // The target ends at the link's `)`, but `alert(1)` inside it has
        // parentheses of its own: read to the end of the line.
        let end = value[start..]
            .iter()
            .take(TARGET_BYTES)
            .position(|&b| b == b'\n')
            .map_or((start + TARGET_BYTES).min(value.len()), |e| start + e);
        let target = &value[start..end];
        // `![alt](data:image/svg+xml;base64,...)` is an image: rendered as
        // a picture, never as a page (as `<img src>` is judged).
        let image = || {
            value[..start - 2]
                .iter()
                .rev()
                .take(TARGET_BYTES)
                .position(|&b| b == b'[')
                .is_some_and(|k| start - 2 - k >= 2 && value[start - 2 - k - 2] == b'!')
        };
        // A scheme, even spelled in references, is in the first bytes.
        let head = value::decode_refs(&target[..target.len().min(128)]);
        let scripted = value::scheme(&head).is_some_and(|(s, _)| {
            matches!(&s[..], b"javascript" | b"vbscript" | b"livescript")
                || &s[..] == b"data" && !image()
        });
        if !scripted {
            continue;
        }
        if let Some(f) = url_value(target) {
            return Some(Found::new(
                f.rule,
                f.score,
                start + f.span.start..start + f.span.end,
            ));
        }
        tried += 1;
        if tried == TARGETS {
            break;
        }
    }
    None
}

/// The whole value is a URL that runs script: `javascript:alert(1)` in a
/// redirect parameter, `data:text/html,...` in an `src` parameter, or a
/// scheme disguised with references or controls (`ja&Tab;vascript:`), which
/// nothing benign does.
fn url_value(value: &[u8]) -> Option<Found> {
    let v = value::decode_refs(value);
    if html::data_markup(&v, MAX_DEPTH) {
        return Some(Found::new("xss.js_url", 10, 0..value.len().min(64)));
    }
    let rest = value::script_url(&v)?;
    let (scheme, _) = value::scheme(&v)?;
    let trimmed = value
        .iter()
        .position(|&b| b > b' ')
        .map_or(&[][..], |i| &value[i..]);
    let plain = trimmed.len() > scheme.len()
        && trimmed[..scheme.len()].eq_ignore_ascii_case(&scheme)
        && trimmed[scheme.len()] == b':';
    let active = match &scheme[..] {
        b"data" => true,
        b"javascript" if plain => {
            js::hostile(&v, rest..v.len(), js::Mode::Strict).is_some() || escaped(&v[rest..])
        }
        _ => true,
    };
    active.then(|| Found::new("xss.js_url", 10, 0..value.len().min(rest + 32)))
}
