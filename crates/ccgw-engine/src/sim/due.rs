//! The switch's due table: what it does by itself once the clock gets there (scripted
//! far-end outcomes, the end of IVR stays, agent phones answering late). Every item waits in the table; both the task
//! that sleeps on the clock for it and [`Switch::fire_due`](crate::Switch::fire_due)
//! (the engine settling) pop it from there, so each fires exactly once, whichever
//! comes first.

use std::collections::BTreeMap;

use ccgw_core::{DialFailure, Timestamp};

use super::{Outbox, SimState};

/// Something the switch does by itself once the clock gets there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Due {
    FarEnd(FarEndTimer),
    /// The time of IVR stay `stay` is up.
    IvrEnd {
        at: Timestamp,
        stay: u64,
    },
    /// An agent phone ringing for an offer answers or fails (`ring` in `agent_rings`).
    AgentPhone {
        at: Timestamp,
        ring: u64,
    },
}

/// A dialled number's scripted outcome, due at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FarEndTimer {
    pub(super) at: Timestamp,
    pub(super) dial: u64,
    pub(super) outcome: FarEndOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FarEndOutcome {
    Answer,
    Fail(DialFailure),
}

/// Where an item sits in the table: its time, then its dial or stay number (unique,
/// from one sequence), so items come out in time order.
pub(super) type DueKey = (Timestamp, u64);

impl Due {
    pub(super) fn key(self) -> DueKey {
        match self {
            Due::FarEnd(timer) => (timer.at, timer.dial),
            Due::IvrEnd { at, stay } => (at, stay),
            Due::AgentPhone { at, ring } => (at, ring),
        }
    }
}

/// Items waiting for their time, in time order.
#[derive(Debug, Default)]
pub(super) struct DueTable {
    items: BTreeMap<DueKey, Due>,
}

impl DueTable {
    pub(super) fn insert(&mut self, due: Due) -> DueKey {
        let key = due.key();
        self.items.insert(key, due);
        key
    }

    fn take(&mut self, key: DueKey) -> Option<Due> {
        self.items.remove(&key)
    }

    /// The earliest item due at or before `now`, taken out of the table.
    fn take_first_due(&mut self, now: Timestamp) -> Option<Due> {
        let entry = self.items.first_entry()?;
        (entry.key().0 <= now).then(|| entry.remove())
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.items.len()
    }
}

impl SimState {
    /// Fires the item under `key` if it is still in the table (the clock-waiting task's path).
    pub(super) fn fire_key(&mut self, key: DueKey, out: &mut Outbox) {
        if let Some(due) = self.due.take(key) {
            self.fire(due, out);
        }
    }

    /// Fires the earliest item due by `now`; `false` when none is.
    pub(super) fn fire_first_due(&mut self, now: Timestamp, out: &mut Outbox) -> bool {
        match self.due.take_first_due(now) {
            Some(due) => {
                self.fire(due, out);
                true
            }
            None => false,
        }
    }

    fn fire(&mut self, due: Due, out: &mut Outbox) {
        match due {
            Due::FarEnd(timer) => self.resolve_dial(timer, out),
            Due::IvrEnd { stay, .. } => self.ivr_time_up(stay, out),
            Due::AgentPhone { ring, .. } => self.resolve_ring(ring, out),
        }
    }
}
