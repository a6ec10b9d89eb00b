//! The binary is self-contained: libelf and zlib are linked in (libbpf-sys's `static` feature),
//! so the only shared libraries it may need are glibc's own and libgcc_s. That is what lets it
//! be copied to another host or into a VM image as is (scripts/kernel-matrix.sh does).
use object::elf;
use object::read::elf::{Dyn, FileHeader, SectionHeader};
use object::Endianness;

/// glibc's libraries (some merged into libc.so.6 since 2.34), its loaders, and libgcc_s.
const ALLOWED: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux-riscv64-lp64d.so.1",
    "ld64.so.1",
];

/// The DT_NEEDED entries of an ELF file (empty for a static binary).
fn needed(path: &str) -> Vec<String> {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let header = elf::FileHeader64::<Endianness>::parse(&*data).expect("a 64-bit ELF file");
    let endian = header.endian().unwrap();
    let sections = header.sections(endian, &*data).unwrap();
    let mut out = Vec::new();
    for section in sections.iter() {
        let Some((dyns, link)) = section.dynamic(endian, &*data).unwrap() else {
            continue;
        };
        let strings = sections.strings(endian, &*data, link).unwrap();
        for d in dyns {
            if d.tag32(endian) == Some(elf::DT_NEEDED) {
                let name = d.string(endian, strings).unwrap();
                out.push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    out
}

#[test]
fn binary_needs_only_glibc() {
    let bin = env!("CARGO_BIN_EXE_x0bpf");
    let libs = needed(bin);
    let foreign: Vec<&String> = libs
        .iter()
        .filter(|l| !ALLOWED.contains(&l.as_str()))
        .collect();
    assert!(
        foreign.is_empty(),
        "{bin} needs {foreign:?} beyond glibc (all: {libs:?}): libelf and zlib must be linked statically"
    );
}

#[test]
fn needed_reader_sees_libraries() {
    // The reader itself: a dynamically linked system binary lists libc.
    let ls = ["/bin/ls", "/usr/bin/ls"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("ls");
    assert!(
        needed(ls).iter().any(|l| l == "libc.so.6"),
        "{:?}",
        needed(ls)
    );
}
