//! The password check of a sign-in, under sign-in protection (`crate::guard`): refused
//! unchecked while a lock applies (`110-016`), refused at once when the check gate is full
//! (`100-003`), counted when wrong (`100-004`, or `110-016` when it starts a lock that
//! applies to this attempt).

use ccgw_core::catalog::retcode;
use ccgw_core::{AgentProfile, Refusal, Timestamp, WorkNo};
use ccgw_store_traits::StoreError;

use crate::guard::{Client, Lock, audit};
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

/// `110-016`, saying when to try again (whole minutes, rounded up).
fn locked(lock: &Lock, now: Timestamp) -> HuaweiReply {
    let minutes = lock.until.since(now).as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let message = format!("account locked after too many failed sign-ins; try again in {minutes} {unit}");
    HuaweiReply::error_with(retcode::ACCOUNT_LOCKED, &message)
}

/// The profile of `work_no` when `password` is its password and no lock applies.
pub(crate) async fn verified_profile(
    state: &ApiState,
    work_no: WorkNo,
    client: Client,
    password: String,
) -> Result<AgentProfile, HuaweiReply> {
    let guard = &state.guard;
    let now = state.engine.now();
    if let Some(lock) = guard.lock_on(work_no, client.source, now) {
        guard.refused_locked();
        audit::sign_in_refused(work_no, client.address, &lock);
        return Err(locked(&lock, now));
    }
    let directory = state.directory.clone();
    let check = async move { directory.verify_password(work_no, &password).await };
    let outcome = match guard.gate().run(client.source, check).await {
        Ok(Some(outcome)) => outcome,
        Ok(None) => {
            tracing::error!(work_no = %work_no, "the password check task failed");
            return Err(HuaweiReply::error(retcode::INTERNAL));
        }
        Err(busy) => {
            tracing::info!(work_no = %work_no, client = %client.address, ?busy, "sign-in refused: password checks busy");
            return Err(HuaweiReply::error(retcode::SIGN_IN_BUSY));
        }
    };
    // The check took time: judge its outcome at the clock's now.
    let now = state.engine.now();
    match outcome {
        Ok(profile) => {
            guard.succeeded(work_no, client.source, now);
            Ok(profile)
        }
        Err(StoreError::BadCredentials) => {
            tracing::warn!(work_no = %work_no, client = %client.address, "sign-in with a wrong work number or password");
            for lock in guard.failed(work_no, client.source, now) {
                audit::sign_in_locked(work_no, client.address, &lock);
            }
            match guard.lock_on(work_no, client.source, now) {
                Some(lock) => Err(locked(&lock, now)),
                None => Err(HuaweiReply::refused(&Refusal::BadCredentials)),
            }
        }
        Err(error) => {
            tracing::error!(work_no = %work_no, error = %error, "directory lookup failed at sign-in");
            Err(HuaweiReply::error(retcode::INTERNAL))
        }
    }
}
