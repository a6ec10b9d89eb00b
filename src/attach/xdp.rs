//! XDP: attach with mode auto (HW → DRV → SKB) through a pinned bpf_link, atomic replace,
//! detach that finds the mode itself.
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;

use serde::Serialize;

use crate::attach::{self, nl_err, ProgHandle, Record};
use crate::error::{ErrorKind, X0Error};
use crate::store::Store;
use crate::sys::bpf::ObjKind;
use crate::sys::netlink;
use crate::sys::{bpf, ns};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// hw, then drv, then skb: the first the driver accepts
    Auto,
    /// Offloaded to the NIC (aliases: offload, xdpoffload)
    #[value(alias = "offload", alias = "xdpoffload")]
    Hw,
    /// In the driver (aliases: native, xdpdrv)
    #[value(alias = "native", alias = "xdpdrv")]
    Drv,
    /// Generic, after the skb is built (aliases: generic, xdpgeneric)
    #[value(alias = "generic", alias = "xdpgeneric")]
    Skb,
}

impl Mode {
    fn flag(self) -> u32 {
        match self {
            Mode::Hw => netlink::XDP_FLAGS_HW_MODE,
            Mode::Drv => netlink::XDP_FLAGS_DRV_MODE,
            Mode::Skb => netlink::XDP_FLAGS_SKB_MODE,
            Mode::Auto => 0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Hw => "hw",
            Mode::Drv => "drv",
            Mode::Skb => "skb",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub mode: &'static str,
    /// An atomic replace of the program already attached, in `mode`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    pub ok: bool,
    pub errno: Option<i32>,
    /// The kernel's reason: errno text plus its extended ack message where it gave one.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Current {
    pub prog_id: u32,
    pub name: String,
    pub mode: Option<String>,
    /// The loaded x0bpf object whose attachment this is, if it is ours.
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct XdpAttached {
    pub kind: &'static str,
    pub interface: String,
    pub ifindex: u32,
    pub netns_inode: u64,
    pub object: String,
    pub program: String,
    pub prog_id: u32,
    pub mode: String,
    /// "bpf_link" (pinned link) or "netlink" (program pin records it).
    pub how: &'static str,
    pub link_id: Option<u32>,
    pub record: PathBuf,
    pub attempts: Vec<Attempt>,
    pub replaced: Option<Current>,
    pub loaded: bool,
    pub warnings: Vec<String>,
}

fn current(ifindex: u32, store: &Store, ns: u64) -> Result<Option<Current>, X0Error> {
    let Some(l) = netlink::get_link_by_index(ifindex).map_err(nl_err)? else {
        return Ok(None);
    };
    let Some(id) = l
        .xdp
        .prog_id
        .or(l.xdp.drv_prog_id)
        .or(l.xdp.skb_prog_id)
        .or(l.xdp.hw_prog_id)
    else {
        return Ok(None);
    };
    let name = bpf::prog_name(id).unwrap_or_default();
    let owner = our_record(store, ifindex, ns, id).map(|(o, _, _)| o);
    Ok(Some(Current {
        prog_id: id,
        name,
        mode: attach::xdp_mode_name(l.xdp.mode),
        owner,
    }))
}

/// x0bpf's record of the XDP program `prog_id` running on the interface: only a record whose
/// own program is that one counts (a stale record is not ownership).
fn our_record(
    store: &Store,
    ifindex: u32,
    ns: u64,
    prog_id: u32,
) -> Option<(String, Record, PathBuf)> {
    attach::records_on(store, ifindex, ns, &["xdp"])
        .into_iter()
        .find(|(_, r, p)| {
            let st = attach::record_state(r, p);
            st.intact && st.prog_id == Some(prog_id)
        })
}

fn describe(c: &Current) -> String {
    format!(
        "program {} ({}){}{}",
        c.prog_id,
        if c.name.is_empty() { "?" } else { &c.name },
        c.mode
            .as_ref()
            .map(|m| format!(", {m} mode"))
            .unwrap_or_default(),
        c.owner
            .as_ref()
            .map(|o| format!(", attached by x0bpf for {o}"))
            .unwrap_or_else(|| ", attached by another tool".into())
    )
}

fn reason(e: &netlink::NlError) -> String {
    let mut s = crate::error::errno_text(e.errno);
    if let Some(x) = &e.extack {
        s.push_str(": ");
        s.push_str(x);
    }
    s
}

pub struct AttachOptions {
    pub mode: Mode,
    pub replace: bool,
    pub expect_id: Option<u32>,
}

pub fn attach(
    store: &Store,
    iface: &netlink::Link,
    h: &ProgHandle,
    opts: &AttachOptions,
) -> Result<XdpAttached, X0Error> {
    let ns = ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    let mut warnings = Vec::new();
    if !iface.up {
        warnings.push(format!(
            "{} is down: the program is attached but sees no packets until it is up",
            iface.name
        ));
    }
    let mut out = XdpAttached {
        kind: "xdp",
        interface: iface.name.clone(),
        ifindex: iface.ifindex,
        netns_inode: ns,
        object: h.object.clone(),
        program: h.name.clone(),
        prog_id: h.id,
        mode: String::new(),
        how: "bpf_link",
        link_id: None,
        record: PathBuf::new(),
        attempts: Vec::new(),
        replaced: None,
        loaded: h.loaded_now,
        warnings,
    };
    attach::repair_stale(store, iface.ifindex, ns, &["xdp"])?;

    if let Some(cur) = current(iface.ifindex, store, ns)? {
        if let Some(want) = opts.expect_id {
            if want != cur.prog_id {
                return Err(X0Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "{} runs XDP {}, not program {want} as --expect-id says",
                        iface.name,
                        describe(&cur)
                    ),
                )
                .hint("someone changed it meanwhile: look with `x0bpf net` and retry"));
            }
        }
        if !opts.replace {
            if cur.name == "xdp_dispatcher" {
                return Err(X0Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "{} has a libxdp multi-program dispatcher (program {}): programs there are managed by libxdp/xdp-loader",
                        iface.name, cur.prog_id
                    ),
                )
                .hint(format!(
                    "see them with `xdp-loader status {0}`; remove them with `xdp-loader unload {0} --all`, or take the interface over with --replace",
                    iface.name
                )));
            }
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!("{} already has XDP {}", iface.name, describe(&cur)),
            )
            .errno(libc::EBUSY)
            .hint(if cur.owner.is_some() {
                format!(
                    "pass --replace to swap it atomically, or `x0bpf detach xdp {}` first",
                    iface.name
                )
            } else {
                // Another tool's program: plain detach removes only x0bpf's.
                format!(
                    "pass --replace to swap it atomically, or remove it first with `x0bpf detach xdp {} --all`",
                    iface.name
                )
            }));
        }
        if opts.mode != Mode::Auto && cur.mode.as_deref() != Some(opts.mode.name()) {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!(
                    "{} runs XDP in {} mode; --replace keeps the mode, so --mode {} cannot apply",
                    iface.name,
                    cur.mode.as_deref().unwrap_or("unknown"),
                    opts.mode.name()
                ),
            )
            .hint(format!(
                "drop --mode, or detach first (`x0bpf detach xdp {}`) and attach in the new mode",
                iface.name
            )));
        }
        return replace(store, iface, h, cur, ns, out);
    } else if let Some(want) = opts.expect_id {
        return Err(X0Error::new(
            ErrorKind::Conflict,
            format!(
                "{} has no XDP program, not program {want} as --expect-id says",
                iface.name
            ),
        ));
    }

    let modes: &[Mode] = match opts.mode {
        Mode::Auto => &[Mode::Hw, Mode::Drv, Mode::Skb],
        Mode::Hw => &[Mode::Hw],
        Mode::Drv => &[Mode::Drv],
        Mode::Skb => &[Mode::Skb],
    };
    for &m in modes {
        match bpf::link_create(
            h.fd.as_fd(),
            iface.ifindex as i32,
            libbpf_sys::BPF_XDP,
            m.flag(),
        ) {
            Ok(link) => {
                out.attempts.push(Attempt {
                    mode: m.name(),
                    replace: false,
                    ok: true,
                    errno: None,
                    reason: None,
                });
                let rec = Record::iface("xdp", &iface.name, iface.ifindex, ns);
                let path = attach::pin_link_record(h, &rec, &link)?;
                out.link_id = bpf::link_info(link.as_fd()).ok().map(|i| i.id);
                out.mode = m.name().into();
                out.record = path;
                return Ok(out);
            }
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(0);
                if errno == libc::EBUSY || errno == libc::EEXIST {
                    // Lost a race: someone attached between our check and now.
                    let cur = current(iface.ifindex, store, ns)?;
                    return Err(X0Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "{} got an XDP program while attaching: {}",
                            iface.name,
                            cur.map(|c| describe(&c))
                                .unwrap_or_else(|| "unknown".into())
                        ),
                    )
                    .errno(errno));
                }
                // The bpf() path gives only an errno; ask netlink for the kernel's words. If
                // netlink succeeds where the link failed, that attachment is kept (persistent
                // through the interface, recorded by a program pin). The record is written
                // first: killed right after the netlink change, the program still has an
                // owner that the next detach or unload finds.
                let rec = Record::iface("xdp-netlink", &iface.name, iface.ifindex, ns);
                let path = attach::pin_record(h, &rec, h.fd.as_fd())?;
                match netlink::xdp_set(
                    iface.ifindex,
                    h.fd.as_raw_fd(),
                    m.flag() | netlink::XDP_FLAGS_UPDATE_IF_NOEXIST,
                    None,
                ) {
                    Ok(()) => {
                        out.attempts.push(Attempt {
                            mode: m.name(),
                            replace: false,
                            ok: true,
                            errno: None,
                            reason: Some(format!(
                                "bpf_link refused ({e}); attached through netlink"
                            )),
                        });
                        out.how = "netlink";
                        out.mode = m.name().into();
                        out.record = path;
                        return Ok(out);
                    }
                    Err(nle) => {
                        let _ = std::fs::remove_file(&path);
                        out.attempts.push(Attempt {
                            mode: m.name(),
                            replace: false,
                            ok: false,
                            errno: Some(nle.errno),
                            reason: Some(explain(m, &nle)),
                        })
                    }
                }
            }
        }
    }
    let summary: Vec<String> = out
        .attempts
        .iter()
        .map(|a| format!("{}: {}", a.mode, a.reason.clone().unwrap_or_default()))
        .collect();
    let last = out
        .attempts
        .last()
        .and_then(|a| a.errno)
        .unwrap_or(libc::EINVAL);
    Err(X0Error::new(
        if last == libc::EOPNOTSUPP || last == libc::EINVAL {
            ErrorKind::Unsupported
        } else {
            ErrorKind::from_errno(last)
        },
        format!(
            "cannot attach XDP to {} ({})",
            iface.name,
            summary.join("; ")
        ),
    )
    .errno(last)
    .hint(match opts.mode {
        Mode::Auto | Mode::Skb => format!(
            "no XDP mode was accepted; check the program with `x0bpf validate --verify {}`",
            if crate::obj::source::EMBEDDED
                .iter()
                .any(|e| e.name == h.object)
            {
                h.object.as_str()
            } else {
                "FILE.o"
            }
        ),
        Mode::Hw => {
            "try --mode auto, which takes the first mode the driver accepts (drv, then skb)"
                .to_string()
        }
        Mode::Drv => "try --mode skb (generic XDP, which every interface has)".to_string(),
    }))
}

fn explain(m: Mode, e: &netlink::NlError) -> String {
    let s = reason(e);
    // For hw, the kernel answers with the text of its native-mode check ("Underlying driver
    // does not support XDP in native mode"): true of the offload, misleading without context.
    if m == Mode::Hw {
        return format!("no XDP offload (hw) on this device (kernel: {s})");
    }
    if m == Mode::Drv {
        return format!("no native XDP (drv) in this driver (kernel: {s})");
    }
    s
}

fn replace(
    store: &Store,
    iface: &netlink::Link,
    h: &ProgHandle,
    cur: Current,
    ns: u64,
    mut out: XdpAttached,
) -> Result<XdpAttached, X0Error> {
    let changed = |errno: i32| {
        X0Error::new(
            ErrorKind::Conflict,
            format!(
                "the XDP program on {} changed while replacing (expected program {})",
                iface.name, cur.prog_id
            ),
        )
        .errno(errno)
        .hint("look with `x0bpf net` and retry")
    };
    let old_fd = bpf::fd_by_id(ObjKind::Prog, cur.prog_id).map_err(|e| {
        if e.raw_os_error() == Some(libc::ENOENT) {
            changed(libc::ENOENT)
        } else {
            X0Error::os(format!("opening program {}", cur.prog_id), &e)
        }
    })?;
    out.mode = cur.mode.clone().unwrap_or_default();
    if let Some((_, rec, path)) =
        our_record(store, iface.ifindex, ns, cur.prog_id).filter(|(_, r, _)| r.kind == "xdp")
    {
        // Our link: swap the program inside it, atomically.
        let link = bpf::obj_get(&path)
            .map_err(|e| X0Error::os(format!("opening link {}", path.display()), &e))?;
        bpf::link_update(link.as_fd(), h.fd.as_fd(), Some(old_fd.as_fd())).map_err(|e| {
            let n = e.raw_os_error().unwrap_or(0);
            if n == libc::EPERM {
                changed(n)
            } else {
                X0Error::os(
                    format!("replacing the program in link {}", path.display()),
                    &e,
                )
            }
        })?;
        let new_path = h.object_dir.join("links").join(rec.file_name());
        if new_path != path {
            crate::store::ensure_real_dir(&h.object_dir.join("links"))?;
            crate::store::remove_planted_link(&new_path);
            std::fs::rename(&path, &new_path)
                .map_err(|e| X0Error::os(format!("moving {}", path.display()), &e))?;
        }
        out.link_id = bpf::link_info(link.as_fd()).ok().map(|i| i.id);
        out.record = new_path;
    } else {
        // Netlink attachment (ours or another tool's): replace with the kernel comparing the
        // old program for us (XDP_FLAGS_REPLACE + expected fd). The new record goes first,
        // tagged with the new program's id so it sits beside the old one: killed at any
        // point, the record matching what runs is live and the other is repaired away.
        let flag = attach::xdp_flag(cur.mode.as_deref());
        let mut rec = Record::iface("xdp-netlink", &iface.name, iface.ifindex, ns);
        rec.tag = Some(h.id);
        let new_path = attach::pin_record(h, &rec, h.fd.as_fd())?;
        let undo = || {
            let _ = std::fs::remove_file(&new_path);
        };
        netlink::xdp_set(
            iface.ifindex,
            h.fd.as_raw_fd(),
            flag,
            Some(old_fd.as_raw_fd()),
        )
        .map_err(|e| match e.errno {
            libc::EEXIST => changed(e.errno),
            libc::EBUSY => X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "{} runs XDP {} through another tool's bpf_link, which only its owner can swap",
                    iface.name,
                    describe(&cur)
                ),
            )
            .errno(e.errno)
            .hint(format!(
                "detach it with its owner, or `x0bpf detach xdp {} --all`",
                iface.name
            )),
            _ => nl_err(e),
        })
        .inspect_err(|_| undo())?;
        // The new program is now the interface's only XDP program: every earlier record of
        // ours for this interface (the replaced one, stale ones) is obsolete.
        for (_, _, old) in attach::records_on(store, iface.ifindex, ns, &["xdp"]) {
            if old != new_path {
                let _ = std::fs::remove_file(old);
            }
        }
        out.record = new_path;
        out.how = "netlink";
    }
    out.attempts.push(Attempt {
        mode: match cur.mode.as_deref() {
            Some("skb") => "skb",
            Some("hw") => "hw",
            _ => "drv",
        },
        replace: true,
        ok: true,
        errno: None,
        reason: None,
    });
    out.replaced = Some(cur);
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct XdpDetached {
    pub interface: String,
    pub ifindex: u32,
    pub removed: Vec<Current>,
    pub how: Vec<String>,
    /// A fresh kernel query after detaching found no XDP program of ours (with --all: none).
    pub verified: bool,
    /// `--all`: the verification was that no XDP program at all is left.
    pub all: bool,
}

pub fn detach(store: &Store, iface: &netlink::Link, all: bool) -> Result<XdpDetached, X0Error> {
    let ns = ns::netns_inode().map_err(|e| X0Error::os("reading network namespace", &e))?;
    let mut out = XdpDetached {
        interface: iface.name.clone(),
        ifindex: iface.ifindex,
        removed: Vec::new(),
        how: Vec::new(),
        verified: false,
        all,
    };
    // Records an interrupted detach (or another tool) left behind go first: the kernel is
    // the truth, and a stale record must not block this or a later attach.
    let repaired = attach::repair_stale(store, iface.ifindex, ns, &["xdp"])?;
    let cur = current(iface.ifindex, store, ns)?;
    let ours_live = cur.as_ref().is_some_and(|c| c.owner.is_some());
    if !(ours_live || all && cur.is_some()) {
        let mut err = X0Error::new(
            ErrorKind::NotAttached,
            format!("x0bpf has no XDP program attached to {}", iface.name),
        );
        if let Some(c) = &cur {
            err = err.hint(format!(
                "{0} runs XDP {1}, not x0bpf's; remove it with `x0bpf detach xdp {0} --all`",
                iface.name,
                describe(c)
            ));
        } else if !repaired.is_empty() {
            err = err.hint(format!(
                "its stale record was removed: {}",
                repaired.join("; ")
            ));
        }
        return Err(err);
    }
    // Release our record of what runs here, and drop records whose link is already detached.
    // An intact record pointing at another program is left alone: it is not about this one.
    for (_, rec, path) in attach::records_on(store, iface.ifindex, ns, &["xdp"]) {
        let st = attach::record_state(&rec, &path);
        let running = cur.as_ref().map(|c| c.prog_id);
        if !st.intact || st.prog_id == running {
            out.how.push(attach::release(&rec, &path)?);
        }
    }
    if let Some(c) = cur.as_ref().filter(|c| c.owner.is_some()) {
        out.removed.push(c.clone());
    }
    if all {
        if let Some(l) = netlink::get_link_by_index(iface.ifindex).map_err(nl_err)? {
            for (id, flag) in [
                (l.xdp.drv_prog_id, netlink::XDP_FLAGS_DRV_MODE),
                (l.xdp.skb_prog_id, netlink::XDP_FLAGS_SKB_MODE),
                (l.xdp.hw_prog_id, netlink::XDP_FLAGS_HW_MODE),
            ] {
                let Some(id) = id else { continue };
                match netlink::xdp_set(iface.ifindex, -1, flag, None) {
                    Ok(()) => out.how.push(format!("netlink detach of program {id}")),
                    Err(e) if e.errno == libc::EBUSY => {
                        // Attached through someone's bpf_link: detach that link by id.
                        let link = detach_link_of(iface.ifindex, id)?;
                        out.how
                            .push(format!("bpf_link {link} of program {id} detached"));
                    }
                    Err(e) => return Err(nl_err(e)),
                }
                if let Some(c) = &cur {
                    if c.prog_id == id && c.owner.is_none() {
                        out.removed.push(c.clone());
                    }
                }
            }
        }
    }
    // Verify with a fresh query, in every mode.
    let after = netlink::get_link_by_index(iface.ifindex).map_err(nl_err)?;
    let left = after.and_then(|l| {
        l.xdp
            .prog_id
            .or(l.xdp.drv_prog_id)
            .or(l.xdp.skb_prog_id)
            .or(l.xdp.hw_prog_id)
    });
    out.verified = match left {
        None => true,
        Some(id) => !all && !out.removed.iter().any(|c| c.prog_id == id),
    };
    if !out.verified {
        return Err(X0Error::new(
            ErrorKind::Kernel,
            format!(
                "{} still runs XDP program {} after detach",
                iface.name,
                left.unwrap_or(0)
            ),
        ));
    }
    Ok(out)
}

/// Detach another tool's XDP bpf_link holding `prog_id` on this interface. Link info carries
/// only the ifindex, which repeats across network namespaces: with several candidates, refuse
/// rather than detach a program in some other namespace.
fn detach_link_of(ifindex: u32, prog_id: u32) -> Result<u32, X0Error> {
    let matches: Vec<(u32, std::os::fd::OwnedFd)> = bpf::all_ids(ObjKind::Link)
        .into_iter()
        .filter_map(|id| {
            let fd = bpf::fd_by_id(ObjKind::Link, id).ok()?;
            let info = bpf::link_info(fd.as_fd()).ok()?;
            (info.link_type == "xdp" && info.prog_id == prog_id && info.ifindex == Some(ifindex))
                .then_some((id, fd))
        })
        .collect();
    match matches.as_slice() {
        [(id, fd)] => {
            // SAFETY: valid link fd.
            let rc = unsafe { libbpf_sys::bpf_link_detach(fd.as_raw_fd()) };
            if rc < 0 {
                return Err(X0Error::os(
                    format!("detaching bpf_link {id}"),
                    &std::io::Error::from_raw_os_error(-rc),
                ));
            }
            Ok(*id)
        }
        [] => Err(X0Error::new(
            ErrorKind::Kernel,
            format!("program {prog_id} is held by a bpf_link x0bpf cannot find"),
        )),
        several => Err(X0Error::new(
            ErrorKind::Conflict,
            format!(
                "program {prog_id} is attached through several XDP links on ifindex {ifindex} in different network namespaces (links {}); x0bpf cannot tell which is this interface's",
                several.iter().map(|(i, _)| i.to_string()).collect::<Vec<_>>().join(", ")
            ),
        )
        .hint("detach it with the tool that attached it")),
    }
}
