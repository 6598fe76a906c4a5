//! Checks on values before they reach the database.

use std::collections::HashSet;
use std::time::Duration;

use ccgw_core::SkillGrant;
use ccgw_store_traits::StoreError;

/// The longest VDN, skill or agent name accepted, in characters.
pub const MAX_NAME_LEN: usize = 64;

/// Refuses a blank name or one longer than [`MAX_NAME_LEN`] characters. `what` names
/// the owner in the message, e.g. "agent".
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::InvalidInput(format!("The {what} name must not be empty.")));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(StoreError::InvalidInput(format!(
            "The {what} name must be at most {MAX_NAME_LEN} characters long."
        )));
    }
    Ok(())
}

/// Refuses a set of grants that names the same skill twice.
pub(crate) fn check_grants(grants: &[SkillGrant]) -> Result<(), StoreError> {
    let mut seen = HashSet::with_capacity(grants.len());
    for grant in grants {
        if !seen.insert(grant.skill) {
            return Err(StoreError::InvalidInput(format!("Skill {} is granted more than once.", grant.skill)));
        }
    }
    Ok(())
}

/// A length of time as whole milliseconds for the database. `what` names it in the
/// message, e.g. "The wrap-up time of skill 3".
pub(crate) fn millis(what: &str, span: Duration) -> Result<i64, StoreError> {
    if !span.subsec_nanos().is_multiple_of(1_000_000) {
        return Err(StoreError::InvalidInput(format!("{what} must be a whole number of milliseconds.")));
    }
    i64::try_from(span.as_millis()).map_err(|_| StoreError::InvalidInput(format!("{what} is too long to be stored.")))
}

/// Refuses rest reason code 0 (codes are 1 to 255).
pub(crate) fn check_rest_code(code: u8) -> Result<(), StoreError> {
    if code == 0 {
        return Err(StoreError::InvalidInput("A rest reason code must be 1 to 255.".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ccgw_core::{SkillId, SkillLevel};

    use super::*;

    fn grant(id: u32) -> SkillGrant {
        SkillGrant { skill: SkillId::new(id).expect("valid skill id"), level: SkillLevel::DEFAULT }
    }

    #[test]
    fn names_must_be_non_blank_and_at_most_64_characters() {
        assert!(check_name("agent", "Alice").is_ok());
        assert!(check_name("agent", &"é".repeat(64)).is_ok());
        for bad in [String::new(), "   ".into(), "x".repeat(65)] {
            assert!(matches!(check_name("agent", &bad), Err(StoreError::InvalidInput(_))));
        }
    }

    #[test]
    fn a_skill_granted_twice_is_refused() {
        assert!(check_grants(&[grant(1), grant(2)]).is_ok());
        assert!(matches!(check_grants(&[grant(1), grant(2), grant(1)]), Err(StoreError::InvalidInput(_))));
    }

    #[test]
    fn spans_are_stored_as_whole_milliseconds() {
        assert_eq!(millis("x", Duration::from_secs(30)).ok(), Some(30_000));
        assert_eq!(millis("x", Duration::ZERO).ok(), Some(0));
        assert!(matches!(millis("x", Duration::from_micros(1_500)), Err(StoreError::InvalidInput(_))));
        assert!(matches!(millis("x", Duration::from_secs(u64::MAX)), Err(StoreError::InvalidInput(_))));
    }

    #[test]
    fn rest_reason_code_zero_is_refused() {
        assert!(check_rest_code(1).is_ok());
        assert!(check_rest_code(255).is_ok());
        assert!(matches!(check_rest_code(0), Err(StoreError::InvalidInput(_))));
    }
}
