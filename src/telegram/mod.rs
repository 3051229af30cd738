//! The Telegram edge: long polling with teloxide, every update handed to the core, every reply
//! rendered as HTML with inline keyboards and sent through the `Throttle` adaptor.

pub mod render;

use std::sync::Arc;
use std::time::Duration;

use teloxide::adaptors::Throttle;
pub use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle, InputMessageContent,
    InputMessageContentText, LinkPreviewOptions, Me, MessageId, ParseMode, ThreadId,
};
use teloxide::update_listeners::Polling;
use teloxide::{ApiError, RequestError};

use crate::app::reply::{Message as Reply, Response};
use crate::app::{App, Caller};
use crate::logging::redact;
use crate::messages;

/// The bot as the handlers see it: every request goes through Telegram's rate limits.
pub type Tg = Throttle<Bot>;

const NO_PREVIEW: LinkPreviewOptions = LinkPreviewOptions {
    is_disabled: true,
    url: None,
    prefer_small_media: false,
    prefer_large_media: false,
    show_above_text: false,
};

/// The whole update handler tree, in one place so tests drive exactly what runs.
pub fn handler() -> UpdateHandler<RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
}

/// How to run the bot.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop on Ctrl-C.
    pub ctrlc: bool,
    /// Outgoing rate limits; Telegram's own by default. Tests and benchmarks lift them.
    pub limits: Limits,
    /// The first wait before reaching Telegram again after it could not be reached; each failure
    /// doubles it, up to `max_retry_delay`.
    pub retry_delay: Duration,
    pub max_retry_delay: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ctrlc: false,
            limits: Limits::default(),
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(60),
        }
    }
}

/// Why the bot stopped serving on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Telegram (or the server at `TELOXIDE_API_URL`) rejects the token: retrying cannot help.
    TokenRejected,
}

/// Serves updates by long polling until stopped. Telegram being unreachable at start or later is
/// retried with backoff, never a panic; only a rejected token ends it.
pub async fn run(bot: Bot, app: Arc<App>, options: Options) -> Result<(), Stop> {
    let token = bot.token().to_string();
    let bot: Tg = bot.throttle(options.limits);
    let error_token = token.clone();
    let mut builder = Dispatcher::builder(bot.clone(), handler())
        .dependencies(dptree::deps![app])
        .default_handler(|_| async {})
        .error_handler(Arc::new(move |e: RequestError| {
            let message = redact(&e.to_string(), &error_token);
            async move { tracing::warn!("handling an update failed: {message}") }
        }));
    if options.ctrlc {
        builder = builder.enable_ctrlc_handler();
    }
    let mut dispatcher = builder.build();
    let mut backoff = options.retry_delay;
    loop {
        set_commands(&bot, &token).await;
        let listener = Polling::builder(bot.clone()).timeout(Duration::from_secs(10)).delete_webhook().await.build();
        let listener_token = token.clone();
        let on_listener_error = Arc::new(move |e: RequestError| {
            let message = redact(&e.to_string(), &listener_token);
            async move { tracing::warn!("getting updates failed: {message}") }
        });
        match dispatcher.try_dispatch_with_listener(listener, on_listener_error).await {
            Ok(()) => {
                tracing::info!("stopped");
                return Ok(());
            }
            Err(RequestError::Api(ApiError::InvalidToken)) => return Err(Stop::TokenRejected),
            Err(e) => {
                tracing::warn!("cannot reach Telegram ({}); retrying in {backoff:?}", redact(&e.to_string(), &token));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(options.max_retry_delay);
            }
        }
    }
}

/// The command menu Telegram shows, in Chinese.
async fn set_commands(bot: &Tg, token: &str) {
    let commands: Vec<BotCommand> =
        messages::COMMANDS.iter().map(|(name, about)| BotCommand::new(*name, *about)).collect();
    if let Err(e) = bot.set_my_commands(commands).await {
        tracing::warn!("setMyCommands failed: {}", redact(&e.to_string(), token));
    }
}

/// Logs a failed send and carries on: a chat that blocked the bot or a message that did not change
/// is not a reason to stop serving anyone else.
fn log_send_error(e: &RequestError, bot: &Tg) {
    let token = bot.inner().token();
    match e {
        RequestError::Api(ApiError::MessageNotModified) => {}
        RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::ChatNotFound) => {
            tracing::info!("chat unavailable: {}", redact(&e.to_string(), token))
        }
        _ => tracing::warn!("sending failed: {}", redact(&e.to_string(), token)),
    }
}

fn caller_of(msg: &Message) -> Caller {
    let user = msg.from.as_ref().map_or(msg.chat.id.0, |u| u.id.0 as i64);
    Caller { user, chat: msg.chat.id.0, private: msg.chat.is_private() }
}

/// Sends new messages into `chat` (in the topic `thread` of a forum), splitting long ones; the
/// buttons go under the last part.
async fn send(bot: &Tg, me: &Me, chat: ChatId, thread: Option<ThreadId>, reply: &Reply) {
    let parts = render::html(&reply.text, me.username());
    send_parts(bot, chat, thread, parts, render::keyboard(&reply.buttons)).await;
}

async fn send_parts(
    bot: &Tg,
    chat: ChatId,
    thread: Option<ThreadId>,
    parts: Vec<String>,
    keyboard: Option<InlineKeyboardMarkup>,
) {
    let last = parts.len().saturating_sub(1);
    for (i, html) in parts.into_iter().enumerate() {
        let mut request = bot.send_message(chat, html).parse_mode(ParseMode::Html).link_preview_options(NO_PREVIEW);
        if let Some(thread) = thread {
            request = request.message_thread_id(thread);
        }
        if i == last
            && let Some(keyboard) = keyboard.clone()
        {
            request = request.reply_markup(keyboard);
        }
        if let Err(e) = request.await {
            log_send_error(&e, bot);
            return;
        }
    }
}

async fn on_message(bot: Tg, me: Me, app: Arc<App>, msg: Message) -> ResponseResult<()> {
    let caller = caller_of(&msg);
    let response = match msg.text() {
        Some(text) => app.handle_text(caller, text, me.username()),
        None => app.handle_non_text(caller),
    };
    let thread = if msg.is_topic_message { msg.thread_id } else { None };
    for reply in &response.messages {
        send(&bot, &me, msg.chat.id, thread, reply).await;
    }
    Ok(())
}

async fn on_callback(bot: Tg, me: Me, app: Arc<App>, q: CallbackQuery) -> ResponseResult<()> {
    let message = q.regular_message();
    let caller = Caller {
        user: q.from.id.0 as i64,
        chat: message.map_or(q.from.id.0 as i64, |m| m.chat.id.0),
        private: message.is_none_or(|m| m.chat.is_private()),
    };
    let response: Response = app.handle_callback(caller, q.data.as_deref().unwrap_or(""));
    let mut answer = bot.answer_callback_query(q.id.clone());
    if let Some(notice) = response.notice.as_ref().filter(|n| !n.is_empty()) {
        answer = answer.text(notice.clone());
    }
    if let Err(e) = answer.await {
        log_send_error(&e, &bot);
    }
    if let (Some(edit), Some(message)) = (&response.edit, message) {
        let thread = if message.is_topic_message { message.thread_id } else { None };
        edit_or_send(&bot, &me, message.chat.id, message.id, thread, edit).await;
    }
    for reply in &response.messages {
        let (chat, thread) = match message {
            Some(m) => (m.chat.id, if m.is_topic_message { m.thread_id } else { None }),
            None => (ChatId(q.from.id.0 as i64), None),
        };
        send(&bot, &me, chat, thread, reply).await;
    }
    Ok(())
}

/// Replaces a message with a reply; a reply too long for one message continues in new ones.
async fn edit_or_send(bot: &Tg, me: &Me, chat: ChatId, id: MessageId, thread: Option<ThreadId>, reply: &Reply) {
    let mut parts = render::html(&reply.text, me.username());
    if parts.is_empty() {
        return;
    }
    let first = parts.remove(0);
    let keyboard = render::keyboard(&reply.buttons);
    let mut request =
        bot.edit_message_text(chat, id, first).parse_mode(ParseMode::Html).link_preview_options(NO_PREVIEW);
    if parts.is_empty()
        && let Some(keyboard) = keyboard.clone()
    {
        request = request.reply_markup(keyboard);
    }
    if let Err(e) = request.await {
        log_send_error(&e, bot);
    }
    send_parts(bot, chat, thread, parts, keyboard).await;
}

async fn on_inline(bot: Tg, me: Me, app: Arc<App>, q: InlineQuery) -> ResponseResult<()> {
    let answer = app.inline(&q.query, &q.offset);
    let results: Vec<InlineQueryResult> = answer
        .articles
        .into_iter()
        .filter_map(|article| {
            let html = render::html(&article.message, me.username()).into_iter().next()?;
            let content =
                InputMessageContentText::new(html).parse_mode(ParseMode::Html).link_preview_options(NO_PREVIEW);
            let result = InlineQueryResultArticle::new(article.id, article.title, InputMessageContent::Text(content))
                .description(article.description);
            Some(result.into())
        })
        .collect();
    let mut request = bot.answer_inline_query(q.id, results).cache_time(30);
    if let Some(next) = answer.next_offset {
        request = request.next_offset(next);
    }
    if let Err(e) = request.await {
        log_send_error(&e, &bot);
    }
    Ok(())
}
