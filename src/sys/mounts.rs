//! bpffs and tracefs: what is mounted where, and mounting them only where it is safe.
use std::io;
use std::path::Path;

use crate::error::{ErrorKind, X0Error};

pub const BPF_FS_MAGIC: i64 = 0xcafe4a11;
pub const TRACEFS_MAGIC: i64 = 0x74726163;
pub const TRACEFS_DIR: &str = "/sys/kernel/tracing";

fn fs_magic(dir: &Path) -> io::Result<i64> {
    Ok(rustix::fs::statfs(dir)?.f_type as i64)
}

pub fn is_bpffs(dir: &Path) -> bool {
    fs_magic(dir).map(|m| m == BPF_FS_MAGIC).unwrap_or(false)
}

pub fn is_tracefs(dir: &Path) -> bool {
    fs_magic(dir).map(|m| m == TRACEFS_MAGIC).unwrap_or(false)
}

fn mount(fstype: &str, dir: &Path) -> io::Result<()> {
    // Pins must outlive this process, as with bpftool: mode 0700 keeps them root's.
    let data = c"mode=0700";
    Ok(rustix::mount::mount(
        fstype,
        dir,
        fstype,
        rustix::mount::MountFlags::empty(),
        data,
    )?)
}

/// Make sure `root` is a BPF filesystem, mounting one there when allowed (as bpftool does):
/// only when `root` is not one yet, and only on the default root or on an existing empty
/// directory — never over a directory that holds anything. Says so on stderr. Returns true
/// when x0bpf mounted it now.
pub fn ensure_bpffs(root: &Path, nomount: bool, default_root: bool) -> Result<bool, X0Error> {
    if is_bpffs(root) {
        return Ok(false);
    }
    let what = format!("{} is not a BPF filesystem (bpffs)", root.display());
    if nomount {
        return Err(X0Error::new(ErrorKind::NotFound, what).hint(format!(
            "mount it with `mount -t bpf bpf {}`, or drop --nomount to let x0bpf mount it",
            root.display()
        )));
    }
    match std::fs::symlink_metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound && default_root => {
            std::fs::create_dir_all(root)
                .map_err(|e| X0Error::os(format!("{what}; creating it failed"), &e))?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(X0Error::new(
                ErrorKind::NotFound,
                format!("--bpffs {}: no such directory", root.display()),
            )
            .hint(
                "create an empty directory for x0bpf to mount bpffs on, or give a mounted bpffs",
            ))
        }
        Err(e) => return Err(X0Error::os(format!("reading {}", root.display()), &e)),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!("{what}: it is a symbolic link, and x0bpf mounts only on a real directory"),
            )
            .hint("give the directory the link points to with --bpffs"))
        }
        Ok(m) if !m.is_dir() => {
            return Err(
                X0Error::new(ErrorKind::Usage, format!("{what} and not a directory"))
                    .hint("give a bpffs mount point with --bpffs"),
            )
        }
        Ok(_) => {
            let empty = std::fs::read_dir(root)
                .map_err(|e| X0Error::os(format!("reading {}", root.display()), &e))?
                .next()
                .is_none();
            if !empty {
                return Err(X0Error::new(
                    ErrorKind::Usage,
                    format!("{what} and holds files: x0bpf never mounts over a directory that holds anything"),
                )
                .hint(format!(
                    "give a mounted bpffs or an empty directory with --bpffs, or mount one yourself (`mount -t bpf bpf {}`)",
                    root.display()
                )));
            }
        }
    }
    mount("bpf", root).map_err(|e| {
        X0Error::os(format!("{what}; mounting bpffs there failed"), &e).hint(format!(
            "mount it yourself (`mount -t bpf bpf {}`) or pass --bpffs DIR on a bpffs",
            root.display()
        ))
    })?;
    eprintln!("x0bpf: mounted bpffs at {} (mode 0700)", root.display());
    Ok(true)
}

/// Tracepoints are resolved through tracefs; mount it where the kernel expects it, only on an
/// empty directory.
pub fn ensure_tracefs(nomount: bool) -> Result<(), X0Error> {
    let dir = Path::new(TRACEFS_DIR);
    if is_tracefs(dir) || Path::new("/sys/kernel/tracing/events").is_dir() {
        return Ok(());
    }
    if Path::new("/sys/kernel/debug/tracing/events").is_dir() {
        return Ok(());
    }
    if nomount {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("tracefs is not mounted at {TRACEFS_DIR}"),
        )
        .hint("mount it with `mount -t tracefs tracefs /sys/kernel/tracing`, or drop --nomount"));
    }
    let empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !empty {
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!("tracefs is not mounted and {TRACEFS_DIR} is missing or not empty"),
        )
        .hint("mount it with `mount -t tracefs tracefs /sys/kernel/tracing`"));
    }
    mount("tracefs", dir).map_err(|e| {
        X0Error::os(format!("mounting tracefs at {TRACEFS_DIR} failed"), &e)
            .hint("is CONFIG_TRACING enabled? mount it with `mount -t tracefs tracefs /sys/kernel/tracing`")
    })?;
    eprintln!("x0bpf: mounted tracefs at {TRACEFS_DIR}");
    Ok(())
}

pub const CGROUP2_SUPER_MAGIC: i64 = 0x63677270;

/// Where cgroup v2 is mounted in this mount namespace: `/sys/fs/cgroup` on unified hosts,
/// `/sys/fs/cgroup/unified` on hybrid ones (v1 hierarchies beside it). The first cgroup2 line
/// of /proc/self/mountinfo.
pub fn cgroup2_mount() -> Option<std::path::PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    info.lines().find_map(|l| {
        // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS"
        let (pre, post) = l.split_once(" - ")?;
        (post.split_whitespace().next()? == "cgroup2")
            .then(|| pre.split_whitespace().nth(4).map(unescape_mountinfo))
            .flatten()
            .map(std::path::PathBuf::from)
    })
}

/// mountinfo writes space, tab, newline and backslash in paths as octal escapes (`\040`).
fn unescape_mountinfo(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = b[i + 1..i + 4]
                .iter()
                .fold(0u32, |a, c| a * 8 + u32::from(c - b'0'));
            out.push(v as u8);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The cgroup v2 id of the cgroup directory `path` (its inode number, which is what
/// `bpf_get_current_cgroup_id` returns). Err(ENOTDIR) for a non-directory, Err(EXDEV) when the
/// path is not on a cgroup2 filesystem.
pub fn cgroup_id(path: &Path) -> io::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let md = std::fs::metadata(path)?;
    if !md.is_dir() {
        return Err(io::Error::from_raw_os_error(libc::ENOTDIR));
    }
    if fs_magic(path)? != CGROUP2_SUPER_MAGIC {
        return Err(io::Error::from_raw_os_error(libc::EXDEV));
    }
    Ok(md.ino())
}

#[cfg(test)]
mod tests {
    #[test]
    fn mountinfo_escapes_are_decoded() {
        assert_eq!(super::unescape_mountinfo("/a\\040b"), "/a b");
        assert_eq!(super::unescape_mountinfo("/plain"), "/plain");
        assert_eq!(super::unescape_mountinfo("/x\\0"), "/x\\0");
    }
}
