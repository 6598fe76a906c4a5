//! Why the domain refuses a request. Each variant has exactly one Huawei retcode
//! (`catalog::retcode`), and the api renders it with HTTP 200.

use thiserror::Error;

use crate::ids::WorkNo;

#[derive(Debug, Clone, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    #[error("agent not signed in")]
    NotSignedIn,
    #[error("Guid missing, wrong or expired")]
    GuidInvalid,
    #[error("agent already signed in")]
    AlreadySignedIn,
    #[error("forced sign-in is disabled")]
    ForceLoginDisabled,
    #[error("a sign-in for this agent is in progress")]
    SignInInProgress,
    #[error("wrong work number or password")]
    BadCredentials,
    #[error("the gateway is shutting down: sign in again once it is back")]
    ShuttingDown,
    #[error("too many requests from this agent: retry in {retry_after_ms} ms")]
    TooFrequent { retry_after_ms: u64 },
    #[error("sign-in parameter invalid: {0}")]
    SignInParameter(String),
    #[error("phone number invalid")]
    PhoneInvalid,
    /// The switch needs the agent's phone reachable at sign-in and it is not.
    #[error("phone number invalid: {0} is not registered")]
    PhoneNotRegistered(String),
    #[error("sign-out parameter invalid: {0}")]
    SignOutParameter(String),
    #[error("parameter invalid: {0}")]
    InvalidParameter(String),
    #[error("cannot sign out while talking")]
    SignOutInCall,
    #[error("the agent state does not allow this operation")]
    StateForbids,
    #[error("no call to answer")]
    NoCallToAnswer,
    #[error("no call to release")]
    NoCallToRelease,
    #[error("the agent receives events by push, not by polling")]
    PushModePolling,
    #[error("the number cannot be dialled: 1-24 of digits, * and #")]
    NumberInvalid,
    #[error("no idle agent in the skill queue")]
    NoIdleAgent,
    #[error("no call to hold")]
    NoCallToHold,
    #[error("the call cannot be held now")]
    HoldNotPossible,
    #[error("no held call")]
    NoHeldCall,
    #[error("the held call cannot be retrieved while another call is active")]
    RetrieveNotPossible,
    #[error("no call to mute")]
    NoCallToMute,
    #[error("the call cannot be muted now")]
    MuteNotPossible,
    #[error("no call to unmute")]
    NoCallToUnmute,
    #[error("the call is not muted")]
    UnmuteNotPossible,
    #[error("no talking call to send digits into")]
    NoCallForDigits,
    #[error("video is not supported: ccgw carries voice calls only")]
    MediaNotSupported,
    #[error("no text channel: ccgw carries voice calls only")]
    NoTextChannel,
    #[error("QC: no right (only an inspector supervises agents)")]
    QcNoRight,
    #[error("QC: agent {0} is not signed in to the inspector's VDN")]
    QcNoAgent(crate::ids::WorkNo),
    #[error("QC: the agent to inspect is the inspector itself")]
    QcSelf,
    #[error("QC: the agent's state does not allow this")]
    QcStateError,
    /// A call supervision request that does not fit where inspector and agent are.
    #[error("QC: {0}")]
    QcCannot(String),
    #[error("QC: resource unavailable: {0}")]
    QcBusy(String),
    /// An interface of the Huawei API that ccgw does not provide (yet): what, and why.
    #[error("not supported by ccgw: {0}")]
    NotProvided(String),
    #[error("not supported on this switch: {0}")]
    NotOnThisSwitch(crate::center::SwitchFeature),
    #[error("no talking call to consult about")]
    NoCallToConsult,
    #[error("three-party: no talking call")]
    ConferenceNoCall,
    #[error("three-party: no such held call")]
    ConferenceNoHeldCall,
    #[error("connect held call: no talking call")]
    ConnectHoldNoCall,
    #[error("connect held call: no such held call")]
    ConnectHoldNoHeldCall,
    #[error("the number is not a party of the agent's current call, or may not be released by it")]
    PartyNotInCall,
    #[error("transfer: no talking call")]
    NoCallToTransfer,
    #[error("transfer not possible: {0}")]
    TransferNotPossible(std::borrow::Cow<'static, str>),
    #[error("transfer target not available: {0}")]
    TransferTargetUnavailable(String),
    #[error("no transfer or consultation to cancel")]
    NoTransferToCancel,
    #[error("no call to take: {0}")]
    NoCallToTake(String),
    #[error("report sound: no talking call")]
    NoCallToReportSound,
    #[error("no such call at the agent")]
    NoCallForCallData,
    #[error("nothing to set")]
    NoCallDataToSet,
    #[error("no held call")]
    NoHeldCallToList,
    /// A query about an agent that is not signed in to the asker's VDN.
    #[error("no signed-in agent {0} in this VDN")]
    AgentNotInVdn(WorkNo),
}
