//! The telephony boundary. The engine tells a [`Switch`] what to do with calls; the
//! switch reports what happened on its own time through a [`TelephonyReport`] channel.

use ccgw_core::{CallId, NewCall, SwitchAction};

/// Something the switch observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TelephonyReport {
    /// A customer call entered a skill queue.
    Incoming(NewCall),
    /// The customer hung up.
    CustomerHungUp(CallId),
}

pub trait Switch: Send + Sync + 'static {
    /// Carries out an action. Must not block: outcomes come back as reports.
    fn execute(&self, action: SwitchAction);
}
