//! What the switch under the center can do beyond ringing agents' phones and bridging a
//! call to one of them. A command that needs more is refused `NotOnThisSwitch` before
//! anything changes, so that a client is told the truth instead of the call pretending.

use super::{Callee, Command, TransferMode, TransferTarget};

/// The switch's features; the simulated switch has them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchFeatures {
    /// Call-outs to numbers outside the center from an agent whose phone is free.
    pub call_out: bool,
    /// Calls to other agents: internal calls to an agent or to a skill's idle agent.
    pub internal_calls: bool,
    /// Calls placed while the agent holds another, its phone off-hook already:
    /// consultations, and call-outs or internal calls made during a held call.
    pub second_calls: bool,
    /// Transfers to an agent or a skill, blind (the agent leaves, and the call is offered
    /// to the next agent as a queue call is) or waiting for the target (mode 2).
    pub transfer_to_agents: bool,
    /// `connecthold` of a consultation with an agent: the helper takes the held call
    /// over and the consulting agent leaves both calls.
    pub connecting_held: bool,
    /// Transfers to a number outside the center (blind, success and talk) and
    /// `connecthold` of a call with a number: the number is connected with the customer.
    pub transfer_to_numbers: bool,
    /// The rest: conferences (three-party help and transfers) and transfers to IVR
    /// flows. (`disconnect` needs nothing more: without conferences a call never has
    /// more than two parties talking, and dropping one is a release, or the end of a
    /// transfer under way.)
    pub joining: bool,
    /// DTMF digits sent into a call.
    pub digits: bool,
    /// Inspectors listening, inserting, whispering in calls: the switch mixes the call's
    /// audio for the inspector and the inspector's for some parties only.
    pub supervision: bool,
}

/// One of [`SwitchFeatures`], named in a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchFeature {
    CallOut,
    InternalCalls,
    SecondCalls,
    TransferToAgents,
    ConnectingHeld,
    TransferToNumbers,
    Joining,
    Digits,
    /// Recording and playing recordings back (`recordplay`): no switch under ccgw records.
    Recording,
    Supervision,
}

impl std::fmt::Display for SwitchFeature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SwitchFeature::CallOut => "call-out to a number",
            SwitchFeature::InternalCalls => "internal calls between agents",
            SwitchFeature::SecondCalls => "a second call while one is held (consultation)",
            SwitchFeature::TransferToAgents => "transfer to an agent or a skill",
            SwitchFeature::ConnectingHeld => "connecting a held call with a consultation",
            SwitchFeature::TransferToNumbers => "transfer to a number",
            SwitchFeature::Joining => "conference, and transfer to an IVR flow",
            SwitchFeature::Digits => "DTMF digits",
            SwitchFeature::Recording => "recording and playback",
            SwitchFeature::Supervision => "listening, barge-in and whisper (they need the call's audio mixed)",
        })
    }
}

impl SwitchFeatures {
    pub const ALL: SwitchFeatures = SwitchFeatures {
        call_out: true,
        internal_calls: true,
        second_calls: true,
        transfer_to_agents: true,
        connecting_held: true,
        transfer_to_numbers: true,
        joining: true,
        digits: true,
        supervision: true,
    };
    /// Offers and bridging only.
    pub const NONE: SwitchFeatures = SwitchFeatures {
        call_out: false,
        internal_calls: false,
        second_calls: false,
        transfer_to_agents: false,
        connecting_held: false,
        transfer_to_numbers: false,
        joining: false,
        digits: false,
        supervision: false,
    };

    /// What `command` needs that this switch lacks; None when the switch can carry it.
    /// Whether a call is placed during a held one depends on the agent's state, and who
    /// `connecthold` moves on the calls: the center checks [`Self::second_calls`] as it
    /// places the call and [`Self::transfer_to_numbers`] as it connects a held call with
    /// a number.
    pub fn missing_for(&self, command: &Command) -> Option<SwitchFeature> {
        match command {
            Command::PlaceCall(request) => match request.callee {
                Callee::Number(_) if !self.call_out => Some(SwitchFeature::CallOut),
                Callee::Agent(_) | Callee::Skill(_) if !self.internal_calls => Some(SwitchFeature::InternalCalls),
                _ => None,
            },
            Command::Consult(_) if !self.second_calls => Some(SwitchFeature::SecondCalls),
            // Three-party help becomes a conference as the helper answers.
            Command::Consult(request) if request.three_party && !self.joining => Some(SwitchFeature::Joining),
            Command::ConnectHeld(_) if !self.connecting_held => Some(SwitchFeature::ConnectingHeld),
            Command::Transfer(request) if is_to_an_agent(request) => {
                (!self.transfer_to_agents).then_some(SwitchFeature::TransferToAgents)
            }
            Command::Transfer(request) if is_to_a_number(request) => {
                (!self.transfer_to_numbers).then_some(SwitchFeature::TransferToNumbers)
            }
            Command::Transfer(_) | Command::Conference(_) if !self.joining => Some(SwitchFeature::Joining),
            Command::Digits(_) | Command::ConferenceDigits(_) if !self.digits => Some(SwitchFeature::Digits),
            _ => None,
        }
    }
}

/// A transfer that connects the customer with a number, the agent leaving at once, when
/// the number answers, or when it hangs up (talk); three-party makes a conference.
fn is_to_a_number(request: &super::TransferRequest) -> bool {
    matches!(request.mode, TransferMode::Blind | TransferMode::Success | TransferMode::Talk)
        && matches!(request.target, TransferTarget::Number(_))
}

/// A transfer that hands the call to an agent, directly or through a skill, blind or
/// waiting for the answer (the other modes go to numbers and IVR flows).
fn is_to_an_agent(request: &super::TransferRequest) -> bool {
    matches!(request.mode, TransferMode::Blind | TransferMode::Success)
        && matches!(request.target, TransferTarget::Skill(_) | TransferTarget::Agent(_))
}

impl Default for SwitchFeatures {
    fn default() -> Self {
        SwitchFeatures::ALL
    }
}
