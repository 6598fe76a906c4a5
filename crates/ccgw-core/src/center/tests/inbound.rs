//! Calls the switch reports by their dialled number: routed to a skill queue or an IVR
//! flow by the routing table, or refused as unrouted.

use super::*;
use crate::call::{CallState, InboundCall};
use crate::ivr::{IvrEnd, IvrFlow, IvrId};
use crate::routing::{InboundRoute, RouteTarget, RoutingTable};

/// VDN 1 (access code 4000): 4000 → skill 1, 40002 → skill 2, 40009 → IVR flow 4001 then
/// skill 1, 40008 → IVR flow 4999, which VDN 1 does not have.
fn routed_center() -> Center {
    let mut c = center();
    let route = |suffix: &str, target| InboundRoute { vdn: vdn(), suffix: suffix.into(), target };
    c.configure_routing(RoutingTable::new(
        [(vdn(), "4000".to_owned())],
        vec![
            route("", RouteTarget::Skill(skill(1))),
            route("2", RouteTarget::Skill(skill(2))),
            route("9", RouteTarget::Ivr { access_code: "4001".into(), skill: skill(1) }),
            route("8", RouteTarget::Ivr { access_code: "4999".into(), skill: skill(1) }),
        ],
    ));
    c.configure_ivr_flows(vec![IvrFlow {
        vdn: vdn(),
        id: IvrId::new(1).unwrap(),
        name: "Welcome".into(),
        access_code: "4001".into(),
        hold: Duration::from_secs(5),
        end: IvrEnd::Return,
    }]);
    c
}

/// The id the switch gives the `seq`th dialled call (the first is `customer_call()`).
fn dialled_id(seq: u64) -> CallId {
    CallId::compose(1_700_000_000, seq)
}

fn dialled(seq: u64, called: &str) -> InboundCall {
    InboundCall {
        id: dialled_id(seq),
        caller: "13800000000".into(),
        called: called.into(),
        call_data: "order=7".into(),
        media_type: 5,
        priority: 0,
    }
}

#[test]
fn a_call_to_the_access_code_queues_in_the_routed_skill_and_rings_an_agent() {
    let mut c = routed_center();
    c.sign_in(sign_in(101, false), at(1)).unwrap();
    let fx = c.call_dialled(dialled(1, "4000"), at(10));
    assert_eq!(events_for(&fx, 101), ringing_events(1, &[]));
    let call = c.call(&customer_call()).unwrap();
    assert_eq!((call.info().vdn, call.route()), (vdn(), &[skill(1)][..]));
    assert_eq!(call.info().call_data, "order=7");
    c.check_invariants().unwrap();

    // The suffix picks the route: 40002 waits in skill 2, which nobody serves here.
    let fx = c.call_dialled(dialled(2, "40002"), at(11));
    assert_eq!(events_for(&fx, 101), vec![]);
    assert_eq!(c.call(&dialled_id(2)).unwrap().route(), &[skill(2)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_call_routed_to_an_ivr_flow_goes_there_first_and_queues_when_it_returns() {
    let mut c = routed_center();
    c.sign_in(sign_in(101, false), at(1)).unwrap();
    let fx = c.call_dialled(dialled(1, "40009"), at(10));
    assert_eq!(
        switch_actions(&fx),
        vec![SwitchAction::ConnectIvr { call: customer_call(), vdn: vdn(), access_code: "4001".into() }]
    );
    assert_eq!(events_for(&fx, 101), vec![], "a call in a flow is offered to nobody");
    let state = c.call(&customer_call()).unwrap().state().clone();
    assert_eq!(state, CallState::InIvr { flow: IvrId::new(1).unwrap(), since: at(10), returns_to: None });
    c.check_invariants().unwrap();

    let fx = c.ivr_returned(&customer_call(), at(5_010));
    let events = events_for(&fx, 101);
    assert!(
        matches!(events.as_slice(), [E::IncomingCallInfo(_), E::Occupied, .., E::Ringing(info)] if info.called == "40009")
    );
    c.check_invariants().unwrap();
}

#[test]
fn a_number_that_routes_nowhere_is_released_and_recorded_unrouted() {
    let mut c = routed_center();
    // No route for suffix 3; no VDN for 5000; a flow VDN 1 does not have.
    for (seq, number) in [(1, "40003"), (2, "5000"), (3, "40008")] {
        let fx = c.call_dialled(dialled(seq, number), at(10));
        assert_eq!(switch_actions(&fx), vec![SwitchAction::Release { call: dialled_id(seq) }], "{number}");
        let end = &ended(&fx)[0];
        assert_eq!(end.outcome, CallOutcome::Unrouted);
        assert_eq!((end.call.called.as_str(), end.call.vdn, end.route.len()), (number, vdn(), 0));
        assert!(c.call(&dialled_id(seq)).is_none());
        c.check_invariants().unwrap();
    }
    // Nothing was counted against a queue.
    assert_eq!(c.skill_snapshot(vdn(), skill(1), at(20)).counters.entered, 0);
}

#[test]
fn a_call_dialled_twice_is_taken_once() {
    let mut c = routed_center();
    c.call_dialled(dialled(1, "40002"), at(10));
    assert_eq!(c.call_dialled(dialled(1, "40002"), at(11)), Effects::new());
}
