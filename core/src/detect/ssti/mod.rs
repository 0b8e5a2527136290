//! Server-side template injection (class `ssti`).
//!
//! A template engine evaluates what sits between its delimiters, so the
//! detector finds the delimiters of the common engines and judges what is
//! inside as an expression, with a small lexer shared by all of them:
//! Jinja2/Twig/Nunjucks/Pebble/Handlebars `{{ }}` and `{% %}`, Freemarker
//! `${ }`, `<#...>` and `?new()`, Velocity `#set(...)`, Spring/Thymeleaf
//! `${ }`, `*{ }`, `#{ }` and `__${ }__`, ERB/JSP/EJS/Mako `<% %>`, Smarty
//! `{php}`, `{system(...)}`, `{$smarty...}`, Razor `@( )` / `@{ }`.
//!
//! A placeholder (`{{name}}`, `{{ user.name }}`, `${price}`, `{{ x | upper }}`)
//! is what templates are for and never fires. An expression fires when it
//! reaches the machinery a template should not: dunder attributes
//! (`__class__`, `__globals__`), engine internals (`lipsum`, `cycler`,
//! `_self.env`, `self._TemplateReference__context`), the OS or reflection
//! (`os.popen(`, `getClass().forName(`, `T(java.lang.Runtime)`), Freemarker
//! `?new()`; or when it is a probe: arithmetic on literals (`7*7`, `'a'*7`)
//! or a control tag on a constant condition (`{% if True %}`).
//!
//! Rules (score):
//! - `ssti.internals` (10): dunders, engine internals, OS/reflection names
//!   used in an expression, `|attr(`, command names passed as filter
//!   arguments, backticks in ERB, `T(pkg.Class)`, `?new()`.
//! - `ssti.code` (10): code blocks with imports (`<% import os %>`), Smarty
//!   `{php}` and PHP function tags (`{system('id')}`), Perl `@{[ system 'id' ]}`
//!   interpolation.
//! - `ssti.arithmetic` (8 in `{{ }}`, `#{ }`, `<%= %>`, `@( )`; 6 in `*{ }`
//!   and statements; 4 in `${ }`, which JS template literals share).
//! - `ssti.constant_condition` (8): `{% if True %}`, `<% if 1 %>`.
//! - `ssti.probe` (8): Handlebars `{{#with "s" as |x|}}`, Freemarker `?api`,
//!   `{$smarty.version}`, and the polyglot `${{<%[%'"}}%\` that fuzzers send
//!   to see which engine errors.
//! - `ssti.call` (3): a call on a medium-risk name (`config`, `request`,
//!   `self`) without more; weak, adds up with other findings.

use std::ops::Range;

use super::{Best, Ctx, Hit};
use crate::config::Sensitivity;
use crate::search;
use crate::search::find_ci;

/// Bytes of one expression judged.
const MAX_EXPR: usize = 4096;

/// Names whose mere use in an expression is an attack.
const STRONG: &[&str] = &[
    "lipsum",
    "cycler",
    "joiner",
    "get_flashed_messages",
    "_templatereference__context",
    "registerundefinedfiltercallback",
    "getfilter",
    "subprocess",
    "popen",
    "popen3",
    "open3",
    "execsync",
    "spawnsync",
    "getruntime",
    "forname",
    "getclass",
    "classloader",
    "processbuilder",
    "mainmodule",
    "child_process",
    "objectconstructor",
    "shell_exec",
    "passthru",
    "proc_open",
    "pcntl_exec",
    "file_excerpt",
    "getdeclaredmethod",
    "newinstance",
    "getenginebyname",
    "scriptenginemanager",
    "freemarker",
    "_self",
    "__import__",
    "builtins",
    "globals",
];

/// Names that are ordinary alone but dangerous when called or chained.
const MEDIUM: &[&str] = &[
    "exec",
    "eval",
    "import",
    "getattr",
    "config",
    "self",
    "request",
    "application",
    "open",
    "file",
    "io",
    "kernel",
    "require",
    "process",
    "constructor",
    "env",
    "settings",
    "inspect",
    "class",
    "runtime",
    "module",
    "read",
    "spawn",
    "system",
    "execute",
    "dir",
    "secret_key",
];

/// String arguments that name commands or internals.
const DANGER_STRINGS: &[&str] = &[
    "system",
    "popen",
    "exec",
    "eval",
    "os",
    "subprocess",
    "passthru",
    "shell_exec",
    "child_process",
    "constructor",
    "java.lang.runtime",
];

/// PHP functions Smarty lets a template call as `{name(...)}`.
const PHP_FUNCS: &[&str] = &[
    "system",
    "exec",
    "passthru",
    "shell_exec",
    "popen",
    "proc_open",
    "eval",
    "assert",
    "file_get_contents",
    "file_put_contents",
    "fopen",
    "phpinfo",
];

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn one_of(s: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| s.eq_ignore_ascii_case(w.as_bytes()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Ident,
    Num,
    Str,
    Backtick,
    Op,
    Dot,
    LParen,
    RParen,
    Pipe,
    Question,
    Other,
}

/// What an expression contains.
#[derive(Default, Debug)]
struct Expr {
    strong: bool,
    medium: u32,
    call: bool,
    arith: bool,
    backtick: bool,
    attr_filter: bool,
    danger_string: bool,
    fm_new: bool,
    fm_api: bool,
    type_ref: bool,
    /// Only one literal token (a constant).
    constant: bool,
}

/// Lexes and summarizes `src` as a template expression.
fn judge_expr(src: &[u8]) -> Expr {
    let src = &src[..src.len().min(MAX_EXPR)];
    let mut e = Expr::default();
    // The last three significant tokens, with identifier ranges.
    let mut hist: [(Tok, Range<usize>); 3] =
        [(Tok::Other, 0..0), (Tok::Other, 0..0), (Tok::Other, 0..0)];
    let mut count = 0usize;
    let mut literals = 0usize;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if is_ident_start(b) {
            while i < src.len() && is_ident(src[i]) {
                i += 1;
            }
            Tok::Ident
        } else if b.is_ascii_digit() {
            while i < src.len() && (src[i].is_ascii_digit() || src[i] == b'.') {
                i += 1;
            }
            Tok::Num
        } else if b == b'\'' || b == b'"' || b == b'`' {
            i += 1;
            while i < src.len() && src[i] != b {
                if src[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(src.len());
            if b == b'`' {
                Tok::Backtick
            } else {
                Tok::Str
            }
        } else {
            i += 1;
            match b {
                b'*' | b'+' | b'-' | b'/' | b'%' | b'~' => {
                    while i < src.len() && src[i] == b'*' {
                        i += 1;
                    }
                    Tok::Op
                }
                b'.' => Tok::Dot,
                b'(' => Tok::LParen,
                b')' => Tok::RParen,
                b'|' => Tok::Pipe,
                b'?' => Tok::Question,
                _ => Tok::Other,
            }
        };
        let range = start..i;
        let text = &src[range.clone()];
        match tok {
            Tok::Ident => {
                let name = text.strip_prefix(b"$").unwrap_or(text);
                let dunder = name.len() > 4 && name.starts_with(b"__") && name.ends_with(b"__");
                if dunder || one_of(name, STRONG) {
                    e.strong = true;
                } else if one_of(name, MEDIUM) {
                    e.medium += 1;
                }
                let prev = &hist[2];
                if prev.0 == Tok::Question {
                    if name.eq_ignore_ascii_case(b"new") {
                        e.fm_new = true;
                    } else if name.eq_ignore_ascii_case(b"api")
                        || name.eq_ignore_ascii_case(b"interpret")
                    {
                        e.fm_api = true;
                    }
                }
            }
            Tok::Str => {
                let inner = &text[1..text.len().saturating_sub(1).max(1)];
                let inner = inner.trim_ascii();
                if inner.len() > 4 && inner.starts_with(b"__") && inner.ends_with(b"__") {
                    // `request['__class__']`: a dunder by subscript.
                    e.strong = true;
                } else if one_of(inner, DANGER_STRINGS)
                    || find_ci(inner, b"freemarker.template").is_some()
                {
                    e.danger_string = true;
                }
                literals += 1;
            }
            Tok::Num => literals += 1,
            Tok::Backtick => e.backtick = true,
            Tok::LParen => {
                let prev = &hist[2];
                if prev.0 == Tok::Ident {
                    e.call = true;
                    let name = &src[prev.1.clone()];
                    if hist[1].0 == Tok::Pipe && name.eq_ignore_ascii_case(b"attr") {
                        e.attr_filter = true;
                    }
                    if name == b"T" && hist[1].0 != Tok::Dot {
                        // `T(pkg.Class)`: look ahead for a dotted name.
                        let rest = &src[i..];
                        let n = rest
                            .iter()
                            .take_while(|&&c| is_ident(c) || c == b'.' || c == b' ')
                            .count();
                        if memchr::memchr(b'.', &rest[..n]).is_some() && rest.get(n) == Some(&b')')
                        {
                            e.type_ref = true;
                        }
                    }
                }
            }
            _ => {}
        }
        // Literal arithmetic: `7*7`, `'a'*7`, `7*'a'`.
        if matches!(tok, Tok::Num | Tok::Str) && hist[2].0 == Tok::Op {
            let op = &src[hist[2].1.clone()];
            let left = hist[1].0;
            let num_num = left == Tok::Num && tok == Tok::Num;
            let str_mul = op.starts_with(b"*")
                && ((left == Tok::Str && tok == Tok::Num) || (left == Tok::Num && tok == Tok::Str));
            if num_num || str_mul {
                e.arith = true;
            }
        }
        hist[0] = hist[1].clone();
        hist[1] = hist[2].clone();
        hist[2] = (tok, range);
        count += 1;
    }
    e.constant = count == 1 && literals == 1
        || (count == 1
            && hist[2].0 == Tok::Ident
            && one_of(
                &src[hist[2].1.clone()],
                &["true", "false", "none", "nil", "null"],
            ));
    e
}

/// The score of an expression found between delimiters whose literal
/// arithmetic is worth `arith`.
fn score_expr(e: &Expr, arith: u32) -> Option<(&'static str, u32)> {
    if e.strong
        || e.attr_filter
        || e.fm_new
        || e.type_ref
        || e.backtick
        || (e.danger_string && e.call)
    {
        return Some(("ssti.internals", 10));
    }
    if e.medium >= 1 && e.call || e.medium >= 2 {
        return Some(("ssti.internals", 10));
    }
    if e.arith && arith > 0 {
        return Some(("ssti.arithmetic", arith));
    }
    if e.fm_api {
        return Some(("ssti.probe", 8));
    }
    if e.medium >= 1 {
        return Some(("ssti.call", 3));
    }
    None
}

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let hit = detect_any(value)?;
    // At low sensitivity only unambiguous findings are reported.
    (ctx.sensitivity != Sensitivity::Low || hit.score >= 10).then_some(hit)
}

fn detect_any(value: &[u8]) -> Option<Hit> {
    // Fast reject: every syntax below needs one of these bytes.
    if memchr::memchr3(b'{', b'<', b'#', value).is_none()
        && memchr::memchr2(b'@', b'[', value).is_none()
    {
        return None;
    }
    let mut best = Best::default();
    let passes: [fn(&[u8], &mut Best); 9] = [
        polyglot,
        double_curly,
        statements,
        braced_expressions,
        angle_percent,
        freemarker_tags,
        velocity,
        smarty,
        razor,
    ];
    for pass in passes {
        pass(value, &mut best);
        if best.done() {
            break;
        }
    }
    best.0
}

/// The template-syntax fuzzing probe (`${{<%[%'"}}%\.`): openers of three or
/// more engines packed together, which no template or prose contains.
fn polyglot(value: &[u8], best: &mut Best) {
    const OPENERS: [[u8; 2]; 6] = [*b"${", *b"{{", *b"<%", *b"[%", *b"#{", *b"{%"];
    const WINDOW: usize = 12;
    // Bit k set when opener k starts at that byte.
    let kind = |i: usize| -> u8 {
        let pair = [value[i], *value.get(i + 1).unwrap_or(&0)];
        OPENERS
            .iter()
            .position(|o| *o == pair)
            .map_or(0, |k| 1u8 << k)
    };
    // The openers met in the last WINDOW bytes, oldest first: each byte's
    // kind is read once, so a value made of openers costs linear time.
    let mut recent = [(0usize, 0u8); WINDOW];
    let mut len = 0;
    let mut a = memchr::memchr3_iter(b'$', b'{', b'<', value).peekable();
    let mut b = memchr::memchr2_iter(b'[', b'#', value).peekable();
    // Both iterators merged: every byte that may open an opener, in order.
    let mut next = || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        _ => b.next(),
    };
    while let Some(at) = next() {
        let k = kind(at);
        if k == 0 {
            continue;
        }
        let stale = recent[..len]
            .iter()
            .take_while(|(i, _)| at - i >= WINDOW)
            .count();
        recent.copy_within(stale..len, 0);
        len -= stale;
        recent[len] = (at, k);
        len += 1;
        let mask = recent[..len].iter().fold(0u8, |m, (_, k)| m | k);
        if mask.count_ones() >= 3 {
            let start = recent[0].0;
            best.offer("ssti.probe", 8, start..value.len().min(start + WINDOW));
            return;
        }
    }
}

/// Iterates `open ... close` pairs (no nesting), giving the content range.
fn pairs(value: &[u8], open: &[u8], close: &[u8], mut f: impl FnMut(Range<usize>, usize) -> bool) {
    let mut from = 0;
    while let Some(p) = search::find(&value[from..], open) {
        let at = from + p;
        let body = at + open.len();
        let Some(q) = search::find(&value[body..], close) else {
            // No close after this opening, hence none after later ones.
            f(body..value.len().min(body + MAX_EXPR), at);
            return;
        };
        let end = body + q;
        if !f(body..end, at) {
            return;
        }
        from = end + close.len();
    }
}

fn double_curly(value: &[u8], best: &mut Best) {
    pairs(value, b"{{", b"}}", |r, at| {
        let content = value[r.clone()].trim_ascii();
        let span = at..(r.end + 2).min(value.len());
        if let Some(rest) = content.strip_prefix(b"#") {
            // Handlebars block: `{{#with "s" as |string|}}` binds a string
            // literal to reach its prototype.
            let e = judge_expr(rest);
            if let Some((rule, s)) = score_expr(&e, 0) {
                best.offer(rule, s, span.clone());
            }
            let word_end = rest
                .iter()
                .position(|&b| !is_ident(b))
                .unwrap_or(rest.len());
            let args = rest[word_end..].trim_ascii_start();
            if rest[..word_end].eq_ignore_ascii_case(b"with")
                && matches!(args.first(), Some(b'"') | Some(b'\''))
            {
                best.offer("ssti.probe", 8, span);
            }
            return !best.done();
        }
        if content.starts_with(b"/") || content.starts_with(b"!") || content.starts_with(b">") {
            return true;
        }
        let e = judge_expr(content);
        if let Some((rule, s)) = score_expr(&e, 8) {
            best.offer(rule, s, span);
        }
        !best.done()
    });
}

/// A control statement's first word and the rest.
fn split_word(content: &[u8]) -> (&[u8], &[u8]) {
    let content = content.trim_ascii();
    let n = content
        .iter()
        .position(|&b| !is_ident(b))
        .unwrap_or(content.len());
    (&content[..n], &content[n..])
}

fn judge_statement(content: &[u8], span: Range<usize>, best: &mut Best) {
    let content = content.trim_ascii();
    let content = content
        .strip_prefix(b"-")
        .or_else(|| content.strip_prefix(b"+"))
        .unwrap_or(content);
    let content = content
        .strip_suffix(b"-")
        .or_else(|| content.strip_suffix(b"+"))
        .unwrap_or(content);
    let (word, rest) = split_word(content);
    if word.is_empty() {
        return;
    }
    if one_of(word, &["import", "from"]) && !rest.trim_ascii().is_empty() {
        best.offer("ssti.code", 10, span);
        return;
    }
    let e = judge_expr(rest);
    if one_of(word, &["if", "elif", "elsif", "while", "unless"]) && (e.constant || e.arith) {
        best.offer("ssti.constant_condition", 8, span.clone());
    }
    if let Some((rule, s)) = score_expr(&e, 6) {
        best.offer(rule, s, span);
    }
}

fn statements(value: &[u8], best: &mut Best) {
    pairs(value, b"{%", b"%}", |r, at| {
        judge_statement(&value[r.clone()], at..(r.end + 2).min(value.len()), best);
        !best.done()
    });
}

/// The end of a `{`-delimited expression starting at `body`, with nesting.
fn brace_end(value: &[u8], body: usize) -> usize {
    let mut depth = 1usize;
    let limit = value.len().min(body + MAX_EXPR);
    let mut i = body;
    while i < limit {
        match value[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    limit
}

fn is_log4j_lookup(content: &[u8]) -> bool {
    let c = content.trim_ascii_start();
    if c.starts_with(b"${") || c.starts_with(b":") {
        return true;
    }
    let n = c.iter().take_while(|&&b| b.is_ascii_alphanumeric()).count();
    n > 0 && c.get(n) == Some(&b':') && c.get(n + 1) != Some(&b':')
}

/// `${...}`, `#{...}`, `*{...}` and Razor `@{...}`.
fn braced_expressions(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'{', &value[from..]) {
        let brace = from + p;
        from = brace + 1;
        if brace == 0 {
            continue;
        }
        let arith = match value[brace - 1] {
            b'$' => 4,
            b'#' => 8,
            b'*' => 6,
            b'@' => 0,
            _ => continue,
        };
        let body = brace + 1;
        let end = brace_end(value, body);
        if arith == 4 && is_log4j_lookup(&value[body..end]) {
            // `${prefix:...}` and `${::-x}` are Log4j lookups, judged by
            // the `jndi` detector.
            from = end.max(body);
            continue;
        }
        let e = judge_expr(&value[body..end]);
        if let Some((rule, s)) = score_expr(&e, arith) {
            best.offer(rule, s, brace - 1..(end + 1).min(value.len()));
            if best.done() {
                return;
            }
        }
        from = end.max(body);
    }
}

/// ERB, JSP, EJS, ASP and Mako `<% ... %>`.
fn angle_percent(value: &[u8], best: &mut Best) {
    pairs(value, b"<%", b"%>", |r, at| {
        let mut content = &value[r.clone()];
        let span = at..(r.end + 2).min(value.len());
        let mut arith = 6;
        if let Some(c) = content.strip_prefix(b"=") {
            content = c.strip_prefix(b"=").unwrap_or(c);
            arith = 8;
        } else if let Some(c) = content.strip_prefix(b"-") {
            content = c;
            arith = 8;
        } else if let Some(c) = content.strip_prefix(b"!") {
            content = c;
        } else if content.starts_with(b"@") || content.starts_with(b"#") {
            return true;
        }
        let (word, _) = split_word(content);
        if one_of(
            word,
            &["if", "elif", "elsif", "while", "unless", "import", "from"],
        ) {
            judge_statement(content, span, best);
        } else {
            let e = judge_expr(content);
            if let Some((rule, s)) = score_expr(&e, arith) {
                best.offer(rule, s, span);
            }
        }
        !best.done()
    });
}

/// Freemarker directives `<#assign ...>` and `[#assign ...]`.
fn freemarker_tags(value: &[u8], best: &mut Best) {
    for (open, close) in [(&b"<#"[..], &b">"[..]), (&b"[#"[..], &b"]"[..])] {
        pairs(value, open, close, |r, at| {
            let (word, rest) = split_word(&value[r.clone()]);
            if word.is_empty() {
                return true;
            }
            let e = judge_expr(rest);
            if let Some((rule, s)) = score_expr(&e, 6) {
                best.offer(rule, s, at..(r.end + 1).min(value.len()));
            }
            !best.done()
        });
        if best.done() {
            return;
        }
    }
}

/// Velocity `#set(...)`, `#foreach(...)`, `#if(...)` directives.
fn velocity(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'#', &value[from..]) {
        let at = from + p;
        from = at + 1;
        let rest = &value[at + 1..];
        let n = rest
            .iter()
            .take_while(|&&b| b.is_ascii_alphabetic())
            .count();
        let word = &rest[..n];
        if !one_of(
            word,
            &[
                "set", "foreach", "if", "elseif", "evaluate", "define", "macro",
            ],
        ) {
            continue;
        }
        let after = &rest[n..];
        let lead = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if after.get(lead) != Some(&b'(') {
            continue;
        }
        let body = at + 1 + n + lead + 1;
        let mut depth = 1usize;
        let limit = value.len().min(body + MAX_EXPR);
        let mut end = limit;
        for (i, &b) in value[body..limit].iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = body + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let e = judge_expr(&value[body..end]);
        if let Some((rule, s)) = score_expr(&e, 6) {
            best.offer(rule, s, at..end);
            if best.done() {
                return;
            }
        }
        from = end.max(from);
    }
}

/// Smarty tags: `{php}`, `{system('id')}`, `{$smarty.version}`.
fn smarty(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'{', &value[from..]) {
        let at = from + p;
        from = at + 1;
        let rest = &value[at + 1..];
        if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"php}") {
            best.offer("ssti.code", 10, at..at + 5);
            return;
        }
        if rest.len() > 8 && rest[..8].eq_ignore_ascii_case(b"$smarty.") {
            best.offer("ssti.probe", 8, at..at + 9);
            continue;
        }
        // `{name(` or `{if name(` with a PHP function.
        let (mut word, mut tail) = split_word(&rest[..rest.len().min(64)]);
        if word.eq_ignore_ascii_case(b"if") {
            (word, tail) = split_word(tail);
        }
        let paren = tail.trim_ascii_start().first() == Some(&b'(');
        if paren && rest.first().is_some_and(|&b| is_ident_start(b)) && one_of(word, PHP_FUNCS) {
            best.offer("ssti.code", 10, at..at + 1 + word.len());
            return;
        }
        if find_ci(word, b"Smarty_Internal_").is_some() {
            best.offer("ssti.code", 10, at..at + 1 + word.len());
            return;
        }
    }
}

/// Perl's `@{[ ... ]}` runs code inside an interpolated string (a Perl
/// template or `eval "..."` of user text): commands, files and `%ENV`.
fn perl_interpolation(value: &[u8], body: usize, at: usize, best: &mut Best) {
    const SINKS: [&str; 10] = [
        "system", "exec", "open", "qx", "readpipe", "eval", "require", "unlink", "fork", "syscall",
    ];
    let end = value.len().min(body + MAX_EXPR);
    let code = &value[body..end];
    let code = match search::find(code, b"]") {
        Some(p) if search::find(code, b"{").is_none() => &code[..p],
        _ => code,
    };
    let mut i = 0;
    while i < code.len() {
        if is_ident_start(code[i]) && (i == 0 || !is_ident(code[i - 1])) {
            let n = code[i..].iter().take_while(|&&b| is_ident(b)).count();
            if one_of(&code[i..i + n], &SINKS) {
                best.offer("ssti.code", 10, at..body + i + n);
                return;
            }
            i += n;
            continue;
        }
        if code[i] == b'`' || code[i..].starts_with(b"%ENV") {
            best.offer("ssti.code", 10, at..body + i + 1);
            return;
        }
        i += 1;
    }
}

/// Razor `@( ... )` expressions and `@Namespace.Call(` code.
fn razor(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'@', &value[from..]) {
        let at = from + p;
        from = at + 1;
        if at > 0 && is_ident(value[at - 1]) {
            // An e-mail address or a decorator inside a word.
            continue;
        }
        let body = at + 1;
        let ws = value[body..]
            .iter()
            .skip(1)
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if value.get(body) == Some(&b'{') && value.get(body + 1 + ws) == Some(&b'[') {
            perl_interpolation(value, body + 2 + ws, at, best);
            if best.done() {
                return;
            }
        }
        if value.get(body) == Some(&b'(') {
            let mut depth = 1usize;
            let limit = value.len().min(body + 1 + MAX_EXPR);
            let mut end = limit;
            for (i, &b) in value[body + 1..limit].iter().enumerate() {
                match b {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = body + 1 + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let e = judge_expr(&value[body + 1..end]);
            if let Some((rule, s)) = score_expr(&e, 8) {
                best.offer(rule, s, at..end);
                if best.done() {
                    return;
                }
            }
            from = end.max(from);
        } else if value[body..].starts_with(b"System.") {
            // `@System.Diagnostics.Process.Start("cmd")`.
            let rest = &value[body..value.len().min(body + 256)];
            let n = rest
                .iter()
                .take_while(|&&b| is_ident(b) || b == b'.')
                .count();
            let chain = &rest[..n];
            if rest.get(n) == Some(&b'(')
                && (find_ci(chain, b"Diagnostics.Process").is_some()
                    || find_ci(chain, b".Reflection.").is_some()
                    || find_ci(chain, b"System.IO.File").is_some())
            {
                best.offer("ssti.internals", 10, at..body + n);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sensitivity;
    use crate::verdict::Part;

    fn score(v: &str) -> u32 {
        let ctx = Ctx {
            part: Part::Query,
            key: false,
            sensitivity: Sensitivity::Default,
        };
        detect(v.as_bytes(), &ctx).map_or(0, |h| h.score)
    }

    #[test]
    fn attacks() {
        for line in include_str!("../../../testdata/ssti/attacks.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let s = score(line);
            assert!(s >= 5, "missed ({s}): {line}");
        }
    }

    #[test]
    fn benign() {
        for line in include_str!("../../../testdata/ssti/benign.txt").lines() {
            if line.is_empty() || line.starts_with("# ") {
                continue;
            }
            let s = score(line);
            assert!(s < 5, "false positive ({s}): {line}");
        }
    }

    /// Template and Java payloads in every place a server reads, plain, percent-
    /// and base64-encoded, through the engine.
    #[test]
    fn placements() {
        use crate::{analyze, AttackClass, Request};
        let cases = [
            (
                AttackClass::Ssti,
                "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}",
            ),
            (
                AttackClass::Ssti,
                "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex('id')}",
            ),
            (
                AttackClass::JavaInjection,
                "T(java.lang.Runtime).getRuntime().exec('id')",
            ),
            (
                AttackClass::JavaInjection,
                "%{(#_memberAccess['allowStaticMethodAccess']=true)}",
            ),
        ];
        fn pct(s: &str) -> String {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        }
        fn b64(s: &str) -> String {
            const A: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for c in s.as_bytes().chunks(3) {
                let n = (u32::from(c[0]) << 16)
                    | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*c.get(2).unwrap_or(&0));
                for k in 0..4 {
                    if k <= c.len() {
                        out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }
        for (class, p) in cases {
            let json = format!(r#"{{"a":[{{"b":{}}}]}}"#, serde_json::to_string(p).unwrap());
            let uri = format!("/search?q={}", pct(p));
            let uri64 = format!("/search?q={}", pct(&b64(p)));
            let form = format!("comment={}", pct(p));
            let cookie = format!("prefs={}", pct(p));
            let reqs = [
                Request::builder().uri(&uri).build(),
                Request::builder().uri(&uri64).build(),
                Request::builder().uri("/").header("X-Custom", p).build(),
                Request::builder()
                    .uri("/")
                    .header("Cookie", &cookie)
                    .build(),
                Request::builder()
                    .method("POST")
                    .uri("/")
                    .header("Content-Type", "application/json")
                    .body(&json)
                    .build(),
                Request::builder()
                    .method("POST")
                    .uri("/")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(&form)
                    .build(),
            ];
            for r in &reqs {
                let v = analyze(r);
                assert!(
                    v.findings().iter().any(|f| f.class == class),
                    "{p}: {}",
                    v.to_json()
                );
            }
        }
    }

    #[test]
    fn weak_alone() {
        assert_eq!(score("${7*7}"), 4);
        assert_eq!(score("{{7*7}}"), 8);
    }

    #[test]
    fn hostile_inputs_are_bounded() {
        for v in [
            "{{".repeat(200_000),
            "${".repeat(200_000),
            "{%".repeat(200_000),
            "<%".repeat(200_000),
            "#set(".repeat(200_000),
            "@(".repeat(200_000),
            "{".repeat(500_000),
            "'".repeat(500_000),
        ] {
            let _ = score(&v);
        }
    }
}
