//! What every handler can reach.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ccgw_core::WorkNo;
use ccgw_engine::{Clock, EngineApi, SimSwitch};
use ccgw_store_traits::{CallRecordStore, DirectoryStore};

use crate::agentgateway::push::{PushSettings, PushSetupError, Pusher};
use crate::guard::{FailureLedger, SignInGuard, SignInProtection, SourceKey};
use crate::idempotency::{IdempotencyKeeper, IdempotencySettings};
use crate::wire::body_limits::{BodyLimits, BodyReader};
use crate::wire::set_guid::SetGuidCase;

/// The api's own settings; the binary builds them from its configuration.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// How long an empty event poll is held (`AGENT_POLL_WAIT_*`, at most 10 s for clients).
    pub poll_hold: Duration,
    /// Work numbers this gateway serves; others are `000-002`.
    pub work_no_range: RangeInclusive<u32>,
    /// `serverName` in the sign-in result.
    pub server_name: String,
    /// Bearer token of the `/ccgw/v1` extension API.
    pub admin_token: String,
    /// How long and how many `Idempotency-Key`s are remembered.
    pub idempotency: IdempotencySettings,
    /// How large request bodies may be, how long they may take, how much memory they
    /// may hold together.
    pub body: BodyLimits,
    /// Lockouts after wrong passwords and admin tokens, and the password-check gate.
    pub sign_in: SignInProtection,
    /// Origins of browser pages allowed to call the gateway cross-origin (CORS); none by
    /// default.
    pub cors_origins: Vec<http::HeaderValue>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            poll_hold: Duration::from_secs(10),
            work_no_range: 1..=999_999,
            server_name: "ccgw".into(),
            admin_token: String::new(),
            idempotency: IdempotencySettings::default(),
            body: BodyLimits::default(),
            sign_in: SignInProtection::default(),
            cors_origins: Vec::new(),
        }
    }
}

/// What every handler and layer shares. One `Arc` around it all: axum clones the state
/// for every layer and extractor of every request, and cloning one `Arc` costs one atomic
/// increment where cloning each field cost one per field (a profile showed the clones
/// and drops at 8 % of the gateway's CPU).
#[derive(Clone)]
pub struct ApiState(Arc<SharedState>);

impl std::ops::Deref for ApiState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

#[derive(Clone)]
pub struct SharedState {
    /// The center, reached only through the engine's interface.
    pub(crate) engine: Arc<dyn EngineApi>,
    /// The simulated switch's live control, when the sim is the switch: `/ccgw/v1/sim/...`
    /// is mounted only then.
    pub(crate) sim: Option<Arc<SimSwitch>>,
    pub(crate) directory: Arc<dyn DirectoryStore>,
    pub(crate) records: Arc<dyn CallRecordStore>,
    pub(crate) settings: Arc<ApiSettings>,
    pub(crate) set_guid: SetGuidCase,
    pub(crate) signing_in: SignInsInFlight,
    pub(crate) idempotency: Arc<IdempotencyKeeper>,
    pub(crate) bodies: BodyReader,
    /// Sign-in failure counts, locks and the password-check gate.
    pub(crate) guard: Arc<SignInGuard>,
    /// Wrong admin tokens per source address.
    pub(crate) admin_failures: Arc<FailureLedger<SourceKey>>,
    /// Wrong admin tokens presented since the start.
    pub(crate) wrong_admin_tokens: Arc<std::sync::atomic::AtomicU64>,
    /// Requests by interface and answer, for `GET /metrics`.
    pub(crate) http_metrics: Arc<crate::metrics::HttpMetrics>,
    /// The process's own figures for `GET /metrics`, when it gives any.
    pub(crate) host: Option<Arc<dyn crate::metrics::HostMetrics>>,
    /// Where commands are audited, and where the trail is read back; none: no trail.
    pub(crate) audit: Option<Arc<dyn ccgw_engine::AuditSink>>,
    pub(crate) audit_store: Option<Arc<dyn ccgw_store_traits::AuditStore>>,
    /// `GET /ccgw/v1/openapi.json`, rendered on first use.
    pub(crate) openapi: std::sync::OnceLock<axum::body::Bytes>,
    /// Where agent phones' SIP secrets are kept, and the realm they are hashed for.
    pub(crate) phone_secrets: Option<(Arc<dyn ccgw_store_traits::PhoneSecretStore>, String)>,
    /// Push mode, when a callback allow-list is configured.
    pub(crate) push: Option<Arc<Pusher>>,
}

impl ApiState {
    /// Builds the state; captures the `Set-GUID` header casing once (see `wire::set_guid`).
    pub async fn new(
        engine: Arc<dyn EngineApi>,
        sim: Option<Arc<SimSwitch>>,
        directory: Arc<dyn DirectoryStore>,
        records: Arc<dyn CallRecordStore>,
        settings: ApiSettings,
    ) -> std::io::Result<Self> {
        Ok(Self(Arc::new(SharedState {
            engine,
            sim,
            directory,
            records,
            idempotency: IdempotencyKeeper::new(settings.idempotency),
            bodies: BodyReader::new(settings.body),
            guard: Arc::new(SignInGuard::new(&settings.sign_in)),
            admin_failures: Arc::new(FailureLedger::new(settings.sign_in.admin_token, settings.sign_in.tracked)),
            settings: Arc::new(settings),
            set_guid: SetGuidCase::capture().await?,
            signing_in: SignInsInFlight::default(),
            wrong_admin_tokens: Arc::default(),
            http_metrics: Arc::default(),
            host: None,
            audit: None,
            audit_store: None,
            openapi: std::sync::OnceLock::new(),
            phone_secrets: None,
            push: None,
        })))
    }

    /// Audits every command into `sink`; `GET /ccgw/v1/audit` reads `store`.
    pub fn with_audit(
        mut self,
        sink: Arc<dyn ccgw_engine::AuditSink>,
        store: Arc<dyn ccgw_store_traits::AuditStore>,
    ) -> Self {
        // Called while building, before the state is shared: no copy is made then.
        let shared = Arc::make_mut(&mut self.0);
        shared.audit = Some(sink);
        shared.audit_store = Some(store);
        self
    }

    /// Lets `/ccgw/v1/phones` set agent phones' SIP secrets, hashed for `realm`.
    pub fn with_phone_secrets(mut self, store: Arc<dyn ccgw_store_traits::PhoneSecretStore>, realm: String) -> Self {
        Arc::make_mut(&mut self.0).phone_secrets = Some((store, realm));
        self
    }

    /// Adds the process's own figures (connections, record writer) to `GET /metrics`.
    pub fn with_host_metrics(mut self, host: Arc<dyn crate::metrics::HostMetrics>) -> Self {
        Arc::make_mut(&mut self.0).host = Some(host);
        self
    }

    /// Offers push mode as `settings` say (none without an allow-list); deliveries wait
    /// on `clock`, the engine's.
    pub fn with_push(mut self, settings: PushSettings, clock: Arc<dyn Clock>) -> Result<Self, PushSetupError> {
        if settings.allow_list.trim_matches([';', ' ']).is_empty() {
            return Ok(self);
        }
        let pusher = Pusher::new(settings, self.engine.clone(), clock)?;
        Arc::make_mut(&mut self.0).push = Some(Arc::new(pusher));
        Ok(self)
    }

    /// Ends every push delivery (the gateway is stopping).
    pub fn stop_push_deliveries(&self) {
        if let Some(push) = &self.push {
            push.stop_all();
        }
    }

    pub(crate) fn admin_token_failures(&self) -> u64 {
        self.wrong_admin_tokens.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl ApiState {
    /// Hands the directory's current skills to the engine, so that a skill edit applies
    /// to the next call at once (edits from outside the process arrive with the periodic
    /// reload instead).
    pub(crate) async fn reload_skills(&self) {
        match self.directory.list_skills(None).await {
            Ok(skills) => {
                if self.engine.configure_skills(skills).await.is_err() {
                    tracing::error!("engine unavailable: skill change not applied");
                }
            }
            Err(error) => tracing::error!(%error, "reloading the skills failed"),
        }
    }
}

/// Work numbers whose sign-in is under way right now (`100-021` for a second one). Taken
/// only once the password is right, so a wrong one never blocks a concurrent right one.
#[derive(Clone, Default)]
pub(crate) struct SignInsInFlight(Arc<Mutex<HashSet<WorkNo>>>);

pub(crate) struct SignInClaim {
    set: SignInsInFlight,
    work_no: WorkNo,
}

impl SignInsInFlight {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<WorkNo>> {
        // One insert or remove per critical section: a poisoned set is still whole.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn claim(&self, work_no: WorkNo) -> Option<SignInClaim> {
        self.lock().insert(work_no).then(|| SignInClaim { set: self.clone(), work_no })
    }
}

impl Drop for SignInClaim {
    fn drop(&mut self) {
        self.set.lock().remove(&self.work_no);
    }
}
