//! Gateway agent state codes (`agentState`, spec 02 §4.1).

use crate::agent::{AgentState, Pending};

pub const SIGNED_OUT: u8 = 2;
pub const BUSY: u8 = 3;
pub const IDLE: u8 = 4;
pub const WORK: u8 = 5;
pub const TALKING: u8 = 7;
pub const REST: u8 = 8;
pub const PRE_REST: u8 = 9;

/// The code of a signed-in agent's state. Ringing counts as talking: the platform's
/// pre-occupied/answering states (2, 4) map to gateway state 7. An agent in a call or in
/// wrap-up whose rest request waits is "pre-rest" (9).
pub fn agent_state_code(state: &AgentState, pending: Option<Pending>) -> u8 {
    match state {
        AgentState::Ringing { .. }
        | AgentState::Talking { .. }
        | AgentState::Inspecting { .. }
        | AgentState::WrapUp { .. }
            if matches!(pending, Some(Pending::Rest { .. })) =>
        {
            PRE_REST
        }
        AgentState::Idle { .. } => IDLE,
        AgentState::NotReady { .. } => BUSY,
        AgentState::Rest { .. } => REST,
        AgentState::WrapUp { .. } => WORK,
        AgentState::Ringing { .. } | AgentState::Talking { .. } | AgentState::Inspecting { .. } => TALKING,
    }
}

/// Every code a query may report, for filters such as `agentlistbystatus?status=`.
pub const ALL: [u8; 7] = [SIGNED_OUT, BUSY, IDLE, WORK, TALKING, REST, PRE_REST];
