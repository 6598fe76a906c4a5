//! `Center::apply`: one entry point, the same result as the method it dispatches to.

use super::*;
use crate::agent::Note;
use crate::directory::GroupId;

/// A `new_call_id` that hands out `placed(1)`, `placed(2)`, … and counts its calls.
fn ids() -> (impl FnMut() -> CallId, std::rc::Rc<std::cell::Cell<u64>>) {
    let drawn = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = drawn.clone();
    let next = move || {
        counter.set(counter.get() + 1);
        placed(counter.get())
    };
    (next, drawn)
}

fn no_ids() -> CallId {
    panic!("this command places no call")
}

#[test]
fn applying_answer_has_the_effects_of_calling_answer_and_comes_out_done() {
    let (mut by_method, mut by_command) = (center(), center());
    for c in [&mut by_method, &mut by_command] {
        c.sign_in(sign_in(101, false), at(0)).unwrap();
        c.call_arrived(call(1), at(10));
    }
    let expected = by_method.answer(work(101), None, at(20)).unwrap();
    let (outcome, fx) = by_command.apply(work(101), Command::Answer { call: None }, at(20), &mut no_ids).unwrap();
    assert_eq!(outcome, Outcome::Done);
    assert_eq!(fx, expected);
    assert_eq!(by_command.agent(work(101)).unwrap().state(), by_method.agent(work(101)).unwrap().state());
    by_command.check_invariants().unwrap();
}

#[test]
fn a_placed_call_takes_its_id_from_the_runtime_and_comes_out_as_placed() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let (mut next, drawn) = ids();
    let request =
        CallRequest { callee: Callee::Number("5550000".into()), caller: None, skill: None, call_data: String::new() };
    let (outcome, fx) = c.apply(work(101), Command::PlaceCall(request.clone()), at(10), &mut next).unwrap();
    assert_eq!(outcome, Outcome::Placed(placed(1)));
    assert!(c.call(&placed(1)).is_some());
    assert!(!switch_actions(&fx).is_empty(), "the switch is told to set the call up");

    // Refused (already on a call): an id was drawn, as before, and nothing changed.
    let refused = c.apply(work(101), Command::PlaceCall(request), at(20), &mut next);
    assert!(refused.is_err());
    assert_eq!(drawn.get(), 2);
    assert!(c.call(&placed(2)).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn notes_come_out_as_a_delivery_then_as_the_notes_read() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    let note = Command::SendNote { to: vec![work(102), work(103)], content: "hello".into() };
    let (outcome, fx) = c.apply(work(101), note, at(5), &mut no_ids).unwrap();
    assert_eq!(outcome, Outcome::Delivery(NoteDelivery { delivered: vec![work(102)], not_signed_in: vec![work(103)] }));
    assert_eq!(events_for(&fx, 102), vec![E::Note]);
    let (outcome, fx) = c.apply(work(102), Command::TakeNotes, at(6), &mut no_ids).unwrap();
    let Outcome::Notes(notes) = outcome else { panic!("notes expected, got {outcome:?}") };
    assert_eq!(notes.iter().map(|n| (n.from, n.content.as_str())).collect::<Vec<_>>(), [(Some(work(101)), "hello")]);
    assert!(fx.is_empty());
}

#[test]
fn a_force_logout_without_a_reason_is_reason_zero_and_an_unknown_agent_is_refused() {
    let (mut by_method, mut by_command) = (center(), center());
    for c in [&mut by_method, &mut by_command] {
        c.sign_in(sign_in(101, false), at(0)).unwrap();
    }
    let expected = by_method.sign_out(work(101), SignOut::Forced { reason: 0 }, at(5)).unwrap();
    let (outcome, fx) = by_command.apply(work(101), Command::ForceLogout { reason: None }, at(5), &mut no_ids).unwrap();
    assert_eq!((outcome, fx), (Outcome::Done, expected));
    assert!(by_command.agent(work(101)).is_none());

    let refused = by_command.apply(work(101), Command::Hold, at(6), &mut no_ids);
    assert_eq!(refused, Err(Refusal::NotSignedIn));
}

/// One command of every kind, with data in every field, for the serde round trip.
fn one_of_each_command() -> Vec<Command> {
    let call = || CallId::parse("1700000000-7").unwrap();
    let skill = SkillId::new(3).unwrap();
    vec![
        Command::Logout,
        Command::ForceLogout { reason: Some(4) },
        Command::Answer { call: Some(call()) },
        Command::Release,
        Command::State(StateCommand::SayBusy { reason: 2, prolong: true }),
        Command::State(StateCommand::Rest { length: std::time::Duration::from_secs(300), cause: 1, prolong: false }),
        Command::AutoAnswer(true),
        Command::AutoEnterIdle(false),
        Command::TalkRight(true),
        Command::ResetSkills(vec![SkillGrant { skill, level: SkillLevel::new(10).unwrap() }]),
        Command::SendNote { to: vec![work(102), work(103)], content: "lunch? \"ok\"".into() },
        Command::Bulletin { target: BulletinTarget::Group(GroupId::new(9).unwrap()), content: "drill".into() },
        Command::TakeNotes,
        Command::PlaceCall(CallRequest {
            callee: Callee::Number("5550000".into()),
            caller: Some("4000".into()),
            skill: Some(skill),
            call_data: "ticket=7".into(),
        }),
        Command::Hold,
        Command::Retrieve { call: Some(call()) },
        Command::Mute(true),
        Command::Digits("12#".into()),
        Command::DropCall(call()),
        Command::PhonePickup,
        Command::ReleasePhone,
        Command::Consult(ConsultRequest {
            helper: Callee::Agent(work(102)),
            three_party: true,
            call_data: String::new(),
        }),
        Command::Conference(call()),
        Command::ConnectHeld(call()),
        Command::Disconnect("5550000".into()),
        Command::Transfer(TransferRequest {
            target: TransferTarget::Ivr("4001".into()),
            mode: TransferMode::Suspend,
            caller: None,
            call_data: Some("x=1".into()),
        }),
        Command::CancelTransfer,
        Command::SnatchPickup(work(102)),
        Command::RequestCall { call: call(), queue: QueueChoice::Skill(skill) },
        Command::ConferenceDigits(None),
        Command::SetCallData { call: None, field: CallDataField::Business, value: "{}".into() },
    ]
}

#[test]
fn every_command_and_outcome_survives_a_serde_round_trip() {
    for command in one_of_each_command() {
        let json = serde_json::to_string(&command).unwrap();
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), command, "{json}");
    }
    let notes = vec![Note { from: Some(work(102)), content: "hi".into(), sent_at: at(5) }];
    let delivery = NoteDelivery { delivered: vec![work(101)], not_signed_in: vec![work(104)] };
    for outcome in [Outcome::Done, Outcome::Placed(placed(1)), Outcome::Delivery(delivery), Outcome::Notes(notes)] {
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome, "{json}");
    }
    let refusal = Refusal::AgentNotInVdn(work(7));
    assert_eq!(serde_json::from_str::<Refusal>(&serde_json::to_string(&refusal).unwrap()).unwrap(), refusal);
}

#[test]
fn a_command_from_outside_is_checked_like_input_at_the_edge() {
    // The shape a remote node sends, written out by hand.
    let answer: Command = serde_json::from_str(r#"{"answer":{"call":"1700000000-7"}}"#).unwrap();
    assert_eq!(answer, Command::Answer { call: Some(CallId::parse("1700000000-7").unwrap()) });
    assert_eq!(serde_json::from_str::<Command>(r#""release""#).unwrap(), Command::Release);
    for ill_formed in [
        r#"{"answer":{"call":""}}"#,
        r#"{"answer":{"call":"has space"}}"#,
        r#"{"snatch_pickup":0}"#,
        r#"{"snatch_pickup":1000000}"#,
        r#"{"reset_skills":[{"skill":1,"level":11}]}"#,
        r#"{"bulletin":{"target":{"group":10000},"content":""}}"#,
        r#"{"request_call":{"call":"1-1","queue":{"skill":0}}}"#,
        r#"{"launch_missiles":null}"#,
    ] {
        assert!(serde_json::from_str::<Command>(ill_formed).is_err(), "{ill_formed} was accepted");
    }
}
