//! Views and VDN scoping: VDN 1 has agents 101 and 102, VDN 2 has agent 201; each VDN has
//! its own skill 1. Agents answer by hand.

use super::*;
use crate::agent::{InitialState, StateKind};
use crate::call::{Leg, NewCall};
use crate::center::{CenterSettings, SignIn};
use crate::directory::{AgentProfile, Role, SkillGrant, SkillLevel};
use crate::ids::{Guid, PhoneNumber, Vdn};

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

fn work(n: u32) -> WorkNo {
    WorkNo::new(n).unwrap()
}

fn vdn(n: u16) -> Vdn {
    Vdn::new(n).unwrap()
}

fn skill_1() -> SkillId {
    SkillId::new(1).unwrap()
}

fn sign_in(n: u32, in_vdn: u16) -> SignIn {
    let phone = PhoneNumber::parse(&format!("70{n}")).unwrap();
    SignIn {
        profile: AgentProfile {
            work_no: work(n),
            vdn: vdn(in_vdn),
            name: format!("Agent {n}"),
            phone: phone.clone(),
            role: Role::Agent,
            skills: vec![SkillGrant { skill: skill_1(), level: SkillLevel::DEFAULT }],
            group: None,
            wrap_up: None,
        },
        phone,
        auto_answer: false,
        auto_enter_idle: true,
        always_off_hook: false,
        initial: InitialState::Idle,
        force: false,
        guid: Guid::new(format!("guid-{n}")),
    }
}

fn customer_call(seq: u64, in_vdn: u16) -> NewCall {
    NewCall {
        id: CallId::compose(1_700_000_000, seq),
        vdn: vdn(in_vdn),
        skill: skill_1(),
        caller: "13800000000".into(),
        called: "4000".into(),
        call_data: "ticket=7".into(),
        media_type: 5,
        priority: 0,
    }
}

/// Two VDNs; 101 talks with customer call 1 of VDN 1 since 20 ms.
fn two_vdns() -> Center {
    let mut c = Center::new(CenterSettings::default());
    c.configure_skills(vec![
        SkillProfile::new(vdn(1), skill_1(), "General"),
        SkillProfile::new(vdn(2), skill_1(), "Other VDN"),
    ]);
    c.sign_in(sign_in(101, 1), at(0)).unwrap();
    c.call_arrived(customer_call(1, 1), at(10));
    c.answer(work(101), None, at(20)).unwrap();
    c.sign_in(sign_in(102, 1), at(30)).unwrap();
    c.sign_in(sign_in(201, 2), at(30)).unwrap();
    c
}

fn calls_of(c: &Center, asker: u32, of: Option<u32>) -> Result<AgentCalls, Refusal> {
    match c.query(work(asker), &Query::CallsOf(of.map(work)), at(50))? {
        QueryAnswer::Calls(calls) => Ok(*calls),
        other => panic!("unexpected answer {other:?}"),
    }
}

fn call_list(c: &Center, asker: u32, query: Query) -> Result<Vec<CallView>, Refusal> {
    match c.query(work(asker), &query, at(50))? {
        QueryAnswer::CallList(calls) => Ok(calls),
        other => panic!("unexpected answer {other:?}"),
    }
}

fn vdn_view(c: &Center, asker: u32) -> VdnView {
    match c.query(work(asker), &Query::Vdn { agents: true, queues: true }, at(50)).unwrap() {
        QueryAnswer::Vdn(view) => *view,
        other => panic!("unexpected answer {other:?}"),
    }
}

#[test]
fn an_agent_of_vdn_2_asking_about_vdn_1_gets_the_refusal_or_nothing() {
    let c = two_vdns();
    assert_eq!(calls_of(&c, 201, Some(101)), Err(Refusal::AgentNotInVdn(work(101))));
    assert_eq!(call_list(&c, 201, Query::CallsInVdn), Ok(Vec::new()));
    assert_eq!(call_list(&c, 201, Query::WaitingCalls(skill_1())), Ok(Vec::new()));

    let view = vdn_view(&c, 201);
    assert_eq!(view.agents.keys().copied().collect::<Vec<_>>(), vec![work(201)]);
    assert_eq!(view.skills.values().map(|skill| skill.name.as_str()).collect::<Vec<_>>(), vec!["Other VDN"]);
    assert_eq!(view.calls, CallCounts::default(), "VDN 1's call is not counted");
    assert_eq!(view.queues.values().map(|queue| queue.vdn).collect::<Vec<_>>(), vec![vdn(2)]);

    let view = vdn_view(&c, 102);
    assert_eq!(view.agents.keys().copied().collect::<Vec<_>>(), vec![work(101), work(102)]);
    assert_eq!(view.calls, CallCounts { waiting: 0, in_service: 1 });
    assert_eq!(view.asker.profile.work_no, work(102));
}

#[test]
fn an_agent_not_signed_in_is_refused_whatever_it_asks() {
    let c = two_vdns();
    for query in [Query::Me, Query::CallsInVdn, Query::Statistics, Query::CallsOf(Some(work(101)))] {
        assert_eq!(c.query(work(999), &query, at(50)), Err(Refusal::NotSignedIn), "{query:?}");
    }
    assert_eq!(calls_of(&c, 101, Some(999)), Err(Refusal::AgentNotInVdn(work(999))));
}

#[test]
fn a_call_is_seen_from_its_agent_by_itself_and_by_a_colleague() {
    let c = two_vdns();
    let own = calls_of(&c, 101, None).unwrap();
    let seen_by_colleague = calls_of(&c, 102, Some(101)).unwrap();
    assert_eq!(own, seen_by_colleague);
    let talking = own.current.clone().unwrap();
    assert_eq!(own.calls, vec![talking.clone()]);
    assert_eq!(
        (talking.state, talking.seen_by, talking.leg),
        (SeenState::Talking, Some(work(101)), Some(Leg::Connected))
    );
    assert_eq!((talking.skill_name.as_str(), talking.call_data.as_str()), ("General", "ticket=7"));
    assert_eq!((talking.arrived, talking.state_since), (at(10), at(20)));
    assert_eq!(talking.parties.len(), 2, "the customer and 101");
    assert_eq!((own.ringing, own.last), (None, None));

    let in_vdn = call_list(&c, 102, Query::CallsInVdn).unwrap();
    assert_eq!(in_vdn, vec![talking], "a VDN's call is seen by its main agent");
}

#[test]
fn a_held_call_is_held_for_its_agent_and_a_left_one_is_its_last_call() {
    let mut c = two_vdns();
    c.hold(work(101), at(40)).unwrap();
    let held = calls_of(&c, 101, None).unwrap();
    assert_eq!(
        held.calls.iter().map(|call| (call.state, call.leg)).collect::<Vec<_>>(),
        vec![(SeenState::Held, Some(Leg::Held))]
    );

    c.release_phone(work(101), at(45)).unwrap();
    let left = calls_of(&c, 101, None).unwrap();
    assert!(left.calls.is_empty() && left.current.is_none());
    let last = left.last.unwrap();
    assert_eq!((last.state, last.state_since, last.skill_name.as_str()), (SeenState::Ended, at(45), "General"));
}

#[test]
fn waiting_calls_and_ivr_flows_of_another_vdn_are_invalid_parameters() {
    let c = two_vdns();
    let unknown = SkillId::new(9).unwrap();
    assert!(matches!(call_list(&c, 101, Query::WaitingCalls(unknown)), Err(Refusal::InvalidParameter(_))));
    let flow = IvrId::new(1).unwrap();
    assert!(matches!(call_list(&c, 101, Query::CallsInIvr(flow)), Err(Refusal::InvalidParameter(_))));
    assert_eq!(c.query(work(101), &Query::IvrFlows, at(50)), Ok(QueryAnswer::IvrFlows(Vec::new())));
}

#[test]
fn statistics_and_business_data_are_the_askers() {
    let c = two_vdns();
    let Ok(QueryAnswer::Statistics(stats)) = c.query(work(101), &Query::Statistics, at(50)) else {
        panic!("statistics expected");
    };
    assert_eq!(stats.answered, 1);
    assert_eq!(c.query(work(101), &Query::BusinessData(None), at(50)), Ok(QueryAnswer::Text(String::new())));
    assert_eq!(c.query(work(102), &Query::BusinessData(None), at(50)), Err(Refusal::NoCallForCallData));
    let Ok(QueryAnswer::Call(id)) = c.query(work(101), &Query::SoundReportCall, at(50)) else {
        panic!("a call id expected");
    };
    assert_eq!(id, CallId::compose(1_700_000_000, 1));
}

#[test]
fn queries_and_their_answers_survive_a_serde_round_trip() {
    let c = two_vdns();
    let queries = [
        Query::Me,
        Query::Vdn { agents: true, queues: true },
        Query::CallsOf(None),
        Query::CallsOf(Some(work(102))),
        Query::CallsInVdn,
        Query::WaitingCalls(skill_1()),
        Query::IvrFlows,
        Query::CallsInIvr(IvrId::new(1).unwrap()),
        Query::BusinessData(None),
        Query::SoundReportCall,
        Query::Statistics,
    ];
    let mut answered = 0;
    for query in queries {
        let json = serde_json::to_string(&query).unwrap();
        assert_eq!(serde_json::from_str::<Query>(&json).unwrap(), query, "{json}");
        // 101 talks on a call, so most answers carry views with data in them.
        let Ok(answer) = c.query(work(101), &query, at(50)) else { continue };
        answered += 1;
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(serde_json::from_str::<QueryAnswer>(&json).unwrap(), answer, "{json}");
    }
    assert!(answered >= 9, "only {answered} queries answered");
    assert!(serde_json::from_str::<Query>(r#"{"calls_in_ivr":0}"#).is_err(), "IVR id 0 is ill-formed");
}

#[test]
fn a_snapshot_holds_the_agents_state_and_its_calls_as_it_sees_them() {
    let mut c = two_vdns();
    c.call_arrived(customer_call(2, 1), at(40));
    let talking = c.agent_snapshot(work(101), at(50));
    assert_eq!((talking.work_no, talking.taken_at), (work(101), at(50)));
    let talking = talking.signed_in.unwrap();
    assert_eq!((talking.state, talking.agent.status), (StateKind::Talking, 7));
    assert_eq!(talking.calls, calls_of(&c, 101, None).unwrap().calls);
    assert_eq!(talking.current, Some(CallId::compose(1_700_000_000, 1)));
    assert_eq!((talking.calls[0].call_data.as_str(), talking.calls[0].parties.len()), ("ticket=7", 2));

    // Ringing and talking share the gateway code; the snapshot tells them apart.
    let ringing = c.agent_snapshot(work(102), at(50)).signed_in.unwrap();
    assert_eq!((ringing.state, ringing.agent.status), (StateKind::Ringing, 7));
    assert_eq!(ringing.calls.iter().map(|call| call.state).collect::<Vec<_>>(), vec![SeenState::Ringing]);
    assert_eq!(ringing.current, Some(CallId::compose(1_700_000_000, 2)));

    let json = serde_json::to_string(&c.agent_snapshot(work(102), at(50))).unwrap();
    assert_eq!(serde_json::from_str::<AgentSnapshot>(&json).unwrap(), c.agent_snapshot(work(102), at(50)));
    assert!(json.contains(r#""state":"ringing""#), "{json}");

    let idle = c.agent_snapshot(work(201), at(50)).signed_in.unwrap();
    assert_eq!((idle.state, idle.calls.len(), idle.current), (StateKind::Idle, 0, None));
}

#[test]
fn a_snapshot_of_a_signed_out_agent_has_no_state_and_no_calls() {
    let c = two_vdns();
    let snapshot = c.agent_snapshot(work(999), at(50));
    assert_eq!(snapshot, AgentSnapshot { work_no: work(999), taken_at: at(50), signed_in: None });
}
