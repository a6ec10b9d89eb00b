//! `x0bpf detach xdp|tc|tracepoint|… TARGET`: remove x0bpf's attachment, unpin its record, and
//! confirm with a fresh kernel query. The mode used at attach time is found, never asked for.
use std::io::{self, Write};

use clap::Subcommand;
use serde::Serialize;

use crate::attach::{self, Detached};
use crate::cmd::attach::NetnsArgs;
use crate::error::{ErrorKind, X0Error};
use crate::output::Report;
use crate::state::Store;
use crate::tc::{self, Direction, TcDetached};
use crate::xdp::{self, XdpDetached};
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
        iface: String,
        /// Remove any XDP program in every mode, ours or not (like `ip link set dev X xdp off`)
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        netns: NetnsArgs,
    },
    /// tc programs x0bpf attached (both directions unless --direction)
    Tc {
        iface: String,
        #[arg(long, value_enum)]
        direction: Option<Direction>,
        #[command(flatten)]
        netns: NetnsArgs,
    },
    /// Tracing attachments by target (CATEGORY:NAME, function, BINARY:SYMBOL, raw tp name)
    #[command(
        alias = "raw_tracepoint",
        alias = "kprobe",
        alias = "kretprobe",
        alias = "uprobe",
        alias = "uretprobe"
    )]
    Tracepoint { target: String },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DetachReport {
    Xdp(XdpDetached),
    Tc(TcDetached),
    Probe { detached: Vec<Detached> },
}

fn open(ctx: &Ctx, netns: Option<&NetnsArgs>) -> Result<Store, X0Error> {
    if let Some(ns) = netns.and_then(|n| n.netns.as_deref()) {
        attach::enter_netns(ns)?;
    }
    Store::open(ctx)
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<DetachReport> {
    Ok(match &args.kind {
        Kind::Xdp { iface, all, netns } => {
            let store = open(ctx, Some(netns))?;
            let link = attach::resolve_iface(iface)?;
            DetachReport::Xdp(xdp::detach(&store, &link, *all)?)
        }
        Kind::Tc {
            iface,
            direction,
            netns,
        } => {
            let store = open(ctx, Some(netns))?;
            let link = attach::resolve_iface(iface)?;
            DetachReport::Tc(tc::detach(&store, &link, *direction)?)
        }
        Kind::Tracepoint { target } => {
            let store = open(ctx, None)?;
            let wanted = target.replace('/', ":");
            let mut detached = Vec::new();
            for (_, rec, path) in attach::all_records(&store) {
                let t = rec.target.replace('/', ":");
                if rec.ifindex.is_none()
                    && (t == wanted || t.ends_with(&format!(":{wanted}")) || t == *target)
                {
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
                    format!("x0bpf has nothing attached to {target}"),
                )
                .hint("see `x0bpf list` for what is attached")
                .into());
            }
            DetachReport::Probe { detached }
        }
    })
}

impl Report for DetachReport {
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
                writeln!(out, "verified: {} has no XDP program of ours", r.interface)?;
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
