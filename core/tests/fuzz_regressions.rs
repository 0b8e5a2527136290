//! Inputs the fuzzers in `fuzz/` once crashed on, replayed through the same
//! entry points (`mirrorguard::fuzzing`, feature `fuzzing`). Each file in
//! `testdata/fuzz-regressions/` is named `<target>-<n>.bin` after the fuzz
//! target that found it and holds the exact bytes that target was given.

use std::fs;
use std::path::Path;

use mirrorguard::fuzzing::{self, Body};

/// Runs `data` through fuzz target `target`, as `fuzz/fuzz_targets/` does.
fn replay(target: &str, data: &[u8]) {
    match target {
        "parse_http1" => fuzzing::parse_http1(data),
        "body_form" => fuzzing::parse_body(Body::Form, data),
        "body_multipart" => fuzzing::parse_body(Body::Multipart, data),
        "body_json" => fuzzing::parse_body(Body::Json, data),
        "body_xml" => fuzzing::parse_body(Body::Xml, data),
        "decode" => {
            if let Some((&which, rest)) = data.split_first() {
                fuzzing::decode(which, rest);
            }
        }
        "normalize" => fuzzing::normalize(data),
        "lex_sql" => fuzzing::lex_sql(data),
        "lex_shell" => fuzzing::lex_shell(data),
        "lex_html" => fuzzing::lex_html(data),
        "lex_js" => fuzzing::lex_js(data),
        "detect" => {
            if let [class, part, key, value @ ..] = data {
                fuzzing::detect(*class, *part, key & 1 == 1, value);
            }
        }
        "config" => {
            if let Ok(text) = std::str::from_utf8(data) {
                fuzzing::config(text);
            }
        }
        // The structured target's bytes only mean something to `arbitrary`;
        // its regressions are stored as raw HTTP/1 requests instead.
        other => panic!("unknown fuzz target {other}"),
    }
}

#[test]
fn every_stored_crash_input_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz-regressions");
    let mut n = 0;
    for entry in fs::read_dir(&dir).expect("regressions dir") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".bin") else {
            continue;
        };
        let target = stem.rsplit_once('-').map_or(stem, |(t, _)| t);
        let data = fs::read(&path).expect("read regression input");
        replay(target, &data);
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}
