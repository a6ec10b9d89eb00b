//! `x0bpf completions SHELL`: the shell's registration script for dynamic completion. The
//! script calls x0bpf back (`COMPLETE=<shell> x0bpf -- <words>`) for every Tab, so candidates
//! come from the system as it is now: interfaces (of the `--netns` namespace when one is on the
//! line), namespace names, embedded and loaded objects and their programs, pins.
use std::ffi::OsStr;
use std::io::Write;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};
use clap_complete::env::{EnvCompleter, Fish, Zsh};

use crate::obj::source;
use crate::store::DEFAULT_BPFFS;
use crate::sys::{netlink, ns};

/// The command as the completion engine sees it. clap_complete offers hidden subcommands when
/// the typed prefix matches nothing else (`x0bpf co<Tab>`), and `help`'s list copies them
/// unhidden: their names are made untypable here (completion only; parsing is unaffected).
pub fn command_for_completion() -> clap::Command {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let hidden: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    for name in hidden {
        cmd = cmd.mut_subcommand(&name, |s| s.name(format!("\u{1}{name}")));
    }
    cmd
}

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

/// bash's registration. clap_complete's splits words as bash does, at every character of
/// COMP_WORDBREAKS — `:` and `=` included — so `--prog obj:<Tab>` and `--bpffs=/x unload <Tab>`
/// reached x0bpf as broken words. This one rebuilds the words from COMP_LINE up to the cursor
/// (split at blanks only), hands them to x0bpf, and strips from each candidate the part of the
/// word bash keeps (what precedes its own current word, `$2`).
const BASH: &str = r#"_clap_complete_x0bpf() {
    local IFS=$'\013'
    local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
    if compopt +o nospace 2> /dev/null; then
        local _CLAP_COMPLETE_SPACE=false
    else
        local _CLAP_COMPLETE_SPACE=true
    fi
    # Words split at blanks only: `obj:prog` and `--bpffs=/x` stay one word.
    local line="${COMP_LINE:0:COMP_POINT}"
    local words
    IFS=$' \t\n' read -r -a words <<< "$line"
    if [[ -z "$line" || "$line" =~ [[:space:]]$ ]]; then
        words+=("")
    fi
    local cur="${words[${#words[@]}-1]}"
    local _CLAP_COMPLETE_INDEX=$(( ${#words[@]} - 1 ))
    COMPREPLY=( $( \
        _CLAP_IFS="$IFS" \
        _CLAP_COMPLETE_INDEX="$_CLAP_COMPLETE_INDEX" \
        _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
        _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
        COMPLETE="bash" \
        "x0bpf" -- "${words[@]}" \
    ) )
    if [[ $? != 0 ]]; then
        unset COMPREPLY
        return
    fi
    # bash replaces only its own current word ($2, after the last `:` or `=`): drop the rest.
    local keep="${cur:0:${#cur}-${#2}}"
    if [[ -n "$keep" ]]; then
        local i
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]="${COMPREPLY[i]#"$keep"}"
        done
    fi
    if [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _clap_complete_x0bpf x0bpf
else
    complete -o nospace -o bashdefault -F _clap_complete_x0bpf x0bpf
fi
"#;

pub fn generate(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let sh: &dyn EnvCompleter = match shell {
        Shell::Bash => return out.write_all(BASH.as_bytes()),
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
    // A name from `ip netns` or a path (/proc/PID/ns/net): enter_netns takes both.
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
    let mut v = matching(current, names, "network namespace");
    let cur = current.to_string_lossy();
    if cur.starts_with('/') || cur.starts_with('.') {
        v.extend(PathCompleter::any().complete(current));
    }
    v
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
    v.extend(object_files(current));
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
    v.extend(object_files(current));
    v
}

/// BPF object files: `.o` files and directories (to descend into), nothing else.
fn object_files(current: &OsStr) -> Vec<CompletionCandidate> {
    PathCompleter::any()
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "o"))
        .complete(current)
}

/// `list` targets: loaded objects, then pins under bpffs.
pub fn list_targets(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut v = loaded(current);
    v.extend(PathCompleter::any().complete(current));
    v
}
