//! The call-record store: one record per finished call, written in batches and read back
//! newest first, page by page; beside it, the journal of calls in progress and the
//! reserved call numbers, which make the records crash-safe.

use ccgw_core::{CallEnd, CallOutcome, CallStart, SkillId, Timestamp, Vdn, WorkNo};

use crate::StoreFuture;

/// Every outcome code a record can carry ([`CallOutcome::code`]).
pub const OUTCOME_CODES: [&str; 12] = CallOutcome::CODES;

/// A finished call as stored: `id` is the record's number, increasing in the order the
/// records were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCall {
    pub id: i64,
    pub end: CallEnd,
}

/// Which records to read; every filter is optional. Records come newest first (by
/// arrival time, then by record number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordQuery {
    pub vdn: Option<Vdn>,
    /// The agent who answered the call, or at whom it rang when the customer hung up.
    pub agent: Option<WorkNo>,
    /// An agent who talked in the call, whenever in it (after a transfer, too).
    pub talked: Option<WorkNo>,
    /// The skill queue where the call ended.
    pub skill: Option<SkillId>,
    /// Calls that arrived at or after this time.
    pub from: Option<Timestamp>,
    /// Calls that arrived before this time.
    pub to: Option<Timestamp>,
    /// One of [`OUTCOME_CODES`].
    pub outcome: Option<String>,
    /// Records to skip.
    pub offset: u64,
    /// Records to return at most; capped at [`RecordQuery::MAX_LIMIT`].
    pub limit: u32,
}

impl RecordQuery {
    pub const DEFAULT_LIMIT: u32 = 100;
    pub const MAX_LIMIT: u32 = 1000;
}

impl Default for RecordQuery {
    fn default() -> Self {
        Self {
            vdn: None,
            agent: None,
            talked: None,
            skill: None,
            from: None,
            to: None,
            outcome: None,
            offset: 0,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

/// One page of records and how many match the query in all (its offset and limit aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPage {
    pub records: Vec<StoredCall>,
    pub total: u64,
}

/// Where the records of finished calls go and are read back from.
///
/// A call is journalled as open when it arrives and recorded when it ends, the record
/// replacing the journal entry in the same transaction; whatever is still open when the
/// gateway starts was cut off by a crash ([`CallRecordStore::close_open_calls`]).
pub trait CallRecordStore: Send + Sync {
    /// Journals the calls that `started` and records the calls that `ended` (removing
    /// their journal entries), as one unit: all or nothing. `Conflict` names the first
    /// call that is already journalled or recorded (or appears twice).
    fn write_calls<'a>(&'a self, started: &'a [CallStart], ended: &'a [CallEnd]) -> StoreFuture<'a, ()>;

    /// Records every call still open in the journal with outcome `lost-at-restart`,
    /// ended at `restarted`, and empties the journal; returns those records. Called at
    /// start-up, before any call can arrive. A journalled call that is somehow recorded
    /// already keeps its record.
    fn close_open_calls(&self, restarted: Timestamp) -> StoreFuture<'_, Vec<CallEnd>>;

    /// Reserves `count` more call numbers and returns the highest number now reserved;
    /// every number up to the previous highest may have been handed out already.
    fn reserve_call_numbers(&self, count: u64) -> StoreFuture<'_, u64>;

    /// One page of the records that match `query`, newest first, with the total count,
    /// both read from the same snapshot. `InvalidInput` for an outcome not in
    /// [`OUTCOME_CODES`] or a reversed time range.
    fn query_records<'a>(&'a self, query: &'a RecordQuery) -> StoreFuture<'a, RecordPage>;
}
