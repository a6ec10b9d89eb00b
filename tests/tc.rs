//! tc attach/detach (tcx and clsact) on veth pairs in private namespaces; witnesses: `tc`
//! and `x0bpf net`'s kernel queries, counters read back from the maps.
mod common;

use common::{Bpffs, NetNs, MAIN_IP, PEER_IP};
use serde_json::Value;

fn flows(ns: &NetNs, fs: &Bpffs, name: &str) -> Value {
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "stats", name]);
    r.ok();
    r.json()
}

/// Packets of UDP flows seen from this host (`local` is the main namespace's side), received
/// (`rx_packets`) or sent (`tx_packets`), to or from `port`.
fn udp_packets(stats: &Value, local: &str, remote: &str, port: u64, field: &str) -> u64 {
    stats["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["protocol"] == "udp"
                && f["local"] == local
                && f["remote"] == remote
                && (f["lport"] == port || f["rport"] == port)
        })
        .map(|f| f[field].as_u64().unwrap())
        .sum()
}

fn net_tc(ns: &NetNs, fs: &Bpffs) -> Vec<Value> {
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "net", "--dev", "veth0"]);
    r.ok();
    r.json()["interfaces"][0]["tc"].as_array().unwrap().clone()
}

fn run_both_directions(mode: &str) {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let ing = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        mode,
        "--name",
        "tc_in",
    ]);
    ing.ok();
    let iv = ing.json();
    assert_eq!(iv["mode"], mode, "{iv}");
    let egr = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        "egress",
        "--mode",
        mode,
        "--name",
        "tc_out",
    ]);
    egr.ok();

    // The kernel's view: both programs, one per direction, owned by x0bpf.
    let tc = net_tc(&ns, &fs);
    assert_eq!(tc.len(), 2, "{tc:?}");
    for (dir, owner) in [("ingress", "tc_in"), ("egress", "tc_out")] {
        let p = tc.iter().find(|p| p["direction"] == dir).unwrap();
        assert_eq!(p["mode"], mode);
        assert_eq!(p["owner"], owner);
        assert_eq!(p["name"], "tc_classify");
    }
    if mode == "clsact" {
        let r = ns.exec("tc", &["filter", "show", "dev", "veth0", "ingress"]);
        assert!(
            r.stdout.contains("tc_classify") && r.stdout.contains("direct-action"),
            "{}",
            r.stdout
        );
    }

    ns.udp_to_main(11, 7001);
    ns.udp_to_peer(13, 7002);
    let i = flows(&ns, &fs, "tc_in");
    let e = flows(&ns, &fs, "tc_out");
    assert_eq!(
        udp_packets(&i, MAIN_IP, PEER_IP, 7001, "rx_packets"),
        11,
        "{i}"
    );
    assert_eq!(
        udp_packets(&e, MAIN_IP, PEER_IP, 7002, "tx_packets"),
        13,
        "{e}"
    );
    // Each direction sees only its own traffic.
    assert_eq!(udp_packets(&i, MAIN_IP, PEER_IP, 7002, "packets"), 0);
    assert_eq!(udp_packets(&e, MAIN_IP, PEER_IP, 7001, "packets"), 0);
    assert_eq!(udp_packets(&i, MAIN_IP, PEER_IP, 7001, "tx_packets"), 0);

    // Same object, same place again: a conflict.
    let again = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        mode,
        "--prog",
        "tc_in",
    ]);
    assert_eq!(again.code, 8, "{}", again.stderr);

    // Detach both; the interface is clean again.
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    assert!(net_tc(&ns, &fs).is_empty());
    let r = ns.exec("tc", &["filter", "show", "dev", "veth0", "ingress"]);
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    let r = ns.exec("tc", &["qdisc", "show", "dev", "veth0"]);
    assert!(!r.stdout.contains("clsact"), "{}", r.stdout);
    let d = ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]);
    assert_eq!(d.code, 9);
}

#[test]
fn tcx_ingress_and_egress_count() {
    run_both_directions("tcx");
}

#[test]
fn clsact_ingress_and_egress_count() {
    run_both_directions("clsact");
}

#[test]
fn auto_prefers_tcx_on_this_kernel() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v["mode"], "tcx");
    assert_eq!(v["how"], "bpf_link");
    assert!(v["link_id"].as_u64().is_some());
    // Unload detaches what x0bpf attached for the object, and releases it.
    let u = ns.x0(&["--bpffs", fs.arg(), "-j", "unload", "tc_classifier"]);
    u.ok();
    let uv = u.json();
    assert_eq!(uv["detached"].as_array().unwrap().len(), 1);
    assert!(uv["still_held"].as_array().unwrap().is_empty(), "{uv}");
    assert!(net_tc(&ns, &fs).is_empty());
}

#[test]
fn replace_swaps_the_program_in_place_and_net_show_works() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    for mode in ["tcx", "clsact"] {
        let name = format!("r_{mode}");
        let attach = |replace: bool| {
            let mut a = vec![
                "--bpffs",
                fs.arg(),
                "-j",
                "attach",
                "tc",
                "veth0",
                "--direction",
                "ingress",
                "--mode",
                mode,
                "--prog",
                &name,
            ];
            if replace {
                a.push("--replace");
            }
            ns.x0(&a)
        };
        ns.x0(&[
            "--bpffs",
            fs.arg(),
            "load",
            "tc_classifier",
            "--name",
            &name,
        ])
        .ok();
        let first = attach(false);
        first.ok();
        assert_eq!(first.json()["replaced"], false);
        assert_eq!(attach(false).code, 8);
        let second = attach(true);
        second.ok();
        assert_eq!(second.json()["replaced"], true);
        // Still exactly one program of ours on ingress.
        let tc = net_tc(&ns, &fs);
        assert_eq!(
            tc.iter().filter(|p| p["owner"] == name.as_str()).count(),
            1,
            "{tc:?}"
        );
        let shown = ns.x0(&["--bpffs", fs.arg(), "net", "show"]);
        shown.ok();
        assert!(
            shown.stdout.contains("tc/ingress") && shown.stdout.contains(&format!("x0bpf:{name}")),
            "{}",
            shown.stdout
        );
        ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
        assert!(net_tc(&ns, &fs).is_empty());
    }
}

#[test]
fn detach_keeps_other_tools_filters_and_their_clsact() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // Another tool's clsact with a u32 filter on egress (not a bpf filter: the kind x0bpf's
    // own listing skips).
    let r = ns.exec("tc", &["qdisc", "add", "dev", "veth0", "clsact"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ns.exec(
        "tc",
        &[
            "filter", "add", "dev", "veth0", "egress", "protocol", "all", "u32", "match", "u32",
            "0", "0", "flowid", "1:1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        "clsact",
    ]);
    a.ok();
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    let q = ns.exec("tc", &["qdisc", "show", "dev", "veth0"]);
    assert!(
        q.stdout.contains("clsact"),
        "the other tool's qdisc stays: {}",
        q.stdout
    );
    let f = ns.exec("tc", &["filter", "show", "dev", "veth0", "egress"]);
    assert!(
        f.stdout.contains("u32"),
        "the other tool's filter stays: {}",
        f.stdout
    );
    // A clsact the user made, without filters, also stays.
    let r = ns.exec("tc", &["filter", "del", "dev", "veth0", "egress"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        "clsact",
    ])
    .ok();
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    let q = ns.exec("tc", &["qdisc", "show", "dev", "veth0"]);
    assert!(q.stdout.contains("clsact"), "{}", q.stdout);
}

#[test]
fn one_direction_detaches_alone_and_replace_keeps_the_kind() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |args: &[&str]| {
        let mut a = vec!["--bpffs", fs.arg(), "-j"];
        a.extend_from_slice(args);
        ns.x0(&a)
    };
    // The same program in both directions (one object).
    x(&["attach", "tc", "veth0", "--direction", "ingress"]).ok();
    x(&["attach", "tc", "veth0", "--direction", "egress"]).ok();
    let d = x(&["detach", "tc", "veth0", "--direction", "ingress"]);
    d.ok();
    assert_eq!(d.json()["verified"], true);
    let left = net_tc(&ns, &fs);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["direction"], "egress");
    x(&["detach", "tc", "veth0"]).ok();

    // --replace over a clsact attachment in mode auto swaps the filter, adds no tcx link.
    x(&[
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        "clsact",
        "--priority",
        "7",
        "--handle",
        "3",
    ])
    .ok();
    let r = x(&[
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--replace",
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v["mode"], "clsact", "{v}");
    assert_eq!(v["priority"], 7);
    let tc = net_tc(&ns, &fs);
    assert_eq!(tc.len(), 1, "{tc:?}");
    assert_eq!(tc[0]["mode"], "clsact");
    x(&["detach", "tc", "veth0"]).ok();
    assert!(net_tc(&ns, &fs).is_empty());

    // The kernel would pick its own priority for 0, which x0bpf could not find again.
    let r = x(&[
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--priority",
        "0",
    ]);
    assert_eq!(r.code, 2);
}

fn tc_attach(ns: &NetNs, fs: &Bpffs, dir: &str) {
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        dir,
    ])
    .ok();
}

fn flows_view(ns: &NetNs, fs: &Bpffs, extra: &[&str]) -> Value {
    let mut args = vec!["--bpffs", fs.arg(), "-j", "flows", "--top", "0"];
    args.extend_from_slice(extra);
    let r = ns.x0(&args);
    r.ok();
    let v = r.json();
    assert_eq!(v["command"], "flows");
    v
}

/// One TCP connection from `client_ns` to `server_ns`'s `ip`, `payload` bytes client → server.
fn tcp_once(client_ns: &str, server_ns: &str, ip: &str, payload: usize) -> u16 {
    use std::io::{Read, Write};
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
    drop(a);
    std::thread::sleep(std::time::Duration::from_millis(100));
    port
}

#[test]
fn flows_have_handshake_rtt_both_ways_and_per_direction_bytes() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    tc_attach(&ns, &fs, "ingress");
    tc_attach(&ns, &fs, "egress");
    // Incoming (peer connects to main): SYN/ACK leaves, ACK comes back.
    let inport = tcp_once(&ns.peer, &ns.name, MAIN_IP, 3000);
    // Outgoing (main connects to peer): SYN leaves, SYN/ACK comes back.
    let outport = tcp_once(&ns.name, &ns.peer, PEER_IP, 500);
    let v = flows_view(&ns, &fs, &["--dev", "veth0", "--sort", "rtt"]);
    assert_eq!(v["source"], "pinned", "{v}");
    let flows = v["flows"].as_array().unwrap();
    let tcp = |lport: Option<u64>, rport: Option<u64>| -> &Value {
        flows
            .iter()
            .find(|f| {
                f["protocol"] == "tcp"
                    && lport.is_none_or(|p| f["lport"] == p)
                    && rport.is_none_or(|p| f["rport"] == p)
            })
            .unwrap_or_else(|| panic!("no tcp flow {lport:?} {rport:?}: {v}"))
    };
    for f in [
        tcp(Some(inport as u64), None),
        tcp(None, Some(outport as u64)),
    ] {
        let rtt = f["rtt_ns"]
            .as_u64()
            .unwrap_or_else(|| panic!("no RTT: {f}"));
        assert!(rtt > 0 && rtt < 1_000_000_000, "{f}");
        let p50 = f["rtt_p50_ns"].as_u64().unwrap();
        assert!(p50 / 2 <= rtt && rtt <= p50.saturating_mul(2), "{f}");
        assert_eq!(f["local"], MAIN_IP);
        assert_eq!(f["remote"], PEER_IP);
        let flags = f["tcp_flags"].as_array().unwrap();
        for want in ["SYN", "ACK", "FIN"] {
            assert!(flags.iter().any(|x| x == want), "{f}");
        }
        assert!(
            f["rx_packets"].as_u64().unwrap() >= 3 && f["tx_packets"].as_u64().unwrap() >= 3,
            "{f}"
        );
        assert!(f["age_s"].as_f64().unwrap() >= f["idle_s"].as_f64().unwrap());
    }
    // The payload direction: 3000 bytes in (plus headers), 500 out.
    let inflow = tcp(Some(inport as u64), None);
    assert!(inflow["rx_bytes"].as_u64().unwrap() >= 3000, "{inflow}");
    let outflow = tcp(None, Some(outport as u64));
    assert!(outflow["tx_bytes"].as_u64().unwrap() >= 500, "{outflow}");
    // --direction filters, --top cuts.
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "flows",
        "--direction",
        "egress",
        "--top",
        "1",
    ]);
    r.ok();
    assert_eq!(r.json()["flows"].as_array().unwrap().len(), 1);
    assert!(r.json()["total_flows"].as_u64().unwrap() >= 2);
}

#[test]
fn more_flows_than_entries_are_evicted_and_counted() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    tc_attach(&ns, &fs, "egress");
    ns.udp_to_peer(1, 9); // resolve ARP first: later datagrams leave at once
    let n = 9000u16;
    NetNs::in_ns(&ns.name, || {
        let s = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
        for p in 0..n {
            s.send_to(b"x", (PEER_IP, 10000 + p)).unwrap();
        }
    });
    let v = flows(&ns, &fs, "tc_classifier");
    let created = v["flows_created"].as_u64().unwrap();
    let evicted = v["evicted"].as_u64().unwrap();
    let live = v["flows"].as_array().unwrap().len() as u64;
    assert!(created > n as u64, "{created}");
    assert!(live <= 8192, "{live}");
    assert!(
        evicted > 0 && evicted == created - live,
        "{created} {evicted} {live}"
    );
}

#[test]
fn flows_attaches_for_itself_and_leaves_nothing() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // Not attached and no --dev: says how to proceed.
    let r = ns.x0(&["--bpffs", fs.arg(), "flows"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(r.stderr.contains("--dev"), "{}", r.stderr);
    // With --dev: its own tcx links for the duration; counts exact.
    let mut child = std::process::Command::new("nsenter")
        .args([&format!("--net={}", ns.path.display()), common::bin()])
        .args([
            "--bpffs",
            fs.arg(),
            "-j",
            "flows",
            "--dev",
            "veth0",
            "--duration",
            "3s",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert!(line.contains("watching"), "{line}");
    ns.udp_to_main(17, 7101);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["source"], "own");
    assert_eq!(
        udp_packets(&v, MAIN_IP, PEER_IP, 7101, "rx_packets"),
        17,
        "{v}"
    );
    // Nothing pinned, nothing attached afterwards.
    assert!(net_tc(&ns, &fs).is_empty());
    assert!(!fs.dir.join("x0bpf/tc_classifier").exists());
    // Killed with SIGKILL while attached: the links die with it.
    let mut child = std::process::Command::new("nsenter")
        .args([&format!("--net={}", ns.path.display()), common::bin()])
        .args(["flows", "--dev", "veth0", "--duration", "60s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert_eq!(
        net_tc(&ns, &fs).len(),
        2,
        "ingress and egress while it runs"
    );
    child.kill().unwrap();
    let _ = child.wait();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !net_tc(&ns, &fs).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "tcx links left behind"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// ifindexes repeat across network namespaces: a view in another namespace must neither read
/// the pinned instance of this one as its own (`flows` attaches its own) nor show its counters
/// under a same-ifindex interface (`stats --dev` refuses).
#[test]
fn views_tell_network_namespaces_apart() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    tc_attach(&ns, &fs, "ingress");
    let in_peer = |args: &[&str]| {
        let net = format!("--net=/run/netns/{}", ns.peer);
        let mut full = vec![net.as_str(), common::bin(), "--bpffs", fs.arg(), "-j"];
        full.extend_from_slice(args);
        common::sh("nsenter", &full)
    };
    let r = in_peer(&["flows", "--dev", "veth1", "--duration", "1s"]);
    r.ok();
    assert_eq!(r.json()["source"], "own", "{}", r.stdout);
    // An interface in each namespace with one ifindex; tc_classifier attached to the main one.
    let idx = (900 + std::process::id() % 5000).to_string();
    for (netns, a, b) in [
        (&ns.name, "x0same", "x0same1"),
        (&ns.peer, "x0same", "x0same1"),
    ] {
        let r = common::sh(
            "ip",
            &[
                "-n", netns, "link", "add", a, "index", &idx, "type", "veth", "peer", "name", b,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    ns.ip(&["link", "set", "x0same", "up"]);
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "x0same",
        "--direction",
        "egress",
    ])
    .ok();
    let r = in_peer(&["stats", "tc_classifier", "--dev", "x0same"]);
    assert_eq!(r.code, 9, "{}", r.stdout);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not attached to x0same in this network namespace"),
        "{}",
        r.stdout
    );
    // flows --interval is checked like stats'.
    let r = ns.x0(&["flows", "--watch", "--interval", "nan"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Issue 20: --watch honours --count (it never stopped).
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "flows",
        "--watch",
        "--count",
        "2",
        "--interval",
        "0.1",
    ]);
    r.ok();
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "header, 2 samples, summary: {}", r.stdout);
    assert_eq!(lines[3]["summary"]["reason"], "count", "{}", r.stdout);
    assert_eq!(lines[3]["summary"]["records"], 2, "{}", r.stdout);
}

/// `net` without `--dev` reads XDP features and clsact qdiscs with one dump each for all
/// interfaces: each interface must still get its own filters and features. Witnesses:
/// `net --dev X` for the filters of the one interface with them, and libbpf's per-interface
/// `bpf_xdp_query` for the features.
#[test]
fn net_attributes_filters_and_features_to_the_right_interface() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    for i in 0..3 {
        ns.ip(&[
            "link",
            "add",
            &format!("xa{i}"),
            "type",
            "veth",
            "peer",
            "name",
            &format!("xb{i}"),
        ])
        .ok();
    }
    // clsact without filters on one, a cls_bpf filter on veth0.
    ns.exec("tc", &["qdisc", "add", "dev", "xa1", "clsact"])
        .ok();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        "clsact",
        "--name",
        "tc_multi",
    ])
    .ok();
    let all = ns.x0(&["--bpffs", fs.arg(), "-j", "net"]);
    all.ok();
    let v = all.json();
    let ifaces = v["interfaces"].as_array().unwrap();
    assert!(ifaces.len() >= 8, "{v}");
    for i in ifaces {
        let name = i["name"].as_str().unwrap();
        if name == "veth0" {
            assert_eq!(i["tc"].as_array().unwrap().len(), 1, "{i}");
            assert_eq!(i["tc"][0]["mode"], "clsact", "{i}");
            assert_eq!(i["tc"][0]["owner"], "tc_multi", "{i}");
        } else {
            assert_eq!(i["tc"], serde_json::json!([]), "{name}: {i}");
        }
        let one = ns.x0(&["--bpffs", fs.arg(), "-j", "net", "--dev", name]);
        one.ok();
        assert_eq!(one.json()["interfaces"][0], *i, "{name}");
        let ifindex = i["ifindex"].as_i64().unwrap() as i32;
        let flags = NetNs::in_ns(&ns.name, || {
            let mut opts = libbpf_sys::bpf_xdp_query_opts {
                sz: std::mem::size_of::<libbpf_sys::bpf_xdp_query_opts>() as _,
                ..Default::default()
            };
            // SAFETY: a sized opts struct the call fills in.
            let rc = unsafe { libbpf_sys::bpf_xdp_query(ifindex, 0, &mut opts) };
            (rc == 0).then_some(opts.feature_flags)
        });
        let want = flags.map(x0bpf::sys::bpf::xdp_feature_names);
        assert_eq!(
            i["xdp_features"],
            serde_json::to_value(&want).unwrap(),
            "{name}"
        );
    }
}

/// Hostile review: a filter another tool attached with x0bpf's pinned program is not shown as
/// x0bpf's (owner by where x0bpf's records say it attached, not by program id).
#[test]
fn net_owner_comes_from_records_not_program_ids() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
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
    let pin = fs.dir.join("x0bpf/tc_classifier/progs/tc_classify");
    let _ = ns.exec("tc", &["qdisc", "add", "dev", "veth0", "clsact"]);
    let r = ns.exec(
        "tc",
        &[
            "filter",
            "add",
            "dev",
            "veth0",
            "egress",
            "bpf",
            "da",
            "pinned",
            pin.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let progs = net_tc(&ns, &fs);
    let ours: Vec<&Value> = progs
        .iter()
        .filter(|p| p["direction"] == "ingress")
        .collect();
    let theirs: Vec<&Value> = progs
        .iter()
        .filter(|p| p["direction"] == "egress")
        .collect();
    assert_eq!(ours.len(), 1, "{progs:?}");
    assert_eq!(theirs.len(), 1, "{progs:?}");
    assert_eq!(ours[0]["owner"], "tc_classifier", "{progs:?}");
    assert!(theirs[0]["owner"].is_null(), "{progs:?}");
    ns.exec("tc", &["filter", "del", "dev", "veth0", "egress"]);
    ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
}
