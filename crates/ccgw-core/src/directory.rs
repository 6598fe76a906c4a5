//! What the directory knows about an agent and a skill, as the domain sees it. The store
//! crate persists these; the engine receives them at sign-in.

use crate::ids::{PhoneNumber, SkillId, Vdn, WorkNo};

/// What an agent may do beyond taking calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillGrant {
    pub skill: SkillId,
    pub level: SkillLevel,
}

/// An agent as configured in the directory (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentProfile {
    pub work_no: WorkNo,
    pub vdn: Vdn,
    pub name: String,
    pub phone: PhoneNumber,
    pub role: Role,
    pub skills: Vec<SkillGrant>,
}

/// A skill queue as configured in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillProfile {
    pub vdn: Vdn,
    pub id: SkillId,
    pub name: String,
    /// Skill media type (spec 02 §4.8); 5 = normal audio/video call.
    pub media_type: u8,
}
