//! `x0bpf bench PROG [--frame udp|tcp|icmp|FILE] [--repeat N]`: run a packet program
//! (XDP, tc, socket filter) on a frame with BPF_PROG_TEST_RUN, as `bpftool prog run` does, and
//! say what it returned by name, how long a run took and how long the frame came out.
//!
//! PROG is a loaded program (`id N`, `pinned PATH`, `name NAME`, OBJECT:PROG loaded by x0bpf)
//! or an object that is not loaded — an embedded one (`xdp_counter`, `tc_classifier:tc_classify`)
//! or a file — which is then loaded for the run only: unpinned, released when bench exits.
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use serde::Serialize;

use crate::attach::ephemeral::{self, Ephemeral};
use crate::error::{ErrorKind, X0Error};
use crate::maps::addr::{self, ObjRef};
use crate::obj::frame::{Builtin, PacketKind, MAX_FRAME, MIN_FRAME};
use crate::output::Report;
use crate::sys::file::{self, ReadError};
use crate::sys::{bpf, progstats};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The program: `id N`, `pinned PATH`, `name NAME`, OBJECT:PROG, or an object not loaded
    /// (embedded name or file, with :PROG when it has several packet programs)
    #[arg(value_name = "PROG", num_args = 1..=2, required = true)]
    pub prog: Vec<String>,
    /// The frame: a built-in Ethernet/IPv4 frame (udp, tcp, icmp) or a file of raw bytes
    /// (14 to 65535 bytes; a file named like a built-in is ./NAME)
    #[arg(long, value_name = "udp|tcp|icmp|FILE", default_value = "udp")]
    pub frame: String,
    /// Runs in the kernel; ns/run is their average
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
}

#[derive(Serialize)]
pub struct ProgRow {
    pub id: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub prog_type: String,
    /// `kernel`: a program that was loaded already; `ephemeral`: loaded for this run only.
    pub source: &'static str,
    /// The object an ephemeral program came from (embedded name or file).
    pub object: Option<String>,
}

#[derive(Serialize)]
pub struct FrameRow {
    /// `udp`, `tcp`, `icmp` or `file`.
    pub kind: &'static str,
    pub file: Option<PathBuf>,
    pub len: usize,
}

#[derive(Serialize)]
pub struct BenchReport {
    pub program: ProgRow,
    pub frame: FrameRow,
    pub repeat: u32,
    /// Average nanoseconds per run, as the kernel timed the `repeat` runs.
    pub ns_per_run: u32,
    /// The return value as the program's C code spells it (tc returns are signed: -1).
    pub retval: i64,
    /// XDP_PASS, TC_ACT_SHOT, TCX_NEXT…; for socket filters DROP, KEEP_ALL or TRUNCATE(N).
    pub retval_name: String,
    /// Length of the frame after the program (it may grow or shrink it).
    pub out_len: u32,
    /// Whether the program changed the frame's bytes or length.
    pub changed: bool,
}

const RUNNABLE: &str =
    "BPF_PROG_TEST_RUN runs XDP, tc (sched_cls, sched_act) and socket_filter programs on a frame";

const PROFILE_HINT: &str = "`x0bpf profile PROG` measures any program while it runs for real";

/// What to run: a program the kernel has, or one loaded for this run.
enum Target {
    Kernel(OwnedFd),
    Ephemeral(Ephemeral, String, String),
}

impl Target {
    fn fd(&self) -> Result<BorrowedFd<'_>, X0Error> {
        match self {
            Target::Kernel(fd) => Ok(fd.as_fd()),
            Target::Ephemeral(e, p, _) => e.prog(p),
        }
    }
}

fn resolve(ctx: &Ctx, words: &[String]) -> Result<Target, X0Error> {
    let loaded = |r: &ObjRef| addr::open_prog(ctx, r).map(|(fd, _)| Target::Kernel(fd));
    let usable = |t: &str| PacketKind::of(t).is_some();
    let ephemeral = |o: &str, p: Option<&str>| -> Result<Target, X0Error> {
        let (e, prog) = ephemeral::load_one(o, p, &usable, RUNNABLE).map_err(|e| {
            if e.kind == ErrorKind::Unsupported && e.hint.is_none() {
                e.hint(PROFILE_HINT)
            } else {
                e
            }
        })?;
        Ok(Target::Ephemeral(e, prog, o.to_string()))
    };
    let [one] = words else {
        return loaded(&ObjRef::parse_prog(words)?);
    };
    // OBJECT:PROG, where PROG has no `/` (a pin path may contain `:`).
    let (obj, prog) = match one.rsplit_once(':') {
        Some((o, p)) if !o.is_empty() && !p.contains('/') => {
            if p.is_empty() {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("`{one}`: expected OBJECT:PROG"),
                )
                .hint(addr::PROG_GRAMMAR));
            }
            (o, Some(p))
        }
        _ => (one.as_str(), None),
    };
    if one.starts_with('/') || one.starts_with('.') {
        // A path: a pin when it is on bpffs, else an object file to load for the run.
        let path = std::path::Path::new(one);
        // The path itself too: a symlink elsewhere to a pin is a pin (statfs follows it).
        let bpffs = |p: &std::path::Path| {
            crate::sys::mounts::is_bpffs(p) || p.parent().is_some_and(crate::sys::mounts::is_bpffs)
        };
        let on_bpffs = bpffs(path);
        let obj_path = std::path::Path::new(obj);
        if !on_bpffs && !bpffs(obj_path) && obj_path.is_file() {
            return ephemeral(obj, prog);
        }
        // A file whose own name has a `:` in it.
        if !on_bpffs && prog.is_some() && path.is_file() {
            return ephemeral(one, None);
        }
        return loaded(&ObjRef::Pinned(path.to_path_buf()));
    }
    if let Some(p) = prog {
        if addr::object_loaded(ctx, obj) {
            return loaded(&ObjRef::LoadedProg {
                object: obj.to_string(),
                prog: p.to_string(),
            });
        }
        return ephemeral(obj, Some(p));
    }
    if one.contains('/') {
        // OBJECT/MAP: refused by the grammar with its hint.
        return loaded(&ObjRef::parse_prog(words)?);
    }
    ephemeral(obj, None)
}

fn frame_error(msg: String) -> X0Error {
    X0Error::new(ErrorKind::Usage, msg)
        .hint("--frame takes udp, tcp, icmp or a regular file of 14 to 65535 raw bytes (an Ethernet frame)")
}

/// The frame's bytes: a built-in, or a regular file of bounded size (opened without blocking,
/// so a FIFO or device is refused, never waited on or read forever).
fn frame(spec: &str) -> Result<(Vec<u8>, FrameRow), X0Error> {
    if let Some(b) = Builtin::parse(spec) {
        let f = b.build();
        let row = FrameRow {
            kind: b.name(),
            file: None,
            len: f.len(),
        };
        return Ok((f, row));
    }
    let path = PathBuf::from(spec);
    let data = file::read_regular(&path, MAX_FRAME as u64).map_err(|e| match e {
        ReadError::Open(e) => {
            let mut x = frame_error(format!(
                "--frame {spec}: {}",
                crate::error::errno_text(e.raw_os_error().unwrap_or(0))
            ));
            if let Some(n) = e.raw_os_error() {
                x = x.errno(n);
            }
            x
        }
        ReadError::Io(e) => frame_error(format!("--frame {spec}: {e}")),
        ReadError::NotRegular(ft) => {
            let what = if ft.is_dir() {
                "a directory"
            } else if ft.is_fifo() {
                "a FIFO"
            } else if ft.is_char_device() || ft.is_block_device() {
                "a device"
            } else if ft.is_socket() {
                "a socket"
            } else {
                "not a regular file"
            };
            frame_error(format!("--frame {spec} is {what}, not a frame file"))
        }
        ReadError::TooLarge => {
            frame_error(format!("--frame {spec} is larger than {MAX_FRAME} bytes"))
        }
    })?;
    if data.len() < MIN_FRAME {
        return Err(frame_error(format!(
            "--frame {spec} has {} bytes: a frame needs at least an Ethernet header ({MIN_FRAME})",
            data.len()
        )));
    }
    let len = data.len();
    Ok((
        data,
        FrameRow {
            kind: "file",
            file: Some(path),
            len,
        },
    ))
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    crate::sys::caps::require_bpf("x0bpf bench")?;
    // The frame first: a bad file is refused before anything is loaded.
    let (data, frame_row) = frame(&a.frame)?;
    let target = resolve(ctx, &a.prog)?;
    let fd = target.fd()?;
    let info = progstats::stat_of(fd).map_err(|e| X0Error::os("reading the program", &e))?;
    let Some(kind) = PacketKind::of(&info.prog_type) else {
        return Err(X0Error::new(
            ErrorKind::Unsupported,
            format!(
                "program {} ({}) is a {} program: {RUNNABLE}",
                info.id, info.name, info.prog_type
            ),
        )
        .hint(PROFILE_HINT)
        .into());
    };
    let run =
        bpf::prog_test_run(fd, &data, a.repeat).map_err(|e| test_run_error(&e, &info, kind))?;
    let out_len = run.data_size_out;
    // Socket filters run on the packet past its Ethernet header, and the kernel hands back
    // that header zeroed: only the rest can tell whether the program changed the packet.
    let skip = if kind == PacketKind::SocketFilter {
        MIN_FRAME
    } else {
        0
    };
    let changed = out_len as usize != data.len() || run.data_out.get(skip..) != data.get(skip..);
    let (source, object) = match &target {
        Target::Kernel(_) => ("kernel", None),
        Target::Ephemeral(_, _, o) => ("ephemeral", Some(o.clone())),
    };
    let rep = BenchReport {
        program: ProgRow {
            id: info.id,
            name: info.name,
            prog_type: info.prog_type,
            source,
            object,
        },
        retval: kind.retval_signed(run.retval),
        retval_name: kind.retval_name(run.retval, data.len()),
        frame: frame_row,
        repeat: a.repeat,
        ns_per_run: run.duration_ns,
        out_len,
        changed,
    };
    // Release an ephemeral program before printing.
    drop(target);
    crate::output::emit("bench", &rep, ctx.fmt)?;
    Ok(0)
}

fn test_run_error(e: &io::Error, info: &progstats::ProgStat, kind: PacketKind) -> X0Error {
    let what = format!(
        "running program {} ({}) with BPF_PROG_TEST_RUN",
        info.id, info.name
    );
    match e.raw_os_error() {
        Some(libc::EINTR) => X0Error::new(ErrorKind::Usage, format!("{what}: interrupted"))
            .errno(libc::EINTR),
        // ENOTSUPP (524) is what the kernel says for a type without test runs.
        Some(524) | Some(libc::EOPNOTSUPP) => X0Error::new(
            ErrorKind::Unsupported,
            format!("{what}: this kernel cannot test-run {} programs", info.prog_type),
        )
        .errno(e.raw_os_error().unwrap_or(0)),
        // Measured on Linux 6.18: tc and socket filter runs build an skb whose data must fit
        // one page with its head and tail room; XDP runs put the rest of a longer frame in
        // fragments and take up to 65535 bytes.
        Some(libc::EINVAL) => X0Error::os(what, e).hint(match kind {
            PacketKind::Tc | PacketKind::SocketFilter => {
                "the kernel refused the frame or the program: tc and socket filter frames must fit a page with its head and tail room (3712 bytes with 4 KiB pages)"
            }
            PacketKind::Xdp => "the kernel refused the frame or the program: try a built-in frame (--frame udp)",
        }),
        _ => X0Error::os(what, e),
    }
}

impl Report for BenchReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let p = &self.program;
        writeln!(
            out,
            "program {} {} ({}){}",
            p.id,
            p.name,
            p.prog_type,
            match &p.object {
                Some(o) => format!(", loaded from {o} for this run"),
                None => String::new(),
            }
        )?;
        writeln!(
            out,
            "frame    {} ({} bytes){}",
            self.frame.kind,
            self.frame.len,
            self.frame
                .file
                .as_ref()
                .map(|f| format!(" {}", f.display()))
                .unwrap_or_default()
        )?;
        writeln!(out, "runs     {}", self.repeat)?;
        writeln!(out, "ns/run   {}", self.ns_per_run)?;
        writeln!(out, "return   {} ({})", self.retval_name, self.retval)?;
        writeln!(
            out,
            "out      {} bytes{}",
            self.out_len,
            if self.changed {
                ", changed"
            } else {
                ", unchanged"
            }
        )
    }
}
