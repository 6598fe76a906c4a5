//! `ccgw bench` end to end on a tiny load: it starts a gateway, signs agents in, places
//! calls, and writes the JSON report with every key scripts rely on. Not a performance
//! test: the figures are only checked to exist and to be consistent.

use std::process::Command;

use serde_json::Value;

#[test]
fn a_small_run_completes_every_call_with_no_errors_and_writes_its_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("bench.json");
    let output = Command::new(env!("CARGO_BIN_EXE_ccgw"))
        .args(["bench", "--agents", "12", "--rate", "4", "--duration", "3", "--talk-ms", "300", "--think-ms", "50"])
        .args(["--source-addresses", "3"])
        .arg("--json")
        .arg(&json)
        .output()
        .expect("ccgw bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);
    assert!(stdout.contains("placed_to_ringing"), "the table is printed: {stdout}");

    let report: Value = serde_json::from_slice(&std::fs::read(&json).expect("report written")).expect("JSON");
    assert_eq!(report["errors"], 0, "{report:#}");
    let placed = report["calls_placed"].as_u64().expect("calls_placed");
    assert!(placed > 0, "{report:#}");
    assert_eq!(report["calls_completed"].as_u64(), Some(placed), "every call ends with exactly one outcome");
    for path in [
        "/latency_ms/placed_to_ringing/p50",
        "/latency_ms/placed_to_ringing/p99",
        "/latency_ms/placed_to_ringing/max",
        "/latency_ms/command/p50",
        "/latency_ms/command/p99",
        "/latency_ms/command/max",
        "/latency_ms/answer_to_talking/p50",
        "/latency_ms/answer_to_talking/p99",
        "/latency_ms/answer_to_talking/max",
        "/server/cpu_seconds",
        "/server/peak_rss_bytes",
    ] {
        assert!(report.pointer(path).is_some_and(Value::is_number), "{path} missing in {report:#}");
    }
    let rss = report.pointer("/server/peak_rss_bytes").and_then(Value::as_u64).unwrap_or(0);
    assert!(rss > 1_000_000, "the server's peak RSS was read from /proc: {rss}");
}
