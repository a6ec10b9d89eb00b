//! `x0bpf flows [--dev IFACE] [--direction …] [--sort bytes|packets|rtt] [--top N] [--watch]`:
//! the top flows tc_classifier sees — addresses, ports, protocol, packets and bytes per
//! direction, handshake RTT (p50/p99 estimated from its log2 histogram) and age.
//! When tc_classifier is loaded and attached (`x0bpf attach tc …`), its pinned maps are read
//! and left in place. Otherwise the view needs `--dev`: it loads its own instance and attaches
//! it at tcx ingress and/or egress through links only this process holds — nothing pinned,
//! nothing left behind when it exits, even killed — and collects for `--duration` (or shows
//! samples every `--interval` with `--watch`).
use std::io::{self, Write};
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, MapHandle};
use serde::Serialize;

use super::stats::{dev_ifindex, ns, read_tc, sockaddr, FlowRow, Iface, StatsReport};
use crate::attach::tc::Direction;
use crate::error::{ErrorKind, X0Error};
use crate::output::{table, Report, SCHEMA_VERSION};
use crate::store::{self, Access, Store};
use crate::stream::{self, Out};
use crate::Ctx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Bytes,
    Packets,
    Rtt,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The interface (needed when tc_classifier is not attached yet; else a filter)
    #[arg(long, value_name = "IFACE")]
    pub dev: Option<String>,
    /// Only flows with traffic in this direction (and, when the view attaches, only this hook)
    #[arg(long, value_enum)]
    pub direction: Option<Direction>,
    /// Order of the table
    #[arg(long, value_enum, default_value = "bytes")]
    pub sort: Sort,
    /// Show the N first flows (0: all)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Loaded object to read when attached by `x0bpf attach tc`
    #[arg(long, value_name = "NAME", default_value = "tc_classifier")]
    pub object: String,
    /// When the view attaches for itself: collect this long before printing
    #[arg(long, value_name = "D", default_value = "5s", value_parser = super::tail::parse_duration)]
    pub duration: Duration,
    /// Print again every --interval seconds until Ctrl-C
    #[arg(long)]
    pub watch: bool,
    /// Seconds between two samples with --watch
    #[arg(long, value_name = "S", default_value = "1", requires = "watch",
          value_parser = super::stats::parse_interval)]
    pub interval: f64,
}

#[derive(Serialize)]
pub struct FlowsReport {
    pub object: String,
    /// `pinned`: read from an attachment made by `x0bpf attach`; `own`: attached by this view
    pub source: &'static str,
    pub interfaces: Vec<Iface>,
    pub total_flows: usize,
    pub flows_created: u64,
    pub evicted: u64,
    pub sort: Sort,
    pub flows: Vec<FlowRow>,
}

enum Source {
    Pinned(MapHandle, MapHandle),
    Own(crate::attach::ephemeral::Ephemeral),
}

fn sample(a: &Args, src: &Source, dev: Option<u32>, name: &str) -> Result<FlowsReport, X0Error> {
    let r = match src {
        Source::Pinned(f, t) => read_tc(name, f, t, dev)?,
        Source::Own(e) => {
            let f = e
                .obj
                .maps()
                .find(|m| m.name().to_string_lossy() == "flows")
                .ok_or_else(|| X0Error::new(ErrorKind::Internal, "no flows map"))?;
            let t = e
                .obj
                .maps()
                .find(|m| m.name().to_string_lossy() == "totals")
                .ok_or_else(|| X0Error::new(ErrorKind::Internal, "no totals map"))?;
            read_tc(name, &f, &t, dev)?
        }
    };
    let StatsReport::TcClassifier {
        object,
        interfaces,
        mut flows,
        flows_created,
        evicted,
        ..
    } = r
    else {
        return Err(X0Error::new(
            ErrorKind::Internal,
            "not a tc_classifier report",
        ));
    };
    match a.direction {
        Some(Direction::Ingress) => flows.retain(|f| f.rx_packets > 0),
        Some(Direction::Egress) => flows.retain(|f| f.tx_packets > 0),
        None => {}
    }
    match a.sort {
        Sort::Bytes => flows.sort_by_key(|f| std::cmp::Reverse(f.bytes)),
        Sort::Packets => flows.sort_by_key(|f| std::cmp::Reverse(f.packets)),
        Sort::Rtt => flows.sort_by_key(|f| std::cmp::Reverse(f.rtt_p99_ns.unwrap_or(0))),
    }
    let total_flows = flows.len();
    if a.top > 0 {
        flows.truncate(a.top);
    }
    Ok(FlowsReport {
        object,
        source: match src {
            Source::Pinned(..) => "pinned",
            Source::Own(_) => "own",
        },
        interfaces,
        total_flows,
        flows_created,
        evicted,
        sort: a.sort,
        flows,
    })
}

fn open_pinned(dir: &std::path::Path, m: &str) -> Result<MapHandle, X0Error> {
    let p = dir.join("maps").join(m);
    MapHandle::from_pinned_path(&p).map_err(|e| {
        X0Error::new(
            ErrorKind::NotFound,
            format!("cannot open pinned map {}: {e}", p.display()),
        )
    })
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    store::check_name("object name", &a.object)?;
    let dev = dev_ifindex(&a.dev)?;
    let store = Store::open(ctx, Access::Read)?;
    // Read the pinned instance only where it is attached and live: on --dev in this network
    // namespace, or (without --dev) anywhere. Otherwise the view attaches its own.
    let ns_ino =
        crate::sys::ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    let attached = store.is_loaded(&a.object)
        && crate::attach::object_live_where(&store, &a.object, |r| {
            r.kind.starts_with("tc")
                && dev.is_none_or(|i| r.ifindex == Some(i) && r.netns == Some(ns_ino))
        });
    let src = if attached {
        let dir = store.dir(&a.object);
        let f = open_pinned(&dir, "flows")?;
        if f.value_size() as usize
            != std::mem::size_of::<crate::skel::tc_classifier::types::flow_stats>()
        {
            return Err(X0Error::new(
                ErrorKind::InvalidObject,
                format!(
                    "{} was loaded by an older x0bpf: its flow table layout differs",
                    a.object
                ),
            )
            .hint(format!(
                "reload it: `x0bpf unload {}`, then attach it again",
                a.object
            ))
            .into());
        }
        Source::Pinned(f, open_pinned(&dir, "totals")?)
    } else {
        // Only the embedded tc_classifier can be loaded for a view; another name must exist.
        if a.object != "tc_classifier" && !store.is_loaded(&a.object) {
            return Err(X0Error::new(
                ErrorKind::NotFound,
                format!("no object named {} is loaded", a.object),
            )
            .hint("see `x0bpf list`; without --object the view uses tc_classifier")
            .into());
        }
        let Some(ifindex) = dev else {
            return Err(X0Error::new(
                ErrorKind::NotAttached,
                format!("{} is not attached anywhere", a.object),
            )
            .hint("give --dev IFACE to watch an interface (the view attaches for itself), or `x0bpf attach tc IFACE --direction ingress` first")
            .into());
        };
        let mut e = crate::attach::ephemeral::load("tc_classifier", &[], &["tc_classify"])?;
        let dirs: Vec<Direction> = match a.direction {
            Some(d) => vec![d],
            None => vec![Direction::Ingress, Direction::Egress],
        };
        for d in dirs {
            e.tcx("tc_classify", ifindex, d)?;
        }
        Source::Own(e)
    };
    drop(store);
    stream::install_stop_signals();
    let name = a.object.clone();
    if !a.watch {
        if let Source::Own(_) = src {
            eprintln!(
                "x0bpf: watching {} for {:.1}s",
                a.dev.as_deref().unwrap_or("?"),
                a.duration.as_secs_f64()
            );
            let end = Instant::now() + a.duration;
            while Instant::now() < end && !stream::stopped() {
                std::thread::sleep(Duration::from_millis(50).min(end - Instant::now()));
            }
        }
        let r = sample(a, &src, dev, &name)?;
        crate::output::emit("flows", &r, ctx.fmt)?;
        return Ok(0);
    }
    // --watch: a stream of samples (docs/JSON.md, Streams).
    eprintln!("x0bpf: watching flows every {}s until Ctrl-C", a.interval);
    let mut out = Out::stdout();
    let json = ctx.fmt.json;
    let res = (|| -> anyhow::Result<(u64, &'static str)> {
        if json {
            let h =
                serde_json::json!({"object": name, "interval_s": a.interval, "records": "samples"});
            out.write_all(
                format!("{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"flows\",\"header\":{h}}}\n")
                    .as_bytes(),
            )?;
        }
        let mut n = 0u64;
        loop {
            let until = Instant::now() + Duration::from_secs_f64(a.interval.clamp(0.05, 86400.0));
            while Instant::now() < until && !stream::stopped() {
                std::thread::sleep(Duration::from_millis(50));
            }
            if stream::stopped() {
                return Ok((n, "interrupted"));
            }
            let r = sample(a, &src, dev, &name)?;
            let mut buf = Vec::new();
            if json {
                serde_json::to_writer(&mut buf, &r)?;
                buf.push(b'\n');
            } else {
                r.render(&mut buf)?;
            }
            out.write_all(&buf)?;
            out.flush()?;
            n += 1;
        }
    })();
    match res {
        Ok((n, reason)) => {
            if json {
                let _ = out.write_all(
                    format!("{{\"summary\":{{\"records\":{n},\"lost\":null,\"complete\":true,\"reason\":\"{reason}\"}}}}\n")
                        .as_bytes(),
                );
            }
            let _ = out.flush();
            Ok(0)
        }
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(stream::is_broken_pipe) =>
        {
            Ok(0)
        }
        Err(e) => Err(e),
    }
}

impl Report for FlowsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let ifs: Vec<String> = self
            .interfaces
            .iter()
            .map(|i| {
                i.name
                    .clone()
                    .unwrap_or_else(|| format!("ifindex {}", i.ifindex))
            })
            .collect();
        writeln!(
            out,
            "{}: {} flows on {} ({} created, {} evicted), by {}",
            self.object,
            self.total_flows,
            if ifs.is_empty() {
                "no interface yet".into()
            } else {
                ifs.join(", ")
            },
            self.flows_created,
            self.evicted,
            match self.sort {
                Sort::Bytes => "bytes",
                Sort::Packets => "packets",
                Sort::Rtt => "rtt",
            }
        )?;
        let mut t = table([
            "IFACE", "PROTO", "LOCAL", "REMOTE", "RX PKTS", "RX BYTES", "TX PKTS", "TX BYTES",
            "RTT P50~", "RTT P99~", "AGE",
        ]);
        for f in &self.flows {
            t.add_row(vec![
                f.interface.clone().unwrap_or_else(|| f.ifindex.to_string()),
                f.protocol.clone(),
                sockaddr(&f.local, f.lport),
                sockaddr(&f.remote, f.rport),
                f.rx_packets.to_string(),
                f.rx_bytes.to_string(),
                f.tx_packets.to_string(),
                f.tx_bytes.to_string(),
                f.rtt_p50_ns.map(ns).unwrap_or_else(|| "-".into()),
                f.rtt_p99_ns.map(ns).unwrap_or_else(|| "-".into()),
                format!("{:.1}s", f.age_s),
            ]);
        }
        writeln!(out, "{t}")
    }
}
