//! Agent phones answering the center's offers (`Alert`): the first rule whose pattern
//! matches the agent's phone number decides; without one the phone rings and goes
//! off-hook at once, which gives exactly the events of a switch without leg reports.
//! (How a phone answers an `OffHook` for the agent's own call is its [`PhoneMode`].)
//!
//! [`PhoneMode`]: super::PhoneMode

use std::time::Duration;

use ccgw_core::{CallId, PhoneFailure, PhoneNumber, Timestamp, WorkNo};

use super::call::SimPartyState;
use super::due::Due;
use super::rules::{NumberPattern, RuleError, far_end_delay};
use super::{Outbox, SimError, SimState};
use crate::switch::TelephonyReport;

/// What an agent's phone does when the center rings it for an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentPhoneBehaviour {
    /// Rings, then goes off-hook (`after: None` = at once).
    Answer { after: Option<Duration> },
    /// Rings until the center gives up (its ring timeout).
    Ring,
    /// Fails with `cause` (`after: None` = at once). A busy or unreachable phone never
    /// rings; one that does not answer or rejects rings first.
    Fail { cause: PhoneFailure, after: Option<Duration> },
}

impl AgentPhoneBehaviour {
    pub const NAMES: [&'static str; 6] = ["answer", "ring", "busy", "unreachable", "no-answer", "reject"];

    /// `name` as in configuration and the extension API; `after_ms` for all but `ring`.
    pub fn parse(name: &str, after_ms: Option<u64>) -> Result<Self, RuleError> {
        let after = after_ms.map(far_end_delay).transpose()?;
        match name {
            "answer" => Ok(Self::Answer { after }),
            "ring" if after.is_some() => Err(RuleError::DelayNotAllowed("ring")),
            "ring" => Ok(Self::Ring),
            other => match PhoneFailure::from_name(other) {
                Some(cause) => Ok(Self::Fail { cause, after }),
                None => Err(RuleError::PhoneBehaviour(other.chars().take(40).collect())),
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Answer { .. } => "answer",
            Self::Ring => "ring",
            Self::Fail { cause, .. } => cause.name(),
        }
    }

    pub fn after(self) -> Option<Duration> {
        match self {
            Self::Answer { after } | Self::Fail { after, .. } => after,
            Self::Ring => None,
        }
    }

    fn rings_first(self) -> bool {
        !matches!(self, Self::Fail { cause: PhoneFailure::Busy | PhoneFailure::Unreachable, .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPhoneRule {
    /// Matched against the agent's phone number.
    pub pattern: NumberPattern,
    pub behaviour: AgentPhoneBehaviour,
}

impl AgentPhoneRule {
    pub fn parse(pattern: &str, behaviour: &str, after_ms: Option<u64>) -> Result<Self, RuleError> {
        Ok(Self {
            pattern: NumberPattern::parse(pattern)?,
            behaviour: AgentPhoneBehaviour::parse(behaviour, after_ms)?,
        })
    }
}

/// How a ringing agent phone ends, once its time is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PhoneOutcome {
    OffHook,
    Fail(PhoneFailure),
}

/// An agent phone ringing for an offer with a scripted outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AgentRing {
    call: CallId,
    agent: WorkNo,
    outcome: PhoneOutcome,
}

impl SimState {
    /// The center rings the agent's phone for an offer.
    pub(super) fn ring_agent(
        &mut self,
        call: &CallId,
        agent: WorkNo,
        phone: &PhoneNumber,
        now: Timestamp,
        out: &mut Outbox,
    ) {
        let behaviour = self
            .settings
            .agent_phones
            .iter()
            .find(|rule| rule.pattern.matches(phone.as_str()))
            .map_or(AgentPhoneBehaviour::Answer { after: None }, |rule| rule.behaviour);
        if behaviour.rings_first() {
            out.report(TelephonyReport::PhoneAlerting { call: call.clone(), agent });
        }
        let outcome = match behaviour {
            AgentPhoneBehaviour::Answer { .. } => PhoneOutcome::OffHook,
            AgentPhoneBehaviour::Ring => return,
            AgentPhoneBehaviour::Fail { cause, .. } => PhoneOutcome::Fail(cause),
        };
        match behaviour.after().filter(|after| !after.is_zero()) {
            None => out.report(phone_report(call.clone(), agent, outcome)),
            Some(after) => {
                self.dials += 1;
                let ring = self.dials;
                self.agent_rings.insert(ring, AgentRing { call: call.clone(), agent, outcome });
                out.timers.push(Due::AgentPhone { at: now.plus(after), ring });
            }
        }
    }

    /// A scripted phone outcome is due: it applies if the phone still rings for that call.
    pub(super) fn resolve_ring(&mut self, ring: u64, out: &mut Outbox) {
        let Some(AgentRing { call, agent, outcome }) = self.agent_rings.remove(&ring) else { return };
        let ringing = self.calls.get(&call).and_then(|sim| sim.party(&ccgw_core::Party::Agent(agent))).map(|p| p.state)
            == Some(SimPartyState::Alerting);
        if ringing {
            out.report(phone_report(call, agent, outcome));
        }
    }

    /// The center stopped ringing the phone (or the call ended): its scripted outcome is off.
    pub(super) fn forget_rings(&mut self, call: &CallId, agent: Option<WorkNo>) {
        self.agent_rings.retain(|_, ring| !(ring.call == *call && agent.is_none_or(|agent| agent == ring.agent)));
    }

    /// The agent puts the handset down on a call it is in.
    pub(super) fn agent_hangs_up(&mut self, call: &CallId, agent: WorkNo, out: &mut Outbox) -> Result<(), SimError> {
        let sim = self.calls.get(call).ok_or_else(|| SimError::NoSuchCall(call.clone()))?;
        if sim.party(&ccgw_core::Party::Agent(agent)).is_none() {
            return Err(SimError::NoSuchParty { call: call.clone(), number: agent.to_string() });
        }
        // The center answers with what the hang-up means (a release, a decline).
        out.report(TelephonyReport::PhoneHungUp { call: call.clone(), agent });
        Ok(())
    }
}

fn phone_report(call: CallId, agent: WorkNo, outcome: PhoneOutcome) -> TelephonyReport {
    match outcome {
        PhoneOutcome::OffHook => TelephonyReport::PhoneOffHook { call, agent },
        PhoneOutcome::Fail(cause) => TelephonyReport::PhoneFailed { call, agent, cause },
    }
}
