//! Call records: batches written in one transaction, read back losslessly, filtered and
//! paged newest first.

mod support;

use ccgw_core::{CallEnd, CallFeature, CallId, CallOutcome, DialFailure, EndedBy, FailReason};
use ccgw_store::{OUTCOME_CODES, RecordQuery, SqliteStore, StoredCall};

use support::*;

fn answered(agent: u32, at_ms: u64) -> CallOutcome {
    CallOutcome::Answered { agent: work_no(agent), answered_at: at(at_ms), ended_by: EndedBy::Customer }
}

fn call_ids(records: &[StoredCall]) -> Vec<&str> {
    records.iter().map(|r| r.end.call.id.as_str()).collect()
}

/// Ten calls, 1-0 … 1-9, arriving 1 s apart; even ones answered by 101 (skill 1), odd
/// ones abandoned in queue (skill 2), 1-9 in VDN 2.
async fn directory_with_calls() -> SqliteStore {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let calls: Vec<CallEnd> = (0..10u64)
        .map(|n| {
            let arrived = 1_000_000 + n * 1_000;
            let outcome = if n % 2 == 0 { answered(101, arrived + 500) } else { CallOutcome::AbandonedInQueue };
            let skill = if n % 2 == 0 { 1 } else { 2 };
            call_end(&format!("1-{n}"), if n == 9 { 2 } else { 1 }, skill, arrived, outcome)
        })
        .collect();
    dir.record_calls(&calls).await.expect("recorded");
    dir
}

#[tokio::test]
async fn every_kind_of_record_round_trips_losslessly() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let mut rich = call_end(
        "1700000000-7",
        3,
        4,
        1_700_000_000_123,
        CallOutcome::Answered { agent: work_no(105), answered_at: at(1_700_000_030_000), ended_by: EndedBy::SignOut },
    );
    rich.call.caller = "5550000#".into();
    rich.call.called = "*99".into();
    rich.call.call_data = "order=42, lang=fr; ünïcode".into();
    rich.call.media_type = 7;
    rich.call.priority = 255;
    rich.route = vec![skill_id(4), skill_id(6), skill_id(4)];
    rich.offered_to = vec![work_no(101), work_no(999_999), work_no(101)];
    let ends = vec![
        rich,
        call_end("2-1", 1, 1, 10, CallOutcome::AbandonedInQueue),
        call_end("2-2", 1, 1, 20, CallOutcome::AbandonedRinging { agent: work_no(102) }),
        call_end("2-3", 1, 1, 30, CallOutcome::NoAgent),
        call_end("2-4", 1, 1, 40, CallOutcome::QueueFull),
        call_end("2-5", 1, 1, 50, CallOutcome::Overflowed { to: phone("5551234") }),
        call_end("2-6", 1, 1, 60, CallOutcome::TimedOut),
        CallEnd { route: Vec::new(), ..call_end("2-7", 1, 1, 70, answered(103, 75)) },
        CallEnd {
            feature: CallFeature::Outbound,
            ..call_end(
                "2-8",
                1,
                1,
                80,
                CallOutcome::Failed { agent: work_no(104), reason: FailReason::FarEnd(DialFailure::NoAnswer) },
            )
        },
        CallEnd {
            feature: CallFeature::ConsultTwoParty,
            ..call_end("2-9", 1, 1, 90, CallOutcome::Joined { into: CallId::parse("1-77").unwrap() })
        },
        call_end("3-0", 1, 1, 100, CallOutcome::Shutdown),
        // Refused before it reached a queue: no route.
        CallEnd { route: Vec::new(), ..call_end("3-1", 1, 1, 110, CallOutcome::Unrouted) },
        // Found open in the journal at start-up.
        CallEnd { offered_to: Vec::new(), ..call_end("3-2", 1, 1, 120, CallOutcome::LostAtRestart) },
    ];
    dir.record_calls(&ends).await.expect("recorded");

    let stored = dir.call_records(&RecordQuery::default()).await.expect("read");
    // Newest first: the rich call, then 3-2 down to 2-1.
    let mut read: Vec<CallEnd> = stored.iter().map(|r| r.end.clone()).collect();
    read[1..].reverse();
    assert_eq!(read, ends);
    let codes: Vec<&str> = ends.iter().map(|e| e.outcome.code()).collect();
    for code in OUTCOME_CODES {
        assert!(codes.contains(&code), "{code} is covered");
    }
    assert!(stored.windows(2).all(|w| w[0].id != w[1].id), "each record has its own number");
}

#[tokio::test]
async fn recording_a_call_twice_is_an_error_that_names_it_and_writes_nothing_of_the_batch() {
    let dir = directory_with_calls().await;
    let again = vec![call_end("3-1", 1, 1, 5, CallOutcome::NoAgent), call_end("1-4", 1, 1, 5, CallOutcome::NoAgent)];
    assert_refused!(dir.record_calls(&again).await, Conflict, "Call 1-4 is already recorded.");
    assert_eq!(dir.count_call_records(&RecordQuery::default()).await.expect("count"), 10);

    let twice_in_one_batch =
        vec![call_end("4-1", 1, 1, 5, CallOutcome::NoAgent), call_end("4-1", 1, 1, 6, CallOutcome::QueueFull)];
    assert_refused!(dir.record_calls(&twice_in_one_batch).await, Conflict, "Call 4-1 is already recorded.");
    assert_eq!(dir.count_call_records(&RecordQuery::default()).await.expect("count"), 10);
    // The original is untouched.
    let query = RecordQuery { from: Some(at(1_004_000)), to: Some(at(1_004_001)), ..RecordQuery::default() };
    let original = dir.call_records(&query).await.expect("read");
    assert_eq!(original[0].end.outcome, answered(101, 1_004_500));
    dir.record_calls(&[]).await.expect("an empty batch is fine");
}

#[tokio::test]
async fn records_come_newest_first_and_page_with_offset_and_limit() {
    let dir = directory_with_calls().await;
    let all = dir.call_records(&RecordQuery::default()).await.expect("read");
    assert_eq!(call_ids(&all), ["1-9", "1-8", "1-7", "1-6", "1-5", "1-4", "1-3", "1-2", "1-1", "1-0"]);
    let page = dir.call_records(&RecordQuery { offset: 3, limit: 4, ..RecordQuery::default() }).await.expect("page");
    assert_eq!(call_ids(&page), ["1-6", "1-5", "1-4", "1-3"]);
    let past_end = dir.call_records(&RecordQuery { offset: 10, ..RecordQuery::default() }).await.expect("page");
    assert!(past_end.is_empty());
    let none = dir.call_records(&RecordQuery { limit: 0, ..RecordQuery::default() }).await.expect("page");
    assert!(none.is_empty());
    let huge_offset = RecordQuery { offset: u64::MAX, ..RecordQuery::default() };
    assert!(dir.call_records(&huge_offset).await.expect("page").is_empty());
    // Counting ignores the page.
    let counted = RecordQuery { offset: 3, limit: 1, ..RecordQuery::default() };
    assert_eq!(dir.count_call_records(&counted).await.expect("count"), 10);
}

#[tokio::test]
async fn calls_of_the_same_millisecond_are_ordered_by_record_number() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let same = |id: &str| call_end(id, 1, 1, 500, CallOutcome::NoAgent);
    dir.record_calls(&[same("a-1"), same("a-2")]).await.expect("recorded");
    dir.record_calls(&[same("a-3")]).await.expect("recorded");
    let read = dir.call_records(&RecordQuery::default()).await.expect("read");
    assert_eq!(call_ids(&read), ["a-3", "a-2", "a-1"]);
    assert!(read[0].id > read[1].id && read[1].id > read[2].id);
}

#[tokio::test]
async fn the_limit_is_capped_at_a_thousand() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let calls: Vec<CallEnd> =
        (0..1_005u64).map(|n| call_end(&format!("9-{n}"), 1, 1, n, CallOutcome::NoAgent)).collect();
    dir.record_calls(&calls).await.expect("recorded in one batch");
    let query = RecordQuery { limit: u32::MAX, ..RecordQuery::default() };
    assert_eq!(dir.call_records(&query).await.expect("read").len(), 1_000);
    assert_eq!(dir.count_call_records(&query).await.expect("count"), 1_005);
    assert_eq!(dir.call_records(&RecordQuery::default()).await.expect("read").len(), 100, "default limit");
}

#[tokio::test]
async fn records_are_filtered_by_vdn_agent_talker_skill_time_and_outcome() {
    let dir = directory_with_calls().await;
    let cases: Vec<(RecordQuery, Vec<&str>)> = vec![
        (RecordQuery { vdn: Some(vdn(2)), ..RecordQuery::default() }, vec!["1-9"]),
        (RecordQuery { agent: Some(work_no(101)), ..RecordQuery::default() }, vec!["1-8", "1-6", "1-4", "1-2", "1-0"]),
        (RecordQuery { agent: Some(work_no(102)), ..RecordQuery::default() }, vec![]),
        // Everyone who talked in a call, not only who answered it.
        (RecordQuery { talked: Some(work_no(999)), ..RecordQuery::default() }, vec!["1-8", "1-6", "1-4", "1-2", "1-0"]),
        (
            RecordQuery {
                talked: Some(work_no(101)),
                vdn: Some(vdn(1)),
                from: Some(at(1_004_000)),
                ..RecordQuery::default()
            },
            vec!["1-8", "1-6", "1-4"],
        ),
        (RecordQuery { talked: Some(work_no(99)), ..RecordQuery::default() }, vec![]),
        (
            RecordQuery { vdn: Some(vdn(1)), skill: Some(skill_id(2)), ..RecordQuery::default() },
            vec!["1-7", "1-5", "1-3", "1-1"],
        ),
        // From inclusive, to exclusive.
        (
            RecordQuery { from: Some(at(1_002_000)), to: Some(at(1_005_000)), ..RecordQuery::default() },
            vec!["1-4", "1-3", "1-2"],
        ),
        (RecordQuery { from: Some(at(1_008_000)), ..RecordQuery::default() }, vec!["1-9", "1-8"]),
        (RecordQuery { to: Some(at(1_001_000)), ..RecordQuery::default() }, vec!["1-0"]),
        (RecordQuery { from: Some(at(u64::MAX)), ..RecordQuery::default() }, vec![]),
        (
            RecordQuery { to: Some(at(u64::MAX)), outcome: Some("answered".into()), ..RecordQuery::default() },
            vec!["1-8", "1-6", "1-4", "1-2", "1-0"],
        ),
        (
            RecordQuery { outcome: Some("abandoned-in-queue".into()), vdn: Some(vdn(1)), ..RecordQuery::default() },
            vec!["1-7", "1-5", "1-3", "1-1"],
        ),
        (
            RecordQuery { outcome: Some("answered".into()), from: Some(at(1_003_000)), ..RecordQuery::default() },
            vec!["1-8", "1-6", "1-4"],
        ),
    ];
    for (query, wanted) in cases {
        let read = dir.call_records(&query).await.expect("read");
        assert_eq!(call_ids(&read), wanted, "{query:?}");
        let count = dir.count_call_records(&RecordQuery { limit: RecordQuery::MAX_LIMIT, ..query.clone() }).await;
        assert_eq!(count.expect("count"), wanted.len() as u64, "{query:?}");
    }
}

#[tokio::test]
async fn an_unknown_outcome_or_a_reversed_time_range_is_invalid_input() {
    let dir = directory_with_calls().await;
    let unknown = RecordQuery { outcome: Some("lost".into()), ..RecordQuery::default() };
    assert_refused!(dir.call_records(&unknown).await, InvalidInput, "The outcome \"lost\" is unknown");
    assert_refused!(dir.count_call_records(&unknown).await, InvalidInput, "one of answered, abandoned-in-queue");
    let reversed = RecordQuery { from: Some(at(2)), to: Some(at(1)), ..RecordQuery::default() };
    assert_refused!(dir.call_records(&reversed).await, InvalidInput, "must not be after its end");
    let empty_range = RecordQuery { from: Some(at(1_000_000)), to: Some(at(1_000_000)), ..RecordQuery::default() };
    assert!(dir.call_records(&empty_range).await.expect("read").is_empty());
}

#[tokio::test]
async fn records_survive_reopening_and_outlive_the_directory_entries_they_name() {
    let temp = tempfile::TempDir::new().expect("temp dir");
    let path = temp.path().join("d.db");
    {
        let dir = SqliteStore::open(&path).await.expect("opens");
        dir.seed_demo("demo-pw").await.expect("seeded");
        dir.record_calls(&[call_end("5-1", 1, 2, 1, answered(101, 2))]).await.expect("recorded");
        dir.delete_agent(work_no(101)).await.expect("agent gone");
        dir.delete_skill(vdn(1), skill_id(2)).await.expect("skill gone");
    }
    let dir = SqliteStore::open(&path).await.expect("reopens");
    let read = dir.call_records(&RecordQuery { agent: Some(work_no(101)), ..RecordQuery::default() }).await;
    assert_eq!(read.expect("read")[0].end, call_end("5-1", 1, 2, 1, answered(101, 2)));
}

#[tokio::test]
async fn every_way_an_answered_call_ends_is_stored_including_an_ivr_flow_releasing_it() {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    let ends: Vec<CallEnd> = EndedBy::ALL
        .into_iter()
        .zip(1u64..)
        .map(|(ended_by, n)| {
            let outcome = CallOutcome::Answered { agent: work_no(101), answered_at: at(n * 10 + 5), ended_by };
            call_end(&format!("3-{n}"), 1, 1, n * 10, outcome)
        })
        .collect();
    dir.record_calls(&ends).await.expect("every ended_by is allowed by the schema");
    let mut stored: Vec<CallEnd> =
        dir.call_records(&RecordQuery::default()).await.expect("read").into_iter().map(|r| r.end).collect();
    stored.reverse();
    assert_eq!(stored, ends);
}
