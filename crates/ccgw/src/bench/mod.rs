//! `ccgw bench`: a load harness that drives a gateway the way real agent clients do and
//! measures it (placed → Ringing, command latency, answer → Talking, release → Ready,
//! events and polls per second, the server's CPU time and peak RSS), with zero errors
//! required for a run to count. See BENCHMARKS.md.

mod agent;
mod client;
mod customers;
mod metrics;
mod report;
mod responder;
mod server;

pub use responder::{ResponderArgs, serve as serve_responder};

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
use self::report::{CLOCK_SKEW_MS, check_records, print_table};

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
    /// Drive a gateway already running at this URL (agents seeded with `--seed`) instead
    /// of starting one.
    #[arg(long, value_name = "URL", conflicts_with = "spawn")]
    pub target: Option<String>,
    /// Start a gateway on loopback for the run (the default).
    #[arg(long)]
    pub spawn: bool,
    /// With `--target`: that gateway's admin token (for its simulated switch and records).
    #[arg(long, requires = "target")]
    pub admin_token: Option<String>,
    /// With an https `--target`: the PEM certificate to trust (for a generated one,
    /// `<data dir>/tls/cert.pem`).
    #[arg(long, requires = "target")]
    pub ca_cert: Option<PathBuf>,
    /// With `--target`: the gateway's process id, to read its CPU time and peak RSS.
    #[arg(long, requires = "target")]
    pub server_pid: Option<u32>,
    /// Then apply the same load to a bare HTTP+TLS responder and report ccgw's CPU per
    /// request as a ratio to the responder's.
    #[arg(long)]
    pub baseline: bool,
    /// Only seed this data dir with the bench's VDN, skills and agents (for `--target`).
    #[arg(long, value_name = "DATA_DIR", conflicts_with_all = ["target", "baseline"])]
    pub seed: Option<PathBuf>,
    /// An agent closes its command connection after this many ms without a command.
    #[arg(long, default_value_t = 5_000)]
    pub command_idle_ms: u64,
    /// Write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The load every run of one invocation applies, whatever it is applied to.
#[derive(Clone)]
struct Load {
    agents: u32,
    rate: f64,
    duration: Duration,
    skills: u32,
    behaviour: Behaviour,
    abandon_share: f64,
    source_addresses: u32,
}

/// A server to drive: where it is, its admin token, and its process for /proc figures.
struct Target {
    endpoint: Endpoint,
    admin_token: String,
    pid: Option<u32>,
    /// Keeps a spawned server (and its data dir) alive for the run.
    _spawned: Option<(server::Spawned, TempDir)>,
}

/// Runs the benchmark and prints the table; with `--seed DIR` only seeds. Returns an
/// error (exit status 1) when a run had errors.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.agents == 0 || args.skills == 0 || args.duration == 0 {
        bail!("--agents, --skills and --duration must be positive");
    }
    if let Some(dir) = &args.seed {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        server::seed(dir, args.agents, args.skills).await?;
        println!(
            "seeded {} agents ({} …) and {} skills in {}; password {}",
            args.agents,
            server::FIRST_AGENT,
            args.skills,
            dir.display(),
            server::PASSWORD
        );
        return Ok(());
    }
    let load = load_from(&args)?;
    // One poll connection per agent, a command connection for the agents in the middle of
    // a call (a fifth is generous at the default load), and margin.
    let wanted = u64::from(args.agents) * 6 / 5 + 1_024;
    let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(0);
    if limit < wanted {
        eprintln!("warning: file-descriptor limit {limit} is below the {wanted} this run may need");
    }

    let target = match &args.target {
        Some(url) => remote_target(url, &args)?,
        None => spawned_target(args.agents, args.skills, server::Server::Gateway).await?,
    };
    let mut report = drive(&target, &load).await?;
    drop(target);
    print_table(&report);
    if args.baseline {
        let responder = spawned_target(args.agents, args.skills, server::Server::Baseline).await?;
        eprintln!("\nthe same load against the baseline responder …");
        let baseline = drive(&responder, &load).await?;
        drop(responder);
        println!("\nbaseline responder (hyper + rustls, canned answers):");
        print_table(&baseline);
        let ratio = cpu_per_request(&report).zip(cpu_per_request(&baseline)).map(|(ours, bare)| ours / bare);
        report["ratio_cpu_per_request"] = json!(ratio);
        report["baseline"] = baseline;
        match ratio {
            Some(ratio) => println!("\nCPU per request: {ratio:.2} × the baseline responder's"),
            None => println!("\nCPU per request: no ratio (a CPU figure is missing)"),
        }
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let errors = report["errors"].as_u64().unwrap_or(0) + report["baseline"]["errors"].as_u64().unwrap_or(0);
    if errors > 0 {
        bail!("{errors} errors: this run does not count");
    }
    Ok(())
}

fn load_from(args: &BenchArgs) -> anyhow::Result<Load> {
    let rate = args.rate.unwrap_or(f64::from(args.agents) / 50.0);
    if !(rate > 0.0 && rate.is_finite()) {
        bail!("--rate must be a positive number of calls per second");
    }
    let talk_mean = Duration::from_millis(
        args.talk_ms.unwrap_or_else(|| (0.4 * f64::from(args.agents) / rate * 1000.0).round() as u64),
    );
    Ok(Load {
        agents: args.agents,
        rate,
        duration: Duration::from_secs(args.duration),
        skills: args.skills,
        behaviour: Behaviour {
            think: Duration::from_millis(args.think_ms),
            talk_mean,
            command_idle: Duration::from_millis(args.command_idle_ms),
        },
        abandon_share: args.abandon_share,
        source_addresses: args.source_addresses,
    })
}

/// CPU microseconds per answered request, if the run measured the server's CPU.
fn cpu_per_request(report: &Value) -> Option<f64> {
    report["server"]["cpu_us_per_request"].as_f64().filter(|value| *value > 0.0)
}

/// Seeds a fresh data dir and starts the gateway (or the responder) on loopback.
async fn spawned_target(agents: u32, skills: u32, kind: server::Server) -> anyhow::Result<Target> {
    let data_dir = tempfile_dir()?;
    if kind == server::Server::Gateway {
        eprintln!("seeding {agents} agents and {skills} skills …");
        server::seed(data_dir.path(), agents, skills).await?;
    }
    let material = crate::tls::load_or_generate(None, None, data_dir.path())?;
    let cert = std::fs::read(crate::tls::generated_cert_path(data_dir.path())).context("reading the certificate")?;
    drop(material);
    let tls = Arc::new(crate::tls::client_config_trusting(&cert)?);
    let admin_token = ccgw_store::random_token();
    let spawned = server::spawn(data_dir.path(), &admin_token, kind)?;
    let endpoint = Endpoint::loopback(spawned.addr, Some(tls))?;
    server::wait_ready(&mut Connection::new(endpoint.clone()), Duration::from_secs(30)).await?;
    Ok(Target { endpoint, admin_token, pid: Some(spawned.child.id()), _spawned: Some((spawned, data_dir)) })
}

/// A gateway already running at `url`, whose directory holds the bench's agents
/// (`ccgw bench --seed DIR`).
fn remote_target(url: &str, args: &BenchArgs) -> anyhow::Result<Target> {
    let uri: http::Uri = url.parse().with_context(|| format!("--target {url} is not a URL"))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => bail!("--target must start with https:// or http://"),
    };
    let host = uri.host().context("--target has no host")?.trim_matches(['[', ']']).to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let addr = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        .with_context(|| format!("resolving {host}"))?
        .next()
        .with_context(|| format!("{host} has no address"))?;
    if args.source_addresses > 1 && !addr.ip().is_loopback() {
        bail!("--source-addresses spreads over 127.0.0.x and needs a loopback --target");
    }
    let admin_token = args.admin_token.clone().context("--target needs --admin-token (the sim and records paths)")?;
    let tls = if https {
        let path = args.ca_cert.as_ref().context("an https --target needs --ca-cert (PEM of its certificate)")?;
        let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Some(Arc::new(crate::tls::client_config_trusting(&pem)?))
    } else {
        None
    };
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.clone())
        .with_context(|| format!("{host} is not a valid TLS server name"))?;
    Ok(Target { endpoint: Endpoint::new(addr, tls, name), admin_token, pid: args.server_pid, _spawned: None })
}

/// Signs every agent in, places calls for the load's duration, drains, checks the
/// records, and returns the run's report.
async fn drive(target: &Target, load: &Load) -> anyhow::Result<Value> {
    let endpoint = &target.endpoint;
    let admin_token = &target.admin_token;
    let mut admin = Connection::new(endpoint.clone());
    server::wait_ready(&mut admin, Duration::from_secs(30)).await?;
    let metrics = Arc::new(Metrics::new());
    let placements = Arc::new(Placements::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let (signed_tx, mut signed_rx) = mpsc::channel(1024);
    eprintln!("signing in {} agents …", load.agents);
    let sign_in_started = Instant::now();
    let mut agents = AbortOnDrop(Vec::new());
    for index in 0..load.agents {
        agents.0.push(tokio::spawn(agent::run(
            endpoint.spread(index, load.source_addresses),
            server::FIRST_AGENT + index,
            load.behaviour,
            metrics.clone(),
            placements.clone(),
            stop_rx.clone(),
            signed_tx.clone(),
        )));
    }
    drop(signed_tx);
    let (mut signed_in, mut answered) = (0, 0);
    while answered < load.agents {
        let Some(ok) = signed_rx.recv().await else { break };
        answered += 1;
        signed_in += u32::from(ok);
    }
    if signed_in < load.agents {
        bail!("only {signed_in} of {} agents signed in", load.agents);
    }
    let sign_in_seconds = sign_in_started.elapsed().as_secs_f64();

    let usage = || target.pid.and_then(server::usage);
    let before = usage();
    let requests_before = endpoint.answered();
    let talk_mean = load.behaviour.talk_mean;
    eprintln!(
        "placing {} calls/s for {} s (mean talk {} ms) …",
        load.rate,
        load.duration.as_secs(),
        talk_mean.as_millis()
    );
    let started = Instant::now();
    let placing_since_ms = agent::Moment::now().wall_ms;
    metrics.mark_start();
    let progress = tokio::spawn(show_progress(metrics.clone(), started));
    let traffic = Traffic {
        rate: load.rate,
        duration: load.duration,
        skills: load.skills,
        abandon_share: load.abandon_share,
        admin_token: admin_token.clone(),
    };
    let placed = customers::run(endpoint.clone(), traffic, metrics.clone(), placements.clone()).await;
    eprintln!("\nplacing stopped; letting {} calls in flight end …", live_calls(&mut admin, admin_token).await);
    let drained = drain(&mut admin, admin_token, talk_mean * 25 + Duration::from_secs(60)).await;
    let elapsed = started.elapsed().as_secs_f64();
    progress.abort();
    let after = usage();
    let requests = endpoint.answered() - requests_before;
    let _ = stop_tx.send(true);
    // Agents end at once without a call; none should be left, but none may linger into
    // the next run with its connections either.
    let deadline = Instant::now() + Duration::from_secs(5);
    for agent in agents.0.drain(..) {
        let abort = agent.abort_handle();
        if tokio::time::timeout_at(deadline, agent).await.is_err() {
            abort.abort();
        }
    }
    if !drained {
        metrics.error("calls still live after the drain limit");
    }
    let completed =
        check_records(&mut admin, admin_token, &placed, placing_since_ms.saturating_sub(CLOCK_SKEW_MS), &metrics)
            .await?;

    let mut report = metrics.report(elapsed);
    report["calls_completed"] = json!(completed);
    report["agents"] = json!(load.agents);
    report["rate"] = json!(load.rate);
    report["duration_s"] = json!(load.duration.as_secs());
    report["measured_s"] = json!(elapsed);
    report["sign_in_s"] = json!(sign_in_seconds);
    report["talk_mean_ms"] = json!(talk_mean.as_millis() as u64);
    report["requests"] = json!(requests);
    report["server"] = match before.zip(after) {
        Some((before, after)) => {
            let cpu_seconds = after.0 - before.0;
            let per = |count: u64, scale: f64| if count > 0 { cpu_seconds * scale / count as f64 } else { 0.0 };
            json!({
                "cpu_seconds": cpu_seconds,
                "peak_rss_bytes": after.1,
                "cpu_ms_per_call": per(completed, 1e3),
                "cpu_us_per_request": per(requests, 1e6),
                "rss_bytes_per_agent": after.1 / u64::from(load.agents),
            })
        }
        None => json!({ "cpu_seconds": null, "peak_rss_bytes": null }),
    };
    report["machine"] = json!({"cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)});
    Ok(report)
}

/// Aborts the agents when a run ends early (a failed sign-in, an error), so that none
/// keeps polling into the next run.
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for agent in &self.0 {
            agent.abort();
        }
    }
}

fn tempfile_dir() -> anyhow::Result<TempDir> {
    let path = std::env::temp_dir().join(format!("ccgw-bench-{}", unique_suffix()));
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

fn unique_suffix() -> String {
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
