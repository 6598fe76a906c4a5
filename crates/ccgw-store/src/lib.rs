//! ccgw-store: the persistent directory of ccgw in SQLite — VDNs (tenants), their skill
//! queues (routing policy, queue limits, wrap-up), agent groups, rest reasons, agents
//! with their granted skills and argon2id password hashes — and the records of finished
//! calls.
//!
//! [`SqliteStore`] is the entry point: [`SqliteStore::open`] opens (or creates) a
//! database file in WAL mode and applies the embedded migrations. It implements both
//! store traits of ccgw-store-traits, [`DirectoryStore`] and [`CallRecordStore`]; the
//! traits' values and [`StoreError`] are re-exported here for the CLI and tests. No sqlx
//! type appears in this crate's API.

mod agents;
mod audit;
mod call_records;
mod convert;
mod error;
mod groups;
mod password;
mod phone_secrets;
mod rest_reasons;
mod routes;
mod seed;
mod skills;
mod store;
mod trait_impls;
mod validate;
mod vdns;

pub use ccgw_store_traits::{
    AgentPatch, AuditPage, AuditQuery, AuditStore, CallRecordStore, DirectoryStore, NewAgent, OUTCOME_CODES,
    PHONE_SECRET_MIN_LEN, PhoneSecretStore, RecordPage, RecordQuery, SkillPatch, StoreError, StoredAudit, StoredCall,
    VdnRecord,
};
pub use password::{MAX_PASSWORD_LEN, hash_password, random_password, random_token, verify_password_hash};
pub use store::SqliteStore;
pub use validate::MAX_NAME_LEN;
