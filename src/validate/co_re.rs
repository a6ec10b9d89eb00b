//! CO-RE relocations, resolved against the target BTF the way libbpf resolves them.
use super::*;

/// Where a relocation sits, as a person would look for it: the program and its instruction,
/// or a subprogram and the programs that call it.
pub(crate) fn relo_place(info: &ObjectInfo, r: &CoreRelocInfo) -> (Option<String>, String, u32) {
    let f = r.function.as_deref();
    if let Some(p) = info
        .programs
        .iter()
        .find(|p| Some(p.name.as_str()) == f && p.section == r.section)
    {
        let insn = r.insn.saturating_sub(p.start_insn as u32);
        return (
            Some(p.name.clone()),
            format!("{} insn {insn}", p.name),
            insn,
        );
    }
    match f {
        Some(f) => {
            let callers: Vec<&str> = loadable(info)
                .filter(|p| p.calls.iter().any(|c| c == f))
                .map(|p| p.name.as_str())
                .collect();
            let by = if callers.is_empty() {
                String::new()
            } else {
                format!(", called by {}", callers.join(", "))
            };
            (
                (!callers.is_empty()).then(|| callers.join(",")),
                format!("{f} ({} insn {}{by})", r.section, r.insn),
                r.insn,
            )
        }
        None => (None, format!("{} insn {}", r.section, r.insn), r.insn),
    }
}

pub(crate) fn is_existence(k: CoreReloKind) -> bool {
    matches!(
        k,
        CoreReloKind::FieldExists
            | CoreReloKind::TypeExists
            | CoreReloKind::TypeMatches
            | CoreReloKind::EnumvalExists
    )
}

pub(crate) fn check_core(parsed: &ParsedObject, target: &Target) -> Check {
    let info = &parsed.info;
    let relos = &info.btf.core_relocations;
    if relos.is_empty() {
        // Without CO-RE, reads of kernel structs use the offsets of the headers the object was
        // built against.
        let mut d = Vec::new();
        for p in loadable(info) {
            let reads: Vec<&str> = p
                .helpers
                .iter()
                .map(String::as_str)
                .filter(|h| KERNEL_READ_HELPERS.contains(h))
                .collect();
            if !reads.is_empty() {
                d.push(
                    Detail::new(
                        Status::Warn,
                        format!(
                            "{} reads kernel memory ({}) without CO-RE: struct offsets are fixed at compile time and may be wrong on this kernel; use BPF_CORE_READ() or preserve_access_index",
                            p.name,
                            reads.join(", ")
                        ),
                    )
                    .program(p.name.clone())
                    .subject(reads.join(",")),
                );
            }
        }
        return Check::from_details("co-re", "no CO-RE relocations to resolve".into(), d);
    }
    let (Some(local), Some(tbtf)) = (&parsed.btf, &target.btf) else {
        let why = if parsed.btf.is_none() {
            "the object's .BTF is unusable".to_string()
        } else {
            format!(
                "no target BTF ({})",
                target.info.error.as_deref().unwrap_or("unavailable")
            )
        };
        return Check::from_details(
            "co-re",
            String::new(),
            vec![Detail::new(
                Status::Fail,
                format!(
                    "{} cannot be resolved: {why}",
                    plural(relos.len(), "CO-RE relocation", "CO-RE relocations")
                ),
            )],
        );
    };
    let mut d = Vec::new();
    let mut used_modules: Vec<String> = Vec::new();
    let mut per_section: std::collections::HashMap<&str, u32> = Default::default();
    for r in relos {
        let (prog, place, insn) = relo_place(info, r);
        // libbpf numbers CO-RE records per ELF section ("relo #N").
        let idx = per_section.entry(r.section.as_str()).or_default();
        let relo_idx = *idx;
        *idx += 1;
        let res = btf::resolve_core_relo_with_modules(local, &r.relo, tbtf, || {
            target.modules().modules.as_slice()
        });
        let mk = |status: Status, msg: String| {
            let mut x = Detail::new(status, msg)
                .insn(insn)
                .subject(r.access.clone());
            x.program = prog.clone();
            x.function = r.function.clone();
            x.relo = Some(relo_idx);
            x
        };
        d.push(match res {
            CoreResolution::Resolved {
                description,
                value,
                module,
                ..
            } => {
                let mut x = mk(Status::Pass, format!("{place}: {description}"));
                x.value = Some(value);
                if let Some(m) = &module {
                    if !used_modules.contains(m) {
                        used_modules.push(m.clone());
                    }
                }
                x.module = module;
                x
            }
            CoreResolution::Ambiguous { reason } => {
                mk(Status::Fail, format!("{place}: ambiguous: {reason}"))
            }
            CoreResolution::NotFound { reason } => {
                // libbpf poisons an unresolvable instruction instead of failing the load; code
                // behind an existence check of the same thing is then dead and verifies.
                let guarded = !is_existence(r.relo.kind)
                    && relos.iter().any(|o| {
                        is_existence(o.relo.kind)
                            && o.section == r.section
                            && o.relo.type_id == r.relo.type_id
                            && o.relo.access_str == r.relo.access_str
                    });
                if guarded {
                    mk(
                        Status::Warn,
                        format!(
                            "{place}: {reason}; guarded by an existence check (bpf_core_*_exists), so libbpf poisons the instruction and it must stay unreachable"
                        ),
                    )
                } else {
                    // A module BTF that could not be read may be where the type lives.
                    let skipped = target
                        .modules
                        .get()
                        .filter(|m| !m.errors.is_empty())
                        .map_or(String::new(), |m| {
                            format!(
                                " (module BTF skipped: {})",
                                m.errors.join("; ")
                            )
                        });
                    mk(Status::Fail, format!("{place}: {reason}{skipped}"))
                }
            }
        });
    }
    let all = if relos.len() == 1 {
        "the CO-RE relocation resolves".to_string()
    } else {
        format!("all {} CO-RE relocations resolve", relos.len())
    };
    let against = if used_modules.is_empty() {
        target.info.source.clone()
    } else {
        format!(
            "{} and module BTF ({})",
            target.info.source,
            used_modules.join(", ")
        )
    };
    Check::from_details("co-re", format!("{all} against {against}"), d)
}
