//! ccgw-store-traits: the seams between ccgw and its persistent stores.
//!
//! [`DirectoryStore`] is the configured center (VDNs, skills, groups, rest reasons,
//! agents and their passwords); [`CallRecordStore`] keeps the records of finished calls.
//! Both are dyn-compatible, so the api and the start-up wiring hold
//! `Arc<dyn DirectoryStore>` / `Arc<dyn CallRecordStore>` and never see a database type.
//! ccgw-store implements them on SQLite; another backend (Postgres) implements the same
//! traits. Values go in and come out as ccgw-core domain types plus the few input and
//! query types defined here; every failure is a [`StoreError`].

mod audit;
mod directory;
mod error;
mod phones;
mod records;

use std::future::Future;
use std::pin::Pin;

pub use audit::{AuditPage, AuditQuery, AuditStore, StoredAudit};
pub use directory::{AgentPatch, DirectoryStore, NewAgent, SkillPatch, VdnRecord};
pub use error::{BackendError, StoreError};
pub use phones::{PHONE_SECRET_MAX_LEN, PHONE_SECRET_MIN_LEN, PhoneSecretStore};
pub use records::{CallRecordStore, OUTCOME_CODES, RecordPage, RecordQuery, StoredCall};

/// What a store method returns: a boxed, sendable future of the result. Boxed by hand
/// (rather than `async fn` in the trait) so that the traits stay usable as `dyn` objects
/// without a proc-macro dependency; one allocation per store call is noise next to the
/// database round trip.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;
