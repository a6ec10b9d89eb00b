//! Shared fixtures for the fuzz targets: real objects (the embedded ones and test objects,
//! committed under `seeds/elf/`) parsed once, whose BTF, BTF.ext and CO-RE relocations give the
//! fuzzed half of an input something valid to be checked against.
use std::sync::OnceLock;

use x0bpf::obj::btf::{self, Btf, BtfExt, CoreRelo};
use x0bpf::obj::elf::{self, ParsedObject};

/// Objects with BTF and BTF.ext, in a fixed order: a selector byte in an input picks one, so
/// saved inputs keep their meaning.
const OBJECTS: &[(&str, &[u8])] = &[
    (
        "clang-core_rich",
        include_bytes!("../seeds/elf/clang-core_rich.o"),
    ),
    (
        "clang-core_sample",
        include_bytes!("../seeds/elf/clang-core_sample.o"),
    ),
    (
        "clang-core_sample-bpfeb",
        include_bytes!("../seeds/elf/clang-core_sample-bpfeb.o"),
    ),
    (
        "gcc-core_sample",
        include_bytes!("../seeds/elf/gcc-core_sample.o"),
    ),
    (
        "clang-validate_core",
        include_bytes!("../seeds/elf/clang-validate_core.o"),
    ),
    (
        "clang-one_bad_prog",
        include_bytes!("../seeds/elf/clang-one_bad_prog.o"),
    ),
    (
        "embedded-syscall_latency",
        include_bytes!("../seeds/elf/embedded-syscall_latency.o"),
    ),
    (
        "embedded-tc_classifier",
        include_bytes!("../seeds/elf/embedded-tc_classifier.o"),
    ),
    (
        "embedded-xdp_counter",
        include_bytes!("../seeds/elf/embedded-xdp_counter.o"),
    ),
];

pub struct Fixture {
    pub name: &'static str,
    pub parsed: ParsedObject,
    pub btf: Btf,
    pub ext: BtfExt,
    pub relos: Vec<CoreRelo>,
}

/// Every fixture object, parsed (a fixture that does not parse is a broken build: panic).
pub fn fixtures() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        OBJECTS
            .iter()
            .map(|&(name, bytes)| {
                let parsed = elf::parse(bytes, name).expect("fixture object parses");
                let btf = parsed.btf.clone().expect("fixture object has BTF");
                let ext = parsed.btf_ext.clone().expect("fixture object has BTF.ext");
                let relos = ext
                    .core_relos
                    .iter()
                    .flat_map(|s| s.records.iter().cloned())
                    .collect();
                Fixture {
                    name,
                    parsed,
                    btf,
                    ext,
                    relos,
                }
            })
            .collect()
    })
}

/// The fixture chosen by a selector byte.
pub fn fixture(selector: u8) -> &'static Fixture {
    let f = fixtures();
    &f[usize::from(selector) % f.len()]
}

/// Everything that walks a type graph from a type id; must not panic or hang.
pub fn walk_types(b: &Btf) {
    // Bounded so that a huge type count cannot make one input take seconds.
    for t in b.types().take(4096) {
        let _ = b.type_name(t.id);
        let _ = b.resolve_size(t.id);
        let _ = b.skip_mods_and_typedefs(t.id);
        let _ = b.str_at(t.name_off);
        let _ = b.find_by_name(&t.name);
        let _ = btf::essential_name(&t.name);
    }
    // Ids past the end, and id 0, are answered too.
    for id in [0, b.len() as u32, b.len() as u32 + 1, u32::MAX] {
        let _ = b.type_name(id);
        let _ = b.resolve_size(id);
        let _ = b.get(id);
    }
}
