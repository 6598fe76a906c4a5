//! The telephony boundary. The engine tells a [`Switch`] what to do with calls; the
//! switch reports what happened on its own time through a [`TelephonyReport`] channel.

use ccgw_core::{CallId, DialFailure, InboundCall, NewCall, PhoneFailure, PhoneLegs, SwitchAction, Timestamp, WorkNo};
use tokio::sync::mpsc;

/// Where a switch sends its reports. Unbounded: a switch must never block on the engine.
pub type ReportSender = mpsc::UnboundedSender<TelephonyReport>;
/// Where the engine reads them.
pub type ReportReceiver = mpsc::UnboundedReceiver<TelephonyReport>;

/// A fresh report channel: the sender goes to the switch, the receiver to [`crate::start`].
pub fn report_channel() -> (ReportSender, ReportReceiver) {
    mpsc::unbounded_channel()
}

/// Something the switch observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TelephonyReport {
    /// A customer call the switch already routed to a skill queue itself (the simulated
    /// switch's calls placed for a skill).
    Incoming(NewCall),
    /// A customer call, by the number it dialled: the center routes it.
    Inbound(InboundCall),
    /// The customer hung up.
    CustomerHungUp(CallId),
    /// The agent's phone rings for the call (after `Alert`, or `OffHook` of a desk phone).
    PhoneAlerting { call: CallId, agent: WorkNo },
    /// The agent's phone went off-hook for the call: an offer's phone answered (after
    /// `Alert`), or the phone for the agent's own call (after `OffHook` or `PickUp`).
    PhoneOffHook { call: CallId, agent: WorkNo },
    /// The agent's phone could not take the call.
    PhoneFailed { call: CallId, agent: WorkNo, cause: PhoneFailure },
    /// The agent put the handset down on the call.
    PhoneHungUp { call: CallId, agent: WorkNo },
    /// A dialled number is ringing.
    FarEndAlerting { call: CallId, number: String },
    /// A dialled number answered.
    FarEndAnswered { call: CallId, number: String },
    /// A dialled number could not be reached.
    FarEndFailed { call: CallId, number: String, cause: DialFailure },
    /// A party outside the center (a dialled number or the customer) hung up.
    FarEndHungUp { call: CallId, number: String },
    /// The IVR flow holding the call let it go: back to the center.
    IvrReturned(CallId),
    /// The IVR flow holding the call released the customer: the call is over.
    IvrReleased(CallId),
}

pub trait Switch: Send + Sync + 'static {
    /// Carries out an action. Must not block: outcomes come back as reports.
    fn execute(&self, action: SwitchAction);
    /// A fresh call id for a call an agent places, from the same sequence as the
    /// switch's own calls so that the two never collide.
    fn next_call_id(&self) -> CallId;
    /// Does now whatever the switch would do by itself by `now` (scripted outcomes
    /// waiting on the clock), sending the reports before it returns; the number of
    /// items fired. Lets the engine settle deterministically after the clock moved
    /// instead of waiting for the switch's own tasks to wake. A switch that does
    /// nothing on its own time keeps the default.
    fn fire_due(&self, _now: Timestamp) -> usize {
        0
    }
    /// Whether this switch reports the agent's phone leg of an offer (`PhoneAlerting`,
    /// `PhoneOffHook`, `PhoneFailed` after `Alert`). A switch that does not leaves the
    /// center to assume the phone rings and goes off-hook as the offer is made.
    fn phone_legs(&self) -> PhoneLegs {
        PhoneLegs::Assumed
    }
}
