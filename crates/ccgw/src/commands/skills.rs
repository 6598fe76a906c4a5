//! `ccgw skill …`: skill queues in the data directory's SQLite database — name, media
//! type, routing policy, queue limits and wrap-up time. Edits made while the gateway
//! runs reach it at its next skill refresh.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use ccgw_core::{Overflow, PhoneNumber, QueueLimits, RoutingPolicy, SkillId, SkillProfile, Vdn};
use ccgw_store::{SkillPatch, SqliteStore};
use serde::Serialize;

use super::directory::{clearable, ensure_vdn, failed, millis, open, render, span_text};
use super::emit;

/// Parses a routing policy: `longest-idle`, `most-skilled` or `round-robin`.
pub fn parse_policy(text: &str) -> Result<RoutingPolicy, String> {
    RoutingPolicy::parse(text).ok_or_else(|| {
        let names: Vec<&str> = RoutingPolicy::ALL.iter().map(|policy| policy.as_str()).collect();
        format!("the policy is one of {}", names.join(", "))
    })
}

/// The routing and queue settings of `skill add` and `skill update`. On `add`, leaving
/// a limit out (or `--no-…`) means no limit.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct QueueArgs {
    /// How the skill picks among idle agents: longest-idle, most-skilled or round-robin
    #[arg(long, value_parser = parse_policy)]
    pub policy: Option<RoutingPolicy>,
    /// Refuse a new call while this many calls wait (outcome queue-full)
    #[arg(long, conflicts_with = "no_max_waiting")]
    pub max_waiting: Option<u32>,
    /// No limit on waiting calls
    #[arg(long)]
    pub no_max_waiting: bool,
    /// A call that waited this long overflows (or ends, outcome timed-out)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "no_max_wait")]
    pub max_wait_secs: Option<u64>,
    /// No limit on the waiting time
    #[arg(long)]
    pub no_max_wait: bool,
    /// Overflow into this skill of the same VDN
    #[arg(long, conflicts_with_all = ["overflow_number", "no_overflow"])]
    pub overflow_skill: Option<SkillId>,
    /// Overflow out of the center to this number
    #[arg(long, value_parser = PhoneNumber::parse, conflicts_with = "no_overflow")]
    pub overflow_number: Option<PhoneNumber>,
    /// No overflow target
    #[arg(long)]
    pub no_overflow: bool,
    /// When no agent with the skill is signed in, overflow (or end, outcome no-agent) at once
    #[arg(long, value_name = "true|false")]
    pub refuse_when_unstaffed: Option<bool>,
    /// Wrap-up time after a call of this skill, in seconds (0 = none)
    #[arg(long, conflicts_with = "no_wrap_up")]
    pub wrap_up_secs: Option<u64>,
    /// No wrap-up time of the skill's own: the agent's default applies
    #[arg(long)]
    pub no_wrap_up: bool,
}

impl QueueArgs {
    fn overflow(&self) -> Option<Option<Overflow>> {
        let set = match (&self.overflow_skill, &self.overflow_number) {
            (Some(skill), _) => Some(Overflow::Skill(*skill)),
            (None, Some(number)) => Some(Overflow::Number(number.clone())),
            (None, None) => None,
        };
        clearable(set, self.no_overflow)
    }

    /// The changes these flags make to a skill.
    fn patch(&self) -> SkillPatch {
        SkillPatch {
            policy: self.policy,
            max_waiting: clearable(self.max_waiting, self.no_max_waiting),
            max_wait: clearable(self.max_wait_secs.map(Duration::from_secs), self.no_max_wait),
            overflow: self.overflow(),
            refuse_when_unstaffed: self.refuse_when_unstaffed,
            wrap_up: clearable(self.wrap_up_secs.map(Duration::from_secs), self.no_wrap_up),
            ..SkillPatch::default()
        }
    }

    /// A new skill with these settings.
    fn new_skill(&self, vdn: Vdn, id: SkillId, name: String, media_type: u8) -> SkillProfile {
        let patch = self.patch();
        SkillProfile {
            media_type,
            policy: patch.policy.unwrap_or_default(),
            limits: QueueLimits {
                max_waiting: patch.max_waiting.flatten(),
                max_wait: patch.max_wait.flatten(),
                overflow: patch.overflow.flatten(),
                refuse_when_unstaffed: patch.refuse_when_unstaffed.unwrap_or(false),
            },
            wrap_up: patch.wrap_up.flatten(),
            ..SkillProfile::new(vdn, id, name)
        }
    }
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
        #[command(flatten)]
        queue: QueueArgs,
    },
    /// Change a skill queue; what is not given stays as it is
    Update {
        /// Skill id
        id: SkillId,
        /// VDN (tenant) of the skill
        #[arg(long, default_value = "1")]
        vdn: Vdn,
        /// Display name
        #[arg(long)]
        name: Option<String>,
        /// Media type (5 = normal audio/video call)
        #[arg(long)]
        media_type: Option<u8>,
        #[command(flatten)]
        queue: QueueArgs,
    },
    /// List skill queues
    List(super::ListArgs),
    /// Remove a skill queue (and its grants to agents)
    Remove {
        /// Skill id
        id: SkillId,
        /// VDN (tenant) of the skill
        #[arg(long, default_value = "1")]
        vdn: Vdn,
    },
}

/// Runs a skill subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_skill(command: SkillCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_skill(command, &directory, &mut std::io::stdout()).await
}

/// Runs a skill subcommand on an open directory, writing the output to `out`.
pub async fn execute_skill(
    command: SkillCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        SkillCommand::Add { id, name, vdn, media_type, queue } => {
            ensure_vdn(directory, vdn, out).await?;
            let skill = queue.new_skill(vdn, id, name, media_type);
            directory
                .create_skill(&skill)
                .await
                .map_err(|error| failed(error, format!("adding skill {id} to VDN {vdn}")))?;
            emit(out, &format!("Added {}.\n", skill_summary(&skill)))
        }
        SkillCommand::Update { id, vdn, name, media_type, queue } => {
            let patch = SkillPatch { name, media_type, ..queue.patch() };
            let skill = directory
                .update_skill(vdn, id, &patch)
                .await
                .map_err(|error| failed(error, format!("updating skill {id} of VDN {vdn}")))?;
            emit(out, &format!("Updated {}.\n", skill_summary(&skill)))
        }
        SkillCommand::List(super::ListArgs { vdn, json }) => {
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

fn overflow_text(overflow: &Overflow) -> String {
    match overflow {
        Overflow::Skill(skill) => format!("skill:{skill}"),
        Overflow::Number(number) => format!("number:{number}"),
    }
}

/// "skill 3 (Sales) in VDN 1, media type 5, policy most-skilled, max waiting 50, …"
fn skill_summary(skill: &SkillProfile) -> String {
    let limits = &skill.limits;
    format!(
        "skill {} ({}) in VDN {}, media type {}, policy {}, max waiting {}, max wait {}, overflow {}, {}, wrap-up {}",
        skill.id,
        skill.name,
        skill.vdn,
        skill.media_type,
        skill.policy.as_str(),
        limits.max_waiting.map_or_else(|| "unlimited".to_owned(), |n| n.to_string()),
        limits.max_wait.map_or_else(|| "unlimited".to_owned(), span_text),
        limits.overflow.as_ref().map_or_else(|| "none".to_owned(), overflow_text),
        if limits.refuse_when_unstaffed { "refuses calls when unstaffed" } else { "queues calls when unstaffed" },
        skill.wrap_up.map_or_else(|| "agent default".to_owned(), span_text),
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SkillJson<'a> {
    vdn: u16,
    id: u32,
    name: &'a str,
    media_type: u8,
    policy: &'static str,
    max_waiting: Option<u32>,
    max_wait_ms: Option<u64>,
    overflow: Option<OverflowJson<'a>>,
    refuse_when_unstaffed: bool,
    wrap_up_ms: Option<u64>,
}

/// `{"skill": 2}` or `{"number": "5551234"}`, as in the extension API.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum OverflowJson<'a> {
    Skill(u32),
    Number(&'a str),
}

fn render_skills(skills: &[SkillProfile], json: bool) -> anyhow::Result<String> {
    render(
        skills,
        json,
        "No skills.",
        &["VDN", "ID", "NAME", "MEDIA TYPE", "POLICY", "MAX WAITING", "MAX WAIT", "OVERFLOW", "UNSTAFFED", "WRAP-UP"],
        |skill| SkillJson {
            vdn: skill.vdn.get(),
            id: skill.id.get(),
            name: &skill.name,
            media_type: skill.media_type,
            policy: skill.policy.as_str(),
            max_waiting: skill.limits.max_waiting,
            max_wait_ms: skill.limits.max_wait.map(millis),
            overflow: skill.limits.overflow.as_ref().map(|overflow| match overflow {
                Overflow::Skill(id) => OverflowJson::Skill(id.get()),
                Overflow::Number(number) => OverflowJson::Number(number.as_str()),
            }),
            refuse_when_unstaffed: skill.limits.refuse_when_unstaffed,
            wrap_up_ms: skill.wrap_up.map(millis),
        },
        |skill| {
            let limits = &skill.limits;
            vec![
                skill.vdn.to_string(),
                skill.id.to_string(),
                skill.name.clone(),
                skill.media_type.to_string(),
                skill.policy.as_str().to_owned(),
                limits.max_waiting.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                limits.max_wait.map_or_else(|| "-".to_owned(), span_text),
                limits.overflow.as_ref().map_or_else(|| "-".to_owned(), overflow_text),
                if limits.refuse_when_unstaffed { "refuse" } else { "queue" }.to_owned(),
                skill.wrap_up.map_or_else(|| "-".to_owned(), span_text),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::Parser;

    use crate::cli::{Cli, Command};

    fn skill(args: &[&str]) -> SkillCommand {
        match Cli::try_parse_from(std::iter::once("ccgw").chain(args.iter().copied()))
            .unwrap_or_else(|error| panic!("{args:?}: {error}"))
            .command
        {
            Command::Skill(command) => command,
            other => panic!("not a skill command: {other:?}"),
        }
    }

    async fn skill_output(command: SkillCommand, directory: &SqliteStore) -> anyhow::Result<String> {
        let mut out = Vec::new();
        execute_skill(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
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
        assert_eq!(cells, ["4", "2", "VIP", "7", "longest-idle", "-", "-", "-", "queue", "-"]);

        let text = skill_output(skill(&["skill", "list", "--json"]), &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "vdn": 4, "id": 2, "name": "VIP", "mediaType": 7, "policy": "longest-idle", "maxWaiting": null,
                "maxWaitMs": null, "overflow": null, "refuseWhenUnstaffed": false, "wrapUpMs": null
            }])
        );
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

    #[test]
    fn skill_queue_flags_parse_and_clear() {
        let SkillCommand::Add { queue, .. } = skill(&[
            "skill",
            "add",
            "3",
            "--name",
            "Sales",
            "--policy",
            "most-skilled",
            "--max-waiting",
            "50",
            "--max-wait-secs",
            "120",
            "--overflow-number",
            "5551234",
            "--refuse-when-unstaffed",
            "true",
            "--wrap-up-secs",
            "30",
        ]) else {
            panic!("not add");
        };
        let patch = queue.patch();
        assert_eq!(patch.policy, Some(RoutingPolicy::MostSkilled));
        assert_eq!(patch.max_waiting, Some(Some(50)));
        assert_eq!(patch.max_wait, Some(Some(Duration::from_secs(120))));
        assert_eq!(patch.overflow, Some(Some(Overflow::Number(PhoneNumber::parse("5551234").unwrap()))));
        assert_eq!(patch.refuse_when_unstaffed, Some(true));
        assert_eq!(patch.wrap_up, Some(Some(Duration::from_secs(30))));

        let SkillCommand::Update { queue, name, .. } =
            skill(&["skill", "update", "3", "--no-max-waiting", "--no-max-wait", "--no-overflow", "--no-wrap-up"])
        else {
            panic!("not update");
        };
        assert_eq!(name, None);
        let patch = queue.patch();
        assert_eq!((patch.max_waiting, patch.max_wait, patch.wrap_up), (Some(None), Some(None), Some(None)));
        assert_eq!(patch.overflow, Some(None));
        assert_eq!((patch.policy, patch.refuse_when_unstaffed), (None, None), "not given, not changed");
    }

    #[tokio::test]
    async fn skills_are_added_and_updated_with_their_queue_settings() {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        skill_output(skill(&["skill", "add", "1", "--name", "General"]), &directory).await.unwrap();
        let text = skill_output(
            skill(&[
                "skill",
                "add",
                "2",
                "--name",
                "VIP",
                "--policy",
                "round-robin",
                "--max-wait-secs",
                "60",
                "--overflow-skill",
                "1",
                "--wrap-up-secs",
                "15",
            ]),
            &directory,
        )
        .await
        .unwrap();
        assert!(text.contains("policy round-robin"), "{text}");
        assert!(text.contains("max wait 60s, overflow skill:1"), "{text}");
        let vip = directory.get_skill(Vdn::new(1).unwrap(), SkillId::new(2).unwrap()).await.unwrap();
        assert_eq!(vip.limits.overflow, Some(Overflow::Skill(SkillId::new(1).unwrap())));
        assert_eq!(vip.wrap_up, Some(Duration::from_secs(15)));

        let text = skill_output(skill(&["skill", "list"]), &directory).await.unwrap();
        let cells: Vec<&str> = text.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!(cells, ["1", "2", "VIP", "5", "round-robin", "-", "60s", "skill:1", "queue", "15s"]);

        let text = skill_output(
            skill(&[
                "skill",
                "update",
                "2",
                "--name",
                "Gold",
                "--max-waiting",
                "10",
                "--no-overflow",
                "--refuse-when-unstaffed",
                "true",
            ]),
            &directory,
        )
        .await
        .unwrap();
        assert!(text.starts_with("Updated skill 2 (Gold) in VDN 1"), "{text}");
        let gold = directory.get_skill(Vdn::new(1).unwrap(), SkillId::new(2).unwrap()).await.unwrap();
        assert_eq!(gold.policy, RoutingPolicy::RoundRobin, "kept");
        assert_eq!(gold.limits.max_waiting, Some(10));
        assert_eq!(gold.limits.max_wait, Some(Duration::from_secs(60)), "kept");
        assert_eq!(gold.limits.overflow, None);
        assert!(gold.limits.refuse_when_unstaffed);

        let error =
            skill_output(skill(&["skill", "update", "2", "--overflow-skill", "9"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("The overflow skill 9 of skill 2 does not exist in VDN 1"), "{error:#}");
        let error =
            skill_output(skill(&["skill", "update", "2", "--overflow-skill", "2"]), &directory).await.unwrap_err();
        assert!(error.to_string().contains("cannot overflow into itself"), "{error:#}");
        let error = skill_output(skill(&["skill", "update", "5", "--name", "X"]), &directory).await.unwrap_err();
        assert!(
            error.to_string().contains("Skill 5 does not exist in VDN 1. (while updating skill 5 of VDN 1)"),
            "{error:#}"
        );
    }
}
