//! Pure object reading: bytes in, facts out. Nothing here calls the kernel (the direction test
//! in `tests/layers.rs` keeps it so), which is also what lets the parsers be fuzzed alone.
pub mod analysis;
pub mod btf;
pub mod btf_value;
pub mod elf;
pub mod frame;
pub mod graph;
pub mod guard;
pub mod helpers;
pub mod hist;
pub mod hooks;
pub mod insn;
pub mod names;
pub mod quiet;
pub mod rules;
pub mod source;
pub mod syscalls;
