//! The command dictionary (`core/testdata/rce/commands.txt`), sensitive
//! paths, and glob matching against both.

use std::sync::OnceLock;

use crate::detect::FastMap;
use crate::search::{contains, Screen};

const COMMANDS: &str = include_str!("../../../testdata/rce/commands.txt");

/// What a command is (flags of the dictionary file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cmd {
    pub shell: bool,
    pub net: bool,
    pub interp: bool,
    pub recon: bool,
    pub file: bool,
    pub wrapper: bool,
    /// Also an ordinary word: needs shell-like arguments to count.
    pub english: bool,
}

struct Dict {
    map: FastMap<&'static [u8], Cmd>,
    names: Vec<&'static str>,
    filter: Filter,
    /// Every name between separators, for [`may_hold_command`].
    screen: Screen,
}

/// A 4096-bit set over (length, first byte, last byte) of the names: most
/// words of a text are no command, and one bit test says so before the
/// word is hashed.
struct Filter([u64; 64]);

impl Filter {
    /// The slot of `name` in any ASCII case.
    fn slot(name: &[u8]) -> usize {
        let first = name[0].to_ascii_lowercase() as u32;
        let last = name[name.len() - 1].to_ascii_lowercase() as u32;
        let key = (name.len() as u32) << 16 | first << 8 | last;
        (key.wrapping_mul(0x9E37_79B1) >> 20) as usize
    }

    fn insert(&mut self, name: &[u8]) {
        let s = Filter::slot(name);
        self.0[s / 64] |= 1 << (s % 64);
    }

    fn may_hold(&self, name: &[u8]) -> bool {
        if name.is_empty() {
            return false;
        }
        let s = Filter::slot(name);
        self.0[s / 64] & (1 << (s % 64)) != 0
    }
}

pub(super) fn warm() {
    dict();
}

fn dict() -> &'static Dict {
    static D: OnceLock<Dict> = OnceLock::new();
    D.get_or_init(|| {
        let mut map = FastMap::default();
        let mut names = Vec::new();
        let mut filter = Filter([0; 64]);
        for line in COMMANDS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split_whitespace();
            let (Some(name), flags) = (it.next(), it.next().unwrap_or("")) else {
                continue;
            };
            let mut c = Cmd::default();
            for f in flags.chars() {
                match f {
                    's' => c.shell = true,
                    'n' => c.net = true,
                    'i' => c.interp = true,
                    'r' => c.recon = true,
                    'f' => c.file = true,
                    'w' => c.wrapper = true,
                    'e' => c.english = true,
                    _ => {}
                }
            }
            if !map.contains_key(name.as_bytes()) {
                map.insert(name.as_bytes(), c);
                names.push(name);
                filter.insert(name.as_bytes());
            }
        }
        let mut words: Vec<Vec<u8>> = names
            .iter()
            .map(|n| format!(" {n} ").into_bytes())
            .collect();
        // `/usr/local/bin/anything` names a command by its directory.
        words.push(b"bin ".to_vec());
        let screen = Screen::new(&words, screen_key);
        Dict {
            map,
            names,
            filter,
            screen,
        }
    })
}

/// Letters folded, `_` kept, every other byte a separator: a command word
/// is a name between separators (`/bin/ls`, `cmd.exe`, `python3`, `rm:`
/// all are, once digits and punctuation count as separators).
fn screen_key(b: u8) -> u8 {
    match b {
        b'a'..=b'z' | b'_' => b,
        b'A'..=b'Z' => b.to_ascii_lowercase(),
        _ => b' ',
    }
}

/// False when no word of `value` preceded and followed by another byte can
/// be a command for [`lookup`]: one pass of a DFA, for large values whose
/// words are too many to look up one by one. (The first and last words are
/// the caller's to look up.)
pub(crate) fn may_hold_command(value: &[u8]) -> bool {
    dict().screen.is_match(value)
}

/// Longest command name looked up.
const MAX_NAME: usize = 32;

/// Looks up a folded word as a command name: case-insensitive, a directory
/// prefix (`/bin/`, `C:\...\`) and `.exe` dropped, a version suffix
/// (`python3.10`, `php7`) tolerated. Allocation-free.
pub(crate) fn lookup(word: &[u8]) -> Option<Cmd> {
    let base = basename(word);
    if base.len() < word.len() && !bin_dir(&word[..word.len() - base.len()]) {
        return None;
    }
    if base.is_empty()
        || base.len() > MAX_NAME
        || !(base[0].is_ascii_alphanumeric() || base[0] == b'.')
    {
        return None;
    }
    // `.exe` dropped. Neither that, the version suffix nor the filter
    // depends on case: most words are rejected before they are copied.
    let name = match base.len().checked_sub(4) {
        Some(e) if base[e..].eq_ignore_ascii_case(b".exe") => &base[..e],
        _ => base,
    };
    let d = dict();
    let get = |n: &[u8]| {
        if !d.filter.may_hold(n) {
            return None;
        }
        let mut buf = [0u8; MAX_NAME];
        let lower = &mut buf[..n.len()];
        lower.copy_from_slice(n);
        lower.make_ascii_lowercase();
        d.map.get(&lower[..]).copied()
    };
    if let Some(c) = get(name) {
        return Some(c);
    }
    // Versioned interpreters: `python3.10`, `php7.4`, `perl5`.
    let trimmed_len = name
        .iter()
        .rposition(|c| !(c.is_ascii_digit() || *c == b'.'))
        .map_or(0, |p| p + 1);
    if trimmed_len > 0 && trimmed_len < name.len() {
        if let Some(c) = get(&name[..trimmed_len]) {
            if c.interp || c.shell {
                return Some(c);
            }
        }
    }
    // `/bin/anything`: an executable named by its path is a command even
    // when the dictionary does not know it.
    if base.len() < word.len()
        && word.starts_with(b"/")
        && name.len() >= 2
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return Some(Cmd::default());
    }
    None
}

/// A directory that holds commands: `/bin/`, `/usr/local/sbin/`, `bin/`,
/// `./`, `C:\\Windows\\System32\\`.
fn bin_dir(dir: &[u8]) -> bool {
    let mut buf = [0u8; 64];
    if dir.len() > buf.len() {
        return false;
    }
    for (d, s) in buf.iter_mut().zip(dir) {
        *d = s.to_ascii_lowercase();
    }
    let d = &buf[..dir.len()];
    d.ends_with(b"bin/")
        || d.ends_with(b"bin\\")
        || d == b"./"
        || d.ends_with(b"system32\\")
        || d.ends_with(b"windows\\")
        || d.ends_with(b"powershell\\v1.0\\")
}

/// The last path component (`/`, `\` separated).
pub(crate) fn basename(word: &[u8]) -> &[u8] {
    match word.iter().rposition(|&c| c == b'/' || c == b'\\') {
        Some(p) => &word[p + 1..],
        None => word,
    }
}

/// Directories commands live in, for path globs (`/???/c?t`).
const BIN_DIRS: [&str; 6] = [
    "/bin/",
    "/usr/bin/",
    "/sbin/",
    "/usr/sbin/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
];

/// Resolves a glob word in command position against the dictionary: a
/// pattern that could match a command name or its full path.
pub(crate) fn glob_command(pattern: &[u8]) -> Option<Cmd> {
    // A glob needs some literal letters: `????` in mojibake text is not a
    // command.
    let literal = literal_outside_brackets(pattern);
    if literal == 0 || pattern.len() > 64 {
        return None;
    }
    // A word glob (not a path) must start with a letter and hold no `*`:
    // `user*` and `?hp` are searches, `wh?ami` and `adduse[r]` are not.
    if !pattern.contains(&b'/')
        && (!pattern[0].is_ascii_alphabetic() || pattern.contains(&b'*') || literal < 2)
    {
        return None;
    }
    let d = dict();
    let lower: Vec<u8> = pattern.iter().map(u8::to_ascii_lowercase).collect();
    let path = lower.contains(&b'/');
    if path && lower[0] != b'/' {
        return None;
    }
    let mut buf = Vec::with_capacity(48);
    for name in &d.names {
        if path {
            for dir in BIN_DIRS {
                buf.clear();
                buf.extend_from_slice(dir.as_bytes());
                buf.extend_from_slice(name.as_bytes());
                if glob_match(&lower, &buf) {
                    return d.map.get(name.as_bytes()).copied();
                }
            }
        } else if glob_match(&lower, name.as_bytes()) {
            return d.map.get(name.as_bytes()).copied();
        }
    }
    None
}

fn literal_outside_brackets(p: &[u8]) -> usize {
    let mut n = 0;
    let mut depth = false;
    for &c in p {
        match c {
            b'[' => depth = true,
            b']' => depth = false,
            c if !depth && c.is_ascii_alphanumeric() => n += 1,
            _ => {}
        }
    }
    n
}

/// Files whose reading or mention in a command is hostile.
const SENSITIVE: [&str; 34] = [
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/hosts",
    "/etc/issue",
    "/etc/sudoers",
    "/etc/hostname",
    "/etc/crontab",
    "/etc/master.passwd",
    "/etc/resolv.conf",
    "/etc/os-release",
    "/proc/self/",
    "/proc/version",
    "/proc/cpuinfo",
    "/proc/net/",
    "/dev/tcp/",
    "/dev/udp/",
    "/bin/sh",
    "/bin/bash",
    "/bin/zsh",
    "/usr/bin/",
    "/var/log/",
    "/var/www/",
    "/root/",
    "/.ssh/",
    ".bash_history",
    "id_rsa",
    "win.ini",
    "boot.ini",
    "system32",
    "%systemroot%",
    "\\windows\\",
    "/tmp/",
    "/home/",
];

/// Paths a glob argument is resolved against.
const GLOB_TARGETS: [&str; 8] = [
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/hosts",
    "/etc",
    "/bin/sh",
    "/bin/bash",
    "/proc/self/environ",
];

/// A path argument that names a sensitive file (literal, or a glob that
/// could match one).
pub(crate) fn sensitive_path(word: &[u8], glob: bool) -> bool {
    let lower: Vec<u8> = word.iter().take(256).map(u8::to_ascii_lowercase).collect();
    if SENSITIVE.iter().any(|s| contains(&lower, s.as_bytes())) {
        return true;
    }
    if glob
        && lower.starts_with(b"/")
        && lower.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 2
    {
        return GLOB_TARGETS
            .iter()
            .any(|t| glob_match(&lower, t.as_bytes()));
    }
    false
}

/// A glob that could name a sensitive file (`/etc/pa[s]swd`,
/// `/et*/*wd`): only a shell reads a path that way.
pub(crate) fn glob_sensitive(word: &[u8]) -> bool {
    if !word.starts_with(b"/") || literal_outside_brackets(word) < 4 || word.len() > 128 {
        return false;
    }
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    GLOB_TARGETS
        .iter()
        .filter(|t| t.len() > 5)
        .any(|t| glob_match(&lower, t.as_bytes()))
}

/// Shell glob match: `*`, `?`, `[...]` (with `!`/`^` negation and ranges).
/// Iterative, with backtracking to the last `*` only: O(len(p) * len(t)).
pub(crate) fn glob_match(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, next)) = class_match(p, pi, t[ti]) {
                        if ok {
                            pi = next;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == b'[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                c => {
                    if c == t[ti] {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Matches `c` against the class starting at `p[at] == b'['`: whether it
/// matched and the index after `]`; `None` when the class is unterminated.
fn class_match(p: &[u8], at: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = at + 1;
    let neg = matches!(p.get(i), Some(b'!' | b'^'));
    if neg {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        let a = p[i];
        if a == b']' && !first {
            return Some((matched != neg, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            if a <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if a == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(b"/???/c?t", b"/bin/cat"));
        assert!(glob_match(b"/et*/*wd", b"/etc/passwd"));
        assert!(glob_match(b"/etc/pa[s]swd", b"/etc/passwd"));
        assert!(glob_match(b"/etc/[!q]asswd", b"/etc/passwd"));
        assert!(glob_match(b"/etc/[m-z]asswd", b"/etc/passwd"));
        assert!(!glob_match(b"/etc/[!p]asswd", b"/etc/passwd"));
        assert!(glob_match(b"*", b""));
        assert!(!glob_match(b"a[", b"ab"));
        assert!(glob_command(b"/???/c?t").is_some());
        assert!(glob_command(b"/???/?s").is_some());
        assert!(glob_command(b"/bi[n]/bash").is_some());
        assert!(glob_command(b"????").is_none());
        assert!(glob_command(b"adduse[r]").is_some());
    }

    /// The screen answers for every spelling [`lookup`] accepts.
    #[test]
    fn screen_misses_no_command() {
        for name in &dict().names {
            let upper = name.to_ascii_uppercase();
            for spelling in [
                name.to_string(),
                upper.clone(),
                format!("/usr/local/bin/{name}"),
                format!("./{name}"),
                format!("{upper}.EXE"),
                format!("{name}3.10"),
                format!("{name}:"),
                "/opt/xbin/tool".to_string(),
            ] {
                if lookup(spelling.as_bytes()).is_none() {
                    continue;
                }
                for around in [" ", ";", "\n", "(", "|", "\t", ","] {
                    let text = format!("a{around}{spelling}{around}b");
                    assert!(may_hold_command(text.as_bytes()), "{text:?}");
                }
            }
        }
        let log = b"2024-05-01 12:00:00 INFO request served in 12 ms, status 200, bytes 5120\n";
        assert!(!may_hold_command(&log.repeat(20)));
    }

    #[test]
    fn lookups() {
        assert!(lookup(b"/usr/bin/python3.10").is_some_and(|c| c.interp));
        assert!(lookup(b"CAT").is_some());
        assert!(lookup(b"C:\\Windows\\System32\\cmd.exe").is_some_and(|c| c.shell));
        assert!(lookup(b"dog").is_none());
        assert!(sensitive_path(b"/etc/passwd", false));
        assert!(sensitive_path(b"/et*/pa??wd", true));
    }

    #[test]
    fn the_filter_holds_every_name() {
        let d = dict();
        for name in &d.names {
            assert!(d.filter.may_hold(name.as_bytes()), "{name}");
            let upper = name.to_ascii_uppercase();
            assert!(lookup(upper.as_bytes()).is_some(), "{name}");
            assert!(
                lookup(format!("/usr/bin/{name}").as_bytes()).is_some(),
                "{name}"
            );
        }
    }
}
