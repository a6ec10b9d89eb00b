//! Raw kernel calls, one thin wrapper per bpf(2) command, returning `io::Error` with the errno
//! so that callers decide what each errno means.
pub mod map;
pub mod ringbuf;
