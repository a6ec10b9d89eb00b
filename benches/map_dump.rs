//! `x0bpf map dump` and `x0bpf tail` against bpftool and a raw floor, in one run; ratios go
//! into docs/PERFORMANCE.md. Needs root, clang, bpftool, strace and a release build:
//!
//!   cargo build --release && cargo bench --bench map_dump
//!
//! (X0BPF=path overrides the binary.) Dump: a pinned 1,000,000-entry hash map `__u32 → __u64`
//! with BTF (declared in an object, created by libbpf), filled with BPF_MAP_UPDATE_BATCH;
//! a sparse one (1M max_entries, 100 entries). Tail: a 128 MiB ring buffer pre-filled with
//! 2,000,000 numbered 32-byte records by an XDP program run with BPF_PROG_TEST_RUN.
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, ObjectBuilder};

const DUMP_SRC: &str = r#"
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct { __uint(type, 1); __uint(max_entries, 1000000); __type(key, __u32); __type(value, __u64); } big SEC(".maps");
struct { __uint(type, 1); __uint(max_entries, 1000000); __type(key, __u32); __type(value, __u64); } sparse SEC(".maps");
char __license[] SEC("license") = "GPL";
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

/// Wall time and peak RSS (KiB) of one run, stdout to /dev/null.
fn run(cmd: &Path, args: &[&str]) -> (Duration, i64) {
    let t = Instant::now();
    // Reaped by wait4 below, which also gives the peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out buffer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    let d = t.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} {args:?} failed"
    );
    (d, ru.ru_maxrss)
}

fn median<F: FnMut() -> Duration>(n: usize, mut f: F) -> Duration {
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v[n / 2]
}

/// bpf() calls made by one run (strace -c).
fn bpf_calls(cmd: &Path, args: &[&str]) -> u64 {
    let out = Command::new("strace")
        .args(["-f", "-c", "-e", "trace=bpf", "-o", "/dev/stderr"])
        .arg(cmd)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .expect("strace");
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines()
        .find(|l| l.trim_end().ends_with(" bpf"))
        .and_then(|l| l.split_whitespace().nth(3).and_then(|c| c.parse().ok()))
        .unwrap_or(0)
}

/// The floor: BPF_MAP_LOOKUP_BATCH over the whole map in this process, nothing decoded.
fn floor(fd: i32, n: u32) -> usize {
    const B: u32 = 4096;
    let mut keys = vec![0u8; 4 * B as usize];
    let mut vals = vec![0u8; 8 * B as usize];
    let (mut inb, mut outb) = (0u64, 0u64);
    let mut first = true;
    let mut total = 0usize;
    loop {
        let mut count = B;
        let opts = libbpf_sys::bpf_map_batch_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_map_batch_opts>() as _,
            ..Default::default()
        };
        // SAFETY: buffers hold B keys and values.
        let rc = unsafe {
            libbpf_sys::bpf_map_lookup_batch(
                fd,
                if first {
                    std::ptr::null_mut()
                } else {
                    &mut inb as *mut u64 as *mut _
                },
                &mut outb as *mut u64 as *mut _,
                keys.as_mut_ptr() as *mut _,
                vals.as_mut_ptr() as *mut _,
                &mut count,
                &opts,
            )
        };
        total += count as usize;
        if rc < 0 {
            assert_eq!(-rc, libc::ENOENT, "batch failed");
            break;
        }
        inb = outb;
        first = false;
    }
    assert_eq!(total, n as usize);
    total
}

fn fill(fd: i32, n: u32) {
    let keys: Vec<u32> = (0..n).collect();
    let vals: Vec<u64> = (0..n as u64).map(|k| k * 7).collect();
    let mut count = n;
    let opts = libbpf_sys::bpf_map_batch_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_batch_opts>() as _,
        ..Default::default()
    };
    // SAFETY: n keys and values.
    let rc = unsafe {
        libbpf_sys::bpf_map_update_batch(
            fd,
            keys.as_ptr() as *const _,
            vals.as_ptr() as *const _,
            &mut count,
            &opts,
        )
    };
    assert!(rc == 0 && count == n, "fill failed: {rc}");
}

struct Mount(PathBuf);
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // SAFETY: no preconditions.
    assert_eq!(unsafe { libc::geteuid() }, 0, "this benchmark needs root");
    let x0 = x0bpf();
    assert!(
        x0.exists(),
        "build the release binary first: cargo build --release"
    );
    let dir = std::env::temp_dir().join(format!("x0bpf-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fs = Mount(dir.join("fs"));
    std::fs::create_dir_all(&fs.0).unwrap();
    sh("mount", &["-t", "bpf", "bpf", fs.0.to_str().unwrap()]);

    // ---- dump
    let src = dir.join("dump.c");
    std::fs::write(&src, DUMP_SRC).unwrap();
    let obj_path = dir.join("dump.o");
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
            obj_path.to_str().unwrap(),
        ],
    );
    let mut obj = ObjectBuilder::default()
        .open_file(&obj_path)
        .unwrap()
        .load()
        .unwrap();
    let mut pins = Vec::new();
    for mut m in obj.maps_mut() {
        let name = m.name().to_string_lossy().into_owned();
        let fd = m.as_fd().as_raw_fd();
        fill(fd, if name == "big" { 1_000_000 } else { 100 });
        let p = fs.0.join(&name);
        m.pin(&p).unwrap();
        pins.push((name, p, fd));
    }
    println!("## dump (median of 5)\n");
    println!("| map | x0bpf | bpftool | floor | x0bpf/bpftool | x0bpf/floor | x0bpf RSS | bpftool RSS | bpf() x0bpf | bpf() bpftool |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, p, fd) in &pins {
        let n = if name == "big" { 1_000_000 } else { 100 };
        let ps = p.to_str().unwrap();
        let mut rss_x = 0;
        let mut rss_b = 0;
        let tx = median(5, || {
            let (d, r) = run(&x0, &["--json", "map", "dump", ps]);
            rss_x = rss_x.max(r);
            d
        });
        let bpftool = Path::new("/usr/sbin/bpftool");
        let tb = median(if n > 1000 { 3 } else { 5 }, || {
            let (d, r) = run(bpftool, &["map", "dump", "pinned", ps, "-j"]);
            rss_b = rss_b.max(r);
            d
        });
        let tf = median(5, || {
            let t = Instant::now();
            floor(*fd, n);
            t.elapsed()
        });
        let cx = bpf_calls(&x0, &["--json", "map", "dump", ps]);
        let cb = bpf_calls(bpftool, &["map", "dump", "pinned", ps, "-j"]);
        println!(
            "| {name} ({n} of 1M) | {:.1} ms | {:.1} ms | {:.1} ms | {:.3}× | {:.2}× | {} MiB | {} MiB | {cx} | {cb} |",
            tx.as_secs_f64() * 1e3,
            tb.as_secs_f64() * 1e3,
            tf.as_secs_f64() * 1e3,
            tx.as_secs_f64() / tb.as_secs_f64(),
            tx.as_secs_f64() / tf.as_secs_f64(),
            rss_x / 1024,
            rss_b / 1024,
        );
    }
    drop(obj);

    // ---- tail
    let tsrc = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf/map_types.c");
    let tobj = dir.join("tail.o");
    sh(
        "clang",
        &[
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-DRB_SIZE=(1<<27)",
            "-c",
            tsrc.to_str().unwrap(),
            "-o",
            tobj.to_str().unwrap(),
        ],
    );
    println!("\n## tail: 2,000,000 pre-filled 32-byte records (median of 3)\n");
    println!("| output | time | records/s |");
    println!("| --- | ---: | ---: |");
    let pkt = dir.join("pkt");
    std::fs::write(&pkt, [0u8; 64]).unwrap();
    for (label, extra) in [
        ("--json", &["--json"][..]),
        ("--raw", &["--raw"][..]),
        ("text (hex)", &[][..]),
    ] {
        let t = median(3, || {
            let d = fs.0.join(format!("t{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).unwrap();
            sh(
                "bpftool",
                &[
                    "prog",
                    "loadall",
                    tobj.to_str().unwrap(),
                    d.join("p").to_str().unwrap(),
                    "pinmaps",
                    d.join("m").to_str().unwrap(),
                ],
            );
            sh(
                "bpftool",
                &[
                    "prog",
                    "run",
                    "pinned",
                    d.join("p/emit").to_str().unwrap(),
                    "data_in",
                    pkt.to_str().unwrap(),
                    "repeat",
                    "2000",
                ],
            );
            let ev = d.join("m/events");
            // --json is global, --raw belongs to tail.
            let mut args: Vec<&str> = if label == "--json" {
                extra.to_vec()
            } else {
                Vec::new()
            };
            args.extend_from_slice(&["tail", ev.to_str().unwrap(), "--count", "2000000"]);
            if label == "--raw" {
                args.extend_from_slice(extra);
            }
            if label == "--json" {
                args.extend_from_slice(&["--type", "struct event"]);
            }
            let (dur, _) = run(&x0, &args);
            let _ = std::fs::remove_dir_all(&d);
            dur
        });
        println!(
            "| {label} | {:.0} ms | {:.2} M/s |",
            t.as_secs_f64() * 1e3,
            2.0 / t.as_secs_f64()
        );
    }
}
