//! Attachment records: pins in an object's `links/` directory whose names say where the
//! attachment is — `<kind>@<ifname>@<ifindex>@<netns inode>[@<prio>:<handle>][@new][@p<id>]`
//! for interfaces, `<kind>@<target>` otherwise — and the listing of them.
use std::path::PathBuf;

use crate::store;

/// What a record name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: String,
    pub ifname: Option<String>,
    pub ifindex: Option<u32>,
    pub netns: Option<u64>,
    pub prio_handle: Option<(u16, u32)>,
    pub target: String,
    /// clsact records: x0bpf created the clsact qdisc, so the last detach may remove it.
    pub new_qdisc: bool,
    /// Netlink records written ahead of a replace carry the new program's id, so the record
    /// of the old program and of the new one can exist side by side: whichever matches what
    /// the kernel runs is live, the other is stale and repaired away.
    pub tag: Option<u32>,
}

/// bpffs names are at most 255 bytes; escaping can triple a long uprobe path.
const MAX_RECORD_NAME: usize = 240;

impl Record {
    pub fn iface(kind: &str, ifname: &str, ifindex: u32, netns: u64) -> Record {
        Record {
            kind: kind.into(),
            ifname: Some(ifname.into()),
            ifindex: Some(ifindex),
            netns: Some(netns),
            prio_handle: None,
            target: ifname.into(),
            new_qdisc: false,
            tag: None,
        }
    }

    pub fn other(kind: &str, target: &str) -> Record {
        Record {
            kind: kind.into(),
            ifname: None,
            ifindex: None,
            netns: None,
            prio_handle: None,
            target: target.into(),
            new_qdisc: false,
            tag: None,
        }
    }

    pub fn file_name(&self) -> String {
        match (&self.ifname, self.ifindex, self.netns) {
            (Some(n), Some(i), Some(ns)) => {
                let mut s = format!("{}@{}@{i}@{ns}", self.kind, store::escape(n));
                if let Some((p, h)) = self.prio_handle {
                    s.push_str(&format!("@{p}:{h}"));
                    if self.new_qdisc {
                        s.push_str("@new");
                    }
                }
                if let Some(t) = self.tag {
                    s.push_str(&format!("@p{t}"));
                }
                s
            }
            _ => {
                let s = format!("{}@{}", self.kind, store::escape(&self.target));
                if s.len() <= MAX_RECORD_NAME {
                    return s;
                }
                // Keep a readable head and make the rest unique with a hash of the whole.
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                s.hash(&mut h);
                let mut cut = MAX_RECORD_NAME - 18;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}~{:016x}", &s[..cut], h.finish())
            }
        }
    }

    pub fn parse(name: &str) -> Option<Record> {
        let (kind, rest) = name.split_once('@')?;
        let is_iface = kind.starts_with("xdp") || kind.starts_with("tc");
        if !is_iface {
            return Some(Record::other(kind, &store::unescape(rest)));
        }
        let parts: Vec<&str> = rest.split('@').collect();
        if parts.len() < 3 {
            return None;
        }
        let mut r = Record::iface(
            kind,
            &store::unescape(parts[0]),
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        );
        for part in &parts[3..] {
            if let Some((p, h)) = part.split_once(':') {
                r.prio_handle = Some((p.parse().ok()?, h.parse().ok()?));
            } else if *part == "new" {
                r.new_qdisc = true;
            } else if let Some(t) = part.strip_prefix('p') {
                r.tag = Some(t.parse().ok()?);
            } else {
                return None;
            }
        }
        Some(r)
    }

    pub fn is_link(&self) -> bool {
        !(self.kind == "xdp-netlink" || self.kind.starts_with("tc-"))
    }

    pub fn describe(&self) -> String {
        match self.kind.as_str() {
            "xdp" | "xdp-netlink" => format!("xdp on {}", self.target),
            k if k.starts_with("tcx-") || k.starts_with("tc-") => {
                let dir = k.rsplit('-').next().unwrap_or("");
                format!("tc {dir} on {}", self.target)
            }
            k => format!("{k} {}", self.target),
        }
    }

    /// The `x0bpf detach …` command (without global options) that undoes this attachment.
    pub fn detach_command(&self) -> String {
        let w = crate::output::shell_word(&self.target);
        match self.kind.as_str() {
            "xdp" | "xdp-netlink" => format!("x0bpf detach xdp {w}"),
            k if k.starts_with("tcx-") || k.starts_with("tc-") => {
                let dir = k.rsplit('-').next().unwrap_or("");
                format!("x0bpf detach tc {w} --direction {dir}")
            }
            k => format!("x0bpf detach {k} {w}"),
        }
    }
}

/// Every attachment record in the store, with the object that owns it.
pub fn all_records(store: &store::Store) -> Vec<(String, Record, PathBuf)> {
    let mut v = Vec::new();
    for obj in store.names() {
        for (name, path) in store::entries(&store.dir(&obj).join("links")) {
            if let Some(r) = Record::parse(&name) {
                v.push((obj.clone(), r, path));
            }
        }
    }
    v
}

/// x0bpf's records for one interface (ifindex in this network namespace), with their owner,
/// whose kind starts with one of `kinds` (e.g. "xdp", "tc-", "tcx-").
pub fn records_on(
    store: &store::Store,
    ifindex: u32,
    ns: u64,
    kinds: &[&str],
) -> Vec<(String, Record, PathBuf)> {
    all_records(store)
        .into_iter()
        .filter(|(_, r, _)| {
            r.ifindex == Some(ifindex)
                && r.netns == Some(ns)
                && kinds.iter().any(|k| r.kind.starts_with(k))
        })
        .collect()
}
