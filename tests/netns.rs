//! Issue 20 §1 / issue 28: counters of programs attached inside a network namespace are
//! labelled with that namespace's interfaces — never with the host's interface of the same
//! ifindex — and `net --all-netns` is one inventory of every namespace.
mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command, Stdio};

use common::Bpffs;

/// Named network namespaces removed on drop, also when the test panics.
struct Spaces(Vec<String>);

impl Spaces {
    fn new(names: &[&str]) -> Spaces {
        common::require_root();
        let s = Spaces(Vec::new());
        let mut s = s;
        for n in names {
            let r = common::sh("ip", &["netns", "add", n]);
            assert_eq!(r.code, 0, "ip netns add {n}: {}", r.stderr);
            s.0.push(n.to_string());
        }
        s
    }
}

impl Drop for Spaces {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = Command::new("ip").args(["netns", "del", n]).output();
        }
    }
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[track_caller]
fn ip(args: &[&str]) {
    let r = common::sh("ip", args);
    assert_eq!(r.code, 0, "ip {}: {}", args.join(" "), r.stderr);
}

fn inode(ns: &str) -> u64 {
    std::fs::metadata(format!("/run/netns/{ns}")).unwrap().ino()
}

/// x0bpf in network namespace `ns` (this mount namespace kept: the private bpffs is seen).
fn x0_in(ns: &str, fs: &Bpffs, args: &[&str]) -> common::Run {
    let net = format!("--net=/run/netns/{ns}");
    let mut full = vec![net.as_str(), common::bin(), "--bpffs", fs.arg()];
    full.extend_from_slice(args);
    common::sh("nsenter", &full)
}

/// A host interface other than lo: (ifindex, name).
fn host_iface() -> (u32, String) {
    let r = common::sh("ip", &["-j", "link", "show"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|l| l["ifname"] != "lo")
        .map(|l| {
            (
                l["ifindex"].as_u64().unwrap() as u32,
                l["ifname"].as_str().unwrap().to_string(),
            )
        })
        .expect("a host interface other than lo")
}

/// Namespace `a` holds `ia` with the host interface's ifindex, its veth peer `ib` in `b`;
/// addresses 10.211.N.1 (a) and .2 (b).
fn pair(a: &str, b: &str, ia: &str, ib: &str, index: u32, net: u8) {
    let idx = index.to_string();
    // The peer is created first: give it an index of its own, clear of `index`.
    let pidx = (index + 100).to_string();
    ip(&[
        "-n", a, "link", "add", ia, "index", &idx, "type", "veth", "peer", "name", ib, "index",
        &pidx,
    ]);
    ip(&["-n", a, "link", "set", ib, "netns", b]);
    ip(&[
        "-n",
        a,
        "addr",
        "add",
        &format!("10.211.{net}.1/24"),
        "dev",
        ia,
    ]);
    ip(&[
        "-n",
        b,
        "addr",
        "add",
        &format!("10.211.{net}.2/24"),
        "dev",
        ib,
    ]);
    for (n, i) in [(a, ia), (b, ib), (a, "lo"), (b, "lo")] {
        ip(&["-n", n, "link", "set", i, "up"]);
    }
}

fn traffic_b_to_a(b: &str, net: u8) {
    // UDP to a closed port: counted at XDP and tc ingress alike.
    let dst = format!("10.211.{net}.1");
    let r = common::sh(
        "ip",
        &[
            "netns", "exec", b, "ping", "-q", "-c", "3", "-i", "0.05", "-W", "2", &dst,
        ],
    );
    assert_eq!(r.code, 0, "ping: {} {}", r.stdout, r.stderr);
}

#[test]
fn views_name_the_interface_of_the_counters_namespace() {
    let (host_idx, host_name) = host_iface();
    let u = common::unique();
    let (a, b) = (format!("x0na{u}"), format!("x0nb{u}"));
    let sp = Spaces::new(&[&a, &b]);
    let (ia, ib) = (format!("x0c{u}"), format!("x0d{u}"));
    pair(&a, &b, &ia, &ib, host_idx, 1);
    let fs = Bpffs::new();
    x0_in(&a, &fs, &["attach", "xdp", &ia]).ok();
    x0_in(&a, &fs, &["attach", "tc", &ia, "--direction", "ingress"]).ok();
    traffic_b_to_a(&b, 1);
    let ino = inode(&a);

    // stats from the host.
    let r = fs.x0(&["-j", "stats"]);
    r.ok();
    let v = r.json();
    let i = &v["interfaces"][0];
    assert_eq!(i["ifindex"], host_idx, "{v}");
    assert_eq!(i["name"], ia.as_str(), "{v}");
    assert_eq!(i["netns"], ino, "{v}");
    assert_eq!(i["netns_name"], a.as_str(), "{v}");
    for p in v["protocols"].as_array().unwrap() {
        assert_eq!(p["interface"], ia.as_str(), "{p}");
        assert_eq!(p["netns"], ino, "{p}");
    }
    let t = fs.x0(&["stats"]);
    t.ok();
    // In a pipe the title (which names interface and namespace) is on stderr; rows carry
    // the interface's own name.
    assert!(
        t.stderr
            .contains(&format!("{ia} ({host_idx}) in netns {a}")),
        "{}",
        t.stderr
    );
    assert!(t.stdout.contains(&format!(" {ia} ")), "{}", t.stdout);
    assert!(!t.stdout.contains(&host_name), "{}", t.stdout);

    // flows from the host (tc_classifier pinned and attached in the namespace).
    let r = fs.x0(&["-j", "flows"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["source"], "pinned", "{v}");
    assert_eq!(v["interfaces"][0]["name"], ia.as_str(), "{v}");
    assert_eq!(v["interfaces"][0]["netns"], ino, "{v}");
    let flows = v["flows"].as_array().unwrap();
    assert!(!flows.is_empty(), "{v}");
    for f in flows {
        assert_eq!(f["interface"], ia.as_str(), "{f}");
        assert_eq!(f["netns"], ino, "{f}");
    }
    let t = fs.x0(&["flows"]);
    t.ok();
    assert!(!t.stdout.contains(&host_name), "{}", t.stdout);

    // explain id N of the XDP program.
    let l = common::sh("ip", &["-n", &a, "-j", "link", "show", &ia]);
    let lv: serde_json::Value = serde_json::from_str(&l.stdout).unwrap();
    let id = lv[0]["xdp"]["prog"]["id"].as_u64().expect("xdp prog id");
    let e = common::x0(&["explain", "id", &id.to_string()]);
    e.ok();
    assert!(
        e.stdout
            .contains(&format!("on ifindex {host_idx} ({ia} in netns {a})")),
        "{}",
        e.stdout
    );
    assert!(
        !e.stdout.contains(&format!("({host_name})")),
        "{}",
        e.stdout
    );

    // The exporter, in the host namespace, serves the namespace's counters.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut c = Command::new(common::bin())
        .args(["--bpffs", fs.arg(), "exporter", "--listen", &listen])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(c.stderr.take().unwrap());
    let _k = Kill(c);
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "exporter: {line}");
    let r = common::sh(
        "curl",
        &[
            "-sS",
            "--fail",
            "--max-time",
            "10",
            &format!("http://{listen}/metrics"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("x0bpf_xdp_packets_total{") && !l.contains("runt"))
        .collect();
    assert!(!ours.is_empty(), "{}", r.stdout);
    for l in ours {
        assert!(l.contains(&format!("interface=\"{ia}\"")), "{l}");
        assert!(l.contains(&format!("netns=\"{ino}\"")), "{l}");
        assert!(!l.contains(&format!("\"{host_name}\"")), "{l}");
    }
    drop(sp);
}

#[test]
fn net_all_netns_lists_every_namespace() {
    let u = common::unique();
    let (a, b) = (format!("x0ma{u}"), format!("x0mb{u}"));
    let _sp = Spaces::new(&[&a, &b]);
    let (ia, ib) = (format!("x0e{u}"), format!("x0f{u}"));
    // One ifindex in both namespaces is fine: each entry carries its namespace.
    ip(&[
        "-n", &a, "link", "add", &ia, "type", "veth", "peer", "name", &ib,
    ]);
    ip(&["-n", &a, "link", "set", &ib, "netns", &b]);
    for (n, i) in [(&a, &ia), (&b, &ib)] {
        ip(&["-n", n, "link", "set", i, "up"]);
    }
    let fs = Bpffs::new();
    x0_in(&a, &fs, &["attach", "xdp", &ia]).ok();
    x0_in(&b, &fs, &["attach", "tc", &ib, "--direction", "egress"]).ok();
    let r = fs.x0(&["-j", "net", "--all-netns"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["all_netns"], true, "{v}");
    let ifs = v["interfaces"].as_array().unwrap();
    let find = |name: &str| {
        ifs.iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {v}"))
    };
    let ea = find(&ia);
    assert_eq!(ea["netns_inode"], inode(&a), "{ea}");
    assert_eq!(ea["netns_name"], a.as_str(), "{ea}");
    assert_eq!(ea["xdp"][0]["owner"], "xdp_counter", "{ea}");
    let eb = find(&ib);
    assert_eq!(eb["netns_inode"], inode(&b), "{eb}");
    assert_eq!(eb["netns_name"], b.as_str(), "{eb}");
    assert_eq!(eb["tc"][0]["owner"], "tc_classifier", "{eb}");
    assert_eq!(eb["tc"][0]["direction"], "egress", "{eb}");
    // Each namespace's lo once, the host's too: deduplicated by inode.
    let host = std::fs::metadata("/proc/self/ns/net").unwrap().ino();
    for ns in [inode(&a), inode(&b), host] {
        let los = ifs
            .iter()
            .filter(|i| i["name"] == "lo" && i["netns_inode"] == ns)
            .count();
        assert_eq!(los, 1, "lo of {ns}: {v}");
    }
    // The table has the namespace column.
    let t = fs.x0(&["net", "--all-netns"]);
    t.ok();
    assert!(
        t.stdout.lines().any(|l| l.contains(&ia) && l.contains(&a)),
        "{}",
        t.stdout
    );
    // --dev is for one namespace.
    let r = fs.x0(&["net", "--all-netns", "--dev", "lo"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// One object attached under the same ifindex in two namespaces: its counters cannot tell the
/// interfaces apart, so no name (and no namespace) is given rather than a guess.
#[test]
fn counters_under_one_ifindex_in_two_namespaces_are_not_named() {
    let u = common::unique();
    let (a, b) = (format!("x0ka{u}"), format!("x0kb{u}"));
    let _sp = Spaces::new(&[&a, &b]);
    let (ia, ip2) = (format!("x0g{u}"), format!("x0h{u}"));
    let fs = Bpffs::new();
    // The host's interface of that ifindex must not lend its name either.
    let (idx, _) = host_iface();
    let (i1, i2) = (idx.to_string(), (idx + 100).to_string());
    for n in [&a, &b] {
        ip(&[
            "-n", n, "link", "add", &ia, "index", &i1, "type", "veth", "peer", "name", &ip2,
            "index", &i2,
        ]);
        ip(&["-n", n, "addr", "add", "10.212.0.2/24", "dev", &ip2]);
        for i in [&ia, &ip2] {
            ip(&["-n", n, "link", "set", i, "up"]);
        }
        x0_in(n, &fs, &["attach", "xdp", &ia]).ok();
        // ARP for an absent neighbour leaves through the peer and arrives on the counted end.
        let _ = common::sh(
            "ip",
            &[
                "netns",
                "exec",
                n,
                "ping",
                "-c",
                "1",
                "-W",
                "1",
                "-I",
                &ip2,
                "10.212.0.9",
            ],
        );
    }
    let r = fs.x0(&["-j", "stats"]);
    r.ok();
    let v = r.json();
    let i = &v["interfaces"][0];
    assert_eq!(i["ifindex"], idx, "{v}");
    assert_eq!(i["name"], serde_json::Value::Null, "{v}");
    assert_eq!(i["netns"], serde_json::Value::Null, "{v}");
    // Namespace b deleted, its record is stale (read commands never repair): a alone names it.
    let ino_a = inode(&a);
    ip(&["netns", "del", &b]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let r = fs.x0(&["-j", "stats"]);
        r.ok();
        let v = r.json();
        let i = &v["interfaces"][0];
        if i["name"] == ia.as_str() {
            assert_eq!(i["netns"], ino_a, "{v}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{v}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
