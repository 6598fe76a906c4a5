//! Automatic call distribution: who gets which call, and when.
//!
//! A call goes to the eligible agent who has been idle longest; an agent who becomes idle
//! takes the call that has waited longest among its skills. Offers never double-book: a
//! call is offered only from `Queued`, and only to an agent in `Idle`.

use super::{Center, Effect, Effects, Timer};
use crate::agent::AgentState;
use crate::call::CallState;
use crate::event::{AgentEvent, CallFeature, CallInfo};
use crate::ids::{CallId, WorkNo};
use crate::time::Timestamp;

impl Center {
    /// Offers a queued call to the longest-idle agent of its skill, if there is one.
    pub(super) fn offer_to_idle_agent(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if call.state != CallState::Queued {
            return;
        }
        let key = (call.info.vdn, call.info.skill);
        let agent = self.idle.get(&key).and_then(|set| set.first()).map(|&(_, work_no)| work_no);
        if let Some(work_no) = agent {
            self.make_offer(call_id, work_no, now, fx);
        }
    }

    /// Offers an idle agent the longest-waiting call among its skills, if there is one.
    pub(super) fn find_call_for(&mut self, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        if !matches!(agent.state, AgentState::Idle { .. }) {
            return;
        }
        let vdn = agent.profile.vdn;
        let best = agent
            .skills()
            .filter_map(|skill| self.queues.get(&(vdn, skill))?.front())
            .filter_map(|id| self.calls.get(id))
            .min_by(|a, b| (a.arrived, &a.info.id).cmp(&(b.arrived, &b.info.id)))
            .map(|call| call.info.id.clone());
        if let Some(call_id) = best {
            self.make_offer(&call_id, work_no, now, fx);
        }
    }

    fn make_offer(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let (Some(call), Some(agent)) = (self.calls.get(call_id), self.agents.get(&work_no)) else {
            return;
        };
        let AgentState::Idle { since: idle_since } = agent.state else { return };
        let key = (call.info.vdn, call.info.skill);
        let auto_answer = agent.auto_answer;
        let phone = agent.phone.clone();
        let info = CallInfo {
            call: call_id.clone(),
            caller: call.info.caller.clone(),
            called: call.info.called.clone(),
            feature: CallFeature::Inbound,
            media_type: call.info.media_type,
            transferred_from: None,
        };
        if let Some(queue) = self.queues.get_mut(&key) {
            // The offered call is always the head: calls wait only while no agent of their
            // skill is idle, so an arriving call that is offered at once is alone in its queue.
            if queue.front() == Some(call_id) {
                queue.pop_front();
            } else {
                queue.retain(|queued| queued != call_id);
            }
        }
        self.next_offer += 1;
        let offer = self.next_offer;
        let call_state = if auto_answer {
            CallState::Talking { agent: work_no, since: now }
        } else {
            CallState::Offered { agent: work_no, offer, since: now }
        };
        if let Some(call) = self.calls.get_mut(call_id) {
            call.state = call_state;
        }
        Self::emit(fx, work_no, AgentEvent::Occupied);
        Self::emit(fx, work_no, AgentEvent::PhoneAlerting);
        Self::emit(fx, work_no, AgentEvent::PhoneOffhook);
        fx.push(Effect::Switch(super::SwitchAction::Alert {
            call: call_id.clone(),
            agent: work_no,
            phone: phone.clone(),
        }));
        if auto_answer {
            self.set_state(work_no, AgentState::Talking { call: call_id.clone() });
            Self::emit(fx, work_no, AgentEvent::AutoAnswer(info.clone()));
            Self::emit(fx, work_no, AgentEvent::Talking(info));
            fx.push(Effect::Switch(super::SwitchAction::Connect { call: call_id.clone(), agent: work_no, phone }));
        } else {
            self.set_state(work_no, AgentState::Ringing { call: call_id.clone(), idle_since });
            Self::emit(fx, work_no, AgentEvent::Ringing(info));
            let at = now.plus(self.settings.ring_timeout);
            fx.push(Effect::Timer { at, timer: Timer::RingTimeout { call: call_id.clone(), offer } });
        }
    }

    /// Puts an offered call back at the head of its queue (the agent did not take it).
    pub(super) fn requeue_at_head(&mut self, call_id: &CallId, from: WorkNo, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.state = CallState::Queued;
        call.offered_to.push(from);
        let key = (call.info.vdn, call.info.skill);
        self.queues.entry(key).or_default().push_front(call_id.clone());
        fx.push(Effect::Switch(super::SwitchAction::StopAlerting { call: call_id.clone(), agent: from }));
    }
}
