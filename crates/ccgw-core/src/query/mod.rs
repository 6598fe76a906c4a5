//! Reads of the live center as data: a [`Query`] names what an agent asks for, and
//! [`Center::query`] replies with plain views (owned strings, numbers, ids) so that the
//! API renders them without seeing a `Center`, an `Agent` or a `Call`.
//!
//! VDN scoping happens here: every query is asked by a signed-in agent, and it sees only
//! its own VDN. Another agent outside it answers [`Refusal::AgentNotInVdn`] as if it did
//! not exist; a skill or an IVR flow outside it is an invalid parameter.

mod agent_view;
mod call_view;
mod snapshot;

use std::collections::BTreeMap;

use crate::agent::{Agent, AgentState};
use crate::agent_stats::AgentStats;
use crate::call::CallState;
use crate::center::{Center, SkillSnapshot};
use crate::directory::SkillProfile;
use crate::ids::{CallId, SkillId, Vdn, WorkNo};
use crate::ivr::{IvrFlow, IvrId};
use crate::refusal::Refusal;
use crate::time::Timestamp;

pub use agent_view::{AgentView, RestView};
pub use call_view::{CallView, SeenState};
pub use snapshot::{AgentSnapshot, SignedInSnapshot};

/// What a signed-in agent asks about the center.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    /// The asker itself (also the bare check that it is signed in): [`QueryAnswer::Agent`].
    Me,
    /// The asker's VDN: [`QueryAnswer::Vdn`].
    Vdn {
        /// Copy every signed-in agent of the VDN.
        agents: bool,
        /// Copy a snapshot of every skill queue and count the calls of the VDN.
        queues: bool,
    },
    /// The calls of the asker (`None`) or of another agent signed in to its VDN:
    /// [`QueryAnswer::Calls`].
    CallsOf(Option<WorkNo>),
    /// Every call of the asker's VDN, in arrival order, each as its main agent sees it:
    /// [`QueryAnswer::CallList`].
    CallsInVdn,
    /// The calls waiting in one skill queue of the VDN, first to be served first:
    /// [`QueryAnswer::CallList`].
    WaitingCalls(SkillId),
    /// The IVR flows of the VDN, in id order: [`QueryAnswer::IvrFlows`].
    IvrFlows,
    /// The calls in one IVR flow of the VDN, first in first: [`QueryAnswer::CallList`].
    CallsInIvr(IvrId),
    /// The business data of one of the asker's calls (its current call when `None`):
    /// [`QueryAnswer::Text`].
    BusinessData(Option<CallId>),
    /// The call a sound report of the asker is about: [`QueryAnswer::Call`].
    SoundReportCall,
    /// The asker's counters since sign-in: [`QueryAnswer::Statistics`].
    Statistics,
    /// The agents an inspector monitors: [`QueryAnswer::WorkNos`].
    Monitored,
    /// An inspector's QC tasks (its inspection of a call, if any): [`QueryAnswer::QcTasks`].
    QcTasks,
}

/// The answer to a [`Query`]; each query names the variant it gets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryAnswer {
    Agent(Box<AgentView>),
    Vdn(Box<VdnView>),
    Calls(Box<AgentCalls>),
    CallList(Vec<CallView>),
    IvrFlows(Vec<IvrFlow>),
    Text(String),
    Call(CallId),
    Statistics(Box<AgentStats>),
    WorkNos(Vec<WorkNo>),
    QcTasks(Vec<crate::center::QcTask>),
}

/// Calls of the asker's VDN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallCounts {
    /// Waiting in a skill queue.
    pub waiting: u32,
    /// Ringing at an agent, live, or in an IVR flow.
    pub in_service: u32,
}

/// The asker's VDN.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VdnView {
    pub asker: AgentView,
    /// The center's time when the view was taken.
    pub now: Timestamp,
    /// Signed-in agents (the asker included) when asked for.
    pub agents: BTreeMap<WorkNo, AgentView>,
    /// The skill queues the center serves in the VDN.
    pub skills: BTreeMap<SkillId, SkillProfile>,
    /// A snapshot of every skill queue, when asked for.
    pub queues: BTreeMap<SkillId, SkillSnapshot>,
    /// Counted when queues are asked for.
    pub calls: CallCounts,
}

impl VdnView {
    pub fn vdn(&self) -> Vdn {
        self.asker.profile.vdn
    }
}

/// The calls of one agent, each as that agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentCalls {
    pub agent: WorkNo,
    /// Every call the agent is in: the held ones, oldest first, then the current one.
    pub calls: Vec<CallView>,
    /// The current call (ringing, dialling, talking, or held).
    pub current: Option<CallView>,
    /// The call ringing at the agent.
    pub ringing: Option<CallView>,
    /// The last call the agent talked in and has left.
    pub last: Option<CallView>,
}

impl Center {
    /// Answers `query` for `asker`, a signed-in agent (whose Guid the caller checked).
    pub fn query(&self, asker: WorkNo, query: &Query, now: Timestamp) -> Result<QueryAnswer, Refusal> {
        let me = self.agent(asker).ok_or(Refusal::NotSignedIn)?;
        let vdn = me.profile().vdn;
        Ok(match query {
            Query::Me => QueryAnswer::Agent(Box::new(AgentView::of(me))),
            Query::Vdn { agents, queues } => QueryAnswer::Vdn(Box::new(self.vdn_view(me, *agents, *queues, now))),
            Query::CallsOf(None) => QueryAnswer::Calls(Box::new(self.agent_calls(me))),
            Query::CallsOf(Some(other)) => {
                let other = self
                    .agent(*other)
                    .filter(|other| other.profile().vdn == vdn)
                    .ok_or(Refusal::AgentNotInVdn(*other))?;
                QueryAnswer::Calls(Box::new(self.agent_calls(other)))
            }
            Query::CallsInVdn => {
                let mut calls: Vec<_> = self.calls().filter(|call| call.info().vdn == vdn).collect();
                calls.sort_by(|a, b| (a.arrived(), a.id()).cmp(&(b.arrived(), b.id())));
                QueryAnswer::CallList(calls.into_iter().map(|call| CallView::of(self, call)).collect())
            }
            Query::WaitingCalls(skill) => {
                if self.skill(vdn, *skill).is_none() {
                    return Err(Refusal::InvalidParameter(format!("skill {skill} does not exist in this VDN")));
                }
                QueryAnswer::CallList(self.waiting_calls(vdn, *skill).map(|call| CallView::of(self, call)).collect())
            }
            Query::IvrFlows => QueryAnswer::IvrFlows(self.ivr_flows(vdn).cloned().collect()),
            Query::CallsInIvr(flow) => {
                if self.ivr_flow(vdn, *flow).is_none() {
                    return Err(Refusal::InvalidParameter(format!("no IVR flow {flow} in this VDN")));
                }
                let calls = self.calls_in_ivr(vdn, *flow);
                QueryAnswer::CallList(calls.into_iter().map(|call| CallView::of(self, call)).collect())
            }
            Query::BusinessData(wanted) => {
                QueryAnswer::Text(self.call_at_agent(asker, wanted.as_ref())?.business_data().to_owned())
            }
            Query::SoundReportCall => QueryAnswer::Call(self.sound_report_call(asker)?),
            Query::Statistics => QueryAnswer::Statistics(Box::new(me.statistics(now))),
            Query::Monitored => {
                if me.profile().role != crate::directory::Role::Inspector {
                    return Err(Refusal::QcNoRight);
                }
                QueryAnswer::WorkNos(self.monitored_by(asker))
            }
            Query::QcTasks => {
                if me.profile().role != crate::directory::Role::Inspector {
                    return Err(Refusal::QcNoRight);
                }
                QueryAnswer::QcTasks(self.qc_tasks(asker))
            }
        })
    }

    fn vdn_view(&self, me: &Agent, agents: bool, queues: bool, now: Timestamp) -> VdnView {
        let vdn = me.profile().vdn;
        let in_vdn = |agent: &&Agent| agent.profile().vdn == vdn;
        let agents = if agents {
            self.agents().filter(in_vdn).map(|agent| (agent.work_no(), AgentView::of(agent))).collect()
        } else {
            BTreeMap::new()
        };
        let skills: BTreeMap<SkillId, SkillProfile> =
            self.skills().filter(|skill| skill.vdn == vdn).map(|skill| (skill.id, skill.clone())).collect();
        let mut calls = CallCounts::default();
        let queues = if queues {
            for call in self.calls().filter(|call| call.info().vdn == vdn) {
                match call.state() {
                    CallState::Queued => calls.waiting += 1,
                    CallState::Offered { .. } | CallState::Live { .. } | CallState::InIvr { .. } => {
                        calls.in_service += 1
                    }
                }
            }
            skills.keys().map(|&id| (id, self.skill_snapshot(vdn, id, now))).collect()
        } else {
            BTreeMap::new()
        };
        VdnView { asker: AgentView::of(me), now, agents, skills, queues, calls }
    }

    fn agent_calls(&self, agent: &Agent) -> AgentCalls {
        let work_no = agent.work_no();
        let view = |id: &CallId| self.call(id).map(|call| CallView::at(self, call, work_no));
        let ringing = match agent.state() {
            AgentState::Ringing { call, .. } => view(call),
            _ => None,
        };
        AgentCalls {
            agent: work_no,
            calls: agent.calls().filter_map(view).collect(),
            current: agent.state().call().and_then(view),
            ringing,
            last: agent.last_call().map(|last| CallView::ended(self, agent, last)),
        }
    }
}

#[cfg(test)]
mod tests;
