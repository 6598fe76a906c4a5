//! ccgw-core: the contact-center domain — identifiers, agents, sessions, calls, call
//! distribution, and the catalogs of Huawei retcodes, event names and state codes.
//!
//! No I/O, no async, no clock reads: every function that depends on time takes it as an
//! argument, and every random value (Guids) is supplied by the caller. This keeps the
//! domain deterministic and testable to the millisecond.

mod agent;
mod agent_stats;
mod audit;
mod call;
pub mod catalog;
mod center;
mod directory;
mod event;
mod ids;
mod ivr;
pub mod password_policy;
mod query;
mod refusal;
mod request_budget;
mod routing;
mod session;
mod time;

pub use agent::{Agent, AgentState, InitialState, NOTE_CAPACITY, Note, Pending, StateKind};
pub use agent_stats::AgentStats;
pub use audit::{AuditEntry, AuditKind};
pub use call::LastCall;
pub use call::{
    AfterConsult, Call, CallEnd, CallOutcome, CallParty, CallStart, CallState, Consult, EndedBy, FailReason,
    InboundCall, Leg, NewCall, OfferAnswer, OfferPhone, QueueKey, Transfer, party_number,
};
pub use center::CallDataField;
pub use center::QueueChoice;
pub use center::{
    BulletinTarget, CallRequest, Callee, Center, CenterSettings, Command, CommandKind, ConsultRequest, DialFailure,
    Effect, Effects, MAX_DIALLED_LEN, MAX_DIGITS, NoteDelivery, Outcome, Party, PhoneFailure, PhoneLegs, PhoneReport,
    REJECTED_BUSY_REASON, Rule, SignIn, SignOut, SkillCounters, SkillSnapshot, StateCommand, SwitchAction,
    SwitchFeature, SwitchFeatures, TRANSITIONS, Timer, TransferMode, TransferRequest, TransferTarget, transition_rule,
};
pub use center::{
    FORCED_BUSY_REASON, FORCED_OUT_REASON, MAX_MONITORED, MAX_SUPERVISION_ENTRIES, QcCommand, QcMode, QcTask,
    Supervision, SupervisionKind, qc_subtype,
};
pub use directory::{
    AgentProfile, GroupId, GroupProfile, Overflow, QueueLimits, RestReason, Role, RoutingPolicy, SkillGrant,
    SkillLevel, SkillProfile,
};
pub use event::{AgentEvent, CallFeature, CallInfo, IncomingCall, PhoneReleasedBy};
pub use ids::{CallId, Guid, IdError, PhoneNumber, Seq, SkillId, Vdn, WorkNo};
pub use ivr::{IvrEnd, IvrFlow, IvrFlowError, IvrId, MAX_ACCESS_CODE_LEN, MAX_IVR_HOLD, check_flows, is_access_code};
pub use query::{
    AgentCalls, AgentSnapshot, AgentView, CallCounts, CallView, Query, QueryAnswer, RestView, SeenState,
    SignedInSnapshot, VdnView,
};
pub use refusal::Refusal;
pub use request_budget::{RequestBudget, RequestRate};
pub use routing::{InboundRoute, MAX_ROUTE_SUFFIX_LEN, RouteTarget, Routed, RoutingTable, is_route_suffix};
pub use session::{AuthMode, AuthSettings, GuidCheck, Session};
pub use time::{Timestamp, civil_from_days, days_from_civil};
