//! `x0bpf feature`: what this kernel offers BPF, short: version, BTF, JIT, lockdown, mounts,
//! unprivileged BPF, and which program types, map types and attach kinds work.
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::{note, table, Report};
use crate::probe::{self, KernelVersion, Lockdown, Probe, Probes, Support};
use crate::sys::mounts;
use crate::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
pub struct FeatureReport {
    pub kernel: KernelVersion,
    pub btf: BtfFeature,
    pub jit: Jit,
    pub lockdown: Lockdown,
    pub bpffs: Mount,
    pub tracefs: Mount,
    pub unprivileged_bpf: Unprivileged,
    /// Why the bpf() probes answer "unknown", when they could not run.
    pub probe_error: Option<String>,
    pub attach: Vec<Named>,
    pub program_types: Vec<Named>,
    pub map_types: Vec<Named>,
}

#[derive(Serialize)]
pub struct BtfFeature {
    pub vmlinux: bool,
    pub path: &'static str,
    pub types: Option<usize>,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct Jit {
    /// /proc/sys/net/core/bpf_jit_enable: 0 off, 1 on, 2 on with debug output.
    pub enable: Option<u32>,
    pub enabled: Option<bool>,
    /// CONFIG_BPF_JIT_ALWAYS_ON: the interpreter is not built in, so JIT cannot be turned off.
    pub always_on: Probe,
    /// /proc/sys/net/core/bpf_jit_harden: 0 off, 1 unprivileged only, 2 everyone.
    pub harden: Option<u32>,
}

#[derive(Serialize)]
pub struct Mount {
    pub path: PathBuf,
    pub mounted: bool,
}

#[derive(Serialize)]
pub struct Unprivileged {
    /// /proc/sys/kernel/unprivileged_bpf_disabled: 0 allowed, 1 off until reboot, 2 off.
    pub disabled: Option<u32>,
    pub allowed: Option<bool>,
    pub meaning: String,
}

#[derive(Serialize)]
pub struct Named {
    pub name: String,
    pub supported: Support,
    pub detail: Option<String>,
}

fn named(name: impl Into<String>, p: Probe) -> Named {
    Named {
        name: name.into(),
        supported: p.supported,
        detail: p.detail,
    }
}

fn sysctl(path: &str) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

pub fn run(_args: &Args, ctx: &Ctx) -> anyhow::Result<FeatureReport> {
    // Dozens of probe loads and a scan of vmlinux BTF: seconds on a slow machine.
    let _busy = crate::output::busy("probing the kernel");
    let probes = Probes::new();
    Ok(collect(&probes, &ctx.bpffs))
}

/// Everything `feature` reports, from a shared probe cache (validate reuses the same probes).
pub fn collect(probes: &Probes, bpffs: &Path) -> FeatureReport {
    let (types, error) = match probes.vmlinux_names() {
        Ok(b) => (Some(b.len()), None),
        Err(e) => (None, Some(e)),
    };
    let btf = BtfFeature {
        vmlinux: types.is_some(),
        path: probe::VMLINUX_BTF,
        types,
        error,
    };

    let enable = sysctl("/proc/sys/net/core/bpf_jit_enable");
    let always_on = match probes.config() {
        Some(c) if c.enabled("CONFIG_BPF_JIT_ALWAYS_ON") => Probe {
            supported: Support::Yes,
            detail: Some(format!("CONFIG_BPF_JIT_ALWAYS_ON=y in {}", c.source)),
        },
        Some(c) => Probe {
            supported: Support::No,
            detail: Some(format!(
                "CONFIG_BPF_JIT_ALWAYS_ON is not set in {}",
                c.source
            )),
        },
        None => Probe {
            supported: Support::Unknown,
            detail: Some("kernel config not available (/proc/config.gz, /boot)".into()),
        },
    };
    let jit = Jit {
        enable,
        enabled: enable.map(|v| v != 0),
        always_on,
        harden: sysctl("/proc/sys/net/core/bpf_jit_harden"),
    };

    let disabled = sysctl("/proc/sys/kernel/unprivileged_bpf_disabled");
    let unprivileged_bpf = Unprivileged {
        disabled,
        allowed: disabled.map(|d| d == 0),
        meaning: match disabled {
            Some(0) => "allowed: unprivileged users may load socket filters".into(),
            Some(1) => "disabled until reboot (unprivileged_bpf_disabled=1)".into(),
            Some(2) => "disabled; root may re-enable it (unprivileged_bpf_disabled=2)".into(),
            Some(n) => format!("unprivileged_bpf_disabled={n}"),
            None => "unknown (/proc/sys/kernel/unprivileged_bpf_disabled unreadable)".into(),
        },
    };

    let tracefs_dir = Path::new(mounts::TRACEFS_DIR);
    let tracefs = Mount {
        path: tracefs_dir.to_path_buf(),
        mounted: mounts::is_tracefs(tracefs_dir)
            || Path::new("/sys/kernel/debug/tracing/events").is_dir(),
    };
    let bpffs = Mount {
        path: bpffs.to_path_buf(),
        mounted: mounts::is_bpffs(bpffs),
    };

    let xdp = probes.prog_type(libbpf_sys::BPF_PROG_TYPE_XDP);
    let xdp = if xdp.is_yes() {
        Probe {
            supported: Support::Yes,
            detail: Some(
                "generic (skb) mode on every interface; native (drv) and offload (hw) depend \
                 on the NIC driver"
                    .into(),
            ),
        }
    } else {
        xdp
    };
    let tracepoint = {
        let p = probes.prog_type(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT);
        if p.is_yes() && !probes.pmu("tracepoint") {
            Probe {
                supported: Support::No,
                detail: Some("no tracepoint PMU (CONFIG_TRACEPOINTS)".into()),
            }
        } else {
            p
        }
    };
    let lsm = {
        let f = probes.fentry();
        match probes.lsm_list() {
            Some(l) if !l.split(',').any(|x| x == "bpf") => Probe {
                supported: Support::No,
                detail: Some(format!("bpf is not an active LSM ({l})")),
            },
            _ if !f.is_yes() => Probe {
                supported: f.supported,
                detail: Some(format!(
                    "needs BPF trampolines: {}",
                    f.detail.unwrap_or_default()
                )),
            },
            Some(l) => Probe {
                supported: Support::Yes,
                detail: Some(format!("active LSMs: {l}")),
            },
            None => Probe {
                supported: Support::Unknown,
                detail: Some("the LSM list could not be read (securityfs)".into()),
            },
        }
    };
    let attach = vec![
        named("xdp", xdp),
        named("tcx", probes.tcx()),
        named("clsact", probes.clsact()),
        named("tracepoint", tracepoint),
        named(
            "raw_tracepoint",
            probes.prog_type(libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT),
        ),
        named("kprobe", probes.kprobes()),
        named("kprobe_multi", probes.kprobe_multi()),
        named("uprobe", probes.uprobes()),
        named("fentry", probes.fentry()),
        named("lsm", lsm),
    ];

    let program_types = probe::all_prog_types()
        .into_iter()
        .map(|(t, n)| named(n, probes.prog_type(t)))
        .collect();
    let map_types = probe::all_map_types()
        .into_iter()
        .map(|(t, n)| named(n, probes.map_type(t)))
        .collect();

    FeatureReport {
        kernel: probes.version().clone(),
        btf,
        jit,
        lockdown: probes.lockdown().clone(),
        bpffs,
        tracefs,
        unprivileged_bpf,
        probe_error: probes.cannot_probe().map(str::to_string),
        attach,
        program_types,
        map_types,
    }
}

fn yes_no(b: Option<bool>, yes: &str, no: &str) -> String {
    match b {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "unknown".into(),
    }
}

fn detail(d: &Option<String>) -> String {
    d.as_deref().map(|s| format!(" ({s})")).unwrap_or_default()
}

impl Report for FeatureReport {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let w = 18;
        writeln!(
            out,
            "{:w$}{} ({})",
            "kernel", self.kernel.release, self.kernel.machine
        )?;
        match (&self.btf.types, &self.btf.error) {
            (Some(n), _) => writeln!(out, "{:w$}yes: {} ({n} types)", "btf", self.btf.path)?,
            (None, e) => writeln!(out, "{:w$}no: {}", "btf", e.as_deref().unwrap_or(""))?,
        }
        writeln!(
            out,
            "{:w$}{}{}, always on: {}{}, hardening: {}",
            "jit",
            yes_no(self.jit.enabled, "enabled", "disabled"),
            self.jit
                .enable
                .map(|v| format!(" (bpf_jit_enable={v})"))
                .unwrap_or_default(),
            self.jit.always_on.supported.as_str(),
            detail(&self.jit.always_on.detail),
            self.jit
                .harden
                .map(|v| v.to_string())
                .unwrap_or_else(|| "unknown".into())
        )?;
        writeln!(
            out,
            "{:w$}{} (from {})",
            "lockdown",
            self.lockdown.mode.as_deref().unwrap_or("unknown"),
            self.lockdown.source
        )?;
        for (name, m) in [("bpffs", &self.bpffs), ("tracefs", &self.tracefs)] {
            writeln!(
                out,
                "{:w$}{} at {}",
                name,
                if m.mounted { "mounted" } else { "not mounted" },
                m.path.display()
            )?;
        }
        writeln!(
            out,
            "{:w$}{}",
            "unprivileged bpf", self.unprivileged_bpf.meaning
        )?;
        if let Some(e) = &self.probe_error {
            note(out, &format!("\nnote: {e}"))?;
        }

        note(out, "\nattach kinds:")?;
        let mut t = table(["KIND", "SUPPORTED", "DETAIL"]);
        for a in &self.attach {
            t.add_row(vec![
                a.name.clone(),
                a.supported.as_str().to_string(),
                a.detail.clone().unwrap_or_default(),
            ]);
        }
        writeln!(out, "{t}")?;
        for (title, rows) in [
            ("program types", &self.program_types),
            ("map types", &self.map_types),
        ] {
            let yes: Vec<&str> = rows
                .iter()
                .filter(|r| r.supported == Support::Yes)
                .map(|r| r.name.as_str())
                .collect();
            note(
                out,
                &format!("\n{title}: {} of {} supported", yes.len(), rows.len()),
            )?;
            writeln!(
                out,
                "  yes: {}",
                if yes.is_empty() {
                    "none".to_string()
                } else {
                    yes.join(" ")
                }
            )?;
            for s in [Support::No, Support::Unknown] {
                let these: Vec<&str> = rows
                    .iter()
                    .filter(|r| r.supported == s)
                    .map(|r| r.name.as_str())
                    .collect();
                if !these.is_empty() {
                    writeln!(out, "  {}: {}", s.as_str(), these.join(" "))?;
                }
            }
        }
        Ok(())
    }
}
