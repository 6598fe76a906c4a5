//! The agent state machine as data: one [`Rule`] for every state × command, in [`TABLE`].
//! `docs/agent-states.md` shows the same table with the events each cell emits; the
//! core's tests write every cell's expected outcome out by hand.
//!
//! Requests made while the agent is in a call, or in wrap-up, wait ("pre-busy",
//! "pre-rest") until the agent would otherwise become idle; one waits at a time and a
//! newer one replaces it.

use std::time::Duration;

use super::{Center, Effect, Effects, Timer};
use crate::agent::{AgentState, Pending, StateKind};
use crate::event::AgentEvent;
use crate::ids::WorkNo;
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// An agent's own request to change state (`saybusy` … `cancelwork`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StateCommand {
    /// `saybusy?reason=&prolong=`; reason 0 = none.
    SayBusy {
        reason: u16,
        prolong: bool,
    },
    CancelBusy,
    SayFree,
    /// `rest/{time}/{restcause}?prolong=`.
    Rest {
        length: Duration,
        cause: u8,
        prolong: bool,
    },
    CancelRest,
    Work,
    CancelWork,
}

/// The commands of the table, without their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    SayBusy,
    CancelBusy,
    SayFree,
    Rest,
    CancelRest,
    Work,
    CancelWork,
}

impl CommandKind {
    pub const ALL: [CommandKind; 7] = [
        CommandKind::SayBusy,
        CommandKind::CancelBusy,
        CommandKind::SayFree,
        CommandKind::Rest,
        CommandKind::CancelRest,
        CommandKind::Work,
        CommandKind::CancelWork,
    ];

    /// The Huawei interface name (`onlineagent/{agentid}/<name>`).
    pub fn interface(self) -> &'static str {
        match self {
            CommandKind::SayBusy => "saybusy",
            CommandKind::CancelBusy => "cancelbusy",
            CommandKind::SayFree => "sayfree",
            CommandKind::Rest => "rest",
            CommandKind::CancelRest => "cancelrest",
            CommandKind::Work => "work",
            CommandKind::CancelWork => "cancelwork",
        }
    }
}

impl StateCommand {
    pub fn kind(self) -> CommandKind {
        match self {
            StateCommand::SayBusy { .. } => CommandKind::SayBusy,
            StateCommand::CancelBusy => CommandKind::CancelBusy,
            StateCommand::SayFree => CommandKind::SayFree,
            StateCommand::Rest { .. } => CommandKind::Rest,
            StateCommand::CancelRest => CommandKind::CancelRest,
            StateCommand::Work => CommandKind::Work,
            StateCommand::CancelWork => CommandKind::CancelWork,
        }
    }

    /// What the command waits as, when it is deferred.
    fn as_pending(self) -> Option<Pending> {
        match self {
            StateCommand::SayBusy { reason, .. } => Some(Pending::Busy { reason, resumed: false }),
            StateCommand::Rest { length, cause, .. } => Some(Pending::Rest { length, cause, resumed: false }),
            StateCommand::Work => Some(Pending::Work),
            _ => None,
        }
    }

    /// Whether a waiting request is the one this cancel command withdraws.
    fn withdraws(self, pending: Pending) -> bool {
        matches!(
            (self, pending),
            (StateCommand::CancelBusy, Pending::Busy { .. })
                | (StateCommand::CancelRest, Pending::Rest { .. })
                | (StateCommand::CancelWork, Pending::Work)
        )
    }
}

/// What a command does in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `100-009`; nothing changes.
    Refuse,
    /// Accepted; nothing changes and no event is sent.
    NoChange,
    /// The command takes effect now.
    Enter,
    /// Only with `prolong=true` (and, for `saybusy`, a reason): the busy reason or rest
    /// period is replaced; otherwise `100-009`.
    ProlongOnly,
    /// Accepted; takes effect when the agent's call or wrap-up is over.
    Defer,
    /// Withdraws the waiting request this command cancels; `100-009` when none waits.
    Withdraw,
    /// Withdraws any waiting request; accepted when none waits.
    WithdrawAll,
}

use Rule::*;
use StateKind as S;

/// Rows: states; columns in [`CommandKind::ALL`] order:
/// saybusy, cancelbusy, sayfree, rest, cancelrest, work, cancelwork.
pub const TABLE: [(StateKind, [Rule; 7]); 6] = [
    (S::Idle, [Enter, Refuse, NoChange, Enter, Refuse, Enter, Refuse]),
    (S::Busy, [ProlongOnly, Enter, Enter, Enter, Refuse, Enter, Refuse]),
    (S::Rest, [Refuse, Refuse, Enter, ProlongOnly, Enter, Refuse, Refuse]),
    (S::WrapUp, [Defer, Withdraw, Enter, Defer, Withdraw, Refuse, Enter]),
    (S::Ringing, [Defer, Withdraw, WithdrawAll, Defer, Withdraw, Defer, Withdraw]),
    (S::Talking, [Defer, Withdraw, WithdrawAll, Defer, Withdraw, Defer, Withdraw]),
];

/// The rule for one cell of [`TABLE`].
pub fn rule(state: StateKind, command: CommandKind) -> Rule {
    let row = TABLE.iter().find(|(kind, _)| *kind == state).map(|(_, row)| row);
    let column = CommandKind::ALL.iter().position(|kind| *kind == command);
    match (row, column) {
        (Some(row), Some(column)) => row[column],
        _ => Refuse,
    }
}

impl Center {
    /// Applies an agent's state request according to [`TABLE`].
    pub fn change_state(&mut self, work_no: WorkNo, command: StateCommand, now: Timestamp) -> Result<Effects, Refusal> {
        let agent = self.agents.get(&work_no).ok_or(Refusal::NotSignedIn)?;
        let state = agent.state.clone();
        let pending = agent.pending;
        let mut fx = Effects::new();
        match rule(state.kind(), command.kind()) {
            Refuse => return Err(Refusal::StateForbids),
            NoChange => {}
            Defer => {
                if let Some(agent) = self.agents.get_mut(&work_no) {
                    agent.pending = command.as_pending();
                }
            }
            Withdraw => {
                if !pending.is_some_and(|pending| command.withdraws(pending)) {
                    return Err(Refusal::StateForbids);
                }
                self.set_pending(work_no, None);
            }
            WithdrawAll => self.set_pending(work_no, None),
            ProlongOnly => match command {
                StateCommand::SayBusy { reason, prolong: true } if reason != 0 => {
                    self.enter_busy(work_no, reason, false, now, &mut fx);
                }
                StateCommand::Rest { length, cause, prolong: true } => {
                    self.enter_rest(work_no, length, cause, false, now, &mut fx)
                }
                _ => return Err(Refusal::StateForbids),
            },
            Enter => self.enter(work_no, &state, command, now, &mut fx),
        }
        Ok(fx)
    }

    fn set_pending(&mut self, work_no: WorkNo, pending: Option<Pending>) {
        if let Some(agent) = self.agents.get_mut(&work_no) {
            agent.pending = pending;
        }
    }

    fn enter(&mut self, work_no: WorkNo, from: &AgentState, command: StateCommand, now: Timestamp, fx: &mut Effects) {
        match command {
            StateCommand::SayBusy { reason, .. } => self.enter_busy(work_no, reason, false, now, fx),
            StateCommand::Rest { length, cause, .. } => self.enter_rest(work_no, length, cause, false, now, fx),
            StateCommand::Work => {
                self.set_state(work_no, AgentState::WrapUp { ends: None }, now);
                Self::emit(fx, work_no, AgentEvent::SetWork);
            }
            StateCommand::CancelBusy | StateCommand::CancelRest | StateCommand::SayFree => {
                // sayfree leaves whatever not-ready state the agent is in, and forgets
                // any waiting request.
                self.set_pending(work_no, None);
                let left = match from {
                    AgentState::NotReady { .. } => AgentEvent::CancelNotReady,
                    AgentState::Rest { .. } => AgentEvent::CancelRest,
                    _ => AgentEvent::CancelWork,
                };
                Self::emit(fx, work_no, left);
                self.become_idle(work_no, now, now, fx);
            }
            StateCommand::CancelWork => {
                Self::emit(fx, work_no, AgentEvent::CancelWork);
                self.become_available(work_no, now, now, fx);
            }
        }
    }

    /// `resumed`: back to busy after a call it interrupted, not a new busy (not counted).
    pub(super) fn enter_busy(&mut self, work_no: WorkNo, reason: u16, resumed: bool, now: Timestamp, fx: &mut Effects) {
        self.set_state(work_no, AgentState::NotReady { reason }, now);
        self.tally(work_no, |stats| stats.busy_count += u32::from(!resumed));
        Self::emit(fx, work_no, AgentEvent::NotReady { reason });
    }

    pub(super) fn enter_rest(
        &mut self,
        work_no: WorkNo,
        length: Duration,
        cause: u8,
        resumed: bool,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(login_time) = self.agents.get(&work_no).map(|agent| agent.login_time) else { return };
        let ends = now.plus(length);
        self.set_state(work_no, AgentState::Rest { cause, ends, overdue: false }, now);
        self.tally(work_no, |stats| stats.rests += u32::from(!resumed));
        Self::emit(fx, work_no, AgentEvent::SetRest { cause });
        fx.push(Effect::Timer { at: ends, timer: Timer::RestEnd { work_no, login_time, ends } });
    }

    /// The agent would become idle now (after a call, wrap-up, or an offer that came to
    /// nothing): a waiting request takes effect instead, if there is one.
    pub(super) fn become_available(
        &mut self,
        work_no: WorkNo,
        idle_since: Timestamp,
        now: Timestamp,
        fx: &mut Effects,
    ) {
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        match agent.pending.take() {
            Some(Pending::Busy { reason, resumed }) => self.enter_busy(work_no, reason, resumed, now, fx),
            Some(Pending::Rest { length, cause, resumed }) => {
                self.enter_rest(work_no, length, cause, resumed, now, fx);
            }
            Some(Pending::Work) => {
                self.set_state(work_no, AgentState::WrapUp { ends: None }, now);
                Self::emit(fx, work_no, AgentEvent::SetWork);
            }
            None => self.become_idle(work_no, idle_since, now, fx),
        }
    }

    pub(super) fn become_idle(&mut self, work_no: WorkNo, since: Timestamp, now: Timestamp, fx: &mut Effects) {
        self.set_state(work_no, AgentState::Idle { since }, now);
        Self::emit(fx, work_no, AgentEvent::Ready);
        self.find_call_for(work_no, now, fx);
    }

    pub(super) fn rest_end(&mut self, work_no: WorkNo, login_time: Timestamp, ends: Timestamp, fx: &mut Effects) {
        let Some(agent) = self.agents.get_mut(&work_no) else { return };
        if agent.login_time != login_time {
            return;
        }
        if let AgentState::Rest { ends: current, overdue, .. } = &mut agent.state
            && *current == ends
            && !*overdue
        {
            *overdue = true;
            agent.stats.rests_overrun += 1;
            Self::emit(fx, work_no, AgentEvent::RestTimeout);
        }
    }
}
