//! The simulated switch: ccgw's embedded telephony. It is a real [`Switch`]: it keeps
//! every live call with its parties, carries out the engine's actions on them and
//! reports what happens — driven by the extension API (`/ccgw/v1/sim/...`) instead of SIP.
//!
//! ```text
//!   engine ──SwitchAction──▶ SimSwitch ──TelephonyReport──▶ engine
//!                              ▲   │ far-end rules, phone modes
//!      /ccgw/v1/sim/... ───────┘   └─ delayed outcomes: tasks waiting on the Clock
//! ```
//!
//! Customer calls arrive through [`SimSwitch::place_call`]. Numbers the center dials
//! behave by the first matching [`FarEndRule`]; agents' phones by their [`PhoneMode`];
//! IVR flows hold a call for their configured time, then return or release it.
//! Everything scripted can also be done by hand ([`SimSwitch::answer`],
//! [`SimSwitch::end_ivr`], …).

mod actions;
mod agent_phones;
mod call;
mod control;
mod due;
mod ivr;
mod phones;
mod rules;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use ccgw_core::{
    CallId, InboundCall, IvrEnd, IvrFlow, NewCall, PhoneLegs, SkillId, SwitchAction, Timestamp, Vdn, WorkNo,
};
use tokio::sync::watch;

use crate::call_numbers::CallNumbers;
use crate::clock::Clock;
use crate::switch::{ReportSender, Switch, TelephonyReport};
use due::{Due, DueKey, DueTable};

pub use agent_phones::{AgentPhoneBehaviour, AgentPhoneRule};
pub use call::{CallOrigin, SimCall, SimCallState, SimParty, SimPartyState};
pub use phones::PhoneMode;
pub use rules::{
    DEFAULT_ANSWER_DELAY, FarEndBehaviour, FarEndRule, MAX_FAR_END_DELAY, NumberPattern, RuleError, SimSettings,
    far_end_delay,
};

/// A customer call to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCall {
    pub vdn: Vdn,
    pub skill: SkillId,
    pub caller: String,
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first (0 = normal).
    pub priority: u8,
}

/// A customer call to place by the number it dials: the center routes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialIn {
    pub caller: String,
    /// A VDN's access code, possibly followed by a route suffix.
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first (0 = normal).
    pub priority: u8,
}

/// Why a live-control request could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no live call {0}")]
    NoSuchCall(CallId),
    #[error("call {call} has no party {number}")]
    NoSuchParty { call: CallId, number: String },
    #[error("party {number} of call {call} is {state}; this needs it {needed}")]
    WrongState { call: CallId, number: String, state: SimPartyState, needed: &'static str },
    #[error("digits must be 1 to {MAX_DIGITS} of 0-9 * # A-D")]
    BadDigits,
    #[error("call {0} is in no IVR flow")]
    NotInIvr(CallId),
}

/// Most DTMF digits accepted in one `send_digits`.
pub const MAX_DIGITS: usize = 64;

pub struct SimSwitch {
    shared: Arc<Shared>,
}

struct Shared {
    clock: Arc<dyn Clock>,
    reports: ReportSender,
    numbers: Arc<CallNumbers>,
    state: Mutex<SimState>,
    /// Never sent on; dropped with the switch, which wakes waiting far-end tasks to end.
    alive: watch::Sender<()>,
}

#[derive(Default)]
struct SimState {
    calls: BTreeMap<CallId, SimCall>,
    settings: SimSettings,
    phones: phones::Phones,
    /// Last dial attempt (or IVR stay) number handed out.
    dials: u64,
    /// The IVR flows this switch runs.
    ivr_flows: Vec<IvrFlow>,
    /// How each IVR stay in progress ends when its time is up, by stay number.
    ivr_stays: BTreeMap<u64, IvrEnd>,
    /// What the switch does by itself once the clock gets there.
    due: DueTable,
    /// Agent phones ringing for offers with a scripted outcome, by ring number (from `dials`).
    agent_rings: BTreeMap<u64, agent_phones::AgentRing>,
}

/// What one change to the state asks for. Sent before the state is unlocked, so that
/// reports leave in the order of the changes that caused them.
#[derive(Default)]
struct Outbox {
    reports: Vec<TelephonyReport>,
    timers: Vec<Due>,
}

impl Outbox {
    fn report(&mut self, report: TelephonyReport) {
        self.reports.push(report);
    }
}

impl SimSwitch {
    pub fn new(clock: Arc<dyn Clock>, reports: ReportSender) -> Self {
        Self::with_settings(clock, reports, SimSettings::default())
    }

    /// A sim on a fresh report channel, and the [`crate::Telephony`] that hands it to
    /// [`crate::start`].
    pub fn telephony(clock: Arc<dyn Clock>, settings: SimSettings) -> (Arc<Self>, crate::Telephony) {
        let (reports_tx, reports) = crate::report_channel();
        let sim = Arc::new(Self::with_settings(clock, reports_tx, settings));
        (sim.clone(), crate::Telephony { switch: sim, reports })
    }

    pub fn with_settings(clock: Arc<dyn Clock>, reports: ReportSender, settings: SimSettings) -> Self {
        Self::numbering(clock, reports, settings, Arc::new(CallNumbers::unreserved()))
    }

    /// A sim whose call ids take their numbers from `numbers` (reserved in the store, so
    /// that they go on across restarts).
    pub fn numbering(
        clock: Arc<dyn Clock>,
        reports: ReportSender,
        settings: SimSettings,
        numbers: Arc<CallNumbers>,
    ) -> Self {
        let state = SimState { settings, ..SimState::default() };
        let shared = Shared { clock, reports, numbers, state: Mutex::new(state), alive: watch::Sender::new(()) };
        Self { shared: Arc::new(shared) }
    }

    fn next_id(&self) -> CallId {
        CallId::compose(self.shared.clock.now().as_unix_seconds(), self.shared.numbers.next())
    }

    /// A customer dials in: the call enters the skill queue. Returns its call id, in the
    /// Huawei shape `<unix seconds>-<sequence>`.
    pub fn place_call(&self, request: PlaceCall) -> CallId {
        let id = self.next_id();
        self.shared.change(|state, now, out| {
            state.place_call(id.clone(), request, now, out);
        });
        id
    }

    /// A customer dials `called`: the switch reports the call by that number and the
    /// center routes it (or refuses it: the switch is told to release it).
    pub fn dial_in(&self, request: DialIn) -> CallId {
        let id = self.next_id();
        self.shared.change(|state, now, out| {
            state.dial_in(id.clone(), request, now, out);
        });
        id
    }

    /// The customer hangs up: the call ends unless two other parties remain in it (a
    /// conference). `false` when the call is not live.
    pub fn hang_up(&self, call: &CallId) -> bool {
        self.shared.change(|state, _, out| state.customer_hangs_up(call, out))
    }

    /// A dialled number that is ringing answers now.
    pub fn answer(&self, call: &CallId, number: &str) -> Result<SimCall, SimError> {
        self.shared.change(|state, _, out| state.answer(call, number, out))
    }

    /// A dialled number that is ringing declines. Returns the call, if it goes on.
    pub fn reject(&self, call: &CallId, number: &str) -> Result<Option<SimCall>, SimError> {
        self.shared.change(|state, _, out| state.reject(call, number, out))
    }

    /// A party outside the center hangs up; for the customer of an inbound call, as
    /// [`hang_up`](Self::hang_up). Returns the call, if it goes on.
    pub fn hang_up_party(&self, call: &CallId, number: &str) -> Result<Option<SimCall>, SimError> {
        self.shared.change(|state, _, out| state.hang_up_party(call, number, out))
    }

    /// The agent puts the handset down on a call it is in: the switch reports it, the
    /// center decides what it means (a release, or a decline while the call rings).
    pub fn hang_up_agent(&self, call: &CallId, agent: WorkNo) -> Result<(), SimError> {
        self.shared.change(|state, _, out| state.agent_hangs_up(call, agent, out))
    }

    /// A party outside the center presses keys (recorded on the party; no report).
    pub fn send_digits(&self, call: &CallId, number: &str, digits: &str) -> Result<SimCall, SimError> {
        self.shared.change(|state, _, _| state.send_digits(call, number, digits))
    }

    pub fn calls(&self) -> Vec<SimCall> {
        self.shared.state().calls.values().cloned().collect()
    }

    pub fn call(&self, id: &CallId) -> Option<SimCall> {
        self.shared.state().calls.get(id).cloned()
    }

    pub fn settings(&self) -> SimSettings {
        self.shared.state().settings.clone()
    }

    /// Replaces the far-end rules and the default answer delay; applies to later dials.
    pub fn configure(&self, settings: SimSettings) {
        self.shared.state().settings = settings;
    }

    pub fn rules(&self) -> Vec<FarEndRule> {
        self.shared.state().settings.rules.clone()
    }

    /// Replaces the far-end rules; applies to later dials.
    pub fn set_rules(&self, rules: Vec<FarEndRule>) {
        self.shared.state().settings.rules = rules;
    }

    pub fn phone_mode(&self, agent: WorkNo) -> PhoneMode {
        self.shared.state().phones.mode(agent)
    }

    /// Applies to the next `OffHook` of the agent's phone.
    pub fn set_phone_mode(&self, agent: WorkNo, mode: PhoneMode) {
        self.shared.state().phones.set_mode(agent, mode);
    }

    /// Every phone not in the default mode ([`PhoneMode::Auto`]), by work number.
    pub fn phone_modes(&self) -> Vec<(WorkNo, PhoneMode)> {
        self.shared.state().phones.modes()
    }

    /// Replaces the IVR flows; applies to calls connected to a flow later.
    pub fn set_ivr_flows(&self, flows: Vec<IvrFlow>) {
        self.shared.state().ivr_flows = flows;
    }

    pub fn ivr_flows(&self) -> Vec<IvrFlow> {
        self.shared.state().ivr_flows.clone()
    }

    /// The IVR flow holding the call ends now, the way `end` says, or as configured.
    /// Returns the call, if it goes on.
    pub fn end_ivr(&self, call: &CallId, end: Option<IvrEnd>) -> Result<Option<SimCall>, SimError> {
        self.shared.change(|state, _, out| state.end_ivr_now(call, end, out))
    }
}

impl Switch for SimSwitch {
    fn execute(&self, action: SwitchAction) {
        self.shared.change(|state, now, out| state.apply(action, now, out));
    }

    fn next_call_id(&self) -> CallId {
        self.next_id()
    }

    fn phone_legs(&self) -> PhoneLegs {
        PhoneLegs::Reported
    }

    fn fire_due(&self, now: Timestamp) -> usize {
        let mut fired = 0;
        // One item per change, so that what one item schedules for `now` fires too.
        while self.shared.change(|state, _, out| state.fire_first_due(now, out)) {
            fired += 1;
        }
        fired
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, SimState> {
        // Each critical section leaves the state whole; a poisoned lock still holds it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `change` on the locked state, then sends its reports and puts its timers in
    /// the due table before unlocking.
    fn change<R>(self: &Arc<Self>, change: impl FnOnce(&mut SimState, Timestamp, &mut Outbox) -> R) -> R {
        let mut state = self.state();
        let mut out = Outbox::default();
        let result = change(&mut state, self.clock.now(), &mut out);
        for report in out.reports {
            // If the engine has stopped there is nobody left to tell.
            self.reports.send(report);
        }
        for timer in out.timers {
            let key = state.due.insert(timer);
            self.schedule(key);
        }
        result
    }

    /// Waits on the clock in a task of its own, then fires the due item under `key` if
    /// nothing took it from the table meanwhile (`fire_due`). The task holds no strong
    /// reference to the switch and ends as soon as the switch is dropped.
    fn schedule(self: &Arc<Self>, key: DueKey) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("no tokio runtime: a scheduled outcome waits for fire_due");
            return;
        };
        let sleep = self.clock.sleep_until(key.0);
        let mut alive = self.alive.subscribe();
        let shared: Weak<Shared> = Arc::downgrade(self);
        runtime.spawn(async move {
            tokio::select! {
                () = sleep => {}
                // Nothing is ever sent: this completes only when the switch is gone.
                _ = alive.changed() => return,
            }
            if let Some(shared) = shared.upgrade() {
                shared.change(|state, _, out| state.fire_key(key, out));
            }
        });
    }
}

impl SimState {
    fn place_call(&mut self, id: CallId, request: PlaceCall, now: Timestamp, out: &mut Outbox) {
        let incoming = NewCall {
            id: id.clone(),
            vdn: request.vdn,
            skill: request.skill,
            caller: request.caller,
            called: request.called,
            call_data: request.call_data,
            media_type: request.media_type,
            priority: request.priority,
        };
        let customer = SimParty::new(ccgw_core::Party::Number(incoming.caller.clone()), SimPartyState::Connected);
        let call = SimCall {
            id: id.clone(),
            origin: CallOrigin::Customer {
                queue: Some((incoming.vdn, incoming.skill)),
                call_data: incoming.call_data.clone(),
                media_type: incoming.media_type,
                priority: incoming.priority,
            },
            caller: incoming.caller.clone(),
            called: incoming.called.clone(),
            placed_at: now,
            queued: true,
            parties: vec![customer],
        };
        self.calls.insert(id, call);
        out.report(TelephonyReport::Incoming(incoming));
    }

    fn dial_in(&mut self, id: CallId, request: DialIn, now: Timestamp, out: &mut Outbox) {
        let customer = SimParty::new(ccgw_core::Party::Number(request.caller.clone()), SimPartyState::Connected);
        let call = SimCall {
            id: id.clone(),
            origin: CallOrigin::Customer {
                queue: None,
                call_data: request.call_data.clone(),
                media_type: request.media_type,
                priority: request.priority,
            },
            caller: request.caller.clone(),
            called: request.called.clone(),
            placed_at: now,
            // Until the center says otherwise (an IVR flow, a release) the call waits for it.
            queued: true,
            parties: vec![customer],
        };
        self.calls.insert(id.clone(), call);
        out.report(TelephonyReport::Inbound(InboundCall {
            id,
            caller: request.caller,
            called: request.called,
            call_data: request.call_data,
            media_type: request.media_type,
            priority: request.priority,
        }));
    }

    fn remove_call(&mut self, call: &CallId) -> Option<SimCall> {
        self.phones.forget(call, None);
        self.forget_rings(call, None);
        self.calls.remove(call)
    }

    /// Ends a call that has nobody left on it. `true` if it ended.
    fn end_if_empty(&mut self, call: &CallId) -> bool {
        let empty = self.calls.get(call).is_some_and(|sim| sim.parties.is_empty());
        if empty {
            self.remove_call(call);
        }
        empty
    }
}
