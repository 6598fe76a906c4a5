//! What an agent did since it signed in (`calldata/{agentid}/statistics`). The center
//! bumps each counter where the thing it counts happens; the time spent talking, busy and
//! resting is added up each time the agent leaves one of those states.

use std::time::Duration;

use crate::agent::AgentState;
use crate::time::Timestamp;

/// An agent's counters since sign-in. `docs/calldata.md` says what bumps each one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentStats {
    /// Calls that rang at the agent and that it answered, by hand or automatically.
    pub answered: u32,
    /// Calls that rang at the agent until the ring timeout (`AgentEvent_No_Answer`).
    pub not_answered: u32,
    /// Calls the agent placed to a number (`callout`).
    pub called_out: u32,
    /// Internal calls the agent placed (`callinner`, `callinnerskill`).
    pub internal_calls: u32,
    /// Consultations the agent asked for (`innerhelp`).
    pub help_requests: u32,
    /// Calls that came to the agent by a transfer and that it answered.
    pub transfers_received: u32,
    /// Transfers the agent asked for and ccgw accepted, whatever their outcome.
    pub transfers_made: u32,
    /// The part of `transfers_made` that went to an IVR flow (blind or suspend).
    pub transfers_to_ivr: u32,
    /// Calls the agent put on hold (`AgentEvent_Hold`).
    pub holds: u32,
    /// Times the agent was set busy (`AgentState_SetNotReady_Success`).
    pub busy_count: u32,
    /// Rests the agent began (`AgentState_SetRest_Success`).
    pub rests: u32,
    /// Rests that ran past their length (`AgentState_Rest_Timeout`).
    pub rests_overrun: u32,
    /// Calls the agent hung up or declined (`release`, `dropcall`, `releasephone`).
    pub released: u32,
    /// Time in the talking state: in calls, holding or setting its own calls up.
    pub talk_time: Duration,
    /// Time in the busy (not ready) state.
    pub busy_time: Duration,
    /// Time in rest.
    pub rest_time: Duration,
    /// The part of `rest_time` after each rest's length had run out.
    pub rest_overrun_time: Duration,
}

impl AgentStats {
    /// Adds the time from `since` to `now` spent in `state`, which the agent leaves now.
    pub(crate) fn add_time_in(&mut self, state: &AgentState, since: Timestamp, now: Timestamp) {
        let spent = now.since(since);
        match state {
            AgentState::Talking { .. } => self.talk_time += spent,
            AgentState::NotReady { .. } => self.busy_time += spent,
            AgentState::Rest { ends, .. } => {
                self.rest_time += spent;
                self.rest_overrun_time += now.since((*ends).max(since));
            }
            AgentState::Idle { .. }
            | AgentState::WrapUp { .. }
            | AgentState::Ringing { .. }
            | AgentState::Inspecting { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    #[test]
    fn time_goes_to_the_state_that_is_left_and_only_an_overrun_rest_counts_as_overrun() {
        let mut stats = AgentStats::default();
        stats.add_time_in(&AgentState::NotReady { reason: 0 }, at(1_000), at(4_000));
        stats.add_time_in(&AgentState::Idle { since: at(0) }, at(4_000), at(9_000));
        stats.add_time_in(&AgentState::Rest { cause: 1, ends: at(20_000), overdue: false }, at(10_000), at(15_000));
        stats.add_time_in(&AgentState::Rest { cause: 1, ends: at(20_000), overdue: true }, at(16_000), at(23_000));
        assert_eq!(stats.busy_time, Duration::from_secs(3));
        assert_eq!(stats.rest_time, Duration::from_secs(12));
        assert_eq!(stats.rest_overrun_time, Duration::from_secs(3));
        assert_eq!(stats.talk_time, Duration::ZERO);
    }
}
