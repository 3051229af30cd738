//! Serving: each start of the dispatcher is prepared (the command menu, who the bot is, polling
//! or the webhook set), then dispatches until it stops or loses Telegram; a lost Telegram is tried
//! again with backoff. The shutdown sends what was claimed and queued, within a grace.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use teloxide::dispatching::{DefaultKey, ShutdownToken};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Me, Recipient};
use teloxide::update_listeners::Polling;
use teloxide::{ApiError, RequestError};
use tokio::task::JoinHandle;

use crate::gate::{Admitted, Gate, Intakes};
use crate::health::Health;
use crate::in_flight::InFlight;
use crate::outbox::{Backoff, Failure, Outbox, classify};
use crate::redaction::{redact, redacted};
use crate::webhook;
use crate::{Edge, Options, Stop, alerts, handler, scheduler};
use digestbot_core::App;
use digestbot_core::admin::text as admin_text;
use digestbot_core::text as msg;

/// Where one start of the dispatcher takes its updates from.
enum Updates<'a> {
    Polling(Polling<Bot>),
    /// The webhook, set: its listen address takes Telegram's posts once the dispatch begins.
    Webhook(&'a webhook::Server),
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

/// What lives across the starts of one `serve`.
struct Serving {
    bot: Bot,
    token: String,
    app: Arc<App>,
    options: Options,
    health: Arc<Health>,
    outbox: Arc<Outbox>,
    intakes: Arc<Intakes>,
    webhook: Option<webhook::Server>,
    /// Started by the first start that knows the bot's name; supervised from then on.
    scheduler: OnceLock<JoinHandle<()>>,
    /// Sends the alerts of watched words; started with the scheduler, for the same reason.
    alerts: OnceLock<JoinHandle<()>>,
    passes: InFlight,
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
    let intakes = Arc::new(Intakes::default());
    let error_token = token.clone();
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler())
        .dependencies(dptree::deps![app.clone(), outbox.clone(), intakes.clone()])
        .default_handler(|_| async {})
        .error_handler(Arc::new(move |e: RequestError| {
            let message = redacted(&e, &error_token).to_string();
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
    if app.daily().is_some() {
        health.expect_scheduler();
    }
    let webhook = webhook.map(webhook::Server::start);
    let serving = Serving {
        bot,
        token,
        app,
        options,
        health,
        outbox,
        intakes,
        webhook,
        scheduler: OnceLock::new(),
        alerts: OnceLock::new(),
        passes: InFlight::default(),
    };
    let mut backoff = options.retry_delay;
    // Set by a start, so the shutdown deletes it.
    let mut webhook_set = false;
    let stopped = loop {
        let prepared = tokio::select! {
            prepared = serving.prepare() => prepared,
            _ = requested(&mut stopping) => break Ok(()),
        };
        let served = match prepared {
            Ok((me, updates)) => {
                webhook_set |= matches!(updates, Updates::Webhook(_));
                serving.dispatch(&mut dispatcher, me, updates).await
            }
            Err(e) => Err(e),
        };
        match served {
            Ok(()) => break Ok(()),
            Err(Unprepared::Request(RequestError::Api(ApiError::InvalidToken))) => break Err(Stop::TokenRejected),
            Err(Unprepared::WebhookRefused(reason)) => {
                break Err(Stop::WebhookRefused(redact(&reason, &serving.token)));
            }
            Err(Unprepared::Request(e)) => {
                if *stopping.borrow() {
                    break Ok(());
                }
                serving.health.unreachable(backoff);
                tracing::warn!("cannot reach Telegram ({}); retrying in {backoff:?}", redacted(&e, &serving.token));
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = requested(&mut stopping) => break Ok(()),
                }
                backoff = (backoff * 2).min(options.max_retry_delay);
            }
        }
    };
    hangups.abort();
    if let Some(signals) = signals {
        signals.abort();
    }
    serving.shut_down(stopped.is_ok(), webhook_set).await;
    stopped
}

impl Serving {
    /// One start up to dispatching: the command menu, who the bot is (the gate needs its name
    /// before the first update), then long polling, or the webhook set.
    async fn prepare(&self) -> Result<(Me, Updates<'_>), Unprepared> {
        set_commands(&self.bot, &self.token, &self.app.admins()).await;
        let me = self.bot.get_me().await?;
        let updates = match &self.webhook {
            None => {
                let polling = Polling::builder(self.bot.clone())
                    .timeout(Duration::from_secs(10))
                    .backoff_strategy(polling_backoff(self.options, self.health.clone()))
                    .delete_webhook()
                    .await
                    .build();
                Updates::Polling(polling)
            }
            Some(server) => {
                if let Err(e) = server.set(&self.bot).await {
                    // Telegram's word on the URL itself; anything else is worth another try.
                    return Err(match classify(&e) {
                        Some(Failure::Refused(reason) | Failure::Gone(reason)) => Unprepared::WebhookRefused(reason),
                        _ => Unprepared::Request(e),
                    });
                }
                Updates::Webhook(server)
            }
        };
        Ok((me, updates))
    }

    /// Dispatches the updates of one start, through the gate, until the dispatcher stops or
    /// Telegram is lost.
    async fn dispatch(
        &self,
        dispatcher: &mut Dispatcher<Bot, RequestError, DefaultKey>,
        me: Me,
        updates: Updates<'_>,
    ) -> Result<(), Unprepared> {
        let health = &self.health;
        health.reached();
        // Deliveries carry deep links, which need the bot's name too.
        self.scheduler.get_or_init(|| {
            let (app, outbox, me) = (self.app.clone(), self.outbox.clone(), me.username().to_string());
            tokio::spawn(scheduler::supervise(app, outbox, me, self.passes.clone(), health.clone()))
        });
        self.alerts.get_or_init(|| {
            let (app, outbox, me) = (self.app.clone(), self.outbox.clone(), me.username().to_string());
            tokio::spawn(alerts::send_alerts(app, outbox, me))
        });
        let gate = Arc::new(Gate {
            app: self.app.clone(),
            bot: self.bot.clone(),
            me: me.username().to_string(),
            intakes: self.intakes.clone(),
        });
        health.dispatching(true);
        let dispatched = match updates {
            Updates::Polling(polling) => {
                let listener = Admitted { listener: polling, gate, health: health.clone(), activation: None };
                let listener_token = self.token.clone();
                let on_listener_error = Arc::new(move |e: RequestError| {
                    let message = redacted(&e, &listener_token).to_string();
                    async move { tracing::warn!("getting updates failed: {message}") }
                });
                dispatcher.try_dispatch_with_listener(listener, on_listener_error).await
            }
            Updates::Webhook(server) => {
                let (listener, activation) = server.listen();
                let activation = Some(activation);
                let listener = Admitted { listener, gate, health: health.clone(), activation };
                let never = Arc::new(|e: std::convert::Infallible| async move { match e {} });
                dispatcher.try_dispatch_with_listener(listener, never).await
            }
        };
        health.dispatching(false);
        dispatched.map_err(Unprepared::Request)
    }

    /// Stops the scheduler; after a graceful stop, sends within [`SHUTDOWN_GRACE`] what the passes
    /// claimed and the replies queued, and deletes the webhook this serve set.
    async fn shut_down(self, graceful: bool, webhook_set: bool) {
        self.health.stopping();
        if let Some(scheduler) = self.scheduler.get() {
            scheduler.abort();
        }
        // Alerts already in their chats' queues go out below; those not yet taken are lost.
        if let Some(alerts) = self.alerts.get() {
            alerts.abort();
        }
        if !graceful {
            return;
        }
        // Passes first: their deliveries are queued for their chats as they go.
        let sent = async {
            self.passes.none().await;
            self.outbox.queues().drained().await;
        };
        // Alongside, within the same grace: a stop must end before systemd's TimeoutStopSec.
        let deleted = async {
            if webhook_set && let Some(server) = &self.webhook {
                server.delete(&self.bot).await;
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

/// Reloads the corpus on each SIGHUP, as `/reload` does, logging the outcome.
async fn reload_on_hangup(app: Arc<App>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; reload with /reload");
        return;
    };
    while hangups.recv().await.is_some() {
        let reloading = app.clone();
        match tokio::task::spawn_blocking(move || reloading.reload()).await {
            Ok(outcome) => tracing::info!("SIGHUP: {}", admin_text::reload_outcome(&outcome)),
            Err(e) => tracing::error!("SIGHUP: the reload failed: {e}"),
        }
    }
}

/// The command menu Telegram shows, in Chinese.
async fn set_commands(bot: &Bot, token: &str, admins: &[i64]) {
    let menu = |entries: &[(&str, &str)]| -> Vec<BotCommand> {
        entries.iter().map(|(name, about)| BotCommand::new(*name, *about)).collect()
    };
    if let Err(e) = bot.set_my_commands(menu(msg::COMMANDS)).await {
        tracing::warn!("setMyCommands failed: {}", redacted(&e, token));
    }
    // Admins see their commands too, in their private chat with the bot only.
    let with_admin: Vec<(&str, &str)> = msg::COMMANDS.iter().chain(msg::ADMIN_COMMANDS).copied().collect();
    for &admin in admins {
        let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(admin)) };
        if let Err(e) = bot.set_my_commands(menu(&with_admin)).scope(scope).await {
            tracing::warn!(admin, "setMyCommands for an admin failed: {}", redacted(&e, token));
        }
    }
}
