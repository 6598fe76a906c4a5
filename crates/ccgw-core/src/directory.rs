//! What the directory knows about an agent and a skill, as the domain sees it. The store
//! crate persists these; the engine receives them at sign-in.

use std::time::Duration;

use crate::ids::{IdError, PhoneNumber, SkillId, Vdn, WorkNo};

/// What an agent may do beyond taking calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Role {
    Agent,
    /// May also supervise other agents (quality control).
    Inspector,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Inspector => "inspector",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "agent" => Some(Role::Agent),
            "inspector" => Some(Role::Inspector),
            _ => None,
        }
    }
}

/// An agent's level in one skill: 1 (lowest) ..= 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SkillLevel(u8);

impl SkillLevel {
    pub const DEFAULT: SkillLevel = SkillLevel(1);

    pub fn new(level: u8) -> Option<Self> {
        (1..=10).contains(&level).then_some(Self(level))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkillGrant {
    pub skill: SkillId,
    pub level: SkillLevel,
}

/// An agent group (team) of a VDN: 1..=9999 within the VDN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct GroupId(u16);

impl GroupId {
    pub const MAX: u16 = 9999;

    pub fn new(value: u16) -> Option<Self> {
        (1..=Self::MAX).contains(&value).then_some(Self(value))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

// Serde checks ranges as the constructors do (see `ids.rs`).
impl TryFrom<u8> for SkillLevel {
    type Error = IdError;
    fn try_from(level: u8) -> Result<Self, IdError> {
        Self::new(level).ok_or(IdError::OutOfRange { kind: "skill level", value: level.into(), min: 1, max: 10 })
    }
}

impl From<SkillLevel> for u8 {
    fn from(level: SkillLevel) -> u8 {
        level.get()
    }
}

impl TryFrom<u16> for GroupId {
    type Error = IdError;
    fn try_from(value: u16) -> Result<Self, IdError> {
        Self::new(value).ok_or(IdError::OutOfRange {
            kind: "group id",
            value: value.into(),
            min: 1,
            max: Self::MAX.into(),
        })
    }
}

impl From<GroupId> for u16 {
    fn from(group: GroupId) -> u16 {
        group.get()
    }
}

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An agent group as configured in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupProfile {
    pub vdn: Vdn,
    pub id: GroupId,
    pub name: String,
}

/// A rest reason (`restcause` of `rest/{time}/{restcause}`): 1..=255 within a VDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestReason {
    pub vdn: Vdn,
    pub code: u8,
    pub name: String,
}

/// An agent as configured in the directory (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentProfile {
    pub work_no: WorkNo,
    pub vdn: Vdn,
    pub name: String,
    pub phone: PhoneNumber,
    pub role: Role,
    pub skills: Vec<SkillGrant>,
    /// The agent's team, if any.
    pub group: Option<GroupId>,
    /// Wrap-up length after a call whose skill sets none; `None` = the center default.
    pub wrap_up: Option<Duration>,
}

/// How a skill chooses among its idle agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum RoutingPolicy {
    /// The agent idle longest gets the call.
    #[default]
    LongestIdle,
    /// The highest skill level wins; among equals, the agent idle longest.
    MostSkilled,
    /// Agents take turns in work-number order, starting after the last one offered.
    RoundRobin,
}

impl RoutingPolicy {
    pub const ALL: [RoutingPolicy; 3] =
        [RoutingPolicy::LongestIdle, RoutingPolicy::MostSkilled, RoutingPolicy::RoundRobin];

    pub fn as_str(self) -> &'static str {
        match self {
            RoutingPolicy::LongestIdle => "longest-idle",
            RoutingPolicy::MostSkilled => "most-skilled",
            RoutingPolicy::RoundRobin => "round-robin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|policy| policy.as_str() == text)
    }
}

/// Where a call goes when it has waited `max_wait` in its queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Overflow {
    /// Into another skill queue of the same VDN, keeping its place by arrival time.
    Skill(SkillId),
    /// Out of the center to a number (the call ends here with outcome "overflowed").
    Number(PhoneNumber),
}

/// The limits of one skill queue; `None` = no limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct QueueLimits {
    /// More waiting calls than this: a new call is refused (outcome "queue full").
    pub max_waiting: Option<u32>,
    /// A call that waited this long overflows, or is released (outcome "timed out").
    pub max_wait: Option<Duration>,
    pub overflow: Option<Overflow>,
    /// A call arriving while no agent with the skill is signed in overflows at once, or is
    /// released (outcome "no agent"), instead of waiting.
    pub refuse_when_unstaffed: bool,
}

/// A skill queue as configured in the directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkillProfile {
    pub vdn: Vdn,
    pub id: SkillId,
    pub name: String,
    /// Skill media type (spec 02 §4.8); 5 = normal audio/video call.
    pub media_type: u8,
    pub policy: RoutingPolicy,
    pub limits: QueueLimits,
    /// Wrap-up length after a call of this skill; `None` = the agent's default.
    pub wrap_up: Option<Duration>,
}

impl SkillProfile {
    /// A voice skill with the default policy, no limits and no wrap-up time of its own.
    pub fn new(vdn: Vdn, id: SkillId, name: impl Into<String>) -> Self {
        Self {
            vdn,
            id,
            name: name.into(),
            media_type: 5,
            policy: RoutingPolicy::default(),
            limits: QueueLimits::default(),
            wrap_up: None,
        }
    }
}
