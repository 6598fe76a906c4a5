//! The audit trail's entries: every command a client sent (who, for which agent, which
//! interface, its parameters without secrets, the answer) and every agent state change.
//! Pure data; the api and the engine make them, a store keeps them.

use crate::ids::WorkNo;
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditKind {
    /// A request that asks for a change: every method but GET and HEAD.
    Command,
    /// An agent signed in or out, or its state changed (the state events it receives).
    State,
}

impl AuditKind {
    pub const CODES: [&'static str; 2] = ["command", "state"];

    pub fn code(self) -> &'static str {
        match self {
            AuditKind::Command => "command",
            AuditKind::State => "state",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "command" => Some(AuditKind::Command),
            "state" => Some(AuditKind::State),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub kind: AuditKind,
    /// Who acted: `agent` (the agent of the path, vouched for by its Guid or refused),
    /// `admin` (the admin token) or `gateway` (the center itself: timers, calls).
    pub actor: &'static str,
    /// The agent acted for, or whose state changed.
    pub agent: Option<WorkNo>,
    /// The client's address, for commands.
    pub client: Option<String>,
    /// `METHOD /route/template` for a command; `signed-in`, `signed-out` or the event
    /// type for a state change.
    pub action: String,
    /// A command's query and body as JSON, secrets replaced by `"***"`; a state
    /// change's content.
    pub detail: String,
    /// The answer: Huawei retcode or HTTP status; empty for a state change.
    pub result: String,
}
