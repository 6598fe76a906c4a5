//! `/calldata/{agentid}/…` lists of calls: the held calls of the caller or of another
//! agent (`holdlist`, `holdlistex/{workno}`, `agentholdnum/{workno}`), every call of an
//! agent (`allcallinfo/{workno}`, `allcallinfoEx/{workno}`) and every call of the VDN
//! (`allcallinfoinvdn`). Shapes: `docs/calldata.md`.
//!
//! As for the agentgroup queries, any signed-in agent may read these for any agent of its
//! own VDN; an agent not signed in to the caller's VDN (unknown, signed out, or of
//! another VDN, alike) is `300-002`.

use axum::extract::State;
use ccgw_core::{AgentCalls, CallParty, CallView, Leg, Party, Query, Refusal, party_number};
use serde::Serialize;

use super::agentgroup::work_no_param;
use super::calldata::CallInfo;
use super::context::AgentCall;
use super::reads::{call_list, calls_of};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Routes::new()
        .get(&at("/holdlist"), own_held_calls)
        .get(&at("/holdlistex/{workno}"), held_calls_of)
        .get(&at("/agentholdnum/{workno}"), held_count_of)
        .get(&at("/allcallinfo/{workno}"), calls_of_agent)
        .get(&at("/allcallinfoEx/{workno}"), calls_of_agent_in_full)
        .get(&at("/allcallinfoinvdn"), calls_in_vdn)
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
    fn of(call: &CallView) -> Self {
        Self {
            callfeature: call.feature.code(),
            callid: call.id.to_string(),
            caller: call.caller.clone(),
            called: call.called.clone(),
            callskill: call.skill_name.clone(),
            callskillid: call.skill.get(),
            orgicallednum: call.called.clone(),
            calldata: call.call_data.clone(),
        }
    }
}

/// The calls the agent holds, oldest first (the current one last, if it is held too).
fn held(calls: &AgentCalls) -> impl Iterator<Item = &CallView> {
    calls.calls.iter().filter(|call| call.leg == Some(Leg::Held))
}

fn hold_list(calls: &AgentCalls) -> Result<Vec<HeldCall>, HuaweiReply> {
    let list: Vec<HeldCall> = held(calls).map(HeldCall::of).collect();
    if list.is_empty() {
        return Err(HuaweiReply::refused(&Refusal::NoHeldCallToList));
    }
    Ok(list)
}

/// The calls of the agent named by `{workno}`, who must be signed in to the caller's VDN.
async fn calls_of_other(state: &ApiState, call: &AgentCall) -> Result<AgentCalls, HuaweiReply> {
    let work_no = work_no_param(call)?;
    calls_of(state, call, Some(work_no)).await
}

/// `GET holdlist`: the caller's held calls; `400-003` when it holds none.
async fn own_held_calls(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.and_then(|calls| hold_list(&calls)))
}

/// `GET holdlistex/{workno}`: another agent's held calls, as `holdlist`.
async fn held_calls_of(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of_other(&state, &call).await.and_then(|calls| hold_list(&calls)))
}

/// `GET agentholdnum/{workno}`: how many calls that agent holds (0 when none).
async fn held_count_of(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of_other(&state, &call).await.map(|calls| held(&calls).count()))
}

/// `GET allcallinfo/{workno}`: every call of that agent, as it sees them.
async fn calls_of_agent(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        calls_of_other(&state, &call).await.map(|calls| calls.calls.iter().map(CallInfo::of).collect::<Vec<_>>()),
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
    let full = |call: &CallView| CallInFull {
        info: CallInfo::of(call),
        transfer_from: call.transferred_from.map(|from| from.to_string()).unwrap_or_default(),
        parties: call.parties.iter().map(PartyInfo::of).collect(),
    };
    HuaweiReply::answer(
        calls_of_other(&state, &call).await.map(|calls| calls.calls.iter().map(full).collect::<Vec<_>>()),
    )
}

/// `GET allcallinfoinvdn`: every call of the caller's VDN (queued, ringing, live), in
/// arrival order, each as its main agent sees it.
async fn calls_in_vdn(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        call_list(&state, &call, Query::CallsInVdn)
            .await
            .map(|calls| calls.iter().map(CallInfo::of).collect::<Vec<_>>()),
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
