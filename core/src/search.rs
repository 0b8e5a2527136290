//! Substring search for the detectors' needles: short constant words looked
//! for in values that are mostly short.
//!
//! `memchr::memmem::find` builds a searcher on every call, which costs more
//! than the whole search in a value of a few dozen bytes; most values the
//! detectors read are that size. Here a short haystack is searched by a
//! `memchr` of one needle byte and a compare at each candidate, and only a
//! long one pays for `memmem`'s searcher, which its speed there repays. A
//! detector that looks for the same needle in many large values builds a
//! `memmem::Finder` once in a static instead.
//!
//! An empty needle is found at 0, as with `memmem` and `str::find`.

use memchr::{memchr, memchr2, memmem};

mod keywords;
pub(crate) use keywords::{Keywords, Screen};

/// From this haystack length on, a case-sensitive search uses `memmem`:
/// below it, the searcher's construction costs more than a candidate loop
/// even when the candidate byte is common.
const LONG: usize = 256;

/// How common a byte is in the text values carry (0: rare). The candidate
/// byte of a search is the needle's rarest, so that a `memchr` stops at few
/// false candidates: in `"charset"` that is the `c`, not the `e` or `s`
/// most words have. Letters rank by English frequency; space, digits and
/// the separators of URLs and prose rank as common.
static RANK: [u8; 256] = {
    let mut r = [1u8; 256];
    let common = b"etaoinsrhldcumfpgwybvkxjqz";
    let mut i = 0;
    while i < common.len() {
        // `e` ranks 60, `z` 35: all above the punctuation's 1.
        let v = 60 - i as u8;
        r[common[i] as usize] = v;
        r[common[i].to_ascii_uppercase() as usize] = v;
        i += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        r[d as usize] = 40;
        d += 1;
    }
    let seps = b" /.-_=&,";
    let mut i = 0;
    while i < seps.len() {
        r[seps[i] as usize] = 50;
        i += 1;
    }
    r
};

/// The offset in `needle` of its rarest byte ([`RANK`]), the first of equals.
fn anchor(needle: &[u8]) -> usize {
    let mut best = 0;
    for (i, &b) in needle.iter().enumerate() {
        if RANK[b as usize] < RANK[needle[best] as usize] {
            best = i;
        }
    }
    best
}

/// Position of the first `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    match needle.len() {
        0 => Some(0),
        1 => memchr(needle[0], hay),
        n if n > hay.len() => None,
        _ if hay.len() >= LONG => memmem::find(hay, needle),
        n => {
            let k = anchor(needle);
            let b = needle[k];
            // Candidates for the anchor byte: a match starting at `s` has it
            // at `s + k`, and starts come in the anchors' order.
            let last = hay.len() - n + k;
            let mut i = k;
            while i <= last {
                let at = i + memchr(b, &hay[i..=last])?;
                let s = at - k;
                if hay[s..s + n] == *needle {
                    return Some(s);
                }
                i = at + 1;
            }
            None
        }
    }
}

/// Whether `hay` holds `needle`.
pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// Positions of the non-overlapping `needle`s in `hay`, left to right.
pub(crate) fn find_iter<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find(hay.get(from..)?, needle)?;
        from = at + needle.len().max(1);
        Some(at)
    })
}

/// Position of the first `needle` in `hay`, ignoring ASCII case (of both).
pub(crate) fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let n = needle.len();
    if n == 0 {
        return Some(0);
    }
    if n > hay.len() {
        return None;
    }
    let k = anchor(needle);
    let (lo, up) = (
        needle[k].to_ascii_lowercase(),
        needle[k].to_ascii_uppercase(),
    );
    let last = hay.len() - n + k;
    let mut i = k;
    while i <= last {
        let window = &hay[i..=last];
        let rel = if lo == up {
            memchr(lo, window)
        } else {
            memchr2(lo, up, window)
        }?;
        let at = i + rel;
        let s = at - k;
        if hay[s..s + n].eq_ignore_ascii_case(needle) {
            return Some(s);
        }
        i = at + 1;
    }
    None
}

/// Whether `hay` holds `needle`, ignoring ASCII case.
pub(crate) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    find_ci(hay, needle).is_some()
}

/// Whether `hay` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether `hay[at..]` starts with `prefix`, ignoring ASCII case; false when
/// `at` is past the end.
pub(crate) fn starts_ci_at(hay: &[u8], at: usize, prefix: &[u8]) -> bool {
    hay.get(at..).is_some_and(|rest| starts_ci(rest, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious search, the reference for the fast ones.
    fn naive(hay: &[u8], needle: &[u8], ci: bool) -> Option<usize> {
        if needle.is_empty() {
            return Some(0);
        }
        hay.windows(needle.len()).position(|w| {
            if ci {
                w.eq_ignore_ascii_case(needle)
            } else {
                w == needle
            }
        })
    }

    /// Haystack, needle, then what `find` and `find_ci` answer.
    type Case = (&'static [u8], &'static [u8], Option<usize>, Option<usize>);

    const CASES: &[Case] = &[
        (b"", b"", Some(0), Some(0)),
        (b"abc", b"", Some(0), Some(0)),
        (b"", b"a", None, None),
        (b"ab", b"abc", None, None),
        (b"abc", b"abc", Some(0), Some(0)),
        (b"xxABC", b"abc", None, Some(2)),
        (b"jndi:ldap", b"jndi:", Some(0), Some(0)),
        (b"${JNDI:ldap", b"jndi:", None, Some(2)),
        (b"aaab", b"aab", Some(1), Some(1)),
        // The anchor (`:`) occurs first where the rest does not match.
        (b"x: jndi:", b"jndi:", Some(3), Some(3)),
        // Anchor in the middle, near both ends.
        (b"a.b", b"a.b", Some(0), Some(0)),
        (b"zza.", b"a.b", None, None),
        (b".ba.b", b"a.b", Some(2), Some(2)),
        (
            b"Content-Type: multipart/x; BOUNDARY=1",
            b"boundary",
            None,
            Some(27),
        ),
        (b"/dev/tcp/1.2.3.4/80", b"/dev/tcp/", Some(0), Some(0)),
        (b"cat /DEV/TCP/x", b"/dev/tcp/", None, Some(4)),
        (b"\xff\xfe<?php", b"<?php", Some(2), Some(2)),
        (b"x", b"x", Some(0), Some(0)),
        (b"X", b"x", None, Some(0)),
        // Non-letters do not fold: `[` and `{` differ by the case bit.
        (b"{", b"[", None, None),
        (b"@", b"`", None, None),
    ];

    #[test]
    fn table() {
        for &(hay, needle, cs, ci) in CASES {
            assert_eq!(find(hay, needle), cs, "find {hay:?} {needle:?}");
            assert_eq!(find_ci(hay, needle), ci, "find_ci {hay:?} {needle:?}");
            assert_eq!(contains(hay, needle), cs.is_some());
            assert_eq!(contains_ci(hay, needle), ci.is_some());
        }
    }

    #[test]
    fn long_haystacks_agree_with_the_reference() {
        // Past `LONG`, at the start, the middle and the end, and absent.
        let mut hay = b"2024-05-01 INFO served in 12 ms; ".repeat(40);
        for needle in [&b"served"[..], b"12 ms", b"; 2024", b"Info", b"x-y", b"ms;"] {
            assert_eq!(find(&hay, needle), naive(&hay, needle, false), "{needle:?}");
            assert_eq!(
                find_ci(&hay, needle),
                naive(&hay, needle, true),
                "{needle:?}"
            );
        }
        hay.extend_from_slice(b"HTTP-EQUIV");
        assert_eq!(find_ci(&hay, b"http-equiv"), Some(hay.len() - 10));
        assert_eq!(find(&hay, b"HTTP-EQUIV"), Some(hay.len() - 10));
        assert_eq!(find(&hay, b"http-equiv"), None);
    }

    #[test]
    fn every_placement_is_found() {
        // Each needle at each offset of a short filler: the candidate loop's
        // bounds at both ends.
        for needle in [&b"a"[..], b"ab", b"x.y", b"-->", b"freemarker.template"] {
            for at in 0..24 {
                let mut hay = vec![b'q'; 24];
                hay.splice(at..at, needle.iter().copied());
                let upper = hay.to_ascii_uppercase();
                assert_eq!(find(&hay, needle), Some(at));
                assert_eq!(find_ci(&upper, needle), Some(at));
                assert_eq!(find(&hay[..at + needle.len() - 1], needle), None);
            }
        }
    }

    #[test]
    fn iteration_matches_memmem() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b"0x"),
            (b"0x10 0x20 x0x", b"0x"),
            (b"aaaa", b"aa"),
            (b"a:=b:=:=", b":="),
            (b"abc", b""),
        ];
        for &(hay, needle) in cases {
            let ours: Vec<usize> = find_iter(hay, needle).collect();
            let theirs: Vec<usize> = memmem::find_iter(hay, needle).collect();
            assert_eq!(ours, theirs, "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn prefixes() {
        let cases: &[(&[u8], &[u8], bool)] = &[
            (b"", b"", true),
            (b"HTTP/1.1", b"http/", true),
            (b"http", b"http/", false),
            (b"Multipart/form-data", b"multipart/", true),
            (b"xmultipart/", b"multipart/", false),
        ];
        for &(hay, p, want) in cases {
            assert_eq!(starts_ci(hay, p), want, "{hay:?} {p:?}");
            assert_eq!(starts_ci_at(hay, 0, p), want);
        }
        assert!(starts_ci_at(b"a: HTTP/1.0", 3, b"http/"));
        assert!(!starts_ci_at(b"ab", 3, b""));
        assert!(starts_ci_at(b"ab", 2, b""));
    }
}
