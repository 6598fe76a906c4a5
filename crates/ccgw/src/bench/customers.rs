//! Customers: Poisson arrivals at a given rate, spread over the skills, placed through
//! the simulated switch (`/ccgw/v1/sim/calls`); a share of them hang up while queued or
//! ringing.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::agent::{Moment, Placements, exponential};
use super::client::{Connection, Endpoint};
use super::metrics::Metrics;

/// Connections the customers place calls over.
const PLACERS: usize = 8;

#[derive(Clone)]
pub(crate) struct Traffic {
    pub(crate) rate: f64,
    pub(crate) duration: Duration,
    pub(crate) skills: u32,
    /// Share of calls whose customer hangs up after a random 0–3 s.
    pub(crate) abandon_share: f64,
    pub(crate) admin_token: String,
}

/// Places calls for `traffic.duration`; returns the ids of every call placed.
pub(crate) async fn run(
    endpoint: Endpoint,
    traffic: Traffic,
    metrics: Arc<Metrics>,
    placements: Arc<Placements>,
) -> Vec<String> {
    let (jobs_tx, jobs_rx) = async_channel(PLACERS * 64);
    let (ids_tx, mut ids_rx) = mpsc::unbounded_channel::<String>();
    let mut placers = Vec::new();
    for _ in 0..PLACERS {
        let jobs = jobs_rx.clone();
        let endpoint = endpoint.clone();
        let traffic = traffic.clone();
        let metrics = metrics.clone();
        let placements = placements.clone();
        let ids = ids_tx.clone();
        placers.push(tokio::spawn(async move {
            let mut connection = Connection::new(endpoint.clone());
            while let Some(skill) = next_job(&jobs).await {
                if let Some(callid) = place(&mut connection, &traffic, skill, &metrics, &placements).await {
                    if rand::rng().random_bool(traffic.abandon_share.clamp(0.0, 1.0)) {
                        tokio::spawn(hang_up_later(
                            endpoint.clone(),
                            traffic.admin_token.clone(),
                            callid.clone(),
                            metrics.clone(),
                        ));
                    }
                    let _ = ids.send(callid);
                }
            }
        }));
    }
    drop(ids_tx);
    let mean_gap = Duration::from_secs_f64(1.0 / traffic.rate.max(0.001));
    let end = Instant::now() + traffic.duration;
    let mut next = Instant::now();
    while next < end {
        tokio::time::sleep_until(next).await;
        let skill = rand::rng().random_range(1..=traffic.skills.max(1));
        if jobs_tx.send(skill).await.is_err() {
            break;
        }
        next += exponential(mean_gap);
    }
    drop(jobs_tx);
    for placer in placers {
        let _ = placer.await;
    }
    let mut ids = Vec::new();
    while let Some(id) = ids_rx.recv().await {
        ids.push(id);
    }
    ids
}

type Jobs = Arc<tokio::sync::Mutex<mpsc::Receiver<u32>>>;

fn async_channel(capacity: usize) -> (mpsc::Sender<u32>, Jobs) {
    let (tx, rx) = mpsc::channel(capacity);
    (tx, Arc::new(tokio::sync::Mutex::new(rx)))
}

async fn next_job(jobs: &Jobs) -> Option<u32> {
    jobs.lock().await.recv().await
}

async fn place(
    connection: &mut Connection,
    traffic: &Traffic,
    skill: u32,
    metrics: &Metrics,
    placements: &Placements,
) -> Option<String> {
    let caller = format!("1380{:07}", rand::rng().random_range(0..10_000_000));
    let body = json!({"caller": caller, "skill": skill});
    let auth = format!("Bearer {}", traffic.admin_token);
    let placed_at = Moment::now();
    let answer = connection
        .send(Method::POST, "/ccgw/v1/sim/calls", &[("authorization", &auth)], Some(body.to_string().into_bytes()))
        .await;
    match answer {
        Ok(answer) if answer.status == 201 => {
            metrics.call_placed();
            let value: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
            let callid = value["callid"].as_str()?.to_owned();
            if let Some(latency) = placements.placed(&callid, placed_at) {
                metrics.placed_to_ringing(latency);
            }
            Some(callid)
        }
        Ok(answer) => {
            metrics.error(format!("placing a call: HTTP {}", answer.status));
            None
        }
        Err(error) => {
            metrics.error(format!("placing a call failed: {error}"));
            None
        }
    }
}

async fn hang_up_later(endpoint: Endpoint, admin_token: String, callid: String, metrics: Arc<Metrics>) {
    let delay = Duration::from_millis(rand::rng().random_range(0..3_000));
    tokio::time::sleep(delay).await;
    let mut connection = Connection::new(endpoint);
    let auth = format!("Bearer {admin_token}");
    let path = format!("/ccgw/v1/sim/calls/{callid}");
    match connection.send(Method::DELETE, &path, &[("authorization", &auth)], None).await {
        Ok(answer) if answer.status == 200 => metrics.hang_up(),
        Ok(answer) if answer.status == 404 => {} // the call had already ended
        Ok(answer) => metrics.error(format!("hang-up: HTTP {}", answer.status)),
        Err(error) => metrics.error(format!("hang-up failed: {error}")),
    }
}
