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

/// Walking every id of a kind (BPF_*_GET_NEXT_ID) needs CAP_SYS_ADMIN in the host's initial
/// user namespace: without it the kernel refuses the walk, which must not read as "there are
/// none". Root of another user namespace has the capability only there: refused up front too.
pub fn require_id_walk(what: &str) -> Result<(), X0Error> {
    require_cap(CAP_SYS_ADMIN, "CAP_SYS_ADMIN", what)?;
    if in_user_namespace() {
        return Err(X0Error::new(
            ErrorKind::Permission,
            format!("{what} needs CAP_SYS_ADMIN in the host's user namespace; this process runs in another user namespace"),
        )
        .errno(libc::EPERM)
        .hint(USERNS_HINT));
    }
    Ok(())
}

/// Root with root's power over BPF: uid 0 in the initial user namespace. Root of a user
/// namespace (`unshare -Ur`, rootless containers) is not: the kernel checks BPF's
/// capabilities in the initial namespace, so its EPERM means missing privilege.
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root() && !in_user_namespace()
}

/// Whether this process runs in a user namespace other than the host's initial one (whose
/// uid_map maps every uid to itself: `0 0 4294967295`).
pub fn in_user_namespace() -> bool {
    std::fs::read_to_string("/proc/self/uid_map").is_ok_and(|m| {
        let f: Vec<&str> = m.split_whitespace().collect();
        f != ["0", "0", "4294967295"]
    })
}

/// The hint for an EPERM in a user namespace.
pub const USERNS_HINT: &str = "this process runs in a user namespace, whose capabilities do not reach BPF (the kernel checks them in the host's initial namespace): run x0bpf as root on the host";

/// Names of the capabilities x0bpf talks about, for messages and `--keep-caps`.
pub const NAMES: &[(&str, u32)] = &[
    ("CAP_NET_ADMIN", CAP_NET_ADMIN),
    ("CAP_SYS_ADMIN", CAP_SYS_ADMIN),
    ("CAP_PERFMON", CAP_PERFMON),
    ("CAP_BPF", CAP_BPF),
];

/// The number of a capability name (`CAP_BPF`, `bpf`, `cap_bpf` …).
pub fn by_name(name: &str) -> Option<u32> {
    let up = name.to_ascii_uppercase();
    let full = if up.starts_with("CAP_") {
        up
    } else {
        format!("CAP_{up}")
    };
    NAMES.iter().find(|(n, _)| *n == full).map(|&(_, c)| c)
}

/// Drop every capability except `keep`, for good: from the effective, permitted and inheritable
/// sets, the bounding set and the ambient set, with no_new_privs so an exec cannot regain any.
/// A long-running service calls this after setup, so a bug in its socket handling cannot use
/// root's other powers. Capabilities already missing stay missing.
pub fn keep_only(keep: &[u32]) -> std::io::Result<()> {
    use std::io;
    let mask: u64 = keep.iter().fold(0, |m, &c| m | (1u64 << c));
    // SAFETY: plain prctl calls with integer arguments.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        // Ambient capabilities could survive into children: clear them.
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
        for cap in 0..64u32 {
            if mask & (1u64 << cap) == 0 {
                // EINVAL past the kernel's last capability: stop there.
                if libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) != 0 {
                    let e = io::Error::last_os_error();
                    if e.raw_os_error() == Some(libc::EINVAL) {
                        break;
                    }
                    return Err(e);
                }
            }
        }
    }
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    let mut hdr = Header {
        version: VERSION_3,
        pid: 0,
    };
    let mut cur = [Data::default(); 2];
    // SAFETY: header and two data words, as capget(2) with version 3 expects.
    if unsafe { libc::syscall(libc::SYS_capget, &mut hdr as *mut Header, cur.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let lo = mask as u32;
    let hi = (mask >> 32) as u32;
    let new = [
        Data {
            effective: cur[0].effective & lo,
            permitted: cur[0].permitted & lo,
            inheritable: 0,
        },
        Data {
            effective: cur[1].effective & hi,
            permitted: cur[1].permitted & hi,
            inheritable: 0,
        },
    ];
    // SAFETY: as above, for capset(2).
    if unsafe { libc::syscall(libc::SYS_capset, &mut hdr as *mut Header, new.as_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cap_names() {
        assert_eq!(super::by_name("bpf"), Some(super::CAP_BPF));
        assert_eq!(super::by_name("CAP_PERFMON"), Some(super::CAP_PERFMON));
        assert_eq!(super::by_name("cap_net_admin"), Some(super::CAP_NET_ADMIN));
        assert_eq!(super::by_name("CAP_NOPE"), None);
    }
}
