//! Where calls go. The engine hands every call that enters a center to a
//! [`CallRecorder`] as a [`CallStart`] (to be journalled) and every finished call as a
//! [`CallEnd`] exactly once, the start first; the recorder must not block (the binary's
//! writes to SQLite happen in their own task).

use std::collections::BTreeMap;
use std::sync::Mutex;

use ccgw_core::{CallEnd, CallId, CallStart};

pub trait CallRecorder: Send + Sync + 'static {
    fn started(&self, start: CallStart);
    fn record(&self, end: CallEnd);
}

/// Keeps records in memory: for tests and for embedding without a database.
#[derive(Debug, Default)]
pub struct MemoryRecorder {
    calls: Mutex<MemoryCalls>,
}

#[derive(Debug, Default)]
struct MemoryCalls {
    open: BTreeMap<CallId, CallStart>,
    records: Vec<CallEnd>,
}

impl MemoryRecorder {
    pub fn records(&self) -> Vec<CallEnd> {
        self.calls().records.clone()
    }

    /// Calls started and not ended.
    pub fn open_calls(&self) -> Vec<CallStart> {
        self.calls().open.values().cloned().collect()
    }

    fn calls(&self) -> std::sync::MutexGuard<'_, MemoryCalls> {
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl CallRecorder for MemoryRecorder {
    fn started(&self, start: CallStart) {
        self.calls().open.insert(start.call.id.clone(), start);
    }

    fn record(&self, end: CallEnd) {
        let mut calls = self.calls();
        calls.open.remove(&end.call.id);
        calls.records.push(end);
    }
}

/// Where audit entries go (the binary writes them to the store in batches); must not
/// block. The engine hands it every agent state change, the api every command.
pub trait AuditSink: Send + Sync + 'static {
    fn audit(&self, entry: ccgw_core::AuditEntry);
}

/// Keeps audit entries in memory: for tests and embedding.
#[derive(Debug, Default)]
pub struct MemoryAudit {
    entries: Mutex<Vec<ccgw_core::AuditEntry>>,
}

impl MemoryAudit {
    pub fn entries(&self) -> Vec<ccgw_core::AuditEntry> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

impl AuditSink for MemoryAudit {
    fn audit(&self, entry: ccgw_core::AuditEntry) {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(entry);
    }
}
