//! `/querymonitor/{agentid}/…` (spec 05 §4): version, time, state and node of the gateway,
//! skill statistics, and the two settings ccgw does not let an agent change. Shapes and
//! errors: `docs/queries.md`.
//!
//! ccgw's choices where the spec leaves them open:
//! - ccgw runs as one node: the "cluster" is named after `api.server_name` and has one
//!   node, `AgentGateway<n>`, `n` being the node number the caller's Guid carries;
//! - `servertime` gives the gateway clock in ms and as UTC text;
//! - `setagenttimeout/{flag}` is refused with `000-002`: the liveness sign-out is the
//!   server's `engine.liveness_ms` and no agent may switch it off (as `setforwarding`);
//! - `setmaxchatnum/…` is refused with `106-001` (multimedia not enabled): ccgw has no
//!   text chat.

use axum::extract::State;
use serde::Serialize;

use ccgw_core::catalog::retcode;

use super::agentgroup::{Roster, Want, invalid, look, refuse, skill_param, work_no_param};
use super::context::AgentCall;
use super::queuedevice::statistics;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/querymonitor/{{agentid}}{tail}");
    Routes::new()
        .get(&at("/systemversion"), version)
        .get(&at("/servertime"), server_time)
        .get(&at("/systemstate"), system_state)
        .get(&at("/clusterinfo"), clusters)
        .get(&at("/clusterinfobyname/{clustername}"), cluster_by_name)
        .get(&at("/agentclusterinfo/{workno}"), agent_node)
        .get(&at("/allagentclusterinfo"), agent_nodes)
        .get(&at("/skillstatisticinfo/{skillid}"), skill_statistics)
        .post(&at("/setagenttimeout/{flag}"), set_agent_timeout)
        .post(&at("/setmaxchatnum/{vdnid}/{chatnum}"), set_max_chats)
}

#[derive(Debug, Serialize)]
struct Version {
    name: &'static str,
    version: &'static str,
}

async fn version(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        look(&state, &call, Want::default())
            .await
            .map(|_| Version { name: "ccgw", version: env!("CARGO_PKG_VERSION") }),
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServerTime {
    /// Milliseconds since the Unix epoch.
    time: u64,
    time_string: String,
    time_zone: &'static str,
}

async fn server_time(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(look(&state, &call, Want::default()).await.map(|view| ServerTime {
        time: view.now.as_millis(),
        time_string: view.now.utc_text(),
        time_zone: "UTC",
    }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SystemState {
    /// Always `normal` while ccgw answers.
    state: &'static str,
    version: &'static str,
    server_time: u64,
    /// In the caller's VDN.
    signed_in_agents: usize,
    idle_agents: usize,
    waiting_calls: u32,
    /// Calls ringing at or talking with an agent.
    calls_in_service: u32,
    skills: usize,
}

async fn system_state(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let want = Want { agents: true, stats: true };
    HuaweiReply::answer(look(&state, &call, want).await.map(|view| SystemState {
        state: "normal",
        version: env!("CARGO_PKG_VERSION"),
        server_time: view.now.as_millis(),
        signed_in_agents: view.agents.len(),
        idle_agents: view.agents.values().filter(|live| live.status == ccgw_core::catalog::state_code::IDLE).count(),
        waiting_calls: view.calls.waiting,
        calls_in_service: view.calls.in_service,
        skills: view.skills.len(),
    }))
}

/// The node number in a Guid `<uuid>.AgentGateway<n>`; 1 when it carries none.
fn node_of(guid: Option<&str>) -> u32 {
    guid.and_then(|guid| guid.rsplit_once(".AgentGateway")).and_then(|(_, node)| node.parse().ok()).unwrap_or(1)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    node_id: u32,
    node_name: String,
    state: &'static str,
    /// Signed-in agents of the caller's VDN on the node.
    agents: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Cluster {
    cluster_name: String,
    nodes: Vec<Node>,
}

async fn the_cluster(state: &ApiState, call: &AgentCall) -> Result<Cluster, HuaweiReply> {
    let view = look(state, call, Want { agents: true, ..Want::default() }).await?;
    let node = node_of(call.guid.as_deref());
    Ok(Cluster {
        cluster_name: state.settings.server_name.clone(),
        nodes: vec![Node {
            node_id: node,
            node_name: format!("AgentGateway{node}"),
            state: "active",
            agents: view.agents.len(),
        }],
    })
}

async fn clusters(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(the_cluster(&state, &call).await.map(|cluster| vec![cluster]))
}

async fn cluster_by_name(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(the_cluster(&state, &call).await.and_then(|cluster| {
        if call.param("clustername") == Some(cluster.cluster_name.as_str()) {
            Ok(cluster)
        } else {
            Err(invalid("no cluster of that name"))
        }
    }))
}

/// Where an agent is signed in.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AgentNode {
    workno: String,
    is_signed_in: bool,
    cluster_name: String,
    /// `AgentGateway<n>`; "" when signed out.
    node_name: String,
    /// 0 when signed out.
    node_id: u32,
}

fn agent_node_of(state: &ApiState, call: &AgentCall, work_no: ccgw_core::WorkNo, signed_in: bool) -> AgentNode {
    let node = node_of(call.guid.as_deref());
    AgentNode {
        workno: work_no.to_string(),
        is_signed_in: signed_in,
        cluster_name: state.settings.server_name.clone(),
        node_name: if signed_in { format!("AgentGateway{node}") } else { String::new() },
        node_id: if signed_in { node } else { 0 },
    }
}

async fn agent_node(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let roster = Roster::load(&state, &call).await?;
            let work_no = work_no_param(&call)?;
            if roster.profile(work_no).is_none() {
                return Err(refuse(retcode::AGENT_INFO_NONE, &format!("agent {work_no}")));
            }
            Ok(agent_node_of(&state, &call, work_no, roster.view.agents.contains_key(&work_no)))
        }
        .await,
    )
}

async fn agent_nodes(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        look(&state, &call, Want { agents: true, ..Want::default() }).await.map(|view| {
            view.agents.keys().map(|&work_no| agent_node_of(&state, &call, work_no, true)).collect::<Vec<_>>()
        }),
    )
}

/// `GET skillstatisticinfo/{skillid}`: one `queryacdstat` object.
async fn skill_statistics(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    HuaweiReply::answer(
        async {
            let view = look(&state, &call, Want { stats: true, ..Want::default() }).await?;
            let skill = skill_param(&call, &view)?;
            let mut found = statistics(&state, &view, &[skill]).await?;
            found.pop().ok_or_else(|| refuse(retcode::SKILL_QUERY_PARAMETER, &format!("skill {skill}")))
        }
        .await,
    )
}

async fn set_agent_timeout(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match look(&state, &call, Want::default()).await {
        Ok(_) => invalid("the agent timeout cannot be changed: ccgw signs out agents silent for engine.liveness_ms"),
        Err(reply) => reply,
    }
}

async fn set_max_chats(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match look(&state, &call, Want::default()).await {
        Ok(_) => refuse(retcode::MULTIMEDIA_DISABLED, "ccgw has no text chat"),
        Err(reply) => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_comes_from_the_guid() {
        assert_eq!(node_of(Some("279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway3")), 3);
        assert_eq!(node_of(Some("plain")), 1);
        assert_eq!(node_of(None), 1);
    }
}
