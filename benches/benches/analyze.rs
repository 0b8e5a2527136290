//! Placeholder until the criterion bench is written.
fn main() {}
