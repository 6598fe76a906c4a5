//! Consistency checks over the whole center, for tests and debug assertions.

use super::{Center, Party, PhoneLegs};
use crate::agent::AgentState;
use crate::call::{Call, CallState, Leg, OfferAnswer, OfferPhone};
use crate::ids::WorkNo;
use crate::ivr::IvrId;

impl Center {
    /// Verifies that agents, calls, queues, pools and the staffing index agree. Returns
    /// the first inconsistency found.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_calls()?;
        self.check_queues()?;
        self.check_agents()?;
        self.check_pools()
    }

    fn check_calls(&self) -> Result<(), String> {
        for call in self.calls.values() {
            let id = &call.info.id;
            let key = (call.info.vdn, call.skill());
            let queued = self.queues.get(&key).and_then(|q| q.get(&call.queue_key())) == Some(id);
            if call.route.is_empty() {
                return Err(format!("call {id} has no route"));
            }
            match &call.state {
                CallState::Queued if !queued => return Err(format!("call {id} is queued but not in its queue")),
                CallState::Queued => {}
                CallState::Offered { .. } | CallState::Live { .. } | CallState::InIvr { .. } if queued => {
                    return Err(format!("call {id} is out of its queue ({:?}) and also queued", call.state));
                }
                CallState::Offered { agent, phone, answer, .. } => {
                    if call.agent_leg(*agent) != Some(Leg::Alerting) {
                        return Err(format!("call {id} is offered to agent {agent}, who is not alerting in it"));
                    }
                    // Auto-answer and pickup connect as soon as the phone is off-hook, and
                    // so does every offer where the phone's off-hook is the answer.
                    let answers_at_phone = self.settings.phone_legs == PhoneLegs::AnsweredAtPhone;
                    if *phone == OfferPhone::OffHook && (*answer != OfferAnswer::Ring || answers_at_phone) {
                        return Err(format!("call {id} is still offered ({answer:?}) with the phone off-hook"));
                    }
                    if self.settings.phone_legs == PhoneLegs::Assumed && *phone != OfferPhone::OffHook {
                        return Err(format!("call {id} waits for a phone report the switch never gives"));
                    }
                }
                CallState::Live { .. } => {
                    // Nobody left to talk to and nobody being reached: an orphaned leg.
                    if call.parties.len() < 2 && call.transfer.is_none() {
                        return Err(format!(
                            "call {id} is live with {} part(ies) and nothing under way",
                            call.parties.len()
                        ));
                    }
                }
                CallState::InIvr { flow, returns_to, .. } => self.check_call_in_ivr(call, *flow, *returns_to)?,
            }
            let flows = call.parties.iter().filter(|p| matches!(p.party, Party::Ivr(_))).count();
            if flows != usize::from(call.ivr_flow().is_some()) {
                return Err(format!("call {id} has {flows} IVR part(ies) in state {:?}", call.state));
            }
            if let Some(inspection) = &call.inspection {
                let inspector_there = self
                    .agents
                    .get(&inspection.inspector)
                    .is_some_and(|a| a.state == AgentState::Inspecting { call: id.clone() });
                if !inspector_there || call.agent_leg(inspection.agent).is_none() {
                    return Err(format!("call {id} has an inspection whose inspector or agent is elsewhere"));
                }
                if call.party(&Party::Agent(inspection.inspector)).is_some() {
                    return Err(format!("call {id} has its inspector among its parties"));
                }
            }
            if let Some(transfer) = &call.transfer
                && call.party(&transfer.to).is_none()
            {
                return Err(format!("call {id} is being transferred to a party that is not in it"));
            }
            for party in &call.parties {
                let Some(work_no) = party.agent() else { continue };
                // A called agent is not touched until its phone is rung.
                if party.leg == Leg::Setup && call.placed_by != Some(work_no) {
                    continue;
                }
                let in_it = self.agents.get(&work_no).is_some_and(|a| a.calls().any(|c| c == id));
                if !in_it {
                    return Err(format!("agent {work_no} is a party of call {id} but not in it"));
                }
            }
        }
        Ok(())
    }

    /// A call in a flow has the customer and the flow as connected parties, nothing under
    /// way, and no agent but the one it returns to, who waits on hold.
    fn check_call_in_ivr(&self, call: &Call, flow: IvrId, returns_to: Option<WorkNo>) -> Result<(), String> {
        let id = &call.info.id;
        if !call.parties.iter().any(|p| matches!(p.party, Party::Ivr(_)) && p.leg == Leg::Connected) {
            return Err(format!("call {id} is in IVR flow {flow} but not connected to it"));
        }
        if !call.parties.iter().any(|p| matches!(p.party, Party::Number(_)) && p.leg == Leg::Connected) {
            return Err(format!("call {id} is in an IVR flow without a customer"));
        }
        if call.transfer.is_some() || call.consult.is_some() {
            return Err(format!("call {id} is in an IVR flow with a transfer or consultation under way"));
        }
        let agents: Vec<WorkNo> = call.agents().collect();
        let expected: Vec<WorkNo> = returns_to.into_iter().collect();
        if agents != expected {
            return Err(format!("call {id} in an IVR flow has agents {agents:?}, expected {expected:?}"));
        }
        if let Some(agent) = returns_to
            && call.agent_leg(agent) != Some(Leg::Held)
        {
            return Err(format!("agent {agent} waits for call {id} in an IVR flow but is not on hold in it"));
        }
        Ok(())
    }

    fn check_queues(&self) -> Result<(), String> {
        for ((vdn, skill), queue) in &self.queues {
            for (key, id) in queue {
                let ok = self.calls.get(id).is_some_and(|c| {
                    c.state == CallState::Queued && (c.info.vdn, c.skill()) == (*vdn, *skill) && c.queue_key() == *key
                });
                if !ok {
                    return Err(format!("queue {vdn}/{skill} holds {id}, which is not queued there"));
                }
            }
            // Nobody waits while an agent of the skill could take the call.
            if !queue.is_empty() && self.pools.get(&(*vdn, *skill)).is_some_and(|pool| !pool.is_empty()) {
                return Err(format!("queue {vdn}/{skill} has waiting calls and available agents"));
            }
        }
        Ok(())
    }

    fn check_agents(&self) -> Result<(), String> {
        if self.phone_owners.len() != self.agents.len() {
            return Err(format!("{} phones are owned by {} agents", self.phone_owners.len(), self.agents.len()));
        }
        for agent in self.agents.values() {
            let work_no = agent.profile.work_no;
            if self.phone_owners.get(&agent.phone) != Some(&work_no) {
                return Err(format!("agent {work_no}'s phone is not recorded as its own"));
            }
            for call_id in agent.calls() {
                let Some(leg) = self.calls.get(call_id).and_then(|c| c.agent_leg(work_no)) else {
                    return Err(format!("agent {work_no} is in call {call_id}, which is not at the agent"));
                };
                let ringing = matches!(agent.state, AgentState::Ringing { .. });
                if ringing != (leg == Leg::Alerting) {
                    return Err(format!("agent {work_no} and call {call_id} disagree on ringing"));
                }
            }
            for call_id in &agent.held_calls {
                if self.calls.get(call_id).and_then(|c| c.agent_leg(work_no)) != Some(Leg::Held) {
                    return Err(format!("agent {work_no} keeps call {call_id} behind its current one, not held"));
                }
            }
            // A suspending agent stays with its call while an IVR flow has it.
            if let AgentState::Talking { call } = &agent.state
                && self.calls.get(call).is_some_and(|c| match c.state {
                    CallState::Live { .. } => false,
                    CallState::InIvr { returns_to, .. } => returns_to != Some(work_no),
                    _ => true,
                })
            {
                return Err(format!(
                    "agent {work_no} talks in call {call}, which is neither live nor its suspended call"
                ));
            }
            if let AgentState::Inspecting { call } = &agent.state
                && self
                    .calls
                    .get(call)
                    .and_then(|c| c.inspection.as_ref())
                    .is_none_or(|inspection| inspection.inspector != work_no)
            {
                return Err(format!("agent {work_no} inspects call {call}, which has no such inspection"));
            }
            if !agent.held_calls.is_empty() && !matches!(agent.state, AgentState::Talking { .. }) {
                return Err(format!("agent {work_no} holds calls but is not in a call"));
            }
            for grant in &agent.skills {
                let key = (agent.profile.vdn, grant.skill);
                if !self.staffed.get(&key).is_some_and(|staff| staff.contains(&work_no)) {
                    return Err(format!("agent {work_no} is missing from the staff of skill {}", grant.skill));
                }
                let pooled = match agent.state {
                    AgentState::Idle { since } => {
                        self.pools.get(&key).is_some_and(|pool| pool.contains(grant.level, since, work_no))
                    }
                    _ => false,
                };
                if pooled != agent.is_available() {
                    return Err(format!("agent {work_no}: pool of skill {} disagrees with its state", grant.skill));
                }
            }
        }
        Ok(())
    }

    fn check_pools(&self) -> Result<(), String> {
        for ((vdn, skill), pool) in &self.pools {
            for (level, since, work_no) in pool.members() {
                let ok = self.agents.get(&work_no).is_some_and(|a| {
                    a.is_available()
                        && a.state == AgentState::Idle { since }
                        && a.profile.vdn == *vdn
                        && a.skills.iter().any(|g| g.skill == *skill && g.level == level)
                });
                if !ok {
                    return Err(format!("agent {work_no} is in the pool of {vdn}/{skill} but not available there"));
                }
            }
        }
        for ((vdn, skill), staff) in &self.staffed {
            for work_no in staff {
                let ok = self.agents.get(work_no).is_some_and(|a| a.profile.vdn == *vdn && a.has_skill(*skill));
                if !ok {
                    return Err(format!("agent {work_no} is on the staff of {vdn}/{skill} but does not serve it"));
                }
            }
        }
        Ok(())
    }
}
