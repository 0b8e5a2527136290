use super::*;
use crate::detect::path::testcases;
use crate::detect::Ctx;
use crate::verdict::Part;

const RFI_ATTACKS: &str = include_str!("../../../testdata/url/rfi_attacks.txt");
const SSRF_ATTACKS: &str = include_str!("../../../testdata/url/ssrf_attacks.txt");
const BENIGN: &str = include_str!("../../../testdata/url/benign.txt");

fn both(value: &[u8], ctx: &Ctx) -> Option<crate::detect::Hit> {
    match (rfi(value, ctx), ssrf(value, ctx)) {
        (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[test]
fn rfi_table() {
    testcases::check(RFI_ATTACKS, BENIGN, "rfi.", rfi);
}

#[test]
fn ssrf_table() {
    testcases::check(SSRF_ATTACKS, BENIGN, "ssrf.", ssrf);
}

#[test]
fn benign_pass_both() {
    testcases::check("", BENIGN, "", both);
}

#[test]
fn enough_cases() {
    assert!(testcases::cases(RFI_ATTACKS).len() >= 30);
    assert!(testcases::cases(SSRF_ATTACKS).len() >= 30);
    assert!(testcases::cases(BENIGN).len() >= 30);
}

#[test]
fn parser_reads_lenient_urls() {
    let p = |s: &'static str| {
        let u = urls(s.as_bytes()).next().unwrap();
        (
            String::from_utf8_lossy(u.scheme).into_owned(),
            String::from_utf8_lossy(u.host).into_owned(),
            u.port.map(|p| String::from_utf8_lossy(p).into_owned()),
            String::from_utf8_lossy(u.path()).into_owned(),
        )
    };
    assert_eq!(
        p("HTTP://user:pw@Example.com:8080/a/b?x=1#f"),
        (
            "HTTP".into(),
            "Example.com".into(),
            Some("8080".into()),
            "/a/b".into()
        )
    );
    assert_eq!(p("http:\\\\evil.com\\x").1, "evil.com");
    assert_eq!(p("http:/evil.com/x").1, "evil.com");
    assert_eq!(p("http:127.0.0.1").1, "127.0.0.1");
    assert_eq!(p("//cdn.site.com/a.js").1, "cdn.site.com");
    assert_eq!(p("see https://[::1]:80/x").1, "[::1]");
    assert_eq!(p("https://2001:db8::1/x").1, "2001:db8::1");
    assert!(urls(b"10:30 am, ratio 3:4, C:/x").next().is_none());
}

#[test]
fn scores_and_rules() {
    let q = Ctx {
        part: Part::Query,
        key: false,
        sensitivity: crate::config::Sensitivity::Default,
    };
    let h = Ctx {
        part: Part::Header,
        ..q
    };
    let s = |v: &str, c: &Ctx| ssrf(v.as_bytes(), c).map(|h| (h.rule, h.score));
    assert_eq!(
        s("http://169.254.169.254/latest/", &q),
        Some(("ssrf.metadata", 10))
    );
    assert_eq!(
        s("http://127.0.0.1:6379/", &q),
        Some(("ssrf.internal_host", 10))
    );
    assert_eq!(
        s("http://localhost:3000/", &h),
        Some(("ssrf.internal_host", 4))
    );
    assert_eq!(
        s("http://localhost:3000", &q),
        Some(("ssrf.internal_host", 4))
    );
    assert_eq!(s("gopher://example.com/_x", &q), Some(("ssrf.scheme", 10)));
    assert_eq!(
        s("http://2130706433/", &q),
        Some(("ssrf.obfuscated_host", 10))
    );
    assert_eq!(s("http://192.168.0.1/", &q), Some(("ssrf.private_ip", 4)));
    assert_eq!(s("https://example.com/", &q), None);
    let r = |v: &str| rfi(v.as_bytes(), &q).map(|h| (h.rule, h.score));
    assert_eq!(
        r("http://evil.com/shell.txt?"),
        Some(("rfi.truncation", 10))
    );
    assert_eq!(r("http://203.0.113.9/x.php"), Some(("rfi.ip_host", 10)));
    assert_eq!(r("https://example.com/page"), None);
    assert_eq!(rfi(b"http://evil.com/x.txt", &h), None);
    // JSON's escaped slashes are no backslash trick; letter case is none.
    assert_eq!(r("https:\\/\\/example.com\\/a"), None);
    assert_eq!(r("hTtP://evil.example/"), None);
    assert_eq!(r("http:\\\\evil.example\\"), Some(("rfi.scheme_trick", 6)));
    assert_eq!(r("\\\\evil.example\\s\\x.php"), Some(("rfi.unc", 10)));
}

#[test]
fn large_values_are_linear_and_safe() {
    let q = Ctx {
        part: Part::Body,
        key: false,
        sensitivity: crate::config::Sensitivity::Default,
    };
    let colons = b"a:".repeat(1 << 19);
    assert!(both(&colons, &q).is_none());
    let urls_v = b"http://x.io/ ".repeat(80_000);
    assert!(both(&urls_v, &q).is_none());
    let mut long_host = b"http://".to_vec();
    long_host.extend(std::iter::repeat_n(b'a', 1 << 20));
    assert!(both(&long_host, &q).is_none());
    let ats = b"http://a@".repeat(100_000);
    let _ = both(&ats, &q);
    let junk: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(7919) % 251) as u8)
        .collect();
    let _ = both(&junk, &q);
}
