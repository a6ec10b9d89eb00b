//! What one `GET /metrics` costs with tc_classifier's flow table holding 100 000 flows, against
//! baselines measured in the same run: the same scrape with no object loaded (HTTP + the
//! host-wide program and map listing), and `bpftool map dump` of the same table. The table is
//! a map of tc_classifier's exact key and value types (its real one holds 8192 flows), pinned
//! where `x0bpf load` would pin it, so the exporter reads it through the same code as the real
//! one. Needs root. See docs/PERFORMANCE.md.
//!
//! Run: `cargo bench --bench exporter`
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
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn exporter(bpffs: &Path, addr: &str) -> Proc {
    let mut c = Command::new(env!("CARGO_BIN_EXE_x0bpf"))
        .args([
            "--bpffs",
            bpffs.to_str().unwrap(),
            "exporter",
            "--listen",
            addr,
        ])
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
    let empty = exporter(&dir, empty_addr);
    // The empty exporter reads the store before the flows appear in it.
    let t_empty = time(21, &|| {
        get(empty_addr);
    });
    flows.pin(store.join("bench/maps/flows")).unwrap();
    totals.pin(store.join("bench/maps/totals")).unwrap();
    let full = exporter(&dir, full_addr);
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
