//! Reading one regular file whole, with a size limit: opened without blocking, so that a FIFO or
//! a device put where a file belongs is refused at once instead of hanging the reader; its type
//! checked on the open file, not on a name that may have changed since; the limit checked on the
//! size before anything is read, and again while reading, should the file grow meanwhile. The
//! corpus loader, an admin's changes to the corpus folder and the binary's config and token files
//! all read this way.

use std::fs::{FileType, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Whether a link at the path is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Never: a link out of a folder must not lead anywhere (the open fails with `ELOOP`).
    Refuse,
    /// Yes: a secret is often a link into `/run`.
    Follow,
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// It could not be opened or read: not there, not allowed, or a link refused.
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
    /// It is a FIFO, a device, a folder…
    #[error("is {kind}, not a regular file")]
    NotAFile { kind: &'static str },
    /// Larger than the limit, before anything was read.
    #[error("is {size} bytes, more than the {max} it may be")]
    TooLarge { size: u64, max: u64 },
    /// It grew past the limit while it was read.
    #[error("grew past the {max} bytes it may be while it was read")]
    Grew { max: u64 },
}

/// A file read whole, with the metadata of the file that was read.
#[derive(Debug)]
pub struct ReadFile {
    pub bytes: Vec<u8>,
    pub meta: Metadata,
}

/// Reads the regular file at `path`, at most `max` bytes of it.
pub fn read_limited(path: &Path, max: u64, links: Links) -> Result<ReadFile, ReadError> {
    let flags = match links {
        Links::Refuse => libc::O_NONBLOCK | libc::O_NOFOLLOW,
        Links::Follow => libc::O_NONBLOCK,
    };
    let file = OpenOptions::new().read(true).custom_flags(flags).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile { kind: kind_name(meta.file_type()) });
    }
    let bytes = read_at_most(file, meta.len(), max)?;
    Ok(ReadFile { bytes, meta })
}

/// Reads what `expected` (the file's size) says, refusing more than `max` bytes.
pub(crate) fn read_at_most(reader: impl Read, expected: u64, max: u64) -> Result<Vec<u8>, ReadError> {
    if expected > max {
        return Err(ReadError::TooLarge { size: expected, max });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::Grew { max });
    }
    Ok(bytes)
}

/// What a file that is not a regular one is, in words.
pub fn kind_name(kind: FileType) -> &'static str {
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "something else"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_grows_while_it_is_read_is_not_read_past_the_limit() {
        // An endless reader: without the bound this would never return.
        assert!(matches!(read_at_most(std::io::repeat(b'a'), 10, 1000), Err(ReadError::Grew { max: 1000 })));
        assert_eq!(read_at_most(&b"abc"[..], 3, 3).unwrap(), b"abc");
        assert!(matches!(read_at_most(&b"abc"[..], 4, 3), Err(ReadError::TooLarge { size: 4, max: 3 })));
    }

    #[test]
    fn a_link_is_read_only_when_links_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "123:abc").unwrap();
        std::os::unix::fs::symlink(dir.path().join("token"), dir.path().join("link")).unwrap();
        assert_eq!(read_limited(&dir.path().join("link"), 100, Links::Follow).unwrap().bytes, b"123:abc");
        let refused = read_limited(&dir.path().join("link"), 100, Links::Refuse).unwrap_err();
        assert!(matches!(&refused, ReadError::Io(e) if e.raw_os_error() == Some(libc::ELOOP)), "{refused:?}");
        let folder = read_limited(dir.path(), 100, Links::Follow).unwrap_err();
        assert!(matches!(folder, ReadError::NotAFile { kind: "a folder" }));
    }
}
