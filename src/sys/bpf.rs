//! The kernel-facing layer: bpf(2) object queries (programs, maps, links by id or pin),
//! pinning, and the filesystems BPF needs (bpffs, tracefs). Thin wrappers over libbpf-sys that
//! return io::Error with the errno, so callers can classify failures.
use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde::Serialize;

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

pub(crate) fn rc_or_err(rc: i32) -> io::Result<()> {
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
    try_all_ids(kind).unwrap_or_default()
}

/// [`all_ids`], but an error other than the end of the list (ENOENT) is returned: without
/// CAP_SYS_ADMIN the kernel refuses the walk with EPERM, which is not "there are none".
pub fn try_all_ids(kind: ObjKind) -> io::Result<Vec<u32>> {
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
            // libbpf returns -errno.
            let e = io::Error::from_raw_os_error(rc.abs());
            return match e.raw_os_error() {
                Some(libc::ENOENT) => Ok(ids),
                _ => Err(e),
            };
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
    /// `prog_type` as the kernel's number (BPF_PROG_TYPE_*).
    #[serde(skip)]
    pub prog_type_number: u32,
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

pub(crate) fn cname(raw: &[std::os::raw::c_char]) -> String {
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
        prog_type: crate::obj::names::prog_type_name(info.type_),
        prog_type_number: info.type_,
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

/// A loaded program's translated instructions (`xlated_prog_insns`) as the kernel dumps them:
/// map references carry map ids, helper calls kernel address offsets (zeroed for callers
/// without the right to see kernel addresses). `len` is [`ProgInfo::xlated_bytes`], already
/// read, so this is one call.
pub fn prog_xlated(fd: BorrowedFd<'_>, len: u32) -> io::Result<Vec<u8>> {
    let want = len as usize;
    if want == 0 {
        return Ok(Vec::new());
    }
    let mut buf = vec![0u8; want];
    let mut info = libbpf_sys::bpf_prog_info {
        xlated_prog_len: want as u32,
        xlated_prog_insns: buf.as_mut_ptr() as u64,
        ..Default::default()
    };
    let mut info_len = std::mem::size_of_val(&info) as u32;
    // SAFETY: buf outlives the call and holds xlated_prog_len bytes.
    rc_or_err(unsafe {
        libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut info_len)
    })?;
    // The program cannot change, but never trust a length to grow between calls.
    buf.truncate((info.xlated_prog_len as usize).min(want));
    Ok(buf)
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
        map_type: crate::obj::names::map_type_name(info.type_),
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
                attach_type = Some(crate::obj::names::attach_type_name(
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
        target: link_target(fd),
    })
}

/// Where a link is attached in words, from libbpf-rs's decoder (it knows every link type,
/// perf-event targets included: tracepoint name, kprobe function, uprobe file and offset).
fn link_target(fd: BorrowedFd<'_>) -> Option<String> {
    use libbpf_rs::query::{LinkInfo as L, LinkTypeInfo as T, PerfEventType as P};
    let text = |o: &Option<std::ffi::OsString>| {
        o.as_ref()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "?".into())
    };
    Some(match L::from_fd(fd).ok()?.info {
        T::RawTracepoint(r) => r.name,
        T::PerfEvent(p) => match p.event_type {
            P::Tracepoint { name, .. } => format!("tracepoint {}", text(&name)),
            P::Kprobe {
                func_name,
                is_retprobe,
                offset,
                ..
            } => format!(
                "{} {}{}",
                if is_retprobe { "kretprobe" } else { "kprobe" },
                text(&func_name),
                if offset != 0 {
                    format!("+{offset:#x}")
                } else {
                    String::new()
                }
            ),
            P::Uprobe {
                file_name,
                is_retprobe,
                offset,
                ..
            } => format!(
                "{} {}:{offset:#x}",
                if is_retprobe { "uretprobe" } else { "uprobe" },
                text(&file_name)
            ),
            P::Event {
                config, event_type, ..
            } => format!("perf event type {event_type} config {config:#x}"),
            P::Unknown(t) => format!("perf event kind {t}"),
        },
        T::Xdp(x) => format!("ifindex {}", x.ifindex),
        T::Tcx(t) => format!("ifindex {}", t.ifindex),
        T::Tracing(t) => format!("btf object {} type {}", t.target_obj_id, t.target_btf_id),
        T::Cgroup(c) => format!("cgroup {}", c.cgroup_id),
        T::Netfilter(n) => format!(
            "netfilter pf {} hook {} priority {}",
            n.protocol_family, n.hooknum, n.priority
        ),
        T::KprobeMulti(k) => format!("{} kernel functions", k.count),
        _ => return None,
    })
}

/// bpf_link_create with flags, as an owned fd.
pub fn link_create(
    prog: BorrowedFd<'_>,
    target: i32,
    attach_type: u32,
    flags: u32,
) -> io::Result<OwnedFd> {
    let opts = libbpf_sys::bpf_link_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_link_create_opts>() as _,
        flags,
        ..Default::default()
    };
    // SAFETY: valid fds and a sized opts struct.
    let rc = unsafe { libbpf_sys::bpf_link_create(prog.as_raw_fd(), target, attach_type, &opts) };
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        // SAFETY: fresh fd from the kernel.
        Ok(unsafe { OwnedFd::from_raw_fd(rc) })
    }
}

/// Atomically swap the program behind a link; with `old`, only if `old` is still attached.
pub fn link_update(
    link: BorrowedFd<'_>,
    new: BorrowedFd<'_>,
    old: Option<BorrowedFd<'_>>,
) -> io::Result<()> {
    let opts = libbpf_sys::bpf_link_update_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_link_update_opts>() as _,
        flags: if old.is_some() {
            libbpf_sys::BPF_F_REPLACE
        } else {
            0
        },
        old_prog_fd: old.map(|f| f.as_raw_fd() as u32).unwrap_or(0),
        ..Default::default()
    };
    // SAFETY: valid fds and opts.
    let rc = unsafe { libbpf_sys::bpf_link_update(link.as_raw_fd(), new.as_raw_fd(), &opts) };
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        Ok(())
    }
}

/// perf_event_open for a tracepoint id or a k/uprobe PMU event.
pub fn perf_event_open(attr: &mut libbpf_sys::perf_event_attr) -> io::Result<OwnedFd> {
    attr.size = std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32;
    // SAFETY: attr is a valid, sized perf_event_attr; pid -1 / cpu 0 = all tasks on CPU 0,
    // which for tracepoints and probes means every CPU (they are not per-CPU events).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            attr as *mut libbpf_sys::perf_event_attr,
            -1i32,
            0i32,
            -1i32,
            8u64, // PERF_FLAG_FD_CLOEXEC
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        // SAFETY: fresh fd.
        Ok(unsafe { OwnedFd::from_raw_fd(rc as i32) })
    }
}

pub fn raw_tracepoint_open(name: &str, prog: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let c = CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: valid C string and fd.
    let rc = unsafe { libbpf_sys::bpf_raw_tracepoint_open(c.as_ptr(), prog.as_raw_fd()) };
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        // SAFETY: fresh fd.
        Ok(unsafe { OwnedFd::from_raw_fd(rc) })
    }
}

/// Program ids of tcx programs attached in one direction (BPF_PROG_QUERY).
/// `attach_type` is BPF_TCX_INGRESS or BPF_TCX_EGRESS.
pub fn tcx_query(ifindex: u32, attach_type: u32) -> Vec<(u32, Option<u32>)> {
    let mut progs = [0u32; 64];
    let mut links = [0u32; 64];
    let mut opts = libbpf_sys::bpf_prog_query_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_query_opts>() as _,
        prog_ids: progs.as_mut_ptr(),
        link_ids: links.as_mut_ptr(),
        ..Default::default()
    };
    opts.__bindgen_anon_1.count = progs.len() as u32;
    // SAFETY: arrays outlive the call and hold `count` entries.
    let rc = unsafe { libbpf_sys::bpf_prog_query_opts(ifindex as i32, attach_type, &mut opts) };
    if rc < 0 {
        return Vec::new();
    }
    // SAFETY: union member written by the kernel.
    let n = unsafe { opts.__bindgen_anon_1.count } as usize;
    (0..n.min(progs.len()))
        .map(|i| (progs[i], (links[i] != 0).then_some(links[i])))
        .collect()
}

/// Names of `NETDEV_XDP_ACT_*` bits, as `ip link` and the netdev family spell them.
pub fn xdp_feature_names(flags: u64) -> Vec<String> {
    const NAMES: [&str; 7] = [
        "basic",
        "redirect",
        "ndo-xmit",
        "xsk-zerocopy",
        "hw-offload",
        "rx-sg",
        "ndo-xmit-sg",
    ];
    (0..64)
        .filter(|b| flags & (1u64 << b) != 0)
        .map(|b| {
            NAMES
                .get(b as usize)
                .map(|n| n.to_string())
                .unwrap_or_else(|| format!("bit{b}"))
        })
        .collect()
}

/// BPF_ENABLE_STATS(BPF_STATS_RUN_TIME): run statistics stay on exactly as long as the returned
/// fd is open, so nothing remains enabled after x0bpf exits (even when it is killed).
pub fn enable_stats() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall wrapper, no pointers.
    fd_or_err(unsafe { libbpf_sys::bpf_enable_stats(libbpf_sys::BPF_STATS_RUN_TIME) })
}

/// What one BPF_PROG_TEST_RUN returned.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// The program's return value (XDP_PASS, TC_ACT_OK …).
    pub retval: u32,
    /// Average nanoseconds per run, as the kernel measured it over `repeat` runs.
    pub duration_ns: u32,
    /// The packet after the program, truncated to the output buffer.
    pub data_out: Vec<u8>,
    /// The length the kernel reported for the output packet (may exceed `data_out.len()`).
    pub data_size_out: u32,
}

/// BPF_PROG_TEST_RUN of a packet program (XDP, tc, socket filter) on `data`, `repeat` times.
pub fn prog_test_run(prog: BorrowedFd<'_>, data: &[u8], repeat: u32) -> io::Result<TestRun> {
    // Room for programs that grow the packet (bpf_xdp_adjust_head/tail).
    let mut out = vec![0u8; data.len() + 4096];
    let mut opts = libbpf_sys::bpf_test_run_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_test_run_opts>() as _,
        data_in: data.as_ptr() as *const _,
        data_size_in: data.len() as u32,
        data_out: out.as_mut_ptr() as *mut _,
        data_size_out: out.len() as u32,
        repeat: repeat.max(1) as _,
        ..Default::default()
    };
    // A signal delivered during a long run makes the kernel give up with EINTR: run again, a
    // few times at most, so a stray signal does not fail a measurement.
    let mut tries = 0;
    loop {
        // SAFETY: data and out outlive the call and their sizes are given.
        match rc_or_err(unsafe { libbpf_sys::bpf_prog_test_run_opts(prog.as_raw_fd(), &mut opts) })
        {
            Err(e) if e.raw_os_error() == Some(libc::EINTR) && tries < 3 => {
                tries += 1;
                opts.data_size_out = out.len() as u32;
            }
            r => break r?,
        }
    }
    let n = (opts.data_size_out as usize).min(out.len());
    out.truncate(n);
    Ok(TestRun {
        retval: opts.retval,
        duration_ns: opts.duration,
        data_out: out,
        data_size_out: opts.data_size_out,
    })
}
