//! The demo center: one VDN, two skills, two groups, twenty agents, three rest reasons.

use ccgw_core::{
    AgentProfile, GroupId, GroupProfile, IdError, InboundRoute, PhoneNumber, RestReason, Role, RouteTarget, SkillGrant,
    SkillId, SkillLevel, Vdn, WorkNo,
};
use ccgw_store_traits::StoreError;

use crate::agents::{insert_agent_row, insert_grants};
use crate::error::db;
use crate::groups::insert_group_row;
use crate::password::hash_many_blocking;
use crate::rest_reasons::upsert_rest_reason_row;
use crate::routes::upsert_route_row;
use crate::store::{SqliteStore, is_empty_on};

const DEMO_VDN: u16 = 1;
const DEMO_VDN_NAME: &str = "Demo";
const DEMO_ACCESS_CODE: &str = "4000";
/// (id, name) of the demo skills, all of media type 5.
const DEMO_SKILLS: [(u32, &str); 2] = [(1, "General"), (2, "VIP")];
const DEMO_MEDIA_TYPE: i64 = 5;
const FIRST_AGENT: u32 = 101;
const LAST_AGENT: u32 = 120;
/// Agents up to this one also have the VIP skill.
const LAST_VIP_AGENT: u32 = 105;
const INSPECTOR: u32 = 120;
/// (id, name, last agent) of the demo groups: agents up to the last one of a group and
/// after the previous group's are in it.
const DEMO_GROUPS: [(u16, &str, u32); 2] = [(1, "Team A", 110), (2, "Team B", LAST_AGENT)];
/// (code, name) of the demo rest reasons.
/// Demo routes of VDN 1 (access code 4000): route suffix, skill, IVR flow first.
/// 4000 and 40001 reach General, 40002 VIP, 40009 the caller identification flow
/// (4001), then General.
const DEMO_ROUTES: [(&str, u32, Option<&str>); 4] =
    [("", 1, None), ("1", 1, None), ("2", 2, None), ("9", 1, Some("4001"))];
const DEMO_REST_REASONS: [(u8, &str); 3] = [(1, "Lunch"), (2, "Meeting"), (3, "Training")];

fn built_in(error: IdError) -> StoreError {
    StoreError::InvalidInput(format!("A built-in demo value was refused: {error}."))
}

fn demo_group_id(id: u16) -> Result<GroupId, StoreError> {
    GroupId::new(id).ok_or_else(|| StoreError::InvalidInput(format!("A built-in demo group id was refused: {id}.")))
}

fn demo_groups(vdn: Vdn) -> Result<Vec<GroupProfile>, StoreError> {
    DEMO_GROUPS
        .iter()
        .map(|&(id, name, _)| Ok(GroupProfile { vdn, id: demo_group_id(id)?, name: name.into() }))
        .collect()
}

/// The demo group of an agent.
fn group_of(number: u32) -> Result<Option<GroupId>, StoreError> {
    DEMO_GROUPS.iter().find(|&&(_, _, last)| number <= last).map(|&(id, _, _)| demo_group_id(id)).transpose()
}

/// The demo agents' profiles, in work-number order.
fn demo_agents(vdn: Vdn) -> Result<Vec<AgentProfile>, StoreError> {
    let general = SkillId::new(1).map_err(built_in)?;
    let vip = SkillId::new(2).map_err(built_in)?;
    (FIRST_AGENT..=LAST_AGENT)
        .map(|number| {
            let mut skills = vec![SkillGrant { skill: general, level: SkillLevel::DEFAULT }];
            if number <= LAST_VIP_AGENT {
                skills.push(SkillGrant { skill: vip, level: SkillLevel::DEFAULT });
            }
            Ok(AgentProfile {
                work_no: WorkNo::new(number).map_err(built_in)?,
                vdn,
                name: format!("Agent {number}"),
                phone: PhoneNumber::parse(&format!("70{number}")).map_err(built_in)?,
                role: if number == INSPECTOR { Role::Inspector } else { Role::Agent },
                skills,
                group: group_of(number)?,
                wrap_up: None,
            })
        })
        .collect()
}

fn not_empty() -> StoreError {
    StoreError::Conflict("The directory is not empty; the demo center can only be seeded into an empty one.".into())
}

impl SqliteStore {
    /// Fills an empty directory with the demo center: VDN 1 "Demo" (access code 4000),
    /// skills 1 "General" and 2 "VIP" (longest idle first, no queue limits), agents
    /// 101–120 (phones 70101–70120) all with skill 1, 101–105 also with skill 2, 120 an
    /// inspector; groups 1 "Team A" (101–110) and 2 "Team B" (111–120); rest reasons
    /// 1 "Lunch", 2 "Meeting", 3 "Training". Every agent has `password`, each with its
    /// own salt. [`StoreError::Conflict`] if the directory is not empty. All or nothing.
    pub async fn seed_demo(&self, password: &str) -> Result<(), StoreError> {
        if !self.is_empty().await? {
            return Err(not_empty());
        }
        let vdn = Vdn::new(DEMO_VDN).map_err(built_in)?;
        let agents = demo_agents(vdn)?;
        let hashes = hash_many_blocking(password, agents.len()).await?;

        let mut tx = self.begin_write().await?;
        if !is_empty_on(&mut tx).await? {
            return Err(not_empty());
        }
        sqlx::query("INSERT INTO vdns (id, name, access_code) VALUES (?1, ?2, ?3)")
            .bind(i64::from(DEMO_VDN))
            .bind(DEMO_VDN_NAME)
            .bind(DEMO_ACCESS_CODE)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for (id, name) in DEMO_SKILLS {
            sqlx::query("INSERT INTO skills (vdn, id, name, media_type) VALUES (?1, ?2, ?3, ?4)")
                .bind(i64::from(DEMO_VDN))
                .bind(i64::from(id))
                .bind(name)
                .bind(DEMO_MEDIA_TYPE)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        for group in demo_groups(vdn)? {
            insert_group_row(&mut tx, &group).await?;
        }
        for route in demo_routes(vdn)? {
            upsert_route_row(&mut tx, &route).await?;
        }
        for (code, name) in DEMO_REST_REASONS {
            upsert_rest_reason_row(&mut tx, &RestReason { vdn, code, name: name.into() }).await?;
        }
        for (agent, hash) in agents.iter().zip(&hashes) {
            insert_agent_row(&mut tx, agent, hash).await?;
            insert_grants(&mut tx, agent.work_no, agent.vdn, &agent.skills).await?;
        }
        tx.commit().await.map_err(db)?;
        tracing::info!(agents = agents.len(), "seeded the demo center");
        Ok(())
    }
}

fn demo_routes(vdn: Vdn) -> Result<Vec<InboundRoute>, StoreError> {
    DEMO_ROUTES
        .iter()
        .map(|&(suffix, skill, ivr)| {
            let skill = SkillId::new(skill).map_err(built_in)?;
            let target = match ivr {
                Some(code) => RouteTarget::Ivr { access_code: code.into(), skill },
                None => RouteTarget::Skill(skill),
            };
            Ok(InboundRoute { vdn, suffix: suffix.into(), target })
        })
        .collect()
}
