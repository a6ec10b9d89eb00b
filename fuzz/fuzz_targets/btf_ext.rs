//! `btf::parse_ext` on arbitrary bytes. Input: one selector byte choosing the fixture object
//! whose `.BTF` (strings, byte order) the `.BTF.ext` refers to, then the `.BTF.ext` bytes.
//! Every CO-RE relocation parsed is described as `inspect` does.
#![no_main]
use libfuzzer_sys::fuzz_target;
use x0bpf::obj::btf;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, ext)) = data.split_first() else {
        return;
    };
    let f = x0bpf_fuzz::fixture(sel);
    if let Ok(ext) = btf::parse_ext(ext, &f.btf) {
        for r in ext.core_relos.iter().flat_map(|s| s.records.iter()) {
            let _ = btf::core_spec_string(&f.btf, r);
        }
    }
});
