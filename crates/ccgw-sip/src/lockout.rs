//! Wrong digests per source address: after `failures` refused REGISTERs from one address
//! within `window_secs`, that address is refused for `lock_secs` without a secret being
//! looked up or a response checked, so a password guesser gets a handful of tries, not a
//! stream. The lock is per address: a phone elsewhere registering for the same number is
//! not locked out by someone guessing at it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockRule {
    /// Refusals within the window that lock the address; 0 = never.
    pub failures: u32,
    pub window_secs: u64,
    pub lock_secs: u64,
    /// Most addresses tracked at once; past it the oldest quiet ones are forgotten.
    pub tracked: usize,
}

impl Default for LockRule {
    fn default() -> Self {
        Self { failures: 10, window_secs: 300, lock_secs: 300, tracked: 65_536 }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    window_start: u64,
    count: u32,
    locked_until: u64,
}

pub struct SourceLockout {
    rule: LockRule,
    records: Mutex<HashMap<IpAddr, Record>>,
}

impl SourceLockout {
    pub fn new(rule: LockRule) -> Self {
        Self { rule, records: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Record>> {
        self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `source` is locked at `now` (seconds since 1970).
    pub fn is_locked(&self, source: IpAddr, now: u64) -> bool {
        self.lock().get(&source).is_some_and(|record| record.locked_until > now)
    }

    /// Counts a refused REGISTER from `source`.
    pub fn failed(&self, source: IpAddr, now: u64) {
        if self.rule.failures == 0 {
            return;
        }
        let mut records = self.lock();
        if records.len() >= self.rule.tracked && !records.contains_key(&source) {
            let rule = self.rule;
            records.retain(|_, record| {
                record.locked_until > now || now < record.window_start.saturating_add(rule.window_secs)
            });
            if records.len() >= self.rule.tracked {
                return;
            }
        }
        let record = records.entry(source).or_insert(Record { window_start: now, count: 0, locked_until: 0 });
        if now >= record.window_start.saturating_add(self.rule.window_secs) {
            *record = Record { window_start: now, count: 0, locked_until: record.locked_until };
        }
        record.count += 1;
        if record.count >= self.rule.failures {
            record.locked_until = now.saturating_add(self.rule.lock_secs);
            record.count = 0;
            record.window_start = now;
            tracing::warn!(%source, lock_secs = self.rule.lock_secs, "SIP registrations from this address locked after wrong digests");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn address(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn an_address_is_locked_after_its_failures_in_the_window_and_freed_after_the_lock() {
        let lockout = SourceLockout::new(LockRule { failures: 3, window_secs: 60, lock_secs: 120, tracked: 10 });
        for second in 0..2 {
            lockout.failed(address(1), NOW + second);
        }
        assert!(!lockout.is_locked(address(1), NOW + 2));
        lockout.failed(address(1), NOW + 2);
        assert!(lockout.is_locked(address(1), NOW + 2));
        assert!(!lockout.is_locked(address(2), NOW + 2), "other addresses are not locked");
        assert!(lockout.is_locked(address(1), NOW + 121));
        assert!(!lockout.is_locked(address(1), NOW + 122));
    }

    #[test]
    fn failures_spread_beyond_the_window_do_not_lock() {
        let lockout = SourceLockout::new(LockRule { failures: 3, window_secs: 60, lock_secs: 120, tracked: 10 });
        for minute in 0..6 {
            lockout.failed(address(1), NOW + minute * 40);
        }
        assert!(!lockout.is_locked(address(1), NOW + 240));
    }

    #[test]
    fn the_tracked_addresses_are_bounded() {
        let lockout = SourceLockout::new(LockRule { failures: 2, window_secs: 60, lock_secs: 120, tracked: 4 });
        for last in 0..50 {
            lockout.failed(address(last), NOW);
        }
        assert!(lockout.lock().len() <= 4);
        // Once the window passed, room is made again.
        lockout.failed(address(200), NOW + 61);
        lockout.failed(address(200), NOW + 61);
        assert!(lockout.is_locked(address(200), NOW + 61));
    }
}
