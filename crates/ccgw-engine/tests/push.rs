//! Push-mode sign-ins at the engine: the feed a deliverer reads, the Guid it sends, the
//! sign-out when delivery fails, polls refused; and any sign-in that falls behind its
//! full log is signed out rather than left with a gap.

use std::sync::Arc;

mod common;

use common::{sign_in_request, skill_1, work};

use ccgw_core::{AgentEvent, Command, Refusal, SkillProfile, StateCommand, Timestamp};
use ccgw_engine::{
    AgentAction, Batch, Clock, EngineError, EngineHandle, EngineSettings, EventDelivery, ManualClock, MemoryAudit,
    MemoryRecorder, SimSettings, SimSwitch,
};

fn engine() -> EngineHandle {
    engine_with(EngineSettings::default())
}

fn engine_with(settings: EngineSettings) -> EngineHandle {
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000))) as Arc<dyn Clock>;
    let (_, telephony) = SimSwitch::telephony(clock.clone(), SimSettings::default());
    let skills = vec![SkillProfile::new(common::vdn(1), skill_1(), "Sales")];
    let recorder = Arc::new(MemoryRecorder::default());
    ccgw_engine::start(settings, clock, skills, recorder, Arc::new(MemoryAudit::default()), telephony).handle
}

fn events(batch: Batch) -> Vec<AgentEvent> {
    match batch {
        Batch::Events(events) => events.iter().map(|entry| entry.event.clone()).collect(),
        other => panic!("expected events, got {other:?}"),
    }
}

#[tokio::test]
async fn a_push_sign_in_gets_a_feed_of_its_events_and_is_refused_polls() {
    let engine = engine();
    let request = ccgw_engine::SignInRequest { delivery: EventDelivery::Push, ..sign_in_request(101, 1, false) };
    let signed_in = engine.sign_in(request).await.unwrap();
    let feed = signed_in.feed.expect("a push sign-in has a feed");
    assert_eq!(events(feed.next_batch(10).await), vec![AgentEvent::InService, AgentEvent::Ready]);
    assert_eq!(engine.push_guid(&feed).await.unwrap(), Some(signed_in.guid.clone()));
    let poll = engine.act(work(101), Some(signed_in.guid.as_str().to_owned()), AgentAction::Poll).await;
    assert!(matches!(poll, Err(EngineError::Refused(Refusal::PushModePolling))), "{poll:?}");
}

#[tokio::test]
async fn an_unreachable_push_sign_in_is_signed_out_with_its_farewell_in_the_feed() {
    let engine = engine();
    let request = ccgw_engine::SignInRequest { delivery: EventDelivery::Push, ..sign_in_request(101, 1, false) };
    let feed = engine.sign_in(request).await.unwrap().feed.unwrap();
    engine.push_unreachable(&feed).await.unwrap();
    assert_eq!(engine.push_guid(&feed).await.unwrap(), None);
    let told = events(feed.next_batch(10).await);
    assert!(matches!(told.last(), Some(AgentEvent::ShutdownService { .. })), "{told:?}");
    // A later sign-in is not signed out by the old one's deliverer.
    let later = engine.sign_in(sign_in_request(101, 1, false)).await.unwrap();
    assert!(later.feed.is_none());
    engine.push_unreachable(&feed).await.unwrap();
    let status = engine.act(work(101), Some(later.guid.as_str().to_owned()), AgentAction::Status).await;
    assert!(status.is_ok(), "{status:?}");
}

#[tokio::test]
async fn a_feed_that_fell_out_of_the_ring_skips_to_what_is_still_held() {
    let mut settings = EngineSettings::default();
    settings.event_log.capacity = 4;
    let engine = engine_with(settings);
    let request = ccgw_engine::SignInRequest { delivery: EventDelivery::Push, ..sign_in_request(101, 1, false) };
    let signed_in = engine.sign_in(request).await.unwrap();
    let feed = signed_in.feed.unwrap();
    // Nothing is sent meanwhile: busy and idle again overflow a ring of 4, and the engine
    // signs the push sign-in out (its later commands are refused).
    for command in [StateCommand::SayBusy { reason: 0, prolong: false }, StateCommand::SayFree] {
        let guid = Some(signed_in.guid.as_str().to_owned());
        engine.command(work(101), guid, Command::State(command)).await.unwrap();
    }
    let Batch::Gap(resync) = feed.next_batch(10).await else { panic!("the first events are gone") };
    feed.skip_lost(&resync);
    let Batch::Events(held) = feed.next_batch(10).await else { panic!("what the ring holds") };
    assert_eq!(held.first().map(|event| event.seq), Some(resync.oldest), "from the oldest still held");
    assert_eq!(held.len(), 4);
    assert!(matches!(held.last().map(|e| &e.event), Some(AgentEvent::ShutdownService { .. })), "the farewell last");
    assert_eq!(feed.next_batch(10).await, Batch::Events(held.clone()), "not committed yet");
}

#[tokio::test]
async fn a_polling_sign_in_that_falls_behind_its_full_log_is_signed_out_not_left_with_a_gap() {
    let mut settings = EngineSettings::default();
    settings.event_log.capacity = 4;
    let engine = engine_with(settings);
    let signed_in = engine.sign_in(sign_in_request(101, 1, false)).await.unwrap();
    let guid = Some(signed_in.guid.as_str().to_owned());
    // InService and Ready, unread; busy (3) and idle again (5) overflow the ring of 4.
    let busy = StateCommand::SayBusy { reason: 0, prolong: false };
    engine.command(work(101), guid.clone(), Command::State(busy)).await.unwrap();
    engine.command(work(101), guid.clone(), Command::State(StateCommand::SayFree)).await.unwrap();
    let status = engine.act(work(101), guid, AgentAction::Status).await;
    assert!(matches!(status, Err(EngineError::Refused(Refusal::NotSignedIn | Refusal::GuidInvalid))), "{status:?}");
}
