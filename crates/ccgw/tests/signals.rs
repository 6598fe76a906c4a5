//! `ccgw serve` stops gracefully on SIGTERM (how systemd and container runtimes stop a
//! service) and on SIGINT: a signed-in agent's pending poll receives its sign-out event,
//! and the process exits 0. Killed (SIGKILL), it records the calls it cut off at its
//! next start.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod process;

use process::{ADMIN_TOKEN, PASSWORD, admin, sign_in_101, start, start_logging};

async fn poll(client: &reqwest::Client, base: &str, guid: &str) -> Value {
    let response = client.get(format!("{base}/agentevent/101")).header("Guid", guid).send().await.unwrap();
    response.json().await.unwrap()
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < limit, "ccgw did not exit within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn stops_gracefully_on(signal: &str) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().unwrap();
    let mut gateway = start(data_dir.path());
    let client = reqwest::Client::new();
    let guid = sign_in_101(&client, &gateway).await;
    for _ in 0..2 {
        assert_eq!(poll(&client, &gateway.base, &guid).await["retcode"], "0");
    }
    let held = tokio::spawn({
        let (client, base, guid) = (client.clone(), gateway.base.clone(), guid.clone());
        async move { poll(&client, &base, &guid).await }
    });
    // Whether the poll is already held when the signal comes or arrives just after, it
    // travels on the open keep-alive connection and must bring the sign-out event.
    let killed = Command::new("kill").args([signal, &gateway.child.id().to_string()]).status().unwrap();
    assert!(killed.success());

    let farewell = held.await.unwrap();
    assert_eq!(farewell["event"]["eventType"], "AgentOther_ShutdownService", "{farewell}");
    let status = wait_for_exit(&mut gateway.child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "exit status after {signal}: {status:?}");
}

#[tokio::test]
async fn sigterm_tells_the_agent_and_exits_0() {
    stops_gracefully_on("-TERM").await;
}

#[tokio::test]
async fn sigint_tells_the_agent_and_exits_0() {
    stops_gracefully_on("-INT").await;
}

#[tokio::test]
async fn a_killed_gateway_records_the_calls_it_cut_off_at_its_next_start() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().unwrap();
    let mut gateway = start(data_dir.path());
    let client = reqwest::Client::new();
    let placed = admin(&client, &gateway, "POST", "sim/calls", Some(json!({"caller": "13800000000", "skill": 1})));
    let call_id = placed.await["callid"].as_str().expect("a call id").to_owned();

    // The journal entry is written within the writer's linger; wait until it is there.
    let database = ccgw::data_dir::database_path(data_dir.path());
    let journal = ccgw_store::SqliteStore::open(&database).await.unwrap();
    let started = Instant::now();
    while journal.open_calls().await.unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the call was never journalled");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(journal);
    gateway.child.kill().unwrap();
    let status = gateway.child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal: {status:?}");

    let gateway = start(data_dir.path());
    let records = admin(&client, &gateway, "GET", "records", None).await;
    let record = records["records"].as_array().unwrap().iter().find(|r| r["callid"] == json!(call_id));
    let record = record.unwrap_or_else(|| panic!("{call_id} has no record: {records}"));
    assert_eq!(record["outcome"], "lost-at-restart", "{record}");

    let next = admin(&client, &gateway, "POST", "sim/calls", Some(json!({"caller": "13800000001", "skill": 1}))).await;
    assert_ne!(next["callid"], json!(call_id));
}

#[tokio::test]
async fn a_closed_stdout_does_not_stop_the_gateway() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().unwrap();
    // A free loopback port: bound, read, released (the banner cannot tell it here).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["serve", "--demo", "--demo-password", PASSWORD, "--http", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(writer)
        .stderr(Stdio::null())
        .spawn()
        .expect("ccgw starts");
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let health = client.get(format!("http://127.0.0.1:{port}/ccgw/v1/health")).send().await;
        if health.is_ok_and(|answer| answer.status() == 200) {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the gateway stopped: it could not write its banner");
        assert!(started.elapsed() < Duration::from_secs(30), "the gateway never answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    assert_eq!(wait_for_exit(&mut child, Duration::from_secs(30)).code(), Some(0));
}

#[tokio::test]
async fn json_log_lines_carry_fields_and_never_a_password_guid_or_token() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().unwrap();
    let logs = tempfile::NamedTempFile::new().unwrap();
    let stderr = Stdio::from(logs.reopen().unwrap());
    let env = [("CCGW_LOG_FORMAT", "json"), ("RUST_LOG", "debug")];
    let mut gateway = start_logging(data_dir.path(), stderr, &env);
    let client = reqwest::Client::new();

    let guid = sign_in_101(&client, &gateway).await;
    assert_eq!(poll(&client, &gateway.base, &guid).await["retcode"], "0");
    let wrong = json!({"password": "Wrong-pass-77", "phonenum": "70102", "status": "4"});
    let refused: Value = client
        .put(format!("{}/onlineagent/102", gateway.base))
        .json(&wrong)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["retcode"], "100-004");
    let status = client
        .get(format!("{}/ccgw/v1/agents", gateway.origin))
        .bearer_auth("wrong-token-123456")
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 401);
    let signed_out =
        client.delete(format!("{}/onlineagent/101/logout", gateway.base)).header("Guid", &guid).send().await.unwrap();
    assert_eq!(signed_out.status(), 200);
    let stopped = Command::new("kill").args(["-TERM", &gateway.child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    assert_eq!(wait_for_exit(&mut gateway.child, Duration::from_secs(30)).code(), Some(0));

    let text = std::fs::read_to_string(logs.path()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}")))
        .collect();
    let signed_in = lines.iter().find(|line| line["message"] == "agent signed in").expect("the sign-in is logged");
    assert_eq!(
        (signed_in["work_no"].as_str(), signed_in["level"].as_str()),
        (Some("101"), Some("INFO")),
        "{signed_in}"
    );
    assert!(lines.iter().any(|line| line["message"] == "stopped"), "the stop is logged");
    for secret in [PASSWORD, guid.as_str(), ADMIN_TOKEN, "Wrong-pass-77", "wrong-token-123456"] {
        assert!(!text.contains(secret), "{secret} appears in the log:\n{text}");
    }
}
