//! The security events of sign-in protection. There is no audit log yet: each event is a
//! WARN on the `ccgw::audit` tracing target with an `audit` field naming it, so that a log
//! pipeline can pick them out and a later audit log can take them from here. They carry
//! the work number and the client address, never a password or token.

use std::net::IpAddr;

use ccgw_core::{Timestamp, WorkNo};

use super::Lock;

/// A sign-in failure started a lock.
pub(crate) fn sign_in_locked(work_no: WorkNo, client: IpAddr, lock: &Lock) {
    tracing::warn!(
        target: "ccgw::audit",
        audit = "sign_in_lockout",
        work_no = %work_no,
        client = %client,
        scope = lock.scope.name(),
        until_ms = lock.until.as_millis(),
        "sign-in locked after too many wrong passwords"
    );
}

/// A sign-in was refused because a lock applies.
pub(crate) fn sign_in_refused(work_no: WorkNo, client: IpAddr, lock: &Lock) {
    tracing::warn!(
        target: "ccgw::audit",
        audit = "sign_in_refused_locked",
        work_no = %work_no,
        client = %client,
        scope = lock.scope.name(),
        until_ms = lock.until.as_millis(),
        "sign-in refused: locked"
    );
}

/// Wrong admin tokens from `client` locked it out of the admin token.
pub(crate) fn admin_token_locked(client: IpAddr, until: Timestamp) {
    admin_token_event(
        "admin_token_lockout",
        client,
        until,
        "admin token locked for this address after too many wrong tokens",
    );
}

/// An admin token was refused unchecked because its address is locked.
pub(crate) fn admin_token_refused(client: IpAddr, until: Timestamp) {
    admin_token_event("admin_token_refused_locked", client, until, "admin token refused: this address is locked");
}

fn admin_token_event(audit: &'static str, client: IpAddr, until: Timestamp, message: &'static str) {
    tracing::warn!(target: "ccgw::audit", audit, client = %client, until_ms = until.as_millis(), "{message}");
}
