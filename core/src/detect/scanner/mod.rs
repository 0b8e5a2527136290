//! Attack tools and scanners.
//!
//! Tools announce themselves in User-Agent and other headers, and blind
//! attacks call back to out-of-band (OAST) collaborator hosts. The detector
//! sees header values without their names, so it matches tool-specific
//! tokens only (from `core/testdata/scanner/agents.txt`, compiled in) as
//! whole words, and never in URL-valued headers (Referer, Origin), where a
//! search for "nikto" would otherwise fire.
//!
//! Rules:
//! - `scanner.user_agent`: a scanner token in a header value, or the file
//!   name of a Nessus plugin (`some_check.nasl`), which Nessus and OpenVAS
//!   put in the headers of the requests a plugin sends.
//! - `scanner.graphql_introspection`: a GraphQL document that selects
//!   `__schema`, the whole-schema introspection query that API scanners
//!   (InQL, graphw00f, clairvoyance) start with; applications' own queries
//!   ask for `__typename` at most.
//! - `scanner.oast`: an out-of-band interaction host (`*.oast.fun`,
//!   `*.interact.sh`, `*.burpcollaborator.net`, `*.oastify.com`,
//!   `*.dnslog.cn`, `*.ceye.io`...) in any value.
//! - `scanner.exploit_path` (8): the whole path names the entry point of a
//!   known remote-code-execution flaw that bots probe every host for
//!   (`/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php`, `/HNAP1`,
//!   `/_ignition/execute-solution`); see `paths`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::{Ctx, Hit};
use crate::search;
use crate::verdict::Part;

mod paths;

const AGENTS: &str = include_str!("../../../testdata/scanner/agents.txt");

/// Out-of-band interaction domains of attack tools (Burp Collaborator,
/// interactsh, DNSLog and friends).
const OAST_DOMAINS: &[&str] = &[
    "oast.fun",
    "oast.me",
    "oast.pro",
    "oast.live",
    "oast.site",
    "oast.online",
    "interact.sh",
    "interactsh.com",
    "burpcollaborator.net",
    "oastify.com",
    "dnslog.cn",
    "dnslog.link",
    "ceye.io",
    "requestrepo.com",
    "canarytokens.com",
    "bxss.me",
    "xss.ht",
    "dnslog.pw",
    "eyes.sh",
];

struct Tokens {
    ac: AhoCorasick,
    /// Per pattern: must be followed by `/`.
    versioned: Vec<bool>,
}

/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    LazyLock::force(&TOKENS);
    LazyLock::force(&OAST);
    LazyLock::force(&paths::AC);
}

static TOKENS: LazyLock<Tokens> = LazyLock::new(|| {
    let mut pats = Vec::new();
    let mut versioned = Vec::new();
    for line in AGENTS.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match t.strip_suffix('/') {
            Some(p) => {
                pats.push(p.to_string());
                versioned.push(true);
            }
            None => {
                pats.push(t.to_string());
                versioned.push(false);
            }
        }
    }
    let ac = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&pats)
        .expect("scanner tokens compile");
    Tokens { ac, versioned }
});

static OAST: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(OAST_DOMAINS)
        .expect("OAST domains compile")
});

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    if let Some(h) = oast(value).or_else(|| introspection(value)) {
        return Some(h);
    }
    match ctx.part {
        Part::Header if !ctx.key => user_agent(value),
        // The whole path starts with `/`; its segments are judged alone.
        Part::Path if value.first() == Some(&b'/') => paths::detect(value),
        _ => None,
    }
}

/// `__schema` as a field of a selection set: after `{` (or `{` then an
/// alias `s: `) and followed by its own selection set `{`. Prose and code
/// that merely name `__schema` (a Python attribute, a JSON key) have no
/// selection-set braces around it.
fn introspection(value: &[u8]) -> Option<Hit> {
    const FIELD: &[u8] = b"__schema";
    for at in search::find_iter(value, FIELD) {
        let end = at + FIELD.len();
        let mut j = end;
        while j < value.len() && (value[j].is_ascii_whitespace() || value[j] == b',') {
            j += 1;
        }
        if value.get(j) != Some(&b'{') {
            continue;
        }
        // Back over whitespace, commas and an alias `name:` to the `{` or
        // `}` (a previous field's selection) that puts it in a selection set.
        let mut i = at;
        let ws = |b: u8| b.is_ascii_whitespace() || b == b',';
        while i > 0 && ws(value[i - 1]) {
            i -= 1;
        }
        if i > 0 && value[i - 1] == b':' {
            i -= 1;
            while i > 0 && ws(value[i - 1]) {
                i -= 1;
            }
            while i > 0 && is_word(value[i - 1]) {
                i -= 1;
            }
            while i > 0 && ws(value[i - 1]) {
                i -= 1;
            }
        }
        let in_selection = i > 0 && matches!(value[i - 1], b'{' | b'}')
            || i > 0 && is_word(value[i - 1]) && {
                // Another field before it: `{ queryType __schema {`.
                let mut k = i;
                while k > 0 && is_word(value[k - 1]) {
                    k -= 1;
                }
                value[..k].contains(&b'{')
            };
        if in_selection {
            return Some(Hit {
                rule: "scanner.graphql_introspection",
                score: 8,
                span: at..j + 1,
            });
        }
    }
    None
}

fn oast(value: &[u8]) -> Option<Hit> {
    // Every domain has a dot; most values without one cost a memchr.
    memchr::memchr(b'.', value)?;
    for m in OAST.find_iter(value) {
        let before = value[..m.start()].last().copied();
        let after = value.get(m.end()).copied();
        let starts = before.is_none_or(|b| !is_host_byte(b) && b != b'.') || before == Some(b'.');
        let ends = after.is_none_or(|b| !is_host_byte(b) && b != b'.')
            || after == Some(b'.') && value.get(m.end() + 1).is_none_or(|b| !is_host_byte(*b));
        if starts && ends {
            // Include the subdomain in the evidence.
            let mut s = m.start();
            while s > 0 && (is_host_byte(value[s - 1]) || value[s - 1] == b'.') {
                s -= 1;
            }
            return Some(Hit {
                rule: "scanner.oast",
                score: 10,
                span: s..m.end(),
            });
        }
    }
    None
}

fn user_agent(value: &[u8]) -> Option<Hit> {
    let t = value.trim_ascii_start();
    // URL-valued headers carry user text in their query strings.
    if t.starts_with(b"/")
        || t.len() >= 7 && t[..7].eq_ignore_ascii_case(b"http://")
        || t.len() >= 8 && t[..8].eq_ignore_ascii_case(b"https://")
    {
        return None;
    }
    if let Some(h) = nasl(value) {
        return Some(h);
    }
    let tokens = &*TOKENS;
    for m in tokens.ac.find_iter(value) {
        let before = value[..m.start()].last().copied();
        let after = value.get(m.end()).copied();
        if before.is_some_and(is_word) {
            continue;
        }
        let ok = if tokens.versioned[m.pattern().as_usize()] {
            // `Vega/1.0`, or a product comment `(Hydra)`, `(compatible; Vega)`.
            let in_comment =
                matches!(before, Some(b'(' | b' ')) && matches!(after, Some(b')' | b';'));
            after == Some(b'/') || in_comment
        } else {
            after.is_none_or(|b| !is_word(b))
        };
        if ok {
            return Some(Hit {
                rule: "scanner.user_agent",
                score: 10,
                span: m.start()..m.end(),
            });
        }
    }
    None
}

/// `name.nasl` as a whole word: a NASL plugin's file name.
fn nasl(value: &[u8]) -> Option<Hit> {
    for at in search::find_iter(value, b".nasl") {
        let end = at + 5;
        if value.get(end).is_some_and(|&b| is_word(b)) {
            continue;
        }
        let mut s = at;
        while s > 0 && (is_word(value[s - 1]) || value[s - 1] == b'-') {
            s -= 1;
        }
        if at - s >= 2 {
            return Some(Hit {
                rule: "scanner.user_agent",
                score: 10,
                span: s..end,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::generic::cases;

    #[test]
    fn tables() {
        cases::check(
            "scanner.",
            include_str!("../../../testdata/scanner/attacks.txt"),
            include_str!("../../../testdata/scanner/benign.txt"),
            detect,
        );
    }

    #[test]
    fn big_values() {
        cases::stress(detect);
    }
}
