//! Phones whose off-hook is the answer (`PhoneLegs::AnsweredAtPhone`, the SIP switch):
//! the call rings at the agent as the phone rings, picking the phone up connects it, and
//! `answer` while the phone rings asks the switch to take the phone off-hook.

use super::*;
use crate::call::{CallState, OfferAnswer, OfferPhone};
use crate::center::{PhoneFailure, PhoneLegs, PhoneReport};

fn answering_phones() -> Center {
    center_with(CenterSettings { phone_legs: PhoneLegs::AnsweredAtPhone, ..CenterSettings::default() })
}

fn phone(n: u32) -> PhoneNumber {
    PhoneNumber::parse(&format!("70{n}")).unwrap()
}

/// 101 signed in at 0 (`auto_answer` as given); call 1 arrives at 10 and is offered to it.
fn offered_to_101(auto_answer: bool) -> (Center, Effects) {
    let mut c = answering_phones();
    c.sign_in(sign_in(101, auto_answer), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(10));
    c.check_invariants().unwrap();
    (c, fx)
}

fn connected(c: &Center) {
    assert_eq!(c.call(&info(1).call).unwrap().state(), &CallState::Live { since: at(15) });
    assert_eq!(c.call(&info(1).call).unwrap().answered(), Some((work(101), at(15))));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    c.check_invariants().unwrap();
}

#[test]
fn the_offer_rings_the_phone_without_auto_answer_and_rings_at_the_agent_with_it() {
    let (mut c, fx) = offered_to_101(false);
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::Alert { call: info(1).call, agent: work(101), phone: phone(101), auto_answer: false }]
    );
    assert_eq!(timers(&fx), vec![(at(20_010), Timer::RingTimeout { call: info(1).call, offer: 1 })]);
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting, E::Ringing(info(1))]);
    c.check_invariants().unwrap();
}

#[test]
fn picking_the_phone_up_answers_the_call() {
    let (mut c, _) = offered_to_101(false);
    c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(15));
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::PhoneOffhook,
            E::CustomerAlerting { call: info(1).call, other_phone: info(1).caller },
            E::Talking(info(1))
        ]
    );
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::Connect { call: info(1).call, agent: work(101), phone: phone(101) }]
    );
    connected(&c);
}

#[test]
fn a_phone_answering_without_ringing_first_still_tells_the_ringing() {
    let (mut c, _) = offered_to_101(false);
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(15));
    let kinds = events_for(&fx, 101);
    assert_eq!(&kinds[..3], &[E::PhoneAlerting, E::Ringing(info(1)), E::PhoneOffhook]);
    assert_eq!(kinds.last(), Some(&E::Talking(info(1))));
    connected(&c);
}

#[test]
fn answer_while_the_phone_rings_asks_the_switch_to_pick_it_up() {
    let (mut c, _) = offered_to_101(false);
    c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    let fx = c.answer(work(101), None, at(12)).unwrap();
    assert!(events_for(&fx, 101).is_empty(), "nothing is told until the phone is off-hook");
    assert_eq!(switch_actions(&fx), vec![SwitchAction::PickUp { call: info(1).call, agent: work(101) }]);
    assert!(matches!(
        c.call(&info(1).call).unwrap().state(),
        CallState::Offered { phone: OfferPhone::Alerting, answer: OfferAnswer::Ring, .. }
    ));
    c.check_invariants().unwrap();
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(15));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Talking(info(1))));
    connected(&c);
}

#[test]
fn an_auto_answer_offer_asks_the_phone_to_answer_and_connects_when_it_does() {
    let (mut c, fx) = offered_to_101(true);
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::Alert { call: info(1).call, agent: work(101), phone: phone(101), auto_answer: true }]
    );
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneAlerting], "an auto-answer offer does not ring at the agent");
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Answered, at(15));
    assert_eq!(events_for(&fx, 101), vec![E::PhoneOffhook, E::AutoAnswer(info(1)), E::Talking(info(1))]);
    connected(&c);
}

#[test]
fn a_phone_that_fails_takes_the_offer_back_as_before() {
    let (mut c, _) = offered_to_101(false);
    c.phone_leg(&info(1).call, work(101), PhoneReport::Alerting, at(11));
    let fx = c.phone_leg(&info(1).call, work(101), PhoneReport::Failed(PhoneFailure::Busy), at(12));
    assert_eq!(events_for(&fx, 101), vec![E::ConnectFail(info(1).call), E::NotReady { reason: 2 }]);
    assert!(matches!(c.call(&info(1).call).unwrap().state(), CallState::Queued));
    c.check_invariants().unwrap();
}
