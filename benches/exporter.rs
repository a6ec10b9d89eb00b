//! What one `GET /metrics` costs with tc_classifier's flow table holding 100 000 flows, against
//! baselines measured in the same run: the same scrape with no object loaded (HTTP + the
//! host-wide program and map listing), and `bpftool map dump` of the same table. The table is
//! a map of tc_classifier's exact key and value types (its real one holds 8192 flows), pinned
//! where `x0bpf load` would pin it, so the exporter reads it through the same code as the real
//! one. Needs root. See docs/PERFORMANCE.md.
//!
//! Second part: 100 000 series. A hash map of `tests/bpf/exporter_maps.c`'s `conns` type (its
//! max_entries raised to 125 000, created by libbpf with BTF) holding 100 000 elements is exported
//! through `--config` with three labels (an IPv4 address, an integer, an enum name); one scrape
//! is timed against `bpftool map dump` of the same map, interleaved round by round (scrape,
//! then bpftool), and the median of the per-round ratios is reported with both medians.
//!
//! Run: `cargo bench --bench exporter` (`X0BPF_BENCH_ONLY=flows` or `=series` for one part)
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, MapFlags, MapHandle, MapType};
use x0bpf::skel::tc_classifier::types::{flow_key, flow_stats, tc_totals};

const FLOWS: u32 = 100_000;

fn create(t: MapType, name: &str, ks: usize, vs: usize, max: u32) -> MapHandle {
    let opts = libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
        ..Default::default()
    };
    MapHandle::create(t, Some(name), ks as u32, vs as u32, max, &opts).expect("create map (root)")
}

fn bytes<T>(v: &T) -> &[u8] {
    // SAFETY: plain C structs from the skeleton, read as bytes.
    unsafe { std::slice::from_raw_parts(v as *const T as *const u8, std::mem::size_of::<T>()) }
}

fn get(addr: &str) -> usize {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert!(out.starts_with(b"HTTP/1.0 200") || out.starts_with(b"HTTP/1.1 200"));
    out.len()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(runs: usize, f: &dyn Fn()) -> Duration {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

struct Proc(std::process::Child);
impl Drop for Proc {
    /// SIGTERM first: an exporter run under a profiler (X0BPF_BENCH_WRAP) must exit cleanly
    /// for its profile to be written.
    fn drop(&mut self) {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let end = Instant::now() + Duration::from_secs(60);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn exporter(bpffs: &Path, addr: &str) -> Proc {
    exporter_with(bpffs, addr, &[])
}

/// `X0BPF_BENCH_WRAP="valgrind --tool=callgrind --callgrind-out-file=F"` runs the exporter
/// under that command (profiling; the timings then mean nothing).
fn exporter_with(bpffs: &Path, addr: &str, extra: &[&str]) -> Proc {
    let wrap = std::env::var("X0BPF_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut cmd = match words.next() {
        Some(w) => {
            let mut c = Command::new(w);
            c.args(words).arg(env!("CARGO_BIN_EXE_x0bpf"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_x0bpf")),
    };
    let mut c = cmd
        .args([
            "--bpffs",
            bpffs.to_str().unwrap(),
            "exporter",
            "--listen",
            addr,
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("x0bpf exporter");
    let mut err = std::io::BufReader::new(c.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert!(line.contains("listening"), "{line}");
    Proc(c)
}

fn main() {
    // SAFETY: no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this benchmark creates BPF maps: run as root"
    );
    let dir = std::env::temp_dir().join(format!("x0bpf-bench-exporter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "bpf", "bpf", dir.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success(), "mount bpffs");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _u = Unmount(dir.clone());
    let only = std::env::var("X0BPF_BENCH_ONLY").unwrap_or_default();
    if only != "series" {
        flows_bench(&dir);
    }
    if only != "flows" {
        series_bench(&dir);
    }
}

fn flows_bench(dir: &Path) {
    let mut flows = create(
        MapType::LruHash,
        "flows",
        std::mem::size_of::<flow_key>(),
        std::mem::size_of::<flow_stats>(),
        FLOWS + FLOWS / 4,
    );
    let mut totals = create(
        MapType::PercpuArray,
        "totals",
        4,
        std::mem::size_of::<tc_totals>(),
        1,
    );
    for i in 0..FLOWS {
        let mut k = flow_key {
            ifindex: 2,
            family: 4,
            proto: 6,
            lport: 443,
            rport: (i % 60000) as u16,
            ..Default::default()
        };
        k.laddr[..4].copy_from_slice(&[10, 0, 0, 1]);
        k.raddr[..4].copy_from_slice(&(0x0a00_0000u32 + i).to_be_bytes());
        let mut v = flow_stats::default();
        v.dir[0].packets = 10;
        v.dir[0].bytes = 1500;
        v.rtt_ns = 40_000;
        v.rtt_slots[15] = 1;
        flows.update(bytes(&k), bytes(&v), MapFlags::ANY).unwrap();
    }
    let empty_addr = "127.0.0.1:19542";
    let full_addr = "127.0.0.1:19543";
    let store = dir.join("x0bpf");
    std::fs::create_dir_all(store.join("bench/maps")).unwrap();
    let empty = exporter(dir, empty_addr);
    // The empty exporter reads the store before the flows appear in it.
    let t_empty = time(21, &|| {
        get(empty_addr);
    });
    flows.pin(store.join("bench/maps/flows")).unwrap();
    totals.pin(store.join("bench/maps/totals")).unwrap();
    let full = exporter(dir, full_addr);
    let size = get(full_addr);
    let t_full = time(21, &|| {
        get(full_addr);
    });
    let pin = store.join("bench/maps/flows");
    let t_bpftool = time(5, &|| {
        let o = Command::new("bpftool")
            .args(["map", "dump", "pinned", pin.to_str().unwrap()])
            .stdout(Stdio::null())
            .status()
            .expect("bpftool");
        assert!(o.success());
    });
    drop(full);
    drop(empty);
    println!(
        "scrape with {FLOWS} flows: {:.1} ms ({size} bytes)",
        t_full.as_secs_f64() * 1e3
    );
    println!(
        "empty scrape (no object):  {:.1} ms",
        t_empty.as_secs_f64() * 1e3
    );
    println!(
        "bpftool map dump (flows):  {:.1} ms",
        t_bpftool.as_secs_f64() * 1e3
    );
    println!(
        "ratios: scrape / empty scrape {:.1}x, scrape / bpftool map dump {:.3}x",
        t_full.as_secs_f64() / t_empty.as_secs_f64(),
        t_full.as_secs_f64() / t_bpftool.as_secs_f64()
    );
}

/// Elements (series) of the second part; `X0BPF_BENCH_SERIES` and `X0BPF_BENCH_ROUNDS` shrink
/// the run for profiling.
fn env_or(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One `GET /metrics`, its body.
fn get_body(addr: &str) -> Vec<u8> {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert!(out.starts_with(b"HTTP/1.1 200"));
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    out.split_off(at)
}

fn series_bench(dir: &Path) {
    let series = env_or("X0BPF_BENCH_SERIES", 100_000);
    let tmp = dir.with_extension("obj");
    std::fs::create_dir_all(&tmp).unwrap();
    struct Rm(std::path::PathBuf);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _rm = Rm(tmp.clone());
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpf/exporter_maps.c");
    let obj = tmp.join("em.o");
    let ok = Command::new("clang")
        .args(["-O2", "-g", "-target", "bpf", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .status()
        .expect("clang");
    assert!(ok.success(), "clang {}", src.display());
    let mut open = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj)
        .expect("open em.o");
    for mut m in open.maps_mut() {
        if m.name() == "conns" {
            m.set_max_entries(series + series / 4).unwrap();
        }
    }
    let mut loaded = open.load().expect("load em.o (root)");
    let pin = dir.join("conns");
    let mut conns = loaded
        .maps_mut()
        .find(|m| m.name() == "conns")
        .expect("conns");
    conns.pin(&pin).unwrap();
    // struct conn_key { __u32 addr; __u32 ifindex; enum color color; } → { packets, bytes }
    for i in 0..series {
        let mut k = [0u8; 12];
        k[..4].copy_from_slice(&(0x0a00_0000u32 + i).to_be_bytes());
        k[4..8].copy_from_slice(&(1 + i % 4).to_ne_bytes());
        k[8..].copy_from_slice(&(1 + i % 2).to_ne_bytes());
        let mut v = [0u8; 16];
        v[..8].copy_from_slice(&(i as u64 * 3).to_ne_bytes());
        conns.update(&k, &v, MapFlags::ANY).unwrap();
    }
    let cfg = tmp.join("x.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[metric]]\nmap = \"pinned {}\"\nname = \"bench_conn_packets_total\"\ntype = \"counter\"\nvalue = \"packets\"\n\
             [[metric.label]]\nfield = \"addr\"\ndecode = \"ipv4\"\n\
             [[metric.label]]\nfield = \"ifindex\"\n\
             [[metric.label]]\nfield = \"color\"\ndecode = \"enum\"\n",
            pin.display()
        ),
    )
    .unwrap();
    let addr = "127.0.0.1:19544";
    let _exp = exporter_with(
        dir,
        addr,
        &["--config", cfg.to_str().unwrap(), "--max-series", "1000000"],
    );
    let body = get_body(addr);
    let text = String::from_utf8_lossy(&body);
    let n = text
        .lines()
        .filter(|l| l.starts_with("bench_conn_packets_total{"))
        .count();
    assert_eq!(n, series as usize, "every element is a series");
    if let Ok(f) = std::env::var("X0BPF_BENCH_SAVE") {
        std::fs::write(f, &body).unwrap();
    }
    let bpftool = || {
        let o = Command::new("bpftool")
            .args(["map", "dump", "pinned", pin.to_str().unwrap()])
            .stdout(Stdio::null())
            .status()
            .expect("bpftool");
        assert!(o.success());
    };
    bpftool();
    let rounds = env_or("X0BPF_BENCH_ROUNDS", 11);
    let (mut ts, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        get_body(addr);
        let s = t.elapsed();
        let t = Instant::now();
        bpftool();
        let b = t.elapsed();
        ratios.push(s.as_secs_f64() / b.as_secs_f64());
        ts.push(s);
        tb.push(b);
    }
    let mut sorted = ratios.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let (ms, mb) = (median(ts), median(tb));
    println!(
        "{series} series: scrape {:.1} ms ({} bytes, {:.2} us/series), bpftool map dump {:.1} ms",
        ms.as_secs_f64() * 1e3,
        body.len(),
        ms.as_secs_f64() * 1e6 / series as f64,
        mb.as_secs_f64() * 1e3
    );
    println!(
        "scrape / bpftool, per round: {}",
        ratios
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "scrape / bpftool: median of rounds {:.3}x (goal <= 0.5)",
        sorted[sorted.len() / 2]
    );
}
