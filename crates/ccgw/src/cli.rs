//! Command-line interface.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands::calls::CallCommand;
use crate::commands::directory::{AgentCommand, VdnCommand};
use crate::commands::groups::{GroupCommand, RestReasonCommand};
use crate::commands::records::RecordsCommand;
use crate::commands::skills::SkillCommand;
use crate::config::Overrides;

#[derive(Debug, Parser)]
#[command(
    name = "ccgw",
    version,
    about = "Open contact-center agent gateway speaking the Huawei CC-Gateway agent REST API"
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (directory database, certificate, admin token). Default ./ccgw-data.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway.
    Serve(ServeArgs),
    /// Manage agents in the directory.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Manage skills in the directory.
    #[command(subcommand)]
    Skill(SkillCommand),
    /// Manage VDNs (tenants) in the directory.
    #[command(subcommand)]
    Vdn(VdnCommand),
    /// Manage agent groups (teams) in the directory.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Manage rest reasons in the directory.
    #[command(subcommand)]
    RestReason(RestReasonCommand),
    /// Set or remove agent phones' SIP secrets (the registrar checks phones against them).
    #[command(subcommand)]
    Phone(crate::commands::phones::PhoneCommand),
    /// Read the records of finished calls.
    #[command(subcommand)]
    Records(RecordsCommand),
    /// Read the audit trail: commands and agent state changes.
    #[command(subcommand)]
    Audit(crate::commands::audit::AuditCommand),
    /// Drive simulated customer calls on a running gateway.
    Call(CallArgs),
    /// Load-test a gateway started on loopback: agents, customers, latencies (BENCHMARKS.md).
    Bench(crate::bench::BenchArgs),
    /// The bare HTTP+TLS responder `ccgw bench --baseline` compares the gateway with.
    #[command(hide = true)]
    BenchResponder(crate::bench::ResponderArgs),
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// Base URL of the running gateway; default from the configuration's bind address.
    #[arg(long)]
    pub url: Option<String>,
    /// Admin token; default the configured one or the one kept in the data dir.
    #[arg(long)]
    pub admin_token: Option<String>,
    #[command(subcommand)]
    pub command: CallCommand,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address, e.g. 127.0.0.1:8043.
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// PEM certificate chain (with --tls-key); without, a self-signed one is kept in the data dir.
    #[arg(long)]
    pub tls_cert: Option<PathBuf>,
    #[arg(long)]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS (behind a TLS-terminating proxy).
    #[arg(long)]
    pub http: bool,
    /// Bearer token of the /ccgw/v1 extension API; without, one is generated and kept in the data dir.
    #[arg(long)]
    pub admin_token: Option<String>,
    /// UDP and TCP address of the SIP registrar for agent phones, e.g. 127.0.0.1:5060.
    #[arg(long)]
    pub sip_bind: Option<SocketAddr>,
    /// The switch that carries calls: the embedded simulated one, or real SIP calls.
    #[arg(long, value_enum)]
    pub switch: Option<crate::config::SwitchKind>,
    /// Guid handling (engine.auth_mode): dynamic (default, as Huawei's gateway) or static
    /// (one Guid per sign-in, for clients that read Set-GUID only from the sign-in answer).
    #[arg(long, value_enum)]
    pub auth_mode: Option<crate::config::AuthModeArg>,
    /// Seed a demo center into an empty directory.
    #[arg(long)]
    pub demo: bool,
    /// Password of the demo agents; without, a random one is printed in the banner.
    #[arg(long)]
    pub demo_password: Option<String>,
}

impl Cli {
    pub fn overrides(&self) -> Overrides {
        let mut overrides = Overrides { data_dir: self.data_dir.clone(), ..Overrides::default() };
        match &self.command {
            Command::Serve(serve) => {
                overrides.bind = serve.bind;
                overrides.tls_cert = serve.tls_cert.clone();
                overrides.tls_key = serve.tls_key.clone();
                overrides.http = serve.http.then_some(true);
                overrides.admin_token = serve.admin_token.clone();
                overrides.demo = serve.demo.then_some(true);
                overrides.demo_password = serve.demo_password.clone();
                overrides.sip = serve.sip_bind.map(|bind| crate::config::SipOverrides { bind });
                overrides.switch = serve.switch;
                overrides.engine = serve.auth_mode.map(|auth_mode| crate::config::EngineOverrides { auth_mode });
            }
            Command::Call(call) => overrides.admin_token = call.admin_token.clone(),
            Command::Agent(_)
            | Command::Skill(_)
            | Command::Vdn(_)
            | Command::Group(_)
            | Command::RestReason(_)
            | Command::Records(_)
            | Command::Audit(_)
            | Command::Phone(_)
            | Command::Bench(_)
            | Command::BenchResponder(_) => {}
        }
        overrides
    }
}
