//! Gateway agent state codes (`agentState`, spec 02 §4.1).

use crate::agent::AgentState;

pub const SIGNED_OUT: u8 = 2;
pub const BUSY: u8 = 3;
pub const IDLE: u8 = 4;
pub const WORK: u8 = 5;
pub const TALKING: u8 = 7;

/// The code of a signed-in agent's state. Ringing counts as talking: the platform's
/// pre-occupied/answering states (2, 4) map to gateway state 7.
pub fn agent_state_code(state: &AgentState) -> u8 {
    match state {
        AgentState::Idle { .. } => IDLE,
        AgentState::NotReady { .. } => BUSY,
        AgentState::WrapUp { .. } => WORK,
        AgentState::Ringing { .. } | AgentState::Talking { .. } => TALKING,
    }
}
