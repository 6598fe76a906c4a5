//! Live control: far ends answered, rejected, hung up and keyed by hand.

use ccgw_core::{CallId, DialFailure};

use super::{CUSTOMER, number, rig};
use crate::sim::{SimError, SimPartyState};
use crate::switch::TelephonyReport;

#[tokio::test]
async fn a_ringing_number_answered_by_hand_is_not_answered_again_by_its_rule() {
    let mut rig = rig(&[]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.taken();
    let after = rig.sim.answer(&call, "5550000").unwrap();
    assert_eq!(after.party(&number("5550000")).unwrap().state, SimPartyState::Connected);
    assert_eq!(rig.taken(), [TelephonyReport::FarEndAnswered { call: call.clone(), number: "5550000".into() }]);
    assert!(rig.advance(1_000).await.is_empty(), "the scheduled answer finds it answered");
}

#[tokio::test]
async fn a_ringing_number_rejected_by_hand_leaves_the_call() {
    let mut rig = rig(&[("5*", "ring", None)]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.taken();
    let after = rig.sim.reject(&call, "5550000").unwrap().expect("the agent is still on the call");
    assert!(after.party(&number("5550000")).is_none());
    assert_eq!(
        rig.taken(),
        [TelephonyReport::FarEndFailed { call, number: "5550000".into(), cause: DialFailure::Rejected }]
    );
}

#[tokio::test]
async fn a_dialled_number_hangs_up_alone_but_the_customer_ends_the_call() {
    let mut rig = rig(&[("5*", "answer", Some(0))]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    rig.settled().await;
    let after = rig.sim.hang_up_party(&call, "5550000").unwrap();
    assert_eq!(after.map(|call| call.parties.len()), Some(1), "the agent stays");
    assert_eq!(rig.taken(), [TelephonyReport::FarEndHungUp { call, number: "5550000".into() }]);

    let inbound = rig.customer_call();
    assert_eq!(rig.sim.hang_up_party(&inbound, CUSTOMER), Ok(None));
    assert_eq!(rig.taken(), [TelephonyReport::CustomerHungUp(inbound.clone())]);
    assert!(rig.sim.call(&inbound).is_none());
    assert!(!rig.sim.hang_up(&inbound), "already over");
}

#[tokio::test]
async fn digits_are_recorded_on_the_party_that_sent_them() {
    let mut rig = rig(&[]);
    let inbound = rig.customer_call();
    rig.sim.send_digits(&inbound, CUSTOMER, "12").unwrap();
    let after = rig.sim.send_digits(&inbound, CUSTOMER, "3#").unwrap();
    assert_eq!(after.party(&number(CUSTOMER)).unwrap().digits, "123#");
    assert!(rig.taken().is_empty());
}

#[tokio::test]
async fn live_control_refuses_unknown_calls_parties_and_wrong_states() {
    let mut rig = rig(&[("5*", "ring", None)]);
    let call = rig.agent_call(101);
    rig.dial(&call, "5550000");
    let gone = CallId::compose(1, 999);
    assert_eq!(rig.sim.answer(&gone, "5550000"), Err(SimError::NoSuchCall(gone.clone())));
    assert_eq!(rig.sim.hang_up_party(&gone, "1"), Err(SimError::NoSuchCall(gone)));
    assert_eq!(
        rig.sim.reject(&call, "5559999"),
        Err(SimError::NoSuchParty { call: call.clone(), number: "5559999".into() })
    );
    let too_early = rig.sim.send_digits(&call, "5550000", "1");
    assert!(matches!(&too_early, Err(SimError::WrongState { state: SimPartyState::Alerting, .. })), "{too_early:?}");
    rig.sim.answer(&call, "5550000").unwrap();
    let again = rig.sim.answer(&call, "5550000").unwrap_err();
    assert_eq!(again.to_string(), format!("party 5550000 of call {call} is connected; this needs it alerting"));
    assert!(matches!(rig.sim.reject(&call, "5550000"), Err(SimError::WrongState { .. })));
    for bad in ["", "12x", "abc", &"1".repeat(65)] {
        assert_eq!(rig.sim.send_digits(&call, "5550000", bad), Err(SimError::BadDigits), "{bad:?}");
    }
}
