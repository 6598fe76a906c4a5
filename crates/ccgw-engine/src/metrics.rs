//! What the engine reports to `GET /metrics`: a snapshot taken at scrape time, each VDN's
//! part by its own runtime between two requests, so that every figure of a VDN is of one
//! moment.

use std::collections::BTreeMap;

use ccgw_core::{SkillSnapshot, StateKind, Vdn};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineMetrics {
    pub vdns: Vec<VdnMetrics>,
    /// Events dropped from full event logs since the start.
    pub events_dropped: u64,
    /// Event-log reads answered with a resync since the start.
    pub resyncs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VdnMetrics {
    pub vdn: Vdn,
    /// Signed-in agents in each kind of state.
    pub agents: Vec<(StateKind, u32)>,
    /// Each configured skill queue: waiting calls, longest wait, staffing.
    pub skills: Vec<SkillSnapshot>,
    /// Calls in the center now.
    pub live_calls: u32,
    /// Ended calls by outcome code, since the start.
    pub calls_ended: BTreeMap<&'static str, u64>,
    /// Requests refused for going over an agent's request rate, since the start.
    pub requests_refused: u64,
}
