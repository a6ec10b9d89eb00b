//! `x0bpf tail MAP`: stream the records of a ring buffer — text lines, JSON lines (a stream,
//! docs/JSON.md) or length-prefixed binary (`--raw`). Wakes on data (epoll), drains what is
//! already buffered first, stops after exactly `--count` records, after `--duration`, on
//! Ctrl-C/SIGTERM, or when stdout closes — always with a summary and exit 0.
use std::io;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{ErrorKind, X0Error};
use crate::maps::addr::{self, ObjRef, OpenMap};
use crate::maps::types;
use crate::obj::btf::{Btf, BtfKind};
use crate::obj::btf_value::{hex, Layout};
use crate::output::SCHEMA_VERSION;
use crate::stream::{self, Out};
use crate::sys::map as sysmap;
use crate::sys::perfbuf::{Event as PerfEvent, PerfReader};
use crate::sys::ringbuf::RingBuf;
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ring buffer: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP
    #[arg(value_name = "MAP", required = true, num_args = 1..=2, add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::record_maps))]
    pub map: Vec<String>,
    /// Decode records as this type (e.g. `struct event`), from --btf or else from the BTF of
    /// the loaded programs that use the map (default: a struct named after the map or object)
    #[arg(long = "type", value_name = "NAME")]
    pub type_name: Option<String>,
    /// Where to find --type: raw BTF or an ELF object with .BTF
    #[arg(long, value_name = "FILE")]
    pub btf: Option<PathBuf>,
    /// Stop after exactly N records
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this long (`10s`, `500ms`, `2m`; a bare number is seconds)
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Length-prefixed binary records (u32 little-endian length, then the bytes): the fastest
    /// path
    #[arg(long, conflicts_with = "type_name")]
    pub raw: bool,
    /// Read even when another process holds the buffer open (ring buffer: records it would
    /// have read are taken from it; perf event array: its perf buffers are replaced by ours)
    #[arg(long)]
    pub force: bool,
    /// Perf event arrays: data pages of each CPU's perf buffer (a power of two)
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = parse_pages)]
    pub perf_pages: usize,
}

fn parse_pages(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of pages"))?;
    if !n.is_power_of_two() || n > 1 << 16 {
        return Err(format!("{n} is not a power of two between 1 and 65536"));
    }
    Ok(n)
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 10s, 500ms, 2m)"))?;
    let secs = match unit {
        "ms" => v / 1000.0,
        "s" => v,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (ms, s, m, h)")),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("{s:?} is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Processes (other than this one) holding an fd to map `id`, from `/proc/*/fdinfo`.
pub fn holders(id: u32) -> Vec<(u32, String)> {
    let me = std::process::id();
    let mut out = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    let want = format!("map_id:\t{id}\n");
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        let mut holds = false;
        for fd in fds.flatten() {
            // Only bpf-map fds have their fdinfo read.
            if !std::fs::read_link(fd.path()).is_ok_and(|t| t.as_os_str() == "anon_inode:bpf-map") {
                continue;
            }
            let info = p.path().join("fdinfo").join(fd.file_name());
            if std::fs::read_to_string(info).is_ok_and(|s| s.contains(&want)) {
                holds = true;
                break;
            }
        }
        if holds {
            let comm = std::fs::read_to_string(p.path().join("comm"))
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            out.push((pid, comm));
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    Json,
    Raw,
}

/// The record type and why it was chosen (`--type`, or the name it was found by).
struct Record {
    layout: Layout,
    why: String,
}

/// The object a map belongs to, when it was opened through x0bpf's pins
/// (`<bpffs>/<pin dir>/<object>/maps/<map>`).
fn object_of(m: &OpenMap) -> Option<String> {
    let p = m.pin.as_ref()?;
    let maps = p.parent()?;
    (maps.file_name()? == "maps")
        .then(|| {
            maps.parent()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .flatten()
}

/// `events` → `event`, `net_events` → `net_event`.
fn singular(n: &str) -> Option<&str> {
    n.strip_suffix('s').filter(|s| !s.is_empty())
}

/// The structs of `btf` as `struct NAME`, sorted; with `size`, those of that size only.
fn structs(btf: &Btf, size: Option<u32>) -> Vec<String> {
    let mut v: Vec<String> = btf
        .types()
        .filter(|t| t.kind == BtfKind::Struct && !t.name.is_empty())
        .filter(|t| size.is_none_or(|s| t.size == s))
        .map(|t| format!("struct {}", t.name))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Without `--type`: the struct the records are named after, in the BTF of the programs that
/// use the map — `struct <map>` minus a plural `s` (`events` → `struct event`), then
/// `struct <object>` minus its `s` (`net_events` → `struct net_event`), then the only struct
/// named `*_<map minus s>` if there is exactly one (`struct net_event` for `events` whatever
/// the object is called), then the names as they are. The first name found wins; none found: hex. A name is the only evidence BTF
/// gives: the type handed to bpf_ringbuf_output/reserve is not recorded anywhere.
fn auto_type(m: &OpenMap, btfs: &[Btf]) -> Option<Record> {
    let obj = object_of(m);
    let mut names: Vec<(String, String)> = Vec::new();
    let map = m.info.name.as_str();
    if let Some(s) = singular(map) {
        names.push((s.to_string(), format!("named after map {map}")));
    }
    if let Some(o) = &obj {
        if let Some(s) = singular(o) {
            names.push((s.to_string(), format!("named after object {o}")));
        }
    }
    names.push((map.to_string(), format!("named after map {map}")));
    if let Some(o) = &obj {
        names.push((o.clone(), format!("named after object {o}")));
    }
    // Then the one struct named `*_<map minus s>` (`net_event` for `events`), if only one.
    if let Some(sing) = singular(map) {
        let suffix = format!("_{sing}");
        let mut hits: Vec<String> = btfs
            .iter()
            .flat_map(|b| structs(b, None))
            .filter(|n| n.ends_with(&suffix))
            .collect();
        hits.dedup();
        if let [one] = hits.as_slice() {
            let bare = one.trim_start_matches("struct ").to_string();
            names.insert(
                names.len().min(if obj.is_some() { 2 } else { 1 }),
                (
                    bare,
                    format!("the only struct named *{suffix}, for map {map}"),
                ),
            );
        }
    }
    for (n, why) in names {
        for b in btfs {
            let hit = b.find_by_name(&n).into_iter().find(|&id| {
                b.get(id)
                    .is_some_and(|t| t.kind == BtfKind::Struct && t.size > 0)
            });
            if let Some(id) = hit {
                if let Ok(l) = Layout::new(b, id) {
                    return Some(Record {
                        layout: l.with_addresses(),
                        why,
                    });
                }
            }
        }
    }
    None
}

fn resolve_type(m: &OpenMap, a: &Args) -> Result<Option<Record>, X0Error> {
    let Some(name) = &a.type_name else {
        if a.raw || a.btf.is_some() {
            return Ok(None);
        }
        return Ok(auto_type(m, &types::prog_btfs_using(m.info.id)));
    };
    let btfs = match &a.btf {
        Some(p) => vec![types::file_btf(p)?],
        None => types::prog_btfs_using(m.info.id),
    };
    if btfs.is_empty() {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!(
                "no BTF to find type {name:?} in: no loaded program with BTF uses map {}",
                m.info.id
            ),
        )
        .hint("give the object that declares it with --btf FILE"));
    }
    let mut last = None;
    for b in &btfs {
        match types::find_type(b, name, None) {
            Ok(id) => {
                return Layout::new(b, id)
                    .map(|l| {
                        Some(Record {
                            layout: l.with_addresses(),
                            why: "--type".into(),
                        })
                    })
                    .map_err(|e| {
                        X0Error::new(ErrorKind::InvalidObject, format!("type {name:?}: {e}"))
                    })
            }
            Err(e) => last = Some(e),
        }
    }
    // Not found: name the structs there are, in the one line.
    let mut all: Vec<String> = btfs.iter().flat_map(|b| structs(b, None)).collect();
    all.sort();
    all.dedup();
    let mut e =
        last.unwrap_or_else(|| X0Error::new(ErrorKind::NotFound, format!("no type {name:?}")));
    if !all.is_empty() {
        let shown: Vec<&str> = all.iter().take(20).map(String::as_str).collect();
        let more = if all.len() > 20 {
            format!(" and {} more", all.len() - 20)
        } else {
            String::new()
        };
        e.message = format!("{}; its structs: {}{more}", e.message, shown.join(", "));
    }
    Err(e)
}

struct Summary {
    records: u64,
    /// Samples the kernel reported lost (perf event arrays); `None` for ring buffers.
    lost: Option<u64>,
    reason: &'static str,
}

/// Why a drain stopped with records left.
enum Halt {
    /// The stream ends (`interrupted`, `duration`).
    Stop(&'static str),
    /// The output buffer is full: write it out and commit, then go on.
    Flush,
}

/// Where records come from.
enum Source {
    Ring(RingBuf),
    Perf(PerfReader),
}

/// One thing a source hands out.
enum Ev<'a> {
    Rec { cpu: Option<u32>, data: &'a [u8] },
    Lost { cpu: u32, n: u64 },
}

impl Source {
    fn consume(
        &mut self,
        max: u64,
        mut f: impl FnMut(Ev<'_>) -> io::Result<()>,
    ) -> io::Result<u64> {
        match self {
            Source::Ring(rb) => rb.consume(max, |data| f(Ev::Rec { cpu: None, data })),
            Source::Perf(p) => p.consume(max, |e| match e {
                PerfEvent::Sample { cpu, data } => f(Ev::Rec {
                    cpu: Some(cpu),
                    data,
                }),
                PerfEvent::Lost { cpu, n } => f(Ev::Lost { cpu, n }),
            }),
        }
    }

    /// Everything handed out so far is written out: the kernel may reuse its space, and the
    /// next reader starts after it.
    fn commit(&mut self) {
        match self {
            Source::Ring(rb) => rb.commit(),
            Source::Perf(p) => p.commit(),
        }
    }

    fn wait(&self, timeout: i32) -> io::Result<Vec<u64>> {
        match self {
            Source::Ring(rb) => rb.wait(timeout),
            Source::Perf(p) => p.wait(timeout),
        }
    }

    fn watch(&self, fd: i32, events: u32, token: u64) -> io::Result<()> {
        match self {
            Source::Ring(rb) => rb.watch(fd, events, token),
            Source::Perf(p) => p.watch(fd, events, token),
        }
    }
}

/// Token of stdout in the epoll set (0 is the ring buffer, perf rings use CPU_TOKEN + i).
const STDOUT_TOKEN: u64 = 1;

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let r = ObjRef::parse(&a.map)?;
    let m = addr::open_map(ctx, &r)?;
    let perf = match m.info.map_type {
        sysmap::RINGBUF => false,
        sysmap::PERF_EVENT_ARRAY => true,
        t => {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!(
                    "map {} is a {}, not a ring buffer or perf event array",
                    m.info.id,
                    crate::obj::names::map_type_name(t)
                ),
            )
            .hint("`x0bpf map dump` reads maps with entries")
            .into())
        }
    };
    if !a.force {
        let h = holders(m.info.id);
        if !h.is_empty() {
            let who: Vec<String> = h.iter().map(|(p, c)| format!("{c} (pid {p})")).collect();
            let what = if perf {
                "holds this perf event array; reading it replaces that reader's perf buffers with ours"
            } else {
                "holds this ring buffer; records read here are taken from it"
            };
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!("map {}: {} {what}", m.info.id, who.join(", ")),
            )
            .hint("--force reads anyway")
            .into());
        }
    }
    let record = resolve_type(&m, a)?;
    let layout = record.as_ref().map(|r| &r.layout);
    if let (Some(r), false, false) = (&record, a.raw, ctx.fmt.json) {
        if a.type_name.is_none() {
            eprintln!(
                "x0bpf: note: records as {} ({}; --type NAME for another, --raw for bytes)",
                r.layout.type_name, r.why
            );
        }
    }
    let mode = if a.raw {
        Mode::Raw
    } else if ctx.fmt.json {
        Mode::Json
    } else {
        Mode::Text
    };
    stream::install_stop_signals();
    let mut src =
        if perf {
            Source::Perf(
                PerfReader::open(m.fd.as_fd(), m.info.max_entries, a.perf_pages).map_err(|e| {
                    let mut x = X0Error::os(
                        format!("map {}: opening a perf buffer per CPU", m.info.id),
                        &e,
                    );
                    if matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM)) {
                        x.kind = ErrorKind::Permission;
                        x = x.hint("perf_event_open needs CAP_PERFMON (or CAP_SYS_ADMIN)");
                    }
                    x
                })?,
            )
        } else {
            Source::Ring(RingBuf::new(m.fd.as_fd(), m.info.max_entries).map_err(|e| {
                X0Error::os(format!("map {}: mapping the ring buffer", m.info.id), &e)
            })?)
        };
    // A pipe's write end reports EPOLLERR once the reader is gone: exit at once even when idle.
    let _ = src.watch(1, 0, STDOUT_TOKEN);
    let mut out = Out::stdout();
    let why = record.as_ref().map(|r| r.why.as_str());
    let res = stream_records(&mut src, &mut out, a, mode, layout, why, &m);
    match res {
        Ok(s) => {
            match finish(&mut out, mode, &s) {
                // Written out: consumed. Not written: left for the next reader.
                Ok(()) => src.commit(),
                Err(e) if !stream::is_broken_pipe(&e) && !stream::is_stalled(&e) => {
                    return Err(e.into())
                }
                // Not written: not consumed, the next reader gets them (at-least-once).
                Err(_) => {}
            }
            if s.lost.is_some_and(|l| l > 0) {
                crate::output::warn(&format!(
                    "map {}: the kernel lost {} samples (perf buffers full; a larger --perf-pages helps)",
                    m.info.id,
                    s.lost.unwrap_or(0)
                ));
            }
            if mode == Mode::Text && stream::stderr_is_terminal() {
                eprintln!("x0bpf: {} records ({})", s.records, s.reason);
            }
            Ok(0)
        }
        Err(e) if stream::is_broken_pipe(&e) || stream::is_stalled(&e) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

fn finish(out: &mut Out, mode: Mode, s: &Summary) -> io::Result<()> {
    if mode == Mode::Json {
        out.write_all(
            format!(
                "{{\"summary\":{{\"records\":{},\"lost\":{},\"complete\":true,\"reason\":\"{}\"}}}}\n",
                s.records,
                s.lost.map_or("null".to_string(), |l| l.to_string()),
                s.reason
            )
            .as_bytes(),
        )?;
    }
    out.flush()
}

/// Whether a record of `len` bytes holds one value of `want` bytes. Perf samples are padded by
/// the kernel so that their size + 4 is a multiple of 8.
fn fits(len: usize, want: usize, perf: bool) -> bool {
    len == want || (perf && len > want && len == ((want + 4 + 7) & !7) - 4)
}

fn stream_records(
    src: &mut Source,
    out: &mut Out,
    a: &Args,
    mode: Mode,
    layout: Option<&Layout>,
    why: Option<&str>,
    m: &OpenMap,
) -> io::Result<Summary> {
    let perf = matches!(src, Source::Perf(_));
    if mode == Mode::Json {
        let map = serde_json::json!({
            "id": m.info.id,
            "name": m.info.name,
            "type": crate::obj::names::map_type_name(m.info.map_type),
            "max_entries": m.info.max_entries,
            "pin": m.pin.as_ref().map(|p| p.display().to_string()),
        });
        let mut rest = serde_json::json!({
            "map": map,
            "record_type": layout.map(|l| l.type_name.clone()),
            "record_type_from": why,
            "record_size": layout.map(|l| l.size),
            "records": if layout.is_some() { "value" } else { "hex" },
            "lost": if perf {
                "reported by the kernel: {\"lost\":N,\"cpu\":C} lines and the summary"
            } else {
                "counted by the producer (ring buffers report no loss to readers)"
            },
        });
        if let Source::Perf(p) = &*src {
            rest["cpus"] = serde_json::json!(p.cpus());
        }
        // schema_version and command first, as in every document.
        let header = format!(
            "{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"tail\",\"header\":{rest}}}"
        );
        let mut s = header.into_bytes();
        s.push(b'\n');
        out.write_all(&s)?;
        out.flush()?;
    }
    let deadline = a.duration.map(|d| Instant::now() + d);
    // A reader that stops reading does not hold the stream past its deadline either.
    stream::set_write_deadline(deadline);
    let limit = a.count.unwrap_or(u64::MAX);
    let mut seq: u64 = 0;
    let mut lost: u64 = 0;
    let mut line: Vec<u8> = Vec::with_capacity(512);
    // A type picked by name (not --type) that the records do not fit: plain hex.
    let auto = why.is_some_and(|w| w != "--type");
    let want = layout.map(|l| l.size as usize);
    let summary = |records, lost, reason| Summary {
        records,
        lost: perf.then_some(lost),
        reason,
    };
    // Records are consumed (the kernel's position moves past them) only once written out:
    // before a record that would not fit the output buffer, the buffer is written and what
    // it held committed. A reader killed at any point loses nothing the next reader cannot
    // read; one killed between a write and its commit leaves those records to be read again
    // (at-least-once, README "tail").
    let cap = out.capacity();
    loop {
        if seq >= limit {
            return Ok(summary(seq, lost, "count"));
        }
        if stream::stopped() {
            return Ok(summary(seq, lost, "interrupted"));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(summary(seq, lost, "duration"));
        }
        // Why the drain stopped before the buffer was empty.
        let mut halt: Option<Halt> = None;
        let got = src.consume(limit - seq, |ev| -> io::Result<()> {
            use std::io::Write;
            // A signal or the deadline during a long drain (a producer that keeps the buffer
            // full, a slow reader) ends it at the next record, which stays in the buffer.
            if stream::stopped() {
                halt = Some(Halt::Stop("interrupted"));
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                halt = Some(Halt::Stop("duration"));
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            line.clear();
            let (cpu, rec) = match ev {
                Ev::Rec { cpu, data } => (cpu, data),
                Ev::Lost { cpu, n } => match mode {
                    Mode::Json => {
                        let _ = writeln!(line, "{{\"lost\":{n},\"cpu\":{cpu}}}");
                        if out.buffered() > 0 && out.buffered() + line.len() >= cap {
                            halt = Some(Halt::Flush);
                            return Err(io::Error::from(io::ErrorKind::Interrupted));
                        }
                        lost += n;
                        return out.write_all(&line);
                    }
                    _ => {
                        lost += n;
                        crate::output::warn(&format!("the kernel lost {n} samples on CPU {cpu}"));
                        return Ok(());
                    }
                },
            };
            match mode {
                Mode::Raw => {
                    line.extend_from_slice(&(rec.len() as u32).to_le_bytes());
                    line.extend_from_slice(rec);
                }
                Mode::Json => {
                    let _ = write!(line, "{{\"seq\":{seq},");
                    if let Some(c) = cpu {
                        let _ = write!(line, "\"cpu\":{c},");
                    }
                    let _ = write!(line, "\"size\":{},", rec.len());
                    match (layout, want) {
                        (Some(l), Some(w)) if fits(rec.len(), w, perf) => {
                            line.extend_from_slice(b"\"value\":");
                            l.write_json(&rec[..w], &mut line);
                        }
                        (Some(_), Some(_)) if auto => {
                            let _ = write!(line, "\"hex\":\"{}\"", hex(rec));
                        }
                        (Some(_), Some(w)) => {
                            let _ = write!(
                                line,
                                "\"mismatch\":\"{}\",\"hex\":\"{}\"",
                                if rec.len() < w {
                                    "shorter than the type"
                                } else {
                                    "longer than the type"
                                },
                                hex(rec)
                            );
                        }
                        _ => {
                            let _ = write!(line, "\"hex\":\"{}\"", hex(rec));
                        }
                    }
                    line.extend_from_slice(b"}\n");
                }
                Mode::Text => {
                    if let Some(c) = cpu {
                        let _ = write!(line, "cpu {c}: ");
                    }
                    match (layout, want) {
                        (Some(l), Some(w)) if fits(rec.len(), w, perf) => {
                            l.write_json(&rec[..w], &mut line)
                        }
                        (Some(_), Some(_)) if auto => line.extend_from_slice(hex(rec).as_bytes()),
                        (Some(_), Some(w)) => {
                            let _ = write!(line, "[{} bytes, type is {w}] {}", rec.len(), hex(rec));
                        }
                        _ => line.extend_from_slice(hex(rec).as_bytes()),
                    }
                    line.push(b'\n');
                }
            }
            if out.buffered() > 0 && out.buffered() + line.len() >= cap {
                // Written out first, then committed; this record is handed out again.
                halt = Some(Halt::Flush);
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            seq += 1;
            out.write_all(&line)
        });
        let got = match got {
            Err(e) if e.kind() == io::ErrorKind::Interrupted && halt.is_some() => match halt {
                Some(Halt::Stop(reason)) => return Ok(summary(seq, lost, reason)),
                _ => {
                    out.flush()?;
                    src.commit();
                    continue;
                }
            },
            other => other?,
        };
        if got > 0 {
            continue;
        }
        // Nothing pending: write out what is buffered and commit it (the kernel wakes a
        // reader only once it has caught up), then sleep until data, signal or deadline.
        out.flush()?;
        src.commit();
        let timeout = match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Ok(summary(seq, lost, "duration"));
                }
                (d - now).as_millis().min(i32::MAX as u128) as i32 + 1
            }
            None => -1,
        };
        let fired = src.wait(timeout)?;
        if fired.contains(&STDOUT_TOKEN) {
            // stdout's reader is gone.
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
    }
}

#[cfg(test)]
mod address_tests {
    use crate::cmd::events::net_event;
    use crate::obj::btf::{Btf, BtfKind};
    use crate::obj::btf_value::Layout;

    fn bytes(e: &net_event) -> Vec<u8> {
        // SAFETY: a repr(C) plain-data struct read as its bytes.
        unsafe {
            std::slice::from_raw_parts(e as *const _ as *const u8, std::mem::size_of::<net_event>())
        }
        .to_vec()
    }

    /// Issue 20 §4.1: `struct net_event`'s saddr/daddr (`__u8[16]` with a `family` sibling)
    /// print as IPv4 or IPv6 addresses by the family; an unknown family keeps the bytes.
    #[test]
    fn net_event_addresses_decode_by_family() {
        let e = crate::obj::source::embedded("net_events").expect("embedded");
        let btf: Btf = crate::obj::elf::parse(e.bytes, "net_events")
            .expect("parse")
            .btf
            .expect("BTF");
        let id = btf
            .types()
            .find(|t| t.name == "net_event" && t.kind == BtfKind::Struct)
            .expect("struct net_event")
            .id;
        let l = Layout::new(&btf, id).unwrap().with_addresses();
        let mut ev = net_event {
            family: 2,
            ..Default::default()
        };
        ev.saddr[..4].copy_from_slice(&[10, 0, 0, 1]);
        ev.daddr[..4].copy_from_slice(&[192, 168, 1, 20]);
        let mut out = Vec::new();
        l.write_json(&bytes(&ev), &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["saddr"], "10.0.0.1", "{v}");
        assert_eq!(v["daddr"], "192.168.1.20", "{v}");
        ev.family = 10;
        ev.saddr = [0; 16];
        ev.saddr[..2].copy_from_slice(&[0x20, 0x01]);
        ev.saddr[2..4].copy_from_slice(&[0x0d, 0xb8]);
        ev.saddr[15] = 1;
        let mut out = Vec::new();
        l.write_json(&bytes(&ev), &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["saddr"], "2001:db8::1", "{v}");
        ev.family = 0;
        let mut out = Vec::new();
        l.write_json(&bytes(&ev), &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(v["saddr"].is_array(), "unknown family: bytes, {v}");
        // Without with_addresses (map dump), bytes as before.
        let mut out = Vec::new();
        Layout::new(&btf, id)
            .unwrap()
            .write_json(&bytes(&ev), &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(v["saddr"].is_array(), "{v}");
    }
}
