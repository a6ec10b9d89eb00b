//! ELF sanity: machine, byte order, programs present, maps defined the way libbpf 1.x reads
//! them. The rules themselves are `obj::rules`, shared with `load`.
use super::*;
use crate::obj::rules;

pub(crate) fn check_elf(info: &ObjectInfo) -> Check {
    let d = rules::elf_problems(info)
        .into_iter()
        .map(|p| {
            let detail = Detail::new(Status::Fail, format!("{} ({})", p.message, p.fix));
            match p.subject {
                Some(s) => detail.subject(s),
                None => detail,
            }
        })
        .collect();
    let n = rules::loadable_programs(info);
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
