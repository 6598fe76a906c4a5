//! `Center::apply`: one entry point, the same result as the method it dispatches to.

use super::*;

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
