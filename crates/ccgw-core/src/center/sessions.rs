//! Sign-in, sign-out and liveness.

use std::collections::VecDeque;

use super::legs::Leave;
use super::{Center, Effect, Effects, Party, SwitchAction, Timer};
use crate::agent::{Agent, AgentState, InitialState};
use crate::agent_stats::AgentStats;
use crate::directory::AgentProfile;
use crate::event::AgentEvent;
use crate::ids::{Guid, PhoneNumber, WorkNo};
use crate::refusal::Refusal;
use crate::request_budget::RequestBudget;
use crate::session::Session;
use crate::time::Timestamp;

/// A sign-in whose credentials have already been checked.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub profile: AgentProfile,
    pub phone: PhoneNumber,
    pub auto_answer: bool,
    pub auto_enter_idle: bool,
    /// The phone stays connected between calls (`releasephone: false`, Huawei's "always
    /// off-hook" mode): the switch is asked to keep a line to it from now on.
    pub always_off_hook: bool,
    pub initial: InitialState,
    /// `forcelogin`: take over an existing sign-in of the same work number.
    pub force: bool,
    pub guid: Guid,
}

/// Why a sign-in ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// `logout`: refused while talking; emits no event (spec 02 §2.5).
    Logout,
    /// `forcelogout` / `forcelogoutwithreason`: releases any call.
    Forced { reason: u16 },
    /// No request within the liveness limit.
    Silent,
    /// Push mode: the agent's events could not be delivered to its callback for longer
    /// than the failure window (or were lost from its full log). Told as `Silent` is:
    /// both mean the client is gone.
    Unreachable,
    /// The same work number signed in again with `forcelogin` (reason 264).
    TakenOver,
    /// The gateway is stopping (SIGTERM, SIGINT): the agent is told, as for a forced
    /// sign-out, so that its client can sign in again elsewhere or later.
    GatewayStopping,
}

impl Center {
    pub fn sign_in(&mut self, request: SignIn, now: Timestamp) -> Result<Effects, Refusal> {
        let work_no = request.profile.work_no;
        if self.closing {
            return Err(Refusal::ShuttingDown);
        }
        if self.phone_owners.get(&request.phone).is_some_and(|owner| *owner != work_no) {
            // Another agent signed in with this phone: its calls ring there.
            return Err(Refusal::PhoneInvalid);
        }
        let mut fx = Effects::new();
        if self.agents.contains_key(&work_no) {
            if !request.force {
                return Err(Refusal::AlreadySignedIn);
            }
            if !self.settings.allow_force_login {
                return Err(Refusal::ForceLoginDisabled);
            }
            fx = self.sign_out(work_no, SignOut::TakenOver, now)?;
        }
        self.phone_owners.insert(request.phone.clone(), work_no);
        let agent = Agent {
            skills: request.profile.skills.clone(),
            profile: request.profile,
            session: Session::new(request.guid.clone(), now),
            phone: request.phone,
            auto_answer: request.auto_answer,
            auto_enter_idle: request.auto_enter_idle,
            always_off_hook: request.always_off_hook,
            talk_right: true,
            login_time: now,
            state: AgentState::NotReady { reason: 0 },
            state_since: now,
            pending: None,
            last_seen: now,
            notes: VecDeque::new(),
            notes_dropped: 0,
            held_calls: Vec::new(),
            stats: AgentStats::default(),
            last_call: None,
            requests: RequestBudget::full(self.settings.request_rate, now),
        };
        let line = request.always_off_hook.then(|| agent.phone.clone());
        self.agents.insert(work_no, agent);
        self.staff(work_no, true);
        fx.push(Effect::SessionStarted { work_no, guid: request.guid, login_time: now });
        if let Some(phone) = line {
            fx.push(Effect::Switch(SwitchAction::KeepLine { agent: work_no, phone }));
        }
        Self::emit(&mut fx, work_no, AgentEvent::InService);
        Self::emit(&mut fx, work_no, AgentEvent::Ready);
        match request.initial {
            InitialState::Idle => {
                self.set_state(work_no, AgentState::Idle { since: now }, now);
                self.find_call_for(work_no, now, &mut fx);
            }
            InitialState::Busy => {
                self.tally(work_no, |stats| stats.busy_count += 1);
                Self::emit(&mut fx, work_no, AgentEvent::NotReady { reason: 0 });
            }
            InitialState::Work => {
                self.set_state(work_no, AgentState::WrapUp { ends: None }, now);
                Self::emit(&mut fx, work_no, AgentEvent::Work);
            }
        }
        if let Some(limit) = self.settings.liveness {
            fx.push(Effect::Timer { at: now.plus(limit), timer: Timer::Liveness { work_no, login_time: now } });
        }
        Ok(fx)
    }

    pub fn sign_out(&mut self, work_no: WorkNo, how: SignOut, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let login_time = agent.login_time;
        let guids = agent.session.guids();
        let state = agent.state.clone();
        if how == SignOut::Logout && matches!(state, AgentState::Talking { .. }) {
            return Err(Refusal::SignOutInCall);
        }
        let mut fx = Effects::new();
        match state {
            AgentState::Ringing { call, .. } if self.is_offered_to(&call, work_no) => {
                // The caller must not pay for the agent leaving: back to its place in the
                // queue, and on to the next agent (this one is no longer available).
                self.set_state(work_no, AgentState::NotReady { reason: 0 }, now);
                self.return_to_queue(&call, work_no, now, &mut fx);
            }
            AgentState::Ringing { .. } | AgentState::Talking { .. } => {
                let calls: Vec<_> = self.agents.get(&work_no).map(|a| a.calls().cloned().collect()).unwrap_or_default();
                for call in calls.iter().rev() {
                    self.leave(call, &Party::Agent(work_no), Leave::SignedOut, now, &mut fx);
                }
            }
            // An inspection is not the inspector's call: it ends with the sign-out.
            AgentState::Inspecting { .. } => self.inspector_signs_out(work_no, now, &mut fx),
            AgentState::Idle { .. }
            | AgentState::NotReady { .. }
            | AgentState::Rest { .. }
            | AgentState::WrapUp { .. } => {}
        }
        if how != SignOut::Logout {
            Self::emit(&mut fx, work_no, AgentEvent::ShutdownService { login_time });
        }
        self.set_state(work_no, AgentState::NotReady { reason: 0 }, now);
        self.staff(work_no, false);
        self.monitors.forget_inspector(work_no);
        if let Some(agent) = self.agents.remove(&work_no) {
            self.phone_owners.remove(&agent.phone);
            if agent.always_off_hook {
                fx.push(Effect::Switch(SwitchAction::DropLine { agent: work_no }));
            }
        }
        fx.push(Effect::SessionEnded { work_no, login_time, guids });
        Ok(fx)
    }

    /// `bindphone`: the agent's phone for the rest of its sign-in, changed while no call
    /// rings or goes on at it (`100-009` otherwise). An always-off-hook agent's line moves
    /// to the new phone.
    pub fn bind_phone(&mut self, work_no: WorkNo, phone: PhoneNumber) -> Result<Effects, Refusal> {
        if self.phone_owners.get(&phone).is_some_and(|owner| *owner != work_no) {
            // Another agent's calls ring that phone.
            return Err(Refusal::PhoneInvalid);
        }
        let agent = self.agents.get_mut(&work_no).ok_or(Refusal::NotSignedIn)?;
        if matches!(
            agent.state,
            AgentState::Ringing { .. } | AgentState::Talking { .. } | AgentState::Inspecting { .. }
        ) {
            return Err(Refusal::StateForbids);
        }
        let mut fx = Effects::new();
        if agent.phone != phone && agent.always_off_hook {
            fx.push(Effect::Switch(SwitchAction::DropLine { agent: work_no }));
            fx.push(Effect::Switch(SwitchAction::KeepLine { agent: work_no, phone: phone.clone() }));
        }
        self.phone_owners.remove(&agent.phone);
        self.phone_owners.insert(phone.clone(), work_no);
        agent.phone = phone;
        Ok(fx)
    }

    pub(super) fn liveness_check(&mut self, work_no: WorkNo, login_time: Timestamp, now: Timestamp, fx: &mut Effects) {
        let (Some(limit), Some(agent)) = (self.settings.liveness, self.agents.get(&work_no)) else {
            return;
        };
        if agent.login_time != login_time {
            return;
        }
        let deadline = agent.last_seen.plus(limit);
        if now >= deadline {
            if let Ok(more) = self.sign_out(work_no, SignOut::Silent, now) {
                fx.extend(more);
            }
        } else {
            fx.push(Effect::Timer { at: deadline, timer: super::Timer::Liveness { work_no, login_time } });
        }
    }
}
