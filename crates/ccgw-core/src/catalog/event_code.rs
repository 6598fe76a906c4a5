//! Huawei event identifiers (spec 03 §2), spelled exactly as the product spells them.

use crate::event::AgentEvent;

pub fn event_type(event: &AgentEvent) -> &'static str {
    match event {
        AgentEvent::InService => "AgentOther_InService",
        AgentEvent::ShutdownService { .. } => "AgentOther_ShutdownService",
        AgentEvent::QcAgentStateNotify { .. } => "QC_AgentState_Notify",
        AgentEvent::Ready => "AgentState_Ready",
        AgentEvent::Occupied => "AgentState_Busy",
        AgentEvent::NotReady { .. } => "AgentState_SetNotReady_Success",
        AgentEvent::CancelNotReady => "AgentState_CancelNotReady_Success",
        AgentEvent::SetRest { .. } => "AgentState_SetRest_Success",
        AgentEvent::CancelRest => "AgentState_CancelRest_Success",
        AgentEvent::RestTimeout => "AgentState_Rest_Timeout",
        AgentEvent::SetWork => "AgentState_SetWork_Success",
        AgentEvent::CancelWork => "AgentState_CancelWork_Success",
        AgentEvent::Work => "AgentState_Work",
        AgentEvent::IncomingCallInfo(_) => "AgentEvent_Incoming_CallInfo",
        AgentEvent::AllAgentsBusy { .. } => "AgentOther_All_Agent_Busy",
        AgentEvent::Note => "AgentOther_Note",
        AgentEvent::PhoneAlerting => "AgentOther_PhoneAlerting",
        AgentEvent::PhoneOffhook => "AgentOther_PhoneOffhook",
        AgentEvent::PhoneRelease(_) => "AgentOther_PhoneRelease",
        AgentEvent::Ringing(_) => "AgentEvent_Ringing",
        AgentEvent::AutoAnswer(_) => "AgentEvent_Auto_Answer",
        AgentEvent::CustomerAlerting { .. } => "AgentEvent_Customer_Alerting",
        AgentEvent::Talking(_) => "AgentEvent_Talking",
        AgentEvent::NoAnswer(_) => "AgentEvent_No_Answer",
        AgentEvent::CallRelease(_) => "AgentEvent_Call_Release",
        AgentEvent::CustomerRelease { .. } => "AgentEvent_Customer_Release",
        AgentEvent::Hold(_) => "AgentEvent_Hold",
        AgentEvent::CallOutFail(_) => "AgentEvent_Call_Out_Fail",
        AgentEvent::InsideCallFail(_) => "AgentEvent_Inside_Call_Fail",
        AgentEvent::ConsultFail(_) => "AgentEvent_Consult_Fail",
        AgentEvent::ConnectFail(_) => "AgentEvent_Connect_Fail",
        AgentEvent::OutboundDetect { .. } => "OUTBOUND_DETECT_EVENT",
        AgentEvent::Conference { .. } => "AgentEvent_Conference",
        AgentEvent::SuccTransResult { .. } => "AgentEvent_SuccTransResult",
        AgentEvent::ReturnFromIvr(_) => "AgentEvent_ReturnFromIvr",
    }
}
