//! Writes finished calls to the records table. The engine hands each call over without
//! waiting; a task writes them in batches (one transaction per batch), lingering briefly
//! after the first record so that the calls ending meanwhile share its transaction. A batch that
//! cannot be written is retried, and if it still fails every record in it is logged at
//! error level in full, so that no outcome disappears without a trace.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ccgw_core::CallEnd;
use ccgw_engine::CallRecorder;
use ccgw_store::CallRecordStore;
use tokio::sync::mpsc;

/// Records written per transaction at most.
const BATCH: usize = 512;
const ATTEMPTS: u32 = 3;
/// How long a batch waits for more records after its first. Each transaction wakes the
/// SQLite worker thread; under load (hundreds of calls ending a second) the profile showed
/// those wake-ups, not SQLite itself, as the cost, and this cuts them to 20 a second.
const LINGER: Duration = Duration::from_millis(50);

pub struct RecordWriter {
    sender: mpsc::UnboundedSender<CallEnd>,
    unwritten: Arc<AtomicU64>,
    transactions: Arc<AtomicU64>,
}

impl RecordWriter {
    /// Starts the writer task on the current runtime, writing into `store`.
    pub fn start(store: Arc<dyn CallRecordStore>) -> Arc<Self> {
        Self::start_lingering(store, LINGER)
    }

    fn start_lingering(store: Arc<dyn CallRecordStore>, linger: Duration) -> Arc<Self> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let unwritten = Arc::new(AtomicU64::new(0));
        let transactions = Arc::new(AtomicU64::new(0));
        let writer = Writer { store, linger, unwritten: unwritten.clone(), transactions: transactions.clone() };
        tokio::spawn(writer.run(receiver));
        Arc::new(Self { sender, unwritten, transactions })
    }

    /// Batches written so far (one transaction each, retries aside), for diagnostics.
    pub fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Acquire)
    }

    /// Records handed over but not written (or given up on) yet.
    pub fn unwritten(&self) -> u64 {
        self.unwritten.load(Ordering::Acquire)
    }

    /// Waits until every record handed over so far is written, at most `limit`.
    pub async fn drain(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.unwritten() > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }
}

impl CallRecorder for RecordWriter {
    fn record(&self, end: CallEnd) {
        self.unwritten.fetch_add(1, Ordering::AcqRel);
        if let Err(mpsc::error::SendError(end)) = self.sender.send(end) {
            self.unwritten.fetch_sub(1, Ordering::AcqRel);
            tracing::error!(record = ?end, "call record lost: the record writer has stopped");
        }
    }
}

struct Writer {
    store: Arc<dyn CallRecordStore>,
    linger: Duration,
    unwritten: Arc<AtomicU64>,
    transactions: Arc<AtomicU64>,
}

impl Writer {
    async fn run(self, mut receiver: mpsc::UnboundedReceiver<CallEnd>) {
        let mut batch = Vec::with_capacity(BATCH);
        while receiver.recv_many(&mut batch, BATCH).await > 0 {
            if batch.len() < BATCH {
                tokio::time::sleep(self.linger).await;
                while batch.len() < BATCH {
                    match receiver.try_recv() {
                        Ok(end) => batch.push(end),
                        Err(_) => break,
                    }
                }
            }
            let count = batch.len() as u64;
            write_batch(self.store.as_ref(), &batch).await;
            self.transactions.fetch_add(1, Ordering::AcqRel);
            batch.clear();
            self.unwritten.fetch_sub(count, Ordering::AcqRel);
        }
    }
}

async fn write_batch(store: &dyn CallRecordStore, batch: &[CallEnd]) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match store.record_calls(batch).await {
            Ok(()) => return,
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, records = batch.len(), "writing call records failed; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => {
                // One bad record must not take the rest of its batch with it.
                tracing::warn!(%error, "writing the batch failed; writing its records one by one");
                for end in batch {
                    if let Err(error) = store.record_calls(std::slice::from_ref(end)).await {
                        tracing::error!(%error, record = ?end, "call record could not be written");
                    }
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ccgw_core::{CallEnd, CallOutcome};
    use ccgw_store::{RecordQuery, SqliteStore};

    use super::*;

    fn ended(n: u64) -> CallEnd {
        crate::test_support::call_end(&format!("1738310400-{n}"), 1_738_310_400_000 + n, CallOutcome::QueueFull)
    }

    #[tokio::test]
    async fn calls_ending_within_the_linger_share_one_transaction_and_all_are_written() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let writer = RecordWriter::start_lingering(Arc::new(store.clone()), Duration::from_millis(300));
        for n in 0..5 {
            writer.record(ended(n));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(writer.drain(Duration::from_secs(10)).await, "{} unwritten", writer.unwritten());
        assert_eq!(writer.transactions(), 1);
        assert_eq!(store.count_call_records(&RecordQuery::default()).await.unwrap(), 5);

        // A record after the batch was written starts a batch of its own.
        writer.record(ended(5));
        assert!(writer.drain(Duration::from_secs(10)).await);
        assert_eq!(writer.transactions(), 2);
        assert_eq!(store.count_call_records(&RecordQuery::default()).await.unwrap(), 6);
    }
}
