//! Attaching loaded programs to the kernel and finding and undoing those attachments.
//!
//! Every attachment x0bpf makes is recorded as a pin in the owning object's `links/` directory,
//! so it outlives the process and needs no other state:
//! - a pinned bpf_link (XDP link, tcx link, tracepoint/kprobe/uprobe perf link, raw tracepoint)
//!   — unpinning and detaching the link undoes it;
//! - where the kernel has no link for it (XDP through netlink, clsact/cls_bpf), a second pin of
//!   the program whose name says where it is attached.
//!
//! Record names: `<kind>@<ifname>@<ifindex>@<netns inode>[@<prio>:<handle>]` for interfaces,
//! `<kind>@<target>` otherwise.
pub mod ephemeral;
mod iface;
pub mod probes;
mod prog;
pub mod tc;
pub mod xdp;

pub use crate::store::record::{all_records, records_on, Record};
pub use crate::sys::netlink::nl_err;
pub use iface::resolve_iface;
pub use prog::{resolve_prog, ProgHandle};

use std::fs;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::store;
use crate::sys::bpf;
use crate::sys::netlink;
use crate::sys::ns;

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// xdp, xdp-netlink, tcx-ingress, tcx-egress, tc-ingress, tc-egress, tracepoint, …
    pub kind: String,
    /// Human target: interface (and direction), tracepoint, function.
    pub target: String,
    /// "bpf_link" or "netlink".
    pub how: &'static str,
    pub link_id: Option<u32>,
    pub prog_id: Option<u32>,
    pub program: Option<String>,
    /// The interface, for XDP and tc attachments (as recorded at attach time).
    pub ifname: Option<String>,
    pub ifindex: Option<u32>,
    pub netns_inode: Option<u64>,
    /// XDP mode as the kernel reports it now (drv, skb, hw).
    pub mode: Option<String>,
    pub record: PathBuf,
    /// False when the record outlived its attachment (interface or namespace gone).
    pub live: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Detached {
    pub attachment: String,
    pub how: String,
}

pub fn xdp_mode_name(m: Option<netlink::XdpMode>) -> Option<String> {
    m.and_then(|m| match m {
        netlink::XdpMode::None => None,
        netlink::XdpMode::Drv => Some("drv".into()),
        netlink::XdpMode::Skb => Some("skb".into()),
        netlink::XdpMode::Hw => Some("hw".into()),
        netlink::XdpMode::Multi => Some("multi".into()),
    })
}

/// The attachments recorded for one object, checked against the kernel.
pub fn object_attachments(dir: &Path) -> Vec<Attachment> {
    store::entries(&dir.join("links"))
        .into_iter()
        .filter_map(|(name, path)| {
            let rec = Record::parse(&name)?;
            Some(describe_record(&rec, &path))
        })
        .collect()
}

/// What a record's pin says about its attachment, before asking the interface.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordState {
    pub prog_id: Option<u32>,
    pub link_id: Option<u32>,
    /// A link still holding a program (and an interface, for interface links); a program pin
    /// is always intact.
    pub intact: bool,
    /// The pin could be opened and asked: only then may a record be judged stale.
    pub readable: bool,
}

pub fn record_state(rec: &Record, path: &Path) -> RecordState {
    let Ok(fd) = bpf::obj_get(path) else {
        return RecordState::default();
    };
    if rec.is_link() {
        match bpf::link_info(fd.as_fd()) {
            Ok(li) => RecordState {
                prog_id: (li.prog_id != 0).then_some(li.prog_id),
                link_id: Some(li.id),
                // A detached link keeps prog_id 0 or loses its ifindex.
                intact: li.prog_id != 0 && li.ifindex.is_none_or(|i| i != 0),
                readable: true,
            },
            Err(_) => RecordState::default(),
        }
    } else {
        let prog_id = bpf::prog_info(fd.as_fd()).ok().map(|p| p.id);
        RecordState {
            prog_id,
            link_id: None,
            intact: true,
            readable: prog_id.is_some(),
        }
    }
}

/// Whether a recorded attachment is still in force, asking the interface (in its namespace)
/// what it runs for XDP and tc; with the XDP mode the kernel reports.
pub fn record_live(rec: &Record, st: &RecordState) -> (bool, Option<String>) {
    match record_liveness(rec, st) {
        Ok(Some(r)) => r,
        _ => (false, None),
    }
}

/// As `record_live`, but Err when the kernel could not be asked (then nothing may be
/// concluded, and nothing repaired).
fn record_liveness(
    rec: &Record,
    st: &RecordState,
) -> Result<Option<(bool, Option<String>)>, X0Error> {
    let Some(want) = st.prog_id.filter(|_| st.intact) else {
        return Ok(Some((false, None)));
    };
    let (Some(ifindex), Some(ns)) = (rec.ifindex, rec.netns) else {
        return Ok(Some((true, None)));
    };
    let kind = rec.kind.clone();
    let prio = rec.prio_handle;
    let link_id = st.link_id;
    let res = ns::in_netns(ns, move || {
        let Some(l) = netlink::get_link_by_index(ifindex).map_err(nl_err)? else {
            return Ok(None);
        };
        Ok(if kind.starts_with("xdp") {
            Some((l.xdp.prog_id == Some(want), xdp_mode_name(l.xdp.mode)))
        } else if let Some(dir) = kind.strip_prefix("tc-") {
            let ingress = dir == "ingress";
            let live = netlink::list_tc_bpf_filters(ifindex)
                .map_err(nl_err)?
                .iter()
                .any(|f| {
                    f.parent_ingress == ingress
                        && Some((f.priority, f.handle)) == prio
                        && f.prog_id == Some(want)
                });
            Some((live, None))
        } else if let Some(dir) = kind.strip_prefix("tcx-") {
            let d = if dir == "ingress" {
                crate::attach::tc::Direction::Ingress
            } else {
                crate::attach::tc::Direction::Egress
            };
            let live = bpf::tcx_query(ifindex, d.tcx_attach_type())
                .iter()
                .any(|(p, l)| *p == want && *l == link_id);
            Some((live, None))
        } else {
            Some((true, None))
        })
    })?;
    // No namespace, or no interface: the attachment went with it.
    Ok(Some(res.flatten().unwrap_or((false, None))))
}

fn describe_record(rec: &Record, path: &Path) -> Attachment {
    let st = record_state(rec, path);
    let (live, mode) = record_live(rec, &st);
    Attachment {
        kind: rec.kind.clone(),
        target: rec.describe(),
        how: if rec.is_link() { "bpf_link" } else { "netlink" },
        link_id: st.link_id,
        prog_id: st.prog_id,
        program: st.prog_id.and_then(bpf::prog_name),
        ifname: rec.ifname.clone(),
        ifindex: rec.ifindex,
        netns_inode: rec.netns,
        mode,
        record: path.to_path_buf(),
        live,
    }
}

/// Whether `object` has a live attachment matching `want` (record kind, interface, namespace):
/// the views ask this before reading pinned counters, which are keyed by ifindex and
/// ifindexes repeat across network namespaces.
pub fn object_live_where(
    store: &store::Store,
    object: &str,
    want: impl Fn(&Record) -> bool,
) -> bool {
    all_records(store)
        .iter()
        .filter(|(o, r, _)| o == object && want(r))
        .any(|(_, r, p)| record_live(r, &record_state(r, p)).0)
}

/// Whether an object's `links/` directory holds a record that `want` accepts and whose
/// attachment the kernel still has (a record left behind by a deleted interface does not
/// count). For views that watch an object without holding the store lock.
pub fn links_dir_live(links: &Path, want: impl Fn(&Record) -> bool) -> bool {
    store::entries(links).iter().any(|(n, p)| {
        Record::parse(n).is_some_and(|r| want(&r) && record_live(&r, &record_state(&r, p)).0)
    })
}

/// Records on this interface whose attachment the kernel no longer has (an interrupted
/// detach, a kill between an intent record and the kernel change, an interface or program
/// replaced by another tool): release them, so the next command starts from the truth.
/// Returns what was repaired.
pub fn repair_stale(
    store: &store::Store,
    ifindex: u32,
    ns: u64,
    kinds: &[&str],
) -> Result<Vec<String>, X0Error> {
    let mut done = Vec::new();
    for (obj, rec, path) in records_on(store, ifindex, ns, kinds) {
        let st = record_state(&rec, &path);
        if !st.readable || !matches!(record_liveness(&rec, &st), Ok(Some((false, _)))) {
            continue;
        }
        let how = release(&rec, &path)?;
        let msg = format!("{obj}: stale record of {} removed ({how})", rec.describe());
        eprintln!("x0bpf: repaired: {msg}");
        done.push(msg);
    }
    Ok(done)
}

/// Pin a freshly made link as the attachment record; if that fails, detach the link so
/// nothing runs unrecorded.
pub fn pin_link_record(h: &ProgHandle, rec: &Record, link: &OwnedFd) -> Result<PathBuf, X0Error> {
    pin_record(h, rec, link.as_fd()).inspect_err(|_| {
        // SAFETY: valid link fd.
        unsafe { libbpf_sys::bpf_link_detach(link.as_raw_fd()) };
    })
}

/// The netlink flag for the XDP mode a program runs in now (native when unknown).
pub fn xdp_flag(mode: Option<&str>) -> u32 {
    match mode {
        Some("skb") => netlink::XDP_FLAGS_SKB_MODE,
        Some("hw") => netlink::XDP_FLAGS_HW_MODE,
        _ => netlink::XDP_FLAGS_DRV_MODE,
    }
}

/// Undo one recorded attachment and remove its record. Returns how it was undone.
pub fn release(rec: &Record, path: &Path) -> Result<String, X0Error> {
    let how = if rec.is_link() {
        match bpf::obj_get(path) {
            Ok(fd) => {
                // Detach explicitly: another holder of the link fd must not keep it running.
                let was_intact = record_state(rec, path).intact;
                // SAFETY: valid link fd.
                let rc = unsafe { libbpf_sys::bpf_link_detach(fd.as_raw_fd()) };
                if rc < 0 && -rc != libc::EINVAL && -rc != libc::ENOLINK && -rc != libc::EOPNOTSUPP
                {
                    return Err(X0Error::os(
                        format!("detaching {}", rec.describe()),
                        &io::Error::from_raw_os_error(-rc),
                    ));
                }
                if was_intact {
                    "bpf_link detached and unpinned".to_string()
                } else {
                    "link was already detached; unpinned".to_string()
                }
            }
            Err(_) => "stale record removed".to_string(),
        }
    } else {
        release_netlink(rec, path)?
    };
    match fs::remove_file(path) {
        Ok(()) => Ok(how),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(how),
        Err(e) => Err(X0Error::os(format!("unpinning {}", path.display()), &e)),
    }
}

fn release_netlink(rec: &Record, path: &Path) -> Result<String, X0Error> {
    let (Some(ifindex), Some(ns)) = (rec.ifindex, rec.netns) else {
        return Ok("malformed record removed".into());
    };
    let Ok(prog) = bpf::obj_get(path) else {
        return Ok("stale record removed".into());
    };
    let prog_id = bpf::prog_info(prog.as_fd()).map(|i| i.id).ok();
    let kind = rec.kind.clone();
    let prio = rec.prio_handle;
    let new_qdisc = rec.new_qdisc;
    let raw = prog.as_raw_fd();
    let res = ns::in_netns(ns, move || -> Result<String, X0Error> {
        if kind == "xdp-netlink" {
            let Some(l) = netlink::get_link_by_index(ifindex).map_err(nl_err)? else {
                return Ok("interface gone".into());
            };
            if l.xdp.prog_id.is_none() || l.xdp.prog_id != prog_id {
                return Ok("no longer attached (someone replaced or removed it)".into());
            }
            let flag = xdp_flag(xdp_mode_name(l.xdp.mode).as_deref());
            // Compare-and-detach: only if our program is still the one attached.
            netlink::xdp_set(ifindex, -1, flag, Some(raw)).map_err(nl_err)?;
            Ok("netlink XDP detached".into())
        } else {
            let ingress = kind.ends_with("ingress");
            let Some((p, h)) = prio else {
                return Ok("malformed record removed".into());
            };
            let ours = netlink::list_tc_bpf_filters(ifindex)
                .unwrap_or_default()
                .iter()
                .any(|f| {
                    f.parent_ingress == ingress
                        && f.priority == p
                        && f.handle == h
                        && f.prog_id == prog_id
                });
            if !ours {
                // An interrupted attach or detach may have left the clsact qdisc x0bpf made.
                if new_qdisc && netlink::count_clsact_filters(ifindex).unwrap_or(1) == 0 {
                    let _ = netlink::delete_clsact(ifindex);
                }
                return Ok("no longer attached".into());
            }
            netlink::delete_tc_filter(ifindex, ingress, p, h).map_err(nl_err)?;
            // The clsact qdisc goes too if x0bpf made it and no filter of any kind (ours or
            // another tool's) is left on it.
            if new_qdisc && netlink::count_clsact_filters(ifindex).unwrap_or(1) == 0 {
                let _ = netlink::delete_clsact(ifindex);
                return Ok("cls_bpf filter and the clsact qdisc x0bpf added deleted".into());
            }
            Ok("cls_bpf filter deleted".into())
        }
    })?;
    Ok(res.unwrap_or_else(|| "network namespace gone".into()))
}

/// Undo every attachment recorded for an object (unload).
pub fn release_all(dir: &Path) -> Result<Vec<Detached>, X0Error> {
    let mut out = Vec::new();
    for (name, path) in store::entries(&dir.join("links")) {
        let Some(rec) = Record::parse(&name) else {
            let _ = fs::remove_file(&path);
            continue;
        };
        let how = release(&rec, &path)?;
        out.push(Detached {
            attachment: rec.describe(),
            how,
        });
    }
    Ok(out)
}

/// Pin an attachment record in the owning object's links/ directory.
pub fn pin_record(h: &ProgHandle, rec: &Record, fd: BorrowedFd<'_>) -> Result<PathBuf, X0Error> {
    let links = h.object_dir.join("links");
    store::ensure_real_dir(&links)?;
    let path = links.join(rec.file_name());
    let mut pinned = bpf::obj_pin(fd, &path);
    // A symlink planted under the record's name is not a record: removed, then pinned.
    if pinned
        .as_ref()
        .is_err_and(|e| e.raw_os_error() == Some(libc::EEXIST))
        && store::remove_planted_link(&path)
    {
        pinned = bpf::obj_pin(fd, &path);
    }
    pinned.map_err(|e| {
        if e.raw_os_error() == Some(libc::EEXIST) {
            X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "{} is already recorded as attached ({})",
                    rec.describe(),
                    path.display()
                ),
            )
        } else {
            X0Error::os(format!("pinning {}", path.display()), &e)
        }
    })?;
    Ok(path)
}

/// Where a program is attached, whoever attached it, as far as this network namespace shows.
#[derive(Debug, Clone, Serialize)]
pub struct AttachPoint {
    /// "bpf_link" or "netlink".
    pub how: &'static str,
    /// The link type (`xdp`, `tcx`, `perf_event`, `raw_tracepoint`, …), or `xdp`/`tc` for
    /// netlink attachments.
    pub kind: String,
    pub link_id: Option<u32>,
    /// The interface's name in its own network namespace; `null` when that namespace is not
    /// known (another tool's link on an interface this namespace does not show running it).
    pub ifname: Option<String>,
    pub ifindex: Option<u32>,
    /// The inode of the interface's network namespace; `null` when unknown.
    pub netns_inode: Option<u64>,
    /// XDP mode (drv, skb, hw), tc: `clsact` or `tcx`.
    pub mode: Option<String>,
    /// What the kernel says about the target: tracepoint, function, tc direction and place.
    pub target: Option<String>,
}

/// Where an interface link (XDP, tcx) of program `prog_id` is: its name, namespace and XDP
/// mode, asked in the namespace x0bpf recorded for it, or, for another tool's link, in this
/// namespace when the interface there runs that program (else unknown: an ifindex means
/// nothing without its namespace).
fn link_iface(
    records: &[(String, Record, PathBuf)],
    link_id: u32,
    ifindex: u32,
    prog_id: u32,
    link_type: &str,
) -> (Option<String>, Option<u64>, Option<String>) {
    let xdp = link_type == "xdp";
    let ns_of_record = records.iter().find_map(|(_, rec, path)| {
        (rec.is_link()
            && rec.ifindex == Some(ifindex)
            && record_state(rec, path).link_id == Some(link_id))
        .then_some(rec.netns)
        .flatten()
    });
    let ask = move || -> Result<Option<(String, Option<String>)>, X0Error> {
        let Some(l) = netlink::get_link_by_index(ifindex).map_err(nl_err)? else {
            return Ok(None);
        };
        if xdp {
            return Ok((l.xdp.prog_id == Some(prog_id))
                .then(|| (l.name.clone(), xdp_mode_name(l.xdp.mode))));
        }
        let ours = [
            crate::attach::tc::Direction::Ingress,
            crate::attach::tc::Direction::Egress,
        ]
        .iter()
        .any(|d| {
            bpf::tcx_query(ifindex, d.tcx_attach_type())
                .iter()
                .any(|(p, l)| *p == prog_id && *l == Some(link_id))
        });
        Ok(ours.then(|| (l.name.clone(), Some("tcx".to_string()))))
    };
    if let Some(ns) = ns_of_record {
        return match ns::in_netns(ns, ask) {
            Ok(Some(Some((name, mode)))) => (Some(name), Some(ns), mode),
            _ => (None, Some(ns), None),
        };
    }
    match ask() {
        Ok(Some((name, mode))) => (Some(name), ns::netns_inode().ok(), mode),
        _ => (None, None, None),
    }
}

/// Every attachment of program `prog_id`: bpf_links holding it (any namespace: the kernel's
/// link list is global; interface names are resolved in the link's own namespace, see
/// [`link_iface`]), XDP and clsact attachments made through netlink on the interfaces of the
/// current network namespace. `records` are x0bpf's attachment records.
pub fn attach_points(prog_id: u32, records: &[(String, Record, PathBuf)]) -> Vec<AttachPoint> {
    let ifaces = netlink::list_links().unwrap_or_default();
    let here = ns::netns_inode().ok();
    let mut out = Vec::new();
    for id in bpf::all_ids(bpf::ObjKind::Link) {
        let Ok(fd) = bpf::fd_by_id(bpf::ObjKind::Link, id) else {
            continue;
        };
        let Ok(info) = bpf::link_info(fd.as_fd()) else {
            continue;
        };
        if info.prog_id != prog_id {
            continue;
        }
        let (ifname, netns_inode, mode, target) = match info.ifindex {
            Some(i) => {
                let (n, ns, m) = link_iface(records, id, i, prog_id, &info.link_type);
                // The kernel's target is "ifindex N": already in its own field.
                let target = (info.link_type != "xdp")
                    .then(|| info.attach_type.clone())
                    .flatten();
                (n, ns, m, target)
            }
            None => (
                None,
                None,
                None,
                info.target.clone().or_else(|| info.attach_type.clone()),
            ),
        };
        out.push(AttachPoint {
            how: "bpf_link",
            kind: info.link_type.clone(),
            link_id: Some(id),
            ifname,
            ifindex: info.ifindex,
            netns_inode,
            mode,
            target,
        });
    }
    for l in &ifaces {
        let by_link = out.iter().any(|a| {
            a.kind == "xdp"
                && a.ifindex == Some(l.ifindex)
                && a.netns_inode == here
                && here.is_some()
        });
        for (id, mode) in [
            (l.xdp.drv_prog_id, "drv"),
            (l.xdp.skb_prog_id, "skb"),
            (l.xdp.hw_prog_id, "hw"),
        ] {
            if id == Some(prog_id) && !by_link {
                out.push(AttachPoint {
                    how: "netlink",
                    kind: "xdp".into(),
                    link_id: None,
                    ifname: Some(l.name.clone()),
                    ifindex: Some(l.ifindex),
                    netns_inode: here,
                    mode: Some(mode.into()),
                    target: None,
                });
            }
        }
        for f in netlink::list_tc_bpf_filters(l.ifindex).unwrap_or_default() {
            if f.prog_id == Some(prog_id) {
                out.push(AttachPoint {
                    how: "netlink",
                    kind: "tc".into(),
                    link_id: None,
                    ifname: Some(l.name.clone()),
                    ifindex: Some(l.ifindex),
                    netns_inode: here,
                    mode: Some("clsact".into()),
                    target: Some(format!(
                        "{} prio {} handle {}",
                        if f.parent_ingress {
                            "ingress"
                        } else {
                            "egress"
                        },
                        f.priority,
                        f.handle
                    )),
                });
            }
        }
    }
    out
}
