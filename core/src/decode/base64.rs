//! base64 and base64url values: decoded only when the value plausibly is
//! base64 and the result is text, so that the decoded text can be analyzed
//! as a new input while ids, hashes, tokens and images are left alone.

/// The decoded text, when `input` as a whole is base64 or base64url (with or
/// without padding) and decodes to mostly printable text; `None` otherwise.
///
/// Plausible base64: at least 8 characters, one alphabet only (`+/` or
/// `-_`), padding only at the end and consistent with the length, and not
/// something that merely happens to use the alphabet: hex strings (numbers,
/// hashes, hex ids), UUIDs and dates (hex and `-`), and plain words
/// (`HelloWorld`, `password`, `Hello World`). A space counts as `+` when the
/// value has no other `+`, `-` or `_`, because an unencoded `+` in a query
/// or form value reaches us as a space.
///
/// Mostly printable text: at least 90% of the bytes are printable ASCII,
/// tab/CR/LF or part of a valid UTF-8 character that is not a control, and
/// no NUL comes before the end but one or two splitting printable text (`scr\0ipt`). UTF-16LE text (PowerShell's
/// `-EncodedCommand`) is recognised and returned as UTF-8.
///
/// A JWT is three base64url segments joined by `.`: as a whole it is not
/// base64, so it gives `None`, like any other dotted token.
pub(crate) fn decode(input: &[u8]) -> Option<Vec<u8>> {
    let body = plausible(input)?;
    // Look at the start before decoding a long value in full: most long
    // base64 values (images, keys) are binary from the first bytes.
    let prefix_len = body.len().min(64) & !3;
    if prefix_len < body.len() {
        let head = raw_decode(&body[..prefix_len])?;
        if !is_text(&head, true) && !mostly_utf16le_ascii(&head) {
            return None;
        }
    }
    let bytes = raw_decode(body)?;
    if let Some(utf8) = utf16le(&bytes) {
        return Some(utf8);
    }
    is_text(&bytes, false).then_some(bytes)
}

const MIN_LEN: usize = 8;

/// The value without its padding, if it is plausible base64.
fn plausible(input: &[u8]) -> Option<&[u8]> {
    if input.len() < MIN_LEN {
        return None;
    }
    let pad = input.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &input[..input.len() - pad];
    if pad > 2 || (pad > 0 && input.len() % 4 != 0) || body.len() % 4 == 1 {
        return None;
    }
    let (mut std_sym, mut url_sym, mut space) = (false, false, false);
    let (mut digits, mut hexish) = (0usize, true);
    for &b in body {
        match b {
            b'0'..=b'9' => digits += 1,
            b'a'..=b'f' | b'A'..=b'F' => {}
            b'g'..=b'z' | b'G'..=b'Z' => hexish = false,
            b'+' | b'/' => {
                std_sym = true;
                hexish = false;
            }
            b'-' | b'_' => url_sym = true,
            b' ' => space = true,
            _ => return None,
        }
    }
    if (std_sym && url_sym) || (space && (url_sym || body.contains(&b'+'))) {
        return None;
    }
    // Hex with or without dashes: numbers, hashes, hex ids, UUIDs, dates.
    // A `_` is no hex separator, so base64url with one is still considered.
    if hexish && !body.contains(&b'_') {
        return None;
    }
    if digits == 0 && pad == 0 && !std_sym && !url_sym && body.split(|&b| b == b' ').all(is_word) {
        return None;
    }
    Some(body)
}

/// Letters only, in one case or capitalized/camel case (every capital
/// followed by a small letter), as names and words are; base64 mixes cases
/// far more (`YWxlcnQ`).
fn is_word(w: &[u8]) -> bool {
    if !w.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let upper = w.iter().filter(|b| b.is_ascii_uppercase()).count();
    upper == 0
        || upper == w.len()
        || w.iter().enumerate().all(|(i, b)| {
            !b.is_ascii_uppercase() || w.get(i + 1).is_some_and(u8::is_ascii_lowercase)
        })
}

/// Decodes an unpadded body already checked by [`plausible`] (so a space
/// stands for `+`, and the two alphabets are not mixed).
fn raw_decode(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' | b' ' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Mostly printable text (see [`decode`]). `partial` allows the bytes to
/// end inside a UTF-8 character, for a prefix cut at an arbitrary point.
fn is_text(bytes: &[u8], partial: bool) -> bool {
    let end = bytes.len() - bytes.iter().rev().take_while(|&&b| b == 0).count();
    let text = &bytes[..end];
    if text.is_empty() || !nuls_are_splitters(text) {
        return false;
    }
    let mut good = 0;
    let mut rest = text;
    loop {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, None),
            Err(e) => {
                let s = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                (s, Some((e.valid_up_to(), e.error_len())))
            }
        };
        good += valid
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .map(char::len_utf8)
            .sum::<usize>();
        match bad {
            None => break,
            Some((at, Some(n))) => rest = &rest[at + n..],
            Some((at, None)) => {
                if partial {
                    good += rest.len() - at;
                }
                break;
            }
        }
    }
    good * 10 >= text.len() * 9
}

/// No NUL, or one or two, each between printable ASCII bytes: a NUL that
/// splits a keyword (`scr\0ipt`, `SEL\0ECT`) to dodge filters, which C
/// string handling or a NUL-stripping filter then removes. Binary data has
/// NULs beside other binary bytes, and more of them.
fn nuls_are_splitters(text: &[u8]) -> bool {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| (0x20..0x7f).contains(&b));
    let mut n = 0;
    for at in memchr::memchr_iter(0, text) {
        n += 1;
        if n > 2 || at == 0 || !printable(text.get(at - 1)) || !printable(text.get(at + 1)) {
            return false;
        }
    }
    true
}

/// UTF-16LE text as UTF-8: an even length, a NUL in every odd byte of the
/// ASCII range, and printable once transcoded.
fn utf16le(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 || !mostly_utf16le_ascii(bytes) {
        return None;
    }
    let units = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]));
    let s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect();
    let s = s.trim_end_matches('\0');
    is_text(s.as_bytes(), false).then(|| s.as_bytes().to_vec())
}

/// At least 90% of the byte pairs are an ASCII character and a NUL.
fn mostly_utf16le_ascii(bytes: &[u8]) -> bool {
    let pairs = bytes.len() / 2;
    let ascii = bytes
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0 && p[0] < 0x80)
        .count();
    pairs > 0 && ascii * 10 >= pairs * 9
}

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        let cases = table::cases(include_str!("../../testdata/decode/base64.txt"));
        assert!(!cases.is_empty());
        for c in cases {
            let got = super::decode(&c.input);
            assert_eq!(
                got.as_deref().map(String::from_utf8_lossy),
                c.want.as_deref().map(String::from_utf8_lossy),
                "line {}",
                c.line
            );
        }
    }

    /// Binary of every length as base64 and base64url, padded or not: none
    /// of it is text, so none of it may decode.
    #[test]
    fn random_binary_is_not_decoded() {
        let mut rng = table::Rng::new(64);
        let mut decoded = 0;
        for n in 0..2000 {
            let len = 6 + n % 90;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            for url in [false, true] {
                for pad in [false, true] {
                    if super::decode(&encode(&bytes, url, pad)).is_some() {
                        decoded += 1;
                    }
                }
            }
        }
        // Short random runs can be printable by chance (6 bytes: ~0.3%).
        assert!(decoded <= 8, "{decoded} random values decoded");
    }

    #[test]
    fn text_roundtrips() {
        let texts: &[&str] = &[
            "<script>alert(1)</script>",
            "' OR 1=1--",
            "../../etc/passwd",
            "${jndi:ldap://x/a}",
            "café ☕ 日本",
            "{\"$where\": \"sleep(1000)\"}",
        ];
        for t in texts {
            for url in [false, true] {
                for pad in [false, true] {
                    let e = encode(t.as_bytes(), url, pad);
                    let got = super::decode(&e);
                    assert_eq!(
                        got.as_deref(),
                        Some(t.as_bytes()),
                        "{}",
                        String::from_utf8_lossy(&e)
                    );
                }
            }
        }
    }

    #[test]
    fn never_panics() {
        for input in table::inputs(
            &[b"A", b"/", b"_", b"=", b"==", b"QUFB", b" ", b"+"],
            20_000,
        ) {
            if let Some(out) = super::decode(&input) {
                assert!(out.len() <= input.len());
            }
        }
    }

    fn encode(bytes: &[u8], url: bool, pad: bool) -> Vec<u8> {
        let alphabet: &[u8; 64] = if url {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        } else {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        };
        let mut out = Vec::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &b| a << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for k in 0..=chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * k) & 63) as usize]);
            }
            if pad {
                out.extend(std::iter::repeat_n(b'=', 3 - chunk.len()));
            }
        }
        out
    }
}
