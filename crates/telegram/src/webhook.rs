//! Webhook mode: Telegram posts each update to our HTTPS URL (a reverse proxy in front forwards
//! it here, to the listen address) instead of the bot asking with long polling. teloxide's
//! webhooks-axum router turns the posts into an update listener; around it, this checks
//! Telegram's secret token header, and keeps one server on the listen address for the whole run
//! while each start of the dispatcher gets a fresh router and listener.

use std::convert::Infallible;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks;
use tower::ServiceExt;

use crate::redaction::redacted;
use digestbot_core::telemetry as metric;

/// The header Telegram sends the secret token back in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The update kinds [`crate::handler`] handles: asked of Telegram when the webhook is set, as long
/// polling asks for them on each request.
const ALLOWED_UPDATES: [AllowedUpdate; 4] =
    [AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::InlineQuery, AllowedUpdate::MyChatMember];

/// Where Telegram posts updates, and how it proves it is Telegram.
pub struct Webhook {
    /// The public HTTPS URL given to Telegram; its path is the path served here.
    pub url: url::Url,
    /// The listen address, bound by the caller: a port already taken is said before anything else
    /// starts.
    pub listener: tokio::net::TcpListener,
    /// Sent back by Telegram in [`SECRET_HEADER`] with every update; a request without it is
    /// refused. Never logged.
    pub secret: String,
    /// What each connection to the listener is allowed, and how many at once.
    pub limits: crate::listen::Limits,
}

impl Webhook {
    /// A webhook with `secret`, or a random one (teloxide's) when there is none.
    pub fn new(url: url::Url, listener: tokio::net::TcpListener, secret: Option<String>) -> Webhook {
        let secret = secret.unwrap_or_else(|| {
            let address = listener.local_addr().unwrap_or_else(|_| ([127, 0, 0, 1], 0).into());
            webhooks::Options::new(address, url.clone()).get_or_gen_secret_token().to_string()
        });
        crate::redaction::hide_secret(&secret);
        Webhook { url, listener, secret, limits: crate::listen::Limits::default() }
    }
}

/// Whether `secret` is one Telegram accepts (1 to 256 of `A-Z a-z 0-9 _ -`) and long enough to be
/// one: at least 16 characters, so that it cannot be guessed, nor its redaction in the log mangle
/// every line and show what it is.
pub fn valid_secret(secret: &str) -> bool {
    (16..=256).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The server on the listen address, serving the current start's router.
pub(super) struct Server {
    url: url::Url,
    secret: String,
    address: std::net::SocketAddr,
    /// None until the webhook is set: Telegram is told to come back later.
    current: Arc<ArcSwapOption<Router>>,
    task: tokio::task::JoinHandle<()>,
    /// Takes the current router away once its listener is stopped.
    retiring: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Server {
    /// Starts serving on the webhook's listener.
    pub(super) fn start(webhook: Webhook) -> Server {
        let Webhook { url, listener, secret, limits } = webhook;
        let address = listener.local_addr().unwrap_or_else(|_| ([127, 0, 0, 1], 0).into());
        let current: Arc<ArcSwapOption<Router>> = Arc::default();
        let app = Router::new()
            .fallback(forward)
            .with_state(current.clone())
            .layer(axum::middleware::from_fn_with_state(Arc::new(secret.clone()), check_secret));
        tracing::info!("webhook: listening on http://{address} for {}", public(&url));
        let task = tokio::spawn(crate::listen::serve(listener, app, limits, "webhook"));
        Server { url, secret, address, current, task, retiring: Default::default() }
    }

    /// Tells Telegram to post updates to the URL, with the secret.
    pub(super) async fn set(&self, bot: &Bot) -> Result<(), RequestError> {
        bot.set_webhook(self.url.clone())
            .secret_token(self.secret.clone())
            .allowed_updates(ALLOWED_UPDATES)
            .drop_pending_updates(false)
            .await?;
        Ok(())
    }

    /// A listener for one start of the dispatcher, and what puts its router in service: only once
    /// the dispatcher takes updates (it asks Telegram who the bot is first, and may fail there),
    /// and only until the listener is stopped or dropped. Meanwhile posts are answered 503, which
    /// Telegram retries, rather than accepted into a listener nobody reads.
    pub(super) fn listen(&self) -> (impl UpdateListener<Err = Infallible> + use<>, Activation) {
        let options = webhooks::Options::new(self.address, self.url.clone()).secret_token(self.secret.clone());
        let (listener, stopped, router) = webhooks::axum_no_setup(options);
        let router = Arc::new(router);
        let serving = Arc::as_ptr(&router) as usize;
        let activation = Activation { current: self.current.clone(), router: Some(router), serving };
        // The listener's updates end only when the router, which holds their sender, is gone:
        // teloxide's own server would stop, here the router is taken away. Only this one: a later
        // start's router stays.
        let current = self.current.clone();
        let retiring = tokio::spawn(async move {
            stopped.await;
            current.rcu(|router| match router {
                Some(router) if Arc::as_ptr(router) as usize == serving => None,
                other => other.clone(),
            });
        });
        if let Some(previous) = self.retiring.lock().unwrap_or_else(|e| e.into_inner()).replace(retiring) {
            previous.abort();
        }
        (listener, activation)
    }

    /// Tells Telegram to stop posting updates: on a graceful stop, so that a bot stopped for good
    /// or switched back to long polling does not leave Telegram posting to nobody. Updates sent
    /// meanwhile wait at Telegram until the next start sets the webhook again.
    pub(super) async fn delete(&self, bot: &Bot) {
        let deleting = tokio::time::timeout(std::time::Duration::from_secs(5), bot.delete_webhook());
        match deleting.await {
            Ok(Ok(_)) => tracing::info!("webhook deleted"),
            Ok(Err(e)) => tracing::warn!("deleteWebhook failed: {}", redacted(&e, bot.token())),
            Err(_) => tracing::warn!("deleteWebhook got no answer in time"),
        }
    }
}

/// Puts one start's router in service, and takes it out again when dropped (with the listener it
/// feeds, when the dispatcher is done with it).
pub(super) struct Activation {
    current: Arc<ArcSwapOption<Router>>,
    router: Option<Arc<Router>>,
    serving: usize,
}

impl Activation {
    pub(super) fn activate(&mut self) {
        if let Some(router) = self.router.take() {
            self.current.store(Some(router));
        }
    }
}

impl Drop for Activation {
    fn drop(&mut self) {
        let serving = self.serving;
        self.current.rcu(|router| match router {
            Some(router) if Arc::as_ptr(router) as usize == serving => None,
            other => other.clone(),
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(retiring) = self.retiring.lock().unwrap_or_else(|e| e.into_inner()).take() {
            retiring.abort();
        }
    }
}

/// The URL as it may be logged: scheme, host and port, not the path (which may be secret too).
fn public(url: &url::Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown
}

/// Telegram's updates are a few KB; a body larger than this is no update.
const MAX_UPDATE_BYTES: usize = 1 << 20;

/// How much of a malformed body's parse error is logged.
const LOGGED_ERROR_CHARS: usize = 160;

/// Hands the request to the router of the current start. The body is read (bounded) and checked
/// to be an update first: teloxide logs one it cannot parse at ERROR, whole, over several lines,
/// as a bug of its own; here it is one warning, cut short, and Telegram is told it arrived (a
/// malformed update sent again is malformed again).
async fn forward(State(current): State<Arc<ArcSwapOption<Router>>>, request: Request) -> Response {
    let Some(router) = current.load_full() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "not taking updates now\n").into_response();
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_UPDATE_BYTES).await else {
        tracing::warn!("webhook: dropped a body over {MAX_UPDATE_BYTES} bytes or cut off");
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Err(e) = serde_json::from_slice::<teloxide::types::Update>(&bytes) {
        let error: String = e.to_string().escape_debug().take(LOGGED_ERROR_CHARS).collect();
        tracing::warn!(bytes = bytes.len(), "webhook: dropped a body that is not an update: {error}");
        return StatusCode::OK.into_response();
    }
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    match Router::clone(&router).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Refuses a request whose secret token header is missing or wrong, before anything reads it.
async fn check_secret(State(secret): State<Arc<String>>, request: Request, next: Next) -> Response {
    let given = request.headers().get(SECRET_HEADER).map(|v| v.as_bytes());
    if given.is_some_and(|given| same(given, secret.as_bytes())) {
        return next.run(request).await;
    }
    metrics::counter!(metric::WEBHOOK_REFUSED).increment(1);
    // Anyone may post here: one line each at warn would let them fill the journal, and the path
    // may be secret (the counter is the operator's signal).
    tracing::debug!("webhook: refused a request without the right secret token");
    StatusCode::UNAUTHORIZED.into_response()
}

/// Compares in time that does not depend on where the bytes differ, so the secret cannot be
/// guessed a byte at a time from how fast wrong guesses are refused.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_what_telegram_accepts() {
        assert!(valid_secret("abc-DEF_123-4567"));
        assert!(valid_secret(&"a".repeat(256)));
        for bad in
            ["", "abc-DEF_123-456", "with space in it!", "ünïcode-secret-12", "a/b-c/d-e/f-g/h-i", &"a".repeat(257)]
        {
            assert!(!valid_secret(bad), "{bad:?}");
        }
    }

    #[test]
    fn only_the_same_bytes_are_the_same_secret() {
        assert!(same(b"secret", b"secret"));
        assert!(!same(b"secret", b"secreT"));
        assert!(!same(b"secret", b"secret2"));
        assert!(!same(b"", b"x"));
    }

    #[test]
    fn the_logged_url_leaves_out_the_path() {
        let url: url::Url = "https://bot.example.org:8443/hook-s3cr3t".parse().unwrap();
        assert_eq!(public(&url), "https://bot.example.org:8443");
    }
}
