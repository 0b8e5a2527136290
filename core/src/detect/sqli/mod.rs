//! SQL injection.
//!
//! The value is lexed as SQL in each context the app may have put it in:
//! as-is (a number, a clause), inside `'...'`, `"..."` and `` `...` `` (a
//! value opening with a backtick is Markdown's inline code there: fragment
//! rules only), and the quoted ones again with MySQL's backslash escapes
//! when the value holds `\'` or `\"`. In a quoted context the first token
//! is the string the attacker closes (the break). A value with typographic
//! quotes (`’`, `‘`, `“`...) is read a second time with them as ASCII
//! quotes, which best-fit charset conversion makes them. Comments used as
//! whitespace are folded away; what follows the break must then read as
//! valid SQL that changes the query, which prose with an apostrophe or a
//! keyword never does.
//!
//! Rules (stable ids), score 10 unless said otherwise:
//! - `sqli.tautology`: break, OR/XOR/`||`, an expression reaching a clean end
//!   (`' OR 1=1--`, `' or 'a'='a`, `1 or true`, `' or 1`); a list holding a
//!   literal compared with itself (`b,1=1`, `'x', '1'='1'`). The expression
//!   may close the app's parenthesis and go on (`1=1) and 2=ascii(...)`),
//!   lead into GROUP BY / HAVING (read for what they hold), or end in a
//!   dangling operator once proven (`substring(@@version,1,1)=5//x`).
//!   Comments between tokens (`14/**/or(1)`), `/*!` or a keyword split by
//!   a comment or tag (`o/**/r`, `sel<b>ect`) make it structured. Also a
//!   SELECT ... FROM without parentheses after the connective, the rest
//!   commented (`1 or select a from t --`), and, after any value, a
//!   comparison with a server variable ending the value (`x,2 or
//!   1=@@version`).
//! - `sqli.boolean`: the same with AND/`&&` (`' AND 1=2`, `1 and 1=1`).
//!   A bare number joined to a bare operand (`5 and 6`) scores 3.
//! - `sqli.operator_chain`: break followed by an operator and an expression
//!   holding a call, a subquery or a boolean (`1'+(select 1)+'`), or one
//!   that reopens the app's string (`' - '`); a lone comparison after a
//!   quote break (`x' = 'y'`) scores 4. A literal tested against a range
//!   whose bounds are that same literal (`1 between 1 and 1`) is sure.
//! - `sqli.union`: UNION [ALL|DISTINCT] SELECT after a value, or with a
//!   select list that cannot be prose; a bare `1 union` scores 4. The same
//!   for INTERSECT / EXCEPT / MINUS, also opening a value (`except select
//!   1,2`), and with a VALUES row (`except values(1,2)`: 6 opening a value).
//! - `sqli.stacked`: a statement after `;` or straight after a break
//!   (`; DROP TABLE t`, `; exec xp_cmdshell`, `;DECLARE @x`, `1 update t
//!   set`, `;IF 1=1 ...`, `;REPLACE t (a) VALUES ...`, `;PRINT @@version`,
//!   `;DECLARE c CURSOR FOR ...`, MySQL's `;IF((1=2),...` and `;DO (1=1)`
//!   over literals, `;DROP t --` without its object type, MySQL's
//!   `;SET GLOBAL general_log=ON`, `;RENAME TABLE a TO b`, `;LOCK TABLES
//!   t WRITE`, `;HANDLER t READ FIRST`, `;KILL QUERY 7 --`, `;CALL
//!   sys.exec(...)`),
//!   or a value that is such a statement, also DDL after one or two stray
//!   bytes (`/CREATE TABLE t`, `>drop table t`); a stacked SELECT cut off
//!   inside a CASE or subquery (`;SELECT (CASE`).
//! - `sqli.comment_truncation`: a break, optional `)`, then a comment
//!   swallowing the rest of the query (`admin'--`, `admin')#`, `' /*`);
//!   4 when the broken-out text holds spaces (prose with a stray quote).
//!   A number or variable alone, then an empty comment set apart by a
//!   space (`8812 --`, `@v /*`), or one naming MSSQL's `sp_password`
//!   anywhere, which hides the statement from its log: 6.
//! - `sqli.clause`: ORDER BY / GROUP BY [WITH ROLLUP] / HAVING /
//!   PROCEDURE right after a break (`' order by 3--`, `1 order by 5`,
//!   `17,23 order by 16`, `' having 1--` with the rest commented away),
//!   or PROCEDURE after a LIMIT (`1 limit 1,1 procedure analyse(...)`); the
//!   app's parenthesis closed after a value, then `FROM t WHERE` a
//!   condition (`1) from users where name='x')`; cut after its operator,
//!   `1) FROM t WHERE c=`: 6); a WHERE right after a value, comparing
//!   over literals or SQL calls or commenting the rest away (`3 where
//!   t.id=3/*`): the rows an UPDATE or DELETE touches.
//! - `sqli.expression`: a value that is by itself a subquery or query with
//!   code in it (`(select id from users limit 1)`, `( 1 OR @a ) --`,
//!   `ascii(substring(version(),1,1))`, `f(pw)::int`, `1=1`); a plain
//!   `select a from b where c = 1` (how some APIs take queries) scores 4
//!   (6 when a list of literals ends at an open WHERE: `select 1 from t
//!   where`),
//!   unless it carries an evasion (a `/*!` comment, mixed-case keywords, a
//!   keyword split by a comment or tag, a hex string `0x726f6f74`) or a
//!   range whose bounds are one literal (`between 'q' and 'q'`).
//!   `IN (SELECT ... WHERE <condition>)`. A list whose items hide a
//!   boolean oracle (`X,IIF(1=2,X,1/0)`, `X,(SELECT (CASE WHEN ...))`,
//!   `X DESC,1/(CASE WHEN 1=1 THEN 1 ELSE 0 END)`).
//!   Anywhere in a value, a SELECT of SQL built-ins from a table that
//!   comments the rest away (`... select concat(a,0x3a,b) from t limit
//!   1/*`).
//! - `sqli.expression` / `sqli.assignment`: an INSERT's VALUES row or an
//!   UPDATE's SET list carried on past a break: reading data (`x',
//!   (select password from users))--`, `x',(select @@version),'y`), a
//!   row more with the rest commented (`'), ('admin','x')--`, `', 1)--`),
//!   or a column assigned (`sqli.assignment`: `x', is_admin=1 where
//!   id=5--`, `x', role='admin`).
//! - `sqli.blind`: time delays with numeric arguments: SLEEP, BENCHMARK,
//!   PG_SLEEP, RANDOMBLOB, DBMS_PIPE.RECEIVE_MESSAGE, WAITFOR DELAY '...',
//!   and the lock waits and interval sleeps (GET_LOCK, PG_SLEEP_FOR);
//!   also pasted right after a quote break, alone or joined by `.` (`x'
//!   sleep(10) '`, `x'.sleep(9).'`); BENCHMARK with a count first, whatever
//!   its other arguments.
//! - `sqli.error_based`: EXTRACTVALUE, UPDATEXML, GTID_SUBSET, XMLTYPE...
//!   called where an expression goes.
//! - `sqli.system`: file, command and network access (LOAD_FILE, INTO
//!   OUTFILE, xp_cmdshell, UTL_HTTP, lo_get...; any routine of Oracle's
//!   network and file packages: `utl_http.request(`, `dbms_ldap.init(`);
//!   EXEC of a system procedure wherever it stands (`1 UNION exec
//!   master..xp_cmdshell`); MSSQL's stacked `BACKUP DATABASE x TO DISK =
//!   '...'` and `BULK INSERT t FROM '...'`.
//!
//! Fragment tier (score 6, or 5 where said; `Low` sensitivity drops them):
//! values that are nothing but a piece of SQL. Each needs SQL-specific
//! evidence that prose and machine values lack; see `fragment`.
//! - `sqli.function`: an opened call of a SQL-specific built-in as the whole
//!   value or ending a select list (`concat(`, `db_name (`, `select
//!   1,user(`); generic names shared with spreadsheets, CSS and other
//!   languages (`count(`, `abs(`, `max(`, `round(`, `md5(`) score 4.
//!   Closed calls (`abs(x)`, `calc(...)`, `rgba(...)`) are not fragments,
//!   except after a leading comma (`, find_in_set('2', c)`). A keyword or
//!   function split from its `(` by a comment (`IN/**/(`); `select
//!   pg_sleep`, a delay function named without its call.
//! - `sqli.schema`: a system catalog after FROM/JOIN or qualified in a
//!   query (`FROM information_schema.tables`, Firebird's `FROM
//!   rdb$relations`: 10); a value that is only a catalog name
//!   (`information_schema`, `pg_catalog`, `sysobjects`, `v$version`): 5.
//!   Plain database names (`msdb`, `tempdb`, `mysql.db`) are not flagged:
//!   file and host names look the same.
//! - `sqli.system`: a value that is only a system procedure or OLE DB
//!   provider name (`xp_cmdshell`, `sp_executesql`, `utl_http`,
//!   `msdasql`), bare or quoted: 5. Quoted catalog names likewise.
//! - `sqli.tautology`: a connective, an operand and a dangling operator, a
//!   `(` or the app's quote at the end (`' or 1=`, `xor 'b' >`, `AND
//!   5512=(`, `or name = '`, `and 1=1'`); 6 after a quote break of a single
//!   value, 5 at the start of an unquoted value, where a bare word operand
//!   must look like code (`backend_layout!=`), not prose (`and more >`);
//!   HAVING and MySQL's `IF(` open it there too (`HAVING 1=`, `if(2=`).
//! - `sqli.clause`: `ORder by` alone in mixed case (6); `) AS alias FROM`
//!   (a leading `)` or a quoted alias, which may run on into the app's
//!   text), the same after a quote break
//!   (`` ` AS `uid` FROM ``), `FROM` a dotted/backticked table or a
//!   subquery up to a final LIMIT, or `FROM t WHERE a = b;` (also with
//!   the next parameter glued on: `...;&sql_delimit`), `HAVING
//!   COUNT(x) > 5`, MySQL's `procedure analyse(`.
//! - `sqli.stacked`: a quote break then `;` and the end or a comment
//!   (`admin';`, `x';#`), `;SELECT word` or `;print'`; a leading `;` and a statement
//!   head (`; insert into`, `;update t`, `;SET @v`, `;drop table t`), or
//!   the statement keyword alone (`; select`, `;drop`);
//!   `DROP name` with a truncating or splitting comment.
//! - `sqli.expression`: a PostgreSQL cast to a SQL type (`password::int`,
//!   `1+session_user::text`), also of a parenthesized call after the app's
//!   text (`...(f(x)::jsonb)::int`); a SELECT cut off mid-expression holding a
//!   subquery, CASE or SQL-specific call (`SELECT 'a'||(SELECT (CASE`), or a
//!   subquery opened where a value goes (`in ( select * from`, `@v :=
//!   (select`, `(select` alone); MySQL's `1.e(` scientific-notation noise next to SQL
//!   built-ins (10). `) WHEN 1 THEN`: a CASE branch after the app's `)`.
//!   Literals compared by SQL's operators alone, with a single-quoted
//!   string: a chain (`'{"a":1}' > '$.a' = 1`) or a pattern match other
//!   than a plain LIKE (`'1' not regexp '2'`). `IN (1, 2)` and `VALUES
//!   ('a', 'b')` over two or more literals: 5.
//! - `sqli.union` (5): a quote break followed by two or more literals
//!   (`', 2, 1`), the padding of a VALUES row or select list. After a value
//!   (6): a UNION cut off inside its next keyword or comment (`'UNION A`,
//!   `' union/`), or ending at its quantifier or after an inline comment
//!   (`2 union all`, `1/**/union`, `un<>ion`); `UnIoN SeLeCt` alone in
//!   mixed case or split by comments or tags (`un/**/ion sel/**/ect`): 6.
//! - `sqli.tautology` (6): a quote break, or a number compared with a
//!   string (`1='1'`), then a connective with no condition or one
//!   parenthesized group, and a comment swallowing the rest (`' or-- -`,
//!   `'or(glob 1)--`, `1='1' or-- -`).
//! - `sqli.stacked` (6): a stacked SELECT of a server variable after a
//!   quote break or a number, glued to `*` or not, commented or not
//!   (`';SELECT*@@version#`); MySQL's `SET @user_var` head alone, after at
//!   most one stray byte, with a code-like name (`SET @OLD_SQL_NOTES`).
//! - `sqli.tautology` (6): a backslash-escaped quote, then a connective and
//!   at most one operand (`\'and`, `` \`or`1 ``): the doubling-escape bypass.
//! - `sqli.stacked` (6): DDL cut off after a quote break, before or inside
//!   its object type (`'alter a`, `" DROP T`, `' alter/`).
//! - `sqli.clause` (6): a value that is `FROM t GROUP BY c` / `ORDER BY c`.
//! - `sqli.tautology` (6): a value that is a single-quoted literal
//!   compared by `!=` / `<>` with a string the app's quote closes
//!   (`'x'!='y`).
//! - `sqli.operator_chain` (6): a comparison after a quote break that ends
//!   the statement (`x'glob 1;`); a value that is one operator word between
//!   the app's quotes (`' OR '`, `'NOT LIKE'`), which keeps the query valid.
//!
//! The lexer reads MySQL's `1.e` before `(`, `)`, `,` or `.` as whitespace,
//! as the server does (`1.e(ascii 1.e(substring(...` is `(ascii(substring(`),
//! MySQL's ODBC escape `{if expr}` as `(expr)`, PostgreSQL's `ARRAY[...]`
//! and subscripts, `~` and `@` as operators between operands, Oracle's
//! `1F`/`1D` number suffixes glued to a keyword, and as MySQL does: `\N`
//! as NULL (also glued to a keyword: `\Nunion`), `--` glued to a digit
//! where an operand goes as two minus signs (`--1 union`, `= --1`; after a
//! value it stays a comment: `1--0 sp_password`), digits glued to `_` as a
//! name (`1108_ab and ...`). A `?` bind placeholder where an operand goes (`' or ?--`,
//! `is not ?`) is a value. Keyword halves glued by a short comment, an
//! empty or junk tag or an HTML comment (`UN/**/ION`, `un<>ion`,
//! `sel</b>ect`, `un<!---->ion`: apps and filters that strip comments or
//! tags leave the keyword) read as the keyword. A `*/` left over right
//! after a block comment closes it as PostgreSQL and MSSQL nest them
//! (`union/*/**/*/select`). The grammar reads MySQL's `! =` and `! ALL
//! (...)` as comparisons, SQLite's `IS [NOT]` with a quoted or signed
//! operand and its `glob(...)` calls, BETWEEN with arithmetic bounds, and
//! MySQL's `MATCH (...) AGAINST (...)`, and right after a quote break
//! SQLite's `IS` over a number (`' IS 2--`). Digits split by a short comment
//! read as one number (`2999/**/999`), and a delay, error or system call
//! right inside `${...}` stands where an expression goes, as the template
//! languages that evaluate it put it.
//!
//! In a quoted context the break runs on over adjacent closed strings,
//! which MySQL joins into one (`x' 'y' or 1#`). An operator chain after a
//! break may lead into GROUP BY / HAVING (`x' /id having 1<1 and ...`).
//! CREATE reads `OR REPLACE`, `OR ALTER` and table kinds (`TEMPORARY`,
//! `UNIQUE`) before its object type; opening a value, its object must be
//! named by a name ("create table for the report" is prose).
//!
//! A value spaced by `+` alone where nobody reads `+` as a space (a JSON
//! string, a header, a field whose `+` was escaped) is read a second time
//! with the `+` as spaces; only a sure hit counts there.
//!
//! Values longer than the token window are read in overlapping windows for
//! the rules that hold anywhere (UNION, `;` statements, delay and error
//! calls), so padding does not hide a payload; the work stays linear.
//!
//! A name, or a raw body, holding `name=value` pairs (`pay%3Dx%26id%3D...`,
//! encoded once more than the rest) is judged whole and by each pair's
//! value, as the app may decode and split it again.
//!
//! Sensitivity: `Low` reports only score-10 hits; `High` and `Paranoid`
//! raise weak hits by 2 so that they reach the default threshold.

mod grammar;
mod keywords;
pub(crate) mod lexer;

use std::sync::LazyLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use grammar::{Info, Parser};
use keywords::{Func, Kw};
use lexer::{Cmt, Kind, Lexer, Op, Start, Token};

use super::{Ctx, Hit};
use crate::config::Sensitivity;
use crate::search;
use crate::verdict::Part;

/// Significant tokens judged per context. Payloads state their intent in
/// the first few tokens; the cap bounds the work per value.
const MAX_TOKENS: usize = 128;

/// Score of an unambiguous injection.
const SURE: u32 = 10;

/// The folded token stream of one context.
struct Stream {
    /// At most `MAX_TOKENS`; a `Vec` reused across contexts, because
    /// zeroing and moving a full array cost more than judging most values.
    toks: Vec<Token>,
    /// More tokens followed than the cap holds.
    cut: bool,
    /// A comment running to the end of the value after the last token.
    end_comment: Option<Token>,
    /// The token read past a full window.
    next: Option<Token>,
    /// Comments standing between tokens: `SELECT/**/password`. Real
    /// values have no use for them; evasions do.
    inner_comments: u16,
    /// MySQL `1.e` numbers read as whitespace (`1.e(ascii 1.e(...`).
    noise: u16,
    /// MySQL `/*!...` comments: syntax no prose and no other language has.
    exec_comments: u16,
    /// Keywords split by comments or tags and read whole (`sel<b>ect`).
    split_words: u16,
}

/// Tokens carried over when the window slides.
const OVERLAP: usize = 16;

impl Stream {
    fn new() -> Stream {
        Stream {
            toks: Vec::new(),
            cut: false,
            end_comment: None,
            next: None,
            inner_comments: 0,
            noise: 0,
            exec_comments: 0,
            split_words: 0,
        }
    }

    /// Empties the stream for another context, keeping its buffer.
    fn reset(&mut self) {
        let toks = std::mem::take(&mut self.toks);
        *self = Stream::new();
        self.toks = toks;
        self.toks.clear();
    }

    fn len(&self) -> usize {
        self.toks.len()
    }

    /// Appends tokens from `lx` until the window is full or the value ends.
    fn fill(&mut self, lx: &mut Lexer<'_>) {
        let mut trailing = None;
        if let Some(t) = self.next.take() {
            self.toks.push(t);
        }
        while let Some(t) = lx.next_token() {
            if let Kind::Comment(_) = t.kind {
                // A comment between tokens is whitespace to the server.
                trailing.get_or_insert(t);
                continue;
            }
            if trailing.take().is_some() && !self.toks.is_empty() {
                self.inner_comments = self.inner_comments.saturating_add(1);
            }
            if self.toks.len() == MAX_TOKENS {
                self.cut = true;
                self.next = Some(t);
                self.noise = lx.noise;
                self.exec_comments = lx.exec_comments;
                self.split_words = lx.split_words;
                return;
            }
            self.toks.push(t);
        }
        self.end_comment = trailing;
        self.noise = lx.noise;
        self.exec_comments = lx.exec_comments;
        self.split_words = lx.split_words;
    }

    /// Moves the window on past a cut, keeping a few tokens of context, so
    /// that a payload padded with harmless words is still seen. False at
    /// the end of the value.
    fn slide(&mut self, lx: &mut Lexer<'_>) -> bool {
        if !self.cut {
            return false;
        }
        self.toks.drain(..self.toks.len() - OVERLAP);
        self.cut = false;
        self.fill(lx);
        true
    }

    fn tokens(&self) -> &[Token] {
        &self.toks
    }

    fn parser(&self, at: usize) -> Parser<'_> {
        let mut p = Parser::new(self.tokens(), at);
        p.cut = self.cut;
        p
    }
}

/// Bytes that SQL syntax beyond plain words needs.
fn sqlish_byte(b: u8) -> bool {
    matches!(
        b,
        b'\''
            | b'"'
            | b'='
            | b'('
            | b')'
            | b';'
            | b'-'
            | b'#'
            | b'/'
            | b'*'
            | b'|'
            | b'&'
            | b'<'
            | b'>'
            | b'`'
            | b'@'
            | b','
            | b'!'
            | b'~'
            | b'^'
            | b'%'
            | b'+'
    )
}

/// Judges one decoded value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let whole = detect_value(value, ctx);
    if whole.as_ref().is_some_and(|h| h.score >= SURE) || !(ctx.key || ctx.part == Part::Body) {
        return whole;
    }
    // A name or raw body holding `name=value` is a pair whose `=` was
    // encoded once more than the rest (`pay%3DOR+1%3D1`): the app may decode
    // and split it again, so judge the value half too, and each value of
    // the pairs it holds (`pay=x&name=(select`).
    let Some(eq) = memchr::memchr(b'=', value) else {
        return whole;
    };
    if !plain_name(&value[..eq]) {
        return whole;
    }
    let mut best = whole;
    let consider = |from: usize, to: usize, best: &mut Option<Hit>| {
        if let Some(mut h) = detect_value(&value[from..to], ctx) {
            if best.as_ref().is_none_or(|w| h.score > w.score) {
                h.span = h.span.start + from..h.span.end + from;
                *best = Some(h);
            }
        }
    };
    consider(eq + 1, value.len(), &mut best);
    if memchr::memchr(b'&', &value[eq + 1..]).is_none() {
        return best;
    }
    let mut start = 0;
    for end in memchr::memchr_iter(b'&', value).chain([value.len()]) {
        if best.as_ref().is_some_and(|h| h.score >= SURE) {
            break;
        }
        let pair = &value[start..end];
        if let Some(e) = memchr::memchr(b'=', pair) {
            if plain_name(&pair[..e]) {
                consider(start + e + 1, end, &mut best);
            }
        }
        start = end + 1;
    }
    best
}

/// A form field name as apps write them: `user_id`, `a.b`, `x[y][@z]`.
fn plain_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name[0] != b'@'
        && name.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']' | b'@')
        })
}

fn detect_value(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let hit = detect_contexts(value, ctx, false);
    if hit.as_ref().is_some_and(|h| h.score >= SURE) {
        return hit;
    }
    // `1+union+all+select+1,2` in a JSON string, a header or a field whose
    // `+` was escaped (`%2B`): form-encoded text pasted where nobody reads
    // `+` as a space, or that an app decodes once more. Read the `+` as
    // spaces too, and keep only a sure hit: with spaces invented, a weak
    // shape says little.
    if plus_only_spacing(value) && !matches!(ctx.part, Part::Body | Part::Path) {
        if let Some(h) = detect_contexts(value, ctx, true).filter(|h| h.score >= SURE) {
            return Some(h);
        }
    }
    // Typographic quotes (`1’ OR ’1’=’1`) reach the database as `'` where
    // the app or driver converts to a legacy charset (best-fit mapping,
    // iconv //TRANSLIT) after escaping: read them as ASCII quotes too. The
    // copy keeps every byte offset, so spans still point into `value`.
    let mut buf = [0u8; 1024];
    let mut heap = Vec::new();
    let Some(folded) = fold_quotes(value, &mut buf, &mut heap) else {
        return hit;
    };
    stronger(hit, detect_contexts(folded, ctx, false))
}

/// A value spaced by `+` alone: a single `+` beside a word (`'+or+'`, not
/// `C++` or `1+2`) and no whitespace.
fn plus_only_spacing(value: &[u8]) -> bool {
    !value.iter().any(u8::is_ascii_whitespace)
        && value.windows(3).any(|w| {
            w[1] == b'+'
                && w[0] != b'+'
                && w[2] != b'+'
                && (w[0].is_ascii_alphabetic() || w[2].is_ascii_alphabetic())
        })
}

/// Typographic quotes and their UTF-8 encodings, each with the ASCII quote
/// best-fit conversions turn it into.
const LOOKALIKE_QUOTES: [(&[u8], u8); 8] = [
    ("\u{2018}".as_bytes(), b'\''),
    ("\u{2019}".as_bytes(), b'\''),
    ("\u{201B}".as_bytes(), b'\''),
    ("\u{2032}".as_bytes(), b'\''),
    ("\u{02BC}".as_bytes(), b'\''),
    ("\u{00B4}".as_bytes(), b'\''),
    ("\u{201C}".as_bytes(), b'"'),
    ("\u{201D}".as_bytes(), b'"'),
];

/// `value` with look-alike quotes replaced by ASCII ones, each preceded by
/// NUL padding (whitespace to the lexer) to the same length; `None` when
/// it has none.
/// Short values fold into `buf`, longer ones into `heap`.
fn fold_quotes<'b>(value: &[u8], buf: &'b mut [u8], heap: &'b mut Vec<u8>) -> Option<&'b [u8]> {
    // Every look-alike starts with one of these bytes.
    let first = memchr::memchr3(0xe2, 0xca, 0xc2, value)?;
    let lookalike_at = |i: usize| {
        LOOKALIKE_QUOTES
            .iter()
            .find(|(enc, _)| value[i..].starts_with(enc))
    };
    let mut i = first;
    while lookalike_at(i).is_none() {
        i += 1 + memchr::memchr3(0xe2, 0xca, 0xc2, &value[i + 1..])?;
    }
    let out: &mut [u8] = if value.len() <= buf.len() {
        let out = &mut buf[..value.len()];
        out.copy_from_slice(value);
        out
    } else {
        heap.extend_from_slice(value);
        &mut heap[..]
    };
    while i < value.len() {
        if let Some((enc, ascii)) = lookalike_at(i) {
            // The padding goes before the quote, so that the quote keeps
            // its neighbour on the right (`“*”` stays glued to `*`).
            out[i..i + enc.len() - 1].fill(0);
            out[i + enc.len() - 1] = *ascii;
            i += enc.len();
        } else {
            i += 1;
        }
    }
    Some(out)
}

fn detect_contexts(value: &[u8], ctx: &Ctx, plus: bool) -> Option<Hit> {
    // Fast reject: a single word or number, or words with no SQL
    // punctuation and too few tokens to hold `1 union select 1`.
    // `/` and `,` are SQL only as `/*` or between words a whitespace count
    // already admits: alone they are path and list separators.
    let special = value
        .iter()
        .any(|&b| sqlish_byte(b) && !matches!(b, b'/' | b','))
        || search::find(value, b"/*").is_some();
    if !special
        && value.iter().filter(|b| b.is_ascii_whitespace()).count() < 2
        && search::find(value, b"::").is_none()
        && !hex_literal_in(value)
    {
        return lone_name(value, ctx);
    }
    // A raw body or path holding `a+b+c` and no spaces is form-encoded text
    // the app will decode; read it as the app will.
    let plus_space = plus
        || matches!(ctx.part, Part::Body | Part::Path)
            && memchr::memchr(b'+', value).is_some()
            && !value.iter().any(|&b| b == b' ' || b == b'\t');
    let mut best: Option<Hit> = None;
    let mut s = Stream::new();
    // The quoted contexts a second time with MySQL's backslash escapes,
    // for values that escape a quote (`foo\''or'1`): where the app does
    // not double quotes, `\'` stays inside the string and the next quote
    // is the break.
    let contexts = [
        (Start::Bare, false),
        (Start::Single, false),
        (Start::Double, false),
        (Start::Backtick, false),
        (Start::Single, true),
        (Start::Double, true),
    ];
    for (start, backslash) in contexts {
        let quote = match start {
            Start::Bare => None,
            Start::Single => Some(b'\''),
            Start::Double => Some(b'"'),
            Start::Backtick => Some(b'`'),
        };
        if quote.is_some_and(|q| memchr::memchr(q, value).is_none()) {
            continue;
        }
        if backslash && quote.is_some_and(|q| search::find(value, &[b'\\', q]).is_none()) {
            continue;
        }
        let mut lx = Lexer::new(value, start)
            .plus_as_space(plus_space)
            .backslash_escapes(backslash);
        s.reset();
        s.fill(&mut lx);
        if s.len() == 0 && quote.is_some() {
            continue;
        }
        let mut found = judge(&s, value, start);
        // Past the first window only the rules that hold anywhere apply,
        // and only where what they start at can still be: the next window
        // opens at its kept tokens, and once none follows, none can fire.
        let mut trigger = 0;
        while start == Start::Bare && found.as_ref().is_none_or(|h| h.score < SURE) && s.cut {
            let from = s.toks[s.len() - OVERLAP].start;
            if trigger < from {
                match anywhere_trigger(&value[from..]) {
                    Some(at) => trigger = from + at,
                    None => break,
                }
            }
            s.slide(&mut lx);
            found = anywhere(&s, value).or(found);
        }
        if let Some(hit) = found {
            if best.as_ref().is_none_or(|b| hit.score > b.score) {
                best = Some(hit);
            }
        }
        if best.as_ref().is_some_and(|b| b.score >= SURE) {
            break;
        }
    }
    let mut hit = best?;
    match ctx.sensitivity {
        Sensitivity::Low if hit.score < SURE => return None,
        Sensitivity::High | Sensitivity::Paranoid if hit.score < SURE => hit.score += 2,
        _ => {}
    }
    Some(hit)
}

/// The strongest hit of one context.
fn judge(s: &Stream, value: &[u8], start: Start) -> Option<Hit> {
    let t = s.tokens();
    let quoted = start != Start::Bare;
    // A value that opens with a backtick is Markdown's inline code far more
    // often than an emptied identifier (`` `#[cfg]` attributes ``), and a
    // backtick after words quotes like GNU text (``a `select' command``):
    // there only the fragment rules, which need SQL on both sides, apply.
    let inline_code = start == Start::Backtick
        && t.first()
            .is_some_and(|b| b.end - b.start == 1 || !value_like_break(t, value));
    if inline_code {
        return fragment(s, value, start);
    }
    let brk = if quoted {
        Some((1, false))
    } else {
        bare_break(t)
    };
    let mut first = brk.and_then(|(b, weak)| after_break(s, value, b, start, weak));
    // `x' 'y' or true#`: MySQL joins adjacent literals into one, so the
    // break may run on over more closed strings before the code starts.
    let joined = if quoted {
        t.iter().skip(1).take_while(|x| x.kind == Kind::Str).count()
    } else {
        0
    };
    if joined > 0 && joined + 1 < t.len() && first.as_ref().is_none_or(|h| h.score < SURE) {
        first = stronger(first, after_break(s, value, 1 + joined, start, false));
    }
    if !quoted && first.as_ref().is_none_or(|h| h.score < SURE) {
        first = whole_value(s, value).or(first);
    }
    if first.as_ref().is_some_and(|h| h.score >= SURE) {
        return first;
    }
    let found = match (first, anywhere(s, value)) {
        (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
        (a, b) => a.or(b),
    };
    if found.as_ref().is_some_and(|h| h.score >= SURE) {
        return found;
    }
    match (found, fragment(s, value, start)) {
        (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Where the continuation starts in an unquoted value, and whether the
/// break is weak (a word, not a number).
fn bare_break(t: &[Token]) -> Option<(usize, bool)> {
    // `-1 and 1>1`: a sign belongs to the number.
    let signs = t
        .iter()
        .take_while(|t| t.kind == Kind::Op(Op::Sign))
        .count();
    let first = t.get(signs)?.kind;
    match first {
        Kind::Num | Kind::Str | Kind::Var | Kind::Kw(Kw::Literal) => Some((signs + 1, false)),
        Kind::Word if signs == 0 => Some((1, true)),
        Kind::RParen
        | Kind::Semi
        | Kind::Kw(Kw::And | Kw::Or | Kw::Xor | Kw::Union | Kw::SetOp)
        | Kind::Op(Op::Logic) => Some((0, false)),
        _ => None,
    }
}

fn hit(rule: &'static str, score: u32, start: usize, end: usize) -> Option<Hit> {
    Some(Hit {
        rule,
        score,
        span: start..end.max(start),
    })
}

/// Whether a comment ends the query for every dialect that reads it:
/// MySQL needs `-- ` with a space (or nothing) after the dashes.
/// Text glued to `--` or `#` (`--force`, `#2`, `o-o---x`) is what prose and
/// ids look like; injections end the line or follow with a space.
fn truncates(c: &Token, value: &[u8]) -> bool {
    let text = &value[c.start..c.end];
    match c.kind {
        Kind::Comment(Cmt::Line) if text[0] == b'#' => text
            .get(1)
            .is_none_or(|&b| !b.is_ascii_alphanumeric() && b != b'\'' && b != b'"'),
        Kind::Comment(Cmt::Line) => {
            let rest = &text[2..];
            // MSSQL hides a statement from its logs when its comment
            // names this, wherever in the comment (`--000 sp_password`).
            if rest
                .windows(11)
                .any(|w| w.eq_ignore_ascii_case(b"sp_password"))
            {
                return true;
            }
            let dashes = rest.iter().take_while(|&&b| b == b'-').count();
            // `Build and Install\n-----------------`, `Notes ----------`: a
            // ruler under or after a heading, typography rather than the
            // `--` an injection cuts the app's query with.
            if dashes >= 4 && rest[dashes..].iter().all(u8::is_ascii_whitespace) {
                return false;
            }
            // `--/**/` where a space would be: the comment needs no space
            // outside MySQL, and the block comment stands for one.
            rest.get(dashes)
                .is_none_or(|&b| b <= b' ' || matches!(b, b'+' | b'#' | b'!' | b';' | 0xa0))
                || rest[dashes..].starts_with(b"/*")
        }
        Kind::Comment(_) => true,
        _ => false,
    }
}

/// A line or unclosed comment that holds nothing but itself (`--`, `# `,
/// `/*`), or MSSQL's `-- sp_password` that hides the statement from its
/// log: nothing a person writes after a number. It must be set apart by
/// a space: glued, it is how ids joined by dashes, keypad digits and
/// globs end (`58760--`, `1234#`, `2024/*`).
fn silent(c: &Token, value: &[u8]) -> bool {
    let spaced = c.start > 0 && value[c.start - 1].is_ascii_whitespace();
    let body = match c.kind {
        Kind::Comment(Cmt::Line) if value[c.start] == b'#' => &value[c.start + 1..c.end],
        Kind::Comment(Cmt::Line | Cmt::Open) => &value[c.start + 2..c.end],
        _ => return false,
    };
    let body = body.trim_ascii();
    (spaced && body.is_empty())
        || body
            .windows(11)
            .any(|w| w.eq_ignore_ascii_case(b"sp_password"))
}

/// A value ending inside a string is valid only when the app's own quote
/// closes it: in a quoted context, a string opened with that same quote.
fn tail_ok(t: &[Token], value: &[u8], start: Start) -> bool {
    let Some(last) = t.last() else { return true };
    if last.kind != Kind::StrOpen {
        return true;
    }
    let quote = match start {
        Start::Bare => return false,
        Start::Single => b'\'',
        Start::Double => b'"',
        Start::Backtick => b'`',
    };
    value[last.start..]
        .iter()
        .find(|b| !b.is_ascii_alphanumeric() && **b != b'_')
        == Some(&quote)
}

/// After an expression: the rest is nothing, closing parentheses the app
/// opened, or the start of another clause or statement.
fn clean_end(p: &mut Parser<'_>) -> bool {
    let mut closed = false;
    while p.eat(Kind::RParen) {
        closed = true;
    }
    // `(select ...) as test`: an alias for the closed subquery.
    if closed && p.peek() == Some(Kind::Kw(Kw::As)) && p.peek_at(1) == Some(Kind::Word) {
        p.i += 2;
    }
    match p.peek() {
        None => true,
        Some(Kind::Semi) => true,
        Some(Kind::Kw(k)) => matches!(
            k,
            Kw::Union
                | Kw::SetOp
                | Kw::Order
                | Kw::Group
                | Kw::Having
                | Kw::Limit
                | Kw::Into
                | Kw::Procedure
                | Kw::From
                | Kw::Where
                | Kw::Offset
                | Kw::For
        ),
        _ => false,
    }
}

/// Whether `;` at `at` is the value's last token.
fn ends_statement(t: &[Token], at: usize) -> bool {
    at + 1 == t.len() && t[at].kind == Kind::Semi
}

/// Span end: the last token consumed, or the trailing comment when the
/// parse reached the end.
fn span_end(s: &Stream, p: &Parser<'_>) -> usize {
    let t = s.tokens();
    if p.i >= t.len() {
        if let Some(c) = &s.end_comment {
            return c.end;
        }
    }
    t.get(p.i.saturating_sub(1)).map_or(0, |t| t.end)
}

/// How many tokens at `at` spell a MySQL full-text modifier: `IN BOOLEAN
/// MODE`, `IN NATURAL LANGUAGE MODE`, `WITH QUERY EXPANSION`; 0 if none.
fn fulltext_modifier(t: &[Token], value: &[u8], at: usize) -> usize {
    let words = |i: usize, w: &[&[u8]]| {
        w.iter().enumerate().all(|(k, want)| {
            t.get(i + k)
                .is_some_and(|x| text(value, x).eq_ignore_ascii_case(want))
        })
    };
    if words(at, &[b"in", b"boolean", b"mode"]) || words(at, &[b"with", b"query", b"expansion"]) {
        3
    } else if words(at, &[b"in", b"natural", b"language", b"mode"]) {
        4
    } else {
        0
    }
}

/// Rules that start right after the break.
fn after_break(s: &Stream, value: &[u8], b: usize, start: Start, weak: bool) -> Option<Hit> {
    let t = s.tokens();
    let quoted = start != Start::Bare;
    let mut p = s.parser(b);
    // `17,23 order by 16`: more numbers of a list, then the clause.
    let mut listed = b;
    while !quoted
        && b > 0
        && t[b - 1].kind == Kind::Num
        && t.get(listed).is_some_and(|x| x.kind == Kind::Comma)
        && t.get(listed + 1).is_some_and(|x| x.kind == Kind::Num)
    {
        listed += 2;
    }
    if listed > b
        && t.get(listed)
            .is_some_and(|x| matches!(x.kind, Kind::Kw(Kw::Order | Kw::Group | Kw::Union)))
    {
        p.i = listed;
    }
    // `x' IN BOOLEAN MODE) ...`: the break closes a full-text search
    // string; its modifier and the AGAINST parenthesis follow.
    let modifier = fulltext_modifier(t, value, b);
    if quoted && modifier > 0 && t.get(b + modifier).is_some_and(|x| x.kind == Kind::RParen) {
        p.i += modifier;
    }
    let mut closers = 0;
    while p.eat(Kind::RParen) {
        closers += 1;
    }
    let here = p.i;
    let from = if b > 0 {
        t[b - 1].end
    } else {
        t.first().map_or(0, |t| t.start)
    };
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    let system_var =
        b > 0 && t[b - 1].kind == Kind::Var && value[t[b - 1].start..].starts_with(b"@@");
    let Some(k) = p.peek() else {
        if commented && (quoted || closers > 0 || system_var) && b > 0 {
            let end = s.end_comment.as_ref().map_or(from, |c| c.end);
            // `admin'--` closes a single value; `FOO BAR'# x` is more
            // likely prose with a stray quote.
            let value_like = !value[t[b - 1].start..t[b - 1].end]
                .iter()
                .any(u8::is_ascii_whitespace);
            let score = if value_like { SURE } else { 4 };
            return hit("sqli.comment_truncation", score, from, end);
        }
        // `417652--`, `@v /*`: a number or variable alone, then a comment
        // that swallows the rest of the app's query and says nothing.
        let lone =
            !quoted && closers == 0 && b > 0 && matches!(t[b - 1].kind, Kind::Num | Kind::Var);
        if commented && lone && s.end_comment.as_ref().is_some_and(|c| silent(c, value)) {
            let end = s.end_comment.as_ref().map_or(from, |c| c.end);
            return hit("sqli.comment_truncation", FRAGMENT, t[0].start, end);
        }
        return None;
    };
    // Expressions must leave the query well-formed; statements and delay
    // calls are hostile even when the rest is broken.
    let tail = tail_ok(t, value, start);
    match k {
        Kind::Kw(Kw::And | Kw::Or | Kw::Xor) | Kind::Op(Op::Logic) => {
            if !tail {
                return None;
            }
            p.i += 1;
            let operand_at = p.i;
            if let Some(h) = bare_subquery(s, value, &p, from, weak, k) {
                return Some(h);
            }
            // A dangling operator (`=5//true`) leaves the expression read so
            // far, which only a proof below may stand on.
            let complete = p.expr();
            if complete {
                p.logic_after_close();
            }
            // Proof enough whatever follows: a subquery, a comparison of two
            // literals, or a comparison over SQL built-ins or a server
            // variable (`1 and ascii(substring(user(),1,1))=109`,
            // `substring(@@version,1,1)=5`, with a log's note glued on).
            let proof = p.info.subqueries > 0
                || p.info.lit_cmp > 0
                || (p.info.known_calls > 1 && p.info.cmp > 0)
                || (p.info.known_calls > 0 && p.info.vars > 0 && p.info.cmp > 0);
            let proven = proof && !weak;
            if !(complete || (proven && p.i > operand_at)) {
                return None;
            }
            if !clean_end(&mut p) && !proven {
                return None;
            }
            // `or 1 group by concat(...) having min(0)`: the clauses the
            // tautology leads into count too.
            if !p.at_end() {
                let mut q = p.clone();
                if q.grouping() && clean_end(&mut q) {
                    p = q;
                }
            }
            let info = p.info;
            if let Some(h) = special_calls(&info, from, span_end(s, &p)) {
                return Some(h);
            }
            let or = matches!(k, Kind::Kw(Kw::Or | Kw::Xor)) || k == Kind::Op(Op::Logic);
            let rule = if or { "sqli.tautology" } else { "sqli.boolean" };
            // A leading `||` or `&&` is common punctuation in ids and
            // cookies; it needs more than a comparison to count.
            let symbolic = b == 0 && matches!(k, Kind::Op(_));
            // `' or 1`: a literal truth value after a quote break.
            // `'or'1`: the app's quote closes a number, true once cast.
            let literal = quoted
                && p.i == here + 2
                && (matches!(t[here + 1].kind, Kind::Num | Kind::Kw(Kw::Literal))
                    || (t[here + 1].kind == Kind::StrOpen
                        && truthy_digits(&value[t[here + 1].start + 1..t[here + 1].end])));
            // Comments between tokens (`14/**/or(1)`) and MySQL `/*!`
            // comments are evasions no prose writes.
            let structured = (info.cmp > 0 && !symbolic)
                || literal
                || info.known_calls > 0
                || info.subqueries > 0
                || info.literals > 0
                || commented
                // `NEGLIGENCE) OR OTHERWISE`: after a word, a closed
                // parenthesis is prose's as often as the app's.
                || (closers > 0 && !weak)
                || (!weak && (s.inner_comments > 0 || s.exec_comments > 0 || s.split_words > 0))
                || reopens(t, value, b, here, p.i, start)
                // `1 or @@version`: a server variable, true once cast; a
                // single `@` is a handle in prose.
                || (!symbolic
                    && t[here..p.i]
                        .iter()
                        .any(|x| x.kind == Kind::Var && text(value, x).starts_with(b"@@")));
            let score = if structured {
                SURE
            } else if weak {
                return None;
            } else {
                3
            };
            hit(rule, score, from, span_end(s, &p))
        }
        Kind::Op(Op::Cmp | Op::Arith | Op::Sign | Op::Unary)
        | Kind::Kw(
            Kw::WordOp
            | Kw::In
            | Kw::Between
            | Kw::Not
            | Kw::Sounds
            | Kw::Similar
            | Kw::Is
            | Kw::NotNull
            | Kw::Collate,
        ) => {
            if weak || !tail {
                return None;
            }
            let ok = if matches!(k, Kind::Kw(Kw::Is | Kw::NotNull | Kw::Collate)) {
                // `' IS 2--`: SQLite's IS over a number, the break's own
                // comparison; prose says "is 2" only after a word.
                p.is_any = quoted && k == Kind::Kw(Kw::Is);
                p.postfixes() && p.expr_tail()
            } else {
                p.binop() && p.operand() && p.expr_tail()
            };
            if ok {
                p.logic_after_close();
            }
            if !ok || !clean_end(&mut p) {
                return None;
            }
            // `x' /id having 1<1 and ...`: the chain may lead into the
            // clauses that follow a WHERE, read for what they hold.
            if !p.at_end() {
                let mut q = p.clone();
                if q.grouping() && clean_end(&mut q) {
                    p = q;
                }
            }
            let info = p.info;
            if let Some(h) = special_calls(&info, from, span_end(s, &p)) {
                return Some(h);
            }
            let strong = info.known_calls > 0
                || info.subqueries > 0
                || degenerate_between(t, value, here, p.i, true)
                || (info.logic > 0 && (quoted || info.cmp > 0));
            // `' - '`: the chain reopens the app's string, as only an
            // injection that expects the closing quote does. A quoted
            // operator glued to its quotes (`"&"`, `'*'`) is prose.
            let reopens = reopens(t, value, b, here, p.i, start);
            let score = if strong || reopens || (commented && quoted) {
                SURE
            } else if quoted && info.cmp > 0 && ends_statement(t, p.i) {
                // `'glob 1;`: the comparison ends the statement.
                FRAGMENT
            } else if quoted && info.cmp > 0 {
                4
            } else {
                return None;
            };
            hit("sqli.operator_chain", score, from, span_end(s, &p))
        }
        Kind::Kw(Kw::Union | Kw::SetOp) => {
            union_at(s, value, here, (b > 0 && !weak) || closers > 0)
        }
        Kind::Semi => stacked_at(s, value, here),
        Kind::Comma if !weak && b > 0 => row_after_break(s, value, here, from, closers, start),
        // MSSQL runs `1 update t set ...` / `x'exec ...` without `;`.
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
            | Kw::Waitfor
            | Kw::Select
            | Kw::If,
        ) if !weak && b > 0 => statement_at(s, value, here, 0),
        Kind::Kw(Kw::Order | Kw::Group) if !weak => {
            p.i += 1;
            if !p.eat_kw(Kw::By) || !p.expr() {
                return None;
            }
            while p.eat(Kind::Comma) || p.eat_kw(Kw::Asc) {
                if matches!(p.peek(), Some(Kind::Comma | Kind::Kw(Kw::Asc))) {
                    continue;
                }
                if !p.at_end() && !p.expr() {
                    return None;
                }
            }
            // MySQL's `GROUP BY 1 WITH ROLLUP`: a summary row more.
            if p.peek() == Some(Kind::Kw(Kw::With))
                && t.get(p.i + 1)
                    .is_some_and(|x| text(value, x).eq_ignore_ascii_case(b"rollup"))
            {
                p.i += 2;
            }
            // `1 order by 5`: column positions, the probe for a UNION's width.
            let by_number = t[here + 2].kind == Kind::Num;
            if !clean_end(&mut p)
                || !(quoted
                    || closers > 0
                    || commented
                    || p.info.calls > 0
                    || p.info.subqueries > 0
                    || by_number)
            {
                return None;
            }
            hit("sqli.clause", SURE, from, span_end(s, &p))
        }
        Kind::Kw(Kw::Having) if !weak => {
            p.i += 1;
            // `' having 1--`: MSSQL's error then names a column of the
            // query; with the rest commented away, no comparison is needed.
            let lone = commented
                && (quoted || closers > 0)
                && t.len() == p.i + 1
                && matches!(t[p.i].kind, Kind::Num | Kind::Kw(Kw::Literal));
            if !p.expr() || !clean_end(&mut p) || (p.info.cmp == 0 && !lone) {
                return None;
            }
            hit("sqli.clause", SURE, from, span_end(s, &p))
        }
        // `1 limit 1,1 procedure analyse(...)`: MySQL's PROCEDURE after the
        // LIMIT a paged query ends with.
        Kind::Kw(Kw::Limit) if !weak => {
            p.i += 1;
            if !p.eat(Kind::Num) {
                return None;
            }
            if (p.eat(Kind::Comma) || p.eat_kw(Kw::Offset)) && !p.eat(Kind::Num) {
                return None;
            }
            if !p.eat_kw(Kw::Procedure) || !matches!(p.peek(), Some(Kind::Func(_))) || !p.operand()
            {
                return None;
            }
            if let Some(h) = special_calls(&p.info, from, span_end(s, &p)) {
                return Some(h);
            }
            hit("sqli.clause", SURE, from, span_end(s, &p))
        }
        Kind::Kw(Kw::From) if closers > 0 && !weak => from_after_close(s, value, here, from),
        Kind::Kw(Kw::Where) if !weak => where_after_value(s, value, &p, from),
        Kind::Kw(Kw::Procedure) if !weak => {
            p.i += 1;
            if !matches!(p.peek(), Some(Kind::Func(_))) || !p.operand() {
                return None;
            }
            hit("sqli.clause", SURE, from, span_end(s, &p))
        }
        Kind::Func(Func::Blind) | Kind::Dot if quoted && value_like_break(t, value) => {
            delay_after_break(s, here, from)
        }
        _ => None,
    }
}

/// Digits that read as a nonzero number (`1`, `42`), nothing else.
fn truthy_digits(d: &[u8]) -> bool {
    !d.is_empty()
        && d.len() <= 8
        && d.iter().all(u8::is_ascii_digit)
        && d.iter().any(|&b| b != b'0')
}

/// A value list or SET list carried on past the break, as in an INSERT's
/// VALUES row or an UPDATE's SET: `x', (select password from users))--`,
/// `x',(select @@version),'y`, `'), ('admin','x')--` (a row more), `x',
/// is_admin=1 where id=5--`, `x', role='admin` (a column more). It must
/// read data (a subquery, a SQL built-in, a server variable), close the
/// app's parenthesis and comment the rest away, or assign a column and
/// then pick the rows or end where the app's quote or a comment does.
/// Quoted lists of plain words or literals (`a', 'b', 'c`) are text.
fn row_after_break(
    s: &Stream,
    value: &[u8],
    at: usize,
    from: usize,
    closers: usize,
    start: Start,
) -> Option<Hit> {
    let t = s.tokens();
    let quoted = start != Start::Bare;
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    let mut p = s.parser(at);
    let mut assigns = 0;
    while p.eat(Kind::Comma) {
        let item = p.i;
        if !p.expr() {
            return None;
        }
        // `role='admin'`: a column set to a value.
        let assigned = p.i >= item + 3
            && t[item].kind == Kind::Word
            && t[item + 1].kind == Kind::Op(Op::Cmp)
            && text(value, &t[item + 1]) == b"=";
        assigns += usize::from(assigned);
    }
    let mut closed = closers > 0;
    while p.eat(Kind::RParen) {
        closed = true;
    }
    // More rows: `), ('a', 'b')`.
    while closed && p.peek() == Some(Kind::Comma) && p.peek_at(1) == Some(Kind::LParen) {
        p.i += 1;
        if !p.operand() {
            return None;
        }
    }
    let listed = p.info;
    let mut picked = false;
    if assigns > 0 && p.eat_kw(Kw::Where) {
        if !p.expr() || p.info.cmp == 0 {
            return None;
        }
        picked = true;
    }
    if !p.at_end() || s.cut {
        return None;
    }
    let reopened = quoted && t[p.i - 1].kind == Kind::StrOpen && tail_ok(t, value, start);
    if !(commented || reopened || (picked && quoted)) {
        return None;
    }
    let reads = listed.subqueries > 0 || listed.known_calls > 0 || listed.vars > 0;
    let sure = (reads && (quoted || (closed && commented)))
        || (closed && commented && (quoted || reads))
        || (assigns > 0 && (quoted || picked));
    if !sure {
        return None;
    }
    if let Some(h) = special_calls(&p.info, from, span_end(s, &p)) {
        return Some(h);
    }
    let rule = if assigns > 0 {
        "sqli.assignment"
    } else {
        "sqli.expression"
    };
    hit(rule, SURE, from, span_end(s, &p))
}

/// `1 AND SELECT TOP 5 name FROM users --`: a connective after a value,
/// then a SELECT from a table without the parentheses a subquery needs,
/// the rest of the query commented away: what scanners send to databases
/// that are lenient, and what no prose writes.
fn bare_subquery(
    s: &Stream,
    value: &[u8],
    p: &Parser<'_>,
    from: usize,
    weak: bool,
    k: Kind,
) -> Option<Hit> {
    let t = s.tokens();
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    if weak || !commented || p.peek() != Some(Kind::Kw(Kw::Select)) {
        return None;
    }
    let mut q = p.clone();
    q.i += 1;
    let items = q.i;
    if !q.select_items() || !q.at_end() || !from_ok(t, items, q.i) || prose_from(t, value) {
        return None;
    }
    if let Some(h) = special_calls(&q.info, from, span_end(s, &q)) {
        return Some(h);
    }
    let rule = if k == Kind::Kw(Kw::And) {
        "sqli.boolean"
    } else {
        "sqli.tautology"
    };
    hit(rule, SURE, from, span_end(s, &q))
}

/// `3 where t.id=3/*`: a WHERE of the attacker's right after a value, the
/// app's own condition commented away: the rows an UPDATE or DELETE
/// touches, chosen by the attacker. The condition must compare, and be
/// code: commented off, over literals or SQL calls.
fn where_after_value(s: &Stream, value: &[u8], p: &Parser<'_>, from: usize) -> Option<Hit> {
    let mut q = p.clone();
    q.i += 1;
    if !q.expr() || q.info.cmp == 0 || !clean_end(&mut q) || !q.at_end() {
        return None;
    }
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    let info = q.info;
    if !(commented || info.lit_cmp > 0 || info.known_calls > 0 || info.subqueries > 0) {
        return None;
    }
    if let Some(h) = special_calls(&info, from, span_end(s, &q)) {
        return Some(h);
    }
    hit("sqli.clause", SURE, from, span_end(s, &q))
}

/// `1) FROM users WHERE name='x')`: the app's parenthesis closed after a
/// value, then the query pointed at another table with a condition of the
/// attacker's; a condition cut after its operator (`WHERE name=`) is a
/// fragment. Prose that closes a parenthesis reads from no table named
/// by a word of its own ("1) from the list").
fn from_after_close(s: &Stream, value: &[u8], at: usize, from: usize) -> Option<Hit> {
    let t = s.tokens();
    if prose_from(t, value) {
        return None;
    }
    let name = |k: Option<Kind>| matches!(k, Some(Kind::Word | Kind::Kw(Kw::ObjectType)));
    let mut p = s.parser(at + 1);
    if !name(p.peek()) {
        return None;
    }
    p.i += 1;
    while p.peek() == Some(Kind::Dot) && name(p.peek_at(1)) {
        p.i += 2;
    }
    p.eat(Kind::Word);
    if !p.eat_kw(Kw::Where) {
        return None;
    }
    let cond = p.i;
    let mut q = p.clone();
    if q.expr() && q.info.cmp > 0 && clean_end(&mut q) {
        if let Some(h) = special_calls(&q.info, from, span_end(s, &q)) {
            return Some(h);
        }
        return hit("sqli.clause", SURE, from, span_end(s, &q));
    }
    // `WHERE name=`: the app's own value completes the condition.
    let dangling = !s.cut
        && s.end_comment.is_none()
        && t.len() == cond + 2
        && name(Some(t[cond].kind))
        && t[cond + 1].kind == Kind::Op(Op::Cmp);
    if dangling {
        return hit("sqli.clause", FRAGMENT, from, t[cond + 1].end);
    }
    None
}

/// A delay call with a numeric argument pasted right after a quote break,
/// alone or joined by `.` (`x' sleep(10) '`, `x'.sleep(12).'`): scanners
/// send it to find any context that evaluates it, SQL's included. A
/// number as the first argument is what a delay takes and prose does not
/// put in parentheses after a quote.
fn delay_after_break(s: &Stream, at: usize, from: usize) -> Option<Hit> {
    let t = s.tokens();
    let at = at + usize::from(t[at].kind == Kind::Dot);
    let call = t.get(at..at + 3)?;
    if call[0].kind != Kind::Func(Func::Blind)
        || call[1].kind != Kind::LParen
        || call[2].kind != Kind::Num
    {
        return None;
    }
    let mut p = s.parser(at);
    if !p.operand() {
        return None;
    }
    let info = p.info;
    special_calls(&info, from, span_end(s, &p))
}

/// A value that is by itself a query or an expression with a subquery or
/// a trailing comment: `(select id from users limit 1)`, `( 1 OR @a ) --`,
/// `select 1,2 from t where`. Prose reads as neither.
fn whole_value(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    // `1 * 1 --`: a comment set apart from the code, as typed by hand.
    let spaced_comment = s.end_comment.as_ref().is_some_and(|c| {
        c.start > 0 && value[c.start - 1].is_ascii_whitespace() && truncates(c, value)
    });
    let mut p = s.parser(0);
    while p.eat(Kind::LParen) {}
    let first = p.i;
    if first == 0 && matches!(t.first().map(|t| t.kind), Some(Kind::Kw(_) | Kind::Func(_))) {
        // A value that is a whole statement: `IF EXISTS (...) DROP TABLE t`.
        if t[0].kind != Kind::Kw(Kw::Select) {
            if let Some(h) = statement_at(s, value, 0, 0) {
                return Some(h);
            }
        }
    }
    // `/CREATE TABLE t`, `>drop table t`: DDL after a stray byte or two
    // that the app or a filter drops.
    let stray = t
        .iter()
        .take(3)
        .take_while(|x| matches!(x.kind, Kind::Op(_) | Kind::Other))
        .count();
    let ddl = t.get(stray).is_some_and(|x| {
        matches!(
            x.kind,
            Kind::Kw(Kw::Create | Kw::Drop | Kw::Alter | Kw::Truncate)
        )
    });
    if stray > 0
        && stray < 3
        && ddl
        && t[stray + 1..].first().map(|x| x.kind) == Some(Kind::Kw(Kw::ObjectType))
    {
        if let Some(h) = statement_at(s, value, stray, 0) {
            return Some(h);
        }
    }
    // `(select one from the list)`: prose in parentheses; no table is
    // named by an article.
    let prose = prose_from(t, value);
    if !prose && p.eat_kw(Kw::Select) {
        let items = p.i;
        if p.select_items() && clean_end(&mut p) && select_is_code(t, items, p.i) {
            // `(select ...)`: a subquery pasted where a value goes.
            let grouped = t[items..p.i]
                .iter()
                .any(|t| matches!(t.kind, Kind::Kw(Kw::Group | Kw::Having | Kw::Union)));
            // Evasions no API query needs: MySQL-only `/*!` comments,
            // keywords in mixed case, strings spelled in hex (`0x616263`).
            let evasive = s.exec_comments > 0
                || s.split_words > 0
                || t[..p.i].iter().any(|x| {
                    (matches!(x.kind, Kind::Kw(_)) && odd_case(text(value, x)))
                        || (x.kind == Kind::Num && hex_text(text(value, x)))
                });
            let sure = p.info.calls > 0
                || p.info.subqueries > 0
                || p.info.vars > 0
                || degenerate_between(t, value, items, p.i, false)
                || commented
                || first > 0
                || grouped
                || s.inner_comments > 0
                || evasive;
            if let Some(h) = special_calls(&p.info, t[first].start, span_end(s, &p)) {
                return Some(h);
            }
            // A plain `select a from b` is also how some public APIs (YQL)
            // take queries: weak on its own.
            if sure || from_ok(t, items, p.i) {
                // `select 1,(2) from t where`: cut off where the app's own
                // condition goes, with a select list of literals no API
                // query asks for.
                let literal_head = matches!(
                    t.get(items).map(|x| x.kind),
                    Some(Kind::Num | Kind::Str | Kind::LParen)
                );
                let open_where =
                    p.at_end() && t.last().map(|x| x.kind) == Some(Kind::Kw(Kw::Where));
                let score = if sure {
                    SURE
                } else if open_where && literal_head {
                    FRAGMENT
                } else {
                    4
                };
                return hit("sqli.expression", score, t[first].start, span_end(s, &p));
            }
        }
    }
    if let Some(h) = list_tautology(s, value) {
        return Some(h);
    }
    let mut p = s.parser(0);
    if !p.expr() || !clean_end(&mut p) {
        return None;
    }
    // `x-17 or 1 group by concat(version(),rand(0)) having min(0)`: the
    // expression may lead into GROUP BY / HAVING, read for what they hold.
    if !(p.at_end() || (p.grouping() && clean_end(&mut p) && p.at_end())) {
        return None;
    }
    let info = p.info;
    if !tail_ok(t, value, Start::Bare) {
        return None;
    }
    let structure = info.logic > 0 || info.calls > 0;
    let parens = t.iter().any(|t| t.kind == Kind::LParen);
    // `1*1--`: arithmetic on numbers, the rest of the query swallowed.
    let arithmetic = info.ops > 0
        && t.iter().all(|x| matches!(x.kind, Kind::Num | Kind::Op(_)))
        && s.end_comment.as_ref().is_some_and(|c| silent(c, value));
    // `(select one)`, `(Select all that apply)`: a form's placeholder, a
    // subquery in shape only. Words after SELECT, nothing computed.
    let worded = t.len() >= 4
        && t[0].kind == Kind::LParen
        && t[1].kind == Kind::Kw(Kw::Select)
        && t[t.len() - 1].kind == Kind::RParen
        && t[2..t.len() - 1].iter().any(|x| x.kind == Kind::Word)
        && t[2..t.len() - 1].iter().all(|x| {
            matches!(
                x.kind,
                Kind::Word | Kind::Kw(Kw::All | Kw::Distinct | Kw::And | Kw::Or)
            )
        });
    let sure = (info.subqueries > 0 && !prose && !worded)
        || (commented && arithmetic)
        || (commented && structure)
        || (spaced_comment && (info.ops > 0 || parens))
        || (info.logic > 0 && info.lit_cmp > 0)
        // `1=1`, `'a' like 'a'`: a value that is only a tautology.
        || (info.lit_cmp > 0 && info.ops == 1 && t.len() == 3 && {
            let (a, b) = (&t[0], &t[2]);
            a.kind == b.kind && value[a.start..a.end] == value[b.start..b.end]
        })
        || (info.logic > 0 && info.calls > 0 && info.cmp > 0)
        || (info.calls > 0 && info.vars > 0)
        || info.cases > 0
        || degenerate_between(t, value, 0, p.i, true)
        || info.known_calls >= 2
        // `f(password)::int`: a cast that fails with the data in its message.
        || (info.calls > 0 && info.casts > 0);
    if sure {
        if let Some(h) = special_calls(&info, 0, span_end(s, &p)) {
            return Some(h);
        }
        return hit("sqli.expression", SURE, t[0].start, span_end(s, &p));
    }
    None
}

/// `BETWEEN 'x' AND 'x'` in `t[from..end]`: a range whose bounds are the
/// same literal, which is a plain equality no query builder writes so.
/// With `tautology`, the tested value must be that literal too (`1
/// between 1 and 1`): prose may say "rooms between 2 and 2".
fn degenerate_between(t: &[Token], value: &[u8], from: usize, end: usize, tautology: bool) -> bool {
    let end = end.min(t.len());
    let same = |a: &Token, b: &Token| a.kind == b.kind && text(value, a) == text(value, b);
    (from.min(end)..end).any(|k| {
        let Some(w) = t.get(k..k + 4) else {
            return false;
        };
        let bounds = w[0].kind == Kind::Kw(Kw::Between)
            && matches!(w[1].kind, Kind::Num | Kind::Str)
            && w[2].kind == Kind::Kw(Kw::And)
            && same(&w[1], &w[3]);
        // The tested operand, before an optional NOT.
        let tested = k
            .checked_sub(1 + usize::from(k > 0 && t[k - 1].kind == Kind::Kw(Kw::Not)))
            .is_some_and(|a| same(&t[a], &w[1]));
        bounds && (!tautology || tested)
    })
}

/// Whether a `0x` literal starts somewhere in `value` (`select 0x6162`).
fn hex_literal_in(value: &[u8]) -> bool {
    search::find_iter(value, b"0x").any(|i| i == 0 || !is_word(value[i - 1]))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Words that name no table: a FROM followed by one is prose's "from the
/// list", "from your account".
const DETERMINERS: &[&[u8]] = &[
    b"a", b"an", b"any", b"each", b"every", b"her", b"his", b"my", b"our", b"some", b"that",
    b"the", b"their", b"these", b"this", b"those", b"your",
];

/// Whether a FROM in `t` is followed by a determiner.
fn prose_from(t: &[Token], value: &[u8]) -> bool {
    t.windows(2).any(|w| {
        w[0].kind == Kind::Kw(Kw::From)
            && w[1].kind == Kind::Word
            && DETERMINERS
                .iter()
                .any(|d| text(value, &w[1]).eq_ignore_ascii_case(d))
    })
}

/// A hex literal spelling printable text (`0x616263` is `'abc'`): how
/// injections write strings without quotes. Ids and colors are no text.
fn hex_text(num: &[u8]) -> bool {
    let Some(digits) = num.strip_prefix(b"0x").or_else(|| num.strip_prefix(b"0X")) else {
        return false;
    };
    digits.len() >= 4
        && digits.len() % 2 == 0
        && digits.chunks(2).all(|pair| {
            let hi = char::from(pair[0]).to_digit(16).unwrap_or(0);
            let lo = char::from(pair[1]).to_digit(16).unwrap_or(0);
            (0x20..0x7f).contains(&(hi * 16 + lo))
        })
}

/// A list of values holding a comparison of a literal with itself
/// (`b,1=1`, `'admin', '1'='1'`): the tautology padded into a VALUES row
/// or select list; or holding a literal comparison inside a subquery, CASE
/// or SQL call (`FOO,(SELECT (CASE WHEN (1=1) THEN 1 ELSE 1/(SELECT 0)
/// END))`, `FOO,IIF(1=2,FOO,1/0)`): the boolean oracle of a blind
/// injection into a select list.
fn list_tautology(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || !t.iter().any(|x| x.kind == Kind::Comma) {
        return None;
    }
    let mut p = s.parser(0);
    let mut found = false;
    loop {
        let at = p.i;
        if !p.expr() {
            return None;
        }
        if let [a, op, b] = &t[at..p.i] {
            found |= op.kind == Kind::Op(Op::Cmp)
                && matches!(a.kind, Kind::Num | Kind::Str)
                && a.kind == b.kind
                && text(value, a) == text(value, b);
        }
        // An ORDER BY list: `id desc, (case ...)`.
        p.eat_kw(Kw::Asc);
        if !p.eat(Kind::Comma) {
            break;
        }
    }
    if !p.at_end() {
        return None;
    }
    let i = p.info;
    // `name,1/(case when 1=1 then 1 else 0 end)`: a CASE over a literal
    // comparison is the oracle by itself, dividing by zero on one branch.
    let oracle = ((i.subqueries > 0 || i.known_calls > 0) && (i.lit_cmp > 0 || i.cases > 0))
        || (i.cases > 0 && i.lit_cmp > 0);
    if found {
        hit("sqli.tautology", SURE, t[0].start, t[t.len() - 1].end)
    } else if oracle {
        hit("sqli.expression", SURE, t[0].start, t[t.len() - 1].end)
    } else {
        None
    }
}

/// `FROM` in `t[from..end]` names a table the way SQL does: a (qualified)
/// name or subquery, at most one alias, then a clause, a list or the end.
fn from_ok(t: &[Token], from: usize, end: usize) -> bool {
    let Some(at) = t[from..end]
        .iter()
        .position(|t| t.kind == Kind::Kw(Kw::From))
    else {
        return false;
    };
    let mut i = from + at + 1;
    match t.get(i).map(|t| t.kind) {
        Some(Kind::Word | Kind::Var | Kind::LParen | Kind::Kw(Kw::ObjectType)) => i += 1,
        _ => return false,
    }
    while t.get(i).map(|t| t.kind) == Some(Kind::Dot) {
        i += 2;
    }
    if t.get(i).map(|t| t.kind) == Some(Kind::Word) {
        i += 1;
    }
    matches!(
        t.get(i).map(|t| t.kind),
        None | Some(Kind::Kw(_) | Kind::Comma | Kind::RParen | Kind::Semi)
    )
}

/// Whether the continuation `t[here..end]` after a quote break ends by
/// reopening the app's string (`' - '`, `'AND'`, `A' || 'B`): only an
/// injection that expects the app's closing quote is written so. A quote
/// after a space opens a quotation in prose (`SMALL "&" SIGN`), and in the
/// double-quote context the operator must stand apart from its quotes.
fn reopens(t: &[Token], value: &[u8], b: usize, here: usize, end: usize, start: Start) -> bool {
    if start == Start::Bare || b == 0 || end == 0 || t[end - 1].kind != Kind::StrOpen {
        return false;
    }
    // A run of quotes (`'*''''''`) is noise, not a reopened string.
    let open = &value[t[end - 1].start..t[end - 1].end];
    if open.len() > 2 && open.iter().all(|&c| c == b'\'' || c == b'"') {
        return false;
    }
    let brk = &value[t[b - 1].start..t[b - 1].end];
    let content = &brk[..brk.len() - 1];
    // A quote after a space or `=(` opens a quotation (`SMALL "&" SIGN`,
    // `q="MOD"`); after a value it closes one.
    let opening = content
        .last()
        .is_none_or(|&c| c.is_ascii_whitespace() || b"=([{:,&".contains(&c));
    let spaced = t[here].start > t[b - 1].end;
    let symbol = matches!(t[here].kind, Kind::Op(_));
    // `a dash ('-') and their names`, `is '-' it is read`: one symbol glued
    // to quotes that opened after a space or `(`, with a sentence going on
    // behind it, is a character quoted in prose (the bare probe `A '-' B`
    // has no sentence).
    let quoted_char = opening
        && !spaced
        && symbol
        && t[here].end - t[here].start == 1
        && value.get(t[here].end) == Some(&b'\'')
        && value[t[here].end..]
            .split(|b| !b.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
            .take(2)
            .count()
            >= 2;
    match start {
        // `A '=' B`, `' ^ '`: quoted symbols are the libinjection probes.
        Start::Single => (symbol && !quoted_char) || !opening,
        // `1"OR!"a`, `" - "`.
        _ => {
            let value_like = !content.is_empty() && !content.iter().any(u8::is_ascii_whitespace);
            !opening && if symbol { spaced } else { value_like }
        }
    }
}

/// Blind, error-based and system calls met while parsing an injected
/// expression.
fn special_calls(info: &Info, from: usize, end: usize) -> Option<Hit> {
    if info.blind.is_some() {
        return hit("sqli.blind", SURE, from, end);
    }
    if info.error.is_some() {
        return hit("sqli.error_based", SURE, from, end);
    }
    if info.system.is_some() {
        return hit("sqli.system", SURE, from, end);
    }
    None
}

/// A select list that cannot be prose: something other than one word.
fn select_is_code(t: &[Token], first: usize, end: usize) -> bool {
    // `SELECT ALL that apply`: the quantifier is no code by itself.
    let quantifiers = t[first.min(end)..end]
        .iter()
        .take_while(|x| matches!(x.kind, Kind::Kw(Kw::All | Kw::Distinct)))
        .count();
    let head = t.get(first + quantifiers).map(|t| t.kind);
    let code_head = !matches!(head, Some(Kind::Word | Kind::Kw(Kw::ObjectType)) | None);
    let listy = t[first.min(end)..end].iter().any(|t| {
        matches!(
            t.kind,
            Kind::Comma | Kind::Kw(Kw::From | Kw::Group | Kw::Having)
        )
    });
    code_head || listy
}

/// `UNION [ALL|DISTINCT] [(] SELECT items` at `at`. `after_value`: the
/// UNION follows a value (a number, a string, `)`), the usual injection.
fn union_at(s: &Stream, value: &[u8], at: usize, after_value: bool) -> Option<Hit> {
    let t = s.tokens();
    let mut p = s.parser(at + 1);
    let mut quantified = false;
    while matches!(p.peek(), Some(Kind::Kw(Kw::All | Kw::Distinct))) {
        p.i += 1;
        quantified = true;
    }
    while p.eat(Kind::LParen) {}
    if p.at_end() && after_value && !s.cut {
        // `-1 union/*`, `-1 union`: a value negated to return nothing, or
        // the rest of the query commented out, ahead of a UNION.
        let negated =
            at >= 2 && t[at - 2].kind == Kind::Op(Op::Sign) && t[at - 1].kind == Kind::Num;
        let score = if s.end_comment.is_some() || negated {
            SURE
        } else if quantified || s.inner_comments > 0 || s.split_words > 0 {
            // `2 union all`: the set quantifier is SQL's, not prose's;
            // `1/**/union`: so is a comment standing for a space.
            FRAGMENT
        } else {
            4
        };
        return hit("sqli.union", score, t[at].start, t[p.i - 1].end);
    }
    if after_value && !s.cut && p.i + 1 == t.len() && s.end_comment.is_none() {
        // `'UNION A`, `" union SEL`, `' union/`: cut off inside the next
        // keyword or the comment that would follow.
        let last = &t[p.i];
        let cut_word = last.kind == Kind::Word && {
            let w = text(value, last);
            [&b"select"[..], b"all", b"distinct"]
                .iter()
                .any(|k| w.len() < k.len() && k[..w.len()].eq_ignore_ascii_case(w))
        };
        let cut_comment = last.kind == Kind::Op(Op::Arith) && text(value, last) == b"/";
        if cut_word || cut_comment {
            return hit("sqli.union", FRAGMENT, t[at].start, last.end);
        }
    }
    // PostgreSQL / SQLite `EXCEPT VALUES (1,2)`: a row constructor in
    // place of the SELECT.
    if p.peek() == Some(Kind::Kw(Kw::Values)) && p.peek_at(1) == Some(Kind::LParen) {
        p.i += 1;
        if !p.operand() || !clean_end(&mut p) {
            return None;
        }
        let score = if after_value { SURE } else { FRAGMENT };
        return hit("sqli.union", score, t[at].start, span_end(s, &p));
    }
    if !p.eat_kw(Kw::Select) {
        return None;
    }
    let first = p.i;
    if !p.select_items() {
        if after_value {
            return hit("sqli.union", SURE, t[at].start, t[first - 1].end);
        }
        // `UnIoN SeLeCt`: a bare UNION SELECT in the mixed case that
        // evades case-sensitive filters, which no prose uses.
        let odd = odd_case(text(value, &t[at]))
            || odd_case(text(value, &t[first - 1]))
            || s.split_words > 0;
        if p.at_end() && !s.cut && odd {
            return hit("sqli.union", FRAGMENT, t[at].start, t[first - 1].end);
        }
        return None;
    }
    // `-2 UniOn sEleCt junk 1,2`: mixed case is an evasion whatever the
    // select list holds.
    let odd = odd_case(text(value, &t[at])) || odd_case(text(value, &t[first - 1]));
    if !after_value && !select_is_code(t, first, p.i) {
        return None;
    }
    if !(clean_end(&mut p) || select_is_code(t, first, p.i) || (after_value && odd)) {
        return None;
    }
    if let Some(h) = special_calls(&p.info, t[at].start, span_end(s, &p)) {
        return Some(h);
    }
    hit("sqli.union", SURE, t[at].start, span_end(s, &p))
}

/// `;` followed by the head of a statement that changes or reads data.
fn stacked_at(s: &Stream, value: &[u8], at: usize) -> Option<Hit> {
    let t = s.tokens();
    let mut i = at;
    while t.get(i).is_some_and(|t| t.kind == Kind::Semi) {
        i += 1;
    }
    let mut h = statement_at(s, value, i, 0)?;
    h.span.start = t[at].start;
    Some(h)
}

/// A statement head at token `at` (after a `;`, or after MSSQL's IF).
fn statement_at(s: &Stream, value: &[u8], at: usize, depth: u8) -> Option<Hit> {
    let t = s.tokens();
    let head = t.get(at)?;
    let mut p = s.parser(at + 1);
    // After `;`, not a value that opens with the statement.
    let stacked = at > 0 && t[at - 1].kind == Kind::Semi;
    if stacked && head.kind == Kind::Word {
        if let Some(last) = file_statement(t, value, at) {
            return hit("sqli.system", SURE, head.start, t[last].end);
        }
        if let Some(last) = admin_statement(s, value, at) {
            return hit("sqli.stacked", SURE, head.start, t[last].end);
        }
    }
    let kw = match head.kind {
        Kind::Kw(kw) => kw,
        // MySQL `IF (...) BENCHMARK(...)`, PL/SQL `BEGIN DBMS_LOCK.SLEEP(5)`.
        // MySQL `;DO (1=1)`: a statement that evaluates an expression, as
        // a probe for stacked queries, over literals or SQL built-ins.
        Kind::Word | Kind::Func(Func::Unknown)
            if stacked && text(value, head).eq_ignore_ascii_case(b"do") =>
        {
            if !p.expr() || !clean_end(&mut p) || (p.info.lit_cmp == 0 && p.info.known_calls == 0) {
                return None;
            }
            if let Some(h) = special_calls(&p.info, head.start, span_end(s, &p)) {
                return Some(h);
            }
            return hit("sqli.stacked", SURE, head.start, span_end(s, &p));
        }
        Kind::Func(Func::Blind | Func::Error | Func::System) | Kind::Word => {
            let mut q = s.parser(at);
            if !q.operand() {
                return None;
            }
            // `Sleep(8) hours a night`: a call that opens the value and
            // runs on into words, as no SQL expression does.
            let prose = at == 0 && runs_into_words(&q);
            if prose {
                return None;
            }
            return special_calls(&q.info, head.start, span_end(s, &q));
        }
        // `IF(1=1)` lexes as a call; as a statement it is MSSQL's IF.
        Kind::Func(_) if value[head.start..head.end].eq_ignore_ascii_case(b"if") => Kw::If,
        _ => return None,
    };
    let ok = match kw {
        Kw::Select => {
            let first = p.i;
            // Inside MSSQL's IF, the branch may end at ELSE.
            let whole = p.select_items()
                && (clean_end(&mut p) || (depth > 0 && p.peek() == Some(Kind::Kw(Kw::Else))))
                && select_is_code(t, first, p.i);
            // `;SELECT (CASE WHEN (1=1`: a stacked query cut off inside a
            // CASE or subquery, the opening of sqlmap's payloads.
            whole || {
                p = s.parser(first);
                p.cut = true;
                p.select_items() && p.at_end() && (p.info.cases > 0 || p.info.subqueries > 0)
            }
        }
        Kw::Drop | Kw::Create | Kw::Alter => {
            if kw == Kw::Create {
                create_modifiers(&mut p, value);
            }
            // `;DROP PROCEDURE p`: a routine, only as a stacked statement:
            // "create procedure docs" opens prose as often.
            let routine = stacked && p.eat_kw(Kw::Procedure);
            // Opening a value, the object is named by a name, not by a
            // word of prose ("create table for the report"); `IF EXISTS`
            // may stand first.
            let typed = (routine || p.eat_kw(Kw::ObjectType))
                && match p.peek() {
                    Some(Kind::Word | Kind::Var | Kind::Func(_)) => true,
                    Some(Kind::Kw(k)) => stacked || k == Kw::If,
                    _ => false,
                };
            // `;DROP users --`: the object type left out, the rest of the
            // app's query commented away.
            let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
            typed
                || (stacked
                    && kw == Kw::Drop
                    && commented
                    && p.eat(Kind::Word)
                    && p.at_end()
                    && !s.cut)
        }
        Kw::Delete => {
            // DELETE LOW_PRIORITY QUICK IGNORE FROM t
            while p.eat(Kind::Word) {}
            p.eat_kw(Kw::From);
            let named = p.eat(Kind::Word);
            if at == 0 {
                // A value that opens with it is a button label or an
                // instruction as often ("Delete from cart"): as a query the
                // app runs whole it must pick its rows, or cut the app's
                // own text away.
                let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
                // A `;` ending the statement is code's punctuation too.
                named
                    && ((p.at_end() && commented)
                        || (p.eat(Kind::Semi) && p.at_end())
                        || (p.eat_kw(Kw::Where) && p.expr() && p.info.cmp > 0))
            } else {
                named && (p.at_end() || p.eat_kw(Kw::Where) || p.eat(Kind::Semi))
            }
        }
        Kw::Insert => {
            // INSERT INTO t [(cols)] VALUES / SELECT / SET; "insert into
            // the slot" names no table followed by any of these.
            p.eat_kw(Kw::Into)
                && matches!(
                    p.peek(),
                    Some(Kind::Word | Kind::Func(_) | Kind::Kw(Kw::ObjectType))
                )
                && {
                    p.i += 1;
                    while p.peek() == Some(Kind::Dot) && p.peek_at(1).is_some() {
                        p.i += 2;
                    }
                    matches!(
                        p.peek(),
                        None | Some(
                            Kind::LParen | Kind::Semi | Kind::Kw(Kw::Values | Kw::Select | Kw::Set)
                        )
                    )
                }
        }
        Kw::Update => p.eat(Kind::Word) && p.eat_kw(Kw::Set),
        // MySQL `REPLACE [INTO] t [(a, b)] VALUES ...`. "Replace" is a
        // common word: the table must be followed by the row's source.
        Kw::Replace => {
            p.eat_kw(Kw::Into);
            let named = p.eat(Kind::Word) && {
                while p.peek() == Some(Kind::Dot) && p.peek_at(1) == Some(Kind::Word) {
                    p.i += 2;
                }
                if p.eat(Kind::LParen) {
                    let mut ok = p.eat(Kind::Word);
                    while ok && p.eat(Kind::Comma) {
                        ok = p.eat(Kind::Word);
                    }
                    ok && p.eat(Kind::RParen)
                } else {
                    true
                }
            };
            named && matches!(p.peek(), Some(Kind::Kw(Kw::Values | Kw::Select | Kw::Set)))
        }
        // MSSQL `PRINT @@version`: a server variable printed into the
        // response.
        Kw::Print => p.peek() == Some(Kind::Var) && value[t[at + 1].start..].starts_with(b"@@"),
        Kw::Truncate => {
            p.eat_kw(Kw::ObjectType);
            p.eat(Kind::Word) && (p.at_end() || p.eat(Kind::Semi))
        }
        Kw::Exec => match p.peek() {
            Some(Kind::Func(_) | Kind::Var | Kind::LParen | Kind::Kw(Kw::As)) => true,
            Some(Kind::Word) => {
                p.i += 1;
                matches!(
                    p.peek(),
                    None | Some(Kind::Dot | Kind::Str | Kind::StrOpen | Kind::Var | Kind::Semi)
                )
            }
            _ => false,
        },
        // `DECLARE @x ...`, MSSQL's `DECLARE c CURSOR FOR SELECT ...`.
        Kw::Declare => {
            p.eat(Kind::Var)
                || (p.peek() == Some(Kind::Word)
                    && t.get(at + 2)
                        .is_some_and(|c| text(value, c).eq_ignore_ascii_case(b"cursor"))
                    && t.get(at + 3).is_some_and(|f| f.kind == Kind::Kw(Kw::For)))
        }
        Kw::Set => {
            // `SET GLOBAL general_log = ON`: a scope before the variable.
            let scoped = t.get(p.i).is_some_and(|x| {
                x.kind == Kind::Word
                    && [&b"global"[..], b"session", b"local", b"persist"]
                        .iter()
                        .any(|w| text(value, x).eq_ignore_ascii_case(w))
            }) && p.peek_at(1) == Some(Kind::Word);
            if scoped {
                p.i += 1;
                // A server setting is named `general_log`, `sql_mode`, and
                // set to a literal or ON: "set global warming = bad" is prose.
                let setting = t[p.i].kind == Kind::Word && text(value, &t[p.i]).contains(&b'_');
                let literal = matches!(
                    p.peek_at(2),
                    Some(Kind::Num | Kind::Str | Kind::Kw(Kw::On | Kw::Literal))
                );
                if !(setting || literal) {
                    return None;
                }
            }
            (p.eat(Kind::Var) || p.eat(Kind::Word))
                && p.eat(Kind::Op(Op::Cmp))
                && (p.expr() || (scoped && p.eat_kw(Kw::On)))
        }
        Kw::Shutdown => p.at_end() || p.eat_kw(Kw::With) || p.eat(Kind::Semi) || p.eat_kw(Kw::End),
        // LOAD DATA [LOCAL] INFILE 'f' / LOAD XML ... INFILE 'f'
        Kw::Load => {
            let mut infile = false;
            for _ in 0..4 {
                let Some(w) = t.get(p.i).filter(|t| t.kind == Kind::Word) else {
                    break;
                };
                p.i += 1;
                if value[w.start..w.end].eq_ignore_ascii_case(b"infile") {
                    infile = true;
                    break;
                }
            }
            infile && matches!(p.peek(), Some(Kind::Str | Kind::StrOpen))
        }
        Kw::Waitfor => return waitfor_at(s, at),
        // PostgreSQL `;COPY t FROM PROGRAM 'id'`, `;COPY (SELECT ...) TO
        // '/tmp/x'`: a stacked statement that runs a command or touches
        // files on the server. Opening a value, "copy" is an English verb.
        Kw::Copy if stacked => return copy_at(s, value, at),
        // `Call me (555) 123-4567`: text after the call is no statement.
        // `;CALL sys.exec('id')`: a routine, qualified or not.
        Kw::Call => {
            // The routine's name may be a keyword (`sys.exec(`).
            let qualified = p.peek() == Some(Kind::Word)
                && p.peek_at(1) == Some(Kind::Dot)
                && matches!(p.peek_at(2), Some(Kind::Func(_) | Kind::Kw(_)))
                && (matches!(p.peek_at(2), Some(Kind::Func(_)))
                    || p.peek_at(3) == Some(Kind::LParen));
            if qualified && stacked {
                p.i += 2;
                if matches!(p.peek(), Some(Kind::Kw(_))) {
                    p.i += 1;
                }
            }
            (matches!(p.peek(), Some(Kind::Func(_) | Kind::LParen))
                && (qualified || p.peek() != Some(Kind::LParen)))
                && p.operand()
                && clean_end(&mut p)
        }
        // `;use master exec ...`
        Kw::Use => {
            p.eat(Kind::Word)
                && matches!(
                    p.peek(),
                    None | Some(Kind::Semi | Kind::Kw(Kw::Exec | Kw::Select))
                )
        }
        Kw::Begin if depth < 4 => {
            // PL/SQL block: BEGIN stmt; END
            return statement_at(s, value, at + 1, depth + 1);
        }
        Kw::If | Kw::While if depth < 4 => {
            // MySQL's `IF((5=7),SELECT 5,...)` as a statement: the branch
            // over a literal comparison that sqlmap stacks, whatever the
            // branches hold.
            if matches!(head.kind, Kind::Func(_)) {
                let mut q = s.parser(at + 2);
                if q.expr() && q.info.lit_cmp > 0 && q.eat(Kind::Comma) {
                    return hit("sqli.stacked", SURE, head.start, t[q.i - 1].end);
                }
            }
            // MSSQL `;IF 1=1 DROP TABLE t`, `;IF(1=1) WAITFOR DELAY '0:0:5'`.
            if !p.expr() {
                return None;
            }
            return statement_at(s, value, p.i, depth + 1);
        }
        Kw::Grant => matches!(
            p.peek(),
            Some(Kind::Kw(Kw::All | Kw::Select | Kw::Insert | Kw::Exec))
        ),
        _ => false,
    };
    if !ok {
        return None;
    }
    if let Some(h) = special_calls(&p.info, head.start, span_end(s, &p)) {
        return Some(h);
    }
    hit("sqli.stacked", SURE, head.start, span_end(s, &p))
}

/// MSSQL's statements that write to or read from a file or share named
/// by the attacker: `BACKUP DATABASE|LOG db TO DISK='\\host\x'`, `BULK
/// INSERT t FROM '\\host\x'` (also how its service account's hash is
/// sent to a listener). The index of its last token read.
fn file_statement(t: &[Token], value: &[u8], at: usize) -> Option<usize> {
    let h = Heads { t, value };
    if h.word(at, b"backup") {
        let what = h.kind(at + 1) == Some(Kind::Kw(Kw::ObjectType))
            && text(value, &t[at + 1]).eq_ignore_ascii_case(b"database")
            || h.word(at + 1, b"log");
        // `TO DISK = '...'`: "backup database nightly to disk" is prose.
        let target = h.word(at + 3, b"to")
            && (h.word(at + 4, b"disk") || h.word(at + 4, b"url") || h.word(at + 4, b"tape"))
            && h.kind(at + 5) == Some(Kind::Op(Op::Cmp))
            && matches!(h.kind(at + 6), Some(Kind::Str | Kind::StrOpen | Kind::Var));
        return (what && h.name(at + 2) && target).then_some(at + 6);
    }
    if h.word(at, b"bulk") && h.kind(at + 1) == Some(Kind::Kw(Kw::Insert)) {
        let mut i = at + 2;
        while h.name(i) && h.kind(i + 1) == Some(Kind::Dot) && i < at + 8 {
            i += 2;
            while h.kind(i) == Some(Kind::Dot) {
                i += 1;
            }
        }
        // The file, then the statement's end or its WITH options: prose
        // runs on in words ("from 'legacy' system").
        let ok = h.name(i)
            && h.kind(i + 1) == Some(Kind::Kw(Kw::From))
            && matches!(h.kind(i + 2), Some(Kind::Str | Kind::StrOpen))
            && matches!(h.kind(i + 3), None | Some(Kind::Semi | Kind::Kw(Kw::With)));
        return ok.then_some(i + 2);
    }
    None
}

/// MySQL's statements that take tables or sessions over, stacked after a
/// `;`: `RENAME TABLE a TO b`, `LOCK TABLES t WRITE`, `HANDLER t OPEN` /
/// `READ FIRST` (reads rows with no SELECT), `KILL [QUERY] 7`. Each ends
/// the value, a statement or the line: prose after a `;` runs on. The
/// index of its last token.
fn admin_statement(s: &Stream, value: &[u8], at: usize) -> Option<usize> {
    let t = s.tokens();
    let h = Heads { t, value };
    let last = if h.word(at, b"rename")
        && h.kind(at + 1) == Some(Kind::Kw(Kw::ObjectType))
        && h.name(at + 2)
        && h.word(at + 3, b"to")
        && h.name(at + 4)
    {
        at + 4
    } else if h.word(at, b"lock")
        && (h.word(at + 1, b"tables") || h.word(at + 1, b"table"))
        && h.name(at + 2)
        && (h.word(at + 3, b"read") || h.word(at + 3, b"write"))
    {
        at + 3
    } else if h.word(at, b"handler")
        && h.name(at + 1)
        && (h.word(at + 2, b"open") || h.word(at + 2, b"read") || h.word(at + 2, b"close"))
    {
        // `READ FIRST|NEXT|...`: the row to read.
        let row = [&b"first"[..], b"next", b"prev", b"last"]
            .iter()
            .any(|w| h.word(at + 3, w));
        if h.word(at + 2, b"read") && !row {
            return None;
        }
        at + 2 + usize::from(row)
    } else if h.word(at, b"kill") {
        let n = at + 1 + usize::from(h.word(at + 1, b"query") || h.word(at + 1, b"connection"));
        // "Press Ctrl+C; kill 1": alone it is a shell's as much.
        if h.kind(n) != Some(Kind::Num) || s.end_comment.is_none() && h.kind(n + 1).is_none() {
            return None;
        }
        n
    } else {
        return None;
    };
    // The statement ends: the value, a `;`, or a comment cutting the rest.
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    let ends = match h.kind(last + 1) {
        None => !s.cut && (commented || s.end_comment.is_none()),
        Some(Kind::Semi) => true,
        _ => false,
    };
    ends.then_some(last)
}

/// The tokens a statement head is read by, by index (`None` past the end).
struct Heads<'a> {
    t: &'a [Token],
    value: &'a [u8],
}

impl Heads<'_> {
    /// Token `i` is the plain word `w`, in any case.
    fn word(&self, i: usize, w: &[u8]) -> bool {
        self.t
            .get(i)
            .is_some_and(|x| x.kind == Kind::Word && text(self.value, x).eq_ignore_ascii_case(w))
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|x| x.kind)
    }

    /// Token `i` is a name (a word that is no keyword).
    fn name(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Word)
    }
}

/// Skips what may stand between CREATE and its object type: PostgreSQL's
/// and Oracle's `OR REPLACE`, MSSQL's `OR ALTER`, and the words that say
/// what kind of table, index or view it is (`TEMPORARY`, `UNIQUE`...).
fn create_modifiers(p: &mut Parser<'_>, value: &[u8]) {
    if p.peek() == Some(Kind::Kw(Kw::Or))
        && matches!(p.peek_at(1), Some(Kind::Kw(Kw::Replace | Kw::Alter)))
    {
        p.i += 2;
    }
    const MODIFIERS: [&[u8]; 7] = [
        b"global",
        b"materialized",
        b"temp",
        b"temporary",
        b"trusted",
        b"unique",
        b"unlogged",
    ];
    for _ in 0..2 {
        let modifier = p.t.get(p.i).is_some_and(|x| {
            x.kind == Kind::Word
                && MODIFIERS
                    .iter()
                    .any(|m| text(value, x).eq_ignore_ascii_case(m))
        });
        if !modifier {
            return;
        }
        p.i += 1;
    }
}

/// `COPY name|(query) FROM|TO [PROGRAM] 'target'` at token `at`.
fn copy_at(s: &Stream, value: &[u8], at: usize) -> Option<Hit> {
    let t = s.tokens();
    let mut p = s.parser(at + 1);
    let source = if p.peek() == Some(Kind::LParen) {
        p.operand()
    } else {
        p.eat(Kind::Word) && {
            while p.peek() == Some(Kind::Dot) && p.peek_at(1) == Some(Kind::Word) {
                p.i += 2;
            }
            true
        }
    };
    let to = t
        .get(p.i)
        .is_some_and(|x| x.kind == Kind::Word && text(value, x).eq_ignore_ascii_case(b"to"));
    if !source || !(p.eat_kw(Kw::From) || (to && p.eat(Kind::Word))) {
        return None;
    }
    if t.get(p.i)
        .is_some_and(|x| x.kind == Kind::Word && text(value, x).eq_ignore_ascii_case(b"program"))
    {
        p.i += 1;
    }
    if !matches!(p.peek(), Some(Kind::Str | Kind::StrOpen)) {
        return None;
    }
    hit("sqli.system", SURE, t[at].start, t[p.i].end)
}

/// After a call: a word, then another word or a literal (`Sleep(8) hours
/// a night`, `sleep(5) returns 0 unless ...`). SQL has at most an alias
/// there, and after an alias a keyword, a comma or the end.
fn runs_into_words(p: &Parser<'_>) -> bool {
    p.peek() == Some(Kind::Word)
        && matches!(
            p.peek_at(1),
            Some(Kind::Word | Kind::Num | Kind::Str | Kind::StrOpen)
        )
}

/// `EXEC [master..|master.dbo.]xp_cmdshell`: a system procedure called by
/// name.
fn exec_system(s: &Stream, value: &[u8], at: usize) -> Option<Hit> {
    let t = s.tokens();
    let mut i = at + 1;
    // Qualifiers: `master..`, `master.dbo.`.
    while i + 1 < t.len().min(at + 6) && t[i].kind == Kind::Word && t[i + 1].kind == Kind::Dot {
        i += 2;
        while t.get(i).is_some_and(|x| x.kind == Kind::Dot) {
            i += 1;
        }
    }
    let name = t.get(i)?;
    if !matches!(name.kind, Kind::Word | Kind::Func(_)) || !keywords::system_name(text(value, name))
    {
        return None;
    }
    hit("sqli.system", SURE, t[at].start, name.end)
}

/// MSSQL `WAITFOR DELAY '0:0:5'` / `WAITFOR TIME '...'`.
fn waitfor_at(s: &Stream, at: usize) -> Option<Hit> {
    let t = s.tokens();
    let unit = t.get(at + 1)?;
    let is_unit = unit.kind == Kind::Kw(Kw::Delay) || unit.kind == Kind::Word;
    let arg = t.get(at + 2)?;
    if is_unit && matches!(arg.kind, Kind::Str | Kind::StrOpen | Kind::Var) {
        return hit("sqli.blind", SURE, t[at].start, arg.end);
    }
    None
}

/// Tokens after which an expression may start.
fn expr_position(t: &[Token], value: &[u8], k: usize) -> bool {
    if k >= 2 && t[k - 1].kind == Kind::Dot && t[k - 2].kind == Kind::Word {
        return expr_position(t, value, k - 2);
    }
    // `${sleep(12)}`: the interpolation PHP, EL and JS templates evaluate,
    // so what it holds runs as an expression wherever the value lands.
    let interpolated = k >= 2
        && text(value, &t[k - 1]) == b"{"
        && text(value, &t[k - 2]).ends_with(b"$")
        && t[k - 2].end == t[k - 1].start;
    interpolated
        || k == 0
        || matches!(
            t[k - 1].kind,
            Kind::Op(_)
                | Kind::LParen
                | Kind::Comma
                | Kind::Semi
                | Kind::Kw(
                    Kw::And
                        | Kw::Or
                        | Kw::Xor
                        | Kw::Not
                        | Kw::Select
                        | Kw::Where
                        | Kw::Having
                        | Kw::When
                        | Kw::Then
                        | Kw::Else
                        | Kw::WordOp
                        | Kw::Exec
                        | Kw::Into
                        | Kw::By
                )
        )
}

/// The first place in `text` where an [`anywhere`] rule may start: every
/// such rule starts at a `;`, at one of a few keywords, at a blind, error
/// or system function, or at AND/OR/XOR before an `@@` variable (so at the
/// `@@` or before it). A keyword may also be glued across a comment or tag
/// (`UN/**/ION`, `sel<b>ect`), whose `/*` or `<` comes first. Keywords are
/// whole words to the lexer, so a substring search finds all of them.
fn anywhere_trigger(text: &[u8]) -> Option<usize> {
    static TRIGGERS: LazyLock<Keywords> = LazyLock::new(|| {
        let words = keywords::keywords_where(|k| {
            matches!(
                k,
                Kw::Union | Kw::SetOp | Kw::Select | Kw::Waitfor | Kw::Exec | Kw::Outfile
            )
        })
        .chain(keywords::functions_where(|f| {
            matches!(f, Func::Blind | Func::Error | Func::System)
        }));
        Keywords::new(
            [";", "@@", "<", "/*"].into_iter().chain(words),
            true,
            MatchKind::LeftmostFirst,
        )
    });
    TRIGGERS.find(text).map(|m| m.start())
}

/// Rules that hold wherever they appear in the value.
fn anywhere(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    for k in 0..t.len() {
        let found = match t[k].kind {
            Kind::Kw(Kw::Union | Kw::SetOp) if k > 0 => {
                let after_value = matches!(
                    t[k - 1].kind,
                    Kind::Num | Kind::Str | Kind::RParen | Kind::Var | Kind::Kw(Kw::Literal)
                );
                union_at(s, value, k, after_value)
            }
            Kind::Semi => stacked_at(s, value, k),
            Kind::Kw(Kw::And | Kw::Or | Kw::Xor) if k > 0 => server_variable_probe(s, value, k),
            Kind::Kw(Kw::Select) if k > 0 => commented_select(s, value, k),
            Kind::Kw(Kw::Waitfor) => waitfor_at(s, k),
            // `10 UNION exec master..xp_cmdshell 'dir'`: whatever precedes
            // it, EXEC of a system procedure runs commands.
            Kind::Kw(Kw::Exec) => exec_system(s, value, k),
            Kind::Func(Func::Blind | Func::Error | Func::System) if expr_position(t, value, k) => {
                let mut p = s.parser(k);
                // `Sleep(8) hours a night`, wherever it stands (a path
                // segment, a Referer's query): prose runs on into words,
                // and SQL has at most one (an alias) after an expression.
                if p.operand() && !runs_into_words(&p) {
                    special_calls(&p.info, t[k].start, span_end(s, &p))
                } else {
                    None
                }
            }
            Kind::Kw(Kw::Outfile) if k > 0 && t[k - 1].kind == Kind::Kw(Kw::Into) => {
                let arg = if t.get(k + 1).map(|t| t.kind) == Some(Kind::LParen) {
                    k + 2
                } else {
                    k + 1
                };
                match t.get(arg) {
                    Some(a) if matches!(a.kind, Kind::Str | Kind::StrOpen | Kind::Func(_)) => {
                        hit("sqli.system", SURE, t[k - 1].start, a.end)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `... select concat(name,0x3a,pw) from users limit 1/*`: whatever came
/// before, a SELECT that calls SQL built-ins on a table it names and
/// comments the rest of the query away, reaching the end of the value.
fn commented_select(s: &Stream, value: &[u8], k: usize) -> Option<Hit> {
    let t = s.tokens();
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    if !commented || s.cut {
        return None;
    }
    let mut p = s.parser(k + 1);
    let items = p.i;
    if !p.select_items() || !p.at_end() || p.info.known_calls == 0 {
        return None;
    }
    if !from_ok(t, items, p.i) || prose_from(t, value) {
        return None;
    }
    if let Some(h) = special_calls(&p.info, t[k].start, span_end(s, &p)) {
        return Some(h);
    }
    hit("sqli.expression", SURE, t[k].start, span_end(s, &p))
}

/// `... and 1=@@version`: a connective after a value, then a comparison
/// with a server variable (`@@version`, `@@datadir`) that ends the value:
/// the boolean probe that fingerprints the database, whatever came
/// before. Prose and app values have no `@@` names.
fn server_variable_probe(s: &Stream, value: &[u8], k: usize) -> Option<Hit> {
    let t = s.tokens();
    if !matches!(
        t[k - 1].kind,
        Kind::Num | Kind::Str | Kind::Word | Kind::RParen | Kind::Var
    ) {
        return None;
    }
    let mut p = s.parser(k + 1);
    if !p.expr() || !clean_end(&mut p) || p.info.cmp == 0 {
        return None;
    }
    let server_var = t[k + 1..p.i]
        .iter()
        .any(|x| x.kind == Kind::Var && text(value, x).starts_with(b"@@"));
    if !server_var {
        return None;
    }
    let rule = if t[k].kind == Kind::Kw(Kw::And) {
        "sqli.boolean"
    } else {
        "sqli.tautology"
    };
    hit(rule, SURE, t[k].start, span_end(s, &p))
}

/// Fragment tier: a score that reaches the default threshold but not
/// `SURE`. Values that are nothing but a piece of SQL (`concat(`, `' or
/// 1=`, `) AS t FROM`) are hostile probes even though no query they make
/// is complete.
const FRAGMENT: u32 = 6;

/// A value that is one name and nothing else: a system schema
/// (`information_schema`, `pg_catalog`) or an MSSQL / Oracle system
/// procedure (`xp_cmdshell`, `sp_executesql`, `utl_http`). No prose and no
/// machine value is spelled so; DB admin tools that browse catalogs are
/// the one benign source, hence the fragment tier.
fn lone_name(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let v = value.trim_ascii();
    if v.len() < 6 || v.len() > 48 {
        return None;
    }
    let off = value.len() - value.trim_ascii_start().len();
    let found = if let Some(sp) = v.iter().position(u8::is_ascii_whitespace) {
        let (head, tail) = (&v[..sp], v[sp..].trim_ascii());
        // `UnIoN SeLeCt`: the pair in the mixed case that evades
        // case-sensitive filters; no prose writes words so.
        let union_select =
            head.eq_ignore_ascii_case(b"union") && tail.eq_ignore_ascii_case(b"select");
        // `select pg_sleep`: a delay function named with an underscore,
        // as no prose writes it, its call cut off.
        let delay = keywords::function(tail) == Some(Func::Blind) && tail.contains(&b'_');
        let catalog = tail.strip_suffix(b".").unwrap_or(tail);
        let from = head.eq_ignore_ascii_case(b"from") || head.eq_ignore_ascii_case(b"join");
        if from && keywords::schema(catalog) {
            // `FROM information_schema.`: a table read from a catalog.
            return hit("sqli.schema", SURE, off, off + v.len());
        } else if union_select && (odd_case(head) || odd_case(tail)) {
            hit("sqli.union", FRAGMENT, off, off + v.len())
        } else if (head.eq_ignore_ascii_case(b"order") || head.eq_ignore_ascii_case(b"group"))
            && tail.eq_ignore_ascii_case(b"by")
            && (odd_case(head) || odd_case(tail))
        {
            // `ORder by`: the clause probe in the same mixed case.
            hit("sqli.clause", FRAGMENT, off, off + v.len())
        } else if head.eq_ignore_ascii_case(b"select") && delay {
            hit("sqli.function", FRAGMENT, off, off + v.len())
        } else {
            None
        }
    } else if keywords::schema(v) {
        hit("sqli.schema", 5, off, off + v.len())
    } else if keywords::system_name(v) {
        hit("sqli.system", 5, off, off + v.len())
    } else {
        None
    };
    let mut h = found?;
    match ctx.sensitivity {
        Sensitivity::Low => return None,
        Sensitivity::High | Sensitivity::Paranoid => h.score += 2,
        _ => {}
    }
    Some(h)
}

fn text<'v>(value: &'v [u8], t: &Token) -> &'v [u8] {
    &value[t.start..t.end]
}

/// A keyword in alternating case (`UnIoN`, `sElEcT`, `uNION`): the
/// evasion of case-sensitive filters. Prose writes words lower, upper or
/// capitalized.
fn odd_case(word: &[u8]) -> bool {
    let letters = || word.iter().filter(|b| b.is_ascii_alphabetic());
    let upper = letters().filter(|b| b.is_ascii_uppercase()).count();
    let lower = letters().filter(|b| b.is_ascii_lowercase()).count();
    let capitalized = word.first().is_some_and(u8::is_ascii_uppercase) && upper == 1;
    upper > 0 && lower > 0 && !capitalized
}

/// Whether the broken-out string of a quoted start reads as one value
/// (`admin'`, `x@y.z'`), not as prose that holds a quote.
fn value_like_break(t: &[Token], value: &[u8]) -> bool {
    t.first()
        .is_some_and(|b| !text(value, b).iter().any(u8::is_ascii_whitespace))
}

fn stronger(a: Option<Hit>, b: Option<Hit>) -> Option<Hit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The fragment rules: SQL-dense values that are not whole injections.
fn fragment(s: &Stream, value: &[u8], start: Start) -> Option<Hit> {
    let t = s.tokens();
    if t.is_empty() {
        return None;
    }
    let mut best: Option<Hit> = None;
    if start == Start::Bare {
        for h in [
            schema_ref(t, value),
            noise_call(s, value),
            call_opener(s, value),
            alias_from(s, value),
            from_clause(s, value),
            typed_cast(s, value),
            set_variable(s, value),
            truncated_select(s, value),
            having_call(s),
            drop_evasion(s, value),
            literal_tuple(s),
            when_then(s),
            literal_compare(s, value),
            open_inequality(s, value),
            quoted_name(s, value),
            select_delay_name(s, value),
            odd_clause(s, value),
        ] {
            best = stronger(best, h);
        }
        if best.as_ref().is_none_or(|h| h.score < 5) {
            best = stronger(best, dangling(s, value, 0, start));
            best = stronger(best, stacked_head(s, value, 0));
            best = stronger(best, commented_connective(s, value, start));
            if t[0].kind == Kind::Num {
                best = stronger(best, stacked_variable(s, value));
            }
        }
    } else {
        // `9999' (select count(*) from information_schema.tables ...`.
        best = stronger(best, schema_ref(&t[1..], value));
        if value_like_break(t, value) {
            best = stronger(best, dangling(s, value, 1, start));
            best = stronger(best, break_statement_end(s, value));
            best = stronger(best, commented_connective(s, value, start));
            best = stronger(best, stacked_head(s, value, 1));
            best = stronger(best, alias_after_break(s, value));
            best = stronger(best, quoted_operator(s, value));
            best = stronger(best, cut_ddl(s, value));
        }
        best = stronger(best, escaped_break(s, value));
        best = stronger(best, value_list(s, value));
    }
    best
}

/// A system schema named where a query reads a table: after FROM or JOIN
/// (`FROM information_schema.tables`), or qualifying a name
/// (`information_schema.columns`) in a value with a SQL clause.
fn schema_ref(t: &[Token], value: &[u8]) -> Option<Hit> {
    let clause = t
        .iter()
        .any(|t| matches!(t.kind, Kind::Kw(Kw::From | Kw::Select | Kw::Join)));
    for (k, tok) in t.iter().enumerate() {
        if tok.kind != Kind::Word || !keywords::schema(text(value, tok)) {
            continue;
        }
        let after_from = k > 0 && matches!(t[k - 1].kind, Kind::Kw(Kw::From | Kw::Join));
        let qualified = t.get(k + 1).is_some_and(|n| n.kind == Kind::Dot);
        if after_from || (qualified && clause) {
            let end = t
                .get(k + 2)
                .filter(|_| qualified)
                .map_or(tok.end, |n| n.end);
            return hit("sqli.schema", SURE, t[0].start, end);
        }
    }
    None
}

/// MySQL `1.e(` noise (read as whitespace by the lexer) next to a SQL
/// built-in: the scientific-notation bypass. Nobody writes `1.e(ascii`
/// for any other reason.
fn noise_call(s: &Stream, value: &[u8]) -> Option<Hit> {
    if s.noise == 0 {
        return None;
    }
    let t = s.tokens();
    let sql = t.iter().any(|x| match x.kind {
        Kind::Func(f) => f != Func::Unknown,
        Kind::Kw(Kw::Select | Kw::From | Kw::Union) => true,
        Kind::Word => {
            let w = text(value, x);
            keywords::function(w).is_some_and(|f| f != Func::Unknown) || keywords::schema(w)
        }
        _ => false,
    });
    if !sql {
        return None;
    }
    hit("sqli.expression", SURE, t[0].start, t[t.len() - 1].end)
}

/// A value that is an opened call of a SQL-specific built-in and nothing
/// else (`concat(`, `benchmark (`, `db_name(`), or a select list ending in
/// one (`select 1,2,user(`): the probe for which functions pass. Generic
/// names (`count(`, `abs(`, `max(`) score 4.
fn call_opener(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let n = t.len();
    if s.cut || n < 2 || s.end_comment.is_some() {
        return None;
    }
    if t[0].kind == Kind::Comma {
        return listed_call(s, value);
    }
    if t[n - 1].kind != Kind::LParen {
        return None;
    }
    // `IN/**/(`, `concat/**/(`: a comment where the space would be, the
    // filter evasion no prose and no other language writes.
    if n == 2 && s.inner_comments > 0 && matches!(t[0].kind, Kind::Kw(_) | Kind::Func(_)) {
        return hit("sqli.function", FRAGMENT, t[0].start, t[1].end);
    }
    let Kind::Func(f) = t[n - 2].kind else {
        return None;
    };
    if f == Func::Unknown {
        return None;
    }
    let name = text(value, &t[n - 2]);
    // `select 1,user(`, and MySQL's `procedure analyse(`.
    let select = n > 2 && t[0].kind == Kind::Kw(Kw::Select);
    let procedure =
        n == 3 && t[0].kind == Kind::Kw(Kw::Procedure) && name.eq_ignore_ascii_case(b"analyse");
    if procedure {
        return hit("sqli.clause", FRAGMENT, t[0].start, t[n - 1].end);
    }
    if n > 2 && !select {
        return None;
    }
    let score = if keywords::sql_specific(name) {
        FRAGMENT
    } else {
        4
    };
    hit("sqli.function", score, t[0].start, t[n - 1].end)
}

/// `, FIND_IN_SET('22', col)`: a list continued with a call of a
/// SQL-specific built-in, closed or not: the tail of a select list or
/// ORDER BY the app's query opened. Prose does not start with a comma.
fn listed_call(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let f = t.get(1)?;
    if !matches!(f.kind, Kind::Func(_)) || !keywords::sql_specific(text(value, f)) {
        return None;
    }
    let mut p = s.parser(1);
    if !p.expr() || !p.at_end() {
        return None;
    }
    hit("sqli.function", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `) AS alias FROM`: the end of a select list, closing the app's
/// parenthesis, naming a table to read. A leading `)` or a quoted alias
/// (`1 AS "x" FROM`) is what prose does not have.
fn alias_from(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut {
        return None;
    }
    let mut i = 0;
    while t.get(i).is_some_and(|x| x.kind == Kind::RParen) {
        i += 1;
    }
    let closed = i > 0;
    if !closed {
        if !matches!(t.first().map(|x| x.kind), Some(Kind::Num | Kind::Str)) {
            return None;
        }
        i = 1;
    }
    if t.get(i)?.kind != Kind::Kw(Kw::As) {
        return None;
    }
    let alias = t.get(i + 1)?;
    let quoted_alias = alias.kind == Kind::Str
        || (alias.kind == Kind::Word && matches!(value[alias.start], b'`' | b'['));
    match alias.kind {
        Kind::Word | Kind::Str => {}
        Kind::Kw(_) if closed => {}
        _ => return None,
    }
    if !(closed || quoted_alias) || t.get(i + 2)?.kind != Kind::Kw(Kw::From) {
        return None;
    }
    let mut j = i + 3;
    if j < t.len() && t[j].kind == Kind::Word {
        j += 1;
        while j + 1 < t.len() && t[j].kind == Kind::Dot && t[j + 1].kind == Kind::Word {
            j += 2;
        }
    }
    // After a quoted alias the table may run on into the app's text.
    if j != t.len() && !(quoted_alias && j > i + 3) {
        return None;
    }
    hit("sqli.clause", FRAGMENT, t[0].start, t[j - 1].end)
}

/// A value that is the start of a SELECT cut off mid-expression, with a
/// subquery, a CASE or a SQL-specific call in it (`SELECT 'a'||(SELECT
/// (CASE`, `SELECT CHR(113)||(SELECT`): the opening of sqlmap-style
/// payloads, sent alone or truncated by a length limit.
fn truncated_select(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut {
        return None;
    }
    // `in ( select * from`, `(CONVERT(INT,(SELECT`: a subquery opened
    // where a value goes; `@x = (SELECT`: assigned to a variable.
    let lead = if t.first()?.kind == Kind::Var && t.get(1)?.kind == Kind::Op(Op::Cmp) {
        2
    } else {
        0
    };
    let membership = matches!(t.get(lead)?.kind, Kind::Kw(Kw::In | Kw::Exists));
    let mut i = lead + usize::from(membership);
    let opened = i > lead || t[lead].kind == Kind::LParen;
    if lead > 0 && !opened {
        return None;
    }
    if opened {
        while t.get(i).is_some_and(|x| x.kind == Kind::LParen) {
            i += 1;
        }
        if i == lead || t.get(i - 1)?.kind != Kind::LParen {
            return None;
        }
    }
    let mut p = s.parser(i);
    p.cut = true;
    if opened && t.get(i)?.kind != Kind::Kw(Kw::Select) {
        // `(CONVERT(INT,(SELECT ...`: an expression holding the subquery.
        if !p.expr() || !p.at_end() || p.info.subqueries == 0 {
            return None;
        }
        return hit("sqli.expression", FRAGMENT, t[0].start, t[t.len() - 1].end);
    }
    if !p.eat_kw(Kw::Select) || !p.select_items() {
        return None;
    }
    // `in (select id from t where x)`: the whole subquery, closed.
    let mut closed = false;
    while opened && p.eat(Kind::RParen) {
        closed = true;
    }
    if !p.at_end() {
        return None;
    }
    let from = t[i..].iter().any(|x| x.kind == Kind::Kw(Kw::From));
    // A WHERE that compares: prose in parentheses ("in (select one from
    // the list)") has the words but no condition.
    let condition = t[i..]
        .iter()
        .position(|x| x.kind == Kind::Kw(Kw::Where))
        .is_some_and(|w| {
            t[i + w..].iter().any(|x| {
                matches!(
                    x.kind,
                    Kind::Op(Op::Cmp)
                        | Kind::Kw(Kw::Is | Kw::In | Kw::WordOp | Kw::Between | Kw::NotNull)
                )
            })
        });
    if closed {
        // A closed subquery alone is `whole_value`'s to judge.
        let sure = from && condition && membership && !prose_from(t, value);
        return if sure {
            hit("sqli.expression", SURE, t[0].start, t[t.len() - 1].end)
        } else {
            None
        };
    }
    let specific = t
        .iter()
        .any(|x| matches!(x.kind, Kind::Func(_)) && keywords::sql_specific(text(value, x)));
    let case = t.iter().any(|x| x.kind == Kind::Kw(Kw::Case));
    // A variable assigned a subquery is evidence by itself, and so is a
    // value that ends right after the SELECT it opened (`(select`, `in
    // (SELECT`): cut where the probe stops, with no words of prose.
    let bare = opened && t.len() == i + 1;
    let evidence =
        p.info.subqueries > 0 || case || specific || (opened && from) || lead > 0 || bare;
    if !evidence {
        return None;
    }
    hit("sqli.expression", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `IN (815914, 815913)`, `VALUES ('10.0.0.1', 'x')`: a membership test
/// or a row over two or more literals and nothing else, the tail of
/// `WHERE id IN (...)` or of an INSERT. Scores 5.
fn literal_tuple(s: &Stream) -> Option<Hit> {
    let t = s.tokens();
    let values = match t.first()?.kind {
        Kind::Kw(Kw::In) => false,
        Kind::Kw(Kw::Values) => true,
        _ => return None,
    };
    if s.cut || s.end_comment.is_some() {
        return None;
    }
    let mut i = 1;
    loop {
        if t.get(i)?.kind != Kind::LParen {
            return None;
        }
        i += 1;
        let mut items = 0;
        loop {
            if t.get(i).is_some_and(|x| x.kind == Kind::Op(Op::Sign)) {
                i += 1;
            }
            if !matches!(t.get(i)?.kind, Kind::Num | Kind::Str) {
                return None;
            }
            items += 1;
            i += 1;
            match t.get(i)?.kind {
                Kind::Comma => i += 1,
                Kind::RParen => break,
                _ => return None,
            }
        }
        i += 1;
        if items < 2 {
            return None;
        }
        // More rows: `VALUES (1, 'a'), (2, 'b')`.
        if values && t.get(i).is_some_and(|x| x.kind == Kind::Comma) {
            i += 1;
            continue;
        }
        break;
    }
    if i != t.len() {
        return None;
    }
    hit("sqli.expression", 5, t[0].start, t[i - 1].end)
}

/// `) WHEN 234 THEN`: a CASE branch after the app's parenthesis, cut
/// before its result or ending with one.
fn when_then(s: &Stream) -> Option<Hit> {
    let t = s.tokens();
    let mut i = 0;
    while t.get(i).is_some_and(|x| x.kind == Kind::RParen) {
        i += 1;
    }
    if i == 0 || s.cut || t.get(i)?.kind != Kind::Kw(Kw::When) {
        return None;
    }
    let mut p = s.parser(i + 1);
    if !p.expr() || !p.eat_kw(Kw::Then) || !(p.at_end() || (p.expr() && p.at_end())) {
        return None;
    }
    // The condition is code: a literal or a comparison, not a word
    // (") when ready then").
    let code = t[i + 1..]
        .iter()
        .take_while(|x| x.kind != Kind::Kw(Kw::Then))
        .any(|x| matches!(x.kind, Kind::Num | Kind::Str | Kind::Op(Op::Cmp)));
    if !code {
        return None;
    }
    hit("sqli.expression", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `'x'!='y`, `'a'<>'b`: a value that is a single-quoted literal compared
/// unequal with a string the app's own quote closes, a condition true
/// whatever the query: the tautology of a break whose quote the app
/// supplied. `!=` and `<>` are code's; prose neither writes them between
/// quotes nor leaves the last quote open.
fn open_inequality(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() {
        return None;
    }
    let [a, op, b] = t else { return None };
    let single = |x: &Token| value[x.start] == b'\'';
    let unequal = matches!(text(value, op), b"!=" | b"<>");
    let ok = a.kind == Kind::Str && b.kind == Kind::StrOpen && single(a) && single(b) && unequal;
    if !ok || b.end - b.start < 2 {
        return None;
    }
    hit("sqli.tautology", FRAGMENT, a.start, b.end)
}

/// A value that only compares literals with SQL's operators: a chain
/// (`'{"a":2}' < '$.c' = 7`) or a pattern match (`'1' not regexp '2'`).
/// Both hold a single-quoted string; a plain `'a' like 'b'` could be a
/// quotation and is left alone.
fn literal_compare(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() || t.len() < 3 {
        return None;
    }
    let literal_only = t.iter().all(|x| {
        matches!(
            x.kind,
            Kind::Num | Kind::Str | Kind::Op(Op::Cmp) | Kind::Kw(Kw::WordOp | Kw::Not)
        )
    });
    let quoted = t
        .iter()
        .any(|x| x.kind == Kind::Str && value[x.start] == b'\'');
    if !literal_only || !quoted {
        return None;
    }
    let mut p = s.parser(0);
    if !p.expr() || !p.at_end() {
        return None;
    }
    let word = t.iter().find(|x| x.kind == Kind::Kw(Kw::WordOp));
    let negated = t.iter().any(|x| x.kind == Kind::Kw(Kw::Not));
    let pattern = word.is_some_and(|w| negated || !text(value, w).eq_ignore_ascii_case(b"like"));
    if !(p.info.cmp >= 2 || pattern) {
        return None;
    }
    hit("sqli.expression", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `'msdasql'`, `"information_schema"`: a value that is one quoted
/// system name (see `lone_name`). Scores 5.
fn quoted_name(s: &Stream, value: &[u8]) -> Option<Hit> {
    let [t] = s.tokens() else {
        return None;
    };
    let inner = text(value, t);
    if t.kind != Kind::Str || inner.len() < 3 || inner[0] != inner[inner.len() - 1] {
        return None;
    }
    let name = &inner[1..inner.len() - 1];
    let rule = if keywords::system_name(name) {
        "sqli.system"
    } else if keywords::schema(name) {
        "sqli.schema"
    } else {
        return None;
    };
    hit(rule, 5, t.start, t.end)
}

/// `select pg_sleep`: a SELECT of a delay function named with an
/// underscore, as no prose writes it, its call cut off.
fn select_delay_name(s: &Stream, value: &[u8]) -> Option<Hit> {
    let [k, w] = s.tokens() else {
        return None;
    };
    let name = text(value, w);
    let delay = keywords::function(name) == Some(Func::Blind) && name.contains(&b'_');
    if s.cut || k.kind != Kind::Kw(Kw::Select) || w.kind != Kind::Word || !delay {
        return None;
    }
    hit("sqli.function", FRAGMENT, k.start, w.end)
}

/// `ORder by` as tokens (`ORder+by`, `gRoUp/**/by`): the clause probe in
/// mixed case, as `lone_name` reads it in a plain value.
fn odd_clause(s: &Stream, value: &[u8]) -> Option<Hit> {
    let [k, by] = s.tokens() else {
        return None;
    };
    let clause = matches!(k.kind, Kind::Kw(Kw::Order | Kw::Group)) && by.kind == Kind::Kw(Kw::By);
    if s.cut || !clause || !(odd_case(text(value, k)) || odd_case(text(value, by))) {
        return None;
    }
    hit("sqli.clause", FRAGMENT, k.start, by.end)
}

/// A quote break, then `AS alias FROM [table]` (`` ` AS `uid` from ``,
/// `x' AS y FROM t`): the app's column closed, renamed, and the query
/// pointed at another table.
fn alias_after_break(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || t.len() < 4 || t[1].kind != Kind::Kw(Kw::As) {
        return None;
    }
    if !matches!(t[2].kind, Kind::Word | Kind::Str) || t[3].kind != Kind::Kw(Kw::From) {
        return None;
    }
    let mut j = 4;
    if t.get(j).is_some_and(|x| x.kind == Kind::Word) {
        j += 1;
        while j + 1 < t.len() && t[j].kind == Kind::Dot && t[j + 1].kind == Kind::Word {
            j += 2;
        }
    }
    // A quoted alias, or a table named: "x' as well from" is prose.
    let quoted_alias = t[2].kind == Kind::Str || matches!(value[t[2].start], b'`' | b'[' | b'"');
    if j != t.len() || !(quoted_alias || j > 4) {
        return None;
    }
    hit("sqli.clause", FRAGMENT, t[0].start, t[j - 1].end)
}

/// `HAVING COUNT(x) > 5`: a HAVING clause over an aggregate call, the
/// tail of a grouped query.
fn having_call(s: &Stream) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || t.first()?.kind != Kind::Kw(Kw::Having) {
        return None;
    }
    let mut p = s.parser(1);
    if !p.expr() || !p.at_end() || p.info.calls == 0 || p.info.cmp == 0 {
        return None;
    }
    hit("sqli.clause", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `DROP name;--`, `DROP/**/name`: DROP of a table named without TABLE,
/// dressed with a comment that truncates or splits it. Prose that drops
/// something has neither.
fn drop_evasion(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || t.first()?.kind != Kind::Kw(Kw::Drop) {
        return None;
    }
    let shape = match t {
        [_, w] | [_, w, _] => w.kind == Kind::Word && (t.len() == 2 || t[2].kind == Kind::Semi),
        _ => false,
    };
    let commented = s.end_comment.as_ref().is_some_and(|c| truncates(c, value));
    let glued = text(value, &t[0]).len() > 4;
    if !shape || !(commented || s.inner_comments > 0 || glued) {
        return None;
    }
    hit("sqli.stacked", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// A value that starts with FROM and reads as the tail of a query: a
/// table (qualified, backticked or a subquery), optional WHERE / GROUP BY
/// / ORDER BY, and ending at LIMIT (`from `db`.`t` limit`, `FROM t WHERE
/// `t`.`id` = 5 LIMIT`). Prose ("from the menu, limit two") has neither
/// the quoted or dotted names nor the clause order.
fn from_clause(s: &Stream, value: &[u8]) -> Option<Hit> {
    let all = s.tokens();
    if all.first()?.kind != Kind::Kw(Kw::From) {
        return None;
    }
    // `...GROUP BY tag1&sql_delimit`, `...="x";&sql_delimit`: the clause
    // list with the next query parameter glued on, as apps that pass query
    // pieces through a form send them; the pieces end at the `&`.
    let n = all.len();
    let glued_pair = n >= 4
        && all[n - 1].kind == Kind::Word
        && text(value, &all[n - 2]) == b"&"
        && all[n - 2].end == all[n - 1].start
        && matches!(all[n - 3].kind, Kind::Word | Kind::Semi)
        && all[n - 3].end == all[n - 2].start;
    let t = if glued_pair { &all[..n - 2] } else { all };
    let code = t.iter().any(|x| match x.kind {
        Kind::Dot | Kind::LParen => true,
        Kind::Word => matches!(value[x.start], b'`' | b'['),
        _ => false,
    });
    // The last clause: LIMIT, LIMIT n or LIMIT n,m; or the table alone.
    let mut end = t.len();
    if s.cut {
        return None;
    }
    // Or the statement ended by `;` (`FROM t WHERE name="x";`).
    let semi = t[end - 1].kind == Kind::Semi;
    while !semi && end > 1 && matches!(t[end - 1].kind, Kind::Num | Kind::Comma) {
        end -= 1;
    }
    // `FROM t GROUP BY c`: a clause list up to a grouping or ordering,
    // as apps that pass query pieces (`&sql_delimit`) send them.
    let grouped = !semi
        && end >= 5
        && end == t.len()
        && t[end - 1].kind == Kind::Word
        && t[end - 2].kind == Kind::Kw(Kw::By)
        && matches!(t[end - 3].kind, Kind::Kw(Kw::Group | Kw::Order));
    if !semi && !grouped && t[end - 1].kind != Kind::Kw(Kw::Limit) {
        return None;
    }
    let mut p = Parser::new(t, 1);
    if !p.operand() {
        return None;
    }
    if p.peek() == Some(Kind::Word) {
        p.i += 1;
    }
    let mut clause = false;
    loop {
        match p.peek() {
            Some(Kind::Kw(Kw::Where)) => {
                p.i += 1;
                if !p.expr() {
                    return None;
                }
            }
            Some(Kind::Kw(Kw::Group | Kw::Order)) => {
                p.i += 1;
                if !p.eat_kw(Kw::By) || !p.expr() {
                    return None;
                }
                while p.eat(Kind::Comma) || p.eat_kw(Kw::Asc) {
                    if matches!(p.peek(), Some(Kind::Comma | Kind::Kw(Kw::Asc))) {
                        continue;
                    }
                    if !p.expr() {
                        return None;
                    }
                }
            }
            _ => break,
        }
        clause = true;
    }
    // A subquery's own clauses run on to the final LIMIT.
    let reached = if grouped {
        p.at_end()
    } else {
        p.i == end - 1 || (p.at_end() && p.info.subqueries > 0)
    };
    let compared = clause && p.info.cmp > 0;
    if !reached || !(compared || grouped || (code && !semi)) {
        return None;
    }
    hit("sqli.clause", FRAGMENT, t[0].start, all[n - 1].end)
}

/// `SET @OLD_SQL_NOTES`, `>SET @saved_cs_client`: a value that is only
/// MySQL's assignment head of a user variable, after at most one stray
/// byte: the lines mysqldump writes, pasted as a probe. The name must
/// look like code (`_` or a digit): "set @home" is chat.
fn set_variable(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() {
        return None;
    }
    let stray = |x: &Token| matches!(x.kind, Kind::Op(_) | Kind::Other) && x.end - x.start == 1;
    let (set, var) = match t {
        [a, b] => (a, b),
        [x, a, b] if stray(x) && x.end == a.start => (a, b),
        _ => return None,
    };
    let name = text(value, var);
    let code_like = name.len() > 2
        && name[1..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && name[1..].iter().any(|&b| b == b'_' || b.is_ascii_digit());
    if set.kind != Kind::Kw(Kw::Set) || var.kind != Kind::Var || name[1] == b'@' || !code_like {
        return None;
    }
    hit("sqli.stacked", FRAGMENT, t[0].start, var.end)
}

/// A value that is a PostgreSQL cast to a SQL type (`password::int`,
/// `f(x)::text`, `1+current_user::int`): the error-based probe. C++ and
/// Ruby scopes (`std::string`, `Foo::Bar`) name no SQL type.
fn typed_cast(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let typed = t.windows(2).any(|w| {
        w[0].kind == Kind::Op(Op::Cast)
            && matches!(w[1].kind, Kind::Word | Kind::Kw(_))
            && keywords::sql_type(text(value, &w[1]))
    });
    if !typed || s.cut {
        return None;
    }
    let mut p = s.parser(0);
    if !(p.expr() && clean_end(&mut p) && p.at_end()) {
        // `...(f(x)::jsonb)::int`: the cast of a parenthesized
        // expression, the error-based primitive, after text of the app's.
        let close = t
            .windows(2)
            .rposition(|w| w[0].kind == Kind::RParen && w[1].kind == Kind::Op(Op::Cast))?;
        let mut depth = 0usize;
        let mut open = close;
        loop {
            match t[open].kind {
                Kind::RParen => depth += 1,
                Kind::LParen => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            open = open.checked_sub(1)?;
        }
        if open > 0 && matches!(t[open - 1].kind, Kind::Func(_)) {
            open -= 1;
        }
        p = s.parser(open);
        if open == 0 || !(p.expr() && clean_end(&mut p) && p.at_end()) || p.info.calls == 0 {
            return None;
        }
    }
    hit("sqli.expression", FRAGMENT, t[0].start, span_end(s, &p))
}

/// A connective, an operand and a dangling operator at the end of the
/// value, after a quote break or at its start: a tautology cut short
/// (`' or 1=`, `xor 'b' >`, `AND 7639=(`, `or name = "`, `and 1=1'`).
/// After a quote break scores 6; at the start of an unquoted value 5.
fn dangling(s: &Stream, value: &[u8], b: usize, start: Start) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() {
        return None;
    }
    let quoted = start != Start::Bare;
    let mut p = s.parser(b);
    let k = p.peek()?;
    // `HAVING 1=`, MySQL's `IF(2=`: a condition opened at the start of a
    // value, cut after its operator.
    let opener = !quoted
        && b == 0
        && (k == Kind::Kw(Kw::Having)
            || (matches!(k, Kind::Func(_))
                && text(value, &t[0]).eq_ignore_ascii_case(b"if")
                && t.get(1).is_some_and(|x| x.kind == Kind::LParen)));
    match k {
        Kind::Kw(Kw::And | Kw::Or | Kw::Xor) => {}
        Kind::Op(Op::Logic) if quoted => {}
        _ if opener => {}
        _ => return None,
    }
    p.i += 1;
    // `AND (name = "`: a parenthesis the query closes later.
    while p.eat(Kind::LParen) {}
    if !matches!(
        p.peek(),
        Some(Kind::Num | Kind::Str | Kind::Word | Kind::Var | Kind::Kw(Kw::Literal))
    ) || !p.operand()
    {
        return None;
    }
    let operand = &t[p.i - 1];
    // A literal, or a column named like code (`backend_layout`), not a
    // word of prose.
    let literal = matches!(operand.kind, Kind::Num | Kind::Str | Kind::Kw(Kw::Literal))
        || (operand.kind == Kind::Word && text(value, operand).contains(&b'_'));
    // Complete comparisons first (`120=121=`); a dangling one is undone.
    let _ = p.expr_tail();
    let n = t.len();
    let last = t.last()?;
    let lone_quote = |x: &Token| {
        x.kind == Kind::StrOpen && text(value, x).iter().all(|&c| c == b'\'' || c == b'"')
    };
    let lit = |x: &Token| matches!(x.kind, Kind::Num | Kind::Str);
    let ok = if p.at_end() {
        // `or name = '`: the operator's operand is the app's own string.
        n >= 2 && lone_quote(last) && t[n - 2].kind == Kind::Op(Op::Cmp)
    } else {
        match p.peek() {
            // `and 1=1'`: a literal comparison reopening the app's quote.
            Some(Kind::StrOpen) if p.i + 1 == n => {
                lone_quote(last)
                    && n >= 4
                    && lit(&t[n - 2])
                    && lit(&t[n - 4])
                    && t[n - 3].kind == Kind::Op(Op::Cmp)
            }
            Some(Kind::Op(Op::Cmp | Op::Arith | Op::Sign | Op::Unary)) => match n - p.i - 1 {
                // `xor 'b' >`: a bare word before it could be prose.
                0 => quoted || literal,
                1 => last.kind == Kind::LParen || lone_quote(last),
                _ => false,
            },
            _ => false,
        }
    };
    if !ok {
        return None;
    }
    let score = if quoted { FRAGMENT } else { 5 };
    let from = if b > 0 { t[b - 1].end } else { t[0].start };
    hit("sqli.tautology", score, from, last.end)
}

/// `;` at the start of the value (or right after a quote break) and the
/// head of a data-changing statement, cut short: `; insert into`,
/// `;update users`, `;SET @OLD_SQL_MODE`, `;drop table t`. Prose does not
/// open with a semicolon.
fn stacked_head(s: &Stream, value: &[u8], b: usize) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || t.get(b)?.kind != Kind::Semi {
        return None;
    }
    let tail = &t[b + 1..];
    if tail.len() > 3 {
        return None;
    }
    let mut kinds = [Kind::Other; 3];
    for (k, x) in kinds.iter_mut().zip(tail) {
        *k = x.kind;
    }
    let rest = &kinds[..tail.len()];
    let ok = match rest {
        // `; select`, `;drop`: a statement head alone, the probe for
        // whether a stacked query passes.
        [Kind::Kw(
            Kw::Select
            | Kw::Insert
            | Kw::Update
            | Kw::Delete
            | Kw::Drop
            | Kw::Create
            | Kw::Alter
            | Kw::Truncate
            | Kw::Exec
            | Kw::Declare
            | Kw::Shutdown,
        )] => b == 0 && t.len() == 2,
        [Kind::Kw(Kw::Insert), Kind::Kw(Kw::Into)]
        | [Kind::Kw(Kw::Insert), Kind::Kw(Kw::Into), Kind::Word]
        | [Kind::Kw(Kw::Update), Kind::Word]
        // MySQL's `TRUNCATE t` needs no TABLE.
        | [Kind::Kw(Kw::Truncate), Kind::Word]
        | [Kind::Kw(Kw::Set), Kind::Var]
        | [Kind::Kw(Kw::Delete), Kind::Kw(Kw::From)]
        | [Kind::Kw(Kw::Delete), Kind::Kw(Kw::From), Kind::Word]
        | [Kind::Kw(Kw::Drop | Kw::Alter | Kw::Create | Kw::Truncate), Kind::Kw(Kw::ObjectType)]
        | [Kind::Kw(Kw::Drop | Kw::Alter | Kw::Create | Kw::Truncate), Kind::Kw(Kw::ObjectType), Kind::Word] => {
            t.len() == b + 1 + rest.len()
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    let _ = value;
    hit("sqli.stacked", FRAGMENT, t[b].start, t[t.len() - 1].end)
}

/// `' OR '`, `'NOT LIKE'`: a value that is one operator word between the
/// app's own quotes, which leaves the query valid (`'' OR ''`) and its
/// condition in the attacker's hands: the probe for which operators pass.
/// A quoted operator with text around it (`use 'OR' here`) is prose's.
fn quoted_operator(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() || t.len() < 3 {
        return None;
    }
    let (brk, last) = (&t[0], &t[t.len() - 1]);
    let quote = *value.get(brk.end.checked_sub(1)?)?;
    let only_quote = |x: &Token| text(value, x).trim_ascii() == [quote];
    if !only_quote(brk) || last.kind != Kind::StrOpen || !only_quote(last) {
        return None;
    }
    let op = match &t[1..t.len() - 1] {
        [k] => matches!(k.kind, Kind::Kw(Kw::And | Kw::Or | Kw::Xor | Kw::WordOp)),
        [k, w] => {
            matches!(k.kind, Kind::Kw(Kw::Not | Kw::Sounds)) && w.kind == Kind::Kw(Kw::WordOp)
        }
        _ => false,
    };
    if !op {
        return None;
    }
    hit("sqli.operator_chain", FRAGMENT, brk.start, last.end)
}

/// A quote break followed by a list of literals: the rest of a VALUES
/// row or a select list the attacker pads to the right width
/// (`', 2, 1`, `'', '', '', 13`). Two or more further items; scores 5.
fn value_list(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() || t.len() < 3 {
        return None;
    }
    // `'', '` reads as one string with a doubled quote: emptied strings.
    let brk = text(value, &t[0]);
    if !brk.iter().all(|&c| matches!(c, b'\'' | b'"' | b',' | b' ')) {
        return None;
    }
    let mut items = brk.iter().filter(|&&c| c == b',').count();
    for pair in t[1..].chunks(2) {
        match pair {
            [c, v] if c.kind == Kind::Comma && matches!(v.kind, Kind::Num | Kind::Str) => {
                items += 1
            }
            _ => return None,
        }
    }
    if items < 2 {
        return None;
    }
    hit("sqli.union", 5, t[0].start, t[t.len() - 1].end)
}

/// A quote break ending the statement: `admin';`, `x';#`, or opening a
/// stacked SELECT cut short (`';SELECT P`).
fn break_statement_end(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || t.get(1)?.kind != Kind::Semi {
        return None;
    }
    let commented = s.end_comment.as_ref().is_none_or(|c| truncates(c, value));
    if let Some(h) = stacked_variable(s, value) {
        return Some(h);
    }
    let ok = match &t[2..] {
        [] => commented,
        [k, w] => {
            let select = k.kind == Kind::Kw(Kw::Select) && matches!(w.kind, Kind::Word | Kind::Num);
            // MSSQL `';print'`: a statement printing a string, the app's
            // quote closing it.
            let print =
                k.kind == Kind::Kw(Kw::Print) && matches!(w.kind, Kind::Str | Kind::StrOpen);
            (select || print) && s.end_comment.is_none()
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    hit("sqli.stacked", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

/// `';SELECT*@@version#`, `1;select @@hostname`: a stacked SELECT of a
/// server variable, glued to a stray `*` or not, the rest commented away:
/// the probe for whether stacked queries run and which server answers.
/// Only SQL names `@@variables`, so a number may be the break too.
fn stacked_variable(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let commented = s.end_comment.as_ref().is_none_or(|c| truncates(c, value));
    if s.cut || t.get(1)?.kind != Kind::Semi || !commented {
        return None;
    }
    let star = |x: &Token| matches!(x.kind, Kind::Op(_)) && text(value, x) == b"*";
    let var = match &t[2..] {
        [k, v] | [k, _, v] if k.kind == Kind::Kw(Kw::Select) => v,
        _ => return None,
    };
    if t.len() == 5 && !star(&t[3]) {
        return None;
    }
    if var.kind != Kind::Var || !text(value, var).starts_with(b"@@") {
        return None;
    }
    let end = s.end_comment.as_ref().map_or(var.end, |c| c.end);
    hit("sqli.stacked", FRAGMENT, t[0].start, end)
}

/// `' or-- -`, `'or(glob 1)--`, `1='1' or-- -`: a quote break (or a
/// number compared with a literal) and a connective whose condition is
/// left out or parenthesized, then a comment swallowing the rest of the
/// query. The connective stands right at the break, where prose has a
/// word, and the comment leaves the app's query to the attacker.
fn commented_connective(s: &Stream, value: &[u8], start: Start) -> Option<Hit> {
    let t = s.tokens();
    let c = s.end_comment.as_ref()?;
    if s.cut || t.is_empty() || !truncates(c, value) {
        return None;
    }
    let mut i = if start == Start::Bare {
        // `1='1' or`: a number compared with a string literal, the quote
        // juggling that closes whichever context the app opened.
        let cmp = |x: &Token| x.kind == Kind::Op(Op::Cmp);
        match t {
            [n, op, lit, ..] if n.kind == Kind::Num && cmp(op) && matches!(lit.kind, Kind::Str) => {
                3
            }
            _ => return None,
        }
    } else {
        if !value_like_break(t, value) {
            return None;
        }
        1
    };
    while t.get(i).is_some_and(|x| x.kind == Kind::RParen) {
        i += 1;
    }
    if !matches!(
        t.get(i)?.kind,
        Kind::Kw(Kw::And | Kw::Or | Kw::Xor) | Kind::Op(Op::Logic)
    ) {
        return None;
    }
    i += 1;
    // Nothing, or one parenthesized group closing at the comment.
    if i < t.len() {
        if t[i].kind != Kind::LParen {
            return None;
        }
        let mut depth = 0usize;
        for (j, x) in t.iter().enumerate().skip(i) {
            match x.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && j + 1 != t.len() {
                        return None;
                    }
                }
                _ => {}
            }
        }
        if depth != 0 || i + 2 >= t.len() {
            return None;
        }
    }
    let from = if start == Start::Bare {
        t[0].start
    } else {
        t[0].end
    };
    hit("sqli.tautology", FRAGMENT, from, c.end)
}

/// `\'and`, `` \`or`1 ``: a quote escaped with a backslash, then a
/// connective. Apps that escape quotes by doubling turn `\'` into `\''`,
/// which MySQL reads as an escaped quote and a closing one: the break
/// that addslashes-style filters let through. Text and code write `\'`
/// inside words (`don\'t`), not right before AND / OR.
fn escaped_break(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    let b = t.first()?;
    let brk = text(value, b);
    if s.cut || brk.len() < 2 || brk[brk.len() - 2] != b'\\' {
        return None;
    }
    let content = &brk[..brk.len() - 2];
    if content
        .iter()
        .any(|c| c.is_ascii_whitespace() || *c == b'\\')
        || content.len() > 32
    {
        return None;
    }
    let k = t.get(1)?;
    if !matches!(
        k.kind,
        Kind::Kw(Kw::And | Kw::Or | Kw::Xor) | Kind::Op(Op::Logic)
    ) {
        return None;
    }
    // Glued to the quote, or set apart by one space, as payloads are typed.
    if k.start - b.end > 1 {
        return None;
    }
    // Nothing more, or one operand the app's text may close.
    let rest = &t[2..];
    let ok = match rest {
        [] => true,
        [x] => {
            matches!(x.kind, Kind::Num | Kind::Str | Kind::StrOpen | Kind::Word)
                || (x.kind == Kind::Other && value[x.start] == b'`')
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    hit("sqli.tautology", FRAGMENT, b.start, t[t.len() - 1].end)
}

/// `'alter a`, `" DROP T`, `' alter/`: a quote break, then DDL cut off
/// before or inside the object type it names (`TABLE`, `AGGREGATE`...), the
/// probe for whether a statement keyword passes. Prose after a quote goes
/// on with words that name no object type.
fn cut_ddl(s: &Stream, value: &[u8]) -> Option<Hit> {
    let t = s.tokens();
    if s.cut || s.end_comment.is_some() {
        return None;
    }
    let k = t.get(1)?;
    if !matches!(
        k.kind,
        Kind::Kw(Kw::Alter | Kw::Drop | Kw::Create | Kw::Truncate)
    ) {
        return None;
    }
    const TYPES: [&[u8]; 12] = [
        b"table",
        b"aggregate",
        b"database",
        b"user",
        b"view",
        b"index",
        b"function",
        b"procedure",
        b"trigger",
        b"schema",
        b"login",
        b"column",
    ];
    let ok = match &t[2..] {
        [] => true,
        // `' alter/`: cut inside the comment standing for a space.
        [x] if text(value, x) == b"/" => true,
        [x] if x.kind == Kind::Word => {
            let w = text(value, x);
            TYPES
                .iter()
                .any(|ty| w.len() < ty.len() && ty[..w.len()].eq_ignore_ascii_case(w))
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    hit("sqli.stacked", FRAGMENT, t[0].start, t[t.len() - 1].end)
}

#[cfg(test)]
mod tests;
