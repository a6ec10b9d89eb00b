//! libbpf's log. libbpf prints through one global callback; x0bpf keeps the recent lines so an
//! error can show the verifier's or the kernel's own words, and echoes them to stderr under
//! `-v`. Nothing goes to stdout: it would corrupt `--json`.
//!
//! The callback is ours, not libbpf-rs's: libbpf formats text taken from the object (license,
//! section and symbol names) and libbpf-rs's callback panics — inside an `extern "C"` function,
//! which aborts — when that text is not UTF-8. Here the C `vsnprintf` formats, the bytes are
//! converted lossily, and no panic can leave the callback.
use std::collections::VecDeque;
use std::ffi::{c_char, c_int};
use std::io::Write;

pub use crate::obj::quiet::Silence;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use libbpf_sys::{__va_list_tag, libbpf_print_level, LIBBPF_DEBUG};

static VERBOSE: AtomicBool = AtomicBool::new(false);
static LINES: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
const KEEP: usize = 4096;

pub fn init(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    // SAFETY: registers a function with the signature libbpf expects; it never unwinds.
    unsafe {
        libbpf_sys::libbpf_set_print(Some(print_cb));
    }
}

extern "C" {
    // Declared here with libbpf-sys's va_list type (the libc crate has no vsnprintf).
    fn vsnprintf(
        buf: *mut c_char,
        size: usize,
        fmt: *const c_char,
        ap: *mut __va_list_tag,
    ) -> c_int;
}

/// Format a libbpf message. `ap` is consumed by each `vsnprintf`, so every pass works on a
/// copy: on x86-64 (where libbpf-sys's callback takes `*mut __va_list_tag`) `va_copy` is a
/// plain copy of the one-element tag array.
///
/// # Safety
/// `fmt` and `ap` are what libbpf passed to the print callback.
unsafe fn format(fmt: *const c_char, ap: *mut __va_list_tag) -> Vec<u8> {
    if fmt.is_null() || ap.is_null() {
        return Vec::new();
    }
    let mut buf = vec![0u8; 1024];
    let mut copy = *ap;
    let n = vsnprintf(buf.as_mut_ptr().cast(), buf.len(), fmt, &mut copy);
    let Ok(n) = usize::try_from(n) else {
        return b"(libbpf message could not be formatted)\n".to_vec();
    };
    if n >= buf.len() {
        buf = vec![0u8; n + 1];
        let mut copy = *ap;
        let m = vsnprintf(buf.as_mut_ptr().cast(), buf.len(), fmt, &mut copy);
        if usize::try_from(m).map_or(true, |m| m > n) {
            return b"(libbpf message could not be formatted)\n".to_vec();
        }
    }
    buf.truncate(n);
    buf
}

unsafe extern "C" fn print_cb(
    level: libbpf_print_level,
    fmt: *const c_char,
    ap: *mut __va_list_tag,
) -> c_int {
    if crate::obj::quiet::silenced() {
        return 0;
    }
    // Nothing may unwind into C: a panic here would abort the whole process.
    let r = std::panic::catch_unwind(|| {
        // SAFETY: fmt and ap come from libbpf, for this one call.
        let bytes = unsafe { format(fmt, ap) };
        on_print(level == LIBBPF_DEBUG, &String::from_utf8_lossy(&bytes));
        bytes.len()
    });
    match r {
        Ok(n) => c_int::try_from(n).unwrap_or(c_int::MAX),
        Err(_) => 0,
    }
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

fn on_print(debug: bool, msg: &str) {
    if crate::obj::quiet::silenced() {
        return;
    }
    if verbose() {
        let _ = std::io::stderr().write_all(msg.as_bytes());
    }
    if debug && !verbose() {
        return;
    }
    let mut lines = LINES.lock().unwrap_or_else(|p| p.into_inner());
    for l in msg.lines() {
        if lines.len() == KEEP {
            lines.pop_front();
        }
        lines.push_back(l.to_string());
    }
}

/// Forget what was logged so far (call before an operation whose log you want).
pub fn clear() {
    LINES.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// Everything logged since the last `clear`.
pub fn take() -> Vec<String> {
    LINES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect()
}
