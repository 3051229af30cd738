//! The bot as production builds it ([`digestbot::application::Application`]), spawned against a
//! fresh fake Bot API server: the corpus, a database in a folder of its own, admins, a clock the
//! test moves, and options that lift Telegram's pacing.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use digestbot::application::{self, Application, Env, Parts};
use digestbot::config::Config;
use digestbot_core::daily::Lock;
use digestbot_core::{App, ManualClock};
use digestbot_telegram::health::Health;
use digestbot_telegram::{Edge, Limits, Options, Stop, Webhook};
use tokio::task::JoinHandle;

use crate::fake_api::FakeApi;
use crate::fixtures::{analyzer, fixture_corpus};

/// The token the bot is spawned with: tests look for it in logs, where it must never appear.
pub const TOKEN: &str = "123456:SECRET-TEST-TOKEN";

/// Unthrottled, and quick to retry: no test waits on Telegram's pacing or on real backoff.
pub fn options() -> Options {
    Options {
        limits: Limits::UNLIMITED,
        retry_delay: Duration::from_millis(10),
        max_retry_delay: Duration::from_millis(50),
        ..Options::default()
    }
}

/// A change to the config the bot is built from.
type ConfigChange = Box<dyn FnOnce(&mut Config)>;

/// What to spawn: [`TestBot::spawn`] takes the defaults, [`Spawn::start`] these.
pub struct Spawn {
    corpus: PathBuf,
    admins: Vec<i64>,
    at: Option<DateTime<Utc>>,
    options: Options,
    config: Option<ConfigChange>,
    app: Option<Arc<App>>,
    webhook: Option<Webhook>,
}

impl Default for Spawn {
    fn default() -> Self {
        Spawn {
            corpus: fixture_corpus(),
            admins: Vec::new(),
            at: None,
            options: options(),
            config: None,
            app: None,
            webhook: None,
        }
    }
}

impl Spawn {
    /// Serve this corpus folder (the fixture corpus by default).
    pub fn corpus(mut self, dir: impl Into<PathBuf>) -> Spawn {
        self.corpus = dir.into();
        self
    }

    pub fn admins(mut self, admins: impl IntoIterator<Item = i64>) -> Spawn {
        self.admins = admins.into_iter().collect();
        self
    }

    /// Start the clock at `at` (RFC 3339); the test moves it by hand from there.
    pub fn at(mut self, at: &str) -> Spawn {
        self.at = Some(DateTime::parse_from_rfc3339(at).expect("an RFC 3339 time").with_timezone(&Utc));
        self
    }

    pub fn options(mut self, options: Options) -> Spawn {
        self.options = options;
        self
    }

    /// Changes the config the bot is built from, after the corpus, database and admins are set.
    pub fn config(mut self, change: impl FnOnce(&mut Config) + 'static) -> Spawn {
        self.config = Some(Box::new(change));
        self
    }

    /// Take updates by this webhook instead of long polling.
    pub fn webhook(mut self, webhook: Webhook) -> Spawn {
        self.webhook = Some(webhook);
        self
    }

    /// Serve `app`, as it is (its caches warm), behind a bot of its own: only the bot is built.
    pub fn serving(mut self, app: Arc<App>) -> Spawn {
        self.app = Some(app);
        self
    }

    /// Starts a fake Bot API server, lets `before` prepare it (queue updates, make faults), then
    /// starts the bot against it.
    pub async fn start_with(self, before: impl FnOnce(&FakeApi)) -> TestBot {
        let api = FakeApi::start().await;
        before(&api);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut config = Config {
            corpus_dir: self.corpus,
            database: dir.path().join("digestbot.sqlite3"),
            admins: self.admins,
            ..Config::default()
        };
        if let Some(change) = self.config {
            change(&mut config);
        }
        let clock = Arc::new(ManualClock::at(self.at.unwrap_or_else(Utc::now)));
        // Without a time to start at, the real clock: the flood limiter and the scheduler see time pass.
        let clock_used: Arc<dyn digestbot_core::Clock> =
            if self.at.is_some() { clock.clone() } else { Arc::new(digestbot_core::SystemClock) };
        let parts = Parts { clock: clock_used, analyzer: analyzer() };
        let env = Env { token: Some(TOKEN.to_string()), api_url: Some(api.url.clone()) };
        let (bot, app, lock) = match self.app {
            Some(app) => (application::bot(&config, &env).expect("the bot builds"), app, None),
            None => {
                let (bot, app, lock) =
                    Application::build_with(&config, &env, parts).expect("the bot builds").into_parts();
                (bot, app, Some(lock))
            }
        };
        let edge = Edge { webhook: self.webhook, health: Health::new() };
        let task = tokio::spawn(digestbot_telegram::serve(bot, app.clone(), self.options, edge));
        TestBot { api, app, clock, config, task: Some(task), lock, dir: Some(dir) }
    }

    pub async fn start(self) -> TestBot {
        self.start_with(|_| {}).await
    }
}

/// A bot serving against a fake Bot API server, until dropped.
pub struct TestBot {
    pub api: FakeApi,
    pub app: Arc<App>,
    /// The app's clock, when the spawn set a time ([`Spawn::at`]).
    pub clock: Arc<ManualClock>,
    /// The config it was built from (its database is in a temporary folder).
    pub config: Config,
    task: Option<JoinHandle<Result<(), Stop>>>,
    lock: Option<Lock>,
    dir: Option<tempfile::TempDir>,
}

impl TestBot {
    /// The bot on the fixture corpus, with the defaults of [`Spawn`].
    pub async fn spawn() -> TestBot {
        Spawn::default().start().await
    }

    /// What to spawn, to change from the defaults.
    pub fn with() -> Spawn {
        Spawn::default()
    }

    /// Waits for the bot to stop on its own (a rejected token), at most `wait`.
    pub async fn stopped(&mut self, wait: Duration) -> Option<Result<(), Stop>> {
        let task = self.task.as_mut()?;
        let joined = tokio::time::timeout(wait, task).await.ok()?;
        self.task = None;
        Some(joined.expect("the bot did not panic"))
    }

    /// Lets the bot serve on until the test's runtime ends, and hands back its fake server: for
    /// tests that only talk to the fake.
    pub fn detach(mut self) -> FakeApi {
        let (task, lock, dir) = (self.task.take(), self.lock.take(), self.dir.take());
        tokio::spawn(async move {
            if let Some(task) = task {
                let _ = task.await;
            }
            drop((lock, dir));
        });
        self.api.clone()
    }
}

impl Drop for TestBot {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}
