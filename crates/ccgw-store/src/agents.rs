//! Agent operations, including passwords, groups and wrap-up times.

use std::collections::HashMap;
use std::time::Duration;

use ccgw_core::{AgentProfile, GroupId, SkillGrant, Vdn, WorkNo};
use ccgw_store_traits::{AgentPatch, NewAgent, StoreError};
use sqlx::SqliteConnection;

use crate::convert;
use crate::error::db;
use crate::groups::{group_exists, group_not_found};
use crate::password::{hash_blocking, verify_blocking};
use crate::skills::{skill_exists, skill_not_found};
use crate::store::SqliteStore;
use crate::validate::{check_grants, check_name, millis};
use crate::vdns::{vdn_exists, vdn_not_found};

/// The columns of an [`AgentRow`], as a literal for `concat!`.
macro_rules! agent_columns {
    () => {
        "work_no, vdn, name, phone, role, group_id, wrap_up_ms"
    };
}

/// work_no, vdn, name, phone, role, group_id, wrap_up_ms.
type AgentRow = (i64, i64, String, String, String, Option<i64>, Option<i64>);
/// work_no, skill_id, level.
type GrantRow = (i64, i64, i64);

fn agent_from_row(
    (work_no, vdn, name, phone, role, group, wrap_up): AgentRow,
    skills: Vec<SkillGrant>,
) -> Result<AgentProfile, StoreError> {
    Ok(AgentProfile {
        work_no: convert::work_no(work_no)?,
        vdn: convert::vdn(vdn)?,
        name,
        phone: convert::phone(&phone)?,
        role: convert::role(&role)?,
        skills,
        group: group.map(convert::group_id).transpose()?,
        wrap_up: wrap_up.map(|ms| convert::span("wrap-up time", ms)).transpose()?,
    })
}

fn grant_from_row(skill_id: i64, level: i64) -> Result<SkillGrant, StoreError> {
    Ok(SkillGrant { skill: convert::skill_id(skill_id)?, level: convert::skill_level(level)? })
}

fn agent_not_found(work_no: WorkNo) -> StoreError {
    StoreError::NotFound(format!("Agent {work_no} does not exist."))
}

fn sorted_by_skill(mut profile: AgentProfile) -> AgentProfile {
    profile.skills.sort_by_key(|grant| grant.skill);
    profile
}

fn wrap_up_ms(work_no: WorkNo, wrap_up: Option<Duration>) -> Result<Option<i64>, StoreError> {
    wrap_up.map(|span| millis(&format!("The wrap-up time of agent {work_no}"), span)).transpose()
}

/// [`StoreError::NotFound`] unless `group` (if any) exists in `vdn`.
async fn check_group(conn: &mut SqliteConnection, vdn: Vdn, group: Option<GroupId>) -> Result<(), StoreError> {
    match group {
        Some(group) if !group_exists(conn, vdn, group).await? => Err(group_not_found(vdn, group)),
        _ => Ok(()),
    }
}

/// Inserts the agent row of `profile` with the given password hash (no grants). The
/// caller has checked that the VDN and the group exist.
pub(crate) async fn insert_agent_row(
    conn: &mut SqliteConnection,
    profile: &AgentProfile,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO agents (work_no, vdn, name, password_hash, phone, role, group_id, wrap_up_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(i64::from(profile.work_no.get()))
    .bind(i64::from(profile.vdn.get()))
    .bind(&profile.name)
    .bind(password_hash)
    .bind(profile.phone.as_str())
    .bind(profile.role.as_str())
    .bind(profile.group.map(|group| i64::from(group.get())))
    .bind(wrap_up_ms(profile.work_no, profile.wrap_up)?)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// The checks of a new agent that need no database.
fn check_new_agent(profile: &AgentProfile) -> Result<(), StoreError> {
    check_name("agent", &profile.name)?;
    check_grants(&profile.skills)?;
    wrap_up_ms(profile.work_no, profile.wrap_up)?;
    Ok(())
}

/// Inserts a new agent with its grants, inside the caller's write transaction:
/// [`StoreError::Conflict`] if the work number exists, [`StoreError::NotFound`] for a
/// missing VDN, group or skill.
async fn insert_new_agent(conn: &mut SqliteConnection, profile: &AgentProfile, hash: &str) -> Result<(), StoreError> {
    if agent_exists(conn, profile.work_no).await? {
        return Err(StoreError::Conflict(format!("Agent {} already exists.", profile.work_no)));
    }
    if !vdn_exists(conn, profile.vdn).await? {
        return Err(vdn_not_found(profile.vdn));
    }
    check_group(conn, profile.vdn, profile.group).await?;
    insert_agent_row(conn, profile, hash).await?;
    insert_grants(conn, profile.work_no, profile.vdn, &profile.skills).await
}

/// Inserts `grants` for an agent of `vdn`; [`StoreError::NotFound`] names the first
/// granted skill that the VDN does not have.
pub(crate) async fn insert_grants(
    conn: &mut SqliteConnection,
    work_no: WorkNo,
    vdn: Vdn,
    grants: &[SkillGrant],
) -> Result<(), StoreError> {
    for grant in grants {
        if !skill_exists(conn, vdn, grant.skill).await? {
            return Err(skill_not_found(vdn, grant.skill));
        }
        sqlx::query("INSERT INTO agent_skills (work_no, vdn, skill_id, level) VALUES (?1, ?2, ?3, ?4)")
            .bind(i64::from(work_no.get()))
            .bind(i64::from(vdn.get()))
            .bind(i64::from(grant.skill.get()))
            .bind(i64::from(grant.level.get()))
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Loads one agent with its grants (ordered by skill id), `None` if absent.
async fn load_agent(conn: &mut SqliteConnection, work_no: WorkNo) -> Result<Option<AgentProfile>, StoreError> {
    let row: Option<AgentRow> = sqlx::query_as(concat!("SELECT ", agent_columns!(), " FROM agents WHERE work_no = ?1"))
        .bind(i64::from(work_no.get()))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let grants: Vec<(i64, i64)> =
        sqlx::query_as("SELECT skill_id, level FROM agent_skills WHERE work_no = ?1 ORDER BY skill_id")
            .bind(i64::from(work_no.get()))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let skills =
        grants.into_iter().map(|(skill_id, level)| grant_from_row(skill_id, level)).collect::<Result<_, _>>()?;
    agent_from_row(row, skills).map(Some)
}

async fn agent_exists(conn: &mut SqliteConnection, work_no: WorkNo) -> Result<bool, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM agents WHERE work_no = ?1)")
        .bind(i64::from(work_no.get()))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(exists)
}

/// The agents of `vdn` (all with `None`), only those of `group` when given, ordered by
/// work number, each with its skills ordered by skill id. Two queries in one read
/// transaction, whatever the number of agents.
pub(crate) async fn list_agents_where(
    directory: &SqliteStore,
    vdn: Option<Vdn>,
    group: Option<GroupId>,
) -> Result<Vec<AgentProfile>, StoreError> {
    let vdn = vdn.map(|v| i64::from(v.get()));
    let group = group.map(|g| i64::from(g.get()));
    // One read transaction: agents and grants come from the same snapshot.
    let mut tx = directory.pool.begin().await.map_err(db)?;
    let agents: Vec<AgentRow> = sqlx::query_as(concat!(
        "SELECT ",
        agent_columns!(),
        " FROM agents
         WHERE (?1 IS NULL OR vdn = ?1) AND (?2 IS NULL OR group_id = ?2)
         ORDER BY work_no"
    ))
    .bind(vdn)
    .bind(group)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let grants: Vec<GrantRow> = sqlx::query_as(
        "SELECT g.work_no, g.skill_id, g.level FROM agent_skills g JOIN agents a ON a.work_no = g.work_no
         WHERE (?1 IS NULL OR a.vdn = ?1) AND (?2 IS NULL OR a.group_id = ?2)
         ORDER BY g.work_no, g.skill_id",
    )
    .bind(vdn)
    .bind(group)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;

    let mut by_agent: HashMap<i64, Vec<SkillGrant>> = HashMap::new();
    for (work_no, skill_id, level) in grants {
        by_agent.entry(work_no).or_default().push(grant_from_row(skill_id, level)?);
    }
    agents
        .into_iter()
        .map(|row| {
            let skills = by_agent.remove(&row.0).unwrap_or_default();
            agent_from_row(row, skills)
        })
        .collect()
}

impl SqliteStore {
    /// Adds an agent with its skills, hashing the password. [`StoreError::Conflict`] if
    /// the work number is taken; [`StoreError::NotFound`] if the VDN, the group or a
    /// granted skill (in that VDN) does not exist. All or nothing.
    pub async fn create_agent(&self, agent: &NewAgent) -> Result<AgentProfile, StoreError> {
        let profile = &agent.profile;
        check_new_agent(profile)?;
        let hash = hash_blocking(agent.password.clone()).await?;
        let mut tx = self.begin_write().await?;
        insert_new_agent(&mut tx, profile, &hash).await?;
        tx.commit().await.map_err(db)?;
        Ok(sorted_by_skill(profile.clone()))
    }

    /// Adds many agents sharing one password in one transaction, hashing it once: for
    /// load tests, where thousands of agents would otherwise take minutes of argon2.
    /// Fails as a whole, like [`SqliteStore::create_agent`] for any one of them.
    pub async fn create_agents_sharing_password(
        &self,
        profiles: &[AgentProfile],
        password: &str,
    ) -> Result<(), StoreError> {
        for profile in profiles {
            check_new_agent(profile)?;
        }
        let hash = hash_blocking(password.to_owned()).await?;
        let mut tx = self.begin_write().await?;
        for profile in profiles {
            insert_new_agent(&mut tx, profile, &hash).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// The agents of one VDN, or of all VDNs with `None`, ordered by work number, each
    /// with its skills ordered by skill id. Two queries whatever the number of agents.
    pub async fn list_agents(&self, vdn: Option<Vdn>) -> Result<Vec<AgentProfile>, StoreError> {
        list_agents_where(self, vdn, None).await
    }

    /// One agent with its skills. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_agent(&self, work_no: WorkNo) -> Result<AgentProfile, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        load_agent(&mut conn, work_no).await?.ok_or_else(|| agent_not_found(work_no))
    }

    /// Changes an agent and returns the result. `patch.skills`, when present, replaces
    /// the whole set of grants. [`StoreError::NotFound`] for an unknown agent, skill or
    /// group (skills and groups must be in the agent's VDN). All or nothing.
    pub async fn update_agent(&self, work_no: WorkNo, patch: &AgentPatch) -> Result<AgentProfile, StoreError> {
        if let Some(name) = &patch.name {
            check_name("agent", name)?;
        }
        if let Some(skills) = &patch.skills {
            check_grants(skills)?;
        }
        let wrap_up = patch.wrap_up.map(|wrap_up| wrap_up_ms(work_no, wrap_up)).transpose()?;
        let mut tx = self.begin_write().await?;
        let vdn: Option<i64> = sqlx::query_scalar("SELECT vdn FROM agents WHERE work_no = ?1")
            .bind(i64::from(work_no.get()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let vdn = convert::vdn(vdn.ok_or_else(|| agent_not_found(work_no))?)?;
        if let Some(group) = patch.group {
            check_group(&mut tx, vdn, group).await?;
        }
        sqlx::query(
            "UPDATE agents
             SET name = COALESCE(?2, name), phone = COALESCE(?3, phone),
                 role = COALESCE(?4, role),
                 group_id = CASE WHEN ?5 THEN ?6 ELSE group_id END,
                 wrap_up_ms = CASE WHEN ?7 THEN ?8 ELSE wrap_up_ms END,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE work_no = ?1",
        )
        .bind(i64::from(work_no.get()))
        .bind(patch.name.as_deref())
        .bind(patch.phone.as_ref().map(|phone| phone.as_str()))
        .bind(patch.role.map(|role| role.as_str()))
        .bind(patch.group.is_some())
        .bind(patch.group.flatten().map(|group| i64::from(group.get())))
        .bind(wrap_up.is_some())
        .bind(wrap_up.flatten())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(skills) = &patch.skills {
            sqlx::query("DELETE FROM agent_skills WHERE work_no = ?1")
                .bind(i64::from(work_no.get()))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            insert_grants(&mut tx, work_no, vdn, skills).await?;
        }
        let profile = load_agent(&mut tx, work_no).await?.ok_or_else(|| agent_not_found(work_no))?;
        tx.commit().await.map_err(db)?;
        Ok(profile)
    }

    /// Removes an agent and its grants. [`StoreError::NotFound`] if it does not exist.
    pub async fn delete_agent(&self, work_no: WorkNo) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM agents WHERE work_no = ?1")
            .bind(i64::from(work_no.get()))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(agent_not_found(work_no));
        }
        Ok(())
    }

    /// Replaces an agent's password. [`StoreError::InvalidInput`] for an empty or too
    /// long password, [`StoreError::NotFound`] for an unknown agent.
    pub async fn set_password(&self, work_no: WorkNo, password: &str) -> Result<(), StoreError> {
        let hash = hash_blocking(password.to_owned()).await?;
        let done = sqlx::query(
            "UPDATE agents
             SET password_hash = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE work_no = ?1",
        )
        .bind(i64::from(work_no.get()))
        .bind(hash)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(agent_not_found(work_no));
        }
        Ok(())
    }

    /// The agent's profile if `password` is right. [`StoreError::BadCredentials`] both
    /// for an unknown agent and a wrong password; both take one argon2 verification.
    pub async fn verify_password(&self, work_no: WorkNo, password: &str) -> Result<AgentProfile, StoreError> {
        let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM agents WHERE work_no = ?1")
            .bind(i64::from(work_no.get()))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        if !verify_blocking(hash, password.to_owned()).await? {
            return Err(StoreError::BadCredentials);
        }
        match self.get_agent(work_no).await {
            // Deleted between the two reads: as if it never existed.
            Err(StoreError::NotFound(_)) => Err(StoreError::BadCredentials),
            other => other,
        }
    }
}
