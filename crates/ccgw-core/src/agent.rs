//! A signed-in agent and its state.
//!
//! ```text
//!             sign-in (status 4)          offer                answer / auto-answer
//!  (out) ───────────────────────▶ Idle ─────────▶ Ringing ──────────────────▶ Talking
//!    │  status 3 ─▶ NotReady       ▲  ◀─hang-up──┘   │ ring timeout / reject      │
//!    │  status 5 ─▶ WrapUp         │                 ▼                           │ release
//!    │                             │              NotReady (reason 2 / 7)        ▼
//!    │                             └──── autoenteridle ◀──────────────── WrapUp or Idle
//! ```

use crate::directory::AgentProfile;
use crate::ids::{CallId, PhoneNumber, SkillId, WorkNo};
use crate::session::Session;
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentState {
    /// Ready for a call since `since` (the longest idle agent is offered first).
    Idle {
        since: Timestamp,
    },
    /// Not ready (`saybusy`, or forced) with a busy reason (spec 02 §4.5).
    NotReady {
        reason: u16,
    },
    /// After-call work; `ends` when a wrap-up time applies.
    WrapUp {
        ends: Option<Timestamp>,
    },
    /// A call is offered; `idle_since` is restored if the caller gives up.
    Ringing {
        call: CallId,
        idle_since: Timestamp,
    },
    Talking {
        call: CallId,
    },
}

impl AgentState {
    pub fn call(&self) -> Option<&CallId> {
        match self {
            AgentState::Ringing { call, .. } | AgentState::Talking { call } => Some(call),
            AgentState::Idle { .. } | AgentState::NotReady { .. } | AgentState::WrapUp { .. } => None,
        }
    }
}

/// The state an agent asks for at sign-in (`status` 3, 4 or 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialState {
    Busy,
    Idle,
    Work,
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub(crate) profile: AgentProfile,
    pub(crate) session: Session,
    pub(crate) phone: PhoneNumber,
    pub(crate) auto_answer: bool,
    pub(crate) auto_enter_idle: bool,
    pub(crate) login_time: Timestamp,
    pub(crate) state: AgentState,
    pub(crate) last_seen: Timestamp,
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

    pub fn phone(&self) -> &PhoneNumber {
        &self.phone
    }

    pub fn login_time(&self) -> Timestamp {
        self.login_time
    }

    pub fn auto_answer(&self) -> bool {
        self.auto_answer
    }

    pub fn auto_enter_idle(&self) -> bool {
        self.auto_enter_idle
    }

    pub fn skills(&self) -> impl Iterator<Item = SkillId> + '_ {
        self.profile.skills.iter().map(|grant| grant.skill)
    }
}
