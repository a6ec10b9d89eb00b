//! Bounded reads of files a user names (policy, config, --btf, --frame): a FIFO or a device
//! must not block x0bpf or feed it without end, so only a regular file of at most `max` bytes
//! is read.
use std::fs::FileType;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why [`read_regular`] read nothing; each caller words it for its own flag.
#[derive(Debug)]
pub enum ReadError {
    /// open(2) failed.
    Open(io::Error),
    /// Opened, but fstat or read failed.
    Io(io::Error),
    /// Opened, but not a regular file: what it is instead.
    NotRegular(FileType),
    /// More than `max` bytes.
    TooLarge,
}

/// The whole of `path` if it is a regular file of at most `max` bytes. Opened non-blocking (a
/// FIFO does not wait for a writer) and without becoming a controlling tty; the descriptor, not
/// the path, is checked, so what was opened is what is read.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(ReadError::Open)?;
    let ft = f.metadata().map_err(ReadError::Io)?.file_type();
    if !ft.is_file() {
        return Err(ReadError::NotRegular(ft));
    }
    let mut v = Vec::new();
    (&f).take(max.saturating_add(1))
        .read_to_end(&mut v)
        .map_err(ReadError::Io)?;
    if v.len() as u64 > max {
        return Err(ReadError::TooLarge);
    }
    Ok(v)
}

/// `bytes` as UTF-8, failing as `read_to_string` does.
pub fn utf8(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abcd").unwrap();
        assert_eq!(read_regular(&p, 4).unwrap(), b"abcd");
        assert!(matches!(read_regular(&p, 3), Err(ReadError::TooLarge)));
        assert!(matches!(
            read_regular(dir.path(), 4),
            Err(ReadError::NotRegular(ft)) if ft.is_dir()
        ));
        assert!(matches!(
            read_regular(&dir.path().join("missing"), 4),
            Err(ReadError::Open(e)) if e.kind() == io::ErrorKind::NotFound
        ));
        assert!(utf8(vec![0xff]).is_err());
    }
}
