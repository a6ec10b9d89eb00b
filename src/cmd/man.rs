//! `x0bpf man DIR`: man pages generated from the clap definition, one per subcommand. A page
//! holds every option of its command and of the command's own subcommands (`attach xdp`'s
//! `--mode` is in x0bpf-attach(1)), the global options, EXAMPLES, EXIT STATUS, FILES and a SEE
//! ALSO that names only pages written here.
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use clap_mangen::Man;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write x0bpf.1 and x0bpf-<command>.1 into
    pub dir: PathBuf,
}

/// Roff text: backslashes and hyphens escaped, no line starting with a control character.
fn esc(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// SYNOPSIS with each option's value placeholder (`--bpffs DIR`), which clap_mangen leaves
/// out: a reader should not need the OPTIONS list to know that an option takes a value.
fn synopsis(buf: &mut Vec<u8>, cmd: &clap::Command) {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name());
    let mut line = format!(".SH SYNOPSIS\n\\fB{}\\fR", esc(name));
    let value = |a: &clap::Arg| {
        a.get_value_names()
            .map(|v| {
                v.iter()
                    .map(|n| format!("\\fI{}\\fR", esc(n)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| format!("\\fI{}\\fR", esc(&a.get_id().as_str().to_uppercase())))
    };
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let multiple = matches!(
            a.get_action(),
            clap::ArgAction::Append | clap::ArgAction::Count
        ) || a.get_num_args().is_some_and(|n| n.max_values() > 1);
        let takes = a.get_action().takes_values();
        let mut s = if a.is_positional() {
            value(a)
        } else {
            let mut names = Vec::new();
            if let Some(c) = a.get_short() {
                names.push(format!("\\fB\\-{}\\fR", esc(&c.to_string())));
            }
            if let Some(l) = a.get_long() {
                names.push(format!("\\fB\\-\\-{}\\fR", esc(l)));
            }
            let mut s = names.join("|");
            if takes {
                s.push(' ');
                s.push_str(&value(a));
            }
            s
        };
        if multiple {
            s.push_str("...");
        }
        line.push(' ');
        if a.is_required_set() {
            line.push_str(&if a.is_positional() {
                format!("<{s}>")
            } else {
                s
            });
        } else {
            line.push_str(&format!("[{s}]"));
        }
    }
    if cmd.has_subcommands() {
        line.push_str(" <\\fIsubcommand\\fR>");
    }
    line.push('\n');
    buf.extend_from_slice(line.as_bytes());
}

/// Examples per page: (what it does, the command line).
fn examples(command: &str) -> &'static [(&'static str, &'static str)] {
    match command {
        "" => &[
            ("Count packets on eth0 with the embedded XDP counter, then stop", "x0bpf attach xdp eth0 && x0bpf stats && x0bpf detach xdp eth0"),
            ("Programs of an object, for a script", "x0bpf inspect xdp_counter --json | jq .programs"),
        ],
        "objects" => &[
            ("The embedded objects", "x0bpf objects"),
            ("Write one out for another tool", "x0bpf objects --extract xdp_counter -o xdp_counter.o"),
        ],
        "inspect" => &[
            ("An embedded object", "x0bpf inspect xdp_counter"),
            ("A file, read from standard input", "cat prog.o | x0bpf inspect -"),
        ],
        "explain" => &[
            ("What an embedded program does", "x0bpf explain xdp_counter"),
            ("One program of an object file, as JSON", "x0bpf explain -j prog.o:xdp_filter"),
            ("A loaded program, from its translated code", "x0bpf explain id 42"),
        ],
        "validate" => &[
            ("Will it load here, verifier included", "x0bpf validate prog.o --verify"),
            ("Against another kernel's BTF", "x0bpf validate prog.o --btf vmlinux-6.1"),
        ],
        "feature" => &[("What this kernel supports", "x0bpf feature")],
        "load" => &[
            ("Load and pin an object under another name", "x0bpf load prog.o --name myprog"),
            ("Set a read-only global before loading", "x0bpf load syscall_latency --set target_tgid=1234"),
        ],
        "unload" => &[("Detach, unpin and release", "x0bpf unload xdp_counter")],
        "list" => &[
            ("What x0bpf loaded and attached", "x0bpf list"),
            ("Any program by id, another tool's too", "x0bpf list prog id 42"),
            ("XDP attachments, in a pipe", "x0bpf list | awk '$5 == \"xdp\"'"),
        ],
        "attach" => &[
            ("The embedded XDP counter, first mode the driver accepts", "x0bpf attach xdp eth0 --mode auto"),
            ("Generic XDP, with ip's mode name", "x0bpf attach xdp veth0 --mode generic"),
            ("tc ingress in a network namespace", "x0bpf --netns blue attach tc veth1 --direction ingress"),
            ("A tracepoint", "x0bpf attach tracepoint raw_syscalls:sys_enter --prog syscall_latency:on_sys_enter"),
        ],
        "detach" => &[
            ("XDP, whatever mode", "x0bpf detach xdp eth0"),
            ("Every tc program, other tools' too", "x0bpf detach tc eth0 --all"),
        ],
        "net" => &[("XDP and tc programs of one interface", "x0bpf net --dev eth0")],
        "stats" => &[
            ("Counters of the embedded XDP counter", "x0bpf stats xdp_counter"),
            ("Rates on one interface, every 2 s", "x0bpf stats --dev eth0 --watch --interval 2"),
        ],
        "flows" => &[
            ("Top flows by bytes where tc_classifier is attached", "x0bpf flows --top 10"),
            ("Attach for 5 s on one interface, by handshake RTT", "x0bpf flows --dev eth0 --sort rtt"),
        ],
        "guard" => &[
            ("Block sources over 20000 packets/s or 500 SYN/s, never 10.0.0.0/8", "x0bpf guard start eth1 --pps 20000 --syn-rate 500 --allow 10.0.0.0/8"),
            ("From a policy file, decisions as JSON lines", "x0bpf guard start eth1 --policy /etc/x0bpf/guard.toml --json"),
            ("What is blocked, and is a loop running", "x0bpf guard status"),
            ("Stop the loop and remove the guard", "x0bpf guard stop eth1"),
        ],
        "syscalls" => &[
            ("Slowest syscalls of one process for 5 s", "x0bpf syscalls --pid 1234 --duration 5s"),
            ("By command name", "x0bpf syscalls --comm nginx --top 5"),
        ],
        "events" => &[
            ("Packet drops with the kernel's reason", "x0bpf events --type drop"),
            ("TCP state changes as JSON lines, 100 of them", "x0bpf events --type tcp --json --count 100"),
        ],
        "map" => &[
            ("Dump a map x0bpf loaded", "x0bpf map dump xdp_counter/other_counts"),
            ("Any map by id", "x0bpf map show id 7"),
        ],
        "tail" => &[("Ring buffer records as JSON lines", "x0bpf tail id 9 --json --count 10")],
        "top" => &[
            ("Every BPF program, live, by CPU share", "x0bpf top"),
            ("Ten samples of 2 s as JSON lines, for a script", "x0bpf top --json --interval 2 --count 10"),
        ],
        "profile" => &[
            ("One program for 10 s", "x0bpf profile id 42 --duration 10s"),
            ("A program x0bpf loaded, as JSON", "x0bpf profile xdp_counter:xdp_count --json"),
        ],
        "bench" => &[
            ("The embedded XDP counter on a TCP frame, without loading it first", "x0bpf bench xdp_counter --frame tcp"),
            ("A fresh copy of loaded program 42 (empty maps) on your own frame, a million runs", "x0bpf bench id 42 --frame pkt.bin --repeat 1000000"),
            ("The loaded program itself, on its live maps (says which it may write)", "x0bpf bench id 42 --live --repeat 10"),
        ],
        "exporter" => &[
            ("Serve metrics on 127.0.0.1:9442 with run statistics on", "x0bpf exporter --enable-stats"),
            ("Also export maps described in a TOML file", "x0bpf exporter --config /etc/x0bpf/exporter.toml"),
        ],
        _ => &[],
    }
}

fn section(out: &mut Vec<u8>, title: &str) {
    out.extend_from_slice(format!(".SH \"{title}\"\n").as_bytes());
}

/// EXAMPLES, EXIT STATUS, FILES and SEE ALSO.
fn tail(out: &mut Vec<u8>, command: &str, page: &str, all_pages: &[String]) {
    let ex = examples(command);
    if !ex.is_empty() {
        section(out, "EXAMPLES");
        for (what, line) in ex {
            out.extend_from_slice(
                format!(
                    ".PP\n{}\n.PP\n.RS 4\n.nf\n\\fB{}\\fR\n.fi\n.RE\n",
                    esc(what),
                    esc(line)
                )
                .as_bytes(),
            );
        }
    }
    section(out, "EXIT STATUS");
    for (code, what) in [
        (0, "success"),
        (1, "a validate check failed"),
        (2, "usage error, unreadable file, I/O error"),
        (3, "not a usable BPF object"),
        (4, "missing privilege or capability"),
        (5, "the running kernel lacks the feature"),
        (6, "the kernel refused (verifier rejection, attach refused)"),
        (
            7,
            "no such interface, object, program, tracepoint, pin or filesystem",
        ),
        (
            8,
            "conflict: already attached, name taken, changed meanwhile",
        ),
        (9, "nothing to undo: not attached, not loaded"),
        (10, "internal error (a bug in x0bpf)"),
    ] {
        out.extend_from_slice(format!(".TP\n\\fB{code}\\fR\n{}\n", esc(what)).as_bytes());
    }
    section(out, "FILES");
    for (file, what) in [
        ("/sys/fs/bpf/x0bpf/OBJECT/", "pins of what x0bpf loaded: progs/, maps/ and links/ (the attachments); --bpffs and --pin-dir change the place"),
        ("/run/netns/NAME", "network namespaces named by ip netns, for --netns"),
        ("/sys/kernel/btf/vmlinux", "the running kernel's BTF, for CO-RE and validate"),
        ("/sys/kernel/tracing/events/", "tracepoints, for attach tracepoint"),
    ] {
        out.extend_from_slice(format!(".TP\n\\fI{}\\fR\n{}\n", esc(file), esc(what)).as_bytes());
    }
    section(out, "SEE ALSO");
    let refs: Vec<String> = all_pages
        .iter()
        .filter(|p| p.as_str() != page)
        .map(|p| format!("\\fB{}\\fR(1)", esc(p)))
        .collect();
    out.extend_from_slice(format!("{}\n", refs.join(", ")).as_bytes());
}

/// Each clap_mangen section starts with the same two-line string definition: keep the first.
fn preamble_once(page: Vec<u8>) -> Vec<u8> {
    const PRE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let text = String::from_utf8_lossy(&page).into_owned();
    match text.strip_prefix(PRE) {
        Some(rest) => format!("{PRE}{}", rest.replace(PRE, "")).into_bytes(),
        None => page,
    }
}

/// Render every page as (file name, content), so tests can compare with the committed ones.
pub fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = crate::cli::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let subs: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let mut names = vec!["x0bpf".to_string()];
    names.extend(subs.iter().map(|s| format!("x0bpf-{}", s.get_name())));

    let mut pages = Vec::new();
    let mut buf = Vec::new();
    let man_cmd = cmd.clone();
    let man = Man::new(cmd.clone());
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    synopsis(&mut buf, &man_cmd);
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    section(&mut buf, "COMMANDS");
    for s in &subs {
        buf.extend_from_slice(
            format!(
                ".TP\n\\fBx0bpf\\-{}\\fR(1)\n{}\n",
                esc(s.get_name()),
                esc(&s.get_about().map(|a| a.to_string()).unwrap_or_default())
            )
            .as_bytes(),
        );
    }
    tail(&mut buf, "", "x0bpf", &names);
    pages.push(("x0bpf.1".to_string(), preamble_once(buf)));

    for sub in &subs {
        let page = format!("x0bpf-{}", sub.get_name());
        let man_cmd = sub.clone();
        let man = Man::new(sub.clone().name(page.clone()));
        let mut buf = Vec::new();
        man.render_title(&mut buf)?;
        man.render_name_section(&mut buf)?;
        synopsis(&mut buf, &man_cmd);
        man.render_description_section(&mut buf)?;
        man.render_options_section(&mut buf)?;
        // Each subcommand of this command (attach xdp, map dump…): its synopsis and its own
        // options; the global ones are above already.
        for ss in sub
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let title = format!("{} {}", sub.get_name(), ss.get_name()).to_uppercase();
            section(&mut buf, &title);
            if let Some(a) = ss.get_long_about().or(ss.get_about()) {
                buf.extend_from_slice(format!("{}\n", esc(&a.to_string())).as_bytes());
            }
            let own = ss
                .clone()
                .mut_args(|a| {
                    if a.get_help_heading() == Some(crate::cli::GLOBAL) {
                        a.hide(true)
                    } else {
                        a
                    }
                })
                .disable_help_flag(true);
            let own_cmd = own.clone();
            let m = Man::new(own);
            let mut part = Vec::new();
            synopsis(&mut part, &own_cmd);
            m.render_options_section(&mut part)?;
            let part = String::from_utf8_lossy(&part)
                .replace(".SH SYNOPSIS\n", ".PP\n")
                .replace(".SH OPTIONS\n", "");
            buf.extend_from_slice(part.as_bytes());
        }
        tail(&mut buf, sub.get_name(), &page, &names);
        pages.push((format!("{page}.1"), preamble_once(buf)));
    }
    Ok(pages)
}

pub fn write_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, content) in pages()? {
        let p = dir.join(name);
        std::fs::write(&p, content).with_context(|| format!("writing {}", p.display()))?;
        written.push(p);
    }
    Ok(written)
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    for p in write_all(&args.dir)? {
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}
