//! What agents write on their calls, the last call each remembers, and the counters of
//! `calldata/{agentid}/statistics`.

use super::*;
use crate::agent_stats::AgentStats;
use crate::call::LastCall;
use crate::center::{
    CallDataField, CallRequest, Callee, ConsultRequest, TransferMode, TransferRequest, TransferTarget,
};

const NUMBER: &str = "5551234";

/// Agent 101 (manual answer) talks with customer call 1 since 20 ms; 102 is idle.
fn talking() -> Center {
    let mut c = center();
    customer_answered_at_101(&mut c);
    c.sign_in(sign_in(102, false), at(25)).unwrap();
    c
}

fn call_out(c: &mut Center, n: u32, id: CallId, now: Timestamp) {
    let request =
        CallRequest { callee: Callee::Number(NUMBER.into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(n), id, request, now).unwrap();
}

fn data_of(c: &Center, id: &CallId) -> (String, String) {
    let call = c.call(id).unwrap();
    (call.info().call_data.clone(), call.business_data().to_owned())
}

#[test]
fn an_agent_sets_the_data_of_its_current_call_and_of_a_held_one_by_id() {
    let mut c = talking();
    c.set_call_data(work(101), None, CallDataField::Associated, "ticket=7".into()).unwrap();
    assert_eq!(data_of(&c, &customer_call()), ("ticket=7".into(), String::new()));

    c.hold(work(101), at(30)).unwrap();
    call_out(&mut c, 101, placed(1), at(40));
    let held = customer_call();
    c.set_call_data(work(101), Some(&held), CallDataField::Business, "order 55".into()).unwrap();
    c.set_call_data(work(101), None, CallDataField::Associated, "out".into()).unwrap();
    assert_eq!(data_of(&c, &held), ("ticket=7".into(), "order 55".into()));
    assert_eq!(data_of(&c, &placed(1)).0, "out", "no id: the current call, here the call-out");
    assert_eq!(c.call_at_agent(work(101), Some(&held)).unwrap().id(), &held);
    c.check_invariants().unwrap();
}

#[test]
fn setting_call_data_is_refused_without_such_a_call_at_the_agent_or_without_data() {
    let mut c = talking();
    let set = |c: &mut Center, n: u32, call: Option<&CallId>, value: &str| {
        c.set_call_data(work(n), call, CallDataField::Associated, value.into())
    };
    assert_eq!(set(&mut c, 101, None, ""), Err(Refusal::NoCallDataToSet));
    assert_eq!(set(&mut c, 102, None, "x"), Err(Refusal::NoCallForCallData), "102 is in no call");
    assert_eq!(set(&mut c, 102, Some(&customer_call()), "x"), Err(Refusal::NoCallForCallData), "101's call");
    assert_eq!(set(&mut c, 101, Some(&placed(9)), "x"), Err(Refusal::NoCallForCallData), "no such call");
    assert_eq!(set(&mut c, 999, None, "x"), Err(Refusal::NotSignedIn));
    assert_eq!(c.call_at_agent(work(102), None).unwrap_err(), Refusal::NoCallForCallData);
    assert_eq!(data_of(&c, &customer_call()), (String::new(), String::new()), "nothing changed");
}

#[test]
fn the_data_travels_with_a_blind_transfer_to_the_next_agent() {
    let mut c = talking();
    c.set_call_data(work(101), None, CallDataField::Associated, "ticket=7".into()).unwrap();
    c.set_call_data(work(101), None, CallDataField::Business, "vip".into()).unwrap();
    let request = TransferRequest {
        target: TransferTarget::Agent(work(102)),
        mode: TransferMode::Blind,
        caller: None,
        call_data: None,
    };
    c.transfer(work(101), placed(1), request, at(30)).unwrap();
    c.answer(work(102), None, at(40)).unwrap();
    let at_102 = c.call_at_agent(work(102), None).unwrap();
    assert_eq!((at_102.info().call_data.as_str(), at_102.business_data()), ("ticket=7", "vip"));
    let fx = c.customer_hung_up(&customer_call(), at(50));
    assert_eq!(ended(&fx)[0].call.call_data, "ticket=7", "the record keeps it too");
}

#[test]
fn an_agent_remembers_the_last_call_it_talked_in_but_not_one_it_only_declined() {
    let mut c = talking();
    assert_eq!(c.agent(work(101)).unwrap().last_call(), None);
    c.set_call_data(work(101), None, CallDataField::Associated, "ticket=7".into()).unwrap();
    c.release(work(101), at(30)).unwrap();
    let expected = LastCall {
        id: customer_call(),
        caller: "13800000000".into(),
        called: "4000".into(),
        call_data: "ticket=7".into(),
        media_type: 5,
        skill: skill(1),
        feature: CallFeature::Inbound,
        arrived: at(10),
        left: at(30),
    };
    assert_eq!(c.agent(work(101)).unwrap().last_call(), Some(&expected));

    c.call_arrived(call(2), at(40));
    c.release(work(102), at(41)).unwrap();
    assert_eq!(c.agent(work(102)).unwrap().last_call(), None, "102 declined call 2 and never talked");
    c.answer(work(101), None, at(42)).unwrap();
    let last = c.agent(work(101)).unwrap().last_call().map(|last| &last.id);
    assert_eq!(last, Some(&customer_call()), "a call the agent is in is not its last one yet");
    let fx = c.customer_hung_up(&info(2).call, at(50));
    assert_eq!(events_for(&fx, 101), left_alone(info(2).call, "13800000000"));
    assert_eq!(
        c.agent(work(101)).unwrap().last_call().map(|last| (&last.id, last.left)),
        Some((&info(2).call, at(50)))
    );
}

#[test]
fn connecting_a_held_call_leaves_it_as_the_last_call() {
    let mut c = talking();
    let ask = ConsultRequest { helper: Callee::Agent(work(102)), three_party: false, call_data: String::new() };
    c.consult(work(101), placed(1), ask, at(30)).unwrap();
    c.answer(work(102), None, at(35)).unwrap();
    c.connect_held(work(101), &customer_call(), at(40)).unwrap();
    assert_eq!(c.agent(work(101)).unwrap().last_call().map(|last| &last.id), Some(&customer_call()));
    c.check_invariants().unwrap();
}

#[test]
fn statistics_count_calls_answered_held_placed_and_released_and_the_time_talked() {
    let mut c = talking();
    c.hold(work(101), at(1_020)).unwrap();
    call_out(&mut c, 101, placed(1), at(2_000));
    c.far_end_answered(&placed(1), NUMBER, at(3_000));
    c.drop_call(work(101), &placed(1), at(4_000)).unwrap();
    c.retrieve(work(101), None, at(5_000)).unwrap();
    let internal =
        CallRequest { callee: Callee::Agent(work(102)), caller: None, skill: None, call_data: String::new() };
    assert_eq!(c.place_call(work(101), placed(2), internal, at(5_500)).unwrap_err(), Refusal::StateForbids);
    c.release(work(101), at(10_020)).unwrap();
    let stats = c.agent(work(101)).unwrap().statistics(at(20_000));
    let expected = AgentStats {
        answered: 1,
        called_out: 1,
        holds: 1,
        released: 2,
        talk_time: Duration::from_secs(10),
        ..AgentStats::default()
    };
    assert_eq!(stats, expected);

    let internal =
        CallRequest { callee: Callee::Agent(work(102)), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(3), internal, at(20_000)).unwrap();
    c.phone_off_hook(&placed(3), work(101), at(20_100));
    c.answer(work(102), None, at(21_000)).unwrap();
    let running = c.agent(work(101)).unwrap().statistics(at(22_000));
    assert_eq!((running.internal_calls, running.talk_time), (1, Duration::from_secs(12)), "the current call counts");
    assert_eq!(c.agent(work(102)).unwrap().statistics(at(22_000)).answered, 1);
}

#[test]
fn statistics_count_transfers_both_ways_and_help_requests() {
    let mut c = talking();
    let ask = ConsultRequest { helper: Callee::Agent(work(102)), three_party: false, call_data: String::new() };
    c.consult(work(101), placed(1), ask, at(30)).unwrap();
    c.retrieve(work(101), Some(&customer_call()), at(40)).unwrap();
    let request = TransferRequest {
        target: TransferTarget::Agent(work(102)),
        mode: TransferMode::Blind,
        caller: None,
        call_data: None,
    };
    c.transfer(work(101), placed(2), request, at(50)).unwrap();
    c.answer(work(102), None, at(60)).unwrap();
    let sent = c.agent(work(101)).unwrap().statistics(at(70));
    assert_eq!((sent.help_requests, sent.holds, sent.transfers_made, sent.answered), (1, 1, 1, 1));
    let received = c.agent(work(102)).unwrap().statistics(at(70));
    assert_eq!((received.answered, received.transfers_received), (1, 1));
}

#[test]
fn statistics_count_no_answers_busy_and_rest_with_their_times() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(1_000));
    let (when, timer) = timers(&fx).pop().unwrap();
    c.fire(timer, when);
    // Busy (reason 2) from 21 s; rest of 10 s from 31 s, overrun at 41 s, ended at 46 s.
    let rest = StateCommand::Rest { length: Duration::from_secs(10), cause: 1, prolong: false };
    c.change_state(work(101), rest, at(31_000)).unwrap();
    let fx = c.change_state(work(101), StateCommand::SayBusy { reason: 0, prolong: false }, at(32_000));
    assert_eq!(fx.unwrap_err(), Refusal::StateForbids, "no busy from rest");
    let rest_end = Timer::RestEnd { work_no: work(101), login_time: at(0), ends: at(41_000) };
    assert_eq!(events_for(&c.fire(rest_end, at(41_000)), 101), vec![E::RestTimeout]);
    c.change_state(work(101), StateCommand::CancelRest, at(46_000)).unwrap();
    let stats = c.agent(work(101)).unwrap().statistics(at(50_000));
    let expected = AgentStats {
        not_answered: 1,
        busy_count: 1,
        rests: 1,
        rests_overrun: 1,
        busy_time: Duration::from_secs(10),
        rest_time: Duration::from_secs(15),
        rest_overrun_time: Duration::from_secs(5),
        ..AgentStats::default()
    };
    assert_eq!(stats, expected);
}

#[test]
fn statistics_start_again_at_each_sign_in() {
    let mut c = talking();
    c.release(work(101), at(30)).unwrap();
    c.sign_out(work(101), SignOut::Logout, at(40)).unwrap();
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(50)).unwrap();
    let agent = c.agent(work(101)).unwrap();
    assert_eq!(
        agent.statistics(at(60)),
        AgentStats { busy_count: 1, busy_time: Duration::from_millis(10), ..AgentStats::default() }
    );
    assert_eq!(agent.last_call(), None);
}

#[test]
fn returning_to_busy_or_rest_after_a_call_out_is_not_counted_again() {
    let mut c = center();
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(0)).unwrap();
    call_out(&mut c, 101, placed(1), at(10));
    c.far_end_answered(&placed(1), NUMBER, at(20));
    c.release(work(101), at(30)).unwrap();
    assert!(matches!(c.agent(work(101)).unwrap().state(), AgentState::NotReady { .. }), "busy again");
    assert_eq!(c.agent(work(101)).unwrap().statistics(at(40)).busy_count, 1);

    c.change_state(work(101), StateCommand::CancelBusy, at(40)).unwrap();
    let rest = StateCommand::Rest { length: Duration::from_secs(60), cause: 1, prolong: false };
    c.change_state(work(101), rest, at(50)).unwrap();
    call_out(&mut c, 101, placed(2), at(60));
    c.far_end_answered(&placed(2), NUMBER, at(70));
    c.release(work(101), at(80)).unwrap();
    assert!(matches!(c.agent(work(101)).unwrap().state(), AgentState::Rest { .. }), "back in rest");
    assert_eq!(c.agent(work(101)).unwrap().statistics(at(90)).rests, 1);
}
