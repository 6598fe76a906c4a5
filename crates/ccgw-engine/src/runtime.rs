//! The engine task: the single owner of the center. Requests from handlers, reports
//! from the switch and due timers are applied one at a time, in arrival order; their
//! effects are carried out here (events into mailboxes, actions to the switch, timers).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ccgw_core::catalog::state_code;
use ccgw_core::{Center, Effect, Effects, Guid, Refusal, Seq, SignIn, SignOut, SkillProfile, Timer, Timestamp, WorkNo};
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::handle::{AgentAction, Envelope, Reply, Request, SignedIn};
use crate::mailbox::{Delivered, Mailbox};
use crate::recorder::CallRecorder;
use crate::settings::EngineSettings;
use crate::switch::{Switch, TelephonyReport};

/// A session that ended but whose Guid a client may still present, to collect the
/// events it had not fetched yet (e.g. `AgentOther_ShutdownService` after a takeover).
struct Retired {
    mailbox: Arc<Mailbox>,
    until: Timestamp,
}

pub(crate) struct Runtime {
    settings: EngineSettings,
    center: Center,
    clock: Arc<dyn Clock>,
    switch: Arc<dyn Switch>,
    recorder: Arc<dyn CallRecorder>,
    mailboxes: HashMap<WorkNo, Arc<Mailbox>>,
    retired: HashMap<String, Retired>,
    sequences: HashMap<WorkNo, u64>,
    timers: BTreeMap<(Timestamp, u64), Timer>,
    timer_counter: u64,
}

impl Runtime {
    pub(crate) fn new(
        settings: EngineSettings,
        clock: Arc<dyn Clock>,
        switch: Arc<dyn Switch>,
        skills: Vec<SkillProfile>,
        recorder: Arc<dyn CallRecorder>,
    ) -> Self {
        let mut center = Center::new(settings.center.clone());
        center.configure_skills(skills);
        center.configure_ivr_flows(settings.ivr_flows.clone());
        Self {
            center,
            settings,
            clock,
            switch,
            recorder,
            mailboxes: HashMap::new(),
            retired: HashMap::new(),
            sequences: HashMap::new(),
            timers: BTreeMap::new(),
            timer_counter: 0,
        }
    }

    pub(crate) async fn run(
        mut self,
        mut requests: mpsc::Receiver<Envelope>,
        mut reports: mpsc::UnboundedReceiver<TelephonyReport>,
    ) {
        loop {
            let next_timer = self.timers.first_key_value().map(|((at, _), _)| *at);
            let sleep = next_timer.map(|at| self.clock.sleep_until(at));
            tokio::select! {
                biased;
                envelope = requests.recv() => match envelope {
                    Some(Envelope { request: Request::Shutdown, reply }) => {
                        let now = self.clock.now();
                        let fx = self.center.shut_down(now);
                        self.apply(fx, now);
                        let _ = reply.send(Ok(Reply::Done));
                        break;
                    }
                    Some(envelope) => {
                        let outcome = self.handle(envelope.request);
                        // The handler may have given up (client disconnected); nothing to do then.
                        let _ = envelope.reply.send(outcome);
                    }
                    None => break,
                },
                Some(report) = reports.recv() => self.on_report(report),
                () = async { match sleep { Some(sleep) => sleep.await, None => std::future::pending().await } } => self.fire_due(),
            }
            self.assert_consistent();
        }
        tracing::info!("engine stopped");
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
        let now = self.clock.now();
        match request {
            Request::SignIn(request) => {
                let guid = self.fresh_guid();
                let work_no = request.profile.work_no;
                let fx = self.center.sign_in(
                    SignIn {
                        profile: request.profile,
                        phone: request.phone,
                        auto_answer: request.auto_answer,
                        auto_enter_idle: request.auto_enter_idle,
                        initial: request.initial,
                        force: request.force,
                        guid: guid.clone(),
                    },
                    now,
                )?;
                tracing::info!(%work_no, force = request.force, "agent signed in");
                self.apply(fx, now);
                Ok(Reply::SignedIn(SignedIn { guid, login_time: now }))
            }
            Request::Act { work_no, guid, action } => self.act(work_no, guid.as_deref(), action, now),
            Request::Query { work_no, guid, query } => {
                self.center.authorize(work_no, guid.as_deref(), false, now, || make_guid(self.settings.node))?;
                query(&self.center, now);
                Ok(Reply::Done)
            }
            Request::Inspect(query) => {
                query(&self.center, now);
                Ok(Reply::Done)
            }
            Request::ConfigureSkills(skills) => {
                self.center.configure_skills(skills);
                Ok(Reply::Done)
            }
            Request::ConfigureRouting(routing) => {
                self.center.configure_routing(routing);
                Ok(Reply::Done)
            }
            // Taken by the run loop before it gets here.
            Request::Shutdown => Ok(Reply::Done),
        }
    }

    fn act(
        &mut self,
        work_no: WorkNo,
        guid: Option<&str>,
        action: AgentAction,
        now: Timestamp,
    ) -> Result<Reply, Refusal> {
        let may_rotate = matches!(action, AgentAction::Poll | AgentAction::Handshake);
        let node = self.settings.node;
        let authorized = self.center.authorize(work_no, guid, may_rotate, now, || make_guid(node));
        let hand_out = match authorized {
            Ok(hand_out) => hand_out,
            Err(refusal) => return self.retired_poll(guid, &action, now).ok_or(refusal),
        };
        match action {
            AgentAction::Poll => {
                let mailbox = self.mailboxes.get(&work_no).cloned().ok_or(Refusal::NotSignedIn)?;
                Ok(Reply::Poll { mailbox, hand_out })
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
            AgentAction::Logout => self.sign_out(work_no, SignOut::Logout, now),
            AgentAction::ForceLogout { reason } => {
                self.sign_out(work_no, SignOut::Forced { reason: reason.unwrap_or(0) }, now)
            }
            AgentAction::Answer { call } => {
                let fx = self.center.answer(work_no, call.as_ref(), now);
                self.applied(fx, now)
            }
            AgentAction::Release => {
                let fx = self.center.release(work_no, now);
                self.applied(fx, now)
            }
            AgentAction::State(command) => {
                let fx = self.center.change_state(work_no, command, now);
                self.applied(fx, now)
            }
            AgentAction::AutoAnswer(on) => self.center.set_auto_answer(work_no, on).map(|()| Reply::Done),
            AgentAction::AutoEnterIdle(on) => self.center.set_auto_enter_idle(work_no, on).map(|()| Reply::Done),
            AgentAction::TalkRight(on) => {
                let fx = self.center.set_talk_right(work_no, on, now);
                self.applied(fx, now)
            }
            AgentAction::ResetSkills(skills) => {
                let fx = self.center.reset_skills(work_no, skills, now);
                self.applied(fx, now)
            }
            AgentAction::SendNote { to, content } => {
                let vdn = self.center.agent(work_no).ok_or(Refusal::NotSignedIn)?.profile().vdn;
                let (fx, delivery) = self.center.send_note(vdn, Some(work_no), &to, &content, now);
                self.apply(fx, now);
                Ok(Reply::Delivery(delivery))
            }
            AgentAction::Bulletin { target, content } => {
                let vdn = self.center.agent(work_no).ok_or(Refusal::NotSignedIn)?.profile().vdn;
                let (fx, delivery) = self.center.send_bulletin(vdn, work_no, target, &content, now);
                self.apply(fx, now);
                Ok(Reply::Delivery(delivery))
            }
            AgentAction::TakeNotes => self.center.take_notes(work_no).map(Reply::Notes),
            AgentAction::PlaceCall(request) => {
                let id = self.switch.next_call_id();
                let fx = self.center.place_call(work_no, id.clone(), request, now)?;
                tracing::info!(%work_no, call_id = %id, "agent placed a call");
                self.apply(fx, now);
                Ok(Reply::Placed(id))
            }
            AgentAction::Hold => {
                let fx = self.center.hold(work_no, now);
                self.applied(fx, now)
            }
            AgentAction::Retrieve { call } => {
                let fx = self.center.retrieve(work_no, call.as_ref(), now);
                self.applied(fx, now)
            }
            AgentAction::Mute(on) => {
                let fx = self.center.mute(work_no, on, now);
                self.applied(fx, now)
            }
            AgentAction::Digits(digits) => {
                let fx = self.center.send_digits(work_no, &digits, now);
                self.applied(fx, now)
            }
            AgentAction::DropCall(call) => {
                let fx = self.center.drop_call(work_no, &call, now);
                self.applied(fx, now)
            }
            AgentAction::PhonePickup => {
                let fx = self.center.phone_pickup(work_no, now);
                self.applied(fx, now)
            }
            AgentAction::ReleasePhone => {
                let fx = self.center.release_phone(work_no, now);
                self.applied(fx, now)
            }
            AgentAction::Consult(request) => {
                let id = self.switch.next_call_id();
                let fx = self.center.consult(work_no, id.clone(), request, now)?;
                tracing::info!(%work_no, call_id = %id, "agent asked for help");
                self.apply(fx, now);
                Ok(Reply::Placed(id))
            }
            AgentAction::Conference(call) => {
                let fx = self.center.conference(work_no, &call, now);
                self.applied(fx, now)
            }
            AgentAction::ConnectHeld(call) => {
                let fx = self.center.connect_held(work_no, &call, now);
                self.applied(fx, now)
            }
            AgentAction::Disconnect(number) => {
                let fx = self.center.disconnect(work_no, &number, now);
                self.applied(fx, now)
            }
            AgentAction::Transfer(request) => {
                let fx = self.center.transfer(work_no, self.switch.next_call_id(), request, now);
                self.applied(fx, now)
            }
            AgentAction::CancelTransfer => {
                let fx = self.center.cancel_transfer(work_no, now);
                self.applied(fx, now)
            }
            AgentAction::SnatchPickup(target) => {
                let fx = self.center.snatch_pickup(work_no, target, now)?;
                tracing::info!(%work_no, from = %target, "agent picked up a ringing call");
                self.apply(fx, now);
                Ok(Reply::Done)
            }
            AgentAction::RequestCall { call, queue } => {
                let fx = self.center.request_call(work_no, &call, queue, now)?;
                tracing::info!(%work_no, call_id = %call, "agent asked for a waiting call");
                self.apply(fx, now);
                Ok(Reply::Done)
            }
            AgentAction::ConferenceDigits(digits) => {
                let fx = self.center.conference_digits(work_no, digits.as_deref(), now);
                self.applied(fx, now)
            }
            AgentAction::SetCallData { call, field, value } => {
                self.center.set_call_data(work_no, call.as_ref(), field, value).map(|()| Reply::Done)
            }
        }
    }

    /// Carries out the effects of an accepted command.
    fn applied(&mut self, fx: Result<Effects, Refusal>, now: Timestamp) -> Result<Reply, Refusal> {
        self.apply(fx?, now);
        Ok(Reply::Done)
    }

    fn sign_out(&mut self, work_no: WorkNo, how: SignOut, now: Timestamp) -> Result<Reply, Refusal> {
        let fx = self.center.sign_out(work_no, how, now)?;
        tracing::info!(%work_no, ?how, "agent signed out");
        self.apply(fx, now);
        Ok(Reply::Done)
    }

    /// A poll with the Guid of an ended session may still collect that session's last events.
    fn retired_poll(&mut self, guid: Option<&str>, action: &AgentAction, now: Timestamp) -> Option<Reply> {
        if *action != AgentAction::Poll {
            return None;
        }
        let retired = self.retired.get(guid?)?;
        (retired.until > now && !retired.mailbox.is_empty())
            .then(|| Reply::Poll { mailbox: retired.mailbox.clone(), hand_out: None })
    }

    fn on_report(&mut self, report: TelephonyReport) {
        let now = self.clock.now();
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
            TelephonyReport::PhoneOffHook { call, agent } => self.center.phone_off_hook(&call, agent, now),
            TelephonyReport::PhoneFailed { call, agent } => self.center.phone_failed(&call, agent, now),
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

    fn fire_due(&mut self) {
        let now = self.clock.now();
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let timer = entry.remove();
            let fx = self.center.fire(timer, now);
            self.apply(fx, now);
        }
    }

    fn apply(&mut self, fx: Effects, now: Timestamp) {
        for effect in fx {
            match effect {
                Effect::SessionStarted { work_no, .. } => {
                    let mailbox = Arc::new(Mailbox::new(self.settings.mailbox_capacity));
                    self.mailboxes.insert(work_no, mailbox);
                }
                Effect::Event { work_no, event } => {
                    let counter = self.sequences.entry(work_no).or_insert(0);
                    *counter += 1;
                    let delivered = Delivered { seq: Seq(*counter), work_no, at: now, event };
                    match self.mailboxes.get(&work_no) {
                        Some(mailbox) => mailbox.push(delivered),
                        None => tracing::error!(%work_no, "event for an agent without a mailbox"),
                    }
                }
                Effect::SessionEnded { work_no, guids, .. } => self.retire(work_no, guids, now),
                Effect::Switch(action) => self.switch.execute(action),
                Effect::Timer { at, timer } => {
                    self.timer_counter += 1;
                    self.timers.insert((at, self.timer_counter), timer);
                }
                Effect::CallEnded(end) => {
                    tracing::info!(call_id = %end.call.id, outcome = end.outcome.code(), "call ended");
                    self.recorder.record(*end);
                }
            }
        }
    }

    fn retire(&mut self, work_no: WorkNo, guids: Vec<Guid>, now: Timestamp) {
        self.retired.retain(|_, retired| retired.until > now);
        let Some(mailbox) = self.mailboxes.remove(&work_no) else { return };
        mailbox.close();
        let until = now.plus(self.settings.center.auth.guid_ttl);
        for guid in guids {
            self.retired.insert(guid.as_str().to_owned(), Retired { mailbox: mailbox.clone(), until });
        }
    }

    fn fresh_guid(&self) -> Guid {
        make_guid(self.settings.node)
    }
}

/// `<random uuid>.AgentGateway<node>`: no `=`, `:` or line break (spec 08 C2).
fn make_guid(node: u32) -> Guid {
    Guid::new(format!("{}.AgentGateway{node}", uuid::Uuid::new_v4()))
}
