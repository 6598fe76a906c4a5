//! IVR flows: automatic call flows of a VDN that an agent can send a call to (transfer
//! `devicetype` 3, spec 04 §2.9), reached by their access code. A flow holds the call for
//! a while and then either returns it or releases the customer; what the flow does while
//! it holds the call is the switch's business, the center only tracks that the call is
//! there (`CallState::InIvr`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use thiserror::Error;

use crate::ids::{IdError, Vdn, parse_digits};

/// An IVR flow's id within its VDN: a positive integer (the `{ivrid}` path pattern
/// `[1-9]\d*`, spec 01 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct IvrId(u32);

crate::ids::number_conversions!(IvrId, u32);

impl IvrId {
    pub const MAX: u32 = 999_999_999;

    pub fn new(value: u32) -> Result<Self, IdError> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(IdError::OutOfRange { kind: "IVR flow id", value: value.into(), min: 1, max: Self::MAX.into() })
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for IvrId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        let value = parse_digits("IVR flow id", text, 9)?;
        Self::new(value as u32)
    }
}

impl fmt::Display for IvrId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a flow does with the call when its time is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum IvrEnd {
    /// The call comes back: to the agent who suspended it, else to its skill queue.
    Return,
    /// The flow releases the customer: the call ends.
    Release,
}

impl IvrEnd {
    pub const ALL: [IvrEnd; 2] = [IvrEnd::Return, IvrEnd::Release];

    /// The name used in configuration and the extension API.
    pub fn name(self) -> &'static str {
        match self {
            IvrEnd::Return => "return",
            IvrEnd::Release => "release",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|end| end.name() == name)
    }
}

/// Longest access code (the transfer `address`, spec 04 §2.9).
pub const MAX_ACCESS_CODE_LEN: usize = 24;

/// Longest time a flow may hold a call: flows are simulated, and a bound keeps waiting
/// timers from piling up for days.
pub const MAX_IVR_HOLD: Duration = Duration::from_secs(3600);

/// One IVR flow of a VDN.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IvrFlow {
    pub vdn: Vdn,
    pub id: IvrId,
    pub name: String,
    /// Digits only, 1–24; unique within the VDN. Transfers name the flow by it.
    pub access_code: String,
    /// How long the flow holds a call before it ends.
    pub hold: Duration,
    pub end: IvrEnd,
}

/// Why a list of IVR flows was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IvrFlowError {
    #[error("access code {code:?} must be 1-{MAX_ACCESS_CODE_LEN} digits")]
    AccessCode { code: String },
    #[error("the name must not be empty")]
    EmptyName,
    #[error("the hold time must not exceed {} ms", MAX_IVR_HOLD.as_millis())]
    HoldTooLong,
    #[error("VDN {vdn} has two IVR flows with id {id}")]
    DuplicateId { vdn: Vdn, id: IvrId },
    #[error("VDN {vdn} has two IVR flows with access code {code}")]
    DuplicateAccessCode { vdn: Vdn, code: String },
}

/// Whether `code` can be an access code: 1–24 digits.
pub fn is_access_code(code: &str) -> bool {
    (1..=MAX_ACCESS_CODE_LEN).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

impl IvrFlow {
    /// Checks one flow on its own.
    pub fn check(&self) -> Result<(), IvrFlowError> {
        if !is_access_code(&self.access_code) {
            let code = self.access_code.chars().take(40).collect();
            return Err(IvrFlowError::AccessCode { code });
        }
        if self.name.trim().is_empty() {
            return Err(IvrFlowError::EmptyName);
        }
        if self.hold > MAX_IVR_HOLD {
            return Err(IvrFlowError::HoldTooLong);
        }
        Ok(())
    }
}

/// Checks a whole configuration: each flow, then that ids and access codes are unique
/// within each VDN. The error names the index of the first flow at fault.
pub fn check_flows(flows: &[IvrFlow]) -> Result<(), (usize, IvrFlowError)> {
    for (index, flow) in flows.iter().enumerate() {
        flow.check().map_err(|error| (index, error))?;
        let earlier = &flows[..index];
        if earlier.iter().any(|other| (other.vdn, other.id) == (flow.vdn, flow.id)) {
            return Err((index, IvrFlowError::DuplicateId { vdn: flow.vdn, id: flow.id }));
        }
        if earlier.iter().any(|other| other.vdn == flow.vdn && other.access_code == flow.access_code) {
            let code = flow.access_code.clone();
            return Err((index, IvrFlowError::DuplicateAccessCode { vdn: flow.vdn, code }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(vdn: u16, id: u32, code: &str) -> IvrFlow {
        IvrFlow {
            vdn: Vdn::new(vdn).unwrap(),
            id: IvrId::new(id).unwrap(),
            name: format!("Flow {id}"),
            access_code: code.into(),
            hold: Duration::from_secs(10),
            end: IvrEnd::Return,
        }
    }

    #[test]
    fn ivr_ids_are_positive_integers_without_leading_zero() {
        assert_eq!("7".parse::<IvrId>().map(IvrId::get), Ok(7));
        for bad in ["", "0", "07", "x", "-1", "1234567890"] {
            assert!(bad.parse::<IvrId>().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn ends_have_names_both_ways() {
        for end in IvrEnd::ALL {
            assert_eq!(IvrEnd::from_name(end.name()), Some(end));
        }
        assert_eq!(IvrEnd::from_name("hangup"), None);
    }

    #[test]
    fn ids_and_access_codes_are_unique_per_vdn_only() {
        assert_eq!(check_flows(&[flow(1, 1, "4001"), flow(1, 2, "4002"), flow(2, 1, "4001")]), Ok(()));
        let vdn = Vdn::new(1).unwrap();
        assert_eq!(
            check_flows(&[flow(1, 1, "4001"), flow(1, 1, "4002")]),
            Err((1, IvrFlowError::DuplicateId { vdn, id: IvrId::new(1).unwrap() }))
        );
        assert_eq!(
            check_flows(&[flow(1, 1, "4001"), flow(1, 2, "4001")]),
            Err((1, IvrFlowError::DuplicateAccessCode { vdn, code: "4001".into() }))
        );
    }

    #[test]
    fn a_flow_needs_a_digit_access_code_a_name_and_a_bounded_hold() {
        for code in ["", "40a1", "*40", &"4".repeat(25)] {
            assert!(matches!(flow(1, 1, code).check(), Err(IvrFlowError::AccessCode { .. })), "{code:?}");
        }
        assert!(flow(1, 1, &"4".repeat(24)).check().is_ok());
        assert_eq!(IvrFlow { name: " ".into(), ..flow(1, 1, "4001") }.check(), Err(IvrFlowError::EmptyName));
        let long = IvrFlow { hold: MAX_IVR_HOLD + Duration::from_millis(1), ..flow(1, 1, "4001") };
        assert_eq!(long.check(), Err(IvrFlowError::HoldTooLong));
    }
}
