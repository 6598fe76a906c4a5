//! The memory of idempotent commands: per (credential, key), the request it was first
//! used for and, once known, the response. Bounded in time (`ttl`) and in size
//! (`capacity`); a key still in flight is never forgotten, so a retry that arrives while
//! the first attempt runs waits for it instead of acting a second time.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use ccgw_core::Timestamp;
use http::{Extensions, HeaderMap, StatusCode};
use tokio::sync::watch;

/// A response kept for replay.
#[derive(Debug)]
pub(crate) struct StoredResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// Carries how header names are spelled on the wire (`Set-GUID`, spec 08 C1).
    pub(crate) extensions: Extensions,
    pub(crate) body: Bytes,
}

/// Whose key it is: a hash of the credential the request carried, and the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scope {
    pub(crate) credential: u64,
    pub(crate) key: String,
}

/// What a request with a key should do.
pub(crate) enum Claim {
    /// First use: act, then [`IdempotencyCache::finish`] (or [`IdempotencyCache::abandon`]).
    Act,
    /// The key is known for this same request: wait for (or take) its response.
    Replay(watch::Receiver<Option<Arc<StoredResponse>>>),
    /// The key was used for a different request.
    Mismatch,
}

struct Remembered {
    request: u64,
    since: Timestamp,
    response: watch::Sender<Option<Arc<StoredResponse>>>,
}

impl Remembered {
    fn is_finished(&self) -> bool {
        self.response.borrow().is_some()
    }
}

struct Memory {
    entries: HashMap<Scope, Remembered>,
    /// Insertion order, for expiry and for eviction when full.
    order: VecDeque<(Timestamp, Scope)>,
}

pub(crate) struct IdempotencyCache {
    memory: Mutex<Memory>,
    ttl: Duration,
    capacity: usize,
}

impl IdempotencyCache {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            memory: Mutex::new(Memory { entries: HashMap::new(), order: VecDeque::new() }),
            ttl,
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        // Every critical section leaves the maps consistent before it can panic.
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Looks `scope` up for a request whose fingerprint is `request`.
    pub(crate) fn claim(&self, scope: &Scope, request: u64, now: Timestamp) -> Claim {
        let mut memory = self.lock();
        self.forget_expired(&mut memory, now);
        if let Some(known) = memory.entries.get(scope) {
            return if known.request == request { Claim::Replay(known.response.subscribe()) } else { Claim::Mismatch };
        }
        self.make_room(&mut memory);
        memory.entries.insert(scope.clone(), Remembered { request, since: now, response: watch::Sender::new(None) });
        memory.order.push_back((now, scope.clone()));
        Claim::Act
    }

    /// Keeps the response of a claimed key and hands it to every waiting retry.
    pub(crate) fn finish(&self, scope: &Scope, response: StoredResponse) {
        let memory = self.lock();
        if let Some(known) = memory.entries.get(scope) {
            known.response.send_replace(Some(Arc::new(response)));
        }
    }

    /// Forgets a claimed key whose response cannot be kept (a server failure): the next
    /// retry acts afresh. Waiting retries see the key vanish and act themselves.
    pub(crate) fn abandon(&self, scope: &Scope) {
        let mut memory = self.lock();
        memory.entries.remove(scope);
        memory.order.retain(|(_, kept)| kept != scope);
    }

    fn forget_expired(&self, memory: &mut Memory, now: Timestamp) {
        while let Some((since, scope)) = memory.order.front().cloned() {
            if now.since(since) < self.ttl {
                break;
            }
            memory.order.pop_front();
            // A key still in flight outlives its time; it is forgotten once evicted later.
            let expired = memory.entries.get(&scope).is_some_and(|known| known.since == since && known.is_finished());
            if expired {
                memory.entries.remove(&scope);
            } else if memory.entries.contains_key(&scope) {
                memory.order.push_back((since, scope));
                break;
            }
        }
    }

    /// Drops the oldest finished entries until one more fits.
    fn make_room(&self, memory: &mut Memory) {
        let mut skipped = 0;
        while memory.entries.len() >= self.capacity && skipped < memory.order.len() {
            let Some((since, scope)) = memory.order.pop_front() else { break };
            match memory.entries.get(&scope) {
                Some(known) if known.is_finished() => {
                    memory.entries.remove(&scope);
                }
                Some(_) => {
                    memory.order.push_back((since, scope));
                    skipped += 1;
                }
                None => {}
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(key: &str) -> Scope {
        Scope { credential: 7, key: key.to_owned() }
    }

    fn response(body: &'static str) -> StoredResponse {
        StoredResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            extensions: Extensions::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    fn replayed(claim: Claim) -> Option<Bytes> {
        match claim {
            Claim::Replay(receiver) => receiver.borrow().as_ref().map(|stored| stored.body.clone()),
            _ => None,
        }
    }

    const START: Timestamp = Timestamp::from_millis(1_000_000);

    #[test]
    fn a_finished_key_replays_its_response_for_the_same_request_only() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 10);
        assert!(matches!(cache.claim(&scope("a"), 1, START), Claim::Act));
        cache.finish(&scope("a"), response("first"));
        assert_eq!(replayed(cache.claim(&scope("a"), 1, START)), Some(Bytes::from_static(b"first")));
        assert!(matches!(cache.claim(&scope("a"), 2, START), Claim::Mismatch));
    }

    #[test]
    fn another_credential_with_the_same_key_acts_on_its_own() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 10);
        assert!(matches!(cache.claim(&scope("a"), 1, START), Claim::Act));
        let other = Scope { credential: 8, key: "a".into() };
        assert!(matches!(cache.claim(&other, 1, START), Claim::Act));
    }

    #[test]
    fn a_retry_during_the_first_attempt_waits_for_its_response() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 10);
        assert!(matches!(cache.claim(&scope("a"), 1, START), Claim::Act));
        let Claim::Replay(mut waiting) = cache.claim(&scope("a"), 1, START) else { panic!("expected a replay") };
        assert!(waiting.borrow_and_update().is_none());
        cache.finish(&scope("a"), response("done"));
        assert!(waiting.has_changed().unwrap_or(false));
        assert_eq!(waiting.borrow().as_ref().map(|stored| stored.body.clone()), Some(Bytes::from_static(b"done")));
    }

    #[test]
    fn keys_expire_after_the_ttl_but_not_while_in_flight() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 10);
        assert!(matches!(cache.claim(&scope("done"), 1, START), Claim::Act));
        cache.finish(&scope("done"), response("x"));
        assert!(matches!(cache.claim(&scope("running"), 1, START), Claim::Act));
        let later = START.plus(Duration::from_secs(61));
        assert!(matches!(cache.claim(&scope("done"), 1, later), Claim::Act), "an expired key acts again");
        assert!(matches!(cache.claim(&scope("running"), 1, later), Claim::Replay(_)), "in flight: still known");
    }

    #[test]
    fn a_full_cache_forgets_its_oldest_finished_key() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 2);
        assert!(matches!(cache.claim(&scope("running"), 1, START), Claim::Act));
        assert!(matches!(cache.claim(&scope("old"), 1, START), Claim::Act));
        cache.finish(&scope("old"), response("x"));
        assert!(matches!(cache.claim(&scope("new"), 1, START), Claim::Act));
        assert_eq!(cache.len(), 2);
        assert!(matches!(cache.claim(&scope("running"), 1, START), Claim::Replay(_)));
        assert!(matches!(cache.claim(&scope("new"), 1, START), Claim::Replay(_)));
    }

    #[test]
    fn an_abandoned_key_acts_again() {
        let cache = IdempotencyCache::new(Duration::from_secs(60), 10);
        assert!(matches!(cache.claim(&scope("a"), 1, START), Claim::Act));
        cache.abandon(&scope("a"));
        assert!(matches!(cache.claim(&scope("a"), 1, START), Claim::Act));
    }
}
