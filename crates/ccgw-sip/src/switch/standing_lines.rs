//! Huawei's "always off-hook" mode on the SIP switch: an agent signed in with
//! `releasephone: false` has its phone connected once (`KeepLine`: ccgw calls it with
//! the auto-answer headers and an offer without media) and kept connected between
//! calls. Calls are bridged onto that standing line by re-INVITE, so answering needs
//! nothing from the phone.
//!
//! - An offer to such an agent does not ring the phone: it is reported alerting at once.
//!   The agent's answer (`PickUp`, or the offer itself with auto-answer) re-invites the
//!   line with the customer's SDP; the phone's answer is its going off-hook, and the
//!   customer then gets 200 OK with it, as on any call.
//! - A call the agent places takes the line as its off-hook phone at once.
//! - When a call ends for the agent, the line is parked, not hung up: re-invited with the
//!   offer without media. `releasephone` and sign-out (`DropLine`) hang it up.
//! - The phone hanging the line up (BYE), or a line that cannot be set up, bridged or
//!   parked, leaves the agent without one: its calls ring the phone as usual from then on.
//!   A line is not set up again by itself (the agent signs in again for that), nor while
//!   the phone is not registered at sign-in.

use ccgw_core::{CallId, PhoneFailure, WorkNo};
use ccgw_engine::TelephonyReport;
use rsipstack::dialog::dialog::DialogState;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{Header, Response, StatusCode, StatusCodeKind};

use super::b2bua::{B2bua, Command, PhoneEvent, PhoneLeg, fresh_sip_call_id, hang_up};
use super::sdp::{Direction, LegOrigin, placeholder_offer};
use super::turns::Turn;

/// A call waiting for an agent's standing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct AwaitingLine {
    pub(super) agent: WorkNo,
    /// The agent answered (or the offer answers by itself): bridge the line once it is up.
    pub(super) answered: bool,
    /// A call the agent places: the line is its phone as it is.
    pub(super) own_call: bool,
}

impl super::b2bua::Call {
    pub(super) fn awaits_line_of(&self, agent: WorkNo) -> bool {
        self.awaiting_line.is_some_and(|awaiting| awaiting.agent == agent)
    }
}

/// Where an agent's standing line is.
pub(super) enum Line {
    /// Being set up: ccgw's INVITE has no final answer yet.
    Connecting { serial: u64, phone: String, dialog: InviteDialog, origin: LegOrigin },
    /// Up and in no call.
    Idle(PhoneLeg),
    /// The phone leg of this call.
    InCall(CallId),
}

impl B2bua {
    /// `KeepLine`: the agent's phone is called once, to stay connected.
    pub(super) fn keep_line(&mut self, agent: WorkNo, phone: &str) {
        if self.lines.contains_key(&agent) {
            return;
        }
        let host = self.parts.contact.host_with_port.host.to_string();
        let mut origin = self.next_origin();
        let Some(offer) = origin.present(&placeholder_offer(&host), None) else { return };
        let sip_call_id = fresh_sip_call_id(&format!("line-{agent}"), &self.parts.contact);
        let Some(invited) = self.invite_phone(phone, "", offer, true, sip_call_id) else {
            tracing::warn!(%agent, %phone, "no standing line: the phone is not registered; calls will ring it");
            return;
        };
        let (serial, dialog) = (invited.serial, invited.dialog.clone());
        self.watch_leg(invited, move |leg, event| Command::Line { agent, leg, event });
        self.lines.insert(agent, Line::Connecting { serial, phone: phone.to_owned(), dialog, origin });
        tracing::info!(%agent, "standing line to the agent's phone being set up");
    }

    /// `DropLine`: the line is hung up; a call that has it hangs it up when it ends.
    pub(super) fn drop_line(&mut self, agent: WorkNo) {
        match self.lines.remove(&agent) {
            Some(Line::Connecting { dialog, phone, .. }) => {
                hang_up(self.parts.dialogs.clone(), dialog);
                self.ring_instead(agent, &phone);
            }
            Some(Line::Idle(mut leg)) => {
                let mut turn = leg.turns.claim();
                let dialogs = self.parts.dialogs.clone();
                tokio::spawn(async move {
                    // After the parking re-INVITE, if one is under way.
                    let _ = tokio::time::timeout(super::b2bua::RENEGOTIATION_WAIT, turn.start()).await;
                    hang_up(dialogs, leg.dialog);
                });
            }
            Some(Line::InCall(call)) => {
                let leg = self.calls.get_mut(&call).and_then(|call| call.phone.as_mut());
                if let Some(leg) = leg.filter(|leg| leg.agent == agent) {
                    leg.standing = false;
                }
            }
            None => {}
        }
    }

    /// What the line's dialog did, while it is no call's phone leg.
    pub(super) fn line_changed(&mut self, agent: WorkNo, serial: u64, event: PhoneEvent) {
        match self.lines.get(&agent) {
            Some(Line::InCall(call)) => {
                let call = call.clone();
                self.phone_changed(call, serial, event);
            }
            Some(Line::Connecting { serial: connecting, .. }) if *connecting == serial => {
                if let PhoneEvent::Final { response, .. } = event {
                    self.line_answered(agent, response);
                }
            }
            Some(Line::Idle(leg)) if leg.serial == serial => match event {
                PhoneEvent::State(DialogState::Terminated(id, reason)) => {
                    self.parts.dialogs.remove_dialog(&id);
                    tracing::info!(%agent, ?reason, "the agent's phone hung its standing line up");
                    if let Some(Line::Idle(leg)) = self.lines.remove(&agent) {
                        self.ring_instead(agent, &leg.phone);
                    }
                }
                PhoneEvent::State(DialogState::Updated(_, _, asked)) => {
                    // The phone renews the session while parked: it stays without media.
                    let host = self.parts.contact.host_with_port.host.to_string();
                    let Some(Line::Idle(leg)) = self.lines.get_mut(&agent) else { return };
                    let parked = leg.origin.present(&placeholder_offer(&host), Some(Direction::Inactive));
                    super::media::respond(asked, StatusCode::OK, parked);
                }
                PhoneEvent::State(DialogState::Options(_, _, asked) | DialogState::Info(_, _, asked)) => {
                    super::media::respond(asked, StatusCode::OK, None);
                }
                _ => {}
            },
            _ => {
                // A line given up.
                self.end_given_up(event);
            }
        }
    }

    /// The phone answered ccgw's call for a line: with SDP, the line is up and the calls
    /// waiting for it get it; otherwise they ring the phone as usual.
    fn line_answered(&mut self, agent: WorkNo, response: Option<Response>) {
        let Some(Line::Connecting { serial, phone, dialog, origin }) = self.lines.remove(&agent) else { return };
        let answer = response
            .filter(|response| response.status_code.kind() == StatusCodeKind::Successful)
            .map(|response| response.body)
            .filter(|body| LegOrigin::new(0).present(body, None).is_some());
        let Some(answer) = answer else {
            tracing::warn!(%agent, "the phone did not take the standing line: calls will ring it");
            hang_up(self.parts.dialogs.clone(), dialog);
            return self.ring_instead(agent, &phone);
        };
        let mut leg = PhoneLeg::off_hook(serial, agent, phone, dialog, origin, answer);
        leg.standing = true;
        tracing::info!(%agent, "standing line to the agent's phone up");
        self.lines.insert(agent, Line::Idle(leg));
        // An agent rings for one call at a time: the first one waiting takes the line.
        let waiting = self.waiting_for_line(agent);
        if let Some((call, awaiting)) = waiting.into_iter().find(|(_, awaiting)| awaiting.answered) {
            if awaiting.own_call {
                self.place_on_line(call, agent);
            } else {
                self.bridge_line(call, agent);
            }
        }
    }

    /// The calls waiting for `agent`'s line.
    fn waiting_for_line(&self, agent: WorkNo) -> Vec<(CallId, AwaitingLine)> {
        let waiting = self.calls.iter().filter_map(|(id, call)| call.awaiting_line.map(|line| (id, line)));
        waiting.filter(|(_, line)| line.agent == agent).map(|(id, line)| (id.clone(), line)).collect()
    }

    /// The line will not come: the calls waiting for it ring the phone as usual (an
    /// offer the agent answered already, or its own call, asking the phone to answer).
    fn ring_instead(&mut self, agent: WorkNo, phone: &str) {
        for (call, awaiting) in self.waiting_for_line(agent) {
            if let Some(waiting) = self.calls.get_mut(&call) {
                waiting.awaiting_line = None;
            }
            self.alert(call, agent, phone, awaiting.answered, None);
        }
    }

    /// Whether the agent has a standing line up and free, or being set up.
    pub(super) fn has_line(&self, agent: WorkNo) -> bool {
        matches!(self.lines.get(&agent), Some(Line::Idle(_) | Line::Connecting { .. }))
    }

    /// An offer to an agent with a standing line: reported alerting at once; with
    /// `auto_answer` the line is bridged now, otherwise when the agent answers (`PickUp`).
    pub(super) fn offer_on_line(&mut self, call_id: CallId, agent: WorkNo, auto_answer: bool) {
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        call.awaiting_line = Some(AwaitingLine { agent, answered: false, own_call: false });
        self.report(TelephonyReport::PhoneAlerting { call: call_id.clone(), agent });
        if auto_answer {
            self.bridge_line(call_id, agent);
        }
    }

    /// The agent answers an offer waiting for its line: the line is re-invited with the
    /// customer's SDP, two-way (once it is up, if it is still being set up).
    pub(super) fn bridge_line(&mut self, call_id: CallId, agent: WorkNo) {
        let Some(call) = self.calls.get_mut(&call_id).filter(|call| call.awaits_line_of(agent)) else { return };
        if let Some(awaiting) = call.awaiting_line.as_mut() {
            awaiting.answered = true;
        }
        if !matches!(self.lines.get(&agent), Some(Line::Idle(_))) {
            return;
        }
        let Some(Line::Idle(mut leg)) = self.lines.insert(agent, Line::InCall(call_id.clone())) else { return };
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        call.awaiting_line = None;
        let offer = leg.origin.present(&call.customer_sdp, Some(Direction::SendRecv)).unwrap_or_default();
        leg.answer = None;
        let (serial, dialog) = (leg.serial, leg.dialog.clone());
        let mut line_turn = leg.turns.claim();
        call.phone = Some(leg);
        let mut turn = call.turns.claim();
        let commands = self.parts.commands.clone();
        tokio::spawn(async move {
            // After the call's exchanges and the line's parking.
            turn.start().await;
            line_turn.start().await;
            let headers = Some(vec![Header::ContentType("application/sdp".into())]);
            let answer = dialog.reinvite(headers, Some(offer)).await.unwrap_or_else(|error| {
                tracing::warn!(call_id = %call_id, %error, "re-INVITE of a standing line failed");
                None
            });
            let _ = commands.send(Command::LineBridged { call: call_id, serial, answer });
        });
    }

    /// The line answered the call's offer: the phone is off-hook for it. A line that
    /// refused it is broken: hung up, and the offer fails as with an unreachable phone.
    pub(super) fn line_bridged(&mut self, call_id: CallId, serial: u64, answer: Option<Response>) {
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        let Some(leg) = call.phone.as_mut().filter(|leg| leg.serial == serial) else { return };
        let agent = leg.agent;
        let sdp = answer
            .filter(|answer| answer.status_code.kind() == StatusCodeKind::Successful)
            .map(|answer| answer.body)
            .filter(|body| LegOrigin::new(0).present(body, None).is_some());
        if let Some(sdp) = sdp {
            leg.answer = Some(sdp);
            return self.report(TelephonyReport::PhoneOffHook { call: call_id, agent });
        }
        tracing::warn!(call_id = %call_id, %agent, "the standing line refused the call: hung up");
        self.lines.remove(&agent);
        if let Some(leg) = call.phone.take() {
            hang_up(self.parts.dialogs.clone(), leg.dialog);
        }
        self.report(TelephonyReport::PhoneFailed { call: call_id, agent, cause: PhoneFailure::Unreachable });
    }

    /// A call the agent places takes its standing line as its phone, off-hook already
    /// (once it is up, if it is being set up).
    pub(super) fn place_on_line(&mut self, call_id: CallId, agent: WorkNo) {
        if let Some(Line::Connecting { .. }) = self.lines.get(&agent) {
            if let Some(call) = self.calls.get_mut(&call_id) {
                call.awaiting_line = Some(AwaitingLine { agent, answered: true, own_call: true });
            }
            return;
        }
        let Some(Line::Idle(leg)) = self.lines.insert(agent, Line::InCall(call_id.clone())) else { return };
        let Some(call) = self.calls.get_mut(&call_id) else { return self.park(leg, None) };
        call.awaiting_line = None;
        call.phone = Some(leg);
        self.report(TelephonyReport::PhoneOffHook { call: call_id, agent });
    }

    /// A phone leg the call is done with: a standing line is parked, any other leg hung
    /// up — after `after`, the call's exchanges under way, when given.
    pub(super) fn let_go(&mut self, mut leg: PhoneLeg, after: Option<Turn>) {
        // Another call of the agent holds the line's place: it goes back there.
        if let Some(home) = self.call_waiting_for_line(leg.agent) {
            return self.settle_line(&home, leg);
        }
        let ours = leg.standing && matches!(self.lines.get(&leg.agent), Some(Line::InCall(_)));
        if ours {
            return self.park(leg, after);
        }
        let dialogs = self.parts.dialogs.clone();
        // Never before the dialog's own exchanges under way (a re-INVITE's ACK included).
        let mut own = leg.turns.claim();
        tokio::spawn(async move {
            if let Some(mut turn) = after {
                let _ = tokio::time::timeout(super::b2bua::RENEGOTIATION_WAIT, turn.start()).await;
            }
            let _ = tokio::time::timeout(super::b2bua::RENEGOTIATION_WAIT, own.start()).await;
            hang_up(dialogs, leg.dialog);
        });
    }

    /// The agent's standing line is gone (hung up by the phone, or vanished).
    pub(super) fn line_lost(&mut self, agent: WorkNo) {
        if matches!(self.lines.get(&agent), Some(Line::InCall(_))) {
            self.lines.remove(&agent);
        }
    }

    /// The line goes idle: re-invited with the offer without media.
    fn park(&mut self, mut leg: PhoneLeg, after: Option<Turn>) {
        let host = self.parts.contact.host_with_port.host.to_string();
        let Some(offer) = leg.origin.present(&placeholder_offer(&host), Some(Direction::Inactive)) else { return };
        let (agent, serial, dialog) = (leg.agent, leg.serial, leg.dialog.clone());
        let mut line_turn = leg.turns.claim();
        self.leg_homes.remove(&serial);
        self.lines.insert(agent, Line::Idle(leg));
        let commands = self.parts.commands.clone();
        tokio::spawn(async move {
            // Held by `line_turn`: the line's next exchange waits for this one.
            if let Some(mut turn) = after {
                let _ = tokio::time::timeout(super::b2bua::RENEGOTIATION_WAIT, turn.start()).await;
            }
            line_turn.start().await;
            let headers = Some(vec![Header::ContentType("application/sdp".into())]);
            let answered = dialog.reinvite(headers, Some(offer)).await.ok().flatten();
            let parked = answered.is_some_and(|answer| answer.status_code.kind() == StatusCodeKind::Successful);
            let _ = commands.send(Command::LineParked { agent, serial, parked });
        });
    }

    /// A line that could not be parked is broken: hung up.
    pub(super) fn line_parked(&mut self, agent: WorkNo, serial: u64, parked: bool) {
        if parked {
            return;
        }
        if !matches!(self.lines.get(&agent), Some(Line::Idle(leg)) if leg.serial == serial) {
            return;
        }
        if let Some(Line::Idle(leg)) = self.lines.remove(&agent) {
            tracing::warn!(%agent, "the standing line could not be parked: hung up");
            self.ring_instead(agent, &leg.phone);
            hang_up(self.parts.dialogs.clone(), leg.dialog);
        }
    }
}
