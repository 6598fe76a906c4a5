//! The SIP listener: an rsipstack endpoint on UDP and TCP at one address, and the loop
//! that hands each incoming request to the part of ccgw that answers it.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ccgw_engine::{CallNumbers, ReportSender};
use ccgw_store_traits::PhoneSecretStore;
use rsipstack::EndpointBuilder;
use rsipstack::dialog::dialog::Dialog;
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::{Header, Method, StatusCode};
use rsipstack::transaction::endpoint::EndpointOption;
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::{TcpListenerConnection, TransportLayer};
use tokio::sync::mpsc;

use crate::bindings::Lifetimes;
use crate::lockout::LockRule;
use crate::registrar::{Now, Registrar};
use crate::switch::trunks::Trunks;
use crate::switch::{B2bua, B2buaParts, Command, SipSwitch, SwitchOptions};
use ccgw_core::SwitchFeatures;

/// What the SIP side is set up with.
#[derive(Debug, Clone)]
pub struct SipSettings {
    pub bind: SocketAddr,
    /// The address peers reach ccgw at, when it is not the bound one (NAT, a 0.0.0.0
    /// bind on a host with several addresses): it goes in Via, Contact and SDP.
    pub public_address: Option<SocketAddr>,
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
    #[error("a SIP switch is attached to this endpoint already")]
    SwitchAttached,
}

/// The running SIP side; stops when dropped or [`SipService::stop`]ped.
pub struct SipService {
    local_addr: SocketAddr,
    registrar: Arc<Registrar>,
    dialogs: Arc<DialogLayer>,
    /// The B2BUA's queue, once a SIP switch is attached; until then calls get 501.
    calls: Arc<OnceLock<mpsc::UnboundedSender<Command>>>,
    now: Now,
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
        // Bound here, not by the stack, so that the bound port is known even when peers
        // are told another address.
        let socket = tokio::net::UdpSocket::bind(settings.bind).await.map_err(|error| bind_error(error.to_string()))?;
        let local_addr = socket.local_addr().map_err(|error| bind_error(error.to_string()))?;
        let socket: Arc<dyn rsipstack::platform::net::UdpSocket> = Arc::new(socket);
        let udp = UdpConnection::from_socket(socket, settings.public_address, Some(cancel.child_token()))
            .await
            .map_err(|error| bind_error(error.to_string()))?;
        let tcp = TcpListenerConnection::new(local_addr, settings.public_address)
            .await
            .map_err(|error| bind_error(error.to_string()))?;
        transports.add_transport(udp.into());
        transports.add_transport(tcp.into());
        let endpoint = EndpointBuilder::new()
            .with_user_agent(concat!("ccgw/", env!("CARGO_PKG_VERSION")))
            .with_cancel_token(cancel.clone())
            .with_transport_layer(transports)
            .with_option(EndpointOption::default())
            .with_allows(vec![
                Method::Invite,
                Method::Ack,
                Method::Cancel,
                Method::Bye,
                Method::Register,
                Method::Options,
            ])
            .build();
        let mut incoming = endpoint.incoming_transactions().map_err(|error| bind_error(error.to_string()))?;
        let registrar = Arc::new(Registrar::new(
            settings.realm.clone(),
            settings.nonce_lifetime_secs,
            settings.lifetimes,
            settings.lock,
            secrets,
            now.clone(),
        ));
        let dialogs = Arc::new(DialogLayer::new(endpoint.inner.clone()));
        let calls: Arc<OnceLock<mpsc::UnboundedSender<Command>>> = Arc::new(OnceLock::new());
        let inner = endpoint.inner.clone();
        tokio::spawn(async move {
            if let Err(error) = inner.serve().await {
                tracing::error!(%error, "the SIP endpoint stopped");
            }
        });
        let dispatch = Dispatch { registrar: registrar.clone(), dialogs: dialogs.clone(), calls: calls.clone() };
        tokio::spawn(async move {
            // The endpoint lives as long as this loop: dropping it would close the transports.
            let _endpoint = endpoint;
            while let Some(tx) = incoming.recv().await {
                dispatch.route(tx);
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
        Ok(Self { local_addr, registrar, dialogs, calls, now, cancel })
    }

    /// Makes this endpoint the engine's switch: INVITEs from `trunks` become customer
    /// calls, reported on `reports`, and the engine's actions ring the registered phones;
    /// bridged calls' legs are probed every `keepalive`.
    /// Once only; a second call is refused.
    pub fn attach_switch(
        &self,
        reports: ReportSender,
        numbers: Arc<CallNumbers>,
        trunks: Trunks,
        options: SwitchOptions,
    ) -> Result<Arc<SipSwitch>, SipError> {
        let (commands, inbox) = mpsc::unbounded_channel();
        self.calls.set(commands.clone()).map_err(|_| SipError::SwitchAttached)?;
        let features = SwitchFeatures {
            call_out: trunks.dialling().is_some(),
            internal_calls: true,
            second_calls: true,
            transfer_to_agents: true,
            connecting_held: true,
            transfer_to_numbers: trunks.dialling().is_some(),
            digits: options.dtmf_info,
            ..SwitchFeatures::NONE
        };
        let registered_phones = options.require_registered_phone.then(|| self.registrar.clone());
        let switch =
            Arc::new(SipSwitch::new(commands.clone(), numbers.clone(), self.now.clone(), features, registered_phones));
        let ids = switch.clone();
        let contact = self.contact()?;
        let b2bua = B2bua::new(B2buaParts {
            dialogs: self.dialogs.clone(),
            registrar: self.registrar.clone(),
            reports,
            trunks,
            contact,
            commands,
            next_call_id: Box::new(move || ccgw_engine::Switch::next_call_id(ids.as_ref())),
            keepalive: options.keepalive,
        });
        let stop = self.cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = b2bua.run(inbox) => {}
            }
        });
        Ok(switch)
    }

    /// ccgw's own SIP URI, as peers are told to reach it (Contact).
    pub fn contact(&self) -> Result<rsipstack::sip::Uri, SipError> {
        self.dialogs
            .build_local_contact(None, None)
            .map_err(|error| SipError::Bind { addr: self.local_addr, reason: error.to_string() })
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

/// Hands each incoming request to the part of ccgw that answers it.
struct Dispatch {
    registrar: Arc<Registrar>,
    dialogs: Arc<DialogLayer>,
    calls: Arc<OnceLock<mpsc::UnboundedSender<Command>>>,
}

impl Dispatch {
    fn route(&self, tx: Transaction) {
        // In-dialog requests (ACK, BYE, re-INVITE, CANCEL's partner) go to their dialog.
        if let Some(Dialog::Invite(mut dialog)) = self.dialogs.match_dialog(&tx) {
            tokio::spawn(async move {
                let mut tx = tx;
                if tx.original.method == Method::Invite && !acked_soon(&dialog).await {
                    // Still no ACK for ccgw's 200: the stack would drop the re-INVITE
                    // unanswered; 491 tells the far end to try again (RFC 3261 §14.2).
                    return answer_plainly(tx, StatusCode::RequestPending).await;
                }
                if let Err(error) = dialog.handle(&mut tx).await {
                    tracing::debug!(%error, "in-dialog request not handled");
                }
            });
            return;
        }
        if tx.original.method == Method::Invite && !has_to_tag(&tx) {
            match self.calls.get() {
                Some(calls) => {
                    if let Err(refused) = calls.send(Command::Invite(Box::new(tx))) {
                        let Command::Invite(tx) = refused.0 else { return };
                        tokio::spawn(answer_plainly(*tx, StatusCode::ServiceUnavailable));
                    }
                }
                None => {
                    tokio::spawn(answer_plainly(tx, StatusCode::NotImplemented));
                }
            }
            return;
        }
        let registrar = self.registrar.clone();
        tokio::spawn(async move { answer(registrar, tx).await });
    }
}

fn has_to_tag(tx: &Transaction) -> bool {
    use rsipstack::sip::prelude::HeadersExt;
    tx.original.to_header().ok().and_then(|to| to.tag().ok().flatten()).is_some()
}

/// Longest a re-INVITE waits for the ACK of the dialog's first 200, which may be in flight
/// or handled in another task: requests of one dialog are not serialized.
const ACK_WAIT: Duration = Duration::from_secs(2);

/// False when `dialog` waits for the ACK of its 200 and it does not come within
/// [`ACK_WAIT`]; true as soon as it comes, or when the dialog waits for none.
pub(crate) async fn acked_soon(dialog: &InviteDialog) -> bool {
    let deadline = tokio::time::Instant::now() + ACK_WAIT;
    while dialog.state().waiting_ack() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

async fn answer_plainly(mut tx: Transaction, status: StatusCode) {
    if let Err(error) = tx.reply(status).await {
        tracing::debug!(%error, "SIP answer not sent");
    }
}

/// Requests outside any dialog: REGISTER from the registrar, OPTIONS 200; a request for
/// a dialog that does not exist (BYE, re-INVITE) 481; ACK and CANCEL need no answer here
/// (the stack matches them to their INVITE).
async fn answer(registrar: Arc<Registrar>, mut tx: Transaction) {
    let method = tx.original.method;
    let sent = match method {
        Method::Register => registrar.handle(&mut tx).await,
        Method::Options => {
            tx.reply_with(
                StatusCode::OK,
                vec![Header::Allow("INVITE, ACK, CANCEL, BYE, REGISTER, OPTIONS".into())],
                None,
            )
            .await
        }
        Method::Ack | Method::Cancel => Ok(()),
        Method::Bye | Method::Invite | Method::Update | Method::Info | Method::Refer | Method::Notify => {
            tx.reply(StatusCode::CallTransactionDoesNotExist).await
        }
        _ => tx.reply(StatusCode::NotImplemented).await,
    };
    if let Err(error) = sent {
        tracing::debug!(%method, %error, "SIP answer not sent");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccgw_core::PhoneNumber;
    use ccgw_store_traits::StoreFuture;

    /// No phone has a secret.
    struct NoSecrets;

    impl PhoneSecretStore for NoSecrets {
        fn set_phone_secret<'a>(&'a self, _: &'a PhoneNumber, _: &'a str, _: &'a str) -> StoreFuture<'a, ()> {
            Box::pin(async { Ok(()) })
        }
        fn phone_ha1<'a>(&'a self, _: &'a PhoneNumber, _: &'a str) -> StoreFuture<'a, Option<String>> {
            Box::pin(async { Ok(None) })
        }
        fn delete_phone_secret<'a>(&'a self, _: &'a PhoneNumber) -> StoreFuture<'a, bool> {
            Box::pin(async { Ok(false) })
        }
        fn list_phone_secrets(&self) -> StoreFuture<'_, Vec<(PhoneNumber, String)>> {
            Box::pin(async { Ok(Vec::new()) })
        }
    }

    fn settings(public_address: Option<SocketAddr>) -> SipSettings {
        SipSettings {
            bind: "127.0.0.1:0".parse().unwrap(),
            public_address,
            realm: "ccgw".into(),
            nonce_lifetime_secs: 300,
            lifetimes: Lifetimes { default: 3600, min: 60, max: 3600 },
            lock: LockRule::default(),
        }
    }

    #[tokio::test]
    async fn peers_are_told_the_public_address_and_the_listener_stays_on_the_bound_one() {
        let now: Now = Arc::new(|| 0);
        let public = "192.0.2.1:5060".parse().unwrap();
        let service = SipService::start(settings(Some(public)), Arc::new(NoSecrets), now.clone()).await.unwrap();
        assert_eq!(service.contact().unwrap().to_string(), "sip:192.0.2.1:5060");
        let bound = service.local_addr();
        assert!(bound.ip().is_loopback() && bound.port() != 0, "{bound}");
        // TCP listens on the bound port too (the stack binds it in its serving task).
        let mut tries = 0;
        while tokio::net::TcpStream::connect(bound).await.is_err() {
            tries += 1;
            assert!(tries < 200, "no TCP listener on the bound address {bound}");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let plain = SipService::start(settings(None), Arc::new(NoSecrets), now).await.unwrap();
        assert_eq!(plain.contact().unwrap().to_string(), format!("sip:{}", plain.local_addr()));
    }
}
