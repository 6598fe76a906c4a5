//! `/queuedevice/{agentid}/…` (spec 05 §3): queue lengths, skill lists, access codes and
//! skill-queue statistics of the caller's VDN. Shapes and errors: `docs/queries.md`.
//!
//! ccgw's choices where the spec leaves them open:
//! - the `…waitnum` queries answer a JSON number, as the official pages show: `waitnum`
//!   counts the calls waiting in the caller's configured skills, `waitnumbyagent` in the
//!   skills it is signed in to, `skillwaitnum/{skillid}` in one skill;
//! - skill lists are `{name, id, mediatype}` objects; `agentvdnskill`/`vdnskill` add the
//!   official `serviceType` (0: ccgw has no service types) and `realFlag` (1: every ccgw
//!   queue is a real one); another VDN's skills are not shown (`600-002`);
//! - `ivrinfo` is served with the other IVR queries in `agentgateway::ivr`;
//! - `queryacdstat` takes `{"skills":[ids]}` (1–100 known skill ids, numbers or numeric
//!   strings) and answers the official fields plus ccgw's live and since-start-up counts;
//!   `queryskillstat` answers the same objects, for the skills listed or (empty body) for
//!   every skill of the VDN; a bad body or an unknown skill is `100-019`.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{Overflow, SkillId, SkillProfile, SkillSnapshot, Vdn, VdnView};
use ccgw_store_traits::StoreError;
use serde::Serialize;
use serde_json::Value;

use ccgw_core::catalog::retcode;

use super::agentgroup::{SkillItem, Want, directory_failure, invalid, look, refuse, skill_param};
use super::context::AgentCall;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/queuedevice/{{agentid}}{tail}");
    Routes::new()
        .get(&at("/waitnum"), wait_configured)
        .get(&at("/waitnumbyagent"), wait_signed_in)
        .get(&at("/skillwaitnum/{skillid}"), wait_in_skill)
        .get(&at("/agentskill/{workNo}"), agent_skills)
        .get(&at("/agentvdnskill"), own_vdn_skills)
        .get(&at("/vdnskill/{vdnid}"), vdn_skills)
        .get(&at("/innoinfo"), access_codes)
        .post(&at("/queryskillstat"), skill_stat)
        .post(&at("/queryacdstat"), acd_stat)
}

/// Most skill ids one statistics request may name (official `queryacdstat` page).
pub(super) const MAX_SKILLS: usize = 100;

fn with_stats() -> Want {
    Want { stats: true, ..Want::default() }
}

/// Calls waiting in the given skills (each counted once).
fn waiting(view: &VdnView, skills: impl IntoIterator<Item = SkillId>) -> u32 {
    let mut skills: Vec<SkillId> = skills.into_iter().collect();
    skills.sort_unstable();
    skills.dedup();
    skills.iter().filter_map(|id| view.queues.get(id)).map(|snapshot| snapshot.waiting).sum()
}

async fn wait_configured(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, with_stats()).await.map(|view| {
        let configured = view.asker.profile.skills.iter().map(|grant| grant.skill);
        waiting(&view, configured)
    }))
}

async fn wait_signed_in(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, with_stats()).await.map(|view| waiting(&view, view.asker.skills.clone())))
}

async fn wait_in_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, with_stats()).await?;
            let skill = skill_param(&call, &view)?;
            Ok(waiting(&view, [skill]))
        }
        .await,
    )
}

/// `GET agentskill/{workNo}`: the configured skills of an agent of the VDN.
async fn agent_skills(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, Want::default()).await?;
            let work_no = super::agentgroup::work_no_param(&call)?;
            let none = || refuse(retcode::AGENT_SKILLS_NONE, &format!("agent {work_no}"));
            let profile = match state.directory.get_agent(work_no).await {
                Ok(profile) if profile.vdn == view.vdn() => profile,
                Ok(_) | Err(StoreError::NotFound(_)) => return Err(none()),
                Err(error) => return Err(directory_failure(error)),
            };
            let skills = SkillItem::list(profile.skills.iter().map(|grant| grant.skill), &view.skills);
            if skills.is_empty() { Err(none()) } else { Ok(skills) }
        }
        .await,
    )
}

/// An element of `agentvdnskill` / `vdnskill` (official `agentvdnskill` table).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VdnSkill {
    name: String,
    id: u32,
    mediatype: u8,
    service_type: u32,
    real_flag: u8,
}

fn vdn_skill_list(view: &VdnView) -> Vec<VdnSkill> {
    view.skills
        .values()
        .map(|skill| VdnSkill {
            name: skill.name.clone(),
            id: skill.id.get(),
            mediatype: skill.media_type,
            service_type: 0,
            real_flag: 1,
        })
        .collect()
}

async fn own_vdn_skills(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, Want::default()).await.and_then(|view| {
        let skills = vdn_skill_list(&view);
        if skills.is_empty() { Err(HuaweiReply::error(retcode::AGENT_VDN_SKILLS_NONE)) } else { Ok(skills) }
    }))
}

/// `GET vdnskill/{vdnid}`: `vdnid` 1–512; only the caller's own VDN has skills to show.
async fn vdn_skills(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, Want::default()).await.and_then(|view| {
        let vdn =
            call.param("vdnid").and_then(|text| text.parse::<Vdn>().ok()).ok_or_else(|| invalid("vdnid (1-512)"))?;
        let skills = if vdn == view.vdn() { vdn_skill_list(&view) } else { Vec::new() };
        if skills.is_empty() { Err(refuse(retcode::VDN_SKILLS_NONE, &format!("VDN {vdn}"))) } else { Ok(skills) }
    }))
}

/// An access code of the VDN (`innoinfo`), keys as the Huawei C# demo reads them.
#[derive(Debug, Serialize)]
struct AccessCode {
    id: u32,
    inno: String,
    description: String,
    vdnid: u16,
    mediatype: u8,
}

/// The VDN's access code, if one is configured.
async fn access_code(state: &ApiState, vdn: Vdn) -> Result<Option<(String, String)>, HuaweiReply> {
    match state.directory.get_vdn(vdn).await {
        Ok(record) => Ok(record.access_code.map(|code| (code.as_str().to_owned(), record.name))),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(error) => Err(directory_failure(error)),
    }
}

async fn access_codes(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, Want::default()).await?;
            let vdn = view.vdn();
            match access_code(&state, vdn).await? {
                Some((inno, description)) => {
                    Ok(vec![AccessCode { id: 1, inno, description, vdnid: vdn.get(), mediatype: 5 }])
                }
                None => Err(HuaweiReply::error(retcode::VDN_ACCESS_CODES_NONE)),
            }
        }
        .await,
    )
}

/// Statistics of one skill queue: the official `queryacdstat` fields first, then ccgw's.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(super) struct SkillStatistics {
    /// The VDN's access code ("" when none).
    pilot_nbr: String,
    /// Skill id.
    device_no: u32,
    /// Calls waiting now.
    queue_size: u32,
    /// Seconds the longest-waiting call has waited.
    queue_time: u64,
    /// Unused (0), as on the official page.
    load_factor: u32,
    /// Unused (0), as on the official page.
    est_wait_time: u64,
    /// Agents signed in to the skill.
    logged_on_agents: u32,
    /// Agents that may be offered a call now.
    avail_agents: u32,
    /// 0 a call that waited too long is released, 2 it is transferred (overflow).
    transfer_flg: u8,
    /// Overflow target type: 1 skill queue, 5 external number, 0 none.
    transfer_device_type: u8,
    /// Overflow skill id; 0 otherwise.
    transfer_device_no: u32,
    /// Skill name.
    skill_descrip: String,
    // ccgw's own fields.
    mediatype: u8,
    /// Overflow target as text (skill id or number); "" when none.
    transfer_address: String,
    idle_agents: u32,
    busy_agents: u32,
    rest_agents: u32,
    work_agents: u32,
    ringing_agents: u32,
    talking_agents: u32,
    pre_rest_agents: u32,
    /// Counts since start-up.
    entered: u64,
    answered: u64,
    abandoned_in_queue: u64,
    abandoned_ringing: u64,
    no_answer: u64,
    overflowed: u64,
    overflowed_out: u64,
    no_agent: u64,
    queue_full: u64,
    timed_out: u64,
    /// Mean and longest wait of answered calls, in seconds.
    answered_wait_avg: u64,
    answered_wait_max: u64,
}

impl SkillStatistics {
    pub(super) fn of(skill: &SkillProfile, snapshot: &SkillSnapshot, pilot: &str) -> Self {
        let (transfer_flg, transfer_device_type, transfer_device_no, transfer_address) = match &skill.limits.overflow {
            Some(Overflow::Skill(id)) => (2, 1, id.get(), id.to_string()),
            Some(Overflow::Number(number)) => (2, 5, 0, number.as_str().to_owned()),
            None => (0, 0, 0, String::new()),
        };
        let counters = &snapshot.counters;
        Self {
            pilot_nbr: pilot.to_owned(),
            device_no: skill.id.get(),
            queue_size: snapshot.waiting,
            queue_time: snapshot.longest_wait.as_secs(),
            load_factor: 0,
            est_wait_time: 0,
            logged_on_agents: snapshot.signed_in,
            avail_agents: snapshot.available,
            transfer_flg,
            transfer_device_type,
            transfer_device_no,
            skill_descrip: skill.name.clone(),
            mediatype: skill.media_type,
            transfer_address,
            idle_agents: snapshot.idle,
            busy_agents: snapshot.busy,
            rest_agents: snapshot.rest,
            work_agents: snapshot.wrap_up,
            ringing_agents: snapshot.ringing,
            talking_agents: snapshot.talking,
            pre_rest_agents: snapshot.pre_rest,
            entered: counters.entered,
            answered: counters.answered,
            abandoned_in_queue: counters.abandoned_in_queue,
            abandoned_ringing: counters.abandoned_ringing,
            no_answer: counters.no_answer,
            overflowed: counters.overflowed,
            overflowed_out: counters.overflowed_out,
            no_agent: counters.no_agent,
            queue_full: counters.queue_full,
            timed_out: counters.timed_out,
            answered_wait_avg: counters.answered_wait_mean().as_secs(),
            answered_wait_max: counters.answered_wait_max.as_secs(),
        }
    }
}

/// The statistics of `skills` (known skills of the view), with the VDN's access code.
pub(super) async fn statistics(
    state: &ApiState,
    view: &VdnView,
    skills: &[SkillId],
) -> Result<Vec<SkillStatistics>, HuaweiReply> {
    let pilot = access_code(state, view.vdn()).await?.map(|(code, _)| code).unwrap_or_default();
    Ok(skills
        .iter()
        .filter_map(|id| Some((view.skills.get(id)?, view.queues.get(id)?)))
        .map(|(skill, snapshot)| SkillStatistics::of(skill, snapshot, &pilot))
        .collect())
}

/// Why a statistics body was refused.
#[derive(Debug, PartialEq, Eq)]
enum BadSkills {
    Missing,
    Malformed(&'static str),
    TooMany,
}

/// The skill ids of `{"skills":[…]}`, first occurrence order; `Missing` for an empty body,
/// no `skills` key or an empty list.
fn skill_list(body: &[u8]) -> Result<Vec<SkillId>, BadSkills> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BadSkills::Missing);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| BadSkills::Malformed("the body must be JSON"))?;
    let object = value.as_object().ok_or(BadSkills::Malformed("the body must be a JSON object"))?;
    let list = match object.get("skills") {
        None | Some(Value::Null) => return Err(BadSkills::Missing),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(BadSkills::Malformed("skills must be an array")),
    };
    if list.is_empty() {
        return Err(BadSkills::Missing);
    }
    if list.len() > MAX_SKILLS {
        return Err(BadSkills::TooMany);
    }
    let mut ids = Vec::with_capacity(list.len());
    for item in list {
        let id = match item {
            Value::Number(number) => {
                number.as_u64().and_then(|n| u32::try_from(n).ok()).and_then(|n| SkillId::new(n).ok())
            }
            Value::String(text) => text.trim().parse::<SkillId>().ok(),
            _ => None,
        }
        .ok_or(BadSkills::Malformed("skills must hold skill ids"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn bad_skills(bad: &BadSkills) -> HuaweiReply {
    let detail = match bad {
        BadSkills::Missing => "the body must name skills: {\"skills\":[1,2]}",
        BadSkills::Malformed(detail) => detail,
        BadSkills::TooMany => "at most 100 skills per request",
    };
    refuse(retcode::SKILL_QUERY_PARAMETER, detail)
}

/// Refuses the first id the VDN does not have.
fn known(view: &VdnView, ids: &[SkillId]) -> Result<(), HuaweiReply> {
    match ids.iter().find(|id| !view.skills.contains_key(id)) {
        Some(id) => Err(refuse(retcode::SKILL_QUERY_PARAMETER, &format!("skill {id} does not exist in this VDN"))),
        None => Ok(()),
    }
}

/// `POST queryacdstat` with `{"skills":[ids]}` (mandatory, 1–100 ids).
async fn acd_stat(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, with_stats()).await?;
            let ids = skill_list(&body).map_err(|bad| bad_skills(&bad))?;
            known(&view, &ids)?;
            statistics(&state, &view, &ids).await
        }
        .await,
    )
}

/// `POST queryskillstat`: like `queryacdstat`; an empty body (or no `skills`) means every
/// skill of the VDN.
async fn skill_stat(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, with_stats()).await?;
            let ids = match skill_list(&body) {
                Ok(ids) => ids,
                Err(BadSkills::Missing) => view.skills.keys().copied().collect(),
                Err(bad) => return Err(bad_skills(&bad)),
            };
            known(&view, &ids)?;
            statistics(&state, &view, &ids).await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[u32]) -> Vec<SkillId> {
        list.iter().map(|&n| SkillId::new(n).unwrap()).collect()
    }

    #[test]
    fn skill_lists_take_numbers_and_strings_once_each() {
        assert_eq!(skill_list(br#"{"skills":[2,"1",2," 3 "]}"#), Ok(ids(&[2, 1, 3])));
    }

    #[test]
    fn skill_lists_refuse_what_is_not_one() {
        assert_eq!(skill_list(b""), Err(BadSkills::Missing));
        assert_eq!(skill_list(b"{}"), Err(BadSkills::Missing));
        assert_eq!(skill_list(br#"{"skills":[]}"#), Err(BadSkills::Missing));
        for body in [&b"[1]"[..], b"skills", br#"{"skills":1}"#, br#"{"skills":[0]}"#, br#"{"skills":["a"]}"#] {
            assert!(matches!(skill_list(body), Err(BadSkills::Malformed(_))), "{}", String::from_utf8_lossy(body));
        }
        let many = format!(r#"{{"skills":[{}]}}"#, (1..=101).map(|n| n.to_string()).collect::<Vec<_>>().join(","));
        assert_eq!(skill_list(many.as_bytes()), Err(BadSkills::TooMany));
        let enough = format!(r#"{{"skills":[{}]}}"#, (1..=100).map(|n| n.to_string()).collect::<Vec<_>>().join(","));
        assert_eq!(skill_list(enough.as_bytes()).unwrap().len(), 100);
    }

    #[test]
    fn statistics_carry_the_official_fields_and_the_overflow_target() {
        let vdn = Vdn::new(1).unwrap();
        let mut skill = SkillProfile::new(vdn, SkillId::new(1).unwrap(), "General");
        skill.limits.overflow = Some(Overflow::Skill(SkillId::new(2).unwrap()));
        let snapshot = SkillSnapshot::empty(vdn, skill.id);
        let json = serde_json::to_value(SkillStatistics::of(&skill, &snapshot, "4000")).unwrap();
        for key in [
            "pilotNbr",
            "deviceNo",
            "queueSize",
            "queueTime",
            "loadFactor",
            "estWaitTime",
            "loggedOnAgents",
            "availAgents",
            "transferFlg",
            "transferDeviceType",
            "transferDeviceNo",
            "skillDescrip",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        assert_eq!(json["pilotNbr"], "4000");
        assert_eq!((json["transferFlg"].as_u64(), json["transferDeviceNo"].as_u64()), (Some(2), Some(2)));
    }
}
