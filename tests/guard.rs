//! `x0bpf guard`: the pure Analyse/Plan on recorded samples (no timing), xdp_guard on crafted
//! frames through BPF_PROG_TEST_RUN, and the loop end to end in netns + veth (root).
mod common;

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use common::{sh, Bpffs, NetNs};
use serde_json::Value;
use x0bpf::obj::guard::{
    apply, v4, Action, Blocked, Engine, Offender, Policy, Prefix, Sample, HISTORY_POINTS,
};

const S: u64 = 1_000_000_000;

fn policy() -> Policy {
    Policy {
        interval: 1.0,
        window: 2.0,
        pps: 1000,
        bps: 0,
        syn_rate: 100,
        ttl: 10,
        backoff: 2.0,
        max_ttl: 100,
        ..Policy::default()
    }
}

fn ip(s: &str) -> [u8; 16] {
    v4(s.parse::<Ipv4Addr>().unwrap())
}

fn sample(a: &str, packets: u64) -> Sample {
    Sample {
        addr: if a.contains(':') {
            a.parse::<std::net::Ipv6Addr>().unwrap().octets()
        } else {
            ip(a)
        },
        packets,
        bytes: packets * 100,
        syns: 0,
    }
}

/// Feed rounds of samples one second apart (t = 100 s, 101 s, …) and collect the decisions,
/// applying them as Execute would.
fn replay(
    e: &mut Engine,
    rounds: &[Vec<Sample>],
    blocked: &mut Vec<Blocked>,
    off: &mut HashMap<Prefix, Offender>,
) -> Vec<Vec<x0bpf::obj::guard::Decision>> {
    let mut out = Vec::new();
    for (i, r) in rounds.iter().enumerate() {
        let now = (100 + i as u64) * S;
        let d = e.step(now, r, blocked, off);
        apply(&d, now, blocked, off);
        out.push(d);
    }
    out
}

#[test]
fn a_source_over_the_pps_threshold_is_blocked_one_under_is_not() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let rounds = vec![
        vec![sample("10.0.0.1", 0), sample("10.0.0.2", 0)],
        vec![sample("10.0.0.1", 5000), sample("10.0.0.2", 900)],
    ];
    let d = replay(&mut e, &rounds, &mut b, &mut o);
    assert!(d[0].is_empty(), "one sample has no rate: {:?}", d[0]);
    assert_eq!(d[1].len(), 1, "{:?}", d[1]);
    let x = &d[1][0];
    assert_eq!(x.action, Action::Block);
    assert_eq!(x.prefix.to_string(), "10.0.0.1");
    assert_eq!(x.metric, Some("pps"));
    assert_eq!(x.rate, Some(5000.0));
    assert_eq!(x.threshold, Some(1000.0));
    assert_eq!(x.ttl_s, Some(10));
    assert_eq!(x.strikes, 1);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].expires_ns, 101 * S + 10 * S);
}

#[test]
fn a_source_that_appears_between_rounds_is_measured_from_zero() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let rounds = vec![vec![], vec![sample("10.0.0.9", 3000)]];
    let d = replay(&mut e, &rounds, &mut b, &mut o);
    assert_eq!(d[1].len(), 1);
    assert_eq!(d[1][0].rate, Some(3000.0));
}

#[test]
fn syn_rate_and_bps_thresholds() {
    let mut p = policy();
    p.bps = 1_000_000;
    let mut e = Engine::new(p);
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let mut syn = sample("10.0.0.3", 0);
    let mut big = sample("10.0.0.4", 0);
    let r0 = vec![syn, big];
    syn.packets = 500;
    syn.syns = 400;
    big.packets = 200;
    big.bytes = 200 * 1500; // 2.4 Mbit/s
    let d = replay(&mut e, &[r0, vec![syn, big]], &mut b, &mut o);
    let by: HashMap<String, &x0bpf::obj::guard::Decision> =
        d[1].iter().map(|x| (x.prefix.to_string(), x)).collect();
    assert_eq!(by["10.0.0.3"].metric, Some("syn_rate"));
    assert_eq!(by["10.0.0.3"].rate, Some(400.0));
    assert_eq!(by["10.0.0.4"].metric, Some("bps"));
    assert_eq!(by["10.0.0.4"].rate, Some(2_400_000.0));
}

#[test]
fn the_rate_is_over_the_sliding_window() {
    // window 2 s: a burst of 3000 in one second, then silence: 3000/1 s, then 3000/2 s, then 0.
    let mut p = policy();
    p.pps = 2000;
    let mut e = Engine::new(p);
    let r = |n| vec![sample("10.0.0.5", n)];
    let rates: Vec<f64> = [0, 3000, 3000, 3000]
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            e.observe((100 + i as u64) * S, &r(n))
                .first()
                .map_or(-1.0, |x| x.pps)
        })
        .collect();
    assert_eq!(rates, vec![-1.0, 3000.0, 1500.0, 0.0]);
}

/// Review regression: the history kept window/interval points per source (a day's window at
/// 1 s: 86400 points for each of up to 65536 spoofable sources). It is thinned to a bound,
/// and the rate stays right.
#[test]
fn a_long_window_keeps_a_bounded_history_and_a_right_rate() {
    let mut p = policy();
    p.window = 3600.0;
    p.pps = 2000;
    let mut e = Engine::new(p);
    let (b, o) = (Vec::new(), HashMap::new());
    let mut d = Vec::new();
    for i in 0..5000u64 {
        let now = (100 + i) * S;
        let r = e.observe(
            now,
            &[sample("10.2.0.1", i * 1500), sample("10.2.0.2", i * 2500)],
        );
        if i == 4999 {
            let mut r = r;
            r.sort_by(|a, b| a.pps.total_cmp(&b.pps));
            assert!((r[0].pps - 1500.0).abs() < 1.0, "{r:?}");
            assert!((r[1].pps - 2500.0).abs() < 1.0, "{r:?}");
            d = e.plan(now, &r, &b, &o);
        }
        assert!(
            e.history_points() <= 2 * (HISTORY_POINTS as usize + 3),
            "{}",
            e.history_points()
        );
    }
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].prefix.to_string(), "10.2.0.2");
}

#[test]
fn four_sources_of_one_slash24_block_the_slash24_three_do_not() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let names = [
        "10.1.2.1", "10.1.2.2", "10.1.2.3", "10.1.2.4", "10.1.3.1", "10.1.3.2", "10.1.3.3",
    ];
    let r0: Vec<Sample> = names.iter().map(|n| sample(n, 0)).collect();
    let r1: Vec<Sample> = names.iter().map(|n| sample(n, 2000)).collect();
    let d = replay(&mut e, &[r0, r1], &mut b, &mut o);
    let mut got: Vec<(String, usize)> = d[1]
        .iter()
        .map(|x| (x.prefix.to_string(), x.sources))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("10.1.2.0/24".into(), 4),
            ("10.1.3.1".into(), 1),
            ("10.1.3.2".into(), 1),
            ("10.1.3.3".into(), 1)
        ]
    );
    let agg = d[1].iter().find(|x| x.sources == 4).unwrap();
    assert_eq!(agg.rate, Some(8000.0), "the members' rates are summed");
}

#[test]
fn ipv6_sources_aggregate_to_their_slash64() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let names = [
        "2001:db8:1:2::1",
        "2001:db8:1:2::2",
        "2001:db8:1:2::3",
        "2001:db8:1:2::4",
    ];
    let r0: Vec<Sample> = names.iter().map(|n| sample(n, 0)).collect();
    let r1: Vec<Sample> = names.iter().map(|n| sample(n, 5000)).collect();
    let d = replay(&mut e, &[r0, r1], &mut b, &mut o);
    assert_eq!(d[1].len(), 1);
    assert_eq!(d[1][0].prefix.to_string(), "2001:db8:1:2::/64");
}

/// Review regression: four flooders spoofed as `::1`..`::4` got `::/64` blocked, and `::/64`
/// holds every IPv4-mapped address: all of IPv4 was cut off. Likewise four link-local
/// neighbours got fe80::/64 (the whole link, router included). They are blocked one by one.
#[test]
fn ipv6_sources_in_the_v4_mapped_slash64_are_never_aggregated() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let names = [
        "::", "::1", "::2", "::3", "::4", "::1:2", "fe80::1", "fe80::2", "fe80::3", "fe80::4",
    ];
    let r0: Vec<Sample> = names.iter().map(|n| sample(n, 0)).collect();
    let r1: Vec<Sample> = names.iter().map(|n| sample(n, 5000)).collect();
    let d = replay(&mut e, &[r0, r1], &mut b, &mut o);
    // `::` (the unspecified source) is never blocked at all (issue 27); the others one by one.
    assert_eq!(d[1].len(), names.len() - 1, "{:?}", d[1]);
    for x in &d[1] {
        assert_eq!(x.action, Action::Block);
        assert_eq!(x.prefix.len, 128, "{}", x.prefix);
        assert_ne!(x.prefix.addr, [0u8; 16], "{}", x.prefix);
        assert!(!x.prefix.contains(&ip("10.0.0.1")), "{}", x.prefix);
    }
}

#[test]
fn an_allowlisted_source_is_never_blocked_and_said_once() {
    let mut p = policy();
    p.allow = vec![Prefix::parse("10.0.0.0/30").unwrap()];
    let mut e = Engine::new(p);
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let rounds: Vec<Vec<Sample>> = (0..5).map(|i| vec![sample("10.0.0.2", i * 5000)]).collect();
    let d = replay(&mut e, &rounds, &mut b, &mut o);
    let all: Vec<_> = d.iter().flatten().collect();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].action, Action::Allowlisted);
    assert!(b.is_empty());
}

#[test]
fn a_slash24_that_holds_an_allowlisted_prefix_is_not_aggregated() {
    let mut p = policy();
    p.allow = vec![Prefix::parse("10.1.2.200").unwrap()];
    let mut e = Engine::new(p);
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let names = ["10.1.2.1", "10.1.2.2", "10.1.2.3", "10.1.2.4"];
    let r0: Vec<Sample> = names.iter().map(|n| sample(n, 0)).collect();
    let r1: Vec<Sample> = names.iter().map(|n| sample(n, 2000)).collect();
    let d = replay(&mut e, &[r0, r1], &mut b, &mut o);
    assert_eq!(d[1].len(), 4);
    assert!(d[1]
        .iter()
        .all(|x| x.prefix.len == 128 && x.action == Action::Block));
}

#[test]
fn repeat_offenders_get_a_longer_ttl_up_to_max_ttl_and_are_forgiven_later() {
    let p = policy();
    assert_eq!(
        (0..6).map(|s| p.ttl_for(s)).collect::<Vec<_>>(),
        vec![10, 20, 40, 80, 100, 100]
    );
    let mut e = Engine::new(p);
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let a = Prefix::parse("10.0.0.1").unwrap();
    o.insert(
        a,
        Offender {
            strikes: 2,
            last_ns: 50 * S,
            last_ttl_s: 20,
        },
    );
    let d = replay(
        &mut e,
        &[vec![sample("10.0.0.1", 0)], vec![sample("10.0.0.1", 9000)]],
        &mut b,
        &mut o,
    );
    assert_eq!(d[1][0].ttl_s, Some(40));
    assert_eq!(d[1][0].strikes, 3);
    assert_eq!(o[&a].strikes, 3);
    // Not seen for longer than forget_after: a first offence again.
    let mut e = Engine::new(policy());
    let mut o2 = HashMap::new();
    o2.insert(
        a,
        Offender {
            strikes: 5,
            last_ns: 1,
            last_ttl_s: 100,
        },
    );
    let mut f = policy();
    f.forget_after = 10;
    e.policy = f;
    let mut b2 = Vec::new();
    let d = replay(
        &mut e,
        &[vec![sample("10.0.0.1", 0)], vec![sample("10.0.0.1", 9000)]],
        &mut b2,
        &mut o2,
    );
    assert_eq!(d[1][0].ttl_s, Some(10));
    assert_eq!(d[1][0].strikes, 1);
}

#[test]
fn expired_entries_are_removed_and_the_source_can_be_blocked_again() {
    let mut e = Engine::new(policy());
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let mut rounds = vec![vec![sample("10.0.0.1", 0)], vec![sample("10.0.0.1", 5000)]];
    // Blocked: its counters stop (the program drops before counting) for 10 s.
    for _ in 0..10 {
        rounds.push(vec![sample("10.0.0.1", 5000)]);
    }
    // Expired at t = 111 s; it floods again.
    rounds.push(vec![sample("10.0.0.1", 12000)]);
    let d = replay(&mut e, &rounds, &mut b, &mut o);
    let log: Vec<(usize, Action, Option<u64>)> = d
        .iter()
        .enumerate()
        .flat_map(|(i, ds)| ds.iter().map(move |x| (i, x.action, x.ttl_s)))
        .collect();
    assert_eq!(
        log,
        vec![
            (1, Action::Block, Some(10)),
            (11, Action::Expire, None),
            (12, Action::Block, Some(20)),
        ]
    );
}

/// Sources covered by a live entry of any length are not decided on again (the check is a
/// set lookup per prefix length now, not a scan of the blocklist for every source).
#[test]
fn sources_under_live_entries_of_any_length_are_not_decided_again() {
    let mut e = Engine::new(policy());
    let now = 100 * S;
    let live = |p: &str| Blocked {
        prefix: Prefix::parse(p).unwrap(),
        expires_ns: now + 50 * S,
        drops: 0,
    };
    let mut hand = live("10.7.0.0/16");
    hand.prefix.addr[15] = 9; // host bits, as a hand-written key may have
    let blocked = vec![
        live("10.1.0.1"),
        live("10.2.0.0/24"),
        live("11.0.0.0/8"),
        live("2001:db8:1:2::/64"),
        hand,
    ];
    let names = [
        "10.1.0.1",
        "10.2.0.9",
        "11.3.200.1",
        "2001:db8:1:2::7",
        "10.7.1.2",
        "10.1.0.2",
        "2001:db8:1:3::7",
    ];
    let rates: Vec<_> = names
        .iter()
        .map(|n| x0bpf::obj::guard::Rate {
            addr: sample(n, 0).addr,
            pps: 5000.0,
            bps: 0.0,
            syn_rate: 0.0,
        })
        .collect();
    let d = e.plan(now, &rates, &blocked, &HashMap::new());
    let got: Vec<String> = d.iter().map(|x| x.prefix.to_string()).collect();
    assert_eq!(got, ["10.1.0.2", "2001:db8:1:3::7"], "{d:?}");
}

#[test]
fn max_blocked_keeps_the_worst_and_reports_the_rest_once() {
    let mut p = policy();
    p.max_blocked = 2;
    let mut e = Engine::new(p);
    let (mut b, mut o) = (Vec::new(), HashMap::new());
    let names = [("10.0.1.1", 3000), ("10.0.2.1", 9000), ("10.0.3.1", 5000)];
    let r0: Vec<Sample> = names.iter().map(|(n, _)| sample(n, 0)).collect();
    let r: Vec<Sample> = names.iter().map(|(n, k)| sample(n, *k)).collect();
    let r2: Vec<Sample> = names.iter().map(|(n, k)| sample(n, 2 * k)).collect();
    let d = replay(&mut e, &[r0, r, r2], &mut b, &mut o);
    let blocked: Vec<String> = d[1]
        .iter()
        .filter(|x| x.action == Action::Block)
        .map(|x| x.prefix.to_string())
        .collect();
    assert_eq!(blocked, vec!["10.0.2.1", "10.0.3.1"]);
    let limited: Vec<String> = d[1]
        .iter()
        .filter(|x| x.action == Action::Limit)
        .map(|x| x.prefix.to_string())
        .collect();
    assert_eq!(limited, vec!["10.0.1.1"]);
    assert!(d[2].is_empty(), "the limit is said once: {:?}", d[2]);
    assert_eq!(b.len(), 2);
}

#[test]
fn relative_threshold_follows_the_interface_baseline() {
    let mut p = policy();
    p.pps = 100;
    p.relative = 2.0;
    p.baseline_alpha = 0.5;
    let mut e = Engine::new(p);
    // Ten sources at 500 pps each: total 5000 pps; each is over 100 but under 2 × 5000.
    let names: Vec<String> = (1..=10).map(|i| format!("10.{i}.0.1")).collect();
    let mut over = usize::MAX;
    for t in 0..4u64 {
        let r: Vec<Sample> = names.iter().map(|n| sample(n, t * 500)).collect();
        let rates = e.observe((100 + t) * S, &r);
        over = rates.iter().filter(|x| e.exceeded(x).is_some()).count();
    }
    assert_eq!(over, 0, "500 pps is ordinary on a 5000 pps interface");
    e.policy.relative = 0.0;
    let r: Vec<Sample> = names.iter().map(|n| sample(n, 4 * 500)).collect();
    let rates = e.observe(104 * S, &r);
    assert_eq!(
        rates.iter().filter(|x| e.exceeded(x).is_some()).count(),
        10,
        "absolute only"
    );
    let base = e.baseline.unwrap().0;
    assert!((base - 5000.0).abs() < 1.0, "baseline {base}");
}

#[test]
fn prefixes_parse_print_and_match() {
    for (s, want) in [
        ("10.0.0.1", "10.0.0.1"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("0.0.0.0/0", "0.0.0.0/0"),
    ] {
        assert_eq!(Prefix::parse(s).unwrap().to_string(), want);
    }
    for bad in [
        "10.0.0.1/24",
        "10.0.0.0/33",
        "nonsense",
        "2001:db8::1/200",
        "",
    ] {
        assert!(Prefix::parse(bad).is_err(), "{bad} accepted");
    }
    assert!(Prefix::parse("10.0.0.1/24")
        .unwrap_err()
        .contains("10.0.0.0/24"));
    let p = Prefix::parse("10.1.0.0/16").unwrap();
    assert!(p.contains(&ip("10.1.200.3")));
    assert!(!p.contains(&ip("10.2.0.1")));
    assert_eq!(Prefix::from_key(&p.key()), Some(p));
}

/// The example in docs/GUARD.md is a valid policy (the doc cannot rot).
#[test]
fn the_documented_policy_example_parses() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/GUARD.md"))
        .unwrap();
    let block = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```toml block in docs/GUARD.md");
    let p = Policy::from_toml(block).unwrap_or_else(|e| panic!("{e}"));
    p.validate().unwrap();
    assert!(!p.allow.is_empty());
}

#[test]
fn policy_errors_name_the_field() {
    for (text, field) in [
        ("ppps = 5", "ppps"),
        ("pps = \"many\"", "pps"),
        ("pps = -1", "pps"),
        ("allow = [\"10.0.0.0/8\", \"10.0.0.1/8\"]", "allow[1]"),
        ("allow = \"10.0.0.0/8\"", "allow"),
        ("pps = 0\nsyn_rate = 0", "pps"),
        ("interval = 5\nwindow = 1", "window"),
        ("ttl = 0", "ttl"),
        ("max_blocked = 100000", "max_blocked"),
        ("prefix_sources = 1", "prefix_sources"),
        ("backoff = 0.5", "backoff"),
        ("pps = [", "(syntax)"),
        // Review: an allowlist holding a whole family silently turned the guard off.
        ("allow = [\"10.0.0.0/8\", \"0.0.0.0/0\"]", "allow[1]"),
        ("allow = [\"::/0\"]", "allow[0]"),
        ("allow = [\"::ffff:0:0/96\"]", "allow[0]"),
        ("allow = [\"::/64\"]", "allow[0]"),
        // Issue 27: the whole family in two halves.
        ("allow = [\"0.0.0.0/1\", \"128.0.0.0/1\"]", "allow"),
        ("interval = nan", "interval"),
        ("relative = inf", "relative"),
        ("pps = 1e30", "pps"),
        ("[pps]\nx = 1", "pps"),
    ] {
        let e = Policy::from_toml(text).and_then(|p| p.validate().map(|_| p));
        let e = e.expect_err(text);
        assert_eq!(e.field, field, "{text}: {e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }
    // Wide but not whole: fine.
    let ok = "allow = [\"0.0.0.0/1\", \"2000::/3\", \"::ffff:10.0.0.0/104\"]";
    Policy::from_toml(ok).unwrap().validate().expect(ok);
}

// ------------------------------------------------------------------ kernel: BPF_PROG_TEST_RUN

fn eth(proto: u16) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
    f.extend_from_slice(&proto.to_be_bytes());
    f
}

/// IPv4 frame from `src` with protocol `proto` and `l4` bytes after the header.
fn v4_frame(src: &str, proto: u8, l4: &[u8]) -> Vec<u8> {
    let mut f = eth(0x0800);
    let s: Ipv4Addr = src.parse().unwrap();
    let len = (20 + l4.len()) as u16;
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(&[0, 1, 0, 0, 64, proto, 0, 0]);
    f.extend_from_slice(&s.octets());
    f.extend_from_slice(&[10, 0, 0, 254]);
    f.extend_from_slice(l4);
    f
}

fn v6_frame(src: &str, l4: &[u8]) -> Vec<u8> {
    let mut f = eth(0x86DD);
    let s: std::net::Ipv6Addr = src.parse().unwrap();
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&(l4.len() as u16).to_be_bytes());
    f.extend_from_slice(&[17, 64]);
    f.extend_from_slice(&s.octets());
    f.extend_from_slice(
        &"2001:db8::fe"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    f.extend_from_slice(l4);
    f
}

fn tcp(flags: u8) -> Vec<u8> {
    let mut t = vec![0u8; 20];
    t[0..2].copy_from_slice(&1234u16.to_be_bytes());
    t[2..4].copy_from_slice(&80u16.to_be_bytes());
    t[12] = 5 << 4;
    t[13] = flags;
    t
}

struct Loaded {
    prog: OwnedFd,
    sources: OwnedFd,
    blocklist: OwnedFd,
    allowlist: OwnedFd,
}

fn load_guard(fs: &Bpffs, name: &str) -> Loaded {
    fs.x0(&["load", "xdp_guard", "--name", name]).ok();
    let d = fs.dir.join("x0bpf").join(name);
    let get = |p: &str| x0bpf::sys::bpf::obj_get(&d.join(p)).unwrap();
    Loaded {
        prog: get("progs/xdp_guard"),
        sources: get("maps/sources"),
        blocklist: get("maps/blocklist"),
        allowlist: get("maps/allowlist"),
    }
}

const XDP_DROP: u32 = 1;
const XDP_PASS: u32 = 2;

fn block(l: &Loaded, p: &str, expires_ns: u64) {
    let mut v = [0u8; 32];
    v[..8].copy_from_slice(&expires_ns.to_ne_bytes());
    x0bpf::sys::map::update(
        l.blocklist.as_fd(),
        Some(&Prefix::parse(p).unwrap().key()),
        &v,
        0,
    )
    .unwrap();
}

fn block_counts(l: &Loaded, p: &str) -> (u64, u64) {
    let mut v = [0u8; 32];
    assert!(x0bpf::sys::map::lookup(
        l.blocklist.as_fd(),
        Some(&Prefix::parse(p).unwrap().key()),
        &mut v
    )
    .unwrap());
    (
        u64::from_ne_bytes(v[8..16].try_into().unwrap()),
        u64::from_ne_bytes(v[16..24].try_into().unwrap()),
    )
}

fn source_counts(l: &Loaded, a: &str) -> Option<(u64, u64, u64)> {
    // Per-CPU values: one 24-byte copy per possible CPU, summed.
    let addr = Prefix::parse(a).unwrap().addr;
    let ncpu = x0bpf::sys::map::possible_cpus();
    let mut v = vec![0u8; 24 * ncpu];
    x0bpf::sys::map::lookup(l.sources.as_fd(), Some(&addr), &mut v)
        .unwrap()
        .then(|| {
            let g = |i: usize| {
                (0..ncpu)
                    .map(|c| u64::from_ne_bytes(v[c * 24 + i..c * 24 + i + 8].try_into().unwrap()))
                    .sum::<u64>()
            };
            (g(0), g(8), g(16))
        })
}

fn run(l: &Loaded, f: &[u8], repeat: u32) -> u32 {
    x0bpf::sys::bpf::prog_test_run(l.prog.as_fd(), f, repeat)
        .unwrap()
        .retval
}

#[test]
fn xdp_guard_counts_sources_and_syns() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let udp = v4_frame("10.9.0.1", 17, &[0u8; 16]);
    assert_eq!(run(&l, &udp, 5), XDP_PASS);
    assert_eq!(
        source_counts(&l, "10.9.0.1"),
        Some((5, 5 * udp.len() as u64, 0))
    );
    let syn = v4_frame("10.9.0.2", 6, &tcp(0x02));
    let synack = v4_frame("10.9.0.2", 6, &tcp(0x12));
    assert_eq!(run(&l, &syn, 3), XDP_PASS);
    assert_eq!(run(&l, &synack, 4), XDP_PASS);
    let c = source_counts(&l, "10.9.0.2").unwrap();
    assert_eq!((c.0, c.2), (7, 3), "a SYN-ACK is not a SYN");
    let v6 = v6_frame("2001:db8::7", &[0u8; 8]);
    assert_eq!(run(&l, &v6, 2), XDP_PASS);
    assert_eq!(source_counts(&l, "2001:db8::7").map(|c| c.0), Some(2));
    let arp = [eth(0x0806), vec![0u8; 28]].concat();
    assert_eq!(run(&l, &arp, 1), XDP_PASS);
}

#[test]
fn xdp_guard_drops_blocked_sources_and_the_allowlist_wins() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let far = x0bpf::sys::process::boottime_ns() + 3600 * S;
    block(&l, "10.9.0.0/24", far);
    block(&l, "2001:db8:1::/48", far);
    let f = v4_frame("10.9.0.5", 17, &[0u8; 16]);
    assert_eq!(run(&l, &f, 10), XDP_DROP);
    assert_eq!(block_counts(&l, "10.9.0.0/24"), (10, 10 * f.len() as u64));
    assert_eq!(
        source_counts(&l, "10.9.0.5"),
        None,
        "dropped before counting"
    );
    // Another /24 passes.
    assert_eq!(run(&l, &v4_frame("10.9.1.5", 17, &[0u8; 16]), 1), XDP_PASS);
    // IPv6.
    let f6 = v6_frame("2001:db8:1:5::9", &[0u8; 8]);
    assert_eq!(run(&l, &f6, 4), XDP_DROP);
    assert_eq!(block_counts(&l, "2001:db8:1::/48").0, 4);
    assert_eq!(run(&l, &v6_frame("2001:db8:2::9", &[0u8; 8]), 1), XDP_PASS);
    // The allowlist wins over the blocklist.
    x0bpf::sys::map::update(
        l.allowlist.as_fd(),
        Some(&Prefix::parse("10.9.0.5").unwrap().key()),
        &1u32.to_ne_bytes(),
        0,
    )
    .unwrap();
    assert_eq!(run(&l, &f, 3), XDP_PASS);
    assert_eq!(
        block_counts(&l, "10.9.0.0/24").0,
        10,
        "not counted as dropped"
    );
    assert_eq!(run(&l, &v4_frame("10.9.0.6", 17, &[0u8; 16]), 1), XDP_DROP);
}

#[test]
fn xdp_guard_ignores_an_expired_entry_by_itself() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let now = x0bpf::sys::process::boottime_ns();
    block(&l, "10.9.0.5", now - 1);
    let f = v4_frame("10.9.0.5", 17, &[0u8; 16]);
    assert_eq!(run(&l, &f, 2), XDP_PASS);
    assert_eq!(block_counts(&l, "10.9.0.5").0, 0);
    assert_eq!(source_counts(&l, "10.9.0.5").map(|c| c.0), Some(2));
}

/// Per-packet cost against an empty XDP program, same frame, alternating rounds in the same
/// run (printed; docs/PERFORMANCE.md has the numbers). Asserts only the verdicts: speed is
/// never a test assertion here.
#[test]
fn xdp_guard_cost_against_an_empty_program() {
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let o = common::compile(
        "empty_xdp.c",
        "clang",
        &["-target", "bpf", "-g"],
        dir.path(),
        "e.o",
    );
    let en = format!("e{}", common::unique());
    fs.x0(&["load", o.to_str().unwrap(), "--name", &en]).ok();
    let empty =
        x0bpf::sys::bpf::obj_get(&fs.dir.join(format!("x0bpf/{en}/progs/empty_xdp"))).unwrap();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let f = v4_frame("10.9.0.1", 17, &[0u8; 22]);
    let blocked = v4_frame("10.8.0.1", 17, &[0u8; 22]);
    let far = x0bpf::sys::process::boottime_ns() + 3600 * S;
    let round = |repeat| {
        let e = x0bpf::sys::bpf::prog_test_run(empty.as_fd(), &f, repeat).unwrap();
        let g = x0bpf::sys::bpf::prog_test_run(l.prog.as_fd(), &f, repeat).unwrap();
        assert_eq!((e.retval, g.retval), (XDP_PASS, XDP_PASS));
        (e.duration_ns, g.duration_ns)
    };
    // Nothing blocked at all, then with 1000 unrelated entries, then the drop path.
    let mut rows = Vec::new();
    for _ in 0..5 {
        rows.push(("empty blocklist", round(1_000_000)));
    }
    for i in 0..1000u32 {
        block(&l, &format!("172.{}.{}.0/24", 16 + i / 256, i % 256), far);
    }
    for _ in 0..5 {
        rows.push(("1000 entries, none matching", round(1_000_000)));
    }
    block(&l, "10.8.0.0/16", far);
    for _ in 0..5 {
        let e = x0bpf::sys::bpf::prog_test_run(empty.as_fd(), &f, 1_000_000).unwrap();
        let d = x0bpf::sys::bpf::prog_test_run(l.prog.as_fd(), &blocked, 1_000_000).unwrap();
        assert_eq!(d.retval, XDP_DROP);
        rows.push(("source blocked (drop)", (e.duration_ns, d.duration_ns)));
    }
    for (what, (e, g)) in &rows {
        eprintln!(
            "xdp_guard cost, {what}: empty {e} ns, xdp_guard {g} ns, ratio {:.2}",
            *g as f64 / (*e).max(1) as f64
        );
    }
}

/// Monitor's batch read: more sources than one batch (1024) holds, per-CPU values summed,
/// seen through `guard status` (which reads them the same way).
#[test]
fn status_reads_every_source_in_batches() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "0",
    ])
    .ok();
    let prog =
        x0bpf::sys::bpf::obj_get(&guard_path(&ns, &fs, "veth0").join("progs/xdp_guard")).unwrap();
    for i in 0..2500u32 {
        let src = format!("10.{}.{}.{}", 50 + i / 65536, (i / 256) % 256, i % 256);
        let n = if i == 1234 { 77 } else { 1 };
        let r = x0bpf::sys::bpf::prog_test_run(prog.as_fd(), &v4_frame(&src, 17, &[0u8; 8]), n)
            .unwrap();
        assert_eq!(r.retval, XDP_PASS);
    }
    let r = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status", "veth0"]);
    r.ok();
    let g = &r.json()["guards"][0];
    // veth0 itself may have seen a packet or two (IPv6 router solicitations): at least ours.
    assert!(g["sources_tracked"].as_u64().unwrap() >= 2500, "{g}");
    assert_eq!(g["top_sources"][0]["source"], "10.50.4.210");
    assert_eq!(g["top_sources"][0]["packets"], 77);
    assert_eq!(g["top_sources"][0]["bytes"], 77 * 42);
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
}

/// In a pipe (issue 28) `guard status` is rows only: the per-guard title is on stderr (none
/// with `--no-headers`), and each row of its two tables starts with the guard and the table it
/// is from (`blocklist`, `top_source`).
#[test]
fn status_in_a_pipe_is_rows_naming_their_guard_and_table() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "0",
    ])
    .ok();
    let prog =
        x0bpf::sys::bpf::obj_get(&guard_path(&ns, &fs, "veth0").join("progs/xdp_guard")).unwrap();
    for src in ["10.61.0.1", "10.61.0.2"] {
        let r =
            x0bpf::sys::bpf::prog_test_run(prog.as_fd(), &v4_frame(src, 17, &[0u8; 8]), 3).unwrap();
        assert_eq!(r.retval, XDP_PASS);
    }
    let guard = guard_name(&ns, "veth0");
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "status", "veth0"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    let heads: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("OBJECT "))
        .collect();
    assert_eq!(
        heads.len(),
        2,
        "two tables, one header line each:\n{}",
        r.stdout
    );
    assert!(
        heads[0].contains(" TABLE ") && heads[0].contains("PREFIX"),
        "{}",
        r.stdout
    );
    assert!(
        heads[1].contains(" TABLE ") && heads[1].contains("TOP_SOURCE"),
        "{}",
        r.stdout
    );
    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("OBJECT "))
        .collect();
    assert!(
        rows.iter()
            .filter(|l| l.starts_with(&format!("{guard}  top_source  10.61.0.")))
            .count()
            >= 2,
        "{}",
        r.stdout
    );
    for l in &rows {
        let w: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(w[0], guard, "every row names its guard: {l:?}");
        assert!(
            w[1] == "blocklist" || w[1] == "top_source",
            "every row names its table: {l:?}"
        );
    }
    assert!(!r.stdout.contains(" decisions, "), "{}", r.stdout);
    assert!(r.stderr.contains(" decisions, "), "{}", r.stderr);
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "status",
        "veth0",
        "--no-headers",
    ]);
    r.ok();
    assert!(!r.stdout.contains("OBJECT"), "{}", r.stdout);
    assert!(!r.stderr.contains(" decisions, "), "{}", r.stderr);
    // veth0 may have seen a packet meanwhile (an IPv6 router solicitation): a source more.
    assert!(r.stdout.lines().count() >= rows.len(), "{}", r.stdout);
    assert!(
        r.stdout.lines().all(|l| l.starts_with(&guard)),
        "{}",
        r.stdout
    );
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
}

// ------------------------------------------------------------------ end to end

/// The guard running in `ns`'s main namespace, its stdout (JSON lines) read by a thread.
struct Guard {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Guard {
    fn start(ns: &NetNs, fs: &Bpffs, extra: &[&str]) -> Guard {
        use std::io::BufRead;
        let net = format!("--net={}", ns.path.display());
        let mut child = std::process::Command::new("nsenter")
            .arg(&net)
            .arg(common::bin())
            .args(["--bpffs", fs.arg(), "--json", "guard", "start", "veth0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn guard");
        let out = child.stdout.take().unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let l2 = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                l2.lock().unwrap().push(v);
            }
        });
        let g = Guard {
            child,
            lines,
            reader: Some(reader),
        };
        g.wait_for(
            |l| l.iter().any(|v| v.get("header").is_some()),
            "the header",
        );
        g
    }

    fn lines(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// Wait (bounded, generous) until the log satisfies `f`.
    #[track_caller]
    fn wait_for(&self, f: impl Fn(&[Value]) -> bool, what: &str) {
        for _ in 0..600 {
            if f(&self.lines()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("waited 30 s for {what}; log: {:?}", self.lines());
    }

    fn sigterm(mut self) -> (i32, Vec<Value>) {
        // SAFETY: kill on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let st = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        (st.code().unwrap_or(-1), self.lines())
    }

    fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PEER2_IP: &str = "10.200.0.3";

/// A UDP flood from `src` (bound) to the main namespace for `secs`, in the peer namespace.
fn flood(ns_name: &str, src: &str, secs: f64) -> std::thread::JoinHandle<u64> {
    let ns_name = ns_name.to_string();
    let src = src.to_string();
    std::thread::spawn(move || {
        NetNs::in_ns(&ns_name, || {
            let s = std::net::UdpSocket::bind((src.as_str(), 0)).expect("bind flood");
            let end = std::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
            let mut n = 0u64;
            while std::time::Instant::now() < end {
                for _ in 0..100 {
                    // The queue may fill: a refused datagram is not an error for a flood.
                    if s.send_to(&[0u8; 64], (common::MAIN_IP, 9999)).is_ok() {
                        n += 1;
                    }
                }
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
            n
        })
    })
}

/// A UDP listener in the main namespace counting what reaches it.
fn listener(
    ns: &NetNs,
) -> (
    std::sync::Arc<std::sync::atomic::AtomicU64>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let count = std::sync::Arc::new(AtomicU64::new(0));
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let (c, s) = (count.clone(), stop.clone());
    let name = ns.name.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        NetNs::in_ns(&name, || {
            let sock = std::net::UdpSocket::bind("0.0.0.0:9999").expect("bind listener");
            sock.set_read_timeout(Some(std::time::Duration::from_millis(100)))
                .unwrap();
            tx.send(()).unwrap();
            let mut buf = [0u8; 2048];
            while !s.load(Ordering::Relaxed) {
                if sock.recv_from(&mut buf).is_ok() {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    });
    rx.recv().unwrap();
    (count, stop)
}

fn blocklist(ns: &NetNs, fs: &Bpffs) -> Vec<Value> {
    let r = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status", "veth0"]);
    r.ok();
    r.json()["guards"][0]["blocklist"]
        .as_array()
        .unwrap()
        .clone()
}

/// The store name of IFACE's guard in `ns`: `guard-IFNAME-IFINDEX-NETNSINODE`.
fn guard_name(ns: &NetNs, iface: &str) -> String {
    use std::os::unix::fs::MetadataExt;
    let r = ns.ip(&["-j", "link", "show", iface]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let ifindex = v[0]["ifindex"].as_u64().expect("ifindex");
    let inode = std::fs::metadata(&ns.path).unwrap().ino();
    format!("guard-{}-{ifindex}-{inode}", iface.replace('.', "_"))
}

fn guard_path(ns: &NetNs, fs: &Bpffs, iface: &str) -> std::path::PathBuf {
    fs.dir.join("x0bpf").join(guard_name(ns, iface))
}

fn xdp_prog(ns: &NetNs) -> Option<u64> {
    let r = ns.ip(&["-j", "link", "show", "veth0"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v[0]["xdp"]["prog"]["id"].as_u64()
}

#[test]
fn flood_is_blocked_ping_keeps_working_block_expires_and_repeats_last_longer() {
    use std::sync::atomic::Ordering;
    let ns = NetNs::new();
    let peer2 = ns.add_peer(PEER2_IP);
    let fs = Bpffs::new();
    let (count, stop) = listener(&ns);
    let g = Guard::start(
        &ns,
        &fs,
        &["--pps", "2000", "--ttl", "4", "--interval", "0.5"],
    );
    let f = flood(&peer2.name, PEER2_IP, 4.0);
    g.wait_for(
        |l| {
            l.iter()
                .any(|v| v["action"] == "block" && v["source"] == PEER2_IP)
        },
        "the flooder blocked",
    );
    // Blocked: ordinary ping from the other peer still works while the flood goes on.
    ns.ping_main(5);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = count.load(Ordering::Relaxed);
    let bl = blocklist(&ns, &fs);
    let d0 = bl
        .iter()
        .find(|b| b["prefix"] == PEER2_IP)
        .expect("flooder in the blocklist")["drops"]
        .as_u64()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let bl = blocklist(&ns, &fs);
    let d1 = bl
        .iter()
        .find(|b| b["prefix"] == PEER2_IP)
        .map(|b| b["drops"].as_u64().unwrap());
    let after = count.load(Ordering::Relaxed);
    let sent = f.join().unwrap();
    assert!(sent > 1000, "the flood sent {sent}");
    let d1 = d1.expect("still blocked 1 s into a 4 s block");
    assert!(d1 > d0, "drops counted while flooding: {d0} then {d1}");
    assert_eq!(
        after, before,
        "no flood datagram reached the listener while blocked"
    );
    // TTL 4 s: it expires, and a second flood is blocked for 8 s.
    g.wait_for(
        |l| {
            l.iter()
                .any(|v| v["action"] == "expire" && v["source"] == PEER2_IP)
        },
        "the block expiring",
    );
    let f = flood(&peer2.name, PEER2_IP, 3.0);
    g.wait_for(
        |l| {
            l.iter()
                .filter(|v| v["action"] == "block" && v["source"] == PEER2_IP)
                .count()
                >= 2
        },
        "the second block",
    );
    f.join().unwrap();
    ns.ping_main(3);
    stop.store(true, Ordering::Relaxed);
    let (code, log) = g.sigterm();
    assert_eq!(code, 0);
    let blocks: Vec<&Value> = log.iter().filter(|v| v["action"] == "block").collect();
    assert_eq!(blocks[0]["ttl_s"], 4);
    assert_eq!(blocks[0]["strikes"], 1);
    assert_eq!(blocks[1]["ttl_s"], 8, "a repeat offender waits longer");
    assert_eq!(blocks[1]["strikes"], 2);
    assert_eq!(blocks[0]["metric"], "pps");
    assert!(blocks[0]["rate"].as_f64().unwrap() > 2000.0);
    assert_eq!(blocks[0]["threshold"], 2000.0);
    assert!(
        log.iter()
            .all(|v| v.get("source") != Some(&Value::from(common::PEER_IP))),
        "ping never decided on: {log:?}"
    );
    assert_eq!(log.last().unwrap()["summary"]["reason"], "interrupted");
    // The blocklist survives the loop; `guard stop` removes everything.
    assert!(xdp_prog(&ns).is_some());
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog(&ns), None);
    assert!(
        !fs.dir.join("x0bpf").exists()
            || std::fs::read_dir(fs.dir.join("x0bpf"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn an_allowlisted_flooder_is_never_blocked() {
    let ns = NetNs::new();
    let peer2 = ns.add_peer(PEER2_IP);
    let fs = Bpffs::new();
    let g = Guard::start(
        &ns,
        &fs,
        &[
            "--pps",
            "2000",
            "--interval",
            "0.5",
            "--allow",
            "10.200.0.3/32",
        ],
    );
    flood(&peer2.name, PEER2_IP, 2.5).join().unwrap();
    g.wait_for(
        |l| l.iter().any(|v| v["action"] == "allowlisted"),
        "the allowlisted note",
    );
    let (_, log) = g.sigterm();
    assert!(log.iter().all(|v| v["action"] != "block"), "{log:?}");
    assert!(blocklist(&ns, &fs).is_empty());
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
}

#[test]
fn dry_run_logs_the_same_decision_and_blocks_nothing() {
    use std::sync::atomic::Ordering;
    let ns = NetNs::new();
    let peer2 = ns.add_peer(PEER2_IP);
    let fs = Bpffs::new();
    let (count, stop) = listener(&ns);
    let g = Guard::start(
        &ns,
        &fs,
        &["--pps", "2000", "--interval", "0.5", "--dry-run"],
    );
    assert_eq!(g.lines()[0]["header"]["dry_run"], true);
    let f = flood(&peer2.name, PEER2_IP, 3.0);
    g.wait_for(
        |l| l.iter().any(|v| v["action"] == "block"),
        "the dry-run block",
    );
    let mid = count.load(Ordering::Relaxed);
    let sent = f.join().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let end = count.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    let (_, log) = g.sigterm();
    let blocks: Vec<&Value> = log.iter().filter(|v| v["action"] == "block").collect();
    assert_eq!(blocks.len(), 1, "said once, as a real run would: {log:?}");
    assert_eq!(blocks[0]["source"], PEER2_IP);
    assert_eq!(blocks[0]["dry_run"], true);
    assert_eq!(blocks[0]["ttl_s"], 60);
    assert!(
        end > mid,
        "the flood still reaches the listener ({mid} then {end} of {sent})"
    );
    // It found no guard, so it leaves none (dry_run_leaves_nothing_it_did_not_find).
    assert_eq!(xdp_prog(&ns), None);
    assert!(!guard_path(&ns, &fs, "veth0").exists());
}

#[test]
fn killed_guard_keeps_protecting_and_a_restart_resumes() {
    let ns = NetNs::new();
    let peer2 = ns.add_peer(PEER2_IP);
    let fs = Bpffs::new();
    let g = Guard::start(
        &ns,
        &fs,
        &["--pps", "2000", "--ttl", "8", "--interval", "0.5"],
    );
    let pid = g.child.id();
    // After setup the loop keeps CAP_BPF only (bit 39), with no_new_privs.
    let st = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |k: &str| {
        st.lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(field("CapEff:"), format!("{:016x}", 1u64 << 39), "{st}");
    assert_eq!(field("CapBnd:"), format!("{:016x}", 1u64 << 39), "{st}");
    assert_eq!(field("NoNewPrivs:"), "1");
    let f = flood(&peer2.name, PEER2_IP, 1.5);
    g.wait_for(|l| l.iter().any(|v| v["action"] == "block"), "the block");
    f.join().unwrap();
    g.kill9();
    let st = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status", "veth0"]);
    st.ok();
    let s = &st.json()["guards"][0];
    assert_eq!(s["running"], false, "pid {pid} is gone: {s}");
    assert_eq!(s["attached"], true);
    let bl = s["blocklist"].as_array().unwrap();
    assert_eq!(bl.len(), 1);
    assert_eq!(bl[0]["prefix"], PEER2_IP);
    // Still enforced without the loop: a new flood is dropped and counted.
    let d0 = bl[0]["drops"].as_u64().unwrap();
    flood(&peer2.name, PEER2_IP, 0.5).join().unwrap();
    let d1 = blocklist(&ns, &fs)[0]["drops"].as_u64().unwrap();
    assert!(d1 > d0, "dropped with no loop running: {d0} then {d1}");
    // A restart resumes: same program, same blocklist, and it is the one that expires it.
    let before = xdp_prog(&ns);
    let g = Guard::start(
        &ns,
        &fs,
        &["--pps", "2000", "--ttl", "8", "--interval", "0.5"],
    );
    let h = &g.lines()[0]["header"];
    assert_eq!(h["resumed"], true);
    assert_eq!(h["blocked"], 1);
    assert_eq!(xdp_prog(&ns), before);
    let st = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status"]);
    assert_eq!(st.json()["guards"][0]["running"], true);
    g.wait_for(
        |l| {
            l.iter()
                .any(|v| v["action"] == "expire" && v["source"] == PEER2_IP)
        },
        "the expiry",
    );
    // A second guard on the same interface is refused while this one runs.
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "start", "veth0"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(r.stderr.contains("already runs"), "{}", r.stderr);
    // `guard stop` signals the loop, waits, detaches and unloads.
    let stop = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "stop", "veth0"]);
    stop.ok();
    assert_eq!(stop.json()["stopped_pid"], g.child.id());
    assert_eq!(stop.json()["killed"], false);
    let (code, log) = g.sigterm();
    assert_eq!(code, 0);
    assert_eq!(log.last().unwrap()["summary"]["reason"], "interrupted");
    assert_eq!(xdp_prog(&ns), None);
    let pid_s = before.unwrap().to_string();
    let r = sh("bpftool", &["prog", "show", "id", &pid_s]);
    assert_ne!(r.code, 0, "program {pid_s} still loaded");
}

/// Detached or unloaded under a running loop: the loop notices and ends (reason `detached`).
#[test]
fn the_loop_ends_when_its_program_is_detached_under_it() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let g = Guard::start(&ns, &fs, &["--interval", "0.2"]);
    ns.x0(&["--bpffs", fs.arg(), "unload", &guard_name(&ns, "veth0")])
        .ok();
    g.wait_for(
        |l| l.iter().any(|v| v.get("summary").is_some()),
        "the summary",
    );
    let (code, log) = g.sigterm();
    assert_eq!(code, 0);
    assert_eq!(log.last().unwrap()["summary"]["reason"], "detached");
    assert_eq!(xdp_prog(&ns), None);
}

#[test]
fn invalid_policy_exits_2_naming_the_field_and_attaches_nothing() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, "pps = 100\nttl = \"long\"\n").unwrap();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--policy",
        p.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`ttl`"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    for bad in [
        &["--pps", "0", "--syn-rate", "0"][..],
        &["--allow", "10.0.0.1/8"],
        &["--interval", "0"],
        &["--interval", "NaN"],
        &["--allow", "0.0.0.0/0"],
        &["--allow", "::/0"],
        &["--window", "inf"],
    ] {
        let mut a = vec!["--bpffs", fs.arg(), "guard", "start", "veth0"];
        a.extend_from_slice(bad);
        let r = ns.x0(&a);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
    // Not a regular file: refused, never read (a FIFO would block, /dev/zero never end).
    let fifo = dir.path().join("fifo");
    assert_eq!(sh("mkfifo", &[fifo.to_str().unwrap()]).code, 0);
    for p in [
        fifo.to_str().unwrap(),
        "/dev/zero",
        dir.path().to_str().unwrap(),
    ] {
        let r = ns.x0(&[
            "--bpffs",
            fs.arg(),
            "guard",
            "start",
            "veth0",
            "--policy",
            p,
        ]);
        assert_eq!(r.code, 2, "{p}: {}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    }
    assert_eq!(xdp_prog(&ns), None);
    assert!(!fs.dir.join("x0bpf").exists(), "nothing created");
}

#[test]
fn another_xdp_program_is_named_exit_8_unless_replace() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    let other = xdp_prog(&ns).unwrap();
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "start", "veth0"]);
    assert_eq!(r.code, 8, "{}", r.stderr);
    assert!(
        r.stderr.contains(&other.to_string()) && r.stderr.contains("xdp_count"),
        "{}",
        r.stderr
    );
    assert!(!guard_path(&ns, &fs, "veth0").exists(), "rolled back");
    let g = Guard::start(&ns, &fs, &["--replace"]);
    assert_ne!(xdp_prog(&ns), Some(other));
    let (code, _) = g.sigterm();
    assert_eq!(code, 0);
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog(&ns), None);
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
}

#[test]
fn unblock_removes_an_entry_and_an_unknown_one_is_exit_7() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let g = Guard::start(&ns, &fs, &[]);
    let (code, _) = g.sigterm();
    assert_eq!(code, 0);
    let l = {
        let d = guard_path(&ns, &fs, "veth0").join("maps/blocklist");
        x0bpf::sys::bpf::obj_get(&d).unwrap()
    };
    let mut v = [0u8; 32];
    v[..8].copy_from_slice(&(x0bpf::sys::process::boottime_ns() + 600 * S).to_ne_bytes());
    x0bpf::sys::map::update(
        l.as_fd(),
        Some(&Prefix::parse("10.7.0.0/16").unwrap().key()),
        &v,
        0,
    )
    .unwrap();
    assert_eq!(blocklist(&ns, &fs).len(), 1);
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "unblock", "10.7.0.1"]);
    assert_eq!(r.code, 7, "only the exact prefix: {}", r.stderr);
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "unblock", "10.7.0.1/16"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "--json",
        "guard",
        "unblock",
        "10.7.0.0/16",
        "--dev",
        "veth0",
    ]);
    r.ok();
    assert_eq!(r.json()["removed"][0]["prefix"], "10.7.0.0/16");
    assert!(blocklist(&ns, &fs).is_empty());
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
}

#[test]
fn a_pin_replaced_by_a_symlink_is_refused_not_followed() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let g = Guard::start(&ns, &fs, &[]);
    let (code, _) = g.sigterm();
    assert_eq!(code, 0);
    // The allowlist pin becomes a link to another map: a resumed loop that followed it would
    // sync (delete) that map's entries.
    let maps = guard_path(&ns, &fs, "veth0").join("maps");
    std::fs::rename(maps.join("allowlist"), maps.join("other")).unwrap();
    std::os::unix::fs::symlink(maps.join("other"), maps.join("allowlist")).unwrap();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "1",
    ]);
    assert_eq!(r.code, 4, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    std::fs::remove_file(maps.join("allowlist")).unwrap();
    std::fs::rename(maps.join("other"), maps.join("allowlist")).unwrap();
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
}

// ------------------------------------------------------------------ hostile use

fn as_nobody(ns: &NetNs, args: &[&str]) -> common::Run {
    let net = format!("--net={}", ns.path.display());
    let mut full = vec![
        net.as_str(),
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        common::bin(),
    ];
    full.extend_from_slice(args);
    sh("nsenter", &full)
}

#[test]
fn without_capabilities_every_guard_command_says_so_and_changes_nothing() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    for cmd in [
        &["guard", "start", "veth0"][..],
        &["guard", "status"],
        &["guard", "unblock", "10.0.0.1"],
        &["guard", "stop", "veth0"],
    ] {
        let mut a = vec!["--bpffs", fs.arg()];
        a.extend_from_slice(cmd);
        let r = as_nobody(&ns, &a);
        assert_eq!(r.code, 4, "{cmd:?}: {} {}", r.stdout, r.stderr);
        assert!(r.stderr.contains("CAP_BPF"), "{cmd:?}: {}", r.stderr);
    }
    assert!(!fs.dir.join("x0bpf").exists());
    assert_eq!(xdp_prog(&ns), None);
}

fn spawn_x0(ns: &NetNs, args: &[&str]) -> std::process::Child {
    let net = format!("--net={}", ns.path.display());
    std::process::Command::new("nsenter")
        .arg(&net)
        .arg(common::bin())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn parallel_starts_have_one_loop_and_parallel_stops_one_winner() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let kids: Vec<_> = (0..5)
        .map(|_| {
            spawn_x0(
                &ns,
                &[
                    "--bpffs",
                    fs.arg(),
                    "guard",
                    "start",
                    "veth0",
                    "--duration",
                    "4",
                ],
            )
        })
        .collect();
    let outs: Vec<_> = kids
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 8), "{codes:?}");
    for o in outs.iter().filter(|o| o.status.code() == Some(8)) {
        assert!(String::from_utf8_lossy(&o.stderr).contains("already runs"));
    }
    let kids: Vec<_> = (0..5)
        .map(|_| spawn_x0(&ns, &["--bpffs", fs.arg(), "guard", "stop", "veth0"]))
        .collect();
    let codes: Vec<i32> = kids
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 9), "{codes:?}");
    assert_eq!(xdp_prog(&ns), None);
    let left: Vec<_> = std::fs::read_dir(&fs.dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".debug"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_symlink_planted_as_the_guard_object_is_never_followed() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let victim = fs.dir.join("victim");
    std::fs::create_dir_all(victim.join("maps")).unwrap();
    std::fs::create_dir_all(fs.dir.join("x0bpf")).unwrap();
    std::os::unix::fs::symlink(&victim, guard_path(&ns, &fs, "veth0")).unwrap();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "0",
    ]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert_eq!(xdp_prog(&ns), None, "nothing attached");
    let inside: Vec<_> = std::fs::read_dir(victim.join("maps")).unwrap().collect();
    assert!(inside.is_empty(), "nothing pinned through the link");
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]);
    assert_eq!(r.code, 9, "a symlink is not a guard: {}", r.stderr);
    assert!(victim.join("maps").exists(), "the target is left alone");
}

#[test]
fn an_object_that_only_took_a_guard_name_is_never_touched() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let name = guard_name(&ns, "veth0");
    fs.x0(&["load", "xdp_counter", "--name", &name]).ok();
    for cmd in [
        &["guard", "start", "veth0"][..],
        &["guard", "stop", "veth0"],
    ] {
        let mut a = vec!["--bpffs", fs.arg()];
        a.extend_from_slice(cmd);
        let r = ns.x0(&a);
        assert_eq!(r.code, 8, "{cmd:?}: {}", r.stderr);
        assert!(r.stderr.contains("not a guard"), "{}", r.stderr);
    }
    let r = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status"]);
    r.ok();
    assert_eq!(r.json()["guards"], serde_json::json!([]));
    assert!(
        fs.dir
            .join("x0bpf")
            .join(&name)
            .join("progs/xdp_count")
            .exists(),
        "left alone"
    );
    assert_eq!(xdp_prog(&ns), None);
    fs.x0(&["unload", &name]).ok();
}

/// The offender history stays bounded: a prefix not blocked for `forget_after` is dropped from
/// the pinned map at the next round.
#[test]
fn forgotten_offenders_are_pruned_from_the_history_map() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "0",
    ])
    .ok();
    let off =
        x0bpf::sys::bpf::obj_get(&guard_path(&ns, &fs, "veth0").join("maps/offenders")).unwrap();
    // Right at any uptime (issue 18 §1: "two hours ago" as boottime − 7200 s saturated at 0
    // on a machine up less than two hours, so it was not forgotten): forget after 5 s, the
    // old one last blocked 1 ns after boot, the recent one now. The old one is 5 s old once
    // the machine is up 5 s; the recent one has 5 s to spare for the start below.
    const FORGET_S: u64 = 5;
    while x0bpf::sys::process::boottime_ns() < (FORGET_S + 1) * S {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let now = x0bpf::sys::process::boottime_ns();
    let put = |p: &str, last_ns: u64| {
        let mut v = [0u8; 24];
        v[0..4].copy_from_slice(&3u32.to_ne_bytes());
        v[8..16].copy_from_slice(&last_ns.to_ne_bytes());
        x0bpf::sys::map::update(off.as_fd(), Some(&Prefix::parse(p).unwrap().key()), &v, 0)
            .unwrap();
    };
    put("10.1.0.1", 1); // 1 ns after boot: at least FORGET_S ago, forgotten
    put("10.1.0.2", now); // recent: kept
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, format!("forget_after = {FORGET_S}\n")).unwrap();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "guard",
        "start",
        "veth0",
        "--duration",
        "0",
        "--policy",
        p.to_str().unwrap(),
    ])
    .ok();
    let has = |a: &str| {
        let mut v = [0u8; 24];
        x0bpf::sys::map::lookup(off.as_fd(), Some(&Prefix::parse(a).unwrap().key()), &mut v)
            .unwrap()
    };
    assert!(!has("10.1.0.1"), "forgotten offender pruned");
    assert!(has("10.1.0.2"), "recent offender kept");
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]).ok();
}

/// `eth` with VLAN tags (TPID, VID) inserted before the EtherType.
fn tagged(f: &[u8], tags: &[(u16, u16)]) -> Vec<u8> {
    let mut out = f[..12].to_vec();
    for (tpid, vid) in tags {
        out.extend_from_slice(&tpid.to_be_bytes());
        out.extend_from_slice(&vid.to_be_bytes());
    }
    out.extend_from_slice(&f[12..]);
    out
}

/// Review regression: the kernel delivers priority-tagged frames (VID 0) to the untagged
/// interface, so a blocked source used to pass by tagging its frames (seen on a veth).
#[test]
fn xdp_guard_blocks_and_counts_vlan_tagged_frames() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let far = x0bpf::sys::process::boottime_ns() + 3600 * S;
    block(&l, "10.9.0.5", far);
    let f = v4_frame("10.9.0.5", 17, &[0u8; 16]);
    assert_eq!(run(&l, &tagged(&f, &[(0x8100, 0)]), 2), XDP_DROP);
    assert_eq!(
        run(&l, &tagged(&f, &[(0x88a8, 7), (0x8100, 0)]), 3),
        XDP_DROP
    );
    assert_eq!(block_counts(&l, "10.9.0.5").0, 5);
    let g = v4_frame("10.9.0.6", 6, &tcp(0x02));
    assert_eq!(run(&l, &tagged(&g, &[(0x8100, 0)]), 4), XDP_PASS);
    assert_eq!(
        source_counts(&l, "10.9.0.6").map(|c| (c.0, c.2)),
        Some((4, 4))
    );
    // A truncated tag passes untouched.
    assert_eq!(run(&l, &tagged(&f, &[(0x8100, 0)])[..16], 1), XDP_PASS);
}

/// Review regression: a host entry that expired inside a live /24 (the host was blocked
/// before its /24 was) shadowed the /24 in the LPM trie until the loop deleted it, so with
/// the loop dead the host passed. The allowlist still wins.
#[test]
fn xdp_guard_an_expired_host_entry_does_not_shadow_its_live_prefix() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let now = x0bpf::sys::process::boottime_ns();
    block(&l, "10.9.0.0/24", now + 3600 * S);
    block(&l, "10.9.0.5", now - 1);
    block(&l, "2001:db8:1:2::/64", now + 3600 * S);
    block(&l, "2001:db8:1:2::9", now - 1);
    let f = v4_frame("10.9.0.5", 17, &[0u8; 16]);
    assert_eq!(run(&l, &f, 2), XDP_DROP);
    assert_eq!(block_counts(&l, "10.9.0.0/24").0, 2);
    assert_eq!(
        run(&l, &v6_frame("2001:db8:1:2::9", &[0u8; 8]), 1),
        XDP_DROP
    );
    // Both expired: passes.
    block(&l, "10.9.0.0/24", now - 1);
    assert_eq!(run(&l, &f, 1), XDP_PASS);
    // Allowlisted inside a live /24 with an expired host entry: passes.
    block(&l, "10.9.0.0/24", now + 3600 * S);
    x0bpf::sys::map::update(
        l.allowlist.as_fd(),
        Some(&Prefix::parse("10.9.0.5").unwrap().key()),
        &1u32.to_ne_bytes(),
        0,
    )
    .unwrap();
    assert_eq!(run(&l, &f, 1), XDP_PASS);
}

/// Review regression: an IPv6 packet from `::ffff:a.b.c.d` was counted (and blocked) as the
/// IPv4 host a.b.c.d. The kernel drops such packets: they pass uncounted.
#[test]
fn xdp_guard_does_not_count_v4_mapped_ipv6_sources_as_ipv4() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let f = v6_frame("::ffff:10.9.0.5", &[0u8; 8]);
    assert_eq!(run(&l, &f, 5), XDP_PASS);
    assert_eq!(source_counts(&l, "10.9.0.5"), None);
    block(
        &l,
        "10.9.0.5",
        x0bpf::sys::process::boottime_ns() + 3600 * S,
    );
    assert_eq!(run(&l, &f, 1), XDP_PASS);
    assert_eq!(block_counts(&l, "10.9.0.5").0, 0);
    assert_eq!(run(&l, &v4_frame("10.9.0.5", 17, &[0u8; 8]), 1), XDP_DROP);
}

/// Review regression: a non-first IPv4 fragment's payload was parsed as a TCP header, so its
/// bytes could count as SYNs. Malformed headers pass without crashing.
#[test]
fn xdp_guard_fragments_and_malformed_ipv4() {
    let fs = Bpffs::new();
    let l = load_guard(&fs, &format!("g{}", common::unique()));
    let mut frag = v4_frame("10.9.0.7", 6, &tcp(0x02));
    frag[14 + 6..14 + 8].copy_from_slice(&0x0010u16.to_be_bytes()); // offset 128 bytes
    assert_eq!(run(&l, &frag, 3), XDP_PASS);
    assert_eq!(
        source_counts(&l, "10.9.0.7").map(|c| (c.0, c.2)),
        Some((3, 0))
    );
    let mut first = v4_frame("10.9.0.8", 6, &tcp(0x02));
    first[14 + 6..14 + 8].copy_from_slice(&0x2000u16.to_be_bytes()); // MF, offset 0
    assert_eq!(run(&l, &first, 1), XDP_PASS);
    assert_eq!(source_counts(&l, "10.9.0.8").map(|c| c.2), Some(1));
    // IP options (ihl 6): the TCP header is found after them.
    let mut opt = v4_frame(
        "10.9.0.9",
        6,
        &[[1u8, 1, 1, 0].as_slice(), &tcp(0x02)].concat(),
    );
    opt[14] = 0x46;
    assert_eq!(run(&l, &opt, 1), XDP_PASS);
    assert_eq!(source_counts(&l, "10.9.0.9").map(|c| c.2), Some(1));
    // Truncated or bogus headers: pass, nothing counted.
    let ok = v4_frame("10.9.0.10", 17, &[0u8; 8]);
    assert_eq!(run(&l, &ok[..14 + 19], 1), XDP_PASS);
    let mut bad = ok.clone();
    bad[14] = 0x44; // ihl 4
    assert_eq!(run(&l, &bad, 1), XDP_PASS);
    assert_eq!(source_counts(&l, "10.9.0.10"), None);
}

/// Review regression: `guard stop` signalled whatever process had the recorded pid and start
/// time. The process must also hold the guard's `state` map: an unrelated one never is
/// reported as the loop, never blocks a new start, and is never signalled.
#[test]
fn a_recorded_pid_of_another_process_is_never_signalled() {
    struct Victim(std::process::Child);
    impl Drop for Victim {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let start = |d: &str| {
        ns.x0(&[
            "--bpffs",
            fs.arg(),
            "guard",
            "start",
            "veth0",
            "--duration",
            d,
        ])
    };
    let r = start("0");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut victim = Victim(
        std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .unwrap(),
    );
    let pid = victim.0.id();
    let born = x0bpf::sys::process::start_time(pid).unwrap();
    let state =
        x0bpf::sys::bpf::obj_get(&guard_path(&ns, &fs, "veth0").join("maps/state")).unwrap();
    let mut v = [0u8; 32];
    v[0..4].copy_from_slice(&pid.to_ne_bytes());
    v[8..16].copy_from_slice(&born.to_ne_bytes());
    x0bpf::sys::map::update(state.as_fd(), Some(&0u32.to_ne_bytes()), &v, 0).unwrap();
    let r = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status", "veth0"]);
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["guards"][0]["running"], false, "{}", r.stdout);
    let r = start("0");
    assert_eq!(r.code, 0, "not refused as running: {}", r.stderr);
    x0bpf::sys::map::update(state.as_fd(), Some(&0u32.to_ne_bytes()), &v, 0).unwrap();
    drop(state);
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "veth0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("stopped the guard loop"), "{}", r.stdout);
    assert!(victim.0.try_wait().unwrap().is_none(), "the process lives");
    assert!(!fs.dir.join("x0bpf").exists());
}

// ------------------------------------------------------------------ issue 27 #2: keyed state

/// The XDP program id on IFACE in `ns`, per `ip -j link`.
fn xdp_prog_on(ns: &NetNs, iface: &str) -> Option<u64> {
    let r = ns.ip(&["-j", "link", "show", iface]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v[0]["xdp"]["prog"]["id"].as_u64()
}

fn guard_objects(fs: &Bpffs) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fs.dir.join("x0bpf"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("guard-"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Issue 27 #2: `veth0` in two namespaces is two guards; `--netns B guard stop veth0` stops
/// B's only (it used to stop, detach and unload A's).
#[test]
fn guards_of_same_named_interfaces_in_two_namespaces_are_apart() {
    let a = NetNs::new();
    let b = NetNs::new();
    let fs = Bpffs::new();
    for ns in [&a, &b] {
        common::x0(&[
            "--bpffs",
            fs.arg(),
            "--netns",
            &ns.name,
            "guard",
            "start",
            "veth0",
            "--duration",
            "0",
        ])
        .ok();
    }
    let (pa, pb) = (xdp_prog_on(&a, "veth0"), xdp_prog_on(&b, "veth0"));
    assert!(pa.is_some() && pb.is_some() && pa != pb, "{pa:?} {pb:?}");
    let mut want = vec![guard_name(&a, "veth0"), guard_name(&b, "veth0")];
    want.sort();
    assert_eq!(guard_objects(&fs), want);
    let x0_in = |ns: &NetNs, args: &[&str]| {
        let mut full = vec!["--bpffs", fs.arg(), "--netns", ns.name.as_str()];
        full.extend_from_slice(args);
        common::x0(&full)
    };
    // status IFACE in each namespace shows that namespace's guard.
    for ns in [&a, &b] {
        let r = x0_in(ns, &["--json", "guard", "status", "veth0"]);
        r.ok();
        let g = &r.json()["guards"];
        assert_eq!(g.as_array().unwrap().len(), 1, "{g}");
        assert_eq!(g[0]["object"], guard_name(ns, "veth0").as_str());
        assert_eq!(g[0]["attached"], true);
    }
    x0_in(&b, &["guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog_on(&b, "veth0"), None, "B's guard is gone");
    assert_eq!(xdp_prog_on(&a, "veth0"), pa, "A's guard is untouched");
    assert_eq!(guard_objects(&fs), vec![guard_name(&a, "veth0")]);
    let r = x0_in(&b, &["guard", "stop", "veth0"]);
    assert_eq!(r.code, 9, "no guard left in B: {}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    let r = x0_in(&b, &["guard", "status", "veth0"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(xdp_prog_on(&a, "veth0"), pa);
    // Whole-store status lists A's guard with its namespace.
    let r = fs.x0(&["--json", "guard", "status"]);
    r.ok();
    let g = &r.json()["guards"];
    assert_eq!(g.as_array().unwrap().len(), 1, "{g}");
    assert_eq!(g[0]["interface"], "veth0");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        g[0]["netns"].as_u64(),
        Some(std::fs::metadata(&a.path).unwrap().ino())
    );
    x0_in(&a, &["guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog_on(&a, "veth0"), None);
    assert!(guard_objects(&fs).is_empty());
}

/// Issue 27 #2: `rt.a` and `rt_a` both folded to `guard-rt_a`, so `guard stop rt.a` tore down
/// `rt_a`'s guard. Each interface has its own.
#[test]
fn interface_names_that_fold_alike_have_their_own_guards() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // veth pairs (this kernel has no dummy driver); both ends up.
    for (i, peer) in [("rt.a", "rtpeer1"), ("rt_a", "rtpeer2")] {
        ns.ip(&["link", "add", i, "type", "veth", "peer", "name", peer]);
        ns.ip(&["link", "set", i, "up"]);
        ns.ip(&["link", "set", peer, "up"]);
    }
    for i in ["rt.a", "rt_a"] {
        ns.x0(&["--bpffs", fs.arg(), "guard", "start", i, "--duration", "0"])
            .ok();
    }
    let keep = xdp_prog_on(&ns, "rt_a");
    assert!(keep.is_some() && xdp_prog_on(&ns, "rt.a").is_some());
    let mut want = vec![guard_name(&ns, "rt.a"), guard_name(&ns, "rt_a")];
    want.sort();
    assert_eq!(guard_objects(&fs), want);
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "rt.a"]).ok();
    assert_eq!(xdp_prog_on(&ns, "rt.a"), None);
    assert_eq!(xdp_prog_on(&ns, "rt_a"), keep, "rt_a's guard is untouched");
    assert_eq!(guard_objects(&fs), vec![guard_name(&ns, "rt_a")]);
    let r = ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "rt.a"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    let r = ns.x0(&["--bpffs", fs.arg(), "--json", "guard", "status", "rt_a"]);
    r.ok();
    assert_eq!(
        r.json()["guards"][0]["object"],
        guard_name(&ns, "rt_a").as_str()
    );
    ns.x0(&["--bpffs", fs.arg(), "guard", "stop", "rt_a"]).ok();
    assert_eq!(xdp_prog_on(&ns, "rt_a"), None);
    assert!(guard_objects(&fs).is_empty());
}

/// A guard an older x0bpf made (`guard-IFACE`) stays discoverable: status finds it, start
/// resumes it, stop removes it; and a guard whose interface is gone is still stopped by name.
#[test]
fn older_guard_names_and_gone_interfaces_are_still_found() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let x0 = |args: &[&str]| {
        let mut full = vec!["--bpffs", fs.arg()];
        full.extend_from_slice(args);
        ns.x0(&full)
    };
    x0(&["load", "xdp_guard", "--name", "guard-veth0"]).ok();
    x0(&["attach", "xdp", "veth0", "--prog", "guard-veth0"]).ok();
    let r = x0(&["--json", "guard", "status", "veth0"]);
    r.ok();
    assert_eq!(r.json()["guards"][0]["object"], "guard-veth0");
    let r = x0(&["--json", "guard", "start", "veth0", "--duration", "0"]);
    r.ok();
    let header: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(header["header"]["object"], "guard-veth0", "{header}");
    assert_eq!(header["header"]["resumed"], true, "{header}");
    assert_eq!(guard_objects(&fs), vec!["guard-veth0".to_string()]);
    x0(&["guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog(&ns), None);
    assert!(guard_objects(&fs).is_empty());
    // The interface goes while its guard is loaded: `stop` still finds it by its records.
    ns.ip(&[
        "link", "add", "rtg0", "type", "veth", "peer", "name", "rtg0p",
    ]);
    ns.ip(&["link", "set", "rtg0", "up"]);
    ns.ip(&["link", "set", "rtg0p", "up"]);
    x0(&["guard", "start", "rtg0", "--duration", "0"]).ok();
    let name = guard_name(&ns, "rtg0");
    ns.ip(&["link", "del", "rtg0"]);
    let r = x0(&["guard", "stop", "rtg0"]);
    r.ok();
    assert!(r.stdout.contains(&name), "{}", r.stdout);
    assert!(guard_objects(&fs).is_empty());
}

/// x0bpf with this bpffs and `--netns NS` (so hints must repeat both).
fn x0_netns(ns: &NetNs, fs: &Bpffs, args: &[&str]) -> common::Run {
    let mut a = vec!["--bpffs", fs.arg(), "--netns", ns.name.as_str()];
    a.extend_from_slice(args);
    common::x0(&a)
}

/// Issue 20 §3 / 28: `guard start --dry-run` leaves the interface and the store as it found
/// them. No guard there: it sets one up to watch, then detaches and unloads it. A guard
/// there: it stays attached, with its allowlist and count. The exit hint names `guard stop`
/// with this invocation's global options, and only when a guard is left to stop.
#[test]
fn dry_run_leaves_nothing_it_did_not_find() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let stop_hint = format!(
        "`x0bpf --bpffs {} --netns {} guard stop veth0`",
        fs.arg(),
        ns.name
    );
    let r = x0_netns(
        &ns,
        &fs,
        &["guard", "start", "veth0", "--dry-run", "--duration", "0"],
    );
    r.ok();
    assert_eq!(xdp_prog(&ns), None, "dry run left xdp_guard attached");
    assert!(
        !guard_path(&ns, &fs, "veth0").exists(),
        "dry run left the guard loaded"
    );
    assert!(
        !r.stderr.contains("guard stop"),
        "nothing to stop: {}",
        r.stderr
    );
    let st = x0_netns(&ns, &fs, &["guard", "status", "veth0"]);
    assert_eq!(st.code, 9, "{}", st.stderr);
    // The same as JSON (the header says dry_run), and nothing left either.
    let r = x0_netns(
        &ns,
        &fs,
        &[
            "-j",
            "guard",
            "start",
            "veth0",
            "--dry-run",
            "--duration",
            "0",
        ],
    );
    r.ok();
    assert_eq!(xdp_prog(&ns), None);
    assert!(!guard_path(&ns, &fs, "veth0").exists());
    // A guard object loaded but not attached: attached for the run, detached after, still
    // loaded.
    let name = guard_name(&ns, "veth0");
    x0_netns(&ns, &fs, &["load", "xdp_guard", "--name", &name]).ok();
    let r = x0_netns(
        &ns,
        &fs,
        &["guard", "start", "veth0", "--dry-run", "--duration", "0"],
    );
    r.ok();
    assert!(r.stderr.contains("stays loaded"), "{}", r.stderr);
    assert_eq!(xdp_prog(&ns), None, "left attached");
    assert!(
        guard_path(&ns, &fs, "veth0").join("progs").exists(),
        "unloaded what it found"
    );
    x0_netns(&ns, &fs, &["unload", &name]).ok();
    // A dry run never takes an interface over.
    let r = x0_netns(
        &ns,
        &fs,
        &[
            "guard",
            "start",
            "veth0",
            "--dry-run",
            "--replace",
            "--duration",
            "0",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A real guard: its hint repeats --bpffs and --netns.
    let r = x0_netns(&ns, &fs, &["guard", "start", "veth0", "--duration", "0"]);
    r.ok();
    assert!(r.stderr.contains(&stop_hint), "{}", r.stderr);
    let id = xdp_prog(&ns).expect("guard attached");
    // A dry run over it (with an allowlist of its own) leaves it as it was.
    let r = x0_netns(
        &ns,
        &fs,
        &[
            "guard",
            "start",
            "veth0",
            "--dry-run",
            "--duration",
            "0",
            "--allow",
            "10.9.0.0/16",
        ],
    );
    r.ok();
    assert!(
        r.stderr.contains(&stop_hint),
        "a guard is left: {}",
        r.stderr
    );
    assert_eq!(xdp_prog(&ns), Some(id), "the guard found stays attached");
    let v = x0_netns(&ns, &fs, &["-j", "guard", "status", "veth0"]);
    v.ok();
    let g = &v.json()["guards"][0];
    assert_eq!(g["attached"], true);
    assert_eq!(g["running"], false);
    assert_eq!(
        g["allowlist"], 0,
        "the dry run's allowlist stays its own: {g}"
    );
    x0_netns(&ns, &fs, &["guard", "stop", "veth0"]).ok();
    assert_eq!(xdp_prog(&ns), None);
}

/// A loop in text mode, its stderr collected; started with `--netns`.
fn spawn_text_guard(ns: &NetNs, fs: &Bpffs, extra: &[&str]) -> std::process::Child {
    let mut child = std::process::Command::new(common::bin())
        .args(["--bpffs", fs.arg(), "--netns", ns.name.as_str()])
        .args(["guard", "start", "veth0"])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn guard");
    // The running pid is recorded before the banner: then `guard stop` finds the loop.
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert!(line.contains("guarding veth0"), "{line}");
    child.stderr = Some(err.into_inner());
    child
}

fn rest_of_stderr(mut c: std::process::Child) -> (i32, String) {
    let mut s = String::new();
    std::io::Read::read_to_string(c.stderr.as_mut().unwrap(), &mut s).unwrap();
    (c.wait().unwrap().code().unwrap_or(-1), s)
}

/// `guard stop` removes everything: the loop it ends must not hint at `guard stop`; a dry
/// run it ends leaves the removal to it (no wait for the lock stop holds, no SIGKILL).
#[test]
fn a_loop_ended_by_guard_stop_does_not_hint_at_guard_stop() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    for extra in [&[][..], &["--dry-run"][..]] {
        let c = spawn_text_guard(&ns, &fs, extra);
        let r = x0_netns(&ns, &fs, &["-j", "guard", "stop", "veth0"]);
        r.ok();
        assert_eq!(r.json()["killed"], false, "{extra:?}: {}", r.stdout);
        let (code, err) = rest_of_stderr(c);
        assert_eq!(code, 0, "{extra:?}: {err}");
        assert!(err.contains("stopped after"), "{extra:?}: {err}");
        assert!(
            !err.contains("guard stop"),
            "{extra:?}: nothing is left: {err}"
        );
        assert_eq!(xdp_prog(&ns), None);
        assert!(!guard_path(&ns, &fs, "veth0").exists());
    }
    // Ctrl-C (SIGINT) of a dry run that set the guard up: removed too.
    let c = spawn_text_guard(&ns, &fs, &["--dry-run"]);
    // SAFETY: kill on our own child's pid.
    unsafe { libc::kill(c.id() as i32, libc::SIGINT) };
    let (code, err) = rest_of_stderr(c);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("guard stop"), "{err}");
    assert_eq!(xdp_prog(&ns), None);
    assert!(!guard_path(&ns, &fs, "veth0").exists());
}

/// `guard start`'s defaults are in its --help and man page, and they are Policy's.
#[test]
fn guard_start_help_and_man_page_give_the_defaults() {
    let d = Policy::default();
    let help = common::x0(&["guard", "start", "--help"]);
    help.ok();
    let man = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/x0bpf-guard.1"))
        .unwrap()
        .replace("\\-", "-");
    for (flag, v) in [
        ("--pps", d.pps.to_string()),
        ("--bps", d.bps.to_string()),
        ("--syn-rate", d.syn_rate.to_string()),
        ("--ttl", d.ttl.to_string()),
        ("--interval", d.interval.to_string()),
        ("--window", d.window.to_string()),
        ("--max-blocked", d.max_blocked.to_string()),
    ] {
        let want = format!("[default: {v}");
        for (what, text) in [("--help", &help.stdout), ("man page", &man)] {
            let at = text
                .find(&format!("{flag} <"))
                .or_else(|| text.find(&format!("{flag}\\fR \\fI<")))
                .unwrap_or_else(|| panic!("{what}: no {flag}"));
            let section: String = text[at..]
                .chars()
                .take(400)
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                section.contains(&want),
                "{what} {flag}: want {want} in {section}"
            );
        }
    }
    for (field, v) in [
        ("relative", d.relative.to_string()),
        ("baseline_alpha", d.baseline_alpha.to_string()),
        ("backoff", d.backoff.to_string()),
        ("max_ttl", d.max_ttl.to_string()),
        ("forget_after", d.forget_after.to_string()),
        ("prefix_sources", d.prefix_sources.to_string()),
    ] {
        let want = format!("{field} {v}");
        let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat(&help.stdout).contains(&want), "--help: {want}");
        assert!(flat(&man).contains(&want), "man page: {want}");
    }
}
