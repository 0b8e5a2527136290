//! Keyword and function tables. Both are sorted static arrays of lower-case
//! names searched with a case-insensitive binary search behind a bit
//! filter, so a lookup costs a few byte comparisons and no allocation. A unit test checks they stay
//! sorted; keep them sorted by plain byte order when adding names.

use std::cmp::Ordering;

/// What a keyword does in the grammar the decision code checks. Keywords
/// that play no part in any rule are still listed (as `Other`) so that they
/// are not mistaken for column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    // Boolean connectives.
    And,
    Or,
    Xor,
    Not,
    // Operators spelled as words (`a LIKE b`, `a DIV b`).
    WordOp,
    Is,
    /// PostgreSQL/SQLite `x NOTNULL`, `x ISNULL`.
    NotNull,
    In,
    Between,
    Sounds,
    Similar,
    Collate,
    Escape,
    // Values: NULL, TRUE, CURRENT_USER...
    Literal,
    // Statements.
    Select,
    Union,
    SetOp, // INTERSECT, EXCEPT, MINUS
    Insert,
    Update,
    Delete,
    Drop,
    Create,
    Alter,
    Truncate,
    Exec,
    Declare,
    Set,
    Shutdown,
    Waitfor,
    Grant,
    Call,
    Use,
    Show,
    Copy,
    /// MySQL `REPLACE [INTO] t ...`: INSERT that overwrites.
    Replace,
    /// MSSQL `PRINT expr`.
    Print,
    Load,
    Begin,
    If,
    While,
    // Clauses.
    From,
    Where,
    Group,
    Order,
    By,
    Having,
    Limit,
    Offset,
    Into,
    Outfile,
    Procedure,
    Top,
    Distinct,
    All,
    As,
    Join,
    On,
    Values,
    ObjectType, // TABLE, DATABASE, USER... after DROP/CREATE
    Case,
    When,
    Then,
    Else,
    End,
    Delay,
    Exists,
    Interval,
    Binary,
    Using,
    For,
    With,
    Asc,
    /// MySQL full-text `MATCH (cols) AGAINST (...)`.
    Against,
    /// The second word of a type name: `double precision`, `character
    /// varying`.
    TypeTail,
    Other,
}

/// Keywords, sorted.
const KEYWORDS: &[(&str, Kw)] = &[
    ("against", Kw::Against),
    ("all", Kw::All),
    ("alter", Kw::Alter),
    ("and", Kw::And),
    ("as", Kw::As),
    ("asc", Kw::Asc),
    ("begin", Kw::Begin),
    ("between", Kw::Between),
    ("binary", Kw::Binary),
    ("by", Kw::By),
    ("call", Kw::Call),
    ("case", Kw::Case),
    ("collate", Kw::Collate),
    ("column", Kw::ObjectType),
    ("copy", Kw::Copy),
    ("create", Kw::Create),
    ("cross", Kw::Join),
    ("current_date", Kw::Literal),
    ("current_time", Kw::Literal),
    ("current_timestamp", Kw::Literal),
    ("current_user", Kw::Literal),
    ("database", Kw::ObjectType),
    ("declare", Kw::Declare),
    ("delay", Kw::Delay),
    ("delete", Kw::Delete),
    ("desc", Kw::Asc),
    ("distinct", Kw::Distinct),
    ("distinctrow", Kw::Distinct),
    ("div", Kw::WordOp),
    ("drop", Kw::Drop),
    ("dumpfile", Kw::Outfile),
    ("else", Kw::Else),
    ("end", Kw::End),
    ("escape", Kw::Escape),
    ("except", Kw::SetOp),
    ("exec", Kw::Exec),
    ("execute", Kw::Exec),
    ("exists", Kw::Exists),
    ("false", Kw::Literal),
    ("for", Kw::For),
    ("from", Kw::From),
    ("full", Kw::Join),
    ("function", Kw::ObjectType),
    ("glob", Kw::WordOp),
    ("grant", Kw::Grant),
    ("group", Kw::Group),
    ("having", Kw::Having),
    ("if", Kw::If),
    ("ilike", Kw::WordOp),
    ("in", Kw::In),
    ("index", Kw::ObjectType),
    ("inner", Kw::Join),
    ("insert", Kw::Insert),
    ("intersect", Kw::SetOp),
    ("interval", Kw::Interval),
    ("into", Kw::Into),
    ("is", Kw::Is),
    ("isnull", Kw::NotNull),
    ("join", Kw::Join),
    ("left", Kw::Join),
    ("like", Kw::WordOp),
    ("limit", Kw::Limit),
    ("load", Kw::Load),
    ("localtime", Kw::Literal),
    ("localtimestamp", Kw::Literal),
    ("login", Kw::ObjectType),
    ("minus", Kw::SetOp),
    ("mod", Kw::WordOp),
    ("not", Kw::Not),
    ("notnull", Kw::NotNull),
    ("null", Kw::Literal),
    ("offset", Kw::Offset),
    ("on", Kw::On),
    ("or", Kw::Or),
    ("order", Kw::Order),
    ("outer", Kw::Join),
    ("outfile", Kw::Outfile),
    ("precision", Kw::TypeTail),
    ("primary", Kw::Other),
    ("print", Kw::Print),
    ("procedure", Kw::Procedure),
    ("regexp", Kw::WordOp),
    ("replace", Kw::Replace),
    ("right", Kw::Join),
    ("rlike", Kw::WordOp),
    ("schema", Kw::ObjectType),
    ("select", Kw::Select),
    ("set", Kw::Set),
    ("show", Kw::Show),
    ("shutdown", Kw::Shutdown),
    ("similar", Kw::Similar),
    ("sounds", Kw::Sounds),
    ("sysdate", Kw::Literal),
    ("table", Kw::ObjectType),
    ("then", Kw::Then),
    ("top", Kw::Top),
    ("trigger", Kw::ObjectType),
    ("true", Kw::Literal),
    ("truncate", Kw::Truncate),
    ("union", Kw::Union),
    ("unknown", Kw::Literal),
    ("update", Kw::Update),
    ("use", Kw::Use),
    ("user", Kw::ObjectType),
    ("using", Kw::Using),
    ("values", Kw::Values),
    ("varying", Kw::TypeTail),
    ("view", Kw::ObjectType),
    ("waitfor", Kw::Waitfor),
    ("when", Kw::When),
    ("where", Kw::Where),
    ("while", Kw::While),
    ("with", Kw::With),
    ("xor", Kw::Xor),
];

/// Why a function matters to the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    /// Delays the response: time-based blind injection.
    Blind,
    /// Raises an error carrying data: error-based injection.
    Error,
    /// Reads or writes files, runs commands or opens connections.
    System,
    /// A built-in that injections use to build or probe values.
    Known,
    /// Any other word directly followed by `(`.
    Unknown,
}

/// Functions, sorted. Dotted package names (`dbms_pipe.receive_message`) are
/// matched on their last part, which is what the lexer sees before `(`.
const FUNCTIONS: &[(&str, Func)] = &[
    ("abs", Func::Known),
    ("aes_decrypt", Func::Known),
    ("aes_encrypt", Func::Known),
    ("analyse", Func::Known),
    ("ascii", Func::Known),
    ("benchmark", Func::Blind),
    ("bin", Func::Known),
    ("cast", Func::Known),
    ("ceil", Func::Known),
    ("char", Func::Known),
    ("char_length", Func::Known),
    ("charset", Func::Known),
    ("checkin", Func::Error),
    ("chr", Func::Known),
    ("coalesce", Func::Known),
    ("coercibility", Func::Known),
    ("compress", Func::Known),
    ("concat", Func::Known),
    ("concat_ws", Func::Known),
    ("conv", Func::Known),
    ("convert", Func::Known),
    ("cos", Func::Known),
    ("count", Func::Known),
    ("crc32", Func::Known),
    ("ctxsys", Func::Error),
    ("current_database", Func::Known),
    ("current_user", Func::Known),
    ("database", Func::Known),
    ("date", Func::Known),
    ("db_name", Func::Known),
    ("elt", Func::Known),
    ("exp", Func::Known),
    ("extract", Func::Known),
    ("extractvalue", Func::Error),
    ("field", Func::Known),
    ("find_in_set", Func::Known),
    ("floor", Func::Known),
    ("geometrycollection", Func::Error),
    ("get_host_address", Func::System),
    ("get_host_name", Func::Error),
    ("get_lock", Func::Blind),
    ("group_concat", Func::Known),
    ("gtid_subset", Func::Error),
    ("gtid_subtract", Func::Error),
    ("hex", Func::Known),
    ("httpuritype", Func::System),
    ("if", Func::Known),
    ("ifnull", Func::Known),
    ("iif", Func::Known),
    ("insert", Func::Known),
    ("instr", Func::Known),
    ("is_srvrolemember", Func::Known),
    ("isjson", Func::Known),
    ("isnull", Func::Known),
    ("json", Func::Known),
    ("json_array", Func::Known),
    ("json_build_object", Func::Known),
    ("json_contains", Func::Known),
    ("json_contains_path", Func::Known),
    ("json_extract", Func::Known),
    ("json_keys", Func::Error),
    ("json_length", Func::Known),
    ("json_object", Func::Known),
    ("json_overlaps", Func::Known),
    ("json_query", Func::Known),
    ("json_search", Func::Known),
    ("json_type", Func::Known),
    ("json_unquote", Func::Known),
    ("json_valid", Func::Known),
    ("json_value", Func::Known),
    ("jsonb_path_exists", Func::Known),
    ("jsonb_path_query", Func::Known),
    ("lcase", Func::Known),
    ("left", Func::Known),
    ("length", Func::Known),
    ("likelihood", Func::Known),
    ("linestring", Func::Error),
    ("lo_export", Func::System),
    ("lo_from_bytea", Func::System),
    ("lo_get", Func::System),
    ("lo_import", Func::System),
    ("lo_put", Func::System),
    ("load_file", Func::System),
    ("locate", Func::Known),
    ("lower", Func::Known),
    ("lpad", Func::Known),
    ("make_set", Func::Known),
    ("md5", Func::Known),
    ("mid", Func::Known),
    ("multilinestring", Func::Error),
    ("multipoint", Func::Error),
    ("multipolygon", Func::Error),
    ("name_const", Func::Error),
    ("now", Func::Known),
    ("nullif", Func::Known),
    ("nvl", Func::Known),
    ("opendatasource", Func::System),
    ("openquery", Func::System),
    ("openrowset", Func::System),
    ("ord", Func::Known),
    ("pg_read_file", Func::System),
    ("pg_sleep", Func::Blind),
    ("pg_sleep_for", Func::Blind),
    ("pi", Func::Known),
    ("polygon", Func::Error),
    ("position", Func::Known),
    ("pow", Func::Known),
    ("power", Func::Known),
    ("rand", Func::Known),
    ("randomblob", Func::Blind),
    ("receive_message", Func::Blind),
    ("repeat", Func::Known),
    ("replace", Func::Known),
    ("reverse", Func::Known),
    ("right", Func::Known),
    ("row_count", Func::Known),
    ("rpad", Func::Known),
    ("schema", Func::Known),
    ("session_user", Func::Known),
    ("sha1", Func::Known),
    ("sin", Func::Known),
    ("sleep", Func::Blind),
    ("soundex", Func::Known),
    ("space", Func::Known),
    ("sqlite_version", Func::Known),
    ("sqrt", Func::Known),
    ("st_latfromgeohash", Func::Error),
    ("st_longfromgeohash", Func::Error),
    ("st_pointfromgeohash", Func::Error),
    ("strcmp", Func::Known),
    ("substr", Func::Known),
    ("substring", Func::Known),
    ("substring_index", Func::Known),
    ("sys_context", Func::Known),
    ("sysdate", Func::Known),
    ("system_user", Func::Known),
    ("to_char", Func::Known),
    ("trim", Func::Known),
    ("truncate", Func::Known),
    ("ucase", Func::Known),
    ("uncompress", Func::Known),
    ("unhex", Func::Known),
    ("updatexml", Func::Error),
    ("upper", Func::Known),
    ("user", Func::Known),
    ("user_name", Func::Known),
    ("utl_http", Func::System),
    ("utl_inaddr", Func::System),
    ("uuid", Func::Known),
    ("version", Func::Known),
    ("xmltype", Func::Error),
    ("xp_cmdshell", Func::System),
    ("xp_dirtree", Func::System),
    ("xp_fileexist", Func::System),
    ("xp_regread", Func::System),
];

/// Compares `word` case-insensitively with a lower-case table entry.
fn cmp_ci(entry: &str, word: &[u8]) -> Ordering {
    let e = entry.as_bytes();
    for (a, b) in e.iter().zip(word) {
        match a.cmp(&b.to_ascii_lowercase()) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    e.len().cmp(&word.len())
}

/// A 1024-bit set over (length, first byte, last byte) of a table's names,
/// built at compile time: most words of a value are no name at all, and
/// one bit test says so before the binary search.
struct Filter([u64; 16]);

impl Filter {
    const fn slot(len: usize, first: u8, last: u8) -> usize {
        (len * 997 + first.to_ascii_lowercase() as usize * 31 + last.to_ascii_lowercase() as usize)
            % 1024
    }

    const fn new(names: &[&[u8]]) -> Filter {
        let mut bits = [0u64; 16];
        let mut i = 0;
        while i < names.len() {
            let n = names[i];
            let slot = Filter::slot(n.len(), n[0], n[n.len() - 1]);
            bits[slot / 64] |= 1 << (slot % 64);
            i += 1;
        }
        Filter(bits)
    }

    fn may_hold(&self, word: &[u8]) -> bool {
        let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
            return false;
        };
        let slot = Filter::slot(word.len(), first, last);
        self.0[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// The names of a `(name, value)` table, for [`Filter::new`].
const fn names<T: Copy, const N: usize>(table: &[(&'static str, T)]) -> [&'static [u8]; N] {
    let mut out: [&[u8]; N] = [b""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].0.as_bytes();
        i += 1;
    }
    out
}

static KEYWORD_FILTER: Filter = Filter::new(&names::<Kw, { KEYWORDS.len() }>(KEYWORDS));
static FUNCTION_FILTER: Filter = Filter::new(&names::<Func, { FUNCTIONS.len() }>(FUNCTIONS));

fn find<T: Copy>(table: &[(&str, T)], filter: &Filter, word: &[u8]) -> Option<T> {
    if word.len() > 24 || !filter.may_hold(word) {
        return None;
    }
    table
        .binary_search_by(|(e, _)| cmp_ci(e, word))
        .ok()
        .map(|i| table[i].1)
}

/// The keywords of the table whose role `keep` accepts.
pub(crate) fn keywords_where(keep: impl Fn(Kw) -> bool) -> impl Iterator<Item = &'static str> {
    KEYWORDS
        .iter()
        .filter(move |(_, k)| keep(*k))
        .map(|(n, _)| *n)
}

/// The functions of the table whose role `keep` accepts.
pub(crate) fn functions_where(keep: impl Fn(Func) -> bool) -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .filter(move |(_, f)| keep(*f))
        .map(|(n, _)| *n)
}

/// The keyword `word` spells, in any case.
pub(crate) fn keyword(word: &[u8]) -> Option<Kw> {
    find(KEYWORDS, &KEYWORD_FILTER, word)
}

/// The function `word` names, if it is a known one.
pub(crate) fn function(word: &[u8]) -> Option<Func> {
    find(FUNCTIONS, &FUNCTION_FILTER, word)
}

/// Oracle packages whose every routine reaches out of the database or
/// stalls it, whatever the routine's own name (`utl_http.request(`,
/// `dbms_ldap.init(`, `dbms_session.sleep(`): the routine names alone
/// (`request`, `init`, `open`) are words every language uses.
const PACKAGES: &[(&str, Func)] = &[
    ("dbms_java", Func::System),
    ("dbms_ldap", Func::System),
    ("dbms_lock", Func::Blind),
    ("dbms_scheduler", Func::System),
    ("dbms_session", Func::Blind),
    ("utl_file", Func::System),
    ("utl_http", Func::System),
    ("utl_inaddr", Func::System),
    ("utl_mail", Func::System),
    ("utl_smtp", Func::System),
    ("utl_tcp", Func::System),
];

/// What a routine of package `pkg` does, for the packages that matter.
pub(crate) fn package(pkg: &[u8]) -> Option<Func> {
    if pkg.len() > 24 {
        return None;
    }
    PACKAGES
        .binary_search_by(|(e, _)| cmp_ci(e, pkg))
        .ok()
        .map(|i| PACKAGES[i].1)
}

/// Built-ins whose name, followed by `(`, is SQL and little else: an
/// opened call of one of these is SQL-dense even as a fragment. Generic
/// names shared with spreadsheets, CSS and most languages (`count`, `max`,
/// `abs`, `floor`, `round`, `date`, `if`, `lower`, `replace`, `md5`...) are
/// left out on purpose.
const SQL_SPECIFIC: &[&str] = &[
    "aes_decrypt",
    "ascii",
    "benchmark",
    "cast",
    "char",
    "char_length",
    "chr",
    "coalesce",
    "compress",
    "concat",
    "concat_ws",
    "convert",
    "current_database",
    "current_user",
    "database",
    "db_name",
    "elt",
    "extractvalue",
    "find_in_set",
    "group_concat",
    "gtid_subset",
    "hex",
    "ifnull",
    "is_srvrolemember",
    "json_build_object",
    "likelihood",
    "lo_export",
    "lo_get",
    "load_file",
    "make_set",
    "mid",
    "name_const",
    "nullif",
    "nvl",
    "ord",
    "pg_read_file",
    "pg_sleep",
    "randomblob",
    "receive_message",
    "session_user",
    "sleep",
    "sqlite_version",
    "strcmp",
    "substr",
    "substring",
    "substring_index",
    "sys_context",
    "sysdate",
    "system_user",
    "uncompress",
    "unhex",
    "updatexml",
    "user",
    "user_name",
    "version",
    "xmltype",
    "xp_cmdshell",
];

/// Whether `(` after `word` opens a call only SQL would make.
pub(crate) fn sql_specific(word: &[u8]) -> bool {
    find_name(SQL_SPECIFIC, word)
}

/// System catalogs and schemas: names that only a query reading the
/// database's own structure uses.
const SCHEMAS: &[&str] = &[
    "all_tab_columns",
    "all_tables",
    "dba_users",
    "information_schema",
    "msysaccessobjects",
    "msysobjects",
    "pg_catalog",
    "pg_shadow",
    // Firebird / InterBase catalogs.
    "rdb$database",
    "rdb$relation_fields",
    "rdb$relations",
    "rdb$users",
    "sqlite_master",
    "sqlite_schema",
    "syscolumns",
    "sysdatabases",
    // DB2's catalog schema (`sysibm.sysdummy1`).
    "sysibm",
    "syslogins",
    "sysobjects",
    "sysprocesses",
    "sysusers",
    "user_tables",
    // Oracle's version view.
    "v$version",
];

/// Whether `word` (backticks or brackets allowed) names a system schema.
pub(crate) fn schema(word: &[u8]) -> bool {
    let w = match word {
        [b'`' | b'[', inner @ .., b'`' | b']'] => inner,
        w => w,
    };
    find_name(SCHEMAS, w)
}

/// Procedures and names only MSSQL and Oracle injections spell out.
const SYSTEM_NAMES: &[&str] = &[
    "msdasql",
    "openrowset",
    "sp_executesql",
    "sp_makewebtask",
    "sp_oacreate",
    "sp_password",
    "sqloledb",
    "utl_http",
    "utl_inaddr",
    "xp_cmdshell",
    "xp_dirtree",
    "xp_regread",
];

/// Whether `word` names a system procedure or package.
pub(crate) fn system_name(word: &[u8]) -> bool {
    find_name(SYSTEM_NAMES, word)
}

/// PostgreSQL type names a `::` cast targets.
const SQL_TYPES: &[&str] = &[
    "bigint", "bool", "boolean", "bytea", "double", "float", "int", "int2", "int4", "int8",
    "integer", "json", "jsonb", "numeric", "oid", "regclass", "smallint", "text", "varchar",
];

/// Whether `word` is a type a PostgreSQL `::` cast names.
pub(crate) fn sql_type(word: &[u8]) -> bool {
    find_name(SQL_TYPES, word)
}

fn find_name(table: &[&str], word: &[u8]) -> bool {
    word.len() <= 24 && table.binary_search_by(|e| cmp_ci(e, word)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_lower_case() {
        for w in KEYWORDS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} >= {}", w[0].0, w[1].0);
        }
        for w in FUNCTIONS.windows(2).chain(PACKAGES.windows(2)) {
            assert!(w[0].0 < w[1].0, "{} >= {}", w[0].0, w[1].0);
        }
        for table in [SQL_SPECIFIC, SCHEMAS, SYSTEM_NAMES, SQL_TYPES] {
            for w in table.windows(2) {
                assert!(w[0] < w[1], "{} >= {}", w[0], w[1]);
            }
        }
        let names = KEYWORDS.iter().map(|e| e.0);
        for k in names.chain(FUNCTIONS.iter().map(|e| e.0)) {
            assert_eq!(k.to_ascii_lowercase(), k);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(keyword(b"UnIoN"), Some(Kw::Union));
        assert_eq!(keyword(b"unions"), None);
        assert_eq!(function(b"SLEEP"), Some(Func::Blind));
        assert_eq!(function(b"\xff\xfe"), None);
    }
}
