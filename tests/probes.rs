//! Tracing attachments on the real kernel: tracepoints (with `--set` configuration), raw
//! tracepoints and uprobes fire; kprobes fail naming the missing kernel feature.
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{compile, sh, Bpffs};
use serde_json::Value;

/// One slot of the test object's `hits` array, read back through bpftool (a witness).
fn hits(fs: &Bpffs, obj: &str, slot: u32) -> u64 {
    let pin = fs.dir.join(format!("x0bpf/{obj}/maps/hits"));
    let key = slot
        .to_le_bytes()
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>();
    let mut args = vec![
        "-j",
        "map",
        "lookup",
        "pinned",
        pin.to_str().unwrap(),
        "key",
    ];
    args.extend(key.iter().map(String::as_str));
    let r = sh("bpftool", &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    // bpftool prints the value as hex byte strings, or with BTF as a number.
    match &v["formatted"]["value"] {
        Value::Number(n) => n.as_u64().unwrap(),
        _ => {
            let bytes: Vec<u8> = v["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    u8::from_str_radix(b.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
                })
                .collect();
            u64::from_le_bytes(bytes[..8].try_into().unwrap())
        }
    }
}

/// tests/bpf/probes.c built with clang into `dir`.
fn probes_obj(dir: &std::path::Path) -> std::path::PathBuf {
    compile(
        "probes.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir,
        "probes.o",
    )
}

#[test]
fn tracepoint_counts_a_configured_process_exactly() {
    common::require_root();
    let fs = Bpffs::new();
    // A child that makes 1000 getppid() calls, reports, then 500 more on request. Counting the
    // difference between the two phases makes the check exact whatever the interpreter does
    // while it starts.
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import os,sys\nsys.stdin.readline()\nfor _ in range(1000): os.getppid()\nprint('done', flush=True)\nsys.stdin.readline()\nfor _ in range(500): os.getppid()",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/setup.sh installs it)");
    let pid = child.id().to_string();
    let set = format!("target_tgid={pid}");
    fs.x0(&["load", "syscall_latency", "--name", "lat", "--set", &set])
        .ok();
    let a = fs.x0(&[
        "-j",
        "attach",
        "tracepoint",
        "raw_syscalls:sys_enter",
        "--prog",
        "lat:on_sys_enter",
    ]);
    a.ok();
    assert_eq!(a.json()["kind"], "tracepoint");
    fs.x0(&[
        "attach",
        "tracepoint",
        "raw_syscalls/sys_exit",
        "--prog",
        "lat:on_sys_exit",
    ])
    .ok();

    let getppid = |fs: &Bpffs| -> (u64, u64) {
        let s = fs.x0(&["-j", "stats", "lat"]);
        s.ok();
        let v = s.json();
        let row = v["syscalls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["nr"] == 110)
            .unwrap_or_else(|| panic!("no getppid (110) row: {v}"))
            .clone();
        assert_eq!(row["name"], "getppid", "{row}");
        assert_eq!(row["errors"], 0, "{row}");
        let hist: u64 = row["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        (row["count"].as_u64().unwrap(), hist)
    };
    let mut stdin = child.stdin.take().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(b"go\n").unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert_eq!(line.trim(), "done");
    let (c1, h1) = getppid(&fs);
    assert!(c1 >= 1000, "{c1}");
    assert_eq!(h1, c1, "every call lands in one histogram slot");
    stdin.write_all(b"go\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let (c2, h2) = getppid(&fs);
    assert_eq!(c2 - c1, 500, "exactly the second phase's calls");
    assert_eq!(h2, c2);

    // The kernel says where each link is (libbpf-rs decodes perf-event targets).
    let links = fs.dir.join("x0bpf/lat/links");
    let l = fs.x0(&["-j", "list", links.to_str().unwrap()]);
    l.ok();
    let targets: Vec<String> = l.json()["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["link"]["target"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        targets.contains(&"tracepoint sys_enter".to_string())
            && targets.contains(&"tracepoint sys_exit".to_string()),
        "{targets:?}"
    );

    // Detach by target; unloading then releases the object.
    fs.x0(&["detach", "tracepoint", "raw_syscalls:sys_enter"])
        .ok();
    let l = fs.x0(&["-j", "list", "lat"]);
    assert_eq!(
        l.json()["objects"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let u = fs.x0(&["-j", "unload", "lat"]);
    u.ok();
    assert_eq!(u.json()["detached"].as_array().unwrap().len(), 1);
}

#[test]
fn raw_tracepoint_and_uprobe_fire() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = probes_obj(dir.path());
    // kprobe programs load fine; only attaching needs kprobes. Load once, attach by name.
    fs.x0(&["load", o.to_str().unwrap(), "--name", "probes"])
        .ok();
    fs.x0(&[
        "attach",
        "raw_tracepoint",
        "sys_enter",
        "--prog",
        "probes:on_raw_sys_enter",
    ])
    .ok();
    // Every process makes syscalls, this test included.
    assert!(hits(&fs, "probes", 0) > 0);

    let libc = "/usr/lib/x86_64-linux-gnu/libc.so.6:getenv";
    let r = fs.x0(&["-j", "attach", "uprobe", libc, "--prog", "probes:on_uprobe"]);
    r.ok();
    assert_eq!(r.json()["kind"], "uprobe");
    let before = hits(&fs, "probes", 2);
    for _ in 0..5 {
        // The shell looks up its environment (PATH, HOME, …) through getenv.
        assert!(Command::new("sh")
            .args(["-c", "true"])
            .status()
            .unwrap()
            .success());
    }
    assert!(
        hits(&fs, "probes", 2) > before,
        "uprobe on getenv did not fire"
    );
    fs.x0(&["unload", "probes"]).ok();
}

#[test]
fn kprobe_fails_naming_the_missing_feature() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = probes_obj(dir.path());
    let spec = format!("{}:on_kprobe", o.display());
    let r = fs.x0(&["attach", "kprobe", "do_sys_openat2", "--prog", &spec]);
    if std::path::Path::new("/sys/bus/event_source/devices/kprobe").exists() {
        // A kernel with kprobes: the attach works.
        assert_eq!(r.code, 0, "{}", r.stderr);
        return;
    }
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("CONFIG_KPROBES"), "{}", r.stderr);
    assert!(
        r.stderr.contains("tracepoint"),
        "suggests a tracepoint: {}",
        r.stderr
    );
    // Refused before loading anything.
    assert!(!fs.dir.join("x0bpf/probes").exists());
    let r = fs.x0(&[
        "-j",
        "attach",
        "kretprobe",
        "do_sys_openat2",
        "--prog",
        &spec,
    ]);
    assert_eq!(r.json()["error"]["kind"], "unsupported");
}

#[test]
fn tracepoint_errors() {
    common::require_root();
    let fs = Bpffs::new();
    let r = fs.x0(&[
        "attach",
        "tracepoint",
        "nosuch:thing",
        "--prog",
        "syscall_latency:on_sys_enter",
    ]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(
        r.stderr.contains("no tracepoint nosuch:thing"),
        "{}",
        r.stderr
    );
    // The object loaded for the attempt was unloaded again.
    assert!(!fs.dir.join("x0bpf/syscall_latency").exists());
    let r = fs.x0(&["attach", "tracepoint", "syscalls:sys_enter_getpid"]);
    assert_eq!(r.code, 2, "needs --prog: {}", r.stderr);
    let r = fs.x0(&[
        "attach",
        "tracepoint",
        "raw_syscalls:sys_enter",
        "--prog",
        "xdp_counter",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no tracepoint program"), "{}", r.stderr);
}

#[test]
fn probe_detach_matches_kind_and_target_exactly() {
    common::require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = probes_obj(dir.path());
    fs.x0(&["load", o.to_str().unwrap(), "--name", "pd"]).ok();
    fs.x0(&[
        "attach",
        "raw_tracepoint",
        "sys_enter",
        "--prog",
        "pd:on_raw_sys_enter",
    ])
    .ok();
    // Another kind with the same target name is not this attachment.
    let r = fs.x0(&["detach", "kprobe", "sys_enter"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    let l = fs.x0(&["-j", "list", "pd"]);
    assert_eq!(
        l.json()["objects"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A uprobe given by a relative path is found again by its canonical path.
    let run_in = |args: &[&str]| {
        let mut a = vec!["--bpffs", fs.arg()];
        a.extend_from_slice(args);
        let o = Command::new(common::bin())
            .args(&a)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    std::fs::copy(
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        dir.path().join("libc-copy.so"),
    )
    .unwrap();
    let (code, err) = run_in(&[
        "attach",
        "uprobe",
        "./libc-copy.so:getenv",
        "--prog",
        "pd:on_uprobe",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run_in(&["detach", "uprobe", "libc-copy.so:getenv"]);
    assert_eq!(code, Some(0), "{err}");
    fs.x0(&["detach", "raw_tracepoint", "sys_enter"]).ok();
    fs.x0(&["unload", "pd"]).ok();
}
