//! The agents of one skill queue who could take a call now, ordered for every routing
//! policy at once, so that a policy change takes effect without rebuilding anything.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::directory::{RoutingPolicy, SkillLevel};
use crate::ids::WorkNo;
use crate::time::Timestamp;

#[derive(Debug, Default)]
pub(crate) struct IdlePool {
    /// Highest level first; within a level, longest idle first.
    by_level: BTreeMap<Reverse<SkillLevel>, BTreeSet<(Timestamp, WorkNo)>>,
    by_work_no: BTreeSet<WorkNo>,
    /// Round robin resumes after this agent.
    last_offered: Option<WorkNo>,
}

impl IdlePool {
    pub(crate) fn insert(&mut self, level: SkillLevel, since: Timestamp, work_no: WorkNo) {
        self.by_level.entry(Reverse(level)).or_default().insert((since, work_no));
        self.by_work_no.insert(work_no);
    }

    pub(crate) fn remove(&mut self, level: SkillLevel, since: Timestamp, work_no: WorkNo) {
        if let Some(set) = self.by_level.get_mut(&Reverse(level)) {
            set.remove(&(since, work_no));
            if set.is_empty() {
                self.by_level.remove(&Reverse(level));
            }
        }
        self.by_work_no.remove(&work_no);
    }

    pub(crate) fn contains(&self, level: SkillLevel, since: Timestamp, work_no: WorkNo) -> bool {
        self.by_level.get(&Reverse(level)).is_some_and(|set| set.contains(&(since, work_no)))
    }

    pub(crate) fn len(&self) -> usize {
        self.by_work_no.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_work_no.is_empty()
    }

    pub(crate) fn members(&self) -> impl Iterator<Item = (SkillLevel, Timestamp, WorkNo)> + '_ {
        self.by_level
            .iter()
            .flat_map(|(Reverse(level), set)| set.iter().map(|&(since, work_no)| (*level, since, work_no)))
    }

    /// The agent the policy offers the next call to.
    pub(crate) fn pick(&self, policy: RoutingPolicy) -> Option<WorkNo> {
        match policy {
            RoutingPolicy::LongestIdle => {
                self.by_level.values().filter_map(|set| set.first()).min().map(|&(_, work_no)| work_no)
            }
            RoutingPolicy::MostSkilled => self.by_level.values().next().and_then(|set| set.first()).map(|&(_, w)| w),
            RoutingPolicy::RoundRobin => {
                let after = match self.last_offered {
                    Some(last) => self.by_work_no.range((Bound::Excluded(last), Bound::Unbounded)).next(),
                    None => None,
                };
                after.or_else(|| self.by_work_no.first()).copied()
            }
        }
    }

    pub(crate) fn offered(&mut self, work_no: WorkNo) {
        self.last_offered = Some(work_no);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(n: u32) -> WorkNo {
        WorkNo::new(n).unwrap()
    }

    fn level(n: u8) -> SkillLevel {
        SkillLevel::new(n).unwrap()
    }

    fn t(ms: u64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    #[test]
    fn each_policy_picks_its_agent() {
        let mut pool = IdlePool::default();
        pool.insert(level(1), t(100), w(30)); // idle longest, lowest level
        pool.insert(level(5), t(300), w(10));
        pool.insert(level(5), t(200), w(20)); // highest level, idle longer of the two
        assert_eq!(pool.pick(RoutingPolicy::LongestIdle), Some(w(30)));
        assert_eq!(pool.pick(RoutingPolicy::MostSkilled), Some(w(20)));
        assert_eq!(pool.pick(RoutingPolicy::RoundRobin), Some(w(10)));
        pool.offered(w(10));
        assert_eq!(pool.pick(RoutingPolicy::RoundRobin), Some(w(20)));
        pool.offered(w(30));
        assert_eq!(pool.pick(RoutingPolicy::RoundRobin), Some(w(10)), "wraps around after the highest work number");
    }

    #[test]
    fn removing_the_last_member_empties_the_pool() {
        let mut pool = IdlePool::default();
        pool.insert(level(3), t(1), w(7));
        assert!(pool.contains(level(3), t(1), w(7)));
        pool.remove(level(3), t(1), w(7));
        assert!(pool.is_empty());
        assert_eq!(pool.pick(RoutingPolicy::LongestIdle), None);
        assert_eq!(pool.pick(RoutingPolicy::RoundRobin), None);
    }
}
