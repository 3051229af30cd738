//! Who an update comes from, as the core knows callers, and where its answer goes.

use teloxide::types::{CallbackQuery, Message};

use crate::outbox::Destination;
use digestbot_core::Caller;

pub(crate) fn destination_of(msg: &Message) -> Destination {
    Destination { chat: msg.chat.id, thread: if msg.is_topic_message { msg.thread_id } else { None } }
}

/// Who sent a message. Anonymous group admins and people posting as a channel all arrive from
/// one shared account (GroupAnonymousBot, or the channel bot): they are told apart by the chat
/// they speak for, so that they do not share one flood bucket across every group.
pub(crate) fn caller_of(msg: &Message) -> Caller {
    let user = match (&msg.sender_chat, &msg.from) {
        (Some(chat), _) => chat.id.0,
        (None, Some(user)) => user.id.0 as i64,
        (None, None) => msg.chat.id.0,
    };
    let private = msg.chat.is_private();
    let thread = if msg.is_topic_message { msg.thread_id.map(|t| t.0.0) } else { None };
    // An anonymous admin speaks as the group itself.
    let admin = private || user == msg.chat.id.0;
    Caller { user, chat: msg.chat.id.0, private, thread, admin }
}

/// Who pressed a button, and in which chat (the user's own when the message is not known).
pub(crate) fn callback_caller(q: &CallbackQuery) -> Caller {
    let user = q.from.id.0 as i64;
    match &q.message {
        Some(message) if message.chat().is_private() => Caller::private(user),
        Some(message) => Caller::member(user, message.chat().id.0),
        None => Caller::private(user),
    }
}
