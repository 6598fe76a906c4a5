//! The baseline of `ccgw bench --baseline`: a bare responder on the same HTTP/1.1 + TLS
//! layer as `ccgw serve` (the same accept loop, hyper settings and rustls configuration)
//! with the same 10 s long-poll hold, answering with canned Huawei-shaped bodies.
//!
//! Behind the canned answers it keeps only what the bench's clients need in order to send
//! the same request mix as against ccgw: a mailbox per agent, a first-come queue of idle
//! agents, the live calls and a list of finished ones. No directory, no password check
//! (a sign-in is accepted as is), no engine, no records in SQLite: the difference between
//! the two runs' CPU per request is what ccgw's own work costs.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use clap::Args;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

#[derive(Debug, Clone, Args)]
pub struct ResponderArgs {
    /// Address to listen on (loopback).
    #[arg(long)]
    pub bind: SocketAddr,
    /// Bearer token the simulated-switch paths require.
    #[arg(long)]
    pub admin_token: String,
    /// How long an event poll waits for an event before answering empty.
    #[arg(long, default_value_t = 10_000)]
    pub poll_hold_ms: u64,
}

/// Serves until killed, through the gateway's own accept loop. The TLS certificate is the one `ccgw serve` would use in `data_dir`.
pub async fn serve(args: ResponderArgs, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let material = crate::tls::load_or_generate(None, None, data_dir)?;
    let acceptor = TlsAcceptor::from(crate::tls::server_config(&material)?);
    let listener = TcpListener::bind(args.bind).await.with_context(|| format!("binding {}", args.bind))?;
    let world = Arc::new(World {
        admin: format!("Bearer {}", args.admin_token),
        hold: Duration::from_millis(args.poll_hold_ms),
        state: Mutex::new(State::default()),
    });
    let service = tower::service_fn(move |request: Request| {
        let world = world.clone();
        async move { Ok::<_, std::convert::Infallible>(world.handle(request).await) }
    });
    let connections = crate::listener::Connections::new(crate::listener::ConnectionLimits::default());
    crate::listener::accept_until(listener, Some(acceptor), service, connections, std::future::pending()).await;
    Ok(())
}

struct World {
    admin: String,
    hold: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    agents: HashMap<u32, Mailbox>,
    idle: VecDeque<u32>,
    waiting: VecDeque<String>,
    calls: HashMap<String, LiveCall>,
    finished: Vec<Value>,
    next_call: u64,
}

struct Mailbox {
    guid: String,
    events: VecDeque<String>,
    wake: Arc<Notify>,
    call: Option<String>,
}

struct LiveCall {
    caller: String,
    agent: Option<u32>,
    arrived_ms: u64,
    answered_ms: Option<u64>,
}

const OK: &str = r#"{"message":"success","retcode":"0","result":{}}"#;
const EMPTY_POLL: &str = r#"{"message":"","retcode":"0"}"#;

fn now_ms() -> u64 {
    super::agent::Moment::now().wall_ms
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json;charset=UTF-8"));
    response
}

fn huawei(body: impl Into<String>) -> Response {
    json_response(StatusCode::OK, body.into())
}

fn retcode(code: &str) -> Response {
    huawei(format!(r#"{{"message":"","retcode":"{code}"}}"#))
}

fn event(kind: &str, work_no: u32, content: &str) -> String {
    format!(
        r#"{{"message":"","retcode":"0","event":{{"eventType":"{kind}","eventGenTime":{},"workNo":"{work_no}","content":{content}}}}}"#,
        now_ms()
    )
}

impl State {
    fn push(&mut self, work_no: u32, events: &[(&str, String)]) {
        if let Some(mailbox) = self.agents.get_mut(&work_no) {
            for (kind, content) in events {
                mailbox.events.push_back(event(kind, work_no, content));
            }
            mailbox.wake.notify_one();
        }
    }

    /// Offers waiting calls to idle agents, first come first served on both sides.
    fn distribute(&mut self) {
        while !self.waiting.is_empty() && !self.idle.is_empty() {
            let (Some(callid), Some(agent)) = (self.waiting.pop_front(), self.idle.pop_front()) else { return };
            let Some(call) = self.calls.get_mut(&callid) else { continue };
            call.agent = Some(agent);
            let caller = call.caller.clone();
            if let Some(mailbox) = self.agents.get_mut(&agent) {
                mailbox.call = Some(callid.clone());
            }
            self.push(
                agent,
                &[
                    ("AgentEvent_Incoming_CallInfo", format!(
                        r#"{{"callId":"{callid}","skillName":"Bench","skillId":1,"caller":"{caller}","called":"4000","lastReleaseAgentId":65535,"mediaType":5,"releaseAndReQueueCount":0,"releaseAndReQueueCallFlag":0}}"#
                    )),
                    ("AgentState_Busy", "null".into()),
                    ("AgentOther_PhoneAlerting", "null".into()),
                    ("AgentOther_PhoneOffhook", r#"{"type":"main"}"#.into()),
                    ("AgentEvent_Ringing", format!(
                        r#"{{"caller":"{caller}","transfer":"no","callid":"{callid}","transfrom":"","called":"4000","type":"main","mediaType":"5","mediaAbility":"1","feature":"0"}}"#
                    )),
                ],
            );
        }
    }

    /// Ends a call; the agent (if any) goes idle and may get the next waiting call.
    fn end(&mut self, callid: &str, by_agent: bool) {
        let Some(call) = self.calls.remove(callid) else { return };
        self.waiting.retain(|waiting| waiting != callid);
        let id = self.finished.len() + 1;
        self.finished.push(json!({
            "id": id, "callid": callid, "arrivedAt": call.arrived_ms, "answeredAt": call.answered_ms, "endedAt": now_ms()
        }));
        let Some(agent) = call.agent else { return };
        let released = format!(r#""{callid}""#);
        let customer = format!(r#"{{"callid":"{callid}","number":"{}"}}"#, call.caller);
        let mut events = vec![
            ("AgentEvent_Call_Release", released),
            ("AgentEvent_Customer_Release", customer),
            ("AgentOther_PhoneRelease", r#"{"phoneState":2}"#.to_owned()),
            ("AgentState_Ready", "null".to_owned()),
        ];
        if !by_agent {
            events.swap(0, 1);
        }
        self.push(agent, &events);
        if let Some(mailbox) = self.agents.get_mut(&agent) {
            mailbox.call = None;
        }
        self.idle.push_back(agent);
        self.distribute();
    }
}

impl World {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn handle(&self, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        if let Some(rest) = path.strip_prefix("/agentgateway/resource/") {
            let guid = request.headers().get("guid").and_then(|value| value.to_str().ok()).map(str::to_owned);
            return self.agent_request(&method, rest, guid.as_deref()).await;
        }
        if path == "/ccgw/v1/health" {
            return json_response(StatusCode::OK, r#"{"status":"ok"}"#.into());
        }
        let authorized =
            request.headers().get("authorization").and_then(|value| value.to_str().ok()) == Some(self.admin.as_str());
        if !authorized {
            return json_response(StatusCode::UNAUTHORIZED, r#"{"error":"unauthorized"}"#.into());
        }
        let query = request.uri().query().unwrap_or_default().to_owned();
        let body = axum::body::to_bytes(request.into_body(), 64 * 1024).await.unwrap_or_default();
        self.admin_request(&method, &path, &query, &body)
    }

    async fn agent_request(&self, method: &Method, rest: &str, guid: Option<&str>) -> Response {
        let mut parts = rest.split('/');
        let (group, work_no, action) = (parts.next(), parts.next(), parts.next());
        let Some(work_no) = work_no.and_then(|text| text.parse::<u32>().ok()) else {
            return retcode("000-002");
        };
        if (group, action) == (Some("onlineagent"), Some("forcelogin")) && *method == Method::PUT {
            return self.sign_in(work_no);
        }
        let authorized = {
            let state = self.lock();
            state.agents.get(&work_no).is_some_and(|mailbox| Some(mailbox.guid.as_str()) == guid)
        };
        if !authorized {
            return retcode("000-003");
        }
        match (group, action) {
            (Some("agentevent"), None) => self.poll(work_no).await,
            (Some("voicecall"), Some("answer")) => self.answer(work_no),
            (Some("voicecall"), Some("release")) => self.release(work_no),
            _ => retcode("000-002"),
        }
    }

    fn sign_in(&self, work_no: u32) -> Response {
        let guid = format!("{:032x}.AgentGateway1", rand::random::<u128>());
        let mut state = self.lock();
        let mailbox =
            Mailbox { guid: guid.clone(), events: VecDeque::new(), wake: Arc::new(Notify::new()), call: None };
        if state.agents.insert(work_no, mailbox).is_none() {
            state.idle.push_back(work_no);
        }
        state.push(work_no, &[("AgentOther_InService", "null".into()), ("AgentState_Ready", "null".into())]);
        state.distribute();
        drop(state);
        let mut response = huawei(format!(
            r#"{{"message":"","retcode":"0","result":{{"vdnid":1,"workno":"{work_no}","mediatype":"TFF","loginTime":"{}","isForceChange":"false","serverName":"ccgw","timeRemaining":""}}}}"#,
            now_ms()
        ));
        if let Ok(value) = http::HeaderValue::from_str(&format!("JSESSIONID={guid}")) {
            response.headers_mut().insert("set-guid", value);
        }
        response
    }

    async fn poll(&self, work_no: u32) -> Response {
        let deadline = Instant::now() + self.hold;
        loop {
            let wake = {
                let mut state = self.lock();
                let Some(mailbox) = state.agents.get_mut(&work_no) else { return retcode("000-003") };
                if let Some(event) = mailbox.events.pop_front() {
                    return huawei(event);
                }
                mailbox.wake.clone()
            };
            if tokio::time::timeout_at(deadline, wake.notified()).await.is_err() {
                return huawei(EMPTY_POLL);
            }
        }
    }

    fn answer(&self, work_no: u32) -> Response {
        let mut state = self.lock();
        let Some(callid) = state.agents.get(&work_no).and_then(|mailbox| mailbox.call.clone()) else {
            return retcode("200-002");
        };
        let Some(call) = state.calls.get_mut(&callid) else { return retcode("200-002") };
        if call.answered_ms.is_some() {
            return retcode("200-002");
        }
        call.answered_ms = Some(now_ms());
        let caller = call.caller.clone();
        state.push(
            work_no,
            &[
                (
                    "AgentEvent_Customer_Alerting",
                    format!(r#"{{"callid":"{callid}","otherPhoneWorkno":"","otherPhone":"{caller}","type":"main"}}"#),
                ),
                (
                    "AgentEvent_Talking",
                    format!(
                        r#"{{"caller":"{caller}","callid":"{callid}","called":"4000","feature":"0","type":"main","mediaAbility":"1"}}"#
                    ),
                ),
            ],
        );
        huawei(OK)
    }

    fn release(&self, work_no: u32) -> Response {
        let mut state = self.lock();
        let Some(callid) = state.agents.get(&work_no).and_then(|mailbox| mailbox.call.clone()) else {
            return retcode("200-017");
        };
        state.end(&callid, true);
        huawei(OK)
    }

    fn admin_request(&self, method: &Method, path: &str, query: &str, body: &[u8]) -> Response {
        match (method.clone(), path) {
            (Method::POST, "/ccgw/v1/sim/calls") => {
                let request: Value = serde_json::from_slice(body).unwrap_or_default();
                let caller = request["caller"].as_str().unwrap_or("unknown").to_owned();
                let mut state = self.lock();
                state.next_call += 1;
                let callid = format!("{}-{}", now_ms() / 1000, state.next_call);
                state
                    .calls
                    .insert(callid.clone(), LiveCall { caller, agent: None, arrived_ms: now_ms(), answered_ms: None });
                state.waiting.push_back(callid.clone());
                state.distribute();
                json_response(StatusCode::CREATED, json!({ "callid": callid }).to_string())
            }
            (Method::GET, "/ccgw/v1/sim/calls") => {
                let state = self.lock();
                let calls: Vec<Value> = state.calls.keys().map(|callid| json!({ "callid": callid })).collect();
                json_response(StatusCode::OK, json!({ "calls": calls }).to_string())
            }
            (Method::DELETE, _) if path.starts_with("/ccgw/v1/sim/calls/") => {
                let callid = &path["/ccgw/v1/sim/calls/".len()..];
                let mut state = self.lock();
                if !state.calls.contains_key(callid) {
                    return json_response(StatusCode::NOT_FOUND, r#"{"error":"no such call"}"#.into());
                }
                state.end(callid, false);
                json_response(StatusCode::OK, "{}".into())
            }
            (Method::GET, "/ccgw/v1/records") => {
                let number = |key: &str| {
                    query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')?.parse::<usize>().ok())
                };
                let (limit, offset) = (number("limit").unwrap_or(100), number("offset").unwrap_or(0));
                let state = self.lock();
                let page: Vec<&Value> = state.finished.iter().skip(offset).take(limit).collect();
                json_response(StatusCode::OK, json!({ "records": page, "total": state.finished.len() }).to_string())
            }
            _ => json_response(StatusCode::NOT_FOUND, r#"{"error":"no such resource"}"#.into()),
        }
    }
}
