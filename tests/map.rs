//! `x0bpf map …` against real kernels, with bpftool as the witness: maps created by bpftool
//! (an object with BTF, and a map with no BTF) and by x0bpf (`load`).
mod common;

use common::{compile, require_root, sh, unique, Bpffs, Run};
use serde_json::{json, Value};

/// An object of every map kind, loaded and pinned by bpftool into a private bpffs.
struct Maps {
    fs: Bpffs,
    _tmp: tempfile::TempDir,
    obj: std::path::PathBuf,
}

impl Maps {
    fn new() -> Maps {
        require_root();
        let fs = Bpffs::new();
        let tmp = tempfile::tempdir().unwrap();
        let obj = compile(
            "map_types.c",
            "clang",
            &["-target", "bpf", "-g"],
            tmp.path(),
            "mt.o",
        );
        let r = sh(
            "bpftool",
            &[
                "prog",
                "loadall",
                obj.to_str().unwrap(),
                &format!("{}/p", fs.arg()),
                "pinmaps",
                &format!("{}/m", fs.arg()),
            ],
        );
        assert_eq!(r.code, 0, "bpftool loadall: {}", r.stderr);
        Maps { fs, _tmp: tmp, obj }
    }

    fn pin(&self, map: &str) -> String {
        format!("{}/m/{map}", self.fs.arg())
    }

    fn x0(&self, args: &[&str]) -> Run {
        self.fs.x0(args)
    }

    fn bpftool_dump(&self, map: &str) -> Vec<Value> {
        let r = sh("bpftool", &["map", "dump", "pinned", &self.pin(map), "-j"]);
        assert_eq!(r.code, 0, "bpftool dump: {}", r.stderr);
        serde_json::from_str::<Vec<Value>>(&r.stdout).unwrap()
    }

    fn dump(&self, map: &str, extra: &[&str]) -> Value {
        let pin = self.pin(map);
        let mut a = vec!["--json", "map", "dump", pin.as_str()];
        a.extend_from_slice(extra);
        let r = self.x0(&a);
        r.ok();
        r.json()
    }
}

/// bpftool's `formatted` view in x0bpf's shapes: anonymous members (key "") flattened,
/// bitfields (hex strings there) as numbers.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                if k.is_empty() {
                    if let Value::Object(inner) = normalize(x) {
                        out.extend(inner);
                    }
                } else if k == "proto" && x.as_i64().is_some_and(|n| n < 0) {
                    // bpftool 7.1 prints unknown values of a 4-byte enum as signed; the BTF
                    // says unsigned (kflag 0), and x0bpf follows the BTF.
                    out.insert(k.clone(), json!(x.as_i64().unwrap() as u32));
                } else {
                    out.insert(k.clone(), normalize(x));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::String(s) if s.starts_with("0x") => {
            json!(u64::from_str_radix(&s[2..], 16).unwrap())
        }
        other => other.clone(),
    }
}

/// x0bpf prints signed bitfields as signed numbers; bpftool as raw bits. `s` is `int s:5`.
fn raw_bits(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(s) = m.get_mut("s") {
                    if let Some(i) = s.as_i64() {
                        *s = json!((i as u64) & 0x1f);
                    }
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

fn entries(doc: &Value) -> Vec<Value> {
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["command"], "map dump");
    assert_eq!(doc["complete"], true, "{doc}");
    doc["entries"].as_array().unwrap().clone()
}

fn same_entries(mut a: Vec<Value>, mut b: Vec<Value>) {
    let key = |v: &Value| v["key"].to_string();
    a.sort_by_key(key);
    b.sort_by_key(key);
    assert_eq!(a, b);
}

const STATS: &str = r#"{"packets":5,"delta":-3,"proto":"P_TCP","comm":"curl","a":1,"b":5,"c":4095,"s":-7,"u32v":65537,"u16v":1,"point":{"x":1,"y":2},"arr":[1,2,3],"ok":true,"ptr_like":18446744073709551615}"#;

#[test]
fn dump_equals_bpftool_formatted_for_every_keyed_kind() {
    let m = Maps::new();
    // Written by x0bpf (typed) and by bpftool (raw bytes).
    for (i, proto) in [(1, "P_TCP"), (2, "P_UDP")] {
        let key = format!(r#"{{"saddr":{i},"sport":80,"proto":6,"pad":0}}"#);
        let mut v: Value = serde_json::from_str(STATS).unwrap();
        v["proto"] = json!(proto);
        v["packets"] = json!(i);
        m.x0(&[
            "map",
            "update",
            &m.pin("flows"),
            "--key",
            &key,
            "--value",
            &v.to_string(),
        ])
        .ok();
    }
    let mut args = vec!["map", "update", "pinned"];
    let pin = m.pin("flows");
    args.push(&pin);
    let key = ["key", "9", "0", "0", "0", "1", "0", "17", "0"];
    args.extend_from_slice(&key);
    args.push("value");
    let val: Vec<String> = (0..64).map(|i| format!("{}", (i * 37 + 1) % 256)).collect();
    args.extend(val.iter().map(String::as_str));
    let r = sh("bpftool", &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    m.x0(&[
        "map",
        "update",
        &m.pin("arr"),
        "--key",
        "2",
        "--value",
        STATS,
    ])
    .ok();
    for k in 0..3u32 {
        m.x0(&[
            "map",
            "update",
            &m.pin("lru"),
            "--key",
            &k.to_string(),
            "--value",
            &(k * 1000).to_string(),
        ])
        .ok();
        m.x0(&[
            "map",
            "update",
            &m.pin("pcpu_hash"),
            "--key",
            &k.to_string(),
            "--value",
            r#"{"packets":3,"bytes":1500}"#,
        ])
        .ok();
        m.x0(&[
            "map",
            "update",
            &m.pin("pcpu_arr"),
            "--key",
            &k.to_string(),
            "--value",
            "7",
        ])
        .ok();
    }
    for map in ["flows", "arr", "lru"] {
        let ours: Vec<Value> = entries(&m.dump(map, &[]))
            .into_iter()
            .map(|e| raw_bits(json!({"key": e["key"], "value": e["value"]})))
            .collect();
        let theirs: Vec<Value> = m
            .bpftool_dump(map)
            .iter()
            .map(|e| normalize(&e["formatted"]))
            .collect();
        same_entries(ours, theirs);
    }
    // Per-CPU: --per-cpu gives bpftool's per-CPU values; the default sums integers.
    let ncpu = m.bpftool_dump("pcpu_hash")[0]["formatted"]["values"]
        .as_array()
        .unwrap()
        .len() as u64;
    for map in ["pcpu_hash", "pcpu_arr"] {
        let ours: Vec<Value> = entries(&m.dump(map, &["--per-cpu"]))
            .into_iter()
            .map(|e| json!({"key": e["key"], "values": e["values"]}))
            .collect();
        let theirs: Vec<Value> = m
            .bpftool_dump(map)
            .iter()
            .map(|e| {
                let f = &e["formatted"];
                let vals: Vec<Value> = f["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["value"].clone())
                    .collect();
                json!({"key": f["key"], "values": vals})
            })
            .collect();
        same_entries(ours, theirs);
    }
    let summed = entries(&m.dump("pcpu_hash", &[]));
    assert_eq!(
        summed[0]["value"],
        json!({"packets": 3 * ncpu, "bytes": 1500 * ncpu})
    );
}

#[test]
fn typed_update_and_delete_witnessed_by_bpftool() {
    let m = Maps::new();
    let pin = m.pin("flows");
    let key = r#"{"saddr":167772161,"sport":443,"proto":6,"pad":0}"#;
    m.x0(&[
        "map", "update", &pin, "--key", key, "--value", STATS, "--flags", "noexist",
    ])
    .ok();
    let r = sh(
        "bpftool",
        &[
            "map", "lookup", "pinned", &pin, "key", "1", "0", "0", "10", "187", "1", "6", "0", "-j",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b: Value = serde_json::from_str(&r.stdout).unwrap();
    let want = raw_bits(serde_json::from_str(STATS).unwrap());
    assert_eq!(normalize(&b["formatted"]["value"]), want);
    // noexist on an existing key: conflict, map unchanged.
    let r = m.x0(&[
        "map", "update", &pin, "--key", key, "--value", STATS, "--flags", "noexist",
    ]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    // --merge changes one field and keeps the others.
    m.x0(&[
        "map",
        "update",
        &pin,
        "--key",
        key,
        "--value",
        r#"{"b":2,"comm":"wget"}"#,
        "--merge",
        "--flags",
        "exist",
    ])
    .ok();
    let l = m.x0(&["--json", "map", "lookup", &pin, "--key", key]);
    let v = l.ok().json();
    assert_eq!(v["command"], "map lookup");
    assert_eq!(v["value"]["b"], 2);
    assert_eq!(v["value"]["comm"], "wget");
    assert_eq!(v["value"]["packets"], 5);
    // Hex forms address the same entry.
    let l = m.x0(&[
        "--json",
        "map",
        "lookup",
        &pin,
        "--key-hex",
        "01 00 00 0a bb 01 06 00",
    ]);
    assert_eq!(l.ok().json()["value"]["comm"], "wget");
    m.x0(&["map", "delete", &pin, "--key", key]).ok();
    let r = sh(
        "bpftool",
        &[
            "map", "lookup", "pinned", &pin, "key", "1", "0", "0", "10", "187", "1", "6", "0",
        ],
    );
    assert_ne!(r.code, 0, "bpftool still sees the deleted key");
    let r = m.x0(&["map", "delete", &pin, "--key", key]);
    assert_eq!(r.code, 7);
    let r = m.x0(&["map", "lookup", &pin, "--key", key]);
    assert_eq!(r.code, 7);
}

#[test]
fn bad_input_is_refused_and_the_map_is_unchanged() {
    let m = Maps::new();
    let pin = m.pin("flows");
    let key = r#"{"saddr":1,"sport":80,"proto":6,"pad":0}"#;
    m.x0(&["map", "update", &pin, "--key", key, "--value", STATS])
        .ok();
    let before = m.bpftool_dump("flows");
    let bad: &[(&[&str], &str)] = &[
        (&["--key", key, "--value", r#"{"packets":1}"#], "partial"),
        (
            &["--key", key, "--value", r#"{"zz":1}"#, "--merge"],
            "unknown field",
        ),
        (
            &["--key", key, "--value", r#"{"b":"x"}"#, "--merge"],
            "integer",
        ),
        (
            &["--key", key, "--value", r#"{"b":8}"#, "--merge"],
            "out of range",
        ),
        (
            &["--key", key, "--value", r#"{"packets":-1}"#, "--merge"],
            "out of range",
        ),
        (
            &["--key", key, "--value", r#"{"point":{"x":256}}"#, "--merge"],
            "out of range",
        ),
        (
            &[
                "--key",
                key,
                "--value",
                r#"{"comm":"0123456789abcdef"}"#,
                "--merge",
            ],
            "too long",
        ),
        (
            &["--key", key, "--value", r#"{"proto":"P_SCTP"}"#, "--merge"],
            "unknown enum",
        ),
        (
            &["--key", key, "--value", r#"{"arr":[1,2]}"#, "--merge"],
            "3 elements",
        ),
        (
            &["--key", key, "--value", r#"{"ok":"yes"}"#, "--merge"],
            "true or false",
        ),
        (&["--key-hex", "01 02", "--value", STATS], "bytes"),
        (&["--key", r#"{"saddr":1}"#, "--value", STATS], "partial"),
        (&["--key", key, "--value-hex", "00"], "bytes"),
        (&["--key", key], "value"),
    ];
    for (args, what) in bad {
        let mut a = vec!["map", "update", pin.as_str()];
        a.extend_from_slice(args);
        let r = m.x0(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(what), "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "one line: {}", r.stderr);
        assert_eq!(m.bpftool_dump("flows"), before, "{args:?} changed the map");
    }
    // --json: the error is one JSON document on stdout.
    let r = m.x0(&[
        "--json",
        "map",
        "update",
        &pin,
        "--key",
        key,
        "--value",
        r#"{"b":99}"#,
        "--merge",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["error"]["kind"], "usage");
    // A missing map: 7.
    let r = m.x0(&["map", "dump", "id", "4000000000"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    let r = m.x0(&["map", "dump", &format!("{}/m/nope", m.fs.arg())]);
    assert_eq!(r.code, 7, "{}", r.stderr);
}

#[test]
fn map_without_btf_is_hex_and_types_come_from_a_file() {
    let m = Maps::new();
    let pin = format!("{}/nobtf", m.fs.arg());
    let name = format!("nb{}", unique());
    let r = sh(
        "bpftool",
        &[
            "map", "create", &pin, "type", "hash", "key", "4", "value", "8", "entries", "16",
            "name", &name,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = sh(
        "bpftool",
        &[
            "map", "update", "pinned", &pin, "key", "1", "0", "0", "0", "value", "2", "0", "0",
            "0", "0", "0", "0", "0",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = m.fs.x0(&["--json", "map", "dump", &pin]);
    let d = d.ok().json();
    assert_eq!(d["btf"], false);
    assert_eq!(
        d["entries"][0],
        json!({"key": "01000000", "value": "0200000000000000"})
    );
    // The title says so; in a pipe the title is on stderr (stdout is rows only).
    let r = m.fs.x0(&["map", "dump", &pin]);
    assert!(r.ok().stderr.contains("no BTF"), "{}", r.stderr);
    assert!(!r.stdout.contains("no BTF"), "{}", r.stdout);
    // Types from the object file.
    let obj = m.obj.to_str().unwrap();
    let d = m.fs.x0(&[
        "--json",
        "map",
        "dump",
        &pin,
        "--btf",
        obj,
        "--key-type",
        "__u32",
        "--value-type",
        "__u64",
    ]);
    let d = d.ok().json();
    assert_eq!(d["btf"], true);
    assert_eq!(d["entries"][0], json!({"key": 1, "value": 2}));
    // A type of the wrong size is refused.
    let r = m.fs.x0(&[
        "map",
        "dump",
        &pin,
        "--btf",
        obj,
        "--key-type",
        "__u64",
        "--value-type",
        "__u64",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Hex update without BTF, typed update with --btf.
    m.fs.x0(&[
        "map",
        "update",
        &pin,
        "--key-hex",
        "03000000",
        "--value-hex",
        "0400000000000000",
    ])
    .ok();
    m.fs.x0(&[
        "map",
        "update",
        &pin,
        "--btf",
        obj,
        "--key-type",
        "__u32",
        "--value-type",
        "__u64",
        "--key",
        "5",
        "--value",
        "6",
    ])
    .ok();
    let r = sh(
        "bpftool",
        &[
            "map", "lookup", "pinned", &pin, "key", "5", "0", "0", "0", "-j",
        ],
    );
    assert_eq!(r.code, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["value"],
        json!(["0x06", "0x00", "0x00", "0x00", "0x00", "0x00", "0x00", "0x00"])
    );
    // By kernel name and by id.
    let by_name =
        m.fs.x0(&["--json", "map", "show", "name", &name])
            .ok()
            .json();
    let id = by_name["maps"][0]["id"].as_u64().unwrap();
    assert_eq!(by_name["btf"], false);
    let by_id =
        m.fs.x0(&["--json", "map", "dump", "id", &id.to_string()])
            .ok()
            .json();
    assert_eq!(by_id["entries"].as_array().unwrap().len(), 3);
    // Two maps of one name: refused, with both ids.
    let pin2 = format!("{}/nobtf2", m.fs.arg());
    sh(
        "bpftool",
        &[
            "map", "create", &pin2, "type", "hash", "key", "4", "value", "8", "entries", "16",
            "name", &name,
        ],
    );
    let r = m.fs.x0(&["map", "show", "name", &name]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("id {id}")), "{}", r.stderr);
}

#[test]
fn keyless_kinds() {
    let m = Maps::new();
    // libbpf creates queues and stacks without BTF: values are typed with --btf.
    let q = m.pin("q");
    let obj = m.obj.to_str().unwrap();
    let typed = ["--btf", obj, "--value-type", "__u32"];
    for v in ["1", "2", "3"] {
        let mut a = vec!["map", "push", q.as_str(), "--value", v];
        a.extend_from_slice(&typed);
        m.x0(&a).ok();
    }
    let peek = m.x0(&["--json", "map", "peek", &q]).ok().json();
    assert_eq!(peek["value"], "01000000");
    assert_eq!(peek["btf"], false);
    let mut a = vec!["--json", "map", "pop", q.as_str()];
    a.extend_from_slice(&typed);
    assert_eq!(m.x0(&a).ok().json()["value"], 1);
    assert_eq!(m.x0(&a).ok().json()["value"], 2);
    let s = m.pin("stk");
    m.x0(&["map", "push", &s, "--value-hex", "01000000"]).ok();
    m.x0(&["map", "push", &s, "--value-hex", "02000000"]).ok();
    assert_eq!(
        m.x0(&["--json", "map", "pop", &s]).ok().json()["value"],
        "02000000"
    );
    let r = m.x0(&["map", "dump", &q]);
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("peek"), "{}", r.stderr);
    // Bloom filter: present/absent; `push` adds a value (as bpftool's update does); dump
    // refused with the hint.
    let b = m.pin("bloom");
    let present = |v: &str| {
        m.x0(&["--json", "map", "lookup", &b, "--value", v])
            .ok()
            .json()["present"]
            .clone()
    };
    assert_eq!(present("42"), false);
    assert_eq!(present("43"), false);
    m.x0(&["map", "push", &b, "--value", "42"]).ok();
    assert_eq!(present("42"), true);
    let r = sh(
        "bpftool",
        &["map", "update", "pinned", &b, "value", "43", "0", "0", "0"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(present("43"), true);
    let r = m.x0(&["map", "push", &b, "--value", "44", "--overwrite"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = m.x0(&["map", "dump", &b]);
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("lookup"), "{}", r.stderr);
    // Ring buffer: dump points to tail.
    let r = m.x0(&["map", "dump", &m.pin("events")]);
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("tail"), "{}", r.stderr);
    // Map-in-map: inner map ids; --follow dumps the inner map.
    let inner = m
        .x0(&["--json", "map", "show", &m.pin("inner1")])
        .ok()
        .json()["maps"][0]["id"]
        .clone();
    let d = m.dump("outer", &[]);
    assert_eq!(d["entries"][0]["value"], inner);
    let d = m.dump("outer", &["--follow"]);
    assert_eq!(
        d["entries"][0]["inner"]["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn lines_limit_and_objects_loaded_by_x0bpf() {
    let m = Maps::new();
    let name = format!("mt{}", unique());
    let obj = m.obj.to_str().unwrap();
    m.x0(&["load", obj, "--name", &name]).ok();
    let target = format!("{name}/lru");
    for k in 0..10 {
        m.x0(&[
            "map",
            "update",
            &target,
            "--key",
            &k.to_string(),
            "--value",
            "1",
        ])
        .ok();
    }
    let r = m.x0(&["map", "dump", &target, "--lines", "--limit", "4"]);
    let lines: Vec<Value> = r
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["schema_version"], 2);
    assert_eq!(lines[0]["command"], "map dump");
    assert!(lines[0]["header"]["map"].is_object());
    assert_eq!(lines[5]["summary"]["records"], 4);
    assert_eq!(lines[5]["summary"]["complete"], true);
    let r = m.x0(&["map", "dump", &format!("{name}/nope")]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    let r = m.x0(&["map", "dump", "nosuchobject/lru"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    m.x0(&["unload", &name]).ok();
}

#[test]
fn dump_during_inserts_and_deletes_ends_with_valid_json() {
    use libbpf_rs::{MapCore, MapFlags, MapHandle};
    let m = Maps::new();
    let pin = m.pin("lru");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s2 = stop.clone();
    let p2 = pin.clone();
    let writer = std::thread::spawn(move || {
        let h = MapHandle::from_pinned_path(&p2).unwrap();
        let mut i = 0u32;
        while !s2.load(std::sync::atomic::Ordering::Relaxed) {
            let k = (i % 200).to_ne_bytes();
            let _ = h.update(&k, &1u64.to_ne_bytes(), MapFlags::ANY);
            let d = ((i + 37) % 200).to_ne_bytes();
            let _ = h.delete(&d);
            i = i.wrapping_add(1);
        }
    });
    for _ in 0..30 {
        for extra in [&[][..], &["--lines"][..]] {
            let mut a = vec!["--json", "map", "dump", pin.as_str()];
            a.extend_from_slice(extra);
            let r = m.x0(&a);
            assert_eq!(r.code, 0, "{}", r.stderr);
            if extra.is_empty() {
                let v = r.json();
                assert!(v["complete"].is_boolean());
                assert!(v["entries"].as_array().unwrap().len() <= 64);
            } else {
                let last: Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
                assert!(last["summary"]["complete"].is_boolean());
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
}

#[test]
fn follow_streams_inner_maps_in_every_mode() {
    let m = Maps::new();
    let inner = m.pin("inner1");
    for (k, v) in [(0, 10), (1, 11)] {
        m.x0(&[
            "map",
            "update",
            &inner,
            "--key",
            &k.to_string(),
            "--value",
            &v.to_string(),
        ])
        .ok();
    }
    let id = m.x0(&["--json", "map", "show", &inner]).ok().json()["maps"][0]["id"].clone();
    let d = m.dump("outer", &["--follow"]);
    assert_eq!(d["complete"], true, "{d}");
    assert_eq!(d["count"], 1, "{d}");
    let e = &d["entries"][0];
    // libbpf creates maps of maps without a BTF key type: the outer key is hex.
    let ok = e["key"].clone();
    assert!(ok == json!(0) || ok == json!("00000000"), "{e}");
    assert_eq!(e["value"], id);
    assert_eq!(
        e["inner"],
        json!({"id": id, "name": "inner1", "count": 2, "complete": true,
               "entries": [{"key": 0, "value": 10}, {"key": 1, "value": 11}]})
    );
    // Lines: the outer entry, then one line per inner entry naming its outer key.
    let r = m.x0(&["map", "dump", &m.pin("outer"), "--follow", "--lines"]);
    let l: Vec<Value> = r
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(l.len(), 5, "{l:?}");
    assert_eq!(
        l[1],
        json!({"key": ok, "value": id, "inner_name": "inner1"})
    );
    assert_eq!(
        l[3],
        json!({"outer_key": ok, "inner_id": id, "key": 1, "value": 11})
    );
    assert_eq!(l[4]["summary"]["complete"], true);
    // Table in a pipe: house style, each inner entry's key names its outer key.
    let r = m.x0(&["map", "dump", &m.pin("outer"), "--follow"]);
    let out = &r.ok().stdout;
    assert!(!out.contains('\t'), "{out}");
    assert!(
        out.contains(&format!("{ok}  inner map {id} (\"inner1\")")),
        "{out}"
    );
    assert!(out.contains(&format!("{ok}/1  11")), "{out}");
}

/// x0bpf under `strace -e trace=bpf` with `extra` strace options; the run and the trace.
fn traced(fs: &common::Bpffs, extra: &[&str], args: &[&str]) -> (Run, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trace");
    let mut a: Vec<&str> = vec!["-qq", "-e", "trace=bpf", "-o", file.to_str().unwrap()];
    a.extend_from_slice(extra);
    a.push(common::bin());
    a.extend_from_slice(&["--bpffs", fs.arg()]);
    a.extend_from_slice(args);
    let r = sh("strace", &a);
    let t = std::fs::read_to_string(&file).unwrap_or_default();
    (r, t)
}

/// A map made here (not by an object), pinned in `fs`.
fn create_pinned(
    fs: &common::Bpffs,
    name: &str,
    t: libbpf_rs::MapType,
    key: u32,
    value: u32,
    max: u32,
    flags: u32,
) -> (libbpf_rs::MapHandle, String) {
    let opts = libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
        map_flags: flags,
        ..Default::default()
    };
    let mut h = libbpf_rs::MapHandle::create(t, Some(name), key, value, max, &opts)
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
    let pin = format!("{}/{name}", fs.arg());
    h.pin(&pin).unwrap();
    (h, pin)
}

/// The kernel's bucket hash for a 4-byte key (htab_map_hash → jhash2 with one word).
fn jhash_u32(k: u32, seed: u32) -> u32 {
    let init = 0xdead_beefu32.wrapping_add(4).wrapping_add(seed);
    let (mut a, mut b, mut c) = (init.wrapping_add(k), init, init);
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(14));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(11));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(25));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(16));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(4));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(14));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(24));
    c
}

#[test]
fn batch_buffers_grow_when_one_bucket_holds_more_than_a_batch() {
    use libbpf_rs::{MapCore, MapFlags, MapType};
    require_root();
    let fs = Bpffs::new();
    // BPF_F_ZERO_SEED (0x40): the bucket of a key is known, so 4097 keys can share one of the
    // 8192 buckets — more than the first batch (4096 elements) can take.
    let (h, pin) = create_pinned(&fs, "crowded", MapType::Hash, 4, 8, 4097, 0x40);
    let want = jhash_u32(0, 0) & 8191;
    let keys: Vec<u32> = (0u32..)
        .filter(|&k| jhash_u32(k, 0) & 8191 == want)
        .take(4097)
        .collect();
    for &k in &keys {
        h.update(&k.to_ne_bytes(), &(k as u64).to_ne_bytes(), MapFlags::ANY)
            .unwrap();
    }
    let (r, trace) = traced(&fs, &[], &["--json", "map", "dump", &pin]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        trace.contains("BPF_MAP_LOOKUP_BATCH") && trace.contains("ENOSPC"),
        "no ENOSPC from BPF_MAP_LOOKUP_BATCH (are the keys in one bucket?):\n{}",
        trace.lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
    let d = r.json();
    assert_eq!(d["complete"], true, "{}", r.stderr);
    let mut got: Vec<u64> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            // No BTF: hex bytes, the value the key widened to 8 bytes.
            let k = e["key"].as_str().unwrap();
            assert_eq!(e["value"], format!("{k}00000000"));
            let b = (0..4)
                .map(|i| u8::from_str_radix(&k[2 * i..2 * i + 2], 16).unwrap())
                .collect::<Vec<u8>>();
            u32::from_le_bytes(b.try_into().unwrap()) as u64
        })
        .collect();
    got.sort();
    let mut want: Vec<u64> = keys.iter().map(|&k| k as u64).collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_dump_failing_half_way_is_a_closed_document_marked_incomplete() {
    use libbpf_rs::{MapCore, MapFlags, MapType};
    require_root();
    let fs = Bpffs::new();
    // 10000 entries: three BPF_MAP_LOOKUP_BATCH calls of up to 4096; the second one fails.
    let (h, pin) = create_pinned(&fs, "halfway", MapType::Hash, 4, 8, 16384, 0);
    for k in 0..10_000u32 {
        h.update(&k.to_ne_bytes(), &1u64.to_ne_bytes(), MapFlags::ANY)
            .unwrap();
    }
    // Key iteration too: an LPM trie walks keys (GET_NEXT_KEY + LOOKUP_ELEM per entry).
    let (t, trie) = create_pinned(&fs, "trie", MapType::LpmTrie, 8, 8, 64, 1);
    for k in 0..20u32 {
        let mut key = 32u32.to_ne_bytes().to_vec();
        key.extend_from_slice(&k.to_be_bytes());
        t.update(&key, &2u64.to_ne_bytes(), MapFlags::ANY).unwrap();
    }
    for (map, call, nth, lines) in [
        (&pin, "BPF_MAP_LOOKUP_BATCH", 2, false),
        (&pin, "BPF_MAP_LOOKUP_BATCH", 2, true),
        (&trie, "BPF_MAP_GET_NEXT_KEY", 11, false),
        (&trie, "BPF_MAP_LOOKUP_ELEM", 6, true),
    ] {
        let mut args = vec!["--json", "map", "dump", map.as_str()];
        if lines {
            args.push("--lines");
        }
        // Which bpf() call is the nth `call`: from a reference run.
        let (r, trace) = traced(&fs, &[], &args);
        r.ok();
        let bpf_calls: Vec<&str> = trace.lines().filter(|l| l.starts_with("bpf(")).collect();
        let k = bpf_calls
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(call))
            .nth(nth - 1)
            .unwrap_or_else(|| panic!("fewer than {nth} {call} calls:\n{trace}"))
            .0
            + 1;
        let inject = format!("inject=bpf:error=EIO:when={k}");
        let (r, _) = traced(&fs, &["-e", &inject], &args);
        assert_eq!(r.code, 6, "{call} #{nth} failing: {}", r.stderr);
        assert!(
            r.stderr.contains("incomplete") && r.stderr.contains(call),
            "{}",
            r.stderr
        );
        let (complete, reason, count) = if lines {
            let l: Vec<Value> = r
                .stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                .collect();
            let s = &l.last().unwrap()["summary"];
            assert_eq!(s["records"].as_u64().unwrap() as usize, l.len() - 2);
            (
                s["complete"].clone(),
                s["reason"].clone(),
                s["records"].clone(),
            )
        } else {
            let d = r.json();
            assert_eq!(
                d["count"].as_u64().unwrap() as usize,
                d["entries"].as_array().unwrap().len()
            );
            (
                d["complete"].clone(),
                d["reason"].clone(),
                d["count"].clone(),
            )
        };
        assert_eq!(complete, false);
        assert!(reason.as_str().unwrap().contains(call), "{reason}");
        // Entries read before the failure were written.
        assert!(count.as_u64().unwrap() > 0, "{count}");
        let full = if map == &pin { 10_000 } else { 20 };
        assert!(count.as_u64().unwrap() < full, "{count}");
    }
}

#[test]
fn key_walk_under_churn_stops_at_max_entries_and_says_incomplete() {
    use libbpf_rs::{MapCore, MapFlags, MapType};
    require_root();
    let fs = Bpffs::new();
    // An LPM trie has no batch lookup: dump walks its keys. A writer deletes and re-adds every
    // key over and over, so the walk's current key keeps vanishing and GET_NEXT_KEY restarts
    // from the first key.
    let (t, trie) = create_pinned(&fs, "churn", MapType::LpmTrie, 8, 8, 32, 1);
    let key = |k: u32| {
        let mut v = 32u32.to_ne_bytes().to_vec();
        v.extend_from_slice(&k.to_be_bytes());
        v
    };
    for k in 0..32 {
        t.update(&key(k), &1u64.to_ne_bytes(), MapFlags::ANY)
            .unwrap();
    }
    let quiet = fs.x0(&["--json", "map", "dump", &trie]).ok().json();
    assert_eq!(quiet["complete"], true);
    assert_eq!(quiet["count"], 32);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s2 = stop.clone();
    let p2 = trie.clone();
    let writer = std::thread::spawn(move || {
        let h = libbpf_rs::MapHandle::from_pinned_path(&p2).unwrap();
        let mut i = 0u32;
        while !s2.load(std::sync::atomic::Ordering::Relaxed) {
            let k = key(i % 32);
            let _ = h.delete(&k);
            let _ = h.update(&k, &1u64.to_ne_bytes(), MapFlags::ANY);
            i = i.wrapping_add(1);
        }
    });
    let mut incomplete = 0;
    // A race by nature: on a loaded machine the writer may get little CPU, so many tries.
    for _ in 0..400 {
        let r = fs.x0(&["--json", "map", "dump", &trie]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let d = r.json();
        let n = d["entries"].as_array().unwrap().len();
        assert!(n <= 32, "{n} entries returned from a 32-entry map");
        if d["complete"] == false {
            incomplete += 1;
            assert!(
                d["reason"].as_str().unwrap().contains("max_entries"),
                "{}",
                d["reason"]
            );
            assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
        }
        if incomplete >= 3 {
            break;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert!(incomplete > 0, "the walk never restarted under churn");
}

#[test]
fn struct_fields_print_in_c_order() {
    let m = Maps::new();
    let key = r#"{"saddr":1,"sport":80,"proto":6,"pad":0}"#;
    let r = m.x0(&[
        "--json",
        "map",
        "update",
        &m.pin("flows"),
        "--key",
        key,
        "--value",
        STATS,
    ]);
    // The fields, in this order, in `text` after its first `"value":` (or `"key":`).
    let order = |text: &str, fields: &[&str]| {
        let at = if fields[0] == "saddr" {
            text.find("\"key\":")
        } else {
            text.find("\"value\":").or_else(|| text.find("\"values\":"))
        };
        let text = &text[at.unwrap_or_else(|| panic!("{text}"))..];
        let pos: Vec<usize> = fields
            .iter()
            .map(|f| {
                text.find(&format!("\"{f}\":"))
                    .unwrap_or_else(|| panic!("{f} missing: {text}"))
            })
            .collect();
        assert!(
            pos.windows(2).all(|w| w[0] < w[1]),
            "not in C order: {text}"
        );
    };
    let c_order = [
        "packets", "delta", "proto", "comm", "a", "b", "c", "s", "u32v", "u16v", "point", "arr",
        "ok", "ptr_like",
    ];
    order(&r.ok().stdout, &c_order);
    order(&r.stdout, &["saddr", "sport", "proto", "pad"]);
    let r = m.x0(&["--json", "map", "lookup", &m.pin("flows"), "--key", key]);
    order(&r.ok().stdout, &c_order);
    // Per-CPU sums (decoded through a JSON value) and --per-cpu.
    m.x0(&[
        "map",
        "update",
        &m.pin("pcpu_hash"),
        "--key",
        "1",
        "--value",
        r#"{"packets":3,"bytes":1500}"#,
    ])
    .ok();
    for extra in [&[][..], &["--per-cpu"][..]] {
        let mut a = vec![
            "--json",
            "map",
            "lookup",
            m.pin("pcpu_hash").leak(),
            "--key",
            "1",
        ];
        a.extend_from_slice(extra);
        order(&m.x0(&a).ok().stdout, &["packets", "bytes"]);
        let mut a = vec!["--json", "map", "dump", m.pin("pcpu_hash").leak()];
        a.extend_from_slice(extra);
        order(&m.x0(&a).ok().stdout, &["packets", "bytes"]);
    }
}

#[test]
fn hostile_addresses_and_numbers() {
    let m = Maps::new();
    // A directory on bpffs and a file elsewhere are not pins (the kernel says EACCES for both:
    // not a missing privilege).
    let r = m.x0(&["map", "dump", &format!("{}/m", m.fs.arg())]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is a directory"), "{}", r.stderr);
    let r = m.x0(&["map", "dump", "/etc/hostname"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("not on a BPF filesystem"), "{}", r.stderr);
    // Negative JSON numbers are values, not options; out of range either way.
    let r = m.x0(&[
        "map",
        "update",
        &m.pin("lru"),
        "--key",
        "-1",
        "--value",
        "1",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out of range"), "{}", r.stderr);
    let r = m.x0(&[
        "--json",
        "map",
        "update",
        &m.pin("flows"),
        "--key",
        r#"{"saddr":1,"sport":80,"proto":6,"pad":0}"#,
        "--value",
        STATS,
    ]);
    r.ok();
    let r = m.x0(&[
        "map",
        "update",
        &m.pin("flows"),
        "--key",
        r#"{"saddr":1,"sport":80,"proto":6,"pad":0}"#,
        "--value",
        r#"{"delta":-9223372036854775808}"#,
        "--merge",
    ]);
    r.ok();
    let r = m.x0(&[
        "map",
        "update",
        &m.pin("lru"),
        "--key",
        "1",
        "--value",
        "18446744073709551616",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out of range"), "{}", r.stderr);
    // Unprivileged: exit 4 naming the capability, for reads and writes.
    for args in [
        &["map", "dump", "id", "1"][..],
        &["map", "update", "id", "1", "--key", "1", "--value", "1"][..],
        &["tail", "id", "1"][..],
    ] {
        let mut a = vec![
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            common::bin(),
        ];
        a.extend_from_slice(args);
        let r = sh("setpriv", &a);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("CAP_BPF"), "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    }
}

/// The u32 of bpftool's `-j` hex byte list (`["0x02","0x00",…]`).
fn bpftool_u32(v: &Value) -> u32 {
    let b: Vec<u8> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a byte list: {v}"))
        .iter()
        .map(|x| u8::from_str_radix(x.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect();
    u32::from_ne_bytes(b[..4].try_into().unwrap())
}

fn bpftool_value_at(entries: &[Value], key: u32) -> Option<u32> {
    entries
        .iter()
        .find(|e| bpftool_u32(&e["key"]) == key)
        .map(|e| bpftool_u32(&e["value"]))
}

#[test]
fn prog_array_and_map_of_maps_updates_take_ids() {
    let m = Maps::new();
    let pa = m.pin("pa");
    let pa_name = format!("pa{}", unique());
    let r = sh(
        "bpftool",
        &[
            "map",
            "create",
            &pa,
            "type",
            "prog_array",
            "key",
            "4",
            "value",
            "4",
            "entries",
            "4",
            "name",
            &pa_name,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let prog = sh(
        "bpftool",
        &[
            "prog",
            "show",
            "pinned",
            &format!("{}/p/emit", m.fs.arg()),
            "-j",
        ],
    );
    let prog_id = serde_json::from_str::<Value>(&prog.stdout).unwrap()["id"]
        .as_u64()
        .unwrap() as u32;
    // The id, as `map dump` shows it (not an fd of this process).
    // The index as a number, even without BTF.
    let r = m.x0(&[
        "--json",
        "map",
        "update",
        &pa,
        "--key",
        "2",
        "--value",
        &prog_id.to_string(),
    ]);
    assert_eq!(r.ok().json()["value"], prog_id);
    assert_eq!(bpftool_value_at(&m.bpftool_dump("pa"), 2), Some(prog_id));
    let d = m.x0(&["--json", "map", "dump", &pa]).ok().json();
    assert_eq!(entries(&d)[0]["key"], 2, "{d}");
    assert_eq!(entries(&d)[0]["value"], prog_id, "{d}");
    // An id that names nothing: not found, naming the id; nothing changed.
    let r = m.x0(&[
        "map",
        "update",
        &pa,
        "--key-hex",
        "01 00 00 00",
        "--value",
        "3999999999",
    ]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("3999999999"), "{}", r.stderr);
    assert_eq!(m.bpftool_dump("pa").len(), 1);
    // Array of maps: an inner map of the template's shape, by id.
    let inner = m.pin("in2");
    let r = sh(
        "bpftool",
        &[
            "map",
            "create",
            &inner,
            "type",
            "array",
            "key",
            "4",
            "value",
            "8",
            "entries",
            "2",
            "name",
            &format!("in{}", unique()),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let inner_id = m.x0(&["--json", "map", "show", &inner]).ok().json()["maps"][0]["id"]
        .as_u64()
        .unwrap() as u32;
    m.x0(&[
        "map",
        "update",
        &m.pin("outer"),
        "--key",
        "1",
        "--value",
        &inner_id.to_string(),
    ])
    .ok();
    assert_eq!(
        bpftool_value_at(&m.bpftool_dump("outer"), 1),
        Some(inner_id)
    );
    let d = m.dump("outer", &[]);
    assert!(entries(&d).iter().any(|e| e["value"] == inner_id), "{d}");
}

#[test]
fn map_show_of_every_map_without_cap_sys_admin_is_a_permission_error() {
    let _m = Maps::new();
    // CAP_BPF without CAP_SYS_ADMIN: the kernel refuses to walk the ids.
    let r = sh(
        "setpriv",
        &[
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--inh-caps=+bpf",
            "--ambient-caps=+bpf",
            common::bin(),
            "--json",
            "map",
            "show",
        ],
    );
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    let e = r.json();
    assert_eq!(e["error"]["kind"], "permission", "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("CAP_SYS_ADMIN"),
        "{e}"
    );
    // Root of a user namespace: its capabilities do not reach BPF.
    let r = sh("unshare", &["-Ur", common::bin(), "map", "show"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("CAP_SYS_ADMIN"), "{}", r.stderr);
    assert!(r.stderr.contains("user namespace"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    // `list prog` (every program) alike.
    let r = sh("unshare", &["-Ur", common::bin(), "list", "prog"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("user namespace"), "{}", r.stderr);
    // Root on the host sees the maps.
    let r = common::x0(&["--json", "map", "show"]);
    assert!(!r.ok().json()["maps"].as_array().unwrap().is_empty());
}

#[test]
fn strict_json_input_and_hints_that_work_when_copied() {
    let m = Maps::new();
    let pin = m.pin("flows");
    let key = r#"{"saddr":1,"sport":80,"proto":6,"pad":0}"#;
    m.x0(&["map", "update", &pin, "--key", key, "--value", STATS])
        .ok();
    let before = m.bpftool_dump("flows");
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let dup_key = r#"{"saddr":1,"sport":80,"proto":6,"pad":0,"sport":81}"#;
    let bad: &[(&[&str], &str)] = &[
        // Not integers, whatever their value: a type error naming the field.
        (
            &["--key", key, "--value", r#"{"packets":1.0}"#, "--merge"],
            "expected an integer at packets",
        ),
        (
            &["--key", key, "--value", r#"{"packets":1e3}"#, "--merge"],
            "expected an integer at packets",
        ),
        // Beyond 64 bits: out of the field's range, said exactly (not as a float).
        (
            &[
                "--key",
                key,
                "--value",
                r#"{"packets":18446744073709551616}"#,
                "--merge",
            ],
            "18446744073709551616 is out of range at packets (unsigned 64-bit integer: 0..=18446744073709551615)",
        ),
        (
            &["--key", key, "--value", r#"{"packets":1,"packets":2}"#, "--merge"],
            "duplicate key \"packets\"",
        ),
        (
            &["--key", key, "--value", r#"{"point":{"x":1,"x":2}}"#, "--merge"],
            "duplicate key \"x\" in point",
        ),
        (&["--key", dup_key, "--value", STATS], "--key: duplicate key \"sport\""),
        (&["--key", key, "--value", &deep], "nested more than 128 levels"),
        (
            &["--key", key, "--value", r#"{"packets":1"#, "--merge"],
            "not valid JSON",
        ),
    ];
    for (args, what) in bad {
        let mut a = vec!["map", "update", pin.as_str()];
        a.extend_from_slice(args);
        let r = m.x0(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(what), "{what}: {}", r.stderr);
        assert!(!r.stderr.contains("a string"), "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "one line: {}", r.stderr);
        assert_eq!(m.bpftool_dump("flows"), before, "{args:?} changed the map");
    }
    // -0 is the integer 0.
    let r = m.x0(&[
        "--json",
        "map",
        "update",
        &pin,
        "--key",
        key,
        "--value",
        r#"{"packets":-0,"delta":-0}"#,
        "--merge",
    ]);
    let v = r.ok().json();
    assert_eq!(v["value"]["packets"], 0, "{v}");
    assert_eq!(v["value"]["delta"], 0, "{v}");
    // Hints that print a command carry this invocation's --bpffs, and name a command that
    // works on that kind of map.
    let fs = format!("--bpffs {}", m.fs.arg());
    let r = m.x0(&["map", "push", &m.pin("events"), "--value", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("`x0bpf {fs} tail {}`", m.pin("events"))),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("map dump"), "{}", r.stderr);
    let r = m.x0(&[
        "map",
        "update",
        &m.pin("bloom"),
        "--key",
        "1",
        "--value",
        "1",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "`x0bpf {fs} map push {} --value JSON`",
            m.pin("bloom")
        )),
        "{}",
        r.stderr
    );
    let r = m.x0(&["map", "peek", &m.pin("lru")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("`x0bpf {fs} map dump {}`", m.pin("lru"))),
        "{}",
        r.stderr
    );
}

#[test]
fn a_positional_key_points_to_dash_dash_key() {
    let m = Maps::new();
    let pin = m.pin("arr");
    for (cmd, extra, want) in [
        ("lookup", vec![], format!(" map lookup {pin} --key 0`)")),
        ("delete", vec![], format!(" map delete {pin} --key 0`)")),
        (
            "update",
            vec!["--value", "{}"],
            format!(" map update {pin} --key 0 --value '{{}}'`)"),
        ),
    ] {
        let mut a = vec!["map", cmd, pin.as_str(), "0"];
        a.extend(extra);
        let r = m.x0(&a);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains("--key"), "{}", r.stderr);
        assert!(r.stderr.contains(&want), "{cmd}: {}", r.stderr);
    }
    // Two-word map names are still map names.
    let r = m.x0(&["map", "lookup", "pinned", &pin, "--key", "0"]);
    r.ok();
}

#[test]
fn a_summed_per_cpu_update_says_over_how_many_cpus() {
    let m = Maps::new();
    let pin = m.pin("pcpu_arr");
    let ncpu = m.bpftool_dump("pcpu_arr")[0]["formatted"]["values"]
        .as_array()
        .unwrap()
        .len();
    let r = m.x0(&["map", "update", &pin, "--key", "1", "--value", "3"]);
    r.ok();
    let want = format!("summed over {ncpu} CPUs");
    assert!(r.stdout.contains(&want), "{}", r.stdout);
    let j = m.x0(&[
        "--json", "map", "update", &pin, "--key", "1", "--value", "3",
    ]);
    let v = j.ok().json();
    assert_eq!(v["summed_over_cpus"], ncpu);
    assert_eq!(v["value"], 3 * ncpu as u64);
    let j = m.x0(&["--json", "map", "lookup", &pin, "--key", "1"]);
    assert_eq!(j.ok().json()["summed_over_cpus"], ncpu);
    // --per-cpu values are not summed: no such field.
    let j = m.x0(&["--json", "map", "lookup", &pin, "--key", "1", "--per-cpu"]);
    assert!(j.ok().json().get("summed_over_cpus").is_none());
    // Maps that are not per-CPU have none either.
    let j = m.x0(&["--json", "map", "lookup", &m.pin("arr"), "--key", "1"]);
    assert!(j.ok().json().get("summed_over_cpus").is_none());
}

/// Issue 20 §4.5: a hash map's dump progress is a running count (the kernel does not say how
/// many entries it holds); only an array, which always holds max_entries, gets a bar.
#[test]
fn dump_progress_is_sized_by_what_the_kernel_reports() {
    use libbpf_rs::{MapCore, MapFlags, MapType};
    require_root();
    let fs = Bpffs::new();
    let (h, pin) = create_pinned(&fs, "pg_hash", MapType::Hash, 4, 4, 100_000, 0);
    for k in 0u32..3 {
        h.update(&k.to_ne_bytes(), &k.to_ne_bytes(), MapFlags::ANY)
            .unwrap();
    }
    let (code, raw) = common::x0_on_pty(&["--bpffs", fs.arg(), "map", "dump", &pin]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("/100000"), "no bar that never fills: {text}");
    assert!(text.contains("entries read"), "a running count: {text}");
    let (_a, apin) = create_pinned(&fs, "pg_arr", MapType::Array, 4, 4, 5000, 0);
    let (code, raw) = common::x0_on_pty(&["--bpffs", fs.arg(), "map", "dump", &apin]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("/5000 entries"), "an array's bar: {text}");
}
