//! Metrics and the health endpoint of `serve --metrics-listen`: counters and a histogram recorded
//! through the `metrics` facade wherever things happen (the core too: no Telegram here), rendered
//! as Prometheus text on `GET /metrics`; `GET /healthz` says whether the bot is serving.
//!
//! The facade records into nothing until a recorder is installed, and the recorder is global to
//! the process: only `serve` installs one, and only when asked to listen.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics::{Unit, describe_counter, describe_histogram};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

use crate::app::reload::Outcome;
use crate::health::Health;

pub const UPDATES: &str = "digestbot_updates_total";
pub const UPDATES_DROPPED: &str = "digestbot_updates_dropped_total";
pub const WEBHOOK_REFUSED: &str = "digestbot_webhook_refused_total";
pub const INPUTS: &str = "digestbot_inputs_total";
pub const SEARCHES: &str = "digestbot_searches_total";
pub const SEARCH_SECONDS: &str = "digestbot_search_duration_seconds";
pub const RELOADS: &str = "digestbot_reloads_total";
pub const SENDS: &str = "digestbot_sends_total";
pub const SEND_ERRORS: &str = "digestbot_send_errors_total";
pub const SEND_RETRIES: &str = "digestbot_send_retries_total";
pub const DELIVERIES: &str = "digestbot_deliveries_total";
pub const DELIVERED_MESSAGES: &str = "digestbot_delivered_messages_total";
pub const DELIVERY_PASSES: &str = "digestbot_delivery_passes_total";
pub const SCHEDULER_RESTARTS: &str = "digestbot_scheduler_restarts_total";

/// Search latency buckets, in seconds: most searches take a few milliseconds; a second is slow.
const SEARCH_BUCKETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// How often histogram samples are folded into their buckets (the exporter leaves it to us).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Installs the process's Prometheus recorder and describes every metric.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(SEARCH_SECONDS.to_string()), SEARCH_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(handle)
}

fn describe() {
    describe_counter!(
        UPDATES,
        "Updates received from Telegram, by kind (message, callback_query, inline_query, my_chat_member, …)"
    );
    describe_counter!(
        UPDATES_DROPPED,
        "Updates dropped before the dispatcher: not_for_us (group chatter, other bots' commands) or flood"
    );
    describe_counter!(WEBHOOK_REFUSED, "Webhook requests refused for a missing or wrong secret token");
    describe_counter!(INPUTS, "Messages, button presses and inline queries handled");
    describe_counter!(SEARCHES, "Searches served (commands, plain text, inline queries)");
    describe_histogram!(SEARCH_SECONDS, Unit::Seconds, "How long searches took");
    describe_counter!(RELOADS, "Corpus reloads, by outcome: reloaded, refused (a file has an error), failed");
    describe_counter!(SENDS, "Messages sent or edited in chats, by request (send, edit)");
    describe_counter!(
        SEND_ERRORS,
        "Errors Telegram answered to a message, by kind: too_many_requests (429), unreachable (network or \
         server, retried), not_modified, gone, refused, token_rejected, migrated"
    );
    describe_counter!(SEND_RETRIES, "Messages tried again, by reason: too_many_requests, unreachable, migrated");
    describe_counter!(DELIVERIES, "Daily deliveries, by outcome: delivered, stopped, skipped, failed");
    describe_counter!(DELIVERED_MESSAGES, "Messages of daily deliveries sent");
    describe_counter!(DELIVERY_PASSES, "Delivery passes that started at least one delivery");
    describe_counter!(SCHEDULER_RESTARTS, "Times the daily scheduler failed and was started again");
}

/// The label of a reload's outcome.
pub fn reload_outcome(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Reloaded { .. } => "reloaded",
        Outcome::Refused { .. } => "refused",
        Outcome::Failed(_) => "failed",
        Outcome::Unavailable => "unavailable",
    }
}

/// Runs one reload with `load`, counting its outcome: wrapped around the reload itself, not around
/// each request for one, so reloads that share an outcome count once.
pub fn counting_reload(load: impl FnOnce() -> Outcome) -> Outcome {
    let outcome = load();
    metrics::counter!(RELOADS, "outcome" => reload_outcome(&outcome)).increment(1);
    outcome
}

/// Serves `/healthz` and `/metrics` on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, handle: PrometheusHandle, health: Arc<Health>) {
    let upkeep = handle.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(UPKEEP_EVERY).await;
            upkeep.run_upkeep();
        }
    });
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(render))
        .with_state(Served { handle, health });
    crate::listen::serve(listener, router, crate::listen::Limits::default(), "metrics").await;
}

/// The address a listener is bound to, for the log line that tells it (port 0 picks one).
pub fn bound(listener: &tokio::net::TcpListener) -> String {
    listener.local_addr().map_or_else(|_| "?".to_string(), |a: SocketAddr| a.to_string())
}

#[derive(Clone)]
struct Served {
    handle: PrometheusHandle,
    health: Arc<Health>,
}

async fn healthz(State(served): State<Served>) -> impl IntoResponse {
    match served.health.check() {
        Ok(()) => (StatusCode::OK, "ok\n".to_string()),
        Err(unhealthy) => (StatusCode::SERVICE_UNAVAILABLE, format!("{}\n", unhealthy.reason())),
    }
}

async fn render(State(served): State<Served>) -> impl IntoResponse {
    served.handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], served.handle.render())
}
