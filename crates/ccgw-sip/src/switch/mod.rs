//! The SIP switch: the engine's [`Switch`] carried out with real SIP calls. Customers call
//! in from trunks; their calls are queued by the engine and offered to agents, whose
//! registered phones ccgw rings; once the agent takes the call, the customer is bridged
//! to the phone (SDP passed through: media flows between them, not through ccgw).

pub(crate) mod b2bua;
mod call_out;
mod digits;
mod far_leg;
mod internal;
mod keepalive;
mod lines;
mod media;
mod phone_answer;
pub mod sdp;
mod standing_lines;
mod transfer;
pub mod trunks;
mod turns;

use std::sync::Arc;

use ccgw_core::{CallId, PhoneLegs, PhoneNumber, SwitchAction, SwitchFeatures};
use ccgw_engine::{CallNumbers, Switch};
use tokio::sync::mpsc;

pub(crate) use b2bua::{B2bua, B2buaParts, Command};
pub use phone_answer::PhoneAnswer;

use crate::registrar::{Now, Registrar};

/// The engine's handle on the B2BUA: actions go to its queue, never blocking.
pub struct SipSwitch {
    commands: mpsc::UnboundedSender<Command>,
    numbers: Arc<CallNumbers>,
    now: Now,
    /// What it carries, from its configuration.
    features: SwitchFeatures,
    /// Set when sign-in needs the agent's phone registered.
    registered_phones: Option<Arc<Registrar>>,
}

/// How the SIP switch runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SwitchOptions {
    /// How often bridged calls' legs are probed with OPTIONS; None: never.
    pub keepalive: Option<std::time::Duration>,
    /// `seconddial` is sent as SIP INFO; otherwise refused.
    pub dtmf_info: bool,
    /// Sign-in is refused (`100-013`) while the agent's phone is not registered.
    pub require_registered_phone: bool,
}

impl SipSwitch {
    pub(crate) fn new(
        commands: mpsc::UnboundedSender<Command>,
        numbers: Arc<CallNumbers>,
        now: Now,
        features: SwitchFeatures,
        registered_phones: Option<Arc<Registrar>>,
    ) -> Self {
        Self { commands, numbers, now, features, registered_phones }
    }
}

impl Switch for SipSwitch {
    fn execute(&self, action: SwitchAction) {
        if self.commands.send(Command::Action(action)).is_err() {
            tracing::warn!("the SIP switch has stopped: action dropped");
        }
    }

    fn next_call_id(&self) -> CallId {
        CallId::compose((self.now)(), self.numbers.next())
    }

    /// A SIP phone picked up has answered: its 200 OK is the agent's answer.
    fn phone_legs(&self) -> PhoneLegs {
        PhoneLegs::AnsweredAtPhone
    }

    /// Internal calls, second calls (consultations), `connecthold`, transfers to agents
    /// and skills, call-outs and transfers to numbers where a trunk dials them, DTMF
    /// where SIP INFO is on; not conferences, transfers to IVR flows, or inspectors
    /// listening and whispering (all need the call's audio mixed).
    fn features(&self) -> SwitchFeatures {
        self.features
    }

    fn admits_phone(&self, phone: &PhoneNumber) -> bool {
        self.registered_phones.as_ref().is_none_or(|registrar| registrar.contact_of(phone.as_str()).is_some())
    }
}
