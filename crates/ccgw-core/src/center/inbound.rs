//! Customer calls the switch reports by their dialled number: the center routes them
//! by its [`RoutingTable`] to a skill queue or an IVR flow, or refuses them.
//!
//! - A skill target: the call arrives in that queue exactly as a call the switch put
//!   there itself ([`Center::call_arrived`]).
//! - An IVR target: the call goes straight to the flow (`ConnectIvr`), as after a blind
//!   transfer; when the flow returns it, it queues in the route's skill.
//! - No route, or an IVR target whose flow the VDN does not have: the switch is told to
//!   release the call, and it ends with outcome `unrouted`.

use super::{Center, Effect, Effects, Party, SwitchAction};
use crate::call::{Call, CallEnd, CallOutcome, CallParty, CallState, InboundCall, Leg, NewCall};
use crate::event::CallFeature;
use crate::ids::{SkillId, Vdn};
use crate::routing::{RouteTarget, Routed, RoutingTable, UNROUTED_VDN};
use crate::time::Timestamp;

/// What an unrouted call's record names when the number reached no queue: the record
/// keeps a skill for every call (and [`UNROUTED_VDN`] when it reached no VDN either).
const UNROUTED_SKILL: u32 = 1;

impl Center {
    /// Replaces the routing table (directory edits take effect without a restart).
    pub fn configure_routing(&mut self, routing: RoutingTable) {
        self.routing = routing;
    }

    pub fn routing(&self) -> &RoutingTable {
        &self.routing
    }

    /// The switch reports a customer call by the number it dialled.
    pub fn call_dialled(&mut self, call: InboundCall, now: Timestamp) -> Effects {
        if self.calls.contains_key(&call.id) {
            return Effects::new();
        }
        match self.routing.route(&call.called) {
            Routed::To { vdn, target: RouteTarget::Skill(skill) } => self.call_arrived(call.into_new(vdn, skill), now),
            Routed::To { vdn, target: RouteTarget::Ivr { access_code, skill } } => {
                match self.ivr_flow_with_code(vdn, &access_code).map(|flow| flow.id) {
                    Some(flow) => self.arrive_in_ivr(call.into_new(vdn, skill), flow, access_code, now),
                    None => self.unrouted(call, Some(vdn), now),
                }
            }
            Routed::Nowhere { vdn } => self.unrouted(call, vdn, now),
        }
    }

    fn arrive_in_ivr(
        &mut self,
        call: NewCall,
        flow: crate::ivr::IvrId,
        access_code: String,
        now: Timestamp,
    ) -> Effects {
        let id = call.id.clone();
        let vdn = call.vdn;
        self.next_arrival += 1;
        let mut entered =
            Call::customer(call, now, self.next_arrival, CallState::InIvr { flow, since: now, returns_to: None });
        entered.parties.push(CallParty::new(Party::Ivr(access_code.clone()), Leg::Connected));
        // The queue the call is meant for: where it waits when the flow returns it.
        entered.route.push(entered.info.skill);
        let mut fx = Effects::new();
        self.admit(entered, &mut fx);
        fx.push(Effect::Switch(SwitchAction::ConnectIvr { call: id, vdn, access_code }));
        fx
    }

    /// Refuses a call that routes nowhere: released, recorded as `unrouted`.
    fn unrouted(&mut self, call: InboundCall, vdn: Option<Vdn>, now: Timestamp) -> Effects {
        let placeholder = |vdn: Option<Vdn>| {
            let vdn = vdn.unwrap_or(UNROUTED_VDN);
            Some((vdn, SkillId::new(UNROUTED_SKILL).ok()?))
        };
        let mut fx = vec![Effect::Switch(SwitchAction::Release { call: call.id.clone() })];
        if let Some((vdn, skill)) = placeholder(vdn) {
            fx.push(Effect::CallEnded(Box::new(CallEnd {
                call: call.into_new(vdn, skill),
                feature: CallFeature::Inbound,
                route: Vec::new(),
                arrived: now,
                ended: now,
                outcome: CallOutcome::Unrouted,
                offered_to: Vec::new(),
                talked: Vec::new(),
                supervision: Vec::new(),
            })));
        }
        fx
    }
}

impl InboundCall {
    fn into_new(self, vdn: Vdn, skill: SkillId) -> NewCall {
        NewCall {
            id: self.id,
            vdn,
            skill,
            caller: self.caller,
            called: self.called,
            call_data: self.call_data,
            media_type: self.media_type,
            priority: self.priority,
        }
    }
}
