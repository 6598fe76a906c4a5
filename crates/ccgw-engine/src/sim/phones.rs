//! Agent phones: how each one reacts when the center takes it off-hook for a call the
//! agent places.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ccgw_core::{CallId, WorkNo};

/// How an agent's phone answers an `OffHook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhoneMode {
    /// A softphone: goes off-hook by itself at once.
    #[default]
    Auto,
    /// A desk phone: rings until the agent picks it up (`PickUp`).
    Manual,
    /// Busy or unreachable: the call cannot start.
    Refuse,
}

impl PhoneMode {
    pub const ALL: [PhoneMode; 3] = [PhoneMode::Auto, PhoneMode::Manual, PhoneMode::Refuse];

    /// The name used in the extension API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Manual => "manual",
            Self::Refuse => "refuse",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.name() == name)
    }
}

impl fmt::Display for PhoneMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Default)]
pub(super) struct Phones {
    /// Phones not in the default mode.
    modes: BTreeMap<WorkNo, PhoneMode>,
    /// Phones ringing for their agent's own call, waiting for `PickUp`. An inbound offer
    /// rings the phone too, but that one the center answers with `Connect`.
    awaiting_pickup: BTreeSet<(CallId, WorkNo)>,
}

impl Phones {
    pub(super) fn mode(&self, agent: WorkNo) -> PhoneMode {
        self.modes.get(&agent).copied().unwrap_or_default()
    }

    pub(super) fn set_mode(&mut self, agent: WorkNo, mode: PhoneMode) {
        if mode == PhoneMode::default() {
            self.modes.remove(&agent);
        } else {
            self.modes.insert(agent, mode);
        }
    }

    /// Every phone not in the default mode, by work number.
    pub(super) fn modes(&self) -> Vec<(WorkNo, PhoneMode)> {
        self.modes.iter().map(|(agent, mode)| (*agent, *mode)).collect()
    }

    pub(super) fn ring_for_pickup(&mut self, call: CallId, agent: WorkNo) {
        self.awaiting_pickup.insert((call, agent));
    }

    /// Whether the phone was ringing for a pickup; it no longer is.
    pub(super) fn take_pickup(&mut self, call: &CallId, agent: WorkNo) -> bool {
        self.awaiting_pickup.remove(&(call.clone(), agent))
    }

    /// The agent's phone left the call (or the call ended).
    pub(super) fn forget(&mut self, call: &CallId, agent: Option<WorkNo>) {
        self.awaiting_pickup.retain(|(ringing, who)| !(ringing == call && agent.is_none_or(|agent| agent == *who)));
    }

    /// Takes every phone ringing for `call` out of the list: the call is joined into another.
    pub(super) fn take_call(&mut self, call: &CallId) -> Vec<WorkNo> {
        let ringing: Vec<WorkNo> =
            self.awaiting_pickup.iter().filter(|(ringing, _)| ringing == call).map(|(_, agent)| *agent).collect();
        self.forget(call, None);
        ringing
    }
}
