//! ccgw-engine: the runtime around the pure domain of `ccgw-core`.
//!
//! One task per VDN owns that VDN's center and applies requests, switch reports and
//! timers one at a time, so domain code needs no locks; a registry routes to them.
//! Handlers reach the engine through [`EngineApi`] ([`EngineHandle`] in process). Events
//! go into per-agent [`EventLog`]s that the Huawei poll, push deliverers ([`PushFeed`])
//! and extension readers read with cursors.
//! Telephony sits behind [`Switch`], injected at [`start`]; [`SimSwitch`] is the embedded
//! implementation. Time comes from a [`Clock`].
//!
//! Never depends on axum, http or sqlx.

mod call_numbers;
mod clock;
mod engine_api;
mod error;
mod event_log;
mod handle;
mod log_book;
mod metrics;
mod recorder;
mod registry;
mod runtime;
mod settings;
mod sim;
mod switch;

use std::sync::Arc;

use crate::log_book::LogBook;
use crate::registry::{CallOwners, Registry};
use crate::runtime::Shared;

pub use call_numbers::CallNumbers;
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use engine_api::{EngineApi, EngineFuture};
pub use error::EngineError;
pub use event_log::{
    Batch, Delivered, EventLog, LogCounters, LogLimits, Page, PollClaim, PollSession, PushFeed, Resync,
};
pub use handle::{AgentAction, EngineHandle, EventDelivery, EventReader, Reply, SignInRequest, SignedIn, SnapshotAt};
pub use metrics::{EngineMetrics, VdnMetrics};
pub use recorder::{AuditSink, CallRecorder, MemoryAudit, MemoryRecorder};
pub use settings::EngineSettings;
pub use sim::{
    AgentPhoneBehaviour, AgentPhoneRule, CallOrigin, DEFAULT_ANSWER_DELAY, DialIn, FarEndBehaviour, FarEndRule,
    MAX_DIGITS, MAX_FAR_END_DELAY, NumberPattern, PhoneMode, PlaceCall, RuleError, SimCall, SimCallState, SimError,
    SimParty, SimPartyState, SimSettings, SimSwitch, far_end_delay,
};
pub use switch::{ReportReceiver, ReportSender, Switch, TelephonyReport, report_channel};

/// A running engine.
pub struct Engine {
    pub handle: EngineHandle,
}

/// The telephony the engine drives: the switch it sends actions to and the receiving
/// end of the channel that switch reports on (see [`report_channel`]). Built by the
/// caller, so that any [`Switch`] — the simulated one, or one in another crate — can be
/// injected.
pub struct Telephony {
    pub switch: Arc<dyn Switch>,
    pub reports: ReportReceiver,
}

/// Starts the engine on the current tokio runtime: a runtime task for each VDN that has
/// skills now, and for any other VDN when first needed. `skills` is the initial skill
/// configuration; every call goes to `recorder` as it starts and ends, every agent state
/// change to `audit`; `telephony` is the switch.
pub fn start(
    settings: EngineSettings,
    clock: Arc<dyn Clock>,
    skills: Vec<ccgw_core::SkillProfile>,
    recorder: Arc<dyn CallRecorder>,
    audit: Arc<dyn AuditSink>,
    telephony: Telephony,
) -> Engine {
    let book = Arc::new(LogBook::new(settings.event_log));
    let owners = Arc::new(CallOwners::default());
    let shared = Shared { settings, clock, switch: telephony.switch, recorder, audit, book, owners };
    let registry = Arc::new(Registry::new(shared, skills));
    let sink: std::sync::Weak<dyn switch::ReportSink> = Arc::downgrade(&registry) as _;
    telephony.reports.attach(sink);
    Engine { handle: EngineHandle { registry } }
}
