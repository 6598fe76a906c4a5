//! How the rest of ccgw talks to the engine: a cheap, cloneable handle that sends one
//! request at a time into the engine task and awaits its reply.

use std::sync::Arc;

use ccgw_core::{AgentProfile, CallId, Guid, InitialState, PhoneNumber, Refusal, Timestamp, WorkNo};
use tokio::sync::{mpsc, oneshot};

use crate::error::EngineError;
use crate::mailbox::Mailbox;

/// A sign-in whose password has been verified against the directory.
#[derive(Debug, Clone)]
pub struct SignInRequest {
    pub profile: AgentProfile,
    pub phone: PhoneNumber,
    pub auto_answer: bool,
    pub auto_enter_idle: bool,
    pub initial: InitialState,
    pub force: bool,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub guid: Guid,
    pub login_time: Timestamp,
}

/// What a signed-in agent asks for; every action first passes the Guid check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    /// Event poll: may rotate the Guid.
    Poll,
    /// Push-mode heartbeat: may rotate the Guid.
    Handshake,
    UpdateGuid,
    Status,
    Logout,
    ForceLogout {
        reason: Option<u16>,
    },
    Answer {
        call: Option<CallId>,
    },
    Release,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Done,
    /// A Guid for the client to switch to (`Set-GUID`), if any.
    Guid(Option<Guid>),
    Poll {
        mailbox: Arc<Mailbox>,
        hand_out: Option<Guid>,
    },
    Status {
        state_code: u8,
        in_call: bool,
    },
    SignedIn(SignedIn),
}

#[derive(Debug)]
pub(crate) enum Request {
    SignIn(Box<SignInRequest>),
    Act { work_no: WorkNo, guid: Option<String>, action: AgentAction },
}

#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) request: Request,
    pub(crate) reply: oneshot::Sender<Result<Reply, Refusal>>,
}

#[derive(Debug, Clone)]
pub struct EngineHandle {
    pub(crate) requests: mpsc::Sender<Envelope>,
}

impl EngineHandle {
    async fn send(&self, request: Request) -> Result<Reply, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.requests.send(Envelope { request, reply }).await.map_err(|_| EngineError::Stopped)?;
        answer.await.map_err(|_| EngineError::Stopped)?.map_err(EngineError::Refused)
    }

    pub async fn sign_in(&self, request: SignInRequest) -> Result<SignedIn, EngineError> {
        match self.send(Request::SignIn(Box::new(request))).await? {
            Reply::SignedIn(signed_in) => Ok(signed_in),
            _ => Err(EngineError::Stopped),
        }
    }

    pub async fn act(&self, work_no: WorkNo, guid: Option<String>, action: AgentAction) -> Result<Reply, EngineError> {
        self.send(Request::Act { work_no, guid, action }).await
    }
}
