//! Counting work still under way, so that a shutdown can wait for it to end instead of cutting it
//! off.

use std::sync::Arc;

use tokio::sync::watch;

/// How many pieces of work are under way.
#[derive(Clone)]
pub struct InFlight(Arc<watch::Sender<usize>>);

impl Default for InFlight {
    fn default() -> Self {
        InFlight(Arc::new(watch::channel(0).0))
    }
}

impl InFlight {
    /// Counts one piece of work until the guard is dropped: dropped rather than ended explicitly,
    /// so that work aborted or lost on the way is never waited for.
    pub fn start(&self) -> Guard {
        self.0.send_modify(|n| *n += 1);
        Guard(self.clone())
    }

    /// Resolves once nothing is under way.
    pub async fn none(&self) {
        let _ = self.0.subscribe().wait_for(|n| *n == 0).await;
    }
}

/// One piece of work under way.
pub struct Guard(InFlight);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.0.send_modify(|n| *n -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn none_waits_until_every_guard_is_dropped() {
        let in_flight = InFlight::default();
        in_flight.none().await;
        let (a, b) = (in_flight.start(), in_flight.start());
        drop(a);
        let waiting = tokio::spawn({
            let in_flight = in_flight.clone();
            async move { in_flight.none().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "one piece of work is still under way");
        drop(b);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting).await.unwrap().unwrap();
    }
}
