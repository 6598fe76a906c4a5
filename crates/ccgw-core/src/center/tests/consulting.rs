//! Consultation (S16), conference (S17), connect-held (S18) and disconnect.

use super::*;
use crate::call::Leg;
use crate::center::{Callee, ConsultRequest};

const CUSTOMER: &str = "13800000000";

fn ask(n: u32, three_party: bool) -> ConsultRequest {
    ConsultRequest { helper: Callee::Agent(work(n)), three_party, call_data: String::new() }
}

fn help_info(feature: CallFeature) -> CallInfo {
    CallInfo {
        call: placed(1),
        caller: "a101".into(),
        called: "a102".into(),
        feature,
        media_type: 5,
        transferred_from: None,
    }
}

/// Agent 101 talks with customer call 1; agent 102 (manual answer) is idle.
fn talking() -> Center {
    let mut c = center();
    customer_answered_at_101(&mut c);
    c.sign_in(sign_in(102, false), at(25)).unwrap();
    c
}

/// As [`talking`], and 101 consults 102, who answered.
fn consulting(three_party: bool) -> (Center, Effects) {
    let mut c = talking();
    c.consult(work(101), placed(1), ask(102, three_party), at(30)).unwrap();
    let fx = c.answer(work(102), None, at(40)).unwrap();
    c.check_invariants().unwrap();
    (c, fx)
}

#[test]
fn two_party_help_holds_the_customer_and_rings_the_helper() {
    let mut c = talking();
    let fx = c.consult(work(101), placed(1), ask(102, false), at(30)).unwrap();
    let two_party = help_info(CallFeature::ConsultTwoParty);
    assert_eq!(
        events_for(&fx, 101),
        vec![E::Hold(customer_call()), E::CustomerAlerting { call: placed(1), other_phone: "102".into() }]
    );
    assert_eq!(
        events_for(&fx, 102),
        vec![E::Occupied, E::PhoneAlerting, E::PhoneOffhook, E::Ringing(two_party.clone())]
    );
    assert!(switch_actions(&fx).contains(&SwitchAction::Hold { call: customer_call(), agent: work(101) }));
    assert_eq!(c.call(&customer_call()).unwrap().agent_leg(work(101)), Some(Leg::Held));
    c.check_invariants().unwrap();

    let fx = c.answer(work(102), None, at(40)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::Talking(two_party.clone())]);
    assert_eq!(events_for(&fx, 101), vec![E::Talking(two_party)]);
    c.check_invariants().unwrap();
}

#[test]
fn confjoin_makes_one_conference_that_goes_on_when_a_party_leaves() {
    let (mut c, _) = consulting(false);
    let fx = c.conference(work(101), &customer_call(), at(50)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::Conference { call: customer_call(), partners: vec![CUSTOMER.into(), "102".into()] }]
    );
    assert_eq!(
        events_for(&fx, 102),
        vec![E::Conference { call: customer_call(), partners: vec![CUSTOMER.into(), "101".into()] }]
    );
    assert_eq!(outcomes(&fx), vec![CallOutcome::Joined { into: customer_call() }]);
    assert!(c.call(&placed(1)).is_none());
    let conference = c.call(&customer_call()).unwrap();
    assert!(conference.parties().iter().all(|p| p.leg == Leg::Connected) && conference.parties().len() == 3);
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    c.check_invariants().unwrap();

    // The helper leaves; the customer and 101 go on.
    let fx = c.release(work(102), at(60)).unwrap();
    assert_eq!(
        events_for(&fx, 102),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]
    );
    assert_eq!(events_for(&fx, 101), vec![E::CustomerRelease { call: customer_call(), number: "102".into() }]);
    assert!(outcomes(&fx).is_empty());
    c.check_invariants().unwrap();

    let fx = c.customer_hung_up(&customer_call(), at(70));
    let ends = ended(&fx);
    assert_eq!(
        ends[0].outcome,
        CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Customer }
    );
    assert_eq!(ends[0].talked, vec![work(101), work(102)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_conference_its_customer_left_is_between_agents_and_cannot_be_transferred() {
    let (mut c, _) = consulting(false);
    c.conference(work(101), &customer_call(), at(50)).unwrap();
    c.customer_hung_up(&customer_call(), at(60));
    let to_skill = TransferRequest {
        target: TransferTarget::Skill(skill(2)),
        mode: TransferMode::Blind,
        caller: None,
        call_data: None,
    };
    let refused = c.transfer(work(101), placed(9), to_skill, at(70)).unwrap_err();
    assert_eq!(refused, Refusal::TransferNotPossible("a call between agents cannot be transferred".into()));
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    c.check_invariants().unwrap();
}

#[test]
fn three_party_help_forms_the_conference_when_the_helper_answers() {
    let (c, fx) = consulting(true);
    let three_party = help_info(CallFeature::ConsultThreeParty);
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::Talking(three_party.clone()),
            E::Conference { call: customer_call(), partners: vec![CUSTOMER.into(), "102".into()] }
        ]
    );
    assert_eq!(
        events_for(&fx, 102),
        vec![
            E::Talking(three_party),
            E::Conference { call: customer_call(), partners: vec![CUSTOMER.into(), "101".into()] }
        ]
    );
    assert_eq!(outcomes(&fx), vec![CallOutcome::Joined { into: customer_call() }]);
    assert_eq!(c.call(&customer_call()).unwrap().parties().len(), 3);
}

#[test]
fn connecthold_leaves_the_customer_with_the_helper() {
    let (mut c, _) = consulting(false);
    let fx = c.connect_held(work(101), &customer_call(), at(50)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(placed(1)),
            E::CustomerRelease { call: placed(1), number: "102".into() },
            E::CallRelease(customer_call()),
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready,
        ]
    );
    assert_eq!(events_for(&fx, 102), vec![E::Talking(info(1))]);
    assert_eq!(outcomes(&fx), vec![CallOutcome::Joined { into: customer_call() }]);
    assert!(switch_actions(&fx).contains(&SwitchAction::Join {
        from: placed(1),
        into: customer_call(),
        leaving: vec![Party::Agent(work(101))]
    }));
    c.check_invariants().unwrap();

    let fx = c.customer_hung_up(&customer_call(), at(70));
    assert_eq!(events_for(&fx, 102), left_alone(customer_call(), CUSTOMER));
    let ends = ended(&fx);
    assert_eq!(ends[0].talked, vec![work(101), work(102)]);
    c.check_invariants().unwrap();
}

#[test]
fn gethold_during_help_ends_the_help_call_and_returns_to_the_customer() {
    let (mut c, _) = consulting(false);
    let fx = c.retrieve(work(101), None, at(50)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(placed(1)),
            E::CustomerRelease { call: placed(1), number: "102".into() },
            E::Talking(info(1))
        ]
    );
    assert_eq!(events_for(&fx, 102), left_alone(placed(1), "101"));
    assert_eq!(c.call(&customer_call()).unwrap().agent_leg(work(101)), Some(Leg::Connected));
    c.check_invariants().unwrap();
}

#[test]
fn a_helper_who_does_not_answer_fails_the_help_and_the_customer_stays_held() {
    let mut c = talking();
    let fx = c.consult(work(101), placed(1), ask(102, false), at(30)).unwrap();
    let (due, timer) = timers(&fx).pop().unwrap();
    let fx = c.fire(timer, due);
    assert_eq!(
        events_for(&fx, 102),
        vec![E::NoAnswer(placed(1)), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert_eq!(events_for(&fx, 101), vec![E::ConsultFail(placed(1))]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    assert_eq!(c.call(&customer_call()).unwrap().agent_leg(work(101)), Some(Leg::Held));
    c.check_invariants().unwrap();
    c.retrieve(work(101), None, at(due.as_millis() + 1)).unwrap();
    c.check_invariants().unwrap();
}

#[test]
fn a_busy_helper_fails_the_help_at_once() {
    let mut c = talking();
    c.set_state(work(102), AgentState::NotReady { reason: 0 }, at(26));
    let fx = c.consult(work(101), placed(1), ask(102, false), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Hold(customer_call()), E::ConsultFail(placed(1))]);
    c.check_invariants().unwrap();
}

#[test]
fn the_customer_hanging_up_during_help_leaves_the_help_call_alone() {
    let (mut c, _) = consulting(false);
    let fx = c.customer_hung_up(&customer_call(), at(50));
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CustomerRelease { call: customer_call(), number: CUSTOMER.into() }, E::CallRelease(customer_call())]
    );
    assert!(events_for(&fx, 102).is_empty());
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: placed(1) });
    assert_eq!(c.conference(work(101), &customer_call(), at(51)).unwrap_err(), Refusal::ConferenceNoHeldCall);
    c.check_invariants().unwrap();
}

#[test]
fn commands_without_the_calls_they_need_are_refused() {
    let mut c = talking();
    c.sign_in(sign_in(103, false), at(26)).unwrap();
    assert_eq!(c.consult(work(103), placed(1), ask(102, false), at(30)).unwrap_err(), Refusal::NoCallToConsult);
    assert_eq!(c.conference(work(101), &customer_call(), at(30)).unwrap_err(), Refusal::ConferenceNoHeldCall);
    assert_eq!(c.connect_held(work(103), &customer_call(), at(30)).unwrap_err(), Refusal::ConnectHoldNoCall);
    let number = ConsultRequest { helper: Callee::Number("555".into()), three_party: false, call_data: String::new() };
    assert!(matches!(c.consult(work(101), placed(1), number, at(30)), Err(Refusal::InvalidParameter(_))));

    // While the helper still rings there is no talking call to join.
    c.consult(work(101), placed(1), ask(102, false), at(30)).unwrap();
    assert_eq!(c.conference(work(101), &customer_call(), at(31)).unwrap_err(), Refusal::ConferenceNoCall);
    assert_eq!(c.connect_held(work(101), &customer_call(), at(31)).unwrap_err(), Refusal::ConnectHoldNoCall);
    c.answer(work(102), None, at(40)).unwrap();
    assert_eq!(c.connect_held(work(101), &placed(9), at(41)).unwrap_err(), Refusal::ConnectHoldNoHeldCall);
    assert_eq!(c.conference(work(102), &customer_call(), at(41)).unwrap_err(), Refusal::ConferenceNoHeldCall);
    c.check_invariants().unwrap();
}

#[test]
fn disconnect_releases_one_party_and_only_the_call_owner_may_release_others() {
    let (mut c, _) = consulting(true);
    assert_eq!(c.disconnect(work(102), "101", at(50)).unwrap_err(), Refusal::PartyNotInCall);
    assert_eq!(c.disconnect(work(101), "999", at(50)).unwrap_err(), Refusal::PartyNotInCall);
    let fx = c.disconnect(work(101), "102", at(50)).unwrap();
    assert_eq!(
        events_for(&fx, 102),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert_eq!(events_for(&fx, 101), vec![E::CustomerRelease { call: customer_call(), number: "102".into() }]);
    c.check_invariants().unwrap();

    // Naming itself by its phone is a release.
    let fx = c.disconnect(work(101), "70101", at(60)).unwrap();
    assert_eq!(events_for(&fx, 101)[0], E::CallRelease(customer_call()));
    assert_eq!(c.disconnect(work(101), "70101", at(61)).unwrap_err(), Refusal::NoCallToRelease);
    c.check_invariants().unwrap();
}

#[test]
fn a_helper_may_not_disconnect_the_agent_who_asked_for_help() {
    let (mut c, _) = consulting(false);
    assert_eq!(c.disconnect(work(102), "101", at(50)).unwrap_err(), Refusal::PartyNotInCall);
    assert_eq!(c.call(&placed(1)).unwrap().parties().len(), 2);
    c.check_invariants().unwrap();
}

#[test]
fn a_helper_leaving_itself_by_disconnect_is_allowed() {
    let (mut c, _) = consulting(true);
    let fx = c.disconnect(work(102), "102", at(50)).unwrap();
    assert_eq!(events_for(&fx, 102)[0], E::CallRelease(customer_call()));
    assert_eq!(c.call(&customer_call()).unwrap().parties().len(), 2);
    c.check_invariants().unwrap();
}
