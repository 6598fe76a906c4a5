//! `ccgw audit list`: the audit trail from the data directory's database, newest first.
//! Times are UTC.

use std::io::Write;
use std::path::Path;

use ccgw_core::{AuditKind, Timestamp, WorkNo};
use ccgw_store::{AuditQuery, SqliteStore, StoredAudit};
use serde::Serialize;

use super::directory::{failed, open, to_json};
use super::records::parse_time;
use super::{emit, table};

/// Audit trail subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// List commands and state changes, newest first
    List {
        /// Only entries about this agent
        #[arg(long)]
        agent: Option<WorkNo>,
        /// Only commands, or only state changes
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(AuditKind::CODES))]
        kind: Option<String>,
        /// Only entries with exactly this action ("PUT /agentgateway/resource/onlineagent/{agentid}", "AgentState_Ready")
        #[arg(long)]
        action: Option<String>,
        /// Only entries at or after this time: 2025-01-31, 2025-01-31T08:00:00Z or ms since 1970
        #[arg(long, value_parser = parse_time)]
        from: Option<Timestamp>,
        /// Only entries before this time (same forms as --from)
        #[arg(long, value_parser = parse_time)]
        to: Option<Timestamp>,
        /// Entries to skip
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Entries to show at most (at most 1000)
        #[arg(long, default_value_t = AuditQuery::DEFAULT_LIMIT)]
        limit: u32,
        /// Print JSON (the shape of `GET /ccgw/v1/audit`) instead of a table
        #[arg(long)]
        json: bool,
    },
}

/// Runs an audit subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_audit(command: AuditCommand, data_dir: &Path) -> anyhow::Result<()> {
    let store = open(data_dir).await?;
    execute_audit(command, &store, &mut std::io::stdout()).await
}

/// Runs an audit subcommand on an open database, writing the output to `out`.
pub async fn execute_audit(
    command: AuditCommand,
    store: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        AuditCommand::List { agent, kind, action, from, to, offset, limit, json } => {
            let kind = kind.as_deref().and_then(AuditKind::from_code);
            let query = AuditQuery { agent, kind, action, from, to, offset, limit };
            let page =
                store.audit_page(&query).await.map_err(|error| failed(error, "reading the audit trail".to_owned()))?;
            let text = if json {
                entries_json(&page.entries, page.total)?
            } else {
                entries_table(&page.entries, offset, page.total)
            };
            emit(out, &text)
        }
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: i64,
    at: u64,
    kind: &'static str,
    actor: &'static str,
    agent: Option<u32>,
    client: Option<&'a str>,
    action: &'a str,
    detail: &'a str,
    result: &'a str,
}

#[derive(Serialize)]
struct EntriesJson<'a> {
    entries: Vec<EntryJson<'a>>,
    total: u64,
}

fn entries_json(entries: &[StoredAudit], total: u64) -> anyhow::Result<String> {
    let entries = entries
        .iter()
        .map(|stored| {
            let entry = &stored.entry;
            EntryJson {
                id: stored.id,
                at: entry.at.as_millis(),
                kind: entry.kind.code(),
                actor: entry.actor,
                agent: entry.agent.map(WorkNo::get),
                client: entry.client.as_deref(),
                action: &entry.action,
                detail: &entry.detail,
                result: &entry.result,
            }
        })
        .collect();
    to_json(&EntriesJson { entries, total })
}

fn entries_table(entries: &[StoredAudit], offset: u64, total: u64) -> String {
    if entries.is_empty() {
        return if total == 0 {
            "No audit entries.\n".to_owned()
        } else {
            format!("No audit entries past the first {offset} of {total}.\n")
        };
    }
    let dash = || "-".to_owned();
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|stored| {
            let entry = &stored.entry;
            vec![
                stored.id.to_string(),
                entry.at.utc_text(),
                entry.kind.code().to_owned(),
                entry.actor.to_owned(),
                entry.agent.map_or_else(dash, |agent| agent.to_string()),
                entry.action.clone(),
                if entry.result.is_empty() { dash() } else { entry.result.clone() },
                entry.client.clone().unwrap_or_else(dash),
            ]
        })
        .collect();
    let mut text = table(&["ID", "AT (UTC)", "KIND", "ACTOR", "AGENT", "ACTION", "RESULT", "CLIENT"], &rows);
    let first = offset.saturating_add(1);
    let last = offset.saturating_add(entries.len() as u64);
    text.push_str(&format!("Entries {first}-{last} of {total}.\n"));
    text
}

#[cfg(test)]
mod tests {
    use ccgw_core::AuditEntry;

    use super::*;

    fn entry(at: u64, kind: AuditKind, action: &str) -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_millis(at),
            kind,
            actor: if kind == AuditKind::Command { "agent" } else { "gateway" },
            agent: WorkNo::new(101).ok(),
            client: (kind == AuditKind::Command).then(|| "127.0.0.1".to_owned()),
            action: action.to_owned(),
            detail: "{}".to_owned(),
            result: if kind == AuditKind::Command { "0".to_owned() } else { String::new() },
        }
    }

    async fn run(store: &SqliteStore, args: &[&str]) -> String {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(subcommand)]
            command: AuditCommand,
        }
        let cli = <Cli as clap::Parser>::try_parse_from(std::iter::once("audit").chain(args.iter().copied())).unwrap();
        let mut out = Vec::new();
        execute_audit(cli.command, store, &mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn list_filters_by_kind_and_agent_and_prints_a_table_or_json() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let busy = "POST /agentgateway/resource/onlineagent/{agentid}/saybusy";
        store
            .append_audit(&[
                entry(1_738_310_400_000, AuditKind::Command, busy),
                entry(1_738_310_400_000, AuditKind::State, "AgentState_SetNotReady_Success"),
            ])
            .await
            .unwrap();

        let table = run(&store, &["list"]).await;
        assert!(table.contains("2025-01-31"), "{table}");
        assert!(table.contains(busy) && table.contains("AgentState_SetNotReady_Success"), "{table}");
        assert!(table.ends_with("Entries 1-2 of 2.\n"), "{table}");

        let json: serde_json::Value =
            serde_json::from_str(&run(&store, &["list", "--kind", "command", "--json"]).await).unwrap();
        assert_eq!(json["total"], 1);
        assert_eq!(json["entries"][0]["action"], busy);
        assert_eq!(json["entries"][0]["client"], "127.0.0.1");

        assert_eq!(run(&store, &["list", "--agent", "102"]).await, "No audit entries.\n");
    }
}
