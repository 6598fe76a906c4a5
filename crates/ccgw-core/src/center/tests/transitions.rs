//! Every agent state × every state command, with the expected retcode, state and events
//! written out by hand (not derived from `TRANSITIONS`).

use super::*;
use crate::agent::{Pending, StateKind};

const NOW: u64 = 100_000;
const REST_LENGTH: Duration = Duration::from_secs(60);

/// Puts agent 101 into `state` and returns the center.
fn agent_in(state: StateKind) -> Center {
    let mut c = center();
    let initial = match state {
        StateKind::Busy => InitialState::Busy,
        StateKind::WrapUp => InitialState::Work,
        _ => InitialState::Idle,
    };
    let auto_answer = state == StateKind::Talking;
    c.sign_in(SignIn { initial, ..sign_in(101, auto_answer) }, at(0)).unwrap();
    match state {
        StateKind::Rest => {
            c.change_state(work(101), StateCommand::Rest { length: REST_LENGTH, cause: 3, prolong: false }, at(10))
                .unwrap();
        }
        StateKind::Ringing | StateKind::Talking => {
            c.call_arrived(call(1), at(10));
        }
        _ => {}
    }
    assert_eq!(c.agent(work(101)).unwrap().state().kind(), state, "fixture");
    c
}

fn command(kind: CommandKind) -> StateCommand {
    match kind {
        CommandKind::SayBusy => StateCommand::SayBusy { reason: 201, prolong: false },
        CommandKind::CancelBusy => StateCommand::CancelBusy,
        CommandKind::SayFree => StateCommand::SayFree,
        CommandKind::Rest => StateCommand::Rest { length: REST_LENGTH, cause: 5, prolong: false },
        CommandKind::CancelRest => StateCommand::CancelRest,
        CommandKind::Work => StateCommand::Work,
        CommandKind::CancelWork => StateCommand::CancelWork,
    }
}

/// What a cell must do.
#[derive(Debug)]
enum Expect {
    Refused,
    /// Accepted: the events, the state afterwards and the request left waiting.
    Ok(Vec<E>, AgentState, Option<Pending>),
}

fn idle_now() -> AgentState {
    AgentState::Idle { since: at(NOW) }
}

fn rest(cause: u8) -> AgentState {
    AgentState::Rest { cause, ends: at(NOW).plus(REST_LENGTH), overdue: false }
}

fn expected(state: StateKind, command: CommandKind) -> Expect {
    use CommandKind as C;
    use Expect::{Ok, Refused};
    use StateKind as S;
    let busy_201 = Some(Pending::Busy { reason: 201, resumed: false });
    let rest_5 = Some(Pending::Rest { length: REST_LENGTH, cause: 5, resumed: false });
    let ringing = AgentState::Ringing { call: info(1).call, idle_since: at(0) };
    let talking = AgentState::Talking { call: info(1).call };
    let wrap_up = AgentState::WrapUp { ends: None };
    match (state, command) {
        (S::Idle, C::SayBusy) => Ok(vec![E::NotReady { reason: 201 }], AgentState::NotReady { reason: 201 }, None),
        (S::Idle, C::CancelBusy) => Refused,
        (S::Idle, C::SayFree) => Ok(vec![], AgentState::Idle { since: at(0) }, None),
        (S::Idle, C::Rest) => Ok(vec![E::SetRest { cause: 5 }], rest(5), None),
        (S::Idle, C::CancelRest) => Refused,
        (S::Idle, C::Work) => Ok(vec![E::SetWork], wrap_up, None),
        (S::Idle, C::CancelWork) => Refused,

        (S::Busy, C::SayBusy) => Refused, // without prolong=true
        (S::Busy, C::CancelBusy) => Ok(vec![E::CancelNotReady, E::Ready], idle_now(), None),
        (S::Busy, C::SayFree) => Ok(vec![E::CancelNotReady, E::Ready], idle_now(), None),
        (S::Busy, C::Rest) => Ok(vec![E::SetRest { cause: 5 }], rest(5), None),
        (S::Busy, C::CancelRest) => Refused,
        (S::Busy, C::Work) => Ok(vec![E::SetWork], wrap_up, None),
        (S::Busy, C::CancelWork) => Refused,

        (S::Rest, C::SayBusy) => Refused,
        (S::Rest, C::CancelBusy) => Refused,
        (S::Rest, C::SayFree) => Ok(vec![E::CancelRest, E::Ready], idle_now(), None),
        (S::Rest, C::Rest) => Refused, // without prolong=true
        (S::Rest, C::CancelRest) => Ok(vec![E::CancelRest, E::Ready], idle_now(), None),
        (S::Rest, C::Work) => Refused,
        (S::Rest, C::CancelWork) => Refused,

        (S::WrapUp, C::SayBusy) => Ok(vec![], wrap_up, busy_201),
        (S::WrapUp, C::CancelBusy) => Refused, // nothing waits
        (S::WrapUp, C::SayFree) => Ok(vec![E::CancelWork, E::Ready], idle_now(), None),
        (S::WrapUp, C::Rest) => Ok(vec![], wrap_up, rest_5),
        (S::WrapUp, C::CancelRest) => Refused,
        (S::WrapUp, C::Work) => Refused,
        (S::WrapUp, C::CancelWork) => Ok(vec![E::CancelWork, E::Ready], idle_now(), None),

        (S::Ringing, C::SayBusy) => Ok(vec![], ringing, busy_201),
        (S::Ringing, C::CancelBusy) => Refused,
        (S::Ringing, C::SayFree) => Ok(vec![], ringing, None),
        (S::Ringing, C::Rest) => Ok(vec![], ringing, rest_5),
        (S::Ringing, C::CancelRest) => Refused,
        (S::Ringing, C::Work) => Ok(vec![], ringing, Some(Pending::Work)),
        (S::Ringing, C::CancelWork) => Refused,

        (S::Talking, C::SayBusy) => Ok(vec![], talking, busy_201),
        (S::Talking, C::CancelBusy) => Refused,
        (S::Talking, C::SayFree) => Ok(vec![], talking, None),
        (S::Talking, C::Rest) => Ok(vec![], talking, rest_5),
        (S::Talking, C::CancelRest) => Refused,
        (S::Talking, C::Work) => Ok(vec![], talking, Some(Pending::Work)),
        (S::Talking, C::CancelWork) => Refused,
    }
}

#[test]
fn every_state_and_command_has_the_written_out_outcome() {
    for state in StateKind::ALL {
        for kind in CommandKind::ALL {
            let mut c = agent_in(state);
            let got = c.change_state(work(101), command(kind), at(NOW));
            let agent = c.agent(work(101)).unwrap();
            match expected(state, kind) {
                Expect::Refused => {
                    assert_eq!(got.as_ref().err(), Some(&Refusal::StateForbids), "{state:?} × {kind:?}");
                    assert_eq!(agent.state().kind(), state, "{state:?} × {kind:?}: a refusal changes nothing");
                }
                Expect::Ok(events, after, pending) => {
                    let fx = got.unwrap_or_else(|e| panic!("{state:?} × {kind:?} refused: {e}"));
                    assert_eq!(events_for(&fx, 101), events, "{state:?} × {kind:?}: events");
                    assert_eq!(agent.state(), &after, "{state:?} × {kind:?}: state");
                    assert_eq!(agent.pending(), pending, "{state:?} × {kind:?}: waiting request");
                }
            }
            c.check_invariants().unwrap();
        }
    }
}

#[test]
fn a_signed_out_agent_is_told_so_for_every_command() {
    let mut c = center();
    for kind in CommandKind::ALL {
        assert_eq!(c.change_state(work(101), command(kind), at(0)).unwrap_err(), Refusal::NotSignedIn);
    }
}

#[test]
fn busy_takes_a_new_reason_only_with_prolong_and_a_reason() {
    let mut c = agent_in(StateKind::Busy);
    let no_reason = StateCommand::SayBusy { reason: 0, prolong: true };
    assert_eq!(c.change_state(work(101), no_reason, at(NOW)).unwrap_err(), Refusal::StateForbids);
    let fx = c.change_state(work(101), StateCommand::SayBusy { reason: 230, prolong: true }, at(NOW)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::NotReady { reason: 230 }]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::NotReady { reason: 230 });
}

#[test]
fn rest_with_prolong_starts_a_new_period_and_the_old_timer_is_stale() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    let fx = c.change_state(work(101), StateCommand::Rest { length: REST_LENGTH, cause: 3, prolong: false }, at(0));
    let (first_at, first) = timers(&fx.unwrap()).pop().unwrap();
    let longer = StateCommand::Rest { length: Duration::from_secs(120), cause: 7, prolong: true };
    let fx = c.change_state(work(101), longer, at(30_000)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::SetRest { cause: 7 }]);
    let (second_at, second) = timers(&fx).pop().unwrap();
    assert_eq!(second_at, at(150_000));
    assert!(events_for(&c.fire(first, first_at), 101).is_empty(), "the replaced period's timer is stale");
    assert_eq!(events_for(&c.fire(second.clone(), second_at), 101), vec![E::RestTimeout]);
    let agent = c.agent(work(101)).unwrap();
    assert_eq!(agent.state(), &AgentState::Rest { cause: 7, ends: at(150_000), overdue: true });
    assert!(c.fire(second, second_at).is_empty(), "the reminder comes once");
    let fx = c.change_state(work(101), StateCommand::CancelRest, at(200_000)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CancelRest, E::Ready]);
}

#[test]
fn requests_during_a_call_take_effect_when_it_ends() {
    // pre-busy: the busy reason arrives after the call.
    let mut c = agent_in(StateKind::Talking);
    c.change_state(work(101), StateCommand::SayBusy { reason: 205, prolong: false }, at(20)).unwrap();
    let fx = c.release(work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::NotReady { reason: 205 }));
    assert_eq!(c.agent(work(101)).unwrap().pending(), None);

    // pre-rest: state code 9 during the call, rest after it.
    let mut c = agent_in(StateKind::Talking);
    c.change_state(work(101), StateCommand::Rest { length: REST_LENGTH, cause: 4, prolong: false }, at(20)).unwrap();
    let agent = c.agent(work(101)).unwrap();
    assert_eq!(crate::catalog::state_code::agent_state_code(agent.state(), agent.pending()), 9);
    let fx = c.customer_hung_up(&info(1).call, at(40));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::SetRest { cause: 4 }));
    let agent = c.agent(work(101)).unwrap();
    assert_eq!(agent.state(), &AgentState::Rest { cause: 4, ends: at(40).plus(REST_LENGTH), overdue: false });
    assert_eq!(crate::catalog::state_code::agent_state_code(agent.state(), agent.pending()), 8);

    // work during a call: wrap-up after it even with autoenteridle on.
    let mut c = agent_in(StateKind::Talking);
    c.change_state(work(101), StateCommand::Work, at(20)).unwrap();
    let fx = c.release(work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::SetWork));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::WrapUp { ends: None });

    // sayfree withdraws what waits.
    let mut c = agent_in(StateKind::Talking);
    c.change_state(work(101), StateCommand::SayBusy { reason: 205, prolong: false }, at(20)).unwrap();
    c.change_state(work(101), StateCommand::SayFree, at(21)).unwrap();
    let fx = c.release(work(101), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Ready));
}

#[test]
fn a_newer_request_replaces_the_waiting_one_and_cancel_withdraws_only_its_own_kind() {
    let mut c = agent_in(StateKind::Talking);
    c.change_state(work(101), StateCommand::SayBusy { reason: 205, prolong: false }, at(20)).unwrap();
    c.change_state(work(101), StateCommand::Rest { length: REST_LENGTH, cause: 2, prolong: false }, at(21)).unwrap();
    assert_eq!(c.change_state(work(101), StateCommand::CancelBusy, at(22)).unwrap_err(), Refusal::StateForbids);
    c.change_state(work(101), StateCommand::CancelRest, at(23)).unwrap();
    assert_eq!(c.agent(work(101)).unwrap().pending(), None);
    assert_eq!(c.change_state(work(101), StateCommand::CancelRest, at(24)).unwrap_err(), Refusal::StateForbids);
}

#[test]
fn wrap_up_keeps_a_waiting_request_until_it_ends() {
    let settings = CenterSettings { wrap_up: Some(Duration::from_secs(10)), ..CenterSettings::default() };
    let mut c = center_with(settings);
    c.sign_in(SignIn { auto_enter_idle: false, ..sign_in(101, true) }, at(0)).unwrap();
    c.call_arrived(call(1), at(1));
    c.change_state(work(101), StateCommand::SayBusy { reason: 210, prolong: false }, at(2)).unwrap();
    let fx = c.release(work(101), at(3)).unwrap();
    assert_eq!(events_for(&fx, 101).last(), Some(&E::Work), "wrap-up first");
    let (when, timer) = timers(&fx).pop().unwrap();
    assert_eq!(events_for(&c.fire(timer, when), 101), vec![E::NotReady { reason: 210 }]);

    // cancelwork applies what waits, sayfree drops it.
    let mut c = agent_in(StateKind::WrapUp);
    c.change_state(work(101), StateCommand::SayBusy { reason: 211, prolong: false }, at(NOW)).unwrap();
    let fx = c.change_state(work(101), StateCommand::CancelWork, at(NOW)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CancelWork, E::NotReady { reason: 211 }]);
    let mut c = agent_in(StateKind::WrapUp);
    c.change_state(work(101), StateCommand::SayBusy { reason: 211, prolong: false }, at(NOW)).unwrap();
    let fx = c.change_state(work(101), StateCommand::SayFree, at(NOW)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CancelWork, E::Ready]);
}

#[test]
fn the_wrap_up_time_comes_from_the_skill_then_the_agent_then_the_center() {
    let settings = CenterSettings { wrap_up: Some(Duration::from_secs(50)), ..CenterSettings::default() };
    let wrap_up_after_call = |skill_wrap: Option<u64>, agent_wrap: Option<u64>| {
        let mut c = center_with(settings.clone());
        let mut skills = skills();
        skills[0].wrap_up = skill_wrap.map(Duration::from_secs);
        c.configure_skills(skills);
        let mut request = SignIn { auto_enter_idle: false, ..sign_in(101, true) };
        request.profile.wrap_up = agent_wrap.map(Duration::from_secs);
        c.sign_in(request, at(0)).unwrap();
        c.call_arrived(call(1), at(0));
        c.release(work(101), at(1_000)).unwrap();
        c.agent(work(101)).unwrap().state().clone()
    };
    assert_eq!(wrap_up_after_call(Some(5), Some(20)), AgentState::WrapUp { ends: Some(at(6_000)) });
    assert_eq!(wrap_up_after_call(None, Some(20)), AgentState::WrapUp { ends: Some(at(21_000)) });
    assert_eq!(wrap_up_after_call(None, None), AgentState::WrapUp { ends: Some(at(51_000)) });
}

#[test]
fn an_abandoned_offer_gives_way_to_a_waiting_request_and_no_answer_drops_it() {
    let mut c = agent_in(StateKind::Ringing);
    c.change_state(work(101), StateCommand::SayBusy { reason: 220, prolong: false }, at(11)).unwrap();
    let fx = c.customer_hung_up(&info(1).call, at(12));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::NotReady { reason: 220 }));

    let mut c = agent_in(StateKind::Ringing);
    c.change_state(work(101), StateCommand::SayBusy { reason: 220, prolong: false }, at(11)).unwrap();
    let fx = c.fire(Timer::RingTimeout { call: info(1).call, offer: 1 }, at(20_010));
    assert_eq!(events_for(&fx, 101).last(), Some(&E::NotReady { reason: 2 }));
    assert_eq!(c.agent(work(101)).unwrap().pending(), None);
}

#[test]
fn the_documented_table_matches_the_table_in_code() {
    let doc = include_str!("../../../../../docs/agent-states.md");
    let name = |rule: Rule| match rule {
        Rule::Refuse => "100-009",
        Rule::NoChange => "no change",
        Rule::Enter => "now",
        Rule::ProlongOnly => "prolong only",
        Rule::Defer => "deferred",
        Rule::Withdraw => "withdraw",
        Rule::WithdrawAll => "withdraw all",
    };
    for (state, row) in TRANSITIONS {
        let cells: Vec<&str> = row.iter().map(|rule| name(*rule)).collect();
        let line = format!("| {:?} | {} |", state, cells.join(" | "));
        assert!(doc.contains(&line), "docs/agent-states.md lacks the row\n{line}");
    }
}
