//! The whole-application fuzz entry: one request, read from bytes, sent in process through
//! the HTTP application of a real gateway (simulated switch, SQLite directory in a
//! temporary data directory) built once per process. Every parser a client's bytes reach
//! — paths, queries, Guid and bearer headers, sign-in and command bodies, the extension
//! API's JSON — is reached from here, and every answer must be in a documented shape.
//!
//! The input is a request in text form, so that corpus files read like requests:
//!
//! ```text
//! PUT /agentgateway/resource/onlineagent/101
//! Guid: 7c9e6679.AgentGateway1
//! Content-Type: application/json
//!
//! {"password":"fuzz-password-1","phonenum":"70101"}
//! ```
//!
//! A header value `$guid` stands for the Guid of the latest successful sign-in, so that
//! the fuzzer reaches what lies behind the Guid check (a real Guid is random).
//! A first line that is no method and request target is skipped (hyper never delivers
//! such a request); header lines that are no valid header are dropped likewise.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use serde_json::Value;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use crate::config::Config;
use crate::startup::{App, Hooks};

/// The demo agents' password in the fuzzed gateway (corpus sign-ins use it).
pub const PASSWORD: &str = "fuzz-password-1";
/// The admin token of the fuzzed gateway (corpus extension requests use it).
pub const ADMIN_TOKEN: &str = "fuzz-admin-token-0123456789";

/// A fuzz target's entry: takes the fuzzer's bytes, panics when an invariant breaks.
pub type Entry = fn(&[u8]);

/// Every fuzz target: its name (a `[[bin]]` in `fuzz/Cargo.toml`, a directory of
/// `fuzz/corpus/`) and its entry function. The corpus replay and bounded-run tests go
/// through this one list.
pub const TARGETS: [(&str, Entry); 7] = [
    ("app_request", app_request),
    ("lenient_fields", ccgw_api::fuzz_support::lenient_fields),
    ("query_string", ccgw_api::fuzz_support::query_string),
    ("request_path", ccgw_api::fuzz_support::request_path),
    ("domain_ids", ccgw_api::fuzz_support::domain_ids),
    ("sip_credentials", sip_credentials),
    ("sip_message", sip_message),
];

pub use ccgw_sip::fuzz_support::sip_message;

/// A SIP `Authorization` header as the registrar reads it: a credential that parses is
/// checked against an HA1 without a panic, and keeps the parameters a registrar needs.
pub fn sip_credentials(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(credentials) = ccgw_sip::digest::Credentials::parse(text) else { return };
    let ha1 = ccgw_sip::digest::ha1("70101", "ccgw", "fuzz-secret-1");
    let verified = credentials.verify("REGISTER", &ha1);
    assert!(!verified || credentials.qop.as_deref() == Some("auth"), "verified without qop=auth: {text:?}");
    assert!(text.len() <= 4096, "a credential over the length limit parsed");
}

/// How long a request may take before the harness gives up on it, as a client would: only
/// long polls (`?wait=`) take this long; every other answer comes in milliseconds.
const PATIENCE: Duration = Duration::from_secs(2);

/// Sends the request `data` describes and checks its answer; panics on an answer outside
/// the documented shapes. With `CCGW_FUZZ_TRACE` set, prints every answer.
pub fn app_request(data: &[u8]) {
    let gateway = gateway();
    let Some(request) = request_from(data, &gateway.latest_guid()) else { return };
    let method = request.method().clone();
    let path = collapsed(request.uri().path());
    let answered = gateway.runtime.block_on(async {
        let response = tokio::time::timeout(PATIENCE, gateway.app.clone().oneshot(request)).await.ok()?;
        let response: Response = response.unwrap_or_else(|never| match never {});
        let status = response.status();
        gateway.remember_guid(&response);
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        // An event stream never ends: its head is the answer.
        if content_type.as_deref().is_some_and(|value| value.starts_with("text/event-stream")) {
            assert_eq!(status, StatusCode::OK, "{method} {path}: an event stream with HTTP {status}");
            return None;
        }
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("an in-memory answer body");
        Some((status, content_type, body))
    });
    // A long poll still waiting: the client gave up (as a real one may), nothing to check.
    let Some((status, content_type, body)) = answered else { return };
    let context = format!("{method} {path}: HTTP {status}, {content_type:?}, {:?}", String::from_utf8_lossy(&body));
    if std::env::var_os("CCGW_FUZZ_TRACE").is_some() {
        eprintln!("{context}");
    }
    assert!(!status.is_server_error(), "{context}: a server error");
    if method == Method::HEAD || status == StatusCode::NO_CONTENT || path == "/metrics" {
        return;
    }
    assert!(content_type.as_deref().is_some_and(|value| value.starts_with("application/json")), "{context}: not JSON");
    let answer: Value = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{context}: body is not JSON"));
    if is_huawei(&path) {
        let documented = [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED];
        assert!(documented.contains(&status), "{context}: a Huawei answer is 200 (404/405 for no interface)");
        assert!(answer["retcode"].is_string(), "{context}: no retcode string");
    } else if status.is_client_error() {
        assert!(answer["error"]["code"].is_string(), "{context}: no error.code string");
        assert!(answer["error"]["message"].is_string(), "{context}: no error.message string");
    }
}

struct Gateway {
    runtime: tokio::runtime::Runtime,
    app: BoxCloneSyncService<Request, Response, Infallible>,
    /// The Guid the latest successful sign-in handed out (`Set-GUID: JSESSIONID=…`).
    guid: Mutex<String>,
}

impl Gateway {
    fn latest_guid(&self) -> String {
        self.guid.lock().expect("the Guid lock").clone()
    }

    fn remember_guid(&self, response: &Response) {
        let handed_out = response.headers().get("set-guid").and_then(|value| value.to_str().ok());
        if let Some(guid) = handed_out.and_then(|value| value.strip_prefix("JSESSIONID=")) {
            *self.guid.lock().expect("the Guid lock") = guid.to_owned();
        }
    }
}

/// The gateway every input of this process goes to. Its state carries over from input to
/// input (agents signed in stay signed in), as in a real gateway.
fn gateway() -> &'static Gateway {
    static GATEWAY: OnceLock<Gateway> = OnceLock::new();
    GATEWAY.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let app = runtime.block_on(App::build(config(), Hooks::default())).expect("the fuzzed gateway builds");
        let service = ccgw_api::app(app.api_state());
        // The App (listener, engine, writers) lives as long as the process.
        std::mem::forget(app);
        Gateway { runtime, app: BoxCloneSyncService::new(service), guid: Mutex::new(String::new()) }
    })
}

/// A demo gateway on plain HTTP (no certificate to make) bound to loopback, with answers
/// that never wait: polls return at once. Sign-in lockouts are off: every fuzzed request
/// comes from one address, and a lockout would hide sign-in from the rest of the run.
fn config() -> Config {
    let data_dir = std::env::temp_dir().join("ccgw-fuzz").join(std::process::id().to_string());
    // A data directory left by an earlier process with this id would carry its state over.
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut config = Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir,
        http: true,
        demo: true,
        demo_password: Some(PASSWORD.into()),
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Config::default()
    };
    config.api.poll_hold_ms = 0;
    config.sign_in.lock_failures = 0;
    config.sign_in.agent_lock_failures = 0;
    config.sign_in.address_lock_failures = 0;
    config.sign_in.admin_lock_failures = 0;
    config
}

/// The request `data` describes: `METHOD TARGET`, header lines, an empty line, the body.
/// `Content-Length` and `Transfer-Encoding` lines are dropped: the body is in memory and
/// its length known, as hyper would frame it.
fn request_from(data: &[u8], guid: &str) -> Option<Request> {
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|&byte| byte == b'\n').map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let first = lines.next()?;
    let space = first.iter().position(|&byte| byte == b' ')?;
    let method = Method::from_bytes(&first[..space]).ok()?;
    let uri = Uri::try_from(&first[space + 1..]).ok()?;
    let mut request = Request::new(Body::from(body.to_vec()));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    for line in lines {
        let Some(colon) = line.iter().position(|&byte| byte == b':') else { continue };
        let value = match line[colon + 1..].trim_ascii_start() {
            b"$guid" => guid.as_bytes(),
            value => value,
        };
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(&line[..colon]), HeaderValue::from_bytes(value)) else {
            continue;
        };
        if name != CONTENT_LENGTH && name != TRANSFER_ENCODING {
            request.headers_mut().append(name, value);
        }
    }
    // As the connection layer does: the peer is a loopback client.
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
    Some(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// The path as the application routes it: repeated `/` collapsed.
fn collapsed(path: &str) -> String {
    let mut collapsed = String::with_capacity(path.len());
    for ch in path.chars() {
        if !(ch == '/' && collapsed.ends_with('/')) {
            collapsed.push(ch);
        }
    }
    collapsed
}

fn is_huawei(path: &str) -> bool {
    path.get(..14).is_some_and(|start| start.eq_ignore_ascii_case("/agentgateway/"))
}
