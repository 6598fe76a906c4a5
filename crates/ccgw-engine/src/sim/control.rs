//! Live control: what a person at the far end does, by hand, through the simulator's
//! remote control.

use ccgw_core::{CallId, DialFailure, Party};

use super::call::{CallOrigin, SimCall, SimPartyState};
use super::{MAX_DIGITS, Outbox, SimError, SimState};
use crate::switch::TelephonyReport;

impl SimState {
    /// The customer leaves. Like the engine, the call goes on while two parties remain
    /// (a conference, or an agent and a number the call was transferred to); otherwise
    /// it is over. An IVR flow does not keep a call going.
    pub(super) fn customer_hangs_up(&mut self, call: &CallId, out: &mut Outbox) -> bool {
        let Some(sim) = self.calls.get_mut(call) else { return false };
        let customer = Party::Number(sim.caller.clone());
        // Neither an IVR flow nor an inspector keeps a call going.
        let others = sim
            .parties
            .iter()
            .filter(|p| p.party != customer && !matches!(p.party, Party::Ivr(_)) && p.inspects.is_none())
            .count();
        if matches!(sim.origin, CallOrigin::Customer { .. }) && others >= 2 {
            sim.remove_party(&customer);
        } else {
            self.remove_call(call);
        }
        out.report(TelephonyReport::CustomerHungUp(call.clone()));
        true
    }

    pub(super) fn answer(&mut self, call: &CallId, number: &str, out: &mut Outbox) -> Result<SimCall, SimError> {
        let sim = self.number_in_state(call, number, &[SimPartyState::Alerting], "alerting")?;
        if let Some(party) = sim.party_mut(&Party::Number(number.to_owned())) {
            party.state = SimPartyState::Connected;
        }
        let view = sim.clone();
        out.report(TelephonyReport::FarEndAnswered { call: call.clone(), number: number.to_owned() });
        Ok(view)
    }

    pub(super) fn reject(
        &mut self,
        call: &CallId,
        number: &str,
        out: &mut Outbox,
    ) -> Result<Option<SimCall>, SimError> {
        let sim = self.number_in_state(call, number, &[SimPartyState::Alerting], "alerting")?;
        sim.remove_party(&Party::Number(number.to_owned()));
        out.report(TelephonyReport::FarEndFailed {
            call: call.clone(),
            number: number.to_owned(),
            cause: DialFailure::Rejected,
        });
        self.end_if_empty(call);
        Ok(self.calls.get(call).cloned())
    }

    pub(super) fn hang_up_party(
        &mut self,
        call: &CallId,
        number: &str,
        out: &mut Outbox,
    ) -> Result<Option<SimCall>, SimError> {
        let any_state = [SimPartyState::Alerting, SimPartyState::Connected, SimPartyState::Held];
        let sim = self.number_in_state(call, number, &any_state, "on the call")?;
        if sim.is_customer(number) {
            self.customer_hangs_up(call, out);
            return Ok(self.calls.get(call).cloned());
        }
        sim.remove_party(&Party::Number(number.to_owned()));
        out.report(TelephonyReport::FarEndHungUp { call: call.clone(), number: number.to_owned() });
        self.end_if_empty(call);
        Ok(self.calls.get(call).cloned())
    }

    pub(super) fn send_digits(&mut self, call: &CallId, number: &str, digits: &str) -> Result<SimCall, SimError> {
        let valid = !digits.is_empty()
            && digits.len() <= MAX_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'#' | b'A'..=b'D'));
        if !valid {
            return Err(SimError::BadDigits);
        }
        let on_line = [SimPartyState::Connected, SimPartyState::Held];
        let sim = self.number_in_state(call, number, &on_line, "connected or held")?;
        if let Some(party) = sim.party_mut(&Party::Number(number.to_owned())) {
            party.digits.push_str(digits);
        }
        Ok(sim.clone())
    }

    /// The call, once its party `number` is known to be in one of `allowed`.
    fn number_in_state(
        &mut self,
        call: &CallId,
        number: &str,
        allowed: &[SimPartyState],
        needed: &'static str,
    ) -> Result<&mut SimCall, SimError> {
        let sim = self.calls.get_mut(call).ok_or_else(|| SimError::NoSuchCall(call.clone()))?;
        let party = sim
            .party(&Party::Number(number.to_owned()))
            .ok_or_else(|| SimError::NoSuchParty { call: call.clone(), number: number.to_owned() })?;
        if !allowed.contains(&party.state) {
            return Err(SimError::WrongState {
                call: call.clone(),
                number: number.to_owned(),
                state: party.state,
                needed,
            });
        }
        Ok(sim)
    }
}
