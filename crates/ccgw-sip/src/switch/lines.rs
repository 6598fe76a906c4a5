//! An agent's phone line across its calls: consultations, second calls and
//! `connecthold` on the SIP switch.
//!
//! An off-hook agent phone is one SIP dialog, ccgw's, whatever the agent does with its
//! calls. When the agent places a call while it holds one (`Originate`: a consultation,
//! an internal call, a call-out), that dialog — the line — is lent to the new call and
//! its place in the held call is left empty (`Call::line_away`). The line works in the
//! new call as a freshly off-hook phone does: an agent it calls is offered its SDP, a
//! number is dialled with it, and it is re-invited with the far end's SDP once that
//! answers.
//!
//! - When the second call ends, the line goes back to the call it was lent from, which
//!   is still held: it is re-invited with that call's SDP, `a=inactive`.
//! - Retrieving a call whose line is away fetches it from the call that has it.
//! - `connecthold` (`Join`, the agent leaving): the helper's phone takes the held call's
//!   phone leg, or a number the agent called takes it as the far leg; the customer is
//!   re-invited with its SDP and it with the customer's, both two-way, on the dialogs and
//!   origins they had; the agent's line gets BYE.
//! - The line hanging up (BYE from the phone, or keep-alives lost) is the agent hanging
//!   up: reported for the call it is in and for every call waiting for it.
//!
//! Each dialog keeps the leg serial it was opened with, so that its events find the call
//! it sits in now (`B2bua::leg_homes`).

use ccgw_core::{CallId, Party, WorkNo};
use ccgw_engine::TelephonyReport;

use super::b2bua::{B2bua, Call, PhoneLeg};
use super::far_leg::FarLeg;
use super::internal::Placer;
use super::media::{Side, directions, second_leg};
use super::sdp::{LegOrigin, placeholder_offer};

impl Call {
    /// Whether `agent`'s off-hook line sits in this call: as its phone leg, or as the
    /// first leg of a call it placed.
    fn has_line_of(&self, agent: WorkNo) -> bool {
        self.phone.as_ref().is_some_and(|leg| leg.agent == agent && leg.answer.is_some() && self.answered)
            || (self.placed_by(agent) && self.customer.is_some())
    }

    /// Takes `agent`'s line out of the call, leaving its place empty.
    fn detach_line(&mut self, agent: WorkNo) -> Option<PhoneLeg> {
        if self.placed_by(agent) {
            let placer = self.placer?;
            let dialog = self.customer.take()?;
            self.line_away = Some(agent);
            let origin = std::mem::replace(&mut self.customer_origin, LegOrigin::new(0));
            let answer = self.customer_sdp.clone();
            let mut leg = PhoneLeg::off_hook(placer.serial, agent, self.caller.clone(), dialog, origin, answer);
            leg.standing = placer.standing;
            return Some(leg);
        }
        let leg = self.phone.take_if(|leg| leg.agent == agent && leg.answer.is_some())?;
        self.line_away = Some(agent);
        Some(leg)
    }

    /// Puts `agent`'s line back in its place in the call.
    fn attach_line(&mut self, leg: PhoneLeg) {
        self.line_away = None;
        if self.placed_by(leg.agent) && self.customer.is_none() {
            self.placer = Some(Placer { serial: leg.serial, agent: leg.agent, standing: leg.standing });
            self.customer_origin = leg.origin;
            self.customer_sdp = leg.answer.unwrap_or_default();
            self.customer = Some(leg.dialog);
        } else {
            self.phone = Some(leg);
        }
    }

    /// The agent's line, wherever it sits in the call, to be hung up or moved.
    pub(super) fn take_line_of(&mut self, agent: WorkNo) -> Option<PhoneLeg> {
        let leg = self.detach_line(agent);
        self.line_away = None;
        leg
    }
}

impl B2bua {
    /// `Originate`: the agent places a call while it holds another. Its line leaves the
    /// held call for the new one, as the off-hook phone of that call.
    pub(super) fn originate(&mut self, call_id: CallId, agent: WorkNo) {
        if self.calls.contains_key(&call_id) {
            tracing::warn!(call_id = %call_id, %agent, "originate of a call the SIP switch carries already");
            return;
        }
        let Some(held) = self.call_with_line_of(agent) else {
            // Its Alert or Dial finds no phone and fails the call.
            tracing::warn!(call_id = %call_id, %agent, "a second call without the agent's phone off-hook");
            return;
        };
        let Some(leg) = self.calls.get_mut(&held).and_then(|call| call.detach_line(agent)) else { return };
        let host = self.parts.contact.host_with_port.host.to_string();
        let origin = self.next_origin();
        let mut call = Call::new(None, placeholder_offer(&host), origin, String::new());
        self.leg_homes.insert(leg.serial, call_id.clone());
        call.phone = Some(leg);
        self.calls.insert(call_id, call);
    }

    /// The call that keeps `agent`'s line's place while the line is elsewhere.
    pub(super) fn call_waiting_for_line(&self, agent: WorkNo) -> Option<CallId> {
        self.calls.iter().find(|(_, call)| call.line_away == Some(agent)).map(|(id, _)| id.clone())
    }

    /// The call `agent`'s line sits in.
    fn call_with_line_of(&self, agent: WorkNo) -> Option<CallId> {
        self.calls.iter().find(|(_, call)| call.has_line_of(agent)).map(|(id, _)| id.clone())
    }

    /// Retrieving a call whose line is away: the line comes back from the call that has
    /// it (that call keeps the line's place for it).
    pub(super) fn fetch_line(&mut self, call_id: &CallId, agent: WorkNo) {
        let away = self.calls.get(call_id).is_some_and(|call| call.line_away == Some(agent));
        let Some(holder) = self.call_with_line_of(agent).filter(|_| away) else { return };
        let Some(leg) = self.calls.get_mut(&holder).and_then(|call| call.detach_line(agent)) else { return };
        self.leg_homes.insert(leg.serial, call_id.clone());
        if let Some(call) = self.calls.get_mut(call_id) {
            call.attach_line(leg);
        }
    }

    /// The line takes its place in `call_id` and is given that call's media as it stands.
    pub(super) fn settle_line(&mut self, call_id: &CallId, leg: PhoneLeg) {
        let Some(call) = self.calls.get_mut(call_id) else { return self.hang_up_phone(leg) };
        self.leg_homes.insert(leg.serial, call_id.clone());
        let first_leg = call.placed_by(leg.agent);
        call.attach_line(leg);
        let side = if first_leg { Side::Customer } else { Side::Phone };
        self.refresh_media(call_id, side);
    }

    /// Re-invites one side of a bridged call with the other side's SDP, in the directions
    /// the call's state asks for: the customer, or what it is bridged to (`Side::Phone`
    /// stands for either second leg).
    pub(super) fn refresh_media(&mut self, call_id: &CallId, side: Side) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let (towards_customer, towards_phone) = directions(call);
        let Some(leg) = second_leg(&mut call.phone, &mut call.far) else { return };
        let (side, sdp) = match side {
            Side::Phone | Side::Far => (leg.side, leg.origin.present(&call.customer_sdp, Some(towards_phone))),
            Side::Customer => {
                let far_sdp = leg.answer.clone().unwrap_or_default();
                (Side::Customer, call.customer_origin.present(&far_sdp, Some(towards_customer)))
            }
        };
        if let Some(sdp) = sdp {
            self.reinvite_leg(call_id, side, sdp);
        }
    }

    /// `Join` of a consultation into the held call it was about, its placer leaving
    /// (`connecthold`, or a talk transfer completed): the helper's phone takes the held
    /// call's place of the agent — its phone leg, or its first leg if the agent placed
    /// that call — or the number called becomes the held call's far leg.
    pub(super) fn join(&mut self, from: CallId, into: CallId, leaving: Vec<Party>) {
        // The agent leaving both calls (its line may be gone already: a handset put down
        // to complete a talk transfer).
        let placer = leaving.iter().find_map(|party| match party {
            Party::Agent(agent) => Some(*agent),
            _ => None,
        });
        let helper = self.calls.get(&from).and_then(|call| {
            let to_agent = call.placer.is_some_and(|p| Some(p.agent) == placer) && call.phone.is_some();
            let to_number = call.placer.is_none() && call.dialled.is_some() && call.customer.is_some();
            (to_agent || to_number).then_some(to_agent)
        });
        let held_placer = self.calls.get(&into).filter(|call| call.far.is_none()).map(|call| call.placer);
        let (Some(placer), Some(to_agent), Some(held_placer)) = (placer, helper, held_placer) else {
            // The center refuses conferences on this switch before they get here.
            return tracing::warn!(%from, %into, "a join the SIP switch does not carry");
        };
        // A call the agent placed holds its place as the first leg: an agent can take it.
        let as_first_leg = held_placer.is_some_and(|p| p.agent == placer);
        if as_first_leg && !to_agent {
            return tracing::warn!(%from, %into, "a join the SIP switch does not carry: a number as a call's first leg");
        }
        let Some(mut consultation) = self.calls.remove(&from) else { return };
        if let Some(call) = self.calls.get_mut(&into) {
            // The agent leaves both calls: its line goes nowhere back.
            (call.line_away, call.held, call.muted, call.placer_muted) = (None, false, false, false);
        }
        if let Some(line) = consultation.take_line_of(placer) {
            self.hang_up_phone(line);
        }
        let own_line = self.calls.get_mut(&into).and_then(|call| call.take_line_of(placer));
        if let Some(line) = own_line {
            // The agent's own line, if it came back meanwhile, leaves with the agent.
            self.hang_up_phone(line);
        }
        let Some(call) = self.calls.get_mut(&into) else { return };
        match (consultation.phone.take(), consultation.customer.take(), consultation.dialled.take()) {
            (Some(helper), _, _) if as_first_leg => {
                self.leg_homes.insert(helper.serial, into.clone());
                call.placer = Some(Placer { serial: helper.serial, agent: helper.agent, standing: helper.standing });
                call.caller = helper.phone;
                call.customer_origin = helper.origin;
                call.customer_sdp = helper.answer.unwrap_or_default();
                call.customer = Some(helper.dialog);
            }
            (Some(helper), _, _) => {
                self.leg_homes.insert(helper.serial, into.clone());
                call.phone = Some(helper);
            }
            (None, Some(dialog), Some(dialled)) => {
                // The number's dialog keeps reporting as the consultation's first leg.
                self.far_homes.insert(from, into.clone());
                self.leg_serials += 1;
                call.far = Some(FarLeg {
                    serial: self.leg_serials,
                    number: dialled.number,
                    dialog,
                    origin: consultation.customer_origin,
                    answer: Some(consultation.customer_sdp),
                    alerting_reported: true,
                });
            }
            _ => return,
        }
        self.refresh_media(&into, Side::Phone);
        self.refresh_media(&into, Side::Customer);
    }

    /// `agent`'s line hung up (or vanished) in one call: every other call that waits for
    /// the line hears the same, as the agent hanging up there too.
    pub(super) fn line_died(&mut self, agent: WorkNo, serial: u64) {
        self.leg_homes.remove(&serial);
        let waiting: Vec<CallId> =
            self.calls.iter().filter(|(_, call)| call.line_away == Some(agent)).map(|(id, _)| id.clone()).collect();
        for call in waiting {
            if let Some(call) = self.calls.get_mut(&call) {
                call.line_away = None;
            }
            self.report(TelephonyReport::PhoneHungUp { call, agent });
        }
    }
}
