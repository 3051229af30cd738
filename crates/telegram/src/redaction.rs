//! Secrets cut out of what is logged. teloxide and reqwest errors can carry the request URL, and
//! the URL carries the bot token; the webhook's secret token must not be quoted either.

use std::fmt;
use std::sync::RwLock;

/// The token cut out of every logged line. Shared rather than given to the logger: a token read
/// from `token_file` is known only once the config is, after logging has started.
static TOKEN: RwLock<String> = RwLock::new(String::new());

/// Other secrets cut out of every line (the webhook's secret token), shown as `<secret>`.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Cuts `token` out of every line logged from now on.
pub fn hide(token: &str) {
    *TOKEN.write().unwrap_or_else(|e| e.into_inner()) = token.trim().to_string();
}

/// Cuts `secret` out of every line logged from now on, besides the token.
pub fn hide_secret(secret: &str) {
    let secret = secret.trim();
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !secret.is_empty() && !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
    }
}

/// `text` with the [`hide`]n token and every [`hide_secret`] secret cut out: what the log writer
/// writes.
pub fn scrub(text: &str) -> String {
    let mut scrubbed = redact(text, &TOKEN.read().unwrap_or_else(|e| e.into_inner()));
    for secret in SECRETS.read().unwrap_or_else(|e| e.into_inner()).iter() {
        scrubbed = scrubbed.replace(secret.as_str(), "<secret>");
    }
    scrubbed
}

/// Replaces `token` in `text`.
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() { text.to_string() } else { text.replace(token, "<token>") }
}

/// Shows `inner` with `token` cut out: an error of a request to the Bot API, fit to log.
pub struct Redacted<'a, E> {
    inner: &'a E,
    token: &'a str,
}

/// `inner` as it may be logged, without `token`.
pub fn redacted<'a, E: fmt::Display>(inner: &'a E, token: &'a str) -> Redacted<'a, E> {
    Redacted { inner, token }
}

impl<E: fmt::Display> fmt::Display for Redacted<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.inner.to_string(), self.token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_error_that_quotes_the_url_is_logged_without_the_token() {
        let error = "error sending request for url (https://api.telegram.org/bot123:ABC/getMe)";
        assert_eq!(
            redacted(&error, "123:ABC").to_string(),
            "error sending request for url (https://api.telegram.org/bot<token>/getMe)"
        );
        assert_eq!(redacted(&error, "").to_string(), error, "no token, nothing to cut");
    }
}
