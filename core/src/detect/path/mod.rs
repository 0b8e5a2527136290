//! Path traversal and local file inclusion.
//!
//! The value is cut into path-like tokens (at whitespace, quotes, `=`, `&`,
//! `?`, NUL and the like). Each token is normalized the way file servers and
//! file APIs read it: literal `0x2e`/`0x2f`/`0x5c` and left-over `%2e`,
//! `%2f`, `%5c` decoded, overlong UTF-8 and look-alike slashes and dots
//! folded, `\` read as `/`, `//` collapsed, Tomcat's `;params` cut from each
//! segment, trailing spaces dropped, and a segment made only of dots
//! (`...`, `....` left by filters that strip `../` once) read as `..`. The
//! segments are then resolved like a server resolves them, counting the
//! `..` that climb above the start.
//!
//! Rule ids:
//! - `path.traversal`: `..` climbs above the root (10 when absolute, in the
//!   request path, twice or more, obfuscated, or towards a sensitive file;
//!   a lone plain `../x` in a parameter is weak, 4).
//! - `path.sensitive_file`: the path names a file or directory from
//!   `testdata/path/sensitive.txt` (10 when the value is a path, in the
//!   request path, or an absolute path in a short command-like value or
//!   naming credentials anywhere but cited in a manual's manner; 3 for
//!   other mentions in sentences).
//! - `path.wrapper`: a stream wrapper that reads files or runs code
//!   (`php://`, `file:`, `zip://`, `phar://`, `expect://`, `jar:` ...).
//! - `path.unc_admin_share`: a Windows UNC path to an administrative share,
//!   `\\host\c$\...`, `\\10.0.0.5\admin$`, `\\::1\ipc$`: the whole
//!   disk of a host (its own, to escape the web root; another, to make the
//!   server authenticate to it and leak its NTLM hash).
//! - `path.backup_file`: a database dump or backup archive (`*.sql`,
//!   `*.sql.gz`, `*.sql.zip` ...) asked for as a path (5).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use super::{Ctx, FastMap, Hit};
use crate::search::{find, starts_ci};
use crate::verdict::Part;

/// The list of sensitive path suffixes (see the file for its syntax).
const SENSITIVE: &str = include_str!("../../../testdata/path/sensitive.txt");

/// Resolved segments kept per token; deeper paths keep their last ones.
const MAX_SEGS: usize = 48;

/// Judges one value.
pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let hex = || {
        value
            .windows(2)
            .any(|w| w[0] == b'0' && (w[1] | 0x20) == b'x')
    };
    if !value
        .iter()
        .any(|&b| matches!(b, b'/' | b'\\' | b'.' | b':' | b'%') || b >= 0x80)
        && !hex()
    {
        return None;
    }
    let words = value
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .take(5)
        .count();
    let mut best: Option<Hit> = None;
    let mut i = 0;
    // Only a token holding a byte of a path or of an encoding of one can be
    // judged anything (`judge_token`'s cheap exit, before and after
    // `fold`): the others are skipped without being delimited.
    while let Some(p) = next_path_byte(value, i) {
        let mut start = p;
        while start > i && !is_delim(value[start - 1]) {
            start -= 1;
        }
        i = p;
        while i < value.len() && !is_delim(value[i]) {
            i += 1;
        }
        if let Some(hit) = judge_token(value, start..i, ctx, words) {
            let better = best.as_ref().is_none_or(|b| hit.score > b.score);
            if better {
                let done = hit.score >= 10;
                best = Some(hit);
                if done {
                    break;
                }
            }
        }
    }
    best
}

/// The first byte from `from` on that is a path's (`/`, `.`, `:`) or
/// that [`fold`] may turn into one (`\`, `%`, a byte >= 0x80, `0x`).
fn next_path_byte(value: &[u8], from: usize) -> Option<usize> {
    static CANDIDATE: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0x80;
        while b < 256 {
            t[b] = true;
            b += 1;
        }
        t[b'/' as usize] = true;
        t[b'.' as usize] = true;
        t[b':' as usize] = true;
        t[b'\\' as usize] = true;
        t[b'%' as usize] = true;
        t[b'0' as usize] = true;
        t
    };
    let mut k = from;
    while k < value.len() {
        let b = value[k];
        if CANDIDATE[b as usize] && (b != b'0' || matches!(value.get(k + 1), Some(b'x' | b'X'))) {
            return Some(k);
        }
        k += 1;
    }
    None
}

/// `\\host\share$` at the token's start, where the share is a drive's
/// (`c$`) or one of Windows' own (`admin$`, `ipc$`, `print$`); returns the
/// end of the share. Only backslashes: `//host/c$` is a scheme-relative URL
/// more often than a file path.
fn unc_admin_share(tok: &[u8]) -> Option<usize> {
    // Left-over percent (`%5C%5Chost%5Cc%24`, a JS layer having eaten the
    // decoded backslashes): read the token's head as a file API would.
    if tok.first() == Some(&b'%') {
        let head = &tok[..tok.len().min(320)];
        let mut d = crate::decode::percent::decode(head);
        for _ in 0..2 {
            match crate::decode::percent::decode(&d) {
                std::borrow::Cow::Owned(o) => d = std::borrow::Cow::Owned(o),
                std::borrow::Cow::Borrowed(_) => break,
            }
        }
        return (d.first() == Some(&b'\\'))
            .then(|| unc_admin_share(&d))
            .flatten()
            .map(|_| head.len());
    }
    let rest = tok.strip_prefix(b"\\\\")?;
    let host = rest.iter().position(|&b| b == b'\\')?;
    if host == 0 || host > 255 {
        return None;
    }
    let share_at = host + 1;
    let share = &rest[share_at..];
    let len = share
        .iter()
        .position(|&b| b == b'\\')
        .unwrap_or(share.len());
    let name = share[..len].strip_suffix(b"$")?;
    let admin = (name.len() == 1 && name[0].is_ascii_alphabetic())
        || [&b"admin"[..], b"ipc", b"print"]
            .iter()
            .any(|s| name.eq_ignore_ascii_case(s));
    admin.then_some(2 + share_at + len)
}

/// Bytes that end a path token.
fn is_delim(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            0 | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b'|'
                | b'&'
                | b'='
                | b'('
                | b')'
                | b','
                | b'`'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b'?'
                | b'#'
                | b'*'
                | b'^'
        )
}

/// What normalizing a token changed.
#[derive(Default, Clone, Copy)]
struct Folds {
    /// `\` read as `/`.
    backslash: bool,
    /// Any other evasion: literal hex, left-over percent, overlong UTF-8,
    /// look-alike characters.
    evasion: bool,
}

/// Folds the encodings a file API or a lenient server undoes, and `\` to
/// `/`. Borrows when the token needs none of it.
fn fold(tok: &[u8]) -> (Cow<'_, [u8]>, Folds) {
    let mut folds = Folds::default();
    let needs = tok.iter().enumerate().any(|(i, &b)| {
        b == b'\\'
            || b == b'%'
            || b >= 0x80
            || (b == b'0' && matches!(tok.get(i + 1), Some(b'x' | b'X')))
    });
    if !needs {
        return (Cow::Borrowed(tok), folds);
    }
    let mut out = Vec::with_capacity(tok.len());
    let mut i = 0;
    while i < tok.len() {
        let b = tok[i];
        let rest = &tok[i..];
        // Literal hex bytes (`0x2e0x2e0x2f`).
        if b == b'0' && rest.len() >= 4 && matches!(rest[1], b'x' | b'X') {
            if let Some(c) = hex_pair(rest[2], rest[3]).and_then(path_char) {
                out.push(c);
                folds.evasion = true;
                i += 4;
                continue;
            }
        }
        // Percent left over after the app's decoding, possibly doubled.
        if b == b'%' {
            let mut j = i + 1;
            while tok.get(j..j + 2) == Some(b"25") {
                j += 2;
            }
            if let (Some(&h), Some(&l)) = (tok.get(j), tok.get(j + 1)) {
                if let Some(c) = hex_pair(h, l).and_then(path_char) {
                    out.push(c);
                    folds.evasion = true;
                    i = j + 2;
                    continue;
                }
            }
        }
        if b == b'\\' {
            out.push(b'/');
            folds.backslash = true;
            i += 1;
            continue;
        }
        if b >= 0x80 {
            if let Some((c, n)) = lookalike(rest) {
                out.push(c);
                folds.evasion = true;
                i += n;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    (Cow::Owned(out), folds)
}

fn hex_pair(h: u8, l: u8) -> Option<u8> {
    let v = |c: u8| (c as char).to_digit(16);
    Some((v(h)? * 16 + v(l)?) as u8)
}

/// The path characters an encoding may hide; `\` reads as `/`.
fn path_char(c: u8) -> Option<u8> {
    match c {
        b'.' | b'/' => Some(c),
        b'\\' => Some(b'/'),
        _ => None,
    }
}

/// Overlong UTF-8 for `.`, `/`, `\`, and Unicode look-alikes that
/// best-fit mappings turn into them. Returns the character and the bytes
/// consumed.
fn lookalike(s: &[u8]) -> Option<(u8, usize)> {
    let cp_ascii = |cp: u32| u8::try_from(cp).ok().and_then(path_char);
    match s {
        [0xc0 | 0xc1, b1, ..] if b1 & 0xc0 == 0x80 => {
            let cp = (u32::from(s[0] & 0x1f) << 6) | u32::from(b1 & 0x3f);
            cp_ascii(cp).map(|c| (c, 2))
        }
        [0xe0, b1, b2, ..] if *b1 < 0xa0 && b1 & 0xc0 == 0x80 && b2 & 0xc0 == 0x80 => {
            let cp = (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
            cp_ascii(cp).map(|c| (c, 3))
        }
        [0xf0, 0x80, b2, b3, ..] if b2 & 0xc0 == 0x80 && b3 & 0xc0 == 0x80 => {
            let cp = (u32::from(b2 & 0x3f) << 6) | u32::from(b3 & 0x3f);
            cp_ascii(cp).map(|c| (c, 4))
        }
        // U+2215 DIVISION SLASH, U+2216 SET MINUS, U+2044 FRACTION SLASH,
        // U+2024 ONE DOT LEADER.
        [0xe2, 0x88, 0x95 | 0x96, ..] | [0xe2, 0x81, 0x84, ..] => Some((b'/', 3)),
        [0xe2, 0x80, 0xa4, ..] => Some((b'.', 3)),
        // Full-width `.` `/` `\`, small full stop.
        [0xef, 0xbc, 0x8e, ..] | [0xef, 0xb9, 0x92, ..] => Some((b'.', 3)),
        [0xef, 0xbc, 0x8f | 0xbc, ..] => Some((b'/', 3)),
        _ => None,
    }
}

/// Wrappers (PHP streams, Java URL handlers) that read local files, archives
/// or run commands when a path is opened.
const WRAPPERS: &[&[u8]] = &[
    b"php://",
    b"file:/",
    b"zip://",
    b"phar://",
    b"expect://",
    b"glob://",
    b"compress.zlib://",
    b"compress.bzip2://",
    b"zlib:",
    b"ogg://",
    b"rar://",
    b"jar:",
    b"netdoc:",
    b"local_file:",
];

/// Judges one token of the value; `at` is its offset in the value.
fn judge_token(value: &[u8], range: Range<usize>, ctx: &Ctx, words: usize) -> Option<Hit> {
    let tok = &value[range.clone()];
    let at = range.start;
    let prose = words > 1;
    let span = at..at + tok.len();
    let (t, folds) = fold(tok);
    let t = &t[..];
    // Cheap exit: a path token has a separator, a dot or a colon.
    if !t.iter().any(|&b| matches!(b, b'/' | b'.' | b':')) {
        return None;
    }

    // Stream wrappers, at the token start or after a `url:` prefix.
    let mut w = t;
    while starts_ci(w, b"url:") {
        w = &w[4..];
    }
    if WRAPPERS.iter().any(|p| starts_ci(w, p)) {
        // `file:` names a file like any path: judge where it points.
        let file = starts_ci(w, b"file:");
        if !file {
            return Some(Hit {
                rule: "path.wrapper",
                score: 10,
                span,
            });
        }
        let (path, _) = split_path(w);
        let path = if starts_ci(w, b"file://") {
            path
        } else {
            &w[5..]
        };
        let r = resolve(path);
        let score = if r.escapes > 0 || (r.len > 0 && sensitive(&r, path).is_some()) {
            10
        } else {
            4
        };
        return Some(Hit {
            rule: "path.wrapper",
            score,
            span,
        });
    }

    if let Some(end) = unc_admin_share(tok) {
        return Some(Hit {
            rule: "path.unc_admin_share",
            score: 10,
            span: at..at + end,
        });
    }

    // Where the file path starts, and whether it is absolute.
    let (path, absolute) = split_path(t);
    let r = resolve(path);
    let whole = !prose;
    let in_request_path = ctx.part == Part::Path;
    let header = ctx.part == Part::Header;

    let sensitive = if r.len > 0 { sensitive(&r, path) } else { None };
    // A lone `..` is not a path; a traversal needs a separator.
    if r.escapes > 0 && t.contains(&b'/') {
        let strong = absolute
            || in_request_path
            || r.escapes >= 2
            || r.odd_dots
            || folds.backslash
            || folds.evasion
            || sensitive.is_some();
        let score = if strong {
            10
        } else if whole && ctx.part == Part::Multipart {
            6
        } else {
            4
        };
        return Some(Hit {
            rule: "path.traversal",
            score,
            span,
        });
    }
    if let Some(secret) = sensitive {
        // In a sentence, only credentials stay strong: a ticket may quote
        // `/var/log/nginx/error.log`; a short command line may not.
        let sentence = words > 4;
        // Credentials named in a sentence stay strong (`print the contents
        // of /etc/shadow for me`), unless written as a manual refers to a
        // file: punctuated as a noun (`/etc/passwd, NIS and LDAP`, `(in
        // ~/.ssh/config):`), after a determiner (`the /etc/shadow file`),
        // or as the term a description follows (`~/.ssh/known_hosts
        // Contains ...`); and not right behind a command or shell syntax,
        // which reads it.
        let mentioned = sentence && !operand(value, at) && cited(value, range.clone());
        let score =
            if whole || in_request_path || (absolute && ((secret && !mentioned) || !sentence)) {
                10
            } else {
                3
            };
        return Some(Hit {
            rule: "path.sensitive_file",
            score,
            span,
        });
    }
    if r.len > 0 && (whole || in_request_path) && !header && is_backup(r.last(path)) {
        return Some(Hit {
            rule: "path.backup_file",
            score: 5,
            span,
        });
    }
    None
}

/// Whether the path token at `r` is cited the way prose names a file: see
/// [`judge_token`].
fn cited(value: &[u8], r: Range<usize>) -> bool {
    let tok = &value[r.clone()];
    let punct_end = tok.last().is_some_and(|b| matches!(b, b'.' | b':' | b';'))
        || value.get(r.end).is_some_and(|b| matches!(b, b',' | b')'))
        || r.start > 0 && value[r.start - 1] == b'(';
    let before = value[..r.start].trim_ascii_end();
    let prev = before
        .rsplit(|b| b.is_ascii_whitespace())
        .next()
        .unwrap_or_default();
    let determiner = [
        &b"the"[..],
        b"a",
        b"an",
        b"your",
        b"its",
        b"this",
        b"their",
        b"my",
    ]
    .iter()
    .any(|d| prev.eq_ignore_ascii_case(d));
    let next = value[r.end..]
        .trim_ascii_start()
        .split(|b| b.is_ascii_whitespace())
        .next()
        .unwrap_or_default();
    let term = before
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace())
        && next.len() > 1
        && next[0].is_ascii_uppercase()
        && next[1..].iter().all(u8::is_ascii_lowercase);
    punct_end || determiner || term
}

/// Whether the token at `at` is what a command or shell syntax acts on:
/// the word before it is a command (`cat`, `less`, `xargs`), or a shell
/// operator or redirection ends right before it (`;`, `|`, `<`, `$(`).
fn operand(value: &[u8], at: usize) -> bool {
    let before = &value[..at];
    let end = before
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let Some(&last) = end.checked_sub(1).and_then(|i| before.get(i)) else {
        return false;
    };
    // A `(` of prose opens an aside (`(/etc/passwd and /etc/group)`); the
    // shell's opens a substitution.
    let subst = last == b'(' && end >= 2 && matches!(before[end - 2], b'$' | b'<' | b'>');
    if subst || matches!(last, b';' | b'|' | b'&' | b'<' | b'>' | b'`' | b'=') {
        return true;
    }
    let start = before[..end]
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b';' | b'|' | b'&' | b'(' | b'`'))
        .map_or(0, |p| p + 1);
    let word = &before[start..end];
    // A command that is also a word (`file`, `cat`, `less`) is one only
    // opening a clause (`; less /etc/shadow`), not inside a noun phrase
    // (`the password file /etc/passwd`).
    let opens_clause = before[..start]
        .trim_ascii_end()
        .last()
        .is_none_or(|b| !b.is_ascii_alphanumeric());
    super::rce::dict::lookup(word).is_some_and(|c| !c.english || opens_clause)
        || word.starts_with(b"-")
}

/// Splits off what comes before the file path: `scheme://authority`, a
/// drive letter. Returns the path and whether it is absolute.
fn split_path(t: &[u8]) -> (&[u8], bool) {
    // scheme://
    if let Some(p) = find(t, b"://") {
        let scheme = &t[..p];
        if !scheme.is_empty()
            && scheme[0].is_ascii_alphabetic()
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            let rest = &t[p + 3..];
            let path = match rest.iter().position(|&b| b == b'/') {
                Some(s) => &rest[s..],
                None => &rest[rest.len()..],
            };
            return (path, true);
        }
    }
    // C:/ or C:
    if t.len() >= 2 && t[0].is_ascii_alphabetic() && t[1] == b':' {
        let rest = &t[2..];
        if rest.first() == Some(&b'/') || rest.is_empty() {
            return (rest, true);
        }
    }
    if t.first() == Some(&b'~') && t.get(1) == Some(&b'/') {
        return (&t[1..], true);
    }
    (t, t.first() == Some(&b'/'))
}

/// A path resolved the way a server resolves it.
struct Resolved {
    /// Ranges of the kept segments in the path, last `MAX_SEGS` only.
    segs: [(u32, u32); MAX_SEGS],
    len: usize,
    /// `..` that climbed above the start.
    escapes: u32,
    /// A `..` spelled oddly: more dots, `..;x`, trailing spaces.
    odd_dots: bool,
}

impl Resolved {
    fn seg<'p>(&self, path: &'p [u8], i: usize) -> &'p [u8] {
        let (s, e) = self.segs[i];
        &path[s as usize..e as usize]
    }

    fn last<'p>(&self, path: &'p [u8]) -> &'p [u8] {
        if self.len == 0 {
            &path[..0]
        } else {
            self.seg(path, self.len - 1)
        }
    }
}

fn resolve(path: &[u8]) -> Resolved {
    let mut r = Resolved {
        segs: [(0, 0); MAX_SEGS],
        len: 0,
        escapes: 0,
        odd_dots: false,
    };
    let mut depth: usize = 0;
    let mut start = 0;
    for end in path
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .map(|(i, _)| i)
        .chain(std::iter::once(path.len()))
    {
        let raw = &path[start..end];
        let seg_start = start;
        start = end + 1;
        if raw.is_empty() {
            continue;
        }
        // Tomcat cuts `;params` from each segment; Windows drops trailing
        // spaces.
        let cut = raw.iter().position(|&b| b == b';').unwrap_or(raw.len());
        let mut name = &raw[..cut];
        while let [rest @ .., b' ' | b'\t'] = name {
            name = rest;
        }
        // An ellipsis ending the path is prose (`https://site.com/...`).
        let ellipsis = name.len() > 2 && end == path.len();
        let dots = !ellipsis && !name.is_empty() && name.iter().all(|&b| b == b'.');
        if dots && name.len() == 1 {
            continue;
        }
        if dots {
            if name.len() > 2 || cut < raw.len() || name.len() < raw.len() {
                r.odd_dots = true;
            }
            if depth == 0 {
                r.escapes += 1;
            } else {
                depth -= 1;
                r.len = r.len.min(depth);
            }
            continue;
        }
        if name.is_empty() {
            continue;
        }
        let range = (seg_start as u32, (seg_start + name.len()) as u32);
        if r.len == MAX_SEGS {
            r.segs.copy_within(1.., 0);
            r.len -= 1;
        }
        r.segs[r.len] = range;
        r.len += 1;
        depth += 1;
    }
    r
}

/// One entry of the sensitive list.
struct Entry {
    segs: Vec<Vec<u8>>,
    dir: bool,
    /// Holds credentials (`!` in the list).
    secret: bool,
}

/// The sensitive list, indexed by the first segment of directory entries and
/// by the last segment of file entries.
struct Index {
    entries: Vec<Entry>,
    dirs: FastMap<Vec<u8>, Vec<usize>>,
    files: FastMap<Vec<u8>, Vec<usize>>,
}

/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    index();
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index {
            entries: Vec::new(),
            dirs: FastMap::default(),
            files: FastMap::default(),
        };
        for line in SENSITIVE.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let secret = line.starts_with('!');
            let line = line.trim_start_matches('!');
            let dir = line.ends_with('/');
            let segs: Vec<Vec<u8>> = line
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| s.to_ascii_lowercase().into_bytes())
                .collect();
            let (Some(first), Some(last)) = (segs.first(), segs.last()) else {
                continue;
            };
            let key = if dir { first.clone() } else { last.clone() };
            let n = ix.entries.len();
            let map = if dir { &mut ix.dirs } else { &mut ix.files };
            map.entry(key).or_default().push(n);
            ix.entries.push(Entry { segs, dir, secret });
        }
        ix
    })
}

/// Lower-cases `s` into `buf`; `None` when it does not fit.
fn lower<'b>(s: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let out = buf.get_mut(..s.len())?;
    for (o, &b) in out.iter_mut().zip(s) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// Trailing marks of editor and admin backups: `passwd-`, `win.ini~`,
/// `.env.bak`, NTFS `::$DATA`, Windows trailing dots.
fn strip_backup(mut s: &[u8]) -> &[u8] {
    loop {
        let before = s.len();
        for suf in [
            &b"::$data"[..],
            b".bak",
            b".old",
            b".orig",
            b".save",
            b".swp",
            b".copy",
            b".tmp",
        ] {
            if s.len() > suf.len() && s[s.len() - suf.len()..].eq_ignore_ascii_case(suf) {
                s = &s[..s.len() - suf.len()];
            }
        }
        while let [rest @ .., b'-' | b'~' | b'.' | b' '] = s {
            if rest.is_empty() {
                break;
            }
            s = rest;
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Whether the path names a sensitive file: `Some(secret)`.
fn sensitive(r: &Resolved, path: &[u8]) -> Option<bool> {
    let ix = index();
    let mut buf = [0u8; 64];
    for i in 0..r.len {
        let seg = r.seg(path, i);
        let is_last = i + 1 == r.len;
        let seg = if is_last { strip_backup(seg) } else { seg };
        let Some(l) = lower(seg, &mut buf) else {
            continue;
        };
        if let Some(list) = ix.dirs.get(l) {
            for &e in list {
                let segs = &ix.entries[e].segs;
                if i + segs.len() <= r.len
                    && segs.iter().enumerate().all(|(k, want)| {
                        let got = r.seg(path, i + k);
                        let got = if i + k + 1 == r.len {
                            strip_backup(got)
                        } else {
                            got
                        };
                        got.eq_ignore_ascii_case(want)
                    })
                {
                    return Some(ix.entries[e].secret);
                }
            }
        }
        if is_last {
            if let Some(list) = ix.files.get(l) {
                for &e in list {
                    let entry = &ix.entries[e];
                    debug_assert!(!entry.dir);
                    let n = entry.segs.len();
                    if n <= r.len
                        && entry.segs[..n - 1]
                            .iter()
                            .enumerate()
                            .all(|(k, want)| r.seg(path, r.len - n + k).eq_ignore_ascii_case(want))
                    {
                        return Some(entry.secret);
                    }
                }
            }
        }
    }
    None
}

/// Database dumps and backup archives.
fn is_backup(last: &[u8]) -> bool {
    let mut buf = [0u8; 64];
    let Some(l) = lower(last, &mut buf) else {
        return false;
    };
    let l = l
        .strip_suffix(b".tar.gz")
        .or_else(|| l.strip_suffix(b".gz"))
        .or_else(|| l.strip_suffix(b".zip"))
        .or_else(|| l.strip_suffix(b".bz2"))
        .or_else(|| l.strip_suffix(b".7z"))
        .or_else(|| l.strip_suffix(b".tgz"))
        .unwrap_or(l);
    l.len() > 4 && (l.ends_with(b".sql") || l.ends_with(b".sqlite") || l.ends_with(b".mdb"))
}

#[cfg(test)]
pub(crate) mod testcases;
#[cfg(test)]
mod tests;
