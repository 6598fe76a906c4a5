//! Turning SQLite column values back into domain values. A value that does not convert
//! is a [`StoreError::Corrupt`], never a panic.

use ccgw_core::{PhoneNumber, Role, SkillId, SkillLevel, Vdn, WorkNo};

use crate::error::StoreError;

pub(crate) fn vdn(value: i64) -> Result<Vdn, StoreError> {
    u16::try_from(value)
        .ok()
        .and_then(|v| Vdn::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("VDN {value} is out of range.")))
}

pub(crate) fn skill_id(value: i64) -> Result<SkillId, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|v| SkillId::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("skill id {value} is out of range.")))
}

pub(crate) fn work_no(value: i64) -> Result<WorkNo, StoreError> {
    u32::try_from(value)
        .ok()
        .and_then(|v| WorkNo::new(v).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("work number {value} is out of range.")))
}

pub(crate) fn skill_level(value: i64) -> Result<SkillLevel, StoreError> {
    u8::try_from(value)
        .ok()
        .and_then(SkillLevel::new)
        .ok_or_else(|| StoreError::Corrupt(format!("skill level {value} is out of range.")))
}

pub(crate) fn media_type(value: i64) -> Result<u8, StoreError> {
    u8::try_from(value).map_err(|_| StoreError::Corrupt(format!("media type {value} is out of range.")))
}

pub(crate) fn phone(value: &str) -> Result<PhoneNumber, StoreError> {
    PhoneNumber::parse(value).map_err(|e| StoreError::Corrupt(format!("phone number {value:?}: {e}.")))
}

/// The empty string stands for "no access code".
pub(crate) fn access_code(value: &str) -> Result<Option<PhoneNumber>, StoreError> {
    if value.is_empty() { Ok(None) } else { phone(value).map(Some) }
}

pub(crate) fn role(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("role {value:?} is unknown.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_columns_are_reported_as_corrupt_rows() {
        assert!(matches!(vdn(0), Err(StoreError::Corrupt(_))));
        assert!(matches!(vdn(70_000), Err(StoreError::Corrupt(_))));
        assert!(matches!(skill_id(-1), Err(StoreError::Corrupt(_))));
        assert!(matches!(work_no(1_000_000), Err(StoreError::Corrupt(_))));
        assert!(matches!(skill_level(11), Err(StoreError::Corrupt(_))));
        assert!(matches!(media_type(256), Err(StoreError::Corrupt(_))));
        assert!(matches!(phone("70a"), Err(StoreError::Corrupt(_))));
        assert!(matches!(role("admin"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn well_formed_columns_convert() {
        assert_eq!(vdn(1).map(Vdn::get).ok(), Some(1));
        assert_eq!(work_no(101).map(WorkNo::get).ok(), Some(101));
        assert_eq!(role("inspector").ok(), Some(Role::Inspector));
        assert!(matches!(access_code(""), Ok(None)));
        assert!(matches!(access_code("4000"), Ok(Some(_))));
    }
}
