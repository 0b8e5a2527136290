//! Does detection hold wherever the payload arrives? Every labelled request
//! whose query carries a value is rebuilt with that value moved into each
//! other place a server reads (a path segment, a form, JSON, a multipart
//! field, XML, a cookie, a header, a Referer's query, GraphQL variables, a
//! raw body) and under encodings the decoders claim to undo (double percent
//! encoding, JSON `\u` escapes, base64 in JSON). Prints the share flagged
//! per file, class and placement: attack rows should read the same across,
//! benign rows zero.
//!
//! ```text
//! cargo run --release -p mirrorguard-benches --bin placements -- [--misses] FILE.jsonl...
//! ```
//!
//! `--misses` also lists, per attack, each placement that misses a value
//! the query placement catches: the generalization gaps to look into.
//!
//! The value moved is the longest query value (libinjection's strings are
//! all `?q=`). Header placements replace CR and LF by spaces, since a
//! header cannot hold them, so CRLF attacks read low there by construction.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::ExitCode;

use mirrorguard::{Config, Engine, Request};
use mirrorguard_benches::Labelled;

/// A placement: its name and how it builds (uri, headers, body) around a
/// value (decoded, as the app reads it).
type Place = (&'static str, fn(&[u8]) -> Built);

/// The parts of a request a placement builds.
struct Built {
    uri: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn get(uri: String) -> Built {
    Built {
        uri,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn header(name: &'static str, value: String) -> Built {
    Built {
        uri: "/".into(),
        headers: vec![(name, value)],
        body: Vec::new(),
    }
}

fn post(uri: &str, content_type: &'static str, body: Vec<u8>) -> Built {
    Built {
        uri: uri.into(),
        headers: vec![("Content-Type", content_type.into())],
        body,
    }
}

const PLACES: &[Place] = &[
    ("query", |v| get(format!("/s?q={}", pct(v)))),
    ("query-2x", |v| {
        get(format!("/s?q={}", pct(pct(v).as_bytes())))
    }),
    ("path", |v| get(format!("/api/items/{}/view", pct(v)))),
    ("form", |v| {
        let body = format!("a=1&q={}", pct(v));
        post("/s", "application/x-www-form-urlencoded", body.into_bytes())
    }),
    ("json", |v| {
        let body = serde_json::json!({"user": {"comment": text(v)}});
        post("/api", "application/json", body.to_string().into_bytes())
    }),
    ("json-\\u", |v| {
        let mut body = String::from(r#"{"q":""#);
        for unit in text(v).encode_utf16() {
            body.push_str(&format!("\\u{unit:04x}"));
        }
        body.push_str(r#""}"#);
        post("/api", "application/json", body.into_bytes())
    }),
    ("json-b64", |v| {
        let body = format!(r#"{{"data":"{}"}}"#, base64(v));
        post("/api", "application/json", body.into_bytes())
    }),
    ("multipart", |v| {
        let mut body = b"--BB\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n".to_vec();
        body.extend_from_slice(v);
        body.extend_from_slice(b"\r\n--BB--\r\n");
        post("/upload", "multipart/form-data; boundary=BB", body)
    }),
    ("xml", |v| {
        let escaped = text(v)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let body = format!(r#"<?xml version="1.0"?><req><q>{escaped}</q></req>"#);
        post("/soap", "text/xml", body.into_bytes())
    }),
    ("graphql", |v| {
        let body = serde_json::json!({
            "query": "query($q: String) { search(q: $q) { id } }",
            "variables": {"q": text(v)},
        });
        post(
            "/graphql",
            "application/json",
            body.to_string().into_bytes(),
        )
    }),
    ("raw-body", |v| post("/t", "text/plain", v.to_vec())),
    ("cookie", |v| {
        header("Cookie", format!("sid=4f2a9c; pref={}", pct(v)))
    }),
    ("header", |v| header("X-Forwarded-Host", one_line(v))),
    ("user-agent", |v| header("User-Agent", one_line(v))),
    ("referer", |v| {
        header("Referer", format!("https://example.com/p?q={}", pct(v)))
    }),
];

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn one_line(v: &[u8]) -> String {
    text(v).replace(['\r', '\n'], " ")
}

/// Percent-encodes everything but unreserved characters.
fn pct(v: &[u8]) -> String {
    let mut out = String::with_capacity(v.len() * 3);
    for &b in v {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query string's decoding (`+` as space, `%XX`), as a server reads it.
fn form_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' if i + 2 < s.len() => {
                if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn base64(v: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(v.len().div_ceil(3) * 4);
    for chunk in v.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Flagged and total per placement.
type Row = BTreeMap<&'static str, (u32, u32)>;

fn main() -> ExitCode {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    let misses = files.first().is_some_and(|f| f == "--misses");
    if misses {
        files.remove(0);
    }
    if files.is_empty() || files.iter().any(|f| f.starts_with('-')) {
        eprintln!("usage: placements [--misses] FILE.jsonl...");
        return ExitCode::from(2);
    }
    let engine = Engine::new(Config::default()).expect("default config");
    for path in &files {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for line in std::io::BufReader::new(file).lines() {
            let Ok(line) = line else { break };
            let Ok(record) = Labelled::from_line(&line) else {
                continue;
            };
            let Some(value) = longest_query_value(&record.uri) else {
                continue;
            };
            let row = rows.entry(record.class.clone()).or_default();
            let mut caught_in_query = false;
            for (name, build) in PLACES {
                let built = build(&value);
                let method = if built.body.is_empty() { "GET" } else { "POST" };
                let mut b = Request::builder()
                    .method(method)
                    .uri(built.uri.as_str())
                    .header("Host", "example.com")
                    .body(&built.body);
                for (n, v) in &built.headers {
                    b = b.header(*n, v.as_str());
                }
                let cell = row.entry(name).or_default();
                cell.1 += 1;
                let flagged = engine.analyze(&b.build()).is_attack();
                if flagged {
                    cell.0 += 1;
                }
                // PLACES starts with the query: the reference for the others.
                if *name == PLACES[0].0 {
                    caught_in_query = flagged;
                } else if misses && caught_in_query && !flagged && record.label == "attack" {
                    println!(
                        "MISS {} [{}] {name}: {}",
                        record.id,
                        record.class,
                        String::from_utf8_lossy(&value)
                    );
                }
            }
        }
        print_table(path, &rows);
    }
    ExitCode::SUCCESS
}

fn longest_query_value(uri: &str) -> Option<Vec<u8>> {
    let (_, query) = uri.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(_, v)| form_decode(v.as_bytes()))
        .filter(|v| !v.is_empty())
        .max_by_key(Vec::len)
}

fn print_table(path: &str, rows: &BTreeMap<String, Row>) {
    println!("\n{path}: % flagged by placement (attack rows: detection; benign: false positives)");
    print!("{:<16} {:>6}", "class", "n");
    for (name, _) in PLACES {
        print!(" {name:>10}");
    }
    println!();
    for (class, row) in rows {
        let n = row.values().next().map_or(0, |c| c.1);
        print!("{class:<16} {n:>6}");
        for (name, _) in PLACES {
            let (k, n) = row.get(name).copied().unwrap_or_default();
            print!(" {:>10.1}", 100.0 * f64::from(k) / f64::from(n.max(1)));
        }
        println!();
    }
}
