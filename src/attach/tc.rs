//! tc: tcx links where the kernel has them (6.6+), clsact + cls_bpf direct-action otherwise.
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;

use serde::Serialize;

use crate::attach::{self, nl_err, ProgHandle, Record};
use crate::error::{ErrorKind, X0Error};
use crate::store::Store;
use crate::sys::netlink;
use crate::sys::{bpf, ns};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Packets the interface receives
    Ingress,
    /// Packets the interface sends
    Egress,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    pub fn tcx_attach_type(self) -> u32 {
        match self {
            Direction::Ingress => libbpf_sys::BPF_TCX_INGRESS,
            Direction::Egress => libbpf_sys::BPF_TCX_EGRESS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TcMode {
    /// tcx when the kernel has it, clsact otherwise
    Auto,
    /// A tcx bpf_link (Linux 6.6+)
    Tcx,
    /// A direct-action cls_bpf filter on the clsact qdisc
    Clsact,
}

pub struct TcOptions {
    pub direction: Direction,
    pub mode: TcMode,
    pub priority: u16,
    pub handle: u32,
    pub replace: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TcAttached {
    pub kind: &'static str,
    pub interface: String,
    pub ifindex: u32,
    pub direction: &'static str,
    pub object: String,
    pub program: String,
    pub prog_id: u32,
    /// "tcx" or "clsact".
    pub mode: &'static str,
    pub how: &'static str,
    pub link_id: Option<u32>,
    pub priority: Option<u16>,
    pub handle: Option<u32>,
    pub record: PathBuf,
    /// Why tcx was not used, when it was not.
    pub tcx_refused: Option<String>,
    pub replaced: bool,
    pub loaded: bool,
    pub warnings: Vec<String>,
}

pub fn attach(
    store: &Store,
    iface: &netlink::Link,
    h: &ProgHandle,
    o: &TcOptions,
) -> Result<TcAttached, X0Error> {
    let ns = ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    let dir = o.direction;
    let mut out = TcAttached {
        kind: "tc",
        interface: iface.name.clone(),
        ifindex: iface.ifindex,
        direction: dir.name(),
        object: h.object.clone(),
        program: h.name.clone(),
        prog_id: h.id,
        mode: "tcx",
        how: "bpf_link",
        link_id: None,
        priority: None,
        handle: None,
        record: PathBuf::new(),
        tcx_refused: None,
        replaced: false,
        loaded: h.loaded_now,
        warnings: Vec::new(),
    };
    if !iface.up {
        out.warnings
            .push(format!("{} is down: no packets until it is up", iface.name));
    }
    let ingress = dir == Direction::Ingress;
    let kinds = [format!("tcx-{}", dir.name()), format!("tc-{}", dir.name())];
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    attach::repair_stale(store, iface.ifindex, ns, &kinds)?;
    let ours_here = attach::records_on(store, iface.ifindex, ns, &kinds);
    // This object's live attachment here: a conflict unless --replace, which then swaps the
    // program in place, keeping the kind (tcx link or clsact filter) it already has.
    let mine = ours_here.iter().find(|(obj, r, p)| {
        obj == &h.object && attach::record_live(r, &attach::record_state(r, p)).0
    });
    if let Some((_, rec, path)) = mine {
        if !o.replace {
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "{} is already attached at tc {} of {}",
                    h.object,
                    dir.name(),
                    iface.name
                ),
            )
            .hint(format!(
                "pass --replace to swap the program, or `x0bpf detach tc {} --direction {}` first",
                iface.name,
                dir.name()
            )));
        }
        out.replaced = true;
        if rec.kind.starts_with("tcx-") {
            let link = bpf::obj_get(path)
                .map_err(|e| X0Error::os(format!("opening {}", path.display()), &e))?;
            bpf::link_update(link.as_fd(), h.fd.as_fd(), None)
                .map_err(|e| X0Error::os("replacing the program in the tcx link", &e))?;
            out.link_id = bpf::link_info(link.as_fd()).ok().map(|i| i.id);
            out.record = path.clone();
            return Ok(out);
        }
        let (p, hd) = rec.prio_handle.unwrap_or((o.priority, o.handle));
        // The record pins the program: pin the new one first, tagged with its id so both
        // records exist until the swap is done — killed in between, the one matching the
        // filter is live and the other is repaired away.
        let mut new_rec = rec.clone();
        new_rec.tag = Some(h.id);
        let new_path = attach::pin_record(h, &new_rec, h.fd.as_fd())?;
        // One request: the kernel swaps the filter's program with no window without one.
        if let Err(e) =
            netlink::replace_tc_bpf_filter(iface.ifindex, ingress, h.fd.as_raw_fd(), &h.name, p, hd)
        {
            let _ = std::fs::remove_file(&new_path);
            return Err(nl_err(e));
        }
        let _ = std::fs::remove_file(path);
        out.mode = "clsact";
        out.how = "netlink";
        out.priority = Some(p);
        out.handle = Some(hd);
        out.record = new_path;
        return Ok(out);
    }

    if o.mode != TcMode::Clsact {
        match bpf::link_create(h.fd.as_fd(), iface.ifindex as i32, dir.tcx_attach_type(), 0) {
            Ok(link) => {
                let rec = Record::iface(
                    &format!("tcx-{}", dir.name()),
                    &iface.name,
                    iface.ifindex,
                    ns,
                );
                out.record = attach::pin_link_record(h, &rec, &link)?;
                out.link_id = bpf::link_info(link.as_fd()).ok().map(|i| i.id);
                return Ok(out);
            }
            Err(e) => {
                let n = e.raw_os_error().unwrap_or(0);
                // EINVAL: the kernel does not know the tcx attach types (before 6.6).
                if o.mode == TcMode::Tcx || !(n == libc::EINVAL || n == libc::EOPNOTSUPP) {
                    return Err(X0Error::new(
                        if n == libc::EINVAL {
                            ErrorKind::Unsupported
                        } else {
                            ErrorKind::from_errno(n)
                        },
                        format!(
                            "cannot attach tcx {} on {}: {}",
                            dir.name(),
                            iface.name,
                            crate::error::errno_text(n)
                        ),
                    )
                    .errno(n)
                    .hint("tcx needs Linux 6.6+; use --mode clsact (or auto) on older kernels"));
                }
                out.tcx_refused = Some(format!(
                    "{}: this kernel has no tcx (Linux 6.6+)",
                    crate::error::errno_text(n)
                ));
            }
        }
    }

    // clsact + cls_bpf: the filter holds the program; a second pin of it records where.
    out.mode = "clsact";
    out.how = "netlink";
    out.priority = Some(o.priority);
    out.handle = Some(o.handle);
    // Whether x0bpf made the clsact qdisc (now, or for an attachment of ours still there):
    // then the last of our filters to go takes the qdisc with it, if nothing else uses it.
    let existed = netlink::has_clsact(iface.ifindex).map_err(nl_err)?;
    let created = !existed
        || attach::records_on(store, iface.ifindex, ns, &["tc-"])
            .iter()
            .any(|(_, r, _)| r.new_qdisc);
    let existing = if existed {
        netlink::list_tc_bpf_filters(iface.ifindex)
            .map_err(nl_err)?
            .into_iter()
            .find(|f| {
                f.parent_ingress == ingress && f.priority == o.priority && f.handle == o.handle
            })
    } else {
        None
    };
    if let Some(f) = &existing {
        if !o.replace {
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "{} already has a tc {} filter at priority {} handle {} (program {} {})",
                    iface.name,
                    dir.name(),
                    o.priority,
                    o.handle,
                    f.prog_id
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "?".into()),
                    f.prog_name.clone().unwrap_or_default()
                ),
            )
            .hint("choose another --priority/--handle, pass --replace, or detach it"));
        }
    }
    // The record first (intent), then the qdisc, then the filter: killed at any step, the
    // next detach, unload or attach finds the record and removes whatever of it the kernel
    // holds — a running filter, or an empty clsact qdisc x0bpf made.
    let mut rec = Record::iface(
        &format!("tc-{}", dir.name()),
        &iface.name,
        iface.ifindex,
        ns,
    );
    rec.prio_handle = Some((o.priority, o.handle));
    rec.new_qdisc = created;
    if existing.is_some() {
        // Beside the record of the filter being replaced, until the swap is done.
        rec.tag = Some(h.id);
    }
    let record = attach::pin_record(h, &rec, h.fd.as_fd())?;
    let undo = || {
        if created && netlink::count_clsact_filters(iface.ifindex).unwrap_or(1) == 0 {
            let _ = netlink::delete_clsact(iface.ifindex);
        }
        let _ = std::fs::remove_file(&record);
    };
    if !existed {
        match netlink::add_clsact(iface.ifindex) {
            // Another tool added one meanwhile: it is theirs, but an empty one is only
            // removed by x0bpf when none of its filters is left.
            Ok(()) => {}
            Err(e) if e.errno == libc::EEXIST => {}
            Err(e) => {
                undo();
                return Err(nl_err(e));
            }
        }
    }
    let attached = if existing.is_some() {
        out.replaced = true;
        netlink::replace_tc_bpf_filter(
            iface.ifindex,
            ingress,
            h.fd.as_raw_fd(),
            &h.name,
            o.priority,
            o.handle,
        )
    } else {
        netlink::add_tc_bpf_filter(
            iface.ifindex,
            ingress,
            h.fd.as_raw_fd(),
            &h.name,
            o.priority,
            o.handle,
        )
    };
    if let Err(e) = attached {
        undo();
        return Err(nl_err(e));
    }
    // Records of the filter that was at this place (replaced) are obsolete.
    for (_, r, p) in &ours_here {
        if r.kind.starts_with("tc-")
            && r.prio_handle == Some((o.priority, o.handle))
            && *p != record
        {
            let _ = std::fs::remove_file(p);
        }
    }
    out.record = record;
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct TcDetached {
    pub interface: String,
    pub direction: Option<&'static str>,
    pub removed: Vec<String>,
    pub verified: bool,
}

pub fn detach(
    store: &Store,
    iface: &netlink::Link,
    direction: Option<Direction>,
    all: bool,
) -> Result<TcDetached, X0Error> {
    let ns = ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    let kinds: Vec<String> = match direction {
        Some(d) => vec![format!("tcx-{}", d.name()), format!("tc-{}", d.name())],
        None => vec!["tcx-".into(), "tc-".into()],
    };
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    let repaired = attach::repair_stale(store, iface.ifindex, ns, &kinds)?;
    let ours = attach::records_on(store, iface.ifindex, ns, &kinds);
    let dirs: Vec<Direction> = match direction {
        Some(d) => vec![d],
        None => vec![Direction::Ingress, Direction::Egress],
    };
    let others = if all {
        foreign_tc(iface.ifindex, &dirs)?
    } else {
        Vec::new()
    };
    if ours.is_empty() && others.is_empty() {
        let where_ = format!(
            "{}{}",
            iface.name,
            direction
                .map(|d| format!(" {}", d.name()))
                .unwrap_or_default()
        );
        return Err(X0Error::new(
            ErrorKind::NotAttached,
            if all {
                format!("no tc program is attached to {where_}")
            } else {
                format!("x0bpf has no tc program attached to {where_}")
            },
        )
        .hint(if !repaired.is_empty() {
            format!("stale records removed: {}", repaired.join("; "))
        } else if all {
            format!("see what is attached with `x0bpf net --dev {}`", iface.name)
        } else {
            format!(
                "see what is attached with `x0bpf net --dev {0}`; remove other tools' tc programs with `x0bpf detach tc {0} --all`",
                iface.name
            )
        }));
    }
    let mut out = TcDetached {
        interface: iface.name.clone(),
        direction: direction.map(|d| d.name()),
        removed: Vec::new(),
        verified: false,
    };
    // Release each (release also removes a clsact qdisc x0bpf added once nothing uses it),
    // then verify each one specifically: its link or its filter is no longer there.
    let mut released = Vec::new();
    for (obj, rec, path) in &ours {
        let st = attach::record_state(rec, path);
        let how = attach::release(rec, path)?;
        out.removed
            .push(format!("{obj}: {} ({how})", rec.describe()));
        released.push((rec, st));
    }
    out.verified = released.iter().all(|(r, st)| !attach::record_live(r, st).0);
    if all {
        // Other tools' programs: what is left after ours went (ours may have shared a place).
        for f in foreign_tc(iface.ifindex, &dirs)? {
            out.removed.push(f.remove(iface.ifindex)?);
        }
        out.verified = out.verified && foreign_tc(iface.ifindex, &dirs)?.is_empty();
    }
    if !out.verified {
        return Err(X0Error::new(
            ErrorKind::Kernel,
            format!("a detached tc program is still attached to {}", iface.name),
        ));
    }
    Ok(out)
}

/// A tc program on an interface, whoever attached it: a tcx link (or a tcx program attached
/// without a link), or a cls_bpf filter under clsact.
enum TcProg {
    Tcx {
        dir: Direction,
        prog_id: u32,
        link_id: Option<u32>,
    },
    Clsact(netlink::TcFilter),
}

fn foreign_tc(ifindex: u32, dirs: &[Direction]) -> Result<Vec<TcProg>, X0Error> {
    let mut v = Vec::new();
    for &d in dirs {
        for (prog_id, link_id) in bpf::tcx_query(ifindex, d.tcx_attach_type()) {
            v.push(TcProg::Tcx {
                dir: d,
                prog_id,
                link_id,
            });
        }
    }
    for f in netlink::list_tc_bpf_filters(ifindex).map_err(nl_err)? {
        let d = if f.parent_ingress {
            Direction::Ingress
        } else {
            Direction::Egress
        };
        if dirs.contains(&d) {
            v.push(TcProg::Clsact(f));
        }
    }
    Ok(v)
}

impl TcProg {
    fn remove(&self, ifindex: u32) -> Result<String, X0Error> {
        match self {
            TcProg::Tcx {
                dir,
                prog_id,
                link_id: Some(link_id),
            } => {
                let fd = bpf::fd_by_id(bpf::ObjKind::Link, *link_id)
                    .map_err(|e| X0Error::os(format!("opening tcx bpf_link {link_id}"), &e))?;
                // SAFETY: valid link fd.
                let rc = unsafe { libbpf_sys::bpf_link_detach(fd.as_raw_fd()) };
                if rc < 0 {
                    return Err(X0Error::os(
                        format!("detaching tcx bpf_link {link_id}"),
                        &std::io::Error::from_raw_os_error(-rc),
                    ));
                }
                Ok(format!(
                    "tcx {} program {prog_id} ({}): bpf_link {link_id} detached",
                    dir.name(),
                    bpf::prog_name(*prog_id).unwrap_or_default()
                ))
            }
            TcProg::Tcx {
                dir,
                prog_id,
                link_id: None,
            } => {
                let fd = bpf::fd_by_id(bpf::ObjKind::Prog, *prog_id)
                    .map_err(|e| X0Error::os(format!("opening program {prog_id}"), &e))?;
                // SAFETY: valid program fd; the ifindex is this namespace's.
                let rc = unsafe {
                    libbpf_sys::bpf_prog_detach2(
                        fd.as_raw_fd(),
                        ifindex as i32,
                        dir.tcx_attach_type(),
                    )
                };
                if rc < 0 {
                    return Err(X0Error::os(
                        format!("detaching tcx program {prog_id}"),
                        &std::io::Error::from_raw_os_error(-rc),
                    ));
                }
                Ok(format!(
                    "tcx {} program {prog_id} ({}) detached",
                    dir.name(),
                    bpf::prog_name(*prog_id).unwrap_or_default()
                ))
            }
            TcProg::Clsact(f) => {
                netlink::delete_tc_filter(ifindex, f.parent_ingress, f.priority, f.handle)
                    .map_err(nl_err)?;
                Ok(format!(
                    "clsact {} filter prio {} handle {} program {} ({}) deleted",
                    if f.parent_ingress {
                        "ingress"
                    } else {
                        "egress"
                    },
                    f.priority,
                    f.handle,
                    f.prog_id.map(|i| i.to_string()).unwrap_or("-".into()),
                    f.prog_name.clone().unwrap_or_default()
                ))
            }
        }
    }
}
