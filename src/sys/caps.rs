//! Capabilities: what this process may do, asked before anything is created.
use crate::error::{ErrorKind, X0Error};

fn cap_eff() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        })
        .unwrap_or(0)
}

pub const CAP_NET_ADMIN: u32 = 12;
pub const CAP_SYS_ADMIN: u32 = 21;
pub const CAP_PERFMON: u32 = 38;
pub const CAP_BPF: u32 = 39;

pub fn has_cap(cap: u32) -> bool {
    cap_eff() & (1u64 << cap) != 0
}

/// Every bpf() command on pinned or listed objects needs CAP_BPF (or CAP_SYS_ADMIN) when
/// unprivileged BPF is disabled, as it is by default. Without it a command would see nothing
/// and report nothing as if nothing were there: refuse up front instead.
pub fn require_bpf(what: &str) -> Result<(), X0Error> {
    if has_cap(CAP_BPF) || has_cap(CAP_SYS_ADMIN) {
        return Ok(());
    }
    Err(X0Error::new(
        ErrorKind::Permission,
        format!("{what} needs CAP_BPF (or CAP_SYS_ADMIN) to read and change BPF objects; this process has neither"),
    )
    .errno(libc::EPERM)
    .hint(crate::error::PERMISSION_HINT))
}

/// A capability beyond CAP_BPF, for what needs it (netlink changes, listing every id).
pub fn require_cap(cap: u32, name: &str, what: &str) -> Result<(), X0Error> {
    if has_cap(cap) || has_cap(CAP_SYS_ADMIN) {
        return Ok(());
    }
    Err(X0Error::new(
        ErrorKind::Permission,
        format!("{what} needs {name}; this process does not have it"),
    )
    .errno(libc::EPERM)
    .hint(crate::error::PERMISSION_HINT))
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}
