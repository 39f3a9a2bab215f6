//! Criterion benchmarks of the core (filled in below).
fn main() {}
