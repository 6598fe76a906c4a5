//! Quality control: an inspector forces agents' states, signs them out, drops their
//! calls and monitors them.

use super::*;
use crate::center::{MAX_MONITORED, QcCommand};

/// Signs inspector 120 in, in `initial` state.
fn inspector_in(c: &mut Center, initial: InitialState) {
    let mut inspector = SignIn { initial, ..sign_in(120, false) };
    inspector.profile.role = Role::Inspector;
    c.sign_in(inspector, at(0)).unwrap();
}

/// Inspector 120 and agent 101, both idle, in the same VDN.
fn inspector_and_agent() -> Center {
    let mut c = center();
    inspector_in(&mut c, InitialState::Idle);
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c
}

fn qc(c: &mut Center, by: u32, command: QcCommand, ms: u64) -> Result<Effects, Refusal> {
    c.apply(work(by), Command::Supervise(command), at(ms), &mut || panic!("no call is placed")).map(|(_, fx)| fx)
}

#[test]
fn only_an_inspector_acts_and_only_on_another_agent_signed_in_to_its_vdn() {
    let mut c = inspector_and_agent();
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    assert_eq!(qc(&mut c, 102, QcCommand::ForceBusy(work(101)), 1).unwrap_err(), Refusal::QcNoRight);
    assert_eq!(qc(&mut c, 120, QcCommand::ForceBusy(work(120)), 1).unwrap_err(), Refusal::QcSelf);
    assert_eq!(qc(&mut c, 120, QcCommand::ForceIdle(work(103)), 1).unwrap_err(), Refusal::QcNoAgent(work(103)));
    assert_eq!(qc(&mut c, 120, QcCommand::BeginMonitor(vec![work(120)]), 1).unwrap_err(), Refusal::QcSelf);
    assert_eq!(c.query(work(102), &crate::query::Query::Monitored, at(1)).unwrap_err(), Refusal::QcNoRight);
    c.check_invariants().unwrap();
}

#[test]
fn forced_busy_rest_and_idle_take_effect_with_the_agents_own_events() {
    let mut c = inspector_and_agent();
    let fx = qc(&mut c, 120, QcCommand::ForceBusy(work(101)), 10).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::NotReady { reason: FORCED_BUSY_REASON }]);
    assert!(events_for(&fx, 120).is_empty());
    // Forced again: the reason is replaced, as saybusy with prolong.
    qc(&mut c, 120, QcCommand::ForceBusy(work(101)), 11).unwrap();
    let rest = QcCommand::ForceRest { agent: work(101), length: Duration::from_secs(60), reason: 2 };
    let fx = qc(&mut c, 120, rest.clone(), 12).unwrap();
    assert!(events_for(&fx, 101).iter().any(|event| matches!(event, E::SetRest { .. })), "{fx:?}");
    // Resting, it can be given a new rest but not forced busy: QC state error.
    qc(&mut c, 120, rest, 13).unwrap();
    assert_eq!(qc(&mut c, 120, QcCommand::ForceBusy(work(101)), 14).unwrap_err(), Refusal::QcStateError);
    let fx = qc(&mut c, 120, QcCommand::ForceIdle(work(101)), 15).unwrap();
    assert!(events_for(&fx, 101).contains(&E::Ready), "{fx:?}");
    c.check_invariants().unwrap();
}

#[test]
fn forced_busy_during_a_call_waits_for_its_end() {
    let mut c = center();
    inspector_in(&mut c, InitialState::Idle);
    customer_answered_at_101(&mut c);
    let fx = qc(&mut c, 120, QcCommand::ForceBusy(work(101)), 30).unwrap();
    assert!(events_for(&fx, 101).is_empty(), "deferred: {fx:?}");
    let fx = c.release(work(101), at(40)).unwrap();
    assert!(events_for(&fx, 101).contains(&E::NotReady { reason: FORCED_BUSY_REASON }), "{fx:?}");
    c.check_invariants().unwrap();
}

#[test]
fn forced_sign_out_and_call_drop() {
    let mut c = center();
    inspector_in(&mut c, InitialState::Idle);
    customer_answered_at_101(&mut c);
    assert_eq!(
        qc(&mut c, 120, QcCommand::ForceDropCall(placed(9)), 30).unwrap_err(),
        Refusal::NoCallToRelease,
        "no such call"
    );
    let fx = qc(&mut c, 120, QcCommand::ForceDropCall(customer_call()), 31).unwrap();
    assert!(switch_actions(&fx).contains(&SwitchAction::Release { call: customer_call() }), "{fx:?}");
    assert!(c.call(&customer_call()).is_none());
    let fx = qc(&mut c, 120, QcCommand::ForceLogout(work(101)), 32).unwrap();
    assert!(fx.iter().any(|effect| matches!(effect, Effect::SessionEnded { work_no, .. } if *work_no == work(101))));
    assert!(c.agent(work(101)).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn a_ringing_call_cannot_be_force_dropped_as_that_would_be_its_agent_declining() {
    let mut c = center();
    inspector_in(&mut c, InitialState::Busy);
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    assert_eq!(qc(&mut c, 120, QcCommand::ForceDropCall(customer_call()), 20).unwrap_err(), Refusal::QcStateError);
    assert!(matches!(c.agent(work(101)).unwrap().state(), AgentState::Ringing { .. }), "still offered");
}

#[test]
fn a_queued_call_cannot_be_force_dropped() {
    let mut c = center();
    // Busy: the call waits in its queue instead of ringing at the inspector.
    inspector_in(&mut c, InitialState::Busy);
    c.call_arrived(call(1), at(10));
    assert_eq!(qc(&mut c, 120, QcCommand::ForceDropCall(customer_call()), 20).unwrap_err(), Refusal::QcStateError);
}

#[test]
fn monitoring_is_kept_per_inspector_bounded_and_ends_with_its_sign_in() {
    let mut c = inspector_and_agent();
    qc(&mut c, 120, QcCommand::BeginMonitor(vec![work(101), work(105)]), 1).unwrap();
    assert_eq!(c.monitors_of(work(101)).collect::<Vec<_>>(), [work(120)]);
    assert_eq!(c.monitored_by(work(120)), [work(101), work(105)]);
    qc(&mut c, 120, QcCommand::EndMonitor(vec![work(105)]), 2).unwrap();
    assert_eq!(c.monitored_by(work(120)), [work(101)]);
    let too_many: Vec<WorkNo> = (1000..1000 + MAX_MONITORED as u32).map(work).collect();
    assert!(matches!(qc(&mut c, 120, QcCommand::BeginMonitor(too_many), 3), Err(Refusal::InvalidParameter(_))));
    c.sign_out(work(120), SignOut::Logout, at(4)).unwrap();
    assert!(c.monitors_of(work(101)).next().is_none());
    assert!(!c.anyone_monitored());
}

#[test]
fn each_agent_state_event_names_a_qc_subtype() {
    use crate::center::qc_subtype;
    assert_eq!(qc_subtype(&E::Ready), Some("QC_AgentState_Idle"));
    assert_eq!(qc_subtype(&E::NotReady { reason: 3 }), Some("QC_AgentState_Busy"));
    assert_eq!(qc_subtype(&E::Work), Some("QC_AgentState_Work"));
    assert_eq!(qc_subtype(&E::Occupied), Some("QC_AgentState_Occupied"));
    assert_eq!(qc_subtype(&E::InService), None);
}
