//! A `BPF_MAP_TYPE_RINGBUF` consumer on raw mmap, as the kernel lays it out: a writable
//! consumer-position page, then (read-only) the producer-position page and the data area
//! mapped twice in a row, so a record that wraps is still contiguous. Each record has an
//! 8-byte header: length with a BUSY bit (not committed yet) and a DISCARD bit.
//! Own code rather than libbpf's ring_buffer so that `--count N` stops after exactly N records
//! and records are handed out without a callback trampoline. Reading and consuming are apart:
//! [`RingBuf::consume`] moves a private read position, and only [`RingBuf::commit`] tells the
//! kernel (and so the next reader) that the records up to it are gone. A caller that commits
//! only what it has written out loses nothing when it is killed.
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};

const BUSY: u32 = 1 << 31;
const DISCARD: u32 = 1 << 30;
const HDR: u64 = 8;

pub struct RingBuf {
    cons: *mut u8,
    prod: *mut u8,
    page: usize,
    data_size: usize,
    mask: u64,
    epoll: OwnedFd,
    /// Where the next record is read: ahead of the kernel's consumer position by what was
    /// handed out but not committed yet.
    pos: u64,
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

impl RingBuf {
    /// Map the ring buffer behind `fd`, whose data area is `max_entries` bytes (a power of
    /// two, as the kernel enforces).
    pub fn new(fd: BorrowedFd<'_>, max_entries: u32) -> io::Result<RingBuf> {
        let page = page_size();
        let data_size = max_entries as usize;
        if !data_size.is_power_of_two() {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        // SAFETY: mapping a BPF ring buffer fd at the offsets the kernel defines.
        let cons = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if cons == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above; producer page plus the data area mapped twice.
        let prod = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page + 2 * data_size,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                page as libc::off_t,
            )
        };
        if prod == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            // SAFETY: unmapping what was mapped above.
            unsafe { libc::munmap(cons, page) };
            return Err(e);
        }
        // SAFETY: plain syscall.
        let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if ep < 0 {
            let e = io::Error::last_os_error();
            // SAFETY: unmapping what was mapped above.
            unsafe {
                libc::munmap(cons, page);
                libc::munmap(prod, page + 2 * data_size);
            }
            return Err(e);
        }
        // SAFETY: a fresh fd.
        let epoll = unsafe { OwnedFd::from_raw_fd(ep) };
        let mut rb = RingBuf {
            cons: cons as *mut u8,
            prod: prod as *mut u8,
            page,
            data_size,
            mask: (data_size - 1) as u64,
            epoll,
            pos: 0,
        };
        rb.pos = rb.cons_pos().load(Ordering::Acquire);
        rb.watch(fd.as_raw_fd(), libc::EPOLLIN as u32, 0)?;
        Ok(rb)
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

    fn cons_pos(&self) -> &AtomicU64 {
        // SAFETY: the consumer page is mapped for our lifetime and 8-byte aligned.
        unsafe { &*(self.cons as *const AtomicU64) }
    }

    fn prod_pos(&self) -> &AtomicU64 {
        // SAFETY: the producer page is mapped for our lifetime and 8-byte aligned.
        unsafe { &*(self.prod as *const AtomicU64) }
    }

    /// Bytes produced but not consumed yet.
    pub fn pending(&self) -> u64 {
        let p = self.prod_pos().load(Ordering::Acquire);
        let c = self.cons_pos().load(Ordering::Relaxed);
        p.saturating_sub(c)
    }

    /// Hand committed records to `f`, at most `max`, in order; returns how many were handed
    /// out. Stops early (read position left after the last record handed out) when `f`
    /// fails, returning its error: that record is handed out again by the next call.
    /// Discarded records are skipped and not counted. The kernel's consumer position does not
    /// move: [`RingBuf::commit`] does that.
    pub fn consume<E>(
        &mut self,
        max: u64,
        mut f: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut n = 0;
        let mut cons = self.pos;
        while n < max {
            let prod = self.prod_pos().load(Ordering::Acquire);
            if cons >= prod {
                break;
            }
            while cons < prod && n < max {
                let off = (cons & self.mask) as usize;
                // SAFETY: off < data_size; the header is inside the data area.
                let hdr_ptr = unsafe { self.prod.add(self.page + off) }
                    as *const std::sync::atomic::AtomicU32;
                // SAFETY: 8-byte aligned header inside the mapping.
                let len_word = unsafe { &*hdr_ptr }.load(Ordering::Acquire);
                if len_word & BUSY != 0 {
                    // Reserved but not committed yet: later records wait for it.
                    self.pos = cons;
                    return Ok(n);
                }
                let len = (len_word & !(BUSY | DISCARD)) as usize;
                let total = (len as u64 + HDR + 7) & !7;
                if len_word & DISCARD == 0 && len <= self.data_size {
                    // SAFETY: the data area is mapped twice, so [off+8, off+8+len) is
                    // contiguous and inside the mapping (len ≤ data_size).
                    let rec = unsafe {
                        std::slice::from_raw_parts(
                            self.prod.add(self.page + off + HDR as usize),
                            len,
                        )
                    };
                    if let Err(e) = f(rec) {
                        self.pos = cons;
                        return Err(e);
                    }
                    n += 1;
                }
                cons += total;
                // Record by record: an exact --count leaves the rest for the next reader.
                self.pos = cons;
            }
        }
        Ok(n)
    }

    /// Give the space of every record handed out so far back to the producer: the kernel's
    /// consumer position moves to the read position. Records not committed are read again by
    /// the next reader. Call it before [`RingBuf::wait`]: the kernel wakes a reader only when
    /// a record is committed at the consumer position.
    pub fn commit(&mut self) {
        // Every read of the records happens before the producer may reuse their space.
        self.cons_pos().store(self.pos, Ordering::Release);
    }

    /// Block until data (or another watched fd) is ready, a signal arrives, or `timeout_ms`
    /// passes (-1: no timeout). Returns the tokens that fired (0 = the ring buffer).
    pub fn wait(&self, timeout_ms: i32) -> io::Result<Vec<u64>> {
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 4];
        // SAFETY: valid epoll fd and buffer.
        let r =
            unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), evs.as_mut_ptr(), 4, timeout_ms) };
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

impl Drop for RingBuf {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe {
            libc::munmap(self.cons as *mut libc::c_void, self.page);
            libc::munmap(
                self.prod as *mut libc::c_void,
                self.page + 2 * self.data_size,
            );
        }
    }
}
