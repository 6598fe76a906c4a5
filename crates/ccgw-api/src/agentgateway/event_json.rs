//! Event JSON exactly as the Huawei pages show it (spec 03): one event object per poll,
//! `workNo` a numeric string, `eventGenTime` in ms (as on the 2025 pages), each content
//! field in the type and key order of the official example.

use ccgw_core::catalog::event_code::event_type;
use ccgw_core::{AgentEvent, CallInfo, PhoneReleasedBy};
use ccgw_engine::Delivered;
use serde::Serialize;

#[derive(Serialize)]
struct PollAnswer<'a> {
    message: &'a str,
    retcode: &'a str,
    event: EventBody<'a>,
}

/// The event object of a poll answer; also each event of the extension API's reads.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventBody<'a> {
    event_type: &'a str,
    event_gen_time: u64,
    work_no: String,
    content: Option<Content<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Content<'a> {
    CallId(&'a str),
    Offered(Offered<'a>),
    Talking(Talking<'a>),
    CustomerAlerting(CustomerAlerting<'a>),
    CustomerRelease {
        callid: &'a str,
        number: &'a str,
    },
    PhoneRelease {
        #[serde(rename = "phoneState")]
        phone_state: u8,
    },
    PhoneOffhook {
        #[serde(rename = "type")]
        kind: &'a str,
    },
    Shutdown {
        #[serde(rename = "loginTime")]
        login_time: String,
    },
    /// `QC_AgentState_Notify` (spec 06 §3): `agentname` is the work number, as in the
    /// official example; `mediaserver` names ccgw.
    QcNotify {
        subtype: &'a str,
        monitoredagent: String,
        agentname: String,
        mediaserver: &'a str,
    },
    Reason {
        reason: String,
    },
    /// `AgentOther_BeQcStart`/`BeQcStop` (spec 03): both JSON numbers, as documented.
    #[serde(rename_all = "camelCase")]
    Qc {
        qc_type: u32,
        qc_agent_id: u32,
    },
    IncomingCallInfo(IncomingCallInfo<'a>),
    AllAgentsBusy {
        #[serde(rename = "skillId")]
        skill_id: u32,
        #[serde(rename = "waitNum")]
        wait_num: u32,
    },
    /// `OUTBOUND_DETECT_EVENT`: `detect` is a JSON number on the official page.
    OutboundDetect {
        #[serde(rename = "callId")]
        call_id: &'a str,
        detect: u32,
        desc: &'a str,
    },
    Conference {
        callid: &'a str,
        partner: String,
    },
    /// `AgentEvent_SuccTransResult`: `result` is a JSON number, 0 for success.
    SuccTransResult {
        result: u8,
        #[serde(rename = "callId")]
        call_id: &'a str,
    },
}

/// Keys and types of the official `AgentEvent_Incoming_CallInfo` example.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IncomingCallInfo<'a> {
    call_id: &'a str,
    skill_name: &'a str,
    skill_id: u32,
    caller: &'a str,
    called: &'a str,
    last_release_agent_id: u32,
    media_type: u8,
    release_and_re_queue_count: u32,
    release_and_re_queue_call_flag: u8,
}

/// `lastReleaseAgentId` when no agent released the call before.
const NO_AGENT: u32 = 65535;

/// `mediaType` is a string in Ringing and a number in Auto_Answer (official examples).
#[derive(Serialize)]
#[serde(untagged)]
enum MediaType {
    Text(String),
    Number(u8),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Offered<'a> {
    caller: &'a str,
    transfer: &'a str,
    callid: &'a str,
    transfrom: &'a str,
    called: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    media_type: MediaType,
    media_ability: &'a str,
    feature: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Talking<'a> {
    caller: &'a str,
    callid: &'a str,
    called: &'a str,
    feature: String,
    #[serde(rename = "type")]
    kind: &'a str,
    media_ability: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomerAlerting<'a> {
    callid: &'a str,
    other_phone_workno: &'a str,
    other_phone: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

const MAIN: &str = "main";
const VOICE: &str = "1";

fn offered(info: &CallInfo, auto: bool) -> Content<'_> {
    let media_type =
        if auto { MediaType::Number(info.media_type) } else { MediaType::Text(info.media_type.to_string()) };
    Content::Offered(Offered {
        caller: &info.caller,
        transfer: if info.transferred_from.is_some() { "yes" } else { "no" },
        callid: info.call.as_str(),
        transfrom: info.transferred_from.as_deref().unwrap_or(""),
        called: &info.called,
        kind: MAIN,
        media_type,
        media_ability: VOICE,
        feature: info.feature.code().to_string(),
    })
}

fn content(event: &AgentEvent) -> Option<Content<'_>> {
    match event {
        AgentEvent::InService
        | AgentEvent::Ready
        | AgentEvent::Occupied
        | AgentEvent::Work
        | AgentEvent::CancelNotReady
        | AgentEvent::CancelRest
        | AgentEvent::RestTimeout
        | AgentEvent::SetWork
        | AgentEvent::CancelWork
        | AgentEvent::Note
        | AgentEvent::PhoneAlerting => None,
        AgentEvent::SetRest { cause } => Some(Content::Reason { reason: cause.to_string() }),
        AgentEvent::IncomingCallInfo(incoming) => Some(Content::IncomingCallInfo(IncomingCallInfo {
            call_id: incoming.call.as_str(),
            skill_name: &incoming.skill_name,
            skill_id: incoming.skill.get(),
            caller: &incoming.caller,
            called: &incoming.called,
            last_release_agent_id: incoming.last_release_agent.map_or(NO_AGENT, |agent| agent.get()),
            media_type: incoming.media_type,
            release_and_re_queue_count: incoming.requeue_count,
            release_and_re_queue_call_flag: u8::from(incoming.requeue_count > 0),
        })),
        AgentEvent::AllAgentsBusy { skill, waiting } => {
            Some(Content::AllAgentsBusy { skill_id: skill.get(), wait_num: *waiting })
        }
        AgentEvent::ShutdownService { login_time } => {
            Some(Content::Shutdown { login_time: login_time.as_millis().to_string() })
        }
        AgentEvent::QcAgentStateNotify { agent, subtype } => Some(Content::QcNotify {
            subtype,
            monitoredagent: agent.to_string(),
            agentname: agent.to_string(),
            mediaserver: "ccgw",
        }),
        AgentEvent::BeQcStart { inspector, qc_type } | AgentEvent::BeQcStop { inspector, qc_type } => {
            Some(Content::Qc { qc_type: *qc_type, qc_agent_id: inspector.get() })
        }
        AgentEvent::NotReady { reason } => Some(Content::Reason { reason: reason.to_string() }),
        AgentEvent::PhoneOffhook => Some(Content::PhoneOffhook { kind: MAIN }),
        AgentEvent::PhoneRelease(by) => Some(Content::PhoneRelease {
            phone_state: match by {
                PhoneReleasedBy::Agent => 2,
                PhoneReleasedBy::Platform => 3,
            },
        }),
        AgentEvent::Ringing(info) => Some(offered(info, false)),
        AgentEvent::AutoAnswer(info) => Some(offered(info, true)),
        AgentEvent::Talking(info) => Some(Content::Talking(Talking {
            caller: &info.caller,
            callid: info.call.as_str(),
            called: &info.called,
            feature: info.feature.code().to_string(),
            kind: MAIN,
            media_ability: VOICE,
        })),
        AgentEvent::CustomerAlerting { call, other_phone } => Some(Content::CustomerAlerting(CustomerAlerting {
            callid: call.as_str(),
            other_phone_workno: "",
            other_phone,
            kind: MAIN,
        })),
        AgentEvent::NoAnswer(call)
        | AgentEvent::CallRelease(call)
        | AgentEvent::Hold(call)
        | AgentEvent::CallOutFail(call)
        | AgentEvent::InsideCallFail(call)
        | AgentEvent::ConsultFail(call)
        | AgentEvent::ConnectFail(call)
        | AgentEvent::ReturnFromIvr(call) => Some(Content::CallId(call.as_str())),
        AgentEvent::OutboundDetect { call, detect, desc } => {
            Some(Content::OutboundDetect { call_id: call.as_str(), detect: *detect, desc })
        }
        AgentEvent::Conference { call, partners } => {
            Some(Content::Conference { callid: call.as_str(), partner: partners.join(",") })
        }
        AgentEvent::SuccTransResult { call, ok } => {
            Some(Content::SuccTransResult { result: u8::from(!ok), call_id: call.as_str() })
        }
        AgentEvent::CustomerRelease { call, number } => {
            Some(Content::CustomerRelease { callid: call.as_str(), number })
        }
    }
}

/// The event object exactly as a poll answer carries it.
pub(crate) fn event_body(delivered: &Delivered) -> EventBody<'_> {
    EventBody {
        event_type: event_type(&delivered.event),
        event_gen_time: delivered.at.as_millis(),
        work_no: delivered.work_no.to_string(),
        content: content(&delivered.event),
    }
}

/// The whole poll answer carrying one event.
pub(crate) fn poll_answer(delivered: &Delivered) -> Vec<u8> {
    let answer = PollAnswer { message: "", retcode: "0", event: event_body(delivered) };
    serde_json::to_vec(&answer).unwrap_or_else(|_| br#"{"message":"","retcode":"0"}"#.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccgw_core::{CallFeature, CallId, Seq, Timestamp, WorkNo};

    fn delivered(event: AgentEvent) -> String {
        let delivered = Delivered {
            seq: Seq(1),
            work_no: WorkNo::new(291).unwrap(),
            at: Timestamp::from_millis(1_700_000_000_123),
            event,
        };
        String::from_utf8(poll_answer(&delivered)).unwrap()
    }

    fn info() -> CallInfo {
        CallInfo {
            call: CallId::parse("1456404043-37").unwrap(),
            caller: "49997".into(),
            called: "49999".into(),
            feature: CallFeature::Inbound,
            media_type: 5,
            transferred_from: None,
        }
    }

    #[test]
    fn a_content_free_event_has_null_content() {
        assert_eq!(
            delivered(AgentEvent::InService),
            r#"{"message":"","retcode":"0","event":{"eventType":"AgentOther_InService","eventGenTime":1700000000123,"workNo":"291","content":null}}"#
        );
    }

    #[test]
    fn ringing_matches_the_official_example_keys_and_types() {
        let json = delivered(AgentEvent::Ringing(info()));
        assert!(json.contains(r#""content":{"caller":"49997","transfer":"no","callid":"1456404043-37","transfrom":"","called":"49999","type":"main","mediaType":"5","mediaAbility":"1","feature":"0"}"#), "{json}");
        let json = delivered(AgentEvent::AutoAnswer(info()));
        assert!(json.contains(r#""mediaType":5,"#), "{json}");
    }

    #[test]
    fn call_release_content_is_the_bare_call_id_and_phone_release_a_number() {
        assert!(delivered(AgentEvent::CallRelease(info().call)).contains(r#""content":"1456404043-37""#));
        assert!(delivered(AgentEvent::PhoneRelease(PhoneReleasedBy::Agent)).contains(r#""content":{"phoneState":2}"#));
        assert!(delivered(AgentEvent::NotReady { reason: 2 }).contains(r#""content":{"reason":"2"}"#));
        assert!(delivered(AgentEvent::SetRest { cause: 200 }).contains(r#""content":{"reason":"200"}"#));
        assert!(delivered(AgentEvent::RestTimeout).contains(r#""eventType":"AgentState_Rest_Timeout""#));
        let returned = delivered(AgentEvent::ReturnFromIvr(info().call));
        assert!(returned.contains(r#""eventType":"AgentEvent_ReturnFromIvr""#), "{returned}");
        assert!(returned.contains(r#""content":"1456404043-37""#), "{returned}");
    }

    #[test]
    fn incoming_call_info_matches_the_official_example_keys_and_types() {
        let incoming = ccgw_core::IncomingCall {
            call: CallId::parse("1669951418-12166").unwrap(),
            skill: ccgw_core::SkillId::new(1).unwrap(),
            skill_name: "defaultVideoSkill".into(),
            caller: "88880165".into(),
            called: "310300".into(),
            last_release_agent: None,
            media_type: 19,
            requeue_count: 0,
        };
        let json = delivered(AgentEvent::IncomingCallInfo(incoming));
        assert!(
            json.contains(r#""content":{"callId":"1669951418-12166","skillName":"defaultVideoSkill","skillId":1,"caller":"88880165","called":"310300","lastReleaseAgentId":65535,"mediaType":19,"releaseAndReQueueCount":0,"releaseAndReQueueCallFlag":0}"#),
            "{json}"
        );
    }
}
