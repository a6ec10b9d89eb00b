//! Pipes (issue 20 §2, issue 28): stdout is rows only. Titles and footnotes go to stderr, and
//! `--no-headers` leaves them out; every row names the object it belongs to; `map dump` is the
//! house table style (blank-separated columns, one header line), like every other table.
mod common;

use common::{Bpffs, NetNs, Run};

/// Stdout is one header line (starting with `header`) then rows, each starting with `owner`
/// when given; no line of stdout is `title`'s; stderr carries it. With `--no-headers` (`bare`)
/// stdout is the same rows without the header and stderr says nothing of the title.
fn assert_rows(full: &Run, bare: &Run, header: &[&str], owner: Option<&str>, title: &str) {
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    let lines: Vec<&str> = full.stdout.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l
            .split_whitespace()
            .take(header.len())
            .eq(header.iter().copied())),
        "stdout starts with the header line {header:?}:\n{}",
        full.stdout
    );
    assert!(lines.len() > 1, "some rows:\n{}", full.stdout);
    for l in &lines[1..] {
        if let Some(o) = owner {
            assert!(
                l.starts_with(&format!("{o} ")),
                "every row starts with its owner {o:?}: {l:?}\n{}",
                full.stdout
            );
        }
        assert!(!l.contains('\t'), "blank-separated columns: {l:?}");
        assert!(!l.starts_with(' '), "no indented rows: {l:?}");
    }
    assert!(
        !full.stdout.contains(title),
        "no title on stdout:\n{}",
        full.stdout
    );
    assert!(
        full.stderr.contains(title),
        "the title is on stderr: {}",
        full.stderr
    );
    // --no-headers: the rows without the header line (columns re-aligned, so compared by
    // count and owner).
    let bare_lines: Vec<&str> = bare.stdout.lines().collect();
    assert_eq!(bare_lines.len(), lines.len() - 1, "{}", bare.stdout);
    for l in &bare_lines {
        assert!(!l.starts_with(header[0]), "no header line: {}", bare.stdout);
        if let Some(o) = owner {
            assert!(l.starts_with(&format!("{o} ")), "{l:?}");
        }
    }
    assert!(
        !bare.stderr.contains(title),
        "--no-headers: no title at all: {}",
        bare.stderr
    );
}

fn no_headers<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.push("--no-headers");
    v
}

#[test]
fn stats_and_map_dump_in_a_pipe_are_rows_that_name_their_object() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        ns.x0(&v)
    };
    x(&["load", "xdp_counter"]).ok();
    x(&["attach", "xdp", "veth0", "--mode", "skb"]).ok();
    ns.udp_to_main(5, 9999);
    let args = ["stats", "xdp_counter"];
    assert_rows(
        &x(&args),
        &x(&no_headers(&args)),
        &["OBJECT", "IFACE"],
        Some("xdp_counter"),
        "xdp_counter: ",
    );
    // JSON is unchanged: no owner column there (the document names its object once).
    let v = x(&["-j", "stats", "xdp_counter"]).json();
    assert_eq!(v["object"], "xdp_counter", "{v}");
    assert!(v["protocols"][0].get("object").is_none(), "{v}");

    // map dump: the title (with its em-dash) and the entry count are notes; one header line.
    let pin = format!("{}/x0bpf/xdp_counter/maps/counts", fs.arg());
    let args = ["map", "dump", pin.as_str()];
    let full = x(&args);
    let bare = x(&no_headers(&args));
    assert_rows(&full, &bare, &["KEY", "VALUE"], None, " — key ");
    assert_eq!(full.stdout.lines().next(), Some("KEY  VALUE"));
    assert!(full.stderr.contains(" entries"), "{}", full.stderr);
    assert!(!full.stdout.contains(" entries"), "{}", full.stdout);
    assert!(!bare.stderr.contains(" entries"), "{}", bare.stderr);
    x(&["detach", "xdp", "veth0"]).ok();
    x(&["unload", "xdp_counter"]).ok();

    // A syscall_latency object's table names it too (its title is only its name).
    x(&["load", "syscall_latency"]).ok();
    let r = x(&["stats", "syscall_latency"]);
    r.ok();
    assert!(
        r.stdout
            .split_whitespace()
            .take(2)
            .eq(["OBJECT", "SYSCALL"]),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stdout.contains("syscall_latency:"), "{}", r.stdout);
    assert!(r.stderr.contains("syscall_latency:"), "{}", r.stderr);
    x(&["unload", "syscall_latency"]).ok();
}

#[test]
fn flows_and_tc_stats_in_a_pipe_are_rows_that_name_their_object() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x = |a: &[&str]| {
        let mut v = vec!["--bpffs", fs.arg()];
        v.extend_from_slice(a);
        ns.x0(&v)
    };
    x(&["attach", "tc", "veth0", "--direction", "ingress"]).ok();
    ns.udp_to_main(3, 9998);
    let args = ["flows", "--top", "0"];
    assert_rows(
        &x(&args),
        &x(&no_headers(&args)),
        &["OBJECT", "IFACE"],
        Some("tc_classifier"),
        "tc_classifier: ",
    );
    let args = ["stats", "tc_classifier"];
    assert_rows(
        &x(&args),
        &x(&no_headers(&args)),
        &["OBJECT", "IFACE"],
        Some("tc_classifier"),
        "tc_classifier: ",
    );
    x(&["detach", "tc", "veth0"]).ok();
    x(&["unload", "tc_classifier"]).ok();
}
