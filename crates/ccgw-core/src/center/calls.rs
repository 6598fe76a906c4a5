//! Call progress at an agent: arrival, answer, release, the customer hanging up, ring
//! timeout and wrap-up.
//!
//! Event order (ccgw's choice where spec 03 §3 lists a set):
//! - answer: `AgentEvent_Customer_Alerting`, `AgentEvent_Talking` (S9);
//! - agent releases: `Call_Release`, `Customer_Release`, `PhoneRelease{2}`, then
//!   `AgentState_Ready` or `AgentState_Work` (S20);
//! - customer hangs up while talking or ringing: `Customer_Release`, `Call_Release`,
//!   `PhoneRelease{3}`, then Ready/Work (S21); after ringing only, the agent goes back to
//!   idle with its old idle time, as if the offer had never happened;
//! - ring timeout: `No_Answer`, `PhoneRelease{3}`, `SetNotReady_Success{reason 2}`;
//! - agent releases a call that is still ringing (declines it): `Call_Release`,
//!   `PhoneRelease{2}`, `SetNotReady_Success{reason 7}`; the call goes to the next agent.

use super::{Center, Effect, Effects, REJECTED_BUSY_REASON, SwitchAction, Timer};
use crate::agent::AgentState;
use crate::call::{Call, CallEnd, CallOutcome, CallState, EndedBy, NewCall};
use crate::event::{AgentEvent, CallFeature, CallInfo, PhoneReleasedBy};
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

impl Center {
    /// The switch placed a customer call into a skill queue.
    pub fn call_arrived(&mut self, call: NewCall, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let id = call.id.clone();
        if self.calls.contains_key(&id) {
            return fx;
        }
        let key = (call.vdn, call.skill);
        self.calls
            .insert(id.clone(), Call { info: call, arrived: now, state: CallState::Queued, offered_to: Vec::new() });
        self.queues.entry(key).or_default().push_back(id.clone());
        self.offer_to_idle_agent(&id, now, &mut fx);
        fx
    }

    pub fn answer(&mut self, work_no: WorkNo, wanted: Option<&CallId>, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Ringing { call: ringing, .. } = &agent.state else {
            return Err(Refusal::NoCallToAnswer);
        };
        if wanted.is_some_and(|wanted| wanted != ringing) {
            return Err(Refusal::NoCallToAnswer);
        }
        let call_id = ringing.clone();
        let phone = agent.phone.clone();
        let call = self.calls.get_mut(&call_id).ok_or(Refusal::NoCallToAnswer)?;
        call.state = CallState::Talking { agent: work_no, since: now };
        let info = talking_info(call);
        let caller = call.info.caller.clone();
        self.set_state(work_no, AgentState::Talking { call: call_id.clone() });
        let mut fx = Effects::new();
        Self::emit(&mut fx, work_no, AgentEvent::CustomerAlerting { call: call_id.clone(), other_phone: caller });
        Self::emit(&mut fx, work_no, AgentEvent::Talking(info));
        fx.push(Effect::Switch(SwitchAction::Connect { call: call_id, agent: work_no, phone }));
        Ok(fx)
    }

    pub fn release(&mut self, work_no: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let mut fx = Effects::new();
        match agent.state.clone() {
            AgentState::Talking { call } => {
                let caller = self.calls.get(&call).map(|c| c.info.caller.clone()).unwrap_or_default();
                Self::emit(&mut fx, work_no, AgentEvent::CallRelease(call.clone()));
                Self::emit(&mut fx, work_no, AgentEvent::CustomerRelease { call: call.clone(), number: caller });
                Self::emit(&mut fx, work_no, AgentEvent::PhoneRelease(PhoneReleasedBy::Agent));
                fx.push(Effect::Switch(SwitchAction::Release { call: call.clone() }));
                self.end_call(&call, EndedBy::Agent, now, &mut fx);
                self.after_call(work_no, now, &mut fx);
            }
            AgentState::Ringing { call, .. } => {
                Self::emit(&mut fx, work_no, AgentEvent::CallRelease(call.clone()));
                Self::emit(&mut fx, work_no, AgentEvent::PhoneRelease(PhoneReleasedBy::Agent));
                self.set_state(work_no, AgentState::NotReady { reason: REJECTED_BUSY_REASON });
                Self::emit(&mut fx, work_no, AgentEvent::NotReady { reason: REJECTED_BUSY_REASON });
                self.requeue_at_head(&call, work_no, &mut fx);
                self.offer_to_idle_agent(&call, now, &mut fx);
            }
            AgentState::Idle { .. } | AgentState::NotReady { .. } | AgentState::WrapUp { .. } => {
                return Err(Refusal::NoCallToRelease);
            }
        }
        Ok(fx)
    }

    /// The customer hung up. A call that already ended is ignored.
    pub fn customer_hung_up(&mut self, call_id: &CallId, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let Some(call) = self.calls.get(call_id) else { return fx };
        let caller = call.info.caller.clone();
        match call.state.clone() {
            CallState::Queued => {
                let key = (call.info.vdn, call.info.skill);
                if let Some(queue) = self.queues.get_mut(&key) {
                    queue.retain(|queued| queued != call_id);
                }
                self.finish(call_id, CallOutcome::AbandonedInQueue, now, &mut fx);
            }
            CallState::Offered { agent, .. } => {
                let idle_since = match self.agents.get(&agent).map(|a| &a.state) {
                    Some(AgentState::Ringing { idle_since, .. }) => *idle_since,
                    _ => now,
                };
                Self::emit(&mut fx, agent, AgentEvent::CustomerRelease { call: call_id.clone(), number: caller });
                Self::emit(&mut fx, agent, AgentEvent::CallRelease(call_id.clone()));
                Self::emit(&mut fx, agent, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
                self.finish(call_id, CallOutcome::AbandonedRinging, now, &mut fx);
                self.set_state(agent, AgentState::Idle { since: idle_since });
                Self::emit(&mut fx, agent, AgentEvent::Ready);
                self.find_call_for(agent, now, &mut fx);
            }
            CallState::Talking { agent, .. } => {
                Self::emit(&mut fx, agent, AgentEvent::CustomerRelease { call: call_id.clone(), number: caller });
                Self::emit(&mut fx, agent, AgentEvent::CallRelease(call_id.clone()));
                Self::emit(&mut fx, agent, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
                self.end_call(call_id, EndedBy::Customer, now, &mut fx);
                self.after_call(agent, now, &mut fx);
            }
        }
        fx
    }

    pub(super) fn ring_timeout(&mut self, call_id: &CallId, offer: u64, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let CallState::Offered { agent, offer: current, .. } = call.state else { return };
        if current != offer {
            return;
        }
        let reason = self.settings.no_answer_busy_reason;
        Self::emit(fx, agent, AgentEvent::NoAnswer(call_id.clone()));
        Self::emit(fx, agent, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
        self.set_state(agent, AgentState::NotReady { reason });
        Self::emit(fx, agent, AgentEvent::NotReady { reason });
        self.requeue_at_head(call_id, agent, fx);
        self.offer_to_idle_agent(call_id, now, fx);
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
        self.set_state(work_no, AgentState::Idle { since: now });
        Self::emit(fx, work_no, AgentEvent::Ready);
        self.find_call_for(work_no, now, fx);
    }

    /// The agent's part in a call is over: idle or wrap-up, per `autoenteridle`.
    fn after_call(&mut self, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        let login_time = agent.login_time;
        if agent.auto_enter_idle {
            self.set_state(work_no, AgentState::Idle { since: now });
            Self::emit(fx, work_no, AgentEvent::Ready);
            self.find_call_for(work_no, now, fx);
            return;
        }
        let ends = self.settings.wrap_up.map(|span| now.plus(span));
        self.set_state(work_no, AgentState::WrapUp { ends });
        Self::emit(fx, work_no, AgentEvent::Work);
        if let Some(ends) = ends {
            fx.push(Effect::Timer { at: ends, timer: Timer::WrapUpEnd { work_no, login_time, ends } });
        }
    }

    /// Ends an answered call.
    pub(super) fn end_call(&mut self, call_id: &CallId, ended_by: EndedBy, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if let CallState::Talking { agent, since } = call.state {
            self.finish(call_id, CallOutcome::Answered { agent, answered_at: since, ended_by }, now, fx);
        }
    }

    fn finish(&mut self, call_id: &CallId, outcome: CallOutcome, now: Timestamp, fx: &mut Effects) {
        if let Some(call) = self.calls.remove(call_id) {
            fx.push(Effect::CallEnded(Box::new(CallEnd {
                call: call.info,
                arrived: call.arrived,
                ended: now,
                outcome,
                offered_to: call.offered_to,
            })));
        }
    }
}

fn talking_info(call: &Call) -> CallInfo {
    CallInfo {
        call: call.info.id.clone(),
        caller: call.info.caller.clone(),
        called: call.info.called.clone(),
        feature: CallFeature::Inbound,
        media_type: call.info.media_type,
        transferred_from: None,
    }
}
