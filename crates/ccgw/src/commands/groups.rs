//! `ccgw group …` and `ccgw rest-reason …`: agent groups (teams) and rest reason codes
//! of a VDN, in the data directory's SQLite database. An agent joins a group with
//! `ccgw agent add/update --group N`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use ccgw_core::{GroupId, GroupProfile, RestReason, Vdn};
use ccgw_store::SqliteStore;
use serde::Serialize;

use super::directory::{ensure_vdn, failed, open, parse_group, render};
use super::emit;

/// Parses a rest reason code, 1 to 255.
pub fn parse_rest_code(text: &str) -> Result<u8, String> {
    text.parse::<u8>()
        .ok()
        .filter(|code| *code > 0 && !text.starts_with('0') && !text.starts_with('+'))
        .ok_or_else(|| "a rest reason code is 1 to 255".to_owned())
}

/// Agent group subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GroupCommand {
    /// Add an agent group
    Add {
        /// Group id, 1 to 9999, unique within its VDN
        #[arg(value_parser = parse_group)]
        id: GroupId,
        /// Display name
        #[arg(long)]
        name: String,
        /// VDN (tenant) of the group; created if it does not exist yet
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
    /// List agent groups with their agents
    List(super::ListArgs),
    /// Rename an agent group
    Rename {
        /// Group id
        #[arg(value_parser = parse_group)]
        id: GroupId,
        /// New display name
        #[arg(long)]
        name: String,
        /// VDN (tenant) of the group
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
    /// Remove an agent group; its agents stay, in no group
    Remove {
        /// Group id
        #[arg(value_parser = parse_group)]
        id: GroupId,
        /// VDN (tenant) of the group
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
}

/// Rest reason subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RestReasonCommand {
    /// Add a rest reason
    Add {
        /// Code, 1 to 255 (the restcause of a rest request)
        #[arg(value_parser = parse_rest_code)]
        code: u8,
        /// Display name
        #[arg(long)]
        name: String,
        /// VDN (tenant) of the rest reason; created if it does not exist yet
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
    /// List rest reasons
    List(super::ListArgs),
    /// Rename a rest reason
    Rename {
        /// Code
        #[arg(value_parser = parse_rest_code)]
        code: u8,
        /// New display name
        #[arg(long)]
        name: String,
        /// VDN (tenant) of the rest reason
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
    /// Remove a rest reason
    Remove {
        /// Code
        #[arg(value_parser = parse_rest_code)]
        code: u8,
        /// VDN (tenant) of the rest reason
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
}

/// Runs a group subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_group(command: GroupCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_group(command, &directory, &mut std::io::stdout()).await
}

/// Runs a rest reason subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_rest_reason(command: RestReasonCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_rest_reason(command, &directory, &mut std::io::stdout()).await
}

/// Runs a group subcommand on an open directory, writing the output to `out`.
pub async fn execute_group(
    command: GroupCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        GroupCommand::Add { id, name, vdn } => {
            ensure_vdn(directory, vdn, out).await?;
            let group = GroupProfile { vdn, id, name };
            directory
                .create_group(&group)
                .await
                .map_err(|error| failed(error, format!("adding group {id} to VDN {vdn}")))?;
            emit(out, &format!("Added group {id} ({}) in VDN {vdn}.\n", group.name))
        }
        GroupCommand::List(super::ListArgs { vdn, json }) => {
            let groups =
                directory.list_groups(vdn).await.map_err(|error| failed(error, "listing groups".to_owned()))?;
            let agents =
                directory.list_agents(vdn).await.map_err(|error| failed(error, "listing agents".to_owned()))?;
            let mut members: BTreeMap<(Vdn, GroupId), Vec<u32>> = BTreeMap::new();
            for agent in &agents {
                if let Some(group) = agent.group {
                    members.entry((agent.vdn, group)).or_default().push(agent.work_no.get());
                }
            }
            emit(out, &render_groups(&groups, &members, json)?)
        }
        GroupCommand::Rename { id, name, vdn } => {
            let group = directory
                .rename_group(vdn, id, &name)
                .await
                .map_err(|error| failed(error, format!("renaming group {id} of VDN {vdn}")))?;
            emit(out, &format!("Renamed group {id} of VDN {vdn} to {}.\n", group.name))
        }
        GroupCommand::Remove { id, vdn } => {
            let released = directory
                .delete_group(vdn, id)
                .await
                .map_err(|error| failed(error, format!("removing group {id} from VDN {vdn}")))?;
            let agents = if released == 1 { "agent is" } else { "agents are" };
            emit(out, &format!("Removed group {id} from VDN {vdn}; {released} {agents} now in no group.\n"))
        }
    }
}

/// Runs a rest reason subcommand on an open directory, writing the output to `out`.
pub async fn execute_rest_reason(
    command: RestReasonCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        RestReasonCommand::Add { code, name, vdn } => {
            ensure_vdn(directory, vdn, out).await?;
            let reason = RestReason { vdn, code, name };
            directory
                .create_rest_reason(&reason)
                .await
                .map_err(|error| failed(error, format!("adding rest reason {code} to VDN {vdn}")))?;
            emit(out, &format!("Added rest reason {code} ({}) in VDN {vdn}.\n", reason.name))
        }
        RestReasonCommand::List(super::ListArgs { vdn, json }) => {
            let reasons = directory
                .list_rest_reasons(vdn)
                .await
                .map_err(|error| failed(error, "listing rest reasons".to_owned()))?;
            emit(out, &render_rest_reasons(&reasons, json)?)
        }
        RestReasonCommand::Rename { code, name, vdn } => {
            let doing = || format!("renaming rest reason {code} of VDN {vdn}");
            // Renaming, not adding: the code must exist.
            directory.get_rest_reason(vdn, code).await.map_err(|error| failed(error, doing()))?;
            let reason = RestReason { vdn, code, name };
            directory.put_rest_reason(&reason).await.map_err(|error| failed(error, doing()))?;
            emit(out, &format!("Renamed rest reason {code} of VDN {vdn} to {}.\n", reason.name))
        }
        RestReasonCommand::Remove { code, vdn } => {
            directory
                .delete_rest_reason(vdn, code)
                .await
                .map_err(|error| failed(error, format!("removing rest reason {code} from VDN {vdn}")))?;
            emit(out, &format!("Removed rest reason {code} from VDN {vdn}.\n"))
        }
    }
}

#[derive(Serialize)]
struct GroupJson<'a> {
    vdn: u16,
    id: u16,
    name: &'a str,
    agents: &'a [u32],
}

#[derive(Serialize)]
struct RestReasonJson<'a> {
    vdn: u16,
    code: u8,
    name: &'a str,
}

fn render_groups(
    groups: &[GroupProfile],
    members: &BTreeMap<(Vdn, GroupId), Vec<u32>>,
    json: bool,
) -> anyhow::Result<String> {
    let agents_of = |group: &GroupProfile| members.get(&(group.vdn, group.id)).map_or(&[][..], Vec::as_slice);
    render(
        groups,
        json,
        "No groups.",
        &["VDN", "ID", "NAME", "AGENTS"],
        |group| GroupJson { vdn: group.vdn.get(), id: group.id.get(), name: &group.name, agents: agents_of(group) },
        |group| {
            let agents = agents_of(group);
            vec![
                group.vdn.to_string(),
                group.id.to_string(),
                group.name.clone(),
                if agents.is_empty() {
                    "-".to_owned()
                } else {
                    agents.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
                },
            ]
        },
    )
}

fn render_rest_reasons(reasons: &[RestReason], json: bool) -> anyhow::Result<String> {
    render(
        reasons,
        json,
        "No rest reasons.",
        &["VDN", "CODE", "NAME"],
        |reason| RestReasonJson { vdn: reason.vdn.get(), code: reason.code, name: &reason.name },
        |reason| vec![reason.vdn.to_string(), reason.code.to_string(), reason.name.clone()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::commands::directory::execute_agent;

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_from(std::iter::once("ccgw").chain(args.iter().copied()))
            .unwrap_or_else(|error| panic!("{args:?}: {error}"))
            .command
    }

    async fn group_output(args: &[&str], directory: &SqliteStore) -> anyhow::Result<String> {
        let Command::Group(command) = parse(args) else { panic!("not a group command: {args:?}") };
        let mut out = Vec::new();
        execute_group(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    async fn reason_output(args: &[&str], directory: &SqliteStore) -> anyhow::Result<String> {
        let Command::RestReason(command) = parse(args) else { panic!("not a rest-reason command: {args:?}") };
        let mut out = Vec::new();
        execute_rest_reason(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    async fn add_agent(args: &[&str], directory: &SqliteStore) {
        let Command::Agent(command) = parse(args) else { panic!("not an agent command") };
        execute_agent(command, directory, &mut Vec::new()).await.unwrap();
    }

    #[test]
    fn bad_group_and_rest_reason_values_are_refused() {
        for args in [
            &["ccgw", "group", "add", "0", "--name", "X"][..],
            &["ccgw", "group", "add", "10000", "--name", "X"][..],
            &["ccgw", "group", "add", "01", "--name", "X"][..],
            &["ccgw", "group", "add", "1"][..],
            &["ccgw", "group", "rename", "1"][..],
            &["ccgw", "rest-reason", "add", "0", "--name", "X"][..],
            &["ccgw", "rest-reason", "add", "256", "--name", "X"][..],
            &["ccgw", "rest-reason", "remove", "x"][..],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} must be refused");
        }
    }

    #[tokio::test]
    async fn groups_are_added_listed_with_their_agents_renamed_and_removed() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let text = group_output(&["group", "add", "1", "--name", "Team A"], &directory).await.unwrap();
        assert_eq!(text, "Created VDN 1.\nAdded group 1 (Team A) in VDN 1.\n");
        group_output(&["group", "add", "2", "--name", "Team B"], &directory).await.unwrap();
        for number in ["101", "102"] {
            add_agent(&["agent", "add", number, "--phone", "70101", "--group", "1", "--password", "pw"], &directory)
                .await;
        }
        let text = group_output(&["group", "list"], &directory).await.unwrap();
        assert_eq!(text, "VDN  ID  NAME    AGENTS\n1    1   Team A  101,102\n1    2   Team B  -\n");
        let text = group_output(&["group", "list", "--json"], &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"vdn": 1, "id": 1, "name": "Team A", "agents": [101, 102]},
                {"vdn": 1, "id": 2, "name": "Team B", "agents": []}
            ])
        );
        assert_eq!(group_output(&["group", "list", "--vdn", "2"], &directory).await.unwrap(), "No groups.\n");

        let error = group_output(&["group", "add", "1", "--name", "Again"], &directory).await.unwrap_err();
        assert!(error.to_string().contains("Group 1 already exists in VDN 1"), "{error:#}");
        let text = group_output(&["group", "rename", "2", "--name", "Night"], &directory).await.unwrap();
        assert_eq!(text, "Renamed group 2 of VDN 1 to Night.\n");
        let text = group_output(&["group", "remove", "1"], &directory).await.unwrap();
        assert_eq!(text, "Removed group 1 from VDN 1; 2 agents are now in no group.\n");
        let agents = directory.list_agents(None).await.unwrap();
        assert!(agents.iter().all(|agent| agent.group.is_none()), "{agents:?}");
        let error = group_output(&["group", "remove", "1"], &directory).await.unwrap_err();
        assert!(error.to_string().contains("Group 1 does not exist in VDN 1. (while removing group 1"), "{error:#}");
    }

    #[tokio::test]
    async fn rest_reasons_are_added_listed_renamed_and_removed() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        assert_eq!(reason_output(&["rest-reason", "list"], &directory).await.unwrap(), "No rest reasons.\n");
        let text =
            reason_output(&["rest-reason", "add", "1", "--name", "Lunch", "--vdn", "3"], &directory).await.unwrap();
        assert_eq!(text, "Created VDN 3.\nAdded rest reason 1 (Lunch) in VDN 3.\n");
        reason_output(&["rest-reason", "add", "255", "--name", "Other", "--vdn", "3"], &directory).await.unwrap();
        let error =
            reason_output(&["rest-reason", "add", "1", "--name", "Again", "--vdn", "3"], &directory).await.unwrap_err();
        assert!(error.to_string().contains("Rest reason 1 already exists in VDN 3"), "{error:#}");

        let text = reason_output(&["rest-reason", "list"], &directory).await.unwrap();
        assert_eq!(text, "VDN  CODE  NAME\n3    1     Lunch\n3    255   Other\n");
        let text =
            reason_output(&["rest-reason", "rename", "1", "--name", "Break", "--vdn", "3"], &directory).await.unwrap();
        assert_eq!(text, "Renamed rest reason 1 of VDN 3 to Break.\n");
        let error = reason_output(&["rest-reason", "rename", "2", "--name", "New", "--vdn", "3"], &directory)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("Rest reason 2 does not exist in VDN 3"), "{error:#}");
        reason_output(&["rest-reason", "remove", "255", "--vdn", "3"], &directory).await.unwrap();
        let text = reason_output(&["rest-reason", "list", "--json"], &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json, serde_json::json!([{"vdn": 3, "code": 1, "name": "Break"}]));
    }
}
