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
use crate::output::{note, opt, table, Report};
use crate::store::{self, Access, Store};
use crate::sys::bpf::{MapInfo, ObjKind, ProgInfo};
use crate::sys::{bpf, caps, mounts};
use crate::Ctx;

#[derive(Debug, clap::Args)]
#[command(after_help = "Any program, map or link, x0bpf's or another tool's: \
                        `x0bpf list prog|map|link id N|pinned PATH|name NAME` \
                        (also OBJECT:PROG and OBJECT/MAP).")]
pub struct Args {
    /// Only these objects (names), pins or directories on bpffs made by any tool, or
    /// `prog|map|link id N|pinned PATH|name NAME`
    #[arg(value_name = "NAME|PIN|KIND ADDRESS", add = clap_complete::engine::ArgValueCompleter::new(crate::cmd::completions::list_targets))]
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
    /// `list prog|map|link ADDRESS`: the object named, with the same detail for another
    /// tool's as for x0bpf's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addressed: Vec<AddressedEntry>,
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
    /// The program's kernel info (`program` always means a program's name, so this is `prog`).
    #[serde(skip_serializing_if = "Option::is_none", rename = "prog")]
    pub program: Option<ProgInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<MapInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<bpf::LinkInfo>,
}

#[derive(Serialize)]
pub struct AddressedEntry {
    /// `program`, `map` or `link`.
    pub kind: &'static str,
    /// The pin it was named by, if any.
    pub pin: Option<PathBuf>,
    /// The x0bpf object it belongs to; `null` for another tool's.
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "prog")]
    pub program: Option<ProgInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<MapInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<bpf::LinkInfo>,
    /// Programs: where they are attached (bpf_links, and netlink XDP/clsact attachments of
    /// this network namespace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_points: Option<Vec<attach::AttachPoint>>,
}

/// `prog|map|link` as the first word of `list`'s arguments.
fn address_kind(targets: &[String]) -> Result<Option<ObjKind>, X0Error> {
    let Some(first) = targets.first() else {
        return Ok(None);
    };
    let kind = match first.as_str() {
        "prog" | "program" => Some(ObjKind::Prog),
        "map" => Some(ObjKind::Map),
        "link" => Some(ObjKind::Link),
        _ => None,
    };
    // `list foo id 1`: an address after something that is not a kind.
    if kind.is_none()
        && targets.len() >= 2
        && matches!(targets[1].as_str(), "id" | "pinned" | "name")
    {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "{first:?} is not a kind of BPF object: `list prog|map|link {} …`",
                targets[1]
            ),
        )
        .hint(format!("`x0bpf list prog {}`", targets[1..].join(" "))));
    }
    Ok(kind)
}

/// `list prog|map|link` without an address: every one of that kind in the kernel, x0bpf's
/// marked (like `bpftool prog show`).
fn all_of_kind(kind: ObjKind, objects: &[ObjectEntry]) -> AllEntries {
    let ids = |k| bpf::all_ids(k).into_iter();
    match kind {
        ObjKind::Prog => {
            let ours: BTreeSet<u32> = objects
                .iter()
                .flat_map(|o| o.programs.iter().map(|p| p.info.id))
                .collect();
            AllEntries {
                programs: Some(
                    ids(ObjKind::Prog)
                        .filter_map(|id| {
                            let fd = bpf::fd_by_id(ObjKind::Prog, id).ok()?;
                            let info = bpf::prog_info(fd.as_fd()).ok()?;
                            Some(Owned {
                                owned_by_x0bpf: ours.contains(&id),
                                info,
                            })
                        })
                        .collect(),
                ),
                maps: None,
                links: None,
            }
        }
        ObjKind::Map => {
            let ours: BTreeSet<u32> = objects
                .iter()
                .flat_map(|o| o.maps.iter().map(|m| m.info.id))
                .collect();
            AllEntries {
                programs: None,
                maps: Some(
                    ids(ObjKind::Map)
                        .filter_map(|id| {
                            let fd = bpf::fd_by_id(ObjKind::Map, id).ok()?;
                            let info = bpf::map_info(fd.as_fd()).ok()?;
                            Some(Owned {
                                owned_by_x0bpf: ours.contains(&id),
                                info,
                            })
                        })
                        .collect(),
                ),
                links: None,
            }
        }
        ObjKind::Link => {
            let ours: BTreeSet<u32> = objects
                .iter()
                .flat_map(|o| o.attachments.iter().filter_map(|a| a.link_id))
                .collect();
            AllEntries {
                programs: None,
                maps: None,
                links: Some(
                    ids(ObjKind::Link)
                        .filter_map(|id| {
                            let fd = bpf::fd_by_id(ObjKind::Link, id).ok()?;
                            let info = bpf::link_info(fd.as_fd()).ok()?;
                            Some(Owned {
                                owned_by_x0bpf: ours.contains(&id),
                                info,
                            })
                        })
                        .collect(),
                ),
            }
        }
    }
}

fn addressed(
    ctx: &Ctx,
    store: &Store,
    kind: ObjKind,
    words: &[String],
) -> Result<AddressedEntry, X0Error> {
    use crate::maps::addr::{open_kind, ObjRef};
    caps::require_bpf("reading programs, maps and links by address")?;
    // OBJECT:PROG and OBJECT/MAP through this command's store (it holds the lock already).
    let r = match ObjRef::parse(words)? {
        ObjRef::LoadedProg { object, prog } if kind == ObjKind::Prog => {
            if !store.is_loaded(&object) {
                return Err(X0Error::new(
                    ErrorKind::NotFound,
                    format!("no object {object:?} loaded by x0bpf"),
                )
                .hint("`x0bpf list` shows what x0bpf loaded"));
            }
            ObjRef::Pinned(store.dir(&object).join("progs").join(prog))
        }
        ObjRef::LoadedMap { object, map } if kind == ObjKind::Map => {
            if !store.is_loaded(&object) {
                return Err(X0Error::new(
                    ErrorKind::NotFound,
                    format!("no object {object:?} loaded by x0bpf"),
                )
                .hint("`x0bpf list` shows what x0bpf loaded"));
            }
            ObjRef::Pinned(store.dir(&object).join("maps").join(store::pin_name(&map)))
        }
        r => r,
    };
    let (fd, pin) = open_kind(ctx, kind, &r)?;
    let read = |e: io::Error| X0Error::os("reading object info", &e);
    let mut e = AddressedEntry {
        kind: match kind {
            ObjKind::Prog => "program",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
        },
        pin,
        owner: None,
        program: None,
        map: None,
        link: None,
        attach_points: None,
    };
    let owned: Vec<ObjectEntry> = store
        .names()
        .iter()
        .filter_map(|n| object_entry(store, n).ok())
        .collect();
    match kind {
        ObjKind::Prog => {
            let info = bpf::prog_info(fd.as_fd()).map_err(read)?;
            e.owner = owned
                .iter()
                .find(|o| o.programs.iter().any(|p| p.info.id == info.id))
                .map(|o| o.name.clone());
            if e.pin.is_none() {
                e.pin = owned
                    .iter()
                    .flat_map(|o| o.programs.iter())
                    .find(|p| p.info.id == info.id)
                    .map(|p| p.pin.clone());
            }
            e.attach_points = Some(attach::attach_points(info.id, &attach::all_records(store)));
            e.program = Some(info);
        }
        ObjKind::Map => {
            let info = bpf::map_info(fd.as_fd()).map_err(read)?;
            e.owner = owned
                .iter()
                .find(|o| o.maps.iter().any(|m| m.info.id == info.id))
                .map(|o| o.name.clone());
            if e.pin.is_none() {
                e.pin = owned
                    .iter()
                    .flat_map(|o| o.maps.iter())
                    .find(|m| m.info.id == info.id)
                    .map(|m| m.pin.clone());
            }
            e.map = Some(info);
        }
        ObjKind::Link => {
            let info = bpf::link_info(fd.as_fd()).map_err(read)?;
            e.owner = owned
                .iter()
                .find(|o| {
                    o.attachments.iter().any(|a| a.link_id == Some(info.id))
                        || o.programs.iter().any(|p| p.info.id == info.prog_id)
                })
                .map(|o| o.name.clone());
            if e.pin.is_none() {
                // The record x0bpf pinned this link as.
                e.pin = owned
                    .iter()
                    .flat_map(|o| o.attachments.iter())
                    .find(|a| a.link_id == Some(info.id))
                    .map(|a| a.record.clone());
            }
            if info.prog_id != 0 {
                e.attach_points = Some(
                    attach::attach_points(info.prog_id, &attach::all_records(store))
                        .into_iter()
                        .filter(|p| p.link_id == Some(info.id))
                        .collect(),
                );
            }
            e.link = Some(info);
        }
    }
    Ok(e)
}

/// `--all`: programs and maps; `list prog|map|link` alone: that kind only.
#[derive(Serialize)]
pub struct AllEntries {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<Owned<ProgInfo>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps: Option<Vec<Owned<MapInfo>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Owned<bpf::LinkInfo>>>,
}

#[derive(Serialize)]
pub struct Owned<T: Serialize> {
    pub owned_by_x0bpf: bool,
    #[serde(flatten)]
    pub info: T,
}

pub fn run(args: &Args, ctx: &Ctx) -> anyhow::Result<ListReport> {
    let kind = address_kind(&args.targets)?;
    if args.all || (kind.is_some() && args.targets.len() == 1) {
        // Walking every id (BPF_*_GET_NEXT_ID) needs CAP_SYS_ADMIN: without it the kernel
        // answers with nothing, which must not read as "nothing loaded".
        caps::require_id_walk("x0bpf list --all")?;
    }
    let store = Store::open(ctx, Access::Repair)?;
    if let (Some(kind), 1) = (kind, args.targets.len()) {
        let objects: Vec<ObjectEntry> = store
            .names()
            .iter()
            .filter_map(|n| object_entry(&store, n).ok())
            .collect();
        return Ok(ListReport {
            objects: Vec::new(),
            pins: Vec::new(),
            all: Some(all_of_kind(kind, &objects)),
            note: None,
            addressed: Vec::new(),
            repaired: store.repaired.clone(),
        });
    }
    if let Some(kind) = kind {
        let e = addressed(ctx, &store, kind, &args.targets[1..])?;
        return Ok(ListReport {
            objects: Vec::new(),
            pins: Vec::new(),
            all: None,
            note: None,
            addressed: vec![e],
            repaired: store.repaired.clone(),
        });
    }
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
            links: None,
            programs: Some(
                bpf::all_ids(ObjKind::Prog)
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
            ),
            maps: Some(
                bpf::all_ids(ObjKind::Map)
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
            ),
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
        addressed: Vec::new(),
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
            note(out, n)?;
        } else if self.objects.is_empty()
            && self.pins.is_empty()
            && self.all.is_none()
            && self.addressed.is_empty()
        {
            note(out, "nothing loaded by x0bpf")?;
        }
        // One table for every object, each row naming its object: in a pipe there is one
        // header line, and `x0bpf list | grep NAME` still tells which object a row belongs to.
        // Where each object lives goes first, as notes (stderr in a pipe).
        for o in &self.objects {
            note(out, &format!("{} ({})", o.name, o.dir.display()))?;
        }
        let mut t = table(["OBJECT", "KIND", "ID", "NAME", "TYPE", "DETAILS"]);
        for o in &self.objects {
            for p in &o.programs {
                let mut d = format!("tag {} jited {}B", p.info.tag, p.info.jited_bytes);
                if let (Some(c), Some(ns)) = (p.info.run_cnt, p.info.run_time_ns) {
                    d.push_str(&format!(" runs {c} ({ns} ns)"));
                }
                t.add_row(vec![
                    o.name.clone(),
                    "prog".into(),
                    p.info.id.to_string(),
                    p.info.name.clone(),
                    p.info.prog_type.clone(),
                    d,
                ]);
            }
            for m in &o.maps {
                t.add_row(vec![
                    o.name.clone(),
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
                    o.name.clone(),
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
        }
        if !self.objects.is_empty() {
            writeln!(out, "{t}")?;
        }
        for o in &self.objects {
            for e in &o.errors {
                note(out, &format!("{}: unreadable pin: {e}", o.name))?;
            }
        }
        for a in &self.addressed {
            render_addressed(a, out)?;
        }
        if !self.pins.is_empty() {
            let mut t = table(["PIN", "KIND", "ID", "TYPE", "NAME"]);
            for p in &self.pins {
                let row = match (&p.program, &p.map, &p.link) {
                    (Some(i), _, _) => {
                        ["prog", &i.id.to_string(), &i.prog_type, &i.name].map(str::to_string)
                    }
                    (_, Some(i), _) => {
                        ["map", &i.id.to_string(), &i.map_type, &i.name].map(str::to_string)
                    }
                    (_, _, Some(i)) => [
                        "link",
                        &i.id.to_string(),
                        &i.link_type,
                        &format!("prog:{}", i.prog_id),
                    ]
                    .map(str::to_string),
                    _ => ["unknown", "-", "-", "-"].map(str::to_string),
                };
                let mut cells = vec![p.pin.display().to_string()];
                cells.extend(row);
                t.add_row(cells);
            }
            writeln!(out, "{t}")?;
        }
        if let Some(all) = &self.all {
            let titles = all.programs.is_some() as u8 + all.maps.is_some() as u8 > 1;
            if let Some(programs) = &all.programs {
                if titles {
                    note(out, "all programs in the kernel:")?;
                }
                let mut t = table(["ID", "OURS", "TYPE", "NAME", "TAG"]);
                for p in programs {
                    t.add_row(vec![
                        p.info.id.to_string(),
                        if p.owned_by_x0bpf { "*" } else { "" }.into(),
                        p.info.prog_type.clone(),
                        p.info.name.clone(),
                        p.info.tag.clone(),
                    ]);
                }
                writeln!(out, "{t}")?;
            }
            if let Some(maps) = &all.maps {
                if titles {
                    note(out, "all maps in the kernel:")?;
                }
                let mut t = table(["ID", "OURS", "TYPE", "NAME", "KEY", "VALUE", "MAX"]);
                for m in maps {
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
            if let Some(links) = &all.links {
                let mut t = table(["ID", "OURS", "TYPE", "PROG", "IFINDEX", "TARGET"]);
                for l in links {
                    t.add_row(vec![
                        l.info.id.to_string(),
                        if l.owned_by_x0bpf { "*" } else { "" }.into(),
                        l.info.link_type.clone(),
                        l.info.prog_id.to_string(),
                        opt(&l.info.ifindex),
                        if l.info.ifindex.is_some() {
                            l.info.attach_type.clone().unwrap_or_default()
                        } else {
                            l.info
                                .target
                                .clone()
                                .or_else(|| l.info.attach_type.clone())
                                .unwrap_or_default()
                        },
                    ]);
                }
                writeln!(out, "{t}")?;
            }
        }
        Ok(())
    }
}

fn render_addressed(a: &AddressedEntry, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut kv = |k: &str, v: String| rows.push((k.to_string(), v));
    if let Some(p) = &a.program {
        kv("program", format!("id {} {} {}", p.id, p.prog_type, p.name));
        kv("tag", p.tag.clone());
        kv(
            "size",
            format!("xlated {}B jited {}B", p.xlated_bytes, p.jited_bytes),
        );
        kv("verified insns", p.verified_insns.to_string());
        kv(
            "maps",
            if p.map_ids.is_empty() {
                "-".into()
            } else {
                p.map_ids
                    .iter()
                    .map(|i| format!("id {i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        kv(
            "btf id",
            if p.btf_id == 0 {
                "-".into()
            } else {
                p.btf_id.to_string()
            },
        );
        kv(
            "loaded at",
            format!("{} (epoch s) by uid {}", p.loaded_at, p.uid),
        );
        kv(
            "run stats",
            match (p.run_cnt, p.run_time_ns) {
                (Some(c), Some(ns)) => format!("{c} runs, {ns} ns"),
                _ => "disabled (sysctl kernel.bpf_stats_enabled=1)".into(),
            },
        );
    }
    if let Some(m) = &a.map {
        kv("map", format!("id {} {} {}", m.id, m.map_type, m.name));
        kv(
            "size",
            format!(
                "key {}B value {}B max {} flags {:#x}",
                m.key_size, m.value_size, m.max_entries, m.flags
            ),
        );
        kv(
            "btf id",
            if m.btf_id == 0 {
                "-".into()
            } else {
                m.btf_id.to_string()
            },
        );
    }
    if let Some(l) = &a.link {
        kv("link", format!("id {} {}", l.id, l.link_type));
        kv("program id", l.prog_id.to_string());
        if let Some(i) = l.ifindex {
            kv("ifindex", i.to_string());
        }
        if let Some(t) = l.attach_type.as_ref().or(l.target.as_ref()) {
            kv("target", t.clone());
        }
    }
    if let Some(p) = &a.pin {
        kv("pin", p.display().to_string());
    }
    kv(
        "owner",
        a.owner
            .as_ref()
            .map(|o| format!("x0bpf object {o}"))
            .unwrap_or_else(|| "another tool".into()),
    );
    if let Some(points) = &a.attach_points {
        if points.is_empty() {
            kv("attached", "nowhere (in this network namespace)".into());
        }
        for p in points {
            let mut d = p.kind.clone();
            match (&p.ifname, p.ifindex) {
                (Some(n), Some(i)) => d.push_str(&format!(" on {n} (ifindex {i})")),
                (None, Some(i)) if p.netns_inode.is_some() => {
                    d.push_str(&format!(" on ifindex {i} (interface gone)"))
                }
                (None, Some(i)) => {
                    d.push_str(&format!(" on ifindex {i} of an unknown network namespace"))
                }
                _ => {}
            }
            if let Some(m) = &p.mode {
                d.push_str(&format!(" {m} mode"));
            }
            if let Some(t) = &p.target {
                d.push_str(&format!(" {t}"));
            }
            match p.link_id {
                Some(l) => d.push_str(&format!(" via bpf_link {l}")),
                None => d.push_str(" via netlink"),
            }
            kv("attached", d);
        }
    }
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        writeln!(out, "{:<w$}  {v}", format!("{k}:"), w = w + 1)?;
    }
    Ok(())
}
