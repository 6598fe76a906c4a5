//! Random interleavings of agents' commands, arriving calls, hang-ups, sign-outs, skill
//! changes and timers, with every invariant checked after every step.

use std::collections::HashSet;

use super::*;
use crate::catalog::state_code;
use crate::center::{QcCommand, QcMode};
use crate::directory::{Overflow, QueueLimits};

/// A small deterministic generator so the randomized test needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

fn limited_skills() -> Vec<SkillProfile> {
    let mut all = skills();
    all[1].limits = QueueLimits {
        max_waiting: Some(3),
        max_wait: Some(Duration::from_secs(20)),
        overflow: Some(Overflow::Skill(skill(1))),
        refuse_when_unstaffed: false,
    };
    all[0].limits.max_wait = Some(Duration::from_secs(60));
    all[2].limits.refuse_when_unstaffed = true;
    all[2].policy = crate::directory::RoutingPolicy::RoundRobin;
    all
}

fn random_command(rng: &mut Lcg) -> StateCommand {
    match rng.next(7) {
        0 => StateCommand::SayBusy { reason: [0, 200, 250][rng.next(3) as usize], prolong: rng.next(2) == 0 },
        1 => StateCommand::CancelBusy,
        2 => StateCommand::SayFree,
        3 => StateCommand::Rest {
            length: Duration::from_millis(1 + rng.next(30_000)),
            cause: rng.next(4) as u8,
            prolong: rng.next(2) == 0,
        },
        4 => StateCommand::CancelRest,
        5 => StateCommand::Work,
        _ => StateCommand::CancelWork,
    }
}

fn random_grants(rng: &mut Lcg) -> Vec<SkillGrant> {
    let mut grants = Vec::new();
    for s in 1..=3 {
        if rng.next(2) == 0 {
            grants.push(SkillGrant { skill: skill(s), level: SkillLevel::new(1 + rng.next(10) as u8).unwrap() });
        }
    }
    grants
}

#[test]
fn random_interleavings_keep_every_invariant_and_end_every_call_once() {
    walk(PhoneLegs::Assumed);
}

/// The same walk with the agents' phones reported by the switch: each step may deliver
/// a report (alerting, off-hook, a failure, hang-up) for a phone the center rang.
#[test]
fn random_interleavings_with_reported_phone_legs_keep_every_invariant() {
    walk(PhoneLegs::Reported);
}

/// And with the phone's off-hook being the answer (the SIP switch).
#[test]
fn random_interleavings_with_phones_that_answer_keep_every_invariant() {
    walk(PhoneLegs::AnsweredAtPhone);
}

fn walk(phone_legs: PhoneLegs) {
    let mut outcomes_seen = HashSet::new();
    let mut supervision_seen = HashSet::new();
    for seed in 0..60 {
        let mut rng = Lcg(seed);
        let settings = CenterSettings {
            wrap_up: Some(Duration::from_secs(5)),
            all_busy_notice: true,
            phone_legs,
            ..CenterSettings::default()
        };
        let mut c = Center::new(settings);
        c.configure_skills(limited_skills());
        let mut now = 0u64;
        let mut placed = 0u64;
        let mut ended = HashSet::new();
        let mut pending_timers: Vec<(Timestamp, Timer)> = Vec::new();
        // Phones the center asked the switch to ring, not yet reported off-hook or failed.
        let mut rung: Vec<(CallId, WorkNo)> = Vec::new();
        for step in 0..500 {
            now += rng.next(3_000);
            let agent = 101 + rng.next(6) as u32;
            let fx = match rng.next(16) {
                0 | 1 => {
                    placed += 1;
                    let to = 1 + rng.next(3) as u32;
                    let priority = [0, 0, 1, 5][rng.next(4) as usize];
                    c.call_arrived(NewCall { skill: skill(to), priority, ..call(placed) }, at(now))
                }
                2 if placed > 0 => c.customer_hung_up(&CallId::compose(1_700_000_000, 1 + rng.next(placed)), at(now)),
                3 => {
                    let mut request = SignIn {
                        force: rng.next(2) == 0,
                        auto_answer: rng.next(3) == 0,
                        auto_enter_idle: rng.next(2) == 0,
                        initial: [InitialState::Idle, InitialState::Busy, InitialState::Work][rng.next(3) as usize],
                        ..sign_in(agent, false)
                    };
                    request.profile.skills = random_grants(&mut rng);
                    // 106 supervises (and takes calls, as an inspector may).
                    if agent == 106 {
                        request.profile.role = Role::Inspector;
                    }
                    c.sign_in(request, at(now)).unwrap_or_default()
                }
                4 => c.answer(work(agent), None, at(now)).unwrap_or_default(),
                5 => c.release(work(agent), at(now)).unwrap_or_default(),
                6 => {
                    let how = [SignOut::Logout, SignOut::Forced { reason: 1 }, SignOut::Silent][rng.next(3) as usize];
                    c.sign_out(work(agent), how, at(now)).unwrap_or_default()
                }
                7 | 8 => c.change_state(work(agent), random_command(&mut rng), at(now)).unwrap_or_default(),
                9 => c.set_talk_right(work(agent), rng.next(3) != 0, at(now)).unwrap_or_default(),
                10 => {
                    let grants = random_grants(&mut rng);
                    c.reset_skills(work(agent), grants, at(now)).unwrap_or_default()
                }
                11 if step % 50 == 0 => {
                    // A directory edit under load: limits swap on and off.
                    let mut all = if rng.next(2) == 0 { limited_skills() } else { skills() };
                    all.retain(|_| rng.next(8) != 0);
                    c.configure_skills(all);
                    Effects::new()
                }
                12 if phone_legs.reported() && !rung.is_empty() => {
                    let (call_id, work_no) = rung.swap_remove(rng.next(rung.len() as u64) as usize);
                    let report = match rng.next(5) {
                        0 => PhoneReport::Alerting,
                        1 | 2 => PhoneReport::Answered,
                        3 => PhoneReport::Failed(PhoneFailure::ALL[rng.next(4) as usize]),
                        _ => PhoneReport::HungUp,
                    };
                    if matches!(report, PhoneReport::Alerting | PhoneReport::HungUp) {
                        rung.push((call_id.clone(), work_no));
                    }
                    c.phone_leg(&call_id, work_no, report, at(now))
                }
                13 | 14 => {
                    // Mostly the agent 106 inspects now, so that switches and intercepts happen.
                    let now_inspected = c
                        .agent(work(106))
                        .and_then(|a| match a.state() {
                            AgentState::Inspecting { call } => c.call(call)?.inspection.as_ref().map(|i| i.agent),
                            _ => None,
                        })
                        .filter(|_| rng.next(4) != 0);
                    let inspected = now_inspected.or(Some(work(101 + rng.next(5) as u32)));
                    let mode = [QcMode::Listen, QcMode::Insert, QcMode::Whisper][rng.next(3) as usize];
                    let command = match rng.next(5) {
                        0 | 1 => QcCommand::Inspect { agent: inspected, mode },
                        2 => QcCommand::ChangeMode { agent: None, mode: (rng.next(2) == 0).then_some(mode) },
                        3 => QcCommand::StopInspecting { agent: None, whisper_only: false },
                        _ => QcCommand::Intercept { agent: inspected.unwrap_or(work(101)), call: None },
                    };
                    let command = match command {
                        QcCommand::Inspect { .. } if now_inspected.is_some() && rng.next(2) == 0 => {
                            QcCommand::Intercept { agent: inspected.unwrap_or(work(101)), call: None }
                        }
                        other => other,
                    };
                    c.apply(work(106), Command::Supervise(command), at(now), &mut || CallId::compose(1, 1))
                        .map(|(_, fx)| fx)
                        .unwrap_or_default()
                }
                _ => {
                    pending_timers.sort_by_key(|(when, _)| *when);
                    let due: Vec<_> = pending_timers.iter().filter(|(when, _)| *when <= at(now)).cloned().collect();
                    pending_timers.retain(|(when, _)| *when > at(now));
                    due.into_iter().flat_map(|(when, timer)| c.fire(timer, when.max(at(now)))).collect()
                }
            };
            for effect in &fx {
                match effect {
                    Effect::Timer { at, timer } => pending_timers.push((*at, timer.clone())),
                    Effect::Switch(SwitchAction::Alert { call, agent, .. }) => rung.push((call.clone(), *agent)),
                    Effect::Switch(SwitchAction::Inspect { call, inspector, .. }) => {
                        rung.push((call.clone(), *inspector))
                    }

                    Effect::CallEnded(end) => {
                        assert!(ended.insert(end.call.id.clone()), "seed {seed}: {} ended twice", end.call.id);
                        outcomes_seen.insert(end.outcome.code());
                        supervision_seen.extend(end.supervision.iter().map(|entry| entry.kind.name()));
                        assert!(!end.route.is_empty(), "seed {seed}: {} ended without a route", end.call.id);
                    }
                    Effect::Event { work_no, .. } => {
                        assert!(
                            c.agent(*work_no).is_some() || is_farewell(&fx, *work_no),
                            "seed {seed}: event to nobody"
                        )
                    }
                    _ => {}
                }
            }
            if let Err(problem) = c.check_invariants() {
                panic!("seed {seed} step {step} at {now} ms: {problem}");
            }
            check_queries(&c, at(now), seed);
        }
        let live = c.calls().count() as u64;
        assert_eq!(live + ended.len() as u64, placed, "seed {seed}: a call was lost");
    }
    // Inspectors listened, inserted, whispered and intercepted in recorded calls (where
    // phones answer at once: with reported legs the walk rarely answers the inspector's).
    if phone_legs == PhoneLegs::Assumed {
        for kind in ["listen", "insert", "whisper", "intercept"] {
            assert!(supervision_seen.contains(kind), "no {kind} recorded: {supervision_seen:?}");
        }
    }
    // The walk must reach every outcome it can produce, or it proves little.
    for code in ["answered", "abandoned-in-queue", "abandoned-ringing", "no-agent", "queue-full", "timed-out"] {
        assert!(outcomes_seen.contains(code), "no call ended {code}: {outcomes_seen:?}");
    }
}

/// Events to an agent who signed out in the same step (its last words).
fn is_farewell(fx: &Effects, work_no: WorkNo) -> bool {
    fx.iter().any(|effect| matches!(effect, Effect::SessionEnded { work_no: w, .. } if *w == work_no))
}

/// State codes agree with the per-skill snapshots.
fn check_queries(c: &Center, now: Timestamp, seed: u64) {
    for skill_no in 1..=3 {
        let snapshot = c.skill_snapshot(vdn(), skill(skill_no), now);
        let members: Vec<&crate::agent::Agent> = c.agents().filter(|a| a.has_skill(skill(skill_no))).collect();
        assert_eq!(snapshot.signed_in as usize, members.len(), "seed {seed}");
        let code_count = |code: u8| {
            members.iter().filter(|a| state_code::agent_state_code(a.state(), a.pending()) == code).count() as u32
        };
        assert_eq!(snapshot.idle, code_count(state_code::IDLE), "seed {seed}: idle");
        assert_eq!(snapshot.busy, code_count(state_code::BUSY), "seed {seed}: busy");
        assert_eq!(snapshot.rest, code_count(state_code::REST), "seed {seed}: rest");
        let in_call_or_wrap = snapshot.talking + snapshot.ringing + snapshot.wrap_up;
        let coded = code_count(state_code::TALKING) + code_count(state_code::WORK) + code_count(state_code::PRE_REST);
        assert_eq!(in_call_or_wrap, coded, "seed {seed}: talking/wrap-up/pre-rest");
        assert!(snapshot.available <= snapshot.idle, "seed {seed}: available");
        assert_eq!(snapshot.waiting as usize, c.waiting_calls(vdn(), skill(skill_no)).count(), "seed {seed}");
    }
}
