//! The one error type of the stores. Messages are short sentences safe to show an
//! administrator: they never contain a password or a password hash.

use thiserror::Error;

/// The backend's own failure, kept opaque so that no database type crosses the seam.
pub type BackendError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation failed.
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
    /// The backend failed: `what` says what, in words safe to show; `source` is the
    /// backend's error, for the log.
    #[error("{what}")]
    Backend {
        what: &'static str,
        #[source]
        source: BackendError,
    },
}

impl StoreError {
    /// A backend failure described by `what`.
    pub fn backend(what: &'static str, source: impl Into<BackendError>) -> Self {
        StoreError::Backend { what, source: source.into() }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_backend_failure_shows_its_sentence_and_keeps_its_cause() {
        let error = StoreError::backend("the directory database failed", std::io::Error::other("disk full"));
        assert_eq!(error.to_string(), "the directory database failed");
        assert_eq!(error.source().map(ToString::to_string).as_deref(), Some("disk full"));
    }
}
