//! An agent as the queries show it: plain data copied out of the center.

use std::time::Duration;

use crate::agent::{Agent, AgentState, Pending};
use crate::catalog::state_code;
use crate::directory::AgentProfile;
use crate::ids::SkillId;
use crate::time::Timestamp;

/// A rest, taken or waiting to be taken (pre-rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestView {
    pub cause: u8,
    /// When the rest began; `None` while it waits for the call or wrap-up to end.
    pub started: Option<Timestamp>,
    pub length: Duration,
    pub overdue: bool,
}

/// A signed-in agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentView {
    /// The profile the agent signed in with.
    pub profile: AgentProfile,
    /// Gateway agent state code (spec 02 §4.1).
    pub status: u8,
    /// Platform (CTI) agent state (spec 02 §4.2).
    pub cti_status: u8,
    pub state_since: Timestamp,
    pub login_time: Timestamp,
    /// The phone signed in with.
    pub phone: String,
    /// Skills signed in to.
    pub skills: Vec<SkillId>,
    pub rest: Option<RestView>,
}

impl AgentView {
    pub(crate) fn of(agent: &Agent) -> Self {
        let rest = match (agent.state(), agent.pending()) {
            (AgentState::Rest { cause, ends, overdue }, _) => Some(RestView {
                cause: *cause,
                started: Some(agent.state_since()),
                length: ends.since(agent.state_since()),
                overdue: *overdue,
            }),
            (_, Some(Pending::Rest { length, cause, .. })) => {
                Some(RestView { cause, started: None, length, overdue: false })
            }
            _ => None,
        };
        Self {
            profile: agent.profile().clone(),
            status: state_code::agent_state_code(agent.state(), agent.pending()),
            cti_status: cti_status(agent.state()),
            state_since: agent.state_since(),
            login_time: agent.login_time(),
            phone: agent.phone().as_str().to_owned(),
            skills: agent.skills().collect(),
            rest,
        }
    }
}

/// Platform (CTI) agent state of a signed-in agent (spec 02 §4.2).
fn cti_status(state: &AgentState) -> u8 {
    match state {
        AgentState::Idle { .. } => 1,
        AgentState::Ringing { .. } => 4,
        AgentState::Talking { .. } | AgentState::Inspecting { .. } => 5,
        AgentState::WrapUp { .. } => 6,
        AgentState::NotReady { .. } => 7,
        AgentState::Rest { .. } => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_states_follow_the_huawei_table() {
        let t = Timestamp::from_millis(0);
        assert_eq!(cti_status(&AgentState::Idle { since: t }), 1);
        assert_eq!(cti_status(&AgentState::NotReady { reason: 0 }), 7);
        assert_eq!(cti_status(&AgentState::Rest { cause: 1, ends: t, overdue: false }), 8);
        assert_eq!(cti_status(&AgentState::WrapUp { ends: None }), 6);
    }
}
