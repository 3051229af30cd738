//! Metrics and the health endpoint of `serve --metrics-listen`: counters and a histogram recorded
//! through the `metrics` facade wherever things happen (their names are the core's `telemetry`), rendered
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
use digestbot_core::telemetry::{self, SEARCH_SECONDS};
use digestbot_telegram::health::Health;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

/// Search latency buckets, in seconds: most searches take a few milliseconds; a second is slow.
const SEARCH_BUCKETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// How often histogram samples are folded into their buckets (the exporter leaves it to us).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Installs the process's Prometheus recorder and describes every metric.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(SEARCH_SECONDS.to_string()), SEARCH_BUCKETS)?
        .install_recorder()?;
    telemetry::describe();
    Ok(handle)
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
    digestbot_telegram::listen::serve(listener, router, digestbot_telegram::listen::Limits::default(), "metrics").await;
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
