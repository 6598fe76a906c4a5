//! `ccgw call …`: drive the simulated calls of a running ccgw through its `/ccgw/v1`
//! extension API.

use std::fmt;
use std::io::Write;
use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};

use super::{emit, table};

/// How long one request to the server may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a non-JSON error body quoted in an error message.
const MAX_QUOTED_BODY: usize = 200;

/// Simulated call subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CallCommand {
    /// Place a simulated customer call into a skill queue
    Place {
        /// Skill (queue) id to place the call into
        #[arg(long)]
        skill: u32,
        /// The customer's number
        #[arg(long)]
        caller: String,
        /// The number the customer dialled [default: the VDN's access code]
        #[arg(long)]
        called: Option<String>,
        /// VDN (tenant) of the skill [default: the server's default VDN]
        #[arg(long)]
        vdn: Option<u16>,
        /// Call-associated data handed to the agent
        #[arg(long)]
        call_data: Option<String>,
    },
    /// Make the customer of a simulated call hang up
    Hangup {
        /// Id of the call, as printed by `call place` or `call list`
        callid: String,
    },
    /// List live simulated calls
    List,
}

/// Which server to drive, and how to reach it.
#[derive(Clone)]
pub struct ServerTarget {
    /// Base URL of the server, e.g. `https://127.0.0.1:8043`.
    pub url: String,
    /// Admin token for the extension API.
    pub token: String,
    /// PEM certificate(s) to trust for an `https` URL: the data directory's generated
    /// certificate when it exists, or the configured one.
    pub trust_pem: Option<Vec<u8>>,
}

/// The token is a credential: never print it by accident.
impl fmt::Debug for ServerTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTarget")
            .field("url", &self.url)
            .field("token", &format_args!(".."))
            .field("trust_pem", &self.trust_pem.as_ref().map(|pem| format!("<{} bytes>", pem.len())))
            .finish()
    }
}

/// Runs a call subcommand against a running server, printing to standard output.
pub async fn run_call(command: CallCommand, target: &ServerTarget) -> anyhow::Result<()> {
    execute_call(command, target, &mut std::io::stdout()).await
}

/// Runs a call subcommand against a running server, writing the output to `out`.
pub async fn execute_call(
    command: CallCommand,
    target: &ServerTarget,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let client = http_client(target)?;
    match command {
        CallCommand::Place { skill, caller, called, vdn, call_data } => {
            let body = PlaceCall { caller, skill, called, vdn, call_data };
            let url = calls_url(&target.url, None)?;
            let placed: Placed = send(&client, target, Method::POST, url, Some(&body))
                .await
                .context("while placing a simulated call")?;
            emit(out, &format!("{}\n", placed.callid))
        }
        CallCommand::Hangup { callid } => {
            let url = calls_url(&target.url, Some(&callid))?;
            let ended: Ended = send(&client, target, Method::DELETE, url, None::<&()>)
                .await
                .with_context(|| format!("while hanging up call {callid}"))?;
            let callid = ended.callid.unwrap_or(callid);
            let text = match ended.state {
                Some(state) => format!("Call {callid}: {state}.\n"),
                None => format!("Call {callid} hung up.\n"),
            };
            emit(out, &text)
        }
        CallCommand::List => {
            let url = calls_url(&target.url, None)?;
            let listed: Listed =
                send(&client, target, Method::GET, url, None::<&()>).await.context("while listing simulated calls")?;
            emit(out, &render_calls(&listed.calls))
        }
    }
}

/// The body of `POST /ccgw/v1/sim/calls`.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct PlaceCall {
    caller: String,
    skill: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    called: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vdn: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_data: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Placed {
    callid: String,
}

#[derive(Debug, Deserialize)]
struct Ended {
    callid: Option<String>,
    state: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Listed {
    calls: Vec<ListedCall>,
}

/// One live call as the server lists it. Fields are kept as JSON values so that a
/// number or a string (or null) displays alike.
#[derive(Debug, Deserialize)]
struct ListedCall {
    #[serde(default)]
    callid: serde_json::Value,
    #[serde(default)]
    caller: serde_json::Value,
    #[serde(default)]
    called: serde_json::Value,
    #[serde(default)]
    skill: serde_json::Value,
    #[serde(default)]
    vdn: serde_json::Value,
    #[serde(default)]
    state: serde_json::Value,
    #[serde(default)]
    agent: serde_json::Value,
}

/// `{"error":{"code":"...","message":"..."}}`
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// A reqwest client for the target. TLS always uses the ring provider through a
/// preconfigured rustls config, trusting exactly `trust_pem` (nothing for a plain
/// `http` URL); redirects are not followed.
fn http_client(target: &ServerTarget) -> anyhow::Result<reqwest::Client> {
    let url = parse_base(&target.url)?;
    let tls = match (url.scheme(), &target.trust_pem) {
        (_, Some(pem)) => {
            crate::tls::client_config_trusting(pem).context("while loading the server certificate to trust")?
        }
        ("https", None) => bail!(
            "cannot reach {} over HTTPS: no server certificate to trust was found \
             (the data directory has no tls/cert.pem and none is configured)",
            target.url
        ),
        _ => trusting_nothing()?,
    };
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("while setting up the HTTP client")
}

/// A TLS config with no trusted certificate, for plain-HTTP targets (reqwest needs one
/// anyway, as no process-wide crypto provider is installed).
fn trusting_nothing() -> anyhow::Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("while choosing TLS protocol versions")?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}

fn parse_base(base: &str) -> anyhow::Result<Url> {
    let url = Url::parse(base).with_context(|| format!("{base:?} is not a valid server URL"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => bail!("the server URL must start with https:// or http://, not {other}://"),
    }
}

/// `{base}/ccgw/v1/sim/calls`, or `…/calls/{callid}` with the call id escaped as one
/// path segment. A path in `base` (a reverse-proxy prefix) is kept.
fn calls_url(base: &str, callid: Option<&str>) -> anyhow::Result<Url> {
    let mut url = parse_base(base)?;
    url.set_query(None);
    url.set_fragment(None);
    {
        let mut segments = url.path_segments_mut().map_err(|()| anyhow::anyhow!("{base:?} cannot be a server URL"))?;
        segments.pop_if_empty().extend(["ccgw", "v1", "sim", "calls"]);
        if let Some(callid) = callid {
            segments.push(callid);
        }
    }
    Ok(url)
}

/// Sends one authenticated request and decodes a successful JSON answer; a failure
/// status becomes an error carrying the server's message.
async fn send<B, T>(
    client: &reqwest::Client,
    target: &ServerTarget,
    method: Method,
    url: Url,
    body: Option<&B>,
) -> anyhow::Result<T>
where
    B: Serialize + ?Sized,
    T: for<'de> Deserialize<'de>,
{
    let mut request = client
        .request(method, url.clone())
        .bearer_auth(&target.token)
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.with_context(|| format!("could not reach ccgw at {url} (is it running?)"))?;
    let status = response.status();
    let bytes = response.bytes().await.with_context(|| format!("while reading the answer from {url}"))?;
    if !status.is_success() {
        bail!("{}", failure_message(status, &bytes));
    }
    serde_json::from_slice(&bytes)
        .with_context(|| format!("the server answered {status} with an unexpected body: {}", quoted(&bytes)))
}

/// The operator-facing sentence for a failed request.
fn failure_message(status: StatusCode, body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { error: ErrorDetail { code, message } }) => {
            let message = message.unwrap_or_else(|| "no message".to_owned());
            match code {
                Some(code) => format!("the server refused: {message} ({code}, HTTP {status})"),
                None => format!("the server refused: {message} (HTTP {status})"),
            }
        }
        Err(_) if status == StatusCode::UNAUTHORIZED => {
            format!("the server refused the admin token (HTTP {status})")
        }
        Err(_) if body.is_empty() => format!("the server answered HTTP {status}"),
        Err(_) => format!("the server answered HTTP {status}: {}", quoted(body)),
    }
}

/// A body as text for a message, shortened.
fn quoted(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.chars().count() > MAX_QUOTED_BODY {
        let short: String = text.chars().take(MAX_QUOTED_BODY).collect();
        format!("{short}…")
    } else {
        text.to_owned()
    }
}

/// A JSON value as a table cell: strings bare, null or absent as `-`.
fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(text) if text.is_empty() => "-".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn render_calls(calls: &[ListedCall]) -> String {
    if calls.is_empty() {
        return "No calls.\n".to_owned();
    }
    let rows: Vec<Vec<String>> = calls
        .iter()
        .map(|call| {
            [&call.callid, &call.caller, &call.called, &call.skill, &call.vdn, &call.state, &call.agent]
                .into_iter()
                .map(cell)
                .collect()
        })
        .collect();
    table(&["CALLID", "CALLER", "CALLED", "SKILL", "VDN", "STATE", "AGENT"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn the_place_body_leaves_out_what_was_not_given() {
        let body = PlaceCall { caller: "13800000000".into(), skill: 1, called: None, vdn: None, call_data: None };
        assert_eq!(serde_json::to_value(&body).unwrap(), serde_json::json!({"caller": "13800000000", "skill": 1}));
        let body = PlaceCall {
            caller: "13800000000".into(),
            skill: 2,
            called: Some("4000".into()),
            vdn: Some(3),
            call_data: Some("order=42".into()),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({
                "caller": "13800000000", "skill": 2, "called": "4000",
                "vdn": 3, "callData": "order=42"
            })
        );
    }

    #[test]
    fn call_urls_are_built_under_the_base() {
        assert_eq!(
            calls_url("https://127.0.0.1:8043", None).unwrap().as_str(),
            "https://127.0.0.1:8043/ccgw/v1/sim/calls"
        );
        assert_eq!(
            calls_url("https://127.0.0.1:8043/", Some("1700000000-1")).unwrap().as_str(),
            "https://127.0.0.1:8043/ccgw/v1/sim/calls/1700000000-1"
        );
        assert_eq!(
            calls_url("http://gw.example/prefix/", Some("a/b?c#d")).unwrap().as_str(),
            "http://gw.example/prefix/ccgw/v1/sim/calls/a%2Fb%3Fc%23d"
        );
        assert!(calls_url("ftp://host", None).is_err());
        assert!(calls_url("not a url", None).is_err());
    }

    #[test]
    fn failures_carry_the_server_message() {
        let message =
            failure_message(StatusCode::NOT_FOUND, br#"{"error":{"code":"not_found","message":"no call 1-1"}}"#);
        assert_eq!(message, "the server refused: no call 1-1 (not_found, HTTP 404 Not Found)");
        let message = failure_message(StatusCode::UNAUTHORIZED, b"");
        assert!(message.contains("admin token"), "{message}");
        let message = failure_message(StatusCode::BAD_GATEWAY, b"<html>proxy</html>");
        assert!(message.contains("502") && message.contains("proxy"), "{message}");
        let long = "x".repeat(1000);
        let message = failure_message(StatusCode::INTERNAL_SERVER_ERROR, long.as_bytes());
        assert!(message.len() < 400, "{message}");
    }

    #[test]
    fn calls_render_as_a_table() {
        let listed: Listed = serde_json::from_value(serde_json::json!({"calls": [
            {"callid": "1700000000-1", "caller": "138", "called": "4000", "skill": 1,
             "vdn": 1, "state": "queued"},
            {"callid": "1700000000-2", "caller": "139", "called": "4000", "skill": 2,
             "vdn": 1, "state": "talking", "agent": 101},
        ]}))
        .unwrap();
        let text = render_calls(&listed.calls);
        let lines: Vec<Vec<&str>> = text.lines().map(|line| line.split_whitespace().collect()).collect();
        assert_eq!(
            lines,
            [
                vec!["CALLID", "CALLER", "CALLED", "SKILL", "VDN", "STATE", "AGENT"],
                vec!["1700000000-1", "138", "4000", "1", "1", "queued", "-"],
                vec!["1700000000-2", "139", "4000", "2", "1", "talking", "101"],
            ]
        );
        assert_eq!(render_calls(&[]), "No calls.\n");
    }

    #[test]
    fn clients_are_built_for_each_kind_of_target() {
        let dir = tempfile::tempdir().unwrap();
        let material = crate::tls::load_or_generate(None, None, dir.path()).unwrap();
        let target = |url: &str, pem: Option<Vec<u8>>| ServerTarget {
            url: url.to_owned(),
            token: "t".repeat(20),
            trust_pem: pem,
        };
        assert!(http_client(&target("http://127.0.0.1:8080", None)).is_ok());
        assert!(http_client(&target("https://127.0.0.1:8043", Some(material.cert_pem))).is_ok());
        let error = http_client(&target("https://127.0.0.1:8043", None)).unwrap_err();
        assert!(error.to_string().contains("no server certificate"), "{error:#}");
        let shown = format!("{:?}", target("http://x", None));
        assert!(!shown.contains("tttt"), "{shown}");
    }

    /// Answers one HTTP/1.1 request on `stream` with `status` and `body`, returning the
    /// request head and body as text.
    async fn answer_one<S>(mut stream: S, status: &str, body: &str) -> String
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let mut request = Vec::new();
        let mut buf = [0_u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed before a full request");
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).into_owned();
            if let Some(head_end) = text.find("\r\n\r\n") {
                let length = text[..head_end]
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if request.len() >= head_end + 4 + length {
                    break;
                }
            }
        }
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        String::from_utf8(request).unwrap()
    }

    #[tokio::test]
    async fn place_over_https_prints_the_callid() {
        let dir = tempfile::tempdir().unwrap();
        let material = crate::tls::load_or_generate(None, None, dir.path()).unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(crate::tls::server_config(&material).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let stream = acceptor.accept(socket).await.unwrap();
            answer_one(stream, "201 Created", r#"{"callid":"1700000000-1"}"#).await
        });
        let target = ServerTarget {
            url: format!("https://localhost:{port}"),
            token: "admin-token-0123456789".into(),
            trust_pem: Some(material.cert_pem.clone()),
        };
        let mut out = Vec::new();
        execute_call(
            CallCommand::Place {
                skill: 1,
                caller: "13800000000".into(),
                called: None,
                vdn: None,
                call_data: Some("x=1".into()),
            },
            &target,
            &mut out,
        )
        .await
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1700000000-1\n");
        let request = server.await.unwrap();
        assert!(request.starts_with("POST /ccgw/v1/sim/calls HTTP/1.1\r\n"), "{request}");
        let lower = request.to_ascii_lowercase();
        assert!(lower.contains("authorization: bearer admin-token-0123456789\r\n"), "{request}");
        assert!(request.ends_with(r#"{"caller":"13800000000","skill":1,"callData":"x=1"}"#), "{request}");
    }

    #[tokio::test]
    async fn a_refused_hangup_is_an_error_with_the_server_message() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            answer_one(socket, "404 Not Found", r#"{"error":{"code":"not_found","message":"no live call 9-9"}}"#).await
        });
        let target = ServerTarget {
            url: format!("http://127.0.0.1:{port}"),
            token: "admin-token-0123456789".into(),
            trust_pem: None,
        };
        let mut out = Vec::new();
        let error = execute_call(CallCommand::Hangup { callid: "9-9".into() }, &target, &mut out).await.unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("no live call 9-9"), "{message}");
        assert!(message.contains("not_found"), "{message}");
        assert!(out.is_empty());
        let request = server.await.unwrap();
        assert!(request.starts_with("DELETE /ccgw/v1/sim/calls/9-9 HTTP/1.1\r\n"), "{request}");
    }

    #[tokio::test]
    async fn a_client_that_does_not_trust_the_server_fails() {
        let ours = tempfile::tempdir().unwrap();
        let theirs = tempfile::tempdir().unwrap();
        let material = crate::tls::load_or_generate(None, None, ours.path()).unwrap();
        let other = crate::tls::load_or_generate(None, None, theirs.path()).unwrap();
        let acceptor: tokio_rustls::TlsAcceptor = Arc::clone(&crate::tls::server_config(&material).unwrap()).into();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            acceptor.accept(socket).await.is_err()
        });
        let target = ServerTarget {
            url: format!("https://127.0.0.1:{port}"),
            token: "admin-token-0123456789".into(),
            trust_pem: Some(other.cert_pem),
        };
        let mut out = Vec::new();
        let error = execute_call(CallCommand::List, &target, &mut out).await.unwrap_err();
        assert!(format!("{error:#}").contains("could not reach ccgw"), "{error:#}");
        assert!(server.await.unwrap(), "the server side must fail too");
    }
}
