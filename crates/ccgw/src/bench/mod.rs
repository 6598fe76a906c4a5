//! `ccgw bench`: a load harness that drives a gateway the way real agent clients do and
//! measures it (placed → Ringing, command latency, answer → Talking, release → Ready,
//! events and polls per second, the server's CPU time and peak RSS), with zero errors
//! required for a run to count. See BENCHMARKS.md.

mod agent;
mod client;
mod customers;
mod metrics;
mod server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use http::Method;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use self::agent::{Behaviour, Placements};
use self::client::{Connection, Endpoint};
use self::customers::Traffic;
use self::metrics::Metrics;

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Signed-in agents.
    #[arg(long, default_value_t = 1_000)]
    pub agents: u32,
    /// Customer calls per second (Poisson arrivals); default: agents / 50.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Seconds of call placing; calls in flight then run to their end.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Skill queues the calls are spread over (each agent serves two).
    #[arg(long, default_value_t = 4)]
    pub skills: u32,
    /// Mean talk time in ms (exponential); default keeps agents about 40 % busy.
    #[arg(long)]
    pub talk_ms: Option<u64>,
    /// Think time before answering, in ms (±50 %).
    #[arg(long, default_value_t = 300)]
    pub think_ms: u64,
    /// Share of customers who hang up after 0–3 s, while queued, ringing or talking.
    #[arg(long, default_value_t = 0.05)]
    pub abandon_share: f64,
    /// Loopback source addresses (127.0.0.1 …) the agents' connections are spread over,
    /// so that tens of thousands of connections fit in the ephemeral port range.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=250))]
    pub source_addresses: u32,
    /// Write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Runs the benchmark against a gateway it starts itself on loopback, and prints the
/// table. Returns an error (exit status 1) when the run had errors.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.agents == 0 || args.skills == 0 || args.duration == 0 {
        bail!("--agents, --skills and --duration must be positive");
    }
    let rate = args.rate.unwrap_or(f64::from(args.agents) / 50.0);
    if !(rate > 0.0 && rate.is_finite()) {
        bail!("--rate must be a positive number of calls per second");
    }
    let talk_mean = Duration::from_millis(
        args.talk_ms.unwrap_or_else(|| (0.4 * f64::from(args.agents) / rate * 1000.0).round() as u64),
    );
    // Two connections per agent here, two more in the server, plus margin.
    let wanted = u64::from(args.agents) * 4 + 1_024;
    let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(0);
    if limit < wanted {
        eprintln!("warning: file-descriptor limit {limit} is below the {wanted} this run may need");
    }

    let data_dir = tempfile_dir()?;
    eprintln!("seeding {} agents and {} skills …", args.agents, args.skills);
    server::seed(data_dir.path(), args.agents, args.skills).await?;
    let material = crate::tls::load_or_generate(None, None, data_dir.path())?;
    let cert = std::fs::read(crate::tls::generated_cert_path(data_dir.path())).context("reading the certificate")?;
    drop(material);
    let tls = Arc::new(crate::tls::client_config_trusting(&cert)?);
    let admin_token = ccgw_store::random_token();
    let spawned = server::spawn(data_dir.path(), &admin_token, false)?;
    let endpoint = Endpoint { addr: spawned.addr, tls: Some(tls), source: None };
    let mut admin = Connection::new(endpoint.clone());
    server::wait_ready(&mut admin, Duration::from_secs(30)).await?;

    let metrics = Arc::new(Metrics::new());
    let placements = Arc::new(Placements::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let (signed_tx, mut signed_rx) = mpsc::channel(1024);
    let behaviour = Behaviour { think: Duration::from_millis(args.think_ms), talk_mean };
    eprintln!("signing in {} agents …", args.agents);
    let mut agents = Vec::new();
    for index in 0..args.agents {
        agents.push(tokio::spawn(agent::run(
            endpoint.spread(index, args.source_addresses),
            server::FIRST_AGENT + index,
            behaviour,
            metrics.clone(),
            placements.clone(),
            stop_rx.clone(),
            signed_tx.clone(),
        )));
    }
    drop(signed_tx);
    let (mut signed_in, mut answered) = (0, 0);
    while answered < args.agents {
        let Some(ok) = signed_rx.recv().await else { break };
        answered += 1;
        signed_in += u32::from(ok);
    }
    if signed_in < args.agents {
        bail!("only {signed_in} of {} agents signed in", args.agents);
    }

    let pid = spawned.child.id();
    let before = server::usage(pid).unwrap_or((0.0, 0));
    eprintln!("placing {rate} calls/s for {} s (mean talk {} ms) …", args.duration, talk_mean.as_millis());
    let started = Instant::now();
    let progress = tokio::spawn(show_progress(metrics.clone(), started));
    let traffic = Traffic {
        rate,
        duration: Duration::from_secs(args.duration),
        skills: args.skills,
        abandon_share: args.abandon_share,
        admin_token: admin_token.clone(),
    };
    let placed = customers::run(endpoint.clone(), traffic, metrics.clone(), placements.clone()).await;
    eprintln!("\nplacing stopped; letting {} calls in flight end …", live_calls(&mut admin, &admin_token).await);
    let drained = drain(&mut admin, &admin_token, talk_mean * 25 + Duration::from_secs(60)).await;
    let elapsed = started.elapsed().as_secs_f64();
    progress.abort();
    let after = server::usage(pid).unwrap_or((0.0, 0));
    let _ = stop_tx.send(true);
    for agent in agents {
        let _ = tokio::time::timeout(Duration::from_secs(5), agent).await;
    }
    if !drained {
        metrics.error("calls still live after the drain limit");
    }
    let completed = check_records(&mut admin, &admin_token, &placed, &metrics).await?;

    let cpu_seconds = after.0 - before.0;
    let mut report = metrics.report(elapsed);
    report["calls_completed"] = json!(completed);
    report["agents"] = json!(args.agents);
    report["rate"] = json!(rate);
    report["duration_s"] = json!(args.duration);
    report["measured_s"] = json!(elapsed);
    report["talk_mean_ms"] = json!(talk_mean.as_millis() as u64);
    report["server"] = json!({
        "cpu_seconds": cpu_seconds,
        "peak_rss_bytes": after.1,
        "cpu_ms_per_call": if completed > 0 { cpu_seconds * 1000.0 / completed as f64 } else { 0.0 },
        "rss_bytes_per_agent": after.1 / u64::from(args.agents),
    });
    report["machine"] = json!({"cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)});
    print_table(&report);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    drop(spawned);
    let errors = metrics.errors();
    if errors > 0 {
        bail!("{errors} errors: this run does not count");
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<TempDir> {
    let path = std::env::temp_dir().join(format!("ccgw-bench-{}", uuid_like()));
    std::fs::create_dir_all(&path)?;
    Ok(TempDir(path))
}

/// A directory removed when the run ends.
struct TempDir(PathBuf);

impl TempDir {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), rand::random::<u32>())
}

async fn show_progress(metrics: Arc<Metrics>, started: Instant) {
    let mut last = (0, 0);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (events, polls, placed, rang) = metrics.progress();
        eprint!(
            "\r{:>5.0} s  placed {placed:>8}  rang {rang:>8}  events/s {:>7}  polls/s {:>7}  errors {}   ",
            started.elapsed().as_secs_f64(),
            events - last.0,
            polls - last.1,
            metrics.errors()
        );
        last = (events, polls);
    }
}

async fn live_calls(admin: &mut Connection, token: &str) -> usize {
    let auth = format!("Bearer {token}");
    match admin.send(Method::GET, "/ccgw/v1/sim/calls", &[("authorization", &auth)], None).await {
        Ok(answer) => serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|value| value["calls"].as_array().map(Vec::len))
            .unwrap_or(usize::MAX),
        Err(_) => usize::MAX,
    }
}

/// Waits until no call is live; `false` if some still are after `limit`.
async fn drain(admin: &mut Connection, token: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if live_calls(admin, token).await == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

/// Counts the placed calls that ended with exactly one recorded outcome; every other
/// placed call is an error.
async fn check_records(
    admin: &mut Connection,
    token: &str,
    placed: &[String],
    metrics: &Metrics,
) -> anyhow::Result<u64> {
    // Records reach SQLite through a batching writer: give it a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let auth = format!("Bearer {token}");
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut offset = 0;
    loop {
        let path = format!("/ccgw/v1/records?limit=1000&offset={offset}");
        let answer = admin.send(Method::GET, &path, &[("authorization", &auth)], None).await?;
        let value: Value = serde_json::from_slice(&answer.body).context("records answer")?;
        let records = value["records"].as_array().cloned().unwrap_or_default();
        for record in &records {
            if let Some(id) = record["callid"].as_str() {
                *seen.entry(id.to_owned()).or_insert(0) += 1;
            }
            if let Some(waited) = record["answeredAt"].as_u64().zip(record["arrivedAt"].as_u64()) {
                metrics.arrival_to_answer(Duration::from_millis(waited.0.saturating_sub(waited.1)));
            }
        }
        if records.len() < 1000 {
            break;
        }
        offset += 1000;
    }
    let mut completed = 0;
    for id in placed {
        match seen.get(id) {
            Some(1) => completed += 1,
            Some(n) => metrics.error(format!("call {id} has {n} outcomes")),
            None => metrics.error(format!("call {id} has no outcome")),
        }
    }
    Ok(completed)
}

fn print_table(report: &Value) {
    let row = |name: &str, value: &Value| {
        let ms = |key: &str| value[key].as_f64().unwrap_or(0.0);
        println!(
            "{name:<28} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            value["count"].as_u64().unwrap_or(0),
            ms("p50"),
            ms("p90"),
            ms("p99"),
            ms("p999"),
            ms("max")
        );
    };
    println!();
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "count", "p50", "p90", "p99", "p99.9", "max"
    );
    let latency = &report["latency_ms"];
    for key in [
        "placed_to_ringing",
        "placed_to_ringing_generated",
        "answer_to_talking",
        "release_to_ready",
        "command",
        "arrival_to_answer",
    ] {
        row(key, &latency[key]);
    }
    if let Some(commands) = latency["command_by_endpoint"].as_object() {
        for (name, value) in commands {
            row(&format!("  {name}"), value);
        }
    }
    println!();
    println!(
        "calls placed {}  completed {}  customer hang-ups {}  races {}",
        report["calls_placed"], report["calls_completed"], report["customer_hang_ups"], report["races"]
    );
    println!(
        "events/s {:.0}  polls/s {:.0}  server cpu {:.2} s  peak rss {:.1} MiB  errors {}",
        report["events_per_second"].as_f64().unwrap_or(0.0),
        report["polls_per_second"].as_f64().unwrap_or(0.0),
        report["server"]["cpu_seconds"].as_f64().unwrap_or(0.0),
        report["server"]["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1_048_576.0,
        report["errors"]
    );
}
