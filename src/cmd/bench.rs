//! `x0bpf bench PROG [--frame udp|tcp|icmp|FILE] [--repeat N]`: run a packet program
//! (XDP, tc, socket filter) on a frame with BPF_PROG_TEST_RUN, as `bpftool prog run` does, and
//! say what it returned by name, how long a run took and how long the frame came out.
//!
//! PROG is a loaded program (`id N`, `pinned PATH`, `name NAME`, OBJECT:PROG loaded by x0bpf)
//! or an object that is not loaded — an embedded one (`xdp_counter`, `tc_classifier:tc_classify`)
//! or a file — which is then loaded for the run only: unpinned, released when bench exits.
//!
//! A test run executes the program for real, map writes included: run on a live program it
//! would add made-up flows and counts to the maps that `flows`, `stats` and the exporter read.
//! So a loaded program is never run itself unless `--live` says so: bench runs a fresh copy
//! (same instructions, same-shaped empty maps) of the embedded program whose tag it has, and
//! refuses a program whose ELF it does not know.
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use serde::Serialize;

use crate::attach::ephemeral::{self, Ephemeral};
use crate::error::{ErrorKind, X0Error};
use crate::maps::addr::{self, ObjRef};
use crate::obj::frame::{Builtin, PacketKind, MAX_FRAME, MIN_FRAME};
use crate::obj::{analysis, elf, helpers, insn, source};
use crate::output::Report;
use crate::sys::bpf::{self, ObjKind};
use crate::sys::file::{self, ReadError};
use crate::sys::kallsyms::Kallsyms;
use crate::sys::progstats;
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The program: `id N`, `pinned PATH`, `name NAME`, OBJECT:PROG, or an object not loaded
    /// (embedded name or file, with :PROG when it has several packet programs)
    #[arg(value_name = "PROG", num_args = 1..=2, required = true, add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::prog_targets))]
    pub prog: Vec<String>,
    /// The frame: a built-in Ethernet/IPv4 frame (udp, tcp, icmp) or a file of raw bytes
    /// (14 to 65535 bytes; a file named like a built-in is ./NAME)
    #[arg(long, value_name = "udp|tcp|icmp|FILE", default_value = "udp")]
    pub frame: String,
    /// Runs in the kernel; ns/run is their average
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Run the loaded program itself, on its live maps (the runs' map writes are real: counts,
    /// flows); without it a loaded program is run as a fresh copy with empty maps
    #[arg(long)]
    pub live: bool,
}

#[derive(Serialize)]
pub struct ProgRow {
    pub id: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub prog_type: String,
    /// `kernel`: a program that was loaded already (`--live`); `ephemeral`: an object loaded
    /// for this run only; `copy`: a fresh copy of a loaded program, loaded for this run only.
    pub source: &'static str,
    /// The object an ephemeral program or a copy came from (embedded name or file).
    pub object: Option<String>,
    /// `copy`: the id of the loaded program it is a copy of.
    pub copy_of: Option<u32>,
}

/// A map a live program may write during the runs.
#[derive(Serialize, Clone)]
pub struct MapRow {
    pub id: u32,
    pub name: String,
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
    /// Whether the loaded program itself ran, on its live maps (`--live`).
    pub live: bool,
    /// `--live`: the maps the runs may have written (from the program's instructions; all of
    /// them when the analysis cannot tell); null otherwise.
    pub may_write: Option<Vec<MapRow>>,
}

const RUNNABLE: &str =
    "BPF_PROG_TEST_RUN runs XDP, tc (sched_cls, sched_act) and socket_filter programs on a frame";

const PROFILE_HINT: &str = "`x0bpf profile PROG` measures any program while it runs for real";

/// What to run: a program the kernel has, or one loaded for this run.
enum Target {
    Kernel(OwnedFd),
    Ephemeral(Ephemeral, String, String),
    /// A fresh copy of loaded program `u32` (its id), loaded for this run.
    Copy(Ephemeral, String, String, u32),
}

impl Target {
    fn fd(&self) -> Result<BorrowedFd<'_>, X0Error> {
        match self {
            Target::Kernel(fd) => Ok(fd.as_fd()),
            Target::Ephemeral(e, p, _) | Target::Copy(e, p, _, _) => e.prog(p),
        }
    }
}

/// The kernel keeps the first 15 bytes of a program's name.
fn kernel_name(n: &str) -> &str {
    let mut end = n.len().min(15);
    while !n.is_char_boundary(end) {
        end -= 1;
    }
    &n[..end]
}

/// A fresh copy of loaded program `fd`: the embedded program of the same name and type whose
/// copy, loaded here, has the same tag (the kernel's hash of the instructions, map references
/// left out), so it runs the same code on empty maps of the same shape. None when no
/// embedded program is the same (a program from a file, another tool's, another version's).
fn fresh_copy(fd: BorrowedFd<'_>) -> Result<Option<Target>, X0Error> {
    let live = bpf::prog_info(fd).map_err(|e| X0Error::os("reading the program", &e))?;
    if PacketKind::of(&live.prog_type).is_none() || live.tag.is_empty() {
        return Ok(None);
    }
    for object in source::names() {
        let Ok(src) = source::resolve(object) else {
            continue;
        };
        let Ok(parsed) = elf::parse(&src.bytes, &src.origin) else {
            continue;
        };
        let candidates: Vec<String> = parsed
            .info
            .programs
            .iter()
            .filter(|p| {
                p.global
                    && kernel_name(&p.name) == live.name
                    && p.prog_type
                        .as_deref()
                        .is_some_and(|t| PacketKind::of(t).is_some())
            })
            .map(|p| p.name.clone())
            .collect();
        for p in candidates {
            let usable = |t: &str| PacketKind::of(t).is_some();
            let (e, prog) = ephemeral::load_one(object, Some(&p), &usable, RUNNABLE)?;
            let same = bpf::prog_info(e.prog(&prog)?)
                .is_ok_and(|c| c.tag == live.tag && c.prog_type_number == live.prog_type_number);
            if same {
                return Ok(Some(Target::Copy(e, prog, object.to_string(), live.id)));
            }
        }
    }
    Ok(None)
}

/// The maps loaded program `fd` may write when it runs, by the dataflow analysis `explain`
/// uses, on its translated code. Where the analysis cannot be sure (no instructions, helper
/// calls it cannot name, map arguments it cannot follow) every map of the program is listed:
/// this is a warning, so it errs on the side of saying too much.
fn maps_written(fd: BorrowedFd<'_>) -> Vec<MapRow> {
    let Ok(pi) = bpf::prog_info(fd) else {
        return Vec::new();
    };
    // No maps, nothing to write: spare the kallsyms read and the analysis.
    if pi.map_ids.is_empty() {
        return Vec::new();
    }
    let row = |id: u32| MapRow {
        id,
        name: bpf::fd_by_id(ObjKind::Map, id)
            .ok()
            .and_then(|m| crate::sys::map::info(m.as_fd()).ok())
            .map(|m| m.name)
            .unwrap_or_else(|| format!("map id {id}")),
    };
    let all = || pi.map_ids.iter().map(|&id| row(id)).collect::<Vec<_>>();
    let raw = match bpf::prog_xlated(fd, pi.xlated_bytes) {
        Ok(r) if !r.is_empty() => r,
        _ => return all(),
    };
    let Ok(ksyms) = Kallsyms::read() else {
        return all();
    };
    let index: BTreeMap<u32, u32> = pi
        .map_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let (code, unresolved) = analysis::from_xlated(
        insn::decode_all(&raw, cfg!(target_endian = "big")),
        |imm| helpers::by_kernel_function(ksyms.call_target(imm)?),
        |id| index.get(&id).copied(),
    );
    let facts = analysis::analyze(&code);
    if !unresolved.is_empty() || !facts.unknown_map_args.is_empty() || !facts.limits.is_empty() {
        return all();
    }
    pi.map_ids
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            facts
                .maps
                .get(&(*i as u32))
                .is_some_and(|ops| ops.iter().any(|o| o.writes()))
        })
        .map(|(_, &id)| row(id))
        .collect()
}

fn resolve(ctx: &Ctx, words: &[String], live: bool) -> Result<Target, X0Error> {
    let loaded = |r: &ObjRef| -> Result<Target, X0Error> {
        let (fd, _) = addr::open_prog(ctx, r)?;
        // A program of a type that cannot be test-run is refused by `run` as such (exit 5),
        // before anything runs.
        let runnable = progstats::stat_of(fd.as_fd())
            .map(|i| PacketKind::of(&i.prog_type).is_some())
            .unwrap_or(true);
        if live || !runnable {
            return Ok(Target::Kernel(fd));
        }
        if let Some(copy) = fresh_copy(fd.as_fd())? {
            return Ok(copy);
        }
        let what = match bpf::prog_info(fd.as_fd()) {
            Ok(i) => format!("program {} ({})", i.id, i.name),
            Err(_) => "the program".to_string(),
        };
        Err(X0Error::new(
            ErrorKind::Usage,
            format!("{what} is loaded, and x0bpf has no copy of its ELF to run instead: its runs would write into its live maps"),
        )
        .hint("add --live to run it on its live maps, or bench its object file (`x0bpf bench FILE[:PROG]`)"))
    };
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
    let target = resolve(ctx, &a.prog, a.live)?;
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
    let may_write = matches!(target, Target::Kernel(_)).then(|| maps_written(fd));
    if let Some(w) = &may_write {
        // Said before the runs, so it is said even if they fail half-way.
        let names = if w.is_empty() {
            "none".to_string()
        } else {
            w.iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        // stderr: stdout belongs to the report (the JSON field says it too).
        eprintln!(
            "x0bpf: note: --live: running program {} ({}) itself; its runs are real and may write its maps: {names}",
            info.id, info.name
        );
    }
    // One syscall that may run for seconds (`--repeat 20000000`): a spinner on a terminal.
    let busy = crate::output::busy(&format!(
        "running {} ({}) {} times",
        info.name, info.id, a.repeat
    ));
    let run =
        bpf::prog_test_run(fd, &data, a.repeat).map_err(|e| test_run_error(&e, &info, kind))?;
    drop(busy);
    let out_len = run.data_size_out;
    // Socket filters run on the packet past its Ethernet header, and the kernel hands back
    // that header zeroed: only the rest can tell whether the program changed the packet.
    let skip = if kind == PacketKind::SocketFilter {
        MIN_FRAME
    } else {
        0
    };
    let changed = out_len as usize != data.len() || run.data_out.get(skip..) != data.get(skip..);
    let (source, object, copy_of) = match &target {
        Target::Kernel(_) => ("kernel", None, None),
        Target::Ephemeral(_, _, o) => ("ephemeral", Some(o.clone()), None),
        Target::Copy(_, _, o, id) => ("copy", Some(o.clone()), Some(*id)),
    };
    let rep = BenchReport {
        program: ProgRow {
            id: info.id,
            name: info.name,
            prog_type: info.prog_type,
            source,
            object,
            copy_of,
        },
        retval: kind.retval_signed(run.retval),
        retval_name: kind.retval_name(run.retval, data.len()),
        frame: frame_row,
        repeat: a.repeat,
        ns_per_run: run.duration_ns,
        out_len,
        changed,
        live: a.live && source == "kernel",
        may_write,
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
            match (&p.object, p.copy_of) {
                (Some(o), Some(id)) => format!(
                    ", a fresh copy of program {id} from {o} (empty maps), loaded for this run"
                ),
                (Some(o), None) => format!(", loaded from {o} for this run"),
                (None, _) => String::new(),
            }
        )?;
        if let Some(w) = &self.may_write {
            writeln!(
                out,
                "live     may have written {}",
                if w.is_empty() {
                    "no map".to_string()
                } else {
                    w.iter()
                        .map(|m| format!("{} (map {})", m.name, m.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )?;
        }
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
