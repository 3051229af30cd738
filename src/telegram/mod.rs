//! The Telegram edge: long polling (or a webhook) with teloxide, flood control on the update
//! stream, every update handed to the core, every reply rendered as HTML with inline keyboards and
//! queued for its chat, then sent through the outbox, which keeps Telegram's limits.

mod admission;
pub mod bounded;
mod chat_queue;
pub mod daily;
mod handlers;
mod in_flight;
pub mod outbox;
pub mod render;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use teloxide::dispatching::{ShutdownToken, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};
use teloxide::update_listeners::Polling;
use teloxide::{ApiError, RequestError};

use self::admission::{Admitted, Gate, Refusals};
use self::handlers::{on_callback, on_inline, on_message, on_my_chat_member};
use self::in_flight::InFlight;
pub use self::outbox::Limits;
use self::outbox::{Backoff, Failure, Outbox, classify};
pub use self::webhook::{SECRET_HEADER, Webhook, valid_secret};
use crate::app::App;
use crate::health::Health;
use crate::logging::redact;
use crate::messages;

/// The bot as the handlers see it. Messages into chats go through the [`Outbox`], which keeps
/// Telegram's limits; the rest (answers to button presses and inline queries) is not limited.
pub type Tg = Bot;

/// The whole update handler tree, in one place so tests drive exactly what runs.
pub fn handler() -> UpdateHandler<RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member))
}

/// How to run the bot.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop gracefully on SIGINT (Ctrl-C) and SIGTERM; off in tests, which stop the bot by
    /// dropping it.
    pub ctrlc: bool,
    /// Outgoing rate limits; Telegram's own by default. Tests and benchmarks lift them.
    pub limits: Limits,
    /// The first wait before reaching Telegram again after it could not be reached (to poll or to
    /// send); each failure doubles it, up to `max_retry_delay`.
    pub retry_delay: Duration,
    pub max_retry_delay: Duration,
    /// The longest a 429's `retry_after` pauses sending: Telegram's real ones are seconds to
    /// minutes, and a day-long one (a misbehaving server) must not silence the bot for a day.
    /// After the pause, sending is tried again: the try is the probe.
    pub max_retry_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ctrlc: false,
            limits: Limits::default(),
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Why the bot stopped serving on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Telegram (or the server at `TELOXIDE_API_URL`) rejects the token: retrying cannot help.
    TokenRejected,
    /// Telegram refuses the webhook URL (not HTTPS, a port it does not post to, a host it cannot
    /// resolve): what it said.
    WebhookRefused(String),
}

/// Where updates come from, and who hears how serving goes.
pub struct Edge {
    /// Telegram posts updates here; long polling when None.
    pub webhook: Option<Webhook>,
    /// Told whether Telegram is reached, updates dispatched and the scheduler running.
    pub health: Arc<Health>,
}

impl Default for Edge {
    fn default() -> Self {
        Edge { webhook: None, health: Health::new() }
    }
}

/// Where one start of the dispatcher takes its updates from.
enum Source<W> {
    Polling(Polling<Bot>),
    Webhook(W),
}

/// Why a start did not get as far as dispatching.
enum Unprepared {
    Request(RequestError),
    WebhookRefused(String),
}

impl From<RequestError> for Unprepared {
    fn from(e: RequestError) -> Self {
        Unprepared::Request(e)
    }
}

/// How long a shutdown waits for deliveries and queued replies to be sent before it cuts them
/// off: under systemd's `TimeoutStopSec=40` of the committed unit, with room to spare.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves updates by long polling until stopped: [`serve`] without a webhook, and without anyone
/// listening to how it goes.
pub async fn run(bot: Bot, app: Arc<App>, options: Options) -> Result<(), Stop> {
    serve(bot, app, options, Edge::default()).await
}

/// Serves updates by long polling, or from `edge.webhook`, until stopped. Telegram being
/// unreachable at start or later is retried with backoff, never a panic; only a rejected token (or
/// webhook URL) ends it. Every update goes through the same flood control, whichever way it came.
///
/// With a webhook, each start sets it (with its secret token) after asking who the bot is, and a
/// graceful stop deletes it; its listen address answers 503 until the webhook is set.
///
/// With `options.ctrlc`, SIGINT and SIGTERM stop it gracefully: no more updates are taken and the
/// updates being handled are handled to the end (the dispatcher's shutdown); no new delivery pass
/// starts; then, for at most [`SHUTDOWN_GRACE`], the passes already started send every delivery
/// they claimed and the replies queued for chats go out. A delivery cut off by the grace resumes
/// on the next start after its last recorded message.
pub async fn serve(bot: Bot, app: Arc<App>, options: Options, edge: Edge) -> Result<(), Stop> {
    let Edge { webhook, health } = edge;
    let token = bot.token().to_string();
    let sending =
        Backoff { first: options.retry_delay, max: options.max_retry_delay, max_pause: options.max_retry_after };
    let outbox = Outbox::new(bot.clone(), options.limits, sending, health.clone());
    let refusals = Arc::new(Refusals::default());
    let error_token = token.clone();
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler())
        .dependencies(dptree::deps![app.clone(), outbox.clone(), refusals.clone()])
        .default_handler(|_| async {})
        .error_handler(Arc::new(move |e: RequestError| {
            let message = redact(&e.to_string(), &error_token);
            async move { tracing::warn!("handling an update failed: {message}") }
        }))
        .build();
    let (stop, mut stopping) = tokio::sync::watch::channel(false);
    // Our own handler rather than teloxide's Ctrl-C one: SIGTERM (systemd's) must stop the bot as
    // gracefully as SIGINT, and a signal must also end the wait between two tries to reach
    // Telegram, when there is no dispatcher running to shut down.
    let signals =
        options.ctrlc.then(|| tokio::spawn(stop_on_signals(dispatcher.shutdown_token(), stop, health.clone())));
    let hangups = tokio::spawn(reload_on_hangup(app.clone()));
    let passes = InFlight::default();
    if app.daily().is_some() {
        health.expect_scheduler();
    }
    let webhook = webhook.map(webhook::Server::start);
    let mut webhook_set = false;
    let mut backoff = options.retry_delay;
    let mut scheduler = None;
    let stopped = loop {
        let preparing = async {
            set_commands(&bot, &token, &app.admins()).await;
            // The gate needs the bot's name before the first update: ask for it here.
            let me = bot.get_me().await?;
            let source = match &webhook {
                None => {
                    let polling = Polling::builder(bot.clone())
                        .timeout(Duration::from_secs(10))
                        .backoff_strategy(polling_backoff(options, health.clone()))
                        .delete_webhook()
                        .await
                        .build();
                    Source::Polling(polling)
                }
                Some(server) => {
                    if let Err(e) = server.set(&bot).await {
                        // Telegram's word on the URL itself; anything else is worth another try.
                        return Err(match classify(&e) {
                            Some(Failure::Refused(reason) | Failure::Gone(reason)) => {
                                Unprepared::WebhookRefused(reason)
                            }
                            _ => Unprepared::Request(e),
                        });
                    }
                    webhook_set = true;
                    Source::Webhook(server.listen())
                }
            };
            Ok::<_, Unprepared>((me, source))
        };
        let prepared = tokio::select! {
            prepared = preparing => prepared,
            _ = requested(&mut stopping) => break Ok(()),
        };
        let served = match prepared {
            Ok((me, source)) => {
                health.reached();
                // Deliveries carry deep links, which need the bot's name too.
                if scheduler.is_none() {
                    let (app, outbox, me) = (app.clone(), outbox.clone(), me.username().to_string());
                    let supervising = daily::supervise(app, outbox, me, passes.clone(), health.clone());
                    scheduler = Some(tokio::spawn(supervising));
                }
                let gate = Arc::new(Gate {
                    app: app.clone(),
                    bot: bot.clone(),
                    me: me.username().to_string(),
                    refusals: refusals.clone(),
                });
                health.dispatching(true);
                let dispatched = match source {
                    Source::Polling(polling) => {
                        let listener = Admitted { listener: polling, gate, health: health.clone(), activation: None };
                        let listener_token = token.clone();
                        let on_listener_error = Arc::new(move |e: RequestError| {
                            let message = redact(&e.to_string(), &listener_token);
                            async move { tracing::warn!("getting updates failed: {message}") }
                        });
                        dispatcher.try_dispatch_with_listener(listener, on_listener_error).await
                    }
                    Source::Webhook((listener, activation)) => {
                        let activation = Some(activation);
                        let listener = Admitted { listener, gate, health: health.clone(), activation };
                        let never = Arc::new(|e: std::convert::Infallible| async move { match e {} });
                        dispatcher.try_dispatch_with_listener(listener, never).await
                    }
                };
                health.dispatching(false);
                dispatched.map_err(Unprepared::Request)
            }
            Err(e) => Err(e),
        };
        match served {
            Ok(()) => break Ok(()),
            Err(Unprepared::Request(RequestError::Api(ApiError::InvalidToken))) => break Err(Stop::TokenRejected),
            Err(Unprepared::WebhookRefused(reason)) => {
                break Err(Stop::WebhookRefused(redact(&reason, &token)));
            }
            Err(Unprepared::Request(e)) => {
                if *stopping.borrow() {
                    break Ok(());
                }
                health.unreachable(backoff);
                tracing::warn!("cannot reach Telegram ({}); retrying in {backoff:?}", redact(&e.to_string(), &token));
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = requested(&mut stopping) => break Ok(()),
                }
                backoff = (backoff * 2).min(options.max_retry_delay);
            }
        }
    };
    health.stopping();
    if let Some(scheduler) = scheduler {
        scheduler.abort();
    }
    hangups.abort();
    if let Some(signals) = signals {
        signals.abort();
    }
    if stopped.is_ok() {
        // Passes first: their deliveries are queued for their chats as they go.
        let sent = async {
            passes.none().await;
            outbox.queues().drained().await;
        };
        // Alongside, within the same grace: a stop must end before systemd's TimeoutStopSec.
        let deleted = async {
            if webhook_set && let Some(server) = &webhook {
                server.delete(&bot).await;
            }
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, futures::future::join(sent, deleted)).await.is_err() {
            tracing::warn!(
                "deliveries or replies were still being sent after {SHUTDOWN_GRACE:?}; they were cut off, and \
                 the deliveries resume on the next start"
            );
        }
        tracing::info!("stopped");
    }
    stopped
}

/// The waits of long polling between failed requests, as for every other try to reach Telegram;
/// each wait also tells `health` how long Telegram counts as unreachable unless a request gets
/// through (the strategy is the one place that learns of a failure together with its wait).
fn polling_backoff(options: Options, health: Arc<Health>) -> impl Fn(u32) -> Duration + Send + 'static {
    move |failures| {
        let wait = options.retry_delay.saturating_mul(1 << failures.min(16)).min(options.max_retry_delay);
        health.unreachable(wait);
        wait
    }
}

/// Resolves once a stop is requested; never when none can be (no signal handler).
async fn requested(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// On the first SIGINT or SIGTERM, tells `run` to stop and shuts the dispatcher down.
async fn stop_on_signals(dispatcher: ShutdownToken, stop: tokio::sync::watch::Sender<bool>, health: Arc<Health>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupts), Ok(mut terminations)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        tracing::warn!("cannot listen for SIGINT and SIGTERM; a signal will stop the bot at once");
        return;
    };
    let name = tokio::select! {
        _ = interrupts.recv() => "SIGINT",
        _ = terminations.recv() => "SIGTERM",
    };
    tracing::info!("{name}: stopping (no new updates; finishing the updates and deliveries under way)");
    // From now on a load balancer or a probe must see it going, not serving.
    health.stopping();
    stop.send_replace(true);
    // The dispatcher refuses a shutdown while it is not running, which it may be about to (it
    // asks Telegram who the bot is first): asked again until `run` is over and aborts this task.
    loop {
        if let Ok(shutting_down) = dispatcher.shutdown() {
            shutting_down.await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One delivery pass as if the clock showed `at`, then waits until everything due is sent (the
/// same pass the scheduler makes). Telegram unreachable is retried with backoff, as in [`run`].
pub async fn deliver_once(bot: Bot, app: Arc<App>, at: DateTime<Utc>, options: Options) -> Result<daily::Report, Stop> {
    let token = bot.token().to_string();
    let mut backoff = options.retry_delay;
    let me = loop {
        match bot.get_me().await {
            Ok(me) => break me,
            Err(RequestError::Api(ApiError::InvalidToken)) => return Err(Stop::TokenRejected),
            Err(e) => {
                tracing::warn!("cannot reach Telegram ({}); retrying in {backoff:?}", redact(&e.to_string(), &token));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(options.max_retry_delay);
            }
        }
    };
    let backoff =
        Backoff { first: options.retry_delay, max: options.max_retry_delay, max_pause: options.max_retry_after };
    let outbox = Outbox::new(bot, options.limits, backoff, Health::new());
    let mut report = daily::Report::default();
    // A chat that had a delivery cut short gets it finished first, and the day's own in the next
    // pass; passes go on until one finds nothing left to start.
    loop {
        let pass = daily::start_pass(&app, &outbox, me.username(), at).await;
        if pass.is_empty() {
            return Ok(report);
        }
        let done = pass.finish().await;
        report.delivered += done.delivered;
        report.stopped += done.stopped;
    }
}

/// Reloads the corpus on each SIGHUP, as `/reload` does, logging the outcome.
async fn reload_on_hangup(app: Arc<App>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; reload with /reload");
        return;
    };
    while hangups.recv().await.is_some() {
        let reloading = app.clone();
        match tokio::task::spawn_blocking(move || reloading.reload()).await {
            Ok(outcome) => tracing::info!("SIGHUP: {}", messages::reload_outcome(&outcome)),
            Err(e) => tracing::error!("SIGHUP: the reload failed: {e}"),
        }
    }
}

/// The command menu Telegram shows, in Chinese.
async fn set_commands(bot: &Tg, token: &str, admins: &[i64]) {
    let menu = |entries: &[(&str, &str)]| -> Vec<BotCommand> {
        entries.iter().map(|(name, about)| BotCommand::new(*name, *about)).collect()
    };
    if let Err(e) = bot.set_my_commands(menu(messages::COMMANDS)).await {
        tracing::warn!("setMyCommands failed: {}", redact(&e.to_string(), token));
    }
    // Admins see their commands too, in their private chat with the bot only.
    let with_admin: Vec<(&str, &str)> = messages::COMMANDS.iter().chain(messages::ADMIN_COMMANDS).copied().collect();
    for &admin in admins {
        let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(admin)) };
        if let Err(e) = bot.set_my_commands(menu(&with_admin)).scope(scope).await {
            tracing::warn!(admin, "setMyCommands for an admin failed: {}", redact(&e.to_string(), token));
        }
    }
}
