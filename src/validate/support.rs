//! Kernel support: program types, map types, helpers and attach kinds this kernel offers.
use super::*;

pub(crate) fn probe_detail(p: &Probe) -> String {
    p.detail.clone().unwrap_or_default()
}

/// A required feature: "no" fails, "unknown" warns.
pub(crate) fn require(d: &mut Vec<Detail>, prog: &str, what: String, subject: &str, p: &Probe) {
    let (status, msg) = match p.supported {
        Support::Yes => (Status::Pass, what),
        Support::No => (
            Status::Fail,
            format!("{what}, which this kernel lacks: {}", probe_detail(p)),
        ),
        Support::Unknown => (
            Status::Warn,
            format!("{what}; could not check: {}", probe_detail(p)),
        ),
    };
    d.push(Detail::new(status, msg).program(prog).subject(subject));
}

/// Whether kernel BTF has something (a `btf_trace_*` typedef, a function), as a probe result.
pub(crate) fn in_kernel_btf(
    vmlinux: &Result<std::rc::Rc<crate::obj::btf::Btf>, String>,
    what: &str,
    found: impl FnOnce(&crate::obj::btf::Btf) -> bool,
) -> Probe {
    match vmlinux {
        Ok(b) if found(b) => Probe {
            supported: Support::Yes,
            detail: None,
        },
        Ok(_) => Probe {
            supported: Support::No,
            detail: Some(format!("no {what} in kernel BTF")),
        },
        Err(e) => Probe {
            supported: Support::Unknown,
            detail: Some(e.clone()),
        },
    }
}

pub(crate) fn check_kernel(info: &ObjectInfo, probes: &Probes, other_target: bool) -> Check {
    let mut d = Vec::new();
    let vmlinux = probes.vmlinux();
    let mut helper_count = 0usize;
    for p in loadable(info) {
        let Some((pt, _at)) = crate::obj::names::prog_type_numbers(&p.section) else {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!(
                        "{}: libbpf does not know section \"{}\", so the program type is unknown; use a SEC() name from libbpf's list",
                        p.name, p.section
                    ),
                )
                .program(p.name.clone())
                .subject(p.section.clone()),
            );
            continue;
        };
        let tname = crate::obj::names::prog_type_name(pt);
        require(
            &mut d,
            &p.name,
            format!("{}: program type {tname}", p.name),
            &tname,
            &probes.prog_type(pt),
        );
        let target = AttachKind::target(&p.section);
        match AttachKind::of_section(&p.section) {
            AttachKind::Kprobe => require(
                &mut d,
                &p.name,
                format!("{} ({}) needs kprobes (CONFIG_KPROBES)", p.name, p.section),
                "CONFIG_KPROBES",
                &probes.kprobes(),
            ),
            AttachKind::KprobeMulti => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs kprobe_multi links (CONFIG_FPROBE)",
                    p.name, p.section
                ),
                "CONFIG_FPROBE",
                &probes.kprobe_multi(),
            ),
            AttachKind::Uprobe => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs uprobes (CONFIG_UPROBE_EVENTS)",
                    p.name, p.section
                ),
                "CONFIG_UPROBE_EVENTS",
                &probes.uprobes(),
            ),
            AttachKind::Tracepoint => {
                if let Some(tp) = target {
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs tracepoint {tp}", p.name),
                        tp,
                        &probes.tracepoint(tp),
                    );
                }
            }
            AttachKind::RawTracepoint | AttachKind::TpBtf => {
                if let Some(tp) = target {
                    // Every tracepoint has a `btf_trace_<name>` typedef in kernel BTF.
                    let name = format!("btf_trace_{tp}");
                    let p_ = in_kernel_btf(&vmlinux, &name, |b| !b.find_by_name(&name).is_empty());
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs raw tracepoint {tp}", p.name),
                        tp,
                        &p_,
                    );
                }
            }
            k @ (AttachKind::Trampoline | AttachKind::Lsm) => {
                require(
                    &mut d,
                    &p.name,
                    format!("{} ({}) needs BPF trampolines (fentry)", p.name, p.section),
                    "fentry",
                    &probes.fentry(),
                );
                if let Some(f) = target {
                    let func = if k == AttachKind::Lsm {
                        format!("bpf_lsm_{f}")
                    } else {
                        f.to_string()
                    };
                    let p_ = in_kernel_btf(&vmlinux, &format!("function {func}"), |b| {
                        probe::btf_func(b, &func).is_some()
                    });
                    require(
                        &mut d,
                        &p.name,
                        format!("{} attaches to kernel function {func}", p.name),
                        &func,
                        &p_,
                    );
                }
                if k == AttachKind::Lsm {
                    let p_ = match probes.lsm_list() {
                        Some(l) if l.split(',').any(|x| x == "bpf") => Probe {
                            supported: Support::Yes,
                            detail: None,
                        },
                        Some(l) => Probe {
                            supported: Support::No,
                            detail: Some(format!("active LSMs are {l}; add bpf to lsm=")),
                        },
                        None => Probe {
                            supported: Support::Unknown,
                            detail: Some("the LSM list could not be read".into()),
                        },
                    };
                    require(
                        &mut d,
                        &p.name,
                        format!("{} needs the BPF LSM", p.name),
                        "CONFIG_BPF_LSM",
                        &p_,
                    );
                }
            }
            AttachKind::Tcx => require(
                &mut d,
                &p.name,
                format!("{} ({}) needs tcx links (Linux 6.6)", p.name, p.section),
                "tcx",
                &probes.tcx(),
            ),
            AttachKind::Tc => require(
                &mut d,
                &p.name,
                format!(
                    "{} ({}) needs the clsact qdisc and cls_bpf",
                    p.name, p.section
                ),
                "clsact",
                &probes.clsact(),
            ),
            AttachKind::Xdp | AttachKind::Other => {}
        }
        for (id, name) in &p.calls_helper_ids {
            helper_count += 1;
            if helpers::by_id(*id).is_none() {
                d.push(
                    Detail::new(
                        Status::Fail,
                        format!("{} calls unknown helper {name}", p.name),
                    )
                    .program(p.name.clone())
                    .subject(name.clone()),
                );
                continue;
            }
            let h = probes.helper(pt, *id);
            // "unknown" only means libbpf cannot probe helpers for this program type.
            let status = match h.supported {
                Support::No => Status::Fail,
                _ => Status::Pass,
            };
            let msg = match h.supported {
                Support::No => format!(
                    "{} calls {name}, which this kernel does not offer to {tname} programs",
                    p.name
                ),
                Support::Yes => format!("{}: helper {name}", p.name),
                Support::Unknown => format!("{}: helper {name} ({})", p.name, probe_detail(&h)),
            };
            d.push(
                Detail::new(status, msg)
                    .program(p.name.clone())
                    .subject(name.clone()),
            );
        }
    }
    let mut map_types: Vec<(u32, String)> = Vec::new();
    for m in &info.maps {
        if m.definition == "legacy" || m.map_type == "unknown" {
            continue; // reported by the elf check
        }
        if m.map_type_number == 0 || m.map_type.starts_with("type#") {
            d.push(
                Detail::new(
                    Status::Fail,
                    format!("map {}: unknown map type {}", m.name, m.map_type_number),
                )
                .subject(m.name.clone()),
            );
            continue;
        }
        let p = probes.map_type(m.map_type_number);
        require(
            &mut d,
            "",
            format!("map {}: type {}", m.name, m.map_type),
            &m.map_type,
            &p,
        );
        if let Some(last) = d.last_mut() {
            last.program = None;
            last.subject = Some(m.name.clone());
        }
        if !map_types.iter().any(|(t, _)| *t == m.map_type_number) {
            map_types.push((m.map_type_number, m.map_type.clone()));
        }
    }
    let prog_types: std::collections::BTreeSet<String> =
        loadable(info).filter_map(|p| p.prog_type.clone()).collect();
    let mut needs = vec![
        format!(
            "program type{} {}",
            if prog_types.len() == 1 { "" } else { "s" },
            prog_types.into_iter().collect::<Vec<_>>().join(", ")
        ),
        "attach kind".to_string(),
        plural(helper_count, "helper call", "helper calls"),
    ];
    needs.push(if map_types.is_empty() {
        "no maps".to_string()
    } else {
        let names: Vec<&str> = map_types.iter().map(|(_, n)| n.as_str()).collect();
        let s = if names.len() == 1 { "" } else { "s" };
        format!("map type{s} {}", names.join(", "))
    });
    let mut pass = format!(
        "this kernel ({}) supports what the object needs: {}",
        probes.version().release,
        needs.join(", ")
    );
    if other_target {
        pass.push_str(" (probed on the running kernel, not the --btf kernel)");
    }
    Check::from_details("kernel-support", pass, d)
}
