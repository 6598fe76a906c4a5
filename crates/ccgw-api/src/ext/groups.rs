//! `/ccgw/v1/groups`: agent groups (teams) of a VDN, addressed as `/{vdn}/{id}` like
//! skills. An agent joins or leaves a group through `PATCH /ccgw/v1/agents/{workno}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use ccgw_core::{GroupId, GroupProfile, Vdn};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::directory::{VdnFilter, default_vdn};
use super::error::ExtError;
use super::parse::{body, group_id, group_id_text, id, vdn};
use crate::state::ApiState;

fn group_json(group: &GroupProfile) -> Value {
    json!({"vdn": group.vdn.get(), "id": group.id.get(), "name": group.name})
}

fn key((v, group): (String, String)) -> Result<(Vdn, GroupId), ExtError> {
    Ok((id(&v)?, group_id_text(&group)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewGroupBody {
    #[serde(default = "default_vdn")]
    vdn: u16,
    id: u16,
    name: String,
}

pub(crate) async fn create(
    State(state): State<ApiState>,
    request: Result<Json<NewGroupBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let group = GroupProfile { vdn: vdn(request.vdn)?, id: group_id(request.id)?, name: request.name };
    state.directory.create_group(&group).await?;
    Ok((StatusCode::CREATED, Json(group_json(&group))))
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    filter: Result<Query<VdnFilter>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let groups = state.directory.list_groups(VdnFilter::parse(filter)?).await?;
    Ok(Json(json!({"groups": groups.iter().map(group_json).collect::<Vec<_>>()})))
}

/// The group with the work numbers of its agents.
pub(crate) async fn get(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let (vdn, id) = key(path)?;
    let group = state.directory.get_group(vdn, id).await?;
    let agents = state.directory.agents_in_group(vdn, id).await?;
    let mut answer = group_json(&group);
    answer["agents"] = json!(agents.iter().map(|agent| agent.work_no.get()).collect::<Vec<_>>());
    Ok(Json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupPatchBody {
    name: String,
}

pub(crate) async fn update(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
    request: Result<Json<GroupPatchBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let (vdn, id) = key(path)?;
    let request = body(request)?;
    let group = state.directory.rename_group(vdn, id, &request.name).await?;
    Ok(Json(group_json(&group)))
}

/// Removes the group; its agents stay, in no group.
pub(crate) async fn delete(
    State(state): State<ApiState>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ExtError> {
    let (vdn, id) = key(path)?;
    let released = state.directory.delete_group(vdn, id).await?;
    tracing::info!(vdn = %vdn, group = %id, agents = released, "group removed");
    Ok(StatusCode::NO_CONTENT)
}
