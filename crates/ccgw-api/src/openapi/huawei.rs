//! The Huawei interfaces under `/agentgateway/resource` as OpenAPI operations. Every
//! answer is HTTP 200 with the `{message, retcode, result}` envelope; refusals leave
//! `result` out. Request bodies are read leniently (spec 08 C14, C16): integers also as
//! numeric strings, booleans also as "true"/"false", unknown fields ignored.

use serde_json::{Value, json};

use super::operation::{OperationParts, operation_id, path_parameter, query_parameter};
use super::schema::*;

pub(super) const BASE: &str = "/agentgateway/resource";

/// One documented interface: method, path under [`BASE`], what it does, the query
/// parameters it reads, its body and result components.
pub(super) struct HuaweiOp {
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    summary: &'static str,
    query: &'static [&'static str],
    body: Option<&'static str>,
    result: Option<&'static str>,
    signs_in: bool,
}

const fn op(method: &'static str, path: &'static str, summary: &'static str) -> HuaweiOp {
    HuaweiOp { method, path, summary, query: &[], body: None, result: None, signs_in: false }
}

impl HuaweiOp {
    const fn query(mut self, names: &'static [&'static str]) -> Self {
        self.query = names;
        self
    }

    const fn body(mut self, component: &'static str) -> Self {
        self.body = Some(component);
        self
    }

    const fn result(mut self, component: &'static str) -> Self {
        self.result = Some(component);
        self
    }

    /// A sign-in: no Guid needed, and the answer carries a new one in `Set-GUID`.
    const fn sign_in(mut self) -> Self {
        self.signs_in = true;
        self.body = Some("SignInBody");
        self.result = Some("SignInResult");
        self
    }
}

pub(super) const OPERATIONS: &[HuaweiOp] = &[
    // onlineagent: the session (spec 02)
    op("PUT", "/onlineagent/{agentid}", "Sign in").sign_in(),
    op("PUT", "/onlineagent/{agentid}/loginex", "Sign in (extended)").sign_in(),
    op("PUT", "/onlineagent/{agentid}/forcelogin", "Sign in, replacing a session of the same agent").sign_in(),
    op("PUT", "/onlineagent/{agentid}/forceloginex", "Force sign-in (extended)").sign_in(),
    op("PUT", "/onlineagent/{agentid}/forceloginexwithoutphone", "Force sign-in without a phone").sign_in(),
    op("DELETE", "/onlineagent/{agentid}/logout", "Sign out"),
    op("DELETE", "/onlineagent/{agentid}/forcelogout", "Sign out, ending the agent's calls"),
    op("DELETE", "/onlineagent/{agentid}/forcelogoutwithreason/{reason}", "Sign out with a reason"),
    op("GET", "/onlineagent/{agentid}/agentstatus", "The agent's own state").result("AgentStatus"),
    op("POST", "/onlineagent/{agentid}/handshake", "Keep the session alive"),
    op("PUT", "/onlineagent/{agentid}/handshake", "Keep the session alive"),
    op("PUT", "/onlineagent/{agentid}/heartbeat", "Keep the session alive (older clients)"),
    op("PUT", "/onlineagent/{agentid}/updateGuid", "A new Guid for the session").result("GuidResult"),
    op("POST", "/onlineagent/{agentid}/modifyaccountpwdex", "Change the password").body("PasswordChangeBody"),
    op("POST", "/onlineagent/{agentid}/modifyaccountpwd", "Change the password (query form)")
        .query(&["oldpassword", "newpassword"]),
    // onlineagent: agent state (spec 02)
    op("POST", "/onlineagent/{agentid}/saybusy", "Busy").query(&["reason", "prolong"]),
    op("POST", "/onlineagent/{agentid}/cancelbusy", "Cancel busy"),
    op("POST", "/onlineagent/{agentid}/sayfree", "Idle"),
    op("POST", "/onlineagent/{agentid}/rest/{time}/{restcause}", "Rest for a time with a reason").query(&["prolong"]),
    op("POST", "/onlineagent/{agentid}/cancelrest", "Cancel rest"),
    op("POST", "/onlineagent/{agentid}/work", "Wrap-up (work) state"),
    op("GET", "/onlineagent/{agentid}/work", "Wrap-up (work) state (one client's method)"),
    op("POST", "/onlineagent/{agentid}/cancelwork", "Leave the work state"),
    op("POST", "/onlineagent/{agentid}/autoanswer/{flag}", "Auto-answer on or off"),
    op("POST", "/onlineagent/{agentid}/autoenteridle/{flag}", "Idle after a call on or off"),
    op("POST", "/onlineagent/{agentid}/settalkright", "Talk right").query(&["flag"]),
    op("POST", "/onlineagent/{agentid}/resetskill/{autoflag}", "Serve other skills").query(&["skillid"]),
    op("GET", "/onlineagent/{agentid}/agentskills", "The agent's signed-in skills").result("SkillList"),
    op("GET", "/onlineagent/{agentid}/agentskillsbyworkno/{workno}", "Another agent's skills").result("SkillList"),
    op("POST", "/onlineagent/{agentid}/setforwarding", "Call forwarding").body("AnyObject"),
    // onlineagent: notes
    op("POST", "/onlineagent/{agentid}/sendnotelet/{receiver}", "A note to one agent").query(&["content"]),
    op("POST", "/onlineagent/{agentid}/sendnoteletex", "A note to several agents").body("NoteBody"),
    op("POST", "/onlineagent/{agentid}/notifybulletin", "A bulletin").body("BulletinBody"),
    op("GET", "/onlineagent/{agentid}/notelets", "Notes received").result("Any"),
    // agentevent (spec 01 §10)
    op("GET", "/agentevent/{agentid}", "Poll: the next event, held up to the poll time").result("AgentEvent"),
    op("GET", "/agentevent/allagentevent", "All-agent poll (not supported: poll agentevent/{agentid})"),
    // voicecall (spec 04)
    op("PUT", "/voicecall/{agentid}/answer", "Answer").query(&["callid"]),
    op("DELETE", "/voicecall/{agentid}/release", "Release the call").query(&["callid"]),
    op("DELETE", "/voicecall/{agentid}", "Release the call (legacy form)").query(&["callid"]),
    op("PUT", "/voicecall/{agentid}/phonehangup", "Hang up the phone"),
    op("PUT", "/voicecall/{agentid}/callout", "Call out").body("CallOutBody").result("CallIdText"),
    op("PUT", "/voicecall/{agentid}/callinner", "Call another agent").body("CallInnerBody").result("CallIdText"),
    op("PUT", "/voicecall/{agentid}/callinnerskill", "Call a skill").body("CallSkillBody").result("CallIdText"),
    op("POST", "/voicecall/{agentid}/hold", "Hold"),
    op("POST", "/voicecall/{agentid}/gethold", "Retrieve a held call").query(&["callid"]),
    op("POST", "/voicecall/{agentid}/beginmute", "Mute"),
    op("POST", "/voicecall/{agentid}/endmute", "Unmute"),
    op("POST", "/voicecall/{agentid}/beginmutevideo", "Video mute (not supported)"),
    op("POST", "/voicecall/{agentid}/endmutevideo", "Video unmute (not supported)"),
    op("POST", "/voicecall/{agentid}/seconddial/{number}", "Dial digits in the call"),
    op("POST", "/voicecall/{agentid}/seconddialex", "Dial digits in the call").query(&["number"]),
    op("POST", "/voicecall/{agentid}/dropcall/{callid}", "Drop a call"),
    op("POST", "/voicecall/{agentid}/phonepickup", "Pick up the phone"),
    op("PUT", "/voicecall/{agentid}/phonepickup", "Pick up the phone"),
    op("DELETE", "/voicecall/{agentid}/releasephone", "Release the phone"),
    op("POST", "/voicecall/{agentid}/innerhelp", "Consult").body("InnerHelpBody"),
    op("POST", "/voicecall/{agentid}/confjoin", "Three-party conference").body("ConferenceBody"),
    op("POST", "/voicecall/{agentid}/connecthold/{callid}", "Connect the held call to the current one"),
    op("POST", "/voicecall/{agentid}/disconnect/{number}", "Drop a party"),
    op("POST", "/voicecall/{agentid}/transfer", "Transfer").body("TransferBody"),
    op("POST", "/voicecall/{agentid}/canceltransfer", "Cancel a transfer"),
    op("PUT", "/voicecall/{agentid}/snatchpickup", "Take a call offered to another agent").query(&["destWorkNo"]),
    op("POST", "/voicecall/{agentid}/requestcall/{callid}/{skilltype}", "Take a queued call").query(&["skillId"]),
    op("PUT", "/voicecall/{agentid}/previewcallout", "Preview call-out")
        .body("PreviewCallOutBody")
        .result("CallIdText"),
    op("PUT", "/voicecall/{agentid}/previewCallout", "Preview call-out")
        .body("PreviewCallOutBody")
        .result("CallIdText"),
    op("POST", "/voicecall/{agentid}/reportsound", "Report sound quality").body("AnyObject"),
    op("POST", "/voicecall/{agentid}/thirdPartyConfTransmitNum", "Digits to a conference").body("DigitsBody"),
    // calldata (spec 05 §1)
    op("GET", "/calldata/{agentid}/callinfo", "The current call").query(&["isNoContainLastCall"]).result("CallInfo"),
    op("GET", "/calldata/{agentid}/privatecallinfo", "The current call's private data").result("PrivateCallInfo"),
    op("GET", "/calldata/{agentid}/statistics", "The agent's call statistics").result("Statistics"),
    op("GET", "/calldata/{agentid}/callinfobeforeanswer", "The ringing call").result("CallInfo"),
    op("GET", "/calldata/{agentid}/callinfobycallid/{callid}", "A call by id").result("CallInfo"),
    op("GET", "/calldata/{agentid}/allcallid", "The agent's call ids").result("TextList"),
    op("GET", "/calldata/{agentid}/callnums", "How many calls the agent has").result("Count"),
    op("GET", "/calldata/{agentid}/isprocesscall", "Whether the agent is in a call").result("Flag"),
    op("GET", "/calldata/{agentid}/remotenumbers", "The far ends of the agent's calls").result("TextList"),
    op("GET", "/calldata/{agentid}/appdata", "The call's associated data").result("Text"),
    op("GET", "/calldata/{agentid}/waitcallinfo/{skillid}", "Calls waiting in a skill").result("CallInfoList"),
    op("GET", "/calldata/{agentid}/holdlist", "The agent's held calls").result("Any"),
    op("GET", "/calldata/{agentid}/holdlistex/{workno}", "Another agent's held calls").result("Any"),
    op("GET", "/calldata/{agentid}/agentholdnum/{workno}", "How many calls an agent holds").result("Count"),
    op("GET", "/calldata/{agentid}/allcallinfo/{workno}", "An agent's calls").result("CallInfoList"),
    op("GET", "/calldata/{agentid}/allcallinfoEx/{workno}", "An agent's calls in full").result("Any"),
    op("GET", "/calldata/{agentid}/allcallinfoinvdn", "Every call of the VDN").result("CallInfoList"),
    op("PUT", "/calldata/{agentid}", "Set the call's associated data").query(&["calldata", "callid"]),
    op("PUT", "/calldata/{agentid}/setcalldataex", "Set the call's associated data").body("CallDataBody"),
    op("PUT", "/calldata/{agentid}/setcallbusinessdata", "Set the call's business data").body("BusinessDataBody"),
    op("PUT", "/calldata/{agentid}/getcallbusinessdata", "The call's business data").body("CallIdBody").result("Any"),
    op("GET", "/calldata/{agentid}/callRecordInfoList", "Call records of the VDN")
        .query(&["workno", "skillid", "startdate", "enddate", "startposition", "endposition"])
        .result("Any"),
    op("GET", "/calldata/{agentid}/queryselfcallrecordinfolist", "The agent's own call records")
        .query(&["skillid", "startdate", "enddate", "startposition", "endposition"])
        .result("Any"),
    op("GET", "/calldata/{agentid}/ivrcallinfo/{ivrid}", "Calls in an IVR flow").result("CallInfoList"),
    op("GET", "/calldata/{agentid}/ivrcallcount/{ivrid}", "How many calls an IVR flow holds").result("Count"),
    // agentgroup (spec 05 §2)
    op("GET", "/agentgroup/{agentid}/restreason", "Rest reasons").result("RestReasonList"),
    op("GET", "/agentgroup/{agentid}/agentbyskill/{skillid}", "Signed-in agents of a skill").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/agentidsbyskill/{skillid}", "Work numbers of a skill").result("TextList"),
    op("GET", "/agentgroup/{agentid}/agentbyconfigedskill/{skillid}", "Agents configured for a skill")
        .result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/agentbyworkno/{workno}", "An agent").result("AgentInfo"),
    op("GET", "/agentgroup/{agentid}/groupbyagent/{workno}", "An agent's group").result("GroupInfo"),
    op("GET", "/agentgroup/{agentid}/agentongroup", "The agents of one's group").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/agentongroupex", "The agents of a group")
        .query(&["groupid"])
        .result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/grouponvdn", "The groups of the VDN").result("GroupInfoList"),
    op("GET", "/agentgroup/{agentid}/onlineagentonvdn", "Signed-in agents of the VDN").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/loggedinagentphoneonvdn", "Phones of signed-in agents").result("PhoneList"),
    op("GET", "/agentgroup/{agentid}/agentwasnameonvdn", "Agent names of the VDN").result("NamesByWorkNo"),
    op("GET", "/agentgroup/{agentid}/allagentstatus", "Every agent's state").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/alllocalagentstatus", "Every signed-in agent's state").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/idleagent", "Idle agents").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/agentlistbystatus", "Agents in a state")
        .query(&["status"])
        .result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/queryagentstatus", "Agent states and times").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/queryagentstatusandskill", "Agent states with skills").result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/agentrestinfo", "Resting agents").result("RestInfoList"),
    op("GET", "/agentgroup/{agentid}/allchatagents", "Agents in text chat").result("AgentInfoList"),
    op("POST", "/agentgroup/{agentid}/agentinfonoskills", "Several agents without skills")
        .body("AnyObject")
        .result("AgentInfoList"),
    op("GET", "/agentgroup/{agentid}/iscallout", "Call-out right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/iscensor", "Inspector right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/isspymonitor", "Inspector right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/ismonitor", "Inspector right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/isreportmanager", "Report right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/issystem", "System right").result("Flag"),
    op("GET", "/agentgroup/{agentid}/ispickup", "Pick-up right").result("Flag"),
    // queuedevice (spec 05 §3)
    op("GET", "/queuedevice/{agentid}/waitnum", "Calls waiting in the agent's configured skills").result("Any"),
    op("GET", "/queuedevice/{agentid}/waitnumbyagent", "Calls waiting in the agent's signed-in skills").result("Any"),
    op("GET", "/queuedevice/{agentid}/skillwaitnum/{skillid}", "Calls waiting in a skill").result("Any"),
    op("GET", "/queuedevice/{agentid}/agentskill/{workNo}", "An agent's skill queues").result("Any"),
    op("GET", "/queuedevice/{agentid}/agentvdnskill", "The skill queues of the agent's VDN").result("VdnSkillList"),
    op("GET", "/queuedevice/{agentid}/vdnskill/{vdnid}", "The skill queues of a VDN").result("VdnSkillList"),
    op("GET", "/queuedevice/{agentid}/ivrinfo", "IVR flows of the VDN").result("Any"),
    op("GET", "/queuedevice/{agentid}/innoinfo", "Access codes of the VDN").result("AccessCodeList"),
    op("POST", "/queuedevice/{agentid}/queryskillstat", "Skill statistics").body("AnyObject").result("Any"),
    op("POST", "/queuedevice/{agentid}/queryacdstat", "ACD statistics").body("AnyObject").result("Any"),
    // querymonitor (spec 05 §4)
    op("GET", "/querymonitor/{agentid}/systemversion", "The gateway's version").result("Version"),
    op("GET", "/querymonitor/{agentid}/servertime", "The server's time").result("ServerTime"),
    op("GET", "/querymonitor/{agentid}/systemstate", "The system's state").result("SystemState"),
    op("GET", "/querymonitor/{agentid}/clusterinfo", "Clusters").result("ClusterList"),
    op("GET", "/querymonitor/{agentid}/clusterinfobyname/{clustername}", "A cluster by name").result("Cluster"),
    op("GET", "/querymonitor/{agentid}/agentclusterinfo/{workno}", "An agent's node").result("Any"),
    op("GET", "/querymonitor/{agentid}/allagentclusterinfo", "Every agent's node").result("Any"),
    op("GET", "/querymonitor/{agentid}/skillstatisticinfo/{skillid}", "A skill's statistics").result("Any"),
    op("POST", "/querymonitor/{agentid}/setagenttimeout/{flag}", "Agent timeout on or off"),
    op("POST", "/querymonitor/{agentid}/setmaxchatnum/{vdnid}/{chatnum}", "Most text chats"),
    op("PUT", "/recordplay/{agentid}/record", "Recording (not supported on any switch): record"),
    op(
        "PUT",
        "/recordplay/{agentid}/recordwithoutfilename",
        "Recording (not supported on any switch): recordwithoutfilename",
    ),
    op("DELETE", "/recordplay/{agentid}/stoprecord", "Recording (not supported on any switch): stoprecord"),
    op("POST", "/recordplay/{agentid}/pauserecord", "Recording (not supported on any switch): pauserecord"),
    op("POST", "/recordplay/{agentid}/resumerecord", "Recording (not supported on any switch): resumerecord"),
    op("PUT", "/recordplay/{agentid}/play", "Recording (not supported on any switch): play"),
    op("DELETE", "/recordplay/{agentid}/stopplay", "Recording (not supported on any switch): stopplay"),
    op("POST", "/recordplay/{agentid}/pauseplay", "Recording (not supported on any switch): pauseplay"),
    op("POST", "/recordplay/{agentid}/resumeplay", "Recording (not supported on any switch): resumeplay"),
    op("POST", "/recordplay/{agentid}/forefast/{time}", "Recording (not supported on any switch): forefast"),
    op("POST", "/recordplay/{agentid}/backfast/{time}", "Recording (not supported on any switch): backfast"),
    op("GET", "/recordplay/{agentid}/recordfile", "Recording (not supported on any switch): recordfile"),
    op("GET", "/recordplay/{agentid}/recordfileurl", "Recording (not supported on any switch): recordfileurl"),
    op("GET", "/recordplay/{agentid}/recordzipfileurl", "Recording (not supported on any switch): recordzipfileurl"),
    op(
        "GET",
        "/recordplay/{agentid}/batchrecordzipfileurl",
        "Recording (not supported on any switch): batchrecordzipfileurl",
    ),
    op(
        "GET",
        "/recordplay/{agentid}/recordfilefromrecordid",
        "Recording (not supported on any switch): recordfilefromrecordid",
    ),
    op(
        "GET",
        "/recordplay/{agentid}/queryrecordfilebycallid",
        "Recording (not supported on any switch): queryrecordfilebycallid",
    ),
    op(
        "GET",
        "/recordplay/{agentid}/queryselfrecordfile",
        "Recording (not supported on any switch): queryselfrecordfile",
    ),
    op("GET", "/recordplay/{agentid}/queryrecordscore", "Recording (not supported on any switch): queryrecordscore"),
    op("PUT", "/textchat/{agentid}/internalcall/{destno}", "Text chat (no text channel): internalcall"),
    op("PUT", "/textchat/{agentid}/answer/{callid}", "Text chat (no text channel): answer"),
    op("DELETE", "/textchat/{agentid}/reject/{callid}", "Text chat (no text channel): reject"),
    op("DELETE", "/textchat/{agentid}/drop/{callid}", "Text chat (no text channel): drop"),
    op("PUT", "/textchat/{agentid}/chatmessage", "Text chat (no text channel): chatmessage"),
    op("POST", "/textchat/{agentid}/transfer", "Text chat (no text channel): transfer"),
    op("POST", "/agentconf/{agentid}/answeragentconf", "Agent conference (not supported): answeragentconf"),
    op("POST", "/agentconf/{agentid}/holdparticipant", "Agent conference (not supported): holdparticipant"),
    op("PUT", "/qualitycontrol/{agentid}/addsupervise/{workNo}", "Listen to an agent's call (inspector)"),
    op("PUT", "/qualitycontrol/{agentid}/addinsert/{workNo}", "Barge into an agent's call (inspector)"),
    op("PUT", "/qualitycontrol/{agentid}/intercept/{workNo}", "Take an inspected call over (inspector)"),
    op("PUT", "/qualitycontrol/{agentid}/intercept/{workNo}/{callId}", "Take an inspected call over (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/switch/{workNo}", "Switch between listening and inserting (inspector)"),
    op("DELETE", "/qualitycontrol/{agentid}/{workNo}", "Stop listening, inserting or whispering (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/requestwhisperagent", "Whisper to an agent (inspector)")
        .query(&["whisperagentid"]),
    op("POST", "/qualitycontrol/{agentid}/requeststopwhisperagent", "Stop whispering (inspector)")
        .query(&["whisperagentid"]),
    op(
        "POST",
        "/qualitycontrol/{agentid}/requestswitchinsertwhisperagent",
        "Switch to listening (0), inserting (1) or whispering (2) (inspector)",
    )
    .query(&["whisperagentid", "switchtype"]),
    op("POST", "/qualitycontrol/{agentid}/forcebusy/{workNo}", "Force an agent busy (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/forceidle/{workNo}", "Force an agent idle (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/forcerest/{workNo}/{time}/{reason}", "Force an agent to rest (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/forcelogout/{workNo}", "Sign an agent out (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/forcedropcall/{callid}", "Drop a call (inspector)"),
    op("POST", "/qualitycontrol/{agentid}/beginmonitor", "Monitor agents (inspector)").query(&["agents"]),
    op("POST", "/qualitycontrol/{agentid}/endmonitor", "Stop monitoring agents (inspector)").query(&["agents"]),
    op("GET", "/qualitycontrol/{agentid}/allagent", "Agents the inspector monitors"),
    op(
        "POST",
        "/qualitycontrol/{agentid}/setselfrecord/{recordflag}/{recordbeforetalking}",
        "Quality control (not supported yet): setselfrecord",
    ),
    op("POST", "/qualitycontrol/{agentid}/cancelselfrecord", "Quality control (not supported yet): cancelselfrecord"),
    op("GET", "/qualitycontrol/{agentid}/queryqctasks", "The inspector's QC tasks (its supervision of a call)"),
    op("DELETE", "/qualitycontrol/{agentid}/deleteqctask", "End a QC task (inspector)")
        .query(&["taskdsn", "begintime"]),
    op("GET", "/qualitycontrol/{agentid}/queryurlinfo", "Quality control (not supported yet): queryurlinfo"),
    op(
        "POST",
        "/qualitycontrol/{agentid}/registerDataToServer",
        "Quality control (not supported yet): registerDataToServer",
    ),
    op("POST", "/qualitycontrol/{agentid}/startVideoMonitor", "Quality control (not supported yet): startVideoMonitor"),
    op("POST", "/qualitycontrol/{agentid}/stopVideoMonitor", "Quality control (not supported yet): stopVideoMonitor"),
    op(
        "POST",
        "/qualitycontrol/{agentid}/startVideoOperation",
        "Quality control (not supported yet): startVideoOperation",
    ),
    op(
        "POST",
        "/qualitycontrol/{agentid}/startOrStopVideoPlay",
        "Quality control (not supported yet): startOrStopVideoPlay",
    ),
    op("POST", "/qualitycontrol/{agentid}/deleteVideoTask", "Quality control (not supported yet): deleteVideoTask"),
    op(
        "GET",
        "/qualitycontrol/{agentid}/queryvideorecordfile",
        "Quality control (not supported yet): queryvideorecordfile",
    ),
    op(
        "POST",
        "/onlineagent/{agentid}/setselfrecord/{recordflag}/{recordbeforetalking}",
        "Self-recording flag (not supported yet)",
    ),
    op("POST", "/onlineagent/{agentid}/bindphone", "The agent's phone for the rest of its sign-in ({\"phonenum\"})"),
];

/// Huawei components are named `Huawei…` in the document, apart from the extension API's.
pub(super) fn component_name(name: &str) -> String {
    format!("Huawei{name}")
}

fn component(name: &str) -> Value {
    reference(&component_name(name))
}

/// Path parameters that are numbers; the rest are text.
fn parameter_schema(name: &str) -> Value {
    match name {
        "agentid" | "workno" | "workNo" | "receiver" => described(integer_in(1, 59_999), "an agent's work number"),
        "skillid" | "vdnid" | "time" | "restcause" | "reason" | "ivrid" | "chatnum" | "skilltype" => integer(),
        _ => string(),
    }
}

pub(super) fn path_item_key(path: &str) -> String {
    format!("{BASE}{path}")
}

pub(super) fn operation(op: &HuaweiOp) -> Value {
    let mut parameters: Vec<Value> =
        path_parameters(op.path).map(|name| path_parameter(name, parameter_schema(name))).collect();
    parameters.extend(op.query.iter().map(|name| query_parameter(name, string())));
    let answer = match op.result {
        Some(result) => json!({"allOf": [component("Answer"), object(&[("result", component(result))])]}),
        None => component("Answer"),
    };
    let mut success = json!({
        "description": "Always HTTP 200: `retcode` \"0\" on success, else the refusal's retcode (spec 07)",
        "content": {"application/json": {"schema": answer}},
    });
    if op.signs_in {
        success["headers"] =
            json!({"Set-GUID": {"description": "`JSESSIONID=<guid>`: send it back in `Guid`", "schema": string()}});
    }
    OperationParts {
        tag: group(op.path),
        summary: op.summary,
        id: operation_id("huawei", op.method, op.path, &["{agentid}"]),
        parameters,
        // Lenient, as the interfaces are: a missing body reads as an empty one.
        body: op.body.map(|body| (component(body), false)),
        responses: json!({"200": success}),
        security: if op.signs_in { json!([{}]) } else { json!([{"guid": []}]) },
    }
    .into_json()
}

/// The product's group: the first path segment (`onlineagent`, `voicecall`, …).
fn group(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or_default()
}

/// The body and result models of the Huawei interfaces.
pub(super) fn components() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Answer",
            described(
                object_requiring(
                    &[
                        ("message", string()),
                        ("retcode", described(string(), "\"0\" or a code of spec 07")),
                        ("result", any()),
                    ],
                    &["message", "retcode"],
                ),
                "Every Huawei answer; `result` only on success, and only where the interface returns one",
            ),
        ),
        ("Any", any()),
        ("AnyObject", object(&[])),
        (
            "SignInBody",
            object(&[
                ("password", string()),
                ("phonenum", string()),
                ("status", integer()),
                ("releasephone", boolean()),
                ("agenttype", integer()),
                ("autoanswer", boolean()),
                ("autoenteridle", boolean()),
                (
                    "callBackUri",
                    described(
                        string(),
                        "With serviceToken: push mode. An https URL (at most 200 characters) on the \
                         gateway's callback allow-list; events are POSTed there as {workNo, eventList}",
                    ),
                ),
                ("serviceToken", described(string(), "With callBackUri: push mode. 1-50 letters, digits, '-' or '_'")),
            ]),
        ),
        (
            "SignInResult",
            object(&[
                ("vdnid", integer()),
                ("workno", string()),
                ("mediatype", string()),
                ("loginTime", string()),
                ("isForceChange", string()),
                ("serverName", string()),
                ("timeRemaining", string()),
            ]),
        ),
        ("AgentStatus", object(&[("agentState", integer()), ("isWorking", boolean())])),
        ("GuidResult", object(&[("guid", string())])),
        ("Text", string()),
        ("TextList", array(string())),
        ("Count", integer()),
        ("Flag", boolean()),
        (
            "CallInfo",
            described(
                object(&[
                    ("callId", string()),
                    ("caller", string()),
                    ("called", string()),
                    ("mediaAbility", integer()),
                    ("calldata", string()),
                    ("callSkillId", integer()),
                    ("callSkill", string()),
                    ("callType", integer()),
                    ("state", string()),
                    ("agent", string()),
                    ("beginTime", integer()),
                    ("stateSince", integer()),
                ]),
                "`{}` when there is no such call",
            ),
        ),
        ("CallInfoList", array(component("CallInfo"))),
        ("PrivateCallInfo", object(&[("callId", string()), ("calldata", string()), ("businessdata", string())])),
        (
            "Statistics",
            object(
                &[
                    "talktime",
                    "answernums",
                    "noanswernums",
                    "calloutnums",
                    "intercallnums",
                    "interhelpnums",
                    "transfernums",
                    "transferoutnums",
                    "transferivrnums",
                    "redirectnums",
                    "keepnums",
                    "busynums",
                    "restnums",
                    "restoutnums",
                    "resttime",
                    "restouttime",
                    "agentrelease",
                    "busytime",
                ]
                .map(|name| (name, integer())),
            ),
        ),
        ("SkillList", array(object(&[("name", string()), ("id", integer()), ("mediatype", integer())]))),
        (
            "AgentInfo",
            object(&[
                ("workno", string()),
                ("name", string()),
                ("status", integer()),
                ("ctiStatus", integer()),
                ("groupid", integer()),
                ("groupname", string()),
                ("mediatype", string()),
                ("vdnid", integer()),
                ("phonenumber", string()),
                ("currentstatetime", integer()),
                ("stateDuration", integer()),
                ("logindate", integer()),
                ("inMultimediaConf", integer()),
                ("skilllist", component("SkillList")),
            ]),
        ),
        ("AgentInfoList", array(component("AgentInfo"))),
        (
            "GroupInfo",
            object(&[
                ("id", integer()),
                ("name", string()),
                ("monitorno", integer()),
                ("monitorname", string()),
                ("vdnid", integer()),
                ("agentnum", integer()),
                ("onlinenum", integer()),
            ]),
        ),
        ("GroupInfoList", array(component("GroupInfo"))),
        ("PhoneList", array(object(&[("workno", string()), ("phonenumber", string())]))),
        ("NamesByWorkNo", described(json!({"type": "object", "additionalProperties": string()}), "work number → name")),
        ("RestReasonList", array(object(&[("restReasonId", integer()), ("restReason", string())]))),
        (
            "RestInfoList",
            array(object(&[
                ("workno", string()),
                ("name", string()),
                ("status", integer()),
                ("restReasonId", integer()),
                ("restReason", string()),
                ("restStartTime", integer()),
                ("restTime", integer()),
                ("restRemaining", integer()),
                ("restOvertime", integer()),
                ("isOverdue", boolean()),
            ])),
        ),
        ("Version", object(&[("name", string()), ("version", string())])),
        (
            "SystemState",
            object(&[
                ("state", string()),
                ("version", string()),
                ("serverTime", integer()),
                ("signedInAgents", integer()),
                ("idleAgents", integer()),
                ("waitingCalls", integer()),
                ("callsInService", integer()),
                ("skills", integer()),
            ]),
        ),
        (
            "Cluster",
            object(&[
                ("clusterName", string()),
                (
                    "nodes",
                    array(object(&[
                        ("nodeId", integer()),
                        ("nodeName", string()),
                        ("state", string()),
                        ("agents", integer()),
                    ])),
                ),
            ]),
        ),
        ("ClusterList", array(component("Cluster"))),
        (
            "VdnSkillList",
            array(object(&[
                ("name", string()),
                ("id", integer()),
                ("mediatype", integer()),
                ("serviceType", integer()),
                ("realFlag", integer()),
            ])),
        ),
        (
            "AccessCodeList",
            array(object(&[
                ("id", integer()),
                ("inno", string()),
                ("description", string()),
                ("vdnid", integer()),
                ("mediatype", integer()),
            ])),
        ),
        ("ServerTime", object(&[("time", integer()), ("timeString", string()), ("timeZone", string())])),
        ("CallIdText", described(string(), "the new call's id")),
        (
            "AgentEvent",
            described(
                object(&[
                    ("eventType", string()),
                    ("eventGenTime", integer()),
                    ("workNo", string()),
                    ("content", any()),
                ]),
                "Carried in `event` beside `message` and `retcode`; an empty poll has neither",
            ),
        ),
        ("PasswordChangeBody", object(&[("oldPassword", string()), ("newPassword", string())])),
        ("NoteBody", object(&[("agentIds", array(string())), ("content", string())])),
        ("BulletinBody", object(&[("targettype", integer()), ("targetname", string()), ("bulletindata", string())])),
        (
            "CallOutBody",
            object(&[
                ("called", string()),
                ("caller", string()),
                ("skillid", integer()),
                ("callappdata", string()),
                ("mediaability", integer()),
            ]),
        ),
        ("CallInnerBody", object(&[("called", string()), ("caller", string()), ("callappdata", string())])),
        ("CallSkillBody", object(&[("skillId", integer())])),
        (
            "InnerHelpBody",
            object(&[
                ("dstaddress", string()),
                ("devicetype", integer()),
                ("mode", integer()),
                ("callappdata", string()),
                ("caller", string()),
                ("holdflag", boolean()),
                ("skillId", integer()),
            ]),
        ),
        (
            "TransferBody",
            object(&[
                ("devicetype", integer()),
                ("address", string()),
                ("mode", integer()),
                ("callappdata", string()),
                ("caller", string()),
                ("mediaability", integer()),
                ("holdflag", boolean()),
                ("skillId", integer()),
            ]),
        ),
        ("ConferenceBody", object(&[("callid", string()), ("callappdata", string())])),
        ("PreviewCallOutBody", object(&[("called", string()), ("callcontrolid", integer())])),
        ("DigitsBody", object(&[("number", string())])),
        ("CallIdBody", object(&[("callid", string())])),
        ("CallDataBody", object(&[("callid", string()), ("calldata", string())])),
        ("BusinessDataBody", object(&[("callid", string()), ("businessdata", string())])),
    ]
}
