//! ccgw-engine: the runtime around the pure domain of `ccgw-core`.
//!
//! One task owns the center and applies requests, switch reports and timers one at a
//! time, so domain code needs no locks. Handlers hold an [`EngineHandle`]. Events go into
//! per-agent [`EventLog`]s that the Huawei poll and extension readers read with cursors.
//! Telephony sits behind [`Switch`], injected at [`start`]; [`SimSwitch`] is the embedded
//! implementation. Time comes from a [`Clock`].
//!
//! Never depends on axum, http or sqlx.

mod clock;
mod error;
mod event_log;
mod handle;
mod recorder;
mod runtime;
mod settings;
mod sim;
mod switch;

use std::sync::Arc;

use tokio::sync::mpsc;

pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use error::EngineError;
pub use event_log::{Delivered, EventLog, LogLimits, Page, PollClaim, PollSession, Resync};
pub use handle::{AgentAction, EngineHandle, EventReader, Reply, SignInRequest, SignedIn, SnapshotAt};
pub use recorder::{CallRecorder, MemoryRecorder};
pub use settings::EngineSettings;
pub use sim::{
    AgentPhoneBehaviour, AgentPhoneRule, CallOrigin, DEFAULT_ANSWER_DELAY, DialIn, FarEndBehaviour, FarEndRule,
    MAX_DIGITS, MAX_FAR_END_DELAY, NumberPattern, PhoneMode, PlaceCall, RuleError, SimCall, SimCallState, SimError,
    SimParty, SimPartyState, SimSettings, SimSwitch, far_end_delay,
};
pub use switch::{ReportReceiver, ReportSender, Switch, TelephonyReport, report_channel};

/// Requests waiting for the engine before senders are made to wait.
const REQUEST_BACKLOG: usize = 4096;

/// A running engine.
pub struct Engine {
    pub handle: EngineHandle,
    pub task: tokio::task::JoinHandle<()>,
}

/// The telephony the engine drives: the switch it sends actions to and the receiving
/// end of the channel that switch reports on (see [`report_channel`]). Built by the
/// caller, so that any [`Switch`] — the simulated one, or one in another crate — can be
/// injected.
pub struct Telephony {
    pub switch: Arc<dyn Switch>,
    pub reports: ReportReceiver,
}

/// Starts the engine task on the current tokio runtime. `skills` is the initial skill
/// configuration; every finished call goes to `recorder`; `telephony` is the switch.
pub fn start(
    settings: EngineSettings,
    clock: Arc<dyn Clock>,
    skills: Vec<ccgw_core::SkillProfile>,
    recorder: Arc<dyn CallRecorder>,
    telephony: Telephony,
) -> Engine {
    let (requests_tx, requests_rx) = mpsc::channel(REQUEST_BACKLOG);
    let runtime = runtime::Runtime::new(settings, clock.clone(), telephony.switch, skills, recorder);
    let task = tokio::spawn(runtime.run(requests_rx, telephony.reports));
    Engine { handle: EngineHandle { requests: requests_tx, clock }, task }
}
