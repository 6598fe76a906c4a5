//! A switch without some features: the commands needing them are refused
//! `NotOnThisSwitch` before anything changes; everything else works as before.

use super::*;
use crate::center::{
    CallRequest, Callee, ConsultRequest, SwitchFeature, SwitchFeatures, TransferMode, TransferRequest, TransferTarget,
};

fn no_ids() -> CallId {
    panic!("a refused command draws no call id")
}

/// 101 talking with customer call 1 on a switch that can only offer and bridge.
fn talking_on_a_bare_switch() -> Center {
    let mut c = center_with(CenterSettings { switch_features: SwitchFeatures::NONE, ..CenterSettings::default() });
    customer_answered_at_101(&mut c);
    c
}

#[test]
fn commands_the_switch_cannot_carry_are_refused_and_change_nothing() {
    let mut c = talking_on_a_bare_switch();
    let before = c.agent(work(101)).unwrap().state().clone();
    let call_out =
        CallRequest { callee: Callee::Number("5550000".into()), caller: None, skill: None, call_data: String::new() };
    let transfer = TransferRequest {
        target: TransferTarget::Agent(work(102)),
        mode: TransferMode::Blind,
        caller: None,
        call_data: None,
    };
    let internal = CallRequest { callee: Callee::Agent(work(102)), ..call_out.clone() };
    let to_a_number = TransferRequest {
        target: TransferTarget::Number("5550000".into()),
        mode: TransferMode::Blind,
        caller: None,
        call_data: None,
    };
    let cases = [
        (Command::PlaceCall(call_out), SwitchFeature::CallOut),
        (Command::PlaceCall(internal), SwitchFeature::InternalCalls),
        (Command::Transfer(transfer), SwitchFeature::TransferToAgents),
        (Command::Transfer(to_a_number), SwitchFeature::TransferToNumbers),
        (Command::Digits("123".into()), SwitchFeature::Digits),
    ];
    for (command, missing) in cases {
        let refused = c.apply(work(101), command, at(30), &mut no_ids);
        assert_eq!(refused, Err(Refusal::NotOnThisSwitch(missing)));
    }
    assert_eq!(c.agent(work(101)).unwrap().state(), &before);
    assert!(c.call(&info(1).call).is_some());
    c.check_invariants().unwrap();
}

#[test]
fn the_rest_still_works_on_such_a_switch() {
    let mut c = talking_on_a_bare_switch();
    let (outcome, fx) = c.apply(work(101), Command::Hold, at(30), &mut no_ids).unwrap();
    assert_eq!(outcome, Outcome::Done);
    assert!(!switch_actions(&fx).is_empty(), "hold is the switch's to carry");
    c.check_invariants().unwrap();
}

#[test]
fn every_feature_names_what_it_refuses() {
    for (feature, words) in [
        (SwitchFeature::CallOut, "call-out"),
        (SwitchFeature::InternalCalls, "internal"),
        (SwitchFeature::SecondCalls, "consultation"),
        (SwitchFeature::TransferToAgents, "transfer to an agent"),
        (SwitchFeature::ConnectingHeld, "connecting a held call"),
        (SwitchFeature::TransferToNumbers, "transfer to a number"),
        (SwitchFeature::Joining, "conference"),
        (SwitchFeature::Digits, "DTMF"),
    ] {
        let text = Refusal::NotOnThisSwitch(feature).to_string();
        assert!(text.starts_with("not supported on this switch: "), "{text}");
        assert!(text.contains(words), "{text}");
    }
}

fn call_out_to(number: &str) -> Command {
    Command::PlaceCall(CallRequest {
        callee: Callee::Number(number.into()),
        caller: None,
        skill: None,
        call_data: String::new(),
    })
}

/// A switch that dials out but cannot give an agent a second call (the SIP switch).
fn call_out_only() -> CenterSettings {
    CenterSettings {
        switch_features: SwitchFeatures { call_out: true, digits: true, ..SwitchFeatures::NONE },
        ..CenterSettings::default()
    }
}

#[test]
fn a_switch_that_dials_out_takes_a_call_out_from_a_free_phone() {
    let mut c = center_with(call_out_only());
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let mut ids = || placed(1);
    let (_, fx) = c.apply(work(101), call_out_to("5550000"), at(10), &mut ids).unwrap();
    let off_hook = switch_actions(&fx).into_iter().any(|action| matches!(action, SwitchAction::OffHook { .. }));
    assert!(off_hook, "the placer's phone is taken off-hook first: {fx:?}");
    c.check_invariants().unwrap();
}

#[test]
fn a_call_out_during_a_held_call_needs_second_calls_and_changes_nothing() {
    let mut c = center_with(call_out_only());
    customer_answered_at_101(&mut c);
    c.apply(work(101), Command::Hold, at(30), &mut no_ids).unwrap();
    let before = c.agent(work(101)).unwrap().state().clone();
    let mut ids = || placed(1);
    let refused = c.apply(work(101), call_out_to("5550000"), at(40), &mut ids);
    assert_eq!(refused, Err(Refusal::NotOnThisSwitch(SwitchFeature::SecondCalls)));
    assert_eq!(c.agent(work(101)).unwrap().state(), &before);
    assert_eq!(c.calls().count(), 1, "no call was opened");
    c.check_invariants().unwrap();
}

/// A switch that gives an agent a second call and connects a held call with a helper
/// agent, but neither mixes conferences nor moves numbers between calls (the SIP switch).
fn consulting_switch() -> Center {
    let features = SwitchFeatures {
        call_out: true,
        internal_calls: true,
        second_calls: true,
        connecting_held: true,
        ..SwitchFeatures::NONE
    };
    let mut c = center_with(CenterSettings { switch_features: features, ..CenterSettings::default() });
    customer_answered_at_101(&mut c);
    c.sign_in(sign_in(102, false), at(25)).unwrap();
    c
}

fn consult_102(three_party: bool) -> Command {
    Command::Consult(ConsultRequest { helper: Callee::Agent(work(102)), three_party, call_data: String::new() })
}

#[test]
fn two_party_help_then_connecthold_hands_the_customer_to_the_helper_on_such_a_switch() {
    let mut c = consulting_switch();
    let mut ids = || placed(1);
    c.apply(work(101), consult_102(false), at(30), &mut ids).unwrap();
    c.answer(work(102), None, at(40)).unwrap();
    let (_, fx) = c.apply(work(101), Command::ConnectHeld(customer_call()), at(50), &mut no_ids).unwrap();
    let join = SwitchAction::Join { from: placed(1), into: customer_call(), leaving: vec![Party::Agent(work(101))] };
    assert!(switch_actions(&fx).contains(&join), "{fx:?}");
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    c.check_invariants().unwrap();
}

#[test]
fn three_party_help_needs_joining_and_connecting_a_held_call_with_a_number_transfers_to_numbers() {
    let mut c = consulting_switch();
    let mut ids = || placed(1);
    let refused = c.apply(work(101), consult_102(true), at(30), &mut ids);
    assert_eq!(refused, Err(Refusal::NotOnThisSwitch(SwitchFeature::Joining)));
    c.apply(work(101), Command::Hold, at(31), &mut no_ids).unwrap();
    c.apply(work(101), call_out_to("5550000"), at(32), &mut ids).unwrap();
    c.far_end_answered(&placed(1), "5550000", at(33));
    let before = c.agent(work(101)).unwrap().state().clone();
    let refused = c.apply(work(101), Command::ConnectHeld(customer_call()), at(40), &mut no_ids);
    assert_eq!(refused, Err(Refusal::NotOnThisSwitch(SwitchFeature::TransferToNumbers)));
    assert_eq!(c.agent(work(101)).unwrap().state(), &before);
    assert_eq!(c.calls().count(), 2, "both calls go on");
    c.check_invariants().unwrap();
}
