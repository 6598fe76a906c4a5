//! The telephony boundary. The engine tells a [`Switch`] what to do with calls; the
//! switch reports what happened on its own time through a [`ReportSender`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use ccgw_core::{
    CallId, DialFailure, InboundCall, NewCall, PhoneFailure, PhoneLegs, PhoneNumber, SwitchAction, SwitchFeatures,
    Timestamp, WorkNo,
};

/// Where a switch sends its reports. Never blocks: once the engine runs, each report
/// goes at once to the runtime of the VDN that owns its call, so that what a switch
/// reports while carrying out an action is applied in the same engine step.
#[derive(Clone)]
pub struct ReportSender {
    hub: Arc<ReportHub>,
}

/// The engine's end of a report channel, handed to [`crate::start`]. Before that, reports
/// wait in it in order (and a test can take them with [`ReportReceiver::try_recv`]).
pub struct ReportReceiver {
    hub: Arc<ReportHub>,
}

/// A fresh report channel: the sender goes to the switch, the receiver to [`crate::start`].
pub fn report_channel() -> (ReportSender, ReportReceiver) {
    let hub = Arc::new(ReportHub { state: Mutex::new(HubState::Waiting(VecDeque::new())) });
    (ReportSender { hub: hub.clone() }, ReportReceiver { hub })
}

/// Takes reports once the engine runs (the engine's report router).
pub(crate) trait ReportSink: Send + Sync {
    fn deliver(&self, report: TelephonyReport);
}

struct ReportHub {
    state: Mutex<HubState>,
}

enum HubState {
    Waiting(VecDeque<TelephonyReport>),
    /// Weak: the sink (the engine) holds the switch, which holds this hub.
    Routing(Weak<dyn ReportSink>),
}

impl ReportHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HubState> {
        // Every critical section leaves the state whole, so a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl ReportSender {
    /// Hands a report to the engine. Reports sent after the engine stopped are dropped:
    /// nobody is left to apply them.
    pub fn send(&self, report: TelephonyReport) {
        let sink = match &mut *self.hub.lock() {
            HubState::Waiting(waiting) => return waiting.push_back(report),
            HubState::Routing(sink) => sink.upgrade(),
        };
        // Outside the lock: delivering may make the engine act on the switch, which reports again.
        if let Some(sink) = sink {
            sink.deliver(report);
        }
    }
}

impl ReportReceiver {
    /// The oldest report still waiting, before the engine started.
    pub fn try_recv(&self) -> Option<TelephonyReport> {
        match &mut *self.hub.lock() {
            HubState::Waiting(waiting) => waiting.pop_front(),
            HubState::Routing(_) => None,
        }
    }

    /// Every sender is gone: no report can come any more.
    pub fn is_closed(&self) -> bool {
        Arc::strong_count(&self.hub) == 1
    }

    /// From now on reports go to `sink`; the ones waiting go first, in order.
    pub(crate) fn attach(self, sink: Weak<dyn ReportSink>) {
        let waiting = match std::mem::replace(&mut *self.hub.lock(), HubState::Routing(sink.clone())) {
            HubState::Waiting(waiting) => waiting,
            HubState::Routing(_) => VecDeque::new(),
        };
        if let Some(sink) = sink.upgrade() {
            waiting.into_iter().for_each(|report| sink.deliver(report));
        }
    }
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

/// Where a report belongs: with a call that exists already, or with a new one.
pub(crate) enum ReportFor<'a> {
    Call(&'a CallId),
    NewCall(&'a NewCall),
    Dialled(&'a InboundCall),
}

impl TelephonyReport {
    pub(crate) fn belongs_to(&self) -> ReportFor<'_> {
        match self {
            TelephonyReport::Incoming(call) => ReportFor::NewCall(call),
            TelephonyReport::Inbound(call) => ReportFor::Dialled(call),
            TelephonyReport::CustomerHungUp(call)
            | TelephonyReport::IvrReturned(call)
            | TelephonyReport::IvrReleased(call)
            | TelephonyReport::PhoneAlerting { call, .. }
            | TelephonyReport::PhoneOffHook { call, .. }
            | TelephonyReport::PhoneFailed { call, .. }
            | TelephonyReport::PhoneHungUp { call, .. }
            | TelephonyReport::FarEndAlerting { call, .. }
            | TelephonyReport::FarEndAnswered { call, .. }
            | TelephonyReport::FarEndFailed { call, .. }
            | TelephonyReport::FarEndHungUp { call, .. } => ReportFor::Call(call),
        }
    }
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
    /// What the switch can carry besides offers and bridging: commands needing more are
    /// refused "not supported on this switch".
    fn features(&self) -> SwitchFeatures {
        SwitchFeatures::ALL
    }
    /// Whether an agent may sign in with `phone`: a switch that requires the phone to be
    /// reachable at sign-in (a registered SIP phone) says no when it is not.
    fn admits_phone(&self, _phone: &PhoneNumber) -> bool {
        true
    }
}
