//! The Huawei poll's view of a log: one cursor per sign-in, one event per poll.
//!
//! A poll *claims* the next event; the claim is committed (the cursor moves past it) only
//! when the answer carrying it has been handed over for writing ([`PollClaim::commit`]),
//! and released when it is dropped uncommitted — the connection died before the answer
//! was taken — so the next poll gets the same event instead of it being lost. The api
//! commits from a response body wrapper once hyper has taken the body, not on drop.
//! Once the bytes are with hyper, a failure further down (a peer that vanished after the
//! kernel accepted the write) cannot be seen without an acknowledgement, which the Huawei
//! protocol does not have; extension API clients resume from their own cursor instead.
//!
//! Two polls at once: the newer takes over and the older is answered empty at once (ccgw's
//! choice, spec 01 §6). While an older poll's answer is being written, a newer poll skips
//! the claimed event rather than hand it out twice.

use std::sync::Arc;
use std::time::Duration;

use ccgw_core::Timestamp;

use super::{Claim, Delivered, EventLog, Inner, next_for};

/// A sign-in's cursor into its agent's log.
#[derive(Debug, Clone)]
pub struct PollSession {
    log: Arc<EventLog>,
    id: u64,
}

impl PollSession {
    pub(super) fn new(log: Arc<EventLog>, id: u64) -> Self {
        Self { log, id }
    }

    pub(super) fn id(&self) -> u64 {
        self.id
    }

    pub fn log(&self) -> &Arc<EventLog> {
        &self.log
    }

    /// Tells sessions apart across agents: the log they read and their id in it.
    pub(crate) fn key(&self) -> (usize, u64) {
        (Arc::as_ptr(&self.log) as usize, self.id)
    }

    /// The sign-in ended: it can still collect the events it has not taken, up to the
    /// last one so far, until `expires` (its Guids' validity).
    pub fn end(&self, expires: Timestamp) {
        {
            let mut inner = self.log.lock();
            let last = inner.last;
            if let Some(session) = inner.session(self.id) {
                session.end = Some(last);
                session.expires = Some(expires);
            }
        }
        self.log.changed.notify_waiters();
    }

    /// Whether an event is waiting for this session.
    pub fn has_pending(&self) -> bool {
        let inner = self.log.lock();
        let session = inner.sessions.iter().find(|session| session.id == self.id);
        session.is_some_and(|session| next_for(&inner.entries, session).is_some())
    }

    /// Claims the next event, waiting up to `hold` for one. `None` when the hold ran out,
    /// the session ended with nothing left, or a newer poll took over.
    pub async fn next(&self, hold: Duration) -> Option<PollClaim> {
        let generation = {
            let mut inner = self.log.lock();
            let session = inner.session(self.id)?;
            session.polls += 1;
            session.polls
        };
        // Wake an older poll so that it sees it has been superseded.
        self.log.changed.notify_waiters();
        let deadline = tokio::time::Instant::now() + hold;
        loop {
            let notified = self.log.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(outcome) = self.try_claim(generation) {
                return outcome;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// `Some(answer)` when the poll is decided, `None` to keep waiting.
    fn try_claim(&self, generation: u64) -> Option<Option<PollClaim>> {
        let mut inner = self.log.lock();
        let Inner { entries, sessions, .. } = &mut *inner;
        let Some(session) = sessions.iter_mut().find(|session| session.id == self.id) else {
            return Some(None);
        };
        if session.polls != generation {
            return Some(None);
        }
        match next_for(entries, session).cloned() {
            Some(event) => {
                let token = session.polls;
                session.claim = Some(Claim { seq: event.seq.0, token });
                Some(Some(PollClaim { session: self.clone(), token, event, settled: false }))
            }
            None if session.end.is_some() => Some(None),
            None => None,
        }
    }
}

/// An event handed to one poll; see the module doc.
#[derive(Debug)]
pub struct PollClaim {
    session: PollSession,
    token: u64,
    event: Arc<Delivered>,
    settled: bool,
}

impl PollClaim {
    pub fn event(&self) -> &Delivered {
        &self.event
    }

    /// The answer carrying the event was taken: the session's cursor moves past it.
    pub fn commit(mut self) {
        self.settle(true);
    }

    fn settle(&mut self, delivered: bool) {
        if std::mem::replace(&mut self.settled, true) {
            return;
        }
        let log = &self.session.log;
        {
            let mut inner = log.lock();
            let Some(session) = inner.session(self.session.id) else { return };
            if delivered {
                session.cursor = session.cursor.max(self.event.seq.0);
            }
            if session.claim.is_some_and(|claim| claim.token == self.token) {
                session.claim = None;
            }
        }
        if !delivered {
            // A poll waiting behind this claim may take the event now.
            log.changed.notify_waiters();
        }
    }
}

impl Drop for PollClaim {
    fn drop(&mut self) {
        self.settle(false);
    }
}
