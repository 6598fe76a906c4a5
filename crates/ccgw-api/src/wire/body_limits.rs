//! Request bodies are read in whole, within limits, before any handler runs.
//!
//! hyper hands a body over in the pieces it arrived in, each piece keeping its whole read
//! buffer alive: a client that sends its body a byte at a time would pin kilobytes per
//! byte, and a body that never ends would hold its connection forever. Here every body
//! is copied into one buffer as it arrives, refused as soon as it declares or reaches
//! more than `max_bytes`, refused when it has not arrived `timeout` after the head, and
//! charged to a memory budget shared by all bodies in flight (refused, "busy", when the
//! budget is spent), so that what bodies hold is bounded by what has really arrived.
//!
//! Because every body is in the buffer before routing, a handler that refuses without
//! looking at the body still leaves the connection ready for the next request. A body
//! refused here was not read to its end, so the answer carries `Connection: close` and
//! the connection ends after it: the client knows not to send on it again.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode;
use http::header::{CONNECTION, RETRY_AFTER};
use http::{HeaderValue, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::reply::HuaweiReply;
use crate::ApiState;
use crate::ext::ExtError;

/// How request bodies are bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Largest body accepted, declared or received.
    pub max_bytes: usize,
    /// Longest a body may take to arrive, counted from the end of the request head.
    pub timeout: Duration,
    /// Most memory all bodies in flight may hold together.
    pub memory_budget: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        Self { max_bytes: 1024 * 1024, timeout: Duration::from_secs(15), memory_budget: 64 * 1024 * 1024 }
    }
}

/// The limits and the budget they share.
#[derive(Clone)]
pub(crate) struct BodyReader {
    limits: BodyLimits,
    budget: Arc<Semaphore>,
}

impl BodyReader {
    pub(crate) fn new(limits: BodyLimits) -> Self {
        let permits = limits.memory_budget.min(Semaphore::MAX_PERMITS);
        Self { limits, budget: Arc::new(Semaphore::new(permits)) }
    }

    async fn read(&self, body: Body) -> Result<Body, BodyRefusal> {
        if body.size_hint().lower() > self.limits.max_bytes as u64 {
            return Err(BodyRefusal::TooLarge(self.limits.max_bytes));
        }
        let deadline = tokio::time::Instant::now() + self.limits.timeout;
        let mut body = body;
        let mut buffer: Vec<u8> = Vec::new();
        let mut charged: Option<OwnedSemaphorePermit> = None;
        loop {
            let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
                Err(_) => return Err(BodyRefusal::TimedOut(self.limits.timeout)),
                Ok(None) => break,
                Ok(Some(Err(error))) => return Err(BodyRefusal::Unreadable(error.to_string())),
                Ok(Some(Ok(frame))) => frame,
            };
            // Trailers carry nothing either API reads.
            let Ok(data) = frame.into_data() else { continue };
            if buffer.len() + data.len() > self.limits.max_bytes {
                return Err(BodyRefusal::TooLarge(self.limits.max_bytes));
            }
            buffer.extend_from_slice(&data);
            self.charge(&mut charged, buffer.capacity())?;
        }
        Ok(Body::new(BufferedBody { data: Some(Bytes::from(buffer)), _charge: charged }))
    }

    /// Charges the budget up to `capacity` bytes for this body.
    fn charge(&self, charged: &mut Option<OwnedSemaphorePermit>, capacity: usize) -> Result<(), BodyRefusal> {
        let held = charged.as_ref().map_or(0, OwnedSemaphorePermit::num_permits);
        let more = u32::try_from(capacity.saturating_sub(held)).map_err(|_| BodyRefusal::Busy)?;
        if more == 0 {
            return Ok(());
        }
        let permit = self.budget.clone().try_acquire_many_owned(more).map_err(|_| BodyRefusal::Busy)?;
        match charged {
            Some(held) => held.merge(permit),
            None => *charged = Some(permit),
        }
        Ok(())
    }
}

/// Why a body was not taken.
#[derive(Debug)]
enum BodyRefusal {
    TooLarge(usize),
    TimedOut(Duration),
    Unreadable(String),
    /// The memory budget of bodies in flight is spent.
    Busy,
}

impl BodyRefusal {
    fn message(&self) -> String {
        match self {
            Self::TooLarge(max) => format!("request body over {max} bytes"),
            Self::TimedOut(limit) => format!("request body not received within {} ms", limit.as_millis()),
            Self::Unreadable(error) => format!("request body unreadable: {error}"),
            Self::Busy => "the gateway is busy: retry".to_owned(),
        }
    }

    fn into_response(self, huawei: bool) -> Response {
        let message = self.message();
        let mut response = if huawei {
            let code = match self {
                Self::Busy => retcode::INTERNAL,
                _ => retcode::INVALID_PARAMETER,
            };
            HuaweiReply::error_with(code, &message).into_response()
        } else {
            let (status, code) = match self {
                Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
                Self::TimedOut(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
                Self::Unreadable(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
                Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            };
            ExtError::new(status, code, message).into_response()
        };
        if matches!(self, Self::Busy) {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        response
    }
}

/// The middleware: reads the body within the limits, then routes the request.
pub(crate) async fn read_whole_body(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let huawei = crate::is_huawei(&request);
    let (parts, body) = request.into_parts();
    match state.bodies.read(body).await {
        Ok(body) => next.run(Request::from_parts(parts, body)).await,
        Err(refusal) => {
            let client = crate::guard::Client::of(&parts.extensions).address;
            let reason = refusal.message();
            tracing::info!(method = %parts.method, path = parts.uri.path(), %client, %reason, "request body refused");
            refusal.into_response(huawei)
        }
    }
}

/// A body already in memory, charged to the budget until it is dropped.
struct BufferedBody {
    data: Option<Bytes>,
    _charge: Option<OwnedSemaphorePermit>,
}

impl HttpBody for BufferedBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(self.data.take().filter(|data| !data.is_empty()).map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.as_ref().is_none_or(Bytes::is_empty)
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |data| data.len() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(max_bytes: usize, memory_budget: usize) -> BodyReader {
        BodyReader::new(BodyLimits { max_bytes, timeout: Duration::from_secs(5), memory_budget })
    }

    async fn collected(body: Body) -> Vec<u8> {
        body.collect().await.unwrap().to_bytes().to_vec()
    }

    #[tokio::test]
    async fn a_body_within_the_limits_arrives_whole_and_gives_its_charge_back_when_dropped() {
        let reader = reader(16, 16);
        let body = reader.read(Body::from("0123456789")).await.unwrap();
        assert!(reader.budget.available_permits() < 16, "the body is charged while it lives");
        assert_eq!(collected(body).await, b"0123456789");
        assert_eq!(reader.budget.available_permits(), 16);
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let refused = reader(4, 1024).read(Body::from("01234")).await.unwrap_err();
        assert!(matches!(refused, BodyRefusal::TooLarge(4)), "{refused:?}");
    }

    #[tokio::test]
    async fn bodies_in_flight_share_one_budget() {
        let reader = reader(64, 40);
        let first = reader.read(Body::from(vec![b'a'; 30])).await.unwrap();
        let refused = reader.read(Body::from(vec![b'b'; 30])).await.unwrap_err();
        assert!(matches!(refused, BodyRefusal::Busy), "{refused:?}");
        drop(first);
        assert!(reader.read(Body::from(vec![b'c'; 30])).await.is_ok(), "the budget came back");
    }
}
