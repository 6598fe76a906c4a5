//! Writes the audit trail to the store in batches (one transaction each, lingering
//! 100 ms after the first entry). Entries wait in a bounded queue: should the database
//! fall behind for that long, further entries are dropped and counted
//! (`ccgw_audit_dropped_total`, a warning at the 1st, 2nd, 4th… drop) rather than grow
//! memory without bound or hold up agents. A batch that cannot be written is retried,
//! then every entry in it is logged at error level. Entries older than the retention are
//! removed once an hour.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ccgw_core::AuditEntry;
use ccgw_engine::{AuditSink, Clock};
use ccgw_store::AuditStore;
use tokio::sync::{mpsc, oneshot};

/// Entries waiting to be written at most.
const QUEUE: usize = 65_536;
const BATCH: usize = 1_024;
const LINGER: Duration = Duration::from_millis(100);
const ATTEMPTS: u32 = 3;
const PRUNE_EVERY: Duration = Duration::from_secs(3_600);

enum Message {
    Entry(AuditEntry),
    /// Answered once the entries sent before it are written.
    Flush(oneshot::Sender<()>),
}

pub struct AuditWriter {
    sender: mpsc::Sender<Message>,
    dropped: AtomicU64,
    unwritten: Arc<AtomicU64>,
}

impl AuditWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Arc<dyn AuditStore>) -> Arc<Self> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let unwritten = Arc::new(AtomicU64::new(0));
        tokio::spawn(write_entries(store, receiver, unwritten.clone()));
        Arc::new(Self { sender, dropped: AtomicU64::new(0), unwritten })
    }

    /// Entries dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Entries handed over and not written yet.
    pub fn unwritten(&self) -> u64 {
        self.unwritten.load(Ordering::Acquire)
    }

    /// Waits until every entry handed over before this call is written; `false` if the
    /// writer has stopped.
    pub async fn flush(&self) -> bool {
        let (done, written) = oneshot::channel();
        self.sender.send(Message::Flush(done)).await.is_ok() && written.await.is_ok()
    }

    /// [`Self::flush`], at most `limit`.
    pub async fn drain(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, self.flush()).await.unwrap_or(false)
    }
}

impl AuditSink for AuditWriter {
    fn audit(&self, entry: AuditEntry) {
        self.unwritten.fetch_add(1, Ordering::AcqRel);
        if self.sender.try_send(Message::Entry(entry)).is_err() {
            self.unwritten.fetch_sub(1, Ordering::AcqRel);
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "audit queue full: entries dropped");
            }
        }
    }
}

async fn write_entries(store: Arc<dyn AuditStore>, mut receiver: mpsc::Receiver<Message>, unwritten: Arc<AtomicU64>) {
    let mut messages = Vec::with_capacity(BATCH);
    let mut batch = Vec::with_capacity(BATCH);
    let mut flushes = Vec::new();
    while receiver.recv_many(&mut messages, BATCH).await > 0 {
        let deadline = tokio::time::Instant::now() + LINGER;
        loop {
            for message in messages.drain(..) {
                match message {
                    Message::Entry(entry) => batch.push(entry),
                    Message::Flush(done) => flushes.push(done),
                }
            }
            if !flushes.is_empty() || batch.len() >= BATCH {
                break;
            }
            match tokio::time::timeout_at(deadline, receiver.recv_many(&mut messages, BATCH - batch.len())).await {
                Ok(received) if received > 0 => {}
                _ => break,
            }
        }
        if !batch.is_empty() {
            write_batch(store.as_ref(), &batch).await;
            unwritten.fetch_sub(batch.len() as u64, Ordering::AcqRel);
            batch.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

async fn write_batch(store: &dyn AuditStore, batch: &[AuditEntry]) {
    for attempt in 1..=ATTEMPTS {
        match store.append_audit(batch).await {
            Ok(()) => return,
            Err(error) if attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, entries = batch.len(), "writing the audit trail failed; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => {
                for entry in batch {
                    tracing::error!(%error, ?entry, "audit entry could not be written");
                }
            }
        }
    }
}

/// Removes entries older than `retention` once an hour (engine clock); `None` keeps all.
pub async fn prune(store: Arc<dyn AuditStore>, clock: Arc<dyn Clock>, retention: Option<Duration>) {
    let Some(retention) = retention else { return };
    loop {
        let now = clock.now();
        let before = ccgw_core::Timestamp::from_millis(now.as_millis().saturating_sub(retention.as_millis() as u64));
        match store.prune_audit(before).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "audit entries past the retention removed"),
            Err(error) => tracing::warn!(%error, "pruning the audit trail failed"),
        }
        tokio::time::sleep(PRUNE_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use ccgw_core::{AuditKind, Timestamp, WorkNo};
    use ccgw_store::{AuditQuery, SqliteStore};

    use super::*;

    fn entry(at: u64) -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_millis(at),
            kind: AuditKind::Command,
            actor: "agent",
            agent: WorkNo::new(101).ok(),
            client: Some("127.0.0.1".into()),
            action: "POST /agentgateway/resource/onlineagent/{agentid}/saybusy".into(),
            detail: "{}".into(),
            result: "0".into(),
        }
    }

    #[tokio::test]
    async fn entries_are_written_in_order_and_a_flush_waits_for_them() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let writer = AuditWriter::start(Arc::new(store.clone()));
        for at in 1..=5 {
            writer.audit(entry(at));
        }
        assert!(writer.flush().await);
        assert_eq!(writer.unwritten(), 0);
        let page = store.audit_page(&AuditQuery::default()).await.unwrap();
        assert_eq!(page.total, 5);
        let times: Vec<u64> = page.entries.iter().map(|stored| stored.entry.at.as_millis()).collect();
        assert_eq!(times, [5, 4, 3, 2, 1], "newest first");
        assert_eq!(page.entries[0].entry, entry(5));
    }

    #[tokio::test]
    async fn pruning_removes_only_what_is_older_than_the_retention() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        store.append_audit(&[entry(1_000), entry(5_000), entry(9_000)]).await.unwrap();
        assert_eq!(store.prune_audit(Timestamp::from_millis(5_000)).await.unwrap(), 1);
        assert_eq!(store.audit_page(&AuditQuery::default()).await.unwrap().total, 2);
    }
}
