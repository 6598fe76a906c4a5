//! Automatic call distribution: which queue a call waits in, who gets it, and what
//! happens when a queue is full, unstaffed or the call has waited too long.
//!
//! - A call waits in its skill queue, ordered by priority (higher first), then arrival.
//! - A call is offered to an available agent of its skill chosen by the skill's routing
//!   policy (longest idle, most skilled, round robin); an agent who becomes available is
//!   offered the head call with the highest priority, then the oldest, among its skills.
//! - Offers never double-book: a call is offered only from `Queued`, and only to an
//!   agent who is `Idle` with talk right; both change state in the same step.
//! - Limits per skill: `max_waiting` refuses a call (queue full); `refuse_when_unstaffed`
//!   overflows or refuses a call when nobody with the skill is signed in (no agent);
//!   `max_wait` overflows the call to another skill or a number, or releases it (timed
//!   out). A call never overflows into a queue it has already been in.

use super::{Center, Effect, Effects, Party, SwitchAction, Timer};
use crate::agent::AgentState;
use crate::call::{Call, CallOutcome, CallParty, CallState, Leg, NewCall, OfferAnswer, OfferPhone};
use crate::directory::{Overflow, RoutingPolicy};
use crate::event::{AgentEvent, IncomingCall};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::time::Timestamp;

impl Center {
    /// The switch placed a customer call into a skill queue.
    pub fn call_arrived(&mut self, call: NewCall, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let id = call.id.clone();
        if self.calls.contains_key(&id) {
            return fx;
        }
        self.next_arrival += 1;
        let skill = call.skill;
        self.admit(Call::customer(call, now, self.next_arrival, CallState::Queued), &mut fx);
        self.enqueue(&id, skill, now, &mut fx);
        fx
    }

    /// Puts a call (new, or overflowing) into `skill`'s queue, applying its limits.
    pub(super) fn enqueue(&mut self, call_id: &CallId, skill: SkillId, now: Timestamp, fx: &mut Effects) {
        self.enter_queue(call_id, skill, false, now, fx);
    }

    /// [`Self::enqueue`]; an `overflow` continues the call's run of overflows, anything
    /// else starts a new one.
    fn enter_queue(&mut self, call_id: &CallId, skill: SkillId, overflow: bool, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let key = (call.info.vdn, skill);
        if !overflow {
            call.overflow_run = call.route.len();
        }
        call.route.push(skill);
        call.queued_since = now;
        call.state = CallState::Queued;
        let hop = call.route.len();
        let queue_key = call.queue_key();
        self.counters.entry(key).or_default().entered += 1;
        let Some(config) = self.skills.get(&key) else {
            return self.refuse(call_id, CallOutcome::NoAgent, now, fx);
        };
        let limits = config.limits.clone();
        let waiting = self.queues.get(&key).map_or(0, |queue| queue.len());
        if limits.max_waiting.is_some_and(|max| waiting >= max as usize) {
            return self.refuse(call_id, CallOutcome::QueueFull, now, fx);
        }
        if limits.refuse_when_unstaffed && self.staffed.get(&key).is_none_or(|agents| agents.is_empty()) {
            return self.overflow_or(call_id, CallOutcome::NoAgent, now, fx);
        }
        self.queues.entry(key).or_default().insert(queue_key, call_id.clone());
        if let Some(max_wait) = limits.max_wait {
            fx.push(Effect::Timer { at: now.plus(max_wait), timer: Timer::QueueWait { call: call_id.clone(), hop } });
        }
        if !self.offer_to_idle_agent(call_id, now, fx) {
            self.tell_all_busy(key, fx);
        }
    }

    /// Ends a call that no queue will take, telling the switch to release it.
    fn refuse(&mut self, call_id: &CallId, outcome: CallOutcome, now: Timestamp, fx: &mut Effects) {
        self.unqueue(call_id);
        fx.push(Effect::Switch(SwitchAction::Release { call: call_id.clone() }));
        self.finish(call_id, outcome, now, fx);
    }

    /// Sends a call on to its queue's overflow target, or ends it with `fallback`.
    fn overflow_or(&mut self, call_id: &CallId, fallback: CallOutcome, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let key = (call.info.vdn, call.skill());
        let target = self.skills.get(&key).and_then(|skill| skill.limits.overflow.clone());
        match target {
            Some(Overflow::Skill(next)) if !call.route[call.overflow_run..].contains(&next) => {
                self.unqueue(call_id);
                self.counters.entry(key).or_default().overflowed += 1;
                self.enter_queue(call_id, next, true, now, fx);
            }
            Some(Overflow::Number(to)) => {
                self.unqueue(call_id);
                fx.push(Effect::Switch(SwitchAction::Redirect { call: call_id.clone(), to: to.clone() }));
                self.finish(call_id, CallOutcome::Overflowed { to }, now, fx);
            }
            _ => self.refuse(call_id, fallback, now, fx),
        }
    }

    /// The call has waited its queue's maximum. If it is ringing at an agent right now,
    /// the check is repeated when (if) it comes back to the queue.
    pub(super) fn queue_wait_over(&mut self, call_id: &CallId, hop: usize, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if call.route.len() != hop || call.state != CallState::Queued {
            return;
        }
        self.overflow_or(call_id, CallOutcome::TimedOut, now, fx);
    }

    fn wait_is_over(&self, call: &Call, now: Timestamp) -> bool {
        let max_wait = self.skills.get(&(call.info.vdn, call.skill())).and_then(|skill| skill.limits.max_wait);
        max_wait.is_some_and(|max_wait| now >= call.queued_since.plus(max_wait))
    }

    /// Takes a call out of its queue, wherever it is.
    pub(super) fn unqueue(&mut self, call_id: &CallId) {
        let Some(call) = self.calls.get(call_id) else { return };
        if let Some(queue) = self.queues.get_mut(&(call.info.vdn, call.skill())) {
            queue.remove(&call.queue_key());
        }
    }

    /// Offers a queued call to the agent its skill's policy picks. `false` when nobody is
    /// available.
    pub(super) fn offer_to_idle_agent(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) -> bool {
        let Some(call) = self.calls.get(call_id) else { return false };
        if call.state != CallState::Queued {
            return false;
        }
        let key = (call.info.vdn, call.skill());
        let policy = self.skills.get(&key).map_or(RoutingPolicy::default(), |skill| skill.policy);
        let Some(work_no) = self.pools.get(&key).and_then(|pool| pool.pick(policy)) else { return false };
        self.make_offer(call_id, work_no, now, fx);
        true
    }

    /// Offers an available agent the best waiting call among its skills, if there is one.
    pub(super) fn find_call_for(&mut self, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        if !agent.is_available() {
            return;
        }
        let vdn = agent.profile.vdn;
        let best = agent
            .skills()
            .filter_map(|skill| self.queues.get(&(vdn, skill))?.first_key_value())
            .min_by_key(|(key, _)| **key)
            .map(|(_, id)| id.clone());
        if let Some(call_id) = best {
            self.make_offer(&call_id, work_no, now, fx);
        }
    }

    /// Offers a call to an idle agent; an agent who is not idle is left alone.
    pub(super) fn make_offer(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(&AgentState::Idle { since: idle_since }) = self.agents.get(&work_no).map(|agent| &agent.state) else {
            return;
        };
        self.offer(call_id, work_no, idle_since, now, fx);
    }

    /// Offers a call to an agent in no call; `idle_since` is the idle time the agent
    /// goes back to if the caller gives up while it rings.
    pub(super) fn offer(
        &mut self,
        call_id: &CallId,
        work_no: WorkNo,
        idle_since: Timestamp,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let (Some(call), Some(agent)) = (self.calls.get(call_id), self.agents.get(&work_no)) else {
            return;
        };
        let key = (call.info.vdn, call.skill());
        let answer = if agent.auto_answer { OfferAnswer::Auto } else { OfferAnswer::Ring };
        let incoming = self.incoming_call(call);
        self.unqueue(call_id);
        if let Some(pool) = self.pools.get_mut(&key) {
            pool.offered(work_no);
        }
        self.next_offer += 1;
        let offer = self.next_offer;
        if let Some(call) = self.calls.get_mut(call_id) {
            call.parties.push(CallParty::new(Party::Agent(work_no), Leg::Alerting));
            call.state = CallState::Offered { agent: work_no, offer, since: now, phone: OfferPhone::Dialling, answer };
        }
        self.set_state(work_no, AgentState::Ringing { call: call_id.clone(), idle_since }, now);
        Self::emit(fx, work_no, AgentEvent::IncomingCallInfo(incoming));
        Self::emit(fx, work_no, AgentEvent::Occupied);
        // The rest of the offer follows the agent's phone (`phone_legs`).
        self.ring_for_offer(call_id, work_no, now, fx);
        self.assume_offer_phone(call_id, work_no, now, fx);
    }

    /// What `AgentEvent_Incoming_CallInfo` tells about a call before it reaches an agent.
    pub(super) fn incoming_call(&self, call: &Call) -> IncomingCall {
        let key = (call.info.vdn, call.skill());
        IncomingCall {
            call: call.info.id.clone(),
            skill: key.1,
            skill_name: self.skills.get(&key).map(|skill| skill.name.clone()).unwrap_or_default(),
            caller: call.info.caller.clone(),
            called: call.info.called.clone(),
            last_release_agent: call.offered_to.last().copied(),
            media_type: call.info.media_type,
            requeue_count: u32::try_from(call.offered_to.len()).unwrap_or(u32::MAX),
        }
    }

    /// An offered call goes back to its queue (the agent did not take it), in its old
    /// place: ahead of every later call of its priority. Then it is offered again, or
    /// overflows if its wait ran out while it rang.
    pub(super) fn return_to_queue(&mut self, call_id: &CallId, from: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.state = CallState::Queued;
        call.parties.retain(|party| party.party != Party::Agent(from));
        call.offered_to.push(from);
        let key = (call.info.vdn, call.skill());
        let queue_key = call.queue_key();
        self.queues.entry(key).or_default().insert(queue_key, call_id.clone());
        fx.push(Effect::Switch(SwitchAction::StopAlerting { call: call_id.clone(), agent: from }));
        let over = self.calls.get(call_id).is_some_and(|call| self.wait_is_over(call, now));
        if over {
            self.overflow_or(call_id, CallOutcome::TimedOut, now, fx);
        } else if !self.offer_to_idle_agent(call_id, now, fx) {
            self.tell_all_busy(key, fx);
        }
    }

    /// `AgentOther_All_Agent_Busy` to the agents of a skill whose first call has to wait.
    fn tell_all_busy(&mut self, key: (crate::ids::Vdn, SkillId), fx: &mut Effects) {
        if !self.settings.all_busy_notice {
            return;
        }
        let waiting = self.queues.get(&key).map_or(0, |queue| queue.len());
        if waiting != 1 {
            return;
        }
        let Some(agents) = self.staffed.get(&key) else { return };
        for &work_no in agents {
            Self::emit(fx, work_no, AgentEvent::AllAgentsBusy { skill: key.1, waiting: 1 });
        }
    }
}
