//! `GET /ccgw/v1/audit`: the audit trail, newest first, filtered and paged. Read only;
//! the api and the engine append to it.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use ccgw_core::AuditKind;
use ccgw_store_traits::{AuditQuery, StoredAudit};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ExtError;
use super::parse::{id, present, query, time, whole_number};
use crate::state::ApiState;

/// The query string; an empty value counts as absent, an unknown name is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    agent: Option<String>,
    kind: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

impl AuditParams {
    fn into_query(self) -> Result<AuditQuery, ExtError> {
        let kind = present(self.kind)
            .map(|text| {
                AuditKind::from_code(&text).ok_or_else(|| {
                    ExtError::bad_request(format!("kind must be one of {}, got {text:?}", AuditKind::CODES.join(", ")))
                })
            })
            .transpose()?;
        Ok(AuditQuery {
            agent: present(self.agent).map(|text| id(&text)).transpose()?,
            kind,
            action: present(self.action),
            from: present(self.from).map(|text| time("from", &text)).transpose()?,
            to: present(self.to).map(|text| time("to", &text)).transpose()?,
            offset: whole_number("offset", self.offset)?.unwrap_or(0),
            limit: whole_number("limit", self.limit)?.unwrap_or(AuditQuery::DEFAULT_LIMIT),
        })
    }
}

pub(crate) fn entry_json(stored: &StoredAudit) -> Value {
    let entry = &stored.entry;
    json!({
        "id": stored.id,
        "at": entry.at.as_millis(),
        "kind": entry.kind.code(),
        "actor": entry.actor,
        "agent": entry.agent.map(|agent| agent.get()),
        "client": entry.client,
        "action": entry.action,
        "detail": entry.detail,
        "result": entry.result,
    })
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let filter = query(params)?.into_query()?;
    let Some(store) = &state.audit_store else {
        return Err(ExtError::not_found("this gateway keeps no audit trail"));
    };
    let page = store.query_audit(&filter).await?;
    Ok(Json(json!({"entries": page.entries.iter().map(entry_json).collect::<Vec<_>>(), "total": page.total})))
}
