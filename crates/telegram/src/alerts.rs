//! Watched words at the edge: the task that sends the alerts each reload queues in the core. An
//! alert goes like a daily delivery: its turn among deliveries first (replies go before it), then
//! its chat's queue; a chat that cannot be written to loses its watches, as it loses its daily
//! section.

use std::sync::Arc;

use teloxide::types::ChatId;

use crate::outbox::{Destination, Failure, Outbox, Priority, Request};
use crate::render;
use crate::send::log_failure;
use digestbot_core::watch::Alert;
use digestbot_core::{App, Watches};

/// Sends the alerts reloads queue, until the task is stopped.
pub(crate) async fn send_alerts(app: Arc<App>, outbox: Arc<Outbox>, me: String) {
    let Some(watches) = app.watches().cloned() else { return };
    loop {
        // A reload that queued alerts before this waits leaves a permit: none is missed.
        watches.ready().notified().await;
        for alert in watches.take() {
            let (outbox, watches, me) = (outbox.clone(), watches.clone(), me.clone());
            tokio::spawn(async move { send_alert(&outbox, &watches, &me, alert).await });
        }
    }
}

async fn send_alert(outbox: &Arc<Outbox>, watches: &Arc<Watches>, me: &str, alert: Alert) {
    let chat = alert.chat;
    let parts = render::html(&alert.message.text, me);
    // Its turn first, then its chat's queue: a reply to that chat is never queued behind an alert
    // still waiting for its turn.
    let slot = outbox.slot(Priority::Delivery).await;
    let (done, sent) = tokio::sync::oneshot::channel();
    let sender = outbox.clone();
    let job = async move {
        let place = Destination { chat: ChatId(chat), thread: None };
        let mut slot = Some(slot);
        for html in parts {
            let priority = if slot.is_some() { Priority::Delivery } else { Priority::Continuation };
            if let Err(failure) =
                sender.send_in(slot.take(), priority, Request::Send { place, html, keyboard: None }).await
            {
                let _ = done.send(Err(failure));
                return;
            }
        }
        let _ = done.send(Ok(()));
    };
    outbox.queues().push_waiting(chat, Box::pin(job)).await;
    match sent.await {
        Ok(Ok(())) => {}
        Ok(Err(Failure::Gone(reason))) => {
            log_failure(&Failure::Gone(reason.clone()), Some(ChatId(chat)));
            let watches = watches.clone();
            let _ = tokio::task::spawn_blocking(move || watches.gone(chat, &reason)).await;
        }
        Ok(Err(failure)) => log_failure(&failure, Some(ChatId(chat))),
        // The queue was dropped with the bot.
        Err(_) => {}
    }
}
