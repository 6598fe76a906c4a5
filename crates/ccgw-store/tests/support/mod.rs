//! Values shared by the store's test binaries. Not every binary uses every helper.
#![allow(dead_code)]

use std::time::Duration;

use ccgw_core::{
    AgentProfile, CallEnd, CallFeature, CallId, CallOutcome, GroupId, GroupProfile, NewCall, PhoneNumber, Role,
    SkillGrant, SkillId, SkillLevel, SkillProfile, Supervision, SupervisionKind, Timestamp, Vdn, WorkNo,
};
use ccgw_store::{NewAgent, SqliteStore, VdnRecord};

pub(crate) fn vdn(n: u16) -> Vdn {
    Vdn::new(n).expect("valid VDN")
}

pub(crate) fn skill_id(n: u32) -> SkillId {
    SkillId::new(n).expect("valid skill id")
}

pub(crate) fn work_no(n: u32) -> WorkNo {
    WorkNo::new(n).expect("valid work number")
}

pub(crate) fn group_id(n: u16) -> GroupId {
    GroupId::new(n).expect("valid group id")
}

pub(crate) fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).expect("valid phone number")
}

pub(crate) fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub(crate) fn grant(skill: u32, level: u8) -> SkillGrant {
    SkillGrant { skill: skill_id(skill), level: SkillLevel::new(level).expect("valid level") }
}

pub(crate) fn skill(vdn_no: u16, id: u32, name: &str) -> SkillProfile {
    SkillProfile::new(vdn(vdn_no), skill_id(id), name)
}

pub(crate) fn group(vdn_no: u16, id: u16, name: &str) -> GroupProfile {
    GroupProfile { vdn: vdn(vdn_no), id: group_id(id), name: name.into() }
}

pub(crate) fn profile(number: u32, vdn_no: u16) -> AgentProfile {
    AgentProfile {
        work_no: work_no(number),
        vdn: vdn(vdn_no),
        name: format!("Agent {number}"),
        phone: phone(&format!("70{number}")),
        role: Role::Agent,
        skills: Vec::new(),
        group: None,
        wrap_up: None,
    }
}

pub(crate) fn new_agent(profile: AgentProfile) -> NewAgent {
    NewAgent { profile, password: "pw-123".into() }
}

pub(crate) fn vdn_record(n: u16, name: &str, access_code: Option<&str>) -> VdnRecord {
    VdnRecord { vdn: vdn(n), name: name.into(), access_code: access_code.map(phone) }
}

/// An in-memory directory with VDN 1 (access code 4000) holding skills 1, 2, 3 and VDN 2
/// holding skill 1.
pub(crate) async fn directory_with_skills() -> SqliteStore {
    let dir = SqliteStore::open_in_memory().await.expect("opens");
    dir.create_vdn(&vdn_record(1, "One", Some("4000"))).await.expect("VDN 1");
    dir.create_vdn(&vdn_record(2, "Two", None)).await.expect("VDN 2");
    for (v, id, name) in [(1, 1, "General"), (1, 2, "VIP"), (1, 3, "Sales"), (2, 1, "Other")] {
        dir.create_skill(&skill(v, id, name)).await.expect("skill");
    }
    dir
}

pub(crate) fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

/// A call of VDN `vdn_no` that arrived at `arrived` ms in skill `skill` and ended 60 s
/// later with `outcome`.
pub(crate) fn call_end(id: &str, vdn_no: u16, skill: u32, arrived: u64, outcome: CallOutcome) -> CallEnd {
    CallEnd {
        call: NewCall {
            id: CallId::parse(id).expect("valid call id"),
            vdn: vdn(vdn_no),
            skill: skill_id(skill),
            caller: "13800000000".into(),
            called: "4000".into(),
            call_data: String::new(),
            media_type: 5,
            priority: 0,
        },
        feature: CallFeature::Inbound,
        route: vec![skill_id(skill)],
        arrived: at(arrived),
        ended: at(arrived + 60_000),
        // Who talked: the answering agent, then (to carry a list) a transfer target.
        talked: match outcome {
            CallOutcome::Answered { agent, .. } => vec![agent, work_no(999)],
            _ => Vec::new(),
        },
        // An inspector listened, then took the call over (to carry the record's entries).
        supervision: match outcome {
            CallOutcome::Answered { agent, .. } => {
                let entry = |kind, from: u64, until: u64| Supervision {
                    inspector: work_no(120),
                    agent,
                    kind,
                    from: at(arrived + from),
                    until: at(arrived + until),
                };
                vec![entry(SupervisionKind::Listen, 1_000, 2_000), entry(SupervisionKind::Intercept, 2_000, 2_000)]
            }
            _ => Vec::new(),
        },
        outcome,
        offered_to: Vec::new(),
    }
}

/// Asserts that `result` failed with the given variant and a message containing `part`.
#[macro_export]
macro_rules! assert_refused {
    ($result:expr, $variant:ident, $part:expr) => {{
        let result = $result;
        match &result {
            Err(ccgw_store::StoreError::$variant(message)) => {
                assert!(message.contains($part), "{message:?} should contain {:?}", $part)
            }
            other => panic!("expected {} containing {:?}, got {other:?}", stringify!($variant), $part),
        }
    }};
}
