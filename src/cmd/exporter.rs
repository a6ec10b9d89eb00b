//! `x0bpf exporter`: Prometheus metrics over HTTP (docs/MONITORING.md fixes the names). Every
//! metric family is built afresh at each scrape from the kernel (x0bpf's own programs through
//! the `stats` decoders, every program and map on the host, configured maps) and written as the
//! text exposition format 0.0.4 directly (`Family::write`); a small bounded HTTP/1.1 server
//! (`httparse` parses requests) serves them. One scrape at a time: a scrape is a few batch reads, and serialising them bounds what
//! a flood of requests can cost.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, MapHandle};

use super::stats::{
    entry_sum, read_syscalls, read_xdp, snapshot, tc_rtt_summary, tc_totals, StatsReport,
};
use crate::error::{ErrorKind, X0Error};
use crate::maps::export::{self as mexport, Kind, Samples};
use crate::store::{self, Access, Store};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::map as sysmap;
use crate::sys::progstats;
use crate::Ctx;

/// The exposition's content type (text format 0.0.4).
const TEXT_FORMAT: &str = "text/plain; version=0.0.4";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9442";
pub const DEFAULT_MAX_SERIES: u64 = 10_000;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to serve /metrics and /healthz on (loopback by default: see
    /// docs/SECURITY.md)
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// TOML file exporting any map as metrics (docs/MONITORING.md)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep BPF run statistics on while the exporter runs (a BPF_ENABLE_STATS fd; off again
    /// when it exits, even if killed)
    #[arg(long)]
    pub enable_stats: bool,
    /// At most this many samples per scrape; the rest is dropped and counted in
    /// x0bpf_exporter_series_dropped_total
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SERIES,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_series: u64,
    /// Capabilities kept after setup (comma-separated; `none`: keep none) [default: CAP_BPF,CAP_PERFMON,CAP_SYS_ADMIN]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub keep_caps: Option<Vec<String>>,
    /// Count the elements of hash maps up to this max_entries for x0bpf_bpf_map_entries (0: never)
    #[arg(long, value_name = "N", default_value_t = 65536)]
    pub max_fill_entries: u32,
}

/// Capabilities kept by default: CAP_SYS_ADMIN because listing every program and map
/// (BPF_*_GET_NEXT_ID, GET_FD_BY_ID) needs it (docs/MONITORING.md, Privileges).
const DEFAULT_KEEP: [&str; 3] = ["CAP_BPF", "CAP_PERFMON", "CAP_SYS_ADMIN"];

type Labels = Vec<(String, String)>;

/// One series: its label pairs as the exposition writes them (`a="x",b="y"`, escaped), and its
/// value.
struct Series {
    labels: String,
    value: Value,
}

enum Value {
    Plain(f64),
    /// (le, cumulative count) of each finite bucket; `count` is also the +Inf bucket.
    Hist {
        buckets: Vec<(f64, u64)>,
        count: u64,
        sum: f64,
    },
}

/// One family under construction. Series are kept with their labels already rendered and the
/// family is written as text by `write` (not through the `prometheus` crate's data model: its
/// per-series label pairs, registry sort and encoder made a 100 000-series scrape cost ~3 µs a
/// series; docs/MONITORING.md, docs/PERFORMANCE.md).
struct Family {
    name: String,
    help: String,
    kind: Kind,
    series: Vec<Series>,
    /// Where each label set is in `series`: two rows that decode to the same labels (e.g.
    /// two EtherTypes both named "other") are one series, summed — a duplicate series is an
    /// invalid exposition.
    index: std::collections::HashMap<String, usize>,
}

/// Label pairs rendered for the exposition.
fn render(labels: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in labels {
        mexport::push_label(&mut out, k, v);
    }
    out
}

fn l(pairs: &[(&str, String)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

impl Family {
    fn new(name: &str, help: &str, kind: Kind) -> Family {
        Family {
            name: name.into(),
            help: help.into(),
            kind,
            series: Vec::new(),
            index: std::collections::HashMap::new(),
        }
    }

    fn value(&mut self, labels: &[(String, String)], v: f64) {
        let labels = render(labels);
        if let Some(&i) = self.index.get(&labels) {
            if let Value::Plain(x) = &mut self.series[i].value {
                *x += v;
            }
            return;
        }
        self.index.insert(labels.clone(), self.series.len());
        self.series.push(Series {
            labels,
            value: Value::Plain(v),
        });
    }

    /// A histogram from log2 slots (see `log2_le`); `per` slot units make one exported unit
    /// (1e9 for nanoseconds to seconds). Dividing, not multiplying by 1e-9, keeps the edges
    /// the shortest decimals (15 / 1e6 is 0.000015; 15 * 1e-6 is 0.000014999999999999999).
    fn log2_hist(&mut self, labels: String, slots: &[u64], sum: f64, per: f64) {
        let mut buckets = Vec::with_capacity(slots.len());
        let mut cum = 0u64;
        let last = slots.len().saturating_sub(1);
        for (i, c) in slots.iter().enumerate() {
            cum = cum.saturating_add(*c);
            // The last slot holds everything above: it is only in +Inf.
            if i < last {
                buckets.push((log2_le(i) / per, cum));
            }
        }
        self.series.push(Series {
            labels,
            value: Value::Hist {
                buckets,
                count: cum,
                sum,
            },
        });
    }

    /// Samples a series writes: buckets, +Inf, _sum, _count for a histogram.
    fn samples(s: &Series) -> usize {
        match &s.value {
            Value::Hist { buckets, .. } => buckets.len() + 3,
            Value::Plain(_) => 1,
        }
    }

    /// The text exposition (format 0.0.4) of this family; nothing when it has no series.
    fn write(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        if self.series.is_empty() {
            return;
        }
        let kind = match self.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let mut help = String::with_capacity(self.help.len());
        mexport::push_escaped(&mut help, &self.help, false);
        let _ = write!(out, "# HELP {n} {help}\n# TYPE {n} {kind}\n", n = self.name);
        let name = self.name.as_bytes();
        // name, suffix, labels (plus one more pair), value
        let line = |out: &mut Vec<u8>, suffix: &str, labels: &str, le: Option<&str>, v: f64| {
            out.extend_from_slice(name);
            out.extend_from_slice(suffix.as_bytes());
            if !labels.is_empty() || le.is_some() {
                out.push(b'{');
                out.extend_from_slice(labels.as_bytes());
                if let Some(le) = le {
                    if !labels.is_empty() {
                        out.push(b',');
                    }
                    out.extend_from_slice(b"le=\"");
                    out.extend_from_slice(le.as_bytes());
                    out.push(b'"');
                }
                out.push(b'}');
            }
            out.push(b' ');
            push_number(out, v);
            out.push(b'\n');
        };
        for s in &self.series {
            match &s.value {
                Value::Plain(v) => line(out, "", &s.labels, None, *v),
                Value::Hist {
                    buckets,
                    count,
                    sum,
                } => {
                    for (le, c) in buckets.iter().filter(|(le, _)| le.is_finite()) {
                        line(out, "_bucket", &s.labels, Some(&le.to_string()), *c as f64);
                    }
                    line(out, "_bucket", &s.labels, Some("+Inf"), *count as f64);
                    line(out, "_sum", &s.labels, None, *sum);
                    line(out, "_count", &s.labels, None, *count as f64);
                }
            }
        }
    }
}

/// A sample value as Prometheus reads it: integers without a fraction (the common case,
/// written without float formatting), `+Inf`/`-Inf`/`NaN`, else the shortest decimal that
/// reads back as the same f64 (Rust's `Display`, what the `prometheus` crate wrote too).
fn push_number(out: &mut Vec<u8>, v: f64) {
    use std::io::Write;
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        if v < 0.0 {
            out.push(b'-');
        }
        out.extend_from_slice(mexport::decimal(&mut [0; 20], v.abs() as u64));
    } else {
        let _ = write!(out, "{v}");
    }
}

/// The inclusive upper edge of log2 slot `i` in the slot's unit: slot `i` counts integer values
/// in `[2^i, 2^(i+1))` (slot 0 also 0), so every value it holds is `<= 2^(i+1) - 1`, and a value
/// of exactly `2^(i+1)` is in slot `i+1`, past that edge.
pub fn log2_le(i: usize) -> f64 {
    if i >= 63 {
        return f64::INFINITY;
    }
    ((1u64 << (i + 1)) - 1) as f64
}

/// Nanoseconds per second.
const NS: f64 = 1e9;

pub struct Exporter {
    ctx: Ctx,
    /// x0bpf's pin directory, resolved once at start (the store is not held: holding its lock
    /// would block every attach and detach).
    base: PathBuf,
    config: Vec<mexport::Metric>,
    max_series: usize,
    max_fill: u32,
    dropped: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    drop_reasons: Option<BTreeMap<u64, String>>,
    /// This process holds a BPF_ENABLE_STATS fd. The sysctl reads back what was last written
    /// to it, not whether an fd keeps statistics on, so it cannot tell.
    stats_held: bool,
    /// Tells whether statistics are on whoever holds them (another process's stats fd too);
    /// None when it could not be loaded (the sysctl is then the only other witness).
    stats_probe: Option<progstats::StatsProbe>,
}

impl Exporter {
    fn error(&self, source: &str, e: impl std::fmt::Display) {
        if self.ctx.verbose {
            eprintln!("x0bpf: exporter: {source}: {e}");
        }
        let mut m = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry(source.to_string()).or_default() += 1;
    }

    /// Every family of one scrape, in the order the series limit fills them.
    fn scrape(&self) -> Vec<Family> {
        let t0 = Instant::now();
        let mut fams: Vec<Family> = Vec::new();
        self.embedded(&mut fams);
        self.configured(&mut fams);
        self.host(&mut fams);
        // The series limit: whole series (a histogram with its buckets) in order, up to the
        // first that does not fit.
        let mut budget = self.max_series;
        let mut dropped = 0u64;
        for f in fams.iter_mut() {
            let mut keep = f.series.len();
            for (i, s) in f.series.iter().enumerate() {
                let n = Family::samples(s);
                if n <= budget {
                    budget -= n;
                } else {
                    keep = i;
                    budget = 0;
                    break;
                }
            }
            dropped += f.series[keep..]
                .iter()
                .map(|s| Family::samples(s) as u64)
                .sum::<u64>();
            f.series.truncate(keep);
        }
        let total_dropped = self.dropped.fetch_add(dropped, Ordering::Relaxed) + dropped;
        let mut own = Vec::new();
        let mut f = Family::new(
            "x0bpf_exporter_series_dropped_total",
            "Samples left out of scrapes by --max-series, since start",
            Kind::Counter,
        );
        f.value(&[], total_dropped as f64);
        own.push(f);
        let mut f = Family::new(
            "x0bpf_exporter_max_series",
            "The --max-series limit",
            Kind::Gauge,
        );
        f.value(&[], self.max_series as f64);
        own.push(f);
        let mut f = Family::new(
            "x0bpf_exporter_scrape_errors_total",
            "Sources left out of a scrape because reading them failed, since start",
            Kind::Counter,
        );
        {
            let errs = self.errors.lock().unwrap_or_else(|p| p.into_inner());
            for (s, n) in errs.iter() {
                f.value(&l(&[("source", s.clone())]), *n as f64);
            }
        }
        own.push(f);
        let mut f = Family::new(
            "x0bpf_exporter_scrape_duration_seconds",
            "Seconds this scrape took to read the kernel and build its series (up to writing the text; HTTP not included)",
            Kind::Gauge,
        );
        f.value(&[], t0.elapsed().as_secs_f64());
        own.push(f);
        own.into_iter().chain(fams).collect()
    }

    /// One scrape as the text exposition: families sorted by name, as the `prometheus`
    /// crate's registry wrote them.
    pub fn exposition(&self) -> Vec<u8> {
        let mut fams = self.scrape();
        fams.sort_by(|a, b| a.name.cmp(&b.name));
        let lines: usize = fams
            .iter()
            .flat_map(|f| f.series.iter())
            .map(Family::samples)
            .sum();
        let mut out = Vec::with_capacity(4096 + lines * 96);
        for f in &fams {
            f.write(&mut out);
        }
        out
    }

    /// Names of the objects in x0bpf's store (real directories only, never symlinks).
    fn objects(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.base)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('_') && store::check_name("object", n).is_ok())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn embedded(&self, fams: &mut Vec<Family>) {
        let mut xp = Family::new(
            "x0bpf_xdp_packets_total",
            "Packets xdp_counter saw, per interface and protocol",
            Kind::Counter,
        );
        let mut xb = Family::new(
            "x0bpf_xdp_bytes_total",
            "Bytes xdp_counter saw, per interface and protocol",
            Kind::Counter,
        );
        let mut tp = Family::new(
            "x0bpf_tc_packets_total",
            "Packets tc_classifier saw",
            Kind::Counter,
        );
        let mut tb = Family::new(
            "x0bpf_tc_bytes_total",
            "Bytes tc_classifier saw",
            Kind::Counter,
        );
        let mut tfc = Family::new(
            "x0bpf_tc_flows_created_total",
            "Flows tc_classifier created",
            Kind::Counter,
        );
        let mut tu = Family::new(
            "x0bpf_tc_unparsed_packets_total",
            "Packets tc_classifier could not parse",
            Kind::Counter,
        );
        let mut tf = Family::new(
            "x0bpf_tc_flows",
            "Flows in tc_classifier's LRU table now",
            Kind::Gauge,
        );
        let mut trtt = Family::new(
            "x0bpf_tc_handshake_rtt_seconds",
            "TCP handshake round trips of the flows present (log2 buckets)",
            Kind::Histogram,
        );
        let mut sl = Family::new(
            "x0bpf_syscall_latency_seconds",
            "Syscall latency per syscall (log2 buckets; _count is the number of calls)",
            Kind::Histogram,
        );
        let mut se = Family::new(
            "x0bpf_syscall_errors_total",
            "Syscalls that returned an error",
            Kind::Counter,
        );
        let mut nd = Family::new(
            "x0bpf_net_drops_total",
            "Packets the kernel dropped, per drop reason (net_events)",
            Kind::Counter,
        );
        let mut nl = Family::new(
            "x0bpf_net_events_lost_total",
            "net_events records the ring buffer could not take",
            Kind::Counter,
        );
        for object in self.objects() {
            let dir = self.base.join(&object);
            let has = |m: &str| {
                std::fs::symlink_metadata(dir.join("maps").join(m)).is_ok_and(|t| !t.is_symlink())
            };
            let open = |m: &str| MapHandle::from_pinned_path(dir.join("maps").join(m));
            let ob = || vec![("object".to_string(), object.clone())];
            let res: anyhow::Result<()> = (|| {
                if has("counts") && has("other_counts") {
                    let (c, o) = (open("counts")?, open("other_counts")?);
                    if let StatsReport::XdpCounter {
                        protocols, runts, ..
                    } = read_xdp(
                        &object,
                        &c,
                        &o,
                        None,
                        // Names from the namespace each attachment lives in (its records).
                        &super::stats::Places::of_links(&dir.join("links")),
                    )? {
                        for p in protocols {
                            let labels = l(&[
                                ("object", object.clone()),
                                ("ifindex", p.ifindex.to_string()),
                                ("interface", p.interface.unwrap_or_default()),
                                ("netns", p.netns.map(|n| n.to_string()).unwrap_or_default()),
                                ("protocol", p.protocol),
                                ("l4", p.l4.unwrap_or_default()),
                                ("vlan_depth", p.vlan_depth.to_string()),
                            ]);
                            xp.value(&labels, p.packets as f64);
                            xb.value(&labels, p.bytes as f64);
                        }
                        // Runts are totals over the interfaces: one series per object.
                        if runts.packets > 0 {
                            let labels = l(&[
                                ("object", object.clone()),
                                ("ifindex", String::new()),
                                ("interface", String::new()),
                                ("netns", String::new()),
                                ("protocol", "runt".into()),
                                ("l4", String::new()),
                                ("vlan_depth", "0".into()),
                            ]);
                            xp.value(&labels, runts.packets as f64);
                            xb.value(&labels, runts.bytes as f64);
                        }
                    }
                } else if has("flows") && has("totals") {
                    let (m, t) = (open("flows")?, open("totals")?);
                    if m.value_size() as usize
                        != std::mem::size_of::<crate::skel::tc_classifier::types::flow_stats>()
                    {
                        return Err(anyhow::anyhow!("{object} was loaded by an older x0bpf"));
                    }
                    let t = tc_totals(&t)?;
                    let r = tc_rtt_summary(&m)?;
                    tp.value(&ob(), t.packets as f64);
                    tb.value(&ob(), t.bytes as f64);
                    tfc.value(&ob(), t.flows_created as f64);
                    tu.value(&ob(), t.unparsed as f64);
                    tf.value(&ob(), r.flows as f64);
                    trtt.log2_hist(render(&ob()), &r.rtt_slots, r.rtt_sum_ns as f64 / NS, NS);
                } else if has("stats") && has("start") {
                    let m = open("stats")?;
                    if m.value_size() as usize
                        != std::mem::size_of::<crate::skel::syscall_latency::types::syscall_stats>()
                    {
                        return Err(anyhow::anyhow!("{object} was loaded by an older x0bpf"));
                    }
                    for s in read_syscalls(&m)? {
                        let labels = l(&[("object", object.clone()), ("syscall", s.name.clone())]);
                        let mut slots = vec![0u64; 32];
                        for b in &s.histogram {
                            slots[slot_of(b.low_ns).min(31)] += b.count;
                        }
                        sl.log2_hist(render(&labels), &slots, s.total_ns as f64 / NS, NS);
                        se.value(&labels, s.errors as f64);
                    }
                } else if has("drop_reasons") && has("lost") {
                    let d = open("drop_reasons")?;
                    let all = snapshot(&d)?;
                    for i in 0..all.len {
                        let r = u32::from_ne_bytes(all.key(i).try_into().unwrap_or([0; 4]));
                        let n: u64 =
                            entry_sum(&all, i, |a: &mut u64, v: u64| *a = a.wrapping_add(v));
                        if n == 0 {
                            continue;
                        }
                        let name = self
                            .drop_reasons
                            .as_ref()
                            .and_then(|m| m.get(&(r as u64)))
                            .map(|n| n.trim_start_matches("SKB_DROP_REASON_").to_string())
                            .unwrap_or_else(|| format!("reason-{r}"));
                        nd.value(
                            &l(&[("object", object.clone()), ("reason", name)]),
                            n as f64,
                        );
                    }
                    let lost = open("lost")?;
                    let all = snapshot(&lost)?;
                    let mut n = 0u64;
                    for i in 0..all.len {
                        n = n.wrapping_add(entry_sum(&all, i, |a: &mut u64, v: u64| {
                            *a = a.wrapping_add(v)
                        }));
                    }
                    nl.value(&ob(), n as f64);
                }
                Ok(())
            })();
            if let Err(e) = res {
                self.error(&format!("object {object}"), e);
            }
        }
        fams.extend([xp, xb, tp, tb, tfc, tu, tf, trtt, sl, se, nd, nl]);
    }

    fn configured(&self, fams: &mut Vec<Family>) {
        for c in &self.config {
            let mut f = Family::new(&c.name, &c.help, c.kind);
            match c.read() {
                // Label sets are distinct already (read sums equal ones): no index needed.
                Ok(Samples::Plain(v)) => {
                    f.series = v
                        .into_iter()
                        .map(|(labels, x)| Series {
                            labels,
                            value: Value::Plain(x),
                        })
                        .collect();
                }
                Ok(Samples::Hist(v)) => {
                    for (labels, slots, sum) in v {
                        // Up to the highest non-empty slot, plus one so the last real bucket
                        // is not the catch-all.
                        let top = slots.iter().rposition(|c| *c > 0).map_or(1, |i| i + 2);
                        let s = &slots[..top.min(slots.len())];
                        f.log2_hist(labels, s, sum, c.per());
                    }
                }
                Err(e) => self.error(&format!("config {}", c.name), e),
            }
            fams.push(f);
        }
    }

    fn host(&self, fams: &mut Vec<Family>) {
        let stats_on = self.stats_held
            || self
                .stats_probe
                .as_ref()
                .is_some_and(|p| p.on().unwrap_or(false))
            || std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled")
                .map(|s| s.trim() == "1")
                .unwrap_or(false);
        let mut en = Family::new(
            "x0bpf_bpf_stats_enabled",
            "1 when the kernel keeps BPF run statistics (sysctl, or any process's BPF_ENABLE_STATS fd)",
            Kind::Gauge,
        );
        en.value(&[], if stats_on { 1.0 } else { 0.0 });
        let mut rc = Family::new(
            "x0bpf_bpf_prog_run_count_total",
            "Runs of each BPF program while statistics were enabled",
            Kind::Counter,
        );
        let mut rt = Family::new(
            "x0bpf_bpf_prog_run_time_seconds_total",
            "CPU seconds each BPF program ran while statistics were enabled",
            Kind::Counter,
        );
        for id in bpf::all_ids(ObjKind::Prog) {
            let Ok(fd) = bpf::fd_by_id(ObjKind::Prog, id) else {
                continue; // gone since the listing
            };
            // One syscall per program (no map ids, no sysctl read): this runs every scrape.
            let Ok(p) = progstats::stat_of(fd.as_fd()) else {
                continue;
            };
            // Zero counters while statistics are off mean "not counted", not "never ran": such
            // a program is left out (with our own stats fd or the sysctl on, zero is the answer).
            if p.run_cnt == 0 && p.run_time_ns == 0 && !stats_on {
                continue;
            }
            let labels = l(&[
                ("id", p.id.to_string()),
                ("name", p.name),
                ("type", p.prog_type),
                ("tag", p.tag.iter().map(|b| format!("{b:02x}")).collect()),
            ]);
            let (n, t) = (p.run_cnt, p.run_time_ns);
            rc.value(&labels, n as f64);
            rt.value(&labels, t as f64 / NS);
        }
        let mut me = Family::new(
            "x0bpf_bpf_map_max_entries",
            "max_entries of each BPF map",
            Kind::Gauge,
        );
        let mut ne = Family::new(
            "x0bpf_bpf_map_entries",
            "Elements in each hash map (counted by batch lookup; see --max-fill-entries)",
            Kind::Gauge,
        );
        for id in bpf::all_ids(ObjKind::Map) {
            let Ok(fd) = bpf::fd_by_id(ObjKind::Map, id) else {
                continue;
            };
            let Ok(info) = sysmap::info(fd.as_fd()) else {
                continue;
            };
            let labels = l(&[
                ("id", info.id.to_string()),
                ("name", info.name.clone()),
                ("type", crate::obj::names::map_type_name(info.map_type)),
            ]);
            me.value(&labels, info.max_entries as f64);
            let hash = matches!(
                info.map_type,
                sysmap::HASH | sysmap::PERCPU_HASH | sysmap::LRU_HASH | sysmap::LRU_PERCPU_HASH
            );
            // Counting copies every element out: skip maps whose elements are large enough
            // that a full one would take more than 64 MiB to read.
            let bytes = info.max_entries as u64 * (info.key_size as u64 + info.value_size as u64);
            if hash && info.max_entries <= self.max_fill && bytes <= 64 << 20 {
                match count(&fd) {
                    Ok(n) => ne.value(&labels, n as f64),
                    Err(e) => self.error("map entries", e),
                }
            }
        }
        fams.extend([en, rc, rt, me, ne]);
    }
}

fn count(fd: &OwnedFd) -> std::io::Result<usize> {
    crate::maps::batch::read_all(fd.as_fd()).map(|e| e.len)
}

/// The log2 slot whose lower edge is `low` (`obj::hist::slot_range`).
fn slot_of(low: u64) -> usize {
    if low == 0 {
        0
    } else {
        low.trailing_zeros() as usize
    }
}

/// The capabilities to keep, from --keep-caps (names checked) or the default.
fn keep_list(a: &Option<Vec<String>>) -> Result<Vec<u32>, X0Error> {
    let names: Vec<String> = match a {
        // Keeping nothing is a choice to spell out, never what a stray comma means.
        Some(v) if v.len() == 1 && v[0].trim().eq_ignore_ascii_case("none") => Vec::new(),
        Some(v) => {
            if v.iter().any(|s| s.trim().is_empty()) {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("--keep-caps {:?}: an empty capability name", v.join(",")),
                )
                .hint("list names separated by single commas (CAP_BPF,CAP_PERFMON), or `none` to keep none"));
            }
            v.iter().map(|s| s.trim().to_string()).collect()
        }
        None => DEFAULT_KEEP.iter().map(|s| s.to_string()).collect(),
    };
    names
        .iter()
        .map(|n| {
            crate::sys::caps::by_name(n).ok_or_else(|| {
                X0Error::new(
                    ErrorKind::Usage,
                    format!("--keep-caps: unknown capability {n:?}"),
                )
                .hint("known: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN, CAP_NET_ADMIN")
            })
        })
        .collect()
}

/// Set up everything that needs privilege, then serve until SIGTERM/SIGINT.
pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    let keep = keep_list(&args.keep_caps)?;
    crate::sys::caps::require_bpf("the exporter")?;
    // The store may move this process out of a private mount namespace: before any thread.
    let base = {
        let s = Store::open(ctx, Access::Read)?;
        s.base.clone()
    };
    let config = match &args.config {
        Some(p) => mexport::load(ctx, p)?,
        None => Vec::new(),
    };
    let stats_fd = if args.enable_stats {
        Some(progstats::enable()?)
    } else {
        None
    };
    // Loaded before capabilities are dropped; without it the gauge falls back to the sysctl.
    let stats_probe = match progstats::StatsProbe::new() {
        Ok(p) => Some(p),
        Err(e) => {
            if ctx.verbose {
                eprintln!("x0bpf: exporter: statistics probe: {e}");
            }
            None
        }
    };
    let drop_reasons = crate::probe::kernel_enum("skb_drop_reason")
        .map(|v| v.into_iter().map(|(n, s)| (n as u64, s)).collect());
    let listener = std::net::TcpListener::bind(args.listen).map_err(|e| {
        X0Error::new(
            if e.kind() == std::io::ErrorKind::AddrInUse {
                ErrorKind::Conflict
            } else {
                ErrorKind::Usage
            },
            format!("cannot listen on {}: {e}", args.listen),
        )
        .hint("pick another address with --listen ADDR:PORT")
    })?;
    // Non-blocking: the accept loop checks for SIGTERM/SIGINT between connections.
    listener
        .set_nonblocking(true)
        .map_err(|e| X0Error::os("listening socket", &e))?;
    crate::stream::install_stop_signals();
    crate::sys::caps::keep_only(&keep).map_err(|e| X0Error::os("dropping capabilities", &e))?;
    let exporter = Exporter {
        ctx: ctx.clone(),
        base,
        config,
        max_series: args.max_series as usize,
        max_fill: args.max_fill_entries,
        dropped: AtomicU64::new(0),
        errors: Mutex::new(BTreeMap::new()),
        drop_reasons,
        stats_held: stats_fd.is_some(),
        stats_probe,
    };
    eprintln!(
        "x0bpf: exporter listening on http://{}/metrics{}",
        listener
            .local_addr()
            .map_or_else(|_| args.listen.to_string(), |a| a.to_string()),
        if stats_fd.is_some() {
            " (BPF run statistics on)"
        } else {
            ""
        }
    );
    serve(listener, exporter);
    drop(stats_fd);
    Ok(0)
}

/// Connections handled at once. Past it, one connection is closed to make room: the oldest
/// that has already been answered (it is only lingering), else the oldest still sending its
/// request head or taking its answer (a scraper sends its request at once and reads at once;
/// idle, slowloris and never-reading clients are what waits). A connection whose scrape is
/// being built is never closed for room. When none can be closed, the newcomer is.
pub const MAX_CONNECTIONS: usize = 32;
/// Threads past MAX_CONNECTIONS: connections closed for room whose threads are still ending.
/// The accept loop waits for them rather than letting a flood outrun their exits.
const SPARE_THREADS: usize = 4;
/// Every connection is closed at most this long after it was accepted, whatever it does
/// (one deadline for head, answer and linger: a client cannot extend it by trickling bytes).
const CONNECTION_DEADLINE: Duration = Duration::from_secs(10);
/// The request head must be whole within this time of the accept (inside the deadline), and
/// at most MAX_HEAD bytes, blank line included.
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
const MAX_HEAD: usize = 8192;
/// After the answer, what the client still sends is read for at most this long (and 64 KiB)
/// so that closing does not reset the connection before the client read the answer.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 65536;

/// Where a connection is; all but `Answer` may be closed to make room.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Head,
    Answer,
    Write,
    Linger,
}

/// State shared by the accept loop and the connection threads.
struct Http {
    exporter: Exporter,
    /// One scrape at a time; the last exposition built and when it was started. Requests that
    /// waited while it was built after they arrived take it as theirs: a crowd of concurrent
    /// requests (scrapers, or clients that never read their answer) costs one build, so
    /// connections do not sit for long in `Answer`, the one phase never closed for room.
    scrape: Mutex<Option<(Instant, std::sync::Arc<Vec<u8>>)>>,
    active: std::sync::atomic::AtomicUsize,
    /// Open connections (a clone of each socket, to close it from the accept loop), by id:
    /// ids grow with accept order, so the first of a phase is its oldest.
    conns: Mutex<BTreeMap<u64, (Phase, std::net::TcpStream)>>,
}

impl Http {
    fn conns(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, (Phase, std::net::TcpStream)>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_phase(&self, id: u64, phase: Phase) {
        if let Some(c) = self.conns().get_mut(&id) {
            c.0 = phase;
        }
    }

    /// Close one connection to make room (see MAX_CONNECTIONS); false when none may be closed.
    /// Its thread then sees end of file or a write error and ends.
    fn evict(&self) -> bool {
        let mut conns = self.conns();
        let pick = conns
            .iter()
            .find(|(_, (p, _))| *p == Phase::Linger)
            .or_else(|| conns.iter().find(|(_, (p, _))| *p != Phase::Answer))
            .map(|(id, _)| *id);
        match pick.and_then(|id| conns.remove(&id)) {
            Some((_, s)) => {
                let _ = s.shutdown(std::net::Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

/// Ends a connection's accounting even if its thread panics.
struct Slot<'a>(&'a Http, u64);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.conns().remove(&self.1);
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Accept until SIGTERM/SIGINT. Errors accepting (EMFILE when every descriptor is taken,
/// ECONNABORTED...) are waited out, never fatal: the exporter must answer again once the
/// flood ends.
fn serve(listener: std::net::TcpListener, exporter: Exporter) {
    let http = std::sync::Arc::new(Http {
        exporter,
        scrape: Mutex::new(None),
        active: std::sync::atomic::AtomicUsize::new(0),
        conns: Mutex::new(BTreeMap::new()),
    });
    let mut next = 0u64;
    while !crate::stream::stopped() {
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => {
                // Out of descriptors: a connection that can wait gives its own back.
                if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) {
                    http.evict();
                }
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let deadline = Instant::now() + CONNECTION_DEADLINE;
        // Every slot building an answer (none to close): the newcomer is dropped.
        if http.active.load(Ordering::Relaxed) >= MAX_CONNECTIONS && !http.evict() {
            continue;
        }
        // Closed connections' threads end within moments; a flood must not pile up threads
        // faster than that.
        let wait_until = Instant::now() + Duration::from_millis(200);
        while http.active.load(Ordering::Relaxed) >= MAX_CONNECTIONS + SPARE_THREADS
            && Instant::now() < wait_until
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        if http.active.load(Ordering::Relaxed) >= MAX_CONNECTIONS + SPARE_THREADS {
            continue;
        }
        next += 1;
        let id = next;
        if stream.set_nonblocking(false).is_err() {
            continue;
        }
        http.active.fetch_add(1, Ordering::Relaxed);
        match stream.try_clone() {
            Ok(clone) => {
                http.conns().insert(id, (Phase::Head, clone));
            }
            // Out of descriptors: serve this one anyway (its deadline still holds), and free
            // some for the next.
            Err(_) => {
                http.evict();
            }
        }
        let h = http.clone();
        let spawned = std::thread::Builder::new()
            .name("x0bpf-http".into())
            .stack_size(1 << 20)
            .spawn(move || {
                let slot = Slot(&h, id);
                connection(slot.0, id, stream, deadline);
            });
        if spawned.is_err() {
            drop(Slot(&http, id));
        }
    }
}

/// Time left before `until`, None once it has passed (a zero socket timeout would mean "none").
fn left(until: Instant) -> Option<Duration> {
    until
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Read one request, answer it, close (`Connection: close`: no keep-alive or pipelining to
/// track), all before `deadline`.
fn connection(http: &Http, id: u64, mut s: std::net::TcpStream, deadline: Instant) {
    use std::io::Read;
    let head_until = deadline.min(Instant::now() + HEAD_DEADLINE);
    // Never more than MAX_HEAD bytes buffered: a head that is not whole within them is too
    // large, however the client split it.
    let mut buf = vec![0u8; MAX_HEAD];
    let mut len = 0;
    let (status, body, head_only) = loop {
        let Some(t) = left(head_until) else {
            return;
        };
        if s.set_read_timeout(Some(t)).is_err() {
            return;
        }
        let n = match s.read(&mut buf[len..]) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        len += n;
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf[..len]) {
            Ok(httparse::Status::Complete(_)) => {
                let method = req.method.unwrap_or("");
                let path = req.path.unwrap_or("").split('?').next().unwrap_or("");
                http.set_phase(id, Phase::Answer);
                break answer(http, method, path, deadline);
            }
            Ok(httparse::Status::Partial) if len < MAX_HEAD => continue,
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                break (431, text("request head too large\n"), false)
            }
            Err(_) => break (400, text("bad request\n"), false),
        }
    };
    http.set_phase(id, Phase::Write);
    let (ctype, body) = body;
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n",
        body.len(),
        if status == 405 { "Allow: GET, HEAD\r\n" } else { "" }
    );
    let parts: [&[u8]; 2] = [head.as_bytes(), if head_only { &[] } else { &body }];
    for part in parts {
        let mut done = 0;
        while done < part.len() {
            // Given up with the answer unsent: a reset, so the kernel does not keep
            // delivering it (up to a megabyte per client) after the deadline.
            let Some(t) = left(deadline) else {
                crate::sys::reset_on_close(&s);
                return;
            };
            if s.set_write_timeout(Some(t)).is_err() {
                crate::sys::reset_on_close(&s);
                return;
            }
            match std::io::Write::write(&mut s, &part[done..]) {
                Ok(0) | Err(_) => {
                    crate::sys::reset_on_close(&s);
                    return;
                }
                Ok(n) => done += n,
            }
        }
    }
    drop(body);
    http.set_phase(id, Phase::Linger);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let until = deadline.min(Instant::now() + LINGER);
    let mut chunk = [0u8; 2048];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        let Some(t) = left(until) else {
            break;
        };
        if s.set_read_timeout(Some(t)).is_err() {
            break;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

type Body = (&'static str, Vec<u8>);

fn text(s: &str) -> Body {
    ("text/plain; charset=utf-8", s.as_bytes().to_vec())
}

/// Status, body and whether only the head is sent, for one request.
fn answer(http: &Http, method: &str, path: &str, deadline: Instant) -> (u16, Body, bool) {
    let get = matches!(method, "GET" | "HEAD");
    let head_only = method == "HEAD";
    match (path, get) {
        ("/metrics", true) => {
            let asked = Instant::now();
            let buf = {
                let mut last = http.scrape.lock().unwrap_or_else(|p| p.into_inner());
                match &*last {
                    // Built from reads that started after this request arrived: as fresh as
                    // a build of its own.
                    Some((started, body)) if *started >= asked => body.to_vec(),
                    _ => {
                        // Its deadline passed while other scrapes ran: nothing could be sent,
                        // so do not build one (the writer below sees the deadline and closes).
                        if left(deadline).is_none() {
                            return (503, text("deadline passed\n"), false);
                        }
                        let started = Instant::now();
                        let body = std::sync::Arc::new(http.exporter.exposition());
                        *last = Some((started, body.clone()));
                        body.to_vec()
                    }
                }
            };
            (200, (TEXT_FORMAT, buf), head_only)
        }
        ("/healthz", true) => (200, text("ok\n"), head_only),
        ("/metrics" | "/healthz", false) => (405, text("method not allowed\n"), false),
        _ => (404, text("not found: try /metrics\n"), head_only),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_edges_are_inclusive_upper_bounds() {
        // slot 0 holds 0 and 1; slot 1 holds 2 and 3; slot 9 holds 512..1023.
        assert_eq!(log2_le(0), 1.0);
        assert_eq!(log2_le(1), 3.0);
        assert_eq!(log2_le(9), 1023.0);
        assert_eq!(log2_le(30), 2147483647.0);
        assert_eq!(log2_le(63), f64::INFINITY);
        // Every value lands under its own slot's edge and above the previous slot's.
        for v in [0u64, 1, 2, 3, 4, 7, 8, 1023, 1024, 1025, (1 << 31) - 1] {
            let slot = if v < 2 {
                0
            } else {
                63 - v.leading_zeros() as usize
            };
            let (low, high) = crate::obj::hist::slot_range(slot);
            assert!(low <= v && v < high, "{v} not in slot {slot}");
            assert!(v as f64 <= log2_le(slot), "{v} above slot {slot}'s le");
            if slot > 0 {
                assert!(
                    v as f64 > log2_le(slot - 1),
                    "{v} under slot {}'s le",
                    slot - 1
                );
            }
        }
        // slot_of inverts slot_range's lower edge.
        for i in 0..32 {
            assert_eq!(slot_of(crate::obj::hist::slot_range(i).0), i);
        }
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_last_slot_only_in_inf() {
        let mut f = Family::new("x", "x", Kind::Histogram);
        f.log2_hist(render(&l(&[("a", "b".into())])), &[1, 0, 2, 5], 1.5, NS);
        let Value::Hist {
            buckets,
            count,
            sum,
        } = &f.series[0].value
        else {
            panic!("not a histogram")
        };
        assert_eq!(buckets, &vec![(1e-9, 1), (3e-9, 1), (7e-9, 3)]);
        assert_eq!((*count, *sum), (8, 1.5));
        let mut out = Vec::new();
        f.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# HELP x x\n# TYPE x histogram\n\
             x_bucket{a=\"b\",le=\"0.000000001\"} 1\n\
             x_bucket{a=\"b\",le=\"0.000000003\"} 1\n\
             x_bucket{a=\"b\",le=\"0.000000007\"} 3\n\
             x_bucket{a=\"b\",le=\"+Inf\"} 8\n\
             x_sum{a=\"b\"} 1.5\n\
             x_count{a=\"b\"} 8\n"
        );
    }

    #[test]
    fn equal_label_sets_are_one_series() {
        let mut f = Family::new("x", "x", Kind::Counter);
        let a = l(&[("protocol", "other".to_string())]);
        f.value(&a, 2.0);
        f.value(&l(&[("protocol", "arp".to_string())]), 1.0);
        f.value(&a, 3.0);
        assert_eq!(f.series.len(), 2);
        assert!(matches!(f.series[0].value, Value::Plain(v) if v == 5.0));
    }

    #[test]
    fn text_is_escaped_and_numbers_are_prometheus_numbers() {
        let mut f = Family::new("x_total", "a \\ help\nline \"q\"", Kind::Counter);
        f.value(&l(&[("i", "a\"b\\c\nd".into()), ("j", String::new())]), 3.0);
        f.value(&[], 0.25);
        f.value(&l(&[("k", "inf".into())]), f64::INFINITY);
        f.value(&l(&[("k", "big".into())]), 1e21);
        f.value(&l(&[("k", "neg".into())]), -2.0);
        let mut out = Vec::new();
        f.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# HELP x_total a \\\\ help\\nline \"q\"\n# TYPE x_total counter\n\
             x_total{i=\"a\\\"b\\\\c\\nd\",j=\"\"} 3\n\
             x_total 0.25\n\
             x_total{k=\"inf\"} +Inf\n\
             x_total{k=\"big\"} 1000000000000000000000\n\
             x_total{k=\"neg\"} -2\n"
        );
        // A family without series writes nothing.
        let mut out = Vec::new();
        Family::new("y", "y", Kind::Gauge).write(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn keep_caps_names() {
        assert_eq!(keep_list(&None).unwrap().len(), 3);
        assert!(keep_list(&Some(vec!["CAP_NOPE".into()])).is_err());
        // Issue 18 §4: stray commas are a usage error, not "keep nothing".
        for v in [vec!["", "", ""], vec!["CAP_BPF", ""], vec![""]] {
            let v: Vec<String> = v.into_iter().map(String::from).collect();
            let e = keep_list(&Some(v)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage);
        }
        assert!(keep_list(&Some(vec!["none".into()])).unwrap().is_empty());
        assert_eq!(
            keep_list(&Some(vec!["bpf".into(), "perfmon".into()]))
                .unwrap()
                .len(),
            2
        );
    }
}
