//! `x0bpf attach xdp|tc|tracepoint|raw_tracepoint|kprobe|kretprobe|uprobe|uretprobe`:
//! attach a program (loading it first when given a file or an embedded object) so that the
//! attachment outlives x0bpf.
use std::io::{self, Write};

use clap::Subcommand;
use serde::Serialize;

use crate::attach::probes::{self, ProbeAttached};
use crate::attach::tc::{self, Direction, TcAttached, TcMode};
use crate::attach::xdp::{self, Mode, XdpAttached};
use crate::attach::{self, ProgHandle};
use crate::error::X0Error;
use crate::output::{opt, Report};
use crate::store::{Access, Store};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
}

#[derive(Debug, clap::Args, Clone)]
pub struct ProgArgs {
    /// OBJECT[:PROGRAM]: a loaded x0bpf object, a BPF object file, or an embedded object
    #[arg(long, value_name = "OBJECT[:PROGRAM]", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::progs))]
    pub prog: Option<String>,
    /// Name to load the object under when --prog is a file or embedded object
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Kind {
    /// XDP on an interface (default program: the embedded xdp_counter)
    Xdp {
        /// Interface name
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
        iface: String,
        /// XDP mode; the names of ip and xdp-loader (native, generic, offload) work too
        #[arg(long, value_enum, default_value = "auto")]
        mode: Mode,
        /// Replace the XDP program already there, atomically
        #[arg(long)]
        replace: bool,
        /// With --replace: only if the current program has this id (compare-and-swap)
        #[arg(long, value_name = "ID", requires = "replace")]
        expect_id: Option<u32>,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// tc ingress or egress (tcx on 6.6+, clsact otherwise; default: embedded tc_classifier)
    Tc {
        /// Interface name
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
        iface: String,
        /// Which packets: received (ingress) or sent (egress)
        #[arg(long, value_enum)]
        direction: Direction,
        /// How to attach: tcx link, or clsact + cls_bpf
        #[arg(long, value_enum, default_value = "auto")]
        mode: TcMode,
        /// clsact filter priority (1-65535)
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        priority: u16,
        /// clsact filter handle (1 or more)
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        handle: u32,
        /// Replace the program already there (same priority and handle for clsact), atomically
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// A tracepoint, CATEGORY:NAME (mounts tracefs when needed)
    Tracepoint {
        /// CATEGORY:NAME, as under /sys/kernel/tracing/events (e.g. syscalls:sys_enter_getpid)
        target: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// A raw tracepoint by name (e.g. sys_enter)
    #[command(name = "raw_tracepoint", alias = "raw-tracepoint")]
    RawTracepoint {
        /// Raw tracepoint name (e.g. sys_enter)
        target: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// Entry of a kernel function (needs CONFIG_KPROBES)
    Kprobe {
        /// Kernel function name
        function: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// Return of a kernel function (needs CONFIG_KPROBES)
    Kretprobe {
        /// Kernel function name
        function: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// Entry of a user-space function, BINARY:SYMBOL
    Uprobe {
        /// BINARY:SYMBOL (a path to an ELF executable or library, and a function in it)
        target: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
    /// Return of a user-space function, BINARY:SYMBOL
    Uretprobe {
        /// BINARY:SYMBOL (a path to an ELF executable or library, and a function in it)
        target: String,
        #[command(flatten)]
        prog: ProgArgs,
    },
}

/// Untagged: each variant carries its own `kind` (xdp, tc, tracepoint, uprobe, …).
#[derive(Serialize)]
#[serde(untagged)]
pub enum AttachReport {
    Xdp(XdpAttached),
    Tc(TcAttached),
    Probe(ProbeAttached),
}

fn prepare(ctx: &Ctx, iface: bool) -> Result<(Store, Option<String>), X0Error> {
    if iface {
        // Interface attachments change links and qdiscs: say so before loading anything.
        crate::sys::caps::require_cap(
            crate::sys::caps::CAP_NET_ADMIN,
            "CAP_NET_ADMIN",
            "attaching to an interface",
        )?;
    }
    let store = Store::open(ctx, Access::Write)?;
    let note = store.note.clone();
    Ok((store, note))
}

fn prog(
    store: &Store,
    p: &ProgArgs,
    default: Option<&str>,
    want: &[&str],
    what: &str,
) -> Result<ProgHandle, X0Error> {
    let spec = match (&p.prog, default) {
        (Some(s), _) => s.clone(),
        (None, Some(d)) => d.to_string(),
        (None, None) => {
            return Err(X0Error::new(
                crate::ErrorKind::Usage,
                format!("attach {what} needs --prog OBJECT[:PROGRAM]"),
            ))
        }
    };
    attach::resolve_prog(store, &spec, p.name.as_deref(), want, what)
}

/// Run the attach; on failure, unload what this command loaded: nothing is left half-done.
fn with_rollback<T>(
    h: ProgHandle,
    f: impl FnOnce(&ProgHandle) -> Result<T, X0Error>,
) -> Result<T, X0Error> {
    let r = f(&h);
    if r.is_err() {
        h.rollback();
    }
    r
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<AttachReport> {
    let report = match &args.kind {
        Kind::Xdp {
            iface,
            mode,
            replace,
            expect_id,
            prog: p,
        } => {
            let (store, note) = prepare(ctx, true)?;
            let link = attach::resolve_iface(iface)?;
            let h = prog(&store, p, Some("xdp_counter"), &["xdp"], "xdp")?;
            let opts = xdp::AttachOptions {
                mode: *mode,
                replace: *replace,
                expect_id: *expect_id,
            };
            let mut r = with_rollback(h, |h| xdp::attach(&store, &link, h, &opts))?;
            r.warnings.extend(note);
            AttachReport::Xdp(r)
        }
        Kind::Tc {
            iface,
            direction,
            mode,
            priority,
            handle,
            replace,
            prog: p,
        } => {
            let (store, note) = prepare(ctx, true)?;
            let link = attach::resolve_iface(iface)?;
            let h = prog(
                &store,
                p,
                Some("tc_classifier"),
                &["sched_cls", "sched_act"],
                "tc",
            )?;
            let o = tc::TcOptions {
                direction: *direction,
                mode: *mode,
                priority: *priority,
                handle: *handle,
                replace: *replace,
            };
            let mut r = with_rollback(h, |h| tc::attach(&store, &link, h, &o))?;
            r.warnings.extend(note);
            AttachReport::Tc(r)
        }
        Kind::Tracepoint { target, prog: p } => {
            // A bad tracepoint name is the error to report, before any program question.
            probes::tracepoint_id(target, ctx.nomount)?;
            let (store, _) = prepare(ctx, false)?;
            let h = prog(&store, p, None, &["tracepoint"], "tracepoint")?;
            AttachReport::Probe(with_rollback(h, |h| {
                probes::tracepoint(h, target, ctx.nomount)
            })?)
        }
        Kind::RawTracepoint { target, prog: p } => {
            let (store, _) = prepare(ctx, false)?;
            let h = prog(
                &store,
                p,
                None,
                &["raw_tracepoint", "raw_tracepoint_writable"],
                "raw_tracepoint",
            )?;
            AttachReport::Probe(with_rollback(h, |h| probes::raw_tracepoint(h, target))?)
        }
        Kind::Kprobe { function, prog: p } | Kind::Kretprobe { function, prog: p } => {
            let ret = matches!(args.kind, Kind::Kretprobe { .. });
            // Say what the kernel lacks before loading anything.
            if let Some(e) = probes::kprobes_missing() {
                return Err(e.into());
            }
            let (store, _) = prepare(ctx, false)?;
            let h = prog(&store, p, None, &["kprobe"], "kprobe")?;
            AttachReport::Probe(with_rollback(h, |h| probes::kprobe(h, function, ret))?)
        }
        Kind::Uprobe { target, prog: p } | Kind::Uretprobe { target, prog: p } => {
            let ret = matches!(args.kind, Kind::Uretprobe { .. });
            let (store, _) = prepare(ctx, false)?;
            let h = prog(&store, p, None, &["kprobe"], "uprobe")?;
            AttachReport::Probe(with_rollback(h, |h| probes::uprobe(h, target, ret))?)
        }
    };
    Ok(report)
}

impl Report for AttachReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            AttachReport::Xdp(r) => {
                // The result first, in one line; then what was refused on the way.
                writeln!(
                    out,
                    "attached {}:{} (id {}) to {} (ifindex {}) in {} mode via {}{}",
                    r.object,
                    r.program,
                    r.prog_id,
                    r.interface,
                    r.ifindex,
                    r.mode,
                    r.how,
                    r.link_id
                        .map(|l| format!(" (link id {l})"))
                        .unwrap_or_default()
                )?;
                if let Some(c) = &r.replaced {
                    writeln!(
                        out,
                        "replaced program {} ({}) atomically",
                        c.prog_id, c.name
                    )?;
                }
                let refused: Vec<_> = r.attempts.iter().filter(|a| !a.ok).collect();
                if crate::output::verbose() {
                    for a in &refused {
                        writeln!(
                            out,
                            "  {} mode refused: {}",
                            a.mode,
                            a.reason.clone().unwrap_or_default()
                        )?;
                    }
                } else if !refused.is_empty() {
                    let modes: Vec<&str> = refused.iter().map(|a| a.mode).collect();
                    writeln!(
                        out,
                        "  refused by {}: {} (-v for the kernel's reasons)",
                        r.interface,
                        modes.join(", ")
                    )?;
                }
                writeln!(out, "pinned at {}", r.record.display())?;
                for w in &r.warnings {
                    writeln!(out, "note: {w}")?;
                }
            }
            AttachReport::Tc(r) => {
                writeln!(
                    out,
                    "attached {}:{} (id {}) to {} {} via {}{}{}",
                    r.object,
                    r.program,
                    r.prog_id,
                    r.interface,
                    r.direction,
                    r.mode,
                    r.link_id
                        .map(|l| format!(" (link id {l})"))
                        .unwrap_or_default(),
                    r.priority
                        .map(|p| format!(" (priority {p} handle {})", opt(&r.handle)))
                        .unwrap_or_default()
                )?;
                if let Some(why) = &r.tcx_refused {
                    writeln!(out, "  tcx refused ({why}); using clsact")?;
                }
                writeln!(out, "pinned at {}", r.record.display())?;
                for w in &r.warnings {
                    writeln!(out, "note: {w}")?;
                }
            }
            AttachReport::Probe(r) => {
                writeln!(
                    out,
                    "attached {}:{} (id {}) to {} {} via bpf_link{}",
                    r.object,
                    r.program,
                    r.prog_id,
                    r.kind,
                    r.target,
                    r.link_id
                        .map(|l| format!(" (link id {l})"))
                        .unwrap_or_default()
                )?;
                writeln!(out, "pinned at {}", r.record.display())?;
            }
        }
        Ok(())
    }
}
