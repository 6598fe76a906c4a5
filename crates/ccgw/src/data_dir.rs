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
/// database, readable by its owner only.
pub async fn open_database(data_dir: &Path) -> anyhow::Result<SqliteStore> {
    crate::secrets::ensure_data_dir(data_dir)?;
    let path = database_path(data_dir);
    make_private(&path).with_context(|| format!("while restricting access to {}", path.display()))?;
    SqliteStore::open(&path).await.with_context(|| format!("while opening the directory database {}", path.display()))
}

/// The database holds password and SIP-secret hashes and call records: only its owner may
/// read it. A missing file is created empty with mode 0600 before SQLite opens it (SQLite
/// gives its `-wal` and `-shm` files the database file's mode); an existing one, and a
/// journal left beside it, are narrowed to 0600.
#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::fs;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => return Err(error),
        _ => {}
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let Ok(metadata) = fs::metadata(&file) else { continue };
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %Path::new(&file).display(), "database file was readable by others; now 0600");
            fs::set_permissions(&file, fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn the_database_and_its_journal_are_readable_by_the_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let store = open_database(&data).await.unwrap();
        let db = database_path(&data);
        let wal = data.join("ccgw.db-wal");
        assert!(wal.exists(), "WAL mode writes a journal beside the database");
        assert_eq!((mode(&db), mode(&wal), mode(&data.join("ccgw.db-shm"))), (0o600, 0o600, 0o600));
        drop(store);

        // A database made readable by others is narrowed at the next start.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_database(&data).await.unwrap());
        assert_eq!(mode(&db), 0o600);
    }
}
