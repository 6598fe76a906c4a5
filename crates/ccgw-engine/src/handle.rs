//! How the rest of ccgw talks to the engine: a cheap, cloneable handle that sends each
//! request to the runtime of the VDN it belongs to and awaits its reply.

use std::sync::Arc;

use ccgw_core::{
    AgentProfile, AgentSnapshot, Command, Guid, InitialState, Outcome, PhoneNumber, Query, QueryAnswer, Refusal, Seq,
    SkillProfile, Timestamp, WorkNo,
};
use tokio::sync::oneshot;

use crate::error::EngineError;
use crate::event_log::{EventLog, PollSession, PushFeed};
use crate::registry::Registry;

/// A sign-in whose password has been verified against the directory.
#[derive(Debug, Clone)]
pub struct SignInRequest {
    pub profile: AgentProfile,
    pub phone: PhoneNumber,
    pub auto_answer: bool,
    pub auto_enter_idle: bool,
    /// `releasephone: false`: the phone stays connected between calls.
    pub always_off_hook: bool,
    pub initial: InitialState,
    pub force: bool,
    pub delivery: EventDelivery,
}

/// How a sign-in's events reach its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventDelivery {
    /// The client polls `agentevent`.
    #[default]
    Poll,
    /// A deliverer outside the engine sends them (Huawei push mode); polls are refused.
    Push,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub guid: Guid,
    pub login_time: Timestamp,
    /// The sign-in's cursor, for its deliverer ([`EventDelivery::Push`] only).
    pub feed: Option<PushFeed>,
}

/// A session-level request of a signed-in agent; every action first passes the Guid
/// check. What the agent asks the center to do is a [`Command`] instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    /// Event poll: may rotate the Guid.
    Poll,
    /// Push-mode heartbeat: may rotate the Guid.
    Handshake,
    UpdateGuid,
    Status,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Done,
    /// A Guid for the client to switch to (`Set-GUID`), if any.
    Guid(Option<Guid>),
    Poll {
        session: PollSession,
        hand_out: Option<Guid>,
    },
    EventLog(Arc<EventLog>),
    Status {
        state_code: u8,
        in_call: bool,
    },
    SignedIn(SignedIn),
    /// What an accepted [`Command`] came to.
    Outcome(Outcome),
    /// The answer to a [`Query`].
    Answer(Box<QueryAnswer>),
    Snapshot(Box<SnapshotAt>),
    /// How many things a settle made happen in one VDN's runtime.
    Settled(usize),
    /// How many signed-out sessions still hold events no poll has collected.
    Undelivered(usize),
    Metrics(Box<crate::VdnMetrics>),
}

/// An agent's snapshot and the sequence number of its last event when it was taken:
/// a reader that continues with the events after `seq` misses none and sees none twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotAt {
    pub seq: Seq,
    pub snapshot: AgentSnapshot,
}

/// Who reads an agent's event log through the extension API.
#[derive(Clone)]
pub enum EventReader {
    /// The caller checked the admin token.
    Admin,
    /// The agent itself, with a Guid the engine checks for that work number.
    Agent { guid: String },
}

impl std::fmt::Debug for EventReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the Guid.
        f.write_str(match self {
            EventReader::Admin => "Admin",
            EventReader::Agent { .. } => "Agent",
        })
    }
}

pub(crate) enum Request {
    SignIn(Box<SignInRequest>),
    Act {
        work_no: WorkNo,
        guid: Option<String>,
        action: AgentAction,
    },
    /// Applies a command for a signed-in agent that presented a valid Guid.
    Command {
        work_no: WorkNo,
        guid: Option<String>,
        command: Command,
    },
    /// Answers `query` for a signed-in agent that presented a valid Guid.
    Query {
        work_no: WorkNo,
        guid: Option<String>,
        query: Query,
    },
    ConfigureSkills(Vec<SkillProfile>),
    /// Fires everything due at the clock's now (switch items, reports, timers) until
    /// nothing changes, then replies.
    Settle,
    /// The agent's event log, for a reader that reads with its own cursor.
    EventLog {
        work_no: WorkNo,
        reader: EventReader,
    },
    /// The agent's snapshot and last sequence number, taken in one step.
    Snapshot {
        work_no: WorkNo,
        reader: EventReader,
    },
    ConfigureRouting(ccgw_core::RoutingTable),
    /// The agent signs in to another VDN: it leaves this one first (see `Runtime::depart`).
    Depart {
        work_no: WorkNo,
        force: bool,
    },
    /// The gateway begins to stop: ends every live call, signs every agent out with its
    /// event, takes no sign-in any more; the engine goes on serving polls.
    Close,
    /// Counts the signed-out sessions whose events are not all collected yet.
    Undelivered,
    /// The current Guid of a push sign-in, while it is the agent's live one.
    PushGuid {
        work_no: WorkNo,
        session: (usize, u64),
    },
    /// A push sign-in's events cannot be delivered: the agent is signed out, if that
    /// sign-in is still its live one.
    PushUnreachable {
        work_no: WorkNo,
        session: (usize, u64),
    },
    /// The VDN's figures for the metrics.
    Metrics,
    /// Ends every live call with an outcome, then stops the engine.
    Shutdown,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::SignIn(request) => f.debug_tuple("SignIn").field(&request.profile.work_no).finish(),
            Request::Act { work_no, action, .. } => {
                f.debug_struct("Act").field("work_no", work_no).field("action", action).finish()
            }
            Request::Command { work_no, command, .. } => {
                f.debug_struct("Command").field("work_no", work_no).field("command", command).finish()
            }
            Request::Query { work_no, query, .. } => {
                f.debug_struct("Query").field("work_no", work_no).field("query", query).finish()
            }
            Request::ConfigureSkills(skills) => f.debug_tuple("ConfigureSkills").field(&skills.len()).finish(),
            Request::Settle => f.write_str("Settle"),
            Request::EventLog { work_no, .. } => f.debug_struct("EventLog").field("work_no", work_no).finish(),
            Request::Snapshot { work_no, .. } => f.debug_struct("Snapshot").field("work_no", work_no).finish(),
            Request::ConfigureRouting(_) => f.write_str("ConfigureRouting"),
            Request::Depart { work_no, force } => {
                f.debug_struct("Depart").field("work_no", work_no).field("force", force).finish()
            }
            Request::Close => f.write_str("Close"),
            Request::Undelivered => f.write_str("Undelivered"),
            Request::PushGuid { work_no, .. } => f.debug_struct("PushGuid").field("work_no", work_no).finish(),
            Request::PushUnreachable { work_no, .. } => {
                f.debug_struct("PushUnreachable").field("work_no", work_no).finish()
            }
            Request::Metrics => f.write_str("Metrics"),
            Request::Shutdown => f.write_str("Shutdown"),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) request: Request,
    pub(crate) reply: oneshot::Sender<Result<Reply, Refusal>>,
}

/// The in-process engine, as its users hold it.
#[derive(Clone)]
pub struct EngineHandle {
    pub(crate) registry: Arc<Registry>,
}

impl std::fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineHandle").finish_non_exhaustive()
    }
}

impl EngineHandle {
    /// The engine's time, read without a round trip (the same clock the engine uses).
    pub fn now(&self) -> Timestamp {
        self.registry.shared().clock.now()
    }

    /// Signs the agent in to its profile's VDN. An agent signed in to another VDN (its
    /// directory entry moved) leaves that one first, as a second sign-in there would
    /// make it: refused without `force`, taken over with.
    pub async fn sign_in(&self, request: SignInRequest) -> Result<SignedIn, EngineError> {
        let work_no = request.profile.work_no;
        let vdn = request.profile.vdn;
        if let Some(previous) = self.registry.vdn_of(work_no).filter(|previous| *previous != vdn) {
            self.registry.send(previous, Request::Depart { work_no, force: request.force }).await?;
        }
        self.registry.set_vdn_of(work_no, vdn);
        match self.registry.send(vdn, Request::SignIn(Box::new(request))).await? {
            Reply::SignedIn(signed_in) => Ok(signed_in),
            _ => Err(EngineError::Stopped),
        }
    }

    pub async fn act(&self, work_no: WorkNo, guid: Option<String>, action: AgentAction) -> Result<Reply, EngineError> {
        self.registry.send_for(work_no, Request::Act { work_no, guid, action }).await
    }

    /// Applies `command` for the agent after its Guid check: what it came to, or why
    /// it was refused.
    pub async fn command(
        &self,
        work_no: WorkNo,
        guid: Option<String>,
        command: Command,
    ) -> Result<Outcome, EngineError> {
        match self.registry.send_for(work_no, Request::Command { work_no, guid, command }).await? {
            Reply::Outcome(outcome) => Ok(outcome),
            _ => Err(EngineError::Stopped),
        }
    }

    /// Answers `query` on behalf of a signed-in agent, after its Guid check.
    pub async fn query(&self, work_no: WorkNo, guid: Option<String>, query: Query) -> Result<QueryAnswer, EngineError> {
        match self.registry.send_for(work_no, Request::Query { work_no, guid, query }).await? {
            Reply::Answer(answer) => Ok(*answer),
            _ => Err(EngineError::Stopped),
        }
    }

    /// Begins a graceful stop: every live call ends with its outcome, every agent is
    /// signed out with `AgentOther_ShutdownService`, and no sign-in is taken any more.
    /// Polls go on, so that clients collect those last events.
    pub async fn close(&self) -> Result<(), EngineError> {
        self.registry.close().await
    }

    /// How many signed-out sessions still hold events no poll has collected (after
    /// [`EngineHandle::close`]: how many agents have not yet heard that they were
    /// signed out).
    pub async fn undelivered(&self) -> Result<usize, EngineError> {
        self.registry.undelivered().await
    }

    /// Every VDN's figures and the event-log totals, for `GET /metrics`.
    pub async fn metrics(&self) -> Result<crate::EngineMetrics, EngineError> {
        self.registry.metrics().await
    }

    /// Ends every live call with its outcome (handed to the recorder) and stops the
    /// engine: after this returns, no call record is produced any more.
    pub async fn shut_down(&self) -> Result<(), EngineError> {
        self.registry.shut_down().await
    }

    /// Brings the engine up to the clock: the switch fires what is due by now, its
    /// reports are applied and due timers fire, over and over until nothing changes.
    /// Returns once that is done, so that a test that moved a `ManualClock` can look
    /// at the result without waiting in real time.
    pub async fn settle(&self) -> Result<(), EngineError> {
        self.registry.settle().await
    }

    /// The agent's event log, to read from a cursor (never consuming events). An agent
    /// reader's Guid must be valid for `work_no`; an admin reader gets the log of any
    /// work number (an empty one if it never had events).
    pub async fn event_log(&self, work_no: WorkNo, reader: EventReader) -> Result<Arc<EventLog>, EngineError> {
        if let EventReader::Admin = reader {
            // No Guid to check: straight from the log book, which holds the log even of
            // an agent signed in nowhere yet (its first events will come into it).
            let log = self.registry.shared().book.log(work_no);
            log.trim(self.now());
            return Ok(log);
        }
        match self.registry.send_for(work_no, Request::EventLog { work_no, reader }).await? {
            Reply::EventLog(log) => Ok(log),
            _ => Err(EngineError::Stopped),
        }
    }

    /// The agent's snapshot with the sequence number of its last event at that instant,
    /// for the readers [`EngineHandle::event_log`] admits (the same Guid check). An admin
    /// gets a snapshot of any work number (signed out, with `seq` 0, if never seen).
    pub async fn snapshot(&self, work_no: WorkNo, reader: EventReader) -> Result<SnapshotAt, EngineError> {
        if self.registry.vdn_of(work_no).is_none() && matches!(reader, EventReader::Admin) {
            let snapshot = AgentSnapshot { work_no, taken_at: self.now(), signed_in: None };
            return Ok(SnapshotAt { seq: self.registry.shared().book.last_seq(work_no), snapshot });
        }
        match self.registry.send_for(work_no, Request::Snapshot { work_no, reader }).await? {
            Reply::Snapshot(snapshot) => Ok(*snapshot),
            _ => Err(EngineError::Stopped),
        }
    }

    /// The Guid a push sign-in's deliveries carry: its current one, or `None` once that
    /// sign-in is no longer the agent's live one.
    pub async fn push_guid(&self, feed: &PushFeed) -> Result<Option<Guid>, EngineError> {
        let work_no = feed.work_no();
        match self.registry.send_for(work_no, Request::PushGuid { work_no, session: feed.key() }).await {
            Ok(Reply::Guid(guid)) => Ok(guid),
            Ok(_) => Err(EngineError::Stopped),
            Err(EngineError::Refused(Refusal::NotSignedIn)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Signs the agent out because its push sign-in's events cannot be delivered (the
    /// failure window passed, or events were lost from the full log); nothing happens
    /// if that sign-in has already ended.
    pub async fn push_unreachable(&self, feed: &PushFeed) -> Result<(), EngineError> {
        let work_no = feed.work_no();
        match self.registry.send_for(work_no, Request::PushUnreachable { work_no, session: feed.key() }).await {
            Ok(_) | Err(EngineError::Refused(Refusal::NotSignedIn)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Replaces the skill configuration the distribution uses.
    pub async fn configure_skills(&self, skills: Vec<SkillProfile>) -> Result<(), EngineError> {
        self.registry.configure_skills(skills).await
    }

    /// Replaces the routing table that customer calls reported by number are routed by.
    pub async fn configure_routing(&self, routing: ccgw_core::RoutingTable) -> Result<(), EngineError> {
        self.registry.configure_routing(routing).await
    }
}
