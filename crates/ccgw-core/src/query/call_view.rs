//! A call as the queries show it, seen from one agent: plain data copied out of the
//! center, with what the agent sees of it (`held` for the one holding it, `talking` for
//! the one it talks with) worked out here.

use crate::agent::Agent;
use crate::call::{Call, CallParty, CallState, LastCall, Leg};
use crate::center::Center;
use crate::event::CallFeature;
use crate::ids::{CallId, SkillId, WorkNo};
use crate::time::Timestamp;

/// What a call is for the agent it is seen from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SeenState {
    Queued,
    Ringing,
    Dialling,
    Talking,
    Held,
    /// In an IVR flow.
    Ivr,
    /// A call the agent has left.
    Ended,
}

impl SeenState {
    pub fn as_str(self) -> &'static str {
        match self {
            SeenState::Queued => "queued",
            SeenState::Ringing => "ringing",
            SeenState::Dialling => "dialling",
            SeenState::Talking => "talking",
            SeenState::Held => "held",
            SeenState::Ivr => "ivr",
            SeenState::Ended => "ended",
        }
    }
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallView {
    pub id: CallId,
    pub caller: String,
    pub called: String,
    pub media_type: u8,
    pub call_data: String,
    pub business_data: String,
    pub skill: SkillId,
    /// The name of the skill in the call's VDN; "" if it is no longer configured.
    pub skill_name: String,
    pub feature: CallFeature,
    pub state: SeenState,
    /// The agent the call is seen from (in an IVR flow: the agent it returns to); `None`
    /// while queued.
    pub seen_by: Option<WorkNo>,
    /// That agent's leg, if it is a party.
    pub leg: Option<Leg>,
    /// Arrival in the center (or placing).
    pub arrived: Timestamp,
    /// Since when the call is queued, offered, live or in its IVR flow (the agent left
    /// it, for an ended call).
    pub state_since: Timestamp,
    /// The agent who last transferred the call.
    pub transferred_from: Option<WorkNo>,
    /// Everyone in the call or being connected to it, in the order they came.
    pub parties: Vec<CallParty>,
}

impl CallView {
    /// The call as its main agent sees it: the one it rings at, else the agent who
    /// answered or placed it if still in it, else the first agent in it.
    pub(crate) fn of(center: &Center, call: &Call) -> Self {
        Self::seen_by(center, call, main_agent(call))
    }

    /// The call as `agent`, one of its parties, sees it.
    pub(crate) fn at(center: &Center, call: &Call, agent: WorkNo) -> Self {
        Self::seen_by(center, call, Some(agent))
    }

    fn seen_by(center: &Center, call: &Call, agent: Option<WorkNo>) -> Self {
        let info = call.info();
        let since = match call.state() {
            CallState::Queued => call.queued_since(),
            CallState::Offered { since, .. } | CallState::Live { since } | CallState::InIvr { since, .. } => *since,
        };
        Self {
            id: info.id.clone(),
            caller: info.caller.clone(),
            called: info.called.clone(),
            media_type: info.media_type,
            call_data: info.call_data.clone(),
            business_data: call.business_data().to_owned(),
            skill: call.skill(),
            skill_name: center.skill(info.vdn, call.skill()).map(|skill| skill.name.clone()).unwrap_or_default(),
            feature: call.feature(),
            state: state_seen_by(call, agent),
            seen_by: agent,
            leg: agent.and_then(|agent| call.agent_leg(agent)),
            arrived: call.arrived(),
            state_since: since,
            transferred_from: call.transferred_from(),
            parties: call.parties().to_vec(),
        }
    }

    /// A call the agent has left.
    pub(crate) fn ended(center: &Center, agent: &Agent, last: &LastCall) -> Self {
        let vdn = agent.profile().vdn;
        Self {
            id: last.id.clone(),
            caller: last.caller.clone(),
            called: last.called.clone(),
            media_type: last.media_type,
            call_data: last.call_data.clone(),
            business_data: String::new(),
            skill: last.skill,
            skill_name: center.skill(vdn, last.skill).map(|skill| skill.name.clone()).unwrap_or_default(),
            feature: last.feature,
            state: SeenState::Ended,
            seen_by: Some(agent.work_no()),
            leg: None,
            arrived: last.arrived,
            state_since: last.left,
            transferred_from: None,
            parties: Vec::new(),
        }
    }
}

fn main_agent(call: &Call) -> Option<WorkNo> {
    let in_call = |agent: &WorkNo| call.agent_leg(*agent).is_some();
    match call.state() {
        CallState::Queued => None,
        CallState::Offered { agent, .. } => Some(*agent),
        CallState::Live { .. } => call
            .answered()
            .map(|(agent, _)| agent)
            .filter(in_call)
            .or_else(|| call.placed_by().filter(in_call))
            .or_else(|| call.agents().next()),
        CallState::InIvr { returns_to, .. } => *returns_to,
    }
}

/// What the call is for `agent`: its leg, and whether anybody else is on the line.
fn state_seen_by(call: &Call, agent: Option<WorkNo>) -> SeenState {
    let leg = agent.and_then(|agent| call.agent_leg(agent));
    match (call.state(), leg) {
        (CallState::Queued, _) => SeenState::Queued,
        (CallState::InIvr { .. }, _) => SeenState::Ivr,
        (CallState::Offered { .. }, _) | (CallState::Live { .. }, Some(Leg::Alerting)) => SeenState::Ringing,
        (CallState::Live { .. }, Some(Leg::Held)) => SeenState::Held,
        (CallState::Live { .. }, Some(Leg::Connected)) if agent.is_some_and(|agent| call.is_talking(agent)) => {
            SeenState::Talking
        }
        (CallState::Live { .. }, Some(Leg::Setup | Leg::Connected)) => SeenState::Dialling,
        (CallState::Live { .. }, None) if call.answered().is_some() => SeenState::Talking,
        (CallState::Live { .. }, None) => SeenState::Dialling,
    }
}
