//! Pure parsing and encoding: no kernel, no I/O.
pub mod btf_value;
