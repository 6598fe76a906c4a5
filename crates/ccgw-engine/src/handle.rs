//! How the rest of ccgw talks to the engine: a cheap, cloneable handle that sends one
//! request at a time into the engine task and awaits its reply.

use std::sync::Arc;

use ccgw_core::{
    AgentProfile, BulletinTarget, CallId, CallRequest, Center, ConsultRequest, Guid, InitialState, Note, NoteDelivery,
    PhoneNumber, QueueChoice, Refusal, SkillGrant, SkillProfile, StateCommand, Timestamp, TransferRequest, WorkNo,
};
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
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
    /// `saybusy` … `cancelwork`.
    State(StateCommand),
    AutoAnswer(bool),
    AutoEnterIdle(bool),
    TalkRight(bool),
    /// `resetskill`: the skills to serve, already narrowed to the configured ones.
    ResetSkills(Vec<SkillGrant>),
    /// `sendnotelet` / `sendnoteletex`.
    SendNote {
        to: Vec<WorkNo>,
        content: String,
    },
    /// `notifybulletin`.
    Bulletin {
        target: BulletinTarget,
        content: String,
    },
    /// Reads (and forgets) the agent's unread notes.
    TakeNotes,
    /// `callout`, `callinner`, `callinnerskill`: replies with the new call's id.
    PlaceCall(CallRequest),
    Hold,
    /// `gethold[?callid=]`.
    Retrieve {
        call: Option<CallId>,
    },
    /// `beginmute` (true) / `endmute` (false).
    Mute(bool),
    /// `seconddial`: DTMF digits into the current call.
    Digits(String),
    /// `dropcall/{callid}`.
    DropCall(CallId),
    PhonePickup,
    /// `releasephone`: hang up every call.
    ReleasePhone,
    /// `innerhelp`: replies with the consultation call's id.
    Consult(ConsultRequest),
    /// `confjoin`: the current call and this held call become a conference.
    Conference(CallId),
    /// `connecthold/{callid}`: connect the current call with this held call and leave.
    ConnectHeld(CallId),
    /// `disconnect/{number}`: release one party of the current call.
    Disconnect(String),
    Transfer(TransferRequest),
    CancelTransfer,
    /// `snatchpickup?destWorkNo=`: answer the customer call ringing at that agent.
    SnatchPickup(WorkNo),
    /// `requestcall/{callid}/{skilltype}`: have that waiting call offered now.
    RequestCall {
        call: CallId,
        queue: QueueChoice,
    },
    /// `thirdPartyConfTransmitNum`: DTMF digits, if any, into the agent's three-party call.
    ConferenceDigits(Option<String>),
    /// `PUT calldata`, `setcalldataex`, `setcallbusinessdata`: writes on one of the
    /// agent's calls (its current call when `call` is `None`).
    SetCallData {
        call: Option<CallId>,
        field: ccgw_core::CallDataField,
        value: String,
    },
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
    Delivery(NoteDelivery),
    Notes(Vec<Note>),
    /// The id of a call the agent placed.
    Placed(CallId),
}

/// A read-only look at the center, run inside the engine task after the Guid check.
pub(crate) type Query = Box<dyn FnOnce(&Center, Timestamp) + Send>;

pub(crate) enum Request {
    SignIn(Box<SignInRequest>),
    Act {
        work_no: WorkNo,
        guid: Option<String>,
        action: AgentAction,
    },
    /// Runs `query` for a signed-in agent that presented a valid Guid.
    Query {
        work_no: WorkNo,
        guid: Option<String>,
        query: Query,
    },
    /// Runs `query` with no agent (extension API, metrics).
    Inspect(Query),
    ConfigureSkills(Vec<SkillProfile>),
    ConfigureRouting(ccgw_core::RoutingTable),
    /// Ends every live call with an outcome, then stops the engine.
    Shutdown,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::SignIn(request) => f.debug_tuple("SignIn").field(&request.profile.work_no).finish(),
            Request::Act { work_no, action, .. } => {
                f.debug_struct("Act").field("work_no", work_no).field("action", action).finish()
            }
            Request::Query { work_no, .. } => f.debug_struct("Query").field("work_no", work_no).finish(),
            Request::Inspect(_) => f.write_str("Inspect"),
            Request::ConfigureSkills(skills) => f.debug_tuple("ConfigureSkills").field(&skills.len()).finish(),
            Request::ConfigureRouting(_) => f.write_str("ConfigureRouting"),
            Request::Shutdown => f.write_str("Shutdown"),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) request: Request,
    pub(crate) reply: oneshot::Sender<Result<Reply, Refusal>>,
}

#[derive(Clone)]
pub struct EngineHandle {
    pub(crate) requests: mpsc::Sender<Envelope>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineHandle").finish_non_exhaustive()
    }
}

impl EngineHandle {
    /// The engine's time, read without a round trip (the same clock the engine uses).
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

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

    /// Reads the center on behalf of a signed-in agent (after its Guid check). `read`
    /// runs inside the engine task: keep it short, and copy out what it needs.
    pub async fn query<R, F>(&self, work_no: WorkNo, guid: Option<String>, read: F) -> Result<R, EngineError>
    where
        R: Send + 'static,
        F: FnOnce(&Center, WorkNo, Timestamp) -> Result<R, Refusal> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let query: Query = Box::new(move |center, now| {
            let _ = tx.send(read(center, work_no, now));
        });
        self.send(Request::Query { work_no, guid, query }).await?;
        rx.await.map_err(|_| EngineError::Stopped)?.map_err(EngineError::Refused)
    }

    /// Reads the center without an agent (the extension API).
    pub async fn inspect<R, F>(&self, read: F) -> Result<R, EngineError>
    where
        R: Send + 'static,
        F: FnOnce(&Center, Timestamp) -> R + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let query: Query = Box::new(move |center, now| {
            let _ = tx.send(read(center, now));
        });
        self.send(Request::Inspect(query)).await?;
        rx.await.map_err(|_| EngineError::Stopped)
    }

    /// Ends every live call with its outcome (handed to the recorder) and stops the
    /// engine: after this returns, no call record is produced any more.
    pub async fn shut_down(&self) -> Result<(), EngineError> {
        self.send(Request::Shutdown).await.map(|_| ())
    }

    /// Replaces the skill configuration the distribution uses.
    pub async fn configure_skills(&self, skills: Vec<SkillProfile>) -> Result<(), EngineError> {
        self.send(Request::ConfigureSkills(skills)).await.map(|_| ())
    }

    /// Replaces the routing table that customer calls reported by number are routed by.
    pub async fn configure_routing(&self, routing: ccgw_core::RoutingTable) -> Result<(), EngineError> {
        self.send(Request::ConfigureRouting(routing)).await.map(|_| ())
    }
}
