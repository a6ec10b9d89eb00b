//! Run statistics of BPF programs (`run_cnt`, `run_time_ns`), turned on for as long as a
//! [`StatsOn`] lives, sampled for every program or one, and the deltas between two samples.
//! `top`, `profile` and anything else that reads program cost share this one path.
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::time::Instant;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::sys::bpf::{self, ObjKind};

/// Run statistics are on while this lives (a BPF_ENABLE_STATS fd): the kernel turns them off
/// again when the last such fd closes — also when the process is killed.
pub struct StatsOn {
    _fd: OwnedFd,
}

/// Turn run statistics on for as long as the returned guard lives.
pub fn enable() -> Result<StatsOn, X0Error> {
    match bpf::enable_stats() {
        Ok(fd) => Ok(StatsOn { _fd: fd }),
        Err(e) => Err(match e.raw_os_error() {
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => X0Error::new(
                ErrorKind::Unsupported,
                "this kernel cannot turn BPF run statistics on per process (BPF_ENABLE_STATS, Linux 5.8+)",
            )
            .errno(e.raw_os_error().unwrap_or(0))
            .hint("turn them on host-wide with `sysctl kernel.bpf_stats_enabled=1` (and off again afterwards)"),
            _ => X0Error::os("turning BPF run statistics on (BPF_ENABLE_STATS)", &e)
                .hint("BPF_ENABLE_STATS needs CAP_SYS_ADMIN: run as root"),
        }),
    }
}

/// Whether the kernel keeps run statistics now, whoever turned them on. Neither the sysctl
/// (it reads back what was written to it, 0 while another process's BPF_ENABLE_STATS fd keeps
/// statistics on) nor any other file says so; the kernel's own counter does: a trivial socket
/// filter of our own is test-run once, and its `run_cnt` moves only while statistics are on.
pub struct StatsProbe {
    prog: OwnedFd,
}

impl StatsProbe {
    /// Load the probe (`r0 = 0; exit`, a socket filter: no attach, no network capability).
    pub fn new() -> io::Result<StatsProbe> {
        let mov = libbpf_sys::bpf_insn {
            code: 0xb7, // BPF_ALU64 | BPF_MOV | BPF_K: r0 = 0
            ..Default::default()
        };
        let exit = libbpf_sys::bpf_insn {
            code: 0x95, // BPF_JMP | BPF_EXIT
            ..Default::default()
        };
        let insns = [mov, exit];
        let mut opts = libbpf_sys::bpf_prog_load_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
            ..Default::default()
        };
        // SAFETY: insns and opts outlive the call; name and license are C string literals.
        let fd = unsafe {
            libbpf_sys::bpf_prog_load(
                libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER,
                c"x0bpf_stats_prb".as_ptr(),
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
        Ok(StatsProbe {
            prog: unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) },
        })
    }

    /// Three syscalls: the counter, one run, the counter again.
    pub fn on(&self) -> io::Result<bool> {
        let before = stat_of(self.prog.as_fd())?.run_cnt;
        // The smallest frame a socket filter test run takes is an Ethernet header.
        bpf::prog_test_run(self.prog.as_fd(), &[0u8; 14], 1)?;
        Ok(stat_of(self.prog.as_fd())?.run_cnt > before)
    }
}

/// One program's counters at one instant.
#[derive(Debug, Clone, Serialize)]
pub struct ProgStat {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: String,
    pub name: String,
    /// The program's tag (hash of its instructions), as the kernel gives it.
    #[serde(skip)]
    pub tag: [u8; 8],
    /// Boot-relative load time: with the id, it tells a reused id from the same program.
    #[serde(skip)]
    pub load_time: u64,
    pub run_cnt: u64,
    pub run_time_ns: u64,
}

/// One bpf_prog_get_info_by_fd call (no map ids, no second call): sampling every program on
/// the host each interval should cost one syscall per program plus the fd lookup.
pub fn stat_of(fd: BorrowedFd<'_>) -> io::Result<ProgStat> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: info is a properly sized out buffer.
    bpf::rc_or_err(unsafe {
        libbpf_sys::bpf_prog_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len)
    })?;
    Ok(ProgStat {
        id: info.id,
        prog_type: crate::obj::names::prog_type_name(info.type_),
        name: bpf::cname(&info.name),
        tag: info.tag,
        load_time: info.load_time,
        run_cnt: info.run_cnt,
        run_time_ns: info.run_time_ns,
    })
}

/// A sample of every program the kernel holds. Programs unloaded between listing and reading
/// are simply absent.
#[derive(Debug, Clone)]
pub struct Sample {
    pub at: Instant,
    pub progs: Vec<ProgStat>,
}

pub fn sample_all() -> Sample {
    let mut progs = Vec::new();
    for id in bpf::all_ids(ObjKind::Prog) {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Prog, id) else {
            continue;
        };
        if let Ok(s) = stat_of(fd.as_fd()) {
            progs.push(s);
        }
    }
    Sample {
        at: Instant::now(),
        progs,
    }
}

/// What one program did between two samples.
#[derive(Debug, Clone, Serialize)]
pub struct ProgDelta {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: String,
    pub name: String,
    /// Runs since the previous sample (all of its runs so far for a program new since then).
    pub runs: u64,
    pub run_time_ns: u64,
    pub runs_per_s: f64,
    /// run_time_ns / runs; `null` when it did not run.
    pub avg_ns: Option<f64>,
    /// Share of the host's whole CPU capacity (every CPU) spent in this program, as bpftop
    /// counts it: run_time_ns / (interval × CPUs) × 100.
    pub cpu_pct: f64,
    /// Loaded since the previous sample.
    pub new: bool,
}

/// The deltas from `prev` to `cur`. A program in `cur` but not in `prev` (or whose id now
/// names another program) counts from zero: its runs all happened since it was loaded, which
/// is after `prev` was taken. Programs gone since `prev` are returned by id (a reused id as
/// well: the old program is gone, the new one is in the deltas, marked `new`).
pub fn deltas(prev: &Sample, cur: &Sample, cpus: u32) -> (Vec<ProgDelta>, Vec<u32>) {
    let dt = cur.at.saturating_duration_since(prev.at).as_secs_f64();
    let before: HashMap<u32, &ProgStat> = prev.progs.iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(cur.progs.len());
    for p in &cur.progs {
        let old = before
            .get(&p.id)
            .filter(|o| o.load_time == p.load_time && o.prog_type == p.prog_type);
        let (runs, ns) = match old {
            // Counters only grow while stats are on; saturate in case someone reset them
            // (they restart from zero only with a new program).
            Some(o) => (
                p.run_cnt.saturating_sub(o.run_cnt),
                p.run_time_ns.saturating_sub(o.run_time_ns),
            ),
            None => (p.run_cnt, p.run_time_ns),
        };
        out.push(delta_row(p, runs, ns, dt, cpus, old.is_none()));
    }
    // A program whose id now names another one is gone too: its id is listed in both.
    let now: std::collections::HashSet<(u32, u64, &str)> = cur
        .progs
        .iter()
        .map(|p| (p.id, p.load_time, p.prog_type.as_str()))
        .collect();
    let gone = prev
        .progs
        .iter()
        .filter(|p| !now.contains(&(p.id, p.load_time, p.prog_type.as_str())))
        .map(|p| p.id)
        .collect();
    (out, gone)
}

/// One program's delta over `dt` seconds.
pub fn delta_row(p: &ProgStat, runs: u64, ns: u64, dt: f64, cpus: u32, new: bool) -> ProgDelta {
    let dt = dt.max(1e-9);
    ProgDelta {
        id: p.id,
        prog_type: p.prog_type.clone(),
        name: p.name.clone(),
        runs,
        run_time_ns: ns,
        runs_per_s: runs as f64 / dt,
        avg_ns: (runs > 0).then(|| ns as f64 / runs as f64),
        cpu_pct: ns as f64 / (dt * 1e9 * cpus.max(1) as f64) * 100.0,
        new,
    }
}

/// CPUs online now (the capacity CPU % is a share of).
pub fn online_cpus() -> u32 {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    if n < 1 {
        1
    } else {
        n as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn st(id: u32, load: u64, cnt: u64, ns: u64) -> ProgStat {
        ProgStat {
            id,
            prog_type: "xdp".into(),
            name: format!("p{id}"),
            tag: [0; 8],
            load_time: load,
            run_cnt: cnt,
            run_time_ns: ns,
        }
    }

    #[test]
    fn deltas_handle_new_gone_and_reused_ids() {
        let t0 = Instant::now();
        let prev = Sample {
            at: t0,
            progs: vec![st(1, 10, 100, 1000), st(2, 20, 5, 50), st(3, 30, 7, 70)],
        };
        let cur = Sample {
            at: t0 + Duration::from_secs(2),
            // 1 ran 50 more times; 2 is gone; 3 is a new program under a reused id; 4 is new.
            progs: vec![st(1, 10, 150, 3000), st(3, 99, 4, 40), st(4, 40, 8, 800)],
        };
        let (d, gone) = deltas(&prev, &cur, 2);
        // 3's old program is gone although its id is back, as a new program.
        assert_eq!(gone, vec![2, 3]);
        let by = |id| d.iter().find(|x| x.id == id).unwrap();
        assert_eq!(
            (by(1).runs, by(1).run_time_ns, by(1).new),
            (50, 2000, false)
        );
        assert_eq!(by(1).avg_ns, Some(40.0));
        assert!((by(1).runs_per_s - 25.0).abs() < 1e-9);
        // 2000 ns over 2 s on 2 CPUs = 2000 / 4e9 = 5e-5 %.
        assert!((by(1).cpu_pct - 5e-5).abs() < 1e-12);
        assert_eq!((by(3).runs, by(3).new), (4, true));
        assert_eq!((by(4).runs, by(4).run_time_ns, by(4).new), (8, 800, true));
        let idle = delta_row(&st(5, 1, 0, 0), 0, 0, 1.0, 1, false);
        assert_eq!(idle.avg_ns, None);
    }
}
