//! Consultation (`innerhelp`, spec 04 §2.5, 03 S16) and what an agent does with two
//! calls: join them into a conference (`confjoin`, S17), connect them and leave
//! (`connecthold`, S18), release one party (`disconnect`), or go back to the held call.
//!
//! - A consultation is a call the agent places to an agent (or an idle agent of a skill)
//!   while its current call goes on hold (`AgentEvent_Hold`). Two-party help (feature 51)
//!   talks first; three-party help (52) joins the held call into a conference as soon as
//!   the helper answers. ccgw always holds the customer while the helper rings: an agent
//!   talks in one call at a time, so `holdflag: false` changes nothing.
//! - Joining keeps the held call: the other call's parties move into it, and the other
//!   call ends with outcome `joined`. Every agent in the conference hears
//!   `AgentEvent_Conference` with the numbers of the others.
//! - `connecthold` moves the parties the same way and takes the agent out of both calls:
//!   it hears `Call_Release` and `Customer_Release` for the consultation, `Call_Release`
//!   for the held call, `PhoneRelease{2}` and its state after the call; a helper who is an
//!   agent hears `AgentEvent_Talking` with the facts of the call it now talks in.
//! - `gethold` while talking in a consultation about that held call ends the
//!   consultation first (the helper is released), then retrieves the call.

use super::legs::{Afterwards, Leave};
use super::placing::{CallRequest, Callee};
use super::{Center, Effect, Effects, Party, SwitchAction};
use crate::agent::AgentState;
use crate::call::{AfterConsult, CallOutcome, CallParty, Leg, party_number};
use crate::event::{AgentEvent, PhoneReleasedBy};
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// An agent's `innerhelp` request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsultRequest {
    /// An agent, or a skill whose idle agent is picked.
    pub helper: Callee,
    /// Three-party help: a conference forms when the helper answers.
    pub three_party: bool,
    pub call_data: String,
}

impl Center {
    /// `innerhelp`: consults an agent about the current call, which is held meanwhile.
    pub fn consult(
        &mut self,
        work_no: WorkNo,
        id: CallId,
        request: ConsultRequest,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        if matches!(request.helper, Callee::Number(_)) {
            return Err(Refusal::InvalidParameter("a consultation goes to an agent or a skill".into()));
        }
        let then = if request.three_party { AfterConsult::Conference } else { AfterConsult::Talk };
        let call = CallRequest { callee: request.helper, caller: None, skill: None, call_data: request.call_data };
        self.place(work_no, id, call, Some(then), now)
    }

    /// A consultation's helper answered: three-party help becomes a conference now.
    pub(super) fn consultation_answered(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let (Some(consult), Some(placer)) = (call.consult.clone(), call.placed_by) else { return };
        if consult.then == AfterConsult::Conference && self.leg_of(&consult.about, placer) == Some(Leg::Held) {
            self.join(placer, call_id, &consult.about, true, now, fx);
        }
    }

    /// `confjoin`: the current call and the held call `held` become one conference.
    pub fn conference(&mut self, work_no: WorkNo, held: &CallId, now: Timestamp) -> Result<Effects, Refusal> {
        let current = self.joinable(work_no, held, Refusal::ConferenceNoCall, Refusal::ConferenceNoHeldCall)?;
        let mut fx = Effects::new();
        self.join(work_no, &current, held, true, now, &mut fx);
        Ok(fx)
    }

    /// `connecthold/{callid}`: the parties of the current call join the held call, and
    /// the agent leaves both.
    pub fn connect_held(&mut self, work_no: WorkNo, held: &CallId, now: Timestamp) -> Result<Effects, Refusal> {
        let current = self.joinable(work_no, held, Refusal::ConnectHoldNoCall, Refusal::ConnectHoldNoHeldCall)?;
        // A switch that connects only agents' phones cannot move a number into the call.
        let moves_others = self.calls.get(&current).is_some_and(|call| {
            call.parties.iter().any(|p| p.party != Party::Agent(work_no) && !matches!(p.party, Party::Agent(_)))
        });
        if moves_others && !self.settings.switch_features.transfer_to_numbers {
            return Err(Refusal::NotOnThisSwitch(super::SwitchFeature::TransferToNumbers));
        }
        let mut fx = Effects::new();
        self.join(work_no, &current, held, false, now, &mut fx);
        Ok(fx)
    }

    /// The agent's current call, when it talks in it and holds `held` behind it, and
    /// neither call is being transferred (or in an IVR flow).
    fn joinable(
        &self,
        work_no: WorkNo,
        held: &CallId,
        no_call: Refusal,
        no_held_call: Refusal,
    ) -> Result<CallId, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Talking { call: current } = &agent.state else { return Err(no_call) };
        let transferring =
            |id: &CallId| self.calls.get(id).is_none_or(|call| call.transfer.is_some() || call.ivr_flow().is_some());
        if !self.talking_in(work_no, current) || transferring(current) {
            return Err(no_call);
        }
        if !agent.held_calls.contains(held) || transferring(held) {
            return Err(no_held_call);
        }
        Ok(current.clone())
    }

    /// Every party of `from` but the agent moves into `into`, which the agent held; `from`
    /// ends as joined. With `agent_stays` the agent talks in `into` (a conference);
    /// otherwise it leaves both calls.
    pub(super) fn join(
        &mut self,
        work_no: WorkNo,
        from: &CallId,
        into: &CallId,
        agent_stays: bool,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        // An inspection of either call ends with the join: the calls' parties change, and
        // the switch must not carry the inspector's leg into the call that goes on.
        self.inspected_agent_left(from, None, now, fx);
        if !agent_stays {
            self.inspected_agent_left(into, Some(work_no), now, fx);
        }
        let Some(source) = self.calls.get(from) else { return };
        let me = Party::Agent(work_no);
        let movers: Vec<CallParty> = source.parties.iter().filter(|p| p.party != me).cloned().collect();
        let talked: Vec<WorkNo> = source.talked.iter().copied().filter(|&a| a != work_no).collect();
        let mover_numbers: Vec<String> = movers.iter().map(|p| party_number(&p.party)).collect();
        for agent in movers.iter().filter_map(CallParty::agent) {
            self.move_agent_to(agent, from, into, now);
        }
        if let Some(target) = self.calls.get_mut(into) {
            for mover in &movers {
                if target.party(&mover.party).is_none() {
                    target.parties.push(mover.clone());
                }
            }
            for agent in talked {
                target.mark_talked(agent);
            }
        }
        let leaving = if agent_stays { Vec::new() } else { vec![me.clone()] };
        fx.push(Effect::Switch(SwitchAction::Join { from: from.clone(), into: into.clone(), leaving }));
        self.drop_party(from, &me);
        if let Some(agent) = self.agents.get_mut(&work_no) {
            agent.held_calls.retain(|held| held != into);
        }
        if agent_stays {
            self.set_leg(into, work_no, Leg::Connected);
            self.set_state(work_no, AgentState::Talking { call: into.clone() }, now);
            fx.push(Effect::Switch(SwitchAction::Retrieve { call: into.clone(), agent: work_no }));
            self.finish(from, CallOutcome::Joined { into: into.clone() }, now, fx);
            self.tell_conference(into, fx);
            return;
        }
        // The agent hangs up: first the consultation, then the held call.
        Self::emit(fx, work_no, AgentEvent::CallRelease(from.clone()));
        let number = mover_numbers.join(",");
        Self::emit(fx, work_no, AgentEvent::CustomerRelease { call: from.clone(), number });
        Self::emit(fx, work_no, AgentEvent::CallRelease(into.clone()));
        self.drop_party(into, &me);
        fx.push(Effect::Switch(SwitchAction::Drop { call: into.clone(), party: me }));
        // `from` was the agent's current call: the phone goes on-hook unless it holds
        // yet another call.
        let skill = self.calls.get(into).map(crate::call::Call::skill);
        self.take_off_agent(work_no, from, Some(PhoneReleasedBy::Agent), Afterwards::Talked(skill), now, fx);
        // The call the agent left last is the held one, which goes on without it.
        self.remember_last_call(work_no, into, now);
        self.finish(from, CallOutcome::Joined { into: into.clone() }, now, fx);
        if let Some(call) = self.calls.get(into) {
            let info = call.event_info();
            for agent in movers.iter().filter_map(CallParty::agent) {
                Self::emit(fx, agent, AgentEvent::Talking(info.clone()));
            }
        }
    }

    /// An agent moving with its party from one call to another keeps its place: the call
    /// it was in is replaced by the other, as current or as held.
    fn move_agent_to(&mut self, work_no: WorkNo, from: &CallId, into: &CallId, now: Timestamp) {
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        for held in agent.held_calls.iter_mut().filter(|held| *held == from) {
            *held = into.clone();
        }
        let next = match &agent.state {
            AgentState::Talking { call } if call == from => AgentState::Talking { call: into.clone() },
            AgentState::Ringing { call, idle_since } if call == from => {
                AgentState::Ringing { call: into.clone(), idle_since: *idle_since }
            }
            _ => return,
        };
        self.set_state(work_no, next, now);
    }

    /// `AgentEvent_Conference` to every agent in the call, naming the other parties.
    fn tell_conference(&mut self, call_id: &CallId, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let parties: Vec<Party> = call.parties.iter().map(|p| p.party.clone()).collect();
        for agent in call.agents() {
            let partners =
                parties.iter().filter(|p| **p != Party::Agent(agent)).map(party_number).collect::<Vec<String>>();
            fx.push(Effect::Event {
                work_no: agent,
                event: AgentEvent::Conference { call: call_id.clone(), partners },
            });
        }
    }

    /// `disconnect/{number}`: releases one party of the agent's current call. The agent
    /// who placed or answered the call may release anyone; another agent in it (a
    /// helper) only itself. Naming itself (work number or phone) is a release.
    pub fn disconnect(&mut self, work_no: WorkNo, number: &str, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let Some(call_id) = agent.state.call().cloned() else { return Err(Refusal::NoCallToRelease) };
        if number == work_no.to_string() || number == agent.phone.as_str() {
            return self.release(work_no, now);
        }
        let call = self.calls.get(&call_id).ok_or(Refusal::NoCallToRelease)?;
        let target = call
            .parties
            .iter()
            .map(|p| p.party.clone())
            .find(|party| match party {
                Party::Number(n) => n == number,
                Party::Ivr(_) => false,
                Party::Agent(other) => {
                    other.to_string() == number || self.agents.get(other).is_some_and(|a| a.phone.as_str() == number)
                }
            })
            .ok_or(Refusal::PartyNotInCall)?;
        // The owner of a call between agents is its placer (the callee "answered" it).
        let owns_call = call.placed_by == Some(work_no)
            || (!call.feature.is_internal() && call.answered.is_some_and(|(agent, _)| agent == work_no));
        if !owns_call || call.agent_leg(work_no) != Some(Leg::Connected) {
            return Err(Refusal::PartyNotInCall);
        }
        let mut fx = Effects::new();
        self.leave(&call_id, &target, Leave::Removed, now, &mut fx);
        Ok(fx)
    }

    /// `gethold` while consulting about the held call `about`: the consultation ends first.
    pub(super) fn end_consultation_for(
        &mut self,
        work_no: WorkNo,
        about: Option<&CallId>,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(current) = self.agents.get(&work_no).and_then(|a| a.state.call().cloned()) else { return };
        let Some(call) = self.calls.get(&current) else { return };
        let consulting_about = call.consult.as_ref().map(|c| c.about.clone());
        let is_consultation = call.placed_by == Some(work_no)
            && call.agent_leg(work_no) != Some(Leg::Held)
            && consulting_about.as_ref().is_some_and(|held| {
                about.is_none_or(|wanted| wanted == held) && self.leg_of(held, work_no) == Some(Leg::Held)
            });
        if is_consultation {
            self.leave(&current, &Party::Agent(work_no), Leave::Released, now, fx);
        }
    }
}
