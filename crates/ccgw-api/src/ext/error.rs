//! Extension API errors: a status and `{"error":{"code","message"}}`. 5xx bodies reveal
//! nothing internal; the cause is logged once where it happens.

use axum::Json;
use axum::response::{IntoResponse, Response};
use ccgw_engine::SimError;
use ccgw_store_traits::StoreError;
use http::StatusCode;
use serde_json::json;

#[derive(Debug)]
pub(crate) struct ExtError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ExtError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; see the server log")
    }
}

impl From<StoreError> for ExtError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(message) => Self::not_found(message),
            StoreError::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::InvalidInput(message) => Self::bad_request(message),
            StoreError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong work number or password")
            }
            StoreError::Corrupt(_) | StoreError::Backend { .. } => {
                tracing::error!(error = %error, "directory failure");
                Self::internal()
            }
        }
    }
}

impl From<SimError> for ExtError {
    fn from(error: SimError) -> Self {
        match error {
            SimError::NoSuchCall(_) | SimError::NoSuchParty { .. } => Self::not_found(error.to_string()),
            SimError::WrongState { .. } | SimError::NotInIvr(_) => {
                Self::new(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            SimError::BadDigits => Self::bad_request(error.to_string()),
        }
    }
}

impl IntoResponse for ExtError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}
