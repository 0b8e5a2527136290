//! Each decoder on raw bytes: the first byte picks the decoder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&which, rest)) = data.split_first() {
        mirrorguard::fuzzing::decode(which, rest);
    }
});
