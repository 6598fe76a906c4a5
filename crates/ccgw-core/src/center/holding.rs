//! What an agent does within its calls: hold and retrieve (S15), mute, DTMF digits,
//! dropping one call by id, and picking its ringing phone up.
//!
//! - `hold` holds the current call when the agent talks in it (`AgentEvent_Hold`); the
//!   agent may then place another call. `gethold` brings a held call back when the agent
//!   talks in no other call (`AgentEvent_Talking` with the call's facts); a call the
//!   agent suspended in an IVR flow is not retrievable (`200-016`) until it returns.
//! - `beginmute`/`endmute` have no event of their own (none is documented); an internal
//!   call cannot be muted (spec 04 §2.3).

use super::legs::Leave;
use super::{Center, Effect, Effects, Party, SwitchAction};
use crate::agent::AgentState;
use crate::call::Leg;
use crate::event::AgentEvent;
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Longest DTMF string one `seconddial` sends.
pub const MAX_DIGITS: usize = 24;

impl Center {
    /// The agent's current call and its leg in it.
    fn current_call(&self, work_no: WorkNo) -> Result<Option<(CallId, Leg)>, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Talking { call } = &agent.state else { return Ok(None) };
        Ok(self.calls.get(call).and_then(|c| c.agent_leg(work_no)).map(|leg| (call.clone(), leg)))
    }

    /// Whether the agent talks in `call` with somebody (not still setting it up).
    pub(super) fn talking_in(&self, work_no: WorkNo, call_id: &CallId) -> bool {
        self.calls.get(call_id).is_some_and(|call| call.is_talking(work_no))
    }

    pub fn hold(&mut self, work_no: WorkNo, _now: Timestamp) -> Result<Effects, Refusal> {
        let (call_id, _) = self.current_call(work_no)?.ok_or(Refusal::NoCallToHold)?;
        if !self.talking_in(work_no, &call_id) {
            return Err(Refusal::HoldNotPossible);
        }
        self.set_leg(&call_id, work_no, Leg::Held);
        self.tally(work_no, |stats| stats.holds += 1);
        let mut fx = Effects::new();
        fx.push(Effect::Switch(SwitchAction::Hold { call: call_id.clone(), agent: work_no }));
        Self::emit(&mut fx, work_no, AgentEvent::Hold(call_id));
        Ok(fx)
    }

    /// `gethold[?callid=]`: without an id, the most recently held call.
    pub fn retrieve(&mut self, work_no: WorkNo, wanted: Option<&CallId>, now: Timestamp) -> Result<Effects, Refusal> {
        if !self.agents.contains_key(&work_no) {
            return Err(Refusal::NotSignedIn);
        }
        let mut fx = Effects::new();
        self.end_consultation_for(work_no, wanted, now, &mut fx);
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let current = agent.state.call().cloned();
        let held: Vec<CallId> = agent.calls().filter(|c| self.leg_of(c, work_no) == Some(Leg::Held)).cloned().collect();
        // A call suspended in an IVR flow comes back when the flow returns it, not before.
        let (in_ivr, held): (Vec<CallId>, Vec<CallId>) = held.into_iter().partition(|c| self.in_ivr(c));
        let target = match wanted {
            Some(wanted) if in_ivr.contains(wanted) => return Err(Refusal::RetrieveNotPossible),
            Some(wanted) => held.iter().find(|c| *c == wanted).cloned(),
            None => current.clone().filter(|c| held.contains(c)).or_else(|| held.last().cloned()),
        }
        .ok_or(if in_ivr.is_empty() { Refusal::NoHeldCall } else { Refusal::RetrieveNotPossible })?;
        if let Some(current) = &current
            && *current != target
            && self.leg_of(current, work_no) != Some(Leg::Held)
        {
            return Err(Refusal::RetrieveNotPossible);
        }
        if let Some(current) = current.filter(|current| *current != target)
            && let Some(agent) = self.agents.get_mut(&work_no)
        {
            agent.held_calls.retain(|c| *c != target);
            agent.held_calls.push(current);
        }
        self.set_state(work_no, AgentState::Talking { call: target.clone() }, now);
        self.set_leg(&target, work_no, Leg::Connected);
        fx.push(Effect::Switch(SwitchAction::Retrieve { call: target.clone(), agent: work_no }));
        if let Some(info) = self.calls.get(&target).map(crate::call::Call::event_info) {
            Self::emit(&mut fx, work_no, AgentEvent::Talking(info));
        }
        Ok(fx)
    }

    pub fn mute(&mut self, work_no: WorkNo, on: bool, _now: Timestamp) -> Result<Effects, Refusal> {
        let (no_call, wrong_state) = if on {
            (Refusal::NoCallToMute, Refusal::MuteNotPossible)
        } else {
            (Refusal::NoCallToUnmute, Refusal::UnmuteNotPossible)
        };
        let (call_id, _) = self.current_call(work_no)?.ok_or(no_call)?;
        let call = self.calls.get_mut(&call_id).ok_or(Refusal::NoCallToMute)?;
        let internal = call.feature.is_internal();
        let party = call.party_mut(&Party::Agent(work_no)).ok_or(Refusal::NoCallToMute)?;
        if internal || party.leg != Leg::Connected || party.muted == on {
            return Err(wrong_state);
        }
        party.muted = on;
        Ok(vec![Effect::Switch(SwitchAction::Mute { call: call_id, agent: work_no, on })])
    }

    /// `seconddial`: DTMF digits (`0-9 * # ,`) into the current call.
    pub fn send_digits(&mut self, work_no: WorkNo, digits: &str, _now: Timestamp) -> Result<Effects, Refusal> {
        check_digits(digits)?;
        let (call_id, leg) = self.current_call(work_no)?.ok_or(Refusal::NoCallForDigits)?;
        if leg != Leg::Connected {
            return Err(Refusal::NoCallForDigits);
        }
        Ok(vec![Effect::Switch(SwitchAction::Digits { call: call_id, agent: work_no, digits: digits.to_owned() })])
    }

    /// `dropcall/{callid}`: the agent leaves that one of its calls (current or held).
    pub fn drop_call(&mut self, work_no: WorkNo, call_id: &CallId, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        if !agent.calls().any(|c| c == call_id) {
            return Err(Refusal::NoCallToRelease);
        }
        if matches!(agent.state, AgentState::Ringing { .. }) {
            return self.release(work_no, now);
        }
        let mut fx = Effects::new();
        self.leave(call_id, &Party::Agent(work_no), Leave::Released, now, &mut fx);
        self.tally(work_no, |stats| stats.released += 1);
        Ok(fx)
    }

    /// `phonepickup`: the agent picks up its ringing phone — for a call it places, the
    /// switch takes the phone off-hook; for a call offered to it, this answers it.
    pub fn phone_pickup(&mut self, work_no: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        match &agent.state {
            AgentState::Ringing { .. } => self.answer(work_no, None, now),
            AgentState::Talking { call } if self.leg_of(call, work_no) == Some(Leg::Setup) => {
                Ok(vec![Effect::Switch(SwitchAction::PickUp { call: call.clone(), agent: work_no })])
            }
            // An inspector's phone rung to join a call.
            AgentState::Inspecting { call }
                if self.calls.get(call).and_then(|c| c.inspection.as_ref()).is_some_and(|i| !i.on_line) =>
            {
                Ok(vec![Effect::Switch(SwitchAction::PickUp { call: call.clone(), agent: work_no })])
            }
            _ => Err(Refusal::NoCallToAnswer),
        }
    }

    /// `releasephone`: the agent hangs up every call it is in, and an always-off-hook
    /// phone's line is released (the phone rings for each call from now on).
    pub fn release_phone(&mut self, work_no: WorkNo, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        let calls: Vec<CallId> = agent.calls().cloned().collect();
        let line = std::mem::take(&mut agent.always_off_hook);
        let inspecting = matches!(agent.state, AgentState::Inspecting { .. });
        if calls.is_empty() && !line && !inspecting {
            return Err(Refusal::NoCallToRelease);
        }
        let mut fx = Effects::new();
        if line {
            fx.push(Effect::Switch(SwitchAction::DropLine { agent: work_no }));
        }
        if inspecting {
            fx.extend(self.stop_inspecting(work_no, None, false, now)?);
        }
        for call_id in calls.iter().rev() {
            fx.extend(self.drop_call(work_no, call_id, now)?);
        }
        Ok(fx)
    }

    pub(super) fn leg_of(&self, call_id: &CallId, work_no: WorkNo) -> Option<Leg> {
        self.calls.get(call_id).and_then(|call| call.agent_leg(work_no))
    }

    pub(super) fn set_leg(&mut self, call_id: &CallId, work_no: WorkNo, leg: Leg) {
        if let Some(party) = self.calls.get_mut(call_id).and_then(|call| call.party_mut(&Party::Agent(work_no))) {
            party.leg = leg;
        }
    }
}

/// DTMF digits one command may send: 1-24 of `0-9 * # ,`.
pub(super) fn check_digits(digits: &str) -> Result<(), Refusal> {
    let valid = (1..=MAX_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'#' | b','));
    if valid { Ok(()) } else { Err(Refusal::InvalidParameter(format!("digits must be 1-{MAX_DIGITS} of 0-9 * # ,"))) }
}
