//! `/calldata/{agentid}/…` lists of calls: the held calls of the caller or of another
//! agent (`holdlist`, `holdlistex/{workno}`, `agentholdnum/{workno}`), every call of an
//! agent (`allcallinfo/{workno}`, `allcallinfoEx/{workno}`) and every call of the VDN
//! (`allcallinfoinvdn`). Shapes: `docs/calldata.md`.
//!
//! As for the agentgroup queries, any signed-in agent may read these for any agent of its
//! own VDN; an agent not signed in to the caller's VDN (unknown, signed out, or of
//! another VDN, alike) is `300-002`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use ccgw_core::catalog::retcode;
use ccgw_core::{Agent, Call, CallParty, Center, Leg, Party, Refusal, Timestamp, party_number};
use serde::Serialize;

use super::agentgroup::work_no_param;
use super::calldata::{CallInfo, calls_of, skill_name, with_agent};
use super::context::AgentCall;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Router<ApiState> {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Router::new()
        .route(&at("/holdlist"), get(own_held_calls))
        .route(&at("/holdlistex/{workno}"), get(held_calls_of))
        .route(&at("/agentholdnum/{workno}"), get(held_count_of))
        .route(&at("/allcallinfo/{workno}"), get(calls_of_agent))
        .route(&at("/allcallinfoEx/{workno}"), get(calls_of_agent_in_full))
        .route(&at("/allcallinfoinvdn"), get(calls_in_vdn))
}

/// One element of a hold list (spec 05 §1.3's keys, then the call data).
#[derive(Debug, Serialize)]
struct HeldCall {
    /// Call type of spec 04 §5.1.
    callfeature: u8,
    callid: String,
    caller: String,
    called: String,
    callskill: String,
    callskillid: u32,
    /// The number the caller dialled; ccgw never changes `called`, so the same.
    orgicallednum: String,
    calldata: String,
}

impl HeldCall {
    fn of(center: &Center, call: &Call) -> Self {
        let info = call.info();
        Self {
            callfeature: call.feature().code(),
            callid: info.id.to_string(),
            caller: info.caller.clone(),
            called: info.called.clone(),
            callskill: skill_name(center, call, call.skill()),
            callskillid: call.skill().get(),
            orgicallednum: info.called.clone(),
            calldata: info.call_data.clone(),
        }
    }
}

/// The calls the agent holds, oldest first (the current one last, if it is held too).
fn held<'a>(center: &'a Center, agent: &'a Agent) -> impl Iterator<Item = &'a Call> + 'a {
    let work_no = agent.work_no();
    calls_of(center, agent).filter(move |call| call.agent_leg(work_no) == Some(Leg::Held))
}

fn hold_list(center: &Center, agent: &Agent) -> Result<Vec<HeldCall>, Refusal> {
    let list: Vec<HeldCall> = held(center, agent).map(|call| HeldCall::of(center, call)).collect();
    if list.is_empty() {
        return Err(Refusal::NoHeldCallToList);
    }
    Ok(list)
}

/// Reads the agent named by `{workno}`, who must be signed in to the caller's VDN.
async fn with_other_agent<R, F>(state: &ApiState, call: &AgentCall, read: F) -> Result<R, HuaweiReply>
where
    R: Send + 'static,
    F: FnOnce(&Center, &Agent, Timestamp) -> Result<R, Refusal> + Send + 'static,
{
    let work_no = work_no_param(call)?;
    let found = with_agent(state, call, move |center, me, now| {
        let vdn = me.profile().vdn;
        match center.agent(work_no).filter(|other| other.profile().vdn == vdn) {
            Some(other) => read(center, other, now).map(Some),
            None => Ok(None),
        }
    })
    .await?;
    found.ok_or_else(|| {
        HuaweiReply::error_with(retcode::AGENT_INFO_NONE, &format!("no signed-in agent {work_no} in this VDN"))
    })
}

/// `GET holdlist`: the caller's held calls; `400-003` when it holds none.
async fn own_held_calls(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_agent(&state, &call, |center, agent, _| hold_list(center, agent)).await)
}

/// `GET holdlistex/{workno}`: another agent's held calls, as `holdlist`.
async fn held_calls_of(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_other_agent(&state, &call, |center, agent, _| hold_list(center, agent)).await)
}

/// `GET agentholdnum/{workno}`: how many calls that agent holds (0 when none).
async fn held_count_of(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_other_agent(&state, &call, |center, agent, _| Ok(held(center, agent).count())).await)
}

/// `GET allcallinfo/{workno}`: every call of that agent, as it sees them.
async fn calls_of_agent(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_other_agent(&state, &call, |center, agent, _| {
            Ok(calls_of(center, agent).map(|call| CallInfo::at(center, call, agent.work_no())).collect::<Vec<_>>())
        })
        .await,
    )
}

/// A party of a call in `allcallinfoEx`.
#[derive(Debug, Serialize)]
struct PartyInfo {
    /// Work number of an agent, the number outside the center, or an IVR flow's access code.
    number: String,
    /// `agent`, `number` or `ivr`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// `dialling`, `ringing`, `connected`, `held`.
    state: &'static str,
    muted: bool,
}

impl PartyInfo {
    fn of(party: &CallParty) -> Self {
        Self {
            number: party_number(&party.party),
            kind: match party.party {
                Party::Agent(_) => "agent",
                Party::Number(_) => "number",
                Party::Ivr(_) => "ivr",
            },
            state: match party.leg {
                Leg::Setup => "dialling",
                Leg::Alerting => "ringing",
                Leg::Connected => "connected",
                Leg::Held => "held",
            },
            muted: party.muted,
        }
    }
}

/// The call-information object, then who is in the call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CallInFull {
    #[serde(flatten)]
    info: CallInfo,
    /// The agent who last transferred the call; "" if none.
    transfer_from: String,
    parties: Vec<PartyInfo>,
}

/// `GET allcallinfoEx/{workno}`: as `allcallinfo`, each call with its parties.
async fn calls_of_agent_in_full(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_other_agent(&state, &call, |center, agent, _| {
            let full = |call: &Call| CallInFull {
                info: CallInfo::at(center, call, agent.work_no()),
                transfer_from: call.transferred_from().map(|from| from.to_string()).unwrap_or_default(),
                parties: call.parties().iter().map(PartyInfo::of).collect(),
            };
            Ok(calls_of(center, agent).map(full).collect::<Vec<_>>())
        })
        .await,
    )
}

/// `GET allcallinfoinvdn`: every call of the caller's VDN (queued, ringing, live), in
/// arrival order, each as its main agent sees it.
async fn calls_in_vdn(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, me, _| {
            let vdn = me.profile().vdn;
            let mut calls: Vec<&Call> = center.calls().filter(|call| call.info().vdn == vdn).collect();
            calls.sort_by(|a, b| (a.arrived(), a.id()).cmp(&(b.arrived(), b.id())));
            Ok(calls.into_iter().map(|call| CallInfo::of(center, call)).collect::<Vec<_>>())
        })
        .await,
    )
}

#[cfg(test)]
mod tests {
    use ccgw_core::WorkNo;

    use super::*;

    #[test]
    fn a_party_tells_what_it_is_and_how_far_its_leg_has_come() {
        let agent = CallParty { party: Party::Agent(WorkNo::new(102).unwrap()), leg: Leg::Held, muted: false };
        let info = serde_json::to_value(PartyInfo::of(&agent)).unwrap();
        assert_eq!(info, serde_json::json!({"number": "102", "type": "agent", "state": "held", "muted": false}));
        let number = CallParty { party: Party::Number("5551234".into()), leg: Leg::Setup, muted: false };
        assert_eq!(PartyInfo::of(&number).state, "dialling");
    }
}
