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
//!   receiver holds up nobody else. A new sign-in of the work number stops the previous
//!   task; the gateway's stop ends them all.

mod callback;
mod deliverer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ccgw_core::{Guid, WorkNo};
use ccgw_engine::{Clock, EngineApi, PushFeed};

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
    running: HashMap<WorkNo, (u64, tokio::task::AbortHandle)>,
}

impl Pusher {
    pub(crate) fn new(
        settings: PushSettings,
        engine: Arc<dyn EngineApi>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, PushSetupError> {
        let allow_list = AllowList::parse(&settings.allow_list)?;
        let roots = reqwest::Certificate::from_pem_bundle(&settings.ca_pem)
            .map_err(|error| PushSetupError::Certificates(error.to_string()))?;
        if roots.is_empty() && !allow_list.is_empty() {
            return Err(PushSetupError::Certificates("no certificate: receivers could not be verified".into()));
        }
        let builder =
            roots.into_iter().fold(reqwest::Client::builder(), |builder, root| builder.add_root_certificate(root));
        let client = builder
            .tls_built_in_root_certs(false)
            .min_tls_version(reqwest::tls::Version::TLS_1_2)
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

    /// The work number signed in again: its previous deliverer (if any) stops, and a push
    /// sign-in's starts.
    pub(crate) fn signed_in(self: &Arc<Self>, work_no: WorkNo, push: Option<(PushFeed, Callback)>, guid: Guid) {
        let mut tasks = self.tasks();
        if let Some((_, previous)) = tasks.running.remove(&work_no) {
            previous.abort();
        }
        let Some((feed, callback)) = push else { return };
        tasks.next_id += 1;
        let id = tasks.next_id;
        let target = Target { url: callback.url, service_token: callback.service_token, guid };
        let pusher = self.clone();
        let task = tokio::spawn(async move {
            deliverer::deliver(pusher.clone(), feed, target).await;
            let mut tasks = pusher.tasks();
            if tasks.running.get(&work_no).is_some_and(|(running, _)| *running == id) {
                tasks.running.remove(&work_no);
            }
        });
        tasks.running.insert(work_no, (id, task.abort_handle()));
    }

    /// Stops every delivery task (the gateway is stopping).
    pub(crate) fn stop_all(&self) {
        for (_, (_, task)) in self.tasks().running.drain() {
            task.abort();
        }
    }
}

/// A push sign-in's callback, admitted.
pub(crate) struct Callback {
    pub(crate) url: reqwest::Url,
    pub(crate) service_token: String,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the token nor the URL (its query may hold one).
        f.write_str("Callback")
    }
}
