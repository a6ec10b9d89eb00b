//! The flow graph of `x0bpf flows --graph` (docs/JSON.md, "flows --graph"; docs/PROGRAMS.md,
//! "Graph stream"): tc_classifier's flow table turned into one graph per window — nodes are
//! endpoint addresses, edges are flows — in the shape graph-learning code wants (integer node
//! indexes, so `edge_index` and feature matrices follow directly). Pure: the command reads the
//! map and hands samples in; windows, merging, ordering and truncation are decided here and
//! tested alone.
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::IpAddr;

use serde::Serialize;

/// Most snapshots a sliding window keeps (`--window` / `--interval`): memory stays bounded
/// (a snapshot holds at most the flow table's 8192 entries, about 0.7 MB: 256 of them, about
/// 180 MB — docs/PROGRAMS.md, "Graph stream").
pub const MAX_INTERVALS_PER_WINDOW: usize = 256;

/// A flow table key, as tc_classifier keeps it (local = this host's side at that hook).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowId {
    pub ifindex: u32,
    pub proto: u8,
    pub local: IpAddr,
    pub lport: u16,
    pub remote: IpAddr,
    pub rport: u16,
}

/// Received (ingress) and sent (egress) counters of one flow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
}

impl Counters {
    fn minus(self, b: Counters) -> Counters {
        Counters {
            rx_packets: self.rx_packets.saturating_sub(b.rx_packets),
            rx_bytes: self.rx_bytes.saturating_sub(b.rx_bytes),
            tx_packets: self.tx_packets.saturating_sub(b.tx_packets),
            tx_bytes: self.tx_bytes.saturating_sub(b.tx_bytes),
        }
    }

    fn is_zero(&self) -> bool {
        self.rx_packets == 0 && self.tx_packets == 0
    }
}

/// One flow table entry as read.
#[derive(Clone, Debug)]
pub struct FlowSample {
    pub id: FlowId,
    /// CLOCK_MONOTONIC ns (bpf_ktime_get_ns) of the flow's first and last packet
    pub first_ns: u64,
    pub last_ns: u64,
    pub c: Counters,
    /// The handshake RTT log2 histogram (obj::hist)
    pub rtt_slots: Vec<u64>,
}

/// One read of the table: what each flow had counted, and since when it exists (an entry
/// evicted and created again has another `first_ns`, so its counters start from zero).
/// A sorted vector, not a hash map: a sliding window keeps one per interval it spans, and this
/// takes half the memory (about 0.7 MB for a full table of 8192 flows).
type Snapshot = Vec<(FlowId, u64, Counters)>;

fn snapshot(flows: &[FlowSample]) -> Snapshot {
    let mut v: Snapshot = flows
        .iter()
        .map(|f| (f.id.clone(), f.first_ns, f.c))
        .collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// What a flow counted since `base`; None when it counted nothing.
fn delta(base: &Snapshot, f: &FlowSample) -> Option<FlowSample> {
    let c = match base.binary_search_by(|e| e.0.cmp(&f.id)) {
        Ok(i) if base[i].1 == f.first_ns => f.c.minus(base[i].2),
        // New since the base read, or evicted and created again: all it counted is new.
        _ => f.c,
    };
    (!c.is_zero()).then(|| FlowSample { c, ..f.clone() })
}

/// Sliding windows over successive reads. A window ends at a read and starts at the read
/// `k = ceil(window / interval)` reads earlier (or at the first read, until there are that many):
/// its flows are those that counted packets in between, with the counts they added. With
/// `window == interval` (the default) windows tumble: each packet is in exactly one window.
pub struct Windows {
    k: usize,
    past: VecDeque<(Snapshot, ReadMeta)>,
}

/// What the caller wants to remember of a read besides the flows (when, evictions so far).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadMeta {
    pub unix_ns: u64,
    /// tc_classifier's flows_created minus the entries present, at this read
    pub evicted: u64,
}

/// Why a `--window` cannot be used with an `--interval`.
pub fn intervals_per_window(interval_s: f64, window_s: f64) -> Result<usize, String> {
    if window_s + 1e-9 < interval_s {
        return Err(format!(
            "--window {window_s} is shorter than --interval {interval_s}: a window ends at a read, so it spans at least one interval"
        ));
    }
    let k = (window_s / interval_s - 1e-9).ceil().max(1.0);
    if k > MAX_INTERVALS_PER_WINDOW as f64 {
        return Err(format!(
            "--window {window_s} spans {k} intervals of {interval_s}s: at most {MAX_INTERVALS_PER_WINDOW} (raise --interval)"
        ));
    }
    Ok(k as usize)
}

impl Windows {
    /// `first`: the read that starts the first window.
    pub fn new(k: usize, first: &[FlowSample], meta: ReadMeta) -> Windows {
        let mut past = VecDeque::new();
        past.push_back((snapshot(first), meta));
        Windows { k: k.max(1), past }
    }

    /// The flows of the window that ends with this read, with their counts inside it, and
    /// the meta of the read the window starts at.
    pub fn next(&mut self, cur: &[FlowSample], meta: ReadMeta) -> (Vec<FlowSample>, ReadMeta) {
        let (out, base_meta) = match self.past.front() {
            Some((base, m)) => (cur.iter().filter_map(|f| delta(base, f)).collect(), *m),
            None => (cur.to_vec(), meta),
        };
        self.past.push_back((snapshot(cur), meta));
        while self.past.len() > self.k {
            self.past.pop_front();
        }
        (out, base_meta)
    }
}

/// How to turn CLOCK_MONOTONIC times into Unix times: both clocks read at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub mono_ns: u64,
    pub unix_ns: u64,
}

impl Clock {
    pub fn unix(&self, mono: u64) -> u64 {
        self.unix_ns
            .saturating_sub(self.mono_ns.saturating_sub(mono))
            .saturating_add(mono.saturating_sub(self.mono_ns))
    }
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Node {
    /// Position in `nodes` (0 = the most bytes): what `edges[].src`/`dst` refer to
    pub index: usize,
    pub addr: String,
    pub family: &'static str,
    /// Received and sent by this address over the window's flows
    pub packets_in: u64,
    pub bytes_in: u64,
    pub packets_out: u64,
    pub bytes_out: u64,
    /// Other addresses it exchanged packets with
    pub peers: usize,
    /// Distinct non-zero ports it used (its side of its flows)
    pub ports: usize,
    /// Flows it takes part in (its degree in the multigraph)
    pub flows: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Edge {
    /// Node indexes: `src` is the flow's local side as tc_classifier keys it
    pub src: usize,
    pub dst: usize,
    pub protocol: String,
    pub ip_protocol: u8,
    pub sport: u16,
    pub dport: u16,
    /// src → dst, and dst → src
    pub packets_fwd: u64,
    pub bytes_fwd: u64,
    pub packets_rev: u64,
    pub bytes_rev: u64,
    /// Median handshake RTT of the flow (estimate from its log2 histogram); null without one
    pub rtt_p50_ns: Option<u64>,
    /// The flow's first and last packet (Unix time, ns); the first may precede the window
    pub first_seen_unix_ns: u64,
    pub last_seen_unix_ns: u64,
    /// The interfaces it was seen on
    pub ifindexes: Vec<u32>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Before --max-nodes
    pub nodes_total: usize,
    pub edges_total: usize,
    pub nodes_left_out: usize,
    pub edges_left_out: usize,
}

type End = (IpAddr, u16);

struct EdgeAcc {
    proto: u8,
    src: End,
    dst: End,
    fwd: (u64, u64),
    rev: (u64, u64),
    first_ns: u64,
    last_ns: u64,
    rtt: Vec<u64>,
    ifindexes: BTreeSet<u32>,
}

#[derive(Default)]
struct NodeAcc {
    packets_in: u64,
    bytes_in: u64,
    packets_out: u64,
    bytes_out: u64,
    peers: BTreeSet<IpAddr>,
    ports: BTreeSet<u16>,
    flows: usize,
}

fn add(a: &mut (u64, u64), p: u64, b: u64) {
    a.0 = a.0.saturating_add(p);
    a.1 = a.1.saturating_add(b);
}

fn family(a: &IpAddr) -> &'static str {
    match a {
        IpAddr::V4(_) => "ipv4",
        IpAddr::V6(_) => "ipv6",
    }
}

/// The graph of one window's flows. One edge per flow: entries for the same conversation
/// (protocol and both address:port ends) seen on several interfaces, or with local and remote
/// swapped (another hook's point of view), merge into one edge — oriented as the first of them
/// in key order — whose counts add up. Nodes: one per address, ordered by bytes (in + out),
/// then packets, descending, then address; only the first `max_nodes` are kept (0: all), and
/// only the edges between kept nodes. Node features count all the window's flows, also those
/// to nodes left out.
pub fn build(
    flows: &[FlowSample],
    max_nodes: usize,
    clock: Clock,
    proto_name: fn(u8) -> String,
) -> Graph {
    let mut sorted: Vec<&FlowSample> = flows.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut convs: BTreeMap<(u8, End, End), EdgeAcc> = BTreeMap::new();
    for f in sorted {
        let l = (f.id.local, f.id.lport);
        let r = (f.id.remote, f.id.rport);
        let key = (f.id.proto, l.min(r), l.max(r));
        let e = convs.entry(key).or_insert_with(|| EdgeAcc {
            proto: f.id.proto,
            src: l,
            dst: r,
            fwd: (0, 0),
            rev: (0, 0),
            first_ns: f.first_ns,
            last_ns: f.last_ns,
            rtt: Vec::new(),
            ifindexes: BTreeSet::new(),
        });
        if e.src == l {
            add(&mut e.fwd, f.c.tx_packets, f.c.tx_bytes);
            add(&mut e.rev, f.c.rx_packets, f.c.rx_bytes);
        } else {
            add(&mut e.fwd, f.c.rx_packets, f.c.rx_bytes);
            add(&mut e.rev, f.c.tx_packets, f.c.tx_bytes);
        }
        e.first_ns = e.first_ns.min(f.first_ns);
        e.last_ns = e.last_ns.max(f.last_ns);
        if e.rtt.len() < f.rtt_slots.len() {
            e.rtt.resize(f.rtt_slots.len(), 0);
        }
        for (a, b) in e.rtt.iter_mut().zip(&f.rtt_slots) {
            *a = a.saturating_add(*b);
        }
        e.ifindexes.insert(f.id.ifindex);
    }

    let mut nodes: BTreeMap<IpAddr, NodeAcc> = BTreeMap::new();
    for e in convs.values() {
        for (me, other, out, inn, port) in [
            (e.src.0, e.dst.0, e.fwd, e.rev, e.src.1),
            (e.dst.0, e.src.0, e.rev, e.fwd, e.dst.1),
        ] {
            let n = nodes.entry(me).or_default();
            n.packets_out = n.packets_out.saturating_add(out.0);
            n.bytes_out = n.bytes_out.saturating_add(out.1);
            n.packets_in = n.packets_in.saturating_add(inn.0);
            n.bytes_in = n.bytes_in.saturating_add(inn.1);
            if other != me {
                n.peers.insert(other);
            }
            if port != 0 {
                n.ports.insert(port);
            }
        }
        nodes.entry(e.src.0).or_default().flows += 1;
        if e.dst.0 != e.src.0 {
            nodes.entry(e.dst.0).or_default().flows += 1;
        }
    }

    let mut order: Vec<(IpAddr, NodeAcc)> = nodes.into_iter().collect();
    // BTreeMap order is by address already; a stable sort keeps it among equals.
    order.sort_by_key(|(_, n)| {
        std::cmp::Reverse((
            n.bytes_in.saturating_add(n.bytes_out),
            n.packets_in.saturating_add(n.packets_out),
        ))
    });
    let nodes_total = order.len();
    if max_nodes > 0 {
        order.truncate(max_nodes);
    }
    let index: HashMap<IpAddr, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (a, _))| (*a, i))
        .collect();

    let edges_total = convs.len();
    let mut edges: Vec<Edge> = convs
        .into_values()
        .filter_map(|e| {
            Some(Edge {
                src: *index.get(&e.src.0)?,
                dst: *index.get(&e.dst.0)?,
                protocol: proto_name(e.proto),
                ip_protocol: e.proto,
                sport: e.src.1,
                dport: e.dst.1,
                packets_fwd: e.fwd.0,
                bytes_fwd: e.fwd.1,
                packets_rev: e.rev.0,
                bytes_rev: e.rev.1,
                rtt_p50_ns: super::hist::quantile(&e.rtt, 0.5),
                first_seen_unix_ns: clock.unix(e.first_ns),
                last_seen_unix_ns: clock.unix(e.last_ns),
                ifindexes: e.ifindexes.into_iter().collect(),
            })
        })
        .collect();
    // Conversation order among equals (the map's), most bytes first.
    edges.sort_by_key(|e| std::cmp::Reverse(e.bytes_fwd.saturating_add(e.bytes_rev)));
    let nodes_kept = order.len();
    let edges_kept = edges.len();
    Graph {
        nodes: order
            .into_iter()
            .enumerate()
            .map(|(index, (a, n))| Node {
                index,
                addr: a.to_string(),
                family: family(&a),
                packets_in: n.packets_in,
                bytes_in: n.bytes_in,
                packets_out: n.packets_out,
                bytes_out: n.bytes_out,
                peers: n.peers.len(),
                ports: n.ports.len(),
                flows: n.flows,
            })
            .collect(),
        edges,
        nodes_total,
        edges_total,
        nodes_left_out: nodes_total - nodes_kept,
        edges_left_out: edges_total - edges_kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(p: u8) -> String {
        match p {
            6 => "tcp".into(),
            17 => "udp".into(),
            n => format!("proto-{n}"),
        }
    }

    const CLOCK: Clock = Clock {
        mono_ns: 1_000,
        unix_ns: 1_000_000,
    };

    #[allow(clippy::too_many_arguments)]
    fn flow(
        ifindex: u32,
        proto: u8,
        local: &str,
        lport: u16,
        remote: &str,
        rport: u16,
        rx: (u64, u64),
        tx: (u64, u64),
    ) -> FlowSample {
        FlowSample {
            id: FlowId {
                ifindex,
                proto,
                local: local.parse().unwrap(),
                lport,
                remote: remote.parse().unwrap(),
                rport,
            },
            first_ns: 100,
            last_ns: 900,
            c: Counters {
                rx_packets: rx.0,
                rx_bytes: rx.1,
                tx_packets: tx.0,
                tx_bytes: tx.1,
            },
            rtt_slots: vec![0; 32],
        }
    }

    fn three() -> Vec<FlowSample> {
        vec![
            flow(
                2,
                6,
                "10.0.0.1",
                22,
                "10.0.0.2",
                40000,
                (10, 1000),
                (12, 5000),
            ),
            flow(2, 17, "10.0.0.1", 53, "10.0.0.3", 5353, (4, 400), (4, 800)),
            flow(2, 17, "10.0.0.1", 1000, "10.0.0.2", 2000, (1, 60), (0, 0)),
        ]
    }

    fn node<'a>(g: &'a Graph, addr: &str) -> &'a Node {
        g.nodes.iter().find(|n| n.addr == addr).unwrap()
    }

    #[test]
    fn nodes_edges_and_features() {
        let g = build(&three(), 0, CLOCK, name);
        assert_eq!(g.nodes.len(), 3);
        assert_eq!(g.edges.len(), 3);
        // Index 0 is the address with the most bytes; indexes are positions.
        assert_eq!(g.nodes[0].addr, "10.0.0.1");
        for (i, n) in g.nodes.iter().enumerate() {
            assert_eq!(n.index, i);
        }
        let a = node(&g, "10.0.0.1");
        assert_eq!(
            (a.packets_in, a.bytes_in, a.packets_out, a.bytes_out),
            (15, 1460, 16, 5800)
        );
        assert_eq!((a.peers, a.ports, a.flows), (2, 3, 3));
        let b = node(&g, "10.0.0.2");
        assert_eq!(
            (b.packets_in, b.bytes_in, b.packets_out, b.bytes_out),
            (12, 5000, 11, 1060)
        );
        assert_eq!((b.peers, b.ports, b.flows), (1, 2, 2));
        let tcp = g.edges.iter().find(|e| e.protocol == "tcp").unwrap();
        assert_eq!(g.nodes[tcp.src].addr, "10.0.0.1");
        assert_eq!(g.nodes[tcp.dst].addr, "10.0.0.2");
        assert_eq!((tcp.sport, tcp.dport), (22, 40000));
        assert_eq!((tcp.packets_fwd, tcp.bytes_fwd), (12, 5000));
        assert_eq!((tcp.packets_rev, tcp.bytes_rev), (10, 1000));
        assert_eq!(tcp.first_seen_unix_ns, 1_000_000 - 900);
        assert_eq!(tcp.last_seen_unix_ns, 1_000_000 - 100);
        assert_eq!(tcp.rtt_p50_ns, None);
        // Most bytes first.
        assert_eq!(g.edges[0].protocol, "tcp");
        assert_eq!((g.nodes_left_out, g.edges_left_out), (0, 0));
    }

    #[test]
    fn indexes_do_not_depend_on_read_order() {
        let mut f = three();
        let a = build(&f, 0, CLOCK, name);
        f.reverse();
        assert_eq!(build(&f, 0, CLOCK, name), a);
        f.swap(0, 1);
        assert_eq!(build(&f, 0, CLOCK, name), a);
        // Ties are broken by address: equal traffic, the lower address first.
        let t = vec![
            flow(1, 17, "10.0.0.9", 1, "10.0.0.5", 2, (1, 100), (0, 0)),
            flow(1, 17, "10.0.0.9", 1, "10.0.0.7", 2, (1, 100), (0, 0)),
        ];
        let g = build(&t, 0, CLOCK, name);
        let addrs: Vec<&str> = g.nodes.iter().map(|n| n.addr.as_str()).collect();
        assert_eq!(addrs, ["10.0.0.9", "10.0.0.5", "10.0.0.7"]);
    }

    #[test]
    fn both_points_of_view_merge_into_one_edge() {
        // The same conversation seen leaving one interface and, swapped, arriving on another
        // (e.g. forwarded): one edge, oriented as the first entry, counts in the right direction.
        let f = vec![
            flow(3, 17, "10.0.0.2", 7, "10.0.0.1", 9, (5, 500), (2, 20)),
            flow(2, 17, "10.0.0.1", 9, "10.0.0.2", 7, (1, 10), (6, 600)),
        ];
        let g = build(&f, 0, CLOCK, name);
        assert_eq!(g.edges.len(), 1);
        let e = &g.edges[0];
        // Key order: ifindex 2 first, so 10.0.0.1:9 is src.
        assert_eq!(g.nodes[e.src].addr, "10.0.0.1");
        assert_eq!((e.sport, e.dport), (9, 7));
        assert_eq!((e.packets_fwd, e.bytes_fwd), (6 + 5, 600 + 500));
        assert_eq!((e.packets_rev, e.bytes_rev), (1 + 2, 10 + 20));
        assert_eq!(e.ifindexes, [2, 3]);
        // Different ports or protocols stay different edges (a multigraph).
        let f = vec![
            flow(2, 17, "10.0.0.1", 9, "10.0.0.2", 7, (1, 10), (0, 0)),
            flow(2, 17, "10.0.0.1", 9, "10.0.0.2", 8, (1, 10), (0, 0)),
            flow(2, 6, "10.0.0.1", 9, "10.0.0.2", 7, (1, 10), (0, 0)),
        ];
        let g = build(&f, 0, CLOCK, name);
        assert_eq!((g.nodes.len(), g.edges.len()), (2, 3));
        assert_eq!(g.nodes[0].flows, 3);
        assert_eq!(g.nodes[0].peers, 1);
    }

    #[test]
    fn ipv6_and_rtt() {
        let mut f = vec![
            flow(2, 6, "fd00::1", 443, "fd00::2", 50000, (3, 300), (3, 3000)),
            flow(2, 17, "10.0.0.1", 53, "10.0.0.3", 5353, (1, 100), (1, 100)),
        ];
        f[0].rtt_slots[10] = 1; // [1024, 2048) ns
        let g = build(&f, 0, CLOCK, name);
        let n = node(&g, "fd00::1");
        assert_eq!(n.family, "ipv6");
        assert_eq!(node(&g, "10.0.0.3").family, "ipv4");
        let e = g.edges.iter().find(|e| e.protocol == "tcp").unwrap();
        assert_eq!(g.nodes[e.dst].addr, "fd00::2");
        let rtt = e.rtt_p50_ns.unwrap();
        assert!((1024..=2048).contains(&rtt), "{rtt}");
        assert_eq!(g.edges[0].protocol, "tcp");
    }

    #[test]
    fn max_nodes_keeps_the_top_and_counts_the_rest() {
        let g = build(&three(), 2, CLOCK, name);
        assert_eq!((g.nodes_total, g.edges_total), (3, 3));
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(g.nodes_left_out, 1);
        // 10.0.0.3 (1200 bytes) is left out with its one edge.
        assert!(g.nodes.iter().all(|n| n.addr != "10.0.0.3"));
        assert_eq!(g.edges.len(), 2);
        assert_eq!(g.edges_left_out, 1);
        for e in &g.edges {
            assert!(e.src < 2 && e.dst < 2);
        }
        // Node features still count the traffic to the left-out node.
        assert_eq!(node(&g, "10.0.0.1").peers, 2);
    }

    #[test]
    fn windows_count_deltas_and_restart_recreated_flows() {
        let mut f = three();
        let mut w = Windows::new(1, &f, ReadMeta::default());
        // Nothing new: an empty window.
        assert!(w.next(&f, ReadMeta::default()).0.is_empty());
        f[0].c.tx_packets += 2;
        f[0].c.tx_bytes += 200;
        let d = w.next(&f, ReadMeta::default()).0;
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].c,
            Counters {
                rx_packets: 0,
                rx_bytes: 0,
                tx_packets: 2,
                tx_bytes: 200
            }
        );
        // Evicted and created again (another first_ns): everything it has is new.
        f[1].first_ns = 5000;
        f[1].c = Counters {
            rx_packets: 1,
            rx_bytes: 50,
            tx_packets: 0,
            tx_bytes: 0,
        };
        let d = w.next(&f, ReadMeta::default()).0;
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].c.rx_bytes, 50);
        // A flow that appeared: all of it.
        let mut g = f.clone();
        g.push(flow(2, 17, "10.0.0.1", 1, "10.0.0.4", 1, (2, 2), (0, 0)));
        let d = w.next(&g, ReadMeta::default()).0;
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id.remote.to_string(), "10.0.0.4");
    }

    #[test]
    fn sliding_windows_span_k_reads() {
        let mut f = vec![flow(1, 17, "10.0.0.1", 1, "10.0.0.2", 2, (0, 0), (0, 0))];
        let mut w = Windows::new(3, &f, ReadMeta::default());
        let mut got = Vec::new();
        for _ in 0..6 {
            f[0].c.rx_packets += 1;
            f[0].c.rx_bytes += 10;
            got.push(
                w.next(&f, ReadMeta::default())
                    .0
                    .first()
                    .map(|x| x.c.rx_packets)
                    .unwrap_or(0),
            );
        }
        // Growing until the window is full, then the last three intervals.
        assert_eq!(got, [1, 2, 3, 3, 3, 3]);
        // Each window starts at the read three reads back (the first read until then).
        let mut w = Windows::new(
            3,
            &f,
            ReadMeta {
                unix_ns: 0,
                evicted: 7,
            },
        );
        let starts: Vec<(u64, u64)> = (1..=5)
            .map(|t| {
                w.next(
                    &f,
                    ReadMeta {
                        unix_ns: t,
                        evicted: 7 + t,
                    },
                )
                .1
            })
            .map(|m| (m.unix_ns, m.evicted))
            .collect();
        assert_eq!(starts, [(0, 7), (0, 7), (0, 7), (1, 8), (2, 9)]);
        // Tumbling windows add up to the whole.
        let mut f = vec![flow(1, 17, "10.0.0.1", 1, "10.0.0.2", 2, (0, 0), (0, 0))];
        let mut w = Windows::new(1, &f, ReadMeta::default());
        let mut sum = 0;
        for i in 1..=5 {
            f[0].c.rx_bytes += i * 7;
            f[0].c.rx_packets += 1;
            sum += w
                .next(&f, ReadMeta::default())
                .0
                .first()
                .map(|x| x.c.rx_bytes)
                .unwrap_or(0);
        }
        assert_eq!(sum, f[0].c.rx_bytes);
    }

    #[test]
    fn window_lengths() {
        assert_eq!(intervals_per_window(1.0, 1.0), Ok(1));
        assert_eq!(intervals_per_window(1.0, 2.5), Ok(3));
        assert_eq!(intervals_per_window(0.1, 0.3), Ok(3));
        assert!(intervals_per_window(2.0, 1.0).is_err());
        assert!(intervals_per_window(0.05, 86400.0).is_err());
        assert_eq!(intervals_per_window(0.5, 128.0), Ok(256));
    }

    #[test]
    fn unix_clock() {
        let c = Clock {
            mono_ns: 1000,
            unix_ns: 50_000,
        };
        assert_eq!(c.unix(400), 49_400);
        assert_eq!(c.unix(1500), 50_500);
    }
}
