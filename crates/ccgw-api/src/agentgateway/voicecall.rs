//! `/voicecall/{agentid}/…`: call control (spec 04). Every command answers `{}` as its
//! result unless the spec gives one (the new call's id for the calls an agent places);
//! refusals carry the retcodes of `ccgw_core::catalog::retcode`.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{CallId, CallRequest, Callee, Command, MAX_DIALLED_LEN, Outcome, Refusal, SkillId, WorkNo};
use ccgw_engine::AgentAction;
use serde_json::{Map, Value, json};

use super::context::{AgentCall, json_object};
use super::engine_failure;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

/// Longest call-associated data a call carries (spec 04 §2.1).
pub(super) const MAX_CALL_DATA: usize = 16 * 1024;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/voicecall/{{agentid}}/{tail}");
    Routes::new()
        .put(&at("answer"), answer)
        .delete(&at("release"), release)
        .delete(&format!("{base}/voicecall/{{agentid}}"), release)
        .put(&at("callout"), call_out)
        .put(&at("callinner"), call_inner)
        .put(&at("callinnerskill"), call_inner_skill)
        .post(&at("hold"), hold)
        .post(&at("gethold"), retrieve)
        .post(&at("beginmute"), begin_mute)
        .post(&at("endmute"), end_mute)
        .post(&at("beginmutevideo"), video)
        .post(&at("endmutevideo"), video)
        .post(&at("seconddial/{number}"), second_dial)
        .post(&at("seconddialex"), second_dial_query)
        .post(&at("dropcall/{callid}"), drop_call)
        .post(&at("phonepickup"), phone_pickup)
        .put(&at("phonepickup"), phone_pickup)
        .put(&at("phonehangup"), release)
        .delete(&at("releasephone"), release_phone)
        .merge(super::transfer::routes(base))
        .merge(super::pickup::routes(base))
}

pub(super) fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

/// Carries out a command whose result is `{}`.
pub(super) async fn act(state: &ApiState, call: AgentCall, command: Command) -> HuaweiReply {
    match state.engine.command(call.work_no, call.guid, command).await {
        Ok(_) => HuaweiReply::success("success", json!({})),
        Err(error) => engine_failure(error),
    }
}

/// The optional `?callid=`; one that cannot be a call id names no call (`refusal`).
fn wanted_call(call: &AgentCall, refusal: Refusal) -> Result<Option<CallId>, HuaweiReply> {
    call.query.get("callid").map(|text| CallId::parse(text).map_err(|_| HuaweiReply::refused(&refusal))).transpose()
}

/// `PUT answer[?callid=]`.
pub(crate) async fn answer(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match wanted_call(&call, Refusal::NoCallToAnswer) {
        Ok(wanted) => act(&state, call, Command::Answer { call: wanted }).await,
        Err(reply) => reply,
    }
}

/// `DELETE release`, the legacy `DELETE {agentid}`, and `PUT phonehangup`.
pub(crate) async fn release(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::Release).await
}

/// The fields every placed call shares: `caller`, `skillid`, `callappdata`, `mediaability`.
struct Placing {
    caller: Option<String>,
    skill: Option<SkillId>,
    call_data: String,
}

/// A skill id field; absent, empty or 0 = none.
pub(super) fn skill_field(object: &Map<String, Value>, name: &'static str) -> Result<Option<SkillId>, HuaweiReply> {
    match lenient::integer(object, name) {
        Ok(None | Some(0)) => Ok(None),
        Ok(Some(id)) => {
            u32::try_from(id).ok().and_then(|id| SkillId::new(id).ok()).map(Some).ok_or_else(|| bad_skill(name))
        }
        Err(_) => Err(bad_skill(name)),
    }
}

fn bad_skill(name: &str) -> HuaweiReply {
    invalid(&format!("{name} must be a skill id"))
}

/// `caller`: 0-24 digits, the number the called party sees.
pub(super) fn caller_field(object: &Map<String, Value>) -> Result<Option<String>, HuaweiReply> {
    let caller = lenient::string(object, "caller").map_err(|_| invalid("caller must be a string"))?;
    if let Some(caller) = &caller
        && (caller.len() > MAX_DIALLED_LEN || !caller.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid("caller must be 0-24 digits"));
    }
    Ok(caller)
}

/// `mediaability`: 0 audio, 2 the best both sides have (audio here); 1 video is not
/// carried (`106-001`).
pub(super) fn media_ability(object: &Map<String, Value>) -> Result<(), HuaweiReply> {
    match lenient::integer(object, "mediaability").map_err(|_| invalid("mediaability must be 0, 1 or 2"))? {
        None | Some(0 | 2) => Ok(()),
        Some(1) => Err(HuaweiReply::refused(&Refusal::MediaNotSupported)),
        Some(_) => Err(invalid("mediaability must be 0, 1 or 2")),
    }
}

fn placing_fields(object: &Map<String, Value>) -> Result<Placing, HuaweiReply> {
    let caller = caller_field(object)?;
    let skill = match lenient::integer(object, "skillid").map_err(|_| invalid("skillid must be an integer"))? {
        None | Some(0) => None,
        Some(id) => Some(
            u32::try_from(id)
                .ok()
                .and_then(|id| SkillId::new(id).ok())
                .ok_or_else(|| invalid("skillid is out of range"))?,
        ),
    };
    let call_data = call_data(object)?.unwrap_or_default();
    media_ability(object)?;
    Ok(Placing { caller: caller.filter(|c| !c.is_empty()), skill, call_data })
}

/// `callappdata`, the call data a command gives the call (absent: left as it is).
pub(super) fn call_data(object: &Map<String, Value>) -> Result<Option<String>, HuaweiReply> {
    let data = lenient::string(object, "callappdata").map_err(|_| invalid("callappdata must be a string"))?;
    if data.as_ref().is_some_and(|data| data.len() > MAX_CALL_DATA) {
        return Err(invalid("callappdata is longer than 16 KiB"));
    }
    Ok(data)
}

/// The call a body describes: `callee` reads who is called, the rest are the fields every
/// placed call shares.
pub(super) fn call_request(
    body: &[u8],
    callee: impl FnOnce(&Map<String, Value>) -> Result<Callee, HuaweiReply>,
) -> Result<CallRequest, HuaweiReply> {
    json_object(body).and_then(|object| {
        let callee = callee(&object)?;
        let fields = placing_fields(&object)?;
        Ok(CallRequest { callee, caller: fields.caller, skill: fields.skill, call_data: fields.call_data })
    })
}

/// Places the call the body describes and answers its id as the result.
async fn place(
    state: &ApiState,
    call: AgentCall,
    body: &[u8],
    callee: impl FnOnce(&Map<String, Value>) -> Result<Callee, HuaweiReply>,
) -> HuaweiReply {
    match call_request(body, callee) {
        Ok(request) => placed(state, call, Command::PlaceCall(request)).await,
        Err(reply) => reply,
    }
}

/// Carries out a command that places a call, and answers the call's id as the result.
pub(super) async fn placed(state: &ApiState, call: AgentCall, command: Command) -> HuaweiReply {
    match state.engine.command(call.work_no, call.guid, command).await {
        Ok(Outcome::Placed(id)) => HuaweiReply::success("success", id.as_str()),
        Ok(_) => HuaweiReply::success("success", json!({})),
        Err(error) => engine_failure(error),
    }
}

/// `called` of a call-out: a number outside the center (`200-001` when missing).
pub(super) fn called_number(object: &Map<String, Value>) -> Result<Callee, HuaweiReply> {
    let called = lenient::string(object, "called").map_err(|_| invalid("called must be a string"))?;
    let called = called.filter(|c| !c.is_empty()).ok_or_else(|| HuaweiReply::refused(&Refusal::NumberInvalid))?;
    Ok(Callee::Number(called))
}

/// `PUT callout` with `{"called", "caller"?, "skillid"?, "callappdata"?, "mediaability"?}`.
async fn call_out(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    place(&state, call, &body, called_number).await
}

/// `PUT callinner` with `{"called": work number, …}`.
async fn call_inner(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    place(&state, call, &body, |object| {
        let called = lenient::string(object, "called").ok().flatten().and_then(|text| text.parse::<WorkNo>().ok());
        called.map(Callee::Agent).ok_or_else(|| invalid("called must be a work number"))
    })
    .await
}

/// `PUT callinnerskill` with `{"skillId": int}`: to an idle agent of the skill.
async fn call_inner_skill(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    place(&state, call, &body, |object| {
        skill_field(object, "skillId")?.map(Callee::Skill).ok_or_else(|| bad_skill("skillId"))
    })
    .await
}

async fn hold(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::Hold).await
}

/// `POST gethold[?callid=]`.
async fn retrieve(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match wanted_call(&call, Refusal::NoHeldCall) {
        Ok(wanted) => act(&state, call, Command::Retrieve { call: wanted }).await,
        Err(reply) => reply,
    }
}

async fn begin_mute(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::Mute(true)).await
}

async fn end_mute(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::Mute(false)).await
}

/// `beginmutevideo`, `endmutevideo`: ccgw carries no video (`106-001`), once the agent
/// is known to be signed in with a valid Guid.
async fn video(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.act(call.work_no, call.guid, AgentAction::Status).await {
        Ok(_) => HuaweiReply::refused(&Refusal::MediaNotSupported),
        Err(error) => engine_failure(error),
    }
}

/// `POST seconddial/{number}` (`#` arrives as `%23`, already decoded by the router).
async fn second_dial(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let digits = call.param("number").unwrap_or_default().to_owned();
    act(&state, call, Command::Digits(digits)).await
}

/// `POST seconddialex?number=`.
async fn second_dial_query(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let digits = call.query.get("number").cloned().unwrap_or_default();
    act(&state, call, Command::Digits(digits)).await
}

/// `POST dropcall/{callid}`: the agent leaves that call, current or held.
async fn drop_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match CallId::parse(call.param("callid").unwrap_or_default()) {
        Ok(id) => act(&state, call, Command::DropCall(id)).await,
        Err(_) => HuaweiReply::refused(&Refusal::NoCallToRelease),
    }
}

/// `phonepickup`, as POST (the page) and PUT (the generated client).
async fn phone_pickup(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::PhonePickup).await
}

async fn release_phone(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::ReleasePhone).await
}
