//! `digestbot deliver`: the daily deliveries due at a time, then exit.

use chrono::{DateTime, Utc};
use digestbot_telegram::Stop;

use crate::application::{Application, Env};
use crate::config::Config;
use crate::exit::Failure;
use crate::text;

/// How far after the real clock `deliver --at` may be without `--at-any-time`.
const MAX_AT_AHEAD: chrono::Duration = chrono::Duration::days(1);

pub fn run(config: &Config, env: &Env, at: Option<DateTime<Utc>>, at_any_time: bool) -> Result<(), Failure> {
    if let Some(at) = at.filter(|&at| !at_any_time && at > Utc::now() + MAX_AT_AHEAD) {
        return Err(Failure::Usage(text::deliver_at_ahead(&at.to_rfc3339())));
    }
    let (bot, app, lock) = Application::build(config, env)?.into_parts();
    let runtime = super::runtime()?;
    let at = at.unwrap_or_else(Utc::now);
    let delivered = runtime.block_on(digestbot_telegram::deliver_once(bot, app, at, Default::default()));
    drop(runtime);
    drop(lock);
    match delivered {
        Ok(report) => {
            println!("{}", text::delivered(report.delivered, report.stopped));
            Ok(())
        }
        Err(Stop::TokenRejected) => Err(Failure::Failed(text::TOKEN_REJECTED.to_string())),
        // `deliver` never sets a webhook.
        Err(Stop::WebhookRefused(reason)) => Err(Failure::failed(reason)),
    }
}
