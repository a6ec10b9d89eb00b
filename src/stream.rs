//! Streaming output (docs/JSON.md, "Streams"): a large buffered writer on stdout, and the
//! signals that end a stream normally. Ctrl-C and SIGTERM set a flag that the stream loop
//! checks; the loop then writes its summary and exits 0. A closed stdout (EPIPE: Rust ignores
//! SIGPIPE) ends the stream at the next write, also with exit 0.
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::output::SCHEMA_VERSION;

static STOP: AtomicBool = AtomicBool::new(false);
/// The signal that set STOP (0: none yet).
static SIGNO: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNO.store(sig, Ordering::SeqCst);
    STOP.store(true, Ordering::SeqCst);
}

/// For a command that does not stream: SIGINT and SIGTERM kill again, and one that came
/// while the handler was installed (main installs it before parsing, so that a stream
/// signalled during its setup still ends with exit 0) is delivered now, killing as it would
/// have.
pub fn restore_default_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: resetting a signal's disposition to its default.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    }
    let sig = SIGNO.swap(0, Ordering::SeqCst);
    if sig != 0 {
        STOP.store(false, Ordering::SeqCst);
        // SAFETY: raising a signal whose default action ends the process.
        unsafe { libc::raise(sig) };
    }
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

/// fd 1, never closed. `pipe`: a pipe or socket, whose writes block while the reader does
/// not read.
struct Fd1 {
    f: ManuallyDrop<File>,
    pipe: bool,
}

/// The error a write to a stalled stdout ends with once the stream must stop (a signal, or
/// the deadline of [`set_write_deadline`]): main treats it as a closed pipe (exit 0).
pub const STALLED: &str = "stdout is not being read";

/// When a write that cannot proceed gives up (`None`: only on a stop signal).
static WRITE_DEADLINE: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);

/// A stream with `--duration` ends then even when its reader stopped reading.
pub fn set_write_deadline(d: Option<Instant>) {
    *WRITE_DEADLINE.lock().unwrap_or_else(|p| p.into_inner()) = d;
}

fn past_write_deadline() -> bool {
    WRITE_DEADLINE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some_and(|d| Instant::now() >= d)
}

/// Whether fd 1 takes a write now, waiting at most `ms` (a signal ends the wait early).
/// POLLERR/POLLHUP count: the write then reports the error.
fn stdout_writable(ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd: 1,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

/// Whether fd 1 is a pipe or a socket: the kinds whose writes block while nobody reads.
fn stdout_is_pipe() -> bool {
    use std::os::unix::fs::FileTypeExt;
    // SAFETY: fd 1 stays open; ManuallyDrop never closes it.
    let f = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
    f.metadata()
        .is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
}

/// Whether an error is a write that gave up on a stalled stdout ([`STALLED`]).
pub fn is_stalled(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::TimedOut && e.to_string() == STALLED
}

impl Write for Fd1 {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if !self.pipe {
            return (&*self.f).write(b);
        }
        // A reader that stops reading must not keep SIGTERM or --duration from ending the
        // stream: wait for room in slices, and write at most a page, which fits once poll
        // says there is room (a larger write would block until all of it is taken). Once the
        // stream must end, the reader still gets a second to take what is left (a summary
        // after Ctrl-C in a pipe); then the write gives up.
        let mut grace: Option<Instant> = None;
        loop {
            if stdout_writable(100) {
                break;
            }
            if stopped() || past_write_deadline() {
                let end = *grace.get_or_insert_with(|| Instant::now() + Duration::from_secs(1));
                if Instant::now() >= end {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, STALLED));
                }
            }
        }
        (&*self.f).write(&b[..b.len().min(4096)])
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
            w: BufWriter::with_capacity(
                1 << 18,
                Fd1 {
                    f,
                    pipe: stdout_is_pipe(),
                },
            ),
        }
    }

    pub fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }

    /// How many bytes the buffer holds before it writes to fd 1.
    pub fn capacity(&self) -> usize {
        self.w.capacity()
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

/// Sleep until `deadline`, waking for Ctrl-C/SIGTERM: true when the deadline came, false when
/// stopped.
pub fn sleep_until(deadline: Instant) -> bool {
    loop {
        if stopped() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
    }
}

/// As [`sleep_until`], and a closed stdout ends the wait with a broken-pipe error: a stream
/// with a long interval (`| head -1`) is done at once, not at its next record.
pub fn sleep_until_or_closed(deadline: Instant) -> io::Result<bool> {
    loop {
        if stopped() {
            return Ok(false);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(true);
        }
        if stdout_closed() {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
    }
}

#[derive(Serialize)]
struct HeaderLine<'a, H: ?Sized> {
    schema_version: u32,
    command: &'a str,
    header: &'a H,
}

/// Write and flush a stream's header line:
/// `{"schema_version":…,"command":COMMAND,"header":HEADER}`.
pub fn header<W: Write, H: Serialize + ?Sized>(
    out: &mut W,
    command: &str,
    header: &H,
) -> anyhow::Result<()> {
    let mut line = serde_json::to_vec(&HeaderLine {
        schema_version: SCHEMA_VERSION,
        command,
        header,
    })?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct Summary<'a> {
    records: u64,
    lost: Option<u64>,
    complete: bool,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    summary: Summary<'a>,
}

/// A stream's summary line: `{"summary":{"records":N,"lost":L,"complete":B,"reason":R}}`.
pub fn summary_line(
    records: u64,
    lost: Option<u64>,
    complete: bool,
    reason: Option<&str>,
) -> Vec<u8> {
    let s = SummaryLine {
        summary: Summary {
            records,
            lost,
            complete,
            reason,
        },
    };
    // Numbers, bools and strings only: serializing cannot fail.
    let mut line = serde_json::to_vec(&s).unwrap_or_default();
    line.push(b'\n');
    line
}

/// End a stream whose loop returned `res` after `records` records, for a reader that cannot
/// tell the records lost (`lost: null`). Ended normally (`Ok(reason)`): the summary with
/// `complete: true`. Stdout closed: nothing more (nobody reads it), and success. Any other
/// error: the summary with `complete: false` and the error as `reason`, then the error — a
/// stream that fails half-way still ends with its summary (docs/JSON.md, Streams).
/// `summary`: false when no summary line belongs on `out` (text output, or no header was
/// written).
pub fn finish<W: Write>(
    out: &mut W,
    records: u64,
    res: anyhow::Result<&str>,
    summary: bool,
) -> anyhow::Result<()> {
    match res {
        Ok(reason) => {
            if summary {
                let _ = out.write_all(&summary_line(records, None, true, Some(reason)));
            }
            let _ = out.flush();
            Ok(())
        }
        Err(e) if e.downcast_ref::<io::Error>().is_some_and(is_broken_pipe) => Ok(()),
        Err(e) => {
            if summary {
                let msg = format!("{e:#}");
                let _ = out.write_all(&summary_line(records, None, false, Some(&msg)));
                let _ = out.flush();
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(b: &[u8]) -> Vec<serde_json::Value> {
        std::str::from_utf8(b)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn header_line_shape() {
        let mut b = Vec::new();
        header(
            &mut b,
            "top",
            &serde_json::json!({"interval_s": 1.0, "records": "samples"}),
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&b).unwrap(),
            format!("{{\"schema_version\":{SCHEMA_VERSION},\"command\":\"top\",\"header\":{{\"interval_s\":1.0,\"records\":\"samples\"}}}}\n")
        );
    }

    #[test]
    fn finish_ok_writes_complete_summary() {
        let mut b = Vec::new();
        finish(&mut b, 3, Ok("count"), true).unwrap();
        assert_eq!(
            std::str::from_utf8(&b).unwrap(),
            "{\"summary\":{\"records\":3,\"lost\":null,\"complete\":true,\"reason\":\"count\"}}\n"
        );
    }

    #[test]
    fn finish_error_writes_incomplete_summary_and_returns_error() {
        let mut b = Vec::new();
        let e = anyhow::anyhow!("reading \"x\"").context("sampling");
        let r = finish(&mut b, 2, Err(e), true);
        assert!(r.is_err());
        let l = lines(&b);
        assert_eq!(l.len(), 1);
        let s = &l[0]["summary"];
        assert_eq!(s["records"], 2);
        assert!(s["lost"].is_null());
        assert_eq!(s["complete"], false);
        assert_eq!(s["reason"], "sampling: reading \"x\"");
    }

    #[test]
    fn finish_broken_pipe_is_success_without_summary() {
        let mut b = Vec::new();
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        finish(&mut b, 5, Err(e), true).unwrap();
        assert!(b.is_empty());
    }

    #[test]
    fn finish_without_summary_writes_nothing() {
        let mut b = Vec::new();
        finish(&mut b, 1, Ok("interrupted"), false).unwrap();
        assert!(finish(&mut b, 1, Err(anyhow::anyhow!("boom")), false).is_err());
        assert!(b.is_empty());
    }
}
