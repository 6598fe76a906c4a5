//! A sign-in's event mailbox: the events not yet handed to the Huawei poll, oldest first.
//!
//! Long polls wait on a notification, never by sleeping in a loop. Two polls at once:
//! the newer takes over and the older is answered empty at once (ccgw's choice, spec
//! 01 §6). The mailbox is bounded; if a client stops polling and it overflows, the
//! oldest event is dropped and counted, and a warning is logged — the liveness limit
//! signs such an agent out long before that in practice.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use ccgw_core::{AgentEvent, Seq, Timestamp, WorkNo};
use tokio::sync::Notify;

/// An event as handed to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub seq: Seq,
    pub work_no: WorkNo,
    pub at: Timestamp,
    pub event: AgentEvent,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<Delivered>,
    closed: bool,
    poll_generation: u64,
    dropped: u64,
}

#[derive(Debug)]
pub struct Mailbox {
    inner: Mutex<Inner>,
    changed: Notify,
    capacity: usize,
}

impl Mailbox {
    pub fn new(capacity: usize) -> Self {
        Self { inner: Mutex::new(Inner::default()), changed: Notify::new(), capacity: capacity.max(1) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave `Inner` half-written (every
        // critical section is a single push/pop), so a poisoned lock is safe to reuse.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn push(&self, delivered: Delivered) {
        {
            let mut inner = self.lock();
            if inner.closed {
                return;
            }
            if inner.queue.len() >= self.capacity {
                inner.queue.pop_front();
                inner.dropped += 1;
                tracing::warn!(work_no = %delivered.work_no, dropped = inner.dropped, "event mailbox full; oldest event dropped");
            }
            inner.queue.push_back(delivered);
        }
        self.changed.notify_waiters();
    }

    /// No more events will arrive; pending ones can still be taken.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_waiters();
    }

    pub fn len(&self) -> usize {
        self.lock().queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the oldest event without waiting.
    pub fn take(&self) -> Option<Delivered> {
        self.lock().queue.pop_front()
    }

    /// Takes the oldest event, waiting up to `hold` for one to arrive. `None` when the
    /// hold ran out, the mailbox closed empty, or a newer poll took over.
    pub async fn next(&self, hold: Duration) -> Option<Delivered> {
        let generation = {
            let mut inner = self.lock();
            inner.poll_generation += 1;
            inner.poll_generation
        };
        // Wake an older poll so that it sees it has been superseded.
        self.changed.notify_waiters();
        let deadline = tokio::time::Instant::now() + hold;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut inner = self.lock();
                if inner.poll_generation != generation {
                    return None;
                }
                if let Some(event) = inner.queue.pop_front() {
                    return Some(event);
                }
                if inner.closed {
                    return None;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn event(seq: u64) -> Delivered {
        Delivered {
            seq: Seq(seq),
            work_no: WorkNo::new(101).unwrap(),
            at: Timestamp::from_millis(seq),
            event: AgentEvent::Ready,
        }
    }

    #[tokio::test]
    async fn a_waiting_poll_is_answered_as_soon_as_an_event_arrives() {
        let mailbox = Arc::new(Mailbox::new(8));
        let poll = tokio::spawn({
            let mailbox = mailbox.clone();
            async move { mailbox.next(Duration::from_secs(30)).await }
        });
        tokio::task::yield_now().await;
        mailbox.push(event(1));
        let got = tokio::time::timeout(Duration::from_secs(5), poll).await.unwrap().unwrap();
        assert_eq!(got, Some(event(1)));
    }

    #[tokio::test]
    async fn an_empty_poll_returns_none_after_the_hold() {
        let mailbox = Mailbox::new(8);
        let started = std::time::Instant::now();
        assert_eq!(mailbox.next(Duration::from_millis(50)).await, None);
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[tokio::test]
    async fn a_newer_poll_takes_over_and_the_older_returns_empty() {
        let mailbox = Arc::new(Mailbox::new(8));
        let older = tokio::spawn({
            let mailbox = mailbox.clone();
            async move { mailbox.next(Duration::from_secs(30)).await }
        });
        tokio::task::yield_now().await;
        let newer = tokio::spawn({
            let mailbox = mailbox.clone();
            async move { mailbox.next(Duration::from_secs(30)).await }
        });
        let older = tokio::time::timeout(Duration::from_secs(5), older).await.unwrap().unwrap();
        assert_eq!(older, None);
        mailbox.push(event(7));
        let newer = tokio::time::timeout(Duration::from_secs(5), newer).await.unwrap().unwrap();
        assert_eq!(newer, Some(event(7)));
    }

    #[tokio::test]
    async fn events_are_handed_out_oldest_first_and_overflow_drops_the_oldest() {
        let mailbox = Mailbox::new(2);
        for seq in 1..=3 {
            mailbox.push(event(seq));
        }
        assert_eq!(mailbox.take(), Some(event(2)));
        assert_eq!(mailbox.take(), Some(event(3)));
        assert_eq!(mailbox.take(), None);
    }

    #[tokio::test]
    async fn a_closed_mailbox_still_hands_out_what_it_holds() {
        let mailbox = Mailbox::new(4);
        mailbox.push(event(1));
        mailbox.close();
        mailbox.push(event(2));
        assert_eq!(mailbox.next(Duration::from_secs(30)).await, Some(event(1)));
        assert_eq!(mailbox.next(Duration::from_secs(30)).await, None);
    }
}
