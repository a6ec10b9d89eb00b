//! Regression tests for the hostile-input and fault-injection findings: symlinks planted in
//! the pin directory, untrusted pin directories, mounts over data, kills between the steps
//! of a command, parallel runs, and unprivileged callers. Each reproduces a defect that lost
//! data, leaked kernel state or lied about what it saw.
mod common;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{sh, Bpffs, NetNs, Run};

/// A directory outside bpffs with a file that must survive whatever x0bpf does.
fn victim() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("precious");
    std::fs::write(&f, b"root's data").unwrap();
    (d, f)
}

fn pins_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            out.extend(pins_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `strace` in front of x0bpf, killing it at the `n`-th call of `syscall`.
fn x0_killed_at(args: &[&str], syscall: &str, n: usize) -> Run {
    let inject = format!("inject={syscall}:signal=KILL:when={n}");
    let trace = format!("trace={syscall}");
    let mut full = vec!["-f", "-qq", "-o", "/dev/null", "-e", &trace, "-e", &inject];
    full.push(common::bin());
    full.extend_from_slice(args);
    sh("strace", &full)
}

fn ns_x0_killed_at(ns: &NetNs, args: &[&str], syscall: &str, n: usize) -> Run {
    let inject = format!("inject={syscall}:signal=KILL:when={n}");
    let trace = format!("trace={syscall}");
    let net = format!("--net={}", ns.path.display());
    let mut full = vec![
        net.as_str(),
        "strace",
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        &trace,
        "-e",
        &inject,
        common::bin(),
    ];
    full.extend_from_slice(args);
    sh("nsenter", &full)
}

fn killed(r: &Run) -> bool {
    // strace reports the tracee's death by SIGKILL as 128+9 (or its own exit status).
    r.code == 137 || r.stderr.contains("SIGKILL") || r.code == -1
}

#[test]
fn a_symlink_planted_in_staging_is_removed_not_followed() {
    let fs = Bpffs::new();
    let (vdir, precious) = victim();
    let base = fs.dir.join("x0bpf");
    std::fs::create_dir(&base).unwrap();
    let planted = base.join("_staging-evil-999999");
    symlink(vdir.path(), &planted).unwrap();
    for cmd in [&["list"][..], &["net"], &["-j", "list", "--all"]] {
        let r = fs.x0(cmd);
        assert_eq!(r.code, 0, "{cmd:?}: {}", r.stderr);
    }
    assert!(
        precious.exists(),
        "list followed the symlink and deleted the target's files"
    );
    assert!(
        std::fs::symlink_metadata(&planted).is_err(),
        "the planted link itself is swept"
    );
}

#[test]
fn symlinks_inside_an_object_are_never_followed_by_unload_or_replace() {
    let fs = Bpffs::new();
    let (vdir, precious) = victim();
    fs.x0(&["load", "xdp_counter"]).ok();
    let obj = fs.dir.join("x0bpf/xdp_counter");
    symlink(vdir.path(), obj.join("maps/evil")).unwrap();
    fs.x0(&["load", "xdp_counter", "--replace"]).ok();
    assert!(precious.exists(), "load --replace followed a symlink");
    symlink(vdir.path(), obj.join("maps/evil2")).unwrap();
    symlink(vdir.path(), obj.join("evil3")).unwrap();
    let r = fs.x0(&["unload", "xdp_counter"]);
    r.ok();
    assert!(precious.exists(), "unload followed a symlink");
    assert!(!obj.exists() && std::fs::symlink_metadata(&obj).is_err());
    // The object name itself as a symlink is not an object.
    std::fs::create_dir_all(fs.dir.join("x0bpf")).unwrap();
    symlink(vdir.path(), fs.dir.join("x0bpf/evil")).unwrap();
    let r = fs.x0(&["unload", "evil"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    let r = fs.x0(&["-j", "list"]);
    r.ok();
    assert_eq!(r.json()["objects"].as_array().unwrap().len(), 0);
    assert!(precious.exists());
}

#[test]
fn a_pin_directory_owned_by_another_user_or_writable_by_others_is_refused() {
    let fs = Bpffs::new();
    let base = fs.dir.join("x0bpf");
    std::fs::create_dir(&base).unwrap();
    // The usual bpffs root is mode 1777: anybody could have made this directory first.
    std::os::unix::fs::chown(&base, Some(65534), Some(65534)).unwrap();
    for cmd in [&["list"][..], &["load", "xdp_counter"], &["unload", "x"]] {
        let r = fs.x0(cmd);
        assert_eq!(r.code, 4, "{cmd:?}: {}", r.stderr);
        assert!(r.stderr.contains("belongs to uid 65534"), "{}", r.stderr);
    }
    std::os::unix::fs::chown(&base, Some(0), Some(0)).unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o777)).unwrap();
    let r = fs.x0(&["list"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("writable by other users"), "{}", r.stderr);
    // A symlink as the pin directory is refused, not followed.
    std::fs::remove_dir(&base).unwrap();
    let (vdir, precious) = victim();
    symlink(vdir.path(), &base).unwrap();
    let r = fs.x0(&["load", "xdp_counter"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(vdir.path()).unwrap().count(), 1);
    assert!(precious.exists());
}

fn mounted_at(dir: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    let d = dir.to_str().unwrap();
    mounts.lines().any(|l| l.split(' ').nth(1) == Some(d))
}

#[test]
fn bpffs_is_never_mounted_by_reads_nor_over_a_directory_that_holds_anything() {
    common::require_root();
    let (vdir, precious) = victim();
    // Read-only commands on a directory that is not bpffs: report what they see, mount nothing.
    for cmd in [&["list"][..], &["net"], &["stats", "xdp_counter"]] {
        let mut a = vec!["--bpffs", vdir.path().to_str().unwrap()];
        a.extend_from_slice(cmd);
        let r = common::x0(&a);
        assert!(
            r.code == 0 || r.code == 9,
            "{cmd:?}: {} {}",
            r.code,
            r.stderr
        );
        assert!(!mounted_at(vdir.path()), "{cmd:?} mounted bpffs over data");
    }
    let r = common::x0(&["--bpffs", vdir.path().to_str().unwrap(), "-j", "list"]);
    r.ok();
    assert!(r.json()["note"]
        .as_str()
        .unwrap()
        .contains("nothing pinned"));
    // A command that must pin refuses a directory that holds anything.
    let r = common::x0(&[
        "--bpffs",
        vdir.path().to_str().unwrap(),
        "load",
        "xdp_counter",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("never mounts over"), "{}", r.stderr);
    assert!(!mounted_at(vdir.path()));
    assert!(precious.exists());
    // /proc is never hidden (this runs in our own mount namespace: a mount would show).
    let r = common::x0(&["--bpffs", "/proc", "list"]);
    r.ok();
    assert!(Path::new("/proc/self/status").exists());
}

#[test]
fn a_kill_between_the_renames_of_load_replace_loses_nothing() {
    let fs = Bpffs::new();
    fs.x0(&["load", "xdp_counter"]).ok();
    let before = fs.x0(&["-j", "list", "xdp_counter"]);
    let maps_before = before.json()["objects"][0]["maps"]
        .as_array()
        .unwrap()
        .len();
    // load --replace renames the old object aside (1st rename of the pin directory), then the
    // new one in (2nd): kill it at the 2nd.
    let r = x0_killed_at(
        &["--bpffs", fs.arg(), "load", "xdp_counter", "--replace"],
        "renameat",
        2,
    );
    assert!(killed(&r), "not killed: {} {}", r.code, r.stderr);
    assert!(
        std::fs::read_dir(fs.dir.join("x0bpf"))
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("_old-")),
        "the kill did not land between the renames"
    );
    let r = fs.x0(&["-j", "list", "xdp_counter"]);
    r.ok();
    assert!(r.stderr.contains("restored xdp_counter"), "{}", r.stderr);
    let v = r.json();
    assert_eq!(
        v["objects"][0]["maps"].as_array().unwrap().len(),
        maps_before
    );
    assert_eq!(v["objects"][0]["programs"].as_array().unwrap().len(), 1);
    let left: Vec<String> = std::fs::read_dir(fs.dir.join("x0bpf"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["xdp_counter".to_string()]);
    fs.x0(&["unload", "xdp_counter"]).ok();
    assert!(pins_under(&fs.dir.join("x0bpf")).is_empty());
}

#[test]
fn a_kill_in_detach_after_the_link_is_detached_is_repaired_by_the_next_command() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    // detach: BPF_LINK_DETACH, then unlink the record — killed at that unlink.
    let r = ns_x0_killed_at(
        &ns,
        &["--bpffs", fs.arg(), "detach", "xdp", "veth0"],
        "unlink",
        1,
    );
    assert!(killed(&r), "not killed: {} {}", r.code, r.stderr);
    let records = pins_under(&fs.dir.join("x0bpf/xdp_counter/links"));
    assert_eq!(records.len(), 1, "the stale record is still there");
    // The interface has no program; the next attach repairs the record and succeeds.
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "attach", "xdp", "veth0"]);
    r.ok();
    assert!(r.stderr.contains("stale record"), "{}", r.stderr);
    // And the same for the next detach.
    let r = ns_x0_killed_at(
        &ns,
        &["--bpffs", fs.arg(), "detach", "xdp", "veth0"],
        "unlink",
        1,
    );
    assert!(killed(&r));
    let r = ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(pins_under(&fs.dir.join("x0bpf/xdp_counter/links")).is_empty());
    ns.x0(&["--bpffs", fs.arg(), "unload", "xdp_counter"]).ok();
}

fn tc_state(ns: &NetNs) -> (String, String) {
    let f = ns.exec("tc", &["filter", "show", "dev", "veth0", "ingress"]);
    let q = ns.exec("tc", &["qdisc", "show", "dev", "veth0"]);
    (f.stdout, q.stdout)
}

#[test]
fn a_kill_at_any_netlink_step_of_a_clsact_attach_leaves_nothing_unowned() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    // Load first so the attach itself is only netlink work.
    ns.x0(&["--bpffs", fs.arg(), "load", "tc_classifier"]).ok();
    let args = [
        "--bpffs",
        fs.arg(),
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
        "--mode",
        "clsact",
    ];
    let mut kills = 0;
    // Killed on entry to a sendto the request never reaches the kernel; killed on a
    // recvfrom it has been carried out: both sides of every netlink step.
    for syscall in ["sendto", "recvfrom"] {
        for n in 1..=20 {
            let r = ns_x0_killed_at(&ns, &args, syscall, n);
            if !killed(&r) {
                // Ran to the end: every step has been covered.
                r.ok();
                ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]).ok();
                break;
            }
            kills += 1;
            let d = ns.x0(&["--bpffs", fs.arg(), "detach", "tc", "veth0"]);
            let at = format!("{syscall} #{n}");
            assert!(d.code == 0 || d.code == 9, "{at}: {} {}", d.code, d.stderr);
            let (filters, qdiscs) = tc_state(&ns);
            assert!(
                filters.trim().is_empty(),
                "{at}: a filter nobody owns is left: {filters}"
            );
            assert!(
                !qdiscs.contains("clsact"),
                "{at}: the clsact qdisc x0bpf made is left: {qdiscs}"
            );
            assert!(pins_under(&fs.dir.join("x0bpf/tc_classifier/links")).is_empty());
        }
    }
    assert!(kills >= 8, "only {kills} netlink steps were killed");
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
}

#[test]
fn parallel_unloads_have_exactly_one_winner() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    ns.x0(&["--bpffs", fs.arg(), "attach", "xdp", "veth0"]).ok();
    let net = format!("--net={}", ns.path.display());
    let children: Vec<_> = (0..10)
        .map(|_| {
            Command::new("nsenter")
                .args([
                    &net,
                    common::bin(),
                    "--bpffs",
                    fs.arg(),
                    "unload",
                    "xdp_counter",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<i32> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 9), "{codes:?}");
    let left = pins_under(&fs.dir.join("x0bpf"));
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn state_changes_wait_for_the_store_lock() {
    let fs = Bpffs::new();
    // Another x0bpf holds the lock: hold it from here with flock(1) for two seconds.
    let holder = Command::new("flock")
        .args(["-x", fs.arg(), "sleep", "2"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t = std::time::Instant::now();
    let r = fs.x0(&["load", "xdp_counter"]);
    r.ok();
    assert!(
        r.stderr.contains("waiting for another x0bpf"),
        "{}",
        r.stderr
    );
    assert!(t.elapsed() >= std::time::Duration::from_millis(1000));
    drop(holder);
    fs.x0(&["unload", "xdp_counter"]).ok();
}

/// Run x0bpf as nobody, with no capabilities.
fn as_nobody(args: &[&str]) -> Run {
    let mut full = vec![
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
        common::bin(),
    ];
    full.extend_from_slice(args);
    sh("setpriv", &full)
}

#[test]
fn unprivileged_callers_are_told_what_they_lack_and_create_nothing() {
    let fs = Bpffs::new();
    fs.x0(&["load", "xdp_counter"]).ok();
    for cmd in [
        &["list"][..],
        &["list", "--all"],
        &["list", "xdp_counter"],
        &["stats", "xdp_counter"],
        &["unload", "xdp_counter"],
        &["net"],
    ] {
        let mut a = vec!["--bpffs", fs.arg()];
        a.extend_from_slice(cmd);
        let r = as_nobody(&a);
        assert_eq!(r.code, 4, "{cmd:?}: {} {}", r.stdout, r.stderr);
        assert!(r.stderr.contains("CAP_"), "{cmd:?}: {}", r.stderr);
    }
    fs.x0(&["unload", "xdp_counter"]).ok();
    // On a fresh bpffs (mode 1777) a failed unprivileged load leaves nothing behind.
    let fresh = Bpffs::new();
    let before = std::fs::read_dir(&fresh.dir).unwrap().count();
    let r = as_nobody(&["--bpffs", fresh.arg(), "load", "xdp_counter"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&fresh.dir).unwrap().count(), before);
}

#[test]
fn an_overlong_pin_dir_is_a_usage_error() {
    let fs = Bpffs::new();
    let long = "a".repeat(300);
    let r = fs.x0(&["--pin-dir", &long, "load", "xdp_counter"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("255"), "{}", r.stderr);
}

#[test]
fn unload_removes_the_empty_pin_directory() {
    let fs = Bpffs::new();
    fs.x0(&["load", "xdp_counter"]).ok();
    fs.x0(&["unload", "xdp_counter"]).ok();
    assert!(!fs.dir.join("x0bpf").exists());
}

#[test]
fn a_symlinked_links_directory_is_never_walked() {
    let fs = Bpffs::new();
    let (vdir, precious) = victim();
    // A file named like a record, which a walk through the link would "release".
    let fake = vdir.path().join("xdp@v0@2@1");
    std::fs::write(&fake, b"x").unwrap();
    fs.x0(&["load", "xdp_counter"]).ok();
    symlink(vdir.path(), fs.dir.join("x0bpf/xdp_counter/links")).unwrap();
    fs.x0(&["list"]).ok();
    let r = fs.x0(&["detach", "tracepoint", "syscalls:sys_enter_openat"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    fs.x0(&["unload", "xdp_counter"]).ok();
    assert!(
        precious.exists() && fake.exists(),
        "unload walked a symlinked links/"
    );
}

#[test]
fn nothing_is_created_below_an_untrusted_pin_dir_component() {
    let fs = Bpffs::new();
    let (vdir, _precious) = victim();
    symlink(vdir.path(), fs.dir.join("a2")).unwrap();
    let r = fs.x0(&["--pin-dir", "a2/b", "load", "xdp_counter"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        !vdir.path().join("b").exists(),
        "created a directory through a symlink"
    );
    std::fs::create_dir(fs.dir.join("w")).unwrap();
    std::fs::set_permissions(fs.dir.join("w"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let r = fs.x0(&["--pin-dir", "w/x", "load", "xdp_counter"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(!fs.dir.join("w/x").exists());
    let r = fs.x0(&["--pin-dir", "a.b", "load", "xdp_counter"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn undoing_commands_never_mount_or_create() {
    common::require_root();
    let empty = tempfile::tempdir().unwrap();
    for cmd in [&["unload", "foo"][..], &["detach", "tracepoint", "a:b"]] {
        let mut a = vec!["--bpffs", empty.path().to_str().unwrap()];
        a.extend_from_slice(cmd);
        let r = common::x0(&a);
        assert_eq!(r.code, 9, "{cmd:?}: {}", r.stderr);
        assert!(!mounted_at(empty.path()), "{cmd:?} mounted bpffs");
    }
    let fs = Bpffs::new();
    assert_eq!(fs.x0(&["unload", "foo"]).code, 9);
    assert!(
        !fs.dir.join("x0bpf").exists(),
        "unload created the pin directory"
    );
}

#[test]
fn a_partly_privileged_failed_load_leaves_no_directory_behind() {
    let fs = Bpffs::new();
    let r = sh(
        "setpriv",
        &[
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all,+bpf",
            "--ambient-caps=+bpf",
            common::bin(),
            "--bpffs",
            fs.arg(),
            "load",
            "xdp_counter",
        ],
    );
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        !fs.dir.join("x0bpf").exists(),
        "a failed load left a directory owned by its caller"
    );
}

/// Issue 27 #7: a symlink planted as `_old-NAME-PID` was "restored" as NAME by the repair, and
/// then blocked that name (unload exit 9, load "Not a directory"). It is removed as itself.
#[test]
fn a_symlink_planted_as_old_is_removed_not_restored() {
    let fs = Bpffs::new();
    let (vdir, precious) = victim();
    let base = fs.dir.join("x0bpf");
    std::fs::create_dir(&base).unwrap();
    let name = format!("oldlink{}", common::unique());
    let planted = base.join(format!("_old-{name}-999999"));
    symlink(vdir.path(), &planted).unwrap();
    let r = fs.x0(&["list"]);
    r.ok();
    assert!(
        std::fs::symlink_metadata(&planted).is_err(),
        "the planted link itself is removed"
    );
    assert!(
        std::fs::symlink_metadata(base.join(&name)).is_err(),
        "the link was restored as {name}: {}",
        r.stderr
    );
    assert!(precious.exists(), "the link's target is left alone");
    assert!(vdir.path().is_dir());
    let r = fs.x0(&["load", "xdp_counter", "--name", &name]);
    r.ok();
    assert!(base.join(&name).is_dir());
    fs.x0(&["unload", &name]).ok();
    assert!(precious.exists());
}

/// Hostile review: a symbolic link planted as an object's `links/` (pointing into another
/// object) or under a record's name is removed as itself, never pinned through, and the
/// attachment is recorded where it belongs.
#[test]
fn symlinks_planted_in_links_are_removed_not_followed() {
    let ns = NetNs::new();
    let fs = Bpffs::new();
    let base = fs.dir.join("x0bpf");
    ns.x0(&["--bpffs", fs.arg(), "load", "xdp_counter", "--name", "lk_a"])
        .ok();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "load",
        "tc_classifier",
        "--name",
        "lk_b",
    ])
    .ok();
    let other_maps = base.join("lk_b/maps");
    let before = std::fs::read_dir(&other_maps).unwrap().count();
    // links/ itself is a symlink into the other object.
    let links = base.join("lk_a/links");
    let _ = std::fs::remove_dir(&links);
    symlink(&other_maps, &links).unwrap();
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "xdp",
        "veth0",
        "--prog",
        "lk_a:xdp_count",
    ])
    .ok();
    let m = std::fs::symlink_metadata(&links).unwrap();
    assert!(
        m.is_dir() && !m.file_type().is_symlink(),
        "a real links/ again"
    );
    assert_eq!(
        std::fs::read_dir(&other_maps).unwrap().count(),
        before,
        "nothing pinned into the other object"
    );
    let r = ns.x0(&["--bpffs", fs.arg(), "-j", "list", "lk_a"]);
    assert_eq!(
        r.json()["objects"][0]["attachments"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{}",
        r.stdout
    );
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    // A symlink under the record's own name: removed, then the record is pinned.
    let rec = std::fs::read_dir(&links).map(|d| d.count()).unwrap_or(0);
    assert_eq!(rec, 0, "detach removed the record");
    ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "xdp",
        "veth0",
        "--prog",
        "lk_a:xdp_count",
    ])
    .ok();
    let name = std::fs::read_dir(&links)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    symlink(other_maps.join("flows"), links.join(&name)).unwrap();
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "attach",
        "xdp",
        "veth0",
        "--prog",
        "lk_a:xdp_count",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("removed a symbolic link planted"),
        "{}",
        r.stderr
    );
    assert!(!std::fs::symlink_metadata(links.join(&name))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        other_maps.join("flows").exists(),
        "the link's target is left alone"
    );
    ns.x0(&["--bpffs", fs.arg(), "detach", "xdp", "veth0"]).ok();
    ns.x0(&["--bpffs", fs.arg(), "unload", "lk_a"]).ok();
    ns.x0(&["--bpffs", fs.arg(), "unload", "lk_b"]).ok();
}
