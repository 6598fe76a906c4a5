//! `/ccgw/v1/sim/calls`: place, list and hang up simulated customer calls.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use ccgw_core::{CallId, PhoneNumber, SkillId, Vdn};
use ccgw_engine::{PlaceCall, SimCall, SimLeg};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ExtError;
use crate::state::ApiState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PlaceCallBody {
    caller: String,
    skill: u32,
    called: Option<String>,
    vdn: Option<u16>,
    call_data: Option<String>,
    /// 0 (normal) ..= 255; higher is served first.
    priority: Option<u8>,
}

#[derive(Serialize)]
struct CallView {
    callid: String,
    vdn: u16,
    skill: u32,
    caller: String,
    called: String,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent: Option<String>,
    #[serde(rename = "placedAt")]
    placed_at: u64,
}

fn view(call: SimCall) -> CallView {
    let (state, agent) = match &call.leg {
        SimLeg::Queued => ("queued", None),
        SimLeg::Alerting { agent, .. } => ("ringing", Some(agent.to_string())),
        SimLeg::Connected { agent, .. } => ("talking", Some(agent.to_string())),
    };
    CallView {
        callid: call.call.id.to_string(),
        vdn: call.call.vdn.get(),
        skill: call.call.skill.get(),
        caller: call.call.caller,
        called: call.call.called,
        state,
        agent,
        placed_at: call.placed_at.as_millis(),
    }
}

pub(crate) async fn place(
    State(state): State<ApiState>,
    body: Result<Json<PlaceCallBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let Json(body) = body.map_err(|rejection| ExtError::bad_request(rejection.body_text()))?;
    let caller = PhoneNumber::parse(&body.caller).map_err(|e| ExtError::bad_request(format!("caller: {e}")))?;
    let vdn = Vdn::new(body.vdn.unwrap_or(1)).map_err(|e| ExtError::bad_request(e.to_string()))?;
    let skill_id = SkillId::new(body.skill).map_err(|e| ExtError::bad_request(e.to_string()))?;
    let skill = state.directory.get_skill(vdn, skill_id).await?;
    let called = match body.called {
        Some(called) => {
            PhoneNumber::parse(&called).map_err(|e| ExtError::bad_request(format!("called: {e}")))?.to_string()
        }
        None => state.directory.get_vdn(vdn).await?.access_code.map(|code| code.to_string()).unwrap_or_default(),
    };
    let call_data = body.call_data.unwrap_or_default();
    if call_data.len() > 16 * 1024 {
        return Err(ExtError::bad_request("callData is longer than 16 KiB"));
    }
    let callid = state.sim.place_call(PlaceCall {
        vdn,
        skill: skill_id,
        caller: caller.to_string(),
        called,
        call_data,
        media_type: skill.media_type,
        priority: body.priority.unwrap_or(0),
    });
    Ok((StatusCode::CREATED, Json(json!({"callid": callid.to_string()}))))
}

pub(crate) async fn list(State(state): State<ApiState>) -> Json<Value> {
    let calls: Vec<CallView> = state.sim.calls().into_iter().map(view).collect();
    Json(json!({"calls": calls}))
}

pub(crate) async fn hang_up(
    State(state): State<ApiState>,
    Path(callid): Path<String>,
) -> Result<Json<Value>, ExtError> {
    let id = CallId::parse(&callid).map_err(|e| ExtError::bad_request(e.to_string()))?;
    if state.sim.hang_up(&id) {
        Ok(Json(json!({"callid": id.to_string(), "state": "ended"})))
    } else {
        Err(ExtError::not_found(format!("no live call {id}")))
    }
}
