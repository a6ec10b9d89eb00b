//! `elf::parse` on arbitrary bytes: what `x0bpf inspect`, `validate` and `load` read first.
//! The report is serialised too, as `inspect --json` does.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = x0bpf::obj::elf::parse(data, "fuzz") {
        let _ = serde_json::to_string(&parsed.info);
        if let Some(b) = &parsed.btf {
            x0bpf_fuzz::walk_types(b);
        }
    }
});
