//! `x0bpf flows --graph`: known traffic between three endpoints (the main namespace, the peer,
//! and a second address on the peer) through tc_classifier on veth0, read back as graph
//! windows; the flow table (`x0bpf flows --json`) is the witness. No timing assertions: the
//! traffic is bracketed by whole windows (headers read before it, three more windows after it).
mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Bpffs, NetNs, MAIN_IP, PEER_IP};
use serde_json::Value;

const THIRD_IP: &str = "10.200.0.3";

/// A running `x0bpf flows --graph` whose lines arrive on a channel.
struct Stream {
    child: Child,
    lines: mpsc::Receiver<String>,
    got: Vec<Value>,
}

impl Stream {
    fn start(ns: &NetNs, fs: &Bpffs, extra: &[&str]) -> Stream {
        let net = format!("--net={}", ns.path.display());
        let mut child = Command::new("nsenter")
            .arg(&net)
            .arg(common::bin())
            .args(["--bpffs", fs.arg(), "flows", "--graph"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn x0bpf flows --graph");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let mut s = Stream {
            child,
            lines: rx,
            got: Vec::new(),
        };
        let h = s.next().expect("a header line");
        assert_eq!(h["command"], "flows", "{h}");
        assert_eq!(h["header"]["records"], "windows", "{h}");
        assert_eq!(h["schema_version"], 2, "{h}");
        s
    }

    fn next(&mut self) -> Option<Value> {
        let l = self.lines.recv_timeout(Duration::from_secs(60)).ok()?;
        let v: Value =
            serde_json::from_str(&l).unwrap_or_else(|e| panic!("not one JSON line ({e}): {l}"));
        self.got.push(v.clone());
        Some(v)
    }

    /// Wait for `n` more windows: the last one was read after everything sent so far.
    fn windows(&mut self, n: usize) {
        for _ in 0..n {
            let v = self.next().expect("a window line");
            assert!(v.get("window").is_some(), "not a window: {v}");
        }
    }

    /// SIGTERM, then everything up to the summary; the exit code must be 0.
    fn stop(mut self) -> Vec<Value> {
        // SAFETY: kill on our own child's pid (nsenter execs x0bpf in place).
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        while self.next().is_some() {}
        let st = self.child.wait().expect("wait");
        assert_eq!(st.code(), Some(0), "exit status after SIGTERM");
        let last = self.got.last().expect("a summary");
        assert_eq!(last["summary"]["reason"], "interrupted", "{last}");
        assert_eq!(last["summary"]["complete"], true, "{last}");
        assert_eq!(
            last["summary"]["records"].as_u64().unwrap() as usize,
            self.got.len() - 2,
            "records counted"
        );
        std::mem::take(&mut self.got)
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn windows(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|v| v.get("window").is_some()).collect()
}

/// IPv6 autoconfiguration sends ND/MLD packets at unpredictable times: off, so the only
/// flows are the test's.
fn no_ipv6(ns: &str) {
    let r = common::sh(
        "ip",
        &[
            "netns",
            "exec",
            ns,
            "sysctl",
            "-qw",
            "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1",
        ],
    );
    assert_eq!(r.code, 0, "sysctl: {}", r.stderr);
}

fn setup() -> (NetNs, Bpffs) {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    no_ipv6(&ns.name);
    no_ipv6(&ns.peer);
    let r = common::sh(
        "ip",
        &[
            "-n",
            &ns.peer,
            "addr",
            "add",
            &format!("{THIRD_IP}/24"),
            "dev",
            "veth1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for dir in ["ingress", "egress"] {
        ns.x0(&[
            "--bpffs",
            fs.arg(),
            "attach",
            "tc",
            "veth0",
            "--direction",
            dir,
        ])
        .ok();
    }
    (ns, fs)
}

/// Datagrams of `size` payload bytes from `from_ns`/`src` to `dst:port`, where a socket listens
/// (no ICMP port-unreachable comes back). Returns the sender's port.
fn udp(from_ns: &str, src: &str, to_ns: &str, dst: &str, n: usize, size: usize) -> (u16, u16) {
    let l = NetNs::in_ns(to_ns, || std::net::UdpSocket::bind((dst, 0)).unwrap());
    let port = l.local_addr().unwrap().port();
    let s = NetNs::in_ns(from_ns, || std::net::UdpSocket::bind((src, 0)).unwrap());
    let sport = s.local_addr().unwrap().port();
    l.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 2048];
    for _ in 0..n {
        s.send_to(&vec![b'u'; size], (dst, port)).unwrap();
        // Received before the next is sent: none is dropped while ARP resolves.
        assert_eq!(l.recv(&mut buf).unwrap(), size);
    }
    (sport, port)
}

/// One TCP connection, `payload` bytes client → server, closed. Returns the server's port.
fn tcp(client_ns: &str, server_ns: &str, ip: &str, payload: usize) -> u16 {
    let l = NetNs::in_ns(server_ns, || std::net::TcpListener::bind((ip, 0)).unwrap());
    let port = l.local_addr().unwrap().port();
    let mut c = NetNs::in_ns(client_ns, || {
        std::net::TcpStream::connect((ip, port)).unwrap()
    });
    let (mut a, _) = l.accept().unwrap();
    c.write_all(&vec![b'x'; payload]).unwrap();
    let mut got = vec![0u8; payload];
    a.read_exact(&mut got).unwrap();
    drop(c);
    // Read the FIN, so both sides' FIN/ACK exchange is done before the windows close.
    let mut rest = Vec::new();
    a.read_to_end(&mut rest).unwrap();
    drop(a);
    port
}

/// Edge key: protocol and both address:port ends, as the node addresses say.
fn edge_key(w: &Value, e: &Value) -> (String, String, u64, String, u64) {
    let addr = |i: &Value| {
        w["nodes"][i.as_u64().unwrap() as usize]["addr"]
            .as_str()
            .unwrap()
            .to_string()
    };
    (
        e["protocol"].as_str().unwrap().to_string(),
        addr(&e["src"]),
        e["sport"].as_u64().unwrap(),
        addr(&e["dst"]),
        e["dport"].as_u64().unwrap(),
    )
}

fn node<'a>(w: &'a Value, addr: &str) -> &'a Value {
    w["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["addr"] == addr)
        .unwrap_or_else(|| panic!("no node {addr}: {w}"))
}

/// Every edge points at a node of its window; indexes are positions.
fn check_shape(w: &Value) {
    let nodes = w["nodes"].as_array().unwrap();
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n["index"], i as u64, "{w}");
    }
    for e in w["edges"].as_array().unwrap() {
        assert!(e["src"].as_u64().unwrap() < nodes.len() as u64, "{w}");
        assert!(e["dst"].as_u64().unwrap() < nodes.len() as u64, "{w}");
    }
}

#[test]
fn graph_windows_hold_the_known_traffic_between_three_endpoints() {
    let (ns, fs) = setup();
    // All since the start (the window spans more than the test), tumbling windows, and the
    // first one again with room for two nodes only.
    let mut all = Stream::start(&ns, &fs, &["--interval", "0.25", "--window", "60"]);
    let mut tumbling = Stream::start(&ns, &fs, &["--interval", "0.25"]);
    let mut top2 = Stream::start(
        &ns,
        &fs,
        &["--interval", "0.25", "--window", "60", "--max-nodes", "2"],
    );

    // peer (10.200.0.2) → main: TCP with 3000 bytes; 10.200.0.3 → main: 5 datagrams of 100
    // bytes; main → peer: 3 datagrams of 200 bytes.
    let tport = tcp(&ns.peer, &ns.name, MAIN_IP, 3000);
    let (u3_sport, u3_dport) = udp(&ns.peer, THIRD_IP, &ns.name, MAIN_IP, 5, 100);
    let (u1_sport, u1_dport) = udp(&ns.name, MAIN_IP, &ns.peer, PEER_IP, 3, 200);

    for s in [&mut all, &mut tumbling, &mut top2] {
        s.windows(3);
    }
    let all = all.stop();
    let tumbling = tumbling.stop();
    let top2 = top2.stop();

    // The witness: the flow table itself.
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "flows", "--top", "0"]);
    r.ok();
    let table = r.json();
    let flows = table["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 3, "only the test's flows: {table}");

    let last = *windows(&all).last().unwrap();
    check_shape(last);
    let mut addrs: Vec<&str> = last["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["addr"].as_str().unwrap())
        .collect();
    addrs.sort();
    assert_eq!(addrs, [MAIN_IP, PEER_IP, THIRD_IP], "{last}");
    assert_eq!(last["nodes_left_out"], 0);
    assert_eq!(last["edges_left_out"], 0);
    assert_eq!(last["edges"].as_array().unwrap().len(), 3, "{last}");
    assert_eq!(last["evicted"], 0);

    // Every edge is a flow of the table: src is its local side, fwd its sent counts.
    let edges: BTreeMap<_, &Value> = last["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (edge_key(last, e), e))
        .collect();
    for f in flows {
        let key = (
            f["protocol"].as_str().unwrap().to_string(),
            f["local"].as_str().unwrap().to_string(),
            f["lport"].as_u64().unwrap(),
            f["remote"].as_str().unwrap().to_string(),
            f["rport"].as_u64().unwrap(),
        );
        let e = edges
            .get(&key)
            .unwrap_or_else(|| panic!("no edge for {key:?}: {last}"));
        assert_eq!(e["packets_fwd"], f["tx_packets"], "{e} vs {f}");
        assert_eq!(e["bytes_fwd"], f["tx_bytes"], "{e} vs {f}");
        assert_eq!(e["packets_rev"], f["rx_packets"], "{e} vs {f}");
        assert_eq!(e["bytes_rev"], f["rx_bytes"], "{e} vs {f}");
        assert_eq!(e["ifindexes"].as_array().unwrap().len(), 1);
    }

    // Known sizes: UDP on the wire is payload + 8 (UDP) + 20 (IPv4) + 14 (Ethernet).
    let k = |p: &str, a: &str, ap: u16, b: &str, bp: u16| {
        (
            p.to_string(),
            a.to_string(),
            ap as u64,
            b.to_string(),
            bp as u64,
        )
    };
    let u3 = edges[&k("udp", MAIN_IP, u3_dport, THIRD_IP, u3_sport)];
    assert_eq!(
        (u3["packets_rev"].as_u64(), u3["bytes_rev"].as_u64()),
        (Some(5), Some(5 * 142)),
        "{u3}"
    );
    assert_eq!(u3["packets_fwd"], 0);
    assert_eq!(u3["rtt_p50_ns"], Value::Null);
    let u1 = edges[&k("udp", MAIN_IP, u1_sport, PEER_IP, u1_dport)];
    assert_eq!(
        (u1["packets_fwd"].as_u64(), u1["bytes_fwd"].as_u64()),
        (Some(3), Some(3 * 242)),
        "{u1}"
    );
    let t = edges
        .iter()
        .find(|(k, _)| k.0 == "tcp")
        .map(|(_, e)| *e)
        .unwrap();
    assert_eq!(t["sport"], tport as u64, "{t}");
    assert!(t["bytes_rev"].as_u64().unwrap() >= 3000, "{t}");
    let rtt = t["rtt_p50_ns"].as_u64().expect("a handshake RTT");
    assert!(rtt > 0 && rtt < 1_000_000_000, "{t}");
    assert!(t["first_seen_unix_ns"].as_u64() <= t["last_seen_unix_ns"].as_u64());
    assert!(t["first_seen_unix_ns"].as_u64() >= last["start_unix_ns"].as_u64());
    assert!(t["last_seen_unix_ns"].as_u64() <= last["end_unix_ns"].as_u64());

    // Node features are the sums over their edges.
    let main = node(last, MAIN_IP);
    let sum = |field: &str| -> u64 {
        edges
            .values()
            .map(|e| e[field].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(main["bytes_out"].as_u64().unwrap(), sum("bytes_fwd"));
    assert_eq!(main["bytes_in"].as_u64().unwrap(), sum("bytes_rev"));
    assert_eq!(main["packets_in"].as_u64().unwrap(), sum("packets_rev"));
    assert_eq!(
        (main["peers"].as_u64(), main["flows"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(main["ports"], 3, "{main}");
    assert_eq!(node(last, THIRD_IP)["bytes_out"], 5 * 142);
    assert_eq!(node(last, THIRD_IP)["peers"], 1);
    assert_eq!(node(last, PEER_IP)["flows"], 2);
    // Index 0 is the top talker: the main namespace is in every flow.
    assert_eq!(last["nodes"][0]["addr"], MAIN_IP);

    // Tumbling windows follow each other and add up to the same counts.
    let tw = windows(&tumbling);
    for p in tw.windows(2) {
        assert_eq!(p[0]["end_unix_ns"], p[1]["start_unix_ns"]);
    }
    let mut sums: BTreeMap<_, [u64; 4]> = BTreeMap::new();
    for w in &tw {
        check_shape(w);
        for e in w["edges"].as_array().unwrap() {
            let s = sums.entry(edge_key(w, e)).or_default();
            for (i, f) in ["packets_fwd", "bytes_fwd", "packets_rev", "bytes_rev"]
                .iter()
                .enumerate()
            {
                s[i] += e[f].as_u64().unwrap();
            }
        }
    }
    assert_eq!(sums.len(), 3, "{sums:?}");
    for (key, e) in &edges {
        let want = [
            e["packets_fwd"].as_u64().unwrap(),
            e["bytes_fwd"].as_u64().unwrap(),
            e["packets_rev"].as_u64().unwrap(),
            e["bytes_rev"].as_u64().unwrap(),
        ];
        assert_eq!(sums[key], want, "{key:?}");
    }
    // The last tumbling window came after the traffic: empty.
    let tail = tw.last().unwrap();
    assert_eq!(tail["nodes"].as_array().unwrap().len(), 0, "{tail}");
    assert_eq!(tail["flows"], 0);

    // --max-nodes 2: the third address (least bytes) and its edge are left out, and counted.
    let t2 = *windows(&top2).last().unwrap();
    check_shape(t2);
    assert_eq!(t2["nodes"].as_array().unwrap().len(), 2, "{t2}");
    assert_eq!(
        (t2["nodes_total"].as_u64(), t2["edges_total"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        (t2["nodes_left_out"].as_u64(), t2["edges_left_out"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(t2["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["addr"] != THIRD_IP));
    assert_eq!(t2["edges"].as_array().unwrap().len(), 2);
    // The kept nodes' features still count the left-out edge.
    assert_eq!(node(t2, MAIN_IP)["peers"], 2);

    // The example consumer parses the real stream, and says what the stream holds.
    let text: String = all.iter().map(|v| format!("{v}\n")).collect();
    let mut py = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/graph_consumer.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (X0BPF_TEST_DEPS installs it)");
    py.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = py.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let aw = windows(&all);
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("window ")).collect();
    assert_eq!(lines.len(), aw.len(), "{out}");
    for (l, w) in lines.iter().zip(&aw) {
        let n = w["nodes"].as_array().unwrap().len();
        let e = w["edges"].as_array().unwrap().len();
        assert!(
            l.starts_with(&format!("window {} nodes {n} edges {e} ", w["window"])),
            "{l} vs {w}"
        );
        assert!(l.contains(&format!(" edge_index 2x{e} x {n}x7 ")), "{l}");
    }
    // The last window's top talker is printed first.
    let last_block: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with(&format!("window {} ", last["window"])))
        .collect();
    assert!(
        last_block[1].starts_with(&format!("  top {MAIN_IP} bytes ")),
        "{out}"
    );
    assert_eq!(
        out.lines().last().unwrap(),
        format!("end windows {} reason interrupted", aw.len())
    );
}

#[test]
fn graph_count_ends_the_stream_and_a_closed_pipe_is_success() {
    let ns = NetNs::new();
    // Its own attachment (--dev, nothing pinned): --count windows, then the summary.
    let r = ns.x0(&[
        "flows",
        "--graph",
        "--dev",
        "veth0",
        "--interval",
        "0.1",
        "--count",
        "2",
    ]);
    r.ok();
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert_eq!(lines[0]["header"]["source"], "own");
    assert_eq!(lines[0]["header"]["max_nodes"], 1000);
    assert_eq!(lines[1]["window"], 1);
    assert_eq!(lines[2]["window"], 2);
    assert_eq!(lines[3]["summary"]["reason"], "count");
    assert_eq!(lines[3]["summary"]["records"], 2);
    // A --window that is not a whole number of intervals: the header says what a window spans.
    let r = ns.x0(&[
        "flows",
        "--graph",
        "--dev",
        "veth0",
        "--interval",
        "0.1",
        "--window",
        "0.25",
        "--count",
        "1",
    ]);
    r.ok();
    let h: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(h["header"]["intervals_per_window"], 3, "{h}");
    assert_eq!(h["header"]["window_s"], 0.3, "{h}");
    // `| head -1`: the reader goes away; the stream ends with exit 0 at its next write.
    let net = format!("--net={}", ns.path.display());
    let mut child = Command::new("nsenter")
        .arg(&net)
        .arg(common::bin())
        .args(["flows", "--graph", "--dev", "veth0", "--interval", "0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"header\""), "{first}");
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn graph_bad_flags_are_usage_errors() {
    for args in [
        &["flows", "--graph", "--window", "0"][..],
        &["flows", "--graph", "--interval", "garbage"],
        &["flows", "--graph", "--interval", "2", "--window", "1"],
        &["flows", "--graph", "--interval", "0.05", "--window", "3600"],
        &["flows", "--graph", "--count", "0"],
        &["flows", "--graph", "--max-nodes", "-1"],
        &["flows", "--graph", "--watch"],
        &["flows", "--graph", "--sort", "rtt"],
        &["flows", "--graph", "--duration", "3s"],
        &["flows", "--graph", "--direction", "ingress"],
        &["flows", "--window", "5"],
        &["flows", "--max-nodes", "5"],
        &["flows", "--interval", "1"],
        &["flows", "--count", "2"],
    ] {
        let r = common::x0(args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{args:?} wrote {}", r.stdout);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn graph_stream_of_a_pinned_attachment_ends_when_it_is_detached() {
    let (ns, fs) = setup();
    let mut s = Stream::start(&ns, &fs, &["--interval", "0.1"]);
    assert_eq!(s.got[0]["header"]["source"], "pinned");
    s.windows(1);
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    while s.next().is_some() {}
    let st = s.child.wait().expect("wait");
    assert_eq!(st.code(), Some(0));
    let last = s.got.last().unwrap();
    assert_eq!(last["summary"]["reason"], "detached", "{last}");
    assert_eq!(last["summary"]["complete"], true);
}

/// Issue 18 §4: `--graph --dev X` ends when X's links go, even while the object stays
/// attached on another interface.
#[test]
fn graph_stream_with_dev_ends_when_that_interface_is_detached() {
    let (ns, fs) = setup();
    // A second interface in the same namespace (this kernel has no dummy driver).
    ns.ip(&["link", "add", "gd0", "type", "veth", "peer", "name", "gd1"])
        .ok();
    ns.ip(&["link", "set", "gd0", "up"]).ok();
    ns.ip(&["link", "set", "gd1", "up"]).ok();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "gd0",
        "--direction",
        "ingress",
    ])
    .ok();
    let mut s = Stream::start(&ns, &fs, &["--dev", "veth0", "--interval", "0.1"]);
    assert_eq!(s.got[0]["header"]["source"], "pinned");
    s.windows(1);
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while s.next().is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "the stream never ended"
        );
    }
    let st = s.child.wait().expect("wait");
    assert_eq!(st.code(), Some(0));
    let last = s.got.last().unwrap();
    assert_eq!(last["summary"]["reason"], "detached", "{last}");
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "gd0"]).ok();
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
}

/// The example consumer on input that is not a whole graph stream: one line naming the line
/// and the problem, exit 1, never a traceback.
#[test]
fn graph_consumer_refuses_what_is_not_a_graph_stream() {
    const H: &str =
        "{\"schema_version\":2,\"command\":\"flows\",\"header\":{\"records\":\"windows\"}}\n";
    const W: &str =
        "{\"window\":1,\"nodes\":[],\"edges\":[],\"nodes_left_out\":0,\"edges_left_out\":0}\n";
    const S: &str = "{\"summary\":{\"records\":1,\"reason\":\"count\"}}\n";
    let deep = format!("{}\n", "[".repeat(100_000));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json\n".to_vec(), "line 1 is not JSON"),
        (b"{\"x\":1}\n".to_vec(), "line 1 comes before"),
        (
            b"{\"schema_version\":2,\"command\":\"tail\",\"header\":{\"records\":\"events\"}}\n".to_vec(),
            "line 1 is not a flows --graph header",
        ),
        // Not objects: numbers, null, lists.
        (b"5\n".to_vec(), "line 1 is not a JSON object"),
        (b"null\n".to_vec(), "line 1 is not a JSON object"),
        (format!("{H}[1]\n").into_bytes(), "line 2 is not a JSON object"),
        (b"{\"schema_version\":2,\"command\":\"flows\",\"header\":5}\n".to_vec(), "line 1 is not a flows --graph header"),
        // An edge to a node the window does not have.
        (
            format!("{H}{{\"window\":1,\"nodes\":[],\"edges\":[{{\"src\":0,\"dst\":5}}],\"nodes_left_out\":0,\"edges_left_out\":0}}\n{S}").into_bytes(),
            "line 2 is not a graph window",
        ),
        // A feature that is not a count.
        (
            format!("{H}{{\"window\":1,\"nodes\":[{{\"index\":0,\"packets_in\":\"x\",\"bytes_in\":1,\"packets_out\":1,\"bytes_out\":1,\"peers\":1,\"ports\":1,\"flows\":1}}],\"edges\":[],\"nodes_left_out\":0,\"edges_left_out\":0}}\n{S}").into_bytes(),
            "line 2 is not a graph window",
        ),
        // Empty input, a stream cut in the middle of its last line, or before its summary.
        (Vec::new(), "no input"),
        (format!("{H}{W}{{\"window\":2,\"nod").into_bytes(), "line 3 is not JSON"),
        (format!("{H}{W}").into_bytes(), "the stream ended at line 2 without its summary"),
        (format!("{H}{{\"summary\":7}}\n").into_bytes(), "line 2 is not a summary line"),
        (format!("{H}{W}{S}{W}").into_bytes(), "line 4 follows the summary"),
        (format!("{H}{H}").into_bytes(), "line 2 is not a flows --graph header"),
        (b"\xff\xfe\n".to_vec(), "line 1 is not UTF-8"),
        (deep.into_bytes(), "line 1 is not JSON"),
    ];
    for (input, want) in cases {
        let mut py = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/graph_consumer.py"
            ))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 (X0BPF_TEST_DEPS installs it)");
        py.stdin.take().unwrap().write_all(&input).unwrap();
        let o = py.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let shown = String::from_utf8_lossy(&input[..input.len().min(200)]).into_owned();
        assert_eq!(o.status.code(), Some(1), "{shown}: {err}");
        assert!(
            err.starts_with(&format!("graph_consumer: {want}")),
            "{shown}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(!err.contains("Traceback"), "{err}");
    }
    // Bad arguments: usage (exit 2), no traceback — `²` is a digit to Python's isdigit.
    for bad in [
        &["--top", "\u{b2}"][..],
        &["--top", "-1"],
        &["--frobnicate"],
    ] {
        let o = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/graph_consumer.py"
            ))
            .args(bad)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.starts_with("usage: "), "{bad:?}: {err}");
        assert!(!err.contains("Traceback"), "{err}");
    }
    // A whole stream without windows is fine.
    let mut py = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/graph_consumer.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    py.stdin
        .take()
        .unwrap()
        .write_all(format!("{H}{S}").as_bytes())
        .unwrap();
    let o = py.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "end windows 0 reason count\n"
    );
}

/// IPv6 traffic in the netns: TCP and UDP edges between ipv6 nodes, with the flow table's
/// counts, and the handshake RTT estimate consistent with the RTT the program measured.
#[test]
fn graph_ipv6_edges_and_handshake_rtt_match_the_table() {
    const MAIN6: &str = "fd00:200::1";
    const PEER6: &str = "fd00:200::2";
    let ns = NetNs::new();
    let fs = Bpffs::new();
    for (n, dev, a) in [(&ns.name, "veth0", MAIN6), (&ns.peer, "veth1", PEER6)] {
        let r = common::sh(
            "ip",
            &[
                "netns",
                "exec",
                n,
                "sysctl",
                "-qw",
                "net.ipv6.conf.all.disable_ipv6=0",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = common::sh(
            "ip",
            &[
                "-n",
                n,
                "addr",
                "add",
                &format!("{a}/64"),
                "dev",
                dev,
                "nodad",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    for dir in ["ingress", "egress"] {
        ns.x0(&[
            "--bpffs",
            fs.arg(),
            "attach",
            "tc",
            "veth0",
            "--direction",
            dir,
        ])
        .ok();
    }
    let mut s = Stream::start(&ns, &fs, &["--interval", "0.25", "--window", "60"]);
    // peer → main: TCP, 3000 bytes; main → peer: 3 datagrams of 200 bytes.
    let tport = tcp(&ns.peer, &ns.name, MAIN6, 3000);
    let (usport, udport) = udp(&ns.name, MAIN6, &ns.peer, PEER6, 3, 200);
    s.windows(3);
    let got = s.stop();
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "flows", "--top", "0"]);
    r.ok();
    let table = r.json();
    let last = *windows(&got).last().unwrap();
    check_shape(last);
    assert_eq!(node(last, MAIN6)["family"], "ipv6");
    assert_eq!(node(last, PEER6)["family"], "ipv6");
    let edges: BTreeMap<_, &Value> = last["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (edge_key(last, e), e))
        .collect();
    // ND and MLD add ICMPv6 flows: only TCP and UDP are the test's.
    let flows: Vec<&Value> = table["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["protocol"] == "tcp" || f["protocol"] == "udp")
        .collect();
    assert_eq!(flows.len(), 2, "{table}");
    for f in &flows {
        assert_eq!(f["family"], "ipv6", "{f}");
        let key = (
            f["protocol"].as_str().unwrap().to_string(),
            f["local"].as_str().unwrap().to_string(),
            f["lport"].as_u64().unwrap(),
            f["remote"].as_str().unwrap().to_string(),
            f["rport"].as_u64().unwrap(),
        );
        let e = edges
            .get(&key)
            .unwrap_or_else(|| panic!("no edge for {key:?}: {last}"));
        for (ef, ff) in [
            ("packets_fwd", "tx_packets"),
            ("bytes_fwd", "tx_bytes"),
            ("packets_rev", "rx_packets"),
            ("bytes_rev", "rx_bytes"),
        ] {
            assert_eq!(e[ef], f[ff], "{ef}: {e} vs {f}");
        }
        assert_eq!(e["rtt_p50_ns"], f["rtt_p50_ns"], "{e} vs {f}");
    }
    // UDP over IPv6 on the wire: payload + 8 + 40 + 14.
    let u = edges[&(
        "udp".to_string(),
        MAIN6.to_string(),
        usport as u64,
        PEER6.to_string(),
        udport as u64,
    )];
    assert_eq!(
        (u["packets_fwd"].as_u64(), u["bytes_fwd"].as_u64()),
        (Some(3), Some(3 * 262)),
        "{u}"
    );
    // One handshake: the estimate is the top of the log2 bucket holding the measured RTT.
    let t = edges
        .iter()
        .find(|(k, _)| k.0 == "tcp")
        .map(|(_, e)| *e)
        .unwrap();
    assert_eq!(t["sport"], tport as u64, "{t}");
    let tf = flows.iter().find(|f| f["protocol"] == "tcp").unwrap();
    let measured = tf["rtt_ns"]
        .as_u64()
        .expect("the program measured a handshake");
    let p50 = t["rtt_p50_ns"].as_u64().expect("an RTT estimate");
    assert!(
        measured < p50 && p50 <= 2 * measured.max(1),
        "{measured} vs {p50}"
    );
}

/// Unloaded and attached again between two windows: the table the stream holds is dead (the
/// new one is another map), so the stream ends instead of printing empty windows forever.
#[test]
fn graph_stream_ends_when_its_object_is_reloaded() {
    let (ns, fs) = setup();
    let mut s = Stream::start(&ns, &fs, &["--interval", "0.2"]);
    s.windows(1);
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
    ])
    .ok();
    while s.next().is_some() {}
    let st = s.child.wait().expect("wait");
    assert_eq!(st.code(), Some(0));
    let last = s.got.last().unwrap();
    assert_eq!(last["summary"]["reason"], "detached", "{last}");
    // A new stream reads the new attachment.
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "flows",
        "--graph",
        "--interval",
        "0.1",
        "--count",
        "1",
    ]);
    r.ok();
    assert!(r.stdout.contains("\"source\":\"pinned\""), "{}", r.stdout);
}

/// `| head -1` with a long --interval: the stream ends when its reader goes, not an hour later.
#[test]
fn graph_closed_pipe_ends_a_long_interval_at_once() {
    let ns = NetNs::new();
    let net = format!("--net={}", ns.path.display());
    let mut child = Command::new("nsenter")
        .arg(&net)
        .arg(common::bin())
        .args(["flows", "--graph", "--dev", "veth0", "--interval", "3600"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"header\""), "{first}");
    drop(out);
    // Not a timing assertion: the bound only keeps a failing run from waiting an hour.
    let mut st = None;
    for _ in 0..600 {
        st = child.try_wait().unwrap();
        if st.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(st) = st else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("still running a minute after its reader went away");
    };
    assert_eq!(st.code(), Some(0));
}

/// SIGTERM while the view loads and attaches (strace sends it at the third bpf call): the
/// stream still has its header and summary, and exits 0.
#[test]
fn graph_sigterm_during_setup_ends_the_stream_cleanly() {
    let ns = NetNs::new();
    let net = format!("--net={}", ns.path.display());
    let o = Command::new("nsenter")
        .arg(&net)
        .args(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=bpf"])
        .args(["-e", "inject=bpf:signal=TERM:when=3"])
        .arg(common::bin())
        .args(["flows", "--graph", "--dev", "veth0", "--interval", "0.1"])
        .output()
        .expect("run strace (X0BPF_TEST_DEPS installs it)");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["header"]["records"], "windows");
    assert_eq!(lines[1]["summary"]["reason"], "interrupted");
    assert_eq!(lines[1]["summary"]["records"], 0);
}

/// The view's own attachment (--dev) on an interface that is then deleted: the kernel
/// detaches its links, and the stream ends (`detached`) instead of printing empty windows.
#[test]
fn graph_own_stream_ends_when_its_interface_is_deleted() {
    let ns = NetNs::new();
    let r = ns.ip(&["link", "add", "gx0", "type", "veth", "peer", "name", "gx1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(ns.ip(&["link", "set", "gx0", "up"]).code, 0);
    let net = format!("--net={}", ns.path.display());
    let mut child = Command::new("nsenter")
        .arg(&net)
        .arg(common::bin())
        .args(["flows", "--graph", "--dev", "gx0", "--interval", "0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let next = || rx.recv_timeout(Duration::from_secs(60)).ok();
    assert!(next().expect("header").contains("\"source\":\"own\""));
    assert!(next().expect("a window").contains("\"window\":1"));
    let r = ns.ip(&["link", "del", "gx0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut last = String::new();
    while let Some(l) = next() {
        last = l;
    }
    let _ = child.kill();
    let st = child.wait().unwrap();
    let v: Value = serde_json::from_str(&last).unwrap_or_else(|e| panic!("{e}: {last}"));
    assert_eq!(v["summary"]["reason"], "detached", "{last}");
    assert_eq!(st.code(), Some(0));
}

/// `flows --graph --dev` attaching tc_classifier for itself, killed (SIGKILL) at each of its
/// bpf() calls: the interface keeps no tcx program of it, and the next stream works.
#[test]
fn graph_own_attachment_killed_at_every_bpf_call_leaves_nothing() {
    let ns = NetNs::new();
    let net = format!("--net={}", ns.path.display());
    let args = [
        "flows",
        "--graph",
        "--dev",
        "veth0",
        "--interval",
        "0.05",
        "--count",
        "1",
    ];
    let dir = std::env::temp_dir().join(format!("x0graph-{}", common::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("strace.txt");
    let o = Command::new("nsenter")
        .arg(&net)
        .args(["strace", "-f", "-qq", "-e", "trace=bpf", "-o"])
        .arg(&trace)
        .arg(common::bin())
        .args(args)
        .output()
        .expect("run strace (X0BPF_TEST_DEPS installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&trace).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let steps = text.lines().filter(|l| l.contains("bpf(")).count();
    assert!(
        text.contains("BPF_LINK_CREATE"),
        "the run attached nothing: {text}"
    );
    // This bpftool (Debian 12's) does not list tcx: `x0bpf net` asks the kernel (BPF_PROG_QUERY).
    let tcx_here = || {
        let r = ns.x0(&["-j", "net"]);
        r.ok();
        let v = r.json();
        v["interfaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["name"] == "veth0")
            .map(|i| i["tc"].as_array().unwrap().len())
            .sum::<usize>()
    };
    // The check sees a live attachment: ingress and egress while a stream runs.
    let mut live = Command::new("nsenter")
        .arg(&net)
        .arg(common::bin())
        .args(["flows", "--graph", "--dev", "veth0", "--interval", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut header = String::new();
    BufReader::new(live.stdout.as_mut().unwrap())
        .read_line(&mut header)
        .unwrap();
    let seen = tcx_here();
    let _ = live.kill();
    let _ = live.wait();
    assert_eq!(seen, 2, "{header}");
    for n in 1..=steps {
        let o = Command::new("nsenter")
            .arg(&net)
            .args(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=bpf"])
            .arg("-e")
            .arg(format!("inject=bpf:signal=KILL:when={n}"))
            .arg(common::bin())
            .args(args)
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "step {n} was not killed");
        assert_eq!(
            tcx_here(),
            0,
            "a tcx program left on veth0 after a kill at bpf call {n}"
        );
    }
    let r = ns.x0(&args);
    r.ok();
    assert!(r.stdout.contains("\"reason\":\"count\""), "{}", r.stdout);
}

/// `--object NAME` naming a loaded object that is not attached at tc: refused (exit code of
/// NotAttached), not silently replaced by the view's own tc_classifier under NAME's label.
#[test]
fn graph_object_loaded_but_not_attached_is_refused() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let name = format!("gx{}", common::unique());
    ns.x0(&["--bpffs", fs.arg(), "load", "xdp_counter", "--name", &name])
        .ok();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "flows",
        "--graph",
        "--object",
        &name,
        "--dev",
        "veth0",
        "--count",
        "1",
    ]);
    // ErrorKind::NotAttached (docs/JSON.md, exit codes).
    assert_eq!(r.code, 9, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr
            .contains(&format!("{name} is loaded but not attached at tc on veth0")),
        "{}",
        r.stderr
    );
    ns.x0(&["--bpffs", fs.arg(), "unload", &name]).ok();
}
