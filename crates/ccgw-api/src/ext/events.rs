//! `GET /ccgw/v1/agents/{workno}/events` (long poll) and `…/events/sse` (Server-Sent
//! Events): an agent's events after a cursor, read from its event log without consuming
//! them (the Huawei poll still gets every one). Rules and errors: `docs/events.md`.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use ccgw_core::Seq;
use ccgw_engine::{Delivered, EventLog, EventReader, Resync};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::agent_auth::{agent_read, read_failure};
use super::error::ExtError;
use super::parse::query;
use crate::agentgateway::{EventBody, event_body};
use crate::state::ApiState;

/// Most events in one answer; a client with more to read asks again after `last`.
pub(crate) const MAX_PAGE: usize = 100;
/// Longest long poll (`wait`, seconds); longer asks are cut to this.
pub(crate) const MAX_WAIT_SECS: u64 = 30;
/// Events an SSE stream takes from the log at a time: all it holds besides hyper's buffer.
const SSE_BATCH: usize = 32;
/// How long an SSE stream waits on the log before it looks again (keep-alives go out meanwhile).
const SSE_WAIT: Duration = Duration::from_secs(60);
const SSE_KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsQuery {
    after: Option<u64>,
    wait: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamQuery {
    after: Option<u64>,
}

/// One event of an answer: its sequence number, then the poll's event object.
#[derive(Serialize)]
struct SequencedEvent<'a> {
    seq: u64,
    #[serde(flatten)]
    event: EventBody<'a>,
}

fn sequenced(delivered: &Delivered) -> SequencedEvent<'_> {
    SequencedEvent { seq: delivered.seq.0, event: event_body(delivered) }
}

/// HTTP 410 naming the oldest sequence number still held.
fn resync_required(resync: Resync) -> Response {
    let body = json!({
        "error": {
            "code": "resync_required",
            "message": "events after this cursor are no longer held; read the snapshot and continue after oldest - 1",
        },
        "oldest": resync.oldest.0,
    });
    (StatusCode::GONE, Json(body)).into_response()
}

/// The log of the agent at `workno`, for `reader`. An admin reading a work number the
/// directory does not know gets 404.
async fn open_log(state: &ApiState, workno: &str, reader: EventReader) -> Result<Arc<EventLog>, ExtError> {
    let work_no = agent_read(state, workno, &reader).await?;
    state.engine.event_log(work_no, reader).await.map_err(read_failure)
}

pub(crate) async fn list(
    State(state): State<ApiState>,
    Extension(reader): Extension<EventReader>,
    Path(workno): Path<String>,
    params: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ExtError> {
    let params = query(params)?;
    let log = open_log(&state, &workno, reader).await?;
    let after = Seq(params.after.unwrap_or(0));
    let wait = Duration::from_secs(params.wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let page = match log.wait_after(after, MAX_PAGE, wait).await {
        Ok(page) => page,
        Err(resync) => return Ok(resync_required(resync)),
    };
    let events: Vec<SequencedEvent> = page.events.iter().map(|entry| sequenced(entry)).collect();
    Ok(Json(json!({"events": events, "last": page.last.0})).into_response())
}

/// Where a stream starts: `Last-Event-ID` (a reconnecting client) wins over `?after=`.
fn stream_start(headers: &HeaderMap, after: Option<u64>) -> Result<Seq, ExtError> {
    let Some(value) = headers.get("last-event-id") else { return Ok(Seq(after.unwrap_or(0))) };
    let text = value.to_str().unwrap_or_default().trim();
    text.parse::<u64>()
        .map(Seq)
        .map_err(|_| ExtError::bad_request(format!("Last-Event-ID must be a sequence number, got {text:?}")))
}

pub(crate) async fn stream(
    State(state): State<ApiState>,
    Extension(reader): Extension<EventReader>,
    Path(workno): Path<String>,
    headers: HeaderMap,
    params: Result<Query<StreamQuery>, QueryRejection>,
) -> Result<Response, ExtError> {
    let after = stream_start(&headers, query(params)?.after)?;
    let log = open_log(&state, &workno, reader).await?;
    if let Err(resync) = log.read_after(after, 0) {
        return Ok(resync_required(resync));
    }
    let events = futures_util::stream::unfold(Feed::Reading { log, cursor: after, batch: Vec::new() }, Feed::next);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(SSE_KEEP_ALIVE)).into_response())
}

/// An SSE stream's state: pulled one event at a time, so it holds at most one batch.
enum Feed {
    Reading { log: Arc<EventLog>, cursor: Seq, batch: Vec<Arc<Delivered>> },
    Done,
}

impl Feed {
    async fn next(self) -> Option<(Result<Event, axum::Error>, Feed)> {
        let Feed::Reading { log, mut cursor, mut batch } = self else { return None };
        loop {
            if !batch.is_empty() {
                let entry = batch.remove(0);
                cursor = entry.seq;
                let event = Event::default().id(entry.seq.0.to_string()).json_data(sequenced(&entry));
                return Some((event, Feed::Reading { log, cursor, batch }));
            }
            match log.wait_after(cursor, SSE_BATCH, SSE_WAIT).await {
                Ok(page) => batch = page.events,
                Err(resync) => {
                    // The client fell behind the ring: say so, then end the stream.
                    let event = Event::default().event("resync").json_data(json!({"oldest": resync.oldest.0}));
                    return Some((event, Feed::Done));
                }
            }
        }
    }
}
