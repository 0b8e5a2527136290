//! Shared by the parse modules' tests: a sink over fresh inputs, and a
//! small data-file format for cases.
//!
//! A data file is a list of cases. Lines before the first case and lines
//! starting with `#` in the expected section are comments.
//!
//! ```text
//! === title | flags
//! input lines
//! ---
//! expected lines
//! ```
//!
//! The input is the lines between the title and `---`, joined with `\n`,
//! without a final newline. Flags (space-separated): `crlf` turns every line
//! break of the input into CRLF, `nl` adds a final line break, `esc` reads
//! `\n`, `\r`, `\t`, `\\` and `\xHH` escapes in the input. Expected lines
//! are compared with what each test renders (see [`render`]), one
//! line per input, in order; values use the same escapes.

use super::{Encoding, Inputs, Sink};
use crate::decode::Chain;
use crate::verdict::Part;

pub(crate) fn sink<'s, 'a>(inputs: &'s mut Inputs<'a>, part: Part) -> Sink<'s, 'a> {
    Sink {
        inputs,
        part,
        prefix: b"",
        encoding: Encoding::Plain,
        chain: Chain::EMPTY,
        depth: 0,
    }
}

#[derive(Debug)]
pub(crate) struct Case {
    pub title: String,
    pub input: Vec<u8>,
    pub expected: Vec<String>,
}

pub(crate) fn cases(text: &str) -> Vec<Case> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(header) = line.strip_prefix("===") else {
            continue;
        };
        let (title, flags) = header.split_once('|').unwrap_or((header, ""));
        let flags: Vec<&str> = flags.split_whitespace().collect();
        let mut input = Vec::new();
        for l in lines.by_ref() {
            if l == "---" {
                break;
            }
            input.push(l);
        }
        let mut expected = Vec::new();
        while let Some(l) = lines.peek() {
            if l.starts_with("===") {
                break;
            }
            let l = lines.next().unwrap_or_default();
            if !l.is_empty() && !l.starts_with('#') {
                expected.push(l.to_string());
            }
        }
        let sep = if flags.contains(&"crlf") {
            "\r\n"
        } else {
            "\n"
        };
        let mut text = input.join(sep);
        if flags.contains(&"nl") {
            text.push_str(sep);
        }
        let input = if flags.contains(&"esc") {
            unescape(&text)
        } else {
            text.into_bytes()
        };
        out.push(Case {
            title: title.trim().to_string(),
            input,
            expected,
        });
    }
    out
}

pub(crate) fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let simple = match (b[i], next) {
            (b'\\', Some(b'n')) => Some(b'\n'),
            (b'\\', Some(b'r')) => Some(b'\r'),
            (b'\\', Some(b't')) => Some(b'\t'),
            (b'\\', Some(b'\\')) => Some(b'\\'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
        } else if b[i] == b'\\' && next == Some(b'x') && i + 3 < b.len() {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("ASCII escape");
            out.push(u8::from_str_radix(hex, 16).expect("bad \\x escape"));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Deterministic pseudo-random inputs built from `alphabet` pieces, for
/// robustness tests (no panics, bounded work).
pub(crate) fn random_inputs(alphabet: &[&[u8]], count: usize, max_pieces: usize) -> Vec<Vec<u8>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let pieces = (next() % max_pieces as u64) as usize;
            let mut v = Vec::new();
            for _ in 0..pieces {
                v.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            v
        })
        .collect()
}

/// Bytes as test text: printable ASCII and UTF-8 as is, the rest escaped.
pub(crate) fn show(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                '\\' => s.push_str("\\\\"),
                c if (c as u32) < 0x20 || c == '\x7f' => {
                    s.push_str(&format!("\\x{:02x}", c as u32));
                }
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

/// One line per input: `key NAME => VALUE` or `val NAME => VALUE`
/// (`val NAME =>` for an empty value; a final space shown as `\x20`).
pub(crate) fn render(inputs: &Inputs<'_>) -> Vec<String> {
    inputs
        .items
        .iter()
        .map(|i| {
            let kind = if i.key { "key" } else { "val" };
            let mut line = format!("{kind} {} =>", show(&i.name));
            if !i.value.is_empty() {
                line.push(' ');
                line.push_str(&show(&i.value));
            }
            // Trailing spaces would not survive editors.
            if line.ends_with(' ') {
                line.pop();
                line.push_str("\\x20");
            }
            line
        })
        .collect()
}

/// Runs every case of a data file through `parse` and compares what it
/// emitted (plus "returns false" and "depth limited" flags) with the
/// expected lines. JSON and XML depth is limited to 4 to test the limit.
pub(crate) fn check_data_file(
    text: &str,
    part: Part,
    parse: for<'a> fn(&'a [u8], &crate::config::Limits, &mut Sink<'_, 'a>) -> bool,
) {
    let limits = crate::config::Limits {
        max_json_depth: 4,
        ..crate::config::Limits::default()
    };
    let all = cases(text);
    assert!(all.len() > 10);
    for case in all {
        let mut inputs = Inputs::new(limits.max_inputs);
        let ok = parse(&case.input, &limits, &mut sink(&mut inputs, part));
        let mut got = render(&inputs);
        if !ok {
            got.push("returns false".into());
        }
        if inputs.depth_limited {
            got.push("depth limited".into());
        }
        assert_eq!(got, case.expected, "case: {}", case.title);
    }
}
