//! Generic: unmistakably hostile payloads no specific class claims.
//!
//! Each rule names a construct of a language the attacker must speak that
//! has no business in a request value: JavaScript object-model paths that
//! pollute prototypes, Node.js, Ruby and Perl code that reaches the OS,
//! JavaScript that never terminates, and HTML/JS that plants a cookie.
//!
//! Rules:
//! - `generic.prototype_pollution`: `__proto__` as a path or key,
//!   `constructor[prototype]`, `constructor.prototype`,
//!   `x.constructor.constructor` (the Function constructor), React Server
//!   Components references `$1:__proto__:then`, `$7:Module:prototype`.
//! - `generic.node_injection`: `require('child_process')`, `require.main`,
//!   `process.mainModule`, `process.binding(`, `process[...]`,
//!   `child_process`, `new Function(`, `eval(` of decoded code, the `vm`
//!   module's `runInThisContext(` / `runInNewContext(` /
//!   `vm.compileFunction(`, Deno's and Bun's process APIs (`Deno.run(`,
//!   `Deno.Command(`, `Bun.spawn(`),
//!   node-serialize / funcster markers (`_$$ND_FUNC$$_`, `__js_function`),
//!   `process.env.X` and `module.exports=` (6), a bare `process.env`,
//!   `console.info(`, a `function(){` literal (3-4; +2 at high
//!   sensitivity, which makes them fire).
//! - `generic.js_dos`: `while(true)`, `while(!0)`, `for(;;)`: a loop on a
//!   constant condition.
//! - `generic.ruby_injection`: `Kernel.open/exec/system`, `IO.popen`,
//!   `Process.spawn`, `%x{...}` and `%x|...|`, `instance_eval(`, `Open3.`,
//!   `.send(:system`, `open("|cmd")`, `Marshal.load(`.
//! - `generic.perl_injection`: `@{[ ... ]}` interpolation, `qx{...}` and
//!   `qx/.../` (any of `/|!#` ending the statement), `open(F, "|cmd")`.
//! - `generic.session_fixation`: `document.cookie=`, or a `.cookie` write
//!   with `; expires=` / `; domain=`.
//!
//! [`check_request`] judges the whole request: prototype paths and
//! Django-style ORM lookups (`generic.orm_filter`) in argument names and
//! JSON keys, and `generic.session_fixation`: a framework's session-id
//! parameter (`jsessionid`, `PHPSESSID`, `_<app>_session`, `SESS<hash>`...)
//! sent from an off-site Referer.

use std::sync::LazyLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use super::{Ctx, Hit};
use crate::config::Sensitivity;
use crate::search;
use crate::search::starts_ci_at;

#[cfg(test)]
pub(crate) mod cases;

mod request;
mod session;
pub(crate) use request::check_request;

/// Anchors: every rule starts at one of these (case-insensitive).
const ANCHORS: &[&str] = &[
    "__proto__",
    "constructor",
    "_$$nd_func$$_",
    "__js_function",
    "child_process",
    "require",
    "process",
    "function",
    "eval",
    "module.exports",
    "while",
    "for",
    "kernel.",
    "io.popen",
    "io.read",
    "process.spawn",
    "process.exec",
    "open3.",
    "%x",
    "_eval",
    ".send(",
    ".__send__(",
    "@{",
    "qx",
    "open",
    "document.cookie",
    ".cookie",
    "prototype",
    "console",
    "runinthiscontext",
    "runinnewcontext",
    "runincontext",
    "compilefunction",
    "deno.run",
    "deno.command",
    "bun.spawn",
    "marshal.load",
];

#[derive(Clone, Copy)]
enum Anchor {
    Proto,
    Constructor,
    NdFunc,
    JsFunction,
    ChildProcess,
    Require,
    Process,
    Function,
    Eval,
    ModuleExports,
    While,
    For,
    Kernel,
    IoPopen,
    IoRead,
    ProcessSpawn,
    ProcessExec,
    Open3,
    PercentX,
    InstanceEval,
    Send,
    SendRaw,
    PerlInterp,
    Qx,
    Open,
    DocumentCookie,
    DotCookie,
    Prototype,
    Console,
    VmRun,
    VmRun2,
    VmRun3,
    VmCompile,
    Spawn,
    Spawn2,
    Spawn3,
    MarshalLoad,
}

const ANCHOR_KINDS: [Anchor; 37] = [
    Anchor::Proto,
    Anchor::Constructor,
    Anchor::NdFunc,
    Anchor::JsFunction,
    Anchor::ChildProcess,
    Anchor::Require,
    Anchor::Process,
    Anchor::Function,
    Anchor::Eval,
    Anchor::ModuleExports,
    Anchor::While,
    Anchor::For,
    Anchor::Kernel,
    Anchor::IoPopen,
    Anchor::IoRead,
    Anchor::ProcessSpawn,
    Anchor::ProcessExec,
    Anchor::Open3,
    Anchor::PercentX,
    Anchor::InstanceEval,
    Anchor::Send,
    Anchor::SendRaw,
    Anchor::PerlInterp,
    Anchor::Qx,
    Anchor::Open,
    Anchor::DocumentCookie,
    Anchor::DotCookie,
    Anchor::Prototype,
    Anchor::Console,
    Anchor::VmRun,
    Anchor::VmRun2,
    Anchor::VmRun3,
    Anchor::VmCompile,
    Anchor::Spawn,
    Anchor::Spawn2,
    Anchor::Spawn3,
    Anchor::MarshalLoad,
];

/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    LazyLock::force(&AC);
}

static AC: LazyLock<Keywords> =
    LazyLock::new(|| Keywords::new(ANCHORS, true, MatchKind::LeftmostLongest));

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let best = strongest(value)?;
    // Weak signals (JS that is code but not yet hostile: `console.info(1)`,
    // `function(){...}`, a bare `process.env`) count at high sensitivity.
    if ctx.sensitivity >= Sensitivity::High && (3..5).contains(&best.score) {
        return Some(Hit {
            score: best.score + 2,
            ..best
        });
    }
    Some(best)
}

fn strongest(value: &[u8]) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    for m in AC.find_iter(value) {
        let kind = ANCHOR_KINDS[m.pattern().as_usize()];
        if let Some(h) = judge(value, m.start(), m.end(), kind) {
            if h.score >= 10 {
                return Some(h);
            }
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
        }
    }
    best
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn skip_ws(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && v[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn hit(rule: &'static str, score: u32, s: usize, e: usize) -> Option<Hit> {
    Some(Hit {
        rule,
        score,
        span: s..e,
    })
}

/// The word at `s..e` stands alone (no identifier bytes around it).
fn word(v: &[u8], s: usize, e: usize) -> bool {
    (s == 0 || !is_ident(v[s - 1])) && v.get(e).is_none_or(|&b| !is_ident(b))
}

fn judge(v: &[u8], s: usize, e: usize, kind: Anchor) -> Option<Hit> {
    const PP: &str = "generic.prototype_pollution";
    const NODE: &str = "generic.node_injection";
    const RUBY: &str = "generic.ruby_injection";
    const PERL: &str = "generic.perl_injection";
    match kind {
        Anchor::Proto => hit(PP, 10, s, e),
        Anchor::Constructor => {
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            // `.prototype`, `[prototype]`, `"]["prototype`, `":{"prototype`,
            // `:constructor`.
            let mut m = e;
            let lim = v.len().min(e + 8);
            while m < lim
                && matches!(
                    v[m],
                    b'"' | b'\'' | b'`' | b']' | b'[' | b'.' | b':' | b'{' | b' ' | b'\t'
                )
            {
                m += 1;
            }
            if m > e && (starts_ci_at(v, m, b"prototype") || starts_ci_at(v, m, b"constructor")) {
                return hit(PP, 10, s, m + 9);
            }
            None
        }
        Anchor::NdFunc | Anchor::JsFunction | Anchor::ChildProcess => hit(NODE, 10, s, e),
        Anchor::Require => {
            if !word(v, s, e) {
                return None;
            }
            let i = skip_ws(v, e);
            match v.get(i) {
                Some(b'(') => {
                    // `require('fs')`, `require("child_process").exec(`.
                    let j = skip_ws(v, i + 1);
                    let q = matches!(v.get(j), Some(b'"' | b'\'' | b'`'));
                    let n = if q { j + 1 } else { j };
                    let ne = n + v[n..]
                        .iter()
                        .take_while(|&&b| is_ident(b) || b == b':' || b == b'/')
                        .count();
                    let module = &v[n..ne];
                    let node = [
                        &b"child_process"[..],
                        b"fs",
                        b"net",
                        b"vm",
                        b"os",
                        b"http",
                        b"https",
                        b"dgram",
                        b"process",
                        b"node:child_process",
                        b"node:fs",
                        b"worker_threads",
                    ];
                    if ne > n && node.iter().any(|m| m.eq_ignore_ascii_case(module)) {
                        return hit(NODE, 10, s, ne);
                    }
                    // Any module, then a call on it: `require('x').exec(`.
                    let close = skip_ws(v, ne + usize::from(q));
                    if q && v.get(close) == Some(&b')')
                        && v.get(skip_ws(v, close + 1)) == Some(&b'.')
                    {
                        return hit(NODE, 10, s, close + 1);
                    }
                    None
                }
                Some(b'.') => {
                    let m = i + 1;
                    for p in [&b"main"[..], b"cache", b"resolve", b"extensions"] {
                        if starts_ci_at(v, m, p) && v.get(m + p.len()).is_none_or(|&b| !is_ident(b))
                        {
                            return hit(NODE, 10, s, m + p.len());
                        }
                    }
                    None
                }
                Some(b'[') => hit(NODE, 10, s, i + 1),
                _ => None,
            }
        }
        Anchor::Process => {
            if !word(v, s, e) {
                return None;
            }
            let i = skip_ws(v, e);
            match v.get(i) {
                Some(b'[') => hit(NODE, 10, s, i + 1),
                Some(b'.') => {
                    let m = i + 1;
                    let me = m + v[m..].iter().take_while(|&&b| is_ident(b)).count();
                    let prop = &v[m..me];
                    let strong = [
                        &b"mainModule"[..],
                        b"binding",
                        b"dlopen",
                        b"kill",
                        b"execPath",
                    ];
                    let weak = [&b"exit"[..], b"argv", b"cwd", b"chdir", b"getuid", b"umask"];
                    if strong.iter().any(|p| p.eq_ignore_ascii_case(prop)) {
                        return hit(NODE, 10, s, me);
                    }
                    // `process.env.SECRET`, `process.env["KEY"]`; a bare
                    // `process.env` is prose about Node as often as code.
                    if prop.eq_ignore_ascii_case(b"env") {
                        let a = skip_ws(v, me);
                        let score = if matches!(v.get(a), Some(b'.' | b'[')) {
                            6
                        } else {
                            4
                        };
                        return hit(NODE, score, s, me);
                    }
                    if weak.iter().any(|p| p.eq_ignore_ascii_case(prop)) {
                        return hit(NODE, 6, s, me);
                    }
                    None
                }
                _ => None,
            }
        }
        Anchor::Console => {
            // `console.info(1)`, `console["log"](x)`: JS, not yet hostile.
            if !word(v, s, e) {
                return None;
            }
            let i = skip_ws(v, e);
            let m = match v.get(i) {
                Some(b'.') => i + 1,
                Some(b'[') => {
                    let j = skip_ws(v, i + 1);
                    j + usize::from(matches!(v.get(j), Some(b'"' | b'\'')))
                }
                _ => return None,
            };
            let me = m + v[m..].iter().take_while(|&&b| is_ident(b)).count();
            let methods = [
                &b"log"[..],
                b"info",
                b"warn",
                b"error",
                b"debug",
                b"dir",
                b"trace",
                b"table",
            ];
            let call = v[me..].iter().take(12).any(|&b| b == b'(');
            (methods.iter().any(|p| p.eq_ignore_ascii_case(&v[m..me])) && call).then_some(Hit {
                rule: NODE,
                score: 4,
                span: s..me,
            })
        }
        Anchor::Function => {
            // `function(){...}`, `function () {`: a literal, weak.
            let j = skip_ws(v, e);
            if word(v, s, e) && v.get(j) == Some(&b'(') {
                if let Some(close) = matching_paren(v, j) {
                    if v.get(skip_ws(v, close + 1)) == Some(&b'{') {
                        let before = &v[..s];
                        let b = before.len()
                            - before
                                .iter()
                                .rev()
                                .take_while(|b| b.is_ascii_whitespace())
                                .count();
                        if !(b >= 3 && before[..b].ends_with(b"new")) {
                            return hit(NODE, 3, s, close + 1);
                        }
                    }
                }
            }
            // `new Function(`.
            let before = &v[..s];
            let b = before.len()
                - before
                    .iter()
                    .rev()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            if b >= 3
                && before[..b].ends_with(b"new")
                && word(v, s, e)
                && v.get(skip_ws(v, e)) == Some(&b'(')
            {
                return hit(NODE, 10, b - 3, e + 1);
            }
            None
        }
        Anchor::Eval => {
            if !word(v, s, e) || v.get(skip_ws(v, e)) != Some(&b'(') {
                return None;
            }
            let arg = &v[e..v.len().min(e + 120)];
            for p in [
                &b"String.fromCharCode"[..],
                b"atob(",
                b"require",
                b"Buffer.from",
                b"unescape(",
                b"decodeURIComponent(",
                b"process.",
            ] {
                if search::find(arg, p).is_some() {
                    return hit(NODE, 10, s, e);
                }
            }
            None
        }
        Anchor::ModuleExports => {
            let i = skip_ws(v, e);
            (v.get(i) == Some(&b'=') && v.get(i + 1) != Some(&b'=')).then(|| Hit {
                rule: NODE,
                score: 6,
                span: s..i + 1,
            })
        }
        Anchor::While => {
            if !word(v, s, e) {
                return None;
            }
            let open = skip_ws(v, e);
            if v.get(open) != Some(&b'(') {
                return None;
            }
            let close = matching_paren(v, open)?;
            constant_truthy(&v[open + 1..close]).then(|| Hit {
                rule: "generic.js_dos",
                score: 10,
                span: s..close + 1,
            })
        }
        Anchor::For => {
            if !word(v, s, e) {
                return None;
            }
            let i = skip_ws(v, e);
            if v.get(i) != Some(&b'(') {
                return None;
            }
            let j = skip_ws(v, i + 1);
            if v.get(j) != Some(&b';') {
                return None;
            }
            let k = skip_ws(v, j + 1);
            if v.get(k) != Some(&b';') {
                return None;
            }
            let l = skip_ws(v, k + 1);
            (v.get(l) == Some(&b')')).then(|| Hit {
                rule: "generic.js_dos",
                score: 10,
                span: s..l + 1,
            })
        }
        Anchor::Kernel => {
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            for m in [
                &b"open"[..],
                b"exec",
                b"system",
                b"spawn",
                b"eval",
                b"fork",
                b"`",
                b"load",
                b"require",
                b"send",
                b"public_send",
                b"instance_eval",
            ] {
                if starts_ci_at(v, e, m) {
                    return hit(RUBY, 10, s, e + m.len());
                }
            }
            None
        }
        Anchor::IoPopen | Anchor::ProcessSpawn | Anchor::ProcessExec | Anchor::Open3 => {
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            let i = skip_ws(v, e);
            let call = matches!(kind, Anchor::Open3)
                || matches!(v.get(i), Some(b'(' | b'"' | b'\'' | b'['))
                || i > e && v.get(i) == Some(&b'%');
            call.then_some(Hit {
                rule: RUBY,
                score: 10,
                span: s..i,
            })
        }
        Anchor::IoRead => {
            // `IO.read("|cmd")`, `IO.readlines("/etc/passwd")`.
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            let rest = &v[e..];
            let ie = rest.iter().take_while(|&&b| is_ident(b)).count();
            let i = skip_ws(v, e + ie);
            (v.get(i) == Some(&b'(') && matches!(v.get(skip_ws(v, i + 1)), Some(b'"' | b'\'')))
                .then(|| Hit {
                    rule: RUBY,
                    score: 10,
                    span: s..i + 1,
                })
        }
        Anchor::PercentX => {
            // `%x{id}`, `%x(id)`, `%x[id]` with the matching close;
            // `%x|id|`, `%x/id/`, `%x!id!` ending the statement.
            let open = *v.get(e)?;
            let close = match open {
                b'{' => b'}',
                b'(' => b')',
                b'[' => b']',
                b'<' => b'>',
                b'|' | b'/' | b'!' => {
                    return same_delimited(v, e).map(|end| Hit {
                        rule: RUBY,
                        score: 10,
                        span: s..end,
                    })
                }
                _ => return None,
            };
            let rest = &v[e + 1..v.len().min(e + 200)];
            let c = memchr::memchr(close, rest)?;
            let cmd = &rest[..c];
            (cmd.first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/'))
            .then(|| Hit {
                rule: RUBY,
                score: 10,
                span: s..e + 2 + c,
            })
        }
        Anchor::InstanceEval => {
            // `instance_eval(`, `class_eval(`, `module_eval(`.
            let before = &v[..s];
            let ok = [&b"instance"[..], b"class", b"module"].iter().any(|p| {
                before.len() >= p.len() && before[before.len() - p.len()..].eq_ignore_ascii_case(p)
            });
            let i = skip_ws(v, e);
            (ok && matches!(v.get(i), Some(b'(' | b'"' | b'\'' | b'{'))).then(|| Hit {
                rule: RUBY,
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::Send | Anchor::SendRaw => {
            // `.send(:system, "id")`, `.__send__("eval", ...)`.
            let i = skip_ws(v, e);
            let j = if matches!(v.get(i), Some(b':' | b'"' | b'\'')) {
                i + 1
            } else {
                return None;
            };
            for m in [
                &b"system"[..],
                b"exec",
                b"eval",
                b"spawn",
                b"instance_eval",
                b"`",
                b"open",
            ] {
                if starts_ci_at(v, j, m) {
                    return hit(RUBY, 10, s, j + m.len());
                }
            }
            None
        }
        Anchor::PerlInterp => {
            // `@{[ ... ]}`: Perl runs the code inside an interpolated string.
            let i = skip_ws(v, e);
            (v.get(i) == Some(&b'[')).then(|| Hit {
                rule: PERL,
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::Qx => {
            // `qx{id}`, `qx(id)`: at a value start or after a blank or an
            // operator, never inside a path or a word.
            if s > 0
                && !matches!(
                    v[s - 1],
                    b' ' | b'\t' | b'(' | b'=' | b';' | b'{' | b'[' | b','
                )
            {
                return None;
            }
            let open = *v.get(e)?;
            let close = match open {
                b'{' => b'}',
                b'(' => b')',
                b'[' => b']',
                b'/' | b'|' | b'!' | b'#' => {
                    return same_delimited(v, e).map(|end| Hit {
                        rule: PERL,
                        score: 10,
                        span: s..end,
                    })
                }
                _ => return None,
            };
            let rest = &v[e + 1..v.len().min(e + 200)];
            let c = memchr::memchr(close, rest)?;
            let cmd = &rest[..c];
            (cmd.first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/')
                && cmd.iter().all(|&b| b != b'\n'))
            .then(|| Hit {
                rule: PERL,
                score: 10,
                span: s..e + 2 + c,
            })
        }
        Anchor::Open => {
            // Perl `open(F, "|cmd")`, `open F,'|ls'`, `open(my $fh, "cmd|")`;
            // Ruby's `open("|cmd")` (`Kernel#open` runs a path that starts
            // with a pipe).
            if !word(v, s, e) {
                return None;
            }
            let mut i = skip_ws(v, e);
            if v.get(i) == Some(&b'(') {
                i = skip_ws(v, i + 1);
            } else if i == e {
                return None;
            }
            if let Some(&q @ (b'"' | b'\'')) = v.get(i) {
                let rest = &v[i + 1..v.len().min(i + 200)];
                let c = memchr::memchr(q, rest)?;
                let arg = rest[..c].trim_ascii_start();
                let cmd = arg.strip_prefix(b"|")?.trim_ascii_start();
                return cmd
                    .first()
                    .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/')
                    .then(|| Hit {
                        rule: RUBY,
                        score: 10,
                        span: s..i + 2 + c,
                    });
            }
            let fh = i + v[i..]
                .iter()
                .take_while(|&&b| is_ident(b) || b == b' ')
                .count();
            if fh == i || v.get(fh) != Some(&b',') {
                return None;
            }
            let j = skip_ws(v, fh + 1);
            let q = *v.get(j)?;
            if q != b'"' && q != b'\'' {
                return None;
            }
            let rest = &v[j + 1..v.len().min(j + 200)];
            let c = memchr::memchr(q, rest)?;
            let arg = rest[..c].trim_ascii();
            (arg.first() == Some(&b'|') || arg.last() == Some(&b'|') && arg.len() > 1).then(|| {
                Hit {
                    rule: PERL,
                    score: 10,
                    span: s..j + 2 + c,
                }
            })
        }
        Anchor::VmRun | Anchor::VmRun2 | Anchor::VmRun3 | Anchor::VmCompile => {
            // Node's `vm` module runs the string it is given:
            // `vm.runInThisContext(code)`, `vm.runInNewContext(code)`,
            // `vm.compileFunction(code)` (a name other libraries use, so
            // only after `vm.`).
            let dotted = s > 0 && v[s - 1] == b'.';
            let vm = s >= 3 && v[s - 3..s].eq_ignore_ascii_case(b"vm.");
            let ok = if matches!(kind, Anchor::VmCompile) {
                vm
            } else {
                dotted
            };
            let i = skip_ws(v, e);
            (ok && v.get(e).is_none_or(|&b| !is_ident(b)) && v.get(i) == Some(&b'(')).then(|| Hit {
                rule: NODE,
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::Spawn | Anchor::Spawn2 | Anchor::Spawn3 => {
            // Deno's and Bun's process APIs: `Deno.run({cmd})`,
            // `new Deno.Command("id")`, `Bun.spawn(["id"])`, `Bun.spawnSync(`.
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            let me = e + v[e..].iter().take(8).take_while(|&&b| is_ident(b)).count();
            let tail = &v[e..me];
            let name_ok = tail.is_empty() || tail.eq_ignore_ascii_case(b"sync");
            let i = skip_ws(v, me);
            (name_ok && v.get(i) == Some(&b'(')).then(|| Hit {
                rule: NODE,
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::MarshalLoad => {
            // Ruby's `Marshal.load(data)` builds any object the bytes name:
            // the deserialization gadget chains start here.
            if s > 0 && is_ident(v[s - 1]) {
                return None;
            }
            let i = skip_ws(v, e);
            (v.get(e).is_none_or(|&b| !is_ident(b)) && v.get(i) == Some(&b'(')).then_some(Hit {
                rule: RUBY,
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::DocumentCookie => {
            let i = skip_ws(v, e);
            (v.get(i) == Some(&b'=') && v.get(i + 1) != Some(&b'=')).then(|| Hit {
                rule: "generic.session_fixation",
                score: 10,
                span: s..i + 1,
            })
        }
        Anchor::Prototype => {
            // A React Server Components reference path `$7:Module:prototype`
            // (`$1:__proto__:then` and `$3:constructor:constructor` are
            // caught by their own anchors).
            if s == 0 || v[s - 1] != b':' {
                return None;
            }
            let lo = s.saturating_sub(64);
            let mut i = s - 1;
            while i > lo && (is_ident(v[i - 1]) || v[i - 1] == b':') && v[i - 1] != b'$' {
                i -= 1;
            }
            let digits = v[i..s].iter().take_while(|b| b.is_ascii_digit()).count();
            (i > 0 && v[i - 1] == b'$' && digits > 0 && v.get(i + digits) == Some(&b':')).then_some(
                Hit {
                    rule: PP,
                    score: 10,
                    span: i - 1..e,
                },
            )
        }
        Anchor::DotCookie => {
            if v.get(e).is_some_and(|&b| is_ident(b)) {
                return None;
            }
            // `.cookie` ... `; expires=` / `; domain=` within a cookie string.
            let rest = &v[e..v.len().min(e + 200)];
            for semi in memchr::memchr_iter(b';', rest) {
                let mut k = semi + 1;
                while k < rest.len() && !rest[k].is_ascii_alphanumeric() && rest[k] != b';' {
                    k += 1;
                }
                for attr in [&b"expires"[..], b"domain", b"max-age", b"path"] {
                    if starts_ci_at(rest, k, attr) {
                        let a = skip_ws(rest, k + attr.len());
                        if rest.get(a) == Some(&b'=') {
                            return hit("generic.session_fixation", 10, s, e + a + 1);
                        }
                    }
                }
            }
            None
        }
    }
}

/// `qx|id|`, `%x!id!`, `qx/ls -la/`: a command quoted by the same byte at
/// `open` on both sides, a word of two or more letters (or a `/path`)
/// first, on one line, whose closing delimiter ends the statement (the
/// value's end, a blank, `;`, `)`, `.`, `,`). Between slashes it must hold
/// a blank too (a command and its argument): `qx/ab/` and
/// `QX/mh/4/x.png` are paths. Returns the end of the construct.
fn same_delimited(v: &[u8], open: usize) -> Option<usize> {
    let d = v[open];
    let rest = &v[open + 1..v.len().min(open + 200)];
    let c = memchr::memchr(d, rest)?;
    let cmd = &rest[..c];
    let end = open + 2 + c;
    let ends = v
        .get(end)
        .is_none_or(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b';' | b')' | b'.' | b','));
    let word = cmd.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let path_like = d == b'/' && !cmd.contains(&b' ');
    (ends
        && !path_like
        && (word >= 2 || cmd.first() == Some(&b'/'))
        && cmd.iter().all(|&b| b != b'\n' && b != b'\r'))
    .then_some(end)
}

/// The index of the `)` that closes the `(` at `open`, within 200 bytes.
fn matching_paren(v: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in v.iter().enumerate().skip(open).take(200) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A loop condition that is a constant truthy JS expression: `true`, `1`,
/// `!0`, `!false`, `!!{}`, `Infinity`, `this`, `new Date`, `String`...
fn constant_truthy(cond: &[u8]) -> bool {
    let c: Vec<u8> = cond
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && !matches!(b, b'(' | b')'))
        .collect();
    if c.is_empty() {
        return false;
    }
    let nots = c.iter().take_while(|&&b| b == b'!').count();
    let mut core = &c[nots..];
    while let Some((&b'+' | &b'-', r)) = core.split_first() {
        core = r;
    }
    let lower = core.to_ascii_lowercase();
    let literal = |s: &[u8]| lower == s;
    let falsy = ["false", "0", "null", "undefined", "nan", "\"\"", "''", "``"]
        .iter()
        .any(|f| literal(f.as_bytes()));
    let truthy = [
        "true",
        "infinity",
        "this",
        "{}",
        "[]",
        "newdate",
        "string",
        "number",
        "object",
        "array",
        "date",
        "math",
        "window",
        "globalthis",
    ]
    .iter()
    .any(|t| literal(t.as_bytes()))
        || !core.is_empty()
            && core.iter().all(u8::is_ascii_digit)
            && core.iter().any(|&b| b != b'0');
    if nots % 2 == 1 {
        falsy || truthy && nots >= 2
    } else {
        truthy || nots >= 2 && falsy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        cases::check(
            "generic.",
            include_str!("../../../testdata/generic/attacks.txt"),
            include_str!("../../../testdata/generic/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }

    #[test]
    fn sensitivity_raises_weak_js() {
        let mut ctx = Ctx {
            part: crate::verdict::Part::Query,
            key: false,
            sensitivity: Sensitivity::Default,
        };
        for v in [
            "console.info(1)",
            "console[\"info\"](1)",
            "function() {",
            "process.env",
        ] {
            assert!(
                detect(v.as_bytes(), &ctx).is_some_and(|h| h.score < 5),
                "{v}"
            );
        }
        ctx.sensitivity = Sensitivity::High;
        for v in [
            "console.info(1)",
            "console.info.call(this,1)",
            "function() {",
            "process.env",
        ] {
            assert!(
                detect(v.as_bytes(), &ctx).is_some_and(|h| h.score >= 5),
                "{v}"
            );
        }
    }

    #[test]
    fn loops() {
        for t in [
            "true",
            "!false",
            "!0",
            "!-0",
            "1",
            "+1",
            "-1",
            "!!{}",
            "!![]",
            "!''",
            "Infinity",
            "-Infinity",
            "this",
            "new Date",
            "String",
            "(true)",
            "!null",
            "!undefined",
            "!NaN",
            "!!\"\"",
        ] {
            assert!(constant_truthy(t.as_bytes()) || t == "!!\"\"", "{t}");
        }
        for f in ["i < 10", "x", "at home", "false", "0", "!true", "a && b"] {
            assert!(!constant_truthy(f.as_bytes()), "{f}");
        }
    }
}
