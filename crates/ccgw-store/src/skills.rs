//! Skill (skill queue) operations.

use ccgw_core::{SkillId, SkillProfile, Vdn};

use crate::convert;
use crate::directory::Directory;
use crate::error::{StoreError, is_foreign_key_violation, is_unique_violation};
use crate::records::SkillPatch;
use crate::validate::check_name;
use crate::vdns::vdn_not_found;

type SkillRow = (i64, i64, String, i64);

fn from_row((vdn, id, name, media_type): SkillRow) -> Result<SkillProfile, StoreError> {
    Ok(SkillProfile {
        vdn: convert::vdn(vdn)?,
        id: convert::skill_id(id)?,
        name,
        media_type: convert::media_type(media_type)?,
    })
}

pub(crate) fn skill_not_found(vdn: Vdn, id: SkillId) -> StoreError {
    StoreError::NotFound(format!("Skill {id} does not exist in VDN {vdn}."))
}

impl Directory {
    /// Adds a skill. [`StoreError::Conflict`] if the VDN already has a skill with this
    /// id, [`StoreError::NotFound`] if the VDN does not exist.
    pub async fn create_skill(&self, skill: &SkillProfile) -> Result<(), StoreError> {
        check_name("skill", &skill.name)?;
        sqlx::query("INSERT INTO skills (vdn, id, name, media_type) VALUES (?1, ?2, ?3, ?4)")
            .bind(i64::from(skill.vdn.get()))
            .bind(i64::from(skill.id.get()))
            .bind(&skill.name)
            .bind(i64::from(skill.media_type))
            .execute(&self.pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("Skill {} already exists in VDN {}.", skill.id, skill.vdn))
                } else if is_foreign_key_violation(&e) {
                    vdn_not_found(skill.vdn)
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    /// The skills of one VDN, or of all VDNs with `None`, ordered by VDN then id.
    pub async fn list_skills(&self, vdn: Option<Vdn>) -> Result<Vec<SkillProfile>, StoreError> {
        let rows: Vec<SkillRow> = sqlx::query_as(
            "SELECT vdn, id, name, media_type FROM skills
             WHERE ?1 IS NULL OR vdn = ?1
             ORDER BY vdn, id",
        )
        .bind(vdn.map(|v| i64::from(v.get())))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(from_row).collect()
    }

    /// One skill. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_skill(&self, vdn: Vdn, id: SkillId) -> Result<SkillProfile, StoreError> {
        let row: Option<SkillRow> =
            sqlx::query_as("SELECT vdn, id, name, media_type FROM skills WHERE vdn = ?1 AND id = ?2")
                .bind(i64::from(vdn.get()))
                .bind(i64::from(id.get()))
                .fetch_optional(&self.pool)
                .await?;
        row.map(from_row).transpose()?.ok_or_else(|| skill_not_found(vdn, id))
    }

    /// Changes a skill's name and/or media type and returns the result.
    /// [`StoreError::NotFound`] if it does not exist.
    pub async fn update_skill(&self, vdn: Vdn, id: SkillId, patch: &SkillPatch) -> Result<SkillProfile, StoreError> {
        if let Some(name) = &patch.name {
            check_name("skill", name)?;
        }
        let row: Option<SkillRow> = sqlx::query_as(
            "UPDATE skills
             SET name = COALESCE(?3, name), media_type = COALESCE(?4, media_type)
             WHERE vdn = ?1 AND id = ?2
             RETURNING vdn, id, name, media_type",
        )
        .bind(i64::from(vdn.get()))
        .bind(i64::from(id.get()))
        .bind(patch.name.as_deref())
        .bind(patch.media_type.map(i64::from))
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()?.ok_or_else(|| skill_not_found(vdn, id))
    }

    /// Removes a skill and, by cascade, every grant of it to an agent.
    /// [`StoreError::NotFound`] if it does not exist.
    pub async fn delete_skill(&self, vdn: Vdn, id: SkillId) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM skills WHERE vdn = ?1 AND id = ?2")
            .bind(i64::from(vdn.get()))
            .bind(i64::from(id.get()))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(skill_not_found(vdn, id));
        }
        Ok(())
    }
}
