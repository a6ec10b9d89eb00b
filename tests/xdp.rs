//! XDP attach/detach on real veth pairs in private network namespaces, with a private bpffs.
//! Witnesses: `ip -j link` (the kernel's view over netlink) and bpftool.
mod common;

use common::{sh, Bpffs, NetNs};
use serde_json::Value;

/// The XDP program and mode the kernel reports for an interface (`ip -j -d link show`).
fn ip_xdp(ns: &NetNs, dev: &str) -> Option<(u64, u64)> {
    let r = ns.ip(&["-j", "-d", "link", "show", "dev", dev]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let x = &v[0]["xdp"];
    if x.is_null() {
        return None;
    }
    // ip reports the mode as a number: 1 drv, 2 skb, 3 hw.
    Some((x["prog"]["id"].as_u64()?, x["mode"].as_u64()?))
}

/// Another tool's program: bpftool loads `obj` and pins it as `name` in the test's bpffs.
fn foreign_prog(fs: &Bpffs, obj: &std::path::Path, name: &str) -> String {
    let pin = fs.dir.join(name).to_str().unwrap().to_string();
    let r = sh(
        "bpftool",
        &["prog", "load", obj.to_str().unwrap(), &pin, "type", "xdp"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    pin
}

/// bpftool attaches a pinned program to veth0 in generic mode through netlink.
fn foreign_attach(ns: &NetNs, pin: &str, overwrite: bool) {
    let mut args = vec!["net", "attach", "xdpgeneric", "pinned", pin, "dev", "veth0"];
    if overwrite {
        args.push("overwrite");
    }
    let r = ns.exec("bpftool", &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn attach(ns: &NetNs, fs: &Bpffs, extra: &[&str]) -> common::Run {
    let mut args = vec!["--bpffs", fs.arg(), "-j", "attach", "xdp"];
    args.extend_from_slice(extra);
    ns.x0(&args)
}

fn counts(ns: &NetNs, fs: &Bpffs, name: &str) -> Value {
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "stats", name]);
    r.ok();
    r.json()
}

fn proto_packets(stats: &Value, l4: &str) -> u64 {
    stats["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["protocol"] == "ipv4" && p["l4"] == l4)
        .map(|p| p["packets"].as_u64().unwrap())
        .sum()
}

#[test]
fn auto_mode_takes_drv_on_veth_and_counts_exactly() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let r = attach(&ns, &fs, &["veth0", "--mode", "auto"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["kind"], "xdp");
    assert_eq!(v["mode"], "drv", "{v}");
    assert_eq!(v["how"], "bpf_link");
    // HW was tried first and refused, with the kernel's reason recorded.
    let a = &v["attempts"][0];
    assert_eq!(a["mode"], "hw");
    assert_eq!(a["ok"], false);
    assert!(!a["reason"].as_str().unwrap().is_empty());
    assert_eq!(v["attempts"][1]["mode"], "drv");
    assert_eq!(v["attempts"][1]["ok"], true);

    // The attachment outlives x0bpf: the kernel still runs it, in native mode.
    let id = v["prog_id"].as_u64().unwrap();
    assert_eq!(ip_xdp(&ns, "veth0"), Some((id, 1)));
    let link = v["record"].as_str().unwrap();
    assert!(std::path::Path::new(link).exists(), "{link} pinned");
    // net: the kernel's view per interface, with the link and the owner.
    let n = ns.x0(&["--bpffs", fs.arg(), "-j", "net", "--dev", "veth0"]);
    n.ok();
    let x = &n.json()["interfaces"][0]["xdp"][0];
    assert_eq!(x["prog_id"].as_u64(), Some(id));
    assert_eq!(x["mode"], "drv");
    assert_eq!(x["link_id"], v["link_id"]);
    assert_eq!(x["owner"], "xdp_counter");

    ns.udp_to_main(25, 9999);
    ns.ping_main(7);
    let s = counts(&ns, &fs, "xdp_counter");
    assert_eq!(proto_packets(&s, "udp"), 25, "{s}");
    assert_eq!(proto_packets(&s, "icmp"), 7, "{s}");

    // bpftool, an independent witness, sees the same program through the pin.
    let prog_pin = fs.dir.join("x0bpf/xdp_counter/progs/xdp_count");
    let b = sh(
        "bpftool",
        &["-j", "prog", "show", "pinned", prog_pin.to_str().unwrap()],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let bv: Value = serde_json::from_str(&b.stdout).unwrap();
    assert_eq!(bv["id"].as_u64(), Some(id));

    // Detach finds the mode itself and leaves the interface clean.
    let d = ns.x0(&["--bpffs", fs.arg(), "-j", "detach", "xdp", "veth0"]);
    d.ok();
    assert_eq!(d.json()["verified"], true);
    // Issue 20: the object attach loaded stays loaded, and detach says so.
    assert_eq!(d.json()["still_loaded"], serde_json::json!(["xdp_counter"]));
    assert_eq!(ip_xdp(&ns, "veth0"), None);
    assert!(!std::path::Path::new(link).exists());
    let r = ns.exec("bpftool", &["net", "show", "dev", "veth0"]);
    assert!(!r.stdout.contains("xdp_count"), "{}", r.stdout);

    // Detaching again: nothing of ours there, a distinct exit code.
    let again = ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]);
    assert_eq!(again.code, 9, "{}", again.stderr);
    assert!(again.stderr.contains("no XDP program attached to veth0"));
    // In text, the note names the command that releases it (on stderr in a pipe).
    attach(&ns, &fs, &["veth0"]).ok();
    let d = ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]);
    d.ok();
    assert!(
        d.stderr.contains("xdp_counter stays loaded")
            && d.stderr
                .contains(&format!("--bpffs {} unload xdp_counter", fs.arg())),
        "{}",
        d.stderr
    );
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
}

#[test]
fn auto_mode_falls_back_to_skb_on_lo_and_hw_fails_clearly() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let r = attach(&ns, &fs, &["lo"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["mode"], "skb", "{v}");
    let drv = v["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["mode"] == "drv")
        .unwrap();
    assert_eq!(drv["ok"], false);
    assert!(
        drv["reason"].as_str().unwrap().contains("native mode"),
        "kernel's extack reason expected: {drv}"
    );
    assert_eq!(ip_xdp(&ns, "lo").map(|x| x.1), Some(2));

    let hw = attach(&ns, &fs, &["veth0", "--mode", "hw"]);
    assert_eq!(hw.code, 5, "{}", hw.stdout);
    let e = hw.json();
    assert_eq!(e["error"]["kind"], "unsupported");
    assert!(e["error"]["message"].as_str().unwrap().contains("hw:"));
    assert_eq!(ip_xdp(&ns, "veth0"), None);
}

#[test]
fn second_attach_conflicts_replace_swaps_and_expect_id_guards() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let first = attach(&ns, &fs, &["veth0"]);
    first.ok();
    let id1 = first.json()["prog_id"].as_u64().unwrap();

    let second = attach(&ns, &fs, &["veth0", "--name", "other"]);
    assert_eq!(second.code, 8, "{}", second.stdout);
    let msg = second.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains(&id1.to_string()) && msg.contains("xdp_count"),
        "{msg}"
    );
    // The first one still works, and the failed attach left nothing loaded.
    assert_eq!(ip_xdp(&ns, "veth0").map(|x| x.0), Some(id1));
    assert!(!fs.dir.join("x0bpf/other").exists());

    // Compare-and-swap with a wrong id fails and changes nothing.
    let wrong = attach(
        &ns,
        &fs,
        &["veth0", "--name", "other", "--replace", "--expect-id", "1"],
    );
    assert_eq!(wrong.code, 8);
    assert_eq!(ip_xdp(&ns, "veth0").map(|x| x.0), Some(id1));

    let id1s = id1.to_string();
    let swap = attach(
        &ns,
        &fs,
        &[
            "veth0",
            "--name",
            "other",
            "--replace",
            "--expect-id",
            &id1s,
        ],
    );
    swap.ok();
    let v = swap.json();
    let id2 = v["prog_id"].as_u64().unwrap();
    assert_ne!(id1, id2);
    assert_eq!(v["replaced"]["prog_id"].as_u64(), Some(id1));
    assert_eq!(ip_xdp(&ns, "veth0"), Some((id2, 1)));
    // The link moved to the new owner: detach finds it there.
    assert!(fs.dir.join("x0bpf/other/links").read_dir().unwrap().count() == 1);
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    assert_eq!(ip_xdp(&ns, "veth0"), None);
}

#[test]
fn racing_attaches_leave_exactly_one_program() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let spawn = |name: &str| {
        std::process::Command::new("nsenter")
            .arg(format!("--net={}", ns.path.display()))
            .args([
                common::bin(),
                "--bpffs",
                fs.arg(),
                "-j",
                "attach",
                "xdp",
                "veth0",
                "--name",
                name,
            ])
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("racer_a"));
        let b = s.spawn(|| spawn("racer_b"));
        (a.join().unwrap(), b.join().unwrap())
    });
    let codes = [a.status.code().unwrap(), b.status.code().unwrap()];
    assert!(codes.contains(&0) && codes.contains(&8), "codes {codes:?}");
    let loser = if codes[0] == 8 { &a } else { &b };
    let err: Value = serde_json::from_slice(&loser.stdout).unwrap();
    assert_eq!(err["error"]["kind"], "conflict");
    let (id, _) = ip_xdp(&ns, "veth0").expect("one program attached");
    let winner: Value =
        serde_json::from_slice(&(if codes[0] == 0 { &a } else { &b }).stdout).unwrap();
    assert_eq!(winner["prog_id"].as_u64(), Some(id));
    // The loser unloaded what it loaded: only the winner's object remains.
    let l = ns.x0(&["--bpffs", fs.arg(), "-j", "list"]);
    assert_eq!(l.json()["objects"].as_array().unwrap().len(), 1);
}

#[test]
fn detach_all_removes_foreign_programs_in_any_mode() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // Another tool (bpftool, pinning into the test's private bpffs) attaches in generic mode
    // through netlink. (`ip link … obj` would create iproute2's dirs in the host bpffs.)
    let obj = x0bpf::obj::source::embedded("xdp_counter").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("x.o");
    std::fs::write(&o, obj.bytes).unwrap();
    let pin = foreign_prog(&fs, &o, "foreign");
    foreign_attach(&ns, &pin, false);
    assert_eq!(ip_xdp(&ns, "veth0").map(|x| x.1), Some(2));

    // Not ours: plain detach refuses and says what is there.
    let d = ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]);
    assert_eq!(d.code, 9);
    assert!(d.stderr.contains("--all"), "{}", d.stderr);
    // Attaching over it without --replace names it.
    let a = ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]);
    assert_eq!(a.code, 8);
    assert!(a.stderr.contains("another tool"), "{}", a.stderr);

    let d = ns.x0(&["--bpffs", fs.arg(), "-j", "detach", "xdp", "veth0", "--all"]);
    d.ok();
    assert_eq!(ip_xdp(&ns, "veth0"), None);
}

#[test]
fn bad_interface_and_wrong_program_type() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let r = ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth9"]);
    assert_eq!(r.code, 7);
    assert!(
        r.stderr.contains("no interface named veth9") && r.stderr.contains("veth0"),
        "{}",
        r.stderr
    );

    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "xdp",
        "veth0",
        "--prog",
        "tc_classifier",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no xdp program") && r.stderr.contains("sched_cls"),
        "{}",
        r.stderr
    );
    // Nothing half-done: the object loaded for the attempt is gone again.
    assert!(!fs.dir.join("x0bpf/tc_classifier").exists());

    // A down interface gets a warning, and the attach still works.
    ns.ip(&["link", "set", "veth0", "down"]);
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "attach", "xdp", "veth0"]);
    r.ok();
    assert!(r.json()["warnings"].to_string().contains("down"));
}

#[test]
fn three_ways_into_a_namespace() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // 1. --netns NAME from the root namespace.
    let r = common::x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "xdp",
        "veth0",
        "--netns",
        &ns.name,
    ]);
    r.ok();
    assert!(ip_xdp(&ns, "veth0").is_some());
    common::x0(&[
        "--bpffs",
        fs.arg(),
        "detach",
        "xdp",
        "veth0",
        "--netns",
        &ns.name,
    ])
    .ok();
    assert!(ip_xdp(&ns, "veth0").is_none());

    // 2. nsenter --net: same mount namespace.
    ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    assert!(ip_xdp(&ns, "veth0").is_some());
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();

    // 3. ip netns exec: a private mount namespace. The test's bpffs is still visible there
    //    (only /sys is remounted), and the attachment outlives the command.
    let r = sh(
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            common::bin(),
            "--bpffs",
            fs.arg(),
            "attach",
            "xdp",
            "veth0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        ip_xdp(&ns, "veth0").is_some(),
        "attachment vanished with the process"
    );
    let r = sh(
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            common::bin(),
            "--bpffs",
            fs.arg(),
            "detach",
            "xdp",
            "veth0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Under `ip netns exec` the default /sys/fs/bpf is not mounted: a bpffs mounted there would be
/// private and die with the process, detaching the program. x0bpf pins in the host's bpffs.
#[test]
fn ip_netns_exec_with_default_bpffs_persists() {
    let ns = NetNs::new();
    let pin_dir = format!("x0bpf-test-{}", common::unique());
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let base = std::path::Path::new("/sys/fs/bpf").join(&self.0);
            if base.exists() {
                let _ = common::x0(&["--pin-dir", &self.0, "unload", "xdp_counter"]);
                let _ = std::fs::remove_dir_all(&base);
            }
        }
    }
    let _c = Cleanup(pin_dir.clone());
    let r = sh(
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            common::bin(),
            "-j",
            "attach",
            "xdp",
            "veth0",
            "--pin-dir",
            &pin_dir,
        ],
    );
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["warnings"]
            .to_string()
            .contains("private mount namespace"),
        "{v}"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        ip_xdp(&ns, "veth0").is_some(),
        "attachment vanished with the process"
    );
    assert!(std::path::Path::new("/sys/fs/bpf")
        .join(&pin_dir)
        .join("xdp_counter/links")
        .is_dir());
    // list and load under ip netns exec see and use the same, persistent pins.
    let r = sh(
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            common::bin(),
            "-j",
            "list",
            "--pin-dir",
            &pin_dir,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["objects"][0]["name"], "xdp_counter", "{v}");
    let r = sh(
        "ip",
        &[
            "netns",
            "exec",
            &ns.name,
            common::bin(),
            "load",
            "tc_classifier",
            "--pin-dir",
            &pin_dir,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::path::Path::new("/sys/fs/bpf")
        .join(&pin_dir)
        .join("tc_classifier/progs/tc_classify")
        .exists());
    common::x0(&["--pin-dir", &pin_dir, "unload", "tc_classifier"]).ok();
    let r = ns.x0(&["--pin-dir", &pin_dir, "detach", "xdp", "veth0"]);
    r.ok();
    assert!(ip_xdp(&ns, "veth0").is_none());
}

#[test]
fn libxdp_dispatcher_is_recognised() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = common::compile(
        "fake_dispatcher.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "d.o",
    );
    let pin = foreign_prog(&fs, &o, "dispatcher");
    foreign_attach(&ns, &pin, false);
    let a = ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]);
    assert_eq!(a.code, 8);
    assert!(
        a.stderr.contains("libxdp multi-program dispatcher"),
        "{}",
        a.stderr
    );
    assert!(a.stderr.contains("xdp-loader"), "{}", a.stderr);
}

/// Raw Ethernet frames with `tags` VLAN tags around a minimal IPv4/UDP packet, sent from the
/// peer's veth1 through an AF_PACKET socket (no 8021q module needed).
fn send_tagged(ns: &NetNs, dst_mac: [u8; 6], tags: &[u16], n: usize) {
    let mut frame = Vec::new();
    frame.extend_from_slice(&dst_mac);
    frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02]);
    for (i, vid) in tags.iter().enumerate() {
        // Outer tag of a QinQ stack is 802.1ad, inner ones 802.1Q.
        let tpid: u16 = if i == 0 && tags.len() > 1 {
            0x88a8
        } else {
            0x8100
        };
        frame.extend_from_slice(&tpid.to_be_bytes());
        frame.extend_from_slice(&vid.to_be_bytes());
    }
    frame.extend_from_slice(&0x0800u16.to_be_bytes());
    // IPv4: version 4, IHL 5, total length 28, TTL 64, protocol 17 (UDP), 10.9.0.2 -> 10.9.0.1
    frame.extend_from_slice(&[
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 9, 0, 2, 10, 9, 0, 1,
    ]);
    frame.extend_from_slice(&[0x30, 0x39, 0, 9, 0, 8, 0, 0]);
    NetNs::in_ns(&ns.peer, || {
        // SAFETY: plain socket calls with locally owned buffers.
        unsafe {
            let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0);
            assert!(fd >= 0, "AF_PACKET socket");
            let ifindex = libc::if_nametoindex(c"veth1".as_ptr());
            assert!(ifindex > 0);
            let mut sll: libc::sockaddr_ll = std::mem::zeroed();
            sll.sll_family = libc::AF_PACKET as u16;
            sll.sll_ifindex = ifindex as i32;
            sll.sll_halen = 6;
            sll.sll_addr[..6].copy_from_slice(&dst_mac);
            for _ in 0..n {
                let rc = libc::sendto(
                    fd,
                    frame.as_ptr() as *const libc::c_void,
                    frame.len(),
                    0,
                    &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_ll>() as u32,
                );
                assert_eq!(rc as usize, frame.len());
            }
            libc::close(fd);
        }
    });
}

#[test]
fn vlan_tagged_frames_are_counted_by_inner_protocol() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let r = ns.ip(&["-j", "link", "show", "dev", "veth0"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let mac: Vec<u8> = v[0]["address"]
        .as_str()
        .unwrap()
        .split(':')
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    let mac: [u8; 6] = mac.try_into().unwrap();
    attach(&ns, &fs, &["veth0"]).ok();
    send_tagged(&ns, mac, &[100], 9);
    send_tagged(&ns, mac, &[200, 300], 4);
    let s = counts(&ns, &fs, "xdp_counter");
    let udp_at = |depth: u64| -> u64 {
        s["protocols"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["vlan_depth"] == depth && p["protocol"] == "ipv4" && p["l4"] == "udp")
            .map(|p| p["packets"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(udp_at(1), 9, "{s}");
    assert_eq!(udp_at(2), 4, "{s}");
}

#[test]
fn detach_all_refuses_a_link_it_cannot_place() {
    // Two namespaces whose veth0 has the same ifindex, both running the same program through
    // bpf_links: link info cannot tell them apart, so --all must refuse, not guess.
    let a = NetNs::new();
    let b = NetNs::new();
    let fs = Bpffs::new();
    let ia = a.ip(&["-j", "link", "show", "dev", "veth0"]).stdout;
    let ib = b.ip(&["-j", "link", "show", "dev", "veth0"]).stdout;
    let idx = |s: &str| serde_json::from_str::<Value>(s).unwrap()[0]["ifindex"].clone();
    assert_eq!(
        idx(&ia),
        idx(&ib),
        "veth0 gets the same ifindex in fresh namespaces"
    );
    a.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    b.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    // Seen from another pin dir, neither link is x0bpf's: the --all path.
    let r = a.x0(&[
        "--bpffs",
        fs.arg(),
        "--pin-dir",
        "elsewhere",
        "-j",
        "detach",
        "xdp",
        "veth0",
        "--all",
    ]);
    assert_eq!(r.code, 8, "{}", r.stdout);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("several XDP links"));
    assert!(ip_xdp(&a, "veth0").is_some() && ip_xdp(&b, "veth0").is_some());
    // net does not claim a link it cannot place either.
    let n = a.x0(&[
        "--bpffs",
        fs.arg(),
        "--pin-dir",
        "elsewhere",
        "-j",
        "net",
        "--dev",
        "veth0",
    ]);
    assert!(n.json()["interfaces"][0]["xdp"][0]["link_id"].is_null());
    a.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    b.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
}

#[test]
fn interface_names_with_dots_are_shown_as_they_are() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.ip(&["link", "set", "veth0", "down"]);
    ns.ip(&["link", "set", "veth0", "name", "v.0"]);
    ns.ip(&["link", "set", "v.0", "up"]);
    ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "v.0"]).ok();
    let l = ns.x0(&["--bpffs", fs.arg(), "-j", "list"]);
    let att = &l.json()["objects"][0]["attachments"][0];
    assert_eq!(att["target"], "xdp on v.0");
    assert_eq!(att["live"], true);
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "v.0"]).ok();
}

#[test]
fn a_private_mount_namespace_keeps_its_own_bpffs() {
    // Not `ip netns exec` (same network namespace as the caller): the bpffs the user mounted
    // in their own mount namespace is the one to use.
    common::require_root();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("fs");
    std::fs::create_dir(&d).unwrap();
    let script = format!(
        "mount -t bpf bpf {0} && {1} --bpffs {0} --nomount load xdp_counter >/dev/null && test -e {0}/x0bpf/xdp_counter/progs/xdp_count",
        d.display(),
        common::bin()
    );
    let r = sh(
        "unshare",
        &["-m", "--propagation", "private", "sh", "-c", &script],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Nothing landed in this (the caller's) mount namespace.
    assert!(!x0bpf::sys::mounts::is_bpffs(&d));
}

#[test]
fn a_record_whose_program_was_replaced_by_another_tool_is_not_ownership() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let obj = x0bpf::obj::source::embedded("xdp_counter").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("x.o");
    std::fs::write(&o, obj.bytes).unwrap();
    let f1 = foreign_prog(&fs, &o, "f1");
    let f2 = foreign_prog(&fs, &o, "f2");
    foreign_attach(&ns, &f1, false);
    // x0bpf takes over through netlink (the program is not in a link), keeping skb mode.
    let a = attach(&ns, &fs, &["veth0", "--replace"]);
    a.ok();
    assert_eq!(a.json()["how"], "netlink");
    assert_eq!(a.json()["mode"], "skb");
    // Another tool then puts its own program there.
    foreign_attach(&ns, &f2, true);
    let (foreign, _) = ip_xdp(&ns, "veth0").unwrap();
    let d = ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]);
    assert_eq!(d.code, 9, "{}", d.stderr);
    assert_eq!(
        ip_xdp(&ns, "veth0").map(|x| x.0),
        Some(foreign),
        "the other tool's program stays"
    );
    let c = attach(&ns, &fs, &["veth0"]);
    assert_eq!(c.code, 8);
    assert!(c.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("another tool"));
    // The detach above repaired the stale record (the kernel is the truth), and unload
    // leaves veth0 alone.
    assert!(d.stderr.contains("stale record"), "{}", d.stderr);
    let l = ns.x0(&["--bpffs", fs.arg(), "-j", "list"]);
    assert_eq!(l.json()["objects"][0]["attachments"], serde_json::json!([]));
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
    assert_eq!(ip_xdp(&ns, "veth0").map(|x| x.0), Some(foreign));
}

#[test]
fn net_shows_the_drivers_xdp_features() {
    let ns = NetNs::new();
    let r = ns.x0(&["-j", "net", "--dev", "veth0"]);
    r.ok();
    let f = &r.json()["interfaces"][0]["xdp_features"];
    // veth's driver supports at least basic XDP and redirect (Linux 6.3+ reports it).
    let names: Vec<&str> = f
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"basic") && names.contains(&"redirect"),
        "{names:?}"
    );
    let t = ns.x0(&["net", "--dev", "veth0"]);
    // A trailer, not a table row: stderr in a pipe (README, Output).
    assert!(t.stderr.contains("XDP features: basic"), "{}", t.stderr);
    assert!(!t.stdout.contains("XDP features"), "{}", t.stdout);
}

#[test]
fn stats_watch_streams_rates_and_says_when_detached() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    attach(&ns, &fs, &["veth0"]).ok();
    let child = std::process::Command::new("nsenter")
        .args([&format!("--net={}", ns.path.display()), common::bin()])
        .args([
            "--bpffs",
            fs.arg(),
            "-j",
            "stats",
            "--dev",
            "veth0",
            "--watch",
            "--interval",
            "0.3",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    ns.udp_to_main(40, 9999);
    std::thread::sleep(std::time::Duration::from_millis(700));
    // Detaching ends the stream, saying why.
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    assert_eq!(lines[0]["schema_version"], 2);
    assert_eq!(lines[0]["command"], "stats");
    let last = lines.last().unwrap();
    assert_eq!(last["summary"]["reason"], "detached", "{last}");
    let samples = &lines[1..lines.len() - 1];
    assert_eq!(
        samples.len() as u64,
        last["summary"]["records"].as_u64().unwrap()
    );
    assert!(samples[0]["interval_s"].is_null());
    assert!(samples[1]["interval_s"].as_f64().unwrap() > 0.0);
    let udp = |s: &Value| -> u64 {
        s["protocols"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["l4"] == "udp")
            .map(|p| p["packets"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(udp(&samples[samples.len() - 1]), 40);
    // Some sample saw the datagrams arrive: a positive packet rate.
    assert!(
        samples.iter().any(|s| s["protocols"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["l4"] == "udp" && p["pps"].as_f64().unwrap_or(0.0) > 0.0)),
        "{samples:?}"
    );
    // Issue 20: loaded but never attached is not "no longer attached" with exit 0.
    let r = ns.x0(&["--bpffs", fs.arg(), "stats", "xdp_counter", "--watch"]);
    assert_eq!(r.code, 9, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("loaded but not attached"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
}
