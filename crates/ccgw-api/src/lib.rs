//! ccgw-api: the HTTP face of ccgw — the Huawei `agentgateway` router with its wire
//! rules, and the `/ccgw/v1` extension router.
//!
//! Handlers extract, convert to domain types, ask the engine, render. They never hold a
//! lock on domain state and never run SQL themselves (the directory does).

mod agentgateway;
mod audit_trail;
mod ext;
mod guard;
mod idempotency;
mod metrics;
mod openapi;
mod route_table;
mod state;
mod wire;

use std::convert::Infallible;

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode;
use http::StatusCode;
use tower::Layer;
use tower::ServiceExt;
use tower::util::MapRequestLayer;

pub use agentgateway::push::{BadAllowListEntry, PushSettings, PushSetupError};
pub use guard::{GateLimits, LockRule, SignInProtection};
pub use idempotency::IdempotencySettings;
pub use metrics::{HostMetrics, HostSample};
pub use state::{ApiSettings, ApiState};
pub use wire::body_limits::BodyLimits;
pub use wire::reply::{EMPTY_POLL, JSON_UTF8};
pub use wire::set_guid::SetGuidCase;

use ext::ExtError;
use wire::reply::HuaweiReply;

/// Exists only for this crate's `benches/` (criterion benchmarks are a separate crate and
/// see only public items). Not part of ccgw-api's interface; may change at any time.
#[doc(hidden)]
pub mod bench_support {
    use ccgw_engine::Delivered;

    /// The Huawei poll answer carrying one event: the body of `GET agentevent/{id}`.
    pub fn render_poll(delivered: &Delivered) -> Vec<u8> {
        crate::agentgateway::poll_answer(delivered)
    }
}

/// Entry points for the fuzz targets in `fuzz/` and their corpus replay test only.
#[doc(hidden)]
pub mod fuzz_support;

/// The whole HTTP application: both routers, JSON answers for unknown paths and
/// methods, and `//` collapsed before routing.
pub fn app(
    state: ApiState,
) -> impl tower::Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send {
    let cors = wire::cors::layer(&state.settings.cors_origins);
    let router = Router::new()
        .merge(agentgateway::routes().into_router())
        .merge(ext::router(state.clone()))
        .route(agentgateway::js_client::PATH, axum::routing::get(agentgateway::js_client::serve))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn_with_state(state.clone(), audit_trail::record_command))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::observe))
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::idempotent))
        .layer(axum::middleware::from_fn(wire::error_shape::documented_errors))
        // The body layer is the one bound on request bodies (size, time, memory); axum's
        // own 2 MB default would refuse bodies a configured larger limit allows.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(state.clone(), wire::body_limits::read_whole_body))
        .with_state(state)
        .layer(tower::util::option_layer(cors));
    MapRequestLayer::new(wire::normalize::collapse_slashes).layer(router).map_response(|r| r)
}

/// Whether the request is for the Huawei API (its answers follow the Huawei wire rules).
/// The prefix is matched in any case: `/AGENTGATEWAY/...` is no interface either, but
/// its client speaks the Huawei API and gets that API's answer shape.
pub(crate) fn is_huawei(request: &Request) -> bool {
    const PREFIX: &str = "/agentgateway/";
    request.uri().path().get(..PREFIX.len()).is_some_and(|start| start.eq_ignore_ascii_case(PREFIX))
}

/// The answer to every request on a connection over the gateway's connection limit:
/// "busy, retry" in the API's own shape (Huawei: HTTP 200 with `100-007`; extension API:
/// 503 `busy`), with `Retry-After` and `Connection: close`.
pub fn over_connection_limit(request: &Request) -> Response {
    const MESSAGE: &str = "the gateway is at its connection limit: retry";
    let mut response = if is_huawei(request) {
        HuaweiReply::error_with(retcode::INTERNAL, MESSAGE).into_response()
    } else {
        ExtError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", MESSAGE).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("1"));
    headers.insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    response
}

/// No interface has this path: 404, still JSON (spec 01 §4.3 leaves the status open).
async fn unknown_path(request: Request) -> Response {
    if is_huawei(&request) {
        HuaweiReply::error_with(retcode::INVALID_PARAMETER, "no such interface")
            .with_status(StatusCode::NOT_FOUND)
            .into_response()
    } else {
        ExtError::not_found("no such resource").into_response()
    }
}

async fn wrong_method(request: Request) -> Response {
    if is_huawei(&request) {
        HuaweiReply::error_with(retcode::INVALID_PARAMETER, "method not allowed for this interface")
            .with_status(StatusCode::METHOD_NOT_ALLOWED)
            .into_response()
    } else {
        ExtError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed").into_response()
    }
}
