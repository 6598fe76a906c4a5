//! `/calldata/{agentid}/…` (spec 05 §1): what an agent reads and writes about calls.
//! Shapes and errors: `docs/calldata.md`. This module holds the call-information object
//! and the reads of the caller's own calls; `calldata_lists` the hold lists and the calls
//! of other agents and of the VDN, `calldata_writes` the writes, `call_records` the
//! record lists.
//!
//! ccgw's choices where the spec leaves them open:
//! - a call is the call-information object of [`CallInfo`] (spec 05 §1.2's indicative
//!   keys, plus its state and times), seen from one agent: the same call is `held` for
//!   the agent holding it and `talking` for the one it talks with;
//! - the agent's calls are every call it is in: the held ones (oldest first), then the
//!   current one (ringing, dialling, talking or held);
//! - a query about a call that is not at the caller (another agent's, an ended one, an
//!   unknown id) is `000-002` with a message; nothing about other VDNs leaks;
//! - a query with no call to report answers success with `{}` (or `[]`, `0`, `false`),
//!   so that clients reading `result` fields find them absent rather than fail.

use axum::extract::State;
use ccgw_core::{CallId, CallView, Party, Query, QueryAnswer, SkillId, party_number};
use serde::Serialize;
use serde_json::json;

use super::agentgroup::invalid;
use super::context::AgentCall;
use super::reads::{ask, call_list, calls_of};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Routes::new()
        .merge(super::calldata_lists::routes(base))
        .merge(super::calldata_writes::routes(base))
        .merge(super::call_records::routes(base))
        .get(&at("/callinfo"), current_call)
        .get(&at("/privatecallinfo"), private_call_info)
        .get(&at("/statistics"), statistics)
        .get(&at("/callinfobeforeanswer"), ringing_call)
        .get(&at("/callinfobycallid/{callid}"), call_by_id)
        .get(&at("/allcallid"), call_ids)
        .get(&at("/callnums"), call_count)
        .get(&at("/isprocesscall"), is_in_call)
        .get(&at("/remotenumbers"), remote_numbers)
        .get(&at("/appdata"), call_data)
        .get(&at("/waitcallinfo/{skillid}"), waiting_in_skill)
}

/// The call-information object (spec 05 §1.2's keys, then ccgw's).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(super) struct CallInfo {
    call_id: String,
    caller: String,
    called: String,
    /// Media type of the call's skill (5 = voice).
    media_ability: u8,
    #[serde(rename = "calldata")]
    call_data: String,
    call_skill_id: u32,
    call_skill: String,
    /// Call type of spec 04 §5.1.
    call_type: u8,
    /// `queued`, `ringing`, `dialling`, `talking`, `held`, `ivr` (in an IVR flow); `ended`
    /// for a last call.
    state: &'static str,
    /// Work number of the agent the call is seen from (in `ivr`: the agent it returns
    /// to); "" while queued.
    agent: String,
    /// Arrival in the center (or placing), ms since 1970.
    begin_time: u64,
    /// Since when the call is queued, offered, live or in its IVR flow (the agent left it,
    /// for a last call), ms since 1970.
    state_since: u64,
}

impl CallInfo {
    /// Renders a call as the core sees it from one agent.
    pub(super) fn of(call: &CallView) -> Self {
        Self {
            call_id: call.id.to_string(),
            caller: call.caller.clone(),
            called: call.called.clone(),
            media_ability: call.media_type,
            call_data: call.call_data.clone(),
            call_skill_id: call.skill.get(),
            call_skill: call.skill_name.clone(),
            call_type: call.feature.code(),
            state: call.state.as_str(),
            agent: call.seen_by.map(|agent| agent.to_string()).unwrap_or_default(),
            begin_time: call.arrived.as_millis(),
            state_since: call.state_since.as_millis(),
        }
    }
}

/// `{}` when there is no call to describe.
#[derive(Serialize)]
#[serde(untagged)]
enum MaybeCall {
    Call(Box<CallInfo>),
    None {},
}

impl MaybeCall {
    fn of(call: Option<&CallView>) -> Self {
        call.map_or(Self::None {}, |call| Self::Call(Box::new(CallInfo::of(call))))
    }
}

/// `GET callinfo[?isNoContainLastCall=]`: the current call; without one, the last call
/// the agent talked in (state `ended`) unless `isNoContainLastCall=true`; else `{}`.
async fn current_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let with_last = match call.query.get("isNoContainLastCall").map(String::as_str) {
        None => true,
        Some(flag) if flag.eq_ignore_ascii_case("false") => true,
        Some(flag) if flag.eq_ignore_ascii_case("true") => false,
        Some(_) => return invalid("isNoContainLastCall must be true or false"),
    };
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| match (&calls.current, &calls.last) {
        (Some(current), _) => MaybeCall::of(Some(current)),
        (None, Some(last)) if with_last => MaybeCall::of(Some(last)),
        (None, _) => MaybeCall::None {},
    }))
}

async fn ringing_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| MaybeCall::of(calls.ringing.as_ref())))
}

async fn call_by_id(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(wanted) = call.param("callid").and_then(|text| CallId::parse(text).ok()) else {
        return invalid("callid");
    };
    HuaweiReply::answer(calls_of(&state, &call, None).await.and_then(|calls| {
        match calls.calls.iter().find(|call| call.id == wanted) {
            Some(call) => Ok(CallInfo::of(call)),
            None => Err(invalid(&format!("call {wanted} is not at this agent"))),
        }
    }))
}

async fn call_ids(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        calls_of(&state, &call, None)
            .await
            .map(|calls| calls.calls.iter().map(|call| call.id.to_string()).collect::<Vec<_>>()),
    )
}

async fn call_count(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| calls.calls.len()))
}

async fn is_in_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| !calls.calls.is_empty()))
}

/// The other parties of every call of the agent, each number once, in call order.
async fn remote_numbers(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| {
        let me = Party::Agent(calls.agent);
        let mut numbers: Vec<String> = Vec::new();
        for party in calls.calls.iter().flat_map(|call| &call.parties).filter(|party| party.party != me) {
            let number = party_number(&party.party);
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
        numbers
    }))
}

/// `GET appdata`: the call data of the current call; "" without one.
async fn call_data(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        calls_of(&state, &call, None).await.map(|calls| calls.current.map(|call| call.call_data).unwrap_or_default()),
    )
}

/// `GET privatecallinfo`: the data the agent's current call carries, call data and
/// business data; `{}` without a current call.
async fn private_call_info(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(calls_of(&state, &call, None).await.map(|calls| match calls.current {
        Some(call) => json!({
            "callId": call.id.as_str(),
            "calldata": call.call_data,
            "businessdata": call.business_data,
        }),
        None => json!({}),
    }))
}

/// Spec 05 §1.4's names; counts since sign-in, times in whole seconds.
#[derive(Serialize)]
struct Statistics {
    talktime: u64,
    answernums: u32,
    noanswernums: u32,
    calloutnums: u32,
    intercallnums: u32,
    interhelpnums: u32,
    transfernums: u32,
    transferoutnums: u32,
    transferivrnums: u32,
    redirectnums: u32,
    keepnums: u32,
    busynums: u32,
    restnums: u32,
    restoutnums: u32,
    resttime: u64,
    restouttime: u64,
    agentrelease: u32,
    busytime: u64,
}

async fn statistics(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let stats = ask(&state, &call, Query::Statistics, |answer| match answer {
        QueryAnswer::Statistics(stats) => Some(stats),
        _ => None,
    });
    HuaweiReply::answer(stats.await.map(|stats| Statistics {
        talktime: stats.talk_time.as_secs(),
        answernums: stats.answered,
        noanswernums: stats.not_answered,
        calloutnums: stats.called_out,
        intercallnums: stats.internal_calls,
        interhelpnums: stats.help_requests,
        transfernums: stats.transfers_received,
        transferoutnums: stats.transfers_made,
        // ccgw has no IVR transfers and no call redirection (forwarding is refused).
        transferivrnums: stats.transfers_to_ivr,
        redirectnums: 0,
        keepnums: stats.holds,
        busynums: stats.busy_count,
        restnums: stats.rests,
        restoutnums: stats.rests_overrun,
        resttime: stats.rest_time.as_secs(),
        restouttime: stats.rest_overrun_time.as_secs(),
        agentrelease: stats.released,
        busytime: stats.busy_time.as_secs(),
    }))
}

/// Calls waiting in one skill queue of the caller's VDN, first to be served first.
async fn waiting_in_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(skill) = call.param("skillid").and_then(|text| text.parse::<SkillId>().ok()) else {
        return invalid("skillid");
    };
    HuaweiReply::answer(
        call_list(&state, &call, Query::WaitingCalls(skill))
            .await
            .map(|calls| calls.iter().map(CallInfo::of).collect::<Vec<_>>()),
    )
}
