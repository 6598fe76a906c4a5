//! `GET /ccgw/v1/agents/{workno}/snapshot`: the agent's state and calls with the
//! sequence number of its last event at that instant — where a client starts following
//! `…/events?after=seq`. Rules and errors: `docs/events.md`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use ccgw_core::{AgentView, CallView, Leg, Party, SignedInSnapshot, catalog::state_code};
use ccgw_engine::{EventReader, SnapshotAt};
use serde::{Deserialize, Serialize};

use super::agent_auth::{agent_read, read_failure};
use super::error::ExtError;
use super::parse::query;
use crate::state::ApiState;

/// No parameters: an unknown one is a mistake (400), as on the events routes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotQuery {}

/// The answer. Every field is always present; the agent's fields are `null` (and its
/// lists empty) while it is signed out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SnapshotBody {
    work_no: String,
    /// The agent's last event when the snapshot was taken; continue with `events?after=seq`.
    seq: u64,
    taken_at: u64,
    signed_in: bool,
    /// `signed-out`, `idle`, `busy`, `rest`, `wrap-up`, `ringing` or `talking`.
    state: &'static str,
    /// Gateway agent state code as `agentstatus` gives it (2 = signed out).
    status: u8,
    /// Platform (CTI) agent state code.
    cti_status: Option<u8>,
    state_since: Option<u64>,
    login_time: Option<u64>,
    vdn: Option<u16>,
    phone: Option<String>,
    skills: Vec<u32>,
    rest: Option<RestBody>,
    calls: Vec<CallBody>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RestBody {
    cause: u8,
    /// `null` while the rest waits for the call or wrap-up to end (pre-rest).
    started_at: Option<u64>,
    length_ms: u64,
    overdue: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallBody {
    callid: String,
    /// The call as the agent sees it: `ringing`, `dialling`, `talking`, `held`, …
    state: &'static str,
    /// The agent's own leg, when it is a party.
    leg: Option<&'static str>,
    /// The agent's current call (else a held one).
    current: bool,
    caller: String,
    called: String,
    media_type: u8,
    /// The call type code events carry (`feature`).
    feature: u8,
    skill: u32,
    skill_name: String,
    call_data: String,
    business_data: String,
    arrived_at: u64,
    state_since: u64,
    transferred_from: Option<String>,
    parties: Vec<PartyBody>,
}

#[derive(Serialize)]
struct PartyBody {
    /// `agent:<work no>`, `number:<digits>` or `ivr:<access code>`, as in `sim/calls`.
    party: String,
    leg: &'static str,
    muted: bool,
}

pub(crate) async fn get(
    State(state): State<ApiState>,
    Extension(reader): Extension<EventReader>,
    Path(workno): Path<String>,
    params: Result<Query<SnapshotQuery>, QueryRejection>,
) -> Result<Json<SnapshotBody>, ExtError> {
    query(params)?;
    let work_no = agent_read(&state, &workno, &reader).await?;
    let snapshot = state.engine.snapshot(work_no, reader).await.map_err(read_failure)?;
    Ok(Json(body(snapshot)))
}

fn body(SnapshotAt { seq, snapshot }: SnapshotAt) -> SnapshotBody {
    let signed_out = SnapshotBody {
        work_no: snapshot.work_no.to_string(),
        seq: seq.0,
        taken_at: snapshot.taken_at.as_millis(),
        signed_in: false,
        state: "signed-out",
        status: state_code::SIGNED_OUT,
        cti_status: None,
        state_since: None,
        login_time: None,
        vdn: None,
        phone: None,
        skills: Vec::new(),
        rest: None,
        calls: Vec::new(),
    };
    let Some(SignedInSnapshot { agent, state, calls, current }) = snapshot.signed_in else { return signed_out };
    let AgentView { profile, status, cti_status, state_since, login_time, phone, skills, rest } = agent;
    SnapshotBody {
        signed_in: true,
        state: state.name(),
        status,
        cti_status: Some(cti_status),
        state_since: Some(state_since.as_millis()),
        login_time: Some(login_time.as_millis()),
        vdn: Some(profile.vdn.get()),
        phone: Some(phone),
        skills: skills.iter().map(|skill| skill.get()).collect(),
        rest: rest.map(|rest| RestBody {
            cause: rest.cause,
            started_at: rest.started.map(|at| at.as_millis()),
            length_ms: u64::try_from(rest.length.as_millis()).unwrap_or(u64::MAX),
            overdue: rest.overdue,
        }),
        calls: calls.into_iter().map(|call| call_body(call, current.as_ref())).collect(),
        ..signed_out
    }
}

fn call_body(call: CallView, current: Option<&ccgw_core::CallId>) -> CallBody {
    CallBody {
        current: current == Some(&call.id),
        callid: call.id.to_string(),
        state: call.state.as_str(),
        leg: call.leg.map(leg_name),
        caller: call.caller,
        called: call.called,
        media_type: call.media_type,
        feature: call.feature.code(),
        skill: call.skill.get(),
        skill_name: call.skill_name,
        call_data: call.call_data,
        business_data: call.business_data,
        arrived_at: call.arrived.as_millis(),
        state_since: call.state_since.as_millis(),
        transferred_from: call.transferred_from.map(|agent| agent.to_string()),
        parties: call
            .parties
            .iter()
            .map(|party| PartyBody { party: party_label(&party.party), leg: leg_name(party.leg), muted: party.muted })
            .collect(),
    }
}

/// How the extension API names a party of a call.
pub(crate) fn party_label(party: &Party) -> String {
    match party {
        Party::Agent(agent) => format!("agent:{agent}"),
        Party::Number(number) => format!("number:{number}"),
        Party::Ivr(access_code) => format!("ivr:{access_code}"),
    }
}

fn leg_name(leg: Leg) -> &'static str {
    match leg {
        Leg::Setup => "setup",
        Leg::Alerting => "alerting",
        Leg::Connected => "connected",
        Leg::Held => "held",
    }
}
