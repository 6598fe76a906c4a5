//! Distribution over HTTPS: priorities, queue limits, overflow and the recorded outcome
//! of every call, with skills edited through `/ccgw/v1` while the gateway runs.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{OFFERED, TestApp, TestOpts, record_of, sim_calls, spawn_app, types};

async fn offered_callid(app: &TestApp, work_no: u32, guid: &str) -> String {
    let offer = app.events(work_no, guid, 5).await;
    offer[4]["content"]["callid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_highest_priority_call_is_offered_first_then_arrival_order() {
    let app = spawn_app(TestOpts::default()).await;
    let normal = app.place_call_with(json!({"caller": "1001", "skill": 1})).await;
    let urgent = app.place_call_with(json!({"caller": "1002", "skill": 1, "priority": 9})).await;
    let later = app.place_call_with(json!({"caller": "1003", "skill": 1})).await;
    let guid = app.idle_agent(110, json!({})).await;
    let mut served = Vec::new();
    for _ in 0..3 {
        served.push(offered_callid(&app, 110, &guid).await);
        assert_eq!(app.agent(110, &guid).answer().await.retcode(), "0");
        app.events(110, &guid, 2).await;
        assert_eq!(app.agent(110, &guid).release().await.retcode(), "0");
        app.events(110, &guid, 4).await;
    }
    assert_eq!(served, [urgent, normal, later]);
}

#[tokio::test]
async fn queue_limits_edited_live_refuse_overflow_and_time_out_calls() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, body) = app
        .admin("PATCH", "skills/1/2", Some(json!({"maxWaiting": 1, "maxWaitMs": 30_000, "overflow": {"skill": 1}})))
        .await;
    assert_eq!(status, 200, "{body}");
    let first = app.place_call(2).await;
    let refused = app.place_call(2).await;
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    let live: Vec<&str> = calls["calls"].as_array().unwrap().iter().map(|c| c["callid"].as_str().unwrap()).collect();
    assert_eq!(live, [first.as_str()], "the second call was refused: queue full");

    app.advance(Duration::from_secs(30)).await;
    let guid = app.idle_agent(110, json!({})).await; // skill 1 only
    let offer = app.events(110, &guid, 5).await;
    assert_eq!(offer[0]["content"]["skillId"], json!(1), "overflowed from skill 2 into skill 1");
    assert_eq!(offer[4]["content"]["callid"], json!(first));
    assert_eq!(app.hang_up(&first).await, 200);
    app.events(110, &guid, 4).await;

    let records = app.records("?vdn=1").await;
    let outcome_of = |callid: &str| {
        records["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["callid"] == json!(callid))
            .map(|r| r["outcome"].clone())
    };
    let outcomes = (outcome_of(&refused), outcome_of(&first));
    assert_eq!(outcomes, (Some(json!("queue-full")), Some(json!("abandoned-ringing"))));
}

#[tokio::test]
async fn a_call_by_number_is_routed_by_the_vdns_routes_or_refused_as_unrouted() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    // Demo VDN 1 (access code 4000): 4000 → skill 1, which 101 serves.
    let routed = app.place_call_with(json!({"caller": "13800000000", "called": "4000", "callData": "order=7"})).await;
    let offered = app.events(101, &guid, 5).await;
    assert_eq!(types(&offered), OFFERED);
    assert_eq!(offered[4]["content"]["callid"], json!(routed));

    // 40009 → the caller identification flow (4001) first; the switch shows it there.
    let in_ivr = app.place_call_with(json!({"caller": "13800000001", "called": "40009"})).await;
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    let call = calls["calls"].as_array().unwrap().iter().find(|c| c["callid"] == json!(in_ivr)).unwrap().clone();
    assert_eq!((&call["state"], &call["vdn"], &call["skill"]), (&json!("ivr"), &Value::Null, &Value::Null));

    // 40003 has no route: released at once and recorded.
    let unrouted = app.place_call_with(json!({"caller": "13800000002", "called": "40003"})).await;
    let record = record_of(&app, &unrouted).await;
    assert_eq!((&record["outcome"], &record["called"]), (&json!("unrouted"), &json!("40003")));
    assert!(sim_calls(&app).await.iter().all(|(id, _)| *id != unrouted), "the switch released it");
    app.assert_no_event(101, &guid).await;

    // Neither skill nor number, or a VDN without a skill: refused.
    for body in [json!({"caller": "13800000003"}), json!({"caller": "13800000003", "called": "4000", "vdn": 1})] {
        assert_eq!(app.admin("POST", "sim/calls", Some(body)).await.0, 400);
    }
}
