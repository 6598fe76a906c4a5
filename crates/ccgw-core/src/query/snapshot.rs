//! One agent's whole state at one instant, for a client that starts (or restarts)
//! following the agent's events: who it is, its state, and the calls it is in with
//! their parties and call data.
//!
//! Not a [`Query`](super::Query): a query is asked by a signed-in agent about its VDN,
//! while a snapshot may be of a signed-out agent and read by the admin, who is no agent.
//! The caller (the engine) checks who reads; the snapshot shows only what the agent
//! itself may see — its own calls, each as it sees them, which the Huawei call-data
//! queries already show it — so it is the same for the agent and for the admin.

use crate::agent::StateKind;
use crate::center::Center;
use crate::ids::{CallId, WorkNo};
use crate::time::Timestamp;

use super::{AgentView, CallView};

/// An agent at one instant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentSnapshot {
    pub work_no: WorkNo,
    /// The center's time when the snapshot was taken.
    pub taken_at: Timestamp,
    /// `None` while the agent is signed out (then it is in no call).
    pub signed_in: Option<SignedInSnapshot>,
}

/// A signed-in agent and its calls.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedInSnapshot {
    pub agent: AgentView,
    /// The agent's state, with ringing and talking told apart (the gateway state code
    /// in `agent.status` counts both as talking).
    pub state: StateKind,
    /// Every call the agent is in, as it sees each: the held ones, oldest first, then
    /// the current one.
    pub calls: Vec<CallView>,
    /// The current call (ringing, dialling, talking, or held), one of `calls`.
    pub current: Option<CallId>,
}

impl Center {
    /// The agent at `work_no` as it is now, signed in or not.
    pub fn agent_snapshot(&self, work_no: WorkNo, now: Timestamp) -> AgentSnapshot {
        let signed_in = self.agent(work_no).map(|agent| {
            let calls = self.agent_calls(agent);
            SignedInSnapshot {
                agent: AgentView::of(agent),
                state: agent.state().kind(),
                current: calls.current.map(|call| call.id),
                calls: calls.calls,
            }
        });
        AgentSnapshot { work_no, taken_at: now, signed_in }
    }
}
