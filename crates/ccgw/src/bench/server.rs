//! The server under test: a gateway seeded and started as a child process (`--spawn`),
//! or the baseline responder started the same way; and a process's CPU time and peak RSS,
//! read from /proc.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use ccgw_core::{AgentProfile, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, SkillProfile, Vdn, WorkNo};
use ccgw_store::VdnRecord;

/// Work number of the first bench agent; the others follow.
pub(crate) const FIRST_AGENT: u32 = 10_001;
pub(crate) const PASSWORD: &str = "Bench-pass1";

/// Creates VDN 1 with `skills` skills and `agents` agents (each serving two skills)
/// in a new directory under `data_dir`.
pub(crate) async fn seed(data_dir: &Path, agents: u32, skills: u32) -> anyhow::Result<()> {
    let directory = crate::data_dir::open_database(data_dir).await?;
    let vdn = Vdn::new(1)?;
    let access_code = Some(PhoneNumber::parse("4000")?);
    directory.create_vdn(&VdnRecord { vdn, name: "Bench".into(), access_code }).await?;
    for id in 1..=skills {
        directory.create_skill(&SkillProfile::new(vdn, SkillId::new(id)?, format!("Bench {id}"))).await?;
    }
    let profiles: anyhow::Result<Vec<AgentProfile>> = (0..agents)
        .map(|index| {
            let number = FIRST_AGENT + index;
            let first = index % skills + 1;
            let second = (index + 1) % skills + 1;
            let mut grants = vec![SkillGrant { skill: SkillId::new(first)?, level: SkillLevel::DEFAULT }];
            if second != first {
                grants.push(SkillGrant { skill: SkillId::new(second)?, level: SkillLevel::DEFAULT });
            }
            Ok(AgentProfile {
                work_no: WorkNo::new(number)?,
                vdn,
                name: format!("Bench {number}"),
                phone: PhoneNumber::parse(&format!("8{number}"))?,
                role: Role::Agent,
                skills: grants,
                group: None,
                wrap_up: None,
            })
        })
        .collect();
    directory.create_agents_sharing_password(&profiles?, PASSWORD).await?;
    Ok(())
}

/// A free loopback port (bound and released; the child binds it right after).
pub(crate) fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

pub(crate) struct Spawned {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the bench starts: the gateway, or the bare responder it is compared with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    Gateway,
    Baseline,
}

/// Starts `ccgw serve` (or the baseline responder) on `data_dir`, which holds the seeded
/// directory (gateway) and the TLS certificate (both).
pub(crate) fn spawn(data_dir: &Path, admin_token: &str, server: Server) -> anyhow::Result<Spawned> {
    let addr = free_port()?;
    let exe = std::env::current_exe().context("locating the ccgw executable")?;
    let mut command = Command::new(exe);
    command
        .arg(match server {
            Server::Gateway => "serve",
            Server::Baseline => "bench-responder",
        })
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--bind")
        .arg(addr.to_string())
        .arg("--admin-token")
        .arg(admin_token)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let child = command.spawn().context("starting the server under test")?;
    Ok(Spawned { child, addr })
}

/// CPU seconds (user + system) and peak RSS in bytes of a process, from /proc.
pub(crate) fn usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ')'.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())?;
    // The kernel's USER_HZ is 100 on every Linux ccgw targets.
    Some((ticks as f64 / 100.0, peak_kib * 1024))
}

/// Waits until the gateway answers its health check.
pub(crate) async fn wait_ready(connection: &mut super::client::Connection, limit: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Ok(answer) = connection.send(http::Method::GET, "/ccgw/v1/health", &[], None).await
            && answer.status == 200
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the gateway did not become ready within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
