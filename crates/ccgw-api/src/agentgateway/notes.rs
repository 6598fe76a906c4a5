//! Notes between agents (spec 02 §2.27–§2.29): `sendnotelet/{receiver}?content=`,
//! `sendnoteletex`, `notifybulletin`, and ccgw's `GET notelets` to read them.
//!
//! ccgw's choices: a receiver gets `AgentOther_Note` (content `null`, as the event page
//! shows) and the note is kept with it (at most 100 unread per agent) until the agent
//! reads them with `GET onlineagent/{agentid}/notelets`, which hands out and forgets its
//! unread notes, oldest first: `[{"sender":"101","content":"…","sendTime":"<ms>"}]`
//! (`sender` is `""` for a bulletin with no sender). Only signed-in agents of the sender's
//! VDN receive notes; the result lists who did and who did not:
//! `{"delivered":["102"],"notSignedIn":["103"]}`. `sendnotelet` to one receiver who is
//! not signed in is `000-002`. Content is 0–1023 bytes (bulletins 0–900 characters).
//! A bulletin goes to the signed-in agents of the named group (`targettype` 0) or skill
//! (`targettype` 1) of the sender's VDN; an unknown name is `000-002`.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{BulletinTarget, Command, NoteDelivery, Outcome, Refusal, WorkNo};
use serde::Serialize;
use serde_json::Value;

use super::context::{AgentCall, json_object};
use super::engine_failure;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/onlineagent/{{agentid}}{tail}");
    Routes::new()
        .post(&at("/sendnotelet/{receiver}"), send_one)
        .post(&at("/sendnoteletex"), send_many)
        .post(&at("/notifybulletin"), bulletin)
        .get(&at("/notelets"), read)
}

const MAX_CONTENT_BYTES: usize = 1023;
const MAX_BULLETIN_CHARS: usize = 900;
const MAX_RECEIVERS: usize = 100;

fn invalid(detail: &str) -> HuaweiReply {
    HuaweiReply::refused(&Refusal::InvalidParameter(detail.to_owned()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryResult {
    delivered: Vec<String>,
    not_signed_in: Vec<String>,
}

impl From<NoteDelivery> for DeliveryResult {
    fn from(delivery: NoteDelivery) -> Self {
        let text = |list: Vec<WorkNo>| list.into_iter().map(|w| w.to_string()).collect();
        Self { delivered: text(delivery.delivered), not_signed_in: text(delivery.not_signed_in) }
    }
}

async fn deliver(state: &ApiState, call: AgentCall, command: Command, single: bool) -> HuaweiReply {
    match state.engine.command(call.work_no, call.guid, command).await {
        Ok(Outcome::Delivery(delivery)) if single && delivery.delivered.is_empty() => {
            invalid("the receiver is not signed in")
        }
        Ok(Outcome::Delivery(delivery)) => HuaweiReply::success("success", DeliveryResult::from(delivery)),
        Ok(_) => HuaweiReply::error(ccgw_core::catalog::retcode::INTERNAL),
        Err(error) => engine_failure(error),
    }
}

/// `POST sendnotelet/{receiver}?content=`.
async fn send_one(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let Some(Ok(receiver)) = call.param("receiver").map(str::parse::<WorkNo>) else {
        return invalid("receiver must be a work number");
    };
    let content = call.query.get("content").cloned().unwrap_or_default();
    if content.len() > MAX_CONTENT_BYTES {
        return invalid("content is longer than 1023 bytes");
    }
    deliver(&state, call, Command::SendNote { to: vec![receiver], content }, true).await
}

/// `POST sendnoteletex` with `{"agentIds":[…], "content":"…"}`.
async fn send_many(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let object = match json_object(&body) {
        Ok(object) => object,
        Err(reply) => return reply,
    };
    let Some(Value::Array(ids)) = object.get("agentIds") else {
        return invalid("agentIds must be an array of work numbers");
    };
    if ids.is_empty() || ids.len() > MAX_RECEIVERS {
        return invalid("agentIds must hold 1-100 work numbers");
    }
    let mut to = Vec::with_capacity(ids.len());
    for id in ids {
        let text = match id {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            _ => return invalid("agentIds must be work numbers"),
        };
        match text.parse::<WorkNo>() {
            Ok(work_no) if !to.contains(&work_no) => to.push(work_no),
            Ok(_) => {}
            Err(_) => return invalid("agentIds must be work numbers"),
        }
    }
    let content = match lenient::string(&object, "content") {
        Ok(content) => content.unwrap_or_default(),
        Err(_) => return invalid("content must be a string"),
    };
    if content.len() > MAX_CONTENT_BYTES {
        return invalid("content is longer than 1023 bytes");
    }
    deliver(&state, call, Command::SendNote { to, content }, false).await
}

/// `POST notifybulletin` with `{"targettype":0|1, "targetname":"…", "bulletindata":"…"}`.
async fn bulletin(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let object = match json_object(&body) {
        Ok(object) => object,
        Err(reply) => return reply,
    };
    let kind = lenient::integer(&object, "targettype").ok().flatten();
    let name = lenient::string(&object, "targetname").ok().flatten().unwrap_or_default();
    let content = lenient::string(&object, "bulletindata").ok().flatten().unwrap_or_default();
    if name.is_empty() || name.chars().count() > 100 {
        return invalid("targetname must be 1-100 characters");
    }
    if content.chars().count() > MAX_BULLETIN_CHARS {
        return invalid("bulletindata is longer than 900 characters");
    }
    let vdn = match state.directory.get_agent(call.work_no).await {
        Ok(profile) => profile.vdn,
        Err(_) => return HuaweiReply::refused(&Refusal::NotSignedIn),
    };
    let target = match kind {
        Some(0) => match state.directory.list_groups(Some(vdn)).await {
            Ok(groups) => {
                groups.into_iter().find(|group| group.name == name).map(|group| BulletinTarget::Group(group.id))
            }
            Err(error) => return directory_failure(error),
        },
        Some(1) => match state.directory.list_skills(Some(vdn)).await {
            Ok(skills) => {
                skills.into_iter().find(|skill| skill.name == name).map(|skill| BulletinTarget::Skill(skill.id))
            }
            Err(error) => return directory_failure(error),
        },
        _ => return invalid("targettype must be 0 (group) or 1 (skill)"),
    };
    let Some(target) = target else {
        return invalid("no group or skill of that name in this VDN");
    };
    deliver(&state, call, Command::Bulletin { target, content }, false).await
}

fn directory_failure(error: ccgw_store_traits::StoreError) -> HuaweiReply {
    tracing::error!(%error, "directory lookup failed");
    HuaweiReply::error(ccgw_core::catalog::retcode::INTERNAL)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoteItem {
    sender: String,
    content: String,
    send_time: String,
}

/// `GET notelets` (ccgw): the unread notes, oldest first; reading forgets them.
async fn read(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.command(call.work_no, call.guid, Command::TakeNotes).await {
        Ok(Outcome::Notes(notes)) => {
            let items: Vec<NoteItem> = notes
                .into_iter()
                .map(|note| NoteItem {
                    sender: note.from.map(|w| w.to_string()).unwrap_or_default(),
                    content: note.content,
                    send_time: note.sent_at.as_millis().to_string(),
                })
                .collect();
            HuaweiReply::success("", items)
        }
        Ok(_) => HuaweiReply::error(ccgw_core::catalog::retcode::INTERNAL),
        Err(error) => engine_failure(error),
    }
}
