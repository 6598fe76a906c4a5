//! `/voicecall/{agentid}/…` for two calls at once (spec 04 §2.5–2.11, §2.14):
//! `innerhelp`, `confjoin`, `connecthold/{callid}`, `disconnect/{number}`, `transfer`
//! and `canceltransfer`. The rules of what happens live in `ccgw_core::center`
//! (`consulting`, `transferring`); here the bodies are read.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::{
    CallId, Callee, Command, ConsultRequest, MAX_DIALLED_LEN, Refusal, SkillId, TransferMode, TransferRequest,
    TransferTarget, WorkNo,
};
use serde_json::{Map, Value};

use super::context::{AgentCall, json_object};
use super::voicecall::{act, call_data, caller_field, invalid, media_ability, placed};
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/voicecall/{{agentid}}/{tail}");
    Routes::new()
        .post(&at("innerhelp"), inner_help)
        .post(&at("confjoin"), conference)
        .post(&at("connecthold/{callid}"), connect_held)
        .post(&at("disconnect/{number}"), disconnect)
        .post(&at("transfer"), transfer)
        .post(&at("canceltransfer"), cancel_transfer)
}

/// An integer field with a default when absent.
fn small_integer(object: &Map<String, Value>, name: &'static str, default: i64) -> Result<i64, HuaweiReply> {
    lenient::integer(object, name)
        .map(|value| value.unwrap_or(default))
        .map_err(|_| invalid(&format!("{name} must be an integer")))
}

/// `POST innerhelp` with `{"dstaddress", "devicetype"? (1 skill, 2 agent), "mode"?
/// (1 two-party, 2 three-party), "callappdata"?, "holdflag"?}`: answers the
/// consultation call's id.
async fn inner_help(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let request = json_object(&body).and_then(|object| {
        let address = lenient::string(&object, "dstaddress").map_err(|_| invalid("dstaddress must be a string"))?;
        let address = address.filter(|a| !a.is_empty()).ok_or_else(|| invalid("dstaddress is required"))?;
        let helper = match small_integer(&object, "devicetype", 2)? {
            1 => Callee::Skill(address.parse::<SkillId>().map_err(|_| invalid("dstaddress must be a skill id"))?),
            2 => Callee::Agent(address.parse::<WorkNo>().map_err(|_| invalid("dstaddress must be a work number"))?),
            _ => return Err(invalid("devicetype must be 1 (skill) or 2 (agent)")),
        };
        let three_party = match small_integer(&object, "mode", 1)? {
            1 => false,
            2 => true,
            _ => return Err(invalid("mode must be 1 (two-party) or 2 (three-party)")),
        };
        lenient::boolean(&object, "holdflag").map_err(|_| invalid("holdflag must be a boolean"))?;
        Ok(ConsultRequest { helper, three_party, call_data: call_data(&object)?.unwrap_or_default() })
    });
    let request = match request {
        Ok(request) => request,
        Err(reply) => return reply,
    };
    placed(&state, call, Command::Consult(request)).await
}

/// `POST confjoin` with `{"callid": the held call, "callappdata"?}`.
async fn conference(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    let held = json_object(&body).and_then(|object| {
        call_data(&object)?;
        let id = lenient::string(&object, "callid").map_err(|_| invalid("callid must be a string"))?;
        let id = id.filter(|id| !id.is_empty()).ok_or_else(|| invalid("callid is required"))?;
        CallId::parse(&id).map_err(|_| HuaweiReply::refused(&Refusal::ConferenceNoHeldCall))
    });
    match held {
        Ok(held) => act(&state, call, Command::Conference(held)).await,
        Err(reply) => reply,
    }
}

/// `POST connecthold/{callid}`.
async fn connect_held(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match CallId::parse(call.param("callid").unwrap_or_default()) {
        Ok(held) => act(&state, call, Command::ConnectHeld(held)).await,
        Err(_) => HuaweiReply::refused(&Refusal::ConnectHoldNoHeldCall),
    }
}

/// `POST disconnect/{number}`: a work number, a phone number or a dialled number.
async fn disconnect(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let number = call.param("number").unwrap_or_default().to_owned();
    if number.is_empty() || number.len() > MAX_DIALLED_LEN + 1 {
        return HuaweiReply::refused(&Refusal::PartyNotInCall);
    }
    act(&state, call, Command::Disconnect(number)).await
}

/// `POST canceltransfer`.
async fn cancel_transfer(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    act(&state, call, Command::CancelTransfer).await
}

/// `POST transfer` with `{"devicetype", "address", "mode", "callappdata"?, "caller"?,
/// "mediaability"?, "holdflag"?, "skillId"?}`; the allowed modes per device type are
/// those of spec 04 §2.9.
async fn transfer(State(state): State<ApiState>, call: AgentCall, body: Bytes) -> HuaweiReply {
    match json_object(&body).and_then(|object| transfer_request(&object)) {
        Ok(request) => act(&state, call, Command::Transfer(request)).await,
        Err(reply) => reply,
    }
}

fn transfer_request(object: &Map<String, Value>) -> Result<TransferRequest, HuaweiReply> {
    let device = lenient::integer(object, "devicetype")
        .map_err(|_| invalid("devicetype must be an integer"))?
        .ok_or_else(|| invalid("devicetype is required"))?;
    let mode = lenient::integer(object, "mode")
        .map_err(|_| invalid("mode must be an integer"))?
        .ok_or_else(|| invalid("mode is required"))?;
    let address = lenient::string(object, "address").map_err(|_| invalid("address must be a string"))?;
    let address = address.filter(|a| !a.is_empty()).ok_or_else(|| invalid("address is required"))?;
    if address.len() > MAX_DIALLED_LEN {
        return Err(invalid("address is longer than 24 characters"));
    }
    let digits_only = address.bytes().all(|b| b.is_ascii_digit());
    if device != 5 && !digits_only {
        return Err(invalid("address must be digits for devicetype 1-4"));
    }
    let transfer_mode = match (device, mode) {
        (1..=4, 0) | (5, 1) | (2, 3) => TransferMode::Blind,
        (3, 1) => TransferMode::Suspend,
        (1 | 2 | 4 | 5, 2) => TransferMode::Success,
        (5, 3) => TransferMode::Talk,
        (5, 4) => TransferMode::ThreeParty,
        (1..=5, _) => return Err(invalid(&format!("mode {mode} is not allowed for devicetype {device}"))),
        _ => return Err(invalid("devicetype must be 1-5")),
    };
    let target = match device {
        1 => TransferTarget::Skill(address.parse().map_err(|_| invalid("address must be a skill id"))?),
        2 => TransferTarget::Agent(address.parse().map_err(|_| invalid("address must be a work number"))?),
        3 => TransferTarget::Ivr(address),
        _ => TransferTarget::Number(address),
    };
    let caller = caller_field(object)?;
    media_ability(object)?;
    lenient::boolean(object, "holdflag").map_err(|_| invalid("holdflag must be a boolean"))?;
    lenient::integer(object, "skillId").map_err(|_| invalid("skillId must be an integer"))?;
    // `caller` is only for numbers (device type 5).
    let caller = caller.filter(|c| device == 5 && !c.is_empty());
    Ok(TransferRequest { target, mode: transfer_mode, caller, call_data: call_data(object)? })
}
