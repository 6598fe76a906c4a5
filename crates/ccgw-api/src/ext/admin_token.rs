//! The admin bearer token, checked under sign-in protection: wrong tokens are counted per
//! source address, and an address past the limit is refused with 429 and `Retry-After`
//! without its token being compared, until its lock ends. A request without an
//! `Authorization` header guesses nothing and is not counted.

use axum::response::{IntoResponse, Response};
use ccgw_core::Timestamp;
use http::header::{AUTHORIZATION, RETRY_AFTER};
use http::{HeaderValue, StatusCode};

use super::error::ExtError;
use crate::guard::{Client, audit};
use crate::state::ApiState;

/// What the request's `Authorization` header proves.
pub(crate) enum Bearer {
    /// The admin token.
    Admin,
    /// No bearer token at all.
    Absent,
    /// A wrong token (now counted).
    Wrong,
    /// The address is locked until then; the token was not looked at.
    Locked(Timestamp),
}

/// Compares in time independent of where the first difference is.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The bearer token presented. The scheme name is matched without regard to case, as
/// HTTP authentication schemes are (RFC 9110 §11.1).
fn presented(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

/// Judges the request's bearer token; counts a wrong one against its address.
pub(crate) fn bearer(state: &ApiState, request: &axum::extract::Request) -> Bearer {
    let Some(token) = presented(request.headers()) else { return Bearer::Absent };
    let client = Client::of(request.extensions());
    let now = state.engine.now();
    if let Some(until) = state.admin_failures.locked_until(&client.source, now) {
        audit::admin_token_refused(client.address, until);
        return Bearer::Locked(until);
    }
    let expected = state.settings.admin_token.as_bytes();
    if !expected.is_empty() && same_secret(token.as_bytes(), expected) {
        return Bearer::Admin;
    }
    tracing::warn!(client = %client.address, "wrong admin token on the extension API");
    state.wrong_admin_tokens.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match state.admin_failures.record_failure(&client.source, now) {
        Some(until) => {
            audit::admin_token_locked(client.address, until);
            Bearer::Locked(until)
        }
        None => Bearer::Wrong,
    }
}

/// 429 with `Retry-After` in whole seconds.
pub(crate) fn too_many(state: &ApiState, until: Timestamp) -> Response {
    let seconds = until.since(state.engine.now()).as_secs_f64().ceil().max(1.0) as u64;
    let mut response = ExtError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "too many wrong admin tokens from this address; retry later",
    )
    .into_response();
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}
