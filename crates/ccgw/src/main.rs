use anyhow::Context;
use ccgw::cli::{Cli, Command};
use ccgw::commands::{audit, calls, directory, groups, phones, records, skills};
use ccgw::config::Config;
use ccgw::secrets::TokenSource;
use ccgw::startup::{App, Banner, Hooks};
use ccgw::{secrets, telemetry, tls};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = Config::load(cli.config.as_deref(), &cli.overrides())?;
    telemetry::init(config.log_format);
    for variable in ccgw::config::foreign_env_variables() {
        tracing::warn!(%variable, "not a ccgw setting (no such top-level key); ignored");
    }
    match cli.command {
        Command::Serve(_) => serve(config).await,
        Command::Agent(command) => directory::run_agent(command, &config.data_dir).await,
        Command::Skill(command) => skills::run_skill(command, &config.data_dir).await,
        Command::Vdn(command) => directory::run_vdn(command, &config.data_dir).await,
        Command::Group(command) => groups::run_group(command, &config.data_dir).await,
        Command::RestReason(command) => groups::run_rest_reason(command, &config.data_dir).await,
        Command::Records(command) => records::run_records(command, &config.data_dir).await,
        Command::Audit(command) => audit::run_audit(command, &config.data_dir).await,
        Command::Phone(command) => phones::run_phone(command, &config.data_dir, &config.sip.realm).await,
        Command::Bench(args) => ccgw::bench::run(args).await,
        Command::BenchResponder(args) => ccgw::bench::serve_responder(args, &config.data_dir).await,
        Command::Call(args) => {
            let target = call_target(&config, args.url)?;
            calls::run_call(args.command, &target).await
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = App::build(config, Hooks::default()).await?;
    print_banner(&app.banner);
    app.run_until(shutdown_signal()).await;
    Ok(())
}

/// Writes the start-up banner to stdout. A stdout nobody reads any more (a closed pipe)
/// must not stop the gateway, so write errors are ignored; `println!` would panic.
fn print_banner(banner: &Banner) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(banner_text(banner).as_bytes());
}

fn banner_text(banner: &Banner) -> String {
    let mut lines = vec![
        format!("ccgw {} listening on {}", env!("CARGO_PKG_VERSION"), banner.url),
        format!("  data dir:     {}", banner.data_dir),
    ];
    lines.push(match banner.token_source {
        TokenSource::Generated => {
            format!("  admin token:  {} (generated now, kept in the data dir)", banner.admin_token)
        }
        TokenSource::Stored => format!("  admin token:  kept in {}/admin-token", banner.data_dir),
        TokenSource::Configured => "  admin token:  as configured".to_owned(),
    });
    if let Some(password) = &banner.demo_password {
        lines.push("  demo center:  VDN 1, skills 1 General / 2 VIP, agents 101-120 (120 inspector)".to_owned());
        lines.push(format!("  demo login:   work numbers 101-120, password {password}"));
    }
    if let Some(sip) = &banner.sip {
        lines.push(format!("  sip registrar: {sip}"));
    }
    if let Some(note) = &banner.demo_note {
        lines.push(format!("  demo center:  {note}"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn call_target(config: &Config, url: Option<String>) -> anyhow::Result<calls::ServerTarget> {
    let scheme = if config.http { "http" } else { "https" };
    let url = url.unwrap_or_else(|| format!("{scheme}://{}", config.bind));
    let (token, _) = secrets::admin_token(config.admin_token.as_deref(), &config.data_dir)?;
    let trust_pem = match config.tls_cert.as_deref() {
        Some(path) => Some(std::fs::read(path).with_context(|| format!("while reading {}", path.display()))?),
        None => std::fs::read(tls::generated_cert_path(&config.data_dir)).ok(),
    };
    Ok(calls::ServerTarget { url, token, trust_pem })
}

/// Completes on SIGTERM (systemd, container runtimes) or SIGINT (Ctrl-C); the graceful
/// stop follows (`App::run_until`). A second signal during that stop exits at once.
async fn shutdown_signal() {
    let first = stop_signal().await;
    tracing::info!(signal = first, "stop requested: stopping gracefully (a second signal exits at once)");
    tokio::spawn(async {
        let second = stop_signal().await;
        tracing::warn!(signal = second, "second stop signal: exiting without finishing the stop");
        std::process::exit(1);
    });
}

async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut terminate) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return "SIGINT";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}
