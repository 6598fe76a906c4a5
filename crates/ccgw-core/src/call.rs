//! A customer call as the distribution core sees it.

use crate::ids::{CallId, SkillId, Vdn, WorkNo};
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub(crate) info: NewCall,
    pub(crate) arrived: Timestamp,
    pub(crate) state: CallState,
    /// Agents this call was offered to and who did not take it, oldest first.
    pub(crate) offered_to: Vec<WorkNo>,
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
}

/// Who or what ended a call that had been answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    Customer,
    Agent,
    /// The agent was signed out by force or by the liveness timeout.
    SignOut,
}

/// How a call ended: every call ends with exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Talked with `agent`.
    Answered { agent: WorkNo, answered_at: Timestamp, ended_by: EndedBy },
    /// The customer hung up while the call waited in the queue.
    AbandonedInQueue,
    /// The customer hung up while the call rang at an agent.
    AbandonedRinging,
}

/// The record of a finished call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEnd {
    pub call: NewCall,
    pub arrived: Timestamp,
    pub ended: Timestamp,
    pub outcome: CallOutcome,
    pub offered_to: Vec<WorkNo>,
}
