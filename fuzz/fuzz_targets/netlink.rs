//! rtnetlink replies as `x0bpf net`, `attach xdp`/`tc` receive them: a datagram split into
//! messages, errors and extended acks decoded, link (RTM_NEWLINK) and tc filter
//! (RTM_NEWTFILTER) payloads parsed. The request's sequence number and port are taken from
//! the first message so that the fuzzer can reach the per-message handling.
#![no_main]
use libfuzzer_sys::fuzz_target;
use x0bpf::sys::netlink;

fuzz_target!(|data: &[u8]| {
    let word = |o: usize| {
        data.get(o..o + 4)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (seq, port) = (word(8), word(12));
    let mut replies = Vec::new();
    let mut interrupted = false;
    let _ = netlink::parse_datagram(data, seq, port, &mut replies, &mut interrupted);
    for r in &replies {
        let _ = netlink::parse_link(&r.payload);
        let _ = netlink::parse_tc_filter(&r.payload, r.ty & 1 == 0);
    }
});
