//! Reloading the corpus as a transaction: the new library is parsed and indexed while the current
//! one keeps answering; it replaces the current one whole, or, when any file has an error, not at
//! all. Reloads asked for while one runs share one more reload rather than one each.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use digestbot_corpus::{self as corpus, Severity};
use digestbot_search::library::{Diff, Library};

pub use super::outcome::{CorpusDir, ReloadOutcome};
use super::text as msg;
use crate::shelf::Shelf;

#[derive(Default)]
struct State {
    running: bool,
    /// Reloads asked for so far: each asker holds the number of its request.
    asked: u64,
    /// Requests up to this number were served by a reload that started after they were made.
    served: u64,
    last: Option<ReloadOutcome>,
}

/// Runs one reload at a time. Those asked for while one runs wait for it, then share one more
/// reload: the running one may have read the corpus before the change they were asked for (a file
/// just written, just dropped in), so its outcome would not be theirs.
#[derive(Default)]
pub struct Reloader {
    state: Mutex<State>,
    over: Condvar,
}

impl Reloader {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn idle<'a>(&self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        while state.running {
            state = self.over.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state
    }

    /// Reloads with `load`, or waits for a reload that starts after this request and returns its
    /// outcome.
    pub(super) fn run(&self, load: impl FnOnce() -> ReloadOutcome) -> ReloadOutcome {
        let mut state = self.lock();
        state.asked += 1;
        let ticket = state.asked;
        let mut state = self.idle(state);
        if state.served >= ticket {
            return state.last.clone().unwrap_or(ReloadOutcome::Unavailable);
        }
        state.running = true;
        let covers = state.asked;
        drop(state);
        let mut over = Over { reloader: self, serves: Some(covers), outcome: None };
        let outcome = load();
        over.outcome = Some(outcome.clone());
        outcome
    }

    /// Runs `work` (a corpus change and the reload after it) while no reload runs; reloads asked
    /// for meanwhile wait for it, then run one of their own.
    pub(super) fn alone<T>(&self, work: impl FnOnce() -> T) -> T {
        let mut state = self.idle(self.lock());
        state.running = true;
        drop(state);
        let _over = Over { reloader: self, serves: None, outcome: None };
        work()
    }
}

/// Ends a run whatever happens in it (a panic included), so that the next can start: records what
/// it served, and wakes those waiting.
struct Over<'a> {
    reloader: &'a Reloader,
    /// The requests a reload served (None for [`Reloader::alone`]).
    serves: Option<u64>,
    outcome: Option<ReloadOutcome>,
}

impl Drop for Over<'_> {
    fn drop(&mut self) {
        let mut state = self.reloader.lock();
        state.running = false;
        if let Some(covers) = self.serves {
            state.served = covers;
            state.last = self.outcome.take().or(Some(ReloadOutcome::Failed("the reload stopped".into())));
        }
        self.reloader.over.notify_all();
    }
}

/// Loads the corpus and puts it in place when it may serve; the caller holds the reloader.
pub(super) fn swap_in(source: &CorpusDir, shelf: &Shelf) -> ReloadOutcome {
    let started = Instant::now();
    let current = shelf.library();
    let (library, warnings) = match load(source, &current) {
        Ok(loaded) => loaded,
        Err(outcome) => return *outcome,
    };
    // A folder found empty is far more often a mount or a deploy gone wrong than an admin
    // who wants no corpus: serving nothing would hide every digest from every reader.
    if library.corpus.digests.is_empty() && !current.corpus.digests.is_empty() {
        let mut problems = warnings;
        problems.push(msg::empty_reload(&source.dir.display().to_string()));
        return ReloadOutcome::Refused { problems };
    }
    let diff = Diff::between(&current.corpus, &library.corpus);
    shelf.put(library);
    ReloadOutcome::Reloaded { diff, warnings, seconds: seconds(started) }
}

/// Loads and indexes `source` with the analyzer of `current`, reusing its index: the new library,
/// or why the current one must stay.
pub(super) fn load(source: &CorpusDir, current: &Library) -> Result<(Library, Vec<String>), Box<ReloadOutcome>> {
    let corpus = match corpus::load_dir_with(&source.dir, source.options) {
        Ok(corpus) => corpus,
        Err(e) => return Err(Box::new(ReloadOutcome::Failed(e.to_string()))),
    };
    let problems: Vec<String> = corpus.problems.iter().map(|p| p.to_string()).collect();
    // Before indexing: a refused corpus costs no indexing, and leaves the index as it was.
    if corpus.problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(Box::new(ReloadOutcome::Refused { problems }));
    }
    match Library::from_corpus_reusing(corpus, current) {
        Ok(library) => Ok((library, problems)),
        Err(e) => Err(Box::new(ReloadOutcome::Failed(e.to_string()))),
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
    fn reloads_asked_for_while_one_runs_share_one_more_reload_instead_of_one_each() {
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
                    while reloader.lock().asked < 4 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    ReloadOutcome::Failed("first".into())
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
                        ReloadOutcome::Failed("another".into())
                    })
                })
            })
            .collect();
        assert_eq!(first.join().unwrap(), ReloadOutcome::Failed("first".into()));
        // The first read the corpus before they asked: they get a reload of their own, one for all.
        for other in others {
            assert_eq!(other.join().unwrap(), ReloadOutcome::Failed("another".into()));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        // Once it is over, the next reload runs.
        assert_eq!(reloader.run(|| ReloadOutcome::Unavailable), ReloadOutcome::Unavailable);
    }

    #[test]
    fn a_reload_asked_for_during_a_change_runs_after_it_and_not_during_it() {
        let reloader = Arc::new(Reloader::default());
        let changing = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (inside, go) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        let change = {
            let (reloader, changing, inside, go) = (reloader.clone(), changing.clone(), inside.clone(), go.clone());
            std::thread::spawn(move || {
                reloader.alone(|| {
                    changing.store(true, Ordering::SeqCst);
                    inside.wait();
                    go.wait();
                    changing.store(false, Ordering::SeqCst);
                })
            })
        };
        inside.wait();
        let reload = {
            let (reloader, changing) = (reloader.clone(), changing.clone());
            std::thread::spawn(move || {
                reloader
                    .run(|| ReloadOutcome::Failed(format!("during the change: {}", changing.load(Ordering::SeqCst))))
            })
        };
        while reloader.lock().asked < 1 {
            std::thread::sleep(Duration::from_millis(1));
        }
        go.wait();
        change.join().unwrap();
        assert_eq!(reload.join().unwrap(), ReloadOutcome::Failed("during the change: false".into()));
    }
}
