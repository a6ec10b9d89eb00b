//! CO-RE relocation resolution (`btf::resolve_core_relo`, what `validate` checks against a
//! target kernel's BTF) with hostile input on either side. The first byte chooses the mode
//! (low bit) and a fixture object (the rest):
//!
//! * even: the remaining bytes are a target BTF (a kernel's, as `validate --btf` reads it).
//!   Every CO-RE relocation of the fixture is resolved against it, and, with the fuzzed BTF
//!   as the local side, against the fixture's BTF.
//! * odd: the remaining bytes are relocation records, each `type_id: u32le, kind: u32le,
//!   len: u8, access string [len]`, resolved from the fixture's BTF against every fixture's
//!   BTF (itself included), so hostile access strings and type ids meet real type graphs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use x0bpf::obj::btf::{self, Btf, CoreRelo, CoreReloKind};

/// Enough to cover realistic programs without one input taking seconds.
const MAX_RELOS: usize = 64;

fn relos_from(mut d: &[u8]) -> Vec<CoreRelo> {
    let mut out = Vec::new();
    while out.len() < MAX_RELOS && d.len() >= 9 {
        let word = |o: usize| u32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]]);
        let (type_id, kind) = (word(0), word(4));
        let len = usize::from(d[8]).min(d.len() - 9);
        let access = String::from_utf8_lossy(&d[9..9 + len]).into_owned();
        out.push(CoreRelo {
            insn_off: 0,
            type_id,
            access_str: access,
            kind: CoreReloKind::from_raw(kind),
        });
        d = &d[9 + len..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let f = x0bpf_fuzz::fixture(sel >> 1);
    if sel & 1 == 0 {
        let Ok(target) = Btf::parse(rest) else {
            return;
        };
        for r in &f.relos {
            let _ = btf::resolve_core_relo(&f.btf, r, &target);
            let _ = btf::resolve_core_relo(&target, r, &f.btf);
            let _ = btf::core_spec_string(&target, r);
        }
    } else {
        for r in relos_from(rest) {
            let _ = btf::core_spec_string(&f.btf, &r);
            for t in x0bpf_fuzz::fixtures() {
                let _ = btf::resolve_core_relo(&f.btf, &r, &t.btf);
            }
        }
    }
});
