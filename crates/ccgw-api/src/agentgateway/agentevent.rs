//! `GET /agentevent/{agentid}`: the long poll (spec 01 §10, 08 C9–C12). One event per
//! answer; an empty answer after the hold is exactly `{"message":"","retcode":"0"}`.

use axum::extract::State;
use ccgw_core::catalog::retcode;
use ccgw_engine::{AgentAction, Reply};

use super::context::AgentCall;
use super::engine_failure;
use super::event_json::poll_answer;
use crate::state::ApiState;
use crate::wire::reply::{EMPTY_POLL, HuaweiReply};

pub(crate) async fn poll(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let work_no = call.work_no;
    match state.engine.act(work_no, call.guid, AgentAction::Poll).await {
        Ok(Reply::Poll { mailbox, hand_out }) => {
            let body = match mailbox.next(state.settings.poll_hold).await {
                Some(delivered) => {
                    tracing::debug!(%work_no, seq = delivered.seq.0, "event delivered");
                    poll_answer(&delivered)
                }
                None => EMPTY_POLL.to_vec(),
            };
            HuaweiReply::raw(body).with_guid(hand_out, &state.set_guid)
        }
        Ok(_) => HuaweiReply::error(retcode::INTERNAL),
        Err(error) => engine_failure(error),
    }
}
