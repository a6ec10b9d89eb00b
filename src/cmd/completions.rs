//! `x0bpf completions SHELL`: the shell's registration script for dynamic completion. The
//! script calls x0bpf back (`COMPLETE=<shell> x0bpf -- <words>`) for every Tab, so candidates
//! come from the system as it is now: interfaces (of the `--netns` namespace when one is on the
//! line), namespace names, embedded and loaded objects and their programs, pins; program and
//! map ids after `id` (`explain`, `bench`, `map …`, `tail`); `attach tc|xdp --prog` only
//! programs of that type; `stats` only objects it has a decoder for; `tail` only ring buffers
//! and perf event arrays.
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
/// programs of loaded ones; then files. Under `attach tc` only objects with tc programs and
/// tc programs (`attach xdp`: XDP), as their ELF or the kernel says.
pub fn progs(current: &OsStr) -> Vec<CompletionCandidate> {
    let (words, _) = line_words();
    let kind = words
        .iter()
        .position(|w| w == "attach")
        .and_then(|i| words[i + 1..].iter().find(|w| !w.starts_with('-')))
        .cloned();
    let types: &[&str] = match kind.as_deref() {
        Some("tc") => &["sched_cls", "sched_act"],
        Some("xdp") => &["xdp"],
        _ => &[],
    };
    let fits = |t: &str| types.is_empty() || types.contains(&t);
    let dir = pin_dir();
    let mut names: Vec<String> = source::names()
        .into_iter()
        .filter(|n| {
            types.is_empty()
                || source::embedded(n)
                    .and_then(|e| crate::obj::elf::parse(e.bytes, n).ok())
                    .is_some_and(|o| {
                        o.info
                            .programs
                            .iter()
                            .any(|p| p.prog_type.as_deref().is_some_and(fits))
                    })
        })
        .map(str::to_string)
        .collect();
    for obj in loaded_names() {
        let mut any = false;
        for p in dir_names(&dir.join(&obj).join("progs")) {
            // Left out only when the kernel says it is another type (a pin it cannot
            // read is offered: completion does not guess).
            let ok = types.is_empty()
                || crate::sys::bpf::obj_get(&dir.join(&obj).join("progs").join(&p))
                    .and_then(|fd| crate::sys::bpf::prog_info(std::os::fd::AsFd::as_fd(&fd)))
                    .map_or(true, |i| fits(&i.prog_type));
            if ok {
                names.push(format!("{obj}:{p}"));
                any = true;
            }
        }
        if any {
            names.push(obj);
        }
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

/// The words of the line being completed (`x0bpf -- x0bpf <words…>`: from the second
/// `x0bpf` on) and the index of the one under the cursor.
fn line_words() -> (Vec<String>, usize) {
    let args: Vec<String> = std::env::args().collect();
    let words: Vec<String> = match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 1..].to_vec(),
        None => Vec::new(),
    };
    let index = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse().ok())
        .unwrap_or(words.len().saturating_sub(1));
    (words, index)
}

/// The word before the one being completed.
fn previous_word() -> Option<String> {
    let (words, i) = line_words();
    i.checked_sub(1).and_then(|p| words.get(p).cloned())
}

fn pin_dir() -> std::path::PathBuf {
    let root = option_on_line("--bpffs").unwrap_or_else(|| DEFAULT_BPFFS.to_string());
    let base = option_on_line("--pin-dir").unwrap_or_else(|| crate::store::DEFAULT_BASE.into());
    std::path::Path::new(&root).join(base)
}

fn dir_names(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Ids of the kernel's programs or maps that pass `keep`, with their names as help.
fn kernel_ids(
    current: &OsStr,
    kind: crate::sys::bpf::ObjKind,
    keep: impl Fn(&std::os::fd::OwnedFd) -> Option<String>,
) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    crate::sys::bpf::all_ids(kind)
        .into_iter()
        .filter(|id| id.to_string().starts_with(cur.as_ref()))
        .filter_map(|id| {
            let fd = crate::sys::bpf::fd_by_id(kind, id).ok()?;
            let help = keep(&fd)?;
            Some(CompletionCandidate::new(id.to_string()).help(Some(help.into())))
        })
        .collect()
}

/// The reference keywords (`id`, `name`, `pinned`) that start with the current word.
fn keywords(current: &OsStr, what: &str) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    ["id", "name", "pinned"]
        .into_iter()
        .filter(|k| k.starts_with(cur.as_ref()))
        .map(|k| CompletionCandidate::new(k).help(Some(format!("a {what} by {k}").into())))
        .collect()
}

/// Pins under bpffs, when the word is a path.
fn pins(current: &OsStr) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    if cur.starts_with('/') || cur.starts_with('.') {
        PathCompleter::any().complete(current)
    } else {
        Vec::new()
    }
}

/// A program (`explain`, `bench`): after `id` the kernel's program ids, after `name` their
/// names, after `pinned` paths; otherwise the keywords, embedded and loaded objects and their
/// OBJECT:PROGRAM, object files and pins.
pub fn prog_targets(current: &OsStr) -> Vec<CompletionCandidate> {
    use crate::sys::bpf::{prog_info, ObjKind};
    match previous_word().as_deref() {
        Some("id") => {
            return kernel_ids(current, ObjKind::Prog, |fd| {
                prog_info(std::os::fd::AsFd::as_fd(fd))
                    .ok()
                    .map(|i| format!("{} {}", i.prog_type, i.name))
            })
        }
        Some("name") => {
            let names = crate::sys::bpf::all_ids(ObjKind::Prog)
                .into_iter()
                .filter_map(crate::sys::bpf::prog_name)
                .filter(|n| !n.is_empty())
                .collect();
            return matching(current, names, "program name");
        }
        Some("pinned" | "pin") => return PathCompleter::any().complete(current),
        _ => {}
    }
    let mut v = keywords(current, "program");
    v.extend(progs(current));
    v.extend(pins(current));
    v
}

/// A map (`map dump`, `tail`): after `id` the kernel's map ids (`tail`: ring buffers and perf
/// event arrays only), after `name` their names, after `pinned` paths; otherwise the keywords,
/// OBJECT/MAP of loaded objects and pins.
fn map_targets_of(current: &OsStr, records: bool) -> Vec<CompletionCandidate> {
    use crate::sys::bpf::{map_info, ObjKind};
    let keep = |t: &str| !records || matches!(t, "ringbuf" | "perf_event_array");
    match previous_word().as_deref() {
        Some("id") => {
            return kernel_ids(current, ObjKind::Map, |fd| {
                map_info(std::os::fd::AsFd::as_fd(fd))
                    .ok()
                    .filter(|i| keep(&i.map_type))
                    .map(|i| format!("{} {}", i.map_type, i.name))
            })
        }
        Some("name") => {
            let names = crate::sys::bpf::all_ids(ObjKind::Map)
                .into_iter()
                .filter_map(|id| {
                    let fd = crate::sys::bpf::fd_by_id(ObjKind::Map, id).ok()?;
                    map_info(std::os::fd::AsFd::as_fd(&fd)).ok()
                })
                .filter(|i| keep(&i.map_type) && !i.name.is_empty())
                .map(|i| i.name)
                .collect();
            return matching(current, names, "map name");
        }
        Some("pinned" | "pin") => return PathCompleter::any().complete(current),
        _ => {}
    }
    let mut v = keywords(current, "map");
    let dir = pin_dir();
    let mut names = Vec::new();
    for obj in loaded_names() {
        let maps = dir.join(&obj).join("maps");
        names.extend(
            dir_names(&maps)
                .into_iter()
                .filter(|m| {
                    !records
                        || crate::sys::bpf::obj_get(&maps.join(m))
                            .and_then(|fd| map_info(std::os::fd::AsFd::as_fd(&fd)))
                            .is_ok_and(|i| keep(&i.map_type))
                })
                .map(|m| format!("{obj}/{m}")),
        );
    }
    v.extend(matching(current, names, "OBJECT/MAP"));
    v.extend(pins(current));
    v
}

/// `map dump` (and the other map commands): any map.
pub fn map_targets(current: &OsStr) -> Vec<CompletionCandidate> {
    map_targets_of(current, false)
}

/// `tail`: maps of records.
pub fn record_maps(current: &OsStr) -> Vec<CompletionCandidate> {
    map_targets_of(current, true)
}

/// `stats`: the loaded objects it has a decoder for (by their maps, as `stats` decides).
pub fn stats_objects(current: &OsStr) -> Vec<CompletionCandidate> {
    let dir = pin_dir();
    let names = loaded_names()
        .into_iter()
        .filter(|o| {
            let maps = dir_names(&dir.join(o).join("maps"));
            let has = |m: &str| maps.iter().any(|x| x == m);
            (has("counts") && has("other_counts"))
                || (has("flows") && has("totals"))
                || (has("stats") && has("start"))
        })
        .collect();
    matching(current, names, "loaded object with stats")
}
