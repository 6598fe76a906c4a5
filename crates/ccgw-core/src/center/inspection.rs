//! Inspectors in agents' calls (spec 06 §1): listening, barge-in (insert), whispering, the
//! switches between them, stopping, and taking the call over (intercept).
//!
//! - An inspection is kept beside the call's parties, not among them: the inspector is
//!   never the customer's party, a transfer's or a conference's, and a call does not go
//!   on for it. At most one inspector is in a call at a time (`900-003` for a second).
//! - Who hears whom (the switch carries it; the simulated switch shows it): listening,
//!   the inspector hears the call and nobody hears it; inserting, everyone hears
//!   everyone; whispering, the inspector hears the call and only the inspected agent
//!   hears the inspector — never the customer.
//! - The inspector must be idle or busy (spec 06 asks idle; supervisors often sit busy so
//!   that no customer call reaches them) and goes back to that state afterwards. Its
//!   phone is rung for the call: `AgentOther_PhoneAlerting` (not for an always-off-hook
//!   phone), then `AgentOther_PhoneOffhook`, `AgentState_Busy`; the agent then hears
//!   `AgentOther_BeQcStart` with the `qcType` (8 listen, 9 insert, 20172 whisper).
//! - The inspection ends when the inspector stops it, hangs up or signs out, and when the
//!   inspected agent leaves the call (hangs up, transfers, signs out) or the call ends:
//!   the agent hears `AgentOther_BeQcStop`, the inspector `AgentOther_PhoneRelease` and
//!   its state.
//! - Intercept: the inspector takes the agent's place in the call (`AgentEvent_Talking`);
//!   the agent leaves it as if the customer had gone (`Call_Release`, `PhoneRelease`,
//!   its state after a call). Not while a transfer of the call is under way.
//! - Every stretch of listening, inserting or whispering, and every intercept, goes into
//!   the call's record ([`Supervision`]).

use super::legs::Afterwards;
use super::{Center, Effect, Effects, Party, SwitchAction, SwitchFeature, Timer};
use crate::agent::AgentState;
use crate::call::{CallParty, CallState, Leg};
use crate::event::{AgentEvent, PhoneReleasedBy};
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Most supervision entries one call's record keeps: past them, further starts and
/// switches on the call are refused (`900-003`) rather than left out of the record.
pub const MAX_SUPERVISION_ENTRIES: usize = 64;

/// How an inspector is in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QcMode {
    /// Hears the call; nobody hears it (`addsupervise`).
    Listen,
    /// Talks with everyone (`addinsert`).
    Insert,
    /// Hears the call; only the inspected agent hears it (`requestwhisperagent`).
    Whisper,
}

impl QcMode {
    /// `qcType` of `AgentOther_BeQcStart`/`BeQcStop` (spec 06 §5; of the two whisper
    /// codes, ccgw sends 20172).
    pub fn qc_type(self) -> u32 {
        match self {
            QcMode::Listen => 8,
            QcMode::Insert => 9,
            QcMode::Whisper => 20172,
        }
    }

    /// `switchtype` of `requestswitchinsertwhisperagent`: 0 listen, 1 insert, 2 whisper.
    pub fn from_switch_type(switch_type: i64) -> Option<Self> {
        match switch_type {
            0 => Some(QcMode::Listen),
            1 => Some(QcMode::Insert),
            2 => Some(QcMode::Whisper),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            QcMode::Listen => "listen",
            QcMode::Insert => "insert",
            QcMode::Whisper => "whisper",
        }
    }
}

/// What an inspector did in a call, for its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionKind {
    Listen,
    Insert,
    Whisper,
    /// Took the call over from the agent.
    Intercept,
}

impl SupervisionKind {
    pub fn name(self) -> &'static str {
        match self {
            SupervisionKind::Listen => "listen",
            SupervisionKind::Insert => "insert",
            SupervisionKind::Whisper => "whisper",
            SupervisionKind::Intercept => "intercept",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Listen, Self::Insert, Self::Whisper, Self::Intercept].into_iter().find(|kind| kind.name() == name)
    }
}

impl From<QcMode> for SupervisionKind {
    fn from(mode: QcMode) -> Self {
        match mode {
            QcMode::Listen => SupervisionKind::Listen,
            QcMode::Insert => SupervisionKind::Insert,
            QcMode::Whisper => SupervisionKind::Whisper,
        }
    }
}

/// One entry of a call's supervision record: who supervised whom, how, from when until
/// when (an intercept is a moment: `from == until`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Supervision {
    pub inspector: WorkNo,
    pub agent: WorkNo,
    pub kind: SupervisionKind,
    pub from: Timestamp,
    pub until: Timestamp,
}

/// An inspector in a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inspection {
    pub(crate) inspector: WorkNo,
    /// The inspected agent.
    pub(crate) agent: WorkNo,
    pub(crate) mode: QcMode,
    /// The inspector's phone is off-hook in the call (until then it is being rung).
    pub(crate) on_line: bool,
    /// When the inspector asked to join.
    pub(crate) started: Timestamp,
    /// When the current mode began (for the record).
    pub(crate) mode_since: Timestamp,
    /// Tells a stale phone deadline from the current one.
    pub(crate) attempt: u64,
}

/// An inspector's inspection as `queryqctasks` lists it: ccgw's QC tasks are the
/// inspector's own supervision of a call (spec 06 §4 leaves them undocumented).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QcTask {
    pub call: CallId,
    pub agent: WorkNo,
    pub mode: QcMode,
    pub started: Timestamp,
    /// The inspector's phone is on the call (otherwise it is being rung).
    pub on_line: bool,
}

/// Which agent an inspector's request names: the path's, or (where the parameter is
/// optional) the one it inspects now.
fn named(agent: Option<WorkNo>, current: Option<&Inspection>) -> Result<WorkNo, Refusal> {
    match (agent, current) {
        (Some(agent), _) => Ok(agent),
        (None, Some(inspection)) => Ok(inspection.agent),
        (None, None) => Err(Refusal::QcCannot("the inspector inspects nobody: name the agent (whisperagentid)".into())),
    }
}

/// Why an inspection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InspectionEnd {
    /// The inspector asked, or put its handset down.
    Stopped,
    /// The agent left the call, or the call ended.
    CallGone,
    /// The inspector's phone could not be reached.
    PhoneFailed,
    /// The inspector is being signed out.
    SigningOut,
}

impl Center {
    /// The call `inspector` is in as an inspector, with its inspection.
    fn inspecting(&self, inspector: WorkNo) -> Option<(CallId, &Inspection)> {
        let AgentState::Inspecting { call } = &self.agents.get(&inspector)?.state else { return None };
        let inspection = self.calls.get(call)?.inspection.as_ref()?;
        Some((call.clone(), inspection))
    }

    /// `addsupervise`, `addinsert`, `requestwhisperagent`: the inspector joins the agent's
    /// call in `mode`; one already inspecting that agent changes mode instead.
    pub(super) fn inspect(
        &mut self,
        inspector: WorkNo,
        agent: Option<WorkNo>,
        mode: QcMode,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let current = self.inspecting(inspector).map(|(_, inspection)| inspection);
        let agent = named(agent, current)?;
        if agent == inspector {
            return Err(Refusal::QcSelf);
        }
        if let Some(current) = current {
            return if current.agent == agent {
                self.change_mode(inspector, Some(agent), Some(mode), now)
            } else {
                Err(Refusal::QcCannot("the inspector inspects another agent".into()))
            };
        }
        if !self.settings.switch_features.supervision {
            return Err(Refusal::NotOnThisSwitch(SwitchFeature::Supervision));
        }
        self.inspected(inspector, agent)?;
        let me = self.agents.get(&inspector).ok_or(Refusal::NotSignedIn)?;
        if !matches!(me.state, AgentState::Idle { .. } | AgentState::NotReady { .. }) {
            return Err(Refusal::QcCannot("the inspector must be idle or busy".into()));
        }
        let (phone, always_off_hook) = (me.phone.clone(), me.always_off_hook);
        let call_id = self.inspectable_call(agent)?;
        self.remember_state_before_call(inspector, now);
        self.next_offer += 1;
        let attempt = self.next_offer;
        let Some(call) = self.calls.get_mut(&call_id) else { return Err(Refusal::QcStateError) };
        call.inspection =
            Some(Inspection { inspector, agent, mode, on_line: false, started: now, mode_since: now, attempt });
        self.set_state(inspector, AgentState::Inspecting { call: call_id.clone() }, now);
        let mut fx = Effects::new();
        if !always_off_hook {
            Self::emit(&mut fx, inspector, AgentEvent::PhoneAlerting);
        }
        let action = SwitchAction::Inspect { call: call_id.clone(), inspector, agent, phone, mode };
        fx.push(Effect::Switch(action));
        if self.settings.phone_legs.reported() {
            let at = now.plus(self.settings.ring_timeout);
            fx.push(Effect::Timer { at, timer: Timer::InspectorPhone { call: call_id, inspector, attempt } });
        } else {
            self.inspector_on_line(&call_id, inspector, now, &mut fx);
        }
        Ok(fx)
    }

    /// The call the agent talks in, if an inspector may join it: answered, live, the
    /// agent on it, no other inspector, room in its record.
    fn inspectable_call(&self, agent: WorkNo) -> Result<CallId, Refusal> {
        let Some(AgentState::Talking { call: call_id }) = self.agents.get(&agent).map(|a| &a.state) else {
            return Err(Refusal::QcCannot("the agent is not in a call".into()));
        };
        let call = self.calls.get(call_id).ok_or(Refusal::QcStateError)?;
        let on_it = matches!(call.agent_leg(agent), Some(Leg::Connected | Leg::Held));
        if !matches!(call.state, CallState::Live { .. }) || call.answered.is_none() || !on_it {
            return Err(Refusal::QcCannot("the agent's call is not answered yet".into()));
        }
        if call.inspection.is_some() {
            return Err(Refusal::QcBusy("another inspector is in the call".into()));
        }
        if call.supervision.len() >= MAX_SUPERVISION_ENTRIES {
            return Err(Refusal::QcBusy("the call's supervision record is full".into()));
        }
        Ok(call_id.clone())
    }

    /// The inspector's phone is off-hook in the call: the inspection begins.
    fn inspector_on_line(&mut self, call_id: &CallId, inspector: WorkNo, now: Timestamp, fx: &mut Effects) {
        let Some(inspection) = self.calls.get_mut(call_id).and_then(|call| call.inspection.as_mut()) else { return };
        if inspection.inspector != inspector || inspection.on_line {
            return;
        }
        inspection.on_line = true;
        inspection.mode_since = now;
        let (agent, mode) = (inspection.agent, inspection.mode);
        Self::emit(fx, inspector, AgentEvent::PhoneOffhook);
        Self::emit(fx, inspector, AgentEvent::Occupied);
        Self::emit(fx, agent, AgentEvent::BeQcStart { inspector, qc_type: mode.qc_type() });
    }

    /// The switch reports on the inspector's phone in a call it inspects; false when the
    /// report is not about an inspection.
    pub(super) fn inspector_phone(
        &mut self,
        call_id: &CallId,
        work_no: WorkNo,
        report: super::PhoneReport,
        now: Timestamp,
        fx: &mut Effects,
    ) -> bool {
        let Some(inspection) = self.calls.get(call_id).and_then(|call| call.inspection.as_ref()) else { return false };
        if inspection.inspector != work_no {
            return false;
        }
        let why = match report {
            super::PhoneReport::Alerting => return true,
            super::PhoneReport::Answered => {
                self.inspector_on_line(call_id, work_no, now, fx);
                return true;
            }
            super::PhoneReport::Failed(_) if !inspection.on_line => InspectionEnd::PhoneFailed,
            super::PhoneReport::Failed(_) | super::PhoneReport::HungUp => InspectionEnd::Stopped,
        };
        self.end_inspection(call_id, why, now, fx);
        true
    }

    /// The inspector's phone did not go off-hook in time.
    pub(super) fn inspector_phone_timeout(
        &mut self,
        call_id: &CallId,
        inspector: WorkNo,
        attempt: u64,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let pending = self.calls.get(call_id).and_then(|call| call.inspection.as_ref()).is_some_and(|inspection| {
            inspection.inspector == inspector && inspection.attempt == attempt && !inspection.on_line
        });
        if pending {
            self.end_inspection(call_id, InspectionEnd::PhoneFailed, now, fx);
        }
    }

    /// `switch/{workNo}` (`mode: None`: listen ⇄ insert) and
    /// `requestswitchinsertwhisperagent` (`mode` given).
    pub(super) fn change_mode(
        &mut self,
        inspector: WorkNo,
        agent: Option<WorkNo>,
        mode: Option<QcMode>,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let (call_id, inspection) =
            self.inspecting(inspector).ok_or(Refusal::QcCannot("the inspector inspects nobody".into()))?;
        let agent = named(agent, Some(inspection))?;
        if inspection.agent != agent {
            return Err(Refusal::QcCannot("the inspector does not inspect this agent".into()));
        }
        if !inspection.on_line {
            return Err(Refusal::QcCannot("the inspector's phone is not on the call yet".into()));
        }
        let to = match (mode, inspection.mode) {
            (Some(mode), _) => mode,
            (None, QcMode::Listen) => QcMode::Insert,
            (None, QcMode::Insert) => QcMode::Listen,
            (None, QcMode::Whisper) => {
                return Err(Refusal::QcCannot("switch toggles listening and inserting only".into()));
            }
        };
        let mut fx = Effects::new();
        if to == inspection.mode {
            return Ok(fx);
        }
        let call = self.calls.get_mut(&call_id).ok_or(Refusal::QcStateError)?;
        if call.supervision.len() + 1 >= MAX_SUPERVISION_ENTRIES {
            return Err(Refusal::QcBusy("the call's supervision record is full".into()));
        }
        close_entry(call, now);
        if let Some(inspection) = call.inspection.as_mut() {
            inspection.mode = to;
            inspection.mode_since = now;
        }
        fx.push(Effect::Switch(SwitchAction::InspectMode { call: call_id, inspector, mode: to }));
        Self::emit(&mut fx, agent, AgentEvent::BeQcStart { inspector, qc_type: to.qc_type() });
        Ok(fx)
    }

    /// The inspector's QC tasks: its inspection, if any.
    pub fn qc_tasks(&self, inspector: WorkNo) -> Vec<QcTask> {
        self.inspecting(inspector)
            .map(|(call, inspection)| QcTask {
                call,
                agent: inspection.agent,
                mode: inspection.mode,
                started: inspection.started,
                on_line: inspection.on_line,
            })
            .into_iter()
            .collect()
    }

    /// `deleteqctask?taskdsn=`: ends the inspection of that call.
    pub(super) fn end_qc_task(&mut self, inspector: WorkNo, call: &CallId, now: Timestamp) -> Result<Effects, Refusal> {
        match self.inspecting(inspector) {
            Some((inspected, inspection)) if inspected == *call => {
                let agent = inspection.agent;
                self.stop_inspecting(inspector, Some(agent), false, now)
            }
            _ => Err(Refusal::QcCannot("no such QC task of the inspector".into())),
        }
    }

    /// `DELETE {workNo}` (any mode) and `requeststopwhisperagent` (`whisper_only`).
    pub(super) fn stop_inspecting(
        &mut self,
        inspector: WorkNo,
        agent: Option<WorkNo>,
        whisper_only: bool,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let (call_id, inspection) =
            self.inspecting(inspector).ok_or(Refusal::QcCannot("the inspector inspects nobody".into()))?;
        if named(agent, Some(inspection))? != inspection.agent {
            return Err(Refusal::QcCannot("the inspector does not inspect this agent".into()));
        }
        if whisper_only && inspection.mode != QcMode::Whisper {
            return Err(Refusal::QcCannot("the inspector is not whispering".into()));
        }
        let mut fx = Effects::new();
        self.end_inspection(&call_id, InspectionEnd::Stopped, now, &mut fx);
        Ok(fx)
    }

    /// `intercept/{workNo}[/{callId}]`: the inspector takes the agent's place in the call.
    pub(super) fn intercept(
        &mut self,
        inspector: WorkNo,
        agent: WorkNo,
        wanted: Option<&CallId>,
        now: Timestamp,
    ) -> Result<Effects, Refusal> {
        let (call_id, inspection) =
            self.inspecting(inspector).ok_or(Refusal::QcCannot("the inspector inspects nobody".into()))?;
        if inspection.agent != agent || wanted.is_some_and(|wanted| *wanted != call_id) {
            return Err(Refusal::QcCannot("the inspector does not inspect this agent's call".into()));
        }
        if !inspection.on_line {
            return Err(Refusal::QcCannot("the inspector's phone is not on the call yet".into()));
        }
        let call = self.calls.get(&call_id).ok_or(Refusal::QcStateError)?;
        if call.transfer.is_some() || call.consult.is_some() || call.agent_leg(agent) != Some(Leg::Connected) {
            return Err(Refusal::QcCannot("the agent's call is being transferred, consulted or held".into()));
        }
        if call.supervision.len() + 2 > MAX_SUPERVISION_ENTRIES {
            return Err(Refusal::QcBusy("the call's supervision record is full".into()));
        }
        let skill = call.skill();
        // The agent is told the customer is gone from its side of the call.
        let customer = call.parties.iter().find_map(|p| match &p.party {
            Party::Number(number) => Some(number.clone()),
            Party::Agent(_) | Party::Ivr(_) => None,
        });
        let mut fx = Effects::new();
        let Some(call) = self.calls.get_mut(&call_id) else { return Err(Refusal::QcStateError) };
        close_entry(call, now);
        call.supervision.push(Supervision {
            inspector,
            agent,
            kind: SupervisionKind::Intercept,
            from: now,
            until: now,
        });
        call.inspection = None;
        if let Some(party) = call.parties.iter_mut().find(|party| party.party == Party::Agent(agent)) {
            *party = CallParty::new(Party::Agent(inspector), Leg::Connected);
        }
        call.mark_talked(inspector);
        let info = call.event_info();
        fx.push(Effect::Switch(SwitchAction::TakeOver { call: call_id.clone(), inspector, agent }));
        self.set_state(inspector, AgentState::Talking { call: call_id.clone() }, now);
        Self::emit(&mut fx, inspector, AgentEvent::Talking(info));
        Self::emit(&mut fx, agent, AgentEvent::CallRelease(call_id.clone()));
        let number = customer.unwrap_or_default();
        Self::emit(&mut fx, agent, AgentEvent::CustomerRelease { call: call_id.clone(), number });
        let phone = Some(PhoneReleasedBy::Platform);
        self.take_off_agent(agent, &call_id, phone, Afterwards::Talked(Some(skill)), now, &mut fx);
        Ok(fx)
    }

    /// The inspected agent left the call, or the call is ending: any inspection of it ends.
    pub(super) fn inspected_agent_left(
        &mut self,
        call_id: &CallId,
        agent: Option<WorkNo>,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let ends = self
            .calls
            .get(call_id)
            .and_then(|call| call.inspection.as_ref())
            .is_some_and(|inspection| agent.is_none_or(|agent| agent == inspection.agent));
        if ends {
            self.end_inspection(call_id, InspectionEnd::CallGone, now, fx);
        }
    }

    /// The inspector signs out while inspecting.
    pub(super) fn inspector_signs_out(&mut self, inspector: WorkNo, now: Timestamp, fx: &mut Effects) {
        if let Some((call_id, _)) = self.inspecting(inspector) {
            self.end_inspection(&call_id, InspectionEnd::SigningOut, now, fx);
        }
    }

    /// Ends the call's inspection: the switch drops the inspector's leg (the center never
    /// does otherwise), the stretch is recorded, the agent told, the inspector's phone
    /// on-hook and its state restored.
    fn end_inspection(&mut self, call_id: &CallId, why: InspectionEnd, now: Timestamp, fx: &mut Effects) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        close_entry(call, now);
        let Some(Inspection { inspector, agent, mode, on_line, .. }) = call.inspection.take() else { return };
        fx.push(Effect::Switch(SwitchAction::EndInspect { call: call_id.clone(), inspector }));
        if on_line {
            Self::emit(fx, agent, AgentEvent::BeQcStop { inspector, qc_type: mode.qc_type() });
        }
        match why {
            InspectionEnd::PhoneFailed => {
                Self::emit(fx, inspector, AgentEvent::ConnectFail(call_id.clone()));
                Self::emit(fx, inspector, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform));
            }
            InspectionEnd::Stopped => Self::emit(fx, inspector, AgentEvent::PhoneRelease(PhoneReleasedBy::Agent)),
            InspectionEnd::CallGone => Self::emit(fx, inspector, AgentEvent::PhoneRelease(PhoneReleasedBy::Platform)),
            InspectionEnd::SigningOut => {}
        }
        // A closing gateway signs everyone out next: no state to move to, no offer.
        if why != InspectionEnd::SigningOut && !self.closing {
            self.become_available(inspector, now, now, fx);
        }
    }
}

/// Closes the record entry of the inspection's current mode.
fn close_entry(call: &mut crate::call::Call, now: Timestamp) {
    if let Some(inspection) = call.inspection.as_ref().filter(|inspection| inspection.on_line) {
        call.supervision.push(Supervision {
            inspector: inspection.inspector,
            agent: inspection.agent,
            kind: inspection.mode.into(),
            from: inspection.mode_since,
            until: now,
        });
    }
}
