//! Corpus changes waiting for an admin's button: kept an hour, at most sixteen and 64 MB of
//! files, each answered once, by the admin it was made to.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::files::Change;
use crate::reply::Rich;

/// How long an offer waits for its button.
const OFFER_TTL: Duration = Duration::from_secs(60 * 60);
/// Offers kept at once, and the bytes their files may take together: the oldest go first.
const MAX_OFFERS: usize = 16;
const MAX_OFFER_BYTES: usize = 64 * 1024 * 1024;

/// A change waiting for its admin to confirm or cancel it.
#[derive(Debug, Clone)]
pub(super) struct Offer {
    admin: i64,
    pub(super) change: Change,
    /// The offer's text, shown again without its buttons once it is answered.
    text: Rich,
    made: Instant,
    /// Pressed: the change is being made, and further presses do nothing.
    confirmed: bool,
}

/// Why a button press on an offer does nothing.
pub(super) enum Unanswerable {
    /// Answered already, expired, or pushed out by newer offers.
    Gone,
    /// Confirmed already: the change is under way.
    UnderWay,
}

/// Offers waiting for a button, by the token their buttons carry.
pub(super) struct Offers {
    state: Mutex<(u32, HashMap<u32, Offer>)>,
}

impl Default for Offers {
    /// Tokens start at a random number, so that a button from before a restart does not name an
    /// offer made since.
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let start = std::collections::hash_map::RandomState::new().build_hasher().finish() as u32;
        Offers { state: Mutex::new((start, HashMap::new())) }
    }
}

impl Offers {
    fn lock(&self) -> std::sync::MutexGuard<'_, (u32, HashMap<u32, Offer>)> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1.retain(|_, offer| offer.confirmed || offer.made.elapsed() < OFFER_TTL);
        state
    }

    /// Keeps an offer; its token. The oldest offers go when there are too many or too large.
    pub(super) fn put(&self, admin: i64, change: Change, text: Rich) -> u32 {
        let mut state = self.lock();
        let (next, offers) = &mut *state;
        let incoming = change.bytes();
        while !offers.is_empty()
            && (offers.len() >= MAX_OFFERS
                || offers.values().map(|o| o.change.bytes()).sum::<usize>() + incoming > MAX_OFFER_BYTES)
        {
            let oldest = offers.iter().min_by_key(|(_, o)| o.made).map(|(token, _)| *token);
            if let Some(oldest) = oldest {
                offers.remove(&oldest);
            }
        }
        *next = next.wrapping_add(1);
        let token = *next;
        offers.insert(token, Offer { admin, change, text, made: Instant::now(), confirmed: false });
        token
    }

    /// Marks `admin`'s offer `token` confirmed, once: its text.
    pub(super) fn confirm(&self, token: u32, admin: i64) -> Result<Rich, Unanswerable> {
        let mut state = self.lock();
        let offer = state.1.get_mut(&token).filter(|o| o.admin == admin).ok_or(Unanswerable::Gone)?;
        if offer.confirmed {
            return Err(Unanswerable::UnderWay);
        }
        offer.confirmed = true;
        Ok(offer.text.clone())
    }

    /// Drops `admin`'s offer `token`, unless it was confirmed: its text.
    pub(super) fn cancel(&self, token: u32, admin: i64) -> Result<Rich, Unanswerable> {
        let mut state = self.lock();
        let offer = state.1.get(&token).filter(|o| o.admin == admin).ok_or(Unanswerable::Gone)?;
        if offer.confirmed {
            return Err(Unanswerable::UnderWay);
        }
        Ok(state.1.remove(&token).map(|o| o.text).unwrap_or_default())
    }

    /// Takes `admin`'s confirmed offer `token`, to make its change.
    pub(super) fn take_confirmed(&self, token: u32, admin: i64) -> Option<Offer> {
        let mut state = self.lock();
        state.1.get(&token).filter(|o| o.admin == admin && o.confirmed)?;
        state.1.remove(&token)
    }
}
