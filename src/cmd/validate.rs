//! `x0bpf validate OBJECT [--btf FILE] [--verify] [--strict]`: will this object load on this
//! kernel (or on the kernel whose BTF is given), and if not, why. Each check reads the object
//! or asks the kernel; none of them loads anything unless `--verify` is given, and `--verify`
//! leaves nothing behind (no pins, no attachments; every fd is dropped before returning).
use std::io::{self, Write};
use std::path::PathBuf;

use crate::error::{ErrorKind, X0Error};
use crate::obj::source;
use crate::output::{table, Report};
use crate::probe::Probes;
use crate::validate::{self, Status, ValidateReport};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 nothing failed (warnings allowed unless --strict), \
                        1 a check failed, 2 usage or I/O error (unreadable OBJECT or --btf FILE)."
)]
pub struct Args {
    /// A BPF object file, the name of an embedded object (see `x0bpf objects`), or - for
    /// standard input
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::objects))]
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

/// Problems with the command line or its files are exit 2; everything about the object itself
/// is a check.
fn usage(e: X0Error) -> X0Error {
    X0Error {
        kind: ErrorKind::Usage,
        ..e
    }
}

/// `--verify` loads every program (and unloads it): without the privilege to load, the
/// verifier cannot run, which is a permission error (exit 4), not a rejected program (exit 1).
/// Unprivileged BPF, when the host allows it, loads only some program types: not refused here.
fn require_verifier() -> Result<(), X0Error> {
    use crate::sys::caps;
    let unpriv_allowed = std::fs::read_to_string("/proc/sys/kernel/unprivileged_bpf_disabled")
        .is_ok_and(|s| s.trim() == "0");
    if unpriv_allowed {
        return Ok(());
    }
    if !caps::has_cap(caps::CAP_BPF) && !caps::has_cap(caps::CAP_SYS_ADMIN) {
        return Err(X0Error::new(
            ErrorKind::Permission,
            "validate --verify needs CAP_BPF (or CAP_SYS_ADMIN) to run the verifier (it loads each program, then unloads it); this process has neither",
        )
        .errno(libc::EPERM)
        .hint("run as root, or leave out --verify: the other checks need no privilege"));
    }
    if caps::in_user_namespace() {
        return Err(X0Error::new(
            ErrorKind::Permission,
            "validate --verify needs CAP_BPF in the host's user namespace to run the verifier; this process runs in another user namespace",
        )
        .errno(libc::EPERM)
        .hint(caps::USERNS_HINT));
    }
    Ok(())
}

/// Loading a networking program needs CAP_NET_ADMIN beside CAP_BPF, a tracing one
/// CAP_PERFMON: without them the kernel answers EPERM, which the checks would take for a
/// program type this kernel lacks; and without CAP_PERFMON the verifier is stricter than for
/// root. Say which capability is missing instead.
fn require_type_caps(src: &source::ObjectSource) -> Result<(), X0Error> {
    use crate::sys::caps;
    if caps::has_cap(caps::CAP_SYS_ADMIN) {
        return Ok(());
    }
    let Ok(parsed) = crate::obj::elf::parse(&src.bytes, &src.origin) else {
        return Ok(()); // the checks report what is wrong with the object
    };
    // The kernel's is_net_admin_prog_type and the types that need bpf_token_capable(PERFMON).
    let net = [
        "sched_cls",
        "sched_act",
        "xdp",
        "lwt_in",
        "lwt_out",
        "lwt_xmit",
        "lwt_seg6local",
        "sk_skb",
        "sk_msg",
        "flow_dissector",
        "cgroup_device",
        "cgroup_sock",
        "cgroup_sock_addr",
        "cgroup_sockopt",
        "cgroup_sysctl",
        "sock_ops",
        "ext",
        "netfilter",
    ];
    for p in &parsed.info.programs {
        let Some(t) = p.prog_type.as_deref() else {
            continue;
        };
        let mut need = Vec::new();
        if net.contains(&t) && !caps::has_cap(caps::CAP_NET_ADMIN) {
            need.push("CAP_NET_ADMIN");
        }
        // Without CAP_PERFMON the verifier also judges every type by stricter rules than a
        // root load (no pointer arithmetic on packet pointers, Spectre masking): its verdict
        // would not be the one `load` gets.
        if !caps::has_cap(caps::CAP_PERFMON) {
            need.push("CAP_PERFMON");
        }
        if !need.is_empty() {
            let names = need.join(" and ");
            return Err(X0Error::new(
                ErrorKind::Permission,
                format!(
                    "validate --verify needs {names} to load program {} ({t}) for the verifier; this process lacks it",
                    p.name
                ),
            )
            .errno(libc::EPERM)
            .hint(format!("run as root or grant {names}, or leave out --verify")));
        }
    }
    Ok(())
}

pub fn run(args: &Args) -> anyhow::Result<ValidateReport> {
    let src = source::resolve(&args.object).map_err(|e| match e.kind {
        ErrorKind::Internal => e,
        _ => usage(e),
    })?;
    if args.verify {
        require_verifier()?;
        require_type_caps(&src)?;
    }
    let busy = crate::output::busy("reading the target's BTF");
    let probes = Probes::new();
    let target = validate::load_target(args.btf.as_ref(), &probes)?;
    busy.step(if args.verify {
        "checking, then running the verifier"
    } else {
        "checking"
    });
    let opts = validate::Options {
        verify: args.verify,
        strict: args.strict,
        other_target: args.btf.is_some(),
    };
    let report = validate::validate(&src, &target, &probes, &opts);
    drop(busy);
    Ok(report)
}

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
