use ccgw_core::{CenterSettings, IvrFlow};

use crate::event_log::LogLimits;

/// The engine's own settings; the binary builds them from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineSettings {
    pub center: CenterSettings,
    /// Node number used in Guids (`….AgentGateway<node>`).
    pub node: u32,
    /// Capacity and retention of each agent's event log.
    pub event_log: LogLimits,
    /// The IVR flows (checked with `ccgw_core::check_flows`): the center validates
    /// transfers and answers queries with them, the simulated switch runs them.
    pub ivr_flows: Vec<IvrFlow>,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self { center: CenterSettings::default(), node: 1, event_log: LogLimits::default(), ivr_flows: Vec::new() }
    }
}
