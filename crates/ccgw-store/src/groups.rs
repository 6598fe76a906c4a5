//! Agent group (team) operations. An agent belongs to at most one group of its VDN.

use ccgw_core::{AgentProfile, GroupId, GroupProfile, Vdn};
use ccgw_store_traits::StoreError;
use sqlx::SqliteConnection;

use crate::agents::list_agents_where;
use crate::convert;
use crate::error::{db, db_or_conflict};
use crate::store::SqliteStore;
use crate::validate::check_name;
use crate::vdns::{vdn_exists, vdn_not_found};

/// vdn, id, name.
type GroupRow = (i64, i64, String);

fn from_row((vdn, id, name): GroupRow) -> Result<GroupProfile, StoreError> {
    Ok(GroupProfile { vdn: convert::vdn(vdn)?, id: convert::group_id(id)?, name })
}

pub(crate) fn group_not_found(vdn: Vdn, id: GroupId) -> StoreError {
    StoreError::NotFound(format!("Group {id} does not exist in VDN {vdn}."))
}

pub(crate) async fn group_exists(conn: &mut SqliteConnection, vdn: Vdn, id: GroupId) -> Result<bool, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM agent_groups WHERE vdn = ?1 AND id = ?2)")
        .bind(i64::from(vdn.get()))
        .bind(i64::from(id.get()))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(exists)
}

/// Inserts a group row; [`StoreError::Conflict`] if the VDN already has the id. The
/// caller has checked the name and that the VDN exists.
pub(crate) async fn insert_group_row(conn: &mut SqliteConnection, group: &GroupProfile) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO agent_groups (vdn, id, name) VALUES (?1, ?2, ?3)")
        .bind(i64::from(group.vdn.get()))
        .bind(i64::from(group.id.get()))
        .bind(&group.name)
        .execute(conn)
        .await
        .map_err(|e| db_or_conflict(e, || format!("Group {} already exists in VDN {}.", group.id, group.vdn)))?;
    Ok(())
}

impl SqliteStore {
    /// Adds an agent group. [`StoreError::Conflict`] if the VDN already has a group with
    /// this id, [`StoreError::NotFound`] if the VDN does not exist.
    pub async fn create_group(&self, group: &GroupProfile) -> Result<(), StoreError> {
        check_name("group", &group.name)?;
        let mut tx = self.begin_write().await?;
        if !vdn_exists(&mut tx, group.vdn).await? {
            return Err(vdn_not_found(group.vdn));
        }
        insert_group_row(&mut tx, group).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// The groups of one VDN, or of all VDNs with `None`, ordered by VDN then id.
    pub async fn list_groups(&self, vdn: Option<Vdn>) -> Result<Vec<GroupProfile>, StoreError> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            "SELECT vdn, id, name FROM agent_groups
             WHERE ?1 IS NULL OR vdn = ?1
             ORDER BY vdn, id",
        )
        .bind(vdn.map(|v| i64::from(v.get())))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(from_row).collect()
    }

    /// One group. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_group(&self, vdn: Vdn, id: GroupId) -> Result<GroupProfile, StoreError> {
        let row: Option<GroupRow> = sqlx::query_as("SELECT vdn, id, name FROM agent_groups WHERE vdn = ?1 AND id = ?2")
            .bind(i64::from(vdn.get()))
            .bind(i64::from(id.get()))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(from_row).transpose()?.ok_or_else(|| group_not_found(vdn, id))
    }

    /// Renames a group and returns it. [`StoreError::NotFound`] if it does not exist.
    pub async fn rename_group(&self, vdn: Vdn, id: GroupId, name: &str) -> Result<GroupProfile, StoreError> {
        check_name("group", name)?;
        let row: Option<GroupRow> = sqlx::query_as(
            "UPDATE agent_groups SET name = ?3 WHERE vdn = ?1 AND id = ?2
             RETURNING vdn, id, name",
        )
        .bind(i64::from(vdn.get()))
        .bind(i64::from(id.get()))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.map(from_row).transpose()?.ok_or_else(|| group_not_found(vdn, id))
    }

    /// Removes a group; its agents stay, in no group. Returns how many agents were in
    /// it. [`StoreError::NotFound`] if it does not exist. All or nothing.
    pub async fn delete_group(&self, vdn: Vdn, id: GroupId) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let released = sqlx::query(
            "UPDATE agents SET group_id = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE vdn = ?1 AND group_id = ?2",
        )
        .bind(i64::from(vdn.get()))
        .bind(i64::from(id.get()))
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        let done = sqlx::query("DELETE FROM agent_groups WHERE vdn = ?1 AND id = ?2")
            .bind(i64::from(vdn.get()))
            .bind(i64::from(id.get()))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(group_not_found(vdn, id));
        }
        tx.commit().await.map_err(db)?;
        Ok(released)
    }

    /// The agents of a group, ordered by work number, each with its skills.
    /// [`StoreError::NotFound`] if the group does not exist.
    pub async fn agents_in_group(&self, vdn: Vdn, id: GroupId) -> Result<Vec<AgentProfile>, StoreError> {
        // The existence check and the listing are separate reads; a group deleted in
        // between lists as empty, which is what a reader just after the delete sees too.
        {
            let mut conn = self.pool.acquire().await.map_err(db)?;
            if !group_exists(&mut conn, vdn, id).await? {
                return Err(group_not_found(vdn, id));
            }
        }
        list_agents_where(self, Some(vdn), Some(id)).await
    }
}
