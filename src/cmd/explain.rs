//! `x0bpf explain OBJECT[:PROG] | PROG | id N | pinned PATH`: what a program does, in plain
//! words, derived from its instructions (src/obj/analysis.rs) and from what is known of its
//! hook (src/obj/hooks.rs): where it runs, which maps it reads and writes and how, which
//! helpers it calls, every value it can return, what its license allows and what kernel it
//! needs. Objects are read, never loaded; loaded programs are read through their translated
//! instructions.
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::Path;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::analysis::{self, Facts, MapOp, Return};
use crate::obj::btf::Btf;
use crate::obj::hooks::{self, Effect};
use crate::obj::{elf, helpers, insn, names, source};
use crate::output::Report;
use crate::probe::{Probe, Probes, Support};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::kallsyms::Kallsyms;
use crate::validate::license::license_is_gpl_compatible;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "TARGET is OBJECT (every program in it), OBJECT:PROG, the name of a program in an \
                  embedded object, `id N` (a loaded program), `name NAME` (every loaded program \
                  of that name) or `pinned PATH`.\n\n\
                  Exit codes: 0 explained, 2 usage or unreadable file, 3 not a BPF object, \
                  4 permission (loaded programs need CAP_SYS_ADMIN or CAP_BPF+CAP_PERFMON), \
                  7 no such object, program or id."
)]
pub struct Args {
    /// What to explain: OBJECT[:PROG], PROG, `id N`, `name NAME` or `pinned PATH`
    #[arg(required = true, num_args = 1..=2, value_name = "TARGET", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::prog_targets))]
    pub target: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ExplainReport {
    /// The object file, `embedded:NAME`, or `id N` / a pin path for a loaded program.
    pub source: String,
    pub programs: Vec<Explained>,
}

#[derive(Debug, Serialize)]
pub struct Explained {
    pub name: String,
    /// Loaded programs only.
    pub id: Option<u32>,
    pub section: Option<String>,
    pub prog_type: String,
    pub attach_type: Option<String>,
    pub instructions: usize,
    /// bpf-to-bpf functions (subprograms, callbacks) besides the main one.
    pub subprograms: usize,
    pub hook: HookOut,
    pub returns: Returns,
    pub maps: Vec<MapOut>,
    pub helpers: Vec<HelperOut>,
    pub license: LicenseOut,
    pub kernel: Vec<Need>,
    /// What the analysis could not determine.
    pub unknown: Vec<String>,
    /// The account in sentences, most important first.
    pub summary: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct HookOut {
    pub attaches: String,
    pub sees: String,
    /// Loaded programs: the bpf_links that attach it now.
    pub attached: Vec<String>,
    /// Fields of its context it loads directly (objects; in loaded programs the verifier has
    /// rewritten these loads into the kernel's own structures).
    pub context_fields: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Returns {
    pub values: Vec<ReturnValue>,
    /// Some path returns a value that is not a constant the analysis can follow.
    pub computed: bool,
    pub drops: bool,
    pub redirects: bool,
    /// The kernel ignores the value (tracing hooks).
    pub ignored: bool,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct ReturnValue {
    /// The constant (as a signed 32-bit return code), absent for a helper's result.
    pub value: Option<i64>,
    pub name: Option<String>,
    /// pass, drop, redirect, transmit, ignored, other, unknown
    pub effect: &'static str,
    /// `return bpf_redirect_map(...)`: the helper whose result is returned.
    pub helper: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MapOut {
    pub name: String,
    pub id: Option<u32>,
    pub map_type: String,
    pub key: Option<String>,
    pub value: Option<String>,
    pub max_entries: Option<u32>,
    pub reads: bool,
    pub writes: bool,
    pub ops: Vec<MapOp>,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct HelperOut {
    pub id: u32,
    pub name: String,
    /// Call sites in reachable code.
    pub calls: usize,
    pub what: Option<&'static str>,
    pub since: Option<&'static str>,
    pub gpl_only: bool,
    /// Loaded programs: the kernel function the call points to.
    pub kernel_function: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LicenseOut {
    /// The license string (objects only; the kernel keeps only whether it is GPL-compatible).
    pub license: Option<String>,
    pub gpl_compatible: bool,
    pub gpl_only_helpers: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct Need {
    pub what: String,
    /// First mainline release that has it.
    pub since: Option<String>,
    /// Whether this kernel has it: yes, no, unknown.
    pub here: &'static str,
    pub detail: Option<String>,
}

enum Target {
    Object {
        object: String,
        prog: Option<String>,
    },
    Id(u32),
    Pinned(String),
    Name(String),
}

fn parse_target(words: &[String]) -> Result<Target, X0Error> {
    let usage = |m: String| {
        X0Error::new(ErrorKind::Usage, m)
            .hint("give OBJECT, OBJECT:PROG, PROG, `id N`, `name NAME` or `pinned PATH`")
    };
    match words {
        [kw, v] if kw == "id" => v
            .parse::<u32>()
            .ok()
            .filter(|&n| n > 0)
            .map(Target::Id)
            .ok_or_else(|| usage(format!("`id` needs a positive program id, not {v:?}"))),
        [kw, v] if kw == "pinned" => Ok(Target::Pinned(v.clone())),
        [kw, v] if kw == "name" => Ok(Target::Name(v.clone())),
        [one] => {
            if Path::new(one).exists() || source::embedded(one).is_some() {
                return Ok(Target::Object {
                    object: one.clone(),
                    prog: None,
                });
            }
            match one.rsplit_once(':') {
                Some((o, p)) if !o.is_empty() && !p.is_empty() => Ok(Target::Object {
                    object: o.to_string(),
                    prog: Some(p.to_string()),
                }),
                _ => Ok(Target::Object {
                    object: one.clone(),
                    prog: None,
                }),
            }
        }
        _ => Err(usage(format!(
            "cannot read {:?} as a target",
            words.join(" ")
        ))),
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExplainReport> {
    let _busy = crate::output::busy("analysing");
    let probes = Probes::new();
    let ksyms = Ksyms::new();
    match parse_target(&args.target)? {
        Target::Object { object, prog } => explain_object(&object, prog.as_deref(), &probes),
        Target::Id(id) => {
            let fd = bpf::fd_by_id(ObjKind::Prog, id).map_err(|e| {
                let errno = e.raw_os_error().unwrap_or(0);
                let x = X0Error::os(format!("program id {id}"), &e);
                if errno == libc::ENOENT {
                    X0Error::new(
                        ErrorKind::NotFound,
                        format!("no loaded program has id {id}"),
                    )
                    .errno(errno)
                    .hint("`x0bpf list --all` shows the loaded programs and their ids")
                } else {
                    x
                }
            })?;
            Ok(ExplainReport {
                source: format!("id {id}"),
                programs: vec![explain_loaded(fd.as_fd(), &probes, &ksyms)?],
            })
        }
        Target::Name(n) => {
            // The kernel keeps the first 15 bytes of a program's name.
            let short: String = n.chars().take(15).collect();
            let mut programs = Vec::new();
            let mut denied = None;
            let ids = bpf::try_all_ids(ObjKind::Prog)
                .map_err(|e| X0Error::os("listing loaded programs".to_string(), &e))?;
            for id in ids {
                let fd = match bpf::fd_by_id(ObjKind::Prog, id) {
                    Ok(fd) => fd,
                    Err(e) => {
                        denied.get_or_insert(e);
                        continue;
                    }
                };
                if bpf::prog_info(fd.as_fd()).is_ok_and(|i| i.name == short) {
                    programs.push(explain_loaded(fd.as_fd(), &probes, &ksyms)?);
                }
            }
            if programs.is_empty() {
                if let Some(e) = denied.filter(|e| e.raw_os_error() == Some(libc::EPERM)) {
                    return Err(X0Error::os("listing loaded programs".to_string(), &e).into());
                }
                return Err(X0Error::new(
                    ErrorKind::NotFound,
                    format!("no loaded program is named {n}"),
                )
                .hint("`x0bpf list prog` shows the loaded programs and their names")
                .into());
            }
            Ok(ExplainReport {
                source: format!("name {n}"),
                programs,
            })
        }
        Target::Pinned(p) => {
            let path = Path::new(&p);
            if std::fs::symlink_metadata(path).is_err() {
                return Err(X0Error::new(ErrorKind::NotFound, format!("no pin at {p}"))
                    .hint(
                        "pins live under the bpffs root (/sys/fs/bpf); `x0bpf list` shows x0bpf's",
                    )
                    .into());
            }
            if !path.parent().is_some_and(crate::sys::mounts::is_bpffs) {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("{p} is not on a BPF filesystem, so it is not a pinned program"),
                )
                .hint("give a pin path under the bpffs root (/sys/fs/bpf), or `id N`")
                .into());
            }
            let fd = bpf::obj_get(path)
                .map_err(|e| X0Error::os(format!("opening pinned program {p}"), &e))?;
            if bpf::fd_kind(fd.as_fd()) != Some(ObjKind::Prog) {
                return Err(
                    X0Error::new(ErrorKind::Usage, format!("{p} is not a pinned program"))
                        .hint("pin paths of maps and links are not programs")
                        .into(),
                );
            }
            Ok(ExplainReport {
                source: p,
                programs: vec![explain_loaded(fd.as_fd(), &probes, &ksyms)?],
            })
        }
    }
}

/// OBJECT[:PROG]; a bare name that is neither a file nor an embedded object may be a program
/// of an embedded object.
fn explain_object(
    object: &str,
    prog: Option<&str>,
    probes: &Probes,
) -> anyhow::Result<ExplainReport> {
    let src = match source::resolve(object) {
        Ok(s) => s,
        Err(e) if e.kind == ErrorKind::NotFound && prog.is_none() => {
            let owner = source::names().into_iter().find(|n| {
                source::embedded(n)
                    .and_then(|e| elf::parse(e.bytes, n).ok())
                    .is_some_and(|p| p.info.programs.iter().any(|p| p.name == object))
            });
            match owner {
                Some(o) => return explain_object(o, Some(object), probes),
                None => {
                    return Err(X0Error::new(
                        ErrorKind::NotFound,
                        format!("no file, embedded object or embedded program named {object}"),
                    )
                    .hint(format!(
                        "give a .o path, OBJECT:PROG, or one of: {} (see `x0bpf objects`)",
                        source::names().join(", ")
                    ))
                    .into())
                }
            }
        }
        Err(e) => return Err(e.into()),
    };
    let parsed = elf::parse_linked(&src.bytes, &src.origin)?;
    let info = &parsed.info;
    let chosen: Vec<usize> = match prog {
        Some(p) => {
            let i = info
                .programs
                .iter()
                .position(|x| x.name == p)
                .ok_or_else(|| {
                    X0Error::new(
                        ErrorKind::NotFound,
                        format!("{} has no program named {p}", src.origin),
                    )
                    .hint(format!(
                        "its programs are: {}",
                        info.programs
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            vec![i]
        }
        None => (0..info.programs.len()).collect(),
    };
    if chosen.is_empty() {
        return Err(X0Error::new(
            ErrorKind::InvalidObject,
            format!("{} contains no program to explain", src.origin),
        )
        .into());
    }
    let mut programs = Vec::new();
    for i in chosen {
        let p = &info.programs[i];
        let code = parsed.linked.get(i).cloned().unwrap_or_default();
        let facts = analysis::analyze(&code);
        let (pt, at) = names::prog_type_numbers(&p.section).unzip();
        let maps: Vec<MapDesc> = info
            .maps
            .iter()
            .map(|m| MapDesc {
                name: m.name.clone(),
                id: None,
                map_type: m.map_type.clone(),
                map_type_number: m.map_type_number,
                key: type_text(parsed.btf.as_ref(), m.key_type_id, &m.key_type, m.key_size),
                value: type_text(
                    parsed.btf.as_ref(),
                    m.value_type_id,
                    &m.value_type,
                    m.value_size,
                ),
                max_entries: m.max_entries,
                internal: m.definition == "internal",
            })
            .collect();
        let mut unknown = Vec::new();
        if !p.kfuncs.is_empty() {
            unknown.push(format!(
                "calls kernel functions (kfuncs) whose effects are not described: {}",
                p.kfuncs.join(", ")
            ));
        }
        programs.push(build(Input {
            btf: parsed.btf.as_ref(),
            name: p.name.clone(),
            id: None,
            section: Some(p.section.clone()),
            prog_type: pt,
            attach_type: at.filter(|&a| a != 0 || pt == Some(libbpf_sys::BPF_PROG_TYPE_CGROUP_SKB)),
            instructions: code.insns.len(),
            facts,
            maps,
            license: Some(info.license.clone()),
            gpl_compatible: info
                .license
                .as_deref()
                .is_some_and(license_is_gpl_compatible),
            kernel_functions: BTreeMap::new(),
            attached: Vec::new(),
            unknown,
            core_relocations: p.core_relocations,
            probes,
        }));
    }
    Ok(ExplainReport {
        source: src.origin.clone(),
        programs,
    })
}

fn type_text(
    btf: Option<&Btf>,
    id: Option<u32>,
    name: &Option<String>,
    size: Option<u32>,
) -> Option<String> {
    match (btf, id) {
        (Some(b), Some(id)) => Some(hooks::type_summary(b, id)),
        _ => match (name, size) {
            (Some(n), Some(s)) => Some(format!("{n} ({s} bytes)")),
            (None, Some(s)) if s > 0 => Some(format!("{s} bytes")),
            _ => None,
        },
    }
}

/// `/proc/kallsyms`, read at most once per run (it is large) and only if a loaded program is
/// explained.
type Ksyms = std::cell::OnceCell<io::Result<Kallsyms>>;

fn explain_loaded(
    fd: std::os::fd::BorrowedFd<'_>,
    probes: &Probes,
    ksyms: &Ksyms,
) -> anyhow::Result<Explained> {
    let perm = |what: &str, e: &io::Error| X0Error::os(what.to_string(), e);
    let pi = bpf::prog_info(fd).map_err(|e| perm("reading program info", &e))?;
    let pt = pi.prog_type_number;
    let raw = bpf::prog_xlated(fd, pi.xlated_bytes)
        .map_err(|e| perm("reading translated instructions", &e))?;
    let mut unknown = Vec::new();
    if raw.is_empty() && pi.xlated_bytes > 0 {
        unknown.push(
            "the kernel did not give the program's instructions (bpf_dump_raw_ok: needs root)"
                .into(),
        );
    }
    let insns = insn::decode_all(&raw, cfg!(target_endian = "big"));
    let ksyms = ksyms.get_or_init(Kallsyms::read);
    if let Err(e) = ksyms {
        unknown.push(format!("helper calls cannot be named: {e}"));
    }
    let kernel_functions: RefCell<BTreeMap<u32, String>> = RefCell::new(BTreeMap::new());
    let not_helpers: RefCell<BTreeSet<String>> = RefCell::new(BTreeSet::new());
    let index: BTreeMap<u32, u32> = pi
        .map_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let (code, unresolved) = analysis::from_xlated(
        insns,
        |imm| {
            let k = ksyms.as_ref().ok()?;
            let f = k.call_target(imm)?;
            match helpers::by_kernel_function(f) {
                Some(id) => {
                    kernel_functions.borrow_mut().insert(id, f.to_string());
                    Some(id)
                }
                None => {
                    not_helpers.borrow_mut().insert(f.to_string());
                    None
                }
            }
        },
        |id| index.get(&id).copied(),
    );
    if !unresolved.is_empty() {
        let named = not_helpers.borrow();
        if named.is_empty() {
            unknown.push(format!(
                "{} helper call target(s) could not be resolved to a helper",
                unresolved.len()
            ));
        } else {
            unknown.push(format!(
                "calls kernel functions that are not helpers the tables know: {}",
                named.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    unknown.push(
        "translated code: the verifier may have inlined some helpers (e.g. \
         bpf_get_smp_processor_id, bpf_loop, array lookups), which then do not appear as calls"
            .into(),
    );
    let mut code = code;
    // In translated code a kfunc call's imm is the function's address relative to the helper
    // base, like a helper's: named through kallsyms. `bpf_throw` never returns, it ends the
    // program with its cookie.
    if let Ok(k) = ksyms {
        code.noreturn = code
            .insns
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.is_call()
                    && i.src == insn::PSEUDO_KFUNC_CALL
                    && k.call_target(i.imm) == Some("bpf_throw")
            })
            .map(|(pc, _)| pc)
            .collect();
    }
    // A program that throws gets the kernel's default exception callback appended
    // (`r0 = r1; exit`: the cookie is the verdict); anything else at the end is its own.
    if !code.noreturn.is_empty() {
        let n = code.insns.len();
        let default_cb = n >= 2 && {
            let (mov, exit) = (code.insns[n - 2], code.insns[n - 1]);
            mov.code == 0xbf && mov.dst == 0 && mov.src == 1 && exit.is_exit()
        };
        code.exception_callback = !default_cb;
    }
    let facts = analysis::analyze(&code);
    let mut maps = Vec::new();
    for &id in &pi.map_ids {
        let m = bpf::fd_by_id(ObjKind::Map, id)
            .ok()
            .and_then(|fd| crate::sys::map::info(fd.as_fd()).ok());
        let Some(m) = m else {
            maps.push(MapDesc {
                name: format!("map id {id}"),
                id: Some(id),
                map_type: "unknown".into(),
                map_type_number: 0,
                key: None,
                value: None,
                max_entries: None,
                internal: false,
            });
            continue;
        };
        let btf = (m.btf_id != 0)
            .then(|| crate::maps::types::kernel_btf(m.btf_id).ok())
            .flatten();
        let key_id = (m.btf_key_type_id != 0).then_some(m.btf_key_type_id);
        let value_id = (m.btf_value_type_id != 0).then_some(m.btf_value_type_id);
        maps.push(MapDesc {
            name: m.name.clone(),
            id: Some(id),
            map_type: names::map_type_name(m.map_type),
            map_type_number: m.map_type,
            key: type_text(btf.as_ref(), key_id, &None, Some(m.key_size)),
            value: type_text(btf.as_ref(), value_id, &None, Some(m.value_size)),
            max_entries: Some(m.max_entries),
            // libbpf names global-data maps `<obj prefix>.<section>`.
            internal: m.name.contains('.'),
        });
    }
    let attached = links_of(pi.id);
    let kf = kernel_functions.into_inner();
    Ok(build(Input {
        btf: None,
        name: pi.name.clone(),
        id: Some(pi.id),
        section: None,
        prog_type: Some(pt),
        attach_type: None,
        instructions: code.insns.len(),
        facts,
        maps,
        license: None,
        gpl_compatible: pi.gpl_compatible,
        kernel_functions: kf,
        attached,
        unknown,
        core_relocations: 0,
        probes,
    }))
}

/// The bpf_links that attach program `id`, in words.
fn links_of(id: u32) -> Vec<String> {
    let mut out = Vec::new();
    for lid in bpf::all_ids(ObjKind::Link) {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Link, lid) else {
            continue;
        };
        let Ok(li) = bpf::link_info(fd.as_fd()) else {
            continue;
        };
        if li.prog_id != id {
            continue;
        }
        let mut s = format!("link {lid}: {}", li.link_type);
        if let Some(a) = &li.attach_type {
            s.push_str(&format!(" {a}"));
        }
        if let Some(i) = li.ifindex {
            s.push_str(&format!(" on ifindex {i}"));
            s.push_str(&link_iface_words(&li.link_type, lid, i, id));
        }
        if let Some(t) = &li.target {
            s.push_str(&format!(" {t}"));
        }
        out.push(s);
    }
    out
}

/// ` (NAME)` or ` (NAME in netns NS)` for an interface link: an ifindex names an interface
/// only in its own network namespace, so the name is the one of the namespace whose interface
/// `ifindex` runs this program through this link (` (?)` when none, or several, do).
fn link_iface_words(link_type: &str, link_id: u32, ifindex: u32, prog_id: u32) -> String {
    use crate::attach::tc::Direction;
    let xdp = link_type == "xdp";
    if !xdp && link_type != "tcx" {
        let name = crate::sys::ifname(ifindex).unwrap_or_else(|| "?".into());
        return format!(" ({name})");
    }
    let ask = move || -> Result<Option<String>, crate::error::X0Error> {
        let Some(l) =
            crate::sys::netlink::get_link_by_index(ifindex).map_err(crate::attach::nl_err)?
        else {
            return Ok(None);
        };
        let runs = if xdp {
            l.xdp.prog_id == Some(prog_id)
        } else {
            [Direction::Ingress, Direction::Egress].iter().any(|d| {
                bpf::tcx_query(ifindex, d.tcx_attach_type())
                    .iter()
                    .any(|(p, l)| *p == prog_id && *l == Some(link_id))
            })
        };
        Ok(runs.then_some(l.name))
    };
    let here = crate::sys::ns::netns_inode().ok();
    let mut found = Vec::new();
    for ns in crate::sys::ns::all_netns() {
        if let Ok(Some(Some(name))) = crate::sys::ns::in_netns(ns.inode, ask) {
            found.push((name, ns));
        }
    }
    match found.as_slice() {
        [(name, ns)] if Some(ns.inode) == here => format!(" ({name})"),
        [(name, ns)] => format!(
            " ({name} in netns {})",
            ns.name.clone().unwrap_or_else(|| ns.inode.to_string())
        ),
        _ => " (?)".into(),
    }
}

struct MapDesc {
    name: String,
    id: Option<u32>,
    map_type: String,
    map_type_number: u32,
    key: Option<String>,
    value: Option<String>,
    max_entries: Option<u32>,
    internal: bool,
}

struct Input<'a> {
    /// The object's BTF (context types are looked up there first, then in the kernel's).
    btf: Option<&'a Btf>,
    name: String,
    id: Option<u32>,
    section: Option<String>,
    prog_type: Option<u32>,
    attach_type: Option<u32>,
    instructions: usize,
    facts: Facts,
    maps: Vec<MapDesc>,
    /// Objects: `Some(license section)`; loaded programs: `None` (the kernel keeps no string).
    license: Option<Option<String>>,
    gpl_compatible: bool,
    kernel_functions: BTreeMap<u32, String>,
    attached: Vec<String>,
    unknown: Vec<String>,
    core_relocations: u64,
    probes: &'a Probes,
}

fn here(p: &Probe) -> (&'static str, Option<String>) {
    (
        match p.supported {
            Support::Yes => "yes",
            Support::No => "no",
            Support::Unknown => "unknown",
        },
        p.detail.clone(),
    )
}

fn effect_name(e: Effect) -> &'static str {
    match e {
        Effect::Pass => "pass",
        Effect::Drop => "drop",
        Effect::Redirect => "redirect",
        Effect::Transmit => "transmit",
        Effect::Ignored => "ignored",
        Effect::Other => "other",
    }
}

fn build(inp: Input<'_>) -> Explained {
    let f = &inp.facts;
    let pt = inp.prog_type;
    let section = inp.section.clone().unwrap_or_default();
    let hook = match pt {
        Some(t) => hooks::hook(t, inp.attach_type, &section),
        None => hooks::Hook {
            attaches: format!(
                "unknown: libbpf does not know section {section:?}, so the hook is unknown"
            ),
            sees: "unknown",
        },
    };
    let mut unknown = inp.unknown;

    // Context fields read directly (objects only: see HookOut::context_fields).
    let mut context_fields = Vec::new();
    if let (Some(t), None) = (pt.and_then(hooks::context_type), inp.id) {
        let vmlinux = inp.probes.vmlinux().ok();
        for &(off, _) in &f.context_loads {
            let name = inp
                .btf
                .and_then(|b| hooks::member_at(b, t, i64::from(off)))
                .or_else(|| {
                    vmlinux
                        .as_ref()
                        .and_then(|b| hooks::member_at(b, t, i64::from(off)))
                })
                .unwrap_or_else(|| format!("offset {off}"));
            if !context_fields.contains(&name) {
                context_fields.push(name);
            }
        }
    }

    // Returns.
    let mut values = Vec::new();
    let (mut computed, mut drops, mut redirects, mut ignored) = (false, false, false, false);
    let mut words = Vec::new();
    for r in &f.returns {
        match r {
            Return::Const { value } => {
                let named = pt.and_then(|t| hooks::return_value(t, inp.attach_type, *value));
                let v = i64::from(*value as u32 as i32);
                let eff = named.map(|n| n.1);
                match eff {
                    Some(Effect::Drop) => drops = true,
                    Some(Effect::Redirect) => redirects = true,
                    Some(Effect::Ignored) => ignored = true,
                    _ => {}
                }
                words.push(match named {
                    Some((_, Effect::Ignored)) => format!("{v}"),
                    // Socket filters: the value is the length kept; say which.
                    Some((n, _)) if n.starts_with("keep") || n.starts_with("not an") => {
                        format!("{v} ({n})")
                    }
                    Some((n, _)) => n.to_string(),
                    None => format!("{v}"),
                });
                values.push(ReturnValue {
                    value: Some(v),
                    name: named.map(|n| n.0.to_string()),
                    effect: eff.map(effect_name).unwrap_or("unknown"),
                    helper: None,
                });
            }
            Return::Helper { id } => {
                let name = names::helper_name(*id);
                let redirect = analysis::is_redirect_helper(*id);
                if redirect {
                    redirects = true;
                    words.push(format!("the result of {name} (a redirect on success)"));
                } else {
                    computed = true;
                    words.push(format!("the result of {name}"));
                }
                values.push(ReturnValue {
                    value: None,
                    name: None,
                    effect: if redirect { "redirect" } else { "unknown" },
                    helper: Some(name),
                });
            }
            Return::Computed => {
                computed = true;
                words.push("a value computed at run time".into());
                values.push(ReturnValue {
                    value: None,
                    name: None,
                    effect: "unknown",
                    helper: None,
                });
            }
        }
    }
    let tail_calls = f.helpers.contains_key(&12);
    let net_verdict = values
        .iter()
        .any(|v| matches!(v.effect, "pass" | "drop" | "redirect" | "transmit"));
    let mut ret_summary = if f.returns.is_empty() {
        "it never returns: no exit is reachable".to_string()
    } else if words.len() == 1 && !computed && !tail_calls {
        format!("always {}", words[0])
    } else if words.len() == 1 {
        format!("returns {}", words[0])
    } else {
        let (last, rest) = words
            .split_last()
            .map(|(l, r)| (l.clone(), r.join(", ")))
            .unwrap_or_default();
        format!("returns one of {rest} or {last}")
    };
    if ignored && !computed && !drops && !redirects {
        ret_summary.push_str("; the hook ignores it");
    } else if net_verdict || drops || redirects {
        let mut clauses = Vec::new();
        let all_drop = values.iter().all(|v| v.effect == "drop");
        if all_drop {
            clauses.push("it always drops".to_string());
        } else if drops {
            clauses.push("it drops on some path".to_string());
        }
        if redirects {
            clauses.push("it may redirect".to_string());
        }
        if values.iter().any(|v| v.effect == "transmit") {
            clauses.push(
                "it sends some packets back out of the interface they came in on".to_string(),
            );
        }
        // A value the hook does not define is not a pass: XDP drops unknown actions.
        let undefined = values.iter().any(|v| v.effect == "unknown");
        if !drops && !redirects && !computed && !tail_calls && !undefined {
            clauses.push("it never drops or redirects".to_string());
        }
        if computed {
            clauses.push("some paths return a value the analysis cannot follow".to_string());
        }
        if !clauses.is_empty() {
            ret_summary = format!("{ret_summary}: {}", clauses.join("; "));
        }
    }
    if tail_calls {
        ret_summary.push_str(
            "; it may also tail-call another program, whose return value decides instead",
        );
    }

    // Maps.
    let mut maps_out = Vec::new();
    for (i, m) in inp.maps.iter().enumerate() {
        let mut ops: Vec<MapOp> = f
            .maps
            .get(&(i as u32))
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        if m.map_type_number == libbpf_sys::BPF_MAP_TYPE_RINGBUF {
            // Stores into a reserved record are how the record is filled, not a map update.
            ops.retain(|o| !matches!(o, MapOp::ReadValue | MapOp::WriteValue | MapOp::AtomicValue));
        }
        if ops.is_empty() && inp.id.is_none() {
            // Objects list every map of the object; only the ones this program uses matter.
            continue;
        }
        let reads = ops.iter().any(|o| {
            matches!(
                o,
                MapOp::Lookup
                    | MapOp::LookupInlined
                    | MapOp::ReadValue
                    | MapOp::Peek
                    | MapOp::Pop
                    | MapOp::Iterate
                    | MapOp::StorageGet
                    | MapOp::TailCall
                    | MapOp::Redirect
                    | MapOp::RingbufQuery
            )
        });
        let writes = ops.iter().any(|o| o.writes());
        let what = if m.internal {
            "global variables".to_string()
        } else {
            format!("{} map", m.map_type)
        };
        let mut s = format!("{} ({what})", m.name);
        let mut typed = Vec::new();
        if let Some(k) = &m.key {
            if !m.internal {
                typed.push(format!("key {k}"));
            }
        }
        if let Some(v) = &m.value {
            typed.push(format!("value {v}"));
        }
        if let Some(n) = m.max_entries.filter(|_| !m.internal) {
            typed.push(format!("max {n} entries"));
        }
        if !typed.is_empty() {
            s.push_str(&format!(", {}", typed.join(", ")));
        }
        if ops.is_empty() {
            s.push_str(": used by the program, but no access was found in its code");
        } else {
            s.push_str(&format!(
                ": {}",
                ops.iter().map(|o| o.words()).collect::<Vec<_>>().join(", ")
            ));
        }
        maps_out.push(MapOut {
            name: m.name.clone(),
            id: m.id,
            map_type: m.map_type.clone(),
            key: m.key.clone(),
            value: m.value.clone(),
            max_entries: m.max_entries,
            reads,
            writes,
            ops,
            summary: s,
        });
    }
    for id in &f.unknown_map_args {
        unknown.push(format!(
            "the map given to {} could not be determined",
            names::helper_name(*id)
        ));
    }

    // Helpers.
    let helpers_out: Vec<HelperOut> = f
        .helpers
        .iter()
        .map(|(&id, &calls)| {
            let h = helpers::by_id(id);
            HelperOut {
                id,
                name: names::helper_name(id),
                calls,
                what: helpers::describe(id),
                since: helpers::since(id),
                gpl_only: h.is_some_and(|h| h.gpl_only),
                kernel_function: inp.kernel_functions.get(&id).cloned(),
            }
        })
        .collect();

    // License.
    let gpl_only: Vec<String> = helpers_out
        .iter()
        .filter(|h| h.gpl_only)
        .map(|h| h.name.clone())
        .collect();
    let lic_text = match &inp.license {
        Some(Some(l)) => format!("license {l:?}"),
        Some(None) => "no license section".to_string(),
        None => "the kernel records it as".to_string(),
    };
    let lic_summary = match (inp.gpl_compatible, gpl_only.is_empty(), &inp.license) {
        (true, true, None) => "the kernel records it as GPL-compatible: GPL-only helpers are allowed (it calls none)".to_string(),
        (true, false, None) => format!(
            "the kernel records it as GPL-compatible, which GPL-only helpers need: {}",
            gpl_only.join(", ")
        ),
        (false, true, None) => "the kernel records it as not GPL-compatible: GPL-only helpers are refused (it calls none)".to_string(),
        (false, false, None) => format!(
            "the kernel records it as not GPL-compatible, yet it calls GPL-only helpers: {}",
            gpl_only.join(", ")
        ),
        (true, true, Some(_)) => format!(
            "{lic_text} is GPL-compatible: GPL-only helpers are allowed (it calls none)"
        ),
        (true, false, Some(_)) => format!(
            "{lic_text} is GPL-compatible, which its GPL-only helpers need: {}",
            gpl_only.join(", ")
        ),
        (false, true, Some(_)) => format!(
            "{lic_text} is not GPL-compatible: GPL-only helpers would be refused, and it calls none"
        ),
        (false, false, Some(_)) => format!(
            "{lic_text} is not GPL-compatible: the verifier will refuse its GPL-only helpers ({})",
            gpl_only.join(", ")
        ),
    };
    let license = LicenseOut {
        license: inp.license.clone().flatten(),
        gpl_compatible: inp.gpl_compatible,
        gpl_only_helpers: gpl_only,
        summary: lic_summary,
    };

    // Kernel features.
    let probes = inp.probes;
    let mut kernel = Vec::new();
    if let Some(t) = pt {
        let (h, d) = here(&probes.prog_type(t));
        kernel.push(Need {
            what: format!("program type {}", names::prog_type_name(t)),
            since: hooks::prog_type_since(t).map(String::from),
            here: h,
            detail: d,
        });
        if matches!(
            inp.attach_type,
            Some(libbpf_sys::BPF_TCX_INGRESS | libbpf_sys::BPF_TCX_EGRESS)
        ) {
            let (h, d) = here(&probes.tcx());
            kernel.push(Need {
                what: "tcx attachment".into(),
                since: Some("6.6".into()),
                here: h,
                detail: d,
            });
        }
    }
    let mut seen_types = BTreeSet::new();
    for (i, m) in inp.maps.iter().enumerate() {
        let used = f.maps.contains_key(&(i as u32)) || inp.id.is_some();
        if !used || m.map_type_number == 0 || !seen_types.insert(m.map_type_number) {
            continue;
        }
        let (h, d) = here(&probes.map_type(m.map_type_number));
        kernel.push(Need {
            what: format!("map type {}", m.map_type),
            since: hooks::map_type_since(m.map_type_number).map(String::from),
            here: h,
            detail: d,
        });
    }
    for hlp in &helpers_out {
        let (h, d) = match pt {
            Some(t) => here(&probes.helper(t, hlp.id)),
            None => ("unknown", Some("program type unknown".into())),
        };
        kernel.push(Need {
            what: format!("helper {}", hlp.name),
            since: hlp.since.map(String::from),
            here: h,
            detail: d,
        });
    }
    let mut feature = |what: &str, since: &str| {
        kernel.push(Need {
            what: what.into(),
            since: Some(since.into()),
            here: if probes.version().at_least(
                since
                    .split('.')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
                since
                    .split('.')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
            ) == Some(true)
            {
                "yes"
            } else {
                "unknown"
            },
            detail: None,
        })
    };
    if f.subprograms > 0 {
        feature("bpf-to-bpf function calls", "4.16");
    }
    if f.loops {
        feature("bounded loops (backward jumps)", "5.3");
    }
    if inp
        .maps
        .iter()
        .enumerate()
        .any(|(i, m)| m.internal && f.maps.contains_key(&(i as u32)))
    {
        feature("global variables (direct map value access)", "5.2");
    }
    if f.throws {
        feature("BPF exceptions (bpf_throw)", "6.7");
    }
    if f.kfunc_calls > 0 {
        feature("kernel function calls (kfuncs)", "5.13");
    }
    if inp.core_relocations > 0 {
        let (h, d) = match probes.vmlinux() {
            Ok(_) => ("yes", None),
            Err(e) => ("no", Some(e)),
        };
        kernel.push(Need {
            what: format!(
                "kernel BTF for {} CO-RE relocations (CONFIG_DEBUG_INFO_BTF)",
                inp.core_relocations
            ),
            since: Some("5.4".into()),
            here: h,
            detail: d,
        });
    }
    unknown.extend(f.limits.iter().cloned());

    // Summary sentences.
    let mut summary = Vec::new();
    summary.push(format!("Runs at {}; it sees {}.", hook.attaches, hook.sees));
    if !inp.attached.is_empty() {
        summary.push(format!("Attached now: {}.", inp.attached.join("; ")));
    }
    if !context_fields.is_empty() {
        summary.push(format!(
            "From its context ({}) it reads: {}.",
            pt.and_then(hooks::context_type).unwrap_or("?"),
            context_fields.join(", ")
        ));
    }
    let written: Vec<&str> = maps_out
        .iter()
        .filter(|m| m.writes)
        .map(|m| m.name.as_str())
        .collect();
    let read_only: Vec<&str> = maps_out
        .iter()
        .filter(|m| m.reads && !m.writes)
        .map(|m| m.name.as_str())
        .collect();
    if maps_out.is_empty() {
        summary.push("It uses no maps.".into());
    } else {
        if !written.is_empty() {
            summary.push(format!("It writes to maps: {}.", written.join(", ")));
        }
        if !read_only.is_empty() {
            summary.push(format!("It only reads maps: {}.", read_only.join(", ")));
        }
    }
    for m in &maps_out {
        if m.ops.contains(&MapOp::RingbufOutput) || m.ops.contains(&MapOp::RingbufReserve) {
            summary.push(format!(
                "It sends records to user space through the ring buffer {}.",
                m.name
            ));
        }
        if m.ops.contains(&MapOp::TailCall) {
            summary.push(format!(
                "It tail-calls programs stored in the program array {}.",
                m.name
            ));
        }
        if m.ops.contains(&MapOp::Redirect) {
            summary.push(format!("It redirects packets through {}.", m.name));
        }
        if m.ops.contains(&MapOp::PerfOutput) {
            summary.push(format!(
                "It sends records to user space through the perf event array {}.",
                m.name
            ));
        }
    }
    let mut rs = ret_summary.clone();
    if let Some(c) = rs.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    summary.push(format!("{rs}."));
    if !helpers_out.is_empty() {
        summary.push(format!(
            "It calls {} helper{}: {}.",
            helpers_out.len(),
            if helpers_out.len() == 1 { "" } else { "s" },
            helpers_out
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut ls = license.summary.clone();
    if let Some(c) = ls.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    summary.push(format!("{ls}."));
    let newest = kernel
        .iter()
        .filter_map(|n| n.since.as_deref())
        .max_by_key(|v| {
            let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
            (it.next().unwrap_or(0), it.next().unwrap_or(0))
        });
    if let Some(v) = newest {
        summary.push(format!("It needs Linux {v} or newer."));
    }
    let missing: Vec<&str> = kernel
        .iter()
        .filter(|n| n.here == "no")
        .map(|n| n.what.as_str())
        .collect();
    if !missing.is_empty() {
        summary.push(format!("This kernel lacks: {}.", missing.join(", ")));
    }

    Explained {
        name: inp.name,
        id: inp.id,
        section: inp.section,
        prog_type: pt
            .map(names::prog_type_name)
            .unwrap_or_else(|| "unknown".into()),
        attach_type: inp.attach_type.map(names::attach_type_name),
        instructions: inp.instructions,
        subprograms: f.subprograms,
        hook: HookOut {
            attaches: hook.attaches,
            sees: hook.sees.to_string(),
            attached: inp.attached,
            context_fields,
        },
        returns: Returns {
            values,
            computed,
            drops,
            redirects,
            ignored,
            summary: ret_summary,
        },
        maps: maps_out,
        helpers: helpers_out,
        license,
        kernel,
        unknown,
        summary,
    }
}

impl Report for ExplainReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        for (i, p) in self.programs.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let id = p.id.map(|i| format!(" (id {i})")).unwrap_or_default();
            let sec = p
                .section
                .as_ref()
                .map(|s| format!(", section {s}"))
                .unwrap_or_default();
            writeln!(
                out,
                "{}{id}: {} program{sec}, {} instructions{}",
                p.name,
                p.prog_type,
                p.instructions,
                if p.subprograms > 0 {
                    format!(", {} subprogram(s)", p.subprograms)
                } else {
                    String::new()
                }
            )?;
            for s in &p.summary {
                writeln!(out, "  {s}")?;
            }
            writeln!(out, "\n  Hook:     {}", p.hook.attaches)?;
            writeln!(out, "  Sees:     {}", p.hook.sees)?;
            for a in &p.hook.attached {
                writeln!(out, "  Attached: {a}")?;
            }
            writeln!(out, "  Returns:  {}", p.returns.summary)?;
            if !p.maps.is_empty() {
                writeln!(out, "  Maps:")?;
                for m in &p.maps {
                    let id = m.id.map(|i| format!("[id {i}] ")).unwrap_or_default();
                    writeln!(out, "    - {id}{}", m.summary)?;
                }
            }
            if !p.helpers.is_empty() {
                writeln!(out, "  Helpers:")?;
                for h in &p.helpers {
                    writeln!(
                        out,
                        "    - {} (x{}{}{}): {}",
                        h.name,
                        h.calls,
                        h.since.map(|s| format!(", since {s}")).unwrap_or_default(),
                        if h.gpl_only { ", GPL-only" } else { "" },
                        h.what.unwrap_or("(no description)")
                    )?;
                }
            }
            writeln!(out, "  License:  {}", p.license.summary)?;
            if !p.kernel.is_empty() {
                writeln!(out, "  Kernel:")?;
                for n in &p.kernel {
                    writeln!(
                        out,
                        "    - {}{}: here {}{}",
                        n.what,
                        n.since
                            .as_ref()
                            .map(|s| format!(" (Linux {s}+)"))
                            .unwrap_or_default(),
                        n.here,
                        n.detail
                            .as_ref()
                            .filter(|_| n.here != "yes")
                            .map(|d| format!(" ({d})"))
                            .unwrap_or_default()
                    )?;
                }
            }
            if !p.unknown.is_empty() {
                writeln!(out, "  Not determined:")?;
                for u in &p.unknown {
                    writeln!(out, "    - {u}")?;
                }
            }
        }
        Ok(())
    }
}
