//! One keep-alive HTTPS connection, as a Java agent client holds it: HTTP/1.1 over TLS,
//! requests one at a time, reconnecting when the server closes it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;

/// What a request got back.
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// The value of `Set-GUID` after `JSESSIONID=`, if sent.
    pub(crate) set_guid: Option<String>,
    pub(crate) body: Bytes,
}

/// Where and how to connect.
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub(crate) addr: SocketAddr,
    /// `None` = plain HTTP.
    pub(crate) tls: Option<Arc<ClientConfig>>,
    /// The loopback address to connect from (127.0.0.x), so that many agents' connections
    /// share the ephemeral ports of several source addresses; `None` = the system's choice.
    pub(crate) source: Option<std::net::IpAddr>,
    /// Requests answered over every connection made from this endpoint and its clones,
    /// for CPU per request.
    pub(crate) answered: Arc<AtomicU64>,
    /// The name the server's certificate must carry.
    pub(crate) name: ServerName<'static>,
}

impl Endpoint {
    pub(crate) fn new(addr: SocketAddr, tls: Option<Arc<ClientConfig>>, name: ServerName<'static>) -> Self {
        Self { addr, tls, source: None, answered: Arc::new(AtomicU64::new(0)), name }
    }

    /// A gateway on loopback with ccgw's generated certificate (issued to `localhost`).
    pub(crate) fn loopback(addr: SocketAddr, tls: Option<Arc<ClientConfig>>) -> anyhow::Result<Self> {
        let name = ServerName::try_from("localhost").context("server name")?;
        Ok(Self::new(addr, tls, name))
    }

    /// Requests answered so far over this endpoint's connections.
    pub(crate) fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// The same endpoint, connecting from the `index`-th of `count` loopback source
    /// addresses (127.0.0.1, 127.0.0.2, …).
    pub(crate) fn spread(&self, index: u32, count: u32) -> Self {
        let mut spread = self.clone();
        if count > 1 {
            let octet = u8::try_from(index % count.min(250) + 1).unwrap_or(1);
            spread.source = Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, octet)));
        }
        spread
    }
}

pub(crate) struct Connection {
    endpoint: Endpoint,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self { endpoint, sender: None }
    }

    /// Closes the connection, as a client's idle-connection eviction does; the next
    /// request opens a new one.
    pub(crate) fn close(&mut self) {
        // Dropping the only sender lets hyper's connection task end and close the socket.
        self.sender = None;
    }

    async fn connect(&self) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let tcp = match self.endpoint.source {
            Some(source) => {
                let socket = tokio::net::TcpSocket::new_v4().context("socket")?;
                socket.bind(SocketAddr::new(source, 0)).with_context(|| format!("binding {source}"))?;
                socket.connect(self.endpoint.addr).await.context("connect")?
            }
            None => TcpStream::connect(self.endpoint.addr).await.context("connect")?,
        };
        let _ = tcp.set_nodelay(true);
        let sender = match &self.endpoint.tls {
            Some(config) => {
                let tls = TlsConnector::from(config.clone())
                    .connect(self.endpoint.name.clone(), tcp)
                    .await
                    .context("TLS handshake")?;
                let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
                tokio::spawn(connection);
                sender
            }
            None => {
                let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
                tokio::spawn(connection);
                sender
            }
        };
        Ok(sender)
    }

    /// Sends one request; reconnects once if the kept-alive connection was closed.
    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> anyhow::Result<Answer> {
        for attempt in 0..2 {
            if self.sender.as_ref().is_none_or(|sender| sender.is_closed()) {
                self.sender = Some(self.connect().await?);
            }
            let Some(sender) = self.sender.as_mut() else { continue };
            sender.ready().await.ok();
            let mut request = Request::builder().method(method.clone()).uri(path).header("host", "localhost");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if body.is_some() {
                request = request.header("content-type", "application/json");
            }
            let request = request.body(Full::new(Bytes::from(body.clone().unwrap_or_default())))?;
            match sender.send_request(request).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let set_guid = response
                        .headers()
                        .get("set-guid")
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| value.strip_prefix("JSESSIONID="))
                        .map(str::to_owned);
                    let body = response.into_body().collect().await?.to_bytes();
                    self.endpoint.answered.fetch_add(1, Ordering::Relaxed);
                    return Ok(Answer { status, set_guid, body });
                }
                Err(error) if attempt == 0 => {
                    tracing::debug!(%error, "request failed; reconnecting");
                    self.sender = None;
                }
                Err(error) => return Err(error.into()),
            }
        }
        anyhow::bail!("request failed twice")
    }
}
