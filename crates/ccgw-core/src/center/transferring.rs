//! Transfers (spec 04 §2.9, 03 S19): an agent hands its talking call to a skill, an
//! agent or a number, and cancels a transfer it waits on (`canceltransfer`).
//!
//! - *Blind* (mode 0; mode 1 for a number; mode 3 "specified" to an agent): the agent
//!   leaves at once (`Call_Release`, `PhoneRelease{2}`, its state after the call). To a
//!   skill the call queues there like any call (overflow and limits apply); to an agent
//!   it is offered to that agent, and goes back to its skill queue if not answered; to a
//!   number it is dialled, and if the number cannot be reached the call queues again in
//!   its skill (whose limits apply, as to any call) rather than being dropped.
//! - *Success* (mode 2): the agent holds the call while the target is reached within it
//!   (to a skill: an idle agent of it, picked now). When the target answers the agent
//!   hears `Call_Release`, `AgentEvent_SuccTransResult{result 0}`, `PhoneRelease{3}`;
//!   when it does not, `Connect_Fail`, `SuccTransResult{result 1}`, and `Talking` (the
//!   agent has the customer back).
//! - *Talk* (mode 3) and *three-party* (mode 4), to a number: a consultation call is
//!   placed while the customer is held. Talk: when the agent hangs up, the customer and
//!   the number are connected. Three-party: a conference forms when the number answers;
//!   when the agent hangs up the other two go on.
//! - To an IVR flow (by its access code), blind (mode 0) or suspended (mode 1): see
//!   `center::ivr`.
//! - A transferred call keeps its id, feature and call data; the next agent's Ringing
//!   says `transfer: "yes"` and `transfrom` is the transferring agent.
//! - Refused: no talking call (`200-012`); an internal call, a call with more than one
//!   other party, or one already being transferred (`200-012`); a blind transfer of a
//!   call-out to a number (`200-012`); an unknown skill, an agent not signed in or not
//!   idle, no idle agent in the skill for a success transfer, an access code no IVR flow
//!   of the VDN has, or a mode the target does not take (`000-002`).

use super::legs::Afterwards;
use super::placing::{CallRequest, Callee, MAX_DIALLED_LEN};
use super::{Center, Effect, Effects, Party, SwitchAction, Timer};
use crate::agent::AgentState;
use crate::call::{AfterConsult, Call, CallParty, FailReason, Leg, Transfer, party_number};
use crate::directory::RoutingPolicy;
use crate::event::{AgentEvent, CallFeature, PhoneReleasedBy};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Where a call is transferred to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TransferTarget {
    Skill(SkillId),
    Agent(WorkNo),
    /// An external number or a system access code.
    Number(String),
    /// The IVR flow of the agent's VDN with this access code.
    Ivr(String),
}

/// How the transferring agent leaves (spec 04 §2.9 mode meanings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TransferMode {
    Blind,
    Success,
    Talk,
    ThreeParty,
    /// To an IVR flow and back to the same agent.
    Suspend,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransferRequest {
    pub target: TransferTarget,
    pub mode: TransferMode,
    /// The number the target sees (numbers only); the customer's when `None`.
    pub caller: Option<String>,
    /// New call data for the call (`callappdata`); kept as it is when `None`.
    pub call_data: Option<String>,
}

/// A number a call may be transferred to: 1-24 of `0-9 A-E a-e * #` (spec 04 §2.9).
fn is_transfer_number(number: &str) -> bool {
    (1..=MAX_DIALLED_LEN).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit() || matches!(b.to_ascii_uppercase(), b'A'..=b'E' | b'*' | b'#'))
}

impl Center {
    /// `transfer`: hands the agent's talking call over. `id` is used only by the talk and
    /// three-party modes, which place a call of their own.
    pub fn transfer(
        &mut self,
        work_no: WorkNo,
        id: CallId,
        request: TransferRequest,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let call_id = self.transferable_call(work_no)?;
        let call = self.calls.get(&call_id).ok_or(Refusal::NoCallToTransfer)?;
        let to_ivr = matches!(request.target, TransferTarget::Ivr(_));
        let vdn = call.info.vdn;
        let skill = call.skill();
        let customer = call.parties.iter().find(|p| p.party != Party::Agent(work_no)).map(|p| party_number(&p.party));
        match (&request.target, request.mode) {
            (TransferTarget::Number(number), _) if !is_transfer_number(number) => return Err(Refusal::NumberInvalid),
            (TransferTarget::Number(_), TransferMode::Blind) if call.feature == CallFeature::Outbound => {
                return Err(Refusal::TransferNotPossible("a call-out cannot be blind-transferred to a number".into()));
            }
            (TransferTarget::Skill(_) | TransferTarget::Agent(_), TransferMode::Talk | TransferMode::ThreeParty) => {
                return Err(Refusal::InvalidParameter("talk and three-party transfers go to a number".into()));
            }
            (TransferTarget::Skill(target), _) if !self.skills.contains_key(&(vdn, *target)) => {
                return Err(Refusal::InvalidParameter(format!("no skill queue {target} in the agent's VDN")));
            }
            (TransferTarget::Ivr(code), _) if self.ivr_flow_with_code(vdn, code).is_none() => {
                return Err(Refusal::TransferTargetUnavailable(format!("no IVR flow has access code {code}")));
            }
            (TransferTarget::Ivr(_), TransferMode::Blind | TransferMode::Suspend) => {}
            (TransferTarget::Ivr(_), _) => {
                return Err(Refusal::InvalidParameter("an IVR transfer is blind or suspends the call".into()));
            }
            (_, TransferMode::Suspend) => {
                return Err(Refusal::InvalidParameter("only a transfer to an IVR flow suspends the call".into()));
            }
            _ => {}
        }
        let caller = request.caller.filter(|caller| !caller.is_empty()).or(customer).unwrap_or_default();
        // Everything that can refuse is checked before anything changes.
        let picked = match (&request.target, request.mode) {
            (TransferTarget::Skill(target), TransferMode::Success) => {
                let policy = self.skills.get(&(vdn, *target)).map_or(RoutingPolicy::default(), |s| s.policy);
                let picked = self.pools.get(&(vdn, *target)).and_then(|pool| pool.pick(policy));
                Some(picked.ok_or(Refusal::NoIdleAgent)?)
            }
            (TransferTarget::Agent(target), _) => {
                self.check_transfer_agent(work_no, *target)?;
                Some(*target)
            }
            _ => None,
        };
        let mut fx = Effects::new();
        if let TransferTarget::Number(number) = &request.target
            && matches!(request.mode, TransferMode::Talk | TransferMode::ThreeParty)
        {
            let then = if request.mode == TransferMode::Talk {
                AfterConsult::TransferOnRelease
            } else {
                AfterConsult::Conference
            };
            let call_data = request.call_data.clone().unwrap_or_else(|| call.info.call_data.clone());
            let callee = Callee::Number(number.clone());
            let placed = CallRequest { callee, caller: Some(caller.clone()), skill: Some(skill), call_data };
            fx = self.place(work_no, id, placed, Some(then), now)?;
        }
        if let Some(call_data) = request.call_data
            && let Some(call) = self.calls.get_mut(&call_id)
        {
            call.info.call_data = call_data;
        }
        match (request.target, request.mode, picked) {
            (_, TransferMode::Talk | TransferMode::ThreeParty, _) => {}
            (TransferTarget::Ivr(code), mode, _) => {
                self.transfer_to_ivr(work_no, &call_id, &code, mode == TransferMode::Suspend, now, &mut fx);
            }
            // Refused above: only an IVR transfer suspends.
            (_, TransferMode::Suspend, _) => {}
            (TransferTarget::Skill(target), TransferMode::Blind, _) => {
                self.hand_over(work_no, &call_id, now, &mut fx);
                self.enqueue(&call_id, target, now, &mut fx);
            }
            (TransferTarget::Skill(_) | TransferTarget::Agent(_), TransferMode::Success, Some(target)) => {
                self.transfer_to_agent_within(work_no, &call_id, target, now, &mut fx);
            }
            (TransferTarget::Agent(target), _, _) => {
                self.hand_over(work_no, &call_id, now, &mut fx);
                self.restart_queue_wait(&call_id, now, &mut fx);
                self.make_offer(&call_id, target, now, &mut fx);
            }
            (TransferTarget::Number(number), TransferMode::Blind, _) => {
                self.hand_over(work_no, &call_id, now, &mut fx);
                self.dial_within(work_no, &call_id, number, caller, true, now, &mut fx);
            }
            (TransferTarget::Number(number), _, _) => {
                self.hold_for_transfer(work_no, &call_id, &mut fx);
                self.dial_within(work_no, &call_id, number, caller, false, now, &mut fx);
            }
            (TransferTarget::Skill(_), TransferMode::Success, None) => {}
        }
        self.tally(work_no, |stats| {
            stats.transfers_made += 1;
            stats.transfers_to_ivr += u32::from(to_ivr);
        });
        Ok(fx)
    }

    /// The agent's current call, if it may be transferred now.
    fn transferable_call(&self, work_no: WorkNo) -> Result<CallId, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Talking { call: call_id } = &agent.state else { return Err(Refusal::NoCallToTransfer) };
        let call = self.calls.get(call_id).filter(|call| call.is_talking(work_no)).ok_or(Refusal::NoCallToTransfer)?;
        if call.feature.is_internal() {
            return Err(Refusal::TransferNotPossible("a call between agents cannot be transferred".into()));
        }
        if call.transfer.is_some() {
            return Err(Refusal::TransferNotPossible("a transfer of this call is under way".into()));
        }
        if call.parties.len() != 2 {
            return Err(Refusal::TransferNotPossible("only a call with one other party can be transferred".into()));
        }
        // Left with another agent (its customer hung up a conference), the call is
        // between agents now, whatever it started as.
        if call.parties.iter().any(|p| matches!(p.party, Party::Agent(other) if other != work_no)) {
            return Err(Refusal::TransferNotPossible("a call between agents cannot be transferred".into()));
        }
        Ok(call_id.clone())
    }

    /// A target agent must be signed in to the same VDN and idle.
    fn check_transfer_agent(&self, work_no: WorkNo, target: WorkNo) -> Result<(), Refusal> {
        if target == work_no {
            return Err(Refusal::InvalidParameter("an agent cannot transfer a call to itself".into()));
        }
        let vdn = self.agents.get(&work_no).map(|a| a.profile.vdn);
        match self.agents.get(&target) {
            Some(agent) if Some(agent.profile.vdn) == vdn => match agent.state {
                AgentState::Idle { .. } => Ok(()),
                _ => Err(Refusal::TransferTargetUnavailable(format!("agent {target} is not idle"))),
            },
            _ => Err(Refusal::TransferTargetUnavailable(format!("agent {target} is not signed in"))),
        }
    }

    /// A call offered straight to an agent falls back to its skill queue if not answered:
    /// its wait there starts now, under a fresh queue-wait deadline (a new hop, so the
    /// deadline of its first wait no longer applies).
    fn restart_queue_wait(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let skill = call.skill();
        call.route.push(skill);
        call.queued_since = now;
        let hop = call.route.len();
        let max_wait = self.skills.get(&(call.info.vdn, skill)).and_then(|s| s.limits.max_wait);
        if let Some(max_wait) = max_wait {
            fx.push(Effect::Timer { at: now.plus(max_wait), timer: Timer::QueueWait { call: call_id.clone(), hop } });
        }
    }

    /// A blind transfer: the agent leaves the call now.
    pub(super) fn hand_over(&mut self, work_no: WorkNo, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.transferred_from = Some(work_no);
        Self::emit(fx, work_no, AgentEvent::CallRelease(call_id.clone()));
        self.step_out(work_no, call_id, PhoneReleasedBy::Agent, now, fx);
    }

    /// The transferring agent leaves a call that goes on without it (the events before
    /// `PhoneRelease` are the caller's to tell).
    fn step_out(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        phone: PhoneReleasedBy,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let skill = self.calls.get(call_id).map(Call::skill);
        self.drop_party(call_id, &Party::Agent(work_no));
        fx.push(Effect::Switch(SwitchAction::Drop { call: call_id.clone(), party: Party::Agent(work_no) }));
        self.take_off_agent(work_no, call_id, Some(phone), Afterwards::Talked(skill), now, fx);
    }

    pub(super) fn hold_for_transfer(&mut self, work_no: WorkNo, call_id: &CallId, fx: &mut Effects) {
        self.set_leg(call_id, work_no, Leg::Held);
        fx.push(Effect::Switch(SwitchAction::Hold { call: call_id.clone(), agent: work_no }));
    }

    fn start_transfer(&mut self, work_no: WorkNo, call_id: &CallId, to: Party, blind: bool) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let previous_from = call.transferred_from;
        call.transferred_from = Some(work_no);
        call.parties.push(CallParty::new(to.clone(), Leg::Setup));
        call.transfer = Some(Transfer { by: work_no, to, blind, previous_from });
    }

    /// A success transfer to an idle agent: it rings within the held call.
    fn transfer_to_agent_within(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        target: WorkNo,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(AgentState::Idle { since }) = self.agents.get(&target).map(|a| a.state.clone()) else { return };
        self.hold_for_transfer(work_no, call_id, fx);
        self.start_transfer(work_no, call_id, Party::Agent(target), false);
        let ring_timeout = self.settings.ring_timeout;
        self.start_setup_step(call_id, ring_timeout, now, fx);
        self.ring_called_agent(call_id, work_no, target, since, now, fx);
    }

    /// The number is dialled as a new party of the call.
    #[allow(clippy::too_many_arguments)]
    fn dial_within(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        number: String,
        caller: String,
        blind: bool,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        self.start_transfer(work_no, call_id, Party::Number(number.clone()), blind);
        let dial_timeout = self.settings.dial_timeout;
        self.start_setup_step(call_id, dial_timeout, now, fx);
        fx.push(Effect::Switch(SwitchAction::Dial { call: call_id.clone(), number, caller }));
    }

    /// The target answered: it talks with the customer, and a waiting agent leaves.
    pub(super) fn transfer_connected(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let Some(transfer) = call.transfer.take() else { return };
        call.attempt += 1;
        if let Some(party) = call.party_mut(&transfer.to) {
            party.leg = Leg::Connected;
        }
        if let Party::Agent(target) = transfer.to {
            call.mark_talked(target);
            let info = call.event_info();
            self.set_state(target, AgentState::Talking { call: call_id.clone() }, now);
            Self::emit(fx, target, AgentEvent::Talking(info));
            if let Some(phone) = self.agents.get(&target).map(|a| a.phone.clone()) {
                fx.push(Effect::Switch(SwitchAction::Connect { call: call_id.clone(), agent: target, phone }));
            }
        }
        if transfer.blind {
            return;
        }
        let by = transfer.by;
        Self::emit(fx, by, AgentEvent::CallRelease(call_id.clone()));
        Self::emit(fx, by, AgentEvent::SuccTransResult { call: call_id.clone(), ok: true });
        self.step_out(by, call_id, PhoneReleasedBy::Platform, now, fx);
    }

    /// The target was not reached: a waiting agent has the customer back; after a blind
    /// transfer the call queues again in its skill.
    pub(super) fn transfer_failed(&mut self, call_id: &CallId, reason: FailReason, now: Timestamp, fx: &mut Effects) {
        let Some(transfer) = self.withdraw_transfer(call_id, reason, now, fx) else { return };
        if transfer.blind {
            let skill = self.calls.get(call_id).map(Call::skill);
            if let Some(skill) = skill {
                self.enqueue(call_id, skill, now, fx);
            }
            return;
        }
        let by = transfer.by;
        Self::emit(fx, by, AgentEvent::ConnectFail(call_id.clone()));
        Self::emit(fx, by, AgentEvent::SuccTransResult { call: call_id.clone(), ok: false });
        self.take_back(by, call_id, now, fx);
    }

    /// The transfer is called off (the customer or the agent left, `canceltransfer`).
    pub(super) fn abort_transfer(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        self.withdraw_transfer(call_id, FailReason::Cancelled, now, fx);
    }

    /// Takes the target out of the call; a ringing agent is told why and is free again.
    fn withdraw_transfer(
        &mut self,
        call_id: &CallId,
        reason: FailReason,
        now: Timestamp,
        fx: &mut Effects,
    ) -> Option<Transfer> {
        let call = self.calls.get_mut(call_id)?;
        let transfer = call.transfer.take()?;
        call.attempt += 1;
        call.transferred_from = transfer.previous_from;
        self.drop_party(call_id, &transfer.to);
        fx.push(Effect::Switch(SwitchAction::Drop { call: call_id.clone(), party: transfer.to.clone() }));
        if let Party::Agent(target) = transfer.to {
            let (phone, afterwards) = match reason {
                FailReason::AgentUnavailable => (None, Afterwards::SigningOut),
                FailReason::Timeout => {
                    self.tally(target, |stats| stats.not_answered += 1);
                    Self::emit(fx, target, AgentEvent::NoAnswer(call_id.clone()));
                    (Some(PhoneReleasedBy::Platform), Afterwards::NotTalked)
                }
                FailReason::FarEnd(_) => {
                    Self::emit(fx, target, AgentEvent::CallRelease(call_id.clone()));
                    (Some(PhoneReleasedBy::Agent), Afterwards::NotTalked)
                }
                _ => {
                    Self::emit(fx, target, AgentEvent::CallRelease(call_id.clone()));
                    (Some(PhoneReleasedBy::Platform), Afterwards::NotTalked)
                }
            };
            self.take_off_agent(target, call_id, phone, afterwards, now, fx);
        }
        Some(transfer)
    }

    /// The agent talks with the customer again, if the call is its current one.
    fn take_back(&mut self, work_no: WorkNo, call_id: &CallId, _now: Timestamp, fx: &mut Effects) {
        let current = self.agents.get(&work_no).and_then(|a| a.state.call()) == Some(call_id);
        if !current || self.leg_of(call_id, work_no) != Some(Leg::Held) {
            return;
        }
        self.set_leg(call_id, work_no, Leg::Connected);
        fx.push(Effect::Switch(SwitchAction::Retrieve { call: call_id.clone(), agent: work_no }));
        if let Some(info) = self.calls.get(call_id).map(Call::event_info) {
            Self::emit(fx, work_no, AgentEvent::Talking(info));
        }
    }

    /// `canceltransfer`: stops a success transfer the agent waits on, or ends its talk
    /// transfer's or consultation's call; either way the agent has the customer back.
    pub fn cancel_transfer(&mut self, work_no: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let current = agent.state.call().cloned().ok_or(Refusal::NoTransferToCancel)?;
        let call = self.calls.get(&current).ok_or(Refusal::NoTransferToCancel)?;
        if call.transfer.as_ref().is_some_and(|t| t.by == work_no && !t.blind) {
            let mut fx = Effects::new();
            self.abort_transfer(&current, now, &mut fx);
            self.take_back(work_no, &current, now, &mut fx);
            return Ok(fx);
        }
        let about = call.consult.as_ref().map(|c| c.about.clone()).filter(|_| call.placed_by == Some(work_no));
        match about {
            Some(about) if self.leg_of(&about, work_no) == Some(Leg::Held) => self.retrieve(work_no, Some(&about), now),
            _ => Err(Refusal::NoTransferToCancel),
        }
    }

    /// Whether the agent hanging up its current call completes a talk transfer: it talks
    /// in it and still holds the call the transfer is for.
    pub(super) fn completes_talk_transfer(&self, work_no: WorkNo, call_id: &CallId) -> bool {
        let Some(call) = self.calls.get(call_id) else { return false };
        let Some(consult) = &call.consult else { return false };
        consult.then == AfterConsult::TransferOnRelease
            && call.placed_by == Some(work_no)
            && call.is_talking(work_no)
            && self.leg_of(&consult.about, work_no) == Some(Leg::Held)
    }
}
