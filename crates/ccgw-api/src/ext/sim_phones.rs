//! `/ccgw/v1/sim/...` for agents' phones: the mode a phone answers the agent's own calls
//! with (`phones`), the rules it answers offers by (`agent-phones`), and the handset going
//! down on a call (`calls/{callid}/agents/{workno}/hangup`).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use ccgw_core::WorkNo;
use ccgw_engine::{AgentPhoneRule, PhoneMode, SimSettings};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ExtError;
use super::parse;
use super::sim::{RuleBody, SimControl, call_id};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhoneView {
    work_no: u32,
    mode: &'static str,
}

pub(super) async fn list_phones(State(state): State<SimControl>) -> Json<Value> {
    let phones: Vec<PhoneView> = state
        .sim
        .phone_modes()
        .into_iter()
        .map(|(agent, mode)| PhoneView { work_no: agent.get(), mode: mode.name() })
        .collect();
    Json(json!({"default": PhoneMode::default().name(), "phones": phones}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhoneBody {
    mode: String,
}

pub(super) async fn put_phone(
    State(state): State<SimControl>,
    Path(workno): Path<String>,
    body: Result<Json<PhoneBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let agent: WorkNo = parse::id(&workno)?;
    let body = parse::body(body)?;
    let mode = PhoneMode::from_name(&body.mode).ok_or_else(|| {
        let mode: String = body.mode.chars().take(40).collect();
        ExtError::bad_request(format!("mode {mode:?} is not one of auto, manual, refuse"))
    })?;
    state.sim.set_phone_mode(agent, mode);
    Ok(Json(json!(PhoneView { work_no: agent.get(), mode: mode.name() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentPhonesBody {
    rules: Vec<RuleBody>,
}

fn agent_phones_view(settings: &SimSettings) -> Json<Value> {
    let rules: Vec<RuleBody> = settings
        .agent_phones
        .iter()
        .map(|rule| RuleBody::new(rule.pattern.to_string(), rule.behaviour.name(), rule.behaviour.after()))
        .collect();
    Json(json!({"rules": rules, "default": "answer"}))
}

pub(super) async fn get_agent_phones(State(state): State<SimControl>) -> Json<Value> {
    agent_phones_view(&state.sim.settings())
}

/// Replaces the agent-phone rules; later offers follow them.
pub(super) async fn put_agent_phones(
    State(state): State<SimControl>,
    body: Result<Json<AgentPhonesBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let body = parse::body(body)?;
    let agent_phones = RuleBody::parse_list(&body.rules, AgentPhoneRule::parse)?;
    let settings = SimSettings { agent_phones, ..state.sim.settings() };
    state.sim.configure(settings.clone());
    Ok(agent_phones_view(&settings))
}

/// The agent puts the handset down on the call; the center decides what it means.
pub(super) async fn hang_up_agent(
    State(state): State<SimControl>,
    Path((callid, workno)): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let agent: WorkNo = parse::id(&workno)?;
    state.sim.hang_up_agent(&id, agent)?;
    Ok(Json(json!({"callid": id.to_string(), "workNo": agent.get(), "handset": "down"})))
}
