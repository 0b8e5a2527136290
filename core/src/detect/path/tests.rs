use super::testcases;
use super::*;

const ATTACKS: &str = include_str!("../../../testdata/path/attacks.txt");
const BENIGN: &str = include_str!("../../../testdata/path/benign.txt");

#[test]
fn tables() {
    testcases::check(ATTACKS, BENIGN, "path.", detect);
}

#[test]
fn enough_cases() {
    assert!(testcases::cases(ATTACKS).len() >= 30);
    assert!(testcases::cases(BENIGN).len() >= 30);
}

fn ctx(part: Part) -> Ctx {
    Ctx {
        part,
        key: false,
        sensitivity: crate::config::Sensitivity::Default,
    }
}

#[test]
fn rules_and_scores() {
    let q = ctx(Part::Query);
    let hit = |v: &str| detect(v.as_bytes(), &q).map(|h| (h.rule, h.score));
    assert_eq!(hit("../../etc/passwd"), Some(("path.traversal", 10)));
    assert_eq!(hit("../x.png"), Some(("path.traversal", 4)));
    assert_eq!(hit("/etc/passwd"), Some(("path.sensitive_file", 10)));
    assert_eq!(hit("php://filter/resource=x"), Some(("path.wrapper", 10)));
    assert_eq!(hit("a/../b"), None);
    assert_eq!(hit("hello world"), None);
}

#[test]
fn span_points_at_token() {
    let q = ctx(Part::Header);
    let v = b"cat /etc/passwd";
    let h = detect(v, &q).unwrap();
    assert_eq!(&v[h.span], b"/etc/passwd");
}

#[test]
fn tokens_are_found_after_skipped_text() {
    let q = ctx(Part::Body);
    let log = "2024-05-01 12:00:00 INFO request served in 12 ms, status 200\n".repeat(50);
    // Each kind of byte that makes a token worth judging, glued to words
    // before it, so that the token's start is found by looking back.
    for (tail, rule) in [
        ("see x/../../../etc/passwd", "path.traversal"),
        ("see x\\..\\..\\..\\windows\\win.ini", "path.traversal"),
        ("see x%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "path.traversal"),
        (
            "see x0x2f0x2e0x2e0x2f0x2e0x2e0x2fetc/passwd",
            "path.traversal",
        ),
        (
            "see x/\u{ff0e}\u{ff0e}/\u{ff0e}\u{ff0e}/etc/passwd",
            "path.traversal",
        ),
        ("see php://filter/resource=x", "path.wrapper"),
    ] {
        let v = format!("{log}{tail}");
        let h = detect(v.as_bytes(), &q).unwrap_or_else(|| panic!("{tail}"));
        assert_eq!(h.rule, rule, "{tail}");
        assert_eq!(h.span.start, log.len() + 4, "{tail}");
    }
    assert_eq!(
        next_path_byte(b"INFO request served in 12 ms, status 200", 0),
        None
    );
    assert_eq!(next_path_byte(b"a 0x1", 0), Some(2));
    assert_eq!(next_path_byte(b"a 01 b\\", 0), Some(6));
}

#[test]
fn large_values_are_linear_and_safe() {
    let q = ctx(Part::Body);
    let mut v = Vec::new();
    for _ in 0..(1 << 20) / 8 {
        v.extend_from_slice(b"a/b/c/./");
    }
    assert!(detect(&v, &q).is_none());
    let deep = b"../".repeat(350_000);
    assert!(detect(&deep, &q).is_some());
    let junk: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(7919) % 251) as u8)
        .collect();
    let _ = detect(&junk, &q);
    let dots = vec![b'.'; 1 << 20];
    let _ = detect(&dots, &q);
}

#[test]
fn sensitive_list_parses() {
    let ix = index();
    assert!(ix.entries.len() > 100);
    assert!(ix.entries.iter().all(|e| !e.segs.is_empty()));
}
