//! Agent phones in their three modes.

use ccgw_core::{Party, PhoneFailure, SwitchAction};

use super::{CUSTOMER, phone, rig, work};
use crate::sim::{CallOrigin, PhoneMode, SimCallState, SimPartyState};
use crate::switch::{Switch, TelephonyReport};

#[tokio::test]
async fn an_auto_phone_goes_off_hook_at_once_and_the_call_is_the_agents() {
    let mut rig = rig(&[]);
    let call = rig.sim.next_call_id();
    rig.sim.execute(SwitchAction::OffHook { call: call.clone(), agent: work(101), phone: phone(101) });
    assert_eq!(rig.taken(), [TelephonyReport::PhoneOffHook { call: call.clone(), agent: work(101) }]);
    let sim = rig.sim.call(&call).unwrap();
    assert_eq!(sim.origin, CallOrigin::Agent(work(101)));
    assert_eq!((sim.caller.as_str(), sim.called.as_str()), ("70101", ""));
    assert!(!sim.queued);
    assert_eq!(sim.state(), SimCallState::Dialing, "off-hook, nobody dialled yet");
    assert_eq!(rig.state_of(&call, &Party::Agent(work(101))), Some(SimPartyState::Connected));
}

#[tokio::test]
async fn a_manual_phone_rings_until_picked_up() {
    let mut rig = rig(&[]);
    rig.sim.set_phone_mode(work(101), PhoneMode::Manual);
    let call = rig.sim.next_call_id();
    rig.sim.execute(SwitchAction::OffHook { call: call.clone(), agent: work(101), phone: phone(101) });
    assert!(rig.taken().is_empty());
    assert_eq!(rig.state_of(&call, &Party::Agent(work(101))), Some(SimPartyState::Alerting));
    assert_eq!(rig.sim.call(&call).unwrap().state(), SimCallState::Ringing);

    rig.sim.execute(SwitchAction::PickUp { call: call.clone(), agent: work(101) });
    assert_eq!(rig.taken(), [TelephonyReport::PhoneOffHook { call: call.clone(), agent: work(101) }]);
    assert_eq!(rig.state_of(&call, &Party::Agent(work(101))), Some(SimPartyState::Connected));
    rig.sim.execute(SwitchAction::PickUp { call, agent: work(101) });
    assert!(rig.taken().is_empty(), "picked up once");
}

#[tokio::test]
async fn a_refusing_phone_fails_and_no_call_is_made() {
    let mut rig = rig(&[]);
    rig.sim.set_phone_mode(work(101), PhoneMode::Refuse);
    let call = rig.sim.next_call_id();
    rig.sim.execute(SwitchAction::OffHook { call: call.clone(), agent: work(101), phone: phone(101) });
    assert_eq!(
        rig.taken(),
        [TelephonyReport::PhoneFailed { call: call.clone(), agent: work(101), cause: PhoneFailure::Busy }]
    );
    assert!(rig.sim.call(&call).is_none());
}

#[tokio::test]
async fn pick_up_answers_only_a_phone_ringing_for_its_own_call() {
    let mut rig = rig(&[]);
    rig.sim.set_phone_mode(work(101), PhoneMode::Manual);
    let inbound = rig.customer_call();
    rig.sim.execute(SwitchAction::Alert {
        call: inbound.clone(),
        agent: work(101),
        phone: phone(101),
        auto_answer: false,
    });
    rig.taken(); // The offer's phone reports (see agent_phones).
    rig.sim.execute(SwitchAction::PickUp { call: inbound.clone(), agent: work(101) });
    assert!(rig.taken().is_empty(), "an offer is answered with Connect, not PickUp");
    assert_eq!(rig.state_of(&inbound, &Party::Agent(work(101))), Some(SimPartyState::Alerting));
    assert_eq!(rig.sim.call(&inbound).unwrap().caller, CUSTOMER);

    // A released call forgets its ringing phone.
    let own = rig.sim.next_call_id();
    rig.sim.execute(SwitchAction::OffHook { call: own.clone(), agent: work(101), phone: phone(101) });
    rig.sim.execute(SwitchAction::Release { call: own.clone() });
    rig.sim.execute(SwitchAction::PickUp { call: own, agent: work(101) });
    assert!(rig.taken().is_empty());
}

#[tokio::test]
async fn phone_modes_are_listed_unless_default() {
    let rig = rig(&[]);
    assert_eq!(rig.sim.phone_mode(work(101)), PhoneMode::Auto);
    rig.sim.set_phone_mode(work(102), PhoneMode::Refuse);
    rig.sim.set_phone_mode(work(101), PhoneMode::Manual);
    assert_eq!(rig.sim.phone_modes(), [(work(101), PhoneMode::Manual), (work(102), PhoneMode::Refuse)]);
    rig.sim.set_phone_mode(work(101), PhoneMode::Auto);
    assert_eq!(rig.sim.phone_modes(), [(work(102), PhoneMode::Refuse)]);
    for mode in PhoneMode::ALL {
        assert_eq!(PhoneMode::from_name(mode.name()), Some(mode));
    }
    assert_eq!(PhoneMode::from_name("Auto"), None);
}
