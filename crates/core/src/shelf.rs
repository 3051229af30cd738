//! The library being served, swapped whole by a reload, and what follows it: the daily plan, and
//! the alerts of watched words.

use std::sync::Arc;

use arc_swap::ArcSwap;
use digestbot_search::library::Library;

use crate::daily::Daily;
use crate::watch::Watches;

pub struct Shelf {
    library: ArcSwap<Library>,
    /// Daily sections, where there is a database for them (not in the terminal).
    daily: Option<Arc<Daily>>,
    /// Watched words, kept in the daily sections' database.
    watches: Option<Arc<Watches>>,
}

impl Shelf {
    pub fn new(library: Library) -> Shelf {
        Shelf { library: ArcSwap::from_pointee(library), daily: None, watches: None }
    }

    pub fn with_daily(mut self, daily: Arc<Daily>) -> Shelf {
        self.watches = Some(Arc::new(Watches::new(daily.clone())));
        self.daily = Some(daily);
        self
    }

    pub fn daily(&self) -> Option<&Arc<Daily>> {
        self.daily.as_ref()
    }

    pub fn watches(&self) -> Option<&Arc<Watches>> {
        self.watches.as_ref()
    }

    /// The library as it is now; a reload swaps it whole, and what a caller holds stays valid.
    pub fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// Serves `library` from now on; chats whose next section went move on to the next one left,
    /// and chats watching words found in its new passages are alerted. Every reload (an upload,
    /// `/reload`, SIGHUP) comes through here, so each alerts once.
    pub fn put(&self, library: Library) {
        let library = Arc::new(library);
        let old = self.library.swap(library.clone());
        if let Some(daily) = &self.daily
            && let Err(e) = daily.follow(&library)
        {
            tracing::error!("the daily plan could not follow the reload: {e}");
        }
        if let Some(watches) = &self.watches {
            watches.reloaded(&old, &library);
        }
    }
}
