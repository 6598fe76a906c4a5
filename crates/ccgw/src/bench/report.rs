//! What a run reports besides its histograms: the check that every placed call has
//! exactly one record, and the printed table.

use std::time::Duration;

use anyhow::Context;
use http::Method;
use serde_json::Value;
use tokio::time::Instant;

use super::client::Connection;
use super::metrics::Metrics;

/// Records are read from this long before the placing began, in case a `--target`
/// gateway's clock is behind the bench's; only the placed calls' records count.
pub(super) const CLOCK_SKEW_MS: u64 = 60_000;

/// Counts the placed calls that ended with exactly one recorded outcome; every other
/// placed call is an error. Reads the records of calls that arrived since `since_ms`
/// (others on a `--target` gateway are not this run's) until every placed call has one,
/// or 10 s have passed: the gateway's writer batches them.
pub(super) async fn check_records(
    admin: &mut Connection,
    token: &str,
    placed: &[String],
    since_ms: u64,
    metrics: &Metrics,
) -> anyhow::Result<u64> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let records = loop {
        let records = read_records(admin, token, since_ms).await?;
        if placed.iter().all(|id| records.contains_key(id)) || Instant::now() >= deadline {
            break records;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut completed = 0;
    for id in placed {
        match records.get(id) {
            Some(found) if found.ids.len() == 1 => {
                completed += 1;
                if let Some(waited) = found.waited {
                    metrics.arrival_to_answer(waited);
                }
            }
            Some(found) => metrics.error(format!("call {id} has {} outcomes", found.ids.len())),
            None => metrics.error(format!("call {id} has no outcome")),
        }
    }
    Ok(completed)
}

/// The records of one call: their row ids (so that a record seen on two pages counts
/// once) and the wait until answered.
#[derive(Default)]
struct Found {
    ids: std::collections::BTreeSet<u64>,
    waited: Option<Duration>,
}

async fn read_records(
    admin: &mut Connection,
    token: &str,
    since_ms: u64,
) -> anyhow::Result<std::collections::HashMap<String, Found>> {
    let auth = format!("Bearer {token}");
    let mut found: std::collections::HashMap<String, Found> = std::collections::HashMap::new();
    let mut offset = 0;
    loop {
        let path = format!("/ccgw/v1/records?from={since_ms}&limit=1000&offset={offset}");
        let answer = admin.send(Method::GET, &path, &[("authorization", &auth)], None).await?;
        let value: Value = serde_json::from_slice(&answer.body).context("records answer")?;
        let records = value["records"].as_array().cloned().unwrap_or_default();
        for (row, record) in records.iter().enumerate() {
            let Some(callid) = record["callid"].as_str() else { continue };
            let entry = found.entry(callid.to_owned()).or_default();
            entry.ids.insert(record["id"].as_u64().unwrap_or((offset + row) as u64));
            if let Some((answered, arrived)) = record["answeredAt"].as_u64().zip(record["arrivedAt"].as_u64()) {
                entry.waited = Some(Duration::from_millis(answered.saturating_sub(arrived)));
            }
        }
        if records.len() < 1000 {
            return Ok(found);
        }
        offset += 1000;
    }
}

pub(super) fn print_table(report: &Value) {
    let row = |name: &str, value: &Value| {
        let ms = |key: &str| value[key].as_f64().unwrap_or(0.0);
        println!(
            "{name:<32} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            value["count"].as_u64().unwrap_or(0),
            ms("p50"),
            ms("p90"),
            ms("p99"),
            ms("p999"),
            ms("max")
        );
    };
    println!();
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "count", "p50", "p90", "p99", "p99.9", "max"
    );
    let latency = &report["latency_ms"];
    for key in [
        "placed_to_ringing",
        "placed_to_ringing_generated",
        "placed_to_ringing_while_polling",
        "answer_to_talking",
        "release_to_ready",
        "command",
        "arrival_to_answer",
    ] {
        row(key, &latency[key]);
    }
    if let Some(commands) = latency["command_by_endpoint"].as_object() {
        for (name, value) in commands {
            row(&format!("  {name}"), value);
        }
    }
    println!();
    println!(
        "calls placed {}  completed {}  customer hang-ups {}  races {}",
        report["calls_placed"], report["calls_completed"], report["customer_hang_ups"], report["races"]
    );
    println!(
        "events/s {:.0}  polls/s {:.0}  server cpu {:.2} s  peak rss {:.1} MiB  errors {}",
        report["events_per_second"].as_f64().unwrap_or(0.0),
        report["polls_per_second"].as_f64().unwrap_or(0.0),
        report["server"]["cpu_seconds"].as_f64().unwrap_or(0.0),
        report["server"]["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1_048_576.0,
        report["errors"]
    );
}
