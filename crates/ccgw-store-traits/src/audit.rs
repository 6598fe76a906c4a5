//! The audit trail's store: entries appended in batches, never changed, read back newest
//! first page by page, and removed only when older than the retention.

use ccgw_core::{AuditEntry, AuditKind, Timestamp, WorkNo};

use crate::StoreFuture;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAudit {
    /// Increasing in the order entries were written.
    pub id: i64,
    pub entry: AuditEntry,
}

/// Which entries to read; every filter is optional. Newest first (time, then id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub agent: Option<WorkNo>,
    pub kind: Option<AuditKind>,
    /// Entries whose action is exactly this (`PUT /agentgateway/resource/...`, `AgentState_Ready`).
    pub action: Option<String>,
    /// At or after this time.
    pub from: Option<Timestamp>,
    /// Before this time.
    pub to: Option<Timestamp>,
    pub offset: u64,
    /// Capped at [`AuditQuery::MAX_LIMIT`].
    pub limit: u32,
}

impl AuditQuery {
    pub const DEFAULT_LIMIT: u32 = 100;
    pub const MAX_LIMIT: u32 = 1000;
}

impl Default for AuditQuery {
    fn default() -> Self {
        Self { agent: None, kind: None, action: None, from: None, to: None, offset: 0, limit: Self::DEFAULT_LIMIT }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<StoredAudit>,
    pub total: u64,
}

pub trait AuditStore: Send + Sync {
    /// Appends entries as one unit.
    fn append_audit<'a>(&'a self, entries: &'a [AuditEntry]) -> StoreFuture<'a, ()>;
    /// One page of matching entries, newest first, and their total, from one snapshot.
    /// `InvalidInput` for a reversed time range.
    fn query_audit<'a>(&'a self, query: &'a AuditQuery) -> StoreFuture<'a, AuditPage>;
    /// Removes the entries older than `before`; returns how many.
    fn prune_audit(&self, before: Timestamp) -> StoreFuture<'_, u64>;
}
