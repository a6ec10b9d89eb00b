//! "Resolves like libbpf", measured: objects with CO-RE relocations of every kind are loaded
//! through libbpf (`x0bpf -v load`, whose stderr carries libbpf's debug log) and checked with
//! `x0bpf validate -j`; every `prog 'P': relo #N: patched insn #K (…) … A -> B` (or
//! `substituting insn #K w/ invalid insn`, a poisoned instruction) must match validate's
//! CO-RE detail for the same function and relocation: same instruction, same value. Root.
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{compile, unique, Bpffs};
use serde_json::Value;

fn clang(src: &str, dir: &Path, out: &str, defs: &[&str]) -> PathBuf {
    let mut extra = vec!["-target", "bpf", "-g"];
    extra.extend_from_slice(defs);
    compile(src, "clang", &extra, dir, out)
}

/// What libbpf did to one relocation's instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Patch {
    /// The new value (32-bit for ALU imm and LDX off, as libbpf prints it).
    Value {
        insn: u32,
        value: u64,
    },
    Poison {
        insn: u32,
    },
}

/// `(function, relo #)` -> patch, from libbpf's debug log.
fn libbpf_patches(log: &str) -> BTreeMap<(String, u32), Patch> {
    let mut m = BTreeMap::new();
    for line in log.lines() {
        let Some(rest) = line.split("prog '").nth(1) else {
            continue;
        };
        let Some((prog, rest)) = rest.split_once("': relo #") else {
            continue;
        };
        let Some((n, rest)) = rest.split_once(": ") else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        let insn_of = |s: &str| -> u32 {
            s.trim_start_matches('#')
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("insn number in {line:?}"))
        };
        let key = (prog.to_string(), n);
        if let Some(r) = rest.strip_prefix("patched insn ") {
            // "#3 (ALU/ALU64) imm 0 -> 1264"; LDX with a size change logs a second
            // "mem_sz" line for the same relocation: the offset line is the value.
            if r.contains(" mem_sz ") {
                continue;
            }
            let value: u64 = r
                .rsplit(" -> ")
                .next()
                .unwrap()
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("value in {line:?}"));
            m.insert(
                key,
                Patch::Value {
                    insn: insn_of(r),
                    value,
                },
            );
        } else if let Some(r) = rest.strip_prefix("substituting insn ") {
            // An ldimm64 is poisoned in two halves; the first line names the instruction.
            let insn = insn_of(r);
            m.entry(key)
                .and_modify(|p| {
                    if let Patch::Poison { insn: i } = p {
                        *i = (*i).min(insn);
                    }
                })
                .or_insert(Patch::Poison { insn });
        }
    }
    m
}

/// `(function, relo #)` -> what validate computed: a value when it resolves, a poison when it
/// does not (validate warns that libbpf poisons a guarded instruction).
fn validate_patches(report: &Value) -> BTreeMap<(String, u32), Patch> {
    let co_re = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "co-re")
        .expect("a co-re check");
    let mut m = BTreeMap::new();
    for d in co_re["details"].as_array().unwrap() {
        let (Some(f), Some(n)) = (d["function"].as_str(), d["relo"].as_u64()) else {
            panic!("CO-RE detail without function/relo: {d}");
        };
        let insn = d["insn"].as_u64().unwrap() as u32;
        let p = match d["value"].as_u64() {
            Some(v) => Patch::Value { insn, value: v },
            None => Patch::Poison { insn },
        };
        assert!(
            m.insert((f.to_string(), n as u32), p).is_none(),
            "duplicate {f} relo #{n}"
        );
    }
    m
}

/// Load `obj` through libbpf, then compare its log with validate's report.
fn differential(obj: &Path, want_relos: usize) {
    let fs = Bpffs::new();
    let name = format!("cd{}", unique());
    let obj_s = obj.to_str().unwrap();
    let load = fs.x0(&["-v", "load", obj_s, "--name", &name]);
    // Unload before asserting anything, so a failure leaves nothing loaded.
    let unload = fs.x0(&["unload", &name]);
    assert_eq!(load.code, 0, "load failed:\n{}", load.stderr);
    unload.ok();
    let libbpf = libbpf_patches(&load.stderr);

    let v = common::x0(&["-j", "validate", obj_s]);
    let ours = validate_patches(&v.json());

    assert_eq!(
        libbpf.len(),
        want_relos,
        "libbpf patched {} relocations, expected {want_relos}:\n{}",
        libbpf.len(),
        load.stderr
    );
    let mut bad = Vec::new();
    for (k, lp) in &libbpf {
        match ours.get(k) {
            None => bad.push(format!(
                "{} relo #{}: libbpf {lp:?}, validate has none",
                k.0, k.1
            )),
            Some(op) => {
                // libbpf prints 32-bit values for ALU imm / LDX off (and its ldimm64 values
                // fit in 32 bits): compare what it printed.
                let same = match (lp, op) {
                    (Patch::Value { insn: a, value: x }, Patch::Value { insn: b, value: y }) => {
                        a == b && (*x == *y || *x == u64::from(*y as u32))
                    }
                    (a, b) => a == b,
                };
                if !same {
                    bad.push(format!(
                        "{} relo #{}: libbpf {lp:?}, validate {op:?}",
                        k.0, k.1
                    ));
                }
            }
        }
    }
    for k in ours.keys().filter(|k| !libbpf.contains_key(*k)) {
        bad.push(format!("{} relo #{}: only validate has it", k.0, k.1));
    }
    assert!(
        bad.is_empty(),
        "validate disagrees with libbpf on {}:\n{}\n\nlibbpf log:\n{}\nvalidate:\n{}",
        obj.display(),
        bad.join("\n"),
        load.stderr,
        v.stdout
    );
}

#[test]
fn core_kinds_resolve_like_libbpf() {
    let dir = tempfile::tempdir().unwrap();
    let o = clang("core_kinds.c", dir.path(), "core_kinds.o", &[]);
    // 22 in the program (23 with clang >= 15, which adds type_matches) and 1 in the
    // subprogram: the count comes from the object, not from the compiler's version.
    let n = inspect_relos(&o);
    assert!(n >= 22, "core_kinds.o has only {n} CO-RE relocations");
    differential(&o, n);
}

#[test]
fn sample_objects_resolve_like_libbpf() {
    let dir = tempfile::tempdir().unwrap();
    for (src, out, defs) in [
        ("core_sample.c", "core_sample.o", &[][..]),
        ("validate_core.c", "validate_core.o", &[][..]),
        ("validate_core.c", "validate_guarded.o", &["-DGUARDED"][..]),
    ] {
        let o = clang(src, dir.path(), out, defs);
        let n = inspect_relos(&o);
        assert!(n > 0, "{out} has no CO-RE relocation");
        differential(&o, n);
    }
}

/// Number of CO-RE relocations in an object, from `x0bpf inspect -j`.
fn inspect_relos(o: &Path) -> usize {
    let r = common::x0(&["-j", "inspect", o.to_str().unwrap()]);
    r.ok();
    r.json()["btf"]["core_relocations"]
        .as_array()
        .unwrap_or_else(|| panic!("no btf.core_relocations in:\n{}", r.stdout))
        .len()
}
