//! The SIP listener: an rsipstack endpoint on UDP and TCP at one address, and the loop
//! that hands each incoming request to the part of ccgw that answers it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ccgw_store_traits::PhoneSecretStore;
use rsipstack::EndpointBuilder;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::{Header, Method, StatusCode};
use rsipstack::transaction::endpoint::EndpointOption;
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::{TcpListenerConnection, TransportLayer};

use crate::bindings::Lifetimes;
use crate::lockout::LockRule;
use crate::registrar::{Now, Registrar};

/// What the SIP side is set up with.
#[derive(Debug, Clone)]
pub struct SipSettings {
    pub bind: SocketAddr,
    pub realm: String,
    pub nonce_lifetime_secs: u64,
    pub lifetimes: Lifetimes,
    /// When a source address is refused after wrong digests.
    pub lock: LockRule,
}

#[derive(Debug, thiserror::Error)]
pub enum SipError {
    #[error("cannot listen for SIP on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
}

/// The running SIP side; stops when dropped or [`SipService::stop`]ped.
pub struct SipService {
    local_addr: SocketAddr,
    registrar: Arc<Registrar>,
    cancel: CancellationToken,
}

/// How often expired bindings are forgotten.
const EXPIRY_SWEEP: Duration = Duration::from_secs(30);

impl SipService {
    /// Listens on `settings.bind` (UDP and TCP; port 0 picks one free port for both).
    pub async fn start(settings: SipSettings, secrets: Arc<dyn PhoneSecretStore>, now: Now) -> Result<Self, SipError> {
        let bind_error = |reason: String| SipError::Bind { addr: settings.bind, reason };
        let cancel = CancellationToken::new();
        let transports = TransportLayer::new(cancel.child_token());
        let udp = UdpConnection::create_connection(settings.bind, None, Some(cancel.child_token()))
            .await
            .map_err(|error| bind_error(error.to_string()))?;
        let local_addr = udp.get_addr().get_socketaddr().map_err(|error| bind_error(error.to_string()))?;
        let tcp = TcpListenerConnection::new(local_addr, None).await.map_err(|error| bind_error(error.to_string()))?;
        transports.add_transport(udp.into());
        transports.add_transport(tcp.into());
        let endpoint = EndpointBuilder::new()
            .with_user_agent(concat!("ccgw/", env!("CARGO_PKG_VERSION")))
            .with_cancel_token(cancel.clone())
            .with_transport_layer(transports)
            .with_option(EndpointOption::default())
            .with_allows(vec![Method::Register, Method::Options, Method::Ack, Method::Cancel, Method::Bye])
            .build();
        let mut incoming = endpoint.incoming_transactions().map_err(|error| bind_error(error.to_string()))?;
        let registrar = Arc::new(Registrar::new(
            settings.realm.clone(),
            settings.nonce_lifetime_secs,
            settings.lifetimes,
            settings.lock,
            secrets,
            now,
        ));
        let inner = endpoint.inner.clone();
        tokio::spawn(async move {
            if let Err(error) = inner.serve().await {
                tracing::error!(%error, "the SIP endpoint stopped");
            }
        });
        let dispatch = registrar.clone();
        tokio::spawn(async move {
            // The endpoint lives as long as this loop: dropping it would close the transports.
            let _endpoint = endpoint;
            while let Some(tx) = incoming.recv().await {
                let registrar = dispatch.clone();
                tokio::spawn(async move { answer(registrar, tx).await });
            }
        });
        let sweeper = registrar.clone();
        let stop = cancel.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(EXPIRY_SWEEP) => { sweeper.expire(); }
                }
            }
        });
        tracing::info!(%local_addr, realm = %settings.realm, "SIP registrar listening (UDP and TCP)");
        Ok(Self { local_addr, registrar, cancel })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn registrar(&self) -> &Arc<Registrar> {
        &self.registrar
    }

    pub fn stop(&self) {
        self.cancel.cancel();
    }
}

impl Drop for SipService {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Every request gets a final answer: REGISTER from the registrar, OPTIONS 200, and
/// calls 501 until the SIP switch carries them.
async fn answer(registrar: Arc<Registrar>, mut tx: Transaction) {
    let method = tx.original.method;
    let sent = match method {
        Method::Register => registrar.handle(&mut tx).await,
        Method::Options => tx.reply_with(StatusCode::OK, vec![Header::Allow("REGISTER, OPTIONS".into())], None).await,
        Method::Ack | Method::Cancel => Ok(()),
        _ => tx.reply(StatusCode::NotImplemented).await,
    };
    if let Err(error) = sent {
        tracing::debug!(%method, %error, "SIP answer not sent");
    }
}
