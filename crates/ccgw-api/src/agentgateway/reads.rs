//! Reads of the live center: one [`Query`] to the engine (after the caller's Guid
//! check), answered with the view that query names.

use ccgw_core::catalog::retcode;
use ccgw_core::{AgentCalls, AgentView, CallView, Query, QueryAnswer, WorkNo};

use super::context::AgentCall;
use super::engine_failure;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

/// Asks `query` for the caller; `pick` takes the view the query names.
pub(super) async fn ask<T>(
    state: &ApiState,
    call: &AgentCall,
    query: Query,
    pick: impl FnOnce(QueryAnswer) -> Option<T>,
) -> Result<T, HuaweiReply> {
    let answer = state.engine.query(call.work_no, call.guid.clone(), query).await.map_err(engine_failure)?;
    pick(answer).ok_or_else(|| {
        tracing::error!(work_no = %call.work_no, "the engine answered a query with another view");
        HuaweiReply::error(retcode::INTERNAL)
    })
}

/// The caller itself; also the bare check that it is signed in with a valid Guid.
pub(super) async fn me(state: &ApiState, call: &AgentCall) -> Result<AgentView, HuaweiReply> {
    ask(state, call, Query::Me, |answer| match answer {
        QueryAnswer::Agent(view) => Some(*view),
        _ => None,
    })
    .await
}

/// The calls of the caller (`None`) or of another agent signed in to its VDN (`300-002`
/// otherwise).
pub(super) async fn calls_of(
    state: &ApiState,
    call: &AgentCall,
    agent: Option<WorkNo>,
) -> Result<AgentCalls, HuaweiReply> {
    ask(state, call, Query::CallsOf(agent), |answer| match answer {
        QueryAnswer::Calls(calls) => Some(*calls),
        _ => None,
    })
    .await
}

/// A list of calls (`CallsInVdn`, `WaitingCalls`, `CallsInIvr`).
pub(super) async fn call_list(state: &ApiState, call: &AgentCall, query: Query) -> Result<Vec<CallView>, HuaweiReply> {
    ask(state, call, query, |answer| match answer {
        QueryAnswer::CallList(calls) => Some(calls),
        _ => None,
    })
    .await
}
