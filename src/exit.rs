//! The one place where what went wrong becomes a line on stderr and an exit code: 0 done, 1 failed,
//! 2 the operator's input is wrong (the config, a flag, the environment), 3 another process holds
//! the delivery lock.

use std::process::ExitCode;

use digestbot_core::daily::LockError;

/// Why a command did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The operator's input is wrong: what to tell them, whole.
    #[error("{0}")]
    Usage(String),
    /// Another process delivers from the same database.
    #[error("digestbot: {0}")]
    LockHeld(#[source] LockError),
    /// Something failed: what to tell the operator, whole.
    #[error("{0}")]
    Failed(String),
    /// The command's output says what is wrong (`check` found errors): nothing more to say.
    #[error("")]
    Reported,
    /// The command's output says what is wrong with the operator's input (`search --json` of a
    /// query that cannot be searched).
    #[error("")]
    ReportedUsage,
}

impl Failure {
    /// `digestbot: {what}`, the operator's input being wrong.
    pub fn usage(what: impl std::fmt::Display) -> Failure {
        Failure::Usage(format!("digestbot: {what}"))
    }

    /// `digestbot: {what}`, something having failed.
    pub fn failed(what: impl std::fmt::Display) -> Failure {
        Failure::Failed(format!("digestbot: {what}"))
    }

    pub fn code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) | Failure::ReportedUsage => ExitCode::from(2),
            Failure::LockHeld(_) => ExitCode::from(3),
            Failure::Failed(_) | Failure::Reported => ExitCode::FAILURE,
        }
    }
}

impl From<LockError> for Failure {
    fn from(e: LockError) -> Failure {
        match e {
            LockError::Held(_) => Failure::LockHeld(e),
            // A lock that cannot be made is an ordinary failure.
            e => Failure::failed(e),
        }
    }
}

/// Says what went wrong, if anything, and exits with its code.
pub fn report(done: Result<(), Failure>) -> ExitCode {
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !matches!(failure, Failure::Reported | Failure::ReportedUsage) {
                eprintln!("{failure}");
            }
            failure.code()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn each_failure_has_its_exit_code() {
        let held = LockError::Held(PathBuf::from("db.lock"));
        let io = LockError::Io(PathBuf::from("db.lock"), std::io::Error::other("read-only"));
        let cases = [
            (Failure::usage("bad config"), 2),
            (Failure::ReportedUsage, 2),
            (Failure::from(held), 3),
            (Failure::from(io), 1),
            (Failure::failed("cannot listen"), 1),
            (Failure::Reported, 1),
        ];
        for (failure, code) in cases {
            assert_eq!(failure.code(), ExitCode::from(code), "{failure:?}");
        }
    }

    #[test]
    fn a_held_lock_is_told_with_its_cause_kept() {
        let failure = Failure::from(LockError::Held(PathBuf::from("data/db.lock")));
        assert!(failure.to_string().starts_with("digestbot: another digestbot process"), "{failure}");
        assert!(std::error::Error::source(&failure).is_some(), "the lock error is the cause");
    }
}
