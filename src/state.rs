//! Where x0bpf keeps what it loaded: ordinary bpffs pins, one directory per object.
//!
//! ```text
//! <bpffs>/x0bpf/<name>/progs/<program>     pinned programs
//! <bpffs>/x0bpf/<name>/maps/<map>          pinned maps
//! <bpffs>/x0bpf/<name>/links/<attachment>  pinned bpf_links (attach)
//! ```
//! The kernel is the only source of truth: nothing else is stored, so `bpftool` reads the same
//! pins and a crash can leave nothing that disagrees with the kernel.
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::{ErrorKind, X0Error};
use crate::kernel;
use crate::Ctx;

pub const DEFAULT_BASE: &str = "x0bpf";

/// The directory that holds one subdirectory per loaded object.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
    pub base: PathBuf,
    /// Set when x0bpf left a private mount namespace (`ip netns exec`) to pin where pins
    /// persist; commands report it.
    pub note: Option<String>,
}

impl Store {
    /// Resolve and confine the pin directory to the bpffs root, mounting bpffs if allowed.
    /// Call it before any other thread exists: it may switch the mount namespace.
    pub fn open(ctx: &Ctx) -> Result<Store, X0Error> {
        let note = crate::attach::escape_private_mount_ns(&ctx.bpffs)?;
        kernel::ensure_bpffs(&ctx.bpffs, ctx.nomount)?;
        let root = ctx.bpffs.clone();
        let rel = match &ctx.pin_dir {
            None => PathBuf::from(DEFAULT_BASE),
            Some(p) if p.is_absolute() => match p.strip_prefix(&root) {
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
            if !matches!(c, Component::Normal(_)) {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("--pin-dir {} must not contain `..` or `.`", rel.display()),
                )
                .hint("give a plain relative path such as `x0bpf` or `team/x0bpf`"));
            }
        }
        let base = root.join(&rel);
        if base.exists() && !kernel::is_bpffs(&base) {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!("{} is not on a BPF filesystem", base.display()),
            ));
        }
        let store = Store { root, base, note };
        store.sweep_abandoned();
        Ok(store)
    }

    /// `_staging-<name>-<pid>` and `_old-<name>-<pid>` belong to a load in flight; when that
    /// process is gone (killed mid-load) nothing will ever finish them, and their pins would
    /// keep programs and maps alive unseen. Remove them.
    fn sweep_abandoned(&self) {
        let Ok(rd) = fs::read_dir(&self.base) else {
            return;
        };
        for e in rd.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("_staging-") || name.starts_with("_old-")) {
                continue;
            }
            let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| !Path::new(&format!("/proc/{p}")).exists()) {
                let _ = remove_tree(&e.path());
            }
        }
    }

    pub fn ensure_base(&self) -> Result<(), X0Error> {
        fs::create_dir_all(&self.base)
            .map_err(|e| X0Error::os(format!("creating {}", self.base.display()), &e))
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.base.join(name)
    }

    /// Names of loaded objects (directories starting with '_' are in-flight loads).
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.base)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('_'))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
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

/// Entries of a pin subdirectory (progs/maps/links), sorted, as (name, path).
pub fn entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Remove a pin tree bottom-up. Unlinking a pin drops the kernel's reference; the object goes
/// away when nothing else holds it.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for (_, p) in entries(dir) {
        if p.is_dir() {
            remove_tree(&p)?;
        } else {
            fs::remove_file(&p)?;
        }
    }
    fs::remove_dir(dir)
}
