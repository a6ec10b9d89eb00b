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

/// A path wins when it exists, so a file named like an embedded object is still reachable
/// (`./xdp_counter`); otherwise an embedded name; otherwise a clear error listing both.
pub fn resolve(arg: &str) -> Result<ObjectSource, X0Error> {
    let path = Path::new(arg);
    let looks_like_path = arg.contains('/') || arg.ends_with(".o") || path.exists();
    if looks_like_path || embedded(arg).is_none() {
        if path.is_dir() {
            return Err(X0Error::new(
                ErrorKind::Usage,
                format!("{arg} is a directory, not a BPF object file"),
            )
            .hint("pass the .o file itself"));
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                return Ok(ObjectSource {
                    name: object_name_from_path(path),
                    origin: arg.to_string(),
                    bytes: bytes.into(),
                    embedded: false,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !looks_like_path => {}
            Err(e) => {
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
