//! `x0bpf validate OBJECT [--btf FILE] [--verify] [--strict]`: will this object load on this
//! kernel (or on the kernel whose BTF is given), and if not, why. Each check reads the object
//! or asks the kernel; none of them loads anything unless `--verify` is given, and `--verify`
//! leaves nothing behind (no pins, no attachments; every fd is dropped before returning).
use std::ffi::{c_char, OsStr};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::rc::Rc;

use libbpf_rs::AsRawLibbpf;
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::btf::{self, Btf, CoreReloKind, CoreResolution};
use crate::obj::elf::{self, CoreRelocInfo, ObjectInfo, ParsedObject, ProgramInfo};
use crate::obj::helpers;
use crate::obj::source::{self, ObjectSource};
use crate::output::{table, Report};
use crate::probe::{self, AttachKind, Probe, Probes, Support};
use crate::store::load;
use crate::sys::libbpf_log;
use crate::sys::{bpf, caps};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 nothing failed (warnings allowed unless --strict), \
                        1 a check failed, 2 usage or I/O error (unreadable OBJECT or --btf FILE)."
)]
pub struct Args {
    /// A BPF object file, or the name of an embedded object (see `x0bpf objects`)
    pub object: String,
    /// Target kernel BTF for the CO-RE check: raw BTF (a copy of /sys/kernel/btf/vmlinux) or
    /// an ELF file with a .BTF section [default: /sys/kernel/btf/vmlinux]
    #[arg(long, value_name = "FILE")]
    pub btf: Option<PathBuf>,
    /// Also load each program into the running kernel (nothing is attached or pinned) and
    /// report the verifier's verdict
    #[arg(long)]
    pub verify: bool,
    /// Count warnings as failures (exit 1)
    #[arg(long)]
    pub strict: bool,
}

/// The kernel's own list (include/linux/license.h, license_is_gpl_compatible()): an exact,
/// case-sensitive string comparison.
pub const GPL_COMPATIBLE: [&str; 6] = [
    "GPL",
    "GPL v2",
    "GPL and additional rights",
    "Dual BSD/GPL",
    "Dual MIT/GPL",
    "Dual MPL/GPL",
];

pub fn license_is_gpl_compatible(license: &str) -> bool {
    GPL_COMPATIBLE.contains(&license)
}

/// Helpers that read kernel memory at an address the program computes: without CO-RE the
/// offsets are those of the headers the object was compiled against.
const KERNEL_READ_HELPERS: [&str; 4] = [
    "bpf_probe_read",
    "bpf_probe_read_str",
    "bpf_probe_read_kernel",
    "bpf_probe_read_kernel_str",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub status: Status,
    /// The program concerned, when the finding is about one.
    pub program: Option<String>,
    /// Instruction index within the program (CO-RE, verifier), when known.
    pub insn: Option<u32>,
    /// What the finding is about: helper, map, access path, kernel feature.
    pub subject: Option<String>,
    pub message: String,
}

impl Detail {
    fn new(status: Status, message: impl Into<String>) -> Detail {
        Detail {
            status,
            program: None,
            insn: None,
            subject: None,
            message: message.into(),
        }
    }
    fn program(mut self, p: impl Into<String>) -> Detail {
        self.program = Some(p.into());
        self
    }
    fn subject(mut self, s: impl Into<String>) -> Detail {
        self.subject = Some(s.into());
        self
    }
    fn insn(mut self, i: u32) -> Detail {
        self.insn = Some(i);
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub message: String,
    pub details: Vec<Detail>,
}

impl Check {
    /// The status is the worst of the details; a failing check leads with its first failure,
    /// which is what a person needs to read first.
    fn from_details(name: &'static str, pass_msg: String, details: Vec<Detail>) -> Check {
        let status = details
            .iter()
            .map(|d| d.status)
            .max()
            .unwrap_or(Status::Pass);
        let message = if status == Status::Pass {
            pass_msg
        } else {
            let bad: Vec<&Detail> = details.iter().filter(|d| d.status == status).collect();
            let mut m = bad[0].message.clone();
            if bad.len() > 1 {
                m.push_str(&format!(" (and {} more)", bad.len() - 1));
            }
            m
        };
        Check {
            name,
            status,
            message,
            details,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetBtf {
    /// `/sys/kernel/btf/vmlinux` or the --btf path.
    pub source: String,
    /// "kernel" (the running kernel's), "raw" (a BTF file) or "elf" (.BTF of an ELF file).
    pub format: &'static str,
    pub types: Option<usize>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verifier {
    pub status: Status,
    pub errno: Option<i32>,
    /// The verifier's (or libbpf's) reason, one line.
    pub error: Option<String>,
    pub insns_processed: Option<u32>,
    pub verification_time_us: Option<u64>,
    /// The instruction the verifier stopped at, counted from the program's first instruction.
    pub failed_insn: Option<u32>,
    pub source_line: Option<SourceLine>,
    pub log_tail: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgramVerdict {
    pub name: String,
    pub section: String,
    pub prog_type: Option<String>,
    /// Present with --verify.
    pub verifier: Option<Verifier>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    /// fail when a check failed, or a check warned under --strict.
    pub result: Status,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValidateReport {
    pub object: String,
    pub target_btf: TargetBtf,
    pub strict: bool,
    pub verify: bool,
    pub checks: Vec<Check>,
    pub programs: Vec<ProgramVerdict>,
    pub summary: Summary,
}

/// Problems with the command line or its files are exit 2; everything about the object itself
/// is a check.
fn usage(e: X0Error) -> X0Error {
    X0Error {
        kind: ErrorKind::Usage,
        ..e
    }
}

pub fn run(args: &Args) -> anyhow::Result<ValidateReport> {
    let src = source::resolve(&args.object).map_err(|e| match e.kind {
        ErrorKind::Internal => e,
        _ => usage(e),
    })?;
    let probes = Probes::new();
    let target = load_target(args.btf.as_ref(), &probes)?;
    Ok(validate(&src, &target, &probes, args))
}

/// The BTF CO-RE relocations are resolved against.
pub struct Target {
    pub info: TargetBtf,
    pub btf: Option<Rc<Btf>>,
}

fn load_target(path: Option<&PathBuf>, probes: &Probes) -> Result<Target, X0Error> {
    let Some(path) = path else {
        return Ok(match probes.vmlinux() {
            Ok(b) => Target {
                info: TargetBtf {
                    source: probe::VMLINUX_BTF.into(),
                    format: "kernel",
                    types: Some(b.len().saturating_sub(1)),
                    error: None,
                },
                btf: Some(b),
            },
            Err(e) => Target {
                info: TargetBtf {
                    source: probe::VMLINUX_BTF.into(),
                    format: "kernel",
                    types: None,
                    error: Some(e),
                },
                btf: None,
            },
        });
    };
    let shown = path.display().to_string();
    let data = std::fs::read(path).map_err(|e| {
        let mut err = X0Error::new(ErrorKind::Usage, format!("cannot read --btf {shown}: {e}"));
        if let Some(n) = e.raw_os_error() {
            err = err.errno(n);
        }
        err
    })?;
    let bad = |why: String| {
        X0Error::new(ErrorKind::Usage, format!("--btf {shown}: {why}")).hint(
            "pass raw BTF (e.g. a copy of /sys/kernel/btf/vmlinux) or an ELF file with a .BTF section",
        )
    };
    let (format, btf) = if data.starts_with(&[0x9f, 0xeb]) || data.starts_with(&[0xeb, 0x9f]) {
        let b = Btf::parse(&data).map_err(|e| bad(format!("not valid BTF: {e}")))?;
        ("raw", b)
    } else if data.starts_with(b"\x7fELF") {
        let sec = elf_btf_section(&data).map_err(bad)?;
        let b = Btf::parse(&sec).map_err(|e| bad(format!("its .BTF section is not valid: {e}")))?;
        ("elf", b)
    } else {
        return Err(bad(
            "neither raw BTF (magic 0xeB9F) nor an ELF file".to_string()
        ));
    };
    Ok(Target {
        info: TargetBtf {
            source: shown,
            format,
            types: Some(btf.len().saturating_sub(1)),
            error: None,
        },
        btf: Some(Rc::new(btf)),
    })
}

/// The `.BTF` section of any ELF file (a vmlinux image, a module, a BPF object).
fn elf_btf_section(data: &[u8]) -> Result<Vec<u8>, String> {
    use object::{Object, ObjectSection};
    let f = object::File::parse(data).map_err(|e| format!("unreadable ELF file: {e}"))?;
    let s = f
        .section_by_name(".BTF")
        .ok_or_else(|| "ELF file without a .BTF section".to_string())?;
    s.data()
        .map(<[u8]>::to_vec)
        .map_err(|e| format!("unreadable .BTF section: {e}"))
}

/// Every check, in order. Kernel-facing checks share one probe cache.
pub fn validate(
    src: &ObjectSource,
    target: &Target,
    probes: &Probes,
    args: &Args,
) -> ValidateReport {
    let mut checks = Vec::new();
    let mut programs = Vec::new();
    match elf::parse(&src.bytes, &src.origin) {
        Err(e) => {
            let mut msg = e.message.clone();
            if let Some(h) = &e.hint {
                msg.push_str(&format!(" ({h})"));
            }
            checks.push(Check::from_details(
                "elf",
                String::new(),
                vec![Detail::new(Status::Fail, msg)],
            ));
        }
        Ok(parsed) => {
            checks.push(check_elf(&parsed.info));
            checks.push(check_license(&parsed.info));
            checks.push(check_object_btf(&parsed));
            checks.push(check_target_btf(&parsed.info, target));
            checks.push(check_core(&parsed, target));
            checks.push(check_kernel(&parsed.info, probes, args.btf.is_some()));
            programs = loadable(&parsed.info)
                .map(|p| ProgramVerdict {
                    name: p.name.clone(),
                    section: p.section.clone(),
                    prog_type: p.prog_type.clone(),
                    verifier: None,
                })
                .collect();
            if args.verify {
                checks.push(check_verifier(src, &parsed, probes, &mut programs));
            }
        }
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let (pass, warn, fail) = (
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
    );
    let failed = fail > 0 || (args.strict && warn > 0);
    let summary = Summary {
        pass,
        warn,
        fail,
        result: if failed {
            Status::Fail
        } else if warn > 0 {
            Status::Warn
        } else {
            Status::Pass
        },
        exit_code: if failed { 1 } else { 0 },
    };
    ValidateReport {
        object: src.origin.clone(),
        target_btf: target.info.clone(),
        strict: args.strict,
        verify: args.verify,
        checks,
        programs,
        summary,
    }
}

/// Programs libbpf loads: global functions in program sections (static ones are subprograms).
fn loadable(info: &ObjectInfo) -> impl Iterator<Item = &ProgramInfo> {
    info.programs.iter().filter(|p| p.global)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------
// 0. ELF
// ---------------------------------------------------------------------------------------------

fn check_elf(info: &ObjectInfo) -> Check {
    let mut d = Vec::new();
    if !info.elf.native_endian {
        d.push(Detail::new(
            Status::Fail,
            format!(
                "{}-endian object: this machine loads only {}-endian BPF (rebuild with `clang -target bpf`)",
                info.elf.endianness,
                if cfg!(target_endian = "big") { "big" } else { "little" }
            ),
        ));
    }
    if info.elf.elf_type != "relocatable" {
        d.push(Detail::new(
            Status::Fail,
            format!(
                "{} ELF file: libbpf loads only relocatable objects (`clang -c`)",
                info.elf.elf_type
            ),
        ));
    }
    let n = loadable(info).count();
    if n == 0 {
        d.push(Detail::new(
            Status::Fail,
            "no programs: no global function in a program section (SEC(\"...\"))",
        ));
    }
    for m in info.maps.iter().filter(|m| m.definition == "legacy") {
        d.push(
            Detail::new(
                Status::Fail,
                format!(
                    "map {} is defined in the legacy `maps` section, which libbpf 1.x refuses; declare it in SEC(\".maps\") and compile with -g",
                    m.name
                ),
            )
            .subject(m.name.clone()),
        );
    }
    for m in info
        .maps
        .iter()
        .filter(|m| m.definition == "btf" && m.map_type == "unknown" && info.btf.present)
    {
        d.push(
            Detail::new(
                Status::Fail,
                format!(
                    "map {} in .maps has no BTF definition in .BTF: libbpf cannot create it",
                    m.name
                ),
            )
            .subject(m.name.clone()),
        );
    }
    Check::from_details(
        "elf",
        format!(
            "{} {}-endian relocatable BPF object: {}, {}",
            info.elf.class.to_uppercase(),
            info.elf.endianness,
            plural(n, "program", "programs"),
            plural(info.maps.len(), "map", "maps")
        ),
        d,
    )
}

// ---------------------------------------------------------------------------------------------
// 1. License
// ---------------------------------------------------------------------------------------------

fn check_license(info: &ObjectInfo) -> Check {
    let gpl = info
        .license
        .as_deref()
        .is_some_and(license_is_gpl_compatible);
    if gpl {
        return Check::from_details(
            "license",
            format!(
                "GPL-compatible (\"{}\")",
                info.license.as_deref().unwrap_or_default()
            ),
            vec![],
        );
    }
    // The verifier refuses gpl_only helpers and every kfunc for non-GPL programs.
    let mut calls = Vec::new();
    for p in loadable(info) {
        for (id, name) in &p.calls_helper_ids {
            if helpers::by_id(*id).is_some_and(|h| h.gpl_only) {
                calls.push(
                    Detail::new(
                        Status::Fail,
                        format!(
                            "{} calls {name}, which the kernel reserves for GPL-compatible programs",
                            p.name
                        ),
                    )
                    .program(p.name.clone())
                    .subject(name.clone()),
                );
            }
        }
        for k in &p.kfuncs {
            calls.push(
                Detail::new(
                    Status::Fail,
                    format!(
                        "{} calls kernel function {k}; kfuncs are only for GPL-compatible programs",
                        p.name
                    ),
                )
                .program(p.name.clone())
                .subject(k.clone()),
            );
        }
    }
    let accepted = GPL_COMPATIBLE
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ");
    match &info.license {
        None => {
            let what = if calls.is_empty() {
                "the kernel treats the object as non-GPL".to_string()
            } else {
                format!(
                    "the kernel treats the object as non-GPL and refuses its {}",
                    plural(calls.len(), "GPL-only call", "GPL-only calls")
                )
            };
            failed_license(
                format!(
                    "no license section: {what}; add `char LICENSE[] SEC(\"license\") = \"GPL\";` (or \"Dual BSD/GPL\")"
                ),
                calls,
            )
        }
        Some(l) if calls.is_empty() => Check::from_details(
            "license",
            format!(
                "not GPL-compatible (\"{l}\"), and no program calls a GPL-only helper or kfunc"
            ),
            vec![],
        ),
        Some(l) => {
            let near_miss = l.to_ascii_lowercase().contains("gpl");
            let mut head = format!(
                "license \"{l}\" is not GPL-compatible, so {} will fail to load",
                plural(calls.len(), "GPL-only call", "GPL-only calls")
            );
            if near_miss {
                head.push_str(&format!(
                    "; the kernel compares the exact string and accepts only {accepted}"
                ));
            }
            failed_license(head, calls)
        }
    }
}

/// The verdict leads; the details list each refused call.
fn failed_license(message: String, calls: Vec<Detail>) -> Check {
    Check {
        name: "license",
        status: Status::Fail,
        message,
        details: calls,
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Object BTF
// ---------------------------------------------------------------------------------------------

fn check_object_btf(parsed: &ParsedObject) -> Check {
    let info = &parsed.info;
    let b = &info.btf;
    let has_section = |n: &str| info.sections.iter().any(|s| s.name == n);
    // What libbpf cannot do without object BTF (libbpf_needs_btf()).
    let needs: Vec<&str> = [".maps", ".kconfig", ".struct_ops", ".struct_ops.link"]
        .into_iter()
        .filter(|n| has_section(n))
        .collect();
    let mut d = Vec::new();
    if !b.present {
        let status = if needs.is_empty() {
            Status::Warn
        } else {
            Status::Fail
        };
        let mut m = "no .BTF section (compiled without -g): no CO-RE, no BTF-defined maps, no source lines in verifier errors".to_string();
        if !needs.is_empty() {
            m = format!(
                "no .BTF section, but libbpf needs it for {}: compile with -g",
                needs.join(", ")
            );
        }
        d.push(Detail::new(status, m).subject(".BTF"));
        return Check::from_details("object-btf", String::new(), d);
    }
    if let Some(err) = &b.error {
        if err.starts_with(".BTF.ext") {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!("corrupt {err}: libbpf ignores it, so CO-RE relocations and line info are lost"),
                )
                .subject(".BTF.ext"),
            );
        } else {
            let status = if needs.is_empty() {
                Status::Warn
            } else {
                Status::Fail
            };
            let consequence = if needs.is_empty() {
                "libbpf ignores it and loads without BTF".to_string()
            } else {
                format!(
                    "libbpf needs it for {} and refuses the object",
                    needs.join(", ")
                )
            };
            d.push(Detail::new(status, format!("corrupt {err}: {consequence}")).subject(".BTF"));
        }
        return Check::from_details("object-btf", String::new(), d);
    }
    if !b.ext_present {
        d.push(
            Detail::new(
                Status::Warn,
                "no .BTF.ext section: no func/line info (verifier errors without source lines) and no CO-RE",
            )
            .subject(".BTF.ext"),
        );
    }
    for p in loadable(info) {
        let mut missing = Vec::new();
        if !p.func_info {
            missing.push("func info");
        }
        if p.line_info == 0 {
            missing.push("line info");
        }
        if !missing.is_empty() && b.ext_present {
            d.push(
                Detail::new(
                    Status::Warn,
                    format!("{} has no {}", p.name, missing.join(" and ")),
                )
                .program(p.name.clone()),
            );
        }
    }
    Check::from_details(
        "object-btf",
        format!(
            ".BTF ({} types) and .BTF.ext ({} func info, {} line info, {}) are well-formed; every program has func and line info",
            b.types,
            b.func_info,
            b.line_info,
            plural(b.core_relocations.len(), "CO-RE relocation", "CO-RE relocations")
        ),
        d,
    )
}

// ---------------------------------------------------------------------------------------------
// 3. Target BTF
// ---------------------------------------------------------------------------------------------

fn check_target_btf(info: &ObjectInfo, target: &Target) -> Check {
    let t = &target.info;
    let needs_core = !info.btf.core_relocations.is_empty();
    match (&target.btf, &t.error) {
        (Some(_), _) => {
            let what = match t.format {
                "kernel" => "running kernel's BTF",
                "raw" => "raw BTF",
                _ => ".BTF of ELF file",
            };
            Check::from_details(
                "target-btf",
                format!(
                    "{what} {} ({} types): CO-RE possible",
                    t.source,
                    t.types.unwrap_or(0)
                ),
                vec![],
            )
        }
        (None, e) => {
            let why = e.clone().unwrap_or_else(|| "no target BTF".into());
            let d = if needs_core {
                Detail::new(
                    Status::Fail,
                    format!(
                        "{why}: CO-RE impossible, and the object has {}; pass --btf FILE with this kernel's BTF",
                        plural(info.btf.core_relocations.len(), "CO-RE relocation", "CO-RE relocations")
                    ),
                )
            } else {
                Detail::new(
                    Status::Warn,
                    format!("{why}: CO-RE impossible (this object needs none)"),
                )
            };
            Check::from_details("target-btf", String::new(), vec![d])
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. CO-RE relocations
// ---------------------------------------------------------------------------------------------

/// Where a relocation sits, as a person would look for it: the program and its instruction,
/// or a subprogram and the programs that call it.
fn relo_place(info: &ObjectInfo, r: &CoreRelocInfo) -> (Option<String>, String, u32) {
    let f = r.function.as_deref();
    if let Some(p) = info
        .programs
        .iter()
        .find(|p| Some(p.name.as_str()) == f && p.section == r.section)
    {
        let insn = r.insn.saturating_sub(p.start_insn as u32);
        return (
            Some(p.name.clone()),
            format!("{} insn {insn}", p.name),
            insn,
        );
    }
    match f {
        Some(f) => {
            let callers: Vec<&str> = loadable(info)
                .filter(|p| p.calls.iter().any(|c| c == f))
                .map(|p| p.name.as_str())
                .collect();
            let by = if callers.is_empty() {
                String::new()
            } else {
                format!(", called by {}", callers.join(", "))
            };
            (
                (!callers.is_empty()).then(|| callers.join(",")),
                format!("{f} ({} insn {}{by})", r.section, r.insn),
                r.insn,
            )
        }
        None => (None, format!("{} insn {}", r.section, r.insn), r.insn),
    }
}

fn is_existence(k: CoreReloKind) -> bool {
    matches!(
        k,
        CoreReloKind::FieldExists
            | CoreReloKind::TypeExists
            | CoreReloKind::TypeMatches
            | CoreReloKind::EnumvalExists
    )
}

fn check_core(parsed: &ParsedObject, target: &Target) -> Check {
    let info = &parsed.info;
    let relos = &info.btf.core_relocations;
    if relos.is_empty() {
        // Without CO-RE, reads of kernel structs use the offsets of the headers the object was
        // built against.
        let mut d = Vec::new();
        for p in loadable(info) {
            let reads: Vec<&str> = p
                .helpers
                .iter()
                .map(String::as_str)
                .filter(|h| KERNEL_READ_HELPERS.contains(h))
                .collect();
            if !reads.is_empty() {
                d.push(
                    Detail::new(
                        Status::Warn,
                        format!(
                            "{} reads kernel memory ({}) without CO-RE: struct offsets are fixed at compile time and may be wrong on this kernel; use BPF_CORE_READ() or preserve_access_index",
                            p.name,
                            reads.join(", ")
                        ),
                    )
                    .program(p.name.clone())
                    .subject(reads.join(",")),
                );
            }
        }
        return Check::from_details("co-re", "no CO-RE relocations to resolve".into(), d);
    }
    let (Some(local), Some(tbtf)) = (&parsed.btf, &target.btf) else {
        let why = if parsed.btf.is_none() {
            "the object's .BTF is unusable".to_string()
        } else {
            format!(
                "no target BTF ({})",
                target.info.error.as_deref().unwrap_or("unavailable")
            )
        };
        return Check::from_details(
            "co-re",
            String::new(),
            vec![Detail::new(
                Status::Fail,
                format!(
                    "{} cannot be resolved: {why}",
                    plural(relos.len(), "CO-RE relocation", "CO-RE relocations")
                ),
            )],
        );
    };
    let mut d = Vec::new();
    for r in relos {
        let (prog, place, insn) = relo_place(info, r);
        let res = btf::resolve_core_relo(local, &r.relo, tbtf);
        let mk = |status: Status, msg: String| {
            let mut x = Detail::new(status, msg)
                .insn(insn)
                .subject(r.access.clone());
            x.program = prog.clone();
            x
        };
        d.push(match res {
            CoreResolution::Resolved { description, .. } => {
                mk(Status::Pass, format!("{place}: {description}"))
            }
            CoreResolution::Ambiguous { reason } => {
                mk(Status::Fail, format!("{place}: ambiguous: {reason}"))
            }
            CoreResolution::NotFound { reason } => {
                // libbpf poisons an unresolvable instruction instead of failing the load; code
                // behind an existence check of the same thing is then dead and verifies.
                let guarded = !is_existence(r.relo.kind)
                    && relos.iter().any(|o| {
                        is_existence(o.relo.kind)
                            && o.section == r.section
                            && o.relo.type_id == r.relo.type_id
                            && o.relo.access_str == r.relo.access_str
                    });
                if guarded {
                    mk(
                        Status::Warn,
                        format!(
                            "{place}: {reason}; guarded by an existence check (bpf_core_*_exists), so libbpf poisons the instruction and it must stay unreachable"
                        ),
                    )
                } else {
                    mk(Status::Fail, format!("{place}: {reason}"))
                }
            }
        });
    }
    let all = if relos.len() == 1 {
        "the CO-RE relocation resolves".to_string()
    } else {
        format!("all {} CO-RE relocations resolve", relos.len())
    };
    Check::from_details("co-re", format!("{all} against {}", target.info.source), d)
}

// ---------------------------------------------------------------------------------------------
// 5. Program types, attach kinds, helpers and maps vs the running kernel
// ---------------------------------------------------------------------------------------------

fn probe_detail(p: &Probe) -> String {
    p.detail.clone().unwrap_or_default()
}

/// A required feature: "no" fails, "unknown" warns.
fn require(d: &mut Vec<Detail>, prog: &str, what: String, subject: &str, p: &Probe) {
    let (status, msg) = match p.supported {
        Support::Yes => (Status::Pass, what),
        Support::No => (
            Status::Fail,
            format!("{what}, which this kernel lacks: {}", probe_detail(p)),
        ),
        Support::Unknown => (
            Status::Warn,
            format!("{what}; could not check: {}", probe_detail(p)),
        ),
    };
    d.push(Detail::new(status, msg).program(prog).subject(subject));
}

/// Whether kernel BTF has something (a `btf_trace_*` typedef, a function), as a probe result.
fn in_kernel_btf(
    vmlinux: &Result<std::rc::Rc<crate::obj::btf::Btf>, String>,
    what: &str,
    found: impl FnOnce(&crate::obj::btf::Btf) -> bool,
) -> Probe {
    match vmlinux {
        Ok(b) if found(b) => Probe {
            supported: Support::Yes,
            detail: None,
        },
        Ok(_) => Probe {
            supported: Support::No,
            detail: Some(format!("no {what} in kernel BTF")),
        },
        Err(e) => Probe {
            supported: Support::Unknown,
            detail: Some(e.clone()),
        },
    }
}

fn check_kernel(info: &ObjectInfo, probes: &Probes, other_target: bool) -> Check {
    let mut d = Vec::new();
    let vmlinux = probes.vmlinux();
    let mut helper_count = 0usize;
    for p in loadable(info) {
        let Some((pt, _at)) = crate::obj::names::prog_type_numbers(&p.section) else {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!(
                        "{}: libbpf does not know section \"{}\", so the program type is unknown; use a SEC() name from libbpf's list",
                        p.name, p.section
                    ),
                )
                .program(p.name.clone())
                .subject(p.section.clone()),
            );
            continue;
        };
        let tname = crate::obj::names::prog_type_name(pt);
        require(
            &mut d,
            &p.name,
            format!("{}: program type {tname}", p.name),
            &tname,
            &probes.prog_type(pt),
        );
        let target = AttachKind::target(&p.section);
        match AttachKind::of_section(&p.section) {
            AttachKind::Kprobe => require(
                &mut d,
                &p.name,
                format!("{} ({}) needs kprobes (CONFIG_KPROBES)", p.name, p.section),
                "CONFIG_KPROBES",
                &probes.kprobes(),
            ),
            AttachKind::KprobeMulti => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs kprobe_multi links (CONFIG_FPROBE)",
                    p.name, p.section
                ),
                "CONFIG_FPROBE",
                &probes.kprobe_multi(),
            ),
            AttachKind::Uprobe => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs uprobes (CONFIG_UPROBE_EVENTS)",
                    p.name, p.section
                ),
                "CONFIG_UPROBE_EVENTS",
                &probes.uprobes(),
            ),
            AttachKind::Tracepoint => {
                if let Some(tp) = target {
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs tracepoint {tp}", p.name),
                        tp,
                        &probes.tracepoint(tp),
                    );
                }
            }
            AttachKind::RawTracepoint | AttachKind::TpBtf => {
                if let Some(tp) = target {
                    // Every tracepoint has a `btf_trace_<name>` typedef in kernel BTF.
                    let name = format!("btf_trace_{tp}");
                    let p_ = in_kernel_btf(&vmlinux, &name, |b| !b.find_by_name(&name).is_empty());
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs raw tracepoint {tp}", p.name),
                        tp,
                        &p_,
                    );
                }
            }
            k @ (AttachKind::Trampoline | AttachKind::Lsm) => {
                require(
                    &mut d,
                    &p.name,
                    format!("{} ({}) needs BPF trampolines (fentry)", p.name, p.section),
                    "fentry",
                    &probes.fentry(),
                );
                if let Some(f) = target {
                    let func = if k == AttachKind::Lsm {
                        format!("bpf_lsm_{f}")
                    } else {
                        f.to_string()
                    };
                    let p_ = in_kernel_btf(&vmlinux, &format!("function {func}"), |b| {
                        probe::btf_func(b, &func).is_some()
                    });
                    require(
                        &mut d,
                        &p.name,
                        format!("{} attaches to kernel function {func}", p.name),
                        &func,
                        &p_,
                    );
                }
                if k == AttachKind::Lsm {
                    let p_ = match probes.lsm_list() {
                        Some(l) if l.split(',').any(|x| x == "bpf") => Probe {
                            supported: Support::Yes,
                            detail: None,
                        },
                        Some(l) => Probe {
                            supported: Support::No,
                            detail: Some(format!("active LSMs are {l}; add bpf to lsm=")),
                        },
                        None => Probe {
                            supported: Support::Unknown,
                            detail: Some("the LSM list could not be read".into()),
                        },
                    };
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs the BPF LSM", p.name),
                        "CONFIG_BPF_LSM",
                        &p_,
                    );
                }
            }
            AttachKind::Tcx => require(
                &mut d,
                &p.name,
                format!("{} ({}) needs tcx links (Linux 6.6)", p.name, p.section),
                "tcx",
                &probes.tcx(),
            ),
            AttachKind::Tc => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs the clsact qdisc and cls_bpf",
                    p.name, p.section
                ),
                "clsact",
                &probes.clsact(),
            ),
            AttachKind::Xdp | AttachKind::Other => {}
        }
        for (id, name) in &p.calls_helper_ids {
            helper_count += 1;
            if helpers::by_id(*id).is_none() {
                d.push(
                    Detail::new(
                        Status::Fail,
                        format!("{} calls unknown helper {name}", p.name),
                    )
                    .program(p.name.clone())
                    .subject(name.clone()),
                );
                continue;
            }
            let h = probes.helper(pt, *id);
            // "unknown" only means libbpf cannot probe helpers for this program type.
            let status = match h.supported {
                Support::No => Status::Fail,
                _ => Status::Pass,
            };
            let msg = match h.supported {
                Support::No => format!(
                    "{} calls {name}, which this kernel does not offer to {tname} programs",
                    p.name
                ),
                Support::Yes => format!("{}: helper {name}", p.name),
                Support::Unknown => format!("{}: helper {name} ({})", p.name, probe_detail(&h)),
            };
            d.push(
                Detail::new(status, msg)
                    .program(p.name.clone())
                    .subject(name.clone()),
            );
        }
    }
    let mut map_types: Vec<(u32, String)> = Vec::new();
    for m in &info.maps {
        if m.definition == "legacy" || m.map_type == "unknown" {
            continue; // reported by the elf check
        }
        if m.map_type_number == 0 || m.map_type.starts_with("type#") {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!("map {}: unknown map type {}", m.name, m.map_type_number),
                )
                .subject(m.name.clone()),
            );
            continue;
        }
        let p = probes.map_type(m.map_type_number);
        require(
            &mut d,
            "",
            format!("map {}: type {}", m.name, m.map_type),
            &m.map_type,
            &p,
        );
        if let Some(last) = d.last_mut() {
            last.program = None;
            last.subject = Some(m.name.clone());
        }
        if !map_types.iter().any(|(t, _)| *t == m.map_type_number) {
            map_types.push((m.map_type_number, m.map_type.clone()));
        }
    }
    let prog_types: std::collections::BTreeSet<String> =
        loadable(info).filter_map(|p| p.prog_type.clone()).collect();
    let mut needs = vec![
        format!(
            "program type{} {}",
            if prog_types.len() == 1 { "" } else { "s" },
            prog_types.into_iter().collect::<Vec<_>>().join(", ")
        ),
        "attach kind".to_string(),
        plural(helper_count, "helper call", "helper calls"),
    ];
    needs.push(if map_types.is_empty() {
        "no maps".to_string()
    } else {
        let names: Vec<&str> = map_types.iter().map(|(_, n)| n.as_str()).collect();
        let s = if names.len() == 1 { "" } else { "s" };
        format!("map type{s} {}", names.join(", "))
    });
    let mut pass = format!(
        "this kernel ({}) supports what the object needs: {}",
        probes.version().release,
        needs.join(", ")
    );
    if other_target {
        pass.push_str(" (probed on the running kernel, not the --btf kernel)");
    }
    Check::from_details("kernel-support", pass, d)
}

// ---------------------------------------------------------------------------------------------
// 6. --verify
// ---------------------------------------------------------------------------------------------

const BPF_LOG_LEVEL1: u32 = 1;
const BPF_LOG_STATS: u32 = 4;

/// One load of one program: the rest of the object is opened but not loaded (maps are created,
/// since the program needs them). Everything is dropped before returning.
struct LoadOutcome {
    ok: bool,
    errno: Option<i32>,
    error: Option<String>,
    verified_insns: Option<u32>,
    log: String,
    libbpf: Vec<String>,
}

fn load_one(
    src: &ObjectSource,
    parsed: &ParsedObject,
    prog: &str,
    level: u32,
    buf: &mut [u8],
) -> LoadOutcome {
    let mut out = LoadOutcome {
        ok: false,
        errno: None,
        error: None,
        verified_insns: None,
        log: String::new(),
        libbpf: Vec::new(),
    };
    let mut open = match load::open(src, parsed, &src.name, &[]) {
        Ok(o) => o,
        Err(e) => {
            out.errno = e.errno;
            out.error = Some(e.message);
            return out;
        }
    };
    // load::open has cleared every map's pin path: validate leaves no pins behind and
    // touches no existing ones.
    let mut found = false;
    buf[0] = 0;
    for mut p in open.progs_mut() {
        let me = p.name() == OsStr::new(prog);
        p.set_autoload(me);
        if me {
            found = true;
            p.set_log_level(level);
            // SAFETY: buf outlives the load below; libbpf only writes within its length.
            unsafe {
                libbpf_sys::bpf_program__set_log_buf(
                    p.as_libbpf_object().as_ptr(),
                    buf.as_mut_ptr() as *mut c_char,
                    buf.len() as _,
                )
            };
        }
    }
    if !found {
        out.error = Some(format!(
            "libbpf does not see a program named {prog} in this object"
        ));
        return out;
    }
    libbpf_log::clear();
    let res = open.load();
    out.libbpf = libbpf_log::take();
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    out.log = String::from_utf8_lossy(&buf[..end]).into_owned();
    match res {
        Ok(obj) => {
            out.ok = true;
            out.verified_insns = obj
                .progs()
                .find(|p| p.name() == OsStr::new(prog))
                .and_then(|p| bpf::prog_info(p.as_fd()).ok())
                .map(|i| i.verified_insns);
            drop(obj);
        }
        Err(e) => {
            out.errno = load::libbpf_errno(&e);
            out.error = Some(e.to_string());
        }
    }
    out
}

pub fn stats(log: &str) -> (Option<u32>, Option<u64>) {
    let mut processed = None;
    let mut time = None;
    for l in log.lines() {
        if let Some(r) = l.strip_prefix("processed ") {
            processed = r.split_whitespace().next().and_then(|n| n.parse().ok());
        }
        if let Some(r) = l.strip_prefix("verification time ") {
            time = r.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    (processed, time)
}

fn is_stats_line(l: &str) -> bool {
    l.starts_with("processed ")
        || l.starts_with("verification time")
        || l.starts_with("stack depth")
}

/// `12: (71) r0 = ...` -> 12.
fn insn_line(l: &str) -> Option<u32> {
    let (n, rest) = l.split_once(": ")?;
    // libbpf rewrites a poisoned CO-RE instruction as `N: <invalid CO-RE relocation>`.
    if !rest.starts_with('(') && !rest.starts_with('<') {
        return None;
    }
    n.trim().parse().ok()
}

pub struct Failure {
    pub insn: Option<u32>,
    pub error: Vec<String>,
    /// The kernel's own line-info annotation before the failing instruction: "; text @ file:line".
    pub kernel_line: Option<SourceLine>,
}

pub fn analyze(log: &str) -> Failure {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !is_stats_line(l))
        .collect();
    let last_insn = lines.iter().rposition(|l| insn_line(l).is_some());
    let (insn, error) = match last_insn {
        Some(i) => (
            insn_line(lines[i]),
            lines[i + 1..]
                .iter()
                .filter(|l| !l.starts_with(';'))
                .map(|l| l.to_string())
                .collect(),
        ),
        None => (
            None,
            lines
                .last()
                .map(|l| vec![l.to_string()])
                .unwrap_or_default(),
        ),
    };
    let kernel_line = last_insn.and_then(|i| {
        lines[..i].iter().rev().find_map(|l| {
            let body = l.strip_prefix("; ")?;
            let (text, at) = body.rsplit_once(" @ ")?;
            let (file, line) = at.rsplit_once(':')?;
            Some(SourceLine {
                file: file.to_string(),
                line: line.parse().ok()?,
                column: 0,
                text: text.trim().to_string(),
            })
        })
    });
    Failure {
        insn,
        error,
        kernel_line,
    }
}

/// The source line of instruction `insn` of program `p`, from the object's BTF line info.
pub fn source_line(parsed: &ParsedObject, p: &ProgramInfo, insn: u32) -> Option<SourceLine> {
    if u64::from(insn) >= p.instructions {
        return None; // in a subprogram libbpf appended after the program
    }
    let at = p.start_insn + u64::from(insn);
    let ext = parsed.btf_ext.as_ref()?;
    ext.line_info
        .iter()
        .filter(|s| s.sec_name == p.section)
        .flat_map(|s| s.records.iter())
        .filter(|r| u64::from(r.insn_off) <= at && u64::from(r.insn_off) >= p.start_insn)
        .max_by_key(|r| r.insn_off)
        .map(|r| SourceLine {
            file: r.file_name.clone(),
            line: r.line,
            column: r.col,
            text: r.line_text.trim().to_string(),
        })
}

fn verify_program(
    src: &ObjectSource,
    parsed: &ParsedObject,
    probes: &Probes,
    p: &ProgramInfo,
) -> Verifier {
    // Stats only first: a full instruction log would slow down and truncate big programs.
    let mut buf = vec![0u8; 1 << 20];
    let first = load_one(src, parsed, &p.name, BPF_LOG_STATS, &mut buf);
    let (processed, time) = stats(&first.log);
    if first.ok {
        return Verifier {
            status: Status::Pass,
            errno: None,
            error: None,
            insns_processed: first.verified_insns.filter(|&n| n > 0).or(processed),
            verification_time_us: time,
            failed_insn: None,
            source_line: None,
            log_tail: Vec::new(),
        };
    }
    // Rejected: load again with the instruction-level log to find where (the kernel keeps the
    // tail of an overlong log, which is the part that matters).
    let mut big = vec![0u8; 8 << 20];
    let second = load_one(
        src,
        parsed,
        &p.name,
        BPF_LOG_LEVEL1 | BPF_LOG_STATS,
        &mut big,
    );
    let log = if second.log.trim().is_empty() {
        &first.log
    } else {
        &second.log
    };
    let f = analyze(log);
    let mut tail: Vec<String> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !is_stats_line(l))
        .map(str::to_string)
        .collect();
    if tail.is_empty() {
        // Refused before the verifier ran (EPERM, bad attach target): libbpf says why. Its
        // memlock advice is stale since Linux 5.11 (memcg accounting) and misleads here.
        tail = first
            .libbpf
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.contains("ulimit -l"))
            .collect();
    }
    let tail = tail[tail.len().saturating_sub(12)..].to_vec();
    let mut error = f.error.join("; ");
    if error.is_empty() {
        // libbpf's first line about this program is its reason; later ones are consequences.
        let about = format!("prog '{}': ", p.name);
        error = first
            .libbpf
            .iter()
            .find_map(|l| l.split_once(&about).map(|(_, r)| r.trim().to_string()))
            .or(first.error.clone())
            .unwrap_or_else(|| "load failed".into());
        if first.errno == Some(libc::EPERM) && caps::is_root() {
            error.push_str(&format!(
                "; refused although running as root: lockdown ({}) or an LSM forbids it",
                probes.lockdown().mode.as_deref().unwrap_or("mode unknown")
            ));
        }
    }
    let source_line = f
        .insn
        .and_then(|i| source_line(parsed, p, i))
        .or(f.kernel_line);
    Verifier {
        status: Status::Fail,
        errno: first.errno,
        error: Some(error),
        insns_processed: processed.or(stats(log).0),
        verification_time_us: time,
        failed_insn: f.insn,
        source_line,
        log_tail: tail,
    }
}

fn check_verifier(
    src: &ObjectSource,
    parsed: &ParsedObject,
    probes: &Probes,
    programs: &mut [ProgramVerdict],
) -> Check {
    let info = &parsed.info;
    if !info.elf.native_endian {
        return Check::from_details(
            "verifier",
            String::new(),
            vec![Detail::new(
                Status::Fail,
                "not run: a foreign-endian object cannot be loaded on this machine",
            )],
        );
    }
    if let Some(why) = probes.cannot_probe() {
        return Check::from_details(
            "verifier",
            String::new(),
            vec![Detail::new(Status::Fail, format!("not run: {why}"))],
        );
    }
    let mut d = Vec::new();
    for pv in programs.iter_mut() {
        let Some(p) = loadable(info).find(|p| p.name == pv.name) else {
            continue;
        };
        let v = verify_program(src, parsed, probes, p);
        let msg = match v.status {
            Status::Pass => format!(
                "{}: verified, {} instructions processed in {} us",
                p.name,
                v.insns_processed
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into()),
                v.verification_time_us
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
            _ => {
                let at = match (&v.failed_insn, &v.source_line) {
                    (Some(i), Some(s)) => format!(
                        " at insn {i} ({}:{} `{}`)",
                        s.file.rsplit('/').next().unwrap_or(&s.file),
                        s.line,
                        s.text
                    ),
                    (Some(i), None) => format!(" at insn {i}"),
                    _ => String::new(),
                };
                format!(
                    "{}: rejected{at}: {}",
                    p.name,
                    v.error.as_deref().unwrap_or("load failed")
                )
            }
        };
        let mut det = Detail::new(v.status, msg).program(p.name.clone());
        det.insn = v.failed_insn;
        d.push(det);
        pv.verifier = Some(v);
    }
    let n = d.len();
    Check::from_details(
        "verifier",
        format!(
            "{} loaded and verified on the running kernel, then released",
            plural(n, "program", "programs")
        ),
        d,
    )
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

impl Report for ValidateReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "object:      {}", self.object)?;
        let t = &self.target_btf;
        match t.types {
            Some(n) => writeln!(out, "target BTF:  {} ({}, {n} types)", t.source, t.format)?,
            None => writeln!(
                out,
                "target BTF:  {} (unavailable: {})",
                t.source,
                t.error.as_deref().unwrap_or("?")
            )?,
        }
        writeln!(out)?;
        for c in &self.checks {
            writeln!(
                out,
                "{:<4}  {:<14}  {}",
                c.status.label(),
                c.name,
                c.message
            )?;
            // The check line already shows its first failure.
            for d in c
                .details
                .iter()
                .filter(|d| d.status != Status::Pass && d.message != c.message)
            {
                writeln!(out, "{:22}{}  {}", "", d.status.label(), d.message)?;
            }
        }
        if self.verify && self.programs.iter().any(|p| p.verifier.is_some()) {
            writeln!(out)?;
            let mut tb = table([
                "PROGRAM",
                "SECTION",
                "VERIFIER",
                "INSNS",
                "TIME (us)",
                "WHERE",
            ]);
            for p in &self.programs {
                let Some(v) = &p.verifier else { continue };
                tb.add_row(vec![
                    p.name.clone(),
                    p.section.clone(),
                    v.status.label().to_string(),
                    v.insns_processed
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into()),
                    v.verification_time_us
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into()),
                    v.source_line
                        .as_ref()
                        .map(|s| {
                            format!(
                                "{}:{}",
                                s.file.rsplit('/').next().unwrap_or(&s.file),
                                s.line
                            )
                        })
                        .unwrap_or_else(|| "-".into()),
                ]);
            }
            writeln!(out, "{tb}")?;
            for p in &self.programs {
                let Some(v) = &p.verifier else { continue };
                if v.status != Status::Fail || v.log_tail.is_empty() {
                    continue;
                }
                writeln!(out, "\n{}: verifier log (tail):", p.name)?;
                for l in &v.log_tail {
                    writeln!(out, "  | {l}")?;
                }
                if let Some(s) = &v.source_line {
                    writeln!(out, "  source: {}:{}: {}", s.file, s.line, s.text)?;
                }
            }
        }
        let s = &self.summary;
        writeln!(
            out,
            "\nsummary: {} pass, {} warn, {} fail{}: {} (exit {})",
            s.pass,
            s.warn,
            s.fail,
            if self.strict { " (--strict)" } else { "" },
            s.result.label(),
            s.exit_code
        )
    }

    fn exit_code(&self) -> i32 {
        self.summary.exit_code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpl_compatible_is_the_kernels_exact_list() {
        for l in GPL_COMPATIBLE {
            assert!(license_is_gpl_compatible(l), "{l}");
        }
        for l in [
            "gpl",
            "GPL-2.0",
            "GPL-2.0-only",
            "GPL ",
            "Dual BSD/GPL\n",
            "MIT",
            "",
        ] {
            assert!(!license_is_gpl_compatible(l), "{l:?}");
        }
    }

    #[test]
    fn failure_is_found_in_a_verifier_log() {
        let log = "0: R1=ctx() R10=fp0\n\
                   ; return data[12]; @ x.c:43\n\
                   11: (71) r1 = *(u8 *)(r6 +12)\n\
                   invalid access to packet, off=12 size=1, R6(id=0,off=12,r=0)\n\
                   R6 offset is outside of the packet\n\
                   processed 11 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n\
                   verification time 36 usec\n";
        let f = analyze(log);
        assert_eq!(f.insn, Some(11));
        assert_eq!(
            f.error,
            [
                "invalid access to packet, off=12 size=1, R6(id=0,off=12,r=0)",
                "R6 offset is outside of the packet"
            ]
        );
        let k = f.kernel_line.unwrap();
        assert_eq!(
            (k.file.as_str(), k.line, k.text.as_str()),
            ("x.c", 43, "return data[12];")
        );
        assert_eq!(stats(log), (Some(11), Some(36)));
    }

    #[test]
    fn poisoned_core_instruction_counts_as_the_failing_one() {
        let log = "2: (63) *(u32 *)(r10 -4) = r1\n\
                   3: <invalid CO-RE relocation>\n\
                   failed to resolve CO-RE relocation <byte_off> [5] struct task_struct.x (0:1 @ offset 4)\n";
        let f = analyze(log);
        assert_eq!(f.insn, Some(3));
        assert!(f.error[0].starts_with("failed to resolve CO-RE relocation"));
    }
}
