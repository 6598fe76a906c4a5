//! The switch's view of a call: who is on it and in what state.

use std::fmt;

use ccgw_core::{CallId, Party, QcMode, SkillId, Timestamp, Vdn, WorkNo};

/// A live call and its parties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCall {
    pub id: CallId,
    pub origin: CallOrigin,
    pub caller: String,
    pub called: String,
    pub placed_at: Timestamp,
    /// Waiting in a skill queue of the center, with no agent on it.
    pub queued: bool,
    pub parties: Vec<SimParty>,
}

/// Who started the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOrigin {
    /// A customer called in: what the call brought into the center. `queue` is the VDN
    /// and skill a call placed for a skill (`place_call`) was put in; `None` for a call
    /// the center routed by its dialled number (`dial_in`).
    Customer { queue: Option<(Vdn, SkillId)>, call_data: String, media_type: u8, priority: u8 },
    /// An agent placed it (`OffHook`).
    Agent(WorkNo),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimParty {
    pub party: Party,
    pub state: SimPartyState,
    pub muted: bool,
    /// DTMF digits this party sent, in order.
    pub digits: String,
    /// The dial attempt that brought a dialled number in, or the stay of an IVR flow; a
    /// scheduled outcome applies only to the attempt or stay it was made for.
    pub(super) dial: Option<u64>,
    /// An inspector's phone in the call: who it inspects and how.
    pub inspects: Option<SimInspection>,
}

/// What an inspector's phone in a call does (spec 06 §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimInspection {
    pub agent: WorkNo,
    pub mode: QcMode,
}

impl SimParty {
    pub(super) fn new(party: Party, state: SimPartyState) -> Self {
        Self { party, state, muted: false, digits: String::new(), dial: None, inspects: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimPartyState {
    Alerting,
    Connected,
    Held,
}

impl SimPartyState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Alerting => "alerting",
            Self::Connected => "connected",
            Self::Held => "held",
        }
    }

    /// On the line: connected, or held (still part of the conversation).
    fn is_on_line(self) -> bool {
        matches!(self, Self::Connected | Self::Held)
    }
}

impl fmt::Display for SimPartyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A call's state at a glance, derived from its parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimCallState {
    /// In a skill queue, no agent on it.
    Queued,
    /// An agent's phone rings.
    Ringing,
    /// A dialled number rings, or an agent is off-hook alone.
    Dialing,
    /// Two or more parties on the line.
    Talking,
    /// One outside party left alone on the call.
    Waiting,
    /// An IVR flow holds the call.
    InIvr,
}

impl SimCallState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Ringing => "ringing",
            Self::Dialing => "dialing",
            Self::Talking => "talking",
            Self::Waiting => "waiting",
            Self::InIvr => "ivr",
        }
    }
}

impl SimCall {
    pub fn state(&self) -> SimCallState {
        let is_agent = |party: &&SimParty| matches!(party.party, Party::Agent(_)) && party.inspects.is_none();
        if self.queued {
            SimCallState::Queued
        } else if self.in_ivr() {
            SimCallState::InIvr
        } else if self.parties.iter().filter(|party| party.state.is_on_line() && party.inspects.is_none()).count() >= 2
        {
            SimCallState::Talking
        } else if self.parties.iter().filter(is_agent).any(|party| party.state == SimPartyState::Alerting) {
            SimCallState::Ringing
        } else if self.parties.iter().any(|party| party.state == SimPartyState::Alerting)
            || self.parties.iter().any(|party| is_agent(&party))
        {
            SimCallState::Dialing
        } else {
            SimCallState::Waiting
        }
    }

    /// Whether `listener` hears `speaker`: both connected (a held party hears the hold
    /// tone), the speaker not muted; a listening inspector is heard by nobody, a
    /// whispering one by the agent it inspects only, an inserting one by everyone; an
    /// inspector hears the whole call.
    pub fn hears(&self, listener: &Party, speaker: &Party) -> bool {
        let (Some(heard_by), Some(talker)) = (self.party(listener), self.party(speaker)) else { return false };
        if listener == speaker
            || heard_by.state != SimPartyState::Connected
            || talker.state != SimPartyState::Connected
            || talker.muted
        {
            return false;
        }
        match talker.inspects {
            None => true,
            Some(SimInspection { mode: QcMode::Listen, .. }) => false,
            Some(SimInspection { mode: QcMode::Insert, .. }) => true,
            Some(SimInspection { mode: QcMode::Whisper, agent }) => *listener == Party::Agent(agent),
        }
    }

    /// The parties `listener` hears, in the call's order.
    pub fn heard_by(&self, listener: &Party) -> Vec<Party> {
        self.parties.iter().map(|p| p.party.clone()).filter(|speaker| self.hears(listener, speaker)).collect()
    }

    /// The first agent on the call, if any.
    pub fn agent(&self) -> Option<WorkNo> {
        self.parties.iter().find_map(|party| match party.party {
            Party::Agent(agent) => Some(agent),
            Party::Number(_) | Party::Ivr(_) => None,
        })
    }

    /// Whether an IVR flow is a party.
    pub fn in_ivr(&self) -> bool {
        self.parties.iter().any(|party| matches!(party.party, Party::Ivr(_)))
    }

    pub fn party(&self, party: &Party) -> Option<&SimParty> {
        self.parties.iter().find(|candidate| candidate.party == *party)
    }

    pub(super) fn party_mut(&mut self, party: &Party) -> Option<&mut SimParty> {
        self.parties.iter_mut().find(|candidate| candidate.party == *party)
    }

    /// Adds the party, or moves it to `state` if it is already on the call.
    pub(super) fn set_party(&mut self, party: Party, state: SimPartyState) {
        match self.party_mut(&party) {
            Some(existing) => existing.state = state,
            None => self.parties.push(SimParty::new(party, state)),
        }
    }

    /// Removes the party; `false` if it was not on the call.
    pub(super) fn remove_party(&mut self, party: &Party) -> bool {
        let before = self.parties.len();
        self.parties.retain(|candidate| candidate.party != *party);
        self.parties.len() != before
    }

    pub(super) fn has_agent(&self) -> bool {
        self.agent().is_some()
    }

    /// The customer of an inbound call, while it is on the call.
    pub(super) fn is_customer(&self, number: &str) -> bool {
        matches!(self.origin, CallOrigin::Customer { .. }) && self.caller == number
    }
}
