//! A small recursive-descent reader of SQL expressions and statements over a
//! folded token slice. It does not build a tree: it answers "is this valid
//! SQL from here, and how far does it go", and notes what it met (a
//! comparison, a function of interest, a subquery). Validity is what tells
//! an injected expression from prose that merely holds SQL words.

use super::keywords::{Func, Kw};
use super::lexer::{Kind, Op, Token};

/// What a parse met on its way.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Info {
    /// Comparisons (`=`, `LIKE`, `IS NULL`, `IN (...)`, `BETWEEN`).
    pub cmp: u16,
    /// Boolean connectives.
    pub logic: u16,
    /// Comparisons of two literals (`1=1`, `'a'='a'`): tautologies and
    /// contradictions, which real queries never need.
    pub lit_cmp: u16,
    /// Variables (`@@version`).
    pub vars: u16,
    /// PostgreSQL `::type` casts.
    pub casts: u16,
    /// CASE expressions.
    pub cases: u16,
    /// Binary operators of any kind.
    pub ops: u16,
    /// Function calls.
    pub calls: u16,
    /// Calls of functions injections rely on (not `Func::Unknown`).
    pub known_calls: u16,
    /// Parenthesized SELECTs.
    pub subqueries: u16,
    /// Literal keywords (NULL, TRUE...).
    pub literals: u16,
    /// Token index of the first time-delay call, when its arguments parsed.
    pub blind: Option<usize>,
    /// Token index of the first error-based call.
    pub error: Option<usize>,
    /// Token index of the first file / command / network call.
    pub system: Option<usize>,
    /// An argument list had to be skipped without being understood.
    pub loose: bool,
}

/// Nesting bound: keeps recursion shallow whatever the input.
const MAX_DEPTH: u8 = 24;

#[derive(Clone, Debug)]
pub(crate) struct Parser<'t> {
    pub t: &'t [Token],
    pub i: usize,
    pub info: Info,
    /// The token slice was cut at the cap: running out of tokens is not the
    /// end of the value, so an operand may still follow.
    pub cut: bool,
    /// IS reads any operand, as SQLite's does: set where only SQL can put
    /// IS (right after a quote break), never for prose's "is 5".
    pub is_any: bool,
    depth: u8,
}

fn is_kw(k: Option<Kind>, kw: Kw) -> bool {
    k == Some(Kind::Kw(kw))
}

impl<'t> Parser<'t> {
    pub(crate) fn new(t: &'t [Token], i: usize) -> Parser<'t> {
        Parser {
            t,
            i,
            info: Info::default(),
            cut: false,
            is_any: false,
            depth: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<Kind> {
        self.t.get(self.i).map(|t| t.kind)
    }

    pub(crate) fn peek_at(&self, n: usize) -> Option<Kind> {
        self.t.get(self.i + n).map(|t| t.kind)
    }

    pub(crate) fn eat(&mut self, k: Kind) -> bool {
        if self.peek() == Some(k) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_kw(&mut self, kw: Kw) -> bool {
        self.eat(Kind::Kw(kw))
    }

    pub(crate) fn at_end(&self) -> bool {
        self.i >= self.t.len()
    }

    /// Runs `f`; on failure restores the position (the info it gathered is
    /// kept only on success).
    fn attempt(&mut self, f: impl FnOnce(&mut Self) -> bool) -> bool {
        let (i, info) = (self.i, self.info);
        if f(self) {
            true
        } else {
            self.i = i;
            self.info = info;
            false
        }
    }

    /// Unary prefixes: `-`, `+`, `!`, `~`, NOT, BINARY, `@` casts.
    fn prefixes(&mut self) {
        while let Some(k) = self.peek() {
            let unary = matches!(
                k,
                Kind::Op(Op::Unary | Op::Sign | Op::Match)
                    | Kind::Kw(Kw::Not | Kw::Binary | Kw::Distinct)
            );
            if !unary {
                break;
            }
            self.i += 1;
        }
    }

    /// One operand with its prefixes and postfixes.
    pub(crate) fn operand(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        let ok = self.operand_inner();
        self.depth -= 1;
        ok
    }

    fn operand_inner(&mut self) -> bool {
        self.prefixes();
        let Some(k) = self.peek() else {
            return self.cut;
        };
        match k {
            Kind::Num => self.i += 1,
            Kind::Var => {
                self.i += 1;
                self.info.vars += 1;
            }
            Kind::Kw(Kw::Literal) => {
                self.i += 1;
                self.info.literals += 1;
            }
            Kind::Word | Kind::Kw(Kw::ObjectType) => {
                self.i += 1;
                // Qualified names: db.table.column, dbms_pipe.receive_message(.
                while self.peek() == Some(Kind::Dot) {
                    match self.peek_at(1) {
                        Some(Kind::Word | Kind::Kw(_)) => self.i += 2,
                        Some(Kind::Op(Op::Arith)) => self.i += 2, // t.*
                        Some(Kind::Func(_)) => {
                            self.i += 1;
                            return self.call() && self.postfixes();
                        }
                        _ => break,
                    }
                }
                // MSSQL master..xp_cmdshell
                self.full_text();
            }
            Kind::Str => {
                while matches!(self.peek(), Some(Kind::Str)) {
                    self.i += 1;
                }
                // Adjacent literals concatenate; the last may be left open.
                self.eat(Kind::StrOpen);
            }
            Kind::StrOpen => self.i += 1,
            Kind::Func(_) => {
                if !self.call() {
                    return false;
                }
                // `MATCH (a, b) AGAINST (...)` lexes as a call first.
                self.against();
            }
            Kind::LParen => {
                self.i += 1;
                if !self.paren_body() {
                    return false;
                }
            }
            Kind::Kw(Kw::Case) => {
                if !self.case() {
                    return false;
                }
                self.info.cases += 1;
            }
            Kind::Kw(Kw::Exists) => {
                self.i += 1;
                return self.operand();
            }
            // SQLite's `glob(pattern, x)`, `like(...)`; MySQL's `mod(a, b)`:
            // a word operator called as a function.
            Kind::Kw(Kw::WordOp) if self.peek_at(1) == Some(Kind::LParen) => {
                self.i += 2;
                self.info.calls += 1;
                self.info.known_calls += 1;
                if !self.attempt(|p| p.args()) {
                    self.skip_balanced();
                    self.info.loose = true;
                }
            }
            Kind::Kw(Kw::Interval) => {
                self.i += 1;
                if !self.operand() {
                    return false;
                }
                if matches!(self.peek(), Some(Kind::Word)) {
                    self.i += 1;
                }
            }
            Kind::Kw(Kw::Select) => {
                // A bare SELECT as an operand is only valid where a subquery
                // may stand without parentheses; callers that allow it call
                // `select` themselves.
                return false;
            }
            _ => return false,
        }
        self.postfixes()
    }

    /// MySQL `MATCH (a, b) AGAINST ('x' IN BOOLEAN MODE)` after the word
    /// MATCH: a full-text comparison, read as a call. Nothing is consumed
    /// unless AGAINST follows the columns.
    fn full_text(&mut self) {
        let save = self.i;
        let cols = if self.eat(Kind::LParen) {
            let mut ok = self.eat(Kind::Word);
            while ok && self.eat(Kind::Comma) {
                ok = self.eat(Kind::Word);
            }
            ok && self.eat(Kind::RParen)
        } else {
            self.eat(Kind::Word)
        };
        if !cols || !self.against() {
            self.i = save;
        }
    }

    /// `AGAINST (...)` after MATCH's columns: skipped whole, counted as a
    /// comparison over a SQL built-in.
    fn against(&mut self) -> bool {
        if self.peek() != Some(Kind::Kw(Kw::Against)) || self.peek_at(1) != Some(Kind::LParen) {
            return false;
        }
        self.i += 2;
        self.skip_balanced();
        self.info.calls += 1;
        self.info.known_calls += 1;
        self.info.cmp += 1;
        true
    }

    /// After `(`: a subquery or an expression list, then `)`. An unclosed
    /// parenthesis at the very end is accepted: the app's query closes it.
    fn paren_body(&mut self) -> bool {
        if self.eat(Kind::RParen) {
            return true;
        }
        if is_kw(self.peek(), Kw::Select) {
            if !self.select() {
                return false;
            }
            self.info.subqueries += 1;
        } else {
            if !self.expr() {
                return false;
            }
            while self.eat(Kind::Comma) {
                if !self.expr() {
                    return false;
                }
            }
        }
        self.eat(Kind::RParen) || self.at_end()
    }

    pub(crate) fn postfixes(&mut self) -> bool {
        loop {
            match self.peek() {
                Some(Kind::Op(Op::Cast)) => {
                    self.i += 1;
                    self.info.casts += 1;
                    if !matches!(self.peek(), Some(Kind::Word | Kind::Kw(_) | Kind::Func(_))) {
                        return false;
                    }
                    if matches!(self.peek(), Some(Kind::Func(_))) {
                        if !self.call() {
                            return false;
                        }
                    } else {
                        self.i += 1;
                        // Two-word types: `::double precision`, `::character
                        // varying`.
                        self.eat_kw(Kw::TypeTail);
                    }
                }
                Some(Kind::LBracket) => {
                    // `arr[1]`, `array['a','b']`, `x[1][2]`.
                    self.i += 1;
                    if !self.eat(Kind::RBracket) {
                        if !self.expr() {
                            return false;
                        }
                        while self.eat(Kind::Comma) {
                            if !self.expr() {
                                return false;
                            }
                        }
                        if !self.eat(Kind::RBracket) && !self.at_end() {
                            return false;
                        }
                    }
                }
                // Oracle's object methods on a call's result:
                // `httpuritype('...').getclob()`, `xmltype(x).getstringval()`.
                Some(Kind::Dot)
                    if matches!(self.peek_at(1), Some(Kind::Func(_)))
                        && self.i > 0
                        && self.t[self.i - 1].kind == Kind::RParen =>
                {
                    self.i += 1;
                    if !self.call() {
                        return false;
                    }
                }
                Some(Kind::Kw(Kw::Collate)) => {
                    self.i += 1;
                    if !self.eat(Kind::Word) && !self.eat(Kind::Str) {
                        return false;
                    }
                    self.info.ops += 1;
                }
                Some(Kind::Kw(Kw::NotNull)) => {
                    self.i += 1;
                    self.info.cmp += 1;
                }
                Some(Kind::Kw(Kw::Escape)) => {
                    self.i += 1;
                    if !self.operand() {
                        return false;
                    }
                }
                Some(Kind::Kw(Kw::Is)) => {
                    self.i += 1;
                    self.eat_kw(Kw::Not);
                    // `IS [NOT] DISTINCT FROM x`; SQLite's `IS [NOT]`
                    // compares any two values (`id is not -id`).
                    if self.peek() == Some(Kind::Kw(Kw::Distinct))
                        && self.peek_at(1) == Some(Kind::Kw(Kw::From))
                    {
                        self.i += 2;
                    }
                    // A word or number after IS is prose ("she is fine", "it
                    // is 5 for you"): SQLite's form counts only with a quoted
                    // string or a signed operand (`id is not -id`).
                    let value_like = matches!(
                        self.peek(),
                        Some(Kind::Str | Kind::Op(Op::Sign | Op::Unary | Op::Match))
                    ) || (self.is_any && self.peek() == Some(Kind::Num));
                    if !(self.eat_kw(Kw::Literal) || (value_like && self.operand())) {
                        return false;
                    }
                    self.info.cmp += 1;
                }
                _ => return true,
            }
        }
    }

    /// A function call: name, `(`, arguments, `)`.
    fn call(&mut self) -> bool {
        let at = self.i;
        let Some(Kind::Func(f)) = self.peek() else {
            return false;
        };
        self.i += 1;
        if !self.eat(Kind::LParen) {
            // The window cut between the name and its `(`.
            return self.cut && self.at_end();
        }
        self.info.calls += 1;
        if f != Func::Unknown {
            self.info.known_calls += 1;
        }
        // `BENCHMARK(1000000, ...)`: a count first is the delay, whatever
        // garbage the rest of the arguments hold.
        let counted = self.peek() == Some(Kind::Num) && self.peek_at(1) == Some(Kind::Comma);
        let strict = self.attempt(|p| p.args());
        if !strict {
            self.skip_balanced();
            self.info.loose = true;
        }
        let slot = match f {
            Func::Blind if strict || counted => &mut self.info.blind,
            Func::Error => &mut self.info.error,
            Func::System => &mut self.info.system,
            _ => return true,
        };
        slot.get_or_insert(at);
        true
    }

    /// Function arguments, strictly: expressions, subqueries, `*`, and the
    /// keyword forms of CAST/CONVERT/SUBSTRING/TRIM/GROUP_CONCAT.
    fn args(&mut self) -> bool {
        if self.eat(Kind::RParen) {
            return true;
        }
        loop {
            self.eat_kw(Kw::Distinct);
            self.eat_kw(Kw::All);
            let ok = if is_kw(self.peek(), Kw::Select) {
                self.info.subqueries += 1;
                self.select()
            } else if self.peek() == Some(Kind::Op(Op::Arith))
                && matches!(self.peek_at(1), Some(Kind::RParen | Kind::Comma))
            {
                self.i += 1; // count(*)
                true
            } else {
                self.expr()
            };
            if !ok {
                return false;
            }
            // CAST(x AS type), CONVERT(x USING cs), SUBSTRING(x FROM 1 FOR 2),
            // GROUP_CONCAT(x ORDER BY y SEPARATOR z), POSITION(a IN b).
            while let Some(Kind::Kw(Kw::As | Kw::Using | Kw::From | Kw::For | Kw::Order | Kw::By)) =
                self.peek()
            {
                self.i += 1;
                if matches!(self.peek(), Some(Kind::Word | Kind::Kw(_))) {
                    self.i += 1;
                    if self.eat(Kind::LParen) {
                        self.skip_balanced();
                    }
                } else if !self.operand() {
                    return false;
                }
            }
            if matches!(self.peek(), Some(Kind::Word)) {
                // SEPARATOR 'x', or a type name after AS.
                self.i += 1;
                let _ = self.operand();
            }
            if self.eat(Kind::Comma) {
                continue;
            }
            return self.eat(Kind::RParen) || self.at_end();
        }
    }

    /// Skips to just after the `)` that closes the current parenthesis.
    fn skip_balanced(&mut self) {
        let mut depth = 1u32;
        while let Some(k) = self.peek() {
            self.i += 1;
            match k {
                Kind::LParen => depth += 1,
                Kind::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn case(&mut self) -> bool {
        self.i += 1;
        // A value cut off right after CASE (`SELECT (CASE`).
        if self.cut && self.at_end() {
            return true;
        }
        if !is_kw(self.peek(), Kw::When) && !self.expr() {
            return false;
        }
        let mut whens = 0;
        while self.eat_kw(Kw::When) {
            if !self.expr() {
                return false;
            }
            // Cut off after the condition: `CASE WHEN (1=1`.
            if self.cut && self.at_end() {
                return true;
            }
            if !self.eat_kw(Kw::Then) || !self.expr() {
                return false;
            }
            whens += 1;
        }
        if whens == 0 {
            return false;
        }
        if self.eat_kw(Kw::Else) && !self.expr() {
            return false;
        }
        self.eat_kw(Kw::End) || self.at_end()
    }

    /// A binary operator, if one is next; consumes it.
    pub(crate) fn binop(&mut self) -> bool {
        let Some(k) = self.peek() else { return false };
        match k {
            Kind::Op(Op::Cmp | Op::Match) => self.info.cmp += 1,
            Kind::Op(Op::Logic) => self.info.logic += 1,
            Kind::Op(Op::Arith | Op::Sign) => {}
            Kind::Kw(Kw::And | Kw::Or | Kw::Xor) => self.info.logic += 1,
            Kind::Kw(Kw::WordOp) => self.info.cmp += 1,
            // `a ! = b`, `a ! ALL (SELECT ...)`: MySQL's `!=` with the space
            // filters look for missing, or before a quantified subquery.
            // The `=` or ALL is consumed below.
            Kind::Op(Op::Unary)
                if matches!(self.peek_at(1), Some(Kind::Op(Op::Cmp) | Kind::Kw(Kw::All))) =>
            {
                self.i += 1;
                self.info.cmp += 1;
            }
            Kind::Kw(Kw::Similar) => {
                // PostgreSQL `SIMILAR TO`: the lexer knows TO as a word.
                self.i += 1;
                self.info.cmp += 1;
                return self.eat(Kind::Word);
            }
            Kind::Kw(Kw::Sounds) => {
                self.i += 1;
                self.info.cmp += 1;
                return self.eat_kw(Kw::WordOp);
            }
            Kind::Kw(Kw::Not) => {
                // NOT LIKE / NOT IN / NOT BETWEEN
                match self.peek_at(1) {
                    Some(Kind::Kw(Kw::WordOp | Kw::In | Kw::Between | Kw::Similar)) => {
                        self.i += 1;
                        return self.binop();
                    }
                    _ => return false,
                }
            }
            Kind::Kw(Kw::In) => {
                self.info.cmp += 1;
                self.i += 1;
                // The list is the following operand: `IN (1,2)`.
                return matches!(self.peek(), Some(Kind::LParen | Kind::Var | Kind::Word));
            }
            Kind::Kw(Kw::Between) => {
                // The bounds are arithmetic: `BETWEEN 2-1 AND 4-1`.
                self.info.cmp += 1;
                self.i += 1;
                if !self.operand() {
                    return false;
                }
                while matches!(self.peek(), Some(Kind::Op(Op::Arith | Op::Sign))) {
                    self.i += 1;
                    if !self.operand() {
                        return false;
                    }
                }
                return self.eat_kw(Kw::And);
            }
            _ => return false,
        }
        self.i += 1;
        self.info.ops += 1;
        // `a = ANY (...)`, `a > ALL (...)`
        self.eat_kw(Kw::All);
        true
    }

    /// `... ) AND expr`: the app's parenthesis closed, then more logic
    /// (`1=1) and 7=ascii(...)`). Consumes nothing unless one follows.
    pub(crate) fn logic_after_close(&mut self) {
        loop {
            let save = (self.i, self.info);
            let mut closed = false;
            while self.eat(Kind::RParen) {
                closed = true;
            }
            let logic = matches!(
                self.peek(),
                Some(Kind::Kw(Kw::And | Kw::Or | Kw::Xor) | Kind::Op(Op::Logic))
            );
            if closed && logic {
                self.i += 1;
                self.info.logic += 1;
                if self.expr() {
                    continue;
                }
            }
            self.i = save.0;
            self.info = save.1;
            return;
        }
    }

    /// GROUP BY / ORDER BY / HAVING clauses after an expression, read for
    /// what they hold (`or 1 group by concat(version(),rand(0)) having
    /// min(0)`). True when at least one parsed; stops before what does not.
    pub(crate) fn grouping(&mut self) -> bool {
        let mut any = false;
        loop {
            let ok = self.attempt(|p| match p.peek() {
                Some(Kind::Kw(Kw::Group | Kw::Order)) if is_kw(p.peek_at(1), Kw::By) => {
                    p.i += 2;
                    if !p.expr() {
                        return false;
                    }
                    while p.eat(Kind::Comma) {
                        if !p.expr() {
                            return false;
                        }
                    }
                    p.eat_kw(Kw::Asc);
                    true
                }
                Some(Kind::Kw(Kw::Having)) => {
                    p.i += 1;
                    p.expr()
                }
                _ => false,
            });
            if !ok {
                return any;
            }
            any = true;
        }
    }

    /// operand (binop operand)*
    pub(crate) fn expr(&mut self) -> bool {
        let at = self.i;
        if !self.operand() {
            return false;
        }
        let lit = self.literal_since(at);
        self.expr_tail_from(lit)
    }

    /// Whether the operand read from `at` was one literal (`1`, `'a'`).
    fn literal_since(&self, at: usize) -> bool {
        // Signs and parentheses around one literal: `-1`, `(1)`, `('a')`.
        let mut lits = 0;
        for t in &self.t[at..self.i] {
            match t.kind {
                Kind::Op(Op::Sign | Op::Unary | Op::Match) | Kind::LParen | Kind::RParen => {}
                Kind::Num | Kind::Str | Kind::StrOpen | Kind::Kw(Kw::Literal) => lits += 1,
                _ => return false,
            }
        }
        lits == 1
    }

    /// (binop operand)* after an operand already read.
    pub(crate) fn expr_tail(&mut self) -> bool {
        self.expr_tail_from(false)
    }

    fn expr_tail_from(&mut self, mut prev_lit: bool) -> bool {
        loop {
            let save = (self.i, self.info);
            if !self.binop() {
                return true;
            }
            let cmp = self.info.cmp > save.1.cmp;
            let at = self.i;
            if !self.operand() {
                // `1 --` is handled by the caller; a dangling operator is not
                // an expression.
                self.i = save.0;
                self.info = save.1;
                return false;
            }
            let lit = self.literal_since(at);
            if cmp && lit && prev_lit {
                self.info.lit_cmp += 1;
            }
            prev_lit = lit;
        }
    }

    /// SELECT [DISTINCT|ALL|TOP n] items [clauses...]. Clauses after the
    /// items are skipped leniently: once the select list parsed, the
    /// statement is recognized.
    pub(crate) fn select(&mut self) -> bool {
        if !self.eat_kw(Kw::Select) {
            return false;
        }
        self.select_items()
    }

    pub(crate) fn select_items(&mut self) -> bool {
        loop {
            match self.peek() {
                Some(Kind::Kw(Kw::Distinct | Kw::All)) => self.i += 1,
                Some(Kind::Kw(Kw::Top)) => {
                    self.i += 1;
                    if !self.operand() {
                        return false;
                    }
                }
                _ => break,
            }
        }
        loop {
            if self.peek() == Some(Kind::Op(Op::Arith)) {
                self.i += 1; // *
            } else if !self.expr() {
                return false;
            }
            // Juxtaposed values: MSSQL `a+':'+b` once `+` decoded to space.
            // A word of prose before `(` (`a size (small`) is no call.
            // A subquery joins the run too: `CHAR(113) (SELECT ...)`.
            while matches!(
                self.peek(),
                Some(
                    Kind::Str | Kind::Func(Func::Known | Func::Blind | Func::Error | Func::System)
                )
            ) || (self.peek() == Some(Kind::LParen) && is_kw(self.peek_at(1), Kw::Select))
            {
                if !self.expr() {
                    return false;
                }
            }
            // Alias, with or without AS.
            if self.eat_kw(Kw::As) {
                if !self.eat(Kind::Word) && !self.eat(Kind::Str) && !self.at_end() {
                    return false;
                }
            } else if matches!(
                self.peek(),
                Some(Kind::Word | Kind::Str | Kind::Kw(Kw::ObjectType))
            ) {
                self.i += 1;
            }
            if !self.eat(Kind::Comma) {
                break;
            }
        }
        self.clauses();
        true
    }

    /// Skips FROM/WHERE/GROUP BY/... up to the end, an unmatched `)`, `;` or
    /// a set operator, keeping count of parentheses.
    fn clauses(&mut self) {
        if !matches!(
            self.peek(),
            Some(Kind::Kw(
                Kw::From
                    | Kw::Where
                    | Kw::Group
                    | Kw::Order
                    | Kw::Having
                    | Kw::Limit
                    | Kw::Into
                    | Kw::Procedure
                    | Kw::For
                    | Kw::Offset
            ))
        ) {
            return;
        }
        let mut depth = 0u32;
        while let Some(k) = self.peek() {
            match k {
                Kind::LParen => depth += 1,
                Kind::RParen if depth == 0 => return,
                Kind::RParen => depth -= 1,
                Kind::Semi | Kind::Kw(Kw::Union | Kw::SetOp) if depth == 0 => return,
                Kind::Func(_) => {
                    let _ = self.call();
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
    }
}
