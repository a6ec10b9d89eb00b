//! Where an object comes from: a file, or one of the objects embedded in the binary at build
//! time. Every command that takes an OBJECT accepts either.
use std::path::Path;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};

pub struct Embedded {
    pub name: &'static str,
    pub source: &'static str,
    pub summary: &'static str,
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

pub fn embedded(name: &str) -> Option<&'static Embedded> {
    EMBEDDED.iter().find(|e| e.name == name)
}

/// The bytes of an object and what to call it.
pub struct ObjectSource {
    /// Object name: the embedded name, or the file stem without `.bpf`/`.o`.
    pub name: String,
    /// Shown to the user: `embedded:xdp_counter` or the path as given.
    pub origin: String,
    pub bytes: std::borrow::Cow<'static, [u8]>,
    pub embedded: bool,
}

#[derive(Serialize)]
pub struct EmbeddedRow {
    pub name: &'static str,
    pub source: &'static str,
    pub summary: &'static str,
    pub size: usize,
}

/// The largest object file x0bpf reads. BPF objects are kilobytes to a few megabytes; the cap
/// keeps a wrong path (a disk image, a core dump) from being read into memory whole.
pub const MAX_OBJECT_FILE: u64 = 256 << 20;

/// How much of a file is read before deciding it is worth reading the rest: the ELF64 header.
const HEADER_LEN: usize = 64;

/// A path wins when it exists, so a file named like an embedded object is still reachable
/// (`./xdp_counter`); otherwise an embedded name; otherwise a clear error listing both.
///
/// Files are opened without blocking (a FIFO would wait for a writer forever) and checked on
/// the opened descriptor: only regular files of at most [`MAX_OBJECT_FILE`] bytes are read.
/// A file that does not start with the ELF magic is not read further: its `bytes` are only its
/// first bytes, which is all `elf::parse` needs to say what it is.
pub fn resolve(arg: &str) -> Result<ObjectSource, X0Error> {
    if arg == "-" {
        // `-` is standard input (a file named `-` is `./-`), under the same size cap; a
        // terminal there is a mistake (the command would wait for binary input forever).
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(X0Error::new(
                ErrorKind::Usage,
                "not reading a BPF object from a terminal (`-` is standard input)",
            )
            .hint(
                "pipe or redirect the object in (`x0bpf inspect - < prog.o`), or give its path",
            ));
        }
        return read_stdin(&mut std::io::stdin().lock()).map(|bytes| ObjectSource {
            name: "stdin".to_string(),
            origin: "stdin".to_string(),
            bytes: bytes.into(),
            embedded: false,
        });
    }
    let path = Path::new(arg);
    let looks_like_path = arg.contains('/') || arg.ends_with(".o") || path.exists();
    if looks_like_path || embedded(arg).is_none() {
        match read_object_file(arg) {
            Ok(bytes) => {
                return Ok(ObjectSource {
                    name: object_name_from_path(path),
                    origin: arg.to_string(),
                    bytes: bytes.into(),
                    embedded: false,
                })
            }
            Err(ReadError::Io(e))
                if e.kind() == std::io::ErrorKind::NotFound && !looks_like_path => {}
            Err(ReadError::Refused(e)) => return Err(e),
            Err(ReadError::Io(e)) => {
                let errno = e.raw_os_error().unwrap_or(0);
                let kind = if errno == libc::EACCES || errno == libc::EPERM {
                    ErrorKind::Permission
                } else {
                    ErrorKind::Usage
                };
                let mut err = X0Error::new(kind, format!("cannot read {arg}: {e}"));
                if errno != 0 {
                    err = err.errno(errno);
                }
                if e.kind() == std::io::ErrorKind::NotFound {
                    err = err.hint(format!(
                        "check the path; embedded objects are: {}",
                        names().join(", ")
                    ));
                }
                return Err(err);
            }
        }
    }
    match embedded(arg) {
        Some(e) => Ok(ObjectSource {
            name: e.name.to_string(),
            origin: format!("embedded:{}", e.name),
            bytes: e.bytes.into(),
            embedded: true,
        }),
        None => Err(X0Error::new(
            ErrorKind::NotFound,
            format!("no file and no embedded object named {arg}"),
        )
        .errno(libc::ENOENT)
        .hint(format!(
            "give a path to a .o file or one of: {} (see `x0bpf objects`)",
            names().join(", ")
        ))),
    }
}

/// An object from a stream: at most [`MAX_OBJECT_FILE`] bytes, and not a byte more is read
/// once the stream proves not to start with the ELF magic (the caller then refuses it).
pub fn read_stdin(input: &mut dyn std::io::Read) -> Result<Vec<u8>, X0Error> {
    use std::io::Read;
    let io = |e: std::io::Error| {
        X0Error::new(
            ErrorKind::Usage,
            format!("cannot read an object from standard input: {e}"),
        )
    };
    let mut bytes = Vec::with_capacity(HEADER_LEN);
    input
        .take(HEADER_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() < 4 || &bytes[..4] != b"\x7fELF" {
        return Ok(bytes);
    }
    input
        .take(MAX_OBJECT_FILE + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_OBJECT_FILE {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "standard input holds more than the {} MiB x0bpf reads as an object",
                MAX_OBJECT_FILE >> 20
            ),
        )
        .errno(libc::EFBIG)
        .hint("BPF objects are far smaller: check what is piped in"));
    }
    Ok(bytes)
}

enum ReadError {
    /// open/read failed: reported as "cannot read".
    Io(std::io::Error),
    /// Opened, but not something x0bpf reads: the error says why.
    Refused(X0Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn read_object_file(arg: &str) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(arg)?;
    // The descriptor, not the path: what was opened is what is checked.
    let meta = file.metadata()?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let what = if ft.is_dir() {
            "a directory"
        } else if ft.is_fifo() {
            "a FIFO (named pipe)"
        } else if ft.is_char_device() {
            "a character device"
        } else if ft.is_block_device() {
            "a block device"
        } else if ft.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        let hint = if ft.is_dir() {
            "pass the .o file itself"
        } else {
            "x0bpf reads objects from regular files: save the object to a file and pass its path"
        };
        return Err(ReadError::Refused(
            X0Error::new(
                ErrorKind::Usage,
                format!("{arg} is {what}, not a BPF object file"),
            )
            .hint(hint),
        ));
    }
    let too_large = |size: u64| {
        ReadError::Refused(
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "{arg} is {size} bytes, larger than the {} MiB x0bpf reads as an object",
                    MAX_OBJECT_FILE >> 20
                ),
            )
            .errno(libc::EFBIG)
            .hint("BPF objects are far smaller: check the path"),
        )
    };
    // The header first: a large file that is not ELF at all is refused without reading it.
    let mut head = Vec::with_capacity(HEADER_LEN);
    (&file).take(HEADER_LEN as u64).read_to_end(&mut head)?;
    if head.len() < 4 || &head[..4] != b"\x7fELF" {
        return Ok(head);
    }
    if meta.len() > MAX_OBJECT_FILE {
        return Err(too_large(meta.len()));
    }
    let mut bytes = head;
    bytes.reserve(
        usize::try_from(meta.len())
            .unwrap_or(0)
            .saturating_sub(HEADER_LEN),
    );
    // The file may grow while it is read: the cap holds for what is read, not only for fstat.
    (&file)
        .take(MAX_OBJECT_FILE + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_OBJECT_FILE {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

pub fn names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|e| e.name).collect()
}

fn object_name_from_path(p: &Path) -> String {
    let file = p
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "object".into());
    let stem = file
        .strip_suffix(".o")
        .unwrap_or(&file)
        .trim_end_matches(".bpf")
        .to_string();
    // Object names become pin directory names: keep them to a safe alphabet.
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
