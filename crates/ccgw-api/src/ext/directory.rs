//! `/ccgw/v1/agents`, `/ccgw/v1/skills`, `/ccgw/v1/vdns`: the directory. Changes reach a
//! signed-in agent at its next sign-in.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use ccgw_core::{
    AgentProfile, GroupId, Overflow, QueueLimits, Role, SkillGrant, SkillId, SkillLevel, SkillProfile, Vdn, WorkNo,
};
use ccgw_store_traits::{AgentPatch, NewAgent, SkillPatch};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::ExtError;
use super::parse::{
    OverflowBody, as_millis, body, clearable, group_id, id, millis, phone, policy, query, skill_id, vdn, work_no,
};
use crate::state::ApiState;

fn role(text: &str) -> Result<Role, ExtError> {
    Role::parse(text).ok_or_else(|| ExtError::bad_request("role must be \"agent\" or \"inspector\""))
}

/// A skill addressed as `/{vdn}/{id}`.
fn skill_key((v, skill): (String, String)) -> Result<(Vdn, SkillId), ExtError> {
    Ok((id(&v)?, id(&skill)?))
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

pub(crate) fn agent_json(agent: &AgentProfile) -> Value {
    let skills: Vec<GrantBody> =
        agent.skills.iter().map(|g| GrantBody { id: g.skill.get(), level: g.level.get() }).collect();
    json!({
        "workNo": agent.work_no.get(),
        "vdn": agent.vdn.get(),
        "name": agent.name,
        "phone": agent.phone.as_str(),
        "role": agent.role.as_str(),
        "skills": skills,
        "group": agent.group.map(GroupId::get),
        "wrapUpMs": agent.wrap_up.map(as_millis),
    })
}

fn skill_json(skill: &SkillProfile) -> Value {
    let limits = &skill.limits;
    json!({
        "vdn": skill.vdn.get(),
        "id": skill.id.get(),
        "name": skill.name,
        "mediaType": skill.media_type,
        "policy": skill.policy.as_str(),
        "maxWaiting": limits.max_waiting,
        "maxWaitMs": limits.max_wait.map(as_millis),
        "overflow": limits.overflow.as_ref().map(OverflowBody::from_domain),
        "refuseWhenUnstaffed": limits.refuse_when_unstaffed,
        "wrapUpMs": skill.wrap_up.map(as_millis),
    })
}

/// `?vdn=N`: only the entries of one VDN.
#[derive(Deserialize)]
pub(crate) struct VdnFilter {
    vdn: Option<u16>,
}

impl VdnFilter {
    pub(crate) fn parse(filter: Result<Query<VdnFilter>, QueryRejection>) -> Result<Option<Vdn>, ExtError> {
        query(filter)?.vdn.map(vdn).transpose()
    }
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
    group: Option<u16>,
    wrap_up_ms: Option<u64>,
}

pub(crate) fn default_vdn() -> u16 {
    1
}

pub(crate) async fn create_agent(
    State(state): State<ApiState>,
    request: Result<Json<NewAgentBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let work_no = work_no(request.work_no)?;
    let profile = AgentProfile {
        work_no,
        vdn: vdn(request.vdn)?,
        name: request.name.unwrap_or_else(|| format!("Agent {work_no}")),
        phone: phone("phone", &request.phone)?,
        role: request.role.as_deref().map(role).transpose()?.unwrap_or(Role::Agent),
        skills: grants(request.skills)?,
        group: request.group.map(group_id).transpose()?,
        wrap_up: request.wrap_up_ms.map(millis),
    };
    let created = state.directory.create_agent(&NewAgent { profile, password: request.password }).await?;
    tracing::info!(work_no = %created.work_no, "agent added");
    Ok((StatusCode::CREATED, Json(agent_json(&created))))
}

pub(crate) async fn list_agents(
    State(state): State<ApiState>,
    filter: Result<Query<VdnFilter>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let vdn = VdnFilter::parse(filter)?;
    let agents = state.directory.list_agents(vdn).await?;
    Ok(Json(json!({"agents": agents.iter().map(agent_json).collect::<Vec<_>>()})))
}

pub(crate) async fn get_agent(State(state): State<ApiState>, Path(id): Path<String>) -> Result<Json<Value>, ExtError> {
    let agent = state.directory.get_agent(self::id(&id)?).await?;
    Ok(Json(agent_json(&agent)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AgentPatchBody {
    name: Option<String>,
    phone: Option<String>,
    role: Option<String>,
    skills: Option<Vec<GrantBody>>,
    /// `null` takes the agent out of its group.
    #[serde(default, deserialize_with = "clearable")]
    group: Option<Option<u16>>,
    /// `null`: back to the center default.
    #[serde(default, deserialize_with = "clearable")]
    wrap_up_ms: Option<Option<u64>>,
}

pub(crate) async fn update_agent(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    request: Result<Json<AgentPatchBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let request = body(request)?;
    let patch = AgentPatch {
        name: request.name,
        phone: request.phone.as_deref().map(|text| phone("phone", text)).transpose()?,
        role: request.role.as_deref().map(role).transpose()?,
        skills: request.skills.map(grants).transpose()?,
        group: request.group.map(|group| group.map(group_id).transpose()).transpose()?,
        wrap_up: request.wrap_up_ms.map(|ms| ms.map(millis)),
    };
    let updated = state.directory.update_agent(self::id(&id)?, &patch).await?;
    Ok(Json(agent_json(&updated)))
}

pub(crate) async fn delete_agent(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ExtError> {
    state.directory.delete_agent(self::id::<WorkNo>(&id)?).await?;
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
    state.directory.set_password(self::id(&id)?, &request.password).await?;
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
    policy: Option<String>,
    max_waiting: Option<u32>,
    max_wait_ms: Option<u64>,
    overflow: Option<OverflowBody>,
    #[serde(default)]
    refuse_when_unstaffed: bool,
    wrap_up_ms: Option<u64>,
}

fn default_media_type() -> u8 {
    5
}

fn overflow(body: Option<OverflowBody>) -> Result<Option<Overflow>, ExtError> {
    body.map(OverflowBody::into_domain).transpose()
}

pub(crate) async fn create_skill(
    State(state): State<ApiState>,
    request: Result<Json<NewSkillBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ExtError> {
    let request = body(request)?;
    let skill = SkillProfile {
        media_type: request.media_type,
        policy: request.policy.as_deref().map(policy).transpose()?.unwrap_or_default(),
        limits: QueueLimits {
            max_waiting: request.max_waiting,
            max_wait: request.max_wait_ms.map(millis),
            overflow: overflow(request.overflow)?,
            refuse_when_unstaffed: request.refuse_when_unstaffed,
        },
        wrap_up: request.wrap_up_ms.map(millis),
        ..SkillProfile::new(vdn(request.vdn)?, skill_id(request.id)?, request.name)
    };
    state.directory.create_skill(&skill).await?;
    state.reload_skills().await;
    Ok((StatusCode::CREATED, Json(skill_json(&skill))))
}

pub(crate) async fn list_skills(
    State(state): State<ApiState>,
    filter: Result<Query<VdnFilter>, QueryRejection>,
) -> Result<Json<Value>, ExtError> {
    let vdn = VdnFilter::parse(filter)?;
    let skills = state.directory.list_skills(vdn).await?;
    Ok(Json(json!({"skills": skills.iter().map(skill_json).collect::<Vec<_>>()})))
}

pub(crate) async fn get_skill(
    State(state): State<ApiState>,
    Path(key): Path<(String, String)>,
) -> Result<Json<Value>, ExtError> {
    let (vdn, id) = skill_key(key)?;
    let skill = state.directory.get_skill(vdn, id).await?;
    Ok(Json(skill_json(&skill)))
}

/// Absent fields stay as they are; `null` clears a limit ("no limit") or the wrap-up
/// time (back to the agent's default).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SkillPatchBody {
    name: Option<String>,
    media_type: Option<u8>,
    policy: Option<String>,
    #[serde(default, deserialize_with = "clearable")]
    max_waiting: Option<Option<u32>>,
    #[serde(default, deserialize_with = "clearable")]
    max_wait_ms: Option<Option<u64>>,
    #[serde(default, deserialize_with = "clearable")]
    overflow: Option<Option<OverflowBody>>,
    refuse_when_unstaffed: Option<bool>,
    #[serde(default, deserialize_with = "clearable")]
    wrap_up_ms: Option<Option<u64>>,
}

pub(crate) async fn update_skill(
    State(state): State<ApiState>,
    Path(key): Path<(String, String)>,
    request: Result<Json<SkillPatchBody>, JsonRejection>,
) -> Result<Json<Value>, ExtError> {
    let (vdn, id) = skill_key(key)?;
    let request = body(request)?;
    let patch = SkillPatch {
        name: request.name,
        media_type: request.media_type,
        policy: request.policy.as_deref().map(policy).transpose()?,
        max_waiting: request.max_waiting,
        max_wait: request.max_wait_ms.map(|ms| ms.map(millis)),
        overflow: request.overflow.map(overflow).transpose()?,
        refuse_when_unstaffed: request.refuse_when_unstaffed,
        wrap_up: request.wrap_up_ms.map(|ms| ms.map(millis)),
    };
    let skill = state.directory.update_skill(vdn, id, &patch).await?;
    state.reload_skills().await;
    Ok(Json(skill_json(&skill)))
}

pub(crate) async fn delete_skill(
    State(state): State<ApiState>,
    Path(key): Path<(String, String)>,
) -> Result<StatusCode, ExtError> {
    let (vdn, id) = skill_key(key)?;
    state.directory.delete_skill(vdn, id).await?;
    state.reload_skills().await;
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
