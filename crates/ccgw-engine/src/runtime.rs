//! A VDN's runtime task: the single owner of that VDN's center. Requests from handlers,
//! reports from the switch and due timers are applied one at a time, in arrival order;
//! their effects are carried out here (events into the agents' logs, actions to the
//! switch, timers, records).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use ccgw_core::catalog::{event_code, state_code};
use ccgw_core::{
    AgentEvent, AuditEntry, AuditKind, Center, CenterSettings, Command, Effect, Effects, Guid, Outcome, PhoneReport,
    Refusal, RoutingTable, SignIn, SignOut, SkillProfile, StateKind, Timer, Timestamp, Vdn, WorkNo,
};
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::event_log::{PollSession, PushFeed};
use crate::handle::{AgentAction, Envelope, EventDelivery, EventReader, Reply, Request, SignedIn, SnapshotAt};
use crate::log_book::LogBook;
use crate::recorder::CallRecorder;
use crate::registry::CallOwners;
use crate::settings::EngineSettings;
use crate::switch::{Switch, TelephonyReport};

/// A session that ended but whose Guid a client may still present, to collect the
/// events it had not fetched yet (e.g. `AgentOther_ShutdownService` after a takeover).
struct Retired {
    session: PollSession,
    until: Timestamp,
    /// A push sign-in's: its deliverer collects the rest, never a poll.
    pushed: bool,
}

/// What every VDN's runtime shares with the others.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) settings: EngineSettings,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) switch: Arc<dyn Switch>,
    pub(crate) recorder: Arc<dyn CallRecorder>,
    pub(crate) audit: Arc<dyn crate::AuditSink>,
    pub(crate) book: Arc<LogBook>,
    pub(crate) owners: Arc<CallOwners>,
}

/// How often (engine clock) retired sessions and event logs are swept, at the next step.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

pub(crate) struct Runtime {
    vdn: Vdn,
    shared: Shared,
    center: Center,
    /// The live sign-in's cursor per signed-in agent.
    sessions: HashMap<WorkNo, PollSession>,
    /// Signed-in agents whose events are pushed: their polls are refused.
    pushed: HashSet<WorkNo>,
    retired: HashMap<String, Retired>,
    next_sweep: Timestamp,
    timers: BTreeMap<(Timestamp, u64), Timer>,
    timer_counter: u64,
    /// Ended calls by outcome code, for the metrics.
    calls_ended: BTreeMap<&'static str, u64>,
}

impl Runtime {
    /// The runtime of `vdn`, with that VDN's skills and the whole routing table.
    pub(crate) fn new(vdn: Vdn, shared: Shared, skills: Vec<SkillProfile>, routing: RoutingTable) -> Self {
        let settings = &shared.settings;
        let center_settings = CenterSettings {
            phone_legs: shared.switch.phone_legs(),
            switch_features: shared.switch.features(),
            ..settings.center.clone()
        };
        let mut center = Center::new(center_settings);
        center.configure_skills(skills);
        center.configure_ivr_flows(settings.ivr_flows.clone());
        center.configure_routing(routing);
        Self {
            vdn,
            shared,
            center,
            sessions: HashMap::new(),
            pushed: HashSet::new(),
            retired: HashMap::new(),
            next_sweep: Timestamp::default(),
            timers: BTreeMap::new(),
            timer_counter: 0,
            calls_ended: BTreeMap::new(),
        }
    }

    pub(crate) async fn run(
        mut self,
        mut requests: mpsc::Receiver<Envelope>,
        mut reports: mpsc::UnboundedReceiver<TelephonyReport>,
    ) {
        loop {
            let next_timer = self.timers.first_key_value().map(|((at, _), _)| *at);
            let sleep = next_timer.map(|at| self.shared.clock.sleep_until(at));
            tokio::select! {
                biased;
                envelope = requests.recv() => match envelope {
                    Some(Envelope { request: Request::Shutdown, reply }) => {
                        let now = self.shared.clock.now();
                        let fx = self.center.shut_down(now);
                        self.apply(fx, now);
                        let _ = reply.send(Ok(Reply::Done));
                        break;
                    }
                    Some(Envelope { request: Request::Settle, reply }) => {
                        let changed = self.settle(&mut reports);
                        let _ = reply.send(Ok(Reply::Settled(changed)));
                    }
                    Some(envelope) => {
                        let outcome = self.handle(envelope.request);
                        self.apply_reports(&mut reports);
                        // The handler may have given up (client disconnected); nothing to do then.
                        let _ = envelope.reply.send(outcome);
                    }
                    None => break,
                },
                Some(report) = reports.recv() => {
                    self.on_report(report);
                    self.apply_reports(&mut reports);
                }
                () = async { match sleep { Some(sleep) => sleep.await, None => std::future::pending().await } } => {
                    self.fire_due();
                    self.apply_reports(&mut reports);
                }
            }
            self.assert_consistent();
            self.sweep_event_logs();
        }
        tracing::info!(vdn = %self.vdn, "VDN runtime stopped");
    }

    /// Debug builds (every test over HTTPS included) check the whole center after each
    /// step, so that a request, report or timer that leaves it inconsistent stops the
    /// engine at once instead of surfacing later as an odd answer.
    fn assert_consistent(&self) {
        #[cfg(debug_assertions)]
        if let Err(problem) = self.center.check_invariants() {
            panic!("the center is inconsistent: {problem}");
        }
    }

    fn handle(&mut self, request: Request) -> Result<Reply, Refusal> {
        let now = self.shared.clock.now();
        match request {
            Request::SignIn(request) => {
                if !self.shared.switch.admits_phone(&request.phone) {
                    return Err(Refusal::PhoneNotRegistered(request.phone.to_string()));
                }
                let guid = self.fresh_guid();
                let work_no = request.profile.work_no;
                let fx = self.center.sign_in(
                    SignIn {
                        profile: request.profile,
                        phone: request.phone,
                        auto_answer: request.auto_answer,
                        auto_enter_idle: request.auto_enter_idle,
                        always_off_hook: request.always_off_hook,
                        initial: request.initial,
                        force: request.force,
                        guid: guid.clone(),
                    },
                    now,
                )?;
                let push = request.delivery == EventDelivery::Push;
                tracing::info!(%work_no, force = request.force, push, "agent signed in");
                self.apply(fx, now);
                let feed = match push {
                    true => {
                        self.pushed.insert(work_no);
                        self.sessions.get(&work_no).cloned().map(PushFeed::new)
                    }
                    false => None,
                };
                Ok(Reply::SignedIn(SignedIn { guid, login_time: now, feed }))
            }
            Request::Act { work_no, guid, action } => self.act(work_no, guid.as_deref(), action, now),
            Request::Command { work_no, guid, command } => self.command(work_no, guid.as_deref(), command, now),
            Request::Query { work_no, guid, query } => {
                self.center.authorize(work_no, guid.as_deref(), false, now, || make_guid(self.shared.settings.node))?;
                self.center.spend_request(work_no, now)?;
                Ok(Reply::Answer(Box::new(self.center.query(work_no, &query, now)?)))
            }
            Request::ConfigureSkills(skills) => {
                self.center.configure_skills(skills);
                Ok(Reply::Done)
            }
            Request::EventLog { work_no, reader } => {
                self.authorize_reader(work_no, &reader, now)?;
                let log = self.shared.book.log(work_no);
                log.trim(now);
                Ok(Reply::EventLog(log))
            }
            Request::Depart { work_no, force } => self.depart(work_no, force, now),
            Request::Snapshot { work_no, reader } => {
                self.authorize_reader(work_no, &reader, now)?;
                // Both in this one step: no event can come between the state and its seq.
                let snapshot = self.center.agent_snapshot(work_no, now);
                Ok(Reply::Snapshot(Box::new(SnapshotAt { seq: self.shared.book.last_seq(work_no), snapshot })))
            }
            Request::ConfigureRouting(routing) => {
                self.center.configure_routing(routing);
                Ok(Reply::Done)
            }
            Request::Close => {
                let now = self.shared.clock.now();
                let fx = self.center.close(now);
                tracing::info!(vdn = %self.vdn, "closing: live calls ended, agents signed out");
                self.apply(fx, now);
                Ok(Reply::Done)
            }
            Request::Metrics => Ok(Reply::Metrics(Box::new(self.metrics()))),
            Request::Undelivered => {
                let now = self.shared.clock.now();
                let waiting =
                    self.retired.values().filter(|retired| retired.until > now && retired.session.has_pending());
                // A session retired under several Guids is counted once per Guid: count sessions.
                let mut sessions: Vec<_> = waiting.map(|retired| retired.session.key()).collect();
                sessions.sort_unstable();
                sessions.dedup();
                Ok(Reply::Undelivered(sessions.len()))
            }
            Request::PushGuid { work_no, session } => {
                self.live_push_session(work_no, session)?;
                let agent = self.center.agent(work_no).ok_or(Refusal::NotSignedIn)?;
                Ok(Reply::Guid(Some(agent.current_guid().clone())))
            }
            Request::PushUnreachable { work_no, session } => {
                self.live_push_session(work_no, session)?;
                let fx = self.center.sign_out(work_no, SignOut::Unreachable, now)?;
                tracing::warn!(%work_no, "push deliveries failing: agent signed out");
                self.apply(fx, now);
                Ok(Reply::Done)
            }
            // Taken by the run loop before it gets here.
            Request::Settle | Request::Shutdown => Ok(Reply::Done),
        }
    }

    fn metrics(&self) -> crate::VdnMetrics {
        let now = self.shared.clock.now();
        let mut agents: BTreeMap<StateKind, u32> = StateKind::ALL.iter().map(|kind| (*kind, 0)).collect();
        for agent in self.center.agents() {
            *agents.entry(agent.state().kind()).or_default() += 1;
        }
        let skills = self
            .center
            .skills()
            .filter(|skill| skill.vdn == self.vdn)
            .map(|skill| self.center.skill_snapshot(skill.vdn, skill.id, now))
            .collect();
        crate::VdnMetrics {
            vdn: self.vdn,
            agents: agents.into_iter().collect(),
            skills,
            live_calls: self.center.calls().count() as u32,
            calls_ended: self.calls_ended.clone(),
            requests_refused: self.center.requests_refused(),
        }
    }

    /// `session` is the agent's live sign-in, and a push one; `NotSignedIn` otherwise.
    fn live_push_session(&self, work_no: WorkNo, session: (usize, u64)) -> Result<(), Refusal> {
        let live = self.sessions.get(&work_no).is_some_and(|live| live.key() == session);
        (live && self.pushed.contains(&work_no)).then_some(()).ok_or(Refusal::NotSignedIn)
    }

    /// The agent signs in to another VDN (its directory entry moved): it leaves this
    /// one as a second sign-in would make it — refused without `force`, taken over with.
    fn depart(&mut self, work_no: WorkNo, force: bool, now: Timestamp) -> Result<Reply, Refusal> {
        if self.center.agent(work_no).is_none() {
            return Ok(Reply::Done);
        }
        if !force {
            return Err(Refusal::AlreadySignedIn);
        }
        if !self.center.settings().allow_force_login {
            return Err(Refusal::ForceLoginDisabled);
        }
        let fx = self.center.sign_out(work_no, SignOut::TakenOver, now)?;
        tracing::info!(%work_no, vdn = %self.vdn, "agent moved to another VDN");
        self.apply(fx, now);
        Ok(Reply::Done)
    }

    /// An agent reader must present a Guid valid for `work_no`; the admin reads any.
    fn authorize_reader(&mut self, work_no: WorkNo, reader: &EventReader, now: Timestamp) -> Result<(), Refusal> {
        if let EventReader::Agent { guid } = reader {
            let node = self.shared.settings.node;
            self.center.authorize(work_no, Some(guid), false, now, || make_guid(node))?;
        }
        Ok(())
    }

    fn act(
        &mut self,
        work_no: WorkNo,
        guid: Option<&str>,
        action: AgentAction,
        now: Timestamp,
    ) -> Result<Reply, Refusal> {
        // A push session's poll is refused: it must not rotate a Guid it never hands out.
        let refused_poll = action == AgentAction::Poll && self.pushed.contains(&work_no);
        let may_rotate = matches!(action, AgentAction::Poll | AgentAction::Handshake) && !refused_poll;
        let node = self.shared.settings.node;
        let authorized = self.center.authorize(work_no, guid, may_rotate, now, || make_guid(node));
        let hand_out = match authorized {
            Ok(hand_out) => hand_out,
            Err(refusal) => return self.retired_poll(guid, &action, now).ok_or(refusal),
        };
        if action != AgentAction::Poll {
            self.center.spend_request(work_no, now)?;
        }
        match action {
            AgentAction::Poll => {
                if self.pushed.contains(&work_no) {
                    return Err(Refusal::PushModePolling);
                }
                let session = self.sessions.get(&work_no).cloned().ok_or(Refusal::NotSignedIn)?;
                Ok(Reply::Poll { session, hand_out })
            }
            AgentAction::Handshake => Ok(Reply::Guid(hand_out)),
            AgentAction::UpdateGuid => {
                let guid = self.fresh_guid();
                self.center.replace_guid(work_no, guid.clone(), now)?;
                Ok(Reply::Guid(Some(guid)))
            }
            AgentAction::Status => {
                let agent = self.center.agent(work_no).ok_or(Refusal::NotSignedIn)?;
                let state = agent.state();
                Ok(Reply::Status {
                    state_code: state_code::agent_state_code(state, agent.pending()),
                    in_call: state.call().is_some(),
                })
            }
        }
    }

    /// Every domain command goes through here: Guid check, the center applies it, the
    /// runtime carries out its effects.
    fn command(
        &mut self,
        work_no: WorkNo,
        guid: Option<&str>,
        command: Command,
        now: Timestamp,
    ) -> Result<Reply, Refusal> {
        let node = self.shared.settings.node;
        self.center.authorize(work_no, guid, false, now, || make_guid(node))?;
        let signs_out = matches!(command, Command::Logout | Command::ForceLogout { .. });
        // Signing out is never refused for going too fast: it ends the spending.
        if !signs_out {
            self.center.spend_request(work_no, now)?;
        }
        let switch = &self.shared.switch;
        if let Command::BindPhone(phone) = &command
            && !switch.admits_phone(phone)
        {
            return Err(Refusal::PhoneNotRegistered(phone.to_string()));
        }
        let (outcome, fx) = self.center.apply(work_no, command, now, &mut || switch.next_call_id())?;
        if signs_out {
            tracing::info!(%work_no, "agent signed out");
        }
        if let Outcome::Placed(id) = &outcome {
            tracing::info!(%work_no, call_id = %id, "agent placed a call");
        }
        self.apply(fx, now);
        Ok(Reply::Outcome(outcome))
    }

    /// A poll with the Guid of an ended session may still collect that session's last events.
    fn retired_poll(&mut self, guid: Option<&str>, action: &AgentAction, now: Timestamp) -> Option<Reply> {
        if *action != AgentAction::Poll {
            return None;
        }
        let retired = self.retired.get(guid?)?;
        (!retired.pushed && retired.until > now && retired.session.has_pending())
            .then(|| Reply::Poll { session: retired.session.clone(), hand_out: None })
    }

    fn on_report(&mut self, report: TelephonyReport) {
        let now = self.shared.clock.now();
        let fx = match report {
            TelephonyReport::Incoming(call) => {
                tracing::info!(call_id = %call.id, skill = %call.skill, "call queued");
                self.center.call_arrived(call, now)
            }
            TelephonyReport::Inbound(call) => {
                tracing::info!(call_id = %call.id, "call dialled in");
                self.center.call_dialled(call, now)
            }
            TelephonyReport::CustomerHungUp(call) => self.center.customer_hung_up(&call, now),
            TelephonyReport::PhoneAlerting { call, agent } => {
                self.center.phone_leg(&call, agent, PhoneReport::Alerting, now)
            }
            TelephonyReport::PhoneOffHook { call, agent } => {
                self.center.phone_leg(&call, agent, PhoneReport::Answered, now)
            }
            TelephonyReport::PhoneFailed { call, agent, cause } => {
                tracing::info!(call_id = %call, work_no = %agent, cause = cause.name(), "agent phone failed");
                self.center.phone_leg(&call, agent, PhoneReport::Failed(cause), now)
            }
            TelephonyReport::PhoneHungUp { call, agent } => {
                self.center.phone_leg(&call, agent, PhoneReport::HungUp, now)
            }
            TelephonyReport::FarEndAlerting { call, number } => self.center.far_end_alerting(&call, &number, now),
            TelephonyReport::FarEndAnswered { call, number } => self.center.far_end_answered(&call, &number, now),
            TelephonyReport::FarEndFailed { call, number, cause } => {
                self.center.far_end_failed(&call, &number, cause, now)
            }
            TelephonyReport::FarEndHungUp { call, number } => self.center.far_end_hung_up(&call, &number, now),
            TelephonyReport::IvrReturned(call) => self.center.ivr_returned(&call, now),
            TelephonyReport::IvrReleased(call) => self.center.ivr_released(&call, now),
        };
        self.apply(fx, now);
    }

    /// Applies every report waiting in the channel; how many. Called after each step, so
    /// that what a switch reports at once (a phone answering its `Alert`) is applied
    /// before the reply and before any other request: clients see an offer whole, in
    /// the order a switch without leg reports would give it.
    fn apply_reports(&mut self, reports: &mut mpsc::UnboundedReceiver<TelephonyReport>) -> usize {
        let mut applied = 0;
        while let Ok(report) = reports.try_recv() {
            self.on_report(report);
            self.assert_consistent();
            applied += 1;
        }
        applied
    }

    /// Fires the timers due by now; how many fired.
    fn fire_due(&mut self) -> usize {
        let now = self.shared.clock.now();
        let mut fired = 0;
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let timer = entry.remove();
            let fx = self.center.fire(timer, now);
            self.apply(fx, now);
            fired += 1;
        }
        fired
    }

    /// Everything due at the clock's now happens before this returns: the switch fires
    /// its due items, their reports (and any sent earlier) are applied, due timers fire,
    /// and again, until a round changes nothing. Each round's actions may schedule more
    /// for now (a far end that answers at once), hence the loop. Returns how many things
    /// happened: the switch's items may have been for other VDNs, so the registry
    /// settles them all until none has anything left.
    fn settle(&mut self, reports: &mut mpsc::UnboundedReceiver<TelephonyReport>) -> usize {
        let mut total = 0;
        loop {
            let now = self.shared.clock.now();
            let mut changed = self.shared.switch.fire_due(now);
            changed += self.apply_reports(reports);
            changed += self.fire_due();
            if changed == 0 {
                return total;
            }
            total += changed;
        }
    }

    fn apply(&mut self, fx: Effects, now: Timestamp) {
        // Sign-ins whose full event log dropped an event they had not taken.
        let mut fell_behind = Vec::new();
        for effect in fx {
            match effect {
                Effect::SessionStarted { work_no, .. } => {
                    self.audit_session(work_no, "signed-in", now);
                    let session = self.shared.book.log(work_no).start_session();
                    self.sessions.insert(work_no, session);
                    self.tell_monitors(work_no, "QC_AgentState_Login", now, &mut fell_behind);
                }
                Effect::Event { work_no, event } => {
                    self.audit_state_change(work_no, &event, now);
                    let subtype = ccgw_core::qc_subtype(&event);
                    if self.shared.book.append(work_no, event, now) {
                        fell_behind.push(work_no);
                    }
                    if let Some(subtype) = subtype {
                        self.tell_monitors(work_no, subtype, now, &mut fell_behind);
                    }
                }
                Effect::SessionEnded { work_no, guids, .. } => {
                    self.audit_session(work_no, "signed-out", now);
                    self.retire(work_no, guids, now);
                    self.tell_monitors(work_no, "QC_AgentState_Logout", now, &mut fell_behind);
                }
                Effect::Switch(action) => {
                    // Claimed first: the switch may report on the call before `execute` returns.
                    if let Some(call) = action.call() {
                        self.shared.owners.claim(call, self.vdn);
                    }
                    self.shared.switch.execute(action);
                }
                Effect::Timer { at, timer } => {
                    self.timer_counter += 1;
                    self.timers.insert((at, self.timer_counter), timer);
                }
                Effect::CallStarted(start) => self.shared.recorder.started(*start),
                Effect::CallEnded(end) => {
                    tracing::info!(call_id = %end.call.id, outcome = end.outcome.code(), "call ended");
                    self.shared.owners.release(&end.call.id);
                    *self.calls_ended.entry(end.outcome.code()).or_default() += 1;
                    self.shared.recorder.record(*end);
                }
            }
        }
        // Never a silent gap: a sign-in that lost events is ended (its client hears
        // `AgentOther_ShutdownService` and signs in afresh, as after a liveness sign-out).
        for work_no in fell_behind {
            if let Ok(fx) = self.center.sign_out(work_no, SignOut::Unreachable, now) {
                tracing::warn!(%work_no, "the agent's client fell behind its full event log; signed out");
                self.apply(fx, now);
            }
        }
    }

    /// `QC_AgentState_Notify` to each inspector monitoring `agent` (spec 06 §3).
    fn tell_monitors(&self, agent: WorkNo, subtype: &'static str, now: Timestamp, fell_behind: &mut Vec<WorkNo>) {
        if !self.center.anyone_monitored() {
            return;
        }
        for inspector in self.center.monitors_of(agent) {
            let event = ccgw_core::AgentEvent::QcAgentStateNotify { agent, subtype };
            if self.shared.book.append(inspector, event, now) {
                fell_behind.push(inspector);
            }
        }
    }

    /// State changes go to the audit trail as the agent is told of them.
    fn audit_state_change(&self, work_no: WorkNo, event: &AgentEvent, now: Timestamp) {
        let action = event_code::event_type(event);
        if action.starts_with("AgentState_") {
            self.audit_state(work_no, action, format!("{event:?}"), now);
        }
    }

    /// Every sign-in and sign-out, however it came (a sign-out may send no event).
    fn audit_session(&self, work_no: WorkNo, action: &'static str, now: Timestamp) {
        self.audit_state(work_no, action, String::new(), now);
    }

    fn audit_state(&self, work_no: WorkNo, action: &str, detail: String, now: Timestamp) {
        self.shared.audit.audit(AuditEntry {
            at: now,
            kind: AuditKind::State,
            actor: "gateway",
            agent: Some(work_no),
            client: None,
            action: action.to_owned(),
            detail,
            result: String::new(),
        });
    }

    fn retire(&mut self, work_no: WorkNo, guids: Vec<Guid>, now: Timestamp) {
        self.retired.retain(|_, retired| retired.until > now);
        let Some(session) = self.sessions.remove(&work_no) else { return };
        let pushed = self.pushed.remove(&work_no);
        let until = now.plus(self.shared.settings.center.auth.guid_ttl);
        session.end(until);
        for guid in guids {
            self.retired.insert(guid.as_str().to_owned(), Retired { session: session.clone(), until, pushed });
        }
    }

    /// Once a minute: drops retired sessions past their Guids' lifetime, and lets the
    /// log book trim the logs.
    fn sweep_event_logs(&mut self) {
        let now = self.shared.clock.now();
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now.plus(SWEEP_EVERY);
        self.retired.retain(|_, retired| retired.until > now);
        self.shared.book.sweep(now);
    }

    fn fresh_guid(&self) -> Guid {
        make_guid(self.shared.settings.node)
    }
}

/// `<random uuid>.AgentGateway<node>`: no `=`, `:` or line break (spec 08 C2).
fn make_guid(node: u32) -> Guid {
    Guid::new(format!("{}.AgentGateway{node}", uuid::Uuid::new_v4()))
}
