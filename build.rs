//! Compiles every `bpf/*.bpf.c` into a BPF object and a libbpf-rs skeleton, and writes
//! `embedded.rs`: the table of objects embedded in the binary (name + ELF bytes).
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let arch = match env::var("CARGO_CFG_TARGET_ARCH").as_deref() {
        Ok("x86_64") => "x86",
        Ok("aarch64") => "arm64",
        Ok("riscv64") => "riscv",
        Ok("s390x") => "s390",
        Ok(other) => other,
        Err(_) => "x86",
    }
    .to_string();

    let mut sources: Vec<PathBuf> = fs::read_dir("bpf")
        .expect("bpf/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
        .collect();
    sources.sort();

    let mut table = String::from("pub static EMBEDDED: &[Embedded] = &[\n");
    for src in &sources {
        let file = src.file_name().unwrap().to_string_lossy().into_owned();
        let name = file.trim_end_matches(".bpf.c").to_string();
        let obj = out.join(format!("{name}.bpf.o"));
        let skel = out.join(format!("{name}.skel.rs"));
        SkeletonBuilder::new()
            .source(src)
            .obj(&obj)
            .reference_obj(true)
            .clang_args([
                "-Wall".to_string(),
                "-Werror".to_string(),
                "-Ibpf".to_string(),
                format!("-D__TARGET_ARCH_{arch}"),
            ])
            .build_and_generate(&skel)
            .unwrap_or_else(|e| panic!("building {}: {e:#}", src.display()));
        let summary = summary_line(src, &name);
        writeln!(
            table,
            "    Embedded {{ name: {name:?}, source: {:?}, summary: {summary:?}, bytes: include_bytes!({:?}) }},",
            format!("bpf/{file}"),
            obj.display().to_string()
        )
        .unwrap();
        println!("cargo:rerun-if-changed={}", src.display());
    }
    table.push_str("];\n");
    fs::write(out.join("embedded.rs"), table).expect("write embedded.rs");
    println!("cargo:rerun-if-changed=bpf");
}

/// The comment line `<name>: <summary>` in the source is what `x0bpf objects` shows, so the
/// description lives next to the code it describes.
fn summary_line(src: &PathBuf, name: &str) -> String {
    let text = fs::read_to_string(src).unwrap_or_default();
    let prefix = format!("{name}: ");
    text.lines()
        .map(|l| l.trim().trim_start_matches('*').trim())
        .find_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_string))
        .unwrap_or_default()
}
