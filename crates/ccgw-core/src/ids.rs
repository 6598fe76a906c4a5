//! Identifier newtypes. Each is parsed once at the edge; inside ccgw a value of one of
//! these types is known to be well formed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a textual identifier was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("{kind} must be digits without a leading zero, got {value:?}")]
    NotDigits { kind: &'static str, value: String },
    #[error("{kind} {value} is outside {min}..={max}")]
    OutOfRange { kind: &'static str, value: u64, min: u64, max: u64 },
    #[error("{kind} must not be empty")]
    Empty { kind: &'static str },
    #[error("{kind} is longer than {max} characters")]
    TooLong { kind: &'static str, max: usize },
    #[error("{kind} contains a character that is not allowed")]
    BadCharacter { kind: &'static str },
}

/// Parses an all-digit string with no leading zero and at most `max_digits` digits.
pub(crate) fn parse_digits(kind: &'static str, text: &str, max_digits: usize) -> Result<u64, IdError> {
    let well_formed = !text.is_empty()
        && text.len() <= max_digits
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    if !well_formed {
        return Err(IdError::NotDigits { kind, value: text.chars().take(32).collect() });
    }
    text.parse::<u64>().map_err(|_| IdError::NotDigits { kind, value: text.to_owned() })
}

/// An agent's work number: 1–6 digits, 1..=999999 (spec 01 §2.1). The configured
/// work-number range narrows this further at the api edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct WorkNo(u32);

impl WorkNo {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 999_999;

    pub fn new(value: u32) -> Result<Self, IdError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(IdError::OutOfRange {
                kind: "work number",
                value: value.into(),
                min: Self::MIN.into(),
                max: Self::MAX.into(),
            })
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for WorkNo {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        let value = parse_digits("work number", text, 6)?;
        Self::new(value as u32)
    }
}

impl fmt::Display for WorkNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A VDN (virtual call center, the tenant): 1..=512 (spec 01 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Vdn(u16);

impl Vdn {
    pub const MAX: u16 = 512;
    /// VDN 1, the first (and in a single-tenant center the only) one.
    pub const FIRST: Vdn = Vdn(1);

    pub fn new(value: u16) -> Result<Self, IdError> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(IdError::OutOfRange { kind: "VDN", value: value.into(), min: 1, max: Self::MAX.into() })
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl FromStr for Vdn {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        let value = parse_digits("VDN", text, 3)?;
        Self::new(value as u16)
    }
}

impl fmt::Display for Vdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A skill (skill queue) id, a positive integer, unique within its VDN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SkillId(u32);

impl SkillId {
    pub const MAX: u32 = 999_999_999;

    pub fn new(value: u32) -> Result<Self, IdError> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(IdError::OutOfRange { kind: "skill id", value: value.into(), min: 1, max: Self::MAX.into() })
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for SkillId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        let value = parse_digits("skill id", text, 9)?;
        Self::new(value as u32)
    }
}

impl fmt::Display for SkillId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A call id in the Huawei shape `<unix seconds>-<sequence>` (spec 03 §1.4). Clients treat
/// it as opaque, so any non-empty printable string of at most 64 characters is accepted
/// when one arrives from a client; ccgw's own ids are made by [`CallId::compose`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallId(String);

impl CallId {
    pub const MAX_LEN: usize = 64;

    pub fn compose(unix_seconds: u64, sequence: u64) -> Self {
        Self(format!("{unix_seconds}-{sequence}"))
    }

    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text.is_empty() {
            return Err(IdError::Empty { kind: "call id" });
        }
        if text.len() > Self::MAX_LEN {
            return Err(IdError::TooLong { kind: "call id", max: Self::MAX_LEN });
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(IdError::BadCharacter { kind: "call id" });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A telephone number or DTMF-dialable address: 1–24 of `0-9 * #` (spec 04 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MAX_LEN: usize = 24;

    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text.is_empty() {
            return Err(IdError::Empty { kind: "phone number" });
        }
        if text.len() > Self::MAX_LEN {
            return Err(IdError::TooLong { kind: "phone number", max: Self::MAX_LEN });
        }
        if !text.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#') {
            return Err(IdError::BadCharacter { kind: "phone number" });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Serde goes through the same checks as the edge: a command or query that crosses a
// process boundary can never carry an ill-formed id.
macro_rules! number_conversions {
    ($id:ty, $raw:ty) => {
        impl TryFrom<$raw> for $id {
            type Error = IdError;
            fn try_from(value: $raw) -> Result<Self, IdError> {
                Self::new(value)
            }
        }
        impl From<$id> for $raw {
            fn from(id: $id) -> $raw {
                id.get()
            }
        }
    };
}
number_conversions!(WorkNo, u32);
number_conversions!(Vdn, u16);
number_conversions!(SkillId, u32);
pub(crate) use number_conversions;

macro_rules! text_conversions {
    ($id:ty) => {
        impl TryFrom<String> for $id {
            type Error = IdError;
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(&text)
            }
        }
        impl From<$id> for String {
            fn from(id: $id) -> String {
                id.0
            }
        }
    };
}
text_conversions!(CallId);
text_conversions!(PhoneNumber);

/// The authentication token of one sign-in (spec 01 §8). Opaque; ccgw makes them as
/// `<uuid>.AgentGateway<node>`, which holds no `=`, `:` or line break (08 C2).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Guid(String);

impl Guid {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Guid is a credential: never print it in logs by accident.
impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Guid(..)")
    }
}

/// Per-agent event sequence number: strictly increasing over the agent's lifetime in
/// this process, so an extension client can resume after the last one it saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_numbers_are_one_to_six_digits_without_leading_zero() {
        assert_eq!("101".parse::<WorkNo>().map(WorkNo::get), Ok(101));
        assert_eq!("999999".parse::<WorkNo>().map(WorkNo::get), Ok(999_999));
        for bad in ["", "0", "0101", "1000000", "12a", "-1", " 101", "+101"] {
            assert!(bad.parse::<WorkNo>().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn vdn_is_between_1_and_512() {
        assert!("1".parse::<Vdn>().is_ok());
        assert!("512".parse::<Vdn>().is_ok());
        assert!("513".parse::<Vdn>().is_err());
        assert!("0".parse::<Vdn>().is_err());
    }

    #[test]
    fn call_ids_compose_in_the_huawei_shape_and_parse_opaquely() {
        assert_eq!(CallId::compose(1_456_404_043, 37).as_str(), "1456404043-37");
        assert!(CallId::parse("anything-goes_1").is_ok());
        assert!(CallId::parse("").is_err());
        assert!(CallId::parse("with space").is_err());
        assert!(CallId::parse(&"9".repeat(65)).is_err());
    }

    #[test]
    fn phone_numbers_allow_digits_star_and_hash_only() {
        assert!(PhoneNumber::parse("70101").is_ok());
        assert!(PhoneNumber::parse("*86#").is_ok());
        assert!(PhoneNumber::parse("7010a").is_err());
        assert!(PhoneNumber::parse(&"1".repeat(25)).is_err());
    }

    #[test]
    fn guid_debug_output_hides_the_value() {
        let guid = Guid::new("secret-value.AgentGateway1".into());
        assert_eq!(format!("{guid:?}"), "Guid(..)");
    }
}
