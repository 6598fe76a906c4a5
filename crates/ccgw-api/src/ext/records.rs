//! `GET /ccgw/v1/records`: finished calls, newest first, filtered and paged. Read only;
//! the engine writes the records.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ccgw_core::{CallOutcome, SkillId};
use ccgw_store_traits::{RecordQuery, StoredCall};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ExtError;
use super::parse::{id, present, query, time, whole_number};
use crate::state::ApiState;

/// The query string; an empty value counts as absent, an unknown name is refused (a
/// misspelt filter must not silently list everything).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordParams {
    vdn: Option<String>,
    agent: Option<String>,
    skill: Option<String>,
    from: Option<String>,
    to: Option<String>,
    outcome: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

impl RecordParams {
    fn into_query(self) -> Result<RecordQuery, ExtError> {
        Ok(RecordQuery {
            vdn: present(self.vdn).map(|text| id(&text)).transpose()?,
            agent: present(self.agent).map(|text| id(&text)).transpose()?,
            talked: None,
            skill: present(self.skill).map(|text| id::<SkillId>(&text)).transpose()?,
            from: present(self.from).map(|text| time("from", &text)).transpose()?,
            to: present(self.to).map(|text| time("to", &text)).transpose()?,
            outcome: present(self.outcome),
            offset: whole_number("offset", self.offset)?.unwrap_or(0),
            limit: whole_number("limit", self.limit)?.unwrap_or(RecordQuery::DEFAULT_LIMIT),
        })
    }
}

fn record_json(record: &StoredCall) -> Value {
    let end = &record.end;
    let call = &end.call;
    let (answered_at, ended_by) = match &end.outcome {
        CallOutcome::Answered { answered_at, ended_by, .. } => (Some(answered_at.as_millis()), Some(ended_by.as_str())),
        _ => (None, None),
    };
    let overflow_to = match &end.outcome {
        CallOutcome::Overflowed { to } => Some(to.as_str()),
        _ => None,
    };
    let failure = match &end.outcome {
        CallOutcome::Failed { reason, .. } => Some(reason.as_str()),
        _ => None,
    };
    let joined_into = match &end.outcome {
        CallOutcome::Joined { into } => Some(into.as_str()),
        _ => None,
    };
    json!({
        "id": record.id,
        "callid": call.id.as_str(),
        "feature": end.feature.code(),
        "vdn": call.vdn.get(),
        "skill": call.skill.get(),
        "finalSkill": end.route.last().copied().unwrap_or(call.skill).get(),
        "route": end.route.iter().map(|skill| skill.get()).collect::<Vec<_>>(),
        "caller": call.caller,
        "called": call.called,
        "callData": call.call_data,
        "mediaType": call.media_type,
        "priority": call.priority,
        "arrivedAt": end.arrived.as_millis(),
        "endedAt": end.ended.as_millis(),
        "outcome": end.outcome.code(),
        "agent": end.outcome.agent().map(|agent| agent.get()),
        "answeredAt": answered_at,
        "endedBy": ended_by,
        "overflowTo": overflow_to,
        "failure": failure,
        "joinedInto": joined_into,
        "offeredTo": end.offered_to.iter().map(|agent| agent.get()).collect::<Vec<_>>(),
        "talked": end.talked.iter().map(|agent| agent.get()).collect::<Vec<_>>(),
        "supervision": end.supervision.iter().map(|entry| json!({
            "inspector": entry.inspector.get(),
            "agent": entry.agent.get(),
            "kind": entry.kind.name(),
            "from": entry.from.as_millis(),
            "until": entry.until.as_millis(),
        })).collect::<Vec<_>>(),
    })
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    params: Result<Query<RecordParams>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let filter = query(params)?.into_query()?;
    let page = state.records.query_records(&filter).await?;
    Ok(Json(json!({"records": page.records.iter().map(record_json).collect::<Vec<_>>(), "total": page.total})))
}
