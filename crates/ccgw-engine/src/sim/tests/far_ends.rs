//! Dialled numbers behave by the first matching rule; delays wait on the clock.

use ccgw_core::{DialFailure, Party, SwitchAction};

use super::{Rig, number, rig, work};
use crate::clock::Clock;
use crate::sim::{FarEndRule, SimPartyState};
use crate::switch::{Switch, TelephonyReport};

fn alerting(call: &ccgw_core::CallId, to: &str) -> TelephonyReport {
    TelephonyReport::FarEndAlerting { call: call.clone(), number: to.into() }
}

fn answered(call: &ccgw_core::CallId, to: &str) -> TelephonyReport {
    TelephonyReport::FarEndAnswered { call: call.clone(), number: to.into() }
}

fn failed(call: &ccgw_core::CallId, to: &str, cause: DialFailure) -> TelephonyReport {
    TelephonyReport::FarEndFailed { call: call.clone(), number: to.into(), cause }
}

#[tokio::test]
async fn an_unmatched_number_answers_after_the_default_delay_only_when_the_clock_gets_there() {
    let mut rig = rig(&[]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [alerting(&call, "5550000")]);
    assert_eq!(rig.state_of(&call, &number("5550000")), Some(SimPartyState::Alerting));
    assert_eq!(rig.sim.call(&call).unwrap().called, "5550000", "the first dialled number is the called one");

    assert!(rig.advance(999).await.is_empty(), "not yet");
    assert_eq!(rig.advance(1).await, [answered(&call, "5550000")]);
    assert_eq!(rig.state_of(&call, &number("5550000")), Some(SimPartyState::Connected));
    assert_eq!(rig.sim.call(&call).unwrap().state(), crate::sim::SimCallState::Talking);
}

#[tokio::test]
async fn the_first_matching_rule_decides_in_list_order() {
    let mut rig = rig(&[("1391*", "answer", Some(100)), ("139*", "busy", None), ("*", "ring", None)]);
    let call = rig.agent_call(101);
    rig.dial(&call, "13912345678");
    rig.dial(&call, "13922345678");
    rig.dial(&call, "5550000");
    assert_eq!(
        rig.settled().await,
        [alerting(&call, "13912345678"), failed(&call, "13922345678", DialFailure::Busy), alerting(&call, "5550000"),]
    );
    assert_eq!(rig.advance(100).await, [answered(&call, "13912345678")]);
    assert!(rig.sim.call(&call).unwrap().party(&number("13922345678")).is_none(), "a busy number never joins");
}

#[tokio::test]
async fn a_ringing_number_rings_until_the_center_gives_up() {
    let mut rig = rig(&[("5*", "ring", None)]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [alerting(&call, "5550000")]);
    assert!(rig.advance(3_600_000).await.is_empty());
    assert_eq!(rig.state_of(&call, &number("5550000")), Some(SimPartyState::Alerting));
    rig.sim.execute(SwitchAction::Drop { call: call.clone(), party: number("5550000") });
    assert!(rig.sim.call(&call).unwrap().party(&number("5550000")).is_none());
}

#[tokio::test]
async fn busy_and_invalid_fail_at_once_reject_and_no_answer_after_ringing() {
    let mut rig = rig(&[
        ("1", "busy", None),
        ("2", "invalid", None),
        ("3", "reject", Some(500)),
        ("4", "no-answer", Some(2_000)),
    ]);
    let call = rig.agent_call(101);
    for to in ["1", "2", "3", "4"] {
        rig.dial(&call, to);
    }
    assert_eq!(
        rig.settled().await,
        [
            failed(&call, "1", DialFailure::Busy),
            failed(&call, "2", DialFailure::InvalidNumber),
            alerting(&call, "3"),
            alerting(&call, "4"),
        ]
    );
    assert_eq!(rig.advance(500).await, [failed(&call, "3", DialFailure::Rejected)]);
    assert_eq!(rig.advance(1_500).await, [failed(&call, "4", DialFailure::NoAnswer)]);
    let parties: Vec<Party> = rig.sim.call(&call).unwrap().parties.into_iter().map(|party| party.party).collect();
    assert_eq!(parties, [Party::Agent(work(101))], "failed numbers leave the call");
}

#[tokio::test]
async fn a_scheduled_answer_for_a_dropped_party_or_ended_call_does_nothing() {
    let mut rig = rig(&[]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.sim.execute(SwitchAction::Drop { call: call.clone(), party: number("5550000") });
    // Dialled again: the first attempt's timer must not answer the second one early.
    rig.advance(500).await;
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [alerting(&call, "5550000")]);
    assert!(rig.advance(500).await.is_empty(), "the first attempt's answer is stale");
    assert_eq!(rig.state_of(&call, &number("5550000")), Some(SimPartyState::Alerting));
    assert_eq!(rig.advance(500).await, [answered(&call, "5550000")]);

    let other = rig.agent_call(102);
    rig.dial(&other, "5551111");
    rig.sim.execute(SwitchAction::Release { call: other.clone() });
    assert_eq!(rig.taken(), [alerting(&other, "5551111")]);
    assert!(rig.advance(5_000).await.is_empty());
    assert!(rig.sim.call(&other).is_none());
}

#[tokio::test]
async fn rules_changed_at_run_time_apply_to_later_dials() {
    let mut rig = rig(&[]);
    let call = rig.agent_call(101);
    rig.sim.set_rules(vec![FarEndRule::parse("555*", "busy", None).unwrap()]);
    assert_eq!(rig.sim.rules().len(), 1);
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [failed(&call, "5550000", DialFailure::Busy)]);
    rig.sim.set_rules(Vec::new());
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [alerting(&call, "5550000")]);
}

#[tokio::test]
async fn dialling_a_number_already_on_the_call_fails_busy() {
    let mut rig = rig(&[("5*", "ring", None)]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.dial(&call, "5550000");
    assert_eq!(rig.settled().await, [alerting(&call, "5550000"), failed(&call, "5550000", DialFailure::Busy)]);
    assert_eq!(rig.sim.call(&call).unwrap().parties.len(), 2);
}

#[tokio::test]
async fn waiting_outcomes_do_not_keep_the_switch_alive() {
    let Rig { clock, sim, reports } = rig(&[]);
    let call = sim.next_call_id();
    sim.execute(SwitchAction::OffHook { call: call.clone(), agent: work(101), phone: super::phone(101) });
    sim.execute(SwitchAction::Dial { call, number: "5550000".into(), caller: "4000".into() });
    drop(sim);
    // Every sender of the report channel lived in the switch: the channel closes.
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !reports.is_closed() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(closed.is_ok(), "a waiting task still holds the switch");
    let seen: Vec<_> = std::iter::from_fn(|| reports.try_recv()).collect();
    assert_eq!(seen.len(), 2, "off-hook and alerting, no answer: {seen:?}");
    clock.advance(std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn fire_due_fires_a_scripted_outcome_at_once_and_its_clock_task_then_finds_nothing() {
    let mut rig = rig(&[("5*", "answer", Some(1_000)), ("6*", "answer", Some(2_000))]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.dial(&call, "6660000");
    assert_eq!(rig.taken(), [alerting(&call, "5550000"), alerting(&call, "6660000")]);
    assert_eq!(rig.sim.shared.state().due.len(), 2);

    rig.clock.advance(std::time::Duration::from_millis(1_000));
    // No yield: the waiting tasks have not run, yet the report is already sent.
    assert_eq!(rig.sim.fire_due(rig.clock.now()), 1);
    assert_eq!(rig.taken(), [answered(&call, "5550000")]);
    assert_eq!(rig.sim.shared.state().due.len(), 1, "the later outcome still waits");
    assert!(rig.settled().await.is_empty(), "the woken task finds its item gone: fired once");

    // The other way round: the task fires first, and fire_due finds nothing left.
    assert_eq!(rig.advance(1_000).await, [answered(&call, "6660000")]);
    assert_eq!(rig.sim.fire_due(rig.clock.now()), 0);
    assert!(rig.taken().is_empty());
}
