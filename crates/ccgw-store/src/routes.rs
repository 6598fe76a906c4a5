//! Inbound routes: dialled number suffix → skill queue or IVR flow, per VDN.

use ccgw_core::{InboundRoute, RouteTarget, Vdn};
use ccgw_store_traits::StoreError;
use sqlx::SqliteConnection;

use crate::convert;
use crate::error::db;
use crate::store::SqliteStore;

type RouteRow = (i64, String, i64, Option<String>);

fn from_row((vdn, suffix, skill, ivr): RouteRow) -> Result<InboundRoute, StoreError> {
    let skill = convert::skill_id(skill)?;
    let target = match ivr {
        Some(access_code) => RouteTarget::Ivr { access_code, skill },
        None => RouteTarget::Skill(skill),
    };
    Ok(InboundRoute { vdn: convert::vdn(vdn)?, suffix, target })
}

impl SqliteStore {
    /// The inbound routes, by VDN then suffix; `vdn: None` for every VDN.
    pub async fn list_routes(&self, vdn: Option<Vdn>) -> Result<Vec<InboundRoute>, StoreError> {
        let rows: Vec<RouteRow> = sqlx::query_as(
            "SELECT vdn, suffix, skill_id, ivr_access_code FROM routes
             WHERE ?1 IS NULL OR vdn = ?1
             ORDER BY vdn, suffix",
        )
        .bind(vdn.map(|v| i64::from(v.get())))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(from_row).collect()
    }
}

/// Adds or replaces one route in a write transaction.
pub(crate) async fn upsert_route_row(conn: &mut SqliteConnection, route: &InboundRoute) -> Result<(), StoreError> {
    let ivr = match &route.target {
        RouteTarget::Ivr { access_code, .. } => Some(access_code.as_str()),
        RouteTarget::Skill(_) => None,
    };
    sqlx::query(
        "INSERT INTO routes (vdn, suffix, skill_id, ivr_access_code) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (vdn, suffix) DO UPDATE SET skill_id = excluded.skill_id, ivr_access_code = excluded.ivr_access_code",
    )
    .bind(i64::from(route.vdn.get()))
    .bind(&route.suffix)
    .bind(i64::from(route.target.skill().get()))
    .bind(ivr)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
