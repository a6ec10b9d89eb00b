//! Loading objects into the kernel with libbpf-rs, and pinning them all-or-nothing.
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use libbpf_rs::{AsRawLibbpf, MapCore, ObjectBuilder, OpenObject};
use serde::Serialize;

use crate::error::{ErrorKind, X0Error};
use crate::obj::elf::{self, ParsedObject};
use crate::obj::source::ObjectSource;
use crate::store::{self, Store};
use crate::sys::libbpf_log;
use crate::sys::{bpf, caps};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub name: Option<String>,
    pub reuse_maps: bool,
    pub replace: bool,
    /// `--set VAR=VALUE` for `.rodata` variables.
    pub sets: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadedProg {
    pub name: String,
    pub id: u32,
    pub prog_type: String,
    pub pin: PathBuf,
    pub verified_insns: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadedMap {
    pub name: String,
    pub id: u32,
    pub map_type: String,
    pub pin: PathBuf,
    pub reused: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Loaded {
    pub name: String,
    pub origin: String,
    pub dir: PathBuf,
    pub programs: Vec<LoadedProg>,
    pub maps: Vec<LoadedMap>,
    pub replaced: bool,
}

/// The errno behind a libbpf-rs error, when there is one.
pub fn libbpf_errno(e: &libbpf_rs::Error) -> Option<i32> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if let Some(n) = io.raw_os_error() {
                return Some(n);
            }
        }
        cur = c.source();
    }
    // libbpf-rs does not expose its io::Error as a source; its text carries the number.
    let text = e.to_string();
    let n = text.rsplit("(os error ").next()?.split(')').next()?;
    n.parse().ok()
}

/// The verifier's own words from libbpf's log: the last lines of the program load log.
pub fn verifier_tail(lines: &[String], keep: usize) -> Vec<String> {
    let start = lines
        .iter()
        .rposition(|l| l.contains("-- BEGIN PROG LOAD LOG --"))
        .map(|i| i + 1);
    let end = lines
        .iter()
        .rposition(|l| l.contains("-- END PROG LOAD LOG --"))
        .unwrap_or(lines.len());
    let body: Vec<String> = match start {
        Some(s) if s <= end => lines[s..end].to_vec(),
        _ => lines
            .iter()
            .filter(|l| l.starts_with("libbpf:"))
            .cloned()
            .collect(),
    };
    let body: Vec<String> = body
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| {
            !l.is_empty() && !l.starts_with("processed ") && !l.starts_with("verification time")
        })
        .collect();
    body[body.len().saturating_sub(keep)..].to_vec()
}

/// libbpf names the failing program: "libbpf: prog 'bad_prog': BPF program load failed: …"
pub fn failing_prog(log: &[String]) -> Option<String> {
    log.iter().rev().find_map(|l| {
        let rest = l.split("prog '").nth(1)?;
        l.contains("failed")
            .then(|| rest.split('\'').next().unwrap_or("").to_string())
    })
}

/// Trampoline-based programs (fentry, fexit, fmod_ret, lsm, freplace) that the kernel refuses
/// with EPERM as root: lockdown (integrity mode forbids them) or no trampoline support. Say
/// so, and point at what works instead.
fn refine_tracing_refusal(mut err: X0Error, parsed: &ParsedObject, log: &[String]) -> X0Error {
    if err.errno != Some(libc::EPERM) || !caps::is_root() {
        return err;
    }
    let Some(name) = failing_prog(log) else {
        return err;
    };
    let Some(p) = parsed.info.programs.iter().find(|p| p.name == name) else {
        return err;
    };
    let kind = p.section.split('/').next().unwrap_or("");
    if ![
        "fentry", "fexit", "fmod_ret", "lsm", "freplace", "fentry.s", "fexit.s", "lsm.s",
    ]
    .contains(&kind)
    {
        return err;
    }
    err.kind = ErrorKind::Unsupported;
    err.message = format!(
        "this kernel refuses {kind} program {name} (EPERM as root): kernel lockdown (integrity mode forbids BPF trampolines) or no trampoline support"
    );
    err.hint("attach to a tracepoint instead (`x0bpf attach tracepoint CATEGORY:NAME`, list: /sys/kernel/tracing/events), or boot without lockdown")
}

/// A failed load: say why in the kernel's and libbpf's words.
pub fn load_error(what: &str, e: &libbpf_rs::Error, log: &[String]) -> X0Error {
    let errno = libbpf_errno(e);
    let tail = verifier_tail(log, 6);
    let prog = failing_prog(log);
    let cause = match errno {
        Some(n) => crate::error::errno_text(n),
        None => {
            let t = e.to_string();
            t.find(" (os error")
                .map(|i| t[..i].to_string())
                .unwrap_or(t)
        }
    };
    let mut msg = match &prog {
        Some(p) if log.iter().any(|l| l.contains("BEGIN PROG LOAD LOG")) => {
            format!("{what}: the verifier rejected program {p} ({cause})")
        }
        Some(p) => format!("{what}: program {p}: {cause}"),
        None => format!("{what}: {cause}"),
    };
    if !tail.is_empty() {
        msg.push_str(" — ");
        msg.push_str(&tail.join(" | "));
    }
    let mut err = X0Error::new(
        match errno {
            Some(libc::EPERM) | Some(libc::EACCES) if !caps::is_root() => ErrorKind::Permission,
            _ => ErrorKind::Kernel,
        },
        msg,
    );
    if let Some(n) = errno {
        err = err.errno(n);
    }
    if err.kind == ErrorKind::Permission && caps::in_user_namespace() {
        err = err.hint(caps::USERNS_HINT);
    } else if err.kind == ErrorKind::Permission {
        err = err.hint(crate::error::PERMISSION_HINT);
    } else if log.iter().any(|l| l.contains("BEGIN PROG LOAD LOG")) {
        err = err.hint("the verifier rejected a program: run with -v for the whole log, or `x0bpf validate --verify`");
    } else if errno == Some(libc::EPERM) {
        err = err.hint("the kernel refused with EPERM: lockdown, or a program type this kernel only allows with more privilege (fentry/kprobe under lockdown=integrity)");
    }
    err
}

/// Refuse what can never load here, with a precise reason, before libbpf says something vaguer.
pub fn precheck(parsed: &ParsedObject) -> Result<(), X0Error> {
    match crate::obj::rules::elf_problems(&parsed.info)
        .into_iter()
        .next()
    {
        Some(p) => Err(X0Error::new(
            ErrorKind::InvalidObject,
            format!("{}: {}", parsed.info.source, p.message),
        )
        .hint(p.fix)),
        None => Ok(()),
    }
}

/// Open an object with libbpf, apply `--set` values. The caller loads it.
pub fn open(
    src: &ObjectSource,
    parsed: &ParsedObject,
    name: &str,
    sets: &[(String, String)],
) -> Result<OpenObject, X0Error> {
    let mut builder = ObjectBuilder::default();
    builder
        .name(name)
        .map_err(|e| X0Error::new(ErrorKind::Usage, format!("object name {name}: {e}")))?;
    libbpf_log::clear();
    let mut open = builder.open_memory(&src.bytes).map_err(|e| {
        let log = libbpf_log::take();
        let mut err = load_error(&format!("libbpf cannot open {}", src.origin), &e, &log);
        err.kind = ErrorKind::InvalidObject;
        err
    })?;
    for m in open.maps_mut() {
        // Maps declared with `pinning = LIBBPF_PIN_BY_NAME` would be pinned at load (or an
        // unrelated map of the same name reused) at <pin root>/<map>, outside --bpffs and
        // --pin-dir, and never unpinned by unload. x0bpf pins every map with its object
        // instead; --reuse-maps is how a reload keeps them.
        // SAFETY: the map pointer is valid while `open` lives; NULL clears the pin path.
        unsafe {
            libbpf_sys::bpf_map__set_pin_path(m.as_libbpf_object().as_ptr(), std::ptr::null())
        };
    }
    for (var, value) in sets {
        set_rodata(&mut open, parsed, var, value)?;
    }
    Ok(open)
}

/// `--set VAR=VALUE`: write a `.rodata` variable's initial value, typed from BTF.
fn set_rodata(
    open: &mut OpenObject,
    parsed: &ParsedObject,
    var: &str,
    value: &str,
) -> Result<(), X0Error> {
    let settable: Vec<&elf::GlobalVar> =
        parsed.info.globals.iter().filter(|g| g.read_only).collect();
    let Some(g) = settable.iter().find(|g| g.name == var) else {
        let names: Vec<&str> = settable.iter().map(|g| g.name.as_str()).collect();
        return Err(X0Error::new(
            ErrorKind::NotFound,
            format!(
                "--set {var}: no such .rodata variable in {}",
                parsed.info.source
            ),
        )
        .hint(if names.is_empty() {
            "this object has no settable (const volatile) variables".to_string()
        } else {
            format!("settable variables: {}", names.join(", "))
        }));
    };
    let bytes = encode_value(parsed, g, value)?;
    let sec = g.section.clone();
    for mut m in open.maps_mut() {
        let mname = m.name().to_string_lossy().into_owned();
        if !mname.ends_with(&sec) {
            continue;
        }
        let Some(buf) = m.initial_value_mut() else {
            continue;
        };
        let off = g.offset as usize;
        let Some(dst) = buf.get_mut(off..off + bytes.len()) else {
            return Err(X0Error::new(
                ErrorKind::InvalidObject,
                format!("--set {var}: variable lies outside {sec}"),
            ));
        };
        dst.copy_from_slice(&bytes);
        return Ok(());
    }
    Err(X0Error::new(
        ErrorKind::InvalidObject,
        format!("--set {var}: libbpf has no {sec} map for this object"),
    ))
}

fn encode_value(
    parsed: &ParsedObject,
    g: &elf::GlobalVar,
    value: &str,
) -> Result<Vec<u8>, X0Error> {
    let size = g.size as usize;
    let ty = g.type_name.clone().unwrap_or_default();
    let bad = |why: &str| {
        X0Error::new(
            ErrorKind::Usage,
            format!("--set {}={value}: {why} (type {ty}, {size} bytes)", g.name),
        )
    };
    // Decide from BTF what the variable is: an integer (signed or not), a bool, an enum, or a
    // char array for strings. Without BTF only unsigned integers are accepted.
    let btf = parsed.btf.as_ref();
    let resolved = btf
        .zip(g.type_id)
        .and_then(|(b, t)| b.get(b.skip_mods_and_typedefs(t)));
    let is_char_array = resolved.is_some_and(|t| {
        t.array.is_some_and(|(elem, _, _)| {
            btf.and_then(|b| b.get(b.skip_mods_and_typedefs(elem)))
                .is_some_and(|e| e.kind == crate::obj::btf::BtfKind::Int && e.size == 1)
        })
    });
    if is_char_array {
        if value.len() >= size {
            return Err(bad("string too long"));
        }
        let mut v = value.as_bytes().to_vec();
        v.resize(size, 0);
        return Ok(v);
    }
    let signed = match resolved {
        Some(t) if t.kind == crate::obj::btf::BtfKind::Int => t.is_signed_int(),
        Some(t) if t.is_any_enum() => t.kflag,
        Some(t) if t.kind == crate::obj::btf::BtfKind::Float => {
            return Err(bad("floating-point variables cannot be set"))
        }
        Some(t)
            if t.is_composite() || t.array.is_some() || t.kind == crate::obj::btf::BtfKind::Ptr =>
        {
            return Err(bad(
                "only integers, booleans, enums and char arrays can be set",
            ))
        }
        _ => false,
    };
    let parsed_v: i128 = match value {
        "true" => 1,
        "false" => 0,
        v if v.starts_with("0x") || v.starts_with("0X") => {
            i128::from_str_radix(&v[2..], 16).map_err(|_| bad("not a number"))?
        }
        v => v.parse::<i128>().map_err(|_| bad("not a number"))?,
    };
    if !(1..=8).contains(&size) {
        return Err(bad("only integers, booleans and char arrays can be set"));
    }
    let bits = size as u32 * 8;
    let (min, max) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if parsed_v < min || parsed_v > max {
        return Err(bad(&format!("out of range {min}..={max}")));
    }
    let le = (parsed_v as u64).to_le_bytes();
    let ne = if cfg!(target_endian = "big") {
        (parsed_v as u64).to_be_bytes()[8 - size..].to_vec()
    } else {
        le[..size].to_vec()
    };
    Ok(ne)
}

/// Load an object and pin every program and map under `<base>/<name>/`. All or nothing: pins
/// are made in a staging directory that is renamed into place only when everything worked.
pub fn load_and_pin(
    store: &Store,
    src: &ObjectSource,
    opts: &LoadOptions,
) -> Result<Loaded, X0Error> {
    let name = opts.name.clone().unwrap_or_else(|| src.name.clone());
    store::check_name("object name", &name)?;
    let parsed = elf::parse(&src.bytes, &src.origin)?;
    precheck(&parsed)?;
    let dir = store.dir(&name);
    let exists = store.is_loaded(&name);
    if exists && !opts.replace && !opts.reuse_maps {
        return Err(X0Error::new(
            ErrorKind::Conflict,
            format!("an object named {name} is already loaded ({})", dir.display()),
        )
        .hint(format!(
            "pass --replace to swap it, --reuse-maps to reload it keeping its maps, or `x0bpf unload {name}`"
        )));
    }
    let links = store::entries(&dir.join("links"));
    if exists && !links.is_empty() {
        let cmds: Vec<String> = links
            .iter()
            .filter_map(|(n, _)| crate::store::record::Record::parse(n))
            .map(|r| format!("`{}`", r.detach_command()))
            .collect();
        return Err(X0Error::new(
            ErrorKind::Conflict,
            format!("{name} is attached; it cannot be replaced while attached"),
        )
        .hint(if cmds.is_empty() {
            format!("`x0bpf unload {name}` first, or load under another --name")
        } else {
            format!(
                "detach it first ({}), or load under another --name",
                cmds.join(", ")
            )
        }));
    }

    let mut open = open(src, &parsed, &name, &opts.sets)?;

    // Reuse pinned maps: check the definition first, so a mismatch is a clear error and not
    // libbpf's EINVAL.
    let mut reused = Vec::new();
    if opts.reuse_maps && exists {
        for mut m in open.maps_mut() {
            let mname = m.name().to_string_lossy().into_owned();
            let pin = dir.join("maps").join(store::pin_name(&mname));
            if std::fs::symlink_metadata(&pin).is_err() {
                continue;
            }
            let fd = bpf::obj_get(&pin)
                .map_err(|e| X0Error::os(format!("opening pinned map {}", pin.display()), &e))?;
            let have = bpf::map_info(fd.as_fd())
                .map_err(|e| X0Error::os(format!("querying pinned map {}", pin.display()), &e))?;
            let want_type = crate::obj::names::map_type_name(m.map_type() as u32);
            let mismatch = [
                ("type", have.map_type.clone(), want_type),
                (
                    "key size",
                    have.key_size.to_string(),
                    m.key_size().to_string(),
                ),
                (
                    "value size",
                    have.value_size.to_string(),
                    m.value_size().to_string(),
                ),
                (
                    "max entries",
                    have.max_entries.to_string(),
                    m.max_entries().to_string(),
                ),
            ]
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(what, a, b)| format!("{what} {a} pinned vs {b} in the object"))
            .collect::<Vec<_>>();
            if !mismatch.is_empty() {
                return Err(X0Error::new(
                    ErrorKind::Conflict,
                    format!("cannot reuse pinned map {mname}: {}", mismatch.join(", ")),
                )
                .hint(format!("reload without --reuse-maps (after `x0bpf unload {name}`), or keep the map definition unchanged")));
            }
            m.reuse_fd(fd.as_fd()).map_err(|e| {
                X0Error::new(
                    ErrorKind::Kernel,
                    format!("reusing pinned map {mname}: {e}"),
                )
            })?;
            reused.push(mname);
        }
    }

    libbpf_log::clear();
    let obj = open.load().map_err(|e| {
        let log = libbpf_log::take();
        let mut err = load_error(&format!("loading {} failed", src.origin), &e, &log);
        // The hint's command names the object, so it works when copied.
        if let Some(h) = err.hint.as_mut() {
            let arg = if src.embedded {
                src.name.clone()
            } else {
                src.origin.clone()
            };
            *h = h.replace(
                "`x0bpf validate --verify`",
                &format!(
                    "`x0bpf validate --verify {}`",
                    crate::output::shell_word(&arg)
                ),
            );
        }
        refine_tracing_refusal(err, &parsed, &log)
    })?;

    // Pin into a staging directory, then move it into place.
    let staging_name = format!("_staging-{name}-{}", std::process::id());
    let staging = store.base.join(&staging_name);
    let result = (|| -> Result<Loaded, X0Error> {
        let mk = |p: &Path| {
            std::fs::create_dir(p).map_err(|e| X0Error::os(format!("creating {}", p.display()), &e))
        };
        mk(&staging)?;
        mk(&staging.join("progs"))?;
        mk(&staging.join("maps"))?;
        let mut programs = Vec::new();
        for p in obj.progs() {
            let pname = p.name().to_string_lossy().into_owned();
            let pin = staging.join("progs").join(&pname);
            bpf::obj_pin(p.as_fd(), &pin)
                .map_err(|e| X0Error::os(format!("pinning program {pname}"), &e))?;
            let info = bpf::prog_info(p.as_fd())
                .map_err(|e| X0Error::os(format!("querying program {pname}"), &e))?;
            programs.push(LoadedProg {
                name: pname.clone(),
                id: info.id,
                prog_type: info.prog_type,
                pin: dir.join("progs").join(&pname),
                verified_insns: info.verified_insns,
            });
        }
        let mut maps = Vec::new();
        for m in obj.maps() {
            let mname = m.name().to_string_lossy().into_owned();
            let pin = staging.join("maps").join(store::pin_name(&mname));
            bpf::obj_pin(m.as_fd(), &pin)
                .map_err(|e| X0Error::os(format!("pinning map {mname}"), &e))?;
            let info = bpf::map_info(m.as_fd())
                .map_err(|e| X0Error::os(format!("querying map {mname}"), &e))?;
            maps.push(LoadedMap {
                reused: reused.contains(&mname),
                name: mname.clone(),
                id: info.id,
                map_type: info.map_type,
                pin: dir.join("maps").join(store::pin_name(&mname)),
            });
        }
        let mut replaced = false;
        if exists {
            // Move the old object aside, the new one in, then drop the old pins. Its maps live
            // on where --reuse-maps took them over. Killed between the two renames, the next
            // command puts `_old-…` back (Store::recover): the object is never lost.
            let old = format!("_old-{name}-{}", std::process::id());
            store::rename_in(&store.base, name.as_ref(), old.as_ref())
                .map_err(|e| X0Error::os(format!("moving {} aside", dir.display()), &e))?;
            if let Err(e) = store::rename_in(&store.base, staging_name.as_ref(), name.as_ref()) {
                let _ = store::rename_in(&store.base, old.as_ref(), name.as_ref());
                return Err(X0Error::os(
                    format!("moving new pins to {}", dir.display()),
                    &e,
                ));
            }
            let _ = store::remove_tree(&store.base.join(&old));
            replaced = true;
        } else if let Err(e) = store::rename_in(&store.base, staging_name.as_ref(), name.as_ref()) {
            let err = if e.raw_os_error() == Some(libc::ENOTEMPTY)
                || e.raw_os_error() == Some(libc::EEXIST)
            {
                X0Error::new(
                    ErrorKind::Conflict,
                    format!("an object named {name} appeared while loading (another x0bpf?)"),
                )
            } else {
                X0Error::os(format!("moving pins to {}", dir.display()), &e)
            };
            return Err(err);
        }
        Ok(Loaded {
            name: name.clone(),
            origin: src.origin.clone(),
            dir: dir.clone(),
            programs,
            maps,
            replaced,
        })
    })();
    if result.is_err() {
        let _ = store::remove_tree(&staging);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_from_libbpf_rs_errors() {
        let e = libbpf_rs::Error::from(std::io::Error::from_raw_os_error(libc::EACCES));
        assert_eq!(libbpf_errno(&e), Some(libc::EACCES));
    }

    #[test]
    fn verifier_tail_takes_the_load_log() {
        let log: Vec<String> = [
            "libbpf: prog 'p': BPF program load failed: Permission denied",
            "libbpf: prog 'p': -- BEGIN PROG LOAD LOG --",
            "0: (61) r1 = *(u32 *)(r1 +0)",
            "invalid access to packet",
            "processed 2 insns",
            "libbpf: prog 'p': -- END PROG LOAD LOG --",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            verifier_tail(&log, 6),
            vec!["0: (61) r1 = *(u32 *)(r1 +0)", "invalid access to packet"]
        );
        assert_eq!(failing_prog(&log).as_deref(), Some("p"));
    }
}
