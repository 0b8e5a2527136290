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
//!   (10), or a well-known handler with any value (6).
//! - `xss.js_url`: `javascript:`, `vbscript:`, `data:text/html` (and other
//!   active `data:` types) in a URL attribute, or as the whole value
//!   followed by script.
//! - `xss.dangerous_tag`: tags that embed active content (iframe, frame,
//!   object, embed, applet, ...), `<base href>`, `<meta http-equiv>`,
//!   `<link rel=import>`, `<style>` with script, `srcdoc` holding markup.
//! - `xss.style`: a `style` attribute with `expression(`, `behavior:`,
//!   `-moz-binding`, `javascript:` or `@import`.
//! - `xss.attr_breakout`: a quote followed by attributes that run script
//!   (`" onmouseover=alert(1) x="`), without a new tag.
//! - `xss.js_breakout`: a quote, an operator and a hostile call
//!   (`';alert(1)//`, `"-alert(1)-"`), or `</script>`.
//! - `xss.dom_sink`: a hostile call or sensitive property as the whole
//!   value (`alert(document.cookie)`, a JSONP callback): weaker, 5 by
//!   default.

mod breakout;
mod html;
mod js;
mod tokenizer;
mod value;

#[cfg(test)]
mod tests;

use std::ops::Range;

use super::{Ctx, Hit};
use crate::config::Sensitivity;

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

/// Markup is only judged this deep into comments and `srcdoc`.
const MAX_DEPTH: u8 = 2;

/// Judges one decoded value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let found = judge(value, ctx.sensitivity)?;
    let score = match ctx.sensitivity {
        // Only unambiguous findings at low sensitivity.
        Sensitivity::Low if found.score < 10 => return None,
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

fn judge(value: &[u8], sensitivity: Sensitivity) -> Option<Found> {
    if !may_fire(value) {
        return None;
    }
    let has = |b: u8| memchr::memchr(b, value).is_some();
    let mut best: Option<Found> = None;
    let mut consider = |f: Option<Found>| {
        if let Some(f) = f {
            if best.as_ref().is_none_or(|b| f.score > b.score) {
                best = Some(f);
            }
        }
        best.as_ref().is_some_and(|b| b.score >= 10)
    };
    if has(b'<') && consider(html::judge(value, MAX_DEPTH)) {
        return best;
    }
    if has(b':') && consider(url_value(value)) {
        return best;
    }
    let quoted = has(b'"') || has(b'\'') || has(b'`');
    if quoted && consider(breakout::script(value)) {
        return best;
    }
    if has(b'=') && consider(breakout::attribute(value)) {
        return best;
    }
    if best.is_none() {
        let sink = js::hostile(value, 0..value.len(), js::Mode::Strict);
        let score = match sensitivity {
            Sensitivity::Low => 0,
            Sensitivity::Default => 5,
            Sensitivity::High | Sensitivity::Paranoid => 6,
        };
        if let Some(span) = sink.filter(|_| score > 0) {
            best = Some(Found::new("xss.dom_sink", score, span));
        }
    }
    best
}

/// The whole value is a URL that runs script: `javascript:alert(1)` in a
/// redirect parameter, `data:text/html,...` in an `src` parameter.
fn url_value(value: &[u8]) -> Option<Found> {
    let v = value::decode_refs(value);
    let rest = value::script_url(&v)?;
    let (scheme, _) = value::scheme(&v)?;
    let active = match &scheme[..] {
        b"data" => true,
        _ => js::hostile(&v, rest..v.len(), js::Mode::Loose).is_some(),
    };
    active.then(|| Found::new("xss.js_url", 10, 0..value.len().min(rest + 32)))
}
