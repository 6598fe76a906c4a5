//! Sign-in protection: password guessing and sign-in floods are refused before they cost
//! an agent its sign-in or the gateway its CPU.
//!
//! - Wrong passwords are counted per (agent, source address), per agent over all
//!   addresses, and per address over all agents; each count has its own [`LockRule`].
//!   While one applies, sign-in is refused with `110-016` and no password is checked.
//! - An (agent, address) lock stops only that address: the right password from another
//!   address still works. The slower agent-wide and address-wide locks spare the
//!   addresses the agent recently signed in from ([`trusted`]), so guessing from many
//!   addresses, or from the agent's own NAT address, cannot lock the agent out of its
//!   usual workstation.
//! - Password checks pass a bounded gate ([`gate`]); without a place the answer is
//!   `100-003` at once.
//! - Wrong admin tokens on the extension API are counted per address the same way.
//!
//! Every lock and every refusal under one is logged through [`audit`].

pub(crate) mod audit;
mod gate;
mod ledger;
pub(crate) mod source;
mod trusted;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ccgw_core::{Timestamp, WorkNo};

pub use gate::GateLimits;
pub(crate) use gate::VerificationGate;
pub(crate) use ledger::FailureLedger;
pub use ledger::LockRule;
pub(crate) use source::{Client, SourceKey};
use trusted::TrustedSources;

/// The settings of sign-in protection (README, "Sign-in protection").
#[derive(Debug, Clone)]
pub struct SignInProtection {
    /// Wrong passwords of one agent from one address: 5 in 5 min lock that pair 5 min.
    pub agent_from_source: LockRule,
    /// Wrong passwords of one agent from any address: 50 in 15 min lock it 15 min
    /// (except from its trusted addresses).
    pub agent: LockRule,
    /// Wrong passwords from one address for any agents: 50 in 10 min lock the address
    /// 5 min (except for agents that trust it).
    pub source: LockRule,
    /// Wrong admin tokens from one address: 10 in 5 min lock the address out of the
    /// extension API's admin token 5 min.
    pub admin_token: LockRule,
    /// How long an address an agent signed in from stays trusted for that agent: 7 days.
    pub trust_for: Duration,
    pub verification: GateLimits,
    /// Most keys each failure count, and the trusted addresses, hold: 65,536.
    pub tracked: usize,
}

impl Default for SignInProtection {
    fn default() -> Self {
        Self {
            agent_from_source: LockRule::minutes(5, 5, 5),
            agent: LockRule::minutes(50, 15, 15),
            source: LockRule::minutes(50, 10, 5),
            admin_token: LockRule::minutes(10, 5, 5),
            trust_for: Duration::from_secs(7 * 86_400),
            verification: GateLimits::for_this_machine(),
            tracked: 65_536,
        }
    }
}

/// Which count locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockScope {
    AgentFromSource,
    Agent,
    Source,
}

impl LockScope {
    pub(crate) fn name(self) -> &'static str {
        match self {
            LockScope::AgentFromSource => "agent_from_address",
            LockScope::Agent => "agent",
            LockScope::Source => "address",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lock {
    pub(crate) scope: LockScope,
    pub(crate) until: Timestamp,
}

/// The sign-in failure counts, the trusted addresses and the verification gate.
pub(crate) struct SignInGuard {
    agent_from_source: FailureLedger<(WorkNo, SourceKey)>,
    agent: FailureLedger<WorkNo>,
    source: FailureLedger<SourceKey>,
    trusted: TrustedSources,
    gate: VerificationGate,
    failures: AtomicU64,
    lockouts: AtomicU64,
    refused_locked: AtomicU64,
}

/// What the guard has counted since the start, for the metrics.
pub(crate) struct GuardCounts {
    pub(crate) failures: u64,
    pub(crate) lockouts: u64,
    pub(crate) refused_locked: u64,
}

impl SignInGuard {
    pub(crate) fn new(settings: &SignInProtection) -> Self {
        Self {
            agent_from_source: FailureLedger::new(settings.agent_from_source, settings.tracked),
            agent: FailureLedger::new(settings.agent, settings.tracked),
            source: FailureLedger::new(settings.source, settings.tracked),
            trusted: TrustedSources::new(settings.trust_for, settings.tracked),
            gate: VerificationGate::new(settings.verification),
            failures: AtomicU64::new(0),
            lockouts: AtomicU64::new(0),
            refused_locked: AtomicU64::new(0),
        }
    }

    /// A sign-in was refused under a lock without its password being checked.
    pub(crate) fn refused_locked(&self) {
        self.refused_locked.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn counts(&self) -> GuardCounts {
        GuardCounts {
            failures: self.failures.load(Ordering::Relaxed),
            lockouts: self.lockouts.load(Ordering::Relaxed),
            refused_locked: self.refused_locked.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn gate(&self) -> &VerificationGate {
        &self.gate
    }

    /// The lock that stops `work_no` signing in from `source` now, if any.
    pub(crate) fn lock_on(&self, work_no: WorkNo, source: SourceKey, now: Timestamp) -> Option<Lock> {
        let lock = |scope, until: Option<Timestamp>| until.map(|until| Lock { scope, until });
        if let Some(found) =
            lock(LockScope::AgentFromSource, self.agent_from_source.locked_until(&(work_no, source), now))
        {
            return Some(found);
        }
        if self.trusted.is_trusted(work_no, source, now) {
            return None;
        }
        lock(LockScope::Source, self.source.locked_until(&source, now))
            .or_else(|| lock(LockScope::Agent, self.agent.locked_until(&work_no, now)))
    }

    /// Counts a wrong password; returns the locks it started.
    pub(crate) fn failed(&self, work_no: WorkNo, source: SourceKey, now: Timestamp) -> Vec<Lock> {
        let started = [
            (LockScope::AgentFromSource, self.agent_from_source.record_failure(&(work_no, source), now)),
            (LockScope::Agent, self.agent.record_failure(&work_no, now)),
            (LockScope::Source, self.source.record_failure(&source, now)),
        ];
        let locks: Vec<Lock> =
            started.into_iter().filter_map(|(scope, until)| until.map(|until| Lock { scope, until })).collect();
        self.failures.fetch_add(1, Ordering::Relaxed);
        self.lockouts.fetch_add(locks.len() as u64, Ordering::Relaxed);
        locks
    }

    /// A right password: the pair's count starts over and the address is trusted for the
    /// agent. The agent-wide and address-wide counts stay: a success elsewhere must not
    /// give guessers a fresh allowance.
    pub(crate) fn succeeded(&self, work_no: WorkNo, source: SourceKey, now: Timestamp) {
        self.agent_from_source.forgive(&(work_no, source), now);
        self.trusted.remember(work_no, source, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SignInProtection {
        SignInProtection {
            agent_from_source: LockRule::minutes(2, 5, 5),
            agent: LockRule::minutes(4, 15, 15),
            source: LockRule::minutes(3, 10, 5),
            ..SignInProtection::default()
        }
    }

    fn agent(n: u32) -> WorkNo {
        n.to_string().parse().unwrap()
    }

    fn address(last: u8) -> SourceKey {
        SourceKey::of(std::net::IpAddr::from([10, 0, 0, last]))
    }

    fn at(minutes: u64) -> Timestamp {
        Timestamp::from_millis(1_000_000 + minutes * 60_000)
    }

    #[test]
    fn a_pair_lock_stops_only_that_address() {
        let guard = SignInGuard::new(&settings());
        assert!(guard.failed(agent(101), address(1), at(0)).is_empty());
        let started = guard.failed(agent(101), address(1), at(0));
        assert_eq!(started, [Lock { scope: LockScope::AgentFromSource, until: at(5) }]);
        assert_eq!(
            guard.lock_on(agent(101), address(1), at(1)).map(|lock| lock.scope),
            Some(LockScope::AgentFromSource)
        );
        assert_eq!(guard.lock_on(agent(101), address(2), at(1)), None);
        assert_eq!(guard.lock_on(agent(102), address(1), at(1)), None);
        assert_eq!(guard.lock_on(agent(101), address(1), at(5)), None);
        // Looking up a lock counts nothing; a refusal under one is counted by its caller.
        let counts = guard.counts();
        assert_eq!((counts.failures, counts.lockouts, counts.refused_locked), (2, 1, 0));
        guard.refused_locked();
        assert_eq!(guard.counts().refused_locked, 1);
    }

    #[test]
    fn the_agent_lock_spares_the_addresses_the_agent_signed_in_from() {
        let guard = SignInGuard::new(&settings());
        guard.succeeded(agent(101), address(9), at(0));
        for last in 1..=4 {
            guard.failed(agent(101), address(last), at(1));
        }
        assert_eq!(guard.lock_on(agent(101), address(5), at(2)).map(|lock| lock.scope), Some(LockScope::Agent));
        assert_eq!(guard.lock_on(agent(101), address(9), at(2)), None, "trusted");
        assert_eq!(guard.lock_on(agent(102), address(5), at(2)), None, "other agents");
    }

    #[test]
    fn the_address_lock_stops_every_agent_but_those_trusting_the_address() {
        let guard = SignInGuard::new(&settings());
        guard.succeeded(agent(150), address(1), at(0));
        for work_no in 101..=103 {
            guard.failed(agent(work_no), address(1), at(1));
        }
        assert_eq!(guard.lock_on(agent(120), address(1), at(2)).map(|lock| lock.scope), Some(LockScope::Source));
        assert_eq!(guard.lock_on(agent(150), address(1), at(2)), None);
        assert_eq!(guard.lock_on(agent(120), address(2), at(2)), None);
    }

    #[test]
    fn a_success_starts_the_pair_count_over() {
        let guard = SignInGuard::new(&settings());
        guard.failed(agent(101), address(1), at(0));
        guard.succeeded(agent(101), address(1), at(0));
        assert!(guard.failed(agent(101), address(1), at(0)).is_empty());
    }
}
