//! `mirrorguard::fuzzing::parse_http1` on raw bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mirrorguard::fuzzing::parse_http1(data));
