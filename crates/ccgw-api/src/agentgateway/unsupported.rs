//! Interfaces of the Huawei API that ccgw does not provide, answered as every other one
//! is — HTTP 200 with the envelope — once the Guid is checked, with a retcode and a
//! message that says why (spec 08 C7: a Java client takes any other status for a null
//! answer). None of them answers 404.
//!
//! - `recordplay` (recording and playback): `990-001` "not supported on this switch:
//!   recording and playback" — neither the simulated switch nor the SIP switch records.
//! - `textchat`: `106-001` "no text channel: ccgw carries voice calls only".
//! - `agentconf` (agent conferences of newer gateways): `990-002` "not supported by ccgw".
//! - self-recording flags (`qualitycontrol/…/setselfrecord`, `cancelselfrecord`,
//!   `onlineagent/{id}/setselfrecord/…`): `990-001`, as recording; video quality control:
//!   `106-001` "video is not supported".
//! - `agentevent/allagentevent`: `990-002`; each agent polls `agentevent/{agentid}`.
//! - `qualitycontrol/…/queryurlinfo` and `registerDataToServer` (URL configuration and data
//!   ports of Huawei's own QC tools): `990-002` "not supported by ccgw" (supervision, QC
//!   tasks, forced operations and monitoring are in `agentgateway::qualitycontrol`).

use axum::extract::State;
use ccgw_core::{Refusal, SwitchFeature};
use ccgw_engine::AgentAction;

use super::context::AgentCall;
use super::engine_failure;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    Routes::new()
        .get(&format!("{base}/agentevent/allagentevent"), all_agent_events)
        // /recordplay
        .put(&format!("{base}/recordplay/{{agentid}}/record"), recording)
        .put(&format!("{base}/recordplay/{{agentid}}/recordwithoutfilename"), recording)
        .delete(&format!("{base}/recordplay/{{agentid}}/stoprecord"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/pauserecord"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/resumerecord"), recording)
        .put(&format!("{base}/recordplay/{{agentid}}/play"), recording)
        .delete(&format!("{base}/recordplay/{{agentid}}/stopplay"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/pauseplay"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/resumeplay"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/forefast/{{time}}"), recording)
        .post(&format!("{base}/recordplay/{{agentid}}/backfast/{{time}}"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/recordfile"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/recordfileurl"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/recordzipfileurl"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/batchrecordzipfileurl"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/recordfilefromrecordid"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/queryrecordfilebycallid"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/queryselfrecordfile"), recording)
        .get(&format!("{base}/recordplay/{{agentid}}/queryrecordscore"), recording)
        // /textchat
        .put(&format!("{base}/textchat/{{agentid}}/internalcall/{{destno}}"), text_chat)
        .put(&format!("{base}/textchat/{{agentid}}/answer/{{callid}}"), text_chat)
        .delete(&format!("{base}/textchat/{{agentid}}/reject/{{callid}}"), text_chat)
        .delete(&format!("{base}/textchat/{{agentid}}/drop/{{callid}}"), text_chat)
        .put(&format!("{base}/textchat/{{agentid}}/chatmessage"), text_chat)
        .post(&format!("{base}/textchat/{{agentid}}/transfer"), text_chat)
        // /agentconf
        .post(&format!("{base}/agentconf/{{agentid}}/answeragentconf"), agent_conference)
        .post(&format!("{base}/agentconf/{{agentid}}/holdparticipant"), agent_conference)
        // /qualitycontrol
        .post(
            &format!("{base}/qualitycontrol/{{agentid}}/setselfrecord/{{recordflag}}/{{recordbeforetalking}}"),
            self_recording,
        )
        .post(&format!("{base}/qualitycontrol/{{agentid}}/cancelselfrecord"), self_recording)
        .get(&format!("{base}/qualitycontrol/{{agentid}}/queryurlinfo"), quality_control)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/registerDataToServer"), quality_control)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/startVideoMonitor"), video)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/stopVideoMonitor"), video)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/startVideoOperation"), video)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/startOrStopVideoPlay"), video)
        .post(&format!("{base}/qualitycontrol/{{agentid}}/deleteVideoTask"), video)
        .get(&format!("{base}/qualitycontrol/{{agentid}}/queryvideorecordfile"), video)
        .post(
            &format!("{base}/onlineagent/{{agentid}}/setselfrecord/{{recordflag}}/{{recordbeforetalking}}"),
            self_recording,
        )
}

/// The refusal, to an agent signed in with a valid Guid (anyone else hears why not).
async fn refuse_signed_in(state: &ApiState, call: AgentCall, refusal: Refusal) -> HuaweiReply {
    match state.engine.act(call.work_no, call.guid, AgentAction::Status).await {
        Ok(_) => HuaweiReply::refused(&refusal),
        Err(error) => engine_failure(error),
    }
}

async fn recording(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    refuse_signed_in(&state, call, Refusal::NotOnThisSwitch(SwitchFeature::Recording)).await
}

async fn text_chat(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    refuse_signed_in(&state, call, Refusal::NoTextChannel).await
}

async fn agent_conference(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    refuse_signed_in(&state, call, Refusal::NotProvided("agent conferences (agentconf)".into())).await
}

async fn quality_control(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let refusal = Refusal::NotProvided("URL configuration and data ports of Huawei's QC tools".into());
    refuse_signed_in(&state, call, refusal).await
}

/// Self-recording flags would ask for recording, which no switch under ccgw does.
async fn self_recording(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    refuse_signed_in(&state, call, Refusal::NotOnThisSwitch(SwitchFeature::Recording)).await
}

/// Video quality control: ccgw carries voice calls only.
async fn video(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    refuse_signed_in(&state, call, Refusal::MediaNotSupported).await
}

/// `GET agentevent/allagentevent` (spec 01 §10.5, undocumented): ccgw has no all-agent
/// poll; each agent polls its own events. No agent is named, so no Guid is checked.
pub(crate) async fn all_agent_events() -> HuaweiReply {
    HuaweiReply::refused(&Refusal::NotProvided("the all-agent poll; poll agentevent/{agentid}".into()))
}
