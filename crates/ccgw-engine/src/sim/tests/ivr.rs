//! IVR flows hold a call for their time, then return it or release the customer; a stay
//! can be ended by hand.

use std::time::Duration;

use ccgw_core::{CallId, IvrEnd, IvrFlow, IvrId, Party, SwitchAction, Vdn};

use super::{CUSTOMER, Rig, number, phone, rig, work};
use crate::sim::{SimCallState, SimError, SimPartyState};
use crate::switch::{Switch, TelephonyReport};

const RETURNING: &str = "4001";
const RELEASING: &str = "4002";

fn flows() -> Vec<IvrFlow> {
    let flow = |id: u32, code: &str, end: IvrEnd| IvrFlow {
        vdn: Vdn::new(1).unwrap(),
        id: IvrId::new(id).unwrap(),
        name: format!("Flow {id}"),
        access_code: code.into(),
        hold: Duration::from_millis(500),
        end,
    };
    vec![flow(1, RETURNING, IvrEnd::Return), flow(2, RELEASING, IvrEnd::Release)]
}

fn ivr(code: &str) -> Party {
    Party::Ivr(code.into())
}

impl Rig {
    fn connect_ivr(&self, call: &CallId, code: &str) {
        let vdn = Vdn::new(1).unwrap();
        self.sim.execute(SwitchAction::ConnectIvr { call: call.clone(), vdn, access_code: code.into() });
    }

    /// A customer call agent 101 talks in, its reports taken.
    fn talking_call(&mut self) -> CallId {
        self.sim.set_ivr_flows(flows());
        let call = self.customer_call();
        self.sim.execute(SwitchAction::Connect { call: call.clone(), agent: work(101), phone: phone(101) });
        call
    }
}

#[tokio::test]
async fn a_returning_flow_hands_a_blind_call_back_to_the_queue_after_its_time() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.connect_ivr(&call, RETURNING);
    rig.sim.execute(SwitchAction::Drop { call: call.clone(), party: Party::Agent(work(101)) });
    assert_eq!(rig.state_of(&call, &ivr(RETURNING)), Some(SimPartyState::Connected));
    assert_eq!(rig.sim.call(&call).unwrap().state(), SimCallState::InIvr);
    assert_eq!(rig.sim.call(&call).unwrap().state().name(), "ivr");

    assert!(rig.advance(499).await.is_empty(), "not yet");
    assert_eq!(rig.advance(1).await, [TelephonyReport::IvrReturned(call.clone())]);
    let after = rig.sim.call(&call).unwrap();
    assert!(after.party(&ivr(RETURNING)).is_none());
    assert_eq!(after.state(), SimCallState::Queued, "the center queues it again");
    assert_eq!(after.parties.len(), 1);
}

#[tokio::test]
async fn a_suspending_agent_stays_held_in_the_call_and_has_it_back() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.sim.execute(SwitchAction::Hold { call: call.clone(), agent: work(101) });
    rig.connect_ivr(&call, RETURNING);
    assert_eq!(rig.sim.call(&call).unwrap().state(), SimCallState::InIvr);
    assert_eq!(rig.advance(500).await, [TelephonyReport::IvrReturned(call.clone())]);
    let after = rig.sim.call(&call).unwrap();
    assert!(!after.queued);
    assert_eq!(rig.state_of(&call, &Party::Agent(work(101))), Some(SimPartyState::Held));
    rig.sim.execute(SwitchAction::Retrieve { call: call.clone(), agent: work(101) });
    assert_eq!(rig.sim.call(&call).unwrap().state(), SimCallState::Talking);
}

#[tokio::test]
async fn a_releasing_flow_ends_the_call_after_its_time() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.sim.execute(SwitchAction::Hold { call: call.clone(), agent: work(101) });
    rig.connect_ivr(&call, RELEASING);
    assert_eq!(rig.advance(500).await, [TelephonyReport::IvrReleased(call.clone())]);
    assert!(rig.sim.call(&call).is_none());
}

#[tokio::test]
async fn the_customer_hanging_up_in_a_flow_ends_the_call_even_with_an_agent_waiting() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.sim.execute(SwitchAction::Hold { call: call.clone(), agent: work(101) });
    rig.connect_ivr(&call, RETURNING);
    assert!(rig.sim.hang_up(&call));
    assert_eq!(rig.taken(), [TelephonyReport::CustomerHungUp(call.clone())]);
    assert!(rig.sim.call(&call).is_none());
    assert!(rig.advance(500).await.is_empty(), "the flow's end finds no call");
}

#[tokio::test]
async fn a_stay_ended_by_hand_is_not_ended_again_by_its_timer() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.sim.execute(SwitchAction::Drop { call: call.clone(), party: Party::Agent(work(101)) });
    rig.connect_ivr(&call, RETURNING);
    let after = rig.sim.end_ivr(&call, Some(IvrEnd::Release)).unwrap();
    assert!(after.is_none(), "released: the call is over");
    assert_eq!(rig.taken(), [TelephonyReport::IvrReleased(call.clone())]);
    assert!(rig.advance(500).await.is_empty());

    let second = rig.talking_call();
    rig.connect_ivr(&second, RELEASING);
    // Without an end, the flow ends as configured.
    assert_eq!(rig.sim.end_ivr(&second, None), Ok(None));
    assert_eq!(rig.taken(), [TelephonyReport::IvrReleased(second.clone())]);

    let third = rig.talking_call();
    assert_eq!(rig.sim.end_ivr(&third, None), Err(SimError::NotInIvr(third.clone())));
    assert_eq!(rig.sim.end_ivr(&second, None), Err(SimError::NoSuchCall(second.clone())));
    assert!(rig.sim.call(&third).unwrap().party(&number(CUSTOMER)).is_some());
}

#[tokio::test]
async fn an_access_code_without_a_flow_returns_the_call_at_once() {
    let mut rig = rig(&[]);
    let call = rig.talking_call();
    rig.sim.execute(SwitchAction::Hold { call: call.clone(), agent: work(101) });
    rig.connect_ivr(&call, "4999");
    assert_eq!(rig.settled().await, [TelephonyReport::IvrReturned(call.clone())]);
    assert!(!rig.sim.call(&call).unwrap().in_ivr());
}
