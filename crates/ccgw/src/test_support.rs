//! Fixtures the unit tests of this crate share.

use ccgw_core::{CallEnd, CallFeature, CallId, CallOutcome, NewCall, SkillId, Timestamp, Vdn, WorkNo};

/// A call of VDN 1 that arrived in skill 1 at `arrived` (ms), overflowed to skill 2, was
/// offered to agent 102 and ended 95 s later with `outcome`.
pub(crate) fn call_end(id: &str, arrived: u64, outcome: CallOutcome) -> CallEnd {
    CallEnd {
        call: NewCall {
            id: CallId::parse(id).unwrap(),
            vdn: Vdn::new(1).unwrap(),
            skill: SkillId::new(1).unwrap(),
            caller: "13800000000".into(),
            called: "4000".into(),
            call_data: String::new(),
            media_type: 5,
            priority: 0,
        },
        feature: CallFeature::Inbound,
        route: vec![SkillId::new(1).unwrap(), SkillId::new(2).unwrap()],
        arrived: Timestamp::from_millis(arrived),
        ended: Timestamp::from_millis(arrived + 95_000),
        outcome,
        offered_to: vec![WorkNo::new(102).unwrap()],
        talked: Vec::new(),
        supervision: Vec::new(),
    }
}
