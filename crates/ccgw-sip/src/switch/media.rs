//! Changing a bridged call's media by re-INVITE: hold, retrieve and mute by ccgw (both
//! legs re-invited with the direction the call's state asks for), and a re-INVITE from
//! one leg carried to the other (its answer carried back).
//!
//! ccgw has no media of its own, so it changes only which way media flows between the
//! customer and the phone:
//!
//! | call state | to the customer (the phone's SDP) | to the phone (the customer's SDP) |
//! |---|---|---|
//! | talking | `sendrecv` | `sendrecv` |
//! | held | `inactive` | `inactive` |
//! | agent muted | `recvonly`: the phone only receives | `sendonly`: the customer only sends |
//!
//! Held customers hear silence, not music; a muted agent still hears the customer.

use ccgw_core::{CallId, WorkNo};
use rsipstack::dialog::dialog::{DialogState, TransactionHandle};
use rsipstack::sip::{Header, Method, Response, StatusCode, StatusCodeKind};

use super::b2bua::{B2bua, Call, Command, PhoneLeg};
use super::far_leg::FarLeg;
use super::sdp::{Direction, LegOrigin};
use rsipstack::dialog::invite_dialog::InviteDialog;

/// The directions of (the customer's leg, the phone's leg) for the call's state.
pub(super) fn directions(call: &Call) -> (Direction, Direction) {
    if call.held {
        (Direction::Inactive, Direction::Inactive)
    } else if call.muted && call.placer_muted {
        // The agent on the first leg (an internal call's placer) only hears.
        (Direction::SendOnly, Direction::RecvOnly)
    } else if call.muted {
        (Direction::RecvOnly, Direction::SendOnly)
    } else {
        (Direction::SendRecv, Direction::SendRecv)
    }
}

fn sdp_headers() -> Option<Vec<Header>> {
    Some(vec![Header::ContentType("application/sdp".into())])
}

/// The SDP of a 2xx answer.
fn answered_sdp(response: Option<Response>) -> Option<Vec<u8>> {
    response.filter(|response| response.status_code.kind() == StatusCodeKind::Successful).map(|response| response.body)
}

/// Which leg of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Customer,
    Phone,
    /// A number dialled into the call (see `far_leg`).
    Far,
}

/// The leg the customer's media is bridged to: the number the call was transferred to,
/// once it answered, else the agent's phone, once off-hook.
pub(super) struct SecondLeg<'a> {
    pub(super) side: Side,
    pub(super) origin: &'a mut LegOrigin,
    pub(super) answer: &'a mut Option<Vec<u8>>,
    pub(super) dialog: &'a InviteDialog,
}

pub(super) fn second_leg<'a>(phone: &'a mut Option<PhoneLeg>, far: &'a mut Option<FarLeg>) -> Option<SecondLeg<'a>> {
    if let Some(far) = far.as_mut().filter(|far| far.answer.is_some()) {
        let FarLeg { origin, answer, dialog, .. } = far;
        return Some(SecondLeg { side: Side::Far, origin, answer, dialog });
    }
    let leg = phone.as_mut().filter(|leg| leg.answer.is_some())?;
    Some(SecondLeg { side: Side::Phone, origin: &mut leg.origin, answer: &mut leg.answer, dialog: &leg.dialog })
}

impl B2bua {
    /// Re-invites one leg of the call with `sdp` in the call's next turn; the SDP it
    /// answers is kept (`Renegotiated`).
    pub(super) fn reinvite_leg(&mut self, call_id: &CallId, side: Side, sdp: Vec<u8>) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let dialog = match side {
            Side::Customer => call.customer.clone(),
            Side::Phone => call.phone.as_ref().map(|leg| leg.dialog.clone()),
            Side::Far => call.far.as_ref().map(|far| far.dialog.clone()),
        };
        let Some(dialog) = dialog else { return };
        let mut turn = call.turns.claim();
        // A phone's dialog moves between calls: its own line of turns too.
        let mut leg_turn = call.phone.as_mut().filter(|_| side == Side::Phone).map(|leg| leg.turns.claim());
        let commands = self.parts.commands.clone();
        let call = call_id.clone();
        tokio::spawn(async move {
            turn.start().await;
            if let Some(leg_turn) = leg_turn.as_mut() {
                leg_turn.start().await;
            }
            // Not before the ACK of ccgw's 200 to a caller (RFC 3261 §14.2): the stack
            // refuses a re-INVITE until then, and the change (a hold the moment a call is
            // answered) would be lost.
            crate::service::acked_soon(&dialog).await;
            let answer = dialog.reinvite(sdp_headers(), Some(sdp)).await.unwrap_or_else(|error| {
                tracing::warn!(call_id = %call, ?side, %error, "re-INVITE of a leg failed");
                None
            });
            let _ = commands.send(Command::Renegotiated { call, side, sdp: answered_sdp(answer) });
        });
    }

    /// Applies `change` to the call's media state and re-invites both legs with it. Only
    /// a bridged call with `agent` on its phone leg has media to change.
    pub(super) fn set_media(&mut self, call_id: &CallId, agent: WorkNo, change: impl FnOnce(&mut Call)) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let on_call = call.placed_by(agent);
        let Some(leg) = call.phone.as_mut().filter(|leg| (leg.agent == agent || on_call) && call.answered) else {
            tracing::warn!(call_id = %call_id, %agent, "media change for a call not bridged to the agent's phone");
            return;
        };
        let (Some(phone_sdp), before) = (leg.answer.clone(), (call.held, call.muted)) else { return };
        change(call);
        if (call.held, call.muted) == before {
            return;
        }
        let (towards_customer, towards_phone) = directions(call);
        let (Some(leg), true) = (call.phone.as_mut(), call.customer.is_some()) else { return };
        let to_customer = call.customer_origin.present(&phone_sdp, Some(towards_customer));
        let to_phone = leg.origin.present(&call.customer_sdp, Some(towards_phone));
        // The phone first (its turn comes first): a held customer must stop hearing the
        // agent at once.
        if let Some(to_phone) = to_phone {
            self.reinvite_leg(call_id, Side::Phone, to_phone);
        }
        if let Some(to_customer) = to_customer {
            self.reinvite_leg(call_id, Side::Customer, to_customer);
        }
    }

    /// Keeps the SDPs the legs answered ccgw's re-INVITEs with.
    pub(super) fn renegotiated(&mut self, call_id: &CallId, side: Side, sdp: Option<Vec<u8>>) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let Some(sdp) = sdp.filter(|sdp| !sdp.is_empty()) else { return };
        match side {
            Side::Customer => call.customer_sdp = sdp,
            Side::Phone => {
                if let Some(leg) = call.phone.as_mut() {
                    leg.answer = Some(sdp);
                }
            }
            Side::Far => {
                if let Some(far) = call.far.as_mut() {
                    far.answer = Some(sdp);
                }
            }
        }
    }

    /// A request inside a leg's dialog: a re-INVITE is carried to the other leg, OPTIONS
    /// and INFO are answered 200, anything else (REFER, MESSAGE, …) 501.
    pub(super) fn in_dialog_request(&mut self, call_id: &CallId, from_customer: bool, state: DialogState) {
        let (request, asked) = match state {
            DialogState::Updated(_, request, asked) => (request, asked),
            DialogState::Options(_, _, asked) | DialogState::Info(_, _, asked) => {
                return respond(asked, StatusCode::OK, None);
            }
            DialogState::Refer(_, _, asked)
            | DialogState::Message(_, _, asked)
            | DialogState::Notify(_, _, asked)
            | DialogState::Publish(_, _, asked) => return respond(asked, StatusCode::NotImplemented, None),
            _ => return,
        };
        if request.method != Method::Invite {
            // UPDATE: the stack reports it as an update too; ccgw does not carry it.
            return respond(asked, StatusCode::NotImplemented, None);
        }
        let Some(call) = self.calls.get_mut(call_id) else {
            return respond(asked, StatusCode::CallTransactionDoesNotExist, None);
        };
        let (towards_customer, towards_phone) = directions(call);
        let Some(leg) = second_leg(&mut call.phone, &mut call.far).filter(|_| call.answered) else {
            // Nothing to carry it to yet: the session stays as it is.
            return respond(asked, StatusCode::RequestPending, None);
        };
        // While ccgw holds or mutes the call, that direction stays; otherwise the leg's.
        let forced = |direction| (direction != super::sdp::Direction::SendRecv).then_some(direction);
        let carried = if from_customer {
            leg.origin.present(&request.body, forced(towards_phone))
        } else {
            call.customer_origin.present(&request.body, forced(towards_customer))
        };
        let Some(carried) = carried else {
            return respond(asked, StatusCode::NotAcceptableHere, None);
        };
        let other = if from_customer { Some(leg.dialog.clone()) } else { call.customer.clone() };
        let Some(other) = other else {
            return respond(asked, StatusCode::RequestPending, None);
        };
        if from_customer {
            call.customer_sdp = request.body.clone();
        } else {
            *leg.answer = Some(request.body.clone());
        }
        let mut turn = call.turns.claim();
        let commands = self.parts.commands.clone();
        let call = call_id.clone();
        tokio::spawn(async move {
            turn.start().await;
            crate::service::acked_soon(&other).await;
            let answer = other.reinvite(sdp_headers(), Some(carried)).await.unwrap_or_else(|error| {
                tracing::warn!(call_id = %call, %error, "a re-INVITE could not be carried to the other leg");
                None
            });
            let _ = commands.send(Command::Relayed { call, from_customer, answer, asked });
        });
    }

    /// The other leg answered a carried re-INVITE: its answer goes back to the asking
    /// leg under ccgw's origin there, or its refusal does.
    pub(super) fn relayed(
        &mut self,
        call_id: &CallId,
        from_customer: bool,
        answer: Option<Response>,
        asked: TransactionHandle,
    ) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return respond(asked, StatusCode::CallTransactionDoesNotExist, None);
        };
        let Some(answer) = answer else { return respond(asked, StatusCode::RequestTimeout, None) };
        if answer.status_code.kind() != StatusCodeKind::Successful {
            return respond(asked, answer.status_code, None);
        }
        let Some(leg) = second_leg(&mut call.phone, &mut call.far) else {
            return respond(asked, StatusCode::CallTransactionDoesNotExist, None);
        };
        let back = if from_customer {
            *leg.answer = Some(answer.body.clone());
            call.customer_origin.present(&answer.body, None)
        } else {
            call.customer_sdp = answer.body.clone();
            leg.origin.present(&answer.body, None)
        };
        match back {
            Some(sdp) => respond(asked, StatusCode::OK, Some(sdp)),
            None => respond(asked, StatusCode::NotAcceptableHere, None),
        }
    }
}

pub(super) fn respond(asked: TransactionHandle, status: StatusCode, sdp: Option<Vec<u8>>) {
    tokio::spawn(async move {
        let headers = sdp.as_ref().and(sdp_headers());
        if asked.respond(status, headers, sdp).await.is_err() {
            tracing::debug!("an in-dialog request ended before its answer");
        }
    });
}
