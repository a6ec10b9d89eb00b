//! Issue 12, the kernel side: any program by id (one loaded by bpftool), peer mode names,
//! attach output, `detach tc --all`, and hints that work when followed (each one executed).
mod common;

use common::{sh, Bpffs, NetNs};

fn extract(name: &str, dir: &std::path::Path) -> String {
    let f = dir.join(format!("{name}.o"));
    common::x0(&["objects", "--extract", name, "-o", f.to_str().unwrap()]).ok();
    f.to_str().unwrap().to_string()
}

/// The text of a hint: what is between "(hint: " and the closing parenthesis.
fn hint(stderr: &str) -> String {
    let i = stderr
        .find("(hint: ")
        .unwrap_or_else(|| panic!("no hint: {stderr}"));
    stderr[i + 7..].trim_end().trim_end_matches(')').to_string()
}

/// A command in backquotes inside a hint, as words (without the leading `x0bpf`).
fn quoted(h: &str) -> Vec<String> {
    let s = h
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no command in {h}"));
    // `x0bpf` and the global options the hint repeats (the tests add their own --bpffs).
    let mut words: Vec<String> = s
        .split_whitespace()
        .skip_while(|w| *w == "x0bpf")
        .map(str::to_string)
        .collect();
    while words.first().is_some_and(|w| w == "--bpffs") {
        words.drain(..2);
    }
    words
}

#[test]
fn list_by_id_a_program_loaded_by_bpftool() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let tmp = tempfile::tempdir().unwrap();
    let obj = extract("xdp_counter", tmp.path());
    let pin = fs.dir.join("foreign");
    let r = sh(
        "bpftool",
        &["prog", "load", &obj, pin.to_str().unwrap(), "type", "xdp"],
    );
    assert_eq!(r.code, 0, "bpftool: {}", r.stderr);
    ns.ip(&[
        "link",
        "set",
        "dev",
        "veth0",
        "xdpgeneric",
        "pinned",
        pin.to_str().unwrap(),
    ]);
    let r = sh(
        "bpftool",
        &["-j", "prog", "show", "pinned", pin.to_str().unwrap()],
    );
    let id = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["id"]
        .as_u64()
        .unwrap();
    let ids = id.to_string();
    for addr in [
        vec!["prog", "id", ids.as_str()],
        vec!["prog", "pinned", pin.to_str().unwrap()],
    ] {
        let mut args = vec!["--bpffs", fs.arg(), "-j", "list"];
        args.extend_from_slice(&addr);
        let r = ns.x0(&args);
        r.ok();
        let v = &r.json()["addressed"][0];
        assert_eq!(v["kind"], "program");
        assert!(v["owner"].is_null(), "{v}");
        let p = &v["prog"];
        assert_eq!(p["id"], id);
        assert_eq!(p["prog_type"], "xdp");
        assert_eq!(p["name"], "xdp_count");
        assert!(p["tag"].as_str().unwrap().len() == 16);
        assert!(p["jited_bytes"].as_u64().unwrap() > 0);
        assert!(!p["map_ids"].as_array().unwrap().is_empty());
        assert!(p["btf_id"].as_u64().unwrap() > 0);
        let at = v["attach_points"].as_array().unwrap();
        assert!(
            at.iter()
                .any(|a| a["ifname"] == "veth0" && a["kind"] == "xdp" && a["mode"] == "skb"),
            "{v}"
        );
    }
    // Text, piped: one "key: value" per line.
    let r = ns.x0(&["--bpffs", fs.arg(), "list", "prog", "id", &ids]);
    r.ok();
    assert!(r.stdout.contains("another tool"), "{}", r.stdout);
    assert!(r.stdout.contains("xdp on veth0"), "{}", r.stdout);
    // Its map by id, and a link id that is not there.
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "list", "prog", "id", &ids]);
    let map_id = r.json()["addressed"][0]["prog"]["map_ids"][0].to_string();
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "list", "map", "id", &map_id]);
    r.ok();
    assert_eq!(r.json()["addressed"][0]["map"]["id"].to_string(), map_id);
    let r = ns.x0(&["--bpffs", fs.arg(), "list", "link", "id", "4000000000"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    ns.ip(&["link", "set", "dev", "veth0", "xdpgeneric", "off"]);
}

#[test]
fn peer_mode_names_and_attach_output() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        ns.x0(&v)
    };
    let r = x(&["-j", "attach", "xdp", "veth0", "--mode", "generic"]);
    r.ok();
    assert_eq!(r.json()["mode"], "skb");
    x(&["detach", "xdp", "veth0"]).ok();
    // hw on a veth: refused; the hint is a command that works.
    let r = x(&["attach", "xdp", "veth0", "--mode", "offload"]);
    assert_ne!(r.code, 0);
    let h = hint(&r.stderr);
    assert!(h.contains("--mode auto"), "{h}");
    assert!(!h.contains("generic (skb)"), "{h}");
    // Followed: auto lands on drv on a veth; the result comes first, the refusal compactly.
    let r = x(&["attach", "xdp", "veth0", "--mode", "auto"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with("attached ") && lines[0].contains("drv mode"),
        "{}",
        r.stdout
    );
    assert!(lines[1].contains("refused by veth0: hw"), "{}", r.stdout);
    assert!(!r.stdout.contains("native mode"), "{}", r.stdout);
    x(&["detach", "xdp", "veth0"]).ok();
    // -v: each refusal with the kernel's words, in context.
    let r = x(&["-v", "attach", "xdp", "veth0", "--mode", "auto"]);
    r.ok();
    let hw = r
        .stdout
        .lines()
        .find(|l| l.contains("hw mode refused"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(hw.contains("no XDP offload (hw)"), "{hw}");
    x(&["detach", "xdp", "veth0"]).ok();
    x(&["unload", "xdp_counter"]).ok();
}

#[test]
fn detach_tc_all_removes_every_program() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let tmp = tempfile::tempdir().unwrap();
    let obj = extract("tc_classifier", tmp.path());
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        ns.x0(&v)
    };
    // Another tool's filter only: plain detach has nothing of ours and says to use --all.
    ns.exec("tc", &["qdisc", "add", "dev", "veth0", "clsact"]);
    let r = ns.exec(
        "tc",
        &[
            "filter", "add", "dev", "veth0", "ingress", "prio", "7", "bpf", "da", "obj", &obj,
            "sec", "tc",
        ],
    );
    assert_eq!(r.code, 0, "tc: {}", r.stderr);
    let r = x(&["detach", "tc", "veth0"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(hint(&r.stderr).contains("--all"), "{}", r.stderr);
    // Ours on egress too, then --all: every one goes.
    x(&["attach", "tc", "veth0", "--direction", "egress"]).ok();
    let r = x(&["-j", "detach", "tc", "veth0", "--all"]);
    r.ok();
    assert_eq!(
        r.json()["removed"].as_array().unwrap().len(),
        2,
        "{}",
        r.stdout
    );
    for dir in ["ingress", "egress"] {
        let r = ns.exec("tc", &["filter", "show", "dev", "veth0", dir]);
        assert!(r.stdout.trim().is_empty(), "{dir}: {}", r.stdout);
    }
    let r = x(&["detach", "tc", "veth0", "--all"]);
    assert_eq!(r.code, 9);
    x(&["unload", "tc_classifier"]).ok();
}

#[test]
fn hints_work_when_followed() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        common::x0(&v)
    };
    // An interface of another namespace: the hint names --netns and the namespace.
    let r = x(&["attach", "xdp", "veth0x"]);
    assert_eq!(r.code, 7);
    let h = hint(&r.stderr);
    // Parallel tests may have made more namespaces than the hint lists (8, then "…").
    assert!(
        h.contains("--netns") && (h.contains(&ns.name) || h.ends_with(", …)")),
        "{h}"
    );
    let r = x(&[
        "--netns", &ns.name, "attach", "xdp", "veth0", "--mode", "skb",
    ]);
    r.ok();
    x(&["--netns", &ns.name, "detach", "xdp", "veth0"]).ok();
    x(&["unload", "xdp_counter"]).ok();
    // stats of something not loaded: the suggested commands work.
    let r = x(&["stats", "nosuch"]);
    assert_eq!(r.code, 9);
    let h = hint(&r.stderr);
    let load = quoted(&h);
    let mut a: Vec<&str> = load.iter().map(String::as_str).collect();
    assert_eq!(a[0], "load", "{h}");
    x(&a).ok();
    let r = x(&["stats", "xdp_counter"]);
    r.ok();
    x(&["unload", "xdp_counter"]).ok();
    // Several programs in the object: the suggested --prog works as it stands.
    let r = x(&[
        "attach",
        "tracepoint",
        "raw_syscalls:sys_enter",
        "--prog",
        "syscall_latency",
        "--name",
        "hintlat",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let h = hint(&r.stderr);
    let words = quoted(&h);
    a = vec!["attach", "tracepoint", "raw_syscalls:sys_enter"];
    a.extend(words.iter().map(String::as_str));
    x(&a).ok();
    x(&["unload", "hintlat"]).ok();
    // A bad tracepoint name is the error, not the program question.
    let r = x(&[
        "attach",
        "tracepoint",
        "nosuch:thing",
        "--prog",
        "syscall_latency",
        "--name",
        "hintlat",
    ]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(
        r.stderr.contains("no tracepoint nosuch:thing"),
        "{}",
        r.stderr
    );
}

#[test]
fn list_attachments_carry_ifname() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "xdp",
        "veth0",
        "--mode",
        "skb",
    ])
    .ok();
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "list"]);
    r.ok();
    let a = &r.json()["objects"][0]["attachments"][0];
    assert_eq!(a["ifname"], "veth0", "{a}");
    assert!(a["ifindex"].as_u64().unwrap() > 0);
    // Piped text: plain columns, awk-able; two objects, one table.
    ns.x0(&["--bpffs", fs.arg(), "load", "tc_classifier"]).ok();
    let r = ns.x0(&["--bpffs", fs.arg(), "list"]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.split_whitespace().nth(4) == Some("xdp")),
        "{}",
        r.stdout
    );
    // Every data row names its object (the title goes to stderr in pipes): `list | grep`
    // still tells which object a row belongs to.
    let mut rows = r.stdout.lines();
    assert!(rows.next().unwrap().starts_with("OBJECT"), "{}", r.stdout);
    let rows: Vec<&str> = rows.collect();
    assert!(rows.len() >= 5, "progs, maps, attachment: {}", r.stdout);
    let owner = |l: &&str| l.split_whitespace().next().unwrap_or("").to_string();
    assert!(
        rows.iter()
            .all(|l| ["xdp_counter", "tc_classifier"].contains(&owner(l).as_str())),
        "one header line only: {}",
        r.stdout
    );
    assert!(
        rows.iter().any(|l| owner(l) == "xdp_counter"),
        "{}",
        r.stdout
    );
    assert!(
        rows.iter().any(|l| owner(l) == "tc_classifier"),
        "{}",
        r.stdout
    );
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
    assert!(
        !r.stdout.contains("/sys/fs/bpf") && !r.stdout.contains(fs.arg()),
        "title on stdout: {}",
        r.stdout
    );
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
}

/// A link in another namespace is named there (not after this namespace's ifindex); hints
/// repeat --bpffs and --netns; plain output is awk-able; `list prog` lists every program.
#[test]
fn other_namespace_links_hints_and_plain_columns() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        common::x0(&v)
    };
    let nsx = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg(), "--netns", ns.name.as_str()];
        v.extend_from_slice(a);
        common::x0(&v)
    };
    let r = nsx(&["-j", "attach", "xdp", "veth0"]);
    r.ok();
    let mode = r.json()["mode"].as_str().unwrap().to_string();
    // Twice: the hint is the whole command, with the global options given.
    let r = nsx(&["attach", "xdp", "veth0"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    let want = format!(
        "`x0bpf --bpffs {} --netns {} detach xdp veth0`",
        fs.arg(),
        ns.name
    );
    assert!(hint(&r.stderr).contains(&want), "{}", r.stderr);
    // Asked from the host namespace: the link's interface is named in its own namespace.
    let r = x(&["-j", "list", "prog", "xdp_counter:xdp_count"]);
    r.ok();
    let v = r.json();
    let p = &v["addressed"][0]["attach_points"][0];
    assert_eq!(p["ifname"], "veth0", "{p}");
    assert!(p["netns_inode"].as_u64().is_some(), "{p}");
    assert_eq!(p["mode"], mode.as_str(), "{p}");
    let link_id = p["link_id"].as_u64().unwrap().to_string();
    let r = x(&["list", "prog", "xdp_counter:xdp_count"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("via bpf_link"))
        .unwrap();
    assert!(
        line.contains("on veth0") && line.matches("ifindex").count() == 1,
        "{line}"
    );
    let r = x(&["-j", "list", "link", "id", &link_id]);
    r.ok();
    let a = &r.json()["addressed"][0];
    assert!(
        a["pin"].as_str().is_some_and(|p| p.starts_with(fs.arg())),
        "{a}"
    );
    assert_eq!(a["attach_points"][0]["ifname"], "veth0", "{a}");
    // `list prog` alone: every program, ours marked.
    let r = x(&["-j", "list", "prog"]);
    r.ok();
    let progs = r.json()["all"]["programs"].as_array().unwrap().clone();
    assert!(
        progs
            .iter()
            .any(|p| p["name"] == "xdp_count" && p["owned_by_x0bpf"] == true),
        "{progs:?}"
    );
    // Plain output: one header line, one word per cell, free text on stderr.
    let r = nsx(&["net"]);
    r.ok();
    let xdp: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("xdp"))
        .collect();
    assert_eq!(xdp.len(), 1, "{}", r.stdout);
    assert!(xdp[0].starts_with("veth0 "), "{}", r.stdout);
    let ncol = r.stdout.lines().next().unwrap().split_whitespace().count();
    assert!(
        r.stdout
            .lines()
            .all(|l| l.split_whitespace().count() == ncol),
        "{}",
        r.stdout
    );
    let r = x(&["list"]);
    // The last column (DETAILS) keeps its spaces; every column before it is one word.
    let ncol = r.stdout.lines().next().unwrap().split_whitespace().count();
    assert!(
        r.stdout
            .lines()
            .all(|l| l.split_whitespace().count() >= ncol),
        "{}",
        r.stdout
    );
    // load --replace while attached: the hint is the detach command.
    let r = x(&["load", "xdp_counter", "--replace"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(
        hint(&r.stderr).contains("detach xdp veth0`"),
        "{}",
        r.stderr
    );
    nsx(&["detach", "xdp", "veth0"]).ok();
    // tc twice: a whole detach command.
    nsx(&["attach", "tc", "veth0", "--direction", "ingress"]).ok();
    let r = nsx(&["attach", "tc", "veth0", "--direction", "ingress"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(
        hint(&r.stderr).contains("detach tc veth0 --direction ingress`"),
        "{}",
        r.stderr
    );
    nsx(&["detach", "tc", "veth0"]).ok();
    // Another tool's XDP program: the hint says --all, and following it says none is left.
    let tmp = tempfile::tempdir().unwrap();
    let obj = extract("xdp_counter", tmp.path());
    let pin = fs.dir.join("foreign");
    let r = sh(
        "bpftool",
        &["prog", "load", &obj, pin.to_str().unwrap(), "type", "xdp"],
    );
    assert_eq!(r.code, 0, "bpftool: {}", r.stderr);
    ns.ip(&[
        "link",
        "set",
        "dev",
        "veth0",
        "xdpgeneric",
        "pinned",
        pin.to_str().unwrap(),
    ]);
    let r = nsx(&["attach", "xdp", "veth0"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    let h = hint(&r.stderr);
    assert!(
        h.contains("--netns") && h.contains("detach xdp veth0 --all`"),
        "{h}"
    );
    let r = nsx(&["detach", "xdp", "veth0", "--all"]);
    r.ok();
    assert!(r.stdout.contains("no XDP program left"), "{}", r.stdout);
    x(&["unload", "xdp_counter"]).ok();
    x(&["unload", "tc_classifier"]);
}
