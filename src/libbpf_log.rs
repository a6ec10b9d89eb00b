//! libbpf's log. libbpf prints through one global callback; x0bpf keeps the recent lines so an
//! error can show the verifier's or the kernel's own words, and echoes them to stderr under
//! `-v`. Nothing goes to stdout: it would corrupt `--json`.
use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use libbpf_rs::PrintLevel;

static VERBOSE: AtomicBool = AtomicBool::new(false);
static SILENCED: AtomicUsize = AtomicUsize::new(0);
static LINES: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
const KEEP: usize = 4096;

pub fn init(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
    libbpf_rs::set_print(Some((PrintLevel::Debug, on_print)));
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

fn on_print(level: PrintLevel, msg: String) {
    if SILENCED.load(Ordering::Relaxed) > 0 {
        return;
    }
    if verbose() {
        let _ = std::io::stderr().write_all(msg.as_bytes());
    }
    if level == PrintLevel::Debug && !verbose() {
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

/// Mutes libbpf while alive, for probes whose failure is an expected answer.
pub struct Silence;

impl Silence {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        SILENCED.fetch_add(1, Ordering::Relaxed);
        Silence
    }
}

impl Drop for Silence {
    fn drop(&mut self) {
        SILENCED.fetch_sub(1, Ordering::Relaxed);
    }
}
