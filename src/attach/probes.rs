//! Tracing attachments: tracepoints, raw tracepoints, kprobes and uprobes, each held by a
//! pinned bpf_link (perf-event links for tracepoints and probes).
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::attach::{self, ProgHandle, Record};
use crate::error::{ErrorKind, X0Error};
use crate::sys::{bpf, mounts};

const PERF_TYPE_TRACEPOINT: u32 = 2;
const EVENT_SOURCES: &str = "/sys/bus/event_source/devices";

#[derive(Debug, Clone, Serialize)]
pub struct ProbeAttached {
    pub kind: String,
    pub target: String,
    pub object: String,
    pub program: String,
    pub prog_id: u32,
    pub how: &'static str,
    pub link_id: Option<u32>,
    pub record: PathBuf,
    pub loaded: bool,
}

fn finish(
    h: &ProgHandle,
    kind: &str,
    target: &str,
    link: OwnedFd,
) -> Result<ProbeAttached, X0Error> {
    let rec = Record::other(kind, target);
    let record = attach::pin_link_record(h, &rec, &link)?;
    Ok(ProbeAttached {
        kind: kind.into(),
        target: target.into(),
        object: h.object.clone(),
        program: h.name.clone(),
        prog_id: h.id,
        how: "bpf_link",
        link_id: bpf::link_info(link.as_fd()).ok().map(|i| i.id),
        record,
        loaded: h.loaded_now,
    })
}

fn perf_link(h: &ProgHandle, pfd: &OwnedFd, what: &str) -> Result<OwnedFd, X0Error> {
    bpf::link_create(h.fd.as_fd(), pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, 0).map_err(|e| {
        if e.raw_os_error() == Some(libc::EINVAL) && !perf_links_supported(h.fd.as_fd()) {
            return X0Error::new(
                ErrorKind::Unsupported,
                format!("cannot keep {what} attached: this kernel has no bpf_link for perf events (Linux 5.15+), and x0bpf holds every attachment by a pinned link"),
            )
            .errno(libc::EINVAL)
            .hint("raw tracepoints have links from Linux 5.8: `x0bpf attach raw_tracepoint NAME --prog OBJ:PROG` with a raw_tracepoint program");
        }
        X0Error::os(format!("linking {} to {what}", h.name), &e)
    })
}

/// Perf-event links (Linux 5.15): link_create for BPF_PERF_EVENT with this program and no perf
/// event answers EBADF when the kernel knows the attach type and EINVAL when it does not.
/// Nothing is created.
fn perf_links_supported(prog: std::os::fd::BorrowedFd<'_>) -> bool {
    let opts = libbpf_sys::bpf_link_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_link_create_opts>() as _,
        ..Default::default()
    };
    // SAFETY: a valid program fd, target fd -1 and a sized opts struct.
    let rc = unsafe {
        libbpf_sys::bpf_link_create(prog.as_raw_fd(), -1, libbpf_sys::BPF_PERF_EVENT, &opts)
    };
    if rc >= 0 {
        // SAFETY: an fd the kernel just gave us (never expected).
        unsafe { libc::close(rc) };
        return true;
    }
    -rc != libc::EINVAL
}

/// `CATEGORY:NAME` (or `CATEGORY/NAME`) → the tracepoint's id from tracefs.
/// A tracepoint's category, name and perf event id, or why there is none. Called before
/// anything is loaded, so a bad name is the error the user sees.
pub fn tracepoint_id(spec: &str, nomount: bool) -> Result<(String, String, u64), X0Error> {
    let (cat, name) = spec
        .split_once(':')
        .or_else(|| spec.split_once('/'))
        .filter(|(c, n)| !c.is_empty() && !n.is_empty() && !c.contains("..") && !n.contains(".."))
        .ok_or_else(|| {
            X0Error::new(
                ErrorKind::Usage,
                format!("tracepoint {spec:?}: expected CATEGORY:NAME"),
            )
            .hint("e.g. syscalls:sys_enter_openat (see /sys/kernel/tracing/events)")
        })?;
    mounts::ensure_tracefs(nomount)?;
    let events = [
        "/sys/kernel/tracing/events",
        "/sys/kernel/debug/tracing/events",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_dir())
    .unwrap_or_else(|| PathBuf::from("/sys/kernel/tracing/events"));
    let idf = events.join(cat).join(name).join("id");
    let id: u64 = std::fs::read_to_string(&idf)
        .map_err(|_| {
            let similar = if events.join(cat).is_dir() {
                format!(
                    "the {cat} category exists: see {}",
                    events.join(cat).display()
                )
            } else {
                format!("no category {cat}: see {}", events.display())
            };
            X0Error::new(
                ErrorKind::NotFound,
                format!("no tracepoint {cat}:{name} in this kernel"),
            )
            .hint(similar)
        })?
        .trim()
        .parse()
        .map_err(|_| X0Error::new(ErrorKind::Kernel, format!("bad id in {}", idf.display())))?;
    Ok((cat.to_string(), name.to_string(), id))
}

pub fn tracepoint(h: &ProgHandle, spec: &str, nomount: bool) -> Result<ProbeAttached, X0Error> {
    let (cat, name, id) = tracepoint_id(spec, nomount)?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: PERF_TYPE_TRACEPOINT,
        config: id,
        ..Default::default()
    };
    attr.__bindgen_anon_1.sample_period = 1;
    let pfd = bpf::perf_event_open(&mut attr)
        .map_err(|e| X0Error::os(format!("perf_event_open for tracepoint {cat}:{name}"), &e))?;
    let link = perf_link(h, &pfd, &format!("tracepoint {cat}:{name}"))?;
    finish(h, "tracepoint", &format!("{cat}:{name}"), link)
}

pub fn raw_tracepoint(h: &ProgHandle, name: &str) -> Result<ProbeAttached, X0Error> {
    let link = bpf::raw_tracepoint_open(name, h.fd.as_fd()).map_err(|e| {
        let err = X0Error::os(format!("attaching raw tracepoint {name}"), &e);
        if e.raw_os_error() == Some(libc::ENOENT) {
            err.hint("no such raw tracepoint: names are tracepoint names without the category, e.g. sys_enter")
        } else {
            err
        }
    })?;
    finish(h, "raw_tracepoint", name, link)
}

fn pmu_type(pmu: &str) -> Option<u32> {
    std::fs::read_to_string(format!("{EVENT_SOURCES}/{pmu}/type"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The bit that turns a k/uprobe PMU event into a return probe ("config:0" → bit 0).
fn retprobe_bit(pmu: &str) -> u32 {
    std::fs::read_to_string(format!("{EVENT_SOURCES}/{pmu}/format/retprobe"))
        .ok()
        .and_then(|s| {
            s.trim()
                .strip_prefix("config:")
                .and_then(|b| b.parse().ok())
        })
        .unwrap_or(0)
}

/// Whether this kernel can do kprobes at all, with the reason when not.
pub fn kprobes_missing() -> Option<X0Error> {
    if pmu_type("kprobe").is_some() {
        return None;
    }
    Some(
        X0Error::new(
            ErrorKind::Unsupported,
            format!("this kernel has no kprobes (CONFIG_KPROBES is off: {EVENT_SOURCES}/kprobe does not exist)"),
        )
        .hint("attach to a tracepoint instead, e.g. `x0bpf attach tracepoint syscalls:sys_enter_openat --prog OBJ` (list: /sys/kernel/tracing/events)"),
    )
}

pub fn kprobe(h: &ProgHandle, func: &str, ret: bool) -> Result<ProbeAttached, X0Error> {
    if let Some(e) = kprobes_missing() {
        return Err(e);
    }
    let ty = pmu_type("kprobe").unwrap_or(0);
    let c = CString::new(func).map_err(|_| X0Error::new(ErrorKind::Usage, "bad function name"))?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: ty,
        config: if ret {
            1u64 << retprobe_bit("kprobe")
        } else {
            0
        },
        ..Default::default()
    };
    attr.__bindgen_anon_3.kprobe_func = c.as_ptr() as u64;
    let kind = if ret { "kretprobe" } else { "kprobe" };
    let pfd = bpf::perf_event_open(&mut attr).map_err(|e| {
        X0Error::os(format!("creating {kind} on {func}"), &e)
            .hint("is the function in /proc/kallsyms and not blacklisted? under lockdown, kprobes may be refused")
    })?;
    let link = perf_link(h, &pfd, &format!("{kind} {func}"))?;
    finish(h, kind, func, link)
}

/// `BINARY:SYMBOL` → file offset of the symbol, from the binary's symbol tables.
pub fn uprobe(h: &ProgHandle, spec: &str, ret: bool) -> Result<ProbeAttached, X0Error> {
    let (bin, sym) = spec.rsplit_once(':').ok_or_else(|| {
        X0Error::new(
            ErrorKind::Usage,
            format!("uprobe {spec:?}: expected BINARY:SYMBOL"),
        )
    })?;
    let Some(ty) = pmu_type("uprobe") else {
        return Err(X0Error::new(
            ErrorKind::Unsupported,
            format!("this kernel has no uprobes (CONFIG_UPROBE_EVENTS is off: {EVENT_SOURCES}/uprobe does not exist)"),
        ));
    };
    let path =
        std::fs::canonicalize(bin).map_err(|e| X0Error::os(format!("uprobe binary {bin}"), &e))?;
    let offset = symbol_offset(&path, sym)?;
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| X0Error::new(ErrorKind::Usage, "bad path"))?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: ty,
        config: if ret {
            1u64 << retprobe_bit("uprobe")
        } else {
            0
        },
        ..Default::default()
    };
    attr.__bindgen_anon_3.uprobe_path = c.as_ptr() as u64;
    attr.__bindgen_anon_4.probe_offset = offset;
    let kind = if ret { "uretprobe" } else { "uprobe" };
    let pfd = bpf::perf_event_open(&mut attr)
        .map_err(|e| X0Error::os(format!("creating {kind} on {spec}"), &e))?;
    let link = perf_link(h, &pfd, &format!("{kind} {spec}"))?;
    finish(h, kind, &format!("{}:{sym}", path.display()), link)
}

/// A function symbol's file offset: st_value minus its section's address plus its offset.
fn symbol_offset(path: &Path, sym: &str) -> Result<u64, X0Error> {
    use object::{Object, ObjectSection, ObjectSymbol};
    let data =
        std::fs::read(path).map_err(|e| X0Error::os(format!("reading {}", path.display()), &e))?;
    let file = object::File::parse(&*data).map_err(|e| {
        X0Error::new(
            ErrorKind::Usage,
            format!("{} is not an ELF binary: {e}", path.display()),
        )
    })?;
    let found = file
        .symbols()
        .chain(file.dynamic_symbols())
        .find(|s| s.name() == Ok(sym) && s.is_definition());
    let Some(s) = found else {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("no symbol {sym} defined in {}", path.display()),
        )
        .hint("check with `nm -D` / `nm`; stripped binaries keep only dynamic symbols"));
    };
    let sec = s
        .section_index()
        .and_then(|i| file.section_by_index(i).ok())
        .ok_or_else(|| X0Error::new(ErrorKind::Usage, format!("symbol {sym} has no section")))?;
    let (off, _) = sec.file_range().ok_or_else(|| {
        X0Error::new(ErrorKind::Usage, format!("symbol {sym} is not in the file"))
    })?;
    s.address()
        .checked_sub(sec.address())
        .and_then(|d| d.checked_add(off))
        .ok_or_else(|| {
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "symbol {sym} lies outside its section in {}",
                    path.display()
                ),
            )
        })
}
