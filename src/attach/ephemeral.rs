//! Programs a view (`syscalls`, `events`, `flows`, `stats --watch` on a bare interface) loads for
//! itself: an embedded object loaded *without pinning*, its load-time constants set, attached
//! through bpf_links (raw tracepoints, tcx/XDP links) held only by this process's fds. When the
//! process exits — normally, on Ctrl-C or killed with SIGKILL — the kernel closes the fds and
//! releases links, programs and maps: nothing is left behind, no bpffs is needed.
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use libbpf_rs::{Link, MapCore, Object};

use crate::error::{ErrorKind, X0Error};
use crate::obj::elf;
use crate::obj::source;
use crate::store::load as store_load;
use crate::sys::{bpf, libbpf_log};

/// A loaded, unpinned object and the links this process holds on it.
pub struct Ephemeral {
    pub obj: Object,
    links: Vec<Link>,
    raw_links: Vec<OwnedFd>,
}

/// Load embedded object `name` unpinned, with `.rodata` values (`VAR`, `VALUE`) set before
/// the load. Only the programs in `progs` are loaded (the rest are set not to autoload).
pub fn load(name: &str, sets: &[(String, String)], progs: &[&str]) -> Result<Ephemeral, X0Error> {
    let src = source::resolve(name)?;
    let parsed = elf::parse(&src.bytes, &src.origin)?;
    load_parsed(&src, &parsed, sets, progs)
}

fn load_parsed(
    src: &source::ObjectSource,
    parsed: &elf::ParsedObject,
    sets: &[(String, String)],
    progs: &[&str],
) -> Result<Ephemeral, X0Error> {
    let name = src.name.as_str();
    let mut open = store_load::open(src, parsed, name, sets)?;
    for mut p in open.progs_mut() {
        let pname = p.name().to_string_lossy().into_owned();
        p.set_autoload(progs.contains(&pname.as_str()));
    }
    libbpf_log::clear();
    let obj = open.load().map_err(|e| {
        let log = libbpf_log::take();
        store_load::load_error(&format!("loading {}", src.origin), &e, &log)
    })?;
    Ok(Ephemeral {
        obj,
        links: Vec::new(),
        raw_links: Vec::new(),
    })
}

impl Ephemeral {
    fn prog_fd(&self, prog: &str) -> Result<BorrowedFd<'_>, X0Error> {
        self.obj
            .progs()
            .find(|p| p.name().to_string_lossy() == prog)
            .map(|p| {
                // SAFETY: the fd belongs to the program, which lives as long as self.obj.
                unsafe { BorrowedFd::borrow_raw(p.as_fd().as_raw_fd()) }
            })
            .ok_or_else(|| {
                X0Error::new(
                    ErrorKind::Internal,
                    format!("program {prog} missing after load"),
                )
            })
    }

    /// Attach program `prog` to raw tracepoint `tp` (no tracefs, no perf event).
    pub fn raw_tracepoint(&mut self, prog: &str, tp: &str) -> Result<(), X0Error> {
        let fd = self.prog_fd(prog)?;
        let link = bpf::raw_tracepoint_open(tp, fd).map_err(|e| {
            X0Error::os(format!("attaching {prog} to raw tracepoint {tp}"), &e)
                .hint("raw tracepoint links need Linux 5.8+ and CAP_BPF + CAP_PERFMON")
        })?;
        self.raw_links.push(link);
        Ok(())
    }

    /// Keep a libbpf link alive as long as this object.
    pub fn hold(&mut self, link: Link) {
        self.links.push(link);
    }

    /// An fd of map `name` (valid while self lives).
    pub fn map_fd(&self, name: &str) -> Result<BorrowedFd<'_>, X0Error> {
        self.obj
            .maps()
            .find(|m| m.name().to_string_lossy() == name)
            .map(|m| {
                // SAFETY: the map fd lives as long as self.obj.
                unsafe { BorrowedFd::borrow_raw(m.as_fd().as_raw_fd()) }
            })
            .ok_or_else(|| {
                X0Error::new(
                    ErrorKind::Internal,
                    format!("map {name} missing after load"),
                )
            })
    }

    /// A program's fd, for attaching it elsewhere (XDP, tc).
    pub fn prog(&self, prog: &str) -> Result<BorrowedFd<'_>, X0Error> {
        self.prog_fd(prog)
    }

    pub fn hold_fd(&mut self, fd: OwnedFd) {
        self.raw_links.push(fd);
    }

    /// False when every interface link (tcx, XDP) it holds has lost its interface: the kernel
    /// detaches them when the interface is deleted (ifindex 0), and nothing is counted any
    /// more. True when it holds no interface link.
    pub fn netdev_links_live(&self) -> bool {
        let ifindexes: Vec<u32> = self
            .raw_links
            .iter()
            .filter_map(|l| bpf::link_info(l.as_fd()).ok()?.ifindex)
            .collect();
        ifindexes.is_empty() || ifindexes.iter().any(|i| *i != 0)
    }
}

impl Ephemeral {
    /// Attach program `prog` at tcx `dir` of `ifindex` through a link only this process holds
    /// (Linux 6.6+; before that there is no tc attachment that dies with its process).
    pub fn tcx(
        &mut self,
        prog: &str,
        ifindex: u32,
        dir: crate::attach::tc::Direction,
    ) -> Result<(), X0Error> {
        let fd = self.prog_fd(prog)?;
        let link = bpf::link_create(fd, ifindex as i32, dir.tcx_attach_type(), 0).map_err(|e| {
            if e.raw_os_error() == Some(libc::EINVAL) {
                X0Error::new(
                    ErrorKind::Unsupported,
                    format!("cannot attach {prog} at tcx {}: this kernel has no tcx (Linux 6.6+)", dir.name()),
                )
                .hint("attach it with `x0bpf attach tc IFACE --direction ingress|egress` (clsact), then run the view again: it reads the pinned maps")
            } else {
                X0Error::os(format!("attaching {prog} at tcx {}", dir.name()), &e)
            }
        })?;
        self.raw_links.push(link);
        Ok(())
    }
}

/// One program of an object (embedded, or a file), loaded unpinned for a one-off use such as
/// BPF_PROG_TEST_RUN: `prog` names it, or else the object must have exactly one program that
/// `usable` accepts (by the type libbpf gives its section). No other program of the object is
/// loaded (its maps are all created, as libbpf does); everything is released when the
/// returned value is dropped.
pub fn load_one(
    object: &str,
    prog: Option<&str>,
    usable: &dyn Fn(&str) -> bool,
    what: &str,
) -> Result<(Ephemeral, String), X0Error> {
    let src = source::resolve(object)?;
    let parsed = elf::parse(&src.bytes, &src.origin)?;
    let progs: Vec<(&str, &str)> = parsed
        .info
        .programs
        .iter()
        .filter(|p| p.global)
        .map(|p| (p.name.as_str(), p.prog_type.as_deref().unwrap_or("unknown")))
        .collect();
    let listed = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(n, t)| format!("{n} ({t})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match prog {
        Some(p) => {
            let Some(&(n, t)) = progs.iter().find(|(n, _)| *n == p) else {
                return Err(X0Error::new(
                    ErrorKind::NotFound,
                    format!("{} has no program named {p}", src.origin),
                )
                .hint(format!("its programs: {}", listed(&progs))));
            };
            if !usable(t) {
                return Err(X0Error::new(
                    ErrorKind::Unsupported,
                    format!("{object}:{n} is a {t} program: {what}"),
                ));
            }
            n
        }
        None => {
            let ok: Vec<&(&str, &str)> = progs.iter().filter(|(_, t)| usable(t)).collect();
            match ok.as_slice() {
                [one] => one.0,
                [] => {
                    return Err(X0Error::new(
                        ErrorKind::Unsupported,
                        format!(
                            "{} has no program of a type that can be run here ({}): {what}",
                            src.origin,
                            listed(&progs)
                        ),
                    ))
                }
                many => {
                    return Err(X0Error::new(
                        ErrorKind::Usage,
                        format!(
                            "{} has several programs: {}",
                            src.origin,
                            many.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    // The object as given, so the suggestion works as typed.
                    .hint(format!("name one as {object}:{}", many[0].0)));
                }
            }
        }
    }
    .to_string();
    let eph = load_parsed(&src, &parsed, &[], &[chosen.as_str()])?;
    Ok((eph, chosen))
}
