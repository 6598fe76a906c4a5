//! A switch without some features: the commands needing them are refused
//! `NotOnThisSwitch` before anything changes; everything else works as before.

use super::*;
use crate::center::{
    CallRequest, Callee, SwitchFeature, SwitchFeatures, TransferMode, TransferRequest, TransferTarget,
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
    let cases = [
        (Command::PlaceCall(call_out), SwitchFeature::Placing),
        (Command::Transfer(transfer), SwitchFeature::Joining),
        (Command::Disconnect("5550000".into()), SwitchFeature::Joining),
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
    for (feature, words) in
        [(SwitchFeature::Placing, "call-out"), (SwitchFeature::Joining, "transfer"), (SwitchFeature::Digits, "DTMF")]
    {
        let text = Refusal::NotOnThisSwitch(feature).to_string();
        assert!(text.starts_with("not supported on this switch: "), "{text}");
        assert!(text.contains(words), "{text}");
    }
}
