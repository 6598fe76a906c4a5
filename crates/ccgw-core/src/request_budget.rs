//! How many requests one signed-in agent may make: a token bucket on the center's clock.
//! A client in a loop (a bug, or spam) gets `000-007` "interface invoked repeatedly"
//! instead of filling its own event log with the results and slowing its VDN for
//! everyone. Polls are not counted: they wait for events and take turns per agent.

use std::time::Duration;

use crate::time::Timestamp;

/// Requests per second an agent may make on average, and how many at once after a
/// quiet time. `per_second == 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestRate {
    pub per_second: u32,
    pub burst: u32,
}

impl RequestRate {
    /// Generous: a desktop that reads everything at sign-in and an integration that
    /// queries call data often stay far below it.
    pub const DEFAULT: RequestRate = RequestRate { per_second: 20, burst: 100 };

    pub fn is_off(&self) -> bool {
        self.per_second == 0
    }
}

impl Default for RequestRate {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One agent's bucket, in thousandths of a request so that refill needs no floats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBudget {
    milli_tokens: u64,
    updated: Timestamp,
}

const ONE: u64 = 1_000;

impl RequestBudget {
    /// A full bucket.
    pub fn full(rate: RequestRate, now: Timestamp) -> Self {
        Self { milli_tokens: u64::from(rate.burst.max(1)) * ONE, updated: now }
    }

    /// Takes one request's worth, or says how long until one is there.
    pub fn take(&mut self, rate: RequestRate, now: Timestamp) -> Result<(), Duration> {
        if rate.is_off() {
            return Ok(());
        }
        let capacity = u64::from(rate.burst.max(1)) * ONE;
        let elapsed_ms = now.since(self.updated).as_millis().min(u128::from(u64::MAX)) as u64;
        // per_second requests a second = per_second thousandths a millisecond.
        let refill = elapsed_ms.saturating_mul(u64::from(rate.per_second));
        self.milli_tokens = self.milli_tokens.saturating_add(refill).min(capacity);
        self.updated = self.updated.max(now);
        if self.milli_tokens >= ONE {
            self.milli_tokens -= ONE;
            return Ok(());
        }
        let missing = ONE - self.milli_tokens;
        Err(Duration::from_millis(missing.div_ceil(u64::from(rate.per_second))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: RequestRate = RequestRate { per_second: 2, burst: 3 };

    fn at(ms: u64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    #[test]
    fn a_full_bucket_gives_its_burst_then_one_request_per_refill() {
        let mut budget = RequestBudget::full(RATE, at(0));
        for _ in 0..3 {
            assert_eq!(budget.take(RATE, at(0)), Ok(()));
        }
        assert_eq!(budget.take(RATE, at(0)), Err(Duration::from_millis(500)));
        assert_eq!(budget.take(RATE, at(300)), Err(Duration::from_millis(200)));
        assert_eq!(budget.take(RATE, at(500)), Ok(()));
        assert_eq!(budget.take(RATE, at(500)), Err(Duration::from_millis(500)));
    }

    #[test]
    fn a_long_quiet_time_refills_only_up_to_the_burst() {
        let mut budget = RequestBudget::full(RATE, at(0));
        for _ in 0..3 {
            budget.take(RATE, at(0)).unwrap();
        }
        let later = at(3_600_000);
        for _ in 0..3 {
            assert_eq!(budget.take(RATE, later), Ok(()));
        }
        assert!(budget.take(RATE, later).is_err());
    }

    #[test]
    fn a_clock_that_goes_back_refills_nothing_and_breaks_nothing() {
        let mut budget = RequestBudget::full(RATE, at(10_000));
        for _ in 0..3 {
            budget.take(RATE, at(10_000)).unwrap();
        }
        assert!(budget.take(RATE, at(5_000)).is_err());
        assert_eq!(budget.take(RATE, at(10_500)), Ok(()));
    }

    #[test]
    fn off_never_refuses() {
        let off = RequestRate { per_second: 0, burst: 0 };
        let mut budget = RequestBudget::full(off, at(0));
        for _ in 0..10_000 {
            assert_eq!(budget.take(off, at(0)), Ok(()));
        }
    }
}
