//! `/voicecall/{agentid}/…`: answer and release (spec 04 §2.2, §2.13).

use axum::extract::State;
use ccgw_core::{CallId, Refusal};
use ccgw_engine::AgentAction;

use super::context::AgentCall;
use super::engine_failure;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

/// `PUT answer[?callid=]`: a callid that cannot be a call id names no ringing call.
pub(crate) async fn answer(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let wanted = match call.query.get("callid") {
        None => None,
        Some(text) => match CallId::parse(text) {
            Ok(id) => Some(id),
            Err(_) => return HuaweiReply::refused(&Refusal::NoCallToAnswer),
        },
    };
    match state.engine.act(call.work_no, call.guid, AgentAction::Answer { call: wanted }).await {
        Ok(_) => HuaweiReply::success("success", serde_json::json!({})),
        Err(error) => engine_failure(error),
    }
}

/// `DELETE release` and the legacy `DELETE {agentid}`.
pub(crate) async fn release(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.act(call.work_no, call.guid, AgentAction::Release).await {
        Ok(_) => HuaweiReply::success("success", serde_json::json!({})),
        Err(error) => engine_failure(error),
    }
}
