//! Why the domain refuses a request. Each variant has exactly one Huawei retcode
//! (`catalog::retcode`), and the api renders it with HTTP 200.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
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
    #[error("sign-in parameter invalid: {0}")]
    SignInParameter(String),
    #[error("phone number invalid")]
    PhoneInvalid,
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
}
