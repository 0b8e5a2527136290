//! Detectors, one module per attack class. Each is a lexer or parser for the
//! language the attacker must speak, separate from the decision on its
//! tokens, and sees one decoded value at a time.

use std::ops::Range;

use crate::config::Sensitivity;
use crate::parse::params::Param;
use crate::request::Request;
use crate::verdict::{AttackClass, Part};

pub(crate) mod crlf;
pub(crate) mod generic;
pub(crate) mod java;
pub(crate) mod jndi;
pub(crate) mod ldapi;
pub(crate) mod nosqli;
pub(crate) mod path;
pub(crate) mod php;
pub(crate) mod protocol;
pub(crate) mod rce;
pub(crate) mod scanner;
pub(crate) mod sqli;
pub(crate) mod ssti;
pub(crate) mod url;
pub(crate) mod xss;
pub(crate) mod xxe;

/// A small, fast, non-keyed hasher for the compiled lookup tables (keys are
/// short words from files shipped with the engine, never attacker-chosen
/// table contents, so SipHash's flooding resistance buys nothing here).
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const FAST_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FAST_SEED);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FAST_SEED);
        }
        self.0 = h;
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(FAST_SEED);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Mix the high bits down: hashbrown takes its control bits from the top.
        self.0 ^ (self.0 >> 29)
    }
}

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// What a detector knows about the value it judges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx {
    pub part: Part,
    /// The value is a name (argument name, JSON key), not a value.
    pub key: bool,
    pub sensitivity: Sensitivity,
}

/// A detector's positive answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Stable rule id, `<class>.<rule>`.
    pub rule: &'static str,
    /// 10 for an unambiguous attack; lower for weaker signals that must add
    /// up with others to reach the default threshold of 5.
    pub score: u32,
    /// Where in the value the evidence lies.
    pub span: Range<usize>,
}

/// The strongest hit so far, for detectors that try several rules.
#[derive(Default)]
pub(crate) struct Best(pub Option<Hit>);

impl Best {
    /// Keeps `rule` if it scores higher than what is held.
    pub fn offer(&mut self, rule: &'static str, score: u32, span: Range<usize>) {
        if self.0.as_ref().is_none_or(|h| h.score < score) {
            self.0 = Some(Hit { rule, score, span });
        }
    }

    /// An unambiguous hit is held: nothing can beat it.
    pub fn done(&self) -> bool {
        self.0.as_ref().is_some_and(|h| h.score >= 10)
    }
}

/// Byte classes of the engine-level prefilter: bit `k` of a value's mask is
/// set when the value holds a byte of class `k`. One pass per value; each
/// detector's own fast reject needs at least one of some of these bytes, so
/// a class whose needs are absent is not run at all.
pub(crate) mod bytes {
    pub const RPAREN: u32 = 1 << 0;
    pub const COLON: u32 = 1 << 1;
    pub const LBRACE: u32 = 1 << 2;
    pub const LT: u32 = 1 << 3;
    pub const HASH: u32 = 1 << 4;
    pub const AT: u32 = 1 << 5;
    pub const LBRACKET: u32 = 1 << 6;
    pub const DOLLAR: u32 = 1 << 7;
    pub const DOT: u32 = 1 << 8;
    pub const SEMI: u32 = 1 << 9;
    pub const PIPE: u32 = 1 << 10;
    pub const DQUOTE: u32 = 1 << 11;
    pub const SQUOTE: u32 = 1 << 12;
    pub const BACKTICK: u32 = 1 << 13;
    pub const LPAREN: u32 = 1 << 14;
    pub const EQ: u32 = 1 << 15;
    pub const GT: u32 = 1 << 16;
    pub const BANG: u32 = 1 << 17;
    pub const SLASH: u32 = 1 << 18;
    pub const BACKSLASH: u32 = 1 << 19;
    pub const PERCENT: u32 = 1 << 20;
    /// A byte >= 0x80.
    pub const HIGH: u32 = 1 << 21;
    /// `0x` or `0X` (not a byte class: a pair, tracked by the scan).
    pub const ZERO_X: u32 = 1 << 22;
    /// `x` or `X`: the second byte of [`ZERO_X`].
    pub(super) const X: u32 = 1 << 23;
    /// Any other byte that is not a letter, a digit or `_`: space, `-`,
    /// `,`, `&`, `+`, `*`, control bytes... A value without it nor any of
    /// the classes above is a single word (`shop.example.com`, `price_asc`,
    /// `42`), which most languages cannot inject anything with.
    pub const OTHER: u32 = 1 << 24;

    /// Every class but the letters that only matter as part of a pair.
    pub const PUNCT: u32 = !(X | DOT) & ((1 << 25) - 1);

    pub(super) static TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            t[i] = if b >= 0x80 {
                HIGH
            } else if b.is_ascii_alphanumeric() || b == b'_' {
                0
            } else {
                OTHER
            };
            i += 1;
        }
        t[b')' as usize] = RPAREN;
        t[b':' as usize] = COLON;
        t[b'{' as usize] = LBRACE;
        t[b'<' as usize] = LT;
        t[b'#' as usize] = HASH;
        t[b'@' as usize] = AT;
        t[b'[' as usize] = LBRACKET;
        t[b'$' as usize] = DOLLAR;
        t[b'.' as usize] = DOT;
        t[b';' as usize] = SEMI;
        t[b'|' as usize] = PIPE;
        t[b'"' as usize] = DQUOTE;
        t[b'\'' as usize] = SQUOTE;
        t[b'`' as usize] = BACKTICK;
        t[b'(' as usize] = LPAREN;
        t[b'=' as usize] = EQ;
        t[b'>' as usize] = GT;
        t[b'!' as usize] = BANG;
        t[b'/' as usize] = SLASH;
        t[b'\\' as usize] = BACKSLASH;
        t[b'%' as usize] = PERCENT;
        t[b'x' as usize] = X;
        t[b'X' as usize] = X;
        t
    };
}

/// The byte classes present in `value` ([`bytes`]), in one pass.
pub(crate) fn byte_mask(value: &[u8]) -> u32 {
    if value.len() >= PRESENCE_FROM {
        presence_mask(value)
    } else {
        scan_mask(value)
    }
}

/// Value length from which [`presence_mask`] is cheaper than [`scan_mask`]:
/// it costs a pass over its 256 flags besides the value.
const PRESENCE_FROM: usize = 512;

/// [`byte_mask`] for large values: one store per byte marks which bytes
/// occur, and only those are classified.
fn presence_mask(value: &[u8]) -> u32 {
    let mut seen = [false; 256];
    for &b in value {
        seen[b as usize] = true;
    }
    let mut mask = 0u32;
    for (b, &s) in seen.iter().enumerate() {
        if s {
            mask |= bytes::TABLE[b];
        }
    }
    // The `0x` pair, looked for only when both its bytes occur.
    if seen[b'0' as usize]
        && (seen[b'x' as usize] || seen[b'X' as usize])
        && memchr::memchr2_iter(b'x', b'X', value).any(|i| i > 0 && value[i - 1] == b'0')
    {
        mask |= bytes::ZERO_X;
    }
    mask
}

/// [`byte_mask`] for short values, byte by byte.
fn scan_mask(value: &[u8]) -> u32 {
    let mut mask = 0u32;
    let mut prev_zero = false;
    for &b in value {
        let c = bytes::TABLE[b as usize];
        if prev_zero && c == bytes::X {
            mask |= bytes::ZERO_X;
        }
        mask |= c;
        prev_zero = b == b'0';
    }
    mask
}

/// Whether the detector for `class` can fire on a value with byte classes
/// `mask`: false only when the detector's own fast reject would return
/// nothing (a conservative restatement of it; `true` when in doubt).
pub(crate) fn may_fire(class: AttackClass, mask: u32, ctx: &Ctx) -> bool {
    use bytes::*;
    // A method is a token: anything else in it is the protocol check's.
    if ctx.part == Part::Method {
        return class == AttackClass::Protocol;
    }
    let needs = match class {
        // A filter break needs `)`; an extensible match, `:=`.
        AttackClass::Ldapi => RPAREN | COLON,
        // A lookup or a bare `jndi:` URL: no colon, no finding.
        AttackClass::Jndi => COLON,
        AttackClass::Ssti => LBRACE | LT | HASH | AT | LBRACKET,
        // An operator needs `$`; the JS arm needs one of `.;|`.
        AttackClass::Nosqli => DOLLAR | DOT | SEMI | PIPE,
        // Markup, quotes, a colon, a call, an assignment; a DOM access
        // needs `.`; a comment breakout `-->` needs `>`; JSFuck, `[`.
        AttackClass::Xss => {
            LT | DQUOTE | SQUOTE | BACKTICK | COLON | LPAREN | EQ | DOT | GT | LBRACKET
        }
        // XInclude needs its namespace (`.`) or prefix (`:`); entities
        // need `!` outside XML.
        AttackClass::Xxe if ctx.part != Part::Xml => DOT | COLON | BANG,
        AttackClass::PathTraversal => SLASH | BACKSLASH | DOT | COLON | PERCENT | HIGH | ZERO_X,
        // A line break, its encodings, or markup (`<meta http-equiv>`).
        AttackClass::Crlf => OTHER | PERCENT | BACKSLASH | HIGH | LT,
        // Out-of-band domains need a dot, introspection a selection `{`,
        // exploit paths a slash; User-Agent tools are judged whole.
        AttackClass::Scanner if ctx.part == Part::Path => DOT | LBRACE | SLASH,
        AttackClass::Scanner if ctx.part != Part::Header || ctx.key => DOT | LBRACE,
        // Control bytes, `unix:` proxy targets, multipart names that break
        // their quoting; methods and headers have checks on plain words.
        AttackClass::Protocol if !matches!(ctx.part, Part::Method | Part::Header) => PUNCT,
        _ => return true,
    };
    mask & needs != 0
}

/// Builds every detector's lookup tables (keyword automata, dictionaries)
/// at once: [`crate::Engine::new`] calls it, so that no request pays for
/// them, in a debug build up to seconds.
pub(crate) fn warm() {
    generic::warm();
    java::warm();
    path::warm();
    php::warm();
    rce::warm();
    scanner::warm();
}

/// Runs the detector for `class` on `value`.
pub(crate) fn run(class: AttackClass, value: &[u8], ctx: &Ctx) -> Option<Hit> {
    match class {
        AttackClass::Sqli => sqli::detect(value, ctx),
        AttackClass::Xss => xss::detect(value, ctx),
        AttackClass::Rce => rce::detect(value, ctx),
        AttackClass::PhpInjection => php::detect(value, ctx),
        AttackClass::PathTraversal => path::detect(value, ctx),
        AttackClass::Rfi => url::rfi(value, ctx),
        AttackClass::Ssrf => url::ssrf(value, ctx),
        AttackClass::JavaInjection => java::detect(value, ctx),
        AttackClass::Jndi => jndi::detect(value, ctx),
        AttackClass::Ssti => ssti::detect(value, ctx),
        AttackClass::Nosqli => nosqli::detect(value, ctx),
        AttackClass::Ldapi => ldapi::detect(value, ctx),
        AttackClass::Xxe => xxe::detect(value, ctx),
        AttackClass::Crlf => crlf::detect(value, ctx),
        AttackClass::Scanner => scanner::detect(value, ctx),
        AttackClass::Protocol => protocol::detect(value, ctx),
        AttackClass::Generic => generic::detect(value, ctx),
    }
}

/// Whether `class` has whole-request checks that read the arguments by
/// name ([`params`](crate::parse::params)).
pub(crate) fn reads_params(class: AttackClass) -> bool {
    matches!(class, AttackClass::Generic | AttackClass::Rfi)
}

/// Runs the whole-request checks of `class`: what no single value shows
/// (framing, header counts, names that only mean something together).
/// `params` are the request's arguments when some enabled class
/// [`reads_params`], else empty.
pub(crate) fn run_request(
    class: AttackClass,
    req: &Request<'_>,
    params: &[Param<'_>],
) -> Option<Hit> {
    match class {
        AttackClass::Protocol => protocol::check_request(req),
        AttackClass::Generic => generic::check_request(req, params),
        AttackClass::Rfi => url::check_request(req, params),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_masks_agree() {
        let log = b"2024-05-01 12:00:00 INFO request served in 12 ms, status 200\n";
        let mut values: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"0x".to_vec(),
            b"x0".to_vec(),
            b"0 x".to_vec(),
            b"0X41".to_vec(),
            (0..=255u8).collect(),
            log.repeat(20),
        ];
        for tail in [&b"0x2e"[..], b"0 X", b"x0", b"\xff", b"'", b"<"] {
            let mut v = log.repeat(20);
            v.extend_from_slice(tail);
            values.push(v);
        }
        for v in &values {
            assert_eq!(
                presence_mask(v),
                scan_mask(v),
                "{:?}",
                String::from_utf8_lossy(v)
            );
        }
        assert_ne!(presence_mask(b"a0x") & bytes::ZERO_X, 0);
        assert_eq!(presence_mask(b"a0 x") & bytes::ZERO_X, 0);
    }
}
