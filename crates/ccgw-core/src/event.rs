//! What an agent is told. Domain events carry typed content; `catalog::event_code` names
//! them and the api renders their JSON content exactly as the Huawei pages show it.

use crate::ids::{CallId, SkillId, WorkNo};
use crate::time::Timestamp;

/// Which of the call types of spec 04 §5.1 a call is (`feature` in events). It stays
/// bound to the call id for the call's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CallFeature {
    Inbound,
    Internal,
    Outbound,
    ConsultTwoParty,
    ConsultThreeParty,
}

impl CallFeature {
    pub const ALL: [CallFeature; 5] = [
        CallFeature::Inbound,
        CallFeature::Internal,
        CallFeature::Outbound,
        CallFeature::ConsultTwoParty,
        CallFeature::ConsultThreeParty,
    ];

    pub fn code(self) -> u8 {
        match self {
            CallFeature::Inbound => 0,
            CallFeature::Internal => 6,
            CallFeature::Outbound => 7,
            CallFeature::ConsultTwoParty => 51,
            CallFeature::ConsultThreeParty => 52,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|feature| feature.code() == code)
    }

    /// Calls between agents of the center: not transferable, not mutable (spec 04 §2.3).
    pub fn is_internal(self) -> bool {
        matches!(self, CallFeature::Internal | CallFeature::ConsultTwoParty | CallFeature::ConsultThreeParty)
    }
}

/// The call facts that Ringing, Auto_Answer and Talking carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    pub call: CallId,
    pub caller: String,
    pub called: String,
    pub feature: CallFeature,
    /// Skill media type (spec 02 §4.8); 5 = audio/video call.
    pub media_type: u8,
    /// `Some(source)` when the call reached the agent by transfer.
    pub transferred_from: Option<String>,
}

/// What `AgentEvent_Incoming_CallInfo` tells about a call about to be offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    pub call: CallId,
    pub skill: SkillId,
    pub skill_name: String,
    pub caller: String,
    pub called: String,
    /// The last agent who was offered the call and did not take it.
    pub last_release_agent: Option<WorkNo>,
    pub media_type: u8,
    /// How many times the call went back to its queue after an offer.
    pub requeue_count: u32,
}

/// Who put the phone on-hook (`phoneState` of `AgentOther_PhoneRelease`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneReleasedBy {
    Agent,
    Platform,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentEvent {
    /// `AgentOther_InService`: first event of a sign-in.
    InService,
    /// `AgentOther_ShutdownService`: the sign-in that began at `login_time` has ended by force.
    ShutdownService { login_time: Timestamp },
    /// `QC_AgentState_Notify`, to an inspector: an agent it monitors signed in or out
    /// (`QC_AgentState_Login`, `…_Logout`) or changed state (see `qc_subtype`).
    QcAgentStateNotify { agent: WorkNo, subtype: &'static str },
    /// `AgentOther_BeQcStart`, to an inspected agent: an inspector began (or switched to)
    /// listening, inserting or whispering.
    BeQcStart { inspector: WorkNo, qc_type: u32 },
    /// `AgentOther_BeQcStop`: the inspection ended.
    BeQcStop { inspector: WorkNo, qc_type: u32 },
    /// `AgentState_Ready`: the agent is idle.
    Ready,
    /// `AgentState_Busy`: the agent is occupied by a call (not the `saybusy` state).
    Occupied,
    /// `AgentState_SetNotReady_Success`: not-ready took effect with this busy reason.
    NotReady { reason: u16 },
    /// `AgentState_CancelNotReady_Success`: busy ended.
    CancelNotReady,
    /// `AgentState_SetRest_Success`: rest took effect with this rest cause.
    SetRest { cause: u8 },
    /// `AgentState_CancelRest_Success`.
    CancelRest,
    /// `AgentState_Rest_Timeout`: the rest time is over; the agent stays in rest.
    RestTimeout,
    /// `AgentState_SetWork_Success`: wrap-up entered on request.
    SetWork,
    /// `AgentState_CancelWork_Success`: wrap-up left.
    CancelWork,
    /// `AgentState_Work`: wrap-up after a call or at sign-in.
    Work,
    /// `AgentEvent_Incoming_CallInfo`: a queued call is about to be offered to this agent.
    IncomingCallInfo(IncomingCall),
    /// `AgentOther_All_Agent_Busy`: a call of one of the agent's skills has to wait,
    /// because no agent of that skill is idle; `waiting` calls wait there now.
    AllAgentsBusy { skill: SkillId, waiting: u32 },
    /// `AgentOther_Note`: a note or bulletin arrived (read it with `notelets`).
    Note,
    /// `AgentOther_PhoneAlerting`.
    PhoneAlerting,
    /// `AgentOther_PhoneOffhook`.
    PhoneOffhook,
    /// `AgentOther_PhoneRelease`.
    PhoneRelease(PhoneReleasedBy),
    /// `AgentEvent_Ringing`: offered, answer manually.
    Ringing(CallInfo),
    /// `AgentEvent_Auto_Answer`: offered and answered automatically.
    AutoAnswer(CallInfo),
    /// `AgentEvent_Customer_Alerting`.
    CustomerAlerting { call: CallId, other_phone: String },
    /// `AgentEvent_Talking`.
    Talking(CallInfo),
    /// `AgentEvent_No_Answer`: the offer was taken back after the ring timeout.
    NoAnswer(CallId),
    /// `AgentEvent_Call_Release`: the agent left the call.
    CallRelease(CallId),
    /// `AgentEvent_Customer_Release`: the party `number` left the call.
    CustomerRelease { call: CallId, number: String },
    /// `AgentEvent_Hold`: the agent put the call on hold.
    Hold(CallId),
    /// `AgentEvent_Call_Out_Fail`: a call-out failed.
    CallOutFail(CallId),
    /// `AgentEvent_Inside_Call_Fail`: an internal call failed.
    InsideCallFail(CallId),
    /// `AgentEvent_Consult_Fail`: a consultation call failed.
    ConsultFail(CallId),
    /// `AgentEvent_Connect_Fail`: the agent's leg of a call failed to connect.
    ConnectFail(CallId),
    /// `OUTBOUND_DETECT_EVENT`: why a call-out failed.
    OutboundDetect { call: CallId, detect: u32, desc: &'static str },
    /// `AgentEvent_Conference`: a three-party call formed with `partners`.
    Conference { call: CallId, partners: Vec<String> },
    /// `AgentEvent_SuccTransResult`: how a success transfer (mode 2) ended.
    SuccTransResult { call: CallId, ok: bool },
    /// `AgentEvent_ReturnFromIvr`: the call the agent suspended in an IVR flow is back.
    ReturnFromIvr(CallId),
}
