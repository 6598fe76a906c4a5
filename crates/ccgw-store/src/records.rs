//! The values the directory takes and gives besides the domain's own profiles.

use std::fmt;

use ccgw_core::{AgentProfile, PhoneNumber, Role, SkillGrant, Vdn};

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

/// Changes to an agent; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentPatch {
    pub name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub role: Option<Role>,
    /// Replaces the whole set of granted skills when present.
    pub skills: Option<Vec<SkillGrant>>,
}

/// Changes to a skill; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillPatch {
    pub name: Option<String>,
    pub media_type: Option<u8>,
}
