//! Each detector on raw bytes: the first bytes pick the class, the part and
//! whether the value is a key.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let [class, part, key, value @ ..] = data {
        mirrorguard::fuzzing::detect(*class, *part, key & 1 == 1, value);
    }
});
