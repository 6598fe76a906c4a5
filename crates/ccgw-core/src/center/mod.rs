//! The center: every signed-in agent and every live call, and the rules that move them.
//!
//! All operations are synchronous and deterministic: they take `now`, mutate the center,
//! and return the ordered [`Effect`]s the runtime must carry out (events to deliver,
//! switch actions, timers, finished calls). Nothing here blocks or reads a clock.

mod agents;
mod call_data;
mod calls;
mod command;
mod consulting;
mod distribution;
mod holding;
mod in_call;
mod inbound;
mod inspection;
mod invariants;
mod ivr;
mod joined;
mod legs;
mod phone_legs;
mod pickup;
mod placing;
mod pool;
mod sessions;
mod stats;
mod supervision;
mod switch_features;
mod transferring;
mod transitions;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use crate::agent::{Agent, AgentState};
use crate::call::{Call, CallEnd, CallStart, QueueKey};
use crate::directory::SkillProfile;
use crate::event::AgentEvent;
use crate::ids::{CallId, Guid, PhoneNumber, SkillId, Vdn, WorkNo};
use crate::ivr::{IvrFlow, IvrId};
use crate::refusal::Refusal;
use crate::request_budget::RequestRate;
use crate::routing::RoutingTable;
use crate::session::{AuthSettings, GuidCheck};
use crate::time::Timestamp;

use pool::IdlePool;

pub use agents::{BulletinTarget, NoteDelivery};
pub use call_data::CallDataField;
pub use command::{Command, Outcome};
pub use consulting::ConsultRequest;
pub use holding::MAX_DIGITS;
pub(crate) use inspection::Inspection;
pub use inspection::{MAX_SUPERVISION_ENTRIES, QcMode, QcTask, Supervision, SupervisionKind};
pub use phone_legs::{PhoneFailure, PhoneLegs, PhoneReport};
pub use pickup::QueueChoice;
pub use placing::{CallRequest, Callee, MAX_DIALLED_LEN};
pub use sessions::{SignIn, SignOut};
pub use stats::{SkillCounters, SkillSnapshot};
pub use supervision::{FORCED_BUSY_REASON, FORCED_OUT_REASON, MAX_MONITORED, QcCommand, qc_subtype};
pub use switch_features::{SwitchFeature, SwitchFeatures};
pub use transferring::{TransferMode, TransferRequest, TransferTarget};
pub use transitions::{CommandKind, Rule, StateCommand, TABLE as TRANSITIONS, rule as transition_rule};

/// Tunables of the center (config `engine.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterSettings {
    /// How long an offered call rings before it is taken back.
    pub ring_timeout: Duration,
    /// Wrap-up length after a call when neither its skill nor the agent sets one;
    /// `None` = until the agent ends it.
    pub wrap_up: Option<Duration>,
    /// Silence after which an agent is signed out; `None` disables the check.
    pub liveness: Option<Duration>,
    pub auth: AuthSettings,
    /// Busy reason set after a ring timeout (spec 02 §4.5: 2).
    pub no_answer_busy_reason: u16,
    /// Whether `forcelogin` may take over an existing sign-in (`100-015` when not).
    pub allow_force_login: bool,
    /// Send `AgentOther_All_Agent_Busy` to a skill's agents when its first call has to
    /// wait. Off by default: in a large skill it is one event per agent per wait.
    pub all_busy_notice: bool,
    /// How long a number an agent dials may take to answer before the call fails.
    pub dial_timeout: Duration,
    /// Whether the switch reports the agent's phone leg of an offer, or it is assumed to
    /// ring and go off-hook as the offer is made. The engine sets it from its switch.
    pub phone_legs: PhoneLegs,
    /// What the switch can carry; commands needing more are refused. The engine sets it
    /// from its switch.
    pub switch_features: SwitchFeatures,
    /// How many requests (polls aside) a signed-in agent may make.
    pub request_rate: RequestRate,
}

impl Default for CenterSettings {
    fn default() -> Self {
        Self {
            ring_timeout: Duration::from_secs(20),
            wrap_up: None,
            liveness: Some(Duration::from_secs(120)),
            auth: AuthSettings::default(),
            no_answer_busy_reason: 2,
            allow_force_login: true,
            all_busy_notice: false,
            dial_timeout: Duration::from_secs(60),
            phone_legs: PhoneLegs::Assumed,
            switch_features: SwitchFeatures::ALL,
            request_rate: RequestRate::DEFAULT,
        }
    }
}

/// Busy reason recorded when an agent declines a ringing call (spec 02 §4.5: 7).
pub const REJECTED_BUSY_REASON: u16 = 7;

/// A deadline the runtime must call [`Center::fire`] for. Stale timers are harmless:
/// each carries what it needs to recognise that its occasion has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timer {
    RingTimeout {
        call: CallId,
        offer: u64,
    },
    WrapUpEnd {
        work_no: WorkNo,
        login_time: Timestamp,
        ends: Timestamp,
    },
    RestEnd {
        work_no: WorkNo,
        login_time: Timestamp,
        ends: Timestamp,
    },
    /// The call has waited its skill's maximum; `hop` tells which queue it was in.
    QueueWait {
        call: CallId,
        hop: usize,
    },
    Liveness {
        work_no: WorkNo,
        login_time: Timestamp,
    },
    /// A step of setting up an agent's own call ran out of time; `attempt` tells which.
    Setup {
        call: CallId,
        attempt: u64,
    },
    /// An inspector's phone, rung to join a call, did not go off-hook in time.
    InspectorPhone {
        call: CallId,
        inspector: WorkNo,
        attempt: u64,
    },
}

/// What the switch must do for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchAction {
    /// Ring the agent's phone with the call; `auto_answer`: the agent answers without a
    /// hand (auto-answer, pickup), so a phone that can should answer by itself.
    Alert {
        call: CallId,
        agent: WorkNo,
        phone: PhoneNumber,
        auto_answer: bool,
    },
    /// Stop ringing the agent's phone (the call stays with the switch, queued again).
    StopAlerting {
        call: CallId,
        agent: WorkNo,
    },
    /// Connect the call to the agent's phone.
    Connect {
        call: CallId,
        agent: WorkNo,
        phone: PhoneNumber,
    },
    /// End the call for every party.
    Release {
        call: CallId,
    },
    /// Send the call out of the center to a number (queue overflow).
    Redirect {
        call: CallId,
        to: PhoneNumber,
    },
    /// The agent places a call of its own (call-out, internal call, consultation): its
    /// phone must go off-hook first. The switch answers with `PhoneOffHook` or
    /// `PhoneFailed`.
    OffHook {
        call: CallId,
        agent: WorkNo,
        phone: PhoneNumber,
    },
    /// The agent places a call while its phone is off-hook already (for a held call):
    /// the switch opens the call with the agent on it; nothing is reported back.
    Originate {
        call: CallId,
        agent: WorkNo,
        phone: PhoneNumber,
    },
    /// The agent picked its ringing phone up by command (`phonepickup`, or `answer` of an
    /// offer while the phone rings where the phone's off-hook is the answer).
    PickUp {
        call: CallId,
        agent: WorkNo,
    },
    /// Dial a number outside the center as a party of the call, showing `caller`. The
    /// switch answers with `FarEndAlerting`, then `FarEndAnswered` or `FarEndFailed`.
    Dial {
        call: CallId,
        number: String,
        caller: String,
    },
    /// One party leaves a call that goes on without it.
    Drop {
        call: CallId,
        party: Party,
    },
    /// The agent's leg is put on hold (the other parties hear the hold tone), or back.
    Hold {
        call: CallId,
        agent: WorkNo,
    },
    Retrieve {
        call: CallId,
        agent: WorkNo,
    },
    /// The agent's microphone in the call is muted, or not.
    Mute {
        call: CallId,
        agent: WorkNo,
        on: bool,
    },
    /// DTMF digits from the agent into the call.
    Digits {
        call: CallId,
        agent: WorkNo,
        digits: String,
    },
    /// Every party of `from` (but those listed in `leaving`) joins `into`; `from` ends.
    Join {
        from: CallId,
        into: CallId,
        leaving: Vec<Party>,
    },
    /// Connect the call to the IVR flow of the VDN with this access code. The switch
    /// answers with `IvrReturned` or `IvrReleased` when the flow ends.
    ConnectIvr {
        call: CallId,
        vdn: Vdn,
        access_code: String,
    },
    /// The agent signed in with its phone always off-hook: the switch connects the phone
    /// now and keeps it connected between calls, bridging calls onto that line. Nothing
    /// is reported back; a switch that cannot keep a line rings the phone for each call
    /// as usual.
    KeepLine {
        agent: WorkNo,
        phone: PhoneNumber,
    },
    /// The agent's always-off-hook line is released (`releasephone`, sign-out).
    DropLine {
        agent: WorkNo,
    },
    /// An inspector joins the call from its phone, inspecting `agent` in `mode` (who
    /// hears whom: `center/inspection.rs`). The switch answers with `PhoneOffHook` or
    /// `PhoneFailed` for the inspector where it reports phone legs.
    Inspect {
        call: CallId,
        inspector: WorkNo,
        agent: WorkNo,
        phone: PhoneNumber,
        mode: QcMode,
    },
    /// The inspector in the call changes to `mode`.
    InspectMode {
        call: CallId,
        inspector: WorkNo,
        mode: QcMode,
    },
    /// The inspector leaves the call; it goes on.
    EndInspect {
        call: CallId,
        inspector: WorkNo,
    },
    /// The inspector takes `agent`'s place in the call as a party, heard by all; the
    /// agent's phone leaves it.
    TakeOver {
        call: CallId,
        inspector: WorkNo,
        agent: WorkNo,
    },
}

impl SwitchAction {
    /// The call the action is for (for `Join`, the call that goes on); None for the
    /// actions on an agent's line.
    pub fn call(&self) -> Option<&CallId> {
        Some(match self {
            SwitchAction::Alert { call, .. }
            | SwitchAction::StopAlerting { call, .. }
            | SwitchAction::Connect { call, .. }
            | SwitchAction::Release { call }
            | SwitchAction::Redirect { call, .. }
            | SwitchAction::OffHook { call, .. }
            | SwitchAction::Originate { call, .. }
            | SwitchAction::PickUp { call, .. }
            | SwitchAction::Dial { call, .. }
            | SwitchAction::Drop { call, .. }
            | SwitchAction::Hold { call, .. }
            | SwitchAction::Retrieve { call, .. }
            | SwitchAction::Mute { call, .. }
            | SwitchAction::Digits { call, .. }
            | SwitchAction::ConnectIvr { call, .. }
            | SwitchAction::Inspect { call, .. }
            | SwitchAction::InspectMode { call, .. }
            | SwitchAction::EndInspect { call, .. }
            | SwitchAction::TakeOver { call, .. } => call,
            SwitchAction::Join { into, .. } => into,
            SwitchAction::KeepLine { .. } | SwitchAction::DropLine { .. } => return None,
        })
    }
}

/// A party of a call, as the switch knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Party {
    /// An agent of the center, on its phone.
    Agent(WorkNo),
    /// A number outside the center: the customer of an inbound call, the far end of an
    /// outbound one.
    Number(String),
    /// An IVR flow of the center, by its access code, while it holds the call.
    Ivr(String),
}

/// Why the switch could not reach a number (`OUTBOUND_DETECT_EVENT` gives the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialFailure {
    Busy,
    Rejected,
    InvalidNumber,
    NoAnswer,
}

impl DialFailure {
    pub const ALL: [DialFailure; 4] =
        [DialFailure::Busy, DialFailure::Rejected, DialFailure::InvalidNumber, DialFailure::NoAnswer];

    /// The name used in configuration and the extension API.
    pub fn name(self) -> &'static str {
        match self {
            DialFailure::Busy => "busy",
            DialFailure::Rejected => "reject",
            DialFailure::InvalidNumber => "invalid",
            DialFailure::NoAnswer => "no-answer",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|failure| failure.name() == name)
    }
}

/// One thing the runtime must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A new sign-in began: events after this go to the new session's mailbox.
    SessionStarted {
        work_no: WorkNo,
        guid: Guid,
        login_time: Timestamp,
    },
    Event {
        work_no: WorkNo,
        event: AgentEvent,
    },
    /// The sign-in ended; its mailbox receives nothing more. `guids` were its live values.
    SessionEnded {
        work_no: WorkNo,
        login_time: Timestamp,
        guids: Vec<Guid>,
    },
    Switch(SwitchAction),
    Timer {
        at: Timestamp,
        timer: Timer,
    },
    /// A call entered the center: journal it, so that a crash before its end leaves a
    /// trace. Comes before the call's [`Effect::CallEnded`]; a call refused as it arrives
    /// (unrouted) has only the end.
    CallStarted(Box<CallStart>),
    CallEnded(Box<CallEnd>),
}

pub type Effects = Vec<Effect>;

type SkillKey = (Vdn, SkillId);

#[derive(Debug, Default)]
pub struct Center {
    settings: CenterSettings,
    agents: HashMap<WorkNo, Agent>,
    calls: HashMap<CallId, Call>,
    /// Skill queues as configured; a call for a skill not here has no agent.
    skills: HashMap<SkillKey, SkillProfile>,
    /// Waiting calls per skill queue, head first (priority, then arrival).
    queues: HashMap<SkillKey, BTreeMap<QueueKey, CallId>>,
    /// Agents available for an offer, per skill queue.
    pools: HashMap<SkillKey, IdlePool>,
    /// Signed-in agents per skill queue, whatever their state.
    staffed: HashMap<SkillKey, BTreeSet<WorkNo>>,
    counters: HashMap<SkillKey, SkillCounters>,
    joined: joined::JoinedCalls,
    /// IVR flows as configured, per VDN and flow id.
    ivr_flows: BTreeMap<(Vdn, IvrId), IvrFlow>,
    /// Where customer calls go by the number they dialled.
    routing: RoutingTable,
    next_offer: u64,
    next_arrival: u64,
    /// The gateway is stopping: no sign-in is taken any more.
    closing: bool,
    /// Requests refused for going over an agent's request rate.
    requests_refused: u64,
    /// Which inspectors monitor which agents.
    monitors: supervision::Monitors,
    /// The signed-in agent each phone belongs to: one agent's calls never ring another's.
    phone_owners: HashMap<PhoneNumber, WorkNo>,
}

impl Center {
    pub fn new(settings: CenterSettings) -> Self {
        Self { settings, ..Self::default() }
    }

    pub fn settings(&self) -> &CenterSettings {
        &self.settings
    }

    pub fn agent(&self, work_no: WorkNo) -> Option<&Agent> {
        self.agents.get(&work_no)
    }

    pub fn agents(&self) -> impl Iterator<Item = &Agent> {
        self.agents.values()
    }

    pub fn call(&self, id: &CallId) -> Option<&Call> {
        self.calls.get(id)
    }

    pub fn calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.values()
    }

    /// Checks the Guid an agent presents and counts the request as a sign of life.
    /// `may_rotate` is set for polls and handshakes, the requests that may carry a new
    /// Guid back (spec 01 §8.5). Returns the Guid to hand out, if any.
    pub fn authorize(
        &mut self,
        work_no: WorkNo,
        presented: Option<&str>,
        may_rotate: bool,
        now: Timestamp,
        fresh: impl FnOnce() -> Guid,
    ) -> Result<Option<Guid>, Refusal> {
        let auth = self.settings.auth;
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        let presented = presented.ok_or(Refusal::GuidInvalid)?;
        match agent.session.check(presented, may_rotate, &auth, now, fresh) {
            GuidCheck::Accepted { hand_out } => {
                agent.last_seen = now;
                Ok(hand_out)
            }
            GuidCheck::Refused => Err(Refusal::GuidInvalid),
        }
    }

    /// Counts one request of a signed-in agent against its [`RequestRate`]: over it,
    /// [`Refusal::TooFrequent`] (`000-007`). Call after [`Self::authorize`], so that
    /// requests with a wrong Guid cannot spend a real agent's budget.
    pub fn spend_request(&mut self, work_no: WorkNo, now: Timestamp) -> Result<(), Refusal> {
        let rate = self.settings.request_rate;
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        agent.requests.take(rate, now).map_err(|retry_after| {
            self.requests_refused += 1;
            Refusal::TooFrequent { retry_after_ms: retry_after.as_millis() as u64 }
        })
    }

    /// Requests refused by [`Self::spend_request`] since the center started.
    pub fn requests_refused(&self) -> u64 {
        self.requests_refused
    }

    /// Issues a new Guid for an agent (`updateGuid`); the old one stays valid as the previous.
    pub fn replace_guid(&mut self, work_no: WorkNo, guid: Guid, now: Timestamp) -> Result<(), Refusal> {
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        agent.session.rotate(guid, now);
        Ok(())
    }

    /// Carries out a timer that has come due.
    pub fn fire(&mut self, timer: Timer, now: Timestamp) -> Effects {
        let mut fx = Effects::new();
        match timer {
            Timer::RingTimeout { call, offer } => self.ring_timeout(&call, offer, now, &mut fx),
            Timer::WrapUpEnd { work_no, login_time, ends } => self.wrap_up_end(work_no, login_time, ends, now, &mut fx),
            Timer::RestEnd { work_no, login_time, ends } => self.rest_end(work_no, login_time, ends, &mut fx),
            Timer::QueueWait { call, hop } => self.queue_wait_over(&call, hop, now, &mut fx),
            Timer::Liveness { work_no, login_time } => self.liveness_check(work_no, login_time, now, &mut fx),
            Timer::Setup { call, attempt } => self.setup_timeout(&call, attempt, now, &mut fx),
            Timer::InspectorPhone { call, inspector, attempt } => {
                self.inspector_phone_timeout(&call, inspector, attempt, now, &mut fx)
            }
        }
        fx
    }

    /// The only writer of `Agent::state`: keeps the idle pools in step, and adds the
    /// time spent in the state left to the agent's statistics.
    fn set_state(&mut self, work_no: WorkNo, next: AgentState, now: Timestamp) {
        self.unpool(work_no);
        if let Some(agent) = self.agents.get_mut(&work_no) {
            agent.stats.add_time_in(&agent.state, agent.state_since, now);
            agent.state = next;
            agent.state_since = now;
        }
        self.pool(work_no);
    }

    /// Takes an available agent out of the pools of its skills (before a change).
    fn unpool(&mut self, work_no: WorkNo) {
        let Some((agent, since)) = self.agents.get(&work_no).and_then(|agent| Some((agent, agent.pooled_since()?)))
        else {
            return;
        };
        for grant in &agent.skills {
            if let Some(pool) = self.pools.get_mut(&(agent.profile.vdn, grant.skill)) {
                pool.remove(grant.level, since, work_no);
            }
        }
    }

    /// Puts an available agent into the pools of its skills (after a change).
    fn pool(&mut self, work_no: WorkNo) {
        let Some((agent, since)) = self.agents.get(&work_no).and_then(|agent| Some((agent, agent.pooled_since()?)))
        else {
            return;
        };
        for grant in &agent.skills {
            self.pools.entry((agent.profile.vdn, grant.skill)).or_default().insert(grant.level, since, work_no);
        }
    }

    /// Adds a signed-in agent to (or removes it from) the staff of each skill it serves.
    fn staff(&mut self, work_no: WorkNo, on: bool) {
        let Some(agent) = self.agents.get(&work_no) else { return };
        for skill in agent.skills() {
            let key = (agent.profile.vdn, skill);
            if on {
                self.staffed.entry(key).or_default().insert(work_no);
            } else if let Some(staff) = self.staffed.get_mut(&key) {
                staff.remove(&work_no);
            }
        }
    }

    /// Changes what decides where an agent is indexed (skills, talk right), keeping the
    /// pools and staff in step, and offers it a waiting call if it is now available.
    fn reindex(
        &mut self,
        work_no: WorkNo,
        now: Timestamp,
        change: impl FnOnce(&mut Agent),
    ) -> Result<Effects, Refusal> {
        if !self.agents.contains_key(&work_no) {
            return Err(Refusal::NotSignedIn);
        }
        self.unpool(work_no);
        self.staff(work_no, false);
        if let Some(agent) = self.agents.get_mut(&work_no) {
            change(agent);
        }
        self.staff(work_no, true);
        self.pool(work_no);
        let mut fx = Effects::new();
        self.find_call_for(work_no, now, &mut fx);
        Ok(fx)
    }

    /// Replaces the skill configuration (directory edits take effect without a restart).
    /// Calls already waiting keep their place; the new limits apply from now on.
    pub fn configure_skills(&mut self, skills: Vec<SkillProfile>) {
        self.skills = skills.into_iter().map(|skill| ((skill.vdn, skill.id), skill)).collect();
    }

    pub fn skill(&self, vdn: Vdn, id: SkillId) -> Option<&SkillProfile> {
        self.skills.get(&(vdn, id))
    }

    pub fn skills(&self) -> impl Iterator<Item = &SkillProfile> {
        self.skills.values()
    }

    fn emit(fx: &mut Effects, work_no: WorkNo, event: AgentEvent) {
        fx.push(Effect::Event { work_no, event });
    }
}

#[cfg(test)]
mod tests;
