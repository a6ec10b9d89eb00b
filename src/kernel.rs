//! The kernel-facing layer: bpf(2) object queries (programs, maps, links by id or pin),
//! pinning, and the filesystems BPF needs (bpffs, tracefs). Thin wrappers over libbpf-sys that
//! return io::Error with the errno, so callers can classify failures.
use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};

pub const BPF_FS_MAGIC: i64 = 0xcafe4a11;
pub const TRACEFS_MAGIC: i64 = 0x74726163;
pub const TRACEFS_DIR: &str = "/sys/kernel/tracing";

fn cpath(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// libbpf returns -errno (and sets errno); turn that into an owned fd or an io::Error.
fn fd_or_err(rc: i32) -> io::Result<OwnedFd> {
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        // SAFETY: libbpf handed us a fresh fd that nobody else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(rc) })
    }
}

fn rc_or_err(rc: i32) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        Ok(())
    }
}

pub fn obj_get(path: &Path) -> io::Result<OwnedFd> {
    let c = cpath(path)?;
    // SAFETY: valid C string.
    fd_or_err(unsafe { libbpf_sys::bpf_obj_get(c.as_ptr()) })
}

pub fn obj_pin(fd: BorrowedFd<'_>, path: &Path) -> io::Result<()> {
    let c = cpath(path)?;
    // SAFETY: valid fd and C string.
    rc_or_err(unsafe { libbpf_sys::bpf_obj_pin(fd.as_raw_fd(), c.as_ptr()) })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjKind {
    Prog,
    Map,
    Link,
}

pub fn fd_by_id(kind: ObjKind, id: u32) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall wrappers.
    fd_or_err(unsafe {
        match kind {
            ObjKind::Prog => libbpf_sys::bpf_prog_get_fd_by_id(id),
            ObjKind::Map => libbpf_sys::bpf_map_get_fd_by_id(id),
            ObjKind::Link => libbpf_sys::bpf_link_get_fd_by_id(id),
        }
    })
}

/// What a BPF fd refers to. The info syscall answers for any kind (it fills in whatever the fd
/// is), so ask the fd's anonymous inode name instead: bpf-prog, bpf-map or bpf_link.
pub fn fd_kind(fd: BorrowedFd<'_>) -> Option<ObjKind> {
    let target = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok()?;
    match target.to_string_lossy().as_ref() {
        "anon_inode:bpf-prog" => Some(ObjKind::Prog),
        "anon_inode:bpf-map" => Some(ObjKind::Map),
        "anon_inode:bpf_link" | "anon_inode:bpf-link" => Some(ObjKind::Link),
        _ => None,
    }
}

/// Every id of one kind the kernel holds now (as `bpftool prog show` walks them).
pub fn all_ids(kind: ObjKind) -> Vec<u32> {
    let mut ids = Vec::new();
    let mut cur = 0u32;
    loop {
        let mut next = 0u32;
        // SAFETY: out pointer to a local.
        let rc = unsafe {
            match kind {
                ObjKind::Prog => libbpf_sys::bpf_prog_get_next_id(cur, &mut next),
                ObjKind::Map => libbpf_sys::bpf_map_get_next_id(cur, &mut next),
                ObjKind::Link => libbpf_sys::bpf_link_get_next_id(cur, &mut next),
            }
        };
        if rc != 0 {
            return ids;
        }
        ids.push(next);
        cur = next;
    }
}

/// Whether the kernel still holds an object with this id.
pub fn id_exists(kind: ObjKind, id: u32) -> bool {
    match fd_by_id(kind, id) {
        Ok(_) => true,
        Err(e) => e.raw_os_error() != Some(libc::ENOENT),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgInfo {
    pub id: u32,
    pub prog_type: String,
    pub name: String,
    pub tag: String,
    /// Seconds since the epoch.
    pub loaded_at: u64,
    pub uid: u32,
    pub xlated_bytes: u32,
    pub jited_bytes: u32,
    pub verified_insns: u32,
    pub map_ids: Vec<u32>,
    pub btf_id: u32,
    pub gpl_compatible: bool,
    /// Present when run statistics are enabled (sysctl kernel.bpf_stats_enabled or
    /// BPF_ENABLE_STATS).
    pub run_cnt: Option<u64>,
    pub run_time_ns: Option<u64>,
}

fn cname(raw: &[std::os::raw::c_char]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Boot-relative nanoseconds to wall-clock seconds.
fn boot_ns_to_epoch(ns: u64) -> u64 {
    let mut rt = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut bt = rt;
    // SAFETY: out pointers to locals.
    unsafe {
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut rt);
        libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut bt);
    }
    let boot_epoch = (rt.tv_sec - bt.tv_sec).max(0) as u64;
    boot_epoch + ns / 1_000_000_000
}

pub fn prog_info(fd: BorrowedFd<'_>) -> io::Result<ProgInfo> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: info is a properly sized out buffer.
    rc_or_err(unsafe { libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    let mut map_ids = vec![0u32; info.nr_map_ids as usize];
    if !map_ids.is_empty() {
        // The kernel fills the id array on a second call that only asks for it.
        let mut again = libbpf_sys::bpf_prog_info {
            nr_map_ids: map_ids.len() as u32,
            map_ids: map_ids.as_mut_ptr() as u64,
            ..Default::default()
        };
        let mut len = std::mem::size_of_val(&again) as u32;
        // SAFETY: map_ids outlives the call and holds nr_map_ids entries.
        rc_or_err(unsafe {
            libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut again, &mut len)
        })?;
        map_ids.truncate(again.nr_map_ids as usize);
    }
    let stats = info.run_cnt > 0 || info.run_time_ns > 0 || stats_enabled();
    Ok(ProgInfo {
        id: info.id,
        prog_type: crate::elf::prog_type_name(info.type_),
        name: cname(&info.name),
        tag: info.tag.iter().map(|b| format!("{b:02x}")).collect(),
        loaded_at: boot_ns_to_epoch(info.load_time),
        uid: info.created_by_uid,
        xlated_bytes: info.xlated_prog_len,
        jited_bytes: info.jited_prog_len,
        verified_insns: info.verified_insns,
        map_ids,
        btf_id: info.btf_id,
        gpl_compatible: info.gpl_compatible() != 0,
        run_cnt: stats.then_some(info.run_cnt),
        run_time_ns: stats.then_some(info.run_time_ns),
    })
}

fn stats_enabled() -> bool {
    std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled")
        .map(|s| s.trim() == "1")
        .unwrap_or(false)
}

/// A program's name by id, if it still exists.
pub fn prog_name(id: u32) -> Option<String> {
    let fd = fd_by_id(ObjKind::Prog, id).ok()?;
    prog_info(fd.as_fd()).ok().map(|i| i.name)
}

#[derive(Debug, Clone, Serialize)]
pub struct MapInfo {
    pub id: u32,
    pub map_type: String,
    pub name: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub btf_id: u32,
}

pub fn map_info(fd: BorrowedFd<'_>) -> io::Result<MapInfo> {
    let mut info = libbpf_sys::bpf_map_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: properly sized out buffer.
    rc_or_err(unsafe { libbpf_sys::bpf_map_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    Ok(MapInfo {
        id: info.id,
        map_type: crate::elf::map_type_name(info.type_),
        name: cname(&info.name),
        key_size: info.key_size,
        value_size: info.value_size,
        max_entries: info.max_entries,
        flags: info.map_flags,
        btf_id: info.btf_id,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkInfo {
    pub id: u32,
    pub link_type: String,
    pub prog_id: u32,
    /// Where it is attached, as far as the kernel says: ifindex for XDP/tcx, tracepoint name…
    pub ifindex: Option<u32>,
    pub attach_type: Option<String>,
    pub target: Option<String>,
}

pub fn link_info(fd: BorrowedFd<'_>) -> io::Result<LinkInfo> {
    let mut info = libbpf_sys::bpf_link_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: properly sized out buffer.
    rc_or_err(unsafe { libbpf_sys::bpf_link_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    // SAFETY: libbpf returns static strings or NULL.
    let link_type = unsafe {
        let p = libbpf_sys::libbpf_bpf_link_type_str(info.type_);
        if p.is_null() {
            format!("type#{}", info.type_)
        } else {
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    };
    let (mut ifindex, mut attach_type) = (None, None);
    // SAFETY: the union member read is the one the kernel filled for this link type.
    unsafe {
        match info.type_ {
            libbpf_sys::BPF_LINK_TYPE_XDP => ifindex = Some(info.__bindgen_anon_1.xdp.ifindex),
            libbpf_sys::BPF_LINK_TYPE_TCX => {
                ifindex = Some(info.__bindgen_anon_1.tcx.ifindex);
                attach_type = Some(crate::elf::attach_type_name(
                    info.__bindgen_anon_1.tcx.attach_type,
                ));
            }
            _ => {}
        }
    }
    Ok(LinkInfo {
        id: info.id,
        link_type,
        prog_id: info.prog_id,
        ifindex,
        attach_type,
        target: None,
    })
}

fn fs_magic(dir: &Path) -> io::Result<i64> {
    let c = cpath(dir)?;
    // SAFETY: zeroed statfs is a valid out buffer.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: valid C string and out pointer.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(st.f_type as i64)
}

pub fn is_bpffs(dir: &Path) -> bool {
    fs_magic(dir).map(|m| m == BPF_FS_MAGIC).unwrap_or(false)
}

pub fn is_tracefs(dir: &Path) -> bool {
    fs_magic(dir).map(|m| m == TRACEFS_MAGIC).unwrap_or(false)
}

fn mount(fstype: &str, dir: &Path) -> io::Result<()> {
    let src = CString::new(fstype).expect("no NUL");
    let d = cpath(dir)?;
    // Pins must outlive this process, as with bpftool: mode 0700 keeps them root's.
    let data = CString::new("mode=0700").expect("no NUL");
    // SAFETY: valid C strings.
    let rc = unsafe {
        libc::mount(
            src.as_ptr(),
            d.as_ptr(),
            src.as_ptr(),
            0,
            data.as_ptr() as *const libc::c_void,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Make sure `root` is a BPF filesystem, mounting one there when allowed (as bpftool does):
/// only when `root` is not one yet, and only on the default root or on an existing empty
/// directory — never over a directory that holds anything. Says so on stderr. Returns true
/// when x0bpf mounted it now.
pub fn ensure_bpffs(root: &Path, nomount: bool, default_root: bool) -> Result<bool, X0Error> {
    if is_bpffs(root) {
        return Ok(false);
    }
    let what = format!("{} is not a BPF filesystem (bpffs)", root.display());
    if nomount {
        return Err(X0Error::new(ErrorKind::NotFound, what).hint(format!(
            "mount it with `mount -t bpf bpf {}`, or drop --nomount to let x0bpf mount it",
            root.display()
        )));
    }
    match std::fs::symlink_metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound && default_root => {
            std::fs::create_dir_all(root)
                .map_err(|e| X0Error::os(format!("{what}; creating it failed"), &e))?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(X0Error::new(
                ErrorKind::NotFound,
                format!("--bpffs {}: no such directory", root.display()),
            )
            .hint(
                "create an empty directory for x0bpf to mount bpffs on, or give a mounted bpffs",
            ))
        }
        Err(e) => return Err(X0Error::os(format!("reading {}", root.display()), &e)),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!("{what}: it is a symbolic link, and x0bpf mounts only on a real directory"),
            )
            .hint("give the directory the link points to with --bpffs"))
        }
        Ok(m) if !m.is_dir() => {
            return Err(
                X0Error::new(ErrorKind::Usage, format!("{what} and not a directory"))
                    .hint("give a bpffs mount point with --bpffs"),
            )
        }
        Ok(_) => {
            let empty = std::fs::read_dir(root)
                .map_err(|e| X0Error::os(format!("reading {}", root.display()), &e))?
                .next()
                .is_none();
            if !empty {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("{what} and holds files: x0bpf never mounts over a directory that holds anything"),
                )
                .hint(format!(
                    "give a mounted bpffs or an empty directory with --bpffs, or mount one yourself (`mount -t bpf bpf {}`)",
                    root.display()
                )));
            }
        }
    }
    mount("bpf", root).map_err(|e| {
        X0Error::os(format!("{what}; mounting bpffs there failed"), &e).hint(format!(
            "mount it yourself (`mount -t bpf bpf {}`) or pass --bpffs DIR on a bpffs",
            root.display()
        ))
    })?;
    eprintln!("x0bpf: mounted bpffs at {} (mode 0700)", root.display());
    Ok(true)
}

/// Tracepoints are resolved through tracefs; mount it where the kernel expects it, only on an
/// empty directory.
pub fn ensure_tracefs(nomount: bool) -> Result<(), X0Error> {
    let dir = Path::new(TRACEFS_DIR);
    if is_tracefs(dir) || Path::new("/sys/kernel/tracing/events").is_dir() {
        return Ok(());
    }
    if Path::new("/sys/kernel/debug/tracing/events").is_dir() {
        return Ok(());
    }
    if nomount {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("tracefs is not mounted at {TRACEFS_DIR}"),
        )
        .hint("mount it with `mount -t tracefs tracefs /sys/kernel/tracing`, or drop --nomount"));
    }
    let empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !empty {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("tracefs is not mounted and {TRACEFS_DIR} is missing or not empty"),
        )
        .hint("mount it with `mount -t tracefs tracefs /sys/kernel/tracing`"));
    }
    mount("tracefs", dir).map_err(|e| {
        X0Error::os(format!("mounting tracefs at {TRACEFS_DIR} failed"), &e)
            .hint("is CONFIG_TRACING enabled? mount it with `mount -t tracefs tracefs /sys/kernel/tracing`")
    })?;
    eprintln!("x0bpf: mounted tracefs at {TRACEFS_DIR}");
    Ok(())
}

/// Effective capabilities of this process (CapEff in /proc/self/status).
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

/// The network namespace this thread is in, as the inode of /proc/self/ns/net.
pub fn netns_inode() -> io::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    Ok(std::fs::metadata("/proc/thread-self/ns/net")?.ino())
}

/// Interface name to index through the kernel (never sysfs: under `nsenter --net` sysfs still
/// shows the root namespace's interfaces).
pub fn ifindex(name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    // SAFETY: valid C string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (i != 0).then_some(i)
}

pub fn is_root() -> bool {
    // SAFETY: no preconditions.
    unsafe { libc::geteuid() == 0 }
}
