//! Per-agent event logs: every event an agent receives, with its sequence number, kept
//! in a bounded ring that outlives a sign-in, so that readers can resume from a cursor.
//!
//! Readers never consume events. Two kinds read a log:
//! - the Huawei poll, through its sign-in's *session cursor* ([`PollSession`]); a new
//!   sign-in starts at the agent's current last sequence number, so it never sees the
//!   previous session's events, and an ended session may still collect its remaining
//!   events (up to its last one) until its Guids expire;
//! - a push-mode sign-in's deliverer, through that same session cursor, in batches
//!   ([`PushFeed`]; such a sign-in is refused polls);
//! - the extension API, with a cursor the client keeps ([`EventLog::read_after`]).
//!
//! Trimming: an event every live session cursor has passed is dropped once it is older
//! than the retention (engine clock); the capacity bound always holds — past it the
//! oldest event is dropped and counted (and warned about, sparingly), whoever has not read it. A reader
//! whose cursor points before the oldest event held gets [`Resync`], never a silent gap.
//!
//! Waiting readers are woken by a [`Notify`], never by sleeping in a loop.

mod poll;
mod push;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ccgw_core::{AgentEvent, Seq, Timestamp, WorkNo};
use tokio::sync::Notify;

pub use poll::{PollClaim, PollSession};
pub use push::{Batch, PushFeed};

/// An event as handed to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub seq: Seq,
    pub work_no: WorkNo,
    pub at: Timestamp,
    pub event: AgentEvent,
}

/// How much a log keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// Events held at most; past it the oldest is dropped.
    pub capacity: usize,
    /// How long an event every session cursor has passed is still held for other readers.
    pub retention: Duration,
}

impl Default for LogLimits {
    fn default() -> Self {
        Self { capacity: 1024, retention: Duration::from_secs(600) }
    }
}

/// The events after a cursor are no longer all held: the reader must resynchronise
/// (e.g. from a snapshot) and continue after `oldest - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resync {
    /// The oldest sequence number still held; when none is held, the next one to come.
    pub oldest: Seq,
}

/// Events after a cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub events: Vec<Arc<Delivered>>,
    /// The newest event's sequence number in `events`, or the log's last when empty.
    pub last: Seq,
}

/// A sign-in's cursor (see [`PollSession`]).
#[derive(Debug)]
struct Session {
    id: u64,
    /// Every event up to here was handed to a poll whose answer was taken.
    cursor: u64,
    /// An event handed to a poll whose answer is still being written.
    claim: Option<Claim>,
    /// Set when the sign-in ended: its last event.
    end: Option<u64>,
    /// Set when the sign-in ended: when its Guids stop being accepted.
    expires: Option<Timestamp>,
    /// Counts polls, so that a newer poll can tell an older one to give up.
    polls: u64,
}

#[derive(Debug, Clone, Copy)]
struct Claim {
    seq: u64,
    token: u64,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Arc<Delivered>>,
    /// The newest sequence number ever appended (also once trimmed).
    last: u64,
    dropped: u64,
    sessions: Vec<Session>,
    next_id: u64,
}

impl Inner {
    /// The sequence number of the oldest event held, or the next one to come.
    fn oldest(&self) -> u64 {
        self.entries.front().map_or(self.last + 1, |entry| entry.seq.0)
    }

    /// Index of the first entry with a sequence number above `seq`.
    fn index_after(&self, seq: u64) -> usize {
        index_after(&self.entries, seq)
    }

    fn session(&mut self, id: u64) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|session| session.id == id)
    }
}

fn index_after(entries: &VecDeque<Arc<Delivered>>, seq: u64) -> usize {
    entries.partition_point(|entry| entry.seq.0 <= seq)
}

/// The first event a session has not been handed yet, within its end.
fn next_for<'a>(entries: &'a VecDeque<Arc<Delivered>>, session: &Session) -> Option<&'a Arc<Delivered>> {
    let from = session.claim.map_or(session.cursor, |claim| claim.seq.max(session.cursor));
    let entry = entries.get(index_after(entries, from))?;
    (entry.seq.0 <= session.end.unwrap_or(u64::MAX)).then_some(entry)
}

/// What every log adds to, for the metrics: totals that outlive the logs themselves.
#[derive(Debug, Default)]
pub struct LogCounters {
    /// Events dropped because a log was full.
    pub dropped: AtomicU64,
    /// Reads answered with [`Resync`].
    pub resyncs: AtomicU64,
}

#[derive(Debug)]
pub struct EventLog {
    work_no: WorkNo,
    limits: LogLimits,
    inner: Mutex<Inner>,
    changed: Notify,
    counters: Arc<LogCounters>,
}

impl EventLog {
    /// An empty log whose next event will be `last + 1`.
    pub fn new(work_no: WorkNo, limits: LogLimits, last: Seq) -> Self {
        Self::counted(work_no, limits, last, Arc::default())
    }

    /// [`EventLog::new`], adding its drops and resyncs to `counters`.
    pub fn counted(work_no: WorkNo, limits: LogLimits, last: Seq, counters: Arc<LogCounters>) -> Self {
        let inner = Inner { last: last.0, ..Inner::default() };
        Self {
            work_no,
            limits: LogLimits { capacity: limits.capacity.max(1), ..limits },
            inner: Mutex::new(inner),
            changed: Notify::new(),
            counters,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves `Inner` whole (single pushes, pops and field
        // writes), so a lock poisoned by a panic elsewhere is safe to reuse.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn work_no(&self) -> WorkNo {
        self.work_no
    }

    /// The newest sequence number the agent has had (0 before its first event).
    pub fn last(&self) -> Seq {
        Seq(self.lock().last)
    }

    /// Events held right now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events dropped because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Adds the agent's next event (its `seq` must follow the last) and wakes readers.
    pub fn append(&self, delivered: Delivered, now: Timestamp) {
        let mut inner = self.lock();
        self.append_locked(&mut inner, delivered, now);
        drop(inner);
        self.changed.notify_waiters();
    }

    /// Adds `event` as the agent's next, numbered after the last in the same step, and
    /// wakes readers. True when the full ring dropped an event the live sign-in had not
    /// taken yet: that sign-in can no longer get every event (the engine ends it).
    pub(crate) fn push(&self, event: AgentEvent, at: Timestamp) -> bool {
        let mut inner = self.lock();
        let seq = Seq(inner.last + 1);
        let overran = self.append_locked(&mut inner, Delivered { seq, work_no: self.work_no, at, event }, at);
        drop(inner);
        self.changed.notify_waiters();
        overran
    }

    fn append_locked(&self, inner: &mut Inner, delivered: Delivered, now: Timestamp) -> bool {
        let mut overran = false;
        {
            inner.last = delivered.seq.0;
            inner.entries.push_back(Arc::new(delivered));
            while inner.entries.len() > self.limits.capacity {
                let Some(dropped) = inner.entries.pop_front() else { break };
                overran |= inner.sessions.iter().any(|session| session.end.is_none() && session.cursor < dropped.seq.0);
                inner.dropped += 1;
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                // Every drop is counted; the log line comes at the 1st, 2nd, 4th, 8th …
                // so that a client in a loop cannot flood the log.
                if inner.dropped.is_power_of_two() {
                    tracing::warn!(work_no = %self.work_no, dropped = inner.dropped, "event log full; oldest events dropped");
                }
            }
            self.trim_locked(inner, now);
        }
        overran
    }

    /// Drops expired sessions and the events past retention that every session passed.
    pub fn trim(&self, now: Timestamp) {
        self.trim_locked(&mut self.lock(), now);
    }

    fn trim_locked(&self, inner: &mut Inner, now: Timestamp) {
        inner.sessions.retain(|session| session.expires.is_none_or(|expires| expires > now));
        let floor = inner.sessions.iter().map(|session| session.cursor).min().unwrap_or(u64::MAX);
        while let Some(front) = inner.entries.front() {
            if front.seq.0 > floor || front.at.plus(self.limits.retention) > now {
                break;
            }
            inner.entries.pop_front();
        }
    }

    /// Nothing left to keep: no session (live or collectable) and no event held. The
    /// caller checks the time with [`EventLog::trim`] first.
    pub fn is_idle(&self) -> bool {
        let inner = self.lock();
        inner.sessions.is_empty() && inner.entries.is_empty()
    }

    /// Every event after `after`, at most `max`, oldest first; [`Resync`] when some of
    /// them are no longer held, or when `after` is beyond the last event (a cursor that
    /// does not come from this log, e.g. from before a restart).
    pub fn read_after(&self, after: Seq, max: usize) -> Result<Page, Resync> {
        let inner = self.lock();
        let oldest = inner.oldest();
        if after.0.saturating_add(1) < oldest || after.0 > inner.last {
            self.counters.resyncs.fetch_add(1, Ordering::Relaxed);
            return Err(Resync { oldest: Seq(oldest) });
        }
        let events: Vec<_> = inner.entries.iter().skip(inner.index_after(after.0)).take(max).cloned().collect();
        let last = events.last().map_or(Seq(inner.last), |entry| entry.seq);
        Ok(Page { events, last })
    }

    /// Like [`EventLog::read_after`], but when there is no event after `after` yet,
    /// waits up to `wait` for one.
    pub async fn wait_after(&self, after: Seq, max: usize, wait: Duration) -> Result<Page, Resync> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let page = self.read_after(after, max)?;
            if !page.events.is_empty() {
                return Ok(page);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.read_after(after, max);
            }
        }
    }

    /// Starts a sign-in's cursor at the current last event.
    pub fn start_session(self: &Arc<Self>) -> PollSession {
        let id = {
            let mut inner = self.lock();
            inner.next_id += 1;
            let id = inner.next_id;
            let cursor = inner.last;
            inner.sessions.push(Session { id, cursor, claim: None, end: None, expires: None, polls: 0 });
            id
        };
        PollSession::new(self.clone(), id)
    }
}
