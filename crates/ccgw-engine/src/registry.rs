//! The in-process engine: one runtime task per VDN, and the registry that routes every
//! request and switch report to the runtime of the VDN it belongs to.
//!
//! VDNs are tenants and share nothing in the center, so each VDN's center lives in its
//! own task and a busy VDN never delays another. What crosses VDNs is explicit and
//! lives here: an agent's VDN (from its sign-in; moving to another VDN signs it out of
//! the old one first), a call's VDN (claimed by the runtime that acts on it, or chosen
//! here for a call the switch reports by its dialled number), settling and shutting
//! down every runtime, and configuration handed to each. Agents' event logs are kept
//! in one [`LogBook`], so an agent's sequence numbers run on whichever VDN it is in.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, RwLock};

use ccgw_core::{CallId, Refusal, RoutingTable, SkillProfile, Vdn, WorkNo};
use tokio::sync::{mpsc, oneshot};

use crate::error::EngineError;
use crate::handle::{Envelope, Reply, Request};
use crate::runtime::{Runtime, Shared};
use crate::switch::{ReportFor, ReportSink, TelephonyReport};

/// Requests waiting for a VDN's runtime before senders are made to wait.
const REQUEST_BACKLOG: usize = 4096;

/// Which VDN's runtime holds each live call.
#[derive(Default)]
pub(crate) struct CallOwners {
    calls: Mutex<HashMap<CallId, Vdn>>,
}

impl CallOwners {
    fn lock(&self) -> MutexGuard<'_, HashMap<CallId, Vdn>> {
        // Single inserts and removals: a poisoned lock still holds a whole map.
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `vdn` holds `call`, unless another VDN holds it already.
    pub(crate) fn claim(&self, call: &CallId, vdn: Vdn) {
        let mut calls = self.lock();
        // Looked up first: most actions are for a call already claimed, and need no copy of its id.
        if !calls.contains_key(call) {
            calls.insert(call.clone(), vdn);
        }
    }

    /// The call ended: later reports about it have nobody to go to.
    pub(crate) fn release(&self, call: &CallId) {
        self.lock().remove(call);
    }

    fn owner(&self, call: &CallId) -> Option<Vdn> {
        self.lock().get(call).copied()
    }
}

/// A VDN's runtime, as the registry reaches it.
#[derive(Clone)]
struct Shard {
    requests: mpsc::Sender<Envelope>,
    reports: mpsc::UnboundedSender<TelephonyReport>,
}

/// What a new VDN's runtime starts with, and whether new ones may still start.
struct Config {
    skills: Vec<SkillProfile>,
    routing: RoutingTable,
    stopped: bool,
}

pub(crate) struct Registry {
    shared: Shared,
    /// Where runtimes are spawned (reports may arrive on a thread outside tokio).
    runtime: tokio::runtime::Handle,
    config: Mutex<Config>,
    shards: RwLock<HashMap<Vdn, Shard>>,
    /// Each agent's VDN, from its last sign-in.
    agents: RwLock<HashMap<WorkNo, Vdn>>,
}

impl Registry {
    pub(crate) fn new(shared: Shared, skills: Vec<SkillProfile>) -> Self {
        let vdns = vdns_of(&skills);
        let registry = Self {
            shared,
            runtime: tokio::runtime::Handle::current(),
            config: Mutex::new(Config { skills, routing: RoutingTable::default(), stopped: false }),
            shards: RwLock::new(HashMap::new()),
            agents: RwLock::new(HashMap::new()),
        };
        for vdn in vdns {
            registry.shard(vdn);
        }
        registry
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    fn lock_config(&self) -> MutexGuard<'_, Config> {
        // Every critical section leaves the config whole.
        self.config.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The runtime of `vdn`, started on first use; `None` once the engine stopped.
    fn shard(&self, vdn: Vdn) -> Option<Shard> {
        if let Some(shard) = self.shards.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&vdn) {
            return Some(shard.clone());
        }
        let config = self.lock_config();
        if config.stopped {
            return None;
        }
        let mut shards = self.shards.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let shard = shards.entry(vdn).or_insert_with(|| {
            let skills = config.skills.iter().filter(|skill| skill.vdn == vdn).cloned().collect();
            let runtime = Runtime::new(vdn, self.shared.clone(), skills, config.routing.clone());
            let (requests, requests_rx) = mpsc::channel(REQUEST_BACKLOG);
            let (reports, reports_rx) = mpsc::unbounded_channel();
            self.runtime.spawn(runtime.run(requests_rx, reports_rx));
            tracing::info!(%vdn, "VDN runtime started");
            Shard { requests, reports }
        });
        Some(shard.clone())
    }

    fn all_shards(&self) -> Vec<Shard> {
        self.shards.read().unwrap_or_else(|poisoned| poisoned.into_inner()).values().cloned().collect()
    }

    /// The VDN the agent last signed in to, if it did since the engine started.
    pub(crate) fn vdn_of(&self, work_no: WorkNo) -> Option<Vdn> {
        self.agents.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&work_no).copied()
    }

    pub(crate) fn set_vdn_of(&self, work_no: WorkNo, vdn: Vdn) {
        self.agents.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(work_no, vdn);
    }

    /// Sends `request` to the runtime of `vdn` and awaits its reply.
    pub(crate) async fn send(&self, vdn: Vdn, request: Request) -> Result<Reply, EngineError> {
        let shard = self.shard(vdn).ok_or(EngineError::Stopped)?;
        send_to(&shard, request).await
    }

    /// Sends the agent's request to the runtime of its VDN; an agent that never signed
    /// in is signed in nowhere.
    pub(crate) async fn send_for(&self, work_no: WorkNo, request: Request) -> Result<Reply, EngineError> {
        let vdn = self.vdn_of(work_no).ok_or(EngineError::Refused(Refusal::NotSignedIn))?;
        self.send(vdn, request).await
    }

    /// Each runtime gets the skills of its VDN (none, if it has none any more); a VDN
    /// that has skills now gets its runtime.
    pub(crate) async fn configure_skills(&self, skills: Vec<SkillProfile>) -> Result<(), EngineError> {
        let vdns = vdns_of(&skills);
        self.lock_config().skills = skills.clone();
        for vdn in vdns {
            self.shard(vdn);
        }
        let shards: Vec<(Vdn, Shard)> = {
            let shards = self.shards.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            shards.iter().map(|(vdn, shard)| (*vdn, shard.clone())).collect()
        };
        for (vdn, shard) in shards {
            let own = skills.iter().filter(|skill| skill.vdn == vdn).cloned().collect();
            send_to(&shard, Request::ConfigureSkills(own)).await?;
        }
        Ok(())
    }

    /// Every runtime routes by the whole table (a call reaches a runtime only when the
    /// table names its VDN, so each uses its own part).
    pub(crate) async fn configure_routing(&self, routing: RoutingTable) -> Result<(), EngineError> {
        self.lock_config().routing = routing.clone();
        for shard in self.all_shards() {
            send_to(&shard, Request::ConfigureRouting(routing.clone())).await?;
        }
        Ok(())
    }

    /// Settles every runtime until a whole round changes nothing: the switch's due
    /// items fired by one runtime may be reports for another.
    pub(crate) async fn settle(&self) -> Result<(), EngineError> {
        loop {
            let mut changed = 0;
            for shard in self.all_shards() {
                match send_to(&shard, Request::Settle).await? {
                    Reply::Settled(count) => changed += count,
                    _ => return Err(EngineError::Stopped),
                }
            }
            if changed == 0 {
                return Ok(());
            }
        }
    }

    /// Closes every runtime (see [`crate::EngineHandle::close`]).
    pub(crate) async fn close(&self) -> Result<(), EngineError> {
        for shard in self.all_shards() {
            send_to(&shard, Request::Close).await?;
        }
        Ok(())
    }

    pub(crate) async fn undelivered(&self) -> Result<usize, EngineError> {
        let mut total = 0;
        for shard in self.all_shards() {
            match send_to(&shard, Request::Undelivered).await? {
                Reply::Undelivered(count) => total += count,
                _ => return Err(EngineError::Stopped),
            }
        }
        Ok(total)
    }

    pub(crate) async fn metrics(&self) -> Result<crate::EngineMetrics, EngineError> {
        let mut vdns = Vec::new();
        for shard in self.all_shards() {
            match send_to(&shard, Request::Metrics).await? {
                Reply::Metrics(vdn) => vdns.push(*vdn),
                _ => return Err(EngineError::Stopped),
            }
        }
        vdns.sort_by_key(|metrics| metrics.vdn);
        let (events_dropped, resyncs) = self.shared.book.totals();
        Ok(crate::EngineMetrics { vdns, events_dropped, resyncs })
    }

    /// Stops every runtime after it ended its live calls; no runtime starts after this.
    pub(crate) async fn shut_down(&self) -> Result<(), EngineError> {
        self.lock_config().stopped = true;
        for shard in self.all_shards() {
            send_to(&shard, Request::Shutdown).await?;
        }
        Ok(())
    }
}

async fn send_to(shard: &Shard, request: Request) -> Result<Reply, EngineError> {
    let (reply, answer) = oneshot::channel();
    shard.requests.send(Envelope { request, reply }).await.map_err(|_| EngineError::Stopped)?;
    answer.await.map_err(|_| EngineError::Stopped)?.map_err(EngineError::Refused)
}

fn vdns_of(skills: &[SkillProfile]) -> Vec<Vdn> {
    let mut vdns: Vec<Vdn> = skills.iter().map(|skill| skill.vdn).collect();
    vdns.sort_unstable();
    vdns.dedup();
    vdns
}

impl ReportSink for Registry {
    /// Straight into the owning runtime's channel, on the sender's thread: a report
    /// sent while a runtime carries out an action is applied before that step replies.
    fn deliver(&self, report: TelephonyReport) {
        let vdn = match report.belongs_to() {
            ReportFor::Call(call) => match self.shared.owners.owner(call) {
                Some(vdn) => vdn,
                None => {
                    tracing::debug!(call_id = %call, "report about a call that has ended; nothing to do");
                    return;
                }
            },
            ReportFor::NewCall(call) => call.vdn,
            ReportFor::Dialled(call) => self.lock_config().routing.handling_vdn(&call.called),
        };
        if let ReportFor::NewCall(ccgw_core::NewCall { id, .. })
        | ReportFor::Dialled(ccgw_core::InboundCall { id, .. }) = report.belongs_to()
        {
            self.shared.owners.claim(id, vdn);
        }
        match self.shard(vdn) {
            Some(shard) => {
                // Closed only when the runtime stopped: the report comes too late to matter.
                let _ = shard.reports.send(report);
            }
            None => tracing::debug!(%vdn, "switch report after the engine stopped"),
        }
    }
}
