//! `x0bpf detach xdp|tc|tracepoint|… TARGET`: remove x0bpf's attachment, unpin its record, and
//! confirm with a fresh kernel query. The mode used at attach time is found, never asked for.
use std::io::{self, Write};

use clap::Subcommand;
use serde::Serialize;

use crate::attach::tc::{self, Direction, TcDetached};
use crate::attach::xdp::{self, XdpDetached};
use crate::attach::{self, Detached, Record};
use crate::error::{ErrorKind, X0Error};
use crate::output::Report;
use crate::store::{Access, Store};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub kind: Kind,
}

#[derive(Debug, Subcommand)]
pub enum Kind {
    /// XDP from an interface, whatever mode it was attached in
    Xdp {
        /// Interface name
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
        iface: String,
        /// Remove any XDP program in every mode, ours or not (like `ip link set dev X xdp off`)
        #[arg(long)]
        all: bool,
    },
    /// tc programs x0bpf attached (both directions unless --direction)
    Tc {
        /// Interface name
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::ifaces))]
        iface: String,
        /// Only this direction (default: both)
        #[arg(long, value_enum)]
        direction: Option<Direction>,
        /// Remove every tc program (tcx links and clsact bpf filters), ours or not
        #[arg(long)]
        all: bool,
    },
    /// A tracepoint attachment, CATEGORY:NAME
    Tracepoint {
        /// CATEGORY:NAME, as given to attach
        target: String,
    },
    /// A raw tracepoint attachment, by name
    #[command(name = "raw_tracepoint", alias = "raw-tracepoint")]
    RawTracepoint {
        /// Raw tracepoint name
        target: String,
    },
    /// A kprobe attachment, by function
    Kprobe {
        /// Kernel function name
        target: String,
    },
    /// A kretprobe attachment, by function
    Kretprobe {
        /// Kernel function name
        target: String,
    },
    /// A uprobe attachment, BINARY:SYMBOL
    Uprobe {
        /// BINARY:SYMBOL, as given to attach
        target: String,
    },
    /// A uretprobe attachment, BINARY:SYMBOL
    Uretprobe {
        /// BINARY:SYMBOL, as given to attach
        target: String,
    },
}

/// What was detached, and the objects it leaves loaded with nothing attached: `attach`
/// loaded them, `detach` does not unload them (the maps keep their counts), so say so.
#[derive(Serialize)]
pub struct DetachOutcome {
    #[serde(flatten)]
    pub report: DetachReport,
    /// Objects that had an attachment removed here and now have none (still pinned)
    pub still_loaded: Vec<String>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DetachReport {
    Xdp(XdpDetached),
    Tc(TcDetached),
    Probe { detached: Vec<Detached> },
}

fn open(ctx: &Ctx) -> Result<Store, X0Error> {
    Store::open(ctx, Access::Repair)
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<DetachOutcome> {
    let store = open(ctx)?;
    let before: std::collections::BTreeSet<String> = attach::all_records(&store)
        .into_iter()
        .map(|(o, _, _)| o)
        .collect();
    let report = detach(args, &store)?;
    // Only live records keep an object "attached": a record whose interface is gone
    // (NOT LIVE in `list`) attaches nothing.
    let after: std::collections::BTreeSet<String> = attach::all_records(&store)
        .into_iter()
        .filter(|(_, r, p)| attach::record_live(r, &attach::record_state(r, p)).0)
        .map(|(o, _, _)| o)
        .collect();
    // Objects whose last live attachment this command removed, and that are still loaded.
    let still_loaded = before
        .difference(&after)
        .filter(|o| store.is_loaded(o))
        .cloned()
        .collect();
    Ok(DetachOutcome {
        report,
        still_loaded,
    })
}

fn detach(args: &Args, store: &Store) -> anyhow::Result<DetachReport> {
    Ok(match &args.kind {
        Kind::Xdp { iface, all } => {
            let link = attach::resolve_iface(iface)?;
            DetachReport::Xdp(xdp::detach(store, &link, *all)?)
        }
        Kind::Tc {
            iface,
            direction,
            all,
        } => {
            let link = attach::resolve_iface(iface)?;
            DetachReport::Tc(tc::detach(store, &link, *direction, *all)?)
        }
        Kind::Tracepoint { target }
        | Kind::RawTracepoint { target }
        | Kind::Kprobe { target }
        | Kind::Kretprobe { target }
        | Kind::Uprobe { target }
        | Kind::Uretprobe { target } => {
            let kind = probe_kind(&args.kind);
            // The record name made at attach time, from the same canonical target.
            let want = Record::other(kind, &canonical_target(kind, target)?).file_name();
            let mut detached = Vec::new();
            for (_, rec, path) in attach::all_records(store) {
                if path.file_name().and_then(|n| n.to_str()) == Some(want.as_str()) {
                    let how = attach::release(&rec, &path)?;
                    detached.push(Detached {
                        attachment: rec.describe(),
                        how,
                    });
                }
            }
            if detached.is_empty() {
                return Err(X0Error::new(
                    ErrorKind::NotAttached,
                    format!("x0bpf has no {kind} attached to {target}"),
                )
                .hint("see `x0bpf list` for what is attached")
                .into());
            }
            DetachReport::Probe { detached }
        }
    })
}

fn probe_kind(k: &Kind) -> &'static str {
    match k {
        Kind::Tracepoint { .. } => "tracepoint",
        Kind::RawTracepoint { .. } => "raw_tracepoint",
        Kind::Kprobe { .. } => "kprobe",
        Kind::Kretprobe { .. } => "kretprobe",
        Kind::Uprobe { .. } => "uprobe",
        Kind::Uretprobe { .. } => "uretprobe",
        Kind::Xdp { .. } | Kind::Tc { .. } => "",
    }
}

/// The target as attach recorded it: `CATEGORY:NAME` for tracepoints (either separator),
/// the binary's canonical path for uprobes.
fn canonical_target(kind: &str, target: &str) -> Result<String, X0Error> {
    Ok(match kind {
        "tracepoint" => target.replacen('/', ":", 1),
        "uprobe" | "uretprobe" => {
            let (bin, sym) = target.rsplit_once(':').ok_or_else(|| {
                X0Error::new(
                    ErrorKind::Usage,
                    format!("{kind} {target:?}: expected BINARY:SYMBOL"),
                )
            })?;
            let path = std::fs::canonicalize(bin)
                .map_err(|e| X0Error::os(format!("{kind} binary {bin}"), &e))?;
            format!("{}:{sym}", path.display())
        }
        _ => target.to_string(),
    })
}

impl Report for DetachOutcome {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        self.report.render(out)?;
        for o in &self.still_loaded {
            crate::output::note(
                out,
                &format!(
                    "{o} stays loaded (its maps keep their counts): `{} unload {o}` releases it",
                    crate::output::command_prefix()
                ),
            )?;
        }
        Ok(())
    }
}

impl DetachReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            DetachReport::Xdp(r) => {
                for c in &r.removed {
                    writeln!(
                        out,
                        "detached XDP program {} ({}){} from {}",
                        c.prog_id,
                        c.name,
                        c.mode
                            .as_ref()
                            .map(|m| format!(", {m} mode"))
                            .unwrap_or_default(),
                        r.interface
                    )?;
                }
                if r.removed.is_empty() {
                    writeln!(out, "detached from {}: {}", r.interface, r.how.join("; "))?;
                }
                if r.all {
                    writeln!(out, "verified: {} has no XDP program left", r.interface)?;
                } else {
                    writeln!(out, "verified: {} has no XDP program of ours", r.interface)?;
                }
            }
            DetachReport::Tc(r) => {
                for x in &r.removed {
                    writeln!(out, "detached {x}")?;
                }
                writeln!(out, "verified: none of them is attached to {}", r.interface)?;
            }
            DetachReport::Probe { detached } => {
                for d in detached {
                    writeln!(out, "detached {} ({})", d.attachment, d.how)?;
                }
            }
        }
        Ok(())
    }
}
