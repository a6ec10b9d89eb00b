//! Reads a BPF ELF object without loading it: header, sections, programs (with the helpers and
//! functions they call), maps (BTF-defined, legacy and internal), BTF, CO-RE relocations,
//! license, kernel version and global variables.
//!
//! Input is untrusted: every offset is checked, nothing panics, and a broken BTF section is
//! reported in the result instead of failing the whole read (the ELF part is still useful).
use std::collections::{BTreeMap, BTreeSet};

use object::elf;
use object::read::elf::{ElfFile64, FileHeader, SectionHeader};
use object::{
    Endianness, Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionIndex, SymbolKind,
    SymbolScope,
};
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::btf::{self, Btf, BtfKind};
use crate::obj::names::{helper_name, map_type_name, prog_type_by_section};

pub const EM_BPF: u16 = 247;
const INSN_SIZE: usize = 8;
const BPF_JMP_CALL: u8 = 0x85;
const BPF_LD_IMM64: u8 = 0x18;
const BPF_PSEUDO_CALL: u8 = 1;
const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct ObjectInfo {
    pub source: String,
    pub size: u64,
    pub elf: ElfHeaderInfo,
    pub sections: Vec<SectionInfo>,
    pub programs: Vec<ProgramInfo>,
    pub maps: Vec<MapInfo>,
    pub btf: BtfInfo,
    pub license: Option<String>,
    pub kernel_version: Option<KernelVersion>,
    pub globals: Vec<GlobalVar>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElfHeaderInfo {
    pub class: &'static str,
    pub endianness: &'static str,
    /// Whether the object's byte order matches this machine: only then can it be loaded here.
    pub native_endian: bool,
    pub machine: &'static str,
    pub machine_number: u16,
    pub elf_type: &'static str,
    pub flags: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionInfo {
    pub index: usize,
    pub name: String,
    pub kind: String,
    pub size: u64,
    pub flags: Vec<&'static str>,
    /// What the section means to a BPF loader: program, maps, btf, license, …
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgramInfo {
    pub name: String,
    pub section: String,
    /// As libbpf infers it from the section name; None when libbpf does not know the name.
    pub prog_type: Option<String>,
    pub expected_attach_type: Option<String>,
    pub instructions: u64,
    /// Helpers called by the program or any function it calls, by name.
    pub helpers: Vec<String>,
    /// Kernel functions (kfuncs) called.
    pub kfuncs: Vec<String>,
    /// BPF-to-BPF calls: functions this program calls (directly or indirectly).
    pub calls: Vec<String>,
    /// Maps (and internal maps such as .rodata) the program references.
    pub maps: Vec<String>,
    pub func_info: bool,
    pub line_info: u64,
    pub core_relocations: u64,
    /// Whether libbpf treats the symbol as a loadable program (static functions are subprograms).
    pub global: bool,
    /// Instructions the kernel is given: the program and every function it reaches, as
    /// libbpf appends them (the kernel's limit, BPF_COMPLEXITY_LIMIT_INSNS, is on this).
    #[serde(skip)]
    pub linked_instructions: u64,
    #[serde(skip)]
    pub calls_helper_ids: Vec<(u32, String)>,
    #[serde(skip)]
    pub section_index: usize,
    #[serde(skip)]
    pub start_insn: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapInfo {
    pub name: String,
    /// "btf" (`.maps`), "legacy" (`maps` section, struct bpf_map_def / iproute2 bpf_elf_map),
    /// or "internal" (global data sections libbpf turns into array maps).
    pub definition: &'static str,
    pub map_type: String,
    pub map_type_number: u32,
    pub key_size: Option<u32>,
    pub value_size: Option<u32>,
    pub key_type: Option<String>,
    pub value_type: Option<String>,
    pub max_entries: Option<u32>,
    pub flags: u32,
    pub pinning: &'static str,
    pub section: String,
    /// BTF type ids of key and value (BTF-defined maps), for typed descriptions.
    #[serde(skip)]
    pub key_type_id: Option<u32>,
    #[serde(skip)]
    pub value_type_id: Option<u32>,
}

impl MapInfo {
    /// A `.maps` entry before its BTF attributes are read.
    fn btf_defined(name: &str) -> MapInfo {
        MapInfo {
            name: name.to_string(),
            definition: "btf",
            map_type: String::new(),
            map_type_number: 0,
            key_size: None,
            value_size: None,
            key_type: None,
            value_type: None,
            max_entries: None,
            flags: 0,
            pinning: "none",
            section: ".maps".into(),
            key_type_id: None,
            value_type_id: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct BtfInfo {
    pub present: bool,
    pub ext_present: bool,
    pub types: usize,
    pub endianness: Option<&'static str>,
    pub func_info: u64,
    pub line_info: u64,
    pub core_relocations: Vec<CoreRelocInfo>,
    /// Why .BTF or .BTF.ext could not be parsed, if it could not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoreRelocInfo {
    pub section: String,
    /// The program or subprogram containing the instruction, when known.
    pub function: Option<String>,
    pub insn: u32,
    pub kind: String,
    pub type_name: String,
    pub access_string: String,
    pub access: String,
    #[serde(skip)]
    pub relo: btf::CoreRelo,
}

#[derive(Debug, Clone, Serialize)]
pub struct KernelVersion {
    pub code: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GlobalVar {
    pub name: String,
    pub section: String,
    pub offset: u64,
    pub size: u64,
    pub type_name: Option<String>,
    /// Whether user space can set it before load (const volatile in .rodata).
    pub read_only: bool,
    /// BTF type id of the variable's type, for typed `--set`.
    #[serde(skip)]
    pub type_id: Option<u32>,
}

/// The parsed object plus the pieces later stages (validate, load) need but the report hides.
pub struct ParsedObject {
    pub info: ObjectInfo,
    pub btf: Option<Btf>,
    pub btf_ext: Option<btf::BtfExt>,
    /// Per program (same order as `info.programs`): its code linked as libbpf loads it (the
    /// program, then every function it reaches), map references as indexes into `info.maps`.
    /// Empty unless read with [`parse_linked`].
    pub linked: Vec<crate::obj::analysis::Program>,
}

fn invalid(msg: impl Into<String>) -> X0Error {
    X0Error::new(ErrorKind::InvalidObject, msg)
}

/// Check the ELF identification by hand first: the messages for the common mistakes (not ELF,
/// 32-bit, wrong machine) must be precise, and `object`'s are generic.
fn check_ident(data: &[u8]) -> Result<(Endianness, u16), X0Error> {
    if data.is_empty() {
        return Err(invalid("empty file, not a BPF ELF object").hint(COMPILE_HINT));
    }
    if data.len() < 4 || &data[..4] != b"\x7fELF" {
        let shown: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
        return Err(invalid(format!(
            "not an ELF file (starts with {}; ELF starts with 7f 45 4c 46)",
            shown.join(" ")
        ))
        .hint(COMPILE_HINT));
    }
    if data.len() < 64 {
        return Err(invalid(format!(
            "truncated ELF file: {} bytes, shorter than the 64-byte ELF64 header",
            data.len()
        ))
        .hint("the file was cut short: rebuild or re-copy it"));
    }
    match data[4] {
        elf::ELFCLASS64 => {}
        elf::ELFCLASS32 => {
            return Err(invalid(
                "32-bit ELF file: BPF objects are 64-bit ELF (is this a host binary?)",
            )
            .hint(COMPILE_HINT))
        }
        c => return Err(invalid(format!("ELF file with unknown class {c}"))),
    }
    let endian = match data[5] {
        elf::ELFDATA2LSB => Endianness::Little,
        elf::ELFDATA2MSB => Endianness::Big,
        d => return Err(invalid(format!("ELF file with unknown byte order {d}"))),
    };
    let raw = [data[18], data[19]];
    let machine = match endian {
        Endianness::Little => u16::from_le_bytes(raw),
        Endianness::Big => u16::from_be_bytes(raw),
    };
    if machine != EM_BPF {
        return Err(invalid(format!(
            "ELF file for {} (e_machine {machine}), not for BPF (e_machine 247)",
            machine_name(machine)
        ))
        .hint(COMPILE_HINT));
    }
    Ok((endian, machine))
}

const COMPILE_HINT: &str =
    "pass a BPF object, e.g. built with `clang -target bpf -g -O2 -c prog.bpf.c -o prog.bpf.o`";

fn machine_name(m: u16) -> &'static str {
    match m {
        0 => "no machine",
        3 => "x86 (i386)",
        8 => "MIPS",
        20 => "PowerPC",
        21 => "PowerPC64",
        22 => "s390",
        40 => "ARM",
        62 => "x86-64",
        183 => "AArch64",
        243 => "RISC-V",
        247 => "BPF",
        258 => "LoongArch",
        _ => "another architecture",
    }
}

#[derive(Clone, Copy)]
struct Insn {
    code: u8,
    src: u8,
    imm: i32,
}

fn decode(bytes: &[u8], idx: usize, big: bool) -> Option<Insn> {
    let b = bytes.get(idx * INSN_SIZE..idx * INSN_SIZE + INSN_SIZE)?;
    // The register nibbles swap places in big-endian BPF: src is the low nibble there.
    let src = if big { b[1] & 0xf } else { b[1] >> 4 };
    let imm = if big {
        i32::from_be_bytes([b[4], b[5], b[6], b[7]])
    } else {
        i32::from_le_bytes([b[4], b[5], b[6], b[7]])
    };
    Some(Insn {
        code: b[0],
        src,
        imm,
    })
}

struct Func {
    name: String,
    section: usize,
    start: u64, // instruction index within the section
    len: u64,
    global: bool,
}

struct Sym {
    name: String,
    section: Option<usize>,
    value: u64,
    size: u64,
    kind: SymbolKind,
    global: bool,
}

pub fn parse(data: &[u8], source: &str) -> Result<ParsedObject, X0Error> {
    parse_with(data, source, false)
}

/// [`parse`], plus each program's code linked for the analysis (`ParsedObject::linked`), which
/// only `explain` needs: linking copies every reached subprogram into every program.
pub fn parse_linked(data: &[u8], source: &str) -> Result<ParsedObject, X0Error> {
    parse_with(data, source, true)
}

fn parse_with(data: &[u8], source: &str, link: bool) -> Result<ParsedObject, X0Error> {
    // The ELF reader maps headers in place and needs 8-byte alignment, which embedded
    // (include_bytes!) data does not promise: copy into an aligned buffer when needed.
    if data.as_ptr() as usize % 8 != 0 {
        let mut words = vec![0u64; data.len().div_ceil(8)];
        // SAFETY: the u64 buffer has at least data.len() bytes; u8 has no alignment needs.
        let aligned =
            unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr() as *mut u8, data.len()) };
        aligned.copy_from_slice(data);
        return parse_aligned(aligned, source, link);
    }
    parse_aligned(data, source, link)
}

fn parse_aligned(data: &[u8], source: &str, link: bool) -> Result<ParsedObject, X0Error> {
    let (endian, machine) = check_ident(data)?;
    let file = ElfFile64::<Endianness>::parse(data).map_err(|e| {
        invalid(format!("malformed or truncated ELF object: {e}"))
            .hint("the file was cut short or corrupted: rebuild or re-copy it")
    })?;
    let big = endian == Endianness::Big;
    let hdr = file.elf_header();
    let e_type = hdr.e_type(endian);
    let mut warnings = Vec::new();

    let header = ElfHeaderInfo {
        class: "elf64",
        endianness: if big { "big" } else { "little" },
        native_endian: big == cfg!(target_endian = "big"),
        machine: "bpf",
        machine_number: machine,
        elf_type: match e_type {
            elf::ET_REL => "relocatable",
            elf::ET_EXEC => "executable",
            elf::ET_DYN => "shared",
            _ => "other",
        },
        flags: hdr.e_flags(endian),
    };
    if e_type != elf::ET_REL {
        warnings.push(
            "not a relocatable object (ET_REL): libbpf only loads relocatable BPF objects".into(),
        );
    }

    // Sections, with their data read once.
    let mut names: Vec<String> = Vec::new();
    let mut sec_data: Vec<&[u8]> = Vec::new();
    let mut sec_exec: Vec<bool> = Vec::new();
    let mut sections = Vec::new();
    for s in file.sections() {
        let idx = s.index().0;
        while names.len() < idx {
            names.push(String::new());
            sec_data.push(&[]);
            sec_exec.push(false);
        }
        let name = s.name().unwrap_or("<bad name>").to_string();
        let sh = s.elf_section_header();
        let sh_type = sh.sh_type(endian);
        let sh_flags = sh.sh_flags(endian);
        let d = if sh_type == elf::SHT_NOBITS {
            &[][..]
        } else {
            match s.data() {
                Ok(d) => d,
                Err(_) => {
                    return Err(invalid(format!(
                        "section {name} lies outside the file (truncated object?)"
                    ))
                    .hint("the file was cut short or corrupted: rebuild or re-copy it"))
                }
            }
        };
        let exec = sh_flags & u64::from(elf::SHF_EXECINSTR) != 0 && sh_type == elf::SHT_PROGBITS;
        let role = section_role(&name, sh_type, exec);
        let mut flags = Vec::new();
        if sh_flags & u64::from(elf::SHF_ALLOC) != 0 {
            flags.push("alloc");
        }
        if sh_flags & u64::from(elf::SHF_WRITE) != 0 {
            flags.push("write");
        }
        if sh_flags & u64::from(elf::SHF_EXECINSTR) != 0 {
            flags.push("exec");
        }
        sections.push(SectionInfo {
            index: idx,
            name: name.clone(),
            kind: sh_type_name(sh_type).to_string(),
            size: sh.sh_size(endian),
            flags,
            role,
        });
        names.push(name);
        sec_data.push(d);
        sec_exec.push(exec);
    }
    let find_sec = |n: &str| names.iter().position(|x| x == n);

    // Symbols.
    let mut syms: Vec<Sym> = Vec::new();
    let mut sym_by_index: BTreeMap<usize, usize> = BTreeMap::new();
    for s in file.symbols() {
        let section = s.section_index().map(|i| i.0);
        sym_by_index.insert(s.index().0, syms.len());
        syms.push(Sym {
            name: s.name().unwrap_or("").to_string(),
            section,
            value: s.address(),
            size: s.size(),
            kind: s.kind(),
            global: matches!(s.scope(), SymbolScope::Dynamic | SymbolScope::Linkage),
        });
    }

    // License and kernel version.
    let license = find_sec("license").map(|i| {
        let d = sec_data[i];
        let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
        String::from_utf8_lossy(&d[..end]).into_owned()
    });
    let kernel_version = find_sec("version").and_then(|i| {
        let d = sec_data[i];
        let raw: [u8; 4] = d.get(..4)?.try_into().ok()?;
        let code = if big {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        };
        Some(KernelVersion {
            code,
            text: format!("{}.{}.{}", code >> 16, (code >> 8) & 0xff, code & 0xff),
        })
    });

    // BTF.
    let mut btf_info = BtfInfo::default();
    let mut btf_obj = None;
    let mut btf_ext = None;
    if let Some(i) = find_sec(".BTF") {
        btf_info.present = true;
        match Btf::parse(sec_data[i]) {
            Ok(b) => {
                btf_info.types = b.len().saturating_sub(1);
                btf_info.endianness = Some(match b.endian {
                    btf::Endian::Little => "little",
                    btf::Endian::Big => "big",
                });
                if let Some(j) = find_sec(".BTF.ext") {
                    btf_info.ext_present = true;
                    match btf::parse_ext(sec_data[j], &b) {
                        Ok(x) => btf_ext = Some(x),
                        Err(e) => btf_info.error = Some(format!(".BTF.ext: {e}")),
                    }
                }
                btf_obj = Some(b);
            }
            Err(e) => btf_info.error = Some(format!(".BTF: {e}")),
        }
    } else if find_sec(".BTF.ext").is_some() {
        btf_info.ext_present = true;
        btf_info.error = Some(".BTF.ext present without .BTF".into());
    }

    // Functions: every FUNC symbol in an executable section. Old compilers emitted sections
    // without FUNC symbols; then the whole section is one program named after the section.
    let mut funcs: Vec<Func> = Vec::new();
    for (si, exec) in sec_exec.iter().enumerate() {
        if !exec {
            continue;
        }
        let total = (sec_data[si].len() / INSN_SIZE) as u64;
        let mut in_sec: Vec<&Sym> = syms
            .iter()
            .filter(|s| s.section == Some(si) && s.kind == SymbolKind::Text)
            .collect();
        in_sec.sort_by_key(|s| s.value);
        if in_sec.is_empty() {
            if names[si] != ".text" && total > 0 {
                funcs.push(Func {
                    name: names[si].replace(['/', '.'], "_"),
                    section: si,
                    start: 0,
                    len: total,
                    global: true,
                });
            }
            continue;
        }
        for (k, s) in in_sec.iter().enumerate() {
            let start = s.value / INSN_SIZE as u64;
            let len = if s.size > 0 {
                s.size / INSN_SIZE as u64
            } else {
                let next = in_sec
                    .get(k + 1)
                    .map(|n| n.value / INSN_SIZE as u64)
                    .unwrap_or(total);
                next.saturating_sub(start)
            };
            funcs.push(Func {
                name: s.name.clone(),
                section: si,
                start,
                len: len.min(total.saturating_sub(start)),
                global: s.global,
            });
        }
    }
    // Functions by (section, start): objects with tens of thousands of functions and
    // relocations made a linear search per relocation quadratic. Overlapping symbols (hostile
    // objects) are looked for among the few closest starts only.
    let by_start: BTreeMap<(usize, u64), usize> = funcs
        .iter()
        .enumerate()
        .rev()
        .map(|(i, f)| ((f.section, f.start), i))
        .collect();
    let func_at = |sec: usize, insn: u64| {
        by_start
            .range((sec, 0)..=(sec, insn))
            .rev()
            .take(8)
            .map(|(_, &i)| i)
            .find(|&i| {
                let f = &funcs[i];
                insn < f.start.saturating_add(f.len.max(1))
            })
    };

    // Relocations per executable section, keyed by instruction index.
    let map_sections: BTreeSet<usize> = [".maps", "maps"]
        .iter()
        .filter_map(|n| find_sec(n))
        .collect();
    let mut relocs: BTreeMap<(usize, u64), usize> = BTreeMap::new(); // -> symbol slot
    for s in file.sections() {
        let target = match s.elf_section_header().sh_type(endian) {
            elf::SHT_REL | elf::SHT_RELA => s.elf_section_header().sh_info(endian) as usize,
            _ => continue,
        };
        if !sec_exec.get(target).copied().unwrap_or(false) {
            continue;
        }
        if let Ok(ts) = file.section_by_index(SectionIndex(target)) {
            for (off, r) in ts.relocations() {
                if let RelocationTarget::Symbol(si) = r.target() {
                    if let Some(&slot) = sym_by_index.get(&si.0) {
                        relocs.insert((target, off / INSN_SIZE as u64), slot);
                    }
                }
            }
        }
    }

    // Walk every function's instructions once: direct helpers, kfuncs, callees, maps.
    struct Direct {
        helpers: BTreeSet<u32>,
        kfuncs: BTreeSet<String>,
        callees: BTreeSet<usize>,
        maps: BTreeSet<String>,
    }
    let mut direct: Vec<Direct> = Vec::with_capacity(funcs.len());
    for f in &funcs {
        let code = sec_data[f.section];
        let mut d = Direct {
            helpers: BTreeSet::new(),
            kfuncs: BTreeSet::new(),
            callees: BTreeSet::new(),
            maps: BTreeSet::new(),
        };
        let mut i = f.start;
        while i < f.start + f.len {
            let Some(ins) = decode(code, i as usize, big) else {
                break;
            };
            let reloc = relocs.get(&(f.section, i)).map(|&s| &syms[s]);
            if ins.code == BPF_JMP_CALL {
                match ins.src {
                    0 => {
                        d.helpers.insert(ins.imm as u32);
                    }
                    BPF_PSEUDO_CALL => {
                        // A relocation names the callee's section (or the callee); without one
                        // the call is within this section, relative to the next instruction.
                        let (sec, base) = match reloc {
                            Some(r) if r.kind == SymbolKind::Text => {
                                (r.section.unwrap_or(f.section), r.value / INSN_SIZE as u64)
                            }
                            Some(r) => (
                                r.section.unwrap_or(f.section),
                                (r.value / INSN_SIZE as u64)
                                    .wrapping_add((i64::from(ins.imm) + 1) as u64),
                            ),
                            None => (f.section, i.wrapping_add((i64::from(ins.imm) + 1) as u64)),
                        };
                        if let Some(c) = func_at(sec, base) {
                            d.callees.insert(c);
                        }
                    }
                    BPF_PSEUDO_KFUNC_CALL => {
                        if let Some(r) = reloc {
                            d.kfuncs.insert(r.name.clone());
                        }
                    }
                    _ => {}
                }
            } else if ins.code == BPF_LD_IMM64 {
                if let Some(r) = reloc {
                    if let Some(sec) = r.section {
                        if map_sections.contains(&sec) {
                            d.maps.insert(r.name.clone());
                        } else if let Some(n) = names.get(sec).filter(|n| is_data_section(n)) {
                            d.maps.insert(n.clone());
                        }
                    }
                }
                i += 1; // ld_imm64 spans two slots
            }
            i += 1;
        }
        direct.push(d);
    }

    // Per-section BTF.ext records, to count func/line info and CO-RE relocations per function.
    let mut core_relocations = Vec::new();
    let mut line_count: BTreeMap<usize, u64> = BTreeMap::new();
    let mut func_info_of: BTreeSet<usize> = BTreeSet::new();
    let mut core_count: BTreeMap<usize, u64> = BTreeMap::new();
    if let (Some(b), Some(x)) = (&btf_obj, &btf_ext) {
        for sec in &x.func_info {
            if let Some(si) = find_sec(&sec.sec_name) {
                for r in &sec.records {
                    if let Some(fi) = func_at(si, u64::from(r.insn_off)) {
                        func_info_of.insert(fi);
                    }
                }
            }
            btf_info.func_info += sec.records.len() as u64;
        }
        for sec in &x.line_info {
            if let Some(si) = find_sec(&sec.sec_name) {
                for r in &sec.records {
                    if let Some(fi) = func_at(si, u64::from(r.insn_off)) {
                        *line_count.entry(fi).or_default() += 1;
                    }
                }
            }
            btf_info.line_info += sec.records.len() as u64;
        }
        for sec in &x.core_relos {
            let si = find_sec(&sec.sec_name);
            for r in &sec.records {
                let fi = si.and_then(|si| func_at(si, u64::from(r.insn_off)));
                if let Some(fi) = fi {
                    *core_count.entry(fi).or_default() += 1;
                }
                core_relocations.push(CoreRelocInfo {
                    section: sec.sec_name.clone(),
                    function: fi.map(|fi| funcs[fi].name.clone()),
                    insn: r.insn_off,
                    kind: r.kind.as_str().to_string(),
                    type_name: b.type_name(r.type_id),
                    access_string: r.access_str.clone(),
                    access: btf::core_spec_string(b, r),
                    relo: r.clone(),
                });
            }
        }
    }
    btf_info.core_relocations = core_relocations;

    // Programs: functions outside .text. Their helpers/calls/maps include those of every
    // function they reach, because that is what the kernel sees after libbpf links them.
    let text = find_sec(".text");
    let mut programs = Vec::new();
    for (fi, f) in funcs.iter().enumerate() {
        if Some(f.section) == text {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack = vec![fi];
        let (mut hs, mut ks, mut ms) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        while let Some(c) = stack.pop() {
            if !seen.insert(c) {
                continue;
            }
            hs.extend(direct[c].helpers.iter().copied());
            ks.extend(direct[c].kfuncs.iter().cloned());
            ms.extend(direct[c].maps.iter().cloned());
            stack.extend(direct[c].callees.iter().copied());
        }
        let linked_instructions = seen.iter().map(|&c| funcs[c].len).sum();
        seen.remove(&fi);
        let calls: Vec<String> = seen.iter().map(|&c| funcs[c].name.clone()).collect();
        let helper_ids: Vec<(u32, String)> = hs.iter().map(|&id| (id, helper_name(id))).collect();
        let (pt, at) = prog_type_by_section(&names[f.section]);
        programs.push(ProgramInfo {
            name: f.name.clone(),
            section: names[f.section].clone(),
            prog_type: pt,
            expected_attach_type: at,
            instructions: f.len,
            helpers: helper_ids.iter().map(|(_, n)| n.clone()).collect(),
            kfuncs: ks.into_iter().collect(),
            calls,
            maps: ms.into_iter().collect(),
            func_info: func_info_of.contains(&fi),
            line_info: line_count.get(&fi).copied().unwrap_or(0),
            core_relocations: core_count.get(&fi).copied().unwrap_or(0),
            global: f.global,
            linked_instructions,
            calls_helper_ids: helper_ids,
            section_index: f.section,
            start_insn: f.start,
        });
    }
    if programs.is_empty() {
        warnings.push("no programs found: no executable section other than .text".into());
    }

    // Maps.
    let mut maps = Vec::new();
    if let Some(si) = find_sec(".maps") {
        let mut in_sec: Vec<&Sym> = syms
            .iter()
            .filter(|s| s.section == Some(si) && s.kind == SymbolKind::Data)
            .collect();
        in_sec.sort_by_key(|s| s.value);
        for s in in_sec {
            match btf_obj.as_ref().and_then(|b| btf_map_def(b, &s.name)) {
                Some(m) => maps.push(m),
                None => {
                    warnings.push(format!(
                        "map {} in .maps has no BTF definition (libbpf needs .BTF for .maps)",
                        s.name
                    ));
                    maps.push(MapInfo {
                        map_type: "unknown".into(),
                        ..MapInfo::btf_defined(&s.name)
                    })
                }
            }
        }
    }
    if let Some(si) = find_sec("maps") {
        maps.extend(legacy_maps(&syms, si, sec_data[si], big, &mut warnings));
    }
    for (si, n) in names.iter().enumerate() {
        if is_data_section(n) {
            let size = sections.iter().find(|s| s.index == si).map(|s| s.size);
            maps.push(MapInfo {
                name: n.clone(),
                definition: "internal",
                map_type: map_type_name(libbpf_sys::BPF_MAP_TYPE_ARRAY),
                map_type_number: libbpf_sys::BPF_MAP_TYPE_ARRAY,
                key_size: Some(4),
                value_size: size.map(|s| s as u32),
                key_type: None,
                value_type: None,
                max_entries: Some(1),
                flags: if n.starts_with(".rodata") {
                    libbpf_sys::BPF_F_RDONLY_PROG
                } else {
                    0
                },
                pinning: "none",
                section: n.clone(),
                key_type_id: None,
                value_type_id: None,
            });
        }
    }

    // Linked code per program, for the analysis (`explain`): as libbpf's bpf_object__reloc_code
    // does, append every function reached through calls or function addresses after the
    // program and rewrite those references as offsets relative to the next instruction.
    let map_index = |r: &Sym| -> Option<crate::obj::analysis::Ref> {
        use crate::obj::analysis::Ref;
        let sec = r.section?;
        let n = names.get(sec)?;
        if map_sections.contains(&sec) {
            let i = maps.iter().position(|m| m.name == r.name)?;
            return Some(Ref::Map(i as u32));
        }
        if is_data_section(n) {
            let i = maps
                .iter()
                .position(|m| m.definition == "internal" && &m.name == n)?;
            return Some(Ref::MapValue(i as u32));
        }
        None
    };
    let target_of = |f: &Func, i: u64, ins: &crate::obj::insn::Insn| -> Option<usize> {
        let reloc = relocs.get(&(f.section, i)).map(|&s| &syms[s]);
        let (sec, at) = if ins.is_call() {
            match reloc {
                Some(r) => (
                    r.section?,
                    (r.value / INSN_SIZE as u64).wrapping_add((i64::from(ins.imm) + 1) as u64),
                ),
                None => (f.section, i.wrapping_add((i64::from(ins.imm) + 1) as u64)),
            }
        } else {
            let r = reloc?;
            let sec = r.section?;
            if !sec_exec.get(sec).copied().unwrap_or(false) {
                return None;
            }
            (
                sec,
                r.value.wrapping_add(i64::from(ins.imm) as u64) / INSN_SIZE as u64,
            )
        };
        let callee = func_at(sec, at)?;
        Some(callee)
    };
    let mut linked = Vec::new();
    for (fi, f) in funcs.iter().enumerate() {
        if !link || Some(f.section) == text {
            continue;
        }
        let mut prog = link_one(
            fi, &funcs, &sec_data, big, &relocs, &syms, &target_of, &map_index,
        );
        // `__exception_cb(f)` is a BTF decl tag `exception_callback:f` on the program: a throw
        // then returns what f returns, not the cookie.
        prog.exception_callback = btf_obj.as_ref().is_some_and(|b| {
            b.types().any(|t| {
                t.kind == crate::obj::btf::BtfKind::DeclTag
                    && t.name.starts_with("exception_callback:")
                    && b.get(t.type_id).is_some_and(|target| {
                        target.kind == crate::obj::btf::BtfKind::Func && target.name == f.name
                    })
            })
        });
        linked.push(prog);
    }

    // Global variables: OBJECT symbols in data sections, typed from BTF's DATASEC when present.
    let mut globals = Vec::new();
    for s in &syms {
        let Some(si) = s.section else { continue };
        let Some(sec) = names.get(si) else { continue };
        if !is_data_section(sec) || s.kind != SymbolKind::Data || s.name.is_empty() {
            continue;
        }
        let type_id = btf_obj.as_ref().and_then(|b| datasec_var(b, sec, &s.name));
        let type_name = btf_obj.as_ref().zip(type_id).map(|(b, t)| b.type_name(t));
        globals.push(GlobalVar {
            name: s.name.clone(),
            section: sec.clone(),
            offset: s.value,
            size: s.size,
            type_name,
            read_only: sec.starts_with(".rodata"),
            type_id,
        });
    }
    globals.sort_by(|a, b| (&a.section, a.offset).cmp(&(&b.section, b.offset)));

    if license.is_none() {
        warnings.push("no license section: the kernel treats the program as non-GPL".into());
    }
    if !header.native_endian {
        warnings.push(format!(
            "{}-endian object: it can be inspected here but not loaded on this machine",
            header.endianness
        ));
    }

    Ok(ParsedObject {
        info: ObjectInfo {
            source: source.to_string(),
            size: data.len() as u64,
            elf: header,
            sections,
            programs,
            maps,
            btf: btf_info,
            license,
            kernel_version,
            globals,
            warnings,
        },
        btf: btf_obj,
        btf_ext,
        linked,
    })
}

#[allow(clippy::too_many_arguments)]
fn link_one(
    fi: usize,
    funcs: &[Func],
    sec_data: &[&[u8]],
    big: bool,
    relocs: &BTreeMap<(usize, u64), usize>,
    syms: &[Sym],
    target_of: &dyn Fn(&Func, u64, &crate::obj::insn::Insn) -> Option<usize>,
    map_index: &dyn Fn(&Sym) -> Option<crate::obj::analysis::Ref>,
) -> crate::obj::analysis::Program {
    use crate::obj::insn::{decode_all, PSEUDO_CALL, PSEUDO_FUNC, PSEUDO_KFUNC_CALL};
    // A call `src` no kernel defines: the analysis says it cannot resolve it.
    const UNRESOLVED_CALL: u8 = 0xf;
    let code_of = |f: &Func| {
        let d = sec_data.get(f.section).copied().unwrap_or(&[]);
        let start = (f.start as usize).saturating_mul(INSN_SIZE).min(d.len());
        let end = ((f.start + f.len) as usize)
            .saturating_mul(INSN_SIZE)
            .min(d.len());
        decode_all(&d[start..end], big)
    };
    // Functions in load order: the program, then callees as first reached.
    let mut order = vec![fi];
    let mut queued = vec![false; funcs.len()];
    if let Some(q) = queued.get_mut(fi) {
        *q = true;
    }
    let mut k = 0;
    while k < order.len() {
        let f = &funcs[order[k]];
        for (j, ins) in code_of(f).iter().enumerate() {
            let refers = (ins.is_call() && ins.src == PSEUDO_CALL) || ins.is_ld_imm64();
            if !refers {
                continue;
            }
            if let Some(c) = target_of(f, f.start + j as u64, ins) {
                if !queued[c] {
                    queued[c] = true;
                    order.push(c);
                }
            }
        }
        k += 1;
    }
    let mut base = BTreeMap::new();
    let mut pos = 0usize;
    for &f in &order {
        base.insert(f, pos);
        pos += code_of(&funcs[f]).len();
    }
    let mut prog = crate::obj::analysis::Program::default();
    for &fidx in &order {
        let f = &funcs[fidx];
        let b = base[&fidx];
        if fidx != fi {
            prog.entries.push(b);
        }
        for (j, mut ins) in code_of(f).into_iter().enumerate() {
            let here = b + j;
            let at = f.start + j as u64;
            let is_call = ins.is_call() && ins.src == PSEUDO_CALL;
            if is_call || ins.is_ld_imm64() {
                if let Some(c) = target_of(f, at, &ins) {
                    let cf = &funcs[c];
                    // Where inside the callee the reference lands (a function start, normally).
                    let inner = if is_call {
                        let r = relocs.get(&(f.section, at)).map(|&s| &syms[s]);
                        match r {
                            Some(r) => (r.value / INSN_SIZE as u64)
                                .wrapping_add((i64::from(ins.imm) + 1) as u64),
                            None => at.wrapping_add((i64::from(ins.imm) + 1) as u64),
                        }
                    } else {
                        let r = relocs.get(&(f.section, at)).map(|&s| &syms[s]);
                        r.map(|r| {
                            r.value.wrapping_add(i64::from(ins.imm) as u64) / INSN_SIZE as u64
                        })
                        .unwrap_or(cf.start)
                    }
                    .saturating_sub(cf.start);
                    let to = base[&c] as i64 + inner as i64;
                    ins.imm = (to - here as i64 - 1) as i32;
                    if !is_call {
                        ins.src = PSEUDO_FUNC;
                    }
                } else if is_call {
                    // Not a function of this object: an extern (a kfunc, as libbpf resolves
                    // it) or nothing at all. Its offset means nothing in the linked code.
                    let r = relocs.get(&(f.section, at)).map(|&s| &syms[s]);
                    if r.is_some_and(|r| r.section.is_none() && r.name == "bpf_throw") {
                        prog.noreturn.insert(here);
                    }
                    ins.src = if r.is_some_and(|r| r.section.is_none()) {
                        PSEUDO_KFUNC_CALL
                    } else {
                        UNRESOLVED_CALL
                    };
                } else if ins.is_ld_imm64() {
                    if let Some(r) = relocs.get(&(f.section, at)).map(|&s| &syms[s]) {
                        if let Some(m) = map_index(r) {
                            prog.refs.insert(here, m);
                        }
                    }
                }
            }
            prog.insns.push(ins);
        }
    }
    prog
}

fn is_data_section(n: &str) -> bool {
    n == ".data"
        || n == ".bss"
        || n == ".kconfig"
        || n.starts_with(".rodata")
        || n.starts_with(".data.")
        || n.starts_with(".bss.")
}

fn section_role(name: &str, sh_type: u32, exec: bool) -> &'static str {
    match name {
        ".text" if exec => "subprograms",
        _ if exec => "program",
        ".maps" => "maps",
        "maps" => "legacy_maps",
        ".BTF" => "btf",
        ".BTF.ext" => "btf_ext",
        "license" => "license",
        "version" => "version",
        ".kconfig" => "kconfig",
        ".ksyms" => "ksyms",
        ".struct_ops" | ".struct_ops.link" => "struct_ops",
        n if n.starts_with(".rodata") => "rodata",
        n if n == ".data" || n.starts_with(".data.") => "data",
        n if n == ".bss" || n.starts_with(".bss.") => "bss",
        _ => match sh_type {
            elf::SHT_REL | elf::SHT_RELA => "relocations",
            elf::SHT_SYMTAB => "symbols",
            elf::SHT_STRTAB => "strings",
            elf::SHT_NULL => "null",
            _ if name.starts_with(".debug") => "debug",
            _ => "other",
        },
    }
}

fn sh_type_name(t: u32) -> &'static str {
    match t {
        elf::SHT_NULL => "null",
        elf::SHT_PROGBITS => "progbits",
        elf::SHT_SYMTAB => "symtab",
        elf::SHT_STRTAB => "strtab",
        elf::SHT_RELA => "rela",
        elf::SHT_NOBITS => "nobits",
        elf::SHT_REL => "rel",
        0x6fff4c03 => "llvm_addrsig",
        _ => "other",
    }
}

/// A BTF-defined map: `struct { __uint(type, …); __type(key, …); … } name SEC(".maps");`.
/// Integer attributes are encoded as `int (*name)[N]`: the array length is the value.
fn btf_map_def(b: &Btf, name: &str) -> Option<MapInfo> {
    let var = datasec_var(b, ".maps", name)?;
    let def = b.get(b.skip_mods_and_typedefs(var))?;
    if def.kind != BtfKind::Struct {
        return None;
    }
    let mut m = MapInfo::btf_defined(name);
    let int_attr = |t: u32| -> Option<u32> {
        let p = b.get(b.skip_mods_and_typedefs(t))?;
        if p.kind != BtfKind::Ptr {
            return None;
        }
        let a = b.get(b.skip_mods_and_typedefs(p.type_id))?;
        a.array.map(|(_, _, n)| n)
    };
    let ptr_target = |t: u32| -> Option<u32> {
        let p = b.get(b.skip_mods_and_typedefs(t))?;
        (p.kind == BtfKind::Ptr).then_some(p.type_id)
    };
    for mem in &def.members {
        match mem.name.as_str() {
            "type" => m.map_type_number = int_attr(mem.type_id).unwrap_or(0),
            "max_entries" => m.max_entries = int_attr(mem.type_id),
            "map_flags" => m.flags = int_attr(mem.type_id).unwrap_or(0),
            "key_size" => m.key_size = int_attr(mem.type_id),
            "value_size" => m.value_size = int_attr(mem.type_id),
            "pinning" => {
                m.pinning = match int_attr(mem.type_id) {
                    Some(1) => "by_name",
                    Some(0) | None => "none",
                    Some(_) => "unknown",
                }
            }
            "key" => {
                if let Some(t) = ptr_target(mem.type_id) {
                    m.key_type = Some(b.type_name(t));
                    m.key_type_id = Some(t);
                    m.key_size = m.key_size.or_else(|| b.resolve_size(t));
                }
            }
            "value" => {
                if let Some(t) = ptr_target(mem.type_id) {
                    m.value_type = Some(b.type_name(t));
                    m.value_type_id = Some(t);
                    m.value_size = m.value_size.or_else(|| b.resolve_size(t));
                }
            }
            _ => {}
        }
    }
    m.map_type = map_type_name(m.map_type_number);
    Some(m)
}

fn datasec_var(b: &Btf, sec: &str, var: &str) -> Option<u32> {
    let ds = b
        .types()
        .find(|t| t.kind == BtfKind::Datasec && t.name == sec)?;
    ds.datasec_vars.iter().find_map(|v| {
        let t = b.get(v.type_id)?;
        (t.kind == BtfKind::Var && t.name == var).then_some(t.type_id)
    })
}

/// Legacy `maps` section: libbpf's struct bpf_map_def (20 bytes) or iproute2's struct
/// bpf_elf_map (36 bytes, with `pinning` at offset 24). Entry size = section size / symbols.
fn legacy_maps(
    syms: &[Sym],
    si: usize,
    data: &[u8],
    big: bool,
    warnings: &mut Vec<String>,
) -> Vec<MapInfo> {
    let mut in_sec: Vec<&Sym> = syms
        .iter()
        .filter(|s| s.section == Some(si) && !s.name.is_empty() && s.kind != SymbolKind::Section)
        .collect();
    in_sec.sort_by_key(|s| s.value);
    if in_sec.is_empty() {
        return Vec::new();
    }
    let entry = data.len() / in_sec.len();
    let rd = |off: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(off..off + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let mut out = Vec::new();
    for s in in_sec {
        let base = s.value as usize;
        if entry < 16 || base.checked_add(16).is_none_or(|e| e > data.len()) {
            warnings.push(format!("legacy map {} has a truncated definition", s.name));
            continue;
        }
        let t = rd(base).unwrap_or(0);
        let iproute2 = entry >= 28;
        out.push(MapInfo {
            name: s.name.clone(),
            definition: "legacy",
            map_type: map_type_name(t),
            map_type_number: t,
            key_size: rd(base + 4),
            value_size: rd(base + 8),
            key_type: None,
            value_type: None,
            max_entries: rd(base + 12),
            flags: if entry >= 20 {
                rd(base + 16).unwrap_or(0)
            } else {
                0
            },
            pinning: if iproute2 {
                match rd(base + 24) {
                    Some(0) | None => "none",
                    Some(1) => "object_ns",
                    Some(2) => "global_ns",
                    Some(_) => "custom",
                }
            } else {
                "none"
            },
            section: "maps".into(),
            key_type_id: None,
            value_type_id: None,
        });
    }
    out
}
