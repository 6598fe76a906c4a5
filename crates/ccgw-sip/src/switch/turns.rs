//! One in-dialog exchange at a time per call — ccgw's re-INVITEs, the re-INVITEs it
//! carries between legs, DTMF INFOs, the BYEs of a release — in the order the B2BUA
//! started them. A leg never sees a BYE overtake a re-INVITE, nor a digit overtake the
//! one before.
//!
//! The B2BUA claims a turn as it starts an exchange (in its own task, so in the order of
//! its queue); the spawned exchange waits for the turns claimed before it, whatever order
//! the runtime runs the spawned tasks in.

use tokio::sync::oneshot;

/// A call's line of turns.
#[derive(Default)]
pub(super) struct Turns {
    /// Resolves when the last turn claimed has ended.
    last: Option<oneshot::Receiver<()>>,
}

impl Turns {
    /// The next turn: it starts once every turn claimed before it has ended.
    pub(super) fn claim(&mut self) -> Turn {
        let (ended, next) = oneshot::channel();
        Turn { before: self.last.replace(next), _ended: ended }
    }
}

/// One exchange's turn; it ends when dropped.
pub(super) struct Turn {
    before: Option<oneshot::Receiver<()>>,
    /// Dropped with the turn, which lets the next one start.
    _ended: oneshot::Sender<()>,
}

impl Turn {
    /// Waits until the turns claimed before this one have ended.
    pub(super) async fn start(&mut self) {
        if let Some(before) = self.before.take() {
            // An error is the sender dropped: that turn ended.
            let _ = before.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_start_in_the_order_they_were_claimed_whatever_order_they_run_in() {
        let mut turns = Turns::default();
        let mut first = turns.claim();
        let mut second = turns.claim();
        let mut third = turns.claim();
        let (tx, mut order) = tokio::sync::mpsc::unbounded_channel();
        let (tx2, tx3) = (tx.clone(), tx.clone());
        // Spawned last-first: each still waits for the ones claimed before it.
        let c = tokio::spawn(async move {
            third.start().await;
            tx3.send(3).unwrap();
        });
        let b = tokio::spawn(async move {
            second.start().await;
            tx2.send(2).unwrap();
        });
        tokio::task::yield_now().await;
        assert!(order.try_recv().is_err(), "nothing starts before the first turn ends");
        first.start().await;
        tx.send(1).unwrap();
        drop(first);
        b.await.unwrap();
        c.await.unwrap();
        let seen: Vec<i32> = std::iter::from_fn(|| order.try_recv().ok()).collect();
        assert_eq!(seen, [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_first_turn_starts_at_once() {
        let mut turn = Turns::default().claim();
        tokio::time::timeout(std::time::Duration::from_secs(1), turn.start()).await.expect("no wait");
    }
}
