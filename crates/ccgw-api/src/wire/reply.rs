//! Huawei responses: always HTTP 200, `Content-Type: application/json;charset=UTF-8`,
//! `retcode` a JSON string (spec 08 C6–C8), and `Set-GUID` spelled exactly.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode::{self, Retcode};
use ccgw_core::{Guid, Refusal};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde::Serialize;

use super::set_guid::{HEADER_NAME, SetGuidCase};

pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The empty poll answer: exactly these 28 bytes (spec 08 C9).
pub const EMPTY_POLL: &[u8] = br#"{"message":"","retcode":"0"}"#;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    message: &'a str,
    retcode: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<T>,
}

/// A Huawei answer ready to send.
pub(crate) struct HuaweiReply {
    status: StatusCode,
    body: Vec<u8>,
    set_guid: Option<(Guid, SetGuidCase)>,
    /// For the request counter of `GET /metrics`.
    retcode: &'static str,
}

impl HuaweiReply {
    pub(crate) fn success<T: Serialize>(message: &str, result: T) -> Self {
        Self::envelope(message, retcode::SUCCESS.code, Some(result))
    }

    /// A query's outcome: its result as a success, or the refusal it already holds.
    pub(crate) fn answer<T: Serialize>(result: Result<T, HuaweiReply>) -> Self {
        match result {
            Ok(result) => Self::success("success", result),
            Err(reply) => reply,
        }
    }

    /// Success without a `result` key (e.g. `forcelogout`, `handshake`).
    pub(crate) fn success_bare(message: &str) -> Self {
        Self::envelope::<()>(message, retcode::SUCCESS.code, None)
    }

    pub(crate) fn error(code: Retcode) -> Self {
        Self::envelope::<()>(code.meaning, code.code, None)
    }

    pub(crate) fn error_with(code: Retcode, message: &str) -> Self {
        Self::envelope::<()>(message, code.code, None)
    }

    pub(crate) fn refused(refusal: &Refusal) -> Self {
        let code = refusal.retcode();
        match refusal {
            Refusal::InvalidParameter(detail)
            | Refusal::SignInParameter(detail)
            | Refusal::SignOutParameter(detail)
            | Refusal::TransferTargetUnavailable(detail)
            | Refusal::NoCallToTake(detail) => Self::error_with(code, &format!("{}: {detail}", code.meaning)),
            Refusal::TransferNotPossible(detail) => Self::error_with(code, &format!("{}: {detail}", code.meaning)),
            Refusal::AgentNotInVdn(_)
            | Refusal::ShuttingDown
            | Refusal::TooFrequent { .. }
            | Refusal::NotOnThisSwitch(_)
            | Refusal::MediaNotSupported
            | Refusal::NoTextChannel
            | Refusal::NotProvided(_)
            | Refusal::QcNoAgent(_)
            | Refusal::PhoneNotRegistered(_) => Self::error_with(code, &refusal.to_string()),
            _ => Self::error(code),
        }
    }

    /// A body built elsewhere (a poll answer: retcode `0`).
    pub(crate) fn raw(body: Vec<u8>) -> Self {
        Self { status: StatusCode::OK, body, set_guid: None, retcode: retcode::SUCCESS.code }
    }

    /// For paths that match no interface (outside the rule that interfaces answer 200).
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub(crate) fn with_guid(mut self, guid: Option<Guid>, case: &SetGuidCase) -> Self {
        self.set_guid = guid.map(|guid| (guid, case.clone()));
        self
    }

    fn envelope<T: Serialize>(message: &str, code: &'static str, result: Option<T>) -> Self {
        let envelope = Envelope { message, retcode: code, result };
        // Serialising these plain structs cannot fail; fall back to the generic error text.
        let body = serde_json::to_vec(&envelope)
            .unwrap_or_else(|_| br#"{"message":"internal error","retcode":"100-007"}"#.to_vec());
        Self { retcode: code, ..Self::raw(body) }
    }
}

impl IntoResponse for HuaweiReply {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
        response.extensions_mut().insert(crate::metrics::HuaweiRetcode(self.retcode));
        if let Some((guid, case)) = self.set_guid
            && let Ok(value) = HeaderValue::from_str(&format!("JSESSIONID={}", guid.as_str()))
        {
            response.headers_mut().insert(HEADER_NAME, value);
            case.apply(&mut response);
        }
        response
    }
}
