//! The agent's phone leg as the switch reports it: ringing, off-hook, failed with a
//! cause, hung up on the handset.
//!
//! An offer (distribution, `requestcall`, `snatchpickup`) tells the agent
//! `Incoming_CallInfo` and `AgentState_Busy` and asks the switch to ring the agent's
//! phone (`Alert`); the call stays offered until the phone is off-hook (S9):
//! - alerting: `AgentOther_PhoneAlerting`;
//! - off-hook: `AgentOther_PhoneOffhook` (after `PhoneAlerting` if the switch skipped
//!   alerting), then `AgentEvent_Ringing` (manual answer; `answer` is refused until then),
//!   or `Auto_Answer`, `Talking` (auto-answer) resp. `Talking` (pickup): only now is the
//!   call live;
//! - failed (busy, unreachable, no answer, rejected) before off-hook: the offer is taken
//!   back as after a ring timeout — `AgentEvent_Connect_Fail` ("the agent's leg failed to
//!   connect"), no `PhoneRelease` (the phone never went off-hook), the agent is set busy
//!   (reason 7 for a rejection, as a decline; else the no-answer reason, 2) and the call
//!   goes back to its queue for the next agent;
//! - hung up on the handset: as `release` of that call (a decline while it rings).
//!
//! The ring timeout runs from the offer, so a phone that never answers is covered too.
//! With [`PhoneLegs::Assumed`] the core plays both reports itself as the offer is made,
//! which gives the same events in the same order as a switch reporting at once.
//!
//! For the agent's own calls the phone leg is reported the same way: off-hook and failure
//! end the placer's set-up step (see `placing`); alerting changes nothing there
//! (`PhoneAlerting` is told as the call is placed). A called agent (internal call,
//! consultation, transfer to an agent) is rung the same way as an offer: `Occupied` at
//! once, `PhoneAlerting` and `PhoneOffhook` as the switch reports them, and only then
//! `Customer_Alerting` to the caller and `Ringing` (or `Auto_Answer`, `Talking`) to the
//! agent, whose `answer` is refused until then; a phone that fails (or is hung up before
//! it went off-hook) ends the set-up step as its ring timeout would.

use super::{Center, Effect, Effects, Party, REJECTED_BUSY_REASON, SwitchAction, Timer};
use crate::agent::AgentState;
use crate::call::{CallState, CalledPhone, Leg, OfferAnswer, OfferPhone};
use crate::event::AgentEvent;
use crate::ids::{CallId, WorkNo};
use crate::time::Timestamp;

use super::calls::connect_answering_agent;
use super::legs::Leave;

/// Whether the switch reports the agent's phone leg of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhoneLegs {
    /// The switch reports nothing for an offer: the phone is taken as ringing and going
    /// off-hook as the offer is made.
    #[default]
    Assumed,
    /// The switch reports the leg ([`PhoneReport`]); an offer waits for it.
    Reported,
    /// As `Reported`, and the phone going off-hook for an offer is the agent answering
    /// it — a real phone picked up, as on a SIP switch: `AgentEvent_Ringing` comes as the
    /// phone rings, off-hook connects the call, and `answer` while the phone rings asks the
    /// switch to take it off-hook (`PickUp`).
    AnsweredAtPhone,
}

impl PhoneLegs {
    /// Whether the switch reports the phone's leg (rather than the core assuming it).
    pub fn reported(self) -> bool {
        self != PhoneLegs::Assumed
    }
}

/// What the switch reports about an agent's phone on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneReport {
    Alerting,
    /// Off-hook: answered at the phone, or taken off-hook by the switch.
    Answered,
    Failed(PhoneFailure),
    /// The agent put the handset down.
    HungUp,
}

/// Why an agent's phone could not take a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneFailure {
    /// In another call.
    Busy,
    /// Not registered, or no route to it.
    Unreachable,
    /// Rang and nobody picked up (the switch gave up before the ring timeout).
    NoAnswer,
    /// The agent declined at the phone.
    Rejected,
}

impl PhoneFailure {
    pub const ALL: [PhoneFailure; 4] =
        [PhoneFailure::Busy, PhoneFailure::Unreachable, PhoneFailure::NoAnswer, PhoneFailure::Rejected];

    /// The name used in configuration and the extension API.
    pub fn name(self) -> &'static str {
        match self {
            PhoneFailure::Busy => "busy",
            PhoneFailure::Unreachable => "unreachable",
            PhoneFailure::NoAnswer => "no-answer",
            PhoneFailure::Rejected => "reject",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|failure| failure.name() == name)
    }
}

impl Center {
    /// The switch reports on `work_no`'s phone leg of `call_id`. Reports that no longer
    /// apply (the offer moved on, the call ended) are ignored.
    pub fn phone_leg(&mut self, call_id: &CallId, work_no: WorkNo, report: PhoneReport, now: Timestamp) -> Effects {
        let call_id = &self.reported_call(call_id);
        let mut fx = Effects::new();
        if self.inspector_phone(call_id, work_no, report, now, &mut fx) {
            return fx;
        }
        let Some(call) = self.calls.get(call_id) else { return fx };
        if let CallState::Offered { agent, phone, .. } = call.state
            && agent == work_no
        {
            self.offer_phone(call_id, work_no, phone, report, now, &mut fx);
            return fx;
        }
        if let Some(called) = call.called_phone.filter(|called| called.callee == work_no) {
            self.called_phone(call_id, called, report, now, &mut fx);
            return fx;
        }
        match report {
            PhoneReport::Alerting => {}
            PhoneReport::Answered => fx = self.phone_off_hook(call_id, work_no, now),
            PhoneReport::Failed(_) => fx = self.phone_failed(call_id, work_no, now),
            PhoneReport::HungUp => self.handset_hung_up(call_id, work_no, now, &mut fx),
        }
        fx
    }

    /// Asks the switch to ring the agent's phone for an offer just made, with the offer's
    /// deadline. [`Self::assume_offer_phone`] follows, once the operation's other switch
    /// actions are out.
    pub(super) fn ring_for_offer(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get(call_id) else { return };
        let CallState::Offered { offer, answer, .. } = call.state else { return };
        let Some(phone) = self.agents.get(&work_no).map(|agent| agent.phone.clone()) else { return };
        let auto_answer = answer != OfferAnswer::Ring;
        fx.push(Effect::Switch(SwitchAction::Alert { call: call_id.clone(), agent: work_no, phone, auto_answer }));
        let reported = self.settings.phone_legs.reported();
        // An assumed phone connects an auto-answer or pickup offer at once: no deadline.
        if reported || answer == OfferAnswer::Ring {
            let at = now.plus(self.settings.ring_timeout);
            fx.push(Effect::Timer { at, timer: Timer::RingTimeout { call: call_id.clone(), offer } });
        }
    }

    /// Plays the phone's reports for an offer when the switch gives none: it rings and
    /// goes off-hook at once.
    pub(super) fn assume_offer_phone(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        if self.settings.phone_legs == PhoneLegs::Assumed && self.is_offered_to(call_id, work_no) {
            self.offer_phone(call_id, work_no, OfferPhone::Dialling, PhoneReport::Answered, now, fx);
        }
    }

    /// Whether the agent's phone is off-hook for the call offered to it.
    pub(super) fn offer_off_hook(&self, call_id: &CallId) -> bool {
        self.calls
            .get(call_id)
            .is_some_and(|call| matches!(call.state, CallState::Offered { phone: OfferPhone::OffHook, .. }))
    }

    fn set_offer_phone(&mut self, call_id: &CallId, to: OfferPhone) {
        if let Some(CallState::Offered { phone, .. }) = self.calls.get_mut(call_id).map(|call| &mut call.state) {
            *phone = to;
        }
    }

    fn offer_phone(
        &mut self,
        call_id: &CallId,
        work_no: WorkNo,
        phone: OfferPhone,
        report: PhoneReport,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        match (report, phone) {
            (PhoneReport::Alerting, OfferPhone::Dialling) => {
                self.set_offer_phone(call_id, OfferPhone::Alerting);
                Self::emit(fx, work_no, AgentEvent::PhoneAlerting);
                self.ring_with_the_phone(call_id, work_no, fx);
            }
            (PhoneReport::Answered, OfferPhone::Dialling | OfferPhone::Alerting) => {
                if phone == OfferPhone::Dialling {
                    Self::emit(fx, work_no, AgentEvent::PhoneAlerting);
                    self.ring_with_the_phone(call_id, work_no, fx);
                }
                self.set_offer_phone(call_id, OfferPhone::OffHook);
                Self::emit(fx, work_no, AgentEvent::PhoneOffhook);
                self.offer_reaches_agent(call_id, work_no, now, fx);
            }
            (PhoneReport::Failed(cause), OfferPhone::Dialling | OfferPhone::Alerting) => {
                self.offer_phone_failed(call_id, work_no, cause, now, fx);
            }
            (PhoneReport::HungUp, OfferPhone::OffHook) => {
                // Putting the handset down while the call rings declines it, as `release` does.
                let _ = self.release_current(work_no, now, fx);
            }
            _ => {}
        }
    }

    /// A report on a called agent's phone before it went off-hook.
    fn called_phone(
        &mut self,
        call_id: &CallId,
        called: CalledPhone,
        report: PhoneReport,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let CalledPhone { callee, caller, phone } = called;
        let still_rung = self.agents.get(&callee).is_some_and(|agent| agent.state.call() == Some(call_id));
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if !still_rung || call.agent_leg(callee) != Some(Leg::Alerting) {
            // The set-up went on without it (timeout, cancel, sign-out): nothing to apply.
            call.called_phone = None;
            return;
        }
        match report {
            PhoneReport::Alerting if phone == OfferPhone::Dialling => {
                call.called_phone = Some(CalledPhone { phone: OfferPhone::Alerting, ..called });
                Self::emit(fx, callee, AgentEvent::PhoneAlerting);
            }
            PhoneReport::Alerting => {}
            PhoneReport::Answered => {
                call.called_phone = None;
                if phone == OfferPhone::Dialling {
                    Self::emit(fx, callee, AgentEvent::PhoneAlerting);
                }
                Self::emit(fx, callee, AgentEvent::PhoneOffhook);
                self.called_agent_rings(call_id, caller, callee, now, fx);
            }
            PhoneReport::Failed(_) | PhoneReport::HungUp => {
                call.called_phone = None;
                let attempt = call.attempt;
                self.setup_timeout(call_id, attempt, now, fx);
            }
        }
    }

    /// Where the phone's off-hook is the answer, the call rings at the agent as the phone
    /// does, so that the agent may answer it through the API as well.
    fn ring_with_the_phone(&self, call_id: &CallId, work_no: WorkNo, fx: &mut Effects) {
        if self.settings.phone_legs != PhoneLegs::AnsweredAtPhone {
            return;
        }
        let Some(call) = self.calls.get(call_id) else { return };
        if let CallState::Offered { answer: OfferAnswer::Ring, .. } = call.state {
            Self::emit(fx, work_no, AgentEvent::Ringing(call.event_info()));
        }
    }

    /// The phone of an offer is off-hook: the call rings at the agent, or connects.
    fn offer_reaches_agent(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let CallState::Offered { answer, .. } = call.state else { return };
        let info = call.event_info();
        if answer == OfferAnswer::Ring {
            if self.settings.phone_legs == PhoneLegs::AnsweredAtPhone {
                // The agent picked the phone up: that is the answer.
                self.connect_offer(call_id, work_no, now, fx);
            } else {
                Self::emit(fx, work_no, AgentEvent::Ringing(info));
            }
            return;
        }
        connect_answering_agent(call, work_no, now);
        let Some(phone) = self.agents.get(&work_no).map(|agent| agent.phone.clone()) else { return };
        self.set_state(work_no, AgentState::Talking { call: call_id.clone() }, now);
        self.count_answer(call_id, now);
        self.tally_answer(work_no, call_id);
        if answer == OfferAnswer::Auto {
            Self::emit(fx, work_no, AgentEvent::AutoAnswer(info.clone()));
        }
        Self::emit(fx, work_no, AgentEvent::Talking(info));
        fx.push(Effect::Switch(SwitchAction::Connect { call: call_id.clone(), agent: work_no, phone }));
    }

    /// The phone could not take the offer: taken back as after a ring timeout.
    fn offer_phone_failed(
        &mut self,
        call_id: &CallId,
        work_no: WorkNo,
        cause: PhoneFailure,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(call) = self.calls.get(call_id) else { return };
        self.counters.entry((call.info.vdn, call.skill())).or_default().no_answer += 1;
        self.tally(work_no, |stats| stats.not_answered += 1);
        Self::emit(fx, work_no, AgentEvent::ConnectFail(call_id.clone()));
        let reason = match cause {
            PhoneFailure::Rejected => REJECTED_BUSY_REASON,
            PhoneFailure::Busy | PhoneFailure::Unreachable | PhoneFailure::NoAnswer => {
                self.settings.no_answer_busy_reason
            }
        };
        self.decline(work_no, call_id, reason, now, fx);
    }

    /// The handset went down on a call the agent is in: its current call is released as
    /// by `release`; a held one is left.
    fn handset_hung_up(&mut self, call_id: &CallId, work_no: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        if agent.state.call() == Some(call_id) {
            let _ = self.release_current(work_no, now, fx);
        } else if self.calls.get(call_id).is_some_and(|call| call.party(&Party::Agent(work_no)).is_some()) {
            self.leave(call_id, &Party::Agent(work_no), Leave::Released, now, fx);
        }
    }
}
