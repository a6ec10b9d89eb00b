//! How to read a whole map: one BPF_MAP_GET_NEXT_KEY + one BPF_MAP_LOOKUP_ELEM per element
//! (what bpftool does, and what `x0bpf stats` does for per-CPU maps) against
//! BPF_MAP_LOOKUP_BATCH. Needs root (it creates real maps). Results are ratios against the
//! per-element baseline measured in the same run; see docs/PERFORMANCE.md.
//!
//! Run: `cargo bench --bench map_read`
use std::time::{Duration, Instant};

use std::os::fd::AsFd;

use libbpf_rs::{MapCore, MapFlags, MapHandle, MapType};

fn fill(n: u32, max: u32) -> MapHandle {
    let opts = libbpf_sys::bpf_map_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
        ..Default::default()
    };
    let m = MapHandle::create(MapType::Hash, Some("x0bench"), 4, 16, max, &opts)
        .expect("create hash map (root needed)");
    for k in 0..n {
        m.update(&k.to_ne_bytes(), &[7u8; 16], MapFlags::ANY)
            .unwrap();
    }
    m
}

fn per_element(m: &MapHandle) -> usize {
    let mut n = 0;
    for k in m.keys() {
        if m.lookup(&k, MapFlags::ANY).unwrap().is_some() {
            n += 1;
        }
    }
    n
}

/// libbpf-rs 0.27's `lookup_batch` iterator: it stops at the first short batch, which a hash
/// map returns at bucket boundaries — so it can end early. Shown for the record.
fn batched_libbpf_rs(m: &MapHandle) -> usize {
    m.lookup_batch(1024, MapFlags::ANY, MapFlags::ANY)
        .unwrap()
        .count()
}

/// BPF_MAP_LOOKUP_BATCH driven to the end: short batches are normal, ENOENT ends the walk.
fn batched(m: &MapHandle) -> usize {
    use std::os::fd::AsRawFd;
    const BATCH: u32 = 1024;
    let mut keys = vec![0u8; 4 * BATCH as usize];
    let mut vals = vec![0u8; 16 * BATCH as usize];
    let (mut in_b, mut out_b) = (0u32, 0u32);
    let mut first = true;
    let mut total = 0usize;
    loop {
        let mut count = BATCH;
        let opts = libbpf_sys::bpf_map_batch_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_map_batch_opts>() as _,
            ..Default::default()
        };
        // SAFETY: buffers hold BATCH keys and values; the batch tokens are u32 (hash map).
        let rc = unsafe {
            libbpf_sys::bpf_map_lookup_batch(
                m.as_fd().as_raw_fd(),
                if first {
                    std::ptr::null_mut()
                } else {
                    &mut in_b as *mut u32 as *mut _
                },
                &mut out_b as *mut u32 as *mut _,
                keys.as_mut_ptr() as *mut _,
                vals.as_mut_ptr() as *mut _,
                &mut count,
                &opts,
            )
        };
        total += count as usize;
        if rc == -libc::ENOENT {
            return total;
        }
        assert_eq!(rc, 0, "lookup_batch failed: {rc}");
        in_b = out_b;
        first = false;
    }
}

/// Median time of `runs` runs, after one warm-up.
fn time(runs: usize, f: &dyn Fn() -> usize, expect: usize) -> Duration {
    assert_eq!(f(), expect, "read every element");
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let n = f();
            let d = t.elapsed();
            assert_eq!(n, expect);
            d
        })
        .collect();
    v.sort();
    v[runs / 2]
}

fn main() {
    // SAFETY: no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this benchmark creates BPF maps: run as root"
    );
    let probe = fill(10_000, 16_384);
    println!(
        "libbpf-rs lookup_batch read {} of 10000 entries (stops at the first short batch)",
        batched_libbpf_rs(&probe)
    );
    drop(probe);
    println!(
        "{:>8} {:>8} {:>14} {:>14} {:>8}",
        "entries", "max", "per-element", "batch", "speedup"
    );
    for (n, max) in [
        (100u32, 1024u32),
        (10_000, 16_384),
        (100, 65_536),
        (60_000, 65_536),
    ] {
        let m = fill(n, max);
        let runs = if n > 10_000 { 9 } else { 31 };
        let a = time(runs, &|| per_element(&m), n as usize);
        let b = time(runs, &|| batched(&m), n as usize);
        println!(
            "{n:>8} {max:>8} {:>12.1}us {:>12.1}us {:>7.1}x",
            a.as_secs_f64() * 1e6,
            b.as_secs_f64() * 1e6,
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
}
