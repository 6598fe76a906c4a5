//! Optional idempotency for commands (`Idempotency-Key` header, issue 5): a command
//! retried with the same key, by the same credential, for the same request, answers the
//! first attempt's response instead of acting twice. Reads (GET, HEAD) ignore the key.
//! Rules and limits: `docs/idempotency.md`.

mod cache;

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode;
use http::header::AUTHORIZATION;
use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::ext::ExtError;
use crate::is_huawei;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;
use cache::{Claim, IdempotencyCache, Scope, StoredResponse};

pub(crate) const KEY_HEADER: &str = "idempotency-key";
/// Marks an answer that was replayed rather than produced by acting.
pub(crate) const REPLAYED_HEADER: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;
/// Largest response kept for replay; command answers are far smaller.
const MAX_KEPT_RESPONSE: usize = 1024 * 1024;

/// How long keys are remembered and how many at most.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencySettings {
    pub ttl: Duration,
    pub capacity: usize,
}

impl Default for IdempotencySettings {
    fn default() -> Self {
        Self { ttl: Duration::from_secs(600), capacity: 10_000 }
    }
}

/// A key is 1 to 255 visible ASCII characters.
fn valid_key(value: &HeaderValue) -> Option<&str> {
    let key = value.to_str().ok()?;
    let visible = key.bytes().all(|byte| byte.is_ascii_graphic());
    (visible && !key.is_empty() && key.len() <= MAX_KEY_LEN).then_some(key)
}

/// A refusal in the dialect of the API the request belongs to.
fn refuse(huawei: bool, status: StatusCode, code: &'static str, message: &str) -> Response {
    if huawei {
        HuaweiReply::error_with(retcode::INVALID_PARAMETER, message).into_response()
    } else {
        ExtError::new(status, code, message).into_response()
    }
}

/// The credential the request acts with: the Huawei `Guid`, or the extension API's
/// bearer token. Hashed with the process's random key, so no secret is kept.
fn credential(request: &Request, hasher: &impl BuildHasher) -> u64 {
    let headers = request.headers();
    let presented = headers.get("guid").or_else(|| headers.get(AUTHORIZATION));
    hasher.hash_one(presented.map(HeaderValue::as_bytes).unwrap_or_default())
}

/// What makes two requests the same command: method, path with query, and body.
fn fingerprint(method: &Method, uri: &http::Uri, body: &[u8], hasher: &impl BuildHasher) -> u64 {
    let mut state = hasher.build_hasher();
    method.as_str().hash(&mut state);
    uri.to_string().hash(&mut state);
    body.hash(&mut state);
    state.finish()
}

/// The middleware: passes reads and key-less commands straight through.
pub(crate) async fn idempotent(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(KEY_HEADER).cloned() else {
        return next.run(request).await;
    };
    let huawei = is_huawei(&request);
    let Some(key) = valid_key(&value) else {
        let message = "Idempotency-Key must be 1 to 255 visible ASCII characters";
        return refuse(huawei, StatusCode::BAD_REQUEST, "invalid_idempotency_key", message);
    };
    let keeper = &state.idempotency;
    let scope = Scope { credential: credential(&request, &keeper.hasher), key: key.to_owned() };
    let (parts, body) = request.into_parts();
    // Already read whole and bounded by the body layer (`wire::body_limits`).
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return refuse(huawei, StatusCode::BAD_REQUEST, "invalid_request", "request body unreadable");
    };
    let request_print = fingerprint(&parts.method, &parts.uri, &body, &keeper.hasher);
    loop {
        let mut answer = match keeper.cache.claim(&scope, request_print, state.engine.now()) {
            Claim::Act => return act(&state, huawei, scope, Request::from_parts(parts, Body::from(body)), next).await,
            Claim::Mismatch => {
                let message = "this Idempotency-Key was already used for a different request";
                return refuse(huawei, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", message);
            }
            Claim::Replay(answer) => answer,
        };
        loop {
            if let Some(stored) = answer.borrow_and_update().clone() {
                return replay(&stored);
            }
            if answer.changed().await.is_err() {
                // The attempt that acted was forgotten (a server failure): claim again,
                // so that exactly one of the waiting retries acts next.
                break;
            }
        }
    }
}

/// Acts once; the command runs to its end in its own task even if this client goes
/// away, so that the kept response is the one that really happened.
async fn act(state: &ApiState, huawei: bool, scope: Scope, request: Request, next: Next) -> Response {
    let keeper = state.idempotency.clone();
    let kept_scope = scope.clone();
    let acting = tokio::spawn(async move {
        let response = next.run(request).await;
        keep(&keeper, huawei, scope, response).await
    });
    match acting.await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "an idempotent command's task failed");
            state.idempotency.cache.abandon(&kept_scope);
            internal(huawei)
        }
    }
}

fn internal(huawei: bool) -> Response {
    if huawei { HuaweiReply::error(retcode::INTERNAL).into_response() } else { ExtError::internal().into_response() }
}

/// Answers that say nothing about the command, only that it could not be judged: a
/// server failure, or a credential that was refused. A retry of those acts afresh, and a
/// flood of bogus credentials cannot fill the memory.
fn is_forgettable(huawei: bool, status: StatusCode, body: &[u8]) -> bool {
    if status.is_server_error() || status == StatusCode::UNAUTHORIZED {
        return true;
    }
    huawei && {
        let retcode = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|answer| answer.get("retcode").and_then(|code| code.as_str().map(str::to_owned)));
        retcode.is_some_and(|code| code == retcode::INTERNAL.code || code == retcode::NO_PERMISSION.code)
    }
}

/// Stores the response (unless [`is_forgettable`]) and returns it to the first caller.
async fn keep(keeper: &IdempotencyKeeper, huawei: bool, scope: Scope, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_KEPT_RESPONSE).await {
        Ok(bytes) if is_forgettable(huawei, parts.status, &bytes) => {
            keeper.cache.abandon(&scope);
            Response::from_parts(parts, Body::from(bytes))
        }
        Ok(bytes) => {
            let stored = StoredResponse {
                status: parts.status,
                headers: parts.headers.clone(),
                extensions: parts.extensions.clone(),
                body: bytes.clone(),
            };
            keeper.cache.finish(&scope, stored);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(error) => {
            tracing::error!(%error, "an idempotent command's response could not be kept");
            keeper.cache.abandon(&scope);
            internal(huawei)
        }
    }
}

fn replay(stored: &StoredResponse) -> Response {
    let mut response = Response::new(Body::from(Bytes::clone(&stored.body)));
    *response.status_mut() = stored.status;
    *response.headers_mut() = stored.headers.clone();
    *response.extensions_mut() = stored.extensions.clone();
    response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

/// The cache plus the process's random hashing key.
pub(crate) struct IdempotencyKeeper {
    cache: IdempotencyCache,
    hasher: std::collections::hash_map::RandomState,
}

impl IdempotencyKeeper {
    pub(crate) fn new(settings: IdempotencySettings) -> Arc<Self> {
        Arc::new(Self {
            cache: IdempotencyCache::new(settings.ttl, settings.capacity),
            hasher: std::collections::hash_map::RandomState::new(),
        })
    }
}
