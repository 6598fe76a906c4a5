//! Configuration: defaults, then an optional TOML file (`--config`), then `CCGW_*`
//! environment variables (`__` separates sections: `CCGW_ENGINE__RING_TIMEOUT_MS`), then
//! command-line flags. Validated once into the settings each crate takes.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use ccgw_api::ApiSettings;
use ccgw_core::{AuthMode, AuthSettings, CenterSettings, IvrEnd, IvrFlow, IvrId, Vdn, check_flows};
use ccgw_engine::{AgentPhoneRule, EngineSettings, FarEndRule, LogLimits, RuleError, SimSettings, far_end_delay};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port of the listener.
    pub bind: SocketAddr,
    /// Directory database, generated certificate and admin token live here.
    pub data_dir: PathBuf,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP (behind a TLS-terminating proxy).
    pub http: bool,
    pub admin_token: Option<String>,
    /// Seed the demo center into an empty directory.
    pub demo: bool,
    pub demo_password: Option<String>,
    pub engine: EngineConfig,
    pub api: ApiConfig,
    /// Connections, request bodies and the graceful stop.
    pub server: ServerConfig,
    /// `[sign_in]`: lockouts after wrong passwords and admin tokens, and the bounded queue
    /// of password checks (README, "Sign-in protection").
    pub sign_in: SignInConfig,
    /// `[audit]`: how long the audit trail is kept.
    pub audit: AuditConfig,
    /// `[sip]`: the SIP registrar for agent phones.
    pub sip: SipConfig,
    /// `[push]`: Huawei push mode (`docs/push-mode.md`); off without an allow-list.
    pub push: PushConfig,
    /// `text` or `json` log lines on stderr.
    pub log_format: LogFormat,
    /// The telephony the engine drives; `sim` (the embedded simulated switch) is the
    /// only one so far.
    pub switch: SwitchKind,
    pub sim: SimConfig,
    /// `[[ivr_flows]]`: the IVR flows agents can transfer calls to. Absent: none, or
    /// with `demo` the demo flows ([`demo_ivr_flows`]); `ivr_flows = []`: none at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ivr_flows: Option<Vec<IvrFlowConfig>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8043)),
            data_dir: PathBuf::from("./ccgw-data"),
            tls_cert: None,
            tls_key: None,
            http: false,
            admin_token: None,
            demo: false,
            demo_password: None,
            engine: EngineConfig::default(),
            api: ApiConfig::default(),
            server: ServerConfig::default(),
            sign_in: SignInConfig::default(),
            audit: AuditConfig::default(),
            sip: SipConfig::default(),
            push: PushConfig::default(),
            log_format: LogFormat::default(),
            switch: SwitchKind::default(),
            sim: SimConfig::default(),
            ivr_flows: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    pub ring_timeout_ms: u64,
    /// Wrap-up after a call when `autoenteridle` is off and neither the call's skill nor
    /// the agent sets one; 0 = until the agent ends it.
    pub wrap_up_ms: u64,
    /// Sign out agents silent this long; 0 disables (`TIMEOUT_FLAG`/`MAXTIME`).
    pub liveness_ms: u64,
    /// `dynamic` (rotating Guids, `AUTHMODE=2`) or `static` (`AUTHMODE=1`).
    pub auth_mode: String,
    pub guid_interval_ms: u64,
    pub guid_timeout_ms: u64,
    /// Node number in Guids (`….AgentGateway<node>`).
    pub node: u32,
    pub allow_force_login: bool,
    pub no_answer_busy_reason: u16,
    /// Events held per agent (`mailbox_capacity` before the event logs).
    #[serde(alias = "mailbox_capacity")]
    pub event_log_capacity: usize,
    /// How long an event every sign-in's poll has taken stays readable by cursor.
    pub event_retention_ms: u64,
    /// Send `AgentOther_All_Agent_Busy` when a skill's first call has to wait.
    pub all_busy_notice: bool,
    /// How long a number an agent dials may ring before the call fails.
    pub dial_timeout_ms: u64,
    /// How often skill edits made outside the server (CLI) are picked up.
    pub skill_refresh_ms: u64,
    /// Requests (polls aside) one signed-in agent may make a second on average; over it,
    /// `000-007`. 0 turns the limit off.
    pub agent_requests_per_second: u32,
    /// Requests one agent may make at once after a quiet time.
    pub agent_request_burst: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            ring_timeout_ms: 20_000,
            wrap_up_ms: 0,
            liveness_ms: 120_000,
            auth_mode: "dynamic".into(),
            guid_interval_ms: 60_000,
            guid_timeout_ms: 120_000,
            node: 1,
            allow_force_login: true,
            no_answer_busy_reason: 2,
            event_log_capacity: 1024,
            event_retention_ms: 600_000,
            all_busy_notice: false,
            dial_timeout_ms: 60_000,
            skill_refresh_ms: 2_000,
            agent_requests_per_second: ccgw_core::RequestRate::DEFAULT.per_second,
            agent_request_burst: ccgw_core::RequestRate::DEFAULT.burst,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Hold of an empty event poll (`AGENT_POLL_WAIT_*`); at most 10 s, clients time out above.
    pub poll_hold_ms: u64,
    pub work_no_min: u32,
    pub work_no_max: u32,
    pub server_name: String,
    /// How long a command's `Idempotency-Key` is remembered.
    pub idempotency_ttl_ms: u64,
    /// Most keys remembered at once; the oldest answered ones go first.
    pub idempotency_capacity: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        let idempotency = ccgw_api::IdempotencySettings::default();
        Self {
            poll_hold_ms: 10_000,
            work_no_min: 1,
            work_no_max: 999_999,
            server_name: "ccgw".into(),
            idempotency_ttl_ms: idempotency.ttl.as_millis() as u64,
            idempotency_capacity: idempotency.capacity,
        }
    }
}

/// `[push]`: Huawei push mode. Names after the product's keys (spec 01 §12).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PushConfig {
    /// `EVENT_PUST_WHILTELIST_CALLBACKURI`: `;`-separated https URLs a push sign-in may
    /// name (scheme, host, port and path compared exactly; any query). Empty: no push.
    pub callback_allow_list: String,
    /// `eventpush.ssl.cert.file`: PEM certificates receivers' chains must end in. Unset:
    /// the system's bundle ([`SYSTEM_CA_BUNDLES`], or `SSL_CERT_FILE`), read only when an
    /// allow-list is set.
    pub ca_file: Option<PathBuf>,
    /// `EVENT_PUSH_FAIL_INTERVALTIME`.
    pub retry_interval_ms: u64,
    /// `EVENT_PUSH_FAIL_TOTALTIME`: failing longer signs the agent out.
    pub failure_window_ms: u64,
    /// One attempt's limit, connecting included.
    pub attempt_timeout_ms: u64,
}

impl Default for PushConfig {
    fn default() -> Self {
        let defaults = ccgw_api::PushSettings::default();
        Self {
            callback_allow_list: String::new(),
            ca_file: None,
            retry_interval_ms: defaults.retry_every.as_millis() as u64,
            failure_window_ms: defaults.give_up_after.as_millis() as u64,
            attempt_timeout_ms: defaults.attempt_timeout.as_millis() as u64,
        }
    }
}

impl PushConfig {
    /// The api's push settings, with the CA bundle read.
    pub fn settings(&self) -> anyhow::Result<ccgw_api::PushSettings> {
        if self.retry_interval_ms == 0 || self.attempt_timeout_ms == 0 {
            bail!("push.retry_interval_ms and push.attempt_timeout_ms must be positive");
        }
        let ca_pem = match &self.ca_file {
            Some(path) => {
                std::fs::read(path).with_context(|| format!("while reading push.ca_file {}", path.display()))?
            }
            // No entry (nothing, or only separators): push is off, no roots needed.
            None if self.callback_allow_list.split(';').all(|entry| entry.trim().is_empty()) => Vec::new(),
            None => system_ca_bundle().context("push mode: no push.ca_file, and no system CA bundle found")?,
        };
        Ok(ccgw_api::PushSettings {
            allow_list: self.callback_allow_list.clone(),
            ca_pem,
            retry_every: Duration::from_millis(self.retry_interval_ms),
            give_up_after: Duration::from_millis(self.failure_window_ms),
            attempt_timeout: Duration::from_millis(self.attempt_timeout_ms),
            ..ccgw_api::PushSettings::default()
        })
    }
}

/// Where Linux distributions keep the system's CA bundle (Debian and Ubuntu; Fedora, RHEL
/// and their kind; openSUSE; Alpine has the first).
pub const SYSTEM_CA_BUNDLES: [&str; 3] =
    ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem"];

/// The system's CA bundle: `SSL_CERT_FILE` if set (as OpenSSL reads it), else the first
/// of [`SYSTEM_CA_BUNDLES`] that exists.
fn system_ca_bundle() -> anyhow::Result<Vec<u8>> {
    if let Some(path) = std::env::var_os("SSL_CERT_FILE") {
        let path = PathBuf::from(path);
        return std::fs::read(&path).with_context(|| format!("while reading SSL_CERT_FILE {}", path.display()));
    }
    SYSTEM_CA_BUNDLES
        .iter()
        .find_map(|path| std::fs::read(path).ok())
        .ok_or_else(|| anyhow::anyhow!("none of {} exists", SYSTEM_CA_BUNDLES.join(", ")))
}

/// `[audit]`: the audit trail of commands and state changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Days an entry is kept; 0 keeps every entry.
    pub retention_days: u32,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self { retention_days: 90 }
    }
}

impl AuditConfig {
    pub fn retention(&self) -> Option<Duration> {
        (self.retention_days > 0).then(|| Duration::from_secs(u64::from(self.retention_days) * 86_400))
    }
}

/// `[sip]`: the SIP side: the registrar for agent phones and, with `switch = "sip"`, the
/// trunks customer calls come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipConfig {
    /// UDP and TCP address of the registrar and the SIP switch; absent: no SIP listener
    /// (with `switch = "sip"`: 127.0.0.1:5060).
    pub bind: Option<SocketAddr>,
    /// The address phones and trunks reach ccgw's SIP at, when it is not `bind` (behind
    /// NAT, or a 0.0.0.0 bind on a host with several addresses); it goes in Via, Contact
    /// and the SDP of call-outs. Absent: the bound address (0.0.0.0: the host's first
    /// address that is not loopback).
    pub public_address: Option<SocketAddr>,
    /// Digest realm; a phone's secret is stored as its hash for this realm, so changing it
    /// needs every secret set again.
    pub realm: String,
    /// Seconds a digest nonce stays valid.
    pub nonce_lifetime_secs: u64,
    /// Registration lifetimes: granted without `Expires`, shortest accepted (423 below),
    /// longest granted.
    pub register_default_secs: u32,
    pub register_min_secs: u32,
    pub register_max_secs: u32,
    /// Refused REGISTERs (wrong digest, unknown number, replay) from one address within
    /// the window that lock the address for `lock_secs`; 0 failures = never.
    pub lock_failures: u32,
    pub lock_window_secs: u64,
    pub lock_secs: u64,
    /// Where customer calls may come from (`switch = "sip"`); an INVITE from any other
    /// address gets 403. With `--demo`, none configured means 127.0.0.1 and ::1.
    pub trunks: Vec<TrunkConfig>,
    /// Seconds between the OPTIONS that probe each leg of a bridged call; a leg answering
    /// 481 or 408, or not at all, ends the call as its hang-up. 0 = never.
    pub keepalive_secs: u64,
    /// `seconddial` digits go to the customer's leg as SIP INFO (`application/dtmf-relay`).
    /// Off: refused "not supported on this switch" (ccgw has no media to send tones in);
    /// turn it on only where every trunk acts on such INFOs.
    pub dtmf_info: bool,
    /// With `switch = "sip"`: sign-in is refused (`100-013`, "… is not registered") while
    /// the agent's phone has no registration. Off: sign-in checks nothing about the phone.
    pub require_registered_phone: bool,
}

/// One `[[sip.trunks]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrunkConfig {
    pub name: String,
    /// The addresses its INVITEs come from.
    pub sources: Vec<IpAddr>,
    /// Where agents' call-outs go through it (`"192.0.2.1:5060"`, UDP); the first trunk
    /// with one carries them. Without any, call-outs are refused "not supported".
    #[serde(default)]
    pub dial: Option<SocketAddr>,
}

/// Where the SIP switch listens when `switch = "sip"` and no `sip.bind` is given.
pub const DEFAULT_SIP_BIND: &str = "127.0.0.1:5060";

impl SipConfig {
    fn validate(&self) -> anyhow::Result<()> {
        if self.realm.is_empty() || self.realm.contains(['"', '\\']) || self.realm.len() > 128 {
            bail!("sip.realm must be 1-128 characters without quotes or backslashes");
        }
        if self.nonce_lifetime_secs == 0 {
            bail!("sip.nonce_lifetime_secs must be positive");
        }
        let (min, default, max) = (self.register_min_secs, self.register_default_secs, self.register_max_secs);
        if min == 0 || min > default || default > max {
            bail!(
                "sip registration lifetimes must be 0 < register_min_secs <= register_default_secs <= register_max_secs"
            );
        }
        if let Some(public) = self.public_address
            && (public.ip().is_unspecified() || public.port() == 0)
        {
            bail!("sip.public_address must be an address and port peers can reach, not {public}");
        }
        for trunk in &self.trunks {
            if trunk.name.trim().is_empty() || trunk.sources.is_empty() {
                bail!("every sip.trunks entry needs a name and at least one source address");
            }
            if let Some(dial) = trunk.dial
                && (dial.ip().is_unspecified() || dial.port() == 0)
            {
                bail!("sip.trunks {:?}: dial must be an address and port to send INVITEs to, not {dial}", trunk.name);
            }
        }
        Ok(())
    }
}

impl Default for SipConfig {
    fn default() -> Self {
        Self {
            bind: None,
            public_address: None,
            realm: "ccgw".into(),
            nonce_lifetime_secs: 300,
            register_default_secs: 3600,
            register_min_secs: 60,
            register_max_secs: 3600,
            lock_failures: 10,
            lock_window_secs: 300,
            lock_secs: 300,
            trunks: Vec::new(),
            keepalive_secs: 30,
            dtmf_info: false,
            require_registered_phone: false,
        }
    }
}

/// `[server]`: what one client may take of the listener, and the graceful stop.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Most connections served at once; one over it is answered "busy, retry" and closed.
    pub max_connections: usize,
    /// Longest a client may take to send a request head (and the first one after connecting).
    pub header_timeout_ms: u64,
    /// Longest a client may take to finish the TLS handshake.
    pub handshake_timeout_ms: u64,
    /// Largest request body, declared or sent.
    pub body_limit_bytes: usize,
    /// Longest a request body may take to arrive after its head.
    pub body_timeout_ms: u64,
    /// Most memory all request bodies in flight may hold together; over it, "busy, retry".
    pub body_memory_bytes: usize,
    /// On SIGTERM or SIGINT: how long signed-out agents' polls and requests in flight are
    /// given before the remaining connections are closed.
    pub shutdown_grace_ms: u64,
    /// Origins (`https://crm.example.com`, with a port where not the default) of browser
    /// pages allowed to call the gateway cross-origin; none by default.
    pub cors_origins: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let body = ccgw_api::BodyLimits::default();
        Self {
            max_connections: 20_000,
            header_timeout_ms: 30_000,
            handshake_timeout_ms: 10_000,
            body_limit_bytes: body.max_bytes,
            body_timeout_ms: body.timeout.as_millis() as u64,
            body_memory_bytes: body.memory_budget,
            shutdown_grace_ms: 10_000,
            cors_origins: Vec::new(),
        }
    }
}

/// `[sign_in]`. A `*_failures` of 0 turns that lock off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignInConfig {
    /// Wrong passwords of one agent from one address within `lock_window_ms` that lock
    /// that agent for that address for `lock_ms`.
    pub lock_failures: u32,
    pub lock_window_ms: u64,
    pub lock_ms: u64,
    /// The same for one agent from any address; its trusted addresses are spared.
    pub agent_lock_failures: u32,
    pub agent_lock_window_ms: u64,
    pub agent_lock_ms: u64,
    /// The same for one address and any agents; agents that trust the address are spared.
    pub address_lock_failures: u32,
    pub address_lock_window_ms: u64,
    pub address_lock_ms: u64,
    /// Wrong admin tokens on the extension API from one address.
    pub admin_lock_failures: u32,
    pub admin_lock_window_ms: u64,
    pub admin_lock_ms: u64,
    /// How long an address an agent signed in from stays trusted for it; 0 = never.
    pub trusted_address_ms: u64,
    /// Password checks running at once; 0 = twice the CPU cores.
    pub checks_concurrent: usize,
    /// Password checks waiting beyond those; more are answered `100-003` at once.
    pub checks_queue: usize,
    /// Running and waiting password checks of one address.
    pub checks_per_address: usize,
    /// Most entries each failure count and the trusted addresses hold.
    pub tracked: usize,
}

impl Default for SignInConfig {
    fn default() -> Self {
        let defaults = ccgw_api::SignInProtection::default();
        let ms = |span: Duration| span.as_millis() as u64;
        Self {
            lock_failures: defaults.agent_from_source.failures,
            lock_window_ms: ms(defaults.agent_from_source.window),
            lock_ms: ms(defaults.agent_from_source.lock_for),
            agent_lock_failures: defaults.agent.failures,
            agent_lock_window_ms: ms(defaults.agent.window),
            agent_lock_ms: ms(defaults.agent.lock_for),
            address_lock_failures: defaults.source.failures,
            address_lock_window_ms: ms(defaults.source.window),
            address_lock_ms: ms(defaults.source.lock_for),
            admin_lock_failures: defaults.admin_token.failures,
            admin_lock_window_ms: ms(defaults.admin_token.window),
            admin_lock_ms: ms(defaults.admin_token.lock_for),
            trusted_address_ms: ms(defaults.trust_for),
            // Resolved against the machine when the settings are built.
            checks_concurrent: 0,
            checks_queue: defaults.verification.queue,
            checks_per_address: defaults.verification.per_source,
            tracked: defaults.tracked,
        }
    }
}

impl SignInConfig {
    fn rules(&self) -> [(&'static str, ccgw_api::LockRule); 4] {
        let rule = |failures, window_ms, lock_ms| ccgw_api::LockRule {
            failures,
            window: Duration::from_millis(window_ms),
            lock_for: Duration::from_millis(lock_ms),
        };
        [
            ("lock", rule(self.lock_failures, self.lock_window_ms, self.lock_ms)),
            ("agent_lock", rule(self.agent_lock_failures, self.agent_lock_window_ms, self.agent_lock_ms)),
            ("address_lock", rule(self.address_lock_failures, self.address_lock_window_ms, self.address_lock_ms)),
            ("admin_lock", rule(self.admin_lock_failures, self.admin_lock_window_ms, self.admin_lock_ms)),
        ]
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (name, rule) in self.rules() {
            if rule.failures > 0 && (rule.window.is_zero() || rule.lock_for.is_zero()) {
                bail!(
                    "sign_in.{name}_window_ms and sign_in.{name}_ms must be positive while sign_in.{name}_failures is"
                );
            }
        }
        if self.checks_per_address == 0 || self.tracked == 0 {
            bail!("sign_in.checks_per_address and sign_in.tracked must be positive");
        }
        Ok(())
    }

    pub fn protection(&self) -> ccgw_api::SignInProtection {
        let [(_, agent_from_source), (_, agent), (_, source), (_, admin_token)] = self.rules();
        let machine = ccgw_api::GateLimits::for_this_machine();
        ccgw_api::SignInProtection {
            agent_from_source,
            agent,
            source,
            admin_token,
            trust_for: Duration::from_millis(self.trusted_address_ms),
            verification: ccgw_api::GateLimits {
                concurrent: if self.checks_concurrent == 0 { machine.concurrent } else { self.checks_concurrent },
                queue: self.checks_queue,
                per_source: self.checks_per_address,
            },
            tracked: self.tracked,
        }
    }
}

/// How log lines are written to stderr (`log_format`, `CCGW_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line, fields at the top level, for log collectors.
    Json,
}

/// Which switch carries the calls (`switch = "sim"`, `--switch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SwitchKind {
    /// The embedded simulated switch, driven through `/ccgw/v1/sim/...`.
    #[default]
    Sim,
    /// Real SIP calls: customers from `[[sip.trunks]]` to agents' registered phones.
    Sip,
}

/// The simulated switch: how numbers the center dials behave.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// First matching pattern wins; unmatched numbers answer after `default_answer_ms`.
    pub far_ends: Vec<FarEndConfig>,
    pub default_answer_ms: u64,
    /// How agents' phones answer offers, by phone number, first match wins (same shape;
    /// behaviours `answer`, `ring`, `busy`, `unreachable`, `no-answer`, `reject`;
    /// `after_ms` absent = at once). Unmatched phones ring and go off-hook at once.
    pub agent_phones: Vec<FarEndConfig>,
}

impl Default for SimConfig {
    fn default() -> Self {
        let default_answer_ms = ccgw_engine::DEFAULT_ANSWER_DELAY.as_millis() as u64;
        Self { far_ends: Vec::new(), default_answer_ms, agent_phones: Vec::new() }
    }
}

/// `{ pattern = "139*", behaviour = "busy" }`, `{ pattern = "5*", behaviour = "answer", after_ms = 200 }`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FarEndConfig {
    /// Exact digits, a prefix ending in `*`, or `*` for every number.
    pub pattern: String,
    /// `answer`, `ring`, `busy`, `reject`, `invalid` or `no-answer`.
    pub behaviour: String,
    /// Ringing time before `answer`, `reject` or `no-answer` (default: `default_answer_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_ms: Option<u64>,
}

/// One IVR flow: `{ vdn = 1, id = 1, name = "Caller identification", access_code = "4001",
/// hold_ms = 10000, end = "return" }`. The center knows the flow by VDN, id, name and
/// access code (transfers and queries); the simulated switch runs it: it holds a call for
/// `hold_ms`, then returns it (`return`) or releases the customer (`release`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IvrFlowConfig {
    #[serde(default = "first_vdn")]
    pub vdn: u16,
    pub id: u32,
    pub name: String,
    /// 1–24 digits, unique within the VDN: what `transfer` with `devicetype` 3 names.
    pub access_code: String,
    pub hold_ms: u64,
    /// `return` or `release`.
    pub end: String,
}

fn first_vdn() -> u16 {
    1
}

/// The flows `serve --demo` runs when the configuration names none: in the demo VDN, one
/// flow that returns calls after 10 s and one that releases them after 15 s.
pub fn demo_ivr_flows() -> Vec<IvrFlowConfig> {
    let flow = |id, name: &str, access_code: &str, hold_ms, end: IvrEnd| IvrFlowConfig {
        vdn: 1,
        id,
        name: name.into(),
        access_code: access_code.into(),
        hold_ms,
        end: end.name().into(),
    };
    vec![
        flow(1, "Caller identification", "4001", 10_000, IvrEnd::Return),
        flow(2, "Satisfaction survey", "4002", 15_000, IvrEnd::Release),
    ]
}

impl IvrFlowConfig {
    fn to_flow(&self) -> anyhow::Result<IvrFlow> {
        let end = IvrEnd::from_name(&self.end).ok_or_else(|| {
            anyhow!("end {:?} is not one of return, release", self.end.chars().take(40).collect::<String>())
        })?;
        Ok(IvrFlow {
            vdn: Vdn::new(self.vdn)?,
            id: IvrId::new(self.id)?,
            name: self.name.clone(),
            access_code: self.access_code.clone(),
            hold: Duration::from_millis(self.hold_ms),
            end,
        })
    }
}

/// Flags given on the command line; `None` leaves the lower layers in force.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip: Option<SipOverrides>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switch: Option<SwitchKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineOverrides>,
}

/// `--auth-mode`.
#[derive(Debug, Clone, Serialize)]
pub struct EngineOverrides {
    pub auth_mode: AuthModeArg,
}

/// How Guids are handed out (`engine.auth_mode`, `--auth-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AuthModeArg {
    /// A new Guid on many answers, as on Huawei's gateway (the default).
    Dynamic,
    /// One Guid per sign-in: for clients that read `Set-GUID` only from the sign-in answer.
    Static,
}

/// `--sip-bind`.
#[derive(Debug, Clone, Serialize)]
pub struct SipOverrides {
    pub bind: SocketAddr,
}

/// Environment variables are read with this prefix; `__` separates sections.
const ENV_PREFIX: &str = "CCGW_";
const ENV_SEPARATOR: &str = "__";

/// The configuration's top-level keys: an environment variable whose first part names
/// none of them is not a ccgw setting. Kubernetes, for one, injects `CCGW_PORT`,
/// `CCGW_SERVICE_HOST` and the like into every pod of a service named `ccgw`; such
/// variables are ignored with a warning. A variable that names a known section keeps
/// every key below it checked: a typo there still stops the start.
fn top_level_keys() -> Vec<String> {
    let defaults = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut keys: Vec<String> = defaults.as_object().map(|map| map.keys().cloned().collect()).unwrap_or_default();
    // Not serialized while unset.
    keys.push("ivr_flows".into());
    keys
}

/// Whether an environment key (prefix removed, sections split by `.`) starts with one of
/// `known`, the way figment compares keys: without regard to case.
fn names_known_key(key: &str, known: &[String]) -> bool {
    let first = key.split('.').next().unwrap_or(key);
    known.iter().any(|name| name.eq_ignore_ascii_case(first))
}

/// The `CCGW_*` variables among `names` that name no known top-level key.
/// The `CCGW_*` environment variables that name no setting, to warn about once logging
/// runs (the names only: a value may be a secret).
pub fn foreign_env_variables() -> Vec<String> {
    foreign_variables(std::env::vars_os().map(|(name, _)| name), &top_level_keys())
}

fn foreign_variables(names: impl Iterator<Item = std::ffi::OsString>, known: &[String]) -> Vec<String> {
    names
        .filter_map(|name| name.into_string().ok())
        .filter(|name| {
            name.strip_prefix(ENV_PREFIX).is_some_and(|key| !names_known_key(&key.replace(ENV_SEPARATOR, "."), known))
        })
        .collect()
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                bail!("configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        let known = top_level_keys();
        let config: Config = figment
            .merge(
                Env::prefixed(ENV_PREFIX).split(ENV_SEPARATOR).filter(move |key| names_known_key(key.as_str(), &known)),
            )
            .merge(Serialized::globals(overrides))
            .extract()
            .context("while reading the configuration")?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.sip.validate()?;
        self.cors_origins()?;
        let engine = &self.engine;
        if !matches!(engine.auth_mode.as_str(), "dynamic" | "static") {
            bail!("engine.auth_mode must be \"dynamic\" or \"static\"");
        }
        if engine.guid_interval_ms == 0 || engine.guid_interval_ms >= engine.guid_timeout_ms {
            bail!("engine.guid_interval_ms must be positive and smaller than engine.guid_timeout_ms");
        }
        if engine.ring_timeout_ms == 0 {
            bail!("engine.ring_timeout_ms must be positive");
        }
        if engine.agent_requests_per_second > 0 && engine.agent_request_burst == 0 {
            bail!("engine.agent_request_burst must be positive while engine.agent_requests_per_second is");
        }
        if self.api.poll_hold_ms > 10_000 {
            bail!("api.poll_hold_ms must not exceed 10000: clients time out their polls after 12 s");
        }
        if self.api.work_no_min == 0 || self.api.work_no_min > self.api.work_no_max || self.api.work_no_max > 999_999 {
            bail!("api.work_no_min..=api.work_no_max must lie within 1..=999999");
        }
        self.sign_in.validate()?;
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            bail!("tls_cert and tls_key must be given together");
        }
        self.sim_settings()?;
        self.ivr_flows()?;
        Ok(())
    }

    /// The IVR flows, checked; an error names the entry at fault.
    pub fn ivr_flows(&self) -> anyhow::Result<Vec<IvrFlow>> {
        let configured = match &self.ivr_flows {
            Some(flows) => flows.clone(),
            None if self.demo => demo_ivr_flows(),
            None => Vec::new(),
        };
        let name = |index: usize| format!("ivr_flows[{index}] (id {})", configured[index].id);
        let flows = configured
            .iter()
            .enumerate()
            .map(|(index, flow)| flow.to_flow().map_err(|error| anyhow!("{}: {error}", name(index))))
            .collect::<anyhow::Result<Vec<_>>>()?;
        check_flows(&flows).map_err(|(index, error)| anyhow!("{}: {error}", name(index)))?;
        Ok(flows)
    }

    /// The simulated switch's settings; an error names the entry at fault.
    pub fn sim_settings(&self) -> anyhow::Result<SimSettings> {
        let rules = sim_rules(&self.sim.far_ends, "far_ends", FarEndRule::parse)?;
        let default_answer =
            far_end_delay(self.sim.default_answer_ms).map_err(|error| anyhow!("sim.default_answer_ms: {error}"))?;
        let agent_phones = sim_rules(&self.sim.agent_phones, "agent_phones", AgentPhoneRule::parse)?;
        Ok(SimSettings { rules, default_answer, agent_phones })
    }

    pub fn engine_settings(&self) -> anyhow::Result<EngineSettings> {
        let engine = &self.engine;
        let millis = Duration::from_millis;
        let optional = |ms: u64| (ms > 0).then(|| millis(ms));
        Ok(EngineSettings {
            center: CenterSettings {
                ring_timeout: millis(engine.ring_timeout_ms),
                wrap_up: optional(engine.wrap_up_ms),
                liveness: optional(engine.liveness_ms),
                auth: AuthSettings {
                    mode: if engine.auth_mode == "static" { AuthMode::Static } else { AuthMode::Dynamic },
                    rotate_every: millis(engine.guid_interval_ms),
                    guid_ttl: millis(engine.guid_timeout_ms),
                },
                no_answer_busy_reason: engine.no_answer_busy_reason,
                allow_force_login: engine.allow_force_login,
                all_busy_notice: engine.all_busy_notice,
                dial_timeout: Duration::from_millis(engine.dial_timeout_ms.max(1)),
                // The engine sets these from the switch it is given.
                phone_legs: ccgw_core::PhoneLegs::default(),
                switch_features: ccgw_core::SwitchFeatures::ALL,
                request_rate: ccgw_core::RequestRate {
                    per_second: engine.agent_requests_per_second,
                    burst: engine.agent_request_burst,
                },
            },
            node: engine.node,
            event_log: LogLimits { capacity: engine.event_log_capacity, retention: millis(engine.event_retention_ms) },
            ivr_flows: self.ivr_flows()?,
        })
    }

    /// Period of the skill reload; never below 100 ms.
    pub fn skill_refresh(&self) -> Duration {
        Duration::from_millis(self.engine.skill_refresh_ms.max(100))
    }

    pub fn api_settings(&self, admin_token: String) -> ApiSettings {
        ApiSettings {
            poll_hold: Duration::from_millis(self.api.poll_hold_ms),
            work_no_range: self.api.work_no_min..=self.api.work_no_max,
            server_name: self.api.server_name.clone(),
            admin_token,
            idempotency: ccgw_api::IdempotencySettings {
                ttl: Duration::from_millis(self.api.idempotency_ttl_ms),
                capacity: self.api.idempotency_capacity,
            },
            body: ccgw_api::BodyLimits {
                max_bytes: self.server.body_limit_bytes,
                timeout: Duration::from_millis(self.server.body_timeout_ms),
                memory_budget: self.server.body_memory_bytes,
            },
            sign_in: self.sign_in.protection(),
            // Checked as the configuration was read.
            cors_origins: self.cors_origins().unwrap_or_default(),
        }
    }

    /// `server.cors_origins` as header values: each an origin, scheme and host (and port),
    /// with nothing after; `*` is not taken (name the pages' origins). Written as browsers
    /// send them: lowercase, without the scheme's default port.
    fn cors_origins(&self) -> anyhow::Result<Vec<http::HeaderValue>> {
        self.server
            .cors_origins
            .iter()
            .map(|given| {
                let lower = given.to_ascii_lowercase();
                let origin = match lower.strip_suffix(":443").filter(|_| lower.starts_with("https://")) {
                    Some(without) => without,
                    None => lower.strip_suffix(":80").filter(|_| lower.starts_with("http://")).unwrap_or(&lower),
                };
                let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
                let valid = host.is_some_and(|host| !host.is_empty() && !host.contains(['/', '?', '#', ' ']));
                match http::HeaderValue::from_str(origin) {
                    Ok(value) if valid => Ok(value),
                    _ => {
                        bail!("server.cors_origins: {given:?} is not an origin like \"https://crm.example.com:8443\"")
                    }
                }
            })
            .collect()
    }

    /// The listener's limits; a cap of 0 connections would refuse every client.
    pub fn connection_limits(&self) -> anyhow::Result<crate::listener::ConnectionLimits> {
        if self.server.max_connections == 0 {
            bail!("server.max_connections must be at least 1");
        }
        Ok(crate::listener::ConnectionLimits {
            max_connections: self.server.max_connections,
            header_timeout: Duration::from_millis(self.server.header_timeout_ms),
            handshake_timeout: Duration::from_millis(self.server.handshake_timeout_ms),
        })
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.server.shutdown_grace_ms)
    }
}

/// The `[sim]` rule list `section`, each entry parsed by `parse`; an error names the entry.
fn sim_rules<T>(
    entries: &[FarEndConfig],
    section: &str,
    parse: impl Fn(&str, &str, Option<u64>) -> Result<T, RuleError>,
) -> anyhow::Result<Vec<T>> {
    entries
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            parse(&rule.pattern, &rule.behaviour, rule.after_ms)
                .map_err(|error| anyhow!("sim.{section}[{index}] (pattern {:?}): {error}", rule.pattern))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_product_defaults() {
        let config = Config::load(None, &Overrides::default()).unwrap();
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 8043)));
        let engine = config.engine_settings().unwrap();
        assert_eq!(engine.center.ring_timeout, Duration::from_secs(20));
        assert_eq!(engine.center.liveness, Some(Duration::from_secs(120)));
        assert_eq!(engine.center.auth.rotate_every, Duration::from_secs(60));
        assert_eq!(config.api_settings(String::new()).poll_hold, Duration::from_secs(10));
    }

    #[test]
    fn file_then_flags_override_in_that_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ccgw.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9000\"\ndemo = true\n[engine]\nring_timeout_ms = 500\n").unwrap();
        let overrides = Overrides { bind: Some(SocketAddr::from(([127, 0, 0, 1], 9001))), ..Overrides::default() };
        let config = Config::load(Some(&file), &overrides).unwrap();
        assert_eq!(config.bind.port(), 9001);
        assert!(config.demo);
        assert_eq!(config.engine.ring_timeout_ms, 500);
    }

    #[test]
    fn inconsistent_settings_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[engine]\nguid_interval_ms = 130000\n").unwrap();
        let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(format!("{error:#}").contains("guid_interval_ms"), "{error:#}");
        std::fs::write(&file, "[api]\npoll_hold_ms = 20000\n").unwrap();
        assert!(Config::load(Some(&file), &Overrides::default()).is_err());
        std::fs::write(&file, "unknown_key = 1\n").unwrap();
        assert!(Config::load(Some(&file), &Overrides::default()).is_err());
        std::fs::write(&file, "[sign_in]\nlock_window_ms = 0\n").unwrap();
        let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(format!("{error:#}").contains("sign_in.lock_window_ms"), "{error:#}");
    }

    #[test]
    fn sign_in_protection_defaults_and_the_sign_in_section() {
        let protection = Config::default().api_settings(String::new()).sign_in;
        assert_eq!(protection.agent_from_source, ccgw_api::LockRule::minutes(5, 5, 5));
        assert_eq!(protection.agent, ccgw_api::LockRule::minutes(50, 15, 15));
        assert_eq!(protection.source, ccgw_api::LockRule::minutes(50, 10, 5));
        assert_eq!(protection.admin_token, ccgw_api::LockRule::minutes(10, 5, 5));
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(protection.verification.concurrent, 2 * cores);
        assert_eq!((protection.verification.queue, protection.verification.per_source), (64, 16));

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sign-in.toml");
        std::fs::write(
            &file,
            "[sign_in]\nlock_failures = 3\nlock_ms = 60000\nchecks_concurrent = 1\nchecks_queue = 0\n",
        )
        .unwrap();
        let protection = Config::load(Some(&file), &Overrides::default()).unwrap().api_settings(String::new()).sign_in;
        assert_eq!(protection.agent_from_source.failures, 3);
        assert_eq!(protection.agent_from_source.lock_for, Duration::from_secs(60));
        assert_eq!((protection.verification.concurrent, protection.verification.queue), (1, 0));
    }

    #[test]
    fn environment_variables_that_name_no_setting_are_not_ccgws() {
        let known = top_level_keys();
        for key in [
            "bind",
            "engine.ring_timeout_ms",
            "ENGINE.RING_TIMEOUT_MS",
            "sim.far_ends",
            "ivr_flows",
            "demo",
            "sign_in.lock_ms",
        ] {
            assert!(names_known_key(key, &known), "{key}");
        }
        // A typo below a known section passes this filter and is refused by the section.
        assert!(names_known_key("engine.ring_timout_ms", &known));
        let names = [
            "CCGW_PORT",
            "CCGW_SERVICE_HOST",
            "CCGW_PORT_8043_TCP_ADDR",
            "CCGW_BIND",
            "CCGW_API__POLL_HOLD_MS",
            "CCGW_SIGN_IN__LOCK_FAILURES",
            "HOME",
        ];
        let foreign = foreign_variables(names.iter().map(std::ffi::OsString::from), &known);
        assert_eq!(foreign, ["CCGW_PORT", "CCGW_SERVICE_HOST", "CCGW_PORT_8043_TCP_ADDR"]);
    }

    #[test]
    fn the_switch_is_the_sim_unless_configured_otherwise_and_unknown_kinds_stop_the_start() {
        assert_eq!(Config::load(None, &Overrides::default()).unwrap().switch, SwitchKind::Sim);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("switch.toml");
        std::fs::write(&file, "switch = \"sim\"\n").unwrap();
        assert_eq!(Config::load(Some(&file), &Overrides::default()).unwrap().switch, SwitchKind::Sim);
        std::fs::write(&file, "switch = \"sip\"\n").unwrap();
        assert_eq!(Config::load(Some(&file), &Overrides::default()).unwrap().switch, SwitchKind::Sip);
        std::fs::write(&file, "switch = \"pbx\"\n").unwrap();
        let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(format!("{error:#}").contains("pbx"), "{error:#}");
        let flag = Overrides { switch: Some(SwitchKind::Sip), ..Overrides::default() };
        assert_eq!(Config::load(None, &flag).unwrap().switch, SwitchKind::Sip);
    }

    #[test]
    fn the_auth_mode_flag_overrides_the_file_and_keeps_its_other_engine_keys() {
        assert_eq!(Config::load(None, &Overrides::default()).unwrap().engine.auth_mode, "dynamic");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("engine.toml");
        std::fs::write(&file, "[engine]\nauth_mode = \"dynamic\"\nring_timeout_ms = 7000\n").unwrap();
        let flag =
            Overrides { engine: Some(EngineOverrides { auth_mode: AuthModeArg::Static }), ..Overrides::default() };
        let config = Config::load(Some(&file), &flag).unwrap();
        assert_eq!(config.engine.auth_mode, "static");
        assert_eq!(config.engine.ring_timeout_ms, 7000);
    }

    #[test]
    fn cors_origins_are_origins_and_anything_else_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cors.toml");
        std::fs::write(&file, "[server]\ncors_origins = [\"https://crm.example.com\", \"http://127.0.0.1:8080\"]\n")
            .unwrap();
        let config = Config::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(config.api_settings(String::new()).cors_origins.len(), 2);
        // As browsers send them: lowercase, without the default port.
        std::fs::write(&file, "[server]\ncors_origins = [\"https://CRM.example.com:443\", \"http://a.example:80\"]\n")
            .unwrap();
        let origins =
            Config::load(Some(&file), &Overrides::default()).unwrap().api_settings(String::new()).cors_origins;
        assert_eq!(origins, ["https://crm.example.com", "http://a.example"]);
        assert!(Config::load(None, &Overrides::default()).unwrap().api_settings(String::new()).cors_origins.is_empty());
        for bad in ["*", "crm.example.com", "https://crm.example.com/page", "https://"] {
            std::fs::write(&file, format!("[server]\ncors_origins = [{bad:?}]\n")).unwrap();
            let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(format!("{error:#}").contains("server.cors_origins"), "{bad}: {error:#}");
        }
    }

    #[test]
    fn trunks_load_with_an_optional_dial_address_and_a_bad_one_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("trunks.toml");
        let text = "[[sip.trunks]]\nname = \"carrier\"\nsources = [\"192.0.2.10\"]\ndial = \"192.0.2.10:5060\"\n\n\
                    [[sip.trunks]]\nname = \"pbx\"\nsources = [\"192.0.2.20\"]\n";
        std::fs::write(&file, text).unwrap();
        let sip = Config::load(Some(&file), &Overrides::default()).unwrap().sip;
        assert_eq!(sip.trunks[0].dial, Some("192.0.2.10:5060".parse().unwrap()));
        assert_eq!(sip.trunks[1].dial, None);
        for bad in ["0.0.0.0:5060", "192.0.2.10:0"] {
            let text = format!("[[sip.trunks]]\nname = \"carrier\"\nsources = [\"192.0.2.10\"]\ndial = \"{bad}\"\n");
            std::fs::write(&file, text).unwrap();
            let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(format!("{error:#}").contains("dial must be"), "{bad}: {error:#}");
        }
    }

    #[test]
    fn far_end_rules_load_in_order_from_the_sim_section() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sim.toml");
        let text = "[sim]\ndefault_answer_ms = 300\nfar_ends = [\n  { pattern = \"139*\", behaviour = \"busy\" },\n  \
                    { pattern = \"5*\", behaviour = \"answer\", after_ms = 200 },\n]\n";
        std::fs::write(&file, text).unwrap();
        let sim = Config::load(Some(&file), &Overrides::default()).unwrap().sim_settings().unwrap();
        assert_eq!(sim.default_answer, Duration::from_millis(300));
        assert_eq!(
            sim.rules,
            [FarEndRule::parse("139*", "busy", None).unwrap(), FarEndRule::parse("5*", "answer", Some(200)).unwrap(),]
        );
        let defaults = Config::load(None, &Overrides::default()).unwrap().sim_settings().unwrap();
        assert_eq!(defaults, SimSettings::default());
    }

    #[test]
    fn agent_phone_rules_load_from_the_sim_section_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("phones.toml");
        let text = "[sim]\nagent_phones = [{ pattern = \"70101\", behaviour = \"busy\" }, \
                    { pattern = \"702*\", behaviour = \"answer\", after_ms = 800 }]\n";
        std::fs::write(&file, text).unwrap();
        let sim = Config::load(Some(&file), &Overrides::default()).unwrap().sim_settings().unwrap();
        let wanted = [
            AgentPhoneRule::parse("70101", "busy", None).unwrap(),
            AgentPhoneRule::parse("702*", "answer", Some(800)).unwrap(),
        ];
        assert_eq!(sim.agent_phones, wanted);
        std::fs::write(&file, "[sim]\nagent_phones = [{ pattern = \"7*\", behaviour = \"ring\", after_ms = 1 }]\n")
            .unwrap();
        let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(format!("{error:#}").contains("sim.agent_phones[0] (pattern \"7*\")"), "{error:#}");
    }

    #[test]
    fn a_bad_far_end_rule_is_refused_naming_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad-sim.toml");
        let cases = [
            (
                "far_ends = [{ pattern = \"1\", behaviour = \"answer\" }, { pattern = \"13a*\", behaviour = \"busy\" }]",
                "sim.far_ends[1] (pattern \"13a*\")",
            ),
            ("far_ends = [{ pattern = \"5*\", behaviour = \"hangup\" }]", "behaviour \"hangup\" is not one of"),
            ("far_ends = [{ pattern = \"5*\", behaviour = \"busy\", after_ms = 5 }]", "busy takes no delay"),
            ("default_answer_ms = 99999999", "sim.default_answer_ms"),
            ("far_ends = [{ pattern = \"5*\" }]", "behaviour"),
        ];
        for (sim, part) in cases {
            std::fs::write(&file, format!("[sim]\n{sim}\n")).unwrap();
            let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(format!("{error:#}").contains(part), "{sim}: {error:#}");
        }
    }

    #[test]
    fn ivr_flows_load_from_the_file_in_order_with_the_vdn_defaulting_to_1() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ivr.toml");
        let text = "[[ivr_flows]]\nid = 7\nname = \"Menu\"\naccess_code = \"5007\"\nhold_ms = 250\nend = \"return\"\n\n\
                    [[ivr_flows]]\nvdn = 2\nid = 7\nname = \"Survey\"\naccess_code = \"5007\"\nhold_ms = 0\n\
                    end = \"release\"\n";
        std::fs::write(&file, text).unwrap();
        let flows = Config::load(Some(&file), &Overrides::default()).unwrap().ivr_flows().unwrap();
        let summary: Vec<(u16, u32, &str, Duration, IvrEnd)> =
            flows.iter().map(|f| (f.vdn.get(), f.id.get(), f.access_code.as_str(), f.hold, f.end)).collect();
        assert_eq!(
            summary,
            [
                (1, 7, "5007", Duration::from_millis(250), IvrEnd::Return),
                (2, 7, "5007", Duration::ZERO, IvrEnd::Release)
            ]
        );
        assert_eq!(
            Config::load(Some(&file), &Overrides::default()).unwrap().engine_settings().unwrap().ivr_flows,
            flows
        );
    }

    #[test]
    fn the_demo_runs_its_own_flows_unless_the_file_names_flows_or_none() {
        let demo = Config { demo: true, ..Config::default() };
        let codes: Vec<String> = demo.ivr_flows().unwrap().into_iter().map(|flow| flow.access_code).collect();
        assert_eq!(codes, ["4001", "4002"]);
        assert!(Config::default().ivr_flows().unwrap().is_empty(), "no demo, no flows");
        let none = Config { ivr_flows: Some(Vec::new()), ..demo };
        assert!(none.ivr_flows().unwrap().is_empty());
    }

    #[test]
    fn a_bad_ivr_flow_is_refused_naming_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad-ivr.toml");
        let flow = |id: u32, code: &str, extra: &str| {
            format!(
                "[[ivr_flows]]\nid = {id}\nname = \"F\"\naccess_code = \"{code}\"\nhold_ms = 10\nend = \"return\"\n{extra}\n"
            )
        };
        let cases = [
            (
                flow(1, "4001", "") + &flow(2, "4001", ""),
                "ivr_flows[1] (id 2): VDN 1 has two IVR flows with access code 4001",
            ),
            (flow(1, "4001", "") + &flow(1, "4002", ""), "ivr_flows[1] (id 1): VDN 1 has two IVR flows with id 1"),
            (flow(1, "40a1", ""), "ivr_flows[0] (id 1): access code \"40a1\" must be 1-24 digits"),
            (flow(1, &"4".repeat(25), ""), "must be 1-24 digits"),
            (flow(0, "4001", ""), "ivr_flows[0] (id 0): IVR flow id 0 is outside"),
            (flow(1, "4001", "vdn = 0"), "VDN 0 is outside"),
            (flow(1, "4001", "").replace("\"return\"", "\"hangup\""), "end \"hangup\" is not one of return, release"),
            (flow(1, "4001", "").replace("hold_ms = 10", "hold_ms = 3600001"), "hold time must not exceed 3600000 ms"),
            (flow(1, "4001", "").replace("name = \"F\"", "name = \"\""), "the name must not be empty"),
            ("[[ivr_flows]]\nid = 1\n".to_owned(), "missing field"),
        ];
        for (text, part) in cases {
            std::fs::write(&file, &text).unwrap();
            let error = Config::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(format!("{error:#}").contains(part), "{text}: {error:#}");
        }
    }
}
