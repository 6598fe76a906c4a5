//! The counter part of call ids (`<unix seconds>-<number>`). A restart within the same
//! second must not repeat an id, so the numbers go on across restarts: the binary reserves
//! them in the store block by block, and [`CallNumbers`] asks for the next block while
//! half of the current one is still left. It never blocks the switch: should numbers run
//! past the reservation (the store down for a whole block), they go on and the excess is
//! logged, because a repeated id after a crash is better than a call refused now.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::Notify;

pub struct CallNumbers {
    /// The last number handed out.
    last: AtomicU64,
    /// Numbers up to this one are reserved in the store.
    reserved: AtomicU64,
    /// How many numbers a reservation adds; a new one is wanted once fewer than half of
    /// that are left.
    block: u64,
    running_low: Notify,
    warned_past_reservation: AtomicBool,
}

impl CallNumbers {
    /// Numbers from 1 on with no store behind them: for tests and embedding, where ids
    /// need only be unique within one run.
    pub fn unreserved() -> Self {
        Self::after(0, u64::MAX, u64::MAX)
    }

    /// Numbers after `last` (every number up to it may have been handed out by an earlier
    /// run), with numbers up to `reserved` reserved; reservations add `block`.
    pub fn after(last: u64, reserved: u64, block: u64) -> Self {
        Self {
            last: AtomicU64::new(last),
            reserved: AtomicU64::new(reserved),
            block: block.max(2),
            running_low: Notify::new(),
            warned_past_reservation: AtomicBool::new(false),
        }
    }

    pub fn next(&self) -> u64 {
        let number = self.last.fetch_add(1, Ordering::AcqRel) + 1;
        let reserved = self.reserved.load(Ordering::Acquire);
        if reserved.saturating_sub(number) < self.block / 2 {
            self.running_low.notify_one();
        }
        if number > reserved && !self.warned_past_reservation.swap(true, Ordering::AcqRel) {
            tracing::error!(
                number,
                reserved,
                "call numbers ran past the reservation: a crash now could repeat a call id"
            );
        }
        number
    }

    /// Returns once fewer than half a block of reserved numbers is left (at once, if that
    /// happened since the last call). The caller reserves [`Self::block`] more in the
    /// store, then calls [`Self::reserved_up_to`].
    pub async fn running_low(&self) {
        self.running_low.notified().await;
    }

    pub fn block(&self) -> u64 {
        self.block
    }

    /// The store now holds numbers up to `reserved` for this run.
    pub fn reserved_up_to(&self, reserved: u64) {
        self.reserved.fetch_max(reserved, Ordering::AcqRel);
        if reserved > self.last.load(Ordering::Acquire) {
            self.warned_past_reservation.store(false, Ordering::Release);
        }
    }

    pub fn last(&self) -> u64 {
        self.last.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Waker};

    use super::*;

    /// Whether a reservation is wanted now: `running_low` polled once.
    fn wants_block(numbers: &CallNumbers) -> bool {
        let mut low = pin!(numbers.running_low());
        low.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready()
    }

    #[test]
    fn numbers_go_on_after_the_last_run() {
        let numbers = CallNumbers::after(10_000, 20_000, 10_000);
        assert_eq!(numbers.next(), 10_001);
        assert_eq!(numbers.next(), 10_002);
        assert_eq!(numbers.last(), 10_002);
    }

    #[test]
    fn a_new_block_is_wanted_once_half_of_the_reservation_is_used_and_not_before() {
        let numbers = CallNumbers::after(0, 10, 10);
        for expected in 1..=5 {
            assert_eq!(numbers.next(), expected);
        }
        assert!(!wants_block(&numbers), "5 of 10 left is not low yet");
        numbers.next();
        assert!(wants_block(&numbers), "4 of 10 left is low");
        numbers.reserved_up_to(20);
        numbers.next();
        assert!(!wants_block(&numbers), "13 of 20 left after the refill is not low");
    }

    #[test]
    fn numbers_past_the_reservation_still_come() {
        let numbers = CallNumbers::after(0, 1, 2);
        assert_eq!((numbers.next(), numbers.next(), numbers.next()), (1, 2, 3));
    }

    #[test]
    fn unreserved_numbers_never_ask_for_a_block() {
        let numbers = CallNumbers::unreserved();
        assert_eq!(numbers.next(), 1);
        assert!(!wants_block(&numbers));
    }
}
