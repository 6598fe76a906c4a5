//! What agents write on their calls and remember of them (`calldata/{agentid}/…`):
//!
//! - call-associated data (`calldata`) and business data travel with the call: a
//!   transfer, a conference or a hold keeps them, and every agent the call reaches
//!   reads them; call data is also what the call's record keeps;
//! - an agent writes only on a call it is in (ringing, talking, dialling or held);
//! - each agent remembers the last call it talked in, once it has left it.

use super::Center;
use crate::call::Call;
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// Which of a call's data an agent writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CallDataField {
    /// Call-associated data (`calldata`, `callappdata`): shown to each agent the call
    /// reaches and kept in the call's record.
    Associated,
    /// Business data (`setcallbusinessdata`): read back with `getcallbusinessdata`.
    Business,
}

impl Center {
    /// One of the agent's calls: `wanted`, or its current call when none is named.
    /// [`Refusal::NoCallForCallData`] when the agent is not in such a call.
    pub fn call_at_agent(&self, work_no: WorkNo, wanted: Option<&CallId>) -> Result<&Call, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let id = match wanted {
            Some(wanted) => agent.calls().find(|id| *id == wanted),
            None => agent.state.call(),
        };
        id.and_then(|id| self.calls.get(id)).ok_or(Refusal::NoCallForCallData)
    }

    /// Replaces one of the data of a call the agent is in. An empty value sets nothing
    /// ([`Refusal::NoCallDataToSet`]); the caller bounds its length.
    pub fn set_call_data(
        &mut self,
        work_no: WorkNo,
        wanted: Option<&CallId>,
        field: CallDataField,
        value: String,
    ) -> Result<(), Refusal> {
        if !self.agents.contains_key(&work_no) {
            return Err(Refusal::NotSignedIn);
        }
        if value.is_empty() {
            return Err(Refusal::NoCallDataToSet);
        }
        let id = self.call_at_agent(work_no, wanted)?.id().clone();
        let call = self.calls.get_mut(&id).ok_or(Refusal::NoCallForCallData)?;
        match field {
            CallDataField::Associated => call.info.call_data = value,
            CallDataField::Business => call.business_data = value,
        }
        Ok(())
    }

    /// The agent leaves `call_id` now: it keeps the call as its last one if it talked in it.
    pub(super) fn remember_last_call(&mut self, work_no: WorkNo, call_id: &CallId, now: Timestamp) {
        let Some(call) = self.calls.get(call_id).filter(|call| call.talked.contains(&work_no)) else { return };
        let snapshot = call.snapshot(now);
        if let Some(agent) = self.agents.get_mut(&work_no) {
            agent.last_call = Some(snapshot);
        }
    }
}
