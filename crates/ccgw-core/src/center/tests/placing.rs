//! Calls agents place: call-out (S11–S13) and internal calls (S14), with every failure.

use super::*;
use crate::call::{FailReason, Leg};
use crate::center::{CallRequest, Callee, DialFailure};

const NUMBER: &str = "5551234";

fn id(seq: u64) -> CallId {
    CallId::compose(1_700_000_100, seq)
}

fn to_number(number: &str) -> CallRequest {
    CallRequest { callee: Callee::Number(number.into()), caller: None, skill: None, call_data: String::new() }
}

fn to_agent(n: u32) -> CallRequest {
    CallRequest { callee: Callee::Agent(work(n)), caller: None, skill: None, call_data: String::new() }
}

fn outbound_info(seq: u64) -> CallInfo {
    CallInfo {
        call: id(seq),
        caller: "70101".into(),
        called: NUMBER.into(),
        feature: CallFeature::Outbound,
        media_type: 5,
        transferred_from: None,
    }
}

fn internal_info(seq: u64, from: u32, to: u32) -> CallInfo {
    CallInfo {
        call: id(seq),
        caller: format!("a{from}"),
        called: format!("a{to}"),
        feature: CallFeature::Internal,
        media_type: 5,
        transferred_from: None,
    }
}

/// Agent 101 idle, its call-out 1 placed and its phone off-hook.
fn dialling() -> Center {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.place_call(work(101), id(1), to_number(NUMBER), at(10)).unwrap();
    c.phone_off_hook(&id(1), work(101), at(20));
    c
}

#[test]
fn call_out_goes_off_hook_rings_talks_and_ends_with_one_outcome() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.place_call(work(101), id(1), to_number(NUMBER), at(10)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting]);
    let phone = PhoneNumber::parse("70101").unwrap();
    assert_eq!(switch_actions(&fx), vec![SwitchAction::OffHook { call: id(1), agent: work(101), phone }]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: id(1) });
    c.check_invariants().unwrap();

    let fx = c.phone_off_hook(&id(1), work(101), at(20));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneOffhook, E::Occupied]);
    let dial = SwitchAction::Dial { call: id(1), number: NUMBER.into(), caller: "70101".into() };
    assert_eq!(switch_actions(&fx), vec![dial]);
    let fx = c.far_end_alerting(&id(1), NUMBER, at(30));
    assert_eq!(events_for(&fx, 101), vec![E::CustomerAlerting { call: id(1), other_phone: NUMBER.into() }]);
    let fx = c.far_end_answered(&id(1), NUMBER, at(40));
    assert_eq!(events_for(&fx, 101), vec![E::Talking(outbound_info(1))]);
    c.check_invariants().unwrap();

    let fx = c.far_end_hung_up(&id(1), NUMBER, at(50));
    assert_eq!(events_for(&fx, 101), left_alone(id(1), NUMBER));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(40), ended_by: EndedBy::Customer }]
    );
    assert!(c.calls().next().is_none());
    c.check_invariants().unwrap();
}

#[test]
fn a_number_that_cannot_be_reached_fails_the_call_out_in_the_s13_order() {
    for cause in DialFailure::ALL {
        let mut c = dialling();
        let fx = c.far_end_failed(&id(1), NUMBER, cause, at(30));
        let (detect, desc) = cause.detect();
        assert_eq!(
            events_for(&fx, 101),
            vec![
                E::PhoneRelease(PhoneReleasedBy::Platform),
                E::CallOutFail(id(1)),
                E::ConnectFail(id(1)),
                E::OutboundDetect { call: id(1), detect, desc },
                E::Ready,
            ],
            "{cause:?}"
        );
        let failed = CallOutcome::Failed { agent: work(101), reason: FailReason::FarEnd(cause) };
        assert_eq!(outcomes(&fx), vec![failed]);
        assert_eq!(switch_actions(&fx), vec![SwitchAction::Release { call: id(1) }]);
        c.check_invariants().unwrap();
    }
}

#[test]
fn the_agents_phone_refusing_or_never_picked_up_fails_in_the_s12_order() {
    let s12 = vec![E::CallOutFail(id(1)), E::ConnectFail(id(1)), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready];
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.place_call(work(101), id(1), to_number(NUMBER), at(10)).unwrap();
    let fx = c.phone_failed(&id(1), work(101), at(11));
    assert_eq!(events_for(&fx, 101), s12);
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::AgentPhone }]);

    let fx = c.place_call(work(101), id(2), to_number(NUMBER), at(100)).unwrap();
    let [(deadline, timer)] = timers(&fx).try_into().unwrap();
    assert_eq!(deadline, at(20_100), "the phone has the ring timeout to go off-hook");
    let fx = c.fire(timer, deadline);
    let s12_two: Vec<E> = s12.iter().map(|e| rename(e, id(1), id(2))).collect();
    assert_eq!(events_for(&fx, 101), s12_two);
    c.check_invariants().unwrap();
}

fn rename(event: &E, from: CallId, to: CallId) -> E {
    match event {
        E::CallOutFail(c) if *c == from => E::CallOutFail(to),
        E::ConnectFail(c) if *c == from => E::ConnectFail(to),
        other => other.clone(),
    }
}

#[test]
fn a_number_ringing_past_the_dial_timeout_fails_and_a_stale_deadline_does_nothing() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.place_call(work(101), id(1), to_number(NUMBER), at(10)).unwrap();
    let [(_, phone_deadline)] = timers(&fx).try_into().unwrap();
    let fx = c.phone_off_hook(&id(1), work(101), at(20));
    let [(deadline, dial_deadline)] = timers(&fx).try_into().unwrap();
    assert_eq!(deadline, at(60_020));
    assert!(c.fire(phone_deadline, at(20_010)).is_empty(), "the phone step is over");
    c.far_end_alerting(&id(1), NUMBER, at(30));
    let fx = c.fire(dial_deadline, deadline);
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Timeout }]);
    assert_eq!(events_for(&fx, 101)[1], E::CallOutFail(id(1)));
    c.check_invariants().unwrap();
}

#[test]
fn hanging_up_before_the_far_end_answers_cancels_the_call() {
    let mut c = dialling();
    c.far_end_alerting(&id(1), NUMBER, at(30));
    let fx = c.release(work(101), at(40)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CallRelease(id(1)), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Cancelled }]);
    assert!(c.far_end_answered(&id(1), NUMBER, at(50)).is_empty(), "a late answer finds no call");
    c.check_invariants().unwrap();
}

#[test]
fn a_busy_agent_calling_out_is_busy_again_afterwards() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.change_state(work(101), StateCommand::SayBusy { reason: 12, prolong: false }, at(1)).unwrap();
    c.place_call(work(101), id(1), to_number(NUMBER), at(10)).unwrap();
    c.phone_off_hook(&id(1), work(101), at(20));
    let fx = c.far_end_failed(&id(1), NUMBER, DialFailure::Busy, at(30));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::NotReady { reason: 12 }));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason: 12 });
}

#[test]
fn call_out_is_refused_while_talking_or_ringing_and_for_bad_numbers() {
    let mut c = dialling();
    assert_eq!(c.place_call(work(101), id(2), to_number(NUMBER), at(30)).unwrap_err(), Refusal::StateForbids);
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    for bad in ["", "12a", "1234567890123456789012345"] {
        assert_eq!(c.place_call(work(101), id(1), to_number(bad), at(1)).unwrap_err(), Refusal::NumberInvalid);
    }
    c.call_arrived(call(1), at(2));
    assert_eq!(c.place_call(work(101), id(1), to_number(NUMBER), at(3)).unwrap_err(), Refusal::StateForbids);
    assert_eq!(c.place_call(work(999), id(1), to_number(NUMBER), at(3)).unwrap_err(), Refusal::NotSignedIn);
    c.check_invariants().unwrap();
}

#[test]
fn internal_call_rings_the_other_agent_and_both_talk() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    c.place_call(work(101), id(1), to_agent(102), at(10)).unwrap();
    let fx = c.phone_off_hook(&id(1), work(101), at(20));
    assert_eq!(
        events_for(&fx, 101),
        vec![E::PhoneOffhook, E::Occupied, E::CustomerAlerting { call: id(1), other_phone: "102".into() }]
    );
    assert_eq!(
        events_for(&fx, 102),
        vec![E::Occupied, E::PhoneAlerting, E::PhoneOffhook, E::Ringing(internal_info(1, 101, 102))]
    );
    c.check_invariants().unwrap();
    let fx = c.answer(work(102), None, at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::Talking(internal_info(1, 101, 102))]);
    assert_eq!(events_for(&fx, 101), vec![E::Talking(internal_info(1, 101, 102))]);
    c.check_invariants().unwrap();

    let fx = c.release(work(102), at(40)).unwrap();
    assert_eq!(
        events_for(&fx, 102),
        vec![
            E::CallRelease(id(1)),
            E::CustomerRelease { call: id(1), number: "101".into() },
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready
        ]
    );
    assert_eq!(events_for(&fx, 101), left_alone(id(1), "102"));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(102), answered_at: at(30), ended_by: EndedBy::Agent }]
    );
    c.check_invariants().unwrap();
}

#[test]
fn internal_call_to_an_agent_who_is_not_free_or_does_not_answer_fails() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.place_call(work(101), id(1), to_agent(102), at(10)).unwrap();
    let fx = c.phone_off_hook(&id(1), work(101), at(20));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::PhoneOffhook,
            E::Occupied,
            E::InsideCallFail(id(1)),
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::Ready
        ]
    );
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::AgentUnavailable }]);

    c.sign_in(sign_in(102, false), at(30)).unwrap();
    c.place_call(work(101), id(2), to_agent(102), at(40)).unwrap();
    let fx = c.phone_off_hook(&id(2), work(101), at(50));
    let [(deadline, timer)] = timers(&fx).try_into().unwrap();
    let fx = c.fire(timer, deadline);
    assert_eq!(
        events_for(&fx, 102),
        vec![E::NoAnswer(id(2)), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready],
        "no busy penalty for an internal call"
    );
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Idle { since: at(30) });
    assert_eq!(events_for(&fx, 101)[0], E::InsideCallFail(id(2)));
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Timeout }]);
    c.check_invariants().unwrap();
}

#[test]
fn the_called_agent_declining_or_the_caller_cancelling_ends_the_internal_call() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    c.place_call(work(101), id(1), to_agent(102), at(10)).unwrap();
    c.phone_off_hook(&id(1), work(101), at(20));
    let fx = c.release(work(102), at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::CallRelease(id(1)), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert_eq!(events_for(&fx, 101)[0], E::InsideCallFail(id(1)));
    c.check_invariants().unwrap();

    c.place_call(work(101), id(2), to_agent(102), at(40)).unwrap();
    c.phone_off_hook(&id(2), work(101), at(50));
    let fx = c.release(work(101), at(60)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CallRelease(id(2)), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert_eq!(events_for(&fx, 102), left_alone(id(2), "101"));
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Cancelled }]);
    c.check_invariants().unwrap();
}

#[test]
fn internal_call_to_an_idle_agent_of_another_vdn_fails_as_unreachable() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let mut other_tenant = sign_in(102, false);
    other_tenant.profile.vdn = Vdn::new(2).unwrap();
    c.sign_in(other_tenant, at(0)).unwrap();
    c.place_call(work(101), id(1), to_agent(102), at(10)).unwrap();
    let fx = c.phone_off_hook(&id(1), work(101), at(20));
    assert!(events_for(&fx, 102).is_empty(), "the other VDN agent never rings: {:?}", events_for(&fx, 102));
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::AgentUnavailable }]);
    c.check_invariants().unwrap();
}

#[test]
fn internal_call_to_a_skill_picks_its_idle_agent_or_is_refused() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let to_skill =
        |n| CallRequest { callee: Callee::Skill(skill(n)), caller: None, skill: None, call_data: String::new() };
    assert_eq!(c.place_call(work(101), id(1), to_skill(1), at(1)).unwrap_err(), Refusal::NoIdleAgent);
    c.sign_in(sign_in(102, false), at(2)).unwrap();
    c.place_call(work(101), id(1), to_skill(1), at(3)).unwrap();
    assert_eq!(c.call(&id(1)).unwrap().parties()[1].party, Party::Agent(work(102)));
    assert_eq!(c.call(&id(1)).unwrap().parties()[1].leg, Leg::Setup);
    c.check_invariants().unwrap();
}
