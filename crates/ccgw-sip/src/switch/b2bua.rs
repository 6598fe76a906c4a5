//! The back-to-back user agent: one task owns every call's SIP legs — the customer's
//! dialog from a trunk and the agent phone's dialog ccgw opens — and turns the engine's
//! actions into SIP and what the legs do into reports.
//!
//! Everything that changes a call goes through this task's queue, in order: the
//! engine's actions, new INVITEs, and the dialog states the stack reports. So no lock is
//! held across SIP I/O, and a report always describes a leg the table still knows.

use std::collections::HashMap;
use std::sync::Arc;

use ccgw_core::{CallId, InboundCall, PhoneFailure, SwitchAction, WorkNo};
use ccgw_engine::{ReportSender, TelephonyReport};
use rsipstack::dialog::DialogId;
use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver, TransactionHandle};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::prelude::{HeadersExt, ToTypedHeader};
use rsipstack::sip::{Header, Response, StatusCode, Uri};
use rsipstack::transaction::key::TransactionRole;
use rsipstack::transaction::transaction::Transaction;
use tokio::sync::mpsc;

use super::far_leg::FarLeg;
use super::internal::Placer;
use super::media::Side;
use super::phone_answer::PhoneAnswer;
use super::sdp::LegOrigin;
use super::standing_lines::{AwaitingLine, Line};
use super::trunks::Trunks;
use super::turns::Turns;
use crate::registrar::{Registrar, source_address};

/// Longest a release waits for the in-dialog exchanges under way (re-INVITEs, digits)
/// to end before its BYEs.
pub(super) const RENEGOTIATION_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The media type of a voice call in the Huawei API.
const VOICE: u8 = 5;

/// Something for the B2BUA to act on.
pub(crate) enum Command {
    /// From the engine.
    Action(SwitchAction),
    /// An INVITE outside any dialog: a customer call from a trunk.
    Invite(Box<Transaction>),
    /// The customer's dialog changed (the called number's, for a call-out).
    Customer { call: CallId, state: DialogState },
    /// The INVITE to a number an agent called got its final answer (None: none came).
    Dialled { call: CallId, response: Option<Response> },
    /// An agent phone's dialog changed (`leg` tells an old leg of the call from the current one).
    Phone { call: CallId, leg: u64, event: PhoneEvent },
    /// The dialog of a number dialled into a connected call changed (see `far_leg`).
    Far { call: CallId, leg: u64, event: PhoneEvent },
    /// An agent's standing line changed (see `standing_lines`).
    Line { agent: WorkNo, leg: u64, event: PhoneEvent },
    /// A standing line answered the re-INVITE that bridges it to the call.
    LineBridged { call: CallId, serial: u64, answer: Option<Response> },
    /// A standing line answered the re-INVITE that parks it (`parked`: with 2xx).
    LineParked { agent: WorkNo, serial: u64, parked: bool },
    /// ccgw's re-INVITEs of a call's legs were answered (the new SDPs, where 2xx).
    Renegotiated { call: CallId, side: Side, sdp: Option<Vec<u8>> },
    /// A leg stopped answering the keep-alive OPTIONS.
    LegVanished { call: CallId, side: Side },
    /// A re-INVITE from one leg was carried to the other, which answered `answer`.
    Relayed { call: CallId, from_customer: bool, answer: Option<Response>, asked: TransactionHandle },
}

/// An INVITE ccgw sent, to be watched.
pub(super) struct Invited {
    pub(super) serial: u64,
    pub(super) dialog: InviteDialog,
    pub(super) states: DialogStateReceiver,
    pub(super) finished: tokio::task::JoinHandle<rsipstack::dialog::invitation::InviteAsyncResult>,
}

pub(crate) enum PhoneEvent {
    State(DialogState),
    /// The INVITE's final answer (None: the stack gave none, e.g. a transport error).
    Final {
        dialog: InviteDialog,
        response: Option<Response>,
    },
}

/// The fixed parts the B2BUA works with.
pub(crate) struct B2buaParts {
    pub dialogs: Arc<DialogLayer>,
    pub registrar: Arc<Registrar>,
    pub reports: ReportSender,
    pub trunks: Trunks,
    /// Where ccgw's own Contact points (its SIP address).
    pub contact: Uri,
    /// The sender of this task's own queue, for the tasks that watch dialogs.
    pub commands: mpsc::UnboundedSender<Command>,
    pub next_call_id: Box<dyn Fn() -> CallId + Send>,
    /// How often bridged calls' legs are probed with OPTIONS; None: never.
    pub keepalive: Option<std::time::Duration>,
}

/// A call the B2BUA carries. Its customer is the party outside the center: the caller
/// from a trunk, or the number an agent called out to.
pub(super) struct Call {
    /// None while a call-out's number is not dialled yet.
    pub(super) customer: Option<InviteDialog>,
    /// The customer's latest SDP (its offer, then its answers to re-INVITEs); for a
    /// call-out, ccgw's placeholder until the called number answers.
    pub(super) customer_sdp: Vec<u8>,
    /// ccgw's origin towards the customer.
    pub(super) customer_origin: LegOrigin,
    pub(super) caller: String,
    /// A call-out: the number dialled, once it is.
    pub(super) dialled: Option<Dialled>,
    /// An internal call: the placing agent's phone is the first leg.
    pub(super) placer: Option<Placer>,
    /// The agent muted is the placer (on the first leg), not the phone leg's agent.
    pub(super) placer_muted: bool,
    /// The customer's leg is up: 200 OK sent to a caller, or received from a called number.
    pub(super) answered: bool,
    pub(super) phone: Option<PhoneLeg>,
    /// A phone rung within the bridged call while the agent's phone stays on it: the
    /// target of a transfer that waits for its answer (mode 2).
    pub(super) ringing_within: Option<PhoneLeg>,
    /// Media held by the agent (both legs inactive) or the agent's microphone muted.
    pub(super) held: bool,
    pub(super) muted: bool,
    /// One in-dialog exchange at a time per call, in the order they were started.
    pub(super) turns: Turns,
    /// The agent whose line this call waits for: lent to its second call, or the
    /// agent's other call retrieved meanwhile.
    pub(super) line_away: Option<WorkNo>,
    /// A number dialled into the connected call, to be connected with the customer.
    pub(super) far: Option<FarLeg>,
    /// Sent out of the center (a queue's overflow to a number): the center is done with
    /// it, so the switch ends it by itself when either leg leaves.
    pub(super) redirected: bool,
    /// Waiting for this agent's standing line: to bridge it when the agent answers, or
    /// until it is up.
    pub(super) awaiting_line: Option<AwaitingLine>,
}

/// The called number of a call-out.
pub(super) struct Dialled {
    pub(super) number: String,
    pub(super) alerting_reported: bool,
}

impl Call {
    /// A call with no phone leg yet.
    pub(super) fn new(
        customer: Option<InviteDialog>,
        customer_sdp: Vec<u8>,
        customer_origin: LegOrigin,
        caller: String,
    ) -> Self {
        Call {
            customer,
            customer_sdp,
            customer_origin,
            caller,
            dialled: None,
            placer: None,
            placer_muted: false,
            answered: false,
            phone: None,
            ringing_within: None,
            held: false,
            muted: false,
            turns: Turns::default(),
            line_away: None,
            far: None,
            redirected: false,
            awaiting_line: None,
        }
    }
}

pub(super) struct PhoneLeg {
    pub(super) serial: u64,
    pub(super) agent: WorkNo,
    /// The number rung, to ring it again for `PickUp`.
    pub(super) phone: String,
    /// The INVITE asked the phone to answer by itself.
    auto_answer: bool,
    /// Cancelled to be rung again with the auto-answer headers once its INVITE ended.
    ring_again: bool,
    pub(super) dialog: InviteDialog,
    alerting_reported: bool,
    /// ccgw's origin towards the phone.
    pub(super) origin: LegOrigin,
    /// The phone's latest SDP, once it is off-hook.
    pub(super) answer: Option<Vec<u8>>,
    /// The agent's standing line (always off-hook): parked, not hung up, when done.
    pub(super) standing: bool,
    /// The exchanges on this dialog, one at a time, whichever call it sits in (it moves
    /// between an agent's calls, and a standing line also has exchanges of its own).
    pub(super) turns: Turns,
}

impl PhoneLeg {
    /// The leg of a phone that is off-hook already, with its latest SDP.
    pub(super) fn off_hook(
        serial: u64,
        agent: WorkNo,
        phone: String,
        dialog: InviteDialog,
        origin: LegOrigin,
        answer: Vec<u8>,
    ) -> Self {
        PhoneLeg {
            serial,
            agent,
            phone,
            auto_answer: true,
            ring_again: false,
            dialog,
            alerting_reported: true,
            origin,
            answer: Some(answer),
            standing: false,
            turns: Turns::default(),
        }
    }
}

pub(crate) struct B2bua {
    pub(super) parts: B2buaParts,
    pub(super) calls: HashMap<CallId, Call>,
    /// Phone dialogs that moved to another call than the one they were opened for, by
    /// leg serial: their events go to that call.
    pub(super) leg_homes: HashMap<u64, CallId>,
    /// Called numbers' dialogs that moved into another call as its far leg, by the call
    /// they were dialled for: their events go to that call.
    pub(super) far_homes: HashMap<CallId, CallId>,
    /// Agents' standing lines (always off-hook), by agent.
    pub(super) lines: HashMap<WorkNo, Line>,
    pub(super) leg_serials: u64,
    /// The next SDP session id (RFC 4566 suggests an NTP-like start).
    sdp_sessions: u64,
}

impl B2bua {
    pub(crate) fn new(parts: B2buaParts) -> Self {
        let start =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |since| since.as_secs());
        Self {
            parts,
            calls: HashMap::new(),
            leg_homes: HashMap::new(),
            far_homes: HashMap::new(),
            lines: HashMap::new(),
            leg_serials: 0,
            sdp_sessions: start,
        }
    }

    pub(super) fn next_origin(&mut self) -> LegOrigin {
        self.sdp_sessions += 1;
        LegOrigin::new(self.sdp_sessions)
    }

    pub(crate) async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let period = self.parts.keepalive.unwrap_or(std::time::Duration::from_secs(3600));
        let mut probes = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        probes.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let command = tokio::select! {
                command = commands.recv() => command,
                _ = probes.tick() => {
                    if self.parts.keepalive.is_some() {
                        self.probe_legs();
                    }
                    continue;
                }
            };
            let Some(command) = command else { return };
            match command {
                Command::LegVanished { call, side } => self.leg_vanished(call, side),
                Command::Action(action) => self.act(action),
                Command::Invite(tx) => self.customer_invites(*tx).await,
                Command::Customer { call, state } => self.customer_changed(call, state),
                Command::Dialled { call, response } => self.dialled_answered(call, response),
                Command::Phone { call, leg, event } => self.phone_changed(call, leg, event),
                Command::Far { call, leg, event } => self.far_changed(call, leg, event),
                Command::Line { agent, leg, event } => self.line_changed(agent, leg, event),
                Command::LineBridged { call, serial, answer } => self.line_bridged(call, serial, answer),
                Command::LineParked { agent, serial, parked } => self.line_parked(agent, serial, parked),
                Command::Renegotiated { call, side, sdp } => self.renegotiated(&call, side, sdp),
                Command::Relayed { call, from_customer, answer, asked } => {
                    self.relayed(&call, from_customer, answer, asked);
                }
            }
        }
    }

    pub(super) fn report(&self, report: TelephonyReport) {
        self.parts.reports.send(report);
    }

    // ── the customer's leg ───────────────────────────────────────────────

    async fn customer_invites(&mut self, mut tx: Transaction) {
        let source = source_address(&tx.original);
        let Some(trunk) = source.and_then(|source| self.parts.trunks.admitting(source)) else {
            tracing::info!(source = ?source, "INVITE from an address that is no trunk refused");
            reply(&mut tx, StatusCode::Forbidden).await;
            return;
        };
        let trunk = trunk.name.clone();
        let Some(called) = user_of_to(&tx.original) else {
            reply(&mut tx, StatusCode::NotFound).await;
            return;
        };
        if LegOrigin::new(0).present(&tx.original.body, None).is_none() {
            // Without an offer the phone's offer would have to travel in the customer's
            // ACK, which the stack does not relay: only early offers (SDP) are taken.
            reply(&mut tx, StatusCode::NotAcceptableHere).await;
            return;
        }
        let caller = user_of_from(&tx.original).unwrap_or_default();
        let call = (self.parts.next_call_id)();
        let (state_tx, state_rx) = self.parts.dialogs.new_dialog_state_channel();
        let customer =
            match self.parts.dialogs.get_or_create_server_invite(&tx, state_tx, None, Some(self.parts.contact.clone()))
            {
                Ok(dialog) => dialog,
                Err(error) => {
                    tracing::warn!(%error, "customer INVITE not taken");
                    reply(&mut tx, StatusCode::ServerInternalError).await;
                    return;
                }
            };
        self.watch_customer(call.clone(), state_rx);
        let mut driving = customer.clone();
        tokio::spawn(async move {
            // Runs the INVITE server transaction until the ACK, a CANCEL or its end.
            if let Err(error) = driving.handle(&mut tx).await {
                tracing::debug!(%error, "customer INVITE transaction ended with an error");
            }
        });
        if let Err(error) = customer.ringing(None, None) {
            tracing::debug!(%error, "180 to the customer not sent");
        }
        tracing::info!(call_id = %call, %trunk, %called, "customer call from a trunk");
        let customer_sdp = customer.initial_request().body.clone();
        let origin = self.next_origin();
        self.calls.insert(call.clone(), Call::new(Some(customer), customer_sdp, origin, caller.clone()));
        self.report(TelephonyReport::Inbound(InboundCall {
            id: call,
            caller,
            called,
            call_data: String::new(),
            media_type: VOICE,
            priority: 0,
        }));
    }

    pub(super) fn watch_customer(&self, call: CallId, mut states: DialogStateReceiver) {
        let commands = self.parts.commands.clone();
        tokio::spawn(async move {
            while let Some(state) = states.recv().await {
                let ended = matches!(state, DialogState::Terminated(..));
                if commands.send(Command::Customer { call: call.clone(), state }).is_err() || ended {
                    return;
                }
            }
        });
    }

    fn customer_changed(&mut self, call_id: CallId, state: DialogState) {
        if let Some(home) = self.far_homes.get(&call_id).cloned() {
            if matches!(state, DialogState::Terminated(..)) {
                self.far_homes.remove(&call_id);
            }
            return self.far_event(home, PhoneEvent::State(state));
        }
        let (id, reason) = match state {
            DialogState::Terminated(id, reason) => (id, reason),
            DialogState::Early(_, response) => return self.dialled_alerting(&call_id, &response),
            other => return self.in_dialog_request(&call_id, true, other),
        };
        self.parts.dialogs.remove_dialog(&id);
        // A call-out's number that never answered is told by its final response.
        if self.calls.get(&call_id).is_some_and(|call| call.dialled.is_some() && !call.answered) {
            return;
        }
        // A call ccgw ended itself is gone from the table already.
        if self.calls.contains_key(&call_id) {
            tracing::info!(call_id = %call_id, ?reason, "the customer left");
            self.first_leg_gone(call_id, false);
        }
    }

    /// The call's first leg is gone (the customer or called number hung up or vanished,
    /// an internal call's placer put the handset down): the call ends for the phones, and
    /// the engine hears it as that party's hang-up. `hang_up_first`: the leg's dialog may
    /// still be up on ccgw's side and is ended too.
    pub(super) fn first_leg_gone(&mut self, call_id: CallId, hang_up_first: bool) {
        let Some(call) = self.calls.remove(&call_id) else { return };
        // A phone let go goes back to another call of its agent that keeps its place.
        for leg in [call.phone, call.ringing_within].into_iter().flatten() {
            self.hang_up_phone(leg);
        }
        if let Some(far) = call.far {
            hang_up(self.parts.dialogs.clone(), far.dialog);
        }
        if let Some(first) = call.customer.filter(|_| hang_up_first) {
            hang_up(self.parts.dialogs.clone(), first);
        }
        let dead_line = call.placer.filter(|_| call.dialled.is_none());
        self.report(match (call.dialled, call.placer) {
            (Some(dialled), _) => TelephonyReport::FarEndHungUp { call: call_id, number: dialled.number },
            (None, Some(placer)) => TelephonyReport::PhoneHungUp { call: call_id, agent: placer.agent },
            (None, None) => TelephonyReport::CustomerHungUp(call_id),
        });
        if let Some(placer) = dead_line {
            self.line_died(placer.agent, placer.serial);
        }
    }

    // ── the agent phone's leg ────────────────────────────────────────────

    /// Rings the agent's phone for the call: an INVITE to its registered contact with the
    /// customer's offer, asking the phone to answer by itself when `auto_answer`.
    /// `sip_call_id` reuses the Call-ID of an earlier INVITE to the same phone for this
    /// offer, so that the phone sees one call attempt.
    pub(super) fn alert(
        &mut self,
        call_id: CallId,
        agent: WorkNo,
        phone: &str,
        auto_answer: bool,
        sip_call_id: Option<String>,
    ) {
        let mut origin = self.next_origin();
        let line = self.has_line(agent);
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        call.seat_placer(agent);
        let caller_number = call.caller.clone();
        // Checked when the customer's INVITE was taken.
        // A customer handed over from another phone was put on hold: this one gets its
        // media two-way.
        let direction = call.answered.then_some(super::sdp::Direction::SendRecv);
        let offer = origin.present(&call.customer_sdp, direction).unwrap_or_default();
        let mut alerting_reported = false;
        // Another agent's phone bridged to the call stays on it while this one rings.
        let within = call.answered && call.phone.as_ref().is_some_and(|leg| leg.agent != agent && leg.answer.is_some());
        let previous = if within { call.ringing_within.take() } else { call.phone.take() };
        if let Some(old) = previous {
            // A phone rung again (to answer by itself) has been told as alerting already.
            alerting_reported = old.agent == agent && old.alerting_reported;
            self.hang_up_phone(old);
        }
        if line && !within {
            return self.offer_on_line(call_id, agent, auto_answer);
        }
        let sip_call_id = sip_call_id.unwrap_or_else(|| fresh_sip_call_id(&call_id, &self.parts.contact));
        let Some(invited) = self.invite_phone(phone, &caller_number, offer, auto_answer, sip_call_id) else {
            tracing::info!(call_id = %call_id, %agent, %phone, "offer to a phone that is not registered or not reachable");
            self.report(TelephonyReport::PhoneFailed { call: call_id, agent, cause: PhoneFailure::Unreachable });
            return;
        };
        let (serial, dialog) = (invited.serial, invited.dialog.clone());
        let watching = call_id.clone();
        self.watch_leg(invited, move |leg, event| Command::Phone { call: watching.clone(), leg, event });
        if let Some(call) = self.calls.get_mut(&call_id) {
            let phone = phone.to_owned();
            let slot = if within { &mut call.ringing_within } else { &mut call.phone };
            *slot = Some(PhoneLeg {
                serial,
                agent,
                phone,
                auto_answer,
                ring_again: false,
                dialog,
                alerting_reported,
                origin,
                answer: None,
                standing: false,
                turns: Turns::default(),
            });
        }
    }

    /// An INVITE to the agent phone `phone` at its registered contact, From
    /// `caller_number`, offering `offer`, asking the phone to answer by itself when
    /// `auto_answer`; None when the phone has no usable registration or the INVITE could
    /// not be sent.
    pub(super) fn invite_phone(
        &mut self,
        phone: &str,
        caller_number: &str,
        offer: Vec<u8>,
        auto_answer: bool,
        sip_call_id: String,
    ) -> Option<Invited> {
        let binding = self.parts.registrar.contact_of(phone)?;
        let callee = Uri::try_from(binding.contact.as_str()).ok()?;
        let mut caller = self.parts.contact.clone();
        caller.auth = Some(rsipstack::sip::Auth { user: caller_user(caller_number), password: None });
        caller.params.clear();
        let headers = auto_answer.then(|| auto_answer_headers(&self.parts.contact));
        let option = InviteOption {
            caller,
            callee,
            contact: self.parts.contact.clone(),
            content_type: Some("application/sdp".into()),
            offer: Some(offer),
            headers,
            call_id: Some(sip_call_id),
            ..Default::default()
        };
        let (state_tx, states) = self.parts.dialogs.new_dialog_state_channel();
        let (dialog, finished) = match self.parts.dialogs.do_invite_async(option, state_tx) {
            Ok(started) => started,
            Err(error) => {
                tracing::warn!(%error, "INVITE to an agent's phone not sent");
                return None;
            }
        };
        self.leg_serials += 1;
        Some(Invited { serial: self.leg_serials, dialog, states, finished })
    }

    /// Sends what a leg ccgw invited does (its dialog's states, then its INVITE's final
    /// answer) to this task's queue, as `to_command` makes of it with the leg's serial.
    pub(super) fn watch_leg(
        &self,
        invited: Invited,
        to_command: impl Fn(u64, PhoneEvent) -> Command + Clone + Send + 'static,
    ) {
        let Invited { serial, dialog, mut states, finished } = invited;
        let commands = self.parts.commands.clone();
        let make = to_command.clone();
        tokio::spawn(async move {
            while let Some(state) = states.recv().await {
                let ended = matches!(state, DialogState::Terminated(..));
                if commands.send(make(serial, PhoneEvent::State(state))).is_err() || ended {
                    return;
                }
            }
        });
        let commands = self.parts.commands.clone();
        tokio::spawn(async move {
            let response = final_answer(finished, "a leg ccgw invited").await;
            let _ = commands.send(to_command(serial, PhoneEvent::Final { dialog, response }));
        });
    }

    pub(super) fn phone_changed(&mut self, call_id: CallId, serial: u64, event: PhoneEvent) {
        let call_id = self.leg_homes.get(&serial).cloned().unwrap_or(call_id);
        if matches!(event, PhoneEvent::State(DialogState::Terminated(..))) {
            self.leg_homes.remove(&serial);
        }
        let Some(event) = self.placer_changed(&call_id, serial, event) else { return };
        let call = self.calls.get_mut(&call_id);
        if let Some(call) = call.filter(|call| call.ringing_within.as_ref().is_some_and(|leg| leg.serial == serial)) {
            // Handled as the call's phone leg, the agent's phone set aside meanwhile.
            std::mem::swap(&mut call.phone, &mut call.ringing_within);
            self.phone_leg_changed(call_id.clone(), serial, event);
            if let Some(call) = self.calls.get_mut(&call_id) {
                std::mem::swap(&mut call.phone, &mut call.ringing_within);
            }
            return;
        }
        self.phone_leg_changed(call_id, serial, event);
    }

    fn phone_leg_changed(&mut self, call_id: CallId, serial: u64, event: PhoneEvent) {
        let current =
            self.calls.get_mut(&call_id).and_then(|call| call.phone.as_mut()).filter(|leg| leg.serial == serial);
        let Some(leg) = current else {
            return self.end_given_up(event);
        };
        let agent = leg.agent;
        match event {
            PhoneEvent::State(DialogState::Early(_, response)) => {
                if !leg.alerting_reported && matches!(response.status_code.code(), 180 | 183) {
                    leg.alerting_reported = true;
                    self.report(TelephonyReport::PhoneAlerting { call: call_id, agent });
                }
            }
            PhoneEvent::State(DialogState::Terminated(id, reason)) => {
                self.parts.dialogs.remove_dialog(&id);
                if leg.answer.is_some() {
                    tracing::info!(call_id = %call_id, %agent, ?reason, "the agent's phone hung up");
                    let standing = leg.standing;
                    if let Some(call) = self.calls.get_mut(&call_id) {
                        call.phone = None;
                    }
                    if standing {
                        self.lines.remove(&agent);
                    }
                    self.report(TelephonyReport::PhoneHungUp { call: call_id, agent });
                    self.line_died(agent, serial);
                }
                // Before an answer, the final response says how the INVITE ended.
            }
            PhoneEvent::State(other) => self.in_dialog_request(&call_id, false, other),
            PhoneEvent::Final { response, .. } => {
                let code = response.as_ref().map_or(408, |response| response.status_code.code());
                match PhoneAnswer::from_status(code) {
                    PhoneAnswer::OffHook => {
                        let body = response.map(|response| response.body).unwrap_or_default();
                        if LegOrigin::new(0).present(&body, None).is_none() {
                            tracing::info!(call_id = %call_id, %agent, "the agent's phone answered without SDP: hung up");
                            let leg = self.calls.get_mut(&call_id).and_then(|call| call.phone.take());
                            if let Some(leg) = leg {
                                self.hang_up_phone(leg);
                            }
                            let cause = PhoneFailure::Unreachable;
                            self.report(TelephonyReport::PhoneFailed { call: call_id, agent, cause });
                            return;
                        }
                        leg.answer = Some(body);
                        self.report(TelephonyReport::PhoneOffHook { call: call_id, agent });
                    }
                    PhoneAnswer::Cancelled | PhoneAnswer::Failed(_) if leg.ring_again => {
                        let (phone, sip_call_id) = (leg.phone.clone(), leg.dialog.id().call_id);
                        self.alert(call_id, agent, &phone, true, Some(sip_call_id));
                    }
                    PhoneAnswer::Cancelled => {}
                    PhoneAnswer::Failed(cause) => {
                        tracing::info!(call_id = %call_id, %agent, code, ?cause, "the agent's phone did not take the call");
                        if let Some(call) = self.calls.get_mut(&call_id) {
                            call.phone = None;
                        }
                        self.report(TelephonyReport::PhoneFailed { call: call_id, agent, cause });
                    }
                }
            }
        }
    }

    /// An event of a leg ccgw gave up: whatever it still does is ended, never reported
    /// (an answer that came after all is hung up).
    pub(super) fn end_given_up(&self, event: PhoneEvent) {
        if let PhoneEvent::Final { dialog, response: Some(response) } = event
            && response.status_code.kind() == rsipstack::sip::StatusCodeKind::Successful
        {
            hang_up(self.parts.dialogs.clone(), dialog);
        }
    }

    /// Done with a phone leg: hung up, or parked if it is the agent's standing line.
    pub(super) fn hang_up_phone(&mut self, leg: PhoneLeg) {
        self.let_go(leg, None);
    }

    // ── the engine's actions ─────────────────────────────────────────────

    fn act(&mut self, action: SwitchAction) {
        match action {
            SwitchAction::Alert { call, agent, phone, auto_answer } => {
                self.alert(call, agent, phone.as_str(), auto_answer, None);
            }
            SwitchAction::PickUp { call, agent } => {
                self.bridge_line(call.clone(), agent);
                self.pick_up(call, agent);
            }
            SwitchAction::StopAlerting { call, agent } => {
                let waiting = self.calls.get_mut(&call).filter(|call| call.awaits_line_of(agent));
                if let Some(waiting) = waiting {
                    waiting.awaiting_line = None;
                }
                let leg = self.calls.get_mut(&call).and_then(|call| call.take_leg_of(agent));
                if let Some(leg) = leg {
                    self.hang_up_phone(leg);
                }
            }
            SwitchAction::Connect { call, agent, .. } => self.connect(call, agent),
            SwitchAction::OffHook { call, agent, phone } => self.take_off_hook(call, agent, phone.as_str()),
            SwitchAction::Dial { call, number, caller } => self.dial(call, number, &caller),
            SwitchAction::Digits { call, agent, digits } => self.send_digits(&call, agent, digits),
            SwitchAction::Drop { call, party } => self.drop_party(&call, party),
            SwitchAction::Release { call } => self.release(call),
            SwitchAction::Hold { call, agent } => self.set_media(&call, agent, |call| call.held = true),
            SwitchAction::Retrieve { call, agent } => {
                self.fetch_line(&call, agent);
                self.set_media(&call, agent, |call| call.held = false);
            }
            SwitchAction::Originate { call, agent, .. } => self.originate(call, agent),
            SwitchAction::Join { from, into, leaving } => self.join(from, into, leaving),
            SwitchAction::Redirect { call, to } => self.redirect(call, to.as_str()),
            SwitchAction::KeepLine { agent, phone } => self.keep_line(agent, phone.as_str()),
            SwitchAction::DropLine { agent } => self.drop_line(agent),
            SwitchAction::Mute { call, agent, on } => self.set_media(&call, agent, |call| {
                call.placer_muted = on && call.placed_by(agent);
                call.muted = on;
            }),
            other => self.not_carried(other),
        }
    }

    /// The agent answered through the API while its phone rings: the ringing INVITE is
    /// cancelled and, once it has ended, the phone is rung again with the auto-answer
    /// headers (same Call-ID); its answer connects the call. A phone that ignores them
    /// rings until it is answered by hand or the offer times out.
    fn pick_up(&mut self, call_id: CallId, agent: WorkNo) {
        let Some(leg) = self.calls.get_mut(&call_id).and_then(|call| call.phone.as_mut()) else { return };
        if leg.agent != agent || leg.answer.is_some() || leg.auto_answer || leg.ring_again {
            return;
        }
        leg.ring_again = true;
        let ringing = leg.dialog.clone();
        tokio::spawn(async move {
            if let Err(error) = ringing.cancel().await {
                tracing::debug!(%error, "CANCEL to the phone for a pick-up failed");
            }
        });
    }

    /// Bridges the customer to the agent's phone, which is off-hook: the customer gets
    /// 200 OK with the phone's SDP, so media flows end to end.
    fn connect(&mut self, call_id: CallId, agent: WorkNo) {
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        if let Some(previous) = call.take_over_by(agent) {
            // After the hold of the transfer, so that the phone never sees its BYE first.
            let turn = call.turns.claim();
            self.let_go(previous, Some(turn));
        }
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        if call.answered {
            // The first leg is up already (a transfer, an internal call): it moves to
            // this phone.
            return self.move_customer(&call_id, agent);
        }
        let answer = call.phone.as_ref().filter(|leg| leg.agent == agent).and_then(|leg| leg.answer.clone());
        // Checked as the phone answered.
        let answer = answer.and_then(|answer| call.customer_origin.present(&answer, None));
        let (Some(answer), Some(customer)) = (answer, call.customer.as_ref()) else {
            tracing::warn!(call_id = %call_id, %agent, "connect without the agent's phone off-hook: not bridged");
            return;
        };
        let headers = vec![Header::ContentType("application/sdp".into())];
        match customer.accept(Some(headers), Some(answer)) {
            Ok(()) => call.answered = true,
            Err(error) => tracing::warn!(call_id = %call_id, %error, "200 OK to the customer not sent"),
        }
    }

    /// Ends the call for every party: BYE to a connected leg, CANCEL to a ringing phone
    /// or called number, 480 to a caller not answered yet.
    pub(super) fn release(&mut self, call_id: CallId) {
        let Some(mut call) = self.calls.remove(&call_id) else { return };
        let dialogs = self.parts.dialogs.clone();
        if let Some(leg) = call.ringing_within.take() {
            self.hang_up_phone(leg);
        }
        // A number still ringing is cancelled at once; one connected gets BYE in turn.
        let far = match call.far.take() {
            Some(far) if far.answer.is_none() => {
                hang_up(dialogs.clone(), far.dialog);
                None
            }
            far => far.map(|far| far.dialog),
        };
        if !call.answered {
            if let Some(leg) = call.phone {
                self.hang_up_phone(leg);
            }
            match call.customer {
                Some(called) if called.role() == TransactionRole::Client => hang_up(dialogs, called),
                Some(caller) => {
                    if let Err(error) = caller.reject(Some(StatusCode::TemporarilyUnavailable), None) {
                        tracing::debug!(%error, "480 to the customer not sent");
                    }
                    dialogs.remove_dialog(&caller.id());
                }
                None => {}
            }
            return;
        }
        let mut turns = std::mem::take(&mut call.turns);
        let mut turn = turns.claim();
        // Standing lines are parked once the BYEs are out: the phone leg's, and an
        // internal call placer's (its first leg).
        // The phones are let go in their turn: hung up, parked (a standing line), or given
        // back to another call of the agent waiting for its line; so is an agent's line
        // that is the first leg (an internal call's placer) if it is to be kept.
        let kept = |agent: WorkNo, standing: bool| standing || self.call_waiting_for_line(agent).is_some();
        let placer_line = call
            .placer
            .filter(|placer| kept(placer.agent, placer.standing))
            .and_then(|placer| call.take_line_of(placer.agent));
        for leg in [call.phone.take(), placer_line].into_iter().flatten() {
            self.let_go(leg, Some(turns.claim()));
        }
        // The first leg is away when it was an agent's line, lent or fetched elsewhere.
        let customer = call.customer;
        tokio::spawn(async move {
            // After a re-INVITE or digits under way, so that no leg sees the BYE overtake
            // them; a leg that never answers holds the BYE back only so long.
            let _ = tokio::time::timeout(RENEGOTIATION_WAIT, turn.start()).await;
            if let Some(far) = far {
                hang_up(dialogs.clone(), far);
            }
            let Some(customer) = customer else { return };
            // Not before the ACK of ccgw's 200 to a caller (RFC 3261 §15): the BYE would
            // overtake the 200 itself when the call is released the moment it connects.
            crate::service::acked_soon(&customer).await;
            if let Err(error) = customer.bye().await {
                tracing::debug!(%error, "BYE to the customer failed");
            }
            dialogs.remove_dialog(&customer.id());
        });
    }

    /// An action this switch does not carry yet: said so, and where the engine waits
    /// for an answer, the answer is a failure rather than silence.
    fn not_carried(&self, action: SwitchAction) {
        // `ConnectIvr`: IVR flows need media this switch does not have.
        tracing::warn!(?action, "not carried on the SIP switch yet");
        if let SwitchAction::ConnectIvr { call, .. } = action {
            self.report(TelephonyReport::IvrReturned(call));
        }
    }
}

/// The ways phones are asked to answer by themselves: `Call-Info: answer-after=0`
/// (Snom, Yealink, BroadSoft and most softphones), `Alert-Info: info=alert-autoanswer`
/// (Grandstream, Unify, Cisco SPA), `Answer-Mode: Auto` (RFC 5373). A phone takes the one
/// it knows; its own settings decide whether it obeys.
fn auto_answer_headers(contact: &Uri) -> Vec<Header> {
    let host = &contact.host_with_port;
    vec![
        Header::CallInfo(format!("<sip:{host}>;answer-after=0").into()),
        Header::AlertInfo(format!("<sip:{host}>;info=alert-autoanswer").into()),
        Header::Other("Answer-Mode".into(), "Auto".into()),
    ]
}

/// A Call-ID for a leg ccgw opens: the call's id (to find it in traces) and 64 random
/// bits (so that nobody can guess it), at ccgw's host.
pub(super) fn fresh_sip_call_id(call: &impl std::fmt::Display, contact: &Uri) -> String {
    use ring::rand::SecureRandom;
    let mut random = [0u8; 8];
    // The system's random source does not fail on the systems ccgw runs on; zeros would
    // still leave the id unique by the call id.
    let _ = ring::rand::SystemRandom::new().fill(&mut random);
    format!("{call}-{}@{}", crate::digest::hex(&random), contact.host_with_port.host)
}

/// The final answer to an INVITE ccgw sent to `whom`; None when none came (the stack's
/// timeout, a transport error).
pub(super) async fn final_answer(
    finished: tokio::task::JoinHandle<rsipstack::dialog::invitation::InviteAsyncResult>,
    whom: &str,
) -> Option<Response> {
    match finished.await {
        Ok(Ok((_, response))) => response,
        Ok(Err(error)) => {
            tracing::debug!(%error, "INVITE to {whom} failed");
            None
        }
        Err(_) => None,
    }
}

/// Hangs a dialog up however far it got (CANCEL early, BYE confirmed) and forgets it.
pub(super) fn hang_up(dialogs: Arc<DialogLayer>, dialog: InviteDialog) {
    tokio::spawn(async move {
        if let Err(error) = dialog.hangup().await {
            tracing::debug!(%error, "hanging up a leg failed");
        }
        let id: DialogId = dialog.id();
        dialogs.remove_dialog(&id);
    });
}

async fn reply(tx: &mut Transaction, status: StatusCode) {
    if let Err(error) = tx.reply(status).await {
        tracing::debug!(%error, "SIP answer not sent");
    }
}

/// The dialled number: the user part of the To URI.
pub(crate) fn user_of_to(request: &rsipstack::sip::Request) -> Option<String> {
    let to = request.to_header().ok()?.typed().ok()?;
    to.uri.user().map(str::to_owned).filter(|user| !user.is_empty())
}

/// The caller's number: the user part of the From URI.
pub(crate) fn user_of_from(request: &rsipstack::sip::Request) -> Option<String> {
    let from = request.from_header().ok()?.typed().ok()?;
    from.uri.user().map(str::to_owned)
}

/// The caller's number as the user part of the From that the agent's phone shows.
pub(super) fn caller_user(caller: &str) -> String {
    if caller.is_empty() { "anonymous".into() } else { caller.to_owned() }
}
