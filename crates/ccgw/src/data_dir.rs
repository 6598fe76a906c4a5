//! The files ccgw keeps in its data directory, and opening the database there. Shared by
//! the server's start-up, the CLI commands and `ccgw bench`, so none of them reaches
//! into another's module for it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ccgw_store::SqliteStore;

/// File name of the directory database inside the data directory.
const DATABASE_FILE: &str = "ccgw.db";

/// `<data_dir>/ccgw.db`: the database of the directory and the call records. The server
/// and the CLI open the same file.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

/// Opens (creating the data directory and the database if needed) the data directory's
/// database.
pub async fn open_database(data_dir: &Path) -> anyhow::Result<SqliteStore> {
    crate::secrets::ensure_data_dir(data_dir)?;
    let path = database_path(data_dir);
    SqliteStore::open(&path).await.with_context(|| format!("while opening the directory database {}", path.display()))
}
