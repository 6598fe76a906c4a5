//! Calls that ended by being joined into another (conference, connect-held, transfers).
//! The switch may report about such a call after the center joined it, because the
//! report crossed the join on its way; the parties it names now live in the call it was
//! joined into, so the report is applied there instead of being lost.

use std::collections::HashMap;

use crate::ids::CallId;

/// Where a joined call's parties went, and who its customer was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JoinedAway {
    pub(crate) into: CallId,
    pub(crate) caller: String,
}

/// Joined calls whose target still lives.
#[derive(Debug, Default)]
pub(crate) struct JoinedCalls(HashMap<CallId, JoinedAway>);

impl JoinedCalls {
    /// `call` ended: joined into another call (`into`), or otherwise (`None`). Calls
    /// joined into `call` follow it on, or are forgotten when it ends for good.
    pub(crate) fn ended(&mut self, call: &CallId, caller: &str, into: Option<&CallId>) {
        match into {
            Some(into) => {
                for away in self.0.values_mut().filter(|away| away.into == *call) {
                    away.into = into.clone();
                }
                self.0.insert(call.clone(), JoinedAway { into: into.clone(), caller: caller.to_owned() });
            }
            None => self.0.retain(|_, away| away.into != *call),
        }
    }

    pub(crate) fn get(&self, call: &CallId) -> Option<&JoinedAway> {
        self.0.get(call)
    }
}
