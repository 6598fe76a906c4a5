//! Rest reason operations: the `restcause` codes (1..=255) a VDN's agents may give.

use ccgw_core::{RestReason, Vdn};
use ccgw_store_traits::StoreError;
use sqlx::SqliteConnection;

use crate::convert;
use crate::error::db;
use crate::store::SqliteStore;
use crate::validate::{check_name, check_rest_code};
use crate::vdns::{vdn_exists, vdn_not_found};

/// vdn, code, name.
type RestReasonRow = (i64, i64, String);

fn from_row((vdn, code, name): RestReasonRow) -> Result<RestReason, StoreError> {
    let code = convert::byte("rest reason code", code)?;
    if code == 0 {
        return Err(StoreError::Corrupt("rest reason code 0 is out of range.".into()));
    }
    Ok(RestReason { vdn: convert::vdn(vdn)?, code, name })
}

fn rest_reason_not_found(vdn: Vdn, code: u8) -> StoreError {
    StoreError::NotFound(format!("Rest reason {code} does not exist in VDN {vdn}."))
}

async fn rest_reason_exists(conn: &mut SqliteConnection, vdn: Vdn, code: u8) -> Result<bool, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM rest_reasons WHERE vdn = ?1 AND code = ?2)")
        .bind(i64::from(vdn.get()))
        .bind(i64::from(code))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    Ok(exists)
}

/// Inserts or replaces a rest reason. The caller has checked the VDN.
pub(crate) async fn upsert_rest_reason_row(conn: &mut SqliteConnection, reason: &RestReason) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rest_reasons (vdn, code, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (vdn, code) DO UPDATE SET name = excluded.name",
    )
    .bind(i64::from(reason.vdn.get()))
    .bind(i64::from(reason.code))
    .bind(&reason.name)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

fn check(reason: &RestReason) -> Result<(), StoreError> {
    check_rest_code(reason.code)?;
    check_name("rest reason", &reason.name)
}

impl SqliteStore {
    /// Adds a rest reason. [`StoreError::Conflict`] if the VDN already has this code,
    /// [`StoreError::NotFound`] if the VDN does not exist, [`StoreError::InvalidInput`]
    /// for code 0 or a bad name.
    pub async fn create_rest_reason(&self, reason: &RestReason) -> Result<(), StoreError> {
        check(reason)?;
        let mut tx = self.begin_write().await?;
        if !vdn_exists(&mut tx, reason.vdn).await? {
            return Err(vdn_not_found(reason.vdn));
        }
        if rest_reason_exists(&mut tx, reason.vdn, reason.code).await? {
            return Err(StoreError::Conflict(format!(
                "Rest reason {} already exists in VDN {}.",
                reason.code, reason.vdn
            )));
        }
        upsert_rest_reason_row(&mut tx, reason).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Adds a rest reason or renames the one with the same code; true when it was added.
    /// [`StoreError::NotFound`] if the VDN does not exist.
    pub async fn put_rest_reason(&self, reason: &RestReason) -> Result<bool, StoreError> {
        check(reason)?;
        let mut tx = self.begin_write().await?;
        if !vdn_exists(&mut tx, reason.vdn).await? {
            return Err(vdn_not_found(reason.vdn));
        }
        let existed = rest_reason_exists(&mut tx, reason.vdn, reason.code).await?;
        upsert_rest_reason_row(&mut tx, reason).await?;
        tx.commit().await.map_err(db)?;
        Ok(!existed)
    }

    /// The rest reasons of one VDN, or of all VDNs with `None`, ordered by VDN then code.
    pub async fn list_rest_reasons(&self, vdn: Option<Vdn>) -> Result<Vec<RestReason>, StoreError> {
        let rows: Vec<RestReasonRow> = sqlx::query_as(
            "SELECT vdn, code, name FROM rest_reasons
             WHERE ?1 IS NULL OR vdn = ?1
             ORDER BY vdn, code",
        )
        .bind(vdn.map(|v| i64::from(v.get())))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(from_row).collect()
    }

    /// One rest reason. [`StoreError::NotFound`] if it does not exist.
    pub async fn get_rest_reason(&self, vdn: Vdn, code: u8) -> Result<RestReason, StoreError> {
        let row: Option<RestReasonRow> =
            sqlx::query_as("SELECT vdn, code, name FROM rest_reasons WHERE vdn = ?1 AND code = ?2")
                .bind(i64::from(vdn.get()))
                .bind(i64::from(code))
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.map(from_row).transpose()?.ok_or_else(|| rest_reason_not_found(vdn, code))
    }

    /// Removes a rest reason. [`StoreError::NotFound`] if it does not exist.
    pub async fn delete_rest_reason(&self, vdn: Vdn, code: u8) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM rest_reasons WHERE vdn = ?1 AND code = ?2")
            .bind(i64::from(vdn.get()))
            .bind(i64::from(code))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(rest_reason_not_found(vdn, code));
        }
        Ok(())
    }
}
