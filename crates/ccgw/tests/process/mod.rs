//! A real `ccgw serve --demo` process on a loopback port, for the tests that need the
//! binary itself: signals, the audit of secrets in its log, schemathesis.

#![allow(dead_code)] // Each test binary uses part of it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

pub(crate) const PASSWORD: &str = "Demo-pass1";

pub(crate) const ADMIN_TOKEN: &str = "process-admin-token-0123456789";

pub(crate) struct Gateway {
    pub(crate) child: Child,
    pub(crate) base: String,
    /// `http://127.0.0.1:<port>`.
    pub(crate) origin: String,
    /// The banner's lines after the first, as they come.
    banner: std::sync::mpsc::Receiver<String>,
}

impl Gateway {
    /// The SIP address from the banner (`sip registrar: udp+tcp 127.0.0.1:PORT …`).
    pub(crate) fn sip_address(&self) -> String {
        let line = self.banner_line("sip registrar:");
        line.split_whitespace().find(|word| word.starts_with("127.0.0.1:")).expect("the SIP address").to_owned()
    }

    /// The first banner line containing `part`; panics after 10 s without one.
    pub(crate) fn banner_line(&self, part: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.banner.recv_timeout(left) {
                Ok(line) if line.contains(part) => return line,
                Ok(_) => continue,
                Err(_) => panic!("no banner line with {part:?}"),
            }
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(data_dir: &std::path::Path) -> Gateway {
    start_logging(data_dir, Stdio::null(), &[])
}

/// [`start`] with its log lines going to `stderr` and more environment.
pub(crate) fn start_logging(data_dir: &std::path::Path, stderr: Stdio, env: &[(&str, &str)]) -> Gateway {
    start_with(data_dir, stderr, env, &[])
}

/// [`start_logging`] with more `serve` arguments.
pub(crate) fn start_with(data_dir: &std::path::Path, stderr: Stdio, env: &[(&str, &str)], args: &[&str]) -> Gateway {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--demo", "--demo-password", PASSWORD, "--http", "--bind", "127.0.0.1:0"])
        .args(args)
        .args(["--admin-token", ADMIN_TOKEN])
        .env("CCGW_API__POLL_HOLD_MS", "8000")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("ccgw starts");
    let mut banner = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut banner).unwrap();
    // Keep reading: with the pipe closed, the rest of the banner would fail to print.
    let (lines, rest_of_banner) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let url = banner.split_whitespace().find(|word| word.starts_with("http://")).expect("the URL in the banner");
    let base = url.trim_end_matches('/').to_owned();
    let origin = base.split("/agentgateway").next().unwrap().to_owned();
    Gateway { child, base, origin, banner: rest_of_banner }
}

/// A `/ccgw/v1` request with the admin token; its JSON answer.
pub(crate) async fn admin(
    client: &reqwest::Client,
    gateway: &Gateway,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{}/ccgw/v1/{path}", gateway.origin)).bearer_auth(ADMIN_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// Signs agent 101 in with phone 70101; its Guid.
pub(crate) async fn sign_in_101(client: &reqwest::Client, gateway: &Gateway) -> String {
    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": "4"});
    let response = client.put(format!("{}/onlineagent/101", gateway.base)).json(&body).send().await.unwrap();
    let guid = response.headers()["Set-GUID"].to_str().unwrap().trim_start_matches("JSESSIONID=").to_owned();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["retcode"], "0", "{answer}");
    guid
}

/// Whether the peer program `command` starts (run with `argument`). Under CI its absence
/// fails the test; elsewhere the test is skipped with a note naming `install`.
pub(crate) fn peer_present(command: &str, argument: &str, install: &str) -> bool {
    let started = Command::new(command).arg(argument).stdout(Stdio::null()).stderr(Stdio::null()).status();
    match started {
        Ok(_) => true,
        Err(_) if std::env::var_os("CI").is_some() => panic!("{command} is required under CI ({install})"),
        Err(_) => {
            eprintln!("skipped: {command} is not installed ({install})");
            false
        }
    }
}

/// A child process killed (and waited for) when dropped.
pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
