//! `/calldata/{agentid}/…` (spec 05 §1), first part: what an agent can read about the
//! calls at its own position and in its VDN's queues. Shapes and errors:
//! `docs/calldata.md`.
//!
//! ccgw's choices where the spec leaves them open:
//! - a call is the call-information object of [`CallInfo`] (spec 05 §1.2's indicative
//!   keys, plus its state and times);
//! - an agent has at most one call until call control grows holds and consultations, so
//!   `allcallid` lists zero or one id and `callnums` is 0 or 1;
//! - a query about a call that is not at the caller (another agent's, an ended one, an
//!   unknown id) is `000-002` with a message; nothing about other agents' calls leaks;
//! - a query with no call to report answers success with `{}` (or `[]`, `0`, `false`),
//!   so that clients reading `result` fields find them absent rather than fail.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use ccgw_core::{Call, CallId, CallState, Center, Refusal, SkillId, Timestamp, WorkNo};
use serde::Serialize;

use super::agentgroup::invalid;
use super::context::AgentCall;
use super::engine_failure;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Router<ApiState> {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Router::new()
        .route(&at("/callinfobeforeanswer"), get(ringing_call))
        .route(&at("/callinfobycallid/{callid}"), get(call_by_id))
        .route(&at("/allcallid"), get(call_ids))
        .route(&at("/callnums"), get(call_count))
        .route(&at("/isprocesscall"), get(is_in_call))
        .route(&at("/remotenumbers"), get(remote_numbers))
        .route(&at("/appdata"), get(call_data))
        .route(&at("/waitcallinfo/{skillid}"), get(waiting_in_skill))
}

/// Call type (spec 04 §5.1): every call ccgw carries so far is a normal inbound one.
const NORMAL_INBOUND: u8 = 0;

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
    call_type: u8,
    /// `queued`, `ringing`, `talking`, `dialling` or `ivr`.
    state: &'static str,
    /// Work number of the agent it rings at or talks with (in `ivr`: the agent it returns
    /// to); "" while queued.
    agent: String,
    /// Arrival in the center, ms since 1970.
    begin_time: u64,
    /// Since when it is in its current state (queued, ringing, talking, ivr), ms since 1970.
    state_since: u64,
}

impl CallInfo {
    pub(super) fn of(center: &Center, call: &Call) -> Self {
        let info = call.info();
        let skill = call.skill();
        let (state, agent, since) = match call.state() {
            CallState::Queued => ("queued", String::new(), call.queued_since()),
            CallState::Offered { agent, since, .. } => ("ringing", agent.to_string(), *since),
            CallState::Live { since } => {
                let agent = call.answered().map(|(agent, _)| agent.to_string()).unwrap_or_default();
                (if call.answered().is_some() { "talking" } else { "dialling" }, agent, *since)
            }
            CallState::InIvr { since, returns_to, .. } => {
                ("ivr", returns_to.map(|agent| agent.to_string()).unwrap_or_default(), *since)
            }
        };
        Self {
            call_id: info.id.to_string(),
            caller: info.caller.clone(),
            called: info.called.clone(),
            media_ability: info.media_type,
            call_data: info.call_data.clone(),
            call_skill_id: skill.get(),
            call_skill: center.skill(info.vdn, skill).map(|profile| profile.name.clone()).unwrap_or_default(),
            call_type: NORMAL_INBOUND,
            state,
            agent,
            begin_time: call.arrived().as_millis(),
            state_since: since.as_millis(),
        }
    }
}

/// The call at the agent's position (ringing or talking), if any.
fn own_call(center: &Center, me: WorkNo) -> Result<Option<&Call>, Refusal> {
    let agent = center.agent(me).ok_or(Refusal::NotSignedIn)?;
    Ok(agent.state().call().and_then(|id| center.call(id)))
}

/// Reads the caller's own call with `read` after the Guid check.
async fn with_own_call<R, F>(state: &ApiState, call: &AgentCall, read: F) -> Result<R, HuaweiReply>
where
    R: Send + 'static,
    F: FnOnce(&Center, Option<&Call>, Timestamp) -> Result<R, Refusal> + Send + 'static,
{
    let query = move |center: &Center, me: WorkNo, now: Timestamp| read(center, own_call(center, me)?, now);
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
    fn of(center: &Center, call: Option<&Call>) -> Self {
        call.map_or(Self::None {}, |call| Self::Call(Box::new(CallInfo::of(center, call))))
    }
}

async fn ringing_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_own_call(&state, &call, |center, own, _| {
            let ringing = own.filter(|call| matches!(call.state(), CallState::Offered { .. }));
            Ok(MaybeCall::of(center, ringing))
        })
        .await,
    )
}

async fn call_by_id(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(wanted) = call.param("callid").and_then(|text| CallId::parse(text).ok()) else {
        return invalid("callid");
    };
    HuaweiReply::answer(
        with_own_call(&state, &call, move |center, own, _| match own {
            Some(own) if *own.id() == wanted => Ok(CallInfo::of(center, own)),
            _ => Err(Refusal::InvalidParameter(format!("call {wanted} is not at this agent"))),
        })
        .await,
    )
}

async fn call_ids(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_own_call(&state, &call, |_, own, _| {
            Ok(own.map(|call| call.id().to_string()).into_iter().collect::<Vec<_>>())
        })
        .await,
    )
}

async fn call_count(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_own_call(&state, &call, |_, own, _| Ok(u32::from(own.is_some()))).await)
}

async fn is_in_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(with_own_call(&state, &call, |_, own, _| Ok(own.is_some())).await)
}

async fn remote_numbers(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_own_call(&state, &call, |_, own, _| {
            Ok(own.map(|call| call.info().caller.clone()).into_iter().collect::<Vec<_>>())
        })
        .await,
    )
}

async fn call_data(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        with_own_call(&state, &call, |_, own, _| Ok(own.map(|call| call.info().call_data.clone()).unwrap_or_default()))
            .await,
    )
}

/// Calls waiting in one skill queue of the caller's VDN, first to be served first.
async fn waiting_in_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(skill) = call.param("skillid").and_then(|text| text.parse::<SkillId>().ok()) else {
        return invalid("skillid");
    };
    let read = move |center: &Center, me: WorkNo, _now: Timestamp| {
        let vdn = center.agent(me).ok_or(Refusal::NotSignedIn)?.profile().vdn;
        if center.skill(vdn, skill).is_none() {
            return Err(Refusal::InvalidParameter(format!("skill {skill} does not exist in this VDN")));
        }
        Ok(center.waiting_calls(vdn, skill).map(|call| CallInfo::of(center, call)).collect::<Vec<_>>())
    };
    HuaweiReply::answer(state.engine.query(call.work_no, call.guid.clone(), read).await.map_err(engine_failure))
}
