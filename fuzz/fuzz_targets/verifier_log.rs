//! The verifier-log analysis `validate --verify` and `load` run on the kernel's and libbpf's
//! logs: the failing instruction, error and stats (`validate`), the load-log tail and the
//! failing program (`loader`), and the source line the failing instruction maps to, looked up
//! in a fixture object's line info for each of its programs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use x0bpf::validate;
use x0bpf::store::load;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let log = String::from_utf8_lossy(rest);
    let _ = validate::stats(&log);
    let failure = validate::analyze(&log);
    let lines: Vec<String> = log.lines().map(str::to_string).collect();
    let _ = load::verifier_tail(&lines, 6);
    let _ = load::failing_prog(&lines);
    if let Some(insn) = failure.insn {
        let f = x0bpf_fuzz::fixture(sel);
        for p in &f.parsed.info.programs {
            let _ = validate::source_line(&f.parsed, p, insn);
        }
    }
});
