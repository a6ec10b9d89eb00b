//! `elf::parse` on arbitrary bytes: what `x0bpf inspect`, `validate` and `load` read first.
//! The report is serialised too, as `inspect --json` does, and each program's linked code goes
//! through the analysis behind `x0bpf explain`; so do the raw bytes, decoded as instructions.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = x0bpf::obj::elf::parse_linked(data, "fuzz") {
        let _ = serde_json::to_string(&parsed.info);
        if let Some(b) = &parsed.btf {
            x0bpf_fuzz::walk_types(b);
        }
        for code in &parsed.linked {
            let _ = x0bpf::obj::analysis::analyze(code);
        }
    }
    let raw = x0bpf::obj::analysis::Program {
        insns: x0bpf::obj::insn::decode_all(data, false),
        ..Default::default()
    };
    let _ = x0bpf::obj::analysis::analyze(&raw);
});
