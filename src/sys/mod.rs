//! Thin kernel access: bpf(2) wrappers, bpffs and tracefs, capabilities, namespaces,
//! rtnetlink, ring buffers and libbpf's log. No x0bpf policy lives here; every kernel call does.
pub mod bpf;
pub mod caps;
pub mod libbpf_log;
pub mod map;
pub mod mounts;
pub mod netlink;
pub mod ns;
pub mod perfbuf;
pub mod ringbuf;
