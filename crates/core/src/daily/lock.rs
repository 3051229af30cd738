//! The delivery lock: one process at a time delivers from a database, whatever name it is given.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Makes this process the one that delivers from a database: an exclusive OS lock on
/// `<database>.lock`, held while this value lives. The OS drops it when the process dies, so a
/// crash never leaves a stale lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock.
    #[error(
        "another digestbot process (serve, or another deliver) is delivering from this database ({} is \
         locked); stop it first, or let it finish",
        .0.display()
    )]
    Held(PathBuf),
    /// The lock file (or the folder it goes in) cannot be made: a reason for exit 1, not 3.
    #[error("cannot take the delivery lock {}: {}", .0.display(), .1)]
    Io(PathBuf, #[source] io::Error),
}

/// `data/digestbot.sqlite3` → `data/digestbot.sqlite3.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut path = database.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// What `database` resolves to: the file itself through any link, or, before it exists, the
/// file in its folder's real place. Two names of one database then share one lock.
fn resolved(database: &Path) -> io::Result<PathBuf> {
    if let Ok(path) = std::fs::canonicalize(database) {
        return Ok(path);
    }
    // `create_dir_all` says only "File exists" when a folder on the way is a file: say which.
    if let Some(file) = database.ancestors().skip(1).find(|dir| dir.exists()).filter(|dir| !dir.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is a file, not a folder", file.display()),
        ));
    }
    create_parent(database)?;
    let name = database.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = match database.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Ok(std::fs::canonicalize(dir)?.join(name))
}

impl Lock {
    /// Locks the database `database` names, under whatever name: a link to it is the same lock.
    pub fn acquire(database: &Path) -> Result<Lock, LockError> {
        let io = |e| LockError::Io(lock_path(database), e);
        let path = lock_path(&resolved(database).map_err(io)?);
        create_parent(&path).map_err(io)?;
        // Not truncated on open: the holder's pid in it stays readable to whoever is refused.
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Held(path)),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // For a person wondering who holds it; the lock is what counts, so failure is harmless.
        let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(Lock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub(super) fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/sub/digestbot.sqlite3");
        (dir, path)
    }

    #[test]
    fn a_held_lock_refuses_a_second_holder_until_it_is_dropped() {
        let (_dir, path) = temp();
        let lock = Lock::acquire(&path).unwrap();
        assert!(lock.path().ends_with("digestbot.sqlite3.lock"));
        assert!(lock.path().is_file());
        // flock(2) locks belong to an open file, so a second open in this process is refused
        // as another process would be.
        let err = Lock::acquire(&path).unwrap_err();
        assert!(matches!(&err, LockError::Held(p) if p == lock.path()), "{err:?}");
        assert!(err.to_string().contains("is delivering from this database"), "{err}");
        drop(lock);
        // Free once dropped. A test running beside this one forks `flock(1)`, and a child holds a
        // copy of every open file (this lock's too) until it execs: wait out that window.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let again = loop {
            match Lock::acquire(&path) {
                Err(LockError::Held(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                acquired => break acquired.unwrap(),
            }
        };
        drop(again);
    }

    #[test]
    fn another_process_sees_the_lock_as_held() {
        let (_dir, path) = temp();
        let lock = Lock::acquire(&path).unwrap();
        let probe = |lock_file: &Path| {
            std::process::Command::new("flock").args(["-n", "-E", "3"]).arg(lock_file).arg("true").status()
        };
        let Ok(held) = probe(lock.path()) else {
            eprintln!("skipped: no flock(1) here");
            return;
        };
        assert_eq!(held.code(), Some(3), "flock(1) in a child process is refused");
        let path_of_lock = lock.path().to_owned();
        drop(lock);
        assert!(probe(&path_of_lock).unwrap().success(), "free once dropped");
    }
}
