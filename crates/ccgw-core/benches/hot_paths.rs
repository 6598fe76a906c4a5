//! Micro-benchmarks of the core's hot paths: routing a call to an idle agent, an agent
//! becoming idle in front of a deep queue, a state change, and the Guid check.
//!
//! Run with `cargo bench -p ccgw-core --bench hot_paths` (add
//! `-- --warm-up-time 1 --measurement-time 3` for a quick pass; results in BENCHMARKS.md).
//!
//! Every center is built before timing starts. [`Center`] is not `Clone`, and building one
//! with 10,000 agents per iteration would dwarf what is measured, so where the measured
//! operation uses up state (an offer takes an idle agent and a queued call) the benchmark
//! times a chunk of operations with `iter_custom` and puts the center back untimed (the
//! agent answers and releases, a new call arrives) before the next chunk.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ccgw_core::{
    AgentProfile, Center, CenterSettings, Effect, Effects, Guid, InitialState, NewCall, PhoneNumber, Role,
    RoutingPolicy, SignIn, SkillGrant, SkillId, SkillLevel, SkillProfile, StateCommand, SwitchAction, Timestamp, Vdn,
    WorkNo,
};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

/// Work numbers start here (5 digits, as in a real center).
const FIRST_WORK_NO: u32 = 10_001;
/// Operations timed between two untimed restores. Smaller than the highest-level share of
/// the smallest pool (1,000 agents / 10 levels), so most-skilled keeps its top level.
const CHUNK: u64 = 50;
/// Calls waiting in the deep-queue benchmark, spread over skills 1–3.
const DEEP_QUEUE: u64 = 1_000;
/// Agents taking turns in the deep-queue benchmark (all busy, all in skills 1–3).
const DEEP_QUEUE_AGENTS: u32 = 200;

fn vdn() -> Vdn {
    Vdn::new(1).expect("valid vdn")
}

fn skill(n: u32) -> SkillId {
    SkillId::new(n).expect("valid skill")
}

fn work(index: u32) -> WorkNo {
    WorkNo::new(FIRST_WORK_NO + index).expect("valid work number")
}

/// A Guid shaped like the engine's (`<uuid>.AgentGateway<node>`).
fn guid(index: u32) -> String {
    format!("{index:08x}-5c1e-4d2a-9b7f-{index:012x}.AgentGateway1")
}

/// Milliseconds; every sign-in happens before `SETTLED`, every timed operation after it.
struct Clock(u64);

const SETTLED: u64 = 20_000;

impl Clock {
    fn tick(&mut self) -> Timestamp {
        self.0 += 1;
        Timestamp::from_millis(self.0)
    }
}

fn skills(policy: RoutingPolicy) -> Vec<SkillProfile> {
    (1..=3).map(|n| SkillProfile { policy, ..SkillProfile::new(vdn(), skill(n), format!("Skill {n}")) }).collect()
}

/// Agent `index`: skill 1 at level 1–10 by index; skill 2 for every second agent and
/// skill 3 for every third, at the default level. `every_skill` gives all three.
fn sign_in(index: u32, every_skill: bool, initial: InitialState) -> SignIn {
    let level = SkillLevel::new(1 + (index % 10) as u8).expect("level 1..=10");
    let mut grants = vec![SkillGrant { skill: skill(1), level }];
    if every_skill || index.is_multiple_of(2) {
        grants.push(SkillGrant { skill: skill(2), level: SkillLevel::DEFAULT });
    }
    if every_skill || index.is_multiple_of(3) {
        grants.push(SkillGrant { skill: skill(3), level: SkillLevel::DEFAULT });
    }
    let phone = PhoneNumber::parse(&format!("7{}", work(index))).expect("valid phone");
    SignIn {
        profile: AgentProfile {
            work_no: work(index),
            vdn: vdn(),
            name: format!("Agent {index}"),
            phone: phone.clone(),
            role: Role::Agent,
            skills: grants,
            group: None,
            wrap_up: None,
        },
        phone,
        auto_answer: false,
        auto_enter_idle: true,
        always_off_hook: false,
        initial,
        force: false,
        guid: Guid::new(guid(index)),
    }
}

/// `agents` signed-in idle agents, agent `i` idle since `i` ms.
fn idle_center(policy: RoutingPolicy, agents: u32) -> Center {
    let mut center = Center::new(CenterSettings::default());
    center.configure_skills(skills(policy));
    for index in 0..agents {
        center
            .sign_in(sign_in(index, false, InitialState::Idle), Timestamp::from_millis(index.into()))
            .expect("sign in");
    }
    center
}

fn new_call(seq: u64, skill_no: u32) -> NewCall {
    NewCall {
        id: ccgw_core::CallId::compose(1_700_000_000, seq),
        vdn: vdn(),
        skill: skill(skill_no),
        caller: "13800000000".into(),
        called: "4000".into(),
        call_data: String::new(),
        media_type: 5,
        priority: 0,
    }
}

/// The agent an offer went to.
fn offered_agent(fx: &Effects) -> WorkNo {
    fx.iter()
        .find_map(|effect| match effect {
            Effect::Switch(SwitchAction::Alert { agent, .. }) => Some(*agent),
            _ => None,
        })
        .expect("the call was offered")
}

/// A center under measurement, with its clock and the last call sequence number used.
struct Bench {
    center: Center,
    clock: Clock,
    seq: u64,
}

impl Bench {
    fn new(center: Center) -> Self {
        Self { center, clock: Clock(SETTLED), seq: 0 }
    }

    fn next_call(&mut self, skill_no: u32) -> NewCall {
        self.seq += 1;
        new_call(self.seq, skill_no)
    }

    /// Runs `iters` timed operations in chunks of [`CHUNK`], with an untimed `restore` of
    /// every chunk's results before the next one. `prepare` builds each operation's input
    /// untimed.
    fn chunked<I, O>(
        &mut self,
        iters: u64,
        mut prepare: impl FnMut(&mut Self) -> I,
        mut timed: impl FnMut(&mut Self, I) -> O,
        mut restore: impl FnMut(&mut Self, O),
    ) -> Duration {
        let mut measured = Duration::ZERO;
        let mut left = iters;
        let mut outputs = Vec::with_capacity(CHUNK as usize);
        while left > 0 {
            let chunk = left.min(CHUNK);
            let inputs: Vec<I> = (0..chunk).map(|_| prepare(self)).collect();
            let start = Instant::now();
            for input in inputs {
                outputs.push(timed(self, input));
            }
            measured += start.elapsed();
            for output in outputs.drain(..) {
                restore(self, output);
            }
            left -= chunk;
        }
        measured
    }
}

/// `routing/offer`: `call_arrived` for skill 1 → the policy picks an idle agent → the
/// offer (its effects are freed untimed). `routing/cycle`: the same plus `answer` and
/// `release`, which puts the agent back into the idle pools, all timed.
fn routing(c: &mut Criterion) {
    let mut group = c.benchmark_group("routing");
    for agents in [1_000_u32, 10_000] {
        for policy in RoutingPolicy::ALL {
            group.bench_function(BenchmarkId::new(format!("offer/{}", policy.as_str()), agents), |b| {
                let mut bench = Bench::new(idle_center(policy, agents));
                b.iter_custom(|iters| {
                    bench.chunked(
                        iters,
                        |bench| bench.next_call(1),
                        |bench, call| {
                            let now = bench.clock.tick();
                            bench.center.call_arrived(call, now)
                        },
                        |bench, fx| {
                            let agent = offered_agent(&fx);
                            let now = bench.clock.tick();
                            bench.center.answer(agent, None, now).expect("answer");
                            bench.center.release(agent, now).expect("release");
                        },
                    )
                });
            });
            group.bench_function(BenchmarkId::new(format!("cycle/{}", policy.as_str()), agents), |b| {
                let mut center = idle_center(policy, agents);
                let mut clock = Clock(SETTLED);
                let mut seq = 0;
                b.iter_batched(
                    || {
                        seq += 1;
                        new_call(seq, 1)
                    },
                    |call| {
                        let now = clock.tick();
                        let offer = center.call_arrived(call, now);
                        let agent = offered_agent(&offer);
                        let answer = center.answer(agent, None, now).expect("answer");
                        let release = center.release(agent, now).expect("release");
                        black_box((offer, answer, release));
                    },
                    BatchSize::SmallInput,
                );
            });
        }
    }
    group.finish();
}

/// `queue/sayfree_takes_head_call`: a busy agent of skills 1–3 says free with
/// [`DEEP_QUEUE`] calls waiting across the three queues: `change_state(SayFree)` →
/// idle → `find_call_for` → offer of the oldest head call. Untimed restore: the agent
/// answers, asks for busy (deferred), releases (so is busy again) and a new call arrives.
fn deep_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue");
    group.bench_function(BenchmarkId::new("sayfree_takes_head_call", DEEP_QUEUE), |b| {
        let mut center = Center::new(CenterSettings::default());
        center.configure_skills(skills(RoutingPolicy::LongestIdle));
        for index in 0..DEEP_QUEUE_AGENTS {
            let request = sign_in(index, true, InitialState::Busy);
            center.sign_in(request, Timestamp::from_millis(index.into())).expect("sign in");
        }
        let mut bench = Bench::new(center);
        for _ in 0..DEEP_QUEUE {
            let call = bench.next_call((bench.seq % 3) as u32 + 1);
            let now = bench.clock.tick();
            assert!(bench.center.call_arrived(call, now).is_empty(), "every agent is busy: the call waits");
        }
        let mut turn = 0;
        b.iter_custom(|iters| {
            bench.chunked(
                iters,
                |_| {
                    turn = (turn + 1) % DEEP_QUEUE_AGENTS;
                    work(turn)
                },
                |bench, agent| {
                    let now = bench.clock.tick();
                    (agent, bench.center.change_state(agent, StateCommand::SayFree, now))
                },
                |bench, (agent, fx)| {
                    assert_eq!(offered_agent(&fx.expect("sayfree")), agent);
                    let now = bench.clock.tick();
                    let busy = StateCommand::SayBusy { reason: 1, prolong: false };
                    bench.center.answer(agent, None, now).expect("answer");
                    bench.center.change_state(agent, busy, now).expect("saybusy is deferred");
                    bench.center.release(agent, now).expect("release");
                    let call = bench.next_call((bench.seq % 3) as u32 + 1);
                    assert!(bench.center.call_arrived(call, now).is_empty(), "the new call waits");
                },
            )
        });
    });
    group.finish();
}

/// `state/saybusy_sayfree`: one idle agent among 10,000 says busy, then free (no call
/// waits, so free means idle and back into the pools of its skills).
fn state_change(c: &mut Criterion) {
    let agents = 10_000;
    let mut group = c.benchmark_group("state");
    group.bench_function(BenchmarkId::new("saybusy_sayfree", agents), |b| {
        let mut center = idle_center(RoutingPolicy::LongestIdle, agents);
        let agent = work(agents / 2);
        let mut clock = Clock(SETTLED);
        b.iter(|| {
            let busy = center.change_state(agent, StateCommand::SayBusy { reason: 1, prolong: false }, clock.tick());
            let free = center.change_state(agent, StateCommand::SayFree, clock.tick());
            black_box((busy.expect("saybusy"), free.expect("sayfree")))
        });
    });
    group.finish();
}

/// `guid/authorize`: the Guid check of a poll (may rotate, none due) for one agent among
/// 10,000, with its current Guid (`accepted`) and with another agent's (`refused`).
fn guid_check(c: &mut Criterion) {
    let agents = 10_000;
    let mut group = c.benchmark_group("guid");
    let mut center = idle_center(RoutingPolicy::LongestIdle, agents);
    let agent = work(agents / 2);
    let now = Timestamp::from_millis(SETTLED);
    let fresh = || Guid::new(guid(u32::MAX));
    for (name, presented) in [("accepted", guid(agents / 2)), ("refused", guid(agents / 2 + 1))] {
        let outcome = center.authorize(agent, Some(presented.as_str()), true, now, fresh);
        assert_eq!(outcome.is_ok(), name == "accepted", "{name}: {outcome:?}");
        group.bench_function(BenchmarkId::new(format!("authorize/{name}"), agents), |b| {
            b.iter(|| center.authorize(black_box(agent), Some(black_box(presented.as_str())), true, now, fresh))
        });
    }
    group.finish();
}

criterion_group!(benches, routing, deep_queue, state_change, guid_check);
criterion_main!(benches);
