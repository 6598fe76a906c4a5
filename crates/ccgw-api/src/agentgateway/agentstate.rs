//! `/onlineagent/{agentid}/…` state and settings interfaces (spec 02 §2.8–§2.21):
//! saybusy, cancelbusy, sayfree, rest, cancelrest, work, cancelwork, autoanswer,
//! autoenteridle, settalkright, resetskill, agentskills, agentskillsbyworkno, setforwarding,
//! bindphone.
//!
//! ccgw's choices where the spec leaves them open (the state rules themselves are in
//! `docs/agent-states.md`):
//! - a `saybusy` reason outside 200–250 (other than empty or 0), a rest time outside
//!   1–86399 s or a rest cause above 255 is `000-002`;
//! - `work` is also accepted with GET (a known client sends it so);
//! - `autoenteridle/{flag}` takes `true`/`false` only; `autoanswer/{flag}` treats anything
//!   but `true` as false, as the spec says; `settalkright?flag=` takes 1 or 0;
//! - `resetskill` reads the agent's skills from the directory at that moment, so skills
//!   granted since sign-in are picked up; a `skillid` the agent is not configured for is
//!   ignored (the effective set is the intersection), a malformed one is `000-002`;
//! - `setforwarding` is refused with `000-002`: ccgw has no call forwarding;
//! - `bindphone` takes `{"phonenum": "70150"}` (the sign-in's field; body fields are not
//!   documented) and makes it the agent's phone for the rest of its sign-in, while no call
//!   rings or goes on at it (`100-009` otherwise); a bad or missing number, or the phone of
//!   another signed-in agent, is `100-013`, and where sign-in requires a registered SIP
//!   phone, so does this (`100-013`).

use std::time::Duration;

use axum::extract::State;
use ccgw_core::{Command, Refusal, SkillGrant, SkillId, SkillProfile, StateCommand, WorkNo};
use ccgw_store_traits::StoreError;
use serde::Serialize;

use super::context::AgentCall;
use super::reads;
use super::voicecall::act;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/onlineagent/{{agentid}}{tail}");
    Routes::new()
        .post(&at("/saybusy"), say_busy)
        .post(&at("/cancelbusy"), cancel_busy)
        .post(&at("/sayfree"), say_free)
        .post(&at("/rest/{time}/{restcause}"), rest)
        .post(&at("/cancelrest"), cancel_rest)
        .post(&at("/work"), work)
        .get(&at("/work"), work)
        .post(&at("/cancelwork"), cancel_work)
        .post(&at("/autoanswer/{flag}"), auto_answer)
        .post(&at("/autoenteridle/{flag}"), auto_enter_idle)
        .post(&at("/settalkright"), talk_right)
        .post(&at("/resetskill/{autoflag}"), reset_skill)
        .get(&at("/agentskills"), own_skills)
        .get(&at("/agentskillsbyworkno/{workno}"), skills_of)
        .post(&at("/setforwarding"), set_forwarding)
        .post(&at("/bindphone"), bind_phone)
}

fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

/// `true`/`false`, `1`/`0`, or absent/empty (= `default`).
fn flag(text: Option<&str>, default: bool) -> Option<bool> {
    match text.map(str::trim) {
        None | Some("") => Some(default),
        Some(text) if text.eq_ignore_ascii_case("true") || text == "1" => Some(true),
        Some(text) if text.eq_ignore_ascii_case("false") || text == "0" => Some(false),
        Some(_) => None,
    }
}

async fn command(state: &ApiState, call: AgentCall, command: StateCommand) -> HuaweiReply {
    act(state, call, Command::State(command)).await
}

/// `POST saybusy?reason=&prolong=`.
async fn say_busy(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let reason = match call.query.get("reason").map(|text| text.trim()) {
        None | Some("") => 0,
        Some(text) => match text.parse::<u16>() {
            Ok(reason) if reason == 0 || (200..=250).contains(&reason) => reason,
            _ => return invalid("reason must be 200-250"),
        },
    };
    let Some(prolong) = flag(call.query.get("prolong").map(String::as_str), false) else {
        return invalid("prolong must be true or false");
    };
    command(&state, call, StateCommand::SayBusy { reason, prolong }).await
}

async fn cancel_busy(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    command(&state, call, StateCommand::CancelBusy).await
}

async fn say_free(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    command(&state, call, StateCommand::SayFree).await
}

/// `POST rest/{time}/{restcause}?prolong=`.
async fn rest(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let seconds = match call.param("time").map(str::parse::<u64>) {
        Some(Ok(seconds)) if (1..=86_399).contains(&seconds) => seconds,
        _ => return invalid("time must be 1-86399 seconds"),
    };
    let cause = match call.param("restcause").map(str::parse::<u8>) {
        Some(Ok(cause)) => cause,
        _ => return invalid("restcause must be 0-255"),
    };
    let Some(prolong) = flag(call.query.get("prolong").map(String::as_str), false) else {
        return invalid("prolong must be true or false");
    };
    let length = Duration::from_secs(seconds);
    command(&state, call, StateCommand::Rest { length, cause, prolong }).await
}

async fn cancel_rest(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    command(&state, call, StateCommand::CancelRest).await
}

async fn work(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    command(&state, call, StateCommand::Work).await
}

async fn cancel_work(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    command(&state, call, StateCommand::CancelWork).await
}

/// `POST autoanswer/{isautoanswer}`: the literal `true` means true, anything else false.
async fn auto_answer(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let on = call.param("flag") == Some("true");
    act(&state, call, Command::AutoAnswer(on)).await
}

async fn auto_enter_idle(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let on = match call.param("flag") {
        Some("true") => true,
        Some("false") => false,
        _ => return invalid("flag must be true or false"),
    };
    act(&state, call, Command::AutoEnterIdle(on)).await
}

/// `POST settalkright?flag=1|0`.
async fn talk_right(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let on = match call.query.get("flag").map(|text| text.trim()) {
        Some("1") => true,
        Some("0") => false,
        _ => return invalid("flag must be 1 or 0"),
    };
    act(&state, call, Command::TalkRight(on)).await
}

/// `POST resetskill/{autoflag}?skillid=1;2;3&phonelinkage=`.
async fn reset_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let wanted: Option<Vec<SkillId>> = if call.param("autoflag") == Some("true") {
        None
    } else {
        let listed = call.query.get("skillid").map(String::as_str).unwrap_or("");
        if listed.len() > 4000 {
            return invalid("skillid is longer than 4000 characters");
        }
        let parsed: Result<Vec<SkillId>, _> =
            listed.split(';').map(str::trim).filter(|id| !id.is_empty()).map(str::parse::<SkillId>).collect();
        match parsed {
            Ok(ids) => Some(ids),
            Err(_) => return invalid("skillid must be skill ids separated by ;"),
        }
    };
    let profile = match state.directory.get_agent(call.work_no).await {
        Ok(profile) => profile,
        Err(StoreError::NotFound(_)) => return HuaweiReply::refused(&Refusal::NotSignedIn),
        Err(error) => return directory_failure(error),
    };
    let grants: Vec<SkillGrant> = profile
        .skills
        .into_iter()
        .filter(|grant| wanted.as_ref().is_none_or(|ids| ids.contains(&grant.skill)))
        .collect();
    act(&state, call, Command::ResetSkills(grants)).await
}

/// One element of a skill list (`agentskillsbyworkno`, spec 02 §2.17).
#[derive(Serialize)]
struct SkillItem {
    name: String,
    id: u32,
    mediatype: u8,
}

fn directory_failure(error: StoreError) -> HuaweiReply {
    tracing::error!(%error, "directory lookup failed");
    HuaweiReply::error(ccgw_core::catalog::retcode::INTERNAL)
}

/// The configured skills of `work_no`, if it is an agent of the caller's VDN.
async fn configured_skills(state: &ApiState, caller: WorkNo, work_no: WorkNo) -> Result<Vec<SkillItem>, HuaweiReply> {
    let me = state.directory.get_agent(caller).await.map_err(|error| match error {
        StoreError::NotFound(_) => HuaweiReply::refused(&Refusal::NotSignedIn),
        error => directory_failure(error),
    })?;
    let agent = match state.directory.get_agent(work_no).await {
        Ok(agent) if agent.vdn == me.vdn => agent,
        Ok(_) | Err(StoreError::NotFound(_)) => return Err(invalid("no such agent in this VDN")),
        Err(error) => return Err(directory_failure(error)),
    };
    let skills: Vec<SkillProfile> = state.directory.list_skills(Some(agent.vdn)).await.map_err(directory_failure)?;
    Ok(agent
        .skills
        .iter()
        .filter_map(|grant| skills.iter().find(|skill| skill.id == grant.skill))
        .map(|skill| SkillItem { name: skill.name.clone(), id: skill.id.get(), mediatype: skill.media_type })
        .collect())
}

/// Checks the caller's Guid without doing anything else.
async fn authorized(state: &ApiState, call: &AgentCall) -> Result<(), HuaweiReply> {
    reads::me(state, call).await.map(|_| ())
}

async fn own_skills(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    if let Err(reply) = authorized(&state, &call).await {
        return reply;
    }
    match configured_skills(&state, call.work_no, call.work_no).await {
        Ok(skills) => HuaweiReply::success("", skills),
        Err(reply) => reply,
    }
}

async fn skills_of(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    if let Err(reply) = authorized(&state, &call).await {
        return reply;
    }
    let Some(Ok(work_no)) = call.param("workno").map(str::parse::<WorkNo>) else {
        return invalid("workno");
    };
    match configured_skills(&state, call.work_no, work_no).await {
        Ok(skills) => HuaweiReply::success("", skills),
        Err(reply) => reply,
    }
}

async fn bind_phone(State(state): State<ApiState>, call: AgentCall, body: axum::body::Bytes) -> HuaweiReply {
    let phone = super::context::json_object(&body).and_then(|object| {
        let text = crate::wire::lenient::string(&object, "phonenum")
            .map_err(|_| HuaweiReply::refused(&Refusal::PhoneInvalid))?
            .unwrap_or_default();
        ccgw_core::PhoneNumber::parse(&text).map_err(|_| HuaweiReply::refused(&Refusal::PhoneInvalid))
    });
    match phone {
        Ok(phone) => act(&state, call, Command::BindPhone(phone)).await,
        Err(reply) => reply,
    }
}

async fn set_forwarding(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    if let Err(reply) = authorized(&state, &call).await {
        return reply;
    }
    invalid("call forwarding is not supported by ccgw")
}
