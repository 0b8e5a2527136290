//! Java code, expression-language and deserialization injection (class
//! `java-injection`).
//!
//! Exploits against Java servers must name the JVM machinery they drive:
//! a class that runs commands or loads code (`java.lang.Runtime`,
//! `ProcessBuilder`, `ScriptEngineManager`, gadget classes such as
//! `InvokerTransformer`), reflective calls that reach it (`forName`,
//! `getMethod`, `invoke`), the syntax of the expression language that
//! evaluates it (OGNL `#_memberAccess`, `@Class@method`; SpEL `T(...)`),
//! the property path that rebinds the class loader (Spring4Shell), or the
//! serialization stream that carries it (`AC ED 00 05`, `rO0AB` in base64,
//! or gadget names inside a base64 blob at any alignment).
//!
//! Rules (score):
//! - `java.deserialization` (10): a Java serialization stream at the start
//!   of a token: raw `AC ED 00 05`, hex `aced0005`, or base64 whose bits
//!   hold the magic within the first characters (`rO0AB...`).
//! - `java.class` (10 / 6 / 2): a class from `classes.txt`. `exec` classes
//!   score 10 when used (call, `@` static access, the whole value or name)
//!   and 6 when merely named; `type` classes score 6 as a whole value or
//!   name, 10 with reflective or exec calls in the value, 2 otherwise.
//! - `java.gadget_chain` (10): a dotted chain naming an exec class
//!   (`Runtime`, `ProcessBuilder`) or gadget (`InvokerTransformer`, ...)
//!   together with a Java root (`java.`), another gadget or a call.
//! - `java.exploit_call` (10 / 6 / 3): `getRuntime()`, `forName()`,
//!   `getMethod()`, `invoke()`, `newInstance()`, `defineClass()`, ...;
//!   two distinct ones, or `getRuntime()` with `exec()`, score 10.
//! - `java.ognl` (10 / 8 / 6): `#_memberAccess`, `#context[`,
//!   `@ognl.OgnlContext@`, `(#x=...)` assignments, `%{(#` expressions and
//!   `@pkg.Class@member` static access.
//! - `java.spel` (10 / 6): `T(pkg.Class)` type references.
//! - `java.spring4shell` (10): `class.module.classLoader`,
//!   `class.classLoader` property paths in names or values.
//! - `java.jsp_upload` (10 / 6): a `.jsp`/`.jspx` file name in a header or
//!   multipart part; 10 with trailing dots or spaces (`shell.jsp.`).
//! - `java.base64_keyword` (10): the base64 text of `runtime`,
//!   `processbuilder`, gadget names or `java.lang` at any of the three byte
//!   alignments inside a base64 run (a serialized gadget chain sent as
//!   base64 that the engine cannot decode as text).

use std::ops::Range;
use std::sync::OnceLock;

use crate::search::Keywords;
use aho_corasick::MatchKind;

use super::{Best, Ctx, Hit};
use crate::config::Sensitivity;
use crate::verdict::Part;

/// The class list, `<tier> <name>` per line.
const CLASSES_TXT: &str = include_str!("classes.txt");

/// Simple names (lower case) of classes that execute commands.
const EXEC_NAMES: [&str; 5] = [
    "runtime",
    "processbuilder",
    "processimpl",
    "unixprocess",
    "scriptenginemanager",
];

/// Simple names (lower case) of deserialization and bean-loading gadgets.
const GADGET_NAMES: [&str; 21] = [
    "invokertransformer",
    "chainedtransformer",
    "constanttransformer",
    "instantiatetransformer",
    "clonetransformer",
    "instantiatefactory",
    "prototypeclonefactory",
    "prototypeserializationfactory",
    "forclosure",
    "whileclosure",
    "lazymap",
    "templatesimpl",
    "jdbcrowsetimpl",
    "annotationinvocationhandler",
    "beancomparator",
    "xmldecoder",
    "classpathxmlapplicationcontext",
    "filesystemxmlapplicationcontext",
    "groovyshell",
    "elprocessor",
    "eventhandler",
];

/// Names that are ordinary alone but complete a chain with an exec class
/// (`Runtime...getProperty`, `ProcessBuilder...FileWriter`).
const COMPANION_NAMES: [&str; 2] = ["getproperty", "filewriter"];

/// Package roots of the JDK.
const ROOTS: [&str; 4] = ["java", "javax", "jdk", "sun"];

/// Reflective and exec method names an exploit calls, with their weight:
/// 2 = specific to exploitation, 1 = common in Java but telling together.
const CALLS: [(&str, u8); 16] = [
    ("getruntime", 2),
    ("forname", 2),
    ("getdeclaredmethod", 2),
    ("getdeclaredconstructor", 2),
    ("getdeclaredfield", 2),
    ("defineclass", 2),
    ("setaccessible", 2),
    ("getenginebyname", 2),
    ("getmethod", 1),
    ("getconstructor", 1),
    ("newinstance", 1),
    ("invoke", 1),
    ("loadclass", 1),
    ("getclassloader", 1),
    ("getclass", 1),
    ("exec", 1),
];

/// Keywords searched for in base64 text (see `java.base64_keyword`).
const B64_KEYWORDS: [&str; 22] = [
    "runtime",
    "Runtime",
    "getRuntime",
    "processbuilder",
    "ProcessBuilder",
    "clonetransformer",
    "CloneTransformer",
    "forclosure",
    "ForClosure",
    "instantiatefactory",
    "InstantiateFactory",
    "instantiatetransformer",
    "InstantiateTransformer",
    "invokertransformer",
    "InvokerTransformer",
    "prototypeclonefactory",
    "prototypeserializationfactory",
    "whileclosure",
    "WhileClosure",
    "ChainedTransformer",
    "TemplatesImpl",
    "java.lang.reflect",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tier {
    Exec,
    Type,
}

struct Tables {
    /// Class names from `classes.txt`, then the exec, gadget and
    /// class-loader names that start a chain judgement; ASCII
    /// case-insensitive. Patterns past `tiers.len()` are trigger words.
    classes: Keywords,
    tiers: Vec<Tier>,
    /// Base64 cores of [`B64_KEYWORDS`], case-sensitive.
    b64: Keywords,
    /// Per core: the keyword and the bit offset of the keyword's
    /// start before the core's first character (`6 * c0 - 8 * align`).
    b64_meta: Vec<(&'static [u8], usize)>,
    /// The shortest base64 core: a value without a run of this many
    /// base64 (or base64url) characters holds no core.
    b64_min: usize,
    /// Raw Java serialization magic.
    magic: memchr::memmem::Finder<'static>,
    /// The hex magic's second half.
    hex_0005: memchr::memmem::Finder<'static>,
    /// The OGNL `%{` opener.
    pct_brace: memchr::memmem::Finder<'static>,
}

/// Builds this detector's tables now, so the first request does not pay.
pub(crate) fn warm() {
    tables();
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut names = Vec::new();
        let mut tiers = Vec::new();
        for line in CLASSES_TXT.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((tier, name)) = line.split_once(' ') else {
                continue;
            };
            tiers.push(if tier == "exec" {
                Tier::Exec
            } else {
                Tier::Type
            });
            names.push(name.trim().to_string());
        }
        let trigger_words = EXEC_NAMES
            .iter()
            .chain(&GADGET_NAMES)
            .chain(&COMPANION_NAMES)
            .chain(&["classloader"]);
        names.extend(trigger_words.map(|w| w.to_string()));
        let classes = Keywords::new(&names, true, MatchKind::LeftmostLongest);
        let mut cores = Vec::new();
        let mut b64_meta = Vec::new();
        for k in B64_KEYWORDS {
            for align in 0..3 {
                let core = base64_core(k.as_bytes(), align);
                let lead = (8 * align).div_ceil(6) * 6 - 8 * align;
                if core.len() >= 6 {
                    let url: Vec<u8> = core
                        .iter()
                        .map(|&c| match c {
                            b'+' => b'-',
                            b'/' => b'_',
                            c => c,
                        })
                        .collect();
                    if url != core {
                        cores.push(url);
                        b64_meta.push((k.as_bytes(), lead));
                    }
                    cores.push(core);
                    b64_meta.push((k.as_bytes(), lead));
                }
            }
        }
        let b64 = Keywords::new(&cores, false, MatchKind::LeftmostFirst);
        let b64_min = cores.iter().map(Vec::len).min().unwrap_or(0);
        Tables {
            classes,
            tiers,
            b64,
            b64_meta,
            b64_min,
            magic: memchr::memmem::Finder::new(&[0xAC, 0xED, 0x00, 0x05]).into_owned(),
            hex_0005: memchr::memmem::Finder::new(b"0005").into_owned(),
            pct_brace: memchr::memmem::Finder::new(b"%{").into_owned(),
        }
    })
}

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The base64 characters that depend only on `kw` when it starts `align`
/// bytes into a 3-byte group: the text every encoding of a blob holding
/// `kw` at that alignment contains.
fn base64_core(kw: &[u8], align: usize) -> Vec<u8> {
    let start_bit = align * 8;
    let end_bit = start_bit + kw.len() * 8;
    let mut bytes = vec![0u8; align];
    bytes.extend_from_slice(kw);
    bytes.extend_from_slice(&[0, 0, 0]);
    let bit = |i: usize| (bytes[i / 8] >> (7 - i % 8)) & 1;
    let mut out = Vec::new();
    let mut c = 0;
    while (c + 1) * 6 <= end_bit {
        let from = c * 6;
        if from >= start_bit {
            let mut v = 0u8;
            for i in from..from + 6 {
                v = (v << 1) | bit(i);
            }
            out.push(B64_ALPHABET[v as usize]);
        }
        c += 1;
    }
    out
}

pub(crate) fn detect(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let hit = detect_any(value, ctx)?;
    // At low sensitivity only unambiguous findings are reported.
    (ctx.sensitivity != Sensitivity::Low || hit.score >= 10).then_some(hit)
}

fn detect_any(value: &[u8], ctx: &Ctx) -> Option<Hit> {
    let mut best = Best::default();
    deserialization(value, &mut best);
    if best.done() {
        return best.0;
    }
    base64_keywords(value, &mut best);
    if best.done() {
        return best.0;
    }
    if matches!(ctx.part, Part::Header | Part::Multipart) {
        jsp_upload(value, &mut best);
    }
    // Everything below needs a dotted name, an OGNL `#`/`@` or a call.
    let has_dot = memchr::memchr2(b'.', b'[', value).is_some();
    let has_ognl = memchr::memchr2(b'#', b'@', value).is_some();
    let has_call = memchr::memchr(b'(', value).is_some();
    if !has_dot && !has_ognl && !has_call {
        return best.0;
    }
    let calls = exploit_calls(value, &mut best);
    if best.done() {
        return best.0;
    }
    if has_dot {
        classes(value, ctx, calls, &mut best);
        if best.done() {
            return best.0;
        }
    }
    if has_ognl {
        ognl(value, &mut best);
    }
    if has_call && has_dot {
        spel(value, &mut best);
    }
    best.0
}

/// Base64 (standard and URL-safe) value of each byte, or 255.
const B64_TABLE: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    t
};

fn is_b64(b: u8) -> bool {
    B64_TABLE[b as usize] != 255
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn b64_value(b: u8) -> Option<u64> {
    match B64_TABLE[b as usize] {
        255 => None,
        v => Some(u64::from(v)),
    }
}

/// Java serialization magic at the start of a token.
fn deserialization(value: &[u8], best: &mut Best) {
    // Raw stream bytes: `AC ED` is never UTF-8 text followed by `00 05`.
    let tb = tables();
    if let Some(p) = tb.magic.find(value) {
        best.offer("java.deserialization", 10, p..p + 4);
        return;
    }
    let token_start = |t: usize| t == 0 || !is_b64(value[t - 1]);
    // Hex: `aced0005` at the start of a token.
    let mut from = 0;
    while let Some(p) = tb.hex_0005.find(&value[from..]) {
        let at = from + p;
        from = at + 4;
        if at >= 4 && value[at - 4..at].eq_ignore_ascii_case(b"aced") && token_start(at - 4) {
            best.offer("java.deserialization", 10, at - 4..at + 4);
            return;
        }
    }
    // Base64: where the magic begins (bit 0, 2 or 4 of a character), the
    // next character is `O`, `z` or `s`; find those first, then decode the
    // token that starts at most three characters before.
    let mut checked = usize::MAX;
    let mut from = 0;
    while let Some(p) = memchr::memchr3(b'O', b'z', b's', &value[from..]) {
        let q = from + p;
        from = q + 1;
        for k in 1..=3 {
            let Some(t) = q.checked_sub(k) else { break };
            if !is_b64(value[t]) {
                break;
            }
            if token_start(t) && t != checked {
                checked = t;
                if let Some(end) = magic_at(value, t) {
                    best.offer("java.deserialization", 10, t..end);
                    return;
                }
            }
        }
    }
}

/// Whether the base64 token at `t` holds the serialization magic starting
/// in its first three characters; returns the end of the evidence.
fn magic_at(value: &[u8], t: usize) -> Option<usize> {
    const MAGIC: u64 = 0xACED_0005;
    let tok = &value[t..value.len().min(t + 10)];
    let n = tok.iter().take_while(|&&b| is_b64(b)).count();
    if n < 6 {
        return None;
    }
    let bits = tok[..n]
        .iter()
        .fold(0u64, |acc, &c| (acc << 6) | b64_value(c).unwrap_or(0));
    let total = n * 6;
    (0..18)
        .step_by(2)
        .take_while(|shift| shift + 32 <= total)
        .any(|shift| (bits >> (total - shift - 32)) & 0xFFFF_FFFF == MAGIC)
        .then_some(t + n)
}

fn base64_keywords(value: &[u8], best: &mut Best) {
    // A core is at least 6 base64 characters; shorter values cannot hold one.
    if value.len() < 6 {
        return;
    }
    let t = tables();
    // Every core is made of base64 or base64url characters: without a run
    // of them as long as the shortest core, nothing can match.
    if !has_b64_run(value, t.b64_min) {
        return;
    }
    for m in t.b64.find_iter(value).take(64) {
        let (kw, lead) = t.b64_meta[m.pattern().as_usize()];
        let run_start = value[..m.start()]
            .iter()
            .rposition(|&b| !is_b64(b))
            .map_or(0, |p| p + 1);
        let run_end = value[m.end()..]
            .iter()
            .position(|&b| !is_b64(b))
            .map_or(value.len(), |p| m.end() + p);
        let run = &value[run_start..run_end];
        // Bit offset of the keyword in the run's bit stream.
        let Some(k) = (6 * (m.start() - run_start)).checked_sub(lead) else {
            continue;
        };
        if keyword_in_context(run, k, kw) {
            best.offer("java.base64_keyword", 10, m.start()..m.end());
            return;
        }
    }
}

/// Whether `value` has `min` consecutive base64 or base64url characters.
fn has_b64_run(value: &[u8], min: usize) -> bool {
    let mut run = 0;
    for &b in value {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_') {
            run += 1;
            if run >= min {
                return true;
            }
        } else {
            run = 0;
        }
    }
    min == 0
}

/// The byte of the bit stream of base64 `run` starting at bit `bit`.
fn byte_at(run: &[u8], bit: usize) -> Option<u8> {
    let c = bit / 6;
    let off = bit % 6;
    let mut acc = 0u32;
    for i in 0..3 {
        acc = (acc << 6) | b64_value(*run.get(c + i).unwrap_or(&b'A'))? as u32;
    }
    if (bit + 8).div_ceil(6) > run.len() {
        return None;
    }
    Some(((acc >> (18 - off - 8)) & 0xFF) as u8)
}

/// Whether a keyword found at bit `k` of a base64 run is what the rule is
/// for: a name inside binary data (a serialized object), not inside a longer
/// word; or, when the run decodes to text, the keyword alone or as a
/// qualified Java name (`x.y.InvokerTransformer`, `java/lang/Runtime`).
fn keyword_in_context(run: &[u8], k: usize, kw: &[u8]) -> bool {
    let kw_len = kw.len();
    let align = k % 8;
    let mut total = 0usize;
    let mut printable = 0usize;
    let mut bit = align;
    while total < 4096 {
        let Some(b) = byte_at(run, bit) else { break };
        total += 1;
        printable += usize::from(b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        bit += 8;
    }
    let text = total > 0 && printable * 10 >= total * 9;
    let before = k.checked_sub(8).and_then(|b| byte_at(run, b));
    if text {
        // The keyword and at most a few bytes around it.
        if total <= kw_len + 4 {
            return true;
        }
        let java_name = kw[0].is_ascii_uppercase() || kw.contains(&b'.');
        return java_name && before.is_some_and(|b| matches!(b, b'.' | b'/' | b'$'));
    }
    !before.is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A file name with a JSP extension in an upload (a multipart file name or
/// an `X-Filename`-style header): a web shell the server would compile and
/// run. Trailing dots and spaces, which Windows strips, are the evasion of
/// extension filters and score higher.
fn jsp_upload(value: &[u8], best: &mut Best) {
    if value.len() > 255 || memchr::memchr3(b'/', b'?', b':', value).is_some() {
        return;
    }
    let trimmed = value.trim_ascii_start();
    let name = trimmed
        .iter()
        .rposition(|&b| b != b'.' && b != b' ')
        .map_or(&trimmed[..0], |p| &trimmed[..=p]);
    let padded = name.len() != trimmed.len();
    let Some(dot) = name.iter().rposition(|&b| b == b'.') else {
        return;
    };
    let raw_ext = &name[dot + 1..];
    let ext = raw_ext.trim_ascii_start();
    let base = name[..dot].trim_ascii_end();
    if base.is_empty()
        || !(ext.eq_ignore_ascii_case(b"jsp")
            || ext.eq_ignore_ascii_case(b"jspx")
            || ext.eq_ignore_ascii_case(b"jspf"))
    {
        return;
    }
    let spaced = base.len() != name[..dot].len() || ext.len() != raw_ext.len();
    let score = if padded || spaced { 10 } else { 6 };
    best.offer("java.jsp_upload", score, 0..value.len());
}

/// Reflective and exec calls: `name(` preceded by a non-identifier byte.
/// Returns the summed weight of the distinct calls found.
fn exploit_calls(value: &[u8], best: &mut Best) -> u8 {
    let mut seen = [false; CALLS.len()];
    let mut first: Option<Range<usize>> = None;
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'(', &value[from..]) {
        let paren = from + p;
        from = paren + 1;
        // The identifier before `(` (spaces allowed between).
        let mut end = paren;
        while end > 0 && value[end - 1] == b' ' {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && is_ident(value[start - 1]) && end - start < 32 {
            start -= 1;
        }
        if start == end || (start > 0 && is_ident(value[start - 1])) {
            continue;
        }
        let name = &value[start..end];
        if let Some(k) = CALLS
            .iter()
            .position(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            seen[k] = true;
            if first.is_none() {
                first = Some(start..paren + 1);
            }
        }
    }
    let weight: u8 = CALLS
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|((_, w), _)| *w)
        .sum();
    let getruntime = seen[0];
    let distinct = seen.iter().filter(|s| **s).count();
    if let Some(span) = first {
        let score = if distinct >= 2 && (getruntime || weight >= 3) {
            10
        } else if getruntime {
            4
        } else if weight >= 2 {
            3
        } else {
            0
        };
        if score > 0 {
            best.offer("java.exploit_call", score, span);
        }
    }
    weight
}

/// Bytes that delimit a whole value inside markup or a key=value list.
fn opens_value(b: u8) -> bool {
    matches!(
        b,
        b'=' | b'"' | b'\'' | b'>' | b':' | b'&' | b'?' | b'[' | b'{' | b','
    )
}

fn closes_value(b: u8) -> bool {
    matches!(
        b,
        b'=' | b'"' | b'\'' | b'<' | b'&' | b';' | b',' | b']' | b'}'
    )
}

fn classes(value: &[u8], ctx: &Ctx, calls: u8, best: &mut Best) {
    let t = tables();
    let mut chains_done = 0;
    for m in t.classes.find_iter(value).take(1024) {
        let (s, e) = (m.start(), m.end());
        let Some(&tier) = t.tiers.get(m.pattern().as_usize()) else {
            chain_around(value, s, e, &mut chains_done, ctx, best);
            if best.done() {
                return;
            }
            continue;
        };
        // Identifier boundaries: not inside a longer name.
        if s > 0 && (is_ident(value[s - 1]) || value[s - 1] == b'.') {
            continue;
        }
        if e < value.len() && is_ident(value[e]) {
            continue;
        }
        // A listed package or class followed by more of a qualified name
        // (`...functors.InvokerTransformer`): judge the whole name.
        let listed_end = e;
        let mut e = e;
        while value.get(e) == Some(&b'.') {
            let n = value[e + 1..].iter().take_while(|&&b| is_ident(b)).count();
            let next = value.get(e + 1 + n).copied();
            // Stop before a method call: `Runtime.getRuntime(`.
            if n == 0 || next == Some(b'(') || next.is_some_and(|b| b.is_ascii_whitespace()) {
                break;
            }
            e += 1 + n;
        }
        let before = value[..s].iter().rev().find(|b| !b.is_ascii_whitespace());
        let after_ws = value[e..].iter().position(|b| !b.is_ascii_whitespace());
        let after = after_ws.map(|p| value[e + p]);
        // A longer name under a listed ordinary package is just a class.
        let extended_type = tier == Tier::Type && e != listed_end;
        let isolated = !extended_type
            && (ctx.key
                || (before.is_none_or(|&b| opens_value(b)) && after.is_none_or(closes_value)));
        // Used: a call, OGNL static access, a constructor or a method chain.
        let used = match after {
            Some(b'(') | Some(b'@') => true,
            Some(b'.') => {
                let rest = &value[e + after_ws.unwrap_or(0) + 1..];
                let n = rest.iter().take_while(|&&b| is_ident(b)).count();
                n > 0 && rest[n..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'(')
            }
            _ => false,
        } || before == Some(&b'@')
            || (s >= 4 && value[..s].trim_ascii_end().ends_with(b"new"));
        let score = match tier {
            Tier::Exec if used || isolated || calls >= 2 => 10,
            Tier::Exec => 6,
            Tier::Type if calls >= 2 => 10,
            Tier::Type if isolated => 6,
            Tier::Type if used => 3,
            Tier::Type => 2,
        };
        best.offer("java.class", score, s..e);
        if best.done() {
            return;
        }
    }
}

fn one_of(seg: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| seg.eq_ignore_ascii_case(w.as_bytes()))
}

/// Dotted identifier chains (`a.b.c`, also `a[b][c]` for Spring4Shell).
/// Judges the dotted chains around a trigger word (an exec, gadget or
/// class-loader name) at `s..e`; every other chain cannot fire.
/// `done_to` is where earlier judgements ended.
fn chain_around(value: &[u8], s: usize, e: usize, done_to: &mut usize, ctx: &Ctx, best: &mut Best) {
    if s < *done_to || (s > 0 && is_ident(value[s - 1])) || (e < value.len() && is_ident(value[e]))
    {
        return;
    }
    // Back to where the chain may start (bounded).
    let floor = s.saturating_sub(256).max(*done_to);
    let mut p = s;
    while p > floor && (is_ident(value[p - 1]) || is_chain_sep(value[p - 1])) {
        p -= 1;
    }
    while p < e {
        if is_ident(value[p]) && (p == 0 || !is_ident(value[p - 1])) {
            let end = chain_at(value, p, ctx, best);
            if best.done() {
                return;
            }
            p = end.max(p + 1);
        } else {
            p += 1;
        }
    }
    *done_to = p;
}

fn is_chain_sep(b: u8) -> bool {
    matches!(b, b'.' | b'[' | b']' | b'\'' | b'"')
}

/// Judges the dotted chain (`a.b.c`, also `a[b][c]` for Spring4Shell) that
/// starts at identifier `i`; returns where it ends.
fn chain_at(value: &[u8], mut i: usize, ctx: &Ctx, best: &mut Best) -> usize {
    {
        let start = i;
        let mut root = false;
        let mut exec = 0u32;
        let mut gadget = 0u32;
        let mut companion = 0u32;
        let mut segs = 0u32;
        let mut prev_class = false;
        let mut prev_module = false;
        let mut loader = false;
        let mut last_gadget = false;
        // `java.runtime.version`: an exec name followed by a lower-case
        // property segment is a system property name, not a class.
        let mut property = false;
        let mut after_exec = false;
        loop {
            let s = i;
            while i < value.len() && is_ident(value[i]) {
                i += 1;
            }
            let seg = &value[s..i];
            if seg.is_empty() {
                break;
            }
            segs += 1;
            if segs == 1 && one_of(seg, &ROOTS) {
                root = true;
            }
            let is_exec = one_of(seg, &EXEC_NAMES);
            let is_gadget = one_of(seg, &GADGET_NAMES);
            if after_exec && !is_exec && !is_gadget && seg.iter().all(|b| b.is_ascii_lowercase()) {
                property = true;
            }
            after_exec = is_exec && seg.iter().all(|b| b.is_ascii_lowercase());
            exec += u32::from(is_exec);
            gadget += u32::from(is_gadget);
            companion += u32::from(one_of(seg, &COMPANION_NAMES));
            last_gadget = is_exec || is_gadget;
            if seg.eq_ignore_ascii_case(b"classloader") && (prev_class || prev_module) {
                loader = true;
            }
            prev_class = seg.eq_ignore_ascii_case(b"class");
            prev_module = seg.eq_ignore_ascii_case(b"module");
            // Separator: `.`, or `[`/`][`/`]` brackets (with quotes).
            let mut j = i;
            let mut sep = false;
            while j < value.len() && is_chain_sep(value[j]) {
                j += 1;
                sep = true;
            }
            if !sep || j >= value.len() || !is_ident(value[j]) || j - i > 4 {
                break;
            }
            i = j;
        }
        let end = i;
        let span = start..end;
        if loader {
            best.offer("java.spring4shell", 10, span.clone());
        }
        let call = value[end..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'(');
        let strong = (exec > 0 && !property && (root || gadget > 0 || companion > 0 || exec > 1))
            || (gadget > 0 && (root || exec > 0 || gadget > 1))
            || (gadget > 0 && last_gadget && (call || segs >= 3) && segs > 1);
        if strong {
            best.offer("java.gadget_chain", 10, span.clone());
        } else if gadget > 0 && segs == 1 && ctx.key {
            best.offer("java.gadget_chain", 6, span);
        }
        end
    }
}

fn ognl(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr2(b'#', b'@', &value[from..]) {
        let at = from + p;
        from = at + 1;
        let rest = &value[at + 1..];
        let n = rest.iter().take_while(|&&b| is_ident(b)).count();
        let name = &rest[..n];
        let next = rest.get(n).copied();
        if value[at] == b'#' {
            if n == 0 {
                continue;
            }
            if name.eq_ignore_ascii_case(b"_memberAccess")
                || (name.eq_ignore_ascii_case(b"context")
                    && matches!(next, Some(b'[') | Some(b'.')))
            {
                best.offer("java.ognl", 10, at..at + 1 + n);
                return;
            }
            // `(#name=` an OGNL assignment, or `#name.method(`.
            let opened = value[..at]
                .iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| matches!(b, b'(' | b',' | b'{'));
            let assign = next == Some(b'=') && rest.get(n + 1) != Some(&b'=');
            if opened && assign {
                best.offer("java.ognl", 6, at..at + 1 + n);
            }
        } else {
            // `@pkg.Class@member`: OGNL static access.
            let q = rest
                .iter()
                .take_while(|&&b| is_ident(b) || b == b'.')
                .count();
            let qual = &rest[..q];
            if q > 2
                && memchr::memchr(b'.', qual).is_some()
                && rest.get(q) == Some(&b'@')
                && rest.get(q + 1).is_some_and(|&b| is_ident(b))
            {
                best.offer("java.ognl", 8, at..at + 2 + q);
            }
        }
    }
    // `%{` followed by an OGNL expression.
    let mut from = 0;
    let tb = tables();
    while let Some(p) = tb.pct_brace.find(&value[from..]) {
        let at = from + p;
        from = at + 2;
        let next = value[at + 2..].iter().find(|b| !b.is_ascii_whitespace());
        if matches!(next, Some(b'(') | Some(b'#') | Some(b'@')) {
            best.offer("java.ognl", 8, at..at + 3);
        }
    }
}

/// SpEL type references: `T(pkg.Class)`.
fn spel(value: &[u8], best: &mut Best) {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'(', &value[from..]) {
        let paren = from + p;
        from = paren + 1;
        let mut t = paren;
        while t > 0 && value[t - 1].is_ascii_whitespace() {
            t -= 1;
        }
        if t == 0 || !matches!(value[t - 1], b'T' | b't') {
            continue;
        }
        if t >= 2 && is_ident(value[t - 2]) {
            continue;
        }
        let inner = &value[paren + 1..];
        let lead = inner.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let name_len = inner[lead..]
            .iter()
            .take_while(|&&b| is_ident(b) || b == b'.')
            .count();
        let name = &inner[lead..lead + name_len];
        let close = inner[lead + name_len..]
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        if close != Some(&b')') || memchr::memchr(b'.', name).is_none() {
            continue;
        }
        let dotted_ok = name.first().is_some_and(|b| b.is_ascii_alphabetic())
            && !name.ends_with(b".")
            && !name.windows(2).any(|w| w == b"..");
        if !dotted_ok {
            continue;
        }
        let root = name.split(|&b| b == b'.').next().unwrap_or_default();
        let score = if one_of(root, &ROOTS) || one_of(root, &["org", "com", "ognl"]) {
            10
        } else {
            6
        };
        best.offer("java.spel", score, t - 1..paren + 1 + lead + name_len + 1);
        if best.done() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sensitivity;
    use crate::verdict::Part;

    fn ctx(key: bool) -> Ctx {
        Ctx {
            part: Part::Query,
            key,
            sensitivity: Sensitivity::Default,
        }
    }

    fn score(v: &[u8]) -> u32 {
        detect(v, &ctx(false)).map_or(0, |h| h.score)
    }

    /// The highest score over the parts a value may arrive in.
    fn score_any_part(v: &[u8]) -> u32 {
        [Part::Query, Part::Header, Part::Multipart, Part::Json]
            .into_iter()
            .map(|part| {
                let c = Ctx {
                    part,
                    key: false,
                    sensitivity: Sensitivity::Default,
                };
                detect(v, &c).map_or(0, |h| h.score)
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn attacks() {
        for line in include_str!("../../../testdata/java/attacks.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let s = score_any_part(line.as_bytes());
            assert!(s >= 5, "missed ({s}): {line}");
        }
    }

    #[test]
    fn benign() {
        for line in include_str!("../../../testdata/java/benign.txt").lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let s = score_any_part(line.as_bytes());
            assert!(s < 5, "false positive ({s}): {line}");
        }
    }

    #[test]
    fn names_are_judged_as_keys() {
        let h = detect(
            b"class.module.classLoader.resources.context.parent.pipeline.first.pattern",
            &ctx(true),
        )
        .unwrap();
        assert_eq!(h.rule, "java.spring4shell");
        assert!(detect(b"java.lang.Runtime", &ctx(true)).is_some_and(|h| h.score >= 5));
    }

    #[test]
    fn base64_cores() {
        assert_eq!(base64_core(b"runtime", 0), b"cnVudGltZ");
        // Every alignment of a keyword inside a longer blob is found.
        for pad in 0..3 {
            let mut raw = b"\x01\x02".to_vec();
            raw.truncate(pad);
            raw.extend_from_slice(
                b"\x00\x7forg.apache.commons.collections.functors.InvokerTransformer\x00",
            );
            let enc = encode(&raw);
            assert!(
                score(&enc) >= 10,
                "{pad}: {}",
                String::from_utf8_lossy(&enc)
            );
        }
    }

    #[test]
    fn serialized_streams() {
        let mut raw = vec![0xAC, 0xED, 0x00, 0x05, 0x73, 0x72];
        raw.extend_from_slice(b"\x00\x11java.util.HashMap");
        assert_eq!(score(&raw), 10);
        assert_eq!(score(&encode(&raw)), 10);
        let mut cookie = b"session=".to_vec();
        cookie.extend_from_slice(&encode(&raw));
        assert_eq!(score(&cookie), 10);
        assert_eq!(score(b"ACED00057372"), 10);
    }

    #[test]
    fn random_base64_is_benign() {
        // A deterministic pseudo-random stream, base64-encoded.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut raw = Vec::new();
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            raw.push((x >> 24) as u8);
        }
        let enc = encode(&raw);
        for chunk in enc.chunks(400) {
            assert!(score(chunk) < 5, "{}", String::from_utf8_lossy(chunk));
        }
    }

    #[test]
    fn large_values_are_fast_enough() {
        let v = "a.b(c) #x @y.z ".repeat(70_000);
        let _ = score(v.as_bytes());
        let v = vec![b'A'; 1 << 20];
        assert_eq!(score(&v), 0);
    }

    fn encode(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for c in raw.chunks(3) {
            let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for k in 0..=c.len() {
                out.push(B64_ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]);
            }
        }
        out
    }
}
