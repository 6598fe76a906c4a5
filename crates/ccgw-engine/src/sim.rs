//! The simulated switch: ccgw's embedded telephony. It is a real [`Switch`]: it keeps
//! every live call with its leg state, executes the engine's actions on them, and
//! reports customer calls and customer hang-ups — driven by the extension API
//! (`/ccgw/v1/sim/calls`) instead of SIP.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ccgw_core::{CallId, NewCall, PhoneNumber, SkillId, SwitchAction, Timestamp, Vdn, WorkNo};
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::switch::{Switch, TelephonyReport};

/// Where a simulated call is, from the switch's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimLeg {
    Queued,
    Alerting { agent: WorkNo, phone: PhoneNumber },
    Connected { agent: WorkNo, phone: PhoneNumber },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCall {
    pub call: NewCall,
    pub placed_at: Timestamp,
    pub leg: SimLeg,
}

/// A customer call to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCall {
    pub vdn: Vdn,
    pub skill: SkillId,
    pub caller: String,
    pub called: String,
    pub call_data: String,
    pub media_type: u8,
    /// Higher is served first (0 = normal).
    pub priority: u8,
}

pub struct SimSwitch {
    clock: Arc<dyn Clock>,
    reports: mpsc::UnboundedSender<TelephonyReport>,
    sequence: AtomicU64,
    live: Mutex<BTreeMap<CallId, SimCall>>,
}

impl SimSwitch {
    pub fn new(clock: Arc<dyn Clock>, reports: mpsc::UnboundedSender<TelephonyReport>) -> Self {
        Self { clock, reports, sequence: AtomicU64::new(0), live: Mutex::new(BTreeMap::new()) }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, BTreeMap<CallId, SimCall>> {
        // Each critical section is one map operation; a poisoned lock holds a whole map.
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A customer dials in: the call enters the skill queue. Returns its call id, in the
    /// Huawei shape `<unix seconds>-<sequence>`.
    pub fn place_call(&self, request: PlaceCall) -> CallId {
        let now = self.clock.now();
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let id = CallId::compose(now.as_unix_seconds(), sequence);
        let call = NewCall {
            id: id.clone(),
            vdn: request.vdn,
            skill: request.skill,
            caller: request.caller,
            called: request.called,
            call_data: request.call_data,
            media_type: request.media_type,
            priority: request.priority,
        };
        self.live().insert(id.clone(), SimCall { call: call.clone(), placed_at: now, leg: SimLeg::Queued });
        // The engine outlives the switch's users; if it has stopped there is nobody to tell.
        let _ = self.reports.send(TelephonyReport::Incoming(call));
        id
    }

    /// The customer hangs up. `false` when the call is not live (already ended).
    pub fn hang_up(&self, call: &CallId) -> bool {
        if self.live().remove(call).is_none() {
            return false;
        }
        let _ = self.reports.send(TelephonyReport::CustomerHungUp(call.clone()));
        true
    }

    pub fn calls(&self) -> Vec<SimCall> {
        self.live().values().cloned().collect()
    }

    pub fn call(&self, id: &CallId) -> Option<SimCall> {
        self.live().get(id).cloned()
    }
}

impl Switch for SimSwitch {
    fn execute(&self, action: SwitchAction) {
        let mut live = self.live();
        match action {
            SwitchAction::Alert { call, agent, phone } => {
                if let Some(sim) = live.get_mut(&call) {
                    sim.leg = SimLeg::Alerting { agent, phone };
                }
            }
            SwitchAction::StopAlerting { call, .. } => {
                if let Some(sim) = live.get_mut(&call) {
                    sim.leg = SimLeg::Queued;
                }
            }
            SwitchAction::Connect { call, agent, phone } => {
                if let Some(sim) = live.get_mut(&call) {
                    sim.leg = SimLeg::Connected { agent, phone };
                }
            }
            SwitchAction::Release { call } | SwitchAction::Redirect { call, .. } => {
                // A redirected call leaves the center: for this switch it is over.
                live.remove(&call);
            }
            _ => {}
        }
    }

    fn next_call_id(&self) -> CallId {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        CallId::compose(self.clock.now().as_unix_seconds(), sequence)
    }
}
