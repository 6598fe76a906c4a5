//! Calls an agent places to a number outside the center, by third-party call control
//! (RFC 3725): ccgw first takes the agent's phone off-hook with an offer that has no
//! media yet, then sends the phone's answer as the offer to the number through the
//! dialling trunk, and once the number answers, gives the phone the number's SDP by
//! re-INVITE. Media then flows between the phone and the number, as on inbound calls.
//!
//! The engine drives the steps: `OffHook` rings the phone (asking it to answer by
//! itself: the agent has just asked for the call), its answer is reported as
//! `PhoneOffHook`, then `Dial` invites the number, whose 180/183 and final answer become
//! `FarEndAlerting` and `FarEndAnswered` or `FarEndFailed`.

use std::net::SocketAddr;

use ccgw_core::{CallId, DialFailure, WorkNo};
use ccgw_engine::TelephonyReport;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::sip::{Response, StatusCodeKind, Uri};

use super::b2bua::{B2bua, Call, Command, Dialled, Invited, caller_user, final_answer, fresh_sip_call_id};
use super::media::Side;
use super::sdp::{Direction, placeholder_offer};

impl B2bua {
    /// `OffHook`: the agent's phone is rung for the call the agent places, with the
    /// placeholder offer and the auto-answer headers.
    pub(super) fn take_off_hook(&mut self, call_id: CallId, agent: WorkNo, phone: &str) {
        if self.calls.contains_key(&call_id) {
            tracing::warn!(call_id = %call_id, %agent, "off-hook for a call the SIP switch carries already");
            return;
        }
        let host = self.parts.contact.host_with_port.host.to_string();
        let origin = self.next_origin();
        self.calls.insert(call_id.clone(), Call::new(None, placeholder_offer(&host), origin, String::new()));
        if self.has_line(agent) {
            return self.place_on_line(call_id, agent);
        }
        self.alert(call_id, agent, phone, true, None);
    }

    /// `Dial`: the number is invited through the dialling trunk, showing `caller`. In a
    /// call whose customer is connected (a transfer to the number) it is offered the
    /// customer's SDP (see `far_leg`); otherwise it is the call-out's number, offered the
    /// phone's SDP.
    pub(super) fn dial(&mut self, call_id: CallId, number: String, caller: &str) {
        let Some(trunk) = self.parts.trunks.dialling().and_then(|trunk| trunk.dial) else {
            tracing::warn!(call_id = %call_id, "call-out without a trunk to dial through");
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        };
        let Some(call) = self.calls.get_mut(&call_id) else {
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        };
        if call.answered && call.customer.is_some() {
            return self.dial_far(call_id, number, caller, trunk);
        }
        let phone_sdp = call.phone.as_ref().and_then(|leg| leg.answer.clone());
        // The phone answered an inactive placeholder: the number is offered two-way media.
        let offer = phone_sdp.and_then(|sdp| call.customer_origin.present(&sdp, Some(Direction::SendRecv)));
        let (Some(offer), None) = (offer, call.customer.as_ref()) else {
            tracing::warn!(call_id = %call_id, "dial without the agent's phone off-hook, or dialled already");
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        };
        let Invited { dialog, states: state_rx, finished, .. } =
            match self.dial_trunk(&call_id, &number, caller, trunk, offer) {
                Ok(invited) => invited,
                Err(cause) => return self.report_dial_failure(call_id, number, cause),
            };
        tracing::info!(call_id = %call_id, %trunk, "call-out dialled");
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        call.customer = Some(dialog);
        call.caller = caller.to_owned();
        call.dialled = Some(Dialled { number, alerting_reported: false });
        self.watch_customer(call_id.clone(), state_rx);
        let commands = self.parts.commands.clone();
        tokio::spawn(async move {
            let response = final_answer(finished, "a called number").await;
            let _ = commands.send(Command::Dialled { call: call_id, response });
        });
    }

    /// Sends the INVITE to `number` through the dialling trunk at `trunk`, From `caller`,
    /// offering `offer`: its dialog, state channel and final answer, or why it is not sent.
    pub(super) fn dial_trunk(
        &self,
        call_id: &CallId,
        number: &str,
        caller: &str,
        trunk: SocketAddr,
        offer: Vec<u8>,
    ) -> Result<Invited, DialFailure> {
        let callee = called_uri(number, trunk).map_err(|_| DialFailure::InvalidNumber)?;
        let mut from = self.parts.contact.clone();
        from.auth = Some(rsipstack::sip::Auth { user: caller_user(caller), password: None });
        from.params.clear();
        let option = InviteOption {
            caller: from,
            callee,
            destination: Some(rsipstack::transport::SipAddr::from(trunk)),
            contact: self.parts.contact.clone(),
            content_type: Some("application/sdp".into()),
            offer: Some(offer),
            call_id: Some(fresh_sip_call_id(call_id, &self.parts.contact)),
            ..Default::default()
        };
        let (state_tx, states) = self.parts.dialogs.new_dialog_state_channel();
        match self.parts.dialogs.do_invite_async(option, state_tx) {
            Ok((dialog, finished)) => Ok(Invited { serial: 0, dialog, states, finished }),
            Err(error) => {
                tracing::warn!(call_id = %call_id, %error, "INVITE through the dialling trunk not sent");
                Err(DialFailure::Rejected)
            }
        }
    }

    /// The called number rings (180, or 183 with early media ccgw does not carry).
    pub(super) fn dialled_alerting(&mut self, call_id: &CallId, response: &Response) {
        let Some(dialled) = self.calls.get_mut(call_id).and_then(|call| call.dialled.as_mut()) else { return };
        if dialled.alerting_reported || !matches!(response.status_code.code(), 180 | 183) {
            return;
        }
        dialled.alerting_reported = true;
        let number = dialled.number.clone();
        self.report(TelephonyReport::FarEndAlerting { call: call_id.clone(), number });
    }

    /// The called number's final answer: 2xx connects it (and the phone gets its SDP);
    /// anything else, or none, fails the call-out with the cause it means.
    pub(super) fn dialled_answered(&mut self, call_id: CallId, response: Option<Response>) {
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        let Some(number) = call.dialled.as_ref().map(|dialled| dialled.number.clone()) else { return };
        let code = response.as_ref().map(|response| response.status_code.code());
        let answer = response.filter(|response| response.status_code.kind() == StatusCodeKind::Successful);
        let Some(answer) = answer else {
            call.customer = None;
            return self.report_dial_failure(call_id, number, dial_failure(code));
        };
        // Explicitly two-way: the phone answered an inactive placeholder, or was held.
        let towards_phone = super::media::directions(call).1;
        let Some(leg) = call.phone.as_mut() else { return };
        let Some(to_phone) = leg.origin.present(&answer.body, Some(towards_phone)) else {
            tracing::info!(call_id = %call_id, "the called number answered without SDP: hung up");
            if let Some(called) = call.customer.take() {
                super::b2bua::hang_up(self.parts.dialogs.clone(), called);
            }
            return self.report_dial_failure(call_id, number, DialFailure::Rejected);
        };
        call.answered = true;
        call.customer_sdp = answer.body;
        self.reinvite_leg(&call_id, Side::Phone, to_phone);
        self.report(TelephonyReport::FarEndAnswered { call: call_id, number });
    }

    pub(super) fn report_dial_failure(&self, call: CallId, number: String, cause: DialFailure) {
        tracing::info!(call_id = %call, ?cause, "call-out failed");
        self.report(TelephonyReport::FarEndFailed { call, number, cause });
    }
}

/// `sip:<number>@<trunk address>`.
fn called_uri(number: &str, trunk: SocketAddr) -> Result<Uri, rsipstack::sip::Error> {
    Uri::try_from(format!("sip:{number}@{trunk}").as_str())
}

/// What a called number's final answer means for the agent (`OUTBOUND_DETECT_EVENT`):
/// the SIP codes of RFC 3261 §21 mapped onto the center's dial failures.
pub(super) fn dial_failure(code: Option<u16>) -> DialFailure {
    match code {
        Some(404 | 410 | 484 | 485 | 604) => DialFailure::InvalidNumber,
        Some(486 | 600) => DialFailure::Busy,
        None | Some(408 | 480) => DialFailure::NoAnswer,
        Some(_) => DialFailure::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_answers_map_onto_the_dial_failures_agents_are_told() {
        for code in [404, 410, 484, 485, 604] {
            assert_eq!(dial_failure(Some(code)), DialFailure::InvalidNumber, "{code}");
        }
        assert_eq!(dial_failure(Some(486)), DialFailure::Busy);
        assert_eq!(dial_failure(Some(600)), DialFailure::Busy);
        assert_eq!(dial_failure(Some(480)), DialFailure::NoAnswer);
        assert_eq!(dial_failure(Some(408)), DialFailure::NoAnswer);
        assert_eq!(dial_failure(None), DialFailure::NoAnswer);
        for code in [403, 488, 500, 503, 603] {
            assert_eq!(dial_failure(Some(code)), DialFailure::Rejected, "{code}");
        }
    }

    #[test]
    fn the_called_uri_names_the_number_at_the_trunk() {
        let uri = called_uri("5550123", "127.0.0.1:5090".parse().unwrap()).unwrap();
        assert_eq!(uri.to_string(), "sip:5550123@127.0.0.1:5090");
    }
}
