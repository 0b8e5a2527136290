//! The receiver on its own, over real sockets: inline answers, trusted
//! sources, body cap, config checking, SIGHUP, keep-alive.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::*;

const SQLI: &str = "/products?id=1%27%20OR%201%3D1--";

#[test]
fn inline_mode_answers_403_on_attack_and_200_otherwise() {
    let r = Receiver::start(&["--mode", "inline"]);
    let ok = request(r.port, "GET", "/search?q=shoes", &[], b"");
    assert_eq!(ok.status, 200);
    let blocked = request(r.port, "GET", SQLI, &[("X-Request-ID", "req-1")], b"");
    assert_eq!(blocked.status, 403);
    assert_eq!(blocked.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&blocked.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"blocked": true, "request_id": "req-1", "classes": ["sqli"]})
    );
    // auth_request style: the original request travels in headers.
    let original = request(
        r.port,
        "GET",
        "/check",
        &[("X-Original-URI", SQLI), ("X-Original-Method", "GET")],
        b"",
    );
    assert_eq!(original.status, 403);
    let body_attack = request(
        r.port,
        "POST",
        "/api",
        &[("Content-Type", "application/json")],
        br#"{"user":"admin' OR 1=1--"}"#,
    );
    assert_eq!(body_attack.status, 403);
    r.wait_all_handled(4);
    assert_eq!(r.metric("mirrorguard_blocked_total"), 3);
    assert_eq!(r.lines().len(), 3);
}

#[test]
fn client_address_is_believed_only_from_trusted_sources() {
    let dir = temp_dir("trust");
    let cfg = dir.join("r.toml");
    std::fs::write(&cfg, "trusted_sources = [\"10.0.0.0/8\"]\n").unwrap();
    let untrusting = Receiver::start(&["--config", cfg.to_str().unwrap()]);
    let trusting = Receiver::start(&[]);
    let headers = [
        ("X-Real-IP", "203.0.113.9"),
        ("X-Request-ID", "abc"),
        ("Host", "api.example.com-shadow"),
    ];
    for r in [&untrusting, &trusting] {
        assert_eq!(request(r.port, "GET", SQLI, &headers, b"").status, 204);
        r.wait_all_handled(1);
    }
    let line = &untrusting.lines()[0];
    assert_eq!(line["client"], "127.0.0.1", "peer address, headers ignored");
    let line = &trusting.lines()[0];
    assert_eq!(line["client"], "203.0.113.9");
    assert_eq!(line["request_id"], "abc");
    // Our client sends its own Host first; the receiver reads the first.
    assert_eq!(line["host"], "shop.example");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn envoy_shadow_host_is_stripped() {
    let r = Receiver::start(&[]);
    let mut s = TcpStream::connect(("127.0.0.1", r.port)).unwrap();
    write!(
        s,
        "GET {SQLI} HTTP/1.1\r\nHost: api.example.com-shadow\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert!(out.starts_with(b"HTTP/1.1 204"));
    r.wait_all_handled(1);
    assert_eq!(r.lines()[0]["host"], "api.example.com");
}

#[test]
fn long_bodies_are_capped_and_counted() {
    let r = Receiver::start(&["--body-cap", "64"]);
    let mut body = b"q=".to_vec();
    body.extend(std::iter::repeat_n(b'a', 2000));
    body.extend_from_slice(b"&x=1%27%20OR%201%3D1--");
    let first = format!("q=1%27%20OR%201%3D1--&pad={}", "b".repeat(100));
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    assert_eq!(
        request(r.port, "POST", "/a", &form, first.as_bytes()).status,
        204
    );
    assert_eq!(request(r.port, "POST", "/b", &form, &body).status, 204);
    r.wait_all_handled(2);
    assert_eq!(r.metric("mirrorguard_body_truncated_total"), 2);
    let lines = r.lines();
    assert_eq!(
        lines.len(),
        1,
        "the attack past the cap is not seen: {lines:?}"
    );
    assert_eq!(lines[0]["uri"], "/a");
    assert_eq!(lines[0]["body_truncated"], true);
    assert_eq!(lines[0]["body_bytes"], first.len());
}

#[test]
fn keep_alive_and_unencoded_request_targets() {
    let r = Receiver::start(&[]);
    let mut s = TcpStream::connect(("127.0.0.1", r.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let wire = "POST /form HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 25\r\n\r\nq=%3Cscript%3Ex%3C/script\
                GET /?q=<svg/onload=alert(1)> HTTP/1.1\r\nHost: h\r\n\r\n\
                GET /?q=\"><img%20src=x%20onerror=alert(1)> HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    s.write_all(wire.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert_eq!(out.matches("HTTP/1.1 204").count(), 3, "{out}");
    r.wait_all_handled(3);
    let lines = r.lines();
    let uris: Vec<&str> = lines.iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert!(uris.contains(&"/?q=%3Csvg/onload=alert(1)%3E"), "{uris:?}");
    assert!(
        uris.contains(&"/?q=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"),
        "{uris:?}"
    );
    assert_eq!(lines.len(), 3, "three attacks: {lines:?}");
}

#[test]
fn sighup_reopens_the_output_and_benign_requests_can_be_sampled() {
    let dir = temp_dir("hup");
    let cfg = dir.join("r.toml");
    std::fs::write(&cfg, "benign_sample_every = 2\n").unwrap();
    let r = Receiver::start(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(request(r.port, "GET", SQLI, &[], b"").status, 204);
    r.wait_all_handled(1);
    let rotated = r.dir.join("attacks.jsonl.1");
    std::fs::rename(&r.output, &rotated).unwrap();
    signal(r.child.id(), "HUP");
    std::thread::sleep(Duration::from_millis(300));
    for uri in ["/a", "/b", "/c", "/d"] {
        assert_eq!(request(r.port, "GET", uri, &[], b"").status, 204);
    }
    r.wait_all_handled(5);
    assert_eq!(read_lines(&rotated).len(), 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "one benign request in two: {lines:?}");
    assert!(lines.iter().all(|l| l["verdict"]["attack"] == false));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn health_metrics_and_config_checking() {
    let r = Receiver::start(&[]);
    let h = request(r.metrics_port, "GET", "/healthz", &[], b"");
    assert_eq!((h.status, h.body.as_slice()), (200, &b"ok\n"[..]));
    assert_eq!(
        request(r.metrics_port, "GET", "/nope", &[], b"").status,
        404
    );
    let m = r.metrics();
    for name in [
        "mirrorguard_requests_received_total",
        "mirrorguard_requests_analyzed_total",
        "mirrorguard_requests_dropped_total",
        "mirrorguard_body_truncated_total",
        "mirrorguard_queue_depth",
        "mirrorguard_attacks_total{class=\"sqli\"}",
        "mirrorguard_analysis_seconds_bucket{le=\"+Inf\"}",
    ] {
        assert!(m.contains(&format!("{name} ")), "{name} missing:\n{m}");
    }

    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/mirror-receiver.toml");
    let ok = Command::new(BIN)
        .args(["--check-config", shipped])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains(": ok"));

    let bad_dir = temp_dir("badcfg");
    let bad = bad_dir.join("bad.toml");
    std::fs::write(&bad, "queue = 0\n").unwrap();
    let out = Command::new(BIN)
        .arg("--check-config")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("queue"));
    std::fs::write(&bad, "[engine]\nsensitivty = \"high\"\n").unwrap();
    let out = Command::new(BIN)
        .arg("--check-config")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sensitivty"));
    std::fs::remove_dir_all(bad_dir).unwrap();

    let busy = Command::new(BIN)
        .args([
            "--listen",
            &format!("127.0.0.1:{}", r.port),
            "--metrics",
            "",
        ])
        .output()
        .unwrap();
    assert_eq!(
        busy.status.code(),
        Some(1),
        "address in use is an error, not a panic"
    );
    assert!(String::from_utf8_lossy(&busy.stderr).contains("listen"));
}
