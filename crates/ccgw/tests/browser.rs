//! The browser client end to end: headless Chromium (Debian `chromium`, driven by
//! `playwright-core` from npm, `tests/browser/`) opens an agent page served from another
//! origin than the gateway; the page loads `resource-js` from ccgw over HTTPS and calls
//! it cross-origin (CORS): sign-in, polls, answer, release, sign-out of a simulated call.
//! Under CI a missing node, Chromium or playwright-core fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

mod process;

use process::{ADMIN_TOKEN, PASSWORD, peer_present};

fn peers_present() -> bool {
    if !peer_present("node", "--version", "apt-get install nodejs npm")
        || !peer_present("chromium", "--version", "apt-get install chromium")
    {
        return false;
    }
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/playwright-core");
    if installed.is_dir() {
        return true;
    }
    let install = "npm ci --prefix crates/ccgw/tests/browser";
    assert!(std::env::var_os("CI").is_none(), "playwright-core is required under CI ({install})");
    eprintln!("skipped: playwright-core is not installed ({install})");
    false
}

/// Serves `page` (set once the gateway's address is known) for every request, on a
/// loopback port of its own: another origin than the gateway's.
fn serve_page(listener: TcpListener, page: Arc<OnceLock<String>>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|read| read == 1) {
                head.push(byte[0]);
            }
            let body = page.get().cloned().unwrap_or_default();
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
}

/// `ccgw serve --demo` over HTTPS (its own self-signed certificate) allowing `page_origin`
/// cross-origin; the child and the gateway's origin.
fn start_gateway(data_dir: &Path, page_origin: &str) -> (process::Killed, String) {
    let config = data_dir.join("ccgw.toml");
    std::fs::write(&config, format!("[server]\ncors_origins = [\"{page_origin}\"]\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--demo", "--demo-password", PASSWORD, "--bind", "127.0.0.1:0"])
        .args(["--admin-token", ADMIN_TOKEN, "--config"])
        .arg(&config)
        .env("CCGW_API__POLL_HOLD_MS", "500")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ccgw starts");
    let mut banner = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut banner).unwrap();
    std::thread::spawn(move || stdout.lines().map_while(Result::ok).for_each(drop));
    let url = banner.split_whitespace().find(|word| word.starts_with("https://")).expect("an https URL in the banner");
    let origin = url.split("/agentgateway").next().unwrap().trim_end_matches('/').to_owned();
    (process::Killed(child), origin)
}

#[test]
fn an_agent_page_on_another_origin_works_the_gateway_through_resource_js() {
    if !peers_present() {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let page_origin = format!("http://{}", listener.local_addr().unwrap());
    let page = Arc::new(OnceLock::new());
    serve_page(listener, page.clone());
    let data_dir = tempfile::tempdir().unwrap();
    let (_gateway, gateway) = start_gateway(data_dir.path(), &page_origin);
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>agent bar</title>\
         <script src=\"{gateway}/agentgateway/resource-js\"></script></head><body>agent bar</body></html>"
    );
    page.set(html).unwrap();

    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let mut node = Command::new("node")
        .arg("agent_page.mjs")
        .args([&format!("{page_origin}/agent.html"), &gateway, ADMIN_TOKEN, PASSWORD])
        .current_dir(&script_dir)
        // Node's own fetch of the simulated switch's API meets the self-signed certificate.
        .env("NODE_TLS_REJECT_UNAUTHORIZED", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = node.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = node.kill();
            panic!("the browser run took over 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    let mut err = String::new();
    node.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    node.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "the browser run failed: {err}\n{out}");
    let seen: Value = serde_json::from_str(out.trim()).unwrap_or_else(|_| panic!("one JSON line: {out}"));

    let login = &seen["login"];
    assert_eq!(login["retcode"], "0", "{seen}");
    assert_eq!(login["guidKnown"], true, "Set-GUID must be readable cross-origin: {seen}");
    assert_eq!(login["apiURL"], format!("{gateway}/agentgateway/resource/"), "{seen}");
    assert_eq!(login["pageOrigin"], page_origin, "{seen}");
    assert_eq!(login["missingThrows"], true, "a missing path parameter throws: {seen}");
    assert_ne!(page_origin, gateway);
    assert_eq!(seen["call"]["status"], 201, "{seen}");
    let flow = &seen["flow"];
    assert_eq!(flow["callid"], seen["call"]["body"]["callid"], "{seen}");
    assert_eq!((&flow["answered"], &flow["released"], &flow["loggedOut"]), (&"0".into(), &"0".into(), &"0".into()));
    let kinds: Vec<&str> = flow["seen"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let wanted = ["AgentEvent_Ringing", "AgentEvent_Talking", "AgentEvent_Call_Release"];
    let in_order: Vec<&str> = kinds.iter().copied().filter(|kind| wanted.contains(kind)).collect();
    assert_eq!(in_order, wanted, "{seen}");
    assert_eq!(seen["errors"], Value::Array(Vec::new()), "the page threw: {seen}");
}
