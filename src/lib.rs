//! x0bpf: take an eBPF object from ELF file to running kernel program and back.
//!
//! Layout: `cli` (clap definitions), `cmd/*` (one file per subcommand: args + `run` returning
//! a report), `output` (tables and JSON from the same report), `elf`/`btf`/`helpers` (reading
//! objects), `objects` (files and embedded objects), kernel-facing layers beside them.
pub mod attach;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod maps;
pub mod obj;
pub mod output;
pub mod probe;
pub mod skel;
pub mod store;
pub mod stream;
pub mod sys;
pub mod validate;

pub use error::{ErrorKind, X0Error};

use std::path::PathBuf;

/// Options every command sees.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub fmt: output::Format,
    pub bpffs: PathBuf,
    pub nomount: bool,
    pub verbose: bool,
    /// `--pin-dir`: where objects live inside bpffs (default `<bpffs>/x0bpf`).
    pub pin_dir: Option<PathBuf>,
    /// `--netns`: entered by `main` before any command runs.
    pub netns: Option<String>,
    /// `--plain` given (not only implied by a pipe): `top` then writes rows, not JSON.
    pub plain: bool,
}
