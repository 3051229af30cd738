//! What Telegram's answer to a message means: sent, worth another try, or a failure retrying
//! cannot change (the chat is gone, the request refused, the token rejected).

use teloxide::{ApiError, RequestError};

/// Why a request did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An edit that would change nothing.
    NotModified,
    /// The chat cannot be written to any more: the bot was blocked or removed, or the chat is gone.
    Gone(String),
    /// Telegram refused this request for what it is (a message too old to edit, bad markup).
    Refused(String),
    /// Telegram could not be reached for too long (only replies give up; deliveries wait).
    Unreachable(String),
    /// Telegram no longer accepts the token: nothing can be sent until it is replaced.
    TokenRejected,
}

impl Failure {
    /// The label of the failure's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::NotModified => "not_modified",
            Failure::Gone(_) => "gone",
            Failure::Refused(_) => "refused",
            Failure::Unreachable(_) => "unreachable",
            Failure::TokenRejected => "token_rejected",
        }
    }
}

/// What an error means for the request, when retrying cannot change it; None when it can.
pub fn classify(e: &RequestError) -> Option<Failure> {
    let text = e.to_string();
    match e {
        RequestError::Api(ApiError::MessageNotModified) => Some(Failure::NotModified),
        RequestError::Api(ApiError::InvalidToken) => Some(Failure::TokenRejected),
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots
            | ApiError::ChatNotFound
            | ApiError::GroupDeactivated
            | ApiError::NotEnoughRightsToPostMessages,
        ) => Some(Failure::Gone(text)),
        // teloxide keeps Telegram's description but not its code: the description's prefix is
        // the code's name ("Forbidden: …" is 403, "Bad Request: …" 400).
        RequestError::Api(ApiError::Unknown(description)) => {
            // A chat the bot may no longer write in, or a forum topic that was closed or deleted,
            // refuses every message alike.
            let unwritable = ["not enough rights", "thread not found", "TOPIC_CLOSED", "TOPIC_DELETED"];
            if description.starts_with("Forbidden") || unwritable.iter().any(|u| description.contains(u)) {
                Some(Failure::Gone(text))
            } else if description.starts_with("Bad Request") {
                Some(Failure::Refused(text))
            } else {
                // "Internal Server Error", "Bad Gateway", …: Telegram's side, worth another try.
                None
            }
        }
        RequestError::Api(_) => Some(Failure::Refused(text)),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => None,
        RequestError::RetryAfter(_) => None,
        // Moved twice in a row: something is off; retrying will not help.
        RequestError::MigrateToChatId(_) => Some(Failure::Refused(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(description: &str) -> RequestError {
        RequestError::Api(ApiError::Unknown(description.to_string()))
    }

    #[test]
    fn a_blocked_bot_or_a_closed_topic_means_the_chat_is_gone() {
        assert!(matches!(classify(&RequestError::Api(ApiError::BotBlocked)), Some(Failure::Gone(_))));
        assert!(matches!(classify(&api("Bad Request: TOPIC_CLOSED")), Some(Failure::Gone(_))));
        assert!(matches!(classify(&api("Forbidden: bot is not a member of the channel chat")), Some(Failure::Gone(_))));
    }

    #[test]
    fn a_bad_request_is_refused_and_not_tried_again() {
        assert!(matches!(classify(&api("Bad Request: can't parse entities")), Some(Failure::Refused(_))));
        assert_eq!(classify(&RequestError::Api(ApiError::MessageNotModified)), Some(Failure::NotModified));
        assert_eq!(classify(&RequestError::Api(ApiError::InvalidToken)), Some(Failure::TokenRejected));
    }

    #[test]
    fn telegrams_own_trouble_and_a_429_are_worth_another_try() {
        assert_eq!(classify(&api("Internal Server Error")), None);
        assert_eq!(classify(&api("Bad Gateway")), None);
        let after = teloxide::types::Seconds::from_seconds(3);
        assert_eq!(classify(&RequestError::RetryAfter(after)), None);
    }

    #[test]
    fn a_second_move_in_a_row_is_refused() {
        let moved = RequestError::MigrateToChatId(teloxide::types::ChatId(-100));
        assert!(matches!(classify(&moved), Some(Failure::Refused(_))));
    }
}
