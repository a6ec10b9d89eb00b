//! One module per subcommand: an `Args` struct and a `run` that returns a report.
pub mod attach;
pub mod completions;
pub mod detach;
pub mod events;
pub mod feature;
pub mod inspect;
pub mod list;
pub mod load;
pub mod man;
pub mod map;
pub mod net;
pub mod objects;
pub mod stats;
pub mod syscalls;
pub mod tail;
pub mod unload;
pub mod validate;
