//! BTF: the object's own BTF, and the target kernel's.
use super::*;

pub(crate) fn check_object_btf(parsed: &ParsedObject) -> Check {
    let info = &parsed.info;
    let b = &info.btf;
    let has_section = |n: &str| info.sections.iter().any(|s| s.name == n);
    // What libbpf cannot do without object BTF (libbpf_needs_btf()).
    let needs: Vec<&str> = [".maps", ".kconfig", ".struct_ops", ".struct_ops.link"]
        .into_iter()
        .filter(|n| has_section(n))
        .collect();
    let mut d = Vec::new();
    if !b.present {
        let status = if needs.is_empty() {
            Status::Warn
        } else {
            Status::Fail
        };
        let mut m = "no .BTF section (compiled without -g): no CO-RE, no BTF-defined maps, no source lines in verifier errors".to_string();
        if !needs.is_empty() {
            m = format!(
                "no .BTF section, but libbpf needs it for {}: compile with -g",
                needs.join(", ")
            );
        }
        d.push(Detail::new(status, m).subject(".BTF"));
        return Check::from_details("object-btf", String::new(), d);
    }
    if let Some(err) = &b.error {
        if err.starts_with(".BTF.ext") {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!("corrupt {err}: libbpf ignores it, so CO-RE relocations and line info are lost"),
                )
                .subject(".BTF.ext"),
            );
        } else {
            let status = if needs.is_empty() {
                Status::Warn
            } else {
                Status::Fail
            };
            let consequence = if needs.is_empty() {
                "libbpf ignores it and loads without BTF".to_string()
            } else {
                format!(
                    "libbpf needs it for {} and refuses the object",
                    needs.join(", ")
                )
            };
            d.push(Detail::new(status, format!("corrupt {err}: {consequence}")).subject(".BTF"));
        }
        return Check::from_details("object-btf", String::new(), d);
    }
    if !b.ext_present {
        d.push(
            Detail::new(
                Status::Warn,
                "no .BTF.ext section: no func/line info (verifier errors without source lines) and no CO-RE",
            )
            .subject(".BTF.ext"),
        );
    }
    for p in loadable(info) {
        let mut missing = Vec::new();
        if !p.func_info {
            missing.push("func info");
        }
        if p.line_info == 0 {
            missing.push("line info");
        }
        if !missing.is_empty() && b.ext_present {
            d.push(
                Detail::new(
                    Status::Warn,
                    format!("{} has no {}", p.name, missing.join(" and ")),
                )
                .program(p.name.clone()),
            );
        }
    }
    Check::from_details(
        "object-btf",
        format!(
            ".BTF ({} types) and .BTF.ext ({} func info, {} line info, {}) are well-formed; every program has func and line info",
            b.types,
            b.func_info,
            b.line_info,
            plural(b.core_relocations.len(), "CO-RE relocation", "CO-RE relocations")
        ),
        d,
    )
}

pub(crate) fn check_target_btf(info: &ObjectInfo, target: &Target) -> Check {
    let t = &target.info;
    let needs_core = !info.btf.core_relocations.is_empty();
    match (&target.btf, &t.error) {
        (Some(_), _) => {
            let what = match t.format {
                "kernel" => "running kernel's BTF",
                "raw" => "raw BTF",
                _ => ".BTF of ELF file",
            };
            Check::from_details(
                "target-btf",
                format!(
                    "{what} {} ({} types): CO-RE possible",
                    t.source,
                    t.types.unwrap_or(0)
                ),
                vec![],
            )
        }
        (None, e) => {
            let why = e.clone().unwrap_or_else(|| "no target BTF".into());
            let d = if needs_core {
                Detail::new(
                    Status::Fail,
                    format!(
                        "{why}: CO-RE impossible, and the object has {}; pass --btf FILE with this kernel's BTF",
                        plural(info.btf.core_relocations.len(), "CO-RE relocation", "CO-RE relocations")
                    ),
                )
            } else {
                Detail::new(
                    Status::Warn,
                    format!("{why}: CO-RE impossible (this object needs none)"),
                )
            };
            Check::from_details("target-btf", String::new(), vec![d])
        }
    }
}
