//! Worst-case scaling: adversarial inputs analyzed at size N and 2N, with the
//! time ratio (linear work gives about 2.0) and the peak memory one analysis
//! adds; last, the memory a built engine holds.
//!
//! ```text
//! cargo run --release -p mirrorguard-benches --bin scaling [-- --size BYTES]
//! ```
//!
//! Sizes stay under the default body limit (1 MiB) so the whole input is
//! analyzed. Each case runs in a child process of its own, so the peak
//! resident memory it reports belongs to that case alone.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use mirrorguard::{Config, Engine, Request};

/// An adversarial input of about `n` bytes: (content type, body).
type Make = fn(usize) -> (&'static str, Vec<u8>);

const CASES: &[(&str, Make)] = &[
    ("quotes in a form field", |n| form(&"'".repeat(n))),
    ("angle brackets in a form field", |n| form(&"<".repeat(n))),
    ("nested parentheses", |n| {
        form(&format!("{}{}", "(".repeat(n / 2), ")".repeat(n / 2)))
    }),
    ("nested JSON arrays", |n| {
        json(format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2)))
    }),
    ("%25 repeated", |n| form(&"%25".repeat(n / 3))),
    ("valid SQL", |n| {
        let stmt = "select name, price from items where id = 1 union ";
        form(&stmt.repeat(n / stmt.len()))
    }),
    ("JSON array of short strings", |n| {
        let items = vec!["ab"; n / 5];
        json(serde_json::to_string(&items).unwrap())
    }),
    ("a long key over many strings", |n| {
        let items = vec!["\"a\""; n / 8].join(",");
        json(format!(r#"{{"{}":[{items}]}}"#, "k".repeat(n / 2)))
    }),
    ("template and lookup openers", |n| {
        form(&"{{${".repeat(n / 4))
    }),
    ("dot-dot-slash", |n| form(&"../".repeat(n / 3))),
    ("near-base64", |n| {
        let mut s = "QUJD".repeat(n / 4);
        s.push('!');
        ("text/plain", s.into_bytes())
    }),
    (
        "shell variable of many words, expanded again and again",
        |n| {
            let s = format!("a=\"{}\";{}", "x ".repeat(200), "$a ".repeat(n / 3));
            ("text/plain", s.into_bytes())
        },
    ),
];

fn form(value: &str) -> (&'static str, Vec<u8>) {
    // Raw bytes after `q=`: the form parser and the decoders see them as
    // they are.
    let mut body = b"q=".to_vec();
    body.extend_from_slice(value.as_bytes());
    ("application/x-www-form-urlencoded", body)
}

fn json(text: String) -> (&'static str, Vec<u8>) {
    ("application/json", text.into_bytes())
}

fn post<'a>(content_type: &'a str, body: &'a [u8]) -> Request<'a> {
    Request::builder()
        .method("POST")
        .uri("/submit")
        .header("Content-Type", content_type)
        .body(body)
        .build()
}

/// Median time of analyzing the case at size `n`, over `runs` runs.
fn time(engine: &Engine, make: Make, n: usize, runs: usize) -> Duration {
    let (ct, body) = make(n);
    let req = post(ct, &body);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(engine.analyze(&req));
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Peak resident memory of this process in KiB (Linux), if known.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory of this process in KiB (Linux), if known.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: the memory an engine holds once built (its compiled tables,
/// which every engine of the process shares, and its value cache).
fn engine_child() -> ExitCode {
    let before = resident_kib();
    let engine = Engine::new(Config::default()).expect("default config");
    let after = resident_kib();
    std::hint::black_box(&engine);
    match (before, after) {
        (Some(b), Some(a)) => println!("{}", a.saturating_sub(b)),
        _ => println!("?"),
    }
    ExitCode::SUCCESS
}

/// Child mode: one case at one size; prints `nanos peak_kib_added`.
fn child(index: usize, n: usize) -> ExitCode {
    let engine = Engine::new(Config::default()).expect("default config");
    let (_, make) = CASES[index];
    // Build the input and warm up before taking the baseline.
    time(&engine, make, n.min(4096), 1);
    let (ct, body) = make(n);
    let before = peak_kib();
    let req = post(ct, &body);
    std::hint::black_box(engine.analyze(&req));
    let added = match (before, peak_kib()) {
        (Some(b), Some(a)) => (a.saturating_sub(b)).to_string(),
        _ => "?".into(),
    };
    let t = time(&engine, make, n, 7);
    println!("{} {added}", t.as_nanos());
    ExitCode::SUCCESS
}

fn run_child(index: usize, n: usize) -> Option<(Duration, String)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .args(["--child", &index.to_string(), &n.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut parts = text.split_whitespace();
    let nanos: u64 = parts.next()?.parse().ok()?;
    Some((Duration::from_nanos(nanos), parts.next()?.to_string()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--engine") {
        return engine_child();
    }
    if args.first().map(String::as_str) == Some("--child") {
        let index = args.get(1).and_then(|s| s.parse().ok());
        let n = args.get(2).and_then(|s| s.parse().ok());
        return match (index, n) {
            (Some(i), Some(n)) if i < CASES.len() => child(i, n),
            _ => ExitCode::FAILURE,
        };
    }
    let mut n: usize = 256 * 1024;
    if let [flag, v] = &args[..] {
        match (flag.as_str(), v.parse()) {
            ("--size", Ok(v)) => n = v,
            _ => {
                eprintln!("usage: scaling [--size BYTES]");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "{:32} {:>11} {:>11} {:>6} {:>10} {:>14}",
        "case", "time N", "time 2N", "ratio", "MB/s (2N)", "peak KiB (2N)"
    );
    for (i, (name, _)) in CASES.iter().enumerate() {
        let (Some((t1, _)), Some((t2, mem))) = (run_child(i, n), run_child(i, 2 * n)) else {
            eprintln!("{name}: the child process failed");
            return ExitCode::FAILURE;
        };
        let ratio = t2.as_secs_f64() / t1.as_secs_f64().max(1e-9);
        let mbs = (2 * n) as f64 / t2.as_secs_f64().max(1e-9) / 1e6;
        println!(
            "{name:32} {:>11.2?} {:>11.2?} {ratio:>6.2} {mbs:>10.1} {mem:>14}",
            t1, t2
        );
    }
    println!("N = {n} bytes; default limits (body analyzed up to 1 MiB)");
    let exe = std::env::current_exe().ok();
    let engine = exe
        .and_then(|e| Command::new(e).arg("--engine").output().ok())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    println!("engine built: {} KiB resident", engine.trim());
    ExitCode::SUCCESS
}
