//! The directory store: the configured center, and the values it takes besides the
//! domain's own profiles.

use std::fmt;
use std::time::Duration;

use ccgw_core::{
    AgentProfile, GroupId, GroupProfile, InboundRoute, Overflow, PhoneNumber, RestReason, Role, RoutingPolicy,
    SkillGrant, SkillId, SkillProfile, Vdn, WorkNo,
};

use crate::StoreFuture;

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

/// The persistent directory: VDNs, skill queues, agent groups, rest reasons and agents
/// with their granted skills and passwords. Password hashing stays inside the
/// implementation; no hash ever crosses this trait.
///
/// Lists come ordered (VDNs by number; skills, groups and rest reasons by VDN then id or
/// code; agents by work number, each with its skills by skill id). `vdn: None` in a
/// listing means every VDN. Writes are all or nothing.
pub trait DirectoryStore: Send + Sync {
    // --- The directory as a whole ---

    /// True when the directory holds no VDN, skill or agent.
    fn is_empty(&self) -> StoreFuture<'_, bool>;

    /// Fills an empty directory with the demo center (VDN 1, skills 1–2, groups 1–2,
    /// rest reasons 1–3, agents 101–120), every agent with `password`.
    /// [`Conflict`](crate::StoreError::Conflict) if the directory is not empty.
    fn seed_demo<'a>(&'a self, password: &'a str) -> StoreFuture<'a, ()>;

    // --- VDNs ---

    /// Adds a VDN. `Conflict` if one with the same number exists.
    fn create_vdn<'a>(&'a self, vdn: &'a VdnRecord) -> StoreFuture<'a, ()>;

    fn list_vdns(&self) -> StoreFuture<'_, Vec<VdnRecord>>;

    /// The inbound routes, by VDN then suffix.
    fn list_routes(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<InboundRoute>>;

    /// One VDN. `NotFound` if it does not exist.
    fn get_vdn(&self, vdn: Vdn) -> StoreFuture<'_, VdnRecord>;

    // --- Skills ---

    /// Adds a skill. `Conflict` if the VDN has the id already; `NotFound` for a missing
    /// VDN or overflow skill; `InvalidInput` for a bad name, a zero maximum wait or a
    /// skill overflowing into itself.
    fn create_skill<'a>(&'a self, skill: &'a SkillProfile) -> StoreFuture<'a, ()>;

    fn list_skills(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<SkillProfile>>;

    /// One skill. `NotFound` if it does not exist.
    fn get_skill(&self, vdn: Vdn, id: SkillId) -> StoreFuture<'_, SkillProfile>;

    /// Changes the fields `patch` names and returns the skill. `NotFound` for an unknown
    /// skill or overflow skill; `InvalidInput` as for [`DirectoryStore::create_skill`].
    fn update_skill<'a>(&'a self, vdn: Vdn, id: SkillId, patch: &'a SkillPatch) -> StoreFuture<'a, SkillProfile>;

    /// Removes a skill and its grants. `NotFound` if it does not exist; `Conflict` while
    /// another skill overflows into it.
    fn delete_skill(&self, vdn: Vdn, id: SkillId) -> StoreFuture<'_, ()>;

    // --- Agent groups ---

    /// Adds a group. `Conflict` if the VDN has the id already; `NotFound` for a missing VDN.
    fn create_group<'a>(&'a self, group: &'a GroupProfile) -> StoreFuture<'a, ()>;

    fn list_groups(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<GroupProfile>>;

    /// One group. `NotFound` if it does not exist.
    fn get_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, GroupProfile>;

    /// Renames a group and returns it. `NotFound` if it does not exist.
    fn rename_group<'a>(&'a self, vdn: Vdn, id: GroupId, name: &'a str) -> StoreFuture<'a, GroupProfile>;

    /// Removes a group (its agents stay, in no group); returns how many agents were in
    /// it. `NotFound` if it does not exist.
    fn delete_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, u64>;

    /// The agents of a group. `NotFound` if the group does not exist.
    fn agents_in_group(&self, vdn: Vdn, id: GroupId) -> StoreFuture<'_, Vec<AgentProfile>>;

    // --- Rest reasons ---

    /// Adds a rest reason. `Conflict` if the VDN has the code already; `NotFound` for a
    /// missing VDN; `InvalidInput` for code 0 or a bad name.
    fn create_rest_reason<'a>(&'a self, reason: &'a RestReason) -> StoreFuture<'a, ()>;

    /// Adds a rest reason or renames the one with its code; true when it was added.
    fn put_rest_reason<'a>(&'a self, reason: &'a RestReason) -> StoreFuture<'a, bool>;

    fn list_rest_reasons(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<RestReason>>;

    /// One rest reason. `NotFound` if it does not exist.
    fn get_rest_reason(&self, vdn: Vdn, code: u8) -> StoreFuture<'_, RestReason>;

    /// Removes a rest reason. `NotFound` if it does not exist.
    fn delete_rest_reason(&self, vdn: Vdn, code: u8) -> StoreFuture<'_, ()>;

    // --- Agents ---

    /// Adds an agent with its skills and password; returns its profile. `Conflict` for a
    /// taken work number; `NotFound` for a missing VDN, group or granted skill.
    fn create_agent<'a>(&'a self, agent: &'a NewAgent) -> StoreFuture<'a, AgentProfile>;

    fn list_agents(&self, vdn: Option<Vdn>) -> StoreFuture<'_, Vec<AgentProfile>>;

    /// One agent with its skills. `NotFound` if it does not exist.
    fn get_agent(&self, work_no: WorkNo) -> StoreFuture<'_, AgentProfile>;

    /// Changes an agent and returns it; `patch.skills` replaces every grant. `NotFound`
    /// for an unknown agent, or a skill or group outside the agent's VDN.
    fn update_agent<'a>(&'a self, work_no: WorkNo, patch: &'a AgentPatch) -> StoreFuture<'a, AgentProfile>;

    /// Removes an agent. `NotFound` if it does not exist.
    fn delete_agent(&self, work_no: WorkNo) -> StoreFuture<'_, ()>;

    // --- Passwords ---

    /// Replaces an agent's password. `InvalidInput` for an empty or too long one,
    /// `NotFound` for an unknown agent.
    fn set_password<'a>(&'a self, work_no: WorkNo, password: &'a str) -> StoreFuture<'a, ()>;

    /// The agent's profile if `password` is right. `BadCredentials` both for an unknown
    /// agent and a wrong password, taking the same time for both.
    fn verify_password<'a>(&'a self, work_no: WorkNo, password: &'a str) -> StoreFuture<'a, AgentProfile>;
}
