//! `spawn_app`: the real gateway on 127.0.0.1 with a free port, TLS on, a fresh data
//! dir and a manual clock, plus a client that speaks to it the way Huawei clients do.

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ccgw::config::{Config, IvrFlowConfig, ServerConfig, SignInConfig};
use ccgw::records::RecordWriter;
use ccgw::startup::{App, Hooks, SwitchFactory};
use ccgw_core::Timestamp;
use ccgw_engine::{CallNumbers, Clock, EngineHandle, ManualClock, Switch};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

pub(crate) const PASSWORD: &str = "Demo-pass1";

static CRYPTO: Once = Once::new();

pub(crate) struct TestOpts {
    pub(crate) ring_timeout_ms: u64,
    pub(crate) liveness_ms: u64,
    pub(crate) poll_hold_ms: u64,
    pub(crate) wrap_up_ms: u64,
    pub(crate) auth_mode: &'static str,
    /// Serve plain HTTP instead of HTTPS (`--http`).
    pub(crate) plain_http: bool,
    /// `[[ivr_flows]]`; `None` runs the demo flows, as `serve --demo` does.
    pub(crate) ivr_flows: Option<Vec<IvrFlowConfig>>,
    /// Run with a switch that does nothing instead of the simulated one (no sim routes).
    pub(crate) silent_switch: bool,
    /// `[sign_in]`: lockouts and the password-check gate.
    pub(crate) sign_in: SignInConfig,
    /// `[server]`: connection cap, body limits, shutdown grace (1 s here: a test that
    /// stops the gateway with agents that no longer poll need not wait 10 s).
    pub(crate) server: ServerConfig,
    /// Run on this data dir (an earlier gateway's) instead of a fresh one.
    pub(crate) data_dir: Option<std::path::PathBuf>,
    /// Start the manual clock here instead of at the system time.
    pub(crate) clock_at: Option<Timestamp>,
    /// `engine.agent_requests_per_second` / `engine.agent_request_burst`.
    pub(crate) request_rate: ccgw_core::RequestRate,
    /// `[push]`: off (no allow-list) unless a test sets it.
    pub(crate) push: ccgw::config::PushConfig,
}

impl Default for TestOpts {
    fn default() -> Self {
        Self {
            ring_timeout_ms: 20_000,
            liveness_ms: 120_000,
            poll_hold_ms: 300,
            wrap_up_ms: 0,
            auth_mode: "dynamic",
            plain_http: false,
            ivr_flows: None,
            silent_switch: false,
            sign_in: SignInConfig::default(),
            server: ServerConfig { shutdown_grace_ms: 1_000, ..ServerConfig::default() },
            data_dir: None,
            clock_at: None,
            request_rate: ccgw_core::RequestRate::DEFAULT,
            push: ccgw::config::PushConfig::default(),
        }
    }
}

pub(crate) struct TestApp {
    pub(crate) addr: SocketAddr,
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
    pub(crate) clock: ManualClock,
    pub(crate) admin_token: String,
    engine: EngineHandle,
    records: Arc<RecordWriter>,
    audit: Arc<ccgw::audit::AuditWriter>,
    tls: Arc<tokio_rustls::rustls::ClientConfig>,
    data_dir: std::path::PathBuf,
    /// The fresh data dir, removed with the app; `None` on a dir the test gave.
    _fresh_dir: Option<tempfile::TempDir>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A switch that carries out nothing and reports nothing: the gateway without telephony.
struct SilentSwitch {
    numbers: Arc<CallNumbers>,
}

impl Switch for SilentSwitch {
    fn execute(&self, _action: ccgw_core::SwitchAction) {}

    fn next_call_id(&self) -> ccgw_core::CallId {
        ccgw_core::CallId::compose(0, self.numbers.next())
    }
}

pub(crate) async fn spawn_app(opts: TestOpts) -> TestApp {
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let fresh_dir = match opts.data_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().expect("temp dir")),
    };
    let data_dir = match (&opts.data_dir, &fresh_dir) {
        (Some(given), _) => given.clone(),
        (None, fresh) => fresh.as_ref().expect("a fresh dir").path().to_path_buf(),
    };
    let mut config = Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: data_dir.clone(),
        demo: true,
        demo_password: Some(PASSWORD.into()),
        admin_token: Some("test-admin-token-0123456789".into()),
        ..Config::default()
    };
    config.engine.ring_timeout_ms = opts.ring_timeout_ms;
    config.engine.liveness_ms = opts.liveness_ms;
    config.engine.wrap_up_ms = opts.wrap_up_ms;
    config.engine.auth_mode = opts.auth_mode.into();
    config.engine.agent_requests_per_second = opts.request_rate.per_second;
    config.engine.agent_request_burst = opts.request_rate.burst;
    config.api.poll_hold_ms = opts.poll_hold_ms;
    config.http = opts.plain_http;
    config.ivr_flows = opts.ivr_flows;
    config.sign_in = opts.sign_in;
    config.server = opts.server;
    config.push = opts.push;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let clock = ManualClock::new(opts.clock_at.unwrap_or(Timestamp::from_millis(now)));
    let switch: Option<SwitchFactory> = match opts.silent_switch {
        true => Some(Box::new(|_reports, numbers| Arc::new(SilentSwitch { numbers }) as Arc<dyn Switch>)),
        false => None,
    };
    let hooks = Hooks { clock: Some(Arc::new(clock.clone()) as Arc<dyn Clock>), switch };
    let app = App::build(config, hooks).await.expect("gateway builds");
    let addr = app.local_addr().unwrap();
    // With plain HTTP no certificate is made; the client trusts a throwaway one it never uses.
    let cert = match opts.plain_http {
        false => std::fs::read(ccgw::tls::generated_cert_path(&data_dir)).expect("generated certificate"),
        true => ccgw::tls::load_or_generate(None, None, &data_dir.join("unused")).unwrap().cert_pem,
    };
    let tls = Arc::new(ccgw::tls::client_config_trusting(&cert).expect("client TLS config"));
    let client = reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let admin_token = app.banner.admin_token.clone();
    let (engine, records, audit) = (app.engine(), app.records(), app.audit());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        base: format!("{}://localhost:{}", if opts.plain_http { "http" } else { "https" }, addr.port()),
        client,
        clock,
        admin_token,
        engine,
        records,
        audit,
        tls,
        data_dir,
        _fresh_dir: fresh_dir,
        stop: Some(stop),
        server: Some(server),
    }
}

/// A Huawei-style answer: status, `Set-GUID` value (without `JSESSIONID=`), JSON body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) set_guid: Option<String>,
    /// `Idempotent-Replayed: true`: the answer is a retried command's first one.
    pub(crate) replayed: bool,
    pub(crate) body: Value,
}

impl Answer {
    pub(crate) fn retcode(&self) -> &str {
        self.body["retcode"].as_str().expect("retcode is a JSON string")
    }
}

/// Sends a Huawei request and reads its answer.
pub(crate) async fn answer_of(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request reaches the gateway");
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let content_type = header("content-type").unwrap_or_default();
    let set_guid = header("set-guid").map(|v| v.strip_prefix("JSESSIONID=").expect("JSESSIONID= prefix").to_owned());
    let replayed = header("idempotent-replayed").is_some_and(|v| v == "true");
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("JSON body, got {:?}", String::from_utf8_lossy(&bytes)));
    Answer { status, content_type, set_guid, replayed, body }
}

impl TestApp {
    /// Shuts the gateway down the way `ccgw serve` does on a signal, and waits until it
    /// has finished (records drained).
    pub(crate) async fn shut_down(&mut self) {
        self.begin_shutdown();
        self.stopped().await;
    }

    /// Gives the gateway its stop signal and returns at once (the stop goes on).
    pub(crate) fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Waits until the gateway has stopped.
    pub(crate) async fn stopped(&mut self) {
        if let Some(server) = self.server.take() {
            server.await.expect("the gateway shuts down cleanly");
        }
    }

    /// The gateway's directory database, opened beside the gateway.
    pub(crate) async fn directory(&self) -> ccgw_store::SqliteStore {
        let path = ccgw::data_dir::database_path(&self.data_dir);
        ccgw_store::SqliteStore::open(&path).await.expect("directory opens")
    }

    /// A client whose connections come from `127.0.0.<last>` (every 127/8 address is
    /// loopback on Linux), for what the gateway counts per source address.
    pub(crate) fn client_from(&self, last: u8) -> reqwest::Client {
        reqwest::Client::builder()
            .use_preconfigured_tls((*self.tls).clone())
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .resolve("localhost", self.addr)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/agentgateway/resource/{path}", self.base)
    }

    pub(crate) async fn call(&self, method: &str, path: &str, guid: Option<&str>, body: Option<Value>) -> Answer {
        answer_of(self.request(method, path, guid, body)).await
    }

    /// A Huawei request as clients send it: the `Guid` header and a JSON body, if any.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        guid: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(guid) = guid {
            request = request.header("Guid", guid);
        }
        if let Some(body) = body {
            request = request.header("Content-Type", "application/json; charset=UTF-8").body(body.to_string());
        }
        request
    }

    /// Signs an agent in (idle, manual answer unless told otherwise) and returns its Guid.
    pub(crate) async fn sign_in(&self, work_no: u32, extra: Value) -> String {
        let mut body =
            json!({"password": PASSWORD, "phonenum": format!("70{work_no}"), "status": "4", "autoanswer": "false"});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (key, value) in extra {
                body.insert(key.clone(), value.clone());
            }
        }
        let answer = self.call("PUT", &format!("onlineagent/{work_no}"), None, Some(body)).await;
        assert_eq!(answer.retcode(), "0", "sign-in of {work_no}: {}", answer.body);
        answer.set_guid.expect("Set-GUID on sign-in")
    }

    /// Signs an agent in and takes its two sign-in events (`InService`, `Ready`).
    pub(crate) async fn idle_agent(&self, work_no: u32, extra: Value) -> String {
        let guid = self.sign_in(work_no, extra).await;
        self.events(work_no, &guid, 2).await;
        guid
    }

    pub(crate) async fn poll(&self, work_no: u32, guid: &str) -> Answer {
        self.call("GET", &format!("agentevent/{work_no}"), Some(guid), None).await
    }

    /// Polls until `count` events arrived; panics on an empty poll or an error.
    pub(crate) async fn events(&self, work_no: u32, guid: &str, count: usize) -> Vec<Value> {
        let mut events = Vec::new();
        while events.len() < count {
            let answer = self.poll(work_no, guid).await;
            assert_eq!(answer.retcode(), "0", "poll of {work_no}: {}", answer.body);
            let event = answer.body.get("event").cloned().unwrap_or_else(|| {
                panic!("expected {count} events for {work_no}, got {} then an empty poll: {events:?}", events.len())
            });
            assert_eq!(event["workNo"], json!(work_no.to_string()));
            events.push(event);
        }
        events
    }

    pub(crate) async fn event_types(&self, work_no: u32, guid: &str, count: usize) -> Vec<String> {
        self.events(work_no, guid, count).await.iter().map(|e| e["eventType"].as_str().unwrap().to_owned()).collect()
    }

    /// Asserts that the next poll is empty.
    pub(crate) async fn assert_no_event(&self, work_no: u32, guid: &str) {
        let answer = self.poll(work_no, guid).await;
        assert_eq!(answer.body, json!({"message": "", "retcode": "0"}), "expected no event for {work_no}");
    }

    pub(crate) async fn place_call(&self, skill: u32) -> String {
        self.place_call_with(json!({"caller": "13800000000", "skill": skill})).await
    }

    /// Places a simulated call described by a `/ccgw/v1/sim/calls` body.
    pub(crate) async fn place_call_with(&self, body: Value) -> String {
        let (status, body) = self.admin("POST", "sim/calls", Some(body)).await;
        assert_eq!(status, 201, "{body}");
        body["callid"].as_str().unwrap().to_owned()
    }

    /// A `/ccgw/v1` request with the admin token: status and JSON body.
    pub(crate) async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request =
            self.client.request(method, format!("{}/ccgw/v1/{path}", self.base)).bearer_auth(&self.admin_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    pub(crate) async fn hang_up(&self, callid: &str) -> u16 {
        let response = self
            .client
            .delete(format!("{}/ccgw/v1/sim/calls/{callid}", self.base))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }

    /// Moves the clock and has the engine act on it (switch outcomes and timers due
    /// by then) before returning.
    pub(crate) async fn advance(&self, span: Duration) {
        self.clock.advance(span);
        self.settle().await;
    }

    /// Returns once the engine has done everything due at the clock's now.
    pub(crate) async fn settle(&self) {
        self.engine.settle().await.expect("the engine runs");
    }

    /// Returns once every call that has ended so far is in the records table.
    pub(crate) async fn flush_records(&self) {
        self.settle().await;
        assert!(self.records.flush().await, "the record writer runs");
    }

    /// `GET /ccgw/v1/records[?query]` once every ended call is written.
    pub(crate) async fn records(&self, query: &str) -> Value {
        self.flush_records().await;
        let (status, records) = self.admin("GET", &format!("records{query}"), None).await;
        assert_eq!(status, 200, "{records}");
        records
    }

    /// `GET /ccgw/v1/audit[?query]` once every entry so far is written.
    pub(crate) async fn audit_trail(&self, query: &str) -> Value {
        self.settle().await;
        assert!(self.audit.flush().await, "the audit writer runs");
        let (status, trail) = self.admin("GET", &format!("audit{query}"), None).await;
        assert_eq!(status, 200, "{trail}");
        trail
    }

    /// Sends raw bytes over TLS and returns the whole raw response.
    /// A TLS connector that trusts this server's certificate.
    pub(crate) fn tls_connector(&self) -> TlsConnector {
        TlsConnector::from(self.tls.clone())
    }

    pub(crate) async fn raw(&self, request: &str) -> Vec<u8> {
        let connector = self.tls_connector();
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), stream).await.unwrap();
        tls.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        // Requests carry `Connection: close`, so the server ends the stream after answering.
        let _ = tokio::time::timeout(Duration::from_secs(20), tls.read_to_end(&mut response)).await;
        response
    }
}

impl TestApp {
    /// Sends raw bytes over TLS and closes the connection without reading an answer (a
    /// client that goes away mid-request).
    pub(crate) async fn send_and_hang_up(&self, request: &str) {
        let connector = TlsConnector::from(self.tls.clone());
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), stream).await.unwrap();
        tls.write_all(request.as_bytes()).await.unwrap();
        tls.flush().await.unwrap();
    }
}

/// Splits a raw HTTP/1.1 response into head and body.
pub(crate) fn split_response(raw: &[u8]) -> (String, Vec<u8>) {
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    (String::from_utf8_lossy(&raw[..at + 2]).into_owned(), raw[at + 4..].to_vec())
}

/// A gateway started on a data dir the test prepared itself (TLS on, system clock),
/// for tests that need a directory the demo seed does not give.
pub(crate) struct PreparedApp {
    /// `https://localhost:<port>`.
    pub(crate) origin: String,
    pub(crate) client: reqwest::Client,
}

pub(crate) async fn start_prepared(data_dir: &std::path::Path, admin_token: &str, demo: bool) -> PreparedApp {
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let config = Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: data_dir.to_path_buf(),
        demo,
        demo_password: demo.then(|| PASSWORD.into()),
        admin_token: Some(admin_token.into()),
        ..Config::default()
    };
    let app = App::build(config, Hooks::default()).await.expect("gateway builds");
    let port = app.local_addr().expect("bound").port();
    let cert = std::fs::read(ccgw::tls::generated_cert_path(data_dir)).expect("generated certificate");
    let tls = ccgw::tls::client_config_trusting(&cert).expect("client TLS config");
    let client = reqwest::Client::builder().use_preconfigured_tls(tls).build().expect("client");
    tokio::spawn(app.run_until(std::future::pending()));
    PreparedApp { origin: format!("https://localhost:{port}"), client }
}

/// Agent 101 (manual answer) signs in and answers a customer of skill 1: its Guid and
/// the call id, every event so far taken.
pub(crate) async fn customer_with_101(app: &TestApp) -> (String, String) {
    let guid = app.idle_agent(101, json!({})).await;
    let customer = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(retcode(app, "PUT", "voicecall/101/answer", &guid, None).await, "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    (guid, customer)
}

/// What a manual-answer agent hears when a call is offered to it, in order.
pub(crate) const OFFERED: [&str; 5] = [
    "AgentEvent_Incoming_CallInfo",
    "AgentState_Busy",
    "AgentOther_PhoneAlerting",
    "AgentOther_PhoneOffhook",
    "AgentEvent_Ringing",
];

/// What an agent hears when it leaves its only call and becomes idle again.
pub(crate) const LEFT_CALL: [&str; 3] = ["AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"];

/// The `eventType` of each event, in order.
pub(crate) fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["eventType"].as_str().unwrap()).collect()
}

/// The retcode of one agent request, which must answer HTTP 200 whatever it refuses.
pub(crate) async fn retcode(app: &TestApp, method: &str, path: &str, guid: &str, body: Option<Value>) -> String {
    let answer = app.call(method, path, Some(guid), body).await;
    assert_eq!(answer.status, 200, "{method} {path}: {}", answer.body);
    answer.retcode().to_owned()
}

/// The record of a finished call, read once every ended call is written.
pub(crate) async fn record_of(app: &TestApp, callid: &str) -> Value {
    let records = app.records("").await;
    let found = records["records"].as_array().and_then(|all| all.iter().find(|r| r["callid"] == json!(callid)));
    found.unwrap_or_else(|| panic!("call {callid} was never recorded: {records}")).clone()
}

/// The live calls of the simulated switch, each as its id and `party:state` list.
pub(crate) async fn sim_calls(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let (status, calls) = app.admin("GET", "sim/calls", None).await;
    assert_eq!(status, 200, "{calls}");
    calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| {
            let parties = call["parties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| format!("{}:{}", p["party"].as_str().unwrap(), p["state"].as_str().unwrap()))
                .collect();
            (call["callid"].as_str().unwrap().to_owned(), parties)
        })
        .collect()
}
