//! `x0bpf flows [--dev IFACE] [--direction …] [--sort bytes|packets|rtt] [--top N] [--watch]`:
//! the top flows tc_classifier sees — addresses, ports, protocol, packets and bytes per
//! direction, handshake RTT (p50/p99 estimated from its log2 histogram) and age.
//! When tc_classifier is loaded and attached (`x0bpf attach tc …`), its pinned maps are read
//! and left in place. Otherwise the view needs `--dev`: it loads its own instance and attaches
//! it at tcx ingress and/or egress through links only this process holds — nothing pinned,
//! nothing left behind when it exits, even killed — and collects for `--duration` (or shows
//! samples every `--interval` with `--watch`).
//! `--graph`: the same table as a stream of graphs, one JSON line per window (nodes =
//! addresses, edges = flows; built by `obj::graph`, docs/JSON.md "flows --graph").
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, MapHandle};
use serde::Serialize;

use super::stats::{dev_ifindex, ns, read_tc, sockaddr, FlowRow, Iface, StatsReport};
use crate::attach::tc::Direction;
use crate::error::{ErrorKind, X0Error};
use crate::obj::graph::{self, FlowId, FlowSample, ReadMeta, Windows};
use crate::output::{table, Report};
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
    #[arg(long, value_enum, conflicts_with = "graph")]
    pub direction: Option<Direction>,
    /// Order of the table
    #[arg(long, value_enum, default_value = "bytes", conflicts_with = "graph")]
    pub sort: Sort,
    /// Show the N first flows (0: all)
    #[arg(long, value_name = "N", default_value_t = 20, conflicts_with = "graph")]
    pub top: usize,
    /// Loaded object to read when attached by `x0bpf attach tc`
    #[arg(long, value_name = "NAME", default_value = "tc_classifier")]
    pub object: String,
    /// When the view attaches for itself: collect this long before printing
    #[arg(long, value_name = "D", default_value = "5s", conflicts_with = "graph",
          value_parser = super::tail::parse_duration)]
    pub duration: Duration,
    /// Print again every --interval seconds until Ctrl-C
    #[arg(long, conflicts_with = "graph")]
    pub watch: bool,
    /// Seconds between two samples with --watch or two windows with --graph [default: 1]
    #[arg(long, value_name = "S", value_parser = super::stats::parse_interval)]
    pub interval: Option<f64>,
    /// Stream the flow graph: one JSON line per window, nodes (addresses) and edges (flows)
    #[arg(long)]
    pub graph: bool,
    /// With --graph: seconds each window spans, ending at each read [default: --interval]
    #[arg(long, value_name = "S", requires = "graph", value_parser = super::stats::parse_interval)]
    pub window: Option<f64>,
    /// With --graph: keep the N addresses with the most bytes per window (0: all)
    #[arg(long, value_name = "N", default_value_t = 1000, requires = "graph")]
    pub max_nodes: usize,
    /// With --watch or --graph: stop after N samples or windows
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
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
    Pinned(MapHandle, MapHandle, super::stats::Places),
    Own(crate::attach::ephemeral::Ephemeral),
}

fn sample(a: &Args, src: &Source, dev: Option<u32>, name: &str) -> Result<FlowsReport, X0Error> {
    let r = match src {
        Source::Pinned(f, t, places) => read_tc(name, f, t, dev, places)?,
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
            read_tc(name, &f, &t, dev, &super::stats::Places::default())?
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
    if a.interval.is_some() && !a.watch && !a.graph {
        return Err(
            X0Error::new(ErrorKind::Usage, "--interval needs --watch or --graph")
                .hint("add --watch (tables) or --graph (graph stream)")
                .into(),
        );
    }
    if a.count.is_some() && !a.watch && !a.graph {
        return Err(
            X0Error::new(ErrorKind::Usage, "--count needs --watch or --graph")
                .hint("add --watch (tables) or --graph (graph stream)")
                .into(),
        );
    }
    let interval = a.interval.unwrap_or(1.0);
    // Checked before anything is attached: bad flags leave nothing behind.
    let k = if a.graph {
        graph::intervals_per_window(interval, a.window.unwrap_or(interval))
            .map_err(|m| X0Error::new(ErrorKind::Usage, m))?
    } else {
        1
    };
    let dev = dev_ifindex(&a.dev)?;
    let store = Store::open(ctx, Access::Read)?;
    // Before loading or attaching anything (after the store's lock wait, which Ctrl-C must
    // still cut short): a SIGTERM while the view sets up ends the stream (header and summary
    // written) instead of killing it with no output at all.
    stream::install_stop_signals();
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
        Source::Pinned(
            f,
            open_pinned(&dir, "totals")?,
            super::stats::Places::of_links(&dir.join("links")),
        )
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
        // Loaded but not attached at tc (here): its table counts nothing, and the instance the
        // view would attach is the embedded tc_classifier, not it — refused rather than shown
        // under its name.
        if a.object != "tc_classifier" {
            let here = a
                .dev
                .as_deref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default();
            return Err(X0Error::new(
                ErrorKind::NotAttached,
                format!("{} is loaded but not attached at tc{here}", a.object),
            )
            .hint(format!(
                "`x0bpf attach tc IFACE --prog {} --direction ingress` first, or drop --object to watch with the view's own tc_classifier",
                a.object
            ))
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
    // Where the pinned attachment lives: a graph stream ends when its last link goes, or when
    // the object is unloaded (and maybe loaded again: another table, the one read is dead).
    let pinned = match &src {
        Source::Pinned(f, ..) => Some(Pinned {
            dir: store.dir(&a.object),
            flows_id: crate::sys::bpf::map_info(f.as_fd())
                .map_err(|e| X0Error::os("reading the flow table's id", &e))?
                .id,
            on: dev.map(|i| (i, ns_ino)),
        }),
        Source::Own(_) => None,
    };
    drop(store);
    let name = a.object.clone();
    if a.graph {
        return graph_stream(a, &src, pinned.as_ref(), dev, &name, interval, k);
    }
    if !a.watch {
        if let Source::Own(_) = src {
            eprintln!(
                "x0bpf: watching {} for {:.1}s",
                a.dev.as_deref().unwrap_or("?"),
                a.duration.as_secs_f64()
            );
            // Stopped early: the report covers what was counted so far.
            stream::sleep_until(Instant::now() + a.duration);
        }
        let r = sample(a, &src, dev, &name)?;
        crate::output::emit("flows", &r, ctx.fmt)?;
        return Ok(0);
    }
    // --watch: a stream of samples (docs/JSON.md, Streams).
    match a.count {
        Some(c) => eprintln!("x0bpf: watching flows every {interval}s, {c} samples"),
        None => eprintln!("x0bpf: watching flows every {interval}s until Ctrl-C"),
    }
    let mut out = Out::stdout();
    let json = ctx.fmt.json;
    let mut n = 0u64;
    let res = (|| -> anyhow::Result<&'static str> {
        if json {
            let h =
                serde_json::json!({"object": name, "interval_s": interval, "records": "samples"});
            stream::header(&mut out, "flows", &h)?;
        }
        loop {
            if a.count.is_some_and(|c| n >= c) {
                return Ok("count");
            }
            let until = Instant::now() + Duration::from_secs_f64(interval.clamp(0.05, 86400.0));
            if !stream::sleep_until(until) {
                return Ok("interrupted");
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
    stream::finish(&mut out, n, res, json).map(|_| 0)
}

/// One flow table entry, decoded.
fn graph_sample(key: &[u8], val: &[u8]) -> FlowSample {
    use crate::skel::tc_classifier::types::{flow_key, flow_stats};
    let k: flow_key = super::stats::decode(key);
    let s: flow_stats = super::stats::decode(val);
    let addr = |a: [u8; 16]| -> std::net::IpAddr {
        if k.family == 4 {
            std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]).into()
        } else {
            std::net::Ipv6Addr::from(a).into()
        }
    };
    FlowSample {
        id: FlowId {
            ifindex: k.ifindex,
            proto: k.proto,
            local: addr(k.laddr),
            lport: k.lport,
            remote: addr(k.raddr),
            rport: k.rport,
        },
        first_ns: s.first_ns,
        last_ns: s.last_ns,
        c: graph::Counters {
            rx_packets: s.dir[0].packets,
            rx_bytes: s.dir[0].bytes,
            tx_packets: s.dir[1].packets,
            tx_bytes: s.dir[1].bytes,
        },
        rtt_slots: s.rtt_slots.iter().map(|c| *c as u64).collect(),
    }
}

/// The flow table as graph samples, and evictions so far (flows_created minus entries
/// present), read with `maps::batch::read_all` (a few syscalls for the whole table instead of
/// two per entry: docs/PERFORMANCE.md; a key walk on kernels without batch lookups).
fn read_graph<M: MapCore>(
    flows: &M,
    totals: &M,
    dev: Option<u32>,
) -> Result<(Vec<FlowSample>, u64), X0Error> {
    use crate::skel::tc_classifier::types::{flow_key, flow_stats, tc_totals};
    let ks = std::mem::size_of::<flow_key>();
    let vs = std::mem::size_of::<flow_stats>();
    // The kernel writes key_size and value_size bytes per element into the buffers below.
    if flows.key_size() as usize != ks || flows.value_size() as usize != vs {
        return Err(X0Error::new(
            ErrorKind::InvalidObject,
            "the flows map is not tc_classifier's flow table (key or value size differs)",
        ));
    }
    let e = crate::maps::batch::read_all(flows.as_fd())
        .map_err(|e| X0Error::new(ErrorKind::Kernel, format!("reading the flow table: {e}")))?;
    // A key seen twice (a walk restarts when the LRU evicts the key it stands on) counts once.
    let mut by_key: std::collections::HashMap<FlowId, FlowSample> =
        std::collections::HashMap::with_capacity(e.len);
    for i in 0..e.len {
        let s = graph_sample(e.key(i), e.value(i));
        by_key.insert(s.id.clone(), s);
    }
    let live = by_key.len() as u64;
    let t: tc_totals =
        super::stats::percpu_sum(totals, &0u32.to_ne_bytes(), |a: &mut tc_totals, v| {
            a.flows_created = a.flows_created.wrapping_add(v.flows_created);
        })?;
    Ok((
        by_key
            .into_values()
            .filter(|s| dev.is_none_or(|d| d == s.id.ifindex))
            .collect(),
        t.flows_created.saturating_sub(live),
    ))
}

fn clock() -> graph::Clock {
    let unix_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    graph::Clock {
        mono_ns: crate::sys::monotonic_ns(),
        unix_ns,
    }
}

fn read_src(src: &Source, dev: Option<u32>) -> Result<(Vec<FlowSample>, u64), X0Error> {
    match src {
        Source::Pinned(f, t, _) => read_graph(f, t, dev),
        Source::Own(e) => {
            let m = |n: &str| {
                e.obj
                    .maps()
                    .find(|m| m.name().to_string_lossy() == n)
                    .ok_or_else(|| X0Error::new(ErrorKind::Internal, format!("no {n} map")))
            };
            read_graph(&m("flows")?, &m("totals")?, dev)
        }
    }
}

/// The pinned object a graph stream reads, to notice when it goes away.
struct Pinned {
    dir: std::path::PathBuf,
    flows_id: u32,
    /// `--dev`: the (ifindex, netns inode) the stream watches; its own tc links there must
    /// stay, links on other interfaces do not keep it alive.
    on: Option<(u32, u64)>,
}

impl Pinned {
    /// Whether the table this stream holds is still the attached one: a link is still pinned
    /// and the pinned flow table is the same map (not one of a reload).
    fn live(&self) -> bool {
        let links = self.dir.join("links");
        let attached = match self.on {
            None => !store::entries(&links).is_empty(),
            Some((ifindex, ns)) => crate::attach::links_dir_live(&links, |r| {
                r.kind.starts_with("tc") && r.ifindex == Some(ifindex) && r.netns == Some(ns)
            }),
        };
        attached
            && MapHandle::from_pinned_path(self.dir.join("maps").join("flows"))
                .ok()
                .and_then(|m| crate::sys::bpf::map_info(m.as_fd()).ok())
                .is_some_and(|i| i.id == self.flows_id)
    }
}

/// One line of the graph stream (docs/JSON.md, "flows --graph").
#[derive(Serialize)]
struct GraphLine<'a> {
    /// 1, 2, …
    window: u64,
    /// The reads the window starts and ends at
    start_unix_ns: u64,
    end_unix_ns: u64,
    /// Flow table entries that counted packets in the window (before merging)
    flows: usize,
    /// Entries evicted from the table in the window: their last counts are missing
    evicted: u64,
    #[serde(flatten)]
    graph: &'a graph::Graph,
}

/// `--graph`: a stream (header, one line per window, summary), JSON whatever --json says.
fn graph_stream(
    a: &Args,
    src: &Source,
    pinned: Option<&Pinned>,
    dev: Option<u32>,
    name: &str,
    interval: f64,
    k: usize,
) -> anyhow::Result<i32> {
    let mut out = Out::stdout();
    let mut n = 0u64;
    let mut started = false;
    let res = (|| -> anyhow::Result<&'static str> {
        // One conversion for the whole stream: a flow's first_seen stays the same number in
        // every window that holds it.
        let c0 = clock();
        let (first, evicted) = read_src(src, dev)?;
        let mut w = Windows::new(
            k,
            &first,
            ReadMeta {
                unix_ns: c0.unix_ns,
                evicted,
            },
        );
        let h = serde_json::json!({
            "object": name,
            "source": match src { Source::Pinned(..) => "pinned", Source::Own(_) => "own" },
            "interval_s": interval,
            // What a full window spans: --window rounded up to whole intervals.
            "window_s": (k as f64 * interval * 1e9).round() / 1e9,
            "intervals_per_window": k,
            "max_nodes": a.max_nodes,
            "records": "windows",
        });
        stream::header(&mut out, "flows", &h)?;
        started = true;
        let start = Instant::now();
        loop {
            if a.count.is_some_and(|c| n >= c) {
                return Ok("count");
            }
            // Deadlines from the start: windows do not drift with the time a read takes.
            let until = start + Duration::from_secs_f64(interval * (n + 1) as f64);
            // `| head -1` with a long --interval: done now, not at the next window.
            if !stream::sleep_until_or_closed(until)? {
                return Ok("interrupted");
            }
            // Detached or unloaded: the table no longer changes, the stream has ended.
            if pinned.is_some_and(|p| !p.live()) {
                return Ok("detached");
            }
            // Its own links lost their interface (deleted): nothing will be counted again.
            if matches!(src, Source::Own(e) if !e.netdev_links_live()) {
                return Ok("detached");
            }
            let c = clock();
            let (cur, evicted) = read_src(src, dev)?;
            let meta = ReadMeta {
                unix_ns: c.unix_ns,
                evicted,
            };
            let (flows, base) = w.next(&cur, meta);
            let g = graph::build(&flows, a.max_nodes, c0, super::stats::ip_proto_name);
            n += 1;
            let line = GraphLine {
                window: n,
                start_unix_ns: base.unix_ns,
                end_unix_ns: c.unix_ns,
                flows: flows.len(),
                evicted: evicted.saturating_sub(base.evicted),
                graph: &g,
            };
            let mut buf = serde_json::to_vec(&line)?;
            buf.push(b'\n');
            out.write_all(&buf)?;
            out.flush()?;
        }
    })();
    // A failure before the header is a plain error; after it, the stream ends with its summary.
    stream::finish(&mut out, n, res, started).map(|_| 0)
}

impl Report for FlowsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let ifs: Vec<String> = self
            .interfaces
            .iter()
            .map(|i| {
                let n = i
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("ifindex {}", i.ifindex));
                format!("{n}{}", i.netns_suffix())
            })
            .collect();
        let title = format!(
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
        );
        crate::output::note(out, &title)?;
        // In a pipe the title is on stderr: each row names its object instead.
        let owner = crate::output::plain();
        let mut head = if owner { vec!["OBJECT"] } else { vec![] };
        head.extend([
            "IFACE", "PROTO", "LOCAL", "REMOTE", "RX PKTS", "RX BYTES", "TX PKTS", "TX BYTES",
            "RTT P50~", "RTT P99~", "AGE",
        ]);
        let mut t = table(head);
        for f in &self.flows {
            let mut row = if owner {
                vec![self.object.clone()]
            } else {
                vec![]
            };
            row.extend([
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
            t.add_row(row);
        }
        t.write_to(out)
    }
}
