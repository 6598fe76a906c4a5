//! ccgw-engine: the runtime around the pure domain of `ccgw-core`.
//!
//! One task owns the center and applies requests, switch reports and timers one at a
//! time, so domain code needs no locks. Handlers hold an [`EngineHandle`]. Events go into
//! per-agent [`EventLog`]s that the Huawei poll and extension readers read with cursors.
//! Telephony sits behind [`Switch`]; [`SimSwitch`] is the embedded implementation. Time comes from a [`Clock`].
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
pub use handle::{AgentAction, EngineHandle, EventReader, Reply, SignInRequest, SignedIn};
pub use recorder::{CallRecorder, MemoryRecorder};
pub use settings::EngineSettings;
pub use sim::{
    CallOrigin, DEFAULT_ANSWER_DELAY, FarEndBehaviour, FarEndRule, MAX_DIGITS, MAX_FAR_END_DELAY, NumberPattern,
    PhoneMode, PlaceCall, RuleError, SimCall, SimCallState, SimError, SimParty, SimPartyState, SimSettings, SimSwitch,
    far_end_delay,
};
pub use switch::{Switch, TelephonyReport};

/// Requests waiting for the engine before senders are made to wait.
const REQUEST_BACKLOG: usize = 4096;

/// A running engine with its simulated switch.
pub struct Engine {
    pub handle: EngineHandle,
    pub sim: Arc<SimSwitch>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Starts the engine task on the current tokio runtime. `skills` is the initial skill
/// configuration; every finished call goes to `recorder`; `sim` scripts the simulated
/// switch's far ends, and `settings.ivr_flows` its IVR flows.
pub fn start(
    settings: EngineSettings,
    clock: Arc<dyn Clock>,
    skills: Vec<ccgw_core::SkillProfile>,
    recorder: Arc<dyn CallRecorder>,
    sim: SimSettings,
) -> Engine {
    let (requests_tx, requests_rx) = mpsc::channel(REQUEST_BACKLOG);
    let (reports_tx, reports_rx) = mpsc::unbounded_channel();
    let sim = Arc::new(SimSwitch::with_settings(clock.clone(), reports_tx, sim));
    sim.set_ivr_flows(settings.ivr_flows.clone());
    let runtime = runtime::Runtime::new(settings, clock.clone(), sim.clone(), skills, recorder);
    let task = tokio::spawn(runtime.run(requests_rx, reports_rx));
    Engine { handle: EngineHandle { requests: requests_tx, clock }, sim, task }
}
