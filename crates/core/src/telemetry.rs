//! The names of the bot's metrics, what each counts, and the counting the core does itself.
//! Counters and histograms are recorded through the `metrics` facade wherever things happen (the
//! core too); they record into nothing until the binary installs an exporter.

use metrics::{Unit, describe_counter, describe_histogram};

use crate::admin::reload::ReloadOutcome;

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

/// Tells the installed recorder what every metric counts.
pub fn describe() {
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
pub fn reload_outcome(outcome: &ReloadOutcome) -> &'static str {
    match outcome {
        ReloadOutcome::Reloaded { .. } => "reloaded",
        ReloadOutcome::Refused { .. } => "refused",
        ReloadOutcome::Failed(_) => "failed",
        ReloadOutcome::Unavailable => "unavailable",
    }
}

/// Runs one reload with `load`, counting its outcome: wrapped around the reload itself, not around
/// each request for one, so reloads that share an outcome count once.
pub fn counting_reload(load: impl FnOnce() -> ReloadOutcome) -> ReloadOutcome {
    let outcome = load();
    metrics::counter!(RELOADS, "outcome" => reload_outcome(&outcome)).increment(1);
    outcome
}
