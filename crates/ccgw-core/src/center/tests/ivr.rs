//! Transfers to IVR flows (devicetype 3): suspend and blind, the flow returning the call
//! or releasing the customer, the customer hanging up in the flow, and the suspending
//! agent leaving meanwhile.

use super::*;
use crate::call::{CallState, FailReason, Leg};
use crate::center::{CallRequest, Callee, TransferMode, TransferRequest, TransferTarget};
use crate::ivr::{IvrEnd, IvrFlow, IvrId};

const CUSTOMER: &str = "13800000000";
const RETURNING: &str = "4001";
const RELEASING: &str = "4002";

fn flow_id(n: u32) -> IvrId {
    IvrId::new(n).unwrap()
}

/// Flow 1 returns calls, flow 2 releases them (what they do is the switch's business;
/// the center only learns the outcome). VDN 2 has a flow too, invisible to VDN 1.
fn flows() -> Vec<IvrFlow> {
    let flow = |vdn: u16, id: u32, code: &str, end: IvrEnd| IvrFlow {
        vdn: Vdn::new(vdn).unwrap(),
        id: flow_id(id),
        name: format!("Flow {id}"),
        access_code: code.into(),
        hold: Duration::from_secs(5),
        end,
    };
    vec![
        flow(1, 1, RETURNING, IvrEnd::Return),
        flow(1, 2, RELEASING, IvrEnd::Release),
        flow(2, 1, "4003", IvrEnd::Return),
    ]
}

fn to_ivr(code: &str, mode: TransferMode) -> TransferRequest {
    TransferRequest { target: TransferTarget::Ivr(code.into()), mode, caller: None, call_data: None }
}

/// Agent 101 talks with customer call 1 (answered at 20 ms); agent 103 (skill 1) is idle
/// since 26 ms, before 101 could become idle again.
fn talking() -> Center {
    let mut c = center();
    c.configure_ivr_flows(flows());
    customer_answered_at_101(&mut c);
    c.sign_in(sign_in(103, false), at(26)).unwrap();
    c
}

/// `talking`, then 101 suspends the call in flow `code` at 30 ms.
fn suspended(code: &str) -> Center {
    let mut c = talking();
    let fx = c.transfer(work(101), placed(1), to_ivr(code, TransferMode::Suspend), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![], "a suspend tells the agent nothing yet");
    c.check_invariants().unwrap();
    c
}

fn state(c: &Center) -> Option<CallState> {
    c.call(&customer_call()).map(|call| call.state().clone())
}

fn leg(c: &Center, n: u32) -> Option<Leg> {
    c.call(&customer_call()).and_then(|call| call.agent_leg(work(n)))
}

/// The customer call as an agent it reaches after 101 sent it away sees it.
fn transferred_info() -> CallInfo {
    CallInfo { transferred_from: Some("101".into()), ..info(1) }
}

fn answered_by_101(ended_by: EndedBy) -> CallOutcome {
    CallOutcome::Answered { agent: work(101), answered_at: at(20), ended_by }
}

#[test]
fn suspend_holds_the_agent_in_the_call_and_connects_the_flow() {
    let mut c = talking();
    let fx = c.transfer(work(101), placed(1), to_ivr(RETURNING, TransferMode::Suspend), at(30)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![]);
    assert_eq!(
        switch_actions(&fx),
        vec![
            SwitchAction::Hold { call: customer_call(), agent: work(101) },
            SwitchAction::ConnectIvr { call: customer_call(), vdn: vdn(), access_code: RETURNING.into() },
        ]
    );
    assert_eq!(state(&c), Some(CallState::InIvr { flow: flow_id(1), since: at(30), returns_to: Some(work(101)) }));
    let parties: Vec<Party> = c.call(&customer_call()).unwrap().parties().iter().map(|p| p.party.clone()).collect();
    assert_eq!(parties, [Party::Number(CUSTOMER.into()), Party::Agent(work(101)), Party::Ivr(RETURNING.into())]);
    assert_eq!(leg(&c, 101), Some(Leg::Held));
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    assert!(!c.agent(work(101)).unwrap().is_available(), "no offers while waiting for the flow");
    let in_flow: Vec<&CallId> = c.calls_in_ivr(vdn(), flow_id(1)).into_iter().map(Call::id).collect();
    assert_eq!(in_flow, [&customer_call()]);
    assert!(c.calls_in_ivr(vdn(), flow_id(2)).is_empty());
    let stats = c.agent(work(101)).unwrap().statistics(at(30));
    assert_eq!((stats.transfers_made, stats.transfers_to_ivr), (1, 1), "counted as a transfer, and one to IVR");
    c.check_invariants().unwrap();
}

#[test]
fn suspend_and_return_tells_return_from_ivr_then_talking() {
    let mut c = suspended(RETURNING);
    let fx = c.ivr_returned(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 101), vec![E::ReturnFromIvr(customer_call()), E::Talking(info(1))]);
    assert_eq!(switch_actions(&fx), vec![SwitchAction::Retrieve { call: customer_call(), agent: work(101) }]);
    assert_eq!(state(&c), Some(CallState::Live { since: at(5_030) }));
    assert_eq!(leg(&c, 101), Some(Leg::Connected));
    c.check_invariants().unwrap();
    // A stale report changes nothing.
    assert!(c.ivr_returned(&customer_call(), at(5_031)).is_empty());

    // The agent talks with the customer again, and hangs up as usual (S20).
    let fx = c.release(work(101), at(6_000)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![
            E::CallRelease(customer_call()),
            E::CustomerRelease { call: customer_call(), number: CUSTOMER.into() },
            E::PhoneRelease(PhoneReleasedBy::Agent),
            E::Ready
        ]
    );
    let end = &ended(&fx)[0];
    assert_eq!(end.outcome, answered_by_101(EndedBy::Agent));
    assert_eq!(end.talked, [work(101)]);
    c.check_invariants().unwrap();
}

#[test]
fn suspend_and_release_tells_the_agent_the_customer_left() {
    let mut c = suspended(RELEASING);
    let fx = c.ivr_released(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 101), left_alone(customer_call(), CUSTOMER));
    assert_eq!(switch_actions(&fx), vec![SwitchAction::Release { call: customer_call() }]);
    assert_eq!(outcomes(&fx), vec![answered_by_101(EndedBy::Ivr)]);
    assert!(c.call(&customer_call()).is_none());
    c.check_invariants().unwrap();
}

#[test]
fn blind_to_ivr_releases_the_agent_and_a_returned_call_queues_in_its_skill() {
    let mut c = talking();
    let fx = c.transfer(work(101), placed(1), to_ivr(RETURNING, TransferMode::Blind), at(30)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]
    );
    assert_eq!(
        switch_actions(&fx),
        vec![
            SwitchAction::ConnectIvr { call: customer_call(), vdn: vdn(), access_code: RETURNING.into() },
            SwitchAction::Drop { call: customer_call(), party: Party::Agent(work(101)) },
        ]
    );
    assert_eq!(state(&c), Some(CallState::InIvr { flow: flow_id(1), since: at(30), returns_to: None }));
    assert_eq!(events_for(&fx, 103), vec![], "a call in a flow is offered to nobody");
    c.check_invariants().unwrap();

    // Back in skill 1: the longest idle agent (103) rings, told who sent the call away.
    let fx = c.ivr_returned(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 101), vec![]);
    assert_eq!(
        events_for(&fx, 103),
        vec![
            E::IncomingCallInfo(incoming(1, &[])),
            E::Occupied,
            E::PhoneAlerting,
            E::PhoneOffhook,
            E::Ringing(transferred_info())
        ]
    );
    assert_eq!(c.call(&customer_call()).unwrap().route(), &[skill(1), skill(1)]);
    c.check_invariants().unwrap();
    c.answer(work(103), None, at(5_040)).unwrap();
    let fx = c.customer_hung_up(&customer_call(), at(6_000));
    let end = &ended(&fx)[0];
    assert_eq!(end.outcome, answered_by_101(EndedBy::Customer));
    assert_eq!(end.talked, [work(101), work(103)]);
}

#[test]
fn blind_to_a_releasing_flow_ends_the_call_ended_by_the_ivr() {
    let mut c = talking();
    c.transfer(work(101), placed(1), to_ivr(RELEASING, TransferMode::Blind), at(30)).unwrap();
    let fx = c.ivr_released(&customer_call(), at(5_030));
    assert!(fx.iter().all(|effect| !matches!(effect, Effect::Event { .. })), "nobody is left to tell");
    assert_eq!(switch_actions(&fx), vec![SwitchAction::Release { call: customer_call() }]);
    assert_eq!(outcomes(&fx), vec![answered_by_101(EndedBy::Ivr)]);
    c.check_invariants().unwrap();
}

#[test]
fn the_customer_hanging_up_in_a_flow_ends_the_call() {
    let mut c = suspended(RETURNING);
    let fx = c.customer_hung_up(&customer_call(), at(1_000));
    assert_eq!(events_for(&fx, 101), left_alone(customer_call(), CUSTOMER));
    assert_eq!(outcomes(&fx), vec![answered_by_101(EndedBy::Customer)]);
    assert!(c.calls_in_ivr(vdn(), flow_id(1)).is_empty());
    c.check_invariants().unwrap();
    assert!(c.ivr_returned(&customer_call(), at(5_030)).is_empty(), "the flow's end finds no call");

    // After a blind transfer nobody is told; the switch's far-end report works the same.
    let mut c = talking();
    c.transfer(work(101), placed(1), to_ivr(RETURNING, TransferMode::Blind), at(30)).unwrap();
    let fx = c.far_end_hung_up(&customer_call(), CUSTOMER, at(1_000));
    assert!(fx.iter().all(|effect| !matches!(effect, Effect::Event { .. })));
    assert_eq!(outcomes(&fx), vec![answered_by_101(EndedBy::Customer)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_forced_sign_out_during_suspend_leaves_the_call_in_the_flow_as_if_blind() {
    let mut c = suspended(RETURNING);
    assert_eq!(c.sign_out(work(101), SignOut::Logout, at(100)).unwrap_err(), Refusal::SignOutInCall);
    let fx = c.sign_out(work(101), SignOut::Forced { reason: 1 }, at(100)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::CallRelease(customer_call()), E::ShutdownService { login_time: at(0) }]);
    assert_eq!(switch_actions(&fx), vec![SwitchAction::Drop { call: customer_call(), party: Party::Agent(work(101)) }]);
    assert_eq!(state(&c), Some(CallState::InIvr { flow: flow_id(1), since: at(30), returns_to: None }));
    c.check_invariants().unwrap();
    let fx = c.ivr_returned(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 103).last(), Some(&E::Ringing(transferred_info())));
    c.check_invariants().unwrap();
}

#[test]
fn the_suspending_agent_releasing_leaves_the_customer_in_the_flow() {
    let mut c = suspended(RELEASING);
    let fx = c.release(work(101), at(100)).unwrap();
    assert_eq!(
        events_for(&fx, 101),
        vec![E::CallRelease(customer_call()), E::PhoneRelease(PhoneReleasedBy::Agent), E::Ready]
    );
    assert!(outcomes(&fx).is_empty(), "the call goes on in the flow");
    assert_eq!(c.calls_in_ivr(vdn(), flow_id(2)).len(), 1);
    c.check_invariants().unwrap();
    let fx = c.ivr_released(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 101), vec![]);
    assert_eq!(outcomes(&fx), vec![answered_by_101(EndedBy::Ivr)]);
}

#[test]
fn a_suspended_call_cannot_be_retrieved_transferred_held_or_muted() {
    let mut c = suspended(RETURNING);
    assert_eq!(c.retrieve(work(101), None, at(40)).unwrap_err(), Refusal::RetrieveNotPossible);
    assert_eq!(c.retrieve(work(101), Some(&customer_call()), at(40)).unwrap_err(), Refusal::RetrieveNotPossible);
    assert_eq!(c.hold(work(101), at(40)).unwrap_err(), Refusal::HoldNotPossible);
    assert_eq!(c.mute(work(101), true, at(40)).unwrap_err(), Refusal::MuteNotPossible);
    let again = c.transfer(work(101), placed(2), to_ivr(RETURNING, TransferMode::Suspend), at(40));
    assert_eq!(again.unwrap_err(), Refusal::NoCallToTransfer);
    let skill_transfer = TransferRequest { target: TransferTarget::Skill(skill(2)), ..to_ivr("", TransferMode::Blind) };
    assert_eq!(c.transfer(work(101), placed(2), skill_transfer, at(40)).unwrap_err(), Refusal::NoCallToTransfer);
    assert_eq!(c.cancel_transfer(work(101), at(40)).unwrap_err(), Refusal::NoTransferToCancel);
    c.check_invariants().unwrap();
}

#[test]
fn a_returned_call_waits_on_hold_while_the_agent_is_in_another_call() {
    let mut c = suspended(RETURNING);
    // Meanwhile 101 calls a number from its off-hook phone.
    let out =
        CallRequest { callee: Callee::Number("5551234".into()), caller: None, skill: None, call_data: String::new() };
    c.place_call(work(101), placed(2), out, at(40)).unwrap();
    assert_eq!(c.agent(work(101)).unwrap().held_calls(), &[customer_call()]);
    c.check_invariants().unwrap();

    let fx = c.ivr_returned(&customer_call(), at(5_030));
    assert_eq!(events_for(&fx, 101), vec![E::ReturnFromIvr(customer_call())]);
    assert_eq!(switch_actions(&fx), vec![]);
    assert_eq!(leg(&c, 101), Some(Leg::Held));
    c.check_invariants().unwrap();

    // 101 gives the call-out up: the returned call is current again, still on hold.
    let fx = c.release(work(101), at(5_100)).unwrap();
    assert_eq!(outcomes(&fx), vec![CallOutcome::Failed { agent: work(101), reason: FailReason::Cancelled }]);
    assert_eq!(c.agent(work(101)).unwrap().state(), &AgentState::Talking { call: customer_call() });
    let fx = c.retrieve(work(101), None, at(5_200)).unwrap();
    assert_eq!(events_for(&fx, 101), vec![E::Talking(info(1))]);
    c.check_invariants().unwrap();
}

#[test]
fn ivr_transfers_need_a_flow_of_the_agents_vdn_and_an_ivr_mode() {
    let mut c = talking();
    for code in ["4999", "4003"] {
        assert_eq!(
            c.transfer(work(101), placed(1), to_ivr(code, TransferMode::Blind), at(30)).unwrap_err(),
            Refusal::TransferTargetUnavailable(format!("no IVR flow has access code {code}"))
        );
    }
    for mode in [TransferMode::Success, TransferMode::Talk, TransferMode::ThreeParty] {
        let refused = c.transfer(work(101), placed(1), to_ivr(RETURNING, mode), at(30)).unwrap_err();
        assert!(matches!(refused, Refusal::InvalidParameter(_)), "{mode:?}: {refused:?}");
    }
    let suspend_to_skill =
        TransferRequest { target: TransferTarget::Skill(skill(2)), ..to_ivr("", TransferMode::Suspend) };
    let refused = c.transfer(work(101), placed(1), suspend_to_skill, at(30)).unwrap_err();
    assert!(matches!(refused, Refusal::InvalidParameter(_)), "{refused:?}");
    assert_eq!(state(&c), Some(CallState::Live { since: at(20) }), "nothing changed");
    c.check_invariants().unwrap();
}

#[test]
fn the_flows_of_a_vdn_and_the_calls_in_a_flow_in_arrival_order() {
    let mut c = talking();
    let ids: Vec<u32> = c.ivr_flows(vdn()).map(|flow| flow.id.get()).collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(c.ivr_flow_with_code(vdn(), RELEASING).map(|flow| flow.id), Some(flow_id(2)));
    assert!(c.ivr_flow_with_code(Vdn::new(2).unwrap(), RELEASING).is_none());

    c.transfer(work(101), placed(1), to_ivr(RETURNING, TransferMode::Blind), at(30)).unwrap();
    // Call 2 rings at 103, idle the longest, who answers and suspends it in the same flow.
    c.call_arrived(call(2), at(40));
    c.answer(work(103), None, at(50)).unwrap();
    c.transfer(work(103), placed(2), to_ivr(RETURNING, TransferMode::Suspend), at(60)).unwrap();
    let in_flow: Vec<&CallId> = c.calls_in_ivr(vdn(), flow_id(1)).into_iter().map(Call::id).collect();
    assert_eq!(in_flow, [&customer_call(), &info(2).call]);
    c.check_invariants().unwrap();
}
