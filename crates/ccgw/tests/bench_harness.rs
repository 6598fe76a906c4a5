//! `ccgw bench` end to end on a tiny load: it starts a gateway (or drives one already
//! running), signs agents in, places calls, runs the same load against the baseline
//! responder, and writes the JSON report with every key scripts rely on. Not a
//! performance test: the figures are only checked to exist and to be consistent.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const REPORT_KEYS: [&str; 15] = [
    "/latency_ms/placed_to_ringing/p50",
    "/latency_ms/placed_to_ringing/p99",
    "/latency_ms/placed_to_ringing/max",
    "/latency_ms/placed_to_ringing_while_polling/p99",
    "/latency_ms/placed_to_ringing_generated/p99",
    "/requests",
    "/polls_per_second",
    "/latency_ms/command/p50",
    "/latency_ms/command/p99",
    "/latency_ms/command/max",
    "/latency_ms/answer_to_talking/p50",
    "/latency_ms/answer_to_talking/p99",
    "/latency_ms/answer_to_talking/max",
    "/server/cpu_seconds",
    "/server/peak_rss_bytes",
];

/// A run's report: no errors, every placed call completed, every documented key there.
fn assert_complete_run(report: &Value, what: &str) {
    assert_eq!(report["errors"], 0, "{what}: {report:#}");
    let placed = report["calls_placed"].as_u64().expect("calls_placed");
    assert!(placed > 0, "{what}: {report:#}");
    assert_eq!(report["calls_completed"].as_u64(), Some(placed), "{what}: every call ends with exactly one outcome");
    for path in REPORT_KEYS {
        assert!(report.pointer(path).is_some_and(Value::is_number), "{what}: {path} missing in {report:#}");
    }
    let rss = report.pointer("/server/peak_rss_bytes").and_then(Value::as_u64).unwrap_or(0);
    assert!(rss > 1_000_000, "{what}: the server's peak RSS was read from /proc: {rss}");
    let ms = |path: &str| report.pointer(path).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let (received, gateway) =
        (ms("/latency_ms/placed_to_ringing/max"), ms("/latency_ms/placed_to_ringing_while_polling/max"));
    assert!(gateway <= received, "{what}: the gateway's part ({gateway}) is part of the whole ({received})");
    assert!(report["requests"].as_u64().unwrap_or(0) > 0, "{what}: requests were counted");
}

fn bench() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ccgw"));
    command.arg("bench").args(["--rate", "4", "--duration", "3", "--talk-ms", "300", "--think-ms", "50"]);
    command
}

fn read_report(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("JSON")
}

#[test]
fn a_small_run_and_its_baseline_complete_every_call_with_no_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("bench.json");
    let output = bench()
        .args(["--agents", "12", "--source-addresses", "3", "--baseline"])
        .arg("--json")
        .arg(&json)
        .output()
        .expect("ccgw bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);
    assert!(stdout.contains("placed_to_ringing"), "the table is printed: {stdout}");
    assert!(stdout.contains("baseline responder"), "the baseline's table is printed: {stdout}");

    let report = read_report(&json);
    assert_complete_run(&report, "gateway");
    assert_complete_run(&report["baseline"], "baseline");
    // CPU is read in 10 ms ticks: a tiny run may have none, and then there is no ratio.
    let ratio = &report["ratio_cpu_per_request"];
    let measured = report.pointer("/baseline/server/cpu_us_per_request").and_then(Value::as_f64).unwrap_or(0.0) > 0.0
        && report.pointer("/server/cpu_us_per_request").and_then(Value::as_f64).unwrap_or(0.0) > 0.0;
    if measured {
        assert!(ratio.as_f64().is_some_and(|ratio| ratio > 0.0), "{report:#}");
    } else {
        assert!(ratio.is_null(), "{report:#}");
    }
    assert!(report["requests"].as_u64().unwrap_or(0) > 0, "{report:#}");
}

/// Kills the gateway when the test ends, however it ends. Holds the read end of its
/// stdout: closing it early would make the gateway's next banner line fail.
struct Gateway {
    child: Child,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_run_against_a_running_gateway_uses_the_seeded_agents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let seeded = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .args(["bench", "--agents", "6", "--skills", "2", "--seed"])
        .arg(&data)
        .output()
        .expect("seeding runs");
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));

    let token = "bench-target-admin-token";
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .args(["serve", "--bind", "127.0.0.1:0", "--admin-token", token, "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ccgw serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    stdout.read_line(&mut banner).expect("banner");
    let gateway = Gateway { child, _stdout: stdout };
    let url = banner
        .split_whitespace()
        .find(|word| word.starts_with("https://"))
        .and_then(|url| url.strip_suffix("/agentgateway/resource/"))
        .unwrap_or_else(|| panic!("no URL in the banner: {banner}"))
        .to_owned();

    let json = dir.path().join("target.json");
    let output = bench()
        .args(["--agents", "6", "--skills", "2", "--target", &url, "--admin-token", token, "--ca-cert"])
        .arg(data.join("tls").join("cert.pem"))
        .args(["--server-pid", &gateway.child.id().to_string(), "--json"])
        .arg(&json)
        .output()
        .expect("ccgw bench runs");
    assert!(
        output.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_complete_run(&read_report(&json), "target");
}
