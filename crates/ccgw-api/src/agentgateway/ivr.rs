//! The IVR queries (spec 05 §1 #22–23, §3 #7): the IVR flows of the caller's VDN
//! (`queuedevice/ivrinfo`), and the calls in one flow (`calldata/ivrcallinfo/{ivrid}`,
//! `calldata/ivrcallcount/{ivrid}`). Shapes and errors: `docs/queries.md`,
//! `docs/calldata.md`.
//!
//! ccgw's choices where the spec leaves them open:
//! - a flow is `{"ivrid", "name", "accesscode", "vdnid"}`, in id order; a VDN without
//!   flows answers `600-004`;
//! - the calls in a flow are call-information objects (as `waitcallinfo`) with state
//!   `ivr`, in the order they entered the flow; the count is a JSON number;
//! - an `ivrid` that is not a positive integer, or names no flow of the caller's VDN, is
//!   `000-002` with a message.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use ccgw_core::catalog::retcode;
use ccgw_core::{Call, Center, IvrId, Refusal, Timestamp, Vdn, WorkNo};
use serde::Serialize;

use super::agentgroup::invalid;
use super::calldata::CallInfo;
use super::context::AgentCall;
use super::engine_failure;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Router<ApiState> {
    Router::new()
        .route(&format!("{base}/queuedevice/{{agentid}}/ivrinfo"), get(flows))
        .route(&format!("{base}/calldata/{{agentid}}/ivrcallinfo/{{ivrid}}"), get(calls_in_flow))
        .route(&format!("{base}/calldata/{{agentid}}/ivrcallcount/{{ivrid}}"), get(count_in_flow))
}

/// One IVR flow of the VDN (`ivrinfo`).
#[derive(Debug, Serialize)]
struct FlowItem {
    ivrid: u32,
    name: String,
    accesscode: String,
    vdnid: u16,
}

fn caller_vdn(center: &Center, me: WorkNo) -> Result<Vdn, Refusal> {
    Ok(center.agent(me).ok_or(Refusal::NotSignedIn)?.profile().vdn)
}

async fn flows(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let read = |center: &Center, me: WorkNo, _now: Timestamp| {
        let vdn = caller_vdn(center, me)?;
        Ok(center
            .ivr_flows(vdn)
            .map(|flow| FlowItem {
                ivrid: flow.id.get(),
                name: flow.name.clone(),
                accesscode: flow.access_code.clone(),
                vdnid: vdn.get(),
            })
            .collect::<Vec<_>>())
    };
    HuaweiReply::answer(
        state.engine.query(call.work_no, call.guid.clone(), read).await.map_err(engine_failure).and_then(|flows| {
            if flows.is_empty() { Err(HuaweiReply::error(retcode::VDN_IVR_NONE)) } else { Ok(flows) }
        }),
    )
}

/// Runs `read` on the calls in the flow named by the `ivrid` path segment.
async fn with_flow_calls<R, F>(state: &ApiState, call: &AgentCall, read: F) -> HuaweiReply
where
    R: Serialize + Send + 'static,
    F: FnOnce(&Center, Vec<&Call>) -> R + Send + 'static,
{
    let Some(flow) = call.param("ivrid").and_then(|text| text.parse::<IvrId>().ok()) else {
        return invalid("ivrid must be a positive integer");
    };
    let query = move |center: &Center, me: WorkNo, _now: Timestamp| {
        let vdn = caller_vdn(center, me)?;
        if center.ivr_flow(vdn, flow).is_none() {
            return Err(Refusal::InvalidParameter(format!("no IVR flow {flow} in this VDN")));
        }
        Ok(read(center, center.calls_in_ivr(vdn, flow)))
    };
    HuaweiReply::answer(state.engine.query(call.work_no, call.guid.clone(), query).await.map_err(engine_failure))
}

/// `GET ivrcallinfo/{ivrid}`: the calls in the flow, first in first.
async fn calls_in_flow(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    with_flow_calls(&state, &call, |center, calls| {
        calls.into_iter().map(|call| CallInfo::of(center, call)).collect::<Vec<_>>()
    })
    .await
}

/// `GET ivrcallcount/{ivrid}`: how many calls are in the flow.
async fn count_in_flow(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    with_flow_calls(&state, &call, |_, calls| u32::try_from(calls.len()).unwrap_or(u32::MAX)).await
}
