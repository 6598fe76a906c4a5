//! Every fuzz target run for a bounded time with cargo-fuzz, from the corpus in the
//! repository. A crash fails the test with the artifact's path and input.
//!
//! Needs `cargo fuzz` (cargo-fuzz 0.13, on the stable toolchain: no sanitizer, so no
//! nightly flags). Under `CI=true` its absence fails the test; elsewhere the test says
//! so and passes. `CCGW_FUZZ_SECONDS` sets the seconds per target (0 skips the runs).
//!
//! The nested cargo builds the `fuzz/` crate into `fuzz/target`, its own directory, so it
//! never waits on the lock of the `cargo test` that runs this.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ccgw::fuzz_support::TARGETS;

/// Seconds per target when `CCGW_FUZZ_SECONDS` is not set. The whole-application target
/// gets more: it is slower per input and has far more to reach.
fn default_seconds(target: &str) -> u64 {
    if target == "app_request" { 90 } else { 20 }
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").canonicalize().expect("the fuzz directory")
}

/// `cargo fuzz …` in `fuzz/`, with none of the outer build's target settings.
fn cargo_fuzz(arguments: &[&str]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.arg("fuzz").args(arguments).current_dir(fuzz_dir());
    for variable in ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"] {
        command.env_remove(variable);
    }
    command
}

fn run(mut command: Command) -> Output {
    command.output().unwrap_or_else(|error| panic!("{command:?}: {error}"))
}

fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn cargo_fuzz_is_installed() -> bool {
    cargo_fuzz(&["--version"]).output().is_ok_and(|output| output.status.success())
}

/// The inputs that made `target` fail: `fuzz/artifacts/<target>/`, newest first.
fn artifacts(target: &str) -> Vec<PathBuf> {
    let directory = fuzz_dir().join("artifacts").join(target);
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(directory)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    found.sort();
    found.into_iter().rev().map(|(_, path)| path).collect()
}

#[test]
fn every_fuzz_target_runs_its_time_without_a_crash() {
    if !cargo_fuzz_is_installed() {
        let note = "cargo-fuzz is not installed (cargo install cargo-fuzz --version 0.13.2 --locked)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{note}: the fuzz runs are part of CI");
        eprintln!("skipped: {note}");
        return;
    }
    let seconds = std::env::var("CCGW_FUZZ_SECONDS").ok().map(|text| text.parse::<u64>().expect("CCGW_FUZZ_SECONDS"));
    let lock_before = std::fs::read(fuzz_dir().join("Cargo.lock")).expect("fuzz/Cargo.lock");
    // One build for every target: no sanitizer (the crates forbid unsafe code), debug
    // assertions on, so an overflow is a crash.
    let build = run(cargo_fuzz(&["build", "--sanitizer", "none", "--debug-assertions"]));
    assert!(build.status.success(), "cargo fuzz build failed:\n{}", tail(&build.stderr, 40));
    let lock_after = std::fs::read(fuzz_dir().join("Cargo.lock")).expect("fuzz/Cargo.lock");
    assert!(lock_before == lock_after, "the fuzz build changed fuzz/Cargo.lock: commit the new one");

    for (target, _) in TARGETS {
        let seconds = seconds.unwrap_or_else(|| default_seconds(target));
        if seconds == 0 {
            continue;
        }
        // New inputs go to a scratch directory: the corpus in the repository stays as is.
        let scratch = tempfile::tempdir().expect("a scratch corpus");
        let scratch_path = scratch.path().to_str().expect("a UTF-8 temporary path").to_owned();
        let corpus = format!("corpus/{target}");
        let max_time = format!("-max_total_time={seconds}");
        let started = std::time::Instant::now();
        let output = run(cargo_fuzz(&[
            "run",
            "--sanitizer",
            "none",
            "--debug-assertions",
            target,
            &scratch_path,
            &corpus,
            "--",
            &max_time,
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-print_final_stats=1",
        ]));
        eprintln!("{target}: {:.0?}; {}", started.elapsed(), tail(&output.stderr, 1));
        if !output.status.success() {
            let artifact = artifacts(target).into_iter().next();
            let input = artifact.as_ref().and_then(|path| std::fs::read(path).ok());
            panic!(
                "fuzz target {target} failed; artifact {artifact:?}, input {:?}\n{}",
                input.map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned()),
                tail(&output.stderr, 60)
            );
        }
    }
}
