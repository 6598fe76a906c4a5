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

use axum::extract::State;
use ccgw_core::catalog::retcode;
use ccgw_core::{CallView, IvrId, Query, QueryAnswer};
use serde::Serialize;

use super::agentgroup::invalid;
use super::calldata::CallInfo;
use super::context::AgentCall;
use super::reads::{ask, call_list};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    Routes::new()
        .get(&format!("{base}/queuedevice/{{agentid}}/ivrinfo"), flows)
        .get(&format!("{base}/calldata/{{agentid}}/ivrcallinfo/{{ivrid}}"), calls_in_flow)
        .get(&format!("{base}/calldata/{{agentid}}/ivrcallcount/{{ivrid}}"), count_in_flow)
}

/// One IVR flow of the VDN (`ivrinfo`).
#[derive(Debug, Serialize)]
struct FlowItem {
    ivrid: u32,
    name: String,
    accesscode: String,
    vdnid: u16,
}

async fn flows(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let flows = ask(&state, &call, Query::IvrFlows, |answer| match answer {
        QueryAnswer::IvrFlows(flows) => Some(flows),
        _ => None,
    });
    HuaweiReply::answer(flows.await.and_then(|flows| {
        if flows.is_empty() {
            return Err(HuaweiReply::error(retcode::VDN_IVR_NONE));
        }
        Ok(flows
            .into_iter()
            .map(|flow| FlowItem {
                ivrid: flow.id.get(),
                name: flow.name,
                accesscode: flow.access_code,
                vdnid: flow.vdn.get(),
            })
            .collect::<Vec<_>>())
    }))
}

/// The calls in the flow named by the `ivrid` path segment, first in first.
async fn flow_calls(state: &ApiState, call: &AgentCall) -> Result<Vec<CallView>, HuaweiReply> {
    let flow = call
        .param("ivrid")
        .and_then(|text| text.parse::<IvrId>().ok())
        .ok_or_else(|| invalid("ivrid must be a positive integer"))?;
    call_list(state, call, Query::CallsInIvr(flow)).await
}

/// `GET ivrcallinfo/{ivrid}`: the calls in the flow, first in first.
async fn calls_in_flow(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(flow_calls(&state, &call).await.map(|calls| calls.iter().map(CallInfo::of).collect::<Vec<_>>()))
}

/// `GET ivrcallcount/{ivrid}`: how many calls are in the flow.
async fn count_in_flow(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(flow_calls(&state, &call).await.map(|calls| u32::try_from(calls.len()).unwrap_or(u32::MAX)))
}
