//! ccgw-store: the persistent directory of ccgw in SQLite — VDNs (tenants), their skill
//! queues (routing policy, queue limits, wrap-up), agent groups, rest reasons, agents
//! with their granted skills and argon2id password hashes — and the records of finished
//! calls.
//!
//! [`Directory`] is the entry point: [`Directory::open`] opens (or creates) a database
//! file in WAL mode and applies the embedded migrations. Values go in and come out as
//! ccgw-core domain types; no sqlx type appears in this crate's API, and every failure
//! is a [`StoreError`].

mod agents;
mod call_records;
mod convert;
mod directory;
mod error;
mod groups;
mod password;
mod records;
mod rest_reasons;
mod seed;
mod skills;
mod validate;
mod vdns;

pub use call_records::{OUTCOME_CODES, RecordQuery, StoredCall};

pub use directory::Directory;
pub use error::StoreError;
pub use password::{MAX_PASSWORD_LEN, hash_password, random_password, random_token, verify_password_hash};
pub use records::{AgentPatch, NewAgent, SkillPatch, VdnRecord};
pub use validate::MAX_NAME_LEN;
