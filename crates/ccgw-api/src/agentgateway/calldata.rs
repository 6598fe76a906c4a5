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

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use ccgw_core::{
    Agent, AgentState, Call, CallId, CallState, Center, LastCall, Leg, Party, Refusal, SkillId, Timestamp, WorkNo,
    party_number,
};
use serde::Serialize;
use serde_json::json;

use super::agentgroup::invalid;
use super::context::AgentCall;
use super::engine_failure;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Router<ApiState> {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Router::new()
        .merge(super::calldata_lists::routes(base))
        .merge(super::calldata_writes::routes(base))
        .merge(super::call_records::routes(base))
        .route(&at("/callinfo"), get(current_call))
        .route(&at("/privatecallinfo"), get(private_call_info))
        .route(&at("/statistics"), get(statistics))
        .route(&at("/callinfobeforeanswer"), get(ringing_call))
        .route(&at("/callinfobycallid/{callid}"), get(call_by_id))
        .route(&at("/allcallid"), get(call_ids))
        .route(&at("/callnums"), get(call_count))
        .route(&at("/isprocesscall"), get(is_in_call))
        .route(&at("/remotenumbers"), get(remote_numbers))
        .route(&at("/appdata"), get(call_data))
        .route(&at("/waitcallinfo/{skillid}"), get(waiting_in_skill))
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
    /// The call as its main agent sees it: the one it rings at, else the agent who
    /// answered or placed it if still in it, else the first agent in it.
    pub(super) fn of(center: &Center, call: &Call) -> Self {
        Self::seen_by(center, call, main_agent(call))
    }

    /// The call as `agent`, one of its parties, sees it.
    pub(super) fn at(center: &Center, call: &Call, agent: WorkNo) -> Self {
        Self::seen_by(center, call, Some(agent))
    }

    fn seen_by(center: &Center, call: &Call, agent: Option<WorkNo>) -> Self {
        let info = call.info();
        let since = match call.state() {
            CallState::Queued => call.queued_since(),
            CallState::Offered { since, .. } | CallState::Live { since } | CallState::InIvr { since, .. } => *since,
        };
        Self {
            call_id: info.id.to_string(),
            caller: info.caller.clone(),
            called: info.called.clone(),
            media_ability: info.media_type,
            call_data: info.call_data.clone(),
            call_skill_id: call.skill().get(),
            call_skill: skill_name(center, call, call.skill()),
            call_type: call.feature().code(),
            state: state_seen_by(call, agent),
            agent: agent.map(|agent| agent.to_string()).unwrap_or_default(),
            begin_time: call.arrived().as_millis(),
            state_since: since.as_millis(),
        }
    }

    /// A call the agent has left.
    fn ended(center: &Center, agent: &Agent, last: &LastCall) -> Self {
        let vdn = agent.profile().vdn;
        Self {
            call_id: last.id.to_string(),
            caller: last.caller.clone(),
            called: last.called.clone(),
            media_ability: last.media_type,
            call_data: last.call_data.clone(),
            call_skill_id: last.skill.get(),
            call_skill: center.skill(vdn, last.skill).map(|skill| skill.name.clone()).unwrap_or_default(),
            call_type: last.feature.code(),
            state: "ended",
            agent: agent.work_no().to_string(),
            begin_time: last.arrived.as_millis(),
            state_since: last.left.as_millis(),
        }
    }
}

/// The name of a skill of the call's VDN; "" if it is no longer configured.
pub(super) fn skill_name(center: &Center, call: &Call, skill: SkillId) -> String {
    center.skill(call.info().vdn, skill).map(|profile| profile.name.clone()).unwrap_or_default()
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
fn state_seen_by(call: &Call, agent: Option<WorkNo>) -> &'static str {
    let leg = agent.and_then(|agent| call.agent_leg(agent));
    match (call.state(), leg) {
        (CallState::Queued, _) => "queued",
        (CallState::InIvr { .. }, _) => "ivr",
        (CallState::Offered { .. }, _) | (CallState::Live { .. }, Some(Leg::Alerting)) => "ringing",
        (CallState::Live { .. }, Some(Leg::Held)) => "held",
        (CallState::Live { .. }, Some(Leg::Connected)) if agent.is_some_and(|agent| call.is_talking(agent)) => {
            "talking"
        }
        (CallState::Live { .. }, Some(Leg::Setup | Leg::Connected)) => "dialling",
        (CallState::Live { .. }, None) if call.answered().is_some() => "talking",
        (CallState::Live { .. }, None) => "dialling",
    }
}

/// Every call the agent is in: the held ones, oldest first, then the current one.
pub(super) fn calls_of<'a>(center: &'a Center, agent: &'a Agent) -> impl Iterator<Item = &'a Call> + 'a {
    agent.calls().filter_map(|id| center.call(id))
}

/// Reads the caller's own position with `read`, after the Guid check.
pub(super) async fn with_agent<R, F>(state: &ApiState, call: &AgentCall, read: F) -> Result<R, HuaweiReply>
where
    R: Send + 'static,
    F: FnOnce(&Center, &Agent, Timestamp) -> Result<R, Refusal> + Send + 'static,
{
    let query = move |center: &Center, me: WorkNo, now: Timestamp| {
        read(center, center.agent(me).ok_or(Refusal::NotSignedIn)?, now)
    };
    state.engine.query(call.work_no, call.guid.clone(), query).await.map_err(engine_failure)
}

/// `{}` when there is no call to describe.
#[derive(Serialize)]
#[serde(untagged)]
enum MaybeCall {
    Call(Box<CallInfo>),
    None {},
}

impl MaybeCall {
    fn at(center: &Center, agent: &Agent, call: Option<&Call>) -> Self {
        call.map_or(Self::None {}, |call| Self::Call(Box::new(CallInfo::at(center, call, agent.work_no()))))
    }
}

/// The agent's current call (ringing, dialling, talking, or held).
fn current<'a>(center: &'a Center, agent: &Agent) -> Option<&'a Call> {
    agent.state().call().and_then(|id| center.call(id))
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
    HuaweiReply::answer(
        with_agent(&state, &call, move |center, agent, _| {
            Ok(match (current(center, agent), agent.last_call()) {
                (Some(call), _) => MaybeCall::at(center, agent, Some(call)),
                (None, Some(last)) if with_last => MaybeCall::Call(Box::new(CallInfo::ended(center, agent, last))),
                (None, _) => MaybeCall::None {},
            })
        })
        .await,
    )
}

async fn ringing_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| {
            let ringing = match agent.state() {
                AgentState::Ringing { call, .. } => center.call(call),
                _ => None,
            };
            Ok(MaybeCall::at(center, agent, ringing))
        })
        .await,
    )
}

async fn call_by_id(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(wanted) = call.param("callid").and_then(|text| CallId::parse(text).ok()) else {
        return invalid("callid");
    };
    HuaweiReply::answer(
        with_agent(&state, &call, move |center, agent, _| {
            match calls_of(center, agent).find(|call| *call.id() == wanted) {
                Some(call) => Ok(CallInfo::at(center, call, agent.work_no())),
                None => Err(Refusal::InvalidParameter(format!("call {wanted} is not at this agent"))),
            }
        })
        .await,
    )
}

async fn call_ids(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| {
            Ok(calls_of(center, agent).map(|call| call.id().to_string()).collect::<Vec<_>>())
        })
        .await,
    )
}

async fn call_count(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_agent(&state, &call, |center, agent, _| Ok(calls_of(center, agent).count())).await)
}

async fn is_in_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| Ok(calls_of(center, agent).next().is_some())).await,
    )
}

/// The other parties of every call of the agent, each number once, in call order.
async fn remote_numbers(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| {
            let me = Party::Agent(agent.work_no());
            let mut numbers: Vec<String> = Vec::new();
            for party in calls_of(center, agent).flat_map(Call::parties).filter(|party| party.party != me) {
                let number = party_number(&party.party);
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
            }
            Ok(numbers)
        })
        .await,
    )
}

/// `GET appdata`: the call data of the current call; "" without one.
async fn call_data(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| {
            Ok(current(center, agent).map(|call| call.info().call_data.clone()).unwrap_or_default())
        })
        .await,
    )
}

/// `GET privatecallinfo`: the data the agent's current call carries, call data and
/// business data; `{}` without a current call.
async fn private_call_info(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_agent(&state, &call, |center, agent, _| {
            Ok(match current(center, agent) {
                Some(call) => json!({
                    "callId": call.id().as_str(),
                    "calldata": call.info().call_data,
                    "businessdata": call.business_data(),
                }),
                None => json!({}),
            })
        })
        .await,
    )
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
    HuaweiReply::answer(
        with_agent(&state, &call, |_, agent, now| {
            let stats = agent.statistics(now);
            Ok(Statistics {
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
            })
        })
        .await,
    )
}

/// Calls waiting in one skill queue of the caller's VDN, first to be served first.
async fn waiting_in_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(skill) = call.param("skillid").and_then(|text| text.parse::<SkillId>().ok()) else {
        return invalid("skillid");
    };
    HuaweiReply::answer(
        with_agent(&state, &call, move |center, agent, _| {
            let vdn = agent.profile().vdn;
            if center.skill(vdn, skill).is_none() {
                return Err(Refusal::InvalidParameter(format!("skill {skill} does not exist in this VDN")));
            }
            Ok(center.waiting_calls(vdn, skill).map(|call| CallInfo::of(center, call)).collect::<Vec<_>>())
        })
        .await,
    )
}
