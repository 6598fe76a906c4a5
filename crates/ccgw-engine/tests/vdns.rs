//! One runtime per VDN behind the registry: requests reach the agent's VDN, calls reach
//! the VDN their number routes to, settling covers every VDN, and an agent that moves
//! to another VDN keeps one event log. No TLS, no SQLite, a manual clock.

use std::sync::Arc;
use std::time::Duration;

mod common;

use common::{sign_in_request, skill_1, take_events, vdn, work};

use ccgw_core::{
    AgentEvent, CallRequest, Callee, Command, InboundRoute, Outcome, Query, QueryAnswer, Refusal, RouteTarget,
    RoutingTable, Seq, SkillProfile, StateCommand, Timestamp,
};
use ccgw_engine::{
    Clock, DialIn, EngineApi, EngineError, EngineHandle, EngineSettings, EventReader, FarEndRule, ManualClock,
    MemoryRecorder, SimSettings, SimSwitch, start,
};

struct Rig {
    clock: ManualClock,
    engine: EngineHandle,
    sim: Arc<SimSwitch>,
    recorder: Arc<MemoryRecorder>,
}

/// VDN 1 (access code 4000) and VDN 2 (access code 5000), each routing its code to its
/// skill 1; numbers `6*` answer 2 s after they are dialled.
async fn rig() -> Rig {
    let clock = ManualClock::new(Timestamp::from_millis(1_700_000_000_000));
    let clock_handle: Arc<dyn Clock> = Arc::new(clock.clone());
    let skills = vec![SkillProfile::new(vdn(1), skill_1(), "One"), SkillProfile::new(vdn(2), skill_1(), "Two")];
    let rules = vec![FarEndRule::parse("6*", "answer", Some(2_000)).unwrap()];
    let (sim, telephony) = SimSwitch::telephony(clock_handle.clone(), SimSettings { rules, ..SimSettings::default() });
    let recorder = Arc::new(MemoryRecorder::default());
    let audit = Arc::new(ccgw_engine::MemoryAudit::default());
    let engine = start(EngineSettings::default(), clock_handle, skills, recorder.clone(), audit, telephony).handle;
    let route = |n| InboundRoute { vdn: vdn(n), suffix: String::new(), target: RouteTarget::Skill(skill_1()) };
    let codes = [(vdn(1), "4000".to_owned()), (vdn(2), "5000".to_owned())];
    engine.configure_routing(RoutingTable::new(codes, vec![route(1), route(2)])).await.unwrap();
    Rig { clock, engine, sim, recorder }
}

impl Rig {
    /// Signs the agent in to `in_vdn`, idle; its Guid.
    async fn idle_agent(&self, n: u32, in_vdn: u16) -> String {
        let guid = self.engine.sign_in(sign_in_request(n, in_vdn, false)).await.unwrap().guid.as_str().to_owned();
        self.events(n, &guid).await;
        guid
    }

    async fn events(&self, n: u32, guid: &str) -> Vec<AgentEvent> {
        take_events(&self.engine, n, guid).await
    }

    fn dial_in(&self, called: &str) -> ccgw_core::CallId {
        self.sim.dial_in(DialIn {
            caller: "13800000000".into(),
            called: called.into(),
            call_data: String::new(),
            media_type: 5,
            priority: 0,
        })
    }
}

fn rings(events: &[AgentEvent]) -> bool {
    events.iter().any(|event| matches!(event, AgentEvent::Ringing(_)))
}

#[tokio::test]
async fn a_dialled_call_reaches_only_the_vdn_its_number_routes_to() {
    let rig = rig().await;
    let guid_101 = rig.idle_agent(101, 1).await;
    let guid_201 = rig.idle_agent(201, 2).await;

    let call = rig.dial_in("5000");
    rig.engine.settle().await.unwrap();
    assert!(rig.events(101, &guid_101).await.is_empty(), "VDN 1 never sees VDN 2's call");
    assert!(rings(&rig.events(201, &guid_201).await));

    // Commands reach the agent's own VDN: 201 answers and releases; the record is VDN 2's.
    let answered = rig.engine.command(work(201), Some(guid_201.clone()), Command::Answer { call: None }).await;
    assert_eq!(answered.unwrap(), Outcome::Done);
    assert_eq!(rig.engine.command(work(201), Some(guid_201), Command::Release).await.unwrap(), Outcome::Done);
    let records = rig.recorder.records();
    assert_eq!(records.len(), 1);
    assert_eq!((&records[0].call.id, records[0].call.vdn), (&call, vdn(2)));
}

#[tokio::test]
async fn each_vdn_answers_for_its_own_agents_and_calls() {
    let rig = rig().await;
    let guid_101 = rig.idle_agent(101, 1).await;
    rig.idle_agent(201, 2).await;
    rig.dial_in("4000");
    rig.engine.settle().await.unwrap();
    let answer = rig.engine.query(work(101), Some(guid_101.clone()), Query::CallsInVdn).await.unwrap();
    let QueryAnswer::CallList(calls) = answer else { panic!("{answer:?}") };
    assert_eq!(calls.len(), 1);
    // A Guid is checked in the agent's own VDN: 101's Guid does not act for 201.
    let refused = rig.engine.command(work(201), Some(guid_101), Command::State(StateCommand::SayFree)).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::GuidInvalid))), "{refused:?}");
    let never = rig.engine.command(work(999), Some("x".into()), Command::State(StateCommand::SayFree)).await;
    assert!(matches!(never, Err(EngineError::Refused(Refusal::NotSignedIn))), "{never:?}");
}

#[tokio::test]
async fn settle_covers_every_vdn_whichever_runtime_fired_the_switch() {
    let rig = rig().await;
    rig.idle_agent(101, 1).await;
    let guid_201 = rig.idle_agent(201, 2).await;
    // 201 calls out to a number that answers after 2 s.
    let request =
        CallRequest { callee: Callee::Number("6000".into()), caller: None, skill: None, call_data: String::new() };
    let placed = rig.engine.command(work(201), Some(guid_201.clone()), Command::PlaceCall(request)).await.unwrap();
    assert!(matches!(placed, Outcome::Placed(_)), "{placed:?}");
    rig.events(201, &guid_201).await;

    rig.clock.advance(Duration::from_secs(2));
    rig.engine.settle().await.unwrap();
    let events = rig.events(201, &guid_201).await;
    assert!(events.iter().any(|event| matches!(event, AgentEvent::Talking(_))), "{events:?}");
}

#[tokio::test]
async fn an_agent_moved_to_another_vdn_leaves_the_old_one_and_keeps_its_sequence() {
    let rig = rig().await;
    let old_guid = rig.idle_agent(101, 1).await;
    let log = rig.engine.event_log(work(101), EventReader::Admin).await.unwrap();
    let before = log.last();
    assert!(before > Seq(0));

    let refused = rig.engine.sign_in(sign_in_request(101, 2, false)).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::AlreadySignedIn))), "{refused:?}");
    let moved = rig.engine.sign_in(sign_in_request(101, 2, true)).await.unwrap();

    // The old session was taken over, in the same log, numbered on.
    let page = log.read_after(before, 100).unwrap();
    assert_eq!(page.events.first().map(|entry| entry.seq), Some(Seq(before.0 + 1)));
    assert!(page.events.iter().any(|entry| matches!(entry.event, AgentEvent::ShutdownService { .. })));
    let stale = rig.engine.command(work(101), Some(old_guid), Command::State(StateCommand::SayFree)).await;
    assert!(matches!(stale, Err(EngineError::Refused(Refusal::GuidInvalid))), "{stale:?}");

    // Now in VDN 2: VDN 2's calls reach it, VDN 1's do not.
    let guid = moved.guid.as_str().to_owned();
    rig.events(101, &guid).await;
    rig.dial_in("4000");
    rig.engine.settle().await.unwrap();
    assert!(rig.events(101, &guid).await.is_empty());
    rig.dial_in("5000");
    rig.engine.settle().await.unwrap();
    assert!(rings(&rig.events(101, &guid).await));
}

#[tokio::test]
async fn a_reader_waiting_before_the_agent_ever_signed_in_gets_its_first_events() {
    let rig = rig().await;
    let log = rig.engine.event_log(work(101), EventReader::Admin).await.unwrap();
    assert_eq!(log.last(), Seq(0));
    let snapshot = rig.engine.snapshot(work(101), EventReader::Admin).await.unwrap();
    assert_eq!((snapshot.seq, snapshot.snapshot.signed_in), (Seq(0), None));
    let refused = rig.engine.event_log(work(101), EventReader::Agent { guid: "x".into() }).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::NotSignedIn))), "{refused:?}");

    let waiting = {
        let log = log.clone();
        tokio::spawn(async move { log.wait_after(Seq(0), 10, Duration::from_secs(30)).await })
    };
    rig.idle_agent(101, 1).await;
    let page = waiting.await.unwrap().unwrap();
    assert_eq!(page.events.first().map(|entry| entry.seq), Some(Seq(1)));
}

#[tokio::test]
async fn the_engine_is_reached_through_its_interface_as_a_trait_object() {
    let rig = rig().await;
    let engine: Arc<dyn EngineApi> = Arc::new(rig.engine.clone());
    let signed_in = engine.sign_in(sign_in_request(201, 2, false)).await.unwrap();
    let guid = Some(signed_in.guid.as_str().to_owned());
    assert_eq!(
        engine.command(work(201), guid.clone(), Command::State(StateCommand::SayFree)).await.unwrap(),
        Outcome::Done
    );
    let QueryAnswer::Agent(me) = engine.query(work(201), guid, Query::Me).await.unwrap() else { panic!() };
    assert_eq!(me.profile.work_no, work(201));
    engine.shut_down().await.unwrap();
    let stopped = engine.sign_in(sign_in_request(101, 1, false)).await;
    assert!(matches!(stopped, Err(EngineError::Stopped)), "{stopped:?}");
}
