//! The engine as the API sees it: requests and replies as data, addressed by agent,
//! never a `Center` or a runtime's internals. [`EngineHandle`] is the in-process
//! implementation (one runtime per VDN behind a registry); another — a client of an
//! engine in another process — implements the same trait.
//!
//! Event logs are reached through [`EngineApi::event_log`]: an [`EventLog`] is read
//! from a sequence number ([`EventLog::read_after`]) and waited on for the next one
//! ([`EventLog::wait_after`]), never consumed.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ccgw_core::{Command, Guid, Outcome, Query, QueryAnswer, RoutingTable, SkillProfile, Timestamp, WorkNo};

use crate::error::EngineError;
use crate::event_log::{EventLog, PushFeed};
use crate::handle::{AgentAction, EngineHandle, EventReader, Reply, SignInRequest, SignedIn, SnapshotAt};

/// What an engine call returns: boxed, so that the trait can be used as `dyn EngineApi`.
pub type EngineFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, EngineError>> + Send + 'a>>;

pub trait EngineApi: Send + Sync + 'static {
    /// The engine's time.
    fn now(&self) -> Timestamp;
    /// Signs an agent whose password was verified in to its profile's VDN.
    fn sign_in(&self, request: SignInRequest) -> EngineFuture<'_, SignedIn>;
    /// A session-level request of a signed-in agent (poll, handshake, Guid, status).
    fn act(&self, work_no: WorkNo, guid: Option<String>, action: AgentAction) -> EngineFuture<'_, Reply>;
    /// Applies a command of a signed-in agent in its VDN.
    fn command(&self, work_no: WorkNo, guid: Option<String>, command: Command) -> EngineFuture<'_, Outcome>;
    /// Answers a query of a signed-in agent about its VDN.
    fn query(&self, work_no: WorkNo, guid: Option<String>, query: Query) -> EngineFuture<'_, QueryAnswer>;
    /// The agent's event log, to read from a sequence number and wait for the next.
    fn event_log(&self, work_no: WorkNo, reader: EventReader) -> EngineFuture<'_, Arc<EventLog>>;
    /// The agent's state and calls with the sequence number of its last event.
    fn snapshot(&self, work_no: WorkNo, reader: EventReader) -> EngineFuture<'_, SnapshotAt>;
    /// The Guid a push sign-in's deliveries carry; `None` once it is not the live one.
    fn push_guid<'a>(&'a self, feed: &'a PushFeed) -> EngineFuture<'a, Option<Guid>>;
    /// Signs the agent out: its push sign-in's events cannot be delivered.
    fn push_unreachable<'a>(&'a self, feed: &'a PushFeed) -> EngineFuture<'a, ()>;
    fn configure_skills(&self, skills: Vec<SkillProfile>) -> EngineFuture<'_, ()>;
    fn configure_routing(&self, routing: RoutingTable) -> EngineFuture<'_, ()>;
    /// Fires everything due at the engine's now, in every VDN, until nothing changes.
    fn settle(&self) -> EngineFuture<'_, ()>;
    /// Begins a graceful stop: live calls end, agents are signed out with their event,
    /// no sign-in is taken; polls go on.
    fn close(&self) -> EngineFuture<'_, ()>;
    /// Signed-out sessions whose events are not all collected yet.
    fn undelivered(&self) -> EngineFuture<'_, usize>;
    /// Every VDN's figures and the event-log totals, for the metrics.
    fn metrics(&self) -> EngineFuture<'_, crate::EngineMetrics>;
    /// Ends every live call with its outcome and stops.
    fn shut_down(&self) -> EngineFuture<'_, ()>;
}

impl EngineApi for EngineHandle {
    fn now(&self) -> Timestamp {
        EngineHandle::now(self)
    }
    fn sign_in(&self, request: SignInRequest) -> EngineFuture<'_, SignedIn> {
        Box::pin(EngineHandle::sign_in(self, request))
    }
    fn act(&self, work_no: WorkNo, guid: Option<String>, action: AgentAction) -> EngineFuture<'_, Reply> {
        Box::pin(EngineHandle::act(self, work_no, guid, action))
    }
    fn command(&self, work_no: WorkNo, guid: Option<String>, command: Command) -> EngineFuture<'_, Outcome> {
        Box::pin(EngineHandle::command(self, work_no, guid, command))
    }
    fn query(&self, work_no: WorkNo, guid: Option<String>, query: Query) -> EngineFuture<'_, QueryAnswer> {
        Box::pin(EngineHandle::query(self, work_no, guid, query))
    }
    fn event_log(&self, work_no: WorkNo, reader: EventReader) -> EngineFuture<'_, Arc<EventLog>> {
        Box::pin(EngineHandle::event_log(self, work_no, reader))
    }
    fn snapshot(&self, work_no: WorkNo, reader: EventReader) -> EngineFuture<'_, SnapshotAt> {
        Box::pin(EngineHandle::snapshot(self, work_no, reader))
    }
    fn push_guid<'a>(&'a self, feed: &'a PushFeed) -> EngineFuture<'a, Option<Guid>> {
        Box::pin(EngineHandle::push_guid(self, feed))
    }
    fn push_unreachable<'a>(&'a self, feed: &'a PushFeed) -> EngineFuture<'a, ()> {
        Box::pin(EngineHandle::push_unreachable(self, feed))
    }
    fn configure_skills(&self, skills: Vec<SkillProfile>) -> EngineFuture<'_, ()> {
        Box::pin(EngineHandle::configure_skills(self, skills))
    }
    fn configure_routing(&self, routing: RoutingTable) -> EngineFuture<'_, ()> {
        Box::pin(EngineHandle::configure_routing(self, routing))
    }
    fn settle(&self) -> EngineFuture<'_, ()> {
        Box::pin(EngineHandle::settle(self))
    }
    fn close(&self) -> EngineFuture<'_, ()> {
        Box::pin(EngineHandle::close(self))
    }
    fn undelivered(&self) -> EngineFuture<'_, usize> {
        Box::pin(EngineHandle::undelivered(self))
    }
    fn metrics(&self) -> EngineFuture<'_, crate::EngineMetrics> {
        Box::pin(EngineHandle::metrics(self))
    }
    fn shut_down(&self) -> EngineFuture<'_, ()> {
        Box::pin(EngineHandle::shut_down(self))
    }
}
