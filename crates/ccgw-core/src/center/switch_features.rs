//! What the switch under the center can do beyond ringing agents' phones and bridging a
//! call to one of them. A command that needs more is refused `NotOnThisSwitch` before
//! anything changes, so that a client is told the truth instead of the call pretending.

use super::Command;

/// The switch's features; the simulated switch has them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchFeatures {
    /// Calls the agent places: call-out, internal calls, consultations.
    pub placing: bool,
    /// Moving parties between calls: transfers, conferences, connecting held calls,
    /// dropping one party of several.
    pub joining: bool,
    /// DTMF digits sent into a call.
    pub digits: bool,
}

/// One of [`SwitchFeatures`], named in a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchFeature {
    Placing,
    Joining,
    Digits,
}

impl std::fmt::Display for SwitchFeature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SwitchFeature::Placing => "calls placed by the agent (call-out, internal call, consultation)",
            SwitchFeature::Joining => "transfer and conference",
            SwitchFeature::Digits => "DTMF digits",
        })
    }
}

impl SwitchFeatures {
    pub const ALL: SwitchFeatures = SwitchFeatures { placing: true, joining: true, digits: true };
    /// Offers and bridging only.
    pub const NONE: SwitchFeatures = SwitchFeatures { placing: false, joining: false, digits: false };

    /// What `command` needs that this switch lacks; None when the switch can carry it.
    pub fn missing_for(&self, command: &Command) -> Option<SwitchFeature> {
        match command {
            Command::PlaceCall(_) | Command::Consult(_) if !self.placing => Some(SwitchFeature::Placing),
            Command::Transfer(_) | Command::Conference(_) | Command::ConnectHeld(_) | Command::Disconnect(_)
                if !self.joining =>
            {
                Some(SwitchFeature::Joining)
            }
            Command::Digits(_) | Command::ConferenceDigits(_) if !self.digits => Some(SwitchFeature::Digits),
            _ => None,
        }
    }
}

impl Default for SwitchFeatures {
    fn default() -> Self {
        SwitchFeatures::ALL
    }
}
