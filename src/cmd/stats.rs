//! `x0bpf stats [NAME]`: what x0bpf's own programs counted, decoded with their C types (from
//! the generated skeletons). Per-CPU values are summed.
use std::io::{self, Write};
use std::path::Path;

use libbpf_rs::{MapCore, MapFlags, MapHandle};
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::maps::batch::Entries;
use crate::output::{table, Report};
use crate::skel::{syscall_latency, tc_classifier, xdp_counter};
use crate::store::{self, Access, Store};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Loaded object name
    #[arg(default_value = "xdp_counter", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::stats_objects))]
    pub name: String,
    /// Only this interface (xdp_counter and tc_classifier count per interface)
    #[arg(long, value_name = "IFACE")]
    pub dev: Option<String>,
    /// Print again every --interval seconds, with rates (pps, bit/s), until Ctrl-C
    #[arg(long)]
    pub watch: bool,
    /// Seconds between two --watch samples
    #[arg(long, value_name = "S", default_value_t = 1.0, requires = "watch",
          value_parser = parse_interval)]
    pub interval: f64,
}

pub(crate) fn parse_interval(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.05..=86400.0).contains(&v) {
        return Err(format!("{s}: must be between 0.05 and 86400 seconds"));
    }
    Ok(v)
}

#[derive(Serialize)]
#[serde(tag = "decoder", rename_all = "snake_case")]
pub enum StatsReport {
    XdpCounter {
        object: String,
        /// The interfaces counted (every ifindex seen, or --dev)
        interfaces: Vec<Iface>,
        protocols: Vec<ProtoRow>,
        runts: Counts,
        total: Counts,
        /// With --watch: seconds since the previous sample, and the rates over it
        #[serde(skip_serializing_if = "Option::is_none")]
        interval_s: Option<f64>,
    },
    TcClassifier {
        object: String,
        interfaces: Vec<Iface>,
        flows: Vec<FlowRow>,
        total: Counts,
        flows_created: u64,
        /// flows_created minus the flows present: LRU evictions (nothing else deletes)
        evicted: u64,
        unparsed: u64,
    },
    SyscallLatency {
        object: String,
        syscalls: Vec<SyscallRow>,
    },
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Iface {
    pub ifindex: u32,
    /// The interface's name in its own network namespace (the one the object is attached in,
    /// from its records; this one when it has no record for this ifindex); null when no such
    /// interface exists there, or when the object is attached under this ifindex in several
    /// namespaces (the counters cannot tell them apart).
    pub name: Option<String>,
    /// Inode of the interface's network namespace; null when ambiguous (see `name`).
    pub netns: Option<u64>,
    /// That namespace's `ip netns` name, if it has one.
    pub netns_name: Option<String>,
}

impl Iface {
    /// ` in netns NAME|INODE` when the interface is in another network namespace than this one.
    pub fn netns_suffix(&self) -> String {
        match self.netns {
            Some(ns) if crate::sys::ns::netns_inode().ok() != Some(ns) => format!(
                " in netns {}",
                self.netns_name.clone().unwrap_or_else(|| ns.to_string())
            ),
            _ => String::new(),
        }
    }
}

/// Where each ifindex an object counts under lives: the network namespaces of its attachment
/// records (`<kind>@<ifname>@<ifindex>@<netns>`). Counters are keyed by ifindex, which repeats
/// across namespaces, so names are resolved in the namespace the attachment lives in — never
/// in another one.
#[derive(Default, Clone)]
pub struct Places {
    /// ifindex -> (netns inode, recorded ifname)
    by_ifindex: std::collections::BTreeMap<u32, Vec<(u64, String)>>,
    cache: std::cell::RefCell<std::collections::BTreeMap<u32, Iface>>,
}

impl Places {
    /// From an object's `links/` directory.
    pub fn of_links(links: &Path) -> Places {
        let mut p = Places::default();
        for (name, _) in store::entries(links) {
            let Some(r) = crate::store::record::Record::parse(&name) else {
                continue;
            };
            if let (Some(i), Some(ns), Some(n)) = (r.ifindex, r.netns, r.ifname) {
                let v = p.by_ifindex.entry(i).or_default();
                if !v.iter().any(|(o, _)| *o == ns) {
                    v.push((ns, n));
                }
            }
        }
        p
    }

    /// The interface behind counters under `ifindex`.
    pub fn iface(&self, ifindex: u32) -> Iface {
        if let Some(i) = self.cache.borrow().get(&ifindex) {
            return i.clone();
        }
        let here = crate::sys::ns::netns_inode().ok();
        let mut cands = self.by_ifindex.get(&ifindex).cloned().unwrap_or_default();
        if cands.len() > 1 {
            // A record whose namespace is gone is stale (read commands never repair): the
            // namespaces that still exist decide, when any does.
            let live: Vec<(u64, String)> = cands
                .iter()
                .filter(|(ns, _)| crate::sys::ns::ifname_in(*ns, ifindex).is_ok())
                .cloned()
                .collect();
            if !live.is_empty() {
                cands = live;
            }
        }
        let i = match cands.as_slice() {
            // Not attached anywhere (e.g. fed by BPF_PROG_TEST_RUN): this namespace's.
            [] => Iface {
                ifindex,
                name: crate::sys::ifname(ifindex),
                netns: here,
                netns_name: here.and_then(crate::sys::ns::netns_name),
            },
            [(ns, recorded)] => Iface {
                ifindex,
                // Asked in that namespace; gone with it, the recorded name is still its own.
                name: match crate::sys::ns::ifname_in(*ns, ifindex) {
                    Ok(n) => n,
                    Err(()) => Some(recorded.clone()),
                },
                netns: Some(*ns),
                netns_name: crate::sys::ns::netns_name(*ns),
            },
            _ => Iface {
                ifindex,
                name: None,
                netns: None,
                netns_name: None,
            },
        };
        self.cache.borrow_mut().insert(ifindex, i.clone());
        i
    }
}

/// Packets and bytes: the layout of `struct counters` in xdp_counter.
#[derive(Serialize, Default, Clone, Copy)]
#[repr(C)]
pub struct Counts {
    pub packets: u64,
    pub bytes: u64,
}

#[derive(Serialize, Clone)]
pub struct ProtoRow {
    pub ifindex: u32,
    pub interface: Option<String>,
    /// Inode of the interface's network namespace (as in `interfaces[]`)
    pub netns: Option<u64>,
    /// The EtherType as a number (0x0800 is 2048), like ip_protocol; its name is `protocol`.
    pub ethertype: u16,
    pub protocol: String,
    pub ip_protocol: Option<u8>,
    /// L4 protocol name for IPv4/IPv6, or "malformed" for a truncated or invalid IP header
    pub l4: Option<String>,
    pub vlan_depth: u8,
    pub packets: u64,
    pub bytes: u64,
    /// With --watch: packets per second and bits per second since the previous sample
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bps: Option<f64>,
}

#[derive(Serialize, Clone)]
pub struct FlowRow {
    pub ifindex: u32,
    pub interface: Option<String>,
    /// Inode of the interface's network namespace (as in `interfaces[]`)
    pub netns: Option<u64>,
    /// `ipv4` or `ipv6`: an enumeration, so a string.
    pub family: String,
    pub protocol: String,
    /// This host's side (destination at ingress, source at egress)
    pub local: String,
    pub lport: u16,
    pub remote: String,
    pub rport: u16,
    /// Received (ingress) and sent (egress)
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub packets: u64,
    pub bytes: u64,
    /// TCP flags seen in either direction (names)
    pub tcp_flags: Vec<&'static str>,
    /// Last measured handshake round trip (ns), null when none was seen at this hook
    pub rtt_ns: Option<u64>,
    /// Estimated from the log2 histogram (see docs/PROGRAMS.md)
    pub rtt_p50_ns: Option<u64>,
    pub rtt_p99_ns: Option<u64>,
    pub rtt_histogram: Vec<Bucket>,
    pub gap_p50_ns: Option<u64>,
    pub gap_p99_ns: Option<u64>,
    pub gap_histogram: Vec<Bucket>,
    /// Seconds since the first and the last packet
    pub age_s: f64,
    pub idle_s: f64,
}

#[derive(Serialize)]
pub struct SyscallRow {
    pub nr: u32,
    pub name: String,
    pub count: u64,
    pub errors: u64,
    pub total_ns: u64,
    pub avg_ns: u64,
    /// Estimated from the log2 histogram (exact bucket, interpolated inside it)
    pub p50_ns: Option<u64>,
    pub p99_ns: Option<u64>,
    /// Log2 buckets: `[low_ns, high_ns)` with the count; empty buckets omitted.
    pub histogram: Vec<Bucket>,
}

pub use crate::obj::hist::{slot_range, Bucket};

/// Read a plain C value out of map bytes.
pub fn decode<T: Copy + Default>(b: &[u8]) -> T {
    if b.len() < std::mem::size_of::<T>() {
        return T::default();
    }
    // SAFETY: T is a plain #[repr(C)] skeleton type and b holds at least size_of::<T>() bytes.
    unsafe { std::ptr::read_unaligned(b.as_ptr() as *const T) }
}

fn open_map(dir: &Path, name: &str) -> Result<MapHandle, X0Error> {
    let p = dir.join("maps").join(name);
    MapHandle::from_pinned_path(&p).map_err(|e| {
        let kind = match crate::store::load::libbpf_errno(&e) {
            Some(libc::EPERM) | Some(libc::EACCES) => ErrorKind::Permission,
            _ => ErrorKind::NotFound,
        };
        X0Error::new(kind, format!("cannot open pinned map {}: {e}", p.display()))
    })
}

pub fn percpu_sum<T: Copy + Default, M: MapCore>(
    m: &M,
    key: &[u8],
    mut add: impl FnMut(&mut T, T),
) -> Result<T, X0Error> {
    let mut acc = T::default();
    let vals = m
        .lookup_percpu(key, MapFlags::ANY)
        .map_err(|e| X0Error::new(ErrorKind::Kernel, format!("map lookup: {e}")))?
        .unwrap_or_default();
    for v in vals {
        add(&mut acc, decode::<T>(&v));
    }
    Ok(acc)
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.packets = self.packets.wrapping_add(o.packets);
        self.bytes = self.bytes.wrapping_add(o.bytes);
    }
}

/// A whole map in one batch walk (no syscall per element: the exporter reads these per scrape).
pub fn snapshot<M: MapCore>(m: &M) -> Result<Entries, X0Error> {
    crate::maps::batch::read_all(m.as_fd())
        .map_err(|e| X0Error::os(format!("reading map {}", m.name().to_string_lossy()), &e))
}

/// Element `i` of a snapshot, its per-CPU copies summed with `add`.
pub fn entry_sum<T: Copy + Default>(e: &Entries, i: usize, mut add: impl FnMut(&mut T, T)) -> T {
    let mut acc = T::default();
    for v in e.cpu_values(i) {
        add(&mut acc, decode::<T>(v));
    }
    acc
}

pub fn ethertype_name(t: u16) -> &'static str {
    match t {
        0x0800 => "ipv4",
        0x86dd => "ipv6",
        0x0806 => "arp",
        0x8100 => "vlan",
        0x88a8 => "qinq",
        0x8847 => "mpls",
        0x88cc => "lldp",
        t if t < 0x0600 => "802.3",
        _ => "other",
    }
}

pub fn ip_proto_name(p: u8) -> String {
    match p {
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        58 => "icmpv6".into(),
        132 => "sctp".into(),
        n => format!("proto-{n}"),
    }
}

/// xdp_counter's fast-path classes (bpf/xdp_counter.bpf.c, `enum x0_class`):
/// (EtherType, IP protocol, malformed).
const NIDX: u32 = 16;
const MAX_FAST_IFINDEX: u32 = 64;
fn class(c: u32) -> Option<(u16, u8, bool)> {
    Some(match c {
        1 => (0x0800, 6, false),
        2 => (0x0800, 17, false),
        3 => (0x0800, 1, false),
        4 => (0x86dd, 6, false),
        5 => (0x86dd, 17, false),
        6 => (0x86dd, 58, false),
        7 => (0x0806, 0, false),
        8 => (0x0800, 0, true),
        9 => (0x86dd, 0, true),
        _ => return None,
    })
}
const CLASS_RUNT: u32 = 10;

/// The ifindex `--dev` names (resolved in this network namespace).
pub fn dev_ifindex(dev: &Option<String>) -> Result<Option<u32>, X0Error> {
    match dev {
        None => Ok(None),
        Some(d) => Ok(Some(crate::attach::resolve_iface(d)?.ifindex)),
    }
}

/// xdp_counter's maps, from a pinned object or one this process loaded.
pub fn read_xdp<M: MapCore>(
    object: &str,
    counts: &M,
    other: &M,
    dev: Option<u32>,
    places: &Places,
) -> Result<StatsReport, X0Error> {
    let mut rows: Vec<ProtoRow> = Vec::new();
    let mut total = Counts::default();
    let mut runts = Counts::default();
    let mut seen = std::collections::BTreeSet::new();
    let name_of = |i: u32| -> Iface { places.iface(i) };
    let push = |rows: &mut Vec<ProtoRow>,
                ifindex: u32,
                place: Iface,
                et: u16,
                ipp: u8,
                malformed: bool,
                vlan: u8,
                c: Counts| {
        let is_ip = et == 0x0800 || et == 0x86dd;
        rows.push(ProtoRow {
            ifindex,
            interface: place.name,
            netns: place.netns,
            ethertype: et,
            protocol: ethertype_name(et).into(),
            ip_protocol: (is_ip && !malformed).then_some(ipp),
            l4: is_ip.then(|| {
                if malformed {
                    "malformed".to_string()
                } else {
                    ip_proto_name(ipp)
                }
            }),
            vlan_depth: vlan,
            packets: c.packets,
            bytes: c.bytes,
            pps: None,
            bps: None,
        });
    };
    let fast = snapshot(counts)?;
    for i in 0..fast.len {
        let idx = u32::from_ne_bytes(fast.key(i).try_into().unwrap_or([0xff; 4]));
        let (ifindex, c) = (idx / NIDX, idx % NIDX);
        if ifindex >= MAX_FAST_IFINDEX || c == 0 || dev.is_some_and(|d| d != ifindex) {
            continue;
        }
        let v: Counts = entry_sum(&fast, i, |a: &mut Counts, v| a.add(v));
        if v.packets == 0 {
            continue;
        }
        seen.insert(ifindex);
        total.add(v);
        if c == CLASS_RUNT {
            runts.add(v);
            continue;
        }
        if let Some((et, ipp, bad)) = class(c) {
            push(&mut rows, ifindex, name_of(ifindex), et, ipp, bad, 0, v);
        }
    }
    let slow = snapshot(other)?;
    for i in 0..slow.len {
        let k: xdp_counter::types::proto_key = decode(slow.key(i));
        if dev.is_some_and(|d| d != k.ifindex) {
            continue;
        }
        let v: Counts = entry_sum(&slow, i, |a: &mut Counts, v| a.add(v));
        if v.packets == 0 {
            continue;
        }
        seen.insert(k.ifindex);
        total.add(v);
        if k.eth_proto == 0 && k.ip_proto == 0 && k.vlan_depth == 0 && k.malformed == 0 {
            // a runt on an interface outside the fast path
            runts.add(v);
            continue;
        }
        push(
            &mut rows,
            k.ifindex,
            name_of(k.ifindex),
            k.eth_proto,
            k.ip_proto,
            k.malformed != 0,
            k.vlan_depth,
            v,
        );
    }
    rows.sort_by(|a, b| {
        a.ifindex
            .cmp(&b.ifindex)
            .then(b.packets.cmp(&a.packets))
            .then(a.ethertype.cmp(&b.ethertype))
    });
    let mut interfaces: Vec<Iface> = seen.into_iter().map(name_of).collect();
    if let (Some(d), true) = (dev, interfaces.is_empty()) {
        interfaces.push(name_of(d));
    }
    Ok(StatsReport::XdpCounter {
        object: object.to_string(),
        interfaces,
        protocols: rows,
        runts,
        total,
        interval_s: None,
    })
}

const TCP_FLAG_NAMES: [(u32, &str); 8] = [
    (0x01, "FIN"),
    (0x02, "SYN"),
    (0x04, "RST"),
    (0x08, "PSH"),
    (0x10, "ACK"),
    (0x20, "URG"),
    (0x40, "ECE"),
    (0x80, "CWR"),
];

fn ip_string(family: u8, a: [u8; 16]) -> String {
    if family == 4 {
        std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string()
    } else {
        std::net::Ipv6Addr::from(a).to_string()
    }
}

/// tc_classifier's flow table and totals.
pub fn read_tc<M: MapCore>(
    object: &str,
    flows_map: &M,
    totals: &M,
    dev: Option<u32>,
    places: &Places,
) -> Result<StatsReport, X0Error> {
    let now = crate::sys::monotonic_ns();
    let mut flows = Vec::new();
    let mut live = 0u64;
    let mut seen = std::collections::BTreeSet::new();
    let all = snapshot(flows_map)?;
    for i in 0..all.len {
        live += 1;
        let k: tc_classifier::types::flow_key = decode(all.key(i));
        if dev.is_some_and(|d| d != k.ifindex) {
            continue;
        }
        let s: tc_classifier::types::flow_stats = decode(all.value(i));
        seen.insert(k.ifindex);
        let rtt: Vec<u64> = s.rtt_slots.iter().map(|c| *c as u64).collect();
        let gap: Vec<u64> = s.gap_slots.iter().map(|c| *c as u64).collect();
        let (rx, tx) = (s.dir[0], s.dir[1]);
        flows.push(FlowRow {
            ifindex: k.ifindex,
            interface: None,
            netns: None,
            family: match k.family {
                4 => "ipv4".to_string(),
                6 => "ipv6".to_string(),
                n => format!("af{n}"),
            },
            protocol: ip_proto_name(k.proto),
            local: ip_string(k.family, k.laddr),
            lport: k.lport,
            remote: ip_string(k.family, k.raddr),
            rport: k.rport,
            rx_packets: rx.packets,
            rx_bytes: rx.bytes,
            tx_packets: tx.packets,
            tx_bytes: tx.bytes,
            packets: rx.packets.wrapping_add(tx.packets),
            bytes: rx.bytes.wrapping_add(tx.bytes),
            tcp_flags: TCP_FLAG_NAMES
                .iter()
                .filter(|(b, _)| s.tcp_flags & b != 0)
                .map(|(_, n)| *n)
                .collect(),
            rtt_ns: (s.rtt_ns > 0).then_some(s.rtt_ns),
            rtt_p50_ns: crate::obj::hist::quantile(&rtt, 0.5),
            rtt_p99_ns: crate::obj::hist::quantile(&rtt, 0.99),
            rtt_histogram: crate::obj::hist::buckets(&rtt),
            gap_p50_ns: crate::obj::hist::quantile(&gap, 0.5),
            gap_p99_ns: crate::obj::hist::quantile(&gap, 0.99),
            gap_histogram: crate::obj::hist::buckets(&gap),
            age_s: now.saturating_sub(s.first_ns) as f64 / 1e9,
            idle_s: now.saturating_sub(s.last_ns) as f64 / 1e9,
        });
    }
    let interfaces: Vec<Iface> = seen.into_iter().map(|i| places.iface(i)).collect();
    for f in &mut flows {
        if let Some(i) = interfaces.iter().find(|i| i.ifindex == f.ifindex) {
            f.interface = i.name.clone();
            f.netns = i.netns;
        }
    }
    flows.sort_by_key(|f| std::cmp::Reverse(f.packets));
    let t = tc_totals(totals)?;
    Ok(StatsReport::TcClassifier {
        object: object.to_string(),
        interfaces,
        flows,
        total: Counts {
            packets: t.packets,
            bytes: t.bytes,
        },
        flows_created: t.flows_created,
        evicted: t.flows_created.saturating_sub(live),
        unparsed: t.unparsed,
    })
}

/// tc_classifier's `totals`, summed over CPUs.
pub fn tc_totals<M: MapCore>(totals: &M) -> Result<tc_classifier::types::tc_totals, X0Error> {
    percpu_sum(
        totals,
        &0u32.to_ne_bytes(),
        |a: &mut tc_classifier::types::tc_totals, v| {
            a.packets = a.packets.wrapping_add(v.packets);
            a.bytes = a.bytes.wrapping_add(v.bytes);
            a.flows_created = a.flows_created.wrapping_add(v.flows_created);
            a.unparsed = a.unparsed.wrapping_add(v.unparsed);
        },
    )
}

/// The flow table summed for monitoring: how many flows, their handshake-RTT log2 slots added
/// up, and the sum of each flow's last RTT (ns). One batch walk and no per-flow rows (a scrape
/// of 100k flows must stay cheap).
pub struct RttSummary {
    pub flows: u64,
    pub rtt_slots: Vec<u64>,
    pub rtt_sum_ns: u64,
}

pub fn tc_rtt_summary<M: MapCore>(flows_map: &M) -> Result<RttSummary, X0Error> {
    let all = snapshot(flows_map)?;
    let mut r = RttSummary {
        flows: all.len as u64,
        rtt_slots: vec![0; tc_classifier::types::flow_stats::default().rtt_slots.len()],
        rtt_sum_ns: 0,
    };
    for i in 0..all.len {
        let s: tc_classifier::types::flow_stats = decode(all.value(i));
        for (a, b) in r.rtt_slots.iter_mut().zip(s.rtt_slots.iter()) {
            *a = a.wrapping_add(*b as u64);
        }
        r.rtt_sum_ns = r.rtt_sum_ns.wrapping_add(s.rtt_ns);
    }
    Ok(r)
}

/// syscall_latency's per-syscall array.
pub fn read_syscalls<M: MapCore>(m: &M) -> Result<Vec<SyscallRow>, X0Error> {
    let mut syscalls = Vec::new();
    let all = snapshot(m)?;
    for i in 0..all.len {
        let nr = u32::from_ne_bytes(all.key(i).try_into().unwrap_or([0xff; 4]));
        let s: syscall_latency::types::syscall_stats = entry_sum(
            &all,
            i,
            |a: &mut syscall_latency::types::syscall_stats, v| {
                a.count = a.count.wrapping_add(v.count);
                a.errors = a.errors.wrapping_add(v.errors);
                a.total_ns = a.total_ns.wrapping_add(v.total_ns);
                for (x, y) in a.slots.iter_mut().zip(v.slots.iter()) {
                    *x = x.wrapping_add(*y);
                }
            },
        );
        if s.count == 0 {
            continue;
        }
        syscalls.push(SyscallRow {
            nr,
            name: crate::obj::syscalls::name(nr),
            count: s.count,
            errors: s.errors,
            total_ns: s.total_ns,
            avg_ns: s.total_ns / s.count.max(1),
            p50_ns: crate::obj::hist::quantile(&s.slots, 0.5),
            p99_ns: crate::obj::hist::quantile(&s.slots, 0.99),
            histogram: crate::obj::hist::buckets(&s.slots),
        });
    }
    syscalls.sort_by(|a, b| b.count.cmp(&a.count).then(a.nr.cmp(&b.nr)));
    Ok(syscalls)
}

fn older(name: &str) -> X0Error {
    X0Error::new(
        ErrorKind::InvalidObject,
        format!("{name} was loaded by an older x0bpf: its map layout differs from this version's"),
    )
    .hint(format!(
        "reload it: `x0bpf unload {name}` (detaches it), then attach or load it again"
    ))
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    match report(args, ctx)? {
        Some(r) => {
            crate::output::emit("stats", &r, ctx.fmt)?;
            Ok(0)
        }
        None => Ok(0),
    }
}

/// The report, or None when --watch already streamed everything.
pub fn report(args: &Args, ctx: &Ctx) -> anyhow::Result<Option<StatsReport>> {
    store::check_name("object name", &args.name)?;
    let dev = dev_ifindex(&args.dev)?;
    let store = Store::open(ctx, Access::Read)?;
    let dir = store.dir(&args.name);
    if !store.is_loaded(&args.name) {
        return Err(X0Error::new(
            ErrorKind::NotAttached,
            format!(
                "no object named {} is loaded{}",
                args.name,
                if store.mounted {
                    String::new()
                } else {
                    format!(
                        " ({} is not a bpffs: nothing is pinned)",
                        store.root.display()
                    )
                }
            ),
        )
        .hint(stats_hint(&args.name, &store.names()))
        .into());
    }
    if let (Some(i), Some(d)) = (dev, &args.dev) {
        // Counters are keyed by ifindex, which repeats across network namespaces: only an
        // attachment on this interface in this namespace makes them this interface's.
        let ns_ino = crate::sys::ns::netns_inode()
            .map_err(|e| X0Error::os("reading network namespace", &e))?;
        let live_on = |same_ns: bool| {
            crate::attach::object_live_where(&store, &args.name, |r| {
                r.ifindex == Some(i) && (r.netns == Some(ns_ino)) == same_ns
            })
        };
        // Attached to an interface with this ifindex elsewhere and not here: those counters
        // are another interface's. (Not attached at all, e.g. fed by BPF_PROG_TEST_RUN: the
        // counters under this ifindex are what there is.)
        if !live_on(true) && live_on(false) {
            return Err(X0Error::new(
                ErrorKind::NotAttached,
                format!(
                    "{} is not attached to {d} in this network namespace",
                    args.name
                ),
            )
            .hint(format!("see what runs there: `x0bpf net --dev {d}`"))
            .into());
        }
    }
    let has = |m: &str| dir.join("maps").join(m).exists();
    let object = args.name.clone();
    if has("proto_stats") && has("runt_stats") {
        return Err(older(&object).into());
    }
    if has("counts") && has("other_counts") {
        let c = open_map(&dir, "counts")?;
        let o = open_map(&dir, "other_counts")?;
        if args.watch {
            // A watch runs for long: never hold the store's (shared) lock meanwhile, or every
            // attach and detach would wait for it.
            drop(store);
            return watch_xdp(&object, &c, &o, dev, args, &dir, ctx.fmt.json).map(|_| None);
        }
        let places = Places::of_links(&dir.join("links"));
        return Ok(Some(read_xdp(&object, &c, &o, dev, &places)?));
    }
    if has("flows") && has("totals") {
        let m = open_map(&dir, "flows")?;
        if m.value_size() as usize != std::mem::size_of::<tc_classifier::types::flow_stats>() {
            return Err(older(&object).into());
        }
        let t = open_map(&dir, "totals")?;
        if args.watch {
            return Err(
                X0Error::new(ErrorKind::Usage, "stats --watch is for xdp_counter")
                    .hint("`x0bpf flows --watch` follows tc_classifier's flows")
                    .into(),
            );
        }
        let places = Places::of_links(&dir.join("links"));
        return Ok(Some(read_tc(&object, &m, &t, dev, &places)?));
    }
    if has("stats") && has("start") {
        let m = open_map(&dir, "stats")?;
        if m.value_size() as usize != std::mem::size_of::<syscall_latency::types::syscall_stats>() {
            return Err(older(&object).into());
        }
        return Ok(Some(StatsReport::SyscallLatency {
            object,
            syscalls: read_syscalls(&m)?,
        }));
    }
    Err(X0Error::new(
        ErrorKind::Usage,
        format!(
            "{} is not one of x0bpf's own programs: no decoder for its maps",
            args.name
        ),
    )
    .hint("use `x0bpf list` to see its maps, or bpftool map dump")
    .into())
}

/// Human units: 1.2k, 3.4M, 5.6G.
pub fn human(v: f64) -> String {
    let (d, u) = if v >= 1e9 {
        (1e9, "G")
    } else if v >= 1e6 {
        (1e6, "M")
    } else if v >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    format!("{:.1}{u}", v / d)
}

/// `stats --watch` on xdp_counter: a stream (docs/JSON.md) of samples with rates; ends on
/// Ctrl-C/SIGTERM, or when the object is no longer loaded (said on the last line).
fn watch_xdp<M: MapCore>(
    object: &str,
    c: &M,
    o: &M,
    dev: Option<u32>,
    args: &Args,
    dir: &Path,
    json: bool,
) -> anyhow::Result<()> {
    crate::stream::install_stop_signals();
    // Never attached (or only where the interface is gone): nothing will count, and "no
    // longer attached" would be wrong.
    if !crate::attach::links_dir_live(&dir.join("links"), |_| true) {
        return Err(X0Error::new(
            ErrorKind::NotAttached,
            format!("{object} is loaded but not attached: its counters cannot change"),
        )
        .hint(format!(
            "`x0bpf attach xdp IFACE --prog {object}` first, then watch"
        ))
        .into());
    }
    let mut out = crate::stream::Out::stdout();
    if json {
        let h = serde_json::json!({"object": object, "interval_s": args.interval, "records": "samples"});
        out.write_all(
            format!(
                "{{\"schema_version\":{},\"command\":\"stats\",\"header\":{h}}}\n",
                crate::output::SCHEMA_VERSION
            )
            .as_bytes(),
        )?;
        out.flush()?;
    }
    let mut prev: Option<(std::time::Instant, Vec<ProtoRow>)> = None;
    let mut samples = 0u64;
    let reason;
    loop {
        if crate::stream::stopped() {
            reason = "interrupted";
            break;
        }
        if !crate::attach::links_dir_live(&dir.join("links"), |_| true) {
            reason = "detached";
            break;
        }
        let now = std::time::Instant::now();
        let mut r = read_xdp(object, c, o, dev, &Places::of_links(&dir.join("links")))?;
        if let (
            StatsReport::XdpCounter {
                protocols,
                interval_s,
                ..
            },
            Some((t0, old)),
        ) = (&mut r, &prev)
        {
            let dt = now.duration_since(*t0).as_secs_f64().max(1e-6);
            *interval_s = Some(dt);
            for p in protocols.iter_mut() {
                let before = old.iter().find(|q| {
                    q.ifindex == p.ifindex
                        && q.ethertype == p.ethertype
                        && q.l4 == p.l4
                        && q.vlan_depth == p.vlan_depth
                });
                let (bp, bb) = before.map(|q| (q.packets, q.bytes)).unwrap_or((0, 0));
                p.pps = Some(p.packets.saturating_sub(bp) as f64 / dt);
                p.bps = Some(p.bytes.saturating_sub(bb) as f64 * 8.0 / dt);
            }
        }
        let mut buf = Vec::new();
        if json {
            crate::output::write_json(&mut buf, &r, false)?;
        } else {
            r.render(&mut buf)?;
        }
        if let Err(e) = out.write_all(&buf).and_then(|_| out.flush()) {
            if crate::stream::is_broken_pipe(&e) {
                return Ok(());
            }
            return Err(e.into());
        }
        samples += 1;
        if let StatsReport::XdpCounter { protocols, .. } = r {
            prev = Some((now, protocols));
        }
        let until = std::time::Instant::now() + std::time::Duration::from_secs_f64(args.interval);
        while std::time::Instant::now() < until && !crate::stream::stopped() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    if json {
        out.write_all(
            format!("{{\"summary\":{{\"records\":{samples},\"lost\":null,\"complete\":true,\"reason\":\"{reason}\"}}}}\n").as_bytes(),
        )?;
    } else if reason == "detached" {
        out.write_all(format!("{object} is no longer attached\n").as_bytes())?;
    }
    let _ = out.flush();
    Ok(())
}

impl Report for StatsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let ifaces = |v: &[Iface]| -> String {
            if v.is_empty() {
                return "no interface yet".into();
            }
            v.iter()
                .map(|i| {
                    let base = match &i.name {
                        Some(n) => format!("{n} ({})", i.ifindex),
                        None => format!("ifindex {}", i.ifindex),
                    };
                    format!("{base}{}", i.netns_suffix())
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            StatsReport::XdpCounter {
                object,
                interfaces,
                protocols,
                runts,
                total,
                interval_s,
            } => {
                crate::output::note(
                    out,
                    &format!(
                        "{object}: {} packets, {} bytes on {}",
                        total.packets,
                        total.bytes,
                        ifaces(interfaces)
                    ),
                )?;
                // In a pipe the title is on stderr: each row names its object instead.
                let owner = crate::output::plain();
                let rates = interval_s.is_some();
                let mut head = if owner { vec!["OBJECT"] } else { vec![] };
                head.extend([
                    "IFACE",
                    "ETHERTYPE",
                    "PROTOCOL",
                    "L4",
                    "VLAN",
                    "PACKETS",
                    "BYTES",
                ]);
                if rates {
                    head.extend(["PPS", "BIT/S"]);
                }
                let mut t = table(head);
                for p in protocols {
                    let mut row = if owner { vec![object.clone()] } else { vec![] };
                    row.extend([
                        p.interface.clone().unwrap_or_else(|| p.ifindex.to_string()),
                        format!("0x{:04x}", p.ethertype),
                        p.protocol.clone(),
                        p.l4.clone().unwrap_or_else(|| "-".into()),
                        p.vlan_depth.to_string(),
                        p.packets.to_string(),
                        p.bytes.to_string(),
                    ]);
                    if rates {
                        row.push(human(p.pps.unwrap_or(0.0)));
                        row.push(human(p.bps.unwrap_or(0.0)));
                    }
                    t.add_row(row);
                }
                if runts.packets > 0 {
                    let mut row = if owner { vec![object.clone()] } else { vec![] };
                    row.extend([
                        "-".into(),
                        "-".into(),
                        "runt".into(),
                        "-".into(),
                        "-".into(),
                        runts.packets.to_string(),
                        runts.bytes.to_string(),
                    ]);
                    t.add_row(row);
                }
                t.write_to(out)
            }
            StatsReport::TcClassifier {
                object,
                interfaces,
                flows,
                total,
                evicted,
                ..
            } => {
                crate::output::note(
                    out,
                    &format!(
                        "{object}: {} packets, {} bytes, {} flows ({} evicted) on {}",
                        total.packets,
                        total.bytes,
                        flows.len(),
                        evicted,
                        ifaces(interfaces)
                    ),
                )?;
                let owner = crate::output::plain();
                let mut head = if owner { vec!["OBJECT"] } else { vec![] };
                head.extend([
                    "IFACE", "PROTO", "LOCAL", "REMOTE", "RX PKTS", "TX PKTS", "BYTES",
                ]);
                let mut t = table(head);
                for f in flows {
                    let mut row = if owner { vec![object.clone()] } else { vec![] };
                    row.extend([
                        f.interface.clone().unwrap_or_else(|| f.ifindex.to_string()),
                        f.protocol.clone(),
                        sockaddr(&f.local, f.lport),
                        sockaddr(&f.remote, f.rport),
                        f.rx_packets.to_string(),
                        f.tx_packets.to_string(),
                        f.bytes.to_string(),
                    ]);
                    t.add_row(row);
                }
                t.write_to(out)
            }
            StatsReport::SyscallLatency { object, syscalls } => {
                crate::output::note(out, &format!("{object}:"))?;
                render_syscalls(out, syscalls, Some(object))
            }
        }
    }
}

pub fn sockaddr(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// Nanoseconds in human units: 850ns, 12.3us, 4.5ms, 1.2s.
pub fn ns(v: u64) -> String {
    let f = v as f64;
    if f >= 1e9 {
        format!("{:.1}s", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1}ms", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.1}us", f / 1e3)
    } else {
        format!("{v}ns")
    }
}

/// The syscall table; `owner` (the object) is a first column in plain mode, where the title
/// naming it is on stderr.
pub fn render_syscalls(
    out: &mut dyn Write,
    syscalls: &[SyscallRow],
    owner: Option<&str>,
) -> io::Result<()> {
    let owner = owner.filter(|_| crate::output::plain());
    let mut head = if owner.is_some() {
        vec!["OBJECT"]
    } else {
        vec![]
    };
    head.extend(["SYSCALL", "COUNT", "ERRORS", "AVG", "P50~", "P99~", "TOTAL"]);
    let mut t = table(head);
    for s in syscalls {
        let mut row: Vec<String> = owner.iter().map(|o| o.to_string()).collect();
        row.extend([
            s.name.clone(),
            s.count.to_string(),
            s.errors.to_string(),
            ns(s.avg_ns),
            s.p50_ns.map(ns).unwrap_or_else(|| "-".into()),
            s.p99_ns.map(ns).unwrap_or_else(|| "-".into()),
            ns(s.total_ns),
        ]);
        t.add_row(row);
    }
    t.write_to(out)
}

/// A hint that works when followed: loading an embedded object only if NAME is one.
fn stats_hint(name: &str, loaded: &[String]) -> String {
    let loaded_list = loaded;
    let loaded = if loaded.is_empty() {
        String::new()
    } else {
        format!("loaded now: {}; ", loaded.join(", "))
    };
    if crate::obj::source::embedded(name).is_some() {
        format!("{loaded}load it first: `x0bpf load {name}`")
    } else if let Some(l) = loaded_list
        .iter()
        .find(|l| crate::obj::source::embedded(l).is_some())
    {
        format!("{loaded}stats decodes the embedded objects' counters: e.g. `x0bpf stats {l}`")
    } else {
        format!(
            "{loaded}stats decodes the embedded objects' counters: e.g. `x0bpf load xdp_counter`, then `x0bpf stats xdp_counter`"
        )
    }
}
