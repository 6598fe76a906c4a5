//! Random interleavings of call control: agents answering, holding, placing calls,
//! consulting, joining, transferring (to IVR flows too), picking up and requesting
//! calls, writing call data and hanging up, while customers, far ends and IVR flows
//! answer, fail, return calls and hang up whenever they like. After every step every
//! invariant holds; every call ends exactly once, and the calls still live at the end
//! end at shutdown.

use std::collections::HashSet;

use super::*;
use crate::call::CallState;
use crate::call::Leg;
use crate::center::{
    CallDataField, CallRequest, Callee, ConsultRequest, DialFailure, QcCommand, QcMode, QueueChoice, TransferMode,
    TransferRequest, TransferTarget,
};
use crate::ivr::{IvrEnd, IvrFlow, IvrId};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.next(items.len() as u64) as usize].clone())
    }
}

const AGENTS: u64 = 5;

fn numbers() -> [&'static str; 3] {
    ["5550001", "5550002", "5550003"]
}

/// Numbers being dialled anywhere in the center.
fn dialled(c: &Center) -> Vec<(CallId, String)> {
    let mut found: Vec<(CallId, String)> = c
        .calls()
        .flat_map(|call| {
            call.parties().iter().filter_map(|p| match &p.party {
                Party::Number(number) if matches!(p.leg, Leg::Setup | Leg::Alerting) => {
                    Some((call.id().clone(), number.clone()))
                }
                _ => None,
            })
        })
        .collect();
    found.sort();
    found
}

/// Agents whose own phone is going off-hook for a call they place.
fn phones_setting_up(c: &Center) -> Vec<(CallId, WorkNo)> {
    let mut found: Vec<(CallId, WorkNo)> = c
        .calls()
        .filter_map(|call| {
            let placer = call.placed_by()?;
            (call.agent_leg(placer) == Some(Leg::Setup)).then(|| (call.id().clone(), placer))
        })
        .collect();
    found.sort();
    found
}

fn numbers_in_calls(c: &Center) -> Vec<(CallId, String)> {
    let mut found: Vec<(CallId, String)> = c
        .calls()
        .flat_map(|call| {
            call.parties().iter().filter_map(|p| match &p.party {
                Party::Number(number) if p.leg == Leg::Connected => Some((call.id().clone(), number.clone())),
                _ => None,
            })
        })
        .collect();
    found.sort();
    found
}

/// Agents with a call ringing, the ones a pickup can take a call from.
fn ringing_agents(c: &Center) -> Vec<WorkNo> {
    let mut found: Vec<WorkNo> =
        c.agents().filter(|a| matches!(a.state(), AgentState::Ringing { .. })).map(Agent::work_no).collect();
    found.sort();
    found
}

fn queued_calls(c: &Center) -> Vec<CallId> {
    let mut found: Vec<CallId> =
        c.calls().filter(|call| *call.state() == CallState::Queued).map(|call| call.id().clone()).collect();
    found.sort();
    found
}

/// Two IVR flows of VDN 1; the test decides when each call leaves its flow, and how.
fn ivr_flows() -> Vec<IvrFlow> {
    ["4001", "4002"]
        .into_iter()
        .zip(1..)
        .map(|(code, id)| IvrFlow {
            vdn: vdn(),
            id: IvrId::new(id).unwrap(),
            name: format!("Flow {id}"),
            access_code: code.into(),
            hold: Duration::from_secs(5),
            end: IvrEnd::Return,
        })
        .collect()
}

fn calls_in_flows(c: &Center) -> Vec<CallId> {
    let mut found: Vec<CallId> = c.calls().filter(|call| call.ivr_flow().is_some()).map(|c| c.id().clone()).collect();
    found.sort();
    found
}

fn random_transfer(rng: &mut Lcg) -> TransferRequest {
    let number = TransferTarget::Number(numbers()[rng.next(3) as usize].into());
    // Mostly a configured flow; now and then an access code no flow has.
    let ivr = TransferTarget::Ivr(["4001", "4002", "4999"][rng.next(3) as usize].into());
    let (target, mode) = match rng.next(8) {
        7 => (ivr, [TransferMode::Blind, TransferMode::Suspend][rng.next(2) as usize]),
        0 => (TransferTarget::Skill(skill(1 + rng.next(3) as u32)), TransferMode::Blind),
        1 => (TransferTarget::Skill(skill(1 + rng.next(3) as u32)), TransferMode::Success),
        2 => (TransferTarget::Agent(work(101 + rng.next(AGENTS) as u32)), TransferMode::Blind),
        3 => (TransferTarget::Agent(work(101 + rng.next(AGENTS) as u32)), TransferMode::Success),
        4 => (number, TransferMode::Blind),
        5 => (number, TransferMode::Success),
        _ => (number, [TransferMode::Talk, TransferMode::ThreeParty][rng.next(2) as usize]),
    };
    TransferRequest { target, mode, caller: None, call_data: None }
}

#[test]
fn random_call_control_never_orphans_a_leg_and_ends_every_call_once() {
    let mut outcomes_seen = HashSet::new();
    let mut events_seen: HashSet<&'static str> = HashSet::new();
    let mut handed_over = 0;
    let (mut picked_up, mut requested) = (0, 0);
    let mut data_written = 0;
    let mut ended_by_ivr = 0;
    let mut supervision_seen = HashSet::new();
    for seed in 0..80 {
        let mut rng = Lcg(seed);
        let mut c = center_with(CenterSettings { wrap_up: Some(Duration::from_secs(3)), ..CenterSettings::default() });
        c.configure_ivr_flows(ivr_flows());
        // An inspector, busy so that no customer call reaches it, listens in on calls.
        let mut inspector = SignIn { initial: InitialState::Busy, ..sign_in(120, false) };
        inspector.profile.role = Role::Inspector;
        c.sign_in(inspector, at(0)).unwrap();
        let mut now = 0u64;
        let mut ids: Vec<CallId> = Vec::new();
        let mut next_placed = 0u64;
        let mut ended = HashSet::new();
        let mut pending_timers: Vec<(Timestamp, Timer)> = Vec::new();
        for step in 0..400 {
            now += rng.next(2_000);
            let agent = work(101 + rng.next(AGENTS) as u32);
            let t = at(now);
            let mut fresh = || {
                next_placed += 1;
                CallId::compose(1_700_000_100, next_placed)
            };
            let held = c.agent(agent).and_then(|a| a.held_calls().last().cloned());
            let (dialled, phones, in_flows) = (dialled(&c), phones_setting_up(&c), calls_in_flows(&c));
            let (ringing, queued) = (ringing_agents(&c), queued_calls(&c));
            let fx: Effects = match rng.next(30) {
                28 | 29 => {
                    let mode = [QcMode::Listen, QcMode::Insert, QcMode::Whisper][rng.next(3) as usize];
                    let command = match rng.next(6) {
                        0..=2 => QcCommand::Inspect { agent: Some(agent), mode },
                        3 => QcCommand::ChangeMode { agent: None, mode: Some(mode) },
                        4 => QcCommand::StopInspecting { agent: None, whisper_only: false },
                        _ => QcCommand::Intercept { agent, call: None },
                    };
                    let mut no_call = || CallId::compose(1, 1);
                    c.apply(work(120), Command::Supervise(command), t, &mut no_call)
                        .map(|(_, fx)| fx)
                        .unwrap_or_default()
                }
                0 | 1 => {
                    let id = CallId::compose(1_700_000_000, ids.len() as u64 + 1);
                    ids.push(id);
                    c.call_arrived(NewCall { skill: skill(1 + rng.next(3) as u32), ..call(ids.len() as u64) }, t)
                }
                2 => match rng.pick(&ids) {
                    Some(id) => c.customer_hung_up(&id, t),
                    None => Effects::new(),
                },
                3 => {
                    let mut request = SignIn { auto_answer: rng.next(3) == 0, ..sign_in(agent.get(), false) };
                    request.profile.skills = (1..=3)
                        .filter(|_| rng.next(2) == 0)
                        .map(|s| SkillGrant { skill: skill(s), level: SkillLevel::DEFAULT })
                        .collect();
                    c.sign_in(request, t).unwrap_or_default()
                }
                4 | 5 => c.answer(agent, None, t).unwrap_or_default(),
                6 => c.release(agent, t).unwrap_or_default(),
                7 => c.hold(agent, t).unwrap_or_default(),
                8 => c.retrieve(agent, None, t).unwrap_or_default(),
                9 => {
                    let callee = match rng.next(3) {
                        0 => Callee::Number(numbers()[rng.next(3) as usize].into()),
                        1 => Callee::Agent(work(101 + rng.next(AGENTS) as u32)),
                        _ => Callee::Skill(skill(1 + rng.next(3) as u32)),
                    };
                    let request = CallRequest { callee, caller: None, skill: None, call_data: String::new() };
                    c.place_call(agent, fresh(), request, t).unwrap_or_default()
                }
                10 => {
                    let helper = if rng.next(2) == 0 {
                        Callee::Agent(work(101 + rng.next(AGENTS) as u32))
                    } else {
                        Callee::Skill(skill(1 + rng.next(3) as u32))
                    };
                    let request = ConsultRequest { helper, three_party: rng.next(2) == 0, call_data: String::new() };
                    c.consult(agent, fresh(), request, t).unwrap_or_default()
                }
                11 => match held {
                    Some(held) if rng.next(2) == 0 => c.conference(agent, &held, t).unwrap_or_default(),
                    Some(held) => c.connect_held(agent, &held, t).unwrap_or_default(),
                    None => Effects::new(),
                },
                // Four arms of 28, so that transfers stay as frequent as before pickups joined.
                12 | 13 | 23 | 25 => c.transfer(agent, fresh(), random_transfer(&mut rng), t).unwrap_or_default(),
                14 => c.cancel_transfer(agent, t).unwrap_or_default(),
                15 => {
                    let number = match rng.next(3) {
                        0 => numbers()[rng.next(3) as usize].to_owned(),
                        1 => (101 + rng.next(AGENTS)).to_string(),
                        _ => "13800000000".to_owned(),
                    };
                    c.disconnect(agent, &number, t).unwrap_or_default()
                }
                16 => match c.agent(agent).and_then(|a| a.calls().next().cloned()) {
                    Some(call_id) => c.drop_call(agent, &call_id, t).unwrap_or_default(),
                    None => Effects::new(),
                },
                17 => match rng.pick(&dialled) {
                    Some((call_id, number)) => match rng.next(4) {
                        0 => c.far_end_alerting(&call_id, &number, t),
                        1 | 2 => c.far_end_answered(&call_id, &number, t),
                        _ => c.far_end_failed(&call_id, &number, DialFailure::ALL[rng.next(4) as usize], t),
                    },
                    None => Effects::new(),
                },
                18 => match rng.pick(&phones) {
                    Some((call_id, placer)) if rng.next(4) == 0 => c.phone_failed(&call_id, placer, t),
                    Some((call_id, placer)) => c.phone_off_hook(&call_id, placer, t),
                    None => Effects::new(),
                },
                19 => match rng.pick(&numbers_in_calls(&c)) {
                    Some((call_id, number)) => c.far_end_hung_up(&call_id, &number, t),
                    None => Effects::new(),
                },
                21 => {
                    let target = rng.pick(&ringing).unwrap_or_else(|| work(101 + rng.next(AGENTS) as u32));
                    let fx = c.snatch_pickup(agent, target, t).unwrap_or_default();
                    picked_up += usize::from(!fx.is_empty());
                    fx
                }
                22 => match rng.pick(&queued).or_else(|| rng.pick(&ids)) {
                    Some(call_id) => {
                        let queue = match rng.next(3) {
                            0 => QueueChoice::Any,
                            _ => QueueChoice::Skill(skill(1 + rng.next(3) as u32)),
                        };
                        let fx = c.request_call(agent, &call_id, queue, t).unwrap_or_default();
                        requested += usize::from(!fx.is_empty());
                        fx
                    }
                    None => Effects::new(),
                },
                24 => {
                    let wanted = match rng.next(3) {
                        0 => None,
                        1 => c.agent(agent).and_then(|a| a.calls().next().cloned()),
                        _ => rng.pick(&ids),
                    };
                    let field = [CallDataField::Associated, CallDataField::Business][rng.next(2) as usize];
                    let value = format!("data-{seed}-{step}");
                    match c.set_call_data(agent, wanted.as_ref(), field, value.clone()) {
                        Ok(()) => {
                            data_written += 1;
                            let call = c.call_at_agent(agent, wanted.as_ref()).expect("written on a call at the agent");
                            let written = match field {
                                CallDataField::Associated => call.info().call_data.as_str(),
                                CallDataField::Business => call.business_data(),
                            };
                            assert_eq!(written, value, "seed {seed} step {step}");
                        }
                        Err(refusal) => assert!(
                            matches!(refusal, Refusal::NotSignedIn | Refusal::NoCallForCallData),
                            "seed {seed} step {step}: {refusal:?}"
                        ),
                    }
                    Effects::new()
                }
                26 | 27 => match rng.pick(&in_flows) {
                    Some(call_id) if rng.next(3) == 0 => c.ivr_released(&call_id, t),
                    Some(call_id) => c.ivr_returned(&call_id, t),
                    None => Effects::new(),
                },
                20 if rng.next(4) == 0 => {
                    let how = [SignOut::Forced { reason: 1 }, SignOut::Silent][rng.next(2) as usize];
                    c.sign_out(agent, how, t).unwrap_or_default()
                }
                _ => {
                    pending_timers.sort_by_key(|(when, _)| *when);
                    let due: Vec<_> = pending_timers.iter().filter(|(when, _)| *when <= t).cloned().collect();
                    pending_timers.retain(|(when, _)| *when > t);
                    due.into_iter().flat_map(|(when, timer)| c.fire(timer, when.max(t))).collect()
                }
            };
            for effect in &fx {
                match effect {
                    Effect::Timer { at, timer } => pending_timers.push((*at, timer.clone())),
                    Effect::CallEnded(end) => {
                        assert!(ended.insert(end.call.id.clone()), "seed {seed}: {} ended twice", end.call.id);
                        outcomes_seen.insert(end.outcome.code());
                        if let CallOutcome::Answered { ended_by: EndedBy::Ivr, .. } = end.outcome {
                            ended_by_ivr += 1;
                        }
                        handed_over += usize::from(end.talked.len() > 1);
                        supervision_seen.extend(end.supervision.iter().map(|entry| entry.kind.name()));
                    }
                    Effect::Event { event, .. } => {
                        events_seen.insert(crate::catalog::event_code::event_type(event));
                    }
                    _ => {}
                }
            }
            if let Err(problem) = c.check_invariants() {
                panic!("seed {seed} step {step} at {now} ms: {problem}");
            }
            for agent in c.agents() {
                let stats = agent.statistics(t);
                let consistent = stats.transfers_received <= stats.answered
                    && stats.rests_overrun <= stats.rests
                    && stats.rest_overrun_time <= stats.rest_time;
                assert!(consistent, "seed {seed} step {step}: {} counts {stats:?}", agent.work_no());
            }
        }
        let all_ids = ids.len() as u64 + next_placed;
        let live: Vec<CallId> = c.calls().map(|call| call.id().clone()).collect();
        for effect in c.shut_down(at(now + 1)) {
            if let Effect::CallEnded(end) = effect {
                assert!(ended.insert(end.call.id.clone()), "seed {seed}: {} ended twice", end.call.id);
            }
        }
        assert!(live.iter().all(|id| ended.contains(id)), "seed {seed}: a live call did not end at shutdown");
        assert_eq!(c.calls().count(), 0);
        // Every id was either a call that ended, or a command refused before its call existed.
        assert!(ended.len() as u64 <= all_ids, "seed {seed}");
    }
    for code in ["answered", "abandoned-in-queue", "abandoned-ringing", "failed", "joined"] {
        assert!(outcomes_seen.contains(code), "no call ended {code}: {outcomes_seen:?}");
    }
    assert!(ended_by_ivr > 0, "no flow released a customer");
    for kind in ["listen", "insert", "whisper", "intercept"] {
        assert!(supervision_seen.contains(kind), "no {kind} recorded: {supervision_seen:?}");
    }
    // The walk must reach the call-control paths, or it proves little.
    for name in [
        "AgentEvent_Conference",
        "AgentEvent_SuccTransResult",
        "AgentEvent_Consult_Fail",
        "AgentEvent_Connect_Fail",
        "AgentEvent_Hold",
        "OUTBOUND_DETECT_EVENT",
        "AgentEvent_ReturnFromIvr",
        "AgentOther_BeQcStart",
        "AgentOther_BeQcStop",
    ] {
        assert!(events_seen.contains(name), "no {name}: {events_seen:?}");
    }
    assert!(handed_over > 20, "only {handed_over} calls passed between agents");
    assert!(picked_up > 20, "only {picked_up} pickups took a call");
    assert!(requested > 20, "only {requested} requested calls were offered");
    assert!(data_written > 100, "call data written only {data_written} times");
}
