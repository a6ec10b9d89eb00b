//! The views that attach for themselves (`syscalls`, `events`): exact numbers for known
//! activity, and nothing left in the kernel afterwards — when they end normally, on SIGINT, and
//! killed with SIGKILL. Raw tracepoints are global, so the checks pick out this test's own
//! process, ports or connections.
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The leak checks look at every program in the kernel: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Program names (cut at 15 bytes, as the kernel keeps them) only the views load.
const VIEW_PROGS: [&str; 5] = [
    "raw_sys_enter",
    "raw_sys_exit",
    "on_kfree_skb",
    "on_sock_set_sta",
    "on_tcp_retransm",
];

fn view_prog_ids() -> Vec<u64> {
    let r = common::sh("bpftool", &["-j", "prog", "show"]);
    assert_eq!(r.code, 0, "bpftool prog show: {}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|p| VIEW_PROGS.contains(&p["name"].as_str().unwrap_or("")))
        .map(|p| p["id"].as_u64().unwrap())
        .collect()
}

/// The kernel frees programs after the last fd closes (RCU): wait a little for it.
#[track_caller]
fn assert_released(before: &[u64]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now: Vec<u64> = view_prog_ids()
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        if now.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "programs left behind: {now:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Start a view; return once it says on stderr that it is attached.
fn start_view(args: &[&str], ready: &str) -> (Child, BufReader<std::process::ChildStderr>) {
    let mut child = Command::new(common::bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run x0bpf");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains(ready), "{args:?}: {line}");
    (child, err)
}

fn interrupt(child: &Child) {
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
}

fn finish(child: Child) -> (i32, String) {
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn syscalls_counts_exactly_k_getppid_by_name_for_one_pid() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let mut py = Command::new("python3")
        .args([
            "-c",
            "import os,sys\nprint('ready', flush=True)\nsys.stdin.readline()\nfor _ in range(777): os.getppid()\nprint('done', flush=True)\nsys.stdin.readline()",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let pid = py.id().to_string();
    let mut out = BufReader::new(py.stdout.take().unwrap());
    let mut line = String::new();
    // Python's start-up is over (it calls getppid itself) before the view attaches.
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let (view, _err) = start_view(&["-j", "syscalls", "--pid", &pid, "--top", "0"], "counting");
    let mut stdin = py.stdin.take().unwrap();
    stdin.write_all(b"go\n").unwrap();
    stdin.flush().unwrap();
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "done");
    interrupt(&view);
    let (code, stdout) = finish(view);
    assert_eq!(code, 0, "{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["command"], "syscalls");
    assert_eq!(v["reason"], "interrupted");
    assert_eq!(v["filters"]["pid"].as_u64(), Some(py.id() as u64));
    let rows = v["syscalls"].as_array().unwrap();
    let g = rows
        .iter()
        .find(|r| r["name"] == "getppid")
        .unwrap_or_else(|| panic!("no getppid row: {v}"));
    assert_eq!(g["count"], 777, "{g}");
    assert_eq!(g["errors"], 0);
    let hist: u64 = g["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(hist, 777);
    let p50 = g["p50_ns"].as_u64().unwrap();
    let p99 = g["p99_ns"].as_u64().unwrap();
    assert!(p50 <= p99 && p99 < 1_000_000_000, "{g}");
    // Nothing from other processes: only python's own syscalls (read/write on its pipes…).
    assert!(rows.iter().all(|r| r["name"] != "epoll_wait"), "{v}");
    drop(stdin);
    let _ = py.wait();
    assert_released(&before);
}

/// In a pipe (issue 28) stdout is the table only: the title (`N calls …`) and the `~` footnote
/// are on stderr, and `--no-headers` leaves out the header line, the title and the footnote.
#[test]
fn syscalls_in_a_pipe_prints_rows_only() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let r = common::x0(&["syscalls", "--duration", "300ms", "--top", "3"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("SYSCALL "), "{}", r.stdout);
    assert!((2..=4).contains(&lines.len()), "{}", r.stdout);
    assert!(!r.stdout.contains(" calls ("), "{}", r.stdout);
    assert!(
        lines[1..].iter().all(|l| !l.starts_with('~')),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains(" calls ("), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("~ ")),
        "{}",
        r.stderr
    );
    let r = common::x0(&[
        "syscalls",
        "--duration",
        "300ms",
        "--top",
        "3",
        "--no-headers",
    ]);
    r.ok();
    assert!(!r.stdout.contains("SYSCALL"), "{}", r.stdout);
    assert!(
        r.stdout.lines().all(|l| !l.starts_with('~')),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(" calls ("), "{}", r.stdout);
    assert!(!r.stderr.contains(" calls ("), "{}", r.stderr);
    assert!(
        !r.stderr.lines().any(|l| l.starts_with("~ ")),
        "{}",
        r.stderr
    );
    assert_released(&before);
}

#[test]
fn syscalls_with_duration_and_bad_filters() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let r = common::x0(&["-j", "syscalls", "--duration", "300ms", "--top", "3"]);
    r.ok();
    let v = r.json();
    assert_eq!(v["reason"], "duration");
    assert!(v["syscalls"].as_array().unwrap().len() <= 3);
    assert!(v["total_calls"].as_u64().unwrap() > 0, "{v}");
    assert_released(&before);

    let r = common::x0(&["syscalls", "--comm", "a-name-longer-than-15"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 to 15 bytes") && r.stderr.contains("hint"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
    let r = common::x0(&["-j", "syscalls", "--cgroup", "/tmp"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.json()["error"]["kind"], "usage");
    let r = common::x0(&["syscalls", "--cgroup", "/nonexistent/cg"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    let r = common::x0(&["syscalls", "--pid", "0"]);
    assert_eq!(r.code, 2);
    // A process that is gone: not found (7), never "0 calls".
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let r = common::x0(&[
        "syscalls",
        "--pid",
        &gone.id().to_string(),
        "--duration",
        "1s",
    ]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("no such process"), "{}", r.stderr);
    let r = common::x0(&[
        "syscalls",
        "--tid",
        &gone.id().to_string(),
        "--duration",
        "1s",
    ]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    // A thread id given as --pid would count nothing: refused, naming both ways out.
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        // SAFETY: gettid has no arguments and cannot fail.
        tx.send(unsafe { libc::gettid() }).unwrap();
        let _ = stop_rx.recv();
    });
    let tid = rx.recv().unwrap().to_string();
    let r = common::x0(&["syscalls", "--pid", &tid, "--duration", "1s"]);
    stop_tx.send(()).unwrap();
    t.join().unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("is a thread of process") && r.stderr.contains(&format!("--tid {tid}")),
        "{}",
        r.stderr
    );
    // A zombie makes no more syscalls: not found.
    let mut z = Command::new("true").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let r = common::x0(&["syscalls", "--pid", &z.id().to_string(), "--duration", "1s"]);
    z.wait().unwrap();
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("zombie"), "{}", r.stderr);
    // The hint names this host's cgroup v2 mount (hybrid hosts: /sys/fs/cgroup/unified).
    let r = common::x0(&["syscalls", "--cgroup", "/tmp"]);
    let mount = std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .lines()
        .find(|l| l.contains(" - cgroup2 "))
        .map(|l| l.split_whitespace().nth(4).unwrap().to_string())
        .expect("cgroup2 mounted");
    assert!(
        r.stderr.contains(&format!("mounted at {mount}")),
        "{}",
        r.stderr
    );
}

/// Issue 18 §4: unfiltered `syscalls` does not count its own polling. A copy of the binary
/// under a unique name makes `--comm` match this one process only.
#[test]
fn syscalls_does_not_count_itself() {
    common::require_root();
    let dir = tempfile::tempdir().unwrap();
    let name = format!("x0sc{}", common::unique());
    let copy = dir.path().join(&name);
    std::fs::copy(common::bin(), &copy).unwrap();
    let out = Command::new(&copy)
        .args([
            "-j",
            "syscalls",
            "--comm",
            &name,
            "--duration",
            "500ms",
            "--top",
            "0",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reason"], "duration");
    assert_eq!(v["total_calls"], 0, "its own calls were counted: {v}");
    // In a PID namespace its pid is not the kernel's tgid: still not counted.
    let out = Command::new("unshare")
        .args(["-pf", "--mount-proc"])
        .arg(&copy)
        .args([
            "-j",
            "syscalls",
            "--comm",
            &name,
            "--duration",
            "500ms",
            "--top",
            "0",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["total_calls"], 0,
        "counted itself in a PID namespace: {v}"
    );
}

fn events_lines(stdout: &str) -> (Value, Vec<Value>, Value) {
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 2, "{stdout}");
    let summary = lines.pop().unwrap();
    let header = lines.remove(0);
    assert_eq!(header["schema_version"], 2);
    assert_eq!(header["command"], "events");
    assert!(summary["summary"].is_object(), "{summary}");
    (header, lines, summary)
}

#[test]
fn events_udp_to_a_closed_port_is_a_no_socket_drop() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    // A port nobody listens on: bind one, note it, close it.
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let (view, _err) = start_view(&["-j", "events", "--type", "drop"], "watching");
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let sport = s.local_addr().unwrap().port();
    for _ in 0..3 {
        s.send_to(b"x0bpf", ("127.0.0.1", port)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&view);
    let (code, stdout) = finish(view);
    assert_eq!(code, 0);
    let (header, events, summary) = events_lines(&stdout);
    assert_eq!(header["header"]["types"], serde_json::json!(["drop"]));
    let ours: Vec<&Value> = events
        .iter()
        .filter(|e| e["dport"] == port && e["sport"] == sport)
        .collect();
    assert_eq!(ours.len(), 3, "{stdout}");
    for e in ours {
        assert_eq!(e["type"], "drop");
        assert_eq!(e["reason"], "NO_SOCKET", "{e}");
        assert_eq!(e["protocol"], "udp");
        assert_eq!(e["saddr"], "127.0.0.1");
        assert_eq!(e["pid"].as_u64(), Some(std::process::id() as u64), "{e}");
    }
    assert_eq!(summary["summary"]["reason"], "interrupted");
    assert_eq!(summary["summary"]["lost"], 0);
    assert!(events.iter().all(|e| e["type"] == "drop"));
    assert_released(&before);
}

/// Issue 18 §4: an IPv6 packet behind a hop-by-hop options header still shows its L4
/// protocol and ports (the program walks the extension headers), not `proto-0`.
#[test]
fn events_ipv6_behind_a_hop_by_hop_header_keeps_its_protocol() {
    use std::os::fd::AsRawFd;
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let port = {
        let s = std::net::UdpSocket::bind("[::1]:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let (view, _err) = start_view(&["-j", "events", "--type", "drop"], "watching");
    let s = std::net::UdpSocket::bind("[::1]:0").unwrap();
    let sport = s.local_addr().unwrap().port();
    // Hop-by-hop header: next header (the kernel fills it), length 0 (8 bytes), PadN of 4.
    let hbh = [0u8, 0, 1, 4, 0, 0, 0, 0];
    // SAFETY: a valid socket, a buffer of the given length.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_IPV6,
            libc::IPV6_HOPOPTS,
            hbh.as_ptr().cast(),
            hbh.len() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "IPV6_HOPOPTS: {}", std::io::Error::last_os_error());
    for _ in 0..2 {
        s.send_to(b"x0bpf", ("::1", port)).unwrap();
    }
    // Dropped while the hop-by-hop header is processed (an unknown option whose type says
    // "discard"): transport_header still points at that header, yet the ports are the UDP
    // header's, found by walking the chain.
    let s2 = std::net::UdpSocket::bind("[::1]:0").unwrap();
    let sport2 = s2.local_addr().unwrap().port();
    let bad = [0u8, 0, 0x5e, 4, 0, 0, 0, 0];
    // SAFETY: as above.
    let rc = unsafe {
        libc::setsockopt(
            s2.as_raw_fd(),
            libc::IPPROTO_IPV6,
            libc::IPV6_HOPOPTS,
            bad.as_ptr().cast(),
            bad.len() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "IPV6_HOPOPTS: {}", std::io::Error::last_os_error());
    s2.send_to(b"x0bpf", ("::1", port)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&view);
    let (code, stdout) = finish(view);
    assert_eq!(code, 0);
    let (_, events, _) = events_lines(&stdout);
    let ours: Vec<&Value> = events
        .iter()
        .filter(|e| e["dport"] == port && e["sport"] == sport)
        .collect();
    assert_eq!(ours.len(), 2, "{stdout}");
    for e in ours {
        assert_eq!(e["protocol"], "udp", "{e}");
        assert_eq!(e["saddr"], "::1", "{e}");
    }
    let early: Vec<&Value> = events
        .iter()
        .filter(|e| e["saddr"] == "::1" && e["protocol"] == "udp" && e["sport"] == sport2)
        .collect();
    assert_eq!(
        early.len(),
        1,
        "the drop in the hop-by-hop header: {stdout}"
    );
    assert_eq!(early[0]["dport"], port, "{stdout}");
    assert_released(&before);
}

#[test]
fn events_tcp_over_loopback_in_order() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let (view, _err) = start_view(&["-j", "events", "--type", "tcp"], "watching");
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let lport = l.local_addr().unwrap().port();
    let mut c = std::net::TcpStream::connect(("127.0.0.1", lport)).unwrap();
    let cport = c.local_addr().unwrap().port();
    let (mut a, _) = l.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 5];
    std::io::Read::read_exact(&mut a, &mut buf).unwrap();
    drop(c);
    drop(a);
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&view);
    let (code, stdout) = finish(view);
    assert_eq!(code, 0);
    let (_, events, _) = events_lines(&stdout);
    // The client socket's transitions (its port is 0 again once it is closed).
    let client: Vec<(String, String)> = events
        .iter()
        .filter(|e| {
            e["type"] == "tcp_state"
                && e["dport"] == lport
                && (e["sport"] == cport || e["sport"] == 0)
                && e["old_state"] != "LISTEN"
        })
        .map(|e| {
            (
                e["old_state"].as_str().unwrap().to_string(),
                e["new_state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("CLOSE", "SYN_SENT"),
        ("SYN_SENT", "ESTABLISHED"),
        ("ESTABLISHED", "FIN_WAIT1"),
    ];
    let got: Vec<(&str, &str)> = client
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert!(got.len() >= 3 && got[..3] == want, "{got:?}\n{stdout}");
    // The server side: LISTEN -> SYN_RECV for this connection.
    assert!(
        events.iter().any(|e| e["old_state"] == "LISTEN"
            && e["new_state"] == "SYN_RECV"
            && e["sport"] == lport
            && e["dport"] == cport),
        "{stdout}"
    );
    assert_released(&before);
}

#[test]
fn events_count_stops_exactly() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    let (view, _err) = start_view(
        &["-j", "events", "--type", "tcp", "--count", "2"],
        "watching",
    );
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let _c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (code, stdout) = finish(view);
    assert_eq!(code, 0);
    let (_, events, summary) = events_lines(&stdout);
    assert_eq!(events.len(), 2);
    assert_eq!(summary["summary"]["records"], 2);
    assert_eq!(summary["summary"]["reason"], "count");
    assert_released(&before);
}

#[test]
fn views_killed_with_sigkill_leave_nothing() {
    common::require_root();
    let _g = serial();
    let before = view_prog_ids();
    for (args, ready) in [
        (&["syscalls"][..], "counting"),
        (&["events"][..], "watching"),
    ] {
        let (mut view, _err) = start_view(args, ready);
        assert!(!view_prog_ids().is_empty(), "{args:?} attached nothing");
        view.kill().unwrap(); // SIGKILL
        let _ = view.wait();
        assert_released(&before);
    }
}

#[test]
fn tail_decodes_pinned_net_events_records_by_their_btf_type() {
    common::require_root();
    let _g = serial();
    let fs = common::Bpffs::new();
    fs.x0(&["load", "net_events"]).ok();
    fs.x0(&[
        "attach",
        "raw_tracepoint",
        "inet_sock_set_state",
        "--prog",
        "net_events:on_sock_set_state",
    ])
    .ok();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let _c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    // What was produced before the reader came is still in the buffer.
    let r = fs.x0(&[
        "-j",
        "tail",
        "net_events/events",
        "--type",
        "struct net_event",
        "--duration",
        "300ms",
    ]);
    r.ok();
    let recs: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v["value"].is_object())
        .collect();
    assert!(
        recs.iter().any(|v| v["value"]["type"] == 2
            && v["value"]["new_state"] == 2
            && v["value"]["dport"] == port),
        "{}",
        r.stdout
    );
    fs.x0(&["unload", "net_events"]).ok();
}

/// Without privilege the views say which capability is missing, before loading anything.
#[test]
fn views_name_the_missing_capability() {
    for args in [
        &["syscalls", "--duration", "1s"][..],
        &["events", "--count", "1"],
    ] {
        let mut full = vec![
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            common::bin(),
        ];
        full.extend_from_slice(args);
        let r = common::sh("setpriv", &full);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("CAP_BPF"), "{args:?}: {}", r.stderr);
    }
}
