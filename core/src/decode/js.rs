//! JavaScript and JSON string escapes (`\u003c`, `\x3c`, `\74`, `\u{3c}`),
//! plus the cheap and unambiguous part of CSS escapes (`\3c `).

use std::borrow::Cow;

/// Decodes one level of backslash escapes to UTF-8, as a JS engine reads a
/// string literal: `\uXXXX` (surrogate pairs joined, lone surrogates become
/// U+FFFD), `\u{X..}`, `\xXX`, legacy octal `\0`..`\377`, the single-letter
/// escapes, line continuations, and any other escaped character as itself
/// (`\q` is `q`). A malformed `\u` or `\x` is kept: JS rejects it, so no
/// engine would read it as anything else.
///
/// CSS hex escapes are decoded only in the forms JS cannot mean: 2 to 6 hex
/// digits ended by a whitespace (`\61 lert`), or exactly 6 digits.
///
/// Values that look like Windows paths (a drive `C:\`, or a backslash next
/// to a dot as in `..\`) keep their letter, digit and unknown escapes, so
/// `..\..\windows\win.ini` survives for the traversal detector instead of
/// becoming `....windowswin.ini`; `\\`, `\/`, quotes, `\x` and `\u` are
/// still decoded there, since JSON-escaped paths (`..\\..\\`) and payloads
/// hidden next to a path both need them.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'\\', input) else {
        return Cow::Borrowed(input);
    };
    let path = looks_like_path(input);
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    let mut changed = false;
    while i < input.len() {
        if input[i] == b'\\' {
            if let Some(used) = escape(&input[i + 1..], path, &mut out) {
                i += 1 + used;
                changed = true;
                continue;
            }
        }
        let next = memchr::memchr(b'\\', &input[i + 1..]).map_or(input.len(), |p| i + 1 + p);
        out.extend_from_slice(&input[i..next]);
        i = next;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(input)
    }
}

/// A drive (`C:\`, the letter not ending a longer word, so that
/// `javascript:\x61` is no path) or a backslash next to a dot (`..\`,
/// `.\`, `\..`). Both survive decoding, so the answer is the same in every
/// round of the pipeline.
fn looks_like_path(s: &[u8]) -> bool {
    s.windows(2).any(|w| w == b".\\" || w == b"\\.")
        || s.windows(3).enumerate().any(|(i, w)| {
            w[0].is_ascii_alphabetic()
                && w[1] == b':'
                && w[2] == b'\\'
                && (i == 0 || !s[i - 1].is_ascii_alphanumeric())
        })
}

/// `\xc2\xbc`: escapes that spell one UTF-8 character byte by byte are
/// that character, as C, PHP and Python byte strings read them (a JS engine
/// would read two Latin-1 characters, which no one writing them meant).
/// Returns the bytes used after the backslash.
fn utf8_bytes(rest: &[u8], lead: u8, out: &mut Vec<u8>) -> Option<usize> {
    let more = match lead {
        0xC2..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xF4 => 3,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (k, b) in bytes[1..=more].iter_mut().enumerate() {
        let at = 3 + 4 * k;
        if rest.get(at..at + 2) != Some(b"\\x") {
            return None;
        }
        *b = hex(rest.get(at + 2))? << 4 | hex(rest.get(at + 3))?;
    }
    let ch = std::str::from_utf8(&bytes[..=more]).ok()?;
    out.extend_from_slice(ch.as_bytes());
    Some(3 + 4 * more)
}

/// Decodes the escape that follows a backslash into `out`; returns how many
/// bytes after the backslash it used, or `None` to keep the backslash.
fn escape(rest: &[u8], path: bool, out: &mut Vec<u8>) -> Option<usize> {
    let &c = rest.first()?;
    match c {
        b'u' => {
            let (cp, mut used) = unicode(&rest[1..])?;
            used += 1;
            let mut cp = cp;
            if (0xD800..0xDC00).contains(&cp) && rest.get(used..used + 2) == Some(b"\\u") {
                if let Some((lo, n)) = unicode(&rest[used + 2..]) {
                    if (0xDC00..0xE000).contains(&lo) {
                        cp = 0x1_0000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        used += 2 + n;
                    }
                }
            }
            push_char(out, cp);
            Some(used)
        }
        b'x' => {
            let h = hex(rest.get(1))?;
            let l = hex(rest.get(2))?;
            let byte = h << 4 | l;
            if let Some(used) = utf8_bytes(rest, byte, out) {
                return Some(used);
            }
            push_char(out, u32::from(byte));
            Some(3)
        }
        b'\\' | b'/' | b'\'' | b'"' => {
            out.push(c);
            Some(1)
        }
        _ if path => None,
        _ => {
            if let Some(used) = css(rest, out) {
                return Some(used);
            }
            match c {
                b'0'..=b'7' => {
                    // `\0`..`\377`: a first digit of 4..7 takes one more digit.
                    let max = if c <= b'3' { 3 } else { 2 };
                    let mut v = u32::from(c - b'0');
                    let mut n = 1;
                    while n < max {
                        match rest.get(n) {
                            Some(&d @ b'0'..=b'7') => v = v * 8 + u32::from(d - b'0'),
                            _ => break,
                        }
                        n += 1;
                    }
                    push_char(out, v);
                    Some(n)
                }
                b'n' => single(out, b'\n'),
                b'r' => single(out, b'\r'),
                b't' => single(out, b'\t'),
                b'b' => single(out, 0x08),
                b'f' => single(out, 0x0C),
                b'v' => single(out, 0x0B),
                // Line continuations disappear from the string.
                b'\r' if rest.get(1) == Some(&b'\n') => Some(2),
                b'\r' | b'\n' => Some(1),
                _ if rest.starts_with("\u{2028}".as_bytes())
                    || rest.starts_with("\u{2029}".as_bytes()) =>
                {
                    Some(3)
                }
                // Any other character escapes to itself; for a multi-byte
                // character the rest of its bytes are copied as they come.
                _ => single(out, c),
            }
        }
    }
}

fn single(out: &mut Vec<u8>, b: u8) -> Option<usize> {
    out.push(b);
    Some(1)
}

/// `XXXX` or `{X..}` after `\u`: the code unit or point, and the bytes used.
fn unicode(rest: &[u8]) -> Option<(u32, usize)> {
    if rest.first() == Some(&b'{') {
        let mut cp: u32 = 0;
        let mut n = 1;
        while let Some(d) = hex(rest.get(n)) {
            cp = cp
                .saturating_mul(16)
                .saturating_add(u32::from(d))
                .min(0x11_0000);
            n += 1;
        }
        if n == 1 || rest.get(n) != Some(&b'}') {
            return None;
        }
        return Some((cp, n + 1));
    }
    let mut cp = 0;
    for k in 0..4 {
        cp = cp << 4 | u32::from(hex(rest.get(k))?);
    }
    Some((cp, 4))
}

/// A CSS hex escape in a form JS cannot mean (see [`decode`]).
fn css(rest: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let n = rest
        .iter()
        .take(6)
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    let ws = matches!(rest.get(n), Some(b' ' | b'\t' | b'\n'));
    if !(n == 6 || (n >= 2 && ws)) {
        return None;
    }
    let cp = rest[..n].iter().fold(0u32, |acc, &b| {
        acc << 4 | u32::from(hex(Some(&b)).unwrap_or(0))
    });
    push_char(out, if cp == 0 { 0xFFFD } else { cp });
    Some(n + usize::from(ws))
}

fn push_char(out: &mut Vec<u8>, cp: u32) {
    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(include_str!("../../testdata/decode/js.txt"), super::decode);
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"\\",
                b"\\u",
                b"\\u{",
                b"}",
                b"\\x",
                b"\\0",
                b"\\3",
                b"\\7",
                b"\\uD83D",
                b"\\uDE00",
                b"\\u{10FFFF}",
                b"\\u{0000000000000061}",
                b"\\\r\n",
                b"C:\\",
                b"..\\",
                b"\\61 ",
                b"\\00003c",
                b"\xE2\x80\xA8",
                b"\\\xE2\x80\xA9",
                b"\\\\",
            ],
            super::decode,
        );
    }
}
