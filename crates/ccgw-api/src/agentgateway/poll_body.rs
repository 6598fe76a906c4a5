//! A response body that commits a poll's event claim once hyper has taken the body —
//! not when it is dropped, so an answer that was never written releases its event to the
//! next poll (see `ccgw_engine::PollClaim`).

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::response::Response;
use ccgw_engine::PollClaim;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

pub(crate) struct CommitWhenTaken {
    inner: Body,
    claim: Option<PollClaim>,
}

impl CommitWhenTaken {
    /// Wraps the body of `response`, which carries `claim`'s event.
    pub(crate) fn wrap(response: Response, claim: PollClaim) -> Response {
        response.map(|inner| Body::new(Self { inner, claim: Some(claim) }))
    }

    fn commit(&mut self) {
        if let Some(claim) = self.claim.take() {
            claim.commit();
        }
    }
}

impl HttpBody for CommitWhenTaken {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        // hyper stops polling once the body says it has ended, so commit with the last frame.
        if let Poll::Ready(None) = polled {
            self.commit();
        } else if let Poll::Ready(Some(Ok(_))) = polled
            && self.inner.is_end_stream()
        {
            self.commit();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
