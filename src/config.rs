//! Configuration: a TOML file with every key optional, and `DIGESTBOT_<KEY>` environment variables
//! that override single keys.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use digestbot_core::daily::schedule::parse_zone;
use digestbot_core::daily::{DailyTime, Schedule, Settings};
use digestbot_corpus::read::{Links, ReadError, read_limited};
use digestbot_corpus::{self as corpus, LoadOptions};
use serde::Deserialize;

/// The committed default configuration, used when `--config` is not given.
pub const DEFAULT_PATH: &str = "config/digestbot.toml";

/// The configuration, checked: every value is of its type and within its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Directory holding the digests.
    pub corpus_dir: PathBuf,
    /// Largest file loaded, in MB of 2^20 bytes.
    pub max_file_mb: u32,
    /// The SQLite file of subscriptions and deliveries.
    pub database: PathBuf,
    /// When `/subscribe` without a time delivers.
    pub daily_time: DailyTime,
    /// The zone `/subscribe` without a zone delivers in.
    pub timezone: Tz,
    /// How many hours late a missed delivery (the bot was down at its time) is still made.
    pub catch_up_hours: u32,
    /// Telegram user ids allowed the admin commands (`/reload`).
    pub admins: Vec<i64>,
    /// A file holding the bot token, read when `TELOXIDE_TOKEN` is unset or empty.
    pub token_file: Option<PathBuf>,
    /// The secret token Telegram sends with every webhook update.
    pub webhook_secret: Option<Secret>,
}

/// The configuration as written: what the file and the environment say, before it is checked.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Raw {
    /// Directory holding the digests.
    #[serde(default = "default_corpus_dir")]
    pub corpus_dir: PathBuf,
    /// Largest file loaded, in MB of 2^20 bytes.
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u32,
    /// The SQLite file of subscriptions and deliveries.
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// When `/subscribe` without a time delivers, `HH:MM`.
    #[serde(default = "default_daily_time")]
    pub daily_time: String,
    /// The IANA zone `/subscribe` without a zone delivers in.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// How many hours late a missed delivery (the bot was down at its time) is still made.
    #[serde(default = "default_catch_up_hours")]
    pub catch_up_hours: u32,
    /// Telegram user ids allowed the admin commands (`/reload`).
    #[serde(default)]
    pub admins: Vec<i64>,
    /// A file holding the bot token, read when `TELOXIDE_TOKEN` is unset or empty: a secret kept
    /// out of the config file and the process environment.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// The secret token Telegram sends with every webhook update (`serve --webhook-url`); a
    /// random one each start when unset.
    #[serde(default)]
    pub webhook_secret: Option<Secret>,
}

/// A secret value: shown as `<secret>` by `Debug`, so no debug print of the config reveals it.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<secret>")
    }
}

/// How an environment value becomes a TOML value.
#[derive(Clone, Copy)]
enum Kind {
    /// Taken as it is: a directory may well be called `2024` or `true`.
    Text,
    /// Read as TOML, as it would be written in the file: `64`.
    Number,
    /// Comma-separated numbers: `1,2`.
    List,
}

/// The keys, for the environment overrides.
const KEYS: &[(&str, Kind)] = &[
    ("corpus_dir", Kind::Text),
    ("max_file_mb", Kind::Number),
    ("database", Kind::Text),
    ("daily_time", Kind::Text),
    ("timezone", Kind::Text),
    ("catch_up_hours", Kind::Number),
    ("admins", Kind::List),
    ("token_file", Kind::Text),
    ("webhook_secret", Kind::Text),
];

/// The longest catch-up: a day late is the next day's delivery, not a late one.
const MAX_CATCH_UP_HOURS: u32 = 23;

fn default_corpus_dir() -> PathBuf {
    PathBuf::from("corpus")
}

fn default_max_file_mb() -> u32 {
    corpus::DEFAULT_MAX_FILE_MB
}

fn default_database() -> PathBuf {
    PathBuf::from("data/digestbot.sqlite3")
}

fn default_daily_time() -> String {
    "08:00".to_string()
}

fn default_timezone() -> String {
    "Asia/Shanghai".to_string()
}

fn default_catch_up_hours() -> u32 {
    6
}

impl Default for Config {
    fn default() -> Self {
        Config {
            corpus_dir: default_corpus_dir(),
            max_file_mb: default_max_file_mb(),
            database: default_database(),
            daily_time: DailyTime { hour: 8, minute: 0 },
            timezone: chrono_tz::Asia::Shanghai,
            catch_up_hours: default_catch_up_hours(),
            admins: Vec::new(),
            token_file: None,
            webhook_secret: None,
        }
    }
}

impl Config {
    /// How the corpus is to be loaded.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions::with_max_file_mb(self.max_file_mb)
    }

    /// How daily sections are delivered.
    pub fn daily_settings(&self) -> Settings {
        Settings {
            defaults: Schedule { time: self.daily_time, zone: self.timezone },
            catch_up: chrono::Duration::hours(i64::from(self.catch_up_hours)),
        }
    }
}

/// What is wrong with the configuration, naming the key (never a secret's value).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads `path`, or the default file when it exists (built-in defaults when it does not), then
    /// applies the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let read = |path: &Path| {
            read_small_file(path, MAX_CONFIG_BYTES)
                .map_err(|why| ConfigError(format!("config file {} {why}", path.display())))
        };
        let (text, origin) = match path {
            Some(path) => (read(path)?, path.display().to_string()),
            // Only a file that is not there means the defaults: one that cannot be looked at is an error.
            None if matches!(Path::new(DEFAULT_PATH).try_exists(), Ok(false)) => {
                (String::new(), "built-in defaults".to_string())
            }
            None => (read(Path::new(DEFAULT_PATH))?, DEFAULT_PATH.to_string()),
        };
        Config::parse(&text, &origin, |name| std::env::var(name).ok())
    }

    /// Parses `text` (read from `origin`, for messages) with overrides from `env`.
    pub fn parse(text: &str, origin: &str, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut table: toml::Table = text.parse().map_err(|e| syntax_error(&e, text, origin))?;
        let mut overridden = Vec::new();
        for &(key, kind) in KEYS {
            let name = format!("DIGESTBOT_{}", key.to_uppercase());
            if let Some(value) = env(&name) {
                let value = match kind {
                    Kind::Text => toml::Value::String(value),
                    // What is not TOML stays a string, for deserializing to reject with the key named.
                    Kind::Number => format!("v = {value}")
                        .parse::<toml::Table>()
                        .ok()
                        .and_then(|mut t| t.remove("v"))
                        .unwrap_or(toml::Value::String(value)),
                    // What is not a list of numbers stays a string, rejected with the key named.
                    Kind::List => value
                        .split(',')
                        .map(|item| item.trim().parse::<i64>().map(toml::Value::Integer))
                        .collect::<Result<Vec<_>, _>>()
                        .map_or(toml::Value::String(value.clone()), toml::Value::Array),
                };
                table.insert(key.to_string(), value);
                overridden.push(name);
            }
        }
        let from = if overridden.is_empty() {
            origin.to_string()
        } else {
            format!("{origin} with {} from the environment", overridden.join(", "))
        };
        let merged = toml::to_string(&table).map_err(|e| ConfigError(e.to_string()))?;
        let config: Raw = toml::from_str(&merged).map_err(|e: toml::de::Error| {
            let hint = key_hint(&e, &merged);
            // toml's message may quote the value (`invalid type: integer `…``): never a secret's.
            let message = if hint.contains("webhook_secret") { "is not a string" } else { e.message().trim() };
            ConfigError(format!("bad config ({from}): {message}{hint}"))
        })?;
        let database = config.database.to_string_lossy();
        if database.trim().is_empty() || database == ":memory:" || database.starts_with("file:") {
            // SQLite would open a temporary database: subscriptions would vanish at each restart.
            return Err(ConfigError(format!(
                "bad config ({from}): {database:?} is not a file for the subscriptions (key `database`)"
            )));
        }
        if !(1..=corpus::LARGEST_MAX_FILE_MB).contains(&config.max_file_mb) {
            return Err(ConfigError(format!(
                "bad config ({from}): {} is not a size from 1 to {} MB (key `max_file_mb`)",
                config.max_file_mb,
                corpus::LARGEST_MAX_FILE_MB
            )));
        }
        let Ok(daily_time) = config.daily_time.parse::<DailyTime>() else {
            return Err(ConfigError(format!(
                "bad config ({from}): {:?} is not a time of day like \"08:00\" (key `daily_time`)",
                config.daily_time
            )));
        };
        let Some(timezone) = parse_zone(&config.timezone) else {
            return Err(ConfigError(format!(
                "bad config ({from}): {:?} is not an IANA time zone like \"Asia/Shanghai\" (key `timezone`)",
                config.timezone
            )));
        };
        // The value itself is never quoted: it is a secret.
        if config.webhook_secret.as_ref().is_some_and(|s| !digestbot_telegram::valid_secret(&s.0)) {
            return Err(ConfigError(format!(
                "bad config ({from}): the secret is not 16 to 256 characters of A-Z, a-z, 0-9, _ and - (key \
                 `webhook_secret`)"
            )));
        }
        if config.catch_up_hours > MAX_CATCH_UP_HOURS {
            return Err(ConfigError(format!(
                "bad config ({from}): {} is not a number of hours from 0 to {MAX_CATCH_UP_HOURS} (key `catch_up_hours`)",
                config.catch_up_hours
            )));
        }
        Ok(Config {
            corpus_dir: config.corpus_dir,
            max_file_mb: config.max_file_mb,
            database: config.database,
            daily_time,
            timezone,
            catch_up_hours: config.catch_up_hours,
            admins: config.admins,
            token_file: config.token_file,
            webhook_secret: config.webhook_secret,
        })
    }
}

/// The largest config file read: the committed one is a few KB.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A TOML syntax error with where it is and the key on its line, never the line itself: the line
/// may hold the webhook secret.
fn syntax_error(e: &toml::de::Error, text: &str, origin: &str) -> ConfigError {
    let (line, hint) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            (format!(" at line {line}"), key_hint(e, text))
        }
        None => (String::new(), String::new()),
    };
    let message = e.message().lines().next().unwrap_or("").trim();
    ConfigError(format!("config {origin} is not valid TOML{line}: {message}{hint}"))
}

/// Reads a small regular file whole: at most `max` bytes, opened without blocking so that a FIFO
/// (or a device) put where a file belongs is refused at once instead of hanging start-up. Links
/// are followed: a secret is often a link into `/run`. What is wrong is said after the file's name.
pub fn read_small_file(path: &Path, max: u64) -> Result<String, String> {
    let read = read_limited(path, max, Links::Follow).map_err(|e| match e {
        ReadError::NotAFile { .. } => "is not a regular file (a FIFO, a device or a folder?)".to_string(),
        e => e.to_string(),
    })?;
    String::from_utf8(read.bytes).map_err(|_| "is not UTF-8 text".to_string())
}

/// Names the key a type error is about: toml's message does not, but its span does.
fn key_hint(e: &toml::de::Error, merged: &str) -> String {
    let Some(span) = e.span() else { return String::new() };
    let line_start = merged[..span.start.min(merged.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = merged[line_start..].lines().next().unwrap_or("");
    line.split_once('=').map_or(String::new(), |(key, _)| format!(" (key `{}`)", key.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_committed_config_parses_to_the_defaults() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/digestbot.toml")).unwrap();
        assert_eq!(Config::parse(&text, "test", no_env).unwrap(), Config::default());
    }

    #[test]
    fn an_environment_variable_overrides_its_key() {
        let env = |name: &str| (name == "DIGESTBOT_CORPUS_DIR").then(|| "/srv/digests".to_string());
        let config = Config::parse("corpus_dir = \"corpus\"", "test", env).unwrap();
        assert_eq!(config.corpus_dir, PathBuf::from("/srv/digests"));
    }

    #[test]
    fn environment_values_of_path_keys_are_strings_even_when_they_read_as_toml() {
        for value in ["2024", "true", "inf", "2024-01-01", "[1, 2]", "\"quoted\"", "a = 1"] {
            let env = |name: &str| (name == "DIGESTBOT_CORPUS_DIR").then(|| value.to_string());
            let config = Config::parse("", "test", env).unwrap_or_else(|e| panic!("{value}: {e}"));
            assert_eq!(config.corpus_dir, PathBuf::from(value));
        }
    }

    #[test]
    fn max_file_mb_is_a_number_from_the_file_or_the_environment() {
        assert_eq!(Config::parse("", "test", no_env).unwrap().max_file_mb, 32);
        assert_eq!(Config::parse("max_file_mb = 8", "test", no_env).unwrap().max_file_mb, 8);
        let env = |name: &str| (name == "DIGESTBOT_MAX_FILE_MB").then(|| "64".to_string());
        let config = Config::parse("max_file_mb = 8", "test", env).unwrap();
        assert_eq!(config.load_options().max_file_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn a_max_file_mb_that_is_not_a_size_is_an_error_naming_the_key() {
        for value in ["abc", "\"64\"", "true", "6.5", "-1", "0", "4096", "99999999999"] {
            let env = |name: &str| (name == "DIGESTBOT_MAX_FILE_MB").then(|| value.to_string());
            let err = Config::parse("", "test", env).unwrap_err().to_string();
            assert!(err.contains("max_file_mb") && err.contains("DIGESTBOT_MAX_FILE_MB"), "{value}: {err}");
        }
        let err = Config::parse("max_file_mb = 0", "test", no_env).unwrap_err().to_string();
        assert!(err.contains("`max_file_mb`") && err.contains("from 1 to 4095"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let err = Config::parse("corpus_dri = \"x\"", "test", no_env).unwrap_err().to_string();
        assert!(err.contains("corpus_dri"), "{err}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_naming_its_key() {
        let err = Config::parse("corpus_dir = 5", "test", no_env).unwrap_err().to_string();
        assert!(err.contains("corpus_dir"), "{err}");
        let env = |name: &str| (name == "DIGESTBOT_MAX_FILE_MB").then(|| "[1, 2]".to_string());
        let err = Config::parse("", "test", env).unwrap_err().to_string();
        assert!(err.contains("max_file_mb") && err.contains("DIGESTBOT_MAX_FILE_MB"), "{err}");
    }

    #[test]
    fn daily_settings_come_from_the_file_or_the_environment() {
        let config = Config::parse("daily_time = \"21:30\"\ntimezone = \"Europe/Berlin\"", "test", no_env).unwrap();
        let settings = config.daily_settings();
        assert_eq!(settings.defaults.time.to_string(), "21:30");
        assert_eq!(settings.defaults.zone, chrono_tz::Europe::Berlin);
        assert_eq!(settings.catch_up, chrono::Duration::hours(6));
        let env = |name: &str| (name == "DIGESTBOT_DATABASE").then(|| "/var/lib/digestbot/db".to_string());
        assert_eq!(Config::parse("", "test", env).unwrap().database, PathBuf::from("/var/lib/digestbot/db"));
    }

    #[test]
    fn a_bad_daily_time_zone_or_catch_up_is_an_error_naming_its_key() {
        for (text, key) in [
            ("daily_time = \"25:00\"", "`daily_time`"),
            ("daily_time = \"8点\"", "`daily_time`"),
            ("timezone = \"Mars/Olympus\"", "`timezone`"),
            ("catch_up_hours = 48", "`catch_up_hours`"),
        ] {
            let err = Config::parse(text, "test", no_env).unwrap_err().to_string();
            assert!(err.contains(key), "{text}: {err}");
        }
    }

    #[test]
    fn admins_come_from_the_file_or_a_comma_separated_environment_variable() {
        assert_eq!(Config::parse("admins = [7, 8]", "test", no_env).unwrap().admins, [7, 8]);
        let env = |name: &str| (name == "DIGESTBOT_ADMINS").then(|| "1, 2".to_string());
        assert_eq!(Config::parse("", "test", env).unwrap().admins, [1, 2]);
        let env = |name: &str| (name == "DIGESTBOT_ADMINS").then(|| "1,alice".to_string());
        let err = Config::parse("", "test", env).unwrap_err().to_string();
        assert!(err.contains("admins") && err.contains("DIGESTBOT_ADMINS"), "{err}");
    }

    #[test]
    fn the_token_file_comes_from_the_file_or_the_environment_and_is_unset_by_default() {
        assert_eq!(Config::parse("", "test", no_env).unwrap().token_file, None);
        let config = Config::parse("token_file = \"/etc/digestbot/token\"", "test", no_env).unwrap();
        assert_eq!(config.token_file, Some(PathBuf::from("/etc/digestbot/token")));
        let env = |name: &str| (name == "DIGESTBOT_TOKEN_FILE").then(|| "/run/secrets/token".to_string());
        let config = Config::parse("token_file = \"/etc/digestbot/token\"", "test", env).unwrap();
        assert_eq!(config.token_file, Some(PathBuf::from("/run/secrets/token")));
        let err = Config::parse("token_file = 5", "test", no_env).unwrap_err().to_string();
        assert!(err.contains("`token_file`"), "{err}");
    }

    #[test]
    fn the_webhook_secret_comes_from_the_file_or_the_environment_and_is_never_shown() {
        assert_eq!(Config::parse("", "test", no_env).unwrap().webhook_secret, None);
        let config = Config::parse("webhook_secret = \"from-the-file_1234\"", "test", no_env).unwrap();
        assert_eq!(config.webhook_secret, Some(Secret("from-the-file_1234".into())));
        assert!(!format!("{config:?}").contains("from-the-file"), "{config:?}");
        let env = |name: &str| (name == "DIGESTBOT_WEBHOOK_SECRET").then(|| "from-the-environment".to_string());
        let config = Config::parse("webhook_secret = \"from-the-file_1234\"", "test", env).unwrap();
        assert_eq!(config.webhook_secret, Some(Secret("from-the-environment".into())));
        for bad in ["has space in the secret", "", "ünïcode-secret-123", "short"] {
            let env = |name: &str| (name == "DIGESTBOT_WEBHOOK_SECRET").then(|| bad.to_string());
            let err = Config::parse("", "test", env).unwrap_err().to_string();
            assert!(err.contains("`webhook_secret`"), "{err}");
            assert!(bad.is_empty() || !err.contains(bad), "the secret is not quoted: {err}");
        }
    }

    #[test]
    fn broken_toml_is_an_error_not_a_panic() {
        assert!(Config::parse("corpus_dir = ", "test", no_env).is_err());
    }
}
