//! A signed-in agent and its state. The transition rules live in `center::transitions`
//! (one table for every state × command) and are written out in `docs/agent-states.md`.

use std::collections::VecDeque;
use std::time::Duration;

use crate::agent_stats::AgentStats;
use crate::call::LastCall;
use crate::directory::{AgentProfile, SkillGrant};
use crate::ids::{CallId, PhoneNumber, SkillId, WorkNo};
use crate::request_budget::RequestBudget;
use crate::session::Session;
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentState {
    /// Ready for a call since `since` (the longest idle agent is offered first).
    Idle { since: Timestamp },
    /// Not ready (`saybusy`, sign-in with status 3, or forced) with a busy reason (spec 02 §4.5).
    NotReady { reason: u16 },
    /// Resting with a rest cause until `ends`; `overdue` once `AgentState_Rest_Timeout` was sent.
    Rest { cause: u8, ends: Timestamp, overdue: bool },
    /// After-call work; `ends` when a wrap-up time applies.
    WrapUp { ends: Option<Timestamp> },
    /// A call is offered; `idle_since` is restored if the caller gives up.
    Ringing { call: CallId, idle_since: Timestamp },
    /// In one or more calls: `call` is the current one (the one `release` ends), which
    /// may be ringing at the far end, talking or held; older calls are all held
    /// ([`Agent::held_calls`]).
    Talking { call: CallId },
    /// An inspector listening, inserting or whispering in another agent's call (not one
    /// of its parties: the call is not the inspector's, see `center/inspection.rs`).
    Inspecting { call: CallId },
}

impl AgentState {
    pub fn call(&self) -> Option<&CallId> {
        match self {
            AgentState::Ringing { call, .. } | AgentState::Talking { call } => Some(call),
            AgentState::Idle { .. }
            | AgentState::NotReady { .. }
            | AgentState::Rest { .. }
            | AgentState::WrapUp { .. }
            | AgentState::Inspecting { .. } => None,
        }
    }

    pub fn kind(&self) -> StateKind {
        match self {
            AgentState::Idle { .. } => StateKind::Idle,
            AgentState::NotReady { .. } => StateKind::Busy,
            AgentState::Rest { .. } => StateKind::Rest,
            AgentState::WrapUp { .. } => StateKind::WrapUp,
            AgentState::Ringing { .. } => StateKind::Ringing,
            // In the transition table an inspection is a call: requests wait for its end.
            AgentState::Talking { .. } | AgentState::Inspecting { .. } => StateKind::Talking,
        }
    }
}

/// The states of the transition table, without their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    Idle,
    Busy,
    Rest,
    WrapUp,
    Ringing,
    Talking,
}

impl StateKind {
    pub const ALL: [StateKind; 6] =
        [StateKind::Idle, StateKind::Busy, StateKind::Rest, StateKind::WrapUp, StateKind::Ringing, StateKind::Talking];

    /// The name the extension API and the metrics give the state.
    pub fn name(self) -> &'static str {
        match self {
            StateKind::Idle => "idle",
            StateKind::Busy => "busy",
            StateKind::Rest => "rest",
            StateKind::WrapUp => "wrap-up",
            StateKind::Ringing => "ringing",
            StateKind::Talking => "talking",
        }
    }
}

/// A state change the agent asked for that waits until its call or wrap-up is over
/// ("pre-busy", "pre-rest" = state code 9). One at a time: a newer request replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// `resumed`: the state the agent was in before a call it placed or asked for, to
    /// return to afterwards; not a new request (statistics count it once).
    Busy {
        reason: u16,
        resumed: bool,
    },
    Rest {
        length: Duration,
        cause: u8,
        resumed: bool,
    },
    /// Wrap-up after this call even when `autoenteridle` is on.
    Work,
}

/// The state an agent asks for at sign-in (`status` 3, 4 or 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialState {
    Busy,
    Idle,
    Work,
}

/// A note (notelet or bulletin) kept for the agent until it reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// The sender's work number; `None` for a bulletin sent to a group or skill.
    pub from: Option<WorkNo>,
    pub content: String,
    pub sent_at: Timestamp,
}

/// Notes kept per agent before the oldest unread one is dropped (and counted).
pub const NOTE_CAPACITY: usize = 100;

#[derive(Debug, Clone)]
pub struct Agent {
    pub(crate) profile: AgentProfile,
    /// The skills signed in to: the configured ones at sign-in, changed by `resetskill`.
    pub(crate) skills: Vec<SkillGrant>,
    pub(crate) session: Session,
    pub(crate) phone: PhoneNumber,
    pub(crate) auto_answer: bool,
    pub(crate) auto_enter_idle: bool,
    /// The phone stays connected between calls (`releasephone: false`), until
    /// `releasephone` or sign-out.
    pub(crate) always_off_hook: bool,
    /// `settalkright`: whether inbound calls are offered to the agent.
    pub(crate) talk_right: bool,
    pub(crate) login_time: Timestamp,
    pub(crate) state: AgentState,
    /// When the current state began (for status queries with durations).
    pub(crate) state_since: Timestamp,
    pub(crate) pending: Option<Pending>,
    pub(crate) last_seen: Timestamp,
    pub(crate) notes: VecDeque<Note>,
    pub(crate) notes_dropped: u64,
    /// Calls on hold behind the current one, oldest first.
    pub(crate) held_calls: Vec<CallId>,
    /// Counters since sign-in; the state the agent is in now is not added yet.
    pub(crate) stats: AgentStats,
    /// The last call the agent talked in and has left.
    pub(crate) last_call: Option<LastCall>,
    /// Requests left to this sign-in before `000-007`.
    pub(crate) requests: RequestBudget,
}

impl Agent {
    pub fn work_no(&self) -> WorkNo {
        self.profile.work_no
    }

    pub fn profile(&self) -> &AgentProfile {
        &self.profile
    }

    pub fn state(&self) -> &AgentState {
        &self.state
    }

    pub fn state_since(&self) -> Timestamp {
        self.state_since
    }

    pub fn pending(&self) -> Option<Pending> {
        self.pending
    }

    pub fn phone(&self) -> &PhoneNumber {
        &self.phone
    }

    pub fn login_time(&self) -> Timestamp {
        self.login_time
    }

    /// The Guid the agent's client was last handed (push deliveries carry it).
    pub fn current_guid(&self) -> &crate::ids::Guid {
        self.session.current()
    }

    pub fn auto_answer(&self) -> bool {
        self.auto_answer
    }

    pub fn auto_enter_idle(&self) -> bool {
        self.auto_enter_idle
    }

    pub fn talk_right(&self) -> bool {
        self.talk_right
    }

    pub fn skill_grants(&self) -> &[SkillGrant] {
        &self.skills
    }

    pub fn skills(&self) -> impl Iterator<Item = SkillId> + '_ {
        self.skills.iter().map(|grant| grant.skill)
    }

    pub fn has_skill(&self, skill: SkillId) -> bool {
        self.skills.iter().any(|grant| grant.skill == skill)
    }

    /// Calls on hold behind the current one, oldest first.
    pub fn held_calls(&self) -> &[CallId] {
        &self.held_calls
    }

    /// Every call the agent is in: the held ones, then the current one.
    pub fn calls(&self) -> impl Iterator<Item = &CallId> {
        self.held_calls.iter().chain(self.state.call())
    }

    /// Counters since sign-in, with the time spent so far in the current state.
    pub fn statistics(&self, now: Timestamp) -> AgentStats {
        let mut stats = self.stats.clone();
        stats.add_time_in(&self.state, self.state_since, now);
        stats
    }

    /// The last call the agent talked in and has left, if any since sign-in.
    pub fn last_call(&self) -> Option<&LastCall> {
        self.last_call.as_ref()
    }

    pub fn notes(&self) -> &VecDeque<Note> {
        &self.notes
    }

    /// Whether the ACD may offer this agent a call now.
    pub fn is_available(&self) -> bool {
        self.pooled_since().is_some()
    }

    /// The idle time the agent is pooled under, if it is available for an offer.
    pub(crate) fn pooled_since(&self) -> Option<Timestamp> {
        match self.state {
            AgentState::Idle { since } if self.talk_right => Some(since),
            _ => None,
        }
    }
}
