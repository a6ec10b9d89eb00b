//! `top`, `profile` and `bench` against the real kernel. Runs are made with BPF_PROG_TEST_RUN
//! (`x0bpf bench --repeat K`), so the counts `top` and `profile` report must be exactly K.
//! Every test that turns run statistics on, or checks that they are off, holds the host-wide
//! `stats_lock` (kernel.bpf_stats_enabled is global).
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{compile, require_root, sh, stats_lock, unique, x0, Bpffs};
use serde_json::Value;

/// The test object (tests/bpf/monitor.c), its XDP_DROP program under a unique kernel name.
fn monitor_obj(dir: &Path, drop_name: &str) -> PathBuf {
    compile(
        "monitor.c",
        "clang",
        &["-target", "bpf", "-g", &format!("-DDROP_NAME={drop_name}")],
        dir,
        &format!("{drop_name}.o"),
    )
}

/// Load the object into the private bpffs under `name`; program name → id.
fn load(fs: &Bpffs, obj: &Path, name: &str) -> Vec<(String, u64)> {
    let r = fs.x0(&["-j", "load", obj.to_str().unwrap(), "--name", name]);
    r.ok();
    r.json()["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn id_of(progs: &[(String, u64)], name: &str) -> u64 {
    progs.iter().find(|p| p.0 == name).unwrap().1
}

/// The sysctl (host-wide switch). On Linux 6.18 it reads the sysctl's own setting: it stays 0
/// while only BPF_ENABLE_STATS fds hold statistics on, so it is not the witness for those.
fn sysctl_on() -> bool {
    std::fs::read_to_string("/proc/sys/kernel/bpf_stats_enabled")
        .unwrap()
        .trim()
        == "1"
}

/// run_cnt of a program as bpftool (an independent reader) sees it.
fn run_cnt(id: u64) -> u64 {
    let r = sh("bpftool", &["prog", "show", "id", &id.to_string(), "-j"]);
    assert_eq!(r.code, 0, "bpftool prog show id {id}: {}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v["run_cnt"].as_u64().unwrap_or(0)
}

/// Processes holding a BPF_ENABLE_STATS fd (anon inode `bpf-stats`).
fn stats_fd_holders() -> Vec<u32> {
    let mut pids = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(e.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path())
                .is_ok_and(|t| t.to_string_lossy() == "anon_inode:bpf-stats")
            {
                pids.push(pid);
                break;
            }
        }
    }
    pids
}

/// Stats are off again: nobody holds a stats fd, the sysctl is off, and test runs of program
/// `id` are no longer counted (what "off" means, seen through bpftool).
#[track_caller]
fn assert_stats_off(fs: &Bpffs, id: u64) {
    assert_eq!(stats_fd_holders(), Vec::<u32>::new(), "a stats fd remains");
    assert!(
        !sysctl_on(),
        "kernel.bpf_stats_enabled is 1: someone turned statistics on host-wide"
    );
    let before = run_cnt(id);
    bench_runs(fs, id, 50);
    assert_eq!(run_cnt(id), before, "runs are still counted: stats are on");
}

/// While `pid` runs, it alone holds statistics on, and runs are counted.
#[track_caller]
fn assert_stats_on_by(fs: &Bpffs, pid: u32, id: u64) {
    assert_eq!(stats_fd_holders(), vec![pid]);
    let before = run_cnt(id);
    bench_runs(fs, id, 3);
    assert_eq!(run_cnt(id), before + 3);
}

/// A child killed (SIGKILL) and reaped when dropped, so a failing test leaves no process.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(fs: &Bpffs, args: &[&str]) -> Proc {
    Proc(
        Command::new(common::bin())
            .args(["--bpffs", fs.arg()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn x0bpf"),
    )
}

fn signal(p: &Proc, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(p.0.id() as i32, sig) }, 0);
}

/// The lines of a child's stdout, read by a thread as they come.
struct Lines {
    got: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Lines {
    fn read(out: std::process::ChildStdout) -> Lines {
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let g = got.clone();
        let reader = std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                g.lock().unwrap().push(l);
            }
        });
        Lines { got, reader }
    }

    /// Until at least `n` lines satisfy `ok` (20 s at most).
    fn wait(&self, n: usize, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.got.lock().unwrap().iter().filter(|l| ok(l)).count() >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "not seen in:\n{}",
                self.got.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything, once the writer has closed its end.
    fn finish(self) -> String {
        self.reader.join().unwrap();
        let mut s = self.got.lock().unwrap().join("\n");
        s.push('\n');
        s
    }
}

fn bench_runs(fs: &Bpffs, id: u64, k: u32) {
    fs.x0(&[
        "bench",
        "id",
        &id.to_string(),
        "--repeat",
        &k.to_string(),
        "--live",
    ])
    .ok();
}

/// The runs of program `id` summed over every record of a `top --json` stream.
fn runs_in(records: &[Value], id: u64) -> u64 {
    records
        .iter()
        .flat_map(|r| r["programs"].as_array().unwrap().iter())
        .filter(|p| p["id"] == id)
        .map(|p| p["runs"].as_u64().unwrap())
        .sum()
}

/// Read a whole `top --json` stream: header, records, summary (checked for shape).
fn read_stream(first: &str, rest: &str) -> (Value, Vec<Value>, Value) {
    let header: Value = serde_json::from_str(first).unwrap();
    assert_eq!(header["command"], "top", "{first}");
    assert_eq!(header["schema_version"], 2);
    assert_eq!(header["header"]["records"], "samples");
    let mut lines: Vec<Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary = lines.pop().expect("a summary line");
    assert!(summary.get("summary").is_some(), "{summary}");
    for r in &lines {
        assert!(r.get("summary").is_none() && r.get("header").is_none());
        assert!(r["programs"].is_array() && r["gone"].is_array(), "{r}");
    }
    assert_eq!(
        summary["summary"]["records"].as_u64().unwrap(),
        lines.len() as u64
    );
    (header, lines, summary)
}

#[test]
fn top_json_counts_test_runs_exactly_and_follows_programs() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let progs = load(&fs, &obj, "mon");
    let id = id_of(&progs, &drop_name);

    let mut top = spawn(&fs, &["top", "--json", "--interval", "0.3"]);
    let lines = Lines::read(top.0.stdout.take().unwrap());
    lines.wait(1, |_| true);
    // The header comes after the baseline sample: stats are on, held by top's fd.
    assert_eq!(stats_fd_holders(), vec![top.0.id()]);

    // Runs in two bursts, and a program that appears and disappears meanwhile.
    bench_runs(&fs, id, 4321);
    let extra = load(&fs, &obj, "mon2");
    let extra_id = id_of(&extra, "xdp_empty");
    bench_runs(&fs, extra_id, 55);
    lines.wait(1, |l| {
        l.contains("\"programs\"") && l.contains(&format!("\"id\":{extra_id},"))
    });
    fs.x0(&["unload", "mon2"]).ok();
    lines.wait(1, |l| {
        serde_json::from_str::<Value>(l).is_ok_and(|v| {
            v["gone"]
                .as_array()
                .is_some_and(|g| g.contains(&extra_id.into()))
        })
    });
    bench_runs(&fs, id, 1000);
    signal(&top, libc::SIGTERM);
    let st = top.0.wait().unwrap();
    assert!(st.success(), "top exited with {st}");
    let all = lines.finish();
    let (first, rest) = all.split_once('\n').unwrap();
    let (header, records, summary) = read_stream(first, rest);
    assert_eq!(header["header"]["interval_s"], 0.3);
    assert_eq!(summary["summary"]["reason"], "interrupted");
    assert!(records.len() >= 2, "{} records", records.len());

    // Exactly the test runs, no more, no less.
    assert_eq!(runs_in(&records, id), 5321);
    assert_eq!(runs_in(&records, extra_id), 55);
    // Rates and averages agree with the raw deltas.
    for r in &records {
        let dt = r["interval_s"].as_f64().unwrap();
        for p in r["programs"].as_array().unwrap() {
            let runs = p["runs"].as_u64().unwrap();
            let ns = p["run_time_ns"].as_u64().unwrap();
            let rps = p["runs_per_s"].as_f64().unwrap();
            assert!((rps - runs as f64 / dt).abs() < 1e-6 * (1.0 + rps), "{p}");
            if runs > 0 {
                let avg = p["avg_ns"].as_f64().unwrap();
                assert!((avg - ns as f64 / runs as f64).abs() < 1e-6, "{p}");
                assert!(ns > 0, "{p}");
            } else {
                assert!(p["avg_ns"].is_null(), "{p}");
            }
        }
    }
    // The second object was new in one record and gone in a later one.
    let appeared = records.iter().position(|r| {
        r["programs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == extra_id && p["new"] == true)
    });
    let gone = records
        .iter()
        .position(|r| r["gone"].as_array().unwrap().contains(&extra_id.into()));
    let (a, g) = (
        appeared.expect("new program seen"),
        gone.expect("gone seen"),
    );
    assert!(a < g, "appeared in record {a}, gone in {g}");
    assert!(!records[g]["programs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == extra_id));
    assert_stats_off(&fs, id);
}

/// `top -b` / `top --plain` (issue 28): plain rows, one block per sample, each row starting
/// with its sample number; `--no-headers` drops the header lines; piped without either flag
/// it stays JSON lines (above).
#[test]
fn top_batch_is_rows_each_naming_its_sample() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let id = id_of(
        &load(&fs, &monitor_obj(dir.path(), &drop_name), "mon"),
        &drop_name,
    );
    for flag in ["--plain", "-b", "--batch"] {
        let r = fs.x0(&["top", flag, "--count", "2", "--interval", "0.1"]);
        r.ok();
        assert!(!r.stdout.contains('{'), "{flag}: not JSON:\n{}", r.stdout);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let heads: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("SAMPLE "))
            .collect();
        assert_eq!(
            heads.len(),
            2,
            "{flag}: one block per sample:\n{}",
            r.stdout
        );
        assert_eq!(heads[0], 0, "{}", r.stdout);
        assert!(
            lines[0]
                .split_whitespace()
                .eq(["SAMPLE", "ID", "TYPE", "NAME", "RUNS/S", "AVG_NS", "CPU_%"]),
            "{}",
            lines[0]
        );
        for (i, l) in lines.iter().enumerate() {
            if heads.contains(&i) {
                continue;
            }
            let sample = if i < heads[1] { "1" } else { "2" };
            let w: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(w[0], sample, "{flag}: every row names its sample: {l:?}");
            assert_eq!(w.len(), 7, "{flag}: one word per cell: {l:?}");
        }
        assert!(
            lines
                .iter()
                .any(|l| l.split_whitespace().nth(1) == Some(&id.to_string()[..])),
            "{flag}: our program is listed:\n{}",
            r.stdout
        );
    }
    let r = fs.x0(&[
        "top",
        "-b",
        "--no-headers",
        "--count",
        "2",
        "--interval",
        "0.1",
    ]);
    r.ok();
    assert!(!r.stdout.contains("SAMPLE"), "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .all(|l| l.starts_with("1 ") || l.starts_with("2 ")),
        "{}",
        r.stdout
    );
    // -j wins over -b: the stream.
    let r = fs.x0(&["-j", "top", "-b", "--count", "1", "--interval", "0.1"]);
    r.ok();
    assert!(r.stdout.starts_with('{'), "{}", r.stdout);
    assert_stats_off(&fs, id);
}

#[test]
fn top_count_and_stdout_not_a_terminal() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let id = id_of(
        &load(&fs, &monitor_obj(dir.path(), &drop_name), "mon"),
        &drop_name,
    );
    // No --json: stdout is a pipe, so the stream is written anyway.
    let r = fs.x0(&["top", "--count", "2", "--interval", "0.1"]);
    r.ok();
    let (first, rest) = r.stdout.split_once('\n').unwrap();
    let (_, records, summary) = read_stream(first, rest);
    assert_eq!(records.len(), 2);
    assert_eq!(summary["summary"]["reason"], "count");
    assert_eq!(records[0]["seq"], 1);
    assert_eq!(records[1]["seq"], 2);
    assert_stats_off(&fs, id);
    // A closed stdout ends it quietly.
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} --bpffs {} top --interval 0.05 | head -c 10 >/dev/null",
            common::bin(),
            fs.arg()
        ))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_stats_off(&fs, id);
}

#[test]
fn profile_counts_test_runs_exactly() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let progs = load(&fs, &obj, "mon");
    let id = id_of(&progs, &drop_name);

    // Every way of naming the program; the window ends on SIGINT after the runs.
    for (k, how) in [
        (2345u32, vec!["id".to_string(), id.to_string()]),
        (17, vec!["name".into(), drop_name.clone()]),
        (100, vec![format!("mon:{drop_name}")]),
        (
            1,
            vec![fs
                .dir
                .join(format!("x0bpf/mon/progs/{drop_name}"))
                .to_string_lossy()
                .into_owned()],
        ),
    ] {
        let mut args = vec!["-j", "profile"];
        args.extend(how.iter().map(String::as_str));
        args.extend(["--duration", "60s"]);
        let mut p = spawn(&fs, &args);
        let mut err = BufReader::new(p.0.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        assert!(line.contains("profiling program"), "{how:?}: {line}");
        assert_eq!(stats_fd_holders(), vec![p.0.id()]);
        bench_runs(&fs, id, k);
        signal(&p, libc::SIGINT);
        let mut s = String::new();
        p.0.stdout.take().unwrap().read_to_string(&mut s).unwrap();
        assert!(p.0.wait().unwrap().success(), "{how:?}: {s}");
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["command"], "profile");
        assert_eq!(v["reason"], "interrupted");
        assert_eq!(v["program"]["id"], id);
        assert_eq!(v["program"]["runs"], k, "{how:?}: {v}");
        let ns = v["program"]["run_time_ns"].as_u64().unwrap();
        assert!(ns > 0);
        let avg = v["program"]["avg_ns"].as_f64().unwrap();
        assert!((avg - ns as f64 / k as f64).abs() < 1e-6);
        assert_stats_off(&fs, id);
    }

    // --duration ends it by itself; text output.
    let r = fs.x0(&["profile", "id", &id.to_string(), "--duration", "200ms"]);
    r.ok();
    assert!(r.stdout.contains("runs         0"), "{}", r.stdout);
    assert_stats_off(&fs, id);
}

#[test]
fn profile_addressing_errors() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let a = id_of(&load(&fs, &obj, "mona"), &drop_name);
    let b = id_of(&load(&fs, &obj, "monb"), &drop_name);
    // Two programs with that kernel name: refused, naming both ids (exit 2).
    let r = fs.x0(&["profile", "name", &drop_name, "--duration", "1s"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("id {a}")) && r.stderr.contains(&format!("id {b}")),
        "{}",
        r.stderr
    );
    for (args, code) in [
        (vec!["profile", "id", "4000000000"], 7),
        (vec!["profile", "name", "nosuchprog_x0"], 7),
        (vec!["profile", "mona:nosuch"], 7),
        (vec!["profile", "notloaded:prog"], 7),
        (vec!["profile", "mona/somemap"], 2),
        (vec!["profile", "id", "zero"], 2),
        (vec!["profile", "justaword"], 2),
    ] {
        let r = fs.x0(&args);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
    }
    let r = fs.x0(&["-j", "profile", "id", "4000000000"]);
    assert_eq!(r.json()["error"]["kind"], "not_found");
}

#[test]
fn killed_top_and_profile_leave_stats_off() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let id = id_of(&load(&fs, &obj, "mon"), &drop_name);

    let mut top = spawn(&fs, &["top", "--json", "--interval", "0.2"]);
    let mut line = String::new();
    BufReader::new(top.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_stats_on_by(&fs, top.0.id(), id);
    signal(&top, libc::SIGKILL);
    top.0.wait().unwrap();
    assert_stats_off(&fs, id);

    let mut p = spawn(
        &fs,
        &["profile", "id", &id.to_string(), "--duration", "60s"],
    );
    let mut line = String::new();
    BufReader::new(p.0.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_stats_on_by(&fs, p.0.id(), id);
    signal(&p, libc::SIGKILL);
    p.0.wait().unwrap();
    assert_stats_off(&fs, id);
}

/// `top` in a terminal (a pty of 100x40, read through a terminal emulator): draws the table,
/// re-sorts on keys, quits on q, Ctrl-C and SIGTERM, and leaves the terminal as it found it
/// (main screen back, cursor shown).
#[test]
fn top_view_in_a_terminal_restores_it() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let id = id_of(
        &load(&fs, &monitor_obj(dir.path(), &drop_name), "mon"),
        &drop_name,
    );
    for quit in ["q", "ctrl-c", "sigterm"] {
        let (master, slave) = pty(100, 40);
        let dup = |fd: &OwnedFd| Stdio::from(fd.try_clone().unwrap());
        let child = Command::new(common::bin())
            // Samples rarely: between keys the screen holds still.
            .args(["--bpffs", fs.arg(), "top", "--interval", "5"])
            .stdin(dup(&slave))
            .stdout(dup(&slave))
            .stderr(dup(&slave))
            .spawn()
            .unwrap();
        drop(slave);
        let mut child = Proc(child);
        let mut term = Term {
            f: std::fs::File::from(master),
            vt: vt100::Parser::new(40, 100, 0),
        };
        term.wait(|s| s.contains("RUNS/S") && s.contains(&drop_name));
        assert!(term.vt.screen().alternate_screen());
        assert_stats_on_by(&fs, child.0.id(), id);
        term.f.write_all(b"3").unwrap(); // sort by name
        term.settle(|s| s.contains("sort: name asc |"));
        let names = term.names();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "ascending by name");
        term.f.write_all(b"r").unwrap();
        term.settle(|s| s.contains("sort: name desc |"));
        let names = term.names();
        sorted.reverse();
        assert_eq!(names, sorted, "descending by name");
        term.f.write_all(b"\x1b[D").unwrap(); // left arrow: the column before NAME
        term.wait(|s| s.contains("sort: type asc |"));
        match quit {
            "q" => term.f.write_all(b"q").unwrap(),
            "ctrl-c" => term.f.write_all(&[3]).unwrap(),
            _ => signal(&child, libc::SIGTERM),
        }
        let st = child.0.wait().unwrap();
        assert!(st.success(), "{quit}: {st}");
        term.drain();
        assert!(
            !term.vt.screen().alternate_screen(),
            "{quit}: main screen back"
        );
        assert!(
            !term.vt.screen().hide_cursor(),
            "{quit}: cursor shown again"
        );
        assert_stats_off(&fs, id);
    }
}

/// `top` on a 60-column terminal: the whole help line shows, and every key it names works
/// (1-6 and ←/→ sort, r reverses, ↑/↓ move the highlighted row, q quits).
#[test]
fn top_view_help_fits_60_columns_and_its_keys_work() {
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    load(&fs, &monitor_obj(dir.path(), &drop_name), "mon");
    let (master, slave) = pty(60, 24);
    let dup = |fd: &OwnedFd| Stdio::from(fd.try_clone().unwrap());
    let child = Command::new(common::bin())
        .args(["--bpffs", fs.arg(), "top", "--interval", "5"])
        .stdin(dup(&slave))
        .stdout(dup(&slave))
        .stderr(dup(&slave))
        .spawn()
        .unwrap();
    drop(slave);
    let mut child = Proc(child);
    let mut term = Term {
        f: std::fs::File::from(master),
        vt: vt100::Parser::new(24, 60, 0),
    };
    term.wait(|s| s.contains("RUNS/S"));
    let help = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("sort: "))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let h = help(&term.vt.screen().contents());
    assert!(
        h.starts_with("sort: cpu desc |") && h.trim_end().ends_with("q quit"),
        "the whole help line at 60 columns: {h:?}"
    );
    for &(k, want) in &[
        (&b"3"[..], "sort: name asc |"),
        (b"r", "sort: name desc |"),
        (b"\x1b[C", "sort: runs desc |"),
        (b"\x1b[D", "sort: name asc |"),
        (b"6", "sort: cpu desc |"),
    ] {
        term.f.write_all(k).unwrap();
        term.settle(|s| s.contains(want));
    }
    // The highlighted row: ↓ selects the first, ↓ again the next (or stays on a lone row),
    // ↑ goes back to the first.
    let highlighted = |t: &Term| -> Option<u16> {
        let sc = t.vt.screen();
        (3..24).find(|&r| sc.cell(r, 0).is_some_and(|c| c.inverse()))
    };
    assert_eq!(highlighted(&term), None);
    term.f.write_all(b"\x1b[B").unwrap();
    term.settle(|_| true);
    let first = highlighted(&term).expect("↓ highlights a row");
    term.f.write_all(b"\x1b[B").unwrap();
    term.settle(|_| true);
    let second = highlighted(&term).expect("still a row");
    assert!(second >= first);
    term.f.write_all(b"\x1b[A").unwrap();
    term.settle(|_| true);
    assert_eq!(highlighted(&term), Some(first), "↑ back to the first row");
    term.f.write_all(b"q").unwrap();
    let st = child.0.wait().unwrap();
    assert!(st.success(), "q: {st}");
    term.drain();
    assert!(!term.vt.screen().alternate_screen());
}

fn pty(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let (mut m, mut s) = (0, 0);
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out pointers to locals, a valid winsize.
    let rc = unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: fresh fds from openpty.
    unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) }
}

/// The pty's master side and what a terminal would show.
struct Term {
    f: std::fs::File,
    vt: vt100::Parser,
}

impl Term {
    /// Read for up to `ms`; false when the other side is closed.
    fn read_some(&mut self, ms: i32) -> bool {
        let mut pfd = libc::pollfd {
            fd: self.f.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, ms) } <= 0 {
            return pfd.revents & libc::POLLHUP == 0;
        }
        let mut buf = [0u8; 8192];
        match self.f.read(&mut buf) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.vt.process(&buf[..n]);
                true
            }
        }
    }

    /// Until the screen satisfies `ok` (10 s at most).
    fn wait(&mut self, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ok(&self.vt.screen().contents()) {
            assert!(
                Instant::now() < deadline,
                "screen never matched:\n{}",
                self.vt.screen().contents()
            );
            assert!(
                self.read_some(200),
                "pty closed:\n{}",
                self.vt.screen().contents()
            );
        }
    }

    /// Until the screen satisfies `ok`, then whatever the same frame still writes.
    fn settle(&mut self, ok: impl Fn(&str) -> bool) {
        self.wait(ok);
        let until = Instant::now() + Duration::from_millis(300);
        while Instant::now() < until && self.read_some(50) {}
    }

    /// Everything left after the process exited.
    fn drain(&mut self) {
        while self.read_some(200) {}
    }

    /// The NAME column, top to bottom.
    fn names(&self) -> Vec<String> {
        let text = self.vt.screen().contents();
        let mut lines = text.lines().skip_while(|l| !l.contains("RUNS/S"));
        lines.next();
        lines
            .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
            .collect()
    }
}

fn bench_json(fs: &Bpffs, args: &[&str]) -> Value {
    let mut a = vec!["-j", "bench"];
    a.extend_from_slice(args);
    let r = fs.x0(&a);
    r.ok();
    let v = r.json();
    assert_eq!(v["command"], "bench");
    v
}

#[test]
fn bench_embedded_programs_and_return_codes() {
    require_root();
    let fs = Bpffs::new();
    // Embedded objects, loaded for the run only.
    let v = bench_json(&fs, &["xdp_counter", "--repeat", "1000"]);
    assert_eq!(v["retval_name"], "XDP_PASS");
    assert_eq!(v["retval"], 2);
    assert_eq!(v["program"]["source"], "ephemeral");
    assert_eq!(v["program"]["type"], "xdp");
    assert_eq!(v["frame"]["kind"], "udp");
    assert_eq!(v["out_len"], v["frame"]["len"]);
    assert_eq!(v["changed"], false);
    assert_eq!(v["repeat"], 1000);
    assert!(v["ns_per_run"].as_u64().unwrap() > 0);
    let eph = v["program"]["id"].as_u64().unwrap();
    // Released after the run.
    assert_ne!(
        sh("bpftool", &["prog", "show", "id", &eph.to_string()]).code,
        0
    );
    for frame in ["tcp", "icmp"] {
        let v = bench_json(&fs, &["xdp_counter:xdp_count", "--frame", frame]);
        assert_eq!(v["retval_name"], "XDP_PASS", "{frame}");
        assert_eq!(v["frame"]["kind"], frame);
    }
    let v = bench_json(&fs, &["tc_classifier", "--repeat", "100"]);
    assert_eq!(v["retval"], -1);
    assert_eq!(v["retval_name"], "TCX_NEXT");
    assert_eq!(v["program"]["type"], "sched_cls");
    // Objects without a packet program: unsupported (exit 5), nothing loaded.
    for o in [
        "syscall_latency",
        "net_events",
        "syscall_latency:raw_sys_enter",
    ] {
        let r = fs.x0(&["bench", o]);
        assert_eq!(r.code, 5, "{o}: {}", r.stderr);
        assert!(
            r.stderr.contains("BPF_PROG_TEST_RUN runs XDP"),
            "{}",
            r.stderr
        );
    }
    let r = fs.x0(&["bench", "xdp_counter:nosuch"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    // Loaded programs: each return code by name, and bpftool as a witness.
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let progs = load(&fs, &obj, "mon");
    let frame = dir.path().join("frame.bin");
    let mut bytes = vec![0xffu8; 6];
    bytes.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
    bytes.extend_from_slice(&[0u8; 46]);
    std::fs::write(&frame, &bytes).unwrap();
    for (prog, name, ret) in [
        (drop_name.as_str(), "XDP_DROP", 1i64),
        ("xdp_empty", "XDP_PASS", 2),
        ("tc_shot", "TC_ACT_SHOT", 2),
        ("sock_trunc", "TRUNCATE(20)", 20),
    ] {
        let id = id_of(&progs, prog).to_string();
        // A file's program: no ELF to copy, so only --live runs it.
        let r = fs.x0(&["bench", "id", &id, "--frame", frame.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{prog}: {}", r.stderr);
        assert!(r.stderr.contains("--live"), "{}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        let v = bench_json(
            &fs,
            &["id", &id, "--frame", frame.to_str().unwrap(), "--live"],
        );
        assert_eq!(v["retval_name"], name, "{prog}");
        assert_eq!(v["retval"], ret, "{prog}");
        assert_eq!(v["program"]["source"], "kernel");
        assert_eq!(v["frame"]["kind"], "file");
        assert_eq!(v["frame"]["len"], 60);
        assert_eq!(v["out_len"], 60, "{prog}");
        assert_eq!(v["changed"], false, "{prog}");
        let w = sh(
            "bpftool",
            &["prog", "run", "id", &id, "data_in", frame.to_str().unwrap()],
        );
        assert_eq!(w.code, 0, "{}", w.stderr);
        let said = format!("{}{}", w.stdout, w.stderr);
        let want = format!("Return value: {}", ret as u32);
        assert!(said.contains(&want), "bpftool: {said}, want {want}");
        // Also through the OBJECT:PROG of the loaded object.
        let v = bench_json(&fs, &[&format!("mon:{prog}"), "--repeat", "10", "--live"]);
        assert_eq!(v["retval_name"], name);
        assert_eq!(v["program"]["id"].to_string(), id);
    }
    // A tracepoint program cannot be test-run on a frame: exit 5 with the reason.
    let tp = id_of(&progs, "tp_getpid").to_string();
    let r = fs.x0(&["bench", "id", &tp]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("tracepoint program"), "{}", r.stderr);
    let r = fs.x0(&["-j", "bench", "mon:tp_getpid"]);
    assert_eq!(r.json()["error"]["kind"], "unsupported");
}

#[test]
fn bench_refuses_bad_frames() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, [0u8; 13]).unwrap();
    let big = dir.path().join("big");
    std::fs::write(&big, vec![0u8; 65536]).unwrap();
    let fifo = dir.path().join("fifo");
    assert_eq!(sh("mkfifo", &[fifo.to_str().unwrap()]).code, 0);
    let missing = dir.path().join("missing");
    for (f, says) in [
        (short.to_str().unwrap(), "13 bytes"),
        (big.to_str().unwrap(), "larger than 65535"),
        (fifo.to_str().unwrap(), "a FIFO"),
        ("/dev/zero", "a device"),
        (dir.path().to_str().unwrap(), "a directory"),
        (missing.to_str().unwrap(), "No such file"),
        ("sctp", "No such file"),
    ] {
        let start = Instant::now();
        let r = fs.x0(&["bench", "xdp_counter", "--frame", f]);
        assert_eq!(r.code, 2, "{f}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{f}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        // Never waits on a FIFO (a generous bound: only a hang would exceed it).
        assert!(start.elapsed() < Duration::from_secs(30));
    }
    // The largest accepted file runs (skb programs take it; XDP's limit is the kernel's).
    let ok = dir.path().join("ok");
    std::fs::write(&ok, {
        let mut b = vec![0u8; 1500];
        b[12] = 0x08;
        b
    })
    .unwrap();
    let v = bench_json(&fs, &["tc_classifier", "--frame", ok.to_str().unwrap()]);
    assert_eq!(v["frame"]["len"], 1500);
    assert_eq!(v["out_len"], 1500);
    // --repeat 0 is a usage error.
    assert_eq!(x0(&["bench", "xdp_counter", "--repeat", "0"]).code, 2);
}

#[test]
fn without_capabilities_commands_say_so() {
    require_root();
    let fs = Bpffs::new();
    for args in [
        vec!["bench", "xdp_counter"],
        vec!["top", "--count", "1"],
        vec!["profile", "id", "1"],
    ] {
        let mut a = vec![
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            common::bin(),
            "--bpffs",
            fs.arg(),
        ];
        a.extend_from_slice(&args);
        let r = sh("setpriv", &a);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("CAP_BPF"), "{args:?}: {}", r.stderr);
    }
    // Root of a user namespace: capabilities there do not reach BPF; a refused load says
    // so (exit 4), not "the kernel refused" (exit 6).
    let r = sh(
        "unshare",
        &[
            "-Ur",
            common::bin(),
            "bench",
            "xdp_counter",
            "--repeat",
            "1",
        ],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("user namespace"), "{}", r.stderr);
    // Root without CAP_SYS_ADMIN: statistics and ids are out of reach, and the error says why;
    // a program pinned on bpffs can still be benched (CAP_BPF is enough).
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let id = id_of(
        &load(&fs, &monitor_obj(dir.path(), &drop_name), "mon"),
        &drop_name,
    );
    let pin = fs.dir.join(format!("x0bpf/mon/progs/{drop_name}"));
    let no_admin = |args: &[&str]| {
        let mut a = vec![
            "--inh-caps=-sys_admin",
            "--bounding-set=-sys_admin",
            common::bin(),
            "--bpffs",
            fs.arg(),
        ];
        a.extend_from_slice(args);
        sh("setpriv", &a)
    };
    let r = no_admin(&["top", "--count", "1"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("CAP_SYS_ADMIN"), "{}", r.stderr);
    let r = no_admin(&["bench", "id", &id.to_string()]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("CAP_SYS_ADMIN"), "{}", r.stderr);
    // `name NAME` walks every id: refused without CAP_SYS_ADMIN, which is not "not found".
    for cmd in ["bench", "profile"] {
        let r = no_admin(&[cmd, "name", &drop_name]);
        assert_eq!(r.code, 4, "{cmd}: {}", r.stderr);
        assert!(
            r.stderr.contains("CAP_SYS_ADMIN") && r.stderr.contains("pinned PATH"),
            "{cmd}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
    let r = no_admin(&[
        "-j",
        "bench",
        pin.to_str().unwrap(),
        "--repeat",
        "5",
        "--live",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["retval_name"], "XDP_DROP");
}

/// Program ids bpftool lists under a kernel name.
fn ids_named(name: &str) -> Vec<u64> {
    let r = sh("bpftool", &["prog", "show", "-j"]);
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == name)
        .map(|p| p["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn bench_object_files_and_sigkill_leave_nothing() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let obj = monitor_obj(dir.path(), &drop_name);
    let o = obj.to_str().unwrap();
    // A file is loaded for the run only, by path (not a pin: it is not on bpffs).
    let v = bench_json(&fs, &[&format!("{o}:{drop_name}"), "--repeat", "10"]);
    assert_eq!(v["retval_name"], "XDP_DROP");
    assert_eq!(v["program"]["source"], "ephemeral");
    assert_eq!(ids_named(&drop_name), Vec::<u64>::new());
    // Several packet programs: which one? (exit 2, the hint usable as typed)
    let r = fs.x0(&["bench", o]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("name one as {o}:")),
        "{}",
        r.stderr
    );
    let r = fs.x0(&["bench", "xdp_counter:"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A program of a file that cannot be test-run: exit 5, pointing to `profile`.
    let r = fs.x0(&["bench", &format!("{o}:tp_getpid")]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("profile PROG"), "{}", r.stderr);

    // Killed in the middle of a long test run: the kernel releases the program.
    let mut p = Proc(
        Command::new(common::bin())
            .args(["--bpffs", fs.arg(), "bench"])
            .arg(format!("{o}:{drop_name}"))
            .args(["--repeat", "4000000000"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while ids_named(&drop_name).is_empty() {
        assert!(Instant::now() < deadline, "the program never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        p.0.try_wait().unwrap().is_none(),
        "bench ended before the kill"
    );
    signal(&p, libc::SIGKILL);
    p.0.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ids_named(&drop_name).is_empty() {
        assert!(Instant::now() < deadline, "program left after SIGKILL");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The kernel's frame limits differ by kind (Linux 6.18): tc and socket filter runs build an
/// skb that must fit a page; XDP takes up to 65535 bytes (fragments past a page). The error
/// for a tc frame too long says the tc limit, not XDP's.
#[test]
fn bench_frame_size_limits_per_kind() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let frame = |n: usize| {
        let f = dir.path().join(format!("f{n}"));
        let mut b = vec![0u8; n];
        b[12] = 0x08;
        std::fs::write(&f, b).unwrap();
        f.to_str().unwrap().to_string()
    };
    let (fits, long, max) = (frame(3712), frame(4000), frame(65535));
    let v = bench_json(&fs, &["tc_classifier", "--frame", &fits, "--repeat", "1"]);
    assert_eq!(v["out_len"], 3712);
    let r = fs.x0(&["bench", "tc_classifier", "--frame", &long, "--repeat", "1"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("tc and socket filter frames") && r.stderr.contains("3712"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    let v = bench_json(&fs, &["xdp_counter", "--frame", &max, "--repeat", "1"]);
    assert_eq!(v["out_len"], 65535);
    assert_eq!(v["retval_name"], "XDP_PASS");
}

/// A symlink (outside bpffs) to a pinned program names that program: it is not read as an
/// object file.
#[test]
fn bench_through_a_symlink_to_a_pin() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let drop_name = format!("dr{}", unique());
    let id = id_of(
        &load(&fs, &monitor_obj(dir.path(), &drop_name), "mon"),
        &drop_name,
    );
    let link = dir.path().join("to-pin");
    std::os::unix::fs::symlink(fs.dir.join(format!("x0bpf/mon/progs/{drop_name}")), &link).unwrap();
    let v = bench_json(&fs, &[link.to_str().unwrap(), "--repeat", "3", "--live"]);
    assert_eq!(v["program"]["id"], id);
    assert_eq!(v["program"]["source"], "kernel");
    assert_eq!(v["retval_name"], "XDP_DROP");
}

/// A terminal that reports no size (0x0, as serial consoles do), or one top cannot read keys
/// from (stdin not a terminal, no controlling terminal), cannot show the view: top writes the
/// stream there instead of a blank screen or an error.
#[test]
fn top_on_a_terminal_it_cannot_drive_streams() {
    use std::os::unix::process::CommandExt;
    require_root();
    let _lock = stats_lock();
    let fs = Bpffs::new();
    for (size, keys) in [((0, 0), true), ((80, 24), false)] {
        let (master, slave) = pty(size.0, size.1);
        let dup = |fd: &OwnedFd| Stdio::from(fd.try_clone().unwrap());
        let mut cmd = Command::new(common::bin());
        cmd.args([
            "--bpffs",
            fs.arg(),
            "top",
            "--interval",
            "0.1",
            "--count",
            "1",
        ])
        .stdin(if keys { dup(&slave) } else { Stdio::null() })
        .stdout(dup(&slave))
        .stderr(dup(&slave));
        // SAFETY: setsid is async-signal-safe; a new session has no controlling terminal.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        // Every copy of the slave closed here (the Command holds some): the master then reads
        // EOF/EIO once top exits.
        drop(cmd);
        drop(slave);
        let mut child = Proc(child);
        let mut out = Vec::new();
        let mut f = std::fs::File::from(master);
        let deadline = Instant::now() + Duration::from_secs(30);
        // Until the child closes the pty (EIO on the master once every slave fd is gone).
        let mut buf = [0u8; 65536];
        loop {
            assert!(Instant::now() < deadline, "top never ended");
            let mut pfd = libc::pollfd {
                fd: f.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd. Waits in slices so the deadline is checked.
            if unsafe { libc::poll(&mut pfd, 1, 200) } == 0 {
                continue;
            }
            match f.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        let text = String::from_utf8_lossy(&out).replace("\r\n", "\n");
        assert!(child.0.wait().unwrap().success(), "{size:?}: {text}");
        let mut lines = text.lines();
        let first = lines.next().expect("a header line");
        let rest: String = lines.map(|l| format!("{l}\n")).collect();
        let (_, records, summary) = read_stream(first, &rest);
        assert_eq!(records.len(), 1);
        assert_eq!(summary["summary"]["reason"], "count");
    }
}

/// Map ids bpftool lists under a kernel name.
fn map_ids_named(name: &str) -> Vec<u64> {
    let r = sh("bpftool", &["map", "show", "-j"]);
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == name)
        .map(|m| m["id"].as_u64().unwrap())
        .collect()
}

/// `bench` of an object file killed (SIGKILL) at each of its bpf(2) calls in turn: the program
/// and map it loaded for the run are released every time (freeing is asynchronous: waited for).
#[test]
fn bench_killed_at_every_bpf_call_leaves_nothing() {
    require_root();
    let fs = Bpffs::new();
    let dir = tempfile::tempdir().unwrap();
    let u = unique();
    let (prog, map) = (format!("bk{u}"), format!("bm{u}"));
    let obj = compile(
        "monitor_map.c",
        "clang",
        &[
            "-target",
            "bpf",
            "-g",
            &format!("-DPROG_NAME={prog}"),
            &format!("-DMAP_NAME={map}"),
        ],
        dir.path(),
        "mm.o",
    );
    let o = obj.to_str().unwrap().to_string();
    let bench = |inject: Option<u32>| {
        let mut c = Command::new("strace");
        c.args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=bpf"]);
        if let Some(n) = inject {
            c.args(["-e", &format!("inject=bpf:signal=KILL:when={n}")]);
        }
        c.arg(common::bin())
            .args(["--bpffs", fs.arg(), "bench", &o, "--repeat", "10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run strace (apt-get install strace)")
    };
    assert!(bench(None).success(), "bench under strace");
    let mut killed = 0;
    for n in 1.. {
        let st = bench(Some(n));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ids_named(&prog).is_empty() || !map_ids_named(&map).is_empty() {
            assert!(
                Instant::now() < deadline,
                "killed at bpf call {n}: program {:?} / map {:?} left",
                ids_named(&prog),
                map_ids_named(&map)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        if st.success() {
            break; // past the last bpf call
        }
        assert_eq!(st.code(), None, "bpf call {n}: {st}");
        killed += 1;
        assert!(n < 500, "bench never got past its bpf calls");
    }
    assert!(killed >= 5, "only {killed} bpf calls");
}

/// Issue 20 §3: bench of an attached program leaves its live maps alone. The attached
/// tc_classify runs as a fresh copy (empty maps): its flow table, which `flows` and the
/// exporter read, gets no made-up 192.0.2.1 flow. `--live` runs the program itself and says,
/// before the runs and in the report, that it may write its flow table.
#[test]
fn bench_of_an_attached_program_leaves_its_maps_alone_unless_live() {
    let ns = common::NetNs::new();
    let fs = Bpffs::new();
    let att = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "attach",
        "tc",
        "veth0",
        "--direction",
        "ingress",
    ]);
    att.ok();
    let id = att.json()["prog_id"].as_u64().unwrap().to_string();
    let bench_frames = || -> Vec<Value> {
        let r = ns.x0(&["--bpffs", fs.arg(), "-j", "flows", "--top", "0"]);
        r.ok();
        r.json()["flows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["local"] == "192.0.2.1" || f["remote"] == "192.0.2.1")
            .cloned()
            .collect()
    };
    for prog in [vec!["id", id.as_str()], vec!["tc_classifier:tc_classify"]] {
        let mut a = vec!["--bpffs", fs.arg(), "-j", "bench"];
        a.extend_from_slice(&prog);
        a.extend_from_slice(&["--repeat", "1000"]);
        let r = ns.x0(&a);
        r.ok();
        let v = r.json();
        assert_eq!(v["program"]["source"], "copy", "{prog:?}: {v}");
        assert_eq!(v["program"]["object"], "tc_classifier");
        assert_eq!(v["program"]["copy_of"].to_string(), id);
        assert_ne!(
            v["program"]["id"].to_string(),
            id,
            "a copy, not the program"
        );
        assert_eq!(v["live"], false);
        assert_eq!(v["may_write"], Value::Null);
        assert_eq!(v["retval_name"], "TCX_NEXT");
        assert!(!r.stderr.contains("--live"), "{}", r.stderr);
        assert!(
            bench_frames().is_empty(),
            "{prog:?} wrote into the live flow table"
        );
    }
    // --live: the program itself, announced before it runs.
    let r = ns.x0(&[
        "--bpffs",
        fs.arg(),
        "-j",
        "bench",
        "id",
        &id,
        "--repeat",
        "7",
        "--live",
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v["program"]["source"], "kernel");
    assert_eq!(v["program"]["id"].to_string(), id);
    assert_eq!(v["live"], true);
    let w: Vec<&str> = v["may_write"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(w.contains(&"flows"), "{v}");
    assert!(
        r.stderr.contains("--live") && r.stderr.contains("flows"),
        "{}",
        r.stderr
    );
    let f = bench_frames();
    assert_eq!(f.len(), 1, "the live runs are in the flow table: {f:?}");
    assert_eq!(f[0]["packets"], 7);
    ns.x0(&["--bpffs", fs.arg(), "unload", "tc_classifier"])
        .ok();
}

/// Issue 20 §4.5: a long bench (one BPF_PROG_TEST_RUN of seconds) shows a spinner on a
/// terminal; never with --json, never in a pipe.
#[test]
fn bench_shows_progress_on_a_terminal_only() {
    require_root();
    let fs = Bpffs::new();
    let (code, raw) = common::x0_on_pty(&[
        "--bpffs",
        fs.arg(),
        "bench",
        "xdp_counter",
        "--repeat",
        "2000000",
    ]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("2000000 times"), "spinner: {text}");
    let (code, raw) = common::x0_on_pty(&[
        "--bpffs",
        fs.arg(),
        "--json",
        "bench",
        "xdp_counter",
        "--repeat",
        "1000",
    ]);
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("1000 times"),
        "no spinner with --json: {text}"
    );
    let r = fs.x0(&["bench", "xdp_counter", "--repeat", "1000"]);
    r.ok();
    assert!(!r.stderr.contains("times"), "{}", r.stderr);
}
