//! Reads through the engine: every query passes the caller's Guid check first, then the
//! core answers it within the caller's VDN. No TLS, no SQLite: the engine on a manual
//! clock with two VDNs, agent 101 in VDN 1 and agent 201 in VDN 2.

use std::sync::Arc;

mod common;

use common::{sign_in_request, skill_1, vdn, work};

use ccgw_core::{Query, QueryAnswer, Refusal, SkillProfile, Timestamp};
use ccgw_engine::{
    Clock, EngineError, EngineHandle, EngineSettings, ManualClock, MemoryRecorder, SimSettings, SimSwitch, start,
};

async fn sign_in(engine: &EngineHandle, n: u32, in_vdn: u16) -> String {
    engine.sign_in(sign_in_request(n, in_vdn, false)).await.unwrap().guid.as_str().to_owned()
}

/// The engine with 101 (VDN 1) and 201 (VDN 2) signed in, and their Guids.
async fn two_vdns() -> (EngineHandle, String, String) {
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000)));
    let skills = vec![SkillProfile::new(vdn(1), skill_1(), "General"), SkillProfile::new(vdn(2), skill_1(), "Other")];
    let (_sim, telephony) = SimSwitch::telephony(clock.clone(), SimSettings::default());
    let (recorder, audit) = (Arc::new(MemoryRecorder::default()), Arc::new(ccgw_engine::MemoryAudit::default()));
    let engine = start(EngineSettings::default(), clock, skills, recorder, audit, telephony);
    let guid_101 = sign_in(&engine.handle, 101, 1).await;
    let guid_201 = sign_in(&engine.handle, 201, 2).await;
    (engine.handle, guid_101, guid_201)
}

fn refusal(result: Result<QueryAnswer, EngineError>) -> Refusal {
    match result {
        Err(EngineError::Refused(refusal)) => refusal,
        other => panic!("a refusal expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_query_answers_only_after_the_guid_check() {
    let (engine, guid_101, _) = two_vdns().await;
    let me = engine.query(work(101), Some(guid_101.clone()), Query::Me).await.unwrap();
    let QueryAnswer::Agent(me) = me else { panic!("the caller's view expected, got {me:?}") };
    assert_eq!((me.profile.work_no, me.phone.as_str(), me.skills.clone()), (work(101), "70101", vec![skill_1()]));

    assert_eq!(refusal(engine.query(work(101), Some("wrong".into()), Query::Me).await), Refusal::GuidInvalid);
    assert_eq!(refusal(engine.query(work(101), None, Query::Statistics).await), Refusal::GuidInvalid);
    assert_eq!(refusal(engine.query(work(999), Some(guid_101), Query::Me).await), Refusal::NotSignedIn);
}

#[tokio::test]
async fn an_agent_of_vdn_2_sees_nothing_of_vdn_1() {
    let (engine, guid_101, guid_201) = two_vdns().await;
    let about_101 = engine.query(work(201), Some(guid_201.clone()), Query::CallsOf(Some(work(101)))).await;
    assert_eq!(refusal(about_101), Refusal::AgentNotInVdn(work(101)));

    let view = engine.query(work(201), Some(guid_201), Query::Vdn { agents: true, queues: true }).await.unwrap();
    let QueryAnswer::Vdn(view) = view else { panic!("a VDN view expected, got {view:?}") };
    assert_eq!(view.agents.keys().copied().collect::<Vec<_>>(), vec![work(201)]);
    assert_eq!(view.skills.values().map(|skill| skill.name.as_str()).collect::<Vec<_>>(), vec!["Other"]);

    let own = engine.query(work(101), Some(guid_101), Query::CallsOf(None)).await.unwrap();
    let QueryAnswer::Calls(own) = own else { panic!("the caller's calls expected, got {own:?}") };
    assert_eq!((own.agent, own.calls.len(), own.last.is_none()), (work(101), 0, true));
}
