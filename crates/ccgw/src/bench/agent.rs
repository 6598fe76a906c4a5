//! One simulated agent, as a Java agent client behaves: signs in with `forcelogin`,
//! polls `agentevent` on its own keep-alive connection (at once after an event, after
//! 200–500 ms after an empty answer), answers `AgentEvent_Ringing` after a think time,
//! talks for a sampled time, releases, and checks that every call's events come in one
//! of the documented orders.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Method;
use rand::Rng;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::client::{Connection, Endpoint};
use super::metrics::Metrics;
use super::server::PASSWORD;

const BASE: &str = "/agentgateway/resource";

/// Shared by the customers (who place calls) and the agents (who see them ring).
#[derive(Default)]
pub(crate) struct Placements {
    inner: Mutex<PlacementMaps>,
}

/// When something happened, by the monotonic clock and by the wall clock (ms), the
/// latter to compare with the gateway's `eventGenTime`.
#[derive(Clone, Copy)]
pub(crate) struct Moment {
    pub(crate) at: Instant,
    pub(crate) wall_ms: u64,
}

impl Moment {
    pub(crate) fn now() -> Self {
        let wall_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
        Self { at: Instant::now(), wall_ms }
    }
}

/// Placed → Ringing as the client saw it; as the gateway stamped it (`eventGenTime`,
/// whole ms); and as the client saw it less any time its agent was between polls (the
/// 200–500 ms pause after an empty answer), which is the gateway's own part.
pub(crate) struct RingLatency {
    pub(crate) seen: Duration,
    pub(crate) generated: Duration,
    pub(crate) while_polling: Duration,
}

/// An agent's view of a call's `AgentEvent_Ringing`.
#[derive(Clone, Copy)]
pub(crate) struct Ring {
    seen: Moment,
    /// The gateway's `eventGenTime` (ms).
    generated_ms: u64,
    /// The client's pause (after an empty answer, until its next poll) just before the
    /// poll that brought the call's first event, if there was one.
    pause: Option<Pause>,
}

/// A span during which an agent's client was not polling.
#[derive(Clone, Copy)]
pub(crate) struct Pause {
    from: Instant,
    to: Instant,
}

#[derive(Default)]
struct PlacementMaps {
    placed: HashMap<String, Moment>,
    /// Ringing seen before the placement's answer came back: when it was seen, and the
    /// gateway's `eventGenTime`.
    early: HashMap<String, Ring>,
}

fn ring_latency(placed: Moment, ring: Ring) -> RingLatency {
    RingLatency {
        seen: ring.seen.at.saturating_duration_since(placed.at),
        generated: Duration::from_millis(ring.generated_ms.saturating_sub(placed.wall_ms)),
        while_polling: ring.seen.at.saturating_duration_since(placed.at).saturating_sub(paused_between(
            placed.at,
            ring.seen.at,
            ring.pause,
        )),
    }
}

/// How much of `from..to` the client spent in `pause`.
fn paused_between(from: Instant, to: Instant, pause: Option<Pause>) -> Duration {
    pause.map_or(Duration::ZERO, |pause| pause.to.min(to).saturating_duration_since(pause.from.max(from)))
}

impl Placements {
    /// A call was placed at `at`; returns its ring latency if it already rang.
    pub(crate) fn placed(&self, callid: &str, at: Moment) -> Option<RingLatency> {
        let mut maps = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match maps.early.remove(callid) {
            Some(ring) => Some(ring_latency(at, ring)),
            None => {
                maps.placed.insert(callid.to_owned(), at);
                None
            }
        }
    }

    /// The call rang; returns its latency if the placement is known. Only the first
    /// offer of a call counts.
    fn rang(&self, callid: &str, ring: Ring) -> Option<RingLatency> {
        let mut maps = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match maps.placed.remove(callid) {
            Some(placed) => Some(ring_latency(placed, ring)),
            None => {
                maps.early.insert(callid.to_owned(), ring);
                None
            }
        }
    }
}

/// How the simulated people behave.
#[derive(Clone, Copy)]
pub(crate) struct Behaviour {
    pub(crate) think: Duration,
    pub(crate) talk_mean: Duration,
    /// The command connection is closed after this long without a command, as a client
    /// with idle-connection eviction does; between calls an agent then holds one
    /// connection (its poll), which keeps 10,000+ agents within a process's descriptors.
    pub(crate) command_idle: Duration,
}

/// The event orders a call may show at an agent (spec 03 S9, S20, S21 as ccgw sends them).
const OFFER: [&str; 5] = [
    "AgentEvent_Incoming_CallInfo",
    "AgentState_Busy",
    "AgentOther_PhoneAlerting",
    "AgentOther_PhoneOffhook",
    "AgentEvent_Ringing",
];
const ANSWERED: [&str; 2] = ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"];
const AGENT_RELEASED: [&str; 4] =
    ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"];
const CUSTOMER_RELEASED: [&str; 4] =
    ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"];

fn sequence_ok(events: &[String]) -> bool {
    let seen: Vec<&str> = events.iter().map(String::as_str).collect();
    let talked = [&OFFER[..], &ANSWERED[..]].concat();
    [
        [&talked[..], &AGENT_RELEASED[..]].concat(),
        [&talked[..], &CUSTOMER_RELEASED[..]].concat(),
        [&OFFER[..], &CUSTOMER_RELEASED[..]].concat(),
    ]
    .contains(&seen)
}

/// An event as the agent logic needs it.
struct Event {
    kind: String,
    callid: Option<String>,
    seen: Moment,
    /// The gateway's `eventGenTime` (ms).
    generated_ms: u64,
    /// When the poll that brought it was sent.
    /// The client's pause before the poll that brought it, if any.
    pause: Option<Pause>,
}

fn parse_event(body: &[u8], pause: Option<Pause>) -> Result<Option<Event>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "poll answer is not JSON".to_owned())?;
    if value["retcode"] != "0" {
        return Err(format!("poll retcode {}", value["retcode"]));
    }
    let Some(event) = value.get("event") else { return Ok(None) };
    let kind = event["eventType"].as_str().unwrap_or_default().to_owned();
    let content = &event["content"];
    let callid = content["callid"].as_str().or_else(|| content["callId"].as_str()).or_else(|| content.as_str());
    let generated_ms = event["eventGenTime"].as_u64().unwrap_or(0);
    Ok(Some(Event { kind, callid: callid.map(str::to_owned), seen: Moment::now(), generated_ms, pause }))
}

/// Signs in; returns the Guid. A sign-in answered `100-003` (the gateway's password
/// checks are all taken, as when thousands of agents sign in at once) is retried after a
/// short pause, as a client would.
async fn sign_in(commands: &mut Connection, work_no: u32, metrics: &Metrics) -> Option<String> {
    let body = serde_json::json!({
        "password": PASSWORD, "phonenum": format!("8{work_no}"), "status": "4",
        "autoanswer": "false", "autoenteridle": "true", "releasephone": "false", "agenttype": "4"
    });
    let path = format!("{BASE}/onlineagent/{work_no}/forcelogin");
    let patience = tokio::time::Instant::now() + SIGN_IN_BUSY_PATIENCE;
    let mut backoff = SIGN_IN_FIRST_BACKOFF;
    // Never closed, so a permit always comes.
    let _in_flight = SIGN_INS_IN_FLIGHT.acquire().await.ok();
    loop {
        match commands.send(Method::PUT, &path, &[], Some(body.to_string().into_bytes())).await {
            Ok(answer) if answer.set_guid.is_some() => return answer.set_guid,
            Ok(answer) if is_busy(&answer.body) && tokio::time::Instant::now() < patience => {
                // Back off, as a well-behaved client does, and spread the retries so that
                // they do not come back all at once: retries at a fixed short interval
                // from 10,000 agents are tens of thousands of refusals a second, which
                // take the CPU the password checks need.
                let jitter = backoff.mul_f64(f64::from(work_no % 100) / 200.0);
                tokio::time::sleep(backoff + jitter).await;
                backoff = (backoff * 2).min(SIGN_IN_MAX_BACKOFF);
            }
            Ok(answer) => {
                metrics.error(format!("sign-in refused: {}", String::from_utf8_lossy(&answer.body)));
                return None;
            }
            Err(error) => {
                metrics.error(format!("sign-in failed: {error}"));
                return None;
            }
        }
    }
}

/// Sign-ins the bench has under way at once: about what the gateway's password-check gate
/// admits (running and queued), so that `sign_in_s` measures how fast the gateway checks
/// passwords rather than how a herd of retrying clients competes for the places.
static SIGN_INS_IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(64);

/// How long one agent keeps retrying a sign-in the gateway was too busy to check: ten
/// thousand agents signing in at once on two cores take minutes of password checks, and
/// which waiting agent gets the next place is chance, so a count of retries runs out for
/// some while a time does not.
const SIGN_IN_BUSY_PATIENCE: Duration = Duration::from_secs(600);
/// The first wait before retrying a busy sign-in; each further one doubles, up to the most.
const SIGN_IN_FIRST_BACKOFF: Duration = Duration::from_millis(100);
const SIGN_IN_MAX_BACKOFF: Duration = Duration::from_secs(5);

fn is_busy(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|answer| answer["retcode"] == "100-003")
}

/// Runs one agent until `stop` turns true and its current call is over.
pub(crate) async fn run(
    endpoint: Endpoint,
    work_no: u32,
    behaviour: Behaviour,
    metrics: Arc<Metrics>,
    placements: Arc<Placements>,
    mut stop: watch::Receiver<bool>,
    signed_in: mpsc::Sender<bool>,
) {
    let mut commands = Connection::new(endpoint.clone());
    let Some(guid) = sign_in(&mut commands, work_no, &metrics).await else {
        let _ = signed_in.send(false).await;
        return;
    };
    let _ = signed_in.send(true).await;
    // The sign-in connection is not kept: thousands of agents may sign in within a second
    // (the baseline checks no password), and each would otherwise hold a second descriptor
    // for `command_idle`.
    commands.close();
    let mut close_commands_at: Option<Instant> = None;
    let guid = Arc::new(Mutex::new(guid));
    let (events_tx, mut events) = mpsc::channel::<Event>(64);
    let _poller =
        AbortOnDrop(tokio::spawn(poll_loop(endpoint, work_no, guid.clone(), metrics.clone(), events_tx, stop.clone())));

    let mut call: Option<String> = None;
    let mut pause: Option<Pause> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut answer_sent: Option<Instant> = None;
    let mut release_sent: Option<Instant> = None;
    let mut hang_up_at: Option<Instant> = None;
    loop {
        let timer = sleep_until(hang_up_at);
        let idle = sleep_until(close_commands_at);
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { break };
                if event.kind == "AgentEvent_Incoming_CallInfo" {
                    call = event.callid.clone();
                    pause = event.pause;
                    seen.clear();
                }
                if call.is_some() {
                    seen.push(event.kind.clone());
                }
                match event.kind.as_str() {
                    "AgentEvent_Ringing" => {
                        if let Some(callid) = &event.callid
                            && let Some(latency) = placements.rang(
                                callid,
                                Ring { seen: event.seen, generated_ms: event.generated_ms, pause },
                            )
                        {
                            metrics.placed_to_ringing(latency);
                        }
                        let think = jitter(behaviour.think);
                        tokio::time::sleep(think).await;
                        let path = format!("{BASE}/voicecall/{work_no}/answer");
                        answer_sent = Some(Instant::now());
                        let answered = command(&mut commands, &guid, Method::PUT, &path, "answer", &metrics).await;
                        close_commands_at = Some(Instant::now() + behaviour.command_idle);
                        match answered.as_deref() {
                            Some("0") => {}
                            Some("200-002") => metrics.race(), // the customer hung up meanwhile
                            Some(other) => metrics.error(format!("answer retcode {other}")),
                            None => {}
                        }
                    }
                    "AgentEvent_Talking" => {
                        if let Some(sent) = answer_sent.take() {
                            metrics.answer_to_talking(event.seen.at.saturating_duration_since(sent));
                        }
                        hang_up_at = Some(Instant::now() + exponential(behaviour.talk_mean));
                    }
                    "AgentEvent_Customer_Release" if release_sent.is_none() => hang_up_at = None,
                    "AgentState_Ready" => {
                        if let Some(sent) = release_sent.take() {
                            metrics.release_to_ready(event.seen.at.saturating_duration_since(sent));
                        }
                        if call.take().is_some() && !sequence_ok(&seen) {
                            metrics.error(format!("unexpected event order: {}", seen.join(",")));
                        }
                        hang_up_at = None;
                        if *stop.borrow() {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            () = timer => {
                hang_up_at = None;
                let path = format!("{BASE}/voicecall/{work_no}/release");
                release_sent = Some(Instant::now());
                let released = command(&mut commands, &guid, Method::DELETE, &path, "release", &metrics).await;
                close_commands_at = Some(Instant::now() + behaviour.command_idle);
                match released.as_deref() {
                    Some("0") => {}
                    Some("200-017") => { metrics.race(); release_sent = None; }
                    Some(other) => metrics.error(format!("release retcode {other}")),
                    None => {}
                }
            }
            () = idle => {
                close_commands_at = None;
                commands.close();
            }
            changed = stop.changed(), if call.is_none() => {
                // An error means the run is gone: stop as well.
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}

/// Ends the poll task with its agent, however the agent ends (also when aborted), so
/// that no connection outlives its run.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Sends a command with the current Guid; records its latency; returns its retcode.
async fn command(
    connection: &mut Connection,
    guid: &Mutex<String>,
    method: Method,
    path: &str,
    endpoint: &'static str,
    metrics: &Metrics,
) -> Option<String> {
    let current = guid.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let started = Instant::now();
    match connection.send(method, path, &[("Guid", &current)], None).await {
        Ok(answer) => {
            metrics.command(endpoint, started.elapsed());
            let value: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
            Some(value["retcode"].as_str().unwrap_or("not JSON").to_owned())
        }
        Err(error) => {
            metrics.error(format!("{endpoint} failed: {error}"));
            None
        }
    }
}

async fn poll_loop(
    endpoint: Endpoint,
    work_no: u32,
    guid: Arc<Mutex<String>>,
    metrics: Arc<Metrics>,
    events: mpsc::Sender<Event>,
    stop: watch::Receiver<bool>,
) {
    let mut connection = Connection::new(endpoint);
    let path = format!("{BASE}/agentevent/{work_no}");
    // When the last empty answer came in, if the last answer was empty.
    let mut paused_since: Option<Instant> = None;
    loop {
        let current = guid.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let pause = paused_since.take().map(|from| Pause { from, to: Instant::now() });
        let answer = match connection.send(Method::GET, &path, &[("Guid", &current)], None).await {
            Ok(answer) => answer,
            Err(error) => {
                if !*stop.borrow() {
                    metrics.error(format!("poll failed: {error}"));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        if let Some(next) = answer.set_guid {
            *guid.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
        }
        match parse_event(&answer.body, pause) {
            Ok(Some(event)) => {
                metrics.poll(true);
                if events.send(event).await.is_err() {
                    return;
                }
            }
            Ok(None) => {
                metrics.poll(false);
                paused_since = Some(Instant::now());
                let pause = rand::rng().random_range(200..=500);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Err(problem) => {
                metrics.error(problem);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// `mean` ± 50 %, uniformly.
fn jitter(mean: Duration) -> Duration {
    mean.mul_f64(rand::rng().random_range(0.5..1.5))
}

/// An exponentially distributed span with this mean, cut at four times the mean so that
/// a run drains in bounded time.
pub(crate) fn exponential(mean: Duration) -> Duration {
    let uniform: f64 = rand::rng().random_range(f64::EPSILON..1.0);
    mean.mul_f64(-uniform.ln()).min(mean * 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(events: &[&str]) -> Vec<String> {
        events.iter().map(|e| (*e).to_owned()).collect()
    }

    #[test]
    fn the_documented_orders_pass_and_others_do_not() {
        let talked = [&OFFER[..], &ANSWERED[..]].concat();
        assert!(sequence_ok(&owned(&[&talked[..], &AGENT_RELEASED[..]].concat())));
        assert!(sequence_ok(&owned(&[&talked[..], &CUSTOMER_RELEASED[..]].concat())));
        assert!(sequence_ok(&owned(&[&OFFER[..], &CUSTOMER_RELEASED[..]].concat())));
        assert!(!sequence_ok(&owned(&[&OFFER[..], &AGENT_RELEASED[..]].concat())));
        assert!(!sequence_ok(&owned(&OFFER)));
    }

    #[test]
    fn time_between_polls_is_not_counted_as_the_gateways() {
        let placed = Moment::now();
        let at = |ms: u64| placed.at + Duration::from_millis(ms);
        let seen = Moment { at: at(301), wall_ms: placed.wall_ms + 301 };
        let ring = |pause| Ring { seen, generated_ms: placed.wall_ms + 1, pause };
        // The client was pausing after an empty answer and polled again 300 ms after placing.
        let paused = ring_latency(placed, ring(Some(Pause { from: placed.at, to: at(300) })));
        assert_eq!(paused.seen, Duration::from_millis(301));
        assert_eq!(paused.while_polling, Duration::from_millis(1));
        assert_eq!(paused.generated, Duration::from_millis(1));
        // A pause that ended before the placement takes nothing off.
        let earlier = Pause { from: placed.at, to: placed.at };
        assert_eq!(ring_latency(placed, ring(Some(earlier))).while_polling, Duration::from_millis(301));
        // No pause (its poll was waiting at the gateway, or the call queued until the
        // agent's Ready, after which it polled at once): all of it counts.
        assert_eq!(ring_latency(placed, ring(None)).while_polling, Duration::from_millis(301));
    }

    #[test]
    fn exponential_spans_have_about_the_mean_asked_for() {
        let mean = Duration::from_millis(100);
        let total: Duration = (0..20_000).map(|_| exponential(mean)).sum();
        let average = total / 20_000;
        assert!(average > Duration::from_millis(90) && average < Duration::from_millis(110), "{average:?}");
    }
}
