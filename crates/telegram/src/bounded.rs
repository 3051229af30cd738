//! Telegram's answers read with a size limit. teloxide reads every Bot API answer whole into
//! memory (`response.text()`), and reqwest has no limit to set: a 200 MB answer from a broken or
//! hostile server took the process to 1–1.5 GB. So the bot talks to Telegram through a forwarder of
//! its own on 127.0.0.1, which passes each request on and each answer back, up to a cap. An answer
//! over it, or a Telegram that cannot be reached, closes the bot's connection without an answer:
//! teloxide sees a network error and retries with backoff, as for any outage.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

/// The largest answer (or request) passed on: far above any Bot API answer (100 updates, a 20 MB
/// file download) and far below what would strain the process.
pub const MAX_ANSWER_BYTES: usize = 64 << 20;

/// Headers that belong to one hop, not passed on.
const HOP_HEADERS: &[&str] =
    &["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"];

type Failure = Box<dyn std::error::Error + Send + Sync>;

struct Forwarder {
    client: reqwest::Client,
    /// The Bot API's base URL, without a trailing slash.
    upstream: String,
    max: usize,
}

/// Starts the forwarder to `upstream` (the Bot API's base URL) on a thread of its own, for the
/// life of the process; returns the URL to give teloxide instead.
pub fn start(upstream: &url::Url, max: usize) -> std::io::Result<url::Url> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    // teloxide's own client settings, so that timeouts behave as they did without the forwarder.
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .build()
        .map_err(std::io::Error::other)?;
    let forwarder = Arc::new(Forwarder { client, upstream: upstream.as_str().trim_end_matches('/').to_string(), max });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new().name("bot-api-forwarder".into()).spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                let forwarder = forwarder.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| forwarder.clone().forward(request));
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.timer(TokioTimer::new());
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
    })?;
    url::Url::parse(&format!("http://{address}/")).map_err(std::io::Error::other)
}

impl Forwarder {
    /// Passes `request` on and its answer back; an error closes the bot's connection unanswered.
    async fn forward(self: Arc<Self>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Failure> {
        let (parts, body) = request.into_parts();
        let body = Limited::new(body, self.max).collect().await?.to_bytes();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut upstream = self.client.request(parts.method, format!("{}{path}", self.upstream)).body(body);
        for (name, value) in &parts.headers {
            if !HOP_HEADERS.contains(&name.as_str()) && name != "content-length" {
                upstream = upstream.header(name, value);
            }
        }
        // Errors never name the URL: it holds the token.
        let answer = upstream.send().await.map_err(|e| Box::new(e.without_url()))?;
        let mut response = Response::builder().status(answer.status());
        if let Some(kind) = answer.headers().get("content-type") {
            response = response.header("content-type", kind);
        }
        if answer.content_length().is_some_and(|length| length > self.max as u64) {
            return Err(self.too_large());
        }
        let mut bytes = Vec::new();
        let mut chunks = answer.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| Box::new(e.without_url()))?;
            if bytes.len() + chunk.len() > self.max {
                return Err(self.too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(response.body(Full::new(Bytes::from(bytes)))?)
    }

    fn too_large(&self) -> Failure {
        tracing::warn!(
            "Telegram's answer was larger than {} MB; dropped, and the request will be tried again",
            self.max >> 20
        );
        "answer too large".into()
    }
}
