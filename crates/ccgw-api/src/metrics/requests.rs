//! Requests by interface: how many, with which answer, how long they took. The interface
//! is the route's template (`/agentgateway/resource/onlineagent/{agentid}/agentstatus`),
//! so the label set stays bounded whatever paths clients send; paths that match no route
//! count as `unmatched`. The answer is the retcode on the Huawei API, the HTTP status on
//! the extension API.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use http::{Method, StatusCode};

use super::exposition::{Exposition, Kind};

/// Upper bounds of the latency buckets, in seconds. Empty polls are held up to 10 s.
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Keyed by interface, so that a request allocates nothing once its interface has been
/// seen (`String: Borrow<str>`); answer codes are static strings.
#[derive(Default)]
pub(crate) struct HttpMetrics {
    interfaces: Mutex<HashMap<String, InterfaceStats>>,
}

/// How a request was answered: a Huawei retcode, or an HTTP status.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Answer {
    Retcode(&'static str),
    Status(StatusCode),
}

impl Answer {
    fn label(self) -> String {
        match self {
            Answer::Retcode(retcode) => retcode.to_owned(),
            Answer::Status(status) => status.as_u16().to_string(),
        }
    }
}

#[derive(Default)]
struct InterfaceStats {
    api: &'static str,
    /// By method and answer.
    answers: HashMap<(Method, Answer), u64>,
    /// Requests per bucket (not cumulative), the last one past every bound.
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
}

const REQUESTS: &str = "ccgw_http_requests_total";
const DURATION: &str = "ccgw_http_request_duration_seconds";

impl HttpMetrics {
    pub(crate) fn observe(&self, api: &'static str, interface: &str, method: &Method, answer: Answer, took: Duration) {
        let mut interfaces = self.interfaces.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !interfaces.contains_key(interface) {
            interfaces.insert(interface.to_owned(), InterfaceStats { api, ..InterfaceStats::default() });
        }
        let Some(stats) = interfaces.get_mut(interface) else { return };
        *stats.answers.entry((method.clone(), answer)).or_default() += 1;
        let seconds = took.as_secs_f64();
        let bucket = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
        stats.count += 1;
    }

    pub(crate) fn render(&self, text: &mut Exposition) {
        let interfaces = self.interfaces.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut sorted: Vec<(&String, &InterfaceStats)> = interfaces.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));

        let help = "Requests answered, by API, interface, method and answer code (Huawei retcode or HTTP status).";
        text.family(REQUESTS, Kind::Counter, help);
        for (interface, stats) in &sorted {
            let mut answers: Vec<(&str, String, u64)> = stats
                .answers
                .iter()
                .map(|((method, answer), count)| (method.as_str(), answer.label(), *count))
                .collect();
            answers.sort();
            for (method, code, count) in answers {
                let labels = [
                    ("api", stats.api),
                    ("interface", interface.as_str()),
                    ("method", method),
                    ("code", code.as_str()),
                ];
                text.sample(REQUESTS, &labels, count);
            }
        }

        text.family(DURATION, Kind::Histogram, "Time from a request's head to its answer, by API and interface.");
        for (interface, stats) in &sorted {
            let mut cumulative = 0;
            for (index, count) in stats.buckets.iter().enumerate() {
                cumulative += count;
                let bound = BUCKETS.get(index).map_or_else(|| "+Inf".to_owned(), |bound| bound.to_string());
                let labels = [("api", stats.api), ("interface", interface.as_str()), ("le", bound.as_str())];
                text.sample("ccgw_http_request_duration_seconds_bucket", &labels, cumulative);
            }
            let labels = [("api", stats.api), ("interface", interface.as_str())];
            text.sample("ccgw_http_request_duration_seconds_sum", &labels, stats.seconds);
            text.sample("ccgw_http_request_duration_seconds_count", &labels, stats.count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_end_with_every_request() {
        let metrics = HttpMetrics::default();
        let path = "/agentgateway/resource/onlineagent/{agentid}";
        metrics.observe("huawei", path, &Method::PUT, Answer::Retcode("0"), Duration::from_micros(300));
        metrics.observe("huawei", path, &Method::PUT, Answer::Retcode("100-004"), Duration::from_millis(30));
        metrics.observe("huawei", path, &Method::PUT, Answer::Retcode("0"), Duration::from_secs(11));
        let mut text = Exposition::default();
        metrics.render(&mut text);
        let text = text.finish();
        let line = |needle: &str| {
            text.lines().find(|line| line.contains(needle)).unwrap_or_else(|| panic!("{needle} in {text}")).to_owned()
        };
        assert!(line("code=\"0\"").ends_with(" 2"));
        assert!(line("code=\"100-004\"").ends_with(" 1"));
        assert!(line("le=\"0.0005\"").ends_with(" 1"));
        assert!(line("le=\"0.05\"").ends_with(" 2"));
        assert!(line("le=\"10\"").ends_with(" 2"));
        assert!(line("le=\"+Inf\"").ends_with(" 3"));
        assert!(line("_count{").ends_with(" 3"));
    }
}
