//! End to end with a real nginx (Debian's package): clients -> nginx ->
//! origin, with nginx mirroring every request to the receiver, using the
//! config shipped in deploy/nginx/. Skipped with a message when nginx is
//! not installed, unless MIRRORGUARD_REQUIRE_NGINX=1.

mod common;

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use common::*;

const CLIENT: &str = "127.0.0.2";

fn client() -> IpAddr {
    CLIENT.parse().unwrap()
}

/// One request sent through nginx, and what the receiver must report.
struct Case {
    method: &'static str,
    uri: String,
    content_type: Option<String>,
    body: Vec<u8>,
    /// (class, location part, location name) of the first finding; None
    /// for benign requests.
    attack: Option<(&'static str, &'static str, &'static str)>,
}

fn get(uri: &str, attack: Option<(&'static str, &'static str, &'static str)>) -> Case {
    Case {
        method: "GET",
        uri: uri.into(),
        content_type: None,
        body: Vec::new(),
        attack,
    }
}

fn post(
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
    attack: Option<(&'static str, &'static str, &'static str)>,
) -> Case {
    Case {
        method: "POST",
        uri: uri.into(),
        content_type: Some(content_type.into()),
        body,
        attack,
    }
}

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> (String, Vec<u8>) {
    let boundary = "----mirrorguard7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for (name, filename, value) in fields {
        body.push_str(&format!("--{boundary}\r\n"));
        match filename {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/plain\r\n\r\n"
            )),
            None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

fn cases() -> Vec<Case> {
    // A large JSON document whose attack sits at the very end: the body
    // must arrive whole, and be parsed as JSON, for the location to match.
    let items: Vec<String> = (0..400)
        .map(|i| {
            format!(
                "{{\"sku\":\"SKU-{i:05}\",\"name\":\"Trail running shoe, size {}\",\"qty\":{}}}",
                36 + i % 12,
                i % 5 + 1
            )
        })
        .collect();
    let big_benign = format!(
        "{{\"items\":[{}],\"note\":\"leave at the door\"}}",
        items.join(",")
    );
    let big_attack = format!(
        "{{\"items\":[{}],\"coupon\":\"x' UNION SELECT password FROM users--\"}}",
        items.join(",")
    );
    let (mp_benign_type, mp_benign) = multipart(&[
        ("title", None, "Holiday photos"),
        (
            "file",
            Some("notes.txt"),
            "Day 1: beach. Day 2: mountains, 1200 m.",
        ),
    ]);
    let (mp_attack_type, mp_attack) = multipart(&[
        ("title", None, "Holiday photos"),
        ("comment", None, "<script>alert(document.cookie)</script>"),
    ]);
    vec![
        get("/", None),
        get("/search?q=running+shoes&page=2&sort=price_asc", None),
        get("/static/app.3f9a1c.js", None),
        post(
            "/api/cart",
            "application/json",
            big_benign.into_bytes(),
            None,
        ),
        post(
            "/login",
            "application/x-www-form-urlencoded",
            b"user=alice&password=correct+horse+battery&remember=on".to_vec(),
            None,
        ),
        post("/upload", &mp_benign_type, mp_benign, None),
        get(
            "/products?id=1%27%20OR%201%3D1--",
            Some(("sqli", "query", "id")),
        ),
        get(
            "/download?file=../../../../etc/passwd",
            Some(("path-traversal", "query", "file")),
        ),
        // Unencoded, as attack tools send it: nginx takes it, and so must we.
        get(
            "/search?q=<script>alert(\"x\")</script>",
            Some(("xss", "query", "q")),
        ),
        post(
            "/api/cart",
            "application/json",
            big_attack.into_bytes(),
            Some(("sqli", "json", "/coupon")),
        ),
        post(
            "/login",
            "application/x-www-form-urlencoded",
            b"user=admin%27--&password=x".to_vec(),
            Some(("sqli", "form", "user")),
        ),
        post(
            "/upload",
            &mp_attack_type,
            mp_attack,
            Some(("xss", "multipart", "comment")),
        ),
    ]
}

#[test]
fn mirror_reports_exactly_the_attacks() {
    let Some(bin) = nginx() else { return };
    let origin = origin();
    let receiver = Receiver::start(&[]);
    let port = free_port();
    let site = deploy_config(
        "mirror.conf",
        &[
            ("127.0.0.1:8081", format!("127.0.0.1:{}", receiver.port)),
            ("127.0.0.1:8080", format!("127.0.0.1:{origin}")),
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
        ],
    );
    let nginx = Nginx::start(&bin, port, &site);

    let cases = cases();
    let mut ids: HashMap<String, &Case> = HashMap::new();
    for case in &cases {
        let mut headers = vec![(
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        )];
        if let Some(t) = &case.content_type {
            headers.push(("Content-Type", t));
        }
        let r = send(
            connect_from(client(), port),
            case.method,
            &case.uri,
            &headers,
            &case.body,
        );
        assert_eq!(
            r.status,
            200,
            "{} {}: {}",
            case.method,
            case.uri,
            nginx.error_log()
        );
        assert_eq!(
            String::from_utf8_lossy(&r.body),
            format!("origin {} {}", case.method, case.body.len()),
            "the origin answered the client"
        );
        let id = r
            .header("x-request-id")
            .expect("nginx returns the request id")
            .to_string();
        ids.insert(id, case);
    }
    receiver.wait_all_handled(cases.len() as u64);

    let lines = receiver.lines();
    let attacks = cases.iter().filter(|c| c.attack.is_some()).count();
    assert_eq!(
        lines.len(),
        attacks,
        "one line per attack, none for benign requests: {lines:#?}"
    );
    for line in &lines {
        let id = line["request_id"].as_str().expect("request id");
        let case = ids
            .get(id)
            .unwrap_or_else(|| panic!("line for an unknown request id: {line}"));
        let (class, part, name) = case.attack.unwrap_or_else(|| {
            panic!(
                "benign request {} {} reported: {line}",
                case.method, case.uri
            )
        });
        assert_eq!(line["client"], CLIENT, "client from X-Real-IP: {line}");
        assert_eq!(line["method"], case.method);
        // Byte for byte, except the bytes hyper refuses in a request line.
        let uri = case
            .uri
            .replace('<', "%3C")
            .replace('>', "%3E")
            .replace('"', "%22");
        assert_eq!(line["uri"], uri.as_str(), "URI as sent");
        assert_eq!(line["host"], "shop.example");
        assert_eq!(
            line["body_bytes"],
            case.body.len(),
            "body arrived whole: {line}"
        );
        assert_eq!(line["body_truncated"], false);
        let v = &line["verdict"];
        assert_eq!(v["attack"], true);
        let f = &v["findings"][0];
        assert_eq!(
            (
                f["class"].as_str().unwrap(),
                f["location"]["part"].as_str().unwrap(),
                f["location"]["name"].as_str().unwrap()
            ),
            (class, part, name),
            "{line}"
        );
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
    }
    let m = receiver.metrics();
    assert_eq!(metric(&m, "mirrorguard_requests_dropped_total"), 0);
    assert_eq!(
        metric(&m, "mirrorguard_attack_requests_total"),
        attacks as u64
    );
    assert_eq!(metric(&m, "mirrorguard_attacks_total{class=\"sqli\"}"), 3);
    assert_eq!(metric(&m, "mirrorguard_attacks_total{class=\"xss\"}"), 2);
    drop(nginx);
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Sends `n` requests through nginx one after another, each on a new
/// connection; all must be answered by the origin. Returns latencies.
fn timed(port: u16, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let start = Instant::now();
            let uri = format!("/products?id={i}&q=1%27%20OR%201%3D1--");
            let r = send(connect_from(client(), port), "GET", &uri, &[], b"");
            assert_eq!(r.status, 200);
            assert_eq!(r.body, b"origin GET 0");
            start.elapsed()
        })
        .collect()
}

#[test]
fn clients_never_wait_for_the_receiver() {
    let Some(bin) = nginx() else { return };
    let origin = origin();
    let receiver_port = free_port();
    let port = free_port();
    let site = deploy_config(
        "mirror.conf",
        &[
            ("127.0.0.1:8081", format!("127.0.0.1:{receiver_port}")),
            ("127.0.0.1:8080", format!("127.0.0.1:{origin}")),
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
        ],
    );
    let baseline_port = free_port();
    let baseline_site = deploy_config(
        "mirror.conf",
        &[
            ("mirror /_mirrorguard;", String::new()),
            ("mirror_request_body on;", String::new()),
            ("127.0.0.1:8081", format!("127.0.0.1:{receiver_port}")),
            ("127.0.0.1:8080", format!("127.0.0.1:{origin}")),
            ("listen 80;", format!("listen 127.0.0.1:{baseline_port};")),
        ],
    );
    let nginx = Nginx::start(&bin, port, &site);
    let baseline = Nginx::start(&bin, baseline_port, &baseline_site);
    let no_mirror = median(timed(baseline.port, 40));

    // The receiver was never started: connection refused on every mirror.
    let down = median(timed(nginx.port, 40));

    // The receiver up, then stopped with SIGTERM: it finishes its queue,
    // flushes its output and exits 0; clients go on being served.
    let receiver = Receiver::start_on(receiver_port, &[]);
    let up = median(timed(nginx.port, 40));
    receiver.wait_all_handled(40);
    let (status, lines) = receiver.terminate();
    assert!(status.success(), "clean exit on SIGTERM: {status}");
    assert_eq!(lines.len(), 40, "every attack line flushed at shutdown");
    let stopped = median(timed(nginx.port, 40));

    // Deliberately slow: one worker, a queue of one, a burst of large
    // bodies from 8 clients at once. Copies are dropped, clients served.
    let receiver = Receiver::start_on(receiver_port, &["--workers", "1", "--queue", "1"]);
    let body: Vec<u8> = format!(
        "{{\"rows\":[{}]}}",
        (0..6000)
            .map(|i| format!("{{\"id\":{i},\"v\":\"value {i} a b c\"}}"))
            .collect::<Vec<_>>()
            .join(",")
    )
    .into_bytes();
    let baseline_burst = median(burst(baseline.port, &body));
    let burst_start = Instant::now();
    let latencies = burst(nginx.port, &body);
    let burst_time = burst_start.elapsed();
    receiver.wait_all_handled(96);
    let dropped = receiver.metric("mirrorguard_requests_dropped_total");
    let analyzed = receiver.metric("mirrorguard_requests_analyzed_total");
    let overloaded = median(latencies);
    eprintln!(
        "client latency through nginx (median of 40, new connection each): \
         no mirror {no_mirror:?}, receiver up {up:?}, receiver down {down:?}, \
         receiver stopped {stopped:?}; burst of 96 requests of {} KB from 8 clients: \
         median {baseline_burst:?} with no mirror, {overloaded:?} mirrored to a receiver \
         with 1 worker and a queue of 1 ({burst_time:?} in all, {analyzed} analyzed, \
         {dropped} dropped)",
        body.len() / 1024
    );
    assert!(
        dropped > 0,
        "a queue of one under a burst drops copies ({analyzed} analyzed)"
    );
    // Generous bounds: loopback medians are around a millisecond; these
    // only catch a client waiting for a mirror timeout or the analysis.
    for (what, d) in [("down", down), ("up", up), ("stopped", stopped)] {
        assert!(
            d < no_mirror + Duration::from_millis(150),
            "receiver {what}: {d:?} vs {no_mirror:?}"
        );
    }
    assert!(
        overloaded < baseline_burst * 2 + Duration::from_millis(500),
        "overloaded receiver: {overloaded:?} vs {baseline_burst:?}"
    );
    drop((nginx, baseline));
}

/// 8 clients at once, 12 POSTs each of `body`, through nginx on `port`.
fn burst(port: u16, body: &[u8]) -> Vec<Duration> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    (0..12)
                        .map(|_| {
                            let start = Instant::now();
                            let r = send(
                                connect_from(client(), port),
                                "POST",
                                "/api/import",
                                &[("Content-Type", "application/json")],
                                body,
                            );
                            assert_eq!(r.status, 200);
                            assert_eq!(
                                String::from_utf8_lossy(&r.body),
                                format!("origin POST {}", body.len())
                            );
                            start.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn inline_mode_behind_auth_request_blocks_attacks() {
    let Some(bin) = nginx() else { return };
    let origin = origin();
    let receiver = Receiver::start(&["--mode", "inline"]);
    let port = free_port();
    let site = deploy_config(
        "inline.conf",
        &[
            ("127.0.0.1:8082", format!("127.0.0.1:{}", receiver.port)),
            ("127.0.0.1:8080", format!("127.0.0.1:{origin}")),
            ("listen 80;", format!("listen 127.0.0.1:{port};")),
        ],
    );
    let nginx = Nginx::start(&bin, port, &site);
    let ok = send(
        connect_from(client(), port),
        "GET",
        "/search?q=running+shoes",
        &[],
        b"",
    );
    assert_eq!(ok.status, 200, "{}", nginx.error_log());
    assert_eq!(ok.body, b"origin GET 0");
    let blocked = send(
        connect_from(client(), port),
        "GET",
        "/products?id=1%27%20OR%201%3D1--",
        &[],
        b"",
    );
    assert_eq!(blocked.status, 403);
    receiver.wait_all_handled(2);
    let lines = receiver.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0]["uri"], "/products?id=1%27%20OR%201%3D1--",
        "from X-Original-URI"
    );
    assert_eq!(lines[0]["client"], CLIENT);
    assert_eq!(receiver.metric("mirrorguard_blocked_total"), 1);
}
