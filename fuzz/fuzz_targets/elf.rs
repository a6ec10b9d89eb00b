//! `elf::parse` on arbitrary bytes: what `x0bpf inspect`, `validate` and `load` read first.
//! The report is serialised too, as `inspect --json` does. The dataflow analysis behind
//! `x0bpf explain` has its own target (`explain`): each input may spend the analysis's whole
//! visit budget, and sharing one target left the parser a few hundred executions a second.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = x0bpf::obj::elf::parse_linked(data, "fuzz") {
        let _ = serde_json::to_string(&parsed.info);
        if let Some(b) = &parsed.btf {
            x0bpf_fuzz::walk_types(b);
        }
        // Linking is the parser's work; analysing the linked code is the other target's.
        let _ = parsed.linked.iter().map(|c| c.insns.len()).sum::<usize>();
    }
});
