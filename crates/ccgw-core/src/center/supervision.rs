//! Quality control by inspectors (spec 06): forced state changes and sign-out of agents,
//! forced call drops, and monitoring subscriptions.
//!
//! - Only an agent whose directory role is inspector may, and only on agents signed in to
//!   its own VDN (`900-002` no right, `900-004` no such agent there, `000-005` itself).
//! - `forcebusy`, `forceidle`, `forcerest` are the agent's own `saybusy` (reason 3,
//!   "forced busy by inspector", replacing another busy reason), `sayfree`, `rest` (the
//!   time and reason given, replacing a rest under way), with the state table's rules: in
//!   a call they take effect after it; where the table refuses, `900-005` (QC: state
//!   error). The agent hears the events it would for its own request.
//! - `forcelogout`: the agent is signed out as by `forcelogout`, reason 257 ("forced out
//!   by inspector"), its calls released.
//! - `forcedropcall/{callid}`: every agent in that answered call of the VDN drops it, as
//!   by `dropcall`; a call not answered yet (queued, or ringing: dropping it would be the
//!   agent declining) is `900-005`, an unknown one `200-017`.
//! - `beginmonitor` / `endmonitor` keep, per inspector, the work numbers it monitors (at
//!   most [`MAX_MONITORED`]; signed in or not); the inspector then hears
//!   `QC_AgentState_Notify` for their sign-ins, sign-outs and state changes (see
//!   [`qc_subtype`]). An inspector's subscriptions end with its sign-in.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use super::{Center, Effects, QcMode, SignOut, StateCommand};
use crate::directory::Role;
use crate::event::AgentEvent;
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Most agents one inspector may monitor: their sign-ins at shift start (two
/// notifications each) must fit in the inspector's event log beside its own events.
pub const MAX_MONITORED: usize = 200;

/// The busy reason of `forcebusy` (spec 02 §4.5).
pub const FORCED_BUSY_REASON: u16 = 3;
/// The sign-out reason of `forcelogout` by an inspector (spec 02 §4.6).
pub const FORCED_OUT_REASON: u16 = 257;

/// What an inspector asks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QcCommand {
    ForceBusy(WorkNo),
    ForceIdle(WorkNo),
    ForceRest {
        agent: WorkNo,
        length: Duration,
        reason: u8,
    },
    ForceLogout(WorkNo),
    ForceDropCall(CallId),
    BeginMonitor(Vec<WorkNo>),
    EndMonitor(Vec<WorkNo>),
    /// `addsupervise`, `addinsert`, `requestwhisperagent[?whisperagentid=]` (no agent: the
    /// one inspected now).
    Inspect {
        agent: Option<WorkNo>,
        mode: QcMode,
    },
    /// `switch/{workNo}` (`mode: None`: listen ⇄ insert) and
    /// `requestswitchinsertwhisperagent?switchtype=`.
    ChangeMode {
        agent: Option<WorkNo>,
        mode: Option<QcMode>,
    },
    /// `DELETE {workNo}`, and `requeststopwhisperagent` (`whisper_only`).
    StopInspecting {
        agent: Option<WorkNo>,
        whisper_only: bool,
    },
    /// `intercept/{workNo}[/{callId}]`.
    Intercept {
        agent: WorkNo,
        call: Option<CallId>,
    },
    /// `deleteqctask?taskdsn=`: the QC task is the inspection of that call.
    EndQcTask(CallId),
}

/// Who monitors whom, both ways.
#[derive(Debug, Default)]
pub(super) struct Monitors {
    by_agent: HashMap<WorkNo, BTreeSet<WorkNo>>,
    by_inspector: HashMap<WorkNo, BTreeSet<WorkNo>>,
}

impl Monitors {
    fn add(&mut self, inspector: WorkNo, agent: WorkNo) {
        self.by_inspector.entry(inspector).or_default().insert(agent);
        self.by_agent.entry(agent).or_default().insert(inspector);
    }

    fn remove(&mut self, inspector: WorkNo, agent: WorkNo) {
        if let Some(agents) = self.by_inspector.get_mut(&inspector) {
            agents.remove(&agent);
            if agents.is_empty() {
                self.by_inspector.remove(&inspector);
            }
        }
        if let Some(inspectors) = self.by_agent.get_mut(&agent) {
            inspectors.remove(&inspector);
            if inspectors.is_empty() {
                self.by_agent.remove(&agent);
            }
        }
    }

    /// The inspector signed out: its subscriptions end.
    pub(super) fn forget_inspector(&mut self, inspector: WorkNo) {
        let agents = self.by_inspector.remove(&inspector).unwrap_or_default();
        for agent in agents {
            self.remove(inspector, agent);
        }
    }

    fn count(&self, inspector: WorkNo) -> usize {
        self.by_inspector.get(&inspector).map_or(0, BTreeSet::len)
    }
}

/// The `subtype` of `QC_AgentState_Notify` an agent's event stands for, if any: one per
/// agent state (ccgw's choice; spec 06 §3 documents Login and Logout only).
pub fn qc_subtype(event: &AgentEvent) -> Option<&'static str> {
    Some(match event {
        AgentEvent::Ready => "QC_AgentState_Idle",
        AgentEvent::Occupied => "QC_AgentState_Occupied",
        AgentEvent::NotReady { .. } => "QC_AgentState_Busy",
        AgentEvent::SetRest { .. } => "QC_AgentState_Rest",
        AgentEvent::Work => "QC_AgentState_Work",
        AgentEvent::Talking(_) => "QC_AgentState_Talking",
        _ => return None,
    })
}

impl Center {
    /// An inspector's quality-control command.
    pub fn supervise(&mut self, inspector: WorkNo, command: QcCommand, now: Timestamp) -> Result<Effects, Refusal> {
        let me = self.agents.get(&inspector).ok_or(Refusal::NotSignedIn)?;
        if me.profile.role != Role::Inspector {
            return Err(Refusal::QcNoRight);
        }
        match command {
            QcCommand::ForceBusy(agent) => {
                self.inspected(inspector, agent)?;
                let busy = StateCommand::SayBusy { reason: FORCED_BUSY_REASON, prolong: true };
                self.change_state(agent, busy, now).map_err(as_state_error)
            }
            QcCommand::ForceIdle(agent) => {
                self.inspected(inspector, agent)?;
                self.change_state(agent, StateCommand::SayFree, now).map_err(as_state_error)
            }
            QcCommand::ForceRest { agent, length, reason } => {
                self.inspected(inspector, agent)?;
                let rest = StateCommand::Rest { length, cause: reason, prolong: true };
                self.change_state(agent, rest, now).map_err(as_state_error)
            }
            QcCommand::ForceLogout(agent) => {
                self.inspected(inspector, agent)?;
                self.sign_out(agent, SignOut::Forced { reason: FORCED_OUT_REASON }, now)
            }
            QcCommand::ForceDropCall(call_id) => self.force_drop_call(inspector, &call_id, now),
            QcCommand::BeginMonitor(agents) => {
                let new = agents
                    .iter()
                    .filter(|agent| !self.monitors.by_inspector.get(&inspector).is_some_and(|a| a.contains(agent)));
                if self.monitors.count(inspector) + new.count() > MAX_MONITORED {
                    return Err(Refusal::InvalidParameter(format!(
                        "at most {MAX_MONITORED} agents are monitored at once"
                    )));
                }
                if agents.contains(&inspector) {
                    return Err(Refusal::QcSelf);
                }
                agents.into_iter().for_each(|agent| self.monitors.add(inspector, agent));
                Ok(Effects::new())
            }
            QcCommand::EndMonitor(agents) => {
                agents.into_iter().for_each(|agent| self.monitors.remove(inspector, agent));
                Ok(Effects::new())
            }
            QcCommand::Inspect { agent, mode } => self.inspect(inspector, agent, mode, now),
            QcCommand::ChangeMode { agent, mode } => self.change_mode(inspector, agent, mode, now),
            QcCommand::StopInspecting { agent, whisper_only } => {
                self.stop_inspecting(inspector, agent, whisper_only, now)
            }
            QcCommand::Intercept { agent, call } => self.intercept(inspector, agent, call.as_ref(), now),
            QcCommand::EndQcTask(call) => self.end_qc_task(inspector, &call, now),
        }
    }

    /// `agent` may be acted on by `inspector`: another agent signed in to its VDN.
    pub(super) fn inspected(&self, inspector: WorkNo, agent: WorkNo) -> Result<(), Refusal> {
        if agent == inspector {
            return Err(Refusal::QcSelf);
        }
        let vdn = self.agents.get(&inspector).map(|me| me.profile.vdn);
        match self.agents.get(&agent) {
            Some(target) if Some(target.profile.vdn) == vdn => Ok(()),
            _ => Err(Refusal::QcNoAgent(agent)),
        }
    }

    fn force_drop_call(&mut self, inspector: WorkNo, call_id: &CallId, now: Timestamp) -> Result<Effects, Refusal> {
        let vdn = self.agents.get(&inspector).map(|me| me.profile.vdn);
        let call = self.calls.get(call_id).filter(|call| Some(call.info.vdn) == vdn).ok_or(Refusal::NoCallToRelease)?;
        let agents: Vec<WorkNo> = call.agents().collect();
        // Only a call agents talk in is dropped: dropping an offer would be the agent
        // declining it, and a queued call has nobody to drop it.
        if call.answered.is_none() || agents.is_empty() {
            return Err(Refusal::QcStateError);
        }
        let mut fx = Effects::new();
        let mut dropped = false;
        for agent in agents {
            // One agent's drop may have ended the call for the others already.
            if let Ok(more) = self.drop_call(agent, call_id, now) {
                fx.extend(more);
                dropped = true;
            }
        }
        if dropped { Ok(fx) } else { Err(Refusal::QcStateError) }
    }

    /// The agents `inspector` monitors, in work-number order.
    pub fn monitored_by(&self, inspector: WorkNo) -> Vec<WorkNo> {
        self.monitors.by_inspector.get(&inspector).map(|agents| agents.iter().copied().collect()).unwrap_or_default()
    }

    /// The inspectors monitoring `agent`.
    pub fn monitors_of(&self, agent: WorkNo) -> impl Iterator<Item = WorkNo> + '_ {
        self.monitors.by_agent.get(&agent).into_iter().flatten().copied()
    }

    /// Whether anyone monitors anybody (a quick test before looking up an agent's).
    pub fn anyone_monitored(&self) -> bool {
        !self.monitors.by_agent.is_empty()
    }
}

/// A state change the table refuses is, for an inspector, QC's state error.
fn as_state_error(refusal: Refusal) -> Refusal {
    match refusal {
        Refusal::StateForbids => Refusal::QcStateError,
        other => other,
    }
}
