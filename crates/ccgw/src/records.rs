//! Writes finished calls to the records table. The engine hands each call over without
//! waiting; a task writes them in batches (one transaction per batch). A batch that
//! cannot be written is retried, and if it still fails every record in it is logged at
//! error level in full, so that no outcome disappears without a trace.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ccgw_core::CallEnd;
use ccgw_engine::CallRecorder;
use ccgw_store::Directory;
use tokio::sync::mpsc;

/// Records written per transaction at most.
const BATCH: usize = 512;
const ATTEMPTS: u32 = 3;

pub struct RecordWriter {
    sender: mpsc::UnboundedSender<CallEnd>,
    unwritten: Arc<AtomicU64>,
}

impl RecordWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(directory: Directory) -> Arc<Self> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let unwritten = Arc::new(AtomicU64::new(0));
        tokio::spawn(write_loop(directory, receiver, unwritten.clone()));
        Arc::new(Self { sender, unwritten })
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

async fn write_loop(directory: Directory, mut receiver: mpsc::UnboundedReceiver<CallEnd>, unwritten: Arc<AtomicU64>) {
    let mut batch = Vec::with_capacity(BATCH);
    while receiver.recv_many(&mut batch, BATCH).await > 0 {
        let count = batch.len() as u64;
        write_batch(&directory, &batch).await;
        batch.clear();
        unwritten.fetch_sub(count, Ordering::AcqRel);
    }
}

async fn write_batch(directory: &Directory, batch: &[CallEnd]) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match directory.record_calls(batch).await {
            Ok(()) => return,
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, records = batch.len(), "writing call records failed; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => {
                // One bad record must not take the rest of its batch with it.
                tracing::warn!(%error, "writing the batch failed; writing its records one by one");
                for end in batch {
                    if let Err(error) = directory.record_calls(std::slice::from_ref(end)).await {
                        tracing::error!(%error, record = ?end, "call record could not be written");
                    }
                }
                return;
            }
        }
    }
}
