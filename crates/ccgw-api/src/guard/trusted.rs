//! The addresses each agent recently signed in from with the right password. The
//! agent-wide lock does not apply to them: many addresses guessing one agent's password
//! can lock that agent, but not out of the workstation it really uses. Each agent keeps
//! its last few such addresses, each for `trust_for`; memory is bounded by `capacity`
//! agents (when full, agents whose addresses are all too old go first, then the one whose
//! last success is oldest). Nothing is kept across restarts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use ccgw_core::{Timestamp, WorkNo};

use super::source::SourceKey;

/// Addresses remembered per agent.
const PER_AGENT: usize = 4;

pub(crate) struct TrustedSources {
    trust_for: Duration,
    capacity: usize,
    agents: Mutex<HashMap<WorkNo, Vec<(SourceKey, Timestamp)>>>,
}

impl TrustedSources {
    pub(crate) fn new(trust_for: Duration, capacity: usize) -> Self {
        Self { trust_for, capacity: capacity.max(1), agents: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<WorkNo, Vec<(SourceKey, Timestamp)>>> {
        // Each critical section leaves the map whole before anything can panic.
        self.agents.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn is_trusted(&self, work_no: WorkNo, source: SourceKey, now: Timestamp) -> bool {
        self.lock().get(&work_no).is_some_and(|known| {
            known.iter().any(|(address, since)| *address == source && now.since(*since) < self.trust_for)
        })
    }

    /// Remembers that `work_no` signed in from `source` now.
    pub(crate) fn remember(&self, work_no: WorkNo, source: SourceKey, now: Timestamp) {
        if self.trust_for.is_zero() {
            return;
        }
        let mut agents = self.lock();
        if !agents.contains_key(&work_no) && agents.len() >= self.capacity {
            self.make_room(&mut agents, now);
        }
        let known = agents.entry(work_no).or_default();
        known.retain(|(address, _)| *address != source);
        if known.len() >= PER_AGENT {
            known.remove(0);
        }
        known.push((source, now));
    }

    fn make_room(&self, agents: &mut HashMap<WorkNo, Vec<(SourceKey, Timestamp)>>, now: Timestamp) {
        let last_success = |known: &Vec<(SourceKey, Timestamp)>| known.last().map(|(_, since)| *since);
        agents.retain(|_, known| last_success(known).is_some_and(|since| now.since(since) < self.trust_for));
        if agents.len() < self.capacity {
            return;
        }
        let oldest = agents.iter().min_by_key(|(_, known)| last_success(known)).map(|(work_no, _)| *work_no);
        if let Some(oldest) = oldest {
            agents.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn source(last: u8) -> SourceKey {
        SourceKey::of(std::net::IpAddr::from([10, 0, 0, last]))
    }

    fn agent(n: u32) -> WorkNo {
        n.to_string().parse().unwrap()
    }

    fn day(n: u64) -> Timestamp {
        Timestamp::from_millis(n * 86_400_000)
    }

    #[test]
    fn an_address_is_trusted_for_its_agent_only_and_only_for_a_while() {
        let trusted = TrustedSources::new(7 * DAY, 10);
        trusted.remember(agent(101), source(1), day(1));
        assert!(trusted.is_trusted(agent(101), source(1), day(7)));
        assert!(!trusted.is_trusted(agent(101), source(2), day(7)));
        assert!(!trusted.is_trusted(agent(102), source(1), day(7)));
        assert!(!trusted.is_trusted(agent(101), source(1), day(8)));
    }

    #[test]
    fn each_agent_keeps_its_latest_few_addresses() {
        let trusted = TrustedSources::new(7 * DAY, 10);
        for last in 1..=6 {
            trusted.remember(agent(101), source(last), day(1));
        }
        assert!(!trusted.is_trusted(agent(101), source(2), day(1)));
        assert!((3..=6).all(|last| trusted.is_trusted(agent(101), source(last), day(1))));
    }

    #[test]
    fn memory_is_bounded_by_the_number_of_agents() {
        let trusted = TrustedSources::new(7 * DAY, 3);
        for n in 1..=100 {
            trusted.remember(agent(n), source(1), day(1).plus(Duration::from_secs(n.into())));
            assert!(trusted.lock().len() <= 3);
        }
        assert!(trusted.is_trusted(agent(100), source(1), day(2)), "the newest stays");
        assert!(!trusted.is_trusted(agent(1), source(1), day(2)), "the oldest went");
    }

    #[test]
    fn no_trust_time_remembers_nothing() {
        let trusted = TrustedSources::new(Duration::ZERO, 3);
        trusted.remember(agent(101), source(1), day(1));
        assert!(!trusted.is_trusted(agent(101), source(1), day(1)));
    }
}
