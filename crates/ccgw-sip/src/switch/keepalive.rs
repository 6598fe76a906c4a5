//! Protection against calls whose legs vanished without a BYE (a phone rebooted, a
//! trunk lost its state, a network cut): every `keepalive` period each bridged call's legs
//! get an in-dialog OPTIONS. A leg answering 481 (no such dialog) or 408, or not reachable
//! at all, is gone: the call ends as if that party had hung up, with its record.

use ccgw_core::CallId;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::Method;

use super::b2bua::{B2bua, Command};
use super::media::Side;

/// What an OPTIONS inside a dialog found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Liveness {
    Alive,
    Gone,
    /// The dialog is no longer confirmed on ccgw's side (it is ending anyway).
    Ending,
}

impl Liveness {
    /// From an OPTIONS' outcome: any answer but 481 and 408 shows the far end keeps the
    /// dialog (405 or 501 included: it is there, it just does not like OPTIONS).
    pub(super) fn from_answer(answer: Result<Option<u16>, ()>) -> Self {
        match answer {
            Ok(Some(481 | 408)) | Err(()) => Liveness::Gone,
            Ok(Some(_)) => Liveness::Alive,
            Ok(None) => Liveness::Ending,
        }
    }
}

async fn probe(dialog: &InviteDialog) -> Liveness {
    let answer = dialog.request(Method::Options, None, None).await;
    Liveness::from_answer(answer.map(|response| response.map(|r| r.status_code.code())).map_err(|_| ()))
}

impl B2bua {
    /// Sends the OPTIONS of one period to every bridged call's legs.
    pub(super) fn probe_legs(&self) {
        for (call_id, call) in &self.calls {
            // The customer and what it is bridged to: a number it was transferred to, or a phone.
            let far = call.far.as_ref().filter(|far| far.answer.is_some()).map(|far| (Side::Far, far.dialog.clone()));
            let phone =
                call.phone.as_ref().filter(|leg| leg.answer.is_some()).map(|leg| (Side::Phone, leg.dialog.clone()));
            let Some((side, second)) = far.or(phone).filter(|_| call.answered) else { continue };
            let Some(customer) = call.customer.clone() else { continue };
            let commands = self.parts.commands.clone();
            let call = call_id.clone();
            tokio::spawn(async move {
                let (customer, second) = tokio::join!(probe(&customer), probe(&second));
                if customer == Liveness::Gone {
                    let _ = commands.send(Command::LegVanished { call: call.clone(), side: Side::Customer });
                }
                if second == Liveness::Gone {
                    let _ = commands.send(Command::LegVanished { call, side });
                }
            });
        }
    }

    /// A leg stopped answering: the call goes on as after that party's hang-up.
    pub(super) fn leg_vanished(&mut self, call_id: CallId, side: Side) {
        if side == Side::Customer {
            tracing::warn!(call_id = %call_id, "the first leg stopped answering: the call ends as that party's hang-up");
            return self.first_leg_gone(call_id, true);
        }
        if side == Side::Far {
            let Some(far) = self.calls.get_mut(&call_id).and_then(|call| call.far.take()) else { return };
            tracing::warn!(call_id = %call_id, "the number connected with the customer stopped answering");
            super::b2bua::hang_up(self.parts.dialogs.clone(), far.dialog);
            let number = far.number;
            if self.calls.get(&call_id).is_some_and(|call| call.redirected) {
                // The center is done with a redirected call: the switch ends it.
                self.release(call_id.clone());
            }
            return self.report(ccgw_engine::TelephonyReport::FarEndHungUp { call: call_id, number });
        }
        let Some(leg) = self.calls.get_mut(&call_id).and_then(|call| call.phone.take()) else { return };
        let agent = leg.agent;
        tracing::warn!(call_id = %call_id, %agent, "the agent's phone stopped answering: the call ends as a hang-up");
        let serial = leg.serial;
        self.line_lost(agent);
        super::b2bua::hang_up(self.parts.dialogs.clone(), leg.dialog);
        self.report(ccgw_engine::TelephonyReport::PhoneHungUp { call: call_id, agent });
        self.line_died(agent, serial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_such_dialog_timeouts_and_failures_mean_gone() {
        assert_eq!(Liveness::from_answer(Ok(Some(200))), Liveness::Alive);
        assert_eq!(Liveness::from_answer(Ok(Some(405))), Liveness::Alive);
        assert_eq!(Liveness::from_answer(Ok(Some(501))), Liveness::Alive);
        assert_eq!(Liveness::from_answer(Ok(Some(481))), Liveness::Gone);
        assert_eq!(Liveness::from_answer(Ok(Some(408))), Liveness::Gone);
        assert_eq!(Liveness::from_answer(Err(())), Liveness::Gone);
        assert_eq!(Liveness::from_answer(Ok(None)), Liveness::Ending);
    }
}
