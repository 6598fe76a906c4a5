//! A number connected with a call's customer: transfers to a number on the SIP switch.
//!
//! - `Dial` in a call whose customer is connected invites the number through the
//!   dialling trunk with the customer's SDP, two-way, under a fresh ccgw origin: that is
//!   the call's far leg. Its 180/183 is `FarEndAlerting`; its 2xx re-invites the customer
//!   with the number's SDP (media then flows between customer and number, the call no
//!   longer held or muted) and is `FarEndAnswered`; any other answer, or none, is
//!   `FarEndFailed` with the cause it means.
//! - Blind (mode 1): the agent's phone is hung up and the customer held before the
//!   number is dialled. Success (mode 2): the agent holds the call while the number
//!   rings; once it answers the agent leaves. Talk (mode 3): the agent consults the
//!   number in a call of its own; when it hangs up, the number's dialog moves into the
//!   customer's call as its far leg (`Join`).
//! - Once connected, re-INVITEs between customer and number are carried as between
//!   customer and phone; the number's BYE is `FarEndHungUp`; a release sends BYE to both.
//! - A queue's overflow to a number (`Redirect`) dials it the same way for a customer
//!   still waiting: its answer is the customer's 200 OK (with the number's SDP), its
//!   failure the customer's final answer (486 busy, 404 for an invalid number, else 480).
//!   The center is done with such a call, so whichever leg hangs up, the switch ends the
//!   other.

use std::net::SocketAddr;

use ccgw_core::{CallId, DialFailure};
use ccgw_engine::TelephonyReport;
use rsipstack::dialog::dialog::DialogState;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{StatusCode, StatusCodeKind};

use super::b2bua::{B2bua, Command, PhoneEvent, hang_up};
use super::call_out::dial_failure;
use super::media::Side;
use super::sdp::{Direction, LegOrigin};

/// The number dialled into a connected call.
pub(super) struct FarLeg {
    /// Tells this leg's events from those of an earlier one of the call.
    pub(super) serial: u64,
    pub(super) number: String,
    pub(super) dialog: InviteDialog,
    /// ccgw's origin towards the number.
    pub(super) origin: LegOrigin,
    /// The number's latest SDP, once it answered.
    pub(super) answer: Option<Vec<u8>>,
    pub(super) alerting_reported: bool,
}

impl B2bua {
    /// `Dial` within a connected call: the number is invited with the customer's SDP.
    pub(super) fn dial_far(&mut self, call_id: CallId, number: String, caller: &str, trunk: SocketAddr) {
        let mut origin = self.next_origin();
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        if call.far.is_some() {
            tracing::warn!(call_id = %call_id, "a second number dialled into the call: refused");
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        }
        // The customer may have answered a hold: the number is offered two-way media.
        let Some(offer) = origin.present(&call.customer_sdp, Some(Direction::SendRecv)) else {
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        };
        let mut invited = match self.dial_trunk(&call_id, &number, caller, trunk, offer) {
            Ok(invited) => invited,
            Err(cause) => return self.report_dial_failure(call_id, number, cause),
        };
        tracing::info!(call_id = %call_id, %trunk, "number dialled into the call");
        self.leg_serials += 1;
        let serial = self.leg_serials;
        invited.serial = serial;
        let dialog = invited.dialog.clone();
        let watching = call_id.clone();
        self.watch_leg(invited, move |leg, event| Command::Far { call: watching.clone(), leg, event });
        if let Some(call) = self.calls.get_mut(&call_id) {
            call.far = Some(FarLeg { serial, number, dialog, origin, answer: None, alerting_reported: false });
        }
    }

    /// An event of a far leg dialled into the call, when `serial` is the current one's.
    pub(super) fn far_changed(&mut self, call_id: CallId, serial: u64, event: PhoneEvent) {
        let current =
            self.calls.get(&call_id).and_then(|call| call.far.as_ref()).is_some_and(|far| far.serial == serial);
        if !current {
            return self.end_given_up(event);
        }
        self.far_event(call_id, event);
    }

    /// What the call's far leg did.
    pub(super) fn far_event(&mut self, call_id: CallId, event: PhoneEvent) {
        let Some(far) = self.calls.get_mut(&call_id).and_then(|call| call.far.as_mut()) else { return };
        let number = far.number.clone();
        match event {
            PhoneEvent::State(DialogState::Early(_, response)) => {
                if !far.alerting_reported && matches!(response.status_code.code(), 180 | 183) {
                    far.alerting_reported = true;
                    self.report(TelephonyReport::FarEndAlerting { call: call_id, number });
                }
            }
            PhoneEvent::State(DialogState::Terminated(id, reason)) => {
                self.parts.dialogs.remove_dialog(&id);
                // Before an answer, the final response says how the INVITE ended.
                if far.answer.is_some() {
                    tracing::info!(call_id = %call_id, ?reason, "the number connected with the customer hung up");
                    let redirected = self.calls.get_mut(&call_id).is_some_and(|call| {
                        call.far = None;
                        call.redirected
                    });
                    if redirected {
                        self.release(call_id.clone());
                    }
                    self.report(TelephonyReport::FarEndHungUp { call: call_id, number });
                }
            }
            PhoneEvent::State(other) => self.in_dialog_request(&call_id, false, other),
            PhoneEvent::Final { response, .. } => {
                let code = response.as_ref().map(|response| response.status_code.code());
                let answer = response.filter(|response| response.status_code.kind() == StatusCodeKind::Successful);
                let Some(answer) = answer else {
                    if let Some(call) = self.calls.get_mut(&call_id) {
                        call.far = None;
                    }
                    self.refuse_redirected(&call_id, dial_failure(code));
                    return self.report_dial_failure(call_id, number, dial_failure(code));
                };
                if LegOrigin::new(0).present(&answer.body, None).is_none() {
                    tracing::info!(call_id = %call_id, "the number answered without SDP: hung up");
                    if let Some(far) = self.calls.get_mut(&call_id).and_then(|call| call.far.take()) {
                        hang_up(self.parts.dialogs.clone(), far.dialog);
                    }
                    self.refuse_redirected(&call_id, DialFailure::Rejected);
                    return self.report_dial_failure(call_id, number, DialFailure::Rejected);
                }
                far.answer = Some(answer.body);
                self.connect_far(&call_id);
                self.report(TelephonyReport::FarEndAnswered { call: call_id, number });
            }
        }
    }

    /// The far leg is up: the customer talks with it, neither held nor muted. A customer
    /// still waiting (a redirected call) is answered with the number's SDP.
    pub(super) fn connect_far(&mut self, call_id: &CallId) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        (call.held, call.muted, call.placer_muted) = (false, false, false);
        if call.answered {
            return self.refresh_media(call_id, Side::Customer);
        }
        let far_sdp = call.far.as_ref().and_then(|far| far.answer.clone()).unwrap_or_default();
        let (Some(answer), Some(customer)) = (call.customer_origin.present(&far_sdp, None), call.customer.as_ref())
        else {
            return;
        };
        let headers = vec![rsipstack::sip::Header::ContentType("application/sdp".into())];
        match customer.accept(Some(headers), Some(answer)) {
            Ok(()) => call.answered = true,
            Err(error) => tracing::warn!(call_id = %call_id, %error, "200 OK to the redirected customer not sent"),
        }
    }

    /// `Redirect`: a waiting customer is sent out of the center to `number` through the
    /// dialling trunk; without one it is refused 480, logged.
    pub(super) fn redirect(&mut self, call_id: CallId, number: &str) {
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        call.redirected = true;
        let caller = call.caller.clone();
        match self.parts.trunks.dialling().and_then(|trunk| trunk.dial) {
            Some(trunk) => {
                self.dial_far(call_id.clone(), number.to_owned(), &caller, trunk);
                if self.calls.get(&call_id).is_some_and(|call| call.far.is_none()) {
                    // Not dialled (reported as a dial failure, to a center done with it).
                    self.refuse_redirected(&call_id, DialFailure::Rejected);
                }
            }
            None => {
                tracing::warn!(call_id = %call_id, "overflow to a number without a trunk to dial it: the customer is refused");
                self.refuse_redirected(&call_id, DialFailure::Rejected);
            }
        }
    }

    /// A redirected customer whose number could not be reached gets the final answer
    /// that says why; the call is over.
    fn refuse_redirected(&mut self, call_id: &CallId, cause: DialFailure) {
        let unanswered = self.calls.get(call_id).is_some_and(|call| call.redirected && !call.answered);
        if !unanswered {
            return;
        }
        let Some(call) = self.calls.remove(call_id) else { return };
        let status = match cause {
            DialFailure::Busy => StatusCode::BusyHere,
            DialFailure::InvalidNumber => StatusCode::NotFound,
            DialFailure::Rejected | DialFailure::NoAnswer => StatusCode::TemporarilyUnavailable,
        };
        if let Some(customer) = call.customer {
            if let Err(error) = customer.reject(Some(status), None) {
                tracing::debug!(%error, "final answer to the redirected customer not sent");
            }
            self.parts.dialogs.remove_dialog(&customer.id());
        }
    }

    /// `Drop` of the number dialled into the call (the transfer failed or was called off).
    pub(super) fn drop_far(&mut self, call_id: &CallId, number: &str) {
        let far = self.calls.get_mut(call_id).and_then(|call| call.far.take_if(|far| far.number == number));
        if let Some(far) = far {
            hang_up(self.parts.dialogs.clone(), far.dialog);
        }
    }
}
