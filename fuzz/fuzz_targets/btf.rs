//! `Btf::parse` on arbitrary bytes (a `.BTF` section, `/sys/kernel/btf/vmlinux`, a `--btf`
//! file), then every query that walks the type graph. The same bytes are also parsed as split
//! BTF on top of a fixture object's BTF (how module BTF extends vmlinux).
#![no_main]
use libfuzzer_sys::fuzz_target;
use x0bpf::obj::btf::Btf;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = Btf::parse(data) {
        x0bpf_fuzz::walk_types(&b);
    }
    let base = &x0bpf_fuzz::fixture(data.len() as u8).btf;
    if let Ok(b) = Btf::parse_split(data, base) {
        x0bpf_fuzz::walk_types(&b);
    }
});
