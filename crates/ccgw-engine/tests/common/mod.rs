//! What the engine-level tests share: ids, a sign-in request, and taking an agent's
//! events the way the Huawei poll does.

// Each test crate uses its own part of these.
#![allow(dead_code)]

use std::time::Duration;

use ccgw_core::{
    AgentEvent, AgentProfile, InitialState, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, Vdn, WorkNo,
};
use ccgw_engine::{AgentAction, EngineHandle, Reply, SignInRequest};

pub(crate) fn work(n: u32) -> WorkNo {
    WorkNo::new(n).unwrap()
}

pub(crate) fn vdn(n: u16) -> Vdn {
    Vdn::new(n).unwrap()
}

pub(crate) fn skill_1() -> SkillId {
    SkillId::new(1).unwrap()
}

/// Agent `n` (phone `70{n}`, skill 1) signing in to `in_vdn`, idle, answering by hand.
pub(crate) fn sign_in_request(n: u32, in_vdn: u16, force: bool) -> SignInRequest {
    let phone = PhoneNumber::parse(&format!("70{n}")).unwrap();
    SignInRequest {
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
        force,
        delivery: ccgw_engine::EventDelivery::Poll,
    }
}

/// Every event waiting for the agent's poll, taken.
pub(crate) async fn take_events(engine: &EngineHandle, n: u32, guid: &str) -> Vec<AgentEvent> {
    let Ok(Reply::Poll { session, .. }) = engine.act(work(n), Some(guid.into()), AgentAction::Poll).await else {
        panic!("poll of {n} refused");
    };
    let mut events = Vec::new();
    while let Some(claim) = session.next(Duration::ZERO).await {
        events.push(claim.event().event.clone());
        claim.commit();
    }
    events
}
