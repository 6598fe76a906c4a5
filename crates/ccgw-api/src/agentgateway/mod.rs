//! The Huawei CC-Gateway agent API under `/agentgateway/resource` (spec 01–05).

mod account;
mod agentevent;
mod agentgroup;
mod agentstate;
mod call_records;
mod calldata;
mod calldata_lists;
mod calldata_writes;
mod context;
mod event_json;
mod ivr;
pub(crate) mod js_client;
mod notes;
mod onlineagent;
mod pickup;
mod poll_body;
pub(crate) mod push;
mod qualitycontrol;
mod querymonitor;
mod queuedevice;
mod reads;
mod sign_in_check;
mod transfer;
mod unsupported;
mod voicecall;

use ccgw_core::catalog::retcode;
use ccgw_engine::EngineError;

use crate::route_table::Routes;
use crate::wire::reply::HuaweiReply;

/// For [`crate::bench_support`] only.
pub(crate) use event_json::poll_answer;
/// The extension API renders events the way the poll does.
pub(crate) use event_json::{EventBody, event_body};

pub(crate) fn routes() -> Routes {
    let base = "/agentgateway/resource";
    Routes::new()
        .merge(onlineagent::routes(base))
        .merge(agentstate::routes(base))
        .merge(notes::routes(base))
        .merge(account::routes(base))
        .merge(agentgroup::routes(base))
        .merge(queuedevice::routes(base))
        .merge(querymonitor::routes(base))
        .merge(calldata::routes(base))
        .merge(ivr::routes(base))
        .merge(voicecall::routes(base))
        .merge(qualitycontrol::routes(base))
        .merge(unsupported::routes(base))
        .get(&format!("{base}/agentevent/{{agentid}}"), agentevent::poll)
}

/// Renders an engine failure for a Huawei client.
pub(crate) fn engine_failure(error: EngineError) -> HuaweiReply {
    match error {
        EngineError::Refused(refusal) => HuaweiReply::refused(&refusal),
        EngineError::Stopped => {
            tracing::error!("engine unavailable");
            HuaweiReply::error(retcode::INTERNAL)
        }
    }
}
