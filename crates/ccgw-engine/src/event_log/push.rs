//! A push-mode sign-in's view of its log: the same session cursor a poll would move, read
//! in batches by one delivery task instead of one event per poll.
//!
//! The deliverer takes a batch ([`PushFeed::next_batch`]), sends it, and only after the
//! receiver accepted it moves the cursor past it ([`PushFeed::commit_through`]); a failed
//! send leaves the cursor where it was, so the retry carries the same events and later
//! ones, in order. Since push and poll share that cursor, a push sign-in is refused
//! polls (`000-001`) rather than have two readers split its events.

use std::sync::Arc;

use ccgw_core::{Seq, WorkNo};

use super::{Delivered, Inner, PollSession, Resync, index_after};

/// What a push deliverer does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// Events after the cursor, oldest first.
    Events(Vec<Arc<Delivered>>),
    /// Events after the cursor were dropped from the full ring before they were sent.
    Gap(Resync),
    /// The sign-in ended and every event up to its end was sent (or its session is gone).
    Finished,
}

/// A push-mode sign-in's cursor into its agent's log.
#[derive(Debug, Clone)]
pub struct PushFeed {
    session: PollSession,
}

impl PushFeed {
    pub(crate) fn new(session: PollSession) -> Self {
        Self { session }
    }

    pub fn work_no(&self) -> WorkNo {
        self.session.log().work_no()
    }

    /// Which sign-in this is, for the engine to tell it from a later one.
    pub(crate) fn key(&self) -> (usize, u64) {
        self.session.key()
    }

    /// Up to `max` events after the cursor, waiting (without limit) for the first one.
    pub async fn next_batch(&self, max: usize) -> Batch {
        let log = self.session.log();
        loop {
            let notified = log.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(batch) = self.try_batch(&log.lock(), max.max(1)) {
                return batch;
            }
            notified.await;
        }
    }

    fn try_batch(&self, inner: &Inner, max: usize) -> Option<Batch> {
        let Some(session) = inner.sessions.iter().find(|session| session.id == self.session.id()) else {
            return Some(Batch::Finished);
        };
        let end = session.end.unwrap_or(u64::MAX);
        let upto = inner.last.min(end);
        if session.cursor >= upto {
            return session.end.is_some().then_some(Batch::Finished);
        }
        let oldest = inner.oldest();
        if session.cursor + 1 < oldest {
            self.session.log().counters.resyncs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Some(Batch::Gap(Resync { oldest: Seq(oldest) }));
        }
        let from = index_after(&inner.entries, session.cursor);
        let events: Vec<_> =
            inner.entries.iter().skip(from).take_while(|entry| entry.seq.0 <= upto).take(max).cloned().collect();
        Some(Batch::Events(events))
    }

    /// Events before `resync.oldest` are gone from the log: the cursor moves up to them, so
    /// that the next batch starts with the oldest event still held.
    pub fn skip_lost(&self, resync: &Resync) {
        let log = self.session.log();
        let mut inner = log.lock();
        if let Some(session) = inner.session(self.session.id()) {
            session.cursor = session.cursor.max(resync.oldest.0.saturating_sub(1));
        }
    }

    /// The receiver accepted every event up to `seq`: the cursor moves past them.
    pub fn commit_through(&self, seq: Seq) {
        let log = self.session.log();
        let mut inner = log.lock();
        if let Some(session) = inner.session(self.session.id()) {
            session.cursor = session.cursor.max(seq.0);
        }
    }
}
