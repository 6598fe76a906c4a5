//! `/ccgw/v1/agents/{workno}/events` (long poll) and `…/events/sse`: resumable reads of
//! an agent's event log that never take events away from its Huawei poll.

use std::time::Duration;

use serde_json::{Value, json};

use super::helpers::{OFFERED, TestApp, TestOpts, spawn_app, types};

/// Who reads: the admin token or an agent's Guid.
#[derive(Clone, Copy)]
pub(super) enum As<'a> {
    Admin,
    Agent(&'a str),
    Nobody,
}

pub(super) fn request(app: &TestApp, path: &str, reader: As<'_>) -> reqwest::RequestBuilder {
    let request = app.client.get(format!("{}/ccgw/v1/agents/{path}", app.base));
    match reader {
        As::Admin => request.bearer_auth(&app.admin_token),
        As::Agent(guid) => request.header("Guid", guid),
        As::Nobody => request,
    }
}

/// A JSON read under `/ccgw/v1/agents/`: status and body.
pub(super) async fn read(app: &TestApp, path: &str, reader: As<'_>) -> (u16, Value) {
    let response = request(app, path, reader).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{path}: {content_type}");
    (status, response.json().await.expect("JSON body"))
}

pub(super) fn seqs(events: &Value) -> Vec<u64> {
    events.as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

/// An open SSE stream, read one event at a time.
struct SseStream {
    response: reqwest::Response,
    buffer: String,
}

impl SseStream {
    async fn open(app: &TestApp, path: &str, reader: As<'_>, last_event_id: Option<u64>) -> Self {
        let mut request = request(app, path, reader);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self { response, buffer: String::new() }
    }

    /// The next event's `id` and JSON data; keep-alive comments are skipped.
    async fn next(&mut self) -> (u64, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    frame.lines().find_map(|line| line.strip_prefix(name)).map(|value| value.trim_start().to_owned())
                };
                if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                    return (id.parse().unwrap(), serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.response.chunk())
                .await
                .expect("an SSE event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

#[tokio::test]
async fn reading_events_consumes_nothing_and_shows_them_as_the_huawei_poll_does() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let (status, page) = read(&app, "101/events", As::Agent(&guid)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!((seqs(&page["events"]), &page["last"]), (vec![1, 2], &json!(2)));
    let (_, again) = read(&app, "101/events?after=0", As::Admin).await;
    assert_eq!(again, page);
    let polled = app.events(101, &guid, 2).await;
    for (read, polled) in page["events"].as_array().unwrap().iter().zip(&polled) {
        let mut read = read.clone();
        read.as_object_mut().unwrap().remove("seq");
        assert_eq!(&read, polled);
    }
    let (_, rest) = read(&app, "101/events?after=2", As::Agent(&guid)).await;
    assert_eq!(rest, json!({"events": [], "last": 2}));
}

#[tokio::test]
async fn a_long_poll_client_that_hangs_up_and_resumes_from_its_cursor_sees_every_event_once() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let (_, page) = read(&app, "101/events", As::Agent(&guid)).await;
    let cursor = page["last"].as_u64().unwrap();
    app.send_and_hang_up(&format!(
        "GET /ccgw/v1/agents/101/events?after={cursor}&wait=30 HTTP/1.1\r\nHost: localhost\r\nGuid: {guid}\r\n\r\n"
    ))
    .await;
    let waiting = tokio::spawn({
        let request = request(&app, &format!("101/events?after={cursor}&wait=30"), As::Agent(&guid));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    });
    app.place_call(1).await;
    let woken = tokio::time::timeout(Duration::from_secs(10), waiting).await.unwrap().unwrap();
    assert_eq!(seqs(&woken["events"]).first(), Some(&3), "{woken}");

    let mut seen = seqs(&page["events"]);
    let mut cursor = cursor;
    while seen.len() < 7 {
        let (status, page) = read(&app, &format!("101/events?after={cursor}&wait=5"), As::Agent(&guid)).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(seqs(&page["events"]));
        cursor = page["last"].as_u64().unwrap();
    }
    assert_eq!(seen, (1..=7).collect::<Vec<_>>());
    // The Huawei poll still has every event.
    let polled = app.events(101, &guid, 7).await;
    assert_eq!(types(&polled[2..]), OFFERED);
}

#[tokio::test]
async fn an_sse_client_that_disconnects_and_resumes_with_last_event_id_sees_every_event_once() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let mut stream = SseStream::open(&app, "101/events/sse", As::Agent(&guid), None).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(stream.next().await);
    }
    app.place_call(1).await;
    for _ in 0..2 {
        seen.push(stream.next().await);
    }
    drop(stream);
    let last_id = seen.last().unwrap().0;
    let mut stream = SseStream::open(&app, "101/events/sse?after=1", As::Admin, Some(last_id)).await;
    for _ in 0..3 {
        seen.push(stream.next().await);
    }
    let ids: Vec<u64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, (1..=7).collect::<Vec<_>>());
    for (id, data) in &seen {
        assert_eq!(data["seq"], json!(id));
        assert_eq!(data["workNo"], json!("101"));
    }
    let streamed: Vec<&str> = seen.iter().map(|(_, data)| data["eventType"].as_str().unwrap()).collect();
    let polled = app.events(101, &guid, 7).await;
    assert_eq!(types(&polled), streamed);
    assert_eq!(types(&polled[2..]), OFFERED);
    // Without `Last-Event-ID`, `?after=` says where to start.
    let (id, _) = SseStream::open(&app, "101/events/sse?after=5", As::Admin, None).await.next().await;
    assert_eq!(id, 6);
}

#[tokio::test]
async fn a_cursor_older_than_the_log_gets_410_with_the_oldest_sequence_held() {
    let app = spawn_app(TestOpts { liveness_ms: 0, ..TestOpts::default() }).await;
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    // Taken by the Huawei poll and past the ten-minute retention: trimmed.
    app.clock.advance(Duration::from_secs(11 * 60));
    for path in ["101/events", "101/events?after=1", "101/events/sse?after=0", "101/events?after=9"] {
        let (status, body) = read(&app, path, As::Admin).await;
        assert_eq!(status, 410, "{path}: {body}");
        assert_eq!(body["error"]["code"], json!("resync_required"), "{path}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(body["oldest"], json!(3), "{path}");
    }
    let (status, body) = read(&app, "101/events?after=2", As::Admin).await;
    assert_eq!((status, body), (200, json!({"events": [], "last": 2})));
}

#[tokio::test]
async fn an_agent_guid_reads_only_that_agents_events() {
    let app = spawn_app(TestOpts::default()).await;
    let guid_101 = app.sign_in(101, json!({})).await;
    let guid_102 = app.sign_in(102, json!({})).await;
    let cases = [
        ("102/events", As::Agent(&guid_101)),
        ("102/events/sse", As::Agent(&guid_101)),
        ("101/events", As::Agent("not-a-guid.AgentGateway1")),
        ("101/events", As::Nobody),
        ("101/events/sse", As::Nobody),
        // The directory routes stay admin-only.
        ("101", As::Agent(&guid_101)),
    ];
    for (path, reader) in cases {
        let (status, body) = read(&app, path, reader).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert_eq!(body["error"]["code"], json!("unauthorized"), "{path}");
    }
    assert_eq!(read(&app, "102/events", As::Agent(&guid_102)).await.0, 200);
}

#[tokio::test]
async fn bad_cursors_and_waits_are_400_and_unknown_agents_404() {
    let app = spawn_app(TestOpts::default()).await;
    for path in [
        "101/events?after=abc",
        "101/events?after=-1",
        "101/events?wait=soon",
        "101/events?limit=5",
        "101/events/sse?after=x",
        "abc/events",
        "0101/events",
    ] {
        let (status, body) = read(&app, path, As::Admin).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], json!("invalid_request"), "{path}");
    }
    let response = request(&app, "101/events/sse", As::Admin).header("Last-Event-ID", "seven").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let (status, body) = read(&app, "999/events", As::Admin).await;
    assert_eq!((status, &body["error"]["code"]), (404, &json!("not_found")), "{body}");
    // A known agent that never signed in: no events yet.
    assert_eq!(read(&app, "110/events", As::Admin).await, (200, json!({"events": [], "last": 0})));
}
