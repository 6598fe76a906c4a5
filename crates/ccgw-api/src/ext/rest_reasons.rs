//! `/ccgw/v1/restreasons`: the rest reason codes (1..=255) of a VDN, addressed as
//! `/{vdn}/{code}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use ccgw_core::{RestReason, Vdn};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::directory::{VdnFilter, default_vdn};
use super::error::ExtError;
use super::parse::{body, id, rest_code, rest_code_text, vdn};
use crate::state::ApiState;

fn reason_json(reason: &RestReason) -> Value {
    json!({"vdn": reason.vdn.get(), "code": reason.code, "name": reason.name})
}

fn key((v, code): (String, String)) -> Result<(Vdn, u8), ExtError> {
    Ok((id(&v)?, rest_code_text(&code)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewReasonBody {
    #[serde(default = "default_vdn")]
    vdn: u16,
    code: u32,
    name: String,
}

pub(crate) async fn create(
    State(state): State<ApiState>,
    request: Result<Json<NewReasonBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let reason = RestReason { vdn: vdn(request.vdn)?, code: rest_code(request.code)?, name: request.name };
    state.directory.create_rest_reason(&reason).await?;
    Ok((StatusCode::CREATED, Json(reason_json(&reason))))
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    filter: Result<Query<VdnFilter>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let reasons = state.directory.list_rest_reasons(VdnFilter::parse(filter)?).await?;
    Ok(Json(json!({"restReasons": reasons.iter().map(reason_json).collect::<Vec<_>>()})))
}

pub(crate) async fn get(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let (vdn, code) = key(path)?;
    Ok(Json(reason_json(&state.directory.get_rest_reason(vdn, code).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReasonNameBody {
    name: String,
}

/// Adds the code (201) or renames it (200).
pub(crate) async fn put(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
    request: Result<Json<ReasonNameBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let (vdn, code) = key(path)?;
    let request = body(request)?;
    let reason = RestReason { vdn, code, name: request.name };
    let created = state.directory.put_rest_reason(&reason).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(reason_json(&reason))))
}

pub(crate) async fn delete(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ExtError> {
    let (vdn, code) = key(path)?;
    state.directory.delete_rest_reason(vdn, code).await?;
    Ok(StatusCode::NO_CONTENT)
}
