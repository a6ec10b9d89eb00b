//! A whole map in one `BPF_MAP_LOOKUP_BATCH` walk (one syscall per batch of elements, not two
//! per element as a key walk costs). Readers that poll maps (stats, flows, the exporter) use it.
use std::io;
use std::os::fd::BorrowedFd;

use crate::sys::map as sysmap;

/// Keys and values as the kernel copied them out: element `i` is `key(i)`, `value(i)`; a per-CPU
/// value holds one 8-byte-aligned copy per possible CPU (`cpu_values`).
pub struct Entries {
    pub key_size: usize,
    pub value_size: usize,
    /// Bytes per element in `vals` (per-CPU: rounded value size × possible CPUs).
    pub stride: usize,
    pub percpu: bool,
    keys: Vec<u8>,
    vals: Vec<u8>,
    pub len: usize,
}

impl Entries {
    pub fn key(&self, i: usize) -> &[u8] {
        &self.keys[i * self.key_size..(i + 1) * self.key_size]
    }

    /// The value of element `i` (all CPUs' copies for a per-CPU map).
    pub fn value(&self, i: usize) -> &[u8] {
        &self.vals[i * self.stride..(i + 1) * self.stride]
    }

    /// Each CPU's copy of element `i`'s value (one slice for a plain map).
    pub fn cpu_values(&self, i: usize) -> Vec<&[u8]> {
        let v = self.value(i);
        if !self.percpu {
            return vec![v];
        }
        let step = sysmap::round8(self.value_size);
        v.chunks(step).map(|c| &c[..self.value_size]).collect()
    }
}

const BATCH: u32 = 4096;
/// The most one batch's key and value buffers may take together.
const BUFFER_BYTES: usize = 64 << 20;

/// Read every element. Kernels without batch lookups for this map type (EINVAL/ENOTSUPP before
/// anything came back) are read with a key walk instead, bounded by `max_entries`.
pub fn read_all(fd: BorrowedFd<'_>) -> io::Result<Entries> {
    let info = sysmap::info(fd)?;
    let ks = info.key_size as usize;
    let stride = info.value_buf_size();
    let mut e = Entries {
        key_size: ks,
        value_size: info.value_size as usize,
        stride,
        percpu: info.is_percpu(),
        keys: Vec::new(),
        vals: Vec::new(),
        len: 0,
    };
    if info.supports_batch() {
        match batch(fd, &info, &mut e) {
            Ok(()) => return Ok(e),
            Err(err)
                if e.len == 0
                    && matches!(
                        err.raw_os_error(),
                        Some(libc::EINVAL) | Some(524) | Some(libc::EOPNOTSUPP)
                    ) => {}
            Err(err) => return Err(err),
        }
    }
    walk(fd, &info, &mut e)?;
    Ok(e)
}

fn batch(fd: BorrowedFd<'_>, info: &sysmap::Info, e: &mut Entries) -> io::Result<()> {
    let (ks, vs) = (e.key_size, e.stride);
    // Sizes come from the kernel (a map's value may be megabytes): bound the buffers in bytes,
    // not only in elements, so one hostile map cannot make a reader allocate gigabytes.
    let per = (ks + vs).max(1);
    let fits = |n: u32| n as usize * per <= BUFFER_BYTES;
    let mut max = BATCH
        .min(info.max_entries.max(1))
        .min((BUFFER_BYTES / per).max(1) as u32);
    let mut keys = vec![0u8; ks * max as usize];
    let mut vals = vec![0u8; vs * max as usize];
    let mut token = [0u8; 8];
    let mut next = [0u8; 8];
    let mut first = true;
    loop {
        let b = match sysmap::lookup_batch(
            fd,
            (!first).then_some(&token),
            &mut next,
            &mut keys,
            &mut vals,
            max,
        ) {
            Ok(b) => b,
            // One hash bucket holds more elements than the buffers: grow them and ask again.
            Err(err) if err.raw_os_error() == Some(libc::ENOSPC) && fits(max * 2) => {
                max *= 2;
                keys.resize(ks * max as usize, 0);
                vals.resize(vs * max as usize, 0);
                continue;
            }
            Err(err) => return Err(err),
        };
        let n = b.count as usize;
        e.keys.extend_from_slice(&keys[..n * ks]);
        e.vals.extend_from_slice(&vals[..n * vs]);
        e.len += n;
        // A map that keeps changing must not make the walk loop forever.
        if b.done || e.len as u64 > info.max_entries as u64 * 2 {
            return Ok(());
        }
        token = next;
        first = false;
    }
}

fn walk(fd: BorrowedFd<'_>, info: &sysmap::Info, e: &mut Entries) -> io::Result<()> {
    let mut key = vec![0u8; e.key_size];
    let mut next = vec![0u8; e.key_size];
    let mut val = vec![0u8; e.stride];
    let mut first = true;
    for _ in 0..info.max_entries {
        if !sysmap::next_key(fd, (!first).then_some(&key[..]), &mut next)? {
            break;
        }
        first = false;
        std::mem::swap(&mut key, &mut next);
        // Deleted between the two calls: skip it.
        if sysmap::lookup(fd, Some(&key), &mut val)? {
            e.keys.extend_from_slice(&key);
            e.vals.extend_from_slice(&val);
            e.len += 1;
        }
    }
    Ok(())
}
