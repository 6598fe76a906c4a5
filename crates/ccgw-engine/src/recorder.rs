//! Where finished calls go. The engine hands every [`CallEnd`] to a [`CallRecorder`]
//! exactly once; the recorder must not block (the binary's writes to SQLite happen in
//! their own task).

use std::sync::Mutex;

use ccgw_core::CallEnd;

pub trait CallRecorder: Send + Sync + 'static {
    fn record(&self, end: CallEnd);
}

/// Keeps records in memory: for tests and for embedding without a database.
#[derive(Debug, Default)]
pub struct MemoryRecorder {
    records: Mutex<Vec<CallEnd>>,
}

impl MemoryRecorder {
    pub fn records(&self) -> Vec<CallEnd> {
        self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

impl CallRecorder for MemoryRecorder {
    fn record(&self, end: CallEnd) {
        self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(end);
    }
}
