//! `digestbot deliver`: one delivery pass, as the scheduler makes them, then the wait until
//! everything due is sent.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::health::Health;
use crate::outbox::{Backoff, Outbox};
use crate::redaction::redacted;
use crate::{Options, Stop, scheduler};
use digestbot_core::App;

/// One delivery pass as if the clock showed `at`, then waits until everything due is sent (the
/// same pass the scheduler makes). Telegram unreachable is retried with backoff, as in [`crate::run`].
pub async fn deliver_once(
    bot: Bot,
    app: Arc<App>,
    at: DateTime<Utc>,
    options: Options,
) -> Result<scheduler::Report, Stop> {
    let token = bot.token().to_string();
    let mut backoff = options.retry_delay;
    let me = loop {
        match bot.get_me().await {
            Ok(me) => break me,
            Err(RequestError::Api(ApiError::InvalidToken)) => return Err(Stop::TokenRejected),
            Err(e) => {
                tracing::warn!("cannot reach Telegram ({}); retrying in {backoff:?}", redacted(&e, &token));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(options.max_retry_delay);
            }
        }
    };
    let backoff =
        Backoff { first: options.retry_delay, max: options.max_retry_delay, max_pause: options.max_retry_after };
    let outbox = Outbox::new(bot, options.limits, backoff, Health::new());
    let mut report = scheduler::Report::default();
    // A chat that had a delivery cut short gets it finished first, and the day's own in the next
    // pass; passes go on until one finds nothing left to start.
    loop {
        let pass = scheduler::start_pass(&app, &outbox, me.username(), at).await;
        if pass.is_empty() {
            return Ok(report);
        }
        let done = pass.finish().await;
        report.delivered += done.delivered;
        report.stopped += done.stopped;
    }
}
