//! One error type for the whole tool: a kind (which decides the exit code), a one-line message,
//! the errno when the kernel gave one, and a hint that names the fix.
use std::fmt;

use serde::Serialize;

/// Every failure maps to exactly one kind; the kinds and their exit codes are documented in
/// README.md and docs/JSON.md and are the same across commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A check failed (validate): the object would not load or attach.
    CheckFailed,
    /// Bad command line, unreadable file, I/O error.
    Usage,
    /// The input is not a usable BPF ELF object.
    InvalidObject,
    /// Missing privilege or capability.
    Permission,
    /// The running kernel lacks a needed feature.
    Unsupported,
    /// The kernel refused (verifier rejection, attach refused, …).
    Kernel,
    /// A named thing does not exist: interface, object, program, map, pin.
    NotFound,
    /// Something is already there: attached program, taken name.
    Conflict,
    /// Nothing to undo: detach of what is not attached, unload of what is not loaded.
    NotAttached,
    /// A bug in x0bpf.
    Internal,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::CheckFailed,
        ErrorKind::Usage,
        ErrorKind::InvalidObject,
        ErrorKind::Permission,
        ErrorKind::Unsupported,
        ErrorKind::Kernel,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::NotAttached,
        ErrorKind::Internal,
    ];

    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::CheckFailed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::InvalidObject => 3,
            ErrorKind::Permission => 4,
            ErrorKind::Unsupported => 5,
            ErrorKind::Kernel => 6,
            ErrorKind::NotFound => 7,
            ErrorKind::Conflict => 8,
            ErrorKind::NotAttached => 9,
            ErrorKind::Internal => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::CheckFailed => "check_failed",
            ErrorKind::Usage => "usage",
            ErrorKind::InvalidObject => "invalid_object",
            ErrorKind::Permission => "permission",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Kernel => "kernel",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::NotAttached => "not_attached",
            ErrorKind::Internal => "internal",
        }
    }

    /// Classify a kernel errno when the caller has nothing more specific to say.
    pub fn from_errno(errno: i32) -> ErrorKind {
        match errno {
            libc::EPERM | libc::EACCES => ErrorKind::Permission,
            libc::ENOENT | libc::ENODEV | libc::ENXIO => ErrorKind::NotFound,
            libc::EEXIST | libc::EBUSY => ErrorKind::Conflict,
            libc::EOPNOTSUPP | libc::ENOSYS | libc::EPROTONOSUPPORT => ErrorKind::Unsupported,
            _ => ErrorKind::Kernel,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct X0Error {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl X0Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        X0Error {
            kind,
            message: one_line(message.into()),
            errno: None,
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(one_line(hint.into()));
        self
    }

    pub fn errno(mut self, errno: i32) -> Self {
        self.errno = Some(errno);
        self
    }

    /// An error from a failed system call: the kind follows the errno.
    pub fn os(what: impl Into<String>, err: &std::io::Error) -> Self {
        let errno = err.raw_os_error().unwrap_or(0);
        // "Permission denied", not "Permission denied (os error 13)": the errno has its field.
        let text = match err.raw_os_error() {
            Some(n) => errno_text(n),
            None => err.to_string(),
        };
        let e = X0Error::new(
            ErrorKind::from_errno(errno),
            format!("{}: {text}", what.into()),
        );
        let e = if errno != 0 { e.errno(errno) } else { e };
        match errno {
            libc::EPERM | libc::EACCES => e.hint(PERMISSION_HINT),
            _ => e,
        }
    }
}

/// strerror text without Rust's " (os error N)" suffix: the one place errno becomes words.
pub fn errno_text(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

pub const PERMISSION_HINT: &str =
    "run as root or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (CAP_SYS_ADMIN on older kernels)";

/// Messages are one line by contract: scripts grep them and terminals show them whole.
fn one_line(s: String) -> String {
    if s.contains('\n') {
        s.split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        s
    }
}

impl fmt::Display for X0Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for X0Error {}

/// Find the X0Error in an anyhow chain, or describe the chain as an internal error.
pub fn classify(err: &anyhow::Error) -> X0Error {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<X0Error>() {
            // The whole chain: outer contexts say what x0bpf was doing when it happened.
            let mut e = e.clone();
            e.message = one_line(format!("{err:#}"));
            return e;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            let mut e = X0Error::os(err.to_string(), io);
            if e.kind == ErrorKind::Kernel {
                e.kind = ErrorKind::Usage;
            }
            e.message = one_line(format!("{err:#}"));
            return e;
        }
    }
    X0Error::new(ErrorKind::Internal, format!("{err:#}"))
}
