//! The layers point one way: `cmd` → `validate`/`attach` → `store`/`probe` → `sys` → `obj` →
//! `error`/`output`. A `use crate::…` (or `crate::…` path) that points upward, or sideways
//! between siblings, fails here with the file and the line, so the direction stays true.
use std::path::{Path, PathBuf};

/// Rank of each top-level module; a module may use modules of lower rank, and its own.
fn rank(module: &str) -> Option<u32> {
    Some(match module {
        "error" | "output" | "stream" | "" => 0,
        "obj" => 1,
        "sys" => 2,
        "probe" | "store" => 3,
        "attach" | "validate" | "maps" => 4,
        "skel" | "cli" | "cmd" => 5,
        _ => return None,
    })
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut bad = Vec::new();
    for f in &all {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let own = first.trim_end_matches(".rs").to_string();
        if own == "bin" || own == "lib" {
            continue;
        }
        let own_rank =
            rank(&own).unwrap_or_else(|| panic!("{}: no layer for `{own}`", f.display()));
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                let target: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `crate::Ctx`, `crate::X0Error`: items of the crate root (base layer).
                let t = if target.starts_with(|c: char| c.is_ascii_uppercase()) {
                    ""
                } else {
                    target.as_str()
                };
                let Some(r) = rank(t) else {
                    bad.push(format!(
                        "{}:{}: unknown module crate::{t}",
                        rel.display(),
                        n + 1
                    ));
                    continue;
                };
                let sideways =
                    r == own_rank && t != own && !t.is_empty() && own_rank != 0 && own_rank != 5;
                if r > own_rank || sideways {
                    bad.push(format!(
                        "{}:{}: `{own}` must not use `crate::{t}`: {}",
                        rel.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports against the layer direction:\n{}",
        bad.join("\n")
    );
}
