//! Huawei push mode (spec 01 §11): a sign-in with both `callBackUri` and `serviceToken`
//! has its events POSTed to that URL instead of polled. See `docs/push-mode.md`.
//!
//! - The callback must be on the allow-list ([`callback`]); no list, no push: such a
//!   sign-in is refused with `100-001`.
//! - Certificates are verified against one CA bundle (configured, or the system's: the
//!   binary reads it; TLS 1.2 or later); redirects are not followed, so a listed receiver
//!   cannot send ccgw elsewhere.
//! - One delivery task per push sign-in ([`deliverer`]) reads the sign-in's own cursor
//!   of the agent's event log: the log's bounded ring is the per-agent queue, so a slow
//!   receiver holds up nobody else. When the work number signs in again, the previous
//!   task goes on until its session's last events (its `AgentOther_ShutdownService`) are
//!   sent, and the new one starts after it, or after one attempt's time at the most, so
//!   that a receiver hears the old session end before the new one begins. At most one
//!   such draining task per work number; the gateway's stop ends them all.

mod callback;
mod deliverer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ccgw_core::{Guid, WorkNo};
use ccgw_engine::{Clock, EngineApi, PushFeed};
use tokio::sync::watch;

pub(crate) use callback::AllowList;
pub use callback::BadAllowListEntry;
use deliverer::Target;

/// Push mode's settings; the binary builds them from its configuration.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// `EVENT_PUST_WHILTELIST_CALLBACKURI`: `;`-separated https URLs; empty: no push.
    pub allow_list: String,
    /// PEM certificates the receivers' chains must end in (`eventpush.ssl.cert.file`).
    pub ca_pem: Vec<u8>,
    /// `EVENT_PUSH_FAIL_INTERVALTIME`: wait between failed attempts (engine clock).
    pub retry_every: Duration,
    /// `EVENT_PUSH_FAIL_TOTALTIME`: failing longer than this signs the agent out.
    pub give_up_after: Duration,
    /// One attempt's limit, connection included (real time).
    pub attempt_timeout: Duration,
    /// Most events in one callback.
    pub batch_max: usize,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            allow_list: String::new(),
            ca_pem: Vec::new(),
            retry_every: Duration::from_secs(10),
            give_up_after: Duration::from_secs(120),
            attempt_timeout: Duration::from_secs(10),
            batch_max: 50,
        }
    }
}

/// Why push mode could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum PushSetupError {
    #[error(transparent)]
    AllowList(#[from] BadAllowListEntry),
    #[error("push CA bundle: {0}")]
    Certificates(String),
}

/// Push mode at run time: the allow-list, the HTTPS client and the delivery tasks.
pub(crate) struct Pusher {
    settings: PushSettings,
    allow_list: AllowList,
    client: reqwest::Client,
    engine: Arc<dyn EngineApi>,
    clock: Arc<dyn Clock>,
    tasks: Mutex<Tasks>,
}

#[derive(Default)]
struct Tasks {
    next_id: u64,
    /// The deliverer of each work number's current push sign-in.
    current: HashMap<WorkNo, Deliverer>,
    /// The deliverer of an ended sign-in of the work number, sending its last events.
    draining: HashMap<WorkNo, Deliverer>,
}

struct Deliverer {
    id: u64,
    /// The token a handshake may refresh (documented form only).
    service_token: Option<ServiceToken>,
    task: tokio::task::AbortHandle,
    /// Turns true (or closes) when the task is over.
    done: watch::Receiver<bool>,
}

impl Tasks {
    /// Forgets the deliverer `id` of `work_no`, wherever it is.
    fn forget(&mut self, work_no: WorkNo, id: u64) {
        for deliverers in [&mut self.current, &mut self.draining] {
            if deliverers.get(&work_no).is_some_and(|deliverer| deliverer.id == id) {
                deliverers.remove(&work_no);
            }
        }
    }
}

impl Pusher {
    pub(crate) fn new(
        settings: PushSettings,
        engine: Arc<dyn EngineApi>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, PushSetupError> {
        let allow_list = AllowList::parse(&settings.allow_list)?;
        let tls = tls_config(&settings.ca_pem)?;
        if tls.is_none() && !allow_list.is_empty() {
            return Err(PushSetupError::Certificates("no certificate: receivers could not be verified".into()));
        }
        let builder = reqwest::Client::builder();
        let builder = match tls {
            Some(tls) => builder.use_preconfigured_tls(tls),
            // No receiver is ever admitted: the client is never used.
            None => builder,
        };
        let client = builder
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.attempt_timeout)
            .build()
            .map_err(|error| PushSetupError::Certificates(error.to_string()))?;
        Ok(Self { settings, allow_list, client, engine, clock, tasks: Mutex::default() })
    }

    fn tasks(&self) -> MutexGuard<'_, Tasks> {
        // One insert or remove per critical section: a poisoned map is still whole.
        self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The callback a push sign-in named, if the allow-list admits it.
    pub(crate) fn admit(&self, callback: &str) -> Result<reqwest::Url, &'static str> {
        if self.allow_list.is_empty() {
            return Err("push mode is not enabled: no callback allow-list is configured");
        }
        self.allow_list.admit(callback)
    }

    /// The work number signed in again: its previous deliverer (if any) drains its ended
    /// session, and a push sign-in's deliverer starts after it.
    pub(crate) fn signed_in(self: &Arc<Self>, work_no: WorkNo, push: Option<(PushFeed, Callback)>, guid: Guid) {
        let mut tasks = self.tasks();
        if let Some(older) = tasks.draining.remove(&work_no) {
            // Two sign-ins ago: it had one attempt's time and more to finish.
            older.task.abort();
        }
        let previous_done = tasks.current.remove(&work_no).map(|previous| {
            let done = previous.done.clone();
            tasks.draining.insert(work_no, previous);
            done
        });
        let Some((feed, callback)) = push else { return };
        tasks.next_id += 1;
        let id = tasks.next_id;
        let service_token = match &callback.style {
            PushStyle::EventList { service_token } => Some(service_token.clone()),
            PushStyle::PollAnswer => None,
        };
        let target = Target { url: callback.url, style: callback.style, guid };
        let (finished, done) = watch::channel(false);
        let pusher = self.clone();
        let task = tokio::spawn(async move {
            if let Some(mut previous_done) = previous_done {
                let wait = previous_done.wait_for(|done| *done);
                let _ = tokio::time::timeout(pusher.settings.attempt_timeout, wait).await;
            }
            deliverer::deliver(pusher.clone(), feed, target).await;
            pusher.tasks().forget(work_no, id);
            let _ = finished.send(true);
        });
        tasks.current.insert(work_no, Deliverer { id, service_token, task: task.abort_handle(), done });
    }

    /// A handshake of the work number's current sign-in brought a new `service_token`:
    /// later callbacks carry it.
    pub(crate) fn refresh_token(&self, work_no: WorkNo, token: String) {
        if let Some(current) = self.tasks().current.get(&work_no).and_then(|d| d.service_token.as_ref()) {
            current.replace(token);
        }
    }

    /// Stops every delivery task (the gateway is stopping).
    pub(crate) fn stop_all(&self) {
        let mut tasks = self.tasks();
        let Tasks { current, draining, .. } = &mut *tasks;
        for (_, deliverer) in current.drain().chain(draining.drain()) {
            deliverer.task.abort();
        }
    }
}

/// The receivers' TLS: ring (the one provider of the process, named here so that no
/// process-wide default is needed), TLS 1.2 and 1.3, the bundle's certificates as roots
/// (one it cannot parse is skipped, as a system bundle may hold some); `None` when the
/// bundle holds none.
fn tls_config(ca_pem: &[u8]) -> Result<Option<rustls::ClientConfig>, PushSetupError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(ca_pem).filter_map(Result::ok).collect();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _skipped) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Ok(None);
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|error| PushSetupError::Certificates(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(config))
}

/// A push sign-in's callback, admitted.
pub(crate) struct Callback {
    pub(crate) url: reqwest::Url,
    pub(crate) style: PushStyle,
}

/// A push sign-in's `service_token`, which its handshakes may replace (spec 01 §11.2
/// suggests refreshing it about once a minute).
#[derive(Clone, Default)]
pub(crate) struct ServiceToken(Arc<Mutex<String>>);

impl ServiceToken {
    pub(crate) fn new(token: String) -> Self {
        Self(Arc::new(Mutex::new(token)))
    }

    pub(crate) fn current(&self) -> String {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn replace(&self, token: String) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = token;
    }
}

/// The most characters of a `serviceToken` (spec 01 §11.1).
const MAX_SERVICE_TOKEN_CHARS: usize = 50;

/// Whether `token` is a valid `serviceToken`/`service_token`: 1-50 letters, digits, `-`
/// or `_` ("no special characters").
pub(crate) fn valid_service_token(token: &str) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (1..=MAX_SERVICE_TOKEN_CHARS).contains(&token.chars().count()) && token.chars().all(plain)
}

/// What a callback carries, by how the sign-in asked for push.
#[derive(Clone)]
pub(crate) enum PushStyle {
    /// `callBackUri` + `serviceToken` (the documented form): `{workNo, eventList}` batches,
    /// with the `service_token` header (a handshake may refresh it).
    EventList { service_token: ServiceToken },
    /// `pushUrl` (older clients, Huawei's Java demo): one event per callback, the body
    /// exactly a poll answer `{"message":"","retcode":"0","event":{…}}`.
    PollAnswer,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the token nor the URL (its query may hold one).
        f.write_str("Callback")
    }
}
