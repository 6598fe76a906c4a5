//! Distribution with explicit times: policies, priorities, levels, requeue, limits,
//! overflow, talk right and skill changes.

use super::*;
use crate::directory::{Overflow, QueueLimits, RoutingPolicy};

fn graded(n: u32, grants: &[(u32, u8)]) -> SignIn {
    let mut request = sign_in(n, false);
    request.profile.skills = grants
        .iter()
        .map(|&(s, level)| SkillGrant { skill: skill(s), level: SkillLevel::new(level).unwrap() })
        .collect();
    request
}

fn call_to(seq: u64, skill_no: u32, priority: u8) -> NewCall {
    NewCall { skill: skill(skill_no), priority, ..call(seq) }
}

fn with_skill(c: &mut Center, n: u32, change: impl FnOnce(&mut SkillProfile)) {
    let mut all: Vec<SkillProfile> = c.skills().cloned().collect();
    if let Some(found) = all.iter_mut().find(|s| s.id == skill(n)) {
        change(found);
    }
    c.configure_skills(all);
}

fn ringing_call(c: &Center, n: u32) -> Option<CallId> {
    match c.agent(work(n))?.state() {
        AgentState::Ringing { call, .. } => Some(call.clone()),
        _ => None,
    }
}

#[test]
fn longest_idle_is_the_default_policy() {
    let mut c = center();
    c.sign_in(graded(101, &[(1, 9)]), at(5)).unwrap();
    c.sign_in(graded(102, &[(1, 1)]), at(1)).unwrap();
    c.call_arrived(call(1), at(10));
    assert_eq!(ringing_call(&c, 102), Some(info(1).call));
}

#[test]
fn most_skilled_prefers_the_highest_level_then_the_longest_idle() {
    let mut c = center();
    with_skill(&mut c, 1, |s| s.policy = RoutingPolicy::MostSkilled);
    c.sign_in(graded(101, &[(1, 3)]), at(1)).unwrap();
    c.sign_in(graded(102, &[(1, 8)]), at(5)).unwrap();
    c.sign_in(graded(103, &[(1, 8)]), at(3)).unwrap();
    c.call_arrived(call(1), at(10));
    assert_eq!(ringing_call(&c, 103), Some(info(1).call), "level 8, idle since 3");
    c.call_arrived(call(2), at(11));
    assert_eq!(ringing_call(&c, 102).map(|id| id.to_string()), Some(CallId::compose(1_700_000_000, 2).to_string()));
    c.call_arrived(call(3), at(12));
    assert!(ringing_call(&c, 101).is_some(), "the level-3 agent only when the others are busy");
    c.check_invariants().unwrap();
}

#[test]
fn round_robin_takes_turns_in_work_number_order() {
    let mut c = center();
    with_skill(&mut c, 1, |s| s.policy = RoutingPolicy::RoundRobin);
    for n in [103, 101, 102] {
        c.sign_in(SignIn { auto_answer: true, ..sign_in(n, true) }, at(u64::from(n))).unwrap();
    }
    let mut order = Vec::new();
    for seq in 1..=6 {
        let fx = c.call_arrived(call(seq), at(1_000 + seq));
        let talking = [101, 102, 103].into_iter().find(|&n| !events_for(&fx, n).is_empty()).unwrap();
        order.push(talking);
        c.release(work(talking), at(1_000 + seq)).unwrap();
    }
    assert_eq!(order, vec![101, 102, 103, 101, 102, 103]);
}

#[test]
fn higher_priority_calls_are_served_first_and_equal_ones_in_arrival_order() {
    let mut c = center();
    c.call_arrived(call_to(1, 1, 0), at(1));
    c.call_arrived(call_to(2, 1, 5), at(2));
    c.call_arrived(call_to(3, 1, 5), at(3));
    c.call_arrived(call_to(4, 2, 9), at(4)); // another skill: the agent below lacks it
    let mut served = Vec::new();
    c.sign_in(SignIn { auto_answer: true, ..sign_in(101, true) }, at(10)).unwrap();
    for t in 11..14 {
        let AgentState::Talking { call } = c.agent(work(101)).unwrap().state().clone() else { panic!() };
        served.push(call.to_string());
        c.release(work(101), at(t)).unwrap();
    }
    let id = |seq| CallId::compose(1_700_000_000, seq).to_string();
    assert_eq!(served, vec![id(2), id(3), id(1)]);
    c.check_invariants().unwrap();
}

#[test]
fn an_agent_of_several_skills_takes_the_best_head_call_among_them() {
    let mut c = center();
    c.call_arrived(call_to(1, 1, 0), at(1));
    c.call_arrived(call_to(2, 2, 0), at(2));
    c.call_arrived(call_to(3, 2, 3), at(3));
    c.sign_in(graded(101, &[(1, 1), (2, 1)]), at(10)).unwrap();
    assert_eq!(ringing_call(&c, 101).unwrap().to_string(), CallId::compose(1_700_000_000, 3).to_string());
}

#[test]
fn a_call_not_answered_goes_back_ahead_of_later_calls() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.call_arrived(call(1), at(10));
    c.call_arrived(call(2), at(11));
    let fx = c.fire(Timer::RingTimeout { call: info(1).call, offer: 1 }, at(20_010));
    assert!(fx.contains(&Effect::Switch(SwitchAction::StopAlerting { call: info(1).call, agent: work(101) })));
    let fx = c.sign_in(sign_in(102, false), at(20_020)).unwrap();
    assert_eq!(&events_for(&fx, 102)[2..], &ringing_events(1, &[101])[..], "call 1 first, with its requeue count");
}

#[test]
fn a_full_queue_refuses_the_call_with_a_reason() {
    let mut c = center();
    with_skill(&mut c, 1, |s| s.limits.max_waiting = Some(2));
    c.call_arrived(call(1), at(1));
    c.call_arrived(call(2), at(2));
    let fx = c.call_arrived(call(3), at(3));
    assert_eq!(outcomes(&fx), vec![CallOutcome::QueueFull]);
    assert!(fx.contains(&Effect::Switch(SwitchAction::Release { call: CallId::compose(1_700_000_000, 3) })));
    assert_eq!(c.skill_snapshot(vdn(), skill(1), at(3)).counters.queue_full, 1);
    c.check_invariants().unwrap();
}

#[test]
fn a_call_that_waits_too_long_overflows_then_leaves_then_times_out() {
    let mut c = center();
    with_skill(&mut c, 1, |s| {
        s.limits = QueueLimits {
            max_wait: Some(Duration::from_secs(30)),
            overflow: Some(Overflow::Skill(skill(2))),
            ..QueueLimits::default()
        }
    });
    let out = PhoneNumber::parse("5551234").unwrap();
    with_skill(&mut c, 2, |s| {
        s.limits = QueueLimits {
            max_wait: Some(Duration::from_secs(10)),
            overflow: Some(Overflow::Number(out.clone())),
            ..QueueLimits::default()
        }
    });
    let fx = c.call_arrived(call(1), at(0));
    assert_eq!(timers(&fx), vec![(at(30_000), Timer::QueueWait { call: info(1).call, hop: 1 })]);
    let fx = c.fire(Timer::QueueWait { call: info(1).call, hop: 1 }, at(30_000));
    assert!(outcomes(&fx).is_empty(), "moved to skill 2");
    assert_eq!(c.call(&info(1).call).unwrap().route(), &[skill(1), skill(2)]);
    assert_eq!(timers(&fx), vec![(at(40_000), Timer::QueueWait { call: info(1).call, hop: 2 })]);
    let fx = c.fire(Timer::QueueWait { call: info(1).call, hop: 2 }, at(40_000));
    let end = ended(&fx).pop().unwrap();
    assert_eq!(end.outcome, CallOutcome::Overflowed { to: out.clone() });
    assert_eq!(end.route, vec![skill(1), skill(2)]);
    assert!(fx.contains(&Effect::Switch(SwitchAction::Redirect { call: info(1).call, to: out })));

    // No overflow target: released as timed out. A stale hop does nothing.
    with_skill(&mut c, 1, |s| s.limits.overflow = None);
    c.call_arrived(call(2), at(50_000));
    let id = CallId::compose(1_700_000_000, 2);
    assert!(c.fire(Timer::QueueWait { call: id.clone(), hop: 2 }, at(80_000)).is_empty());
    let fx = c.fire(Timer::QueueWait { call: id, hop: 1 }, at(80_000));
    assert_eq!(outcomes(&fx), vec![CallOutcome::TimedOut]);
    c.check_invariants().unwrap();
}

#[test]
fn overflow_never_loops_back_into_a_queue_the_call_was_in() {
    let mut c = center();
    let wait = |s: &mut SkillProfile, to: u32| {
        s.limits.max_wait = Some(Duration::from_secs(5));
        s.limits.overflow = Some(Overflow::Skill(skill(to)));
    };
    with_skill(&mut c, 1, |s| wait(s, 2));
    with_skill(&mut c, 2, |s| wait(s, 1));
    c.call_arrived(call(1), at(0));
    c.fire(Timer::QueueWait { call: info(1).call, hop: 1 }, at(5_000));
    let fx = c.fire(Timer::QueueWait { call: info(1).call, hop: 2 }, at(10_000));
    assert_eq!(outcomes(&fx), vec![CallOutcome::TimedOut]);
}

#[test]
fn an_unstaffed_or_unknown_skill_has_no_agent() {
    let mut c = center();
    with_skill(&mut c, 1, |s| s.limits.refuse_when_unstaffed = true);
    assert_eq!(outcomes(&c.call_arrived(call(1), at(0))), vec![CallOutcome::NoAgent]);
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(1)).unwrap();
    assert!(outcomes(&c.call_arrived(call(2), at(2))).is_empty(), "staffed, though busy: the call waits");
    assert_eq!(outcomes(&c.call_arrived(call_to(3, 77, 0), at(3))), vec![CallOutcome::NoAgent]);
    with_skill(&mut c, 2, |s| s.limits.refuse_when_unstaffed = true);
    with_skill(&mut c, 2, |s| s.limits.overflow = Some(Overflow::Skill(skill(1))));
    let fx = c.call_arrived(call_to(4, 2, 0), at(4));
    assert!(outcomes(&fx).is_empty(), "unstaffed skill 2 overflows into staffed skill 1");
    assert_eq!(c.call(&CallId::compose(1_700_000_000, 4)).unwrap().route(), &[skill(2), skill(1)]);
    c.check_invariants().unwrap();
}

#[test]
fn a_wait_that_runs_out_while_ringing_is_handled_when_the_call_comes_back() {
    let mut c = center();
    with_skill(&mut c, 1, |s| s.limits.max_wait = Some(Duration::from_secs(5)));
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.call_arrived(call(1), at(0));
    assert!(c.fire(Timer::QueueWait { call: info(1).call, hop: 1 }, at(5_000)).is_empty(), "ringing: not yet");
    let fx = c.fire(Timer::RingTimeout { call: info(1).call, offer: 1 }, at(20_000));
    assert_eq!(outcomes(&fx), vec![CallOutcome::TimedOut]);
    c.check_invariants().unwrap();
}

#[test]
fn without_talk_right_an_agent_is_not_offered_calls() {
    let mut c = center();
    c.sign_in(sign_in(101, false), at(0)).unwrap();
    c.set_talk_right(work(101), false, at(1)).unwrap();
    assert!(events_for(&c.call_arrived(call(1), at(2)), 101).is_empty());
    c.check_invariants().unwrap();
    let fx = c.set_talk_right(work(101), true, at(3)).unwrap();
    assert_eq!(events_for(&fx, 101), ringing_events(1, &[]));
}

#[test]
fn reset_skills_under_load_moves_the_agent_to_its_new_queues() {
    let mut c = center();
    c.call_arrived(call_to(1, 2, 0), at(0));
    c.sign_in(sign_in(101, false), at(1)).unwrap(); // skill 1 only: call 1 keeps waiting
    assert!(ringing_call(&c, 101).is_none());
    let two = vec![SkillGrant { skill: skill(2), level: SkillLevel::DEFAULT }];
    c.reset_skills(work(101), two, at(2)).unwrap();
    assert_eq!(ringing_call(&c, 101), Some(info(1).call));
    c.check_invariants().unwrap();
    c.reset_skills(work(101), vec![], at(3)).unwrap();
    c.check_invariants().unwrap();
    assert_eq!(c.skill_snapshot(vdn(), skill(2), at(3)).signed_in, 0);
}

#[test]
fn the_skill_snapshot_counts_queue_and_agents() {
    let mut c = center();
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(0)).unwrap();
    c.sign_in(sign_in(102, true), at(0)).unwrap();
    c.call_arrived(call(1), at(1_000)); // 102 takes it
    c.call_arrived(call(2), at(2_000)); // waits
    c.call_arrived(call(3), at(3_000)); // waits
    c.customer_hung_up(&CallId::compose(1_700_000_000, 3), at(4_000));
    let snapshot = c.skill_snapshot(vdn(), skill(1), at(7_000));
    assert_eq!((snapshot.waiting, snapshot.longest_wait), (1, Duration::from_secs(5)));
    assert_eq!((snapshot.signed_in, snapshot.busy, snapshot.talking, snapshot.idle), (2, 1, 1, 0));
    assert_eq!(snapshot.counters.entered, 3);
    assert_eq!(snapshot.counters.answered, 1);
    assert_eq!(snapshot.counters.abandoned_in_queue, 1);
}

#[test]
fn all_agents_busy_is_told_to_the_skill_when_its_first_call_waits() {
    let mut c = center_with(CenterSettings { all_busy_notice: true, ..CenterSettings::default() });
    c.sign_in(SignIn { initial: InitialState::Busy, ..sign_in(101, false) }, at(0)).unwrap();
    let fx = c.call_arrived(call(1), at(1));
    assert_eq!(events_for(&fx, 101), vec![E::AllAgentsBusy { skill: skill(1), waiting: 1 }]);
    assert!(events_for(&c.call_arrived(call(2), at(2)), 101).is_empty(), "only for the first waiting call");
}
