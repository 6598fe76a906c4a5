//! The extension API under `/ccgw/v1` (and `/metrics`) as OpenAPI operations. Errors are
//! `{"error":{"code","message"}}` with a 4xx or 5xx status, documented once as each
//! operation's `default` answer.

use ccgw_core::password_policy::{MAX_LENGTH, MIN_LENGTH};
use ccgw_core::{PhoneNumber, Role, RoutingPolicy};
use ccgw_engine::{AgentPhoneBehaviour, FarEndBehaviour, PhoneMode};
use serde_json::{Map, Value, json};

use super::operation::{OperationParts, operation_id, path_parameter, query_parameter};
use super::schema::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    Admin,
    /// The admin token, or the agent's own Guid.
    AdminOrAgent,
}

pub(super) struct ExtOp {
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    summary: &'static str,
    access: Access,
    query: &'static [(&'static str, Kind)],
    body: Option<&'static str>,
    status: u16,
    result: Option<&'static str>,
    media_type: &'static str,
    sim_only: bool,
}

/// The type of a query parameter.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number,
}

const fn op(method: &'static str, path: &'static str, summary: &'static str) -> ExtOp {
    ExtOp {
        method,
        path,
        summary,
        access: Access::Admin,
        query: &[],
        body: None,
        status: 200,
        result: None,
        media_type: "application/json",
        sim_only: false,
    }
}

impl ExtOp {
    const fn public(mut self) -> Self {
        self.access = Access::Public;
        self
    }

    const fn agent_or_admin(mut self) -> Self {
        self.access = Access::AdminOrAgent;
        self
    }

    const fn query(mut self, parameters: &'static [(&'static str, Kind)]) -> Self {
        self.query = parameters;
        self
    }

    const fn body(mut self, component: &'static str) -> Self {
        self.body = Some(component);
        self
    }

    const fn answers(mut self, status: u16, result: Option<&'static str>) -> Self {
        self.status = status;
        self.result = result;
        self
    }

    const fn result(self, component: &'static str) -> Self {
        self.answers(200, Some(component))
    }

    const fn media_type(mut self, media_type: &'static str) -> Self {
        self.media_type = media_type;
        self
    }

    const fn sim(mut self) -> Self {
        self.sim_only = true;
        self
    }
}

use Kind::{Number, Text};

const PAGE: [(&str, Kind); 2] = [("offset", Number), ("limit", Number)];
const RECORD_FILTERS: &[(&str, Kind)] = &[
    ("vdn", Number),
    ("agent", Number),
    ("skill", Number),
    ("from", Text),
    ("to", Text),
    ("outcome", Text),
    PAGE[0],
    PAGE[1],
];
const AUDIT_FILTERS: &[(&str, Kind)] =
    &[("agent", Number), ("kind", Text), ("action", Text), ("from", Text), ("to", Text), PAGE[0], PAGE[1]];

pub(super) const OPERATIONS: &[ExtOp] = &[
    op("GET", "/ccgw/v1/health", "Liveness").public().result("Health"),
    op("GET", "/ccgw/v1/openapi.json", "This document").public().result("Any"),
    op("GET", "/metrics", "Prometheus metrics (text format 0.0.4)")
        .result("MetricsText")
        .media_type("text/plain; version=0.0.4"),
    op("GET", "/ccgw/v1/agents", "Agents of the directory").query(&[("vdn", Number)]).result("AgentList"),
    op("POST", "/ccgw/v1/agents", "Add an agent").body("NewAgent").answers(201, Some("Agent")),
    op("GET", "/ccgw/v1/agents/{workno}", "An agent").result("Agent"),
    op("PATCH", "/ccgw/v1/agents/{workno}", "Change an agent").body("AgentPatch").result("Agent"),
    op("DELETE", "/ccgw/v1/agents/{workno}", "Remove an agent").answers(204, None),
    op("PUT", "/ccgw/v1/agents/{workno}/password", "Set an agent's password").body("Password").answers(204, None),
    op("GET", "/ccgw/v1/agents/{workno}/events", "An agent's events after a cursor, held up to `wait` s (30 at most)")
        .agent_or_admin()
        .query(&[("after", Number), ("wait", Number)])
        .result("EventPage"),
    op("GET", "/ccgw/v1/agents/{workno}/events/sse", "An agent's events as server-sent events")
        .agent_or_admin()
        .query(&[("after", Number)])
        .result("EventStream")
        .media_type("text/event-stream"),
    op("GET", "/ccgw/v1/agents/{workno}/snapshot", "An agent's state, calls and event cursor")
        .agent_or_admin()
        .result("Snapshot"),
    op("GET", "/ccgw/v1/skills", "Skills").query(&[("vdn", Number)]).result("SkillList"),
    op("POST", "/ccgw/v1/skills", "Add a skill").body("NewSkill").answers(201, Some("Skill")),
    op("GET", "/ccgw/v1/skills/{vdn}/{id}", "A skill").result("Skill"),
    op("PATCH", "/ccgw/v1/skills/{vdn}/{id}", "Change a skill").body("SkillPatch").result("Skill"),
    op("DELETE", "/ccgw/v1/skills/{vdn}/{id}", "Remove a skill").answers(204, None),
    op("GET", "/ccgw/v1/groups", "Agent groups").query(&[("vdn", Number)]).result("GroupList"),
    op("POST", "/ccgw/v1/groups", "Add a group").body("NewGroup").answers(201, Some("Group")),
    op("GET", "/ccgw/v1/groups/{vdn}/{id}", "A group").result("Group"),
    op("PATCH", "/ccgw/v1/groups/{vdn}/{id}", "Rename a group").body("Name").result("Group"),
    op("DELETE", "/ccgw/v1/groups/{vdn}/{id}", "Remove a group").answers(204, None),
    op("GET", "/ccgw/v1/restreasons", "Rest reasons").query(&[("vdn", Number)]).result("RestReasonList"),
    op("POST", "/ccgw/v1/restreasons", "Add a rest reason").body("NewRestReason").answers(201, Some("RestReason")),
    op("GET", "/ccgw/v1/restreasons/{vdn}/{code}", "A rest reason").result("RestReason"),
    op("PUT", "/ccgw/v1/restreasons/{vdn}/{code}", "Set a rest reason (201 when new)")
        .body("Name")
        .result("RestReason"),
    op("DELETE", "/ccgw/v1/restreasons/{vdn}/{code}", "Remove a rest reason").answers(204, None),
    op("GET", "/ccgw/v1/records", "Call records, newest first").query(RECORD_FILTERS).result("RecordPage"),
    op("GET", "/ccgw/v1/audit", "The audit trail, newest first").query(AUDIT_FILTERS).result("AuditPage"),
    op("GET", "/ccgw/v1/vdns", "VDNs").result("VdnList"),
    op("GET", "/ccgw/v1/phones", "Agent phones with a SIP secret").result("PhoneSecretList"),
    op("PUT", "/ccgw/v1/phones/{number}/secret", "Set a phone's SIP secret (kept only as its digest hash)")
        .body("PhoneSecret")
        .answers(204, None),
    op("DELETE", "/ccgw/v1/phones/{number}/secret", "Remove a phone's SIP secret").answers(204, None),
    // The simulated switch (present only when ccgw runs it).
    op("GET", "/ccgw/v1/sim/calls", "Live simulated calls").sim().result("SimCallList"),
    op("POST", "/ccgw/v1/sim/calls", "Place a customer call")
        .sim()
        .body("PlaceCall")
        .answers(201, Some("CallIdObject")),
    op("DELETE", "/ccgw/v1/sim/calls/{callid}", "The customer hangs up").sim().result("SimCallState"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/parties/{number}/answer", "A far end answers").sim().result("Any"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/parties/{number}/reject", "A far end rejects").sim().result("Any"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/parties/{number}/hangup", "A far end hangs up").sim().result("Any"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/parties/{number}/digits", "A far end sends digits")
        .sim()
        .body("Digits")
        .result("Any"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/ivr/end", "The IVR flow ends").sim().body("EndIvr").result("Any"),
    op("GET", "/ccgw/v1/sim/rules", "How simulated far ends behave").sim().result("Rules"),
    op("PUT", "/ccgw/v1/sim/rules", "Set how simulated far ends behave").sim().body("Rules").result("Rules"),
    op("GET", "/ccgw/v1/sim/phones", "Simulated agent phones").sim().result("PhoneList"),
    op("PUT", "/ccgw/v1/sim/phones/{workno}", "Set an agent phone's mode").sim().body("PhoneMode").result("Phone"),
    op("GET", "/ccgw/v1/sim/agent-phones", "How agent phones answer").sim().result("AgentPhoneRulesView"),
    op("PUT", "/ccgw/v1/sim/agent-phones", "Set how agent phones answer")
        .sim()
        .body("AgentPhoneRules")
        .result("AgentPhoneRulesView"),
    op("POST", "/ccgw/v1/sim/calls/{callid}/agents/{workno}/hangup", "An agent puts the handset down")
        .sim()
        .result("Any"),
];

/// The ranges the extension API checks (`ccgw_core::ids` and the directory types).
fn work_no() -> Value {
    integer_in(1, 999_999)
}

fn vdn() -> Value {
    integer_in(1, 512)
}

fn skill_id() -> Value {
    integer_in(1, 999_999_999)
}

fn group_id() -> Value {
    integer_in(1, 9_999)
}

fn rest_code() -> Value {
    integer_in(1, 255)
}

fn phone() -> Value {
    text_matching(&format!("^[0-9*#]{{1,{}}}$", PhoneNumber::MAX_LEN))
}

fn password() -> Value {
    described(
        text(MIN_LENGTH, MAX_LENGTH),
        "at least three of upper case, lower case, digit, other; no character three times in a row; no run of the work number",
    )
}

fn role() -> Value {
    one_of_names([Role::Agent, Role::Inspector].map(Role::as_str))
}

fn policy() -> Value {
    one_of_names(RoutingPolicy::ALL.map(RoutingPolicy::as_str))
}

fn parameter_schema(path: &str, name: &str) -> Value {
    match name {
        "workno" | "agent" => work_no(),
        "vdn" => vdn(),
        "skill" => skill_id(),
        "id" if path.starts_with("/ccgw/v1/groups") => group_id(),
        "id" => skill_id(),
        "code" => rest_code(),
        "number" if path.starts_with("/ccgw/v1/phones") => phone(),
        "wait" => integer_in(0, crate::ext::MAX_WAIT_SECS as i64),
        "offset" | "limit" | "after" => integer_in(0, i64::from(u32::MAX)),
        _ => string(),
    }
}

pub(super) fn operation(op: &ExtOp) -> Value {
    let mut parameters: Vec<Value> =
        path_parameters(op.path).map(|name| path_parameter(name, parameter_schema(op.path, name))).collect();
    parameters.extend(op.query.iter().map(|(name, kind)| {
        let schema = match kind {
            Kind::Number => parameter_schema(op.path, name),
            Kind::Text => string(),
        };
        query_parameter(name, schema)
    }));
    OperationParts {
        tag: if op.sim_only { "simulated switch" } else { "extension" },
        summary: op.summary,
        id: operation_id("ext", op.method, op.path, &["ccgw", "v1"]),
        parameters,
        body: op.body.map(|body| (reference(body), true)),
        responses: responses(op),
        security: match op.access {
            Access::Public => json!([{}]),
            Access::Admin => json!([{"adminToken": []}]),
            Access::AdminOrAgent => json!([{"adminToken": []}, {"guid": []}]),
        },
    }
    .into_json()
}

fn responses(op: &ExtOp) -> Value {
    let mut success = json!({"description": "Success"});
    if let Some(result) = op.result {
        success["content"] = json!({op.media_type: {"schema": reference(result)}});
    }
    let mut responses = Map::new();
    responses.insert(op.status.to_string(), success);
    if op.path.starts_with("/ccgw/v1/restreasons/") && op.method == "PUT" {
        responses.insert(
            "201".into(),
            json!({"description": "Created", "content": {"application/json": {"schema": reference("RestReason")}}}),
        );
    }
    if op.path.ends_with("/events") {
        responses.insert(
            "410".into(),
            json!({"description": "The cursor is older than the events still held: read the snapshot",
                   "content": {"application/json": {"schema": reference("ResyncRequired")}}}),
        );
    }
    responses.insert(
        "default".into(),
        json!({"description": "An error", "content": {"application/json": {"schema": reference("Error")}}}),
    );
    Value::Object(responses)
}

pub(super) fn components() -> Vec<(&'static str, Value)> {
    let grant = strict_object(&[("id", skill_id()), ("level", integer_in(1, 10))], &["id"]);
    let overflow = described(
        json!({"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false,
               "properties": {"skill": integer(), "number": string()}}),
        "where calls go when the skill's limits are reached",
    );
    let agent = object(&[
        ("workNo", integer()),
        ("vdn", integer()),
        ("name", string()),
        ("phone", string()),
        ("role", string()),
        ("skills", array(grant.clone())),
        ("group", nullable(integer())),
        ("wrapUpMs", nullable(integer())),
    ]);
    let skill = object(&[
        ("vdn", integer()),
        ("id", integer()),
        ("name", string()),
        ("mediaType", integer()),
        ("policy", string()),
        ("maxWaiting", nullable(integer())),
        ("maxWaitMs", nullable(integer())),
        ("overflow", nullable(overflow.clone())),
        ("refuseWhenUnstaffed", boolean()),
        ("wrapUpMs", nullable(integer())),
    ]);
    let rule = |behaviours: &[&str]| {
        strict_object(
            &[("pattern", string()), ("behaviour", one_of_names(behaviours.iter().copied())), ("afterMs", integer())],
            &["pattern", "behaviour"],
        )
    };
    let far_end_rule = rule(&FarEndBehaviour::NAMES);
    let agent_phone_rule = rule(&AgentPhoneBehaviour::NAMES);
    vec![
        (
            "Error",
            object_requiring(
                &[("error", object_requiring(&[("code", string()), ("message", string())], &["code", "message"]))],
                &["error"],
            ),
        ),
        (
            "ResyncRequired",
            object_requiring(
                &[("error", object(&[("code", string()), ("message", string())])), ("oldest", integer())],
                &["oldest"],
            ),
        ),
        ("Any", any()),
        ("Health", object_requiring(&[("status", string())], &["status"])),
        ("MetricsText", string()),
        ("EventStream", described(string(), "`event:` and `data:` lines; `resync` when the cursor is too old")),
        ("Agent", agent.clone()),
        ("AgentList", object_requiring(&[("agents", array(agent))], &["agents"])),
        (
            "NewAgent",
            strict_object(
                &[
                    ("workNo", work_no()),
                    ("vdn", vdn()),
                    ("name", nullable(string())),
                    ("password", password()),
                    ("phone", phone()),
                    ("role", nullable(role())),
                    ("skills", array(grant.clone())),
                    ("group", nullable(group_id())),
                    ("wrapUpMs", nullable(integer())),
                ],
                &["workNo", "password", "phone"],
            ),
        ),
        (
            "AgentPatch",
            strict_object(
                &[
                    ("name", string()),
                    ("phone", phone()),
                    ("role", role()),
                    ("skills", array(grant)),
                    ("group", described(nullable(integer()), "null removes the agent from its group")),
                    ("wrapUpMs", described(nullable(integer()), "null: the skill's or the center's default")),
                ],
                &[],
            ),
        ),
        ("Password", strict_object(&[("password", password())], &["password"])),
        ("Skill", skill.clone()),
        ("SkillList", object_requiring(&[("skills", array(skill))], &["skills"])),
        (
            "NewSkill",
            strict_object(
                &[
                    ("vdn", vdn()),
                    ("id", skill_id()),
                    ("name", string()),
                    ("mediaType", integer()),
                    ("policy", nullable(policy())),
                    ("maxWaiting", nullable(integer())),
                    ("maxWaitMs", nullable(integer())),
                    ("overflow", nullable(overflow.clone())),
                    ("refuseWhenUnstaffed", boolean()),
                    ("wrapUpMs", nullable(integer())),
                ],
                &["id", "name"],
            ),
        ),
        (
            "SkillPatch",
            strict_object(
                &[
                    ("name", string()),
                    ("mediaType", integer()),
                    ("policy", policy()),
                    ("maxWaiting", nullable(integer())),
                    ("maxWaitMs", nullable(integer())),
                    ("overflow", nullable(overflow)),
                    ("refuseWhenUnstaffed", boolean()),
                    ("wrapUpMs", nullable(integer())),
                ],
                &[],
            ),
        ),
        ("Group", object(&[("vdn", integer()), ("id", integer()), ("name", string())])),
        ("GroupList", object_requiring(&[("groups", array(reference("Group")))], &["groups"])),
        ("NewGroup", strict_object(&[("vdn", vdn()), ("id", group_id()), ("name", string())], &["id", "name"])),
        ("Name", strict_object(&[("name", string())], &["name"])),
        ("RestReason", object(&[("vdn", integer()), ("code", integer()), ("name", string())])),
        ("RestReasonList", object_requiring(&[("restReasons", array(reference("RestReason")))], &["restReasons"])),
        (
            "NewRestReason",
            strict_object(&[("vdn", vdn()), ("code", rest_code()), ("name", string())], &["code", "name"]),
        ),
        (
            "RecordPage",
            object_requiring(
                &[
                    ("records", array(object(&[("id", integer()), ("callid", string()), ("outcome", string())]))),
                    ("total", integer()),
                ],
                &["records", "total"],
            ),
        ),
        (
            "AuditPage",
            object_requiring(
                &[
                    (
                        "entries",
                        array(object(&[
                            ("id", integer()),
                            ("at", integer()),
                            ("kind", string()),
                            ("actor", string()),
                            ("agent", nullable(integer())),
                            ("client", nullable(string())),
                            ("action", string()),
                            ("detail", nullable(string())),
                            ("result", nullable(string())),
                        ])),
                    ),
                    ("total", integer()),
                ],
                &["entries", "total"],
            ),
        ),
        (
            "VdnList",
            object_requiring(
                &[(
                    "vdns",
                    array(object(&[("id", integer()), ("name", string()), ("accessCode", nullable(string()))])),
                )],
                &["vdns"],
            ),
        ),
        (
            "EventPage",
            object_requiring(
                &[("events", array(object(&[("seq", integer()), ("event", reference("Any"))]))), ("last", integer())],
                &["events", "last"],
            ),
        ),
        (
            "Snapshot",
            object(&[
                ("workNo", string()),
                ("seq", integer()),
                ("takenAt", integer()),
                ("signedIn", boolean()),
                ("state", string()),
                ("status", integer()),
                ("ctiStatus", nullable(integer())),
                ("stateSince", nullable(integer())),
                ("loginTime", nullable(integer())),
                ("vdn", nullable(integer())),
                ("phone", nullable(string())),
                ("skills", array(integer())),
                ("rest", nullable(object(&[]))),
                ("calls", array(object(&[]))),
            ]),
        ),
        (
            "PlaceCall",
            strict_object(
                &[
                    ("caller", string()),
                    ("skill", nullable(skill_id())),
                    ("called", nullable(string())),
                    ("vdn", nullable(vdn())),
                    ("callData", nullable(string())),
                    ("priority", nullable(integer_in(0, 255))),
                ],
                &["caller"],
            ),
        ),
        ("PhoneSecret", strict_object(&[("secret", described(text(8, 128), "the phone's SIP password"))], &["secret"])),
        (
            "PhoneSecretList",
            object_requiring(&[("phones", array(object(&[("number", string()), ("realm", string())])))], &["phones"]),
        ),
        ("CallIdObject", object_requiring(&[("callid", string())], &["callid"])),
        ("SimCallState", object(&[("callid", string()), ("state", string())])),
        (
            "SimCallList",
            object_requiring(&[("calls", array(object(&[("callid", string()), ("state", string())])))], &["calls"]),
        ),
        ("Digits", strict_object(&[("digits", string())], &["digits"])),
        ("EndIvr", strict_object(&[("end", nullable(string()))], &[])),
        (
            "Rules",
            strict_object(&[("rules", array(far_end_rule)), ("defaultAnswerMs", nullable(integer()))], &["rules"]),
        ),
        ("Phone", object(&[("workNo", integer()), ("mode", string())])),
        ("PhoneList", object(&[("default", string()), ("phones", array(reference("Phone")))])),
        ("PhoneMode", strict_object(&[("mode", one_of_names(PhoneMode::ALL.map(PhoneMode::name)))], &["mode"])),
        ("AgentPhoneRules", strict_object(&[("rules", array(agent_phone_rule.clone()))], &["rules"])),
        ("AgentPhoneRulesView", object(&[("rules", array(agent_phone_rule)), ("default", string())])),
    ]
}
