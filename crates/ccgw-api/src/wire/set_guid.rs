//! Writing the response header name exactly as `Set-GUID` (spec 08 C1).
//!
//! hyper lower-cases header names unless a response carries its private header-case
//! map in its extensions. hyper fills such a map when it parses a request with
//! `preserve_header_case` on, so at start-up we let hyper parse one request holding a
//! `Set-GUID` header over an in-memory pipe and keep that request's extensions; they are
//! attached to every response that sets the Guid. A raw-bytes test proves the casing.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http::{Extensions, Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub(crate) const HEADER_NAME: &str = "Set-GUID";

/// The captured case map, cheap to clone onto responses.
#[derive(Clone, Debug)]
pub struct SetGuidCase(Arc<Extensions>);

impl SetGuidCase {
    pub fn apply<B>(&self, response: &mut Response<B>) {
        response.extensions_mut().extend((*self.0).clone());
    }

    /// Lets hyper parse `GET / HTTP/1.1` with a `Set-GUID` header and keeps its extensions.
    pub async fn capture() -> std::io::Result<Self> {
        let (mut client, server) = tokio::io::duplex(4096);
        let captured = Arc::new(Mutex::new(None));
        let sink = captured.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            let sink = sink.clone();
            async move {
                if let Ok(mut slot) = sink.lock() {
                    *slot = Some(request.extensions().clone());
                }
                Ok::<_, Infallible>(Response::new(http_body_util::Empty::<axum::body::Bytes>::new()))
            }
        });
        let connection = tokio::spawn(async move {
            http1::Builder::new().preserve_header_case(true).serve_connection(TokioIo::new(server), service).await
        });
        let probe = format!("GET / HTTP/1.1\r\nHost: ccgw\r\n{HEADER_NAME}: x\r\nConnection: close\r\n\r\n");
        client.write_all(probe.as_bytes()).await?;
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await?;
        let _ = connection.await;
        let extensions = captured.lock().ok().and_then(|mut slot| slot.take());
        extensions
            .map(|extensions| Self(Arc::new(extensions)))
            .ok_or_else(|| std::io::Error::other("hyper did not hand over the probe request"))
    }
}
