//! `x0bpf inspect` on the embedded objects, on objects compiled here by several toolchains,
//! and on broken input. Unprivileged: nothing here touches the kernel.
mod common;

use common::{compile, x0};
use serde_json::Value;

fn inspect_json(obj: &str) -> Value {
    let r = x0(&["inspect", obj, "--json"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["command"], "inspect");
    v
}

fn program<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no program {name} in {}", v["programs"]))
}

fn map<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no map {name} in {}", v["maps"]))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

#[test]
fn embedded_xdp_counter() {
    let v = inspect_json("xdp_counter");
    assert_eq!(v["source"], "embedded:xdp_counter");
    assert_eq!(v["elf"]["machine"], "bpf");
    assert_eq!(v["license"], "Dual BSD/GPL");
    let p = program(&v, "xdp_count");
    assert_eq!(p["section"], "xdp");
    assert_eq!(p["prog_type"], "xdp");
    assert!(p["instructions"].as_u64().unwrap() > 20);
    let helpers = strings(&p["helpers"]);
    assert!(helpers.contains(&"bpf_map_lookup_elem"), "{helpers:?}");
    assert!(helpers.contains(&"bpf_map_update_elem"), "{helpers:?}");
    let maps = strings(&p["maps"]);
    assert!(
        maps.contains(&"counts") && maps.contains(&"other_counts"),
        "{maps:?}"
    );
    let m = map(&v, "other_counts");
    assert_eq!(m["map_type"], "percpu_hash");
    assert_eq!(m["definition"], "btf");
    assert_eq!(m["key_size"], 12);
    assert_eq!(m["key_type"], "struct proto_key");
    assert_eq!(m["value_size"], 16);
    assert_eq!(m["max_entries"], 4096);
    let c = map(&v, "counts");
    assert_eq!(c["map_type"], "percpu_array");
    assert_eq!(c["max_entries"], 1024);
    assert_eq!(v["btf"]["present"], true);
    assert!(v["btf"]["types"].as_u64().unwrap() > 10);
    // xdp_md is declared with preserve_access_index: its reads are CO-RE relocations.
    let relos = v["btf"]["core_relocations"].as_array().unwrap();
    assert!(
        relos
            .iter()
            .any(|r| r["access"].as_str().unwrap().contains("xdp_md.data")),
        "{relos:?}"
    );
}

#[test]
fn objects_lists_embedded() {
    let r = x0(&["objects", "-j"]);
    r.ok();
    let v = r.json();
    let names: Vec<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"xdp_counter"), "{names:?}");
    let table = x0(&["objects"]);
    table.ok();
    assert!(table.stdout.contains("xdp_counter") && table.stdout.contains("per-protocol"));
}

#[test]
fn human_output_names_the_parts() {
    let r = x0(&["inspect", "xdp_counter"]);
    r.ok();
    for s in [
        "xdp_count",
        "other_counts",
        "percpu_hash",
        "bpf_map_lookup_elem",
        "Dual BSD/GPL",
    ] {
        assert!(r.stdout.contains(s), "missing {s} in:\n{}", r.stdout);
    }
}

fn check_core_sample(v: &Value, compiler: &str) {
    let p = program(v, "on_getpid");
    assert_eq!(p["prog_type"], "tracepoint", "{compiler}");
    let helpers = strings(&p["helpers"]);
    // Direct calls and the ones made through the `record` subprogram both count.
    for h in [
        "bpf_get_current_task",
        "bpf_probe_read_kernel",
        "bpf_ktime_get_ns",
        "bpf_map_update_elem",
    ] {
        assert!(helpers.contains(&h), "{compiler}: {h} not in {helpers:?}");
    }
    assert_eq!(strings(&p["calls"]), vec!["record"], "{compiler}");
    let m = map(v, "seen");
    assert_eq!(m["map_type"], "hash", "{compiler}");
    assert_eq!(m["max_entries"], 64, "{compiler}");
    assert_eq!(m["key_size"], 4, "{compiler}");
    assert_eq!(m["value_size"], 8, "{compiler}");
    assert_eq!(v["license"], "GPL");
    let globals: Vec<&str> = v["globals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for g in ["min_pid", "hits", "last_pid"] {
        assert!(globals.contains(&g), "{compiler}: {g} not in {globals:?}");
    }
}

#[test]
fn clang_objects_of_several_versions() {
    let dir = tempfile::tempdir().unwrap();
    for cc in ["clang", "clang-16"] {
        let o = compile(
            "core_sample.c",
            cc,
            &["-target", "bpf", "-g"],
            dir.path(),
            &format!("{cc}.o"),
        );
        let v = inspect_json(o.to_str().unwrap());
        check_core_sample(&v, cc);
        let relos = v["btf"]["core_relocations"].as_array().unwrap();
        let r = relos
            .iter()
            .find(|r| r["access"].as_str().unwrap().contains("task_struct.pid"))
            .unwrap_or_else(|| panic!("{cc}: no task_struct.pid relocation in {relos:?}"));
        assert_eq!(r["kind"], "byte_off");
        assert_eq!(r["function"], "on_getpid");
    }
}

#[test]
fn gcc_bpf_object() {
    let dir = tempfile::tempdir().unwrap();
    let o = compile("core_sample.c", "bpf-gcc", &[], dir.path(), "gcc.o");
    let v = inspect_json(o.to_str().unwrap());
    check_core_sample(&v, "bpf-gcc");
    assert_eq!(v["btf"]["present"], true);
}

#[test]
fn big_endian_object() {
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "core_sample.c",
        "clang",
        &["-target", "bpfeb", "-g"],
        dir.path(),
        "be.o",
    );
    let v = inspect_json(o.to_str().unwrap());
    assert_eq!(v["elf"]["endianness"], "big");
    assert_eq!(v["elf"]["native_endian"], false);
    assert_eq!(v["btf"]["endianness"], "big");
    check_core_sample(&v, "clang -target bpfeb");
    assert!(v["warnings"].to_string().contains("big-endian"));
}

#[test]
fn legacy_maps_without_btf() {
    let dir = tempfile::tempdir().unwrap();
    let o = compile(
        "legacy_maps.c",
        "clang",
        &["-target", "bpf"],
        dir.path(),
        "legacy.o",
    );
    let v = inspect_json(o.to_str().unwrap());
    assert_eq!(v["btf"]["present"], false);
    let m = map(&v, "legacy_counts");
    assert_eq!(m["definition"], "legacy");
    assert_eq!(m["map_type"], "array");
    assert_eq!(m["key_size"], 4);
    assert_eq!(m["value_size"], 8);
    assert_eq!(m["max_entries"], 4);
    assert_eq!(m["pinning"], "global_ns");
    let p = program(&v, "cls_main");
    assert_eq!(p["prog_type"], "sched_cls");
    assert_eq!(strings(&p["helpers"]), vec!["bpf_map_lookup_elem"]);
    assert_eq!(v["kernel_version"]["text"], "6.1.0");
}

fn expect_invalid(args: &[&str], code: i32, needle: &str) {
    let r = x0(args);
    assert_eq!(
        r.code, code,
        "{args:?}: stdout {} stderr {}",
        r.stdout, r.stderr
    );
    let line = r.stderr.trim_end();
    assert!(!line.contains('\n'), "error must be one line: {line}");
    assert!(line.starts_with("x0bpf: error: "), "{line}");
    assert!(line.contains(needle), "{needle:?} not in {line}");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn bad_inputs_get_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let empty = d.join("empty.o");
    std::fs::write(&empty, b"").unwrap();
    let garbage = d.join("garbage.o");
    std::fs::write(&garbage, b"this is not an object file at all\n").unwrap();
    let good = std::fs::read(compile(
        "core_sample.c",
        "clang",
        &["-target", "bpf", "-g"],
        d,
        "g.o",
    ))
    .unwrap();
    let trunc = d.join("trunc.o");
    std::fs::write(&trunc, &good[..good.len() / 2]).unwrap();
    let short = d.join("short.o");
    std::fs::write(&short, &good[..40]).unwrap();

    expect_invalid(&["inspect", empty.to_str().unwrap()], 3, "empty file");
    expect_invalid(
        &["inspect", garbage.to_str().unwrap()],
        3,
        "not an ELF file",
    );
    expect_invalid(&["inspect", trunc.to_str().unwrap()], 3, "truncated");
    expect_invalid(&["inspect", short.to_str().unwrap()], 3, "truncated");
    expect_invalid(&["inspect", "/bin/true"], 3, "x86-64");
    expect_invalid(&["inspect", d.to_str().unwrap()], 2, "is a directory");
    expect_invalid(&["inspect", "/nonexistent/x.o"], 2, "cannot read");
    expect_invalid(
        &["inspect", "no_such_object"],
        7,
        "no file and no embedded object",
    );

    // Under --json the error is a structured document on stdout, with the same exit code.
    let r = x0(&["inspect", garbage.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 3);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "invalid_object");
    assert!(v["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("clang -target bpf"));
}

/// Truncate at every length and flip bytes all over a valid object: parse must answer Ok or a
/// typed error, never panic. In-process: thousands of cases in a second.
#[test]
fn corrupted_objects_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = vec![x0bpf::obj::source::embedded("xdp_counter")
        .unwrap()
        .bytes
        .to_vec()];
    inputs.push(
        std::fs::read(compile(
            "core_sample.c",
            "clang",
            &["-target", "bpf", "-g"],
            dir.path(),
            "a.o",
        ))
        .unwrap(),
    );
    inputs.push(
        std::fs::read(compile(
            "core_sample.c",
            "clang",
            &["-target", "bpfeb", "-g"],
            dir.path(),
            "b.o",
        ))
        .unwrap(),
    );
    let mut cases = 0u64;
    for good in &inputs {
        for len in 0..good.len() {
            let _ = x0bpf::obj::elf::parse(&good[..len], "t");
            cases += 1;
        }
        // Deterministic pseudo-random flips (xorshift), several bytes at a time.
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15 ^ good.len() as u64;
        for _ in 0..4000 {
            let mut bad = good.clone();
            for _ in 0..1 + (s % 4) {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let i = (s as usize) % bad.len();
                bad[i] ^= (s >> 32) as u8 | 1;
            }
            let _ = x0bpf::obj::elf::parse(&bad, "t");
            cases += 1;
        }
        // Every single byte set to 0xff in turn.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] = 0xff;
            let _ = x0bpf::obj::elf::parse(&bad, "t");
            cases += 1;
        }
    }
    assert!(cases > 10_000, "only {cases} cases");
}

/// Run x0bpf with a deadline and a memory ceiling, and return its peak RSS in KiB: a run that
/// blocks or balloons is killed and fails the test, instead of hanging the suite or exhausting
/// the machine.
fn x0_bounded(args: &[&str]) -> (common::Run, u64) {
    use std::io::{Read, Seek};
    use std::time::{Duration, Instant};
    const DEADLINE: Duration = Duration::from_secs(10);
    const MAX_RSS_KIB: u64 = 512 * 1024;
    let mut out = tempfile::tempfile().unwrap();
    let mut err = tempfile::tempfile().unwrap();
    // Reaped with wait4 below, which also gives this child's own rusage.
    #[allow(clippy::zombie_processes)]
    let mut child = std::process::Command::new(common::bin())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out buffer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: our own child; valid out pointers.
        let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if rc == pid {
            break;
        }
        assert_eq!(rc, 0, "wait4: {}", std::io::Error::last_os_error());
        let rss_kib: u64 = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0);
        if start.elapsed() > DEADLINE || rss_kib > MAX_RSS_KIB {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "x0bpf {args:?} killed after {:?} at {rss_kib} KiB RSS: it blocked or read without limit",
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let text = |f: &mut std::fs::File| {
        let mut s = String::new();
        f.rewind().unwrap();
        f.read_to_string(&mut s).unwrap();
        s
    };
    let run = common::Run {
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout: text(&mut out),
        stderr: text(&mut err),
    };
    (run, ru.ru_maxrss as u64)
}

/// FIFOs, devices and directories are refused from the opened descriptor, without blocking
/// (a FIFO would wait for a writer forever) or reading (/dev/zero never ends), by every
/// command that reads an object.
#[test]
fn special_files_are_refused_without_blocking_or_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.o");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let d = dir.path().to_str().unwrap();
    for (path, what) in [
        (fifo.to_str().unwrap(), "FIFO"),
        ("/dev/zero", "character device"),
        (d, "directory"),
    ] {
        for cmd in [
            vec!["inspect", path],
            vec!["validate", path],
            vec!["-n", "load", path],
        ] {
            let (r, _) = x0_bounded(&cmd);
            assert_eq!(r.code, 2, "{cmd:?}: {} {}", r.stdout, r.stderr);
            let line = r.stderr.trim_end();
            assert!(!line.contains('\n'), "one line: {line}");
            assert!(
                line.contains(what) && line.contains("not a BPF object file"),
                "{cmd:?}: {line}"
            );
            assert!(line.contains("hint:"), "{line}");
        }
        let (r, _) = x0_bounded(&["inspect", path, "--json"]);
        assert_eq!(r.code, 2);
        assert_eq!(r.json()["error"]["kind"], "usage");
    }
}

/// A large file is judged by its header: not ELF → "not an ELF file" at once (same error as a
/// small file: exit 3, a failed check for validate); ELF but over the cap → refused unread.
#[test]
fn large_files_are_judged_by_their_header() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse.o");
    let f = std::fs::File::create(&sparse).unwrap();
    f.set_len(1 << 30).unwrap();
    drop(f);
    let p = sparse.to_str().unwrap();
    let (r, rss) = x0_bounded(&["inspect", p]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not an ELF file"), "{}", r.stderr);
    assert!(
        rss < 100 * 1024,
        "inspect of a 1 GB file peaked at {rss} KiB"
    );
    let (r, rss) = x0_bounded(&["validate", p, "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("not an ELF file"), "{}", r.stdout);
    assert!(
        rss < 100 * 1024,
        "validate of a 1 GB file peaked at {rss} KiB"
    );

    // ELF magic, then 300 MiB of holes: over x0bpf's 256 MiB cap.
    let big = dir.path().join("big.o");
    let mut f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut f, b"\x7fELF\x02\x01\x01").unwrap();
    f.set_len(300 << 20).unwrap();
    drop(f);
    let (r, rss) = x0_bounded(&["inspect", big.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("larger than the 256 MiB"), "{}", r.stderr);
    assert!(rss < 100 * 1024, "peaked at {rss} KiB");
}
