//! Accepting and serving connections: at most `max_connections` served at once, a
//! clear "busy, retry" answer for a connection over that, and a graceful drain at
//! shutdown (each connection finishes the request it is serving, then closes).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How many connections are served and how long a client may dawdle before a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    /// Longest a client may take to send a request head.
    pub header_timeout: Duration,
    /// Longest a client may take to finish the TLS handshake.
    pub handshake_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 20_000,
            header_timeout: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// What the listener serves: the gateway's app, or the bench's baseline responder.
pub trait HttpApp:
    tower::Service<
        Request,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static
{
}

impl<S> HttpApp for S where
    S: tower::Service<
            Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + 'static
{
}

/// Connections over the cap still get their "busy" answer, this many at once; past
/// that they are closed unanswered (a flood must not cost a TLS handshake each).
const REFUSALS_AT_ONCE: usize = 64;

/// Longest a connection over the cap is kept for its one answer.
const REFUSAL_LIMIT: Duration = Duration::from_secs(5);

/// How often at most a refusal over the cap is logged.
const REFUSAL_LOG_EVERY: Duration = Duration::from_secs(10);

/// The connections being served: their count, and the signal that ends them.
pub struct Connections {
    limits: ConnectionLimits,
    served: Arc<Semaphore>,
    refusing: Arc<Semaphore>,
    closing: watch::Sender<bool>,
    refused: AtomicU64,
    refused_logged: AtomicU64,
    started: tokio::time::Instant,
}

impl Connections {
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(Self {
            served: Arc::new(Semaphore::new(limits.max_connections.min(Semaphore::MAX_PERMITS))),
            refusing: Arc::new(Semaphore::new(REFUSALS_AT_ONCE)),
            closing: watch::Sender::new(false),
            refused: AtomicU64::new(0),
            refused_logged: AtomicU64::new(0),
            started: tokio::time::Instant::now(),
            limits,
        })
    }

    /// Connections being served now.
    pub fn open(&self) -> usize {
        self.limits.max_connections.min(Semaphore::MAX_PERMITS) - self.served.available_permits()
    }

    /// Connections refused over the cap since start.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Asks every connection to finish the request it is serving and close (idle ones
    /// close at once), then waits until all have ended or `deadline` passed. Returns
    /// how many were still open at the deadline; they end when the process does.
    pub async fn drain(&self, deadline: tokio::time::Instant) -> usize {
        self.closing.send_replace(true);
        let all = u32::try_from(self.limits.max_connections.min(Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
        match tokio::time::timeout_at(deadline, self.served.acquire_many(all)).await {
            Ok(_) => 0,
            Err(_) => self.open(),
        }
    }

    fn note_refusal(&self) {
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let now = self.started.elapsed().as_secs();
        let last = self.refused_logged.load(Ordering::Relaxed);
        if (refused == 1 || now >= last + REFUSAL_LOG_EVERY.as_secs())
            && self.refused_logged.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            tracing::warn!(
                max_connections = self.limits.max_connections,
                refused_so_far = refused,
                "connection limit reached: new connections are answered busy"
            );
        }
    }
}

/// Accepts connections on `listener` and serves each with `app` until `shutdown`
/// completes; the listener is closed then (also the accept loop of `ccgw bench`'s
/// baseline responder). Connections already accepted go on until drained.
pub async fn accept_until<S>(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    app: S,
    connections: Arc<Connections>,
    shutdown: impl std::future::Future<Output = ()>,
) where
    S: HttpApp,
{
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                // Typically out of file descriptors: back off instead of spinning.
                tracing::error!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        if let Ok(permit) = connections.served.clone().try_acquire_owned() {
            let closing = connections.closing.subscribe();
            let limits = connections.limits;
            tokio::spawn(serve(stream, acceptor.clone(), app.clone(), limits, closing, permit));
            continue;
        }
        connections.note_refusal();
        if let Ok(permit) = connections.refusing.clone().try_acquire_owned() {
            let acceptor = acceptor.clone();
            let limits = connections.limits;
            tokio::spawn(async move {
                let refuse = tower::service_fn(|request: Request| async move {
                    Ok::<_, std::convert::Infallible>(ccgw_api::over_connection_limit(&request))
                });
                // Never closing: the one answer closes the connection.
                let (_never, closing) = watch::channel(false);
                let _ =
                    tokio::time::timeout(REFUSAL_LIMIT, serve(stream, acceptor, refuse, limits, closing, permit)).await;
            });
        }
        // Else the stream is dropped here: closed unanswered.
    }
}

/// Serves one connection (after its TLS handshake) until the client leaves or, once
/// `closing` turns true, until the request in progress is answered.
async fn serve<S>(
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    app: S,
    limits: ConnectionLimits,
    closing: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) where
    S: HttpApp,
{
    let peer = stream.peer_addr().ok();
    match acceptor {
        Some(acceptor) => match tokio::time::timeout(limits.handshake_timeout, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => serve_http(tls, peer, app, limits, closing).await,
            Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
            Err(_) => tracing::debug!("TLS handshake timed out"),
        },
        None => serve_http(stream, peer, app, limits, closing).await,
    }
}

async fn serve_http<I, S>(
    io: I,
    peer: Option<SocketAddr>,
    app: S,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: HttpApp,
{
    // The peer address reaches handlers as `ConnectInfo` (per-address sign-in protection).
    let service = TowerToHyperService::new(app.map_request(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(axum::body::Body::new);
        if let Some(peer) = peer {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        request
    }));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.keep_alive(true).header_read_timeout(Some(limits.header_timeout)).timer(hyper_util::rt::TokioTimer::new());
    let connection = http.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let outcome = tokio::select! {
        outcome = connection.as_mut() => outcome,
        () = closed(&mut closing) => {
            // Keep-alive off: the request in progress gets its answer (with
            // `Connection: close`), an idle connection closes now.
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = outcome {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// Completes once the gateway asks its connections to close (or is gone).
async fn closed(closing: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: dropped here, not held by the caller.
    let _ = closing.wait_for(|closing| *closing).await.map(|_| ());
}
