//! Namespaces: which network namespace this thread is in, entering one, and leaving the
//! private mount namespace of `ip netns exec`.

use std::fs;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};

use rustix::thread::LinkNameSpaceType;

use crate::error::{ErrorKind, X0Error};
use crate::sys::mounts;

/// The network namespace this thread is in, as the inode of /proc/self/ns/net.
pub fn netns_inode() -> io::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    Ok(std::fs::metadata("/proc/thread-self/ns/net")?.ino())
}

/// Interface name to index through the kernel (never sysfs: under `nsenter --net` sysfs still
/// shows the root namespace's interfaces).
pub fn ifindex(name: &str) -> Option<u32> {
    let sock = rustix::net::socket(
        rustix::net::AddressFamily::INET,
        rustix::net::SocketType::DGRAM,
        None,
    )
    .ok()?;
    rustix::net::netdevice::name_to_index(&sock, name).ok()
}

/// Run `f` inside the network namespace with this inode (or here, if it is this one).
/// Ok(None) when no such namespace exists any more.
pub fn in_netns<T: Send>(
    ino: u64,
    f: impl FnOnce() -> Result<T, X0Error> + Send,
) -> Result<Option<T>, X0Error> {
    if netns_inode().ok() == Some(ino) {
        return f().map(Some);
    }
    let Some(path) = find_netns(ino) else {
        return Ok(None);
    };
    // setns on a scoped thread: this thread's namespace stays as it was.
    std::thread::scope(|s| {
        s.spawn(move || {
            let file = fs::File::open(&path)
                .map_err(|e| X0Error::os(format!("opening {}", path.display()), &e))?;
            // Only this scoped thread changes namespace.
            setns(file.as_fd(), LinkNameSpaceType::Network).map_err(|e| {
                X0Error::os(format!("entering network namespace {}", path.display()), &e)
            })?;
            f().map(Some)
        })
        .join()
        .unwrap_or_else(|_| Err(X0Error::new(ErrorKind::Internal, "netns worker panicked")))
    })
}

/// The names of `ip netns` (entries of /run/netns), sorted.
pub fn named_netns() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir("/run/netns")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    v.sort();
    v
}

/// A path to a network namespace by inode: named ones first, then any process's.
fn find_netns(ino: u64) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let named = fs::read_dir("/run/netns")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()));
    let procs = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .map(|e| e.path().join("ns/net"));
    named
        .chain(procs)
        .find(|p| fs::metadata(p).map(|m| m.ino() == ino).unwrap_or(false))
}

/// `--netns PATH|NAME`: switch only the network namespace of this (single-threaded) process.
/// Set once `--netns` switched the network namespace: then a named network namespace is the
/// user's choice, not the sign of `ip netns exec`.
static ENTERED_NETNS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn enter_netns(spec: &str) -> Result<(), X0Error> {
    use std::os::unix::fs::OpenOptionsExt;
    const HINT: &str = "give a name from `ip netns list` or a path such as /proc/PID/ns/net";
    if spec.is_empty() {
        return Err(X0Error::new(ErrorKind::Usage, "--netns needs a name or a path").hint(HINT));
    }
    let path = if spec.contains('/') {
        PathBuf::from(spec)
    } else {
        PathBuf::from("/run/netns").join(spec)
    };
    // Without blocking: a FIFO given as a namespace must not wait for a writer.
    let f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(&path)
        .map_err(|e| {
            let kind = match e.raw_os_error() {
                Some(libc::ENOENT) | Some(libc::ENOTDIR) => ErrorKind::NotFound,
                Some(libc::EACCES) | Some(libc::EPERM) => ErrorKind::Permission,
                _ => ErrorKind::Usage,
            };
            let err = X0Error::new(
                kind,
                format!(
                    "network namespace {spec}: cannot open {}: {e}",
                    path.display()
                ),
            );
            let err = match e.raw_os_error() {
                Some(n) => err.errno(n),
                None => err,
            };
            err.hint(HINT)
        })?;
    // NS_GET_NSTYPE (_IO(0xb7, 0x3)): the namespace type of an nsfs file; ENOTTY elsewhere.
    const NS_GET_NSTYPE: libc::c_ulong = 0xb703;
    // SAFETY: valid fd; this ioctl takes no argument.
    let nstype = unsafe { libc::ioctl(f.as_raw_fd(), NS_GET_NSTYPE as _) };
    if nstype != libc::CLONE_NEWNET {
        let what = match nstype {
            libc::CLONE_NEWNS => "a mount namespace".to_string(),
            libc::CLONE_NEWUTS => "a UTS namespace".to_string(),
            libc::CLONE_NEWIPC => "an IPC namespace".to_string(),
            libc::CLONE_NEWUSER => "a user namespace".to_string(),
            libc::CLONE_NEWPID => "a PID namespace".to_string(),
            libc::CLONE_NEWCGROUP => "a cgroup namespace".to_string(),
            0x80 => "a time namespace".to_string(),
            -1 => "not a namespace file".to_string(),
            t => format!("a namespace of type {t:#x}"),
        };
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "network namespace {spec}: {} is {what}, not a network namespace",
                path.display()
            ),
        )
        .hint(HINT));
    }
    // x0bpf has no other threads at this point.
    setns(f.as_fd(), LinkNameSpaceType::Network)
        .map_err(|e| X0Error::os(format!("entering network namespace {}", path.display()), &e))?;
    ENTERED_NETNS.store(true, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// The mount namespace x0bpf was started from when it runs in a private one: the nearest
/// ancestor process in another mount namespace (for `ip netns exec`, the shell that ran ip).
/// PID 1's may be unreadable in containers and sandboxes; an ancestor's is ours to read.
fn outer_mount_ns() -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let ino = |p: &Path| fs::metadata(p.join("ns/mnt")).map(|m| m.ino()).ok();
    let mine = ino(Path::new("/proc/self"))?;
    let mut pid = std::process::id();
    for _ in 0..64 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        pid = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))?
            .trim()
            .parse()
            .ok()?;
        if pid == 0 {
            return None;
        }
        let p = PathBuf::from(format!("/proc/{pid}"));
        match ino(&p) {
            Some(i) if i != mine => return Some(p),
            Some(_) => continue,
            None => return None,
        }
    }
    None
}

/// `ip netns exec` gives x0bpf a private mount namespace with /sys remounted: a bpffs mounted
/// there dies with the process, and with it every pinned link — the program would silently
/// detach. Detect it and pin in the host's mount namespace instead (network namespace kept).
/// Returns a note for the report when it did so.
pub fn escape_private_mount_ns(bpffs: &Path) -> Result<Option<String>, X0Error> {
    use std::os::unix::fs::MetadataExt;
    if ENTERED_NETNS.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(None);
    }
    let Some(outer) = outer_mount_ns() else {
        return Ok(None);
    };
    // Only `ip netns exec`'s signature counts: we run in a named network namespace (one in
    // /run/netns) that differs from the caller's. Containers, `unshare -m` and sandboxed
    // services also have private mount namespaces, and there the bpffs in front of x0bpf is
    // the one the user means.
    let net_ino = |p: &Path| fs::metadata(p).map(|m| m.ino()).ok();
    let mine = net_ino(Path::new("/proc/thread-self/ns/net"));
    if mine.is_none() || mine == net_ino(&outer.join("ns/net")) {
        return Ok(None);
    }
    let named = fs::read_dir("/run/netns")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .any(|e| net_ino(&e.path()) == mine);
    if !named {
        return Ok(None);
    }
    // Same bpffs instance as the outer one (e.g. a mount inherited into this namespace): fine.
    // A bpffs private to this namespace (or none) is the trap.
    let host = outer
        .join("root")
        .join(bpffs.strip_prefix("/").unwrap_or(bpffs));
    let dev = |p: &Path| fs::metadata(p).map(|m| m.dev()).ok();
    if mounts::is_bpffs(bpffs) && mounts::is_bpffs(&host) && dev(bpffs) == dev(&host) {
        return Ok(None);
    }
    if !host.is_dir() {
        return Ok(None);
    }
    let f = fs::File::open(outer.join("ns/mnt"))
        .map_err(|e| X0Error::os("opening the outer mount namespace", &e))?;
    // Single-threaded, so changing the mount namespace is allowed.
    if let Err(e) = setns(f.as_fd(), LinkNameSpaceType::Mount) {
        return Err(X0Error::new(
            ErrorKind::Unsupported,
            format!(
                "{} here is private to this mount namespace (`ip netns exec`?) and entering the host's failed: {e}",
                bpffs.display()
            ),
        )
        .hint("pins made here would vanish with this process, detaching the program: run `x0bpf --netns NAME …` or `nsenter --net=/run/netns/NAME x0bpf …` instead"));
    }
    Ok(Some(format!(
        "running in a private mount namespace (ip netns exec): pinned in the host's bpffs at {} so the attachment persists",
        bpffs.display()
    )))
}

fn setns(fd: std::os::fd::BorrowedFd<'_>, kind: LinkNameSpaceType) -> io::Result<()> {
    Ok(rustix::thread::move_into_link_name_space(fd, Some(kind))?)
}

/// A network namespace found on this host.
#[derive(Debug, Clone)]
pub struct NetnsEntry {
    pub inode: u64,
    /// Its `ip netns` name (an entry of /run/netns), if it has one.
    pub name: Option<String>,
    /// A path that opens it (/run/netns/NAME or /proc/PID/ns/net).
    pub path: PathBuf,
}

/// Every network namespace this process can see: this thread's, the named ones (/run/netns)
/// and every process's (/proc/PID/ns/net: containers), deduplicated by inode. This thread's
/// first, then named ones by name, then the others by inode.
pub fn all_netns() -> Vec<NetnsEntry> {
    use std::os::unix::fs::MetadataExt;
    let ino = |p: &Path| fs::metadata(p).map(|m| m.ino()).ok();
    let mut seen = std::collections::BTreeSet::new();
    let mut named = Vec::new();
    let mut others = Vec::new();
    let here = PathBuf::from("/proc/thread-self/ns/net");
    let mut first = None;
    if let Some(i) = ino(&here) {
        seen.insert(i);
        first = Some(NetnsEntry {
            inode: i,
            name: None,
            path: here,
        });
    }
    for n in named_netns() {
        let p = PathBuf::from("/run/netns").join(&n);
        let Some(i) = ino(&p) else { continue };
        if let Some(f) = first.as_mut().filter(|f| f.inode == i) {
            f.name.get_or_insert(n);
            continue;
        }
        if seen.insert(i) {
            named.push(NetnsEntry {
                inode: i,
                name: Some(n),
                path: p,
            });
        }
    }
    let mut pids: Vec<u32> = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let p = PathBuf::from(format!("/proc/{pid}/ns/net"));
        let Some(i) = ino(&p) else { continue };
        if seen.insert(i) {
            others.push(NetnsEntry {
                inode: i,
                name: None,
                path: p,
            });
        }
    }
    others.sort_by_key(|e| e.inode);
    first.into_iter().chain(named).chain(others).collect()
}

/// The `ip netns` name of the network namespace with this inode, if it has one.
pub fn netns_name(ino: u64) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    named_netns().into_iter().find(|n| {
        fs::metadata(Path::new("/run/netns").join(n))
            .map(|m| m.ino() == ino)
            .unwrap_or(false)
    })
}

/// The name of interface `ifindex` in the network namespace with inode `ino`, asked there
/// over netlink. Err(()) when that namespace no longer exists or cannot be entered;
/// Ok(None) when it has no such interface.
#[allow(clippy::result_unit_err)]
pub fn ifname_in(ino: u64, ifindex: u32) -> Result<Option<String>, ()> {
    match in_netns(ino, move || Ok(crate::sys::ifname(ifindex))) {
        Ok(Some(n)) => Ok(n),
        _ => Err(()),
    }
}
