//! What makes an object unloadable before any kernel is asked: the one list of ELF rules that
//! both `validate` (as failed checks) and `load` (as a refusal) use, worded once.
use crate::obj::elf::ObjectInfo;

/// One broken rule: what is wrong, what it concerns, and how to fix it.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The map (or program) the problem is about, when it is about one.
    pub subject: Option<String>,
    pub message: String,
    pub fix: &'static str,
}

fn problem(subject: Option<&str>, message: String, fix: &'static str) -> Problem {
    Problem {
        subject: subject.map(str::to_string),
        message,
        fix,
    }
}

/// Programs libbpf loads: global functions in program sections (static ones are subprograms).
pub fn loadable_programs(info: &ObjectInfo) -> usize {
    info.programs.iter().filter(|p| p.global).count()
}

/// The most instructions the kernel takes in one program from a loader with CAP_BPF
/// (`BPF_COMPLEXITY_LIMIT_INSNS`; `bpf_prog_load` refuses more with E2BIG). Without CAP_BPF
/// the limit is 4096 (`BPF_MAXINSNS`), but x0bpf loads only with CAP_BPF.
pub const MAX_PROG_INSNS: u64 = 1_000_000;

/// Every ELF rule the object breaks, in a stable order.
pub fn elf_problems(info: &ObjectInfo) -> Vec<Problem> {
    let mut v = Vec::new();
    // libbpf finds programs, maps and relocations through the symbol table: it refuses an
    // object without one ("couldn't find symbol table in …, stripped object file?").
    if !info.sections.iter().any(|s| s.kind == "symtab") {
        v.push(problem(
            None,
            "no symbol table (.symtab): libbpf cannot open a stripped object".to_string(),
            "rebuild it, or strip only debug info (`llvm-strip -g`; `--strip-all` removes the symbol table)",
        ));
    }
    if !info.elf.native_endian {
        v.push(problem(
            None,
            format!(
                "{}-endian object: this machine loads only {}-endian BPF",
                info.elf.endianness,
                if cfg!(target_endian = "big") {
                    "big"
                } else {
                    "little"
                }
            ),
            "rebuild with `clang -target bpf` (host byte order) instead of bpfeb/bpfel",
        ));
    }
    if info.elf.elf_type != "relocatable" {
        v.push(problem(
            None,
            format!(
                "{} ELF file: libbpf loads only relocatable objects",
                info.elf.elf_type
            ),
            "compile with `clang -c`",
        ));
    }
    if loadable_programs(info) == 0 {
        v.push(problem(
            None,
            "no programs: no global function in a program section (SEC(\"...\"))".to_string(),
            "put each program in SEC(\"<type>\") as a non-static function",
        ));
    }
    for p in info
        .programs
        .iter()
        .filter(|p| p.global && p.linked_instructions > MAX_PROG_INSNS)
    {
        v.push(problem(
            Some(&p.name),
            format!(
                "program {} has {} instructions (with the functions it calls): the kernel refuses more than {MAX_PROG_INSNS} (E2BIG)",
                p.name, p.linked_instructions
            ),
            "split it (tail calls, bpf_loop) or make loops smaller",
        ));
    }
    for m in info.maps.iter().filter(|m| m.definition == "legacy") {
        v.push(problem(
            Some(&m.name),
            format!(
                "map {} is defined in the legacy `maps` section, which libbpf 1.x refuses",
                m.name
            ),
            "declare maps BTF-style in SEC(\".maps\") and compile with -g",
        ));
    }
    for m in info
        .maps
        .iter()
        .filter(|m| m.definition == "btf" && m.map_type == "unknown" && info.btf.present)
    {
        v.push(problem(
            Some(&m.name),
            format!(
                "map {} in .maps has no BTF definition in .BTF: libbpf cannot create it",
                m.name
            ),
            "compile with -g so the map's type is in .BTF",
        ));
    }
    v
}
