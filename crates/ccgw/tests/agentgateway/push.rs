//! Push mode (spec 01 §11): events POSTed to an allow-listed HTTPS receiver on
//! 127.0.0.1, retried on the manual clock, and the agent signed out past the failure window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::helpers::{TestApp, TestOpts, answer_of, spawn_app};

const PATH: &str = "/service-cloud/rest/cc-ai/v1/agentevent/pushresult";
const TOKEN: &str = "svc-Token_1";
/// How long a test waits for the receiver to be called before it fails.
const RECEIVE_LIMIT: Duration = Duration::from_secs(10);

/// One callback as the receiver got it, and whether it accepted it.
struct Received {
    headers: http::HeaderMap,
    body: Value,
    accepted: bool,
}

impl Received {
    fn event_types(&self) -> Vec<String> {
        let list = self.body["eventList"].as_array().expect("eventList");
        list.iter().map(|event| event["eventType"].as_str().unwrap().to_owned()).collect()
    }
}

/// An HTTPS receiver on 127.0.0.1 with a self-signed certificate; answers the documented
/// success, or HTTP 503 while told to fail.
struct Receiver {
    url: String,
    ca_file: std::path::PathBuf,
    failing: Arc<AtomicBool>,
    received: mpsc::UnboundedReceiver<Received>,
    _dir: tempfile::TempDir,
}

impl Receiver {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let material = ccgw::tls::load_or_generate(None, None, dir.path()).unwrap();
        let ca_file = dir.path().join("receiver-ca.pem");
        std::fs::write(&ca_file, &material.cert_pem).unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(ccgw::tls::server_config(&material).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://127.0.0.1:{}{PATH}", listener.local_addr().unwrap().port());
        let failing = Arc::new(AtomicBool::new(false));
        let (sender, received) = mpsc::unbounded_channel();
        let fail = failing.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, sender, fail) = (acceptor.clone(), sender.clone(), fail.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let (sender, fail) = (sender.clone(), fail.clone());
                        async move {
                            let headers = request.headers().clone();
                            let bytes =
                                request.into_body().collect().await.map(|body| body.to_bytes()).unwrap_or_default();
                            let accepted = !fail.load(Ordering::SeqCst);
                            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                            let _ = sender.send(Received { headers, body, accepted });
                            let (status, answer) = match accepted {
                                true => (200, r#"{"message":"success","retcode":"0"}"#),
                                false => (503, r#"{"message":"down","retcode":"1"}"#),
                            };
                            let response = hyper::Response::builder()
                                .status(status)
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from_static(answer.as_bytes())))
                                .unwrap();
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ =
                        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
                });
            }
        });
        Self { url, ca_file, failing, received, _dir: dir }
    }

    fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    async fn next(&mut self) -> Received {
        tokio::time::timeout(RECEIVE_LIMIT, self.received.recv()).await.expect("a callback in time").unwrap()
    }

    /// Accepted callbacks until `count` events arrived: their event types, in order.
    async fn accepted_events(&mut self, count: usize) -> Vec<String> {
        let mut types = Vec::new();
        while types.len() < count {
            let received = self.next().await;
            if received.accepted {
                types.extend(received.event_types());
            }
        }
        types
    }

    fn push_config(&self) -> ccgw::config::PushConfig {
        ccgw::config::PushConfig {
            callback_allow_list: format!("https://127.0.0.1:1/elsewhere;{}", self.url),
            ca_file: Some(self.ca_file.clone()),
            ..ccgw::config::PushConfig::default()
        }
    }

    fn sign_in_body(&self) -> Value {
        json!({"callBackUri": format!("{}?token=abc", self.url), "serviceToken": TOKEN})
    }
}

async fn app_with(receiver: &Receiver, auth_mode: &'static str) -> TestApp {
    spawn_app(TestOpts { push: receiver.push_config(), auth_mode, ..TestOpts::default() }).await
}

/// Agent 101 signed in for push to a receiver that failed its first callback: the
/// receiver, the gateway and the Guid.
async fn signed_in_to_a_failing_receiver(auth_mode: &'static str) -> (Receiver, TestApp, String) {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, auth_mode).await;
    receiver.fail(true);
    let guid = app.sign_in(101, receiver.sign_in_body()).await;
    assert!(!receiver.next().await.accepted);
    (receiver, app, guid)
}

async fn say_busy(app: &TestApp, guid: &str) {
    assert_eq!(app.call("POST", "onlineagent/101/saybusy", Some(guid), None).await.retcode(), "0");
}

#[tokio::test]
async fn events_are_pushed_in_order_as_work_no_and_event_list_with_the_documented_headers() {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, "dynamic").await;
    let guid = app.sign_in(101, receiver.sign_in_body()).await;
    let first = receiver.next().await;
    assert_eq!(first.headers["content-type"], "application/json; charset=UTF-8");
    assert_eq!(first.headers["guid"], guid.as_str());
    assert_eq!(first.headers["service_token"], TOKEN);
    assert_eq!(first.body["workNo"], json!("101"));
    let event = &first.body["eventList"][0];
    assert_eq!(event["eventType"], json!("AgentOther_InService"));
    assert_eq!(event["workNo"], json!("101"));
    assert!(event["eventGenTime"].is_u64(), "as a poll answer carries it: {event}");
    let mut types = first.event_types();
    types.extend(receiver.accepted_events(2 - types.len()).await);
    assert_eq!(types, ["AgentOther_InService", "AgentState_Ready"]);
    say_busy(&app, &guid).await;
    assert_eq!(receiver.accepted_events(1).await, ["AgentState_SetNotReady_Success"]);
}

#[tokio::test]
async fn a_receiver_down_within_the_failure_window_gets_every_event_once_in_order() {
    let (mut receiver, app, guid) = signed_in_to_a_failing_receiver("dynamic").await;
    say_busy(&app, &guid).await;
    app.advance(Duration::from_secs(10)).await;
    assert!(!receiver.next().await.accepted, "the retry after 10 s fails too");
    receiver.fail(false);
    app.advance(Duration::from_secs(10)).await;
    let types = receiver.accepted_events(3).await;
    assert_eq!(types, ["AgentOther_InService", "AgentState_Ready", "AgentState_SetNotReady_Success"]);
    // One success reset the failure time; what follows comes once, after what came.
    let idle = app.call("POST", "onlineagent/101/cancelbusy", Some(&guid), None).await;
    assert_eq!(idle.retcode(), "0");
    assert_eq!(receiver.accepted_events(2).await, ["AgentState_CancelNotReady_Success", "AgentState_Ready"]);
}

#[tokio::test]
async fn a_receiver_down_past_the_failure_window_gets_its_agent_signed_out() {
    // Static Guids: only the push failure (not Guid expiry or silence) is under test.
    let (mut receiver, app, guid) = signed_in_to_a_failing_receiver("static").await;
    // One attempt every 10 s; the one 120 s after the first failure is still within the window.
    for _ in 0..12 {
        app.advance(Duration::from_secs(10)).await;
        assert!(!receiver.next().await.accepted);
        // The handshake keeps the push session alive: liveness is not what ends it.
        assert_eq!(app.call("PUT", "onlineagent/101/heartbeat", Some(&guid), None).await.retcode(), "0");
    }
    assert_eq!(app.agent(101, &guid).status().await.retcode(), "0", "120 s of failures are within the window");
    app.advance(Duration::from_secs(10)).await;
    assert!(!receiver.next().await.accepted, "the attempt 130 s after the first failure fails");
    // The deliverer signs the agent out: the log shows its farewell.
    next_event_of_type(&app, "AgentOther_ShutdownService").await;
    assert_eq!(app.agent(101, &guid).status().await.retcode(), "100-006");
}

/// Waits (long polls of the extension API's event reader, no sleeps) until agent 101's
/// log holds an event of `event_type`, and returns it.
async fn next_event_of_type(app: &TestApp, event_type: &str) -> Value {
    let mut after = 0;
    let deadline = tokio::time::Instant::now() + RECEIVE_LIMIT;
    while tokio::time::Instant::now() < deadline {
        let (status, page) = app.admin("GET", &format!("agents/101/events?after={after}&wait=5"), None).await;
        assert_eq!(status, 200, "{page}");
        if let Some(found) = page["events"].as_array().unwrap().iter().find(|e| e["eventType"] == json!(event_type)) {
            return found.clone();
        }
        after = page["last"].as_u64().unwrap();
    }
    panic!("no {event_type} in agent 101's log");
}

#[tokio::test]
async fn signing_in_again_while_the_receiver_is_down_loses_nothing_of_the_old_session() {
    let (mut receiver, app, _old) = signed_in_to_a_failing_receiver("dynamic").await;
    // A client restart: forcelogin while the first session's events wait for the receiver.
    let body = json!({"password": crate::helpers::PASSWORD, "phonenum": "70101", "status": "4"});
    let mut body = body.as_object().unwrap().clone();
    body.extend(receiver.sign_in_body().as_object().unwrap().clone());
    let again = app.call("PUT", "onlineagent/101/forcelogin", None, Some(Value::Object(body))).await;
    assert_eq!(again.retcode(), "0", "{}", again.body);
    receiver.fail(false);
    app.advance(Duration::from_secs(10)).await;
    // The old session's events, its farewell last, then the new session's.
    let types = receiver.accepted_events(5).await;
    assert_eq!(
        types,
        [
            "AgentOther_InService",
            "AgentState_Ready",
            "AgentOther_ShutdownService",
            "AgentOther_InService",
            "AgentState_Ready"
        ]
    );
}

#[tokio::test]
async fn a_push_sign_in_is_refused_outside_the_allow_list_or_without_one() {
    let receiver = Receiver::start().await;
    let app = app_with(&receiver, "dynamic").await;
    let elsewhere = receiver.url.replace(PATH, "/other");
    for (body, why) in [
        (json!({"callBackUri": elsewhere, "serviceToken": TOKEN}), "path not listed"),
        (json!({"callBackUri": receiver.url.replace("https", "http"), "serviceToken": TOKEN}), "plain http"),
        (json!({"callBackUri": receiver.url, "serviceToken": "a token!"}), "special characters in the token"),
        (json!({"callBackUri": receiver.url, "serviceToken": "x".repeat(51)}), "token too long"),
    ] {
        let answer = sign_in_answer(&app, body).await;
        assert_eq!((answer.status, answer.retcode()), (200, "100-001"), "{why}: {}", answer.body);
    }
    let without_list = spawn_app(TestOpts::default()).await;
    let answer = sign_in_answer(&without_list, receiver.sign_in_body()).await;
    assert_eq!(answer.retcode(), "100-001", "no allow-list, no push: {}", answer.body);
}

async fn sign_in_answer(app: &TestApp, extra: Value) -> crate::helpers::Answer {
    let mut body = json!({"password": crate::helpers::PASSWORD, "phonenum": "70101", "status": "4"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.call("PUT", "onlineagent/101", None, Some(body)).await
}

#[tokio::test]
async fn a_push_sign_in_that_polls_is_told_the_wrong_method() {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, "dynamic").await;
    let guid = app.sign_in(101, receiver.sign_in_body()).await;
    assert_eq!(app.poll(101, &guid).await.retcode(), "000-001");
    // The poll took nothing: every event still reaches the receiver.
    assert_eq!(receiver.accepted_events(2).await, ["AgentOther_InService", "AgentState_Ready"]);
}

#[tokio::test]
async fn a_signed_out_push_session_sends_its_farewell_and_then_nothing_more() {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, "dynamic").await;
    let guid = app.sign_in(101, receiver.sign_in_body()).await;
    receiver.accepted_events(2).await;
    assert_eq!(app.call("DELETE", "onlineagent/101/forcelogout", Some(&guid), None).await.retcode(), "0");
    assert_eq!(receiver.accepted_events(1).await, ["AgentOther_ShutdownService"]);
    // The next callback is the next sign-in's first: the ended session's deliverer sent
    // nothing in between, and no second deliverer runs beside the new one.
    app.sign_in(101, receiver.sign_in_body()).await;
    assert_eq!(receiver.accepted_events(2).await, ["AgentOther_InService", "AgentState_Ready"]);
}

#[tokio::test]
async fn a_push_url_client_gets_one_poll_answer_per_callback() {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, "dynamic").await;
    let guid = app.sign_in(101, json!({"pushUrl": receiver.url})).await;
    for expected in ["AgentOther_InService", "AgentState_Ready"] {
        let callback = receiver.next().await;
        assert!(callback.accepted);
        assert_eq!(callback.body["retcode"], json!("0"), "a poll answer: {}", callback.body);
        assert_eq!(callback.body["event"]["eventType"], json!(expected));
        assert_eq!(callback.body["event"]["workNo"], json!("101"));
        assert_eq!(callback.headers["guid"], guid.as_str());
        assert!(!callback.headers.contains_key("service_token"), "no token was given");
    }
    assert_eq!(app.poll(101, &guid).await.retcode(), "000-001", "a push session does not poll");
}

#[tokio::test]
async fn a_push_url_is_ignored_where_push_is_off_and_refused_off_the_allow_list() {
    let receiver = Receiver::start().await;
    // Push off: some clients send pushUrl without wanting push; that sign-in polls.
    let plain = spawn_app(TestOpts::default()).await;
    let guid = plain.sign_in(101, json!({"pushUrl": receiver.url})).await;
    assert_eq!(plain.poll(101, &guid).await.retcode(), "0");
    // Push on: the URL must be listed, as a callBackUri must.
    let app = app_with(&receiver, "dynamic").await;
    let answer = sign_in_answer(&app, json!({"pushUrl": receiver.url.replace(PATH, "/other")})).await;
    assert_eq!(answer.retcode(), "100-001", "{}", answer.body);
}

#[tokio::test]
async fn a_handshake_refreshes_the_service_token_of_later_callbacks() {
    let mut receiver = Receiver::start().await;
    let app = app_with(&receiver, "static").await;
    let guid = app.sign_in(101, receiver.sign_in_body()).await;
    receiver.accepted_events(2).await;
    let handshake = |token: &str| {
        let request = app.request("POST", "onlineagent/101/handshake", Some(&guid), None);
        answer_of(request.header("service_token", token))
    };
    assert_eq!(handshake("bad token!").await.retcode(), "100-001");
    assert_eq!(handshake("fresh-Token_2").await.retcode(), "0");
    say_busy(&app, &guid).await;
    let callback = receiver.next().await;
    assert_eq!(callback.event_types(), ["AgentState_SetNotReady_Success"]);
    assert_eq!(callback.headers["service_token"], "fresh-Token_2");
}
