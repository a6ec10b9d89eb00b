//! Test frames for BPF_PROG_TEST_RUN (`x0bpf bench`): Ethernet + IPv4 frames for UDP, TCP and
//! ICMP with correct IPv4 header and L4 checksums (a program that checks them sees a valid
//! packet), and the names of what a packet program returns. Pure bytes: no kernel here.
use serde::Serialize;

use crate::obj::hooks;

/// Source and destination used by every built-in frame (documentation ranges, RFC 5737).
const SRC_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const DST_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
const SRC_IP: [u8; 4] = [192, 0, 2, 1];
const DST_IP: [u8; 4] = [198, 51, 100, 2];
const SPORT: u16 = 40000;
const DPORT: u16 = 8080;
/// Payload bytes after the L4 header: a 64+ byte frame, like a small real packet.
const PAYLOAD: &[u8] = b"x0bpf bench frame payload.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Builtin {
    Udp,
    Tcp,
    Icmp,
}

impl Builtin {
    pub fn parse(s: &str) -> Option<Builtin> {
        match s {
            "udp" => Some(Builtin::Udp),
            "tcp" => Some(Builtin::Tcp),
            "icmp" => Some(Builtin::Icmp),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Udp => "udp",
            Builtin::Tcp => "tcp",
            Builtin::Icmp => "icmp",
        }
    }

    /// The whole Ethernet frame.
    pub fn build(self) -> Vec<u8> {
        let (proto, l4) = match self {
            Builtin::Udp => (17u8, udp()),
            Builtin::Tcp => (6u8, tcp()),
            Builtin::Icmp => (1u8, icmp()),
        };
        let mut f = Vec::with_capacity(14 + 20 + l4.len());
        f.extend_from_slice(&DST_MAC);
        f.extend_from_slice(&SRC_MAC);
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        f.extend_from_slice(&ipv4_header(proto, l4.len()));
        f.extend_from_slice(&l4);
        f
    }
}

/// RFC 1071 one's-complement sum, folded, not yet inverted.
fn sum16(data: &[u8], mut acc: u32) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        acc += (*last as u32) << 8;
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc
}

/// The Internet checksum of `data` (with `acc` from a pseudo-header).
pub fn checksum(data: &[u8], acc: u32) -> u16 {
    !(sum16(data, acc) as u16)
}

fn ipv4_header(proto: u8, l4_len: usize) -> [u8; 20] {
    let total = (20 + l4_len) as u16;
    let mut h = [0u8; 20];
    h[0] = 0x45; // version 4, 5 words
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h[4..6].copy_from_slice(&0x1234u16.to_be_bytes()); // identification
    h[6] = 0x40; // don't fragment
    h[8] = 64; // TTL
    h[9] = proto;
    h[12..16].copy_from_slice(&SRC_IP);
    h[16..20].copy_from_slice(&DST_IP);
    let c = checksum(&h, 0);
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h
}

fn pseudo(proto: u8, len: usize) -> u32 {
    let mut p = Vec::with_capacity(12);
    p.extend_from_slice(&SRC_IP);
    p.extend_from_slice(&DST_IP);
    p.push(0);
    p.push(proto);
    p.extend_from_slice(&(len as u16).to_be_bytes());
    sum16(&p, 0)
}

fn udp() -> Vec<u8> {
    let len = 8 + PAYLOAD.len();
    let mut u = Vec::with_capacity(len);
    u.extend_from_slice(&SPORT.to_be_bytes());
    u.extend_from_slice(&DPORT.to_be_bytes());
    u.extend_from_slice(&(len as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(PAYLOAD);
    let mut c = checksum(&u, pseudo(17, len));
    if c == 0 {
        c = 0xffff; // 0 means "no checksum" in UDP
    }
    u[6..8].copy_from_slice(&c.to_be_bytes());
    u
}

fn tcp() -> Vec<u8> {
    let mut t = Vec::with_capacity(20 + PAYLOAD.len());
    t.extend_from_slice(&SPORT.to_be_bytes());
    t.extend_from_slice(&DPORT.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes()); // seq
    t.extend_from_slice(&0u32.to_be_bytes()); // ack
    t.push(5 << 4); // data offset: 5 words
    t.push(0x02); // SYN
    t.extend_from_slice(&64240u16.to_be_bytes()); // window
    t.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    t.extend_from_slice(PAYLOAD);
    let c = checksum(&t, pseudo(6, t.len()));
    t[16..18].copy_from_slice(&c.to_be_bytes());
    t
}

fn icmp() -> Vec<u8> {
    let mut i = vec![8, 0, 0, 0]; // echo request, code 0, checksum
    i.extend_from_slice(&0x0001u16.to_be_bytes()); // identifier
    i.extend_from_slice(&0x0001u16.to_be_bytes()); // sequence
    i.extend_from_slice(PAYLOAD);
    let c = checksum(&i, 0);
    i[2..4].copy_from_slice(&c.to_be_bytes());
    i
}

/// The smallest frame BPF_PROG_TEST_RUN takes for packet programs: an Ethernet header.
pub const MIN_FRAME: usize = 14;
/// The largest frame file `bench` reads. XDP takes at most about a page (4 KiB minus head and
/// tail room) without fragments; skb programs take more. The kernel refuses what it cannot run.
pub const MAX_FRAME: usize = 65535;

/// Which packet programs BPF_PROG_TEST_RUN can run on a frame, by the kernel's type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    Xdp,
    /// sched_cls / sched_act (tc, tcx)
    Tc,
    SocketFilter,
}

impl PacketKind {
    pub fn of(prog_type: &str) -> Option<PacketKind> {
        match prog_type {
            "xdp" => Some(PacketKind::Xdp),
            "sched_cls" | "sched_act" => Some(PacketKind::Tc),
            "socket_filter" => Some(PacketKind::SocketFilter),
            _ => None,
        }
    }

    /// What return value `r` means for this kind of program. Socket filters return how many
    /// bytes of the packet to keep: 0 drops it.
    pub fn retval_name(self, r: u32, frame_len: usize) -> String {
        match self {
            PacketKind::Xdp => match hooks::xdp_action(r as i32) {
                Some((name, _)) => name.into(),
                None => format!("XDP_UNKNOWN({r})"),
            },
            PacketKind::Tc => match hooks::tc_action(r as i32).map(|(n, _)| hooks::tc_names(n)) {
                // -1 is TC_ACT_UNSPEC; under tcx, which x0bpf attaches with, it is TCX_NEXT.
                Some((_, Some(tcx))) if r as i32 == -1 => tcx.into(),
                Some((tc, _)) => tc.into(),
                None => format!("TC_ACT_UNKNOWN({})", r as i32),
            },
            PacketKind::SocketFilter => {
                if r == 0 {
                    "DROP".into()
                } else if r as usize >= frame_len {
                    "KEEP_ALL".into()
                } else {
                    format!("TRUNCATE({r})")
                }
            }
        }
    }

    /// The return value as the program's C code spells it (tc returns are signed).
    pub fn retval_signed(self, r: u32) -> i64 {
        match self {
            PacketKind::Tc => r as i32 as i64,
            _ => r as i64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_valid_checksums() {
        for b in [Builtin::Udp, Builtin::Tcp, Builtin::Icmp] {
            let f = b.build();
            assert_eq!(&f[12..14], &[0x08, 0x00], "{b:?} ethertype");
            let ip = &f[14..34];
            // A header with its checksum in sums to 0xffff: checksum() of it is 0.
            assert_eq!(checksum(ip, 0), 0, "{b:?} IPv4 header checksum");
            let total = u16::from_be_bytes([ip[2], ip[3]]) as usize;
            assert_eq!(total, f.len() - 14, "{b:?} IPv4 total length");
            let l4 = &f[34..];
            let ok = match b {
                Builtin::Icmp => checksum(l4, 0),
                Builtin::Udp => checksum(l4, pseudo(17, l4.len())),
                Builtin::Tcp => checksum(l4, pseudo(6, l4.len())),
            };
            assert_eq!(ok, 0, "{b:?} L4 checksum");
            assert!(f.len() >= 60, "{b:?} is at least a minimal Ethernet frame");
        }
        assert_eq!(Builtin::parse("udp"), Some(Builtin::Udp));
        assert_eq!(Builtin::parse("sctp"), None);
    }

    #[test]
    fn checksum_matches_rfc1071_example() {
        // RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to ddf2 (folded), checksum 220d.
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(sum16(&d, 0), 0xddf2);
        assert_eq!(checksum(&d, 0), 0x220d);
        // An odd length pads with a zero byte.
        assert_eq!(sum16(&[0x12], 0), 0x1200);
    }

    #[test]
    fn return_names() {
        assert_eq!(PacketKind::Xdp.retval_name(2, 60), "XDP_PASS");
        assert_eq!(PacketKind::Xdp.retval_name(1, 60), "XDP_DROP");
        assert_eq!(PacketKind::Xdp.retval_name(9, 60), "XDP_UNKNOWN(9)");
        assert_eq!(PacketKind::Tc.retval_name(u32::MAX, 60), "TCX_NEXT");
        assert_eq!(PacketKind::Tc.retval_signed(u32::MAX), -1);
        assert_eq!(PacketKind::Tc.retval_name(2, 60), "TC_ACT_SHOT");
        let tc = [
            "TC_ACT_UNKNOWN(-2)",
            "TCX_NEXT",
            "TC_ACT_OK",
            "TC_ACT_RECLASSIFY",
            "TC_ACT_SHOT",
            "TC_ACT_PIPE",
            "TC_ACT_STOLEN",
            "TC_ACT_QUEUED",
            "TC_ACT_REPEAT",
            "TC_ACT_REDIRECT",
            "TC_ACT_TRAP",
            "TC_ACT_UNKNOWN(9)",
        ];
        for (v, want) in (-2i32..=9).zip(tc) {
            assert_eq!(PacketKind::Tc.retval_name(v as u32, 60), want);
        }
        let xdp = [
            "XDP_ABORTED",
            "XDP_DROP",
            "XDP_PASS",
            "XDP_TX",
            "XDP_REDIRECT",
        ];
        for (v, want) in (0u32..).zip(xdp) {
            assert_eq!(PacketKind::Xdp.retval_name(v, 60), want);
        }
        assert_eq!(
            PacketKind::Xdp.retval_name(u32::MAX, 60),
            "XDP_UNKNOWN(4294967295)"
        );
        assert_eq!(PacketKind::SocketFilter.retval_name(0, 60), "DROP");
        assert_eq!(PacketKind::SocketFilter.retval_name(60, 60), "KEEP_ALL");
        assert_eq!(PacketKind::SocketFilter.retval_name(20, 60), "TRUNCATE(20)");
        assert_eq!(PacketKind::of("sched_act"), Some(PacketKind::Tc));
        assert_eq!(PacketKind::of("tracepoint"), None);
    }
}
