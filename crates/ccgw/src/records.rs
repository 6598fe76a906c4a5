//! Writes calls to the store: each call that enters the center into the journal of open
//! calls, each finished call into the records table (replacing its journal entry). The
//! engine hands calls over without waiting; a task writes them in batches (one
//! transaction per batch), lingering briefly after the first so that the calls starting
//! and ending meanwhile share its transaction. So a crash loses at most the last linger's
//! worth of journal entries (50 ms), and every call journalled before it gets a record
//! at the next start (`lost-at-restart`). A batch that cannot be written is retried, and
//! if it still fails every entry in it is logged at error level in full, so that no
//! outcome disappears without a trace. A flush (the shutdown drain, tests) cuts the
//! linger short and is answered once everything handed over before it is written.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ccgw_core::{CallEnd, CallStart};
use ccgw_engine::CallRecorder;
use ccgw_store::CallRecordStore;
use tokio::sync::{mpsc, oneshot};

/// Journal entries and records written per transaction at most.
const BATCH: usize = 512;
const ATTEMPTS: u32 = 3;
/// How long a batch waits for more records after its first. Each transaction wakes the
/// SQLite worker thread; under load (hundreds of calls ending a second) the profile showed
/// those wake-ups, not SQLite itself, as the cost, and this cuts them to 20 a second.
const LINGER: Duration = Duration::from_millis(50);

pub struct RecordWriter {
    sender: mpsc::UnboundedSender<Message>,
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

    /// Journal entries and records handed over but not written (or given up on) yet.
    pub fn unwritten(&self) -> u64 {
        self.unwritten.load(Ordering::Acquire)
    }

    /// Waits until every record handed over so far is written, at most `limit`.
    pub async fn drain(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, self.flush()).await.unwrap_or(false)
    }

    /// Waits until every record handed over before this call is written (or given up on
    /// and logged); `false` if the writer has stopped.
    pub async fn flush(&self) -> bool {
        let (done, written) = oneshot::channel();
        self.sender.send(Message::Flush(done)).is_ok() && written.await.is_ok()
    }
}

enum Message {
    Start(CallStart),
    Record(CallEnd),
    /// Answered once the records sent before it are written.
    Flush(oneshot::Sender<()>),
}

impl RecordWriter {
    fn hand_over(&self, message: Message) {
        self.unwritten.fetch_add(1, Ordering::AcqRel);
        match self.sender.send(message) {
            Ok(()) => {}
            Err(mpsc::error::SendError(Message::Record(end))) => {
                self.unwritten.fetch_sub(1, Ordering::AcqRel);
                tracing::error!(record = ?end, "call record lost: the record writer has stopped");
            }
            Err(mpsc::error::SendError(Message::Start(start))) => {
                self.unwritten.fetch_sub(1, Ordering::AcqRel);
                tracing::error!(call = ?start, "call not journalled: the record writer has stopped");
            }
            Err(mpsc::error::SendError(Message::Flush(_))) => {
                self.unwritten.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }
}

impl CallRecorder for RecordWriter {
    fn started(&self, start: CallStart) {
        self.hand_over(Message::Start(start));
    }

    fn record(&self, end: CallEnd) {
        self.hand_over(Message::Record(end));
    }
}

struct Writer {
    store: Arc<dyn CallRecordStore>,
    linger: Duration,
    unwritten: Arc<AtomicU64>,
    transactions: Arc<AtomicU64>,
}

impl Writer {
    async fn run(self, mut receiver: mpsc::UnboundedReceiver<Message>) {
        let mut pending = Pending::default();
        let mut messages = Vec::with_capacity(BATCH);
        while receiver.recv_many(&mut messages, BATCH).await > 0 {
            pending.take(&mut messages);
            // Linger for more records, unless someone waits for these to be written.
            let deadline = tokio::time::Instant::now() + self.linger;
            while pending.flushes.is_empty() && pending.len() < BATCH {
                let room = BATCH - pending.len();
                match tokio::time::timeout_at(deadline, receiver.recv_many(&mut messages, room)).await {
                    Ok(received) if received > 0 => pending.take(&mut messages),
                    _ => break,
                }
            }
            let count = pending.len() as u64;
            if count > 0 {
                write_batch(self.store.as_ref(), &pending.started, &pending.ended).await;
                self.transactions.fetch_add(1, Ordering::AcqRel);
                pending.started.clear();
                pending.ended.clear();
                self.unwritten.fetch_sub(count, Ordering::AcqRel);
            }
            for flush in pending.flushes.drain(..) {
                let _ = flush.send(());
            }
        }
    }
}

/// What the writer has received and not yet dealt with.
#[derive(Default)]
struct Pending {
    started: Vec<CallStart>,
    ended: Vec<CallEnd>,
    flushes: Vec<oneshot::Sender<()>>,
}

impl Pending {
    fn len(&self) -> usize {
        self.started.len() + self.ended.len()
    }

    /// Messages come in order, so a flush taken here has every record sent before it
    /// in this batch or an earlier one.
    fn take(&mut self, messages: &mut Vec<Message>) {
        for message in messages.drain(..) {
            match message {
                Message::Start(start) => self.started.push(start),
                Message::Record(end) => self.ended.push(end),
                Message::Flush(done) => self.flushes.push(done),
            }
        }
    }
}

/// Starts come before ends in the transaction, so a call that started and ended within
/// one batch is journalled and then recorded.
async fn write_batch(store: &dyn CallRecordStore, started: &[CallStart], ended: &[CallEnd]) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match store.write_calls(started, ended).await {
            Ok(()) => return,
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, started = started.len(), ended = ended.len(), "writing calls failed; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => {
                // One bad entry must not take the rest of its batch with it.
                tracing::warn!(%error, "writing the batch failed; writing its entries one by one");
                for start in started {
                    if let Err(error) = store.write_calls(std::slice::from_ref(start), &[]).await {
                        tracing::error!(%error, call = ?start, "call could not be journalled");
                    }
                }
                for end in ended {
                    if let Err(error) = store.write_calls(&[], std::slice::from_ref(end)).await {
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

    fn start_of(end: &CallEnd) -> CallStart {
        CallStart { call: end.call.clone(), feature: end.feature, arrived: end.arrived }
    }

    #[tokio::test]
    async fn a_started_call_stays_journalled_until_its_record_replaces_it() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let writer = RecordWriter::start(Arc::new(store.clone()));
        writer.started(start_of(&ended(1)));
        assert!(writer.flush().await);
        assert_eq!(store.open_calls().await.unwrap(), vec![start_of(&ended(1))]);

        // One ends; another starts and ends within the same batch.
        writer.record(ended(1));
        writer.started(start_of(&ended(2)));
        writer.record(ended(2));
        assert!(writer.flush().await);
        assert_eq!(writer.unwritten(), 0);
        assert!(store.open_calls().await.unwrap().is_empty());
        assert_eq!(store.count_call_records(&RecordQuery::default()).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_flush_is_answered_once_the_records_before_it_are_written_without_waiting_out_the_linger() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        // A linger far longer than the test's limit: only the flush can end it in time.
        let writer = RecordWriter::start_lingering(Arc::new(store.clone()), Duration::from_secs(3_600));
        assert!(writer.flush().await, "a flush with nothing pending is answered too");
        for n in 0..3 {
            writer.record(ended(n));
        }
        let flushed = tokio::time::timeout(Duration::from_secs(10), writer.flush()).await;
        assert_eq!(flushed, Ok(true));
        assert_eq!(writer.unwritten(), 0);
        assert_eq!(store.count_call_records(&RecordQuery::default()).await.unwrap(), 3);
    }
}
