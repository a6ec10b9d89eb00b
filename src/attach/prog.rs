//! The program to attach: `--prog OBJECT[:PROGRAM]` resolved to a loaded x0bpf object (loading
//! a file or an embedded object first when needed), and undone again if the attach fails.
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use crate::error::{ErrorKind, X0Error};
use crate::store;
use crate::sys::bpf;

/// A program ready to attach: its fd, and which loaded object owns it.
pub struct ProgHandle {
    pub fd: OwnedFd,
    pub id: u32,
    pub name: String,
    pub object: String,
    pub object_dir: PathBuf,
    /// Loaded by this command: unloaded again if the attach fails, so nothing is half-done.
    pub loaded_now: bool,
}

impl ProgHandle {
    /// Undo the load this command did (after a failed attach).
    pub fn rollback(&self) {
        if self.loaded_now && store::entries(&self.object_dir.join("links")).is_empty() {
            let _ = store::remove_tree(&self.object_dir);
        }
    }
}

/// `--prog OBJECT[:PROGRAM]`: a loaded x0bpf object, a file, or an embedded object. Files and
/// embedded objects are loaded (and pinned) first unless already loaded under that name.
pub fn resolve_prog(
    store: &store::Store,
    spec: &str,
    name: Option<&str>,
    want: &[&str],
    what: &str,
) -> Result<ProgHandle, X0Error> {
    let (obj, prog) = match spec.rsplit_once(':') {
        Some((o, p)) if !o.is_empty() && !p.contains('/') && !p.is_empty() => (o, Some(p)),
        _ => (spec, None),
    };
    let mut loaded_now = false;
    // An object already loaded under the requested name (or under OBJECT itself) is used as is.
    let loaded_name = name.unwrap_or(obj);
    let is_loaded = |n: &str| store.is_loaded(n);
    let object = if is_loaded(loaded_name) && (name.is_none() || loaded_name == obj) {
        loaded_name.to_string()
    } else {
        let src = crate::obj::source::resolve(obj)?;
        let oname = name.map(str::to_string).unwrap_or_else(|| src.name.clone());
        store::check_name("object name", &oname)?;
        if is_loaded(&oname) {
            // Reusing a loaded object for a file is only right if it is that object.
            same_programs(store, &oname, &src)?;
        } else {
            let opts = crate::store::load::LoadOptions {
                name: Some(oname.clone()),
                ..Default::default()
            };
            match crate::store::load::load_and_pin(store, &src, &opts) {
                Ok(_) => loaded_now = true,
                // Another x0bpf loaded it at the same moment: use theirs.
                Err(e) if e.kind == ErrorKind::Conflict && store.is_loaded(&oname) => {}
                Err(e) => return Err(e),
            }
        }
        oname
    };
    let dir = store.dir(&object);
    let fail = |e: X0Error| -> Result<ProgHandle, X0Error> {
        if loaded_now {
            let _ = store::remove_tree(&dir);
        }
        Err(e)
    };
    let mut candidates = Vec::new();
    let mut others = Vec::new();
    for (pname, pin) in store::entries(&dir.join("progs")) {
        let info = bpf::obj_get(&pin).and_then(|fd| Ok((bpf::prog_info(fd.as_fd())?, fd)));
        let (info, fd) = match info {
            Ok(x) => x,
            Err(e) => {
                return fail(X0Error::os(
                    format!("opening pinned program {}", pin.display()),
                    &e,
                ))
            }
        };
        if prog.is_some_and(|p| p != pname) {
            continue;
        }
        if want.contains(&info.prog_type.as_str()) {
            candidates.push((pname, fd, info.id));
        } else {
            others.push(format!("{pname} ({})", info.prog_type));
        }
    }
    match candidates.len() {
        1 => {
            let (pname, fd, id) = candidates.pop().expect("one candidate");
            Ok(ProgHandle {
                fd,
                id,
                name: pname,
                object,
                object_dir: dir,
                loaded_now,
            })
        }
        0 if prog.is_some() && others.is_empty() => fail(
            X0Error::new(
                ErrorKind::NotFound,
                format!(
                    "object {object} has no program named {}",
                    prog.unwrap_or_default()
                ),
            )
            .hint(format!("see its programs with `x0bpf list {object}`")),
        ),
        0 => fail(
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "object {object} has no {what} program{}",
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (it has {})", others.join(", "))
                    }
                ),
            )
            .hint(format!(
                "attach {what} needs a program of type {}",
                want.join(" or ")
            )),
        ),
        _ => fail(
            X0Error::new(
                ErrorKind::Usage,
                format!(
                    "object {object} has several {what} programs: {}",
                    candidates
                        .iter()
                        .map(|c| c.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            // The object as given (a file or embedded object is loaded again, under --name),
            // so the suggested command works as it stands.
            .hint(format!(
                "pick one, e.g. `--prog {obj}:{}{}`",
                candidates[0].0,
                name.map(|n| format!(" --name {n}")).unwrap_or_default()
            )),
        ),
    }
}

/// `--name N` for a file when N is already loaded: fine if N holds the same programs,
/// otherwise a conflict (attaching N's programs would not be what was asked for).
fn same_programs(
    store: &store::Store,
    name: &str,
    src: &crate::obj::source::ObjectSource,
) -> Result<(), X0Error> {
    let parsed = crate::obj::elf::parse(&src.bytes, &src.origin)?;
    let mut want: Vec<String> = parsed
        .info
        .programs
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let mut have: Vec<String> = store::entries(&store.dir(name).join("progs"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    want.sort();
    have.sort();
    if want == have {
        return Ok(());
    }
    Err(X0Error::new(
        ErrorKind::Conflict,
        format!(
            "an object named {name} is already loaded with other programs ({}) than {} ({})",
            have.join(", "),
            src.origin,
            want.join(", ")
        ),
    )
    .hint(format!(
        "use another --name, or `x0bpf unload {name}` first"
    )))
}
