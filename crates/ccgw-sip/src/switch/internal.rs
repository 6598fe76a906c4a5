//! Internal calls between agents (`callinner`, `callinnerskill`). The placing agent's
//! phone is taken off-hook as for a call-out; when the called agent's phone is to ring,
//! the placer's leg takes the place a customer has in other calls — the call's first leg,
//! with its SDP and ccgw's origin on it — and the called phone becomes the phone leg. So
//! ringing, answering, bridging (the placer's phone re-invited with the called phone's
//! SDP), hold, release and keep-alives run as on customer calls; what the placer's phone
//! does is reported as that agent's phone.

use ccgw_core::{CallId, WorkNo};
use rsipstack::dialog::dialog::DialogState;

use super::b2bua::{B2bua, Call, PhoneEvent};

/// The placer's phone, once it holds the first leg of an internal call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Placer {
    /// The serial of its leg, by which its dialog's events are known.
    pub(super) serial: u64,
    pub(super) agent: WorkNo,
    /// Its leg is the agent's standing line (always off-hook).
    pub(super) standing: bool,
}

impl Call {
    /// Before `callee`'s phone rings for a call still without a first leg: an off-hook
    /// phone of another agent (the placer) becomes that leg.
    pub(super) fn seat_placer(&mut self, callee: WorkNo) {
        let placer_off_hook = self.customer.is_none()
            && self.phone.as_ref().is_some_and(|leg| leg.agent != callee && leg.answer.is_some());
        if !placer_off_hook {
            return;
        }
        let Some(leg) = self.phone.take() else { return };
        self.placer = Some(Placer { serial: leg.serial, agent: leg.agent, standing: leg.standing });
        self.caller = leg.phone;
        self.customer_sdp = leg.answer.unwrap_or_default();
        self.customer_origin = leg.origin;
        self.customer = Some(leg.dialog);
        self.answered = true;
    }

    /// The placer, when `agent` is it.
    pub(super) fn placed_by(&self, agent: WorkNo) -> bool {
        self.placer.is_some_and(|placer| placer.agent == agent)
    }
}

impl B2bua {
    /// An event of the placer's leg, when `serial` is that leg's; any other event is
    /// given back.
    pub(super) fn placer_changed(&mut self, call_id: &CallId, serial: u64, event: PhoneEvent) -> Option<PhoneEvent> {
        let placer = self.calls.get(call_id).and_then(|call| call.placer).filter(|placer| placer.serial == serial);
        let Some(placer) = placer else { return Some(event) };
        match event {
            PhoneEvent::State(DialogState::Terminated(id, reason)) => {
                self.parts.dialogs.remove_dialog(&id);
                tracing::info!(call_id = %call_id, agent = %placer.agent, ?reason, "the placing agent's phone hung up");
                if placer.standing {
                    self.line_lost(placer.agent);
                }
                self.first_leg_gone(call_id.clone(), false);
            }
            PhoneEvent::State(other) => self.in_dialog_request(call_id, true, other),
            // Its INVITE ended before it took this place.
            PhoneEvent::Final { .. } => {}
        }
        None
    }
}
