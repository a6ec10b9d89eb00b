//! The dataflow analysis behind `x0bpf explain` on arbitrary instructions: the raw bytes
//! decoded as a program (both byte orders), with every offset a possible function start, as a
//! hostile loaded program or object could present them. Bounded work is the property: the
//! analysis has a visit budget and every input must end within the 10 s limit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the byte order and whether later instructions are also entries.
    let Some((&flags, code)) = data.split_first() else {
        return;
    };
    let insns = x0bpf::obj::insn::decode_all(code, flags & 1 != 0);
    let entries = if flags & 2 != 0 {
        (1..insns.len()).step_by(7).collect()
    } else {
        Vec::new()
    };
    let noreturn = if flags & 4 != 0 {
        (0..insns.len()).filter(|i| i % 5 == 3).collect()
    } else {
        Default::default()
    };
    let p = x0bpf::obj::analysis::Program {
        insns,
        entries,
        noreturn,
        ..Default::default()
    };
    let _ = x0bpf::obj::analysis::analyze(&p);
});
