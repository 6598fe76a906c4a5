//! Consistency checks over the whole center, for tests and debug assertions.

use super::Center;
use crate::agent::AgentState;
use crate::call::CallState;

impl Center {
    /// Verifies that agents, calls, queues and the idle index agree. Returns the first
    /// inconsistency found.
    pub fn check_invariants(&self) -> Result<(), String> {
        for call in self.calls.values() {
            let id = &call.info.id;
            let queued = self.queues.get(&(call.info.vdn, call.info.skill)).is_some_and(|q| q.contains(id));
            match &call.state {
                CallState::Queued if !queued => return Err(format!("call {id} is queued but in no queue")),
                CallState::Queued => {}
                CallState::Offered { agent, .. } | CallState::Talking { agent, .. } => {
                    if queued {
                        return Err(format!("call {id} is at agent {agent} and also queued"));
                    }
                    let at_agent = self.agents.get(agent).and_then(|a| a.state.call());
                    if at_agent != Some(id) {
                        return Err(format!("call {id} is at agent {agent}, who is not in it"));
                    }
                }
            }
        }
        for ((vdn, skill), queue) in &self.queues {
            for id in queue {
                let ok = self
                    .calls
                    .get(id)
                    .is_some_and(|c| c.state == CallState::Queued && (c.info.vdn, c.info.skill) == (*vdn, *skill));
                if !ok {
                    return Err(format!("queue {vdn}/{skill} holds {id}, which is not queued there"));
                }
            }
        }
        for agent in self.agents.values() {
            let work_no = agent.profile.work_no;
            if let Some(call) = agent.state.call() {
                let owner = self.calls.get(call).and_then(|c| match c.state {
                    CallState::Offered { agent, .. } | CallState::Talking { agent, .. } => Some(agent),
                    CallState::Queued => None,
                });
                if owner != Some(work_no) {
                    return Err(format!("agent {work_no} is in call {call}, which is not at the agent"));
                }
                let ringing = matches!(agent.state, AgentState::Ringing { .. });
                let offered = self.calls.get(call).is_some_and(|c| matches!(c.state, CallState::Offered { .. }));
                if ringing != offered {
                    return Err(format!("agent {work_no} and call {call} disagree on ringing"));
                }
            }
            for skill in agent.skills() {
                let indexed = match agent.state {
                    AgentState::Idle { since } => {
                        self.idle.get(&(agent.profile.vdn, skill)).is_some_and(|s| s.contains(&(since, work_no)))
                    }
                    _ => true,
                };
                if !indexed {
                    return Err(format!("idle agent {work_no} is missing from the idle index of skill {skill}"));
                }
            }
        }
        for set in self.idle.values() {
            for (since, work_no) in set {
                let idle = self.agents.get(work_no).is_some_and(|a| a.state == AgentState::Idle { since: *since });
                if !idle {
                    return Err(format!("agent {work_no} is indexed as idle but is not"));
                }
            }
        }
        Ok(())
    }
}
