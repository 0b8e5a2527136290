//! OS command injection, and code injection into interpreters that run
//! commands (Python, Ruby, Node, Perl).
//!
//! The value is tokenized as a shell command line ([`lexer`]) in each
//! context it could break out of (bare, inside `'...'`, inside `"..."`), the
//! tokens are grouped into simple commands, and each command is judged by
//! where it stands and what it runs:
//! - where: after a separator (`;`, `|`, `&&`, newline...), inside a
//!   substitution (`$(...)`, backticks), or as the whole value;
//! - what: the command word resolved against a dictionary
//!   (`core/testdata/rce/commands.txt`) after folding evasions (quotes,
//!   escapes, `$IFS`, globs, brace expansion, variables), and its arguments:
//!   shell-like (flags, paths, numbers, hosts) or prose, hostile or not
//!   (sensitive files, `/dev/tcp`, a URL for a network tool, `sh -c`).
//!
//! Rule ids (stable):
//! - `rce.separator` — a separator then a command with plausible arguments
//! - `rce.substitution` — a command inside `$(...)`, backticks, `<(...)`
//! - `rce.command_line` — the value itself is a command line
//! - `rce.evasion` — a command word spelled with shell evasions
//!   (`c''at`, `/???/c?t`, `{cat,/etc/passwd}`, `$IFS`)
//! - `rce.reverse_shell` — `/dev/tcp/...`, `nc -e`, `bash -i >&`
//! - `rce.pipe_to_shell` — output piped into a shell (`curl x | sh`)
//! - `rce.shellshock` — a value starting with `() {`
//! - `rce.fork_bomb` — a shell function that spawns itself (`:(){ :|:& };:`)
//! - `rce.cmd_control` — Windows cmd `FOR ... IN (...) DO` / `IF ...` commands
//! - `rce.exec_call` — `system("...")`, `exec('...')`, `popen(...)` with a
//!   command line as argument
//! - `rce.python`, `rce.ruby`, `rce.node`, `rce.perl` — interpreter code
//!   that runs commands (`__import__('os').system`, `IO.popen`,
//!   `require('child_process')`, `qx(...)`)
//! - `rce.ssi` — a server-side include directive (`<!--#exec cmd=...-->`,
//!   `<!--#include virtual=...-->`, `<!--#echo var=...-->`, `<!--#printenv -->`)
//! - `rce.mail_command` — a line break followed by an SMTP/IMAP/POP3 command
//! - `rce.alias` — an `alias name=value` definition
//! - `rce.tilde_expansion` — a value that is only `~+`, `~-`, `~+N`

pub(crate) mod dict;
pub(crate) mod lexer;
mod patterns;

use std::ops::Range;

use super::{Ctx, Hit};
use crate::search;
use crate::verdict::Part;
use dict::Cmd;
use lexer::{Lexed, Sep, Tok, Word};

/// Substitutions judged inside substitutions, at most this deep.
const MAX_DEPTH: usize = 4;

/// Judges one value.
/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    dict::warm();
    patterns::warm();
}

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if !worth_lexing(value) {
        return None;
    }
    let mut best: Option<Hit> = patterns::detect(value);
    if let Some(h) = tilde(value) {
        best = Some(h);
    }
    if best.as_ref().is_some_and(|h| h.score >= 10) {
        return best;
    }
    if !needs_lexing(value) {
        return best.filter(|h| h.score > 0);
    }
    let mut j = Judge::new(value, ctx);
    let plus = value.contains(&b'+');
    for p in [false, true] {
        if p && !plus {
            continue;
        }
        j.line(0..value.len(), None, Place::Top, 0, p);
        if value.contains(&b'\'') {
            j.line(0..value.len(), Some(b'\''), Place::Top, 0, p);
        }
        if value.contains(&b'"') {
            j.line(0..value.len(), Some(b'"'), Place::Top, 0, p);
        }
    }
    if let Some(h) = j.best {
        if best.as_ref().is_none_or(|b| h.score > b.score) {
            best = Some(h);
        }
    }
    best.filter(|h| h.score > 0)
}

/// A whole value that is bash's directory-stack tilde expansion (`~+`,
/// `~-`, `~+2`): a probe for shell evaluation, meaningless elsewhere.
fn tilde(value: &[u8]) -> Option<Hit> {
    let t = value.trim_ascii();
    let rest = t.strip_prefix(b"~")?;
    let digits = rest.get(1..)?;
    (matches!(rest[0], b'+' | b'-') && digits.len() <= 2 && digits.iter().all(u8::is_ascii_digit))
        .then_some(Hit {
            rule: "rce.tilde_expansion",
            score: 5,
            span: 0..value.len(),
        })
}

/// Second fast reject, allocation-free: the lexer can only find a command
/// when some word of the value is one, or when quoting, escapes, expansions
/// or globs could spell one.
fn needs_lexing(value: &[u8]) -> bool {
    /// Quoting, escapes, expansions and globs.
    static SPELLS: [bool; 256] = byte_set(b"'\"\\$^?*[{`");
    /// The bytes of a word: a command name, a path, `host:port`...
    static WORD: [bool; 256] = {
        let mut t = byte_set(b"_.-/:");
        let mut b = 0;
        while b < 128 {
            t[b] |= (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        t
    };
    if value.iter().any(|&b| SPELLS[b as usize]) {
        return true;
    }
    // Process substitutions inside a word (`pi<()ng`).
    if memchr::memchr2_iter(b'<', b'>', value).any(|i| value.get(i + 1) == Some(&b'(')) {
        return true;
    }
    let command = |w: &[u8]| {
        let w = w
            .iter()
            .rposition(|c| !matches!(c, b'.' | b':' | b'-'))
            .map_or(&w[..0], |p| &w[..=p]);
        dict::lookup(w).is_some()
    };
    let mut words = value
        .split(|&b| !WORD[b as usize])
        .filter(|w| !w.is_empty() && w.len() <= 96);
    if value.len() >= SCREEN_FROM {
        // The screen sees the words between separators.
        return words.next().is_some_and(command)
            || words.next_back().is_some_and(command)
            || (dict::may_hold_command(value) && words.any(command));
    }
    words.any(command)
}

/// Value length from which [`needs_lexing`] screens the words before it
/// looks any up.
const SCREEN_FROM: usize = 1024;

/// A byte table holding `bytes`, for scans of large values.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// The bytes that make a value more than plain words.
fn special(b: u8) -> bool {
    matches!(
        b,
        b';' | b'|'
            | b'&'
            | b'`'
            | b'$'
            | b'\n'
            | b'\r'
            | b'('
            | b')'
            | b'{'
            | b'}'
            | b'<'
            | b'>'
            | b'\''
            | b'"'
            | b'\\'
            | b'^'
            | b'?'
            | b'*'
            | b'['
    )
}

/// Fast reject, allocation-free: a value with none of the shell's special
/// bytes can only be a command line when its first word is a command (or
/// cmd's `if`).
fn worth_lexing(value: &[u8]) -> bool {
    if value.iter().any(|&b| special(b)) {
        return true;
    }
    let v = trim_start(value);
    let end = v
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(v.len());
    let first = &v[..end];
    if first.starts_with(b"~") {
        return true;
    }
    let starts = |p: &[u8]| first.len() >= p.len() && first[..p.len()].eq_ignore_ascii_case(p);
    // `code=ansible-console`: an assignment before the command.
    let after_eq = first
        .iter()
        .position(|&c| c == b'=')
        .map_or(first, |p| &first[p + 1..]);
    starts(b"if")
        || starts(b"for")
        || dict::lookup(first).is_some()
        || dict::lookup(after_eq).is_some()
}

fn trim_start(v: &[u8]) -> &[u8] {
    let a = v
        .iter()
        .position(|&c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(v.len());
    &v[a..]
}

/// Where a command stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The value's first command, nothing before it.
    Top,
    /// Inside `$(...)` / `<(...)`.
    Subst,
    /// Inside backticks (also Markdown's inline code).
    Backtick,
}

/// How a command was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lead {
    /// First in its line (value, substitution).
    First,
    /// After a separator that opens the value (`;id`, `|whoami`).
    SepAtStart(Sep),
    /// After a separator with text before it.
    Sep(Sep),
    /// After `(` or `{`.
    Group,
    /// After a `(` glued to the words before it (`Collection (GCC)`): no
    /// shell starts a command there (`word (x)` is a syntax error, `f()` a
    /// function name), so what follows is prose in parentheses.
    Aside,
}

struct Judge<'a> {
    value: &'a [u8],
    ctx: &'a Ctx,
    best: Option<Hit>,
    /// `alias name=value` seen earlier in the value.
    aliases: Vec<(Vec<u8>, Vec<u8>)>,
    /// The directory `cd` moved to, for relative file arguments.
    cwd: Vec<u8>,
    plus_space: bool,
    /// The previous simple command resolved to a dictionary command.
    prev_known: bool,
}

/// What the arguments of a command look like.
#[derive(Default, Debug)]
struct Args {
    n: usize,
    flags: usize,
    paths: usize,
    numbers: usize,
    hosts: usize,
    urls: usize,
    plain: usize,
    title: usize,
    sensitive: bool,
    /// Index of the first sensitive argument.
    sensitive_at: usize,
    dev_tcp: bool,
    /// `-c`, `-e`, `-i`, `-r` style code/command flags.
    code_flag: bool,
    /// `-e` / `-c` followed by a shell or command.
    exec_shell: bool,
}

impl<'a> Judge<'a> {
    fn new(value: &'a [u8], ctx: &'a Ctx) -> Judge<'a> {
        Judge {
            value,
            ctx,
            best: None,
            aliases: Vec::new(),
            cwd: Vec::new(),
            plus_space: false,
            prev_known: false,
        }
    }

    /// Resolves a word in command position (aliases first).
    fn resolve(&self, w: &Word) -> Option<Cmd> {
        if w.text.is_empty() {
            return None;
        }
        if let Some((_, v)) = self
            .aliases
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(&w.text))
        {
            let first = v.split(|&b| b == b' ').next().unwrap_or_default();
            return dict::lookup(first);
        }
        if w.glob {
            if let Some(c) = dict::glob_command(&w.text) {
                return Some(c);
            }
        }
        dict::lookup(&w.text)
    }

    fn offer(&mut self, rule: &'static str, score: u32, span: Range<usize>) {
        if score == 0 {
            return;
        }
        if self.best.as_ref().is_none_or(|b| score > b.score) {
            self.best = Some(Hit { rule, score, span });
        }
    }

    fn line(
        &mut self,
        range: Range<usize>,
        quote: Option<u8>,
        place: Place,
        depth: usize,
        plus_space: bool,
    ) {
        if depth > MAX_DEPTH || self.best.as_ref().is_some_and(|h| h.score >= 10) {
            return;
        }
        self.plus_space = plus_space;
        self.aliases.clear();
        self.cwd.clear();
        let whole = range.clone();
        let Lexed { toks, substs } = lexer::lex(self.value, range, quote, plus_space);
        self.commands(&toks, place, depth);
        for s in substs {
            // Backticks are Markdown's inline code too; glued to a word, nested
            // or making up the whole value they are a substitution.
            let glued = |i: usize| {
                self.value.get(i).is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'$' | b'`' | b';' | b'|' | b'&')
                })
            };
            let whole_value = trim_start(&self.value[whole.start..s.range.start.saturating_sub(1)])
                .is_empty()
                && self.value[(s.range.end + 1).min(whole.end)..whole.end]
                    .iter()
                    .all(u8::is_ascii_whitespace);
            // A code span that is the whole value is a substitution as a
            // single-backtick one is; a fenced block (a line break after the
            // opening run) is Markdown's alone too.
            let fence = |b: &u8| b.is_ascii_whitespace() || *b == b'`';
            let whole_span = self.value[s.range.start.saturating_sub(1)] != b'\n'
                && self.value[whole.start..s.range.start].iter().all(fence)
                && self.value[s.range.end.min(whole.end)..whole.end]
                    .iter()
                    .all(fence);
            let p = if (s.code_span && depth == 0 && !whole_span)
                || (s.backtick
                    && depth == 0
                    && !whole_value
                    // After `=`, the value of an option or a variable
                    // (`--exec=`id``, `X=`whoami``): a shell word, not prose.
                    && !(s.range.start >= 2
                        && (glued(s.range.start - 2) || self.value[s.range.start - 2] == b'='))
                    && !glued(s.range.end + 1))
            {
                Place::Backtick
            } else {
                Place::Subst
            };
            self.line(s.range, None, p, depth + 1, plus_space);
        }
    }

    /// Judges `text` (a folded word: a here-string, `sh -c` or `trap`
    /// argument) as a command line of its own that runs; a finding is
    /// reported at `span`, the word's place in the value.
    fn nested(&mut self, text: &[u8], span: Range<usize>, depth: usize) {
        if depth >= MAX_DEPTH || text.is_empty() {
            return;
        }
        let mut sub = Judge::new(text, self.ctx);
        sub.line(0..text.len(), None, Place::Subst, depth + 1, false);
        let from_patterns = patterns::detect(text);
        for h in [sub.best, from_patterns].into_iter().flatten() {
            self.offer(h.rule, h.score, span.clone());
        }
    }

    /// Whether the `|` before the command starting with `w` touches words on
    /// both sides (`x|sh`).
    fn pipe_glued(&self, _toks: &[Tok], w: &Word) -> bool {
        let at = w.span.start;
        at >= 2 && self.value[at - 1] == b'|' && !self.value[at - 2].is_ascii_whitespace()
    }

    /// Splits tokens into simple commands and judges each.
    fn commands(&mut self, toks: &[Tok], place: Place, depth: usize) {
        self.prev_known = false;
        let mut lead = Lead::First;
        let mut seen_any = false;
        let mut i = 0;
        while i < toks.len() {
            // Collect one simple command.
            let start = i;
            while i < toks.len() && matches!(toks[i], Tok::Word(_) | Tok::Redir(_)) {
                i += 1;
            }
            // `uname() Returns ...`, `mknod(path, mode)`: a name glued to
            // `(` is a function's signature or call (in the shell a
            // function definition, which runs nothing), not a command.
            let signature = i == start + 1
                && matches!((&toks[start], toks.get(i)),
                    (Tok::Word(w), Some(Tok::LParen(at))) if *at == w.span.end);
            if i > start && !signature {
                self.command(&toks[start..i], lead, place, depth);
                seen_any = true;
            } else if signature {
                self.prev_known = false;
                seen_any = true;
            }
            if i >= toks.len() {
                break;
            }
            // A lone host or address before the separator is the value the
            // app expected (`127.0.0.1; id` in a ping form): what follows
            // is appended to its command line as if the value opened on it.
            let expected_value =
                i == start + 1 && matches!(&toks[start], Tok::Word(w) if is_host_value(&w.text));
            lead = match toks[i] {
                Tok::Sep(s, _) => {
                    if seen_any && !(start == 0 && expected_value) {
                        Lead::Sep(s)
                    } else {
                        Lead::SepAtStart(s)
                    }
                }
                // cmd's blocks open after words (`if exist x (whoami)`).
                Tok::LParen(_) if i > start && !cmd_block(&toks[start]) => Lead::Aside,
                Tok::LParen(_) | Tok::LBrace(_) => Lead::Group,
                _ => lead,
            };
            if matches!(toks[i], Tok::RParen(_) | Tok::RBrace(_)) {
                seen_any = true;
            }
            i += 1;
        }
    }

    fn command(&mut self, toks: &[Tok], lead: Lead, place: Place, depth: usize) {
        if lead == Lead::Aside {
            self.prev_known = false;
            return;
        }
        // Words, skipping redirection targets, noting redirections.
        let mut words: Vec<&Word> = Vec::new();
        let mut redir = false;
        let mut skip_next = None;
        let mut here_strings: Vec<&Word> = Vec::new();
        for t in toks {
            match t {
                Tok::Redir(at) => {
                    redir = true;
                    skip_next = Some(*at);
                }
                Tok::Word(w) => {
                    if search::contains(&w.text, b"/dev/tcp/")
                        || search::contains(&w.text, b"/dev/udp/")
                    {
                        self.offer("rce.reverse_shell", 10, w.span.clone());
                        return;
                    }
                    if w.glob && dict::glob_sensitive(&w.text) {
                        self.offer("rce.evasion", 8, w.span.clone());
                    }
                    if let Some(at) = skip_next.take() {
                        if self.value[at..].starts_with(b"<<<") {
                            here_strings.push(w);
                        }
                        continue;
                    }
                    words.push(w);
                }
                _ => {}
            }
        }
        // A here-string feeds its text to the command (`cat<<<id | sh`,
        // `` `cat<<<id` ``): judge it as a command line.
        for w in here_strings {
            self.nested(&w.text, w.span.clone(), depth);
            self.line(
                w.span.clone(),
                None,
                Place::Subst,
                depth + 1,
                self.plus_space,
            );
        }
        // Leading assignments, then wrappers (`time`, `nohup`, `sudo`...).
        let mut k = 0;
        while k < words.len() && is_assignment(&words[k].text) {
            k += 1;
        }
        let mut wrapped = false;
        let mut cmd = None;
        while k < words.len() {
            let w = words[k];
            let c = self.resolve(w);
            match c {
                Some(c) if c.wrapper && k + 1 < words.len() => {
                    // The wrapper's own options (`timeout 5`, `nice -n 10`).
                    let mut n = k + 1;
                    while n < words.len()
                        && (words[n].text.starts_with(b"-")
                            || words[n].text.iter().all(u8::is_ascii_digit)
                            || is_assignment(&words[n].text))
                    {
                        n += 1;
                    }
                    if n < words.len() && self.resolve(words[n]).is_some() {
                        wrapped = true;
                        k = n;
                        continue;
                    }
                    cmd = Some((k, c));
                    break;
                }
                Some(c) => {
                    cmd = Some((k, c));
                    break;
                }
                None => break,
            }
        }
        let Some((k, c)) = cmd else {
            self.prev_known = false;
            return;
        };
        self.prev_known = true;
        let w = words[k];
        let lower: Vec<u8> = w.text.iter().map(u8::to_ascii_lowercase).collect();
        if lower == b"alias" {
            // Defining an alias is shell syntax with no prose reading.
            let defines = words[k + 1..].iter().any(|a| {
                a.text
                    .iter()
                    .position(|&b| b == b'=')
                    .is_some_and(|p| p > 0)
            });
            if defines {
                let score = if place == Place::Top && lead == Lead::First {
                    6
                } else {
                    10
                };
                self.offer(
                    "rce.alias",
                    score,
                    w.span.start..words[words.len() - 1].span.end,
                );
            }
            for a in &words[k + 1..] {
                if let Some(eq) = a.text.iter().position(|&b| b == b'=') {
                    if eq > 0 && self.aliases.len() < 16 {
                        self.aliases
                            .push((a.text[..eq].to_vec(), a.text[eq + 1..].to_vec()));
                    }
                }
            }
        }
        if lower == b"cd" {
            if let Some(d) = words.get(k + 1) {
                if d.text.starts_with(b"/") {
                    self.cwd = d.text.clone();
                } else {
                    if !self.cwd.ends_with(b"/") {
                        self.cwd.push(b'/');
                    }
                    self.cwd.extend_from_slice(&d.text);
                }
            }
        }
        // Arguments that are command lines themselves.
        let rest = &words[k + 1..];
        if lower == b"trap" || lower == b"eval" {
            if let Some(a) = rest.first() {
                self.nested(&a.text, a.span.clone(), depth);
            }
        } else if c.shell || lower == b"su" {
            if let Some(p) = rest.iter().position(|a| {
                matches!(
                    &a.text.to_ascii_lowercase()[..],
                    b"-c" | b"/c" | b"/k" | b"-command" | b"-c:"
                )
            }) {
                if let Some(a) = rest.get(p + 1) {
                    self.nested(&a.text, a.span.clone(), depth);
                }
            }
        }
        let mut args = analyze_args(rest, c);
        if !self.cwd.is_empty() && lower != b"cd" {
            for a in &words[k + 1..] {
                if !a.text.starts_with(b"/") && !a.text.starts_with(b"-") {
                    let mut p = self.cwd.clone();
                    if !p.ends_with(b"/") {
                        p.push(b'/');
                    }
                    p.extend_from_slice(&a.text);
                    if dict::sensitive_path(&p, a.glob) {
                        args.sensitive = true;
                    }
                }
            }
        }
        let span = w.span.start..words.last().map_or(w.span.end, |l| l.span.end);
        let evasion = evasive(w, self.value);
        // Prose guard: an ordinary word as a command needs shell-like
        // arguments, unless its spelling is itself an evasion.
        // `net user x /add`: a Windows subcommand makes `net` a command.
        let net_sub = lower == b"net"
            && words.get(k + 1).is_some_and(|a| {
                matches!(
                    &a.text.to_ascii_lowercase()[..],
                    b"user"
                        | b"localgroup"
                        | b"group"
                        | b"share"
                        | b"view"
                        | b"use"
                        | b"accounts"
                        | b"session"
                )
            });
        // Unix commands are lowercase: a command name written capitalized or
        // in capitals before plain words opens a sentence or a title (`Wget
        // supports proxies`, `GCC support library`).
        let cased = w.text.iter().any(u8::is_ascii_uppercase) && args.plain > 0;
        let english =
            (c.english || cased) && !evasion && !wrapped && !w.text.contains(&b'/') && !net_sub;
        let shell_like = args.plain == 0 || (!english && args.plain <= 4 && args.title == 0);
        // A sensitive file read by the command is its operand; one named many
        // words into a sentence that opens with a command's name (`Host keys
        // are saved to ~/.ssh/known_hosts`) is a mention.
        let sensitive = args.sensitive && (shell_like || args.sensitive_at < 3);
        let hostile = sensitive
            || (c.net && (args.urls > 0 || args.hosts > 0) && shell_like)
            || (c.shell && (args.code_flag || args.paths > 0) && shell_like && args.n > 0)
            || (c.interp && args.code_flag && shell_like)
            || args.exec_shell;

        if args.exec_shell && c.net {
            self.offer("rce.reverse_shell", 10, span.clone());
            return;
        }
        if let Lead::Sep(Sep::Pipe) = lead {
            // `curl x | sh`: a real command (or a glued `x|sh`) piped into a
            // shell spelled as one (`Rock | Bash` is a list).
            let lower_word = !w.text.iter().any(u8::is_ascii_uppercase);
            let source = self.prev_known || self.pipe_glued(toks, w);
            if c.shell
                && lower_word
                && source
                && (args.n == 0 || args.code_flag || (args.plain == 0 && !english))
            {
                self.offer("rce.pipe_to_shell", 10, span.clone());
                return;
            }
        }

        let rule = match place {
            Place::Subst | Place::Backtick => "rce.substitution",
            Place::Top => match lead {
                Lead::First => "rce.command_line",
                _ => "rce.separator",
            },
        };
        let mut score: u32 = if hostile {
            10
        } else {
            match place {
                Place::Subst => {
                    if shell_like {
                        10
                    } else {
                        8
                    }
                }
                Place::Backtick => {
                    // Markdown's inline code quotes commands in prose: only
                    // commands that probe the system count without hostile
                    // arguments.
                    if !shell_like {
                        2
                    } else if english {
                        4
                    } else if c.recon || c.shell || c.net {
                        6
                    } else {
                        4
                    }
                }
                Place::Top => match lead {
                    Lead::First => {
                        if !shell_like {
                            0
                        } else if english {
                            if args.flags > 0 {
                                5
                            } else {
                                0
                            }
                        } else if c.shell
                            && args.plain >= 2
                            && args.flags + args.paths + args.urls + args.hosts == 0
                            && !args.code_flag
                        {
                            // A shell's operands are a script file and
                            // flags: a shell name followed only by plain
                            // words is a sentence about it (`zsh is the
                            // best!`, `ksh was first`).
                            2
                        } else if args.n == 0 {
                            if c.recon || wrapped {
                                6
                            } else if c.file || c.net {
                                3
                            } else {
                                5
                            }
                        } else {
                            8
                        }
                    }
                    Lead::SepAtStart(_) => {
                        if shell_like {
                            10
                        } else {
                            3
                        }
                    }
                    Lead::Sep(_) | Lead::Group | Lead::Aside => {
                        if !shell_like {
                            2
                        } else if english {
                            if args.flags + args.paths + args.numbers + args.hosts > 0 || redir {
                                7
                            } else {
                                4
                            }
                        } else {
                            10
                        }
                    }
                },
            }
        };
        if evasion && shell_like {
            self.offer("rce.evasion", 10, span);
            return;
        }
        // `/usr/bin/pinentry-tty\n    Minimal text-mode entry program`: a
        // program named alone on its line with an indented sentence below
        // is a term and its description (a README's list, a man page's
        // FILES), not a command line.
        if rule == "rce.command_line" && args.n == 0 && !hostile && described(self.value, span.end)
        {
            score = score.min(2);
        }
        // A bare command line in a path segment is a file name more often
        // than not (`/api/whoami`).
        if rule == "rce.command_line" && self.ctx.part == Part::Path && !hostile {
            score = score.min(3);
        }
        self.offer(rule, score.min(10), span);
    }
}

/// Whether the line after `end` is indented prose: a capitalized word and
/// another word (a description under a term).
fn described(value: &[u8], end: usize) -> bool {
    let rest = value.get(end..).unwrap_or_default();
    let Some(rest) = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
    else {
        return false;
    };
    let indent = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let mut words = rest[indent..].split(|&b| b == b' ');
    let (Some(a), Some(b)) = (words.next(), words.next()) else {
        return false;
    };
    indent >= 2
        && a.len() > 1
        && a[0].is_ascii_uppercase()
        && a[1..].iter().all(|c| c.is_ascii_lowercase() || *c == b'-')
        && !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'-')
}

/// An IPv4 address, `localhost`, or a dotted host name (`example.com`):
/// what a ping or lookup form takes.
fn is_host_value(t: &[u8]) -> bool {
    if t.eq_ignore_ascii_case(b"localhost") {
        return true;
    }
    let labels: Vec<&[u8]> = t.split(|&b| b == b'.').collect();
    let ipv4 = labels.len() == 4
        && labels
            .iter()
            .all(|l| (1..=3).contains(&l.len()) && l.iter().all(u8::is_ascii_digit));
    let name = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic));
    ipv4 || name
}

/// The simple command starting with `t` is cmd's `if`, `for` or `else`,
/// whose bodies are parenthesized blocks.
fn cmd_block(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if [&b"if"[..], b"for", b"else", b"do"]
        .iter()
        .any(|k| w.text.eq_ignore_ascii_case(k)))
}

/// The word was spelled to dodge keyword filters.
fn evasive(w: &Word, value: &[u8]) -> bool {
    if w.glob {
        return true;
    }
    // One letter leaves a keyword filter nothing to split: `\w` and `\W`
    // are regex classes.
    if !w.folded || w.text.len() < 2 {
        return false;
    }
    // Folding inside the word (`c''at`, `c\at`, `c$@at`, `c^a^t`), not a
    // word merely quoted whole (`"date"` in JSON).
    let raw = value.get(w.span.clone()).unwrap_or_default();
    let raw = match (raw.first(), raw.last()) {
        (Some(&a), Some(&b)) if raw.len() >= 2 && a == b && matches!(a, b'\'' | b'"') => {
            &raw[1..raw.len() - 1]
        }
        _ => raw,
    };
    // An odd count of a quote means one of them is no pair inside the word:
    // the closing quote of the context the value was lexed in, or an
    // apostrophe (`I'd say it's fine` read after a `'`: the word `Id`).
    let odd = |q: u8| raw.iter().filter(|&&c| c == q).count() % 2 == 1;
    let (single, double) = (odd(b'\''), odd(b'"'));
    raw.iter().any(|&c| match c {
        b'\'' => !single,
        b'"' => !double,
        b'\\' | b'$' | b'^' | b'`' | b'{' => true,
        _ => false,
    })
}

fn is_assignment(t: &[u8]) -> bool {
    match t.iter().position(|&c| c == b'=') {
        Some(eq) if eq > 0 => {
            (t[0].is_ascii_alphabetic() || t[0] == b'_')
                && t[..eq]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || c == b'_')
        }
        _ => false,
    }
}

fn analyze_args(words: &[&Word], c: Cmd) -> Args {
    let mut a = Args::default();
    let mut prev_code_flag = false;
    let mut prev_flag = false;
    for w in words {
        let t = &w.text[..];
        a.n += 1;
        if search::contains(t, b"/dev/tcp/") || search::contains(t, b"/dev/udp/") {
            a.dev_tcp = true;
        }
        if dict::sensitive_path(t, w.glob) && !a.sensitive {
            a.sensitive = true;
            a.sensitive_at = a.n - 1;
        }
        if prev_code_flag {
            if let Some(x) = dict::lookup(t) {
                if x.shell {
                    a.exec_shell = true;
                }
            }
        }
        let after_flag = prev_flag;
        prev_code_flag = false;
        let kind = classify(t);
        prev_flag = kind == ArgKind::Flag;
        match kind {
            ArgKind::Flag => {
                a.flags += 1;
                let lower: Vec<u8> = t.iter().map(u8::to_ascii_lowercase).collect();
                if matches!(
                    &lower[..],
                    b"-c"
                        | b"-e"
                        | b"-i"
                        | b"-r"
                        | b"-m"
                        | b"-x"
                        | b"/c"
                        | b"/k"
                        | b"-command"
                        | b"-encodedcommand"
                        | b"-enc"
                        | b"-ec"
                        | b"--eval"
                        | b"--exec"
                        | b"-exec"
                        | b"-ex"
                        | b"-wrapper"
                ) || (lower.starts_with(b"-")
                    && lower.len() <= 6
                    && lower.contains(&b'e')
                    && c.net)
                {
                    a.code_flag = true;
                    prev_code_flag = true;
                }
            }
            ArgKind::Path => a.paths += 1,
            ArgKind::Number => a.numbers += 1,
            ArgKind::Host => a.hosts += 1,
            ArgKind::Url => {
                a.urls += 1;
                a.hosts += 1;
            }
            ArgKind::Other => {}
            ArgKind::Plain if after_flag => {}
            ArgKind::Plain => {
                a.plain += 1;
                // Title-case words are prose (`Nmap Scripting Engine`).
                if t.len() > 1
                    && t[0].is_ascii_uppercase()
                    && t[1..].iter().all(u8::is_ascii_lowercase)
                {
                    a.title += 1;
                }
            }
        }
        // An editor or debugger's `!cmd` shell escape (`vim +'!id'`,
        // `gdb -ex '!id'`).
        if c.interp {
            if let Some(bang) = t.iter().position(|&b| b == b'!') {
                let cmd = t[bang + 1..]
                    .split(|&b| b == b' ')
                    .next()
                    .unwrap_or_default();
                if dict::lookup(cmd).is_some() {
                    a.exec_shell = true;
                }
            }
        }
        // `sh,-c,id` (brace or comma lists as in `-wrapper sh,-c,id`).
        if t.contains(&b',')
            && t.split(|&b| b == b',')
                .any(|p| dict::lookup(p).is_some_and(|x| x.shell))
        {
            a.exec_shell = true;
        }
    }
    a
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgKind {
    Flag,
    Path,
    Number,
    Host,
    Url,
    /// Shell-ish but none of the above (`{}`, `+x`, `a=b`, `%VAR%`, `.`).
    Other,
    /// A plain word of letters: prose.
    Plain,
}

fn classify(t: &[u8]) -> ArgKind {
    if t.is_empty() {
        return ArgKind::Other;
    }
    let lower_has = |n: &[u8]| search::contains(t, n);
    if lower_has(b"://") {
        return ArgKind::Url;
    }
    if t.len() >= 2 && (t[0] == b'-' || t[0] == b'+') {
        // `-c`, `-X`, `-nlvp`, `--version`, `+x`; not `-MINI` or `- text`.
        let body = t[1..].strip_prefix(b"-").unwrap_or(&t[1..]);
        let short = t.len() == 2 && t[1].is_ascii_alphanumeric();
        let lower = !body.is_empty()
            && body[0].is_ascii_alphanumeric()
            && body.iter().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, b'-' | b'=' | b'_' | b'.' | b',')
            });
        if short || lower {
            return ArgKind::Flag;
        }
    }
    if t[0] == b'/' && t.len() <= 4 && t[1..].iter().all(u8::is_ascii_alphabetic) && t.len() >= 2 {
        // Windows switches `/c`, `/E`, `/all` are flags; `/etc` is a path.
        if t.len() <= 3 {
            return ArgKind::Flag;
        }
    }
    if t.contains(&b'/') || t.contains(&b'\\') || t[0] == b'~' || t[0] == b'.' {
        return ArgKind::Path;
    }
    let digits = t.iter().filter(|c| c.is_ascii_digit()).count();
    if digits == t.len()
        || (digits > 0
            && digits + 1 == t.len()
            && matches!(t[t.len() - 1], b's' | b'm' | b'h' | b'd'))
    {
        return ArgKind::Number;
    }
    // `interface.`, `below:`: a word that ends a sentence or clause.
    if t.len() > 1
        && matches!(t[t.len() - 1], b'.' | b',' | b':')
        && t[..t.len() - 1].iter().all(u8::is_ascii_alphabetic)
    {
        return ArgKind::Plain;
    }
    if t.iter().filter(|&&c| c == b'.').count() >= 1
        && t.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b':' | b'@'))
    {
        let last = t.rsplit(|&c| c == b'.').next().unwrap_or_default();
        let ext = [
            &b"txt"[..],
            b"sh",
            b"php",
            b"py",
            b"pl",
            b"rb",
            b"js",
            b"gz",
            b"xz",
            b"zst",
            b"log",
            b"yml",
            b"yaml",
            b"conf",
            b"ini",
            b"exe",
            b"ps1",
            b"bat",
            b"reg",
            b"jpg",
            b"png",
            b"tar",
            b"zip",
            b"port",
        ];
        if ext.iter().any(|e| last.eq_ignore_ascii_case(e)) {
            return ArgKind::Path;
        }
        return ArgKind::Host;
    }
    if t.iter().all(|c| c.is_ascii_alphabetic() || *c == b'\'') {
        return ArgKind::Plain;
    }
    ArgKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sensitivity;

    fn ctx() -> Ctx {
        Ctx {
            part: Part::Query,
            key: false,
            sensitivity: Sensitivity::Default,
        }
    }

    /// Non-comment lines; `\\r` and `\\n` stand for CR and LF.
    pub(crate) fn cases(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| l.replace("\\r", "\r").replace("\\n", "\n"))
            .collect()
    }

    #[test]
    fn attacks_fire() {
        let mut missed = Vec::new();
        for line in &cases(include_str!("../../../testdata/rce/attacks.txt")) {
            match detect(line.as_bytes(), &ctx()) {
                Some(h) if h.score >= 5 => {}
                other => missed.push(format!("{line:?} -> {other:?}")),
            }
        }
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn benign_passes() {
        let mut flagged = Vec::new();
        for line in &cases(include_str!("../../../testdata/rce/benign.txt")) {
            if let Some(h) = detect(line.as_bytes(), &ctx()) {
                if h.score >= 5 {
                    flagged.push(format!("{line:?} -> {h:?}"));
                }
            }
        }
        assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
    }

    #[test]
    fn large_values_are_linear_and_safe() {
        let mut v = Vec::new();
        for _ in 0..(1 << 20) / 16 {
            v.extend_from_slice(b"a;b|c$(d`e'f\"g{");
        }
        let start = std::time::Instant::now();
        let _ = detect(&v, &ctx());
        assert!(start.elapsed().as_secs() < 5);
        let plain = vec![b'a'; 1 << 20];
        assert!(detect(&plain, &ctx()).is_none());
    }
}
