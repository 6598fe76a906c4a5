use std::sync::Arc;
use std::time::Duration;

use ccgw_core::{AgentEvent, Seq, Timestamp, WorkNo};

use super::*;
use crate::event_log::push::{Batch, PushFeed};

const T0: u64 = 1_000_000;
const MINUTE: Duration = Duration::from_secs(60);

fn at(offset: Duration) -> Timestamp {
    Timestamp::from_millis(T0).plus(offset)
}

fn event(seq: u64, when: Timestamp) -> Delivered {
    Delivered { seq: Seq(seq), work_no: WorkNo::new(101).unwrap(), at: when, event: AgentEvent::Ready }
}

fn log(capacity: usize) -> Arc<EventLog> {
    let limits = LogLimits { capacity, retention: 10 * MINUTE };
    Arc::new(EventLog::new(WorkNo::new(101).unwrap(), limits, Seq(0)))
}

fn append(log: &EventLog, seqs: std::ops::RangeInclusive<u64>, when: Timestamp) {
    for seq in seqs {
        log.append(event(seq, when), when);
    }
}

fn seqs(page: &Page) -> Vec<u64> {
    page.events.iter().map(|entry| entry.seq.0).collect()
}

/// Takes the next event of a session, committing it as a written answer would.
async fn take(session: &PollSession) -> Option<u64> {
    let claim = session.next(Duration::from_millis(20)).await?;
    let seq = claim.event().seq.0;
    claim.commit();
    Some(seq)
}

#[test]
fn the_ring_keeps_at_most_its_capacity_and_counts_what_it_dropped() {
    let log = log(3);
    append(&log, 1..=5, at(Duration::ZERO));
    assert_eq!((log.len(), log.dropped(), log.last()), (3, 2, Seq(5)));
    assert_eq!(log.read_after(Seq(0), 100), Err(Resync { oldest: Seq(3) }));
    assert_eq!(log.read_after(Seq(1), 100), Err(Resync { oldest: Seq(3) }));
    assert_eq!(seqs(&log.read_after(Seq(2), 100).unwrap()), [3, 4, 5]);
}

#[test]
fn a_reader_gets_the_events_after_its_cursor_a_page_at_a_time() {
    let log = log(16);
    append(&log, 1..=5, at(Duration::ZERO));
    let page = log.read_after(Seq(1), 2).unwrap();
    assert_eq!((seqs(&page), page.last), (vec![2, 3], Seq(3)));
    let page = log.read_after(page.last, 100).unwrap();
    assert_eq!((seqs(&page), page.last), (vec![4, 5], Seq(5)));
    let page = log.read_after(Seq(5), 100).unwrap();
    assert_eq!((seqs(&page), page.last), (vec![], Seq(5)));
    // Reading consumes nothing.
    assert_eq!(seqs(&log.read_after(Seq(0), 100).unwrap()), [1, 2, 3, 4, 5]);
}

#[test]
fn a_cursor_beyond_the_last_event_must_resync() {
    let log = log(16);
    append(&log, 1..=2, at(Duration::ZERO));
    assert_eq!(log.read_after(Seq(7), 100), Err(Resync { oldest: Seq(1) }));
}

#[test]
fn events_past_retention_that_every_session_passed_are_trimmed() {
    let log = log(16);
    let session = log.start_session();
    append(&log, 1..=3, at(Duration::ZERO));
    // The session has not taken them: they stay, however old.
    log.trim(at(60 * MINUTE));
    assert_eq!(log.len(), 3);
    // Taken, but within the retention: they stay for other readers.
    let taken = take_blocking(&session, 2);
    assert_eq!(taken, [1, 2]);
    log.trim(at(9 * MINUTE));
    assert_eq!(log.len(), 3);
    // Taken and past the retention: gone, and a reader from before must resync.
    log.trim(at(10 * MINUTE));
    assert_eq!(seqs(&log.read_after(Seq(2), 100).unwrap()), [3]);
    assert_eq!(log.read_after(Seq(0), 100), Err(Resync { oldest: Seq(3) }));
}

/// Takes `count` events from a session on a fresh runtime (for the sync tests).
fn take_blocking(session: &PollSession, count: usize) -> Vec<u64> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async {
        let mut taken = Vec::new();
        for _ in 0..count {
            taken.extend(take(session).await);
        }
        taken
    })
}

#[test]
fn an_ended_session_protects_its_events_only_until_it_expires_then_the_log_is_idle() {
    let log = log(16);
    let session = log.start_session();
    append(&log, 1..=2, at(Duration::ZERO));
    session.end(at(2 * MINUTE));
    log.trim(at(MINUTE));
    assert!(!log.is_idle());
    log.trim(at(11 * MINUTE));
    assert_eq!(log.len(), 0);
    assert!(log.is_idle());
    assert_eq!(log.read_after(Seq(0), 100), Err(Resync { oldest: Seq(3) }));
    assert_eq!(log.read_after(Seq(2), 100).unwrap().last, Seq(2));
}

#[tokio::test]
async fn a_waiting_reader_is_woken_by_the_next_event() {
    let log = log(16);
    append(&log, 1..=1, at(Duration::ZERO));
    let reader = tokio::spawn({
        let log = log.clone();
        async move { log.wait_after(Seq(1), 100, Duration::from_secs(30)).await }
    });
    tokio::task::yield_now().await;
    append(&log, 2..=3, at(Duration::ZERO));
    let page = tokio::time::timeout(Duration::from_secs(5), reader).await.unwrap().unwrap().unwrap();
    assert!(seqs(&page).starts_with(&[2]), "{page:?}");
    assert_eq!(log.wait_after(Seq(3), 100, Duration::from_millis(20)).await.unwrap().events.len(), 0);
}

#[tokio::test]
async fn a_new_session_starts_after_the_events_before_it_and_takes_one_at_a_time() {
    let log = log(16);
    append(&log, 1..=2, at(Duration::ZERO));
    let session = log.start_session();
    assert_eq!(take(&session).await, None);
    append(&log, 3..=4, at(Duration::ZERO));
    assert_eq!(take(&session).await, Some(3));
    assert_eq!(take(&session).await, Some(4));
    assert_eq!(take(&session).await, None);
}

#[tokio::test]
async fn an_event_whose_answer_was_never_taken_goes_to_the_next_poll() {
    let log = log(16);
    let session = log.start_session();
    append(&log, 1..=2, at(Duration::ZERO));
    let lost = session.next(Duration::from_millis(20)).await.unwrap();
    assert_eq!(lost.event().seq, Seq(1));
    drop(lost);
    assert_eq!(take(&session).await, Some(1));
    assert_eq!(take(&session).await, Some(2));
}

#[tokio::test]
async fn a_newer_poll_skips_an_event_still_being_written_and_gets_it_if_that_write_fails() {
    let log = log(16);
    let session = log.start_session();
    append(&log, 1..=1, at(Duration::ZERO));
    let writing = session.next(Duration::from_millis(20)).await.unwrap();
    let newer = tokio::spawn({
        let session = session.clone();
        async move { take(&session).await }
    });
    tokio::task::yield_now().await;
    drop(writing);
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), newer).await.unwrap().unwrap(), Some(1));
}

#[tokio::test]
async fn a_newer_poll_takes_over_and_the_older_returns_empty() {
    let log = log(16);
    let session = log.start_session();
    let older = tokio::spawn({
        let session = session.clone();
        async move { session.next(Duration::from_secs(30)).await.map(|claim| claim.event().seq) }
    });
    tokio::task::yield_now().await;
    let newer = tokio::spawn({
        let session = session.clone();
        async move { session.next(Duration::from_secs(30)).await.map(|claim| claim.event().seq) }
    });
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), older).await.unwrap().unwrap(), None);
    append(&log, 1..=1, at(Duration::ZERO));
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), newer).await.unwrap().unwrap(), Some(Seq(1)));
}

#[tokio::test]
async fn an_ended_session_collects_up_to_its_last_event_and_no_further() {
    let log = log(16);
    let old = log.start_session();
    append(&log, 1..=2, at(Duration::ZERO));
    old.end(at(2 * MINUTE));
    let new = log.start_session();
    append(&log, 3..=3, at(Duration::ZERO));
    assert!(old.has_pending());
    assert_eq!(take(&old).await, Some(1));
    assert_eq!(take(&old).await, Some(2));
    assert!(!old.has_pending());
    assert_eq!(old.next(Duration::from_secs(30)).await.map(|claim| claim.event().seq), None);
    assert_eq!(take(&new).await, Some(3));
}

#[tokio::test]
async fn an_empty_poll_returns_none_after_the_hold() {
    let log = log(16);
    let session = log.start_session();
    let started = std::time::Instant::now();
    assert!(session.next(Duration::from_millis(50)).await.is_none());
    assert!(started.elapsed() >= Duration::from_millis(50));
}

fn batch_seqs(batch: &Batch) -> Vec<u64> {
    match batch {
        Batch::Events(events) => events.iter().map(|entry| entry.seq.0).collect(),
        other => panic!("expected events, got {other:?}"),
    }
}

#[tokio::test]
async fn a_push_feed_hands_out_batches_in_order_and_again_until_committed() {
    let log = log(16);
    let feed = PushFeed::new(log.start_session());
    append(&log, 1..=3, at(MINUTE));
    assert_eq!(batch_seqs(&feed.next_batch(2).await), vec![1, 2]);
    // Not committed (the receiver failed): the retry carries the same events.
    assert_eq!(batch_seqs(&feed.next_batch(10).await), vec![1, 2, 3]);
    feed.commit_through(Seq(2));
    assert_eq!(batch_seqs(&feed.next_batch(10).await), vec![3]);
    feed.commit_through(Seq(3));
    let waiting = tokio::spawn({
        let feed = feed.clone();
        async move { feed.next_batch(10).await }
    });
    append(&log, 4..=4, at(MINUTE));
    let batch = tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    assert_eq!(batch_seqs(&batch), vec![4]);
}

#[tokio::test]
async fn a_push_feed_finishes_at_its_sign_ins_end_and_reports_a_gap() {
    let log = log(3);
    let session = log.start_session();
    let feed = PushFeed::new(session.clone());
    append(&log, 1..=4, at(MINUTE));
    // Event 1 was dropped from the full ring before it was sent.
    assert_eq!(feed.next_batch(10).await, Batch::Gap(Resync { oldest: Seq(2) }));
    feed.commit_through(Seq(1));
    session.end(at(2 * MINUTE));
    assert_eq!(batch_seqs(&feed.next_batch(10).await), vec![2, 3, 4]);
    feed.commit_through(Seq(4));
    // Events after the end belong to a later sign-in.
    append(&log, 5..=5, at(MINUTE));
    assert_eq!(feed.next_batch(10).await, Batch::Finished);
}
