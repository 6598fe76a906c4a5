//! Every error answer in the documented shape. axum answers a request its extractors
//! cannot read — a body over the limit, a broken chunked body, a path that is not UTF-8,
//! a JSON body of the wrong type — with a `text/plain` message; no client of either API
//! expects that. This layer, outermost, turns such an answer into the API's own shape:
//! on a Huawei path the HTTP 200 envelope with `000-002` and the reason (Java clients take
//! any other status as no answer at all), on the extension API its JSON error with the
//! status kept.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode;
use http::StatusCode;
use http::header::CONTENT_TYPE;

use super::reply::HuaweiReply;
use crate::ext::ExtError;

/// Longest rejection text kept as the message (axum's are one short line).
const MESSAGE_LIMIT: usize = 512;

pub(crate) async fn documented_errors(request: Request, next: Next) -> Response {
    let huawei = crate::is_huawei(&request);
    let response = next.run(request).await;
    if !is_plain_text_error(&response) {
        return response;
    }
    let status = response.status();
    let message = match axum::body::to_bytes(response.into_body(), MESSAGE_LIMIT).await {
        Ok(text) if !text.is_empty() => String::from_utf8_lossy(&text).into_owned(),
        _ => status.canonical_reason().unwrap_or("bad request").to_owned(),
    };
    if huawei {
        HuaweiReply::error_with(retcode::INVALID_PARAMETER, &message).into_response()
    } else {
        ExtError::new(status, code_for(status), message).into_response()
    }
}

fn is_plain_text_error(response: &Response<Body>) -> bool {
    let status = response.status();
    let plain = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    plain && (status.is_client_error() || status.is_server_error())
}

fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_request",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        status if status.is_server_error() => "internal",
        _ => "invalid_request",
    }
}
