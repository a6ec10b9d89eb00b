//! load / unload / list against the real kernel, in a private bpffs per test. Witness: bpftool.
mod common;

use std::collections::BTreeSet;
use std::os::fd::AsFd;

use common::{compile, sh, Bpffs};
use serde_json::Value;
use x0bpf::sys::bpf::{self, ObjKind};

/// Names of every program the kernel holds now.
fn kernel_prog_names() -> BTreeSet<String> {
    bpf::all_ids(ObjKind::Prog)
        .into_iter()
        .filter_map(|id| {
            let fd = bpf::fd_by_id(ObjKind::Prog, id).ok()?;
            bpf::prog_info(fd.as_fd()).ok().map(|i| i.name)
        })
        .collect()
}

fn bpftool(args: &[&str]) -> Value {
    let r = sh("bpftool", args);
    assert_eq!(r.code, 0, "bpftool {args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn load_pins_everything_and_outlives_the_process() {
    common::require_root();
    let fs = Bpffs::new();
    let r = fs.x0(&["-j", "load", "xdp_counter"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["name"], "xdp_counter");
    let prog = &v["programs"][0];
    let pin = prog["pin"].as_str().unwrap();
    assert_eq!(
        pin,
        fs.dir
            .join("x0bpf/xdp_counter/progs/xdp_count")
            .to_str()
            .unwrap()
    );
    // x0bpf has exited; the kernel still holds the program, and bpftool reads our pins.
    let b = bpftool(&["-j", "prog", "show", "pinned", pin]);
    assert_eq!(b["id"], prog["id"]);
    assert_eq!(b["type"], "xdp");
    let m = fs.dir.join("x0bpf/xdp_counter/maps/other_counts");
    let d = sh(
        "bpftool",
        &["-j", "map", "dump", "pinned", m.to_str().unwrap()],
    );
    assert_eq!(d.code, 0, "{}", d.stderr);

    // A compiled object too, with a .rodata/.data/.bss (internal maps pinned without dots).
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "core_sample.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "core_sample.o",
    );
    let r = fs.x0(&["-j", "load", o.to_str().unwrap()]);
    r.ok();
    let v = r.json();
    assert_eq!(v["name"], "core_sample");
    let maps: Vec<&str> = v["maps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["pin"].as_str().unwrap())
        .collect();
    assert!(maps.iter().any(|p| p.ends_with("/maps/seen")), "{maps:?}");
    assert!(
        maps.iter()
            .all(|p| !p.rsplit('/').next().unwrap().contains('.')),
        "{maps:?}"
    );

    // list shows both, from the kernel's answers.
    let l = fs.x0(&["-j", "list"]);
    l.ok();
    let lv = l.json();
    let names: Vec<&str> = lv["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["core_sample", "xdp_counter"]);
    let xc = &lv["objects"][1];
    assert_eq!(xc["programs"][0]["prog_type"], "xdp");
    assert!(xc["programs"][0]["tag"].as_str().unwrap().len() == 16);
    assert_eq!(xc["maps"].as_array().unwrap().len(), 2);

    // list --all: every program in the kernel, ours marked.
    let all = fs.x0(&["-j", "list", "--all"]);
    let av = all.json();
    let ours = av["all"]["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == prog["id"])
        .unwrap();
    assert_eq!(ours["owned_by_x0bpf"], true);

    // A second load under a taken name fails; --replace swaps.
    let again = fs.x0(&["load", "xdp_counter"]);
    assert_eq!(again.code, 8, "{}", again.stderr);
    let rep = fs.x0(&["-j", "load", "xdp_counter", "--replace"]);
    rep.ok();
    assert_eq!(rep.json()["replaced"], true);
    assert_ne!(rep.json()["programs"][0]["id"], prog["id"]);

    // Unload releases everything, verified by id.
    let ids: Vec<u64> = lv["objects"][0]["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    let u = fs.x0(&["-j", "unload", "core_sample"]);
    u.ok();
    let uv = u.json();
    assert!(uv["still_held"].as_array().unwrap().is_empty(), "{uv}");
    let released: Vec<u64> = uv["released_programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    assert_eq!(released, ids);
    for id in ids {
        assert!(!bpf::id_exists(ObjKind::Prog, id as u32));
    }
    assert!(!fs.dir.join("x0bpf/core_sample").exists());
    fs.x0(&["unload", "xdp_counter"]).ok();
    // Unloading what is not loaded: its own exit code.
    let u = fs.x0(&["unload", "xdp_counter"]);
    assert_eq!(u.code, 9);
    assert!(u.stderr.contains("no object named xdp_counter"));
}

/// The value bpftool wrote before the reload (key 7 -> 42) is still in the pinned map.
fn assert_key7_holds_42(pin: &str) {
    let v = bpftool(&[
        "-j", "map", "lookup", "pinned", pin, "key", "7", "0", "0", "0",
    ]);
    assert!(
        v.to_string().contains("42") || v.to_string().contains("0x2a"),
        "{v}"
    );
}

#[test]
fn reuse_maps_keeps_contents_and_checks_definitions() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "core_sample.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "cs.o",
    );
    let o128 = compile(
        "core_sample.c",
        "clang",
        &["-target", "bpf", "-g", "-DSEEN_MAX=128"],
        dir.path(),
        "cs128.o",
    );
    let r = fs.x0(&["-j", "load", o.to_str().unwrap(), "--name", "keep"]);
    r.ok();
    let seen_id = r.json()["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "seen")
        .unwrap()["id"]
        .clone();
    let seen = fs.dir.join("x0bpf/keep/maps/seen");
    let seen = seen.to_str().unwrap();
    let r = sh(
        "bpftool",
        &[
            "map", "update", "pinned", seen, "key", "7", "0", "0", "0", "value", "42", "0", "0",
            "0", "0", "0", "0", "0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = fs.x0(&[
        "-j",
        "load",
        o.to_str().unwrap(),
        "--name",
        "keep",
        "--reuse-maps",
    ]);
    r.ok();
    let m = r.json()["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "seen")
        .unwrap()
        .clone();
    assert_eq!(m["reused"], true);
    assert_eq!(m["id"], seen_id);
    assert_key7_holds_42(seen);

    // A pinned map whose definition differs is refused, clearly, and nothing changes.
    let r = fs.x0(&[
        "load",
        o128.to_str().unwrap(),
        "--name",
        "keep",
        "--reuse-maps",
    ]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(
        r.stderr.contains("seen") && r.stderr.contains("max entries 64 pinned vs 128"),
        "{}",
        r.stderr
    );
    assert_key7_holds_42(seen);

    // --set types values from BTF and range-checks them.
    let bad = fs.x0(&[
        "load",
        o.to_str().unwrap(),
        "--name",
        "s1",
        "--set",
        "min_pid=-1",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("out of range"), "{}", bad.stderr);
    let bad = fs.x0(&[
        "load",
        o.to_str().unwrap(),
        "--name",
        "s1",
        "--set",
        "nope=1",
    ]);
    assert_eq!(bad.code, 7);
    assert!(
        bad.stderr.contains("min_pid"),
        "lists settable variables: {}",
        bad.stderr
    );
    fs.x0(&[
        "load",
        o.to_str().unwrap(),
        "--name",
        "s1",
        "--set",
        "min_pid=4000000000",
    ])
    .ok();
}

#[test]
fn verifier_failure_midway_leaves_nothing() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "one_bad_prog.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "bad.o",
    );
    let r = fs.x0(&["-j", "load", o.to_str().unwrap(), "--name", "badobj"]);
    assert_eq!(r.code, 6, "{}", r.stdout);
    let e = r.json();
    let msg = e["error"]["message"].as_str().unwrap();
    // The verifier's own words, not just -EINVAL.
    assert!(
        msg.contains("invalid access to packet") || msg.contains("R1") || msg.contains("pkt"),
        "{msg}"
    );
    // The hint's command names the object and this invocation's --bpffs: it works copied.
    let hint = e["error"]["hint"].as_str().unwrap();
    assert!(
        hint.contains(&format!(
            "--bpffs {} validate --verify {}",
            fs.arg(),
            o.to_str().unwrap()
        )),
        "{hint}"
    );
    assert!(!fs.dir.join("x0bpf/badobj").exists());
    // The pin directory this failed load made is gone again, and with it any staging.
    assert!(
        std::fs::read_dir(fs.dir.join("x0bpf")).map_or(true, |mut d| d.next().is_none()),
        "no staging left"
    );
    let names = kernel_prog_names();
    assert!(
        !names.contains("good_prog") && !names.contains("bad_prog"),
        "{names:?}"
    );
}

#[test]
fn bad_names_and_path_traversal_are_refused() {
    common::require_root();
    let fs = Bpffs::new();
    for name in ["../evil", "a/b", ".hidden", "", "x.y", "_staging"] {
        let r = fs.x0(&["load", "xdp_counter", "--name", name]);
        assert_eq!(r.code, 2, "name {name:?}: {}", r.stderr);
    }
    let r = fs.x0(&["--pin-dir", "../../etc", "load", "xdp_counter"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".."));
    let r = fs.x0(&["--pin-dir", "/tmp/elsewhere", "load", "xdp_counter"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("outside the BPF filesystem root"),
        "{}",
        r.stderr
    );
    // A --bpffs that is not a bpffs, with --nomount: says exactly what is missing.
    let plain = tempfile::tempdir().unwrap();
    let r = common::x0(&[
        "--bpffs",
        plain.path().to_str().unwrap(),
        "--nomount",
        "load",
        "xdp_counter",
    ]);
    assert_eq!(r.code, 7);
    assert!(
        r.stderr.contains("is not a BPF filesystem") && r.stderr.contains("mount -t bpf"),
        "{}",
        r.stderr
    );
    // Nothing was created.
    assert!(
        !fs.dir.join("x0bpf").exists()
            || std::fs::read_dir(fs.dir.join("x0bpf"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn list_reads_pins_made_by_other_tools() {
    common::require_root();
    let fs = Bpffs::new();
    let pin = fs.dir.join("foreign_map");
    let r = sh(
        "bpftool",
        &[
            "map",
            "create",
            pin.to_str().unwrap(),
            "type",
            "hash",
            "key",
            "4",
            "value",
            "8",
            "entries",
            "16",
            "name",
            "foreign",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let l = fs.x0(&["-j", "list", pin.to_str().unwrap()]);
    l.ok();
    let v = l.json();
    assert_eq!(v["pins"][0]["kind"], "map");
    assert_eq!(v["pins"][0]["map"]["name"], "foreign");
    assert_eq!(v["pins"][0]["map"]["map_type"], "hash");
}

#[test]
fn embedded_objects_and_files_in_other_formats_are_refused_before_the_kernel() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let be = compile(
        "core_sample.c",
        "clang",
        &["-target", "bpfeb", "-g"],
        dir.path(),
        "be.o",
    );
    let r = fs.x0(&["load", be.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("big-endian"), "{}", r.stderr);
    let legacy = compile(
        "legacy_maps.c",
        "clang",
        &["-target", "bpf"],
        dir.path(),
        "legacy.o",
    );
    let r = fs.x0(&["load", legacy.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("legacy"), "{}", r.stderr);
}

#[test]
fn verbose_log_goes_to_stderr_and_json_stays_clean() {
    common::require_root();
    let fs = Bpffs::new();
    let r = fs.x0(&["-v", "-j", "load", "xdp_counter"]);
    r.ok();
    let v = r.json(); // the whole stdout parses as one document
    assert_eq!(v["name"], "xdp_counter");
    assert!(
        r.stderr.contains("libbpf"),
        "libbpf's log on stderr: {}",
        r.stderr
    );
}

#[test]
fn trampoline_programs_refused_by_this_kernel_say_why() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "fentry.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "fentry.o",
    );
    let r = fs.x0(&["-j", "load", o.to_str().unwrap()]);
    if r.code == 0 {
        // A kernel without lockdown loads it; nothing more to check here.
        fs.x0(&["unload", "fentry"]).ok();
        return;
    }
    let v = r.json();
    assert_eq!(r.code, 5, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("fentry program on_open") && msg.contains("lockdown"),
        "{msg}"
    );
    assert!(v["error"]["hint"].as_str().unwrap().contains("tracepoint"));
    assert!(!fs.dir.join("x0bpf/fentry").exists());
}

#[test]
fn bpffs_is_mounted_when_missing() {
    common::require_root();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("fs");
    // A missing --bpffs that is not the default root is not created.
    let r = common::x0(&["--bpffs", root.to_str().unwrap(), "load", "xdp_counter"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("no such directory"), "{}", r.stderr);
    assert!(!root.exists());
    // An existing empty directory is mounted on, and x0bpf says so.
    std::fs::create_dir(&root).unwrap();
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .output();
        }
    }
    let _u = Unmount(root.clone());
    let r = common::x0(&[
        "--bpffs",
        root.to_str().unwrap(),
        "-j",
        "load",
        "xdp_counter",
    ]);
    r.ok();
    assert!(r.stderr.contains("mounted bpffs at"), "{}", r.stderr);
    assert!(
        x0bpf::sys::mounts::is_bpffs(&root),
        "x0bpf mounted bpffs at {}",
        root.display()
    );
    assert!(root.join("x0bpf/xdp_counter/progs/xdp_count").exists());
}

/// libbpf logs the object's license string; a byte that is not UTF-8 in it must not abort
/// x0bpf (a panic in libbpf's print callback cannot unwind through C: exit 134, no JSON).
#[test]
fn non_utf8_license_in_libbpf_log_does_not_abort() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "validate_license.c",
        "clang",
        &[
            "-target",
            "bpf",
            "-g",
            "-DKTIME_ONLY",
            "-DLICENSE_STR=\"GPL\\xd0\"",
        ],
        dir.path(),
        "lic_d0.o",
    );
    let bytes = std::fs::read(&o).unwrap();
    assert!(
        bytes.windows(4).any(|w| w == b"GPL\xd0"),
        "the license string should hold the byte 0xd0"
    );
    let o = o.to_str().unwrap();
    for args in [
        vec!["-j", "load", o, "--name", "lic_d0"],
        vec!["-j", "-v", "load", o, "--name", "lic_d0_v"],
        vec!["-j", "validate", o, "--verify"],
        vec!["-j", "-v", "validate", o, "--verify"],
        vec!["-j", "inspect", o],
    ] {
        let r = fs.x0(&args);
        assert_ne!(r.code, 134, "{args:?} aborted: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        let v = r.json();
        assert!(v.get("error").is_none(), "{args:?}: {v}");
        if args.contains(&"-v") {
            assert!(r.stderr.contains("libbpf:"), "{args:?}: {}", r.stderr);
        }
    }
}

/// `list PATH` answers about pins: a bpffs directory lists its pins (not the kernel's own
/// `maps.debug`/`progs.debug`, not through symbolic links); a path outside bpffs is a usage
/// error, not a walk of the tree.
#[test]
fn list_path_walks_only_pins_on_bpffs() {
    common::require_root();
    let fs = Bpffs::new();
    fs.x0(&["load", "xdp_counter"]).ok();
    std::os::unix::fs::symlink("/etc", fs.dir.join("etc-link")).unwrap();
    std::os::unix::fs::symlink(
        fs.dir.join("x0bpf"),
        fs.dir.join("x0bpf").join("xdp_counter").join("loop"),
    )
    .unwrap();
    let l = fs.x0(&["-j", "list", fs.arg()]);
    l.ok();
    let v = l.json();
    let pins: Vec<&str> = v["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pin"].as_str().unwrap())
        .collect();
    let prog = fs.dir.join("x0bpf/xdp_counter/progs/xdp_count");
    assert!(pins.contains(&prog.to_str().unwrap()), "{pins:?}");
    assert!(
        pins.iter()
            .all(|p| !p.ends_with(".debug") && !p.contains("etc-link") && !p.contains("loop")),
        "{pins:?}"
    );
    assert!(
        v["pins"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] != "unknown"),
        "{v:#}"
    );

    let plain = tempfile::tempdir().unwrap();
    for p in ["/etc", plain.path().to_str().unwrap()] {
        let r = fs.x0(&["list", p]);
        assert_eq!(r.code, 2, "list {p}: {} {}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("not on a BPF filesystem") && r.stderr.contains("hint:"),
            "{}",
            r.stderr
        );
    }
    let r = fs.x0(&["list", fs.dir.join("nothing").to_str().unwrap()]);
    assert_eq!(r.code, 7, "{}", r.stderr);
}

/// A name derived from the file name that is not a valid object name says how to choose one.
#[test]
fn invalid_name_from_file_name_suggests_name_option() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let src = x0bpf::obj::source::embedded("xdp_counter").unwrap().bytes;
    let file = dir.path().join("_a.o");
    std::fs::write(&file, src).unwrap();
    let r = fs.x0(&["load", file.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("invalid object name \"_a\"") && r.stderr.contains("--name NAME"),
        "{}",
        r.stderr
    );
    fs.x0(&["load", file.to_str().unwrap(), "--name", "a"]).ok();
}

/// Issue 20/28: an unload that cannot release (another process holds a map open) removes the
/// pins, names the holding process and exits 8, instead of "still held by someone else" and 0.
#[test]
fn unload_that_cannot_release_names_the_holders_and_exits_8() {
    common::require_root();
    let fs = Bpffs::new();
    let name = format!("held{}", common::unique());
    fs.x0(&["load", "xdp_counter", "--name", &name]).ok();
    let dir = fs.dir.join("x0bpf").join(&name);
    // This test process holds the map, as a stray reader would.
    let held = bpf::obj_get(&dir.join("maps/counts")).unwrap();
    let r = fs.x0(&["-j", "unload", &name]);
    assert_eq!(r.code, 8, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    let rows = v["still_held"].as_array().unwrap();
    let m = rows
        .iter()
        .find(|h| h["kind"] == "map" && h["name"] == "counts")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        m["holders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["pid"].as_u64() == Some(u64::from(std::process::id()))),
        "{m}"
    );
    assert!(!dir.exists(), "pins removed");
    // The program was released: only the map is held.
    assert!(
        !v["released_programs"].as_array().unwrap().is_empty(),
        "{v}"
    );
    let t = fs.x0(&["load", "xdp_counter", "--name", &name]);
    t.ok();
    let r = fs.x0(&["unload", &name]);
    assert_eq!(
        r.code, 0,
        "a second object of the same name unloads cleanly"
    );
    drop(held);
}
