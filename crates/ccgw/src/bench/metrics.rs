//! What a run measures: latency histograms (HdrHistogram, microseconds), counters and
//! the errors that disqualify a run.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{Value, json};

/// Latencies above this are clamped (and still counted).
const MAX_MICROS: u64 = 600_000_000;

pub(crate) struct Latency(Histogram<u64>);

impl Latency {
    fn new() -> Self {
        // Three significant digits from 1 µs to 10 min: a few tens of KiB.
        // The bounds are constants that hdrhistogram accepts; `new(3)` is its own fallback.
        match Histogram::new_with_bounds(1, MAX_MICROS, 3).or_else(|_| Histogram::new(3)) {
            Ok(histogram) => Self(histogram),
            Err(error) => unreachable!("hdrhistogram refused its documented bounds: {error}"),
        }
    }

    pub(crate) fn record(&mut self, span: Duration) {
        let micros = u64::try_from(span.as_micros()).unwrap_or(MAX_MICROS).clamp(1, MAX_MICROS);
        let _ = self.0.record(micros);
    }

    pub(crate) fn count(&self) -> u64 {
        self.0.len()
    }

    fn ms_at(&self, quantile: f64) -> f64 {
        self.0.value_at_quantile(quantile) as f64 / 1000.0
    }

    /// `{count, p50, p90, p99, p999, max}` in milliseconds.
    pub(crate) fn summary(&self) -> Value {
        json!({
            "count": self.count(),
            "p50": self.ms_at(0.5),
            "p90": self.ms_at(0.9),
            "p99": self.ms_at(0.99),
            "p999": self.ms_at(0.999),
            "max": self.0.max() as f64 / 1000.0,
        })
    }
}

/// Everything the agents and customers report, behind one lock (held for microseconds).
pub(crate) struct Metrics {
    inner: Mutex<Inner>,
}

struct Inner {
    /// Placed → `AgentEvent_Ringing` received by the agent client.
    placed_to_ringing: Latency,
    /// Placed → the gateway created the event (`eventGenTime`, whole ms): the first,
    /// without the time the event waited for the client's next poll.
    placed_to_ringing_generated: Latency,
    /// Placed → received, less the time the agent was between polls: the gateway's part.
    placed_to_ringing_while_polling: Latency,
    answer_to_talking: Latency,
    release_to_ready: Latency,
    /// Call arrival → answered (queue wait + ringing + think time), from the records.
    arrival_to_answer: Latency,
    commands: BTreeMap<&'static str, Latency>,
    all_commands: Latency,
    events: u64,
    polls: u64,
    empty_polls: u64,
    calls_placed: u64,
    hang_ups: u64,
    /// Races that are legitimate (an answer that crossed a hang-up): counted, not errors.
    races: u64,
    errors: BTreeMap<String, u64>,
    /// (events, polls, empty polls) when the measured phase began: the sign-ins' polls
    /// are not part of the rates.
    at_start: (u64, u64, u64),
}

impl Metrics {
    pub(crate) fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                placed_to_ringing: Latency::new(),
                placed_to_ringing_generated: Latency::new(),
                placed_to_ringing_while_polling: Latency::new(),
                answer_to_talking: Latency::new(),
                release_to_ready: Latency::new(),
                arrival_to_answer: Latency::new(),
                commands: BTreeMap::new(),
                all_commands: Latency::new(),
                events: 0,
                polls: 0,
                empty_polls: 0,
                calls_placed: 0,
                hang_ups: 0,
                races: 0,
                errors: BTreeMap::new(),
                at_start: (0, 0, 0),
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub(crate) fn placed_to_ringing(&self, latency: super::agent::RingLatency) {
        self.with(|m| {
            m.placed_to_ringing.record(latency.seen);
            m.placed_to_ringing_generated.record(latency.generated);
            m.placed_to_ringing_while_polling.record(latency.while_polling);
        });
    }

    pub(crate) fn answer_to_talking(&self, span: Duration) {
        self.with(|m| m.answer_to_talking.record(span));
    }

    pub(crate) fn release_to_ready(&self, span: Duration) {
        self.with(|m| m.release_to_ready.record(span));
    }

    pub(crate) fn arrival_to_answer(&self, span: Duration) {
        self.with(|m| m.arrival_to_answer.record(span));
    }

    pub(crate) fn command(&self, endpoint: &'static str, span: Duration) {
        self.with(|m| {
            m.commands.entry(endpoint).or_insert_with(Latency::new).record(span);
            m.all_commands.record(span);
        });
    }

    pub(crate) fn poll(&self, got_event: bool) {
        self.with(|m| {
            m.polls += 1;
            if got_event {
                m.events += 1;
            } else {
                m.empty_polls += 1;
            }
        });
    }

    pub(crate) fn call_placed(&self) {
        self.with(|m| m.calls_placed += 1);
    }

    pub(crate) fn hang_up(&self) {
        self.with(|m| m.hang_ups += 1);
    }

    pub(crate) fn race(&self) {
        self.with(|m| m.races += 1);
    }

    pub(crate) fn error(&self, what: impl Into<String>) {
        let what = what.into();
        tracing::warn!(error = %what, "bench error");
        self.with(|m| *m.errors.entry(what).or_insert(0) += 1);
    }

    pub(crate) fn errors(&self) -> u64 {
        self.with(|m| m.errors.values().sum())
    }

    /// The measured phase begins: rates count from here.
    pub(crate) fn mark_start(&self) {
        self.with(|m| m.at_start = (m.events, m.polls, m.empty_polls));
    }

    /// (events, polls, calls placed, ringing seen) so far, for the progress line.
    pub(crate) fn progress(&self) -> (u64, u64, u64, u64) {
        self.with(|m| (m.events, m.polls, m.calls_placed, m.placed_to_ringing.count()))
    }

    /// The measured part of the JSON report.
    pub(crate) fn report(&self, seconds: f64) -> Value {
        self.with(|m| {
            let commands: serde_json::Map<String, Value> =
                m.commands.iter().map(|(name, latency)| ((*name).to_owned(), latency.summary())).collect();
            json!({
                "errors": m.errors.values().sum::<u64>(),
                "error_kinds": m.errors,
                "calls_placed": m.calls_placed,
                "customer_hang_ups": m.hang_ups,
                "races": m.races,
                "events": m.events - m.at_start.0,
                "events_per_second": (m.events - m.at_start.0) as f64 / seconds,
                "polls": m.polls - m.at_start.1,
                "empty_polls": m.empty_polls - m.at_start.2,
                "polls_per_second": (m.polls - m.at_start.1) as f64 / seconds,
                "latency_ms": {
                    "placed_to_ringing": m.placed_to_ringing.summary(),
                    "placed_to_ringing_generated": m.placed_to_ringing_generated.summary(),
                    "placed_to_ringing_while_polling": m.placed_to_ringing_while_polling.summary(),
                    "answer_to_talking": m.answer_to_talking.summary(),
                    "release_to_ready": m.release_to_ready.summary(),
                    "arrival_to_answer": m.arrival_to_answer.summary(),
                    "command": m.all_commands.summary(),
                    "command_by_endpoint": commands,
                },
            })
        })
    }
}
