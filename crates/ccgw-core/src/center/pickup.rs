//! Taking a call meant for someone else: `snatchpickup` (spec 04 §2.24) answers the call
//! ringing at another agent, `requestcall` (§2.23) takes a chosen call out of a skill queue.
//!
//! Pickup (the Huawei page's prerequisites where it has them):
//! - The acting agent must be idle (`100-009` otherwise). Talk right does not matter: the
//!   agent asks for the call itself, nobody offers it.
//! - The target must be another agent signed in to the same VDN (`000-002` otherwise; an
//!   agent of another VDN answers as if it did not exist).
//! - Only a customer call offered to the target and not answered yet can be picked up: a
//!   call ringing there between agents (internal call, consultation, a success transfer) or
//!   nothing ringing at all is `200-002`. The engine applies commands one at a time, so of a
//!   pickup and the target's own `answer` only the first wins; the second gets `200-002`.
//! - The target hears the offer withdrawn: `Call_Release`, `PhoneRelease{3}`, then its state
//!   as after a caller who gave up — idle with its old idle time, or its waiting request. It
//!   did nothing wrong, so no busy penalty; the record lists it among those offered the call.
//! - The acting agent hears the events of an offer it answered at once: `Incoming_CallInfo`
//!   (as the target was told), `AgentState_Busy`, `PhoneAlerting`, `PhoneOffhook`, then
//!   `Talking`; its phone goes off-hook by itself, as for every offer.
//!
//! Request call:
//! - The call must wait in a queue of the agent's VDN (`200-002` once it was offered,
//!   answered or abandoned, or for an id the VDN does not know) and in a skill the agent
//!   serves (`000-002` otherwise). [`QueueChoice`] says where the agent expects it.
//! - The agent must be in no call (`100-009`); idle, busy, rest and wrap-up all allow it:
//!   asking for a call is the agent's own choice, as a call-out is. An agent who is idle and
//!   serves the skill would have been offered the call already, so the useful cases are
//!   agents the distribution passes over.
//! - The call is offered as the distribution offers it (`Incoming_CallInfo`, `Busy`,
//!   `PhoneAlerting`, `PhoneOffhook`, then `Ringing` — or `Auto_Answer` and `Talking`),
//!   ahead of calls of higher priority. Unanswered, it goes back to its place in the queue
//!   and the agent is set busy, as after any offer; afterwards an agent who asked from busy
//!   or rest returns to it.

use super::legs::Afterwards;
use super::{Center, Effect, Effects, Party, SwitchAction};
use crate::agent::AgentState;
use crate::call::{CallParty, CallState, Leg, OfferAnswer, OfferPhone};
use crate::event::{AgentEvent, PhoneReleasedBy};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Where `requestcall` expects the call (`skilltype`, `skillId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QueueChoice {
    /// The call must wait in this skill queue.
    Skill(SkillId),
    /// Wherever it waits.
    Any,
}

impl Center {
    /// `snatchpickup?destWorkNo=`: the agent answers the customer call ringing at `target`.
    pub fn snatch_pickup(&mut self, work_no: WorkNo, target: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        if target == work_no {
            return Err(Refusal::InvalidParameter("destWorkNo is the agent itself; answer instead".into()));
        }
        let vdn = agent.profile.vdn;
        let owner = self.agents.get(&target).filter(|other| other.profile.vdn == vdn).ok_or_else(|| {
            Refusal::InvalidParameter(format!("destWorkNo {target} is not an agent signed in to this VDN"))
        })?;
        if !matches!(agent.state, AgentState::Idle { .. }) {
            return Err(Refusal::StateForbids);
        }
        let AgentState::Ringing { call: call_id, .. } = owner.state.clone() else {
            return Err(Refusal::NoCallToTake(format!("no call rings at agent {target}")));
        };
        if !self.is_offered_to(&call_id, target) {
            return Err(Refusal::NoCallToTake(format!(
                "the call ringing at agent {target} is between agents and cannot be picked up"
            )));
        }
        let Some(call) = self.calls.get(&call_id) else {
            return Err(Refusal::NoCallToTake(format!("no call rings at agent {target}")));
        };
        let AgentState::Idle { since: idle_since } = agent.state else { return Err(Refusal::StateForbids) };
        let incoming = self.incoming_call(call);
        let target_off_hook = self.offer_off_hook(&call_id);
        self.next_offer += 1;
        let offer = self.next_offer;
        let Some(call) = self.calls.get_mut(&call_id) else { return Ok(Effects::new()) };
        call.parties.retain(|party| party.party != Party::Agent(target));
        call.offered_to.push(target);
        call.parties.push(CallParty::new(Party::Agent(work_no), Leg::Alerting));
        let answer = OfferAnswer::Pickup;
        call.state = CallState::Offered { agent: work_no, offer, since: now, phone: OfferPhone::Dialling, answer };

        let mut fx = Effects::new();
        self.set_state(work_no, AgentState::Ringing { call: call_id.clone(), idle_since }, now);
        Self::emit(&mut fx, work_no, AgentEvent::IncomingCallInfo(incoming));
        Self::emit(&mut fx, work_no, AgentEvent::Occupied);
        self.ring_for_offer(&call_id, work_no, now, &mut fx);

        fx.push(Effect::Switch(SwitchAction::StopAlerting { call: call_id.clone(), agent: target }));
        Self::emit(&mut fx, target, AgentEvent::CallRelease(call_id.clone()));
        let released = target_off_hook.then_some(PhoneReleasedBy::Platform);
        self.take_off_agent(target, &call_id, released, Afterwards::NotTalked, now, &mut fx);
        self.assume_offer_phone(&call_id, work_no, now, &mut fx);
        Ok(fx)
    }

    /// `requestcall/{callid}/{skilltype}?skillId=`: the waiting call `call_id` is offered
    /// to the agent now.
    pub fn request_call(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        queue: QueueChoice,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let idle_since = match agent.state {
            AgentState::Idle { since } => since,
            AgentState::NotReady { .. } | AgentState::Rest { .. } | AgentState::WrapUp { .. } => now,
            AgentState::Ringing { .. } | AgentState::Talking { .. } | AgentState::Inspecting { .. } => {
                return Err(Refusal::StateForbids);
            }
        };
        let waiting = self
            .calls
            .get(call_id)
            .filter(|call| call.info.vdn == agent.profile.vdn && call.state == CallState::Queued)
            .ok_or_else(|| Refusal::NoCallToTake(format!("call {call_id} is not waiting in a queue")))?;
        let skill = waiting.skill();
        if let QueueChoice::Skill(wanted) = queue
            && wanted != skill
        {
            return Err(Refusal::NoCallToTake(format!("call {call_id} waits in skill queue {skill}, not {wanted}")));
        }
        if !agent.has_skill(skill) {
            return Err(Refusal::InvalidParameter(format!("the agent does not serve skill queue {skill}")));
        }
        let mut fx = Effects::new();
        self.remember_state_before_call(work_no, now);
        self.offer(call_id, work_no, idle_since, now, &mut fx);
        Ok(fx)
    }
}
