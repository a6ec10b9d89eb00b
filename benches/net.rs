//! `x0bpf -j net` against `bpftool -j net` in the same run, at 10, 100, 300 and 1000
//! interfaces; ratios go into docs/PERFORMANCE.md. Needs root, `ip`, bpftool, strace and a
//! release build:
//!
//!   cargo build --release && cargo bench --bench net
//!
//! (X0BPF=path overrides the binary; NET_SIZES=10,100 picks the sizes.) The interfaces are
//! veth pairs (this kernel has no dummy driver) in a private network namespace (removed at the
//! end, also on panic), with a clsact qdisc on every tenth interface, so the qdisc/filter pass has something to find. The benchmark
//! enters the namespace itself (setns), so both tools start the same way: no `ip netns exec`
//! or nsenter in the timed path. Rounds alternate the two tools; medians and the median of
//! the per-round ratios are printed.
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn x0bpf() -> PathBuf {
    std::env::var_os("X0BPF")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/x0bpf"))
}

/// The namespace, deleted on drop.
struct Ns(String);

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Runs `ip -n NS -batch -` with these lines.
fn ip_batch(ns: &str, lines: &[String]) {
    let mut child = Command::new("ip")
        .args(["-n", ns, "-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("ip");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "ip -batch failed");
}

fn tc_batch(ns: &str, lines: &[String]) {
    let mut child = Command::new("ip")
        .args(["netns", "exec", ns, "tc", "-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("tc");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "tc -batch failed");
}

/// Wall time of one run, stdout to /dev/null.
fn run(cmd: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let s = Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("spawn");
    let d = t.elapsed();
    assert!(s.success(), "{cmd:?} {args:?} failed");
    d
}

/// recvmsg/recvfrom calls of one run (strace -c), the count that grew with the square.
fn recv_calls(cmd: &Path, args: &[&str]) -> u64 {
    let out = Command::new("strace")
        .args([
            "-f",
            "-c",
            "-e",
            "trace=recvmsg,recvfrom",
            "-o",
            "/dev/stderr",
        ])
        .arg(cmd)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .expect("strace");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.trim_end().ends_with(" recvmsg") || l.trim_end().ends_with(" recvfrom"))
        .filter_map(|l| {
            l.split_whitespace()
                .nth(3)
                .and_then(|c| c.parse::<u64>().ok())
        })
        .sum()
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ms(d: f64) -> String {
    format!("{:.2} ms", d * 1e3)
}

fn main() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(unsafe { libc::geteuid() }, 0, "needs root");
    let x0 = x0bpf();
    assert!(x0.exists(), "{x0:?} missing: cargo build --release first");
    let bpftool = PathBuf::from("bpftool");
    let sizes: Vec<usize> = std::env::var("NET_SIZES")
        .ok()
        .map(|s| s.split(',').map(|n| n.parse().unwrap()).collect())
        .unwrap_or_else(|| vec![10, 100, 300, 1000]);

    let ns = Ns(format!("x0bench-net-{}", std::process::id()));
    assert!(Command::new("ip")
        .args(["netns", "add", &ns.0])
        .status()
        .unwrap()
        .success());
    let f = std::fs::File::open(format!("/run/netns/{}", ns.0)).unwrap();
    // SAFETY: a namespace fd we hold; this thread (and the children it spawns) move into it.
    assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);

    println!(
        "| interfaces | x0bpf -j net | bpftool -j net | ratio (median of rounds) | rounds | recv calls x0bpf | recv calls bpftool |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut have = 1; // lo
    for &n in &sizes {
        // veth pairs (this kernel has no dummy driver); `lo` counts, so 1 + 2k >= n.
        let pairs: Vec<usize> = (have / 2..n / 2).collect();
        if !pairs.is_empty() {
            let add: Vec<String> = pairs
                .iter()
                .map(|i| format!("link add a{i} type veth peer name b{i}"))
                .collect();
            ip_batch(&ns.0, &add);
            let up: Vec<String> = pairs
                .iter()
                .flat_map(|i| [format!("link set a{i} up"), format!("link set b{i} up")])
                .collect();
            ip_batch(&ns.0, &up);
            let q: Vec<String> = pairs
                .iter()
                .filter(|i| *i % 5 == 0)
                .map(|i| format!("qdisc add dev a{i} clsact"))
                .collect();
            if !q.is_empty() {
                tc_batch(&ns.0, &q);
            }
        }
        have = have.max(1 + 2 * (n / 2));
        let n = have;
        let rounds = match n {
            0..=100 => 21,
            101..=300 => 11,
            _ => 7,
        };
        let args = ["-j", "net"];
        // Warm both (page cache, dentries).
        run(&x0, &args);
        run(&bpftool, &args);
        let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..rounds {
            // Alternate which goes first, so neither always runs after the other.
            let (ta, tb) = if i % 2 == 0 {
                let ta = run(&x0, &args);
                (ta, run(&bpftool, &args))
            } else {
                let tb = run(&bpftool, &args);
                (run(&x0, &args), tb)
            };
            a.push(ta.as_secs_f64());
            b.push(tb.as_secs_f64());
            r.push(ta.as_secs_f64() / tb.as_secs_f64());
        }
        println!(
            "| {n} | {} | {} | **{:.2}×** | {rounds} | {} | {} |",
            ms(median_f(a)),
            ms(median_f(b)),
            median_f(r),
            recv_calls(&x0, &args),
            recv_calls(&bpftool, &args),
        );
    }
}
