//! `x0bpf events [--type drop|tcp|retrans] [--count N] [--duration D]`: network events as they
//! happen — packet drops with the kernel's drop reason (names from the running kernel's BTF),
//! TCP state changes and retransmits — as lines or a JSON Lines stream (docs/JSON.md,
//! "Streams"). Loads its own net_events instance on raw tracepoints through links only this
//! process holds: nothing pinned, nothing left behind even when killed. Records the ring buffer
//! could not take are counted by the program and reported in the summary.
use std::collections::HashMap;
use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use libbpf_rs::MapCore;

use super::stats::{decode, percpu_sum};
use crate::error::{ErrorKind, X0Error};
use crate::output::SCHEMA_VERSION;
use crate::stream::{self, Out};
use crate::sys::ringbuf::RingBuf;
use crate::Ctx;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventType {
    /// Packet drops (skb:kfree_skb), with the drop reason on Linux 5.17+
    Drop,
    /// TCP state changes (sock:inet_sock_set_state)
    Tcp,
    /// TCP retransmits (tcp:tcp_retransmit_skb)
    Retrans,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which events (repeat or comma-separate) [default: all]
    #[arg(long = "type", value_enum, value_delimiter = ',', value_name = "TYPE")]
    pub types: Vec<EventType>,
    /// Stop after exactly N events
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this long (`10s`, `500ms`, `2m`; a bare number is seconds)
    #[arg(long, value_name = "D", value_parser = super::tail::parse_duration)]
    pub duration: Option<Duration>,
}

/// `struct net_event` of bpf/net_events.bpf.c (the skeleton emits only types maps use; a
/// ring buffer's record type is not one). `event_layout_matches_the_object` checks it against
/// the object's BTF.
#[repr(C)]
#[derive(Clone, Copy, Default)]
#[allow(non_camel_case_types)]
pub struct net_event {
    pub ts_ns: u64,
    pub r#type: u32,
    pub pid: u32,
    pub comm: [std::ffi::c_char; 16],
    pub reason: u32,
    pub old_state: i32,
    pub new_state: i32,
    pub ifindex: u32,
    pub len: u32,
    pub family: u16,
    pub protocol: u16,
    pub sport: u16,
    pub dport: u16,
    pub eth_proto: u16,
    pub pad: u16,
    pub saddr: [u8; 16],
    pub daddr: [u8; 16],
}

pub fn tcp_state_name(s: i32) -> String {
    match s {
        1 => "ESTABLISHED".into(),
        2 => "SYN_SENT".into(),
        3 => "SYN_RECV".into(),
        4 => "FIN_WAIT1".into(),
        5 => "FIN_WAIT2".into(),
        6 => "TIME_WAIT".into(),
        7 => "CLOSE".into(),
        8 => "CLOSE_WAIT".into(),
        9 => "LAST_ACK".into(),
        10 => "LISTEN".into(),
        11 => "CLOSING".into(),
        12 => "NEW_SYN_RECV".into(),
        n => format!("STATE_{n}"),
    }
}

fn addr(family: u16, a: &[u8; 16]) -> Option<String> {
    match family {
        2 => Some(std::net::Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string()),
        10 => Some(std::net::Ipv6Addr::from(*a).to_string()),
        _ => None,
    }
}

fn comm(c: &[std::ffi::c_char; 16]) -> String {
    let b: Vec<u8> = c
        .iter()
        .take_while(|x| **x != 0)
        .map(|x| *x as u8)
        .collect();
    String::from_utf8_lossy(&b).into_owned()
}

struct Decoder {
    reasons: Option<HashMap<u32, String>>,
    /// Wall clock minus monotonic clock, to turn bpf_ktime_get_ns into a time of day.
    offset_ns: i128,
}

impl Decoder {
    fn reason(&self, code: u32) -> Option<String> {
        let r = self.reasons.as_ref()?;
        Some(
            r.get(&code)
                .cloned()
                .unwrap_or_else(|| format!("REASON_{code}")),
        )
    }

    fn json(&self, e: &net_event) -> serde_json::Value {
        let kind = match e.r#type {
            1 => "drop",
            2 => "tcp_state",
            3 => "retransmit",
            _ => "unknown",
        };
        let mut v = serde_json::json!({
            "type": kind,
            "ts_ns": e.ts_ns,
            "time_unix_ns": (e.ts_ns as i128 + self.offset_ns).max(0) as u64,
            "pid": e.pid,
            "comm": comm(&e.comm),
            "family": match e.family { 2 => Some("ipv4"), 10 => Some("ipv6"), _ => None },
            "protocol": (e.family != 0).then(|| super::stats::ip_proto_name(e.protocol as u8)),
            "saddr": addr(e.family, &e.saddr),
            "sport": e.sport,
            "daddr": addr(e.family, &e.daddr),
            "dport": e.dport,
        });
        let o = v.as_object_mut().expect("object");
        match e.r#type {
            1 => {
                o.insert("reason".into(), self.reason(e.reason).into());
                o.insert("reason_code".into(), e.reason.into());
                o.insert("ifindex".into(), e.ifindex.into());
                o.insert("len".into(), e.len.into());
                o.insert("eth_proto".into(), format!("0x{:04x}", e.eth_proto).into());
            }
            2 => {
                o.insert("old_state".into(), tcp_state_name(e.old_state).into());
                o.insert("new_state".into(), tcp_state_name(e.new_state).into());
            }
            3 => {
                o.insert("state".into(), tcp_state_name(e.old_state).into());
            }
            _ => {}
        }
        v
    }

    fn line(&self, e: &net_event) -> String {
        let ep = |a: Option<String>, p: u16| match a {
            Some(a) if a.contains(':') => format!("[{a}]:{p}"),
            Some(a) => format!("{a}:{p}"),
            None => "-".into(),
        };
        let wall = (e.ts_ns as i128 + self.offset_ns).max(0) as u64;
        let secs = wall / 1_000_000_000;
        let t = format!(
            "{:02}:{:02}:{:02}.{:06}",
            (secs / 3600) % 24,
            (secs / 60) % 60,
            secs % 60,
            (wall % 1_000_000_000) / 1000
        );
        let src = ep(addr(e.family, &e.saddr), e.sport);
        let dst = ep(addr(e.family, &e.daddr), e.dport);
        let proto = if e.family != 0 {
            super::stats::ip_proto_name(e.protocol as u8)
        } else {
            format!("eth 0x{:04x}", e.eth_proto)
        };
        match e.r#type {
            1 => format!(
                "{t} drop {} {proto} {src} -> {dst} len {} ifindex {} pid {} ({})",
                self.reason(e.reason).unwrap_or_else(|| "-".into()),
                e.len,
                e.ifindex,
                e.pid,
                comm(&e.comm)
            ),
            2 => format!(
                "{t} tcp {} -> {} {src} -> {dst} pid {} ({})",
                tcp_state_name(e.old_state),
                tcp_state_name(e.new_state),
                e.pid,
                comm(&e.comm)
            ),
            3 => format!(
                "{t} retrans {src} -> {dst} state {} pid {} ({})",
                tcp_state_name(e.old_state),
                e.pid,
                comm(&e.comm)
            ),
            n => format!("{t} unknown event type {n}"),
        }
    }
}

pub fn run(a: &Args, ctx: &Ctx) -> anyhow::Result<i32> {
    // Loading and attaching to tracepoints: say what is missing before libbpf fails vaguely.
    crate::sys::caps::require_bpf("x0bpf events")?;
    crate::sys::caps::require_cap(
        crate::sys::caps::CAP_PERFMON,
        "CAP_PERFMON",
        "attaching to tracepoints (x0bpf events)",
    )?;
    let types: Vec<EventType> = if a.types.is_empty() {
        vec![EventType::Drop, EventType::Tcp, EventType::Retrans]
    } else {
        a.types.clone()
    };
    // Drop reasons: the enum of the running kernel, or none (before 5.17).
    let reasons = crate::probe::kernel_enum("skb_drop_reason").map(|v| {
        v.into_iter()
            .map(|(n, s)| {
                (
                    n as u32,
                    s.trim_start_matches("SKB_DROP_REASON_").to_string(),
                )
            })
            .collect::<HashMap<u32, String>>()
    });
    let wants = |t| types.contains(&t);
    let mut progs = Vec::new();
    if wants(EventType::Drop) {
        progs.push("on_kfree_skb");
    }
    if wants(EventType::Tcp) {
        progs.push("on_sock_set_state");
    }
    if wants(EventType::Retrans) {
        progs.push("on_tcp_retransmit");
    }
    let sets = vec![(
        "has_drop_reason".to_string(),
        if reasons.is_some() { "1" } else { "0" }.to_string(),
    )];
    let mut eph = crate::attach::ephemeral::load("net_events", &sets, &progs)?;
    for (p, tp) in [
        ("on_kfree_skb", "kfree_skb"),
        ("on_sock_set_state", "inet_sock_set_state"),
        ("on_tcp_retransmit", "tcp_retransmit_skb"),
    ] {
        if progs.contains(&p) {
            eph.raw_tracepoint(p, tp)?;
        }
    }
    if wants(EventType::Drop) && reasons.is_none() {
        eprintln!(
            "x0bpf: this kernel has no drop reasons (enum skb_drop_reason, Linux 5.17+): drops are shown without a reason"
        );
    }
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0);
    let dec = Decoder {
        reasons,
        offset_ns: wall - crate::sys::monotonic_ns() as i128,
    };
    let json = ctx.fmt.json;
    stream::install_stop_signals();
    let rb_fd = eph.map_fd("events")?;
    let mut rb = RingBuf::new(rb_fd.as_fd(), 256 * 1024)
        .map_err(|e| X0Error::os("mapping the events ring buffer", &e))?;
    let _ = rb.watch(1, 0, 1);
    let mut out = Out::stdout();
    let names: Vec<&str> = types
        .iter()
        .map(|t| match t {
            EventType::Drop => "drop",
            EventType::Tcp => "tcp",
            EventType::Retrans => "retrans",
        })
        .collect();
    eprintln!("x0bpf: watching {} events", names.join(", "));
    let res = (|| -> io::Result<(u64, &'static str)> {
        if json {
            let h = serde_json::json!({
                "types": names,
                "drop_reasons": if dec.reasons.is_some() { "kernel BTF (enum skb_drop_reason)" } else { "unavailable on this kernel (Linux 5.17+)" },
                "records": "events",
            });
            out.write_all(
                format!(
                    "{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"events\",\"header\":{h}}}\n"
                )
                .as_bytes(),
            )?;
            out.flush()?;
        }
        let deadline = a.duration.map(|d| Instant::now() + d);
        let limit = a.count.unwrap_or(u64::MAX);
        let mut n = 0u64;
        let mut line = Vec::with_capacity(512);
        loop {
            if n >= limit {
                return Ok((n, "count"));
            }
            if stream::stopped() {
                return Ok((n, "interrupted"));
            }
            let mut ended = false;
            let got = rb.consume(limit - n, |rec| -> io::Result<()> {
                // A producer that keeps the buffer non-empty must not outlast --duration.
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    ended = true;
                    return Err(io::Error::from(io::ErrorKind::Interrupted));
                }
                line.clear();
                if rec.len() < std::mem::size_of::<net_event>() {
                    return Ok(());
                }
                let e: net_event = decode(rec);
                if json {
                    serde_json::to_writer(&mut line, &dec.json(&e))?;
                } else {
                    line.extend_from_slice(dec.line(&e).as_bytes());
                }
                line.push(b'\n');
                n += 1;
                out.write_all(&line)
            });
            // Its own ring buffer, gone with this process: consumed as soon as read.
            rb.commit();
            let got = match got {
                Err(e) if ended && e.kind() == io::ErrorKind::Interrupted => {
                    return Ok((n, "duration"))
                }
                other => other?,
            };
            if got > 0 {
                continue;
            }
            out.flush()?;
            let timeout = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok((n, "duration"));
                    }
                    (d - now).as_millis().min(i32::MAX as u128) as i32 + 1
                }
                None => -1,
            };
            if rb.wait(timeout)?.contains(&1) {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
        }
    })();
    let lost_map = eph
        .obj
        .maps()
        .find(|m| m.name().to_string_lossy() == "lost")
        .ok_or_else(|| X0Error::new(ErrorKind::Internal, "net_events has no lost map"))?;
    let lost: u64 = percpu_sum(&lost_map, &0u32.to_ne_bytes(), |a: &mut u64, v: u64| {
        *a = a.wrapping_add(v)
    })?;
    match res {
        Ok((records, reason)) => {
            let r = if json {
                out.write_all(
                    format!("{{\"summary\":{{\"records\":{records},\"lost\":{lost},\"complete\":true,\"reason\":\"{reason}\"}}}}\n")
                        .as_bytes(),
                )
                .and_then(|_| out.flush())
            } else {
                out.flush().map(|_| {
                    eprintln!("x0bpf: {records} events ({reason}), {lost} lost");
                })
            };
            match r {
                Err(e) if !stream::is_broken_pipe(&e) => Err(e.into()),
                _ => Ok(0),
            }
        }
        Err(e) if stream::is_broken_pipe(&e) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obj::btf::{Btf, BtfKind};

    #[test]
    fn event_layout_matches_the_object() {
        let e = crate::obj::source::embedded("net_events").expect("embedded");
        let parsed = crate::obj::elf::parse(e.bytes, "net_events").expect("parse");
        let btf: Btf = parsed.btf.expect("BTF");
        let t = btf
            .types()
            .find(|t| t.name == "net_event" && t.kind == BtfKind::Struct)
            .expect("struct net_event");
        assert_eq!(t.size as usize, std::mem::size_of::<net_event>());
        let offs: Vec<(String, u32)> = t
            .members
            .iter()
            .map(|m| (m.name.clone(), m.bit_offset / 8))
            .collect();
        let d = net_event::default();
        let base = &d as *const _ as usize;
        let mine = [
            ("ts_ns", &d.ts_ns as *const _ as usize - base),
            ("reason", &d.reason as *const _ as usize - base),
            ("family", &d.family as *const _ as usize - base),
            ("saddr", &d.saddr as *const _ as usize - base),
            ("daddr", &d.daddr as *const _ as usize - base),
        ];
        for (n, off) in mine {
            let o = offs.iter().find(|(m, _)| m == n).expect(n).1;
            assert_eq!(o as usize, off, "{n}");
        }
    }
}
