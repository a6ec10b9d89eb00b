//! `x0bpf map show|dump|lookup|update|delete|peek|pop|push`: read and change any map, typed by
//! BTF. Addressing: `crate::maps::addr`. Typing: `crate::maps::types`. Decoding/encoding:
//! `crate::obj::btf_value`. Syscalls: `crate::sys::map`. `dump` streams (docs/JSON.md).
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::error::{ErrorKind, X0Error};
use crate::maps::addr::{self, ObjRef, OpenMap};
use crate::maps::types::{self, Types, Typing};
use crate::obj::btf_value::{hex, parse_hex, Layout};
use crate::output::{Report, SCHEMA_VERSION};
use crate::stream::{self, Out};
use crate::sys::map::{self as sysmap, Info};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: MapCmd,
}

#[derive(Debug, clap::Subcommand)]
pub enum MapCmd {
    /// What the kernel says about a map (every map without an argument)
    Show(ShowArgs),
    /// Every entry, streamed; typed by BTF
    Dump(DumpArgs),
    /// One entry by key (bloom filter: is the value present?)
    Lookup(KeyArgs),
    /// Create or change an entry
    Update(UpdateArgs),
    /// Remove an entry
    Delete(KeyArgs),
    /// Queue/stack: the next value, left in place
    Peek(ValueOnlyArgs),
    /// Queue/stack: take the next value
    Pop(ValueOnlyArgs),
    /// Queue/stack/bloom filter: add a value
    Push(PushArgs),
}

/// `id N`, `pinned PATH` (or a path starting with / or .), `name NAME`, or OBJECT/MAP.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The map: `id N`, `pinned PATH`, `/path/on/bpffs`, `name NAME`, or OBJECT/MAP
    #[arg(value_name = "MAP", required = true, num_args = 1..=2, add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::map_targets))]
    pub map: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct TypeArgs {
    /// Read types from this file (raw BTF, or an ELF object with .BTF) instead of the map's BTF
    #[arg(long, value_name = "FILE")]
    pub btf: Option<PathBuf>,
    /// Key type name (e.g. `struct flow_key`, `__u32`)
    #[arg(long, value_name = "NAME")]
    pub key_type: Option<String>,
    /// Value type name
    #[arg(long, value_name = "NAME")]
    pub value_type: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The map (every map when left out)
    #[arg(value_name = "MAP", num_args = 0..=2, add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::map_targets))]
    pub map: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct DumpArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub types: TypeArgs,
    /// Every CPU's value of per-CPU maps (default: integer fields summed over CPUs)
    #[arg(long)]
    pub per_cpu: bool,
    /// Stop after N entries
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// One JSON object per line (header, entries, summary) instead of one document
    #[arg(long)]
    pub lines: bool,
    /// Map-in-map: dump each inner map too
    #[arg(long)]
    pub follow: bool,
}

#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub types: TypeArgs,
    /// The key as JSON, in the shape `dump` prints
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "key_hex",
        allow_hyphen_values = true
    )]
    pub key: Option<String>,
    /// The key as hex bytes ("01 00 00 00")
    #[arg(long, value_name = "HEX")]
    pub key_hex: Option<String>,
    /// Bloom filter lookup: the value to test, as JSON
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "value_hex",
        allow_hyphen_values = true
    )]
    pub value: Option<String>,
    /// Bloom filter lookup: the value to test, as hex bytes
    #[arg(long, value_name = "HEX")]
    pub value_hex: Option<String>,
    /// Every CPU's value of per-CPU maps
    #[arg(long)]
    pub per_cpu: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum UpdateFlags {
    /// Create or replace
    Any,
    /// Only create (fails if the key exists)
    Noexist,
    /// Only replace (fails if the key does not exist)
    Exist,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub types: TypeArgs,
    /// The key as JSON
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "key_hex",
        allow_hyphen_values = true
    )]
    pub key: Option<String>,
    /// The key as hex bytes
    #[arg(long, value_name = "HEX")]
    pub key_hex: Option<String>,
    /// The value as JSON (per-CPU maps: the same value on every CPU, or with --per-cpu an
    /// array of one value per CPU)
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "value_hex",
        allow_hyphen_values = true
    )]
    pub value: Option<String>,
    /// The value as hex bytes
    #[arg(long, value_name = "HEX")]
    pub value_hex: Option<String>,
    /// any: create or replace; exist: only replace (BPF_EXIST); noexist: only create
    /// (BPF_NOEXIST)
    #[arg(long, value_enum, default_value = "any")]
    pub flags: UpdateFlags,
    /// A partial struct value keeps the current values of the fields it leaves out
    #[arg(long)]
    pub merge: bool,
    /// --value is an array with one value per possible CPU
    #[arg(long)]
    pub per_cpu: bool,
}

#[derive(Debug, clap::Args)]
pub struct ValueOnlyArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub types: TypeArgs,
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub types: TypeArgs,
    /// The value as JSON
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "value_hex",
        allow_hyphen_values = true
    )]
    pub value: Option<String>,
    /// The value as hex bytes
    #[arg(long, value_name = "HEX")]
    pub value_hex: Option<String>,
    /// A full queue/stack drops its oldest value instead of refusing (BPF_EXIST)
    #[arg(long)]
    pub overwrite: bool,
}

/// Run a `map` subcommand; returns the exit code (dump writes its own stream).
pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    match &args.cmd {
        MapCmd::Show(a) => show(a, ctx),
        MapCmd::Dump(a) => dump(a, ctx),
        MapCmd::Lookup(a) => lookup(a, ctx),
        MapCmd::Update(a) => update(a, ctx),
        MapCmd::Delete(a) => delete(a, ctx),
        MapCmd::Peek(a) => peek_pop(a, ctx, false),
        MapCmd::Pop(a) => peek_pop(a, ctx, true),
        MapCmd::Push(a) => push(a, ctx),
    }
}

fn emit<T: Report>(name: &str, r: &T, ctx: &Ctx) -> anyhow::Result<i32> {
    crate::output::emit(name, r, ctx.fmt)?;
    Ok(r.exit_code())
}

/// What every map report says about the map.
#[derive(Debug, Clone, Serialize)]
pub struct MapDesc {
    pub id: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub map_type: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub btf_id: u32,
    pub pin: Option<String>,
    pub per_cpu: bool,
    /// Possible CPUs (the number of values of a per-CPU map).
    pub cpus: Option<usize>,
    pub key_type: Option<String>,
    pub value_type: Option<String>,
    /// Where the types came from: `map` (its BTF), `file` (--btf), `none` (hex bytes).
    pub types_from: &'static str,
}

fn desc(m: &OpenMap, t: Option<&Typing>) -> MapDesc {
    let i = &m.info;
    MapDesc {
        id: i.id,
        name: i.name.clone(),
        map_type: crate::obj::names::map_type_name(i.map_type),
        key_size: i.key_size,
        value_size: i.value_size,
        max_entries: i.max_entries,
        flags: i.flags,
        btf_id: i.btf_id,
        pin: m.pin.as_ref().map(|p| p.display().to_string()),
        per_cpu: i.is_percpu(),
        cpus: i.is_percpu().then(sysmap::possible_cpus),
        key_type: t.and_then(|t| t.key_type.clone()),
        value_type: t.and_then(|t| t.value_type.clone()),
        types_from: t.map_or("none", |t| t.source),
    }
}

fn usage(msg: impl Into<String>) -> X0Error {
    X0Error::new(ErrorKind::Usage, msg)
}

fn open(ctx: &Ctx, words: &[String]) -> Result<OpenMap, X0Error> {
    let r = ObjRef::parse(words)?;
    addr::open_map(ctx, &r)
}

/// `map lookup|update|delete MAP KEY`: the second word is a key given positionally (as
/// bpftool's `key` word would be), not part of the map's name. Refused with the command that
/// works: the key goes to `--key`. `id N`, `pinned P`, `name N` are two-word maps.
fn positional_key(cmd: &str, words: &[String], rest: &str) -> Result<(), X0Error> {
    if let [map, key] = words {
        if !matches!(map.as_str(), "id" | "pinned" | "pin" | "name") {
            let k = crate::output::shell_word(key);
            let m = crate::output::shell_word(map);
            return Err(usage(format!(
                "`{key}` after the map: the key is not a positional argument"
            ))
            .hint(format!(
                "give it with --key: `x0bpf map {cmd} {m} --key {k}{rest}`"
            )));
        }
    }
    Ok(())
}

fn open_keyed(ctx: &Ctx, cmd: &str, words: &[String], rest: &str) -> Result<OpenMap, X0Error> {
    positional_key(cmd, words, rest)?;
    let r = ObjRef::parse(words)?;
    addr::open_map(ctx, &r)
}

fn types_for(m: &OpenMap, t: &TypeArgs) -> Result<Types, X0Error> {
    let mut types = types::map_types(
        &m.info,
        t.btf.as_deref(),
        t.key_type.as_deref(),
        t.value_type.as_deref(),
    )?;
    // Reads of program arrays and maps-of-maps return ids, whatever the value type says.
    if matches!(
        m.info.map_type,
        sysmap::PROG_ARRAY | sysmap::ARRAY_OF_MAPS | sysmap::HASH_OF_MAPS
    ) && m.info.value_size == 4
    {
        types.value = u32_layout();
        types.typing.value_type = Some(
            if m.info.map_type == sysmap::PROG_ARRAY {
                "program id"
            } else {
                "inner map id"
            }
            .into(),
        );
    }
    // Their array kinds are indexed by a u32 whatever BTF they lack: `--key 2`, not hex.
    if matches!(m.info.map_type, sysmap::PROG_ARRAY | sysmap::ARRAY_OF_MAPS)
        && m.info.key_size == 4
        && types.typing.key_type.is_none()
    {
        types.key = u32_layout();
        types.typing.key_type = Some("index".into());
    }
    Ok(types)
}

fn u32_layout() -> Layout {
    Layout {
        node: crate::obj::btf_value::Node::Int {
            size: 4,
            signed: false,
            boolean: false,
        },
        size: 4,
        type_name: "__u32".into(),
    }
}

// ---------------------------------------------------------------- show

#[derive(Serialize)]
pub struct ShowReport {
    pub maps: Vec<MapDesc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf: Option<bool>,
}

impl Report for ShowReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut t = crate::output::table([
            "id", "name", "type", "key", "value", "max", "flags", "btf", "pin",
        ]);
        for m in &self.maps {
            t.add_row(vec![
                m.id.to_string(),
                m.name.clone(),
                m.map_type.clone(),
                m.key_type.clone().map_or(format!("{} B", m.key_size), |k| {
                    format!("{k} ({} B)", m.key_size)
                }),
                m.value_type
                    .clone()
                    .map_or(format!("{} B", m.value_size), |k| {
                        format!("{k} ({} B)", m.value_size)
                    }),
                m.max_entries.to_string(),
                format!("{:#x}", m.flags),
                if m.btf_id == 0 {
                    "-".into()
                } else {
                    m.btf_id.to_string()
                },
                m.pin.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        writeln!(out, "{t}")
    }
}

fn show(a: &ShowArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    if a.map.is_empty() {
        use crate::sys::caps;
        caps::require_bpf("map show")?;
        // Walking every map id (BPF_MAP_GET_NEXT_ID) needs CAP_SYS_ADMIN in the host's user
        // namespace: without it the kernel refuses the walk, which must not read as "no maps".
        caps::require_id_walk("x0bpf map show (every map)")?;
        let ids = crate::sys::bpf::try_all_ids(crate::sys::bpf::ObjKind::Map).map_err(|e| {
            let mut x = X0Error::os("map show: walking every map id", &e);
            if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) {
                x = X0Error::new(
                    ErrorKind::Permission,
                    "x0bpf map show (every map) needs CAP_SYS_ADMIN in the host's user namespace; the kernel refused to list map ids",
                )
                .errno(libc::EPERM)
                .hint(if caps::in_user_namespace() {
                    caps::USERNS_HINT
                } else {
                    "run as root, or name one map (`id N`, `pinned PATH`), which needs CAP_BPF only"
                });
            }
            x
        })?;
        let mut maps = Vec::new();
        for id in ids {
            if let Ok(m) = addr::open_map(ctx, &ObjRef::Id(id)) {
                let t = types::map_types(&m.info, None, None, None).ok();
                maps.push(desc(&m, t.as_ref().map(|t| &t.typing)));
            }
        }
        return emit("map show", &ShowReport { maps, btf: None }, ctx);
    }
    let m = open(ctx, &a.map)?;
    // A map whose BTF cannot be read is still shown.
    let t = types::map_types(&m.info, None, None, None).ok();
    let btf = t.as_ref().map(|t| t.typing.btf);
    let r = ShowReport {
        maps: vec![desc(&m, t.as_ref().map(|t| &t.typing))],
        btf: Some(btf.unwrap_or(false)),
    };
    emit("map show", &r, ctx)
}

// ---------------------------------------------------------------- kinds without keys

/// Map kinds `dump` cannot walk, with what to use instead.
fn refuse_dump(info: &Info) -> Option<X0Error> {
    let (what, hint) = match info.map_type {
        sysmap::RINGBUF | sysmap::USER_RINGBUF => (
            "a ring buffer has no entries to dump",
            "stream its records with `x0bpf tail`",
        ),
        sysmap::PERF_EVENT_ARRAY => (
            "a perf event array holds perf buffers, not entries",
            "stream its records with `x0bpf tail`",
        ),
        sysmap::BLOOM_FILTER => (
            "a bloom filter cannot list its elements",
            "test one value with `x0bpf map lookup MAP --value JSON`",
        ),
        sysmap::QUEUE | sysmap::STACK => (
            "a queue or stack has no keys to iterate",
            "use `x0bpf map peek` or `x0bpf map pop`",
        ),
        _ => return None,
    };
    Some(
        X0Error::new(ErrorKind::Unsupported, format!("map {}: {what}", info.id))
            .errno(libc::EOPNOTSUPP)
            .hint(hint),
    )
}

// ---------------------------------------------------------------- dump

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Doc,
    Lines,
    Table,
}

/// Why a dump ended before the last entry.
struct Incomplete {
    reason: String,
    /// A kernel error (exit 6) rather than an interruption or inconsistency (exit 0).
    error: Option<X0Error>,
}

struct Dumper<'a> {
    out: &'a mut Out,
    /// Written after `{` of each entry (Lines) or at the start of its line (Table): the outer
    /// key of a `--follow` inner entry.
    prefix: Vec<u8>,
    mode: Mode,
    types: &'a Types,
    per_cpu_values: bool,
    percpu: bool,
    ncpu: usize,
    stride: usize,
    count: u64,
    limit: Option<u64>,
    scratch: Vec<u8>,
    bar: Option<indicatif::ProgressBar>,
}

impl Dumper<'_> {
    /// Write one entry. `Err` only for a write error (a closed stdout).
    fn entry(&mut self, key: &[u8], val: &[u8]) -> io::Result<()> {
        let s = &mut self.scratch;
        s.clear();
        if self.mode == Mode::Doc && self.count > 0 {
            s.push(b',');
        }
        let t = self.types;
        let mut key_json = Vec::new();
        let kbuf: &mut Vec<u8> = if self.mode == Mode::Table {
            &mut key_json
        } else {
            s.push(b'{');
            if self.mode == Mode::Lines {
                s.extend_from_slice(&self.prefix);
            }
            s.extend_from_slice(b"\"key\":");
            &mut *s
        };
        t.key.write_json(key, kbuf);
        if self.mode == Mode::Table {
            s.extend_from_slice(&self.prefix);
            table_key(s, &key_json);
        } else {
            s.extend_from_slice(if self.per_cpu_values {
                b",\"values\":"
            } else {
                b",\"value\":"
            });
        }
        if self.percpu {
            let cpus: Vec<&[u8]> = (0..self.ncpu)
                .map(|c| val.get(c * self.stride..).unwrap_or(&[]))
                .collect();
            if self.per_cpu_values {
                s.push(b'[');
                for (i, c) in cpus.iter().enumerate() {
                    if i > 0 {
                        s.push(b',');
                    }
                    t.value.write_json(c, s);
                }
                s.push(b']');
            } else {
                let v = t.value.decode_sum(&cpus);
                let _ = serde_json::to_writer(&mut *s, &v);
            }
        } else {
            t.value.write_json(val, s);
        }
        match self.mode {
            Mode::Doc => s.push(b'}'),
            Mode::Lines => s.extend_from_slice(b"}\n"),
            Mode::Table => s.push(b'\n'),
        }
        self.count += 1;
        self.out.write_all(s)
    }

    fn full(&self) -> bool {
        self.limit.is_some_and(|l| self.count >= l)
    }
}

fn dump(a: &DumpArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let m = open(ctx, &a.target.map)?;
    if let Some(e) = refuse_dump(&m.info) {
        return Err(e.into());
    }
    let types = types_for(&m, &a.types)?;
    if a.follow
        && !matches!(
            m.info.map_type,
            sysmap::ARRAY_OF_MAPS | sysmap::HASH_OF_MAPS
        )
    {
        return Err(usage("--follow is for maps of maps (array_of_maps, hash_of_maps)").into());
    }
    let mode = if a.lines {
        Mode::Lines
    } else if ctx.fmt.json {
        Mode::Doc
    } else {
        Mode::Table
    };
    stream::install_stop_signals();
    let d = desc(&m, Some(&types.typing));
    let mut out = Out::stdout();
    let mut dumper = Dumper {
        out: &mut out,
        prefix: Vec::new(),
        mode,
        types: &types,
        per_cpu_values: a.per_cpu && m.info.is_percpu(),
        percpu: m.info.is_percpu(),
        ncpu: sysmap::possible_cpus(),
        stride: sysmap::round8(m.info.value_size as usize),
        count: 0,
        limit: a.limit,
        scratch: Vec::with_capacity(256),
        bar: None,
    };
    if stream::stderr_is_terminal() && m.info.max_entries > 4096 {
        dumper.bar = Some(dump_progress(&m.info));
    }
    let res = write_header(&mut dumper, &d, &types.typing).map(|_| {
        if a.follow {
            walk_follow(&m, &mut dumper, ctx, a)
        } else {
            walk(&m, &mut dumper)
        }
    });
    let incomplete = match res {
        Ok(Ok(inc)) => inc,
        Ok(Err(e)) | Err(e) if stream::is_broken_pipe(&e) => return Ok(0),
        Ok(Err(e)) | Err(e) => return Err(e.into()),
    };
    if let Some(b) = &dumper.bar {
        b.finish_and_clear();
    }
    if let Some(inc) = &incomplete {
        crate::output::warn(&format!(
            "map {}: dump incomplete after {} entries: {}",
            m.info.id, dumper.count, inc.reason
        ));
    }
    match write_footer(&mut dumper, incomplete.as_ref()) {
        Err(e) if stream::is_broken_pipe(&e) => return Ok(0),
        Err(e) => return Err(e.into()),
        Ok(()) => {}
    }
    match incomplete.and_then(|i| i.error) {
        Some(e) => Ok(e.kind.exit_code()),
        None => Ok(0),
    }
}

/// The key cell of a table row and the separator after it. On terminals: the key, a tab. In
/// plain mode (a pipe) the house table style: one word (as `output::plain_cell` makes it), two
/// blanks, then the value, which as the last column keeps its spaces.
fn table_key(s: &mut Vec<u8>, key_json: &[u8]) {
    if crate::output::plain() {
        s.extend_from_slice(
            crate::output::plain_cell(&String::from_utf8_lossy(key_json)).as_bytes(),
        );
        s.extend_from_slice(b"  ");
    } else {
        s.extend_from_slice(key_json);
        s.push(b'\t');
    }
}

/// The dump's progress on stderr, sized by what the kernel reports. Only an array (plain or
/// per-CPU) holds exactly max_entries entries; every other kind holds anything from none to
/// max_entries, and the kernel does not say how many (bpf_map_info has no count): a bar sized by
/// max_entries would never fill, so those get a spinner with the running count.
fn dump_progress(info: &Info) -> indicatif::ProgressBar {
    let target = indicatif::ProgressDrawTarget::stderr();
    if matches!(info.map_type, sysmap::ARRAY | sysmap::PERCPU_ARRAY) {
        let bar = indicatif::ProgressBar::with_draw_target(Some(info.max_entries as u64), target);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} entries ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        let sp = indicatif::ProgressBar::with_draw_target(None, target);
        sp.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} entries read ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        sp.tick();
        sp.enable_steady_tick(std::time::Duration::from_millis(120));
        sp
    }
}

fn write_header(d: &mut Dumper, desc: &MapDesc, typing: &Typing) -> io::Result<()> {
    let map = serde_json::to_string(desc)?;
    match d.mode {
        Mode::Doc => d.out.write_all(
            format!(
                "{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"map dump\",\"map\":{map},\"btf\":{},\"entries\":[",
                typing.btf
            )
            .as_bytes(),
        ),
        Mode::Lines => d.out.write_all(
            format!(
                "{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"map dump\",\"header\":{{\"map\":{map},\"btf\":{},\"records\":\"entries\"}}}}\n",
                typing.btf
            )
            .as_bytes(),
        ),
        Mode::Table => {
            let mut line = format!(
                "map {} {:?} {} — key {}, value {}",
                desc.id,
                desc.name,
                desc.map_type,
                desc.key_type.clone().unwrap_or_else(|| format!("{} bytes", desc.key_size)),
                desc.value_type.clone().unwrap_or_else(|| format!("{} bytes", desc.value_size)),
            );
            if !typing.btf {
                line.push_str(" (no BTF: hex bytes)");
            } else if desc.per_cpu {
                line.push_str(" (per-CPU: integers summed over CPUs; --per-cpu for each)");
            }
            // The title is a note (stderr in a pipe, nothing with --no-headers); the header
            // line is the table's own, left out by --no-headers.
            d.out.flush()?;
            crate::output::note(d.out, &line)?;
            if !crate::output::headers() {
                return Ok(());
            }
            let head = if crate::output::plain() {
                "KEY  VALUE\n"
            } else {
                "KEY\tVALUE\n"
            };
            d.out.write_all(head.as_bytes())
        }
    }
}

fn write_footer(d: &mut Dumper, inc: Option<&Incomplete>) -> io::Result<()> {
    let reason = inc.map(|i| i.reason.as_str());
    let complete = inc.is_none();
    let tail = match d.mode {
        Mode::Doc => format!(
            "],\"count\":{},\"complete\":{complete}{}}}\n",
            d.count,
            reason.map_or(String::new(), |r| format!(
                ",\"reason\":{}",
                serde_json::to_string(r).unwrap_or_default()
            ))
        ),
        Mode::Lines => format!(
            "{{\"summary\":{{\"records\":{},\"lost\":0,\"complete\":{complete},\"reason\":{}}}}}\n",
            d.count,
            reason.map_or("null".into(), |r| serde_json::to_string(r)
                .unwrap_or_default())
        ),
        Mode::Table => {
            // A trailer, not a row: in plain mode it goes to stderr (see output::note).
            let line = format!(
                "{} {}{}",
                d.count,
                if d.count == 1 { "entry" } else { "entries" },
                reason.map_or(String::new(), |r| format!(" (incomplete: {r})"))
            );
            d.out.flush()?;
            crate::output::note(d.out, &line)?;
            String::new()
        }
    };
    d.out.write_all(tail.as_bytes())?;
    d.out.flush()
}

/// Walk every entry: batched where the kernel can, else key by key.
fn walk(m: &OpenMap, d: &mut Dumper) -> io::Result<Option<Incomplete>> {
    if m.info.supports_batch() {
        match walk_batch(m, d)? {
            // Batch ops missing (old kernel) before anything was written: walk the keys.
            Err(e)
                if d.count == 0
                    && matches!(
                        e.raw_os_error(),
                        Some(libc::EINVAL) | Some(524) | Some(libc::EOPNOTSUPP)
                    ) => {}
            Err(e) => return Ok(Some(kernel_failure(m, "BPF_MAP_LOOKUP_BATCH", &e))),
            Ok(inc) => return Ok(inc),
        }
    }
    walk_keys(m, d)
}

fn kernel_failure(m: &OpenMap, what: &str, e: &io::Error) -> Incomplete {
    let x = X0Error::os(format!("map {}: {what}", m.info.id), e);
    Incomplete {
        reason: x.message.clone(),
        error: Some(x),
    }
}

const BATCH: u32 = 4096;

/// BPF_MAP_LOOKUP_BATCH until ENOENT. Returns the kernel's error separately from write errors.
fn walk_batch(m: &OpenMap, d: &mut Dumper) -> io::Result<Result<Option<Incomplete>, io::Error>> {
    let ks = m.info.key_size as usize;
    let vs = m.info.value_buf_size();
    // A batch never needs to be larger than the map.
    let mut max = BATCH.min(m.info.max_entries.max(1));
    let mut keys = vec![0u8; ks * max as usize];
    let mut vals = vec![0u8; vs * max as usize];
    let mut token = [0u8; 8];
    let mut next = [0u8; 8];
    let mut first = true;
    loop {
        if stream::stopped() {
            return Ok(Ok(Some(Incomplete {
                reason: "interrupted".into(),
                error: None,
            })));
        }
        let r = sysmap::lookup_batch(
            m.fd.as_fd(),
            (!first).then_some(&token),
            &mut next,
            &mut keys,
            &mut vals,
            max,
        );
        let b = match r {
            Ok(b) => b,
            // One bucket holds more elements than the buffers: grow them and ask again.
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) && max < (1 << 24) => {
                max *= 2;
                keys.resize(ks * max as usize, 0);
                vals.resize(vs * max as usize, 0);
                continue;
            }
            Err(e) => return Ok(Err(e)),
        };
        for i in 0..b.count as usize {
            if d.full() {
                return Ok(Ok(None));
            }
            d.entry(&keys[i * ks..(i + 1) * ks], &vals[i * vs..(i + 1) * vs])?;
        }
        if let Some(bar) = &d.bar {
            bar.set_position(d.count);
        }
        if b.done || d.full() {
            return Ok(Ok(None));
        }
        token = next;
        first = false;
    }
}

/// What the next step of a key walk found.
enum Step {
    Key,
    /// No more keys, or the dump is full (`--limit`).
    End,
    Stop(Incomplete),
}

/// Keys by BPF_MAP_GET_NEXT_KEY, one at a time: stops on a signal and after max_entries keys
/// (a map that changes under the walk must not make it loop forever).
struct KeyWalk {
    key: Vec<u8>,
    next: Vec<u8>,
    first: bool,
    seen: u64,
}

impl KeyWalk {
    fn new(m: &OpenMap) -> Self {
        let ks = m.info.key_size as usize;
        KeyWalk {
            key: vec![0u8; ks],
            next: vec![0u8; ks],
            first: true,
            seen: 0,
        }
    }

    fn step(&mut self, m: &OpenMap, full: bool) -> Step {
        if stream::stopped() {
            return Step::Stop(Incomplete {
                reason: "interrupted".into(),
                error: None,
            });
        }
        if full {
            return Step::End;
        }
        let prev = (!self.first).then_some(&self.key[..]);
        match sysmap::next_key(m.fd.as_fd(), prev, &mut self.next) {
            Ok(true) => {}
            Ok(false) => return Step::End,
            Err(e) => return Step::Stop(kernel_failure(m, "BPF_MAP_GET_NEXT_KEY", &e)),
        }
        self.first = false;
        std::mem::swap(&mut self.key, &mut self.next);
        self.seen += 1;
        let bound = m.info.max_entries as u64;
        if self.seen > bound {
            return Step::Stop(Incomplete {
                reason: format!(
                    "the map changed during the dump: more than max_entries ({bound}) keys were returned, so the key walk restarted"
                ),
                error: None,
            });
        }
        Step::Key
    }

    fn key(&self) -> &[u8] {
        &self.key
    }
}

/// GET_NEXT_KEY + LOOKUP per element. Bounded by max_entries: a hash map whose current key is
/// deleted meanwhile restarts from its first key, so more keys than slots means the walk is
/// no longer consistent.
fn walk_keys(m: &OpenMap, d: &mut Dumper) -> io::Result<Option<Incomplete>> {
    let mut keys = KeyWalk::new(m);
    let mut val = vec![0u8; m.info.value_buf_size()];
    loop {
        match keys.step(m, d.full()) {
            Step::Key => {}
            Step::End => return Ok(None),
            Step::Stop(i) => return Ok(Some(i)),
        }
        let key = keys.key();
        let seen = keys.seen;
        match sysmap::lookup(m.fd.as_fd(), Some(key), &mut val) {
            Ok(true) => d.entry(key, &val)?,
            // Deleted between the two calls: it is no longer in the map.
            Ok(false) => {}
            Err(e) => return Ok(Some(kernel_failure(m, "BPF_MAP_LOOKUP_ELEM", &e))),
        }
        if seen % 4096 == 0 {
            if let Some(bar) = &d.bar {
                bar.set_position(d.count);
            }
        }
    }
}

/// `--follow`: each entry of a map-in-map, then the inner map's entries, streamed as they are
/// read (nothing is collected): in a document under `"inner":{"id","name","entries":[…],
/// "count","complete"}`; with `--lines` one line per outer entry, then one line per inner entry
/// carrying `outer_key` and `inner_id`; in a table, inner entries indented under their key.
/// The outer walk is bounded by max_entries like every key walk.
fn walk_follow(
    m: &OpenMap,
    d: &mut Dumper,
    ctx: &Ctx,
    a: &DumpArgs,
) -> io::Result<Option<Incomplete>> {
    let mut keys = KeyWalk::new(m);
    let mut incomplete: Option<Incomplete> = None;
    loop {
        match keys.step(m, d.full()) {
            Step::Key => {}
            Step::End => return Ok(incomplete),
            Step::Stop(i) => return Ok(Some(i)),
        }
        let key = keys.key().to_vec();
        let mut v = [0u8; 4];
        match sysmap::lookup(m.fd.as_fd(), Some(&key), &mut v) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => return Ok(Some(kernel_failure(m, "BPF_MAP_LOOKUP_ELEM", &e))),
        }
        let inner_id = u32::from_ne_bytes(v);
        // Replaced or removed since the lookup: the entry moved on, skip it.
        let Ok(inner) = addr::open_map(ctx, &ObjRef::Id(inner_id)) else {
            continue;
        };
        let it = match types_for(&inner, &a.types) {
            Ok(t) => t,
            Err(e) => {
                return Ok(Some(Incomplete {
                    reason: e.message.clone(),
                    error: Some(e),
                }))
            }
        };
        let mut kj = Vec::new();
        d.types.key.write_json(&key, &mut kj);
        let name = serde_json::to_string(&inner.info.name)?;
        let mut s = Vec::new();
        let inner_mode = match d.mode {
            Mode::Doc => {
                if d.count > 0 {
                    s.push(b',');
                }
                s.extend_from_slice(b"{\"key\":");
                s.extend_from_slice(&kj);
                s.extend_from_slice(
                    format!(
                        ",\"value\":{inner_id},\"inner\":{{\"id\":{inner_id},\"name\":{name},\"entries\":["
                    )
                    .as_bytes(),
                );
                Mode::Doc
            }
            Mode::Lines => {
                s.extend_from_slice(b"{\"key\":");
                s.extend_from_slice(&kj);
                s.extend_from_slice(
                    format!(",\"value\":{inner_id},\"inner_name\":{name}}}\n").as_bytes(),
                );
                Mode::Lines
            }
            Mode::Table => {
                table_key(&mut s, &kj);
                s.extend_from_slice(format!("inner map {inner_id} ({name})\n").as_bytes());
                Mode::Table
            }
        };
        d.count += 1;
        d.out.write_all(&s)?;
        let prefix = match inner_mode {
            Mode::Lines => {
                let mut p = b"\"outer_key\":".to_vec();
                p.extend_from_slice(&kj);
                p.extend_from_slice(format!(",\"inner_id\":{inner_id},").as_bytes());
                p
            }
            // An inner entry names its outer key: `OUTER/INNER` in a pipe (one word, so the
            // row says which inner map it is from), indented under its outer row on terminals.
            Mode::Table if crate::output::plain() => {
                let mut p = kj.clone();
                p.push(b'/');
                p
            }
            Mode::Table => b"    ".to_vec(),
            Mode::Doc => Vec::new(),
        };
        let mut sub = Dumper {
            out: &mut *d.out,
            prefix,
            mode: inner_mode,
            types: &it,
            per_cpu_values: a.per_cpu && inner.info.is_percpu(),
            percpu: inner.info.is_percpu(),
            ncpu: sysmap::possible_cpus(),
            stride: sysmap::round8(inner.info.value_size as usize),
            count: 0,
            limit: None,
            scratch: Vec::with_capacity(256),
            bar: None,
        };
        let inner_inc = walk(&inner, &mut sub)?;
        let n = sub.count;
        if inner_mode == Mode::Doc {
            let reason = inner_inc.as_ref().map_or(String::new(), |i| {
                format!(
                    ",\"reason\":{}",
                    serde_json::to_string(&i.reason).unwrap_or_default()
                )
            });
            d.out.write_all(
                format!(
                    "],\"count\":{n},\"complete\":{}{reason}}}}}",
                    inner_inc.is_none()
                )
                .as_bytes(),
            )?;
        }
        if let Some(i) = inner_inc {
            if i.reason == "interrupted" {
                return Ok(Some(i));
            }
            // The outer walk goes on; the dump as a whole is incomplete.
            if incomplete.is_none() {
                incomplete = Some(Incomplete {
                    reason: format!("inner map {inner_id}: {}", i.reason),
                    error: i.error,
                });
            }
        }
    }
}

// ---------------------------------------------------------------- input

/// JSON text, or — when it is not JSON — the text itself as a string (so `--key eth0` works
/// for a `char[]` key and `--value TCP` for an enum). Duplicate keys, nesting deeper than 128
/// and malformed objects or arrays are usage errors naming the option (`crate::maps::json_in`).
fn parse_json_arg(s: &str, what: &str) -> Result<Value, X0Error> {
    use crate::maps::json_in::{parse, Parsed};
    match parse(s) {
        Ok(Parsed::Json(v)) => Ok(v),
        Ok(Parsed::NotJson) => Ok(Value::String(s.to_string())),
        Err(e) => Err(usage(format!("--{what}: {e}"))),
    }
}

fn from_hex(s: &str, want: usize, what: &str) -> Result<Vec<u8>, X0Error> {
    let b = parse_hex(s).map_err(|e| usage(format!("--{what}-hex: {e}")))?;
    if b.len() != want {
        return Err(usage(format!(
            "--{what}-hex: {} bytes given, the map's {what}s are {want} bytes",
            b.len()
        )));
    }
    Ok(b)
}

fn encode_key(
    types: &Types,
    info: &Info,
    json: Option<&str>,
    hexs: Option<&str>,
) -> Result<Vec<u8>, X0Error> {
    match (json, hexs) {
        (_, Some(h)) => from_hex(h, info.key_size as usize, "key"),
        (Some(j), None) => {
            let mut b = vec![0u8; info.key_size as usize];
            types
                .key
                .encode(&parse_json_arg(j, "key")?, &mut b, false)
                .map_err(|e| usage(format!("--key: {e}")))?;
            Ok(b)
        }
        (None, None) => Err(usage("give the key with --key JSON or --key-hex HEX")),
    }
}

/// The bytes the kernel expects for a value: one copy, or one per CPU (8-byte aligned) for
/// per-CPU maps. `base` (the current value, for --merge) has the same layout.
fn encode_value(
    types: &Types,
    info: &Info,
    json: Option<&str>,
    hexs: Option<&str>,
    per_cpu: bool,
    base: Option<&[u8]>,
) -> Result<Vec<u8>, X0Error> {
    let vs = info.value_size as usize;
    let total = info.value_buf_size();
    let mut out = match base {
        Some(b) => b.to_vec(),
        None => vec![0u8; total],
    };
    let ncpu = if info.is_percpu() {
        sysmap::possible_cpus()
    } else {
        1
    };
    let stride = if info.is_percpu() {
        sysmap::round8(vs)
    } else {
        vs
    };
    let one = |v: &Value, dst: &mut [u8]| -> Result<(), X0Error> {
        types
            .value
            .encode(v, dst, base.is_some())
            .map_err(|e| usage(format!("--value: {e}")))
    };
    match (json, hexs) {
        (_, Some(h)) => {
            let b = from_hex(h, vs, "value")?;
            for c in 0..ncpu {
                out[c * stride..c * stride + vs].copy_from_slice(&b);
            }
        }
        (Some(j), None) => {
            let v = parse_json_arg(j, "value")?;
            if per_cpu && info.is_percpu() {
                let arr = v.as_array().filter(|a| a.len() == ncpu).ok_or_else(|| {
                    usage(format!("--per-cpu: --value must be an array of {ncpu} values, one per possible CPU"))
                })?;
                for (c, e) in arr.iter().enumerate() {
                    one(e, &mut out[c * stride..c * stride + vs])?;
                }
            } else {
                for c in 0..ncpu {
                    one(&v, &mut out[c * stride..c * stride + vs])?;
                }
            }
        }
        (None, None) => return Err(usage("give the value with --value JSON or --value-hex HEX")),
    }
    Ok(out)
}

fn decode_value(types: &Types, info: &Info, b: &[u8], per_cpu: bool) -> Value {
    if !info.is_percpu() {
        return types.value.decode(b);
    }
    let stride = sysmap::round8(info.value_size as usize);
    let cpus: Vec<&[u8]> = (0..sysmap::possible_cpus())
        .map(|c| b.get(c * stride..).unwrap_or(&[]))
        .collect();
    if per_cpu {
        Value::Array(cpus.iter().map(|c| types.value.decode(c)).collect())
    } else {
        types.value.decode_sum(&cpus)
    }
}

/// How many CPUs [`decode_value`] summed: per-CPU maps read without `--per-cpu`.
fn summed_cpus(info: &Info, per_cpu: bool) -> Option<usize> {
    (info.is_percpu() && !per_cpu).then(sysmap::possible_cpus)
}

fn kernel_err(m: &OpenMap, what: &str, e: &io::Error) -> X0Error {
    X0Error::os(format!("map {}: {what}", m.info.id), e)
}

// ---------------------------------------------------------------- lookup / update / delete

#[derive(Serialize)]
pub struct EntryReport {
    pub map: MapDesc,
    pub btf: bool,
    pub key: Option<Value>,
    /// lookup/peek/pop: the value; update: the value now in the map.
    pub value: Option<Value>,
    /// Bloom filter lookup: whether the value may be present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    /// update/delete/push: what was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
    /// Per-CPU maps without `--per-cpu`: `value` is the sum over this many CPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summed_over_cpus: Option<usize>,
    #[serde(skip)]
    pub key_hex: Option<String>,
    #[serde(skip)]
    pub value_hex: Option<String>,
}

impl Report for EntryReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(a) = self.action {
            writeln!(out, "{a} in map {} ({})", self.map.id, self.map.name)?;
        }
        if let Some(p) = self.present {
            writeln!(
                out,
                "{}",
                if p {
                    "present (bloom filters can be wrong about presence, never about absence)"
                } else {
                    "absent"
                }
            )?;
        }
        if let Some(k) = &self.key {
            writeln!(out, "key:   {k}")?;
        }
        if let Some(v) = &self.value {
            match self.summed_over_cpus {
                Some(n) => writeln!(out, "value: {v} (summed over {n} CPUs; --per-cpu for each)")?,
                None => writeln!(out, "value: {v}")?,
            }
        }
        if !self.btf {
            if let Some(h) = &self.value_hex {
                writeln!(out, "(no BTF: hex bytes {h})")?;
            }
        }
        let _ = &self.key_hex;
        Ok(())
    }
}

fn lookup(a: &KeyArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let m = open_keyed(ctx, "lookup", &a.target.map, "")?;
    let types = types_for(&m, &a.types)?;
    let d = desc(&m, Some(&types.typing));
    match m.info.map_type {
        sysmap::BLOOM_FILTER => {
            let v = encode_value(
                &types,
                &m.info,
                a.value.as_deref(),
                a.value_hex.as_deref().or(a.key_hex.as_deref()),
                false,
                None,
            )?;
            let mut buf = v.clone();
            let present = sysmap::lookup(m.fd.as_fd(), None, &mut buf)
                .map_err(|e| kernel_err(&m, "bloom filter lookup", &e))?;
            let r = EntryReport {
                map: d,
                btf: types.typing.btf,
                key: None,
                value: Some(types.value.decode(&v)),
                present: Some(present),
                action: None,
                summed_over_cpus: None,
                key_hex: None,
                value_hex: Some(hex(&v)),
            };
            return emit("map lookup", &r, ctx);
        }
        sysmap::QUEUE | sysmap::STACK => {
            return Err(usage("a queue or stack has no keys")
                .hint("use `x0bpf map peek`")
                .into())
        }
        sysmap::RINGBUF | sysmap::PERF_EVENT_ARRAY | sysmap::USER_RINGBUF => {
            return Err(refuse_dump(&m.info)
                .unwrap_or_else(|| usage("no entries"))
                .into())
        }
        _ => {}
    }
    let key = encode_key(&types, &m.info, a.key.as_deref(), a.key_hex.as_deref())?;
    let mut val = vec![0u8; m.info.value_buf_size()];
    let found = sysmap::lookup(m.fd.as_fd(), Some(&key), &mut val)
        .map_err(|e| kernel_err(&m, "lookup", &e))?;
    if !found {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!(
                "map {}: no entry for key {}",
                m.info.id,
                types.key.decode(&key)
            ),
        )
        .errno(libc::ENOENT)
        .into());
    }
    let r = EntryReport {
        map: d,
        btf: types.typing.btf,
        key: Some(types.key.decode(&key)),
        value: Some(decode_value(&types, &m.info, &val, a.per_cpu)),
        present: None,
        action: None,
        summed_over_cpus: summed_cpus(&m.info, a.per_cpu),
        key_hex: Some(hex(&key)),
        value_hex: Some(hex(&val[..m.info.value_size as usize])),
    };
    emit("map lookup", &r, ctx)
}

fn update(a: &UpdateArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let rest = match (&a.value, &a.value_hex) {
        (Some(v), _) => format!(" --value {}", crate::output::shell_word(v)),
        (None, Some(h)) => format!(" --value-hex {}", crate::output::shell_word(h)),
        _ => " --value JSON".to_string(),
    };
    let m = open_keyed(ctx, "update", &a.target.map, &rest)?;
    let types = types_for(&m, &a.types)?;
    if matches!(
        m.info.map_type,
        sysmap::QUEUE | sysmap::STACK | sysmap::BLOOM_FILTER
    ) {
        return Err(usage(format!(
            "map {} is a {}: it has no keys to update",
            m.info.id,
            crate::obj::names::map_type_name(m.info.map_type)
        ))
        .hint(format!(
            "add a value with `x0bpf map push {} --value JSON`",
            map_words(&a.target.map)
        ))
        .into());
    }
    if let Some(e) = refuse_dump(&m.info) {
        return Err(e.into());
    }
    // A large value (a big struct or per-CPU array from a file) takes a while to parse and
    // check: say so on a terminal.
    let big = a.value.as_ref().map_or(0, String::len) + a.value_hex.as_ref().map_or(0, String::len)
        > 1 << 20;
    let _busy = big.then(|| crate::output::busy("parsing and checking the value"));
    // Everything is parsed and checked before the map is touched.
    let key = encode_key(&types, &m.info, a.key.as_deref(), a.key_hex.as_deref())?;
    let base = if a.merge {
        let mut cur = vec![0u8; m.info.value_buf_size()];
        let found = sysmap::lookup(m.fd.as_fd(), Some(&key), &mut cur)
            .map_err(|e| kernel_err(&m, "lookup", &e))?;
        // A new key merges into zeros.
        if !found {
            cur.iter_mut().for_each(|b| *b = 0);
        }
        Some(cur)
    } else {
        None
    };
    let val = encode_value(
        &types,
        &m.info,
        a.value.as_deref(),
        a.value_hex.as_deref(),
        a.per_cpu,
        base.as_deref(),
    )?;
    let flags = match a.flags {
        UpdateFlags::Any => sysmap::BPF_ANY,
        UpdateFlags::Noexist => sysmap::BPF_NOEXIST,
        UpdateFlags::Exist => sysmap::BPF_EXIST,
    };
    // Program arrays and maps of maps show ids (as `dump` does) but the kernel takes an fd:
    // open the object by its id and pass that fd, held until the update is done.
    let (_held, kernel_val) = match object_fd_value(&m, &val)? {
        Some((fd, v)) => (Some(fd), v),
        None => (None, val.clone()),
    };
    sysmap::update(m.fd.as_fd(), Some(&key), &kernel_val, flags).map_err(|e| {
        let mut x = kernel_err(&m, "update", &e);
        match e.raw_os_error() {
            Some(libc::EEXIST) => x = x.hint("the key exists and --flags noexist was given"),
            Some(libc::ENOENT) => {
                x.kind = ErrorKind::NotFound;
                x = x.hint("the key does not exist and --flags exist was given")
            }
            Some(libc::E2BIG) => {
                x = x.hint("the map is full (max_entries) or the index is out of range")
            }
            Some(libc::EINVAL) if m.info.map_type == sysmap::PROG_ARRAY => {
                x = x.hint("a program array takes programs of one type (and attach type) only: the type of the programs already in it, or of the program that uses it")
            }
            Some(libc::EINVAL)
                if matches!(
                    m.info.map_type,
                    sysmap::ARRAY_OF_MAPS | sysmap::HASH_OF_MAPS
                ) =>
            {
                x = x.hint("an inner map must match the map's inner map template (type, key and value size, flags; max_entries too unless BPF_F_INNER_MAP)")
            }
            _ => {}
        }
        x
    })?;
    let r = EntryReport {
        map: desc(&m, Some(&types.typing)),
        btf: types.typing.btf,
        key: Some(types.key.decode(&key)),
        value: Some(decode_value(&types, &m.info, &val, a.per_cpu)),
        present: None,
        action: Some("updated"),
        summed_over_cpus: summed_cpus(&m.info, a.per_cpu),
        key_hex: None,
        value_hex: None,
    };
    emit("map update", &r, ctx)
}

/// For a program array or a map of maps, whose `value` is an object id: an fd of that object
/// and the value the kernel expects (the fd number). `None` for other maps.
fn object_fd_value(
    m: &OpenMap,
    val: &[u8],
) -> Result<Option<(std::os::fd::OwnedFd, Vec<u8>)>, X0Error> {
    use crate::sys::bpf::{fd_by_id, ObjKind};
    use std::os::fd::AsRawFd;
    let (kind, what, list) = match m.info.map_type {
        sysmap::PROG_ARRAY => (ObjKind::Prog, "program", "x0bpf list prog"),
        sysmap::ARRAY_OF_MAPS | sysmap::HASH_OF_MAPS => (ObjKind::Map, "map", "x0bpf map show"),
        _ => return Ok(None),
    };
    let Ok(id) = <[u8; 4]>::try_from(val).map(u32::from_ne_bytes) else {
        return Ok(None);
    };
    let fd = fd_by_id(kind, id).map_err(|e| {
        let mut x = X0Error::os(format!("map {}: opening {what} id {id}", m.info.id), &e);
        if e.raw_os_error() == Some(libc::ENOENT) {
            x = X0Error::new(
                ErrorKind::NotFound,
                format!(
                    "map {}: no {what} with id {id} (the values of a {} map are {what} ids)",
                    m.info.id,
                    crate::obj::names::map_type_name(m.info.map_type)
                ),
            )
            .errno(libc::ENOENT)
            .hint(format!("`{list}` lists the ids"));
        }
        x
    })?;
    let v = (fd.as_raw_fd() as u32).to_ne_bytes().to_vec();
    Ok(Some((fd, v)))
}

fn delete(a: &KeyArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let m = open_keyed(ctx, "delete", &a.target.map, "")?;
    let types = types_for(&m, &a.types)?;
    if let Some(e) = refuse_dump(&m.info) {
        return Err(e.into());
    }
    let key = encode_key(&types, &m.info, a.key.as_deref(), a.key_hex.as_deref())?;
    let deleted = sysmap::delete(m.fd.as_fd(), &key).map_err(|e| {
        let x = kernel_err(&m, "delete", &e);
        if e.raw_os_error() == Some(libc::EINVAL)
            && matches!(m.info.map_type, sysmap::ARRAY | sysmap::PERCPU_ARRAY)
        {
            x.hint("array elements cannot be deleted; update them to zero instead")
        } else {
            x
        }
    })?;
    if !deleted {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!(
                "map {}: no entry for key {}",
                m.info.id,
                types.key.decode(&key)
            ),
        )
        .errno(libc::ENOENT)
        .into());
    }
    let r = EntryReport {
        map: desc(&m, Some(&types.typing)),
        btf: types.typing.btf,
        key: Some(types.key.decode(&key)),
        value: None,
        present: None,
        action: Some("deleted"),
        summed_over_cpus: None,
        key_hex: None,
        value_hex: None,
    };
    emit("map delete", &r, ctx)
}

// ---------------------------------------------------------------- queue / stack

/// The map as the user named it, as shell words: for hints that print a follow-up command.
fn map_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| crate::output::shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `peek`/`pop` are for queues and stacks, `push` for bloom filters too; otherwise a usage
/// error whose hint is the command that does work on this kind of map (the global options of
/// this invocation added by `output::complete_commands`).
fn need_queue(m: &OpenMap, words: &[String], what: &str) -> Result<(), X0Error> {
    let t = m.info.map_type;
    if matches!(t, sysmap::QUEUE | sysmap::STACK) || (what == "push" && t == sysmap::BLOOM_FILTER) {
        return Ok(());
    }
    let map = map_words(words);
    let hint = match t {
        sysmap::RINGBUF | sysmap::PERF_EVENT_ARRAY | sysmap::USER_RINGBUF => {
            format!("its records are written by BPF programs; stream them with `x0bpf tail {map}`")
        }
        sysmap::BLOOM_FILTER => {
            format!("test a value with `x0bpf map lookup {map} --value JSON`; add one with `x0bpf map push {map} --value JSON`")
        }
        _ if what == "push" => {
            format!("use `x0bpf map update {map} --key JSON --value JSON`")
        }
        _ => format!("use `x0bpf map lookup {map} --key JSON` or `x0bpf map dump {map}`"),
    };
    Err(usage(format!(
        "map {} is a {}: `map {what}` is for queues and stacks{}",
        m.info.id,
        crate::obj::names::map_type_name(t),
        if what == "push" {
            " (and bloom filters)"
        } else {
            ""
        }
    ))
    .hint(hint))
}

fn peek_pop(a: &ValueOnlyArgs, ctx: &Ctx, pop: bool) -> anyhow::Result<i32> {
    let m = open(ctx, &a.target.map)?;
    let what = if pop { "pop" } else { "peek" };
    need_queue(&m, &a.target.map, what)?;
    let types = types_for(&m, &a.types)?;
    let mut val = vec![0u8; m.info.value_buf_size()];
    let got = if pop {
        sysmap::pop(m.fd.as_fd(), &mut val)
    } else {
        sysmap::lookup(m.fd.as_fd(), None, &mut val)
    }
    .map_err(|e| kernel_err(&m, what, &e))?;
    if !got {
        return Err(
            X0Error::new(ErrorKind::NotFound, format!("map {}: empty", m.info.id))
                .errno(libc::ENOENT)
                .into(),
        );
    }
    let r = EntryReport {
        map: desc(&m, Some(&types.typing)),
        btf: types.typing.btf,
        key: None,
        value: Some(types.value.decode(&val)),
        present: None,
        action: pop.then_some("popped"),
        summed_over_cpus: None,
        key_hex: None,
        value_hex: Some(hex(&val)),
    };
    emit(if pop { "map pop" } else { "map peek" }, &r, ctx)
}

fn push(a: &PushArgs, ctx: &Ctx) -> anyhow::Result<i32> {
    let m = open(ctx, &a.target.map)?;
    need_queue(&m, &a.target.map, "push")?;
    let bloom = m.info.map_type == sysmap::BLOOM_FILTER;
    if bloom && a.overwrite {
        return Err(
            usage("--overwrite is for queues and stacks: a bloom filter is never full").into(),
        );
    }
    let types = types_for(&m, &a.types)?;
    let val = encode_value(
        &types,
        &m.info,
        a.value.as_deref(),
        a.value_hex.as_deref(),
        false,
        None,
    )?;
    let flags = if a.overwrite {
        sysmap::BPF_EXIST
    } else {
        sysmap::BPF_ANY
    };
    sysmap::update(m.fd.as_fd(), None, &val, flags).map_err(|e| {
        let x = kernel_err(
            &m,
            if bloom {
                "adding to the bloom filter"
            } else {
                "push"
            },
            &e,
        );
        if e.raw_os_error() == Some(libc::E2BIG) {
            x.hint("the queue is full: pop first, or --overwrite")
        } else {
            x
        }
    })?;
    let r = EntryReport {
        map: desc(&m, Some(&types.typing)),
        btf: types.typing.btf,
        key: None,
        value: Some(types.value.decode(&val)),
        present: None,
        action: Some("pushed"),
        summed_over_cpus: None,
        key_hex: None,
        value_hex: None,
    };
    emit("map push", &r, ctx)
}
