//! Pure object reading: bytes in, facts out. Nothing here calls the kernel (the direction test
//! in `tests/layers.rs` keeps it so), which is also what lets the parsers be fuzzed alone.
pub mod btf;
pub mod btf_value;
pub mod elf;
pub mod guard;
pub mod helpers;
pub mod hist;
pub mod names;
pub mod quiet;
pub mod rules;
pub mod source;
pub mod syscalls;
