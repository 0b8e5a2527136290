//! `mirrorguard::fuzzing::lex_sql` on raw bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mirrorguard::fuzzing::lex_sql(data));
