//! Reloading the corpus as a transaction: the new library is parsed and indexed while the current
//! one keeps answering; it replaces the current one whole, or, when any file has an error, not at
//! all. Reloads asked for while one runs share its outcome instead of starting another.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use crate::corpus::{self, LoadOptions, Severity};
use crate::library::{Diff, Library};

/// Where the corpus is loaded from.
#[derive(Debug, Clone)]
pub struct Source {
    pub dir: PathBuf,
    pub options: LoadOptions,
}

/// How a reload ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The new corpus serves now.
    Reloaded { diff: Diff, warnings: Vec<String>, seconds: f64 },
    /// Some file has an error: the old corpus serves on. Every problem, `file:line: message`.
    Refused { problems: Vec<String> },
    /// The corpus could not be read or indexed at all: the old corpus serves on.
    Failed(String),
    /// This app has no corpus directory to reload from.
    Unavailable,
}

#[derive(Default)]
struct State {
    running: bool,
    /// Reloads finished, so a waiter knows when the one it waited for is over.
    finished: u64,
    last: Option<Outcome>,
}

/// Runs one reload at a time; those asked for meanwhile wait for it and share its outcome.
#[derive(Default)]
pub(super) struct Reloader {
    state: Mutex<State>,
    over: Condvar,
}

impl Reloader {
    /// Reloads with `load`, or waits for the reload already running and returns its outcome.
    pub(super) fn run(&self, load: impl FnOnce() -> Outcome) -> Outcome {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.running {
            let waiting_for = state.finished;
            while state.finished == waiting_for {
                state = self.over.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            return state.last.clone().unwrap_or(Outcome::Unavailable);
        }
        state.running = true;
        drop(state);
        // Whatever happens in `load`, the next reload must be able to run.
        struct Over<'a>(&'a Reloader, Option<Outcome>);
        impl Drop for Over<'_> {
            fn drop(&mut self) {
                let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
                state.running = false;
                state.finished += 1;
                state.last = self.1.take().or(Some(Outcome::Failed("the reload stopped".into())));
                self.0.over.notify_all();
            }
        }
        let mut over = Over(self, None);
        let outcome = load();
        over.1 = Some(outcome.clone());
        outcome
    }
}

/// Loads and indexes `source` with the analyzer of `current`, reusing its index: the new library,
/// or why the current one must stay.
pub(super) fn load(source: &Source, current: &Library) -> Result<(Library, Vec<String>), Box<Outcome>> {
    let corpus = match corpus::load_dir_with(&source.dir, source.options) {
        Ok(corpus) => corpus,
        Err(e) => return Err(Box::new(Outcome::Failed(e.to_string()))),
    };
    let problems: Vec<String> = corpus.problems.iter().map(|p| p.to_string()).collect();
    // Before indexing: a refused corpus costs no indexing, and leaves the index as it was.
    if corpus.problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(Box::new(Outcome::Refused { problems }));
    }
    match Library::from_corpus_reusing(corpus, current) {
        Ok(library) => Ok((library, problems)),
        Err(e) => Err(Box::new(Outcome::Failed(e.to_string()))),
    }
}

/// Seconds since `started`.
pub(super) fn seconds(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use super::*;

    #[test]
    fn reloads_asked_for_while_one_runs_share_its_outcome_instead_of_running_again() {
        let reloader = Arc::new(Reloader::default());
        let loads = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(Barrier::new(4));
        let first = {
            let (reloader, loads, started) = (reloader.clone(), loads.clone(), started.clone());
            std::thread::spawn(move || {
                reloader.run(|| {
                    loads.fetch_add(1, Ordering::SeqCst);
                    started.wait();
                    // The others ask while this one runs.
                    std::thread::sleep(Duration::from_millis(300));
                    Outcome::Failed("first".into())
                })
            })
        };
        let others: Vec<_> = (0..3)
            .map(|_| {
                let (reloader, loads, started) = (reloader.clone(), loads.clone(), started.clone());
                std::thread::spawn(move || {
                    started.wait();
                    reloader.run(|| {
                        loads.fetch_add(1, Ordering::SeqCst);
                        Outcome::Failed("another".into())
                    })
                })
            })
            .collect();
        assert_eq!(first.join().unwrap(), Outcome::Failed("first".into()));
        for other in others {
            assert_eq!(other.join().unwrap(), Outcome::Failed("first".into()));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // Once it is over, the next reload runs.
        assert_eq!(reloader.run(|| Outcome::Unavailable), Outcome::Unavailable);
    }
}
