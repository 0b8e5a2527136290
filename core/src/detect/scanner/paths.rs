//! `scanner.exploit_path`: a path naming the entry point of a known
//! remote-code-execution flaw (`core/testdata/scanner/exploit-paths.txt`,
//! compiled in). Bots request these on every host they find, whatever it
//! runs, so in an application's traffic the path alone is the probe.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::detect::Hit;

const PATHS: &str = include_str!("../../../testdata/scanner/exploit-paths.txt");

/// Below the score of a delivered payload: a probe alone shows intent,
/// not an exploit, and some appliances do serve their own entry point.
const SCORE: u32 = 8;

pub(super) static AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let paths = PATHS
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|p| !p.is_empty());
    AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(paths)
        .expect("exploit paths compile")
});

/// Judges a decoded path (whole, not a segment).
pub(super) fn detect(path: &[u8]) -> Option<Hit> {
    AC.find_iter(path)
        .find(|m| {
            // Whole segments: `/HNAP1` but not `/docs/HNAP1-spec`; a
            // matrix parameter (`;jsessionid=`) or a query may follow.
            path[..m.start()].last() == Some(&b'/')
                && path
                    .get(m.end())
                    .is_none_or(|b| matches!(b, b'/' | b';' | b'?' | b'#'))
        })
        .map(|m| Hit {
            rule: "scanner.exploit_path",
            score: SCORE,
            span: m.start()..m.end(),
        })
}
