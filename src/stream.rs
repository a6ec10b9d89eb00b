//! Streaming output (docs/JSON.md, "Streams"): a large buffered writer on stdout, and the
//! signals that end a stream normally. Ctrl-C and SIGTERM set a flag that the stream loop
//! checks; the loop then writes its summary and exits 0. A closed stdout (EPIPE: Rust ignores
//! SIGPIPE) ends the stream at the next write, also with exit 0.
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Route SIGINT and SIGTERM to the stop flag. Without SA_RESTART, so a blocking epoll_wait
/// returns EINTR at once.
pub fn install_stop_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler that only stores an atomic is
        // async-signal-safe.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = 0;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

pub fn stopped() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// Stdout without Rust's line buffering (millions of lines per second need large writes).
pub struct Out {
    w: BufWriter<Fd1>,
}

/// fd 1, never closed.
struct Fd1(ManuallyDrop<File>);

impl Write for Fd1 {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        (&*self.0).write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Out {
    pub fn stdout() -> Out {
        // Whatever the std handle buffered goes first.
        let _ = io::stdout().flush();
        // SAFETY: fd 1 stays open for the life of the process; ManuallyDrop never closes it.
        let f = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
        Out {
            w: BufWriter::with_capacity(1 << 18, Fd1(f)),
        }
    }

    pub fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }

    /// Bytes buffered but not yet written.
    pub fn buffered(&self) -> usize {
        self.w.buffer().len()
    }
}

impl Write for Out {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.w.write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Whether an error is a closed stdout: the reader is done, which is success.
pub fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Whether stdout's reader has gone (a pipe or socket whose other end closed), found without
/// writing: a stream with long pauses between records ends at once instead of at its next
/// write. Files and terminals never say so.
pub fn stdout_closed() -> bool {
    let mut p = libc::pollfd {
        fd: 1,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout; POLLERR/POLLHUP are reported whatever `events` is.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n > 0 && p.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}
