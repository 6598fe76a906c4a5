//! `/ccgw/v1/agents`, `/ccgw/v1/skills`, `/ccgw/v1/vdns`: the directory. Changes reach a
//! signed-in agent at its next sign-in.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use ccgw_core::{AgentProfile, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, SkillProfile, Vdn, WorkNo};
use ccgw_store::{AgentPatch, NewAgent, SkillPatch};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ExtError;
use crate::state::ApiState;

fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ExtError> {
    body.map(|Json(value)| value).map_err(|rejection| ExtError::bad_request(rejection.body_text()))
}

fn work_no(text: &str) -> Result<WorkNo, ExtError> {
    text.parse().map_err(|e: ccgw_core::IdError| ExtError::bad_request(e.to_string()))
}

fn vdn(value: u16) -> Result<Vdn, ExtError> {
    Vdn::new(value).map_err(|e| ExtError::bad_request(e.to_string()))
}

fn skill_id(value: u32) -> Result<SkillId, ExtError> {
    SkillId::new(value).map_err(|e| ExtError::bad_request(e.to_string()))
}

fn phone(text: &str) -> Result<PhoneNumber, ExtError> {
    PhoneNumber::parse(text).map_err(|e| ExtError::bad_request(format!("phone: {e}")))
}

fn role(text: &str) -> Result<Role, ExtError> {
    Role::parse(text).ok_or_else(|| ExtError::bad_request("role must be \"agent\" or \"inspector\""))
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantBody {
    id: u32,
    #[serde(default = "default_level")]
    level: u8,
}

fn default_level() -> u8 {
    1
}

fn grants(bodies: Vec<GrantBody>) -> Result<Vec<SkillGrant>, ExtError> {
    bodies
        .into_iter()
        .map(|grant| {
            let level =
                SkillLevel::new(grant.level).ok_or_else(|| ExtError::bad_request("skill level must be 1-10"))?;
            Ok(SkillGrant { skill: skill_id(grant.id)?, level })
        })
        .collect()
}

fn agent_json(agent: &AgentProfile) -> Value {
    let skills: Vec<GrantBody> =
        agent.skills.iter().map(|g| GrantBody { id: g.skill.get(), level: g.level.get() }).collect();
    json!({
        "workNo": agent.work_no.get(),
        "vdn": agent.vdn.get(),
        "name": agent.name,
        "phone": agent.phone.as_str(),
        "role": agent.role.as_str(),
        "skills": skills,
    })
}

fn skill_json(skill: &SkillProfile) -> Value {
    json!({"vdn": skill.vdn.get(), "id": skill.id.get(), "name": skill.name, "mediaType": skill.media_type})
}

#[derive(Deserialize)]
pub(crate) struct VdnFilter {
    vdn: Option<u16>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NewAgentBody {
    work_no: u32,
    #[serde(default = "default_vdn")]
    vdn: u16,
    name: Option<String>,
    password: String,
    phone: String,
    role: Option<String>,
    #[serde(default)]
    skills: Vec<GrantBody>,
}

fn default_vdn() -> u16 {
    1
}

pub(crate) async fn create_agent(
    State(state): State<ApiState>,
    request: Result<Json<NewAgentBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let work_no = WorkNo::new(request.work_no).map_err(|e| ExtError::bad_request(e.to_string()))?;
    let profile = AgentProfile {
        work_no,
        vdn: vdn(request.vdn)?,
        name: request.name.unwrap_or_else(|| format!("Agent {work_no}")),
        phone: phone(&request.phone)?,
        role: request.role.as_deref().map(role).transpose()?.unwrap_or(Role::Agent),
        skills: grants(request.skills)?,
    };
    let created = state.directory.create_agent(&NewAgent { profile, password: request.password }).await?;
    tracing::info!(work_no = %created.work_no, "agent added");
    Ok((StatusCode::CREATED, Json(agent_json(&created))))
}

pub(crate) async fn list_agents(
    State(state): State<ApiState>,
    Query(filter): Query<VdnFilter>,
) -> Result<Json<Value>, ExtError> {
    let vdn = filter.vdn.map(vdn).transpose()?;
    let agents = state.directory.list_agents(vdn).await?;
    Ok(Json(json!({"agents": agents.iter().map(agent_json).collect::<Vec<_>>()})))
}

pub(crate) async fn get_agent(State(state): State<ApiState>, Path(id): Path<String>) -> Result<Json<Value>, ExtError> {
    let agent = state.directory.get_agent(work_no(&id)?).await?;
    Ok(Json(agent_json(&agent)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentPatchBody {
    name: Option<String>,
    phone: Option<String>,
    role: Option<String>,
    skills: Option<Vec<GrantBody>>,
}

pub(crate) async fn update_agent(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    request: Result<Json<AgentPatchBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let request = body(request)?;
    let patch = AgentPatch {
        name: request.name,
        phone: request.phone.as_deref().map(phone).transpose()?,
        role: request.role.as_deref().map(role).transpose()?,
        skills: request.skills.map(grants).transpose()?,
    };
    let updated = state.directory.update_agent(work_no(&id)?, &patch).await?;
    Ok(Json(agent_json(&updated)))
}

pub(crate) async fn delete_agent(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ExtError> {
    state.directory.delete_agent(work_no(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    password: String,
}

pub(crate) async fn set_password(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    request: Result<Json<PasswordBody>, JsonRejection>,
) -> Result<StatusCode, ExtError> {
    let request = body(request)?;
    state.directory.set_password(work_no(&id)?, &request.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NewSkillBody {
    #[serde(default = "default_vdn")]
    vdn: u16,
    id: u32,
    name: String,
    #[serde(default = "default_media_type")]
    media_type: u8,
}

fn default_media_type() -> u8 {
    5
}

pub(crate) async fn create_skill(
    State(state): State<ApiState>,
    request: Result<Json<NewSkillBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let skill = SkillProfile {
        vdn: vdn(request.vdn)?,
        id: skill_id(request.id)?,
        name: request.name,
        media_type: request.media_type,
    };
    state.directory.create_skill(&skill).await?;
    Ok((StatusCode::CREATED, Json(skill_json(&skill))))
}

pub(crate) async fn list_skills(
    State(state): State<ApiState>,
    Query(filter): Query<VdnFilter>,
) -> Result<Json<Value>, ExtError> {
    let vdn = filter.vdn.map(vdn).transpose()?;
    let skills = state.directory.list_skills(vdn).await?;
    Ok(Json(json!({"skills": skills.iter().map(skill_json).collect::<Vec<_>>()})))
}

pub(crate) async fn get_skill(
    State(state): State<ApiState>,
    Path((v, id)): Path<(u16, u32)>,
) -> Result<Json<Value>, ExtError> {
    let skill = state.directory.get_skill(vdn(v)?, skill_id(id)?).await?;
    Ok(Json(skill_json(&skill)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SkillPatchBody {
    name: Option<String>,
    media_type: Option<u8>,
}

pub(crate) async fn update_skill(
    State(state): State<ApiState>,
    Path((v, id)): Path<(u16, u32)>,
    request: Result<Json<SkillPatchBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let request = body(request)?;
    let patch = SkillPatch { name: request.name, media_type: request.media_type };
    let skill = state.directory.update_skill(vdn(v)?, skill_id(id)?, &patch).await?;
    Ok(Json(skill_json(&skill)))
}

pub(crate) async fn delete_skill(
    State(state): State<ApiState>,
    Path((v, id)): Path<(u16, u32)>,
) -> Result<StatusCode, ExtError> {
    state.directory.delete_skill(vdn(v)?, skill_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_vdns(State(state): State<ApiState>) -> Result<Json<Value>, ExtError> {
    let vdns = state.directory.list_vdns().await?;
    let vdns: Vec<Value> = vdns
        .iter()
        .map(|v| json!({"id": v.vdn.get(), "name": v.name, "accessCode": v.access_code.as_ref().map(|c| c.as_str())}))
        .collect();
    Ok(Json(json!({"vdns": vdns})))
}
