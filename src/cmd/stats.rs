//! `x0bpf stats [NAME]`: what x0bpf's own programs counted, decoded with their C types (from
//! the generated skeletons). Per-CPU values are summed.
use std::io::{self, Write};
use std::path::Path;

use libbpf_rs::{MapCore, MapFlags, MapHandle};
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::output::{table, Report};
use crate::skel::{syscall_latency, tc_classifier, xdp_counter};
use crate::store::{self, Access, Store};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Loaded object name
    #[arg(default_value = "xdp_counter", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::loaded))]
    pub name: String,
}

#[derive(Serialize)]
#[serde(tag = "decoder", rename_all = "snake_case")]
pub enum StatsReport {
    XdpCounter {
        object: String,
        protocols: Vec<ProtoRow>,
        runts: Counts,
        total: Counts,
    },
    TcClassifier {
        object: String,
        flows: Vec<FlowRow>,
        total: Counts,
    },
    SyscallLatency {
        object: String,
        syscalls: Vec<SyscallRow>,
    },
}

/// Packets and bytes: the layout of `struct counters` in both xdp_counter and tc_classifier.
#[derive(Serialize, Default, Clone, Copy)]
#[repr(C)]
pub struct Counts {
    pub packets: u64,
    pub bytes: u64,
}

#[derive(Serialize)]
pub struct ProtoRow {
    /// The EtherType as a number (0x0800 is 2048), like ip_protocol; its name is `protocol`.
    pub ethertype: u16,
    pub protocol: String,
    pub ip_protocol: Option<u8>,
    pub l4: Option<String>,
    pub vlan_depth: u8,
    pub packets: u64,
    pub bytes: u64,
}

#[derive(Serialize)]
pub struct FlowRow {
    /// `ipv4` or `ipv6`: an enumeration, so a string.
    pub family: String,
    pub protocol: String,
    pub src: String,
    pub sport: u16,
    pub dst: String,
    pub dport: u16,
    pub packets: u64,
    pub bytes: u64,
}

#[derive(Serialize)]
pub struct SyscallRow {
    pub nr: u32,
    pub count: u64,
    pub total_ns: u64,
    pub avg_ns: u64,
    /// Log2 buckets: `[low_ns, high_ns)` with the count; empty buckets omitted.
    pub histogram: Vec<Bucket>,
}

#[derive(Serialize)]
pub struct Bucket {
    pub low_ns: u64,
    pub high_ns: u64,
    pub count: u64,
}

/// The edges of log2 slot `i` as the BPF side defines them: [2^i, 2^(i+1)), slot 0 also 0.
pub fn slot_range(i: usize) -> (u64, u64) {
    let low = if i == 0 { 0 } else { 1u64 << i };
    let high = if i >= 63 { u64::MAX } else { 1u64 << (i + 1) };
    (low, high)
}

/// Read a plain C value out of map bytes.
fn decode<T: Copy + Default>(b: &[u8]) -> T {
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

fn percpu_sum<T: Copy + Default>(
    m: &MapHandle,
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

/// A per-CPU `struct counters` value, summed over CPUs.
fn percpu_counts(m: &MapHandle, key: &[u8]) -> Result<Counts, X0Error> {
    percpu_sum(m, key, |a: &mut Counts, v| a.add(v))
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

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<StatsReport> {
    store::check_name("object name", &args.name)?;
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
    let has = |m: &str| dir.join("maps").join(m).exists();
    let object = args.name.clone();
    if has("proto_stats") {
        let m = open_map(&dir, "proto_stats")?;
        let mut protocols = Vec::new();
        let mut total = Counts::default();
        for key in m.keys() {
            let k: xdp_counter::types::proto_key = decode(&key);
            let c = percpu_counts(&m, &key)?;
            total.add(c);
            let is_ip = k.eth_proto == 0x0800 || k.eth_proto == 0x86dd;
            protocols.push(ProtoRow {
                ethertype: k.eth_proto,
                protocol: ethertype_name(k.eth_proto).into(),
                ip_protocol: is_ip.then_some(k.ip_proto),
                l4: is_ip.then(|| ip_proto_name(k.ip_proto)),
                vlan_depth: k.vlan_depth,
                packets: c.packets,
                bytes: c.bytes,
            });
        }
        protocols.sort_by(|a, b| {
            b.packets
                .cmp(&a.packets)
                .then(a.ethertype.cmp(&b.ethertype))
        });
        let r = open_map(&dir, "runt_stats")?;
        let runts = percpu_counts(&r, &0u32.to_ne_bytes())?;
        total.add(runts);
        return Ok(StatsReport::XdpCounter {
            object,
            protocols,
            runts,
            total,
        });
    }
    if has("flows") && has("totals") {
        let m = open_map(&dir, "flows")?;
        let mut flows = Vec::new();
        for key in m.keys() {
            let k: tc_classifier::types::flow_key = decode(&key);
            let Ok(Some(v)) = m.lookup(&key, MapFlags::ANY) else {
                continue;
            };
            let c: tc_classifier::types::counters = decode(&v);
            let addr = |a: [u8; 16]| {
                if k.family == 4 {
                    std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string()
                } else {
                    std::net::Ipv6Addr::from(a).to_string()
                }
            };
            flows.push(FlowRow {
                family: match k.family {
                    4 => "ipv4".to_string(),
                    6 => "ipv6".to_string(),
                    n => format!("af{n}"),
                },
                protocol: ip_proto_name(k.proto),
                src: addr(k.saddr),
                sport: k.sport,
                dst: addr(k.daddr),
                dport: k.dport,
                packets: c.packets,
                bytes: c.bytes,
            });
        }
        flows.sort_by_key(|f| std::cmp::Reverse(f.packets));
        let t = open_map(&dir, "totals")?;
        let total = percpu_counts(&t, &0u32.to_ne_bytes())?;
        return Ok(StatsReport::TcClassifier {
            object,
            flows,
            total,
        });
    }
    if has("stats") && has("start") {
        let m = open_map(&dir, "stats")?;
        let mut syscalls = Vec::new();
        for nr in 0u32..512 {
            let s: syscall_latency::types::syscall_stats = percpu_sum(
                &m,
                &nr.to_ne_bytes(),
                |a: &mut syscall_latency::types::syscall_stats, v| {
                    a.count = a.count.wrapping_add(v.count);
                    a.total_ns = a.total_ns.wrapping_add(v.total_ns);
                    for (x, y) in a.slots.iter_mut().zip(v.slots.iter()) {
                        *x = x.wrapping_add(*y);
                    }
                },
            )?;
            if s.count == 0 {
                continue;
            }
            let histogram = s
                .slots
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| {
                    let (low_ns, high_ns) = slot_range(i);
                    Bucket {
                        low_ns,
                        high_ns,
                        count: *c,
                    }
                })
                .collect();
            syscalls.push(SyscallRow {
                nr,
                count: s.count,
                total_ns: s.total_ns,
                avg_ns: s.total_ns / s.count.max(1),
                histogram,
            });
        }
        syscalls.sort_by_key(|s| std::cmp::Reverse(s.count));
        return Ok(StatsReport::SyscallLatency { object, syscalls });
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

impl Report for StatsReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            StatsReport::XdpCounter {
                object,
                protocols,
                runts,
                total,
            } => {
                writeln!(
                    out,
                    "{object}: {} packets, {} bytes",
                    total.packets, total.bytes
                )?;
                let mut t = table(["ETHERTYPE", "PROTOCOL", "L4", "VLAN", "PACKETS", "BYTES"]);
                for p in protocols {
                    t.add_row(vec![
                        format!("0x{:04x}", p.ethertype),
                        p.protocol.clone(),
                        p.l4.clone().unwrap_or_else(|| "-".into()),
                        p.vlan_depth.to_string(),
                        p.packets.to_string(),
                        p.bytes.to_string(),
                    ]);
                }
                if runts.packets > 0 {
                    t.add_row(vec![
                        "-".into(),
                        "runt".into(),
                        "-".into(),
                        "-".into(),
                        runts.packets.to_string(),
                        runts.bytes.to_string(),
                    ]);
                }
                writeln!(out, "{t}")
            }
            StatsReport::TcClassifier {
                object,
                flows,
                total,
            } => {
                writeln!(
                    out,
                    "{object}: {} packets, {} bytes, {} flows",
                    total.packets,
                    total.bytes,
                    flows.len()
                )?;
                let mut t = table(["PROTO", "SOURCE", "DESTINATION", "PACKETS", "BYTES"]);
                for f in flows {
                    t.add_row(vec![
                        f.protocol.clone(),
                        format!("{}:{}", f.src, f.sport),
                        format!("{}:{}", f.dst, f.dport),
                        f.packets.to_string(),
                        f.bytes.to_string(),
                    ]);
                }
                writeln!(out, "{t}")
            }
            StatsReport::SyscallLatency { object, syscalls } => {
                writeln!(out, "{object}:")?;
                let mut t = table(["SYSCALL", "COUNT", "AVG NS", "TOTAL NS"]);
                for s in syscalls {
                    t.add_row(vec![
                        s.nr.to_string(),
                        s.count.to_string(),
                        s.avg_ns.to_string(),
                        s.total_ns.to_string(),
                    ]);
                }
                writeln!(out, "{t}")
            }
        }
    }
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
