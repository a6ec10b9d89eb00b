//! Kernel feature probes shared by `feature` and `validate`: what this kernel can load and
//! attach, found by asking the kernel (loading tiny programs, creating maps, reading sysctls and
//! sysfs) the way `bpftool feature probe` does. Every answer says how it was found, and results
//! are cached for the run because `validate` asks the same questions once per program.
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_uint, c_void, CString};
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::rc::Rc;

use serde::Serialize;

use crate::obj::btf::{Btf, BtfKind, BtfNames};
use crate::sys::libbpf_log::Silence;

pub const VMLINUX_BTF: &str = "/sys/kernel/btf/vmlinux";
const EVENT_SOURCES: &str = "/sys/bus/event_source/devices";

/// A three-valued answer: "unknown" when the probe itself could not run (no privilege, no
/// securityfs, no kernel config), which is never reported as "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    Yes,
    No,
    Unknown,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Yes => "yes",
            Support::No => "no",
            Support::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub supported: Support,
    /// Why, or how it was found; None when "yes" needs no comment.
    pub detail: Option<String>,
}

impl Probe {
    fn yes() -> Probe {
        Probe {
            supported: Support::Yes,
            detail: None,
        }
    }
    fn with(supported: Support, detail: impl Into<String>) -> Probe {
        Probe {
            supported,
            detail: Some(detail.into()),
        }
    }
    pub fn is_yes(&self) -> bool {
        self.supported == Support::Yes
    }
}

/// The kernel's build configuration, when the kernel publishes it.
pub struct KernelConfig {
    pub source: String,
    values: BTreeMap<String, String>,
}

impl KernelConfig {
    /// `Some("y")`, `Some("m")`, a string value, or None for "is not set".
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn enabled(&self, name: &str) -> bool {
        matches!(self.get(name), Some("y") | Some("m"))
    }

    fn parse(text: &str, source: String) -> KernelConfig {
        let values = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .filter(|(k, _)| k.starts_with("CONFIG_"))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        KernelConfig { source, values }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KernelVersion {
    pub release: String,
    /// "6.18.44", the numeric part of the release.
    pub version: Option<String>,
    pub machine: String,
    /// (major, minor, patch) parsed from the release, when it has that shape.
    #[serde(skip)]
    pub numbers: Option<(u32, u32, u32)>,
}

impl KernelVersion {
    pub fn at_least(&self, major: u32, minor: u32) -> Option<bool> {
        self.numbers.map(|(a, b, _)| (a, b) >= (major, minor))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Lockdown {
    /// none, integrity or confidentiality; None when it could not be read.
    pub mode: Option<String>,
    pub source: String,
}

/// All probes, run lazily and at most once each.
#[derive(Default)]
pub struct Probes {
    prog_types: RefCell<BTreeMap<u32, Probe>>,
    map_types: RefCell<BTreeMap<u32, Probe>>,
    helpers: RefCell<BTreeMap<(u32, u32), Probe>>,
    tracepoints: RefCell<BTreeMap<String, Probe>>,
    privileged: OnceCell<Option<String>>,
    config: OnceCell<Option<Rc<KernelConfig>>>,
    version: OnceCell<KernelVersion>,
    vmlinux: OnceCell<Result<Rc<Btf>, String>>,
    vmlinux_names: OnceCell<Result<Rc<BtfNames>, String>>,
    lockdown: OnceCell<Lockdown>,
    lsm: OnceCell<Option<String>>,
    fentry: OnceCell<Probe>,
    tcx: OnceCell<Probe>,
    kprobe_multi: OnceCell<Probe>,
}

impl Probes {
    pub fn new() -> Probes {
        Probes::default()
    }

    /// None when bpf() probes can run; otherwise why not. Without CAP_BPF every probe load
    /// fails with EPERM, which must read as "unknown", not "unsupported".
    pub fn cannot_probe(&self) -> Option<&str> {
        self.privileged
            .get_or_init(|| {
                let caps = std::fs::read_to_string("/proc/self/status")
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find_map(|l| l.strip_prefix("CapEff:"))
                            .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
                    })
                    .unwrap_or(0);
                const CAP_SYS_ADMIN: u64 = 21;
                const CAP_BPF: u64 = 39;
                let has = |c: u64| caps & (1 << c) != 0;
                if has(CAP_SYS_ADMIN) || has(CAP_BPF) {
                    None
                } else {
                    Some(
                        "cannot probe the kernel without CAP_BPF or CAP_SYS_ADMIN: run as root"
                            .to_string(),
                    )
                }
            })
            .as_deref()
    }

    fn unprivileged(&self) -> Option<Probe> {
        self.cannot_probe()
            .map(|why| Probe::with(Support::Unknown, why))
    }

    pub fn prog_type(&self, t: u32) -> Probe {
        if let Some(p) = self.prog_types.borrow().get(&t) {
            return p.clone();
        }
        let p = self.unprivileged().unwrap_or_else(|| {
            // libbpf probes tracing programs as fentry, which a kernel can refuse (lockdown)
            // while tp_btf programs of the same type load fine: try tp_btf first.
            if t == libbpf_sys::BPF_PROG_TYPE_TRACING {
                if let Some(id) = self
                    .vmlinux_names()
                    .ok()
                    .and_then(|b| b.find("btf_trace_sched_switch", None))
                {
                    if load_trivial(t, libbpf_sys::BPF_TRACE_RAW_TP, id).is_ok() {
                        return Probe::with(
                            Support::Yes,
                            "tp_btf loads; fentry/fexit are probed apart",
                        );
                    }
                }
            }
            let _q = Silence::new();
            // SAFETY: no pointers; NULL opts is the documented default.
            let rc = unsafe { libbpf_sys::libbpf_probe_bpf_prog_type(t, std::ptr::null()) };
            match rc {
                1 => Probe::yes(),
                0 => {
                    // libbpf answers yes/no only; load the same minimal program to say why.
                    let (attach, btf_id) = match t {
                        libbpf_sys::BPF_PROG_TYPE_TRACING => (libbpf_sys::BPF_TRACE_FENTRY, 1),
                        libbpf_sys::BPF_PROG_TYPE_LSM => (libbpf_sys::BPF_LSM_MAC, 1),
                        libbpf_sys::BPF_PROG_TYPE_EXT => (0, 1),
                        _ => (0, 0),
                    };
                    let why = match load_trivial(t, attach, btf_id) {
                        Err(e) => format!(" ({})", io_errno(&e)),
                        Ok(_) => String::new(),
                    };
                    Probe::with(
                        Support::No,
                        format!("the kernel refused a minimal program of this type{why}"),
                    )
                }
                e => Probe::with(Support::Unknown, format!("probe failed: {}", errno_str(-e))),
            }
        });
        self.prog_types.borrow_mut().insert(t, p.clone());
        p
    }

    pub fn map_type(&self, t: u32) -> Probe {
        if let Some(p) = self.map_types.borrow().get(&t) {
            return p.clone();
        }
        let p = self.unprivileged().unwrap_or_else(|| {
            let _q = Silence::new();
            // SAFETY: as above.
            let rc = unsafe { libbpf_sys::libbpf_probe_bpf_map_type(t, std::ptr::null()) };
            match rc {
                1 => Probe::yes(),
                0 => Probe::with(
                    Support::No,
                    "the kernel refused to create a map of this type",
                ),
                e => Probe::with(Support::Unknown, format!("probe failed: {}", errno_str(-e))),
            }
        });
        self.map_types.borrow_mut().insert(t, p.clone());
        p
    }

    /// Whether programs of type `prog_type` may call helper `id` (the verifier offers each
    /// program type its own set of helpers).
    pub fn helper(&self, prog_type: u32, id: u32) -> Probe {
        if let Some(p) = self.helpers.borrow().get(&(prog_type, id)) {
            return p.clone();
        }
        let p = self.unprivileged().unwrap_or_else(|| {
            let _q = Silence::new();
            // SAFETY: as above.
            let rc =
                unsafe { libbpf_sys::libbpf_probe_bpf_helper(prog_type, id, std::ptr::null()) };
            match rc {
                1 => Probe::yes(),
                0 => Probe::with(
                    Support::No,
                    "the verifier does not offer it to this program type",
                ),
                // libbpf cannot probe helpers for tracing/LSM/ext/struct_ops programs.
                e => Probe::with(
                    Support::Unknown,
                    format!("not probed for this program type ({})", errno_str(-e)),
                ),
            }
        });
        self.helpers.borrow_mut().insert((prog_type, id), p.clone());
        p
    }

    pub fn version(&self) -> &KernelVersion {
        self.version.get_or_init(|| {
            // SAFETY: zeroed utsname is a valid out buffer.
            let mut u: libc::utsname = unsafe { std::mem::zeroed() };
            // SAFETY: valid out pointer.
            unsafe { libc::uname(&mut u) };
            let field = |f: &[c_char]| {
                let b: Vec<u8> = f
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| c as u8)
                    .collect();
                String::from_utf8_lossy(&b).into_owned()
            };
            let release = field(&u.release);
            let mut nums = release
                .split(|c: char| !c.is_ascii_digit())
                .map(|s| s.parse::<u32>().ok());
            let numbers = match (nums.next(), nums.next(), nums.next()) {
                (Some(Some(a)), Some(Some(b)), c) => Some((a, b, c.flatten().unwrap_or(0))),
                _ => None,
            };
            KernelVersion {
                version: numbers.map(|(a, b, c)| format!("{a}.{b}.{c}")),
                release,
                machine: field(&u.machine),
                numbers,
            }
        })
    }

    /// /proc/config.gz (CONFIG_IKCONFIG_PROC), or the distribution's copy in /boot.
    pub fn config(&self) -> Option<&KernelConfig> {
        self.config
            .get_or_init(|| {
                let release = self.version().release.clone();
                if let Some(text) = read_gzip(Path::new("/proc/config.gz")) {
                    return Some(Rc::new(KernelConfig::parse(
                        &text,
                        "/proc/config.gz".into(),
                    )));
                }
                for p in [
                    format!("/boot/config-{release}"),
                    format!("/lib/modules/{release}/config"),
                ] {
                    if let Ok(text) = std::fs::read_to_string(&p) {
                        return Some(Rc::new(KernelConfig::parse(&text, p)));
                    }
                }
                None
            })
            .as_deref()
    }

    /// The running kernel's BTF, parsed once.
    pub fn vmlinux(&self) -> Result<Rc<Btf>, String> {
        self.vmlinux
            .get_or_init(|| {
                let data = read_vmlinux()?;
                Btf::parse(&data)
                    .map(Rc::new)
                    .map_err(|e| format!("{VMLINUX_BTF} is not valid BTF: {e}"))
            })
            .clone()
    }

    /// The running kernel's BTF type names and kinds only, read once: enough to count types
    /// and find an id by name, at a fraction of [`Probes::vmlinux`]'s memory.
    pub fn vmlinux_names(&self) -> Result<Rc<BtfNames>, String> {
        self.vmlinux_names
            .get_or_init(|| {
                BtfNames::scan(read_vmlinux()?)
                    .map(Rc::new)
                    .map_err(|e| format!("{VMLINUX_BTF} is not valid BTF: {e}"))
            })
            .clone()
    }

    /// The lockdown LSM's mode. securityfs is often not mounted (containers, minimal VMs):
    /// then read it in a private mount namespace, so the probe changes nothing visible.
    pub fn lockdown(&self) -> &Lockdown {
        self.lockdown.get_or_init(|| {
            let path = Path::new("/sys/kernel/security/lockdown");
            if let Ok(s) = std::fs::read_to_string(path) {
                return Lockdown {
                    mode: bracketed(&s),
                    source: path.display().to_string(),
                };
            }
            if let Some(s) = read_unmounted("securityfs", "lockdown") {
                if let Some(mode) = bracketed(&s) {
                    return Lockdown {
                        mode: Some(mode),
                        source: "securityfs, read through a private mount".into(),
                    };
                }
            }
            if let Ok(cmd) = std::fs::read_to_string("/proc/cmdline") {
                if let Some(m) = cmd
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("lockdown="))
                {
                    return Lockdown {
                        mode: Some(m.to_string()),
                        source: "the kernel command line; securityfs is not mounted".into(),
                    };
                }
            }
            if let Some(c) = self.config() {
                for (opt, mode) in [
                    (
                        "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY",
                        "confidentiality",
                    ),
                    ("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY", "integrity"),
                ] {
                    if c.enabled(opt) {
                        return Lockdown {
                            mode: Some(mode.into()),
                            source: format!("{opt}, the minimum; securityfs is not mounted"),
                        };
                    }
                }
            }
            Lockdown {
                mode: None,
                source: "unknown (securityfs not mounted)".into(),
            }
        })
    }

    /// The active LSMs, comma-separated (`bpf` must be among them for LSM programs).
    pub fn lsm_list(&self) -> Option<&str> {
        self.lsm
            .get_or_init(|| {
                let path = Path::new("/sys/kernel/security/lsm");
                std::fs::read_to_string(path)
                    .ok()
                    .or_else(|| read_unmounted("securityfs", "lsm"))
                    .map(|s| s.trim().to_string())
            })
            .as_deref()
    }

    /// A PMU in /sys/bus/event_source/devices (kprobe, uprobe, tracepoint).
    pub fn pmu(&self, name: &str) -> bool {
        Path::new(EVENT_SOURCES).join(name).exists()
    }

    /// Kprobes: the kprobe PMU, which BPF attaches through; it exists when the kernel has
    /// CONFIG_KPROBES and CONFIG_KPROBE_EVENTS.
    pub fn kprobes(&self) -> Probe {
        if self.pmu("kprobe") {
            return Probe::yes();
        }
        let why = match self.config() {
            Some(c) if !c.enabled("CONFIG_KPROBES") => {
                "CONFIG_KPROBES is not set in this kernel's config"
            }
            Some(c) if !c.enabled("CONFIG_KPROBE_EVENTS") => {
                "CONFIG_KPROBE_EVENTS is not set in this kernel's config (CONFIG_KPROBES is)"
            }
            _ => "no kprobe PMU in /sys/bus/event_source/devices: the kernel lacks CONFIG_KPROBES or CONFIG_KPROBE_EVENTS",
        };
        Probe::with(Support::No, why)
    }

    pub fn uprobes(&self) -> Probe {
        if self.pmu("uprobe") {
            Probe::yes()
        } else {
            Probe::with(
                Support::No,
                "no uprobe PMU in /sys/bus/event_source/devices: the kernel lacks CONFIG_UPROBE_EVENTS",
            )
        }
    }

    /// Multi-kprobe links (kprobe.multi sections) need fprobe, not kprobes: ask link_create,
    /// which answers EOPNOTSUPP without CONFIG_FPROBE and EINVAL for an empty symbol list.
    pub fn kprobe_multi(&self) -> Probe {
        self.kprobe_multi
            .get_or_init(|| {
                if let Some(p) = self.unprivileged() {
                    return p;
                }
                let fd = match load_trivial(
                    libbpf_sys::BPF_PROG_TYPE_KPROBE,
                    libbpf_sys::BPF_TRACE_KPROBE_MULTI,
                    0,
                ) {
                    Ok(fd) => fd,
                    Err(e) => {
                        return Probe::with(
                            Support::No,
                            format!(
                                "the kernel refused a kprobe.multi program ({})",
                                io_errno(&e)
                            ),
                        )
                    }
                };
                match link_create_errno(&fd, 0, libbpf_sys::BPF_TRACE_KPROBE_MULTI) {
                    libc::EINVAL => Probe::yes(),
                    libc::EOPNOTSUPP => Probe::with(
                        Support::No,
                        "kprobe_multi links need CONFIG_FPROBE, which this kernel lacks",
                    ),
                    e => Probe::with(
                        Support::Unknown,
                        format!("link_create said {}", errno_str(e)),
                    ),
                }
            })
            .clone()
    }

    /// fentry/fexit need BPF trampolines: load a no-op fentry program on a kernel function.
    pub fn fentry(&self) -> Probe {
        self.fentry
            .get_or_init(|| {
                if let Some(p) = self.unprivileged() {
                    return p;
                }
                let btf = match self.vmlinux_names() {
                    Ok(b) => b,
                    Err(e) => return Probe::with(Support::No, format!("needs kernel BTF: {e}")),
                };
                // Functions that exist for exactly this purpose (net/bpf/test_run.c), then one
                // that every kernel with BPF has.
                let target = ["bpf_fentry_test1", "bpf_modify_return_test", "bpf_prog_put"]
                    .into_iter()
                    .find_map(|n| btf.find(n, Some(BtfKind::Func)).map(|id| (n, id)));
                let Some((name, id)) = target else {
                    return Probe::with(Support::Unknown, "no known target function in kernel BTF");
                };
                match load_trivial(
                    libbpf_sys::BPF_PROG_TYPE_TRACING,
                    libbpf_sys::BPF_TRACE_FENTRY,
                    id,
                ) {
                    Ok(_fd) => Probe::with(Support::Yes, format!("probed on {name}")),
                    Err(e) if e.raw_os_error() == Some(libc::EPERM) => Probe::with(
                        Support::No,
                        format!(
                            "the kernel refused an fentry program on {name} with EPERM (lockdown: {})",
                            self.lockdown().mode.as_deref().unwrap_or("unknown")
                        ),
                    ),
                    Err(e) => Probe::with(
                        Support::No,
                        format!("the kernel refused an fentry program on {name} ({})", io_errno(&e)),
                    ),
                }
            })
            .clone()
    }

    /// tcx (Linux 6.6): link_create for BPF_TCX_INGRESS on ifindex 0 answers ENODEV when the
    /// kernel knows tcx and EINVAL when it does not; nothing gets attached either way.
    pub fn tcx(&self) -> Probe {
        self.tcx
            .get_or_init(|| {
                if let Some(p) = self.unprivileged() {
                    return p;
                }
                let fd = match load_trivial(libbpf_sys::BPF_PROG_TYPE_SCHED_CLS, 0, 0) {
                    Ok(fd) => fd,
                    Err(e) => {
                        return Probe::with(
                            Support::No,
                            format!("sched_cls programs do not load ({})", io_errno(&e)),
                        )
                    }
                };
                match link_create_errno(&fd, 0, libbpf_sys::BPF_TCX_INGRESS) {
                    libc::ENODEV => Probe::with(Support::Yes, "tcx links (BPF_TCX_INGRESS/EGRESS)"),
                    libc::EINVAL => {
                        Probe::with(Support::No, "the kernel has no tcx links (Linux 6.6+)")
                    }
                    e => Probe::with(
                        Support::Unknown,
                        format!("link_create said {}", errno_str(e)),
                    ),
                }
            })
            .clone()
    }

    /// clsact + cls_bpf: the qdisc and the classifier are kernel options; reading the config
    /// is the only way to know without creating a qdisc on a real interface.
    pub fn clsact(&self) -> Probe {
        let sched = self.prog_type(libbpf_sys::BPF_PROG_TYPE_SCHED_CLS);
        if !sched.is_yes() {
            return sched;
        }
        let Some(c) = self.config() else {
            return Probe::with(
                Support::Unknown,
                "sched_cls programs load; kernel config not available to check clsact",
            );
        };
        let missing: Vec<&str> = ["CONFIG_NET_SCH_INGRESS", "CONFIG_NET_CLS_BPF"]
            .into_iter()
            .filter(|o| !c.enabled(o))
            .collect();
        if missing.is_empty() {
            Probe::with(
                Support::Yes,
                format!(
                    "CONFIG_NET_SCH_INGRESS and CONFIG_NET_CLS_BPF in {}",
                    c.source
                ),
            )
        } else {
            Probe::with(Support::No, format!("{} not set", missing.join(" and ")))
        }
    }

    /// Whether a tracepoint `category/name` exists, from tracefs (mounted, or mounted privately
    /// for the probe).
    pub fn tracepoint(&self, tp: &str) -> Probe {
        if let Some(p) = self.tracepoints.borrow().get(tp) {
            return p.clone();
        }
        let p = self.tracepoint_uncached(tp);
        self.tracepoints
            .borrow_mut()
            .insert(tp.to_string(), p.clone());
        p
    }

    fn tracepoint_uncached(&self, tp: &str) -> Probe {
        if !self.pmu("tracepoint") {
            return Probe::with(
                Support::No,
                "no tracepoint PMU in /sys/bus/event_source/devices (CONFIG_TRACEPOINTS)",
            );
        }
        if tp.is_empty() || tp.contains("..") || tp.split('/').count() != 2 {
            return Probe::with(
                Support::No,
                format!("\"{tp}\" is not a category/name tracepoint"),
            );
        }
        for dir in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
            let events = Path::new(dir).join("events");
            if events.is_dir() {
                return if events.join(tp).join("id").exists() {
                    Probe::yes()
                } else {
                    Probe::with(
                        Support::No,
                        format!("no tracepoint {tp} in {}", events.display()),
                    )
                };
            }
        }
        match read_unmounted("tracefs", &format!("events/{tp}/id")) {
            Some(_) => Probe::yes(),
            None if self.cannot_probe().is_none() => {
                // Tell "no such event" from "tracefs unusable" by reading an event every
                // kernel with tracepoints has.
                if read_unmounted("tracefs", "events/sched/sched_switch/id").is_some() {
                    Probe::with(Support::No, format!("the kernel has no tracepoint {tp}"))
                } else {
                    Probe::with(
                        Support::Unknown,
                        "tracefs is not mounted and could not be read",
                    )
                }
            }
            None => Probe::with(
                Support::Unknown,
                "tracefs is not mounted (needs root to check)",
            ),
        }
    }
}

fn read_vmlinux() -> Result<Vec<u8>, String> {
    std::fs::read(VMLINUX_BTF).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            format!("{VMLINUX_BTF} does not exist (kernel built without CONFIG_DEBUG_INFO_BTF)")
        } else {
            format!("cannot read {VMLINUX_BTF}: {e}")
        }
    })
}

/// A FUNC named `name` in BTF.
pub fn btf_func(btf: &Btf, name: &str) -> Option<u32> {
    btf.find_by_name(name)
        .into_iter()
        .find(|&id| btf.get(id).is_some_and(|t| t.kind == BtfKind::Func))
}

/// "none [integrity] confidentiality" -> "integrity".
fn bracketed(s: &str) -> Option<String> {
    let start = s.find('[')? + 1;
    let end = s[start..].find(']')? + start;
    Some(s[start..end].to_string())
}

/// "Operation not permitted (errno 1)".
pub fn errno_str(errno: i32) -> String {
    format!("{} (errno {errno})", crate::error::errno_text(errno))
}

fn io_errno(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => errno_str(n),
        None => e.to_string(),
    }
}

/// `r0 = 0; exit`, loaded with the given type, expected attach type and attach BTF id.
fn load_trivial(prog_type: u32, attach: u32, attach_btf_id: u32) -> io::Result<OwnedFd> {
    let mov = libbpf_sys::bpf_insn {
        code: 0xb7, // BPF_ALU64 | BPF_MOV | BPF_K, r0 = 0
        ..Default::default()
    };
    let exit = libbpf_sys::bpf_insn {
        code: 0x95, // BPF_JMP | BPF_EXIT
        ..Default::default()
    };
    let insns = [mov, exit];
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: attach,
        attach_btf_id,
        ..Default::default()
    };
    let _q = Silence::new();
    // SAFETY: insns and opts outlive the call; the license is a C string literal.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            prog_type,
            c"x0bpf_probe".as_ptr(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    };
    if fd < 0 {
        return Err(io::Error::from_raw_os_error(-fd));
    }
    // SAFETY: a fresh fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The errno of bpf_link_create for a probe that must fail; a link that was created anyway is
/// closed at once.
fn link_create_errno(prog: &OwnedFd, target: i32, attach: u32) -> i32 {
    use std::os::fd::AsRawFd;
    // SAFETY: valid prog fd; NULL opts is allowed.
    let rc =
        unsafe { libbpf_sys::bpf_link_create(prog.as_raw_fd(), target, attach, std::ptr::null()) };
    if rc >= 0 {
        // SAFETY: fresh fd.
        drop(unsafe { OwnedFd::from_raw_fd(rc) });
        return 0;
    }
    -rc
}

/// Read a file of a pseudo filesystem (securityfs, tracefs) that is not mounted, without
/// mounting it anywhere and without a child process: the mount API (fsopen/fsmount, Linux 5.2)
/// makes a detached, read-only instance, the file is opened relative to it, and closing the
/// fds frees it. Nothing is attached to any mount tree, so no one else sees anything.
fn read_unmounted(fstype: &str, file: &str) -> Option<String> {
    use rustix::fs::{openat, Mode, OFlags};
    use rustix::mount::{
        fsconfig_create, fsmount, fsopen, FsMountFlags, FsOpenFlags, MountAttrFlags,
    };
    use std::io::Read;
    let fs = fsopen(fstype, FsOpenFlags::FSOPEN_CLOEXEC).ok()?;
    fsconfig_create(&fs).ok()?;
    let mnt = fsmount(
        &fs,
        FsMountFlags::FSMOUNT_CLOEXEC,
        MountAttrFlags::MOUNT_ATTR_RDONLY
            | MountAttrFlags::MOUNT_ATTR_NOSUID
            | MountAttrFlags::MOUNT_ATTR_NODEV
            | MountAttrFlags::MOUNT_ATTR_NOEXEC,
    )
    .ok()?;
    let fd = openat(&mnt, file, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut text = String::new();
    std::fs::File::from(fd).read_to_string(&mut text).ok()?;
    Some(text)
}

// zlib is already linked for libbpf (which reads /proc/config.gz the same way for .kconfig).
#[link(name = "z")]
extern "C" {
    fn gzopen(path: *const c_char, mode: *const c_char) -> *mut c_void;
    fn gzread(file: *mut c_void, buf: *mut c_void, len: c_uint) -> c_int;
    fn gzclose(file: *mut c_void) -> c_int;
}

fn read_gzip(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: valid C strings.
    let f = unsafe { gzopen(c.as_ptr(), c"rb".as_ptr()) };
    if f.is_null() {
        return None;
    }
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let ok = loop {
        // SAFETY: buf is writable for its length; f is an open gzFile.
        let n = unsafe { gzread(f, buf.as_mut_ptr() as *mut c_void, buf.len() as c_uint) };
        if n < 0 {
            break false;
        }
        if n == 0 {
            break true;
        }
        out.extend_from_slice(&buf[..n as usize]);
        // A kernel config is ~300 KB; refuse anything absurd.
        if out.len() > 16 << 20 {
            break false;
        }
    };
    // SAFETY: f is open and closed exactly once.
    unsafe { gzclose(f) };
    ok.then(|| String::from_utf8_lossy(&out).into_owned())
}

/// Every program type libbpf knows, by number (the kernel may know more; libbpf cannot name
/// them).
pub fn all_prog_types() -> Vec<(u32, String)> {
    (1..libbpf_sys::__MAX_BPF_PROG_TYPE)
        .map(|t| (t, crate::obj::names::prog_type_name(t)))
        .filter(|(_, n)| !n.starts_with("type#"))
        .collect()
}

pub fn all_map_types() -> Vec<(u32, String)> {
    (1..libbpf_sys::__MAX_BPF_MAP_TYPE)
        .map(|t| (t, crate::obj::names::map_type_name(t)))
        .filter(|(_, n)| !n.starts_with("type#"))
        .collect()
}

/// How a program attaches, from its section name (the part before the first `/`), so the
/// attach requirement can be checked: kprobes, tracepoints, trampolines, tcx, …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachKind {
    Kprobe,
    KprobeMulti,
    Uprobe,
    Tracepoint,
    RawTracepoint,
    TpBtf,
    Trampoline,
    Lsm,
    Tcx,
    Tc,
    Xdp,
    Other,
}

impl AttachKind {
    /// From libbpf's own section table (`libbpf_prog_type_by_name`), so x0bpf and libbpf agree
    /// on every section name; only where libbpf cannot tell (kprobe and uprobe are one program
    /// type) does the section prefix decide.
    pub fn of_section(section: &str) -> AttachKind {
        use libbpf_sys as s;
        let Some((pt, at)) = crate::obj::names::prog_type_numbers(section) else {
            return AttachKind::Other;
        };
        let prefix = section.split('/').next().unwrap_or(section);
        match pt {
            s::BPF_PROG_TYPE_KPROBE => match at {
                s::BPF_TRACE_KPROBE_MULTI | s::BPF_TRACE_KPROBE_SESSION => AttachKind::KprobeMulti,
                s::BPF_TRACE_UPROBE_MULTI => AttachKind::Uprobe,
                _ if prefix.starts_with("uprobe")
                    || prefix.starts_with("uretprobe")
                    || prefix.starts_with("usdt") =>
                {
                    AttachKind::Uprobe
                }
                _ => AttachKind::Kprobe,
            },
            s::BPF_PROG_TYPE_TRACEPOINT => AttachKind::Tracepoint,
            s::BPF_PROG_TYPE_RAW_TRACEPOINT | s::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE => {
                AttachKind::RawTracepoint
            }
            s::BPF_PROG_TYPE_TRACING => match at {
                s::BPF_TRACE_RAW_TP => AttachKind::TpBtf,
                s::BPF_TRACE_FENTRY | s::BPF_TRACE_FEXIT | s::BPF_MODIFY_RETURN => {
                    AttachKind::Trampoline
                }
                _ => AttachKind::Other,
            },
            s::BPF_PROG_TYPE_LSM => AttachKind::Lsm,
            s::BPF_PROG_TYPE_SCHED_CLS if at == s::BPF_TCX_INGRESS || at == s::BPF_TCX_EGRESS => {
                AttachKind::Tcx
            }
            s::BPF_PROG_TYPE_SCHED_CLS | s::BPF_PROG_TYPE_SCHED_ACT => AttachKind::Tc,
            s::BPF_PROG_TYPE_XDP => AttachKind::Xdp,
            _ => AttachKind::Other,
        }
    }

    /// What follows the first `/` (function, tracepoint, …), when anything does.
    pub fn target(section: &str) -> Option<&str> {
        section
            .split_once('/')
            .map(|(_, t)| t)
            .filter(|t| !t.is_empty())
    }
}

/// The enumerators of kernel enum `name` (e.g. `skb_drop_reason`) from the running kernel's
/// BTF, so names match this kernel; None when the kernel has no BTF or no such enum.
pub fn kernel_enum(name: &str) -> Option<Vec<(i64, String)>> {
    let data = std::fs::read(VMLINUX_BTF).ok()?;
    let btf = Btf::parse(&data).ok()?;
    let t = btf
        .types()
        .find(|t| t.name == name && matches!(t.kind, BtfKind::Enum | BtfKind::Enum64))?;
    Some(
        t.enum_values
            .iter()
            .map(|v| (v.value, v.name.clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_kinds_follow_libbpf_section_names() {
        for (sec, kind) in [
            ("kprobe/do_sys_openat2", AttachKind::Kprobe),
            ("kretprobe/x", AttachKind::Kprobe),
            ("ksyscall/openat", AttachKind::Kprobe),
            ("kprobe.multi/vfs_*", AttachKind::KprobeMulti),
            ("uprobe//bin/sh:main", AttachKind::Uprobe),
            ("usdt/x", AttachKind::Uprobe),
            (
                "tracepoint/syscalls/sys_enter_getpid",
                AttachKind::Tracepoint,
            ),
            ("tp/sched/sched_switch", AttachKind::Tracepoint),
            ("raw_tp/sched_switch", AttachKind::RawTracepoint),
            ("tp_btf/sched_switch", AttachKind::TpBtf),
            ("fentry/do_unlinkat", AttachKind::Trampoline),
            ("fexit.s/x", AttachKind::Trampoline),
            ("lsm/file_open", AttachKind::Lsm),
            ("tcx/ingress", AttachKind::Tcx),
            ("tc/egress", AttachKind::Tcx),
            ("tc", AttachKind::Tc),
            ("classifier", AttachKind::Tc),
            ("xdp", AttachKind::Xdp),
            ("xdp.frags", AttachKind::Xdp),
            ("socket", AttachKind::Other),
        ] {
            assert_eq!(AttachKind::of_section(sec), kind, "{sec}");
        }
        assert_eq!(
            AttachKind::target("tracepoint/syscalls/sys_enter_getpid"),
            Some("syscalls/sys_enter_getpid")
        );
        assert_eq!(AttachKind::target("xdp"), None);
    }

    #[test]
    fn lockdown_mode_is_the_bracketed_word() {
        assert_eq!(
            bracketed("none [integrity] confidentiality\n").as_deref(),
            Some("integrity")
        );
        assert_eq!(bracketed("none integrity"), None);
    }

    #[test]
    fn kernel_config_values() {
        let c = KernelConfig::parse(
            "# CONFIG_KPROBES is not set\nCONFIG_BPF=y\nCONFIG_X=m\nCONFIG_LSM=\"lockdown,bpf\"\n",
            "t".into(),
        );
        assert!(c.enabled("CONFIG_BPF") && c.enabled("CONFIG_X"));
        assert!(!c.enabled("CONFIG_KPROBES"));
        assert_eq!(c.get("CONFIG_LSM"), Some("lockdown,bpf"));
    }

    #[test]
    fn errno_text() {
        assert_eq!(errno_str(libc::EPERM), "Operation not permitted (errno 1)");
    }
}
