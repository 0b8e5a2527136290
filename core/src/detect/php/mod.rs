//! PHP code and object injection.
//!
//! The value is tokenized as PHP ([`lexer`]); calls are found as a callee
//! expression followed by `(`, and the callee is evaluated the way PHP would
//! (string literals with escapes, `.` concatenation, bare constants,
//! `(string)` casts, `[x][0]` array picks, variables assigned earlier in the
//! value) to the function actually called. Other rules look for PHP's own
//! syntax: open tags, superglobals, stream wrappers, serialized objects.
//!
//! Rule ids (stable):
//! - `php.open_tag` — `<?php`, `<?=`, `<? ` (and `[php]`, `{php}`) followed
//!   by code
//! - `php.function_call` — a call of a dangerous function (`system(`,
//!   `eval(`, `base64_decode(`...), or of another PHP built-in standing as code
//! - `php.variable_function` — a computed callee: `('sy'.'stem')('id')`,
//!   `"\x73ystem"(ls)`, `$a('id')`, `$__[o](4)`
//! - `php.superglobal` — `$_GET[...]`, `$_POST`, `$_SERVER`, `$GLOBALS`...
//! - `php.variable_variable` — `${'a'}`, `${$a}`
//! - `php.wrapper` — `php://`, `expect://`, `phar://`, `zip://`,
//!   `data://...;base64`, `compress.zlib://`, `ssh2.*://`
//! - `php.object_injection` — a serialized object `O:8:"stdClass":1:{...}`
//! - `php.ini_directive` — a php.ini directive assignment
//!   (`auto_prepend_file=...`)
//! - `php.upload` — a file name with a PHP extension in a header or multipart
//!   part, or a PHP session file name (`sess_...`)

pub(crate) mod lexer;

use std::sync::OnceLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use super::{Ctx, Hit};
use crate::search;
use crate::search::starts_ci;
use crate::verdict::Part;
use lexer::Tok;

/// Tokens judged per value.
const MAX_TOKENS: usize = 20_000;

/// Functions whose call is an attack in itself.
const DANGEROUS: [&str; 62] = [
    "system",
    "exec",
    "shell_exec",
    "passthru",
    "popen",
    "proc_open",
    "pcntl_exec",
    "eval",
    "assert",
    "assert_options",
    "create_function",
    "call_user_func",
    "call_user_func_array",
    "preg_replace",
    "include",
    "include_once",
    "require",
    "require_once",
    "file_put_contents",
    "fwrite",
    "fputs",
    "fopen",
    "base64_decode",
    "gzinflate",
    "gzuncompress",
    "gzdecode",
    "str_rot13",
    "bzdecompress",
    "phpinfo",
    "fsockopen",
    "pfsockopen",
    "move_uploaded_file",
    "unserialize",
    "curl_exec",
    "curl_init",
    "file_get_contents",
    "readfile",
    "show_source",
    "highlight_file",
    "get_defined_functions",
    "get_defined_vars",
    "ini_set",
    "ini_get_all",
    "putenv",
    "dl",
    "symlink",
    "posix_getpwuid",
    "posix_kill",
    "posix_setuid",
    "register_shutdown_function",
    "extract",
    "parse_str",
    "mb_ereg_replace",
    "preg_replace_callback",
    "array_map",
    "unlink",
    "chr",
    "stream_socket_client",
    "proc_nice",
    "mail",
    "escapeshellcmd",
    "apache_child_terminate",
];

/// Prefixes of PHP built-in families (`array_diff`, `ldap_get_entries`).
const FAMILIES: [&str; 51] = [
    "array_",
    "str_",
    "date_",
    "file_",
    "ldap_",
    "pg_",
    "mysql_",
    "mysqli_",
    "sodium_",
    "tidy_",
    "curl_",
    "preg_",
    "mb_",
    "ob_",
    "posix_",
    "pcntl_",
    "proc_",
    "stream_",
    "openssl_",
    "hash_",
    "gz",
    "bz",
    "get_",
    "ini_",
    "func_",
    "xml_",
    "json_",
    "iconv_",
    "ftp_",
    "ssh2_",
    "socket_",
    "session_",
    "apache_",
    "opcache_",
    "spl_",
    "class_",
    "method_",
    "function_",
    "filter_",
    "imap_",
    "image",
    "mcrypt_",
    "oci_",
    "sqlite_",
    "zip_",
    "dba_",
    "shm_",
    "sem_",
    "is_",
    "odbc_",
    "zend_",
];

/// Other PHP built-ins that CRS-style probes use; they count only as a
/// whole statement (`substr()`, `print_r( )`).
const BUILTINS: [&str; 42] = [
    "print_r",
    "var_dump",
    "var_export",
    "serialize",
    "intval",
    "substr",
    "strlen",
    "ord",
    "md5",
    "sha1",
    "crc32",
    "crypt",
    "pi",
    "unpack",
    "pack",
    "touch",
    "checkdate",
    "gethostbyname",
    "gethostbynamel",
    "strip_tags",
    "htmlspecialchars",
    "file_exists",
    "is_file",
    "implode",
    "explode",
    "strrev",
    "strtolower",
    "strtoupper",
    "ucfirst",
    "uniqid",
    "rand",
    "mt_rand",
    "sleep",
    "usleep",
    "phpversion",
    "php_uname",
    "getcwd",
    "scandir",
    "opendir",
    "glob",
    "printf",
    "range",
];

const SUPERGLOBALS: [&str; 9] = [
    "$_get",
    "$_post",
    "$_request",
    "$_cookie",
    "$_server",
    "$_files",
    "$_env",
    "$_session",
    "$globals",
];

const WRAPPERS: [&str; 17] = [
    "php://",
    "expect://",
    "phar://",
    "zip://",
    "data://",
    "compress.zlib://",
    "compress.bzip2://",
    "glob://",
    "ssh2.shell://",
    "ssh2.exec://",
    "ssh2.tunnel://",
    "ssh2.scp://",
    "ssh2.sftp://",
    "rar://",
    "ogg://",
    "zlib:",
    "data:text/plain;base64,",
];

const INI: [&str; 44] = [
    "auto_prepend_file",
    "auto_append_file",
    "allow_url_include",
    "allow_url_fopen",
    "disable_functions",
    "disable_classes",
    "open_basedir",
    "safe_mode",
    "extension_dir",
    "extension",
    "zend_extension",
    "include_path",
    "error_log",
    "log_errors",
    "display_errors",
    "register_globals",
    "magic_quotes_gpc",
    "file_uploads",
    "upload_tmp_dir",
    "session.save_path",
    "session.serialize_handler",
    "unserialize_max_depth",
    "unserialize_callback_func",
    "sendmail_path",
    "mail.log",
    "opcache.",
    "mbstring.",
    "pcre.",
    "assert.",
    "zend.",
    "session.",
    "memory_limit",
    "max_execution_time",
    "post_max_size",
    "upload_max_filesize",
    "short_open_tag",
    "expose_php",
    "variables_order",
    "engine",
    "precision",
    "smtp",
    "smtp_port",
    "output_buffering",
    "max_input_vars",
];

/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    markers();
}

/// One of these bytes is in every marker (a unit test holds them to it).
fn marker_byte(b: u8) -> bool {
    matches!(b, b'<' | b'[' | b'{' | b'$' | b':')
}

fn marker_patterns() -> Vec<&'static str> {
    let mut pats: Vec<&str> = vec!["<?", "[php]", "{php}", "[/php]", "{/php}", "${", "$ {"];
    pats.extend(SUPERGLOBALS);
    pats.extend(WRAPPERS);
    pats.extend(["o:", "c:"]);
    pats
}

fn markers() -> &'static Keywords {
    static AC: OnceLock<Keywords> = OnceLock::new();
    AC.get_or_init(|| Keywords::new(marker_patterns(), true, MatchKind::LeftmostLongest))
}

/// Judges one value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    let offer = |best: &mut Option<Hit>, h: Option<Hit>| {
        if let Some(h) = h {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                *best = Some(h);
            }
        }
    };
    let has_paren = memchr::memchr(b'(', value).is_some() && callee_candidate(value);
    if has_paren {
        offer(&mut best, calls(value, 0));
        // Inside a string the value breaks out of (`don't ... system()`),
        // and with `+` as a space (decoded once more).
        for q in [b'\'', b'"'] {
            if best.as_ref().is_none_or(|b| b.score < 10) {
                if let Some(p) = memchr::memchr(q, value) {
                    offer(&mut best, calls(&value[p + 1..], p + 1));
                }
            }
        }
        if best.as_ref().is_none_or(|b| b.score < 10) && value.contains(&b'+') {
            let spaced: Vec<u8> = value
                .iter()
                .map(|&c| if c == b'+' { b' ' } else { c })
                .collect();
            offer(&mut best, calls(&spaced, 0));
        }
    }
    offer(&mut best, spaced_variable_variable(value));
    // Every marker holds a marker byte: one pass over the value is cheaper
    // than the automaton, and most values hold none.
    if value.iter().any(|&b| marker_byte(b)) {
        for m in markers().find_iter(value) {
            offer(&mut best, marker(value, m.start(), m.end(), ctx));
            if best.as_ref().is_some_and(|b| b.score >= 10) {
                return best;
            }
        }
    }
    if memchr::memchr(b'=', value).is_some() {
        offer(&mut best, ini(value));
    }
    if matches!(ctx.part, Part::Header | Part::Multipart) {
        offer(&mut best, upload(value));
    }
    best
}

fn lower(s: &[u8]) -> Vec<u8> {
    s.iter().map(u8::to_ascii_lowercase).collect()
}

fn marker(v: &[u8], start: usize, end: usize, _ctx: &Ctx) -> Option<Hit> {
    let m = lower(&v[start..end]);
    let hit = |rule: &'static str, score: u32, e: usize| {
        Some(Hit {
            rule,
            score,
            span: start..e.min(v.len()),
        })
    };
    let rest = &v[end..];
    match &m[..] {
        b"<?" => {
            // `<?php code`, `<?= expr`, `<? code`; `<?xml` is XML.
            if starts_ci(rest, b"php") {
                let after = &rest[3..];
                let code = after.first().is_some_and(|c| c.is_ascii_whitespace())
                    && after
                        .iter()
                        .any(|c| c.is_ascii_alphanumeric() || *c == b'$');
                return hit("php.open_tag", if code { 10 } else { 6 }, end + 3);
            }
            if rest.first() == Some(&b'=') {
                let code = rest[1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'$' | b'"' | b'\'' | b'_' | b'`')
                    });
                return if code {
                    hit("php.open_tag", 10, end + 1)
                } else {
                    None
                };
            }
            if starts_ci(rest, b"xml") {
                // `<?xml :code`: not a declaration (those carry attributes).
                let after = rest[3..].trim_ascii_start();
                return (after.first() == Some(&b':') && after.len() > 2).then(|| Hit {
                    rule: "php.open_tag",
                    score: 8,
                    span: start..end + 3,
                });
            }
            if rest.first().is_some_and(|c| c.is_ascii_whitespace()) {
                let mut toks = lexer::lex(rest, 8);
                if matches!(toks.first(), Some(Tok::Ident(r)) if rest[r.clone()].eq_ignore_ascii_case(b"php"))
                {
                    toks.remove(0);
                }
                let code = match toks.first() {
                    Some(Tok::Var(_)) => true,
                    Some(Tok::Ident(r)) => {
                        let next = toks.get(1);
                        let word = lower(&rest[r.clone()]);
                        matches!(
                            &word[..],
                            b"echo" | b"print" | b"eval" | b"system" | b"include" | b"require"
                        ) || next.is_some_and(|t| t.is(b'(') || t.is(b';'))
                    }
                    _ => false,
                };
                return if code {
                    hit("php.open_tag", 10, end + 1)
                } else {
                    None
                };
            }
            None
        }
        b"[php]" | b"{php}" => {
            let code = lexer::lex(rest, 4).len() >= 2;
            code.then_some(Hit {
                rule: "php.open_tag",
                score: 8,
                span: start..end,
            })
        }
        b"[/php]" | b"{/php}" => {
            let before = &v[..start];
            let code = lexer::lex(before, 64).len() >= 2;
            code.then_some(Hit {
                rule: "php.open_tag",
                score: 8,
                span: start..end,
            })
        }
        b"${" | b"$ {" => {
            // Variable variables: `${'name'}`, `${$a}`, `${@a}`.
            let t = rest
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .map(|p| rest[p]);
            match t {
                Some(b'\'' | b'"' | b'$' | b'@') => hit("php.variable_variable", 6, end + 1),
                _ if m.len() == 3 => {
                    // `$ {x}`: PHP syntax only.
                    hit("php.variable_variable", 5, end)
                }
                _ => None,
            }
        }
        b"o:" | b"c:" => object(v, start),
        _ if m.starts_with(b"$") => {
            // A superglobal as a whole variable name.
            if v.get(end)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
            {
                return None;
            }
            let j = rest
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .map(|p| rest[p]);
            let score = match j {
                Some(b'[') => 10,
                Some(b';' | b')' | b',' | b'=' | b'-') => 8,
                None => 6,
                _ => 5,
            };
            hit("php.superglobal", score, end)
        }
        _ => {
            // Stream wrappers.
            if start > 0 && (v[start - 1].is_ascii_alphanumeric() || v[start - 1] == b'.') {
                return None;
            }
            let score = match &m[..] {
                b"zlib:" => return None,
                b"data://" => {
                    if search::find(&lower(&rest[..rest.len().min(64)]), b"base64,").is_some()
                        || starts_ci(rest, b"text/plain")
                    {
                        10
                    } else {
                        return None;
                    }
                }
                b"zip://" | b"glob://" | b"rar://" | b"ogg://" => 8,
                _ => 10,
            };
            if rest.is_empty() {
                return None;
            }
            hit("php.wrapper", score, end)
        }
    }
}

/// `O:<len>:"<class>":<n>:{` with `len` the class name's length.
fn object(v: &[u8], start: usize) -> Option<Hit> {
    if start > 0 && (v[start - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let mut i = start + 2;
    // Older unserialize() read the length as a signed number: `O:+8:` passes
    // filters that look for `O:` and a digit.
    if v.get(i) == Some(&b'+') {
        i += 1;
    }
    let ds = i;
    while i < v.len() && v[i].is_ascii_digit() && i - ds < 4 {
        i += 1;
    }
    let len: usize = std::str::from_utf8(&v[ds..i]).ok()?.parse().ok()?;
    if v.get(i) != Some(&b':') || v.get(i + 1) != Some(&b'"') {
        return None;
    }
    let name_start = i + 2;
    let name_end = name_start + len;
    if v.get(name_end) != Some(&b'"') || v.get(name_end + 1) != Some(&b':') {
        return None;
    }
    let name = &v[name_start..name_end];
    if name.is_empty()
        || !name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'\\')
    {
        return None;
    }
    let mut j = name_end + 2;
    let ns = j;
    while j < v.len() && v[j].is_ascii_digit() {
        j += 1;
    }
    if j == ns || v.get(j) != Some(&b':') || v.get(j + 1) != Some(&b'{') {
        return None;
    }
    Some(Hit {
        rule: "php.object_injection",
        score: 10,
        span: start..j + 2,
    })
}

/// `directive = value` for a php.ini directive that changes what runs.
fn ini(v: &[u8]) -> Option<Hit> {
    let t = v
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(v.len());
    let eq = t + v[t..].iter().position(|&c| c == b'=')?;
    let name = lower(v[t..eq].trim_ascii_end());
    if name.is_empty()
        || name.len() > 64
        || !name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return None;
    }
    let known = INI.iter().any(|d| {
        if d.ends_with('.') {
            name.starts_with(d.as_bytes()) && name.len() > d.len()
        } else {
            name == d.as_bytes()
        }
    });
    let value = v[eq + 1..].trim_ascii();
    (known && !value.is_empty() && !value.contains(&b'&')).then_some(Hit {
        rule: "php.ini_directive",
        score: 8,
        span: t..v.len(),
    })
}

/// File names a PHP server would run, where uploads name their files.
fn upload(v: &[u8]) -> Option<Hit> {
    let t = v.trim_ascii();
    if t.is_empty() || t.len() > 255 || t.starts_with(b"/") && !t.contains(&b'_') {
        return None;
    }
    if search::find(t, b"://").is_some()
        || t.contains(&b'?')
        || t.contains(&b'=')
        || t.contains(&b';')
    {
        return None;
    }
    let lower = lower(t);
    let base = match lower.iter().rposition(|&c| c == b'/' || c == b'\\') {
        Some(p) => &lower[p + 1..],
        None => &lower[..],
    };
    // PHP session files.
    if let Some(id) = base.strip_prefix(b"sess_") {
        if id.len() >= 20 && id.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-') {
            return Some(Hit {
                rule: "php.upload",
                score: 8,
                span: 0..v.len(),
            });
        }
    }
    if t.contains(&b' ') && !t.windows(2).any(|w| w == b". " || w == b" .") {
        return None;
    }
    // The extension, with Windows' trailing dots and spaces dropped.
    let trimmed: &[u8] = {
        let e = base
            .iter()
            .rposition(|&c| c != b'.' && c != b' ')
            .map_or(0, |p| p + 1);
        &base[..e]
    };
    let evasion = trimmed.len() < base.len();
    let exts: [&[u8]; 12] = [
        b"php", b"php3", b"php4", b"php5", b"php7", b"php8", b"phtml", b"phar", b"phps", b"pht",
        b"phpt", b"pgif",
    ];
    let parts: Vec<&[u8]> = trimmed.split(|&c| c == b'.').collect();
    if parts.len() < 2 {
        return None;
    }
    let ext = parts[parts.len() - 1].trim_ascii();
    let php_ext = |e: &[u8]| {
        exts.contains(&e) || (e.starts_with(b"php") && e[3..].iter().all(u8::is_ascii_digit))
    };
    if php_ext(ext) {
        return Some(Hit {
            rule: "php.upload",
            score: if evasion || parts[parts.len() - 2].ends_with(b" ") {
                10
            } else {
                6
            },
            span: 0..v.len(),
        });
    }
    // Double extension: `shell.php.jpg`.
    if parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| php_ext(p.trim_ascii()))
    {
        return Some(Hit {
            rule: "php.upload",
            score: 6,
            span: 0..v.len(),
        });
    }
    None
}

/// Finds calls and judges their callee.
/// Fast reject for the call rules, allocation-free: some `(` must follow
/// a PHP-function name, a variable, a string, a bracket or a comment.
fn callee_candidate(v: &[u8]) -> bool {
    // A line comment can stand between a name and its `(`.
    if memchr::memchr2(b'\n', b'\r', v).is_some()
        && (v.contains(&b'#') || search::find(v, b"//").is_some())
    {
        return true;
    }
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'(', &v[from..]) {
        let at = from + p;
        from = at + 1;
        let mut e = at;
        while e > 0 && v[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
        if e == 0 {
            continue;
        }
        let prev = v[e - 1];
        if matches!(prev, b')' | b']' | b'}' | b'\'' | b'"' | b'/' | b'+') {
            return true;
        }
        if prev.is_ascii_alphanumeric() || prev == b'_' {
            let s = v[..e]
                .iter()
                .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(0, |q| q + 1);
            let name = &v[s..e];
            if s > 0 && v[s - 1] == b'$' || name.len() <= 96 && (dangerous(name) || builtin(name)) {
                return true;
            }
        }
    }
    false
}

fn spaced_variable_variable(v: &[u8]) -> Option<Hit> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'$', &v[from..]) {
        let at = from + p;
        from = at + 1;
        let rest = &v[at + 1..];
        let ws = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
        if ws > 0 && rest.get(ws) == Some(&b'{') {
            let inner = rest[ws + 1..].trim_ascii_start();
            if inner
                .first()
                .is_some_and(|&c| c == b'$' || c.is_ascii_alphabetic() || c == b'_')
            {
                return Some(Hit {
                    rule: "php.variable_variable",
                    score: 6,
                    span: at..at + 1 + ws + 1,
                });
            }
        }
    }
    None
}

fn calls(v: &[u8], offset: usize) -> Option<Hit> {
    let mut h = calls_at(v)?;
    h.span = h.span.start + offset..h.span.end + offset;
    Some(h)
}

fn calls_at(v: &[u8]) -> Option<Hit> {
    let toks = lexer::lex(v, MAX_TOKENS);
    let mut best: Option<Hit> = None;
    // Variables assigned a constant string: `$y = 'sys'.'tem';`.
    let mut vars: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for i in 0..toks.len() {
        if let (Tok::Var(r), Some(t)) = (&toks[i], toks.get(i + 1)) {
            if t.is(b'=') && !toks.get(i + 2).is_some_and(|t| t.is(b'=')) {
                if let Some((s, _)) = eval_concat(v, &toks, i + 2, &vars) {
                    if vars.len() < 16 {
                        vars.push((lower(&v[r.clone()]), s));
                    }
                }
            }
        }
        // `define('x', 'sys'.'tem')`.
        if let Tok::Ident(r) = &toks[i] {
            if v[r.clone()].eq_ignore_ascii_case(b"define")
                && toks.get(i + 1).is_some_and(|t| t.is(b'('))
            {
                if let Some(Tok::Str(name, _)) = toks.get(i + 2) {
                    if toks.get(i + 3).is_some_and(|t| t.is(b',')) {
                        let mut k = i + 4;
                        while toks.get(k).is_some_and(|t| t.is(b'[')) {
                            k += 1;
                        }
                        if let Some((s, _)) = eval_concat(v, &toks, k, &vars) {
                            vars.push((lower(name), s));
                        }
                    }
                }
            }
        }
        if !toks[i].is(b'(') {
            continue;
        }
        let h = judge_call(v, &toks, i, &vars);
        if let Some(h) = h {
            if best.as_ref().is_none_or(|b| h.score > b.score) {
                best = Some(h);
            }
            if best.as_ref().is_some_and(|b| b.score >= 10) {
                break;
            }
        }
    }
    best
}

/// Evaluates a constant string expression starting at `toks[i]`:
/// strings, bare names and `(string)` casts joined by `.`. Returns the value
/// and the index after it.
fn eval_concat(
    v: &[u8],
    toks: &[Tok],
    mut i: usize,
    vars: &[(Vec<u8>, Vec<u8>)],
) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut any;
    loop {
        // `(string)` cast.
        if toks.get(i).is_some_and(|t| t.is(b'(')) {
            if let (Some(Tok::Ident(r)), Some(t)) = (toks.get(i + 1), toks.get(i + 2)) {
                if t.is(b')') && v[r.clone()].eq_ignore_ascii_case(b"string") {
                    i += 3;
                    continue;
                }
            }
        }
        match toks.get(i) {
            Some(Tok::Str(s, _)) => out.extend_from_slice(s),
            Some(Tok::Ident(r)) => {
                let name = lower(&v[r.clone()]);
                match vars.iter().rev().find(|(n, _)| *n == name) {
                    Some((_, val)) => out.extend_from_slice(val),
                    None => out.extend_from_slice(&name),
                }
            }
            Some(Tok::Var(r)) => {
                let name = lower(&v[r.clone()]);
                let (_, val) = vars.iter().rev().find(|(n, _)| *n == name)?;
                out.extend_from_slice(val);
            }
            Some(t) if t.is(b'(') => {
                // A parenthesized concatenation.
                let (s, j) = eval_concat(v, toks, i + 1, vars)?;
                if !toks.get(j).is_some_and(|t| t.is(b')')) {
                    return None;
                }
                out.extend_from_slice(&s);
                i = j;
            }
            _ => return None,
        }
        any = true;
        i += 1;
        if toks.get(i).is_some_and(|t| t.is(b'.') || t.is(b'+')) {
            i += 1;
            continue;
        }
        break;
    }
    any.then_some((out, i))
}

/// Whether `toks[i]` is a bare word PHP cannot place next to a call: an
/// identifier that is no operator or statement keyword (`echo system(...)`
/// and `system(...) or die` are PHP; `to eval()` and `f() Returns` are not).
fn word_at(v: &[u8], toks: &[Tok], i: Option<usize>) -> bool {
    const GLUE: [&[u8]; 16] = [
        b"and",
        b"or",
        b"xor",
        b"echo",
        b"print",
        b"return",
        b"new",
        b"else",
        b"case",
        b"throw",
        b"yield",
        b"clone",
        b"instanceof",
        b"include",
        b"require",
        b"die",
    ];
    match i.and_then(|i| toks.get(i)) {
        Some(Tok::Ident(r)) => {
            let w = &v[r.clone()];
            // `<?php system(...)`: the open tag's name.
            let tag = w.eq_ignore_ascii_case(b"php");
            !tag && !GLUE.iter().any(|g| g.eq_ignore_ascii_case(w))
        }
        _ => false,
    }
}

fn dangerous(name: &[u8]) -> bool {
    let n = name.trim_ascii();
    DANGEROUS
        .iter()
        .any(|d| d.as_bytes().eq_ignore_ascii_case(n))
}

fn builtin(n: &[u8]) -> bool {
    if n.len() < 2 {
        return false;
    }
    BUILTINS
        .iter()
        .any(|d| d.as_bytes().eq_ignore_ascii_case(n))
        || FAMILIES.iter().any(|f| {
            n.len() > f.len() + 2
                && n[..f.len()].eq_ignore_ascii_case(f.as_bytes())
                && n.contains(&b'_')
        })
}

/// What the arguments of the call opening at `toks[open]` look like.
/// Returns (PHP-ish, index after `)`).
fn args_shape(toks: &[Tok], open: usize) -> (bool, bool, bool, usize) {
    let mut depth = 0usize;
    let mut idents = 0usize;
    let mut code = 0usize;
    // Two operands with nothing between (`(Python 3 interface)`) are words
    // of an aside, no PHP expression.
    let mut juxtaposed = false;
    let mut prev_operand = false;
    let mut i = open;
    while i < toks.len() {
        let t = &toks[i];
        let operand =
            depth == 1 && matches!(t, Tok::Ident(_) | Tok::Var(_) | Tok::Str(..) | Tok::Num(_));
        juxtaposed |= operand && prev_operand;
        prev_operand = operand;
        if t.is(b'(') || t.is(b'[') {
            depth += 1;
        } else if t.is(b')') || t.is(b']') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                let empty = i == open + 1;
                let phpish = (empty || code > 0 || idents <= 1) && !juxtaposed;
                return (phpish, empty, code > 0, i + 1);
            }
        } else {
            match t {
                Tok::Ident(_) => idents += 1,
                Tok::Var(_) | Tok::Str(..) | Tok::Num(_) => code += 1,
                _ => {}
            }
        }
        i += 1;
        if i - open > 256 {
            break;
        }
    }
    // Unclosed: a probe that stops at `(`.
    (
        i == open + 1 || code > 0 || idents <= 1,
        i == open + 1,
        code > 0,
        i,
    )
}

fn judge_call(v: &[u8], toks: &[Tok], open: usize, vars: &[(Vec<u8>, Vec<u8>)]) -> Option<Hit> {
    if open == 0 {
        return None;
    }
    let prev = &toks[open - 1];
    let (phpish, empty, literal_args, after) = args_shape(toks, open);
    let span = prev.start()..toks.get(after.saturating_sub(1)).map_or(v.len(), Tok::end);
    let statement_end = toks
        .get(after)
        .is_none_or(|t| t.is(b';') || t.is(b'?') || t.is(b')') || t.is(b'.'));
    let whole = toks.get(open.saturating_sub(2)).is_none_or(|t| {
        open < 2 || t.is(b';') || t.is(b'@') || t.is(b'=') || t.is(b'(') || t.is(b'.')
    });
    match prev {
        Tok::Ident(r) => {
            // A method (`x.substr(`, `$o->f(`) is not a PHP function call.
            if open >= 2
                && (toks[open - 2].is(b'.') || toks[open - 2].is(b'>') || toks[open - 2].is(b':'))
            {
                return None;
            }
            // A word glued to the call on either side (`passed in to
            // eval();`, `get_tabsize() Gets the size`): two bare names in a
            // row are no PHP, only the signatures and asides of prose. A
            // comment between the name and `(` is no prose's, though: it is
            // there to split the call from a filter's view.
            let commented = !v[r.end..toks[open].start()]
                .iter()
                .all(u8::is_ascii_whitespace);
            if !commented
                && (word_at(v, toks, open.checked_sub(2)) || word_at(v, toks, Some(after)))
            {
                return None;
            }
            let name = &v[r.clone()];
            let resolved = vars
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, val)| val.clone());
            // `(x)(...)` where x was defined: handled by the paren branch.
            if let Some(val) = resolved {
                if dangerous(&val) {
                    return Some(Hit {
                        rule: "php.variable_function",
                        score: 10,
                        span,
                    });
                }
            }
            if dangerous(name) {
                let n = lower(name);
                if n == b"preg_replace" {
                    // Only the `/e` modifier runs code.
                    let e = toks[open..after.min(toks.len())].iter().any(|t| {
                        matches!(t, Tok::Str(s, _) if s.len() > 2 && s.ends_with(b"e") && s.starts_with(b"/"))
                    });
                    return e.then_some(Hit {
                        rule: "php.function_call",
                        score: 10,
                        span,
                    });
                }
                // `Operating system (OS) for servers`: bare words in
                // parentheses between words are an aside; a call that runs
                // stands alone or ends a statement.
                if !phpish || !(empty || literal_args || statement_end || whole) {
                    return None;
                }
                let score = if empty
                    || matches!(
                        toks.get(open + 1),
                        Some(Tok::Var(_) | Tok::Str(..) | Tok::Ident(_))
                    ) {
                    if matches!(
                        &n[..],
                        b"mail"
                            | b"extract"
                            | b"array_map"
                            | b"unlink"
                            | b"chr"
                            | b"include"
                            | b"require"
                            | b"assert"
                            | b"exec"
                            | b"system"
                            | b"eval"
                    ) && !(statement_end || whole)
                        && empty
                    {
                        6
                    } else {
                        10
                    }
                } else {
                    8
                };
                return Some(Hit {
                    rule: "php.function_call",
                    score,
                    span,
                });
            }
            // `md5(), sha1(), sha256()`: a list of names in a sentence; no
            // PHP statement goes on with a `,`.
            let listed = toks.get(after).is_some_and(|t| t.is(b','));
            if builtin(name) && phpish && (empty || statement_end) && whole && !listed {
                return Some(Hit {
                    rule: "php.function_call",
                    score: 6,
                    span,
                });
            }
            None
        }
        Tok::Str(s, _) => {
            // `"system"(ls)`, `"\x73ystem"(ls)`.
            if dangerous(s) {
                return Some(Hit {
                    rule: "php.variable_function",
                    score: 10,
                    span,
                });
            }
            // `"sys"."t"."em" ('id')`: PHP calls the last literal alone, but
            // a chain spelling a dangerous name before `(` exists only to slip
            // that name past a filter.
            let mut k = open - 1;
            while k >= 2 && toks[k - 1].is(b'.') && matches!(toks[k - 2], Tok::Str(..)) {
                k -= 2;
            }
            if k == open - 1 {
                return None;
            }
            let (name, end) = eval_concat(v, toks, k, vars)?;
            (end == open && dangerous(&name)).then_some(Hit {
                rule: "php.variable_function",
                score: 10,
                span: toks[k].start()..span.end,
            })
        }
        Tok::Var(_) => {
            // `$a(...)`: a variable function.
            let name = lower(&v[prev.start()..prev.end()]);
            if let Some((_, val)) = vars.iter().rev().find(|(n, _)| *n == name) {
                if dangerous(val) {
                    return Some(Hit {
                        rule: "php.variable_function",
                        score: 10,
                        span,
                    });
                }
            }
            if open >= 3 && toks[open - 2].is(b'>') && toks[open - 3].is(b'-') {
                // `$obj->$name()`: a dynamic method.
                return Some(Hit {
                    rule: "php.variable_function",
                    score: 6,
                    span,
                });
            }
            if open >= 2 && (toks[open - 2].is(b'.') || toks[open - 2].is(b'>')) {
                return None;
            }
            (empty || literal_args).then_some(Hit {
                rule: "php.variable_function",
                score: 6,
                span,
            })
        }
        t if t.is(b')') || t.is(b']') || t.is(b'}') => {
            // A computed callee: find its opening bracket and evaluate it.
            let close = t.start();
            let mut depth = 0usize;
            let mut k = open - 1;
            loop {
                let tk = &toks[k];
                if tk.is(b')') || tk.is(b']') || tk.is(b'}') {
                    depth += 1;
                } else if tk.is(b'(') || tk.is(b'[') || tk.is(b'{') {
                    depth = depth.saturating_sub(1);
                    // A chain of brackets (`[system][0]`) is one callee.
                    if depth == 0
                        && !(k > 0
                            && (toks[k - 1].is(b']')
                                || toks[k - 1].is(b')')
                                || toks[k - 1].is(b'}')))
                    {
                        break;
                    }
                }
                if k == 0 || open - k > 64 {
                    return None;
                }
                k -= 1;
            }
            let _ = close;
            let callee = &toks[k..open];
            let span = toks[k].start()..span.end;
            if let Some(name) = callee_name(v, callee, vars) {
                if dangerous(&name) {
                    return Some(Hit {
                        rule: "php.variable_function",
                        score: 10,
                        span,
                    });
                }
            }
            // `$__[o](4)`, `${@a}(10)`, `$GLOBALS['x'](14)`.
            let dynamic = k >= 1 && (matches!(toks[k - 1], Tok::Var(_)) || toks[k - 1].is(b'$'));
            if dynamic && phpish && t.is(b']') || dynamic && t.is(b'}') {
                return Some(Hit {
                    rule: "php.variable_function",
                    score: 6,
                    span,
                });
            }
            None
        }
        _ => None,
    }
}

/// The function name a bracketed callee evaluates to: `(system)`,
/// `('sy'.'stem')`, `[system][0]`, `(['system'])[0]`, `{[system][0]}`.
fn callee_name(v: &[u8], callee: &[Tok], vars: &[(Vec<u8>, Vec<u8>)]) -> Option<Vec<u8>> {
    // Strip `[0]` picks, outer brackets and `(string)` casts.
    let mut t = callee;
    for _ in 0..8 {
        // A leading `(string)` cast (`(string) {[system][0]}`).
        if t.len() >= 4 && t[0].is(b'(') && t[2].is(b')') {
            if let Tok::Ident(r) = &t[1] {
                if v[r.clone()].eq_ignore_ascii_case(b"string") {
                    t = &t[3..];
                    continue;
                }
            }
        }
        if t.len() >= 3
            && (t[t.len() - 1].is(b']') && t[t.len() - 3].is(b'[')
                || t[t.len() - 1].is(b'}') && t[t.len() - 3].is(b'{'))
            && matches!(t[t.len() - 2], Tok::Num(_))
        {
            t = &t[..t.len() - 3];
            continue;
        }
        if t.len() >= 2
            && ((t[0].is(b'(') && t[t.len() - 1].is(b')'))
                || (t[0].is(b'[') && t[t.len() - 1].is(b']'))
                || (t[0].is(b'{') && t[t.len() - 1].is(b'}')))
        {
            t = &t[1..t.len() - 1];
            continue;
        }
        break;
    }
    let (s, end) = eval_concat(v, t, 0, vars)?;
    (end == t.len()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sensitivity;

    fn ctx(part: Part) -> Ctx {
        Ctx {
            part,
            key: false,
            sensitivity: Sensitivity::Default,
        }
    }

    #[test]
    fn every_marker_holds_a_marker_byte() {
        for p in marker_patterns() {
            assert!(p.bytes().any(marker_byte), "{p}");
        }
    }

    fn cases(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| l.replace("\\r", "\r").replace("\\n", "\n"))
            .collect()
    }

    /// A line `header: value` is judged as a header value.
    fn judge(line: &str) -> Option<Hit> {
        match line.strip_prefix("header: ") {
            Some(v) => detect(v.as_bytes(), &ctx(Part::Header)),
            None => detect(line.as_bytes(), &ctx(Part::Query)),
        }
    }

    #[test]
    fn attacks_fire() {
        let mut missed = Vec::new();
        for line in cases(include_str!("../../../testdata/php/attacks.txt")) {
            match judge(&line) {
                Some(h) if h.score >= 5 => {}
                other => missed.push(format!("{line:?} -> {other:?}")),
            }
        }
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn benign_passes() {
        let mut flagged = Vec::new();
        for line in cases(include_str!("../../../testdata/php/benign.txt")) {
            if let Some(h) = judge(&line) {
                if h.score >= 5 {
                    flagged.push(format!("{line:?} -> {h:?}"));
                }
            }
        }
        assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
    }

    #[test]
    fn large_values_are_safe() {
        let mut v = Vec::new();
        for _ in 0..(1 << 20) / 16 {
            v.extend_from_slice(b"a(b)'c\"d$e[f]{g");
        }
        let start = std::time::Instant::now();
        let _ = detect(&v, &ctx(Part::Body));
        assert!(start.elapsed().as_secs() < 5);
    }
}
