//! `GET /metrics`: Prometheus text, behind the admin token. Requests by interface and
//! answer with latency histograms (counted as they are answered); everything else is
//! read at scrape time from its owner: the engine (agents by state, queues, calls by
//! outcome, rate-limited requests, event-log drops and resyncs), the sign-in guard, and
//! the host process (connections, unwritten records) through [`HostMetrics`].

mod exposition;
mod requests;

use std::time::Instant;

use ::http::header::CONTENT_TYPE;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ext::ExtError;
use crate::state::ApiState;
use exposition::{Exposition, Kind};

use requests::Answer;
pub(crate) use requests::HttpMetrics;

/// The retcode of a Huawei answer, left on the response for the request counter.
#[derive(Clone, Copy)]
pub(crate) struct HuaweiRetcode(pub(crate) &'static str);

/// A figure the process around the api keeps (connections, the record writer).
pub struct HostSample {
    pub name: &'static str,
    pub help: &'static str,
    /// A counter only grows; a gauge goes up and down.
    pub counter: bool,
    pub value: u64,
}

/// The process's own figures, read at each scrape.
pub trait HostMetrics: Send + Sync + 'static {
    fn sample(&self) -> Vec<HostSample>;
}

/// Counts every routed request once its answer is ready.
pub(crate) async fn observe(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let api = if crate::is_huawei(&request) { "huawei" } else { "extension" };
    // Cheap clones: the matched path is shared, standard methods hold no allocation.
    let interface = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let response = next.run(request).await;
    let answer = match response.extensions().get::<HuaweiRetcode>() {
        Some(retcode) => Answer::Retcode(retcode.0),
        None => Answer::Status(response.status()),
    };
    let interface = interface.as_ref().map_or("unmatched", MatchedPath::as_str);
    state.http_metrics.observe(api, interface, &method, answer, started.elapsed());
    response
}

pub(crate) async fn scrape(State(state): State<ApiState>) -> Response {
    let engine = match state.engine.metrics().await {
        Ok(engine) => engine,
        Err(_) => {
            let status = axum::http::StatusCode::SERVICE_UNAVAILABLE;
            return ExtError::new(status, "unavailable", "the engine is stopping").into_response();
        }
    };
    let mut text = Exposition::default();
    state.http_metrics.render(&mut text);
    render_engine(&mut text, &engine);
    render_guard(&mut text, &state);
    if let Some(host) = &state.host {
        for sample in host.sample() {
            let kind = if sample.counter { Kind::Counter } else { Kind::Gauge };
            text.single(sample.name, kind, sample.help, sample.value);
        }
    }
    ([(CONTENT_TYPE, exposition::CONTENT_TYPE)], text.finish()).into_response()
}

fn render_engine(text: &mut Exposition, engine: &ccgw_engine::EngineMetrics) {
    let vdns: Vec<(String, &ccgw_engine::VdnMetrics)> =
        engine.vdns.iter().map(|vdn| (vdn.vdn.get().to_string(), vdn)).collect();

    text.family("ccgw_agents", Kind::Gauge, "Signed-in agents by VDN and state.");
    for (vdn, metrics) in &vdns {
        for (kind, count) in &metrics.agents {
            text.sample("ccgw_agents", &[("vdn", vdn), ("state", kind.name())], count);
        }
    }
    text.family("ccgw_live_calls", Kind::Gauge, "Calls in the center now, by VDN.");
    for (vdn, metrics) in &vdns {
        text.sample("ccgw_live_calls", &[("vdn", vdn)], metrics.live_calls);
    }
    let skills = || vdns.iter().flat_map(|(vdn, metrics)| metrics.skills.iter().map(move |skill| (vdn, skill)));
    text.family("ccgw_queue_waiting_calls", Kind::Gauge, "Calls waiting in each skill queue.");
    for (vdn, skill) in skills() {
        let id = skill.skill.get().to_string();
        text.sample("ccgw_queue_waiting_calls", &[("vdn", vdn), ("skill", &id)], skill.waiting);
    }
    text.family(
        "ccgw_queue_longest_wait_seconds",
        Kind::Gauge,
        "How long the call waiting longest in each skill queue has waited.",
    );
    for (vdn, skill) in skills() {
        let id = skill.skill.get().to_string();
        text.sample(
            "ccgw_queue_longest_wait_seconds",
            &[("vdn", vdn), ("skill", &id)],
            skill.longest_wait.as_secs_f64(),
        );
    }
    text.family("ccgw_queue_available_agents", Kind::Gauge, "Idle agents with talk right in each skill queue.");
    for (vdn, skill) in skills() {
        let id = skill.skill.get().to_string();
        text.sample("ccgw_queue_available_agents", &[("vdn", vdn), ("skill", &id)], skill.available);
    }
    text.family("ccgw_calls_ended_total", Kind::Counter, "Calls ended since the start, by VDN and outcome.");
    for (vdn, metrics) in &vdns {
        for (outcome, count) in &metrics.calls_ended {
            text.sample("ccgw_calls_ended_total", &[("vdn", vdn), ("outcome", outcome)], count);
        }
    }
    text.family(
        "ccgw_requests_rate_limited_total",
        Kind::Counter,
        "Agent requests refused with 000-007 for going over the request rate, by VDN.",
    );
    for (vdn, metrics) in &vdns {
        text.sample("ccgw_requests_rate_limited_total", &[("vdn", vdn)], metrics.requests_refused);
    }
    text.single(
        "ccgw_event_log_dropped_events_total",
        Kind::Counter,
        "Events dropped from full agent event logs.",
        engine.events_dropped,
    );
    text.single(
        "ccgw_event_log_resyncs_total",
        Kind::Counter,
        "Event-log reads answered with a resync (the cursor was behind the log).",
        engine.resyncs,
    );
}

fn render_guard(text: &mut Exposition, state: &ApiState) {
    let counts = state.guard.counts();
    text.single(
        "ccgw_sign_in_failures_total",
        Kind::Counter,
        "Sign-ins refused for a wrong work number or password.",
        counts.failures,
    );
    text.single(
        "ccgw_sign_in_lockouts_total",
        Kind::Counter,
        "Sign-in locks started (per agent and address, per agent, per address).",
        counts.lockouts,
    );
    text.single(
        "ccgw_sign_in_refused_locked_total",
        Kind::Counter,
        "Sign-ins refused with 110-016 under a lock.",
        counts.refused_locked,
    );
    text.single(
        "ccgw_sign_in_busy_total",
        Kind::Counter,
        "Password checks refused with 100-003: the gate was full.",
        state.guard.gate().refused(),
    );
    text.single(
        "ccgw_admin_token_failures_total",
        Kind::Counter,
        "Wrong admin tokens presented.",
        state.admin_token_failures(),
    );
}
