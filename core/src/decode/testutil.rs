//! Shared by the decoders' tests: table files under `core/testdata/decode/`
//! and the properties every decoder must keep.

use std::borrow::Cow;

/// One case of a table file: its line number, input and expected output
/// (`None` when the line has no tab: the input must come back unchanged,
/// or, for base64, not be decoded at all).
pub(crate) struct Case {
    pub(crate) line: usize,
    pub(crate) input: Vec<u8>,
    pub(crate) want: Option<Vec<u8>>,
}

/// Parses a table file. `#` starts a comment line, blank lines are
/// skipped, and the columns use the notation `\\` `\t` `\n` `\r` `\xHH`;
/// any other backslash is a mistake in the file and panics, so that a
/// forgotten doubling cannot silently test the wrong thing.
pub(crate) fn cases(text: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line_no = n + 1;
        let (input, want) = match line.split_once('\t') {
            Some((i, w)) => (i, Some(w)),
            None => (line, None),
        };
        out.push(Case {
            line: line_no,
            input: unescape(input, line_no),
            want: want.map(|w| unescape(w, line_no)),
        });
    }
    out
}

fn unescape(s: &str, line: usize) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'\\') => out.push(b'\\'),
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b'x') => {
                let h = s
                    .get(i + 2..i + 4)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .unwrap_or_else(|| panic!("line {line}: bad \\x escape"));
                out.push(h);
                i += 4;
                continue;
            }
            _ => panic!("line {line}: unknown escape in {s:?} (write \\\\ for a backslash)"),
        }
        i += 2;
    }
    out
}

/// Runs a table file against a byte-to-byte decoder: the output must
/// match, and be borrowed exactly when it equals the input.
pub(crate) fn check(text: &str, f: fn(&[u8]) -> Cow<'_, [u8]>) {
    let cases = cases(text);
    assert!(!cases.is_empty());
    for c in cases {
        let got = f(&c.input);
        let want = c.want.as_deref().unwrap_or(&c.input);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "line {}: {:?}",
            c.line,
            String::from_utf8_lossy(&c.input)
        );
        assert_eq!(&got[..], want, "line {}", c.line);
        assert_eq!(
            matches!(got, Cow::Borrowed(_)),
            want == &c.input[..],
            "line {}: borrowed iff unchanged",
            c.line
        );
    }
}

/// A small deterministic generator (xorshift64*), so property tests need
/// no dependency and fail the same way every time.
#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() >> 33) as usize % n.max(1)
    }
}

/// Random-ish inputs built from `pieces` (the decoder's trigger syntax)
/// mixed with arbitrary bytes, so that near-miss syntax is exercised.
pub(crate) fn inputs(pieces: &[&[u8]], count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(0x5EED_0FDE_C0DE);
    (0..count)
        .map(|_| {
            let len = rng.below(24);
            let mut v = Vec::new();
            for _ in 0..len {
                match rng.below(4) {
                    0 => v.push(rng.next() as u8),
                    1 => v.push(b"0123456789abcdefABCDEF;{}xu#&\\"[rng.below(30)]),
                    _ => v.extend_from_slice(pieces[rng.below(pieces.len())]),
                }
            }
            v
        })
        .collect()
}

/// The properties of a byte-to-byte decoder: never panics, never grows
/// the input, borrowed exactly when unchanged; and long runs of its
/// trigger syntax finish (a quadratic decoder would hang here).
pub(crate) fn properties(pieces: &[&[u8]], f: fn(&[u8]) -> Cow<'_, [u8]>) {
    for input in inputs(pieces, 20_000) {
        let got = f(&input);
        assert!(got.len() <= input.len(), "grew: {input:?}");
        assert_eq!(
            matches!(got, Cow::Borrowed(_)),
            got[..] == input[..],
            "borrowed iff unchanged: {input:?}"
        );
    }
    for p in pieces {
        let long = p.repeat(200_000 / p.len().max(1));
        assert!(f(&long).len() <= long.len());
    }
}
