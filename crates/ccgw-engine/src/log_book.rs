//! Every agent's event log, shared by the VDN runtimes. An agent's log and its sequence
//! numbers stay one whichever VDN it signs in to, and a reader may hold the log of an
//! agent that is not signed in anywhere yet: its events will arrive in that same log.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ccgw_core::{AgentEvent, Seq, Timestamp, WorkNo};

use crate::event_log::{EventLog, LogCounters, LogLimits};

/// How often (engine clock) logs are trimmed and idle ones dropped.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

pub(crate) struct LogBook {
    limits: LogLimits,
    inner: Mutex<Book>,
    counters: Arc<LogCounters>,
}

#[derive(Default)]
struct Book {
    logs: HashMap<WorkNo, Arc<EventLog>>,
    /// The last sequence number of each agent whose log was dropped, so that a number
    /// is never reused in this process.
    dropped_at: HashMap<WorkNo, Seq>,
    next_sweep: Timestamp,
}

impl LogBook {
    pub(crate) fn new(limits: LogLimits) -> Self {
        Self { limits, inner: Mutex::new(Book::default()), counters: Arc::default() }
    }

    fn lock(&self) -> MutexGuard<'_, Book> {
        // Every critical section leaves the book whole (single inserts and removals).
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The agent's log, made on first use; its next event follows the last one ever.
    pub(crate) fn log(&self, work_no: WorkNo) -> Arc<EventLog> {
        let mut book = self.lock();
        let last = book.dropped_at.get(&work_no).copied().unwrap_or(Seq(0));
        let limits = self.limits;
        let counters = &self.counters;
        book.logs
            .entry(work_no)
            .or_insert_with(|| Arc::new(EventLog::counted(work_no, limits, last, counters.clone())))
            .clone()
    }

    /// Events dropped from full logs and reads answered with a resync, since the start.
    pub(crate) fn totals(&self) -> (u64, u64) {
        let counters = &self.counters;
        (counters.dropped.load(Ordering::Relaxed), counters.resyncs.load(Ordering::Relaxed))
    }

    /// Appends the agent's next event, numbered after its last; true when the agent's live
    /// sign-in lost an event it had not taken (see [`EventLog::push`]).
    pub(crate) fn append(&self, work_no: WorkNo, event: AgentEvent, now: Timestamp) -> bool {
        self.log(work_no).push(event, now)
    }

    /// The sequence number of the agent's last event (0 before its first), whether or
    /// not its log is still held.
    pub(crate) fn last_seq(&self, work_no: WorkNo) -> Seq {
        let book = self.lock();
        match book.logs.get(&work_no) {
            Some(log) => log.last(),
            None => book.dropped_at.get(&work_no).copied().unwrap_or(Seq(0)),
        }
    }

    /// At most once a minute: trims every log and drops the idle ones (no session,
    /// nothing held) that no reader holds — nobody can get one meanwhile, as only the
    /// book hands logs out and it is locked.
    pub(crate) fn sweep(&self, now: Timestamp) {
        let mut book = self.lock();
        if now < book.next_sweep {
            return;
        }
        book.next_sweep = now.plus(SWEEP_EVERY);
        let mut dropped = Vec::new();
        book.logs.retain(|work_no, log| {
            log.trim(now);
            let keep = Arc::strong_count(log) > 1 || !log.is_idle();
            if !keep {
                dropped.push((*work_no, log.last()));
            }
            keep
        });
        book.dropped_at.extend(dropped);
    }
}
