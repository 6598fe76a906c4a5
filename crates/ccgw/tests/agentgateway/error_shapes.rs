//! Requests the extractors cannot read get the API's own error shape, never axum's
//! `text/plain`: on a Huawei path the HTTP 200 envelope with `000-002`, on the extension
//! API its JSON error with the status kept. Asserted on raw bytes.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::ServerName;

use crate::helpers::{TestApp, TestOpts, spawn_app, split_response};

/// Sends `request` as is, writing beside reading: the server may answer (and close)
/// before it has read the whole request, and a write it cut short is no error here.
/// The status line, the lower-cased head and the JSON body.
async fn raw_json(app: &TestApp, request: &[u8]) -> (String, String, Value) {
    let stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let tls = app.tls_connector().connect(ServerName::try_from("localhost").unwrap(), stream).await.unwrap();
    let (mut reader, mut writer) = tokio::io::split(tls);
    let request = request.to_vec();
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(&request).await;
    });
    let mut raw = Vec::new();
    // The bytes read before a reset are kept.
    let _ = tokio::time::timeout(Duration::from_secs(20), reader.read_to_end(&mut raw)).await;
    writing.abort();
    let (head, body) = split_response(&raw);
    let status = head.lines().next().unwrap_or_default().to_owned();
    let body = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("a JSON body: {head}"));
    (status, head.to_ascii_lowercase(), body)
}

/// `head` (its lines, without the blank one) with a 3 MiB body: over the 2 MiB limit.
fn with_body(head: &str) -> Vec<u8> {
    let body = vec![b'a'; 3 << 20];
    let mut request = format!("{head}Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    request.extend_from_slice(&body);
    request
}

#[tokio::test]
async fn a_huawei_request_whose_body_cannot_be_read_gets_the_envelope_with_000_002() {
    let app = spawn_app(TestOpts::default()).await;
    let too_large = with_body(
        "PUT /agentgateway/resource/onlineagent/101/forcelogin HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nConnection: close\r\n",
    );
    let broken_chunks = "PUT /agentgateway/resource/onlineagent/101/forcelogin HTTP/1.1\r\nHost: localhost\r\n\
                         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
                         zz\r\n{}\r\n0\r\n\r\n";
    for request in [too_large, broken_chunks.as_bytes().to_vec()] {
        let (status, head, body) = raw_json(&app, &request).await;
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        assert!(head.contains("\r\ncontent-type: application/json"), "{head}");
        assert_eq!(body["retcode"], json!("000-002"), "{body}");
        assert!(body["message"].as_str().is_some_and(|message| !message.is_empty()), "{body}");
    }
}

#[tokio::test]
async fn an_upper_case_huawei_path_is_answered_in_the_huawei_shape() {
    let app = spawn_app(TestOpts::default()).await;
    let request = "GET /AGENTGATEWAY/resource/onlineagent/101/agentstatus HTTP/1.1\r\nHost: localhost\r\n\
                   Connection: close\r\n\r\n";
    let (status, _, body) = raw_json(&app, request.as_bytes()).await;
    assert!(status.starts_with("HTTP/1.1 404"), "{status}");
    assert_eq!(body["retcode"], json!("000-002"), "{body}");
}

#[tokio::test]
async fn an_extension_request_that_cannot_be_read_gets_the_json_error_with_its_status() {
    let app = spawn_app(TestOpts::default()).await;
    let token = &app.admin_token;
    let not_utf8 = format!(
        "GET /ccgw/v1/agents/%FF/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let too_large = with_body(&format!(
        "POST /ccgw/v1/skills HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nConnection: close\r\n"
    ));
    let cases = [(not_utf8.into_bytes(), "400", "invalid_request"), (too_large, "413", "body_too_large")];
    for (request, expected, code) in cases {
        let (status, head, body) = raw_json(&app, &request).await;
        assert!(status.starts_with(&format!("HTTP/1.1 {expected}")), "{status} {body}");
        assert!(head.contains("\r\ncontent-type: application/json"), "{head}");
        assert_eq!(body["error"]["code"], json!(code), "{body}");
    }
}
