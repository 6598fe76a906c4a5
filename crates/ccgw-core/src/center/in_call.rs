//! What an agent sends within a call it talks in, besides voice, hold and `seconddial`:
//! digits into a three-party call (`thirdPartyConfTransmitNum`, spec 04 §2.12) and a
//! sound report (`reportsound`, §2.21).
//!
//! - A three-party call is the agent's current call, talking, with at least three parties
//!   on the line (connected or held, not still being reached); otherwise `200-010`. The
//!   digits follow the `seconddial` rules and reach the switch the same way. The Huawei
//!   page documents no body: there the command lets the customer's key presses through to
//!   a third-party IVR in the conference. ccgw's conference already carries every party's
//!   key presses, so without digits the command only checks the conference.
//! - A sound report needs a call the agent talks in (`200-009` otherwise) and changes
//!   nothing; no event is documented, and none is sent.

use super::holding::check_digits;
use super::{Center, Effect, Effects, SwitchAction};
use crate::agent::AgentState;
use crate::call::Leg;
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Parties a call needs on the line to be a three-party call.
const CONFERENCE_PARTIES: usize = 3;

impl Center {
    /// `thirdPartyConfTransmitNum`: `digits`, if any, into the agent's three-party call.
    pub fn conference_digits(
        &mut self,
        work_no: WorkNo,
        digits: Option<&str>,
        _now: Timestamp,
    ) -> Result<Effects, Refusal> {
        if let Some(digits) = digits {
            check_digits(digits)?;
        }
        let call = self.conference_of(work_no)?;
        let send = digits.map(|digits| SwitchAction::Digits { call, agent: work_no, digits: digits.to_owned() });
        Ok(send.map(Effect::Switch).into_iter().collect())
    }

    /// The three-party call the agent talks in.
    fn conference_of(&self, work_no: WorkNo) -> Result<CallId, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let AgentState::Talking { call: call_id } = &agent.state else { return Err(Refusal::ConferenceNoCall) };
        let call = self.calls.get(call_id).filter(|call| call.is_talking(work_no)).ok_or(Refusal::ConferenceNoCall)?;
        let on_line = call.parties().iter().filter(|party| matches!(party.leg, Leg::Connected | Leg::Held)).count();
        if on_line < CONFERENCE_PARTIES {
            return Err(Refusal::ConferenceNoCall);
        }
        Ok(call_id.clone())
    }

    /// `reportsound`: the call the agent talks in, which a sound report is about.
    pub fn sound_report_call(&self, work_no: WorkNo) -> Result<CallId, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        match &agent.state {
            AgentState::Talking { call } if self.talking_in(work_no, call) => Ok(call.clone()),
            _ => Err(Refusal::NoCallToReportSound),
        }
    }
}
