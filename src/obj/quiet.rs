//! Muting libbpf while it answers lookups whose failure is an expected answer (e.g. guessing a
//! program type from a section name). libbpf's print callback (`sys::libbpf_log`) asks
//! `silenced()`; the guard lives here so the pure name tables can use it.
use std::sync::atomic::{AtomicUsize, Ordering};

static SILENCED: AtomicUsize = AtomicUsize::new(0);

pub fn silenced() -> bool {
    SILENCED.load(Ordering::Relaxed) > 0
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
