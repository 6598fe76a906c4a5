//! IVR flows: the switch holds a call connected to a flow for the flow's configured time,
//! then returns it to the center or releases the customer. A stay can also be ended by
//! hand ([`SimSwitch::end_ivr`](super::SimSwitch::end_ivr)).

use ccgw_core::{CallId, IvrEnd, MAX_IVR_HOLD, Party, Timestamp, Vdn};

use super::call::{SimCall, SimParty, SimPartyState};
use super::due::Due;
use super::{Outbox, SimError, SimState};
use crate::switch::TelephonyReport;

impl SimState {
    /// The center connects a call to the flow with `access_code` in `vdn`. An access code
    /// this switch has no flow for returns the call at once rather than strand it.
    pub(super) fn connect_ivr(
        &mut self,
        call: &CallId,
        vdn: Vdn,
        access_code: String,
        now: Timestamp,
        out: &mut Outbox,
    ) {
        let flow = self.ivr_flows.iter().find(|flow| flow.vdn == vdn && flow.access_code == access_code);
        let (hold, end) = match flow {
            Some(flow) => (flow.hold.min(MAX_IVR_HOLD), flow.end),
            None => {
                tracing::warn!(call_id = %call, %vdn, access_code, "ConnectIvr to an access code with no flow");
                (std::time::Duration::ZERO, IvrEnd::Return)
            }
        };
        let Some(sim) = self.calls.get_mut(call) else {
            tracing::debug!(call_id = %call, "ConnectIvr for a call that is not live");
            return;
        };
        self.dials += 1;
        let stay = self.dials;
        sim.queued = false;
        sim.parties
            .push(SimParty { dial: Some(stay), ..SimParty::new(Party::Ivr(access_code), SimPartyState::Connected) });
        self.ivr_stays.insert(stay, end);
        out.timers.push(Due::IvrEnd { at: now.plus(hold), stay });
    }

    /// The time of a stay is up: it ends as configured, if the flow still holds the call.
    pub(super) fn ivr_time_up(&mut self, stay: u64, out: &mut Outbox) {
        let Some(end) = self.ivr_stays.remove(&stay) else { return };
        let found = self.calls.iter().find(|(_, sim)| sim.parties.iter().any(|party| party.dial == Some(stay)));
        if let Some(call) = found.map(|(id, _)| id.clone()) {
            self.end_ivr(&call, end, out);
        }
    }

    /// Live control: the flow holding `call` ends now.
    pub(super) fn end_ivr_now(
        &mut self,
        call: &CallId,
        end: Option<IvrEnd>,
        out: &mut Outbox,
    ) -> Result<Option<SimCall>, SimError> {
        let sim = self.calls.get(call).ok_or_else(|| SimError::NoSuchCall(call.clone()))?;
        let stay = sim
            .parties
            .iter()
            .find(|party| matches!(party.party, Party::Ivr(_)))
            .and_then(|party| party.dial)
            .ok_or_else(|| SimError::NotInIvr(call.clone()))?;
        let configured = self.ivr_stays.remove(&stay).unwrap_or(IvrEnd::Return);
        self.end_ivr(call, end.unwrap_or(configured), out);
        Ok(self.calls.get(call).cloned())
    }

    /// The flow lets go of the call: it goes back to the center (queued again unless an
    /// agent waits in it), or the customer is released and the call is over.
    fn end_ivr(&mut self, call: &CallId, end: IvrEnd, out: &mut Outbox) {
        match end {
            IvrEnd::Return => {
                let Some(sim) = self.calls.get_mut(call) else { return };
                sim.parties.retain(|party| !matches!(party.party, Party::Ivr(_)));
                sim.queued = !sim.has_agent();
                out.report(TelephonyReport::IvrReturned(call.clone()));
            }
            IvrEnd::Release => {
                self.remove_call(call);
                out.report(TelephonyReport::IvrReleased(call.clone()));
            }
        }
    }
}
