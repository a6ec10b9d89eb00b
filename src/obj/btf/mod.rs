//! BPF Type Format (BTF) and BTF.ext parsing, plus CO-RE relocation
//! description and resolution.
//!
//! Input may be hostile (truncated, bit-flipped, garbage), so every read is
//! bounds-checked, arithmetic on values taken from the data is checked,
//! allocations are capped by the bytes actually present, and every walk over
//! the type graph (typedef chains, arrays, anonymous members, prototypes) is
//! bounded so that cyclic graphs terminate. Both byte orders are supported;
//! the BTF magic tells which one the data uses.
//!
//! BTF.ext instruction offsets, stored in bytes in ELF objects, are exposed
//! as instruction indices (divided by 8). CO-RE resolution mirrors libbpf's
//! `bpf_core_calc_relo_insn` so that results match what libbpf would patch.
//!
//! References: the kernel's `Documentation/bpf/btf.rst` and
//! `include/uapi/linux/btf.h`, libbpf's `btf.c`, `relo_core.c` and
//! `libbpf_internal.h` (BTF.ext layouts).

mod core_relo;
mod ext;
mod names;
#[cfg(test)]
mod tests;
mod types;

pub use core_relo::*;
pub use ext::*;
use names::*;
pub use types::*;
