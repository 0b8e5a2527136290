//! What a host names, in any spelling: IPv4 as `inet_aton` reads it, IPv6
//! with embedded IPv4, IDNA-folded names, internal and rebinding names.

/// What a host resolves to, syntactically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing to say (empty, unparsable).
    None,
    /// A public DNS name.
    Name,
    /// A public IP literal.
    PublicIp,
    /// 127/8, ::1, `localhost` and its aliases, names that always resolve
    /// to loopback (`localtest.me`, `*.localhost`).
    Loopback,
    /// 0.0.0.0 and `::`, which reach the local host.
    Unspecified,
    /// RFC 1918, CGNAT, IPv6 unique-local.
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// Cloud instance metadata services.
    Metadata,
    /// Reserved, multicast or unallocated addresses.
    Reserved,
    /// Names of container and cluster internals (`*.internal`,
    /// `*.svc.cluster.local`).
    Internal,
    /// Wildcard DNS services that answer with the address written in the
    /// name (`*.nip.io`), pointing outside.
    Rebinding,
}

impl Kind {
    /// The host is on the server's side of the network.
    pub(crate) fn internal(self) -> bool {
        matches!(
            self,
            Kind::Loopback | Kind::Unspecified | Kind::LinkLocal | Kind::Metadata | Kind::Internal
        )
    }
}

/// A classified host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Host {
    pub kind: Kind,
    /// Written so that it hides what it is: a numeric form other than
    /// dotted decimal, folded Unicode, backslashes inside.
    pub obfuscated: bool,
    /// An IP literal.
    pub ip: bool,
}

const NONE: Host = Host {
    kind: Kind::None,
    obfuscated: false,
    ip: false,
};

/// Longest host considered.
const MAX_HOST: usize = 255;

/// Folds a host into `buf`: lower case, IDNA-style mappings of full-width,
/// circled and ideographic characters, backslashes dropped, a trailing dot
/// dropped. Returns the length and whether anything other than case changed.
fn fold(host: &[u8], buf: &mut [u8; MAX_HOST + 8]) -> Option<(usize, bool)> {
    let mut n = 0;
    let mut odd = false;
    let mut push = |buf: &mut [u8; MAX_HOST + 8], b: &[u8]| -> Option<()> {
        let out = buf.get_mut(n..n + b.len())?;
        out.copy_from_slice(b);
        n += b.len();
        (n <= MAX_HOST).then_some(())
    };
    let mut i = 0;
    while i < host.len() {
        let b = host[i];
        if b < 0x80 {
            if b == b'\\' {
                odd = true;
            } else {
                push(buf, &[b.to_ascii_lowercase()])?;
            }
            i += 1;
            continue;
        }
        let (cp, len) = utf8_char(&host[i..])?;
        i += len;
        let digits = b"01234567891011121314151617181920";
        let num = |k: u32| -> &'static [u8] {
            // 0..=20 as text.
            let k = k as usize;
            if k < 10 {
                &digits[k..=k]
            } else {
                let at = 10 + (k - 10) * 2;
                &digits[at..at + 2]
            }
        };
        let mapped: Option<&[u8]> = match cp {
            0x3002 | 0xff0e | 0xff61 | 0xfe52 | 0x2024 => Some(b"."),
            0xff10..=0xff19 => Some(num(cp - 0xff10)),
            0x2460..=0x2473 => Some(num(cp - 0x2460 + 1)),
            0x24ea | 0x24ff | 0x1f10b | 0x1f10c => Some(b"0"),
            0x24f5..=0x24fe => Some(num(cp - 0x24f5 + 1)),
            0x2776..=0x277f => Some(num(cp - 0x2776 + 1)),
            0x2780..=0x2789 => Some(num(cp - 0x2780 + 1)),
            0x278a..=0x2793 => Some(num(cp - 0x278a + 1)),
            0x2488..=0x249b => {
                // DIGIT FULL STOP: "1." .. "20."
                push(buf, num(cp - 0x2488 + 1))?;
                Some(b".")
            }
            _ => None,
        };
        let letter = match cp {
            0xff21..=0xff3a => Some(cp - 0xff21),
            0xff41..=0xff5a => Some(cp - 0xff41),
            0x24b6..=0x24cf => Some(cp - 0x24b6),
            0x24d0..=0x24e9 => Some(cp - 0x24d0),
            0x1f130..=0x1f149 => Some(cp - 0x1f130),
            0x1f150..=0x1f169 => Some(cp - 0x1f150),
            0x1f170..=0x1f189 => Some(cp - 0x1f170),
            _ => None,
        };
        if let Some(m) = mapped {
            odd = true;
            push(buf, m)?;
        } else if let Some(l) = letter {
            odd = true;
            push(buf, &[b'a' + l as u8])?;
        } else {
            // Another character: keep its bytes; the name is foreign.
            push(buf, &host[i - len..i])?;
        }
    }
    while n > 0 && buf[n - 1] == b'.' {
        n -= 1;
    }
    Some((n, odd))
}

fn utf8_char(s: &[u8]) -> Option<(u32, usize)> {
    let b0 = *s.first()?;
    let (len, init) = match b0 {
        0xc2..=0xdf => (2, u32::from(b0 & 0x1f)),
        0xe0..=0xef => (3, u32::from(b0 & 0x0f)),
        0xf0..=0xf4 => (4, u32::from(b0 & 0x07)),
        _ => return None,
    };
    let tail = s.get(1..len)?;
    let mut cp = init;
    for &t in tail {
        if t & 0xc0 != 0x80 {
            return None;
        }
        cp = (cp << 6) | u32::from(t & 0x3f);
    }
    Some((cp, len))
}

/// Classifies a host as written in a URL (brackets allowed).
pub(crate) fn classify(host: &[u8]) -> Host {
    if host.is_empty() || host.len() > MAX_HOST {
        return NONE;
    }
    let mut buf = [0u8; MAX_HOST + 8];
    let Some((n, odd)) = fold(host, &mut buf) else {
        return NONE;
    };
    let h = &buf[..n];
    if h.is_empty() {
        return NONE;
    }
    let mut out = if h[0] == b'[' || h.iter().filter(|&&b| b == b':').count() >= 2 {
        match ipv6(h) {
            Some(a) => classify_v6(a),
            None => NONE,
        }
    } else if let Some(v4) = ipv4(h) {
        Host {
            kind: classify_v4(v4.addr),
            obfuscated: !v4.canonical,
            ip: true,
        }
    } else {
        Host {
            kind: name(h),
            obfuscated: false,
            ip: false,
        }
    };
    out.obfuscated |= odd;
    out
}

/// An IPv4 address as `inet_aton` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct V4 {
    pub addr: u32,
    /// Four dotted decimal parts without leading zeros.
    pub canonical: bool,
}

/// Reads `h` as an IPv4 address: one to four parts, each decimal, octal
/// (leading `0`) or hex (`0x`); the last part fills the remaining bytes.
/// Parts too large are cut to their low bits, as some parsers do. A single
/// decimal part below 2^24 is not taken as an address (it reads as a
/// number, not a host), except `0`.
pub(crate) fn ipv4(h: &[u8]) -> Option<V4> {
    let mut parts = [0u64; 4];
    let mut count = 0;
    let mut canonical = true;
    let mut single_decimal = false;
    for (i, p) in h.split(|&b| b == b'.').enumerate() {
        if i >= 4 {
            return None;
        }
        let (digits, radix) = if p.len() >= 2 && (p[..2] == *b"0x" || p[..2] == *b"0X") {
            (&p[2..], 16)
        } else if p.len() > 1 && p[0] == b'0' {
            (&p[1..], 8)
        } else {
            (p, 10)
        };
        if digits.is_empty() && radix != 16 {
            return None;
        }
        if radix != 10 {
            canonical = false;
        }
        single_decimal = i == 0 && radix == 10;
        let mut v: u64 = 0;
        for &d in digits {
            let x = (d as char).to_digit(radix)?;
            v = v.wrapping_mul(u64::from(radix)).wrapping_add(u64::from(x));
        }
        parts[i] = v;
        count = i + 1;
    }
    if count == 0 {
        return None;
    }
    if count != 4 {
        canonical = false;
    }
    if count == 1 && single_decimal && parts[0] != 0 && parts[0] < 1 << 24 {
        return None;
    }
    let mut addr: u32 = 0;
    for (i, &p) in parts[..count - 1].iter().enumerate() {
        if p > 255 {
            canonical = false;
        }
        addr |= ((p & 0xff) as u32) << (24 - 8 * i);
    }
    let last = parts[count - 1];
    let bits = 32 - 8 * (count - 1) as u32;
    let mask: u64 = if bits == 32 {
        0xffff_ffff
    } else {
        (1u64 << bits) - 1
    };
    if last > mask {
        canonical = false;
    }
    addr |= (last & mask) as u32;
    Some(V4 { addr, canonical })
}

pub(crate) fn classify_v4(a: u32) -> Kind {
    let o = a.to_be_bytes();
    match o {
        [169, 254, 169, 254] | [169, 254, 170, 2] | [100, 100, 100, 200] | [192, 0, 0, 192] => {
            Kind::Metadata
        }
        [127, ..] => Kind::Loopback,
        [0, 0, 0, 0] => Kind::Unspecified,
        [0, ..] => Kind::Reserved,
        [10, ..] | [192, 168, ..] => Kind::Private,
        [172, b, ..] if (16..32).contains(&b) => Kind::Private,
        [100, b, ..] if (64..128).contains(&b) => Kind::Private,
        [198, 18 | 19, ..] => Kind::Private,
        [169, 254, ..] => Kind::LinkLocal,
        [a, ..] if a >= 224 => Kind::Reserved,
        _ => Kind::PublicIp,
    }
}

/// Reads an IPv6 address, brackets and zone id allowed, with an embedded
/// dotted IPv4 at the end.
pub(crate) fn ipv6(h: &[u8]) -> Option<[u16; 8]> {
    let mut h = h;
    if let [b'[', inner @ ..] = h {
        h = inner;
        h = h.strip_suffix(b"]").unwrap_or(h);
    }
    if let Some(z) = h.iter().position(|&b| b == b'%') {
        h = &h[..z];
    }
    let (left, right, gap) = match h.windows(2).position(|w| w == b"::") {
        Some(g) => (&h[..g], &h[g + 2..], true),
        None => (h, &h[..0], false),
    };
    let mut head = [0u16; 8];
    let mut tail = [0u16; 8];
    let nh = groups(left, &mut head, !gap)?;
    let nt = groups(right, &mut tail, true)?;
    if nh + nt > 8 || (gap && nh + nt == 8) || (!gap && nh != 8) {
        return None;
    }
    let mut out = [0u16; 8];
    out[..nh].copy_from_slice(&head[..nh]);
    out[8 - nt..].copy_from_slice(&tail[..nt]);
    Some(out)
}

/// Reads `a:b:c` (the last group may be a dotted IPv4 when `last`) into
/// `dst`; returns the number of 16-bit groups.
fn groups(s: &[u8], dst: &mut [u16; 8], last: bool) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    let count = s.split(|&b| b == b':').count();
    for (i, p) in s.split(|&b| b == b':').enumerate() {
        if p.is_empty() {
            return None;
        }
        if last && i + 1 == count && p.contains(&b'.') {
            let v4 = ipv4(p)?;
            if n + 2 > 8 {
                return None;
            }
            dst[n] = (v4.addr >> 16) as u16;
            dst[n + 1] = v4.addr as u16;
            n += 2;
            continue;
        }
        if p.len() > 4 || n >= 8 {
            return None;
        }
        let mut v: u16 = 0;
        for &d in p {
            v = v << 4 | (d as char).to_digit(16)? as u16;
        }
        dst[n] = v;
        n += 1;
    }
    Some(n)
}

fn classify_v6(a: [u16; 8]) -> Host {
    let v4 = |hi: u16, lo: u16| (u32::from(hi) << 16) | u32::from(lo);
    let host = |kind| Host {
        kind,
        obfuscated: false,
        ip: true,
    };
    match a {
        [0, 0, 0, 0, 0, 0, 0, 0] => host(Kind::Unspecified),
        [0, 0, 0, 0, 0, 0, 0, 1] => host(Kind::Loopback),
        // IPv4-mapped, -compatible, -translated and NAT64: the IPv4 inside.
        [0, 0, 0, 0, 0, 0xffff | 0, hi, lo]
        | [0, 0, 0, 0, 0xffff, 0, hi, lo]
        | [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Host {
            kind: classify_v4(v4(hi, lo)),
            obfuscated: true,
            ip: true,
        },
        [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254] => host(Kind::Metadata),
        [w, ..] if w & 0xffc0 == 0xfe80 => host(Kind::LinkLocal),
        [w, ..] if w & 0xfe00 == 0xfc00 => host(Kind::Private),
        [w, ..] if w & 0xe000 == 0x2000 => host(Kind::PublicIp),
        _ => host(Kind::Reserved),
    }
}

fn ends_with_label(h: &[u8], suffix: &[u8]) -> bool {
    h == suffix
        || (h.len() > suffix.len() && h.ends_with(suffix) && h[h.len() - suffix.len() - 1] == b'.')
}

/// Classifies a (folded, lower-case) DNS name.
fn name(h: &[u8]) -> Kind {
    const LOOPBACK: &[&[u8]] = &[
        b"localhost",
        b"localhost.localdomain",
        b"localhost4",
        b"localhost4.localdomain4",
        b"localhost6",
        b"localhost6.localdomain6",
        b"ip6-localhost",
        b"ip6-loopback",
        b"ipv6-localhost",
        b"ipv6-loopback",
        b"loopback",
    ];
    // Public names that always answer 127.0.0.1.
    const LOOPBACK_DOMAINS: &[&[u8]] = &[
        b"localhost",
        b"localtest.me",
        b"lvh.me",
        b"vcap.me",
        b"lacolhost.com",
        b"127-0-0-1.org.uk",
        b"fuf.me",
        b"readme.localtest.me",
    ];
    const METADATA: &[&[u8]] = &[
        b"metadata",
        b"metadata.google.internal",
        b"metadata.goog",
        b"metadata.packet.net",
        b"metadata.platformequinix.com",
        b"metadata.tencentyun.com",
        b"instance-data",
        b"instance-data.ec2.internal",
        b"metadata.azure.internal",
    ];
    const INTERNAL: &[&[u8]] = &[
        b"internal",
        b"cluster.local",
        b"svc",
        b"localdomain",
        b"home.arpa",
    ];
    const INTERNAL_NAMES: &[&[u8]] = &[b"kubernetes", b"kubernetes.default"];
    const REBINDING: &[&[u8]] = &[
        b"nip.io",
        b"xip.io",
        b"sslip.io",
        b"nip.direct",
        b"traefik.me",
        b"rbndr.us",
        b"1u.ms",
        b"localh.st",
    ];
    if LOOPBACK.contains(&h) || LOOPBACK_DOMAINS.iter().any(|d| ends_with_label(h, d)) {
        return Kind::Loopback;
    }
    if METADATA.contains(&h) {
        return Kind::Metadata;
    }
    if INTERNAL_NAMES.contains(&h) || INTERNAL.iter().any(|d| ends_with_label(h, d)) {
        return Kind::Internal;
    }
    if let Some(d) = REBINDING.iter().find(|d| ends_with_label(h, d)) {
        let inner = &h[..h.len().saturating_sub(d.len() + 1)];
        return match embedded_ip(inner) {
            Some(k) if k != Kind::PublicIp && k != Kind::Private => Kind::Loopback,
            _ => Kind::Rebinding,
        };
    }
    Kind::Name
}

/// The address written inside a wildcard-DNS name: `a.127.0.0.1`,
/// `app-127.0.0.1`, `127-0-0-1`, `7f000001`.
fn embedded_ip(inner: &[u8]) -> Option<Kind> {
    let mut found: Option<Kind> = None;
    let mut note = |k: Kind| {
        if found.is_none_or(|f| f == Kind::PublicIp) {
            found = Some(k);
        }
    };
    let join = |parts: &[&[u8]]| -> Vec<u8> {
        let mut buf = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                buf.push(b'.');
            }
            buf.extend_from_slice(p);
        }
        buf
    };
    let labels: Vec<&[u8]> = inner.split(|&b| b == b'.').collect();
    if labels.len() >= 4 {
        let mut tail: Vec<&[u8]> = labels[labels.len() - 4..].to_vec();
        if let Some(d) = tail[0].iter().rposition(|&b| b == b'-') {
            tail[0] = &tail[0][d + 1..];
        }
        if let Some(v) = ipv4(&join(&tail)) {
            note(classify_v4(v.addr));
        }
    }
    for l in &labels {
        if l.len() == 8 && l.iter().all(u8::is_ascii_hexdigit) {
            let v = l
                .iter()
                .fold(0u32, |a, &d| a << 4 | (d as char).to_digit(16).unwrap_or(0));
            note(classify_v4(v));
        }
        let parts: Vec<&[u8]> = l.split(|&b| b == b'-').collect();
        if parts.len() >= 4 {
            if let Some(v) = ipv4(&join(&parts[parts.len() - 4..])) {
                note(classify_v4(v.addr));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(h: &str) -> (Kind, bool) {
        let c = classify(h.as_bytes());
        (c.kind, c.obfuscated)
    }

    #[test]
    fn ipv4_spellings() {
        for h in [
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f000001",
            "0x7f.1",
            "0177.0.0.1",
            "017700000001",
            "127.0.0.1.",
            "①②⑦.⓪.⓪.①",
        ] {
            assert_eq!(k(h).0, Kind::Loopback, "{h}");
        }
        assert_eq!(k("0").0, Kind::Unspecified);
        assert_eq!(k("0.0.0.0").0, Kind::Unspecified);
        assert_eq!(k("169.254.169.254"), (Kind::Metadata, false));
        assert_eq!(k("2852039166"), (Kind::Metadata, true));
        assert_eq!(k("7147006462").0, Kind::Metadata);
        assert_eq!(k("0x41414141A9FEA9FE").0, Kind::Metadata);
        assert_eq!(k("169.254.43518").0, Kind::Metadata);
        assert_eq!(k("169.16689662").0, Kind::Metadata);
        assert_eq!(k("0251.00376.000251.0000376").0, Kind::Metadata);
        assert_eq!(k("169。254。169。254").0, Kind::Metadata);
        assert_eq!(k("192.168.1.1"), (Kind::Private, false));
        assert_eq!(k("172.16.0.1").0, Kind::Private);
        assert_eq!(k("172.32.0.1").0, Kind::PublicIp);
        assert_eq!(k("8.8.8.8"), (Kind::PublicIp, false));
        assert_eq!(k("100004").0, Kind::Name);
        assert_eq!(k("1.2.3.4.5").0, Kind::Name);
    }

    #[test]
    fn ipv6_spellings() {
        assert_eq!(k("[::1]").0, Kind::Loopback);
        assert_eq!(k("[::]").0, Kind::Unspecified);
        assert_eq!(k("[::ffff:127.0.0.1]").0, Kind::Loopback);
        assert_eq!(k("[0:0:0:0:0:ffff:7f00:1]").0, Kind::Loopback);
        assert_eq!(k("[::ffff:a9fe:a9fe]").0, Kind::Metadata);
        assert_eq!(k("[0:0:0:0:0:0:169.254.169.254]").0, Kind::Metadata);
        assert_eq!(k("[fe80::%zone1]").0, Kind::LinkLocal);
        assert_eq!(k("[fd00::1]").0, Kind::Private);
        assert_eq!(k("[fd00:ec2::254]").0, Kind::Metadata);
        assert_eq!(k("[2001:db8::1]").0, Kind::PublicIp);
        assert_eq!(k("2001:41d0:701:1100::29c8").0, Kind::PublicIp);
        assert_eq!(k("[a::]").0, Kind::Reserved);
        assert_eq!(k("[dead:beef:dead::beef:dead:beef:dead]").0, Kind::Reserved);
        assert_eq!(k("[1:2:3]").0, Kind::None);
    }

    #[test]
    fn names() {
        assert_eq!(k("localhost").0, Kind::Loopback);
        assert_eq!(k("LOCALHOST").0, Kind::Loopback);
        assert_eq!(k("ⓛⓞⓒⓐⓛⓗⓞⓢⓣ"), (Kind::Loopback, true));
        assert_eq!(k("app.localhost").0, Kind::Loopback);
        assert_eq!(k("localtest.me").0, Kind::Loopback);
        assert_eq!(k("127.0.0.1.nip.io").0, Kind::Loopback);
        assert_eq!(k("app.10.0.0.1.nip.io").0, Kind::Rebinding);
        assert_eq!(k("127-0-0-1.sslip.io").0, Kind::Loopback);
        assert_eq!(k("7f000001.nip.io").0, Kind::Loopback);
        assert_eq!(k("8.8.8.8.nip.io").0, Kind::Rebinding);
        assert_eq!(k("metadata.google.internal").0, Kind::Metadata);
        assert_eq!(k("host.docker.internal").0, Kind::Internal);
        assert_eq!(k("kubernetes.default.svc.cluster.local").0, Kind::Internal);
        assert_eq!(k("example.com").0, Kind::Name);
        assert_eq!(k("notlocalhost.com").0, Kind::Name);
        assert_eq!(k("l\\o\\c\\a\\l\\h\\o\\s\\t"), (Kind::Loopback, true));
    }
}
