//! The one error type of the store. Messages are short sentences safe to show an
//! administrator: they never contain a password or a password hash.

use thiserror::Error;

/// Why a directory operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The VDN, skill, group, rest reason or agent named in the message does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What the message names already exists (a VDN, skill, agent, group, rest reason or
    /// call record), or is still in use.
    #[error("{0}")]
    Conflict(String),
    /// Unknown work number or wrong password; deliberately does not say which.
    #[error("the work number or the password is wrong")]
    BadCredentials,
    /// A value was refused before reaching the database (empty name, password too long…).
    #[error("{0}")]
    InvalidInput(String),
    /// A stored row could not be turned back into a domain value.
    #[error("the directory database holds an invalid row: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("the directory database failed")]
    Db(#[source] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("the directory database schema could not be migrated")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Db(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(error)
    }
}

/// True when `error` is a UNIQUE or PRIMARY KEY constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
