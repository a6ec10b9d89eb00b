//! The command line itself: generated files are current, JSON errors and exit codes hold.
mod common;

use common::x0;

#[test]
fn completions_are_current() {
    for (shell, file) in [
        (clap_complete::Shell::Bash, "x0bpf.bash"),
        (clap_complete::Shell::Zsh, "x0bpf.zsh"),
        (clap_complete::Shell::Fish, "x0bpf.fish"),
    ] {
        let mut now = Vec::new();
        x0bpf::cmd::completions::generate(shell, &mut now);
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
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["error"]["kind"], "usage");
    let r = x0(&["frobnicate"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
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
