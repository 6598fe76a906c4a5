//! `GET /agentevent/{agentid}`: the long poll (spec 01 §10, 08 C9–C12). One event per
//! answer, read through the sign-in's cursor; an empty answer after the hold is exactly
//! `{"message":"","retcode":"0"}`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ccgw_core::catalog::retcode;
use ccgw_engine::{AgentAction, Reply};

use super::context::AgentCall;
use super::engine_failure;
use super::event_json::poll_answer;
use super::poll_body::CommitWhenTaken;
use crate::state::ApiState;
use crate::wire::reply::{EMPTY_POLL, HuaweiReply};

pub(crate) async fn poll(State(state): State<ApiState>, call: AgentCall) -> Response {
    let work_no = call.work_no;
    match state.engine.act(work_no, call.guid, AgentAction::Poll).await {
        Ok(Reply::Poll { session, hand_out }) => match session.next(state.settings.poll_hold).await {
            Some(claim) => {
                tracing::debug!(%work_no, seq = claim.event().seq.0, "event delivered");
                let reply = HuaweiReply::raw(poll_answer(claim.event())).with_guid(hand_out, &state.set_guid);
                CommitWhenTaken::wrap(reply.into_response(), claim)
            }
            None => HuaweiReply::raw(EMPTY_POLL.to_vec()).with_guid(hand_out, &state.set_guid).into_response(),
        },
        Ok(_) => HuaweiReply::error(retcode::INTERNAL).into_response(),
        Err(error) => engine_failure(error).into_response(),
    }
}
