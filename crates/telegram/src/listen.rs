//! Serving HTTP with limits, for the webhook listener and the metrics listener: anyone on the
//! network may open connections to them, so each connection has a header timeout and a lifetime,
//! and there are at most so many at once. `axum::serve` has none of these: 600 half-sent requests
//! stayed open, and ~1,100 idle connections took every file descriptor of a 1,024 limit.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// What a listener allows each connection, and how many at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// How long a connection may stay open at all, idle or not: a client that keeps it alive
    /// connects again.
    pub lifetime: Duration,
}

impl Default for Limits {
    /// Telegram opens at most 40 webhook connections (its default is 40) and a Prometheus scrape
    /// one; 256 leaves room for both listeners well under the systemd default of 1,024 descriptors.
    fn default() -> Self {
        Limits { max_connections: 256, header_timeout: Duration::from_secs(10), lifetime: Duration::from_secs(120) }
    }
}

/// How long a connection past its lifetime has to finish the request under way.
const LAST_ANSWER: Duration = Duration::from_secs(10);

/// How long to wait after a failed accept (out of descriptors, say) before accepting again, so
/// that the failure is not a busy loop.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` within `limits`, until the task is dropped (which closes every
/// connection it serves). `what` names the listener in the log.
pub async fn serve(listener: TcpListener, router: axum::Router, limits: Limits, what: &'static str) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let Ok(permit) = permits.clone().try_acquire_owned() else {
                        // Closed at once: one line each would let anyone fill the journal.
                        tracing::debug!("{what}: {} connections open; closed a new one", limits.max_connections);
                        continue;
                    };
                    let service = TowerToHyperService::new(router.clone());
                    connections.spawn(async move {
                        let _permit = permit;
                        let mut http = hyper::server::conn::http1::Builder::new();
                        http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
                        let connection = http.serve_connection(TokioIo::new(stream), service);
                        let mut connection = std::pin::pin!(connection);
                        tokio::select! {
                            _ = connection.as_mut() => {}
                            _ = tokio::time::sleep(limits.lifetime) => {
                                // A request under way is answered first (a webhook update cut off
                                // after it was taken would be posted, and answered, twice).
                                connection.as_mut().graceful_shutdown();
                                let _ = tokio::time::timeout(LAST_ANSWER, connection).await;
                            }
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!("{what}: cannot accept a connection: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
