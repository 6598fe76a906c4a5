//! A customer call as the distribution core sees it.

use std::cmp::Reverse;

use crate::ids::{CallId, PhoneNumber, SkillId, Vdn, WorkNo};
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallState {
    /// Waiting in its skill queue.
    Queued,
    /// Ringing at `agent`; `offer` tells a stale ring timeout from the current one.
    Offered {
        agent: WorkNo,
        offer: u64,
        since: Timestamp,
    },
    Talking {
        agent: WorkNo,
        since: Timestamp,
    },
}

/// A call placed into a skill queue by the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    pub id: CallId,
    pub vdn: Vdn,
    pub skill: SkillId,
    pub caller: String,
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first; equal priorities are served in arrival order.
    pub priority: u8,
}

/// A waiting call's place in its queue: higher priority first, then earlier arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueKey {
    rank: Reverse<u8>,
    arrived: Timestamp,
    seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub(crate) info: NewCall,
    pub(crate) arrived: Timestamp,
    /// Arrival order in the center, to break ties between calls of the same millisecond.
    pub(crate) seq: u64,
    pub(crate) state: CallState,
    /// Agents this call was offered to and who did not take it, oldest first.
    pub(crate) offered_to: Vec<WorkNo>,
    /// Skill queues the call entered, in order; the last is its current queue.
    pub(crate) route: Vec<SkillId>,
    /// When the call entered its current queue.
    pub(crate) queued_since: Timestamp,
}

impl Call {
    pub fn id(&self) -> &CallId {
        &self.info.id
    }

    pub fn info(&self) -> &NewCall {
        &self.info
    }

    pub fn arrived(&self) -> Timestamp {
        self.arrived
    }

    pub fn state(&self) -> &CallState {
        &self.state
    }

    /// The skill queue the call is in (or was offered from).
    pub fn skill(&self) -> SkillId {
        self.route.last().copied().unwrap_or(self.info.skill)
    }

    pub fn route(&self) -> &[SkillId] {
        &self.route
    }

    pub fn queued_since(&self) -> Timestamp {
        self.queued_since
    }

    pub fn offered_to(&self) -> &[WorkNo] {
        &self.offered_to
    }

    pub(crate) fn queue_key(&self) -> QueueKey {
        QueueKey { rank: Reverse(self.info.priority), arrived: self.arrived, seq: self.seq }
    }
}

/// Who or what ended a call that had been answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    Customer,
    Agent,
    /// The agent was signed out by force or by the liveness timeout.
    SignOut,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Customer => "customer",
            EndedBy::Agent => "agent",
            EndedBy::SignOut => "sign-out",
        }
    }
}

/// How a call ended: every call ends with exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// Talked with `agent`.
    Answered { agent: WorkNo, answered_at: Timestamp, ended_by: EndedBy },
    /// The customer hung up while the call waited in the queue.
    AbandonedInQueue,
    /// The customer hung up while the call rang at `agent`.
    AbandonedRinging { agent: WorkNo },
    /// No agent could take the call: unknown skill, or an unstaffed skill that refuses calls.
    NoAgent,
    /// The queue already held its maximum of waiting calls.
    QueueFull,
    /// The call waited its maximum and left the center for `to`.
    Overflowed { to: PhoneNumber },
    /// The call waited its maximum and had nowhere to overflow to.
    TimedOut,
}

impl CallOutcome {
    /// Every value [`CallOutcome::code`] can give.
    pub const CODES: [&'static str; 7] =
        ["answered", "abandoned-in-queue", "abandoned-ringing", "no-agent", "queue-full", "overflowed", "timed-out"];

    /// A stable name for records and the extension API.
    pub fn code(&self) -> &'static str {
        match self {
            CallOutcome::Answered { .. } => "answered",
            CallOutcome::AbandonedInQueue => "abandoned-in-queue",
            CallOutcome::AbandonedRinging { .. } => "abandoned-ringing",
            CallOutcome::NoAgent => "no-agent",
            CallOutcome::QueueFull => "queue-full",
            CallOutcome::Overflowed { .. } => "overflowed",
            CallOutcome::TimedOut => "timed-out",
        }
    }

    /// The agent who answered or was ringing, if any.
    pub fn agent(&self) -> Option<WorkNo> {
        match self {
            CallOutcome::Answered { agent, .. } | CallOutcome::AbandonedRinging { agent } => Some(*agent),
            _ => None,
        }
    }
}

/// The record of a finished call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEnd {
    /// The call as it arrived (its `skill` is the first queue it entered).
    pub call: NewCall,
    /// Every skill queue the call entered, in order; the last is where it ended.
    pub route: Vec<SkillId>,
    pub arrived: Timestamp,
    pub ended: Timestamp,
    pub outcome: CallOutcome,
    /// Agents the call was offered to who did not take it, oldest first.
    pub offered_to: Vec<WorkNo>,
}
