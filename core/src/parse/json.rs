//! JSON bodies: every key worth judging and every string and number value,
//! each named by its JSON pointer (RFC 6901).
//!
//! A hand-written, iterative tokenizer: nesting lives in an explicit stack
//! capped at `limits.max_json_depth`, so a hostile `[[[[...` costs one linear
//! scan and no recursion. It is lenient the way attackers need engines to be:
//! trailing commas, concatenated documents (NDJSON) and truncated input are
//! read as far as they make sense, and whatever follows a syntax error is
//! still emitted as one raw value (named by the pointer of the value it
//! stands for, or of its container), so garbage cannot hide a payload.
//!
//! Keys are emitted (as keys, named by their own pointer) unless made only
//! of `[A-Za-z0-9_.-]`; strings with escapes decoded (lone surrogates become
//! U+FFFD, bytes that are not UTF-8 are kept); number-like tokens as their
//! text (`1--`), well-formed numbers, `true`, `false` and `null` not at all:
//! they hold nothing to judge. Containers past the depth limit
//! are skipped by a bracket-counting scan and flagged on the sink.

use std::borrow::Cow;

use super::params::{JsonArgs, Param, Source, MAX_PARAMS};
use super::{owned_name, Sink};
use crate::config::Limits;
use crate::verdict::Part;

/// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, the JSON number grammar.
fn well_formed_number(t: &[u8]) -> bool {
    let digits = |i: usize| t[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut i = usize::from(t.first() == Some(&b'-'));
    match digits(i) {
        0 => return false,
        n if n > 1 && t[i] == b'0' => return false,
        n => i += n,
    }
    if t.get(i) == Some(&b'.') {
        match digits(i + 1) {
            0 => return false,
            n => i += 1 + n,
        }
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        match digits(i) {
            0 => return false,
            n => i += n,
        }
    }
    i == t.len()
}

/// Cheap check that `t` starts like a JSON object or array.
pub(crate) fn looks_like(t: &[u8]) -> bool {
    let t = t.trim_ascii_start();
    let Some((&first, rest)) = t.split_first() else {
        return false;
    };
    if first != b'{' && first != b'[' {
        return false;
    }
    matches!(
        rest.trim_ascii_start().first(),
        Some(b'"' | b'}' | b']' | b'{' | b'[' | b'0'..=b'9' | b'-' | b't' | b'f' | b'n')
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// After `{` or `,` in an object.
    Key,
    /// After a key.
    Colon,
    /// After `[`, `,` in an array, or `:`.
    Value,
    /// After a value: `,` or the closing bracket.
    After,
}

struct Frame {
    object: bool,
    state: State,
    /// Length of the pointer of the container itself.
    base: usize,
    index: usize,
}

/// Emits keys (unless plain identifiers) and string and number values into
/// `sink`. False only when nothing JSON-like could be read, so the caller can
/// fall back to the raw body.
pub(crate) fn parse<'a>(body: &'a [u8], limits: &Limits, sink: &mut Sink<'_, 'a>) -> bool {
    let max_depth = limits.max_json_depth.max(1);
    let mut stack: Vec<Frame> = Vec::with_capacity(max_depth.min(64));
    let mut path: Vec<u8> = Vec::new();
    // Something was understood: a key, a value or a whole container.
    let mut parsed = false;
    // A body's keys, for the whole-request checks; kept only if the body
    // is read to its end, as valid JSON (see `params::json`).
    let mut args = Args {
        list: (sink.inputs.want_args
            && sink.part == Part::Json
            && sink.depth == 0
            && sink.prefix.is_empty())
        .then(|| {
            // A key per colon at most: one allocation.
            Vec::with_capacity(memchr::memchr_iter(b':', body).count().min(MAX_PARAMS))
        }),
        last_key: None,
        pending: None,
    };
    let n = body.len();
    let mut p = 0;
    loop {
        p = skip_ws(body, p);
        if p >= n {
            if let Some(list) = args.list.filter(|_| stack.is_empty()) {
                sink.inputs.json_args = Some(JsonArgs { body, args: list });
            }
            return parsed;
        }
        let c = body[p];
        let state = stack.last().map_or(State::Value, |f| f.state);
        match state {
            State::Key => {
                if c == b'"' {
                    let (key, end) = string(body, p);
                    args.key(body, p, end);
                    p = end;
                    parsed = true;
                    let base = stack.last_mut().map_or(0, |top| {
                        top.state = State::Colon;
                        top.base
                    });
                    path.truncate(base);
                    path.push(b'/');
                    push_pointer_token(&mut path, &key);
                    if !super::is_plain_name(&key) && !sink.emit(owned_name(&[&path]), key, true) {
                        return true;
                    }
                    continue;
                }
                if c == b'}' || c == b']' {
                    p += 1;
                    close(&mut stack, &mut path);
                    parsed = true;
                    continue;
                }
            }
            State::Colon => {
                if c == b':' {
                    p += 1;
                    if let Some(top) = stack.last_mut() {
                        top.state = State::Value;
                    }
                    continue;
                }
            }
            State::After => {
                if c == b',' {
                    p += 1;
                    if let Some(top) = stack.last_mut() {
                        top.state = if top.object { State::Key } else { State::Value };
                    }
                    continue;
                }
                if c == b'}' || c == b']' {
                    p += 1;
                    close(&mut stack, &mut path);
                    parsed = true;
                    continue;
                }
            }
            State::Value => {
                args.value_starts(c);
                if let Some(top) = stack.last() {
                    if !top.object {
                        path.truncate(top.base);
                        path.push(b'/');
                        push_index(&mut path, top.index);
                    }
                }
                match c {
                    b'"' => {
                        let (value, end) = string(body, p);
                        args.string(body, p, end);
                        p = end;
                        parsed = true;
                        value_done(&mut stack);
                        if !sink.emit(owned_name(&[&path]), value, false) {
                            return true;
                        }
                        continue;
                    }
                    b'-' | b'0'..=b'9' => {
                        let end = p + body[p..]
                            .iter()
                            .position(|&b| {
                                !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                            })
                            .unwrap_or(n - p);
                        let number = &body[p..end];
                        p = end;
                        parsed = true;
                        value_done(&mut stack);
                        if !well_formed_number(number)
                            && !sink.emit(owned_name(&[&path]), Cow::Borrowed(number), false)
                        {
                            return true;
                        }
                        continue;
                    }
                    b'{' | b'[' => {
                        if stack.len() >= max_depth {
                            // Skipped keys: the lexical scan must find them.
                            args.list = None;
                            sink.depth_limited();
                            p = skip_container(body, p);
                            value_done(&mut stack);
                        } else {
                            let base = path.len();
                            stack.push(Frame {
                                object: c == b'{',
                                state: if c == b'{' { State::Key } else { State::Value },
                                base,
                                index: 0,
                            });
                            p += 1;
                        }
                        continue;
                    }
                    // An empty container, a trailing comma or a missing value.
                    b'}' | b']' if !stack.is_empty() => {
                        p += 1;
                        close(&mut stack, &mut path);
                        parsed = true;
                        continue;
                    }
                    b'a'..=b'z' | b'A'..=b'Z' => {
                        let end = p + body[p..]
                            .iter()
                            .position(|b| !b.is_ascii_alphabetic())
                            .unwrap_or(n - p);
                        if matches!(&body[p..end], b"true" | b"false" | b"null") {
                            p = end;
                            parsed = true;
                            value_done(&mut stack);
                            continue;
                        }
                    }
                    _ => {}
                }
            }
        }
        // A syntax error. The rest is not JSON any server would accept, but
        // a lenient one might still read it, and a log will: keep it whole.
        if !parsed {
            return false;
        }
        // Named by the value it stands for, or by its container.
        if matches!(state, State::Key | State::After) {
            path.truncate(stack.last().map_or(0, |top| top.base));
        }
        sink.emit(owned_name(&[&path]), Cow::Borrowed(&body[p..]), false);
        return true;
    }
}

/// The keys met so far, as [`params`](super::params) reads them: each with
/// the first string value after it, and whether its value is a string or
/// an object.
struct Args<'a> {
    /// `None` when not recording, or once the body cannot be read whole.
    list: Option<Vec<Param<'a>>>,
    /// The key still waiting for its first string value.
    last_key: Option<usize>,
    /// The key whose value has not started yet.
    pending: Option<usize>,
}

impl<'a> Args<'a> {
    /// The string at `p..end` (`end` past its closing quote); `None` when
    /// it runs to the body's end, unterminated or not: the body is then not
    /// read whole.
    fn text(&mut self, body: &'a [u8], p: usize, end: usize) -> Option<&'a [u8]> {
        if end >= body.len() {
            self.list = None;
            return None;
        }
        Some(&body[p + 1..end - 1])
    }

    fn key(&mut self, body: &'a [u8], p: usize, end: usize) {
        let Some(name) = self.text(body, p, end) else {
            return;
        };
        let Some(list) = self.list.as_mut() else {
            return;
        };
        // Past the cap, the scan stops: no key after it, no value for it.
        if list.len() >= MAX_PARAMS {
            self.last_key = None;
            self.pending = None;
            return;
        }
        list.push(Param {
            source: Source::Json,
            name,
            value: b"",
            string: false,
            object: false,
        });
        self.last_key = Some(list.len() - 1);
        self.pending = self.last_key;
    }

    fn value_starts(&mut self, first: u8) {
        if let (Some(k), Some(list)) = (self.pending.take(), self.list.as_mut()) {
            list[k].string = first == b'"';
            list[k].object = first == b'{';
        }
    }

    fn string(&mut self, body: &'a [u8], p: usize, end: usize) {
        let Some(text) = self.text(body, p, end) else {
            return;
        };
        if let (Some(k), Some(list)) = (self.last_key.take(), self.list.as_mut()) {
            list[k].value = text;
        }
    }
}

fn skip_ws(body: &[u8], mut p: usize) -> usize {
    while p < body.len() && matches!(body[p], b' ' | b'\t' | b'\n' | b'\r') {
        p += 1;
    }
    p
}

/// The value in the top frame (if any) is complete.
fn value_done(stack: &mut [Frame]) {
    if let Some(top) = stack.last_mut() {
        top.state = State::After;
        top.index += 1;
    }
}

fn close(stack: &mut Vec<Frame>, path: &mut Vec<u8>) {
    if let Some(frame) = stack.pop() {
        path.truncate(frame.base);
    }
    value_done(stack);
}

fn push_pointer_token(path: &mut Vec<u8>, key: &[u8]) {
    for &b in key {
        match b {
            b'~' => path.extend_from_slice(b"~0"),
            b'/' => path.extend_from_slice(b"~1"),
            _ => path.push(b),
        }
    }
}

fn push_index(path: &mut Vec<u8>, mut i: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (i % 10) as u8;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    path.extend_from_slice(&digits[k..]);
}

/// Skips the container opening at `p` without building anything: the
/// position after its closing bracket, or the end of input.
fn skip_container(body: &[u8], mut p: usize) -> usize {
    let mut depth = 0usize;
    while p < body.len() {
        match body[p] {
            b'"' => {
                p = string_end(body, p);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return p + 1;
                }
            }
            _ => {}
        }
        p += 1;
    }
    p
}

/// The position after the closing quote of the string opening at `p`.
fn string_end(body: &[u8], p: usize) -> usize {
    closing_quote(body, p + 1).map_or(body.len(), |q| q + 1)
}

/// One string of a JSON text found by [`strings`].
pub(crate) struct Lexed {
    /// The string's text (between the quotes, escapes kept).
    pub text: std::ops::Range<usize>,
    /// For a key (a `:` follows), the first byte after the colon and any
    /// whitespace; `None` for a value.
    pub key: Option<Option<u8>>,
}

/// Every string of a JSON text, by a lexical scan: no nesting limit to
/// hit, linear, and lenient (an unterminated string runs to the end).
pub(crate) fn strings(s: &[u8]) -> impl Iterator<Item = Lexed> + '_ {
    let skip_ws = |mut k: usize| {
        while k < s.len() && s[k].is_ascii_whitespace() {
            k += 1;
        }
        k
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i + memchr::memchr(b'"', s.get(i..)?)? + 1;
        let end = closing_quote(s, start).unwrap_or(s.len());
        let k = skip_ws(end + 1);
        i = k;
        let key = (s.get(k) == Some(&b':')).then(|| s.get(skip_ws(k + 1)).copied());
        Some(Lexed {
            text: start..end,
            key,
        })
    })
}

/// `start`, escapes skipped; `None` when it runs to the end unterminated.
pub(crate) fn closing_quote(body: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    // An escape as the last byte steps past the end: `get` ends the scan.
    while let Some(k) = body.get(i..).and_then(|t| memchr::memchr2(b'"', b'\\', t)) {
        i += k;
        if body[i] == b'"' {
            return Some(i);
        }
        i += 2;
    }
    None
}

/// The string opening at `p`, escapes decoded, and the position after it.
/// Unterminated strings run to the end: a truncated body still shows its
/// payload. Bytes that are not UTF-8 are kept as they are.
fn string(body: &[u8], p: usize) -> (Cow<'_, [u8]>, usize) {
    let start = p + 1;
    let n = body.len();
    let Some(k) = memchr::memchr2(b'"', b'\\', &body[start.min(n)..]) else {
        return (Cow::Borrowed(&body[start.min(n)..]), n);
    };
    let mut i = start + k;
    if body[i] == b'"' {
        return (Cow::Borrowed(&body[start..i]), i + 1);
    }
    let mut out = Vec::with_capacity(i - start + 16);
    out.extend_from_slice(&body[start..i]);
    loop {
        // body[i] is a backslash.
        i = unescape(body, i, &mut out);
        match memchr::memchr2(b'"', b'\\', &body[i..]) {
            Some(k) => {
                out.extend_from_slice(&body[i..i + k]);
                i += k;
                if body[i] == b'"' {
                    return (Cow::Owned(out), i + 1);
                }
            }
            None => {
                out.extend_from_slice(&body[i..]);
                return (Cow::Owned(out), n);
            }
        }
    }
}

/// Decodes the escape at `body[i]` (a backslash) into `out`; returns the
/// position after it. Unknown escapes are kept verbatim.
fn unescape(body: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let Some(&e) = body.get(i + 1) else {
        out.push(b'\\');
        return body.len();
    };
    let simple = match e {
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        b'/' => Some(b'/'),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        _ => None,
    };
    if let Some(s) = simple {
        out.push(s);
        return i + 2;
    }
    if e != b'u' {
        out.extend_from_slice(&body[i..i + 2]);
        return i + 2;
    }
    let Some(hi) = hex4(body, i + 2) else {
        out.extend_from_slice(&body[i..i + 2]);
        return i + 2;
    };
    let mut end = i + 6;
    let c = match hi {
        0xD800..=0xDBFF => {
            let lo = if body.get(end..end + 2) == Some(b"\\u") {
                hex4(body, end + 2).filter(|lo| (0xDC00..=0xDFFF).contains(lo))
            } else {
                None
            };
            match lo {
                Some(lo) => {
                    end += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                }
                None => None,
            }
        }
        _ => char::from_u32(hi),
    };
    let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    end
}

fn hex4(body: &[u8], at: usize) -> Option<u32> {
    let digits = body.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = (d as char).to_digit(16)?;
        Some(acc * 16 + v)
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{render, sink};
    use super::*;
    use crate::parse::Inputs;
    use crate::verdict::Part;
    use std::time::{Duration, Instant};

    fn run<'a>(body: &'a [u8], limits: &Limits) -> (bool, Inputs<'a>) {
        let mut inputs = Inputs::new(limits.max_inputs);
        let ok = parse(body, limits, &mut sink(&mut inputs, Part::Json));
        (ok, inputs)
    }

    #[test]
    fn parse_json_data_file() {
        super::super::testkit::check_data_file(
            include_str!("../../testdata/parse/json.txt"),
            Part::Json,
            parse,
        );
    }

    #[test]
    fn parse_json_borrows_unless_escaped() {
        let body = br#"{"a":"plain","b":"it\u0027s","c":12.5e3--}"#;
        let (_, inputs) = run(body, &Limits::default());
        let values: Vec<bool> = inputs
            .items
            .iter()
            .map(|i| matches!(i.value, Cow::Borrowed(_)))
            .collect();
        assert_eq!(values, [true, false, true]);
        assert_eq!(&*inputs.items[1].value, b"it's");
    }

    #[test]
    fn well_formed_numbers_hold_nothing_to_judge() {
        for n in ["0", "-1", "12.5", "1e9", "-0.5E-3", "6.02e+23"] {
            assert!(well_formed_number(n.as_bytes()), "{n}");
        }
        for n in [
            "01", "1.", ".5", "1e", "--1", "1--", "1-1", "+1", "-", "1e5e5",
        ] {
            assert!(!well_formed_number(n.as_bytes()), "{n}");
        }
        let (_, inputs) = run(br#"{"a":12.5,"b":1--,"c":[3,-4e2]}"#, &Limits::default());
        let values: Vec<&[u8]> = inputs.items.iter().map(|i| &i.value[..]).collect();
        assert_eq!(values, [&b"1--"[..]]);
    }

    #[test]
    fn parse_json_deep_nesting_is_bounded() {
        let limits = Limits::default();
        for body in [
            "[".repeat(10_000),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000)),
            r#"{"a":"#.repeat(100_000),
        ] {
            let start = Instant::now();
            let (_, inputs) = run(body.as_bytes(), &limits);
            assert!(inputs.depth_limited);
            assert!(start.elapsed() < Duration::from_secs(2));
        }
        // Past the deep part, parsing goes on.
        let body = format!(
            r#"{{"deep":{}{}, "x":"after"}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        let (ok, inputs) = run(body.as_bytes(), &limits);
        assert!(ok && inputs.depth_limited);
        assert_eq!(render(&inputs), ["val /x => after"]);
    }

    #[test]
    fn parse_json_stops_when_inputs_are_full() {
        let body = format!("[{}1]", "\"x\",".repeat(100_000));
        let limits = Limits {
            max_inputs: 10,
            ..Limits::default()
        };
        let (ok, inputs) = run(body.as_bytes(), &limits);
        assert!(ok && inputs.truncated);
        assert_eq!(inputs.items.len(), 10);
    }

    #[test]
    fn parse_json_never_panics_on_prefixes() {
        let body =
            br#"{"a\u00e9\ud83d\ude00":[1,-2.5e+3,"x\"y\\",{"k~/":null,"s":"\ud800"}],"t":true}"#;
        for end in 0..=body.len() {
            let _ = run(&body[..end], &Limits::default());
        }
        for b in 0..=255u8 {
            let mut v = body.to_vec();
            for i in 0..v.len() {
                let old = v[i];
                v[i] = b;
                let _ = run(&v, &Limits::default());
                v[i] = old;
            }
        }
    }

    #[test]
    fn parse_json_random_inputs() {
        let alphabet: [&[u8]; 16] = [
            b"{", b"}", b"[", b"]", b"\"", b"\\", b"\\u", b"d83d", b":", b",", b"1", b"-", b"true",
            b"a/~", b" ", b"\xff",
        ];
        let limits = Limits {
            max_json_depth: 3,
            max_inputs: 50,
            ..Limits::default()
        };
        for body in super::super::testkit::random_inputs(&alphabet, 20_000, 40) {
            let (_, inputs) = run(&body, &limits);
            assert!(inputs.items.len() <= 50);
        }
    }

    #[test]
    fn json_looks_like() {
        assert!(looks_like(b" {\"a\":1}"));
        assert!(looks_like(b"[1,2]"));
        assert!(looks_like(b"{ }"));
        assert!(looks_like(b"[true]"));
        assert!(!looks_like(b"{x}"));
        assert!(!looks_like(b"[a-z]+"));
        assert!(!looks_like(b"{"));
        assert!(!looks_like(b"hello"));
    }
}
