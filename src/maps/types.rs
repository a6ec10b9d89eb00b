//! Where a map's key and value types come from: the map's own BTF (`btf_id`), a file given
//! with `--btf` (raw BTF or an ELF file with `.BTF`) and type names, or the BTF of the
//! programs that use the map (for ring buffers, whose records have no declared type).
use std::os::fd::AsFd;
use std::path::Path;

use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::btf::{Btf, BtfKind};
use crate::obj::btf_value::Layout;
use crate::sys::bpf::{self, ObjKind};
use crate::sys::map as sysmap;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// Parse BTF read from the kernel: standalone first, else split over vmlinux (module BTF).
pub fn kernel_btf(btf_id: u32) -> Result<Btf, X0Error> {
    let raw =
        sysmap::btf_raw(btf_id).map_err(|e| X0Error::os(format!("reading BTF id {btf_id}"), &e))?;
    match Btf::parse(&raw) {
        Ok(b) => Ok(b),
        Err(first) => {
            let base = std::fs::read(VMLINUX)
                .ok()
                .and_then(|d| Btf::parse(&d).ok())
                .ok_or_else(|| {
                    X0Error::new(
                        ErrorKind::InvalidObject,
                        format!("BTF id {btf_id}: {first}"),
                    )
                })?;
            Btf::parse_split(&raw, &base).map_err(|e| {
                X0Error::new(ErrorKind::InvalidObject, format!("BTF id {btf_id}: {e}"))
            })
        }
    }
}

/// `--btf FILE`: raw BTF or an ELF file's `.BTF` section.
pub fn file_btf(path: &Path) -> Result<Btf, X0Error> {
    let shown = path.display().to_string();
    let data = read_regular(path).map_err(|e| {
        let mut x = X0Error::new(ErrorKind::Usage, format!("cannot read --btf {shown}: {e}"));
        if let Some(n) = e.raw_os_error() {
            x = x.errno(n);
        }
        x
    })?;
    let bad = |why: String| {
        X0Error::new(ErrorKind::Usage, format!("--btf {shown}: {why}"))
            .hint("pass raw BTF or an ELF file (a BPF object) with a .BTF section")
    };
    if data.starts_with(&[0x9f, 0xeb]) || data.starts_with(&[0xeb, 0x9f]) {
        return Btf::parse(&data).map_err(|e| bad(format!("not valid BTF: {e}")));
    }
    if !data.starts_with(b"\x7fELF") {
        return Err(bad("neither raw BTF nor an ELF file".into()));
    }
    use object::{Object, ObjectSection};
    let f = object::File::parse(&*data).map_err(|e| bad(format!("unreadable ELF file: {e}")))?;
    let s = f
        .section_by_name(".BTF")
        .ok_or_else(|| bad("ELF file without a .BTF section".into()))?;
    let sec = s
        .data()
        .map_err(|e| bad(format!("unreadable .BTF section: {e}")))?;
    Btf::parse(sec).map_err(|e| bad(format!("its .BTF section is not valid: {e}")))
}

/// The type named `name` in `btf`: `struct x`, `union x`, `enum x` or a bare name (typedefs,
/// structs, ints…). With `size`, a candidate of that size wins.
pub fn find_type(btf: &Btf, name: &str, size: Option<u32>) -> Result<u32, X0Error> {
    let (kind, bare) = match name.split_once(' ') {
        Some(("struct", n)) => (Some(BtfKind::Struct), n.trim()),
        Some(("union", n)) => (Some(BtfKind::Union), n.trim()),
        Some(("enum", n)) => (Some(BtfKind::Enum), n.trim()),
        _ => (None, name.trim()),
    };
    let cands: Vec<u32> = btf
        .find_by_name(bare)
        .into_iter()
        .filter(|&id| {
            btf.get(id).is_some_and(|t| {
                !matches!(
                    t.kind,
                    BtfKind::Func | BtfKind::FuncProto | BtfKind::Var | BtfKind::Datasec
                ) && t.kind != BtfKind::Fwd
                    && kind.is_none_or(|k| {
                        t.kind == k || (k == BtfKind::Enum && t.kind == BtfKind::Enum64)
                    })
            })
        })
        .collect();
    if cands.is_empty() {
        return Err(
            X0Error::new(ErrorKind::NotFound, format!("no type {name:?} in the BTF"))
                .hint("give the C name: `struct event`, `__u64`, or a typedef"),
        );
    }
    if let Some(sz) = size {
        if let Some(&id) = cands.iter().find(|&&id| btf.resolve_size(id) == Some(sz)) {
            return Ok(id);
        }
    }
    Ok(cands[0])
}

/// How a map's keys and values are typed, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Typing {
    /// Whether values are typed by BTF (false: hex bytes).
    pub btf: bool,
    /// `map` (the map's btf_id), `file` (--btf) or `none`.
    pub source: &'static str,
    pub key_type: Option<String>,
    pub value_type: Option<String>,
}

pub struct Types {
    pub key: Layout,
    pub value: Layout,
    pub typing: Typing,
}

fn layout_for(btf: &Btf, id: u32, want: u32, what: &str) -> Result<Layout, X0Error> {
    let l = Layout::new(btf, id)
        .map_err(|e| X0Error::new(ErrorKind::InvalidObject, format!("{what} type: {e}")))?;
    if l.size != want {
        return Err(X0Error::new(
            ErrorKind::Usage,
            format!(
                "{what} type {} is {} bytes but the map's {what}s are {want}",
                l.type_name, l.size
            ),
        )
        .hint("name a type of the map's size with --key-type/--value-type"));
    }
    Ok(l)
}

/// Key and value layouts for a map: `--btf` + names first, else the map's BTF (names, if
/// given, looked up there), else raw bytes.
pub fn map_types(
    info: &sysmap::Info,
    btf_file: Option<&Path>,
    key_type: Option<&str>,
    value_type: Option<&str>,
) -> Result<Types, X0Error> {
    let (btf, source) = if let Some(p) = btf_file {
        (Some(file_btf(p)?), "file")
    } else if info.btf_id != 0 {
        (Some(kernel_btf(info.btf_id)?), "map")
    } else {
        (None, "none")
    };
    let Some(btf) = btf else {
        if key_type.is_some() || value_type.is_some() {
            return Err(X0Error::new(
                ErrorKind::Usage,
                "this map has no BTF: --key-type/--value-type need --btf FILE",
            )
            .hint("pass the object or BTF file that declares the types with --btf"));
        }
        return Ok(Types {
            key: Layout::bytes(info.key_size),
            value: Layout::bytes(info.value_size),
            typing: Typing {
                btf: false,
                source,
                key_type: None,
                value_type: None,
            },
        });
    };
    let pick = |name: Option<&str>,
                map_id: u32,
                size: u32,
                what: &str|
     -> Result<Option<Layout>, X0Error> {
        if size == 0 {
            return Ok(None);
        }
        let id = match name {
            Some(n) => find_type(&btf, n, Some(size))?,
            None if source == "map" && map_id != 0 => map_id,
            None => return Ok(None),
        };
        layout_for(&btf, id, size, what).map(Some)
    };
    let key = pick(key_type, info.btf_key_type_id, info.key_size, "key")?;
    let value = pick(value_type, info.btf_value_type_id, info.value_size, "value")?;
    let typing = Typing {
        btf: key.is_some() || value.is_some(),
        source: if key.is_some() || value.is_some() {
            source
        } else {
            "none"
        },
        key_type: key.as_ref().map(|l| l.type_name.clone()),
        value_type: value.as_ref().map(|l| l.type_name.clone()),
    };
    Ok(Types {
        key: key.unwrap_or_else(|| Layout::bytes(info.key_size)),
        value: value.unwrap_or_else(|| Layout::bytes(info.value_size)),
        typing,
    })
}

/// The BTF of every loaded program that uses map `map_id` (ring buffer records are typed only
/// there). Programs without BTF are skipped.
pub fn prog_btfs_using(map_id: u32) -> Vec<Btf> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for pid in bpf::all_ids(ObjKind::Prog) {
        let Ok(fd) = bpf::fd_by_id(ObjKind::Prog, pid) else {
            continue;
        };
        let Ok(pi) = bpf::prog_info(fd.as_fd()) else {
            continue;
        };
        if pi.btf_id == 0 || !pi.map_ids.contains(&map_id) || seen.contains(&pi.btf_id) {
            continue;
        }
        seen.push(pi.btf_id);
        if let Ok(b) = kernel_btf(pi.btf_id) {
            out.push(b);
        }
    }
    out
}

/// A regular file of at most 256 MiB (a FIFO or device given as --btf must not hang x0bpf).
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use crate::sys::file::{self, ReadError};
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m);
    file::read_regular(path, crate::obj::source::MAX_OBJECT_FILE).map_err(|e| match e {
        ReadError::Open(e) | ReadError::Io(e) => e,
        ReadError::NotRegular(_) => invalid("not a regular file"),
        ReadError::TooLarge => invalid("larger than 256 MiB"),
    })
}
