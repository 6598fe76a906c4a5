//! `ccgw agent …`, `ccgw skill …` and `ccgw vdn …`: edit the directory in the data
//! directory's SQLite database.
//!
//! The server may be running at the same time (SQLite in WAL mode serialises the
//! writers). A change reaches a signed-in agent at its next sign-in.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use ccgw_core::{AgentProfile, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, SkillProfile, Vdn, WorkNo};
use ccgw_store::{Directory, NewAgent, StoreError, VdnRecord};
use serde::Serialize;

use super::{emit, table};

/// File name of the directory database inside the data directory.
const DATABASE_FILE: &str = "ccgw.db";

/// `<data_dir>/ccgw.db`: the directory database. The server opens the same file.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

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
        /// Initial password (1-32 characters); generated and printed once when absent
        #[arg(long, env = "CCGW_AGENT_PASSWORD", hide_env_values = true)]
        password: Option<Password>,
    },
    /// List agents
    List {
        /// Only the agents of this VDN
        #[arg(long)]
        vdn: Option<Vdn>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
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

/// Skill (skill queue) subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SkillCommand {
    /// Add a skill queue
    Add {
        /// Skill id, unique within its VDN
        id: SkillId,
        /// Display name
        #[arg(long)]
        name: String,
        /// VDN (tenant) of the skill; created if it does not exist yet
        #[arg(long, default_value = "1")]
        vdn: Vdn,
        /// Media type (5 = normal audio/video call)
        #[arg(long, default_value_t = 5)]
        media_type: u8,
    },
    /// List skill queues
    List {
        /// Only the skills of this VDN
        #[arg(long)]
        vdn: Option<Vdn>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Remove a skill queue (and its grants to agents)
    Remove {
        /// Skill id
        id: SkillId,
        /// VDN (tenant) of the skill
        #[arg(long, default_value = "1")]
        vdn: Vdn,
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

/// Runs a skill subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_skill(command: SkillCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_skill(command, &directory, &mut std::io::stdout()).await
}

/// Runs a VDN subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_vdn(command: VdnCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_vdn(command, &directory, &mut std::io::stdout()).await
}

/// Opens (creating if needed) the data directory's database.
async fn open(data_dir: &Path) -> anyhow::Result<Directory> {
    crate::secrets::ensure_data_dir(data_dir)?;
    let path = database_path(data_dir);
    Directory::open(&path).await.with_context(|| format!("while opening the directory database {}", path.display()))
}

/// Turns a store failure into an error for the operator. The store's own sentences
/// ("Agent 101 already exists.") come first; database failures keep their cause chain.
fn failed(error: StoreError, doing: String) -> anyhow::Error {
    match error {
        StoreError::NotFound(_)
        | StoreError::Conflict(_)
        | StoreError::InvalidInput(_)
        | StoreError::BadCredentials => anyhow::anyhow!("{error} (while {doing})"),
        StoreError::Corrupt(_) | StoreError::Db(_) | StoreError::Migrate(_) => {
            anyhow::Error::new(error).context(format!("while {doing}"))
        }
    }
}

/// Makes sure the VDN exists, creating it with a default name if not. Tells the operator
/// when it created one.
async fn ensure_vdn(directory: &Directory, vdn: Vdn, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
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
    directory: &Directory,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        AgentCommand::Add { work_no, name, vdn, phone, skills, inspector, password } => {
            ensure_vdn(directory, vdn, out).await?;
            let (password, generated) = chosen_password(password);
            let profile = AgentProfile {
                work_no,
                vdn,
                name: name.unwrap_or_else(|| format!("Agent {work_no}")),
                phone,
                role: if inspector { Role::Inspector } else { Role::Agent },
                skills,
            };
            let created = directory
                .create_agent(&NewAgent { profile, password })
                .await
                .map_err(|error| failed(error, format!("adding agent {work_no}")))?;
            let mut text = format!(
                "Added agent {} ({}) in VDN {}, phone {}, role {}, skills {}.\n",
                created.work_no,
                created.name,
                created.vdn,
                created.phone,
                created.role.as_str(),
                skills_text(&created.skills, "none"),
            );
            text.push_str(&generated_notice(work_no, generated.as_deref()));
            emit(out, &text)
        }
        AgentCommand::List { vdn, json } => {
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

/// Runs a skill subcommand on an open directory, writing the output to `out`.
pub async fn execute_skill(
    command: SkillCommand,
    directory: &Directory,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        SkillCommand::Add { id, name, vdn, media_type } => {
            ensure_vdn(directory, vdn, out).await?;
            let skill = SkillProfile { vdn, id, name, media_type };
            directory
                .create_skill(&skill)
                .await
                .map_err(|error| failed(error, format!("adding skill {id} to VDN {vdn}")))?;
            emit(out, &format!("Added skill {id} ({}) in VDN {vdn}, media type {media_type}.\n", skill.name))
        }
        SkillCommand::List { vdn, json } => {
            let skills =
                directory.list_skills(vdn).await.map_err(|error| failed(error, "listing skills".to_owned()))?;
            emit(out, &render_skills(&skills, json)?)
        }
        SkillCommand::Remove { id, vdn } => {
            directory
                .delete_skill(vdn, id)
                .await
                .map_err(|error| failed(error, format!("removing skill {id} from VDN {vdn}")))?;
            emit(out, &format!("Removed skill {id} from VDN {vdn}, and its grants to agents.\n"))
        }
    }
}

/// Runs a VDN subcommand on an open directory, writing the output to `out`.
pub async fn execute_vdn(
    command: VdnCommand,
    directory: &Directory,
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
}

#[derive(Serialize)]
struct GrantJson {
    skill: u32,
    level: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SkillJson<'a> {
    vdn: u16,
    id: u32,
    name: &'a str,
    media_type: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VdnJson<'a> {
    vdn: u16,
    name: &'a str,
    access_code: Option<&'a str>,
}

fn to_json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("while rendering JSON")?;
    text.push('\n');
    Ok(text)
}

/// Renders a listing as pretty JSON, as a note that there is nothing, or as a table.
fn render<'a, T, J: Serialize>(
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
        &["WORK NO", "NAME", "VDN", "PHONE", "ROLE", "SKILLS"],
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
        },
        |agent| {
            vec![
                agent.work_no.to_string(),
                agent.name.clone(),
                agent.vdn.to_string(),
                agent.phone.to_string(),
                agent.role.as_str().to_owned(),
                skills_text(&agent.skills, "-"),
            ]
        },
    )
}

fn render_skills(skills: &[SkillProfile], json: bool) -> anyhow::Result<String> {
    render(
        skills,
        json,
        "No skills.",
        &["VDN", "ID", "NAME", "MEDIA TYPE"],
        |skill| SkillJson { vdn: skill.vdn.get(), id: skill.id.get(), name: &skill.name, media_type: skill.media_type },
        |skill| vec![skill.vdn.to_string(), skill.id.to_string(), skill.name.clone(), skill.media_type.to_string()],
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

    async fn agent_output(command: AgentCommand, directory: &Directory) -> anyhow::Result<String> {
        let mut out = Vec::new();
        execute_agent(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    async fn skill_output(command: SkillCommand, directory: &Directory) -> anyhow::Result<String> {
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
            "--password",
            "s3cret-pw",
        ]);
        let AgentCommand::Add { work_no, name, vdn, phone, skills, inspector, password } = command else {
            panic!("not add");
        };
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
        assert!(database_path(data_dir.path()).is_file());

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
        assert_eq!(cells, ["101", "Alice", "1", "70101", "agent", "1:3"]);

        let text = agent_output(agent(&["agent", "list", "--json"]), &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "workNo": 101, "name": "Alice", "vdn": 1, "phone": "70101",
                "role": "agent", "skills": [{"skill": 1, "level": 3}]
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
    async fn skills_are_listed_and_removed() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        skill_output(skill(&["skill", "add", "2", "--name", "VIP", "--vdn", "4", "--media-type", "7"]), &directory)
            .await
            .unwrap();
        let text = skill_output(skill(&["skill", "list"]), &directory).await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let cells: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(cells, ["4", "2", "VIP", "7"]);

        let text = skill_output(skill(&["skill", "list", "--json"]), &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json, serde_json::json!([{"vdn": 4, "id": 2, "name": "VIP", "mediaType": 7}]));
        let text = skill_output(skill(&["skill", "list", "--vdn", "1"]), &directory).await.unwrap();
        assert_eq!(text, "No skills.\n");

        let error =
            skill_output(skill(&["skill", "add", "2", "--name", "Again", "--vdn", "4"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("already exists"), "{error:#}");

        let error = skill_output(skill(&["skill", "remove", "2"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("does not exist in VDN 1"), "{error:#}");
        skill_output(skill(&["skill", "remove", "2", "--vdn", "4"]), &directory).await.unwrap();
        assert!(directory.list_skills(None).await.unwrap().is_empty());
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

    #[tokio::test]
    async fn run_agent_opens_the_database_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        run_skill(skill(&["skill", "add", "1", "--name", "General"]), &data_dir).await.unwrap();
        run_agent(agent(&["agent", "add", "101", "--phone", "70101", "--skills", "1", "--password", "pw"]), &data_dir)
            .await
            .unwrap();
        let directory = Directory::open(&database_path(&data_dir)).await.unwrap();
        let agents = directory.list_agents(None).await.unwrap();
        assert_eq!(agents.len(), 1);
        assert_eq!(agents[0].skills.len(), 1);
    }
}
