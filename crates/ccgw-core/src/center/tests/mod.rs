//! Scenario tests of the center: each drives the pure state machine with explicit times
//! and asserts the exact events an agent is told.

use std::time::Duration;

mod answered_at_phone;
mod call_data;
mod called_phones;
mod command;
mod consulting;
mod distribution;
mod holding;
mod inbound;
mod inspection;
mod ivr;
mod phone_legs;
mod pickup;
mod placing;
mod random;
mod random_calls;
mod supervision;
mod switch_features;
mod transferring;
mod transitions;

use super::*;
use crate::agent::InitialState;
use crate::call::{CallOutcome, EndedBy, NewCall};
use crate::directory::{AgentProfile, Role, SkillGrant, SkillLevel, SkillProfile};
use crate::event::{AgentEvent as E, CallFeature, CallInfo, IncomingCall, PhoneReleasedBy};

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn work(n: u32) -> WorkNo {
    WorkNo::new(n).unwrap()
}

fn vdn() -> Vdn {
    Vdn::new(1).unwrap()
}

fn skill(n: u32) -> SkillId {
    SkillId::new(n).unwrap()
}

fn profile(n: u32, skills: &[u32]) -> AgentProfile {
    AgentProfile {
        work_no: work(n),
        vdn: vdn(),
        name: format!("Agent {n}"),
        phone: PhoneNumber::parse(&format!("70{n}")).unwrap(),
        role: Role::Agent,
        skills: skills.iter().map(|&s| SkillGrant { skill: skill(s), level: SkillLevel::DEFAULT }).collect(),
        group: None,
        wrap_up: None,
    }
}

fn sign_in(n: u32, auto_answer: bool) -> SignIn {
    SignIn {
        profile: profile(n, &[1]),
        phone: PhoneNumber::parse(&format!("70{n}")).unwrap(),
        auto_answer,
        auto_enter_idle: true,
        always_off_hook: false,
        initial: InitialState::Idle,
        force: false,
        guid: Guid::new(format!("guid-{n}")),
    }
}

fn call(seq: u64) -> NewCall {
    NewCall {
        id: CallId::compose(1_700_000_000, seq),
        vdn: vdn(),
        skill: skill(1),
        caller: "13800000000".into(),
        called: "4000".into(),
        call_data: String::new(),
        media_type: 5,
        priority: 0,
    }
}

fn incoming(seq: u64, requeued: &[u32]) -> IncomingCall {
    IncomingCall {
        call: CallId::compose(1_700_000_000, seq),
        skill: skill(1),
        skill_name: "Skill 1".into(),
        caller: "13800000000".into(),
        called: "4000".into(),
        last_release_agent: requeued.last().map(|&n| work(n)),
        media_type: 5,
        requeue_count: requeued.len() as u32,
    }
}

/// The events of a manual-answer offer of call `seq`.
fn ringing_events(seq: u64, requeued: &[u32]) -> Vec<E> {
    vec![
        E::IncomingCallInfo(incoming(seq, requeued)),
        E::Occupied,
        E::PhoneAlerting,
        E::PhoneOffhook,
        E::Ringing(info(seq)),
    ]
}

/// The id of customer call 1 (`call(1)`).
fn customer_call() -> CallId {
    info(1).call
}

/// The id a test gives the `seq`th call an agent places.
fn placed(seq: u64) -> CallId {
    CallId::compose(1_700_000_100, seq)
}

/// Signs 101 in (manual answer) and has it answer customer call 1, which arrives at
/// 10 ms and is answered at 20 ms.
fn customer_answered_at_101(c: &mut Center) {
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    c.answer(work(101), None, at(20)).unwrap();
}

fn info(seq: u64) -> CallInfo {
    CallInfo {
        call: CallId::compose(1_700_000_000, seq),
        caller: "13800000000".into(),
        called: "4000".into(),
        feature: CallFeature::Inbound,
        media_type: 5,
        transferred_from: None,
    }
}

/// What an agent left alone in a call hears (S21), when it goes back to idle.
fn left_alone(call: CallId, number: impl Into<String>) -> Vec<E> {
    vec![
        E::CustomerRelease { call: call.clone(), number: number.into() },
        E::CallRelease(call),
        E::PhoneRelease(PhoneReleasedBy::Platform),
        E::Ready,
    ]
}

fn events_for(fx: &Effects, n: u32) -> Vec<E> {
    fx.iter()
        .filter_map(|effect| match effect {
            Effect::Event { work_no, event } if *work_no == work(n) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

fn outcomes(fx: &Effects) -> Vec<CallOutcome> {
    fx.iter()
        .filter_map(|effect| match effect {
            Effect::CallEnded(end) => Some(end.outcome.clone()),
            _ => None,
        })
        .collect()
}

fn switch_actions(fx: &Effects) -> Vec<SwitchAction> {
    fx.iter()
        .filter_map(|effect| match effect {
            Effect::Switch(action) => Some(action.clone()),
            _ => None,
        })
        .collect()
}

fn ended(fx: &Effects) -> Vec<CallEnd> {
    fx.iter()
        .filter_map(|effect| match effect {
            Effect::CallEnded(end) => Some((**end).clone()),
            _ => None,
        })
        .collect()
}

fn timers(fx: &Effects) -> Vec<(Timestamp, Timer)> {
    fx.iter()
        .filter_map(|effect| match effect {
            Effect::Timer { at, timer } => Some((*at, timer.clone())),
            _ => None,
        })
        .collect()
}

/// Skills 1-3 of VDN 1 with the default policy and no limits.
fn skills() -> Vec<SkillProfile> {
    (1..=3).map(|n| SkillProfile::new(vdn(), skill(n), format!("Skill {n}"))).collect()
}

fn center_with(settings: CenterSettings) -> Center {
    let mut center = Center::new(settings);
    center.configure_skills(skills());
    center
}

fn center() -> Center {
    center_with(CenterSettings::default())
}

#[test]
fn sign_in_idle_tells_in_service_then_ready_and_arms_liveness() {
    let mut c = center();
    let fx = c.sign_in(sign_in(101, false), at(1_000)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::InService, E::Ready]);
    assert_eq!(timers(&fx), vec![(at(121_000), Timer::Liveness { work_no: work(101), login_time: at(1_000) })]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Idle { since: at(1_000) });
    c.check_invariants().unwrap();
}

#[test]
fn sign_in_busy_or_work_adds_the_documented_third_event() {
    let mut c = center();
    let busy = SignIn { initial: InitialState::Busy, ..sign_in(101, false) };
    let fx = c.sign_in(busy, at(0)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::InService, E::Ready, E::NotReady { reason: 0 }]);
    let work_state = SignIn { initial: InitialState::Work, ..sign_in(102, false) };
    let fx = c.sign_in(work_state, at(0)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::InService, E::Ready, E::Work]);
}

#[test]
fn an_agent_cannot_sign_in_with_the_phone_of_another_signed_in_agent() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let borrowed = SignIn { phone: PhoneNumber::parse("70101").unwrap(), ..sign_in(102, false) };
    assert_eq!(c.sign_in(borrowed.clone(), at(1)).unwrap_err(), Refusal::PhoneInvalid);
    assert!(c.agent(work(102)).is_none());
    // Its own phone again, by force: the same agent, so allowed.
    c.sign_in(SignIn { force: true, ..sign_in(101, false) }, at(2)).unwrap();
    assert_eq!(c.bind_phone(work(101), PhoneNumber::parse("70101").unwrap()), Ok(Effects::new()));
    // Once 101 moved to another phone, 70101 is free.
    c.bind_phone(work(101), PhoneNumber::parse("70199").unwrap()).unwrap();
    c.sign_in(borrowed, at(3)).unwrap();
    assert_eq!(c.bind_phone(work(101), PhoneNumber::parse("70101").unwrap()).unwrap_err(), Refusal::PhoneInvalid);
    c.sign_out(work(102), SignOut::Logout, at(4)).unwrap();
    c.bind_phone(work(101), PhoneNumber::parse("70101").unwrap()).unwrap();
    c.check_invariants().unwrap();
}

#[test]
fn second_sign_in_is_refused_and_forcelogin_takes_over() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(c.sign_in(sign_in(101, false), at(1)).unwrap_err(), Refusal::AlreadySignedIn);
    let force = SignIn { force: true, guid: Guid::new("new".into()), ..sign_in(101, false) };
    let fx = c.sign_in(force, at(2)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::ShutdownService { login_time: at(0) }, E::InService, E::Ready]);
    let ended = fx.iter().position(|e| matches!(e, Effect::SessionEnded { .. })).unwrap();
    let started = fx.iter().position(|e| matches!(e, Effect::SessionStarted { .. })).unwrap();
    assert!(ended < started, "the old session must end before the new one starts");
    assert!(c.authorize(work(101), Some("guid-101"), false, at(3), || unreachable!()).is_err());
    assert!(c.authorize(work(101), Some("new"), false, at(3), || unreachable!()).is_ok());
}

#[test]
fn an_always_off_hook_phone_has_its_line_kept_until_releasephone_or_sign_out() {
    let mut c = center();
    let off_hook = SignIn { always_off_hook: true, ..sign_in(101, false) };
    let fx = c.sign_in(off_hook, at(0)).unwrap();
    let phone = PhoneNumber::parse("70101").unwrap();
    assert_eq!(switch_actions(&fx), vec![SwitchAction::KeepLine { agent: work(101), phone }]);
    let fx = c.release_phone(work(101), at(1)).unwrap();
    assert_eq!(switch_actions(&fx), vec![SwitchAction::DropLine { agent: work(101) }]);
    assert_eq!(c.release_phone(work(101), at(2)).unwrap_err(), Refusal::NoCallToRelease, "no line left");
    let fx = c.sign_out(work(101), SignOut::Logout, at(3)).unwrap();
    assert!(switch_actions(&fx).is_empty(), "the line is gone already: {fx:?}");

    c.sign_in(SignIn { always_off_hook: true, ..sign_in(102, false) }, at(4)).unwrap();
    let fx = c.sign_out(work(102), SignOut::Forced { reason: 0 }, at(5)).unwrap();
    assert_eq!(switch_actions(&fx), vec![SwitchAction::DropLine { agent: work(102) }]);
    let fx = c.sign_in(sign_in(103, false), at(6)).unwrap();
    assert!(switch_actions(&fx).is_empty(), "a phone released after each call needs no line");
    c.check_invariants().unwrap();
}

#[test]
fn binding_another_phone_moves_an_always_off_hook_line_to_it() {
    let mut c = center();
    c.sign_in(SignIn { always_off_hook: true, ..sign_in(101, false) }, at(0)).unwrap();
    let phone = PhoneNumber::parse("70150").unwrap();
    let fx = c.bind_phone(work(101), phone.clone()).unwrap();
    assert_eq!(
        switch_actions(&fx),
        vec![
            SwitchAction::DropLine { agent: work(101) },
            SwitchAction::KeepLine { agent: work(101), phone: phone.clone() }
        ]
    );
    assert!(c.bind_phone(work(101), phone).unwrap().is_empty(), "the same phone again changes nothing");
    c.sign_in(sign_in(102, false), at(1)).unwrap();
    let taken = PhoneNumber::parse("70102").unwrap();
    assert_eq!(c.bind_phone(work(101), taken), Err(Refusal::PhoneInvalid), "another agent's calls ring it");
    c.check_invariants().unwrap();
}

#[test]
fn an_always_off_hook_phone_does_not_ring_for_a_call_out() {
    let mut c = center();
    c.sign_in(SignIn { always_off_hook: true, ..sign_in(101, false) }, at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    let call_out = |number: &str| {
        Command::PlaceCall(crate::center::CallRequest {
            callee: crate::center::Callee::Number(number.into()),
            caller: None,
            skill: None,
            call_data: String::new(),
        })
    };
    let (_, fx) = c.apply(work(101), call_out("5550000"), at(10), &mut || placed(1)).unwrap();
    assert!(!events_for(&fx, 101).contains(&E::PhoneAlerting), "S11: no ringing on an off-hook line: {fx:?}");
    let (_, fx) = c.apply(work(102), call_out("5550001"), at(10), &mut || placed(2)).unwrap();
    assert!(events_for(&fx, 102).contains(&E::PhoneAlerting), "a phone released after calls rings: {fx:?}");
    c.check_invariants().unwrap();
}

#[test]
fn forcelogin_can_be_disabled() {
    let mut c = center_with(CenterSettings { allow_force_login: false, ..CenterSettings::default() });
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let force = SignIn { force: true, ..sign_in(101, false) };
    assert_eq!(c.sign_in(force, at(1)).unwrap_err(), Refusal::ForceLoginDisabled);
}

#[test]
fn inbound_call_rings_is_answered_talks_and_is_released() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    assert_eq!(events_for(&fx, 101), ringing_events(1, &[]));
    c.check_invariants().unwrap();

    let fx = c.answer(work(101), None, at(20)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CustomerAlerting { call: info(1).call, other_phone: "13800000000".into() }, E::Talking(info(1))]
    );
    c.check_invariants().unwrap();

    let fx = c.release(work(101), at(30)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(info(1).call),
            E::CustomerRelease { call: info(1).call, number: "13800000000".into() },
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready,
        ]
    );
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Agent }]
    );
    assert!(c.calls().next().is_none());
    c.check_invariants().unwrap();
}

#[test]
fn answer_refuses_when_nothing_rings_or_the_callid_is_another() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(c.answer(work(101), None, at(1)).unwrap_err(), Refusal::NoCallToAnswer);
    c.call_arrived(call(1), at(2));
    let other = CallId::compose(1, 1);
    assert_eq!(c.answer(work(101), Some(&other), at(3)).unwrap_err(), Refusal::NoCallToAnswer);
    assert!(c.answer(work(101), Some(&info(1).call), at(3)).is_ok());
    assert_eq!(c.answer(work(101), None, at(4)).unwrap_err(), Refusal::NoCallToAnswer);
    assert_eq!(c.answer(work(999), None, at(4)).unwrap_err(), Refusal::NotSignedIn);
}

#[test]
fn auto_answer_skips_ringing() {
    let mut c = center();
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::IncomingCallInfo(incoming(1, &[])),
            E::Occupied,
            E::PhoneAlerting,
            E::PhoneOffhook,
            E::AutoAnswer(info(1)),
            E::Talking(info(1))
        ]
    );
    assert!(timers(&fx).is_empty(), "no ring timeout for an answered call");
    c.check_invariants().unwrap();
}

#[test]
fn the_longest_idle_agent_gets_the_call() {
    let mut c = center();
    c.sign_in(sign_in(102, false), at(5)).unwrap();
    c.sign_in(sign_in(101, false), at(9)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    assert!(!events_for(&fx, 102).is_empty());
    assert!(events_for(&fx, 101).is_empty());
}

#[test]
fn a_call_waits_for_an_agent_and_is_offered_at_sign_in() {
    let mut c = center();
    // Nobody to offer it to: the call is only journalled.
    let fx = c.call_arrived(call(1), at(0));
    assert!(matches!(fx.as_slice(), [Effect::CallStarted(start)] if start.call == call(1) && start.arrived == at(0)));
    c.check_invariants().unwrap();
    let fx = c.sign_in(sign_in(101, false), at(5)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Ringing(info(1))));
}

#[test]
fn ring_timeout_sets_the_agent_busy_and_offers_the_call_to_the_next() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(1)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    let (when, timer) = timers(&fx).pop().unwrap();
    assert_eq!(when, at(20_010));
    let fx = c.fire(timer.clone(), when);
    assert_eq!(
        events_for(&fx, 101),
        vec![E::NoAnswer(info(1).call), E::PhoneRelease(PhoneReleasedBy::Platform), E::NotReady { reason: 2 }]
    );
    assert_eq!(events_for(&fx, 102), ringing_events(1, &[101]));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason: 2 });
    c.check_invariants().unwrap();
    // The first offer's timer firing again changes nothing.
    assert!(c.fire(timer, when).is_empty());
}

#[test]
fn customer_hanging_up_while_ringing_returns_the_agent_to_idle_with_its_old_place() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(3)).unwrap();
    c.call_arrived(call(1), at(10));
    let fx = c.customer_hung_up(&info(1).call, at(12));
    assert_eq!(events_for(&fx, 101), left_alone(info(1).call, "13800000000"));
    assert_eq!(outcomes(&fx), vec![CallOutcome::AbandonedRinging { agent: work(101) }]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Idle { since: at(3) });
    c.check_invariants().unwrap();
    assert!(c.customer_hung_up(&info(1).call, at(13)).is_empty(), "a second hang-up is ignored");
}

#[test]
fn customer_hanging_up_in_queue_is_recorded_as_abandoned() {
    let mut c = center();
    c.call_arrived(call(1), at(0));
    let fx = c.customer_hung_up(&info(1).call, at(5));
    assert_eq!(outcomes(&fx), vec![CallOutcome::AbandonedInQueue]);
    c.check_invariants().unwrap();
}

#[test]
fn customer_hanging_up_while_talking_ends_in_wrap_up_when_asked() {
    let settings = CenterSettings { wrap_up: Some(Duration::from_secs(30)), ..CenterSettings::default() };
    let mut c = center_with(settings);
    c.sign_in(SignIn { auto_enter_idle: false, ..sign_in(101, true) }, at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    let fx = c.customer_hung_up(&info(1).call, at(50));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CustomerRelease { call: info(1).call, number: "13800000000".into() },
            E::CallRelease(info(1).call),
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::Work,
        ]
    );
    let (when, timer) = timers(&fx).pop().unwrap();
    assert_eq!(when, at(30_050));
    assert_eq!(events_for(&c.fire(timer, when), 101), vec![E::Ready]);
}

#[test]
fn releasing_a_ringing_call_declines_it_and_it_goes_to_the_next_agent() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(1)).unwrap();
    c.call_arrived(call(1), at(10));
    let fx = c.release(work(101), at(11)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(info(1).call), E::PhoneRelease(PhoneReleasedBy::Agent), E::NotReady { reason: 7 }]
    );
    assert_eq!(events_for(&fx, 102).last(), Some(&E::Ringing(info(1))));
    c.check_invariants().unwrap();
    assert_eq!(c.release(work(101), at(12)).unwrap_err(), Refusal::NoCallToRelease);
}

#[test]
fn logout_is_refused_while_talking_but_allowed_while_ringing() {
    let mut c = center();
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    c.call_arrived(call(1), at(1));
    assert_eq!(c.sign_out(work(101), SignOut::Logout, at(2)).unwrap_err(), Refusal::SignOutInCall);

    c.sign_in(sign_in(102, false), at(3)).unwrap();
    c.sign_in(sign_in(103, false), at(4)).unwrap();
    c.call_arrived(call(2), at(5));
    let fx = c.sign_out(work(102), SignOut::Logout, at(6)).unwrap();
    assert!(events_for(&fx, 102).is_empty(), "logout tells the agent nothing");
    assert_eq!(events_for(&fx, 103).last(), Some(&E::Ringing(info(2))));
    c.check_invariants().unwrap();
}

#[test]
fn forced_sign_out_while_talking_releases_the_call() {
    let mut c = center();
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    c.call_arrived(call(1), at(1));
    let fx = c.sign_out(work(101), SignOut::Forced { reason: 9 }, at(2)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(info(1).call),
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::ShutdownService { login_time: at(0) },
        ]
    );
    assert!(fx.contains(&Effect::Switch(SwitchAction::Release { call: info(1).call })));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(1), ended_by: EndedBy::SignOut }]
    );
    assert!(c.agent(work(101)).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn a_silent_agent_is_signed_out_and_a_live_one_is_checked_again_later() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let timer = Timer::Liveness { work_no: work(101), login_time: at(0) };
    c.authorize(work(101), Some("guid-101"), false, at(50_000), || unreachable!()).unwrap();
    let fx = c.fire(timer.clone(), at(120_000));
    assert_eq!(timers(&fx), vec![(at(170_000), timer.clone())]);
    let fx = c.fire(timer, at(170_000));
    assert_eq!(events_for(&fx, 101), vec![E::ShutdownService { login_time: at(0) }]);
    assert!(c.agent(work(101)).is_none());
}

#[test]
fn authorize_tells_not_signed_in_from_a_bad_guid() {
    let mut c = center();
    assert_eq!(c.authorize(work(101), Some("x"), false, at(0), || unreachable!()).unwrap_err(), Refusal::NotSignedIn);
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(c.authorize(work(101), None, false, at(0), || unreachable!()).unwrap_err(), Refusal::GuidInvalid);
    assert_eq!(
        c.authorize(work(101), Some("guid-102"), false, at(0), || unreachable!()).unwrap_err(),
        Refusal::GuidInvalid
    );
    assert_eq!(c.authorize(work(101), Some("guid-101"), false, at(0), || unreachable!()), Ok(None));
}
