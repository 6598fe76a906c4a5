//! `/onlineagent/{agentid}/…`: sign-in, sign-out, status, heartbeat, Guid refresh (spec 02).
//!
//! ccgw's choices where the spec leaves them open:
//! - `loginex` and the client-only `forceloginex`/`forceloginexwithoutphone` behave like
//!   `PUT {agentid}` and `forcelogin`, and all of them send `Set-GUID` on success only;
//! - the password is checked before "already signed in" is revealed, under sign-in
//!   protection (`sign_in_check`: lockouts `110-016`, a full check gate `100-003`);
//! - push mode: a body with both `callBackUri` and `serviceToken` asks for it; the URL must
//!   be on the allow-list and the token 1-50 letters, digits, `-` or `_`, else `100-001`
//!   (also when no allow-list is configured). The older `pushUrl` field (Huawei's Java
//!   demo: one poll answer per callback) asks for it where push is enabled, under the same
//!   allow-list; where it is not, `pushUrl` is ignored and the sign-in polls, as some
//!   clients send it without wanting push (spec 01 §2). Delivery is in `push` (see
//!   `docs/push-mode.md`);
//! - `handshake` (POST or PUT) and `heartbeat` (PUT) are the same heartbeat, answered with
//!   `result: {"loginTime": "<ms>"}` (the sign-in result's field, which Java heartbeat
//!   threads read);
//! - `vdnid` in the sign-in result is a JSON number, as in the official example.

use axum::body::Bytes;
use axum::extract::State;
use ccgw_core::catalog::retcode;
use ccgw_core::{Command, InitialState, PhoneNumber, Refusal};
use ccgw_engine::{AgentAction, EventDelivery, Reply, SignInRequest};
use http::HeaderMap;
use serde::Serialize;
use serde_json::{Value, json};

use super::context::AgentCall;
use super::engine_failure;
use super::push::{Callback, PushStyle, ServiceToken, valid_service_token};
use super::sign_in_check::verified_profile;
use crate::guard::Client;
use crate::route_table::Routes;
use crate::state::ApiState;
use crate::wire::lenient;
use crate::wire::reply::HuaweiReply;

pub(crate) fn routes(base: &str) -> Routes {
    let at = |tail: &str| format!("{base}/onlineagent/{{agentid}}{tail}");
    Routes::new()
        .put(&at(""), sign_in)
        .put(&at("/loginex"), sign_in)
        .put(&at("/forcelogin"), force_sign_in)
        .put(&at("/forceloginex"), force_sign_in)
        .put(&at("/forceloginexwithoutphone"), force_sign_in)
        .delete(&at("/logout"), logout)
        .delete(&at("/forcelogout"), force_logout)
        .delete(&at("/forcelogoutwithreason/{reason}"), force_logout)
        .get(&at("/agentstatus"), status)
        .post(&at("/handshake"), handshake)
        .put(&at("/handshake"), handshake)
        .put(&at("/heartbeat"), handshake)
        .put(&at("/updateGuid"), update_guid)
}

/// The sign-in body, read leniently (spec 02 §2.1, 08 C16).
struct SignInForm {
    password: String,
    phone: Option<PhoneNumber>,
    auto_answer: bool,
    auto_enter_idle: bool,
    always_off_hook: bool,
    initial: InitialState,
    /// `callBackUri` and `serviceToken`, both given: push mode asked for.
    push: Option<PushRequest>,
}

/// A push-mode request, not yet checked against the allow-list.
struct PushRequest {
    callback: String,
    style: PushStyle,
}

fn bad(detail: &str) -> Refusal {
    Refusal::SignInParameter(detail.to_owned())
}

impl SignInForm {
    fn parse(body: &[u8]) -> Result<Self, Refusal> {
        let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(serde_json::Map::new())
        } else {
            serde_json::from_slice(body).map_err(|_| bad("body is not JSON"))?
        };
        let object = value.as_object().ok_or_else(|| bad("body is not a JSON object"))?;
        let field = |error: lenient::BadField| bad(error.0);
        let password = lenient::string(object, "password").map_err(field)?.ok_or_else(|| bad("password"))?;
        if password.chars().count() > 32 {
            return Err(bad("password longer than 32 characters"));
        }
        let phone = match lenient::string(object, "phonenum").map_err(field)? {
            Some(text) if !text.is_empty() => Some(PhoneNumber::parse(&text).map_err(|_| Refusal::PhoneInvalid)?),
            _ => None,
        };
        let initial = match lenient::integer(object, "status").map_err(field)? {
            None | Some(4) => InitialState::Idle,
            Some(3) => InitialState::Busy,
            Some(5) => InitialState::Work,
            Some(_) => return Err(bad("status must be 3, 4 or 5")),
        };
        let push_uri = lenient::string(object, "callBackUri").map_err(field)?.filter(|s| !s.is_empty());
        let push_token = lenient::string(object, "serviceToken").map_err(field)?.filter(|s| !s.is_empty());
        let push = match (push_uri, push_token) {
            (Some(callback), Some(service_token)) => {
                if !valid_service_token(&service_token) {
                    return Err(bad("serviceToken must be 1-50 letters, digits, '-' or '_'"));
                }
                let service_token = ServiceToken::new(service_token);
                Some(PushRequest { callback, style: PushStyle::EventList { service_token } })
            }
            // The older form (Huawei's Java demo): one poll answer per callback.
            _ => lenient::string(object, "pushUrl")
                .map_err(field)?
                .filter(|url| !url.is_empty())
                .map(|callback| PushRequest { callback, style: PushStyle::PollAnswer }),
        };
        Ok(Self {
            push,
            password,
            phone,
            auto_answer: lenient::boolean(object, "autoanswer").map_err(field)?.unwrap_or(true),
            auto_enter_idle: lenient::boolean(object, "autoenteridle").map_err(field)?.unwrap_or(true),
            // `releasephone` defaults to true (the login pages; the forcelogin page says
            // false): the phone is released after each call unless the client asks.
            always_off_hook: !lenient::boolean(object, "releasephone").map_err(field)?.unwrap_or(true),
            initial,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInResult<'a> {
    vdnid: u16,
    workno: String,
    mediatype: &'a str,
    login_time: String,
    is_force_change: &'a str,
    server_name: &'a str,
    time_remaining: &'a str,
}

async fn sign_in(State(state): State<ApiState>, client: Client, call: AgentCall, body: Bytes) -> HuaweiReply {
    sign_in_as(state, client, call, body, false).await
}

async fn force_sign_in(State(state): State<ApiState>, client: Client, call: AgentCall, body: Bytes) -> HuaweiReply {
    sign_in_as(state, client, call, body, true).await
}

async fn sign_in_as(state: ApiState, client: Client, call: AgentCall, body: Bytes, force: bool) -> HuaweiReply {
    let form = match SignInForm::parse(&body) {
        Ok(form) => form,
        Err(refusal) => return HuaweiReply::refused(&refusal),
    };
    let profile = match verified_profile(&state, call.work_no, client, form.password).await {
        Ok(profile) => profile,
        Err(reply) => return reply,
    };
    // Only now, with the right password: the allow-list is not probed by guessers.
    let push = form.push.filter(|push| matches!(push.style, PushStyle::EventList { .. }) || state.push.is_some());
    let callback = match push.map(|push| admit_callback(&state, push)).transpose() {
        Ok(callback) => callback,
        Err(refusal) => return HuaweiReply::refused(&refusal),
    };
    // Taken only now, with the right password: wrong ones never hold it (see `SignInsInFlight`).
    let Some(claim) = state.signing_in.claim(call.work_no) else {
        return HuaweiReply::refused(&Refusal::SignInInProgress);
    };
    let vdn = profile.vdn;
    let request = SignInRequest {
        phone: form.phone.unwrap_or_else(|| profile.phone.clone()),
        profile,
        auto_answer: form.auto_answer,
        auto_enter_idle: form.auto_enter_idle,
        always_off_hook: form.always_off_hook,
        initial: form.initial,
        force,
        delivery: if callback.is_some() { EventDelivery::Push } else { EventDelivery::Poll },
    };
    // The sign-in and its deliverer's start go together even if the client hangs up
    // meanwhile: a push session without a deliverer would hear nothing.
    let signing_in = {
        let state = state.clone();
        let work_no = call.work_no;
        tokio::spawn(async move {
            let _claim = claim;
            let signed_in = state.engine.sign_in(request).await?;
            if let Some(push) = &state.push {
                let feed_and_callback = signed_in.feed.clone().zip(callback);
                push.signed_in(work_no, feed_and_callback, signed_in.guid.clone());
            }
            Ok(signed_in)
        })
    };
    let outcome = match signing_in.await {
        Ok(outcome) => outcome,
        Err(_) => return engine_failure(ccgw_engine::EngineError::Stopped),
    };
    match outcome {
        Ok(signed_in) => {
            let result = SignInResult {
                vdnid: vdn.get(),
                workno: call.work_no.to_string(),
                mediatype: "TFF",
                login_time: signed_in.login_time.as_millis().to_string(),
                is_force_change: "false",
                server_name: &state.settings.server_name,
                time_remaining: "",
            };
            HuaweiReply::success("", result).with_guid(Some(signed_in.guid), &state.set_guid)
        }
        Err(error) => engine_failure(error),
    }
}

/// The callback of a push sign-in, if push mode is on and its allow-list admits it.
fn admit_callback(state: &ApiState, push: PushRequest) -> Result<Callback, Refusal> {
    let pusher = state.push.as_ref().ok_or_else(|| bad("push mode is not enabled on this gateway; poll agentevent"))?;
    let url = pusher.admit(&push.callback).map_err(bad)?;
    Ok(Callback { url, style: push.style })
}

async fn logout(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.command(call.work_no, call.guid, Command::Logout).await {
        Ok(_) => HuaweiReply::success("success", serde_json::json!({})),
        Err(error) => engine_failure(error),
    }
}

async fn force_logout(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    let reason = match call.param("reason") {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(reason) if (1..=255).contains(&reason) => Some(reason),
            _ => return HuaweiReply::refused(&Refusal::SignOutParameter("reason must be 1-255".into())),
        },
    };
    match state.engine.command(call.work_no, call.guid, Command::ForceLogout { reason }).await {
        Ok(_) => HuaweiReply::success_bare("success"),
        Err(error) => engine_failure(error),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusResult {
    agent_state: u8,
    is_working: bool,
}

async fn status(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.act(call.work_no, call.guid, AgentAction::Status).await {
        Ok(Reply::Status { state_code, in_call }) => {
            HuaweiReply::success("", StatusResult { agent_state: state_code, is_working: in_call })
        }
        Ok(_) => HuaweiReply::error(retcode::INTERNAL),
        Err(error) => engine_failure(error),
    }
}

/// `handshake` / `heartbeat`: keeps the session alive. The answer carries
/// `result.loginTime` (the sign-in's, as in the sign-in result): Huawei's Java heartbeat
/// threads read it, and without it they heartbeat in a tight loop.
async fn handshake(State(state): State<ApiState>, call: AgentCall, headers: HeaderMap) -> HuaweiReply {
    // An optional new `service_token` for the push session's callbacks (spec 02 §2.22).
    let token = match headers.get("service_token").map(|value| value.to_str()) {
        None => None,
        Some(Ok(token)) if valid_service_token(token) => Some(token.to_owned()),
        Some(_) => return HuaweiReply::refused(&bad("service_token must be 1-50 letters, digits, '-' or '_'")),
    };
    let hand_out = match state.engine.act(call.work_no, call.guid.clone(), AgentAction::Handshake).await {
        Ok(Reply::Guid(hand_out)) => hand_out,
        Ok(_) => return HuaweiReply::error(retcode::INTERNAL),
        Err(error) => return engine_failure(error),
    };
    if let (Some(token), Some(push)) = (token, &state.push) {
        push.refresh_token(call.work_no, token);
    }
    // The Guid the request carried stays valid for a while after a rotation.
    let reply = match super::reads::me(&state, &call).await {
        Ok(me) => HuaweiReply::success("success", json!({"loginTime": me.login_time.as_millis().to_string()})),
        Err(_) => HuaweiReply::success_bare("success"),
    };
    reply.with_guid(hand_out, &state.set_guid)
}

#[derive(Serialize)]
struct GuidResult {
    guid: String,
}

async fn update_guid(State(state): State<ApiState>, call: AgentCall) -> HuaweiReply {
    match state.engine.act(call.work_no, call.guid, AgentAction::UpdateGuid).await {
        Ok(Reply::Guid(Some(guid))) => {
            let result = GuidResult { guid: guid.as_str().to_owned() };
            HuaweiReply::success("success", result).with_guid(Some(guid), &state.set_guid)
        }
        Ok(_) => HuaweiReply::error(retcode::INTERNAL),
        Err(error) => engine_failure(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_body_accepts_the_forms_clients_send() {
        let form = SignInForm::parse(
            br#"{"password":"","phonenum":"40038","status":"4","releasephone":"false","agenttype":"4","ip":"1.2.3.4"}"#,
        )
        .unwrap();
        assert_eq!(form.initial, InitialState::Idle);
        assert_eq!(form.phone.unwrap().as_str(), "40038");
        let form =
            SignInForm::parse(br#"{"password":"pw","status":3,"autoanswer":"false","autoenteridle":false}"#).unwrap();
        assert_eq!(form.initial, InitialState::Busy);
        assert!(!form.auto_answer && !form.auto_enter_idle);
        assert_eq!(SignInForm::parse(br#"{"password":"x","status":"5"}"#).unwrap().initial, InitialState::Work);
    }

    #[test]
    fn sign_in_body_errors_are_sign_in_parameter_errors() {
        for body in [
            &b"not json"[..],
            b"[1]",
            br#"{"status":4}"#,
            br#"{"password":"x","status":9}"#,
            br#"{"password":{"a":1}}"#,
        ] {
            let refusal = SignInForm::parse(body).err().unwrap();
            assert_eq!(refusal.retcode().code, "100-001", "{}", String::from_utf8_lossy(body));
        }
        let refusal = SignInForm::parse(br#"{"password":"x","phonenum":"70a"}"#).err().unwrap();
        assert_eq!(refusal, Refusal::PhoneInvalid);
    }
}
