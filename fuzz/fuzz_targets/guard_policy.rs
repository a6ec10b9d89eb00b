//! The guard's pure side on hostile input: a policy file (TOML, then validation), prefixes,
//! and the Analyse/Plan engine replaying samples, times and a history decoded from the bytes
//! (the history comes back from a pinned map, so it may hold anything).
#![no_main]
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use x0bpf::obj::guard::{apply, Blocked, Engine, Offender, Policy, Prefix, Sample};

fn u64_at(d: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, x) in b.iter_mut().enumerate() {
        *x = d.get(i + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    if sel & 1 == 0 {
        let text = String::from_utf8_lossy(rest);
        if let Ok(p) = Policy::from_toml(&text) {
            let _ = p.validate();
            for s in 0..70 {
                let _ = p.ttl_for(s);
            }
        }
        for line in text.lines() {
            if let Ok(p) = Prefix::parse(line) {
                assert_eq!(Prefix::from_key(&p.key()), Some(p));
                let _ = Prefix::parse(&p.to_string()).expect("a printed prefix parses");
            }
        }
        return;
    }
    // Rounds of up to 8 sources from 8 addresses, each record 33 bytes.
    let mut policy = Policy {
        window: 1.0 + (sel >> 4) as f64,
        prefix_sources: 2 + (sel as usize >> 6),
        max_blocked: 1 + (sel as usize >> 5),
        forget_after: u64_at(rest, 0),
        ..Policy::default()
    };
    policy.allow.push(Prefix::parse("10.0.0.0/30").unwrap());
    let mut e = Engine::new(policy);
    let mut blocked: Vec<Blocked> = Vec::new();
    let mut offenders: HashMap<Prefix, Offender> = HashMap::new();
    let mut now = u64_at(rest, 8);
    for chunk in rest.get(16..).unwrap_or(&[]).chunks(33 * 8 + 8) {
        now = now.wrapping_add(u64_at(chunk, 0) % 10_000_000_000);
        let samples: Vec<Sample> = chunk
            .get(8..)
            .unwrap_or(&[])
            .chunks(33)
            .map(|r| {
                let mut addr = [0u8; 16];
                addr[10] = 0xff;
                addr[11] = 0xff;
                addr[12] = 10;
                addr[15] = r[0] & 7;
                Sample {
                    addr,
                    packets: u64_at(r, 1),
                    bytes: u64_at(r, 9),
                    syns: u64_at(r, 17),
                }
            })
            .collect();
        if let Some(r) = chunk.get(8..41) {
            let mut pre = [0u8; 16];
            pre[10] = 0xff;
            pre[11] = 0xff;
            pre[12] = 10;
            offenders.insert(
                Prefix::host(pre),
                Offender {
                    strikes: u64_at(r, 25) as u32,
                    last_ns: u64_at(r, 3),
                    last_ttl_s: 0,
                },
            );
        }
        let d = e.step(now, &samples, &blocked, &offenders);
        for x in &d {
            assert!(!e.policy.allowed(&x.prefix.addr) || x.action != x0bpf::obj::guard::Action::Block);
        }
        apply(&d, now, &mut blocked, &mut offenders);
        let live = blocked.iter().filter(|b| b.expires_ns > now).count();
        assert!(live <= e.policy.max_blocked, "{live} live entries");
    }
});
