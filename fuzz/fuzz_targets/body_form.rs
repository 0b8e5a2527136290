//! The Form body parser on raw bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mirrorguard::fuzzing::{parse_body, Body};

fuzz_target!(|data: &[u8]| parse_body(Body::Form, data));
