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
pub mod probes;
pub mod tc;
pub mod xdp;

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
        ifindex: rec.ifindex,
        netns_inode: rec.netns,
        mode,
        record: path.to_path_buf(),
        live,
    }
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

pub fn nl_err(e: netlink::NlError) -> X0Error {
    let mut msg = crate::error::errno_text(e.errno);
    if let Some(x) = &e.extack {
        msg = format!("{msg}: {x}");
    }
    X0Error::new(ErrorKind::from_errno(e.errno), msg).errno(e.errno)
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

/// A program ready to attach: its fd, and which loaded object owns it.
pub struct ProgHandle {
    pub fd: OwnedFd,
    pub id: u32,
    pub name: String,
    pub object: String,
    pub object_dir: PathBuf,
    /// Loaded by this command: unloaded again if the attach fails, so nothing is half-done.
    pub loaded_now: bool,
}

impl ProgHandle {
    /// Undo the load this command did (after a failed attach).
    pub fn rollback(&self) {
        if self.loaded_now && store::entries(&self.object_dir.join("links")).is_empty() {
            let _ = store::remove_tree(&self.object_dir);
        }
    }
}

/// `--prog OBJECT[:PROGRAM]`: a loaded x0bpf object, a file, or an embedded object. Files and
/// embedded objects are loaded (and pinned) first unless already loaded under that name.
pub fn resolve_prog(
    store: &store::Store,
    spec: &str,
    name: Option<&str>,
    want: &[&str],
    what: &str,
) -> Result<ProgHandle, X0Error> {
    let (obj, prog) = match spec.rsplit_once(':') {
        Some((o, p)) if !o.is_empty() && !p.contains('/') && !p.is_empty() => (o, Some(p)),
        _ => (spec, None),
    };
    let mut loaded_now = false;
    // An object already loaded under the requested name (or under OBJECT itself) is used as is.
    let loaded_name = name.unwrap_or(obj);
    let is_loaded = |n: &str| store.is_loaded(n);
    let object = if is_loaded(loaded_name) && (name.is_none() || loaded_name == obj) {
        loaded_name.to_string()
    } else {
        let src = crate::obj::source::resolve(obj)?;
        let oname = name.map(str::to_string).unwrap_or_else(|| src.name.clone());
        store::check_name("object name", &oname)?;
        if is_loaded(&oname) {
            // Reusing a loaded object for a file is only right if it is that object.
            same_programs(store, &oname, &src)?;
        } else {
            let opts = crate::store::load::LoadOptions {
                name: Some(oname.clone()),
                ..Default::default()
            };
            match crate::store::load::load_and_pin(store, &src, &opts) {
                Ok(_) => loaded_now = true,
                // Another x0bpf loaded it at the same moment: use theirs.
                Err(e) if e.kind == ErrorKind::Conflict && store.is_loaded(&oname) => {}
                Err(e) => return Err(e),
            }
        }
        oname
    };
    let dir = store.dir(&object);
    let fail = |e: X0Error| -> Result<ProgHandle, X0Error> {
        if loaded_now {
            let _ = store::remove_tree(&dir);
        }
        Err(e)
    };
    let mut candidates = Vec::new();
    let mut others = Vec::new();
    for (pname, pin) in store::entries(&dir.join("progs")) {
        let info = bpf::obj_get(&pin).and_then(|fd| Ok((bpf::prog_info(fd.as_fd())?, fd)));
        let (info, fd) = match info {
            Ok(x) => x,
            Err(e) => {
                return fail(X0Error::os(
                    format!("opening pinned program {}", pin.display()),
                    &e,
                ))
            }
        };
        if prog.is_some_and(|p| p != pname) {
            continue;
        }
        if want.contains(&info.prog_type.as_str()) {
            candidates.push((pname, fd, info.id));
        } else {
            others.push(format!("{pname} ({})", info.prog_type));
        }
    }
    match candidates.len() {
        1 => {
            let (pname, fd, id) = candidates.pop().expect("one candidate");
            Ok(ProgHandle {
                fd,
                id,
                name: pname,
                object,
                object_dir: dir,
                loaded_now,
            })
        }
        0 if prog.is_some() && others.is_empty() => fail(
            X0Error::new(
                ErrorKind::NotFound,
                format!(
                    "object {object} has no program named {}",
                    prog.unwrap_or_default()
                ),
            )
            .hint(format!("see its programs with `x0bpf list {object}`")),
        ),
        0 => fail(
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "object {object} has no {what} program{}",
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (it has {})", others.join(", "))
                    }
                ),
            )
            .hint(format!(
                "attach {what} needs a program of type {}",
                want.join(" or ")
            )),
        ),
        _ => fail(
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "object {object} has several {what} programs: {}",
                    candidates
                        .iter()
                        .map(|c| c.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .hint(format!("pick one with --prog {object}:PROGRAM")),
        ),
    }
}

/// `--name N` for a file when N is already loaded: fine if N holds the same programs,
/// otherwise a conflict (attaching N's programs would not be what was asked for).
fn same_programs(
    store: &store::Store,
    name: &str,
    src: &crate::obj::source::ObjectSource,
) -> Result<(), X0Error> {
    let parsed = crate::obj::elf::parse(&src.bytes, &src.origin)?;
    let mut want: Vec<String> = parsed
        .info
        .programs
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let mut have: Vec<String> = store::entries(&store.dir(name).join("progs"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    want.sort();
    have.sort();
    if want == have {
        return Ok(());
    }
    Err(X0Error::new(
        ErrorKind::Conflict,
        format!(
            "an object named {name} is already loaded with other programs ({}) than {} ({})",
            have.join(", "),
            src.origin,
            want.join(", ")
        ),
    )
    .hint(format!(
        "use another --name, or `x0bpf unload {name}` first"
    )))
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

/// Pin an attachment record in the owning object's links/ directory.
pub fn pin_record(h: &ProgHandle, rec: &Record, fd: BorrowedFd<'_>) -> Result<PathBuf, X0Error> {
    let links = h.object_dir.join("links");
    match fs::create_dir(&links) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            return Err(X0Error::os(format!("creating {}", links.display()), &e))
        }
        _ => {}
    }
    let path = links.join(rec.file_name());
    bpf::obj_pin(fd, &path).map_err(|e| {
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

/// An interface by name, through the kernel. Unknown names get the nearest existing ones.
pub fn resolve_iface(name: &str) -> Result<netlink::Link, X0Error> {
    if let Some(l) = netlink::get_link(name).map_err(nl_err)? {
        return Ok(l);
    }
    let links = netlink::list_links().map_err(nl_err)?;
    let mut names: Vec<(usize, String)> = links
        .iter()
        .map(|l| (edit_distance(name, &l.name), l.name.clone()))
        .collect();
    names.sort();
    let near: Vec<String> = names.iter().take(4).map(|(_, n)| n.clone()).collect();
    Err(X0Error::new(
        ErrorKind::NotFound,
        format!("no interface named {name} in this network namespace"),
    )
    .errno(libc::ENODEV)
    .hint(format!(
        "interfaces here: {}{}",
        near.join(", "),
        if links.len() > near.len() {
            ", …"
        } else {
            ""
        }
    )))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
