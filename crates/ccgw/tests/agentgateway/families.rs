//! One named operation per Huawei request the scenarios send, grouped by endpoint family
//! (`onlineagent`, `voicecall`, `calldata`, `agentgroup`), on a client
//! bound to one agent and its Guid, so that a scenario reads as what the agent does:
//! `agent.answer()`, `agent.hold()`. Each returns the whole `Answer`: tests assert on its
//! retcode and body as they would on a raw request. Requests that probe the wire itself
//! (odd spellings, missing or bad parameters) stay raw `TestApp::call`s.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, answer_of};

/// Agent `work_no` as its client, presenting `guid` on every request.
#[derive(Clone, Copy)]
pub(crate) struct Agent<'a> {
    app: &'a TestApp,
    work_no: u32,
    guid: &'a str,
    idempotency_key: Option<&'a str>,
}

impl TestApp {
    pub(crate) fn agent<'a>(&'a self, work_no: u32, guid: &'a str) -> Agent<'a> {
        Agent { app: self, work_no, guid, idempotency_key: None }
    }
}

impl Answer {
    /// The retcode, once it is checked that it came with HTTP 200, as every business
    /// outcome of the Huawei API does.
    pub(crate) fn checked_retcode(&self) -> &str {
        assert_eq!(self.status, 200, "HTTP 200 for every business outcome: {}", self.body);
        self.retcode()
    }
}

impl<'a> Agent<'a> {
    /// The same agent, sending `Idempotency-Key: key` with each command.
    pub(crate) fn keyed(self, key: &'a str) -> Self {
        Self { idempotency_key: Some(key), ..self }
    }

    async fn send(self, method: &str, family: &str, tail: &str, body: Option<Value>) -> Answer {
        let path = format!("{family}/{}/{tail}", self.work_no);
        let mut request = self.app.request(method, &path, Some(self.guid), body);
        if let Some(key) = self.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        answer_of(request).await
    }

    async fn online(self, method: &str, tail: &str) -> Answer {
        self.send(method, "onlineagent", tail, None).await
    }

    async fn voice(self, method: &str, tail: &str, body: Option<Value>) -> Answer {
        self.send(method, "voicecall", tail, body).await
    }

    // onlineagent: the agent's own state and settings.

    /// `GET agentstatus`: the state code and whether the agent works on a call.
    pub(crate) async fn status(self) -> Answer {
        self.online("GET", "agentstatus").await
    }

    /// `DELETE logout`.
    pub(crate) async fn sign_out(self) -> Answer {
        self.send("DELETE", "onlineagent", "logout", None).await
    }

    /// `POST saybusy` with no parameters, as older clients send it.
    pub(crate) async fn say_busy(self) -> Answer {
        self.online("POST", "saybusy").await
    }

    /// `POST saybusy?reason=`.
    pub(crate) async fn say_busy_because(self, reason: u32) -> Answer {
        self.online("POST", &format!("saybusy?reason={reason}")).await
    }

    /// `POST saybusy?reason=&prolong=true`: busy again with another reason.
    pub(crate) async fn prolong_busy(self, reason: u32) -> Answer {
        self.online("POST", &format!("saybusy?reason={reason}&prolong=true")).await
    }

    pub(crate) async fn cancel_busy(self) -> Answer {
        self.online("POST", "cancelbusy").await
    }

    pub(crate) async fn say_free(self) -> Answer {
        self.online("POST", "sayfree").await
    }

    /// `POST rest/{secs}/{reason}`.
    pub(crate) async fn rest(self, secs: u32, reason: u32) -> Answer {
        self.online("POST", &format!("rest/{secs}/{reason}")).await
    }

    pub(crate) async fn cancel_rest(self) -> Answer {
        self.online("POST", "cancelrest").await
    }

    /// `POST work`: after-call work.
    pub(crate) async fn work(self) -> Answer {
        self.online("POST", "work").await
    }

    pub(crate) async fn cancel_work(self) -> Answer {
        self.online("POST", "cancelwork").await
    }

    /// `POST autoanswer/{flag}`; anything but `true` turns it off.
    pub(crate) async fn auto_answer(self, flag: &str) -> Answer {
        self.online("POST", &format!("autoanswer/{flag}")).await
    }

    /// `POST autoenteridle/{flag}`.
    pub(crate) async fn auto_enter_idle(self, flag: &str) -> Answer {
        self.online("POST", &format!("autoenteridle/{flag}")).await
    }

    /// `POST settalkright?flag=`: whether calls are offered at all.
    pub(crate) async fn talk_right(self, flag: u8) -> Answer {
        self.online("POST", &format!("settalkright?flag={flag}")).await
    }

    /// `POST resetskill/false?{query}`: serve the skills the query names (`skillid=1;2`).
    pub(crate) async fn reset_skills(self, query: &str) -> Answer {
        self.online("POST", &format!("resetskill/false?{query}")).await
    }

    /// `POST resetskill/true`: serve every configured skill again.
    pub(crate) async fn serve_all_skills(self) -> Answer {
        self.online("POST", "resetskill/true").await
    }

    /// `GET agentskills`: the skills the agent serves.
    pub(crate) async fn skills(self) -> Answer {
        self.online("GET", "agentskills").await
    }

    /// `GET agentskillsbyworkno/{work_no}`: another agent's skills.
    pub(crate) async fn skills_of(self, work_no: u32) -> Answer {
        self.online("GET", &format!("agentskillsbyworkno/{work_no}")).await
    }

    /// `POST sendnotelet/{receiver}?content=` (spaces sent as `%20`).
    pub(crate) async fn send_note(self, receiver: u32, content: &str) -> Answer {
        let content = content.replace(' ', "%20");
        self.online("POST", &format!("sendnotelet/{receiver}?content={content}")).await
    }

    /// `POST sendnoteletex` with `{"agentIds", "content"}`.
    pub(crate) async fn send_notes(self, body: Value) -> Answer {
        self.send("POST", "onlineagent", "sendnoteletex", Some(body)).await
    }

    /// `GET notelets`: the notes received, forgotten once read.
    pub(crate) async fn notes(self) -> Answer {
        self.online("GET", "notelets").await
    }

    /// `POST notifybulletin` with `{"targettype", "targetname", "bulletindata"}`.
    pub(crate) async fn notify_bulletin(self, body: Value) -> Answer {
        self.send("POST", "onlineagent", "notifybulletin", Some(body)).await
    }

    /// `POST modifyaccountpwdex` with `{"oldPassword", "newPassword"}`.
    pub(crate) async fn change_password(self, body: Value) -> Answer {
        self.send("POST", "onlineagent", "modifyaccountpwdex", Some(body)).await
    }

    // voicecall: call control.

    /// `PUT answer`: the call that rings.
    pub(crate) async fn answer(self) -> Answer {
        self.voice("PUT", "answer", None).await
    }

    /// `PUT answer?callid=`.
    pub(crate) async fn answer_call(self, callid: &str) -> Answer {
        self.voice("PUT", &format!("answer?callid={callid}"), None).await
    }

    /// `DELETE release`: hang up.
    pub(crate) async fn release(self) -> Answer {
        self.voice("DELETE", "release", None).await
    }

    pub(crate) async fn hold(self) -> Answer {
        self.voice("POST", "hold", None).await
    }

    /// `POST gethold`: take back the held call.
    pub(crate) async fn retrieve(self) -> Answer {
        self.voice("POST", "gethold", None).await
    }

    /// `POST gethold?callid=`.
    pub(crate) async fn retrieve_call(self, callid: &str) -> Answer {
        self.voice("POST", &format!("gethold?callid={callid}"), None).await
    }

    /// `PUT callout` to `number`; the result is the new call's id.
    pub(crate) async fn call_out(self, number: &str) -> Answer {
        self.voice("PUT", "callout", Some(json!({ "called": number }))).await
    }

    /// `PUT previewcallout` with `{"called", "callcontrolid", …}`.
    pub(crate) async fn preview_call_out(self, body: Value) -> Answer {
        self.voice("PUT", "previewcallout", Some(body)).await
    }

    /// `PUT callinner` to another agent; the result is the new call's id.
    pub(crate) async fn call_inner(self, work_no: u32) -> Answer {
        self.voice("PUT", "callinner", Some(json!({ "called": work_no.to_string() }))).await
    }

    /// `PUT callinnerskill` to an agent of `skill`.
    pub(crate) async fn call_inner_skill(self, skill: u32) -> Answer {
        self.voice("PUT", "callinnerskill", Some(json!({ "skillId": skill }))).await
    }

    /// `PUT phonepickup`: take the phone off-hook for a waiting call-out.
    pub(crate) async fn phone_pickup(self) -> Answer {
        self.voice("PUT", "phonepickup", None).await
    }

    /// `PUT snatchpickup?destWorkNo=`: take the call ringing at `target`.
    pub(crate) async fn snatch_pickup(self, target: u32) -> Answer {
        self.voice("PUT", &format!("snatchpickup?destWorkNo={target}"), None).await
    }

    /// `POST requestcall/{callid}/{tail}`, `tail` being the skill type and its query.
    pub(crate) async fn request_call(self, callid: &str, tail: &str) -> Answer {
        self.voice("POST", &format!("requestcall/{callid}/{tail}"), None).await
    }

    pub(crate) async fn begin_mute(self) -> Answer {
        self.voice("POST", "beginmute", None).await
    }

    pub(crate) async fn end_mute(self) -> Answer {
        self.voice("POST", "endmute", None).await
    }

    /// `POST seconddial/{digits}` (`#` sent as `%23`).
    pub(crate) async fn second_dial(self, digits: &str) -> Answer {
        self.voice("POST", &format!("seconddial/{}", digits.replace('#', "%23")), None).await
    }

    /// `POST dropcall/{callid}`: end one of the agent's calls.
    pub(crate) async fn drop_call(self, callid: &str) -> Answer {
        self.voice("POST", &format!("dropcall/{callid}"), None).await
    }

    /// `POST innerhelp` with `{"dstaddress", "devicetype", "mode", …}`: ask for help.
    pub(crate) async fn inner_help(self, body: Value) -> Answer {
        self.voice("POST", "innerhelp", Some(body)).await
    }

    /// `POST confjoin` of the held call `callid` and the help call.
    pub(crate) async fn conf_join(self, callid: &str) -> Answer {
        self.voice("POST", "confjoin", Some(json!({ "callid": callid }))).await
    }

    /// `POST connecthold/{callid}`: connect the held call with the other party and leave.
    pub(crate) async fn connect_hold(self, callid: &str) -> Answer {
        self.voice("POST", &format!("connecthold/{callid}"), None).await
    }

    /// `POST disconnect/{party}`: release another party of a conference.
    pub(crate) async fn disconnect(self, party: &str) -> Answer {
        self.voice("POST", &format!("disconnect/{party}"), None).await
    }

    /// `POST transfer` with `{"devicetype", "address", "mode", …}`.
    pub(crate) async fn transfer(self, body: Value) -> Answer {
        self.voice("POST", "transfer", Some(body)).await
    }

    pub(crate) async fn cancel_transfer(self) -> Answer {
        self.voice("POST", "canceltransfer", None).await
    }

    /// `POST reportsound`, with `{"soundlevel"}` or no body.
    pub(crate) async fn report_sound(self, body: Option<Value>) -> Answer {
        self.voice("POST", "reportsound", body).await
    }

    /// `POST thirdPartyConfTransmitNum`, with `{"number"}` or no body: digits to a conference.
    pub(crate) async fn conference_digits(self, body: Option<Value>) -> Answer {
        self.voice("POST", "thirdPartyConfTransmitNum", body).await
    }

    // calldata and agentgroup: what the agent reads and writes about calls and agents.

    /// `GET calldata/{work_no}/{sub_path}`.
    pub(crate) async fn calldata(self, sub_path: &str) -> Answer {
        self.send("GET", "calldata", sub_path, None).await
    }

    /// `PUT calldata/{work_no}/{operation}`: `setcalldataex`, `setcallbusinessdata`, …
    pub(crate) async fn put_calldata(self, operation: &str, body: Option<Value>) -> Answer {
        self.send("PUT", "calldata", operation, body).await
    }

    /// `GET agentgroup/{work_no}/{sub_path}`.
    pub(crate) async fn agentgroup(self, sub_path: &str) -> Answer {
        self.send("GET", "agentgroup", sub_path, None).await
    }
}
