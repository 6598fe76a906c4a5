//! Inspectors in calls: listening, inserting, whispering, switching between them,
//! stopping, intercepting, and the crossings with the call's own life.

use super::*;
use crate::StateKind;
use crate::center::{
    MAX_SUPERVISION_ENTRIES, QcCommand, QcMode, Supervision, SupervisionKind, TransferMode, TransferRequest,
    TransferTarget,
};

/// Inspector 120 (in `initial` state) and agent 101 talking with customer call 1
/// (answered at 20 ms).
fn inspector_and_call(initial: InitialState) -> Center {
    let mut c = center();
    inspector_in(&mut c, initial);
    customer_answered_at_101(&mut c);
    c
}

fn inspector_in(c: &mut Center, initial: InitialState) {
    let mut inspector = SignIn { initial, ..sign_in(120, false) };
    inspector.profile.role = Role::Inspector;
    c.sign_in(inspector, at(0)).unwrap();
}

/// Inspector 120 and agent 101 (auto-answer) talking in customer call 1, on a switch that
/// reports phone legs.
fn reported_legs_call() -> Center {
    let mut c = center_with(CenterSettings { phone_legs: PhoneLegs::Reported, ..CenterSettings::default() });
    inspector_in(&mut c, InitialState::Idle);
    c.sign_in(sign_in(101, true), at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    c.phone_leg(&customer_call(), work(101), PhoneReport::Answered, at(15));
    c
}

fn qc(c: &mut Center, by: u32, command: QcCommand, ms: u64) -> Result<Effects, Refusal> {
    c.apply(work(by), Command::Supervise(command), at(ms), &mut || panic!("no call is placed")).map(|(_, fx)| fx)
}

fn inspect(agent: u32, mode: QcMode) -> QcCommand {
    QcCommand::Inspect { agent: Some(work(agent)), mode }
}

fn stop() -> QcCommand {
    QcCommand::StopInspecting { agent: Some(work(101)), whisper_only: false }
}

fn record(c: &Center) -> Vec<Supervision> {
    c.call(&customer_call()).unwrap().supervision.clone()
}

fn entry(kind: SupervisionKind, from: u64, until: u64) -> Supervision {
    Supervision { inspector: work(120), agent: work(101), kind, from: at(from), until: at(until) }
}

#[test]
fn listening_rings_the_inspector_and_tells_the_agent() {
    let mut c = inspector_and_call(InitialState::Idle);
    let fx = qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneAlerting, E::PhoneOffhook, E::Occupied]);
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStart { inspector: work(120), qc_type: 8 }]);
    let action = SwitchAction::Inspect {
        call: customer_call(),
        inspector: work(120),
        agent: work(101),
        phone: PhoneNumber::parse("70120").unwrap(),
        mode: QcMode::Listen,
    };
    assert_eq!(switch_actions(&fx), vec![action]);
    assert_eq!(c.agent(work(120)).unwrap().state(), &AgentState::Inspecting { call: customer_call() });
    assert_eq!(c.agent(work(120)).unwrap().state().kind(), StateKind::Talking);
    // The inspector is not a party: the call is still the agent's and the customer's.
    assert_eq!(c.call(&customer_call()).unwrap().agents().collect::<Vec<_>>(), vec![work(101)]);
    c.check_invariants().unwrap();

    let fx = qc(&mut c, 120, stop(), 40).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStop { inspector: work(120), qc_type: 8 }]);
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert!(switch_actions(&fx).contains(&SwitchAction::EndInspect { call: customer_call(), inspector: work(120) }));
    assert_eq!(record(&c), vec![entry(SupervisionKind::Listen, 30, 40)]);
    c.check_invariants().unwrap();
}

#[test]
fn refusals_name_what_does_not_fit() {
    let mut c = inspector_and_call(InitialState::Idle);
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    assert_eq!(qc(&mut c, 102, inspect(101, QcMode::Listen), 30).unwrap_err(), Refusal::QcNoRight);
    assert_eq!(qc(&mut c, 120, inspect(120, QcMode::Listen), 30).unwrap_err(), Refusal::QcSelf);
    assert_eq!(qc(&mut c, 120, inspect(103, QcMode::Listen), 30).unwrap_err(), Refusal::QcNoAgent(work(103)));
    assert_eq!(
        qc(&mut c, 120, inspect(102, QcMode::Listen), 30).unwrap_err(),
        Refusal::QcCannot("the agent is not in a call".into())
    );
    assert_eq!(qc(&mut c, 120, stop(), 30).unwrap_err(), Refusal::QcCannot("the inspector inspects nobody".into()));
    let nobody = QcCommand::Inspect { agent: None, mode: QcMode::Whisper };
    assert!(matches!(qc(&mut c, 120, nobody, 30).unwrap_err(), Refusal::QcCannot(_)));

    // A second inspector in the same call: resource unavailable.
    let mut second = sign_in(121, false);
    second.profile.role = Role::Inspector;
    c.sign_in(second, at(0)).unwrap();
    qc(&mut c, 120, inspect(101, QcMode::Listen), 31).unwrap();
    assert!(matches!(qc(&mut c, 121, inspect(101, QcMode::Listen), 32).unwrap_err(), Refusal::QcBusy(_)));
    // Switch toggles listen and insert only; stopping a whisper needs one.
    let whisper_stop = QcCommand::StopInspecting { agent: None, whisper_only: true };
    assert_eq!(
        qc(&mut c, 120, whisper_stop, 33).unwrap_err(),
        Refusal::QcCannot("the inspector is not whispering".into())
    );
    qc(&mut c, 120, inspect(101, QcMode::Whisper), 34).unwrap();
    let toggle = QcCommand::ChangeMode { agent: Some(work(101)), mode: None };
    assert!(matches!(qc(&mut c, 120, toggle, 35).unwrap_err(), Refusal::QcCannot(_)));
    // Naming itself while inspecting is still inspecting itself.
    assert_eq!(qc(&mut c, 120, inspect(120, QcMode::Listen), 36).unwrap_err(), Refusal::QcSelf);
    c.check_invariants().unwrap();
}

#[test]
fn switching_modes_tells_the_agent_and_records_each_stretch() {
    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    let toggle = QcCommand::ChangeMode { agent: Some(work(101)), mode: None };
    let fx = qc(&mut c, 120, toggle, 40).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStart { inspector: work(120), qc_type: 9 }]);
    let action = SwitchAction::InspectMode { call: customer_call(), inspector: work(120), mode: QcMode::Insert };
    assert_eq!(switch_actions(&fx), vec![action]);
    let whisper = QcCommand::ChangeMode { agent: None, mode: Some(QcMode::Whisper) };
    let fx = qc(&mut c, 120, whisper, 50).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStart { inspector: work(120), qc_type: 20172 }]);
    // The same mode again changes nothing.
    let again = QcCommand::ChangeMode { agent: None, mode: Some(QcMode::Whisper) };
    assert!(qc(&mut c, 120, again, 55).unwrap().is_empty());
    let whisper_stop = QcCommand::StopInspecting { agent: None, whisper_only: true };
    let fx = qc(&mut c, 120, whisper_stop, 60).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStop { inspector: work(120), qc_type: 20172 }]);
    let fx = c.release(work(101), at(70)).unwrap();
    let end = ended(&fx).pop().unwrap();
    assert_eq!(
        end.supervision,
        vec![
            entry(SupervisionKind::Listen, 30, 40),
            entry(SupervisionKind::Insert, 40, 50),
            entry(SupervisionKind::Whisper, 50, 60)
        ]
    );
}

#[test]
fn the_customer_hanging_up_during_a_whisper_ends_it_for_the_inspector() {
    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Whisper), 30).unwrap();
    let fx = c.customer_hung_up(&customer_call(), at(45));
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]);
    let to_agent = events_for(&fx, 101);
    assert!(to_agent.contains(&E::BeQcStop { inspector: work(120), qc_type: 20172 }), "{to_agent:?}");
    assert_eq!(ended(&fx).pop().unwrap().supervision, vec![entry(SupervisionKind::Whisper, 30, 45)]);
    assert!(matches!(c.agent(work(120)).unwrap().state(), AgentState::Idle { .. }));
    c.check_invariants().unwrap();
}

#[test]
fn the_agent_signing_out_ends_the_inspection_and_a_busy_inspector_returns_to_busy() {
    let mut c = inspector_and_call(InitialState::Busy);
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    // A request of the inspector's own waits for the inspection's end, as in a call.
    c.apply(work(120), Command::State(StateCommand::SayBusy { reason: 5, prolong: false }), at(35), &mut || {
        panic!("no call")
    })
    .unwrap();
    let fx = c.sign_out(work(101), SignOut::Forced { reason: 0 }, at(40)).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Platform), E::NotReady { reason: 5 }]);
    assert!(c.agent(work(120)).is_some_and(|a| a.state() == &AgentState::NotReady { reason: 5 }));
    c.check_invariants().unwrap();
}

#[test]
fn the_inspector_signing_out_or_hanging_up_ends_the_inspection() {
    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Insert), 30).unwrap();
    let fx = c.sign_out(work(120), SignOut::Logout, at(40)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStop { inspector: work(120), qc_type: 9 }]);
    assert!(c.call(&customer_call()).unwrap().inspection.is_none());
    c.check_invariants().unwrap();

    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    let fx = c.release(work(120), at(40)).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    c.check_invariants().unwrap();
}

#[test]
fn intercept_hands_the_call_to_the_inspector() {
    let mut c = inspector_and_call(InitialState::Idle);
    let intercept = |call: Option<CallId>| QcCommand::Intercept { agent: work(101), call };
    assert_eq!(
        qc(&mut c, 120, intercept(None), 25).unwrap_err(),
        Refusal::QcCannot("the inspector inspects nobody".into())
    );
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    assert!(matches!(qc(&mut c, 120, intercept(Some(placed(7))), 35).unwrap_err(), Refusal::QcCannot(_)));
    let fx = qc(&mut c, 120, intercept(Some(customer_call())), 40).unwrap();
    assert!(matches!(events_for(&fx, 120).as_slice(), [E::Talking(_)]), "{fx:?}");
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(customer_call()),
            E::CustomerRelease { call: customer_call(), number: "13800000000".into() },
            E::PhoneRelease(PhoneReleasedBy::Platform),
            E::Ready
        ]
    );
    let action = SwitchAction::TakeOver { call: customer_call(), inspector: work(120), agent: work(101) };
    assert_eq!(switch_actions(&fx), vec![action]);
    assert_eq!(c.agent(work(120)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    c.check_invariants().unwrap();
    let fx = c.release(work(120), at(50)).unwrap();
    let end = ended(&fx).pop().unwrap();
    assert_eq!(end.talked, vec![work(101), work(120)]);
    assert_eq!(
        end.supervision,
        vec![entry(SupervisionKind::Listen, 30, 40), entry(SupervisionKind::Intercept, 40, 40)]
    );
}

#[test]
fn an_intercept_racing_a_transfer_is_refused_either_way() {
    let mut c = inspector_and_call(InitialState::Idle);
    c.sign_in(sign_in(102, false), at(0)).unwrap();
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    let to_102 = TransferRequest {
        target: TransferTarget::Agent(work(102)),
        mode: TransferMode::Success,
        caller: None,
        call_data: None,
    };
    c.transfer(work(101), placed(1), to_102, at(35)).unwrap();
    let intercept = QcCommand::Intercept { agent: work(101), call: None };
    assert!(matches!(qc(&mut c, 120, intercept.clone(), 36).unwrap_err(), Refusal::QcCannot(_)));
    // The transfer completes: 101 leaves the call, and the inspection with it.
    let fx = c.answer(work(102), None, at(40)).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]);
    assert_eq!(qc(&mut c, 120, intercept, 41).unwrap_err(), Refusal::QcCannot("the inspector inspects nobody".into()));
    assert_eq!(record(&c), vec![entry(SupervisionKind::Listen, 30, 40)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_switch_without_supervision_refuses_it() {
    let settings = CenterSettings { switch_features: SwitchFeatures::NONE, ..CenterSettings::default() };
    let mut c = center_with(settings);
    inspector_in(&mut c, InitialState::Idle);
    customer_answered_at_101(&mut c);
    assert_eq!(
        qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap_err(),
        Refusal::NotOnThisSwitch(SwitchFeature::Supervision)
    );
}

#[test]
fn with_reported_phone_legs_the_inspection_waits_for_the_inspectors_phone() {
    let mut c = reported_legs_call();
    assert!(c.call(&customer_call()).unwrap().answered.is_some());
    let fx = qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneAlerting]);
    assert!(events_for(&fx, 101).is_empty(), "not before the inspector's phone is on the call");
    assert!(timers(&fx).iter().any(|(_, t)| matches!(t, Timer::InspectorPhone { .. })), "{fx:?}");
    let fx = c.phone_leg(&customer_call(), work(120), PhoneReport::Answered, at(32));
    assert_eq!(events_for(&fx, 120), vec![E::PhoneOffhook, E::Occupied]);
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStart { inspector: work(120), qc_type: 8 }]);
    c.check_invariants().unwrap();
    // The inspector's handset down ends it, and the switch drops its leg.
    let fx = c.phone_leg(&customer_call(), work(120), PhoneReport::HungUp, at(40));
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]);
    assert_eq!(switch_actions(&fx), vec![SwitchAction::EndInspect { call: customer_call(), inspector: work(120) }]);
    assert_eq!(record(&c), vec![entry(SupervisionKind::Listen, 32, 40)]);
}

#[test]
fn an_inspector_phone_that_never_answers_fails_the_inspection() {
    let mut c = reported_legs_call();
    let fx = qc(&mut c, 120, inspect(101, QcMode::Whisper), 30).unwrap();
    let (when, timer) = timers(&fx).into_iter().find(|(_, t)| matches!(t, Timer::InspectorPhone { .. })).unwrap();
    let fx = c.fire(timer, when);
    assert_eq!(
        events_for(&fx, 120),
        vec![E::ConnectFail(customer_call()), E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]
    );
    assert!(events_for(&fx, 101).is_empty(), "the agent was never told it started");
    assert!(switch_actions(&fx).contains(&SwitchAction::EndInspect { call: customer_call(), inspector: work(120) }));
    assert!(record(&c).is_empty());
    c.check_invariants().unwrap();
}

#[test]
fn a_ringing_inspector_phone_is_picked_up_by_command() {
    let mut c = reported_legs_call();
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    let fx = c.phone_pickup(work(120), at(31)).unwrap();
    assert_eq!(switch_actions(&fx), vec![SwitchAction::PickUp { call: customer_call(), agent: work(120) }]);
    c.phone_leg(&customer_call(), work(120), PhoneReport::Answered, at(32));
    assert_eq!(c.phone_pickup(work(120), at(33)).unwrap_err(), Refusal::NoCallToAnswer, "on the call already");
}

#[test]
fn connecthold_ends_the_inspection_of_the_agent_who_leaves_both_calls() {
    let mut c = inspector_and_call(InitialState::Idle);
    c.sign_in(sign_in(102, true), at(0)).unwrap();
    qc(&mut c, 120, inspect(101, QcMode::Insert), 25).unwrap();
    let help = crate::center::ConsultRequest {
        helper: crate::center::Callee::Agent(work(102)),
        three_party: false,
        call_data: String::new(),
    };
    c.consult(work(101), placed(1), help, at(30)).unwrap();
    assert!(c.call(&customer_call()).unwrap().inspection.is_some(), "a consultation leaves the held call inspected");
    let fx = c.connect_held(work(101), &customer_call(), at(50)).unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]);
    assert!(events_for(&fx, 101).contains(&E::BeQcStop { inspector: work(120), qc_type: 9 }));
    let actions = switch_actions(&fx);
    let end = actions.iter().position(|a| matches!(a, SwitchAction::EndInspect { .. })).unwrap();
    let join = actions.iter().position(|a| matches!(a, SwitchAction::Join { .. })).unwrap();
    assert!(end < join, "the inspector's leg leaves before the calls join: {actions:?}");
    assert!(c.call(&customer_call()).unwrap().inspection.is_none());
    c.check_invariants().unwrap();
}

#[test]
fn an_inspected_helper_joined_into_a_conference_is_no_longer_inspected() {
    let mut c = inspector_and_call(InitialState::Idle);
    c.sign_in(sign_in(102, true), at(0)).unwrap();
    let help = crate::center::ConsultRequest {
        helper: crate::center::Callee::Agent(work(102)),
        three_party: false,
        call_data: String::new(),
    };
    c.consult(work(101), placed(1), help, at(30)).unwrap();
    qc(&mut c, 120, inspect(102, QcMode::Listen), 35).unwrap();
    let fx = c
        .apply(work(101), Command::Conference(customer_call()), at(40), &mut || panic!("no call"))
        .map(|(_, fx)| fx)
        .unwrap();
    assert_eq!(events_for(&fx, 120), vec![E::PhoneRelease(PhoneReleasedBy::Platform), E::Ready]);
    let end = ended(&fx).pop().unwrap();
    assert_eq!(end.supervision, vec![Supervision { agent: work(102), ..entry(SupervisionKind::Listen, 35, 40) }]);
    c.check_invariants().unwrap();
}

#[test]
fn the_supervision_record_is_bounded_and_an_intercept_at_the_bound_is_refused() {
    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    let toggle = QcCommand::ChangeMode { agent: None, mode: None };
    let mut refused = None;
    for step in 0..200u64 {
        if let Err(refusal) = qc(&mut c, 120, toggle.clone(), 31 + step) {
            refused = Some(refusal);
            break;
        }
    }
    assert!(matches!(refused, Some(Refusal::QcBusy(_))), "{refused:?}");
    let entries = record(&c).len();
    assert!(entries < MAX_SUPERVISION_ENTRIES, "room is kept for the closing entry: {entries}");
    let intercept = QcCommand::Intercept { agent: work(101), call: None };
    assert!(matches!(qc(&mut c, 120, intercept, 300).unwrap_err(), Refusal::QcBusy(_)));
    let fx = c.release(work(101), at(400)).unwrap();
    assert_eq!(ended(&fx).pop().unwrap().supervision.len(), MAX_SUPERVISION_ENTRIES);
}

#[test]
fn a_closing_gateway_does_not_make_an_inspector_available() {
    let mut c = inspector_and_call(InitialState::Idle);
    qc(&mut c, 120, inspect(101, QcMode::Listen), 30).unwrap();
    // A call waits meanwhile: nobody is free.
    c.call_arrived(call(2), at(35));
    let fx = c.close(at(40));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Switch(SwitchAction::Alert { .. }))),
        "no offer while closing: {fx:?}"
    );
    assert!(c.agent(work(120)).is_none());
}

#[test]
fn an_inspection_is_the_inspectors_qc_task_and_deleting_it_stops_it() {
    let mut c = inspector_and_call(InitialState::Idle);
    assert!(c.qc_tasks(work(120)).is_empty());
    qc(&mut c, 120, inspect(101, QcMode::Whisper), 30).unwrap();
    let task = crate::center::QcTask {
        call: customer_call(),
        agent: work(101),
        mode: QcMode::Whisper,
        started: at(30),
        on_line: true,
    };
    assert_eq!(c.qc_tasks(work(120)), vec![task]);
    let other = QcCommand::EndQcTask(placed(9));
    assert!(matches!(qc(&mut c, 120, other, 35).unwrap_err(), Refusal::QcCannot(_)));
    let fx = qc(&mut c, 120, QcCommand::EndQcTask(customer_call()), 40).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::BeQcStop { inspector: work(120), qc_type: 20172 }]);
    assert!(c.qc_tasks(work(120)).is_empty());
}
