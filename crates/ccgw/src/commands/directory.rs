//! `ccgw agent …` and `ccgw vdn …` (and, in `skills`, `ccgw skill …`): edit the
//! directory in the data directory's SQLite database. The helpers every directory
//! command shares (opening the database, errors, listings) live here.
//!
//! The server may be running at the same time (SQLite in WAL mode serialises the
//! writers). A change reaches a signed-in agent at its next sign-in.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use ccgw_core::{AgentProfile, GroupId, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, Vdn, WorkNo};
use ccgw_store::{AgentPatch, NewAgent, SqliteStore, StoreError, VdnRecord};
use serde::Serialize;

use super::{emit, table};

/// A password given on the command line or in `CCGW_AGENT_PASSWORD`. Its `Debug` output
/// hides the value, so printing the parsed command line never reveals it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

impl FromStr for Password {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

/// Parses a skill grant written `ID` (level 1) or `ID:LEVEL` (level 1..=10).
pub fn parse_grant(text: &str) -> Result<SkillGrant, String> {
    let (id, level) = match text.split_once(':') {
        Some((id, level)) => (id, Some(level)),
        None => (text, None),
    };
    let skill = id
        .trim()
        .parse::<SkillId>()
        .map_err(|error| format!("{error} (a skill is written ID or ID:LEVEL, e.g. 1 or 2:5)"))?;
    let level = match level {
        None => SkillLevel::DEFAULT,
        Some(level) => level
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(SkillLevel::new)
            .ok_or_else(|| format!("skill level must be 1 to 10, got {level:?}"))?,
    };
    Ok(SkillGrant { skill, level })
}

/// Parses an agent group id, 1 to 9999.
pub fn parse_group(text: &str) -> Result<GroupId, String> {
    text.parse::<u16>()
        .ok()
        .filter(|_| !text.starts_with('0') && !text.starts_with('+'))
        .and_then(GroupId::new)
        .ok_or_else(|| format!("a group id is 1 to {}", GroupId::MAX))
}

/// Parses a role: `agent` or `inspector`.
pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "the role is agent or inspector".to_owned())
}

/// A patch value for a setting that can be cleared: `--no-x` clears it, `--x V` sets it.
pub(super) fn clearable<T>(set: Option<T>, clear: bool) -> Option<Option<T>> {
    if clear { Some(None) } else { set.map(Some) }
}

/// Agent subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AgentCommand {
    /// Add an agent
    Add {
        /// Work number, 1 to 999999
        work_no: WorkNo,
        /// Display name [default: "Agent <work no>"]
        #[arg(long)]
        name: Option<String>,
        /// VDN (tenant) of the agent; created if it does not exist yet
        #[arg(long, default_value = "1")]
        vdn: Vdn,
        /// The agent's phone number (digits, * and #)
        #[arg(long, value_parser = PhoneNumber::parse)]
        phone: PhoneNumber,
        /// Skills of the agent's VDN, comma-separated, each ID or ID:LEVEL (level 1-10)
        #[arg(long, value_delimiter = ',', value_parser = parse_grant)]
        skills: Vec<SkillGrant>,
        /// The agent may also supervise other agents
        #[arg(long)]
        inspector: bool,
        /// Agent group (team) of the agent's VDN
        #[arg(long, value_parser = parse_group)]
        group: Option<GroupId>,
        /// Wrap-up time after a call whose skill sets none, in seconds [default: the center's]
        #[arg(long)]
        wrap_up_secs: Option<u64>,
        /// Initial password (1-32 characters); generated and printed once when absent
        #[arg(long, env = "CCGW_AGENT_PASSWORD", hide_env_values = true)]
        password: Option<Password>,
    },
    /// Change an agent; what is not given stays as it is
    Update {
        /// Work number of the agent
        work_no: WorkNo,
        /// Display name
        #[arg(long)]
        name: Option<String>,
        /// The agent's phone number (digits, * and #)
        #[arg(long, value_parser = PhoneNumber::parse)]
        phone: Option<PhoneNumber>,
        /// agent or inspector
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        /// Replaces all the agent's skills: comma-separated, each ID or ID:LEVEL (level 1-10)
        #[arg(long, value_delimiter = ',', value_parser = parse_grant, conflicts_with = "no_skills")]
        skills: Option<Vec<SkillGrant>>,
        /// Takes every skill away from the agent
        #[arg(long)]
        no_skills: bool,
        /// Agent group (team) of the agent's VDN
        #[arg(long, value_parser = parse_group, conflicts_with = "no_group")]
        group: Option<GroupId>,
        /// Takes the agent out of its group
        #[arg(long)]
        no_group: bool,
        /// Wrap-up time after a call whose skill sets none, in seconds
        #[arg(long, conflicts_with = "no_wrap_up")]
        wrap_up_secs: Option<u64>,
        /// Back to the center's default wrap-up time
        #[arg(long)]
        no_wrap_up: bool,
    },
    /// List agents
    List(super::ListArgs),
    /// Remove an agent
    Remove {
        /// Work number of the agent
        work_no: WorkNo,
    },
    /// Set an agent's password
    Passwd {
        /// Work number of the agent
        work_no: WorkNo,
        /// New password (1-32 characters); generated and printed once when absent
        #[arg(long, env = "CCGW_AGENT_PASSWORD", hide_env_values = true)]
        password: Option<Password>,
    },
}

/// VDN (tenant) subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum VdnCommand {
    /// Add a VDN (tenant)
    Add {
        /// VDN number, 1 to 512
        vdn: Vdn,
        /// Display name [default: "VDN <number>"]
        #[arg(long)]
        name: Option<String>,
        /// The service number customers dial (the default called number of a call)
        #[arg(long, value_parser = PhoneNumber::parse)]
        access_code: Option<PhoneNumber>,
    },
    /// List VDNs
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

/// Runs an agent subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_agent(command: AgentCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_agent(command, &directory, &mut std::io::stdout()).await
}

/// Runs a VDN subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_vdn(command: VdnCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_vdn(command, &directory, &mut std::io::stdout()).await
}

/// Opens (creating if needed) the data directory's database.
pub(super) async fn open(data_dir: &Path) -> anyhow::Result<SqliteStore> {
    crate::data_dir::open_database(data_dir).await
}

/// Turns a store failure into an error for the operator. The store's own sentences
/// ("Agent 101 already exists.") come first; database failures keep their cause chain.
pub(super) fn failed(error: StoreError, doing: String) -> anyhow::Error {
    match error {
        StoreError::NotFound(_)
        | StoreError::Conflict(_)
        | StoreError::InvalidInput(_)
        | StoreError::BadCredentials => anyhow::anyhow!("{error} (while {doing})"),
        StoreError::Corrupt(_) | StoreError::Backend { .. } => {
            anyhow::Error::new(error).context(format!("while {doing}"))
        }
    }
}

/// Makes sure the VDN exists, creating it with a default name if not. Tells the operator
/// when it created one.
pub(super) async fn ensure_vdn(directory: &SqliteStore, vdn: Vdn, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    match directory.get_vdn(vdn).await {
        Ok(_) => return Ok(()),
        Err(StoreError::NotFound(_)) => {}
        Err(error) => return Err(failed(error, format!("looking up VDN {vdn}"))),
    }
    let record = VdnRecord { vdn, name: format!("VDN {vdn}"), access_code: None };
    match directory.create_vdn(&record).await {
        Ok(()) => emit(out, &format!("Created VDN {vdn}.\n")),
        // Created by someone else meanwhile: just as good.
        Err(StoreError::Conflict(_)) => Ok(()),
        Err(error) => Err(failed(error, format!("creating VDN {vdn}"))),
    }
}

/// The password to set: the given one, or a generated one (then also returned as
/// `Some` so it can be shown once).
fn chosen_password(given: Option<Password>) -> (String, Option<String>) {
    match given {
        Some(password) => (password.0, None),
        None => {
            let generated = ccgw_store::random_password();
            (generated.clone(), Some(generated))
        }
    }
}

fn generated_notice(work_no: WorkNo, generated: Option<&str>) -> String {
    match generated {
        Some(password) => format!("Generated password for agent {work_no} (shown only this once): {password}\n"),
        None => String::new(),
    }
}

/// Runs an agent subcommand on an open directory, writing the output to `out`.
pub async fn execute_agent(
    command: AgentCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        AgentCommand::Add { work_no, name, vdn, phone, skills, inspector, group, wrap_up_secs, password } => {
            ensure_vdn(directory, vdn, out).await?;
            let (password, generated) = chosen_password(password);
            let profile = AgentProfile {
                work_no,
                vdn,
                name: name.unwrap_or_else(|| format!("Agent {work_no}")),
                phone,
                role: if inspector { Role::Inspector } else { Role::Agent },
                skills,
                group,
                wrap_up: wrap_up_secs.map(Duration::from_secs),
            };
            let created = directory
                .create_agent(&NewAgent { profile, password })
                .await
                .map_err(|error| failed(error, format!("adding agent {work_no}")))?;
            let mut text = format!("Added {}.\n", agent_summary(&created));
            text.push_str(&generated_notice(work_no, generated.as_deref()));
            emit(out, &text)
        }
        AgentCommand::Update {
            work_no,
            name,
            phone,
            role,
            skills,
            no_skills,
            group,
            no_group,
            wrap_up_secs,
            no_wrap_up,
        } => {
            let patch = AgentPatch {
                name,
                phone,
                role,
                skills: if no_skills { Some(Vec::new()) } else { skills },
                group: clearable(group, no_group),
                wrap_up: clearable(wrap_up_secs.map(Duration::from_secs), no_wrap_up),
            };
            let updated = directory
                .update_agent(work_no, &patch)
                .await
                .map_err(|error| failed(error, format!("updating agent {work_no}")))?;
            emit(out, &format!("Updated {}.\n", agent_summary(&updated)))
        }
        AgentCommand::List(super::ListArgs { vdn, json }) => {
            let agents =
                directory.list_agents(vdn).await.map_err(|error| failed(error, "listing agents".to_owned()))?;
            emit(out, &render_agents(&agents, json)?)
        }
        AgentCommand::Remove { work_no } => {
            directory
                .delete_agent(work_no)
                .await
                .map_err(|error| failed(error, format!("removing agent {work_no}")))?;
            emit(out, &format!("Removed agent {work_no}.\n"))
        }
        AgentCommand::Passwd { work_no, password } => {
            let (password, generated) = chosen_password(password);
            directory
                .set_password(work_no, &password)
                .await
                .map_err(|error| failed(error, format!("setting the password of agent {work_no}")))?;
            let mut text = format!("Changed the password of agent {work_no}.\n");
            text.push_str(&generated_notice(work_no, generated.as_deref()));
            emit(out, &text)
        }
    }
}

/// Runs a VDN subcommand on an open directory, writing the output to `out`.
pub async fn execute_vdn(
    command: VdnCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        VdnCommand::Add { vdn, name, access_code } => {
            let record = VdnRecord { vdn, name: name.unwrap_or_else(|| format!("VDN {vdn}")), access_code };
            directory.create_vdn(&record).await.map_err(|error| failed(error, format!("adding VDN {vdn}")))?;
            emit(out, &format!("Added VDN {vdn} ({}).\n", record.name))
        }
        VdnCommand::List { json } => {
            let vdns = directory.list_vdns().await.map_err(|error| failed(error, "listing VDNs".to_owned()))?;
            emit(out, &render_vdns(&vdns, json)?)
        }
    }
}

/// A length of time for people: `30s`, or `1500ms` when not whole seconds.
pub(super) fn span_text(span: Duration) -> String {
    if span.subsec_millis() == 0 { format!("{}s", span.as_secs()) } else { format!("{}ms", span.as_millis()) }
}

pub(super) fn millis(span: Duration) -> u64 {
    u64::try_from(span.as_millis()).unwrap_or(u64::MAX)
}

/// "agent 101 (Alice) in VDN 1, phone 70101, role agent, skills 1:3, group 2, wrap-up 30s"
fn agent_summary(agent: &AgentProfile) -> String {
    format!(
        "agent {} ({}) in VDN {}, phone {}, role {}, skills {}, group {}, wrap-up {}",
        agent.work_no,
        agent.name,
        agent.vdn,
        agent.phone,
        agent.role.as_str(),
        skills_text(&agent.skills, "none"),
        agent.group.map_or_else(|| "none".to_owned(), |group| group.to_string()),
        agent.wrap_up.map_or_else(|| "center default".to_owned(), span_text),
    )
}

/// Skills as `1:1,2:5`, or `empty` when there are none.
fn skills_text(skills: &[SkillGrant], empty: &str) -> String {
    if skills.is_empty() {
        return empty.to_owned();
    }
    skills.iter().map(|grant| format!("{}:{}", grant.skill, grant.level.get())).collect::<Vec<_>>().join(",")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AgentJson<'a> {
    work_no: u32,
    name: &'a str,
    vdn: u16,
    phone: &'a str,
    role: &'static str,
    skills: Vec<GrantJson>,
    group: Option<u16>,
    wrap_up_ms: Option<u64>,
}

#[derive(Serialize)]
struct GrantJson {
    skill: u32,
    level: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VdnJson<'a> {
    vdn: u16,
    name: &'a str,
    access_code: Option<&'a str>,
}

pub(super) fn to_json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("while rendering JSON")?;
    text.push('\n');
    Ok(text)
}

/// Renders a listing as pretty JSON, as a note that there is nothing, or as a table.
pub(super) fn render<'a, T, J: Serialize>(
    items: &'a [T],
    json: bool,
    nothing: &str,
    headers: &[&str],
    as_json: impl Fn(&'a T) -> J,
    as_cells: impl Fn(&'a T) -> Vec<String>,
) -> anyhow::Result<String> {
    if json {
        return to_json(&items.iter().map(as_json).collect::<Vec<_>>());
    }
    if items.is_empty() {
        return Ok(format!("{nothing}\n"));
    }
    let rows: Vec<Vec<String>> = items.iter().map(as_cells).collect();
    Ok(table(headers, &rows))
}

fn render_agents(agents: &[AgentProfile], json: bool) -> anyhow::Result<String> {
    render(
        agents,
        json,
        "No agents.",
        &["WORK NO", "NAME", "VDN", "PHONE", "ROLE", "SKILLS", "GROUP", "WRAP-UP"],
        |agent| AgentJson {
            work_no: agent.work_no.get(),
            name: &agent.name,
            vdn: agent.vdn.get(),
            phone: agent.phone.as_str(),
            role: agent.role.as_str(),
            skills: agent
                .skills
                .iter()
                .map(|grant| GrantJson { skill: grant.skill.get(), level: grant.level.get() })
                .collect(),
            group: agent.group.map(GroupId::get),
            wrap_up_ms: agent.wrap_up.map(millis),
        },
        |agent| {
            vec![
                agent.work_no.to_string(),
                agent.name.clone(),
                agent.vdn.to_string(),
                agent.phone.to_string(),
                agent.role.as_str().to_owned(),
                skills_text(&agent.skills, "-"),
                agent.group.map_or_else(|| "-".to_owned(), |group| group.to_string()),
                agent.wrap_up.map_or_else(|| "-".to_owned(), span_text),
            ]
        },
    )
}

fn render_vdns(vdns: &[VdnRecord], json: bool) -> anyhow::Result<String> {
    render(
        vdns,
        json,
        "No VDNs.",
        &["VDN", "NAME", "ACCESS CODE"],
        |record| VdnJson {
            vdn: record.vdn.get(),
            name: &record.name,
            access_code: record.access_code.as_ref().map(PhoneNumber::as_str),
        },
        |record| {
            vec![
                record.vdn.to_string(),
                record.name.clone(),
                record.access_code.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::commands::skills::{SkillCommand, execute_skill, run_skill};

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_from(std::iter::once("ccgw").chain(args.iter().copied()))
            .unwrap_or_else(|error| panic!("{args:?}: {error}"))
            .command
    }

    fn agent(args: &[&str]) -> AgentCommand {
        match parse(args) {
            Command::Agent(command) => command,
            other => panic!("not an agent command: {other:?}"),
        }
    }

    fn skill(args: &[&str]) -> SkillCommand {
        match parse(args) {
            Command::Skill(command) => command,
            other => panic!("not a skill command: {other:?}"),
        }
    }

    fn vdn(args: &[&str]) -> VdnCommand {
        match parse(args) {
            Command::Vdn(command) => command,
            other => panic!("not a vdn command: {other:?}"),
        }
    }

    async fn agent_output(command: AgentCommand, directory: &SqliteStore) -> anyhow::Result<String> {
        let mut out = Vec::new();
        execute_agent(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    async fn skill_output(command: SkillCommand, directory: &SqliteStore) -> anyhow::Result<String> {
        let mut out = Vec::new();
        execute_skill(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn work_no(n: u32) -> WorkNo {
        WorkNo::new(n).unwrap()
    }

    #[test]
    fn grants_parse_as_id_or_id_and_level() {
        let grant = parse_grant("7").unwrap();
        assert_eq!(grant.skill.get(), 7);
        assert_eq!(grant.level, SkillLevel::DEFAULT);
        let grant = parse_grant("2:10").unwrap();
        assert_eq!(grant.skill.get(), 2);
        assert_eq!(grant.level.get(), 10);
        for bad in ["", "0", "x", "1:0", "1:11", "1:", ":1", "1:2:3"] {
            assert!(parse_grant(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_agent_add_command_line_parses() {
        let command = agent(&[
            "agent",
            "add",
            "101",
            "--phone",
            "70101",
            "--skills",
            "1,2:3",
            "--inspector",
            "--group",
            "7",
            "--wrap-up-secs",
            "30",
            "--password",
            "s3cret-pw",
        ]);
        let AgentCommand::Add { work_no, name, vdn, phone, skills, inspector, group, wrap_up_secs, password } = command
        else {
            panic!("not add");
        };
        assert_eq!(group.map(GroupId::get), Some(7));
        assert_eq!(wrap_up_secs, Some(30));
        assert_eq!(work_no.get(), 101);
        assert_eq!(name, None);
        assert_eq!(vdn.get(), 1);
        assert_eq!(phone.as_str(), "70101");
        assert_eq!(skills.len(), 2);
        assert_eq!(skills[1].level.get(), 3);
        assert!(inspector);
        assert_eq!(password.as_ref().map(Password::as_str), Some("s3cret-pw"));

        // The parsed command line never shows the password.
        let command = agent(&["agent", "passwd", "101", "--password", "s3cret-pw"]);
        assert!(!format!("{command:?}").contains("s3cret-pw"));
    }

    #[test]
    fn bad_command_line_values_are_refused() {
        for args in [
            &["ccgw", "agent", "add", "0101", "--phone", "1"][..],
            &["ccgw", "agent", "add", "101", "--phone", "12a"][..],
            &["ccgw", "agent", "add", "101"][..],
            &["ccgw", "agent", "add", "101", "--phone", "1", "--skills", "1:11"][..],
            &["ccgw", "agent", "add", "101", "--phone", "1", "--vdn", "513"][..],
            &["ccgw", "skill", "add", "1"][..],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} must be refused");
        }
    }

    #[tokio::test]
    async fn agents_are_added_listed_given_passwords_and_removed() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        assert!(crate::data_dir::database_path(data_dir.path()).is_file());

        let text = skill_output(skill(&["skill", "add", "1", "--name", "General"]), &directory).await.unwrap();
        assert!(text.contains("Created VDN 1."), "{text}");
        assert!(text.contains("Added skill 1 (General)"), "{text}");

        let text = agent_output(
            agent(&[
                "agent",
                "add",
                "101",
                "--name",
                "Alice",
                "--phone",
                "70101",
                "--skills",
                "1:3",
                "--password",
                "first-pw",
            ]),
            &directory,
        )
        .await
        .unwrap();
        assert!(text.contains("Added agent 101 (Alice)"), "{text}");
        assert!(!text.contains("first-pw"), "a given password is never printed: {text}");
        assert!(!text.contains("Created VDN"), "{text}");
        directory.verify_password(work_no(101), "first-pw").await.unwrap();

        let text = agent_output(agent(&["agent", "list"]), &directory).await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].starts_with("WORK NO"), "{text}");
        let cells: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(cells, ["101", "Alice", "1", "70101", "agent", "1:3", "-", "-"]);

        let text = agent_output(agent(&["agent", "list", "--json"]), &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "workNo": 101, "name": "Alice", "vdn": 1, "phone": "70101",
                "role": "agent", "skills": [{"skill": 1, "level": 3}], "group": null, "wrapUpMs": null
            }])
        );

        let text =
            agent_output(agent(&["agent", "passwd", "101", "--password", "second-pw"]), &directory).await.unwrap();
        assert!(!text.contains("second-pw"), "{text}");
        directory.verify_password(work_no(101), "second-pw").await.unwrap();
        assert!(directory.verify_password(work_no(101), "first-pw").await.is_err());

        let text = agent_output(agent(&["agent", "remove", "101"]), &directory).await.unwrap();
        assert_eq!(text, "Removed agent 101.\n");
        assert!(directory.list_agents(None).await.unwrap().is_empty());
        let text = agent_output(agent(&["agent", "list"]), &directory).await.unwrap();
        assert_eq!(text, "No agents.\n");

        let error = agent_output(agent(&["agent", "remove", "101"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("Agent 101 does not exist"), "{error:#}");
    }

    #[tokio::test]
    async fn a_generated_password_is_printed_once_and_works() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let text = agent_output(
            AgentCommand::Add {
                work_no: work_no(102),
                name: None,
                vdn: Vdn::new(3).unwrap(),
                phone: PhoneNumber::parse("70102").unwrap(),
                skills: Vec::new(),
                inspector: true,
                group: None,
                wrap_up_secs: None,
                password: None,
            },
            &directory,
        )
        .await
        .unwrap();
        assert!(text.contains("Created VDN 3."), "{text}");
        assert!(text.contains("Added agent 102 (Agent 102) in VDN 3"), "{text}");
        let label = "Generated password for agent 102 (shown only this once): ";
        let password = text
            .lines()
            .find_map(|line| line.strip_prefix(label))
            .unwrap_or_else(|| panic!("no generated password in {text}"));
        let profile = directory.verify_password(work_no(102), password).await.unwrap();
        assert_eq!(profile.role, Role::Inspector);
        assert_eq!(profile.name, "Agent 102");

        let text =
            agent_output(AgentCommand::Passwd { work_no: work_no(102), password: None }, &directory).await.unwrap();
        let new_password = text
            .lines()
            .find_map(|line| line.strip_prefix(label))
            .unwrap_or_else(|| panic!("no generated password in {text}"));
        assert_ne!(new_password, password);
        directory.verify_password(work_no(102), new_password).await.unwrap();
    }

    #[tokio::test]
    async fn an_agent_with_an_unknown_skill_is_refused_clearly() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let error = agent_output(
            agent(&["agent", "add", "101", "--phone", "70101", "--skills", "7", "--password", "pw"]),
            &directory,
        )
        .await
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("Skill 7 does not exist in VDN 1"), "{message}");
        assert!(message.contains("adding agent 101"), "{message}");
        assert!(directory.list_agents(None).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_duplicate_agent_is_refused() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let add = || agent(&["agent", "add", "101", "--phone", "70101", "--password", "pw"]);
        agent_output(add(), &directory).await.unwrap();
        let error = agent_output(add(), &directory).await.unwrap_err();
        assert!(error.to_string().contains("Agent 101 already exists"), "{error:#}");
    }

    #[tokio::test]
    async fn vdns_are_added_and_listed() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let mut out = Vec::new();
        execute_vdn(vdn(&["vdn", "add", "2", "--name", "Sales", "--access-code", "4000"]), &directory, &mut out)
            .await
            .unwrap();
        let mut out = Vec::new();
        execute_vdn(vdn(&["vdn", "list", "--json"]), &directory, &mut out).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json, serde_json::json!([{"vdn": 2, "name": "Sales", "accessCode": "4000"}]));
    }

    #[test]
    fn contradictory_or_bad_skill_and_agent_flags_are_refused() {
        for args in [
            &["ccgw", "skill", "add", "3", "--name", "S", "--policy", "random"][..],
            &["ccgw", "skill", "add", "3", "--name", "S", "--max-wait-secs", "0"][..],
            &["ccgw", "skill", "add", "3", "--name", "S", "--overflow-skill", "2", "--overflow-number", "5"][..],
            &["ccgw", "skill", "update", "3", "--overflow-skill", "2", "--no-overflow"][..],
            &["ccgw", "skill", "update", "3", "--max-waiting", "5", "--no-max-waiting"][..],
            &["ccgw", "skill", "update", "3", "--wrap-up-secs", "5", "--no-wrap-up"][..],
            &["ccgw", "skill", "update", "3", "--refuse-when-unstaffed", "maybe"][..],
            &["ccgw", "agent", "add", "101", "--phone", "1", "--group", "0"][..],
            &["ccgw", "agent", "add", "101", "--phone", "1", "--group", "10000"][..],
            &["ccgw", "agent", "update", "101", "--group", "1", "--no-group"][..],
            &["ccgw", "agent", "update", "101", "--skills", "1", "--no-skills"][..],
            &["ccgw", "agent", "update", "101", "--role", "boss"][..],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} must be refused");
        }
    }

    #[tokio::test]
    async fn agents_are_updated_with_a_group_and_wrap_up_and_cleared_again() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        skill_output(skill(&["skill", "add", "1", "--name", "General"]), &directory).await.unwrap();
        let error = agent_output(
            agent(&["agent", "add", "101", "--phone", "70101", "--group", "3", "--password", "pw"]),
            &directory,
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("Group 3 does not exist in VDN 1"), "{error:#}");
        directory
            .create_group(&ccgw_core::GroupProfile {
                vdn: Vdn::new(1).unwrap(),
                id: GroupId::new(3).unwrap(),
                name: "Team".into(),
            })
            .await
            .unwrap();
        let text = agent_output(
            agent(&[
                "agent",
                "add",
                "101",
                "--phone",
                "70101",
                "--group",
                "3",
                "--wrap-up-secs",
                "20",
                "--password",
                "pw",
            ]),
            &directory,
        )
        .await
        .unwrap();
        assert!(text.contains("group 3, wrap-up 20s"), "{text}");

        let text = agent_output(
            agent(&["agent", "update", "101", "--name", "Bo", "--role", "inspector", "--skills", "1:4", "--no-group"]),
            &directory,
        )
        .await
        .unwrap();
        assert_eq!(
            text,
            "Updated agent 101 (Bo) in VDN 1, phone 70101, role inspector, skills 1:4, group none, wrap-up 20s.\n"
        );
        let text =
            agent_output(agent(&["agent", "update", "101", "--no-wrap-up", "--no-skills"]), &directory).await.unwrap();
        assert!(text.contains("skills none, group none, wrap-up center default"), "{text}");
        let profile = directory.get_agent(work_no(101)).await.unwrap();
        assert_eq!((profile.group, profile.wrap_up, profile.role), (None, None, Role::Inspector));

        agent_output(agent(&["agent", "update", "101", "--group", "3", "--wrap-up-secs", "0"]), &directory)
            .await
            .unwrap();
        let text = agent_output(agent(&["agent", "list"]), &directory).await.unwrap();
        let cells: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
        assert_eq!(cells, ["101", "Bo", "1", "70101", "inspector", "-", "3", "0s"]);
        let error = agent_output(agent(&["agent", "update", "404", "--name", "X"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("Agent 404 does not exist. (while updating agent 404)"), "{error:#}");
    }

    #[tokio::test]
    async fn run_agent_opens_the_database_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        run_skill(skill(&["skill", "add", "1", "--name", "General"]), &data_dir).await.unwrap();
        run_agent(agent(&["agent", "add", "101", "--phone", "70101", "--skills", "1", "--password", "pw"]), &data_dir)
            .await
            .unwrap();
        let directory = SqliteStore::open(&crate::data_dir::database_path(&data_dir)).await.unwrap();
        let agents = directory.list_agents(None).await.unwrap();
        assert_eq!(agents.len(), 1);
        assert_eq!(agents[0].skills.len(), 1);
    }
}
