//! `/ccgw/v1/sim/...`: the simulated switch's remote control — customer calls and the
//! parties of every call, far-end rules, agent phone modes, IVR flows ended by hand.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use ccgw_core::{CallId, IvrEnd, PhoneNumber, SkillId, Vdn};
use ccgw_engine::{
    CallOrigin, DialIn, FarEndRule, PlaceCall, RuleError, SimCall, SimSettings, SimSwitch, far_end_delay,
};
use ccgw_store_traits::DirectoryStore;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ExtError;
use super::snapshot::party_label;
use super::{parse, sim_phones};
use crate::route_table::Routes;

/// The media type of a call placed by number (voice): the switch knows no skill to take
/// it from.
const DIALLED_MEDIA_TYPE: u8 = 5;

/// Most far-end rules one `PUT sim/rules` may set: the list is scanned on every dial.
const MAX_RULES: usize = 1000;

/// What the sim routes reach: the switch, and the directory for a call's skill and VDN.
#[derive(Clone)]
pub(crate) struct SimControl {
    pub(super) sim: Arc<SimSwitch>,
    directory: Arc<dyn DirectoryStore>,
}

impl SimControl {
    pub(crate) fn new(sim: Arc<SimSwitch>, directory: Arc<dyn DirectoryStore>) -> Self {
        Self { sim, directory }
    }
}

/// The `/ccgw/v1/sim/...` routes; they need a [`SimControl`] as their state.
pub(crate) fn routes() -> Routes<SimControl> {
    Routes::new()
        .get("/ccgw/v1/sim/calls", list)
        .post("/ccgw/v1/sim/calls", place)
        .delete("/ccgw/v1/sim/calls/{callid}", hang_up)
        .post("/ccgw/v1/sim/calls/{callid}/parties/{number}/answer", answer_party)
        .post("/ccgw/v1/sim/calls/{callid}/parties/{number}/reject", reject_party)
        .post("/ccgw/v1/sim/calls/{callid}/parties/{number}/hangup", hang_up_party)
        .post("/ccgw/v1/sim/calls/{callid}/parties/{number}/digits", send_digits)
        .post("/ccgw/v1/sim/calls/{callid}/ivr/end", end_ivr)
        .get("/ccgw/v1/sim/rules", get_rules)
        .put("/ccgw/v1/sim/rules", put_rules)
        .get("/ccgw/v1/sim/phones", sim_phones::list_phones)
        .put("/ccgw/v1/sim/phones/{workno}", sim_phones::put_phone)
        .get("/ccgw/v1/sim/agent-phones", sim_phones::get_agent_phones)
        .put("/ccgw/v1/sim/agent-phones", sim_phones::put_agent_phones)
        .post("/ccgw/v1/sim/calls/{callid}/agents/{workno}/hangup", sim_phones::hang_up_agent)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PlaceCallBody {
    caller: String,
    /// The skill queue the switch puts the call in itself; without it the center routes
    /// the call by `called`.
    skill: Option<u32>,
    called: Option<String>,
    vdn: Option<u16>,
    call_data: Option<String>,
    /// 0 (normal) ..= 255; higher is served first.
    priority: Option<u8>,
}

#[derive(Serialize)]
struct CallView {
    callid: String,
    /// `null` for a call an agent placed.
    vdn: Option<u16>,
    skill: Option<u32>,
    caller: String,
    called: String,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent: Option<String>,
    #[serde(rename = "placedAt")]
    placed_at: u64,
    parties: Vec<PartyView>,
}

#[derive(Serialize)]
struct PartyView {
    /// `agent:<work no>`, `number:<digits>` or `ivr:<access code>`.
    party: String,
    state: &'static str,
    muted: bool,
    digits: String,
    /// The parties this one hears (labels as `party`), as the switch mixes the call.
    hears: Vec<String>,
    /// For an inspector's phone: the agent it inspects and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    inspects: Option<InspectsView>,
}

#[derive(Serialize)]
struct InspectsView {
    agent: String,
    /// `listen`, `insert` or `whisper`.
    mode: &'static str,
}

fn view(call: SimCall) -> CallView {
    let (vdn, skill) = match &call.origin {
        CallOrigin::Customer { queue: Some((vdn, skill)), .. } => (Some(vdn.get()), Some(skill.get())),
        CallOrigin::Customer { queue: None, .. } => (None, None),
        CallOrigin::Agent(_) => (None, None),
    };
    let parties = call
        .parties
        .iter()
        .map(|party| PartyView {
            party: party_label(&party.party),
            state: party.state.name(),
            muted: party.muted,
            digits: party.digits.clone(),
            hears: call.heard_by(&party.party).iter().map(party_label).collect(),
            inspects: party
                .inspects
                .map(|inspecting| InspectsView { agent: inspecting.agent.to_string(), mode: inspecting.mode.name() }),
        })
        .collect();
    CallView {
        callid: call.id.to_string(),
        vdn,
        skill,
        state: call.state().name(),
        agent: call.agent().map(|agent| agent.to_string()),
        placed_at: call.placed_at.as_millis(),
        caller: call.caller,
        called: call.called,
        parties,
    }
}

/// The call as it is after a change, or a note that the change ended it.
fn after_change(id: &CallId, call: Option<SimCall>) -> Json<Value> {
    match call {
        Some(call) => Json(json!(view(call))),
        None => Json(json!({"callid": id.to_string(), "state": "ended"})),
    }
}

async fn place(
    State(state): State<SimControl>,
    body: Result<Json<PlaceCallBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let body = parse::body(body)?;
    let caller = PhoneNumber::parse(&body.caller).map_err(|e| ExtError::bad_request(format!("caller: {e}")))?;
    let Some(skill) = body.skill else { return dial_in(&state, caller, body) };
    let vdn = Vdn::new(body.vdn.unwrap_or(1)).map_err(|e| ExtError::bad_request(e.to_string()))?;
    let skill_id = SkillId::new(skill).map_err(|e| ExtError::bad_request(e.to_string()))?;
    let skill = state.directory.get_skill(vdn, skill_id).await?;
    let called = match body.called {
        Some(called) => called_number(&called)?,
        None => state.directory.get_vdn(vdn).await?.access_code.map(|code| code.to_string()).unwrap_or_default(),
    };
    let call_data = checked_call_data(body.call_data)?;
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

/// A call placed by number: the center routes it (or refuses it).
fn dial_in(
    state: &SimControl,
    caller: PhoneNumber,
    body: PlaceCallBody,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    if body.vdn.is_some() {
        return Err(ExtError::bad_request("vdn goes with skill; a call by number reaches the VDN it dials"));
    }
    let called = body.called.ok_or_else(|| ExtError::bad_request("either skill or called is required"))?;
    let dial_in = DialIn {
        caller: caller.to_string(),
        called: called_number(&called)?,
        call_data: checked_call_data(body.call_data)?,
        media_type: DIALLED_MEDIA_TYPE,
        priority: body.priority.unwrap_or(0),
    };
    let callid = state.sim.dial_in(dial_in);
    Ok((StatusCode::CREATED, Json(json!({"callid": callid.to_string()}))))
}

fn called_number(called: &str) -> Result<String, ExtError> {
    Ok(PhoneNumber::parse(called).map_err(|e| ExtError::bad_request(format!("called: {e}")))?.to_string())
}

fn checked_call_data(call_data: Option<String>) -> Result<String, ExtError> {
    let call_data = call_data.unwrap_or_default();
    if call_data.len() > 16 * 1024 {
        return Err(ExtError::bad_request("callData is longer than 16 KiB"));
    }
    Ok(call_data)
}

async fn list(State(state): State<SimControl>) -> Json<Value> {
    let calls: Vec<CallView> = state.sim.calls().into_iter().map(view).collect();
    Json(json!({"calls": calls}))
}

pub(super) fn call_id(text: &str) -> Result<CallId, ExtError> {
    CallId::parse(text).map_err(|e| ExtError::bad_request(e.to_string()))
}

/// A party's number from the path: the digits it was dialled or called with.
fn party_number(text: &str) -> Result<String, ExtError> {
    PhoneNumber::parse(text).map(|number| number.to_string()).map_err(|e| ExtError::bad_request(format!("number: {e}")))
}

async fn hang_up(State(state): State<SimControl>, Path(callid): Path<String>) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    if state.sim.hang_up(&id) {
        Ok(Json(json!({"callid": id.to_string(), "state": "ended"})))
    } else {
        Err(ExtError::not_found(format!("no live call {id}")))
    }
}

async fn answer_party(
    State(state): State<SimControl>,
    Path((callid, number)): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let call = state.sim.answer(&id, &party_number(&number)?)?;
    Ok(after_change(&id, Some(call)))
}

async fn reject_party(
    State(state): State<SimControl>,
    Path((callid, number)): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let call = state.sim.reject(&id, &party_number(&number)?)?;
    Ok(after_change(&id, call))
}

async fn hang_up_party(
    State(state): State<SimControl>,
    Path((callid, number)): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let call = state.sim.hang_up_party(&id, &party_number(&number)?)?;
    Ok(after_change(&id, call))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DigitsBody {
    digits: String,
}

async fn send_digits(
    State(state): State<SimControl>,
    Path((callid, number)): Path<(String, String)>,
    body: Result<Json<DigitsBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let number = party_number(&number)?;
    let body = parse::body(body)?;
    let call = state.sim.send_digits(&id, &number, &body.digits)?;
    Ok(after_change(&id, Some(call)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndIvrBody {
    /// `return` or `release`; the flow's own end when absent.
    end: Option<String>,
}

/// `POST sim/calls/{callid}/ivr/end` with `{"end": "return" | "release"}`: the IVR flow
/// holding the call ends now. No body (or no `end`) ends it as the flow is configured to.
async fn end_ivr(
    State(state): State<SimControl>,
    Path(callid): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ExtError> {
    let id = call_id(&callid)?;
    let requested = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let body: EndIvrBody =
            serde_json::from_slice(&body).map_err(|error| ExtError::bad_request(format!("body: {error}")))?;
        body.end
    };
    let end = requested
        .map(|name| {
            IvrEnd::from_name(&name).ok_or_else(|| {
                let name: String = name.chars().take(40).collect();
                ExtError::bad_request(format!("end {name:?} is not one of return, release"))
            })
        })
        .transpose()?;
    let call = state.sim.end_ivr(&id, end)?;
    Ok(after_change(&id, call))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RuleBody {
    pattern: String,
    behaviour: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_ms: Option<u64>,
}

impl RuleBody {
    pub(super) fn new(pattern: String, behaviour: &str, after: Option<std::time::Duration>) -> Self {
        Self { pattern, behaviour: behaviour.to_owned(), after_ms: after.map(|after| after.as_millis() as u64) }
    }

    /// A whole rule list, each entry parsed by `parse`; a 400 naming the first bad one.
    pub(super) fn parse_list<T>(
        rules: &[RuleBody],
        parse: impl Fn(&str, &str, Option<u64>) -> Result<T, RuleError>,
    ) -> Result<Vec<T>, ExtError> {
        if rules.len() > MAX_RULES {
            return Err(ExtError::bad_request(format!("at most {MAX_RULES} rules")));
        }
        let parse_one = |(index, rule): (usize, &RuleBody)| {
            parse(&rule.pattern, &rule.behaviour, rule.after_ms).map_err(|error| {
                let pattern: String = rule.pattern.chars().take(40).collect();
                ExtError::bad_request(format!("rules[{index}] (pattern {pattern:?}): {error}"))
            })
        };
        rules.iter().enumerate().map(parse_one).collect()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RulesBody {
    rules: Vec<RuleBody>,
    /// Absent: the current default stays.
    default_answer_ms: Option<u64>,
}

fn rules_view(settings: &SimSettings) -> Json<Value> {
    let rules: Vec<RuleBody> = settings
        .rules
        .iter()
        .map(|rule| RuleBody::new(rule.pattern.to_string(), rule.behaviour.name(), rule.behaviour.after()))
        .collect();
    Json(json!({"rules": rules, "defaultAnswerMs": settings.default_answer.as_millis() as u64}))
}

async fn get_rules(State(state): State<SimControl>) -> Json<Value> {
    rules_view(&state.sim.settings())
}

async fn put_rules(
    State(state): State<SimControl>,
    body: Result<Json<RulesBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let body = parse::body(body)?;
    let rules = RuleBody::parse_list(&body.rules, FarEndRule::parse)?;
    let default_answer = match body.default_answer_ms {
        Some(ms) => far_end_delay(ms).map_err(|error| ExtError::bad_request(format!("defaultAnswerMs: {error}")))?,
        None => state.sim.settings().default_answer,
    };
    let settings = SimSettings { rules, default_answer, ..state.sim.settings() };
    state.sim.configure(settings.clone());
    Ok(rules_view(&settings))
}
