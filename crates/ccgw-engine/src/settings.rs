use ccgw_core::CenterSettings;

/// The engine's own settings; the binary builds them from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineSettings {
    pub center: CenterSettings,
    /// Node number used in Guids (`….AgentGateway<node>`).
    pub node: u32,
    /// Undelivered events kept per sign-in before the oldest is dropped.
    pub mailbox_capacity: usize,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self { center: CenterSettings::default(), node: 1, mailbox_capacity: 1024 }
    }
}
