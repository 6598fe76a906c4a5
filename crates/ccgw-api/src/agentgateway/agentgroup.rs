//! `/agentgroup/{agentid}/…` (spec 05 §2): read-only queries about the agents, groups and
//! rest reasons of the caller's VDN. Shapes and errors are written out in
//! `docs/queries.md`; this module also holds what the three query modules share: the
//! look into the engine ([`look`]) and the agent object ([`AgentInfo`]).
//!
//! ccgw's choices where the spec leaves them open:
//! - every query first checks the caller's Guid, then reads; only the caller's VDN is
//!   visible, an agent, skill or group of another VDN answers as if it did not exist;
//! - the agent object follows the official `agentbyworkno` table and the fields the
//!   Huawei C# demo reads (`status` = gateway state code as a number, `ctiStatus` =
//!   platform state, `groupid` 0 = in no group, `logindate` / `currentstatetime` in ms);
//! - "all agents" lists hold every configured agent of the VDN (signed out = status 2);
//!   "online" lists hold the signed-in ones; every list is in work-number order;
//! - a malformed path or query value is `000-002`, an unknown skill `100-019`, an unknown
//!   agent `300-002` (`300-003` in group queries), a missing group `300-004`;
//! - every agent may read these lists (no `300-001`); the `is…` flags answer a JSON
//!   boolean: inspectors are censor, monitor and spy-monitor; nobody has call-out,
//!   pick-up, report-manager or system rights in ccgw.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::catalog::retcode::{self, Retcode};
use ccgw_core::catalog::state_code;
use ccgw_core::{
    AgentProfile, AgentView, GroupId, GroupProfile, Query, QueryAnswer, Refusal, Role, SkillId, SkillProfile,
    Timestamp, VdnView, WorkNo,
};
use ccgw_store_traits::StoreError;
use serde::Serialize;
use serde_json::Value;

use super::context::AgentCall;
use super::reads;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/agentgroup/{{agentid}}{tail}");
    Routes::new()
        .get(&at("/restreason"), rest_reasons)
        .get(&at("/agentbyskill/{skillid}"), by_skill)
        .get(&at("/agentidsbyskill/{skillid}"), ids_by_skill)
        .get(&at("/agentbyconfigedskill/{skillid}"), by_configured_skill)
        .get(&at("/agentbyworkno/{workno}"), by_work_no)
        .get(&at("/groupbyagent/{workno}"), group_of_agent)
        .get(&at("/agentongroup"), own_group)
        .get(&at("/agentongroupex"), given_group)
        .get(&at("/grouponvdn"), groups)
        .get(&at("/onlineagentonvdn"), online)
        .get(&at("/loggedinagentphoneonvdn"), online_phones)
        .get(&at("/agentwasnameonvdn"), names)
        .get(&at("/allagentstatus"), everyone)
        .get(&at("/alllocalagentstatus"), online)
        .get(&at("/idleagent"), idle)
        .get(&at("/agentlistbystatus"), by_status)
        .get(&at("/queryagentstatus"), everyone)
        .get(&at("/queryagentstatusandskill"), everyone_with_skills)
        .get(&at("/agentrestinfo"), resting)
        .get(&at("/allchatagents"), chat_agents)
        .post(&at("/agentinfonoskills"), batch)
        .get(&at("/iscallout"), no_right)
        .get(&at("/iscensor"), inspector_right)
        .get(&at("/isspymonitor"), inspector_right)
        .get(&at("/ismonitor"), inspector_right)
        .get(&at("/isreportmanager"), no_right)
        .get(&at("/issystem"), no_right)
        .get(&at("/ispickup"), no_right)
}

// ---------------------------------------------------------------------------------------
// Shared by the query modules.

pub(super) fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

pub(super) fn refuse(code: Retcode, detail: &str) -> HuaweiReply {
    HuaweiReply::error_with(code, &format!("{}: {detail}", code.meaning))
}

pub(super) fn directory_failure(error: StoreError) -> HuaweiReply {
    tracing::error!(%error, "directory lookup failed in a query");
    HuaweiReply::error(retcode::INTERNAL)
}

/// What a query asks the engine to copy besides the caller.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Want {
    /// Every signed-in agent of the caller's VDN.
    pub(super) agents: bool,
    /// A live snapshot of every skill queue of the caller's VDN, and its call counts.
    pub(super) stats: bool,
}

/// Checks the caller's Guid and has the engine copy what the query needs of the caller's
/// VDN.
pub(super) async fn look(state: &ApiState, call: &AgentCall, want: Want) -> Result<VdnView, HuaweiReply> {
    let query = Query::Vdn { agents: want.agents, queues: want.stats };
    reads::ask(state, call, query, |answer| match answer {
        QueryAnswer::Vdn(view) => Some(*view),
        _ => None,
    })
    .await
}

/// One element of a skill list, as in `agentskillsbyworkno` (spec 02 §2.17).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(super) struct SkillItem {
    pub(super) name: String,
    pub(super) id: u32,
    pub(super) mediatype: u8,
}

impl SkillItem {
    pub(super) fn of(skill: &SkillProfile) -> Self {
        Self { name: skill.name.clone(), id: skill.id.get(), mediatype: skill.media_type }
    }

    /// The known ones of `ids`, in the order given.
    pub(super) fn list(ids: impl IntoIterator<Item = SkillId>, skills: &BTreeMap<SkillId, SkillProfile>) -> Vec<Self> {
        ids.into_iter().filter_map(|id| skills.get(&id)).map(Self::of).collect()
    }
}

/// The agent object of every agent list (official `agentbyworkno` table, Huawei C# demo).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(super) struct AgentInfo {
    pub(super) workno: String,
    pub(super) name: String,
    /// Gateway agent state (spec 02 §4.1); 2 = signed out.
    pub(super) status: u8,
    /// Platform agent state (spec 02 §4.2); 0 = signed out.
    #[serde(rename = "ctiStatus")]
    pub(super) cti_status: u8,
    /// 0 = in no group.
    pub(super) groupid: u16,
    pub(super) groupname: String,
    /// Sign-in media flags as in the sign-in result: `TFF` signed in, `FFF` signed out.
    pub(super) mediatype: &'static str,
    pub(super) vdnid: u16,
    /// The phone signed in with; the configured phone of a signed-out agent.
    pub(super) phonenumber: String,
    /// When the current state began (ms since the epoch); 0 when signed out.
    pub(super) currentstatetime: u64,
    /// Seconds in the current state; 0 when signed out.
    #[serde(rename = "stateDuration")]
    pub(super) state_duration: u64,
    /// Sign-in time (ms since the epoch); 0 when signed out.
    pub(super) logindate: u64,
    #[serde(rename = "inMultimediaConf")]
    pub(super) in_multimedia_conf: u8,
    /// The skills signed in to (only in `agentbyworkno` and `queryagentstatusandskill`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) skilllist: Option<Vec<SkillItem>>,
}

/// The VDN's agents: configured (directory) and signed in (engine), with group names.
pub(super) struct Roster {
    pub(super) view: VdnView,
    configured: BTreeMap<WorkNo, AgentProfile>,
    groups: BTreeMap<GroupId, GroupProfile>,
}

impl Roster {
    /// Looks into the engine (every signed-in agent of the VDN) and reads the directory.
    pub(super) async fn load(state: &ApiState, call: &AgentCall) -> Result<Self, HuaweiReply> {
        let view = look(state, call, Want { agents: true, ..Want::default() }).await?;
        let vdn = Some(view.vdn());
        let agents = state.directory.list_agents(vdn).await.map_err(directory_failure)?;
        let groups = state.directory.list_groups(vdn).await.map_err(directory_failure)?;
        Ok(Self {
            view,
            configured: agents.into_iter().map(|agent| (agent.work_no, agent)).collect(),
            groups: groups.into_iter().map(|group| (group.id, group)).collect(),
        })
    }

    /// The current profile of an agent of the VDN: the directory's, or the one it signed
    /// in with when it was removed from the directory since.
    pub(super) fn profile(&self, work_no: WorkNo) -> Option<&AgentProfile> {
        self.configured.get(&work_no).or_else(|| self.view.agents.get(&work_no).map(|live| &live.profile))
    }

    /// Every agent of the VDN, configured or signed in, in work-number order.
    pub(super) fn everyone(&self) -> Vec<WorkNo> {
        let mut all: Vec<WorkNo> = self.configured.keys().chain(self.view.agents.keys()).copied().collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub(super) fn signed_in(&self) -> impl Iterator<Item = &AgentView> {
        self.view.agents.values()
    }

    pub(super) fn info(&self, work_no: WorkNo) -> Option<AgentInfo> {
        let profile = self.profile(work_no)?;
        let live = self.view.agents.get(&work_no);
        let group = profile.group.and_then(|id| self.groups.get(&id));
        let now = self.view.now;
        Some(AgentInfo {
            workno: work_no.to_string(),
            name: profile.name.clone(),
            status: live.map_or(state_code::SIGNED_OUT, |live| live.status),
            cti_status: live.map_or(0, |live| live.cti_status),
            groupid: group.map_or(0, |group| group.id.get()),
            groupname: group.map(|group| group.name.clone()).unwrap_or_default(),
            mediatype: if live.is_some() { "TFF" } else { "FFF" },
            vdnid: profile.vdn.get(),
            phonenumber: live.map_or_else(|| profile.phone.as_str().to_owned(), |live| live.phone.clone()),
            currentstatetime: live.map_or(0, |live| live.state_since.as_millis()),
            state_duration: live.map_or(0, |live| now.since(live.state_since).as_secs()),
            logindate: live.map_or(0, |live| live.login_time.as_millis()),
            in_multimedia_conf: 0,
            skilllist: None,
        })
    }

    /// `info` with the skills signed in to.
    pub(super) fn info_with_skills(&self, work_no: WorkNo) -> Option<AgentInfo> {
        let skills = self.view.agents.get(&work_no).map(|live| live.skills.clone()).unwrap_or_default();
        let mut info = self.info(work_no)?;
        info.skilllist = Some(SkillItem::list(skills, &self.view.skills));
        Some(info)
    }

    pub(super) fn infos(&self, work_nos: impl IntoIterator<Item = WorkNo>) -> Vec<AgentInfo> {
        work_nos.into_iter().filter_map(|work_no| self.info(work_no)).collect()
    }

    fn group_info(&self, group: &GroupProfile) -> GroupInfo {
        let members: Vec<WorkNo> = self
            .everyone()
            .into_iter()
            .filter(|&w| self.profile(w).is_some_and(|p| p.group == Some(group.id)))
            .collect();
        GroupInfo {
            id: group.id.get(),
            name: group.name.clone(),
            monitorno: 0,
            monitorname: String::new(),
            vdnid: group.vdn.get(),
            agentnum: members.len(),
            onlinenum: members.iter().filter(|w| self.view.agents.contains_key(w)).count(),
        }
    }

    fn members(&self, group: GroupId) -> Vec<AgentInfo> {
        self.infos(self.everyone().into_iter().filter(|&w| self.profile(w).is_some_and(|p| p.group == Some(group))))
    }
}

/// A path parameter that must be a skill id known in the caller's VDN.
pub(super) fn skill_param(call: &AgentCall, view: &VdnView) -> Result<SkillId, HuaweiReply> {
    let id = call.param("skillid").and_then(|text| text.parse::<SkillId>().ok()).ok_or_else(|| invalid("skillid"))?;
    if view.skills.contains_key(&id) {
        Ok(id)
    } else {
        Err(refuse(retcode::SKILL_QUERY_PARAMETER, &format!("skill {id} does not exist in this VDN")))
    }
}

pub(super) fn work_no_param(call: &AgentCall) -> Result<WorkNo, HuaweiReply> {
    call.param("workno")
        .or_else(|| call.param("workNo"))
        .and_then(|text| text.parse::<WorkNo>().ok())
        .ok_or_else(|| invalid("workno must be a work number"))
}

// ---------------------------------------------------------------------------------------
// Handlers.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RestReasonItem {
    rest_reason_id: u8,
    rest_reason: String,
}

/// `GET restreason`: `[{"restReasonId":1,"restReason":"Lunch"}]` (Huawei Java demo keys).
async fn rest_reasons(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, Want::default()).await?;
            let reasons = state.directory.list_rest_reasons(Some(view.vdn())).await.map_err(directory_failure)?;
            Ok(reasons
                .into_iter()
                .map(|reason| RestReasonItem { rest_reason_id: reason.code, rest_reason: reason.name })
                .collect::<Vec<_>>())
        }
        .await,
    )
}

/// Signed-in agents serving the skill of the path.
async fn serving(state: &ApiState, call: &AgentCall) -> Result<(Roster, Vec<WorkNo>), HuaweiReply> {
    let roster = Roster::load(state, call).await?;
    let skill = skill_param(call, &roster.view)?;
    let serving = roster.signed_in().filter(|live| live.skills.contains(&skill)).map(|l| l.profile.work_no).collect();
    Ok((roster, serving))
}

async fn by_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(serving(&state, &call).await.map(|(roster, serving)| roster.infos(serving)))
}

async fn ids_by_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        serving(&state, &call).await.map(|(_, serving)| serving.iter().map(|w| w.to_string()).collect::<Vec<_>>()),
    )
}

async fn by_configured_skill(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let skill = skill_param(&call, &roster.view)?;
            let configured = roster
                .everyone()
                .into_iter()
                .filter(|&w| roster.profile(w).is_some_and(|p| p.skills.iter().any(|grant| grant.skill == skill)));
            Ok(roster.infos(configured))
        }
        .await,
    )
}

async fn by_work_no(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let work_no = work_no_param(&call)?;
            roster
                .info_with_skills(work_no)
                .ok_or_else(|| refuse(retcode::AGENT_INFO_NONE, &format!("agent {work_no}")))
        }
        .await,
    )
}

/// A group (team): `id`, `name`, `monitorno`, `monitorname` as the Huawei C# demo reads
/// them (ccgw has no group monitors: 0 and ""), plus its VDN and member counts.
#[derive(Debug, Serialize)]
struct GroupInfo {
    id: u16,
    name: String,
    monitorno: u32,
    monitorname: String,
    vdnid: u16,
    /// Configured members.
    agentnum: usize,
    /// Members signed in.
    onlinenum: usize,
}

async fn group_of_agent(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let work_no = work_no_param(&call)?;
            let profile = roster
                .profile(work_no)
                .ok_or_else(|| refuse(retcode::GROUP_AGENT_NOT_FOUND, &format!("agent {work_no}")))?;
            let group = profile
                .group
                .and_then(|id| roster.groups.get(&id))
                .ok_or_else(|| refuse(retcode::GROUP_NOT_FOUND, &format!("agent {work_no} is in no group")))?;
            Ok(roster.group_info(group))
        }
        .await,
    )
}

async fn own_group(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let group = roster
                .profile(call.work_no)
                .and_then(|profile| profile.group)
                .filter(|id| roster.groups.contains_key(id))
                .ok_or_else(|| refuse(retcode::GROUP_NOT_FOUND, "the caller is in no group"))?;
            Ok(roster.members(group))
        }
        .await,
    )
}

/// `GET agentongroupex?groupid=`.
async fn given_group(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let group = call
                .query
                .get("groupid")
                .and_then(|text| text.trim().parse::<u16>().ok())
                .and_then(GroupId::new)
                .ok_or_else(|| invalid("groupid must be a group id (1-9999)"))?;
            if !roster.groups.contains_key(&group) {
                return Err(refuse(retcode::GROUP_NOT_FOUND, &format!("group {group}")));
            }
            Ok(roster.members(group))
        }
        .await,
    )
}

async fn groups(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        Roster::load(&state, &call)
            .await
            .map(|roster| roster.groups.values().map(|group| roster.group_info(group)).collect::<Vec<_>>()),
    )
}

async fn online(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        Roster::load(&state, &call).await.map(|roster| roster.infos(roster.view.agents.keys().copied())),
    )
}

#[derive(Serialize)]
struct PhoneItem {
    workno: String,
    phonenumber: String,
}

async fn online_phones(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, Want { agents: true, ..Want::default() }).await.map(|view| {
        view.agents
            .values()
            .map(|live| PhoneItem { workno: live.profile.work_no.to_string(), phonenumber: live.phone.clone() })
            .collect::<Vec<_>>()
    }))
}

/// `GET agentwasnameonvdn`: an object from work number to name (com.zz.CTI reads its keys).
async fn names(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(Roster::load(&state, &call).await.map(|roster| {
        roster
            .everyone()
            .into_iter()
            .filter_map(|w| roster.profile(w).map(|profile| (w.to_string(), Value::String(profile.name.clone()))))
            .collect::<serde_json::Map<String, Value>>()
    }))
}

async fn everyone(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(Roster::load(&state, &call).await.map(|roster| roster.infos(roster.everyone())))
}

async fn everyone_with_skills(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        Roster::load(&state, &call)
            .await
            .map(|roster| roster.everyone().into_iter().filter_map(|w| roster.info_with_skills(w)).collect::<Vec<_>>()),
    )
}

async fn idle(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(Roster::load(&state, &call).await.map(|roster| {
        let idle = roster.signed_in().filter(|live| live.status == state_code::IDLE).map(|l| l.profile.work_no);
        roster.infos(idle.collect::<Vec<_>>())
    }))
}

/// `GET agentlistbystatus?status=` (a gateway state code; 2 lists the signed-out agents).
async fn by_status(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let status = call
                .query
                .get("status")
                .and_then(|text| text.trim().parse::<u8>().ok())
                .filter(|code| state_code::ALL.contains(code))
                .ok_or_else(|| invalid("status must be an agent state code (2, 3, 4, 5, 7, 8 or 9)"))?;
            Ok(roster.infos(roster.everyone()).into_iter().filter(|info| info.status == status).collect::<Vec<_>>())
        }
        .await,
    )
}

/// One resting agent (`agentrestinfo`), also one whose rest waits for its call to end.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RestInfo {
    workno: String,
    name: String,
    /// 8 resting, 9 rest requested during a call or wrap-up.
    status: u8,
    rest_reason_id: u8,
    /// The configured name of the reason; "" when none is configured.
    rest_reason: String,
    /// When the rest began (ms since the epoch); 0 while it waits.
    rest_start_time: u64,
    /// Rest length asked for (seconds).
    rest_time: u64,
    /// Seconds left; 0 once over.
    rest_remaining: u64,
    /// Seconds beyond the length asked for.
    rest_overtime: u64,
    /// Whether `AgentState_Rest_Timeout` was sent.
    is_overdue: bool,
}

async fn resting(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let reasons: HashMap<u8, String> = state
                .directory
                .list_rest_reasons(Some(roster.view.vdn()))
                .await
                .map_err(directory_failure)?
                .into_iter()
                .map(|reason| (reason.code, reason.name))
                .collect();
            let now = roster.view.now;
            Ok(roster
                .signed_in()
                .filter_map(|live| live.rest.map(|rest| (live, rest)))
                .map(|(live, rest)| {
                    let spent = rest.started.map_or(Duration::ZERO, |started| now.since(started));
                    RestInfo {
                        workno: live.profile.work_no.to_string(),
                        name: roster.profile(live.profile.work_no).map_or_else(String::new, |p| p.name.clone()),
                        status: live.status,
                        rest_reason_id: rest.cause,
                        rest_reason: reasons.get(&rest.cause).cloned().unwrap_or_default(),
                        rest_start_time: rest.started.map_or(0, Timestamp::as_millis),
                        rest_time: rest.length.as_secs(),
                        rest_remaining: rest.length.saturating_sub(spent).as_secs(),
                        rest_overtime: spent.saturating_sub(rest.length).as_secs(),
                        is_overdue: rest.overdue,
                    }
                })
                .collect::<Vec<_>>())
        }
        .await,
    )
}

/// `GET allchatagents`: ccgw has no text chat, so nobody is in one: `[]`.
async fn chat_agents(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, Want::default()).await.map(|_| Vec::<AgentInfo>::new()))
}

/// Most work numbers `agentinfonoskills` takes at once.
const MAX_BATCH: usize = 100;

/// The work numbers of an `agentinfonoskills` body: `{"agentlist":["101",102]}`.
fn batch_list(body: &[u8]) -> Result<Vec<WorkNo>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "the body must be JSON".to_owned())?;
    let list = value.get("agentlist").and_then(Value::as_array).ok_or("agentlist must be an array")?;
    if list.len() > MAX_BATCH {
        return Err(format!("agentlist holds more than {MAX_BATCH} work numbers"));
    }
    list.iter()
        .map(|item| match item {
            Value::String(text) => text.trim().parse::<WorkNo>().ok(),
            Value::Number(number) => {
                number.as_u64().and_then(|n| u32::try_from(n).ok()).and_then(|n| WorkNo::new(n).ok())
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| "agentlist must hold work numbers".to_owned())
}

/// `POST agentinfonoskills`: the agents of the list that exist in the VDN, in list order.
async fn batch(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let mut wanted = batch_list(&body).map_err(|detail| invalid(&detail))?;
            let mut seen = std::collections::HashSet::new();
            wanted.retain(|w| seen.insert(*w));
            Ok(roster.infos(wanted))
        }
        .await,
    )
}

async fn flag(state: &ApiState, call: &AgentCall, right: impl FnOnce(Role) -> bool) -> HuaweiReply {
    HuaweiReply::answer(look(state, call, Want::default()).await.map(|view| right(view.asker.profile.role)))
}

/// `iscensor`, `ismonitor`, `isspymonitor`: true for inspectors.
async fn inspector_right(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    flag(&state, &call, |role| role == Role::Inspector).await
}

/// `iscallout`, `ispickup`, `isreportmanager`, `issystem`: ccgw grants these to nobody.
async fn no_right(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    flag(&state, &call, |_| false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_bodies_take_numbers_and_numeric_strings() {
        let list = batch_list(br#"{"agentlist":["101",102," 103 "]}"#).unwrap();
        assert_eq!(list.iter().map(|w| w.get()).collect::<Vec<_>>(), vec![101, 102, 103]);
        assert_eq!(batch_list(br#"{"agentlist":[]}"#).unwrap(), Vec::<WorkNo>::new());
        for body in
            [&b"nope"[..], b"{}", br#"{"agentlist":"101"}"#, br#"{"agentlist":["1a"]}"#, br#"{"agentlist":[0]}"#]
        {
            assert!(batch_list(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
        let many = format!(r#"{{"agentlist":[{}]}}"#, vec!["101"; MAX_BATCH + 1].join(","));
        assert!(batch_list(many.as_bytes()).is_err());
    }
}
