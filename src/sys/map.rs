//! bpf(2) map commands on a file descriptor: info, element reads and writes, key iteration,
//! `BPF_MAP_LOOKUP_BATCH`, and the BTF a map carries. No policy here: every errno is returned.
use std::ffi::c_void;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr;

/// libbpf returns -errno; keep the errno.
use crate::sys::bpf::{cname, rc_or_err as rc};

/// ENOENT is an answer here (no such key, nothing left), not an error.
fn found(r: io::Result<()>) -> io::Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if errno_is(&e, libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

fn errno_is(e: &io::Error, n: i32) -> bool {
    e.raw_os_error() == Some(n)
}

pub const BPF_ANY: u64 = 0;
pub const BPF_NOEXIST: u64 = 1;
pub const BPF_EXIST: u64 = 2;

// Map type numbers from the UAPI (stable ABI).
pub const HASH: u32 = 1;
pub const ARRAY: u32 = 2;
pub const PROG_ARRAY: u32 = 3;
pub const PERF_EVENT_ARRAY: u32 = 4;
pub const PERCPU_HASH: u32 = 5;
pub const PERCPU_ARRAY: u32 = 6;
pub const LRU_HASH: u32 = 9;
pub const LRU_PERCPU_HASH: u32 = 10;
pub const ARRAY_OF_MAPS: u32 = 12;
pub const HASH_OF_MAPS: u32 = 13;
pub const PERCPU_CGROUP_STORAGE: u32 = 21;
pub const QUEUE: u32 = 22;
pub const STACK: u32 = 23;
pub const RINGBUF: u32 = 27;
pub const BLOOM_FILTER: u32 = 30;
pub const USER_RINGBUF: u32 = 31;

/// The part of `struct bpf_map_info` x0bpf uses.
#[derive(Debug, Clone)]
pub struct Info {
    pub id: u32,
    pub map_type: u32,
    pub name: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub btf_id: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
}

impl Info {
    pub fn is_percpu(&self) -> bool {
        matches!(
            self.map_type,
            PERCPU_HASH | PERCPU_ARRAY | LRU_PERCPU_HASH | PERCPU_CGROUP_STORAGE
        )
    }

    /// Types whose kernel implementation has `map_lookup_batch` (hash and array families).
    pub fn supports_batch(&self) -> bool {
        matches!(
            self.map_type,
            HASH | PERCPU_HASH | LRU_HASH | LRU_PERCPU_HASH | ARRAY | PERCPU_ARRAY
        )
    }

    /// Bytes the kernel copies out for one value: per-CPU values are rounded up to 8 bytes
    /// per possible CPU.
    pub fn value_buf_size(&self) -> usize {
        if self.is_percpu() {
            round8(self.value_size as usize) * possible_cpus()
        } else {
            self.value_size as usize
        }
    }
}

pub fn round8(n: usize) -> usize {
    (n + 7) & !7
}

/// Number of possible CPUs (what per-CPU values are sized by), at least 1.
pub fn possible_cpus() -> usize {
    // SAFETY: no preconditions; libbpf caches the answer.
    let n = unsafe { libbpf_sys::libbpf_num_possible_cpus() };
    if n > 0 {
        n as usize
    } else {
        1
    }
}

pub fn info(fd: BorrowedFd<'_>) -> io::Result<Info> {
    let mut i = libbpf_sys::bpf_map_info::default();
    let mut len = std::mem::size_of_val(&i) as u32;
    // SAFETY: properly sized out buffer.
    rc(unsafe { libbpf_sys::bpf_map_get_info_by_fd(fd.as_raw_fd(), &mut i, &mut len) })?;
    Ok(Info {
        id: i.id,
        map_type: i.type_,
        name: cname(&i.name),
        key_size: i.key_size,
        value_size: i.value_size,
        max_entries: i.max_entries,
        flags: i.map_flags,
        btf_id: i.btf_id,
        btf_key_type_id: i.btf_key_type_id,
        btf_value_type_id: i.btf_value_type_id,
    })
}

fn key_ptr(key: Option<&[u8]>) -> *const c_void {
    key.map_or(ptr::null(), |k| k.as_ptr() as *const c_void)
}

/// `BPF_MAP_LOOKUP_ELEM`: `Ok(false)` when the key is absent (ENOENT). `key` is `None` for
/// queue/stack peek. `val` must hold `value_buf_size()` bytes.
pub fn lookup(fd: BorrowedFd<'_>, key: Option<&[u8]>, val: &mut [u8]) -> io::Result<bool> {
    // SAFETY: the caller sized key and value buffers from the map's info.
    found(rc(unsafe {
        libbpf_sys::bpf_map_lookup_elem_flags(
            fd.as_raw_fd(),
            key_ptr(key),
            val.as_mut_ptr() as *mut c_void,
            0,
        )
    }))
}

/// `BPF_MAP_UPDATE_ELEM` (key `None`: queue/stack push).
pub fn update(fd: BorrowedFd<'_>, key: Option<&[u8]>, val: &[u8], flags: u64) -> io::Result<()> {
    // SAFETY: buffers sized from the map's info.
    rc(unsafe {
        libbpf_sys::bpf_map_update_elem(
            fd.as_raw_fd(),
            key_ptr(key),
            val.as_ptr() as *const c_void,
            flags,
        )
    })
}

/// `BPF_MAP_DELETE_ELEM`: `Ok(false)` when the key was absent.
pub fn delete(fd: BorrowedFd<'_>, key: &[u8]) -> io::Result<bool> {
    // SAFETY: key sized from the map's info.
    found(rc(unsafe {
        libbpf_sys::bpf_map_delete_elem(fd.as_raw_fd(), key.as_ptr() as *const c_void)
    }))
}

/// `BPF_MAP_LOOKUP_AND_DELETE_ELEM` with no key: queue/stack pop. `Ok(false)` when empty.
pub fn pop(fd: BorrowedFd<'_>, val: &mut [u8]) -> io::Result<bool> {
    // SAFETY: value buffer sized from the map's info.
    found(rc(unsafe {
        libbpf_sys::bpf_map_lookup_and_delete_elem(
            fd.as_raw_fd(),
            ptr::null(),
            val.as_mut_ptr() as *mut c_void,
        )
    }))
}

/// `BPF_MAP_GET_NEXT_KEY`: `Ok(false)` at the end (ENOENT).
pub fn next_key(fd: BorrowedFd<'_>, key: Option<&[u8]>, next: &mut [u8]) -> io::Result<bool> {
    // SAFETY: key buffers sized from the map's info.
    found(rc(unsafe {
        libbpf_sys::bpf_map_get_next_key(
            fd.as_raw_fd(),
            key_ptr(key),
            next.as_mut_ptr() as *mut c_void,
        )
    }))
}

/// What one `BPF_MAP_LOOKUP_BATCH` call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    /// Elements copied into the buffers (also on the last call).
    pub count: u32,
    /// ENOENT: the walk is over; `count` elements still came with it.
    pub done: bool,
}

/// One `BPF_MAP_LOOKUP_BATCH` call. `in_batch` is `None` on the first call; `out_batch` (8
/// bytes: hash maps use a u32 bucket, arrays a u32 index) is the token for the next call.
/// `keys`/`vals` hold `max` elements. Errors other than ENOENT are returned as they are —
/// ENOSPC (a bucket holds more than `max` elements) included: the caller grows the buffers.
pub fn lookup_batch(
    fd: BorrowedFd<'_>,
    in_batch: Option<&[u8; 8]>,
    out_batch: &mut [u8; 8],
    keys: &mut [u8],
    vals: &mut [u8],
    max: u32,
) -> io::Result<Batch> {
    let mut count = max;
    let opts = libbpf_sys::bpf_map_batch_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_map_batch_opts>() as _,
        ..Default::default()
    };
    // SAFETY: the caller sized keys and vals for `max` elements; tokens are 8 bytes, larger
    // than any kernel batch token.
    let r = rc(unsafe {
        libbpf_sys::bpf_map_lookup_batch(
            fd.as_raw_fd(),
            in_batch.map_or(ptr::null_mut(), |b| b.as_ptr() as *mut c_void),
            out_batch.as_mut_ptr() as *mut c_void,
            keys.as_mut_ptr() as *mut c_void,
            vals.as_mut_ptr() as *mut c_void,
            &mut count,
            &opts,
        )
    });
    match r {
        Ok(()) => Ok(Batch { count, done: false }),
        Err(e) if errno_is(&e, libc::ENOENT) => Ok(Batch { count, done: true }),
        Err(e) => Err(e),
    }
}

/// The raw BTF blob with this id (the map's or a program's BTF as the kernel holds it).
pub fn btf_raw(btf_id: u32) -> io::Result<Vec<u8>> {
    // SAFETY: plain syscall wrapper.
    let fd = unsafe { libbpf_sys::bpf_btf_get_fd_by_id(btf_id) };
    if fd < 0 {
        return Err(io::Error::from_raw_os_error(-fd));
    }
    // SAFETY: a fresh fd nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut info = libbpf_sys::bpf_btf_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: properly sized out buffer; first call asks for the size only.
    rc(unsafe { libbpf_sys::bpf_btf_get_info_by_fd(fd.as_raw_fd(), &mut info, &mut len) })?;
    let mut buf = vec![0u8; info.btf_size as usize];
    let mut again = libbpf_sys::bpf_btf_info {
        btf: buf.as_mut_ptr() as u64,
        btf_size: buf.len() as u32,
        ..Default::default()
    };
    let mut len = std::mem::size_of_val(&again) as u32;
    // SAFETY: buf outlives the call and holds btf_size bytes.
    rc(unsafe { libbpf_sys::bpf_btf_get_info_by_fd(fd.as_raw_fd(), &mut again, &mut len) })?;
    buf.truncate(again.btf_size as usize);
    Ok(buf)
}
