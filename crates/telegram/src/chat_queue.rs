//! Sending in order, off the dispatcher: each chat's messages go through a queue of their own, so a
//! handler hands its replies over and returns instead of waiting while Telegram's pacing (one
//! message a second per chat) releases a long section part by part. Other chats are never behind
//! it, and one chat's messages keep their order, replies and deliveries alike. A queue holds a
//! bounded number of replies: flood control bounds inputs, not what each input sends (a long
//! section is many messages), so a chat whose replies pile up faster than Telegram lets them out
//! loses the newest, not memory. A delivery is never dropped: it waits for room instead.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::in_flight::InFlight;

/// Sending one reply.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A chat's queue ends after this long without a job (a new job starts a new one).
const IDLE: Duration = Duration::from_secs(60);
/// Replies a chat's queue holds besides the one being sent: more than a person reads at once,
/// and (at Telegram's 20 messages a minute in groups) already minutes of sending.
pub const CAPACITY: usize = 32;

#[derive(Default)]
pub struct ChatQueues {
    queues: Mutex<HashMap<i64, mpsc::Sender<Job>>>,
    /// Jobs queued and not yet over, for a shutdown to wait on.
    pending: InFlight,
}

impl ChatQueues {
    /// Queues `job` after everything already queued for `chat`; false when the queue is full and
    /// the job was dropped.
    pub fn push(self: &Arc<Self>, chat: i64, job: Job) -> bool {
        let job = self.counted(job);
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let job = match queues.get(&chat) {
            Some(queue) => match queue.try_send(job) {
                Ok(()) => return true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(chat, "replies to this chat are {CAPACITY} behind; a reply was dropped");
                    return false;
                }
                // Its worker ended: start another.
                Err(mpsc::error::TrySendError::Closed(job)) => job,
            },
            None => job,
        };
        let (queue, jobs) = mpsc::channel(CAPACITY);
        let _ = queue.try_send(job);
        queues.insert(chat, queue);
        tokio::spawn(self.clone().work(chat, jobs));
        true
    }

    /// Queues `job` after everything already queued for `chat`, waiting for room when the queue is
    /// full: for what must not be lost.
    pub async fn push_waiting(self: &Arc<Self>, chat: i64, job: Job) {
        let mut job = self.counted(job);
        loop {
            let queue = {
                let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                match queues.get(&chat) {
                    Some(queue) if !queue.is_closed() => queue.clone(),
                    _ => {
                        let (queue, jobs) = mpsc::channel(CAPACITY);
                        queues.insert(chat, queue.clone());
                        tokio::spawn(self.clone().work(chat, jobs));
                        queue
                    }
                }
            };
            match queue.send(job).await {
                Ok(()) => return,
                // Its worker ended while this waited: start another.
                Err(mpsc::error::SendError(back)) => job = back,
            }
        }
    }

    /// Resolves once every job queued so far is over (run, or dropped).
    pub async fn drained(&self) {
        self.pending.none().await;
    }

    /// `job`, counted as pending until it has run or is dropped unrun.
    fn counted(&self, job: Job) -> Job {
        let pending = self.pending.start();
        Box::pin(async move {
            job.await;
            drop(pending);
        })
    }

    async fn work(self: Arc<Self>, chat: i64, mut jobs: mpsc::Receiver<Job>) {
        loop {
            match tokio::time::timeout(IDLE, jobs.recv()).await {
                Ok(Some(job)) => job.await,
                Ok(None) => return,
                Err(_) => {
                    {
                        // Under the lock no new sender can be handed out; closing ends the senders
                        // handed out before (a waiting `push_waiting` then starts a new queue).
                        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                        if !jobs.is_empty() {
                            continue;
                        }
                        queues.remove(&chat);
                        jobs.close();
                    }
                    // A job sent between the look and the close is in the queue still: run it.
                    while let Ok(job) = jobs.try_recv() {
                        job.await;
                    }
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_chats_jobs_run_in_order_and_another_chat_is_not_behind_them() {
        let queues = Arc::new(ChatQueues::default());
        let (done, mut finished) = mpsc::unbounded_channel();
        // Chat 1's first job waits until chat 2's job has run: were chat 2 queued behind chat 1,
        // neither would finish.
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let first = done.clone();
        queues.push(
            1,
            Box::pin(async move {
                let _ = released.await;
                let _ = first.send((1, 0));
            }),
        );
        for n in 1..5 {
            let done = done.clone();
            queues.push(
                1,
                Box::pin(async move {
                    let _ = done.send((1, n));
                }),
            );
        }
        let other = done.clone();
        queues.push(
            2,
            Box::pin(async move {
                let _ = other.send((2, 0));
                let _ = release.send(());
            }),
        );
        let order = tokio::time::timeout(Duration::from_secs(10), async {
            let mut order = Vec::new();
            while order.len() < 6 {
                order.extend(finished.recv().await);
            }
            order
        });
        assert_eq!(order.await.unwrap(), [(2, 0), (1, 0), (1, 1), (1, 2), (1, 3), (1, 4)]);
    }

    #[tokio::test]
    async fn a_chat_whose_replies_pile_up_loses_the_newest_not_memory() {
        let queues = Arc::new(ChatQueues::default());
        // The first job never finishes while the test pushes: the queue only fills.
        let (_hold, held) = tokio::sync::oneshot::channel::<()>();
        assert!(queues.push(
            1,
            Box::pin(async move {
                let _ = held.await;
            })
        ));
        let accepted = (0..100).filter(|_| queues.push(1, Box::pin(async {}))).count();
        assert!((CAPACITY - 1..=CAPACITY).contains(&accepted), "{accepted} queued behind the first");
        assert!(queues.push(2, Box::pin(async {})), "another chat has room");
    }
}
