//! [`Keywords`]: a set of words looked for in values of any size, most of
//! which hold none of them.
//!
//! A DFA scan is bound by latency: each step waits for the table load of
//! the one before. A detector's trigger words are absent from almost every
//! byte of a large body, and several detectors scan the same body. So a
//! search first runs a [`Screen`], an automaton of its own that only
//! answers where the first match ends: its match states absorb, so it
//! tests for one every [`BLOCK`] bytes, and it runs four independent scans
//! of a quarter of the value each at once. Only then does `aho_corasick`
//! find the match itself, from the longest keyword's length before that
//! end, with the semantics it was built with (leftmost-first or longest).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, Match, MatchKind};

/// Bytes stepped between two tests for a match state.
const BLOCK: usize = 8;

/// Compiled keywords. Built once (in a static), searched many times: a
/// drop-in for an `aho_corasick` DFA's `find`, `find_iter` and `is_match`.
#[derive(Debug)]
pub(crate) struct Keywords {
    ac: AhoCorasick,
    screen: Screen,
    /// The longest keyword: a match ending at `e` starts at or after
    /// `e - longest`.
    longest: usize,
}

impl Keywords {
    /// Compiles `words` (none empty), ASCII case-insensitively when `fold`.
    ///
    /// # Panics
    /// When a word is empty or the automaton cannot be built: the words are
    /// the engine's own, so this is a bug caught by any test.
    pub(crate) fn new<I, P>(words: I, fold: bool, kind: MatchKind) -> Keywords
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let words: Vec<Vec<u8>> = words.into_iter().map(|w| w.as_ref().to_vec()).collect();
        assert!(words.iter().all(|w| !w.is_empty()), "empty keyword");
        let ac = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(fold)
            .match_kind(kind)
            .build(&words)
            .expect("keywords compile");
        Keywords {
            ac,
            screen: Screen::new(&words, |b| if fold { b.to_ascii_lowercase() } else { b }),
            longest: words.iter().map(Vec::len).max().unwrap_or(0),
        }
    }

    /// The first match (by the match kind) in `hay`.
    pub(crate) fn find(&self, hay: &[u8]) -> Option<Match> {
        self.find_from(hay, 0)
    }

    /// Whether `hay` holds any keyword.
    pub(crate) fn is_match(&self, hay: &[u8]) -> bool {
        self.screen.is_match(hay)
    }

    /// The non-overlapping matches, left to right, as `aho_corasick`'s
    /// `find_iter` gives them.
    pub(crate) fn find_iter<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = Match> + 'h {
        let mut from = 0;
        std::iter::from_fn(move || {
            let m = self.find_from(hay, from)?;
            from = m.end();
            Some(m)
        })
    }

    fn find_from(&self, hay: &[u8], from: usize) -> Option<Match> {
        let end = self.screen.first_end(hay, from)?;
        // No match starts before `cut`: it would end before `end`.
        let cut = end.saturating_sub(self.longest).max(from);
        self.ac.find(Input::new(hay).span(cut..hay.len()))
    }
}

/// A DFA over byte classes whose match states absorb: it tells whether and
/// where the first match ends, nothing more. The bytes of words and
/// haystack are compared through a `key` (ASCII folding, or every
/// separator as one), so a screen can answer for a superset of matches
/// that a slower test then confirms (`rce::dict::may_hold_command`).
#[derive(Debug)]
pub(crate) struct Screen {
    /// Byte to class: the class of its key.
    class: [u8; 256],
    /// Transitions, row `s` at `s * stride`; states are stored premultiplied,
    /// the matching ones last.
    next: Vec<u32>,
    /// The first matching state (premultiplied).
    first_match: u32,
    /// Bytes a lane restarts before its range: the longest keyword less one.
    overlap: usize,
}

/// Independent scans interleaved in [`Screen::first_end`]: a DFA step waits
/// for the previous one's table load, so one scan leaves the core idle;
/// four at once fill it.
const LANES: usize = 4;

/// Haystack length from which the lanes pay for their setup.
const LANES_FROM: usize = 1024;

impl Screen {
    /// A screen for `words` (none empty) compared through `key`.
    pub(crate) fn new(words: &[Vec<u8>], key: impl Fn(u8) -> u8) -> Screen {
        let mut by_key = [0u8; 256];
        let mut classes = 1usize;
        for w in words {
            for &b in w {
                let k = key(b) as usize;
                if by_key[k] == 0 {
                    by_key[k] = classes as u8;
                    classes += 1;
                }
            }
        }
        let class: [u8; 256] = std::array::from_fn(|b| by_key[key(b as u8) as usize]);
        let stride = classes.next_power_of_two();
        const NONE: u32 = u32::MAX;
        // The trie, by state index.
        let mut next: Vec<u32> = vec![NONE; stride];
        let mut matching = vec![false];
        for w in words {
            let mut s = 0usize;
            for &b in w {
                let c = class[key(b) as usize] as usize;
                if next[s * stride + c] == NONE {
                    next[s * stride + c] = matching.len() as u32;
                    next.extend(std::iter::repeat_n(NONE, stride));
                    matching.push(false);
                }
                s = next[s * stride + c] as usize;
            }
            matching[s] = true;
        }
        // Failure links, breadth first, filling every missing transition
        // with the one of the longest proper suffix (already complete).
        let mut fail = vec![0usize; matching.len()];
        let mut queue = std::collections::VecDeque::new();
        for t in &mut next[..stride] {
            match *t {
                NONE => *t = 0,
                child => queue.push_back(child as usize),
            }
        }
        while let Some(s) = queue.pop_front() {
            for c in 0..stride {
                let t = next[s * stride + c];
                let via_fail = next[fail[s] * stride + c];
                if t == NONE {
                    next[s * stride + c] = via_fail;
                } else {
                    let t = t as usize;
                    fail[t] = via_fail as usize;
                    matching[t] |= matching[fail[t]];
                    queue.push_back(t);
                }
            }
        }
        // Renumbered, matching states last, each absorbing; premultiplied.
        let mut order: Vec<usize> = (0..matching.len()).filter(|&s| !matching[s]).collect();
        let first_match = order.len();
        order.extend((0..matching.len()).filter(|&s| matching[s]));
        let mut renamed = vec![0u32; matching.len()];
        for (new, &old) in order.iter().enumerate() {
            renamed[old] = (new * stride) as u32;
        }
        let mut table = vec![0u32; next.len()];
        for (new, &old) in order.iter().enumerate() {
            let row = &mut table[new * stride..(new + 1) * stride];
            if matching[old] {
                row.fill((new * stride) as u32);
            } else {
                for (t, &n) in row.iter_mut().zip(&next[old * stride..(old + 1) * stride]) {
                    *t = renamed[n as usize];
                }
            }
        }
        Screen {
            class,
            next: table,
            first_match: (first_match * stride) as u32,
            overlap: words.iter().map(Vec::len).max().unwrap_or(1) - 1,
        }
    }

    fn step(&self, s: u32, b: u8) -> u32 {
        self.next[s as usize + self.class[b as usize] as usize]
    }

    /// Whether a word occurs in `hay`.
    pub(crate) fn is_match(&self, hay: &[u8]) -> bool {
        self.first_end(hay, 0).is_some()
    }

    /// The smallest `e > from` such that a word ends at `e` (exclusive)
    /// in `hay[from..]`.
    fn first_end(&self, hay: &[u8], from: usize) -> Option<usize> {
        let hay = hay.get(from..)?;
        let chunk = hay.len() / LANES;
        let end = if hay.len() < LANES_FROM || chunk <= self.overlap + BLOCK {
            self.serial(hay, 0, hay.len())
        } else {
            self.lanes(hay, chunk)
        };
        end.map(|e| from + e)
    }

    /// [`Screen::first_end`] of the keywords starting in `hay[start..end]`
    /// (the DFA starts there, at its root).
    fn serial(&self, hay: &[u8], start: usize, end: usize) -> Option<usize> {
        let mut s = 0u32;
        let mut blocks = hay[start..end].chunks_exact(BLOCK);
        let mut at = start;
        for block in &mut blocks {
            let before = s;
            for &b in block {
                s = self.step(s, b);
            }
            if s >= self.first_match {
                // Absorbing: replay the block to find where it began.
                s = before;
                for (k, &b) in block.iter().enumerate() {
                    s = self.step(s, b);
                    if s >= self.first_match {
                        return Some(at + k + 1);
                    }
                }
            }
            at += BLOCK;
        }
        for (k, &b) in blocks.remainder().iter().enumerate() {
            s = self.step(s, b);
            if s >= self.first_match {
                return Some(at + k + 1);
            }
        }
        None
    }

    /// [`Screen::first_end`] by [`LANES`] scans of about `chunk` bytes each.
    /// Lane `j` starts `overlap` bytes before `j * chunk`, so it sees every
    /// keyword that ends in its range; the few bytes the lanes' whole
    /// blocks leave between two ranges are scanned after.
    fn lanes(&self, hay: &[u8], chunk: usize) -> Option<usize> {
        let ov = self.overlap;
        let steps = (chunk + ov) / BLOCK * BLOCK;
        let start: [usize; LANES] = std::array::from_fn(|j| (j * chunk).saturating_sub(ov));
        let mut s = [0u32; LANES];
        let mut i = 0;
        while i < steps {
            for k in i..i + BLOCK {
                for j in 0..LANES {
                    s[j] = self.step(s[j], hay[start[j] + k]);
                }
            }
            i += BLOCK;
            if let Some(j) = (0..LANES).find(|&j| s[j] >= self.first_match) {
                // A keyword ends by here; an earlier lane may still hold
                // an earlier one.
                return self.serial(hay, 0, start[j] + i);
            }
        }
        (0..LANES).find_map(|j| {
            let gap = start[j] + steps;
            let end = if j + 1 < LANES {
                (j + 1) * chunk
            } else {
                hay.len()
            };
            (gap < end)
                .then(|| self.serial(hay, gap.saturating_sub(ov), end))
                .flatten()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random bytes over a small alphabet, so keywords occur.
    fn noise(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn agrees_with_aho_corasick() {
        let words: &[&[u8]] = &[b"ab", b"abc", b"bca", b"c", b"CAB", b"aaaa", b"b;a", b"ba"];
        for kind in [MatchKind::LeftmostFirst, MatchKind::LeftmostLongest] {
            for fold in [false, true] {
                let k = Keywords::new(words, fold, kind);
                let reference = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(fold)
                    .match_kind(kind)
                    .build(words)
                    .unwrap();
                for seed in 0..300 {
                    let hay = noise(seed, (seed % 70) as usize, b"abcABC; x");
                    let want: Vec<Match> = reference.find_iter(&hay).collect();
                    let got: Vec<Match> = k.find_iter(&hay).collect();
                    assert_eq!(got, want, "{:?} fold={fold}", String::from_utf8_lossy(&hay));
                    assert_eq!(k.is_match(&hay), !want.is_empty());
                    assert_eq!(k.find(&hay), want.first().copied());
                }
            }
        }
    }

    /// Long haystacks, searched by interleaved lanes: keywords planted at
    /// every offset around the lanes' boundaries, one or two at a time.
    #[test]
    fn lanes_agree_with_aho_corasick() {
        let words: &[&[u8]] = &[b"union", b"sel", b"selectx", b"@@", b"/*"];
        let k = Keywords::new(words, true, MatchKind::LeftmostFirst);
        let reference = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .unwrap();
        for len in [1024usize, 1031, 4096, 5003] {
            let base = noise(len as u64, len, b"xyz qw,.");
            let chunk = len / LANES;
            let mut spots: Vec<usize> = (0..LANES + 1)
                .flat_map(|j| (j * chunk).saturating_sub(12)..(j * chunk + 12).min(len))
                .collect();
            spots.extend([0, len / 3, len - 5]);
            for &a in &spots {
                for &(b, w1, w2) in &[(None, 0, 0), (Some(len / 2), 1, 3), (Some(a / 2), 2, 4)] {
                    let mut hay = base.clone();
                    let mut plant = |at: usize, w: &[u8]| {
                        let at = at.min(len - w.len());
                        hay[at..at + w.len()].copy_from_slice(w);
                    };
                    plant(a, words[w1]);
                    if let Some(b) = b {
                        plant(b, words[w2]);
                    }
                    let want: Vec<Match> = reference.find_iter(&hay).collect();
                    let got: Vec<Match> = k.find_iter(&hay).collect();
                    assert_eq!(got, want, "len {len} at {a} and {b:?}");
                }
            }
            assert_eq!(k.find(&base), reference.find(&base));
        }
    }

    #[test]
    fn keyed_screens_compare_keys() {
        let key = |b: u8| {
            if b.is_ascii_alphabetic() {
                b | 0x20
            } else {
                b' '
            }
        };
        let s = Screen::new(&[b" ls ".to_vec()], key);
        assert!(s.is_match(b"x;LS\n"));
        assert!(s.is_match(b"a/ls:"));
        assert!(!s.is_match(b"also ls"));
    }

    #[test]
    fn first_end_is_the_earliest() {
        let k = Keywords::new(["abcd", "bc"], false, MatchKind::LeftmostFirst);
        // `bc` ends first, but `abcd` starts first: it is the match.
        assert_eq!(k.screen.first_end(b"xabcd", 0), Some(4));
        assert_eq!(k.find(b"xabcd").map(|m| m.range()), Some(1..5));
        assert_eq!(k.find(b"xabce").map(|m| m.range()), Some(2..4));
        assert_eq!(k.find(b"abd"), None);
    }
}
