//! Clocks and processes for long-running commands: CLOCK_BOOTTIME (the clock xdp_guard reads
//! with bpf_ktime_get_boot_ns), whether a pid is still the process that was recorded, signals.
use std::io;

/// CLOCK_BOOTTIME in nanoseconds (keeps counting across suspend).
pub fn boottime_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    (ts.tv_sec as u64).saturating_mul(1_000_000_000) + ts.tv_nsec as u64
}

/// Whether a process (or, for a thread id, a thread) with this id exists now: /proc lists
/// every thread id as a directory even where it does not show it in readdir.
pub fn exists(id: u32) -> bool {
    id != 0 && std::path::Path::new(&format!("/proc/{id}")).is_dir()
}

/// This process's PID namespace as (nsfs device, inode), or `None` in the initial one (where
/// our pid is the kernel's tgid). A BPF program compares pids in that namespace through
/// `bpf_get_ns_current_pid_tgid`, which takes exactly these two numbers.
pub fn pid_namespace() -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    // PROC_PID_INIT_INO: the initial PID namespace's fixed inode.
    const INIT_PID_NS: u64 = 0xEFFF_FFFC;
    let md = std::fs::metadata("/proc/self/ns/pid").ok()?;
    (md.ino() != INIT_PID_NS).then(|| (md.dev(), md.ino()))
}

/// The process (thread group) a thread id belongs to, and whether it is a zombie, from
/// `/proc/ID/status`; `None` when there is no such id.
pub fn tgid_of(id: u32) -> Option<(u32, bool)> {
    let s = std::fs::read_to_string(format!("/proc/{id}/status")).ok()?;
    let field = |k: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(k))
            .map(|v| v.trim().to_string())
    };
    let tgid = field("Tgid:")?.parse().ok()?;
    let zombie = field("State:").is_some_and(|st| st.starts_with('Z'));
    Some((tgid, zombie))
}

/// The processes that hold a BPF object open: every fd of every process whose
/// `/proc/PID/fdinfo/FD` names it (`prog_id:` / `map_id:` — a link's fdinfo names its program
/// too), as (pid, command name), sorted, this process left out. Processes we may not read are
/// skipped.
pub fn bpf_holders(map: bool, id: u32) -> Vec<(u32, String)> {
    let key = if map { "map_id:" } else { "prog_id:" };
    let me = std::process::id();
    let mut out = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.filter_map(Result::ok) {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fdinfo")) else {
            continue;
        };
        let holds = fds.filter_map(Result::ok).any(|f| {
            std::fs::read_to_string(f.path()).is_ok_and(|s| {
                s.lines().any(|l| {
                    l.strip_prefix(key)
                        .is_some_and(|v| v.trim().parse::<u32>() == Ok(id))
                })
            })
        });
        if holds {
            let comm = std::fs::read_to_string(p.path().join("comm"))
                .map(|c| c.trim().to_string())
                .unwrap_or_default();
            out.push((pid, comm));
        }
    }
    out.sort();
    out
}

/// A process's start time in clock ticks since boot (`/proc/PID/stat` field 22): with the pid
/// it names one process for good, since pids are reused.
pub fn start_time(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let rest = &s[s.rfind(')')? + 1..];
    // Fields after ')' start at field 3 (state); starttime is field 22.
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The process `pid` that started at `start` (ticks) still exists and is not a zombie.
pub fn alive(pid: u32, start: u64) -> bool {
    if pid == 0 {
        return false;
    }
    let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(i) = s.rfind(')') else { return false };
    let mut f = s[i + 1..].split_whitespace();
    let state = f.next().unwrap_or("");
    let st: Option<u64> = f.nth(18).and_then(|v| v.parse().ok());
    state != "Z" && state != "X" && st == Some(start)
}

/// Send `sig` to `pid`.
pub fn signal(pid: u32, sig: i32) -> io::Result<()> {
    // SAFETY: plain syscall; pid > 0 checked so it never means a process group.
    if pid == 0 || pid > i32::MAX as u32 {
        return Err(io::Error::from_raw_os_error(libc::ESRCH));
    }
    if unsafe { libc::kill(pid as i32, sig) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Whether process `pid` holds an fd of the BPF map `map_id` (its `/proc/PID/fdinfo`). A guard
/// loop holds its `state` map for its whole life; an unrelated process that took a recorded
/// pid does not. None when that cannot be told (reading another user's fds needs ptrace
/// access).
pub fn holds_map(pid: u32, map_id: u32) -> Option<bool> {
    let dir = match std::fs::read_dir(format!("/proc/{pid}/fdinfo")) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return None,
        Err(_) => return Some(false),
    };
    let want = format!("map_id:\t{map_id}");
    let mut denied = false;
    for e in dir.flatten() {
        match std::fs::read_to_string(e.path()) {
            Ok(s) if s.lines().any(|l| l == want) => return Some(true),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => denied = true,
            // Closed since the listing.
            Err(_) => {}
        }
    }
    if denied {
        None
    } else {
        Some(false)
    }
}
