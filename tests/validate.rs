//! `x0bpf validate` and `x0bpf feature` on objects compiled here, one per verdict. Kernel tests
//! need root; program names are made unique per test so parallel runs cannot be confused.
mod common;

use std::path::{Path, PathBuf};

use common::{compile, require_root, unique, x0, Run};
use serde_json::Value;

fn clang(src: &str, dir: &Path, out: &str, defs: &[&str]) -> PathBuf {
    let mut extra = vec!["-target", "bpf", "-g"];
    extra.extend_from_slice(defs);
    compile(src, "clang", &extra, dir, out)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A program name unique to this test run; the kernel keeps 15 characters of it.
fn prog_name(prefix: &str) -> String {
    let n = format!("{prefix}{}", unique());
    assert!(n.len() <= 15, "{n} is too long for a BPF object name");
    n
}

fn validate(args: &[&str]) -> (Run, Value) {
    let mut full = vec!["validate"];
    full.extend_from_slice(args);
    full.push("--json");
    let r = x0(&full);
    let v = r.json();
    assert_eq!(v["schema_version"], 2, "{}", r.stdout);
    assert_eq!(v["command"], "validate", "{}", r.stdout);
    (r, v)
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {}", v["checks"]))
}

#[track_caller]
fn assert_status(v: &Value, name: &str, status: &str) {
    let c = check(v, name);
    assert_eq!(c["status"], status, "check {name}: {c:#}");
}

fn details(c: &Value) -> &Vec<Value> {
    c["details"].as_array().unwrap()
}

fn program<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no program {name} in {}", v["programs"]))
}

// ---------------------------------------------------------------------------------------------
// 1. License
// ---------------------------------------------------------------------------------------------

#[test]
fn gpl_compatible_licenses_pass() {
    let dir = tempfile::tempdir().unwrap();
    for (i, lic) in ["GPL", "Dual BSD/GPL", "Dual MIT/GPL", "GPL v2"]
        .iter()
        .enumerate()
    {
        let def = format!("-DLICENSE_STR=\"{lic}\"");
        let o = clang(
            "validate_license.c",
            dir.path(),
            &format!("l{i}.o"),
            &[&def],
        );
        let (_, v) = validate(&[s(&o)]);
        let c = check(&v, "license");
        assert_eq!(c["status"], "pass", "{lic}: {c:#}");
        assert!(c["message"].as_str().unwrap().contains(lic), "{lic}: {c:#}");
    }
}

#[test]
fn non_gpl_object_lists_every_gpl_only_call() {
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("lic");
    let prog = format!("-DPROG={name}");
    let o = clang(
        "validate_license.c",
        dir.path(),
        "prop.o",
        &[&prog, "-DLICENSE_STR=\"Proprietary\""],
    );
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let c = check(&v, "license");
    assert_eq!(c["status"], "fail");
    assert!(
        c["message"].as_str().unwrap().contains("Proprietary"),
        "{c:#}"
    );
    let calls: Vec<(&str, &str)> = details(c)
        .iter()
        .map(|d| {
            (
                d["program"].as_str().unwrap(),
                d["subject"].as_str().unwrap(),
            )
        })
        .collect();
    for h in ["bpf_probe_read_kernel", "bpf_trace_printk"] {
        assert!(calls.contains(&(name.as_str(), h)), "{h} not in {calls:?}");
    }
    // Called too, but not reserved for GPL programs.
    assert!(
        !calls.iter().any(|(_, h)| *h == "bpf_ktime_get_ns"),
        "{calls:?}"
    );
    assert_eq!(v["summary"]["result"], "fail");
    assert_eq!(v["summary"]["exit_code"], 1);

    // The human form: one line per check, the license line names a refused helper below it.
    let h = x0(&["validate", s(&o)]);
    assert_eq!(h.code, 1);
    let line = h
        .stdout
        .lines()
        .find(|l| l.contains("license"))
        .unwrap()
        .to_string();
    assert!(line.starts_with("FAIL  license"), "{line}");
    assert!(h.stdout.contains("bpf_trace_printk"), "{}", h.stdout);
    assert!(
        h.stdout.lines().last().unwrap().starts_with("summary:"),
        "{}",
        h.stdout
    );
}

#[test]
fn near_miss_license_names_the_accepted_strings() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang(
        "validate_license.c",
        dir.path(),
        "spdx.o",
        &["-DLICENSE_STR=\"GPL-2.0\""],
    );
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 1);
    let m = check(&v, "license")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        m.contains("exact string") && m.contains("\"Dual BSD/GPL\""),
        "{m}"
    );
}

#[test]
fn non_gpl_object_without_gpl_only_calls_passes() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang(
        "validate_license.c",
        dir.path(),
        "mit.o",
        &["-DLICENSE_STR=\"MIT\"", "-DKTIME_ONLY"],
    );
    let (_, v) = validate(&[s(&o)]);
    assert_status(&v, "license", "pass");
    assert!(check(&v, "license")["message"]
        .as_str()
        .unwrap()
        .contains("not GPL-compatible"));
}

#[test]
fn missing_license_fails_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang(
        "validate_license.c",
        dir.path(),
        "nolic.o",
        &["-DNO_LICENSE"],
    );
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 1);
    let c = check(&v, "license");
    assert_eq!(c["status"], "fail");
    let m = c["message"].as_str().unwrap();
    assert!(m.contains("no license section"), "{m}");
    assert!(m.contains("SEC(\"license\")"), "{m}");
}

/// The license verdict agrees with the kernel's: the verifier refuses the same object.
#[test]
fn verifier_agrees_with_the_license_check() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("licv");
    let prog = format!("-DPROG={name}");
    let o = clang(
        "validate_license.c",
        dir.path(),
        "prop.o",
        &[&prog, "-DLICENSE_STR=\"Proprietary\""],
    );
    let (r, v) = validate(&[s(&o), "--verify"]);
    assert_eq!(r.code, 1);
    assert_status(&v, "verifier", "fail");
    let ver = &program(&v, &name)["verifier"];
    assert_eq!(ver["status"], "fail");
    assert!(ver["error"].as_str().unwrap().contains("GPL"), "{ver:#}");
}

// ---------------------------------------------------------------------------------------------
// 2. Object BTF
// ---------------------------------------------------------------------------------------------

#[test]
fn object_without_btf_warns() {
    let dir = tempfile::tempdir().unwrap();
    // No -g: no .BTF; no map either, since .maps needs BTF.
    let o = compile(
        "validate_xdp.c",
        "clang",
        &["-target", "bpf", "-DNO_MAP"],
        dir.path(),
        "nobtf.o",
    );
    let (r, v) = validate(&[s(&o)]);
    let c = check(&v, "object-btf");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["message"].as_str().unwrap().contains("no .BTF"), "{c:#}");
    assert_ne!(v["summary"]["result"], "fail", "{}", r.stdout);

    // With a map in .maps, missing BTF is a load failure.
    let o = compile(
        "validate_xdp.c",
        "clang",
        &["-target", "bpf"],
        dir.path(),
        "nobtf_map.o",
    );
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 1);
    let c = check(&v, "object-btf");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["message"].as_str().unwrap().contains(".maps"), "{c:#}");
}

#[test]
fn corrupt_btf_is_reported() {
    use object::{Object, ObjectSection};
    let dir = tempfile::tempdir().unwrap();
    let o = clang("core_sample.c", dir.path(), "good.o", &[]);
    let mut bytes = std::fs::read(&o).unwrap();
    let off = {
        let f = object::File::parse(&*bytes).unwrap();
        let sec = f.section_by_name(".BTF").unwrap();
        sec.file_range().unwrap().0 as usize
    };
    // type_len (header offset 12) far past the end of the section.
    bytes[off + 12..off + 16].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    let bad = dir.path().join("badbtf.o");
    std::fs::write(&bad, &bytes).unwrap();
    let (r, v) = validate(&[s(&bad)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let c = check(&v, "object-btf");
    assert_eq!(c["status"], "fail", "{c:#}");
    let m = c["message"].as_str().unwrap();
    assert!(m.contains("corrupt .BTF"), "{m}");
}

#[test]
fn object_without_btf_ext_warns() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang("validate_xdp.c", dir.path(), "x.o", &["-DNO_MAP"]);
    let stripped = dir.path().join("noext.o");
    let r = common::sh(
        "llvm-objcopy",
        &["--remove-section=.BTF.ext", s(&o), s(&stripped)],
    );
    assert_eq!(r.code, 0, "llvm-objcopy: {}", r.stderr);
    let (_, v) = validate(&[s(&stripped)]);
    let c = check(&v, "object-btf");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        c["message"].as_str().unwrap().contains("no .BTF.ext"),
        "{c:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3 + 4. Target BTF and CO-RE
// ---------------------------------------------------------------------------------------------

#[test]
fn core_relocation_on_missing_field_fails() {
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("core");
    let prog = format!("-DPROG={name}");
    let o = clang(
        "validate_core.c",
        dir.path(),
        "missing.o",
        &[&prog, "-DMISSING"],
    );
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_status(&v, "target-btf", "pass");
    let c = check(&v, "co-re");
    assert_eq!(c["status"], "fail");
    let m = c["message"].as_str().unwrap();
    assert!(m.starts_with(&format!("{name} insn ")), "{m}");
    assert!(m.contains("task_struct.nonexistent_field"), "{m}");
    let d = details(c).iter().find(|d| d["status"] == "fail").unwrap();
    assert_eq!(d["program"], name.as_str());
    assert!(d["insn"].as_u64().is_some(), "{d:#}");
    assert!(
        d["subject"].as_str().unwrap().contains("nonexistent_field"),
        "{d:#}"
    );
    let h = x0(&["validate", s(&o)]);
    assert!(
        h.stdout
            .lines()
            .any(|l| l.starts_with("FAIL  co-re") && l.contains("nonexistent_field")),
        "{}",
        h.stdout
    );
}

#[test]
fn core_relocation_that_resolves_passes() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang("core_sample.c", dir.path(), "ok.o", &[]);
    let (_, v) = validate(&[s(&o)]);
    let c = check(&v, "co-re");
    assert_eq!(c["status"], "pass", "{c:#}");
    let d = details(c);
    assert!(
        d.iter()
            .any(|d| d["status"] == "pass"
                && d["subject"].as_str().unwrap().contains("task_struct.pid")),
        "{d:?}"
    );
}

#[test]
fn guarded_core_relocation_warns_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang("validate_core.c", dir.path(), "guarded.o", &["-DGUARDED"]);
    let (_, v) = validate(&[s(&o)]);
    let c = check(&v, "co-re");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["message"].as_str().unwrap().contains("guarded"), "{c:#}");
    let (r, v) = validate(&[s(&o), "--strict"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(v["summary"]["result"], "fail");
    assert_eq!(v["strict"], true);
}

#[test]
fn kernel_memory_reads_without_core_warn() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang("validate_license.c", dir.path(), "noncore.o", &[]);
    let (_, v) = validate(&[s(&o)]);
    let c = check(&v, "co-re");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        c["message"].as_str().unwrap().contains("without CO-RE"),
        "{c:#}"
    );
}

#[test]
fn btf_file_targets_raw_and_elf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = clang("core_sample.c", d, "sample.o", &[]);
    let missing = clang("validate_core.c", d, "missing.o", &["-DMISSING"]);
    let plain = clang("validate_xdp.c", d, "xdp.o", &[]);

    // Raw BTF: a copy of this kernel's.
    let raw = d.join("vmlinux.btf");
    std::fs::copy("/sys/kernel/btf/vmlinux", &raw).unwrap();
    let (_, v) = validate(&[s(&sample), "--btf", s(&raw)]);
    assert_eq!(v["target_btf"]["format"], "raw");
    assert_eq!(v["target_btf"]["source"], s(&raw));
    assert!(v["target_btf"]["types"].as_u64().unwrap() > 1000);
    assert_status(&v, "target-btf", "pass");
    assert_status(&v, "co-re", "pass");

    // An ELF file's .BTF: core_sample.o's task_struct has pid but not nonexistent_field.
    let (r, v) = validate(&[s(&missing), "--btf", s(&sample)]);
    assert_eq!(v["target_btf"]["format"], "elf");
    assert_eq!(r.code, 1);
    let m = check(&v, "co-re")["message"].as_str().unwrap().to_string();
    assert!(m.contains("task_struct.nonexistent_field"), "{m}");

    // A target without the type at all.
    let (r, v) = validate(&[s(&sample), "--btf", s(&plain)]);
    assert_eq!(r.code, 1);
    let m = check(&v, "co-re")["message"].as_str().unwrap().to_string();
    assert!(m.contains("task_struct"), "{m}");

    // Bad --btf arguments are usage errors (exit 2), not verdicts.
    let junk = d.join("junk.btf");
    std::fs::write(&junk, b"not btf at all").unwrap();
    let r = x0(&["validate", s(&sample), "--btf", s(&junk)]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--btf"), "{}", r.stderr);
    let nobtf = compile(
        "validate_xdp.c",
        "clang",
        &["-target", "bpf", "-DNO_MAP"],
        d,
        "nobtf.o",
    );
    let r = x0(&["validate", s(&sample), "--btf", s(&nobtf)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("without a .BTF section"), "{}", r.stderr);
    let r = x0(&["validate", s(&sample), "--btf", "/nonexistent/btf"]);
    assert_eq!(r.code, 2);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["validate", "/nonexistent/x.o"],
        vec!["validate", dir.path().to_str().unwrap()],
        vec!["validate", "no_such_embedded_object"],
        vec!["validate"],
        vec!["validate", "xdp_counter", "--no-such-flag"],
    ] {
        let r = x0(&args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    let r = x0(&["validate", "/nonexistent/x.o", "--json"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["error"]["kind"], "usage");
}

#[test]
fn not_an_object_is_a_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.o");
    std::fs::write(&junk, b"hello").unwrap();
    let (r, v) = validate(&[s(&junk)]);
    assert_eq!(r.code, 1);
    assert_status(&v, "elf", "fail");
    assert!(check(&v, "elf")["message"]
        .as_str()
        .unwrap()
        .contains("not an ELF file"));
}

// ---------------------------------------------------------------------------------------------
// 5. Program types, attach kinds, maps
// ---------------------------------------------------------------------------------------------

#[test]
fn kprobe_program_needs_kprobes() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("kp");
    let prog = format!("-DPROG={name}");
    let o = clang("validate_kprobe.c", dir.path(), "kp.o", &[&prog]);
    let (r, v) = validate(&[s(&o)]);
    let c = check(&v, "kernel-support");
    if Path::new("/sys/bus/event_source/devices/kprobe").exists() {
        // A kernel with kprobes: the same object passes.
        assert_eq!(c["status"], "pass", "{c:#}");
        return;
    }
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(c["status"], "fail", "{c:#}");
    let m = c["message"].as_str().unwrap();
    assert!(m.contains("CONFIG_KPROBES"), "{m}");
    assert!(m.contains(&name), "{m}");
    let d = details(c).iter().find(|d| d["status"] == "fail").unwrap();
    assert_eq!(d["subject"], "CONFIG_KPROBES");
    assert_eq!(d["program"], name.as_str());
}

#[test]
fn supported_types_and_maps_pass() {
    require_root();
    let (r, v) = validate(&["xdp_counter"]);
    r.ok();
    let c = check(&v, "kernel-support");
    assert_eq!(c["status"], "pass", "{c:#}");
    let subjects: Vec<&str> = details(c)
        .iter()
        .filter_map(|d| d["subject"].as_str())
        .collect();
    for want in ["xdp", "bpf_map_lookup_elem", "counts", "other_counts"] {
        assert!(subjects.contains(&want), "{want} not in {subjects:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. --verify
// ---------------------------------------------------------------------------------------------

#[test]
fn verifier_rejects_out_of_bounds_packet_read() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("oob");
    let prog = format!("-DPROG={name}");
    let o = clang("validate_xdp.c", dir.path(), "oob.o", &[&prog, "-DOOB"]);
    let (r, v) = validate(&[s(&o), "--verify"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Nothing but the verifier can tell.
    for c in ["elf", "license", "object-btf", "co-re", "kernel-support"] {
        assert_status(&v, c, "pass");
    }
    assert_status(&v, "verifier", "fail");
    let ver = &program(&v, &name)["verifier"];
    assert_eq!(ver["status"], "fail");
    assert_eq!(ver["errno"], libc::EACCES);
    assert!(
        ver["error"]
            .as_str()
            .unwrap()
            .contains("invalid access to packet"),
        "{ver:#}"
    );
    assert!(ver["insns_processed"].as_u64().unwrap() > 0, "{ver:#}");
    assert!(ver["failed_insn"].as_u64().is_some(), "{ver:#}");
    let line = &ver["source_line"];
    assert!(
        line["text"].as_str().unwrap().contains("OOB_READ"),
        "{line:#}"
    );
    assert!(
        line["file"].as_str().unwrap().ends_with("validate_xdp.c"),
        "{line:#}"
    );
    let tail: Vec<&str> = ver["log_tail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        tail.iter().any(|l| l.contains("invalid access to packet")),
        "{tail:?}"
    );

    let h = x0(&["validate", s(&o), "--verify"]);
    assert!(h.stdout.contains("FAIL  verifier"), "{}", h.stdout);
    assert!(h.stdout.contains("OOB_READ"), "{}", h.stdout);
}

#[test]
fn verifier_accepts_bounds_checked_read() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("chk");
    let prog = format!("-DPROG={name}");
    let o = clang("validate_xdp.c", dir.path(), "ok.o", &[&prog]);
    let (r, v) = validate(&[s(&o), "--verify"]);
    r.ok();
    assert_status(&v, "verifier", "pass");
    let ver = &program(&v, &name)["verifier"];
    assert_eq!(ver["status"], "pass");
    assert!(ver["insns_processed"].as_u64().unwrap() > 0, "{ver:#}");
    assert!(ver["verification_time_us"].as_u64().is_some(), "{ver:#}");
    assert!(ver["log_tail"].as_array().unwrap().is_empty());
}

#[test]
fn guarded_core_read_verifies() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = prog_name("grd");
    let prog = format!("-DPROG={name}");
    let o = clang("validate_core.c", dir.path(), "g.o", &[&prog, "-DGUARDED"]);
    let (r, v) = validate(&[s(&o), "--verify"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(program(&v, &name)["verifier"]["status"], "pass");
}

fn kernel_prog_names() -> Vec<String> {
    use std::os::fd::AsFd;
    use x0bpf::sys::bpf::{self, ObjKind};
    bpf::all_ids(ObjKind::Prog)
        .into_iter()
        .filter_map(|id| bpf::fd_by_id(ObjKind::Prog, id).ok())
        .filter_map(|fd| bpf::prog_info(fd.as_fd()).ok())
        .map(|i| i.name)
        .collect()
}

fn kernel_map_names() -> Vec<String> {
    use std::os::fd::AsFd;
    use x0bpf::sys::bpf::{self, ObjKind};
    bpf::all_ids(ObjKind::Map)
        .into_iter()
        .filter_map(|id| bpf::fd_by_id(ObjKind::Map, id).ok())
        .filter_map(|fd| bpf::map_info(fd.as_fd()).ok())
        .map(|i| i.name)
        .collect()
}

/// BPF object fds this process holds (anon inodes "bpf-prog", "bpf-map", "bpf_link").
fn own_bpf_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|l| l.to_string_lossy().starts_with("anon_inode:bpf"))
        .count()
}

/// The kernel frees a program's maps after an RCU grace period, so an id can outlive the last
/// fd by a few milliseconds: wait for it, but not forever.
fn gone(what: &str, names: fn() -> Vec<String>) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if !names().iter().any(|n| n == what) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

/// In-process, so the check runs while the validating process is still alive (an exiting
/// process would close leaked fds and hide the leak): nothing of the object stays loaded.
#[test]
fn verify_leaves_nothing_loaded() {
    require_root();
    x0bpf::sys::libbpf_log::init(false);
    let dir = tempfile::tempdir().unwrap();
    let good = prog_name("lvg");
    let bad = prog_name("lvb");
    let map = prog_name("lvm");
    let objs = [
        clang(
            "validate_xdp.c",
            dir.path(),
            "good.o",
            &[&format!("-DPROG={good}"), &format!("-DMAPNAME={map}")],
        ),
        clang(
            "validate_xdp.c",
            dir.path(),
            "bad.o",
            &[
                &format!("-DPROG={bad}"),
                &format!("-DMAPNAME={map}"),
                "-DOOB",
            ],
        ),
    ];
    let fds_before = own_bpf_fds();
    for (o, name, want) in [(&objs[0], &good, "pass"), (&objs[1], &bad, "fail")] {
        let args = x0bpf::cmd::validate::Args {
            object: s(o).to_string(),
            btf: None,
            verify: true,
            strict: false,
        };
        let report = x0bpf::cmd::validate::run(&args).unwrap();
        let p = report.programs.iter().find(|p| &p.name == name).unwrap();
        let verdict = serde_json::to_value(p.verifier.as_ref().unwrap()).unwrap();
        assert_eq!(verdict["status"], want, "{verdict:#}");
        // Loaded for real: the pass reports the kernel's own instruction count.
        assert!(verdict["insns_processed"].as_u64().unwrap() > 0);
        assert_eq!(
            own_bpf_fds(),
            fds_before,
            "validate --verify kept BPF fds open"
        );
        assert!(
            gone(name, kernel_prog_names),
            "program {name} is still loaded after validate --verify"
        );
        assert!(
            gone(&map, kernel_map_names),
            "map {map} is still loaded after validate --verify"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The whole report
// ---------------------------------------------------------------------------------------------

#[test]
fn json_report_shape() {
    require_root();
    let (r, v) = validate(&["xdp_counter", "--verify"]);
    r.ok();
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "elf",
            "license",
            "object-btf",
            "target-btf",
            "co-re",
            "kernel-support",
            "verifier"
        ]
    );
    for c in v["checks"].as_array().unwrap() {
        assert!(["pass", "warn", "fail"].contains(&c["status"].as_str().unwrap()));
        assert!(!c["message"].as_str().unwrap().is_empty());
        assert!(c["details"].is_array());
    }
    assert_eq!(v["object"], "embedded:xdp_counter");
    assert_eq!(v["target_btf"]["format"], "kernel");
    assert_eq!(v["summary"]["pass"], 7);
    assert_eq!(v["summary"]["fail"], 0);
    assert_eq!(v["summary"]["exit_code"], 0);
    let p = program(&v, "xdp_count");
    assert_eq!(p["prog_type"], "xdp");
    assert_eq!(p["verifier"]["status"], "pass");

    // Without --verify there is no verifier check and no verifier verdicts.
    let (_, v) = validate(&["xdp_counter"]);
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["name"] != "verifier"));
    assert!(program(&v, "xdp_count")["verifier"].is_null());
}

// ---------------------------------------------------------------------------------------------
// feature
// ---------------------------------------------------------------------------------------------

/// A root tool never runs another program: `feature` used to start `cat` (found through
/// $PATH, as root) to read lockdown and the LSM list when securityfs is not mounted. Two
/// witnesses: a `cat` first on PATH that would leave a marker, and strace, which must see no
/// process created (threads aside) and no execve but the first.
#[test]
fn feature_runs_no_other_program() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    for name in ["cat", "mount", "sh"] {
        let fake = dir.path().join(name);
        std::fs::write(
            &fake,
            format!("#!/bin/sh\necho \"$0 $*\" >> {}\n", marker.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(common::bin())
        .args(["feature", "-j"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !marker.exists(),
        "feature ran another program: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // As root the lockdown file is readable with or without a securityfs mount.
    if Path::new("/sys/kernel/security").exists() {
        assert!(v["lockdown"]["mode"].is_string(), "{}", v["lockdown"]);
    }

    let log = dir.path().join("strace.log");
    let st = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&log)
        .args([
            "-e",
            "trace=execve,execveat,clone,clone3,fork,vfork",
            common::bin(),
        ])
        .args(["feature", "-j"])
        .env("PATH", &path)
        .output()
        .expect("strace is needed for this test (apt-get install strace)");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let log = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("exec") || l.contains("fork") || l.contains("clone"))
        .collect();
    let execs = calls.iter().filter(|l| l.contains("execve")).count();
    assert_eq!(execs, 1, "{log}");
    for l in &calls {
        let new_process = l.contains("fork(")
            || ((l.contains("clone(") || l.contains("clone3(")) && !l.contains("CLONE_THREAD"));
        assert!(!new_process, "feature created a process: {l}\n{log}");
    }
}

#[test]
fn feature_reports_the_kernel() {
    require_root();
    let r = x0(&["feature", "-j"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["command"], "feature");
    let uname = common::sh("uname", &["-r"]);
    assert_eq!(v["kernel"]["release"], uname.stdout.trim());
    let version = v["kernel"]["version"].as_str().unwrap();
    assert!(uname.stdout.starts_with(version), "{version}");
    assert_eq!(
        v["btf"]["vmlinux"],
        Path::new("/sys/kernel/btf/vmlinux").exists()
    );
    assert!(v["jit"]["enabled"].is_boolean(), "{}", v["jit"]);
    assert!(
        ["yes", "no", "unknown"].contains(&v["jit"]["always_on"]["supported"].as_str().unwrap())
    );
    let jit = std::fs::read_to_string("/proc/sys/net/core/bpf_jit_enable").unwrap();
    assert_eq!(v["jit"]["enable"], jit.trim().parse::<u64>().unwrap());
    assert!(v["lockdown"]["source"].is_string());
    if let Ok(l) = std::fs::read_to_string("/sys/kernel/security/lockdown") {
        let mode = l.split('[').nth(1).unwrap().split(']').next().unwrap();
        assert_eq!(v["lockdown"]["mode"], mode);
    }
    assert!(v["bpffs"]["mounted"].is_boolean());
    assert!(v["tracefs"]["mounted"].is_boolean());
    let unpriv = std::fs::read_to_string("/proc/sys/kernel/unprivileged_bpf_disabled").unwrap();
    assert_eq!(
        v["unprivileged_bpf"]["disabled"],
        unpriv.trim().parse::<u64>().unwrap()
    );
    assert!(v["probe_error"].is_null());

    let attach = |name: &str| -> String {
        v["attach"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no attach kind {name}"))["supported"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for k in [
        "xdp",
        "tcx",
        "clsact",
        "tracepoint",
        "kprobe",
        "fentry",
        "uprobe",
    ] {
        assert!(
            ["yes", "no", "unknown"].contains(&attach(k).as_str()),
            "{k}"
        );
    }
    assert_eq!(attach("xdp"), "yes");
    let has_kprobes = Path::new("/sys/bus/event_source/devices/kprobe").exists();
    assert_eq!(attach("kprobe"), if has_kprobes { "yes" } else { "no" });

    let supported = |list: &str, name: &str| -> String {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {list}"))["supported"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for t in ["socket_filter", "xdp", "sched_cls", "tracepoint"] {
        assert_eq!(supported("program_types", t), "yes", "{t}");
    }
    for t in ["hash", "array", "percpu_hash", "ringbuf"] {
        assert_eq!(supported("map_types", t), "yes", "{t}");
    }

    let h = x0(&["feature"]);
    h.ok();
    for s in [
        "kernel",
        "lockdown",
        "attach kinds",
        "program types",
        "map types",
    ] {
        // In a pipe the section titles go to stderr; the tables stay on stdout.
        let all = format!("{}{}", h.stdout, h.stderr);
        assert!(all.contains(s), "{s} missing:\n{all}");
    }
}

/// Issue 18 §2: a person waiting at a terminal sees what the long step is (a spinner on
/// stderr, cleared before the report); pipes and `--json` never get it.
#[test]
fn long_steps_show_progress_on_a_terminal_only() {
    require_root();
    let (code, raw) = common::x0_on_pty(&["validate", "xdp_counter", "--verify"]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("running the verifier"),
        "spinner on the terminal: {text}"
    );
    assert!(text.contains("PASS"), "the report follows: {text}");
    // JSON on a terminal: scripts, no spinner.
    let (code, raw) = common::x0_on_pty(&["--json", "validate", "xdp_counter", "--verify"]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("running the verifier"),
        "no spinner with --json: {text}"
    );
    // Pipes: neither stream carries it.
    let r = x0(&["validate", "xdp_counter", "--verify"]);
    assert!(!r.stderr.contains("running the verifier"), "{}", r.stderr);
    assert!(!r.stdout.contains("running the verifier"), "{}", r.stdout);
    let (code, raw) = common::x0_on_pty(&["explain", "xdp_counter"]);
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&raw).contains("analysing"));
    // -v: libbpf's log would interleave with it; off.
    let (_, raw) = common::x0_on_pty(&["-v", "validate", "xdp_counter", "--verify"]);
    assert!(!String::from_utf8_lossy(&raw).contains("running the verifier"));
}

// ---------------------------------------------------------------------------------------------
// Issue 27: objects the kernel or libbpf refuses before any verification
// ---------------------------------------------------------------------------------------------

/// An XDP program of `n` instructions (`n - 1` times `r0 = 0`, then `exit`) in BPF assembly,
/// assembled by clang.
fn asm_prog(dir: &Path, out: &str, name: &str, n: usize) -> PathBuf {
    let src = dir.join(format!("{out}.s"));
    let text = format!(
        "\t.section xdp,\"ax\",@progbits\n\t.globl {name}\n\t.type {name},@function\n{name}:\n\
         \t.rept {}\n\tr0 = 0\n\t.endr\n\texit\n.Lend:\n\t.size {name}, .Lend-{name}\n\
         \t.section license,\"aw\",@progbits\n\t.asciz \"GPL\"\n",
        n - 1
    );
    std::fs::write(&src, text).unwrap();
    let o = dir.join(out);
    let r = common::sh("clang", &["-target", "bpf", "-c", s(&src), "-o", s(&o)]);
    assert_eq!(r.code, 0, "clang: {}", r.stderr);
    o
}

/// The kernel refuses a program of more than 1,000,000 instructions (BPF_COMPLEXITY_LIMIT_INSNS,
/// E2BIG at BPF_PROG_LOAD): plain `validate` said PASS for 1,000,001. Exactly 1,000,000 loads.
#[test]
fn a_program_over_the_kernels_instruction_limit_fails_without_verify() {
    let dir = tempfile::tempdir().unwrap();
    let big = asm_prog(dir.path(), "big.o", "toobig", 1_000_001);
    let (r, v) = validate(&[s(&big)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_status(&v, "elf", "fail");
    let m = check(&v, "elf")["message"].as_str().unwrap().to_string();
    assert!(m.contains("1000001 instructions"), "{m}");
    assert!(m.contains("1000000"), "{m}");
    assert!(!m.contains('\n'), "{m}");
    let edge = asm_prog(dir.path(), "edge.o", "atlimit", 1_000_000);
    let (r, v) = validate(&[s(&edge)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_status(&v, "elf", "pass");
}

/// libbpf cannot open an object without a symbol table ("couldn't find symbol table in …,
/// stripped object file?"): plain `validate` said PASS.
#[test]
fn an_object_without_a_symbol_table_fails_without_verify() {
    let dir = tempfile::tempdir().unwrap();
    let o = asm_prog(dir.path(), "small.o", "stripme", 10);
    let (r, v) = validate(&[s(&o)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_status(&v, "elf", "pass");
    let stripped = dir.path().join("stripped.o");
    let st = common::sh("llvm-objcopy", &["--strip-all", s(&o), s(&stripped)]);
    assert_eq!(st.code, 0, "llvm-objcopy: {}", st.stderr);
    let (r, v) = validate(&[s(&stripped)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_status(&v, "elf", "fail");
    let m = check(&v, "elf")["message"].as_str().unwrap();
    assert!(m.contains("no symbol table"), "{m}");
    assert!(m.contains("llvm-strip -g"), "{m}");
    // load refuses it with the same words (the rules are shared), before libbpf is asked.
    let fs = common::Bpffs::new();
    let r = fs.x0(&["load", s(&stripped), "--name", "stripped"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no symbol table"), "{}", r.stderr);
}

#[test]
fn verify_without_cap_bpf_is_a_permission_error_not_a_rejection() {
    common::require_root();
    let nobody = [
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        common::bin(),
    ];
    let mut a = nobody.to_vec();
    a.extend_from_slice(&["validate", "xdp_counter", "--verify"]);
    let r = common::sh("setpriv", &a);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("CAP_BPF"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    // The static checks need no privilege.
    let mut a = nobody.to_vec();
    a.extend_from_slice(&["validate", "xdp_counter"]);
    assert_eq!(common::sh("setpriv", &a).code, 0);
    // Root of a user namespace cannot load programs either.
    let r = common::sh(
        "unshare",
        &["-Ur", common::bin(), "validate", "xdp_counter", "--verify"],
    );
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("user namespace"), "{}", r.stderr);
    // CAP_BPF alone: loading XDP needs CAP_NET_ADMIN, and the verifier judges by root's rules
    // only with CAP_PERFMON; named, exit 4 — not "this kernel lacks XDP" (hostile review).
    let r = common::sh(
        "setpriv",
        &[
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--inh-caps=+bpf",
            "--ambient-caps=+bpf",
            common::bin(),
            "validate",
            "xdp_counter",
            "--verify",
        ],
    );
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("CAP_NET_ADMIN and CAP_PERFMON"),
        "{}",
        r.stderr
    );
    // Root verifies.
    common::x0(&["validate", "xdp_counter", "--verify"]).ok();
}
