//! The embedded packet programs' parsers, branch by branch: crafted frames are run through
//! xdp_counter and tc_classifier with BPF_PROG_TEST_RUN (`bpftool prog run`, an independent
//! runner) and the counts read back with `x0bpf stats`. Test runs happen on this namespace's
//! `lo` (ifindex 1).
mod common;

use common::Bpffs;
use serde_json::Value;

fn eth(proto: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
    f.extend_from_slice(&proto.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn vlan(tpid: u16, tci: u16, inner: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = tci.to_be_bytes().to_vec();
    p.extend_from_slice(&inner.to_be_bytes());
    p.extend_from_slice(payload);
    eth(tpid, &p)
}

/// IPv4 header (ihl from the options' length) + payload.
fn ipv4(proto: u8, options: &[u8], payload: &[u8]) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    let ihl = 5 + options.len() / 4;
    let total = (ihl * 4 + payload.len()) as u16;
    let mut h = vec![(4 << 4) | ihl as u8, 0];
    h.extend_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&[0, 1, 0, 0, 64, proto, 0, 0]);
    h.extend_from_slice(&[10, 9, 0, 1, 10, 9, 0, 2]);
    h.extend_from_slice(options);
    h.extend_from_slice(payload);
    h
}

fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[next, 64]);
    let mut src = [0u8; 16];
    src[0] = 0xfd;
    src[15] = 1;
    let mut dst = src;
    dst[15] = 2;
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(payload);
    h
}

/// An IPv6 extension header of `len8` 8-octet units (hop-by-hop, routing, destination options).
fn ext(next: u8, len8: usize) -> Vec<u8> {
    let mut e = vec![next, (len8 - 1) as u8];
    e.resize(len8 * 8, 0);
    e
}

fn udp(sport: u16, dport: u16) -> Vec<u8> {
    let mut u = sport.to_be_bytes().to_vec();
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&[0, 12, 0, 0, b'x', b'0', b'b', b'f']);
    u
}

fn tcp(sport: u16, dport: u16, flags: u8) -> Vec<u8> {
    let mut t = sport.to_be_bytes().to_vec();
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t
}

/// Expected (protocol, l4, vlan_depth) in xdp_counter's stats.
type Want = (&'static str, Option<&'static str>, u64);

/// (what, frame, expected)
fn frames() -> Vec<(&'static str, Vec<u8>, Want)> {
    let mut frag = vec![17u8, 0, 0, 0, 0, 0, 0, 7]; // fragment header, offset 0, next UDP
    frag.extend_from_slice(&udp(4000, 4001));
    let mut hop_dst = ext(60, 1);
    hop_dst.extend_from_slice(&ext(6, 2));
    hop_dst.extend_from_slice(&tcp(5000, 5001, 0x02));
    let mut ah_esp = vec![50u8, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]; // AH, 12 bytes: (1+2)*4
    ah_esp.extend_from_slice(&[0u8; 16]);
    vec![
        (
            "ipv4 udp",
            eth(0x0800, &ipv4(17, &[], &udp(1000, 1001))),
            ("ipv4", Some("udp"), 0),
        ),
        (
            "ipv4 options tcp",
            eth(
                0x0800,
                &ipv4(6, &[1, 1, 1, 1, 1, 1, 1, 0], &tcp(2000, 2001, 0x12)),
            ),
            ("ipv4", Some("tcp"), 0),
        ),
        (
            "ipv4 icmp",
            eth(0x0800, &ipv4(1, &[], &[8, 0, 0, 0, 0, 0, 0, 0])),
            ("ipv4", Some("icmp"), 0),
        ),
        (
            "ipv4 gre",
            eth(0x0800, &ipv4(47, &[], &[0; 8])),
            ("ipv4", Some("gre"), 0),
        ),
        (
            "ipv6 udp",
            eth(0x86dd, &ipv6(17, &udp(3000, 3001))),
            ("ipv6", Some("udp"), 0),
        ),
        (
            "ipv6 fragment udp",
            eth(0x86dd, &ipv6(44, &frag)),
            ("ipv6", Some("udp"), 0),
        ),
        (
            "ipv6 hop+dst tcp",
            eth(0x86dd, &ipv6(0, &hop_dst)),
            ("ipv6", Some("tcp"), 0),
        ),
        (
            "ipv6 ah esp",
            eth(0x86dd, &ipv6(51, &ah_esp)),
            ("ipv6", Some("esp"), 0),
        ),
        (
            "ipv6 truncated ext",
            eth(0x86dd, &ipv6(0, &[6, 3, 0, 0, 0, 0, 0, 0])), // says 32 bytes, has 8
            ("ipv6", Some("malformed"), 0),
        ),
        (
            "ipv4 truncated",
            eth(0x0800, &ipv4(17, &[], &[])[..12]),
            ("ipv4", Some("malformed"), 0),
        ),
        (
            "ipv4 ihl 4",
            eth(0x0800, &{
                let mut h = ipv4(17, &[], &udp(1, 2));
                h[0] = 0x44;
                h
            }),
            ("ipv4", Some("malformed"), 0),
        ),
        (
            "ipv4 options past the end",
            eth(0x0800, &{
                let mut h = ipv4(17, &[], &[]);
                h[0] = 0x4f; // 60-byte header in a 20-byte packet
                h
            }),
            ("ipv4", Some("malformed"), 0),
        ),
        ("arp", eth(0x0806, &[0; 28]), ("arp", None, 0)),
        ("lldp", eth(0x88cc, &[0; 30]), ("lldp", None, 0)),
        (
            "vlan ipv4 udp",
            vlan(0x8100, 100, 0x0800, &ipv4(17, &[], &udp(6000, 6001))),
            ("ipv4", Some("udp"), 1),
        ),
        (
            "qinq ipv6 icmpv6",
            vlan(0x88a8, 200, 0x8100, &{
                let mut p = 300u16.to_be_bytes().to_vec();
                p.extend_from_slice(&0x86ddu16.to_be_bytes());
                p.extend_from_slice(&ipv6(58, &[128, 0, 0, 0, 0, 0, 0, 0]));
                p
            }),
            ("ipv6", Some("icmpv6"), 2),
        ),
    ]
}

/// Run a frame through a pinned program; false when the kernel's test runner refuses the frame
/// itself (EINVAL: the skb runner wants a whole IPv4 header behind EtherType 0x0800).
fn run_prog(fs: &Bpffs, obj: &str, prog: &str, frame: &[u8], repeat: u32) -> bool {
    let dir = tempdir();
    let f = dir.join("frame");
    std::fs::write(&f, frame).unwrap();
    let pin = fs.dir.join(format!("x0bpf/{obj}/progs/{prog}"));
    let r = common::sh(
        "bpftool",
        &[
            "prog",
            "run",
            "pinned",
            pin.to_str().unwrap(),
            "data_in",
            f.to_str().unwrap(),
            "repeat",
            &repeat.to_string(),
        ],
    );
    let _ = std::fs::remove_dir_all(dir);
    if r.code != 0 && r.stderr.contains("Invalid argument") {
        return false;
    }
    assert_eq!(
        r.code,
        0,
        "bpftool prog run {obj} on {} bytes: {} {}",
        frame.len(),
        r.stdout,
        r.stderr
    );
    if prog == "tc_classify" {
        // TC_ACT_UNSPEC (TCX_NEXT): the next program or filter decides; TC_ACT_OK would end
        // the tcx chain and skip every program after this one.
        assert!(
            r.stdout.contains("Return value: 4294967295"),
            "tc_classify must return TCX_NEXT: {}",
            r.stdout
        );
    }
    true
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("x0bpf-parsers-{}", common::unique()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn xdp_counter_counts_every_parser_branch_exactly() {
    let fs = Bpffs::new();
    fs.x0(&["load", "xdp_counter"]).ok();
    let frames = frames();
    for (i, (_, f, _)) in frames.iter().enumerate() {
        assert!(run_prog(&fs, "xdp_counter", "xdp_count", f, i as u32 + 1));
    }
    let s = fs.x0(&["-j", "stats", "xdp_counter"]);
    s.ok();
    let v = s.json();
    let rows = v["protocols"].as_array().unwrap();
    let mut want: std::collections::BTreeMap<(String, String, u64), u64> = Default::default();
    for (i, (_, _, (p, l4, depth))) in frames.iter().enumerate() {
        *want
            .entry((p.to_string(), l4.unwrap_or("-").to_string(), *depth))
            .or_default() += i as u64 + 1;
    }
    let mut got: std::collections::BTreeMap<(String, String, u64), u64> = Default::default();
    for r in rows {
        assert_eq!(r["ifindex"], 1, "{r}");
        assert_eq!(r["interface"], "lo", "{r}");
        *got.entry((
            r["protocol"].as_str().unwrap().to_string(),
            r["l4"].as_str().unwrap_or("-").to_string(),
            r["vlan_depth"].as_u64().unwrap(),
        ))
        .or_default() += r["packets"].as_u64().unwrap();
    }
    assert_eq!(got, want, "{v}");
    let n: u64 = (1..=frames.len() as u64).sum();
    assert_eq!(v["total"]["packets"].as_u64(), Some(n), "{v}");
    assert_eq!(v["interfaces"][0]["name"], "lo");
    // --dev: only that interface (nothing was counted elsewhere).
    let s = fs.x0(&["-j", "stats", "xdp_counter", "--dev", "lo"]);
    assert_eq!(s.json()["total"]["packets"].as_u64(), Some(n));
    let s = fs.x0(&["stats", "xdp_counter", "--dev", "nosuchdev0"]);
    assert_eq!(s.code, 7, "{}", s.stderr);
}

#[test]
fn tc_classifier_finds_ports_behind_options_and_extension_headers() {
    let fs = Bpffs::new();
    fs.x0(&["load", "tc_classifier"]).ok();
    let mut refused = Vec::new();
    for (what, f, _) in frames() {
        if !run_prog(&fs, "tc_classifier", "tc_classify", &f, 3) {
            refused.push(what);
        }
    }
    assert_eq!(refused, ["ipv4 truncated"]);
    let s = fs.x0(&["-j", "stats", "tc_classifier"]);
    s.ok();
    let v = s.json();
    let flows = v["flows"].as_array().unwrap();
    let find = |proto: &str, port: u64| -> &Value {
        flows
            .iter()
            .find(|f| f["protocol"] == proto && (f["lport"] == port || f["rport"] == port))
            .unwrap_or_else(|| panic!("no {proto} flow with port {port}: {v}"))
    };
    for (proto, port) in [
        ("udp", 1001),
        ("tcp", 2001), // behind IPv4 options
        ("udp", 3001),
        ("udp", 4001), // behind an IPv6 fragment header
        ("tcp", 5001), // behind hop-by-hop + destination options
    ] {
        let f = find(proto, port);
        assert_eq!(f["packets"], 3, "{f}");
    }
    let t = find("tcp", 2001);
    assert_eq!(t["tcp_flags"], serde_json::json!(["SYN", "ACK"]), "{t}");
    // Test runs are counted as one direction; the other stays zero.
    assert_eq!(
        t["rx_packets"].as_u64().unwrap() + t["tx_packets"].as_u64().unwrap(),
        3
    );
    // Truncated and non-IP frames: counted in the totals, not as flows.
    let n = (frames().len() as u64 - 1) * 3;
    assert_eq!(v["total"]["packets"].as_u64(), Some(n), "{v}");
    // ihl 4, options past the end, truncated IPv6 extension, ARP, LLDP, two VLAN frames
    assert_eq!(v["unparsed"].as_u64(), Some(3 * 7), "{v}");
    assert_eq!(v["evicted"], 0);
}

#[test]
fn xdp_counter_keeps_interfaces_apart_also_past_the_fast_path() {
    // Two interfaces, one with an ifindex inside the fast path's array (< 64) and one
    // past it (the fallback hash), fed with BPF_PROG_TEST_RUN's ingress_ifindex.
    let ns = common::NetNs::new();
    let fs = Bpffs::new();
    ns.ip(&[
        "link", "add", "dlow", "index", "7", "type", "veth", "peer", "name", "dlowp",
    ]);
    ns.ip(&[
        "link", "add", "dhigh", "index", "300", "type", "veth", "peer", "name", "dhighp",
    ]);
    fs.x0(&["load", "xdp_counter"]).ok();
    let dir = tempdir();
    let frame = dir.join("frame");
    let f = eth(0x0800, &ipv4(17, &[], &udp(1, 2)));
    std::fs::write(&frame, &f).unwrap();
    let pin = fs.dir.join("x0bpf/xdp_counter/progs/xdp_count");
    for (ifindex, n) in [(7u32, 5u32), (300, 9)] {
        // struct xdp_md: data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex
        let mut ctx = Vec::new();
        for v in [0u32, f.len() as u32, 0, ifindex, 0, 0] {
            ctx.extend_from_slice(&v.to_ne_bytes());
        }
        let c = dir.join(format!("ctx{ifindex}"));
        std::fs::write(&c, ctx).unwrap();
        let r = ns.exec(
            "bpftool",
            &[
                "prog",
                "run",
                "pinned",
                pin.to_str().unwrap(),
                "data_in",
                frame.to_str().unwrap(),
                "ctx_in",
                c.to_str().unwrap(),
                "repeat",
                &n.to_string(),
            ],
        );
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    }
    let udp_on = |v: &Value, i: u64| -> u64 {
        v["protocols"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["ifindex"] == i && p["l4"] == "udp")
            .map(|p| p["packets"].as_u64().unwrap())
            .sum()
    };
    let all = ns.x0(&["--bpffs", fs.arg(), "-j", "stats", "xdp_counter"]);
    all.ok();
    let v = all.json();
    assert_eq!(udp_on(&v, 7), 5, "{v}");
    assert_eq!(udp_on(&v, 300), 9, "{v}");
    let names: Vec<&str> = v["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dlow", "dhigh"]);
    let one = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "stats",
        "xdp_counter",
        "--dev",
        "dhigh",
    ]);
    let v = one.json();
    assert_eq!(v["total"]["packets"], 9, "{v}");
    assert_eq!(udp_on(&v, 7), 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_older_layout_is_refused_not_misdecoded() {
    let fs = Bpffs::new();
    let dir = tempdir();
    let obj = common::compile(
        "old_xdp_counter.c",
        "clang",
        &["-target", "bpf", "-g"],
        &dir,
        "old.o",
    );
    fs.x0(&["load", obj.to_str().unwrap(), "--name", "xdp_counter"])
        .ok();
    let r = fs.x0(&["stats", "xdp_counter"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("loaded by an older x0bpf") && r.stderr.contains("reload it"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
    let _ = std::fs::remove_dir_all(dir);
}
