//! The SQLite store driven only through the store traits, as the api and the start-up
//! wiring hold it: `Arc<dyn DirectoryStore>` and `Arc<dyn CallRecordStore>` over one
//! database.

mod support;

use std::sync::Arc;

use ccgw_core::{CallEnd, CallOutcome, CallStart, RestReason, Timestamp};
use ccgw_store::{AgentPatch, CallRecordStore, DirectoryStore, RecordQuery, SkillPatch, SqliteStore, StoreError};

use support::*;

async fn stores() -> (Arc<dyn DirectoryStore>, Arc<dyn CallRecordStore>) {
    let sqlite = SqliteStore::open_in_memory().await.expect("opens");
    (Arc::new(sqlite.clone()), Arc::new(sqlite))
}

#[tokio::test]
async fn the_directory_works_through_its_trait_object() {
    let (directory, _) = stores().await;
    assert!(directory.is_empty().await.expect("reads"));

    directory.create_vdn(&vdn_record(1, "One", Some("4000"))).await.expect("VDN");
    directory.create_skill(&skill(1, 1, "General")).await.expect("skill");
    directory.create_group(&group(1, 1, "Team A")).await.expect("group");
    let reason = RestReason { vdn: vdn(1), code: 1, name: "Lunch".into() };
    directory.create_rest_reason(&reason).await.expect("rest reason");
    let mut agent = profile(101, 1);
    agent.skills = vec![grant(1, 1)];
    agent.group = Some(group_id(1));
    let created = directory.create_agent(&new_agent(agent.clone())).await.expect("agent");
    assert_eq!(created, agent);
    assert!(!directory.is_empty().await.expect("reads"));

    assert_eq!(directory.get_vdn(vdn(1)).await.expect("VDN").access_code, Some(phone("4000")));
    assert_eq!(directory.list_vdns().await.expect("VDNs").len(), 1);
    assert_eq!(directory.list_skills(Some(vdn(1))).await.expect("skills"), vec![skill(1, 1, "General")]);
    assert_eq!(directory.list_agents(None).await.expect("agents"), vec![agent.clone()]);
    assert_eq!(directory.agents_in_group(vdn(1), group_id(1)).await.expect("members"), vec![agent.clone()]);
    assert_eq!(directory.list_rest_reasons(Some(vdn(1))).await.expect("reasons"), vec![reason.clone()]);

    // Passwords: verified, refused, changed — the hash never leaves the store.
    assert_eq!(directory.verify_password(work_no(101), "pw-123").await.expect("right password"), agent);
    assert!(matches!(directory.verify_password(work_no(101), "wrong").await, Err(StoreError::BadCredentials)));
    directory.set_password(work_no(101), "pw-456").await.expect("changed");
    assert!(directory.verify_password(work_no(101), "pw-456").await.is_ok());

    // Edits.
    let renamed = AgentPatch { name: Some("Alice".into()), ..AgentPatch::default() };
    assert_eq!(directory.update_agent(work_no(101), &renamed).await.expect("updated").name, "Alice");
    let limited = SkillPatch { max_waiting: Some(Some(5)), ..SkillPatch::default() };
    assert_eq!(
        directory.update_skill(vdn(1), skill_id(1), &limited).await.expect("updated").limits.max_waiting,
        Some(5)
    );
    assert_eq!(directory.rename_group(vdn(1), group_id(1), "Team B").await.expect("renamed").name, "Team B");
    let lunch_break = RestReason { name: "Lunch break".into(), ..reason };
    assert!(!directory.put_rest_reason(&lunch_break).await.expect("renamed"));
    assert_eq!(directory.get_rest_reason(vdn(1), 1).await.expect("reason").name, "Lunch break");

    // Removals, and what is gone answers NotFound.
    assert_eq!(directory.delete_group(vdn(1), group_id(1)).await.expect("deleted"), 1);
    assert!(matches!(directory.get_group(vdn(1), group_id(1)).await, Err(StoreError::NotFound(_))));
    directory.delete_rest_reason(vdn(1), 1).await.expect("deleted");
    directory.delete_agent(work_no(101)).await.expect("deleted");
    assert!(matches!(directory.get_agent(work_no(101)).await, Err(StoreError::NotFound(_))));
    directory.delete_skill(vdn(1), skill_id(1)).await.expect("deleted");
    assert!(matches!(directory.get_skill(vdn(1), skill_id(1)).await, Err(StoreError::NotFound(_))));
}

#[tokio::test]
async fn call_records_work_through_their_trait_object() {
    let (_, records) = stores().await;
    let first = call_end("1-1", 1, 1, 1_000_000, CallOutcome::AbandonedInQueue);
    let second = call_end("1-2", 1, 1, 1_001_000, CallOutcome::NoAgent);
    records.write_calls(&[], &[first.clone(), second.clone()]).await.expect("recorded");

    let page = records.query_records(&RecordQuery { limit: 1, ..RecordQuery::default() }).await.expect("page");
    assert_eq!(page.total, 2);
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].end, second, "newest first");

    let older = records.query_records(&RecordQuery { offset: 1, ..RecordQuery::default() }).await.expect("page");
    assert_eq!((older.total, older.records.len()), (2, 1));
    assert_eq!(older.records[0].end, first);

    assert!(matches!(records.write_calls(&[], &[first]).await, Err(StoreError::Conflict(_))));
    let unknown = RecordQuery { outcome: Some("lost".into()), ..RecordQuery::default() };
    assert!(matches!(records.query_records(&unknown).await, Err(StoreError::InvalidInput(_))));
}

fn start_of(end: &CallEnd) -> CallStart {
    CallStart { call: end.call.clone(), feature: end.feature, arrived: end.arrived }
}

#[tokio::test]
async fn a_journalled_call_is_replaced_by_its_record_and_one_left_open_is_recorded_lost_at_restart() {
    let (_, records) = stores().await;
    let ended = call_end("1-1", 1, 1, 1_000_000, CallOutcome::AbandonedInQueue);
    let cut_off = call_end("1-2", 1, 1, 1_001_000, CallOutcome::NoAgent);
    records.write_calls(&[start_of(&ended), start_of(&cut_off)], &[]).await.expect("journalled");
    assert!(matches!(records.write_calls(&[start_of(&ended)], &[]).await, Err(StoreError::Conflict(_))));
    records.write_calls(&[], std::slice::from_ref(&ended)).await.expect("recorded");

    let restarted = Timestamp::from_millis(2_000_000);
    let lost = records.close_open_calls(restarted).await.expect("closed");
    let expected = CallEnd {
        route: vec![cut_off.call.skill],
        ended: restarted,
        outcome: CallOutcome::LostAtRestart,
        offered_to: Vec::new(),
        talked: Vec::new(),
        supervision: Vec::new(),
        ..cut_off.clone()
    };
    assert_eq!(lost, vec![expected.clone()], "only the call that never ended");
    let all = records.query_records(&RecordQuery::default()).await.expect("records");
    assert_eq!(all.records.iter().map(|r| r.end.clone()).collect::<Vec<_>>(), vec![expected, ended]);
    let lost_only = RecordQuery { outcome: Some("lost-at-restart".into()), ..RecordQuery::default() };
    assert_eq!(records.query_records(&lost_only).await.expect("records").total, 1);
    assert!(records.close_open_calls(restarted).await.expect("closed").is_empty(), "the journal is empty now");
}

#[tokio::test]
async fn call_numbers_are_reserved_block_after_block() {
    let (_, records) = stores().await;
    assert_eq!(records.reserve_call_numbers(10_000).await.expect("reserved"), 10_000);
    assert_eq!(records.reserve_call_numbers(10_000).await.expect("reserved"), 20_000);
    assert_eq!(records.reserve_call_numbers(5).await.expect("reserved"), 20_005);
}
