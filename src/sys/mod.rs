//! Thin kernel access: bpf(2) wrappers, bpffs and tracefs, capabilities, namespaces,
//! rtnetlink, ring buffers and libbpf's log. No x0bpf policy lives here; every kernel call does.
pub mod bpf;
pub mod caps;
pub mod file;
pub mod kallsyms;
pub mod libbpf_log;
pub mod map;
pub mod mounts;
pub mod netlink;
pub mod ns;
pub mod perfbuf;
pub mod process;
pub mod progstats;
pub mod ringbuf;

/// CLOCK_MONOTONIC in nanoseconds: the clock of `bpf_ktime_get_ns`, so ages computed from
/// timestamps a program stored are comparable.
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64).saturating_mul(1_000_000_000) + ts.tv_nsec as u64
}

/// Make closing `s` a reset (SO_LINGER 0): data the peer never read is dropped at once
/// instead of staying in kernel buffers for minutes after we gave up on it.
pub fn reset_on_close(s: &std::net::TcpStream) {
    let _ = rustix::net::sockopt::set_socket_linger(s, Some(std::time::Duration::ZERO));
}

/// The name of interface `ifindex` in this network namespace, if it exists.
pub fn ifname(ifindex: u32) -> Option<String> {
    netlink::get_link_by_index(ifindex)
        .ok()
        .flatten()
        .map(|l| l.name)
}
