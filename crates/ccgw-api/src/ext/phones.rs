//! `/ccgw/v1/phones`: the SIP secrets of agent phones. A secret is written, replaced or
//! removed, never read back: the directory keeps only its digest hash (HA1) for the
//! configured realm.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ExtError;
use super::parse::{body, phone};
use crate::state::ApiState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretBody {
    secret: String,
}

fn store(state: &ApiState) -> Result<&(std::sync::Arc<dyn ccgw_store_traits::PhoneSecretStore>, String), ExtError> {
    state.phone_secrets.as_ref().ok_or_else(|| ExtError::not_found("this gateway keeps no phone secrets"))
}

/// `GET phones`: the numbers with a SIP secret and the realm of each.
pub(crate) async fn list(State(state): State<ApiState>) -> Result<Json<Value>, ExtError> {
    let (store, _) = store(&state)?;
    let phones = store.list_phone_secrets().await?;
    let phones: Vec<Value> =
        phones.iter().map(|(number, realm)| json!({"number": number.as_str(), "realm": realm})).collect();
    Ok(Json(json!({"phones": phones})))
}

/// `PUT phones/{number}/secret` with `{"secret": "…"}` (8–128 characters).
pub(crate) async fn set_secret(
    State(state): State<ApiState>,
    Path(text): Path<String>,
    request: Result<Json<SecretBody>, JsonRejection>,
) -> Result<StatusCode, ExtError> {
    let request = body(request)?;
    let (store, realm) = store(&state)?;
    store.set_phone_secret(&phone("number", &text)?, realm, &request.secret).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE phones/{number}/secret`: 404 when the number has none.
pub(crate) async fn delete_secret(
    State(state): State<ApiState>,
    Path(text): Path<String>,
) -> Result<StatusCode, ExtError> {
    let (store, _) = store(&state)?;
    if store.delete_phone_secret(&phone("number", &text)?).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ExtError::not_found(format!("phone {text} has no SIP secret")))
    }
}
