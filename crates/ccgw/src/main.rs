use ccgw::cli::{Cli, Command};
use ccgw::config::Config;
use ccgw::secrets::TokenSource;
use ccgw::startup::{App, Banner, Hooks};
use ccgw::telemetry;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    telemetry::init();
    let config = Config::load(cli.config.as_deref(), &cli.overrides())?;
    match cli.command {
        Command::Serve(_) => serve(config).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = App::build(config, Hooks::default()).await?;
    print_banner(&app.banner);
    app.run_until(shutdown_signal()).await;
    Ok(())
}

fn print_banner(banner: &Banner) {
    println!("ccgw {} listening on {}", env!("CARGO_PKG_VERSION"), banner.url);
    println!("  data dir:     {}", banner.data_dir);
    match banner.token_source {
        TokenSource::Generated => {
            println!("  admin token:  {} (generated now, kept in the data dir)", banner.admin_token)
        }
        TokenSource::Stored => println!("  admin token:  kept in {}/admin-token", banner.data_dir),
        TokenSource::Configured => println!("  admin token:  as configured"),
    }
    if let Some(password) = &banner.demo_password {
        println!("  demo center:  VDN 1, skills 1 General / 2 VIP, agents 101-120 (120 inspector)");
        println!("  demo login:   work numbers 101-120, password {password}");
    }
    if let Some(note) = &banner.demo_note {
        println!("  demo center:  {note}");
    }
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
