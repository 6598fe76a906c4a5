//! The `CCGW_*` environment rule, on the real binary: variables that name no setting
//! (Kubernetes injects `CCGW_PORT`, `CCGW_SERVICE_HOST`, … for a service named `ccgw`)
//! are ignored with a warning naming them; a typo below a known section stops the start.

use std::process::{Command, Output};

fn ccgw_with_env(data_dir: &std::path::Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ccgw"));
    command.arg("--data-dir").arg(data_dir).args(["skill", "list"]);
    // Only what the test gives: no CCGW_* from the machine running it.
    command.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command.envs(env.iter().copied());
    command.output().expect("ccgw runs")
}

#[test]
fn variables_that_name_no_setting_are_ignored_with_a_warning_and_typos_in_a_section_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let injected = [
        ("CCGW_PORT", "tcp://10.0.0.7:8043"),
        ("CCGW_SERVICE_HOST", "10.0.0.7"),
        ("CCGW_PORT_8043_TCP_ADDR", "10.0.0.7"),
        ("CCGW_API__POLL_HOLD_MS", "5000"),
    ];
    let output = ccgw_with_env(dir.path(), &injected);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status);
    for (name, value) in &injected[..3] {
        assert!(stderr.contains(name), "{name} is named in a warning: {stderr}");
        assert!(!stderr.contains(value), "the value is never logged: {stderr}");
    }
    assert!(!stderr.contains("CCGW_API__POLL_HOLD_MS"), "a real setting is no warning: {stderr}");

    let output = ccgw_with_env(dir.path(), &[("CCGW_ENGINE__RING_TIMOUT_MS", "5")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a typo in a known section stops the start");
    assert!(stderr.contains("ring_timout_ms"), "the unknown key is named: {stderr}");
}
