//! The library being served, swapped whole by a reload, and the daily plan that follows it.

use std::sync::Arc;

use arc_swap::ArcSwap;
use digestbot_search::library::Library;

use crate::daily::Daily;

pub struct Shelf {
    library: ArcSwap<Library>,
    /// Daily sections, where there is a database for them (not in the terminal).
    daily: Option<Arc<Daily>>,
}

impl Shelf {
    pub fn new(library: Library) -> Shelf {
        Shelf { library: ArcSwap::from_pointee(library), daily: None }
    }

    pub fn with_daily(mut self, daily: Arc<Daily>) -> Shelf {
        self.daily = Some(daily);
        self
    }

    pub fn daily(&self) -> Option<&Arc<Daily>> {
        self.daily.as_ref()
    }

    /// The library as it is now; a reload swaps it whole, and what a caller holds stays valid.
    pub fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// Serves `library` from now on; chats whose next section went move on to the next one left.
    pub fn put(&self, library: Library) {
        let library = Arc::new(library);
        self.library.store(library.clone());
        if let Some(daily) = &self.daily
            && let Err(e) = daily.follow(&library)
        {
            tracing::error!("the daily plan could not follow the reload: {e}");
        }
    }
}
