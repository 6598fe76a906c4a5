//! `ccgw serve` stops gracefully on SIGTERM (how systemd and container runtimes stop a
//! service) and on SIGINT: a signed-in agent's pending poll receives its sign-out event,
//! and the process exits 0.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PASSWORD: &str = "Demo-pass1";

struct Gateway {
    child: Child,
    base: String,
    _data_dir: tempfile::TempDir,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Gateway {
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["serve", "--demo", "--demo-password", PASSWORD, "--http", "--bind", "127.0.0.1:0"])
        .env("CCGW_API__POLL_HOLD_MS", "8000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ccgw starts");
    let mut banner = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut banner).unwrap();
    // Keep reading: with the pipe closed, the rest of the banner would fail to print.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = banner.split_whitespace().find(|word| word.starts_with("http://")).expect("the URL in the banner");
    Gateway { child, base: url.trim_end_matches('/').to_owned(), _data_dir: data_dir }
}

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
    let mut gateway = start();
    let client = reqwest::Client::new();
    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": "4"});
    let response = client.put(format!("{}/onlineagent/101", gateway.base)).json(&body).send().await.unwrap();
    let guid = response.headers()["Set-GUID"].to_str().unwrap().trim_start_matches("JSESSIONID=").to_owned();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["retcode"], "0", "{answer}");
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
