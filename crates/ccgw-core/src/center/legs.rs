//! Parties leaving calls: who is told what, when a call ends for everyone, and what the
//! agent does once its last call is over.
//!
//! - A live call goes on while two parties remain in it; the others are told
//!   `AgentEvent_Customer_Release` with the number that left.
//! - When only one party would remain, the call ends: the agent who hung up hears
//!   `Call_Release`, `Customer_Release` (S20); an agent left alone hears
//!   `Customer_Release`, `Call_Release` (S21); then each gets `AgentOther_PhoneRelease` and
//!   its state after the call, unless it still holds another call (the phone stays
//!   off-hook, and the newest held call becomes its current one).
//! - A call nobody answered yet is a set-up: when its placer leaves it is cancelled; when
//!   the called party leaves or cannot be reached it fails (see `placing`).

use super::{Center, DialFailure, Effect, Effects, Party, SignOut, SwitchAction};
use crate::agent::AgentState;
use crate::call::{CallOutcome, CallState, EndedBy, FailReason, party_number};
use crate::event::{AgentEvent, PhoneReleasedBy};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::time::Timestamp;

/// Why a party leaves a live call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leave {
    /// The agent hung up (release, dropcall, phone hang-up) or declined.
    Released,
    /// A party outside the center hung up.
    HungUp,
    /// The agent was signed out.
    SignedOut,
    /// Another agent released this party (`disconnect`).
    Removed,
    /// An IVR flow released the customer at its end.
    ReleasedByIvr,
}

impl Leave {
    fn ended_by(self) -> EndedBy {
        match self {
            Leave::Released | Leave::Removed => EndedBy::Agent,
            Leave::HungUp => EndedBy::Customer,
            Leave::SignedOut => EndedBy::SignOut,
            Leave::ReleasedByIvr => EndedBy::Ivr,
        }
    }
}

/// What an agent does once a call is taken off it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Afterwards {
    /// It talked in the call: wrap-up or the next state, per `after_call`.
    Talked(Option<SkillId>),
    /// The call never connected for it: straight to its next state.
    NotTalked,
    /// It is being signed out: no state change.
    SigningOut,
}

impl Center {
    /// `party` leaves the live call `call_id`.
    pub(super) fn leave(&mut self, call_id: &CallId, party: &Party, why: Leave, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if call.party(party).is_none() {
            return;
        }
        if let Some(transfer) = &call.transfer {
            if transfer.to == *party {
                let reason = match why {
                    Leave::SignedOut => FailReason::AgentUnavailable,
                    _ => FailReason::FarEnd(DialFailure::Rejected),
                };
                return self.transfer_failed(call_id, reason, now, fx);
            }
            // Whoever else leaves, the transfer is off first.
            self.abort_transfer(call_id, now, fx);
        }
        let Some(call) = self.calls.get(call_id) else { return };
        if call.answered.is_none() {
            return self.leave_setup(call_id, party, why, now, fx);
        }
        let skill = Some(call.skill());
        let leaver = party_number(party);
        let others: Vec<Party> = call.parties.iter().map(|p| p.party.clone()).filter(|p| p != party).collect();
        self.drop_party(call_id, party);
        if others.len() >= 2 {
            if let Party::Agent(work_no) = party {
                Self::emit(fx, *work_no, AgentEvent::CallRelease(call_id.clone()));
                let phone = match why {
                    Leave::Released => Some(PhoneReleasedBy::Agent),
                    Leave::Removed => Some(PhoneReleasedBy::Platform),
                    Leave::HungUp | Leave::SignedOut | Leave::ReleasedByIvr => None,
                };
                self.take_off_agent(*work_no, call_id, phone, self.afterwards(why, skill), now, fx);
            }
            fx.push(Effect::Switch(SwitchAction::Drop { call: call_id.clone(), party: party.clone() }));
            for other in &others {
                if let Party::Agent(work_no) = other {
                    let event = AgentEvent::CustomerRelease { call: call_id.clone(), number: leaver.clone() };
                    Self::emit(fx, *work_no, event);
                }
            }
            return;
        }
        if let Party::Agent(work_no) = party {
            Self::emit(fx, *work_no, AgentEvent::CallRelease(call_id.clone()));
            if why != Leave::SignedOut {
                let number = others.first().map(party_number).unwrap_or_default();
                Self::emit(fx, *work_no, AgentEvent::CustomerRelease { call: call_id.clone(), number });
            }
            let phone = match why {
                Leave::Released => PhoneReleasedBy::Agent,
                Leave::HungUp | Leave::SignedOut | Leave::Removed | Leave::ReleasedByIvr => PhoneReleasedBy::Platform,
            };
            self.take_off_agent(*work_no, call_id, Some(phone), self.afterwards(why, skill), now, fx);
        }
        for other in &others {
            if let Party::Agent(work_no) = other {
                let event = AgentEvent::CustomerRelease { call: call_id.clone(), number: leaver.clone() };
                Self::emit(fx, *work_no, event);
                Self::emit(fx, *work_no, AgentEvent::CallRelease(call_id.clone()));
                let phone = Some(PhoneReleasedBy::Platform);
                self.take_off_agent(*work_no, call_id, phone, Afterwards::Talked(skill), now, fx);
            }
        }
        fx.push(Effect::Switch(SwitchAction::Release { call: call_id.clone() }));
        self.end_answered(call_id, why.ended_by(), now, fx);
    }

    fn afterwards(&self, why: Leave, skill: Option<SkillId>) -> Afterwards {
        if why == Leave::SignedOut { Afterwards::SigningOut } else { Afterwards::Talked(skill) }
    }

    /// A party leaves a call that nobody answered yet.
    fn leave_setup(&mut self, call_id: &CallId, party: &Party, why: Leave, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let placer = call.placed_by;
        match party {
            Party::Agent(work_no) if Some(*work_no) == placer => self.cancel_setup(call_id, *work_no, why, now, fx),
            Party::Agent(work_no) => {
                // The called agent declined or was signed out while its phone rang.
                self.drop_party(call_id, party);
                let afterwards = if why == Leave::SignedOut {
                    Afterwards::SigningOut
                } else {
                    Self::emit(fx, *work_no, AgentEvent::CallRelease(call_id.clone()));
                    Afterwards::NotTalked
                };
                let phone = match why {
                    Leave::Released => Some(PhoneReleasedBy::Agent),
                    Leave::Removed => Some(PhoneReleasedBy::Platform),
                    Leave::HungUp | Leave::SignedOut | Leave::ReleasedByIvr => None,
                };
                self.take_off_agent(*work_no, call_id, phone, afterwards, now, fx);
                let reason = if why == Leave::SignedOut {
                    FailReason::AgentUnavailable
                } else {
                    FailReason::FarEnd(DialFailure::Rejected)
                };
                self.fail_setup(call_id, reason, now, fx);
            }
            Party::Number(_) | Party::Ivr(_) => {
                self.drop_party(call_id, party);
                self.fail_setup(call_id, FailReason::FarEnd(DialFailure::Rejected), now, fx);
            }
        }
    }

    /// The placer hangs up before anyone answered: the call is cancelled for everyone.
    fn cancel_setup(&mut self, call_id: &CallId, placer: WorkNo, why: Leave, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let callees: Vec<WorkNo> = call.agents().filter(|&agent| agent != placer).collect();
        Self::emit(fx, placer, AgentEvent::CallRelease(call_id.clone()));
        let (phone, afterwards) = match why {
            Leave::SignedOut => (PhoneReleasedBy::Platform, Afterwards::SigningOut),
            _ => (PhoneReleasedBy::Agent, Afterwards::NotTalked),
        };
        self.take_off_agent(placer, call_id, Some(phone), afterwards, now, fx);
        for other in callees {
            let number = placer.to_string();
            Self::emit(fx, other, AgentEvent::CustomerRelease { call: call_id.clone(), number });
            Self::emit(fx, other, AgentEvent::CallRelease(call_id.clone()));
            self.take_off_agent(other, call_id, Some(PhoneReleasedBy::Platform), Afterwards::NotTalked, now, fx);
        }
        fx.push(Effect::Switch(SwitchAction::Release { call: call_id.clone() }));
        self.finish(call_id, CallOutcome::Failed { agent: placer, reason: FailReason::Cancelled }, now, fx);
    }

    /// Takes a party off a call (no events: the caller tells whom it must). An agent who
    /// waited for the call in an IVR flow leaves it there as after a blind transfer.
    pub(super) fn drop_party(&mut self, call_id: &CallId, party: &Party) {
        if let Some(call) = self.calls.get_mut(call_id) {
            call.parties.retain(|p| p.party != *party);
            if let CallState::InIvr { returns_to, .. } = &mut call.state
                && let Some(agent) = returns_to.filter(|&agent| Party::Agent(agent) == *party)
            {
                *returns_to = None;
                call.transferred_from = Some(agent);
            }
        }
    }

    /// Whether `call_id` is a queue call offered to this agent right now.
    pub(super) fn is_offered_to(&self, call_id: &CallId, work_no: WorkNo) -> bool {
        self.calls
            .get(call_id)
            .is_some_and(|call| matches!(call.state, CallState::Offered { agent, .. } if agent == work_no))
    }

    /// Ends an answered call with its one outcome.
    pub(super) fn end_answered(&mut self, call_id: &CallId, ended_by: EndedBy, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if let Some((agent, answered_at)) = call.answered {
            self.finish(call_id, CallOutcome::Answered { agent, answered_at, ended_by }, now, fx);
        }
    }

    /// Takes `call_id` off the agent. When it was the agent's last call, the phone goes
    /// on-hook (`phone`, if the agent is to be told) and the agent moves on; otherwise
    /// the newest held call becomes its current one.
    pub(super) fn take_off_agent(
        &mut self,
        work_no: WorkNo,
        call_id: &CallId,
        phone: Option<PhoneReleasedBy>,
        afterwards: Afterwards,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        self.inspected_agent_left(call_id, Some(work_no), now, fx);
        self.remember_last_call(work_no, call_id, now);
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        agent.held_calls.retain(|held| held != call_id);
        if agent.state.call() != Some(call_id) {
            return;
        }
        if let Some(next) = agent.held_calls.pop() {
            self.set_state(work_no, AgentState::Talking { call: next }, now);
            return;
        }
        let ringing_since = match agent.state {
            AgentState::Ringing { idle_since, .. } => Some(idle_since),
            _ => None,
        };
        if let Some(phone) = phone {
            Self::emit(fx, work_no, AgentEvent::PhoneRelease(phone));
        }
        match (afterwards, ringing_since) {
            (Afterwards::SigningOut, _) => {}
            (_, Some(idle_since)) => self.become_available(work_no, idle_since, now, fx),
            (Afterwards::Talked(skill), None) => self.after_call(work_no, skill, now, fx),
            (Afterwards::NotTalked, None) => self.become_available(work_no, now, now, fx),
        }
    }
}

impl Center {
    /// The gateway begins to stop: no sign-in is taken from now on, every live call ends
    /// with its one outcome (answered calls as ended by the shutdown) after its agents
    /// are told it was released, and every agent is signed out with
    /// `AgentOther_ShutdownService`, which its pending poll can still collect.
    pub fn close(&mut self, now: Timestamp) -> Effects {
        self.closing = true;
        let mut fx = self.end_every_call(true, now);
        let mut agents: Vec<WorkNo> = self.agents.keys().copied().collect();
        agents.sort();
        for work_no in agents {
            // Every agent listed is signed in: the sign-out cannot be refused.
            if let Ok(more) = self.sign_out(work_no, SignOut::GatewayStopping, now) {
                fx.extend(more);
            }
        }
        fx
    }

    /// The gateway is stopping now: every call still live ends with its one outcome
    /// (answered calls as ended by the shutdown), and the switch releases it. Agents are
    /// not told: after [`Center::close`] none is left, and otherwise their sessions end
    /// with the process.
    pub fn shut_down(&mut self, now: Timestamp) -> Effects {
        self.closing = true;
        self.end_every_call(false, now)
    }

    fn end_every_call(&mut self, tell_agents: bool, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let mut ids: Vec<CallId> = self.calls.keys().cloned().collect();
        ids.sort();
        for call_id in ids {
            if tell_agents {
                self.release_agents_of(&call_id, now, &mut fx);
            }
            self.unqueue(&call_id);
            fx.push(Effect::Switch(SwitchAction::Release { call: call_id.clone() }));
            let answered = self.calls.get(&call_id).and_then(|call| call.answered);
            let outcome = match answered {
                Some((agent, answered_at)) => CallOutcome::Answered { agent, answered_at, ended_by: EndedBy::Shutdown },
                None => CallOutcome::Shutdown,
            };
            self.finish(&call_id, outcome, now, &mut fx);
        }
        fx
    }

    /// Tells every agent in the call, or ringing with it, that it was released, and takes
    /// it off them; their state is left to the sign-out that follows.
    fn release_agents_of(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let mut agents: Vec<WorkNo> = call.agents().collect();
        if let CallState::Offered { agent, .. } = call.state
            && !agents.contains(&agent)
        {
            agents.push(agent);
        }
        for work_no in agents {
            Self::emit(fx, work_no, AgentEvent::CallRelease(call_id.clone()));
            let phone = Some(PhoneReleasedBy::Platform);
            self.take_off_agent(work_no, call_id, phone, Afterwards::SigningOut, now, fx);
        }
    }
}
