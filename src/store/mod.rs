//! Where x0bpf keeps what it loaded: ordinary bpffs pins, one directory per object.
//!
//! ```text
//! <bpffs>/x0bpf/<name>/progs/<program>     pinned programs
//! <bpffs>/x0bpf/<name>/maps/<map>          pinned maps
//! <bpffs>/x0bpf/<name>/links/<attachment>  pinned bpf_links (attach)
//! ```
//! The kernel is the only source of truth: nothing else is stored, so `bpftool` reads the same
//! pins and a crash can leave nothing that disagrees with the kernel.
//!
//! x0bpf runs as root over a filesystem others may write to, so this module never follows a
//! symlink (every walk and removal works on directory fds with `O_NOFOLLOW`), trusts a pin
//! directory only when root (or the caller) owns it and nobody else can write to it, and
//! serialises every state change with `flock` on the bpffs root.
pub mod load;
pub mod record;

use std::ffi::{CStr, CString, OsStr};
use std::fs;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};

use crate::error::{ErrorKind, X0Error};
use crate::sys::{caps, mounts};
use crate::Ctx;

pub const DEFAULT_BASE: &str = "x0bpf";
pub const DEFAULT_BPFFS: &str = "/sys/fs/bpf";
/// How long a command waits for another x0bpf holding the store lock.
const LOCK_WAIT: Duration = Duration::from_secs(60);
/// Pin trees are three levels deep; anything deeper was not made by x0bpf.
const MAX_DEPTH: usize = 8;

/// What a command does with the store: this decides mounting, locking and repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only (`stats`, `net`): never mounts, never creates, never repairs; shared lock.
    Read,
    /// Reads or undoes what exists (`list`, `detach`, `unload`), and finishes what a killed
    /// x0bpf left half-done: never mounts or creates; exclusive lock.
    Repair,
    /// Changes state (`load`, `attach`, …): may mount bpffs (see `mounts::ensure_bpffs`) and
    /// create the pin directory; exclusive lock; repairs.
    Write,
}

/// The directory that holds one subdirectory per loaded object.
#[derive(Debug)]
pub struct Store {
    pub root: PathBuf,
    pub base: PathBuf,
    /// Set when x0bpf left a private mount namespace (`ip netns exec`) to pin where pins
    /// persist; commands report it.
    pub note: Option<String>,
    /// False when the bpffs root is not a BPF filesystem (read-only commands never mount):
    /// then nothing is pinned and every listing is empty.
    pub mounted: bool,
    /// What this command repaired of an interrupted earlier one (also said on stderr).
    pub repaired: Vec<String>,
    /// The flock on the bpffs root; released when the store is dropped.
    _lock: Option<OwnedFd>,
    /// Directories this command created: those still empty when it ends go again (a failed
    /// run leaves nothing, least of all a directory it owns).
    created: Vec<PathBuf>,
}

impl Drop for Store {
    fn drop(&mut self) {
        for d in self.created.iter().rev() {
            // Only an empty one (a failed run): look first, so a successful run makes no
            // futile rmdir.
            if fs::read_dir(d).is_ok_and(|mut r| r.next().is_none()) {
                let _ = fs::remove_dir(d);
            }
        }
    }
}

impl Store {
    /// Resolve and confine the pin directory to the bpffs root, check that it can be trusted,
    /// lock it, and repair what an interrupted command left. Call it before any other thread
    /// exists: it may switch the mount namespace.
    pub fn open(ctx: &Ctx, access: Access) -> Result<Store, X0Error> {
        let rel = pin_dir_rel(ctx)?;
        // Say what is missing before touching anything (a failed unprivileged run must not
        // leave a directory behind that it then owns).
        caps::require_bpf("x0bpf")?;
        let note = crate::sys::ns::escape_private_mount_ns(&ctx.bpffs)?;
        let root = ctx.bpffs.clone();
        let default_root = root == Path::new(DEFAULT_BPFFS);
        let mounted = if access == Access::Write {
            mounts::ensure_bpffs(&root, ctx.nomount, default_root)?;
            true
        } else {
            mounts::is_bpffs(&root)
        };
        let base = root.join(&rel);
        let mut store = Store {
            root,
            base,
            note,
            mounted,
            repaired: Vec::new(),
            _lock: None,
            created: Vec::new(),
        };
        if !mounted {
            return Ok(store);
        }
        store.check_root()?;
        store._lock = Some(lock(&store.root, access != Access::Read)?);
        if access == Access::Write {
            store.ensure_base(&rel)?;
        }
        if !store.check_base(&rel)? {
            return Ok(store);
        }
        if access != Access::Read {
            store.recover()?;
        }
        Ok(store)
    }

    /// Every directory from the bpffs root down to the pin directory must be a real directory
    /// (not a symlink) owned by root or the caller and writable by nobody else: otherwise
    /// another user could plant links that root would later follow or remove. Returns whether
    /// the pin directory exists.
    fn check_base(&self, rel: &Path) -> Result<bool, X0Error> {
        if rel.as_os_str().is_empty() {
            // Pins straight in the bpffs root: the root itself must be trustworthy.
            let st = rfs::lstat(&self.root).map_err(|e| {
                X0Error::os(
                    format!("reading {}", self.root.display()),
                    &io::Error::from(e),
                )
            })?;
            trusted_dir(&self.root, &st)?;
        }
        let mut p = self.root.clone();
        for c in rel.components() {
            p.push(c);
            let st = match rfs::lstat(&p) {
                Ok(st) => st,
                Err(e) if e == rustix::io::Errno::NOENT => return Ok(false),
                Err(e) => {
                    return Err(X0Error::os(
                        format!("reading {}", p.display()),
                        &io::Error::from(e),
                    ))
                }
            };
            trusted_dir(&p, &st)?;
        }
        // Readable by us at all: an unreadable pin directory must not look empty.
        rfs::open(
            &self.base,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| {
            X0Error::os(
                format!("cannot read pin directory {}", self.base.display()),
                &io::Error::from(e),
            )
        })?;
        Ok(true)
    }

    /// The bpffs root may be world-writable (bpffs's default mode is 1777) but then only with
    /// the sticky bit, so nobody else can rename the pin directory away; and it must belong to
    /// root or the caller.
    fn check_root(&self) -> Result<(), X0Error> {
        let st = rfs::lstat(&self.root).map_err(|e| {
            X0Error::os(
                format!("reading {}", self.root.display()),
                &io::Error::from(e),
            )
        })?;
        let me = rustix::process::geteuid().as_raw();
        let mode = st.st_mode & 0o7777;
        if (st.st_uid != 0 && st.st_uid != me) || (mode & 0o002 != 0 && mode & 0o1000 == 0) {
            return Err(X0Error::new(
                ErrorKind::Permission,
                format!(
                    "the bpffs root {} belongs to uid {} with mode {:o}: others could move x0bpf's pins",
                    self.root.display(),
                    st.st_uid,
                    mode
                ),
            )
            .hint("mount bpffs with `mode=0700` (or 1777, sticky), owned by root"));
        }
        Ok(())
    }

    /// Create the pin directory (and any parents inside bpffs) one component at a time, each
    /// checked before anything is created below it: never through a symlink, never inside a
    /// directory another user controls.
    fn ensure_base(&mut self, rel: &Path) -> Result<(), X0Error> {
        let mut p = self.root.clone();
        for c in rel.components() {
            p.push(c);
            match rfs::mkdir(&p, Mode::from_raw_mode(0o755)) {
                Ok(()) => self.created.push(p.clone()),
                Err(e) if e == rustix::io::Errno::EXIST => {}
                Err(e) => {
                    return Err(X0Error::os(
                        format!("creating {}", p.display()),
                        &io::Error::from(e),
                    ))
                }
            }
            let st = rfs::lstat(&p).map_err(|e| {
                X0Error::os(format!("reading {}", p.display()), &io::Error::from(e))
            })?;
            trusted_dir(&p, &st)?;
        }
        Ok(())
    }

    /// Finish what a killed x0bpf left in the pin directory. Runs under the exclusive lock,
    /// so whatever is in flight there belongs to a process that is gone:
    /// - `_staging-NAME-PID` (a load that never committed): removed;
    /// - `_old-NAME-PID` (`load --replace` killed between its two renames): put back as NAME
    ///   when NAME is missing — never delete the only copy — otherwise removed; only a real
    ///   directory is ever put back (a symlink or pin under such a name is removed as itself);
    /// - `_dead-NAME-PID` (an unload killed while unpinning): removed.
    fn recover(&mut self) -> Result<(), X0Error> {
        let base = open_dir(&self.base)
            .map_err(|e| X0Error::os(format!("opening {}", self.base.display()), &e))?;
        for (name, _) in dir_entries(base.as_fd()).unwrap_or_default() {
            let Some(rest) = ["_staging-", "_old-", "_dead-"]
                .iter()
                .find_map(|p| name.strip_prefix(p).map(|r| (*p, r)))
            else {
                continue;
            };
            let (prefix, tail) = rest;
            let obj = tail.rsplit_once('-').map(|(o, _)| o).unwrap_or(tail);
            let cname = cstr(&name)?;
            // Only a real directory is a moved-aside object: anything else (a symlink
            // planted there, a pin) is removed as itself below, its target untouched, and
            // never renamed into place where it would block that name.
            let is_dir = rfs::statat(base.as_fd(), cname.as_c_str(), AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
            if prefix == "_old-" && is_dir && check_name("object name", obj).is_ok() {
                let target = cstr(obj)?;
                let exists =
                    rfs::statat(base.as_fd(), target.as_c_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok();
                if !exists {
                    rfs::renameat(
                        base.as_fd(),
                        cname.as_c_str(),
                        base.as_fd(),
                        target.as_c_str(),
                    )
                    .map_err(|e| {
                        X0Error::os(format!("restoring {obj} from {name}"), &io::Error::from(e))
                    })?;
                    self.say(format!(
                        "restored {obj} from {name} (a load --replace was interrupted)"
                    ));
                    continue;
                }
            }
            remove_at(base.as_fd(), &cname, 0).map_err(|e| {
                X0Error::os(format!("removing {}", self.base.join(&name).display()), &e)
            })?;
            if is_dir {
                self.say(format!("removed {name} (left by an interrupted x0bpf)"));
            } else {
                self.say(format!(
                    "removed {name} (not a directory x0bpf made: removed itself, its target left alone)"
                ));
            }
        }
        Ok(())
    }

    fn say(&mut self, what: String) {
        eprintln!("x0bpf: repaired: {what}");
        self.repaired.push(what);
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.base.join(name)
    }

    /// Whether an object of this name is loaded: a real directory (never a symlink).
    pub fn is_loaded(&self, name: &str) -> bool {
        check_name("object name", name).is_ok()
            && fs::symlink_metadata(self.dir(name)).is_ok_and(|m| m.is_dir())
    }

    /// Names of loaded objects (directories starting with '_' are in-flight loads).
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.base)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('_'))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Unpin a whole object: out of sight first (renamed to `_dead-…`), then removed, so a
    /// command killed half-way leaves what `recover` finishes and nobody sees a half-unloaded
    /// object meanwhile. Detach its attachments before.
    pub fn unpin_object(&self, name: &str) -> Result<(), X0Error> {
        let dir = self.dir(name);
        let dead = format!("_dead-{name}-{}", std::process::id());
        rename_in(&self.base, name.as_ref(), dead.as_ref())
            .and_then(|()| remove_tree(&self.base.join(&dead)))
            .map_err(|e| X0Error::os(format!("unpinning {}", dir.display()), &e))?;
        self.remove_base_if_empty();
        Ok(())
    }

    /// Remove the pin directory (and its parents inside bpffs) when nothing is left in them
    /// (after the last unload), so a user's run leaves no trace. Never the bpffs root.
    pub fn remove_base_if_empty(&self) {
        let mut p = self.base.as_path();
        while p != self.root && p.starts_with(&self.root) {
            if fs::remove_dir(p).is_err() {
                break;
            }
            let Some(parent) = p.parent() else { break };
            p = parent;
        }
    }
}

/// `--pin-dir` as a path relative to the bpffs root: plain components only, each a valid
/// file name, so it cannot leave bpffs.
fn pin_dir_rel(ctx: &Ctx) -> Result<PathBuf, X0Error> {
    let root = &ctx.bpffs;
    let rel = match &ctx.pin_dir {
        None => PathBuf::from(DEFAULT_BASE),
        Some(p) if p.is_absolute() => match p.strip_prefix(root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!(
                        "--pin-dir {} is outside the BPF filesystem root {}",
                        p.display(),
                        root.display()
                    ),
                )
                .hint("give a directory under the bpffs root, or a relative one"))
            }
        },
        Some(p) => p.clone(),
    };
    for c in rel.components() {
        match c {
            Component::Normal(n) if n.as_bytes().contains(&b'.') => {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!(
                        "--pin-dir {}: bpffs does not allow '.' in names",
                        rel.display()
                    ),
                )
                .hint("use '_' or '-' instead"))
            }
            Component::Normal(n) if n.len() <= 255 => {}
            Component::Normal(_) => {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!(
                        "--pin-dir: a path component is longer than 255 bytes ({} bytes in all)",
                        rel.as_os_str().len()
                    ),
                )
                .hint("use a shorter directory name such as `x0bpf` or `team/x0bpf`"))
            }
            _ => {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("--pin-dir {} must not contain `..` or `.`", rel.display()),
                )
                .hint("give a plain relative path such as `x0bpf` or `team/x0bpf`"))
            }
        }
    }
    // Room for <object>/<links>/<record name> below it within PATH_MAX.
    if root.join(&rel).as_os_str().len() > 3000 {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!("--pin-dir is too long ({} bytes)", rel.as_os_str().len()),
        )
        .hint("use a shorter directory such as `x0bpf`"));
    }
    Ok(rel)
}

/// Refuse a directory another user could write to or replace.
fn trusted_dir(p: &Path, st: &rfs::Stat) -> Result<(), X0Error> {
    let ft = FileType::from_raw_mode(st.st_mode);
    if ft == FileType::Symlink {
        return Err(X0Error::new(
            ErrorKind::Permission,
            format!(
                "{} is a symbolic link: x0bpf does not follow links in bpffs",
                p.display()
            ),
        )
        .hint(format!(
            "remove it (`rm {}`) and run again, or pass another --pin-dir",
            p.display()
        )));
    }
    if ft != FileType::Directory {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!("{} is not a directory", p.display()),
        )
        .hint("pass another --pin-dir"));
    }
    let me = rustix::process::geteuid().as_raw();
    let mode = st.st_mode & 0o7777;
    if st.st_uid != 0 && st.st_uid != me {
        return Err(X0Error::new(
            ErrorKind::Permission,
            format!(
                "{} belongs to uid {}, not to root or you: x0bpf will not trust pins there",
                p.display(),
                st.st_uid
            ),
        )
        .hint(format!(
            "if it is yours to discard, remove it (`rm -r {}`); or pass another --pin-dir",
            p.display()
        )));
    }
    if mode & 0o022 != 0 {
        return Err(X0Error::new(
            ErrorKind::Permission,
            format!(
                "{} is writable by other users (mode {:o}): x0bpf will not trust pins there",
                p.display(),
                mode
            ),
        )
        .hint(format!(
            "`chmod go-w {}`, or pass another --pin-dir",
            p.display()
        )));
    }
    Ok(())
}

/// flock the bpffs root: one x0bpf at a time changes state (check-then-act sequences such as
/// "count the filters, then delete the qdisc" stay atomic among x0bpf processes).
fn lock(root: &Path, exclusive: bool) -> Result<OwnedFd, X0Error> {
    let fd = open_dir(root).map_err(|e| X0Error::os(format!("opening {}", root.display()), &e))?;
    let op = if exclusive {
        FlockOperation::NonBlockingLockExclusive
    } else {
        FlockOperation::NonBlockingLockShared
    };
    let start = Instant::now();
    let mut told = false;
    loop {
        match rfs::flock(&fd, op) {
            Ok(()) => return Ok(fd),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK || e == rustix::io::Errno::INTR => {}
            Err(e) => {
                return Err(X0Error::os(
                    format!("locking {}", root.display()),
                    &io::Error::from(e),
                ))
            }
        }
        if start.elapsed() > LOCK_WAIT {
            return Err(X0Error::new(
                ErrorKind::Conflict,
                format!(
                    "another x0bpf has held the lock on {} for over {} s",
                    root.display(),
                    LOCK_WAIT.as_secs()
                ),
            )
            .hint("wait for it to finish (see `pgrep -a x0bpf`)"));
        }
        if !told && start.elapsed() > Duration::from_secs(1) {
            eprintln!("x0bpf: waiting for another x0bpf to finish…");
            told = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn open_dir(p: &Path) -> io::Result<OwnedFd> {
    Ok(rfs::open(
        p,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn cstr(s: &str) -> Result<CString, X0Error> {
    CString::new(s).map_err(|_| X0Error::new(ErrorKind::Usage, format!("NUL in name {s:?}")))
}

/// Names in a directory fd with whether each is a real directory (d_type, never followed).
fn dir_entries(dir: BorrowedFd<'_>) -> io::Result<Vec<(String, bool)>> {
    let mut d = rfs::Dir::read_from(dir)?;
    let mut v = Vec::new();
    while let Some(e) = d.read() {
        let e = e?;
        let n = e.file_name().to_bytes();
        if n == b"." || n == b".." {
            continue;
        }
        v.push((
            String::from_utf8_lossy(n).into_owned(),
            e.file_type() == FileType::Directory,
        ));
    }
    Ok(v)
}

/// Remove `name` inside `dir`: a directory tree bottom-up, anything else (a pin, or a
/// symlink — the link itself, never its target) with one unlink.
fn remove_at(dir: BorrowedFd<'_>, name: &CStr, depth: usize) -> io::Result<()> {
    let sub = match rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(e) if e == rustix::io::Errno::NOTDIR || e == rustix::io::Errno::LOOP => {
            return match rfs::unlinkat(dir, name, AtFlags::empty()) {
                Err(e) if e == rustix::io::Errno::NOENT => Ok(()),
                r => Ok(r?),
            };
        }
        Err(e) if e == rustix::io::Errno::NOENT => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if depth > MAX_DEPTH {
        return Err(io::Error::other(
            "directory tree deeper than x0bpf ever makes: not removed",
        ));
    }
    // Read the names first: removing while reading would skip entries.
    let mut d = rfs::Dir::read_from(&sub)?;
    let mut names = Vec::new();
    while let Some(e) = d.read() {
        let e = e?;
        let n = e.file_name();
        if n.to_bytes() != b"." && n.to_bytes() != b".." {
            names.push(n.to_owned());
        }
    }
    for n in names {
        remove_at(sub.as_fd(), &n, depth + 1)?;
    }
    match rfs::unlinkat(dir, name, AtFlags::REMOVEDIR) {
        Err(e) if e == rustix::io::Errno::NOENT => Ok(()),
        r => Ok(r?),
    }
}

/// Object and pin names become path components: keep them to a safe alphabet.
pub fn check_name(what: &str, name: &str) -> Result<(), X0Error> {
    // bpffs refuses '.' anywhere in a name; '_' first is reserved for in-flight loads.
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(X0Error::new(
            ErrorKind::Usage,
            format!("invalid {what} {name:?}: use 1-64 letters, digits, '_' or '-', starting with a letter or digit"),
        ))
    }
}

/// bpffs reserves '.' in names ("for future extensions"): libbpf's internal map names such as
/// `xdp_coun.rodata` are pinned with '_' instead.
pub fn pin_name(name: &str) -> String {
    name.replace('.', "_")
}

/// Reversible escaping for arbitrary text in a pin name ('/' and '.' are not allowed there).
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => o.push_str("%25"),
            '/' => o.push_str("%2F"),
            '.' => o.push_str("%2E"),
            '@' => o.push_str("%40"),
            c => o.push(c),
        }
    }
    o
}

pub fn unescape(s: &str) -> String {
    s.replace("%2F", "/")
        .replace("%2E", ".")
        .replace("%40", "@")
        .replace("%25", "%")
}

/// Entries of a pin subdirectory (progs/maps/links), sorted, as (name, path). Symlinks and
/// directories are not pins and are left out.
/// A directory that is a symlink, or that another user owns or may write to, has no entries:
/// whatever is in it was not put there by x0bpf, and root must not act on it.
pub fn entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(fd) = open_dir(dir) else {
        return Vec::new();
    };
    let trusted = rfs::fstat(&fd)
        .map_err(|e| X0Error::os("", &io::Error::from(e)))
        .and_then(|st| trusted_dir(dir, &st));
    if let Err(e) = trusted {
        eprintln!("x0bpf: warning: skipping {}: {}", dir.display(), e.message);
        return Vec::new();
    }
    let mut v: Vec<(String, PathBuf)> = dir_entries(fd.as_fd())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, is_dir)| !is_dir)
        .map(|(n, _)| (n.clone(), dir.join(n)))
        .filter(|(_, p)| fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file()))
        .collect();
    v.sort();
    v
}

/// Make `p` a real directory of the pin tree: created when missing; a symbolic link planted
/// there is removed as itself (its target untouched) and replaced, never followed — pins made
/// through it would land in whatever it points at.
pub fn ensure_real_dir(p: &Path) -> Result<(), X0Error> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::remove_file(p).map_err(|e| X0Error::os(format!("removing {}", p.display()), &e))?;
            crate::output::warn(&format!(
                "removed a symbolic link planted at {} (its target is untouched)",
                p.display()
            ));
        }
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!("{} is not a directory", p.display()),
            )
            .hint(format!("remove it (`rm {}`) and run again", p.display())))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(X0Error::os(format!("reading {}", p.display()), &e)),
    }
    match fs::create_dir(p) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            Err(X0Error::os(format!("creating {}", p.display()), &e))
        }
        _ => Ok(()),
    }
}

/// Remove a planted symbolic link at `p` (as itself, never its target): a pin cannot be made
/// where one sits. True when there was one.
pub fn remove_planted_link(p: &Path) -> bool {
    let planted = fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if planted && fs::remove_file(p).is_ok() {
        crate::output::warn(&format!(
            "removed a symbolic link planted at {} (its target is untouched)",
            p.display()
        ));
        return true;
    }
    false
}

/// Remove a pin tree bottom-up without ever following a symlink: a link is removed itself.
/// Unlinking a pin drops the kernel's reference; the object goes away when nothing else
/// holds it.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let pfd = match open_dir(parent) {
        Ok(fd) => fd,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(()),
        Err(e) => return Err(e),
    };
    let cname =
        CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    remove_at(pfd.as_fd(), &cname, 0)
}

/// Rename within one directory without following symlinks at either name.
pub fn rename_in(dir: &Path, from: &OsStr, to: &OsStr) -> io::Result<()> {
    let fd = open_dir(dir)?;
    let f =
        CString::new(from.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let t = CString::new(to.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    Ok(rfs::renameat(
        fd.as_fd(),
        f.as_c_str(),
        fd.as_fd(),
        t.as_c_str(),
    )?)
}
