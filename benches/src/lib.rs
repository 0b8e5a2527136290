//! Shared by the benchmark binaries.
