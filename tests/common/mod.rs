//! Shared test harness: run the built binary, compile test objects, and — for kernel tests —
//! private network namespaces with veth pairs and private bpffs mounts that are removed on drop,
//! even when the test panics.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_x0bpf")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn from_output(o: Output) -> Run {
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Run x0bpf with arguments.
pub fn x0(args: &[&str]) -> Run {
    from_output(Command::new(bin()).args(args).output().expect("run x0bpf"))
}

/// A unique, short token for names shared across parallel tests (interface names ≤ 15 chars).
pub fn unique() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{:x}{}",
        std::process::id() & 0xffff,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Compile a test source with a BPF compiler. A missing compiler is a test failure naming the
/// package to install (`scripts/setup.sh` installs it), never a silent skip.
pub fn compile(
    src: &str,
    compiler: &str,
    extra: &[&str],
    out_dir: &Path,
    out_name: &str,
) -> PathBuf {
    let src_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bpf")
        .join(src);
    let out = out_dir.join(out_name);
    let mut cmd = Command::new(compiler);
    if compiler.contains("gcc") {
        cmd.args(["-O2", "-gbtf", "-c"])
            .arg(&src_path)
            .arg("-o")
            .arg(&out)
            .args([
                "-idirafter",
                "/usr/include",
                "-idirafter",
                "/usr/include/x86_64-linux-gnu",
            ]);
    } else {
        cmd.args(["-O2", "-c"]).arg(&src_path).arg("-o").arg(&out);
    }
    cmd.args(extra);
    let o = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {compiler} ({e}): install it (scripts/setup.sh installs gcc-bpf, clang, clang-16)")
    });
    assert!(
        o.status.success(),
        "{compiler} failed on {src}:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Kernel tests need root: fail loudly, never skip.
pub fn require_root() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "this test loads and attaches BPF programs and needs root (CAP_BPF, CAP_NET_ADMIN, \
         CAP_SYS_ADMIN): run the suite as root, e.g. `sudo scripts/test.sh`"
    );
}

pub fn sh(cmd: &str, args: &[&str]) -> Run {
    from_output(
        Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}")),
    )
}

/// Two private network namespaces joined by a veth pair: `veth0` (10.200.0.1/24) in the main
/// one, where programs are attached, and `veth1` (10.200.0.2/24) in the peer, where traffic
/// comes from. Both are up, with `lo` up. Dropping it deletes both namespaces, which destroys
/// the veth pair and detaches whatever was attached to it — also when the test panicked.
pub struct NetNs {
    pub name: String,
    pub path: PathBuf,
    pub peer: String,
}

pub const MAIN_IP: &str = "10.200.0.1";
pub const PEER_IP: &str = "10.200.0.2";

impl NetNs {
    pub fn new() -> NetNs {
        require_root();
        let name = format!("x0t{}", unique());
        let peer = format!("{name}p");
        for n in [&name, &peer] {
            let r = sh("ip", &["netns", "add", n]);
            assert_eq!(r.code, 0, "ip netns add {n}: {}", r.stderr);
        }
        let ns = NetNs {
            path: PathBuf::from(format!("/run/netns/{name}")),
            name,
            peer,
        };
        ns.ip(&[
            "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
        ]);
        ns.ip(&["link", "set", "veth1", "netns", &ns.peer]);
        ns.ip(&["addr", "add", "10.200.0.1/24", "dev", "veth0"]);
        ns.ip(&["link", "set", "veth0", "up"]);
        ns.ip(&["link", "set", "lo", "up"]);
        for args in [
            ["addr", "add", "10.200.0.2/24", "dev", "veth1"],
            ["link", "set", "veth1", "up", ""],
            ["link", "set", "lo", "up", ""],
        ] {
            let args: Vec<&str> = args.iter().copied().filter(|a| !a.is_empty()).collect();
            let mut full = vec!["-n", ns.peer.as_str()];
            full.extend_from_slice(&args);
            let r = sh("ip", &full);
            assert_eq!(r.code, 0, "ip {}: {}", full.join(" "), r.stderr);
        }
        ns
    }

    /// `ip -n NS …` in the main namespace, asserting success.
    #[track_caller]
    pub fn ip(&self, args: &[&str]) -> Run {
        let mut full = vec!["-n", self.name.as_str()];
        full.extend_from_slice(args);
        let r = sh("ip", &full);
        assert_eq!(r.code, 0, "ip {}: {}", full.join(" "), r.stderr);
        r
    }

    /// Run a command inside the main namespace, keeping this mount namespace (so a private
    /// bpffs mounted by the test is visible): `nsenter --net=…`.
    pub fn exec(&self, cmd: &str, args: &[&str]) -> Run {
        let net = format!("--net={}", self.path.display());
        let mut full = vec![net.as_str(), cmd];
        full.extend_from_slice(args);
        sh("nsenter", &full)
    }

    /// x0bpf inside the main namespace.
    pub fn x0(&self, args: &[&str]) -> Run {
        self.exec(bin(), args)
    }

    /// Run `f` on a thread that has entered one of the namespaces.
    pub fn in_ns<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
        let path = format!("/run/netns/{ns}");
        std::thread::scope(|s| {
            s.spawn(|| {
                let file = std::fs::File::open(&path).expect("open netns");
                use std::os::fd::AsRawFd;
                // SAFETY: valid fd; only this thread switches.
                let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(rc, 0, "setns {path}");
                f()
            })
            .join()
            .expect("netns thread")
        })
    }

    /// Send `n` UDP datagrams from the peer to the main namespace (arriving on veth0).
    pub fn udp_to_main(&self, n: usize, port: u16) {
        Self::in_ns(&self.peer, || send_udp(n, MAIN_IP, port));
    }

    /// Send `n` UDP datagrams from the main namespace to the peer (leaving through veth0).
    pub fn udp_to_peer(&self, n: usize, port: u16) {
        Self::in_ns(&self.name, || send_udp(n, PEER_IP, port));
    }

    /// `n` ICMP echo requests from the peer to the main namespace.
    pub fn ping_main(&self, n: usize) {
        let count = n.to_string();
        let r = sh(
            "ip",
            &[
                "netns", "exec", &self.peer, "ping", "-q", "-c", &count, "-i", "0.01", "-W", "2",
                MAIN_IP,
            ],
        );
        assert_eq!(r.code, 0, "ping: {} {}", r.stdout, r.stderr);
    }
}

/// A second peer namespace on the same link as the first peer, so traffic from two peers
/// reaches `veth0`: the peer's `veth1` moves into a bridge `br0` (its address with it), and a
/// new veth pair joins the bridge to the second peer, which gets `ip`/24. Dropping it deletes
/// the second namespace (the first two go with the `NetNs`).
pub struct PeerNs {
    pub name: String,
}

impl NetNs {
    pub fn add_peer(&self, ip: &str) -> PeerNs {
        let name = format!("{}q", self.name);
        let r = sh("ip", &["netns", "add", &name]);
        assert_eq!(r.code, 0, "ip netns add {name}: {}", r.stderr);
        let peer = PeerNs { name };
        let p = self.peer.as_str();
        let q = peer.name.as_str();
        let addr = format!("{ip}/24");
        for args in [
            vec!["-n", p, "link", "add", "br0", "type", "bridge"],
            vec!["-n", p, "addr", "del", "10.200.0.2/24", "dev", "veth1"],
            vec!["-n", p, "link", "set", "veth1", "master", "br0"],
            vec!["-n", p, "addr", "add", "10.200.0.2/24", "dev", "br0"],
            vec!["-n", p, "link", "set", "br0", "up"],
            vec![
                "-n", p, "link", "add", "vq0", "type", "veth", "peer", "name", "vq1",
            ],
            vec!["-n", p, "link", "set", "vq1", "netns", q],
            vec!["-n", p, "link", "set", "vq0", "master", "br0"],
            vec!["-n", p, "link", "set", "vq0", "up"],
            vec!["-n", q, "addr", "add", &addr, "dev", "vq1"],
            vec!["-n", q, "link", "set", "vq1", "up"],
            vec!["-n", q, "link", "set", "lo", "up"],
        ] {
            let r = sh("ip", &args);
            assert_eq!(r.code, 0, "ip {}: {}", args.join(" "), r.stderr);
        }
        peer
    }
}

impl Drop for PeerNs {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

fn send_udp(n: usize, dst: &str, port: u16) {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").expect("bind udp");
    for i in 0..n {
        s.send_to(format!("x0bpf test datagram {i}").as_bytes(), (dst, port))
            .expect("send udp");
        // Pace a little: the first datagram waits for ARP, and the kernel queues only a few.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.peer])
            .output();
    }
}

/// A private bpffs instance mounted on a fresh directory: pins made here vanish with it.
pub struct Bpffs {
    pub dir: PathBuf,
}

impl Bpffs {
    pub fn new() -> Bpffs {
        require_root();
        let dir = std::env::temp_dir().join(format!("x0bpf-test-bpffs-{}", unique()));
        std::fs::create_dir_all(&dir).expect("mkdir bpffs dir");
        let r = sh("mount", &["-t", "bpf", "bpf", dir.to_str().unwrap()]);
        assert_eq!(r.code, 0, "mount bpffs on {}: {}", dir.display(), r.stderr);
        Bpffs { dir }
    }

    pub fn arg(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    /// x0bpf in this process's namespaces, pinning into this bpffs.
    pub fn x0(&self, args: &[&str]) -> Run {
        let mut a = vec!["--bpffs", self.arg()];
        a.extend_from_slice(args);
        x0(&a)
    }
}

impl Drop for Bpffs {
    fn drop(&mut self) {
        // Lazy unmount: a test that panicked may still hold an fd under it.
        let _ = Command::new("umount").arg("-l").arg(&self.dir).output();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// `kernel.bpf_stats_enabled` is global to the host: every test that turns stats on (or checks
/// that they are off again) holds this lock, which spans test binaries and parallel runs.
pub struct StatsLock(std::fs::File);

pub fn stats_lock() -> StatsLock {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/tmp/x0bpf-test-bpf-stats.lock")
        .expect("open stats lock");
    // SAFETY: valid fd; the lock is released when the file is closed.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(rc, 0, "flock stats lock");
    StatsLock(f)
}

/// Run x0bpf with stdin, stdout and stderr on a fresh pseudo-terminal (as a person at a
/// terminal would) and return everything it wrote there, raw, once it exits.
pub fn x0_on_pty(args: &[&str]) -> (i32, Vec<u8>) {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut m, mut s) = (0, 0);
    let ws = libc::winsize {
        ws_row: 40,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out pointers to locals, a valid winsize.
    let rc = unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: fresh fds from openpty, owned here only.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
    let dup = || std::process::Stdio::from(slave.try_clone().unwrap());
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(dup())
        .stdout(dup())
        .stderr(dup())
        .spawn()
        .expect("run x0bpf");
    drop(slave);
    let mut f = std::fs::File::from(master);
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    // EIO once the child has exited and the slave side is closed.
    while let Ok(n) = f.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let st = child.wait().unwrap();
    (st.code().unwrap_or(-1), out)
}
