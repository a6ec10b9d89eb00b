//! `x0bpf tail` on a ring buffer that bpftool created and an XDP program fills
//! (BPF_PROG_TEST_RUN: 1000 numbered 32-byte records per run).
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, compile, require_root, sh, Bpffs};
use serde_json::Value;

struct Ring {
    fs: Bpffs,
    tmp: tempfile::TempDir,
}

impl Ring {
    fn new() -> Ring {
        require_root();
        let fs = Bpffs::new();
        let tmp = tempfile::tempdir().unwrap();
        let obj = compile(
            "map_types.c",
            "clang",
            &["-target", "bpf", "-g"],
            tmp.path(),
            "mt.o",
        );
        let r = sh(
            "bpftool",
            &[
                "prog",
                "loadall",
                obj.to_str().unwrap(),
                &format!("{}/p", fs.arg()),
                "pinmaps",
                &format!("{}/m", fs.arg()),
            ],
        );
        assert_eq!(r.code, 0, "bpftool loadall: {}", r.stderr);
        std::fs::write(tmp.path().join("pkt"), [0u8; 64]).unwrap();
        Ring { fs, tmp }
    }

    fn events(&self) -> String {
        format!("{}/m/events", self.fs.arg())
    }

    /// Emit `runs` × 1000 records.
    fn emit(&self, runs: u32) {
        let r = sh(
            "bpftool",
            &[
                "prog",
                "run",
                "pinned",
                &format!("{}/p/emit", self.fs.arg()),
                "data_in",
                self.tmp.path().join("pkt").to_str().unwrap(),
                "repeat",
                &runs.to_string(),
            ],
        );
        assert_eq!(r.code, 0, "prog run: {}", r.stderr);
    }
}

fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn check_sequence(recs: &[Value], first: u64) {
    for (i, r) in recs.iter().enumerate() {
        let n = first + i as u64;
        assert_eq!(r["size"], 32);
        let v = &r["value"];
        assert_eq!(v["seq"], n, "out of order at {i}: {r}");
        assert_eq!(v["x"], n * 3);
        assert_eq!(v["pid"], 42);
        assert_eq!(v["kind"], 7);
        assert_eq!(v["tag"], "ev");
    }
}

#[test]
fn prefilled_records_decode_exactly_and_count_stops_exactly() {
    let r = Ring::new();
    r.emit(3);
    let out = r.fs.x0(&[
        "--json",
        "tail",
        &r.events(),
        "--type",
        "struct event",
        "--count",
        "1000",
    ]);
    let l = lines(&out.ok().stdout);
    assert_eq!(l.len(), 1002);
    assert_eq!(l[0]["schema_version"], 2);
    assert_eq!(l[0]["command"], "tail");
    assert_eq!(l[0]["header"]["record_type"], "struct event");
    check_sequence(&l[1..1001], 0);
    assert_eq!(l[1001]["summary"]["records"], 1000);
    assert_eq!(l[1001]["summary"]["complete"], true);
    // What --count left is still there, in order; the type from a file gives the same.
    let mt = r.tmp.path().join("mt.o");
    let out = r.fs.x0(&[
        "--json",
        "tail",
        &r.events(),
        "--type",
        "event",
        "--btf",
        mt.to_str().unwrap(),
        "--count",
        "2000",
    ]);
    let l = lines(&out.ok().stdout);
    check_sequence(&l[1..2001], 1000);
    // Empty now: --duration ends an idle tail with zero records.
    let out =
        r.fs.x0(&["--json", "tail", &r.events(), "--duration", "100ms"]);
    let l = lines(&out.ok().stdout);
    assert_eq!(l.last().unwrap()["summary"]["records"], 0);
}

#[test]
fn hex_raw_and_size_mismatch() {
    let r = Ring::new();
    r.emit(1);
    // `events` holds `struct event` records (named after the map): decoded without --type.
    let out = r.fs.x0(&["tail", &r.events(), "--count", "1"]);
    assert_eq!(
        out.ok().stdout.trim(),
        r#"{"seq":0,"x":0,"pid":42,"kind":7,"tag":"ev"}"#
    );
    assert!(
        out.stderr.contains("struct event (named after map events"),
        "{}",
        out.stderr
    );
    let o = Command::new(bin())
        .args([
            "--bpffs",
            r.fs.arg(),
            "tail",
            &r.events(),
            "--raw",
            "--count",
            "2",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(o.stdout.len(), 2 * 36);
    assert_eq!(&o.stdout[..4], &32u32.to_le_bytes());
    assert_eq!(&o.stdout[4..12], &1u64.to_le_bytes());
    // A type of another size: shown as what it is, not misdecoded.
    let out = r.fs.x0(&[
        "--json",
        "tail",
        &r.events(),
        "--type",
        "struct counters",
        "--count",
        "1",
    ]);
    let l = lines(&out.ok().stdout);
    assert!(
        l[1]["mismatch"].as_str().unwrap().contains("longer"),
        "{}",
        l[1]
    );
    assert!(l[1]["value"].is_null());
}

#[test]
fn live_records_and_another_reader() {
    let r = Ring::new();
    let mut child = Command::new(bin())
        .args([
            "--bpffs",
            r.fs.arg(),
            "--json",
            "tail",
            &r.events(),
            "--type",
            "struct event",
            "--count",
            "1500",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rd = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    rd.read_line(&mut header).unwrap();
    assert!(header.contains("\"command\":\"tail\""), "{header}");
    // The running tail holds the buffer: a second one is refused, naming it.
    let second = r.fs.x0(&["tail", &r.events(), "--count", "1"]);
    assert_eq!(second.code, 8, "{}", second.stderr);
    assert!(
        second.stderr.contains("x0bpf") && second.stderr.contains("pid"),
        "{}",
        second.stderr
    );
    r.emit(1);
    r.emit(1);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut rd, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    let l = lines(&rest);
    assert_eq!(l.len(), 1501);
    check_sequence(&l[..1500], 0);
    assert_eq!(l[1500]["summary"]["records"], 1500);
}

#[test]
fn closed_pipe_exits_zero_at_once_and_idle_tail_uses_no_cpu() {
    let r = Ring::new();
    // Closed stdout while idle.
    let mut child = Command::new(bin())
        .args(["--bpffs", r.fs.arg(), "--json", "tail", &r.events()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rd = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    rd.read_line(&mut header).unwrap();
    let t = Instant::now();
    drop(rd);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "tail did not notice the closed pipe"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    // Closed stdout while streaming (`| head`).
    r.emit(5);
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} --bpffs {} --json tail {} | head -n 3",
            bin(),
            r.fs.arg(),
            r.events()
        ))
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
    // An idle tail sleeps in epoll: near-zero CPU over a second. Reaped by wait4 below, which
    // also gives its CPU time.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(bin())
        .args([
            "--bpffs",
            r.fs.arg(),
            "tail",
            &r.events(),
            "--duration",
            "1s",
            "--force",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out buffer; waiting for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    let cpu = Duration::from_micros(
        (ru.ru_utime.tv_sec * 1_000_000
            + ru.ru_utime.tv_usec
            + ru.ru_stime.tv_sec * 1_000_000
            + ru.ru_stime.tv_usec) as u64,
    );
    assert!(
        cpu < Duration::from_millis(150),
        "idle tail used {cpu:?} of CPU"
    );
}

#[test]
fn sigterm_ends_the_stream_with_a_summary() {
    let r = Ring::new();
    let child = Command::new(bin())
        .args(["--bpffs", r.fs.arg(), "--json", "tail", &r.events()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{:?}", o.status);
    let l = lines(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(l.last().unwrap()["summary"]["reason"], "interrupted");
    // Not a ring buffer: usage error.
    let out = r.fs.x0(&["tail", &format!("{}/m/lru", r.fs.arg())]);
    assert_eq!(out.code, 2);
}

/// A perf event array (bpftool-loaded `perf_events.c`) filled by `emit_perf`, one numbered
/// record per run, on the CPU the run happens on.
struct Perf {
    fs: Bpffs,
    tmp: tempfile::TempDir,
}

impl Perf {
    fn new() -> Perf {
        require_root();
        let fs = Bpffs::new();
        let tmp = tempfile::tempdir().unwrap();
        let obj = compile(
            "perf_events.c",
            "clang",
            &["-target", "bpf", "-g"],
            tmp.path(),
            "pe.o",
        );
        let r = sh(
            "bpftool",
            &[
                "prog",
                "loadall",
                obj.to_str().unwrap(),
                &format!("{}/p", fs.arg()),
                "pinmaps",
                &format!("{}/m", fs.arg()),
            ],
        );
        assert_eq!(r.code, 0, "bpftool loadall: {}", r.stderr);
        std::fs::write(tmp.path().join("pkt"), [0u8; 64]).unwrap();
        Perf { fs, tmp }
    }

    fn map(&self) -> String {
        format!("{}/m/perf_events", self.fs.arg())
    }

    /// `runs` records, on whichever CPUs `taskset` allows.
    fn emit(&self, runs: u32, cpu: u32) {
        let r = sh(
            "taskset",
            &[
                "-c",
                &cpu.to_string(),
                "bpftool",
                "prog",
                "run",
                "pinned",
                &format!("{}/p/emit_perf", self.fs.arg()),
                "data_in",
                self.tmp.path().join("pkt").to_str().unwrap(),
                "repeat",
                &runs.to_string(),
            ],
        );
        assert_eq!(r.code, 0, "prog run: {}", r.stderr);
    }

    /// A running `tail` (JSON lines) whose header was read: its perf buffers are in the map.
    fn spawn(&self, extra: &[&str]) -> (std::process::Child, BufReader<std::process::ChildStdout>) {
        let mut child = Command::new(bin())
            .args(["--bpffs", self.fs.arg(), "--json", "tail", &self.map()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut rd = BufReader::new(child.stdout.take().unwrap());
        let mut header = String::new();
        rd.read_line(&mut header).unwrap();
        let h: Value = serde_json::from_str(&header).unwrap_or_else(|e| panic!("{e}: {header}"));
        assert_eq!(h["command"], "tail", "{h}");
        assert_eq!(h["header"]["map"]["type"], "perf_event_array", "{h}");
        (child, rd)
    }
}

/// Read the rest of a spawned tail's stdout and wait for it: (success, stdout, stderr).
fn finish(
    child: std::process::Child,
    mut rd: BufReader<std::process::ChildStdout>,
) -> (bool, String, String) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut rd, &mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.success(),
        rest,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn cpus() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}

#[test]
fn perf_event_array_records_in_order_per_cpu() {
    let p = Perf::new();
    let (child, rd) = p.spawn(&["--type", "struct event", "--count", "300"]);
    // Another reader would replace our perf buffers: refused, naming us.
    let second = p.fs.x0(&["tail", &p.map(), "--count", "1"]);
    assert_eq!(second.code, 8, "{}", second.stderr);
    assert!(
        second.stderr.contains("x0bpf") && second.stderr.contains("pid"),
        "{}",
        second.stderr
    );
    // Three batches of 100, spread over the CPUs.
    for i in 0..3 {
        p.emit(100, i % cpus());
    }
    let (ok, rest, err) = finish(child, rd);
    assert!(ok, "{err}");
    let l = lines(&rest);
    assert_eq!(l.len(), 301, "{rest}");
    let recs = &l[..300];
    let mut seqs: Vec<u64> = Vec::new();
    let mut last_per_cpu = std::collections::HashMap::new();
    for r in recs {
        let v = &r["value"];
        let n = v["seq"].as_u64().unwrap_or_else(|| panic!("{r}"));
        assert_eq!(v["x"], n * 3);
        assert_eq!(v["pid"], 42);
        assert_eq!(v["tag"], "pf");
        // 32 bytes, padded by the kernel so that size + 4 is a multiple of 8.
        assert_eq!(r["size"], 36, "{r}");
        let cpu = r["cpu"].as_u64().unwrap();
        // Batch i ran on CPU i % cpus: its records came from there.
        assert_eq!(cpu, (n / 100) % cpus() as u64, "{r}");
        if let Some(prev) = last_per_cpu.insert(cpu, n) {
            assert!(n > prev, "out of order on CPU {cpu}: {prev} then {n}");
        }
        seqs.push(n);
    }
    seqs.sort();
    assert_eq!(seqs, (0..300).collect::<Vec<_>>());
    assert_eq!(l[300]["summary"]["records"], 300);
    assert_eq!(l[300]["summary"]["lost"], 0);
    // The tail is gone: the kernel emptied the slots it filled; a new tail works unforced.
    let out =
        p.fs.x0(&["--json", "tail", &p.map(), "--duration", "100ms"]);
    let l = lines(&out.ok().stdout);
    assert_eq!(l.last().unwrap()["summary"]["records"], 0);
    // Hex without a type, and text lines name the CPU.
    let (child, rd) = p.spawn(&["--count", "1"]);
    p.emit(1, 0);
    let (ok, out, err) = finish(child, rd);
    assert!(ok, "{err}");
    let l = lines(&out);
    assert_eq!(l[0]["hex"].as_str().unwrap().len(), 72, "{:?}", l[0]);
    assert_eq!(l[0]["cpu"], 0);
}

#[test]
fn perf_event_array_lost_samples_are_counted() {
    let p = Perf::new();
    // One 4 KiB page per CPU holds 85 samples of 48 bytes: 2000 in one run overflow it.
    // The duration only ends the stream: long enough that a loaded machine's slow emit
    // (bpftool's start) does not end it before the loss record is read.
    let (child, rd) = p.spawn(&["--perf-pages", "1", "--duration", "8s"]);
    p.emit(2000, 0);
    // The kernel reports a loss with the next sample that fits.
    std::thread::sleep(Duration::from_millis(300));
    p.emit(1, 0);
    let (ok, out, err) = finish(child, rd);
    assert!(ok, "{err}");
    let l = lines(&out);
    let records = l.iter().filter(|v| v["seq"].is_u64()).count() as u64;
    let lost: u64 = l.iter().filter_map(|v| v["lost"].as_u64()).sum();
    let summary = &l.last().unwrap()["summary"];
    assert!(lost > 0, "nothing lost: {summary}");
    assert_eq!(records + lost, 2001, "{summary}");
    assert_eq!(summary["lost"], lost);
    assert_eq!(summary["records"], records);
    assert!(err.contains("lost"), "{err}");
}

#[test]
fn perf_event_array_without_cap_perfmon_is_a_permission_error() {
    let p = Perf::new();
    // CAP_BPF alone opens the map (through a pin it may read) but not perf events.
    let dir = format!("{}/m", p.fs.arg());
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::set_permissions(p.map(), std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid").unwrap();
    let r = sh(
        "setpriv",
        &[
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--inh-caps=+bpf",
            "--ambient-caps=+bpf",
            bin(),
            "tail",
            &p.map(),
            "--duration",
            "100ms",
        ],
    );
    if paranoid.trim().parse::<i32>().unwrap_or(2) >= 1 {
        assert_eq!(r.code, 4, "{}", r.stderr);
        assert!(r.stderr.contains("CAP_PERFMON"), "{}", r.stderr);
    }
}

#[test]
fn sigterm_during_a_long_drain_stops_at_the_next_record() {
    let r = Ring::new();
    // Fills the 1 MiB ring: about 26000 records of 40 bytes.
    r.emit(30);
    // A reader that does not read yet: the tail blocks on a full pipe mid-drain.
    let mut child = Command::new(bin())
        .args(["--bpffs", r.fs.arg(), "--json", "tail", &r.events()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let l = lines(&out);
    let s = &l.last().unwrap()["summary"];
    assert_eq!(s["reason"], "interrupted", "{s}");
    // It stopped at the next record, long before the ~26000 it could have drained.
    assert!(s["records"].as_u64().unwrap() < 20_000, "{s}");
    assert_eq!(s["records"].as_u64().unwrap() as usize, l.len() - 2);
}

/// Runs `cmd` again and again on another thread until dropped: a producer that keeps a
/// buffer from ever draining.
struct Flood {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    h: Option<std::thread::JoinHandle<u32>>,
}

impl Flood {
    fn new(cmd: Vec<String>) -> Flood {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = stop.clone();
        let h = std::thread::spawn(move || {
            let mut runs = 0;
            let t = Instant::now();
            // Bounded: a tail that never ends must not keep the test running.
            while !s.load(Ordering::Relaxed) && t.elapsed() < Duration::from_secs(30) {
                let o = Command::new(&cmd[0]).args(&cmd[1..]).output().unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                runs += 1;
            }
            runs
        });
        Flood { stop, h: Some(h) }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.h.take() {
            let _ = h.join();
        }
    }
}

/// Read a child's stdout slowly (a consumer slower than the producer), to the end.
fn slow_reader(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut b = vec![0u8; 16 * 1024];
        loop {
            match r.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => all.extend_from_slice(&b[..n]),
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        all
    })
}

/// Run a `--duration 2s` tail (`args` after `--json tail`) while `flood` keeps its buffer
/// full and its stdout is read slowly: it must end on its own (killed after 30 s otherwise),
/// with reason "duration". Returns how long it ran.
fn duration_under_flood(fs: &Bpffs, args: &[&str], flood: Flood) -> Duration {
    // Let the producer fill the buffer first.
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let mut child = Command::new(bin())
        .args(["--bpffs", fs.arg(), "--json", "tail"])
        .args(args)
        .args(["--duration", "2s", "--force"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rd = slow_reader(child.stdout.take().unwrap());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = t.elapsed();
    drop(flood);
    let out = rd.join().unwrap();
    assert!(status.success(), "{status:?}");
    let text = String::from_utf8_lossy(&out);
    let last = text.lines().last().unwrap_or("");
    let v: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {last}"));
    assert_eq!(v["summary"]["reason"], "duration", "{v}");
    assert!(v["summary"]["records"].as_u64().unwrap() > 0, "{v}");
    took
}

#[test]
fn duration_ends_a_tail_whose_buffer_never_drains() {
    let r = Ring::new();
    let flood = Flood::new(
        [
            "bpftool",
            "prog",
            "run",
            "pinned",
            &format!("{}/p/emit", r.fs.arg()),
            "data_in",
            r.tmp.path().join("pkt").to_str().unwrap(),
            "repeat",
            "30",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    let took = duration_under_flood(&r.fs, &[&r.events()], flood);
    // A generous bound: --duration 2s, not "until the producer stops" (30 s).
    assert!(took < Duration::from_secs(10), "ring buffer: ran {took:?}");
    let p = Perf::new();
    let flood = Flood::new(
        [
            "bpftool",
            "prog",
            "run",
            "pinned",
            &format!("{}/p/emit_perf", p.fs.arg()),
            "data_in",
            p.tmp.path().join("pkt").to_str().unwrap(),
            "repeat",
            "1000000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    let took = duration_under_flood(&p.fs, &[&p.map(), "--perf-pages", "256"], flood);
    assert!(
        took < Duration::from_secs(10),
        "perf event array: ran {took:?}"
    );
}

/// The `value.seq` of every complete record line of a tail's JSON output.
fn seqs_of(out: &[u8]) -> Vec<u64> {
    let text = String::from_utf8_lossy(out);
    let complete = match text.rfind('\n') {
        Some(i) => &text[..i],
        None => "",
    };
    complete
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["value"]["seq"].as_u64())
        .collect()
}

#[test]
fn a_killed_tail_loses_no_record_the_next_reader_cannot_read() {
    let r = Ring::new();
    // 20000 records of 40 bytes: 800 KB of the 1 MiB ring, all kept.
    r.emit(20);
    // SIGKILL at the tail's third write (header, one full output buffer, then the next):
    // it dies with a full buffer of records read but not written out.
    let o = Command::new("strace")
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "trace=write",
            "-e",
            "inject=write:signal=KILL:when=3",
            bin(),
            "--bpffs",
            r.fs.arg(),
            "--json",
            "tail",
            &r.events(),
            "--type",
            "struct event",
        ])
        .stderr(Stdio::null())
        .output()
        .expect("run strace (apt-get install strace)");
    let first = seqs_of(&o.stdout);
    assert!(
        !first.is_empty() && first.len() < 20_000,
        "the first tail was not killed mid-stream: {} records",
        first.len()
    );
    check_contiguous(&first, 0);
    let out = r.fs.x0(&[
        "--json",
        "tail",
        &r.events(),
        "--type",
        "struct event",
        "--duration",
        "1s",
    ]);
    let second = seqs_of(out.ok().stdout.as_bytes());
    assert!(!second.is_empty(), "the second tail read nothing");
    // At-least-once: the second reader starts at or before the first one's next record.
    let next = first.last().unwrap() + 1;
    assert!(
        second[0] <= next,
        "records {next}..{} were lost with the killed tail",
        second[0]
    );
    check_contiguous(&second, second[0]);
    assert_eq!(*second.last().unwrap(), 19_999);
}

fn check_contiguous(s: &[u64], first: u64) {
    for (i, n) in s.iter().enumerate() {
        assert_eq!(*n, first + i as u64, "gap at {i}");
    }
}

/// Run x0bpf under strace with SIGTERM delivered at its first bpf() call: during the setup
/// of a command, before any stream starts.
fn sigterm_at_first_bpf_call(args: &[&str]) -> std::process::Output {
    Command::new("strace")
        .args([
            "-f",
            "-o",
            "/dev/null",
            "-e",
            "trace=bpf",
            "-e",
            "inject=bpf:signal=TERM:when=1",
            bin(),
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run strace (apt-get install strace)")
}

#[test]
fn sigterm_before_the_stream_starts_ends_it_with_exit_zero() {
    use std::os::unix::process::ExitStatusExt;
    let r = Ring::new();
    r.emit(1);
    let o = sigterm_at_first_bpf_call(&["--bpffs", r.fs.arg(), "--json", "tail", &r.events()]);
    assert!(
        o.status.success(),
        "{:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    let l = lines(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(l[0]["command"], "tail", "{l:?}");
    let s = &l.last().unwrap()["summary"];
    assert_eq!(s["reason"], "interrupted", "{s}");
    // Nothing was read: the records are still there for the next reader.
    assert_eq!(s["records"], 0, "{s}");
    let out = r.fs.x0(&["--json", "tail", &r.events(), "--count", "1000"]);
    assert_eq!(lines(&out.ok().stdout).len(), 1002);
    // `map dump` streams too.
    let o = sigterm_at_first_bpf_call(&[
        "--bpffs",
        r.fs.arg(),
        "map",
        "dump",
        &format!("{}/m/lru", r.fs.arg()),
        "--lines",
    ]);
    assert!(o.status.success(), "{:?}", o.status);
    // `events` too: signalled while it loads and attaches its programs.
    for when in ["1", "30"] {
        let o = Command::new("strace")
            .args([
                "-f",
                "-o",
                "/dev/null",
                "-e",
                "trace=bpf",
                "-e",
                &format!("inject=bpf:signal=TERM:when={when}"),
                bin(),
                "--json",
                "events",
                "--duration",
                "20s",
            ])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "events, SIGTERM at bpf() call {when}: {:?} {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        let l = lines(&String::from_utf8_lossy(&o.stdout));
        assert_eq!(
            l.last().unwrap()["summary"]["reason"],
            "interrupted",
            "{l:?}"
        );
    }
    // A command that does not stream still dies of SIGTERM, as before.
    let o = sigterm_at_first_bpf_call(&[
        "--bpffs",
        r.fs.arg(),
        "map",
        "show",
        &format!("{}/m/lru", r.fs.arg()),
    ]);
    assert_eq!(o.status.signal(), Some(libc::SIGTERM), "{:?}", o.status);
}

/// Hostile review: a reader that stops reading (a pipe nobody drains) no longer holds the
/// stream past `--duration` or a SIGTERM; what was not written stays for the next reader.
#[test]
fn a_stalled_reader_does_not_hold_the_stream_past_its_deadline_or_sigterm() {
    let r = Ring::new();
    r.emit(20);
    for signal in [false, true] {
        let mut args = vec![
            "--bpffs".to_string(),
            r.fs.arg().to_string(),
            "--json".into(),
            "tail".into(),
            r.events(),
            "--type".into(),
            "struct event".into(),
        ];
        if !signal {
            args.extend(["--duration".into(), "1s".into()]);
        }
        // stdout is a pipe this test never reads until the tail is done.
        let mut child = Command::new(bin())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        if signal {
            std::thread::sleep(Duration::from_millis(1500));
            // SAFETY: kill on our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        }
        let deadline = start + Duration::from_secs(15);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "signal={signal}: still blocked writing"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "signal={signal}: {status}");
        drop(child);
    }
    // Nothing was lost: the next reader (reading) gets every record up to the last.
    let out = r.fs.x0(&[
        "--json",
        "tail",
        &r.events(),
        "--type",
        "struct event",
        "--duration",
        "1s",
    ]);
    let all = seqs_of(out.ok().stdout.as_bytes());
    assert_eq!(all.last().copied(), Some(19_999));
}

/// Issue 20 §4.1: a type not there is refused naming the structs there are, in one line.
#[test]
fn an_unknown_type_lists_the_structs_there_are() {
    let r = Ring::new();
    let out =
        r.fs.x0(&["tail", &r.events(), "--type", "struct nope", "--count", "1"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("struct event"), "{}", out.stderr);
    assert!(out.stderr.contains("struct counters"), "{}", out.stderr);
}

/// Issue 20 §4.1: `tail OBJ/events` of net_events decodes `struct net_event` (the only
/// struct named *_event), whatever the object is called, and says so.
#[test]
fn net_events_records_are_typed_by_their_struct() {
    require_root();
    let fs = Bpffs::new();
    let name = format!("ne{}", common::unique());
    fs.x0(&["load", "net_events", "--name", &name]).ok();
    let map = format!("{name}/events");
    let mut child = Command::new(bin())
        .args([
            "--bpffs",
            fs.arg(),
            "--json",
            "tail",
            &map,
            "--duration",
            "3s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rd = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    rd.read_line(&mut header).unwrap();
    let h: Value = serde_json::from_str(&header).unwrap();
    assert_eq!(h["header"]["record_type"], "struct net_event", "{h}");
    assert!(
        h["header"]["record_type_from"]
            .as_str()
            .unwrap()
            .contains("struct named *_event"),
        "{h}"
    );
    // (`load` does not attach raw tracepoints: no records here; the decoding of their
    // addresses is tail::address_tests.)
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut rd, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    // Text: the same, and the choice on stderr.
    let out = fs.x0(&["tail", &map, "--duration", "100ms"]);
    assert!(
        out.ok()
            .stderr
            .contains("struct net_event (the only struct named *_event"),
        "{}",
        out.stderr
    );
    fs.x0(&["unload", &name]).ok();
}
