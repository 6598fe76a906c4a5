//! The engine's [`SwitchAction`]s, carried out on the simulated calls.

use ccgw_core::{CallId, Party, PhoneFailure, PhoneNumber, QcMode, SwitchAction, Timestamp, WorkNo};

use super::call::{CallOrigin, SimCall, SimInspection, SimParty, SimPartyState};
use super::due::{Due, FarEndOutcome, FarEndTimer};
use super::phones::PhoneMode;
use super::rules::DialPlan;
use super::{Outbox, SimState};
use crate::switch::TelephonyReport;

impl SimState {
    pub(super) fn apply(&mut self, action: SwitchAction, now: Timestamp, out: &mut Outbox) {
        match action {
            SwitchAction::Alert { call, agent, phone, .. } => {
                if let Some(sim) = self.live(&call, "Alert") {
                    // The party stays alerting until the center connects the call.
                    sim.set_party(Party::Agent(agent), SimPartyState::Alerting);
                    sim.queued = false;
                    self.ring_agent(&call, agent, &phone, now, out);
                }
            }
            SwitchAction::StopAlerting { call, agent } => {
                self.phones.forget(&call, Some(agent));
                self.forget_rings(&call, Some(agent));
                if let Some(sim) = self.live(&call, "StopAlerting") {
                    sim.remove_party(&Party::Agent(agent));
                    // The center takes the call back into its queue.
                    if !sim.has_agent() && matches!(sim.origin, CallOrigin::Customer { .. }) {
                        sim.queued = true;
                    }
                }
            }
            SwitchAction::Connect { call, agent, .. } => {
                if let Some(sim) = self.live(&call, "Connect") {
                    sim.set_party(Party::Agent(agent), SimPartyState::Connected);
                    sim.queued = false;
                }
            }
            SwitchAction::Release { call } | SwitchAction::Redirect { call, .. } => {
                // A redirected call leaves the center: for this switch it is over.
                self.remove_call(&call);
            }
            SwitchAction::OffHook { call, agent, phone } => self.off_hook(call, agent, &phone, now, out),
            SwitchAction::Originate { call, agent, phone } => self.originate(call, agent, &phone, now),
            SwitchAction::PickUp { call, agent } => self.pick_up(&call, agent, out),
            SwitchAction::Dial { call, number, .. } => self.dial(&call, number, now, out),
            SwitchAction::Drop { call, party } => {
                if let Party::Agent(agent) = party {
                    self.phones.forget(&call, Some(agent));
                    self.forget_rings(&call, Some(agent));
                }
                if let Some(sim) = self.live(&call, "Drop") {
                    sim.remove_party(&party);
                }
                self.end_if_empty(&call);
            }
            SwitchAction::Hold { call, agent } => {
                self.move_agent(&call, agent, SimPartyState::Connected, SimPartyState::Held, "Hold");
            }
            SwitchAction::Retrieve { call, agent } => {
                self.move_agent(&call, agent, SimPartyState::Held, SimPartyState::Connected, "Retrieve");
            }
            SwitchAction::Mute { call, agent, on } => {
                if let Some(party) = self.agent_party(&call, agent, "Mute") {
                    party.muted = on;
                }
            }
            SwitchAction::Digits { call, agent, digits } => {
                if let Some(party) = self.agent_party(&call, agent, "Digits") {
                    party.digits.push_str(&digits);
                }
            }
            SwitchAction::Join { from, into, leaving } => self.join(&from, &into, &leaving),
            SwitchAction::ConnectIvr { call, vdn, access_code } => self.connect_ivr(&call, vdn, access_code, now, out),
            // Simulated phones need no line: every call reaches them as it is.
            SwitchAction::KeepLine { .. } | SwitchAction::DropLine { .. } => {}
            SwitchAction::Inspect { call, inspector, agent, mode, .. } => {
                self.inspect(call, inspector, agent, mode, out)
            }
            SwitchAction::InspectMode { call, inspector, mode } => {
                if let Some(party) = self.agent_party(&call, inspector, "InspectMode")
                    && let Some(inspecting) = party.inspects.as_mut()
                {
                    inspecting.mode = mode;
                }
            }
            SwitchAction::EndInspect { call, inspector } => {
                self.phones.forget(&call, Some(inspector));
                if let Some(sim) = self.live(&call, "EndInspect") {
                    sim.remove_party(&Party::Agent(inspector));
                }
            }
            SwitchAction::TakeOver { call, inspector, agent } => {
                if let Some(sim) = self.live(&call, "TakeOver") {
                    sim.remove_party(&Party::Agent(agent));
                    if let Some(party) = sim.party_mut(&Party::Agent(inspector)) {
                        party.inspects = None;
                        party.state = SimPartyState::Connected;
                    }
                }
            }
        }
    }

    /// The live call, or `None` with a note: actions may cross a hang-up in flight.
    fn live(&mut self, call: &CallId, action: &'static str) -> Option<&mut SimCall> {
        let sim = self.calls.get_mut(call);
        if sim.is_none() {
            tracing::debug!(call_id = %call, action, "switch action for a call that is not live");
        }
        sim
    }

    fn agent_party(&mut self, call: &CallId, agent: WorkNo, action: &'static str) -> Option<&mut SimParty> {
        let party = self.live(call, action)?.party_mut(&Party::Agent(agent));
        if party.is_none() {
            tracing::debug!(call_id = %call, work_no = %agent, action, "agent is not on the call");
        }
        party
    }

    fn move_agent(
        &mut self,
        call: &CallId,
        agent: WorkNo,
        from: SimPartyState,
        to: SimPartyState,
        action: &'static str,
    ) {
        if let Some(party) = self.agent_party(call, agent, action) {
            if party.state == from {
                party.state = to;
            } else {
                tracing::debug!(call_id = %call, work_no = %agent, action, state = %party.state, "ignored");
            }
        }
    }

    fn off_hook(&mut self, call: CallId, agent: WorkNo, phone: &PhoneNumber, now: Timestamp, out: &mut Outbox) {
        let mode = self.phones.mode(agent);
        let state = match mode {
            PhoneMode::Refuse => {
                out.report(TelephonyReport::PhoneFailed { call, agent, cause: PhoneFailure::Busy });
                return;
            }
            PhoneMode::Auto => SimPartyState::Connected,
            PhoneMode::Manual => SimPartyState::Alerting,
        };
        self.agent_call(&call, agent, phone, now).set_party(Party::Agent(agent), state);
        match mode {
            PhoneMode::Manual => self.phones.ring_for_pickup(call, agent),
            PhoneMode::Auto | PhoneMode::Refuse => out.report(TelephonyReport::PhoneOffHook { call, agent }),
        }
    }

    /// An inspector's phone joins the call, answering as the phone answers for the
    /// agent's own calls (its [`PhoneMode`]).
    fn inspect(&mut self, call: CallId, inspector: WorkNo, agent: WorkNo, mode: QcMode, out: &mut Outbox) {
        let phone_mode = self.phones.mode(inspector);
        let state = match phone_mode {
            PhoneMode::Refuse => {
                out.report(TelephonyReport::PhoneFailed { call, agent: inspector, cause: PhoneFailure::Busy });
                return;
            }
            PhoneMode::Auto => SimPartyState::Connected,
            PhoneMode::Manual => SimPartyState::Alerting,
        };
        let Some(sim) = self.live(&call, "Inspect") else { return };
        sim.set_party(Party::Agent(inspector), state);
        if let Some(party) = sim.party_mut(&Party::Agent(inspector)) {
            party.inspects = Some(SimInspection { agent, mode });
        }
        match phone_mode {
            PhoneMode::Manual => self.phones.ring_for_pickup(call, inspector),
            PhoneMode::Auto | PhoneMode::Refuse => out.report(TelephonyReport::PhoneOffHook { call, agent: inspector }),
        }
    }

    /// The agent's phone is off-hook already (it holds another call): the new call starts
    /// with the agent on it, and there is nothing to report.
    fn originate(&mut self, call: CallId, agent: WorkNo, phone: &PhoneNumber, now: Timestamp) {
        self.agent_call(&call, agent, phone, now).set_party(Party::Agent(agent), SimPartyState::Connected);
    }

    /// The call an agent places: new, unless the switch already has it.
    fn agent_call(&mut self, call: &CallId, agent: WorkNo, phone: &PhoneNumber, now: Timestamp) -> &mut SimCall {
        self.calls.entry(call.clone()).or_insert_with(|| SimCall {
            id: call.clone(),
            origin: CallOrigin::Agent(agent),
            caller: phone.to_string(),
            called: String::new(),
            placed_at: now,
            queued: false,
            parties: Vec::new(),
        })
    }

    fn pick_up(&mut self, call: &CallId, agent: WorkNo, out: &mut Outbox) {
        if !self.phones.take_pickup(call, agent) {
            tracing::debug!(call_id = %call, work_no = %agent, "PickUp of a phone not ringing for its own call");
            return;
        }
        if let Some(party) = self.agent_party(call, agent, "PickUp")
            && party.state == SimPartyState::Alerting
        {
            party.state = SimPartyState::Connected;
            out.report(TelephonyReport::PhoneOffHook { call: call.clone(), agent });
        }
    }

    fn dial(&mut self, call: &CallId, number: String, now: Timestamp, out: &mut Outbox) {
        let plan = self.settings.plan(&number);
        let Some(sim) = self.calls.get_mut(call) else {
            tracing::warn!(call_id = %call, "Dial on a call that is not live");
            return;
        };
        let party = Party::Number(number.clone());
        if sim.party(&party).is_some() {
            // The number is already on this very call: it cannot take a second line.
            tracing::warn!(call_id = %call, "Dial of a number already on the call");
            out.report(TelephonyReport::FarEndFailed {
                call: call.clone(),
                number,
                cause: ccgw_core::DialFailure::Busy,
            });
            return;
        }
        if sim.called.is_empty() {
            sim.called = number.clone();
        }
        let (at, outcome) = match plan {
            DialPlan::FailNow(cause) => {
                out.report(TelephonyReport::FarEndFailed { call: call.clone(), number, cause });
                return;
            }
            DialPlan::RingForever => (None, FarEndOutcome::Answer),
            DialPlan::AnswerAfter(delay) => (Some(now.plus(delay)), FarEndOutcome::Answer),
            DialPlan::FailAfter(cause, delay) => (Some(now.plus(delay)), FarEndOutcome::Fail(cause)),
        };
        self.dials += 1;
        let dial = self.dials;
        sim.parties.push(SimParty { dial: Some(dial), ..SimParty::new(party, SimPartyState::Alerting) });
        out.report(TelephonyReport::FarEndAlerting { call: call.clone(), number });
        if let Some(at) = at {
            out.timers.push(Due::FarEnd(FarEndTimer { at, dial, outcome }));
        }
    }

    /// A scheduled outcome is due. It applies only if its dial is still ringing,
    /// wherever the party is now (a join may have moved it to another call).
    pub(super) fn resolve_dial(&mut self, timer: FarEndTimer, out: &mut Outbox) {
        let found = self.calls.iter().find_map(|(id, sim)| {
            let index = sim.parties.iter().position(|party| party.dial == Some(timer.dial))?;
            Some((id.clone(), index))
        });
        let Some((call, index)) = found else { return };
        let Some(sim) = self.calls.get_mut(&call) else { return };
        let party = &mut sim.parties[index];
        let Party::Number(number) = party.party.clone() else { return };
        if party.state != SimPartyState::Alerting {
            return;
        }
        match timer.outcome {
            FarEndOutcome::Answer => {
                party.state = SimPartyState::Connected;
                out.report(TelephonyReport::FarEndAnswered { call, number });
            }
            FarEndOutcome::Fail(cause) => {
                sim.parties.remove(index);
                out.report(TelephonyReport::FarEndFailed { call: call.clone(), number, cause });
                self.end_if_empty(&call);
            }
        }
    }

    fn join(&mut self, from: &CallId, into: &CallId, leaving: &[Party]) {
        if from == into {
            tracing::warn!(call_id = %from, "Join of a call into itself");
            return;
        }
        let Some(mut source) = self.calls.remove(from) else {
            tracing::debug!(call_id = %from, "Join from a call that is not live");
            return;
        };
        let ringing = self.phones.take_call(from);
        let parties = std::mem::take(&mut source.parties);
        if !self.calls.contains_key(into) {
            // `into` ended here (its customer hung up) just before the engine's join
            // arrived, and the engine joined without knowing: it now holds the joined
            // parties under `into`'s id, so the switch carries them on under that id.
            tracing::debug!(from = %from, into = %into, "join into a call that just ended: carried on");
            source.id = into.clone();
            self.calls.insert(into.clone(), source);
        }
        let Some(target) = self.calls.get_mut(into) else { return };
        for party in parties {
            // A party on both calls keeps its place in `into`; an inspector's phone stays
            // with the call it inspects (the center ends that inspection first).
            if leaving.contains(&party.party) || target.party(&party.party).is_some() || party.inspects.is_some() {
                continue;
            }
            if let Party::Agent(agent) = party.party
                && ringing.contains(&agent)
            {
                self.phones.ring_for_pickup(into.clone(), agent);
            }
            target.parties.push(party);
        }
        if target.has_agent() {
            target.queued = false;
        }
        self.end_if_empty(into);
    }
}
