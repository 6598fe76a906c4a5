//! Skill (skill queue) operations: name, media type, routing policy, queue limits and
//! wrap-up time.

use ccgw_core::{Overflow, QueueLimits, SkillId, SkillProfile, Vdn};
use ccgw_store_traits::{SkillPatch, StoreError};
use sqlx::SqliteConnection;

use crate::convert;
use crate::error::{db, db_or_conflict};
use crate::store::SqliteStore;
use crate::validate::{check_name, millis};
use crate::vdns::{vdn_exists, vdn_not_found};

/// The columns of a [`SkillRow`], as a literal for `concat!`.
macro_rules! skill_columns {
    () => {
        "vdn, id, name, media_type, policy, max_waiting, max_wait_ms, overflow_skill, overflow_number, \
         refuse_when_unstaffed, wrap_up_ms"
    };
}

#[derive(sqlx::FromRow)]
struct SkillRow {
    vdn: i64,
    id: i64,
    name: String,
    media_type: i64,
    policy: String,
    max_waiting: Option<i64>,
    max_wait_ms: Option<i64>,
    overflow_skill: Option<i64>,
    overflow_number: Option<String>,
    refuse_when_unstaffed: i64,
    wrap_up_ms: Option<i64>,
}

fn from_row(row: SkillRow) -> Result<SkillProfile, StoreError> {
    let overflow = match (row.overflow_skill, row.overflow_number) {
        (None, None) => None,
        (Some(skill), None) => Some(Overflow::Skill(convert::skill_id(skill)?)),
        (None, Some(number)) => Some(Overflow::Number(convert::phone(&number)?)),
        (Some(_), Some(_)) => {
            return Err(StoreError::Corrupt(format!("skill {} has two overflow targets.", row.id)));
        }
    };
    Ok(SkillProfile {
        vdn: convert::vdn(row.vdn)?,
        id: convert::skill_id(row.id)?,
        name: row.name,
        media_type: convert::media_type(row.media_type)?,
        policy: convert::policy(&row.policy)?,
        limits: QueueLimits {
            max_waiting: row.max_waiting.map(|n| convert::count("maximum of waiting calls", n)).transpose()?,
            max_wait: row.max_wait_ms.map(|ms| convert::span("maximum wait", ms)).transpose()?,
            overflow,
            refuse_when_unstaffed: convert::flag("refuse when unstaffed", row.refuse_when_unstaffed)?,
        },
        wrap_up: row.wrap_up_ms.map(|ms| convert::span("wrap-up time", ms)).transpose()?,
    })
}

pub(crate) fn skill_not_found(vdn: Vdn, id: SkillId) -> StoreError {
    StoreError::NotFound(format!("Skill {id} does not exist in VDN {vdn}."))
}

/// A skill's columns besides its key, checked and ready to bind.
struct Columns<'a> {
    name: &'a str,
    media_type: i64,
    policy: &'static str,
    max_waiting: Option<i64>,
    max_wait_ms: Option<i64>,
    overflow_skill: Option<i64>,
    overflow_number: Option<&'a str>,
    refuse_when_unstaffed: bool,
    wrap_up_ms: Option<i64>,
}

impl<'a> Columns<'a> {
    /// Binds `?1` vdn, `?2` id, then the columns as `?3`…`?11`, in the order INSERT and
    /// UPDATE both use.
    fn bind<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
        skill: &SkillProfile,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>
    where
        'a: 'q,
    {
        query
            .bind(i64::from(skill.vdn.get()))
            .bind(i64::from(skill.id.get()))
            .bind(self.name)
            .bind(self.media_type)
            .bind(self.policy)
            .bind(self.max_waiting)
            .bind(self.max_wait_ms)
            .bind(self.overflow_skill)
            .bind(self.overflow_number)
            .bind(self.refuse_when_unstaffed)
            .bind(self.wrap_up_ms)
    }
}

/// Checks what can be checked without the database.
fn columns(skill: &SkillProfile) -> Result<Columns<'_>, StoreError> {
    check_name("skill", &skill.name)?;
    let limits = &skill.limits;
    let max_wait_ms = match limits.max_wait {
        Some(span) => {
            let ms = millis(&format!("The maximum wait of skill {}", skill.id), span)?;
            if ms == 0 {
                return Err(StoreError::InvalidInput(format!(
                    "The maximum wait of skill {} must be more than zero.",
                    skill.id
                )));
            }
            Some(ms)
        }
        None => None,
    };
    let (overflow_skill, overflow_number) = match &limits.overflow {
        None => (None, None),
        Some(Overflow::Skill(target)) if *target == skill.id => {
            return Err(StoreError::InvalidInput(format!("Skill {} cannot overflow into itself.", skill.id)));
        }
        Some(Overflow::Skill(target)) => (Some(i64::from(target.get())), None),
        Some(Overflow::Number(number)) => (None, Some(number.as_str())),
    };
    Ok(Columns {
        name: &skill.name,
        media_type: i64::from(skill.media_type),
        policy: skill.policy.as_str(),
        max_waiting: limits.max_waiting.map(i64::from),
        max_wait_ms,
        overflow_skill,
        overflow_number,
        refuse_when_unstaffed: limits.refuse_when_unstaffed,
        wrap_up_ms: skill
            .wrap_up
            .map(|span| millis(&format!("The wrap-up time of skill {}", skill.id), span))
            .transpose()?,
    })
}

/// [`StoreError::NotFound`] unless the overflow skill of `skill`, if any, is in its VDN.
async fn check_overflow_target(conn: &mut SqliteConnection, skill: &SkillProfile) -> Result<(), StoreError> {
    let Some(Overflow::Skill(target)) = &skill.limits.overflow else {
        return Ok(());
    };
    if skill_exists(conn, skill.vdn, *target).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!(
            "The overflow skill {target} of skill {} does not exist in VDN {}.",
            skill.id, skill.vdn
        )))
    }
}

pub(crate) async fn skill_exists(conn: &mut SqliteConnection, vdn: Vdn, id: SkillId) -> Result<bool, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM skills WHERE vdn = ?1 AND id = ?2)")
        .bind(i64::from(vdn.get()))
        .bind(i64::from(id.get()))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(exists)
}

async fn load_skill(conn: &mut SqliteConnection, vdn: Vdn, id: SkillId) -> Result<Option<SkillProfile>, StoreError> {
    let row: Option<SkillRow> =
        sqlx::query_as(concat!("SELECT ", skill_columns!(), " FROM skills WHERE vdn = ?1 AND id = ?2"))
            .bind(i64::from(vdn.get()))
            .bind(i64::from(id.get()))
            .fetch_optional(conn)
            .await
            .map_err(db)?;
    row.map(from_row).transpose()
}

/// `skill` with `patch` applied.
fn patched(mut skill: SkillProfile, patch: &SkillPatch) -> SkillProfile {
    if let Some(name) = &patch.name {
        skill.name.clone_from(name);
    }
    if let Some(media_type) = patch.media_type {
        skill.media_type = media_type;
    }
    if let Some(policy) = patch.policy {
        skill.policy = policy;
    }
    if let Some(max_waiting) = patch.max_waiting {
        skill.limits.max_waiting = max_waiting;
    }
    if let Some(max_wait) = patch.max_wait {
        skill.limits.max_wait = max_wait;
    }
    if let Some(overflow) = &patch.overflow {
        skill.limits.overflow.clone_from(overflow);
    }
    if let Some(refuse) = patch.refuse_when_unstaffed {
        skill.limits.refuse_when_unstaffed = refuse;
    }
    if let Some(wrap_up) = patch.wrap_up {
        skill.wrap_up = wrap_up;
    }
    skill
}

impl SqliteStore {
    /// Adds a skill. [`StoreError::Conflict`] if the VDN already has a skill with this
    /// id; [`StoreError::NotFound`] if the VDN or the overflow skill does not exist;
    /// [`StoreError::InvalidInput`] for a bad name, a zero maximum wait or a skill that
    /// overflows into itself.
    pub async fn create_skill(&self, skill: &SkillProfile) -> Result<(), StoreError> {
        let columns = columns(skill)?;
        let mut tx = self.begin_write().await?;
        if !vdn_exists(&mut tx, skill.vdn).await? {
            return Err(vdn_not_found(skill.vdn));
        }
        check_overflow_target(&mut tx, skill).await?;
        columns
            .bind(
                sqlx::query(
                    "INSERT INTO skills (vdn, id, name, media_type, policy, max_waiting, max_wait_ms, overflow_skill,
                                         overflow_number, refuse_when_unstaffed, wrap_up_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                ),
                skill,
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| db_or_conflict(e, || format!("Skill {} already exists in VDN {}.", skill.id, skill.vdn)))?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// The skills of one VDN, or of all VDNs with `None`, ordered by VDN then id.
    pub async fn list_skills(&self, vdn: Option<Vdn>) -> Result<Vec<SkillProfile>, StoreError> {
        let rows: Vec<SkillRow> = sqlx::query_as(concat!(
            "SELECT ",
            skill_columns!(),
            " FROM skills
             WHERE ?1 IS NULL OR vdn = ?1
             ORDER BY vdn, id"
        ))
        .bind(vdn.map(|v| i64::from(v.get())))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(from_row).collect()
    }

    /// One skill. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_skill(&self, vdn: Vdn, id: SkillId) -> Result<SkillProfile, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        load_skill(&mut conn, vdn, id).await?.ok_or_else(|| skill_not_found(vdn, id))
    }

    /// Changes the fields of a skill that `patch` names and returns the result.
    /// [`StoreError::NotFound`] if the skill or a new overflow skill does not exist;
    /// [`StoreError::InvalidInput`] as for [`SqliteStore::create_skill`]. All or nothing.
    pub async fn update_skill(&self, vdn: Vdn, id: SkillId, patch: &SkillPatch) -> Result<SkillProfile, StoreError> {
        let mut tx = self.begin_write().await?;
        let current = load_skill(&mut tx, vdn, id).await?.ok_or_else(|| skill_not_found(vdn, id))?;
        let skill = patched(current, patch);
        let columns = columns(&skill)?;
        check_overflow_target(&mut tx, &skill).await?;
        columns
            .bind(
                sqlx::query(
                    "UPDATE skills
                     SET name = ?3, media_type = ?4, policy = ?5, max_waiting = ?6, max_wait_ms = ?7,
                         overflow_skill = ?8, overflow_number = ?9, refuse_when_unstaffed = ?10, wrap_up_ms = ?11
                     WHERE vdn = ?1 AND id = ?2",
                ),
                &skill,
            )
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(skill)
    }

    /// Removes a skill and, by cascade, every grant of it to an agent.
    /// [`StoreError::NotFound`] if it does not exist; [`StoreError::Conflict`] while
    /// another skill overflows into it.
    pub async fn delete_skill(&self, vdn: Vdn, id: SkillId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let overflowing: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM skills WHERE vdn = ?1 AND overflow_skill = ?2 AND id <> ?2 ORDER BY id")
                .bind(i64::from(vdn.get()))
                .bind(i64::from(id.get()))
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
        if !overflowing.is_empty() {
            let sources = overflowing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            let (skills, overflows) =
                if overflowing.len() == 1 { ("skill", "that overflow") } else { ("skills", "those overflows") };
            return Err(StoreError::Conflict(format!(
                "Skill {id} of VDN {vdn} is the overflow target of {skills} {sources}; change {overflows} first."
            )));
        }
        let done = sqlx::query("DELETE FROM skills WHERE vdn = ?1 AND id = ?2")
            .bind(i64::from(vdn.get()))
            .bind(i64::from(id.get()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(skill_not_found(vdn, id));
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}
