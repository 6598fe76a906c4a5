//! Taking calls meant for someone else (`snatchpickup`, `requestcall`) and the in-call
//! extras (`thirdPartyConfTransmitNum`, `reportsound`).

use super::*;
use crate::call::CallState;
use crate::center::{CallRequest, Callee, ConsultRequest, QueueChoice};

const CUSTOMER: &str = "13800000000";

fn phone(n: u32) -> PhoneNumber {
    PhoneNumber::parse(&format!("70{n}")).unwrap()
}

/// Agent 101 (manual answer, idle since 0) has customer call 1 ringing; agent 102 (skill
/// 2 only, so the distribution never offers it skill-1 calls) is idle since 5.
fn ringing_at_101() -> Center {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(SignIn { profile: profile(102, &[2]), ..sign_in(102, false) }, at(5)).unwrap();
    c.call_arrived(call(1), at(10));
    c
}

/// What an agent hears when the offer ringing at it is picked up elsewhere, when it goes
/// back to idle.
fn withdrawn(seq: u64) -> Vec<E> {
    vec![E::CallRelease(info(seq).call), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
}

/// What the picking agent hears: the call as offered to the target, answered at once.
fn picked_up(seq: u64, requeued: &[u32]) -> Vec<E> {
    vec![
        E::IncomingCallInfo(incoming(seq, requeued)),
        E::Occupied,
        E::PhoneAlerting,
        E::PhoneOffhook,
        E::Talking(info(seq)),
    ]
}

#[test]
fn pickup_withdraws_the_offer_and_connects_the_picking_agent() {
    let mut c = ringing_at_101();
    let fx = c.snatch_pickup(work(102), work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), picked_up(1, &[]));
    assert_eq!(events_for(&fx, 101), withdrawn(1));
    assert_eq!(c.agent(work(102)).unwrap().statistics(at(30)).answered, 1, "the picking agent answered it");
    assert_eq!(
        switch_actions(&fx),
        vec![
            SwitchAction::Alert { call: info(1).call, agent: work(102), phone: phone(102), auto_answer: true },
            SwitchAction::StopAlerting { call: info(1).call, agent: work(101) },
            SwitchAction::Connect { call: info(1).call, agent: work(102), phone: phone(102) },
        ]
    );
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Idle { since: at(0) }, "no penalty, old place");
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Talking { call: info(1).call });
    assert!(timers(&fx).is_empty(), "the picked-up call rings nowhere");
    c.check_invariants().unwrap();

    // 101's stale ring timeout changes nothing.
    assert!(c.fire(Timer::RingTimeout { call: info(1).call, offer: 1 }, at(20_010)).is_empty());
    let fx = c.release(work(102), at(90)).unwrap();
    let end = ended(&fx).pop().unwrap();
    assert_eq!(end.outcome, CallOutcome::Answered { agent: work(102), answered_at: at(30), ended_by: EndedBy::Agent });
    assert_eq!(end.offered_to, vec![work(101)]);
    assert_eq!(end.talked, vec![work(102)]);
    c.check_invariants().unwrap();
}

#[test]
fn the_target_keeps_its_waiting_request_and_takes_the_next_waiting_call() {
    let mut c = ringing_at_101();
    c.call_arrived(call(2), at(12));
    c.change_state(work(101), StateCommand::Rest { length: Duration::from_secs(60), cause: 1, prolong: false }, at(15))
        .unwrap();
    let fx = c.snatch_pickup(work(102), work(101), at(30)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(info(1).call), E::PhoneRelease(PhoneReleasedBy::Platform), E::SetRest { cause: 1 }]
    );
    c.check_invariants().unwrap();

    // Without a waiting request the next call in the queue is offered to it at once.
    let mut c = ringing_at_101();
    c.call_arrived(call(2), at(12));
    let fx = c.snatch_pickup(work(102), work(101), at(30)).unwrap();
    let mut expected = withdrawn(1);
    expected.extend(ringing_events(2, &[]));
    assert_eq!(events_for(&fx, 101), expected);
    c.check_invariants().unwrap();
}

#[test]
fn a_call_offered_before_is_picked_up_with_its_history() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.sign_in(sign_in(103, false), at(1)).unwrap();
    c.call_arrived(call(1), at(10));
    c.release(work(101), at(11)).unwrap();
    c.sign_in(SignIn { profile: profile(102, &[2]), ..sign_in(102, false) }, at(12)).unwrap();
    let fx = c.snatch_pickup(work(102), work(103), at(30)).unwrap();
    assert_eq!(events_for(&fx, 102), picked_up(1, &[101]));
    assert_eq!(events_for(&fx, 103), withdrawn(1));
    c.check_invariants().unwrap();
}

#[test]
fn pickup_refusals_name_the_reason_and_change_nothing() {
    let mut c = ringing_at_101();
    let other_vdn = AgentProfile { vdn: Vdn::new(2).unwrap(), ..profile(201, &[1]) };
    c.sign_in(SignIn { profile: other_vdn, ..sign_in(201, false) }, at(6)).unwrap();
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(104, false) }, at(7)).unwrap();
    let refused = |c: &mut Center, by: u32, target: u32| c.snatch_pickup(work(by), work(target), at(30)).unwrap_err();
    let not_here = |n: u32| Refusal::InvalidParameter(format!("destWorkNo {n} is not an agent signed in to this VDN"));

    assert_eq!(refused(&mut c, 102, 150), not_here(150), "not signed in");
    assert_eq!(refused(&mut c, 102, 201), not_here(201), "another VDN answers as if unknown");
    assert_eq!(refused(&mut c, 201, 101), not_here(101));
    assert_eq!(
        refused(&mut c, 102, 102),
        Refusal::InvalidParameter("destWorkNo is the agent itself; answer instead".into())
    );
    assert_eq!(refused(&mut c, 104, 101), Refusal::StateForbids, "the picking agent must be idle");
    assert_eq!(refused(&mut c, 101, 102), Refusal::StateForbids, "a ringing agent is not idle");
    assert_eq!(refused(&mut c, 102, 104), Refusal::NoCallToTake("no call rings at agent 104".into()));
    assert_eq!(refused(&mut c, 999, 101), Refusal::NotSignedIn);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Ringing { call: info(1).call, idle_since: at(0) });
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Idle { since: at(5) });
    c.check_invariants().unwrap();

    // An auto-answered call talks already; a call between agents is not a pickup's to take.
    c.sign_in(sign_in(105, true), at(40)).unwrap();
    c.call_arrived(call(2), at(41));
    assert_eq!(refused(&mut c, 102, 105), Refusal::NoCallToTake("no call rings at agent 105".into()));
    c.sign_in(sign_in(106, false), at(42)).unwrap();
    let inside = placed(1);
    let to_106 = CallRequest { callee: Callee::Agent(work(106)), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(102), inside.clone(), to_106, at(43)).unwrap();
    c.phone_off_hook(&inside, work(102), at(44));
    assert!(matches!(c.agent(work(106)).unwrap().state(), AgentState::Ringing { .. }));
    c.sign_in(SignIn { profile: profile(107, &[2]), ..sign_in(107, false) }, at(45)).unwrap();
    assert_eq!(
        refused(&mut c, 107, 106),
        Refusal::NoCallToTake("the call ringing at agent 106 is between agents and cannot be picked up".into())
    );
    c.check_invariants().unwrap();
}

#[test]
fn pickup_racing_an_answer_or_another_pickup_only_one_wins() {
    // The target answers first: the pickup finds nothing ringing.
    let mut c = ringing_at_101();
    c.answer(work(101), None, at(20)).unwrap();
    assert_eq!(
        c.snatch_pickup(work(102), work(101), at(20)).unwrap_err(),
        Refusal::NoCallToTake("no call rings at agent 101".into())
    );
    assert_eq!(c.agent(work(102)).unwrap().state(), &AgentState::Idle { since: at(5) });
    c.check_invariants().unwrap();

    // The pickup comes first: the target's answer finds nothing to answer.
    let mut c = ringing_at_101();
    c.snatch_pickup(work(102), work(101), at(20)).unwrap();
    assert_eq!(c.answer(work(101), None, at(20)).unwrap_err(), Refusal::NoCallToAnswer);
    assert_eq!(c.release(work(101), at(20)).unwrap_err(), Refusal::NoCallToRelease);

    // Two agents pick up the same call: the second is too late.
    let mut c = ringing_at_101();
    c.sign_in(SignIn { profile: profile(103, &[2]), ..sign_in(103, false) }, at(6)).unwrap();
    c.snatch_pickup(work(102), work(101), at(20)).unwrap();
    assert_eq!(
        c.snatch_pickup(work(103), work(101), at(20)).unwrap_err(),
        Refusal::NoCallToTake("no call rings at agent 101".into())
    );
    c.check_invariants().unwrap();

    // The customer gave up first.
    let mut c = ringing_at_101();
    c.customer_hung_up(&info(1).call, at(15));
    assert!(matches!(c.snatch_pickup(work(102), work(101), at(20)), Err(Refusal::NoCallToTake(_))));
}

/// Calls 1 and 2 wait in skill 1 (nobody signed in yet); agent 101 (manual answer)
/// signs in busy.
fn waiting_calls() -> Center {
    let mut c = center();
    c.call_arrived(call(1), at(0));
    c.call_arrived(call(2), at(1));
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(5)).unwrap();
    c
}

#[test]
fn requestcall_offers_the_chosen_call_and_the_agent_returns_to_busy() {
    let mut c = waiting_calls();
    let fx = c.request_call(work(101), &info(2).call, QueueChoice::Skill(skill(1)), at(10)).unwrap();
    assert_eq!(events_for(&fx, 101), ringing_events(2, &[]));
    assert_eq!(timers(&fx), vec![(at(20_010), Timer::RingTimeout { call: info(2).call, offer: 1 })]);
    assert_eq!(c.call(&info(1).call).unwrap().state(), &CallState::Queued, "the head of the queue still waits");
    c.check_invariants().unwrap();

    let fx = c.answer(work(101), None, at(20)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Talking(info(2))));
    let fx = c.release(work(101), at(30)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(info(2).call),
            E::CustomerRelease { call: info(2).call, number: CUSTOMER.into() },
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::NotReady { reason: 0 },
        ]
    );
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason: 0 });
    c.check_invariants().unwrap();
}

#[test]
fn requestcall_follows_auto_answer_and_an_unanswered_request_goes_back_to_its_place() {
    let mut c = center();
    c.call_arrived(call(1), at(0));
    c.sign_in(SignIn { initial: InitialState::Work, ..sign_in(101, true) }, at(5)).unwrap();
    let fx = c.request_call(work(101), &info(1).call, QueueChoice::Any, at(10)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::IncomingCallInfo(incoming(1, &[])),
            E::Occupied,
            E::PhoneAlerting,
            E::PhoneOffhook,
            E::AutoAnswer(info(1)),
            E::Talking(info(1)),
        ]
    );
    c.check_invariants().unwrap();

    let mut c = waiting_calls();
    let fx = c.request_call(work(101), &info(2).call, QueueChoice::Any, at(10)).unwrap();
    let (when, timer) = timers(&fx).pop().unwrap();
    let fx = c.fire(timer, when);
    assert_eq!(
        events_for(&fx, 101),
        vec![E::NoAnswer(info(2).call), E::PhoneRelease(PhoneReleasedBy::Platform), E::NotReady { reason: 2 }]
    );
    assert_eq!(c.call(&info(2).call).unwrap().state(), &CallState::Queued);
    assert_eq!(c.call(&info(2).call).unwrap().offered_to(), &[work(101)]);
    c.check_invariants().unwrap();
}

#[test]
fn requestcall_refusals_change_nothing() {
    let mut c = waiting_calls();
    let mut both_vdns = skills();
    both_vdns.push(SkillProfile::new(Vdn::new(2).unwrap(), skill(1), "Far"));
    c.configure_skills(both_vdns);
    c.call_arrived(NewCall { skill: skill(3), ..call(3) }, at(2));
    let other_vdn = NewCall { vdn: Vdn::new(2).unwrap(), ..call(4) };
    c.call_arrived(other_vdn, at(3));
    assert_eq!(c.call(&info(4).call).unwrap().state(), &CallState::Queued, "waits in VDN 2");
    let mut refused = |by: u32, seq: u64, queue: QueueChoice| {
        c.request_call(work(by), &CallId::compose(1_700_000_000, seq), queue, at(10)).unwrap_err()
    };
    let not_waiting = |seq: u64| Refusal::NoCallToTake(format!("call {} is not waiting in a queue", info(seq).call));
    assert_eq!(
        refused(101, 1, QueueChoice::Skill(skill(2))),
        Refusal::NoCallToTake(format!("call {} waits in skill queue 1, not 2", info(1).call))
    );
    assert_eq!(
        refused(101, 3, QueueChoice::Any),
        Refusal::InvalidParameter("the agent does not serve skill queue 3".into())
    );
    assert_eq!(refused(101, 9, QueueChoice::Any), not_waiting(9), "unknown call");
    assert_eq!(refused(101, 4, QueueChoice::Any), not_waiting(4), "another VDN's call");
    assert_eq!(refused(150, 1, QueueChoice::Any), Refusal::NotSignedIn);
    assert_eq!(c.call(&info(1).call).unwrap().state(), &CallState::Queued);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason: 0 });

    // A call already ringing, answered or abandoned has left the queue.
    c.request_call(work(101), &info(1).call, QueueChoice::Any, at(11)).unwrap();
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(102, false) }, at(12)).unwrap();
    assert_eq!(c.request_call(work(102), &info(1).call, QueueChoice::Any, at(13)).unwrap_err(), not_waiting(1));
    assert_eq!(
        c.request_call(work(101), &info(2).call, QueueChoice::Any, at(13)).unwrap_err(),
        Refusal::StateForbids,
        "a ringing agent asks for nothing more"
    );
    c.customer_hung_up(&info(2).call, at(14));
    assert_eq!(c.request_call(work(102), &info(2).call, QueueChoice::Any, at(15)).unwrap_err(), not_waiting(2));
    c.check_invariants().unwrap();
}

/// Agent 101 talks with customer call 1 and has agent 102 join it as a third party.
fn conference() -> Center {
    let mut c = center();
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    c.sign_in(sign_in(102, true), at(20)).unwrap();
    let ask = ConsultRequest { helper: Callee::Agent(work(102)), three_party: true, call_data: String::new() };
    c.consult(work(101), placed(1), ask, at(30)).unwrap();
    assert_eq!(c.call(&info(1).call).unwrap().parties().len(), 3);
    c
}

#[test]
fn conference_digits_go_to_the_switch_from_any_agent_of_a_three_party_call() {
    let mut c = conference();
    let fx = c.conference_digits(work(102), Some("12#"), at(40)).unwrap();
    assert_eq!(
        fx,
        vec![Effect::Switch(SwitchAction::Digits { call: info(1).call, agent: work(102), digits: "12#".into() })]
    );
    assert_eq!(c.conference_digits(work(101), None, at(41)).unwrap(), Effects::new(), "only the check");
    let bad = Refusal::InvalidParameter(format!("digits must be 1-{MAX_DIGITS} of 0-9 * # ,"));
    assert_eq!(c.conference_digits(work(101), Some("12a"), at(42)).unwrap_err(), bad);

    // Two parties are no conference; neither is holding one.
    c.hold(work(101), at(43)).unwrap();
    assert_eq!(c.conference_digits(work(101), Some("1"), at(44)).unwrap_err(), Refusal::ConferenceNoCall);
    c.retrieve(work(101), None, at(45)).unwrap();
    c.release(work(102), at(46)).unwrap();
    assert_eq!(c.conference_digits(work(101), Some("1"), at(47)).unwrap_err(), Refusal::ConferenceNoCall);
    assert_eq!(c.conference_digits(work(102), None, at(48)).unwrap_err(), Refusal::ConferenceNoCall);
    assert_eq!(c.conference_digits(work(102), Some(""), at(48)).unwrap_err(), bad, "parameters first");
    assert_eq!(c.conference_digits(work(150), None, at(49)).unwrap_err(), Refusal::NotSignedIn);
}

#[test]
fn a_sound_report_needs_a_call_the_agent_talks_in() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    assert_eq!(c.sound_report_call(work(101)).unwrap_err(), Refusal::NoCallToReportSound);
    c.call_arrived(call(1), at(10));
    assert_eq!(c.sound_report_call(work(101)).unwrap_err(), Refusal::NoCallToReportSound, "ringing");
    c.answer(work(101), None, at(20)).unwrap();
    assert_eq!(c.sound_report_call(work(101)), Ok(info(1).call));
    c.hold(work(101), at(30)).unwrap();
    assert_eq!(c.sound_report_call(work(101)).unwrap_err(), Refusal::NoCallToReportSound, "held");
    assert_eq!(c.sound_report_call(work(150)).unwrap_err(), Refusal::NotSignedIn);
    assert_eq!(Refusal::NoCallToReportSound.retcode().code, "200-009");
    assert_eq!(Refusal::NoCallToTake(String::new()).retcode().code, "200-002");
}
