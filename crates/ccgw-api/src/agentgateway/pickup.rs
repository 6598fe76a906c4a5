//! `/voicecall/{agentid}/…`: taking calls meant for someone else — `snatchpickup`,
//! `requestcall` — and the rest of the group (spec 04 §2.12, §2.21–2.24):
//! `previewcallout`, `reportsound`, `thirdPartyConfTransmitNum`. What happens lives in
//! `ccgw_core::center` (`pickup`, `in_call`); here the requests are read.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{CallId, Command, Outcome, Query, QueryAnswer, QueueChoice, Refusal, SkillId, WorkNo};
use serde_json::{Map, Value, json};

use super::context::{AgentCall, json_object};
use super::engine_failure;
use super::reads::ask;
use super::voicecall::{act, call_request, called_number, invalid};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/voicecall/{{agentid}}/{tail}");
    Routes::new()
        .put(&at("snatchpickup"), snatch_pickup)
        .post(&at("requestcall/{callid}/{skilltype}"), request_call)
        .put(&at("previewcallout"), preview_call_out)
        .put(&at("previewCallout"), preview_call_out)
        .post(&at("reportsound"), report_sound)
        .post(&at("thirdPartyConfTransmitNum"), conference_digits)
}

/// A query parameter by name, in any letter case: the pages write `destWorkNo` and
/// `skillId`, some clients `skillid`.
fn query_value<'a>(call: &'a AgentCall, name: &str) -> Option<&'a str> {
    call.query
        .get(name)
        .or_else(|| call.query.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v))
        .map(String::as_str)
}

/// A body the page documents as absent, or whose fields are unknown: nothing, or one JSON
/// object (`000-002` otherwise).
fn optional_object(body: &[u8]) -> Result<Map<String, Value>, HuaweiReply> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(Map::new()) } else { json_object(body) }
}

/// `PUT snatchpickup?destWorkNo=`: answers the customer call ringing at that agent.
async fn snatch_pickup(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let target = match query_value(&call, "destWorkNo").map(str::parse::<WorkNo>) {
        Some(Ok(target)) => target,
        Some(Err(_)) => return invalid("destWorkNo must be a work number"),
        None => return invalid("destWorkNo is required"),
    };
    act(&state, call, Command::SnatchPickup(target)).await
}

/// `POST requestcall/{callid}/{skilltype}?skillId=`. `skilltype` 0 is the Huawei "public
/// queue": the call must wait in skill queue `skillId`, or anywhere when `skillId` is
/// absent or 0. `skilltype` 1 names the agent's private queue there; ccgw keeps none (a
/// call sent to an agent rings at once), so 1 takes the call wherever it waits and
/// ignores `skillId`.
async fn request_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let queue = match call.param("skilltype") {
        Some("0") => match query_value(&call, "skillId").map(str::parse::<u32>) {
            None | Some(Ok(0)) => QueueChoice::Any,
            Some(Ok(id)) => match SkillId::new(id) {
                Ok(skill) => QueueChoice::Skill(skill),
                Err(_) => return invalid("skillId must be a skill id"),
            },
            Some(Err(_)) => return invalid("skillId must be a skill id"),
        },
        Some("1") => QueueChoice::Any,
        _ => return invalid("skilltype must be 0 (a skill queue) or 1"),
    };
    match CallId::parse(call.param("callid").unwrap_or_default()) {
        Ok(id) => act(&state, call, Command::RequestCall { call: id, queue }).await,
        Err(_) => HuaweiReply::refused(&Refusal::NoCallToTake("no such call waits in a queue".into())),
    }
}

/// `PUT previewcallout` / `previewCallout` with `{"called", "callcontrolid"}`: ccgw runs
/// no preview campaigns, so a preview call-out is a call-out the agent confirmed. The
/// body is read as callout's (its optional fields too). `callcontrolid` is required, as
/// the page says; no preview ccgw sent can check it, so it is logged with the new call.
async fn preview_call_out(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let mut control = 0;
    let request = call_request(&body, |object| {
        let callee = called_number(object)?;
        control = lenient::integer(object, "callcontrolid")
            .map_err(|_| invalid("callcontrolid must be an integer"))?
            .ok_or_else(|| invalid("callcontrolid is required"))?;
        Ok(callee)
    });
    let request = match request {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    let work_no = call.work_no;
    match state.engine.command(work_no, call.guid, Command::PlaceCall(request)).await {
        Ok(Outcome::Placed(id)) => {
            tracing::info!(%work_no, call_id = %id, callcontrolid = control, "preview call-out placed");
            HuaweiReply::success("success", id.as_str())
        }
        Ok(_) => HuaweiReply::success("success", json!({})),
        Err(error) => engine_failure(error),
    }
}

/// `POST reportsound` with a JSON object whose fields are not known: accepted while the
/// agent talks in a call (`200-009` otherwise) and logged with the field names only
/// (their values may be anything); nothing else changes and no event follows.
async fn report_sound(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let fields: Vec<String> = match optional_object(&body) {
        Ok(object) => object.keys().cloned().collect(),
        Err(reply) => return reply,
    };
    let work_no = call.work_no;
    let talking = ask(&state, &call, Query::SoundReportCall, |answer| match answer {
        QueryAnswer::Call(id) => Some(id),
        _ => None,
    });
    match talking.await {
        Ok(call_id) => {
            tracing::info!(%work_no, %call_id, ?fields, "sound report");
            HuaweiReply::success("success", json!({}))
        }
        Err(reply) => reply,
    }
}

/// `POST thirdPartyConfTransmitNum` with `{"number": digits}` (`seconddial`'s rules):
/// the digits go into the agent's three-party call. Without a body, as the page shows it,
/// or without `number`, only the three-party call is checked.
async fn conference_digits(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let digits = optional_object(&body).and_then(|object| {
        lenient::string(&object, "number").map_err(|_| invalid("number must be a string of digits"))
    });
    match digits {
        Ok(digits) => act(&state, call, Command::ConferenceDigits(digits.filter(|d| !d.is_empty()))).await,
        Err(reply) => reply,
    }
}
