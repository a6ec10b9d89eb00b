//! How a command names a kernel object (the grammar is documented once, in README.md):
//!
//! - `id N` — in that object kind's id space;
//! - `pinned PATH`, or a bare argument starting with `/` or `.` — a pin on bpffs;
//! - `name NAME` — the kernel's name (at most 15 bytes); ambiguous names are refused with the
//!   candidates listed;
//! - `OBJECT/MAP` (a map) and `OBJECT:PROG` (a program) — what x0bpf loaded as OBJECT.
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use crate::error::{ErrorKind, X0Error};
use crate::store::{self, Access, Store};
use crate::sys::bpf::{self, ObjKind};
use crate::sys::map as sysmap;
use crate::Ctx;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjRef {
    Id(u32),
    Pinned(PathBuf),
    Name(String),
    /// `OBJECT/MAP`
    LoadedMap {
        object: String,
        map: String,
    },
    /// `OBJECT:PROG`
    LoadedProg {
        object: String,
        prog: String,
    },
}

const GRAMMAR: &str = "name it with `id N`, `pinned PATH` (or a path starting with / or .), `name NAME`, or OBJECT/MAP for a map x0bpf loaded";

fn usage(msg: impl Into<String>) -> X0Error {
    X0Error::new(ErrorKind::Usage, msg).hint(GRAMMAR)
}

impl ObjRef {
    /// Parse the words naming an object: one (`/pin`, `obj/map`) or two (`id 3`).
    pub fn parse(words: &[String]) -> Result<ObjRef, X0Error> {
        match words {
            [kw, v] => match kw.as_str() {
                "id" => v
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n > 0)
                    .map(ObjRef::Id)
                    .ok_or_else(|| usage(format!("`id {v}`: an id is a positive integer"))),
                "pinned" | "pin" => Ok(ObjRef::Pinned(PathBuf::from(v))),
                "name" => {
                    if v.is_empty() || v.len() > 15 {
                        Err(usage(format!(
                            "`name {v}`: kernel object names are 1 to 15 bytes"
                        )))
                    } else {
                        Ok(ObjRef::Name(v.clone()))
                    }
                }
                _ => Err(usage(format!("`{kw} {v}` does not name an object"))),
            },
            [one] => {
                if one.starts_with('/') || one.starts_with('.') {
                    return Ok(ObjRef::Pinned(PathBuf::from(one)));
                }
                if let Some((o, m)) = one.split_once('/') {
                    store::check_name("object name", o)?;
                    if m.is_empty() || m.contains('/') {
                        return Err(usage(format!("`{one}`: expected OBJECT/MAP")));
                    }
                    return Ok(ObjRef::LoadedMap {
                        object: o.into(),
                        map: m.into(),
                    });
                }
                if let Some((o, p)) = one.split_once(':') {
                    store::check_name("object name", o)?;
                    if p.is_empty() {
                        return Err(usage(format!("`{one}`: expected OBJECT:PROG")));
                    }
                    return Ok(ObjRef::LoadedProg {
                        object: o.into(),
                        prog: p.into(),
                    });
                }
                Err(usage(format!("`{one}` does not name an object")))
            }
            [] => Err(usage("which object?")),
            _ => Err(usage(format!(
                "`{}` does not name one object",
                words.join(" ")
            ))),
        }
    }
}

/// The grammar's hint for commands that take a program (`profile`, `bench`).
pub const PROG_GRAMMAR: &str = "name a program with `id N`, `pinned PATH` (or a path starting with / or .), `name NAME`, or OBJECT:PROG for a program x0bpf loaded";

impl ObjRef {
    /// [`ObjRef::parse`] for a command that takes a program: a map reference is refused and
    /// the hint names the program forms.
    pub fn parse_prog(words: &[String]) -> Result<ObjRef, X0Error> {
        match ObjRef::parse(words) {
            Ok(ObjRef::LoadedMap { object, map }) => Err(X0Error::new(
                ErrorKind::Usage,
                format!("`{object}/{map}` names a map, not a program"),
            )
            .hint(PROG_GRAMMAR)),
            Ok(r) => Ok(r),
            Err(e) if e.kind == ErrorKind::Usage => Err(e.hint(PROG_GRAMMAR)),
            Err(e) => Err(e),
        }
    }
}

/// Open the program a reference names (see [`open_kind`]).
pub fn open_prog(ctx: &Ctx, r: &ObjRef) -> Result<(OwnedFd, Option<PathBuf>), X0Error> {
    crate::sys::caps::require_bpf("opening a program")?;
    open_kind(ctx, ObjKind::Prog, r)
}

/// Whether x0bpf has an object loaded under this name (in the pin dir of `ctx`).
pub fn object_loaded(ctx: &Ctx, object: &str) -> bool {
    Store::open(ctx, Access::Read).is_ok_and(|s| s.mounted && s.is_loaded(object))
}

/// An open map and what the kernel says about it.
pub struct OpenMap {
    pub fd: OwnedFd,
    pub info: sysmap::Info,
    /// The pin it was opened through, if any.
    pub pin: Option<PathBuf>,
}

fn not_found(msg: impl Into<String>) -> X0Error {
    X0Error::new(ErrorKind::NotFound, msg)
}

fn open_pin(path: &std::path::Path) -> Result<OwnedFd, X0Error> {
    let fd = bpf::obj_get(path).map_err(|e| {
        let mut x = X0Error::os(format!("cannot open pin {}", path.display()), &e);
        let denied = matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM));
        if e.raw_os_error() == Some(libc::EINVAL) || (denied && !crate::sys::mounts::is_bpffs(path))
        {
            // The path exists but is not on bpffs (the kernel says EINVAL or EACCES).
            x = X0Error::new(
                ErrorKind::NotFound,
                format!("{} is not on a BPF filesystem: not a pin", path.display()),
            )
            .hint("a pin is a path on a BPF filesystem (bpffs)");
        } else if denied && path.is_dir() {
            // A directory on bpffs: EACCES from the kernel, not a missing privilege.
            x = X0Error::new(
                ErrorKind::Usage,
                format!("{} is a directory, not a pinned object", path.display()),
            )
            .hint("name the pin inside it (`ls` it), or use `id N` / `name NAME`");
        }
        x
    })?;
    Ok(fd)
}

/// Open the map a reference names. Never mounts or changes anything.
pub fn open_map(ctx: &Ctx, r: &ObjRef) -> Result<OpenMap, X0Error> {
    crate::sys::caps::require_bpf("reading maps")?;
    let (fd, pin) = match r {
        ObjRef::Id(id) => (
            bpf::fd_by_id(ObjKind::Map, *id).map_err(|e| {
                if e.raw_os_error() == Some(libc::ENOENT) {
                    not_found(format!("no map with id {id}"))
                        .errno(libc::ENOENT)
                        .hint("`x0bpf list --all` shows the maps the kernel holds")
                } else {
                    X0Error::os(format!("map id {id}"), &e)
                }
            })?,
            None,
        ),
        ObjRef::Pinned(p) => (open_pin(p)?, Some(p.clone())),
        ObjRef::Name(n) => (by_name(n)?, None),
        ObjRef::LoadedMap { object, map } => {
            let store = Store::open(ctx, Access::Read)?;
            if !store.mounted || !store.is_loaded(object) {
                return Err(not_found(format!("no object {object:?} loaded by x0bpf"))
                    .hint("`x0bpf list` shows what x0bpf loaded"));
            }
            let p = store.dir(object).join("maps").join(store::pin_name(map));
            if std::fs::symlink_metadata(&p).is_err() {
                let maps: Vec<String> = store::entries(&store.dir(object).join("maps"))
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                return Err(not_found(format!("object {object:?} has no map {map:?}"))
                    .hint(format!("its maps: {}", maps.join(", "))));
            }
            (open_pin(&p)?, Some(p))
        }
        ObjRef::LoadedProg { object, prog } => {
            return Err(usage(format!(
                "`{object}:{prog}` names a program; this command takes a map (`{object}/MAP`)"
            )))
        }
    };
    if bpf::fd_kind(fd.as_fd()) != Some(ObjKind::Map) {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "{} is not a map",
                pin.as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "the object".into())
            ),
        )
        .hint("`x0bpf list PIN` says what a pin holds"));
    }
    let info = sysmap::info(fd.as_fd()).map_err(|e| X0Error::os("reading map info", &e))?;
    Ok(OpenMap { fd, info, pin })
}

fn kind_word(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Prog => "program",
        ObjKind::Map => "map",
        ObjKind::Link => "link",
    }
}

/// Open the program, map or link a reference names (the grammar above, per kind: `id N` is in
/// that kind's id space). Returns the fd and the pin it was opened through. Never mounts.
pub fn open_kind(
    ctx: &Ctx,
    kind: ObjKind,
    r: &ObjRef,
) -> Result<(OwnedFd, Option<PathBuf>), X0Error> {
    let what = kind_word(kind);
    let (fd, pin) = match r {
        ObjRef::Id(id) => (
            bpf::fd_by_id(kind, *id).map_err(|e| {
                if e.raw_os_error() == Some(libc::ENOENT) {
                    not_found(format!("no {what} with id {id}"))
                        .errno(libc::ENOENT)
                        .hint(match kind {
                            ObjKind::Link => "`bpftool link list` shows the links the kernel holds",
                            _ => "`x0bpf list --all` shows the programs and maps the kernel holds",
                        })
                } else if e.raw_os_error() == Some(libc::EPERM) {
                    // The kernel opens objects by id for CAP_SYS_ADMIN only, CAP_BPF or not.
                    X0Error::os(format!("{what} id {id}"), &e).hint(format!(
                        "opening a {what} by id needs CAP_SYS_ADMIN; without it, name it by `pinned PATH`"
                    ))
                } else {
                    X0Error::os(format!("{what} id {id}"), &e)
                }
            })?,
            None,
        ),
        ObjRef::Pinned(p) => (open_pin(p)?, Some(p.clone())),
        ObjRef::Name(n) => match kind {
            ObjKind::Map => (by_name(n)?, None),
            ObjKind::Prog => (prog_by_name(n)?, None),
            ObjKind::Link => {
                return Err(usage(format!(
                    "`name {n}`: links have no names; name a link with `id N` or `pinned PATH`"
                )))
            }
        },
        ObjRef::LoadedMap { object, map } if kind == ObjKind::Map => {
            let m = open_map(
                ctx,
                &ObjRef::LoadedMap {
                    object: object.clone(),
                    map: map.clone(),
                },
            )?;
            (m.fd, m.pin)
        }
        ObjRef::LoadedProg { object, prog } if kind == ObjKind::Prog => {
            let store = Store::open(ctx, Access::Read)?;
            if !store.mounted || !store.is_loaded(object) {
                return Err(not_found(format!("no object {object:?} loaded by x0bpf"))
                    .hint("`x0bpf list` shows what x0bpf loaded"));
            }
            let p = store.dir(object).join("progs").join(prog);
            if std::fs::symlink_metadata(&p).is_err() {
                let progs: Vec<String> = store::entries(&store.dir(object).join("progs"))
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                return Err(
                    not_found(format!("object {object:?} has no program {prog:?}"))
                        .hint(format!("its programs: {}", progs.join(", "))),
                );
            }
            (open_pin(&p)?, Some(p))
        }
        ObjRef::LoadedMap { object, map } => {
            return Err(usage(format!(
                "`{object}/{map}` names a map; name a {what} with `id N`, `pinned PATH`{}",
                if kind == ObjKind::Prog {
                    ", `name NAME` or OBJECT:PROG"
                } else {
                    ""
                }
            )))
        }
        ObjRef::LoadedProg { object, prog } => {
            return Err(usage(format!(
                "`{object}:{prog}` names a program; name a {what} with `id N`, `pinned PATH`{}",
                if kind == ObjKind::Map {
                    ", `name NAME` or OBJECT/MAP"
                } else {
                    ""
                }
            )))
        }
    };
    if bpf::fd_kind(fd.as_fd()) != Some(kind) {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "{} is not a {what}",
                pin.as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "the object".into())
            ),
        )
        .hint(format!(
            "`x0bpf list {}` says what the pin holds",
            pin.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )));
    }
    Ok((fd, pin))
}

/// Every id of `kind`, for a lookup by name: a refused walk (EPERM without CAP_SYS_ADMIN) is
/// said as such, not taken for "no object has that name".
fn list_ids(kind: ObjKind, name: &str) -> Result<Vec<u32>, X0Error> {
    let what = kind_word(kind);
    bpf::try_all_ids(kind).map_err(|e| {
        let x = X0Error::os(format!("finding the {what} named {name:?}"), &e);
        if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) {
            x.hint(format!(
                "`name NAME` walks every {what} id, which needs CAP_SYS_ADMIN; without it, name the {what} by `pinned PATH`"
            ))
        } else {
            x
        }
    })
}

/// The one program whose kernel name is `name`.
fn prog_by_name(name: &str) -> Result<OwnedFd, X0Error> {
    let mut found: Vec<(u32, OwnedFd)> = Vec::new();
    for id in list_ids(ObjKind::Prog, name)? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Prog, id) else {
            continue;
        };
        if bpf::prog_info(fd.as_fd()).is_ok_and(|i| i.name == name) {
            found.push((id, fd));
        }
    }
    match found.len() {
        0 => Err(not_found(format!("no program named {name:?}"))
            .hint("kernel names are cut at 15 bytes; `x0bpf list --all` shows every program")),
        1 => Ok(found.remove(0).1),
        _ => {
            let ids: Vec<String> = found.iter().map(|(i, _)| format!("id {i}")).collect();
            Err(X0Error::new(
                ErrorKind::Usage,
                format!(
                    "{} programs are named {name:?}: {}",
                    found.len(),
                    ids.join(", ")
                ),
            )
            .hint(format!("name one with `id N`, e.g. `{}`", ids[0])))
        }
    }
}

/// The one map whose kernel name is `name`.
fn by_name(name: &str) -> Result<OwnedFd, X0Error> {
    let mut found: Vec<(u32, OwnedFd)> = Vec::new();
    for id in list_ids(ObjKind::Map, name)? {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Map, id) else {
            continue;
        };
        if sysmap::info(fd.as_fd()).is_ok_and(|i| i.name == name) {
            found.push((id, fd));
        }
    }
    match found.len() {
        0 => Err(not_found(format!("no map named {name:?}"))
            .hint("kernel names are cut at 15 bytes; `x0bpf list --all` shows every map")),
        1 => Ok(found.remove(0).1),
        _ => {
            let ids: Vec<String> = found.iter().map(|(i, _)| format!("id {i}")).collect();
            Err(X0Error::new(
                ErrorKind::Usage,
                format!(
                    "{} maps are named {name:?}: {}",
                    found.len(),
                    ids.join(", ")
                ),
            )
            .hint("name one with `id N`"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: &[&str]) -> Result<ObjRef, X0Error> {
        ObjRef::parse(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn grammar() {
        assert_eq!(p(&["id", "7"]).unwrap(), ObjRef::Id(7));
        assert!(p(&["id", "x"]).is_err());
        assert!(p(&["id", "0"]).is_err());
        assert_eq!(
            p(&["/sys/fs/bpf/m"]).unwrap(),
            ObjRef::Pinned("/sys/fs/bpf/m".into())
        );
        assert_eq!(p(&["./m"]).unwrap(), ObjRef::Pinned("./m".into()));
        assert_eq!(p(&["pinned", "m"]).unwrap(), ObjRef::Pinned("m".into()));
        assert_eq!(
            p(&["name", "counts"]).unwrap(),
            ObjRef::Name("counts".into())
        );
        assert!(p(&["name", "a_name_longer_than_15"]).is_err());
        assert_eq!(
            p(&["xdp_counter/counts"]).unwrap(),
            ObjRef::LoadedMap {
                object: "xdp_counter".into(),
                map: "counts".into()
            }
        );
        assert_eq!(
            p(&["xdp_counter:xdp_count"]).unwrap(),
            ObjRef::LoadedProg {
                object: "xdp_counter".into(),
                prog: "xdp_count".into()
            }
        );
        assert!(p(&["counts"]).is_err());
        assert!(p(&["a", "b", "c"]).is_err());
        assert_eq!(p(&["counts"]).unwrap_err().kind, ErrorKind::Usage);
    }
}
