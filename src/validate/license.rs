//! License: GPL-only helpers need a GPL-compatible license string (the kernel's exact list).
use super::*;

/// Helpers that read kernel memory at an address the program computes: without CO-RE the
/// offsets are those of the headers the object was compiled against.
pub(crate) const KERNEL_READ_HELPERS: [&str; 4] = [
    "bpf_probe_read",
    "bpf_probe_read_str",
    "bpf_probe_read_kernel",
    "bpf_probe_read_kernel_str",
];

pub(crate) fn check_license(info: &ObjectInfo) -> Check {
    let gpl = info
        .license
        .as_deref()
        .is_some_and(license_is_gpl_compatible);
    if gpl {
        return Check::from_details(
            "license",
            format!(
                "GPL-compatible (\"{}\")",
                info.license.as_deref().unwrap_or_default()
            ),
            vec![],
        );
    }
    // The verifier refuses gpl_only helpers and every kfunc for non-GPL programs.
    let mut calls = Vec::new();
    for p in loadable(info) {
        for (id, name) in &p.calls_helper_ids {
            if helpers::by_id(*id).is_some_and(|h| h.gpl_only) {
                calls.push(
                    Detail::new(
                        Status::Fail,
                        format!(
                            "{} calls {name}, which the kernel reserves for GPL-compatible programs",
                            p.name
                        ),
                    )
                    .program(p.name.clone())
                    .subject(name.clone()),
                );
            }
        }
        for k in &p.kfuncs {
            calls.push(
                Detail::new(
                    Status::Fail,
                    format!(
                        "{} calls kernel function {k}; kfuncs are only for GPL-compatible programs",
                        p.name
                    ),
                )
                .program(p.name.clone())
                .subject(k.clone()),
            );
        }
    }
    let accepted = GPL_COMPATIBLE
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ");
    match &info.license {
        None => {
            let what = if calls.is_empty() {
                "the kernel treats the object as non-GPL".to_string()
            } else {
                format!(
                    "the kernel treats the object as non-GPL and refuses its {}",
                    plural(calls.len(), "GPL-only call", "GPL-only calls")
                )
            };
            failed_license(
                format!(
                    "no license section: {what}; add `char LICENSE[] SEC(\"license\") = \"GPL\";` (or \"Dual BSD/GPL\")"
                ),
                calls,
            )
        }
        Some(l) if calls.is_empty() => Check::from_details(
            "license",
            format!(
                "not GPL-compatible (\"{l}\"), and no program calls a GPL-only helper or kfunc"
            ),
            vec![],
        ),
        Some(l) => {
            let near_miss = l.to_ascii_lowercase().contains("gpl");
            let mut head = format!(
                "license \"{l}\" is not GPL-compatible, so {} will fail to load",
                plural(calls.len(), "GPL-only call", "GPL-only calls")
            );
            if near_miss {
                head.push_str(&format!(
                    "; the kernel compares the exact string and accepts only {accepted}"
                ));
            }
            failed_license(head, calls)
        }
    }
}

/// The verdict leads; the details list each refused call.
pub(crate) fn failed_license(message: String, calls: Vec<Detail>) -> Check {
    Check {
        name: "license",
        status: Status::Fail,
        message,
        details: calls,
    }
}

/// The kernel's own list (include/linux/license.h, license_is_gpl_compatible()): an exact,
/// case-sensitive string comparison.
pub const GPL_COMPATIBLE: [&str; 6] = [
    "GPL",
    "GPL v2",
    "GPL and additional rights",
    "Dual BSD/GPL",
    "Dual MIT/GPL",
    "Dual MPL/GPL",
];

pub fn license_is_gpl_compatible(license: &str) -> bool {
    GPL_COMPATIBLE.contains(&license)
}
