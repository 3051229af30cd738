//! `digestbot serve`: the bot in Telegram, by long polling or a webhook, with `/healthz` and
//! `/metrics` when asked.

use std::net::SocketAddr;
use std::sync::Arc;

use digestbot_telegram::health::Health;
use digestbot_telegram::{Edge, Options, Stop, Webhook};

use crate::application::{Application, Env};
use crate::cli::ServeArgs;
use crate::config::Config;
use crate::exit::Failure;
use crate::{exporter, text};

pub fn run(config: &Config, env: &Env, args: ServeArgs) -> Result<(), Failure> {
    // Bound before the corpus loads: a port already taken is said at once, not after the load.
    let metrics = args.metrics_listen.map(|address| bind(address, "--metrics-listen")).transpose()?;
    let webhook = args.listen.map(|address| bind(address, "--listen")).transpose()?.zip(args.webhook_url);
    let secret = config.webhook_secret.clone().map(|secret| secret.0);
    if let Some(secret) = &secret {
        digestbot_telegram::redaction::hide_secret(secret);
    }
    let (bot, app, lock) = Application::build(config, env)?.into_parts();
    let runtime = super::runtime()?;
    let health = Health::new();
    let webhook = {
        // Tokio's listeners register with the runtime they are made in.
        let _entered = runtime.enter();
        if let Some(listener) = metrics {
            export_metrics(listener, &health)?;
        }
        match webhook.map(|(listener, url)| tokio::net::TcpListener::from_std(listener).map(|l| (l, url))) {
            None => None,
            Some(Ok((listener, url))) => Some(Webhook::new(url, listener, secret)),
            Some(Err(e)) => return Err(Failure::failed(format!("cannot listen for the webhook (--listen): {e}"))),
        }
    };
    let options = Options { ctrlc: true, ..Default::default() };
    let served = runtime.block_on(digestbot_telegram::serve(bot, app, options, Edge { webhook, health }));
    // The runtime first: its tasks hold the app, whose database closes when the last of them is
    // dropped; the delivery lock is released after that.
    drop(runtime);
    drop(lock);
    match served {
        Ok(()) => Ok(()),
        Err(Stop::TokenRejected) => Err(Failure::Failed(text::TOKEN_REJECTED.to_string())),
        Err(Stop::WebhookRefused(reason)) => {
            Err(Failure::usage(format!("Telegram refuses the webhook URL (--webhook-url): {reason}")))
        }
    }
}

/// Binds `address` for `flag`, or says why it cannot be.
fn bind(address: SocketAddr, flag: &str) -> Result<std::net::TcpListener, Failure> {
    let bound = std::net::TcpListener::bind(address).and_then(|listener| {
        // Tokio takes it over, and needs it non-blocking.
        listener.set_nonblocking(true)?;
        Ok(listener)
    });
    bound.map_err(|e| Failure::failed(format!("cannot listen on {address} ({flag}): {e}")))
}

/// Installs the metrics recorder and serves `/healthz` and `/metrics` on `listener`, in the
/// runtime entered.
fn export_metrics(listener: std::net::TcpListener, health: &Arc<Health>) -> Result<(), Failure> {
    // The recorder is the process's, and only this command installs one.
    let handle = exporter::install().map_err(|e| Failure::failed(format!("cannot export metrics: {e}")))?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| Failure::failed(format!("cannot listen for metrics (--metrics-listen): {e}")))?;
    tracing::info!("metrics on http://{}", exporter::bound(&listener));
    tokio::spawn(exporter::serve(listener, handle, health.clone()));
    Ok(())
}
