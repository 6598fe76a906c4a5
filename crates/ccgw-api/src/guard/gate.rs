//! The bounded queue in front of password checks. Argon2 costs tens of milliseconds of
//! CPU on purpose; a flood of sign-ins must neither queue without bound (a real sign-in
//! behind a thousand bogus ones waits for seconds) nor let one address take every place.
//!
//! At most `concurrent` checks run, at most `queue` more wait (first come, first served),
//! and one source address holds at most `per_source` of those places. A check that finds
//! no place is refused at once, so its client can retry.
//!
//! A check runs in its own task, which keeps its place until the check is done even if
//! the client goes away: a client that hangs up cannot free a place while the CPU work
//! it started still runs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::source::SourceKey;

/// How many password checks may be under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateLimits {
    /// Checks running at once.
    pub concurrent: usize,
    /// Checks waiting for one of the running places.
    pub queue: usize,
    /// Running and waiting checks of one source address.
    pub per_source: usize,
}

impl GateLimits {
    /// `concurrent` twice the CPU cores, a queue of 64, at most 16 per address.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self { concurrent: 2 * cores, queue: 64, per_source: 16 }
    }
}

/// There is no place for another check now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Busy {
    /// Running and waiting places are all taken.
    Full,
    /// This source address holds its share already.
    SourceFull,
}

struct Places {
    taken: usize,
    by_source: HashMap<SourceKey, usize>,
}

struct Shared {
    limits: GateLimits,
    running: Semaphore,
    places: Mutex<Places>,
    /// Checks refused for want of a place, since the start.
    refused: AtomicU64,
}

impl Shared {
    fn places(&self) -> std::sync::MutexGuard<'_, Places> {
        // Counts are updated whole in each critical section; a poisoned lock still holds them.
        self.places.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Clone)]
pub(crate) struct VerificationGate(Arc<Shared>);

/// A place in the gate; given back when dropped.
pub(crate) struct Place {
    shared: Arc<Shared>,
    source: SourceKey,
}

impl VerificationGate {
    pub(crate) fn new(limits: GateLimits) -> Self {
        let limits = GateLimits {
            concurrent: limits.concurrent.max(1),
            queue: limits.queue,
            per_source: limits.per_source.max(1),
        };
        Self(Arc::new(Shared {
            limits,
            running: Semaphore::new(limits.concurrent),
            places: Mutex::new(Places { taken: 0, by_source: HashMap::new() }),
            refused: AtomicU64::new(0),
        }))
    }

    /// Takes a place for a check from `source`, or says why there is none.
    pub(crate) fn enter(&self, source: SourceKey) -> Result<Place, Busy> {
        let shared = &self.0;
        let mut places = shared.places();
        if places.taken >= shared.limits.concurrent + shared.limits.queue {
            return Err(Busy::Full);
        }
        let of_source = places.by_source.entry(source).or_insert(0);
        if *of_source >= shared.limits.per_source {
            return Err(Busy::SourceFull);
        }
        *of_source += 1;
        places.taken += 1;
        Ok(Place { shared: shared.clone(), source })
    }

    /// Takes a place for `source` and runs `check` once a running place is free.
    /// `None` when the check's task failed (it panicked or the runtime is shutting down).
    pub(crate) async fn run<F>(&self, source: SourceKey, check: F) -> Result<Option<F::Output>, Busy>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let place = self.enter(source).inspect_err(|_| {
            self.0.refused.fetch_add(1, Ordering::Relaxed);
        })?;
        let task = tokio::spawn(async move {
            // The semaphore is never closed; without a permit the check still runs.
            // The running permit goes back first, then the place (reverse declaration order).
            let _running = place.shared.running.acquire().await.ok();
            check.await
        });
        Ok(task.await.ok())
    }

    /// Checks refused for want of a place, since the start.
    pub(crate) fn refused(&self) -> u64 {
        self.0.refused.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    fn taken(&self) -> (usize, usize) {
        let places = self.0.places();
        (places.taken, places.by_source.len())
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut places = self.shared.places();
        places.taken = places.taken.saturating_sub(1);
        if let Some(count) = places.by_source.get_mut(&self.source) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                places.by_source.remove(&self.source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(last: u8) -> SourceKey {
        SourceKey::of(std::net::IpAddr::from([127, 0, 0, last]))
    }

    /// A check from 127.0.0.1 that runs in the gate until `release` is sent (or dropped);
    /// returns once it holds its place.
    async fn hold_a_check(
        gate: &VerificationGate,
    ) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<Result<Option<bool>, Busy>>) {
        let (release, held) = tokio::sync::oneshot::channel::<()>();
        let caller = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(source(1), async move { held.await.is_ok() }).await })
        };
        while gate.taken().0 == 0 {
            tokio::task::yield_now().await;
        }
        (release, caller)
    }

    #[test]
    fn places_are_bounded_in_all_and_per_source_and_given_back_on_drop() {
        let gate = VerificationGate::new(GateLimits { concurrent: 1, queue: 2, per_source: 2 });
        let first = gate.enter(source(1)).unwrap();
        let second = gate.enter(source(1)).unwrap();
        assert_eq!(gate.enter(source(1)).err(), Some(Busy::SourceFull));
        let third = gate.enter(source(2)).unwrap();
        assert_eq!(gate.enter(source(3)).err(), Some(Busy::Full));
        drop(first);
        let fourth = gate.enter(source(3)).unwrap();
        drop((second, third, fourth));
        assert_eq!(gate.taken(), (0, 0), "nothing is left behind");
    }

    #[tokio::test]
    async fn a_held_check_makes_the_next_one_busy_and_the_one_after_it_succeeds() {
        let gate = VerificationGate::new(GateLimits { concurrent: 1, queue: 0, per_source: 1 });
        let (release, holder) = hold_a_check(&gate).await;
        assert_eq!(gate.run(source(2), async { true }).await.err(), Some(Busy::Full));
        release.send(()).unwrap();
        assert_eq!(holder.await.unwrap(), Ok(Some(true)));
        assert_eq!(gate.run(source(2), async { 7 }).await, Ok(Some(7)));
        assert_eq!(gate.taken(), (0, 0));
    }

    #[tokio::test]
    async fn a_caller_that_goes_away_keeps_the_place_until_its_check_is_done() {
        let gate = VerificationGate::new(GateLimits { concurrent: 1, queue: 0, per_source: 1 });
        let (release, caller) = hold_a_check(&gate).await;
        caller.abort();
        let _ = caller.await;
        assert_eq!(gate.enter(source(2)).err(), Some(Busy::Full), "the check still runs");
        release.send(()).unwrap();
        while gate.taken().0 != 0 {
            tokio::task::yield_now().await;
        }
        assert!(gate.enter(source(2)).is_ok());
    }
}
