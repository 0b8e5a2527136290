//! A SQL tokenizer over raw bytes, lenient enough to read MySQL, PostgreSQL,
//! MSSQL, Oracle and SQLite at once: an attacker does not say which database
//! is behind the app, so any dialect's syntax counts.
//!
//! The lexer can start inside a string (`Start::Single` / `Start::Double`):
//! that is how a value reads once the app has put it between quotes, and the
//! first token is then the string the attacker closes ("break").

use super::keywords::{self, Func, Kw};
use crate::search;

/// Where the value is assumed to be placed in the app's query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// As-is: a number, a column name, a whole clause.
    Bare,
    /// Inside `'...'`.
    Single,
    /// Inside `"..."`.
    Double,
    /// Inside MySQL's `` `...` ``: a column or table name the app quotes.
    Backtick,
}

/// Operator families; the decision needs no finer distinction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// `= < > <= >= <> != <=> == !< !> :=`
    Cmp,
    /// `+` and `-`: binary, or the sign of what follows.
    Sign,
    /// `* / % & | ^ << >>`
    Arith,
    /// `&&` and `||` (OR in MySQL, concatenation elsewhere: either way an
    /// operator joining two expressions).
    Logic,
    /// `!`.
    Unary,
    /// `~`: bitwise NOT before an operand, PostgreSQL's regex match
    /// between two (`email ~ '^a'`).
    Match,
    /// PostgreSQL `::type`.
    Cast,
}

/// How a comment ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmt {
    /// `-- ...` or `# ...`, to the end of the line.
    Line,
    /// `/* ... */`.
    Block,
    /// `/* ...` never closed: swallows the rest of the query.
    Open,
}

/// Token types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A closed string literal.
    Str,
    /// A string literal that runs to the end of the value: the app's own
    /// closing quote would end it.
    StrOpen,
    Num,
    /// An identifier: bare word, `backtick` or [bracket] quoted.
    Word,
    Kw(Kw),
    /// A word directly followed by `(`.
    Func(Func),
    /// `@x`, `@@version`.
    Var,
    Op(Op),
    LParen,
    RParen,
    /// `[` glued to a name or `)`: a PostgreSQL subscript or `ARRAY[...]`.
    LBracket,
    /// The `]` closing a subscript.
    RBracket,
    Comma,
    Semi,
    Dot,
    Comment(Cmt),
    /// Any byte SQL has no use for.
    Other,
}

impl Kind {
    /// One character per type: the fingerprint used by the golden tests and
    /// in debugging output (close to libinjection's alphabet).
    #[cfg(test)]
    pub(crate) fn code(self) -> char {
        match self {
            Kind::Str => 's',
            Kind::StrOpen => 'S',
            Kind::Num => '1',
            Kind::Word => 'n',
            Kind::Kw(Kw::And | Kw::Or | Kw::Xor) => '&',
            Kind::Kw(Kw::Union | Kw::SetOp) => 'U',
            Kind::Kw(Kw::Select) => 'K',
            Kind::Kw(
                Kw::Insert
                | Kw::Update
                | Kw::Delete
                | Kw::Drop
                | Kw::Create
                | Kw::Alter
                | Kw::Truncate
                | Kw::Exec
                | Kw::Declare
                | Kw::Shutdown
                | Kw::Waitfor,
            ) => 'E',
            Kind::Kw(Kw::Literal) => 'v',
            Kind::Kw(Kw::WordOp | Kw::Is | Kw::In | Kw::Between | Kw::Not) => 'o',
            Kind::Kw(_) => 'k',
            Kind::Func(_) => 'f',
            Kind::Var => 'v',
            Kind::Op(Op::Logic) => '&',
            Kind::Op(_) => 'o',
            Kind::LParen => '(',
            Kind::RParen => ')',
            Kind::LBracket => '[',
            Kind::RBracket => ']',
            Kind::Comma => ',',
            Kind::Semi => ';',
            Kind::Dot => '.',
            Kind::Comment(_) => 'c',
            Kind::Other => '?',
        }
    }
}

/// One token: its type and byte range in the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Streams tokens out of a value. Every step consumes at least one byte, so
/// the whole value is read in linear time.
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Inside MySQL `/*! ... */`: its content is code, and its `*/` is
    /// whitespace.
    exec_comment: bool,
    /// The break-out string of a quoted start, still to be emitted.
    start: Start,
    /// `+` is a space: the value is form-encoded text nobody decoded.
    plus_space: bool,
    /// MySQL `1.e` glued to `(`, `)`, `,` or `.` read as whitespace so far.
    pub(crate) noise: u16,
    /// MySQL `/*!...` comments met: syntax only MySQL reads.
    pub(crate) exec_comments: u16,
    /// Keywords split by a comment or an empty or junk tag (`UN/**/ION`,
    /// `sel<b>ect`) and read whole: the filter evasion itself.
    pub(crate) split_words: u16,
    /// A backslash escapes the quote in the break string, as MySQL reads
    /// it (`foo\''or'1`): the break ends at the first unescaped quote.
    backslash: bool,
    /// The last token emitted, and where it ended: `[` glued to a name is a
    /// subscript, not an MSSQL `[name]`.
    prev: Option<(Kind, usize)>,
    /// Open subscripts and ODBC `{fn ...}` escapes.
    brackets: u16,
    braces: u16,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_space(b: u8) -> bool {
    // MySQL also treats \v and \f as whitespace; 0xa0 arrives as part of
    // UTF-8 or as a lone byte, and is read as a space by some servers.
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0xa0 | 0)
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a [u8], start: Start) -> Lexer<'a> {
        Lexer {
            src,
            pos: 0,
            exec_comment: false,
            start,
            plus_space: false,
            noise: 0,
            exec_comments: 0,
            split_words: 0,
            backslash: false,
            prev: None,
            brackets: 0,
            braces: 0,
        }
    }

    /// Reads `\` as escaping a quote in the break string (MySQL's
    /// default), for values that hold `\'`.
    pub(crate) fn backslash_escapes(mut self, on: bool) -> Lexer<'a> {
        self.backslash = on;
        self
    }

    /// MySQL reads a number written `1.e` (no exponent digits) directly
    /// before `(`, `)`, `,` or `.` as nothing at all: `1.e(ascii 1.e(...`
    /// is `(ascii(...`, a known WAF bypass. Returns the length of such a
    /// number at `i`, or 0.
    fn noise_len(&self, i: usize) -> usize {
        let s = self.src;
        if i > 0 && (is_word_byte(s[i - 1]) || s[i - 1] == b'.') {
            return 0;
        }
        let mut j = i;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j == i || self.at(j) != b'.' || !matches!(self.at(j + 1), b'e' | b'E') {
            return 0;
        }
        if matches!(self.at(j + 2), b'(' | b')' | b',' | b'.') {
            j + 2 - i
        } else {
            0
        }
    }

    /// Reads `+` as a space.
    pub(crate) fn plus_as_space(mut self, on: bool) -> Lexer<'a> {
        self.plus_space = on;
        self
    }

    fn space_at(&self, i: usize) -> bool {
        self.src
            .get(i)
            .is_some_and(|&b| is_space(b) || (self.plus_space && b == b'+'))
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn tok(&mut self, kind: Kind, start: usize, end: usize) -> Option<Token> {
        self.pos = end;
        if !matches!(kind, Kind::Comment(_)) {
            self.prev = Some((kind, end));
        }
        Some(Token { kind, start, end })
    }

    /// Scans a string body from `from` (just after the opening quote) and
    /// returns the index after the closing quote, or `None` if it never
    /// closes. A doubled quote and a backslash escape do not close.
    fn string_end(&self, from: usize, quote: u8) -> Option<usize> {
        self.string_end_with(from, quote, true)
    }

    fn string_end_with(&self, from: usize, quote: u8, backslash: bool) -> Option<usize> {
        let mut i = from;
        let esc = if backslash { b'\\' } else { quote };
        while let Some(off) = memchr::memchr2(quote, esc, &self.src[i.min(self.src.len())..]) {
            let j = i + off;
            if backslash && self.src[j] == b'\\' {
                i = j + 2;
                continue;
            }
            if self.at(j + 1) == quote {
                i = j + 2;
                continue;
            }
            return Some(j + 1);
        }
        None
    }

    fn string(&mut self, start: usize, body: usize, quote: u8) -> Option<Token> {
        match self.string_end(body, quote) {
            Some(end) => self.tok(Kind::Str, start, end),
            None => self.tok(Kind::StrOpen, start, self.src.len()),
        }
    }

    /// The break-out string of a quoted start. `None` from `next` when the
    /// value never closes the quote (then this context does not apply).
    /// Backslashes do not escape here: only MySQL reads them so, and a
    /// `\'` sent by the attacker (against apps that escape quotes by
    /// doubling) still closes the string everywhere else.
    fn break_string(&mut self, quote: u8) -> Option<Token> {
        self.start = Start::Bare;
        let end = if quote == b'`' {
            // An identifier has no escapes but a doubled backtick.
            self.string_end_with(0, quote, false)?
        } else {
            self.string_end_with(0, quote, self.backslash)?
        };
        self.tok(Kind::Str, 0, end)
    }

    /// True once the break string of a quoted start is known not to close.
    pub(crate) fn next_token(&mut self) -> Option<Token> {
        match self.start {
            Start::Single => return self.break_string(b'\''),
            Start::Double => return self.break_string(b'"'),
            Start::Backtick => return self.break_string(b'`'),
            Start::Bare => {}
        }
        let src = self.src;
        loop {
            while self.space_at(self.pos) {
                self.pos += 1;
            }
            if self.pos >= src.len() {
                return None;
            }
            let p = self.pos;
            if self.exec_comment && src[p] == b'*' && self.at(p + 1) == b'/' {
                self.exec_comment = false;
                self.pos += 2;
                continue;
            }
            let noise = self.noise_len(p);
            if noise > 0 {
                self.noise = self.noise.saturating_add(1);
                self.pos += noise;
                continue;
            }
            break;
        }
        let p = self.pos;
        let c = src[p];
        let n = self.at(p + 1);
        match c {
            b'\'' | b'"' => self.string(p, p + 1, c),
            b'`' => match memchr::memchr(b'`', &src[p + 1..]) {
                Some(off) => self.tok(Kind::Word, p, p + off + 2),
                None => self.tok(Kind::Other, p, src.len()),
            },
            b'[' if self.subscript_at(p) => {
                self.brackets += 1;
                self.tok(Kind::LBracket, p, p + 1)
            }
            b']' if self.brackets > 0 => {
                self.brackets -= 1;
                self.tok(Kind::RBracket, p, p + 1)
            }
            b'[' => self.bracket(p),
            b'{' => self.odbc_escape(p),
            b'}' if self.braces > 0 => {
                self.braces -= 1;
                self.tok(Kind::RParen, p, p + 1)
            }
            // MySQL's `\N` is NULL (`1'*col is \N or '1`), also glued to a
            // keyword (`\Nunion select`).
            b'\\' if n == b'N' && self.null_at(p + 2) => self.tok(Kind::Kw(Kw::Literal), p, p + 2),
            b'(' => self.tok(Kind::LParen, p, p + 1),
            b')' => self.tok(Kind::RParen, p, p + 1),
            b',' => self.tok(Kind::Comma, p, p + 1),
            b';' => self.tok(Kind::Semi, p, p + 1),
            // PostgreSQL JSON path operators: #> #>> #-
            b'#' if n == b'>' || (n == b'-' && self.at(p + 2) != b'-') => {
                let len = if self.at(p + 2) == b'>' { 3 } else { 2 };
                self.tok(Kind::Op(Op::Cmp), p, p + len)
            }
            b'#' => self.line_comment(p),
            // MySQL reads `--` glued to a digit as two minus signs
            // (`--1 union select`, `= --1`), every other dialect as a
            // comment; glued to a value (`1--0 sp_password`, `2024--05`)
            // the comment reading stays.
            b'-' if n == b'-' && !(self.at(p + 2).is_ascii_digit() && self.operand_expected(p)) => {
                self.line_comment(p)
            }
            b'/' if n == b'*' => self.block_comment(p),
            b'.' if n.is_ascii_digit() => self.number(p),
            b'.' => self.tok(Kind::Dot, p, p + 1),
            // PostgreSQL containment and JSON path operators: @> @? @@
            b'@' if matches!(n, b'>' | b'?') || (n == b'@' && !is_word_byte(self.at(p + 2))) => {
                self.tok(Kind::Op(Op::Cmp), p, p + 2)
            }
            // PostgreSQL's `@` between operands (contained in). Where an
            // operand goes it is MySQL's user variable with the empty name
            // (`or@ group by`, `and @ is null`), which DIOS payloads use;
            // read so, PostgreSQL's prefix `@ -5` still parses.
            b'@' if (p + 1 == src.len() || is_space(n)) && self.after_operand() => {
                self.tok(Kind::Op(Op::Cmp), p, p + 1)
            }
            b'@' => self.variable(p),
            b'0'..=b'9' => self.number(p),
            b'$' if n == b'$' || n.is_ascii_alphabetic() || n == b'_' => self.dollar(p),
            _ if is_word_byte(c) => self.word(p),
            _ => self.operator(p),
        }
    }

    /// Whether the last token ends an operand, so that an infix operator
    /// may follow.
    fn after_operand(&self) -> bool {
        self.prev.is_some_and(|(k, _)| {
            matches!(
                k,
                Kind::Num
                    | Kind::Str
                    | Kind::StrOpen
                    | Kind::Word
                    | Kind::Var
                    | Kind::RParen
                    | Kind::RBracket
                    | Kind::Kw(Kw::Literal)
            )
        })
    }

    /// Whether `p` starts the value or follows a space or an operator, so
    /// that what starts there is an operand.
    fn operand_expected(&self, p: usize) -> bool {
        p == 0 || {
            let b = self.src[p - 1];
            is_space(b) || matches!(b, b'(' | b',' | b'=' | b'<' | b'>')
        }
    }

    /// Whether `\N` ending at `i` is MySQL's NULL: nothing of a word
    /// follows, or a whole keyword does (`\Nunion`, `\Nfrom`).
    fn null_at(&self, i: usize) -> bool {
        let s = self.src;
        let mut j = i;
        while j < s.len() && j - i < 12 && is_word_byte(s[j]) {
            j += 1;
        }
        j == i || (!is_word_byte(self.at(j)) && keywords::keyword(&s[i..j]).is_some())
    }

    /// `[` right after a name, `)` or `]` (`arr[1]`, `f(x)[1]`), or after
    /// `ARRAY` (`array ['a','b']`): a PostgreSQL subscript or array. After
    /// a keyword it stays MSSQL's quoted name (`select[name]from[t]`).
    fn subscript_at(&self, p: usize) -> bool {
        let Some((kind, end)) = self.prev else {
            return false;
        };
        match kind {
            Kind::Word => {
                let glued = end == p && !matches!(self.src[end - 1], b']' | b'`');
                let array = end >= 5
                    && self.src[end - 5..end].eq_ignore_ascii_case(b"array")
                    && (end == 5 || !is_word_byte(self.src[end - 6]));
                glued || array
            }
            Kind::RParen | Kind::RBracket => end == p,
            _ => false,
        }
    }

    /// MySQL's ODBC escape `{identifier expr}` (`{fn concat(a,b)}`, `{d
    /// '2001-01-01'}`, and any other name): it reads as `(expr)`. The name
    /// must be followed by a space, which templates (`{name}`) and JSON
    /// (`{"a":1}`) never are.
    fn odbc_escape(&mut self, p: usize) -> Option<Token> {
        let s = self.src;
        let mut i = p + 1;
        while self.space_at(i) {
            i += 1;
        }
        let name = i;
        while i < s.len() && i - name < 16 && s[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == name || !s[name].is_ascii_alphabetic() || !self.space_at(i) {
            return self.tok(Kind::Other, p, p + 1);
        }
        self.braces += 1;
        self.tok(Kind::LParen, p, i)
    }

    fn bracket(&mut self, p: usize) -> Option<Token> {
        // MSSQL [quoted identifier]: short, one line, no nested brackets.
        let rest = &self.src[p + 1..];
        let lim = rest.len().min(128);
        for (i, &b) in rest[..lim].iter().enumerate() {
            match b {
                b']' if i > 0 => return self.tok(Kind::Word, p, p + i + 2),
                b'[' | b']' | b'\n' | b'\'' | b'"' => break,
                _ => {}
            }
        }
        // `;truncate[xx`: a quoted name cut off by the end of the value,
        // which is all a probe needs to send.
        if rest.len() <= lim && rest.len() > 1 && rest.iter().all(|&b| is_word_byte(b)) {
            return self.tok(Kind::Word, p, self.src.len());
        }
        self.tok(Kind::Other, p, p + 1)
    }

    fn line_comment(&mut self, p: usize) -> Option<Token> {
        let end = memchr::memchr(b'\n', &self.src[p..]).map_or(self.src.len(), |o| p + o);
        self.tok(Kind::Comment(Cmt::Line), p, end)
    }

    fn block_comment(&mut self, p: usize) -> Option<Token> {
        let bang = self.at(p + 2) == b'!' || (self.at(p + 2) == b'M' && self.at(p + 3) == b'!');
        if bang && !self.exec_comment {
            // MySQL/MariaDB executable comment: the server runs what is
            // inside (after an optional version number), so lex it as code.
            let mut i = p + if self.at(p + 2) == b'M' { 4 } else { 3 };
            let mut digits = 0;
            while digits < 6 && self.at(i).is_ascii_digit() {
                i += 1;
                digits += 1;
            }
            self.exec_comment = true;
            self.exec_comments = self.exec_comments.saturating_add(1);
            self.pos = i;
            return self.next_token();
        }
        let Some(off) = search::find(&self.src[p + 2..], b"*/") else {
            return self.tok(Kind::Comment(Cmt::Open), p, self.src.len());
        };
        let mut end = p + 2 + off + 2;
        // PostgreSQL and MSSQL nest block comments: a `*/` left over
        // right after the first close (`union/*/**/*/select`) closes an
        // inner one, and the comment goes on to it. Elsewhere that `*/` is
        // a syntax error, so the reading hides nothing MySQL would run.
        if !self.exec_comment {
            loop {
                let mut j = end;
                while self.space_at(j) {
                    j += 1;
                }
                if self.at(j) != b'*' || self.at(j + 1) != b'/' {
                    break;
                }
                end = j + 2;
            }
        }
        self.tok(Kind::Comment(Cmt::Block), p, end)
    }

    fn variable(&mut self, p: usize) -> Option<Token> {
        let mut i = p + 1;
        if self.at(i) == b'@' {
            i += 1;
        }
        let q = self.at(i);
        if matches!(q, b'\'' | b'"' | b'`') {
            if let Some(end) = self.string_end(i + 1, q) {
                return self.tok(Kind::Var, p, end);
            }
        }
        while i < self.src.len() && (is_word_byte(self.src[i]) || self.src[i] == b'.') {
            i += 1;
        }
        self.tok(Kind::Var, p, i)
    }

    fn number(&mut self, p: usize) -> Option<Token> {
        let s = self.src;
        let mut i = p;
        // `1108_no_17`: MySQL reads digits glued to `_` and word bytes as
        // one identifier, as a column or id named so is.
        let digits = s[p..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && self.at(p + digits) == b'_' {
            let mut j = p + digits;
            while j < s.len() && is_word_byte(s[j]) {
                j += 1;
            }
            return self.tok(Kind::Word, p, j);
        }
        if s[i] == b'0' && matches!(self.at(i + 1), b'x' | b'X' | b'b' | b'B') {
            let hex = matches!(self.at(i + 1), b'x' | b'X');
            let mut j = i + 2;
            while j < s.len()
                && (if hex {
                    s[j].is_ascii_hexdigit()
                } else {
                    matches!(s[j], b'0' | b'1')
                })
            {
                j += 1;
            }
            if j > i + 2 {
                return self.tok(Kind::Num, p, j);
            }
        }
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        // `2999/**/999`: digits split by a short comment, which filters
        // that strip comments join again. Unstripped it is a syntax error,
        // so the joined reading hides nothing a server would run.
        while s[i..].starts_with(b"/*") && !s[i..].starts_with(b"/*!") {
            match self.splitter_end(i) {
                Some(close) if self.at(close).is_ascii_digit() => {
                    i = close;
                    while i < s.len() && s[i].is_ascii_digit() {
                        i += 1;
                    }
                    self.split_words = self.split_words.saturating_add(1);
                }
                _ => break,
            }
        }
        if self.at(i) == b'.' {
            i += 1;
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
        }
        if matches!(self.at(i), b'e' | b'E') {
            let mut j = i + 1;
            if matches!(self.at(j), b'+' | b'-') {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                while j < s.len() && s[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        // Oracle's BINARY_FLOAT / BINARY_DOUBLE suffix glued to a keyword
        // (`1FUNION SELECT`, `1dfrom dual`): the number ends after it.
        if matches!(self.at(i), b'f' | b'F' | b'd' | b'D') {
            let mut j = i + 1;
            while j < s.len() && is_word_byte(s[j]) && j - i < 8 {
                j += 1;
            }
            if matches!(
                keywords::keyword(&s[i + 1..j]),
                Some(Kw::Union | Kw::From | Kw::Select)
            ) {
                i += 1;
            }
        }
        self.tok(Kind::Num, p, i)
    }

    fn dollar(&mut self, p: usize) -> Option<Token> {
        // PostgreSQL $$...$$ or $tag$...$tag$ string.
        let s = self.src;
        let mut i = p + 1;
        while i < s.len() && i - p < 32 && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
            i += 1;
        }
        if self.at(i) != b'$' {
            return self.word(p);
        }
        let tag = &s[p..=i];
        match search::find(&s[i + 1..], tag) {
            Some(off) => self.tok(Kind::Str, p, i + 1 + off + tag.len()),
            None => self.tok(Kind::StrOpen, p, s.len()),
        }
    }

    fn word(&mut self, p: usize) -> Option<Token> {
        let s = self.src;
        let mut i = p;
        // A lone 0xa0 after an ASCII byte is not inside a UTF-8 letter: it
        // is Latin-1's no-break space, a separator (`OR\xa0'1'`).
        while i < s.len() && is_word_byte(s[i]) && !(i > p && s[i] == 0xa0 && s[i - 1] < 0x80) {
            i += 1;
        }
        let w = &s[p..i];
        // String prefixes: N'..', E'..', X'..', B'..', _utf8'..', Oracle q'[..]'.
        if matches!(self.at(i), b'\'' | b'"') {
            let q = self.at(i);
            if w.eq_ignore_ascii_case(b"q") && q == b'\'' {
                let open = self.at(i + 1);
                let close = match open {
                    b'[' => b']',
                    b'{' => b'}',
                    b'(' => b')',
                    b'<' => b'>',
                    o => o,
                };
                if open != 0 {
                    let mut j = i + 2;
                    while j + 1 < s.len() {
                        if s[j] == close && s[j + 1] == b'\'' {
                            return self.tok(Kind::Str, p, j + 2);
                        }
                        j += 1;
                    }
                    return self.tok(Kind::StrOpen, p, s.len());
                }
            }
            let prefix = matches!(w, b"n" | b"N" | b"e" | b"E" | b"x" | b"X" | b"b" | b"B")
                || (w.len() > 1 && w[0] == b'_');
            if prefix {
                return self.string(p, i + 1, q);
            }
        }
        // `UN/**/ION`, `un<>ion`: a comment or tag glued between two
        // halves of a keyword.
        if let Some(t) = self.glued(p, i) {
            return Some(t);
        }
        let mut kind = self.classify(w, i);
        if kind == Kind::Func(Func::Unknown) {
            if let Some(f) = self.package_before(p) {
                kind = Kind::Func(f);
            }
        }
        self.tok(kind, p, i)
    }

    /// The role of the Oracle package qualifying a routine that starts at
    /// `p` (`utl_http.` before `request(`): its routines are named by
    /// words of every language, the package says what they do.
    fn package_before(&self, p: usize) -> Option<Func> {
        let s = self.src;
        if p < 2 || s[p - 1] != b'.' {
            return None;
        }
        let end = p - 1;
        let mut start = end;
        while start > 0 && end - start < 24 && is_word_byte(s[start - 1]) {
            start -= 1;
        }
        keywords::package(&s[start..end])
    }

    /// Joins word halves split by comments, or by empty or junk tags, with
    /// no space around them when together they spell a keyword or function
    /// that neither half is: `UN/**/ION`, `un<>ion`, `sel<b>ect`. Servers
    /// and WAF bypasses that strip comments or tags leave the keyword.
    fn glued(&mut self, p: usize, mut i: usize) -> Option<Token> {
        let s = self.src;
        let mut buf = [0u8; 24];
        let mut len = i - p;
        if len > buf.len() || keywords::keyword(&s[p..i]).is_some() {
            return None;
        }
        self.splitter_end(i)?;
        buf[..len].copy_from_slice(&s[p..i]);
        // The longest run of halves that spells a name: `DR/**/OP/*x*/t`
        // is DROP, then a comment, then `t`.
        let mut best = None;
        while let Some(close) = self.splitter_end(i) {
            let mut j = close;
            while j < s.len() && is_word_byte(s[j]) {
                j += 1;
            }
            if j == close || len + (j - close) > buf.len() {
                break;
            }
            buf[len..len + j - close].copy_from_slice(&s[close..j]);
            len += j - close;
            i = j;
            let w = &buf[..len];
            if keywords::keyword(w).is_some() || keywords::function(w).is_some() {
                best = Some((len, i));
            }
        }
        let (len, i) = best?;
        self.split_words = self.split_words.saturating_add(1);
        let kind = self.classify(&buf[..len], i);
        self.tok(kind, p, i)
    }

    /// The end of what may split a keyword at `i`: a short block comment
    /// (not MySQL's `/*!`), a short HTML comment, or a tag that is empty
    /// or a bare name (`<>`, `<b>`, `</x>`). Only short splitters count:
    /// the bound keeps the scan linear on values full of unclosed `/*`.
    fn splitter_end(&self, i: usize) -> Option<usize> {
        let s = self.src;
        if s[i..].starts_with(b"/*") && !s[i..].starts_with(b"/*!") {
            let window = &s[i + 2..s.len().min(i + 2 + 64)];
            return Some(search::find(window, b"*/")? + i + 4);
        }
        if self.at(i) != b'<' {
            return None;
        }
        // An HTML comment: `un<!---->ion`.
        if s[i..].starts_with(b"<!--") {
            let window = &s[i + 4..s.len().min(i + 4 + 64)];
            return Some(search::find(window, b"-->")? + i + 7);
        }
        let mut j = i + 1;
        if self.at(j) == b'/' {
            j += 1;
        }
        let name = j;
        while j - name < 16 && self.at(j).is_ascii_alphanumeric() {
            j += 1;
        }
        (self.at(j) == b'>').then_some(j + 1)
    }

    /// Keyword, function or plain word, for a word ending at `end`.
    fn classify(&self, w: &[u8], end: usize) -> Kind {
        let mut j = end;
        loop {
            while self.space_at(j) {
                j += 1;
            }
            match self.noise_len(j) {
                0 => break,
                n => j += n,
            }
        }
        let kw = keywords::keyword(w);
        if self.at(j) == b'(' {
            if let Some(f) = keywords::function(w) {
                return Kind::Func(f);
            }
            return match kw {
                // `function(foo)::text`, `table(x)`: an object type is
                // grammar only after DROP or CREATE, never before `(`.
                // `print(x)`, `replace(` without a known meaning: calls.
                Some(Kw::ObjectType | Kw::Print | Kw::Replace) | None => Kind::Func(Func::Unknown),
                Some(k) => Kind::Kw(k),
            };
        }
        match kw {
            Some(k) => Kind::Kw(k),
            None => Kind::Word,
        }
    }

    /// `?` after a comparison, a connective, IS, `(` or `,` and before the
    /// end of an operand: a bind placeholder, not PostgreSQL's `?` between
    /// two operands (`data ? 'key'`) nor prose's question mark (`yours?`,
    /// `2+?`, `?` opening a value).
    fn placeholder_at(&self, p: usize) -> bool {
        let after_operator = self.prev.is_some_and(|(k, _)| {
            matches!(
                k,
                Kind::Op(Op::Cmp)
                    | Kind::LParen
                    | Kind::Comma
                    | Kind::Kw(Kw::And | Kw::Or | Kw::Xor | Kw::Not | Kw::Is | Kw::WordOp)
            )
        });
        let n = self.at(p + 1);
        let ends = p + 1 == self.src.len()
            || is_space(n)
            || matches!(n, b')' | b',' | b';' | b'-' | b'#' | b'/');
        after_operator && ends
    }

    fn operator(&mut self, p: usize) -> Option<Token> {
        let c = self.src[p];
        let n = self.at(p + 1);
        let two = [c, n];
        let (op, len) = match &two {
            b"<=" if self.at(p + 2) == b'>' => (Op::Cmp, 3),
            b"<=" | b">=" | b"<>" | b"!=" | b"==" | b"!<" | b"!>" | b":=" => (Op::Cmp, 2),
            b"<<" | b">>" => (Op::Arith, 2),
            // JSON operators: MySQL/PostgreSQL -> ->>, PostgreSQL <@ ?| ?&.
            b"->" if self.at(p + 2) == b'>' => (Op::Cmp, 3),
            b"->" | b"<@" | b"?|" | b"?&" => (Op::Cmp, 2),
            b"||" | b"&&" => (Op::Logic, 2),
            // PostgreSQL regex operators: ~* !~ !~*. (`~~` is its LIKE, and
            // also two bitwise NOTs: read as two `~`.)
            b"!~" | b"~*" => {
                let len = if two == *b"!~" && self.at(p + 2) == b'*' {
                    3
                } else {
                    2
                };
                (Op::Cmp, len)
            }
            b"::" => (Op::Cast, 2),
            _ => match c {
                b'=' | b'<' | b'>' => (Op::Cmp, 1),
                b'+' | b'-' => (Op::Sign, 1),
                b'*' | b'/' | b'%' | b'&' | b'|' | b'^' => (Op::Arith, 1),
                b'!' => (Op::Unary, 1),
                b'~' => (Op::Match, 1),
                // A bind placeholder where an operand goes (`' or ?--`,
                // `id is not ?`): a value, as the driver will fill it.
                b'?' if self.placeholder_at(p) => {
                    return self.tok(Kind::Kw(Kw::Literal), p, p + 1);
                }
                // PostgreSQL `jsonb ? 'key'`.
                b'?' => (Op::Cmp, 1),
                _ => return self.tok(Kind::Other, p, p + 1),
            },
        };
        self.tok(Kind::Op(op), p, p + len)
    }
}

/// The fingerprint of a value lexed from `start`: one character per token.
#[cfg(test)]
pub(crate) fn fingerprint(src: &[u8], start: Start) -> String {
    let mut lx = Lexer::new(src, start);
    let mut out = String::new();
    while let Some(t) = lx.next_token() {
        out.push(t.kind.code());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden token streams: `input => fingerprint` per line, lexed bare
    /// unless the line starts with `'|` or `"|` (a quoted start).
    #[test]
    fn golden_tokens() {
        let data = include_str!("../../../testdata/sqli/tokens.txt");
        let mut n = 0;
        for line in data.lines() {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let (input, want) = line.rsplit_once(" => ").expect("`input => fingerprint`");
            let (start, input) = if let Some(r) = input.strip_prefix("'|") {
                (Start::Single, r)
            } else if let Some(r) = input.strip_prefix("\"|") {
                (Start::Double, r)
            } else {
                (Start::Bare, input)
            };
            assert_eq!(fingerprint(input.as_bytes(), start), want, "input: {input}");
            n += 1;
        }
        assert!(n > 20);
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let inputs: [&[u8]; 16] = [
            b"\xff\xfe'\\",
            b"/*!",
            b"/*!12345",
            b"q'",
            b"q'[",
            b"$$",
            b"@'",
            b"0x",
            b"{a ",
            b"a[",
            b"a[1]]",
            b"}",
            b"1f",
            b"~",
            b"@",
            b"`",
        ];
        for i in inputs {
            for s in [Start::Bare, Start::Single, Start::Double, Start::Backtick] {
                let _ = fingerprint(i, s);
            }
        }
    }
}
