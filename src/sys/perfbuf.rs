//! A `BPF_MAP_TYPE_PERF_EVENT_ARRAY` reader: one `PERF_COUNT_SW_BPF_OUTPUT` perf event per CPU
//! (`perf_event_open`, sampling every output, raw samples), its ring mmapped (a metadata page,
//! then a power-of-two number of data pages), and its fd stored in the map at that CPU's index,
//! which is where `bpf_perf_event_output(…, BPF_F_CURRENT_CPU, …)` writes. The kernel removes
//! those entries itself when the map fd they were stored through is closed.
//!
//! Records: `PERF_RECORD_SAMPLE` (a u32 size, then the program's bytes padded so that size +
//! 4 is a multiple of 8) and `PERF_RECORD_LOST` (how many samples did not fit). Own code rather
//! than libbpf's perf_buffer so that `--count N` stops after exactly N samples. Reading and
//! consuming are apart, as for ring buffers: [`PerfReader::consume`] moves a private read
//! position per CPU, and only [`PerfReader::commit`] moves the kernel's `data_tail`.
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{fence, Ordering};

use libbpf_sys::perf_event_mmap_page;

const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_EVENT_IOC_ENABLE: libc::c_ulong = 0x2400;
/// Epoll tokens of the per-CPU rings start here (smaller tokens are the caller's).
pub const CPU_TOKEN: u64 = 1 << 32;

/// What a ring hands out.
pub enum Event<'a> {
    /// A sample written by the program (`data` includes the kernel's padding).
    Sample { cpu: u32, data: &'a [u8] },
    /// The kernel dropped `n` samples on `cpu`: the ring was full.
    Lost { cpu: u32, n: u64 },
}

struct Ring {
    cpu: u32,
    _fd: OwnedFd,
    base: *mut u8,
    /// Where the next record is read (≥ the kernel's data_tail).
    pos: u64,
}

pub struct PerfReader {
    rings: Vec<Ring>,
    page: usize,
    data_size: usize,
    epoll: OwnedFd,
    scratch: Vec<u8>,
    next: usize,
}

fn page_size() -> usize {
    // SAFETY: no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

fn open_event(cpu: u32) -> io::Result<OwnedFd> {
    let mut attr = libbpf_sys::perf_event_attr {
        type_: PERF_TYPE_SOFTWARE,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: libbpf_sys::PERF_COUNT_SW_BPF_OUTPUT as u64,
        sample_type: libbpf_sys::PERF_SAMPLE_RAW as u64,
        ..Default::default()
    };
    attr.__bindgen_anon_1.sample_period = 1;
    attr.__bindgen_anon_2.wakeup_events = 1;
    // SAFETY: a fully initialised attr of the size it says; pid -1 + cpu: every task there.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const libbpf_sys::perf_event_attr,
            -1 as libc::pid_t,
            cpu as libc::c_int,
            -1 as libc::c_int,
            libbpf_sys::PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

impl PerfReader {
    /// One ring of `pages` data pages (a power of two) per CPU that exists and is online, among
    /// the first `max_entries`; each ring's fd stored into `map` at its CPU. Fails on the first
    /// error (nothing stays stored: dropping the fds clears the perf events).
    pub fn open(map: BorrowedFd<'_>, max_entries: u32, pages: usize) -> io::Result<PerfReader> {
        if !pages.is_power_of_two() {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let page = page_size();
        let data_size = pages * page;
        // SAFETY: plain syscall.
        let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if ep < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut r = PerfReader {
            rings: Vec::new(),
            page,
            data_size,
            // SAFETY: a fresh fd.
            epoll: unsafe { OwnedFd::from_raw_fd(ep) },
            scratch: Vec::new(),
            next: 0,
        };
        let ncpu = (crate::sys::map::possible_cpus() as u32).min(max_entries);
        for cpu in 0..ncpu {
            let fd = match open_event(cpu) {
                Ok(fd) => fd,
                // A possible CPU that is not online.
                Err(e) if e.raw_os_error() == Some(libc::ENODEV) => continue,
                Err(e) => return Err(e),
            };
            // SAFETY: mapping a perf event fd: metadata page + data pages.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    page + data_size,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd.as_raw_fd(),
                    0,
                )
            };
            if base == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            let meta = base as *mut perf_event_mmap_page;
            // SAFETY: the metadata page was just mapped.
            let pos = unsafe { std::ptr::read_volatile(&raw const (*meta).data_tail) };
            r.rings.push(Ring {
                cpu,
                _fd: fd,
                base: base as *mut u8,
                pos,
            });
            let ring = r.rings.last().expect("just pushed");
            // SAFETY: ioctl on our perf event fd.
            if unsafe { libc::ioctl(ring._fd.as_raw_fd(), PERF_EVENT_IOC_ENABLE as _, 0) } != 0 {
                return Err(io::Error::last_os_error());
            }
            r.watch(
                ring._fd.as_raw_fd(),
                libc::EPOLLIN as u32,
                CPU_TOKEN + r.rings.len() as u64 - 1,
            )?;
            let key = cpu.to_ne_bytes();
            let val = (ring._fd.as_raw_fd() as u32).to_ne_bytes();
            crate::sys::map::update(map, Some(&key), &val, crate::sys::map::BPF_ANY)?;
        }
        if r.rings.is_empty() {
            return Err(io::Error::from_raw_os_error(libc::ENODEV));
        }
        Ok(r)
    }

    /// The CPUs read.
    pub fn cpus(&self) -> Vec<u32> {
        self.rings.iter().map(|r| r.cpu).collect()
    }

    /// Also wake on `fd` (e.g. stdout, whose EPOLLERR says the reader went away).
    pub fn watch(&self, fd: i32, events: u32, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events, u64: token };
        // SAFETY: valid epoll fd and event struct.
        if unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) } != 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Hand records to `f`, CPU by CPU, at most `max` samples (lost-sample reports do not
    /// count); returns the samples handed out. A failing `f` stops at once, its record handed
    /// out again by the next call. The kernel's data_tail does not move: [`PerfReader::commit`]
    /// does that.
    pub fn consume<E>(
        &mut self,
        max: u64,
        mut f: impl FnMut(Event<'_>) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut n = 0u64;
        let size = self.data_size as u64;
        let nrings = self.rings.len();
        for k in 0..nrings {
            // Start where the last call stopped, so a CPU cannot starve the others.
            let i = (self.next + k) % nrings;
            let ring = &mut self.rings[i];
            let meta = ring.base as *mut perf_event_mmap_page;
            // SAFETY: the metadata page is mapped for our lifetime; the kernel writes
            // data_head, we write data_tail.
            let head = unsafe { std::ptr::read_volatile(&raw const (*meta).data_head) };
            fence(Ordering::Acquire);
            let mut tail = ring.pos;
            // SAFETY: the data area follows the metadata page.
            let data = unsafe { ring.base.add(self.page) };
            while tail < head && n < max {
                let off = (tail % size) as usize;
                // Records are 8-byte aligned and at least 8 bytes: the header never wraps.
                let mut hdr = [0u8; 8];
                // SAFETY: off + 8 <= data_size.
                unsafe { std::ptr::copy_nonoverlapping(data.add(off), hdr.as_mut_ptr(), 8) };
                let typ = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
                let rsize = u16::from_ne_bytes([hdr[6], hdr[7]]) as usize;
                if rsize < 8 || rsize as u64 > head - tail {
                    // A corrupt ring: drop what is there.
                    tail = head;
                    break;
                }
                self.scratch.clear();
                let first = rsize.min(self.data_size - off);
                // SAFETY: [off, off+first) and [0, rsize-first) are inside the data area.
                unsafe {
                    self.scratch
                        .extend_from_slice(std::slice::from_raw_parts(data.add(off), first));
                    self.scratch
                        .extend_from_slice(std::slice::from_raw_parts(data, rsize - first));
                }
                let body = &self.scratch[8..];
                let ev = match typ {
                    libbpf_sys::PERF_RECORD_SAMPLE if body.len() >= 4 => {
                        let len = u32::from_ne_bytes([body[0], body[1], body[2], body[3]]) as usize;
                        let data = &body[4..4 + len.min(body.len() - 4)];
                        Some(Event::Sample {
                            cpu: ring.cpu,
                            data,
                        })
                    }
                    libbpf_sys::PERF_RECORD_LOST if body.len() >= 16 => {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(&body[8..16]);
                        Some(Event::Lost {
                            cpu: ring.cpu,
                            n: u64::from_ne_bytes(b),
                        })
                    }
                    _ => None,
                };
                let sample = matches!(ev, Some(Event::Sample { .. }));
                if let Some(ev) = ev {
                    if let Err(e) = f(ev) {
                        ring.pos = tail;
                        self.next = i;
                        return Err(e);
                    }
                }
                if sample {
                    n += 1;
                }
                tail += rsize as u64;
                ring.pos = tail;
            }
            ring.pos = tail;
            if n >= max {
                self.next = i;
                break;
            }
        }
        Ok(n)
    }

    /// Give the space of every record handed out so far back to the kernel (data_tail moves to
    /// the read position of each CPU). Records not committed are read again by the next reader.
    pub fn commit(&mut self) {
        for r in &self.rings {
            store_tail(r.base as *mut perf_event_mmap_page, r.pos);
        }
    }

    /// Block until a ring (or another watched fd) is ready, a signal arrives, or `timeout_ms`
    /// passes (-1: no timeout). Returns the tokens that fired.
    pub fn wait(&self, timeout_ms: i32) -> io::Result<Vec<u64>> {
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 16];
        // SAFETY: valid epoll fd and buffer.
        let r =
            unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), evs.as_mut_ptr(), 16, timeout_ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                return Ok(Vec::new());
            }
            return Err(e);
        }
        Ok(evs[..r as usize].iter().map(|e| e.u64).collect())
    }
}

fn store_tail(meta: *mut perf_event_mmap_page, tail: u64) {
    // Every read of the record happens before the kernel may reuse its space.
    fence(Ordering::Release);
    // SAFETY: the metadata page is mapped and writable for the reader's lifetime.
    unsafe { std::ptr::write_volatile(&raw mut (*meta).data_tail, tail) };
}

impl Drop for PerfReader {
    fn drop(&mut self) {
        for r in &self.rings {
            // SAFETY: unmapping exactly what open() mapped.
            unsafe {
                libc::munmap(r.base as *mut libc::c_void, self.page + self.data_size);
            }
        }
    }
}
