//! The audit trail in SQLite (`audit_log`, migration 0008).

use ccgw_core::{AuditEntry, AuditKind, Timestamp};
use ccgw_store_traits::{AuditPage, AuditQuery, StoreError, StoredAudit};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::convert;
use crate::error::db;
use crate::store::SqliteStore;

/// Rows per INSERT: 8 parameters each, well under SQLite's limit of 32,766.
const ROWS_PER_INSERT: usize = 256;

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at_ms: i64,
    kind: String,
    actor: String,
    agent: Option<i64>,
    client: Option<String>,
    action: String,
    detail: String,
    result: String,
}

fn actor(name: &str) -> Option<&'static str> {
    ["agent", "admin", "gateway"].into_iter().find(|known| *known == name)
}

fn from_row(row: AuditRow) -> Result<StoredAudit, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("audit entry {} has an unknown {what}.", row.id));
    Ok(StoredAudit {
        id: row.id,
        entry: AuditEntry {
            at: convert::timestamp(row.at_ms)?,
            kind: AuditKind::from_code(&row.kind).ok_or_else(|| corrupt("kind"))?,
            actor: actor(&row.actor).ok_or_else(|| corrupt("actor"))?,
            agent: row.agent.map(convert::work_no).transpose()?,
            client: row.client,
            action: row.action,
            detail: row.detail,
            result: row.result,
        },
    })
}

fn push_filters(sql: &mut QueryBuilder<Sqlite>, query: &AuditQuery) -> Result<(), StoreError> {
    convert::check_time_range(query.from, query.to)?;
    sql.push(" WHERE 1 = 1");
    if let Some(agent) = query.agent {
        sql.push(" AND agent = ").push_bind(i64::from(agent.get()));
    }
    if let Some(kind) = query.kind {
        sql.push(" AND kind = ").push_bind(kind.code());
    }
    if let Some(action) = &query.action {
        sql.push(" AND action = ").push_bind(action.clone());
    }
    convert::push_time_range(sql, "at_ms", query.from, query.to);
    Ok(())
}

async fn fetch_page(conn: &mut SqliteConnection, query: &AuditQuery) -> Result<Vec<StoredAudit>, StoreError> {
    let mut sql =
        QueryBuilder::new("SELECT id, at_ms, kind, actor, agent, client, action, detail, result FROM audit_log");
    push_filters(&mut sql, query)?;
    convert::push_newest_first_page(&mut sql, "at_ms", query.limit.min(AuditQuery::MAX_LIMIT), query.offset);
    let rows: Vec<AuditRow> = sql.build_query_as().fetch_all(conn).await.map_err(db)?;
    rows.into_iter().map(from_row).collect()
}

async fn count_matching(conn: &mut SqliteConnection, query: &AuditQuery) -> Result<u64, StoreError> {
    let mut sql = QueryBuilder::new("SELECT COUNT(*) FROM audit_log");
    push_filters(&mut sql, query)?;
    convert::count_rows(conn, sql, "audit").await
}

impl SqliteStore {
    /// Appends entries in one transaction, many rows per statement: each statement is a
    /// round trip to SQLite's worker thread, which costs more than the row itself.
    pub async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let too_late = || StoreError::InvalidInput("An audit time is too far in the future to be stored.".into());
        if entries.iter().any(|entry| i64::try_from(entry.at.as_millis()).is_err()) {
            return Err(too_late());
        }
        let mut tx = self.begin_write().await?;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO audit_log (at_ms, kind, actor, agent, client, action, detail, result) ",
            );
            insert.push_values(chunk, |mut row, entry| {
                row.push_bind(i64::try_from(entry.at.as_millis()).unwrap_or(i64::MAX))
                    .push_bind(entry.kind.code())
                    .push_bind(entry.actor)
                    .push_bind(entry.agent.map(|agent| i64::from(agent.get())))
                    .push_bind(entry.client.as_deref())
                    .push_bind(entry.action.as_str())
                    .push_bind(entry.detail.as_str())
                    .push_bind(entry.result.as_str());
            });
            insert.build().execute(&mut *tx).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// One page of matching entries, newest first, with their total, from one snapshot.
    pub async fn audit_page(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let entries = fetch_page(&mut tx, query).await?;
        let total = count_matching(&mut tx, query).await?;
        tx.commit().await.map_err(db)?;
        Ok(AuditPage { entries, total })
    }

    /// Removes the entries older than `before`.
    pub async fn prune_audit(&self, before: Timestamp) -> Result<u64, StoreError> {
        let before = i64::try_from(before.as_millis()).unwrap_or(i64::MAX);
        let done =
            sqlx::query("DELETE FROM audit_log WHERE at_ms < ?1").bind(before).execute(&self.pool).await.map_err(db)?;
        Ok(done.rows_affected())
    }
}
