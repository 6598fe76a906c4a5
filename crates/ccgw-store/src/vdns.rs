//! VDN (tenant) operations.

use ccgw_core::Vdn;
use ccgw_store_traits::{StoreError, VdnRecord};
use sqlx::SqliteConnection;

use crate::convert;
use crate::error::{db, db_or_conflict};
use crate::store::SqliteStore;
use crate::validate::check_name;

type VdnRow = (i64, String, String);

fn from_row((id, name, access_code): VdnRow) -> Result<VdnRecord, StoreError> {
    Ok(VdnRecord { vdn: convert::vdn(id)?, name, access_code: convert::access_code(&access_code)? })
}

impl SqliteStore {
    /// Adds a VDN. [`StoreError::Conflict`] if one with the same number exists.
    pub async fn create_vdn(&self, vdn: &VdnRecord) -> Result<(), StoreError> {
        check_name("VDN", &vdn.name)?;
        let access_code = vdn.access_code.as_ref().map_or("", |code| code.as_str());
        sqlx::query("INSERT INTO vdns (id, name, access_code) VALUES (?1, ?2, ?3)")
            .bind(i64::from(vdn.vdn.get()))
            .bind(&vdn.name)
            .bind(access_code)
            .execute(&self.pool)
            .await
            .map_err(|e| db_or_conflict(e, || format!("VDN {} already exists.", vdn.vdn)))?;
        Ok(())
    }

    /// All VDNs, ordered by number.
    pub async fn list_vdns(&self) -> Result<Vec<VdnRecord>, StoreError> {
        let rows: Vec<VdnRow> = sqlx::query_as("SELECT id, name, access_code FROM vdns ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.into_iter().map(from_row).collect()
    }

    /// One VDN. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_vdn(&self, vdn: Vdn) -> Result<VdnRecord, StoreError> {
        let row: Option<VdnRow> = sqlx::query_as("SELECT id, name, access_code FROM vdns WHERE id = ?1")
            .bind(i64::from(vdn.get()))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(from_row).transpose()?.ok_or_else(|| vdn_not_found(vdn))
    }
}

pub(crate) fn vdn_not_found(vdn: Vdn) -> StoreError {
    StoreError::NotFound(format!("VDN {vdn} does not exist."))
}

pub(crate) async fn vdn_exists(conn: &mut SqliteConnection, vdn: Vdn) -> Result<bool, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM vdns WHERE id = ?1)")
        .bind(i64::from(vdn.get()))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(exists)
}
