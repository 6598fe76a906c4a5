//! Password change (spec 02 §2.25–§2.26): `POST modifyaccountpwdex` with
//! `{"oldPassword","newPassword"}` and the legacy `POST modifyaccountpwd?oldpassword=&newpassword=`.
//!
//! The Guid is checked first; then the old password (`110-003` when wrong), then the rules
//! of `ccgw_core::password_policy` (`110-020` length, `110-017` same as old, `110-019`
//! composition). The directory stores the new argon2id hash; the password is never logged.
//! A missing field is `000-002`; when the password-check gate is full, `100-003`.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::Refusal;
use ccgw_core::catalog::retcode;
use ccgw_core::password_policy::{PasswordRule, check_new_password};
use ccgw_store_traits::StoreError;
use serde_json::Value;

use super::context::AgentCall;
use super::reads;
use crate::guard::Client;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/onlineagent/{{agentid}}{tail}");
    Routes::new().post(&at("/modifyaccountpwdex"), change_from_body).post(&at("/modifyaccountpwd"), change_from_query)
}

fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

async fn change_from_body(State(state): State<ApiState>, client: Client, call: AgentCall, body: Bytes) -> HuaweiReply {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&body) else {
        return invalid("body must be a JSON object");
    };
    let old = lenient::string(&object, "oldPassword").ok().flatten();
    let new = lenient::string(&object, "newPassword").ok().flatten();
    change(state, client, call, old, new).await
}

async fn change_from_query(State(state): State<ApiState>, client: Client, call: AgentCall) -> HuaweiReply {
    let old = call.query.get("oldpassword").cloned();
    let new = call.query.get("newpassword").cloned();
    change(state, client, call, old, new).await
}

async fn change(
    state: ApiState,
    client: Client,
    call: AgentCall,
    old: Option<String>,
    new: Option<String>,
) -> HuaweiReply {
    if let Err(reply) = reads::me(&state, &call).await {
        return reply;
    }
    let (Some(old), Some(new)) = (old, new) else {
        return invalid("oldPassword and newPassword are required");
    };
    if old.chars().count() > 32 {
        return HuaweiReply::error(retcode::OLD_PASSWORD_WRONG);
    }
    // The old password's argon2 check takes a place in the sign-in check gate too.
    let (directory, work_no, old_password) = (state.directory.clone(), call.work_no, old.clone());
    let check = async move { directory.verify_password(work_no, &old_password).await.map(|_| ()) };
    let outcome = match state.guard.gate().run(client.source, check).await {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return HuaweiReply::error(retcode::PASSWORD_CHANGE_FAILED),
        Err(_) => return HuaweiReply::error(retcode::SIGN_IN_BUSY),
    };
    match outcome {
        Ok(()) => {}
        Err(StoreError::BadCredentials) => {
            tracing::warn!(work_no = %call.work_no, client = %client.address, "password change with a wrong old password");
            return HuaweiReply::error(retcode::OLD_PASSWORD_WRONG);
        }
        Err(error) => {
            tracing::error!(%error, "directory lookup failed at password change");
            return HuaweiReply::error(retcode::PASSWORD_CHANGE_FAILED);
        }
    }
    if let Err(rule) = check_new_password(call.work_no, &old, &new) {
        return HuaweiReply::error(match rule {
            PasswordRule::Length => retcode::PASSWORD_LENGTH,
            PasswordRule::SameAsOld => retcode::PASSWORD_SAME_AS_OLD,
            PasswordRule::Composition => retcode::PASSWORD_COMPOSITION,
        });
    }
    match state.directory.set_password(call.work_no, &new).await {
        Ok(()) => {
            tracing::info!(work_no = %call.work_no, "password changed");
            HuaweiReply::success("success", serde_json::json!({}))
        }
        Err(error) => {
            tracing::error!(%error, "storing the new password failed");
            HuaweiReply::error(retcode::PASSWORD_CHANGE_FAILED)
        }
    }
}
