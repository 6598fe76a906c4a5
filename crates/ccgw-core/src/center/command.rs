//! Commands as data: what a signed-in agent asks the center to do, and what comes of
//! it. [`Center::apply`] is the one entry point that carries any of them out, so the
//! runtime (and later a remote node) hands commands over without knowing each one.

use serde::{Deserialize, Serialize};

use super::{
    BulletinTarget, CallDataField, CallRequest, Center, ConsultRequest, Effects, NoteDelivery, QueueChoice, SignOut,
    StateCommand, TransferRequest,
};
use crate::agent::Note;
use crate::directory::SkillGrant;
use crate::ids::{CallId, WorkNo};
use crate::refusal::Refusal;
use crate::time::Timestamp;

/// What a signed-in agent asks the center to do (its Guid already checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `logout`.
    Logout,
    /// `forcelogout[withreason/{reason}]`; no reason is reason 0.
    ForceLogout {
        reason: Option<u16>,
    },
    /// `answer[?callid=]`.
    Answer {
        call: Option<CallId>,
    },
    /// `release`.
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
    /// `callout`, `callinner`, `callinnerskill`: comes out as the new call's id.
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
    /// `innerhelp`: comes out as the consultation call's id.
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
    /// `bindphone`: the agent works with this phone from now on (its sign-in's phone).
    BindPhone(crate::ids::PhoneNumber),
    /// An inspector's quality-control command (`qualitycontrol/…`).
    Supervise(super::QcCommand),
    /// `PUT calldata`, `setcalldataex`, `setcallbusinessdata`: writes on one of the
    /// agent's calls (its current call when `call` is `None`).
    SetCallData {
        call: Option<CallId>,
        field: CallDataField,
        value: String,
    },
}

/// What an accepted command answers besides its effects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    /// The id of the call the command placed.
    Placed(CallId),
    /// Whom a note or bulletin reached.
    Delivery(NoteDelivery),
    /// The unread notes, oldest first.
    Notes(Vec<Note>),
}

impl Center {
    /// Carries out `command` for `actor` at `now`: its outcome and the effects the
    /// runtime must carry out, or why it was refused (the center unchanged then).
    /// Commands that place a call take its id from `new_call_id` (the switch's
    /// sequence); a transfer takes one whatever its mode, as only some modes use it.
    pub fn apply(
        &mut self,
        actor: WorkNo,
        command: Command,
        now: Timestamp,
        new_call_id: &mut dyn FnMut() -> CallId,
    ) -> Result<(Outcome, Effects), Refusal> {
        if let Some(missing) = self.settings.switch_features.missing_for(&command) {
            return Err(Refusal::NotOnThisSwitch(missing));
        }
        let done = |fx: Effects| (Outcome::Done, fx);
        match command {
            Command::Logout => self.sign_out(actor, SignOut::Logout, now).map(done),
            Command::ForceLogout { reason } => {
                self.sign_out(actor, SignOut::Forced { reason: reason.unwrap_or(0) }, now).map(done)
            }
            Command::Answer { call } => self.answer(actor, call.as_ref(), now).map(done),
            Command::Release => self.release(actor, now).map(done),
            Command::State(command) => self.change_state(actor, command, now).map(done),
            Command::AutoAnswer(on) => self.set_auto_answer(actor, on).map(|()| done(Effects::new())),
            Command::AutoEnterIdle(on) => self.set_auto_enter_idle(actor, on).map(|()| done(Effects::new())),
            Command::TalkRight(on) => self.set_talk_right(actor, on, now).map(done),
            Command::ResetSkills(skills) => self.reset_skills(actor, skills, now).map(done),
            Command::SendNote { to, content } => {
                let vdn = self.agent(actor).ok_or(Refusal::NotSignedIn)?.profile().vdn;
                let (fx, delivery) = self.send_note(vdn, Some(actor), &to, &content, now);
                Ok((Outcome::Delivery(delivery), fx))
            }
            Command::Bulletin { target, content } => {
                let vdn = self.agent(actor).ok_or(Refusal::NotSignedIn)?.profile().vdn;
                let (fx, delivery) = self.send_bulletin(vdn, actor, target, &content, now);
                Ok((Outcome::Delivery(delivery), fx))
            }
            Command::TakeNotes => self.take_notes(actor).map(|notes| (Outcome::Notes(notes), Effects::new())),
            Command::PlaceCall(request) => {
                let id = new_call_id();
                self.place_call(actor, id.clone(), request, now).map(|fx| (Outcome::Placed(id), fx))
            }
            Command::Hold => self.hold(actor, now).map(done),
            Command::Retrieve { call } => self.retrieve(actor, call.as_ref(), now).map(done),
            Command::Mute(on) => self.mute(actor, on, now).map(done),
            Command::Digits(digits) => self.send_digits(actor, &digits, now).map(done),
            Command::DropCall(call) => self.drop_call(actor, &call, now).map(done),
            Command::PhonePickup => self.phone_pickup(actor, now).map(done),
            Command::ReleasePhone => self.release_phone(actor, now).map(done),
            Command::Consult(request) => {
                let id = new_call_id();
                self.consult(actor, id.clone(), request, now).map(|fx| (Outcome::Placed(id), fx))
            }
            Command::Conference(call) => self.conference(actor, &call, now).map(done),
            Command::ConnectHeld(call) => self.connect_held(actor, &call, now).map(done),
            Command::Disconnect(number) => self.disconnect(actor, &number, now).map(done),
            Command::Transfer(request) => self.transfer(actor, new_call_id(), request, now).map(done),
            Command::CancelTransfer => self.cancel_transfer(actor, now).map(done),
            Command::SnatchPickup(target) => self.snatch_pickup(actor, target, now).map(done),
            Command::RequestCall { call, queue } => self.request_call(actor, &call, queue, now).map(done),
            Command::ConferenceDigits(digits) => self.conference_digits(actor, digits.as_deref(), now).map(done),
            Command::Supervise(command) => self.supervise(actor, command, now).map(done),
            Command::BindPhone(phone) => self.bind_phone(actor, phone).map(done),
            Command::SetCallData { call, field, value } => {
                self.set_call_data(actor, call.as_ref(), field, value).map(|()| done(Effects::new()))
            }
        }
    }
}
