//! The accuracy benchmark: analyzes every request of labelled corpus files
//! with the default engine and reports, per file and class, detection and
//! false-positive rates, and requests per second (analysis time only, one
//! thread).
//!
//! ```text
//! accuracy [--misses] [--json] [--floors FILE] [--config FILE] FILE.jsonl...
//! ```
//!
//! `--config FILE` analyzes with an engine configured by a TOML or JSON file
//! instead of the default one. `--floors FILE` checks the rates against a TOML file of floors (see
//! `benches/accuracy-floors.toml`) and exits 1 when one is not met.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mirrorguard::{Config, Engine};
use mirrorguard_benches::Labelled;
use serde::Deserialize;

#[derive(Default)]
struct Counts {
    label: String,
    total: u64,
    flagged: u64,
}

struct FileReport {
    path: String,
    requests: u64,
    elapsed: Duration,
    classes: BTreeMap<String, Counts>,
}

/// Per file stem, per class: the rate that must be met.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    min_detection: Option<f64>,
    max_false_positive: Option<f64>,
}

fn main() -> ExitCode {
    let mut misses = false;
    let mut json = false;
    let mut floors_path = None;
    let mut config_path = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--misses" => misses = true,
            "--json" => json = true,
            "--floors" => floors_path = args.next(),
            "--config" => config_path = args.next(),
            "-h" | "--help" => {
                println!("usage: accuracy [--misses] [--json] [--floors FILE] [--config FILE] FILE.jsonl...");
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with("--") => {
                eprintln!("accuracy: unknown flag {a}");
                return ExitCode::from(2);
            }
            _ => files.push(a),
        }
    }
    if files.is_empty() {
        eprintln!(
            "usage: accuracy [--misses] [--json] [--floors FILE] [--config FILE] FILE.jsonl..."
        );
        return ExitCode::from(2);
    }
    let config = match config_path.as_deref().map(std::fs::read_to_string) {
        None => Ok(Config::default()),
        Some(Ok(text)) => Config::from_text(&text),
        Some(Err(e)) => {
            eprintln!("accuracy: config: {e}");
            return ExitCode::from(2);
        }
    };
    let engine = match config.and_then(Engine::new) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("accuracy: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reports = Vec::new();
    for path in &files {
        match run_file(&engine, path, misses) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("accuracy: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if json {
        print_json(&reports);
    } else {
        print_table(&reports);
    }
    match floors_path {
        Some(p) => check_floors(&p, &reports),
        None => ExitCode::SUCCESS,
    }
}

fn run_file(engine: &Engine, path: &str, misses: bool) -> Result<FileReport, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut report = FileReport {
        path: path.to_string(),
        requests: 0,
        elapsed: Duration::ZERO,
        classes: BTreeMap::new(),
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec = Labelled::from_line(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let body = rec.body_bytes();
        let req = rec.request(&body);
        let start = Instant::now();
        let verdict = engine.analyze(&req);
        report.elapsed += start.elapsed();
        report.requests += 1;
        let counts = report.classes.entry(rec.class.clone()).or_default();
        counts.label.clone_from(&rec.label);
        counts.total += 1;
        let attack = verdict.is_attack();
        counts.flagged += u64::from(attack);
        let is_attack_label = rec.label == "attack";
        if misses && attack != is_attack_label {
            let what = if is_attack_label { "MISS" } else { "FP" };
            println!(
                "{what} {} [{}] {} {} {}",
                rec.id,
                rec.class,
                rec.method,
                truncate(&rec.uri, 200),
                verdict.to_json()
            );
        }
    }
    Ok(report)
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn rate(c: &Counts) -> f64 {
    if c.total == 0 {
        0.0
    } else {
        c.flagged as f64 / c.total as f64
    }
}

fn print_table(reports: &[FileReport]) {
    for r in reports {
        let rps = r.requests as f64 / r.elapsed.as_secs_f64().max(1e-9);
        println!(
            "\n{}: {} requests, {:.0} requests/s",
            r.path, r.requests, rps
        );
        println!(
            "  {:<16} {:<7} {:>8} {:>8} {:>9}",
            "class", "label", "total", "flagged", "rate"
        );
        for (class, c) in &r.classes {
            let what = if c.label == "attack" {
                "detected"
            } else {
                "FP"
            };
            println!(
                "  {:<16} {:<7} {:>8} {:>8} {:>8.2}% {what}",
                class,
                c.label,
                c.total,
                c.flagged,
                100.0 * rate(c)
            );
        }
    }
}

fn print_json(reports: &[FileReport]) {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let classes: serde_json::Map<String, serde_json::Value> = r
                .classes
                .iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        serde_json::json!({"label": c.label, "total": c.total, "flagged": c.flagged}),
                    )
                })
                .collect();
            serde_json::json!({
                "path": r.path,
                "requests": r.requests,
                "analyze_seconds": r.elapsed.as_secs_f64(),
                "classes": classes,
            })
        })
        .collect();
    println!("{}", serde_json::json!({ "files": files }));
}

fn check_floors(path: &str, reports: &[FileReport]) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("accuracy: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let floors: BTreeMap<String, BTreeMap<String, Floor>> = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("accuracy: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for r in reports {
        let stem = std::path::Path::new(&r.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let Some(file_floors) = floors.get(stem) else {
            continue;
        };
        for (class, floor) in file_floors {
            let Some(c) = r.classes.get(class) else {
                eprintln!("floor: {stem}/{class}: class not in the file");
                failed = true;
                continue;
            };
            let got = rate(c);
            if let Some(min) = floor.min_detection {
                if got < min {
                    eprintln!("floor: {stem}/{class}: detection {got:.4} < {min}");
                    failed = true;
                }
            }
            if let Some(max) = floor.max_false_positive {
                if got > max {
                    eprintln!("floor: {stem}/{class}: false positives {got:.4} > {max}");
                    failed = true;
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        eprintln!("accuracy floors met ({path})");
        ExitCode::SUCCESS
    }
}
