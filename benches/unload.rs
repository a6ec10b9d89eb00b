//! `x0bpf unload` against the kernel's own release latency, and a whole attach + detach +
//! unload cycle against `ip link set dev X xdpdrv obj …` / `… xdpdrv off` and
//! `xdp-loader load -m native` / `unload --all`, in one run; numbers go into
//! docs/PERFORMANCE.md. Needs root, clang, ip, xdp-loader and a release build:
//!
//!   cargo build --release && cargo bench --bench unload
//!
//! (X0BPF=path overrides the binary.) Every tool gets the same object: one XDP program using
//! one array map. The veth pair lives in a private network namespace, x0bpf pins in a private
//! bpffs; both are removed at the end, also on panic. The benchmark enters the namespace
//! itself (setns), so no tool pays for `ip netns exec`. Rounds alternate the tools.
//!
//! Release latency: the same object loaded by libbpf in this process, its fds closed, then
//! GET_FD_BY_ID polled without sleeping until the program and the map are gone: what any
//! unload must wait for when it checks (as x0bpf does) that the kernel freed them.
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, ObjectBuilder};

const SRC: &str = r#"
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct { __uint(type, 2); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");
static void *(*lookup)(void *map, const void *key) = (void *)1;
SEC("xdp") int bench_xdp(void *ctx) {
	__u32 k = 0;
	__u64 *v = lookup(&hits, &k);
	if (v)
		*v += 1;
	return 2;
}
char LICENSE[] SEC("license") = "GPL";
"#;

fn x0bpf() -> PathBuf {
    std::env::var_os("X0BPF")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/x0bpf"))
}

fn sh(cmd: &str, args: &[&str]) {
    let s = Command::new(cmd).args(args).status().expect(cmd);
    assert!(s.success(), "{cmd} {args:?} failed");
}

/// Wall time of one run, output discarded.
fn run(cmd: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn");
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn gone(prog: bool, id: u32) -> bool {
    // SAFETY: plain bpf() wrappers; a returned fd is closed at once.
    let fd = unsafe {
        if prog {
            libbpf_sys::bpf_prog_get_fd_by_id(id)
        } else {
            libbpf_sys::bpf_map_get_fd_by_id(id)
        }
    };
    if fd >= 0 {
        // SAFETY: our fd.
        unsafe { libc::close(fd) };
        return false;
    }
    true
}

/// Load the object here, close everything, poll until the kernel freed program and map.
fn release_latency(obj: &Path) -> Duration {
    let o = ObjectBuilder::default()
        .open_file(obj)
        .unwrap()
        .load()
        .unwrap();
    let prog = o.progs().next().unwrap();
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: sized out buffer.
    unsafe { libbpf_sys::bpf_prog_get_info_by_fd(prog.as_fd().as_raw_fd(), &mut info, &mut len) };
    let prog_id = info.id;
    let map_id = o.maps().next().unwrap().info().unwrap().info.id;
    let t = Instant::now();
    drop(o);
    while !gone(true, prog_id) || !gone(false, map_id) {
        std::hint::spin_loop();
    }
    t.elapsed()
}

/// The namespace and the bpffs, removed on drop.
struct Env {
    ns: String,
    fs: tempfile::TempDir,
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.fs.path()).status();
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).status();
    }
}

fn main() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(unsafe { libc::geteuid() }, 0, "needs root");
    let x0 = x0bpf();
    assert!(x0.exists(), "{x0:?} missing: cargo build --release first");
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("b.c");
    std::fs::write(&src, SRC).unwrap();
    let obj = dir.path().join("b.o");
    sh(
        "clang",
        &[
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-c",
            src.to_str().unwrap(),
            "-o",
            obj.to_str().unwrap(),
        ],
    );
    let objs = obj.to_str().unwrap();

    let env = Env {
        ns: format!("x0bench-unload-{}", std::process::id()),
        fs: tempfile::tempdir().unwrap(),
    };
    sh("ip", &["netns", "add", &env.ns]);
    sh(
        "ip",
        &[
            "-n", &env.ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
        ],
    );
    sh("ip", &["-n", &env.ns, "link", "set", "veth0", "up"]);
    sh("ip", &["-n", &env.ns, "link", "set", "veth1", "up"]);
    let fs = env.fs.path().to_str().unwrap().to_string();
    sh("mount", &["-t", "bpf", "bpf", &fs]);
    let f = std::fs::File::open(format!("/run/netns/{}", env.ns)).unwrap();
    // SAFETY: a namespace fd we hold; this thread and the children it spawns move into it.
    assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);

    let ip = PathBuf::from("ip");
    let loader = PathBuf::from("xdp-loader");
    let rounds = 15;
    let (mut rel, mut un, mut cx, mut ci, mut cl) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds {
        rel.push(release_latency(&obj));

        let name = format!("u{i}");
        let t = Instant::now();
        run(
            &x0,
            &[
                "--bpffs", &fs, "attach", "xdp", "veth0", "--mode", "drv", "--prog", objs,
                "--name", &name,
            ],
        );
        run(&x0, &["--bpffs", &fs, "detach", "xdp", "veth0"]);
        let u = run(&x0, &["--bpffs", &fs, "unload", &name]);
        cx.push(t.elapsed());
        un.push(u);

        let t = Instant::now();
        run(
            &ip,
            &[
                "link", "set", "dev", "veth0", "xdpdrv", "obj", objs, "sec", "xdp",
            ],
        );
        run(&ip, &["link", "set", "dev", "veth0", "xdpdrv", "off"]);
        ci.push(t.elapsed());

        let t = Instant::now();
        run(&loader, &["load", "-m", "native", "veth0", objs]);
        run(&loader, &["unload", "veth0", "--all"]);
        cl.push(t.elapsed());
    }
    let (rel, un, cx, ci, cl) = (median(rel), median(un), median(cx), median(ci), median(cl));
    println!("medians of {rounds} rounds:");
    println!("| what | time | ratio |");
    println!("| --- | ---: | ---: |");
    println!(
        "| kernel release latency (prog + map, polled) | {} | — |",
        ms(rel)
    );
    println!("| `x0bpf unload` (whole process) | {} | — |", ms(un));
    println!(
        "| x0bpf attach + detach + unload (3 processes) | {} | — |",
        ms(cx)
    );
    println!(
        "| `ip link set … xdpdrv obj` + `xdpdrv off` (2 processes) | {} | x0bpf / ip = **{:.2}×** |",
        ms(ci),
        cx.as_secs_f64() / ci.as_secs_f64()
    );
    println!(
        "| `xdp-loader load -m native` + `unload --all` (2 processes) | {} | x0bpf / xdp-loader = **{:.2}×** |",
        ms(cl),
        cx.as_secs_f64() / cl.as_secs_f64()
    );
}
