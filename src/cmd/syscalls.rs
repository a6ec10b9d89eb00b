//! `x0bpf syscalls [--pid P|--tid T|--comm C|--cgroup PATH] [--duration D] [--top N]`: which
//! syscalls are called, how often, how often they fail and how long they take — by name.
//! Loads its own syscall_latency instance (filters are load-time constants, so a filtered view
//! never reads an unfiltered instance), attached to the raw_syscalls raw tracepoints through
//! links only this process holds: nothing is pinned, and nothing is left when it exits, even
//! killed with SIGKILL. Counts from the moment it says "counting" on stderr until --duration,
//! Ctrl-C or SIGTERM.
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use libbpf_rs::MapCore;
use serde::Serialize;

use super::stats::{read_syscalls, render_syscalls, SyscallRow};
use crate::error::{ErrorKind, X0Error};
use crate::output::Report;
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this process (thread group id, like `syscount -p`)
    #[arg(long, visible_alias = "tgid", value_name = "PID",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub pid: Option<u32>,
    /// Only this thread (kernel task id)
    #[arg(long, value_name = "TID", value_parser = clap::value_parser!(u32).range(1..))]
    pub tid: Option<u32>,
    /// Only tasks with this exact name (comm, at most 15 bytes)
    #[arg(long, value_name = "NAME")]
    pub comm: Option<String>,
    /// Only tasks in this cgroup v2 directory (not its descendants)
    #[arg(long, value_name = "PATH")]
    pub cgroup: Option<PathBuf>,
    /// Count for this long (`10s`, `500ms`, `2m`), else until Ctrl-C
    #[arg(long, value_name = "D", value_parser = super::tail::parse_duration)]
    pub duration: Option<Duration>,
    /// Show the N most frequent syscalls (0: all)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
}

#[derive(Serialize, Default)]
pub struct Filters {
    pub pid: Option<u32>,
    pub tid: Option<u32>,
    pub comm: Option<String>,
    pub cgroup: Option<String>,
    pub cgroup_id: Option<u64>,
}

#[derive(Serialize)]
pub struct SyscallsReport {
    pub filters: Filters,
    pub arch: &'static str,
    pub duration_s: f64,
    /// Why counting ended: `duration` or `interrupted`
    pub reason: &'static str,
    pub total_calls: u64,
    pub total_errors: u64,
    /// Syscalls seen in all (the table may show fewer: --top)
    pub distinct: usize,
    pub syscalls: Vec<SyscallRow>,
    pub percentiles: &'static str,
}

const PERCENTILES: &str = "p50/p99 are estimates from log2 buckets: the bucket is exact, the \
                           value inside it is interpolated (off by at most 2x)";

/// An example path under this host's cgroup v2 mount (hybrid hosts mount it beside v1).
fn cgroup_hint() -> String {
    match crate::sys::mounts::cgroup2_mount() {
        Some(m) => {
            // An example that exists here: the first cgroup below the mount, or the root.
            let mut subs: Vec<std::path::PathBuf> = std::fs::read_dir(&m)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|e| e.path())
                        .collect()
                })
                .unwrap_or_default();
            subs.sort();
            format!(
                "give a cgroup v2 directory: cgroup2 is mounted at {}, e.g. {}",
                m.display(),
                subs.first().unwrap_or(&m).display()
            )
        }
        None => "no cgroup v2 filesystem is mounted here: mount one with `mount -t cgroup2 none /sys/fs/cgroup`".into(),
    }
}

fn usage(msg: String, hint: &str) -> X0Error {
    X0Error::new(ErrorKind::Usage, msg).hint(hint.to_string())
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let _ = ctx;
    // Loading and attaching to tracepoints: say what is missing before libbpf fails vaguely.
    crate::sys::caps::require_bpf("x0bpf syscalls")?;
    crate::sys::caps::require_cap(
        crate::sys::caps::CAP_PERFMON,
        "CAP_PERFMON",
        "attaching to tracepoints (x0bpf syscalls)",
    )?;
    let mut sets: Vec<(String, String)> = Vec::new();
    let mut filters = Filters::default();
    for (flag, id) in [("--pid", a.pid), ("--tid", a.tid)] {
        if let Some(id) = id.filter(|&i| !crate::sys::process::exists(i)) {
            return Err(
                X0Error::new(ErrorKind::NotFound, format!("{flag} {id}: no such process"))
                    .hint("`ps -e -o pid,comm` lists processes (`ps -eL -o lwp,comm` threads)")
                    .into(),
            );
        }
    }
    for (flag, id) in [("--pid", a.pid), ("--tid", a.tid)] {
        let Some(id) = id else { continue };
        match crate::sys::process::tgid_of(id) {
            Some((_, true)) => {
                return Err(X0Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "{flag} {id}: the process has exited (a zombie): it makes no more syscalls"
                    ),
                )
                .into())
            }
            // /proc/TID exists for a thread too: --pid of a thread would count nothing.
            Some((tgid, false)) if flag == "--pid" && tgid != id => {
                return Err(usage(
                    format!("--pid {id} is a thread of process {tgid}"),
                    &format!(
                        "use --tid {id} for that thread, or --pid {tgid} for the whole process"
                    ),
                )
                .into())
            }
            _ => {}
        }
    }
    if let Some(p) = a.pid {
        sets.push(("target_tgid".into(), p.to_string()));
        filters.pid = Some(p);
    }
    if let Some(t) = a.tid {
        sets.push(("target_pid".into(), t.to_string()));
        filters.tid = Some(t);
    }
    let me = std::process::id();
    if a.pid != Some(me) {
        // Our own polling (bpf, nanosleep) is not what the user asked to see. In a container
        // our pid is the namespace's, not the kernel's: compare in that namespace.
        sets.push(("exclude_tgid".into(), me.to_string()));
        if let Some((dev, ino)) = crate::sys::process::pid_namespace() {
            sets.push(("exclude_pidns_dev".into(), dev.to_string()));
            sets.push(("exclude_pidns_ino".into(), ino.to_string()));
        }
    }
    if let Some(c) = &a.comm {
        if c.is_empty() || c.len() > 15 || c.contains('\0') {
            return Err(usage(
                format!("--comm {c:?}: a task name is 1 to 15 bytes without NUL"),
                "the kernel cuts names at 15 bytes: see /proc/PID/comm",
            )
            .into());
        }
        sets.push(("target_comm".into(), c.clone()));
        filters.comm = Some(c.clone());
    }
    if let Some(p) = &a.cgroup {
        let id = crate::sys::mounts::cgroup_id(p).map_err(|e| {
            let why = match e.raw_os_error() {
                Some(libc::EXDEV) => "not on a cgroup v2 filesystem".to_string(),
                Some(libc::ENOTDIR) => "not a directory".to_string(),
                _ => crate::error::errno_text(e.raw_os_error().unwrap_or(0)),
            };
            let kind = if e.kind() == io::ErrorKind::NotFound {
                ErrorKind::NotFound
            } else {
                ErrorKind::Usage
            };
            X0Error::new(kind, format!("--cgroup {}: {why}", p.display())).hint(cgroup_hint())
        })?;
        sets.push(("target_cgroup".into(), id.to_string()));
        filters.cgroup = Some(p.display().to_string());
        filters.cgroup_id = Some(id);
    }
    let mut eph = crate::attach::ephemeral::load(
        "syscall_latency",
        &sets,
        &["raw_sys_enter", "raw_sys_exit"],
    )?;
    eph.raw_tracepoint("raw_sys_enter", "sys_enter")?;
    eph.raw_tracepoint("raw_sys_exit", "sys_exit")?;
    crate::stream::install_stop_signals();
    let start = Instant::now();
    eprintln!(
        "x0bpf: counting syscalls{} {}",
        describe(&filters),
        match a.duration {
            Some(d) => format!("for {:.1}s", d.as_secs_f64()),
            None => "until Ctrl-C".into(),
        }
    );
    let reason = loop {
        if crate::stream::stopped() {
            break "interrupted";
        }
        if let Some(d) = a.duration {
            let left = d.saturating_sub(start.elapsed());
            if left.is_zero() {
                break "duration";
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let duration_s = start.elapsed().as_secs_f64();
    let stats = eph
        .obj
        .maps()
        .find(|m| m.name().to_string_lossy() == "stats")
        .ok_or_else(|| X0Error::new(ErrorKind::Internal, "syscall_latency has no stats map"))?;
    let mut syscalls = read_syscalls(&stats)?;
    // Detach now: the table below is what was counted until here.
    drop(eph);
    let total_calls = syscalls.iter().map(|s| s.count).sum();
    let total_errors = syscalls.iter().map(|s| s.errors).sum();
    let distinct = syscalls.len();
    if a.top > 0 {
        syscalls.truncate(a.top);
    }
    let r = SyscallsReport {
        filters,
        arch: if cfg!(target_arch = "aarch64") {
            "arm64"
        } else {
            "x86_64"
        },
        duration_s,
        reason,
        total_calls,
        total_errors,
        distinct,
        syscalls,
        percentiles: PERCENTILES,
    };
    crate::output::emit("syscalls", &r, ctx.fmt)?;
    Ok(0)
}

fn describe(f: &Filters) -> String {
    let mut v = Vec::new();
    if let Some(p) = f.pid {
        v.push(format!("pid {p}"));
    }
    if let Some(t) = f.tid {
        v.push(format!("tid {t}"));
    }
    if let Some(c) = &f.comm {
        v.push(format!("comm {c:?}"));
    }
    if let Some(c) = &f.cgroup {
        v.push(format!("cgroup {c}"));
    }
    if v.is_empty() {
        " of every process".into()
    } else {
        format!(" of {}", v.join(", "))
    }
}

impl Report for SyscallsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let title = format!(
            "{} calls ({} failed) in {:.1}s{}, {} distinct syscalls{}",
            self.total_calls,
            self.total_errors,
            self.duration_s,
            describe(&self.filters),
            self.distinct,
            if self.syscalls.len() < self.distinct {
                format!(", top {}", self.syscalls.len())
            } else {
                String::new()
            }
        );
        // Title and footnote are notes (stderr in a pipe): stdout holds the rows only.
        crate::output::note(out, &title)?;
        render_syscalls(out, &self.syscalls, None)?;
        crate::output::note(out, &format!("~ {PERCENTILES}"))
    }
}
