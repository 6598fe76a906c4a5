//! The [`SqliteStore`] handle: opening the SQLite database and applying the schema.
//! The operations live in `vdns`, `skills`, `agents` and `seed`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use ccgw_store_traits::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

use crate::error::{db, migration};

/// How long a statement waits for another writer (e.g. the CLI while a server runs).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections to a file database: SQLite serialises writers anyway.
const FILE_POOL_SIZE: u32 = 4;

/// The persistent directory of VDNs, skills and agents. Cloning is cheap: clones share
/// one connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` in WAL mode and brings
    /// its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(FILE_POOL_SIZE).connect_with(options).await.map_err(db)?;
        Self::migrated(pool).await
    }

    /// Opens a fresh, empty in-memory database (for tests). The pool holds exactly one
    /// connection that is never recycled, so the data lives as long as the pool.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(db)?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(db)?;
        Self::migrated(pool).await
    }

    async fn migrated(pool: SqlitePool) -> Result<Self, StoreError> {
        sqlx::migrate!("./migrations").run(&pool).await.map_err(migration)?;
        Ok(Self { pool })
    }

    /// True when the directory holds no VDN, skill or agent.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        is_empty_on(&mut conn).await
    }

    /// Begins a transaction that takes the write lock at once, so a read-then-write
    /// sequence cannot fail half-way because another writer slipped in.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }
}

/// [`SqliteStore::is_empty`] on a given connection (or transaction).
pub(crate) async fn is_empty_on(conn: &mut sqlx::SqliteConnection) -> Result<bool, StoreError> {
    let empty: bool = sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM vdns)
            AND NOT EXISTS (SELECT 1 FROM skills)
            AND NOT EXISTS (SELECT 1 FROM agents)",
    )
    .fetch_one(conn)
    .await
    .map_err(db)?;
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn foreign_keys(dir: &SqliteStore) -> i64 {
        sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&dir.pool).await.expect("pragma")
    }

    #[tokio::test]
    async fn a_file_directory_uses_wal_and_enforces_foreign_keys() {
        let temp = tempfile::TempDir::new().expect("temp dir");
        let dir = SqliteStore::open(&temp.path().join("d.db")).await.expect("opens");
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&dir.pool).await.expect("pragma");
        assert_eq!(journal, "wal");
        assert_eq!(foreign_keys(&dir).await, 1);
    }

    #[tokio::test]
    async fn an_in_memory_directory_enforces_foreign_keys() {
        let dir = SqliteStore::open_in_memory().await.expect("opens");
        assert_eq!(foreign_keys(&dir).await, 1);
    }
}
