//! ELF sanity: machine, byte order, programs present, maps BTF-defined.
use super::*;

pub(crate) fn check_elf(info: &ObjectInfo) -> Check {
    let mut d = Vec::new();
    if !info.elf.native_endian {
        d.push(Detail::new(
            Status::Fail,
            format!(
                "{}-endian object: this machine loads only {}-endian BPF (rebuild with `clang -target bpf`)",
                info.elf.endianness,
                if cfg!(target_endian = "big") { "big" } else { "little" }
            ),
        ));
    }
    if info.elf.elf_type != "relocatable" {
        d.push(Detail::new(
            Status::Fail,
            format!(
                "{} ELF file: libbpf loads only relocatable objects (`clang -c`)",
                info.elf.elf_type
            ),
        ));
    }
    let n = loadable(info).count();
    if n == 0 {
        d.push(Detail::new(
            Status::Fail,
            "no programs: no global function in a program section (SEC(\"...\"))",
        ));
    }
    for m in info.maps.iter().filter(|m| m.definition == "legacy") {
        d.push(
            Detail::new(
                Status::Fail,
                format!(
                    "map {} is defined in the legacy `maps` section, which libbpf 1.x refuses; declare it in SEC(\".maps\") and compile with -g",
                    m.name
                ),
            )
            .subject(m.name.clone()),
        );
    }
    for m in info
        .maps
        .iter()
        .filter(|m| m.definition == "btf" && m.map_type == "unknown" && info.btf.present)
    {
        d.push(
            Detail::new(
                Status::Fail,
                format!(
                    "map {} in .maps has no BTF definition in .BTF: libbpf cannot create it",
                    m.name
                ),
            )
            .subject(m.name.clone()),
        );
    }
    Check::from_details(
        "elf",
        format!(
            "{} {}-endian relocatable BPF object: {}, {}",
            info.elf.class.to_uppercase(),
            info.elf.endianness,
            plural(n, "program", "programs"),
            plural(info.maps.len(), "map", "maps")
        ),
        d,
    )
}
