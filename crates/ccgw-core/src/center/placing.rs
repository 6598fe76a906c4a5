//! Calls an agent places: a call-out to a number (spec 03 S11–S13) and an internal call
//! to an agent or to an idle agent of a skill (S14).
//!
//! Set-up runs in steps, each reported by the switch: the placer's phone goes off-hook
//! (`AgentOther_PhoneAlerting` first when it has to ring — not when it is always
//! off-hook; no step at all when the phone is already off-hook for a held call), then the called party rings
//! (`AgentEvent_Customer_Alerting`) and answers (`AgentEvent_Talking` to both agents of an
//! internal call). Every step has a deadline (`Timer::Setup`): the placer's phone and a
//! called agent have the ring timeout, a dialled number `dial_timeout`.
//!
//! Failures tell the placer, in this order:
//! - its phone never went off-hook (S12): `Call_Out_Fail`, `Connect_Fail`, `PhoneRelease{3}`;
//! - the number could not be reached (S13): `PhoneRelease{3}`, `Call_Out_Fail`,
//!   `Connect_Fail`, `OUTBOUND_DETECT_EVENT` with the cause;
//! - an internal call: `Inside_Call_Fail` (and `Connect_Fail` when its own phone failed),
//!   `PhoneRelease{3}`;
//!
//! then the state it goes to (`AgentState_Ready`, or its waiting request). A called agent
//! who did not answer hears `No_Answer`, `PhoneRelease{3}` and is idle again, with its old
//! idle time and no busy penalty: unlike a queue offer, nobody else was waiting for it.

use super::legs::Afterwards;
use super::{Center, DialFailure, Effect, Effects, Party, SwitchAction, SwitchFeature, Timer};
use crate::agent::{AgentState, Pending};
use crate::call::{
    AfterConsult, Call, CallOutcome, CallParty, CallState, CalledPhone, Consult, FailReason, Leg, NewCall, OfferPhone,
};
use crate::directory::RoutingPolicy;
use crate::event::{AgentEvent, CallFeature, PhoneReleasedBy};
use crate::ids::{CallId, SkillId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Who an agent calls.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Callee {
    /// A number outside the center (`callout`).
    Number(String),
    /// Another agent (`callinner`).
    Agent(WorkNo),
    /// An idle agent of a skill, picked by the skill's policy (`callinnerskill`).
    Skill(SkillId),
}

/// An agent's request to place a call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallRequest {
    pub callee: Callee,
    /// The number shown to the called party; the agent's phone number when `None`.
    pub caller: Option<String>,
    /// The skill the call counts for; the agent's first skill when `None`.
    pub skill: Option<SkillId>,
    pub call_data: String,
}

/// Longest number a call-out may dial (spec 04 §2.1).
pub const MAX_DIALLED_LEN: usize = 24;

/// Whether `number` may be dialled: 1–24 of digits, `*` and `#`.
fn is_dialable(number: &str) -> bool {
    (1..=MAX_DIALLED_LEN).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

/// `OUTBOUND_DETECT_EVENT` when the number rang past `dial_timeout` (Q.850 cause 18).
const TIMEOUT_DETECT: (u32, &str) = (18, "Nobody answered within the dial time.");

impl DialFailure {
    /// `detect` and `desc` of `OUTBOUND_DETECT_EVENT`. Huawei's own cause table is not
    /// public; these are the ITU-T Q.850 release causes of the same meaning.
    pub fn detect(self) -> (u32, &'static str) {
        match self {
            DialFailure::InvalidNumber => (1, "The called number is unallocated."),
            DialFailure::Busy => (17, "The called party is busy."),
            DialFailure::NoAnswer => (19, "The called party did not answer."),
            DialFailure::Rejected => (21, "The called party rejected the call."),
        }
    }
}

impl Center {
    /// An agent places a call with the id the switch gave it. The agent may hold other
    /// calls but must not be talking or ringing.
    pub fn place_call(
        &mut self,
        work_no: WorkNo,
        id: CallId,
        request: CallRequest,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        self.place(work_no, id, request, None, now)
    }

    /// Places a call; with `then`, a consultation about the agent's current call, which
    /// is held first (`AgentEvent_Hold`, S16).
    pub(super) fn place(
        &mut self,
        work_no: WorkNo,
        id: CallId,
        request: CallRequest,
        then: Option<AfterConsult>,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let consulted = match (&agent.state, then) {
            (_, None) => None,
            (AgentState::Talking { call }, Some(_))
                if self.calls.get(call).is_some_and(|c| c.is_talking(work_no) && c.transfer.is_none()) =>
            {
                Some(call.clone())
            }
            (_, Some(_)) => return Err(Refusal::NoCallToConsult),
        };
        let phone_free = match &agent.state {
            _ if consulted.is_some() => false,
            AgentState::Ringing { .. } | AgentState::Inspecting { .. } => return Err(Refusal::StateForbids),
            AgentState::Talking { call } => {
                if self.calls.get(call).and_then(|c| c.agent_leg(work_no)) != Some(Leg::Held) {
                    return Err(Refusal::StateForbids);
                }
                false
            }
            AgentState::Idle { .. }
            | AgentState::NotReady { .. }
            | AgentState::Rest { .. }
            | AgentState::WrapUp { .. } => true,
        };
        if !phone_free && !self.settings.switch_features.second_calls {
            return Err(Refusal::NotOnThisSwitch(SwitchFeature::SecondCalls));
        }
        let vdn = agent.profile.vdn;
        let first_skill = agent.skills().next();
        let phone = agent.phone.clone();
        let callee = match request.callee {
            Callee::Number(number) if is_dialable(&number) => Party::Number(number),
            Callee::Number(_) => return Err(Refusal::NumberInvalid),
            Callee::Agent(callee) if callee == work_no => {
                return Err(Refusal::InvalidParameter("an agent cannot call itself".into()));
            }
            Callee::Agent(callee) => Party::Agent(callee),
            Callee::Skill(skill) => {
                let policy = self.skills.get(&(vdn, skill)).map_or(RoutingPolicy::default(), |s| s.policy);
                // The placer, idle itself, must not pick itself.
                self.unpool(work_no);
                let picked = self.pools.get(&(vdn, skill)).and_then(|pool| pool.pick(policy));
                self.pool(work_no);
                Party::Agent(picked.ok_or(Refusal::NoIdleAgent)?)
            }
        };
        let consulted_skill = consulted.as_ref().and_then(|about| self.calls.get(about)).map(Call::skill);
        let skill = request
            .skill
            .or(consulted_skill)
            .or(first_skill)
            .ok_or_else(|| Refusal::InvalidParameter("the agent has no skill to place the call for".into()))?;
        if self.calls.contains_key(&id) {
            return Err(Refusal::InvalidParameter(format!("call id {id} is in use")));
        }
        // A placed call's callee is never an IVR flow; it would be dialled like a number.
        let (feature, called) = match (&callee, then) {
            (Party::Number(number) | Party::Ivr(number), _) => (CallFeature::Outbound, number.clone()),
            (Party::Agent(callee), None) => (CallFeature::Internal, callee.to_string()),
            (Party::Agent(callee), Some(AfterConsult::Conference)) => {
                (CallFeature::ConsultThreeParty, callee.to_string())
            }
            (Party::Agent(callee), Some(_)) => (CallFeature::ConsultTwoParty, callee.to_string()),
        };
        let caller = match (&callee, request.caller) {
            (Party::Number(_) | Party::Ivr(_), Some(caller)) if !caller.is_empty() => caller,
            (Party::Number(_) | Party::Ivr(_), _) => phone.to_string(),
            (Party::Agent(_), _) => work_no.to_string(),
        };
        self.tally(work_no, |stats| match feature {
            CallFeature::Outbound if then.is_none() => stats.called_out += 1,
            CallFeature::Internal => stats.internal_calls += 1,
            CallFeature::ConsultTwoParty | CallFeature::ConsultThreeParty => stats.help_requests += 1,
            // A talk or three-party transfer's call counts as the transfer.
            CallFeature::Outbound | CallFeature::Inbound => {}
        });
        let mut fx = Effects::new();
        if let Some(about) = &consulted {
            self.tally(work_no, |stats| stats.holds += 1);
            self.set_leg(about, work_no, Leg::Held);
            fx.push(Effect::Switch(SwitchAction::Hold { call: about.clone(), agent: work_no }));
            Self::emit(&mut fx, work_no, AgentEvent::Hold(about.clone()));
        }
        self.remember_state_before_call(work_no, now);
        self.next_arrival += 1;
        let call = Call {
            info: NewCall {
                id: id.clone(),
                vdn,
                skill,
                caller,
                called,
                call_data: request.call_data,
                media_type: 5,
                priority: 0,
            },
            feature,
            placed_by: Some(work_no),
            arrived: now,
            seq: self.next_arrival,
            state: CallState::Live { since: now },
            offered_to: Vec::new(),
            route: vec![skill],
            queued_since: now,
            parties: vec![CallParty::new(Party::Agent(work_no), Leg::Setup), CallParty::new(callee, Leg::Setup)],
            answered: None,
            attempt: 0,
            consult: consulted.map(|about| Consult { about, then: then.unwrap_or(AfterConsult::Talk) }),
            transfer: None,
            transferred_from: None,
            talked: Vec::new(),
            business_data: String::new(),
            called_phone: None,
            overflow_run: 0,
            inspection: None,
            supervision: Vec::new(),
        };
        self.admit(call, &mut fx);
        if let Some(AgentState::Talking { call: held }) = self.agents.get(&work_no).map(|a| a.state.clone())
            && let Some(agent) = self.agents.get_mut(&work_no)
        {
            agent.held_calls.push(held);
        }
        self.set_state(work_no, AgentState::Talking { call: id.clone() }, now);
        if phone_free {
            // An always-off-hook phone is connected already: it does not ring (S11).
            if !self.agents.get(&work_no).is_some_and(|agent| agent.always_off_hook) {
                Self::emit(&mut fx, work_no, AgentEvent::PhoneAlerting);
            }
            fx.push(Effect::Switch(SwitchAction::OffHook { call: id.clone(), agent: work_no, phone }));
            let ring_timeout = self.settings.ring_timeout;
            self.start_setup_step(&id, ring_timeout, now, &mut fx);
        } else {
            // The phone is off-hook already, for the held call.
            fx.push(Effect::Switch(SwitchAction::Originate { call: id.clone(), agent: work_no, phone }));
            if let Some(party) = self.calls.get_mut(&id).and_then(|c| c.party_mut(&Party::Agent(work_no))) {
                party.leg = Leg::Connected;
            }
            self.reach_callee(&id, now, &mut fx);
        }
        Ok(fx)
    }

    /// An agent who leaves busy or rest to place a call returns to it afterwards.
    pub(super) fn remember_state_before_call(&mut self, work_no: WorkNo, now: Timestamp) {
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        if agent.pending.is_some() {
            return;
        }
        agent.pending = match agent.state {
            AgentState::NotReady { reason } => Some(Pending::Busy { reason, resumed: true }),
            AgentState::Rest { cause, ends, .. } if ends > now => {
                Some(Pending::Rest { length: ends.since(now), cause, resumed: true })
            }
            _ => None,
        };
    }

    /// Opens the next set-up step: a stale deadline of an earlier step is ignored.
    pub(super) fn start_setup_step(
        &mut self,
        call_id: &CallId,
        within: std::time::Duration,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.attempt += 1;
        let timer = Timer::Setup { call: call_id.clone(), attempt: call.attempt };
        fx.push(Effect::Timer { at: now.plus(within), timer });
    }

    /// The switch took the placer's phone off-hook.
    pub fn phone_off_hook(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let Some(call) = self.calls.get_mut(call_id) else { return fx };
        if call.placed_by != Some(work_no) {
            return fx;
        }
        let Some(party) = call.party_mut(&Party::Agent(work_no)).filter(|p| p.leg == Leg::Setup) else { return fx };
        party.leg = Leg::Connected;
        Self::emit(&mut fx, work_no, AgentEvent::PhoneOffhook);
        Self::emit(&mut fx, work_no, AgentEvent::Occupied);
        self.reach_callee(call_id, now, &mut fx);
        fx
    }

    /// The placer's phone refused the call.
    pub fn phone_failed(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        let setting_up = self
            .calls
            .get(call_id)
            .is_some_and(|call| call.placed_by == Some(work_no) && call.agent_leg(work_no) == Some(Leg::Setup));
        if setting_up {
            self.fail_setup(call_id, FailReason::AgentPhone, now, &mut fx);
        }
        fx
    }

    /// The placer is on the line: ring the called agent or dial the number.
    fn reach_callee(&mut self, call_id: &CallId, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let Some(placer) = call.placed_by else { return };
        let Some(callee) = call.parties.iter().find(|p| p.party != Party::Agent(placer)).map(|p| p.party.clone())
        else {
            return;
        };
        match callee {
            Party::Number(number) | Party::Ivr(number) => {
                let caller = call.info.caller.clone();
                let dial_timeout = self.settings.dial_timeout;
                self.start_setup_step(call_id, dial_timeout, now, fx);
                fx.push(Effect::Switch(SwitchAction::Dial { call: call_id.clone(), number, caller }));
            }
            Party::Agent(callee) => {
                // VDNs are tenants: an agent of another VDN is as unreachable as one
                // not signed in (and each VDN's center knows only its own agents).
                let vdn = call.info.vdn;
                let callee_agent = self.agents.get(&callee).filter(|agent| agent.profile.vdn == vdn);
                let idle_since = match callee_agent.map(|a| &a.state) {
                    Some(AgentState::Idle { since }) => *since,
                    _ => {
                        // Never rung, so told nothing: it leaves before the call fails.
                        self.drop_party(call_id, &Party::Agent(callee));
                        return self.fail_setup(call_id, FailReason::AgentUnavailable, now, fx);
                    }
                };
                let ring_timeout = self.settings.ring_timeout;
                self.start_setup_step(call_id, ring_timeout, now, fx);
                self.ring_called_agent(call_id, placer, callee, idle_since, now, fx);
            }
        }
    }

    pub(super) fn ring_called_agent(
        &mut self,
        call_id: &CallId,
        placer: WorkNo,
        callee: WorkNo,
        idle_since: Timestamp,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some((phone, auto_answer)) = self.agents.get(&callee).map(|agent| (agent.phone.clone(), agent.auto_answer))
        else {
            return;
        };
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if let Some(party) = call.party_mut(&Party::Agent(callee)) {
            party.leg = Leg::Alerting;
        }
        let reported = self.settings.phone_legs.reported();
        call.called_phone = reported.then_some(CalledPhone { callee, caller: placer, phone: OfferPhone::Dialling });
        self.set_state(callee, AgentState::Ringing { call: call_id.clone(), idle_since }, now);
        Self::emit(fx, callee, AgentEvent::Occupied);
        if reported {
            // The call rings at the agent once the switch reports its phone off-hook.
            fx.push(Effect::Switch(SwitchAction::Alert { call: call_id.clone(), agent: callee, phone, auto_answer }));
            return;
        }
        Self::emit(fx, callee, AgentEvent::PhoneAlerting);
        Self::emit(fx, callee, AgentEvent::PhoneOffhook);
        fx.push(Effect::Switch(SwitchAction::Alert { call: call_id.clone(), agent: callee, phone, auto_answer }));
        self.called_agent_rings(call_id, placer, callee, now, fx);
    }

    /// The called agent's phone is off-hook: the call rings at the agent, or connects
    /// at once with auto-answer.
    pub(super) fn called_agent_rings(
        &mut self,
        call_id: &CallId,
        placer: WorkNo,
        callee: WorkNo,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(auto_answer) = self.agents.get(&callee).map(|agent| agent.auto_answer) else { return };
        let Some(info) = self.calls.get(call_id).map(Call::event_info) else { return };
        let other_phone = callee.to_string();
        Self::emit(fx, placer, AgentEvent::CustomerAlerting { call: call_id.clone(), other_phone });
        if auto_answer {
            Self::emit(fx, callee, AgentEvent::AutoAnswer(info));
            self.connect_called_agent(call_id, callee, now, fx);
        } else {
            Self::emit(fx, callee, AgentEvent::Ringing(info));
        }
    }

    /// A called agent answers: a transfer's target takes the call over; otherwise the
    /// agent talks in the internal call or consultation.
    pub(super) fn connect_called_agent(&mut self, call_id: &CallId, callee: WorkNo, now: Timestamp, fx: &mut Effects) {
        self.tally_answer(callee, call_id);
        let target = self.calls.get(call_id).and_then(|call| call.transfer.as_ref()).map(|t| t.to.clone());
        if target == Some(Party::Agent(callee)) {
            return self.transfer_connected(call_id, now, fx);
        }
        self.called_agent_answers(call_id, callee, now, fx);
    }

    /// The called agent of an internal call answers: both agents talk.
    fn called_agent_answers(&mut self, call_id: &CallId, callee: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(phone) = self.agents.get(&callee).map(|a| a.phone.clone()) else { return };
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let Some(party) = call.party_mut(&Party::Agent(callee)) else { return };
        party.leg = Leg::Connected;
        call.answered = Some((callee, now));
        call.attempt += 1;
        let placer = call.placed_by;
        if let Some(placer) = placer {
            call.mark_talked(placer);
        }
        call.mark_talked(callee);
        let info = call.event_info();
        self.set_state(callee, AgentState::Talking { call: call_id.clone() }, now);
        Self::emit(fx, callee, AgentEvent::Talking(info.clone()));
        if let Some(placer) = placer {
            Self::emit(fx, placer, AgentEvent::Talking(info));
        }
        fx.push(Effect::Switch(SwitchAction::Connect { call: call_id.clone(), agent: callee, phone }));
        self.consultation_answered(call_id, now, fx);
    }

    /// A dialled number rings.
    pub fn far_end_alerting(&mut self, call_id: &CallId, number: &str, _now: Timestamp) -> Effects {
        let call_id = &self.reported_call(call_id);
        let mut fx = Effects::new();
        let Some(call) = self.calls.get_mut(call_id) else { return fx };
        // The agent waiting for the number: a success transfer's, else the placer.
        let placer = match &call.transfer {
            Some(transfer) if transfer.blind => None,
            Some(transfer) => Some(transfer.by),
            None => call.placed_by,
        };
        let Some(party) = call.party_mut(&Party::Number(number.to_owned())).filter(|p| p.leg == Leg::Setup) else {
            return fx;
        };
        party.leg = Leg::Alerting;
        if let Some(placer) = placer {
            let event = AgentEvent::CustomerAlerting { call: call_id.clone(), other_phone: number.to_owned() };
            Self::emit(&mut fx, placer, event);
        }
        fx
    }

    /// A dialled number answers: the placer talks.
    pub fn far_end_answered(&mut self, call_id: &CallId, number: &str, now: Timestamp) -> Effects {
        let call_id = &self.reported_call(call_id);
        let mut fx = Effects::new();
        let party = Party::Number(number.to_owned());
        let Some(call) = self.calls.get_mut(call_id) else { return fx };
        if call.party(&party).is_none_or(|p| !matches!(p.leg, Leg::Setup | Leg::Alerting)) {
            return fx;
        }
        if call.transfer.as_ref().is_some_and(|t| t.to == party) {
            self.transfer_connected(call_id, now, &mut fx);
            return fx;
        }
        let Some(placer) = call.placed_by else { return fx };
        if let Some(far_end) = call.party_mut(&party) {
            far_end.leg = Leg::Connected;
        }
        call.attempt += 1;
        if call.answered.is_none() {
            call.answered = Some((placer, now));
        }
        call.mark_talked(placer);
        let info = call.event_info();
        Self::emit(&mut fx, placer, AgentEvent::Talking(info));
        self.consultation_answered(call_id, now, &mut fx);
        fx
    }

    /// A dialled number could not be reached.
    pub fn far_end_failed(&mut self, call_id: &CallId, number: &str, cause: DialFailure, now: Timestamp) -> Effects {
        let call_id = &self.reported_call(call_id);
        let mut fx = Effects::new();
        let Some(call) = self.calls.get(call_id) else { return fx };
        let party = Party::Number(number.to_owned());
        if !call.party(&party).is_some_and(|p| matches!(p.leg, Leg::Setup | Leg::Alerting)) {
            return fx;
        }
        if call.transfer.as_ref().is_some_and(|t| t.to == party) {
            self.transfer_failed(call_id, FailReason::FarEnd(cause), now, &mut fx);
            return fx;
        }
        if call.answered.is_some() {
            return fx;
        }
        self.drop_party(call_id, &party);
        self.fail_setup(call_id, FailReason::FarEnd(cause), now, &mut fx);
        fx
    }

    /// A set-up step ran out of time.
    pub(super) fn setup_timeout(&mut self, call_id: &CallId, attempt: u64, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        if call.attempt != attempt {
            return;
        }
        if call.transfer.is_some() {
            return self.transfer_failed(call_id, FailReason::Timeout, now, fx);
        }
        if call.answered.is_some() {
            return;
        }
        let Some(placer) = call.placed_by else { return };
        if call.agent_leg(placer) == Some(Leg::Setup) {
            return self.fail_setup(call_id, FailReason::AgentPhone, now, fx);
        }
        let ringing: Vec<WorkNo> =
            call.parties.iter().filter(|p| p.leg == Leg::Alerting).filter_map(CallParty::agent).collect();
        for callee in ringing {
            self.tally(callee, |stats| stats.not_answered += 1);
            Self::emit(fx, callee, AgentEvent::NoAnswer(call_id.clone()));
            self.drop_party(call_id, &Party::Agent(callee));
            let phone = Some(PhoneReleasedBy::Platform);
            self.take_off_agent(callee, call_id, phone, Afterwards::NotTalked, now, fx);
        }
        self.fail_setup(call_id, FailReason::Timeout, now, fx);
    }

    /// A call nobody answered fails: everyone still in it is released and the placer is
    /// told why (see the module documentation for the order).
    pub(super) fn fail_setup(&mut self, call_id: &CallId, reason: FailReason, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let Some(placer) = call.placed_by else { return };
        let feature = call.feature;
        let transferring = call.consult.is_some() && feature == CallFeature::Outbound;
        let callees: Vec<WorkNo> = call.agents().filter(|&a| a != placer).collect();
        for callee in callees {
            Self::emit(fx, callee, AgentEvent::CallRelease(call_id.clone()));
            self.drop_party(call_id, &Party::Agent(callee));
            let phone = Some(PhoneReleasedBy::Platform);
            self.take_off_agent(callee, call_id, phone, Afterwards::NotTalked, now, fx);
        }
        let holds_other_calls = self.agents.get(&placer).is_some_and(|a| !a.held_calls.is_empty());
        let id = call_id.clone();
        let mut phone = Some(PhoneReleasedBy::Platform);
        let detected = match reason {
            FailReason::FarEnd(cause) => Some(cause.detect()),
            FailReason::Timeout => Some(TIMEOUT_DETECT),
            _ => None,
        };
        match (feature, reason) {
            // The number of a talk or three-party transfer (S19): the customer stays held.
            (CallFeature::Outbound, _) if transferring => {
                Self::emit(fx, placer, AgentEvent::ConnectFail(id.clone()));
                if let Some((detect, desc)) = detected {
                    Self::emit(fx, placer, AgentEvent::OutboundDetect { call: id, detect, desc });
                }
            }
            (CallFeature::Outbound, FailReason::AgentPhone) => {
                Self::emit(fx, placer, AgentEvent::CallOutFail(id.clone()));
                Self::emit(fx, placer, AgentEvent::ConnectFail(id));
            }
            (CallFeature::Outbound, _) => {
                if !holds_other_calls {
                    Self::emit(fx, placer, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
                }
                phone = None;
                Self::emit(fx, placer, AgentEvent::CallOutFail(id.clone()));
                Self::emit(fx, placer, AgentEvent::ConnectFail(id.clone()));
                if let Some((detect, desc)) = detected {
                    Self::emit(fx, placer, AgentEvent::OutboundDetect { call: id, detect, desc });
                }
            }
            (CallFeature::Internal | CallFeature::Inbound, _) => {
                Self::emit(fx, placer, AgentEvent::InsideCallFail(id.clone()));
                if reason == FailReason::AgentPhone {
                    Self::emit(fx, placer, AgentEvent::ConnectFail(id));
                }
            }
            (CallFeature::ConsultTwoParty | CallFeature::ConsultThreeParty, _) => {
                Self::emit(fx, placer, AgentEvent::ConsultFail(id));
            }
        }
        self.take_off_agent(placer, call_id, phone, Afterwards::NotTalked, now, fx);
        fx.push(Effect::Switch(SwitchAction::Release { call: call_id.clone() }));
        self.finish(call_id, CallOutcome::Failed { agent: placer, reason }, now, fx);
    }
}
