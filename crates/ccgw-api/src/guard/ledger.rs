//! Failed attempts counted per key, and the locks they lead to.
//!
//! A key's count starts with its first failure and covers one `window`; reaching
//! `failures` within it locks the key for `lock_for`. Failures while locked are not
//! counted and do not prolong the lock (a real user retrying must not keep himself
//! locked out). The ledger holds at most `capacity` keys: when full it first forgets
//! every key whose window and lock are over, then the unlocked key counted longest ago,
//! and only when every key is locked the lock that ends soonest — so many fresh keys
//! cannot grow memory, and push out a lock only once nothing else is left.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use ccgw_core::Timestamp;

/// When failures lead to a lock. `failures == 0` never locks (the rule is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockRule {
    /// Failures within `window` that lock.
    pub failures: u32,
    pub window: Duration,
    /// How long the lock lasts.
    pub lock_for: Duration,
}

impl LockRule {
    pub const fn minutes(failures: u32, window_minutes: u64, lock_minutes: u64) -> Self {
        Self {
            failures,
            window: Duration::from_secs(window_minutes * 60),
            lock_for: Duration::from_secs(lock_minutes * 60),
        }
    }

    fn is_off(&self) -> bool {
        self.failures == 0 || self.lock_for.is_zero()
    }
}

#[derive(Debug, Clone, Copy)]
struct Tally {
    window_start: Timestamp,
    failures: u32,
    locked_until: Option<Timestamp>,
}

impl Tally {
    fn lock_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| now < *until)
    }

    fn is_over(&self, now: Timestamp, window: Duration) -> bool {
        self.lock_at(now).is_none() && now.since(self.window_start) >= window
    }
}

pub(crate) struct FailureLedger<K> {
    rule: LockRule,
    capacity: usize,
    tallies: Mutex<HashMap<K, Tally>>,
}

impl<K: Hash + Eq + Clone> FailureLedger<K> {
    pub(crate) fn new(rule: LockRule, capacity: usize) -> Self {
        Self { rule, capacity: capacity.max(1), tallies: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Tally>> {
        // Each critical section leaves the map whole before anything can panic.
        self.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Until when `key` is locked, if it is now.
    pub(crate) fn locked_until(&self, key: &K, now: Timestamp) -> Option<Timestamp> {
        self.lock().get(key).and_then(|tally| tally.lock_at(now))
    }

    /// Counts one failure of `key`. Returns the end of the lock when this failure locks it.
    pub(crate) fn record_failure(&self, key: &K, now: Timestamp) -> Option<Timestamp> {
        if self.rule.is_off() {
            return None;
        }
        let mut tallies = self.lock();
        if !tallies.contains_key(key) {
            self.make_room(&mut tallies, now);
        }
        let tally = tallies.entry(key.clone()).or_insert(Tally { window_start: now, failures: 0, locked_until: None });
        if tally.lock_at(now).is_some() {
            return None;
        }
        if tally.is_over(now, self.rule.window) {
            *tally = Tally { window_start: now, failures: 0, locked_until: None };
        }
        tally.failures += 1;
        if tally.failures < self.rule.failures {
            return None;
        }
        let until = now.plus(self.rule.lock_for);
        // The next count starts after the lock.
        *tally = Tally { window_start: until, failures: 0, locked_until: Some(until) };
        Some(until)
    }

    /// Forgets `key`'s failures (a success), but not a lock it is under.
    pub(crate) fn forgive(&self, key: &K, now: Timestamp) {
        let mut tallies = self.lock();
        if tallies.get(key).is_some_and(|tally| tally.lock_at(now).is_none()) {
            tallies.remove(key);
        }
    }

    fn make_room(&self, tallies: &mut HashMap<K, Tally>, now: Timestamp) {
        if tallies.len() < self.capacity {
            return;
        }
        tallies.retain(|_, tally| !tally.is_over(now, self.rule.window));
        if tallies.len() < self.capacity {
            return;
        }
        let unlocked = tallies
            .iter()
            .filter(|(_, tally)| tally.lock_at(now).is_none())
            .min_by_key(|(_, tally)| tally.window_start)
            .map(|(key, _)| key.clone());
        let victim =
            unlocked.or_else(|| tallies.iter().min_by_key(|(_, tally)| tally.locked_until).map(|(key, _)| key.clone()));
        if let Some(victim) = victim {
            tallies.remove(&victim);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: LockRule = LockRule::minutes(3, 5, 10);

    fn at(minutes: u64) -> Timestamp {
        Timestamp::from_millis(1_000_000 + minutes * 60_000)
    }

    #[test]
    fn the_nth_failure_within_the_window_locks_for_the_lock_time() {
        let ledger = FailureLedger::new(RULE, 10);
        assert_eq!(ledger.record_failure(&"a", at(0)), None);
        assert_eq!(ledger.record_failure(&"a", at(1)), None);
        assert_eq!(ledger.locked_until(&"a", at(1)), None);
        assert_eq!(ledger.record_failure(&"a", at(2)), Some(at(12)));
        assert_eq!(ledger.locked_until(&"a", at(11)), Some(at(12)));
        assert_eq!(ledger.locked_until(&"b", at(11)), None, "other keys are not locked");
        assert_eq!(ledger.locked_until(&"a", at(12)), None, "the lock ends on time");
    }

    #[test]
    fn failures_spread_wider_than_the_window_never_lock() {
        let ledger = FailureLedger::new(RULE, 10);
        for minute in [0, 3, 6, 9, 12, 15] {
            assert_eq!(ledger.record_failure(&"a", at(minute)), None, "minute {minute}");
        }
    }

    #[test]
    fn failures_while_locked_neither_count_nor_prolong_the_lock() {
        let ledger = FailureLedger::new(RULE, 10);
        for minute in 0..3 {
            ledger.record_failure(&"a", at(minute));
        }
        for minute in 3..12 {
            assert_eq!(ledger.record_failure(&"a", at(minute)), None);
        }
        assert_eq!(ledger.locked_until(&"a", at(11)), Some(at(12)));
        // After the lock, counting starts afresh.
        assert_eq!(ledger.record_failure(&"a", at(12)), None);
        assert_eq!(ledger.record_failure(&"a", at(13)), None);
        assert_eq!(ledger.record_failure(&"a", at(13)), Some(at(23)));
    }

    #[test]
    fn a_success_forgives_failures_but_not_a_lock() {
        let ledger = FailureLedger::new(RULE, 10);
        ledger.record_failure(&"a", at(0));
        ledger.record_failure(&"a", at(0));
        ledger.forgive(&"a", at(0));
        assert_eq!(ledger.record_failure(&"a", at(0)), None, "the count started over");
        ledger.record_failure(&"a", at(0));
        assert!(ledger.record_failure(&"a", at(0)).is_some());
        ledger.forgive(&"a", at(1));
        assert_eq!(ledger.locked_until(&"a", at(1)), Some(at(10)));
    }

    #[test]
    fn a_rule_with_no_failures_never_locks_and_tracks_nothing() {
        let ledger = FailureLedger::new(LockRule::minutes(0, 5, 10), 10);
        for _ in 0..100 {
            assert_eq!(ledger.record_failure(&"a", at(0)), None);
        }
        assert_eq!(ledger.len(), 0);
    }

    #[test]
    fn the_ledger_never_holds_more_than_its_capacity_and_forgets_finished_keys_first() {
        let ledger = FailureLedger::new(RULE, 4);
        for key in 0..1000u32 {
            ledger.record_failure(&key, at(0));
            assert!(ledger.len() <= 4);
        }
        // Lock key 5000, then flood with fresh keys: the lock stays while unlocked keys
        // can still be pushed out.
        for _ in 0..3 {
            ledger.record_failure(&5000, at(1));
        }
        for key in 0..1000u32 {
            ledger.record_failure(&key, at(2));
        }
        assert_eq!(ledger.len(), 4);
        assert_eq!(ledger.locked_until(&5000, at(2)), Some(at(11)));
        // Once windows are over, old keys make room without pushing anything out.
        ledger.record_failure(&7000, at(30));
        assert_eq!(ledger.len(), 1);
    }

    #[test]
    fn when_every_key_is_locked_the_lock_ending_soonest_makes_room() {
        let ledger = FailureLedger::new(LockRule::minutes(1, 5, 10), 2);
        ledger.record_failure(&1, at(0));
        ledger.record_failure(&2, at(1));
        ledger.record_failure(&3, at(2));
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger.locked_until(&1, at(2)), None, "the earliest lock went");
        assert!(ledger.locked_until(&2, at(2)).is_some() && ledger.locked_until(&3, at(2)).is_some());
    }
}
