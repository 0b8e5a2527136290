//! UTF-7 (RFC 2152): `+ADw-script+AD4-` is `<script>` to whatever reads the
//! value as UTF-7: a page served without a charset to a sniffing browser
//! (old Internet Explorer), a page whose charset an earlier injection set
//! (`<meta charset=utf-7>`), mail and IMAP stacks. A filter reading ASCII
//! sees letters, digits and dashes.
//!
//! Plausibility decides what is decoded. Only a run that spells ASCII
//! punctuation a parser acts on is worth the disguise, and only such runs
//! are decoded:
//! - a `+`, base64 letters, then `-` or any byte outside that alphabet;
//! - the run holds whole UTF-16 units, the leftover bits are zero (as a
//!   UTF-7 encoder writes them);
//! - every unit is printable ASCII (a UTF-16 unit of ASCII starts with
//!   eight zero bits, `+A...`, which random base64, phone numbers and
//!   `C++` do not give), and one of them is markup or a quote.
//!
//! Anything else, `+-` included, is kept as written.

use std::borrow::Cow;

/// The value of a base64 letter of UTF-7's alphabet (`=` is not in it).
fn sextet(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Characters that change what an HTML, script or SQL parser does: the
/// reason to hide a character in UTF-7.
fn is_active(c: u8) -> bool {
    matches!(
        c,
        b'<' | b'>' | b'"' | b'\'' | b'`' | b'(' | b')' | b';' | b'=' | b'&' | b'\\'
    )
}

/// Decodes the run of base64 letters in `run` (after a `+`) to ASCII in
/// `out`, if it is one the module doc calls plausible.
fn run(run: &[u8], out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut active = false;
    for &b in run {
        let Some(v) = sextet(b) else { break };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 16 {
            bits -= 16;
            let unit = (acc >> bits) & 0xFFFF;
            acc &= (1 << bits) - 1;
            if !(0x20..0x7F).contains(&unit) {
                out.truncate(start);
                return false;
            }
            active |= is_active(unit as u8);
            out.push(unit as u8);
        }
    }
    if bits >= 6 || acc != 0 || !active {
        out.truncate(start);
        return false;
    }
    true
}

/// Decodes the plausible UTF-7 runs of `input` (see the module doc);
/// borrowed when there are none.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    // The start of the bytes not yet copied to `out`.
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'+', &input[from..]) {
        let plus = from + i;
        let letters = input[plus + 1..]
            .iter()
            .take_while(|&&b| sextet(b).is_some())
            .count();
        let end = plus + 1 + letters;
        // A run needs a unit (three letters); a `+` inside one is a
        // letter, so the next `+` to try is past the run.
        from = if letters == 0 { plus + 1 } else { end };
        if letters < 3 || input[plus + 1] != b'A' {
            continue;
        }
        let buf = out.get_or_insert_with(|| Vec::with_capacity(input.len()));
        let mark = buf.len();
        buf.extend_from_slice(&input[copied..plus]);
        if run(&input[plus + 1..end], buf) {
            // The `-` that ends a run is part of it.
            copied = if input.get(end) == Some(&b'-') {
                end + 1
            } else {
                end
            };
            from = copied;
        } else {
            buf.truncate(mark);
        }
    }
    match out {
        Some(mut o) if copied > 0 => {
            o.extend_from_slice(&input[copied..]);
            Cow::Owned(o)
        }
        _ => Cow::Borrowed(input),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(
            include_str!("../../testdata/decode/utf7.txt"),
            super::decode,
        );
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"+ADw-",
                b"+AD4",
                b"+ACI-",
                b"+-",
                b"+A",
                b"+ADwAPg-",
                b"-",
                b"x",
            ],
            super::decode,
        );
    }
}
