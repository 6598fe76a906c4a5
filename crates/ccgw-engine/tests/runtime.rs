//! The engine without TLS, SQLite or argon2: commands go through `EngineHandle::command`,
//! and `settle` brings the engine up to a manual clock (switch outcomes, timers) before
//! it returns, so nothing here waits in real time.

use std::sync::Arc;
use std::time::Duration;

mod common;

use common::{sign_in_request, skill_1, take_events, work};

use ccgw_core::{
    AgentEvent, CallId, CallOutcome, CallRequest, Callee, Command, EndedBy, Outcome, Query, QueryAnswer, Refusal, Seq,
    SkillId, SkillProfile, StateKind, Timestamp, Vdn,
};
use ccgw_engine::{
    AgentPhoneRule, Clock, EngineError, EngineHandle, EngineSettings, EventReader, FarEndRule, ManualClock,
    MemoryAudit, MemoryRecorder, PlaceCall, SimSettings, SimSwitch,
};

struct Rig {
    clock: ManualClock,
    engine: EngineHandle,
    sim: Arc<SimSwitch>,
    recorder: Arc<MemoryRecorder>,
    audit: Arc<MemoryAudit>,
}

fn vdn() -> Vdn {
    common::vdn(1)
}

fn skill() -> SkillId {
    skill_1()
}

/// An engine with a 1 s ring timeout, skill 1, and far ends `5*` answering after 2 s.
fn rig() -> Rig {
    let clock = ManualClock::new(Timestamp::from_millis(1_700_000_000_000));
    let mut settings = EngineSettings::default();
    settings.center.ring_timeout = Duration::from_secs(1);
    let rule = FarEndRule::parse("5*", "answer", Some(2_000)).unwrap();
    let sim = SimSettings { rules: vec![rule], ..SimSettings::default() };
    let recorder = Arc::new(MemoryRecorder::default());
    let skills = vec![SkillProfile::new(vdn(), skill(), "Sales")];
    let clock_handle = Arc::new(clock.clone()) as Arc<dyn Clock>;
    let (switch, telephony) = SimSwitch::telephony(clock_handle.clone(), sim);
    let audit = Arc::new(MemoryAudit::default());
    let engine = ccgw_engine::start(settings, clock_handle, skills, recorder.clone(), audit.clone(), telephony);
    Rig { clock, engine: engine.handle, sim: switch, recorder, audit }
}

impl Rig {
    /// Signs the agent in, idle with manual answer: its Guid.
    async fn idle_agent(&self, no: u32) -> String {
        let guid = self.engine.sign_in(sign_in_request(no, 1, false)).await.unwrap().guid.as_str().to_owned();
        self.events(no, &guid).await;
        guid
    }

    async fn command(&self, no: u32, guid: &str, command: Command) -> Result<Outcome, EngineError> {
        self.engine.command(work(no), Some(guid.to_owned()), command).await
    }

    /// Every event waiting for the agent, taken.
    async fn events(&self, no: u32, guid: &str) -> Vec<AgentEvent> {
        take_events(&self.engine, no, guid).await
    }

    /// The agent's platform (CTI) state code, read as the agent itself.
    async fn cti_status(&self, no: u32, guid: &str) -> u8 {
        match self.engine.query(work(no), Some(guid.to_owned()), Query::Me).await.unwrap() {
            QueryAnswer::Agent(view) => view.cti_status,
            other => panic!("Me answered with {other:?}"),
        }
    }

    async fn advance(&self, ms: u64) {
        self.clock.advance(Duration::from_millis(ms));
        self.engine.settle().await.unwrap();
    }

    fn customer_call(&self) -> CallId {
        self.sim.place_call(PlaceCall {
            vdn: vdn(),
            skill: skill(),
            caller: "13800000000".into(),
            called: "4000".into(),
            call_data: String::new(),
            media_type: 5,
            priority: 0,
        })
    }
}

/// Platform (CTI) state codes (spec 02 §4.2).
const CTI_IDLE: u8 = 1;
const CTI_RINGING: u8 = 4;

fn talking(events: &[AgentEvent]) -> bool {
    events.iter().any(|event| matches!(event, AgentEvent::Talking(_)))
}

#[tokio::test]
async fn commands_answer_and_release_a_customer_call_and_the_call_is_recorded_at_once() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let customer = rig.customer_call();
    rig.engine.settle().await.unwrap();
    assert_eq!(rig.cti_status(101, &guid).await, CTI_RINGING);

    assert_eq!(rig.command(101, &guid, Command::Answer { call: None }).await.unwrap(), Outcome::Done);
    assert!(talking(&rig.events(101, &guid).await));
    assert_eq!(rig.command(101, &guid, Command::Release).await.unwrap(), Outcome::Done);
    assert_eq!(rig.cti_status(101, &guid).await, CTI_IDLE);
    let records = rig.recorder.records();
    assert_eq!(records.iter().map(|end| end.call.id.clone()).collect::<Vec<_>>(), [customer]);

    let refused = rig.command(101, &guid, Command::Release).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::NoCallToRelease))), "{refused:?}");
    let bad_guid = rig.engine.command(work(101), Some("not-the-guid".into()), Command::Hold).await;
    assert!(matches!(bad_guid, Err(EngineError::Refused(_))), "{bad_guid:?}");
}

#[tokio::test]
async fn settle_applies_a_far_end_answer_exactly_when_the_clock_reaches_it() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let request =
        CallRequest { callee: Callee::Number("5550000".into()), caller: None, skill: None, call_data: String::new() };
    let Outcome::Placed(call) = rig.command(101, &guid, Command::PlaceCall(request)).await.unwrap() else {
        panic!("a placed call comes out as its id");
    };
    rig.engine.settle().await.unwrap();
    assert!(!talking(&rig.events(101, &guid).await), "the far end only rings so far");

    rig.advance(1_999).await;
    assert!(rig.events(101, &guid).await.is_empty(), "not due yet");
    rig.advance(1).await;
    assert!(talking(&rig.events(101, &guid).await), "answered at 2 s, before settle returned");
    assert_eq!(rig.sim.call(&call).unwrap().state(), ccgw_engine::SimCallState::Talking);
}

#[tokio::test]
async fn settle_fires_the_ring_timeout_and_the_call_goes_to_the_next_agent() {
    let rig = rig();
    let first = rig.idle_agent(101).await;
    rig.customer_call();
    rig.engine.settle().await.unwrap();
    assert_eq!(rig.cti_status(101, &first).await, CTI_RINGING);
    let second = rig.idle_agent(102).await;

    rig.advance(999).await;
    assert_eq!(rig.cti_status(101, &first).await, CTI_RINGING);
    rig.advance(1).await;
    assert_ne!(rig.cti_status(101, &first).await, CTI_RINGING, "taken back at 1 s");
    assert_eq!(rig.cti_status(102, &second).await, CTI_RINGING, "offered to the next agent");
    assert!(rig.events(101, &first).await.iter().any(|event| matches!(event, AgentEvent::NoAnswer(_))));
    assert!(rig.events(102, &second).await.iter().any(|event| matches!(event, AgentEvent::Ringing(_))));
}

/// A rig whose agent phones follow `rules` (`pattern`, `behaviour`, `after_ms`).
fn rig_with_phones(rules: &[(&str, &str, Option<u64>)]) -> Rig {
    let rig = rig();
    let mut settings = rig.sim.settings();
    settings.agent_phones = rules
        .iter()
        .map(|(pattern, behaviour, after)| AgentPhoneRule::parse(pattern, behaviour, *after).unwrap())
        .collect();
    rig.sim.configure(settings);
    rig
}

#[tokio::test]
async fn an_offer_waits_for_a_slow_phone_and_a_busy_phone_passes_it_on() {
    let rig = rig_with_phones(&[("70101", "answer", Some(300)), ("70102", "busy", None)]);
    let first = rig.idle_agent(101).await;
    rig.customer_call();
    rig.engine.settle().await.unwrap();
    let offered = rig.events(101, &first).await;
    assert!(matches!(offered[..], [AgentEvent::IncomingCallInfo(_), AgentEvent::Occupied, AgentEvent::PhoneAlerting]));
    let refused = rig.command(101, &first, Command::Answer { call: None }).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::NoCallToAnswer))), "{refused:?}");

    rig.advance(300).await;
    let rang = rig.events(101, &first).await;
    assert!(matches!(rang[..], [AgentEvent::PhoneOffhook, AgentEvent::Ringing(_)]), "{rang:?}");

    // 102's phone is busy: when 101 declines, the offer to 102 comes straight back.
    let second = rig.idle_agent(102).await;
    assert_eq!(rig.command(101, &first, Command::Release).await.unwrap(), Outcome::Done, "declined");
    let events = rig.events(102, &second).await;
    assert!(events.iter().any(|event| matches!(event, AgentEvent::ConnectFail(_))), "{events:?}");
    assert_eq!(events.last(), Some(&AgentEvent::NotReady { reason: 2 }));
    assert!(rig.recorder.records().is_empty(), "the call still waits");
}

#[tokio::test]
async fn the_handset_going_down_releases_the_call_and_records_it_once() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let customer = rig.customer_call();
    rig.engine.settle().await.unwrap();
    rig.command(101, &guid, Command::Answer { call: None }).await.unwrap();
    rig.events(101, &guid).await;
    rig.sim.hang_up_agent(&customer, work(101)).unwrap();
    rig.engine.settle().await.unwrap();
    let events = rig.events(101, &guid).await;
    assert!(events.contains(&AgentEvent::PhoneRelease(ccgw_core::PhoneReleasedBy::Agent)), "{events:?}");
    assert_eq!(rig.cti_status(101, &guid).await, CTI_IDLE);
    assert_eq!(rig.recorder.records().len(), 1);
    assert!(rig.sim.call(&customer).is_none(), "released at the switch");
}

#[tokio::test]
async fn an_internal_call_rings_the_called_agent_when_its_slow_phone_answers_and_fails_on_a_busy_one() {
    let rig = rig_with_phones(&[("70102", "answer", Some(500)), ("70103", "busy", None)]);
    let caller = rig.idle_agent(101).await;
    let slow = rig.idle_agent(102).await;
    let to = |n| CallRequest { callee: Callee::Agent(work(n)), caller: None, skill: None, call_data: String::new() };
    rig.command(101, &caller, Command::PlaceCall(to(102))).await.unwrap();
    rig.engine.settle().await.unwrap();
    assert_eq!(rig.events(102, &slow).await, vec![AgentEvent::Occupied, AgentEvent::PhoneAlerting]);
    let early = rig.command(102, &slow, Command::Answer { call: None }).await;
    assert!(matches!(early, Err(EngineError::Refused(Refusal::NoCallToAnswer))), "{early:?}");
    rig.advance(500).await;
    let rang = rig.events(102, &slow).await;
    assert!(matches!(rang[..], [AgentEvent::PhoneOffhook, AgentEvent::Ringing(_)]), "{rang:?}");
    assert_eq!(rig.command(102, &slow, Command::Answer { call: None }).await.unwrap(), Outcome::Done);
    assert_eq!(rig.command(102, &slow, Command::Release).await.unwrap(), Outcome::Done);
    rig.events(101, &caller).await;

    let busy = rig.idle_agent(103).await;
    rig.command(101, &caller, Command::PlaceCall(to(103))).await.unwrap();
    rig.engine.settle().await.unwrap();
    let refused = rig.events(103, &busy).await;
    assert!(
        refused.contains(&AgentEvent::NoAnswer(rig.recorder.records().last().unwrap().call.id.clone())),
        "{refused:?}"
    );
    assert_eq!(rig.cti_status(103, &busy).await, CTI_IDLE);
    assert!(rig.events(101, &caller).await.iter().any(|event| matches!(event, AgentEvent::InsideCallFail(_))));
}

#[tokio::test]
async fn a_snapshot_and_its_seq_are_one_instant_and_the_events_after_it_follow_on() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let customer = rig.customer_call();
    rig.engine.settle().await.unwrap();
    let own = EventReader::Agent { guid: guid.clone() };
    let ringing = rig.engine.snapshot(work(101), own.clone()).await.unwrap();
    let log = rig.engine.event_log(work(101), EventReader::Admin).await.unwrap();
    assert_eq!(ringing.seq, log.last());
    let state = ringing.snapshot.signed_in.unwrap();
    assert_eq!((state.state, state.current), (StateKind::Ringing, Some(customer)));
    assert!(log.read_after(ringing.seq, 100).unwrap().events.is_empty(), "nothing after the snapshot yet");

    rig.command(101, &guid, Command::Answer { call: None }).await.unwrap();
    let after = log.read_after(ringing.seq, 100).unwrap();
    assert_eq!(after.events.first().map(|entry| entry.seq), Some(Seq(ringing.seq.0 + 1)));
    let answered: Vec<AgentEvent> = after.events.iter().map(|entry| entry.event.clone()).collect();
    assert!(talking(&answered), "{answered:?}");
    let talking_now = rig.engine.snapshot(work(101), own).await.unwrap();
    assert_eq!(talking_now.seq, after.last);
    assert_eq!(talking_now.snapshot.signed_in.unwrap().state, StateKind::Talking);
}

#[tokio::test]
async fn a_snapshot_is_read_by_the_admin_or_with_the_agents_own_guid_even_signed_out() {
    let rig = rig();
    let guid_101 = rig.idle_agent(101).await;
    rig.idle_agent(102).await;
    for (no, guid) in [(102, guid_101.clone()), (101, "not-the-guid".to_owned())] {
        let refused = rig.engine.snapshot(work(no), EventReader::Agent { guid }).await;
        assert!(matches!(refused, Err(EngineError::Refused(_))), "{refused:?}");
    }
    let never = rig.engine.snapshot(work(999), EventReader::Admin).await.unwrap();
    assert_eq!((never.seq, never.snapshot.signed_in), (Seq(0), None));

    rig.command(101, &guid_101, Command::Logout).await.unwrap();
    let signed_out = rig.engine.snapshot(work(101), EventReader::Admin).await.unwrap();
    let log = rig.engine.event_log(work(101), EventReader::Admin).await.unwrap();
    assert_eq!((signed_out.seq, signed_out.snapshot.signed_in), (log.last(), None));
    assert!(signed_out.seq >= Seq(2), "its events from before the sign-out still count");
    let refused = rig.engine.snapshot(work(101), EventReader::Agent { guid: guid_101 }).await;
    assert!(matches!(refused, Err(EngineError::Refused(_))), "a signed-out agent's Guid no longer reads");
}

#[tokio::test]
async fn closing_signs_agents_out_with_events_their_polls_still_collect_and_counts_what_is_uncollected() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let _customer = rig.customer_call();
    rig.engine.settle().await.unwrap();
    assert_eq!(rig.command(101, &guid, Command::Answer { call: None }).await.unwrap(), Outcome::Done);
    rig.events(101, &guid).await;
    let idle = rig.idle_agent(102).await;

    rig.engine.close().await.unwrap();
    assert_eq!(rig.engine.undelivered().await.unwrap(), 2, "neither agent has collected its sign-out");
    let records = rig.recorder.records();
    assert_eq!(records.len(), 1);
    assert!(
        matches!(records[0].outcome, CallOutcome::Answered { ended_by: EndedBy::Shutdown, .. }),
        "{:?}",
        records[0].outcome
    );
    let events = rig.events(101, &guid).await;
    assert!(matches!(events.first(), Some(AgentEvent::CallRelease(_))), "{events:?}");
    assert!(matches!(events.last(), Some(AgentEvent::ShutdownService { .. })), "{events:?}");
    assert_eq!(rig.engine.undelivered().await.unwrap(), 1);
    let events = rig.events(102, &idle).await;
    assert!(matches!(events.as_slice(), [AgentEvent::ShutdownService { .. }]), "{events:?}");
    assert_eq!(rig.engine.undelivered().await.unwrap(), 0);

    let refused = rig.engine.sign_in(sign_in_request(103, 1, false)).await;
    assert!(matches!(refused, Err(EngineError::Refused(Refusal::ShuttingDown))), "{refused:?}");
    let stale = rig.command(101, &guid, Command::Release).await;
    assert!(matches!(stale, Err(EngineError::Refused(_))), "{stale:?}");
    rig.engine.shut_down().await.unwrap();
}

#[tokio::test]
async fn sign_in_state_changes_and_sign_out_reach_the_audit_trail_and_other_events_do_not() {
    let rig = rig();
    let guid = rig.idle_agent(101).await;
    let busy = ccgw_core::StateCommand::SayBusy { reason: 0, prolong: false };
    rig.command(101, &guid, Command::State(busy)).await.unwrap();
    rig.command(101, &guid, Command::Logout).await.unwrap();
    let entries = rig.audit.entries();
    let actions: Vec<&str> = entries.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["signed-in", "AgentState_Ready", "AgentState_SetNotReady_Success", "signed-out"],);
    for entry in &entries {
        assert_eq!((entry.kind, entry.actor, entry.agent), (ccgw_core::AuditKind::State, "gateway", Some(work(101))));
        assert_eq!(entry.at, rig.clock.now());
    }
}
