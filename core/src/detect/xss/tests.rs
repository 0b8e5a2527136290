//! Tests over the data files in `core/testdata/xss/`, and an ignored
//! harness that measures a corpus extracted outside the repository.

use super::*;
use crate::detect::Ctx;
use crate::verdict::Part;

fn ctx(sensitivity: Sensitivity) -> Ctx {
    Ctx {
        part: Part::Query,
        key: false,
        sensitivity,
    }
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("##"))
}

#[test]
fn attacks_are_detected() {
    let mut missed = Vec::new();
    for line in lines(include_str!("../../../testdata/xss/attacks.txt")) {
        match detect(line.as_bytes(), &ctx(Sensitivity::Default)) {
            Some(hit) if hit.score >= 5 => {}
            other => missed.push(format!("{line:?} => {other:?}")),
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn benign_values_pass() {
    let mut flagged = Vec::new();
    for line in lines(include_str!("../../../testdata/xss/benign.txt")) {
        if let Some(hit) = detect(line.as_bytes(), &ctx(Sensitivity::Default)) {
            if hit.score >= 5 {
                flagged.push(format!("{line:?} => {hit:?}"));
            }
        }
    }
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}

/// Measures a corpus extracted by a scratch script (lines of
/// `label \t class \t id \t part \t hex(value)`), named by `MG_XSS_TSV`.
#[test]
#[ignore]
fn corpus() {
    let Ok(path) = std::env::var("MG_XSS_TSV") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("corpus file");
    let mut attack_ids = std::collections::BTreeMap::<String, bool>::new();
    let mut benign_ids = std::collections::BTreeMap::<String, bool>::new();
    let mut flagged_other = std::collections::BTreeSet::<String>::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 5 {
            continue;
        }
        let value: Vec<u8> = (0..f[4].len() / 2)
            .filter_map(|i| u8::from_str_radix(&f[4][2 * i..2 * i + 2], 16).ok())
            .collect();
        let hit = detect(&value, &ctx(Sensitivity::Default)).filter(|h| h.score >= 5);
        let id = f[2].to_string();
        if f[0] == "benign" {
            let e = benign_ids.entry(id.clone()).or_default();
            if let Some(h) = &hit {
                *e = true;
                println!(
                    "FP\t{id}\t{}\t{}\t{:?}",
                    f[3],
                    h.rule,
                    String::from_utf8_lossy(&value)
                        .chars()
                        .take(300)
                        .collect::<String>()
                );
            }
        } else if f[1] == "xss" {
            let e = attack_ids.entry(id.clone()).or_default();
            *e |= hit.is_some();
        } else if hit.is_some() {
            flagged_other.insert(format!("{}:{id}", f[1]));
        }
    }
    let caught = attack_ids.values().filter(|&&v| v).count();
    let fps = benign_ids.values().filter(|&&v| v).count();
    for (id, c) in &attack_ids {
        if !c {
            println!("MISS\t{id}");
        }
    }
    println!(
        "xss attacks {caught}/{} ; benign flagged {fps}/{} ; other-class flagged {}",
        attack_ids.len(),
        benign_ids.len(),
        flagged_other.len()
    );
}
