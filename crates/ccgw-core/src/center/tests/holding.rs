//! Hold and retrieve, a second call behind a held one, mute, digits, dropcall, and
//! parties hanging up across them.

use super::*;
use crate::call::{FailReason, Leg};
use crate::center::{CallRequest, Callee};

const NUMBER: &str = "5551234";

/// Agent 101 (manual answer) talking with customer call 1.
fn talking() -> Center {
    let mut c = center();
    customer_answered_at_101(&mut c);
    c
}

fn leg(c: &Center, call: &CallId) -> Option<Leg> {
    c.call(call).and_then(|call| call.agent_leg(work(101)))
}

#[test]
fn hold_then_retrieve_tells_hold_then_talking() {
    let mut c = talking();
    let fx = c.hold(work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Hold(info(1).call)]);
    assert_eq!(leg(&c, &info(1).call), Some(Leg::Held));
    assert_eq!(c.hold(work(101), at(31)).unwrap_err(), Refusal::HoldNotPossible);
    c.check_invariants().unwrap();
    let fx = c.retrieve(work(101), None, at(40)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Talking(info(1))]);
    assert_eq!(leg(&c, &info(1).call), Some(Leg::Connected));
    assert_eq!(c.retrieve(work(101), None, at(41)).unwrap_err(), Refusal::NoHeldCall);
    c.check_invariants().unwrap();
}

#[test]
fn hold_and_retrieve_without_a_call_are_refused() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(c.hold(work(101), at(1)).unwrap_err(), Refusal::NoCallToHold);
    assert_eq!(c.retrieve(work(101), None, at(1)).unwrap_err(), Refusal::NoHeldCall);
    c.call_arrived(call(1), at(2));
    assert_eq!(c.hold(work(101), at(3)).unwrap_err(), Refusal::NoCallToHold, "a ringing call is no call to hold");
}

#[test]
fn the_customer_hanging_up_while_held_ends_the_call() {
    let mut c = talking();
    c.hold(work(101), at(30)).unwrap();
    let fx = c.customer_hung_up(&info(1).call, at(40));
    assert_eq!(events_for(&fx, 101), left_alone(info(1).call, "13800000000"));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Customer }]
    );
    c.check_invariants().unwrap();
}

#[test]
fn a_second_call_behind_a_held_one_uses_the_off_hook_phone_and_hands_back() {
    let mut c = talking();
    c.hold(work(101), at(30)).unwrap();
    let request =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    let fx = c.place_call(work(101), placed(1), request, at(40)).unwrap();
    assert!(events_for(&fx, 101).is_empty(), "the phone is off-hook already");
    let actions: Vec<&Effect> = fx.iter().filter(|e| matches!(e, Effect::Switch(_))).collect();
    assert!(
        matches!(
            actions[..],
            [Effect::Switch(SwitchAction::Originate { .. }), Effect::Switch(SwitchAction::Dial { .. })]
        ),
        "{actions:?}"
    );
    assert_eq!(c.agent(work(101)).unwrap().held_calls(), &[info(1).call]);
    c.check_invariants().unwrap();
    assert_eq!(c.retrieve(work(101), None, at(41)).unwrap_err(), Refusal::RetrieveNotPossible);

    c.far_end_answered(&placed(1), NUMBER, at(50));
    let fx = c.release(work(101), at(60)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(placed(1)), E::CustomerRelease { call: placed(1), number: NUMBER.into() }],
        "no phone release while a held call waits"
    );
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    c.check_invariants().unwrap();
    let fx = c.retrieve(work(101), Some(&info(1).call), at(70)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Talking(info(1))]);
    c.check_invariants().unwrap();
}

#[test]
fn a_failed_call_behind_a_held_one_returns_to_the_held_call() {
    let mut c = talking();
    c.hold(work(101), at(30)).unwrap();
    let request =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(1), request, at(40)).unwrap();
    let fx = c.far_end_failed(&placed(1), NUMBER, crate::center::DialFailure::Busy, at(50));
    let events = events_for(&fx, 101);
    assert_eq!(events[0], E::CallOutFail(placed(1)), "no phone release while a held call waits: {events:?}");
    assert!(!events.contains(&E::Ready));
    assert_eq!(
        outcomes(&fx),
        vec![CallOutcome::Failed { agent: work(101), reason: FailReason::FarEnd(crate::center::DialFailure::Busy) }]
    );
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    c.check_invariants().unwrap();
}

#[test]
fn dropcall_ends_a_held_call_by_id_and_a_stale_id_is_refused() {
    let mut c = talking();
    c.hold(work(101), at(30)).unwrap();
    let fx = c.drop_call(work(101), &info(1).call, at(40)).unwrap();
    assert_eq!(events_for(&fx, 101)[0], E::CallRelease(info(1).call));
    assert_eq!(outcomes(&fx).len(), 1);
    assert_eq!(c.drop_call(work(101), &info(1).call, at(50)).unwrap_err(), Refusal::NoCallToRelease);
    c.check_invariants().unwrap();
}

#[test]
fn mute_and_unmute_follow_the_call_state() {
    let mut c = talking();
    assert_eq!(c.mute(work(101), false, at(30)).unwrap_err(), Refusal::UnmuteNotPossible);
    let fx = c.mute(work(101), true, at(30)).unwrap();
    assert_eq!(fx, vec![Effect::Switch(SwitchAction::Mute { call: info(1).call, agent: work(101), on: true })]);
    assert_eq!(c.mute(work(101), true, at(31)).unwrap_err(), Refusal::MuteNotPossible);
    assert!(c.mute(work(101), false, at(32)).is_ok());
    let mut idle = center();
    idle.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(idle.mute(work(101), true, at(1)).unwrap_err(), Refusal::NoCallToMute);
    assert_eq!(idle.mute(work(101), false, at(1)).unwrap_err(), Refusal::NoCallToUnmute);
}

#[test]
fn digits_go_to_the_switch_for_a_talking_call_only() {
    let mut c = talking();
    let fx = c.send_digits(work(101), "12#,*", at(30)).unwrap();
    let digits = SwitchAction::Digits { call: info(1).call, agent: work(101), digits: "12#,*".into() };
    assert_eq!(fx, vec![Effect::Switch(digits)]);
    assert!(matches!(c.send_digits(work(101), "12a", at(31)), Err(Refusal::InvalidParameter(_))));
    c.hold(work(101), at(32)).unwrap();
    assert_eq!(c.send_digits(work(101), "1", at(33)).unwrap_err(), Refusal::NoCallForDigits);
}

#[test]
fn forced_sign_out_ends_the_held_and_the_current_call() {
    let mut c = talking();
    c.hold(work(101), at(30)).unwrap();
    let request =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(1), request, at(40)).unwrap();
    c.far_end_answered(&placed(1), NUMBER, at(50));
    let fx = c.sign_out(work(101), SignOut::Forced { reason: 0 }, at(60)).unwrap();
    let mut ended = outcomes(&fx);
    ended.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        ended,
        vec![
            CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::SignOut },
            CallOutcome::Answered { agent: work(101), answered_at: at(50), ended_by: EndedBy::SignOut },
        ]
    );
    assert!(c.calls().next().is_none());
    c.check_invariants().unwrap();
}

#[test]
fn shutdown_ends_every_live_call_with_an_outcome() {
    let mut c = talking();
    c.call_arrived(call(2), at(30));
    let fx = c.shut_down(at(40));
    assert_eq!(
        outcomes(&fx),
        vec![
            CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Shutdown },
            CallOutcome::Shutdown,
        ]
    );
    assert!(c.calls().next().is_none());
}

#[test]
fn closing_tells_each_agent_its_call_ended_signs_every_agent_out_and_takes_no_sign_in() {
    let mut c = talking();
    c.sign_in(sign_in(102, false), at(25)).unwrap();
    c.call_arrived(call(2), at(30));
    let fx = c.close(at(40));
    assert_eq!(
        outcomes(&fx),
        vec![
            CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by: EndedBy::Shutdown },
            CallOutcome::Shutdown,
        ]
    );
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(customer_call()),
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::ShutdownService { login_time: at(0) },
        ]
    );
    assert_eq!(events_for(&fx, 102).last(), Some(&E::ShutdownService { login_time: at(25) }));
    let ended: Vec<WorkNo> = fx
        .iter()
        .filter_map(|effect| match effect {
            Effect::SessionEnded { work_no, .. } => Some(*work_no),
            _ => None,
        })
        .collect();
    assert_eq!(ended, vec![work(101), work(102)]);
    assert!(c.calls().next().is_none());
    assert_eq!(c.sign_in(sign_in(103, false), at(50)).unwrap_err(), Refusal::ShuttingDown);
    c.check_invariants().unwrap();
}
