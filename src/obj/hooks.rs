//! Knowledge of hooks, not of programs: for each program type, where it runs, what it is
//! given, what its return value means; and the kernel release that introduced each program
//! type and map type. `explain` combines these with what the analysis finds in the code.
use crate::obj::btf::{Btf, BtfKind};

/// Where a program of this type runs and what it sees, in words.
pub struct Hook {
    pub attaches: String,
    pub sees: &'static str,
}

/// `target` is what follows the first `/` of the section name (function, tracepoint, …).
pub fn hook(prog_type: u32, attach_type: Option<u32>, section: &str) -> Hook {
    use libbpf_sys as s;
    let target = section
        .split_once('/')
        .map(|(_, t)| t)
        .filter(|t| !t.is_empty());
    let prefix = section.split('/').next().unwrap_or("");
    let on = |what: &str| match target {
        Some(t) => format!("{what} {t}"),
        None => format!("{what} (named when attaching)"),
    };
    let (attaches, sees) = match prog_type {
        s::BPF_PROG_TYPE_XDP => (
            "XDP: an interface's receive path in the driver, before the kernel builds a socket buffer; \
             runs once per received packet"
                .to_string(),
            "the raw frame (xdp_md: data, data_end, data_meta, ingress ifindex, rx queue), which it may read and rewrite",
        ),
        s::BPF_PROG_TYPE_SCHED_CLS | s::BPF_PROG_TYPE_SCHED_ACT => {
            let dir = match attach_type {
                Some(s::BPF_TCX_INGRESS) => "ingress, through tcx",
                Some(s::BPF_TCX_EGRESS) => "egress, through tcx",
                _ if section.contains("ingress") => "ingress",
                _ if section.contains("egress") => "egress",
                _ => "ingress or egress as chosen when attaching, through tcx or clsact",
            };
            (
                format!("traffic control on an interface ({dir}); runs once per packet"),
                "the socket buffer (__sk_buff: packet bytes, length, protocol, mark, ifindex, hash)",
            )
        }
        s::BPF_PROG_TYPE_TRACEPOINT => (
            on("the kernel tracepoint"),
            "the tracepoint's record (its fields are listed in tracefs events/<category>/<name>/format)",
        ),
        s::BPF_PROG_TYPE_RAW_TRACEPOINT | s::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE => (
            on("the raw kernel tracepoint"),
            "the tracepoint's raw arguments (kernel pointers and values, as the kernel passes them)",
        ),
        s::BPF_PROG_TYPE_KPROBE => {
            let what = match prefix {
                p if p.starts_with("kretprobe") => "the return of kernel function",
                p if p.starts_with("uretprobe") => "the return of user-space function",
                p if p.starts_with("uprobe") => "user-space function",
                p if p.starts_with("usdt") => "the user-space static probe",
                _ => "the entry of kernel function",
            };
            (on(what), "the CPU registers (pt_regs) at the probed instruction")
        }
        s::BPF_PROG_TYPE_TRACING => {
            let what = match attach_type {
                Some(s::BPF_TRACE_FENTRY) => "the entry of kernel function (fentry)",
                Some(s::BPF_TRACE_FEXIT) => "the return of kernel function (fexit)",
                Some(s::BPF_MODIFY_RETURN) => "the return of kernel function (fmod_ret)",
                Some(s::BPF_TRACE_RAW_TP) => "the BTF-typed tracepoint",
                Some(s::BPF_TRACE_ITER) => "the BPF iterator",
                _ => "the kernel function or tracepoint",
            };
            (on(what), "the traced function's arguments, typed by kernel BTF")
        }
        s::BPF_PROG_TYPE_LSM => (
            on("the security (LSM) hook"),
            "the hook's arguments, typed by kernel BTF; a non-zero return denies the operation",
        ),
        s::BPF_PROG_TYPE_PERF_EVENT => (
            "a perf event (sampling or counter overflow)".to_string(),
            "the registers and the perf sample data at the event",
        ),
        s::BPF_PROG_TYPE_SOCKET_FILTER => (
            "a socket (SO_ATTACH_BPF), filtering what it receives".to_string(),
            "each packet the socket would receive (__sk_buff)",
        ),
        s::BPF_PROG_TYPE_CGROUP_SKB => (
            format!(
                "a cgroup's {} traffic",
                if section.contains("egress") {
                    "egress"
                } else if section.contains("ingress") {
                    "ingress"
                } else {
                    "ingress or egress"
                }
            ),
            "each packet of the cgroup's sockets (__sk_buff)",
        ),
        s::BPF_PROG_TYPE_CGROUP_SOCK | s::BPF_PROG_TYPE_CGROUP_SOCK_ADDR => (
            "socket operations (create, bind, connect, sendmsg) of a cgroup's tasks".to_string(),
            "the socket and, for address hooks, the address being used",
        ),
        s::BPF_PROG_TYPE_SOCK_OPS => (
            "TCP socket events of a cgroup (connection set-up, RTT, retransmits)".to_string(),
            "the socket and the event (bpf_sock_ops)",
        ),
        s::BPF_PROG_TYPE_SK_SKB | s::BPF_PROG_TYPE_SK_MSG => (
            "sockets in a sockmap/sockhash (stream parser, verdict or sendmsg)".to_string(),
            "the data moving through the socket",
        ),
        s::BPF_PROG_TYPE_CGROUP_SYSCTL => (
            "sysctl reads and writes of a cgroup's tasks".to_string(),
            "the sysctl name and value",
        ),
        s::BPF_PROG_TYPE_SK_LOOKUP => (
            "socket lookup for incoming connections in a network namespace".to_string(),
            "the packet's addresses and ports (bpf_sk_lookup)",
        ),
        s::BPF_PROG_TYPE_NETFILTER => (
            "a netfilter hook".to_string(),
            "the packet and its netfilter state",
        ),
        s::BPF_PROG_TYPE_SYSCALL => (
            "nothing: run on demand with BPF_PROG_RUN".to_string(),
            "the argument buffer given by the caller",
        ),
        _ => (
            format!(
                "the {} hook",
                crate::obj::names::prog_type_name(prog_type)
            ),
            "the context of that hook",
        ),
    };
    Hook { attaches, sees }
}

/// The C type of the context a program of this type is given, when it is a fixed UAPI struct
/// whose fields can be named (tracing programs get raw records or arguments instead).
pub fn context_type(prog_type: u32) -> Option<&'static str> {
    use libbpf_sys as s;
    Some(match prog_type {
        s::BPF_PROG_TYPE_XDP => "xdp_md",
        s::BPF_PROG_TYPE_SCHED_CLS
        | s::BPF_PROG_TYPE_SCHED_ACT
        | s::BPF_PROG_TYPE_SOCKET_FILTER
        | s::BPF_PROG_TYPE_CGROUP_SKB
        | s::BPF_PROG_TYPE_SK_SKB
        | s::BPF_PROG_TYPE_LWT_IN
        | s::BPF_PROG_TYPE_LWT_OUT
        | s::BPF_PROG_TYPE_LWT_XMIT
        | s::BPF_PROG_TYPE_FLOW_DISSECTOR => "__sk_buff",
        s::BPF_PROG_TYPE_SOCK_OPS => "bpf_sock_ops",
        s::BPF_PROG_TYPE_SK_MSG => "sk_msg_md",
        s::BPF_PROG_TYPE_CGROUP_SOCK_ADDR => "bpf_sock_addr",
        s::BPF_PROG_TYPE_CGROUP_SOCK => "bpf_sock",
        s::BPF_PROG_TYPE_SK_LOOKUP => "bpf_sk_lookup",
        s::BPF_PROG_TYPE_CGROUP_SYSCTL => "bpf_sysctl",
        s::BPF_PROG_TYPE_PERF_EVENT => "bpf_perf_event_data",
        _ => return None,
    })
}

/// The member of struct `name` in `btf` at byte `off` (`field` or `field+N` inside it).
pub fn member_at(btf: &Btf, name: &str, off: i64) -> Option<String> {
    let id = btf
        .find_by_name(name)
        .into_iter()
        .find(|&id| btf.get(id).is_some_and(|t| t.kind == BtfKind::Struct))?;
    let t = btf.get(id)?;
    let off_bits = u64::try_from(off).ok()? * 8;
    t.members.iter().find_map(|m| {
        let start = u64::from(m.bit_offset);
        let size = u64::from(btf.resolve_size(m.type_id)?) * 8;
        (off_bits >= start && off_bits < start + size).then(|| {
            let delta = (off_bits - start) / 8;
            if delta == 0 {
                m.name.clone()
            } else {
                format!("{}+{delta}", m.name)
            }
        })
    })
}

/// What a return value means to the hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Pass,
    Drop,
    Redirect,
    Transmit,
    /// The kernel ignores the value (tracing programs).
    Ignored,
    Other,
}

/// XDP actions (enum xdp_action) by value, with what each does to the packet.
const XDP_ACTIONS: [(&str, Effect); 5] = [
    ("XDP_ABORTED", Effect::Drop),
    ("XDP_DROP", Effect::Drop),
    ("XDP_PASS", Effect::Pass),
    ("XDP_TX", Effect::Transmit),
    ("XDP_REDIRECT", Effect::Redirect),
];

/// tc actions (TC_ACT_*) for values -1..=8, as named when the hook is not known to be tcx: with
/// tcx's name in parentheses where tcx gives the value a meaning of its own.
const TC_ACTIONS: [(&str, Effect); 10] = [
    ("TC_ACT_UNSPEC (TCX_NEXT)", Effect::Pass),
    ("TC_ACT_OK (TCX_PASS)", Effect::Pass),
    ("TC_ACT_RECLASSIFY", Effect::Other),
    ("TC_ACT_SHOT (TCX_DROP)", Effect::Drop),
    ("TC_ACT_PIPE", Effect::Pass),
    ("TC_ACT_STOLEN", Effect::Drop),
    ("TC_ACT_QUEUED", Effect::Drop),
    ("TC_ACT_REPEAT", Effect::Other),
    ("TC_ACT_REDIRECT (TCX_REDIRECT)", Effect::Redirect),
    ("TC_ACT_TRAP", Effect::Drop),
];

/// The XDP action `v` (a C int) names, if it is one.
pub fn xdp_action(v: i32) -> Option<(&'static str, Effect)> {
    XDP_ACTIONS.get(usize::try_from(v).ok()?).copied()
}

/// The tc action `v` (a C int) names, if it is one, as in [`TC_ACTIONS`]; [`tc_names`] splits it.
pub fn tc_action(v: i32) -> Option<(&'static str, Effect)> {
    TC_ACTIONS
        .get(usize::try_from(v.checked_add(1)?).ok()?)
        .copied()
}

/// A [`tc_action`] name split into its TC_ACT_* name and tcx's name, if tcx has one.
pub fn tc_names(shown: &'static str) -> (&'static str, Option<&'static str>) {
    match shown.split_once(" (") {
        Some((tc, tcx)) => (tc, Some(tcx.trim_end_matches(')'))),
        None => (shown, None),
    }
}

/// Name and effect of a constant return value for a hook; `None` for a value the hook does
/// not define (the verifier may reject it or the kernel treat it as a default).
pub fn return_value(
    prog_type: u32,
    attach_type: Option<u32>,
    value: u64,
) -> Option<(&'static str, Effect)> {
    use libbpf_sys as s;
    use Effect::*;
    // Return codes are C ints: the low 32 bits, signed.
    let v = value as u32 as i32;
    Some(match prog_type {
        s::BPF_PROG_TYPE_XDP => xdp_action(v)
            // The verifier accepts any value; drivers warn and drop (bpf_warn_invalid_xdp_action).
            .unwrap_or(("not an XDP action: the driver drops the packet", Drop)),
        s::BPF_PROG_TYPE_SCHED_CLS | s::BPF_PROG_TYPE_SCHED_ACT => {
            let tcx = matches!(attach_type, Some(s::BPF_TCX_INGRESS | s::BPF_TCX_EGRESS));
            let (shown, effect) = tc_action(v)?;
            if tcx {
                (tc_names(shown).1?, effect)
            } else {
                (shown, effect)
            }
        }
        s::BPF_PROG_TYPE_CGROUP_SKB
        | s::BPF_PROG_TYPE_CGROUP_SOCK
        | s::BPF_PROG_TYPE_CGROUP_SOCK_ADDR
        | s::BPF_PROG_TYPE_CGROUP_DEVICE
        | s::BPF_PROG_TYPE_CGROUP_SYSCTL
        | s::BPF_PROG_TYPE_CGROUP_SOCKOPT => match v {
            0 => ("deny", Drop),
            1 => ("allow", Pass),
            _ => return None,
        },
        s::BPF_PROG_TYPE_SK_SKB | s::BPF_PROG_TYPE_SK_MSG | s::BPF_PROG_TYPE_SK_LOOKUP => match v {
            0 => ("SK_DROP", Drop),
            1 => ("SK_PASS", Pass),
            _ => return None,
        },
        s::BPF_PROG_TYPE_NETFILTER => match v {
            0 => ("NF_DROP", Drop),
            1 => ("NF_ACCEPT", Pass),
            _ => return None,
        },
        s::BPF_PROG_TYPE_SOCKET_FILTER => match v {
            0 => ("0 (drop the packet)", Drop),
            _ => ("keep that many bytes of the packet", Pass),
        },
        s::BPF_PROG_TYPE_LSM => match v {
            0 => ("0 (allow)", Pass),
            _ if v < 0 => ("-errno (deny)", Drop),
            _ => return None,
        },
        s::BPF_PROG_TYPE_TRACEPOINT
        | s::BPF_PROG_TYPE_RAW_TRACEPOINT
        | s::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
        | s::BPF_PROG_TYPE_PERF_EVENT
        | s::BPF_PROG_TYPE_TRACING
        | s::BPF_PROG_TYPE_KPROBE => ("ignored by the hook", Ignored),
        _ => return None,
    })
}

/// First mainline release with program type `t`.
pub fn prog_type_since(t: u32) -> Option<&'static str> {
    const V: [&str; 33] = [
        "", "3.19", "4.1", "4.1", "4.1", "4.7", "4.8", "4.9", "4.10", "4.10", "4.10", "4.10",
        "4.10", "4.13", "4.14", "4.15", "4.17", "4.17", "4.17", "4.18", "4.18", "4.19", "4.20",
        "5.2", "5.2", "5.3", "5.5", "5.6", "5.6", "5.7", "5.9", "5.14", "6.4",
    ];
    V.get(t as usize).copied().filter(|v| !v.is_empty())
}

/// First mainline release with map type `t`.
pub fn map_type_since(t: u32) -> Option<&'static str> {
    const V: [&str; 34] = [
        "", "3.19", "3.19", "4.2", "4.3", "4.6", "4.6", "4.6", "4.8", "4.10", "4.10", "4.11",
        "4.12", "4.12", "4.14", "4.14", "4.15", "4.18", "4.18", "4.19", "4.19", "4.20", "4.20",
        "4.20", "5.2", "5.4", "5.6", "5.8", "5.10", "5.11", "5.16", "6.1", "6.2", "6.9",
    ];
    V.get(t as usize).copied().filter(|v| !v.is_empty())
}

/// A type in one line: `struct flow_key { __u32 saddr; __u32 daddr; … }` (first members only).
pub fn type_summary(btf: &Btf, id: u32) -> String {
    const MAX_MEMBERS: usize = 8;
    let name = btf.type_name(id);
    let Some(t) = btf.get(btf.skip_mods_and_typedefs(id)) else {
        return name;
    };
    if !matches!(t.kind, BtfKind::Struct | BtfKind::Union) || t.members.is_empty() {
        return match btf.resolve_size(id) {
            Some(sz) => format!("{name} ({sz} bytes)"),
            None => name,
        };
    }
    let mut parts: Vec<String> = t
        .members
        .iter()
        .take(MAX_MEMBERS)
        .map(|m| {
            let mname = if m.name.is_empty() {
                "(anonymous)"
            } else {
                &m.name
            };
            format!("{} {mname}", btf.type_name(m.type_id))
        })
        .collect();
    if t.members.len() > MAX_MEMBERS {
        parts.push(format!("… {} more", t.members.len() - MAX_MEMBERS));
    }
    format!("{name} {{ {}; }} ({} bytes)", parts.join("; "), t.size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use libbpf_sys as s;

    #[test]
    fn xdp_and_tc_values() {
        assert_eq!(
            return_value(s::BPF_PROG_TYPE_XDP, None, 2),
            Some(("XDP_PASS", Effect::Pass))
        );
        assert_eq!(
            return_value(s::BPF_PROG_TYPE_XDP, None, 1).map(|r| r.1),
            Some(Effect::Drop)
        );
        assert_eq!(
            return_value(s::BPF_PROG_TYPE_XDP, None, 9).map(|r| r.1),
            Some(Effect::Drop)
        );
        // -1 as a 64-bit or a 32-bit value is TC_ACT_UNSPEC.
        for v in [u64::MAX, 0xffff_ffff] {
            assert_eq!(
                return_value(s::BPF_PROG_TYPE_SCHED_CLS, Some(s::BPF_TCX_INGRESS), v).map(|r| r.0),
                Some("TCX_NEXT")
            );
        }
        assert_eq!(
            return_value(s::BPF_PROG_TYPE_SCHED_CLS, None, 2).map(|r| r.1),
            Some(Effect::Drop)
        );
    }

    #[test]
    fn release_tables() {
        assert_eq!(prog_type_since(s::BPF_PROG_TYPE_XDP), Some("4.8"));
        assert_eq!(prog_type_since(s::BPF_PROG_TYPE_TRACING), Some("5.5"));
        assert_eq!(prog_type_since(s::BPF_PROG_TYPE_NETFILTER), Some("6.4"));
        assert_eq!(map_type_since(s::BPF_MAP_TYPE_RINGBUF), Some("5.8"));
        assert_eq!(map_type_since(s::BPF_MAP_TYPE_LRU_HASH), Some("4.10"));
        assert_eq!(map_type_since(s::BPF_MAP_TYPE_ARENA), Some("6.9"));
        assert_eq!(map_type_since(0), None);
        assert_eq!(map_type_since(999), None);
    }

    #[test]
    fn hooks_name_their_target() {
        let h = hook(
            s::BPF_PROG_TYPE_TRACEPOINT,
            None,
            "tracepoint/raw_syscalls/sys_enter",
        );
        assert!(
            h.attaches.contains("raw_syscalls/sys_enter"),
            "{}",
            h.attaches
        );
        let x = hook(s::BPF_PROG_TYPE_XDP, None, "xdp");
        assert!(x.attaches.contains("XDP"));
    }
}
