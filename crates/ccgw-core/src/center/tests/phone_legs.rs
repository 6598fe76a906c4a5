//! The agent's phone leg reported by the switch (`PhoneLegs::Reported`): an offer waits
//! for the phone, a failed phone takes the offer back, the handset going down releases.

use super::*;
use crate::call::{CallState, OfferAnswer, OfferPhone};
use crate::center::{PhoneFailure, PhoneLegs, PhoneReport};

fn reported() -> Center {
    center_with(CenterSettings { phone_legs: PhoneLegs::Reported, ..CenterSettings::default() })
}

fn phone(n: u32) -> PhoneNumber {
    PhoneNumber::parse(&format!("70{n}")).unwrap()
}

fn offered_state(c: &Center, seq: u64) -> CallState {
    c.call(&info(seq).call).unwrap().state().clone()
}

/// 101 (manual answer) signed in at 0; call 1 arrives at 10 and is offered to it.
fn offered_to_101() -> (Center, Effects) {
    let mut c = reported();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    c.check_invariants().unwrap();
    (c, fx)
}

#[test]
fn an_offer_tells_the_call_and_rings_the_phone_then_waits_for_it() {
    let (c, fx) = offered_to_101();
    assert_eq!(events_for(&fx, 101), vec![E::IncomingCallInfo(incoming(1, &[])), E::Occupied]);
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::Alert { call: info(1).call, agent: work(101), phone: phone(101), auto_answer: false }]
    );
    assert_eq!(timers(&fx), vec![(at(20_010), Timer::RingTimeout { call: info(1).call, offer: 1 })]);
    let expected = CallState::Offered {
        agent: work(101),
        offer: 1,
        since: at(10),
        phone: OfferPhone::Dialling,
        answer: OfferAnswer::Ring,
    };
    assert_eq!(offered_state(&c, 1), expected);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Ringing { call: info(1).call, idle_since: at(0) });
}

#[test]
fn alerting_then_off_hook_gives_the_offer_events_of_today_and_answer_works_after() {
    let (mut c, _) = offered_to_101();
    assert_eq!(c.answer(work(101), None, at(11)).unwrap_err(), Refusal::NoCallToAnswer, "nothing rings in software");
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(12));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting]);
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(12)).is_empty(), "told once");
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(13));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneOffhook, E::Ringing(info(1))]);
    assert!(matches!(offered_state(&c, 1), CallState::Offered { phone: OfferPhone::OffHook, .. }));
    c.check_invariants().unwrap();
    let fx = c.answer(work(101), None, at(20)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Talking(info(1))));
    assert!(matches!(offered_state(&c, 1), CallState::Live { .. }));
    c.check_invariants().unwrap();
}

#[test]
fn off_hook_without_alerting_tells_both_phone_events() {
    let (mut c, _) = offered_to_101();
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(13));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting, E::PhoneOffhook, E::Ringing(info(1))]);
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(14)).is_empty(), "a repeat is ignored");
}

#[test]
fn an_auto_answer_offer_becomes_live_only_when_the_phone_is_off_hook() {
    let mut c = reported();
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    assert_eq!(events_for(&fx, 101), vec![E::IncomingCallInfo(incoming(1, &[])), E::Occupied]);
    assert_eq!(timers(&fx).len(), 1, "a phone that never answers is taken back at the ring timeout");
    assert!(matches!(offered_state(&c, 1), CallState::Offered { answer: OfferAnswer::Auto, .. }));
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting]);
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(15));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneOffhook, E::AutoAnswer(info(1)), E::Talking(info(1))]);
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::Connect { call: info(1).call, agent: work(101), phone: phone(101) }]
    );
    assert_eq!(offered_state(&c, 1), CallState::Live { since: at(15) });
    assert_eq!(c.call(&info(1).call).unwrap().answered(), Some((work(101), at(15))));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    c.check_invariants().unwrap();
}

/// Every failure cause takes the offer back: `Connect_Fail`, busy with the cause's
/// reason, the call offered to the next agent; one record when it ends.
#[test]
fn a_failed_phone_takes_the_offer_back_for_the_next_agent() {
    for cause in PhoneFailure::ALL {
        let (mut c, _) = offered_to_101();
        c.sign_in(sign_in(102, false), at(1)).unwrap();
        if cause == PhoneFailure::NoAnswer {
            c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
        }
        let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Failed(cause), at(12));
        let reason = if cause == PhoneFailure::Rejected { REJECTED_BUSY_REASON } else { 2 };
        assert_eq!(events_for(&fx, 101), vec![E::ConnectFail(info(1).call), E::NotReady { reason }], "{cause:?}");
        assert_eq!(events_for(&fx, 102), vec![E::IncomingCallInfo(incoming(1, &[101])), E::Occupied], "{cause:?}");
        assert_eq!(
            switch_actions(&fx),
            vec![
                SwitchAction::StopAlerting { call: info(1).call, agent: work(101) },
                SwitchAction::Alert { call: info(1).call, agent: work(102), phone: phone(102), auto_answer: false },
            ]
        );
        assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason });
        assert_eq!(c.agent(work(101)).unwrap().statistics(at(12)).not_answered, 1);
        c.check_invariants().unwrap();
        // A late report from the first phone changes nothing.
        assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(13)).is_empty());
        c.phone_leg(&info(1).call, work(102), PhoneReport::Answered, at(14));
        c.answer(work(102), None, at(15)).unwrap();
        let fx = c.customer_hung_up(&info(1).call, at(30));
        assert_eq!(
            outcomes(&fx),
            vec![CallOutcome::Answered { agent: work(102), answered_at: at(15), ended_by: EndedBy::Customer }]
        );
        assert_eq!(ended(&fx)[0].offered_to, vec![work(101)]);
        c.check_invariants().unwrap();
    }
}

#[test]
fn a_failed_phone_with_nobody_else_leaves_the_call_queued() {
    let (mut c, _) = offered_to_101();
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Failed(PhoneFailure::Unreachable), at(12));
    assert!(outcomes(&fx).is_empty());
    assert_eq!(offered_state(&c, 1), CallState::Queued);
    c.check_invariants().unwrap();
}

#[test]
fn a_failure_after_off_hook_is_not_a_failure_of_the_offer() {
    let (mut c, _) = offered_to_101();
    c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(12));
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::Failed(PhoneFailure::Busy), at(13)).is_empty());
    assert!(matches!(offered_state(&c, 1), CallState::Offered { phone: OfferPhone::OffHook, .. }));
}

#[test]
fn the_ring_timeout_covers_a_phone_that_never_goes_off_hook() {
    let (mut c, fx) = offered_to_101();
    c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    let (when, timer) = timers(&fx).pop().unwrap();
    let fx = c.fire(timer, when);
    // The phone never went off-hook: no PhoneRelease.
    assert_eq!(events_for(&fx, 101), vec![E::NoAnswer(info(1).call), E::NotReady { reason: 2 }]);
    assert_eq!(offered_state(&c, 1), CallState::Queued);
    c.check_invariants().unwrap();
}

#[test]
fn the_customer_giving_up_before_the_phone_answers_ends_the_call_once() {
    let (mut c, _) = offered_to_101();
    let fx = c.customer_hung_up(&info(1).call, at(12));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CustomerRelease { call: info(1).call, number: "13800000000".into() },
            E::CallRelease(info(1).call),
            E::Ready
        ]
    );
    assert_eq!(outcomes(&fx), vec![CallOutcome::AbandonedRinging { agent: work(101) }]);
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(13)).is_empty(), "the call is gone");
    c.check_invariants().unwrap();
}

#[test]
fn the_handset_going_down_while_the_call_rings_declines_it() {
    let (mut c, _) = offered_to_101();
    c.sign_in(sign_in(102, false), at(1)).unwrap();
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::HungUp, at(11)).is_empty(), "not off-hook yet");
    c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(12));
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::HungUp, at(13));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(info(1).call),
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::NotReady { reason: REJECTED_BUSY_REASON }
        ]
    );
    assert_eq!(events_for(&fx, 102), vec![E::IncomingCallInfo(incoming(1, &[101])), E::Occupied]);
    c.check_invariants().unwrap();
}

#[test]
fn the_handset_going_down_in_a_call_releases_it_as_release_does() {
    let (mut c, _) = offered_to_101();
    c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(12));
    c.answer(work(101), None, at(20)).unwrap();
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::HungUp, at(40));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(info(1).call),
            E::CustomerRelease { call: info(1).call, number: "13800000000".into() },
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready
        ]
    );
    assert_eq!(switch_actions(&fx), vec![SwitchAction::Release { call: info(1).call }]);
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Agent }]
    );
    assert_eq!(c.agent(work(101)).unwrap().statistics(at(40)).released, 1);
    assert!(c.phone_leg(&info(1).call, work(101), PhoneReport::HungUp, at(41)).is_empty(), "the call is over");
    c.check_invariants().unwrap();
}

#[test]
fn a_pickup_waits_for_the_picking_agents_phone() {
    let mut c = reported();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(SignIn { profile: profile(102, &[2]), ..sign_in(102, false) }, at(5)).unwrap();
    c.call_arrived(call(1), at(10));
    c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(11));
    let fx = c.snatch_pickup(work(102), work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::IncomingCallInfo(incoming(1, &[])), E::Occupied]);
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(info(1).call), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    c.check_invariants().unwrap();
    let fx = c.phone_leg(&info(1).call, work(102), PhoneReport::Answered, at(31));
    assert_eq!(events_for(&fx, 102), vec![E::PhoneAlerting, E::PhoneOffhook, E::Talking(info(1))]);
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    c.check_invariants().unwrap();
}

#[test]
fn the_placers_phone_reports_end_its_set_up_step() {
    let mut c = reported();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let id = CallId::compose(1_700_000_100, 1);
    let request =
        CallRequest { callee: Callee::Number("5551234".into()), caller: None, skill: None, call_data: "".into() };
    c.place_call(work(101), id.clone(), request, at(10)).unwrap();
    assert!(c.phone_leg(&id, work(101), PhoneReport::Alerting, at(11)).is_empty(), "told when placed");
    let fx = c.phone_leg(&id, work(101), PhoneReport::Failed(PhoneFailure::Unreachable), at(12));
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallOutFail(id.clone()), E::ConnectFail(id), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    c.check_invariants().unwrap();
}

#[test]
fn reports_for_unknown_calls_or_other_agents_change_nothing() {
    let (mut c, _) = offered_to_101();
    let other = CallId::compose(1_700_000_000, 99);
    for report in [PhoneReport::Alerting, PhoneReport::Answered, PhoneReport::HungUp] {
        assert!(c.phone_leg(&other, work(101), report, at(11)).is_empty());
        assert!(c.phone_leg(&info(1).call, work(102), report, at(11)).is_empty());
    }
    c.check_invariants().unwrap();
}
