//! `x0bpf completions SHELL`: the shell's registration script for dynamic completion. The
//! script calls x0bpf back (`COMPLETE=<shell> x0bpf -- <words>`) for every Tab, so candidates
//! come from the system as it is now: interfaces (of the `--netns` namespace when one is on the
//! line), namespace names, embedded and loaded objects and their programs, pins.
use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};

use crate::obj::source;
use crate::store::DEFAULT_BPFFS;
use crate::sys::{netlink, ns};

/// The environment variable the registration scripts set when they call x0bpf back.
pub const COMPLETE_VAR: &str = "COMPLETE";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh or fish
    pub shell: Shell,
}

pub fn generate(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let sh: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
    };
    sh.write_registration(COMPLETE_VAR, "x0bpf", "x0bpf", "x0bpf", out)
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    generate(args.shell, &mut std::io::stdout().lock())?;
    Ok(())
}

/// The value of a global option on the command line being completed (`--opt V` or
/// `--opt=V`); the completion process is called as `x0bpf -- x0bpf <words…>`.
fn option_on_line(opt: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let eq = format!("{opt}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == opt {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix(&eq).map(str::to_string)
        }
    })
}

fn matching(current: &OsStr, mut names: Vec<String>, help: &str) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| n.starts_with(cur.as_ref()))
        .map(|n| CompletionCandidate::new(n).help(Some(help.to_string().into())))
        .collect()
}

/// Interface names, from the kernel (netlink), in the `--netns` namespace when one is given.
pub fn ifaces(current: &OsStr) -> Vec<CompletionCandidate> {
    if let Some(netns) = option_on_line("--netns") {
        // This process only completes: entering the namespace affects nothing else.
        if ns::enter_netns(&netns).is_err() {
            return Vec::new();
        }
    }
    let names = netlink::list_links()
        .map(|l| l.into_iter().map(|l| l.name).collect())
        .unwrap_or_default();
    matching(current, names, "interface")
}

/// Named network namespaces (`ip netns list`).
pub fn netns_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = std::fs::read_dir("/run/netns")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    matching(current, names, "network namespace")
}

/// Objects x0bpf loaded: the directories of the pin directory (read directly, no lock).
fn loaded_names() -> Vec<String> {
    let root = option_on_line("--bpffs").unwrap_or_else(|| DEFAULT_BPFFS.to_string());
    let base = option_on_line("--pin-dir").unwrap_or_else(|| crate::store::DEFAULT_BASE.into());
    let dir = std::path::Path::new(&root).join(base);
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('_'))
                .collect()
        })
        .unwrap_or_default()
}

/// Names of loaded objects (`unload`, `stats`, `list`).
pub fn loaded(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(current, loaded_names(), "loaded object")
}

/// An OBJECT argument: embedded objects, then files.
pub fn objects(current: &OsStr) -> Vec<CompletionCandidate> {
    let embedded = source::names().into_iter().map(str::to_string).collect();
    let mut v = matching(current, embedded, "embedded object");
    v.extend(PathCompleter::any().complete(current));
    v
}

/// `--prog OBJECT[:PROGRAM]`: embedded and loaded objects, and `OBJECT:PROGRAM` for the
/// programs of loaded ones; then files.
pub fn progs(current: &OsStr) -> Vec<CompletionCandidate> {
    let root = option_on_line("--bpffs").unwrap_or_else(|| DEFAULT_BPFFS.to_string());
    let base = option_on_line("--pin-dir").unwrap_or_else(|| crate::store::DEFAULT_BASE.into());
    let mut names: Vec<String> = source::names().into_iter().map(str::to_string).collect();
    for obj in loaded_names() {
        let progs = std::path::Path::new(&root)
            .join(&base)
            .join(&obj)
            .join("progs");
        if let Ok(d) = std::fs::read_dir(progs) {
            names.extend(
                d.flatten()
                    .map(|e| format!("{obj}:{}", e.file_name().to_string_lossy())),
            );
        }
        names.push(obj);
    }
    let mut v = matching(current, names, "object or OBJECT:PROGRAM");
    v.extend(PathCompleter::file().complete(current));
    v
}

/// `list` targets: loaded objects, then pins under bpffs.
pub fn list_targets(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut v = loaded(current);
    v.extend(PathCompleter::any().complete(current));
    v
}
