//! `x0bpf explain`: what the analysis says about the embedded programs, about xdp-tools-style
//! objects compiled here (a filter that drops on one path, a redirect, a subprogram), about
//! loaded programs read back from the kernel by id (with bpftool as the witness for the map
//! list), and how it refuses bad input.
mod common;

use std::collections::BTreeSet;

use common::{compile, require_root, sh, x0, Bpffs};
use serde_json::Value;

fn explain_json(args: &[&str]) -> Value {
    let mut a = vec!["explain", "-j"];
    a.extend_from_slice(args);
    let r = x0(&a);
    assert_eq!(r.code, 0, "explain {args:?}: {}", r.stderr);
    r.json()
}

fn prog<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["programs"]
        .as_array()
        .expect("programs")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no program {name} in {doc}"))
}

fn return_names(p: &Value) -> BTreeSet<String> {
    p["returns"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn map<'a>(p: &'a Value, name: &str) -> &'a Value {
    p["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no map {name} in {}", p["maps"]))
}

fn ops(m: &Value) -> BTreeSet<String> {
    m["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect()
}

fn helper_names(p: &Value) -> BTreeSet<String> {
    p["helpers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

/// The helpers `inspect` lists for a program (a separate walk over the ELF): the analysis
/// must find the same ones in reachable code.
fn inspect_helpers(object: &str, program: &str) -> BTreeSet<String> {
    let r = x0(&["inspect", "-j", object]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let p = doc["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == program)
        .unwrap_or_else(|| panic!("inspect has no {program}"))
        .clone();
    p["helpers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn xdp_counter_never_drops_and_updates_its_counters() {
    let doc = explain_json(&["xdp_counter"]);
    let p = prog(&doc, "xdp_count");
    assert_eq!(p["prog_type"], "xdp");
    assert_eq!(return_names(p), BTreeSet::from(["XDP_PASS".to_string()]));
    assert_eq!(p["returns"]["drops"], false);
    assert_eq!(p["returns"]["redirects"], false);
    assert_eq!(p["returns"]["computed"], false);
    for m in ["counts", "other_counts"] {
        assert_eq!(map(p, m)["writes"], true, "{m}");
    }
    assert!(ops(map(p, "other_counts")).contains("update"));
    assert_eq!(helper_names(p), inspect_helpers("xdp_counter", "xdp_count"));
    // It parses the frame: it reads the packet bounds from its context.
    let ctx: Vec<&str> = p["hook"]["context_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ctx.contains(&"data") && ctx.contains(&"data_end"),
        "{ctx:?}"
    );
    let text = x0(&["explain", "xdp_counter"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout
            .contains("always XDP_PASS: it never drops or redirects"),
        "{}",
        text.stdout
    );
    // The bare program name finds the embedded object that holds it.
    let by_prog = explain_json(&["xdp_count"]);
    assert_eq!(by_prog["programs"].as_array().unwrap().len(), 1);
    assert_eq!(by_prog["source"], "embedded:xdp_counter");
}

#[test]
fn tc_classifier_returns_next_and_writes_flows() {
    let doc = explain_json(&["tc_classifier"]);
    let p = prog(&doc, "tc_classify");
    let names = return_names(p);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("TC_ACT_UNSPEC")),
        "{names:?}"
    );
    assert_eq!(p["returns"]["values"][0]["value"], -1);
    assert_eq!(p["returns"]["drops"], false);
    for m in ["flows", "totals"] {
        assert_eq!(map(p, m)["writes"], true, "{m}");
    }
    // The flow key's fields come from BTF.
    assert!(
        map(p, "flows")["key"]
            .as_str()
            .unwrap()
            .contains("struct flow_key {"),
        "{}",
        map(p, "flows")
    );
    assert_eq!(
        helper_names(p),
        inspect_helpers("tc_classifier", "tc_classify")
    );
}

#[test]
fn net_events_sends_ring_buffer_records() {
    let doc = explain_json(&["net_events"]);
    let progs = doc["programs"].as_array().unwrap();
    assert!(progs.len() >= 3);
    for p in progs {
        let name = p["name"].as_str().unwrap();
        assert!(
            ops(map(p, "events")).contains("ringbuf_reserve"),
            "{name}: {}",
            p["maps"]
        );
        assert_eq!(map(p, "events")["writes"], true);
        assert_eq!(p["returns"]["ignored"], true, "{name}");
        assert!(p["summary"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("ring buffer events")));
        // bpf_probe_read_kernel is GPL-only; the license allows it.
        let gpl = &p["license"];
        assert_eq!(gpl["gpl_compatible"], true);
        assert!(gpl["gpl_only_helpers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "bpf_probe_read_kernel"));
        assert_eq!(helper_names(p), inspect_helpers("net_events", name));
        // Every helper an embedded program calls is described in one line.
        for h in p["helpers"].as_array().unwrap() {
            assert!(h["what"].is_string(), "{name}: {h}");
        }
        // Ring buffers need 5.8: the newest requirement.
        assert!(p["kernel"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["what"] == "map type ringbuf" && n["since"] == "5.8"));
    }
}

#[test]
fn syscall_latency_times_syscalls_in_maps() {
    let doc = explain_json(&["syscall_latency"]);
    let enter = prog(&doc, "on_sys_enter");
    assert!(ops(map(enter, "start")).contains("update"));
    assert_eq!(map(enter, ".rodata")["writes"], false);
    let exit = prog(&doc, "on_sys_exit");
    assert_eq!(map(exit, "stats")["writes"], true);
    assert_eq!(exit["returns"]["ignored"], true);
    assert!(exit["hook"]["attaches"]
        .as_str()
        .unwrap()
        .contains("raw_syscalls/sys_exit"));
    for p in [
        "on_sys_enter",
        "on_sys_exit",
        "raw_sys_enter",
        "raw_sys_exit",
    ] {
        assert_eq!(
            helper_names(prog(&doc, p)),
            inspect_helpers("syscall_latency", p),
            "{p}"
        );
    }
}

fn xdp_tools_object(dir: &std::path::Path) -> String {
    xdp_tools_object_for(dir, "bpf")
}

fn xdp_tools_object_for(dir: &std::path::Path, target: &str) -> String {
    compile(
        "explain_xdp.c",
        "clang",
        &["-target", target, "-g"],
        dir,
        &format!("explain_xdp_{target}.o"),
    )
    .to_str()
    .unwrap()
    .to_string()
}

#[test]
fn compiled_filter_drops_redirect_redirects_subprogram_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    // Big-endian objects are read as well (their instructions swap register nibbles).
    for target in ["bpfeb", "bpf"] {
        let obj = xdp_tools_object_for(dir.path(), target);
        compiled_object_says_the_right_things(&obj);
    }
}

fn compiled_object_says_the_right_things(obj: &str) {
    let doc = explain_json(&[obj]);

    let f = prog(&doc, "xdp_filter_v6");
    assert_eq!(
        return_names(f),
        BTreeSet::from(["XDP_ABORTED", "XDP_DROP", "XDP_PASS"].map(String::from))
    );
    assert_eq!(f["returns"]["drops"], true);
    assert!(f["returns"]["summary"]
        .as_str()
        .unwrap()
        .contains("drops on some path"));
    assert!(ops(map(f, "filter_hits")).contains("atomic_value"));

    let r = prog(&doc, "xdp_fwd");
    assert_eq!(r["returns"]["redirects"], true);
    // XDP_REDIRECT on success, else the fallback in the flags: XDP_PASS.
    assert!(r["returns"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["helper"] == "bpf_redirect_map"));
    assert!(return_names(r).contains("XDP_PASS"), "{}", r["returns"]);
    assert_eq!(r["returns"]["drops"], false);
    assert_eq!(map(r, "tx_ports")["reads"], true);
    assert_eq!(
        ops(map(r, "tx_ports")),
        BTreeSet::from(["redirect".to_string()])
    );
    assert!(r["returns"]["summary"]
        .as_str()
        .unwrap()
        .contains("may redirect"));

    let s = prog(&doc, "xdp_sub");
    assert_eq!(s["subprograms"], 1);
    assert_eq!(
        return_names(s),
        BTreeSet::from(["XDP_PASS", "XDP_TX"].map(String::from))
    );
    assert_eq!(s["returns"]["drops"], false);
    assert!(s["kernel"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["what"] == "bpf-to-bpf function calls"));

    let c = prog(&doc, "xdp_chain");
    assert!(
        ops(map(c, "jmp_table")).contains("tail_call"),
        "{}",
        c["maps"]
    );
    assert!(
        ops(map(c, "samples")).contains("ringbuf_output"),
        "{}",
        c["maps"]
    );
    assert!(c["returns"]["summary"]
        .as_str()
        .unwrap()
        .contains("tail-call"));
    // A tail call hands the verdict to an unknown program: never "never drops".
    assert!(!c["returns"]["summary"]
        .as_str()
        .unwrap()
        .contains("never drops"));

    let q = prog(&doc, "xdp_by_queue");
    assert_eq!(
        q["hook"]["context_fields"],
        serde_json::json!(["rx_queue_index"])
    );
    assert_eq!(q["returns"]["computed"], true);
    assert_eq!(q["returns"]["values"][0]["effect"], "unknown");
    assert!(
        q["returns"]["summary"]
            .as_str()
            .unwrap()
            .starts_with("returns a value computed at run time"),
        "{}",
        q["returns"]["summary"]
    );

    // OBJECT:PROG picks one; the text says "drops".
    let one = x0(&["explain", &format!("{obj}:xdp_filter_v6")]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.contains("drops on some path"), "{}", one.stdout);
    assert!(!one.stdout.contains("xdp_fwd"));
}

#[test]
fn loaded_programs_by_id_match_their_objects_and_bpftool() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let obj = xdp_tools_object(dir.path());
    let fs = Bpffs::new();
    let name = format!("explain{}", common::unique().replace('-', ""));
    let load = fs.x0(&["load", "-j", &obj, "--name", &name]);
    assert_eq!(load.code, 0, "{}", load.stderr);
    let loaded = load.json();
    let id_of = |p: &str| -> String {
        loaded["programs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == p)
            .unwrap_or_else(|| panic!("{p} not loaded: {loaded}"))["id"]
            .to_string()
    };
    for (p, want_drop, want_redirect) in [
        ("xdp_filter_v6", true, false),
        ("xdp_fwd", false, true),
        ("xdp_sub", false, false),
        ("xdp_chain", false, false),
        ("xdp_by_queue", false, false),
    ] {
        let id = id_of(p);
        let doc = explain_json(&["id", &id]);
        let e = &doc["programs"][0];
        assert_eq!(e["id"].to_string(), id);
        assert_eq!(e["returns"]["drops"], want_drop, "{p}: {}", e["returns"]);
        assert_eq!(
            e["returns"]["redirects"], want_redirect,
            "{p}: {}",
            e["returns"]
        );
        // The same verdicts as from the object file.
        let file = explain_json(&[&format!("{obj}:{p}")]);
        assert_eq!(
            e["returns"]["values"], file["programs"][0]["returns"]["values"],
            "{p}"
        );
        // bpftool is the witness for which maps the program holds.
        let bt = sh("bpftool", &["prog", "show", "id", &id, "-j"]);
        assert_eq!(bt.code, 0, "{}", bt.stderr);
        let bt: Value = serde_json::from_str(&bt.stdout).unwrap();
        let want: BTreeSet<u64> = bt["map_ids"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let got: BTreeSet<u64> = e["maps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["id"].as_u64())
            .collect();
        assert_eq!(got, want, "{p}");
    }
    let s = &explain_json(&["id", &id_of("xdp_sub")])["programs"][0];
    assert_eq!(s["subprograms"], 1);
    let f = &explain_json(&["id", &id_of("xdp_filter_v6")])["programs"][0];
    assert!(
        ops(map(f, "filter_hits")).contains("atomic_value"),
        "{}",
        f["maps"]
    );
    let r = &explain_json(&["id", &id_of("xdp_fwd")])["programs"][0];
    assert!(
        ops(map(r, "tx_ports")).contains("redirect"),
        "{}",
        r["maps"]
    );
    // The kernel itself is the witness for the verdicts: run the programs on crafted frames
    // (BPF_PROG_TEST_RUN through bpftool) and find every explained constant, and nothing else.
    let frame = |len: usize, proto: [u8; 2]| {
        let mut f = vec![0u8; len];
        f[12..14].copy_from_slice(&proto);
        let path = dir
            .path()
            .join(format!("frame-{len}-{:02x}{:02x}", proto[0], proto[1]));
        std::fs::write(&path, f).unwrap();
        path.to_str().unwrap().to_string()
    };
    let run = |id: &str, f: &str| -> i64 {
        let r = sh(
            "bpftool",
            &["-j", "prog", "run", "id", id, "data_in", f, "repeat", "1"],
        );
        assert_eq!(r.code, 0, "bpftool prog run: {}", r.stderr);
        serde_json::from_str::<Value>(&r.stdout).unwrap()["retval"]
            .as_i64()
            .unwrap()
    };
    let values = |p: &Value| -> BTreeSet<i64> {
        p["returns"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["value"].as_i64())
            .collect()
    };
    // xdp_filter_v6: IPv6 dropped, IPv4 passed; XDP_ABORTED needs a frame shorter than an
    // Ethernet header, which BPF_PROG_TEST_RUN refuses.
    let ran: BTreeSet<i64> = [frame(64, [0x86, 0xdd]), frame(64, [0x08, 0x00])]
        .iter()
        .map(|fr| run(&id_of("xdp_filter_v6"), fr))
        .collect();
    assert_eq!(ran, BTreeSet::from([1, 2]));
    assert!(ran.is_subset(&values(f)), "{ran:?} vs {}", f["returns"]);
    // xdp_sub: short frames bounced (XDP_TX), others passed.
    let ran: BTreeSet<i64> = [frame(40, [0, 0]), frame(100, [0, 0])]
        .iter()
        .map(|fr| run(&id_of("xdp_sub"), fr))
        .collect();
    assert_eq!(ran, values(s), "{}", s["returns"]);

    // `name NAME` finds it among every loaded program.
    let by_name = explain_json(&["name", "xdp_by_queue"]);
    assert_eq!(by_name["source"], "name xdp_by_queue");
    assert!(by_name["programs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"].as_u64().map(|v| v.to_string()) == Some(id_of("xdp_by_queue"))));

    // The pin names the same program.
    let pin = format!("{}/x0bpf/{name}/progs/xdp_sub", fs.arg());
    let by_pin = explain_json(&["pinned", &pin]);
    assert_eq!(by_pin["programs"][0]["id"].to_string(), id_of("xdp_sub"));
    let un = fs.x0(&["unload", &name]);
    assert_eq!(un.code, 0, "{}", un.stderr);
}

#[test]
fn embedded_xdp_counter_loaded_reads_back_the_same() {
    require_root();
    let fs = Bpffs::new();
    let name = format!("explainc{}", common::unique().replace('-', ""));
    let load = fs.x0(&["load", "-j", "xdp_counter", "--name", &name]);
    assert_eq!(load.code, 0, "{}", load.stderr);
    let id = load.json()["programs"][0]["id"].to_string();
    let doc = explain_json(&["id", &id]);
    let e = &doc["programs"][0];
    assert_eq!(return_names(e), BTreeSet::from(["XDP_PASS".to_string()]));
    // Writes to both maps are found even though the verifier inlined the per-CPU array
    // lookup.
    for m in ["counts", "other_counts"] {
        assert_eq!(map(e, m)["writes"], true, "{m}: {}", e["maps"]);
    }
    let un = fs.x0(&["unload", &name]);
    assert_eq!(un.code, 0, "{}", un.stderr);
}

#[test]
fn bad_input_is_one_line_with_documented_codes() {
    let dir = tempfile::tempdir().unwrap();
    let obj = xdp_tools_object(dir.path());
    let bytes = std::fs::read(&obj).unwrap();
    let trunc = dir.path().join("trunc.o");
    std::fs::write(&trunc, &bytes[..bytes.len() / 3]).unwrap();
    let notbpf = dir.path().join("text.o");
    std::fs::write(&notbpf, b"this is not an object\n").unwrap();
    let missing = dir.path().join("missing.o");
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec![trunc.to_str().unwrap().into()], 3),
        (vec![notbpf.to_str().unwrap().into()], 3),
        (vec!["/bin/true".into()], 3),
        (vec![missing.to_str().unwrap().into()], 2),
        (vec!["xdp_counter:no_such_prog".into()], 7),
        (vec![format!("{obj}:no_such_prog")], 7),
        (vec!["no_such_object_or_prog".into()], 7),
        (vec!["id".into(), "abc".into()], 2),
        (vec!["id".into(), "0".into()], 2),
        (vec!["pinned".into(), "/".into()], 2),
        (vec!["pinned".into(), missing.to_str().unwrap().into()], 7),
    ];
    for (args, code) in cases {
        let mut a = vec!["explain"];
        a.extend(args.iter().map(String::as_str));
        let r = x0(&a);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}");
        // JSON errors too.
        let mut j = vec!["explain", "-j"];
        j.extend(args.iter().map(String::as_str));
        let rj = x0(&j);
        assert_eq!(rj.code, code);
        assert!(rj.json()["error"]["message"].is_string(), "{args:?}");
    }
}

#[test]
fn missing_id_and_no_privilege() {
    require_root();
    let r = x0(&["explain", "id", "4000000000"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("no loaded program has id 4000000000"));
    let r = x0(&["explain", "name", "no_such_prog_x0"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    // Without capabilities: loaded programs are refused with exit 4, objects still explained.
    let nobody = |args: &[&str]| {
        let mut a = vec![
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            common::bin(),
        ];
        a.extend_from_slice(args);
        sh("setpriv", &a)
    };
    // `name` too: a listing the kernel refused is not "no program of that name".
    for args in [
        &["explain", "id", "1"][..],
        &["explain", "name", "xdp_counter"],
    ] {
        let r = nobody(args);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    }
    let r = nobody(&["explain", "-j", "xdp_counter"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        return_names(&doc["programs"][0]),
        BTreeSet::from(["XDP_PASS".to_string()])
    );
    // What could not be probed says so instead of guessing.
    assert!(doc["programs"][0]["kernel"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["here"] == "unknown"));
}

#[test]
fn overwritten_verdicts_and_implicit_exits_are_never_called_no_drop() {
    require_root();
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "explain_tricky.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "explain_tricky.o",
    );
    let obj = obj.to_str().unwrap();
    let doc = explain_json(&[obj]);
    for p in ["tricky_callee", "tricky_pop", "tricky_sock"] {
        let r = &prog(&doc, p)["returns"];
        let s = r["summary"].as_str().unwrap();
        assert!(!s.contains("never drops"), "{p}: {r}");
        assert!(!s.starts_with("always"), "{p}: {r}");
        assert!(r["computed"] == true || r["drops"] == true, "{p}: {r}");
    }
    assert_eq!(prog(&doc, "tricky_sock")["returns"]["drops"], true);
    assert_eq!(prog(&doc, "tricky_bad_action")["returns"]["drops"], true);
    let t = prog(&doc, "tricky_tail")["returns"]["summary"]
        .as_str()
        .unwrap();
    assert!(
        !t.starts_with("always") && !t.contains("never drops") && t.contains("tail-call"),
        "{t}"
    );

    // The kernel is the witness: on a frame shorter than 100 bytes the socket filter returns
    // 0 (dropped), and the subprogram's store makes tricky_callee return XDP_DROP.
    let fs = Bpffs::new();
    let name = format!("tricky{}", common::unique().replace('-', ""));
    let load = fs.x0(&["load", "-j", obj, "--name", &name]);
    assert_eq!(load.code, 0, "{}", load.stderr);
    let loaded = load.json();
    let id_of = |p: &str| -> String {
        loaded["programs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == p)
            .unwrap_or_else(|| panic!("{p} not loaded: {loaded}"))["id"]
            .to_string()
    };
    let frame = dir.path().join("frame-64");
    std::fs::write(&frame, [0u8; 64]).unwrap();
    let run = |p: &str| -> i64 {
        let r = sh(
            "bpftool",
            &[
                "-j",
                "prog",
                "run",
                "id",
                &id_of(p),
                "data_in",
                frame.to_str().unwrap(),
                "repeat",
                "1",
            ],
        );
        assert_eq!(r.code, 0, "bpftool prog run {p}: {}", r.stderr);
        serde_json::from_str::<Value>(&r.stdout).unwrap()["retval"]
            .as_i64()
            .unwrap()
    };
    let ran = (run("tricky_callee"), run("tricky_sock"));
    // Loaded programs are read back from the kernel's translated code: the same account.
    for p in ["tricky_callee", "tricky_pop", "tricky_sock"] {
        let e = &explain_json(&["id", &id_of(p)])["programs"][0]["returns"];
        assert!(
            !e["summary"].as_str().unwrap().contains("never drops"),
            "{p}: {e}"
        );
    }
    // The verifier rewrites the legacy load into a call and an explicit `return 0`.
    let e = &explain_json(&["id", &id_of("tricky_sock")])["programs"][0]["returns"];
    assert_eq!(e["drops"], true, "{e}");
    let un = fs.x0(&["unload", &name]);
    assert_eq!(un.code, 0, "{}", un.stderr);
    assert_eq!(ran, (1, 0));
}

#[test]
fn a_kfunc_call_is_not_a_call_to_itself() {
    // Unlinked, the extern call's offset (-1) would name the call itself: endless recursion,
    // "never returns". Linked as libbpf does, it is a kfunc call and both verdicts follow.
    let dir = tempfile::tempdir().unwrap();
    for (compiler, target) in [("clang", "bpf"), ("clang", "bpfeb")] {
        let obj = compile(
            "explain_kfunc.c",
            compiler,
            &["-target", target, "-g"],
            dir.path(),
            &format!("explain_kfunc_{target}.o"),
        );
        let doc = explain_json(&[obj.to_str().unwrap()]);
        let p = prog(&doc, "kfunc_verdict");
        assert_eq!(p["subprograms"], 0, "{p}");
        assert_eq!(
            return_names(p),
            BTreeSet::from(["XDP_DROP", "XDP_PASS"].map(String::from)),
            "{}",
            p["returns"]
        );
        assert_eq!(p["returns"]["drops"], true);
    }
}

/// Issue 18 §4: `bpf_throw` ends the program (the default exception callback returns the
/// cookie): the analysis does not fall through the call into code it never reaches.
#[test]
fn bpf_throw_is_an_exit_with_its_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "explain_throw.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "explain_throw.o",
    );
    let doc = explain_json(&[obj.to_str().unwrap()]);
    let p = prog(&doc, "throwing");
    assert_eq!(
        return_names(p),
        BTreeSet::from(["XDP_DROP", "XDP_PASS"].map(String::from)),
        "{}",
        p["returns"]
    );
    assert_eq!(p["returns"]["drops"], true, "{p}");
    // Its own exception callback: a throw returns what the callback computes, not the
    // cookie (hostile review: it said XDP_DROP where the program passes).
    let cb = compile(
        "explain_throw_cb.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "explain_throw_cb.o",
    );
    let doc = explain_json(&[cb.to_str().unwrap()]);
    let p = prog(&doc, "throwing_cb");
    assert!(!return_names(p).contains("XDP_DROP"), "{}", p["returns"]);
    assert_eq!(p["returns"]["computed"], true, "{}", p["returns"]);
    // Loaded, from the kernel's translated code (the kfunc named through kallsyms): the same
    // verdicts, never "always XDP_PASS".
    common::require_root();
    let fs = common::Bpffs::new();
    fs.x0(&["load", obj.to_str().unwrap(), "--name", "throwing"])
        .ok();
    let pin = fs.dir.join("x0bpf/throwing/progs/throwing");
    let r = fs.x0(&["-j", "explain", "pinned", pin.to_str().unwrap()]);
    r.ok();
    let doc = r.json();
    let p = prog(&doc, "throwing");
    assert_eq!(
        return_names(p),
        BTreeSet::from(["XDP_DROP", "XDP_PASS"].map(String::from)),
        "loaded: {}",
        p["returns"]
    );
    fs.x0(&["unload", "throwing"]).ok();
}
