//! Turning sqlx failures into [`StoreError`]s. The error type itself lives in
//! ccgw-store-traits, so that no sqlx type crosses the store seam.

use ccgw_store_traits::StoreError;

/// A database failure, its sqlx error kept as the (opaque) source.
pub(crate) fn db(error: sqlx::Error) -> StoreError {
    StoreError::backend("the directory database failed", error)
}

/// A schema migration failure.
pub(crate) fn migration(error: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::backend("the directory database schema could not be migrated", error)
}

/// True when `error` is a UNIQUE or PRIMARY KEY constraint violation.
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The database error of `error`, or `conflict` when it is a UNIQUE violation.
pub(crate) fn db_or_conflict(error: sqlx::Error, conflict: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&error) { StoreError::Conflict(conflict()) } else { db(error) }
}
