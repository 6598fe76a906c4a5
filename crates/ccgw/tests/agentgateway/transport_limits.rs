//! What one client may take of the listener, on raw TLS connections: request bodies are
//! bounded in size, time and memory and refused in the API's own shape with
//! `Connection: close`; a refusal that needs no body still leaves the connection usable;
//! connections over the cap get a "busy, retry" answer.

use std::time::Duration;

use ccgw::config::ServerConfig;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::helpers::*;

/// Longest a test waits for an answer that must come (old code never answered some).
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

async fn connect(app: &TestApp) -> TlsStream<TcpStream> {
    let stream = TcpStream::connect(app.addr).await.unwrap();
    app.tls_connector().connect(ServerName::try_from("localhost").unwrap(), stream).await.unwrap()
}

/// One response: its head (lower-cased header names kept as sent) and body; `None` when
/// the server closed the connection first.
struct Response {
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn status(&self) -> u16 {
        self.head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("JSON body, got {:?} after {}", String::from_utf8_lossy(&self.body), self.head))
    }

    fn closes(&self) -> bool {
        self.header("connection").is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

async fn read_response<S: AsyncRead + Unpin>(stream: &mut S, pending: &mut Vec<u8>) -> Option<Response> {
    let read = async {
        loop {
            if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&pending[..end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|line| {
                        let (key, value) = line.split_once(':')?;
                        key.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                while pending.len() < end + 4 + length {
                    let mut chunk = [0u8; 4096];
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    assert!(n > 0, "the connection ended inside a response body");
                    pending.extend_from_slice(&chunk[..n]);
                }
                let body = pending[end + 4..end + 4 + length].to_vec();
                pending.drain(..end + 4 + length);
                return Some(Response { head, body });
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => pending.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(ANSWER_LIMIT, read).await.expect("an answer within the limit")
}

/// Whether the server closed the connection (EOF or reset) rather than waiting for more.
async fn is_closed<S: AsyncRead + Unpin>(stream: &mut S) -> bool {
    let mut byte = [0u8; 1];
    matches!(tokio::time::timeout(ANSWER_LIMIT, stream.read(&mut byte)).await, Ok(Ok(0) | Err(_)))
}

fn server(configure: impl FnOnce(&mut ServerConfig)) -> TestOpts {
    let mut server = TestOpts::default().server;
    configure(&mut server);
    TestOpts { server, ..TestOpts::default() }
}

const SIGN_IN_HEAD: &str =
    "PUT /agentgateway/resource/onlineagent/101 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
const SIM_CALL_HEAD: &str = "POST /ccgw/v1/sim/calls HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_at_once_in_each_api_shape_and_the_connection_closes() {
    let app = spawn_app(TestOpts::default()).await;
    let mut huawei = connect(&app).await;
    huawei.write_all(format!("{SIGN_IN_HEAD}Content-Length: 3145728\r\n\r\n").as_bytes()).await.unwrap();
    let answer = read_response(&mut huawei, &mut Vec::new()).await.expect("an answer without the body");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json()["retcode"], "000-002", "{}", answer.json());
    assert!(answer.json()["message"].as_str().unwrap().contains("over 1048576 bytes"));
    assert!(answer.closes(), "{}", answer.head);
    assert!(is_closed(&mut huawei).await);

    let mut ext = connect(&app).await;
    let head = format!("{SIM_CALL_HEAD}Authorization: Bearer {}\r\nContent-Length: 3145728\r\n\r\n", app.admin_token);
    ext.write_all(head.as_bytes()).await.unwrap();
    let answer = read_response(&mut ext, &mut Vec::new()).await.expect("an answer without the body");
    assert_eq!(answer.status(), 413);
    assert_eq!(answer.json()["error"]["code"], "body_too_large");
    assert!(answer.closes(), "{}", answer.head);
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_refused_after_the_body_timeout_whole_or_chunked() {
    let app = spawn_app(server(|server| server.body_timeout_ms = 300)).await;
    let mut partial = connect(&app).await;
    partial.write_all(format!("{SIGN_IN_HEAD}Content-Length: 100\r\n\r\n{{\"password\":").as_bytes()).await.unwrap();
    let answer = read_response(&mut partial, &mut Vec::new()).await.expect("an answer at the body timeout");
    assert_eq!(answer.json()["retcode"], "000-002");
    assert!(answer.json()["message"].as_str().unwrap().contains("not received within 300 ms"), "{}", answer.json());
    assert!(answer.closes());
    assert!(is_closed(&mut partial).await);

    let mut chunked = connect(&app).await;
    let head = format!(
        "{SIM_CALL_HEAD}Authorization: Bearer {}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{{\"ski\r\n",
        app.admin_token
    );
    chunked.write_all(head.as_bytes()).await.unwrap();
    let answer = read_response(&mut chunked, &mut Vec::new()).await.expect("an answer at the body timeout");
    assert_eq!(answer.status(), 408);
    assert_eq!(answer.json()["error"]["code"], "timeout");
    assert!(answer.closes());
}

#[tokio::test]
async fn a_body_that_would_overspend_the_memory_budget_is_answered_busy_and_the_budget_comes_back() {
    let app = spawn_app(server(|server| server.body_memory_bytes = 16 * 1024)).await;
    let mut big = connect(&app).await;
    let body = format!("{{\"password\":\"{}\"}}", "x".repeat(40 * 1024));
    big.write_all(format!("{SIGN_IN_HEAD}Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await.unwrap();
    let answer = read_response(&mut big, &mut Vec::new()).await.expect("a busy answer");
    assert_eq!(answer.json()["retcode"], "100-007", "{}", answer.json());
    assert_eq!(answer.header("retry-after").as_deref(), Some("1"));
    assert!(answer.closes());

    let guid = app.sign_in(101, serde_json::json!({})).await;
    assert!(!guid.is_empty(), "a small body fits the budget again");
}

#[tokio::test]
async fn a_refusal_that_needs_no_body_leaves_the_connection_ready_for_the_next_request() {
    let app = spawn_app(TestOpts::default()).await;
    let mut connection = connect(&app).await;
    let head = "PUT /agentgateway/resource/voicecall/101/no-such-interface HTTP/1.1\r\nHost: localhost\r\nGuid: not-a-guid\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n";
    connection.write_all(head.as_bytes()).await.unwrap();
    connection.flush().await.unwrap();
    // The body follows a moment later, as it does from a client that sends the head first.
    tokio::time::sleep(Duration::from_millis(200)).await;
    connection.write_all(b"{}GET /ccgw/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut pending = Vec::new();
    let refused = read_response(&mut connection, &mut pending).await.expect("the refusal");
    assert_eq!(refused.json()["message"], "no such interface", "{}", refused.json());
    assert!(!refused.closes(), "{}", refused.head);
    let next = read_response(&mut connection, &mut pending).await.expect("the next answer on the same connection");
    assert_eq!(next.status(), 200, "{}", next.head);
}

#[tokio::test]
async fn connections_over_the_cap_are_answered_busy_in_each_api_shape_until_one_closes() {
    let app = spawn_app(server(|server| server.max_connections = 2)).await;
    let health = b"GET /ccgw/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut connection = connect(&app).await;
        connection.write_all(health).await.unwrap();
        let answer = read_response(&mut connection, &mut Vec::new()).await.unwrap();
        assert_eq!(answer.status(), 200);
        held.push(connection);
    }

    let mut over = connect(&app).await;
    over.write_all(b"GET /agentgateway/resource/agentevent/101 HTTP/1.1\r\nHost: localhost\r\nGuid: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_response(&mut over, &mut Vec::new()).await.expect("a busy answer");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json()["retcode"], "100-007");
    assert!(answer.json()["message"].as_str().unwrap().contains("connection limit"));
    assert_eq!(answer.header("retry-after").as_deref(), Some("1"));
    assert!(answer.closes());
    let mut over = connect(&app).await;
    over.write_all(health).await.unwrap();
    let answer = read_response(&mut over, &mut Vec::new()).await.expect("a busy answer");
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.json()["error"]["code"], "busy");

    drop(held.pop());
    // The server sees the close on its own time: try again until the slot is back.
    let mut served = false;
    for _ in 0..100 {
        let mut connection = connect(&app).await;
        connection.write_all(health).await.unwrap();
        if read_response(&mut connection, &mut Vec::new()).await.is_some_and(|answer| answer.status() == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "a freed slot serves a new connection");
}
