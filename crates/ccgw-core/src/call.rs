//! A call as the center sees it: a customer call routed through a skill queue, or a
//! call an agent placed (call-out, internal call, consultation), with its parties.

use std::cmp::Reverse;

use crate::center::{DialFailure, Inspection, Party, Supervision};
use crate::event::{CallFeature, CallInfo};
use crate::ids::{CallId, PhoneNumber, SkillId, Vdn, WorkNo};
use crate::ivr::IvrId;
use crate::time::Timestamp;

/// Where a call is in its routing. Only customer calls are ever queued or offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallState {
    /// Waiting in its skill queue.
    Queued,
    /// Offered to `agent`; `offer` tells a stale ring timeout from the current one.
    /// `phone` is how far the agent's phone leg has come; `answer` what happens once it
    /// is off-hook (see `center/phone_legs.rs`).
    Offered { agent: WorkNo, offer: u64, since: Timestamp, phone: OfferPhone, answer: OfferAnswer },
    /// Out of the queues since `since`: its parties tell who is in it and how.
    Live { since: Timestamp },
    /// In IVR flow `flow` since `since`: the customer talks with the flow (a
    /// [`Party::Ivr`]). `returns_to` is the agent who suspended the call there, who waits
    /// on hold in it; `None` after a blind transfer, or once that agent left.
    InIvr { flow: IvrId, since: Timestamp, returns_to: Option<WorkNo> },
}

/// How far the agent's phone leg of an offered call has come, as the switch reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferPhone {
    /// The switch was asked to ring the phone (`Alert`) and has reported nothing yet.
    Dialling,
    /// The phone rings (`AgentOther_PhoneAlerting` sent).
    Alerting,
    /// The phone is off-hook (`AgentOther_PhoneOffhook` sent): the call rings at the
    /// agent in software until it answers (manual answer only).
    OffHook,
}

/// What an offer does once the agent's phone is off-hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferAnswer {
    /// `AgentEvent_Ringing`; the agent answers with `answer`.
    Ring,
    /// `AgentEvent_Auto_Answer`, `AgentEvent_Talking`: the agent signed in with auto-answer.
    Auto,
    /// `AgentEvent_Talking`: the agent asked for the call itself (`snatchpickup`).
    Pickup,
}

/// How far one party's leg of a call has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Leg {
    /// Asked for and not ringing yet: an agent's phone going off-hook, a number being dialled.
    Setup,
    Alerting,
    Connected,
    /// The party (an agent) put the call on hold; the others hear the hold tone.
    Held,
}

/// One party of a live call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallParty {
    pub party: Party,
    pub leg: Leg,
    pub muted: bool,
}

impl CallParty {
    pub(crate) fn new(party: Party, leg: Leg) -> Self {
        Self { party, leg, muted: false }
    }

    pub fn agent(&self) -> Option<WorkNo> {
        match self.party {
            Party::Agent(work_no) => Some(work_no),
            Party::Number(_) | Party::Ivr(_) => None,
        }
    }
}

/// A call placed into a skill queue by the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    pub id: CallId,
    pub vdn: Vdn,
    pub skill: SkillId,
    pub caller: String,
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first; equal priorities are served in arrival order.
    pub priority: u8,
}

/// A customer call the switch reports by the number it dialled; the center routes it
/// (see [`crate::RoutingTable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCall {
    pub id: CallId,
    pub caller: String,
    /// The dialled number: a VDN's access code, possibly followed by a route suffix.
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first; equal priorities are served in arrival order.
    pub priority: u8,
}

/// A waiting call's place in its queue: higher priority first, then earlier arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueKey {
    rank: Reverse<u8>,
    arrived: Timestamp,
    seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub(crate) info: NewCall,
    pub(crate) feature: CallFeature,
    /// The agent who placed the call; `None` for a customer call.
    pub(crate) placed_by: Option<WorkNo>,
    pub(crate) arrived: Timestamp,
    /// Arrival order in the center, to break ties between calls of the same millisecond.
    pub(crate) seq: u64,
    pub(crate) state: CallState,
    /// Agents this call was offered to and who did not take it, oldest first.
    pub(crate) offered_to: Vec<WorkNo>,
    /// Skill queues the call entered, in order; the last is its current queue.
    pub(crate) route: Vec<SkillId>,
    /// Where in `route` its current run of overflows began (arrival, a transfer, an IVR
    /// flow's return): an overflow may not lead back into a queue of that run.
    pub(crate) overflow_run: usize,
    /// When the call entered its current queue.
    pub(crate) queued_since: Timestamp,
    /// Everyone in the call or being connected to it, in the order they came.
    pub(crate) parties: Vec<CallParty>,
    /// The first agent to talk in the call, and when (for the outcome).
    pub(crate) answered: Option<(WorkNo, Timestamp)>,
    /// Counts set-up steps, so that a stale set-up timer is recognised.
    pub(crate) attempt: u64,
    /// For a consultation: the call it consults about, held meanwhile, and what follows.
    pub(crate) consult: Option<Consult>,
    /// A transfer of this call under way: its target is being reached.
    pub(crate) transfer: Option<Transfer>,
    /// The agent who last transferred the call here (`transfer`/`transfrom` in Ringing).
    pub(crate) transferred_from: Option<WorkNo>,
    /// Every agent who talked in the call, in order (the record keeps the hand-overs).
    pub(crate) talked: Vec<WorkNo>,
    /// Business data the agents set on the call (`setcallbusinessdata`); not recorded.
    pub(crate) business_data: String,
    /// The called agent (internal call, consultation, transfer) whose phone leg the
    /// switch is still to report off-hook; only with reported phone legs.
    pub(crate) called_phone: Option<CalledPhone>,
    /// An inspector in the call (kept beside its parties: see `center/inspection.rs`).
    pub(crate) inspection: Option<Inspection>,
    /// What inspectors did in the call, for its record.
    pub(crate) supervision: Vec<Supervision>,
}

/// A called agent's phone leg awaited from the switch: the call rings at the agent only
/// once its phone is off-hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CalledPhone {
    pub(crate) callee: WorkNo,
    /// Who is told `AgentOther_Customer_Alerting` when it rings: the placer, or the
    /// transferring agent.
    pub(crate) caller: WorkNo,
    pub(crate) phone: OfferPhone,
}

/// What an agent keeps of the last call it talked in, once it has left it: enough for
/// the call-information object of `calldata/{agentid}/callinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCall {
    pub id: CallId,
    pub caller: String,
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// The skill queue the call was in (or came from) when the agent left it.
    pub skill: SkillId,
    pub feature: CallFeature,
    pub arrived: Timestamp,
    /// When the agent left the call.
    pub left: Timestamp,
}

/// What a consultation call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterConsult {
    /// Two-party help: the agent talks with the helper, then decides (`confjoin`,
    /// `connecthold`, `gethold`, release).
    Talk,
    /// Three-party help or a three-party transfer: a conference forms when the helper answers.
    Conference,
    /// A talk transfer: when the agent hangs up, the held call and the helper are connected.
    TransferOnRelease,
}

/// The link from a consultation call to the call it consults about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consult {
    pub about: CallId,
    pub then: AfterConsult,
}

/// A transfer of a call to a target reached within the same call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The agent who asked for it.
    pub by: WorkNo,
    /// The agent or number being reached.
    pub to: Party,
    /// A blind transfer: `by` has left already; otherwise `by` holds the call and is
    /// released only when the target answers (a success transfer).
    pub blind: bool,
    /// `transferred_from` before this transfer, restored when it fails.
    pub(crate) previous_from: Option<WorkNo>,
}

impl Call {
    /// A customer call as it enters the center: the customer connected, in no queue yet.
    pub(crate) fn customer(info: NewCall, arrived: Timestamp, seq: u64, state: CallState) -> Self {
        Call {
            parties: vec![CallParty::new(Party::Number(info.caller.clone()), Leg::Connected)],
            info,
            feature: CallFeature::Inbound,
            placed_by: None,
            arrived,
            seq,
            state,
            offered_to: Vec::new(),
            route: Vec::new(),
            queued_since: arrived,
            answered: None,
            attempt: 0,
            consult: None,
            transfer: None,
            transferred_from: None,
            talked: Vec::new(),
            business_data: String::new(),
            called_phone: None,
            overflow_run: 0,
            inspection: None,
            supervision: Vec::new(),
        }
    }

    pub fn id(&self) -> &CallId {
        &self.info.id
    }

    pub fn info(&self) -> &NewCall {
        &self.info
    }

    pub fn arrived(&self) -> Timestamp {
        self.arrived
    }

    pub fn state(&self) -> &CallState {
        &self.state
    }

    /// The IVR flow the call is in, if it is in one.
    pub fn ivr_flow(&self) -> Option<IvrId> {
        match self.state {
            CallState::InIvr { flow, .. } => Some(flow),
            CallState::Queued | CallState::Offered { .. } | CallState::Live { .. } => None,
        }
    }

    /// The skill queue the call is in (or was offered from).
    pub fn skill(&self) -> SkillId {
        self.route.last().copied().unwrap_or(self.info.skill)
    }

    pub fn route(&self) -> &[SkillId] {
        &self.route
    }

    pub fn queued_since(&self) -> Timestamp {
        self.queued_since
    }

    pub fn offered_to(&self) -> &[WorkNo] {
        &self.offered_to
    }

    pub fn feature(&self) -> CallFeature {
        self.feature
    }

    pub fn placed_by(&self) -> Option<WorkNo> {
        self.placed_by
    }

    pub fn parties(&self) -> &[CallParty] {
        &self.parties
    }

    pub fn answered(&self) -> Option<(WorkNo, Timestamp)> {
        self.answered
    }

    pub fn consult(&self) -> Option<&Consult> {
        self.consult.as_ref()
    }

    pub fn transfer(&self) -> Option<&Transfer> {
        self.transfer.as_ref()
    }

    pub fn transferred_from(&self) -> Option<WorkNo> {
        self.transferred_from
    }

    /// Every agent who talked in the call, in order.
    pub fn talked(&self) -> &[WorkNo] {
        &self.talked
    }

    pub fn business_data(&self) -> &str {
        &self.business_data
    }

    /// The call as an agent leaving it at `left` remembers it.
    pub(crate) fn snapshot(&self, left: Timestamp) -> LastCall {
        LastCall {
            id: self.info.id.clone(),
            caller: self.info.caller.clone(),
            called: self.info.called.clone(),
            call_data: self.info.call_data.clone(),
            media_type: self.info.media_type,
            skill: self.skill(),
            feature: self.feature,
            arrived: self.arrived,
            left,
        }
    }

    /// Whether the agent talks in the call with somebody (not setting it up, not holding).
    pub fn is_talking(&self, work_no: WorkNo) -> bool {
        self.agent_leg(work_no) == Some(Leg::Connected)
            && self.parties.iter().any(|p| p.party != Party::Agent(work_no) && p.leg == Leg::Connected)
    }

    pub fn party(&self, party: &Party) -> Option<&CallParty> {
        self.parties.iter().find(|p| p.party == *party)
    }

    pub(crate) fn party_mut(&mut self, party: &Party) -> Option<&mut CallParty> {
        self.parties.iter_mut().find(|p| p.party == *party)
    }

    /// The agent's leg in this call, if the agent is a party.
    pub fn agent_leg(&self, work_no: WorkNo) -> Option<Leg> {
        self.party(&Party::Agent(work_no)).map(|p| p.leg)
    }

    /// Agents who are parties, in the order they came.
    pub fn agents(&self) -> impl Iterator<Item = WorkNo> + '_ {
        self.parties.iter().filter_map(CallParty::agent)
    }

    /// What Ringing, Auto_Answer and Talking tell about the call. In a call between
    /// agents both numbers are work numbers with the `a` prefix (spec 04 §5.7).
    pub fn event_info(&self) -> CallInfo {
        let (caller, called) = if self.feature.is_internal() {
            (format!("a{}", self.info.caller), format!("a{}", self.info.called))
        } else {
            (self.info.caller.clone(), self.info.called.clone())
        };
        CallInfo {
            call: self.info.id.clone(),
            caller,
            called,
            feature: self.feature,
            media_type: self.info.media_type,
            transferred_from: self.transferred_from.map(|work_no| work_no.to_string()),
        }
    }

    /// Notes that `work_no` talks in the call now.
    pub(crate) fn mark_talked(&mut self, work_no: WorkNo) {
        if self.talked.last() != Some(&work_no) {
            self.talked.push(work_no);
        }
    }

    pub(crate) fn queue_key(&self) -> QueueKey {
        QueueKey { rank: Reverse(self.info.priority), arrived: self.arrived, seq: self.seq }
    }
}

/// How a party is named in events (`number` of `AgentEvent_Customer_Release`, `partner`).
pub fn party_number(party: &Party) -> String {
    match party {
        Party::Agent(work_no) => work_no.to_string(),
        Party::Number(number) | Party::Ivr(number) => number.clone(),
    }
}

/// Who or what ended a call that had been answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    Customer,
    Agent,
    /// The agent was signed out by force or by the liveness timeout.
    SignOut,
    /// The gateway stopped while the call was live.
    Shutdown,
    /// An IVR flow released the customer at its end.
    Ivr,
}

impl EndedBy {
    pub const ALL: [EndedBy; 5] =
        [EndedBy::Customer, EndedBy::Agent, EndedBy::SignOut, EndedBy::Shutdown, EndedBy::Ivr];

    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Customer => "customer",
            EndedBy::Agent => "agent",
            EndedBy::SignOut => "sign-out",
            EndedBy::Shutdown => "shutdown",
            EndedBy::Ivr => "ivr",
        }
    }
}

/// Why a call an agent placed never connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason {
    /// The agent's own phone refused or was not picked up in time.
    AgentPhone,
    /// The dialled number could not be reached.
    FarEnd(DialFailure),
    /// The called agent was not signed in or not free.
    AgentUnavailable,
    /// Nobody answered within the time allowed.
    Timeout,
    /// The placing agent hung up (or was signed out) first.
    Cancelled,
}

impl FailReason {
    pub const ALL: [FailReason; 8] = [
        FailReason::AgentPhone,
        FailReason::FarEnd(DialFailure::Busy),
        FailReason::FarEnd(DialFailure::Rejected),
        FailReason::FarEnd(DialFailure::InvalidNumber),
        FailReason::FarEnd(DialFailure::NoAnswer),
        FailReason::AgentUnavailable,
        FailReason::Timeout,
        FailReason::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailReason::AgentPhone => "agent-phone",
            FailReason::FarEnd(failure) => failure.name(),
            FailReason::AgentUnavailable => "agent-unavailable",
            FailReason::Timeout => "timeout",
            FailReason::Cancelled => "cancelled",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == name)
    }
}

/// How a call ended: every call ends with exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// Talked with `agent`.
    Answered { agent: WorkNo, answered_at: Timestamp, ended_by: EndedBy },
    /// The customer hung up while the call waited in the queue.
    AbandonedInQueue,
    /// The customer hung up while the call rang at `agent`.
    AbandonedRinging { agent: WorkNo },
    /// No agent could take the call: unknown skill, or an unstaffed skill that refuses calls.
    NoAgent,
    /// The queue already held its maximum of waiting calls.
    QueueFull,
    /// The call waited its maximum and left the center for `to`.
    Overflowed { to: PhoneNumber },
    /// The call waited its maximum and had nowhere to overflow to.
    TimedOut,
    /// A call placed by `agent` that never connected.
    Failed { agent: WorkNo, reason: FailReason },
    /// The call's parties were joined into call `into` (conference, connect-held); that
    /// call carries on and has its own outcome.
    Joined { into: CallId },
    /// The gateway stopped before the call was answered.
    Shutdown,
    /// The dialled number leads to no route: the center refused the call.
    Unrouted,
    /// The gateway stopped without ending the call (a crash, a kill) and found it still
    /// open in the call journal when it started again; `ended` is that start.
    LostAtRestart,
}

impl CallOutcome {
    /// Every value [`CallOutcome::code`] can give.
    pub const CODES: [&'static str; 12] = [
        "answered",
        "abandoned-in-queue",
        "abandoned-ringing",
        "no-agent",
        "queue-full",
        "overflowed",
        "timed-out",
        "failed",
        "joined",
        "shutdown",
        "unrouted",
        "lost-at-restart",
    ];

    /// A stable name for records and the extension API.
    pub fn code(&self) -> &'static str {
        match self {
            CallOutcome::Answered { .. } => "answered",
            CallOutcome::AbandonedInQueue => "abandoned-in-queue",
            CallOutcome::AbandonedRinging { .. } => "abandoned-ringing",
            CallOutcome::NoAgent => "no-agent",
            CallOutcome::QueueFull => "queue-full",
            CallOutcome::Overflowed { .. } => "overflowed",
            CallOutcome::TimedOut => "timed-out",
            CallOutcome::Failed { .. } => "failed",
            CallOutcome::Joined { .. } => "joined",
            CallOutcome::Shutdown => "shutdown",
            CallOutcome::Unrouted => "unrouted",
            CallOutcome::LostAtRestart => "lost-at-restart",
        }
    }

    /// The agent who answered or was ringing, if any.
    pub fn agent(&self) -> Option<WorkNo> {
        match self {
            CallOutcome::Answered { agent, .. }
            | CallOutcome::AbandonedRinging { agent }
            | CallOutcome::Failed { agent, .. } => Some(*agent),
            _ => None,
        }
    }
}

/// A call as it entered the center, journalled at once so that a crash cannot make it
/// vanish without a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallStart {
    pub call: NewCall,
    pub feature: CallFeature,
    pub arrived: Timestamp,
}

impl CallStart {
    /// The record of a call that was still open when the gateway stopped without ending
    /// it, closed at `restarted`: who it reached is not journalled, only how it came in.
    pub fn lost_at_restart(self, restarted: Timestamp) -> CallEnd {
        CallEnd {
            route: vec![self.call.skill],
            call: self.call,
            feature: self.feature,
            arrived: self.arrived,
            ended: restarted.max(self.arrived),
            outcome: CallOutcome::LostAtRestart,
            supervision: Vec::new(),
            offered_to: Vec::new(),
            talked: Vec::new(),
        }
    }
}

/// The record of a finished call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEnd {
    /// The call as it arrived (its `skill` is the first queue it entered).
    pub call: NewCall,
    pub feature: CallFeature,
    /// Every skill queue the call entered, in order; the last is where it ended.
    pub route: Vec<SkillId>,
    pub arrived: Timestamp,
    pub ended: Timestamp,
    pub outcome: CallOutcome,
    /// Agents the call was offered to who did not take it, oldest first.
    pub offered_to: Vec<WorkNo>,
    /// Every agent who talked in the call, in order (more than one after a transfer).
    pub talked: Vec<WorkNo>,
    /// Inspectors' listening, inserting, whispering and intercepts, in order.
    pub supervision: Vec<Supervision>,
}
