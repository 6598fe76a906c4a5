//! What an agent phone's final answer to an offer means for the center.

use ccgw_core::PhoneFailure;

/// How an offer's INVITE to an agent's phone ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneAnswer {
    /// 2xx: the phone is off-hook.
    OffHook,
    /// 487: the INVITE was cancelled (by ccgw): nothing to report.
    Cancelled,
    Failed(PhoneFailure),
}

impl PhoneAnswer {
    /// From the status code of the phone's final response.
    pub fn from_status(code: u16) -> Self {
        match code {
            200..=299 => PhoneAnswer::OffHook,
            487 => PhoneAnswer::Cancelled,
            // Busy Here, Busy Everywhere.
            486 | 600 => PhoneAnswer::Failed(PhoneFailure::Busy),
            // Decline, Forbidden: the person at the phone said no.
            603 | 403 => PhoneAnswer::Failed(PhoneFailure::Rejected),
            // Request Timeout (also the stack's own Timer B), Temporarily Unavailable
            // (do-not-disturb and most "no answer" timers on phones).
            408 | 480 => PhoneAnswer::Failed(PhoneFailure::NoAnswer),
            // Not Found, Gone, Not Acceptable, server errors and everything else: the
            // phone cannot be reached for this call.
            _ => PhoneAnswer::Failed(PhoneFailure::Unreachable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_final_answer_has_its_meaning() {
        assert_eq!(PhoneAnswer::from_status(200), PhoneAnswer::OffHook);
        assert_eq!(PhoneAnswer::from_status(202), PhoneAnswer::OffHook);
        assert_eq!(PhoneAnswer::from_status(487), PhoneAnswer::Cancelled);
        assert_eq!(PhoneAnswer::from_status(486), PhoneAnswer::Failed(PhoneFailure::Busy));
        assert_eq!(PhoneAnswer::from_status(600), PhoneAnswer::Failed(PhoneFailure::Busy));
        assert_eq!(PhoneAnswer::from_status(603), PhoneAnswer::Failed(PhoneFailure::Rejected));
        assert_eq!(PhoneAnswer::from_status(408), PhoneAnswer::Failed(PhoneFailure::NoAnswer));
        assert_eq!(PhoneAnswer::from_status(480), PhoneAnswer::Failed(PhoneFailure::NoAnswer));
        for unreachable in [404, 410, 488, 500, 503] {
            assert_eq!(PhoneAnswer::from_status(unreachable), PhoneAnswer::Failed(PhoneFailure::Unreachable));
        }
    }
}
