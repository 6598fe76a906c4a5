//! IVR flows over HTTPS: `transfer` with `devicetype` 3 in suspend (1) and blind (0)
//! mode, the flow returning the call or releasing the customer on the manual clock,
//! `ivrinfo`, `ivrcallinfo`, `ivrcallcount`, and a flow ended by hand through the
//! simulator.
//! Run: `cargo test -p ccgw --test agentgateway ivr::`.

use std::time::Duration;

use ccgw::config::IvrFlowConfig;
use serde_json::{Value, json};

use crate::helpers::{LEFT_CALL, OFFERED, TestApp, TestOpts, customer_with_101, record_of, retcode, spawn_app, types};

const CUSTOMER: &str = "13800000000";
/// Flow 1 returns a call after 2 s, flow 2 releases it after 3 s.
const RETURNING: &str = "4101";
const RELEASING: &str = "4102";

fn flow(id: u32, name: &str, access_code: &str, hold_ms: u64, end: &str) -> IvrFlowConfig {
    IvrFlowConfig { vdn: 1, id, name: name.into(), access_code: access_code.into(), hold_ms, end: end.into() }
}

fn short_flows() -> TestOpts {
    let flows =
        vec![flow(1, "Identify caller", RETURNING, 2_000, "return"), flow(2, "Survey", RELEASING, 3_000, "release")];
    TestOpts { ivr_flows: Some(flows), ..TestOpts::default() }
}

async fn transfer_to_ivr(app: &TestApp, guid: &str, address: &str, mode: u8) -> Value {
    let body = json!({"devicetype": 3, "address": address, "mode": mode, "callappdata": ""});
    let answer = app.agent(101, guid).transfer(body).await;
    assert_eq!(answer.status, 200);
    answer.body
}

/// The simulated call's state and its parties as `party:state`.
async fn sim_call(app: &TestApp, callid: &str) -> (String, Vec<String>) {
    let (status, calls) = app.admin("GET", "sim/calls", None).await;
    assert_eq!(status, 200, "{calls}");
    let call = calls["calls"].as_array().unwrap().iter().find(|call| call["callid"] == json!(callid)).cloned();
    let call = call.unwrap_or_else(|| panic!("call {callid} is not live: {calls}"));
    let parties = call["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}:{}", p["party"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    (call["state"].as_str().unwrap().to_owned(), parties)
}

async fn result_of(app: &TestApp, path: &str, guid: &str) -> Value {
    let answer = app.call("GET", path, Some(guid), None).await;
    assert_eq!((answer.status, answer.retcode()), (200, "0"), "{path}: {}", answer.body);
    answer.body["result"].clone()
}

const TALKING_AGAIN: [&str; 2] = ["AgentEvent_ReturnFromIvr", "AgentEvent_Talking"];
const LEFT_ALONE: [&str; 4] =
    ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"];

#[tokio::test]
async fn suspend_to_a_returning_flow_brings_the_call_back_with_return_from_ivr() {
    let app = spawn_app(short_flows()).await;
    let (guid, customer) = customer_with_101(&app).await;
    assert_eq!(transfer_to_ivr(&app, &guid, RETURNING, 1).await["retcode"], json!("0"));
    app.assert_no_event(101, &guid).await;
    assert_eq!(
        sim_call(&app, &customer).await,
        (
            "ivr".to_owned(),
            vec![format!("number:{CUSTOMER}:connected"), "agent:101:held".into(), format!("ivr:{RETURNING}:connected")]
        )
    );

    // While the flow holds the call: counted in it, described with state `ivr`, and not retrievable.
    assert_eq!(result_of(&app, "calldata/101/ivrcallcount/1", &guid).await, json!(1));
    assert_eq!(result_of(&app, "calldata/101/ivrcallcount/2", &guid).await, json!(0));
    let in_flow = result_of(&app, "calldata/101/ivrcallinfo/1", &guid).await;
    let in_flow = in_flow.as_array().expect("an array of calls");
    assert_eq!(in_flow.len(), 1);
    assert_eq!(
        (&in_flow[0]["callId"], &in_flow[0]["state"], &in_flow[0]["agent"], &in_flow[0]["caller"]),
        (&json!(customer), &json!("ivr"), &json!("101"), &json!(CUSTOMER))
    );
    let own = result_of(&app, &format!("calldata/101/callinfobycallid/{customer}"), &guid).await;
    assert_eq!(own["state"], json!("ivr"), "the agent's own call, as it waits for it");
    assert_eq!(app.agent(101, &guid).retrieve().await.checked_retcode(), "200-016");
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "200-014");
    let again = transfer_to_ivr(&app, &guid, RETURNING, 1).await;
    assert_eq!(again["retcode"], json!("200-012"));

    app.advance(Duration::from_millis(1_999)).await;
    app.assert_no_event(101, &guid).await;
    app.advance(Duration::from_millis(1)).await;
    let back = app.events(101, &guid, 2).await;
    assert_eq!(types(&back), TALKING_AGAIN);
    assert_eq!(back[0]["content"], json!(customer));
    assert_eq!(
        back[1]["content"],
        json!({"caller": CUSTOMER, "callid": customer, "called": "4000", "feature": "0", "type": "main", "mediaAbility": "1"})
    );
    assert_eq!(
        sim_call(&app, &customer).await,
        ("talking".to_owned(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into()])
    );
    assert_eq!(result_of(&app, "calldata/101/ivrcallcount/1", &guid).await, json!(0));
    assert_eq!(result_of(&app, "calldata/101/ivrcallinfo/1", &guid).await, json!([]));

    assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
    let released = app.event_types(101, &guid, 4).await;
    assert_eq!(
        released,
        ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    let record = record_of(&app, &customer).await;
    assert_eq!((&record["outcome"], &record["endedBy"]), (&json!("answered"), &json!("agent")));
}

#[tokio::test]
async fn suspend_to_a_releasing_flow_ends_the_call_ended_by_the_ivr() {
    let app = spawn_app(short_flows()).await;
    let (guid, customer) = customer_with_101(&app).await;
    assert_eq!(transfer_to_ivr(&app, &guid, RELEASING, 1).await["retcode"], json!("0"));
    app.advance(Duration::from_millis(3_000)).await;
    let ended = app.events(101, &guid, 4).await;
    assert_eq!(types(&ended), LEFT_ALONE);
    assert_eq!(ended[0]["content"], json!({"callid": customer, "number": CUSTOMER}));
    assert_eq!(ended[2]["content"], json!({"phoneState": 3}));
    let record = record_of(&app, &customer).await;
    assert_eq!(
        (&record["outcome"], &record["agent"], &record["endedBy"]),
        (&json!("answered"), &json!(101), &json!("ivr"))
    );
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    assert_eq!(calls["calls"], json!([]));
}

#[tokio::test]
async fn blind_to_a_flow_releases_the_agent_and_the_returned_call_is_offered_again() {
    let app = spawn_app(short_flows()).await;
    let (guid, customer) = customer_with_101(&app).await;
    assert_eq!(transfer_to_ivr(&app, &guid, RETURNING, 0).await["retcode"], json!("0"));
    let left = app.events(101, &guid, 3).await;
    assert_eq!(types(&left), LEFT_CALL);
    assert_eq!(left[1]["content"], json!({"phoneState": 2}));
    assert_eq!(
        sim_call(&app, &customer).await,
        ("ivr".to_owned(), vec![format!("number:{CUSTOMER}:connected"), format!("ivr:{RETURNING}:connected")])
    );
    let in_flow = result_of(&app, "calldata/101/ivrcallinfo/1", &guid).await;
    assert_eq!((&in_flow[0]["state"], &in_flow[0]["agent"]), (&json!("ivr"), &json!("")));

    // Back in skill 1, where 101 is the idle agent: it rings as a transferred call.
    app.advance(Duration::from_millis(2_000)).await;
    let offered = app.events(101, &guid, 5).await;
    assert_eq!(types(&offered), OFFERED);
    assert_eq!(
        (&offered[4]["content"]["transfer"], &offered[4]["content"]["transfrom"]),
        (&json!("yes"), &json!("101"))
    );
    assert_eq!(app.hang_up(&customer).await, 200);
}

#[tokio::test]
async fn the_customer_hanging_up_in_a_flow_ends_the_call_for_the_waiting_agent() {
    let app = spawn_app(short_flows()).await;
    let (guid, customer) = customer_with_101(&app).await;
    assert_eq!(transfer_to_ivr(&app, &guid, RETURNING, 1).await["retcode"], json!("0"));
    assert_eq!(app.hang_up(&customer).await, 200);
    assert_eq!(app.event_types(101, &guid, 4).await, LEFT_ALONE);
    let record = record_of(&app, &customer).await;
    assert_eq!(record["endedBy"], json!("customer"));
    app.advance(Duration::from_millis(2_000)).await;
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn unknown_access_codes_and_modes_the_ivr_does_not_take_are_refused() {
    let app = spawn_app(short_flows()).await;
    let (guid, _customer) = customer_with_101(&app).await;
    let unknown = transfer_to_ivr(&app, &guid, "4999", 1).await;
    assert_eq!(unknown["retcode"], json!("000-002"));
    assert!(unknown["message"].as_str().unwrap().contains("no IVR flow has access code 4999"), "{unknown}");
    for mode in [2, 3, 4] {
        assert_eq!(transfer_to_ivr(&app, &guid, RETURNING, mode).await["retcode"], json!("000-002"), "mode {mode}");
    }
    assert_eq!(transfer_to_ivr(&app, &guid, "41a1", 0).await["retcode"], json!("000-002"));
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn ivrinfo_lists_the_flows_and_bad_ivr_ids_are_refused_with_a_message() {
    let app = spawn_app(short_flows()).await;
    let guid = app.idle_agent(101, json!({})).await;
    assert_eq!(
        result_of(&app, "queuedevice/101/ivrinfo", &guid).await,
        json!([
            {"ivrid": 1, "name": "Identify caller", "accesscode": RETURNING, "vdnid": 1},
            {"ivrid": 2, "name": "Survey", "accesscode": RELEASING, "vdnid": 1}
        ])
    );
    for path in ["ivrcallinfo/9", "ivrcallcount/9", "ivrcallinfo/0", "ivrcallcount/x", "ivrcallinfo/01"] {
        let answer = app.agent(101, &guid).calldata(path).await;
        assert_eq!((answer.status, answer.retcode()), (200, "000-002"), "{path}: {}", answer.body);
        assert!(
            answer.body["message"].as_str().is_some_and(|m| m.contains("IVR flow") || m.contains("ivrid")),
            "{path}: {}",
            answer.body
        );
    }
    assert_eq!(app.agent(101, "wrong-guid").calldata("ivrcallcount/1").await.checked_retcode(), "000-003");
}

#[tokio::test]
async fn the_demo_runs_two_flows_and_a_vdn_without_flows_answers_600_004() {
    let demo = spawn_app(TestOpts::default()).await;
    let guid = demo.idle_agent(101, json!({})).await;
    assert_eq!(
        result_of(&demo, "queuedevice/101/ivrinfo", &guid).await,
        json!([
            {"ivrid": 1, "name": "Caller identification", "accesscode": "4001", "vdnid": 1},
            {"ivrid": 2, "name": "Satisfaction survey", "accesscode": "4002", "vdnid": 1}
        ])
    );

    let bare = spawn_app(TestOpts { ivr_flows: Some(Vec::new()), ..TestOpts::default() }).await;
    let guid = bare.idle_agent(101, json!({})).await;
    assert_eq!(retcode(&bare, "GET", "queuedevice/101/ivrinfo", &guid, None).await, "600-004");
    assert_eq!(retcode(&bare, "GET", "calldata/101/ivrcallcount/1", &guid, None).await, "000-002");
}

#[tokio::test]
async fn a_flow_ended_by_hand_through_the_simulator() {
    let app = spawn_app(short_flows()).await;
    let (guid, customer) = customer_with_101(&app).await;
    let path = format!("sim/calls/{customer}/ivr/end");
    let (status, body) = app.admin("POST", &path, Some(json!({}))).await;
    assert_eq!(status, 409, "not in a flow yet: {body}");

    assert_eq!(transfer_to_ivr(&app, &guid, RETURNING, 1).await["retcode"], json!("0"));
    let (status, body) = app.admin("POST", &path, Some(json!({"end": "hangup"}))).await;
    assert_eq!(status, 400, "{body}");
    // Released now, although the flow would have returned the call.
    let (status, body) = app.admin("POST", &path, Some(json!({"end": "release"}))).await;
    assert_eq!((status, &body), (200, &json!({"callid": customer, "state": "ended"})));
    assert_eq!(app.event_types(101, &guid, 4).await, LEFT_ALONE);
    assert_eq!(record_of(&app, &customer).await["endedBy"], json!("ivr"));
    let (status, _) = app.admin("POST", &path, None).await;
    assert_eq!(status, 404, "the call is over");
}
