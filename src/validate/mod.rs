//! Will an object load here (or on the kernel whose BTF is given), and if not, why: one file
//! per check family. Each check reads the object or asks the kernel; only the verifier check
//! loads anything, and it leaves nothing behind.
use std::ffi::{c_char, OsStr};

use std::cell::OnceCell;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use libbpf_rs::AsRawLibbpf;
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::btf::{self, Btf, CoreReloKind, CoreResolution, ModuleBtf};
use crate::obj::elf::{self, CoreRelocInfo, ObjectInfo, ParsedObject, ProgramInfo};
use crate::obj::helpers;
use crate::obj::source::ObjectSource;

use crate::probe::{self, AttachKind, Probe, Probes, Support};
use crate::store::load;
use crate::sys::libbpf_log;
use crate::sys::{bpf, caps};

mod btf_info;
mod co_re;
mod elf_check;
pub mod license;
mod support;
mod verifier;

use btf_info::*;
use co_re::*;
use elf_check::*;
use license::*;
use support::*;
use verifier::*;

pub use license::{license_is_gpl_compatible, GPL_COMPATIBLE};
pub use verifier::{analyze, source_line, stats, Failure};

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
    /// CO-RE: the function (program or subprogram) whose instruction is relocated: libbpf's
    /// `prog '…'` in its log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// CO-RE: the relocation's index among its ELF section's CO-RE records (libbpf's
    /// `relo #N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relo: Option<u32>,
    /// CO-RE: the value libbpf patches into the instruction, when the relocation resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// CO-RE: the kernel module whose BTF resolved the relocation (vmlinux had no candidate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

impl Detail {
    fn new(status: Status, message: impl Into<String>) -> Detail {
        Detail {
            status,
            program: None,
            insn: None,
            subject: None,
            message: message.into(),
            function: None,
            relo: None,
            value: None,
            module: None,
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

/// What `validate` was asked to do besides the checks that always run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Load each program for the verifier's verdict.
    pub verify: bool,
    /// Warnings fail too.
    pub strict: bool,
    /// The target BTF is another kernel's (`--btf`): kernel probes do not apply to it.
    pub other_target: bool,
}

/// The BTF CO-RE relocations are resolved against.
pub struct Target {
    pub info: TargetBtf,
    pub btf: Option<Rc<Btf>>,
    /// Where kernel-module BTF lives (`/sys/kernel/btf`), for the running kernel only: like
    /// libbpf, an explicit target BTF (`--btf`) gets no module fallback.
    module_dir: Option<PathBuf>,
    /// Module BTF, read on first need (a relocation without candidate in vmlinux).
    modules: OnceCell<ModuleSet>,
}

/// The kernel modules' BTF, and the files that could not be used.
#[derive(Default)]
pub(crate) struct ModuleSet {
    pub(crate) modules: Vec<ModuleBtf>,
    pub(crate) errors: Vec<String>,
}

impl Target {
    /// Search kernel-module BTF in `dir` (every file but `vmlinux`, as split BTF over the
    /// target BTF) when vmlinux has no candidate for a CO-RE relocation.
    pub fn with_module_dir(mut self, dir: impl Into<PathBuf>) -> Target {
        self.module_dir = Some(dir.into());
        self.modules = OnceCell::new();
        self
    }

    /// The module BTFs, read and parsed on the first call (none without a module directory).
    pub(crate) fn modules(&self) -> &ModuleSet {
        self.modules
            .get_or_init(|| match (&self.module_dir, &self.btf) {
                (Some(dir), Some(base)) => read_module_btfs(dir, base),
                _ => ModuleSet::default(),
            })
    }
}

/// Every module BTF under `dir`, parsed over `base`, in name order. Unreadable or invalid
/// files are skipped and named in `errors`.
fn read_module_btfs(dir: &Path, base: &Btf) -> ModuleSet {
    let mut set = ModuleSet::default();
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n != "vmlinux")
            .collect(),
        Err(e) => {
            set.errors
                .push(format!("cannot list {}: {e}", dir.display()));
            return set;
        }
    };
    if names.is_empty() {
        return set;
    }
    names.sort();
    // Split BTF shares its base; the target's own copy sits behind an Rc, so take one for
    // the modules (only done when a relocation needs them).
    let base = Arc::new(base.clone());
    for name in names {
        let p = dir.join(&name);
        match std::fs::read(&p) {
            Ok(data) => match Btf::parse_split_shared(&data, &base) {
                Ok(btf) => set.modules.push(ModuleBtf { name, btf }),
                Err(e) => set.errors.push(format!("{}: {e}", p.display())),
            },
            Err(e) => set.errors.push(format!("cannot read {}: {e}", p.display())),
        }
    }
    set
}

pub fn load_target(path: Option<&PathBuf>, probes: &Probes) -> Result<Target, X0Error> {
    let Some(path) = path else {
        let module_dir = Path::new(probe::VMLINUX_BTF)
            .parent()
            .map(Path::to_path_buf);
        return Ok(match probes.vmlinux() {
            Ok(b) => Target {
                info: TargetBtf {
                    source: probe::VMLINUX_BTF.into(),
                    format: "kernel",
                    types: Some(b.len().saturating_sub(1)),
                    error: None,
                },
                btf: Some(b),
                module_dir,
                modules: OnceCell::new(),
            },
            Err(e) => Target {
                info: TargetBtf {
                    source: probe::VMLINUX_BTF.into(),
                    format: "kernel",
                    types: None,
                    error: Some(e),
                },
                btf: None,
                module_dir: None,
                modules: OnceCell::new(),
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
        module_dir: None,
        modules: OnceCell::new(),
    })
}

/// A target for tests and embedders: `btf` as the kernel's BTF, no module fallback unless
/// [`Target::with_module_dir`] adds one.
pub fn target_from_btf(source: &str, btf: Btf) -> Target {
    Target {
        info: TargetBtf {
            source: source.into(),
            format: "raw",
            types: Some(btf.len().saturating_sub(1)),
            error: None,
        },
        btf: Some(Rc::new(btf)),
        module_dir: None,
        modules: OnceCell::new(),
    }
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
    opts: &Options,
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
            checks.push(check_kernel(&parsed.info, probes, opts.other_target));
            programs = loadable(&parsed.info)
                .map(|p| ProgramVerdict {
                    name: p.name.clone(),
                    section: p.section.clone(),
                    prog_type: p.prog_type.clone(),
                    verifier: None,
                })
                .collect();
            if opts.verify {
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
    let failed = fail > 0 || (opts.strict && warn > 0);
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
        strict: opts.strict,
        verify: opts.verify,
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

// ---------------------------------------------------------------------------------------------
// 1. License
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 2. Object BTF
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 3. Target BTF
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 4. CO-RE relocations
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 5. Program types, attach kinds, helpers and maps vs the running kernel
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 6. --verify
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

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
