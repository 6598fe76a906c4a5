//! One push sign-in's delivery task: waits on the sign-in's feed, POSTs each batch to its
//! callback, and moves the cursor only when the receiver accepted it.
//!
//! Failures are retried every `retry_every` (engine clock, so tests move time by hand);
//! the failure time accumulates from the first failed attempt and one success resets
//! it. When a failed attempt starts more than `give_up_after` after the first, or events
//! were lost from the full log before they could be sent, the agent is signed out
//! (`AgentOther_ShutdownService`, as for the liveness timeout) and the task ends. It
//! also ends once its sign-in has ended and its last events were sent.

use std::sync::Arc;

use ccgw_core::{Guid, Timestamp};
use ccgw_engine::{Batch, Delivered, PushFeed};
use serde::Serialize;

use super::{PushStyle, Pusher};
use crate::agentgateway::event_json::{EventBody, event_body, poll_answer};

/// Where a push sign-in's events go.
pub(crate) struct Target {
    pub(crate) url: reqwest::Url,
    pub(crate) style: PushStyle,
    /// The sign-in's Guid, until the engine tells a newer one.
    pub(crate) guid: Guid,
}

/// The callback body (spec 01 §11.2): each event exactly as a poll answer carries it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PushBody<'a> {
    work_no: String,
    event_list: Vec<EventBody<'a>>,
}

/// How much of a receiver's answer is read to judge it.
const ANSWER_LIMIT: usize = 64 * 1024;

/// Why an attempt failed, for the log (never the URL: its query may hold a token).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("transport: {0}")]
    Transport(reqwest::Error),
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("the answer's retcode is not \"0\"")]
    Retcode,
}

pub(crate) async fn deliver(pusher: Arc<Pusher>, feed: PushFeed, mut target: Target) {
    let work_no = feed.work_no();
    let settings = &pusher.settings;
    let mut failing_since: Option<Timestamp> = None;
    loop {
        let batch_max = match target.style {
            PushStyle::EventList { .. } => settings.batch_max,
            PushStyle::PollAnswer => 1,
        };
        let events = match feed.next_batch(batch_max).await {
            Batch::Events(events) => events,
            Batch::Finished => return,
            Batch::Gap(resync) => {
                // The receiver can no longer have every event: the session ends (the client
                // signs in afresh), and what the log still holds, up to the farewell, goes.
                tracing::warn!(%work_no, "push: events lost from the full log before they were sent; signing out");
                let _ = pusher.engine.push_unreachable(&feed).await;
                feed.skip_lost(&resync);
                continue;
            }
        };
        if let Ok(Some(current)) = pusher.engine.push_guid(&feed).await {
            target.guid = current;
        }
        let started = pusher.clock.now();
        match post(&pusher, &target, &events).await {
            Ok(()) => {
                if let Some(last) = events.last() {
                    feed.commit_through(last.seq);
                }
                if failing_since.take().is_some() {
                    tracing::info!(%work_no, "push: callback reachable again");
                }
            }
            Err(failure) => {
                let since = *failing_since.get_or_insert(started);
                let failing_for = started.since(since);
                if failing_for > settings.give_up_after {
                    tracing::warn!(%work_no, %failure, "push: failing past the failure window; signing out");
                    let _ = pusher.engine.push_unreachable(&feed).await;
                    return;
                }
                tracing::warn!(%work_no, %failure, failing_ms = failing_for.as_millis() as u64, "push failed; will retry");
                pusher.clock.sleep_until(started.plus(settings.retry_every)).await;
            }
        }
    }
}

/// One attempt: accepted when the answer is 2xx and, if it is JSON with a `retcode`,
/// that retcode is `"0"` (or `0`).
async fn post(pusher: &Pusher, target: &Target, events: &[Arc<Delivered>]) -> Result<(), Failure> {
    let request = pusher
        .client
        .post(target.url.clone())
        .header(http::header::CONTENT_TYPE, "application/json; charset=UTF-8")
        .header("Guid", target.guid.as_str());
    let request = match &target.style {
        PushStyle::EventList { service_token } => {
            let body = PushBody {
                work_no: events.first().map(|event| event.work_no.to_string()).unwrap_or_default(),
                event_list: events.iter().map(|event| event_body(event)).collect(),
            };
            request.header("service_token", service_token.current()).body(serde_json::to_vec(&body).unwrap_or_default())
        }
        // One event per callback (the batch holds one).
        PushStyle::PollAnswer => request.body(events.first().map(|event| poll_answer(event)).unwrap_or_default()),
    };
    let mut response = request.send().await.map_err(|error| Failure::Transport(error.without_url()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure::Status(status.as_u16()));
    }
    let mut answer = Vec::new();
    while answer.len() < ANSWER_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => answer.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return Err(Failure::Transport(error.without_url())),
        }
    }
    match serde_json::from_slice::<serde_json::Value>(&answer).ok().and_then(|value| value.get("retcode").cloned()) {
        None => Ok(()),
        Some(serde_json::Value::String(code)) if code == "0" => Ok(()),
        Some(serde_json::Value::Number(code)) if code.as_u64() == Some(0) => Ok(()),
        Some(_) => Err(Failure::Retcode),
    }
}
