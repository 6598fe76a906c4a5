//! Far-end rules: how a number the center dials behaves. The first rule whose pattern
//! matches decides; without one the number answers after the default delay.

use std::fmt;
use std::time::Duration;

use ccgw_core::DialFailure;

use super::agent_phones::AgentPhoneRule;

/// Longest delay a rule may ask for: a scripted far end is for tests and demos, and a
/// bound keeps waiting tasks from piling up for days.
pub const MAX_FAR_END_DELAY: Duration = Duration::from_secs(3600);

/// Delay before an unmatched number answers, unless configured otherwise.
pub const DEFAULT_ANSWER_DELAY: Duration = Duration::from_millis(1000);

/// Longest pattern body, as long as the longest phone number.
const MAX_PATTERN_LEN: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("pattern {pattern:?} {reason}")]
    Pattern { pattern: String, reason: &'static str },
    #[error("behaviour {0:?} is not one of answer, ring, busy, reject, invalid, no-answer")]
    Behaviour(String),
    #[error("agent phone behaviour {0:?} is not one of answer, ring, busy, unreachable, no-answer, reject")]
    PhoneBehaviour(String),
    #[error("behaviour {0} takes no delay")]
    DelayNotAllowed(&'static str),
    #[error("a delay must not exceed {} ms", MAX_FAR_END_DELAY.as_millis())]
    DelayTooLong,
}

/// Which dialled numbers a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberPattern {
    /// Exactly this number.
    Exact(String),
    /// Every number starting with this (written `139*`).
    Prefix(String),
    /// Every number (written `*`).
    Any,
}

impl NumberPattern {
    /// Digits and `#`, optionally ending in `*`; a lone `*` matches everything.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let bad = |reason| RuleError::Pattern { pattern: text.chars().take(40).collect(), reason };
        let (body, is_prefix) = match text.strip_suffix('*') {
            Some(body) => (body, true),
            None => (text, false),
        };
        if body.is_empty() {
            return if is_prefix { Ok(Self::Any) } else { Err(bad("is empty")) };
        }
        if body.len() > MAX_PATTERN_LEN {
            return Err(bad("is longer than 24 characters"));
        }
        if !body.bytes().all(|b| b.is_ascii_digit() || b == b'#') {
            return Err(bad("may hold only digits and #, with an optional * at the end"));
        }
        Ok(if is_prefix { Self::Prefix(body.to_owned()) } else { Self::Exact(body.to_owned()) })
    }

    pub fn matches(&self, number: &str) -> bool {
        match self {
            Self::Exact(exact) => number == exact,
            Self::Prefix(prefix) => number.starts_with(prefix.as_str()),
            Self::Any => true,
        }
    }
}

impl fmt::Display for NumberPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(exact) => f.write_str(exact),
            Self::Prefix(prefix) => write!(f, "{prefix}*"),
            Self::Any => f.write_str("*"),
        }
    }
}

/// What a matched number does. `after: None` means the switch's default answer delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FarEndBehaviour {
    /// Rings, then answers.
    Answer { after: Option<Duration> },
    /// Rings until the center gives up.
    Ring,
    /// Fails at once, without ringing.
    Busy,
    /// Fails at once, without ringing: no such number.
    Invalid,
    /// Rings, then declines.
    Reject { after: Option<Duration> },
    /// Rings, then the network gives up.
    NoAnswer { after: Option<Duration> },
}

impl FarEndBehaviour {
    pub const NAMES: [&'static str; 6] = ["answer", "ring", "busy", "reject", "invalid", "no-answer"];

    /// `name` as in configuration and the extension API; `after_ms` only for the
    /// behaviours that ring for a while and then end.
    pub fn parse(name: &str, after_ms: Option<u64>) -> Result<Self, RuleError> {
        let after = after_ms.map(far_end_delay).transpose()?;
        let untimed = |behaviour: Self| match after {
            Some(_) => Err(RuleError::DelayNotAllowed(behaviour.name())),
            None => Ok(behaviour),
        };
        match name {
            "answer" => Ok(Self::Answer { after }),
            "ring" => untimed(Self::Ring),
            "busy" => untimed(Self::Busy),
            "invalid" => untimed(Self::Invalid),
            "reject" => Ok(Self::Reject { after }),
            "no-answer" => Ok(Self::NoAnswer { after }),
            other => Err(RuleError::Behaviour(other.chars().take(40).collect())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Answer { .. } => "answer",
            Self::Ring => "ring",
            Self::Busy => DialFailure::Busy.name(),
            Self::Invalid => DialFailure::InvalidNumber.name(),
            Self::Reject { .. } => DialFailure::Rejected.name(),
            Self::NoAnswer { .. } => DialFailure::NoAnswer.name(),
        }
    }

    /// The delay the rule set explicitly, if any.
    pub fn after(self) -> Option<Duration> {
        match self {
            Self::Answer { after } | Self::Reject { after } | Self::NoAnswer { after } => after,
            Self::Ring | Self::Busy | Self::Invalid => None,
        }
    }
}

/// A delay in milliseconds, checked against [`MAX_FAR_END_DELAY`].
pub fn far_end_delay(ms: u64) -> Result<Duration, RuleError> {
    let span = Duration::from_millis(ms);
    if span > MAX_FAR_END_DELAY { Err(RuleError::DelayTooLong) } else { Ok(span) }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarEndRule {
    pub pattern: NumberPattern,
    pub behaviour: FarEndBehaviour,
}

impl FarEndRule {
    pub fn parse(pattern: &str, behaviour: &str, after_ms: Option<u64>) -> Result<Self, RuleError> {
        Ok(Self { pattern: NumberPattern::parse(pattern)?, behaviour: FarEndBehaviour::parse(behaviour, after_ms)? })
    }
}

/// The simulated switch's start-up settings (config `[sim]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSettings {
    pub rules: Vec<FarEndRule>,
    /// Delay of `answer` without its own delay, and of unmatched numbers.
    pub default_answer: Duration,
    /// How agents' phones answer offers, by phone number; unmatched: at once.
    pub agent_phones: Vec<AgentPhoneRule>,
}

impl Default for SimSettings {
    fn default() -> Self {
        Self { rules: Vec::new(), default_answer: DEFAULT_ANSWER_DELAY, agent_phones: Vec::new() }
    }
}

/// What happens to one dialled number, delays resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DialPlan {
    AnswerAfter(Duration),
    RingForever,
    FailNow(DialFailure),
    FailAfter(DialFailure, Duration),
}

impl SimSettings {
    pub(super) fn plan(&self, number: &str) -> DialPlan {
        let behaviour = self
            .rules
            .iter()
            .find(|rule| rule.pattern.matches(number))
            .map_or(FarEndBehaviour::Answer { after: None }, |rule| rule.behaviour);
        // Capped: the edges refuse longer delays with a message; this guards settings built in code.
        let after = behaviour.after().unwrap_or(self.default_answer).min(MAX_FAR_END_DELAY);
        match behaviour {
            FarEndBehaviour::Answer { .. } => DialPlan::AnswerAfter(after),
            FarEndBehaviour::Ring => DialPlan::RingForever,
            FarEndBehaviour::Busy => DialPlan::FailNow(DialFailure::Busy),
            FarEndBehaviour::Invalid => DialPlan::FailNow(DialFailure::InvalidNumber),
            FarEndBehaviour::Reject { .. } => DialPlan::FailAfter(DialFailure::Rejected, after),
            FarEndBehaviour::NoAnswer { .. } => DialPlan::FailAfter(DialFailure::NoAnswer, after),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_exact_prefix_or_everything_and_print_as_written() {
        for text in ["5551234", "139*", "*", "12#*"] {
            assert_eq!(NumberPattern::parse(text).unwrap().to_string(), text);
        }
        let prefix = NumberPattern::parse("139*").unwrap();
        assert!(prefix.matches("13912345678") && prefix.matches("139") && !prefix.matches("13812345678"));
        let exact = NumberPattern::parse("5551234").unwrap();
        assert!(exact.matches("5551234") && !exact.matches("55512345"));
        assert!(NumberPattern::Any.matches("1"));
    }

    #[test]
    fn bad_patterns_are_refused_with_the_pattern_in_the_message() {
        for text in ["", "13a*", "1*3", "**", &"1".repeat(25)] {
            let error = NumberPattern::parse(text).unwrap_err();
            assert!(error.to_string().contains(&format!("{:?}", &text[..text.len().min(40)])), "{error}");
        }
    }

    #[test]
    fn behaviours_take_a_delay_only_when_they_ring_and_then_end() {
        assert_eq!(
            FarEndBehaviour::parse("answer", Some(200)),
            Ok(FarEndBehaviour::Answer { after: Some(Duration::from_millis(200)) })
        );
        assert_eq!(FarEndBehaviour::parse("no-answer", None), Ok(FarEndBehaviour::NoAnswer { after: None }));
        assert_eq!(FarEndBehaviour::parse("busy", Some(1)), Err(RuleError::DelayNotAllowed("busy")));
        assert_eq!(FarEndBehaviour::parse("ring", Some(1)), Err(RuleError::DelayNotAllowed("ring")));
        assert_eq!(FarEndBehaviour::parse("answer", Some(3_600_001)), Err(RuleError::DelayTooLong));
        assert!(matches!(FarEndBehaviour::parse("hangup", None), Err(RuleError::Behaviour(_))));
        for name in FarEndBehaviour::NAMES {
            assert_eq!(FarEndBehaviour::parse(name, None).map(FarEndBehaviour::name), Ok(name));
        }
    }

    #[test]
    fn the_first_matching_rule_decides_and_unmatched_numbers_answer_after_the_default() {
        let settings = SimSettings {
            rules: vec![
                FarEndRule::parse("1391*", "answer", Some(50)).unwrap(),
                FarEndRule::parse("139*", "busy", None).unwrap(),
                FarEndRule::parse("*", "reject", None).unwrap(),
            ],
            default_answer: Duration::from_millis(700),
            agent_phones: Vec::new(),
        };
        assert_eq!(settings.plan("13912"), DialPlan::AnswerAfter(Duration::from_millis(50)));
        assert_eq!(settings.plan("13922"), DialPlan::FailNow(DialFailure::Busy));
        assert_eq!(settings.plan("5550000"), DialPlan::FailAfter(DialFailure::Rejected, Duration::from_millis(700)));
        assert_eq!(SimSettings::default().plan("5550000"), DialPlan::AnswerAfter(DEFAULT_ANSWER_DELAY));
    }
}
