//! Building and running the gateway: directory, engine, api, listener.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ccgw_api::ApiState;
use ccgw_core::RoutingTable;
use ccgw_engine::{CallNumbers, Clock, Engine, EngineHandle, ReportSender, SimSwitch, Switch, SystemClock, Telephony};
use ccgw_sip::bindings::Lifetimes;
use ccgw_sip::lockout::LockRule;
use ccgw_sip::{SipService, SipSettings, Trunk, Trunks};
use ccgw_store::{AuditStore, CallRecordStore, DirectoryStore, PhoneSecretStore};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::audit::AuditWriter;
use crate::call_numbers;
use crate::config::{Config, SwitchKind};
use crate::data_dir;
use crate::listener::{self, Connections};
use crate::records::RecordWriter;
use crate::secrets::{self, TokenSource};
use crate::tls::{self, TlsSource};

/// Builds a switch around the sender it reports on and the numbers its call ids take.
pub type SwitchFactory = Box<dyn FnOnce(ReportSender, Arc<CallNumbers>) -> Arc<dyn Switch> + Send>;

/// What tests (or a program embedding the gateway) may inject.
#[derive(Default)]
pub struct Hooks {
    pub clock: Option<Arc<dyn Clock>>,
    /// A switch built outside the configuration; it replaces the configured one, and
    /// there is no simulated switch to control then.
    pub switch: Option<SwitchFactory>,
}

/// Facts for the start-up banner (never the admin token itself unless generated now).
#[derive(Debug, Clone)]
pub struct Banner {
    pub url: String,
    pub data_dir: String,
    pub tls: Option<TlsSource>,
    pub admin_token: String,
    pub token_source: TokenSource,
    pub demo_password: Option<String>,
    pub demo_note: Option<String>,
    /// Where the SIP registrar listens, when it does.
    pub sip: Option<String>,
}

pub struct App {
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    state: ApiState,
    engine: Engine,
    /// The simulated switch, when it is the switch.
    sim: Option<Arc<SimSwitch>>,
    pub banner: Banner,
    pub directory: Arc<dyn DirectoryStore>,
    records: Arc<RecordWriter>,
    audit: Arc<AuditWriter>,
    /// Background work that ends with the gateway: reloading skills, reserving call numbers,
    /// pruning the audit trail.
    chores: Vec<tokio::task::JoinHandle<()>>,
    connections: Arc<Connections>,
    shutdown_grace: Duration,
    /// The SIP registrar, when `[sip] bind` is set; stops when the gateway does.
    sip: Option<SipService>,
}

impl App {
    pub async fn build(config: Config, hooks: Hooks) -> anyhow::Result<App> {
        // One SQLite database behind both store seams; the rest of the gateway sees only
        // the traits.
        let database = data_dir::open_database(&config.data_dir).await?;
        let directory: Arc<dyn DirectoryStore> = Arc::new(database.clone());
        let call_records: Arc<dyn CallRecordStore> = Arc::new(database.clone());
        let phone_secrets: Arc<dyn PhoneSecretStore> = Arc::new(database.clone());
        let audit_store: Arc<dyn AuditStore> = Arc::new(database);
        let (demo_password, demo_note) = seed_demo(&config, directory.as_ref(), phone_secrets.as_ref()).await?;
        let (admin_token, token_source) = secrets::admin_token(config.admin_token.as_deref(), &config.data_dir)?;
        let (acceptor, tls_source) = if config.http {
            (None, None)
        } else {
            let material =
                tls::load_or_generate(config.tls_cert.as_deref(), config.tls_key.as_deref(), &config.data_dir)?;
            let server_config = tls::server_config(&material)?;
            (Some(TlsAcceptor::from(server_config)), Some(material.source))
        };
        let clock = hooks.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let skills = directory.list_skills(None).await.context("while loading the skills")?;
        close_calls_left_open(call_records.as_ref(), clock.now()).await?;
        let numbers = call_numbers::reserve_first(call_records.as_ref()).await?;
        let reserving = tokio::spawn(call_numbers::keep_reserved(call_records.clone(), numbers.clone()));
        let records = RecordWriter::start(call_records.clone());
        let audit = AuditWriter::start(audit_store.clone());
        let engine_settings = config.engine_settings()?;
        let limits = config.connection_limits()?;
        raise_file_limit(limits.max_connections);
        let connections = Connections::new(limits);
        let sip = match sip_bind(&config) {
            Some(bind) => Some(start_sip(&config, bind, phone_secrets.clone(), clock.clone()).await?),
            None => None,
        };
        let (telephony, sim) =
            build_switch(&config, hooks.switch, &engine_settings, clock.clone(), numbers, sip.as_ref())?;
        let engine =
            ccgw_engine::start(engine_settings, clock.clone(), skills, records.clone(), audit.clone(), telephony);
        let routing = load_routing(directory.as_ref()).await.context("while loading the inbound routes")?;
        engine.handle.configure_routing(routing.clone()).await.context("while starting the engine")?;
        let refresh = tokio::spawn(refresh_skills(directory.clone(), engine.handle.clone(), config.skill_refresh()));
        let pruning = tokio::spawn(crate::audit::prune(audit_store.clone(), clock.clone(), config.audit.retention()));
        let chores = vec![refresh, reserving, pruning];
        let state = ApiState::new(
            Arc::new(engine.handle.clone()),
            sim.clone(),
            directory.clone(),
            call_records,
            config.api_settings(admin_token.clone()),
        )
        .await
        .context("while preparing the HTTP layer")?
        .with_host_metrics(Arc::new(ProcessMetrics {
            connections: connections.clone(),
            records: records.clone(),
            audit: audit.clone(),
        }))
        .with_audit(audit.clone(), audit_store)
        .with_phone_secrets(phone_secrets, config.sip.realm.clone())
        .with_push(config.push.settings()?, clock.clone())
        .context("while setting up push mode")?;
        let listener =
            TcpListener::bind(config.bind).await.with_context(|| format!("while binding {}", config.bind))?;
        let address = listener.local_addr()?;
        let scheme = if config.http { "http" } else { "https" };
        let banner = Banner {
            url: format!("{scheme}://{address}/agentgateway/resource/"),
            data_dir: config.data_dir.display().to_string(),
            tls: tls_source,
            admin_token,
            token_source,
            demo_password,
            demo_note,
            sip: sip.as_ref().map(|sip| format!("udp+tcp {} (realm {})", sip.local_addr(), config.sip.realm)),
        };
        let shutdown_grace = config.shutdown_grace();
        Ok(App {
            listener,
            acceptor,
            state,
            engine,
            sim,
            banner,
            directory,
            records,
            audit,
            chores,
            connections,
            shutdown_grace,
            sip,
        })
    }

    /// Where the SIP registrar listens (UDP and TCP), when `[sip] bind` is set.
    pub fn sip_addr(&self) -> Option<SocketAddr> {
        self.sip.as_ref().map(SipService::local_addr)
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The HTTP layer's state, for callers that send requests in process through
    /// [`ccgw_api::app`] rather than over the listener (the fuzz harness).
    pub fn api_state(&self) -> ApiState {
        self.state.clone()
    }

    /// The simulated switch, when the configuration chose it.
    pub fn sim(&self) -> Option<Arc<SimSwitch>> {
        self.sim.clone()
    }

    /// The engine, for tests that settle it after moving a manual clock.
    pub fn engine(&self) -> EngineHandle {
        self.engine.handle.clone()
    }

    /// The record writer, for tests that flush it before reading the records.
    pub fn records(&self) -> Arc<RecordWriter> {
        self.records.clone()
    }

    /// The audit writer, for tests that flush it before reading the trail.
    pub fn audit(&self) -> Arc<AuditWriter> {
        self.audit.clone()
    }

    /// Serves until `shutdown` completes, then stops gracefully:
    ///
    /// 1. the listener closes: no new connection is accepted;
    /// 2. the engine closes: every live call ends with outcome `shutdown` (its record is
    ///    written), every signed-in agent is signed out with `AgentOther_ShutdownService`,
    ///    and no sign-in is taken any more;
    /// 3. connections stay open until every signed-out agent's poll has collected its last
    ///    events, or the grace period (`server.shutdown_grace_ms`) ends;
    /// 4. every connection finishes the request it is serving and closes (idle ones at
    ///    once), within what is left of the grace period;
    /// 5. the engine stops, and the record and audit writers drain (up to 10 s more each).
    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()>) {
        let App { listener, acceptor, state, engine, records, audit, chores, connections, shutdown_grace, .. } = self;
        let pushes = state.clone();
        listener::accept_until(listener, acceptor, ccgw_api::app(state), connections.clone(), shutdown).await;
        let deadline = tokio::time::Instant::now() + shutdown_grace;
        tracing::info!(grace_ms = shutdown_grace.as_millis() as u64, "stopping: listener closed");
        for chore in &chores {
            chore.abort();
        }
        match engine.handle.close().await {
            Ok(()) => wait_for_farewells(&engine.handle, deadline).await,
            Err(error) => tracing::error!(%error, "the engine had stopped before shutdown"),
        }
        let still_open = connections.drain(deadline).await;
        if still_open > 0 {
            tracing::warn!(still_open, "connections still busy at the end of the grace period are cut");
        }
        // Calls that arrived since the close get their outcome now, and the engine stops,
        // so that every record exists before the drain below and none can follow it.
        if let Err(error) = engine.handle.shut_down().await {
            tracing::error!(%error, "the engine had stopped before shutdown: live calls may lack a record");
        }
        // Farewells had the grace period to go out; no callback is made after the stop.
        pushes.stop_push_deliveries();
        if !records.drain(RECORD_DRAIN_LIMIT).await {
            tracing::error!(unwritten = records.unwritten(), "call records still unwritten at shutdown");
        }
        if !audit.drain(RECORD_DRAIN_LIMIT).await {
            tracing::error!(unwritten = audit.unwritten(), "audit entries still unwritten at shutdown");
        }
        tracing::info!("stopped");
    }
}

/// Waits until every agent signed out by the close has collected its last events, or
/// `deadline`.
async fn wait_for_farewells(engine: &EngineHandle, deadline: tokio::time::Instant) {
    loop {
        match engine.undelivered().await {
            Ok(0) => return,
            Ok(waiting) if tokio::time::Instant::now() >= deadline => {
                tracing::warn!(agents = waiting, "grace period over: some agents were not told of the sign-out");
                return;
            }
            Ok(_) => tokio::time::sleep(FAREWELL_CHECK_EVERY).await,
            Err(_) => return,
        }
    }
}

/// How often the shutdown looks whether the agents have collected their sign-out.
const FAREWELL_CHECK_EVERY: Duration = Duration::from_millis(20);

/// Raises the soft file-descriptor limit to what `max_connections` needs, as far as
/// the hard limit allows; says so when that is not enough.
fn raise_file_limit(max_connections: usize) {
    // The database, its journal, the listener, logs: a margin for what is not a client.
    let wanted = max_connections as u64 + 256;
    match rlimit::increase_nofile_limit(wanted) {
        Ok(limit) if limit < wanted => tracing::warn!(
            limit,
            max_connections,
            "the file-descriptor limit is below what server.max_connections needs: accept fails past it"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not read or raise the file-descriptor limit"),
    }
}

/// The process's own figures for `GET /metrics`.
struct ProcessMetrics {
    connections: Arc<Connections>,
    records: Arc<RecordWriter>,
    audit: Arc<AuditWriter>,
}

impl ccgw_api::HostMetrics for ProcessMetrics {
    fn sample(&self) -> Vec<ccgw_api::HostSample> {
        vec![
            ccgw_api::HostSample {
                name: "ccgw_open_connections",
                help: "Client connections being served now.",
                counter: false,
                value: self.connections.open() as u64,
            },
            ccgw_api::HostSample {
                name: "ccgw_connections_refused_total",
                help: "Connections refused over server.max_connections.",
                counter: true,
                value: self.connections.refused(),
            },
            ccgw_api::HostSample {
                name: "ccgw_call_records_unwritten",
                help: "Call journal entries and records handed to the writer and not in the database yet.",
                counter: false,
                value: self.records.unwritten(),
            },
            ccgw_api::HostSample {
                name: "ccgw_audit_unwritten",
                help: "Audit entries handed to the writer and not in the database yet.",
                counter: false,
                value: self.audit.unwritten(),
            },
            ccgw_api::HostSample {
                name: "ccgw_audit_dropped_total",
                help: "Audit entries dropped because the writer's queue was full.",
                counter: true,
                value: self.audit.dropped(),
            },
        ]
    }
}

/// Records the calls an earlier run left open (it crashed or was killed) with outcome
/// `lost-at-restart`, before any call can arrive.
async fn close_calls_left_open(store: &dyn CallRecordStore, now: ccgw_core::Timestamp) -> anyhow::Result<()> {
    let lost = store.close_open_calls(now).await.context("while recording the calls an earlier run left open")?;
    if !lost.is_empty() {
        tracing::warn!(calls = lost.len(), "calls left open by an earlier run recorded as lost-at-restart");
        for end in &lost {
            tracing::info!(call_id = %end.call.id, outcome = end.outcome.code(), "call ended");
        }
    }
    Ok(())
}

/// Builds the injected switch, or else the one the configuration names, with the
/// channel it reports on. Returns the simulated switch's live control too when that is
/// the switch.
fn build_switch(
    config: &Config,
    injected: Option<SwitchFactory>,
    engine: &ccgw_engine::EngineSettings,
    clock: Arc<dyn Clock>,
    numbers: Arc<CallNumbers>,
    sip: Option<&SipService>,
) -> anyhow::Result<(Telephony, Option<Arc<SimSwitch>>)> {
    let (reports_tx, reports) = ccgw_engine::report_channel();
    if let Some(factory) = injected {
        return Ok((Telephony { switch: factory(reports_tx, numbers), reports }, None));
    }
    match config.switch {
        SwitchKind::Sim => {
            let sim = Arc::new(SimSwitch::numbering(clock, reports_tx, config.sim_settings()?, numbers));
            sim.set_ivr_flows(engine.ivr_flows.clone());
            Ok((Telephony { switch: sim.clone(), reports }, Some(sim)))
        }
        SwitchKind::Sip => {
            let sip = sip.context("the SIP switch needs the SIP listener")?;
            let keepalive = (config.sip.keepalive_secs > 0).then(|| Duration::from_secs(config.sip.keepalive_secs));
            let options = ccgw_sip::SwitchOptions {
                keepalive,
                dtmf_info: config.sip.dtmf_info,
                require_registered_phone: config.sip.require_registered_phone,
            };
            let switch = sip.attach_switch(reports_tx, numbers, trunks(config), options)?;
            Ok((Telephony { switch, reports }, None))
        }
    }
}

/// Where SIP listens: `sip.bind`, else the default address when the SIP switch needs it.
fn sip_bind(config: &Config) -> Option<SocketAddr> {
    match (config.sip.bind, config.switch) {
        (Some(bind), _) => Some(bind),
        (None, SwitchKind::Sip) => crate::config::DEFAULT_SIP_BIND.parse().ok(),
        (None, SwitchKind::Sim) => None,
    }
}

/// The configured trunks; the demo center, when none are, takes calls from this machine.
fn trunks(config: &Config) -> Trunks {
    let mut trunks: Vec<Trunk> = config
        .sip
        .trunks
        .iter()
        .map(|trunk| Trunk { name: trunk.name.clone(), sources: trunk.sources.clone(), dial: trunk.dial })
        .collect();
    if trunks.is_empty() && config.demo {
        let loopback = vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from(std::net::Ipv6Addr::LOCALHOST)];
        trunks.push(Trunk { name: "demo".into(), sources: loopback, dial: None });
    }
    if trunks.is_empty() {
        tracing::warn!("no [[sip.trunks]] configured: every INVITE will be refused");
    }
    Trunks::new(trunks)
}

/// Longest the shutdown waits for call records to reach the database.
const RECORD_DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Picks up skill and route edits made outside this process (the CLI writes the
/// database directly): reloads them every `every` and hands changes to the engine.
async fn refresh_skills(directory: Arc<dyn DirectoryStore>, engine: EngineHandle, every: Duration) {
    let mut known = directory.list_skills(None).await.ok();
    let mut known_routing = load_routing(directory.as_ref()).await.ok();
    loop {
        tokio::time::sleep(every).await;
        match directory.list_skills(None).await {
            Ok(skills) if known.as_ref() != Some(&skills) => {
                if engine.configure_skills(skills.clone()).await.is_err() {
                    return;
                }
                tracing::info!(skills = skills.len(), "skill configuration reloaded");
                known = Some(skills);
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "reloading the skills failed"),
        }
        match load_routing(directory.as_ref()).await {
            Ok(routing) if known_routing.as_ref() != Some(&routing) => {
                if engine.configure_routing(routing.clone()).await.is_err() {
                    return;
                }
                tracing::info!("inbound routes reloaded");
                known_routing = Some(routing);
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "reloading the inbound routes failed"),
        }
    }
}

/// The routing table from the directory: every VDN's access code and every route.
async fn load_routing(directory: &dyn DirectoryStore) -> anyhow::Result<RoutingTable> {
    let vdns = directory.list_vdns().await?;
    let routes = directory.list_routes(None).await?;
    let access_codes = vdns.into_iter().filter_map(|vdn| Some((vdn.vdn, vdn.access_code?.to_string())));
    Ok(RoutingTable::new(access_codes, routes))
}

/// Seeds the demo center into an empty directory. Returns the password to show (when
/// this run chose or set it) or a note why nothing was seeded.
async fn seed_demo(
    config: &Config,
    directory: &dyn DirectoryStore,
    phone_secrets: &dyn PhoneSecretStore,
) -> anyhow::Result<(Option<String>, Option<String>)> {
    if !config.demo {
        return Ok((None, None));
    }
    if !directory.is_empty().await? {
        return Ok((None, Some("directory not empty: demo center not seeded, passwords unchanged".into())));
    }
    let password = config.demo_password.clone().unwrap_or_else(ccgw_store::random_password);
    directory.seed_demo(&password).await.context("while seeding the demo center")?;
    tracing::info!("demo center seeded: VDN 1, skills 1-2, agents 101-120");
    seed_demo_phone_secrets(config, directory, phone_secrets, &password).await?;
    Ok((Some(password), None))
}

/// The demo agents' phones get the demo password as their SIP secret, so that softphones
/// can register as them at once.
async fn seed_demo_phone_secrets(
    config: &Config,
    directory: &dyn DirectoryStore,
    phone_secrets: &dyn PhoneSecretStore,
    password: &str,
) -> anyhow::Result<()> {
    if password.chars().count() < ccgw_store::PHONE_SECRET_MIN_LEN {
        tracing::warn!("the demo password is shorter than a SIP secret may be: the demo phones get no SIP secret");
        return Ok(());
    }
    for agent in directory.list_agents(None).await.context("while listing the demo agents")? {
        phone_secrets
            .set_phone_secret(&agent.phone, &config.sip.realm, password)
            .await
            .context("while setting the demo phones' SIP secrets")?;
    }
    Ok(())
}

async fn start_sip(
    config: &Config,
    bind: SocketAddr,
    phone_secrets: Arc<dyn PhoneSecretStore>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<SipService> {
    let sip = &config.sip;
    let settings = SipSettings {
        bind,
        public_address: sip.public_address,
        realm: sip.realm.clone(),
        nonce_lifetime_secs: sip.nonce_lifetime_secs,
        lifetimes: Lifetimes {
            default: sip.register_default_secs,
            min: sip.register_min_secs,
            max: sip.register_max_secs,
        },
        lock: LockRule {
            failures: sip.lock_failures,
            window_secs: sip.lock_window_secs,
            lock_secs: sip.lock_secs,
            ..LockRule::default()
        },
    };
    let now: ccgw_sip::registrar::Now = Arc::new(move || clock.now().as_unix_seconds());
    Ok(SipService::start(settings, phone_secrets, now).await?)
}
