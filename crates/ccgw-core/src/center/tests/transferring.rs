//! Transfers (S19) in every mode, their failures, cancelling, and the customer leaving.

use super::*;
use crate::call::{CallState, Leg};
use crate::center::{CallRequest, Callee, DialFailure, TransferMode, TransferRequest, TransferTarget};

const CUSTOMER: &str = "13800000000";
const NUMBER: &str = "5551234";

fn to(target: TransferTarget, mode: TransferMode) -> TransferRequest {
    TransferRequest { target, mode, caller: None, call_data: None }
}

/// The customer call as an agent it was transferred to by 101 sees it.
fn transferred_info() -> CallInfo {
    CallInfo { transferred_from: Some("101".into()), ..info(1) }
}

/// Agent 101 talks with customer call 1; agent 102 (manual answer, skill 2) is idle.
fn talking() -> Center {
    let mut c = center();
    customer_answered_at_101(&mut c);
    c.sign_in(SignIn { profile: profile(102, &[2]), ..sign_in(102, false) }, at(25)).unwrap();
    c
}

fn leg(c: &Center, n: u32) -> Option<Leg> {
    c.call(&customer_call()).and_then(|call| call.agent_leg(work(n)))
}

fn released_after_transfer() -> Vec<E> {
    vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]
}

#[test]
fn blind_transfer_to_a_skill_queues_the_call_there_with_its_data() {
    let mut c = talking();
    let request = TransferRequest {
        call_data: Some("ticket=9".into()),
        ..to(TransferTarget::Skill(skill(2)), TransferMode::Blind)
    };
    let fx = c.transfer(work(101), placed(1), request, at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), released_after_transfer());
    let offered = IncomingCall { skill: skill(2), skill_name: "Skill 2".into(), ..incoming(1, &[]) };
    assert_eq!(
        events_for(&fx, 102),
        vec![
            E::IncomingCallInfo(offered),
            E::Occupied,
            E::PhoneAlerting,
            E::PhoneOffhook,
            E::Ringing(transferred_info())
        ]
    );
    c.check_invariants().unwrap();
    c.answer(work(102), None, at(40)).unwrap();
    let fx = c.customer_hung_up(&customer_call(), at(50));
    let end = &ended(&fx)[0];
    assert_eq!(
        end.outcome,
        CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Customer }
    );
    assert_eq!(end.talked, vec![work(101), work(102)]);
    assert_eq!(end.route, vec![skill(1), skill(2)]);
    assert_eq!(end.call.call_data, "ticket=9");
    c.check_invariants().unwrap();
}

#[test]
fn blind_transfer_to_an_agent_who_does_not_answer_returns_to_the_skill_queue() {
    let mut c = talking();
    let fx =
        c.transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Blind), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), released_after_transfer());
    assert_eq!(events_for(&fx, 102).last(), Some(&E::Ringing(transferred_info())));
    let (due, timer) = timers(&fx).into_iter().find(|(_, t)| matches!(t, Timer::RingTimeout { .. })).unwrap();
    let fx = c.fire(timer, due);
    // Back in skill 1, whose idle agent is 101 again.
    assert_eq!(events_for(&fx, 102)[0], E::NoAnswer(customer_call()));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Ringing(transferred_info())));
    c.check_invariants().unwrap();
}

#[test]
fn success_transfer_to_an_agent_releases_the_agent_when_it_answers() {
    let mut c = talking();
    let fx =
        c.transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Success), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CustomerAlerting { call: customer_call(), other_phone: "102".into() }]);
    assert_eq!(
        events_for(&fx, 102),
        vec![E::Occupied, E::PhoneAlerting, E::PhoneOffhook, E::Ringing(transferred_info())]
    );
    assert_eq!(leg(&c, 101), Some(Leg::Held));
    c.check_invariants().unwrap();

    let fx = c.answer(work(102), None, at(40)).unwrap();
    assert_eq!(events_for(&fx, 102), vec![E::Talking(transferred_info())]);
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(customer_call()),
            E::SuccTransResult { call: customer_call(), ok: true },
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::Ready
        ]
    );
    assert_eq!(c.call(&customer_call()).unwrap().talked(), &[work(101), work(102)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_failed_success_transfer_gives_the_customer_back() {
    let mut c = talking();
    let fx =
        c.transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Success), at(30)).unwrap();
    let (due, timer) = timers(&fx).pop().unwrap();
    let fx = c.fire(timer, due);
    assert_eq!(
        events_for(&fx, 102),
        vec![E::NoAnswer(customer_call()), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::ConnectFail(customer_call()),
            E::SuccTransResult { call: customer_call(), ok: false },
            E::Talking(info(1))
        ]
    );
    assert_eq!(leg(&c, 101), Some(Leg::Connected));
    assert_eq!(c.call(&customer_call()).unwrap().transferred_from(), None);
    c.check_invariants().unwrap();
}

#[test]
fn success_transfer_to_a_skill_rings_its_idle_agent_and_a_decline_fails_it() {
    let mut c = talking();
    c.transfer(work(101), placed(1), to(TransferTarget::Skill(skill(2)), TransferMode::Success), at(30)).unwrap();
    let fx = c.release(work(102), at(35)).unwrap();
    assert_eq!(
        events_for(&fx, 102),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]
    );
    assert_eq!(events_for(&fx, 101)[1], E::SuccTransResult { call: customer_call(), ok: false });
    c.check_invariants().unwrap();
    assert_eq!(
        c.transfer(work(101), placed(1), to(TransferTarget::Skill(skill(3)), TransferMode::Success), at(40))
            .unwrap_err(),
        Refusal::NoIdleAgent
    );
}

#[test]
fn success_transfer_to_a_number_hands_over_when_it_answers() {
    let mut c = talking();
    let fx = c
        .transfer(work(101), placed(1), to(TransferTarget::Number(NUMBER.into()), TransferMode::Success), at(30))
        .unwrap();
    assert!(switch_actions(&fx).contains(&SwitchAction::Dial {
        call: customer_call(),
        number: NUMBER.into(),
        caller: CUSTOMER.into()
    }));
    let fx = c.far_end_alerting(&customer_call(), NUMBER, at(31));
    assert_eq!(events_for(&fx, 101), vec![E::CustomerAlerting { call: customer_call(), other_phone: NUMBER.into() }]);
    let fx = c.far_end_answered(&customer_call(), NUMBER, at(32));
    assert_eq!(
        events_for(&fx, 101)[..2],
        [E::CallRelease(customer_call()), E::SuccTransResult { call: customer_call(), ok: true }]
    );
    c.check_invariants().unwrap();
    // The customer and the number talk on without an agent.
    let fx = c.far_end_hung_up(&customer_call(), NUMBER, at(40));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Customer }]
    );
    assert!(switch_actions(&fx).contains(&SwitchAction::Release { call: customer_call() }));
    c.check_invariants().unwrap();
}

#[test]
fn blind_transfer_to_an_unreachable_number_queues_the_call_again() {
    let mut c = talking();
    let fx = c
        .transfer(work(101), placed(1), to(TransferTarget::Number(NUMBER.into()), TransferMode::Blind), at(30))
        .unwrap();
    assert_eq!(events_for(&fx, 101), released_after_transfer());
    let fx = c.far_end_failed(&customer_call(), NUMBER, DialFailure::Busy, at(31));
    // Skill 1's idle agent is 101; the call still came by its transfer.
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Ringing(transferred_info())));
    c.check_invariants().unwrap();
}

#[test]
fn talk_transfer_connects_the_customer_and_the_number_when_the_agent_hangs_up() {
    let mut c = talking();
    let fx = c
        .transfer(work(101), placed(1), to(TransferTarget::Number(NUMBER.into()), TransferMode::Talk), at(30))
        .unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Hold(customer_call())]);
    assert!(switch_actions(&fx).contains(&SwitchAction::Dial {
        call: placed(1),
        number: NUMBER.into(),
        caller: CUSTOMER.into()
    }));
    c.far_end_answered(&placed(1), NUMBER, at(35));
    let fx = c.release(work(101), at(40)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(placed(1)),
            E::CustomerRelease { call: placed(1), number: NUMBER.into() },
            E::CallRelease(customer_call()),
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready
        ]
    );
    assert_eq!(outcomes(&fx), vec![CallOutcome::Joined { into: customer_call() }]);
    let parties: Vec<Party> = c.call(&customer_call()).unwrap().parties().iter().map(|p| p.party.clone()).collect();
    assert_eq!(parties, vec![Party::Number(CUSTOMER.into()), Party::Number(NUMBER.into())]);
    c.check_invariants().unwrap();
}

/// 101 talk-transferred the customer to NUMBER, which answered, and hung up at 40 ms:
/// the consultation call is joined into the customer's.
fn talk_transfer_completed() -> Center {
    let mut c = talking();
    c.transfer(work(101), placed(1), to(TransferTarget::Number(NUMBER.into()), TransferMode::Talk), at(30)).unwrap();
    c.far_end_answered(&placed(1), NUMBER, at(35));
    c.release(work(101), at(40)).unwrap();
    c
}

#[test]
fn a_hang_up_that_crossed_the_join_reaches_the_call_its_party_was_joined_into() {
    let mut c = talk_transfer_completed();
    // The number hung up in the consultation call before the switch saw the join.
    let fx = c.far_end_hung_up(&placed(1), NUMBER, at(41));
    let ended: Vec<&str> = outcomes(&fx).iter().map(CallOutcome::code).collect();
    assert_eq!(ended, ["answered"], "the customer, left alone, is released");
    assert!(c.call(&customer_call()).is_none());
    c.check_invariants().unwrap();
    // A second report about the same joined call finds nothing more to do.
    assert!(c.customer_hung_up(&placed(1), at(42)).is_empty());
}

#[test]
fn the_switch_ending_a_consultation_that_was_just_joined_releases_its_number_where_it_went() {
    let mut c = talk_transfer_completed();
    // The switch reports the consultation's end (its "customer" being the number).
    let fx = c.customer_hung_up(&placed(1), at(41));
    let ended: Vec<&str> = outcomes(&fx).iter().map(CallOutcome::code).collect();
    assert_eq!(ended, ["answered"], "the number left the customer's call, which then ended");
    assert!(c.call(&customer_call()).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn three_party_transfer_forms_a_conference_the_agent_can_leave() {
    let mut c = talking();
    c.transfer(work(101), placed(1), to(TransferTarget::Number(NUMBER.into()), TransferMode::ThreeParty), at(30))
        .unwrap();
    let fx = c.far_end_answered(&placed(1), NUMBER, at(35));
    assert_eq!(
        events_for(&fx, 101).last(),
        Some(&E::Conference { call: customer_call(), partners: vec![CUSTOMER.into(), NUMBER.into()] })
    );
    let fx = c.release(work(101), at(40)).unwrap();
    assert!(outcomes(&fx).is_empty(), "the customer and the number go on");
    assert_eq!(c.call(&customer_call()).unwrap().parties().len(), 2);
    c.check_invariants().unwrap();
}

#[test]
fn canceltransfer_stops_a_success_transfer_and_ends_a_talk_transfer_call() {
    let mut c = talking();
    c.transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Success), at(30)).unwrap();
    let fx = c.cancel_transfer(work(101), at(35)).unwrap();
    assert_eq!(
        events_for(&fx, 102),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert_eq!(events_for(&fx, 101), vec![E::Talking(info(1))]);
    c.check_invariants().unwrap();

    c.transfer(work(101), placed(2), to(TransferTarget::Number(NUMBER.into()), TransferMode::Talk), at(40)).unwrap();
    c.far_end_answered(&placed(2), NUMBER, at(45));
    let fx = c.cancel_transfer(work(101), at(50)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Talking(info(1))));
    assert!(c.call(&placed(2)).is_none());
    assert_eq!(c.cancel_transfer(work(101), at(51)).unwrap_err(), Refusal::NoTransferToCancel);
    c.check_invariants().unwrap();
}

#[test]
fn the_customer_hanging_up_during_a_success_transfer_frees_the_target() {
    let mut c = talking();
    c.transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Success), at(30)).unwrap();
    let fx = c.customer_hung_up(&customer_call(), at(35));
    assert_eq!(
        events_for(&fx, 102),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert_eq!(events_for(&fx, 101), left_alone(customer_call(), CUSTOMER));
    assert_eq!(outcomes(&fx).len(), 1);
    c.check_invariants().unwrap();
}

#[test]
fn transfers_that_cannot_be_made_are_refused_and_change_nothing() {
    let mut c = talking();
    let agent = |n| to(TransferTarget::Agent(work(n)), TransferMode::Blind);
    assert_eq!(c.transfer(work(102), placed(1), agent(101), at(30)).unwrap_err(), Refusal::NoCallToTransfer);
    assert!(matches!(c.transfer(work(101), placed(1), agent(101), at(30)), Err(Refusal::InvalidParameter(_))));
    assert!(matches!(c.transfer(work(101), placed(1), agent(109), at(30)), Err(Refusal::TransferTargetUnavailable(_))));
    let unknown_skill = to(TransferTarget::Skill(skill(9)), TransferMode::Blind);
    assert!(matches!(c.transfer(work(101), placed(1), unknown_skill, at(30)), Err(Refusal::InvalidParameter(_))));
    let bad_number = to(TransferTarget::Number("12x".into()), TransferMode::Success);
    assert_eq!(c.transfer(work(101), placed(1), bad_number, at(30)).unwrap_err(), Refusal::NumberInvalid);
    let to_skill_talk = to(TransferTarget::Skill(skill(2)), TransferMode::Talk);
    assert!(matches!(c.transfer(work(101), placed(1), to_skill_talk, at(30)), Err(Refusal::InvalidParameter(_))));
    c.set_state(work(102), AgentState::NotReady { reason: 0 }, at(31));
    assert!(matches!(c.transfer(work(101), placed(1), agent(102), at(32)), Err(Refusal::TransferTargetUnavailable(_))));
    assert_eq!(leg(&c, 101), Some(Leg::Connected));
    c.check_invariants().unwrap();

    // A call-out cannot go blind to a number; a call between agents not at all.
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(103, true), at(0)).unwrap();
    let out =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(1), out, at(1)).unwrap();
    c.phone_off_hook(&placed(1), work(101), at(2));
    c.far_end_answered(&placed(1), NUMBER, at(3));
    let blind = to(TransferTarget::Number("5559".into()), TransferMode::Blind);
    assert!(matches!(c.transfer(work(101), placed(2), blind, at(4)), Err(Refusal::TransferNotPossible(_))));
    c.release(work(101), at(5)).unwrap();
    let inner = CallRequest { callee: Callee::Agent(work(103)), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(3), inner, at(6)).unwrap();
    c.phone_off_hook(&placed(3), work(101), at(7));
    let skill_blind = to(TransferTarget::Skill(skill(1)), TransferMode::Blind);
    assert!(matches!(c.transfer(work(101), placed(4), skill_blind, at(8)), Err(Refusal::TransferNotPossible(_))));
    c.check_invariants().unwrap();
}

#[test]
fn a_call_out_transferred_to_a_queue_ends_when_its_far_end_hangs_up_there() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let out =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(1), out, at(1)).unwrap();
    c.phone_off_hook(&placed(1), work(101), at(2));
    c.far_end_answered(&placed(1), NUMBER, at(3));
    // Skill 2 has nobody: the call waits there.
    c.transfer(work(101), placed(2), to(TransferTarget::Skill(skill(2)), TransferMode::Blind), at(4)).unwrap();
    assert_eq!(c.call(&placed(1)).unwrap().state(), &CallState::Queued);
    let fx = c.far_end_hung_up(&placed(1), NUMBER, at(5));
    assert_eq!(outcomes(&fx), vec![CallOutcome::AbandonedInQueue]);
    assert!(c.call(&placed(1)).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn a_blind_transfer_to_an_agent_waits_afresh_in_the_queue_it_falls_back_to() {
    let mut limited = skills();
    limited[0].limits.max_wait = Some(Duration::from_secs(60));
    let mut c = center();
    c.configure_skills(limited);
    customer_answered_at_101(&mut c);
    c.sign_in(SignIn { profile: profile(102, &[2]), ..sign_in(102, false) }, at(25)).unwrap();
    let fx = c
        .transfer(work(101), placed(1), to(TransferTarget::Agent(work(102)), TransferMode::Blind), at(30_000))
        .unwrap();
    let wait = Timer::QueueWait { call: customer_call(), hop: 2 };
    assert!(timers(&fx).contains(&(at(90_000), wait)), "{:?}", timers(&fx));
    // The deadline of the first wait (hop 1, at 60 s) no longer applies.
    c.set_state(work(101), AgentState::NotReady { reason: 0 }, at(30_001));
    let (due, ring) = timers(&fx).into_iter().find(|(_, t)| matches!(t, Timer::RingTimeout { .. })).unwrap();
    c.fire(ring, due);
    assert_eq!(c.call(&customer_call()).unwrap().state(), &CallState::Queued);
    assert!(outcomes(&c.fire(Timer::QueueWait { call: customer_call(), hop: 1 }, at(60_010))).is_empty());
    assert_eq!(
        outcomes(&c.fire(Timer::QueueWait { call: customer_call(), hop: 2 }, at(90_000))),
        vec![CallOutcome::TimedOut]
    );
    c.check_invariants().unwrap();
}
