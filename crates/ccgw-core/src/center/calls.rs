//! Call progress at an agent: answer, release, the customer hanging up, ring timeout,
//! wrap-up, and the end of every call with exactly one outcome.
//!
//! Event order (ccgw's choice where spec 03 §3 lists a set):
//! - answer: `AgentEvent_Customer_Alerting`, `AgentEvent_Talking` (S9);
//! - agent releases: `Call_Release`, `Customer_Release`, `PhoneRelease{2}`, then the state
//!   after the call (S20);
//! - customer hangs up while talking or ringing: `Customer_Release`, `Call_Release`,
//!   `PhoneRelease{3}`, then the state after the call (S21); after ringing only, an agent
//!   with no waiting request goes back to idle with its old idle time;
//! - ring timeout: `No_Answer`, `PhoneRelease{3}`, `SetNotReady_Success{reason 2}`;
//! - agent releases a call that is still ringing (declines it): `Call_Release`,
//!   `PhoneRelease{2}`, `SetNotReady_Success{reason 7}`; the call goes to the next agent.
//!
//! The state after a call: a waiting `work` request, or `autoenteridle` off, gives
//! wrap-up (`AgentState_SetWork_Success` resp. `AgentState_Work`) for the call's skill's
//! wrap-up time, else the agent's, else the center's, else until `cancelwork`; otherwise
//! a waiting busy or rest request takes effect, otherwise the agent is idle.

use super::legs::Leave;
use super::{Center, Effect, Effects, Party, PhoneLegs, REJECTED_BUSY_REASON, SwitchAction, Timer};
use crate::agent::{AgentState, Pending};
use crate::call::{Call, CallEnd, CallOutcome, CallParty, CallStart, CallState, Leg, OfferPhone};
use crate::event::{AgentEvent, PhoneReleasedBy};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

impl Center {
    pub fn answer(&mut self, work_no: WorkNo, wanted: Option<&CallId>, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Ringing { call: ringing, .. } = &agent.state else {
            return Err(Refusal::NoCallToAnswer);
        };
        if wanted.is_some_and(|wanted| wanted != ringing) {
            return Err(Refusal::NoCallToAnswer);
        }
        let call_id = ringing.clone();
        let call = self.calls.get(&call_id).ok_or(Refusal::NoCallToAnswer)?;
        let called_phone_pending = call.called_phone.is_some_and(|called| called.callee == work_no);
        let phone_not_off_hook = matches!(call.state, CallState::Offered { phone, .. } if phone != OfferPhone::OffHook);
        if phone_not_off_hook && !called_phone_pending && self.settings.phone_legs == PhoneLegs::AnsweredAtPhone {
            // The phone rings: the switch is asked to take it off-hook, which answers.
            return Ok(vec![Effect::Switch(SwitchAction::PickUp { call: call_id, agent: work_no })]);
        }
        if called_phone_pending || phone_not_off_hook {
            // Nothing rings at the agent until its phone is off-hook (`AgentEvent_Ringing`).
            return Err(Refusal::NoCallToAnswer);
        }
        let mut fx = Effects::new();
        if matches!(call.state, CallState::Live { .. }) {
            // An internal call rings here.
            self.connect_called_agent(&call_id, work_no, now, &mut fx);
            return Ok(fx);
        }
        self.connect_offer(&call_id, work_no, now, &mut fx);
        Ok(fx)
    }

    /// The agent answered the call offered to it: it talks, and the switch connects it.
    pub(super) fn connect_offer(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(phone) = self.agents.get(&work_no).map(|agent| agent.phone.clone()) else { return };
        let Some(call) = self.calls.get_mut(call_id) else { return };
        connect_answering_agent(call, work_no, now);
        let info = call.event_info();
        let caller = call.info.caller.clone();
        self.set_state(work_no, AgentState::Talking { call: call_id.clone() }, now);
        self.count_answer(call_id, now);
        self.tally_answer(work_no, call_id);
        Self::emit(fx, work_no, AgentEvent::CustomerAlerting { call: call_id.clone(), other_phone: caller });
        Self::emit(fx, work_no, AgentEvent::Talking(info));
        fx.push(Effect::Switch(SwitchAction::Connect { call: call_id.clone(), agent: work_no, phone }));
    }

    /// `release`: the agent hangs up its current call, or declines the call ringing.
    pub fn release(&mut self, work_no: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let mut fx = Effects::new();
        self.release_current(work_no, now, &mut fx)?;
        Ok(fx)
    }

    /// `release`, also for the handset going down (see `phone_legs`).
    pub(super) fn release_current(&mut self, work_no: WorkNo, now: Timestamp, fx: &mut Effects) -> Result<(), Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        match agent.state.clone() {
            AgentState::Ringing { call, .. } if self.is_offered_to(&call, work_no) => {
                Self::emit(fx, work_no, AgentEvent::CallRelease(call.clone()));
                if self.offer_off_hook(&call) {
                    Self::emit(fx, work_no, AgentEvent::PhoneRelease(PhoneReleasedBy::Agent));
                }
                self.decline(work_no, &call, REJECTED_BUSY_REASON, now, fx);
            }
            AgentState::Talking { call } if self.completes_talk_transfer(work_no, &call) => {
                let about = self.calls.get(&call).and_then(|c| c.consult.as_ref()).map(|c| c.about.clone());
                if let Some(about) = about {
                    self.join(work_no, &call, &about, false, now, fx);
                }
            }
            AgentState::Ringing { call, .. } | AgentState::Talking { call } => {
                self.leave(&call, &Party::Agent(work_no), Leave::Released, now, fx);
            }
            AgentState::Inspecting { .. } => {
                return self.stop_inspecting(work_no, None, false, now).map(|more| fx.extend(more));
            }
            AgentState::Idle { .. }
            | AgentState::NotReady { .. }
            | AgentState::Rest { .. }
            | AgentState::WrapUp { .. } => {
                return Err(Refusal::NoCallToRelease);
            }
        }
        self.tally(work_no, |stats| stats.released += 1);
        Ok(())
    }

    /// The customer (the first party outside the center) hung up. A call that already
    /// ended is ignored.
    pub fn customer_hung_up(&mut self, call_id: &CallId, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let Some(call) = self.calls.get(call_id) else {
            // The customer's call was joined into another just before: the customer is there.
            return match self.joined.get(call_id).cloned() {
                Some(away) => self.far_end_hung_up(&away.into, &away.caller, now),
                None => fx,
            };
        };
        let caller = call.info.caller.clone();
        match call.state.clone() {
            CallState::Queued => {
                self.unqueue(call_id);
                self.finish(call_id, CallOutcome::AbandonedInQueue, now, &mut fx);
            }
            CallState::Offered { agent, .. } => {
                let idle_since = match self.agents.get(&agent).map(|a| &a.state) {
                    Some(AgentState::Ringing { idle_since, .. }) => *idle_since,
                    _ => now,
                };
                Self::emit(&mut fx, agent, AgentEvent::CustomerRelease { call: call_id.clone(), number: caller });
                Self::emit(&mut fx, agent, AgentEvent::CallRelease(call_id.clone()));
                if self.offer_off_hook(call_id) {
                    Self::emit(&mut fx, agent, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
                }
                self.finish(call_id, CallOutcome::AbandonedRinging { agent }, now, &mut fx);
                self.become_available(agent, idle_since, now, &mut fx);
            }
            CallState::Live { .. } => {
                let outside =
                    call.parties.iter().find(|p| matches!(p.party, Party::Number(_))).map(|p| p.party.clone());
                if let Some(outside) = outside {
                    self.leave(call_id, &outside, Leave::HungUp, now, &mut fx);
                }
            }
            CallState::InIvr { .. } => self.hung_up_in_ivr(call_id, now, &mut fx),
        }
        fx
    }

    /// A party outside the center hung up (the far end of a call-out, or the customer).
    pub fn far_end_hung_up(&mut self, call_id: &CallId, number: &str, now: Timestamp) -> Effects {
        let call_id = &self.reported_call(call_id);
        let mut fx = Effects::new();
        let party = Party::Number(number.to_owned());
        match self.calls.get(call_id).map(|call| call.state.clone()) {
            Some(CallState::Live { .. }) => self.leave(call_id, &party, Leave::HungUp, now, &mut fx),
            Some(CallState::Queued | CallState::Offered { .. } | CallState::InIvr { .. })
                if self.is_customer(call_id, number) =>
            {
                fx = self.customer_hung_up(call_id, now);
            }
            _ => {}
        }
        fx
    }

    /// The call a switch report about `call_id` applies to: itself, or, when it was
    /// joined away while the report was on its way, the call it was joined into.
    pub(super) fn reported_call(&self, call_id: &CallId) -> CallId {
        match self.joined.get(call_id) {
            Some(away) if !self.calls.contains_key(call_id) => away.into.clone(),
            _ => call_id.clone(),
        }
    }

    /// Whether `number` is the party outside the center that a queued, offered or IVR
    /// call waits with: the caller, or the far end of a call-out transferred on.
    fn is_customer(&self, call_id: &CallId, number: &str) -> bool {
        self.calls
            .get(call_id)
            .is_some_and(|call| call.info.caller == number || call.party(&Party::Number(number.to_owned())).is_some())
    }

    pub(super) fn ring_timeout(&mut self, call_id: &CallId, offer: u64, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let CallState::Offered { agent, offer: current, .. } = call.state else { return };
        if current != offer {
            return;
        }
        self.counters.entry((call.info.vdn, call.skill())).or_default().no_answer += 1;
        self.tally(agent, |stats| stats.not_answered += 1);
        Self::emit(fx, agent, AgentEvent::NoAnswer(call_id.clone()));
        if self.offer_off_hook(call_id) {
            Self::emit(fx, agent, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
        }
        self.decline(agent, call_id, self.settings.no_answer_busy_reason, now, fx);
    }

    /// The agent did not take an offered call: it is set busy with `reason` (any waiting
    /// request is dropped) and the call goes back to its queue.
    pub(super) fn decline(&mut self, work_no: WorkNo, call_id: &CallId, reason: u16, now: Timestamp, fx: &mut Effects) {
        if let Some(agent) = self.agents.get_mut(&work_no) {
            agent.pending = None;
        }
        self.enter_busy(work_no, reason, false, now, fx);
        self.return_to_queue(call_id, work_no, now, fx);
    }

    pub(super) fn wrap_up_end(
        &mut self,
        work_no: WorkNo,
        login_time: Timestamp,
        ends: Timestamp,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        if agent.login_time != login_time || agent.state != (AgentState::WrapUp { ends: Some(ends) }) {
            return;
        }
        self.become_available(work_no, now, now, fx);
    }

    /// The agent's part in a call is over.
    pub(super) fn after_call(&mut self, work_no: WorkNo, skill: Option<SkillId>, now: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        let requested_work = agent.pending == Some(Pending::Work);
        if requested_work {
            agent.pending = None;
        }
        if !requested_work && agent.auto_enter_idle {
            return self.become_available(work_no, now, now, fx);
        }
        let login_time = agent.login_time;
        let length = skill
            .and_then(|skill| self.skills.get(&(agent.profile.vdn, skill)))
            .and_then(|skill| skill.wrap_up)
            .or(agent.profile.wrap_up)
            .or(self.settings.wrap_up);
        let ends = length.map(|length| now.plus(length));
        self.set_state(work_no, AgentState::WrapUp { ends }, now);
        Self::emit(fx, work_no, if requested_work { AgentEvent::SetWork } else { AgentEvent::Work });
        if let Some(ends) = ends {
            fx.push(Effect::Timer { at: ends, timer: Timer::WrapUpEnd { work_no, login_time, ends } });
        }
    }

    pub(super) fn count_answer(&mut self, call_id: &CallId, now: Timestamp) {
        if let Some(call) = self.calls.get(call_id) {
            let waited = now.since(call.queued_since);
            self.counters.entry((call.info.vdn, call.skill())).or_default().answered_after(waited);
        }
    }

    /// Takes a new call into the center and has it journalled.
    pub(super) fn admit(&mut self, call: Call, fx: &mut Effects) {
        let start = CallStart { call: call.info.clone(), feature: call.feature, arrived: call.arrived };
        fx.push(Effect::CallStarted(Box::new(start)));
        self.calls.insert(call.info.id.clone(), call);
    }

    /// Removes a call from the center with its one outcome.
    pub(super) fn finish(&mut self, call_id: &CallId, outcome: CallOutcome, now: Timestamp, fx: &mut Effects) {
        self.inspected_agent_left(call_id, None, now, fx);
        let Some(call) = self.calls.remove(call_id) else { return };
        self.counters.entry((call.info.vdn, call.skill())).or_default().ended(&outcome);
        let joined_into = match &outcome {
            CallOutcome::Joined { into } => Some(into),
            _ => None,
        };
        // The switch's "customer" of a joined call is the first number outside the center
        // in it: the dialled number of a consultation, the caller of a customer call.
        let outside = call.parties.iter().find_map(|p| match &p.party {
            Party::Number(number) => Some(number.as_str()),
            _ => None,
        });
        self.joined.ended(call_id, outside.unwrap_or(&call.info.caller), joined_into);
        fx.push(Effect::CallEnded(Box::new(CallEnd {
            route: call.route,
            feature: call.feature,
            call: call.info,
            arrived: call.arrived,
            ended: now,
            outcome,
            offered_to: call.offered_to,
            talked: call.talked,
            supervision: call.supervision,
        })));
    }
}

/// The answering agent's leg joins a customer call taken off its queue.
pub(super) fn connect_answering_agent(call: &mut Call, work_no: WorkNo, now: Timestamp) {
    call.state = CallState::Live { since: now };
    call.answered.get_or_insert((work_no, now));
    call.mark_talked(work_no);
    match call.party_mut(&Party::Agent(work_no)) {
        Some(party) => party.leg = Leg::Connected,
        None => call.parties.push(CallParty::new(Party::Agent(work_no), Leg::Connected)),
    }
}
