//! The command line itself: generated files are current, JSON errors and exit codes hold.
mod common;

use common::x0;

#[test]
fn completions_are_current() {
    for (shell, file) in [
        (x0bpf::cmd::completions::Shell::Bash, "x0bpf.bash"),
        (x0bpf::cmd::completions::Shell::Zsh, "x0bpf.zsh"),
        (x0bpf::cmd::completions::Shell::Fish, "x0bpf.fish"),
    ] {
        let mut now = Vec::new();
        x0bpf::cmd::completions::generate(shell, &mut now).unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            now == committed,
            "{} is stale: run scripts/regen.sh",
            path.display()
        );
    }
}

#[test]
fn man_pages_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages = x0bpf::cmd::man::pages().unwrap();
    assert!(pages.len() > 8, "one page per subcommand");
    for (name, content) in &pages {
        let committed = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            *content == committed,
            "man/{name} is stale: run scripts/regen.sh"
        );
    }
    // Issue 20: synopses name each option's value (`--bpffs DIR`), not only the flag.
    let top = pages.iter().find(|(n, _)| n == "x0bpf-attach.1").unwrap();
    let top = String::from_utf8_lossy(&top.1);
    assert!(top.contains("[\\fB\\-\\-bpffs\\fR \\fIDIR\\fR]"), "{top}");
    assert!(top.contains("[\\fB\\-\\-mode\\fR \\fIMODE\\fR]"), "{top}");
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        on_disk,
        pages.len(),
        "man/ has pages for commands that no longer exist"
    );
}

#[test]
fn usage_errors_are_json_under_json() {
    let r = x0(&["-j", "frobnicate"]);
    assert_eq!(r.code, 2);
    let v = r.json();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["error"]["kind"], "usage");
    let r = x0(&["frobnicate"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    // A missing subcommand under -j: the JSON error, not help text.
    for args in [&["-j", "map"][..], &["-j", "attach"], &["-j", "guard"]] {
        let r = x0(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.json()["error"]["kind"], "usage", "{args:?}: {}", r.stdout);
    }
    // Issue 20: clap's own errors start like every other error.
    assert!(r.stderr.starts_with("x0bpf: error: "), "{}", r.stderr);
    let r = x0(&["attach", "xdp"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("x0bpf: error: "), "{}", r.stderr);
    assert!(r.stderr.contains("<IFACE>"), "{}", r.stderr);
    let r = x0(&["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("x0bpf "));
}

#[test]
fn exit_codes_are_documented() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for k in x0bpf::ErrorKind::ALL {
        let row = format!("| {} | `{}` |", k.exit_code(), k.as_str());
        assert!(readme.contains(&row), "README exit-code table lacks {row}");
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::bin())
        .args(["inspect", "xdp_counter"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// `--netns` with an empty name, a missing name or path, or a file that is not a network
/// namespace: usage (2) or not found (7) with a message, not a kernel error from setns.
#[test]
fn netns_arguments_are_checked_before_setns() {
    let dir = tempfile::tempdir().unwrap();
    let regular = dir.path().join("regular-file");
    std::fs::write(&regular, b"x").unwrap();
    let missing = dir.path().join("missing");
    let cases: [(&str, i32, &str); 5] = [
        ("", 2, "needs a name or a path"),
        ("x0bpf-no-such-netns", 7, "cannot open"),
        (missing.to_str().unwrap(), 7, "cannot open"),
        (regular.to_str().unwrap(), 2, "not a network namespace"),
        (
            "/proc/self/ns/mnt",
            2,
            "a mount namespace, not a network namespace",
        ),
    ];
    for (ns, code, needle) in cases {
        for cmd in [
            vec!["net", "--netns", ns],
            vec!["-j", "net", "--netns", ns],
            vec!["detach", "xdp", "lo", "--netns", ns],
        ] {
            let r = x0(&cmd);
            assert_eq!(r.code, code, "{cmd:?}: {} {}", r.stdout, r.stderr);
            let text = if cmd[0] == "-j" {
                r.json()["error"]["message"].as_str().unwrap().to_string()
            } else {
                r.stderr.clone()
            };
            assert!(text.contains(needle), "{cmd:?}: {text}");
        }
    }
}

/// Issue 12: piped output is plain columns with one header line; `--no-headers` drops it;
/// colour (bold headers) only on a terminal and never with NO_COLOR; `--plain` on a terminal.
#[test]
fn plain_output_when_piped() {
    let r = x0(&["objects"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("SIZE"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('│') && !r.stdout.contains('─') && !r.stdout.contains('\x1b'));
    // awk-able: the same number of whitespace-separated columns up to the last free-text one.
    let xdp = lines.iter().find(|l| l.starts_with("xdp_counter")).unwrap();
    let cols: Vec<&str> = xdp.split_whitespace().collect();
    assert_eq!(cols[2], "bpf/xdp_counter.bpf.c", "{xdp}");
    assert!(
        lines.iter().all(|l| l == &l.trim_end()),
        "no trailing blanks"
    );
    let r = x0(&["objects", "--no-headers"]);
    assert!(r.stdout.starts_with("net_events"), "{}", r.stdout);
    // On a terminal (util-linux `script` gives a pty): boxes and bold headers, unless asked.
    let tty = |env: &str, args: &str| {
        let o = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("{env} {} {args}", common::bin()),
                "/dev/null",
            ])
            .output()
            .expect("script (util-linux)");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let t = tty("", "objects");
    assert!(t.contains('│') && t.contains("\x1b[1m"), "{t}");
    let t = tty("NO_COLOR=1", "objects");
    assert!(t.contains('│') && !t.contains("\x1b["), "{t}");
    for (env, args) in [("", "--plain objects"), ("TERM=dumb", "objects")] {
        let t = tty(env, args);
        assert!(
            !t.contains('│') && !t.contains("\x1b[") && t.starts_with("NAME"),
            "{env} {args}: {t}"
        );
    }
}

/// Every argument and option has a description; global options are under their own heading,
/// after the command's; no `[default: …]` twice.
#[test]
fn help_describes_everything() {
    use clap::CommandFactory;
    let mut cmd = x0bpf::cli::Cli::command();
    cmd.build();
    fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in c.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for s in c.get_subcommands() {
            walk(s, &format!("{path} {}", s.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&cmd, "x0bpf", &mut missing);
    assert!(missing.is_empty(), "undescribed: {missing:?}");
    for args in [
        vec!["stats", "--help"],
        vec!["attach", "xdp", "--help"],
        vec!["net", "--help"],
        vec!["--help"],
    ] {
        let h = x0(&args).stdout;
        for line in h.lines() {
            assert!(line.matches("[default:").count() <= 1, "{args:?}: {line}");
        }
        assert!(h.matches("[default: xdp_counter]").count() <= 1, "{h}");
        let g = h
            .find("Global options:")
            .unwrap_or_else(|| panic!("{args:?}: {h}"));
        if let Some(o) = h.find("\nOptions:") {
            assert!(o < g, "command options first: {h}");
        }
        assert!(h[g..].contains("--netns"), "{h}");
    }
}

/// `--mode` takes the names of ip and xdp-loader; a wrong name lists them.
#[test]
fn xdp_mode_aliases_parse() {
    use clap::Parser;
    use x0bpf::attach::xdp::Mode;
    for (name, mode) in [
        ("native", Mode::Drv),
        ("xdpdrv", Mode::Drv),
        ("generic", Mode::Skb),
        ("xdpgeneric", Mode::Skb),
        ("offload", Mode::Hw),
        ("xdpoffload", Mode::Hw),
        ("drv", Mode::Drv),
    ] {
        let cli = x0bpf::cli::Cli::try_parse_from(["x0bpf", "attach", "xdp", "lo", "--mode", name])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        match cli.command {
            x0bpf::cli::Command::Attach(a) => match a.kind {
                x0bpf::cmd::attach::Kind::Xdp { mode: m, .. } => assert_eq!(m, mode, "{name}"),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        }
    }
}

/// Error documents carry `command`; a usage error under -j names the missing argument.
#[test]
fn json_errors_name_command_and_argument() {
    let r = x0(&["-j", "attach", "xdp"]);
    assert_eq!(r.code, 2);
    let v = r.json();
    assert_eq!(v["command"], "attach", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("<IFACE>"),
        "{v}"
    );
    let r = x0(&["-j", "inspect", "/nonexistent/x.o"]);
    assert_eq!(r.json()["command"], "inspect");
    assert_eq!(r.json()["schema_version"], 2);
    let r = x0(&["-j", "map", "dump", "id", "0"]);
    assert_eq!(r.json()["command"], "map dump", "{}", r.stdout);
}

/// `objects --extract` writes the embedded ELF; `inspect -` and `validate -` read stdin, with
/// the size cap of files.
#[test]
fn extract_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.o");
    let r = x0(&[
        "objects",
        "--extract",
        "xdp_counter",
        "-o",
        f.to_str().unwrap(),
    ]);
    r.ok();
    let bytes = std::fs::read(&f).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    // Piped stdout: the ELF itself.
    let r = std::process::Command::new(common::bin())
        .args(["objects", "--extract", "xdp_counter"])
        .output()
        .unwrap();
    assert_eq!(r.stdout, bytes);
    let r = x0(&["objects", "--extract", "nosuch"]);
    assert_eq!(r.code, 7);
    assert!(r.stderr.contains("xdp_counter"), "{}", r.stderr);
    let stdin = |args: &[&str], input: &std::path::Path| {
        let o = std::process::Command::new(common::bin())
            .args(args)
            .stdin(std::fs::File::open(input).unwrap())
            .output()
            .unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (code, out) = stdin(&["-j", "inspect", "-"], &f);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["programs"][0]["name"], "xdp_count");
    let (code, out) = stdin(&["-j", "validate", "-"], &f);
    assert!(code == 0 || code == 1, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["command"],
        "validate"
    );
    // The cap: more than 256 MiB of ELF-looking input is refused, not read to the end.
    let mut big = [0u8; 64];
    big[..4].copy_from_slice(b"\x7fELF");
    let mut r = &big[..];
    let mut tail = std::io::repeat(0).take((256 << 20) + 1);
    use std::io::Read;
    let mut chain = (&mut r).chain(&mut tail);
    let e = x0bpf::obj::source::read_stdin(&mut chain).unwrap_err();
    assert_eq!(e.kind, x0bpf::ErrorKind::Usage);
    assert!(e.message.contains("256 MiB"), "{}", e.message);
}

/// Man pages: checked by groff for warnings, every option of every command (subcommands'
/// too) appears, and SEE ALSO names only pages that exist.
#[test]
fn man_pages_are_complete() {
    use clap::CommandFactory;
    let pages = x0bpf::cmd::man::pages().unwrap();
    let names: Vec<String> = pages
        .iter()
        .map(|(n, _)| n.trim_end_matches(".1").to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = x0bpf::cli::Cli::command();
    cmd.build();
    for (name, content) in &pages {
        let text = String::from_utf8_lossy(content).into_owned();
        for s in ["EXAMPLES", "EXIT STATUS", "FILES", "SEE ALSO"] {
            assert!(text.contains(&format!(".SH \"{s}\"")), "{name} lacks {s}");
        }
        // Every page reference is to a page written here.
        let see = &text[text.find(".SH \"SEE ALSO\"").unwrap()..];
        for r in see.split("\\fB").skip(1) {
            let page = r.split("\\fR").next().unwrap().replace("\\-", "-");
            assert!(names.contains(&page), "{name} refers to missing {page}");
        }
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let o = std::process::Command::new("groff")
            .args(["-ww", "-z", "-man", "-Tutf8"])
            .arg(&p)
            .output()
            .expect("groff");
        assert!(
            o.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let page = format!("x0bpf-{}.1", sub.get_name());
        let text = String::from_utf8_lossy(&pages.iter().find(|(n, _)| *n == page).unwrap().1)
            .into_owned()
            .replace("\\-", "-");
        let mut all: Vec<&clap::Command> = vec![sub];
        all.extend(sub.get_subcommands().filter(|s| s.get_name() != "help"));
        for c in all {
            for a in c.get_arguments() {
                if let Some(l) = a.get_long() {
                    if l == "help" || l == "version" {
                        continue;
                    }
                    assert!(
                        text.contains(&format!("--{l}")),
                        "{page} lacks --{l} of {}",
                        c.get_name()
                    );
                }
            }
        }
    }
}

/// What the shell's completion script gets when it calls x0bpf back for the word at `index`
/// (bash's protocol; the command name is word 0).
fn complete(index: usize, words: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(common::bin())
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", index.to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn completion_offers_what_is_there_now() {
    // Interfaces of the --netns namespace, not this one's.
    let ns = common::NetNs::new();
    let c = complete(5, &["x0bpf", "--netns", &ns.name, "attach", "xdp", "ve"]);
    assert_eq!(c, vec!["veth0".to_string()], "{c:?}");
    let c = complete(4, &["x0bpf", "detach", "tc", "--netns", &ns.name]);
    assert!(c.contains(&ns.name), "{c:?}");
    // Namespace names after --netns.
    let c = complete(2, &["x0bpf", "--netns", "x0t"]);
    assert!(c.contains(&ns.name) && c.contains(&ns.peer), "{c:?}");
    // Embedded objects for OBJECT and --prog; loaded objects and their programs for --prog.
    let c = complete(2, &["x0bpf", "inspect", "xdp"]);
    assert!(c.contains(&"xdp_counter".to_string()), "{c:?}");
    let fs = common::Bpffs::new();
    fs.x0(&["load", "tc_classifier", "--name", "cx"]).ok();
    let c = complete(
        7,
        &[
            "x0bpf",
            "--bpffs",
            fs.arg(),
            "attach",
            "tc",
            "veth0",
            "--prog",
            "cx",
        ],
    );
    assert!(c.contains(&"cx:tc_classify".to_string()), "{c:?}");
    let c = complete(4, &["x0bpf", "--bpffs", fs.arg(), "unload", ""]);
    let values: Vec<&String> = c.iter().filter(|w| !w.starts_with('-')).collect();
    assert_eq!(values, vec!["cx"], "{c:?}");
    fs.x0(&["unload", "cx"]).ok();
    // Hidden commands are not offered.
    let c = complete(1, &["x0bpf", ""]);
    assert!(c.contains(&"attach".to_string()), "{c:?}");
    assert!(!c.iter().any(|w| w == "completions" || w == "man"), "{c:?}");
}

/// The bash script, in bash: words are rebuilt from COMP_LINE, so `OBJ:PROG` and `--opt=V`
/// survive bash's split at `:` and `=`; candidates come back without the part bash keeps.
#[test]
fn bash_completion_across_colon_and_equals() {
    let tmp = tempfile::tempdir().unwrap();
    // loaded_names reads <bpffs>/x0bpf/<obj>/progs directly: a plain directory will do.
    std::fs::create_dir_all(tmp.path().join("x0bpf/myobj/progs")).unwrap();
    std::fs::write(tmp.path().join("x0bpf/myobj/progs/myprog"), "").unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/x0bpf.bash");
    let bindir = std::path::Path::new(common::bin()).parent().unwrap();
    // $2 is readline's word: what follows the last `:` or `=` (COMP_WORDBREAKS).
    let run = |line: &str, cur: &str| -> Vec<String> {
        let prog = format!(
            "source {}; COMP_LINE={line:?}; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9; \
             _clap_complete_x0bpf x0bpf {cur:?} x; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let o = std::process::Command::new("bash")
            .args(["--norc", "-c", &prog])
            .env(
                "PATH",
                format!("{}:{}", bindir.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let fs = tmp.path().to_str().unwrap();
    let c = run(
        &format!("x0bpf --bpffs {fs} attach xdp lo --prog myobj:"),
        "",
    );
    assert_eq!(c, vec!["myprog"], "{c:?}");
    let c = run(&format!("x0bpf --bpffs={fs} unload "), "");
    assert!(c.contains(&"myobj".to_string()), "{c:?}");
    let c = run(&format!("x0bpf --bpffs {fs} attach xdp lo --prog my"), "my");
    assert!(c.contains(&"myobj:myprog".to_string()), "{c:?}");
    // --prog offers .o files and directories, not any file.
    std::fs::write(tmp.path().join("a.o"), "").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "").unwrap();
    let c = run(
        &format!("x0bpf attach xdp lo --prog {fs}/"),
        &format!("{fs}/"),
    );
    assert!(c.iter().any(|w| w.ends_with("a.o")), "{c:?}");
    assert!(!c.iter().any(|w| w.ends_with("notes.txt")), "{c:?}");
}

/// Hidden commands are not offered even when the prefix matches only them, nor under `help`.
#[test]
fn hidden_commands_never_completed() {
    for (i, words) in [(1, vec!["x0bpf", "co"]), (2, vec!["x0bpf", "help", "comp"])] {
        let c = complete(i, &words);
        assert!(!c.iter().any(|w| w.contains("completions")), "{c:?}");
    }
    let c = complete(2, &["x0bpf", "help", ""]);
    assert!(
        c.contains(&"attach".to_string()) && !c.iter().any(|w| w.contains("man")),
        "{c:?}"
    );
}

/// I/O errors exit 2; `list KIND` with a kind that is not one is a usage error; hints carry
/// the global options given, so they work when copied.
#[test]
fn io_errors_usage_and_complete_hints() {
    let r = x0(&["objects", "--extract", "xdp_counter", "-o", "/dev/full"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = x0(&[
        "objects",
        "--extract",
        "xdp_counter",
        "-o",
        "/nonexistent/dir/x.o",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = x0(&["--bpffs", "/tmp/some fs", "list", "foo", "id", "1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`x0bpf --bpffs '/tmp/some fs' list prog id 1`"),
        "{}",
        r.stderr
    );
    // `-` with a terminal on stdin would wait for binary input: refused.
    for cmd in ["inspect", "validate"] {
        let o = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("{} {cmd} -; echo rc=$?", common::bin()),
                "/dev/null",
            ])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script (util-linux)");
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(t.contains("terminal") && t.contains("rc=2"), "{cmd}: {t}");
    }
}

/// Issue 20 §4.4: programs and maps are offered where a command takes one — objects, ids and
/// pins; `attach tc --prog` offers tc programs only; `stats` only objects it can show.
#[test]
fn completion_of_programs_maps_and_ids() {
    let fs = common::Bpffs::new();
    let (cx, xx, ne) = (
        format!("c{}", common::unique()),
        format!("x{}", common::unique()),
        format!("n{}", common::unique()),
    );
    fs.x0(&["load", "tc_classifier", "--name", &cx]).ok();
    fs.x0(&["load", "xdp_counter", "--name", &xx]).ok();
    fs.x0(&["load", "net_events", "--name", &ne]).ok();
    let b = fs.arg();
    let has = |c: &[String], w: &str| c.iter().any(|x| x == w);
    // explain and bench: keywords, embedded and loaded objects, OBJECT:PROG.
    for cmd in ["explain", "bench"] {
        let c = complete(4, &["x0bpf", "--bpffs", b, cmd, ""]);
        for w in [
            "id",
            "name",
            "pinned",
            "xdp_counter",
            &format!("{xx}:xdp_count"),
        ] {
            assert!(has(&c, w), "{cmd}: {w} in {c:?}");
        }
    }
    // After `id`: the kernel's ids, e.g. that of the loaded program.
    let pid = fs.x0(&["-j", "list", &xx]).ok().json().to_string();
    let c = complete(5, &["x0bpf", "--bpffs", b, "bench", "id", ""]);
    assert!(
        !c.is_empty()
            && c.iter()
                .filter(|w| !w.starts_with('-'))
                .all(|w| w.parse::<u32>().is_ok()),
        "{c:?}"
    );
    assert!(
        c.iter().any(|w| pid.contains(&format!("\"id\":{w}"))),
        "{c:?} vs {pid}"
    );
    let c = complete(6, &["x0bpf", "--bpffs", b, "map", "dump", "id", ""]);
    assert!(
        c.iter().filter(|w| !w.starts_with('-')).count() > 0,
        "{c:?}"
    );
    assert!(
        c.iter()
            .filter(|w| !w.starts_with('-'))
            .all(|w| w.parse::<u32>().is_ok()),
        "{c:?}"
    );
    // map dump: OBJECT/MAP of loaded objects; tail: only their ring buffers.
    let c = complete(5, &["x0bpf", "--bpffs", b, "map", "dump", ""]);
    assert!(
        has(&c, &format!("{cx}/flows")) && has(&c, &format!("{ne}/events")),
        "{c:?}"
    );
    let c = complete(4, &["x0bpf", "--bpffs", b, "tail", ""]);
    assert!(has(&c, &format!("{ne}/events")), "{c:?}");
    assert!(
        !has(&c, &format!("{cx}/flows")) && !has(&c, &format!("{ne}/lost")),
        "{c:?}"
    );
    // Pins, for a path.
    let c = complete(
        5,
        &[
            "x0bpf",
            "--bpffs",
            b,
            "map",
            "dump",
            &format!("{b}/x0bpf/{ne}/maps/ev"),
        ],
    );
    assert!(c.iter().any(|w| w.ends_with("/events")), "{c:?}");
    // attach tc --prog: tc programs only.
    let c = complete(
        7,
        &["x0bpf", "--bpffs", b, "attach", "tc", "veth0", "--prog", ""],
    );
    assert!(
        has(&c, "tc_classifier") && has(&c, &format!("{cx}:tc_classify")),
        "{c:?}"
    );
    assert!(
        !has(&c, "xdp_counter") && !has(&c, &xx) && !has(&c, &ne),
        "{c:?}"
    );
    // stats: objects it has a decoder for.
    let c = complete(4, &["x0bpf", "--bpffs", b, "stats", ""]);
    assert!(has(&c, &cx) && has(&c, &xx), "{c:?}");
    assert!(!has(&c, &ne), "{c:?}");
    for o in [&cx, &xx, &ne] {
        fs.x0(&["unload", o]).ok();
    }
}
