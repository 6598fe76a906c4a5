//! `/ccgw/v1/sim/...`: far-end rules, phone modes and the parties of simulated calls.

use reqwest::Method;
use serde_json::{Value, json};

use super::ext;
use super::helpers::{TestOpts, spawn_app};

const CUSTOMER: &str = "13800000000";

/// Asserts a JSON error answer with the status and a message containing `part`.
fn assert_error(answer: &(u16, Value), status: u16, part: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let message = answer.1["error"]["message"].as_str().unwrap_or_else(|| panic!("no error message: {}", answer.1));
    assert!(message.contains(part), "{message:?} should contain {part:?}");
}

#[tokio::test]
async fn without_the_simulated_switch_its_paths_are_unknown_like_any_other() {
    let app = spawn_app(TestOpts { silent_switch: true, ..TestOpts::default() }).await;
    let unknown = ext(&app, Method::GET, "no-such-thing", None).await;
    assert_eq!(unknown.0, 404);
    assert_eq!(unknown.1["error"]["code"], json!("not_found"));
    for (method, path) in [(Method::GET, "sim/calls"), (Method::GET, "sim/rules"), (Method::PUT, "sim/phones/101")] {
        assert_eq!(ext(&app, method, path, Some(json!({}))).await, unknown, "{path}");
    }
    // The rest of the extension API is there.
    assert_eq!(ext(&app, Method::GET, "vdns", None).await.0, 200);
}

#[tokio::test]
async fn far_end_rules_are_read_and_replaced_as_a_whole() {
    let app = spawn_app(TestOpts::default()).await;
    assert_eq!(ext(&app, Method::GET, "sim/rules", None).await, (200, json!({"rules": [], "defaultAnswerMs": 1000})));

    let rules = json!([
        {"pattern": "139*", "behaviour": "busy"},
        {"pattern": "5*", "behaviour": "answer", "afterMs": 200},
        {"pattern": "5550000", "behaviour": "no-answer"},
        {"pattern": "*", "behaviour": "ring"},
    ]);
    let wanted = json!({"rules": rules, "defaultAnswerMs": 300});
    let put = ext(&app, Method::PUT, "sim/rules", Some(json!({"rules": rules, "defaultAnswerMs": 300}))).await;
    assert_eq!(put, (200, wanted.clone()));
    assert_eq!(ext(&app, Method::GET, "sim/rules", None).await, (200, wanted));

    // Without `defaultAnswerMs` the default stays; the list is replaced.
    let (status, body) = ext(&app, Method::PUT, "sim/rules", Some(json!({"rules": []}))).await;
    assert_eq!((status, body), (200, json!({"rules": [], "defaultAnswerMs": 300})));
}

#[tokio::test]
async fn bad_rules_are_refused_with_the_entry_named_and_change_nothing() {
    let app = spawn_app(TestOpts::default()).await;
    let good = json!({"pattern": "1", "behaviour": "answer"});
    let cases = [
        (json!({"rules": [good, {"pattern": "13a*", "behaviour": "busy"}]}), "rules[1] (pattern \"13a*\")"),
        (json!({"rules": [{"pattern": "", "behaviour": "busy"}]}), "rules[0]"),
        (json!({"rules": [{"pattern": "5*", "behaviour": "hangup"}]}), "behaviour \"hangup\" is not one of"),
        (json!({"rules": [{"pattern": "5*", "behaviour": "busy", "afterMs": 10}]}), "busy takes no delay"),
        (json!({"rules": [{"pattern": "5*", "behaviour": "answer", "afterMs": 3_600_001}]}), "3600000"),
        (json!({"rules": [{"pattern": "5*", "behaviour": "answer", "afterMs": -1}]}), "afterMs"),
        (json!({"rules": [{"pattern": "5*"}]}), "behaviour"),
        (json!({"rules": [], "defaultAnswerMs": 99_999_999}), "defaultAnswerMs"),
        (json!({"rules": [], "colour": "red"}), "colour"),
        (json!({"defaultAnswerMs": 5}), "rules"),
    ];
    for (body, part) in cases {
        assert_error(&ext(&app, Method::PUT, "sim/rules", Some(body)).await, 400, part);
    }
    assert_eq!(ext(&app, Method::GET, "sim/rules", None).await.1, json!({"rules": [], "defaultAnswerMs": 1000}));
}

#[tokio::test]
async fn phone_modes_are_set_per_work_number_and_listed() {
    let app = spawn_app(TestOpts::default()).await;
    let empty = json!({"default": "auto", "phones": []});
    assert_eq!(ext(&app, Method::GET, "sim/phones", None).await, (200, empty.clone()));
    let set = ext(&app, Method::PUT, "sim/phones/102", Some(json!({"mode": "refuse"}))).await;
    assert_eq!(set, (200, json!({"workNo": 102, "mode": "refuse"})));
    ext(&app, Method::PUT, "sim/phones/101", Some(json!({"mode": "manual"}))).await;
    let listed = json!({
        "default": "auto",
        "phones": [{"workNo": 101, "mode": "manual"}, {"workNo": 102, "mode": "refuse"}]
    });
    assert_eq!(ext(&app, Method::GET, "sim/phones", None).await, (200, listed));
    // Back to the default: no longer listed.
    ext(&app, Method::PUT, "sim/phones/101", Some(json!({"mode": "auto"}))).await;
    ext(&app, Method::PUT, "sim/phones/102", Some(json!({"mode": "auto"}))).await;
    assert_eq!(ext(&app, Method::GET, "sim/phones", None).await, (200, empty));

    assert_error(&ext(&app, Method::PUT, "sim/phones/101", Some(json!({"mode": "off"}))).await, 400, "\"off\"");
    assert_error(&ext(&app, Method::PUT, "sim/phones/101", Some(json!({}))).await, 400, "mode");
    assert_error(&ext(&app, Method::PUT, "sim/phones/abc", Some(json!({"mode": "auto"}))).await, 400, "work number");
    assert_error(&ext(&app, Method::PUT, "sim/phones/0", Some(json!({"mode": "auto"}))).await, 400, "work number");
}

#[tokio::test]
async fn a_customer_call_lists_its_parties() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let (status, calls) = ext(&app, Method::GET, "sim/calls", None).await;
    assert_eq!(status, 200);
    let call = &calls["calls"][0];
    assert_eq!((&call["callid"], &call["vdn"], &call["skill"]), (&json!(callid), &json!(1), &json!(1)));
    assert_eq!((&call["state"], &call["agent"]), (&json!("ringing"), &json!("101")));
    assert_eq!(
        call["parties"],
        json!([
            {"party": format!("number:{CUSTOMER}"), "state": "connected", "muted": false, "digits": "", "hears": []},
            {"party": "agent:101", "state": "alerting", "muted": false, "digits": "", "hears": []},
        ])
    );
}

#[tokio::test]
async fn the_customer_keys_digits_and_hangs_up_through_its_party() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let party = format!("sim/calls/{callid}/parties/{CUSTOMER}");

    let (status, call) = ext(&app, Method::POST, &format!("{party}/digits"), Some(json!({"digits": "12#"}))).await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["parties"][0]["digits"], json!("12#"));

    let (status, ended) = ext(&app, Method::POST, &format!("{party}/hangup"), None).await;
    assert_eq!((status, ended), (200, json!({"callid": callid, "state": "ended"})));
    // Exactly as DELETE sim/calls/{callid}: the agent's call ends and the agent is idle again.
    let types = app.event_types(101, &guid, 4).await;
    assert_eq!(
        types,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(app.hang_up(&callid).await, 404, "the call is over");
}

#[tokio::test]
async fn party_requests_refuse_unknown_calls_and_parties_and_wrong_states() {
    let app = spawn_app(TestOpts::default()).await;
    let callid = app.place_call(1).await;
    let party = format!("sim/calls/{callid}/parties/{CUSTOMER}");
    let cases = [
        (format!("sim/calls/1700000000-999/parties/{CUSTOMER}/answer"), None, 404, "no live call"),
        (format!("sim/calls/{callid}/parties/5550000/hangup"), None, 404, "has no party 5550000"),
        (format!("sim/calls/{callid}/parties/5550000/digits"), Some(json!({"digits": "1"})), 404, "no party"),
        (format!("{party}/answer"), None, 409, "is connected; this needs it alerting"),
        (format!("{party}/reject"), None, 409, "is connected"),
        (format!("sim/calls/{callid}/parties/abc/answer"), None, 400, "number"),
        (format!("{party}/digits"), Some(json!({"digits": "12x"})), 400, "digits"),
        (format!("{party}/digits"), Some(json!({"digits": ""})), 400, "digits"),
        (format!("{party}/digits"), Some(json!({"keys": "1"})), 400, "keys"),
        (format!("{party}/digits"), None, 400, "Content-Type"),
    ];
    for (path, body, status, part) in cases {
        let answer = ext(&app, Method::POST, &path, body).await;
        assert!(answer.1["error"]["code"].is_string(), "{path}: {}", answer.1);
        assert_error(&answer, status, part);
    }
    let (_, calls) = ext(&app, Method::GET, "sim/calls", None).await;
    assert_eq!(calls["calls"][0]["state"], json!("queued"), "nothing changed");
}
