//! The rules a new agent password must meet (spec 02 §2.25), as a pure check.
//!
//! ccgw's reading of the rules: 8–32 characters; no character three times in a row; no
//! run of three or more consecutive characters of the work number (which also rules out
//! the work number itself and, for most numbers, its reverse); at least three of upper
//! case, lower case, digit, other; not the old password. The "last 5 passwords" rule needs a password history, which ccgw does not
//! keep: only the current password is compared.

use crate::ids::WorkNo;

/// Why a new password was not accepted; each maps to a `110-0xx` retcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRule {
    /// 8–32 characters (`110-020`).
    Length,
    /// Equal to the old password (`110-017`).
    SameAsOld,
    /// Repetition, work-number runs, or fewer than three character classes (`110-019`).
    Composition,
}

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 32;

pub fn check_new_password(work_no: WorkNo, old: &str, new: &str) -> Result<(), PasswordRule> {
    let length = new.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        return Err(PasswordRule::Length);
    }
    if new == old {
        return Err(PasswordRule::SameAsOld);
    }
    let digits = work_no.to_string();
    let chars: Vec<char> = new.chars().collect();
    if chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return Err(PasswordRule::Composition);
    }
    let runs = digits.as_bytes().windows(3).filter_map(|run| std::str::from_utf8(run).ok());
    if runs.into_iter().any(|run| new.contains(run)) {
        return Err(PasswordRule::Composition);
    }
    let classes = [
        chars.iter().any(char::is_ascii_uppercase),
        chars.iter().any(char::is_ascii_lowercase),
        chars.iter().any(char::is_ascii_digit),
        chars.iter().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < 3 {
        return Err(PasswordRule::Composition);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(new: &str) -> Result<(), PasswordRule> {
        check_new_password(WorkNo::new(101_234).unwrap(), "Old-pass9", new)
    }

    #[test]
    fn each_rule_has_its_own_answer() {
        assert_eq!(check("Good-pw7x"), Ok(()));
        assert_eq!(check("Sh0rt!"), Err(PasswordRule::Length));
        assert_eq!(check(&"Ab1!".repeat(9)), Err(PasswordRule::Length));
        assert_eq!(check("Old-pass9"), Err(PasswordRule::SameAsOld));
        assert_eq!(check("Goood-pw7"), Err(PasswordRule::Composition), "three in a row");
        assert_eq!(check("Pw-x1234y"), Err(PasswordRule::Composition), "run of the work number");
        assert_eq!(check("alllowercase"), Err(PasswordRule::Composition));
        assert_eq!(check("lower-case"), Err(PasswordRule::Composition), "two classes");
        assert_eq!(check("lower-case9"), Ok(()), "three classes");
        assert_eq!(check("Ab-101234x"), Err(PasswordRule::Composition), "the work number itself");
    }
}
