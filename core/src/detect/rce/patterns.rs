//! Grammar-level checks that are not simple commands: shellshock, fork
//! bombs, cmd's `FOR`/`IF`, calls that run a command line from another
//! language, interpreter code that spawns commands, SSI, mail commands.

use std::sync::OnceLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use super::super::Hit;
use super::lexer;
use crate::search::starts_ci;

/// How far a construct's end is looked for: keeps every check linear.
const SCAN: usize = 4096;

/// Markers found by one case-insensitive scan.
const MARKERS: [&str; 29] = [
    "__import__",
    "os.system",
    "os.popen",
    "os.exec",
    "subprocess.",
    "pty.spawn",
    "commands.getoutput",
    "kernel.exec",
    "kernel.system",
    "kernel.spawn",
    "io.popen",
    "open3.",
    "%x(",
    "%x{",
    "child_process",
    "process.mainmodule",
    "qx(",
    "qx{",
    "<!--#",
    "system(",
    "exec(",
    "popen(",
    "passthru(",
    "spawn(",
    "execsync(",
    "proc_open(",
    "shell_exec(",
    "runtime.getruntime",
    "processbuilder(",
];

pub(super) fn warm() {
    markers();
}

fn markers() -> &'static Keywords {
    static AC: OnceLock<Keywords> = OnceLock::new();
    AC.get_or_init(|| Keywords::new(MARKERS, true, MatchKind::LeftmostLongest))
}

pub(super) fn detect(v: &[u8]) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    fn offer(best: &mut Option<Hit>, h: Hit) {
        if best.as_ref().is_none_or(|b| h.score > b.score) {
            *best = Some(h);
        }
    }
    for h in [shellshock(v), fork_bomb(v), cmd_control(v), mail_command(v)]
        .into_iter()
        .flatten()
    {
        offer(&mut best, h);
    }
    if v.contains(&b'(') || v.contains(&b'{') || v.contains(&b'!') || v.contains(&b'.') {
        for m in markers().find_iter(v) {
            if let Some(h) = marker(v, m.pattern().as_usize(), m.start(), m.end()) {
                offer(&mut best, h);
                if best.as_ref().is_some_and(|b| b.score >= 10) {
                    break;
                }
            }
        }
    }
    best
}

fn skip_ws(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && matches!(v[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `() {` opening the value: bash's function import (CVE-2014-6271).
fn shellshock(v: &[u8]) -> Option<Hit> {
    let mut i = skip_ws(v, 0);
    if v.get(i) == Some(&b'"') {
        i += 1;
    }
    if v.get(i) != Some(&b'(') {
        return None;
    }
    let j = skip_ws(v, i + 1);
    if v.get(j) != Some(&b')') {
        return None;
    }
    let k = skip_ws(v, j + 1);
    (v.get(k) == Some(&b'{')).then(|| Hit {
        rule: "rce.shellshock",
        score: 10,
        span: i..k + 1,
    })
}

fn is_fname(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-')
}

/// `NAME(){ ... NAME | ... NAME & ... }`: a function that spawns itself.
fn fork_bomb(v: &[u8]) -> Option<Hit> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'(', &v[from..]) {
        let open = from + p;
        from = open + 1;
        let j = skip_ws(v, open + 1);
        if v.get(j) != Some(&b')') {
            continue;
        }
        let k = skip_ws(v, j + 1);
        if v.get(k) != Some(&b'{') {
            continue;
        }
        let mut s = open;
        while s > 0 && is_fname(v[s - 1]) {
            s -= 1;
        }
        let name = &v[s..open];
        if name.is_empty() || name.len() > 32 {
            continue;
        }
        let window = &v[k..v.len().min(k + SCAN)];
        let close = window
            .iter()
            .position(|&c| c == b'}')
            .map_or(k + window.len(), |q| k + q);
        let body = &v[k + 1..close];
        // Candidates inside this body were scanned with it: skip them, so
        // the whole check stays linear.
        from = from.max(close);
        // The body calls the function in a pipe or in the background.
        let calls = count_calls(body, name);
        let spawns = body.contains(&b'|') || body.contains(&b'&');
        if calls >= 1 && spawns {
            return Some(Hit {
                rule: "rce.fork_bomb",
                score: 10,
                span: s..close.min(v.len()),
            });
        }
    }
    None
}

fn count_calls(body: &[u8], name: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i + name.len() <= body.len() {
        if &body[i..i + name.len()] == name
            && (i == 0 || !is_fname(body[i - 1]))
            && body.get(i + name.len()).is_none_or(|&c| !is_fname(c))
        {
            n += 1;
            i += name.len();
        } else {
            i += 1;
        }
    }
    n
}

/// Splits `v` into the starts of cmd statements: the value start and after
/// `&`, `|`, `;`, newline.
fn statement_starts(v: &[u8]) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(
        v.iter()
            .enumerate()
            .filter(|(_, &c)| matches!(c, b'&' | b'|' | b';' | b'\n' | b'\r'))
            .map(|(i, _)| i + 1),
    )
}

/// The next whitespace-delimited word, `"..."` kept whole.
fn word_at(v: &[u8], i: usize) -> (&[u8], usize) {
    let s = skip_ws(v, i);
    let mut e = s;
    let mut quote = false;
    let limit = v.len().min(s + 256);
    while e < limit && (quote || !matches!(v[e], b' ' | b'\t' | b'\n' | b'\r')) {
        if v[e] == b'"' {
            quote = !quote;
        }
        e += 1;
    }
    (&v[s..e], e)
}

/// The index of the `)` closing the `(` at `open`, quotes and nesting
/// respected.
fn close_paren(v: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = 0u8;
    for (k, &c) in v.iter().enumerate().skip(open).take(SCAN) {
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
            continue;
        }
        match c {
            b'"' | b'\'' | b'`' => quote = c,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

const CMP_OPS: [&[u8]; 6] = [b"EQU", b"NEQ", b"LSS", b"LEQ", b"GTR", b"GEQ"];

/// cmd's `FOR [/D|/R|/L|/F ["opts"]] %x IN (...) DO cmd` and
/// `IF [/I] [NOT] cond cmd`.
fn cmd_control(v: &[u8]) -> Option<Hit> {
    for s in statement_starts(v).take(64) {
        let (w, i) = word_at(v, s);
        let w = w.strip_prefix(b"@").unwrap_or(w);
        if w.eq_ignore_ascii_case(b"for") {
            if let Some(h) = cmd_for(v, s, i) {
                return Some(h);
            }
        } else if w.len() >= 2
            && w[..2].eq_ignore_ascii_case(b"if")
            && (w.len() == 2 || w[2..].eq_ignore_ascii_case(b"/i"))
        {
            if let Some(h) = cmd_if(v, s, i) {
                return Some(h);
            }
        }
    }
    None
}

fn cmd_for(v: &[u8], s: usize, mut i: usize) -> Option<Hit> {
    for _ in 0..8 {
        let (opt, e) = word_at(v, i);
        if opt.is_empty() {
            return None;
        }
        let var = opt.strip_prefix(b"%%").or_else(|| opt.strip_prefix(b"%"));
        if let Some(name) = var {
            if name.len() > 24 || name.contains(&b'%') {
                return None;
            }
            let (kw, e2) = word_at(v, e);
            let p = if kw.eq_ignore_ascii_case(b"in") {
                skip_ws(v, e2)
            } else if kw.len() > 2 && kw[..2].eq_ignore_ascii_case(b"in") && kw[2] == b'(' {
                skip_ws(v, e) + 2
            } else {
                return None;
            };
            if v.get(p) != Some(&b'(') {
                return None;
            }
            let c = close_paren(v, p)?;
            let d = skip_ws(v, c + 1);
            let rest = &v[d..];
            if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"do") {
                return Some(Hit {
                    rule: "rce.cmd_control",
                    score: 10,
                    span: s..c + 1,
                });
            }
            return None;
        }
        if !(opt.starts_with(b"/") || opt.starts_with(b"\"") || opt.contains(&b':')) {
            return None;
        }
        i = e;
    }
    None
}

fn cmd_if(v: &[u8], s: usize, mut i: usize) -> Option<Hit> {
    let mut flagged = false;
    loop {
        let (w, e) = word_at(v, i);
        if w.eq_ignore_ascii_case(b"/i") {
            flagged = true;
            i = e;
        } else if w.eq_ignore_ascii_case(b"not") {
            i = e;
        } else {
            break;
        }
    }
    let (cond, e) = word_at(v, i);
    let upper: Vec<u8> = cond.iter().map(u8::to_ascii_uppercase).collect();
    let (score, after) = match &upper[..] {
        b"EXIST" | b"DEFINED" | b"ERRORLEVEL" | b"CMDEXTVERSION" => {
            let (arg, e2) = word_at(v, e);
            if arg.is_empty() {
                return None;
            }
            (9, e2)
        }
        _ => {
            let p = skip_ws(v, i);
            if v.get(p) == Some(&b'(') {
                // `(2 GEQ 15)`: a parenthesized comparison, or `(A) == (B)`.
                let c = close_paren(v, p)?;
                let inner = &v[p + 1..c];
                let r = skip_ws(v, c + 1);
                if inner
                    .split(|&b| b == b' ' || b == b'\t')
                    .any(|w| CMP_OPS.iter().any(|o| w.eq_ignore_ascii_case(o)))
                {
                    (9, c + 1)
                } else {
                    compare(v, r, true)?
                }
            } else {
                // `A==B cmd`, `A OP B cmd`.
                let mut q = p;
                let mut quote = false;
                while q < v.len() && (quote || !matches!(v[q], b' ' | b'\t' | b'=')) {
                    if v[q] == b'"' {
                        quote = !quote;
                    }
                    q += 1;
                }
                if q == p {
                    return None;
                }
                let operand = &v[p..q];
                let cmdish = flagged
                    || operand
                        .iter()
                        .any(|c| matches!(c, b'%' | b'"' | b'[' | b'!' | b'{'));
                compare(v, skip_ws(v, q), cmdish)?
            }
        }
    };
    // A command (or `(`) must follow.
    let t = skip_ws(v, after);
    let rest = &v[t..];
    if rest.is_empty() || rest[..rest.len().min(4)].eq_ignore_ascii_case(b"then") {
        return None;
    }
    Some(Hit {
        rule: "rce.cmd_control",
        score,
        span: s..t.min(v.len()),
    })
}

/// `== B` or `OP B` at `r`: the score and where the comparison ends.
fn compare(v: &[u8], r: usize, cmdish: bool) -> Option<(u32, usize)> {
    if v[r..].starts_with(b"==") {
        let (b, e2) = word_at(v, r + 2 + usize::from(v.get(r + 2) == Some(&b'=')));
        if b.is_empty() {
            return None;
        }
        Some((if cmdish { 9 } else { 6 }, e2))
    } else {
        let (op, e1) = word_at(v, r);
        if !CMP_OPS.iter().any(|o| op.eq_ignore_ascii_case(o)) {
            return None;
        }
        let (b, e2) = word_at(v, e1);
        if b.is_empty() {
            return None;
        }
        Some((9, e2))
    }
}

/// The quoted string opening at `v[i]`: its inner range.
fn quoted_at(v: &[u8], i: usize) -> Option<std::ops::Range<usize>> {
    let q = *v.get(i)?;
    if !matches!(q, b'\'' | b'"' | b'`') {
        return None;
    }
    let mut j = i + 1;
    let limit = v.len().min(i + SCAN);
    while j < limit && v[j] != q {
        if v[j] == b'\\' {
            j += 1;
        }
        j += 1;
    }
    Some(i + 1..j.min(limit))
}

fn marker(v: &[u8], which: usize, start: usize, end: usize) -> Option<Hit> {
    let name = MARKERS[which];
    let boundary = start == 0 || !(v[start - 1].is_ascii_alphanumeric() || v[start - 1] == b'_');
    let hit = |rule: &'static str, score: u32| {
        Some(Hit {
            rule,
            score,
            span: start..end,
        })
    };
    let follows_call = || {
        let j = skip_ws(v, end);
        matches!(v.get(j), Some(b'('))
    };
    match name {
        "__import__" => {
            let j = skip_ws(v, end);
            if v.get(j) == Some(&b'(') {
                let k = skip_ws(v, j + 1);
                if let Some(r) = quoted_at(v, k) {
                    let m = &v[r];
                    if [
                        &b"os"[..],
                        b"subprocess",
                        b"pty",
                        b"socket",
                        b"commands",
                        b"posix",
                        b"builtins",
                    ]
                    .iter()
                    .any(|x| m.eq_ignore_ascii_case(x))
                    {
                        return hit("rce.python", 10);
                    }
                }
            }
            None
        }
        "os.system" | "os.popen" | "os.exec" | "pty.spawn" | "commands.getoutput" => {
            if boundary && (follows_call() || name == "os.exec") {
                hit("rce.python", 10)
            } else {
                None
            }
        }
        "subprocess." => {
            let mut j = end;
            while j < v.len() && (v[j].is_ascii_alphanumeric() || v[j] == b'_') {
                j += 1;
            }
            let f = &v[end..j];
            let known = [
                &b"call"[..],
                b"popen",
                b"run",
                b"check_output",
                b"check_call",
                b"getoutput",
                b"getstatusoutput",
            ];
            if boundary
                && known.iter().any(|k| f.eq_ignore_ascii_case(k))
                && v.get(skip_ws(v, j)) == Some(&b'(')
            {
                hit("rce.python", 10)
            } else {
                None
            }
        }
        "kernel.exec" | "kernel.system" | "kernel.spawn" | "io.popen" => {
            if boundary && (follows_call() || v.get(end) == Some(&b' ')) {
                hit("rce.ruby", 10)
            } else {
                None
            }
        }
        "open3." => boundary.then_some(()).and_then(|()| {
            let rest = &v[end..];
            (rest.len() >= 5
                && (rest[..5].eq_ignore_ascii_case(b"popen")
                    || rest[..5].eq_ignore_ascii_case(b"captu")))
            .then_some(Hit {
                rule: "rce.ruby",
                score: 10,
                span: start..end,
            })
        }),
        "%x(" | "%x{" => {
            // Ruby's command literal: the content must be a command line.
            let close = if name.ends_with('(') { b')' } else { b'}' };
            let window = &v[end..v.len().min(end + SCAN)];
            let inner_end = window
                .iter()
                .position(|&c| c == close)
                .map_or(end + window.len(), |p| end + p);
            command_score(v, end..inner_end).map(|_| Hit {
                rule: "rce.ruby",
                score: 10,
                span: start..inner_end,
            })
        }
        "child_process" | "process.mainmodule" => hit("rce.node", 10),
        "qx(" | "qx{" => {
            if !boundary {
                return None;
            }
            let close = if name.ends_with('(') { b')' } else { b'}' };
            let window = &v[end..v.len().min(end + SCAN)];
            let inner_end = window
                .iter()
                .position(|&c| c == close)
                .map_or(end + window.len(), |p| end + p);
            command_score(v, end..inner_end).map(|_| Hit {
                rule: "rce.perl",
                score: 10,
                span: start..inner_end,
            })
        }
        "<!--#" => ssi_directive(v, end).map(|e| Hit {
            rule: "rce.ssi",
            score: 10,
            span: start..e,
        }),
        "runtime.getruntime" => follows_call().then_some(Hit {
            rule: "rce.exec_call",
            score: 10,
            span: start..end,
        }),
        _ => {
            // system( / exec( / popen( ... with a quoted command line.
            // A method (`re.exec("...")` in JS) is not a shell call; PHP's
            // `@system(...)` is.
            if start > 0 && v[start - 1] == b'.' && !process_receiver(&v[..start - 1]) {
                return None;
            }
            if !boundary && v[start - 1] != b'@' && v[start - 1] != b'.' {
                return None;
            }
            let j = skip_ws(v, end);
            let r = quoted_at(v, j)?;
            command_score(v, r.clone()).map(|_| Hit {
                rule: "rce.exec_call",
                score: 10,
                span: start..r.end.min(v.len()),
            })
        }
    }
}

/// A server-side include directive after `<!--#` at `i`: a directive name
/// the web server executes (`exec`, `include`, `echo`, `printenv`...) and
/// then either one of its attributes assigned (`cmd=`, `file=`, `var=`) or,
/// for the directives that take none, the comment's end. An ordinary HTML
/// comment that starts with `#` (`<!--#region-->`, `<!--#main nav-->`)
/// has no directive and attribute and passes. Returns the end of the match.
fn ssi_directive(v: &[u8], i: usize) -> Option<usize> {
    const DIRECTIVES: [&[u8]; 10] = [
        b"exec",
        b"include",
        b"echo",
        b"config",
        b"fsize",
        b"flastmod",
        b"printenv",
        b"set",
        b"if",
        b"elif",
    ];
    const ATTRS: [&[u8]; 10] = [
        b"cmd", b"cgi", b"file", b"virtual", b"var", b"value", b"expr", b"timefmt", b"sizefmt",
        b"errmsg",
    ];
    let mut j = i;
    while j < v.len() && v[j].is_ascii_alphabetic() {
        j += 1;
    }
    let name = &v[i..j];
    if !DIRECTIVES.iter().any(|d| name.eq_ignore_ascii_case(d)) {
        return None;
    }
    let k = skip_ws(v, j);
    if name.eq_ignore_ascii_case(b"printenv") {
        return v[k..].starts_with(b"-->").then_some(k + 3);
    }
    // The exec directive has always been matched on its name alone.
    if name.eq_ignore_ascii_case(b"exec") {
        return Some(j);
    }
    if k == j {
        return None;
    }
    let mut e = k;
    while e < v.len() && v[e].is_ascii_alphabetic() {
        e += 1;
    }
    let attr = &v[k..e];
    let eq = skip_ws(v, e);
    (ATTRS.iter().any(|a| attr.eq_ignore_ascii_case(a)) && v.get(eq) == Some(&b'='))
        .then_some(eq + 1)
}

/// The object before `.exec(` / `.spawn(` is one that runs processes
/// (`Runtime.getRuntime()`, `Process`, `Kernel`, `child_process`, `os`), not a
/// regular expression or a database handle.
fn process_receiver(before: &[u8]) -> bool {
    let mut e = before.len();
    if before.ends_with(b"()") {
        e -= 2;
    }
    let s = before[..e]
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .map_or(0, |p| p + 1);
    let name: Vec<u8> = before[s..e].iter().map(u8::to_ascii_lowercase).collect();
    matches!(
        &name[..],
        b"process"
            | b"runtime"
            | b"getruntime"
            | b"kernel"
            | b"io"
            | b"os"
            | b"posix"
            | b"child_process"
            | b"childprocess"
            | b"cp"
            | b"shell"
            | b"wscript"
            | b"open3"
            | b"subprocess"
            | b"pty"
            | b"proc"
    )
}

/// Whether `v[range]` holds a command line that names a real command with
/// plausible arguments (judged as a bare command line).
fn command_score(v: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    let inner = &v[range];
    let ctx = super::super::Ctx {
        part: crate::verdict::Part::Query,
        key: false,
        sensitivity: crate::config::Sensitivity::Default,
    };
    let l = lexer::lex(inner, 0..inner.len(), None, false);
    let mut j = super::Judge::new(inner, &ctx);
    j.commands(&l.toks, super::Place::Top, super::MAX_DEPTH);
    let first_is_cmd = l.toks.iter().find_map(|t| match t {
        lexer::Tok::Word(w) => Some(j.resolve(w).is_some()),
        _ => None,
    });
    match j.best {
        Some(h) if h.score >= 5 => Some(h.score),
        _ if first_is_cmd == Some(true) => Some(5),
        _ => None,
    }
}

/// SMTP, IMAP and POP3 commands after a line break: a value that smuggles
/// commands into a mail session (`\r\nRCPT TO:<x>`).
fn mail_command(v: &[u8]) -> Option<Hit> {
    let first_nl = v.iter().position(|&c| c == b'\n' || c == b'\r')?;
    let mut i = first_nl;
    while i < v.len() {
        if v[i] == b'\n' || v[i] == b'\r' {
            let s = skip_ws(v, i);
            let line_end = memchr::memchr2(b'\r', b'\n', &v[s..]).map_or(v.len(), |p| s + p);
            let line = &v[s..line_end];
            if let Some(mut score) = mail_line(line) {
                // A lone `DATA` or `QUIT` line is a heading in a long text;
                // injected mail commands come in short values.
                let lines = v.iter().filter(|&&c| c == b'\n').count();
                if score < 7 && lines > 3 {
                    score = 4;
                }
                return Some(Hit {
                    rule: "rce.mail_command",
                    score,
                    span: s..line_end,
                });
            }
            i = line_end;
        } else {
            i += 1;
        }
    }
    None
}

fn mail_line(line: &[u8]) -> Option<u32> {
    // Every command below, and every IMAP tag, is a first word of at most
    // eight letters and digits starting with a letter: log lines, prose and
    // data lines mostly are not, and cost no allocation.
    let first = line
        .iter()
        .position(|&c| c == b' ' || c == b'\t')
        .map_or(line, |e| &line[..e]);
    if !(1..=8).contains(&first.len())
        || !first[0].is_ascii_alphabetic()
        || !first.iter().all(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    // SMTP with its syntax.
    if starts_ci(line, b"MAIL FROM:") || starts_ci(line, b"RCPT TO:") {
        return Some(10);
    }
    let words: Vec<&[u8]> = line
        .split(|&c| c == b' ' || c == b'\t')
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    let &first = words.first()?;
    let upper: Vec<u8> = first.iter().map(u8::to_ascii_uppercase).collect();
    let all_caps = first.iter().all(|c| c.is_ascii_uppercase());
    match (&upper[..], words.len()) {
        (b"EHLO" | b"HELO", 2) if words[1].contains(&b'.') => Some(10),
        (b"DATA" | b"QUIT" | b"RSET", 1) if all_caps => Some(6),
        (b"HELP" | b"VRFY" | b"EXPN", 2) if all_caps => Some(6),
        (b"RETR" | b"DELE" | b"LIST", 2) if words[1].iter().all(u8::is_ascii_digit) => Some(7),
        (b"TOP", 3) if words[1..].iter().all(|w| w.iter().all(u8::is_ascii_digit)) => Some(7),
        (b"USER" | b"PASS", 2) if all_caps => Some(6),
        (b"APOP", 3) if words[2].len() == 32 && words[2].iter().all(u8::is_ascii_hexdigit) => {
            Some(10)
        }
        (b"AUTH", 2..=3) if all_caps => Some(7),
        _ => imap_line(&words),
    }
}

/// IMAP: `tag COMMAND args`, the tag alphanumeric.
fn imap_line(words: &[&[u8]]) -> Option<u32> {
    if words.len() < 2 {
        return None;
    }
    let tag = words[0];
    // Tags as clients send them: `a001`, `A1`, `Z282`; not `1` of a list.
    let letters = tag.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = &tag[letters..];
    // A tag of letters alone counts when the arguments use IMAP's own
    // syntax: `\Flag`, `+FLAGS`, `{n}` literals.
    let imap_args = words[2..].iter().any(|w| {
        w.windows(2)
            .any(|p| p[0] == b'\\' && p[1].is_ascii_uppercase())
            || w.eq_ignore_ascii_case(b"+FLAGS")
            || w.eq_ignore_ascii_case(b"-FLAGS")
            || (w.starts_with(b"{") && w.ends_with(b"}") && w.len() > 2)
    });
    if !(1..=4).contains(&letters)
        || (digits.is_empty() && !imap_args)
        || digits.len() > 4
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let cmd: Vec<u8> = words[1].iter().map(u8::to_ascii_uppercase).collect();
    let with_args = [
        &b"SELECT"[..],
        b"EXAMINE",
        b"CREATE",
        b"DELETE",
        b"RENAME",
        b"SUBSCRIBE",
        b"LIST",
        b"LSUB",
        b"STATUS",
        b"APPEND",
        b"SEARCH",
        b"FETCH",
        b"STORE",
        b"COPY",
        b"UID",
        b"AUTHENTICATE",
        b"LOGIN",
    ];
    let no_args = [
        &b"CAPABILITY"[..],
        b"NOOP",
        b"LOGOUT",
        b"CHECK",
        b"CLOSE",
        b"EXPUNGE",
        b"STARTTLS",
        b"QUIT",
    ];
    if with_args.iter().any(|c| &cmd[..] == *c) && words.len() >= 3 {
        return Some(8);
    }
    if no_args.iter().any(|c| &cmd[..] == *c) && words.len() == 2 {
        return Some(7);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        for v in [
            "() { :; }; /bin/sh -c id",
            ":(){ :|:& };:",
            "for /f %i in ('dir') do echo %i",
            "IF EXIST C:\\boot.ini echo yes",
            "__import__('os').system('id')",
            "require('child_process').exec('id')",
            "system('cat /etc/passwd')",
            "\r\nRCPT TO:<a@b.c>",
            "<!--#exec cmd=\"ls\" -->",
        ] {
            assert!(detect(v.as_bytes()).is_some(), "{v}");
        }
        for v in [
            "if you can",
            "for me in time",
            "system update",
            "(a) {b}",
            "a001 hello",
        ] {
            assert!(detect(v.as_bytes()).is_none(), "{v}");
        }
    }

    #[test]
    fn mail_lines_after_many_lines() {
        // The first-word check lets every command shape through, after
        // lines it skips.
        let log = "2024-05-01 12:00:00 INFO request served in 12 ms\n".repeat(50);
        for (line, score) in [
            ("RCPT TO:<a@b.c>", 10),
            ("MAIL FROM:<a@b.c>", 10),
            ("EHLO evil.example", 10),
            ("a001 LOGIN user pass", 8),
            ("Z282 FETCH 1 body", 8),
            ("abc STORE 1 +FLAGS", 8),
            ("A1 CAPABILITY", 7),
            ("RETR 1", 7),
        ] {
            let v = format!("{log}\r\n{line}");
            assert_eq!(
                mail_command(v.as_bytes()).map(|h| h.score),
                Some(score),
                "{line}"
            );
        }
        for line in [
            "abcde1 LOGIN user pass",
            "1a LOGIN user pass",
            "a-1 LOGIN x y",
        ] {
            assert_eq!(mail_line(line.as_bytes()), None, "{line}");
        }
    }
}
