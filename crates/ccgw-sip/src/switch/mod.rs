//! The SIP switch: the engine's [`Switch`] carried out with real SIP calls. Customers call
//! in from trunks; their calls are queued by the engine and offered to agents, whose
//! registered phones ccgw rings; once the agent takes the call, the customer is bridged
//! to the phone (SDP passed through: media flows between them, not through ccgw).

mod b2bua;
mod call_out;
mod digits;
mod keepalive;
mod media;
mod phone_answer;
pub mod sdp;
pub mod trunks;
mod turns;

use std::sync::Arc;

use ccgw_core::{CallId, PhoneLegs, SwitchAction, SwitchFeatures};
use ccgw_engine::{CallNumbers, Switch};
use tokio::sync::mpsc;

pub(crate) use b2bua::{B2bua, B2buaParts, Command};
pub use phone_answer::PhoneAnswer;

use crate::registrar::Now;

/// The engine's handle on the B2BUA: actions go to its queue, never blocking.
pub struct SipSwitch {
    commands: mpsc::UnboundedSender<Command>,
    numbers: Arc<CallNumbers>,
    now: Now,
    /// A trunk to send call-outs through is configured.
    dials_out: bool,
}

impl SipSwitch {
    pub(crate) fn new(
        commands: mpsc::UnboundedSender<Command>,
        numbers: Arc<CallNumbers>,
        now: Now,
        dials_out: bool,
    ) -> Self {
        Self { commands, numbers, now, dials_out }
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

    /// Call-outs, where a trunk dials them, and DTMF (SIP INFO); internal calls, second
    /// calls, transfers and conferences are not carried yet.
    fn features(&self) -> SwitchFeatures {
        SwitchFeatures { call_out: self.dials_out, digits: true, ..SwitchFeatures::NONE }
    }
}
