//! A called agent's phone leg reported by the switch (`PhoneLegs::Reported`): an internal
//! call, consultation or transfer rings at the agent only once its phone is off-hook, and
//! a phone that fails ends the set-up step as the ring timeout would.

use super::*;
use crate::call::{FailReason, Leg};
use crate::center::{CallRequest, Callee, PhoneFailure, PhoneLegs, PhoneReport};

fn id(seq: u64) -> CallId {
    CallId::compose(1_700_000_100, seq)
}

fn internal_info(seq: u64) -> CallInfo {
    CallInfo {
        call: id(seq),
        caller: "a101".into(),
        called: "a102".into(),
        feature: CallFeature::Internal,
        media_type: 5,
        transferred_from: None,
    }
}

/// 101 calls 102 (both idle, manual answer); 101's phone is off-hook, 102's phone asked
/// to ring: the effects of that step.
fn calling_102() -> (Center, Effects) {
    let mut c = center_with(CenterSettings { phone_legs: PhoneLegs::Reported, ..CenterSettings::default() });
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    let request = CallRequest { callee: Callee::Agent(work(102)), caller: None, skill: None, call_data: "".into() };
    c.place_call(work(101), id(1), request, at(10)).unwrap();
    let fx = c.phone_leg(&id(1), work(101), PhoneReport::Answered, at(20));
    c.check_invariants().unwrap();
    (c, fx)
}

#[test]
fn the_called_agent_is_told_of_the_call_only_as_its_phone_reports() {
    let (mut c, fx) = calling_102();
    assert_eq!(events_for(&fx, 102), vec![E::Occupied]);
    assert_eq!(events_for(&fx, 101), vec![E::PhoneOffhook, E::Occupied]);
    let phone = PhoneNumber::parse("70102").unwrap();
    assert!(switch_actions(&fx).contains(&SwitchAction::Alert {
        call: id(1),
        agent: work(102),
        phone,
        auto_answer: false
    }));
    assert_eq!(c.answer(work(102), None, at(21)).unwrap_err(), Refusal::NoCallToAnswer, "its phone is not off-hook");

    let fx = c.phone_leg(&id(1), work(102), PhoneReport::Alerting, at(22));
    assert_eq!(events_for(&fx, 102), vec![E::PhoneAlerting]);
    assert!(c.phone_leg(&id(1), work(102), PhoneReport::Alerting, at(22)).is_empty(), "told once");
    let fx = c.phone_leg(&id(1), work(102), PhoneReport::Answered, at(23));
    assert_eq!(events_for(&fx, 102), vec![E::PhoneOffhook, E::Ringing(internal_info(1))]);
    assert_eq!(events_for(&fx, 101), vec![E::CustomerAlerting { call: id(1), other_phone: "102".into() }]);
    c.check_invariants().unwrap();

    let fx = c.answer(work(102), None, at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::Talking(internal_info(1))]);
    assert_eq!(c.call(&id(1)).unwrap().agent_leg(work(102)), Some(Leg::Connected));
    c.check_invariants().unwrap();
}

#[test]
fn a_called_phone_that_fails_ends_the_set_up_as_its_ring_timeout_would() {
    for report in [PhoneReport::Failed(PhoneFailure::Busy), PhoneReport::HungUp] {
        let (mut c, _) = calling_102();
        let fx = c.phone_leg(&id(1), work(102), report, at(25));
        assert_eq!(events_for(&fx, 102)[0], E::NoAnswer(id(1)), "{report:?}");
        assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Idle { since: at(0) }, "{report:?}");
        assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Timeout }]);
        assert!(c.calls().next().is_none());
        c.check_invariants().unwrap();
        // The call is gone: a late report changes nothing.
        assert!(c.phone_leg(&id(1), work(102), PhoneReport::Answered, at(26)).is_empty());
    }
}

#[test]
fn a_report_after_the_set_up_moved_on_changes_nothing() {
    let (mut c, fx) = calling_102();
    let [(deadline, timer)] = timers(&fx).try_into().unwrap();
    let timed_out = c.fire(timer, deadline);
    assert_eq!(outcomes(&timed_out), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Timeout }]);
    assert!(c.phone_leg(&id(1), work(102), PhoneReport::Answered, deadline).is_empty());
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Idle { since: at(0) });
    c.check_invariants().unwrap();
}
