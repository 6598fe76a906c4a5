//! `/qualitycontrol/{agentid}/…` (spec 06) that ccgw carries: listening, barge-in,
//! whisper, switching between them, stopping, intercept; forced state changes and
//! sign-out, forced call drops, monitoring subscriptions. Rules in
//! `ccgw_core::center::{inspection, supervision}` and `docs/quality-control.md`; the other
//! `qualitycontrol` interfaces answer "not supported" (`agentgateway::unsupported`).

use std::time::Duration;

use axum::extract::State;
use ccgw_core::{CallId, Command, QcCommand, QcMode, Query, QueryAnswer, Refusal, WorkNo};
use serde_json::json;

use super::context::AgentCall;
use super::reads::ask;
use super::voicecall::{act, invalid};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/qualitycontrol/{{agentid}}{tail}");
    Routes::new()
        .post(&at("/forcebusy/{workNo}"), force_busy)
        .post(&at("/forceidle/{workNo}"), force_idle)
        .post(&at("/forcerest/{workNo}/{time}/{reason}"), force_rest)
        .post(&at("/forcelogout/{workNo}"), force_logout)
        .post(&at("/forcedropcall/{callid}"), force_drop_call)
        .post(&at("/beginmonitor"), begin_monitor)
        .post(&at("/endmonitor"), end_monitor)
        .get(&at("/allagent"), all_monitored)
        .put(&at("/addsupervise/{workNo}"), listen)
        .put(&at("/addinsert/{workNo}"), insert)
        .post(&at("/requestwhisperagent"), whisper)
        .post(&at("/switch/{workNo}"), toggle_listen_insert)
        .post(&at("/requestswitchinsertwhisperagent"), switch_mode)
        .delete(&at("/{workNo}"), stop)
        .post(&at("/requeststopwhisperagent"), stop_whisper)
        .put(&at("/intercept/{workNo}"), intercept)
        .put(&at("/intercept/{workNo}/{callId}"), intercept)
        .get(&at("/queryqctasks"), qc_tasks)
        .delete(&at("/deleteqctask"), delete_qc_task)
}

/// The inspected agent of the path; one that cannot be a work number is no agent there.
fn inspected(call: &AgentCall) -> Result<WorkNo, HuaweiReply> {
    let text = call.param("workNo").unwrap_or_default();
    text.parse::<WorkNo>().map_err(|_| invalid("workNo must be a work number"))
}

async fn supervise(state: &ApiState, call: AgentCall, command: Result<QcCommand, HuaweiReply>) -> HuaweiReply {
    match command {
        Ok(command) => act(state, call, Command::Supervise(command)).await,
        Err(reply) => reply,
    }
}

async fn force_busy(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(QcCommand::ForceBusy);
    supervise(&state, call, command).await
}

async fn force_idle(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(QcCommand::ForceIdle);
    supervise(&state, call, command).await
}

/// `forcerest/{workNo}/{time}/{reason}`: 1–86399 s, reason 1–255 (spec 06 §2).
async fn force_rest(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).and_then(|agent| {
        let seconds = call.param("time").and_then(|t| t.parse::<u64>().ok()).filter(|s| (1..=86_399).contains(s));
        let reason = call.param("reason").and_then(|r| r.parse::<u8>().ok()).filter(|r| *r >= 1);
        match (seconds, reason) {
            (Some(seconds), Some(reason)) => {
                Ok(QcCommand::ForceRest { agent, length: Duration::from_secs(seconds), reason })
            }
            _ => Err(invalid("time must be 1-86399 seconds and reason 1-255")),
        }
    });
    supervise(&state, call, command).await
}

async fn force_logout(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(QcCommand::ForceLogout);
    supervise(&state, call, command).await
}

async fn force_drop_call(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let id = CallId::parse(call.param("callid").unwrap_or_default());
    let command = id.map(QcCommand::ForceDropCall).map_err(|_| HuaweiReply::refused(&Refusal::NoCallToRelease));
    supervise(&state, call, command).await
}

/// `?agents=`: work numbers separated by `;` (Huawei's ICP bridge) or `,`.
fn agents(call: &AgentCall) -> Result<Vec<WorkNo>, HuaweiReply> {
    let text = call.query.get("agents").map(String::as_str).unwrap_or_default();
    let agents: Result<Vec<WorkNo>, _> =
        text.split([';', ',']).map(str::trim).filter(|agent| !agent.is_empty()).map(str::parse::<WorkNo>).collect();
    match agents {
        Ok(agents) if !agents.is_empty() => Ok(agents),
        _ => Err(invalid("agents must list work numbers separated by ; or ,")),
    }
}

async fn begin_monitor(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = agents(&call).map(QcCommand::BeginMonitor);
    supervise(&state, call, command).await
}

async fn end_monitor(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = agents(&call).map(QcCommand::EndMonitor);
    supervise(&state, call, command).await
}

/// `GET allagent`: the work numbers the inspector monitors, as strings.
async fn all_monitored(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let monitored = ask(&state, &call, Query::Monitored, |answer| match answer {
        QueryAnswer::WorkNos(agents) => Some(agents),
        _ => None,
    })
    .await;
    match monitored {
        Ok(agents) => {
            let agents: Vec<String> = agents.iter().map(ToString::to_string).collect();
            HuaweiReply::success("success", json!(agents))
        }
        Err(reply) => reply,
    }
}

/// `?whisperagentid=`, optional: without it, the agent the inspector inspects now.
fn whispered(call: &AgentCall) -> Result<Option<WorkNo>, HuaweiReply> {
    match call.query.get("whisperagentid").map(|text| text.trim()).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse::<WorkNo>().map(Some).map_err(|_| invalid("whisperagentid must be a work number")),
    }
}

/// `PUT addsupervise/{workNo}`: listen to the agent's call.
async fn listen(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(|agent| QcCommand::Inspect { agent: Some(agent), mode: QcMode::Listen });
    supervise(&state, call, command).await
}

/// `PUT addinsert/{workNo}`: barge into the agent's call.
async fn insert(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(|agent| QcCommand::Inspect { agent: Some(agent), mode: QcMode::Insert });
    supervise(&state, call, command).await
}

/// `POST requestwhisperagent[?whisperagentid=]`: whisper to the agent.
async fn whisper(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = whispered(&call).map(|agent| QcCommand::Inspect { agent, mode: QcMode::Whisper });
    supervise(&state, call, command).await
}

/// `POST switch/{workNo}`: listening ⇄ inserting.
async fn toggle_listen_insert(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(|agent| QcCommand::ChangeMode { agent: Some(agent), mode: None });
    supervise(&state, call, command).await
}

/// `POST requestswitchinsertwhisperagent?switchtype=0|1|2[&whisperagentid=]`.
async fn switch_mode(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let mode = call
        .query
        .get("switchtype")
        .and_then(|text| text.trim().parse::<i64>().ok())
        .and_then(QcMode::from_switch_type)
        .ok_or_else(|| invalid("switchtype must be 0 (listen), 1 (insert) or 2 (whisper)"));
    let command = mode.and_then(|mode| whispered(&call).map(|agent| QcCommand::ChangeMode { agent, mode: Some(mode) }));
    supervise(&state, call, command).await
}

/// `DELETE {workNo}`: stop listening, inserting (or whispering).
async fn stop(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = inspected(&call).map(|agent| QcCommand::StopInspecting { agent: Some(agent), whisper_only: false });
    supervise(&state, call, command).await
}

/// `POST requeststopwhisperagent[?whisperagentid=]`.
async fn stop_whisper(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let command = whispered(&call).map(|agent| QcCommand::StopInspecting { agent, whisper_only: true });
    supervise(&state, call, command).await
}

/// `PUT intercept/{workNo}[/{callId}]`: take the call over from the agent.
async fn intercept(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let wanted = match call.param("callId").map(CallId::parse).transpose() {
        Ok(wanted) => Ok(wanted),
        Err(_) => Err(HuaweiReply::refused(&Refusal::QcCannot("no such call at the agent".into()))),
    };
    let command = wanted.and_then(|wanted| inspected(&call).map(|agent| QcCommand::Intercept { agent, call: wanted }));
    supervise(&state, call, command).await
}

/// `GET queryqctasks`: the inspector's QC tasks, which in ccgw are its supervision of a
/// call (none or one): `[{"taskdsn": callid, "callid", "workno", "qcType", "begintime",
/// "onLine"}]`.
async fn qc_tasks(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let tasks = ask(&state, &call, Query::QcTasks, |answer| match answer {
        QueryAnswer::QcTasks(tasks) => Some(tasks),
        _ => None,
    })
    .await;
    match tasks {
        Ok(tasks) => {
            let tasks: Vec<_> = tasks
                .iter()
                .map(|task| {
                    json!({
                        "taskdsn": task.call.as_str(),
                        "callid": task.call.as_str(),
                        "workno": task.agent.to_string(),
                        "qcType": task.mode.qc_type(),
                        "begintime": task.started.as_millis(),
                        "onLine": task.on_line,
                    })
                })
                .collect();
            HuaweiReply::success("success", json!(tasks))
        }
        Err(reply) => reply,
    }
}

/// `DELETE deleteqctask?taskdsn=&begintime=`: ends the QC task (`taskdsn` is its call id,
/// as `queryqctasks` lists it; `begintime` is not needed to find it).
async fn delete_qc_task(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let task = call.query.get("taskdsn").map(|text| text.trim()).filter(|text| !text.is_empty());
    let command = match task.map(CallId::parse) {
        Some(Ok(id)) => Ok(QcCommand::EndQcTask(id)),
        Some(Err(_)) => Err(HuaweiReply::refused(&Refusal::QcCannot("no such QC task of the inspector".into()))),
        None => Err(invalid("taskdsn must name the QC task (its call id)")),
    };
    supervise(&state, call, command).await
}
