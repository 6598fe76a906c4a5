//! Calls in IVR flows (spec 04 §2.9 `devicetype` 3, 03 S19): an agent sends its talking
//! call to a flow of its VDN, named by access code; the switch runs the flow and reports
//! when it returns the call or releases the customer.
//!
//! While a call is in a flow (`CallState::InIvr`) its parties are the customer and the
//! flow ([`Party::Ivr`]), plus, after a suspend, the agent on hold.
//!
//! - *Blind* (mode 0): the agent leaves as in every blind transfer (`Call_Release`,
//!   `PhoneRelease{2}`, its state after the call). When the flow returns the call, it
//!   queues again in its skill (its limits apply as to any call) and the next agent's
//!   Ringing says `transfrom` = the agent who sent it to the flow.
//! - *Suspend* (mode 1): the agent stays in the call, on hold, busy (`Talking` state, no
//!   offers) and gets no event now. It cannot retrieve, transfer, join or mute the call
//!   meanwhile; it may release it, and may work with its other calls. When the flow
//!   returns the call the agent hears `AgentEvent_ReturnFromIvr` (the call id) and, if
//!   the call is its current one, `AgentEvent_Talking`: it talks with the customer
//!   again. If it made another call current meanwhile, the returned call stays on hold
//!   behind it until `gethold`.
//! - The suspending agent who releases the call (or is signed out) leaves it as in a
//!   blind transfer: the customer stays in the flow, and a returned call queues.
//! - A flow that releases the customer ends the call: outcome `answered`, ended by
//!   `ivr`; a suspended agent hears what an agent left alone hears (S21).
//! - The customer hanging up in a flow ends the call (ended by `customer`); a suspended
//!   agent hears S21.

use super::legs::Leave;
use super::{Center, Effect, Effects, Party, SwitchAction};
use crate::call::{Call, CallParty, CallState, Leg};
use crate::event::AgentEvent;
use crate::ids::{CallId, Vdn, WorkNo};
use crate::ivr::{IvrFlow, IvrId};
use crate::time::Timestamp;

impl Center {
    /// Replaces the IVR flows (checked by [`crate::check_flows`] beforehand). Calls in a
    /// flow that is no longer configured stay there until the switch ends it.
    pub fn configure_ivr_flows(&mut self, flows: Vec<IvrFlow>) {
        self.ivr_flows = flows.into_iter().map(|flow| ((flow.vdn, flow.id), flow)).collect();
    }

    pub fn ivr_flow(&self, vdn: Vdn, id: IvrId) -> Option<&IvrFlow> {
        self.ivr_flows.get(&(vdn, id))
    }

    /// The IVR flows of a VDN, by id.
    pub fn ivr_flows(&self, vdn: Vdn) -> impl Iterator<Item = &IvrFlow> {
        self.ivr_flows.values().filter(move |flow| flow.vdn == vdn)
    }

    pub fn ivr_flow_with_code(&self, vdn: Vdn, access_code: &str) -> Option<&IvrFlow> {
        self.ivr_flows(vdn).find(|flow| flow.access_code == access_code)
    }

    /// The calls in one IVR flow, in the order they entered it.
    pub fn calls_in_ivr(&self, vdn: Vdn, flow: IvrId) -> Vec<&Call> {
        let mut calls: Vec<(Timestamp, u64, &Call)> = (self.calls.values())
            .filter_map(|call| match call.state {
                CallState::InIvr { flow: its, since, .. } if its == flow && call.info.vdn == vdn => {
                    Some((since, call.seq, call))
                }
                _ => None,
            })
            .collect();
        calls.sort_by_key(|&(since, seq, _)| (since, seq));
        calls.into_iter().map(|(_, _, call)| call).collect()
    }

    /// Sends the agent's talking call to the flow with `access_code` (known to exist):
    /// the agent leaves, or with `suspend` waits on hold in the call.
    pub(super) fn transfer_to_ivr(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        access_code: &str,
        suspend: bool,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(call) = self.calls.get(call_id) else { return };
        let vdn = call.info.vdn;
        let Some(flow) = self.ivr_flow_with_code(vdn, access_code).map(|flow| flow.id) else { return };
        if suspend {
            self.hold_for_transfer(work_no, call_id, fx);
        }
        if let Some(call) = self.calls.get_mut(call_id) {
            call.parties.push(CallParty::new(Party::Ivr(access_code.to_owned()), Leg::Connected));
            let returns_to = suspend.then_some(work_no);
            call.state = CallState::InIvr { flow, since: now, returns_to };
        }
        let access_code = access_code.to_owned();
        fx.push(Effect::Switch(SwitchAction::ConnectIvr { call: call_id.clone(), vdn, access_code }));
        if !suspend {
            self.hand_over(work_no, call_id, now, fx);
        }
    }

    /// The call's stay in its flow is over: the flow leaves it. Returns the agent who
    /// waits for it, if any.
    fn leave_ivr(&mut self, call_id: &CallId, now: Timestamp) -> Option<Option<WorkNo>> {
        let call = self.calls.get_mut(call_id)?;
        let CallState::InIvr { returns_to, .. } = call.state else { return None };
        call.parties.retain(|party| !matches!(party.party, Party::Ivr(_)));
        call.state = CallState::Live { since: now };
        Some(returns_to)
    }

    /// The switch reports that the flow returned the call.
    pub fn ivr_returned(&mut self, call_id: &CallId, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let Some(returns_to) = self.leave_ivr(call_id, now) else { return fx };
        match returns_to {
            Some(agent) => self.back_from_ivr(agent, call_id, &mut fx),
            None => {
                let skill = self.calls.get(call_id).map(Call::skill);
                if let Some(skill) = skill {
                    self.enqueue(call_id, skill, now, &mut fx);
                }
            }
        }
        fx
    }

    /// The suspending agent has its call back: it talks in it again if it is its current
    /// call; otherwise the call stays on hold behind the current one.
    fn back_from_ivr(&mut self, agent: WorkNo, call_id: &CallId, fx: &mut Effects) {
        Self::emit(fx, agent, AgentEvent::ReturnFromIvr(call_id.clone()));
        let current = self.agents.get(&agent).and_then(|a| a.state.call()) == Some(call_id);
        if !current {
            return;
        }
        self.set_leg(call_id, agent, Leg::Connected);
        fx.push(Effect::Switch(SwitchAction::Retrieve { call: call_id.clone(), agent }));
        if let Some(info) = self.calls.get(call_id).map(Call::event_info) {
            Self::emit(fx, agent, AgentEvent::Talking(info));
        }
    }

    /// The switch reports that the flow released the customer: the call ends.
    pub fn ivr_released(&mut self, call_id: &CallId, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        if self.leave_ivr(call_id, now).is_some() {
            self.customer_leaves(call_id, Leave::ReleasedByIvr, now, &mut fx);
        }
        fx
    }

    /// The customer hung up while the call was in a flow.
    pub(super) fn hung_up_in_ivr(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        if self.leave_ivr(call_id, now).is_some() {
            self.customer_leaves(call_id, Leave::HungUp, now, fx);
        }
    }

    /// The party outside the center the call is for leaves it.
    fn customer_leaves(&mut self, call_id: &CallId, why: Leave, now: Timestamp, fx: &mut Effects) {
        let customer = self
            .calls
            .get(call_id)
            .and_then(|call| call.parties.iter().find(|p| matches!(p.party, Party::Number(_))))
            .map(|p| p.party.clone());
        if let Some(customer) = customer {
            self.leave(call_id, &customer, why, now, fx);
        }
    }

    /// Whether the call is in an IVR flow.
    pub(super) fn in_ivr(&self, call_id: &CallId) -> bool {
        self.calls.get(call_id).is_some_and(|call| call.ivr_flow().is_some())
    }
}
