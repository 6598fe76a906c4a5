//! Per-skill statistics: counters since start-up, and a live snapshot of the queue and
//! of the agents signed in to the skill. Per-agent counters live on the agent
//! ([`AgentStats`]); [`Center::tally`] bumps them.

use std::time::Duration;

use super::Center;
use crate::agent::{AgentState, Pending};
use crate::agent_stats::AgentStats;
use crate::call::CallOutcome;
use crate::ids::{CallId, SkillId, Vdn, WorkNo};
use crate::time::Timestamp;

/// What happened in one skill queue since start-up. A call is counted in the queue it
/// was in when the event happened (an overflowing call is `entered` in both).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkillCounters {
    pub entered: u64,
    pub answered: u64,
    pub abandoned_in_queue: u64,
    pub abandoned_ringing: u64,
    /// Offers taken back after the ring timeout.
    pub no_answer: u64,
    /// Moved on to another skill queue.
    pub overflowed: u64,
    /// Sent out of the center to an overflow number.
    pub overflowed_out: u64,
    pub no_agent: u64,
    pub queue_full: u64,
    pub timed_out: u64,
    /// Sum and maximum of the time answered calls waited in this queue.
    pub answered_wait_total: Duration,
    pub answered_wait_max: Duration,
}

impl SkillCounters {
    pub(super) fn answered_after(&mut self, waited: Duration) {
        self.answered += 1;
        self.answered_wait_total += waited;
        self.answered_wait_max = self.answered_wait_max.max(waited);
    }

    pub(super) fn ended(&mut self, outcome: &CallOutcome) {
        match outcome {
            CallOutcome::Answered { .. }
            | CallOutcome::Failed { .. }
            | CallOutcome::Joined { .. }
            | CallOutcome::Shutdown
            | CallOutcome::Unrouted
            | CallOutcome::LostAtRestart => {}
            CallOutcome::AbandonedInQueue => self.abandoned_in_queue += 1,
            CallOutcome::AbandonedRinging { .. } => self.abandoned_ringing += 1,
            CallOutcome::NoAgent => self.no_agent += 1,
            CallOutcome::QueueFull => self.queue_full += 1,
            CallOutcome::Overflowed { .. } => self.overflowed_out += 1,
            CallOutcome::TimedOut => self.timed_out += 1,
        }
    }

    /// Mean wait of answered calls; zero when none was answered.
    pub fn answered_wait_mean(&self) -> Duration {
        match u32::try_from(self.answered) {
            Ok(0) | Err(_) => Duration::ZERO,
            Ok(count) => self.answered_wait_total / count,
        }
    }
}

/// One skill queue right now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkillSnapshot {
    pub vdn: Vdn,
    pub skill: SkillId,
    pub waiting: u32,
    /// How long the call that has waited longest has waited.
    pub longest_wait: Duration,
    pub signed_in: u32,
    pub idle: u32,
    /// Idle agents who may be offered a call (talk right on).
    pub available: u32,
    pub busy: u32,
    pub rest: u32,
    pub wrap_up: u32,
    pub ringing: u32,
    pub talking: u32,
    /// Agents in a call or wrap-up with a rest request waiting (state code 9).
    pub pre_rest: u32,
    pub counters: SkillCounters,
}

impl SkillSnapshot {
    /// A queue with nobody in it and nothing counted yet.
    pub fn empty(vdn: Vdn, skill: SkillId) -> Self {
        Self {
            vdn,
            skill,
            waiting: 0,
            longest_wait: Duration::ZERO,
            signed_in: 0,
            idle: 0,
            available: 0,
            busy: 0,
            rest: 0,
            wrap_up: 0,
            ringing: 0,
            talking: 0,
            pre_rest: 0,
            counters: SkillCounters::default(),
        }
    }
}

impl Center {
    /// The live state of one skill queue; zeros for a skill nobody uses.
    pub fn skill_snapshot(&self, vdn: Vdn, skill: SkillId, now: Timestamp) -> SkillSnapshot {
        let key = (vdn, skill);
        let mut snapshot = SkillSnapshot::empty(vdn, skill);
        if let Some(queue) = self.queues.get(&key) {
            snapshot.waiting = u32::try_from(queue.len()).unwrap_or(u32::MAX);
            snapshot.longest_wait = queue
                .values()
                .filter_map(|id| self.calls.get(id))
                .map(|call| now.since(call.queued_since))
                .max()
                .unwrap_or_default();
        }
        snapshot.available = self.pools.get(&key).map_or(0, |pool| u32::try_from(pool.len()).unwrap_or(u32::MAX));
        for agent in self.staffed.get(&key).into_iter().flatten().filter_map(|w| self.agents.get(w)) {
            snapshot.signed_in += 1;
            let counter = match agent.state {
                AgentState::Idle { .. } => &mut snapshot.idle,
                AgentState::NotReady { .. } => &mut snapshot.busy,
                AgentState::Rest { .. } => &mut snapshot.rest,
                AgentState::WrapUp { .. } => &mut snapshot.wrap_up,
                AgentState::Ringing { .. } => &mut snapshot.ringing,
                AgentState::Talking { .. } | AgentState::Inspecting { .. } => &mut snapshot.talking,
            };
            *counter += 1;
            if matches!(agent.pending, Some(Pending::Rest { .. })) {
                snapshot.pre_rest += 1;
            }
        }
        snapshot.counters = self.counters.get(&key).cloned().unwrap_or_default();
        snapshot
    }

    /// Calls waiting in one skill queue, head first.
    pub fn waiting_calls(&self, vdn: Vdn, skill: SkillId) -> impl Iterator<Item = &crate::call::Call> {
        self.queues.get(&(vdn, skill)).into_iter().flat_map(|queue| queue.values()).filter_map(|id| self.calls.get(id))
    }
}

impl Center {
    /// Bumps a counter of a signed-in agent.
    pub(super) fn tally(&mut self, work_no: WorkNo, bump: impl FnOnce(&mut AgentStats)) {
        if let Some(agent) = self.agents.get_mut(&work_no) {
            bump(&mut agent.stats);
        }
    }

    /// The agent answered a call that rang at it; one that came by transfer is also a
    /// transfer received.
    pub(super) fn tally_answer(&mut self, work_no: WorkNo, call_id: &CallId) {
        let transferred = self.calls.get(call_id).is_some_and(|call| call.transferred_from.is_some());
        self.tally(work_no, |stats| {
            stats.answered += 1;
            stats.transfers_received += u32::from(transferred);
        });
    }
}
