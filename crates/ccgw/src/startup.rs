//! Building and running the gateway: directory, engine, api, listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::Request;
use ccgw_api::ApiState;
use ccgw_core::RoutingTable;
use ccgw_engine::{Clock, Engine, EngineHandle, ReportSender, SimSwitch, Switch, SystemClock, Telephony};
use ccgw_store::{CallRecordStore, DirectoryStore};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::{Config, SwitchKind};
use crate::data_dir;
use crate::records::RecordWriter;
use crate::secrets::{self, TokenSource};
use crate::tls::{self, TlsSource};

/// Builds a switch around the sender it reports on.
pub type SwitchFactory = Box<dyn FnOnce(ReportSender) -> Arc<dyn Switch> + Send>;

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
    refresh: tokio::task::JoinHandle<()>,
}

/// Longest a client may take to finish the TLS handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

impl App {
    pub async fn build(config: Config, hooks: Hooks) -> anyhow::Result<App> {
        // One SQLite database behind both store seams; the rest of the gateway sees only
        // the traits.
        let database = data_dir::open_database(&config.data_dir).await?;
        let directory: Arc<dyn DirectoryStore> = Arc::new(database.clone());
        let call_records: Arc<dyn CallRecordStore> = Arc::new(database);
        let (demo_password, demo_note) = seed_demo(&config, directory.as_ref()).await?;
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
        let records = RecordWriter::start(call_records.clone());
        let engine_settings = config.engine_settings()?;
        let (telephony, sim) = build_switch(&config, hooks.switch, &engine_settings, clock.clone())?;
        let engine = ccgw_engine::start(engine_settings, clock, skills, records.clone(), telephony);
        let routing = load_routing(directory.as_ref()).await.context("while loading the inbound routes")?;
        engine.handle.configure_routing(routing.clone()).await.context("while starting the engine")?;
        let refresh = tokio::spawn(refresh_skills(directory.clone(), engine.handle.clone(), config.skill_refresh()));
        let state = ApiState::new(
            Arc::new(engine.handle.clone()),
            sim.clone(),
            directory.clone(),
            call_records,
            config.api_settings(admin_token.clone()),
        )
        .await
        .context("while preparing the HTTP layer")?;
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
        };
        Ok(App { listener, acceptor, state, engine, sim, banner, directory, records, refresh })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
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

    /// Accepts connections until `shutdown` completes.
    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()>) {
        accept_until(&self.listener, self.acceptor.clone(), ccgw_api::app(self.state.clone()), shutdown).await;
        tracing::info!("listener closed");
        self.refresh.abort();
        // Calls still live get their outcome now, and the engine stops, so that every
        // record exists before the drain below and none can follow it.
        if let Err(error) = self.engine.handle.shut_down().await {
            tracing::error!(%error, "the engine had stopped before shutdown: live calls may lack a record");
        }
        if !self.records.drain(RECORD_DRAIN_LIMIT).await {
            tracing::error!(unwritten = self.records.unwritten(), "call records still unwritten at shutdown");
        }
    }
}

/// Builds the injected switch, or else the one the configuration names, with the
/// channel it reports on. Returns the simulated switch's live control too when that is
/// the switch.
fn build_switch(
    config: &Config,
    injected: Option<SwitchFactory>,
    engine: &ccgw_engine::EngineSettings,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<(Telephony, Option<Arc<SimSwitch>>)> {
    let (reports_tx, reports) = ccgw_engine::report_channel();
    if let Some(factory) = injected {
        return Ok((Telephony { switch: factory(reports_tx), reports }, None));
    }
    match config.switch {
        SwitchKind::Sim => {
            let sim = Arc::new(SimSwitch::with_settings(clock, reports_tx, config.sim_settings()?));
            sim.set_ivr_flows(engine.ivr_flows.clone());
            Ok((Telephony { switch: sim.clone(), reports }, Some(sim)))
        }
    }
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

/// Accepts connections on `listener` and serves each with `app` until `shutdown`
/// completes (also the accept loop of `ccgw bench`'s baseline responder).
pub(crate) async fn accept_until<S>(
    listener: &TcpListener,
    acceptor: Option<TlsAcceptor>,
    app: S,
    shutdown: impl std::future::Future<Output = ()>,
) where
    S: tower::Service<Request, Response = axum::response::Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                tokio::spawn(serve_connection(stream, acceptor.clone(), app.clone()));
            }
            Err(error) => {
                // Typically out of file descriptors: back off instead of spinning.
                tracing::error!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve_connection<S>(stream: TcpStream, acceptor: Option<TlsAcceptor>, app: S)
where
    S: tower::Service<Request, Response = axum::response::Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let _ = stream.set_nodelay(true);
    // The peer address reaches handlers as `ConnectInfo` (per-address sign-in protection).
    let peer = stream.peer_addr().ok();
    let service = TowerToHyperService::new(app.map_request(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(axum::body::Body::new);
        if let Some(peer) = peer {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        request
    }));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.keep_alive(true).header_read_timeout(Some(Duration::from_secs(30))).timer(hyper_util::rt::TokioTimer::new());
    let outcome = match acceptor {
        Some(acceptor) => match tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => http.serve_connection(TokioIo::new(tls), service).await,
            Ok(Err(error)) => {
                tracing::debug!(%error, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!("TLS handshake timed out");
                return;
            }
        },
        None => http.serve_connection(TokioIo::new(stream), service).await,
    };
    if let Err(error) = outcome {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// Seeds the demo center into an empty directory. Returns the password to show (when
/// this run chose or set it) or a note why nothing was seeded.
async fn seed_demo(
    config: &Config,
    directory: &dyn DirectoryStore,
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
    Ok((Some(password), None))
}
