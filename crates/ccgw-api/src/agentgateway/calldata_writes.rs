//! What an agent writes on one of its calls (spec 05 §1.1 #17–#20): call-associated data
//! (`PUT calldata/{agentid}?calldata=&callid=`, `PUT setcalldataex`) and business data
//! (`PUT setcallbusinessdata`), and the read of business data that the generated client
//! sends as a PUT (`getcallbusinessdata`). Bodies and errors: `docs/calldata.md`.
//!
//! Without a call id each names the agent's current call. The data travels with the
//! call (`ccgw_core::CallDataField`): the next agent after a transfer reads it.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{CallDataField, CallId, Command, Query, QueryAnswer, Refusal};
use serde_json::{Map, Value};

use super::agentgroup::invalid;
use super::context::{AgentCall, json_object};
use super::reads::ask;
use super::voicecall::{MAX_CALL_DATA, act};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/calldata/{{agentid}}{tail}");
    Routes::new()
        .put(&at(""), set_call_data_by_query)
        .put(&at("/setcalldataex"), set_call_data_by_body)
        .put(&at("/setcallbusinessdata"), set_business_data)
        .put(&at("/getcallbusinessdata"), business_data)
}

/// A call id the agent names; one that cannot be a call id names no call at the agent.
fn call_id(text: Option<&str>) -> Result<Option<CallId>, HuaweiReply> {
    text.map(|text| CallId::parse(text).map_err(|_| HuaweiReply::refused(&Refusal::NoCallForCallData))).transpose()
}

/// A body that is absent (or only blanks) counts as `{}`; anything else must be an object.
fn body_object(body: &[u8]) -> Result<Map<String, Value>, HuaweiReply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    json_object(body)
}

fn string_field(object: &Map<String, Value>, name: &'static str) -> Result<Option<String>, HuaweiReply> {
    lenient::string(object, name).map_err(|_| invalid(&format!("{name} must be a string")))
}

/// Writes `value` (absent = nothing to set, `400-002`) on the named call.
async fn write(
    state: &ApiState,
    call: AgentCall,
    wanted: Option<CallId>,
    field: CallDataField,
    value: Option<String>,
) -> HuaweiReply {
    let value = value.unwrap_or_default();
    if value.len() > MAX_CALL_DATA {
        return invalid("the data is longer than 16 KiB");
    }
    act(state, call, Command::SetCallData { call: wanted, field, value }).await
}

/// `PUT calldata/{agentid}?calldata=&callid=`.
async fn set_call_data_by_query(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let wanted = match call_id(call.query.get("callid").map(String::as_str)) {
        Ok(wanted) => wanted,
        Err(reply) => return reply,
    };
    let value = call.query.get("calldata").cloned();
    write(&state, call, wanted, CallDataField::Associated, value).await
}

/// Reads `{"callid"?, <name>?}` from a body.
fn id_and_value(body: &[u8], name: &'static str) -> Result<(Option<CallId>, Option<String>), HuaweiReply> {
    let object = body_object(body)?;
    let wanted = call_id(string_field(&object, "callid")?.as_deref().filter(|id| !id.is_empty()))?;
    Ok((wanted, string_field(&object, name)?))
}

/// `PUT setcalldataex` with `{"callid"?, "calldata"}`.
async fn set_call_data_by_body(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    match id_and_value(&body, "calldata") {
        Ok((wanted, value)) => write(&state, call, wanted, CallDataField::Associated, value).await,
        Err(reply) => reply,
    }
}

/// `PUT setcallbusinessdata` with `{"callid"?, "businessdata"}`.
async fn set_business_data(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    match id_and_value(&body, "businessdata") {
        Ok((wanted, value)) => write(&state, call, wanted, CallDataField::Business, value).await,
        Err(reply) => reply,
    }
}

/// `PUT getcallbusinessdata` with `{"callid"?}` (or no body): the business data of the
/// call as a string, "" when none was set.
async fn business_data(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let wanted = match id_and_value(&body, "businessdata") {
        Ok((wanted, _)) => wanted,
        Err(reply) => return reply,
    };
    HuaweiReply::answer(
        ask(&state, &call, Query::BusinessData(wanted), |answer| match answer {
            QueryAnswer::Text(data) => Some(data),
            _ => None,
        })
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_names_the_current_call_and_sets_nothing() {
        assert_eq!(id_and_value(b"", "calldata").ok(), Some((None, None)));
        assert_eq!(id_and_value(b" \r\n", "calldata").ok(), Some((None, None)));
        let (wanted, value) = id_and_value(br#"{"callid":"1700000000-3","calldata":7}"#, "calldata").ok().unwrap();
        assert_eq!(wanted, Some(CallId::compose(1_700_000_000, 3)));
        assert_eq!(value.as_deref(), Some("7"));
        assert!(id_and_value(b"[1]", "calldata").is_err());
        assert!(id_and_value(br#"{"calldata":{}}"#, "calldata").is_err());
    }
}
