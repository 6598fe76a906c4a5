//! `ccgw records list`: finished calls from the data directory's database, newest
//! first. Times are UTC.

use std::io::Write;
use std::path::Path;

use ccgw_core::{CallOutcome, SkillId, Timestamp, Vdn, WorkNo};
use ccgw_store::{OUTCOME_CODES, RecordQuery, SqliteStore, StoredCall};
use serde::Serialize;

use super::directory::{failed, open, to_json};
use super::{emit, table};

/// Call record subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RecordsCommand {
    /// List finished calls, newest first
    List {
        /// Only calls of this VDN
        #[arg(long)]
        vdn: Option<Vdn>,
        /// Only calls answered by this agent, or ringing there when the customer hung up
        #[arg(long)]
        agent: Option<WorkNo>,
        /// Only calls that ended in this skill queue
        #[arg(long)]
        skill: Option<SkillId>,
        /// Only calls that arrived at or after this time: 2025-01-31, 2025-01-31T08:00:00Z or ms since 1970
        #[arg(long, value_parser = parse_time)]
        from: Option<Timestamp>,
        /// Only calls that arrived before this time (same forms as --from)
        #[arg(long, value_parser = parse_time)]
        to: Option<Timestamp>,
        /// Only calls with this outcome
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(OUTCOME_CODES))]
        outcome: Option<String>,
        /// Records to skip
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Records to show at most (at most 1000)
        #[arg(long, default_value_t = RecordQuery::DEFAULT_LIMIT)]
        limit: u32,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

/// Runs a records subcommand against `<data_dir>/ccgw.db`, printing to standard output.
pub async fn run_records(command: RecordsCommand, data_dir: &Path) -> anyhow::Result<()> {
    let directory = open(data_dir).await?;
    execute_records(command, &directory, &mut std::io::stdout()).await
}

/// Runs a records subcommand on an open directory, writing the output to `out`.
pub async fn execute_records(
    command: RecordsCommand,
    directory: &SqliteStore,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match command {
        RecordsCommand::List { vdn, agent, skill, from, to, outcome, offset, limit, json } => {
            let query = RecordQuery { vdn, agent, talked: None, skill, from, to, outcome, offset, limit };
            let records = directory
                .call_records(&query)
                .await
                .map_err(|error| failed(error, "listing call records".to_owned()))?;
            let total = directory
                .count_call_records(&query)
                .await
                .map_err(|error| failed(error, "counting call records".to_owned()))?;
            let text = if json { records_json(&records, total)? } else { records_table(&records, offset, total) };
            emit(out, &text)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordJson<'a> {
    id: i64,
    callid: &'a str,
    vdn: u16,
    skill: u32,
    final_skill: u32,
    route: Vec<u32>,
    caller: &'a str,
    called: &'a str,
    call_data: &'a str,
    media_type: u8,
    priority: u8,
    arrived_at: u64,
    ended_at: u64,
    outcome: &'static str,
    agent: Option<u32>,
    answered_at: Option<u64>,
    ended_by: Option<&'static str>,
    overflow_to: Option<&'a str>,
    offered_to: Vec<u32>,
}

#[derive(Serialize)]
struct RecordsJson<'a> {
    records: Vec<RecordJson<'a>>,
    total: u64,
}

fn final_skill(record: &StoredCall) -> SkillId {
    record.end.route.last().copied().unwrap_or(record.end.call.skill)
}

/// The same shape as `GET /ccgw/v1/records`.
fn records_json(records: &[StoredCall], total: u64) -> anyhow::Result<String> {
    let records = records
        .iter()
        .map(|record| {
            let end = &record.end;
            let (answered_at, ended_by) = match &end.outcome {
                CallOutcome::Answered { answered_at, ended_by, .. } => {
                    (Some(answered_at.as_millis()), Some(ended_by.as_str()))
                }
                _ => (None, None),
            };
            RecordJson {
                id: record.id,
                callid: end.call.id.as_str(),
                vdn: end.call.vdn.get(),
                skill: end.call.skill.get(),
                final_skill: final_skill(record).get(),
                route: end.route.iter().map(|skill| skill.get()).collect(),
                caller: &end.call.caller,
                called: &end.call.called,
                call_data: &end.call.call_data,
                media_type: end.call.media_type,
                priority: end.call.priority,
                arrived_at: end.arrived.as_millis(),
                ended_at: end.ended.as_millis(),
                outcome: end.outcome.code(),
                agent: end.outcome.agent().map(WorkNo::get),
                answered_at,
                ended_by,
                overflow_to: match &end.outcome {
                    CallOutcome::Overflowed { to } => Some(to.as_str()),
                    _ => None,
                },
                offered_to: end.offered_to.iter().map(|agent| agent.get()).collect(),
            }
        })
        .collect();
    to_json(&RecordsJson { records, total })
}

fn records_table(records: &[StoredCall], offset: u64, total: u64) -> String {
    if records.is_empty() {
        return if total == 0 {
            "No call records.\n".to_owned()
        } else {
            format!("No call records past the first {offset} of {total}.\n")
        };
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            let end = &record.end;
            let route = end.route.iter().map(ToString::to_string).collect::<Vec<_>>().join(">");
            vec![
                record.id.to_string(),
                end.call.id.to_string(),
                end.call.vdn.to_string(),
                if route.is_empty() { end.call.skill.to_string() } else { route },
                if end.call.caller.is_empty() { "-".to_owned() } else { end.call.caller.clone() },
                end.arrived.utc_text(),
                format!("{}s", end.ended.since(end.arrived).as_secs()),
                end.outcome.code().to_owned(),
                end.outcome.agent().map_or_else(|| "-".to_owned(), |agent| agent.to_string()),
            ]
        })
        .collect();
    let mut text =
        table(&["ID", "CALL ID", "VDN", "SKILLS", "CALLER", "ARRIVED (UTC)", "DURATION", "OUTCOME", "AGENT"], &rows);
    let first = offset.saturating_add(1);
    let last = offset.saturating_add(records.len() as u64);
    text.push_str(&format!("Records {first}-{last} of {total}.\n"));
    text
}

/// Parses a UTC time: milliseconds since 1970, `YYYY-MM-DD`, or
/// `YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]` (a space may replace the `T`).
pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    let wrong =
        || format!("{text:?} is not a time; write 2025-01-31, 2025-01-31T08:00:00Z or milliseconds since 1970 (UTC)");
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().map(Timestamp::from_millis).map_err(|_| wrong());
    }
    let text_utc = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = match text_utc.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text_utc, None),
    };
    let days = parse_date(date).ok_or_else(wrong)?;
    let millis_of_day = match time {
        Some(time) => parse_time_of_day(time).ok_or_else(wrong)?,
        None => 0,
    };
    Ok(Timestamp::from_millis(days * 86_400_000 + millis_of_day))
}

/// `digits` as a number if it has exactly `len` ASCII digits.
fn fixed(digits: &str, len: usize) -> Option<u64> {
    (digits.len() == len && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (1970 to 9999).
fn parse_date(date: &str) -> Option<u64> {
    let mut parts = date.split('-');
    let (year, month, day) = (fixed(parts.next()?, 4)?, fixed(parts.next()?, 2)?, fixed(parts.next()?, 2)?);
    if parts.next().is_some() || year < 1970 || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let days = ccgw_core::days_from_civil(year, month, day);
    // Refuses 2025-02-30 and the like: the day must come back unchanged.
    (ccgw_core::civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Milliseconds since midnight of `HH:MM[:SS[.mmm]]`.
fn parse_time_of_day(time: &str) -> Option<u64> {
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let mut parts = clock.split(':');
    let hours = fixed(parts.next()?, 2)?;
    let minutes = fixed(parts.next()?, 2)?;
    let seconds = match parts.next() {
        Some(seconds) => fixed(seconds, 2)?,
        None if fraction.is_none() => 0,
        None => return None,
    };
    let millis = match fraction {
        Some(fraction) => fixed(fraction, 3)?,
        None => 0,
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    use ccgw_core::{EndedBy, PhoneNumber};
    use clap::Parser;

    use crate::cli::{Cli, Command};
    use crate::test_support::call_end as end;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("ccgw").chain(args.iter().copied())).map(|cli| cli.command)
    }

    async fn output(args: &[&str], directory: &SqliteStore) -> anyhow::Result<String> {
        let Command::Records(command) = parse(args).unwrap() else { panic!("not a records command") };
        let mut out = Vec::new();
        execute_records(command, directory, &mut out).await?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// 2025-01-31 08:00:00 UTC.
    const MORNING: u64 = 1_738_310_400_000;

    async fn directory_with_records() -> (tempfile::TempDir, SqliteStore) {
        let data_dir = tempfile::tempdir().unwrap();
        let directory = open(data_dir.path()).await.unwrap();
        let answered = CallOutcome::Answered {
            agent: WorkNo::new(101).unwrap(),
            answered_at: Timestamp::from_millis(MORNING + 5_000),
            ended_by: EndedBy::Agent,
        };
        let overflowed = CallOutcome::Overflowed { to: PhoneNumber::parse("5551234").unwrap() };
        directory
            .record_calls(&[
                end("100-1", MORNING, answered),
                end("100-2", MORNING + 3_600_000, overflowed),
                end("100-3", MORNING + 86_400_000, CallOutcome::NoAgent),
            ])
            .await
            .unwrap();
        (data_dir, directory)
    }

    #[test]
    fn times_parse_as_dates_date_times_or_milliseconds_in_utc() {
        let ms = |text: &str| parse_time(text).map(Timestamp::as_millis);
        assert_eq!(ms("0"), Ok(0));
        assert_eq!(ms("1738310400000"), Ok(MORNING));
        assert_eq!(ms("1970-01-01"), Ok(0));
        assert_eq!(ms("2025-01-31T08:00:00Z"), Ok(MORNING));
        assert_eq!(ms("2025-01-31 08:00"), Ok(MORNING));
        assert_eq!(ms("2025-01-31T08:00:00.250"), Ok(MORNING + 250));
        assert_eq!(ms("2024-02-29"), Ok(1_709_164_800_000));
        assert_eq!(ms("2000-03-01T00:00:00Z"), Ok(951_868_800_000));
        for bad in [
            "",
            "yesterday",
            "2025-02-30",
            "2023-02-29",
            "2025-13-01",
            "1969-12-31",
            "2025-1-31",
            "2025-01-31T24:00",
            "2025-01-31T08:60",
            "2025-01-31T08:00:00+02:00",
            "2025-01-31T08:00.5",
            "-5",
        ] {
            assert!(parse_time(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(Timestamp::from_millis(MORNING + 61_999).utc_text(), "2025-01-31 08:01:01");
        assert_eq!(Timestamp::from_millis(0).utc_text(), "1970-01-01 00:00:00");
        assert_eq!(Timestamp::from_millis(1_709_251_199_000).utc_text(), "2024-02-29 23:59:59");
    }

    #[test]
    fn bad_record_filters_are_refused_by_the_command_line() {
        for args in [
            &["records", "list", "--outcome", "lost"][..],
            &["records", "list", "--from", "tomorrow"][..],
            &["records", "list", "--agent", "0"][..],
            &["records", "list", "--limit", "-1"][..],
        ] {
            assert!(parse(args).is_err(), "{args:?} must be refused");
        }
    }

    #[tokio::test]
    async fn records_are_listed_newest_first_as_a_table_with_paging() {
        let (_data_dir, directory) = directory_with_records().await;
        let text = output(&["records", "list"], &directory).await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("ID  CALL ID  VDN  SKILLS  CALLER"), "{text}");
        let cells: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(
            cells,
            ["1", "100-1", "1", "1>2", "13800000000", "2025-01-31", "08:00:00", "95s", "answered", "101"]
        );
        assert!(lines[1].contains("no-agent") && lines[1].ends_with('-'), "{text}");
        assert_eq!(lines[4], "Records 1-3 of 3.");

        let text = output(&["records", "list", "--offset", "1", "--limit", "1"], &directory).await.unwrap();
        assert!(text.contains("100-2") && text.ends_with("Records 2-2 of 3.\n"), "{text}");
        let text = output(&["records", "list", "--offset", "5"], &directory).await.unwrap();
        assert_eq!(text, "No call records past the first 5 of 3.\n");
        let text = output(&["records", "list", "--vdn", "2"], &directory).await.unwrap();
        assert_eq!(text, "No call records.\n");
    }

    #[tokio::test]
    async fn records_are_filtered_and_printed_as_json() {
        let (_data_dir, directory) = directory_with_records().await;
        let text = output(
            &["records", "list", "--from", "2025-01-31", "--to", "2025-02-01", "--skill", "2", "--json"],
            &directory,
        )
        .await
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["total"], serde_json::json!(2));
        assert_eq!(json["records"][0]["callid"], serde_json::json!("100-2"));
        assert_eq!(
            json["records"][1],
            serde_json::json!({
                "id": 1, "callid": "100-1", "vdn": 1, "skill": 1, "finalSkill": 2, "route": [1, 2],
                "caller": "13800000000", "called": "4000", "callData": "", "mediaType": 5, "priority": 0,
                "arrivedAt": MORNING, "endedAt": MORNING + 95_000, "outcome": "answered", "agent": 101,
                "answeredAt": MORNING + 5_000, "endedBy": "agent", "overflowTo": null, "offeredTo": [102]
            })
        );
        let text = output(&["records", "list", "--outcome", "overflowed", "--json"], &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["records"][0]["overflowTo"], serde_json::json!("5551234"));
        assert_eq!(json["records"].as_array().unwrap().len(), 1);
        let text = output(&["records", "list", "--agent", "101", "--json"], &directory).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["total"], serde_json::json!(1));

        let error =
            output(&["records", "list", "--from", "2025-02-01", "--to", "2025-01-31"], &directory).await.unwrap_err();
        assert!(error.to_string().contains("must not be after its end"), "{error:#}");
    }
}
