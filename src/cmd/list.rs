//! `x0bpf list` (alias `show`): what x0bpf loaded — programs, maps, attachments — from the
//! kernel's own answers; `--all` for everything the kernel holds, ours marked; paths for pins
//! made by other tools.
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::attach::{self, Attachment};
use crate::error::{ErrorKind, X0Error};
use crate::output::{opt, table, Report};
use crate::store::{self, Access, Store};
use crate::sys::bpf::{MapInfo, ObjKind, ProgInfo};
use crate::sys::{bpf, caps, mounts};
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these objects (names), or pins/directories on bpffs made by any tool
    pub targets: Vec<String>,
    /// Every BPF program and map in the kernel, with x0bpf's marked
    #[arg(long, short = 'a')]
    pub all: bool,
}

#[derive(Serialize)]
pub struct ListReport {
    pub objects: Vec<ObjectEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<PinEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all: Option<AllEntries>,
    /// Why the listing is empty when it cannot be otherwise (no bpffs mounted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What an interrupted earlier x0bpf left and this run finished.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repaired: Vec<String>,
}

#[derive(Serialize)]
pub struct ObjectEntry {
    pub name: String,
    pub dir: PathBuf,
    pub programs: Vec<ProgEntry>,
    pub maps: Vec<MapEntry>,
    pub attachments: Vec<Attachment>,
    pub errors: Vec<String>,
}

#[derive(Serialize)]
pub struct ProgEntry {
    pub pin: PathBuf,
    #[serde(flatten)]
    pub info: ProgInfo,
}

#[derive(Serialize)]
pub struct MapEntry {
    pub pin: PathBuf,
    #[serde(flatten)]
    pub info: MapInfo,
    /// Keys present now, counted for hash-like maps up to 65536 entries; None where costly or
    /// meaningless (arrays always hold max_entries).
    pub entries: Option<u64>,
}

#[derive(Serialize)]
pub struct PinEntry {
    pub pin: PathBuf,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<MapInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<bpf::LinkInfo>,
}

#[derive(Serialize)]
pub struct AllEntries {
    pub programs: Vec<Owned<ProgInfo>>,
    pub maps: Vec<Owned<MapInfo>>,
}

#[derive(Serialize)]
pub struct Owned<T: Serialize> {
    pub owned_by_x0bpf: bool,
    #[serde(flatten)]
    pub info: T,
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<ListReport> {
    if args.all {
        // Walking every id (BPF_*_GET_NEXT_ID) needs CAP_SYS_ADMIN: without it the kernel
        // answers with nothing, which must not read as "nothing loaded".
        caps::require_cap(caps::CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "x0bpf list --all")?;
    }
    let store = Store::open(ctx, Access::Repair)?;
    let mut names = Vec::new();
    let mut pins = Vec::new();
    for t in &args.targets {
        let p = Path::new(t);
        if t.contains('/') {
            collect_target(p, &mut pins)?;
        } else {
            store::check_name("object name", t)?;
            if !store.is_loaded(t) {
                return Err(X0Error::new(
                    ErrorKind::NotAttached,
                    format!(
                        "no object named {t} is loaded under {}{}",
                        store.base.display(),
                        if store.mounted {
                            ""
                        } else {
                            " (bpffs not mounted: nothing pinned)"
                        }
                    ),
                )
                .into());
            }
            names.push(t.clone());
        }
    }
    if args.targets.is_empty() {
        names = store.names();
    }
    let objects: Vec<ObjectEntry> = names
        .iter()
        .map(|n| object_entry(&store, n))
        .collect::<Result<_, _>>()?;

    let all = args.all.then(|| {
        let ours_p: BTreeSet<u32> = objects
            .iter()
            .flat_map(|o| o.programs.iter().map(|p| p.info.id))
            .collect();
        let ours_m: BTreeSet<u32> = objects
            .iter()
            .flat_map(|o| o.maps.iter().map(|m| m.info.id))
            .collect();
        AllEntries {
            programs: bpf::all_ids(ObjKind::Prog)
                .into_iter()
                .filter_map(|id| {
                    let fd = bpf::fd_by_id(ObjKind::Prog, id).ok()?;
                    let info = bpf::prog_info(fd.as_fd()).ok()?;
                    Some(Owned {
                        owned_by_x0bpf: ours_p.contains(&id),
                        info,
                    })
                })
                .collect(),
            maps: bpf::all_ids(ObjKind::Map)
                .into_iter()
                .filter_map(|id| {
                    let fd = bpf::fd_by_id(ObjKind::Map, id).ok()?;
                    let info = bpf::map_info(fd.as_fd()).ok()?;
                    Some(Owned {
                        owned_by_x0bpf: ours_m.contains(&id),
                        info,
                    })
                })
                .collect(),
        }
    });
    let note = (!store.mounted).then(|| {
        format!(
            "{} is not a BPF filesystem (bpffs not mounted): nothing pinned",
            store.root.display()
        )
    });
    Ok(ListReport {
        objects,
        pins,
        all,
        note,
        repaired: store.repaired.clone(),
    })
}

/// A pin this process may not open: the listing would be partial, so the whole command fails
/// (exit 4) rather than look complete.
fn denied(pin: &Path, err: &io::Error) -> Result<(), X0Error> {
    match err.raw_os_error() {
        Some(libc::EPERM) | Some(libc::EACCES) => Err(X0Error::os(
            format!("cannot read pin {}", pin.display()),
            err,
        )),
        _ => Ok(()),
    }
}

fn object_entry(store: &Store, name: &str) -> Result<ObjectEntry, X0Error> {
    let dir = store.dir(name);
    let mut e = ObjectEntry {
        name: name.to_string(),
        dir: dir.clone(),
        programs: Vec::new(),
        maps: Vec::new(),
        attachments: attach::object_attachments(&dir),
        errors: Vec::new(),
    };
    for (_, pin) in store::entries(&dir.join("progs")) {
        match bpf::obj_get(&pin).and_then(|fd| bpf::prog_info(fd.as_fd())) {
            Ok(info) => e.programs.push(ProgEntry { pin, info }),
            Err(err) => {
                denied(&pin, &err)?;
                e.errors.push(format!("{}: {err}", pin.display()))
            }
        }
    }
    for (_, pin) in store::entries(&dir.join("maps")) {
        match bpf::obj_get(&pin) {
            Ok(fd) => match bpf::map_info(fd.as_fd()) {
                Ok(info) => {
                    let entries = count_entries(&fd, &info);
                    e.maps.push(MapEntry { pin, info, entries })
                }
                Err(err) => {
                    denied(&pin, &err)?;
                    e.errors.push(format!("{}: {err}", pin.display()))
                }
            },
            Err(err) => {
                denied(&pin, &err)?;
                e.errors.push(format!("{}: {err}", pin.display()))
            }
        }
    }
    Ok(e)
}

/// Walk keys with BPF_MAP_GET_NEXT_KEY: one syscall per key, so only for small hash maps.
fn count_entries(fd: &std::os::fd::OwnedFd, info: &MapInfo) -> Option<u64> {
    use std::os::fd::AsRawFd;
    let hashlike = info.map_type.contains("hash") || info.map_type == "lru_hash";
    if !hashlike || info.max_entries > 65536 || info.key_size == 0 {
        return None;
    }
    let mut key = vec![0u8; info.key_size as usize];
    let mut next = vec![0u8; info.key_size as usize];
    let mut n = 0u64;
    let mut first = true;
    loop {
        let prev = if first {
            std::ptr::null()
        } else {
            key.as_ptr() as *const libc::c_void
        };
        // SAFETY: key buffers hold key_size bytes.
        let rc = unsafe {
            libbpf_sys::bpf_map_get_next_key(
                fd.as_raw_fd(),
                prev,
                next.as_mut_ptr() as *mut libc::c_void,
            )
        };
        if rc != 0 {
            return Some(n);
        }
        n += 1;
        first = false;
        std::mem::swap(&mut key, &mut next);
        if n > u64::from(info.max_entries) {
            return Some(n);
        }
    }
}

/// The files the kernel itself puts at the root of every bpffs (bpf_preload's iterators):
/// `cat` them for a summary; they are not pins.
const KERNEL_FILES: [&str; 2] = ["maps.debug", "progs.debug"];

/// A pin or directory named on the command line: it must be on bpffs, else this is not a
/// question about pins at all (and walking `/etc` would read the whole tree).
fn collect_target(p: &Path, out: &mut Vec<PinEntry>) -> Result<(), X0Error> {
    if let Err(e) = std::fs::metadata(p) {
        return Err(X0Error::os(
            format!("{} is not a readable BPF pin", p.display()),
            &e,
        ));
    }
    if !mounts::is_bpffs(p) {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!("{} is not on a BPF filesystem (bpffs)", p.display()),
        )
        .hint("give pins or directories under a mounted bpffs (e.g. /sys/fs/bpf/...), or names of objects loaded by x0bpf"));
    }
    collect_pins(p, out)
}

/// Walk a bpffs directory: symbolic links are not followed (they may point anywhere), the
/// kernel's own files at the bpffs root are skipped.
fn collect_pins(p: &Path, out: &mut Vec<PinEntry>) -> Result<(), X0Error> {
    if p.is_dir() {
        use std::os::unix::fs::MetadataExt;
        let dev = std::fs::metadata(p).map(|m| m.dev()).ok();
        let parent_dev = std::fs::metadata(p.join("..")).map(|m| m.dev()).ok();
        let fs_root = dev.is_some() && dev != parent_dev;
        let mut children: Vec<(String, PathBuf)> = std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                    .collect()
            })
            .unwrap_or_default();
        children.sort();
        for (name, child) in children {
            let Ok(meta) = std::fs::symlink_metadata(&child) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                continue;
            }
            if fs_root && KERNEL_FILES.contains(&name.as_str()) {
                continue;
            }
            // Another filesystem mounted below: not ours to walk.
            if Some(meta.dev()) != dev {
                continue;
            }
            collect_pins(&child, out)?;
        }
        return Ok(());
    }
    let fd = bpf::obj_get(p)
        .map_err(|e| X0Error::os(format!("{} is not a readable BPF pin", p.display()), &e))?;
    // A pin does not say what it is: ask as each kind in turn.
    let mut entry = PinEntry {
        pin: p.to_path_buf(),
        kind: "unknown",
        program: None,
        map: None,
        link: None,
    };
    match bpf::fd_kind(fd.as_fd()) {
        Some(ObjKind::Prog) => {
            entry.kind = "program";
            entry.program = bpf::prog_info(fd.as_fd()).ok();
        }
        Some(ObjKind::Map) => {
            entry.kind = "map";
            entry.map = bpf::map_info(fd.as_fd()).ok();
        }
        Some(ObjKind::Link) => {
            entry.kind = "link";
            entry.link = bpf::link_info(fd.as_fd()).ok();
        }
        None => {}
    }
    out.push(entry);
    Ok(())
}

impl Report for ListReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(n) = &self.note {
            writeln!(out, "{n}")?;
        } else if self.objects.is_empty() && self.pins.is_empty() && self.all.is_none() {
            writeln!(out, "nothing loaded by x0bpf")?;
        }
        for o in &self.objects {
            writeln!(out, "{} ({})", o.name, o.dir.display())?;
            let mut t = table(["KIND", "ID", "NAME", "TYPE", "DETAILS"]);
            for p in &o.programs {
                let mut d = format!("tag {} jited {}B", p.info.tag, p.info.jited_bytes);
                if let (Some(c), Some(ns)) = (p.info.run_cnt, p.info.run_time_ns) {
                    d.push_str(&format!(" runs {c} ({ns} ns)"));
                }
                t.add_row(vec![
                    "prog".into(),
                    p.info.id.to_string(),
                    p.info.name.clone(),
                    p.info.prog_type.clone(),
                    d,
                ]);
            }
            for m in &o.maps {
                t.add_row(vec![
                    "map".into(),
                    m.info.id.to_string(),
                    m.info.name.clone(),
                    m.info.map_type.clone(),
                    format!(
                        "key {}B value {}B max {}{}",
                        m.info.key_size,
                        m.info.value_size,
                        m.info.max_entries,
                        m.entries
                            .map(|n| format!(" entries {n}"))
                            .unwrap_or_default()
                    ),
                ]);
            }
            for a in &o.attachments {
                t.add_row(vec![
                    "attach".into(),
                    opt(&a.link_id),
                    a.program.clone().unwrap_or_default(),
                    a.kind.clone(),
                    format!(
                        "{}{} ({}){}",
                        a.target,
                        a.mode
                            .as_ref()
                            .map(|m| format!(" {m} mode"))
                            .unwrap_or_default(),
                        a.how,
                        if a.live { "" } else { " NOT LIVE" }
                    ),
                ]);
            }
            writeln!(out, "{t}")?;
            for e in &o.errors {
                writeln!(out, "  unreadable pin: {e}")?;
            }
        }
        for p in &self.pins {
            let desc = match (&p.program, &p.map, &p.link) {
                (Some(i), _, _) => format!("prog id {} {} {}", i.id, i.prog_type, i.name),
                (_, Some(i), _) => format!("map id {} {} {}", i.id, i.map_type, i.name),
                (_, _, Some(i)) => format!("link id {} {} prog {}", i.id, i.link_type, i.prog_id),
                _ => "unknown object".into(),
            };
            writeln!(out, "{}: {desc}", p.pin.display())?;
        }
        if let Some(all) = &self.all {
            writeln!(out, "all programs in the kernel:")?;
            let mut t = table(["ID", "OURS", "TYPE", "NAME", "TAG"]);
            for p in &all.programs {
                t.add_row(vec![
                    p.info.id.to_string(),
                    if p.owned_by_x0bpf { "*" } else { "" }.into(),
                    p.info.prog_type.clone(),
                    p.info.name.clone(),
                    p.info.tag.clone(),
                ]);
            }
            writeln!(out, "{t}")?;
            writeln!(out, "all maps in the kernel:")?;
            let mut t = table(["ID", "OURS", "TYPE", "NAME", "KEY", "VALUE", "MAX"]);
            for m in &all.maps {
                t.add_row(vec![
                    m.info.id.to_string(),
                    if m.owned_by_x0bpf { "*" } else { "" }.into(),
                    m.info.map_type.clone(),
                    m.info.name.clone(),
                    m.info.key_size.to_string(),
                    m.info.value_size.to_string(),
                    m.info.max_entries.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Ok(())
    }
}
