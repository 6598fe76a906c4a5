//! The values the directory takes and gives besides the domain's own profiles.

use std::fmt;
use std::time::Duration;

use ccgw_core::{AgentProfile, GroupId, Overflow, PhoneNumber, Role, RoutingPolicy, SkillGrant, Vdn};

/// A VDN (tenant) as configured in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VdnRecord {
    pub vdn: Vdn,
    pub name: String,
    /// The service number customers dial, the default "called" number of an inbound
    /// call; `None` when the VDN has none configured.
    pub access_code: Option<PhoneNumber>,
}

/// An agent to create: the profile plus the initial password (hashed by the store).
#[derive(Clone)]
pub struct NewAgent {
    pub profile: AgentProfile,
    pub password: String,
}

/// Keeps the password out of logs and panic messages.
impl fmt::Debug for NewAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAgent").field("profile", &self.profile).field("password", &"..").finish()
    }
}

/// Changes to an agent; `None` leaves a field as it is. For the fields that can be
/// cleared, `Some(None)` clears them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentPatch {
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub role: Option<Role>,
    /// Replaces the whole set of granted skills when present.
    pub skills: Option<Vec<SkillGrant>>,
    /// `Some(None)`: the agent leaves its group.
    pub group: Option<Option<GroupId>>,
    /// `Some(None)`: back to the center default.
    pub wrap_up: Option<Option<Duration>>,
}

/// Changes to a skill; `None` leaves a field as it is. For the limits, `Some(None)`
/// clears them back to "no limit".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillPatch {
    pub name: Option<String>,
    pub media_type: Option<u8>,
    pub policy: Option<RoutingPolicy>,
    pub max_waiting: Option<Option<u32>>,
    pub max_wait: Option<Option<Duration>>,
    pub overflow: Option<Option<Overflow>>,
    pub refuse_when_unstaffed: Option<bool>,
    /// `Some(None)`: back to the agent's default.
    pub wrap_up: Option<Option<Duration>>,
}
