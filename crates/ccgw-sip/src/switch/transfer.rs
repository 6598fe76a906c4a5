//! Transfers to an agent or a skill on the SIP switch.
//!
//! - Blind: the transferring agent's phone leg is hung up and the customer's media put on
//!   hold (`a=inactive`) while the call waits and rings at the next agent.
//! - Success (mode 2): the agent holds the call (both legs `a=inactive`) and the target's
//!   phone rings within it, beside the agent's; if it fails or the transfer is cancelled,
//!   it is hung up and the agent retrieves the call.
//!
//! When the next agent's phone answers and the center connects it, that phone takes the
//! call's phone leg (the agent's, if still there, is hung up) and the customer is
//! re-invited with its SDP. The customer's dialog and ccgw's origin on it stay the same,
//! so for the customer one session goes on, now with another phone.

use ccgw_core::{CallId, Party, WorkNo};

use super::b2bua::{B2bua, Call, PhoneLeg, hang_up};
use super::media::{Side, directions};
use super::sdp::Direction;

impl Call {
    /// The phone leg of `agent`, taken from the call: its bridged phone or the one ringing
    /// within it.
    pub(super) fn take_leg_of(&mut self, agent: WorkNo) -> Option<PhoneLeg> {
        match self.phone.take_if(|leg| leg.agent == agent) {
            Some(leg) => Some(leg),
            None => self.ringing_within.take_if(|leg| leg.agent == agent),
        }
    }

    /// When `agent`'s phone rang within the call (a success transfer's target), it takes
    /// the phone leg over, neither held nor muted; the leg it replaces is given back.
    pub(super) fn take_over_by(&mut self, agent: WorkNo) -> Option<PhoneLeg> {
        let target = self.ringing_within.take_if(|leg| leg.agent == agent)?;
        (self.held, self.muted, self.placer_muted) = (false, false, false);
        self.phone.replace(target)
    }
}

impl B2bua {
    /// `Drop`: one party leaves a call that goes on: the agent of the phone leg (a
    /// transfer), or a number dialled into the call (its transfer failed or was called off).
    pub(super) fn drop_party(&mut self, call_id: &CallId, party: Party) {
        let agent = match party {
            Party::Agent(agent) => agent,
            Party::Number(number) => return self.drop_far(call_id, &number),
            Party::Ivr(_) => {
                tracing::warn!(call_id = %call_id, ?party, "drop of a party the SIP switch does not carry");
                return;
            }
        };
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if let Some(target) = call.ringing_within.take_if(|leg| leg.agent == agent) {
            // A success transfer's target, cancelled or given up.
            return hang_up(self.parts.dialogs.clone(), target.dialog);
        }
        let Some(leg) = call.phone.take_if(|leg| leg.agent == agent) else { return };
        // The next agent starts with the call neither held nor muted.
        (call.held, call.muted) = (false, false);
        // Unless a number took the customer over: then the customer talks with it.
        let far_connected = call.far.as_ref().is_some_and(|far| far.answer.is_some());
        let on_hold = leg.answer.as_ref().filter(|_| call.answered && call.customer.is_some() && !far_connected);
        let on_hold = on_hold.and_then(|sdp| call.customer_origin.present(sdp, Some(Direction::Inactive)));
        self.hang_up_phone(leg);
        if let Some(on_hold) = on_hold {
            self.reinvite_leg(call_id, Side::Customer, on_hold);
        }
    }

    /// `Connect` of a call whose customer is connected already: it moves to the agent's
    /// phone, now off-hook, by re-INVITE with that phone's SDP.
    pub(super) fn move_customer(&mut self, call_id: &CallId, agent: WorkNo) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let answer = call.phone.as_ref().filter(|leg| leg.agent == agent).and_then(|leg| leg.answer.clone());
        let (towards_customer, _) = directions(call);
        let Some(sdp) = answer.and_then(|answer| call.customer_origin.present(&answer, Some(towards_customer))) else {
            tracing::warn!(call_id = %call_id, %agent, "connect without the agent's phone off-hook: not bridged");
            return;
        };
        self.reinvite_leg(call_id, Side::Customer, sdp);
    }
}
