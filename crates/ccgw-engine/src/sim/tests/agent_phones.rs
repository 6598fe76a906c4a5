//! Agent phones answering offers (`Alert`) by the agent-phone rules, and the handset
//! going down.

use ccgw_core::{Party, PhoneFailure, SwitchAction};

use super::{Rig, phone, rig, work};
use crate::clock::Clock;
use crate::sim::{AgentPhoneBehaviour, AgentPhoneRule, RuleError, SimError, SimPartyState, SimSettings};
use crate::switch::{Switch, TelephonyReport};

/// A rig whose agent phones follow these rules (`pattern`, `behaviour`, `after_ms`).
fn with_phones(rules: &[(&str, &str, Option<u64>)]) -> Rig {
    let rig = rig(&[]);
    let agent_phones =
        rules.iter().map(|(pattern, behaviour, after)| AgentPhoneRule::parse(pattern, behaviour, *after).unwrap());
    rig.sim.configure(SimSettings { agent_phones: agent_phones.collect(), ..SimSettings::default() });
    rig
}

fn alerting(call: &ccgw_core::CallId, agent: u32) -> TelephonyReport {
    TelephonyReport::PhoneAlerting { call: call.clone(), agent: work(agent) }
}

fn off_hook(call: &ccgw_core::CallId, agent: u32) -> TelephonyReport {
    TelephonyReport::PhoneOffHook { call: call.clone(), agent: work(agent) }
}

fn failed(call: &ccgw_core::CallId, agent: u32, cause: PhoneFailure) -> TelephonyReport {
    TelephonyReport::PhoneFailed { call: call.clone(), agent: work(agent), cause }
}

#[tokio::test]
async fn an_unmatched_phone_rings_and_goes_off_hook_at_once() {
    let mut rig = rig(&[]);
    let call = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: call.clone(),
        agent: work(101),
        phone: phone(101),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [alerting(&call, 101), off_hook(&call, 101)]);
    assert_eq!(rig.state_of(&call, &Party::Agent(work(101))), Some(SimPartyState::Alerting), "until Connect");
}

#[tokio::test]
async fn busy_and_unreachable_phones_fail_without_ringing() {
    let mut rig = with_phones(&[("70101", "busy", None), ("70102", "unreachable", None)]);
    let call = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: call.clone(),
        agent: work(101),
        phone: phone(101),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [failed(&call, 101, PhoneFailure::Busy)]);
    rig.sim.execute(SwitchAction::StopAlerting { call: call.clone(), agent: work(101) });
    rig.sim.execute(SwitchAction::Alert {
        call: call.clone(),
        agent: work(102),
        phone: phone(102),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [failed(&call, 102, PhoneFailure::Unreachable)]);
}

#[tokio::test]
async fn scripted_phones_ring_then_answer_or_fail_when_their_time_is_up() {
    let mut rig = with_phones(&[
        ("70101", "answer", Some(300)),
        ("70102", "no-answer", Some(500)),
        ("70103", "reject", None),
        ("7010*", "ring", None),
    ]);
    let call = rig.customer_call();
    let alert =
        |agent| SwitchAction::Alert { call: call.clone(), agent: work(agent), phone: phone(agent), auto_answer: false };
    rig.sim.execute(alert(101));
    assert_eq!(rig.taken(), [alerting(&call, 101)]);
    assert_eq!(rig.advance(299).await, []);
    assert_eq!(rig.advance(1).await, [off_hook(&call, 101)]);

    let second = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: second.clone(),
        agent: work(102),
        phone: phone(102),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [alerting(&second, 102)]);
    assert_eq!(rig.sim.fire_due(rig.clock.now().plus(std::time::Duration::from_millis(500))), 1);
    assert_eq!(rig.taken(), [failed(&second, 102, PhoneFailure::NoAnswer)]);

    let third = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: third.clone(),
        agent: work(103),
        phone: phone(103),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [alerting(&third, 103), failed(&third, 103, PhoneFailure::Rejected)]);

    let fourth = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: fourth.clone(),
        agent: work(104),
        phone: phone(104),
        auto_answer: false,
    });
    assert_eq!(rig.taken(), [alerting(&fourth, 104)]);
    assert_eq!(rig.advance(3_600_000).await, [], "rings until the center gives up");
}

#[tokio::test]
async fn an_outcome_is_off_once_the_center_stops_ringing_the_phone() {
    let mut rig = with_phones(&[("*", "answer", Some(300))]);
    let call = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: call.clone(),
        agent: work(101),
        phone: phone(101),
        auto_answer: false,
    });
    rig.taken();
    rig.sim.execute(SwitchAction::StopAlerting { call: call.clone(), agent: work(101) });
    assert_eq!(rig.advance(300).await, []);
    rig.sim.execute(SwitchAction::Alert {
        call: call.clone(),
        agent: work(101),
        phone: phone(101),
        auto_answer: false,
    });
    rig.sim.execute(SwitchAction::Release { call: call.clone() });
    rig.taken();
    assert_eq!(rig.advance(300).await, [], "the call is over");
}

#[tokio::test]
async fn the_handset_going_down_is_reported_for_an_agent_on_the_call() {
    let mut rig = rig(&[]);
    let call = rig.customer_call();
    rig.sim.execute(SwitchAction::Connect { call: call.clone(), agent: work(101), phone: phone(101) });
    rig.sim.hang_up_agent(&call, work(101)).unwrap();
    assert_eq!(rig.taken(), [TelephonyReport::PhoneHungUp { call: call.clone(), agent: work(101) }]);
    assert_eq!(
        rig.sim.hang_up_agent(&call, work(102)),
        Err(SimError::NoSuchParty { call: call.clone(), number: "102".into() })
    );
    let gone = ccgw_core::CallId::compose(1, 1);
    assert_eq!(rig.sim.hang_up_agent(&gone, work(101)), Err(SimError::NoSuchCall(gone)));
}

#[test]
fn behaviours_parse_by_name_and_ring_takes_no_delay() {
    for name in AgentPhoneBehaviour::NAMES {
        assert_eq!(AgentPhoneBehaviour::parse(name, None).map(AgentPhoneBehaviour::name), Ok(name));
    }
    assert_eq!(AgentPhoneBehaviour::parse("ring", Some(5)), Err(RuleError::DelayNotAllowed("ring")));
    assert!(matches!(AgentPhoneBehaviour::parse("invalid", None), Err(RuleError::PhoneBehaviour(_))));
    assert_eq!(AgentPhoneBehaviour::parse("answer", Some(3_600_001)), Err(RuleError::DelayTooLong));
}
